/* idw-cli-history.c: `id-wallet-cli history`: what the holder shared, with
 * whom and how (docs/store.md, "The history")
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The history is encrypted under the wallet key, so every subcommand needs
 * the keyring. `present` records into it (idw-cli-present.c).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "idw-cli-common.h"
#include "idw-cli-commands.h"

/* How an entry came about, in words: "QR code", "reply to “Lotus Hotel”". */
static char *
describe_entry (IdwHistoryEntry *entry)
{
  g_autofree char *verifier = idw_cli_escape (idw_history_entry_get_verifier (entry));

  if (idw_history_entry_get_outcome (entry) == IDW_HISTORY_OUTCOME_DECLINED)
    return verifier != NULL ? g_strdup_printf (_("declined “%s”"), verifier)
                            : g_strdup (_("declined a request"));

  switch (idw_history_entry_get_channel (entry))
    {
    case IDW_HISTORY_CHANNEL_QR:
      return g_strdup (_("QR code"));
    case IDW_HISTORY_CHANNEL_TEXT:
      return g_strdup (_("text"));
    case IDW_HISTORY_CHANNEL_REPLY:
      return verifier != NULL ? g_strdup_printf (_("reply to “%s”"), verifier)
                              : g_strdup (_("reply to a request"));
    default:
      g_assert_not_reached ();
    }
}

/* The history's error, with what to do about a damaged one. */
static int
report_history_error (const GError *error)
{
  IdwCliExit status = idw_cli_report_error (error);

  if (g_error_matches (error, IDW_ERROR, IDW_ERROR_HISTORY))
    g_printerr (_("“id-wallet-cli history clear” deletes it and starts a new history; "
                  "the next presentation does so too, keeping the damaged file beside it.\n"));
  return status;
}

/* The entries whose id starts with @prefix. */
static GPtrArray *
entries_with_id_prefix (GPtrArray  *entries,
                        const char *prefix)
{
  g_autofree char *wanted = g_ascii_strdown (prefix, -1);
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = 0; i < entries->len; i++)
    if (g_str_has_prefix (idw_history_entry_get_id (g_ptr_array_index (entries, i)), wanted))
      g_ptr_array_add (found, g_ptr_array_index (entries, i));
  return found;
}

static int
history_list (IdwHistory *history,
              gboolean    json,
              const char *credential)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) shown = g_ptr_array_new ();
  g_autofree char *wanted = credential != NULL ? g_ascii_strdown (credential, -1) : NULL;
  g_autoptr(GString) out = g_string_new (NULL);

  entries = idw_history_list_sync (history, NULL, &error);
  if (entries == NULL)
    return report_history_error (error);

  for (guint i = 0; i < entries->len; i++)
    {
      IdwHistoryEntry *entry = g_ptr_array_index (entries, i);

      if (wanted == NULL || g_str_has_prefix (idw_history_entry_get_credential_id (entry), wanted))
        g_ptr_array_add (shown, entry);
    }

  if (json)
    {
      g_autofree char *text = idw_history_to_json (shown);
      g_autofree char *safe = idw_text_escape_json (text);

      g_string_append (out, safe);
    }
  else
    {
      for (guint i = 0; i < shown->len; i++)
        {
          IdwHistoryEntry *entry = g_ptr_array_index (shown, i);
          g_autoptr(GDateTime) utc = g_date_time_to_utc (idw_history_entry_get_time (entry));
          g_autofree char *time = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
          g_autofree char *what = describe_entry (entry);
          g_autofree char *elements = g_strjoinv (",", (GStrv) idw_history_entry_get_elements (entry));
          /* Escaped: a tab or a newline in a name would make a field or a
           * line of its own. */
          g_autofree char *name = idw_cli_escape (idw_history_entry_get_credential_name (entry));
          g_autofree char *safe_elements = idw_cli_escape (elements);

          g_string_append_printf (out, "%s\t%s\t%s\t%s\t%s\n", idw_history_entry_get_id (entry),
                                  time, what, name, safe_elements);
        }
    }

  fputs (out->str, stdout);
  if (fflush (stdout) != 0)
    return IDW_CLI_EXIT_USAGE;

  if (!json)
    {
      if (shown->len == 0)
        g_printerr (entries->len == 0 ? _("The history is empty.\n")
                                      : _("The history holds nothing for this credential.\n"));
      else
        g_printerr (g_dngettext (GETTEXT_PACKAGE, "%u entry.\n", "%u entries.\n", shown->len),
                    shown->len);
      if (!idw_cli_get_setting_boolean ("record-history", TRUE))
        g_printerr (_("Recording is off (the “Record History” preference).\n"));
    }
  return IDW_CLI_EXIT_OK;
}

