/* test-realworld.c: the verifier against DeviceResponses from other issuers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The vectors are not part of the repository: they are read at run time
 * from shared/vectors/real-world/ next to it (G_TEST_SRCDIR/../../shared/…),
 * or from $IDW_REAL_WORLD_DIR, and the whole program is skipped when that
 * folder is absent. Each case is a folder (under cases/ when there is one)
 * holding response.cbor, optional transcript.cbor, reader.key (a P-256
 * scalar, raw or hex) and trust.pem, and expected.json:
 * {"verify_at": RFC 3339 | null, "expected_verdict": "ACCEPT" | "REJECT",
 * "expected_failures": [check names]}. Each case is one GTest case named
 * after its folder; it passes when the verdict's validity and the exact set
 * of failed checks are as expected, and otherwise prints every check. Run
 * it with -k (meson does), so that one failing case does not stop the rest.
 */
#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>

#include "idw-verifier.h"
#include "idw-x509.h"

#define REAL_WORLD_ENV "IDW_REAL_WORLD_DIR"
#define READER_KEY_LENGTH 32

/* Helpers */

static char *
vectors_directory (void)
{
  const char *override = g_getenv (REAL_WORLD_ENV);
  g_autofree char *path = NULL;

  if (override != NULL && *override != '\0')
    path = g_strdup (override);
  else
    path = g_test_build_filename (G_TEST_DIST, "..", "..", "shared", "vectors", "real-world", NULL);

  return g_canonicalize_filename (path, NULL);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The case folders under @root (or @root/cases), sorted by name. */
static GPtrArray *
list_cases (const char *root)
{
  g_autofree char *cases_dir = g_build_filename (root, "cases", NULL);
  const char *base = g_file_test (cases_dir, G_FILE_TEST_IS_DIR) ? cases_dir : root;
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;

  dir = g_dir_open (base, 0, &error);
  g_assert_no_error (error);

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (base, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        g_ptr_array_add (cases, g_steal_pointer (&path));
    }
  g_ptr_array_sort (cases, compare_names);

  return g_steal_pointer (&cases);
}

/* NULL without @error when @dir has no @name. */
static GBytes *
read_optional (const char  *dir,
               const char  *name,
               GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  char *contents = NULL;
  gsize len = 0;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return NULL;
  if (!g_file_get_contents (path, &contents, &len, error))
    return NULL;

  return g_bytes_new_take (contents, len);
}

/* Every certificate of a PEM file (idw_certificate_new_from_data() reads
 * the first one of what it is given). */
static gboolean
add_trust_anchors (IdwVerifier  *verifier,
                   GBytes       *pem,
                   GError      **error)
{
  static const char begin[] = "-----BEGIN CERTIFICATE-----";
  g_autofree char *text = g_strndup (g_bytes_get_data (pem, NULL), g_bytes_get_size (pem));
  guint n = 0;

  for (const char *p = strstr (text, begin); p != NULL; p = strstr (p + 1, begin))
    {
      g_autoptr(IdwCertificate) anchor = NULL;

      anchor = idw_certificate_new_from_data ((const guint8 *) p, strlen (p), error);
      if (anchor == NULL)
        return FALSE;
      idw_verifier_add_trust_anchor (verifier, anchor);
      n++;
    }

  /* A DER file, then. */
  if (n == 0)
    {
      g_autoptr(IdwCertificate) anchor = NULL;

      anchor = idw_certificate_new_from_data (g_bytes_get_data (pem, NULL),
                                              g_bytes_get_size (pem), error);
      if (anchor == NULL)
        return FALSE;
      idw_verifier_add_trust_anchor (verifier, anchor);
      n++;
    }

  g_test_message ("%u trust anchor(s)", n);

  return TRUE;
}


/* CBOR as binary or hex: a DeviceResponse (a map) or a SessionTranscript
 * (an array or tag 24) never starts with an ASCII hex digit or space. */
static GBytes *
cbor_contents (GBytes *data)
{
  GBytes *decoded = idw_input_decode_hex (data);

  return decoded != NULL ? decoded : g_bytes_ref (data);
}

/* reader.key: exactly 32 raw bytes, or 64 hex digits. */
static GBytes *
parse_reader_key (GBytes *contents)
{
  g_autoptr(GBytes) key = NULL;

  if (g_bytes_get_size (contents) == READER_KEY_LENGTH)
    return g_bytes_ref (contents);

  key = idw_input_decode_hex (contents);
  if (key == NULL || g_bytes_get_size (key) != READER_KEY_LENGTH)
    return NULL;

  return g_steal_pointer (&key);
}

/* "a, b, c" sorted, so that two sets compare as strings. */
static char *
join_sorted (GPtrArray *names)
{
  g_autoptr(GString) joined = g_string_new (NULL);

  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      if (i > 0)
        g_string_append (joined, ", ");
      g_string_append (joined, g_ptr_array_index (names, i));
    }

  return g_string_free (g_steal_pointer (&joined), FALSE);
}

