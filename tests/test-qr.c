/* test-qr.c: QR generation, rendering and decoding
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <zlib.h>

#include "idw-error.h"
#include "idw-qr.h"
#include "idw-transport.h"
#include "qr-test-util.h"
#include "test-util.h"

static const char base45_alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/* Exactly @len characters, all QR alphanumeric, starting "IDW1:". */
static char *
random_alphanumeric_text (GRand *rand,
                          gsize  len)
{
  GString *text = g_string_new (IDW_PREFIX_PRESENTATION);

  while (text->len < len)
    g_string_append_c (text, base45_alphabet[g_rand_int_range (rand, 0, 45)]);
  g_string_truncate (text, len);

  return g_string_free (text, FALSE);
}

static char *
decode_matrix (const IdwQrMatrix *matrix,
               int                scale,
               GError           **error)
{
  g_autoptr(GBytes) gray = NULL;
  int side = 0;

  gray = idw_qr_matrix_render (matrix, scale, &side);
  g_assert_nonnull (gray);
  g_assert_cmpuint (g_bytes_get_size (gray), ==, (gsize) side * side);

  return idw_qr_decode_gray (g_bytes_get_data (gray, NULL), side, side, side, error);
}

static GBytes *
pixbuf_to_png (GdkPixbuf *pixbuf)
{
  g_autoptr(GError) error = NULL;
  char *png = NULL;
  gsize len = 0;

  gdk_pixbuf_save_to_buffer (pixbuf, &png, &len, "png", &error, NULL);
  g_assert_no_error (error);

  return g_bytes_new_take (png, len);
}

