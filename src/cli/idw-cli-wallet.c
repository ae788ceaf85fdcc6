/* idw-cli-wallet.c: `id-wallet-cli import` and `id-wallet-cli list`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The holder's wallet (DESIGN §3.2, §5): credentials encrypted in the
 * store, private keys in the keyring and nowhere else.
 */
#include "config.h"

#include <stdio.h>

#include <glib/gi18n.h>

#include "idw-cli-common.h"
#include "idw-cli-commands.h"

/* Why the engine refused @path, in the words `import` always used. */
static int
import_refused (const char   *path,
                const GError *error)
{
  g_autofree char *message = idw_cli_escape (error->message);

  if (g_error_matches (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE))
    {
      idw_cli_printerr (_("“%s” is not an ID credential: ID Wallet imports .idwcred files and mdoc files."), path);
      return IDW_CLI_EXIT_FAILED;
    }
  if (g_error_matches (error, IDW_ERROR, IDW_ERROR_MALFORMED))
    {
      idw_cli_printerr (_("“%s” is a damaged credential and cannot be used (%s)."), path, message);
      return IDW_CLI_EXIT_FAILED;
    }
  if (g_error_matches (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE))
    {
      idw_cli_printerr (_("The issuer’s signature on “%s” is not valid: the credential was changed after it was issued, "
                          "or it is forged (%s)."), path, message);
      return IDW_CLI_EXIT_FAILED;
    }

  return idw_cli_report_error (error);
}

