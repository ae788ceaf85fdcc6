/* test-input.c: the first steps of the verification pipeline (IdwInput)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a person gives is recognised once: pictures by their first bytes
 * and read for a QR code within the size limits, text by its prefix, hex
 * and binary CBOR; camera frames and clipboard pictures by their pixels,
 * transparency read as white paper. Then opened: transport, envelope and
 * transcript.
 */
#include "config.h"

#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "mdoc-test-util.h"

static GBytes *
read_data (const char *name)
{
  return test_read_file ("qr", name);
}

static char *
presentation_text (void)
{
  g_autoptr(GBytes) bytes = read_data ("presentation.txt");

  return g_strstrip (g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)));
}

static void
test_pictures (void)
{
  static const char * const names[] = {
    "presentation.jpg", "presentation-transparent.png", "presentation-screenshot.png",
  };
  g_autofree char *expected = presentation_text ();

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(GBytes) bytes = read_data (names[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwInput) input = idw_input_new_from_data (bytes, &error);

      g_test_message ("%s", names[i]);
      g_assert_no_error (error);
      g_assert_cmpint (idw_input_get_source (input), ==, IDW_INPUT_SOURCE_IMAGE);
      g_assert_cmpint (idw_input_get_kind (input), ==, IDW_INPUT_PRESENTATION);
      g_assert_cmpstr (idw_input_get_text (input), ==, expected);
      g_assert_null (idw_input_get_cbor (input));
    }
}

static void
test_text_kinds (void)
{
  static const struct { const char *text; IdwInputKind kind; } cases[] = {
    { "IDW1:ABC", IDW_INPUT_PRESENTATION },
    { "  \n IDW1:ABC\n", IDW_INPUT_PRESENTATION },
    { "IDWR1:ABC", IDW_INPUT_REQUEST },
    { "IDWC1:ABC", IDW_INPUT_CREDENTIAL_REQUEST },
    { "IDWF1:RB8./T000C00000000NCF3QBWVQG4J", IDW_INPUT_FRAME },
    { " IDWF1:ABC", IDW_INPUT_FRAME },
    { "idwf1:ABC", IDW_INPUT_UNKNOWN },
    { "idw1:ABC", IDW_INPUT_UNKNOWN },
    { "Hello, world", IDW_INPUT_UNKNOWN },
    { "Grüße: nicht hex", IDW_INPUT_UNKNOWN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (cases[i].text, strlen (cases[i].text));
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwInput) from_data = idw_input_new_from_data (bytes, &error);
      g_autoptr(IdwInput) from_text = NULL;

      g_assert_no_error (error);
      g_assert_cmpint (idw_input_get_source (from_data), ==, IDW_INPUT_SOURCE_TEXT);
      g_assert_cmpint (idw_input_get_kind (from_data), ==, cases[i].kind);
      g_assert_cmpstr (idw_input_get_text (from_data), ==, cases[i].text);

      from_text = idw_input_new_from_text (cases[i].text, &error);
      g_assert_no_error (error);
      g_assert_cmpint (idw_input_get_kind (from_text), ==, cases[i].kind);
    }
}

/* Hex text is CBOR; a DeviceResponse's first byte (a map head) never
 * starts UTF-8, so binary CBOR is never taken for text. */
static void
test_cbor (void)
{
  static const guint8 binary[] = { 0xa3, 0x67, 'v', 'e', 'r', 's', 'i', 'o', 'n' };
  static const char hex_text[] = "a3 67 76 65\n72 73 69 6f 6e\n";
  g_autoptr(GBytes) hex = g_bytes_new_static (hex_text, strlen (hex_text));
  g_autoptr(GBytes) raw = g_bytes_new_static (binary, sizeof binary);
  g_autoptr(GBytes) odd = g_bytes_new_static ("a36", 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwInput) from_hex = idw_input_new_from_data (hex, &error);
  g_autoptr(IdwInput) from_raw = NULL;
  g_autoptr(IdwInput) from_odd = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (idw_input_get_source (from_hex), ==, IDW_INPUT_SOURCE_CBOR);
  g_assert_cmpint (idw_input_get_kind (from_hex), ==, IDW_INPUT_DEVICE_RESPONSE);
  g_assert_true (g_bytes_equal (idw_input_get_cbor (from_hex), raw));
  g_assert_null (idw_input_get_text (from_hex));

  from_raw = idw_input_new_from_data (raw, &error);
  g_assert_no_error (error);
  g_assert_cmpint (idw_input_get_kind (from_raw), ==, IDW_INPUT_DEVICE_RESPONSE);
  g_assert_true (g_bytes_equal (idw_input_get_cbor (from_raw), raw));

  /* An odd number of hex digits is no hex: it is text. */
  from_odd = idw_input_new_from_data (odd, &error);
  g_assert_no_error (error);
  g_assert_cmpint (idw_input_get_kind (from_odd), ==, IDW_INPUT_UNKNOWN);
}

