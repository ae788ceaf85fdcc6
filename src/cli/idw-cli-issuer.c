/* idw-cli-issuer.c: `id-wallet-cli issuer init`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "idw-cli-common.h"
#include "idw-cli-commands.h"

#define DEFAULT_ISSUER_NAME "ID Wallet Issuer"
#define DEFAULT_COUNTRY     "ZZ"
/* What issuers in the field use, and what every verifier can check. */
#define DEFAULT_ALG         IDW_COSE_ALG_ES256

/* "ES256", "ES384" or "EdDSA", in any case. */
static gboolean
parse_alg (const char *name,
           IdwCoseAlg *out_alg)
{
  static const IdwCoseAlg algs[] = { IDW_COSE_ALG_ES256, IDW_COSE_ALG_ES384, IDW_COSE_ALG_EDDSA };

  for (guint i = 0; i < G_N_ELEMENTS (algs); i++)
    {
      if (g_ascii_strcasecmp (name, idw_key_alg_to_string (algs[i])) == 0)
        {
          *out_alg = algs[i];
          return TRUE;
        }
    }
  return FALSE;
}

static const char *
alg_description (IdwCoseAlg alg)
{
  switch (alg)
    {
    case IDW_COSE_ALG_ES384:
      return _("ES384: ECDSA on P-384 with SHA-384");
    case IDW_COSE_ALG_EDDSA:
      return _("EdDSA: Ed25519");
    case IDW_COSE_ALG_ES256:
    default:
      return _("ES256: ECDSA on P-256 with SHA-256");
    }
}

typedef struct
{
  const char *file;
  const char *contents;
  int         mode;
  const char *description;
} IssuerFile;

