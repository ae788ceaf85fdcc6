/* id-wallet-bench.c: the benchmarks' entry point: throughput and latency
 * figures (DESIGN §7, §9)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   id-wallet-bench verify [-n N] <the options and INPUT of id-wallet-cli verify>
 *   id-wallet-bench present [-n N] [--preset P] CRED.idwcred
 *   id-wallet-bench qr-decode [-n N] [TEXT-FILE]
 *   id-wallet-bench stream [-n RUNS] [--fps F] [--loss P] [--preset P] [--trust CERT] CRED.idwcred
 *   id-wallet-bench decoders [-n N] [--version V]... [--condition NAME]... [--json]
 *
 * Each prints its figures and, as its last line, "NAME: N per second".
 * Without -n a measurement runs for about two seconds. This is not a test:
 * nothing here asserts a timing. Developer output, not translated.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "bench-common.h"

/* ---- main ----------------------------------------------------------------- */

static void
print_usage (FILE *out)
{
  fprintf (out,
           "Usage:\n"
           "  id-wallet-bench verify [-n N] [--trust CERT]... [--at TIME] [--session-transcript FILE]\n"
           "                         [--reader-key FILE] [INPUT]\n"
           "  id-wallet-bench present [-n N] [--preset P] CRED.idwcred\n"
           "  id-wallet-bench device-keys [-n N] PERSON.json\n"
           "  id-wallet-bench qr-decode [-n N] [TEXT-FILE]\n"
           "  id-wallet-bench stream [-n RUNS] [--fps F] [--loss P] [--preset P] [--trust CERT] CRED.idwcred\n"
           "  id-wallet-bench decoders [-n N] [--version V]... [--condition NAME]... [--json]\n"
           "\n"
           "Each prints its figures and, last, \"NAME: N per second\" (device-keys: one\n"
           "line per kind of key). Without -n a measurement runs for about 2 seconds.\n");
}

int
main (int    argc,
      char **argv)
{
  static const struct
  {
    const char *name;
    int       (*run) (int argc, char **argv);
  } commands[] = {
    { "verify", bench_verify },
    { "present", bench_present },
    { "device-keys", bench_device_keys },
    { "qr-decode", bench_qr_decode },
    { "decoders", bench_decoders },
    { "stream", bench_stream },
  };

  /* tpm2-tss's own stderr lines: the bench reports in its own words. */
  idw_tpm_quiet_library_log ();

  setlocale (LC_ALL, "");
  g_set_prgname ("id-wallet-bench");

  if (argc < 2)
    {
      print_usage (stderr);
      return BENCH_EXIT_USAGE;
    }

  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      print_usage (stdout);
      return BENCH_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (strcmp (argv[1], commands[i].name) == 0)
        {
          g_autofree char *prgname = g_strdup_printf ("id-wallet-bench %s", argv[1]);

          g_set_prgname (prgname);
          return commands[i].run (argc - 1, argv + 1);
        }
    }

  g_printerr ("id-wallet-bench: unknown command “%s”\n", argv[1]);
  print_usage (stderr);
  return BENCH_EXIT_USAGE;
}
