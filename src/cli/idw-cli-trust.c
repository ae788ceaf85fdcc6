/* idw-cli-trust.c: `id-wallet-cli trust add|list|remove|import-vical|lists|remove-list`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The verifier's trusted issuers (DESIGN §3.4, §5), the same store as the
 * app's Preferences: $XDG_DATA_HOME/id-wallet/trust/, with the VICALs
 * imported into it.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

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

static JsonNode *
time_node (GDateTime *datetime)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (datetime);
  g_autofree char *text = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, text);
  return node;
}

/* [{"fingerprint", "subject", "country", "notBefore", "notAfter",
 * "testIssuer", "origin": {…} | null}], one line. */
static char *
anchors_to_json (GPtrArray  *certs,
                 GHashTable *origins)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; i < certs->len; i++)
    {
      IdwCertificate *cert = g_ptr_array_index (certs, i);
      g_autofree char *fingerprint = idw_certificate_get_fingerprint (cert);
      g_autofree char *subject = idw_certificate_get_subject (cert);
      g_autofree char *country = idw_certificate_get_country (cert);
      g_autoptr(GDateTime) not_before = idw_certificate_get_not_before (cert);
      g_autoptr(GDateTime) not_after = idw_certificate_get_not_after (cert);
      IdwTrustOrigin *origin = g_hash_table_lookup (origins, fingerprint);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "fingerprint");
      json_builder_add_string_value (builder, fingerprint);
      json_builder_set_member_name (builder, "subject");
      json_builder_add_string_value (builder, subject);
      json_builder_set_member_name (builder, "country");
      if (country != NULL)
        json_builder_add_string_value (builder, country);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "notBefore");
      json_builder_add_value (builder, time_node (not_before));
      json_builder_set_member_name (builder, "notAfter");
      json_builder_add_value (builder, time_node (not_after));
      json_builder_set_member_name (builder, "testIssuer");
      json_builder_add_boolean_value (builder, idw_certificate_is_test_issuer (cert));
      json_builder_set_member_name (builder, "origin");
      if (origin != NULL)
        json_builder_add_value (builder, idw_trust_origin_to_json_node (origin));
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

static int
trust_list (IdwTrustStore *store,
            int            argc,
            char         **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) certs = NULL;
  g_autoptr(GHashTable) origins = NULL;
  g_auto(GStrv) damaged = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean json = FALSE;

  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "--json") == 0)
        json = TRUE;
      else if (argv[i][0] == '-' && argv[i][1] != '\0')
        return idw_cli_usage_error (g_get_prgname (), _("Unknown option “%s”."), argv[i]);
      else
        return idw_cli_usage_error (g_get_prgname (), _("Unexpected argument “%s”."), argv[i]);
    }

  certs = idw_trust_store_list_with_origins (store, &origins, &damaged, &error);
  if (certs == NULL)
    return idw_cli_report_error (error);

  if (json)
    {
      g_autofree char *text = anchors_to_json (certs, origins);
      g_autofree char *safe = idw_text_escape_json (text);

      g_string_append_printf (out, "%s\n", safe);
    }
  else
    {
      for (guint i = 0; i < certs->len; i++)
        {
          IdwCertificate *cert = g_ptr_array_index (certs, i);
          g_autofree char *fingerprint = idw_certificate_get_fingerprint (cert);
          g_autofree char *description = describe (cert);
          IdwTrustOrigin *origin = g_hash_table_lookup (origins, fingerprint);

          if (origin != NULL)
            {
              g_autofree char *list = idw_cli_describe_trust_origin (origin);

              /* Translators: a certificate description, then where it
               * came from, e.g. "VICAL of AAMVA of 2025-11-18" */
              g_string_append_printf (out, _("%s  %s [from the %s]\n"), fingerprint, description, list);
            }
          else
            g_string_append_printf (out, "%s  %s\n", fingerprint, description);
        }
    }

  fputs (out->str, stdout);
  if (fflush (stdout) != 0)
    return IDW_CLI_EXIT_USAGE;

  for (guint i = 0; damaged != NULL && damaged[i] != NULL; i++)
    {
      g_autofree char *name = idw_cli_escape (damaged[i]);

      idw_cli_printerr (_("“%s” is not a certificate or a readable list; it is ignored."), name);
    }
  if (certs->len == 0)
    g_printerr (_("No issuer is trusted yet. Add one with “id-wallet-cli trust add CERT”.\n"));

  return IDW_CLI_EXIT_OK;
}

