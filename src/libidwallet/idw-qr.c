/* idw-qr.c: QR generation (libqrencode) and decoding (zbar)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <qrencode.h>
#include <zbar.h>

#include "idw-error.h"
#include "idw-qr.h"
#include "idw-qr-private.h"

/* The largest image side we decode, and the largest we render. A camera
 * frame or a screenshot is far smaller; this bounds memory (64 MiB gray). */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QRinput, QRinput_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QRcode, QRcode_free)

/* Characters an alphanumeric QR code holds at level L (ISO/IEC 18004
 * Table 7), versions 1 to 40. */
static const guint16 alphanumeric_capacity_l[40] = {
  25, 47, 77, 114, 154, 195, 224, 279, 335, 395,
  468, 535, 619, 667, 758, 854, 938, 1046, 1153, 1249,
  1352, 1460, 1588, 1704, 1853, 1990, 2132, 2223, 2369, 2520,
  2677, 2840, 3009, 3183, 3351, 3537, 3729, 3927, 4087, 4296,
};

/**
 * idw_qr_alphanumeric_capacity_l:
 * @version: a QR version, 1 to 40
 *
 * Returns: how many alphanumeric characters a code of @version holds at
 *   error correction level L
 */
int
idw_qr_alphanumeric_capacity_l (int version)
{
  g_return_val_if_fail (version >= 1 && version <= 40, 0);

  return alphanumeric_capacity_l[version - 1];
}

/**
 * idw_qr_is_alphanumeric:
 * @text: a text
 *
 * Returns: whether every character of @text is in the QR alphanumeric set
 *   (ISO/IEC 18004 §7.4.4), which is the Base45 alphabet
 */
gboolean
idw_qr_is_alphanumeric (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p) && !g_ascii_isupper (*p) && strchr (" $%*+-./:", *p) == NULL)
        return FALSE;
    }

  return TRUE;
}

/* One segment of @mode at @level, the smallest version that fits. NULL
 * without an error when the text does not fit at this level. */
static IdwQrMatrix *
encode_at_level (const char   *text,
                 gsize         len,
                 QRencodeMode  mode,
                 QRecLevel     level,
                 char          level_name,
                 GError      **error)
{
  g_autoptr(QRinput) input = NULL;
  g_autoptr(QRcode) code = NULL;
  IdwQrMatrix *matrix;
  gsize n_modules;

  /* Version 0: the smallest that fits. */
  input = QRinput_new2 (0, level);
  if (input == NULL
      || QRinput_append (input, mode, (int) len, (const unsigned char *) text) != 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_FAILED,
                   _("Could not make a QR code: %s"), g_strerror (errno));
      return NULL;
    }

  errno = 0;
  code = QRcode_encodeInput (input);
  if (code == NULL && errno == ERANGE)
    return NULL;
  if (code == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_FAILED,
                   _("Could not make a QR code: %s"), g_strerror (errno));
      return NULL;
    }

  matrix = g_new0 (IdwQrMatrix, 1);
  matrix->size = code->width;
  matrix->version = code->version;
  matrix->level = level_name;
  n_modules = (gsize) code->width * code->width;
  matrix->modules = g_malloc (n_modules);
  /* libqrencode: bit 0 of each byte is the module colour, 1 = dark. */
  for (gsize m = 0; m < n_modules; m++)
    matrix->modules[m] = code->data[m] & 1;

  return matrix;
}

static IdwQrMatrix *
encode (const char *text,
        gboolean    low_only,
        GError    **error)
{
  static const struct
  {
    QRecLevel level;
    char      name;
  } levels[] = {
    { QR_ECLEVEL_M, 'M' },
    { QR_ECLEVEL_L, 'L' },
  };
  QRencodeMode mode;
  gsize len;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  len = strlen (text);
  if (len == 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_FAILED,
                           _("An empty text cannot be made into a QR code."));
      return NULL;
    }

  /* Far beyond any QR capacity (7089 digits); also keeps len in an int. */
  if (len > 8192)
    goto too_large;

  mode = idw_qr_is_alphanumeric (text) ? QR_MODE_AN : QR_MODE_8;

  for (gsize i = low_only ? 1 : 0; i < G_N_ELEMENTS (levels); i++)
    {
      GError *local_error = NULL;
      IdwQrMatrix *matrix;

      matrix = encode_at_level (text, len, mode, levels[i].level, levels[i].name, &local_error);
      if (matrix != NULL)
        return matrix;
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
    }

