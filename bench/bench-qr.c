/* bench-qr.c: `id-wallet-bench qr-decode`: reading a QR code from a
 * camera-like frame
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "bench-common.h"

#define FRAME_WIDTH          1280
#define FRAME_HEIGHT         720

typedef struct
{
  guint8 *frame;
  char   *expected;
} DecodeBench;

/* A camera frame as the app's camera gives it to the pipeline. */
static IdwInput *
decode_frame (DecodeBench  *bench,
              GError      **error)
{
  return idw_input_new_from_pixels (bench->frame, FRAME_WIDTH, FRAME_HEIGHT, FRAME_WIDTH,
                                    IDW_PIXEL_FORMAT_GRAY8, TRUE, error);
}

static void
decode_once (gpointer user_data)
{
  g_autoptr(IdwInput) input = decode_frame (user_data, NULL);

  g_assert (input != NULL);
}

/* A camera-like frame: uneven light, a little sensor noise, and the code
 * somewhat off centre, as a phone held up to a webcam shows it. */
static guint8 *
make_frame (const IdwQrMatrix *matrix,
            int               *out_scale)
{
  g_autoptr(GBytes) rendered = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (18013);
  guint8 *frame = g_malloc (FRAME_WIDTH * FRAME_HEIGHT);
  const guint8 *code;
  int side = 0;
  int scale;
  int x0;
  int y0;

  scale = MAX (2, (FRAME_HEIGHT * 8 / 10) / (matrix->size + 2 * IDW_QR_QUIET_ZONE));
  rendered = idw_qr_matrix_render (matrix, scale, &side);
  code = g_bytes_get_data (rendered, NULL);

  for (int y = 0; y < FRAME_HEIGHT; y++)
    for (int x = 0; x < FRAME_WIDTH; x++)
      frame[y * FRAME_WIDTH + x] = (guint8) (90 + 60 * x / FRAME_WIDTH + 30 * y / FRAME_HEIGHT
                                             + g_rand_int_range (rand, -6, 7));

  x0 = (FRAME_WIDTH - side) / 2 + FRAME_WIDTH / 10;
  y0 = (FRAME_HEIGHT - side) / 2;
  for (int y = 0; y < side && y0 + y < FRAME_HEIGHT; y++)
    for (int x = 0; x < side && x0 + x < FRAME_WIDTH; x++)
      {
        int value = code[y * side + x] ? 215 : 35;

        frame[(y0 + y) * FRAME_WIDTH + x0 + x] = (guint8) CLAMP (value + g_rand_int_range (rand, -12, 13), 0, 255);
      }

  *out_scale = scale;
  return frame;
}

int
bench_qr_decode (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwQrMatrix) matrix = NULL;
  g_autofree char *text = NULL;
  g_autoptr(IdwInput) first = NULL;
  DecodeBench bench = { 0 };
  gint64 n = 0;
  int scale = 0;
  BenchTiming timing;
  const GOptionEntry entries[] = {
    { "iterations", 'n', 0, G_OPTION_ARG_INT64, &n,
      "Decode N times (default: as many as fit in about 2 seconds)", "N" },
    { NULL }
  };

  context = g_option_context_new ("[TEXT-FILE]");
  g_option_context_set_summary (context,
                                "Times decoding a QR code from a 1280×720 grayscale frame. The code holds the\n"
                                "IDW1 text of TEXT-FILE, or by default a 1000-character stand-in of the size of\n"
                                "an age-over-18 presentation.");
  g_option_context_add_main_entries (context, entries, NULL);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return bench_usage_error ("qr-decode ", error->message);
  if (argc > 2)
    return bench_usage_error ("qr-decode ", "give one text file at most");
  if (n < 0)
    return bench_usage_error ("qr-decode ", "-n must be positive");

  if (argc == 2)
    {
      g_autoptr(GBytes) contents = bench_read_file (argv[1], IDW_MAX_TEXT_LENGTH, &error);

      if (contents == NULL)
        {
          g_printerr ("id-wallet-bench: %s\n", error->message);
          return BENCH_EXIT_USAGE;
        }
      text = g_strstrip (g_strndup (g_bytes_get_data (contents, NULL), g_bytes_get_size (contents)));
    }
  else
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (5);
      guint8 random[663];
      g_autofree char *base45 = NULL;

      for (guint i = 0; i < sizeof random; i++)
        random[i] = (guint8) g_rand_int_range (rand, 0, 256);
      base45 = idw_base45_encode (random, sizeof random);
      text = g_strconcat (IDW_PREFIX_PRESENTATION, base45, NULL);
    }

  matrix = idw_qr_encode (text, &error);
  if (matrix == NULL)
    {
      g_printerr ("id-wallet-bench: %s\n", error->message);
      return BENCH_EXIT_FAILED;
    }

  bench.frame = make_frame (matrix, &scale);
  bench.expected = text;

  first = decode_frame (&bench, &error);
  if (first == NULL || g_strcmp0 (idw_input_get_text (first), text) != 0)
    {
      g_printerr ("id-wallet-bench: the frame does not decode to the text: %s\n",
                  error != NULL ? error->message : "different text");
      g_free (bench.frame);
      return BENCH_EXIT_FAILED;
    }

  g_print ("frame: %dx%d grayscale, QR version %d level %c, %d modules at %d px, %zu characters\n",
           FRAME_WIDTH, FRAME_HEIGHT, matrix->version, matrix->level, matrix->size, scale, strlen (text));

  timing = bench_measure (decode_once, &bench, n, BENCH_TARGET_SECONDS);
  g_print ("qr-decode: %.2f ms per frame (%" G_GINT64_FORMAT " in %.2f s; target < 40 ms)\n",
           bench_timing_us (&timing) / 1000.0, timing.iterations, timing.seconds);
  g_print ("qr-decode: %.0f per second\n", bench_timing_per_second (&timing));

  g_free (bench.frame);
  return BENCH_EXIT_OK;
}