static gboolean
is_check_name (const char *name)
{
  for (IdwCheck check = 0; check < IDW_N_CHECKS; check++)
    if (g_strcmp0 (idw_check_to_string (check), name) == 0)
      return TRUE;

  return FALSE;
}

typedef struct
{
  GDateTime *at;        /* NULL for now */
  gboolean   valid;
  char      *failures;  /* sorted, ", " between */
  char      *source;
  char      *why;
} Expected;

static void
expected_clear (Expected *expected)
{
  g_clear_pointer (&expected->at, g_date_time_unref);
  g_clear_pointer (&expected->failures, g_free);
  g_clear_pointer (&expected->source, g_free);
  g_clear_pointer (&expected->why, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Expected, expected_clear)

static gboolean
load_expected (const char  *dir,
               Expected    *out,
               GError     **error)
{
  g_autofree char *path = g_build_filename (dir, "expected.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  JsonObject *object;
  JsonNode *node;
  JsonArray *failures;
  const char *verdict;

  if (!json_parser_load_from_file (parser, path, error))
    return FALSE;
  node = json_parser_get_root (parser);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: not an object", path);
      return FALSE;
    }
  object = json_node_get_object (node);

  node = json_object_get_member (object, "verify_at");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      const char *text = json_node_get_string (node);

      out->at = text != NULL ? g_date_time_new_from_iso8601 (text, utc) : NULL;
      if (out->at == NULL)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "%s: verify_at is not an RFC 3339 time or null", path);
          return FALSE;
        }
    }

  verdict = json_object_get_string_member_with_default (object, "expected_verdict", "");
  if (g_strcmp0 (verdict, "ACCEPT") != 0 && g_strcmp0 (verdict, "REJECT") != 0)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s: expected_verdict “%s” is not ACCEPT or REJECT", path, verdict);
      return FALSE;
    }
  out->valid = g_str_equal (verdict, "ACCEPT");

  node = json_object_get_member (object, "expected_failures");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s: expected_failures is not an array", path);
      return FALSE;
    }
  failures = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (failures); i++)
    {
      JsonNode *element = json_array_get_element (failures, i);
      const char *name = JSON_NODE_HOLDS_VALUE (element) ? json_node_get_string (element) : NULL;

      if (name == NULL || !is_check_name (name))
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "%s: expected_failures[%u] is not a check name", path, i);
          return FALSE;
        }
      g_ptr_array_add (names, (gpointer) name);
    }
  out->failures = join_sorted (names);

  out->source = g_strdup (json_object_get_string_member_with_default (object, "source", ""));
  out->why = g_strdup (json_object_get_string_member_with_default (object, "why", ""));

  return TRUE;
}

static char *
verdict_failures (IdwVerdict *verdict)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();

  for (IdwCheck check = 0; check < IDW_N_CHECKS; check++)
    if (idw_verdict_get_status (verdict, check) == IDW_CHECK_STATUS_FAILED)
      g_ptr_array_add (names, (gpointer) idw_check_to_string (check));

  return join_sorted (names);
}

static void
log_checks (IdwVerdict *verdict)
{
  for (IdwCheck check = 0; check < IDW_N_CHECKS; check++)
    {
      const char *detail = idw_verdict_get_detail (verdict, check);

      g_test_message ("  %-16s %-14s %s", idw_check_to_string (check),
                      idw_check_status_to_string (idw_verdict_get_status (verdict, check)),
                      detail != NULL ? detail : "");
    }
}

/* Tests */

/* A verifier at the case's time with its reader key; the trust anchors
 * come separately. */
