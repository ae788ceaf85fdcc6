/* idw-cli-ask.c: `id-wallet-cli ask`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The verifier's side of a remote check (DESIGN §3.3): an IDWR1 request
 * with a fresh nonce, remembered in the request store so that `verify`
 * accepts one response carrying it.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "idw-cli-common.h"
#include "idw-cli-commands.h"

int
idw_cli_ask (int    argc,
             char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) elements = NULL;
  g_auto(GStrv) paths = NULL;
  g_autofree char *preset_name = NULL;
  g_autofree char *verifier = NULL;
  g_autofree char *doctype = NULL;
  g_autofree char *text = NULL;
  g_autoptr(IdwRemoteRequest) request = NULL;
  g_autoptr(IdwRequestStore) store = NULL;
  IdwPreset preset = IDW_PRESET_FULL;
  const GOptionEntry entries[] = {
    { "preset", 'p', 0, G_OPTION_ARG_STRING, &preset_name,
      N_("Ask for a preset: full (default), name-photo or age-over-18"), N_("PRESET") },
    { "elements", 'e', 0, G_OPTION_ARG_STRING_ARRAY, &elements,
      N_("Ask for these elements, comma-separated (NAMESPACE/ELEMENT, or ELEMENT of the document type’s namespace)"),
      N_("NS/ELEM,…") },
    { "verifier", 0, 0, G_OPTION_ARG_STRING, &verifier,
      N_("Your name as the holder will see it"), N_("NAME") },
    { "doctype", 0, 0, G_OPTION_ARG_STRING, &doctype,
      N_("The document type to ask for (default: org.iso.18013.5.1.mDL)"), N_("TYPE") },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Prints an IDWR1 request for a remote check, to send to the holder, and remembers its nonce\n"
                                  "(in $XDG_DATA_HOME/id-wallet/requests, for 24 hours). “id-wallet-cli verify” accepts\n"
                                  "one IDW1 response carrying that nonce; a replayed response fails the freshness check."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return idw_cli_usage_error (g_get_prgname (), "%s", error->message);

  if (argc > 1)
    return idw_cli_usage_error (g_get_prgname (), _("Unexpected argument “%s”."), argv[1]);
  if (elements != NULL && preset_name != NULL)
    return idw_cli_usage_error (g_get_prgname (), _("Give either --elements or --preset, not both."));
  if (preset_name != NULL && !idw_preset_from_string (preset_name, &preset))
    return idw_cli_usage_error (g_get_prgname (),
                                _("Unknown preset “%s”: use full, name-photo or age-over-18."),
                                preset_name);
  if (verifier != NULL && !g_utf8_validate (verifier, -1, NULL))
    return idw_cli_usage_error (g_get_prgname (), _("--verifier: the name is not valid UTF-8."));
  /* Holders refuse longer names (idw_remote_request_parse()). */
  if (verifier != NULL && strlen (verifier) > 256)
    return idw_cli_usage_error (g_get_prgname (), _("--verifier: the name is longer than 256 bytes."));
  if (doctype == NULL)
    doctype = g_strdup (IDW_DOCTYPE_MDL);

  if (elements != NULL)
    {
      paths = idw_cli_parse_elements (elements, doctype, NULL, &error);
      if (paths == NULL)
        return idw_cli_usage_error (g_get_prgname (), "%s", error->message);
      request = idw_remote_request_new (doctype, (const char * const *) paths, verifier, &error);
    }
  else
    {
      request = idw_remote_request_new_preset (doctype, preset, verifier, &error);
    }
  if (request == NULL)
    {
      /* The engine's message quotes the names and elements given. */
      g_autofree char *message = idw_cli_escape (error->message);

      return idw_cli_usage_error (g_get_prgname (), "%s", message);
    }

  text = idw_remote_request_to_text (request);

  /* Remembered before it is shown: a response can only come after. */
  store = idw_request_store_new (NULL);
  if (!idw_request_store_add (store, request->nonce, text, &error))
    return idw_cli_report_error (error);

  /* The text is ASCII; written as is, never converted to the locale. */
  fputs (text, stdout);
  fputc ('\n', stdout);
  if (fflush (stdout) != 0)
    return IDW_CLI_EXIT_USAGE;

  return IDW_CLI_EXIT_OK;
}
