/* bench-zxing.h: zxing-cpp behind a C function, for the decoder benchmark
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built only when zxing-cpp is found at build time (HAVE_ZXING).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The text of the first QR code zxing-cpp finds in 8-bit gray @gray, or
 * NULL; free with g_free(). */
char       *bench_zxing_decode  (const guint8 *gray,
                                 int           width,
                                 int           height,
                                 int           stride);
/* "zxing-cpp 1.4.0". */
const char *bench_zxing_version (void);

G_END_DECLS