/* Every certificate of the files named in @paths (NULL: none). */
static GPtrArray *
load_all (char   **paths,
          GError **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_certificate_unref);

  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) certs = idw_cli_load_certificates (paths[i], error);

      if (certs == NULL)
        return NULL;
      for (guint j = 0; j < certs->len; j++)
        g_ptr_array_add (all, idw_certificate_ref (g_ptr_array_index (certs, j)));
    }

  return g_steal_pointer (&all);
}

static void
print_import (IdwVical       *vical,
              IdwTrustImport *import)
{
  g_autofree char *list = idw_cli_describe_trust_origin (idw_vical_get_origin (vical));
  guint n = idw_vical_get_entries (vical)->len;

  if (import->unchanged)
    {
      /* Translators: %s is a list, e.g. "VICAL of AAMVA of 2025-11-18" */
      g_print (_("The %s was imported already; nothing changed.\n"), list);
      return;
    }

  /* Translators: %s is a list, e.g. "VICAL of AAMVA of 2025-11-18"; %u
   * the number of certificates it lists */
  g_print (ngettext ("Imported the %s: %u issuing authority is trusted through it.\n",
                        "Imported the %s: %u issuing authorities are trusted through it.\n", n),
           list, n);

  if (import->replaced != NULL)
    {
      g_autofree char *replaced = idw_cli_describe_trust_origin (import->replaced);

      /* Translators: the %s is the list replaced; then how many
       * certificates are new, were kept and are no longer trusted */
      g_print (_("It replaces the %s: %u added, %u kept, %u removed.\n"),
               replaced, import->added, import->kept, import->removed);
    }
}

/* How old the list is and what of it has expired: stderr, not refused. */
static void
print_warnings (IdwVical *vical)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) signer_expiry = idw_certificate_get_not_after (idw_vical_get_signer (vical));
  GPtrArray *entries = idw_vical_get_entries (vical);
  guint expired = 0;

  if (idw_vical_is_outdated (vical, now))
    {
      int days = (int) MIN (idw_vical_get_age_days (vical, now), G_MAXINT);
      g_autofree char *due = idw_cli_format_date (idw_vical_get_next_update (vical));

      /* Translators: %s is a date; the list's provider should have
       * published a newer list by then */
      g_printerr (ngettext ("Warning: this list is %d day old; its next update was due on %s. Import a newer one when you can.\n",
                            "Warning: this list is %d days old; its next update was due on %s. Import a newer one when you can.\n",
                            (gulong) days),
                  days, due);
    }

  if (g_date_time_compare (now, signer_expiry) > 0)
    {
      g_autofree char *until = idw_cli_format_date (signer_expiry);

      g_printerr (_("Note: the certificate that signed this list expired on %s; the list was signed before.\n"),
                  until);
    }

  for (guint i = 0; i < entries->len; i++)
    {
      IdwVicalEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(GDateTime) not_after = idw_certificate_get_not_after (entry->certificate);

      if (g_date_time_compare (now, not_after) > 0)
        expired++;
    }
  if (expired > 0)
    g_printerr (ngettext ("Note: %u of its issuing authority certificates has expired; credentials it signed are no longer valid.\n",
                          "Note: %u of its issuing authority certificates have expired; credentials they signed are no longer valid.\n",
                          expired),
                expired);
}

