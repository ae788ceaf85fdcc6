/* idw-cli-verify.c: `id-wallet-cli verify`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "idw-cli-common.h"
#include "idw-cli-commands.h"

static const char *
status_label (IdwCheckStatus status)
{
  switch (status)
    {
    case IDW_CHECK_STATUS_PASSED:
      /* Translators: the status of one verification check */
      return _("passed");
    case IDW_CHECK_STATUS_FAILED:
      /* Translators: the status of one verification check */
      return _("FAILED");
    case IDW_CHECK_STATUS_NOT_APPLICABLE:
      /* Translators: the status of one verification check */
      return _("not applicable");
    case IDW_CHECK_STATUS_UNDETERMINED:
      /* Translators: the status of one verification check that could
       * not be made (the revocation list could not be had) */
      return _("undetermined");
    default:
      g_assert_not_reached ();
    }
}

/* Pads @text with spaces to @width characters (not bytes: labels are
 * translated UTF-8). */
static void
append_padded (GString    *out,
               const char *text,
               glong       width)
{
  glong len = g_utf8_strlen (text, -1);

  g_string_append (out, text);
  for (glong i = len; i < width; i++)
    g_string_append_c (out, ' ');
}

static char *
format_time (GDateTime *datetime)
{
  g_autoptr(GDateTime) utc = NULL;

  if (datetime == NULL)
    return NULL;

  utc = g_date_time_to_utc (datetime);
  return g_date_time_format (utc, "%Y-%m-%d %H:%M:%S UTC");
}

static void
print_field (GString    *out,
             const char *label,
             const char *value)
{
  if (value != NULL)
    {
      append_padded (out, label, 14);
      g_string_append_printf (out, " %s\n", value);
    }
}

static void
print_verdict (IdwVerdict *verdict)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *presented = format_time (idw_verdict_get_presented_at (verdict));
  g_autofree char *verified = format_time (idw_verdict_get_verified_at (verdict));
  g_autofree char *valid_from = format_time (idw_verdict_get_valid_from (verdict));
  g_autofree char *valid_until = format_time (idw_verdict_get_valid_until (verdict));
  const char *doctype = idw_verdict_get_doctype (verdict);
  const char *subject = idw_verdict_get_issuer_subject (verdict);
  GPtrArray *disclosed = idw_verdict_get_disclosed (verdict);
  const char *current_ns = NULL;
  glong status_width = 0;
  glong title_width = 0;

  if (idw_verdict_is_valid (verdict))
    g_string_append (out, _("Valid\n"));
  else if (idw_verdict_is_untrusted_only (verdict))
    g_string_append (out, _("Not valid: the signatures are correct but the issuer is not trusted\n"));
  else
    g_string_append (out, _("Not valid\n"));

  if (idw_verdict_is_test_issuer (verdict))
    g_string_append (out, _("Test issuer — not a real ID\n"));

  g_string_append (out, "\n");

  /* Everything the presentation says is printed escaped: a value must not
   * move the cursor, clear the screen or draw a verdict of its own. */
  if (doctype != NULL)
    {
      g_autofree char *name = idw_cli_escape (idw_doctype_get_display_name (doctype));
      g_autofree char *type = idw_cli_escape (doctype);
      g_autofree char *document = g_strdup_printf ("%s (%s)", name, type);

      print_field (out, _("Document:"), document);
    }
  if (subject != NULL)
    {
      g_autofree char *country = idw_cli_escape (idw_verdict_get_issuer_country (verdict));
      g_autofree char *organization = idw_cli_escape (idw_verdict_get_issuer_organization (verdict));
      g_autofree char *common_name = idw_cli_escape (idw_verdict_get_issuer_common_name (verdict));
      g_autofree char *escaped_subject = idw_cli_escape (subject);
      g_autofree char *issuer = NULL;

      if (organization != NULL || common_name != NULL)
        issuer = g_strdup_printf ("%s%s%s%s  [%s]",
                                  organization != NULL ? organization : common_name,
                                  country != NULL ? " (" : "",
                                  country != NULL ? country : "",
                                  country != NULL ? ")" : "",
                                  escaped_subject);
      else
        issuer = g_steal_pointer (&escaped_subject);
      print_field (out, _("Issuer:"), issuer);
    }
  if (idw_verdict_get_trust_origin (verdict) != NULL)
    {
      g_autofree char *list = idw_cli_describe_trust_origin (idw_verdict_get_trust_origin (verdict));

      /* Translators: a label, followed by a trust list such as "VICAL of
       * AAMVA of 2025-11-18" */
      print_field (out, _("Trusted via:"), list);
    }
  print_field (out, _("Presented at:"), presented);
  if (valid_from != NULL && valid_until != NULL)
    {
      g_autofree char *validity = g_strdup_printf (_("%s to %s"), valid_from, valid_until);

      print_field (out, _("Valid:"), validity);
    }
  print_field (out, _("Verified at:"), verified);

  g_string_append (out, _("\nChecks:\n"));
  for (IdwCheck check = 0; check < IDW_N_CHECKS; check++)
    {
      status_width = MAX (status_width, g_utf8_strlen (status_label (idw_verdict_get_status (verdict, check)), -1));
      title_width = MAX (title_width, g_utf8_strlen (idw_check_get_title (check), -1));
    }
  for (IdwCheck check = 0; check < IDW_N_CHECKS; check++)
    {
      /* Details may quote the presentation. */
      g_autofree char *detail = idw_cli_escape (idw_verdict_get_detail (verdict, check));

      g_string_append (out, "  ");
      append_padded (out, status_label (idw_verdict_get_status (verdict, check)), status_width + 2);
      append_padded (out, idw_check_get_title (check), title_width + 2);
      g_string_append_printf (out, "%s\n", detail != NULL ? detail : "");
    }

  if (disclosed != NULL && disclosed->len > 0)
    {
      g_string_append (out, idw_verdict_is_valid (verdict)
                            ? _("\nDisclosed:\n")
                            : _("\nPresented (not verified, do not rely on it):\n"));

      for (guint i = 0; i < disclosed->len; i++)
        {
          IdwDisclosedElement *element = g_ptr_array_index (disclosed, i);
          g_autofree char *label = idw_element_get_label (element->name_space, element->element);
          g_autofree char *value = idw_element_format_value (element->name_space, element->element,
                                                             element->value);
          g_autofree char *safe_label = idw_cli_escape (label);
          g_autofree char *safe_element = idw_cli_escape (element->element);
          g_autofree char *safe_value = idw_cli_escape (value);

          if (g_strcmp0 (current_ns, element->name_space) != 0)
            {
              g_autofree char *safe_ns = idw_cli_escape (element->name_space);

              current_ns = element->name_space;
              g_string_append_printf (out, "  %s\n", safe_ns);
            }
          g_string_append_printf (out, "    %s (%s): %s\n", safe_label, safe_element, safe_value);
        }
    }

  g_print ("%s", out->str);
}

