/* bench-decoders.c: `id-wallet-bench decoders`: how often and how fast each
 * QR decoder reads animated-presentation frames from simulated webcam
 * frames, per QR version and condition
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each frame is a fresh QR code (level L, alphanumeric) filled to the
 * capacity of its version with a random "IDWF1:" text, put through
 * tests/frame-degrade.c under a named condition. A read counts only when
 * the decoded text equals the original. Every decoder gets the same frames.
 * The figures and the choice they support are in bench/README.md.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <qrencode.h>

#include "bench-common.h"
#include "frame-degrade.h"
#include "idw-animation.h"

/* Code image pixels per module the conditions start from. */
#define CODE_SCALE 4

#define BASE45_ALPHABET "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (QRinput, QRinput_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (QRcode, QRcode_free)

static const int default_versions[] = { 10, 15, 20, 25 };

typedef enum
{
  CONDITION_FIXED,
  /* frame_degrade_params_random(), then the fields set in the condition's
   * params that are not 0 replace what was drawn (the module size). */
  CONDITION_HAND_HELD,
} ConditionKind;

typedef struct
{
  const char         *name;
  const char         *description;
  ConditionKind       kind;
  FrameDegradeParams  params;   /* seed unused */
} Condition;

/* A flat frame is still a camera's: a little blur and noise. A tilt's axis
 * is drawn for each frame. */
#define FLAT(px) .module_px = (px), .blur = 1.0, .noise = 3.0

static const Condition conditions[] = {
  { "flat-1px", "flat, 1 px per module", CONDITION_FIXED, { FLAT (1.0) } },
  { "flat-1.5px", "flat, 1.5 px per module", CONDITION_FIXED, { FLAT (1.5) } },
  { "flat-2px", "flat, 2 px per module", CONDITION_FIXED, { FLAT (2.0) } },
  { "flat-2.5px", "flat, 2.5 px per module", CONDITION_FIXED, { FLAT (2.5) } },
  { "flat-3px", "flat, 3 px per module", CONDITION_FIXED, { FLAT (3.0) } },
  { "flat-4px", "flat, 4 px per module", CONDITION_FIXED, { FLAT (4.0) } },
  { "tilt-5", "3 px, tilted 5°", CONDITION_FIXED, { FLAT (3.0), .tilt = 5 } },
  { "tilt-10", "3 px, tilted 10°", CONDITION_FIXED, { FLAT (3.0), .tilt = 10 } },
  { "tilt-20", "3 px, tilted 20°", CONDITION_FIXED, { FLAT (3.0), .tilt = 20 } },
  { "rotated-10", "3 px, turned 10° in plane", CONDITION_FIXED, { FLAT (3.0), .rotation = 10 } },
  { "blur-2", "3 px, blur radius 2 px", CONDITION_FIXED, { .module_px = 3.0, .blur = 2.0, .noise = 3.0 } },
  { "blur-3", "3 px, blur radius 3 px", CONDITION_FIXED, { .module_px = 3.0, .blur = 3.0, .noise = 3.0 } },
  { "noise-12", "3 px, noise σ 12", CONDITION_FIXED, { .module_px = 3.0, .blur = 1.0, .noise = 12.0 } },
  { "glare", "3 px, a glare spot of 0.6", CONDITION_FIXED, { FLAT (3.0), .glare = 0.6 } },
  { "jpeg-60", "3 px, JPEG quality 60", CONDITION_FIXED, { FLAT (3.0), .jpeg_quality = 60 } },
  { "moire", "3 px, moiré of 20 levels", CONDITION_FIXED, { FLAT (3.0), .moire = 20 } },
  { "hand-held", "hand-held mix, 2.5–5 px", CONDITION_HAND_HELD, { 0 } },
  { "hand-held-3px", "hand-held mix at 3 px", CONDITION_HAND_HELD, { .module_px = 3.0 } },
  { "hand-held-4px", "hand-held mix at 4 px", CONDITION_HAND_HELD, { .module_px = 4.0 } },
};

