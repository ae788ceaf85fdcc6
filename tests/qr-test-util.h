/* qr-test-util.h: "IDW1:" texts of random payloads, for the QR and
 * animation tests (neither decoder nor collector inflates them)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "idw-transport.h"

/* "IDW1:" + Base45 of @n_bytes random bytes. */
static inline char *
random_presentation_text (GRand *rand,
                          gsize  n_bytes)
{
  g_autofree guint8 *data = g_malloc (n_bytes);
  g_autofree char *encoded = NULL;

  for (gsize i = 0; i < n_bytes; i++)
    data[i] = (guint8) g_rand_int_range (rand, 0, 256);
  encoded = idw_base45_encode (data, n_bytes);

  return g_strconcat (IDW_PREFIX_PRESENTATION, encoded, NULL);
}
