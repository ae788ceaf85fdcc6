/* idw-cli-trust.c: `id-wallet-cli trust add|list|remove`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The verifier's trusted issuers (DESIGN §3.4, §5), the same store as the
 * app's Preferences: $XDG_DATA_HOME/id-wallet/trust/.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "idw-cli-common.h"
#include "idw-cli-commands.h"

/* "Subject (test issuer), valid 2025-01-01 to 2030-01-01", the subject
 * escaped: it is whatever the certificate says. */
static char *
describe (IdwCertificate *cert)
{
  g_autofree char *raw_subject = idw_certificate_get_subject (cert);
  g_autofree char *subject = idw_cli_escape (raw_subject);
  g_autoptr(GDateTime) not_before = idw_certificate_get_not_before (cert);
  g_autoptr(GDateTime) not_after = idw_certificate_get_not_after (cert);
  g_autofree char *from = idw_cli_format_date (not_before);
  g_autofree char *until = idw_cli_format_date (not_after);

  /* Translators: a certificate: "<subject>, valid <date> to <date>" and,
   * for a test issuer, " (test issuer)" */
  return g_strdup_printf (_("%s, valid %s to %s%s"), subject, from, until,
                          idw_certificate_is_test_issuer (cert) ? _(" (test issuer)") : "");
}

static int
trust_add (IdwTrustStore *store,
           int            argc,
           char         **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) certs = NULL;

  if (argc < 2)
    return idw_cli_usage_error (g_get_prgname (), _("Missing the certificate file (PEM or DER)."));
  if (argc > 2)
    return idw_cli_usage_error (g_get_prgname (), _("Unexpected argument “%s”."), argv[2]);

  certs = idw_cli_load_certificates (argv[1], &error);
  if (certs == NULL)
    return idw_cli_report_error (error);

  for (guint i = 0; i < certs->len; i++)
    {
      IdwCertificate *cert = g_ptr_array_index (certs, i);
      g_autofree char *fingerprint = idw_certificate_get_fingerprint (cert);
      g_autofree char *description = describe (cert);
      gboolean added = FALSE;

      if (!idw_trust_store_add (store, cert, &added, &error))
        return idw_cli_report_error (error);

      if (added)
        /* Translators: %s is a fingerprint, then a certificate description */
        g_print (_("Trusted %s: %s\n"), fingerprint, description);
      else
        /* Translators: %s is a fingerprint, then a certificate description */
        g_print (_("Already trusted %s: %s\n"), fingerprint, description);
    }

  return fflush (stdout) == 0 ? IDW_CLI_EXIT_OK : IDW_CLI_EXIT_USAGE;
}

static int
trust_list (IdwTrustStore *store,
            int            argc,
            char         **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) certs = NULL;
  g_auto(GStrv) damaged = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  if (argc > 1)
    return idw_cli_usage_error (g_get_prgname (), _("Unexpected argument “%s”."), argv[1]);

  certs = idw_trust_store_list (store, &damaged, &error);
  if (certs == NULL)
    return idw_cli_report_error (error);

  for (guint i = 0; i < certs->len; i++)
    {
      IdwCertificate *cert = g_ptr_array_index (certs, i);
      g_autofree char *fingerprint = idw_certificate_get_fingerprint (cert);
      g_autofree char *description = describe (cert);

      g_string_append_printf (out, "%s  %s\n", fingerprint, description);
    }

  fputs (out->str, stdout);
  if (fflush (stdout) != 0)
    return IDW_CLI_EXIT_USAGE;

  for (guint i = 0; damaged != NULL && damaged[i] != NULL; i++)
    {
      g_autofree char *name = idw_cli_escape (damaged[i]);

      idw_cli_printerr (_("“%s” is not a certificate; it is ignored."), name);
    }
  if (certs->len == 0)
    g_printerr (_("No issuer is trusted yet. Add one with “id-wallet-cli trust add CERT”.\n"));

  return IDW_CLI_EXIT_OK;
}

static int
trust_remove (IdwTrustStore *store,
              int            argc,
              char         **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCertificate) cert = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *description = NULL;

  if (argc < 2)
    return idw_cli_usage_error (g_get_prgname (), _("Missing the fingerprint (see “id-wallet-cli trust list”)."));
  if (argc > 2)
    return idw_cli_usage_error (g_get_prgname (), _("Unexpected argument “%s”."), argv[2]);

  cert = idw_trust_store_lookup (store, argv[1], &error);
  if (cert == NULL || !idw_trust_store_remove (store, argv[1], &error))
    {
      /* A fingerprint that matches nothing, or several, is the argument's
       * fault, like a missing file. */
      idw_cli_printerr ("%s", error->message);
      return IDW_CLI_EXIT_USAGE;
    }

  fingerprint = idw_certificate_get_fingerprint (cert);
  description = describe (cert);
  /* Translators: %s is a fingerprint, then a certificate description */
  g_print (_("No longer trusted %s: %s\n"), fingerprint, description);

  return fflush (stdout) == 0 ? IDW_CLI_EXIT_OK : IDW_CLI_EXIT_USAGE;
}

static void
print_usage (FILE *out)
{
  g_autofree char *text = g_strdup_printf (_("Usage:\n"
                                             "  %s add CERT            trust an issuer certificate (IACA root or DS, PEM or DER)\n"
                                             "  %s list                the trusted certificates: fingerprint, subject, validity\n"
                                             "  %s remove FINGERPRINT  stop trusting one (a unique prefix of 8 or more hex digits will do)\n"
                                             "\n"
                                             "The store is %s; “id-wallet-cli verify” uses it\n"
                                             "when no --trust is given, and so does the app.\n"),
                                           g_get_prgname (), g_get_prgname (), g_get_prgname (),
                                           "$XDG_DATA_HOME/id-wallet/trust");

  if (out == stdout)
    g_print ("%s", text);
  else
    g_printerr ("%s", text);
}

int
idw_cli_trust (int    argc,
               char **argv)
{
  g_autoptr(IdwTrustStore) store = NULL;
  const char *sub;
  int status;

  if (argc < 2)
    {
      print_usage (stderr);
      return IDW_CLI_EXIT_USAGE;
    }

  sub = argv[1];
  if (strcmp (sub, "--help") == 0 || strcmp (sub, "-h") == 0 || strcmp (sub, "help") == 0)
    {
      print_usage (stdout);
      return IDW_CLI_EXIT_OK;
    }

  for (int i = 2; i < argc; i++)
    {
      if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0)
        {
          print_usage (stdout);
          return IDW_CLI_EXIT_OK;
        }
      if (argv[i][0] == '-' && argv[i][1] != '\0')
        return idw_cli_usage_error (g_get_prgname (), _("Unknown option “%s”."), argv[i]);
    }

  store = idw_trust_store_new (NULL);

  if (strcmp (sub, "add") == 0)
    status = trust_add (store, argc - 1, argv + 1);
  else if (strcmp (sub, "list") == 0)
    status = trust_list (store, argc - 1, argv + 1);
  else if (strcmp (sub, "remove") == 0)
    status = trust_remove (store, argc - 1, argv + 1);
  else
    status = idw_cli_usage_error (g_get_prgname (), _("Unknown trust command “%s”: use add, list or remove."), sub);

  return status;
}