#undef FLAT

typedef struct
{
  const char   *name;
  IdwQrDecoder  decoder;
} Decoder;

/* The engine's decoders (idw-qr.h), each alone, then the default the
 * camera uses (zbar, then zxing-cpp), when this build has zxing-cpp. */
static const Decoder all_decoders[] = {
  { "zbar", IDW_QR_DECODER_ZBAR },
  { "zxing-cpp", IDW_QR_DECODER_ZXING },
  { "zbar+zxing-cpp", IDW_QR_DECODER_DEFAULT },
};
static Decoder decoders[G_N_ELEMENTS (all_decoders)];
static guint n_decoders;

static void
decoders_init (void)
{
  n_decoders = 0;
  for (guint d = 0; d < G_N_ELEMENTS (all_decoders); d++)
    {
      if (!idw_qr_decoder_is_available (IDW_QR_DECODER_ZXING) && all_decoders[d].decoder != IDW_QR_DECODER_ZBAR)
        continue;
      decoders[n_decoders++] = all_decoders[d];
    }
}

static char *
decode_with (const Decoder *decoder,
             const guint8  *gray)
{
  return idw_qr_decoder_read_gray (decoder->decoder, gray, FRAME_DEGRADE_WIDTH, FRAME_DEGRADE_HEIGHT,
                                   FRAME_DEGRADE_WIDTH, NULL);
}

typedef struct
{
  int    frames;
  int    decoded;
  gint64 us;
} Cell;

typedef struct
{
  GArray *versions;     /* int */
  GArray *conditions;   /* const Condition * */
  int     frames;
  guint32 seed;
  char   *dump;         /* a folder for every frame as PNG, or NULL */
  gboolean verbose;     /* a line per frame on stderr */
  Cell   *cells;        /* [decoder][version][condition] */
  Cell    rendering;    /* making the frames (decoded unused) */
} Run;

static Cell *
run_cell (Run  *run,
          guint decoder,
          guint version,
          guint condition)
{
  return &run->cells[(decoder * run->versions->len + version) * run->conditions->len + condition];
}

/* A QR code of exactly @version at level L, its text @out_text. */
static IdwQrMatrix *
make_code (int      version,
           GRand   *rand,
           char   **out_text,
           GError **error)
{
  static const char alphabet[] = BASE45_ALPHABET;
  int len = idw_qr_alphanumeric_capacity_l (version);
  g_autofree char *text = g_malloc (len + 1);
  g_autoptr(QRinput) input = NULL;
  g_autoptr(QRcode) code = NULL;
  IdwQrMatrix *matrix;
  gsize n_modules;

  memcpy (text, IDW_PREFIX_FRAME, strlen (IDW_PREFIX_FRAME));
  for (int i = strlen (IDW_PREFIX_FRAME); i < len; i++)
    text[i] = alphabet[g_rand_int_range (rand, 0, sizeof alphabet - 1)];
  text[len] = '\0';

  input = QRinput_new2 (version, QR_ECLEVEL_L);
  if (input == NULL || QRinput_append (input, QR_MODE_AN, len, (const unsigned char *) text) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "libqrencode: %s", g_strerror (errno));
      return NULL;
    }
  code = QRcode_encodeInput (input);
  if (code == NULL || code->version != version)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "%d characters do not make a version %d code at level L", len, version);
      return NULL;
    }

  matrix = g_new0 (IdwQrMatrix, 1);
  matrix->size = code->width;
  matrix->version = code->version;
  matrix->level = 'L';
  n_modules = (gsize) code->width * code->width;
  matrix->modules = g_malloc (n_modules);
  /* libqrencode: bit 0 of each byte is the module colour, 1 = dark. */
  for (gsize m = 0; m < n_modules; m++)
    matrix->modules[m] = code->data[m] & 1;

  *out_text = g_steal_pointer (&text);
  return matrix;
}

