/* test-cli-vical.c: id-wallet-cli trust import-vical, lists, remove-list,
 * list --json, and verify naming the list its issuer was trusted through
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Spawns the built CLI (IDW_CLI) with XDG_DATA_HOME in the test's
 * temporary folder. The real AAMVA list is read from shared/vectors/vical
 * next to the repository (or $IDW_VICAL_DIR), never copied here; those
 * cases are skipped without it. The other lists are made here.
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "idwallet.h"
#include "cli-verdict-util.h"
#include "vical-test-util.h"

#define VICAL_ENV "IDW_VICAL_DIR"

static char *
vector_path (const char *name)
{
  const char *override = g_getenv (VICAL_ENV);
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;

  if (override != NULL && *override != '\0')
    dir = g_strdup (override);
  else
    dir = g_test_build_filename (G_TEST_DIST, "..", "..", "shared", "vectors", "vical", NULL);
  path = g_build_filename (dir, name, NULL);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_test_skip_printf ("no VICAL vectors at %s (set " VICAL_ENV " to their folder)", dir);
      return NULL;
    }

  return g_canonicalize_filename (path, NULL);
}

/* `trust list --json`, parsed: an array with one object per anchor. */
static JsonNode *
list_json (void)
{
  g_autoptr(Run) run = run_cli (NULL, "trust", "list", "--json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (strchr (run->out, '\n') == run->out + strlen (run->out) - 1);
  json_parser_load_from_data (parser, run->out, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)));
  return json_node_ref (json_parser_get_root (parser));
}

static guint
count_with_provider (JsonNode   *list,
                     const char *provider)
{
  JsonArray *array = json_node_get_array (list);
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *anchor = json_array_get_object_element (array, i);
      JsonNode *origin = json_object_get_member (anchor, "origin");

      g_assert_nonnull (origin);
      g_assert_cmpuint (strlen (json_object_get_string_member (anchor, "fingerprint")), ==, 64);
      g_assert_nonnull (json_object_get_string_member (anchor, "subject"));
      g_assert_nonnull (json_object_get_string_member (anchor, "notBefore"));
      g_assert_nonnull (json_object_get_string_member (anchor, "notAfter"));
      g_assert_true (json_object_has_member (anchor, "country"));
      if (provider == NULL)
        n += JSON_NODE_HOLDS_NULL (origin);
      else if (JSON_NODE_HOLDS_OBJECT (origin)
               && g_strcmp0 (json_object_get_string_member (json_node_get_object (origin), "provider"),
                             provider) == 0)
        n++;
    }

  return n;
}

static char *
flipped_copy (const char *path,
              const char *name,
              gssize      offset,
              const char *near)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  gsize at;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  if (near != NULL)
    {
      gsize near_len = strlen (near);

      for (at = 0; at + near_len <= len && memcmp (contents + at, near, near_len) != 0; at++)
        ;
      g_assert_cmpuint (at + near_len, <=, len);
      at += (gsize) offset;
    }
  else
    at = offset < 0 ? len + offset : (gsize) offset;
  contents[at] ^= 0x01;
  return write_tmp (name, contents, (gssize) len);
}

