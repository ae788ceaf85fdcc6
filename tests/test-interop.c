/* test-interop.c: the verifier against vectors made by another implementation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tests/interop/vectors/ was written by @auth0/mdl (see
 * tests/interop/README.md), code we did not write. expected.json lists one
 * case per DeviceResponse with its SessionTranscript, trust anchors,
 * verification time and the verdict an ISO 18013-5 verifier must reach:
 * valid or not, exactly which checks fail (every check evaluated), and the
 * elements disclosed. Each case is one GTest case named after it, so that a
 * failure names the vector. The three `*.idw1.txt` envelopes are verified
 * as text too, which adds the decoding path and `freshness`.
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "idw-verifier.h"
#include "idw-x509.h"
#include "test-util.h"

/* Helpers */

static char *
vector_path (const char *file)
{
  return g_test_build_filename (G_TEST_DIST, "interop", "vectors", file, NULL);
}

static GBytes *
read_vector (const char *file)
{
  g_autofree char *path = vector_path (file);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

static GDateTime *
case_time (JsonObject *test_case)
{
  const char *at = json_object_get_string_member (test_case, "at");
  GDateTime *datetime = g_date_time_new_from_iso8601 (at, NULL);

  g_assert_nonnull (datetime);
  return datetime;
}

/* A verifier trusting the case's anchors, at the case's time. */
static IdwVerifier *
case_verifier (JsonObject *test_case)
{
  g_autoptr(IdwVerifier) verifier = idw_verifier_new ();
  g_autoptr(GDateTime) at = case_time (test_case);
  JsonArray *trust = json_object_get_array_member (test_case, "trust");

  g_assert_cmpuint (json_array_get_length (trust), >, 0);
  for (guint i = 0; i < json_array_get_length (trust); i++)
    {
      g_autofree char *path = vector_path (json_array_get_string_element (trust, i));
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwCertificate) anchor = idw_certificate_new_from_file (path, &error);

      g_assert_no_error (error);
      g_assert_nonnull (anchor);
      if (anchor != NULL)
        idw_verifier_add_trust_anchor (verifier, anchor);
    }
  idw_verifier_set_time (verifier, at);

  return g_steal_pointer (&verifier);
}

/* "a,b,c" sorted, so that two sets compare as strings and a mismatch
 * prints both sides. */
static char *
join_sorted (GPtrArray *names)
{
  g_autoptr(GString) joined = g_string_new (NULL);

  g_ptr_array_sort (names, test_compare_strings);
  for (guint i = 0; i < names->len; i++)
    {
      if (i > 0)
        g_string_append_c (joined, ',');
      g_string_append (joined, g_ptr_array_index (names, i));
    }
  return g_string_free (g_steal_pointer (&joined), FALSE);
}

static char *
verdict_failed_checks (IdwVerdict *verdict)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (IdwCheck check = 0; check < IDW_N_CHECKS; check++)
    if (idw_verdict_get_status (verdict, check) == IDW_CHECK_STATUS_FAILED)
      g_ptr_array_add (names, (gpointer) idw_check_to_string (check));
  return join_sorted (names);
}

static char *
expected_failed_checks (JsonObject *test_case)
{
  JsonArray *failing = json_object_get_array_member (test_case, "failing");
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (failing); i++)
    g_ptr_array_add (names, (gpointer) json_array_get_string_element (failing, i));
  return join_sorted (names);
}

static gboolean
expected_to_fail (JsonObject *test_case,
                  const char *check_name)
{
  JsonArray *failing = json_object_get_array_member (test_case, "failing");

  for (guint i = 0; i < json_array_get_length (failing); i++)
    if (g_strcmp0 (json_array_get_string_element (failing, i), check_name) == 0)
      return TRUE;
  return FALSE;
}

static void
log_verdict (IdwVerdict *verdict)
{
  g_autofree char *json = idw_verdict_to_json (verdict, FALSE);

  /* The portrait makes this long; the checks come first. */
  g_test_message ("verdict: %.2000s", json);
}

/* The verdict's "disclosed" object equals the case's, member by member,
 * values compared as JSON text (dates "YYYY-MM-DD", bytes base64). */