static void
remove_tmp (const char *dir,
            const char *file)
{
  g_autofree char *path = g_build_filename (dir, file, NULL);

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_encode_round_trip (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (18004);
  g_autofree char *text = random_presentation_text (rand, 600);
  g_autoptr(IdwQrMatrix) matrix = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *decoded = NULL;

  g_assert_cmpuint (strlen (text), ==, 5 + 900);

  matrix = idw_qr_encode (text, &error);
  g_assert_no_error (error);
  g_assert_nonnull (matrix);
  g_assert_cmpint (matrix->level, ==, 'M');
  g_assert_cmpint (matrix->size, ==, 17 + 4 * matrix->version);

  /* Alphanumeric mode: the same text with one lowercase letter, which
   * forces 8-bit mode, needs a larger version. */
  {
    g_autofree char *lower = g_strconcat (text, "a", NULL);
    g_autoptr(IdwQrMatrix) byte_matrix = idw_qr_encode (lower, &error);

    g_assert_no_error (error);
    g_test_message ("905 characters: version %d alphanumeric, %d in 8-bit mode",
                    matrix->version, byte_matrix->version);
    g_assert_cmpint (byte_matrix->version, >, matrix->version);
  }

  decoded = decode_matrix (matrix, 4, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (decoded, ==, text);
}

static void
test_encode_small (void)
{
  g_autoptr(IdwQrMatrix) matrix = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *decoded = NULL;

  /* RFC 9285's example text, with a space: version 1 holds 20 at M. */
  matrix = idw_qr_encode ("IDW1:%69 VD92EX0", &error);
  g_assert_no_error (error);
  g_assert_cmpint (matrix->version, ==, 1);
  g_assert_cmpint (matrix->size, ==, 21);
  g_assert_cmpint (matrix->level, ==, 'M');

  /* The three finder patterns: dark corners, light separators. */
  g_assert_true (idw_qr_matrix_get (matrix, 0, 0));
  g_assert_true (idw_qr_matrix_get (matrix, 20, 0));
  g_assert_true (idw_qr_matrix_get (matrix, 0, 20));
  g_assert_true (idw_qr_matrix_get (matrix, 3, 3));
  g_assert_false (idw_qr_matrix_get (matrix, 1, 1));
  g_assert_false (idw_qr_matrix_get (matrix, 7, 0));
  g_assert_false (idw_qr_matrix_get (matrix, 0, 7));
  /* Outside the symbol is light. */
  g_assert_false (idw_qr_matrix_get (matrix, -1, 0));
  g_assert_false (idw_qr_matrix_get (matrix, 0, -1));
  g_assert_false (idw_qr_matrix_get (matrix, 21, 0));
  g_assert_false (idw_qr_matrix_get (matrix, 0, 21));

  decoded = decode_matrix (matrix, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (decoded, ==, "IDW1:%69 VD92EX0");
}

static void
test_encode_8bit (void)
{
  /* Lowercase and UTF-8: 8-bit mode, returned byte for byte. */
  const char *text = "idw1: Grüße, 身份证 — not alphanumeric";
  g_autoptr(IdwQrMatrix) matrix = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *decoded = NULL;

  matrix = idw_qr_encode (text, &error);
  g_assert_no_error (error);
  g_assert_cmpint (matrix->level, ==, 'M');

  decoded = decode_matrix (matrix, 4, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (decoded, ==, text);
}

static void
test_encode_empty (void)
{
  g_autoptr(IdwQrMatrix) matrix = NULL;
  g_autoptr(GError) error = NULL;

  matrix = idw_qr_encode ("", &error);
  g_assert_null (matrix);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_FAILED);
}

static void
check_level (const char *text,
             int         level,
             int         version)
{
  g_autoptr(IdwQrMatrix) matrix = NULL;
  g_autoptr(GError) error = NULL;

  matrix = idw_qr_encode (text, &error);
  g_assert_no_error (error);
  g_test_message ("%" G_GSIZE_FORMAT " bytes: level %c, version %d",
                  strlen (text), matrix->level, matrix->version);
  g_assert_cmpint (matrix->level, ==, level);
  /* 0: the smallest version that fits, not checked here. */
  if (version != 0)
    g_assert_cmpint (matrix->version, ==, version);
  g_assert_cmpint (matrix->size, ==, 17 + 4 * matrix->version);
}

static void
check_too_large (const char *text)
{
  g_autoptr(IdwQrMatrix) matrix = NULL;
  g_autoptr(GError) error = NULL;

  matrix = idw_qr_encode (text, &error);
  g_assert_null (matrix);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_TOO_LARGE_FOR_QR);
}

/* Version 40 holds 3391 alphanumeric characters at M and 4296 at L. */
static void
test_level_alphanumeric (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (40);
  g_autofree char *m_max = random_alphanumeric_text (rand, 3391);
  g_autofree char *l_min = random_alphanumeric_text (rand, 3392);
  g_autofree char *l_mid = random_alphanumeric_text (rand, 3800);
  g_autofree char *l_max = random_alphanumeric_text (rand, 4296);
  g_autofree char *too_large = random_alphanumeric_text (rand, 4297);
  g_autofree char *far_too_large = random_alphanumeric_text (rand, 20000);
  g_autoptr(IdwQrMatrix) matrix = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *decoded = NULL;

  check_level (m_max, 'M', 40);
  check_level (l_min, 'L', 0);
  check_level (l_mid, 'L', 0);
  check_level (l_max, 'L', 40);
  check_too_large (too_large);
  check_too_large (far_too_large);

  /* The densest code still reads back. */
  matrix = idw_qr_encode (l_max, &error);
  g_assert_no_error (error);
  decoded = decode_matrix (matrix, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (decoded, ==, l_max);
}

/* Version 40 holds 2331 bytes at M and 2953 at L. */
static void
test_level_8bit (void)
{
  g_autofree char *m_max = g_strnfill (2331, 'a');
  g_autofree char *l_min = g_strnfill (2332, 'a');
  g_autofree char *l_max = g_strnfill (2953, 'a');
  g_autofree char *too_large = g_strnfill (2954, 'a');

  check_level (m_max, 'M', 40);
  check_level (l_min, 'L', 0);
  check_level (l_max, 'L', 40);
  check_too_large (too_large);
}

static void
test_render (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (4);
  g_autofree char *text = random_presentation_text (rand, 100);
  g_autoptr(IdwQrMatrix) matrix = NULL;
  g_autoptr(GError) error = NULL;
  const int scales[] = { 1, 2, 5 };

  matrix = idw_qr_encode (text, &error);
  g_assert_no_error (error);

  for (gsize i = 0; i < G_N_ELEMENTS (scales); i++)
    {
      int scale = scales[i];
      int quiet = IDW_QR_QUIET_ZONE * scale;
      g_autoptr(GBytes) gray = NULL;
      const guint8 *pixels;
      int side = 0;
      gsize n_dark = 0;

      gray = idw_qr_matrix_render (matrix, scale, &side);
      g_assert_cmpint (side, ==, (matrix->size + 2 * IDW_QR_QUIET_ZONE) * scale);
      g_assert_cmpuint (g_bytes_get_size (gray), ==, (gsize) side * side);
      pixels = g_bytes_get_data (gray, NULL);

      for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++)
          {
            guint8 v = pixels[(gsize) y * side + x];
            gboolean in_quiet_zone = x < quiet || y < quiet
                                     || x >= side - quiet || y >= side - quiet;

            /* Only pure black and white, light all around the symbol. */
            g_assert_true (v == 0 || v == 255);
            if (in_quiet_zone)
              g_assert_cmpuint (v, ==, 255);

            /* Exact nearest-neighbour blocks of scale × scale pixels. */
            g_assert_cmpuint (v, ==,
                              idw_qr_matrix_get (matrix, x / scale - IDW_QR_QUIET_ZONE,
                                                 y / scale - IDW_QR_QUIET_ZONE) ? 0 : 255);
            n_dark += v == 0;
          }

      /* The top-left finder's corner is the first dark pixel. */
      g_assert_cmpuint (pixels[(gsize) quiet * side + quiet], ==, 0);
      g_assert_cmpuint (pixels[(gsize) (quiet - 1) * side + quiet - 1], ==, 255);
      g_assert_cmpuint (n_dark, >, 0);
    }
}

static void
test_decode_png_file (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (2953);
  g_autofree char *text = random_presentation_text (rand, 300);
  g_autofree char *dir = test_tmp_dir_new ("idw-test-qr-XXXXXX");
  g_autofree char *path = g_build_filename (dir, "code.png", NULL);
  g_autoptr(IdwQrMatrix) matrix = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *decoded = NULL;

  matrix = idw_qr_encode (text, &error);
  g_assert_no_error (error);

  g_assert_true (idw_qr_matrix_write_png (matrix, 4, path, &error));
  g_assert_no_error (error);

  /* An opaque RGB PNG of the rendered size. */
  pixbuf = gdk_pixbuf_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_false (gdk_pixbuf_get_has_alpha (pixbuf));
  g_assert_cmpint (gdk_pixbuf_get_n_channels (pixbuf), ==, 3);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, (matrix->size + 8) * 4);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, (matrix->size + 8) * 4);

  decoded = idw_qr_decode_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (decoded, ==, text);

  remove_tmp (dir, "code.png");
}

