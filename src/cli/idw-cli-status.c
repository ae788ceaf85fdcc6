/* idw-cli-status.c: `id-wallet-cli status set | publish`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The issuer's side of the Token Status List: the list kept in the issuer
 * folder (status-list.cbor, made by `issuer init --status-uri`), changed
 * by `status set` and signed for publishing by `status publish`.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gi18n.h>
#include <sodium.h>

#include "idw-cli-common.h"
#include "idw-cli-commands.h"

#define DEFAULT_TTL          43200  /* seconds: verifiers fetch twice a day */
#define DEFAULT_VALIDITY     7      /* days */
#define MAX_VALIDITY         366    /* days */

static gboolean
parse_status (const char *text,
              guint      *out_status)
{
  if (g_str_equal (text, "valid"))
    *out_status = IDW_TOKEN_STATUS_VALID;
  else if (g_str_equal (text, "revoked") || g_str_equal (text, "invalid"))
    *out_status = IDW_TOKEN_STATUS_INVALID;
  else if (g_str_equal (text, "suspended"))
    *out_status = IDW_TOKEN_STATUS_SUSPENDED;
  else
    return FALSE;
  return TRUE;
}

static const char *
describe_status (guint status)
{
  switch (status)
    {
    case IDW_TOKEN_STATUS_VALID:
      return _("valid");
    case IDW_TOKEN_STATUS_INVALID:
      return _("revoked");
    case IDW_TOKEN_STATUS_SUSPENDED:
      return _("suspended");
    default:
      return "?";
    }
}