static void
test_aamva (void)
{
  g_autofree char *old_home = use_data_home ("aamva-home");
  g_autofree char *vical = vector_path ("aamva.vical");
  g_autofree char *root = NULL;
  g_autofree char *intermediate = NULL;
  g_autofree char *payload_flipped = NULL;
  g_autofree char *signature_flipped = NULL;
  g_autofree char *expected_age = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) date = g_date_time_new_utc (2025, 11, 18, 18, 38, 12);
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(Run) tampered = NULL;
  g_autoptr(Run) tampered_signature = NULL;
  g_autoptr(Run) wrong = NULL;
  g_autoptr(Run) import = NULL;
  g_autoptr(Run) again = NULL;
  g_autoptr(Run) lists = NULL;
  g_autoptr(Run) text_list = NULL;
  g_autoptr(Run) remove = NULL;

  if (vical == NULL)
    {
      restore_data_home (g_steal_pointer (&old_home));
      return;
    }
  root = vector_path ("aamva_ca_root.crt");
  intermediate = vector_path ("aamva_ca_intermediate.crt");
  /* Its iaca.pem: a root that did not sign the list. */
  ensure_credential ();

  /* Refused, and nothing changes. */
  payload_flipped = flipped_copy (vical, "aamva-payload.vical", 2, "Glen Burnie");
  tampered = run_cli (NULL, "trust", "import-vical", payload_flipped, "--anchor", root, NULL);
  g_assert_cmpint (tampered->status, ==, 1);
  g_assert_nonnull (strstr (tampered->err, "signature"));
  g_assert_nonnull (strstr (tampered->err, "nothing was changed"));
  signature_flipped = flipped_copy (vical, "aamva-signature.vical", -5, NULL);
  tampered_signature = run_cli (NULL, "trust", "import-vical", signature_flipped, "--anchor", root, NULL);
  g_assert_cmpint (tampered_signature->status, ==, 1);
  wrong = run_cli (NULL, "trust", "import-vical", vical, "--anchor", iaca_pem, NULL);
  g_assert_cmpint (wrong->status, ==, 1);
  g_assert_nonnull (strstr (wrong->err, "does not chain"));
  list = list_json ();
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 0);
  g_clear_pointer (&list, json_node_unref);

  /* Its 14 IACAs, with the list as their origin, and how old it is. */
  import = run_cli (NULL, "trust", "import-vical", vical, "--anchor", root,
                    "--anchor", intermediate, NULL);
  g_assert_cmpint (import->status, ==, 0);
  g_assert_nonnull (strstr (import->out, "VICAL of AAMVA of 2025-11-18 (issue 227602)"));
  g_assert_nonnull (strstr (import->out, "14 issuing authorities"));
  expected_age = g_strdup_printf ("this list is %d days old",
                                  (int) (g_date_time_difference (now, date) / G_TIME_SPAN_DAY));
  g_assert_nonnull (strstr (import->err, expected_age));
  g_assert_nonnull (strstr (import->err, "2025-11-19"));

  list = list_json ();
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 14);
  g_assert_cmpuint (count_with_provider (list, "AAMVA"), ==, 14);
  {
    JsonObject *origin = json_object_get_object_member (
      json_array_get_object_element (json_node_get_array (list), 0), "origin");

    g_assert_cmpstr (json_object_get_string_member (origin, "date"), ==, "2025-11-18T18:38:12Z");
    g_assert_cmpstr (json_object_get_string_member (origin, "nextUpdate"), ==, "2025-11-19T18:38:12Z");
    g_assert_cmpint (json_object_get_int_member (origin, "issueID"), ==, 227602);
  }

  text_list = run_cli (NULL, "trust", "list", NULL);
  g_assert_cmpuint (count_lines (text_list->out), ==, 14);
  g_assert_nonnull (strstr (text_list->out, "[from the VICAL of AAMVA of 2025-11-18"));

  again = run_cli (NULL, "trust", "import-vical", vical, "--anchor", root, NULL);
  g_assert_cmpint (again->status, ==, 0);
  g_assert_nonnull (strstr (again->out, "imported already"));

  lists = run_cli (NULL, "trust", "lists", NULL);
  g_assert_cmpint (lists->status, ==, 0);
  g_assert_true (g_str_has_prefix (lists->out, "AAMVA\t"));
  g_assert_nonnull (strstr (lists->out, "out of date since 2025-11-19"));

  remove = run_cli (NULL, "trust", "remove-list", "AAMVA", NULL);
  g_assert_cmpint (remove->status, ==, 0);
  g_assert_nonnull (strstr (remove->out, "14 issuing authorities"));
  g_clear_pointer (&list, json_node_unref);
  list = list_json ();
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 0);

  restore_data_home (g_steal_pointer (&old_home));
}

/* @payload_steal signed by @provider, written to the test's folder. */
static char *
write_vical (TestProvider *provider,
             const char   *name,
             cbor_item_t  *payload_steal)
{
  g_autoptr(GBytes) data = test_vical_sign (provider, payload_steal);

  return write_tmp (name, g_bytes_get_data (data, NULL), (gssize) g_bytes_get_size (data));
}