too_large:
  g_set_error (error, IDW_ERROR, IDW_ERROR_TOO_LARGE_FOR_QR,
               _("The text is too large for a QR code: it has %lu characters, and a QR code "
                 "holds at most 4296 (fewer when it has lowercase letters or other symbols)."),
               (unsigned long) len);
  return NULL;
}

/**
 * idw_qr_encode:
 * @text: the text to put in the code (an envelope text, normally)
 * @error: return location for a #GError
 *
 * Makes a QR code for @text, in one alphanumeric segment when every
 * character allows it (ours always do) and in one 8-bit segment
 * otherwise, at the smallest version that fits. Error correction level is
 * M, or L when the text does not fit at M in version 40.
 *
 * Returns: (transfer full): the module matrix, or %NULL with @error set:
 *   %IDW_ERROR_TOO_LARGE_FOR_QR when the text does not fit even at level L,
 *   %IDW_ERROR_FAILED when @text is empty or libqrencode fails otherwise
 */
IdwQrMatrix *
idw_qr_encode (const char *text,
               GError    **error)
{
  return encode (text, FALSE, error);
}

/**
 * idw_qr_encode_low:
 * @text: the text
 * @error: return location for a #GError
 *
 * As idw_qr_encode(), always at error correction level L: the smallest
 * code for @text (the frames of an animated presentation, whose fountain
 * code already survives lost frames).
 *
 * Returns: (transfer full): the module matrix, or %NULL with @error set
 *   as for idw_qr_encode()
 */
IdwQrMatrix *
idw_qr_encode_low (const char *text,
                   GError    **error)
{
  return encode (text, TRUE, error);
}

/**
 * idw_qr_matrix_free:
 * @matrix: (nullable): a matrix from idw_qr_encode()
 *
 * Frees @matrix and its modules.
 */
void
idw_qr_matrix_free (IdwQrMatrix *matrix)
{
  if (matrix == NULL)
    return;

  g_free (matrix->modules);
  g_free (matrix);
}

/**
 * idw_qr_matrix_get:
 * @matrix: a matrix
 * @x: the column, 0 at the left
 * @y: the row, 0 at the top
 *
 * Returns: %TRUE when the module at (@x, @y) is dark; %FALSE when it is
 *   light or outside the symbol (the quiet zone is light)
 */
gboolean
idw_qr_matrix_get (const IdwQrMatrix *matrix,
                   int                x,
                   int                y)
{
  g_return_val_if_fail (matrix != NULL, FALSE);

  if (x < 0 || y < 0 || x >= matrix->size || y >= matrix->size)
    return FALSE;

  return matrix->modules[(gsize) y * matrix->size + x] != 0;
}

/**
 * idw_qr_matrix_render:
 * @matrix: a matrix
 * @scale: pixels per module, at least 1; the whole side must stay within
 *   8192 pixels
 * @out_side: (out) (optional): the side of the image in pixels
 *
 * Draws @matrix as an 8-bit grayscale image, rows top to bottom with no
 * padding (the stride is the side): 0 for dark modules, 255 for light ones
 * and for the quiet zone of %IDW_QR_QUIET_ZONE modules all around. Each
 * module is exactly @scale × @scale pixels (nearest neighbour, no
 * smoothing).
 *
 * Returns: (transfer full): the pixels, side × side bytes
 */
GBytes *
idw_qr_matrix_render (const IdwQrMatrix *matrix,
                      int                scale,
                      int               *out_side)
{
  guint8 *pixels;
  gsize side;
  gsize quiet;

  g_return_val_if_fail (matrix != NULL, NULL);
  g_return_val_if_fail (matrix->size > 0 && matrix->size <= 177, NULL);
  g_return_val_if_fail (scale >= 1, NULL);
  g_return_val_if_fail ((gsize) (matrix->size + 2 * IDW_QR_QUIET_ZONE) * scale <= IDW_MAX_IMAGE_SIDE,
                        NULL);

  quiet = (gsize) IDW_QR_QUIET_ZONE * scale;
  side = (gsize) (matrix->size + 2 * IDW_QR_QUIET_ZONE) * scale;
  pixels = g_malloc (side * side);

  /* Quiet zone above and below. */
  memset (pixels, 255, quiet * side);
  memset (pixels + (side - quiet) * side, 255, quiet * side);

  for (int y = 0; y < matrix->size; y++)
    {
      guint8 *row = pixels + (quiet + (gsize) y * scale) * side;

      memset (row, 255, quiet);
      for (int x = 0; x < matrix->size; x++)
        memset (row + quiet + (gsize) x * scale,
                matrix->modules[(gsize) y * matrix->size + x] ? 0 : 255,
                scale);
      memset (row + side - quiet, 255, quiet);

      for (int r = 1; r < scale; r++)
        memcpy (row + (gsize) r * side, row, side);
    }

  if (out_side != NULL)
    *out_side = (int) side;

  return g_bytes_new_take (pixels, side * side);
}