static void
assert_disclosed (IdwVerdict *verdict,
                  JsonObject *expected)
{
  g_autoptr(JsonNode) root = idw_verdict_to_json_node (verdict);
  JsonObject *object;
  JsonObject *disclosed;
  g_autoptr(GList) name_spaces = NULL;
  g_autoptr(GList) actual_name_spaces = NULL;

  g_assert_nonnull (root);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_test_fail_printf ("the verdict JSON is not an object");
      return;
    }
  object = json_node_get_object (root);
  if (!json_object_has_member (object, "disclosed")
      || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "disclosed")))
    {
      g_test_fail_printf ("the verdict JSON has no \"disclosed\" object");
      return;
    }
  disclosed = json_object_get_object_member (object, "disclosed");

  name_spaces = json_object_get_members (expected);
  actual_name_spaces = json_object_get_members (disclosed);
  for (GList *l = actual_name_spaces; l != NULL; l = l->next)
    if (!json_object_has_member (expected, l->data))
      g_test_fail_printf ("namespace “%s” disclosed but not expected", (const char *) l->data);

  for (GList *l = name_spaces; l != NULL; l = l->next)
    {
      const char *name_space = l->data;
      JsonObject *want = json_object_get_object_member (expected, name_space);
      JsonObject *got;
      g_autoptr(GList) elements = json_object_get_members (want);
      g_autoptr(GList) actual_elements = NULL;

      if (!json_object_has_member (disclosed, name_space)
          || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (disclosed, name_space)))
        {
          g_test_fail_printf ("namespace “%s” expected but not disclosed", name_space);
          continue;
        }
      got = json_object_get_object_member (disclosed, name_space);

      actual_elements = json_object_get_members (got);
      for (GList *e = actual_elements; e != NULL; e = e->next)
        if (!json_object_has_member (want, e->data))
          g_test_fail_printf ("%s/%s disclosed but not expected", name_space, (const char *) e->data);

      for (GList *e = elements; e != NULL; e = e->next)
        {
          const char *element = e->data;
          g_autofree char *want_text = NULL;
          g_autofree char *got_text = NULL;

          if (!json_object_has_member (got, element))
            {
              g_test_fail_printf ("%s/%s expected but not disclosed", name_space, element);
              continue;
            }
          want_text = json_to_string (json_object_get_member (want, element), FALSE);
          got_text = json_to_string (json_object_get_member (got, element), FALSE);
          g_test_message ("%s/%s = %.80s", name_space, element, got_text);
          g_assert_cmpstr (got_text, ==, want_text);
        }
    }
}

/* Tests */

/* The check names of expected.json are ours, in our order. */
static void
test_check_names (gconstpointer data)
{
  JsonObject *root = (JsonObject *) data;
  JsonArray *checks = json_object_get_array_member (root, "checks");

  g_assert_cmpuint (json_array_get_length (checks), ==, IDW_N_CHECKS);
  if (json_array_get_length (checks) != IDW_N_CHECKS)
    return;
  for (IdwCheck check = 0; check < IDW_N_CHECKS; check++)
    g_assert_cmpstr (json_array_get_string_element (checks, check), ==,
                     idw_check_to_string (check));
}