static void
test_errors (void)
{
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GBytes) spaces = g_bytes_new_static (" \n\t ", 4);
  g_autoptr(GBytes) nul = g_bytes_new_static ("IDW1:AB\0CD", 10);
  g_autoptr(GBytes) broken_png = g_bytes_new_static ("\x89PNG\r\n\x1a\nnot really", 18);
  g_autoptr(GBytes) blank = NULL;
  guint8 *huge = g_malloc0 (IDW_MAX_INPUT_FILE + 1);
  g_autoptr(GBytes) too_large = g_bytes_new_take (huge, IDW_MAX_INPUT_FILE + 1);
  const struct { GBytes *bytes; int code; const char *words; } cases[] = {
    { empty, IDW_ERROR_MALFORMED, "empty" },
    { spaces, IDW_ERROR_MALFORMED, "empty" },
    { nul, IDW_ERROR_MALFORMED, "NUL" },
    { broken_png, IDW_ERROR_MALFORMED, "PNG" },
    { too_large, IDW_ERROR_LIMIT, "too large" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwInput) input = idw_input_new_from_data (cases[i].bytes, &error);

      g_assert_null (input);
      g_assert_error (error, IDW_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].words));
    }

  /* A picture without a code. */
  {
    g_autoptr(GdkPixbuf) white = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 64, 64);
    g_autoptr(GError) error = NULL;
    g_autoptr(IdwInput) input = NULL;
    gchar *png;
    gsize len;

    gdk_pixbuf_fill (white, 0xffffffff);
    g_assert_true (gdk_pixbuf_save_to_buffer (white, &png, &len, "png", &error, NULL));
    blank = g_bytes_new_take (png, len);
    input = idw_input_new_from_data (blank, &error);
    g_assert_null (input);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_NO_CODE);
  }
}

/* A QR code drawn into pixels of each format: the conversion reads dark
 * modules as dark and transparency as white paper. */
static void
test_pixels (void)
{
  g_autofree char *text = presentation_text ();
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwQrMatrix) matrix = idw_qr_encode (text, &error);
  g_autoptr(GBytes) gray = NULL;
  const guint8 *g;
  int side;

  g_assert_no_error (error);
  gray = idw_qr_matrix_render (matrix, 4, &side);
  g = g_bytes_get_data (gray, NULL);

  for (IdwPixelFormat format = IDW_PIXEL_FORMAT_GRAY8; format <= IDW_PIXEL_FORMAT_ARGB32_PREMULTIPLIED; format++)
    {
      gsize bpp = format == IDW_PIXEL_FORMAT_GRAY8 ? 1 : format == IDW_PIXEL_FORMAT_RGB8 ? 3 : 4;
      gsize stride = bpp * side + 8;  /* rows with padding */
      g_autofree guint8 *pixels = g_malloc0 (stride * side);

      for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++)
          {
            guint8 *p = pixels + (gsize) y * stride + (gsize) x * bpp;
            gboolean dark = g[(gsize) y * side + x] < 128;
            guint32 argb;

            switch (format)
              {
              case IDW_PIXEL_FORMAT_GRAY8:
                p[0] = dark ? 0 : 255;
                break;
              case IDW_PIXEL_FORMAT_RGB8:
                p[0] = p[1] = p[2] = dark ? 0 : 255;
                break;
              case IDW_PIXEL_FORMAT_RGBA8:
                /* Light modules transparent (and black underneath). */
                p[0] = p[1] = p[2] = 0;
                p[3] = dark ? 255 : 0;
                break;
              case IDW_PIXEL_FORMAT_ARGB32_PREMULTIPLIED:
              default:
                /* Premultiplied: transparent is all zeros. */
                argb = dark ? 0xff000000u : 0x00000000u;
                memcpy (p, &argb, sizeof argb);
                break;
              }
          }

      for (int camera = 0; camera <= 1; camera++)
        {
          g_autoptr(IdwInput) input = idw_input_new_from_pixels (pixels, side, side, stride, format,
                                                                 camera, &error);

          g_test_message ("format %d, camera %d", format, camera);
          g_assert_no_error (error);
          g_assert_cmpint (idw_input_get_source (input), ==, IDW_INPUT_SOURCE_IMAGE);
          g_assert_cmpint (idw_input_get_kind (input), ==, IDW_INPUT_PRESENTATION);
          g_assert_cmpstr (idw_input_get_text (input), ==, text);
        }
    }

  /* Over the area limit: refused before any conversion. */
  {
    guint8 one = 0;
    g_autoptr(IdwInput) input = idw_input_new_from_pixels (&one, 8192, 8192, 8192,
                                                           IDW_PIXEL_FORMAT_GRAY8, FALSE, &error);

    g_assert_null (input);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
  }
}

