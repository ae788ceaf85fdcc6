/* idw-cli-verifier-log.c: `id-wallet-cli verifier-log`: the verifier's log
 * of verdicts (idw-verifier-log.h), shown, exported as CSV or cleared
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The log is a plain file (the verifier works without a keyring); `verify`
 * adds to it when the "verifier-log" setting is on or with --log.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "idw-cli-common.h"
#include "idw-cli-commands.h"

static int
print_log (IdwVerifierLog *log,
           gboolean        csv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  entries = idw_verifier_log_list_sync (log, NULL, &error);
  if (entries == NULL)
    return idw_cli_report_error (error);

  if (csv)
    {
      g_autofree char *text = idw_verifier_log_to_csv (entries);

      /* RFC 4180 ends lines with CRLF; on a terminal and in pipes, LF (which
       * CSV readers take as well). Cells hold no CR of their own. */
      for (const char *p = text; *p != '\0'; p++)
        if (*p != '\r')
          g_string_append_c (out, *p);
    }
  else
    {
      /* Newest first, like the app; everything from a presentation escaped. */
      for (guint i = entries->len; i > 0; i--)
        {
          IdwVerifierLogEntry *entry = g_ptr_array_index (entries, i - 1);
          g_autoptr(GDateTime) utc = g_date_time_to_utc (entry->time);
          g_autofree char *time = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
          g_autofree char *doctype = idw_cli_escape (entry->doctype);
          g_autofree char *issuer = idw_cli_escape (entry->issuer);
          g_autofree char *country = idw_cli_escape (entry->country);
          g_autofree char *result = NULL;

          if (entry->valid)
            result = g_strdup (_("valid"));
          else if (entry->failed_check != NULL)
            /* Translators: %s is the name of the check that failed ("digests") */
            result = g_strdup_printf (_("not valid (%s)"), entry->failed_check);
          else
            result = g_strdup (_("not valid"));

          g_string_append_printf (out, "%s\t%s\t%s\t%s%s%s%s\t%s: %s%s\n", time, result,
                                  doctype != NULL ? doctype : "-",
                                  issuer != NULL ? issuer : "-",
                                  country != NULL ? " (" : "", country != NULL ? country : "",
                                  country != NULL ? ")" : "",
                                  /* Translators: the revocation check's result follows */
                                  _("status"), entry->status,
                                  entry->test_issuer ? _("\ttest issuer") : "");
        }
    }

  fputs (out->str, stdout);
  if (fflush (stdout) != 0)
    return IDW_CLI_EXIT_USAGE;

  if (!csv)
    {
      if (entries->len == 0)
        g_printerr (_("The verification log is empty.\n"));
      else
        g_printerr (g_dngettext (GETTEXT_PACKAGE, "%u verdict.\n", "%u verdicts.\n", entries->len),
                    entries->len);
      if (!idw_cli_get_setting_boolean ("verifier-log", FALSE))
        g_printerr (_("Logging is off (the “Verification Log” preference); “verify --log” logs one verdict.\n"));
    }
  return IDW_CLI_EXIT_OK;
}

int
idw_cli_verifier_log (int    argc,
                      char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwVerifierLog) log = NULL;
  gboolean csv = FALSE;
  const GOptionEntry entries[] = {
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv,
      N_("Print the log as CSV (RFC 4180 with LF line ends), oldest first, safe to open in a spreadsheet"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("[clear]"));
  g_option_context_set_summary (context,
                                _("Shows the verifier’s log: for each verdict, when, the document type, the issuer, the\n"
                                  "result, the check that failed and the status check. No shared value is logged.\n"
                                  "  clear   deletes the log"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return idw_cli_usage_error (g_get_prgname (), "%s", error->message);

  log = idw_verifier_log_new (NULL);
  if (argc == 1)
    return print_log (log, csv);

  if (strcmp (argv[1], "clear") != 0)
    {
      g_autofree char *shown = idw_cli_escape (argv[1]);

      return idw_cli_usage_error (g_get_prgname (), _("Unknown action “%s”: use clear."), shown);
    }
  if (argc > 2)
    return idw_cli_usage_error (g_get_prgname (), _("Unexpected argument “%s”."), argv[2]);
  if (csv)
    return idw_cli_usage_error (g_get_prgname (), _("--csv goes with the log, not with clear."));

  if (!idw_verifier_log_clear_sync (log, NULL, &error))
    return idw_cli_report_error (error);
  g_printerr (_("The verification log was cleared.\n"));
  return IDW_CLI_EXIT_OK;
}