static IdwVerifier *
case_verifier (const char      *dir,
               const Expected  *expected,
               GError         **error)
{
  g_autoptr(IdwVerifier) verifier = idw_verifier_new ();
  g_autoptr(GBytes) reader_key_file = NULL;

  if (expected->at != NULL)
    idw_verifier_set_time (verifier, expected->at);

  reader_key_file = read_optional (dir, "reader.key", error);
  if (reader_key_file == NULL && *error != NULL)
    return NULL;
  if (reader_key_file != NULL)
    {
      g_autoptr(GBytes) reader_key = parse_reader_key (reader_key_file);

      if (reader_key == NULL)
        {
          g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                       "reader.key: neither %d bytes nor %d hex digits",
                       READER_KEY_LENGTH, 2 * READER_KEY_LENGTH);
          return NULL;
        }
      if (!idw_verifier_set_reader_key (verifier, g_bytes_get_data (reader_key, NULL),
                                        g_bytes_get_size (reader_key), error))
        return NULL;
    }

  return g_steal_pointer (&verifier);
}

static void
test_case (gconstpointer data)
{
  const char *dir = data;
  g_auto(Expected) expected = { 0 };
  g_autoptr(IdwVerifier) verifier = NULL;
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GBytes) transcript = NULL;
  g_autoptr(GBytes) trust = NULL;
  g_autoptr(GBytes) response_cbor = NULL;
  g_autoptr(GBytes) transcript_cbor = NULL;
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) trust_error = NULL;
  g_autofree char *failures = NULL;
  gboolean valid;

  /* A case that cannot be read fails alone; the others still run. */
  if (!load_expected (dir, &expected, &error) ||
      (verifier = case_verifier (dir, &expected, &error)) == NULL ||
      ((trust = read_optional (dir, "trust.pem", &error)) == NULL && error != NULL) ||
      ((transcript = read_optional (dir, "transcript.cbor", &error)) == NULL && error != NULL) ||
      (response = read_optional (dir, "response.cbor", &error)) == NULL)
    {
      g_test_fail_printf ("%s: %s", dir, error != NULL ? error->message : "no response.cbor");
      return;
    }
  g_test_message ("%s: %s", dir, expected.source);

  /* An anchor we cannot read fails the case, but the verdict without it
   * is still worth showing. */
  if (trust != NULL && !add_trust_anchors (verifier, trust, &trust_error))
    g_test_message ("trust.pem: %s", trust_error->message);

  response_cbor = cbor_contents (response);
  transcript_cbor = transcript != NULL ? cbor_contents (transcript) : NULL;
  verdict = idw_verifier_verify_response (verifier, response_cbor, transcript_cbor);
  g_assert_nonnull (verdict);

  valid = idw_verdict_is_valid (verdict);
  failures = verdict_failures (verdict);

  if (trust_error != NULL || valid != expected.valid ||
      g_strcmp0 (failures, expected.failures) != 0)
    {
      if (*expected.why != '\0')
        g_test_message ("expected because: %s", expected.why);
      g_test_message ("verdict at %s%s:", expected.at != NULL ? "verify_at" : "now",
                      trust_error != NULL ? ", without the anchor of trust.pem" : "");
      log_checks (verdict);
      g_test_fail_printf ("%s%s%s%s, expected %s; failed checks {%s}, expected {%s}",
                          trust_error != NULL ? "trust.pem: " : "",
                          trust_error != NULL ? trust_error->message : "",
                          trust_error != NULL ? "; verdict without it " : "",
                          valid ? "ACCEPT" : "REJECT", expected.valid ? "ACCEPT" : "REJECT",
                          failures, expected.failures);
    }
}

static void
test_no_vectors (gconstpointer data)
{
  const char *root = data;

  g_test_skip_printf ("no real-world vectors at %s (set " REAL_WORLD_ENV " to their folder)", root);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *root = NULL;
  g_autoptr(GPtrArray) cases = NULL;

  g_test_init (&argc, &argv, NULL);

  root = vectors_directory ();
  if (!g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_test_add_data_func ("/realworld/vectors", root, test_no_vectors);
      return g_test_run ();
    }

  cases = list_cases (root);
  g_assert_cmpuint (cases->len, >, 0);
  for (guint i = 0; i < cases->len; i++)
    {
      const char *dir = g_ptr_array_index (cases, i);
      g_autofree char *base = g_path_get_basename (dir);
      g_autofree char *test_path = g_strconcat ("/realworld/", base, NULL);

      g_test_add_data_func (test_path, dir, test_case);
    }

  return g_test_run ();
}
