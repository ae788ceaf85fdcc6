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
gboolean     idw_qr_is_alphanumeric  (const char        *text);
/* Characters of alphanumeric mode at level L in a code of @version (1..40). */
int          idw_qr_alphanumeric_capacity_l (int         version);
/* Always level L: the smallest code. */
IdwQrMatrix *idw_qr_encode_low       (const char        *text,
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

/**
 * IdwPixelFormat:
 * @IDW_PIXEL_FORMAT_GRAY8: one byte per pixel, 0 dark
 * @IDW_PIXEL_FORMAT_RGB8: R, G, B bytes
 * @IDW_PIXEL_FORMAT_RGBA8: R, G, B, A bytes, alpha not premultiplied (as
 *   GStreamer's RGBA)
 * @IDW_PIXEL_FORMAT_ARGB32_PREMULTIPLIED: native-endian 32-bit ARGB words
 *   with premultiplied alpha (as cairo's ARGB32 and GdkTexture downloads)
 *
 * Transparent pixels are read as white paper.
 */
typedef enum
{
  IDW_PIXEL_FORMAT_GRAY8,
  IDW_PIXEL_FORMAT_RGB8,
  IDW_PIXEL_FORMAT_RGBA8,
  IDW_PIXEL_FORMAT_ARGB32_PREMULTIPLIED,
} IdwPixelFormat;

/* The luma (BT.601) of @pixels as 8-bit gray, transparent pixels over
 * white, rows without padding. The caller checks the dimensions
 * (idw_qr_check_dimensions()). */
guint8      *idw_qr_to_gray          (const guint8      *pixels,
                                      int                width,
                                      int                height,
                                      gsize              stride,
                                      IdwPixelFormat     format);
/* Errors: IDW_ERROR_LIMIT when a side is under 1 or over
 * IDW_MAX_IMAGE_SIDE pixels or the area is over IDW_MAX_IMAGE_PIXELS. */
gboolean     idw_qr_check_dimensions (int                width,
                                      int                height,
                                      GError           **error);

/* The text of the first QR code found. Errors: IDW_ERROR_NO_CODE,
 * IDW_ERROR_LIMIT (image too large), IDW_ERROR_MALFORMED (not an image). */
char        *idw_qr_decode_gray      (const guint8      *gray,
                                      int                width,
                                      int                height,
                                      int                stride,
                                      GError           **error);
/**
 * IdwQrDecoder:
 * @IDW_QR_DECODER_DEFAULT: what idw_qr_decode_gray() uses: zbar, then
 *   zxing-cpp on what zbar cannot read, when the build has it
 * @IDW_QR_DECODER_ZBAR: zbar alone
 * @IDW_QR_DECODER_ZXING: zxing-cpp alone (builds with zxing-cpp)
 *
 * The engine's QR decoders, for measuring them against each other.
 */
typedef enum
{
  IDW_QR_DECODER_DEFAULT,
  IDW_QR_DECODER_ZBAR,
  IDW_QR_DECODER_ZXING,
} IdwQrDecoder;

gboolean     idw_qr_decoder_is_available (IdwQrDecoder   decoder);
/* "zbar 0.23.92", "zxing-cpp 1.4.0", "zbar 0.23.92, then zxing-cpp 1.4.0";
 * NULL for a decoder the build does not have. */
const char  *idw_qr_decoder_get_name     (IdwQrDecoder   decoder);
char        *idw_qr_decoder_read_gray    (IdwQrDecoder   decoder,
                                          const guint8  *gray,
                                          int            width,
                                          int            height,
                                          int            stride,
                                          GError       **error);

/* As idw_qr_decode_gray(), trying half and double sizes too: for still
 * pictures such as screenshots. */
char        *idw_qr_decode_picture   (const guint8      *gray,
                                      int                width,
                                      int                height,
                                      int                stride,
                                      GError           **error);
/* PNG or JPEG (or anything gdk-pixbuf reads) in memory or in a file.
 * Errors: those of idw_qr_decode_gray(); IDW_ERROR_LIMIT also for a file
 * over IDW_MAX_INPUT_FILE bytes or a picture over IDW_MAX_IMAGE_PIXELS. */
char        *idw_qr_decode_image     (GBytes            *image,
                                      GError           **error);
char        *idw_qr_decode_file      (const char        *path,
                                      GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwQrMatrix, idw_qr_matrix_free)

G_END_DECLS
