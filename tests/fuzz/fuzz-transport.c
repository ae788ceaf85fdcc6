/* fuzz-transport.c: Base45, zlib and the three text envelopes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each input goes through Base45 decoding, inflating (with the engine's
 * limit and with a small one), and as text through idw_transport_detect()
 * and idw_transport_unwrap() for each prefix. What decodes must encode
 * back: Base45 exactly, zlib and the envelopes to the same payload.
 */
#include "config.h"

#include "idw-transport.h"

#include "fuzz-common.h"

/* Small enough that many inputs reach it. */
#define SMALL_LIMIT 64

static const char * const prefixes[] = {
  IDW_PREFIX_PRESENTATION,
  IDW_PREFIX_REQUEST,
  IDW_PREFIX_CREDENTIAL,
  NULL,
};

static void
assert_same_bytes (GBytes *a,
                   GBytes *b)
{
  g_assert_cmpmem (g_bytes_get_data (a, NULL), g_bytes_get_size (a),
                   g_bytes_get_data (b, NULL), g_bytes_get_size (b));
}

static void
fuzz_base45 (const guint8 *data,
             gsize         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) decoded = NULL;
  g_autofree char *encoded = NULL;

  decoded = idw_base45_decode ((const char *) data, size, &error);
  fuzz_check_result (decoded, error);
  if (decoded == NULL)
    return;

  /* Strict Base45 has one spelling per byte string. */
  encoded = idw_base45_encode (g_bytes_get_data (decoded, NULL), g_bytes_get_size (decoded));
  g_assert_cmpmem (encoded, strlen (encoded), data, size);
}

static void
fuzz_inflate (const guint8 *data,
              gsize         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) small_error = NULL;
  g_autoptr(GBytes) inflated = NULL;
  g_autoptr(GBytes) small = NULL;
  g_autoptr(GBytes) deflated = NULL;
  g_autoptr(GBytes) again = NULL;

  inflated = idw_inflate (data, size, IDW_MAX_INFLATED_LENGTH, &error);
  fuzz_check_result (inflated, error);
  small = idw_inflate (data, size, SMALL_LIMIT, &small_error);
  fuzz_check_result (small, small_error);

  /* The limit changes nothing but whether the output fits. */
  if (small != NULL)
    {
      g_assert_nonnull (inflated);
      assert_same_bytes (small, inflated);
    }
  else if (inflated != NULL)
    {
      g_assert_error (small_error, IDW_ERROR, IDW_ERROR_LIMIT);
      g_assert_cmpuint (g_bytes_get_size (inflated), >, SMALL_LIMIT);
    }

  if (inflated == NULL)
    return;

  deflated = idw_deflate (g_bytes_get_data (inflated, NULL), g_bytes_get_size (inflated));
  again = idw_inflate (g_bytes_get_data (deflated, NULL), g_bytes_get_size (deflated),
                       IDW_MAX_INFLATED_LENGTH, NULL);
  g_assert_nonnull (again);
  assert_same_bytes (again, inflated);
}

static void
fuzz_unwrap (const char *text,
             const char *prefix,
             const char *detected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) again_error = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autofree char *wrapped = NULL;

  payload = idw_transport_unwrap (prefix, text, &error);
  fuzz_check_result (payload, error);

  /* Text that starts with another kind's prefix is named as that kind. */
  if (detected != NULL && strcmp (detected, prefix) != 0)
    g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_PREFIX);

  if (payload == NULL)
    return;

  wrapped = idw_transport_wrap (prefix, payload);
  g_assert_cmpstr (idw_transport_detect (wrapped), ==, prefix);
  again = idw_transport_unwrap (prefix, wrapped, &again_error);
  /* Our zlib may compress worse than the sender's did. */
  if (again == NULL)
    g_assert_error (again_error, IDW_ERROR, IDW_ERROR_LIMIT);
  else
    assert_same_bytes (again, payload);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init (argv);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_text (data, size);
  const char *detected;

  fuzz_base45 (data, size);
  fuzz_inflate (data, size);

  detected = idw_transport_detect (text);
  g_assert_true (detected == NULL || g_strv_contains (prefixes, detected));
  for (guint i = 0; prefixes[i] != NULL; i++)
    fuzz_unwrap (text, prefixes[i], detected);

  return 0;
}