static void
free_pixels (guchar  *pixels,
             gpointer user_data)
{
  g_free (pixels);
}

/**
 * idw_qr_matrix_write_png:
 * @matrix: a matrix
 * @scale: pixels per module, as for idw_qr_matrix_render()
 * @path: the file to write (replaced atomically if it exists)
 * @error: return location for a #GError
 *
 * Writes the rendering of @matrix (see idw_qr_matrix_render()) as an RGB
 * PNG file.
 *
 * Returns: %TRUE on success; %FALSE with @error set to %IDW_ERROR_IO when
 *   the file cannot be written, or %IDW_ERROR_FAILED when encoding fails
 */
gboolean
idw_qr_matrix_write_png (const IdwQrMatrix *matrix,
                         int                scale,
                         const char        *path,
                         GError           **error)
{
  g_autoptr(GBytes) gray = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *png = NULL;
  const guint8 *src;
  guint8 *rgb;
  gsize png_len;
  gsize n_pixels;
  int side;

  g_return_val_if_fail (matrix != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  gray = idw_qr_matrix_render (matrix, scale, &side);
  g_return_val_if_fail (gray != NULL, FALSE);

  src = g_bytes_get_data (gray, &n_pixels);
  rgb = g_malloc (n_pixels * 3);
  for (gsize i = 0; i < n_pixels; i++)
    rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = src[i];

  pixbuf = gdk_pixbuf_new_from_data (rgb, GDK_COLORSPACE_RGB, FALSE, 8, side, side, side * 3,
                                     free_pixels, NULL);

  if (!gdk_pixbuf_save_to_buffer (pixbuf, &png, &png_len, "png", &local_error, NULL))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_FAILED,
                   _("Could not encode the QR code as PNG: %s"), local_error->message);
      return FALSE;
    }

  if (!g_file_set_contents (path, png, png_len, &local_error))
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   _("Could not write “%s”: %s"), display, local_error->message);
      return FALSE;
    }

  return TRUE;
}

gboolean
idw_qr_check_dimensions (int      width,
                  int      height,
                  GError **error)
{
  if (width < 1 || height < 1 || width > IDW_MAX_IMAGE_SIDE || height > IDW_MAX_IMAGE_SIDE)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The image is %d × %d pixels; images of up to %d × %d pixels are read."),
                   width, height, IDW_MAX_IMAGE_SIDE, IDW_MAX_IMAGE_SIDE);
      return FALSE;
    }

  /* Each side may be long (a tall screenshot), but the decoding time and
   * memory grow with the area. */
  if ((gint64) width * height > IDW_MAX_IMAGE_PIXELS)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The image is %d × %d pixels; images of up to %d megapixels are read."),
                   width, height, IDW_MAX_IMAGE_PIXELS / (1000 * 1000));
      return FALSE;
    }

  return TRUE;
}

static void
set_no_code_error (GError **error)
{
  g_set_error_literal (error, IDW_ERROR, IDW_ERROR_NO_CODE,
                       _("No QR code was found in the image."));
}

/* Scans a contiguous Y800 image (stride == width). Returns NULL without
 * an error when no code is found. */