static void
test_write_png_error (void)
{
  g_autoptr(IdwQrMatrix) matrix = idw_qr_encode ("IDW1:BB8", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (idw_qr_matrix_write_png (matrix, 2, "/nonexistent-dir/x/code.png", &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_IO);
}

/* Dark modules opaque, everything else fully transparent *black*: read
 * without compositing over white, it would all be dark. */
static void
test_decode_alpha_png (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (32);
  g_autofree char *text = random_presentation_text (rand, 200);
  g_autoptr(IdwQrMatrix) matrix = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GBytes) gray = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *decoded = NULL;
  const guint8 *src;
  guint8 *dst;
  int side;
  int stride;

  matrix = idw_qr_encode (text, &error);
  g_assert_no_error (error);
  gray = idw_qr_matrix_render (matrix, 3, &side);
  src = g_bytes_get_data (gray, NULL);

  pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, side, side);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  dst = gdk_pixbuf_get_pixels (pixbuf);
  for (int y = 0; y < side; y++)
    for (int x = 0; x < side; x++)
      {
        guint8 *p = dst + (gsize) y * stride + 4 * x;

        p[0] = p[1] = p[2] = 0;
        p[3] = src[(gsize) y * side + x] == 0 ? 255 : 0;
      }

  png = pixbuf_to_png (pixbuf);
  decoded = idw_qr_decode_image (png, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (decoded, ==, text);
}

/* A small code in a 1280 × 720 camera frame, with rows padded. */
static void
test_decode_camera_frame (void)
{
  const int width = 1280;
  const int height = 720;
  const int stride = 1344;
  g_autoptr(GRand) rand = g_rand_new_with_seed (720);
  g_autofree char *text = random_presentation_text (rand, 80);
  g_autoptr(IdwQrMatrix) matrix = NULL;
  g_autoptr(GBytes) code = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *frame = NULL;
  g_autofree char *decoded = NULL;
  const guint8 *src;
  int side;

  matrix = idw_qr_encode (text, &error);
  g_assert_no_error (error);
  code = idw_qr_matrix_render (matrix, 2, &side);
  src = g_bytes_get_data (code, NULL);
  g_assert_cmpint (side, <, 160);

  /* A textured mid-grey background; padding bytes dark, which zbar must
   * never see as pixels. */
  frame = g_malloc ((gsize) stride * height);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < stride; x++)
      frame[(gsize) y * stride + x] = x >= width ? 0 : 120 + (x * 7 + y * 13) % 60;

  for (int y = 0; y < side; y++)
    memcpy (frame + (gsize) (400 + y) * stride + 900, src + (gsize) y * side, side);

  decoded = idw_qr_decode_gray (frame, width, height, stride, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (decoded, ==, text);
}

/* The engine's decoders one by one, and the default (zbar, then
 * zxing-cpp): codes of 1.5 px per module, as a webcam sees a code from too
 * far, which zbar rarely reads and zxing-cpp often does. The default reads
 * every code zbar reads, and with zxing-cpp more. */
static void
test_decoders (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (15);
  guint read_zbar = 0;
  guint read_default = 0;
  const guint n_codes = 16;

  g_assert_true (idw_qr_decoder_is_available (IDW_QR_DECODER_ZBAR));
  g_assert_true (idw_qr_decoder_is_available (IDW_QR_DECODER_DEFAULT));
  g_assert_true (g_str_has_prefix (idw_qr_decoder_get_name (IDW_QR_DECODER_ZBAR), "zbar "));
  g_assert_true (g_str_has_prefix (idw_qr_decoder_get_name (IDW_QR_DECODER_DEFAULT), "zbar "));
#ifdef HAVE_ZXING
  g_assert_true (idw_qr_decoder_is_available (IDW_QR_DECODER_ZXING));
  g_assert_true (g_str_has_prefix (idw_qr_decoder_get_name (IDW_QR_DECODER_ZXING), "zxing-cpp "));
  g_assert_nonnull (strstr (idw_qr_decoder_get_name (IDW_QR_DECODER_DEFAULT), ", then zxing-cpp "));
#else
  {
    g_autoptr(GError) error = NULL;
    guint8 pixel = 255;

    g_assert_false (idw_qr_decoder_is_available (IDW_QR_DECODER_ZXING));
    g_assert_null (idw_qr_decoder_read_gray (IDW_QR_DECODER_ZXING, &pixel, 1, 1, 1, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
  }
#endif

  for (guint i = 0; i < n_codes; i++)
    {
      g_autofree char *text = random_presentation_text (rand, 480);
      g_autoptr(IdwQrMatrix) matrix = idw_qr_encode_low (text, NULL);
      g_autoptr(GBytes) code = NULL;
      g_autofree guint8 *small = NULL;
      g_autofree char *by_zbar = NULL;
      g_autofree char *by_default = NULL;
      const guint8 *big;
      int side;
      int half;

      /* 3 px per module, then each 2 × 2 block averaged: 1.5 px. */
      code = idw_qr_matrix_render (matrix, 3, &side);
      big = g_bytes_get_data (code, NULL);
      half = side / 2;
      small = g_malloc ((gsize) half * half);
      for (int y = 0; y < half; y++)
        for (int x = 0; x < half; x++)
          small[y * half + x] = (big[2 * y * side + 2 * x] + big[2 * y * side + 2 * x + 1]
                                 + big[(2 * y + 1) * side + 2 * x] + big[(2 * y + 1) * side + 2 * x + 1] + 2) / 4;

      by_zbar = idw_qr_decoder_read_gray (IDW_QR_DECODER_ZBAR, small, half, half, half, NULL);
      by_default = idw_qr_decode_gray (small, half, half, half, NULL);
      if (by_zbar != NULL)
        {
          g_assert_cmpstr (by_zbar, ==, text);
          g_assert_cmpstr (by_default, ==, text);
          read_zbar++;
        }
      if (by_default != NULL)
        {
          g_assert_cmpstr (by_default, ==, text);
          read_default++;
        }
    }

  g_test_message ("1.5 px per module: zbar read %u of %u, the default %u", read_zbar, n_codes, read_default);
#ifdef HAVE_ZXING
  g_assert_cmpuint (read_default, >, read_zbar);
#else
  g_assert_cmpuint (read_default, ==, read_zbar);
#endif
}

static GBytes *
gray_to_png (const guint8 *gray,
             int           width,
             int           height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  guint8 *dst = gdk_pixbuf_get_pixels (pixbuf);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      memset (dst + (gsize) y * stride + 3 * x, gray[(gsize) y * width + x], 3);

  return pixbuf_to_png (pixbuf);
}

/* A code drawn at one pixel per module, as in a small screenshot: zbar
 * needs the 2× upscaled copy. */
static void
test_decode_one_pixel_modules (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  g_autofree char *text = random_presentation_text (rand, 300);
  g_autoptr(IdwQrMatrix) matrix = NULL;
  g_autoptr(GBytes) gray = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *full_size = NULL;
  g_autofree char *decoded = NULL;
  int side;

  matrix = idw_qr_encode (text, &error);
  g_assert_no_error (error);
  gray = idw_qr_matrix_render (matrix, 1, &side);

  full_size = idw_qr_decode_gray (g_bytes_get_data (gray, NULL), side, side, side, &error);
  if (full_size != NULL)
    {
      g_test_skip ("zbar reads one-pixel modules at full size: the upscaled retry is untested");
      return;
    }
  g_clear_error (&error);

  png = gray_to_png (g_bytes_get_data (gray, NULL), side, side);
  decoded = idw_qr_decode_image (png, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (decoded, ==, text);
}

/* A halftone-like screen of single dark pixels over the light modules (a
 * photo of a printed or dithered code): zbar needs the 2× downscaled copy,
 * where each 2 × 2 block averages to light grey. */
static void
test_decode_halftone (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  g_autofree char *text = random_presentation_text (rand, 180);
  g_autoptr(IdwQrMatrix) matrix = NULL;
  g_autoptr(GBytes) gray = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *dotted = NULL;
  g_autofree char *full_size = NULL;
  g_autofree char *decoded = NULL;
  int side;

  matrix = idw_qr_encode (text, &error);
  g_assert_no_error (error);
  gray = idw_qr_matrix_render (matrix, 4, &side);
  dotted = g_memdup2 (g_bytes_get_data (gray, NULL), (gsize) side * side);
  for (int y = 0; y < side; y += 2)
    for (int x = 0; x < side; x += 2)
      dotted[(gsize) y * side + x] = 0;

  full_size = idw_qr_decode_gray (dotted, side, side, side, &error);
  if (full_size != NULL)
    {
      g_test_skip ("zbar reads the halftone at full size: the downscaled retry is untested");
      return;
    }
  g_clear_error (&error);

  png = gray_to_png (dotted, side, side);
  decoded = idw_qr_decode_image (png, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (decoded, ==, text);
}

static void
test_decode_committed_images (void)
{
  static const char * const images[] = {
    "presentation.jpg",
    "presentation-transparent.png",
    "presentation-screenshot.png",
  };
  g_autofree char *expected_path = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;

  expected_path = g_test_build_filename (G_TEST_DIST, "data", "qr", "presentation.txt", NULL);
  g_file_get_contents (expected_path, &expected, NULL, &error);
  g_assert_no_error (error);
  g_strchomp (expected);
  g_assert_true (g_str_has_prefix (expected, IDW_PREFIX_PRESENTATION));

  for (gsize i = 0; i < G_N_ELEMENTS (images); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "qr", images[i], NULL);
      g_autofree char *decoded = NULL;

      g_test_message ("%s", images[i]);
      decoded = idw_qr_decode_file (path, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (decoded, ==, expected);
    }
}

static void
test_decode_blank (void)
{
  g_autofree guint8 *white = g_malloc (640 * 480);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 640, 480);
  g_autoptr(GBytes) png = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *from_gray = NULL;
  g_autofree char *from_png = NULL;

  memset (white, 255, 640 * 480);
  from_gray = idw_qr_decode_gray (white, 640, 480, 640, &error);
  g_assert_null (from_gray);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NO_CODE);
  g_assert_cmpstr (error->message, ==, "No QR code was found in the image.");
  g_clear_error (&error);

  gdk_pixbuf_fill (pixbuf, 0xffffffff);
  png = pixbuf_to_png (pixbuf);
  from_png = idw_qr_decode_image (png, &error);
  g_assert_null (from_png);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NO_CODE);
}

static void
test_decode_not_an_image (void)
{
  g_autoptr(GBytes) text = g_bytes_new_static ("IDW1:BB8 is not a picture\n", 26);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GByteArray) truncated = g_byte_array_new ();
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 100, 100);
  g_autoptr(GBytes) png = NULL;
  g_autofree char *path = NULL;

  gdk_pixbuf_fill (pixbuf, 0xffffffff);
  png = pixbuf_to_png (pixbuf);
  g_byte_array_append (truncated, g_bytes_get_data (png, NULL), 40);

  {
    g_autoptr(GError) error = NULL;
    g_autofree char *decoded = idw_qr_decode_image (text, &error);

    g_assert_null (decoded);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
    g_test_message ("%s", error->message);
  }

  {
    g_autoptr(GError) error = NULL;
    g_autofree char *decoded = idw_qr_decode_image (empty, &error);

    g_assert_null (decoded);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = g_byte_array_free_to_bytes (g_steal_pointer (&truncated));
    g_autofree char *decoded = idw_qr_decode_image (bytes, &error);

    g_assert_null (decoded);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
    g_test_message ("%s", error->message);
  }

  {
    g_autoptr(GError) error = NULL;
    g_autofree char *decoded = NULL;

    path = g_test_build_filename (G_TEST_DIST, "data", "qr", "not-an-image.txt", NULL);
    decoded = idw_qr_decode_file (path, &error);
    g_assert_null (decoded);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  }

  {
    g_autoptr(GError) error = NULL;
    g_autofree char *decoded = idw_qr_decode_file ("/nonexistent/code.png", &error);

    g_assert_null (decoded);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_IO);
  }
}

