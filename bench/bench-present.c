/* bench-present.c: `id-wallet-bench present`: a fresh in-person
 * presentation, signed and encoded, then its QR matrix
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "bench-common.h"

typedef struct
{
  IdwCredential *credential;
  GStrv          paths;
  char          *text;
} PresentBench;

static void
present_sign_encode (gpointer user_data)
{
  PresentBench *bench = user_data;
  g_autofree char *text = idw_present_text_for_qr (bench->credential, NULL,
                                                   (const char * const *) bench->paths,
                                                   NULL, NULL, NULL, NULL);

  g_assert (text != NULL);
}

static void
present_matrix (gpointer user_data)
{
  PresentBench *bench = user_data;
  g_autoptr(IdwQrMatrix) matrix = idw_qr_encode (bench->text, NULL);

  g_assert (matrix != NULL);
}

static void
present_all (gpointer user_data)
{
  PresentBench *bench = user_data;
  g_autofree char *text = idw_present_text_for_qr (bench->credential, NULL,
                                                   (const char * const *) bench->paths,
                                                   NULL, NULL, NULL, NULL);
  g_autoptr(IdwQrMatrix) matrix = idw_qr_encode (text, NULL);

  g_assert (matrix != NULL);
}

int
bench_present (int    argc,
               char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCredential) credential = NULL;
  g_autoptr(IdwQrMatrix) matrix = NULL;
  g_autofree char *preset_name = NULL;
  g_autofree char *list = NULL;
  g_autofree char *safe_list = NULL;
  g_autofree char *doctype = NULL;
  g_auto(GStrv) paths = NULL;
  PresentBench bench = { 0 };
  gboolean portrait_dropped = FALSE;
  gint64 n = 0;
  IdwPreset preset = IDW_PRESET_FULL;
  BenchTiming sign;
  BenchTiming qr;
  BenchTiming all;
  const GOptionEntry entries[] = {
    { "iterations", 'n', 0, G_OPTION_ARG_INT64, &n,
      "Present N times (default: as many as fit in about 2 seconds)", "N" },
    { "preset", 'p', 0, G_OPTION_ARG_STRING, &preset_name,
      "Disclose full (default), name-photo or age-over-18", "PRESET" },
    { NULL }
  };

  context = g_option_context_new ("CRED.idwcred");
  g_option_context_set_summary (context,
                                "Times a fresh in-person presentation: device signature, CBOR, zlib and Base45\n"
                                "(“sign + encode”), then the QR matrix. The credential must hold its device key.");
  g_option_context_add_main_entries (context, entries, NULL);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return bench_usage_error ("present ", error->message);
  if (argc != 2)
    return bench_usage_error ("present ", "give one credential file");
  if (n < 0)
    return bench_usage_error ("present ", "-n must be positive");
  if (preset_name != NULL && !idw_preset_from_string (preset_name, &preset))
    return bench_usage_error ("present ", "unknown preset");

  credential = idw_credential_new_from_file (argv[1], &error);
  if (credential == NULL)
    {
      g_printerr ("id-wallet-bench: %s: %s\n", argv[1], error->message);
      return BENCH_EXIT_USAGE;
    }
  if (idw_credential_get_private_key (credential) == NULL)
    {
      g_printerr ("id-wallet-bench: %s holds no device private key\n", argv[1]);
      return BENCH_EXIT_USAGE;
    }

  paths = idw_credential_get_preset_paths (credential, preset);
  bench.credential = credential;
  bench.paths = paths;
  bench.text = idw_present_text_for_qr (credential, NULL, (const char * const *) paths,
                                        NULL, NULL, &portrait_dropped, &error);
  if (bench.text == NULL)
    {
      g_printerr ("id-wallet-bench: %s\n", error->message);
      return BENCH_EXIT_FAILED;
    }
  matrix = idw_qr_encode (bench.text, &error);
  if (matrix == NULL)
    {
      g_printerr ("id-wallet-bench: %s\n", error->message);
      g_free (bench.text);
      return BENCH_EXIT_FAILED;
    }

  list = g_strjoinv (", ", paths);
  safe_list = idw_text_escape (list);
  doctype = idw_text_escape (idw_credential_get_doctype (credential));
  g_print ("credential: %s, %s: %s\n", doctype, idw_preset_to_string (preset), safe_list);
  g_print ("presentation: %zu characters%s, QR version %d level %c (%d modules)\n",
           strlen (bench.text), portrait_dropped ? " (portrait left out to fit)" : "",
           matrix->version, matrix->level, matrix->size);

  sign = bench_measure (present_sign_encode, &bench, n, BENCH_TARGET_SECONDS / 2);
  qr = bench_measure (present_matrix, &bench, n, BENCH_TARGET_SECONDS / 2);
  all = bench_measure (present_all, &bench, n, BENCH_TARGET_SECONDS);

  g_print ("sign + encode:             %8.1f µs\n", bench_timing_us (&sign));
  g_print ("QR matrix:                 %8.1f µs\n", bench_timing_us (&qr));
  g_print ("sign + encode + QR matrix: %8.1f µs (%" G_GINT64_FORMAT " in %.2f s; target < 10 ms)\n",
           bench_timing_us (&all), all.iterations, all.seconds);
  g_print ("present: %.0f per second\n", bench_timing_per_second (&all));

  g_free (bench.text);
  return BENCH_EXIT_OK;
}