static void
condition_params (const Condition    *condition,
                  guint32             seed,
                  FrameDegradeParams *params)
{
  if (condition->kind == CONDITION_HAND_HELD)
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (seed ^ 0x9e3779b9);

      params->seed = seed;
      frame_degrade_params_random (params, rand);
      if (condition->params.module_px > 0)
        params->module_px = condition->params.module_px;
    }
  else
    {
      g_autoptr(GRand) rand = g_rand_new_with_seed (seed ^ 0x7f4a7c15);

      *params = condition->params;
      params->seed = seed;
      params->tilt_axis = g_rand_double_range (rand, 0, 360);
    }
}

static gboolean
dump_frame (const char   *folder,
            int           version,
            const char   *condition,
            int           frame,
            const guint8 *gray,
            GError      **error)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, FRAME_DEGRADE_WIDTH,
                                                FRAME_DEGRADE_HEIGHT);
  g_autofree char *name = g_strdup_printf ("v%02d-%s-%03d.png", version, condition, frame);
  g_autofree char *path = g_build_filename (folder, name, NULL);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  for (int y = 0; y < FRAME_DEGRADE_HEIGHT; y++)
    for (int x = 0; x < FRAME_DEGRADE_WIDTH; x++)
      memset (pixels + (gsize) y * stride + 3 * x, gray[y * FRAME_DEGRADE_WIDTH + x], 3);

  return gdk_pixbuf_save (pixbuf, path, "png", error, "compression", "1", NULL);
}

static gboolean
measure (Run     *run,
         GError **error)
{
  for (guint v = 0; v < run->versions->len; v++)
    for (guint c = 0; c < run->conditions->len; c++)
      {
        const Condition *condition = g_array_index (run->conditions, const Condition *, c);
        int version = g_array_index (run->versions, int, v);

        for (int f = 0; f < run->frames; f++)
          {
            /* Each frame its own seed, the same whichever other versions
             * and conditions are measured. */
            guint32 seed = run->seed + 1000003u * (guint32) version + 7919u * (guint32) (condition - conditions)
                           + (guint32) f;
            g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
            g_autofree char *text = NULL;
            g_autoptr(IdwQrMatrix) matrix = make_code (version, rand, &text, error);
            g_autoptr(GBytes) image = NULL;
            g_autofree guint8 *gray = NULL;
            FrameDegradeParams params;
            gint64 start;
            int side = 0;

            if (matrix == NULL)
              return FALSE;
            image = idw_qr_matrix_render (matrix, CODE_SCALE, &side);
            condition_params (condition, seed, &params);
            start = g_get_monotonic_time ();
            gray = frame_degrade_render_gray (g_bytes_get_data (image, NULL), side, side, side, CODE_SCALE,
                                              &params, error);
            if (gray == NULL)
              return FALSE;
            run->rendering.us += g_get_monotonic_time () - start;
            run->rendering.frames++;
            if (run->dump != NULL && !dump_frame (run->dump, version, condition->name, f, gray, error))
              return FALSE;

            if (run->verbose)
              {
                g_autofree char *described = frame_degrade_params_to_string (&params);

                g_printerr ("v%d %s %d %s", version, condition->name, f, described);
              }

            for (guint d = 0; d < n_decoders; d++)
              {
                Cell *cell = run_cell (run, d, v, c);
                g_autofree char *decoded = NULL;
                gboolean read;

                start = g_get_monotonic_time ();
                decoded = decode_with (&decoders[d], gray);

                cell->us += g_get_monotonic_time () - start;
                cell->frames++;
                read = g_strcmp0 (decoded, text) == 0;
                if (read)
                  cell->decoded++;
                if (run->verbose)
                  g_printerr (" %s=%s", decoders[d].name, read ? "read" : decoded != NULL ? "wrong" : "none");
              }
            if (run->verbose)
              g_printerr ("\n");
          }
      }

  return TRUE;
}

static double
cell_rate (const Cell *cell)
{
  return cell->frames > 0 ? 100.0 * cell->decoded / cell->frames : 0.0;
}