static char *
scan_y800 (const guint8 *pixels,
           int           width,
           int           height)
{
  zbar_image_scanner_t *scanner;
  zbar_image_t *image;
  const zbar_symbol_t *symbol;
  char *text = NULL;

  scanner = zbar_image_scanner_create ();
  /* QR codes only: fewer false positives, less time per camera frame. */
  zbar_image_scanner_set_config (scanner, 0, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  /* The bytes as the code holds them, without zbar's charset guessing. */
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);

  image = zbar_image_create ();
  zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (image, width, height);
  /* No cleanup handler: the pixels stay ours. */
  zbar_image_set_data (image, pixels, (unsigned long) width * height, NULL);

  if (zbar_scan_image (scanner, image) > 0)
    {
      for (symbol = zbar_image_first_symbol (image);
           symbol != NULL;
           symbol = zbar_symbol_next (symbol))
        {
          if (zbar_symbol_get_type (symbol) == ZBAR_QRCODE)
            {
              const char *data = zbar_symbol_get_data (symbol);
              unsigned int len = zbar_symbol_get_data_length (symbol);

              text = g_malloc (len + 1);
              memcpy (text, data, len);
              text[len] = '\0';
              break;
            }
        }
    }

  zbar_image_destroy (image);
  zbar_image_scanner_destroy (scanner);

  return text;
}

/* @gray with rows of exactly @width bytes, as zbar wants them: @gray
 * itself, or a copy in @out_copy. */
static const guint8 *
packed_rows (const guint8  *gray,
             int            width,
             int            height,
             int            stride,
             guint8       **out_copy)
{
  if (stride == width)
    return gray;

  *out_copy = g_malloc ((gsize) width * height);
  for (int y = 0; y < height; y++)
    memcpy (*out_copy + (gsize) y * width, gray + (gsize) y * stride, width);
  return *out_copy;
}

/* @pixels packed (stride = width). The default is zbar, then zxing-cpp
 * when built with it: zbar reads tilted codes better, zxing-cpp codes
 * under glare and small modules (bench/README.md). */
static char *
read_with (IdwQrDecoder  decoder,
           const guint8 *pixels,
           int           width,
           int           height)
{
  char *text = NULL;

  if (decoder != IDW_QR_DECODER_ZXING)
    text = scan_y800 (pixels, width, height);
#ifdef HAVE_ZXING
  if (text == NULL && decoder != IDW_QR_DECODER_ZBAR)
    text = _idw_qr_zxing_read (pixels, width, height, width);
#endif

  return text;
}

/**
 * idw_qr_decode_gray:
 * @gray: (array): 8-bit grayscale pixels, rows top to bottom
 * @width: the width in pixels
 * @height: the height in pixels
 * @stride: bytes from one row to the next, at least @width
 * @error: return location for a #GError
 *
 * Finds a QR code in a grayscale image, such as a camera frame, and
 * returns its text exactly as the code holds it. Only QR codes are looked
 * for, at the image's own size (see idw_qr_decode_image() for a more
 * patient search).
 *
 * Returns: (transfer full): the text of the first QR code found, or %NULL
 *   with @error set: %IDW_ERROR_NO_CODE when there is none,
 *   %IDW_ERROR_LIMIT when a side is less than 1 or more than 8192 pixels
 */
char *
idw_qr_decode_gray (const guint8 *gray,
                    int           width,
                    int           height,
                    int           stride,
                    GError      **error)
{
  return idw_qr_decoder_read_gray (IDW_QR_DECODER_DEFAULT, gray, width, height, stride, error);
}

gboolean
idw_qr_decoder_is_available (IdwQrDecoder decoder)
{
#ifdef HAVE_ZXING
  return decoder <= IDW_QR_DECODER_ZXING;
#else
  return decoder <= IDW_QR_DECODER_ZBAR;
#endif
}

const char *
idw_qr_decoder_get_name (IdwQrDecoder decoder)
{
  static char zbar_name[32];
  static char default_name[64];
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      unsigned major = 0, minor = 0, patch = 0;

      zbar_version (&major, &minor, &patch);
      g_snprintf (zbar_name, sizeof zbar_name, "zbar %u.%u.%u", major, minor, patch);
#ifdef HAVE_ZXING
      g_snprintf (default_name, sizeof default_name, "%s, then %s", zbar_name, _idw_qr_zxing_version ());
#else
      g_strlcpy (default_name, zbar_name, sizeof default_name);
#endif
      g_once_init_leave (&done, 1);
    }

  switch (decoder)
    {
    case IDW_QR_DECODER_ZBAR:
      return zbar_name;
    case IDW_QR_DECODER_ZXING:
#ifdef HAVE_ZXING
      return _idw_qr_zxing_version ();
#else
      return NULL;
#endif
    case IDW_QR_DECODER_DEFAULT:
    default:
      return default_name;
    }
}