int
idw_cli_import (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *nickname = NULL;
  g_autofree char *raw_holder = NULL;
  g_autofree char *holder = NULL;
  g_autofree char *document = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(IdwCredential) credential = NULL;
  g_autoptr(IdwStore) store = NULL;
  g_autoptr(IdwStoreEntry) duplicate = NULL;
  g_autoptr(IdwStoreEntry) entry = NULL;
  g_autoptr(IdwKey) private_key = NULL;
  const char *path;
  gboolean had_private_key;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &nickname,
      N_("A name for the credential in the wallet"), N_("NAME") },
    { NULL }
  };

  context = g_option_context_new (_("FILE.idwcred"));
  g_option_context_set_summary (context,
                                _("Adds a credential to the wallet: a .idwcred file, a bare IssuerSigned or an mdoc (CBOR).\n"
                                  "The issuer’s signature is checked first. A private device key in the file goes into\n"
                                  "the keyring and nowhere else. Prints the credential’s ID in the wallet.\n"
                                  "Exit status: 0 imported, 1 refused (not a credential, damaged, signature invalid,\n"
                                  "already in the wallet), 2 usage, file or keyring error."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return idw_cli_usage_error (g_get_prgname (), "%s", error->message);

  if (argc < 2)
    return idw_cli_usage_error (g_get_prgname (), _("Missing the credential file."));
  if (argc > 2)
    return idw_cli_usage_error (g_get_prgname (), _("Unexpected argument “%s”."), argv[2]);
  path = argv[1];

  bytes = idw_cli_read_file (path, IDW_MAX_INPUT_FILE, &error);
  if (bytes == NULL)
    {
      idw_cli_printerr ("%s", error->message);
      return IDW_CLI_EXIT_USAGE;
    }

  /* The engine's import rules (idw-store-import.h); the words are ours. */
  credential = idw_store_import_check (bytes, &error);
  if (credential == NULL)
    return import_refused (path, error);

  store = idw_cli_open_store (&error);
  if (store == NULL)
    return idw_cli_report_error (error);

  had_private_key = idw_credential_get_private_key (credential) != NULL;

  /* A private key in the file goes into the keyring (and is taken back if
   * the store's file cannot be written); never to disk. */
  entry = idw_store_import_credential_sync (store, credential, nickname, &duplicate, NULL, &error);
  if (entry == NULL && duplicate != NULL)
    {
      idw_cli_printerr (_("This credential is already in the wallet, as %s."), idw_store_entry_get_id (duplicate));
      return IDW_CLI_EXIT_FAILED;
    }
  if (entry == NULL)
    return idw_cli_report_error (error);

  g_print ("%s\n", idw_store_entry_get_id (entry));
  if (fflush (stdout) != 0)
    return IDW_CLI_EXIT_USAGE;

  /* What the credential says about itself is printed escaped. */
  raw_holder = idw_credential_dup_holder_name (credential);
  holder = idw_cli_escape (raw_holder);
  document = idw_cli_escape (idw_credential_get_display_name (credential));
  /* Translators: "Imported <document type> of <holder>." */
  g_printerr (_("Imported %s of %s.\n"), document,
              holder != NULL ? holder : _("an unnamed holder"));

  if (had_private_key)
    {
      g_printerr (_("Its device key was moved into the keyring; you may delete “%s” now.\n"), path);
    }
  else
    {
      private_key = idw_keystore_find_private_key_sync (idw_credential_get_device_key (credential), NULL, &error);
      if (private_key != NULL)
        g_printerr (_("It is bound to a device key in the keyring, so it can be presented from here.\n"));
      else if (g_error_matches (error, IDW_ERROR, IDW_ERROR_NOT_FOUND))
        g_printerr (_("The keyring holds no device key for it: it cannot be presented from this device.\n"));
      else
        idw_cli_report_error (error);
    }

  return IDW_CLI_EXIT_OK;
}

static const char *
validity_label (IdwCredential *credential,
                GDateTime     *now)
{
  if (g_date_time_compare (now, idw_credential_get_valid_from (credential)) < 0)
    /* Translators: the state of a credential in `id-wallet-cli list` */
    return _("not yet valid");
  if (g_date_time_compare (now, idw_credential_get_valid_until (credential)) > 0)
    /* Translators: the state of a credential in `id-wallet-cli list` */
    return _("expired");
  /* Translators: the state of a credential in `id-wallet-cli list` */
  return _("valid");
}

int
idw_cli_list (int    argc,
              char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwStore) store = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GString) out = g_string_new (NULL);
  guint damaged = 0;

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Lists the credentials in the wallet, one a line, fields separated by tabs:\n"
                                  "ID, document type, holder name, validity (from/until, UTC dates) and its state\n"
                                  "(valid, expired, not yet valid; “test issuer” when so marked; “re-issue needed on\n"
                                  "this device” for one restored without its TPM-bound key).\n"
                                  "A file that cannot be read is listed as DAMAGED with the reason."));

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return idw_cli_usage_error (g_get_prgname (), "%s", error->message);
  if (argc > 1)
    return idw_cli_usage_error (g_get_prgname (), _("Unexpected argument “%s”."), argv[1]);

  store = idw_cli_open_store (&error);
  if (store == NULL)
    return idw_cli_report_error (error);

  entries = idw_store_list_sync (store, NULL, &error);
  if (entries == NULL)
    return idw_cli_report_error (error);

  for (guint i = 0; i < entries->len; i++)
    {
      IdwStoreEntry *entry = g_ptr_array_index (entries, i);
      IdwCredential *credential = idw_store_entry_get_credential (entry);
      g_autofree char *raw_holder = NULL;
      g_autofree char *holder = NULL;
      g_autofree char *doctype = NULL;
      g_autofree char *from = NULL;
      g_autofree char *until = NULL;

      if (idw_store_entry_is_damaged (entry) || credential == NULL)
        {
          const GError *reason = idw_store_entry_get_error (entry);
          g_autofree char *message = idw_cli_escape (reason != NULL ? reason->message : NULL);

          /* Translators: a damaged wallet file in `id-wallet-cli list`; keep DAMAGED in capitals */
          g_string_append_printf (out, "%s\t%s\t%s\n", idw_store_entry_get_id (entry), _("DAMAGED"),
                                  message != NULL ? message : _("The file cannot be read."));
          damaged++;
          continue;
        }

      /* Escaped: a tab or a newline in a name would make a field or a
       * line of its own. */
      raw_holder = idw_credential_dup_holder_name (credential);
      holder = idw_cli_escape (raw_holder);
      doctype = idw_cli_escape (idw_credential_get_doctype (credential));
      from = idw_cli_format_date (idw_credential_get_valid_from (credential));
      until = idw_cli_format_date (idw_credential_get_valid_until (credential));
      g_string_append_printf (out, "%s\t%s\t%s\t%s/%s\t%s%s%s%s%s\n",
                              idw_store_entry_get_id (entry),
                              doctype,
                              holder != NULL ? holder : "-",
                              from, until,
                              validity_label (credential, now),
                              idw_credential_is_test_issuer (credential) ? ", " : "",
                              /* Translators: marks a credential from a test issuer in `id-wallet-cli list` */
                              idw_credential_is_test_issuer (credential) ? _("test issuer") : "",
                              idw_store_entry_get_reissue_needed (entry) ? ", " : "",
                              /* Translators: marks a credential restored without its TPM-bound key in `id-wallet-cli list` */
                              idw_store_entry_get_reissue_needed (entry) ? _("re-issue needed on this device") : "");
    }

  /* Names and IDs are UTF-8 whatever the locale. */
  fputs (out->str, stdout);
  if (fflush (stdout) != 0)
    return IDW_CLI_EXIT_USAGE;

  if (entries->len == 0)
    g_printerr (_("The wallet is empty. Add a credential with “id-wallet-cli import FILE.idwcred”.\n"));
  else if (damaged > 0)
    g_printerr (g_dngettext (GETTEXT_PACKAGE,
                             "%u file is damaged and cannot be used.\n",
                             "%u files are damaged and cannot be used.\n", damaged),
                damaged);

  return IDW_CLI_EXIT_OK;
}