static double
cell_ms (const Cell *cell)
{
  return cell->frames > 0 ? cell->us / 1000.0 / cell->frames : 0.0;
}

static const char *
decoder_version (guint decoder)
{
  return idw_qr_decoder_get_name (decoders[decoder].decoder);
}

static void
print_table (Run *run)
{
  Cell total_zbar = { 0 };

  g_print ("frames: %dx%d gray, %d per version and condition, seed %u, made in %.1f ms each;\n"
           "QR level L, alphanumeric, filled to capacity; a read is the exact text\n",
           FRAME_DEGRADE_WIDTH, FRAME_DEGRADE_HEIGHT, run->frames, run->seed, cell_ms (&run->rendering));

  for (guint d = 0; d < n_decoders; d++)
    {
      g_print ("\n%s: per cent read by QR version, and mean ms per frame\n", decoder_version (d));
      g_print ("%-14s", "condition");
      for (guint v = 0; v < run->versions->len; v++)
        g_print (" %5s%-2d", "v", g_array_index (run->versions, int, v));
      g_print (" %7s  %s\n", "ms", "what");

      for (guint c = 0; c < run->conditions->len; c++)
        {
          const Condition *condition = g_array_index (run->conditions, const Condition *, c);
          Cell all = { 0 };

          g_print ("%-14s", condition->name);
          for (guint v = 0; v < run->versions->len; v++)
            {
              const Cell *cell = run_cell (run, d, v, c);

              g_print (" %5.0f %%", cell_rate (cell));
              all.frames += cell->frames;
              all.us += cell->us;
            }
          g_print (" %7.1f  %s\n", cell_ms (&all), condition->description);
          if (d == 0)
            {
              total_zbar.frames += all.frames;
              total_zbar.us += all.us;
            }
        }
    }

  g_print ("\ndecoders: %.0f per second\n", total_zbar.us > 0 ? total_zbar.frames * 1e6 / total_zbar.us : 0.0);
}

static void
print_json (Run *run)
{
  g_print ("{\n  \"width\": %d,\n  \"height\": %d,\n  \"frames\": %d,\n  \"seed\": %u,\n"
           "  \"render_ms_per_frame\": %.3f,\n  \"decoders\": {",
           FRAME_DEGRADE_WIDTH, FRAME_DEGRADE_HEIGHT, run->frames, run->seed, cell_ms (&run->rendering));
  for (guint d = 0; d < n_decoders; d++)
    g_print ("%s\"%s\": \"%s\"", d > 0 ? ", " : "", decoders[d].name, decoder_version (d));
  g_print ("},\n  \"results\": [\n");

  for (guint d = 0; d < n_decoders; d++)
    for (guint v = 0; v < run->versions->len; v++)
      for (guint c = 0; c < run->conditions->len; c++)
        {
          const Condition *condition = g_array_index (run->conditions, const Condition *, c);
          const Cell *cell = run_cell (run, d, v, c);
          gboolean last = d == n_decoders - 1 && v == run->versions->len - 1
                          && c == run->conditions->len - 1;

          g_print ("    {\"decoder\": \"%s\", \"version\": %d, \"condition\": \"%s\", \"frames\": %d, "
                   "\"decoded\": %d, \"rate\": %.4f, \"ms_per_frame\": %.3f}%s\n",
                   decoders[d].name, g_array_index (run->versions, int, v), condition->name,
                   cell->frames, cell->decoded, cell->frames > 0 ? (double) cell->decoded / cell->frames : 0.0,
                   cell_ms (cell), last ? "" : ",");
        }

  g_print ("  ]\n}\n");
}

static const Condition *
find_condition (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (conditions); i++)
    if (strcmp (conditions[i].name, name) == 0)
      return &conditions[i];
  return NULL;
}