static void
test_versions (void)
{
  g_autofree char *old_home = use_data_home ("versions-home");
  g_autoptr(TestProvider) provider = test_provider_new ("CLI Lists");
  g_autoptr(IdwCertificate) a = test_vical_iaca ("Alpha");
  g_autoptr(IdwCertificate) b = test_vical_iaca ("Beta");
  g_autoptr(IdwCertificate) c = test_vical_iaca ("Gamma");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) d1 = g_date_time_add_days (now, -20);
  g_autoptr(GDateTime) d2 = g_date_time_add_days (now, -10);
  g_autofree char *root_pem = idw_certificate_to_pem (provider->root);
  g_autofree char *root = write_tmp ("cli-lists-root.pem", root_pem, -1);
  g_autofree char *manual_pem = idw_certificate_to_pem (c);
  g_autofree char *manual = write_tmp ("gamma.pem", manual_pem, -1);
  g_autofree char *v1 = write_vical (provider, "v1.vical", test_vical_payload_for ("Utopia", d1, 1, a, b, NULL));
  g_autofree char *v2 = write_vical (provider, "v2.vical", test_vical_payload_for ("Utopia", d2, 2, b, c, NULL));
  g_autofree char *dup = write_vical (provider, "dup.vical", test_vical_payload_for ("Utopia", d2, 3, a, a, NULL));
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(Run) add = NULL;
  g_autoptr(Run) first = NULL;
  g_autoptr(Run) second = NULL;
  g_autoptr(Run) older = NULL;
  g_autoptr(Run) duplicate = NULL;
  g_autoptr(Run) no_anchor = NULL;
  g_autoptr(Run) no_file = NULL;
  g_autoptr(Run) missing = NULL;
  g_autoptr(Run) remove = NULL;
  g_autoptr(Run) remove_again = NULL;

  add = run_cli (NULL, "trust", "add", manual, NULL);
  g_assert_cmpint (add->status, ==, 0);

  first = run_cli (NULL, "trust", "import-vical", v1, "--anchor", root, NULL);
  g_assert_cmpint (first->status, ==, 0);
  g_assert_nonnull (strstr (first->out, "2 issuing authorities"));
  /* Not out of date: no warning. */
  g_assert_null (strstr (first->err, "days old"));

  second = run_cli (NULL, "trust", "import-vical", v2, "--anchor", root, NULL);
  g_assert_cmpint (second->status, ==, 0);
  g_assert_nonnull (strstr (second->out, "It replaces the VICAL of Utopia"));
  g_assert_nonnull (strstr (second->out, "1 added, 1 kept, 1 removed"));

  older = run_cli (NULL, "trust", "import-vical", v1, "--anchor", root, NULL);
  g_assert_cmpint (older->status, ==, 1);
  g_assert_nonnull (strstr (older->err, "older than the one already imported"));

  duplicate = run_cli (NULL, "trust", "import-vical", dup, "--anchor", root, NULL);
  g_assert_cmpint (duplicate->status, ==, 1);
  g_assert_nonnull (strstr (duplicate->err, "certificateInfos[1]"));

  no_anchor = run_cli (NULL, "trust", "import-vical", v2, NULL);
  g_assert_cmpint (no_anchor->status, ==, 2);
  g_assert_nonnull (strstr (no_anchor->err, "--anchor"));
  no_file = run_cli (NULL, "trust", "import-vical", "--anchor", root, NULL);
  g_assert_cmpint (no_file->status, ==, 2);
  missing = run_cli (NULL, "trust", "import-vical", "no-such.vical", "--anchor", root, NULL);
  g_assert_cmpint (missing->status, ==, 2);

  /* b and c from the list (c also added by hand: no origin). */
  list = list_json ();
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 2);
  g_assert_cmpuint (count_with_provider (list, "Utopia"), ==, 1);
  g_assert_cmpuint (count_with_provider (list, NULL), ==, 1);
  g_clear_pointer (&list, json_node_unref);

  remove = run_cli (NULL, "trust", "remove-list", "utopia", NULL);
  g_assert_cmpint (remove->status, ==, 0);
  remove_again = run_cli (NULL, "trust", "remove-list", "Utopia", NULL);
  g_assert_cmpint (remove_again->status, ==, 2);

  /* The one added by hand stays. */
  list = list_json ();
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 1);
  g_assert_cmpuint (count_with_provider (list, NULL), ==, 1);

  restore_data_home (g_steal_pointer (&old_home));
}

static void
test_verify_origin (void)
{
  g_autofree char *old_home = use_data_home ("verify-home");
  g_autoptr(TestProvider) provider = test_provider_new ("Verify Lists");
  g_autoptr(IdwCertificate) iaca = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) date = g_date_time_add_days (now, -1);
  g_autoptr(GError) error = NULL;
  g_autofree char *root_pem = idw_certificate_to_pem (provider->root);
  g_autofree char *root = NULL;
  g_autofree char *vical = NULL;
  g_autoptr(JsonObject) verdict = NULL;
  g_autoptr(Run) import = NULL;
  g_autoptr(Run) present = NULL;
  g_autoptr(Run) human = NULL;
  JsonObject *issuer;
  JsonObject *origin;

  ensure_credential ();
  iaca = idw_certificate_new_from_file (iaca_pem, &error);
  g_assert_no_error (error);
  root = write_tmp ("verify-lists-root.pem", root_pem, -1);
  vical = write_vical (provider, "verify.vical", test_vical_payload_for ("Republic Lists", date, 9, iaca, NULL));

  import = run_cli (NULL, "trust", "import-vical", vical, "--anchor", root, NULL);
  g_assert_cmpint (import->status, ==, 0);

  present = run_cli (NULL, "present", credential, "--text", NULL);
  g_assert_cmpint (present->status, ==, 0);

  verdict = verify_json (0, present->out, NULL);
  issuer = json_object_get_object_member (verdict, "issuer");
  origin = json_object_get_object_member (issuer, "trustOrigin");
  g_assert_nonnull (origin);
  g_assert_cmpstr (json_object_get_string_member (origin, "provider"), ==, "Republic Lists");
  g_assert_cmpint (json_object_get_int_member (origin, "issueID"), ==, 9);

  human = run_cli (present->out, "verify", NULL);
  g_assert_cmpint (human->status, ==, 0);
  g_assert_nonnull (strstr (human->out, "Trusted via:"));
  g_assert_nonnull (strstr (human->out, "VICAL of Republic Lists of"));
  g_assert_nonnull (strstr (human->out, "from the VICAL of Republic Lists"));

  restore_data_home (g_steal_pointer (&old_home));
}

int
main (int    argc,
      char **argv)
{
  cli_test_init (&argc, &argv, "test-cli-vical-XXXXXX");

  g_test_add_func ("/cli/vical/aamva", test_aamva);
  g_test_add_func ("/cli/vical/versions", test_versions);
  g_test_add_func ("/cli/vical/verify-origin", test_verify_origin);

  return cli_test_finish (g_test_run ());
}