/**
 * idw_qr_decoder_read_gray:
 * @decoder: which decoder
 * @gray: (array): 8-bit grayscale pixels
 * @width: the width in pixels
 * @height: the height in pixels
 * @stride: bytes from one row to the next, at least @width
 * @error: return location for a #GError
 *
 * As idw_qr_decode_gray() (which is %IDW_QR_DECODER_DEFAULT), with one
 * decoder of the engine: for comparing them (`id-wallet-bench decoders`).
 *
 * Returns: (transfer full): the text, or %NULL with the errors of
 *   idw_qr_decode_gray(), or %IDW_ERROR_UNSUPPORTED for a decoder this
 *   build does not have
 */
char *
idw_qr_decoder_read_gray (IdwQrDecoder   decoder,
                          const guint8  *gray,
                          int            width,
                          int            height,
                          int            stride,
                          GError       **error)
{
  g_autofree guint8 *copy = NULL;
  const guint8 *pixels;
  char *text;

  g_return_val_if_fail (gray != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!idw_qr_decoder_is_available (decoder))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                           _("This build has no such QR decoder"));
      return NULL;
    }
  if (!idw_qr_check_dimensions (width, height, error))
    return NULL;

  g_return_val_if_fail (stride >= width, NULL);

  pixels = packed_rows (gray, width, height, stride, &copy);
  text = read_with (decoder, pixels, width, height);
  if (text == NULL)
    set_no_code_error (error);

  return text;
}

/* Each output pixel is the mean of a 2 × 2 block. */
static guint8 *
downscale_2x (const guint8 *src,
              int           width,
              int           height,
              int          *out_width,
              int          *out_height)
{
  int w = width / 2;
  int h = height / 2;
  guint8 *dst = g_malloc ((gsize) w * h);

  for (int y = 0; y < h; y++)
    {
      const guint8 *r0 = src + (gsize) (2 * y) * width;
      const guint8 *r1 = r0 + width;

      for (int x = 0; x < w; x++)
        dst[(gsize) y * w + x] = (r0[2 * x] + r0[2 * x + 1] + r1[2 * x] + r1[2 * x + 1] + 2) / 4;
    }

  *out_width = w;
  *out_height = h;

  return dst;
}

/* Each pixel becomes a 2 × 2 block. */
static guint8 *
upscale_2x (const guint8 *src,
            int           width,
            int           height,
            int          *out_width,
            int          *out_height)
{
  int w = width * 2;
  guint8 *dst = g_malloc ((gsize) w * height * 2);

  for (int y = 0; y < height; y++)
    {
      guint8 *row = dst + (gsize) (2 * y) * w;

      for (int x = 0; x < width; x++)
        row[2 * x] = row[2 * x + 1] = src[(gsize) y * width + x];
      memcpy (row + w, row, w);
    }

  *out_width = w;
  *out_height = height * 2;

  return dst;
}

/**
 * idw_qr_decode_picture:
 * @gray: (array): 8-bit grayscale pixels, rows top to bottom
 * @width: the width in pixels
 * @height: the height in pixels
 * @stride: bytes from one row to the next, at least @width
 * @error: return location for a #GError
 *
 * As idw_qr_decode_gray(), more patiently, for a still picture such as a
 * screenshot: when no code is found at the picture's size, a copy at half
 * the size and (for a small picture) one at double the size are tried too,
 * for modules of one pixel and very large pictures.
 *
 * Returns: (transfer full): the text of the first QR code found, or %NULL
 *   with the errors of idw_qr_decode_gray()
 */
