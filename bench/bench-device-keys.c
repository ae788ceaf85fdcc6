/* bench-device-keys.c: `id-wallet-bench device-keys`: a presentation's
 * time with each kind of device key the wallet can hold
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One credential per key, issued here from PERSON.json by a P-256 issuer
 * made for the run: an Ed25519 and a P-256 key in software (as the keyring
 * keeps them), and a P-256 key in the TPM ($IDW_TPM_TCTI, else the
 * system's), each timed presenting "age over 18" (device signature, CBOR,
 * zlib, Base45). Without a usable TPM its line says why.
 */
#include "config.h"

#include <string.h>

#include "bench-common.h"

typedef struct
{
  IdwCredential *credential;
  IdwKey        *device_key;
  GStrv          paths;
} KeyBench;

static void
present_with_key (gpointer user_data)
{
  KeyBench *bench = user_data;
  g_autofree char *text = idw_present_text_for_qr (bench->credential, bench->device_key,
                                                   (const char * const *) bench->paths,
                                                   NULL, NULL, NULL, NULL);

  g_assert (text != NULL);
}

/* Issues a credential to @device_key and times presenting it; prints one
 * line, and returns the presentations per second (0 on failure). */
static double
time_key (const char     *label,
          IdwKey         *device_key,
          JsonObject     *data,
          const char     *base_dir,
          IdwKey         *ds_key,
          IdwCertificate *ds,
          gint64          n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCredential) credential = NULL;
  g_auto(GStrv) paths = NULL;
  KeyBench bench = { 0 };
  BenchTiming timing;

  credential = idw_issue_credential (data, base_dir, device_key, ds_key, ds, NULL, &error);
  if (credential == NULL)
    {
      g_printerr ("id-wallet-bench: %s\n", error->message);
      return 0;
    }
  paths = idw_credential_get_preset_paths (credential, IDW_PRESET_AGE_OVER_18);
  bench.credential = credential;
  bench.device_key = device_key;
  bench.paths = paths;

  timing = bench_measure (present_with_key, &bench, n, BENCH_TARGET_SECONDS / 3);
  g_print ("%-34s %9.2f ms (%" G_GINT64_FORMAT " in %.2f s)\n", label, bench_timing_us (&timing) / 1000.0,
           timing.iterations, timing.seconds);
  return bench_timing_per_second (&timing);
}

int
bench_device_keys (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwIssuerFiles) issuer = NULL;
  g_autoptr(IdwKey) ds_key = NULL;
  g_autoptr(IdwCertificate) ds = NULL;
  g_autoptr(JsonObject) data = NULL;
  g_autoptr(IdwKey) ed25519 = NULL;
  g_autoptr(IdwKey) p256 = NULL;
  g_autoptr(IdwKey) tpm = NULL;
  g_autofree char *base_dir = NULL;
  gint64 n = 0;
  const GOptionEntry entries[] = {
    { "iterations", 'n', 0, G_OPTION_ARG_INT64, &n,
      "Present N times with each key (default: as many as fit in a few seconds)", "N" },
    { NULL }
  };

  context = g_option_context_new ("PERSON.json");
  g_option_context_set_summary (context,
                                "Times presenting \"age over 18\" with each kind of device key: Ed25519 and\n"
                                "P-256 in software (as the keyring keeps them) and P-256 in the TPM\n"
                                "($IDW_TPM_TCTI, else the system's). A software TPM (swtpm) is no measure of a\n"
                                "real one: a TPM chip typically takes tens of milliseconds per signature.");
  g_option_context_add_main_entries (context, entries, NULL);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return bench_usage_error ("device-keys ", error->message);
  if (argc != 2)
    return bench_usage_error ("device-keys ", "give one PERSON.json (as for id-wallet-cli issue --data)");
  if (n < 0)
    return bench_usage_error ("device-keys ", "-n must be positive");

  data = idw_issue_load_data (argv[1], &base_dir, &error);
  if (data == NULL)
    {
      g_printerr ("id-wallet-bench: %s: %s\n", argv[1], error->message);
      return BENCH_EXIT_USAGE;
    }
  issuer = idw_x509_create_issuer ("Bench Issuer", "ZZ", IDW_COSE_ALG_ES256, TRUE, NULL, &error);
  if (issuer != NULL)
    ds_key = idw_key_new_from_pem (issuer->ds_key_pem, strlen (issuer->ds_key_pem), &error);
  if (ds_key != NULL)
    ds = idw_certificate_new_from_data ((const guint8 *) issuer->ds_pem, strlen (issuer->ds_pem), &error);
  if (ds == NULL)
    {
      g_printerr ("id-wallet-bench: %s\n", error->message);
      return BENCH_EXIT_FAILED;
    }

  ed25519 = idw_key_generate_ed25519 ();
  p256 = idw_key_generate_p256 ();
  if (time_key ("Ed25519, software (keyring):", ed25519, data, base_dir, ds_key, ds, n) == 0)
    return BENCH_EXIT_FAILED;
  if (time_key ("P-256, software (keyring):", p256, data, base_dir, ds_key, ds, n) == 0)
    return BENCH_EXIT_FAILED;

  tpm = idw_tpm_create_key (NULL, &error);
  if (tpm == NULL)
    g_print ("%-34s not measured: %s\n", "P-256 in the TPM:", error->message);
  else if (time_key (g_getenv ("IDW_TPM_TCTI") != NULL ? "P-256 in the TPM (IDW_TPM_TCTI):" : "P-256 in the TPM:",
                     tpm, data, base_dir, ds_key, ds, n) == 0)
    return BENCH_EXIT_FAILED;

  return BENCH_EXIT_OK;
}