static void
append_be32 (GByteArray *array,
             guint32     value)
{
  guint8 be[4] = { value >> 24, value >> 16, value >> 8, value };

  g_byte_array_append (array, be, 4);
}

static void
append_png_chunk (GByteArray   *png,
                  const char   *type,
                  const guint8 *data,
                  gsize         len)
{
  uLong crc = crc32 (0, (const Bytef *) type, 4);

  /* crc32() with a NULL buffer returns the initial value, not @crc. */
  if (len > 0)
    crc = crc32 (crc, data, len);
  append_be32 (png, len);
  g_byte_array_append (png, (const guint8 *) type, 4);
  g_byte_array_append (png, data, len);
  append_be32 (png, crc);
}

/* A valid 1-bit PNG of @width × @height, built by hand: small on disk,
 * but hundreds of megabytes once decoded to RGB. */
static GBytes *
make_large_png (guint32 width,
                guint32 height)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  g_autoptr(GByteArray) png = g_byte_array_new ();
  g_autoptr(GByteArray) ihdr = g_byte_array_new ();
  g_autoptr(GBytes) idat = NULL;
  g_autofree guint8 *raw = NULL;
  gsize row = 1 + (width + 7) / 8;

  append_be32 (ihdr, width);
  append_be32 (ihdr, height);
  /* Bit depth 1, greyscale, deflate, adaptive filtering, no interlace. */
  g_byte_array_append (ihdr, (const guint8 *) "\1\0\0\0\0", 5);

  /* Every row: filter type 0, all pixels 0. */
  raw = g_malloc0 (row * height);
  idat = idw_deflate (raw, row * height);

  g_byte_array_append (png, signature, sizeof signature);
  append_png_chunk (png, "IHDR", ihdr->data, ihdr->len);
  append_png_chunk (png, "IDAT", g_bytes_get_data (idat, NULL), g_bytes_get_size (idat));
  append_png_chunk (png, "IEND", NULL, 0);

  return g_byte_array_free_to_bytes (g_steal_pointer (&png));
}