char *
idw_qr_decode_picture (const guint8 *gray,
                       int           width,
                       int           height,
                       int           stride,
                       GError      **error)
{
  g_autofree guint8 *copy = NULL;
  char *text;

  g_return_val_if_fail (gray != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!idw_qr_check_dimensions (width, height, error))
    return NULL;

  g_return_val_if_fail (stride >= width, NULL);

  gray = packed_rows (gray, width, height, stride, &copy);

  text = read_with (IDW_QR_DECODER_DEFAULT, gray, width, height);

  if (text == NULL && width >= 2 && height >= 2)
    {
      g_autofree guint8 *half = NULL;
      int w, h;

      half = downscale_2x (gray, width, height, &w, &h);
      text = scan_y800 (half, w, h);
    }

  if (text == NULL && 2 * width <= IDW_MAX_IMAGE_SIDE && 2 * height <= IDW_MAX_IMAGE_SIDE
      && 4 * (gint64) width * height <= IDW_MAX_IMAGE_PIXELS)
    {
      g_autofree guint8 *twice = NULL;
      int w, h;

      twice = upscale_2x (gray, width, height, &w, &h);
      text = scan_y800 (twice, w, h);
    }

  if (text == NULL)
    set_no_code_error (error);

  return text;
}

typedef struct
{
  int      width;
  int      height;
  gboolean too_large;
} LoadState;

static void
on_size_prepared (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  LoadState *state = user_data;

  state->width = width;
  state->height = height;

  if (!idw_qr_check_dimensions (width, height, NULL))
    {
      /* A size of 0 makes the loaders stop before allocating the pixels. */
      state->too_large = TRUE;
      gdk_pixbuf_loader_set_size (loader, 0, 0);
    }
}

static inline guint8
over_white (guint luma,
            guint alpha)
{
  return (guint8) ((luma * alpha + 255 * (255 - alpha) + 127) / 255);
}

static inline guint
luma (guint r,
      guint g,
      guint b)
{
  return (299 * r + 587 * g + 114 * b + 500) / 1000;
}

/**
 * idw_qr_to_gray:
 * @pixels: (array): the pixels, rows top to bottom
 * @width: the width, at least 1
 * @height: the height, at least 1
 * @stride: bytes from one row to the next
 * @format: the pixel format
 *
 * The one conversion of pictures and camera frames for the decoder: luma
 * (BT.601), with transparent pixels composited over white, so that a
 * transparent screenshot reads as dark on light.
 *
 * Returns: (transfer full): @width × @height gray bytes
 */
guint8 *
idw_qr_to_gray (const guint8   *pixels,
                int             width,
                int             height,
                gsize           stride,
                IdwPixelFormat  format)
{
  guint8 *gray = g_malloc ((gsize) width * height);

  for (int y = 0; y < height; y++)
    {
      const guint8 *p = pixels + (gsize) y * stride;
      guint8 *out = gray + (gsize) y * width;

      switch (format)
        {
        case IDW_PIXEL_FORMAT_GRAY8:
          memcpy (out, p, width);
          break;

        case IDW_PIXEL_FORMAT_RGB8:
          for (int x = 0; x < width; x++, p += 3)
            out[x] = (guint8) luma (p[0], p[1], p[2]);
          break;

        case IDW_PIXEL_FORMAT_RGBA8:
          for (int x = 0; x < width; x++, p += 4)
            out[x] = over_white (luma (p[0], p[1], p[2]), p[3]);
          break;

        case IDW_PIXEL_FORMAT_ARGB32_PREMULTIPLIED:
        default:
          for (int x = 0; x < width; x++, p += 4)
            {
              guint32 argb;
              guint a;

              memcpy (&argb, p, sizeof argb);
              a = argb >> 24;
              /* Premultiplied: the colour already carries alpha, and the
               * white paper shows through the rest. */
              out[x] = (guint8) MIN (255u, luma ((argb >> 16) & 0xff, (argb >> 8) & 0xff, argb & 0xff) + (255 - a));
            }
          break;
        }
    }

  return gray;
}

/**
 * idw_qr_decode_image:
 * @image: the bytes of an image file (PNG, JPEG or any format gdk-pixbuf
 *   reads)
 * @error: return location for a #GError
 *
 * Finds a QR code in an image such as a screenshot. Transparent pixels
 * count as white. When no code is found at the image's size, a copy at
 * half and one at double the size are tried too (modules of one pixel,
 * very large images).
 *
 * Returns: (transfer full): the text of the first QR code found, or %NULL
 *   with @error set: %IDW_ERROR_NO_CODE when there is none,
 *   %IDW_ERROR_LIMIT when @image is larger than %IDW_MAX_INPUT_FILE bytes
 *   or a side of the picture is larger than 8192 pixels,
 *   %IDW_ERROR_MALFORMED when @image is not an image that can be read
 */