static int
history_delete (IdwHistory *history,
                const char *entry_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autofree char *shown_id = idw_cli_escape (entry_id);
  IdwHistoryEntry *entry;

  if (!idw_cli_looks_like_id (entry_id))
    return idw_cli_usage_error (g_get_prgname (),
                                _("“%s” is not an entry ID: give the first column of “id-wallet-cli history”."),
                                shown_id);

  entries = idw_history_list_sync (history, NULL, &error);
  if (entries == NULL)
    return report_history_error (error);
  found = entries_with_id_prefix (entries, entry_id);
  if (found->len == 0)
    {
      idw_cli_printerr (_("The history holds no entry “%s”."), shown_id);
      return IDW_CLI_EXIT_FAILED;
    }
  if (found->len > 1)
    {
      idw_cli_printerr (_("“%s” is the start of several entries; give more of it."), shown_id);
      return IDW_CLI_EXIT_FAILED;
    }

  entry = g_ptr_array_index (found, 0);
  if (!idw_history_delete_sync (history, idw_history_entry_get_id (entry), NULL, &error))
    return report_history_error (error);
  g_printerr (_("Deleted the entry %s.\n"), idw_history_entry_get_id (entry));
  return IDW_CLI_EXIT_OK;
}

int
idw_cli_history (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwHistory) history = NULL;
  g_autofree char *credential = NULL;
  gboolean json = FALSE;
  const char *action;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json,
      N_("Print the history as JSON: a list of objects with time, credential, elements, channel, verifier, outcome"),
      NULL },
    { "credential", 'c', 0, G_OPTION_ARG_STRING, &credential,
      N_("Only the entries of this credential (its ID, or the start of it, from “id-wallet-cli list”)"),
      N_("ID") },
    { NULL }
  };

  context = g_option_context_new (_("[delete ENTRY-ID | clear]"));
  g_option_context_set_summary (context,
                                _("Shows what this wallet shared, newest first: when, which credential, which elements,\n"
                                  "how (a QR code, text, a reply to a request) and with whom; and requests declined.\n"
                                  "No shared values are recorded. The history is encrypted with the wallet’s key.\n"
                                  "  delete ENTRY-ID   deletes one entry (the first column of the list)\n"
                                  "  clear             deletes the whole history"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return idw_cli_usage_error (g_get_prgname (), "%s", error->message);

  action = argc > 1 ? argv[1] : NULL;
  if (action != NULL && strcmp (action, "delete") == 0)
    {
      if (argc < 3)
        return idw_cli_usage_error (g_get_prgname (), _("Missing the entry ID to delete."));
      if (argc > 3)
        return idw_cli_usage_error (g_get_prgname (), _("Unexpected argument “%s”."), argv[3]);
    }
  else if (action != NULL && strcmp (action, "clear") == 0)
    {
      if (argc > 2)
        return idw_cli_usage_error (g_get_prgname (), _("Unexpected argument “%s”."), argv[2]);
    }
  else if (action != NULL)
    {
      g_autofree char *shown = idw_cli_escape (action);

      return idw_cli_usage_error (g_get_prgname (), _("Unknown action “%s”: use delete or clear."), shown);
    }
  if (action != NULL && (json || credential != NULL))
    return idw_cli_usage_error (g_get_prgname (), _("--json and --credential go with the list, not with %s."),
                                action);
  if (credential != NULL && !idw_cli_looks_like_id (credential))
    {
      g_autofree char *shown = idw_cli_escape (credential);

      return idw_cli_usage_error (g_get_prgname (), _("--credential: “%s” is not a credential ID."), shown);
    }

  history = idw_cli_open_history (&error);
  if (history == NULL)
    return idw_cli_report_error (error);

  if (action == NULL)
    return history_list (history, json, credential);
  if (strcmp (action, "delete") == 0)
    return history_delete (history, argv[2]);

  if (!idw_history_clear_sync (history, NULL, &error))
    return report_history_error (error);
  g_printerr (_("The history was cleared.\n"));
  return IDW_CLI_EXIT_OK;
}