/* 9000 × 9000 would be 243 MB of RGB pixels: refused from the header. */
static void
test_decode_huge_png_header (void)
{
  g_autoptr(GBytes) png = make_large_png (9000, 9000);
  g_autoptr(GBytes) ok_png = make_large_png (64, 64);
  g_autoptr(GError) error = NULL;
  g_autofree char *decoded = NULL;
  g_autofree char *blank = NULL;

  g_test_message ("9000 × 9000 PNG: %" G_GSIZE_FORMAT " bytes", g_bytes_get_size (png));
  g_assert_cmpuint (g_bytes_get_size (png), <, IDW_MAX_INPUT_FILE);

  decoded = idw_qr_decode_image (png, &error);
  g_assert_null (decoded);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
  g_assert_nonnull (strstr (error->message, "9000"));
  g_clear_error (&error);

  /* The hand-made PNG itself is fine: a small one loads (and is blank). */
  blank = idw_qr_decode_image (ok_png, &error);
  g_assert_null (blank);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NO_CODE);
}

/* Each side within 8192 pixels but the area too large (the 8192 × 8192
 * PNG that cost seconds and hundreds of megabytes): refused from the
 * header, before any pixel is decoded. 4096 × 4096 is still read. */
static void
test_decode_area_limit (void)
{
  static const struct { int width; int height; gboolean refused; } cases[] = {
    { 8192, 8192, TRUE },
    { 8192, 2049, TRUE },
    { 4096, 4097, TRUE },
    { 4096, 4096, FALSE },
    { 8192, 2048, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) png = make_large_png (cases[i].width, cases[i].height);
      g_autoptr(GError) error = NULL;
      g_autofree char *decoded = idw_qr_decode_image (png, &error);

      g_assert_null (decoded);
      if (cases[i].refused)
        {
          g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
          g_assert_nonnull (strstr (error->message, "megapixels"));
        }
      else
        {
          /* Read, and blank. */
          g_assert_error (error, IDW_ERROR, IDW_ERROR_NO_CODE);
        }
    }

  /* Pixels handed over directly obey the same limit. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree guint8 *row = g_malloc0 (8192);
    g_autofree char *decoded = idw_qr_decode_gray (row, 8192, 8192, 8192, &error);

    g_assert_null (decoded);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
    g_assert_false (idw_qr_check_dimensions (4097, 4096, NULL));
    g_assert_true (idw_qr_check_dimensions (4096, 4096, NULL));
  }
}

static void
test_decode_limits (void)
{
  g_autofree guint8 *row = g_malloc0 (9000);
  g_autoptr(GdkPixbuf) wide = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 8193, 2);
  g_autoptr(GBytes) wide_png = NULL;
  g_autofree char *dir = test_tmp_dir_new ("idw-test-qr-XXXXXX");
  g_autofree char *big_path = g_build_filename (dir, "big.png", NULL);
  g_autofree guint8 *big = NULL;
  const struct
  {
    int width;
    int height;
  } sizes[] = { { 8193, 1 }, { 1, 8193 }, { 0, 10 }, { 10, 0 }, { -1, 10 } };

  for (gsize i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *decoded = NULL;

      decoded = idw_qr_decode_gray (row, sizes[i].width, sizes[i].height,
                                    MAX (sizes[i].width, 1), &error);
      g_assert_null (decoded);
      g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
    }

  /* A PNG with a side over 8192 pixels is refused before its pixels are
   * decoded. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *decoded = NULL;

    gdk_pixbuf_fill (wide, 0xffffffff);
    wide_png = pixbuf_to_png (wide);
    decoded = idw_qr_decode_image (wide_png, &error);
    g_assert_null (decoded);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
    g_test_message ("%s", error->message);
  }

  /* A file over IDW_MAX_INPUT_FILE bytes, in memory or on disk. */
  big = g_malloc0 (IDW_MAX_INPUT_FILE + 1);
  memcpy (big, g_bytes_get_data (wide_png, NULL), g_bytes_get_size (wide_png));
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = g_bytes_new_static (big, IDW_MAX_INPUT_FILE + 1);
    g_autofree char *decoded = idw_qr_decode_image (bytes, &error);

    g_assert_null (decoded);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *decoded = NULL;

    g_file_set_contents (big_path, (const char *) big, IDW_MAX_INPUT_FILE + 1, &error);
    g_assert_no_error (error);
    decoded = idw_qr_decode_file (big_path, &error);
    g_assert_null (decoded);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
  }

  remove_tmp (dir, "big.png");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/qr/encode/round-trip", test_encode_round_trip);
  g_test_add_func ("/qr/encode/small", test_encode_small);
  g_test_add_func ("/qr/encode/8bit", test_encode_8bit);
  g_test_add_func ("/qr/encode/empty", test_encode_empty);
  g_test_add_func ("/qr/encode/level-alphanumeric", test_level_alphanumeric);
  g_test_add_func ("/qr/encode/level-8bit", test_level_8bit);
  g_test_add_func ("/qr/render", test_render);
  g_test_add_func ("/qr/png/write-decode", test_decode_png_file);
  g_test_add_func ("/qr/png/write-error", test_write_png_error);
  g_test_add_func ("/qr/decode/alpha", test_decode_alpha_png);
  g_test_add_func ("/qr/decode/camera-frame", test_decode_camera_frame);
  g_test_add_func ("/qr/decode/decoders", test_decoders);
  g_test_add_func ("/qr/decode/one-pixel-modules", test_decode_one_pixel_modules);
  g_test_add_func ("/qr/decode/halftone", test_decode_halftone);
  g_test_add_func ("/qr/decode/huge-png-header", test_decode_huge_png_header);
  g_test_add_func ("/qr/decode/committed-images", test_decode_committed_images);
  g_test_add_func ("/qr/decode/blank", test_decode_blank);
  g_test_add_func ("/qr/decode/not-an-image", test_decode_not_an_image);
  g_test_add_func ("/qr/decode/limits", test_decode_limits);
  g_test_add_func ("/qr/decode/area-limit", test_decode_area_limit);

  return g_test_run ();
}