char *
idw_qr_decode_image (GBytes  *image,
                     GError **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autofree guint8 *gray = NULL;
  GdkPixbuf *pixbuf;
  LoadState state = { 0 };
  gboolean ok;
  int width;
  int height;

  g_return_val_if_fail (image != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_bytes_get_size (image) > IDW_MAX_INPUT_FILE)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The image file is too large: more than %d bytes."), IDW_MAX_INPUT_FILE);
      return NULL;
    }

  if (g_bytes_get_size (image) == 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("The image file is empty."));
      return NULL;
    }

  loader = gdk_pixbuf_loader_new ();
  g_signal_connect (loader, "size-prepared", G_CALLBACK (on_size_prepared), &state);

  /* No GError for the loader: some loaders (pnm, tga) fail without one
   * when on_size_prepared() stops them, and gdk-pixbuf then warns. A loader
   * must be closed even after a failed write. */
  ok = gdk_pixbuf_loader_write_bytes (loader, image, NULL);
  ok = gdk_pixbuf_loader_close (loader, NULL) && ok;

  if (state.too_large)
    {
      /* Sets the error: the size is out of range. */
      idw_qr_check_dimensions (state.width, state.height, error);
      return NULL;
    }

  pixbuf = ok ? gdk_pixbuf_loader_get_pixbuf (loader) : NULL;
  if (pixbuf == NULL)
    {
      GdkPixbufFormat *format = gdk_pixbuf_loader_get_format (loader);

      if (format != NULL)
        {
          g_autofree char *name = gdk_pixbuf_format_get_name (format);
          g_autofree char *upper = g_ascii_strup (name, -1);

          g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                       _("The %s image is damaged or incomplete."), upper);
        }
      else
        {
          g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                               _("The file is not an image in a format that can be read."));
        }
      return NULL;
    }

  width = gdk_pixbuf_get_width (pixbuf);
  height = gdk_pixbuf_get_height (pixbuf);
  if (!idw_qr_check_dimensions (width, height, error))
    return NULL;

  if (gdk_pixbuf_get_colorspace (pixbuf) != GDK_COLORSPACE_RGB
      || gdk_pixbuf_get_bits_per_sample (pixbuf) != 8
      || gdk_pixbuf_get_n_channels (pixbuf) < 3)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("The image uses a pixel format that cannot be read."));
      return NULL;
    }

  gray = idw_qr_to_gray (gdk_pixbuf_read_pixels (pixbuf), width, height,
                         gdk_pixbuf_get_rowstride (pixbuf),
                         gdk_pixbuf_get_has_alpha (pixbuf) ? IDW_PIXEL_FORMAT_RGBA8 : IDW_PIXEL_FORMAT_RGB8);
  /* The loader's pixbuf can be large; it is not needed any more. */
  g_clear_object (&loader);

  return idw_qr_decode_picture (gray, width, height, width, error);
}

static void
set_file_too_large_error (GError    **error,
                          const char *path)
{
  g_autofree char *display = g_filename_display_name (path);

  g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
               _("“%s” is too large: more than %d bytes."), display, IDW_MAX_INPUT_FILE);
}

/**
 * idw_qr_decode_file:
 * @path: an image file
 * @error: return location for a #GError
 *
 * Reads @path and does as idw_qr_decode_image().
 *
 * Returns: (transfer full): the text of the first QR code found, or %NULL
 *   with @error set: %IDW_ERROR_IO when the file cannot be read,
 *   %IDW_ERROR_LIMIT when it is larger than %IDW_MAX_INPUT_FILE bytes, and
 *   the errors of idw_qr_decode_image()
 */
char *
idw_qr_decode_file (const char *path,
                    GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *contents = NULL;
  GStatBuf st;
  gsize len;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* Refuse a large file before reading it, and again after reading, in
   * case it grew in between. */
  if (g_stat (path, &st) == 0 && st.st_size > IDW_MAX_INPUT_FILE)
    {
      set_file_too_large_error (error, path);
      return NULL;
    }

  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      g_autofree char *display = g_filename_display_name (path);

      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   _("Could not read “%s”: %s"), display, local_error->message);
      return NULL;
    }

  if (len > IDW_MAX_INPUT_FILE)
    {
      set_file_too_large_error (error, path);
      return NULL;
    }

  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);

  return idw_qr_decode_image (bytes, error);
}