static int
issuer_init (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwIssuerFiles) files = NULL;
  g_autoptr(IdwCertificate) iaca = NULL;
  g_autofree char *out_dir = NULL;
  g_autofree char *name = NULL;
  g_autofree char *country = NULL;
  g_autofree char *iaca_fingerprint = NULL;
  g_autofree char *safe_name = NULL;
  g_autofree char *status_uri = NULL;
  g_autoptr(IdwIssuerStatus) status = NULL;
  g_autofree char *alg_name = NULL;
  IdwCoseAlg alg = DEFAULT_ALG;
  gboolean test = FALSE;
  const GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
      N_("Write iaca.pem, iaca.key, ds.pem and ds.key into DIR (created if needed)"), N_("DIR") },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name,
      N_("The issuing organisation (default: “ID Wallet Issuer”)"), N_("NAME") },
    { "country", 0, 0, G_OPTION_ARG_STRING, &country,
      N_("The issuer’s ISO 3166 country code (default: ZZ)"), N_("CC") },
    { "alg", 0, 0, G_OPTION_ARG_STRING, &alg_name,
      N_("The signature algorithm of both keys: ES256 (P-256, the default), ES384 (P-384) or EdDSA (Ed25519)"),
      N_("ALG") },
    { "test", 0, 0, G_OPTION_ARG_NONE, &test,
      N_("Mark the certificates as a test issuer (verifiers show “Test issuer — not a real ID”)"), NULL },
    { "status-uri", 0, 0, G_OPTION_ARG_STRING, &status_uri,
      N_("Keep a status list (status-list.cbor) so that credentials can be revoked; it is published at URL"),
      N_("URL") },
    { NULL }
  };
  const char *names[] = { "iaca.pem", "iaca.key", "ds.pem", "ds.key", IDW_ISSUER_STATUS_FILE };

  g_set_prgname ("id-wallet-cli issuer init");
  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Creates an IACA root certificate and a document signer (DS) certificate\n"
                                  "signed by it, with their private keys (files of mode 0600). Both keys use\n"
                                  "the algorithm of --alg: ES256 unless told otherwise."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return idw_cli_usage_error (g_get_prgname (), "%s", error->message);

  if (argc > 1)
    return idw_cli_usage_error (g_get_prgname (), _("Unexpected argument “%s”."), argv[1]);
  if (out_dir == NULL)
    return idw_cli_usage_error (g_get_prgname (), _("--out DIR is required."));
  if (alg_name != NULL && !parse_alg (alg_name, &alg))
    return idw_cli_usage_error (g_get_prgname (),
                                _("Unknown algorithm “%s”: use ES256, ES384 or EdDSA."), alg_name);

  if (status_uri != NULL && !idw_status_uri_is_valid (status_uri))
    return idw_cli_usage_error (g_get_prgname (), _("--status-uri: “%s” is not an http or https address."),
                                status_uri);

  if (country != NULL)
    {
      char *upper = g_ascii_strup (country, -1);

      g_free (country);
      country = upper;
    }

  /* Refuse before creating anything: overwriting an issuer key loses it. */
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (out_dir, names[i], NULL);

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        {
          idw_cli_printerr (_("“%s” already exists; not overwriting an issuer. Choose another folder."), path);
          return IDW_CLI_EXIT_USAGE;
        }
    }

  files = idw_x509_create_issuer (name != NULL ? name : DEFAULT_ISSUER_NAME,
                                  country != NULL ? country : DEFAULT_COUNTRY,
                                  alg, test, NULL, &error);
  if (files == NULL)
    return idw_cli_report_error (error);

  if (g_mkdir_with_parents (out_dir, 0700) != 0)
    {
      int saved_errno = errno;

      idw_cli_printerr (_("Cannot create the folder “%s”: %s"), out_dir, g_strerror (saved_errno));
      return IDW_CLI_EXIT_USAGE;
    }

  {
    const IssuerFile outputs[] = {
      { "iaca.pem", files->iaca_pem, 0644, N_("IACA root certificate: give it to verifiers as a trust anchor") },
      { "iaca.key", files->iaca_key_pem, 0600, N_("IACA private key: keep it offline") },
      { "ds.pem", files->ds_pem, 0644, N_("document signer certificate") },
      { "ds.key", files->ds_key_pem, 0600, N_("document signer private key: used by “issue”") },
    };

    for (guint i = 0; i < G_N_ELEMENTS (outputs); i++)
      {
        g_autofree char *path = g_build_filename (out_dir, outputs[i].file, NULL);

        if (!idw_cli_write_file (path, outputs[i].contents, strlen (outputs[i].contents),
                                 outputs[i].mode, FALSE, &error))
          return idw_cli_report_error (error);
      }

    if (status_uri != NULL)
      {
        status = idw_issuer_status_create (out_dir, status_uri, &error);
        if (status == NULL)
          return idw_cli_report_error (error);
      }

    iaca = idw_certificate_new_from_data ((const guint8 *) files->iaca_pem,
                                          strlen (files->iaca_pem), NULL);
    if (iaca != NULL)
      iaca_fingerprint = idw_certificate_get_fingerprint (iaca);

    /* The name may hold bidirectional controls (only C0/C1 are refused). */
    safe_name = idw_cli_escape (name != NULL ? name : DEFAULT_ISSUER_NAME);
    g_print (_("Created the issuer “%s” (%s)%s in %s:\n"),
             safe_name,
             country != NULL ? country : DEFAULT_COUNTRY,
             test ? _(", a test issuer,") : "",
             out_dir);
    for (guint i = 0; i < G_N_ELEMENTS (outputs); i++)
      g_print ("  %-9s %s\n", outputs[i].file, _(outputs[i].description));
    if (status != NULL)
      g_print (_("  %s status list of the credentials, to publish at %s\n"), IDW_ISSUER_STATUS_FILE,
               idw_issuer_status_get_uri (status));
    g_print (_("Signature algorithm: %s\n"), alg_description (alg));
    if (iaca_fingerprint != NULL)
      g_print (_("IACA SHA-256 fingerprint: %s\n"), iaca_fingerprint);
  }

  return IDW_CLI_EXIT_OK;
}

int
idw_cli_issuer (int    argc,
                char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "init") == 0)
    return issuer_init (argc - 1, argv + 1);

  if (argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      g_print (_("Usage:\n  id-wallet-cli issuer init --out DIR [--name NAME] [--country CC] [--alg ALG] [--test]\n"
                 "                            [--status-uri URL]\n\n"
                 "Run “id-wallet-cli issuer init --help” for details.\n"));
      return IDW_CLI_EXIT_OK;
    }

  if (argc < 2)
    return idw_cli_usage_error (g_get_prgname (), _("Missing subcommand: use “issuer init”."));

  return idw_cli_usage_error (g_get_prgname (), _("Unknown subcommand “%s”: use “issuer init”."), argv[1]);
}