int
bench_decoders (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) version_args = NULL;
  g_auto(GStrv) condition_args = NULL;
  g_autoptr(GString) summary = g_string_new (NULL);
  g_autoptr(GArray) versions = g_array_new (FALSE, FALSE, sizeof (int));
  g_autoptr(GArray) chosen = g_array_new (FALSE, FALSE, sizeof (const Condition *));
  g_autofree Cell *cells = NULL;
  g_autofree char *dump = NULL;
  gboolean json = FALSE;
  gboolean verbose = FALSE;
  int frames = 6;
  gint64 seed = 18013;
  Run run;
  const GOptionEntry entries[] = {
    { "frames", 'n', 0, G_OPTION_ARG_INT, &frames,
      "Frames per version and condition (default 6)", "N" },
    { "version", 0, 0, G_OPTION_ARG_STRING_ARRAY, &version_args,
      "Measure QR version V (1 to 40; repeat for more; default 10, 15, 20 and 25)", "V" },
    { "condition", 0, 0, G_OPTION_ARG_STRING_ARRAY, &condition_args,
      "Measure condition NAME only (repeat for more; default all)", "NAME" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "The first frame's seed (default 18013)", "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print the results as JSON", NULL },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Print each frame's conditions and reads on stderr", NULL },
    { "dump", 0, 0, G_OPTION_ARG_FILENAME, &dump, "Write every frame into DIR as vVV-CONDITION-NNN.png", "DIR" },
    { NULL }
  };

  g_string_append (summary,
                   "Reads simulated 1280×720 webcam frames of QR codes (level L, alphanumeric, filled\n"
                   "to capacity) with each decoder, and prints per decoder, QR version and condition\n"
                   "the share of frames read exactly and the mean time per frame.\n\nConditions:");
  for (guint i = 0; i < G_N_ELEMENTS (conditions); i++)
    g_string_append_printf (summary, "\n  %-14s %s", conditions[i].name, conditions[i].description);

  decoders_init ();
  context = g_option_context_new (NULL);
  g_option_context_set_summary (context, summary->str);
  g_option_context_add_main_entries (context, entries, NULL);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return bench_usage_error ("decoders ", error->message);
  if (argc > 1)
    return bench_usage_error ("decoders ", "no arguments besides options");
  if (frames < 1 || frames > 100000)
    return bench_usage_error ("decoders ", "--frames must be between 1 and 100000");
  if (seed < 0 || seed > G_MAXUINT32)
    return bench_usage_error ("decoders ", "--seed must be between 0 and 4294967295");

  for (guint i = 0; version_args != NULL && version_args[i] != NULL; i++)
    {
      guint64 number = 0;
      int version;

      if (!g_ascii_string_to_unsigned (version_args[i], 10, 1, 40, &number, NULL))
        return bench_usage_error ("decoders ", "--version must be between 1 and 40");
      version = (int) number;
      g_array_append_val (versions, version);
    }
  if (versions->len == 0)
    g_array_append_vals (versions, default_versions, G_N_ELEMENTS (default_versions));

  for (guint i = 0; condition_args != NULL && condition_args[i] != NULL; i++)
    {
      const Condition *condition = find_condition (condition_args[i]);
      g_autofree char *message = NULL;

      if (condition == NULL)
        {
          message = g_strdup_printf ("unknown condition “%s” (see --help)", condition_args[i]);
          return bench_usage_error ("decoders ", message);
        }
      g_array_append_val (chosen, condition);
    }
  if (chosen->len == 0)
    for (guint i = 0; i < G_N_ELEMENTS (conditions); i++)
      {
        const Condition *condition = &conditions[i];

        g_array_append_val (chosen, condition);
      }

  cells = g_new0 (Cell, n_decoders * versions->len * chosen->len);
  run = (Run) {
    .versions = versions,
    .conditions = chosen,
    .frames = frames,
    .seed = (guint32) seed,
    .dump = dump,
    .verbose = verbose,
    .cells = cells,
  };

  if (!measure (&run, &error))
    {
      g_printerr ("id-wallet-bench: %s\n", error->message);
      return BENCH_EXIT_FAILED;
    }

  if (json)
    print_json (&run);
  else
    print_table (&run);

  return BENCH_EXIT_OK;
}