static int
status_set (int    argc,
            char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwIssuerStatus) status = NULL;
  g_autofree char *issuer_dir = NULL;
  g_autofree char *index_text = NULL;
  g_autofree char *credential_file = NULL;
  guint64 index = 0;
  guint value;
  const GOptionEntry entries[] = {
    { "issuer", 0, 0, G_OPTION_ARG_FILENAME, &issuer_dir,
      N_("The issuer folder (made with “issuer init --status-uri”)"), N_("DIR") },
    { "index", 0, 0, G_OPTION_ARG_STRING, &index_text,
      N_("The credential’s entry in the status list"), N_("N") },
    { "credential", 0, 0, G_OPTION_ARG_FILENAME, &credential_file,
      N_("The credential file, whose entry is read from it"), N_("FILE") },
    { NULL }
  };

  g_set_prgname ("id-wallet-cli status set");
  context = g_option_context_new (_("valid|revoked|suspended"));
  g_option_context_set_summary (context,
                                _("Sets a credential’s status in the issuer’s status list. Verifiers learn of it\n"
                                  "when the list is published again (“status publish”)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return idw_cli_usage_error (g_get_prgname (), "%s", error->message);
  if (issuer_dir == NULL)
    return idw_cli_usage_error (g_get_prgname (), _("--issuer DIR is required."));
  if ((index_text != NULL) == (credential_file != NULL))
    return idw_cli_usage_error (g_get_prgname (), _("Give exactly one of --index N and --credential FILE."));
  if (argc != 2)
    return idw_cli_usage_error (g_get_prgname (), _("Give one status: valid, revoked or suspended."));
  if (!parse_status (argv[1], &value))
    return idw_cli_usage_error (g_get_prgname (),
                                _("Unknown status “%s”: use valid, revoked or suspended."), argv[1]);

  status = idw_issuer_status_open (issuer_dir, &error);
  if (status == NULL)
    return idw_cli_report_error (error);

  if (index_text != NULL)
    {
      if (!g_ascii_string_to_unsigned (index_text, 10, 0, G_MAXUINT64, &index, NULL))
        return idw_cli_usage_error (g_get_prgname (), _("--index: “%s” is not a number."), index_text);
    }
  else
    {
      g_autoptr(IdwCredential) credential = idw_credential_new_from_file (credential_file, &error);
      IdwMso *mso;

      if (credential == NULL)
        return idw_cli_report_error (error);
      mso = idw_credential_get_mso (credential);
      if (mso == NULL || mso->status_uri == NULL)
        {
          idw_cli_printerr (_("“%s” refers to no status list: it cannot be revoked."), credential_file);
          return IDW_CLI_EXIT_USAGE;
        }
      if (!g_str_equal (mso->status_uri, idw_issuer_status_get_uri (status)))
        {
          g_autofree char *uri = idw_cli_escape (mso->status_uri);

          idw_cli_printerr (_("“%s” refers to the status list at %s, not this issuer’s."), credential_file, uri);
          return IDW_CLI_EXIT_USAGE;
        }
      index = mso->status_index;
    }

  if (!idw_issuer_status_set (status, index, value, &error) || !idw_issuer_status_save (status, &error))
    return idw_cli_report_error (error);
  g_print (_("Status list entry %llu is now %s. Publish the list again with “status publish”.\n"),
           (unsigned long long) index, describe_status (value));
  return IDW_CLI_EXIT_OK;
}

static int
status_publish (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwIssuerStatus) status = NULL;
  g_autoptr(IdwCertificate) ds_cert = NULL;
  g_autoptr(IdwKey) ds_key = NULL;
  g_autoptr(GBytes) ds_key_pem = NULL;
  g_autoptr(GBytes) token = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) expires = NULL;
  g_autoptr(GDateTime) ds_end = NULL;
  g_autofree char *issuer_dir = NULL;
  g_autofree char *out_file = NULL;
  g_autofree char *ds_cert_path = NULL;
  g_autofree char *ds_key_path = NULL;
  g_autofree char *expires_text = NULL;
  gint64 ttl = DEFAULT_TTL;
  int validity = DEFAULT_VALIDITY;
  const GOptionEntry entries[] = {
    { "issuer", 0, 0, G_OPTION_ARG_FILENAME, &issuer_dir,
      N_("The issuer folder (made with “issuer init --status-uri”)"), N_("DIR") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_file,
      N_("Write the signed list (a CWT) to FILE, replacing it"), N_("FILE") },
    { "ttl", 0, 0, G_OPTION_ARG_INT64, &ttl,
      N_("How long verifiers may use the list before fetching it again (default: 43200)"), N_("SECONDS") },
    { "validity", 0, 0, G_OPTION_ARG_INT, &validity,
      N_("How long the list is valid: verifiers keep using it offline until then (default: 7)"), N_("DAYS") },
    { NULL }
  };

  g_set_prgname ("id-wallet-cli status publish");
  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Signs the issuer’s status list with its document signer key as a Status List\n"
                                  "Token (CWT, application/statuslist+cwt), to serve at the list’s address."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return idw_cli_usage_error (g_get_prgname (), "%s", error->message);
  if (argc > 1)
    return idw_cli_usage_error (g_get_prgname (), _("Unexpected argument “%s”."), argv[1]);
  if (issuer_dir == NULL)
    return idw_cli_usage_error (g_get_prgname (), _("--issuer DIR is required."));
  if (out_file == NULL)
    return idw_cli_usage_error (g_get_prgname (), _("--out FILE is required."));
  if (ttl < 0)
    return idw_cli_usage_error (g_get_prgname (), _("--ttl must not be negative."));
  if (validity < 1 || validity > MAX_VALIDITY)
    return idw_cli_usage_error (g_get_prgname (), _("--validity must be between 1 and %d days."), MAX_VALIDITY);

  status = idw_issuer_status_open (issuer_dir, &error);
  if (status == NULL)
    return idw_cli_report_error (error);

  ds_cert_path = g_build_filename (issuer_dir, "ds.pem", NULL);
  ds_key_path = g_build_filename (issuer_dir, "ds.key", NULL);
  ds_cert = idw_certificate_new_from_file (ds_cert_path, &error);
  if (ds_cert == NULL)
    return idw_cli_report_error (error);
  ds_key_pem = idw_cli_read_file (ds_key_path, 64 * 1024, &error);
  if (ds_key_pem == NULL)
    return idw_cli_report_error (error);
  ds_key = idw_key_new_from_pem (g_bytes_get_data (ds_key_pem, NULL), g_bytes_get_size (ds_key_pem), &error);
  /* The PEM text of a private key does not stay in freed memory. */
  sodium_memzero ((void *) g_bytes_get_data (ds_key_pem, NULL), g_bytes_get_size (ds_key_pem));
  if (ds_key == NULL)
    {
      idw_cli_printerr ("%s: %s", ds_key_path, error->message);
      return IDW_CLI_EXIT_USAGE;
    }

  now = g_date_time_new_from_unix_utc (g_get_real_time () / G_USEC_PER_SEC);
  expires = g_date_time_add_days (now, validity);
  /* A list outliving its signer would be refused from then on. */
  ds_end = idw_certificate_get_not_after (ds_cert);
  if (g_date_time_compare (expires, ds_end) > 0)
    {
      g_date_time_unref (expires);
      expires = g_date_time_ref (ds_end);
    }

  token = idw_status_token_sign (idw_issuer_status_get_list (status), idw_issuer_status_get_uri (status),
                                 now, expires, (guint64) ttl, ds_key, ds_cert, &error);
  if (token == NULL)
    return idw_cli_report_error (error);
  if (!idw_cli_write_file (out_file, g_bytes_get_data (token, NULL), g_bytes_get_size (token), 0644, TRUE,
                           &error))
    return idw_cli_report_error (error);

  expires_text = g_date_time_format_iso8601 (expires);
  g_print (_("Wrote the status list of %llu credentials, valid until %s: %s\nServe it at %s as application/statuslist+cwt.\n"),
           (unsigned long long) idw_issuer_status_get_next (status), expires_text, out_file,
           idw_issuer_status_get_uri (status));
  return IDW_CLI_EXIT_OK;
}

int
idw_cli_status (int    argc,
                char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "set") == 0)
    return status_set (argc - 1, argv + 1);
  if (argc >= 2 && strcmp (argv[1], "publish") == 0)
    return status_publish (argc - 1, argv + 1);

  if (argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      g_print (_("Usage:\n"
                 "  id-wallet-cli status set --issuer DIR (--index N | --credential FILE) valid|revoked|suspended\n"
                 "  id-wallet-cli status publish --issuer DIR --out FILE [--ttl SECONDS] [--validity DAYS]\n"));
      return IDW_CLI_EXIT_OK;
    }
  if (argc < 2)
    return idw_cli_usage_error (g_get_prgname (), _("Missing subcommand: use “status set” or “status publish”."));
  return idw_cli_usage_error (g_get_prgname (), _("Unknown subcommand “%s”: use “status set” or “status publish”."),
                              argv[1]);
}