static int
trust_import_vical (IdwTrustStore *store,
                    int            argc,
                    char         **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) anchor_paths = NULL;
  g_auto(GStrv) intermediate_paths = NULL;
  g_auto(GStrv) files = NULL;
  g_autoptr(GPtrArray) anchors = NULL;
  g_autoptr(GPtrArray) intermediates = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(IdwVical) vical = NULL;
  g_auto(IdwTrustImport) import = { 0 };
  g_autofree char *prgname = NULL;
  const GOptionEntry entries[] = {
    { "anchor", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &anchor_paths,
      N_("A certificate trusted to vouch for the list’s signer (PEM or DER; repeatable)"), N_("CERT") },
    { "intermediate", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &intermediate_paths,
      N_("A CA certificate between the signer and an anchor, when the list does not carry it (repeatable)"), N_("CERT") },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &files, NULL, N_("FILE") },
    { NULL }
  };

  /* "id-wallet-cli trust import-vical" in usage and messages. */
  prgname = g_strdup_printf ("%s import-vical", g_get_prgname ());
  g_set_prgname (prgname);
  context = g_option_context_new (NULL);
  g_option_context_set_summary (context,
                                _("Imports a VICAL (ISO/IEC 18013-5 Annex C): every issuing authority it lists\n"
                                  "becomes trusted, with the list as its origin, in place of an older list of the\n"
                                  "same provider. The list’s signature must verify and its signer must chain to an\n"
                                  "--anchor certificate. An older list than the one imported is refused.\n"
                                  "Exit status: 0 imported, 1 refused, 2 usage or I/O error."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return idw_cli_usage_error (g_get_prgname (), "%s", error->message);
  if (files == NULL || files[0] == NULL)
    return idw_cli_usage_error (g_get_prgname (), _("Missing the VICAL file."));
  if (files[1] != NULL)
    return idw_cli_usage_error (g_get_prgname (), _("Unexpected argument “%s”."), files[1]);
  if (anchor_paths == NULL)
    return idw_cli_usage_error (g_get_prgname (),
                                _("Missing --anchor CERT: the certificate that vouches for the list’s signer."));

  anchors = load_all (anchor_paths, &error);
  if (anchors != NULL)
    intermediates = load_all (intermediate_paths, &error);
  if (anchors == NULL || intermediates == NULL)
    return idw_cli_report_error (error);

  data = idw_cli_read_file (files[0], IDW_MAX_VICAL_SIZE, &error);
  if (data == NULL)
    return idw_cli_report_error (error);

  vical = idw_vical_new_from_bytes (data, anchors, intermediates, NULL, &error);
  if (vical == NULL)
    {
      g_autofree char *name = idw_cli_escape (files[0]);

      /* Translators: %s is a file name, then why it was refused */
      idw_cli_printerr (_("The VICAL “%s” was refused; nothing was changed."), name);
      return idw_cli_report_error (error);
    }

  if (!idw_trust_store_import_vical (store, vical, &import, &error))
    return idw_cli_report_error (error);

  print_import (vical, &import);
  print_warnings (vical);

  return fflush (stdout) == 0 ? IDW_CLI_EXIT_OK : IDW_CLI_EXIT_USAGE;
}

static int
trust_lists (IdwTrustStore *store,
             int            argc,
             char         **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lists = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_auto(GStrv) damaged = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  if (argc > 1)
    return idw_cli_usage_error (g_get_prgname (), _("Unexpected argument “%s”."), argv[1]);

  lists = idw_trust_store_list_vicals (store, &damaged, &error);
  for (guint i = 0; i < lists->len; i++)
    {
      IdwTrustOrigin *origin = g_ptr_array_index (lists, i);
      g_autofree char *provider = idw_cli_escape (idw_trust_origin_get_provider (origin));
      g_autofree char *description = idw_cli_describe_trust_origin (origin);
      GDateTime *next_update = idw_trust_origin_get_next_update (origin);

      g_string_append_printf (out, "%s\t%s", provider, description);
      if (next_update != NULL && g_date_time_compare (now, next_update) > 0)
        {
          g_autofree char *due = idw_cli_format_date (next_update);

          /* Translators: %s is the date a newer list was due */
          g_string_append_printf (out, _(", out of date since %s"), due);
        }
      g_string_append_c (out, '\n');
    }

  fputs (out->str, stdout);
  if (fflush (stdout) != 0)
    return IDW_CLI_EXIT_USAGE;

  for (guint i = 0; damaged != NULL && damaged[i] != NULL; i++)
    {
      g_autofree char *message = idw_cli_escape (damaged[i]);

      idw_cli_printerr ("%s", message);
    }
  if (lists->len == 0)
    g_printerr (_("No VICAL is imported. Import one with “id-wallet-cli trust import-vical FILE --anchor CERT”.\n"));

  return IDW_CLI_EXIT_OK;
}

static int
trust_remove_list (IdwTrustStore *store,
                   int            argc,
                   char         **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwTrustOrigin) removed = NULL;
  g_autofree char *provider = NULL;
  guint n = 0;

  if (argc < 2)
    return idw_cli_usage_error (g_get_prgname (), _("Missing the list’s provider (see “id-wallet-cli trust lists”)."));
  if (argc > 2)
    return idw_cli_usage_error (g_get_prgname (), _("Unexpected argument “%s”."), argv[2]);

  if (!idw_trust_store_remove_vical (store, argv[1], &removed, &n, &error))
    {
      g_autofree char *message = idw_cli_escape (error->message);

      /* A provider that matches nothing is the argument's fault. */
      idw_cli_printerr ("%s", message);
      return IDW_CLI_EXIT_USAGE;
    }

  provider = idw_cli_escape (argv[1]);
  if (removed != NULL)
    {
      g_autofree char *list = idw_cli_describe_trust_origin (removed);

      /* Translators: %s is a list, e.g. "VICAL of AAMVA of 2025-11-18" */
      g_print (ngettext ("Removed the %s: %u issuing authority is no longer trusted through it.\n",
                            "Removed the %s: %u issuing authorities are no longer trusted through it.\n", n),
               list, n);
    }
  else
    /* Translators: %s is a provider's name */
    g_print (_("Removed the damaged VICAL of %s.\n"), provider);

  return fflush (stdout) == 0 ? IDW_CLI_EXIT_OK : IDW_CLI_EXIT_USAGE;
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
      g_autofree char *message = idw_cli_escape (error->message);

      /* A fingerprint that matches nothing, or several, is the argument's
       * fault, like a missing file; so is one that only a list holds. */
      idw_cli_printerr ("%s", message);
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
  const char *prgname = g_get_prgname ();
  g_autofree char *text = g_strdup_printf (_("Usage:\n"
                                             "  %s add CERT            trust an issuer certificate (IACA root or DS, PEM or DER)\n"
                                             "  %s list [--json]       the trusted certificates: fingerprint, subject, validity, origin\n"
                                             "  %s remove FINGERPRINT  stop trusting one (a unique prefix of 8 or more hex digits will do)\n"
                                             "  %s import-vical FILE --anchor CERT [--anchor CERT]… [--intermediate CERT]…\n"
                                             "                         trust the issuing authorities of a VICAL (ISO/IEC 18013-5 Annex C)\n"
                                             "                         whose signer chains to an anchor; a newer list replaces the older\n"
                                             "  %s lists               the imported VICALs: provider, date, issue\n"
                                             "  %s remove-list PROVIDER  stop trusting the issuers of that provider’s VICAL\n"
                                             "\n"
                                             "The store is %s; “id-wallet-cli verify” uses it\n"
                                             "when no --trust is given, and so does the app.\n"),
                                           prgname, prgname, prgname, prgname, prgname, prgname,
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
      /* import-vical has its own options and help. */
      if (strcmp (sub, "import-vical") == 0)
        break;
      if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0)
        {
          print_usage (stdout);
          return IDW_CLI_EXIT_OK;
        }
      if (argv[i][0] == '-' && argv[i][1] != '\0'
          && !(strcmp (sub, "list") == 0 && strcmp (argv[i], "--json") == 0))
        return idw_cli_usage_error (g_get_prgname (), _("Unknown option “%s”."), argv[i]);
    }

  store = idw_trust_store_new (NULL);

  if (strcmp (sub, "add") == 0)
    status = trust_add (store, argc - 1, argv + 1);
  else if (strcmp (sub, "list") == 0)
    status = trust_list (store, argc - 1, argv + 1);
  else if (strcmp (sub, "remove") == 0)
    status = trust_remove (store, argc - 1, argv + 1);
  else if (strcmp (sub, "import-vical") == 0)
    status = trust_import_vical (store, argc - 1, argv + 1);
  else if (strcmp (sub, "lists") == 0)
    status = trust_lists (store, argc - 1, argv + 1);
  else if (strcmp (sub, "remove-list") == 0)
    status = trust_remove_list (store, argc - 1, argv + 1);
  else
    status = idw_cli_usage_error (g_get_prgname (),
                                  _("Unknown trust command “%s”: use add, list, remove, import-vical, lists or remove-list."),
                                  sub);

  return status;
}
