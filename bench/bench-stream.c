/* bench-stream.c: `id-wallet-bench stream`: an animated presentation read
 * by a simulated webcam, from the first frame to the verdict
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The holder's screen plays the frames at --fps; the camera misses a share
 * of them (--loss) and sees each other one as a hand-held webcam does
 * (frame-degrade.h: module 2.5–5 px, tilt, rotation, blur, noise, glare,
 * JPEG, moiré). Each seen frame goes through the engine's input pipeline as
 * a camera frame (idw_input_new_from_pixels), frames into a collector, and
 * the rebuilt presentation into the verifier: what the Verify view does,
 * without the GUI. Decoding keeps up when it takes less than a frame's
 * time, which the per-frame figures show.
 */
#include "config.h"

#include <string.h>

#include "bench-common.h"
#include "frame-degrade.h"

/* Pixels per module of the rendered code before the camera model scales
 * it to the frame's module size. */
#define RENDER_SCALE 4
/* A run gives up after this many frames shown. */
#define MAX_SHOWN    600

typedef struct
{
  double  stream_seconds;   /* frames shown until complete, / fps */
  double  to_verdict;       /* stream_seconds + the last decode + verify */
  guint   shown;
  guint   seen;
  guint   read;             /* seen frames the decoder read */
  double  decode_ms_total;
  double  decode_ms_max;
  double  verify_ms;
  gboolean complete;
  gboolean valid;
} StreamRun;

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* The camera's view of @matrix, as gray pixels; NULL when the model fails. */
static guint8 *
camera_frame (const IdwQrMatrix *matrix,
              GRand             *rand,
              guint32            seed)
{
  g_autoptr(GBytes) code = NULL;
  FrameDegradeParams params;
  int side = 0;

  code = idw_qr_matrix_render (matrix, RENDER_SCALE, &side);
  frame_degrade_params_init (&params);
  params.seed = seed;
  frame_degrade_params_random (&params, rand);
  return frame_degrade_render_gray (g_bytes_get_data (code, NULL), side, side, side,
                                    RENDER_SCALE, &params, NULL);
}

static void
run_stream (const char   *text,
            IdwVerifier  *verifier,
            double        fps,
            double        loss,
            guint32       seed,
            StreamRun    *run)
{
  g_autoptr(IdwAnimation) animation = NULL;
  g_autoptr(IdwFrameCollector) collector = idw_frame_collector_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree char *rebuilt = NULL;
  gboolean one_code = idw_animation_fits_one_frame (text);
  double last_decode_ms = 0.0;

  memset (run, 0, sizeof *run);
  if (!one_code)
    animation = idw_animation_new (text, NULL);

  /* The holder's screen may be anywhere in its loop when the camera starts. */
  for (guint32 seq = (guint32) g_rand_int_range (rand, 0, 50);
       rebuilt == NULL && run->shown < MAX_SHOWN; seq++)
    {
      g_autoptr(IdwQrMatrix) matrix = NULL;
      g_autoptr(IdwInput) input = NULL;
      g_autofree guint8 *gray = NULL;
      gint64 start;

      run->shown++;
      if (g_rand_double (rand) < loss)
        continue;
      run->seen++;

      matrix = one_code ? idw_qr_encode_low (text, NULL)
                        : idw_animation_get_frame_matrix (animation, seq, NULL);
      gray = camera_frame (matrix, rand, seed * 7919u + seq);
      if (gray == NULL)
        continue;

      start = g_get_monotonic_time ();
      input = idw_input_new_from_pixels (gray, FRAME_DEGRADE_WIDTH, FRAME_DEGRADE_HEIGHT,
                                         FRAME_DEGRADE_WIDTH, IDW_PIXEL_FORMAT_GRAY8, TRUE, NULL);
      if (input != NULL && idw_input_get_kind (input) == IDW_INPUT_FRAME)
        {
          g_autoptr(GError) error = NULL;

          idw_frame_collector_add (collector, idw_input_get_text (input), &rebuilt, &error);
        }
      else if (input != NULL && idw_input_get_kind (input) == IDW_INPUT_PRESENTATION)
        {
          rebuilt = g_strdup (idw_input_get_text (input));
        }
      last_decode_ms = (g_get_monotonic_time () - start) / 1000.0;
      run->decode_ms_total += last_decode_ms;
      run->decode_ms_max = MAX (run->decode_ms_max, last_decode_ms);
      if (input != NULL && idw_input_get_source (input) == IDW_INPUT_SOURCE_IMAGE)
        run->read++;
    }

  run->stream_seconds = run->shown / fps;
  if (rebuilt != NULL)
    {
      g_autoptr(IdwVerdict) verdict = NULL;
      gint64 start = g_get_monotonic_time ();

      verdict = idw_verifier_verify_text (verifier, rebuilt);
      run->verify_ms = (g_get_monotonic_time () - start) / 1000.0;
      run->complete = TRUE;
      run->valid = idw_verdict_is_valid (verdict);
    }
  run->to_verdict = run->stream_seconds + (last_decode_ms + run->verify_ms) / 1000.0;
}