/* A raw DeviceResponse with its SessionTranscript. */
static void
test_response (gconstpointer data)
{
  JsonObject *test_case = (JsonObject *) data;
  g_autoptr(IdwVerifier) verifier = case_verifier (test_case);
  g_autoptr(GBytes) response = read_vector (json_object_get_string_member (test_case, "response"));
  g_autoptr(GBytes) transcript = read_vector (json_object_get_string_member (test_case, "transcript"));
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autofree char *failed = NULL;
  g_autofree char *expected = NULL;
  gboolean valid = json_object_get_boolean_member (test_case, "valid");
  gboolean qr_handover = g_str_has_prefix (json_object_get_string_member (test_case, "transcript_form"),
                                           "IdWalletQRHandoverV1");

  g_test_message ("%s", json_object_get_string_member (test_case, "notes"));

  verdict = idw_verifier_verify_response (verifier, response, transcript);
  g_assert_nonnull (verdict);
  if (verdict == NULL)
    return;
  log_verdict (verdict);

  failed = verdict_failed_checks (verdict);
  expected = expected_failed_checks (test_case);
  g_assert_cmpstr (failed, ==, expected);
  g_assert_cmpint (idw_verdict_is_valid (verdict), ==, valid);

  /* Every check is evaluated: the ones not listed pass. Freshness too when
   * the transcript is ID Wallet's QR handover, whose presentedAt the
   * verifier checks as for the text form; for transcripts of sessions the
   * caller ran (OpenID4VP, the browser) it does not apply. */
  for (IdwCheck check = 0; check < IDW_N_CHECKS; check++)
    {
      const char *name = idw_check_to_string (check);
      IdwCheckStatus status = idw_verdict_get_status (verdict, check);
      IdwCheckStatus want;

      if (expected_to_fail (test_case, name))
        want = IDW_CHECK_STATUS_FAILED;
      else if ((check == IDW_CHECK_FRESHNESS && !qr_handover) || check == IDW_CHECK_REVOCATION)
        want = IDW_CHECK_STATUS_NOT_APPLICABLE;
      else
        want = IDW_CHECK_STATUS_PASSED;

      if (status != want)
        g_test_fail_printf ("check %s: %s, expected %s (%s)", name,
                            idw_check_status_to_string (status),
                            idw_check_status_to_string (want),
                            idw_verdict_get_detail (verdict, check));
    }

  if (valid)
    assert_disclosed (verdict, json_object_get_object_member (test_case, "disclosed"));
}

/* The same presentation as IDW1: text, presentedAt equal to `at`. */
static void
test_envelope (gconstpointer data)
{
  JsonObject *test_case = (JsonObject *) data;
  g_autoptr(IdwVerifier) verifier = case_verifier (test_case);
  g_autoptr(GBytes) text = read_vector (json_object_get_string_member (test_case, "envelope"));
  g_autofree char *line = g_strndup (g_bytes_get_data (text, NULL), g_bytes_get_size (text));
  g_autoptr(GDateTime) at = case_time (test_case);
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autofree char *failed = NULL;
  GDateTime *presented_at;

  g_assert_true (json_object_get_boolean_member (test_case, "valid"));

  verdict = idw_verifier_verify_text (verifier, g_strstrip (line));
  g_assert_nonnull (verdict);
  if (verdict == NULL)
    return;
  log_verdict (verdict);

  failed = verdict_failed_checks (verdict);
  g_assert_cmpstr (failed, ==, "");
  g_assert_true (idw_verdict_is_valid (verdict));
  for (IdwCheck check = 0; check < IDW_N_CHECKS; check++)
    g_assert_cmpstr (idw_check_status_to_string (idw_verdict_get_status (verdict, check)), ==,
                     idw_check_status_to_string (check == IDW_CHECK_REVOCATION ? IDW_CHECK_STATUS_NOT_APPLICABLE
                                                                               : IDW_CHECK_STATUS_PASSED));

  presented_at = idw_verdict_get_presented_at (verdict);
  g_assert_nonnull (presented_at);
  if (presented_at != NULL)
    g_assert_cmpint (g_date_time_to_unix (presented_at), ==, g_date_time_to_unix (at));

  assert_disclosed (verdict, json_object_get_object_member (test_case, "disclosed"));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  JsonObject *root;
  JsonArray *cases;

  g_test_init (&argc, &argv, NULL);

  path = vector_path ("expected.json");
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
  root = json_node_get_object (json_parser_get_root (parser));
  cases = json_object_get_array_member (root, "cases");
  g_assert_nonnull (cases);
  g_assert_cmpuint (json_array_get_length (cases), >, 0);

  g_test_add_data_func ("/interop/check-names", root, test_check_names);

  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *test_case = json_array_get_object_element (cases, i);
      const char *name = json_object_get_string_member (test_case, "name");
      g_autofree char *test_path = g_strconcat ("/interop/", name, NULL);

      g_test_add_data_func (test_path, test_case, test_response);

      if (json_object_has_member (test_case, "envelope"))
        {
          g_autofree char *envelope_path = g_strconcat ("/interop/envelope/", name, NULL);

          g_test_add_data_func (envelope_path, test_case, test_envelope);
        }
    }

  /* Every vector runs and reports, even after another one failed. */
  g_test_set_nonfatal_assertions ();

  /* The cases borrow from the parser, which lives until after the run. */
  return g_test_run ();
}