int
idw_cli_verify (int    argc,
                char **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCliVerifyInput) input = NULL;
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autoptr(IdwTrustStore) trust_store = NULL;
  g_autoptr(IdwRequestStore) request_store = NULL;
  g_auto(IdwCliVerifyOptions) options = { 0 };
  gboolean log = FALSE;
  int status;
  const GOptionEntry log_entries[] = {
    { "log", 0, 0, G_OPTION_ARG_NONE, &log,
      N_("Add the verdict to the verification log (as when “Verification Log” is on): time, document type, "
         "issuer, result; never the shared values"), NULL },
    { NULL }
  };

  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Verifies a presentation. INPUT is IDW1 text, a PNG or JPEG image with a QR code,\n"
                                  "or a raw DeviceResponse (CBOR, binary or hex; needs --session-transcript);\n"
                                  "“-” or nothing reads standard input.\n"
                                  "Without --trust, the issuers trusted with “id-wallet-cli trust add” are the trust anchors.\n"
                                  "A response carrying a nonce must answer a request made with “id-wallet-cli ask”\n"
                                  "that no response has answered yet; it is then used up.\n"
                                  "Exit status: 0 valid, 1 not valid, 2 usage or I/O error."));
  idw_cli_verify_options_add_entries (context, &options, TRUE);
  g_option_context_add_main_entries (context, log_entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return idw_cli_usage_error (g_get_prgname (), "%s", error->message);

  input = idw_cli_verify_input_new (&options, &error);
  if (input == NULL)
    {
      gboolean usage = error->domain == G_OPTION_ERROR;

      if (usage)
        return idw_cli_usage_error (g_get_prgname (), "%s", error->message);
      idw_cli_printerr ("%s", error->message);
      return IDW_CLI_EXIT_USAGE;
    }

  if (options.trust == NULL)
    {
      int n_anchors;

      trust_store = idw_trust_store_new (NULL);
      n_anchors = idw_trust_store_apply (trust_store, input->verifier, &error);
      if (n_anchors < 0)
        {
          idw_cli_printerr ("%s", error->message);
          return IDW_CLI_EXIT_USAGE;
        }
      if (n_anchors == 0)
        g_printerr (_("Note: no issuer is trusted; add one with “id-wallet-cli trust add CERT” or give --trust CERT.\n"));
    }

  /* A remote check's response: its nonce must be one that `ask` issued
   * and no response used yet, whether it comes as IDW1 text or as a raw
   * response with an ID Wallet QR transcript. A presentation without a
   * nonce is judged by its presentedAt alone. */
  request_store = idw_request_store_new (NULL);
  idw_request_store_attach (request_store, input->verifier);

  verdict = idw_cli_verify_input_run (input);

  if (idw_verdict_get_input_kind (verdict) == IDW_INPUT_DEVICE_RESPONSE)
    {
      if (input->session_transcript == NULL)
        g_printerr (_("Note: a raw DeviceResponse needs --session-transcript FILE for its device authentication to be checked.\n"));
    }
  else if (input->session_transcript != NULL)
    {
      g_printerr (_("Note: --session-transcript is ignored: an IDW1 presentation carries its own transcript.\n"));
    }

  if (options.json)
    {
      g_autofree char *json = idw_verdict_to_json (verdict, FALSE);
      g_autofree char *safe_json = idw_text_escape_json (json);

      /* JSON is UTF-8 whatever the locale. */
      fputs (safe_json, stdout);
      fputc ('\n', stdout);
    }
  else
    {
      print_verdict (verdict);
    }

  status = idw_verdict_is_valid (verdict) ? IDW_CLI_EXIT_OK : IDW_CLI_EXIT_FAILED;
  if (fflush (stdout) != 0)
    status = IDW_CLI_EXIT_USAGE;

  /* The log is the verifier's own record; failing to write it never
   * changes the verdict or the exit status. */
  if (log || idw_cli_get_setting_boolean ("verifier-log", FALSE))
    {
      g_autoptr(IdwVerifierLog) verifier_log = idw_verifier_log_new (NULL);
      g_autoptr(IdwVerifierLogEntry) entry = idw_verifier_log_entry_new_from_verdict (verdict);
      g_autoptr(GError) log_error = NULL;

      if (!idw_verifier_log_append_sync (verifier_log, entry, NULL, &log_error))
        {
          g_autofree char *message = idw_cli_escape (log_error->message);

          idw_cli_printerr (_("The verdict was not added to the verification log: %s"), message);
        }
    }

  return status;
}