int
bench_stream (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCredential) credential = NULL;
  g_autoptr(IdwVerifier) verifier = idw_verifier_new ();
  g_autoptr(IdwAnimation) animation = NULL;
  g_autofree char *preset_name = NULL;
  g_autofree double *times = NULL;
  g_auto(GStrv) trust = NULL;
  g_auto(GStrv) paths = NULL;
  IdwPreset preset = IDW_PRESET_FULL;
  double fps = IDW_ANIMATION_FPS;
  double loss = 0.3;
  gint64 n_runs = 10;
  guint complete = 0;
  guint valid = 0;
  guint seen = 0;
  guint read = 0;
  double decode_total = 0.0;
  double decode_max = 0.0;
  double verify_total = 0.0;
  const GOptionEntry entries[] = {
    { "runs", 'n', 0, G_OPTION_ARG_INT64, &n_runs, "Play the stream N times (default 10)", "N" },
    { "fps", 0, 0, G_OPTION_ARG_DOUBLE, &fps, "Frames per second on the holder's screen (default 10)", "FPS" },
    { "loss", 0, 0, G_OPTION_ARG_DOUBLE, &loss, "Share of frames the camera misses (default 0.3)", "P" },
    { "preset", 'p', 0, G_OPTION_ARG_STRING, &preset_name,
      "Disclose full (default), name-photo or age-over-18", "PRESET" },
    { "trust", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &trust, "A trust anchor (PEM)", "CERT" },
    { NULL }
  };

  context = g_option_context_new ("CRED.idwcred");
  g_option_context_set_summary (context,
                                "Plays an in-person presentation as the app does (animated when it does not fit one\n"
                                "code) to a simulated hand-held webcam that misses a share of the frames, and reports\n"
                                "the time from the first frame to the verdict and the decoder's cost per frame.\n"
                                "The credential must hold its device key.");
  g_option_context_add_main_entries (context, entries, NULL);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return bench_usage_error ("stream ", error->message);
  if (argc != 2)
    return bench_usage_error ("stream ", "give one credential file");
  if (n_runs < 1 || n_runs > 1000)
    return bench_usage_error ("stream ", "-n must be from 1 to 1000");
  if (!(fps > 0.0 && fps <= 60.0))
    return bench_usage_error ("stream ", "--fps must be over 0 and at most 60");
  if (!(loss >= 0.0 && loss < 1.0))
    return bench_usage_error ("stream ", "--loss must be from 0 to under 1");
  if (preset_name != NULL && !idw_preset_from_string (preset_name, &preset))
    return bench_usage_error ("stream ", "unknown preset");

  credential = idw_credential_new_from_file (argv[1], &error);
  if (credential == NULL || idw_credential_get_private_key (credential) == NULL)
    {
      g_printerr ("id-wallet-bench: %s: %s\n", argv[1],
                  error != NULL ? error->message : "holds no device private key");
      return BENCH_EXIT_USAGE;
    }
  for (guint i = 0; trust != NULL && trust[i] != NULL; i++)
    {
      g_autoptr(IdwCertificate) anchor = idw_certificate_new_from_file (trust[i], &error);

      if (anchor == NULL)
        {
          g_printerr ("id-wallet-bench: %s: %s\n", trust[i], error->message);
          return BENCH_EXIT_USAGE;
        }
      idw_verifier_add_trust_anchor (verifier, anchor);
    }

  paths = idw_credential_get_preset_paths (credential, preset);
  times = g_new0 (double, n_runs);

  for (gint64 r = 0; r < n_runs; r++)
    {
      /* A fresh presentation each time, as the app re-signs it. */
      g_autofree char *text = idw_present_text (credential, NULL, (const char * const *) paths,
                                                NULL, NULL, &error);
      StreamRun run;

      if (text == NULL)
        {
          g_printerr ("id-wallet-bench: %s\n", error->message);
          return BENCH_EXIT_FAILED;
        }
      if (r == 0)
        {
          g_autofree char *doctype = idw_text_escape (idw_credential_get_doctype (credential));

          g_print ("credential: %s, %s\n", doctype, idw_preset_to_string (preset));
          if (idw_animation_fits_one_frame (text))
            g_print ("presentation: %zu characters, one code\n", strlen (text));
          else
            {
              animation = idw_animation_new (text, NULL);
              g_print ("presentation: %zu characters, animated: K = %u frames of %zu bytes "
                       "(QR version <= %d, level L)\n",
                       strlen (text), idw_animation_get_n_blocks (animation),
                       idw_animation_get_block_size (animation), IDW_ANIMATION_MAX_VERSION);
            }
          g_print ("stream: %.0f frames per second, %.0f %% of them missed, hand-held webcam frames\n",
                   fps, loss * 100);
        }

      run_stream (text, verifier, fps, loss, (guint32) r + 1, &run);
      g_print ("run %2" G_GINT64_FORMAT ": %s after %3u frames shown (%3u seen, %3u read): "
               "%.2f s to verdict%s\n",
               r + 1, run.complete ? "rebuilt" : "NOT rebuilt", run.shown, run.seen, run.read,
               run.to_verdict, run.complete ? (run.valid ? ", valid" : ", not valid") : "");
      times[r] = run.complete ? run.to_verdict : G_MAXDOUBLE;
      complete += run.complete;
      valid += run.valid;
      seen += run.seen;
      read += run.read;
      decode_total += run.decode_ms_total;
      decode_max = MAX (decode_max, run.decode_ms_max);
      verify_total += run.verify_ms;
    }

  qsort (times, (gsize) n_runs, sizeof times[0], compare_double);
  g_print ("rebuilt:      %u of %" G_GINT64_FORMAT " runs (%u valid)\n", complete, n_runs, valid);
  g_print ("frames read:  %.1f %% of those the camera saw\n", seen > 0 ? 100.0 * read / seen : 0.0);
  g_print ("decode:       %.1f ms a frame on average, %.1f ms at most (a frame lasts %.0f ms)\n",
           seen > 0 ? decode_total / seen : 0.0, decode_max, 1000.0 / fps);
  g_print ("verify:       %.1f ms\n", complete > 0 ? verify_total / complete : 0.0);
  if (complete < n_runs)
    g_print ("worst:        never (a run was not rebuilt in %d frames)\n", MAX_SHOWN);
  else
    g_print ("9 runs in 10: %.2f s or less; worst %.2f s\n",
             times[(n_runs * 9 + 9) / 10 - 1], times[n_runs - 1]);
  g_print ("stream: %.2f s from the first frame to the verdict (median)\n", times[n_runs / 2]);

  return complete == n_runs ? BENCH_EXIT_OK : BENCH_EXIT_FAILED;
}
