/* idw-qr.h: QR generation (libqrencode) and decoding (zbar)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define IDW_QR_QUIET_ZONE 4

typedef struct
{
  int     size;      /* modules per side, without quiet zone */
  int     version;   /* 1..40 */
  char    level;     /* 'M' or 'L' */
  guint8 *modules;   /* size * size, row major, 1 = dark */
} IdwQrMatrix;

/* Alphanumeric mode when the text allows it (8-bit otherwise), error
 * correction M, falling back to L when M does not fit.
 * Errors: IDW_ERROR_TOO_LARGE_FOR_QR. */
IdwQrMatrix *idw_qr_encode           (const char        *text,
                                      GError           **error);
void         idw_qr_matrix_free      (IdwQrMatrix       *matrix);
gboolean     idw_qr_matrix_get       (const IdwQrMatrix *matrix,
                                      int                x,
                                      int                y);
/* An 8-bit grayscale image (0 dark, 255 light) of @scale pixels per module
 * with a quiet zone of IDW_QR_QUIET_ZONE modules; side length in @out_side. */
GBytes      *idw_qr_matrix_render    (const IdwQrMatrix *matrix,
                                      int                scale,
                                      int               *out_side);
gboolean     idw_qr_matrix_write_png (const IdwQrMatrix *matrix,
                                      int                scale,
                                      const char        *path,
                                      GError           **error);

/* The text of the first QR code found. Errors: IDW_ERROR_NO_CODE,
 * IDW_ERROR_LIMIT (image too large), IDW_ERROR_MALFORMED (not an image). */
char        *idw_qr_decode_gray      (const guint8      *gray,
                                      int                width,
                                      int                height,
                                      int                stride,
                                      GError           **error);
/* PNG or JPEG (or anything gdk-pixbuf reads) in memory or in a file. */
char        *idw_qr_decode_image     (GBytes            *image,
                                      GError           **error);
char        *idw_qr_decode_file      (const char        *path,
                                      GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwQrMatrix, idw_qr_matrix_free)

G_END_DECLS
