/* test-cbor-util.h: hex helpers and decoding assertions the test-cbor*.c
 * programs share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <math.h>
#include <string.h>

#include "idw-cbor.h"
#include "idw-error.h"

static inline GBytes *
hex_to_bytes (const char *hex)
{
  gsize n = strlen (hex);
  guint8 *buf;

  g_assert_cmpuint (n % 2, ==, 0);
  buf = g_malloc (n / 2 + 1);
  for (gsize i = 0; i < n / 2; i++)
    {
      gint hi = g_ascii_xdigit_value (hex[2 * i]);
      gint lo = g_ascii_xdigit_value (hex[2 * i + 1]);

      g_assert_cmpint (hi, >=, 0);
      g_assert_cmpint (lo, >=, 0);
      buf[i] = (guint8) (hi << 4 | lo);
    }
  return g_bytes_new_take (buf, n / 2);
}

static inline char *
bytes_to_hex (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, "%02x", data[i]);
  return g_string_free (s, FALSE);
}

static inline char *
encode_hex (cbor_item_t *item)
{
  g_autoptr(GBytes) bytes = idw_cbor_encode (item);

  return bytes_to_hex (bytes);
}

static inline cbor_item_t *
decode_hex (const char  *hex,
            GError     **error)
{
  g_autoptr(GBytes) bytes = hex_to_bytes (hex);

  return idw_cbor_decode_bytes (bytes, error);
}