/* Opening: each kind that is not a presentation gets its own words. */
static void
test_open_errors (void)
{
  static const struct { const char *text; const char *words; } cases[] = {
    { "IDWR1:ABCD", "request for an ID" },
    { "IDWC1:ABCD", "request for a credential" },
    { "IDWF1:RB8./T000C00000000NCF3QBWVQG4J", "one frame of an animated ID code" },
    { "hello", "IDW1:" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwInput) input = idw_input_new_from_text (cases[i].text, &error);
      g_autoptr(IdwInputContents) contents = NULL;

      g_assert_no_error (error);
      contents = idw_input_open (input, &error);
      g_assert_null (contents);
      g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_PREFIX);
      g_assert_nonnull (strstr (error->message, cases[i].words));
    }

  /* A raw response over the inflated limit. */
  {
    g_autofree guint8 *big = g_malloc0 (IDW_MAX_INFLATED_LENGTH + 1);
    g_autoptr(GBytes) bytes = g_bytes_new_take (g_steal_pointer (&big), IDW_MAX_INFLATED_LENGTH + 1);
    g_autoptr(IdwInput) input = idw_input_new_from_device_response (bytes, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(IdwInputContents) contents = idw_input_open (input, &error);

    g_assert_null (contents);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
  }
}

/* The QR transcript an envelope stands for, and other kinds by their form. */
static void
test_handover_kinds (void)
{
  static const struct { const char *diag_name; IdwHandoverKind kind; } names[] = {
    { "OpenID4VPDCAPIHandover", IDW_HANDOVER_DC_API },
    { "OpenID4VPHandover", IDW_HANDOVER_OPENID4VP },
    { "BrowserHandoverv1", IDW_HANDOVER_BROWSER },
    { "AndroidHandoverv1", IDW_HANDOVER_APP },
    { "GoogleWalletHandoverv1", IDW_HANDOVER_APP },
    { "SomethingElse", IDW_HANDOVER_OTHER },
  };
  g_autoptr(GBytes) nonce = g_bytes_new ("0123456789abcdef", 16);
  g_autoptr(GBytes) qr = idw_qr_session_transcript_new (1906545600, nonce);
  g_autoptr(GError) error = NULL;
  g_autoptr(cbor_item_t) qr_item = idw_cbor_decode_bytes (qr, &error);
  g_autoptr(GBytes) got_nonce = NULL;
  gint64 presented_at = 0;

  g_assert_no_error (error);
  g_assert_cmpint (idw_session_transcript_get_handover (qr_item, &presented_at, &got_nonce, &error),
                   ==, IDW_HANDOVER_IDWALLET_QR);
  g_assert_no_error (error);
  g_assert_cmpint (presented_at, ==, 1906545600);
  g_assert_true (g_bytes_equal (got_nonce, nonce));

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(cbor_item_t) transcript = idw_cbor_new_array ();
      cbor_item_t *handover = idw_cbor_new_array ();

      idw_cbor_array_add (handover, idw_cbor_new_string (names[i].diag_name));
      idw_cbor_array_add (handover, idw_cbor_new_bytes ((const guint8 *) "x", 1));
      idw_cbor_array_add (transcript, idw_cbor_new_null ());
      idw_cbor_array_add (transcript, idw_cbor_new_null ());
      idw_cbor_array_add (transcript, handover);
      g_assert_cmpint (idw_session_transcript_get_handover (transcript, NULL, NULL, &error), ==, names[i].kind);
      g_assert_no_error (error);
    }

  /* Our name with engagement elements: refused, never "other". */
  {
    g_autoptr(cbor_item_t) transcript = idw_cbor_new_array ();
    g_autoptr(cbor_item_t) engagement = idw_cbor_new_null ();
    cbor_item_t *handover = idw_cbor_new_array ();

    idw_cbor_array_add (handover, idw_cbor_new_string (IDW_QR_HANDOVER_NAME));
    idw_cbor_array_add (handover, idw_cbor_new_int (1));
    idw_cbor_array_add (handover, idw_cbor_new_null ());
    idw_cbor_array_add (transcript, idw_cbor_new_tag24 (engagement));
    idw_cbor_array_add (transcript, idw_cbor_new_null ());
    idw_cbor_array_add (transcript, handover);
    g_assert_cmpint (idw_session_transcript_get_handover (transcript, NULL, NULL, &error), ==, IDW_HANDOVER_NONE);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/input/pictures", test_pictures);
  g_test_add_func ("/input/text-kinds", test_text_kinds);
  g_test_add_func ("/input/cbor", test_cbor);
  g_test_add_func ("/input/errors", test_errors);
  g_test_add_func ("/input/pixels", test_pixels);
  g_test_add_func ("/input/open-errors", test_open_errors);
  g_test_add_func ("/input/handover-kinds", test_handover_kinds);

  return g_test_run ();
}
