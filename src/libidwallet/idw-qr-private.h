/* idw-qr-private.h: the second QR decoder, zxing-cpp (idw-qr-zxing.cpp)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#ifdef HAVE_ZXING
/* The text of the first QR code zxing-cpp finds in 8-bit gray, or NULL. */
char       *_idw_qr_zxing_read    (const guint8 *gray,
                                   int           width,
                                   int           height,
                                   int           stride);
/* "zxing-cpp 1.4.0". */
const char *_idw_qr_zxing_version (void);
#endif

G_END_DECLS
