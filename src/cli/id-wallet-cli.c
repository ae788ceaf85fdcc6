/* id-wallet-cli: issuer tools, the wallet, presenting and verifying for scripts and tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <glib/gi18n.h>

#include "idw-cli-common.h"
#include "idw-cli-commands.h"

typedef struct
{
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *synopsis;
  const char *summary;
} Command;

static const Command commands[] = {
  { "issuer", idw_cli_issuer,
    "issuer init --out DIR [--name NAME] [--country CC] [--alg ALG] [--test] [--status-uri URL]",
    N_("Create an issuer: an IACA root and a document signer certificate with their keys") },
  { "request", idw_cli_request,
    "request --out FILE [--name NAME]",
    N_("Create a device key in the keyring and a credential request for an issuer") },
  { "issue", idw_cli_issue,
    "issue --issuer DIR --data PERSON.json (--request FILE | --device-key FILE | --new-device-key) --out FILE.idwcred",
    N_("Issue a credential file from the holder’s data") },
  { "import", idw_cli_import,
    "import [--name NAME] FILE.idwcred",
    N_("Add a credential to the wallet (keyring and encrypted store); prints its ID") },
  { "list", idw_cli_list,
    "list",
    N_("List the credentials in the wallet: ID, document type, holder, validity") },
  { "present", idw_cli_present,
    "present (ID | FILE.idwcred) [--elements NS/ELEM,…] [--preset P] [--nonce-request TEXT] [--text | --png FILE] [--no-history]",
    N_("Present a credential as IDW1 text or as a QR code image") },
  { "history", idw_cli_history,
    "history [--json] [--credential ID] | history delete ENTRY-ID | history clear",
    N_("Show what the wallet shared, with whom and how; delete entries or clear it") },
  { "status", idw_cli_status,
    "status set --issuer DIR (--index N | --credential FILE) valid|revoked|suspended | publish --issuer DIR --out FILE [--ttl SECONDS] [--validity DAYS]",
    N_("Revoke, suspend or reinstate credentials, and publish the issuer’s signed status list") },
  { "verify", idw_cli_verify,
    "verify [--trust CERT]… [--at TIME] [--session-transcript FILE] [--reader-key FILE] [--offline] [--json] [--log] [INPUT]",
    N_("Verify a presentation: IDW1 text, a QR code image or a DeviceResponse") },
  { "verifier-log", idw_cli_verifier_log,
    "verifier-log [--csv] | verifier-log clear",
    N_("Show the verifier’s log of verdicts (no shared values), export it as CSV, or clear it") },
  { "trust", idw_cli_trust,
    "trust add CERT | list [--json] | remove FINGERPRINT | import-vical FILE --anchor CERT… | lists | remove-list PROVIDER",
    N_("Manage the issuers the verifier trusts") },
  { "backup", idw_cli_backup,
    "backup --out FILE [--passphrase-file F]",
    N_("Back up the wallet into one file encrypted with a passphrase") },
  { "restore", idw_cli_restore,
    "restore FILE [--passphrase-file F]",
    N_("Restore a backup into the wallet, all or nothing") },
  { "ask", idw_cli_ask,
    "ask [--preset P | --elements NS/ELEM,…] [--verifier NAME] [--doctype T]",
    N_("Make an IDWR1 request for a remote check; verify accepts one response to it") },
};

static void
print_usage (FILE *out)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_string_append_printf (text, _("Usage:\n  %s COMMAND [OPTION…]\n\n"), g_get_prgname ());
  g_string_append (text, _("Commands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (text, "  %s\n      %s\n", commands[i].synopsis, _(commands[i].summary));
  g_string_append_printf (text, _("\nRun “%s COMMAND --help” for the options of a command.\n"
                                  "Exit status: 0 success (valid), 1 failure (not valid), 2 usage or I/O error.\n"),
                          g_get_prgname ());

  if (out == stdout)
    g_print ("%s", text->str);
  else
    g_printerr ("%s", text->str);
}

int
main (int    argc,
      char **argv)
{
  const char *name;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_prgname ("id-wallet-cli");
  idw_tpm_quiet_library_log ();

  if (argc < 2)
    {
      print_usage (stderr);
      return IDW_CLI_EXIT_USAGE;
    }

  name = argv[1];

  if (strcmp (name, "--help") == 0 || strcmp (name, "-h") == 0
      || strcmp (name, "-?") == 0 || strcmp (name, "help") == 0)
    {
      print_usage (stdout);
      return IDW_CLI_EXIT_OK;
    }

  if (strcmp (name, "--version") == 0)
    {
      g_print ("id-wallet-cli %s\n", PACKAGE_VERSION);
      return IDW_CLI_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      if (strcmp (name, commands[i].name) == 0)
        {
          g_autofree char *prgname = g_strdup_printf ("id-wallet-cli %s", name);

          g_set_prgname (prgname);
          return commands[i].run (argc - 1, argv + 1);
        }
    }

  return idw_cli_usage_error (NULL, _("Unknown command “%s”."), name);
}
