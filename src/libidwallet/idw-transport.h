/* idw-transport.h: Base45 (RFC 9285), zlib and the text envelopes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define IDW_PREFIX_PRESENTATION "IDW1:"
#define IDW_PREFIX_REQUEST      "IDWR1:"
#define IDW_PREFIX_CREDENTIAL   "IDWC1:"

char       *idw_base45_encode       (const guint8  *data,
                                     gsize          len);
/* Errors: IDW_ERROR_MALFORMED (bad character, bad length, value > 0xffff). */
GBytes     *idw_base45_decode       (const char    *text,
                                     gssize         len,
                                     GError       **error);

/* zlib format (RFC 1950), best compression. */
GBytes     *idw_deflate             (const guint8  *data,
                                     gsize          len);
/* Errors: IDW_ERROR_MALFORMED (corrupt/truncated stream, trailing data),
 * IDW_ERROR_LIMIT (more than @max_len bytes would come out). Stops as soon
 * as the limit is passed, so a zip bomb costs no more than @max_len. */
GBytes     *idw_inflate             (const guint8  *data,
                                     gsize          len,
                                     gsize          max_len,
                                     GError       **error);

/* @prefix + Base45(zlib(@payload)). */
char       *idw_transport_wrap      (const char    *prefix,
                                     GBytes        *payload);
/* Strips surrounding white space (and line breaks inside, from pasted
 * text), checks the length against IDW_MAX_TEXT_LENGTH, the prefix
 * (IDW_ERROR_WRONG_PREFIX), Base45 and inflates to at most
 * IDW_MAX_INFLATED_LENGTH. */
GBytes     *idw_transport_unwrap    (const char    *prefix,
                                     const char    *text,
                                     GError       **error);
/* Which of the three prefixes @text starts with (after leading white
 * space), or NULL. */
const char *idw_transport_detect    (const char    *text);

G_END_DECLS
