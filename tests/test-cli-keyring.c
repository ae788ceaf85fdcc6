/* test-cli-keyring.c: the id-wallet-cli commands that need the keyring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * request, import, list, present by wallet ID, and the request → issue →
 * import round trip that binds a credential to the wallet's own key
 * (DESIGN §3.2, §7). build-aux/dev test runs this inside a private D-Bus
 * session with a gnome-keyring-daemon unlocked by a test password; the
 * spawned CLI inherits that session, and gets an XDG_DATA_HOME of the
 * test's own for the credential store.
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "idwallet.h"
#include "cli-test-util.h"
#include "tpm-test-util.h"

/* ---- Shared: the issuer and credential of cli-test-util.h, the ID ---- */

static char *person;
static char *imported_id;  /* the credential's ID in the wallet */

static void
ensure_issuer (void)
{
  ensure_credential ();
  if (person == NULL)
    person = g_test_build_filename (G_TEST_DIST, "data", "cli", "person.json", NULL);
}

static gboolean
is_wallet_id (const char *text)
{
  if (strlen (text) != 32)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
        return FALSE;
    }
  return TRUE;
}

static JsonObject *
verify_json (int         expected_status,
             const char *text)
{
  g_autoptr(Run) run = run_cli (text, "verify", "--json", "--trust", iaca_pem, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (run->status, ==, expected_status);
  json_parser_load_from_data (parser, run->out, -1, &error);
  g_assert_no_error (error);

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static gboolean
file_contains (const char   *path,
               const guint8 *needle,
               gsize         needle_len)
{
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  for (gsize i = 0; i + needle_len <= len; i++)
    {
      if (memcmp (contents + i, needle, needle_len) == 0)
        return TRUE;
    }
  return FALSE;
}

/* ---- Tests ------------------------------------------------------------ */

static void
test_list_empty (void)
{
  g_autoptr(Run) list = run_cli (NULL, "list", NULL);

  g_assert_cmpint (list->status, ==, 0);
  g_assert_cmpstr (list->out, ==, "");
  g_assert_nonnull (strstr (list->err, "empty"));
}

static void
test_import (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCredential) file_credential = NULL;
  g_autoptr(IdwKey) in_keyring = NULL;
  g_autoptr(Run) import = NULL;
  g_autoptr(Run) again = NULL;
  g_autofree char *store_file = NULL;
  g_autofree char *name = NULL;
  guint8 seed[32];

  ensure_issuer ();

  import = run_cli (NULL, "import", credential, NULL);
  g_assert_cmpint (import->status, ==, 0);
  imported_id = g_strstrip (g_strdup (import->out));
  g_assert_true (is_wallet_id (imported_id));
  g_assert_nonnull (strstr (import->err, "Erika Zoë Mustermann"));
  g_assert_nonnull (strstr (import->err, "keyring"));

  /* The credential is in the store; its private key in the keyring and
   * nowhere in the store. */
  name = g_strconcat (imported_id, IDW_STORE_FILE_SUFFIX, NULL);
  store_file = g_build_filename (data_home, "id-wallet", "credentials", name, NULL);
  g_assert_true (g_file_test (store_file, G_FILE_TEST_IS_REGULAR));

  file_credential = idw_credential_new_from_file (credential, &error);
  g_assert_no_error (error);
  g_assert_true (idw_key_export_seed (idw_credential_get_private_key (file_credential), seed));
  g_assert_false (file_contains (store_file, seed, sizeof seed));
  in_keyring = idw_keystore_find_private_key_sync (idw_credential_get_device_key (file_credential), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (idw_key_has_private (in_keyring));
  g_assert_true (idw_key_equal (in_keyring, idw_credential_get_private_key (file_credential)));
  memset (seed, 0, sizeof seed);

  /* The same credential again. */
  again = run_cli (NULL, "import", credential, NULL);
  g_assert_cmpint (again->status, ==, 1);
  g_assert_cmpstr (again->out, ==, "");
  g_assert_nonnull (strstr (again->err, "already in the wallet"));
  g_assert_nonnull (strstr (again->err, imported_id));
}

/* @path's bytes with the last @from replaced by @to (same length). */
static char *
patched_copy (const char *path,
              const char *name,
              const char *from,
              const char *to)
{
  g_autofree char *contents = NULL;
  gsize len;
  gsize from_len = strlen (from);
  char *found = NULL;

  g_assert_cmpuint (from_len, ==, strlen (to));
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  for (gsize i = 0; i + from_len <= len; i++)
    {
      if (memcmp (contents + i, from, from_len) == 0)
        found = contents + i;
    }
  g_assert_nonnull (found);
  memcpy (found, to, from_len);

  return write_tmp (name, contents, (gssize) len);
}

static void
test_import_refused (void)
{
  g_autoptr(IdwCredential) parsed = NULL;
  g_autoptr(GDateTime) until = NULL;
  g_autofree char *until_text = NULL;
  g_autofree char *later_text = NULL;
  g_autofree char *damaged = NULL;
  g_autofree char *forged = NULL;
  g_autofree char *truncated = NULL;
  g_autofree char *missing = tmp_path ("no-such.idwcred");
  g_autofree char *contents = NULL;
  g_autoptr(Run) not_credential = NULL;
  g_autoptr(Run) damaged_run = NULL;
  g_autoptr(Run) forged_run = NULL;
  g_autoptr(Run) truncated_run = NULL;
  g_autoptr(Run) missing_run = NULL;
  g_autoptr(Run) list = NULL;
  gsize len;

  ensure_issuer ();

  /* JSON is not a credential. */
  not_credential = run_cli (NULL, "import", person, NULL);
  g_assert_cmpint (not_credential->status, ==, 1);
  g_assert_nonnull (strstr (not_credential->err, "not an ID credential"));

  /* An element changed: its digest no longer matches. */
  damaged = patched_copy (credential, "damaged.idwcred", "Mustermann", "Musterfrau");
  damaged_run = run_cli (NULL, "import", damaged, NULL);
  g_assert_cmpint (damaged_run->status, ==, 1);
  g_assert_nonnull (strstr (damaged_run->err, "damaged"));

  /* The MSO's validUntil moved a year on: digests hold, the issuer's
   * signature does not. */
  parsed = idw_credential_new_from_file (credential, NULL);
  g_assert_nonnull (parsed);
  until = g_date_time_to_utc (idw_credential_get_valid_until (parsed));
  until_text = g_date_time_format (until, "%Y-%m-%dT%H:%M:%S");
  later_text = g_strdup_printf ("%04d%s", g_date_time_get_year (until) + 1, until_text + 4);
  forged = patched_copy (credential, "forged.idwcred", until_text, later_text);
  forged_run = run_cli (NULL, "import", forged, NULL);
  g_assert_cmpint (forged_run->status, ==, 1);
  g_assert_nonnull (strstr (forged_run->err, "signature"));

  /* Cut short: not CBOR any more. */
  g_assert_true (g_file_get_contents (credential, &contents, &len, NULL));
  truncated = write_tmp ("truncated.idwcred", contents, (gssize) len / 2);
  truncated_run = run_cli (NULL, "import", truncated, NULL);
  g_assert_cmpint (truncated_run->status, ==, 1);

  missing_run = run_cli (NULL, "import", missing, NULL);
  g_assert_cmpint (missing_run->status, ==, 2);
  g_assert_nonnull (strstr (missing_run->err, missing));

  /* None of them went in. */
  list = run_cli (NULL, "list", NULL);
  g_assert_cmpint (list->status, ==, 0);
  g_assert_null (strstr (list->out, "Musterfrau"));
}

static void
test_list (void)
{
  g_autoptr(Run) list = NULL;
  g_autoptr(Run) with_damaged = NULL;
  g_autofree char *damaged_path = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) fields = NULL;

  g_assert_nonnull (imported_id);

  list = run_cli (NULL, "list", NULL);
  g_assert_cmpint (list->status, ==, 0);
  lines = g_strsplit (list->out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_cmpstr (lines[1], ==, "");

  /* ID, document type, holder, validity, state. */
  fields = g_strsplit (lines[0], "\t", -1);
  g_assert_cmpuint (g_strv_length (fields), ==, 5);
  g_assert_cmpstr (fields[0], ==, imported_id);
  g_assert_cmpstr (fields[1], ==, IDW_DOCTYPE_MDL);
  g_assert_cmpstr (fields[2], ==, "Erika Zoë Mustermann");
  g_assert_true (g_regex_match_simple ("^[0-9]{4}-[0-9]{2}-[0-9]{2}/[0-9]{4}-[0-9]{2}-[0-9]{2}$", fields[3], 0, 0));
  g_assert_cmpstr (fields[4], ==, "valid, test issuer");

  /* A damaged file is listed as such, and the others still are. */
  damaged_path = g_build_filename (data_home, "id-wallet", "credentials",
                                   "0123456789abcdef0123456789abcdef" IDW_STORE_FILE_SUFFIX, NULL);
  g_assert_true (g_file_set_contents (damaged_path, "IDWS1\nnot really", -1, NULL));
  with_damaged = run_cli (NULL, "list", NULL);
  g_assert_cmpint (with_damaged->status, ==, 0);
  g_assert_nonnull (strstr (with_damaged->out, "0123456789abcdef0123456789abcdef\tDAMAGED\t"));
  g_assert_nonnull (strstr (with_damaged->out, lines[0]));
  g_assert_nonnull (strstr (with_damaged->err, "damaged"));
  g_assert_cmpint (g_remove (damaged_path), ==, 0);
}

static void
test_present_by_id (void)
{
  g_autofree char *prefix = NULL;
  g_autoptr(Run) by_id = NULL;
  g_autoptr(Run) by_prefix = NULL;
  g_autoptr(Run) unknown = NULL;
  g_autoptr(JsonObject) verdict = NULL;
  g_autoptr(JsonObject) prefix_verdict = NULL;
  JsonObject *disclosed;
  JsonObject *mdl;

  g_assert_nonnull (imported_id);

  by_id = run_cli (NULL, "present", imported_id, "--preset", "age-over-18", NULL);
  g_assert_cmpint (by_id->status, ==, 0);
  g_assert_true (g_str_has_prefix (by_id->out, "IDW1:"));
  verdict = verify_json (0, by_id->out);
  disclosed = json_object_get_object_member (verdict, "disclosed");
  mdl = json_object_get_object_member (disclosed, IDW_NAMESPACE_MDL);
  g_assert_cmpuint (json_object_get_size (mdl), ==, 1);
  g_assert_true (json_object_get_boolean_member (mdl, "age_over_18"));

  /* The start of an ID will do. */
  prefix = g_strndup (imported_id, 8);
  by_prefix = run_cli (NULL, "present", prefix, "--elements", "family_name", NULL);
  g_assert_cmpint (by_prefix->status, ==, 0);
  prefix_verdict = verify_json (0, by_prefix->out);
  g_assert_true (json_object_get_boolean_member (prefix_verdict, "valid"));

  unknown = run_cli (NULL, "present", "ffffffffffffffff", NULL);
  g_assert_cmpint (unknown->status, ==, 2);
  g_assert_cmpstr (unknown->out, ==, "");
  g_assert_nonnull (strstr (unknown->err, "ffffffffffffffff"));
}

static void
test_request_issue_import (void)
{
  g_autofree char *request_file = tmp_path ("request.cbor");
  g_autofree char *request_text_file = NULL;
  g_autofree char *bound = tmp_path ("bound.idwcred");
  g_autofree char *bound_from_text = tmp_path ("bound-text.idwcred");
  g_autofree char *tampered_out = tmp_path ("never.idwcred");
  g_autofree char *tampered_request = NULL;
  g_autofree char *id = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCredentialRequest) from_file = NULL;
  g_autoptr(IdwCredentialRequest) from_text = NULL;
  g_autoptr(IdwCredential) issued = NULL;
  g_autoptr(IdwKey) in_keyring = NULL;
  g_autoptr(Run) request = NULL;
  g_autoptr(Run) exists = NULL;
  g_autoptr(Run) issue = NULL;
  g_autoptr(Run) issue_text = NULL;
  g_autoptr(Run) tampered = NULL;
  g_autoptr(Run) import = NULL;
  g_autoptr(Run) present = NULL;
  g_autoptr(JsonObject) verdict = NULL;
  gsize len;

  ensure_issuer ();

  /* The holder: a key in the keyring, a request in a file and as text. */
  request = run_cli (NULL, "request", "--out", request_file, "--name", "Test request", NULL);
  g_assert_cmpint (request->status, ==, 0);
  g_assert_true (g_str_has_prefix (request->out, IDW_PREFIX_CREDENTIAL));
  from_file = idw_credential_request_new_from_file (request_file, NULL, &error);
  g_assert_no_error (error);
  from_text = idw_credential_request_parse_text (request->out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (idw_key_equal (idw_credential_request_get_device_key (from_file),
                                idw_credential_request_get_device_key (from_text)));
  in_keyring = idw_keystore_find_private_key_sync (idw_credential_request_get_device_key (from_file), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (idw_key_has_private (in_keyring));
  /* Never the private key on the terminal. */
  {
    guint8 seed[32];
    g_autoptr(GString) hex = g_string_new (NULL);

    g_assert_true (idw_key_export_seed (in_keyring, seed));
    for (guint i = 0; i < sizeof seed; i++)
      g_string_append_printf (hex, "%02x", seed[i]);
    memset (seed, 0, sizeof seed);
    g_assert_null (strstr (request->out, hex->str));
    g_assert_null (strstr (request->err, hex->str));
    g_assert_false (file_contains (request_file, (const guint8 *) hex->str, hex->len));
  }

  exists = run_cli (NULL, "request", "--out", request_file, NULL);
  g_assert_cmpint (exists->status, ==, 2);
  g_assert_nonnull (strstr (exists->err, "already exists"));

  /* The issuer: binds the credential to the request's key. */
  issue = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person,
                   "--request", request_file, "--out", bound, NULL);
  g_assert_cmpint (issue->status, ==, 0);
  g_assert_nonnull (strstr (issue->out, "Bound to the device key"));
  issued = idw_credential_new_from_file (bound, &error);
  g_assert_no_error (error);
  g_assert_null (idw_credential_get_private_key (issued));
  g_assert_true (idw_key_equal (idw_credential_get_device_key (issued),
                                idw_credential_request_get_device_key (from_file)));

  /* The text form of the request, pasted into a file, does as well. */
  request_text_file = write_tmp ("request.txt", request->out, -1);
  issue_text = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person,
                        "--request", request_text_file, "--out", bound_from_text, NULL);
  g_assert_cmpint (issue_text->status, ==, 0);

  /* A request whose proof does not verify is refused, nothing written. */
  g_assert_true (g_file_get_contents (request_file, &contents, &len, NULL));
  /* A bit of the signature: the first 64-byte bstr (58 40 …) is the
   * proof's. */
  for (gsize i = 0; i + 2 + 64 <= len; i++)
    {
      if ((guint8) contents[i] == 0x58 && contents[i + 1] == 0x40)
        {
          contents[i + 10] ^= 0x01;
          break;
        }
    }
  tampered_request = write_tmp ("tampered-request.cbor", contents, (gssize) len);
  tampered = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person,
                      "--request", tampered_request, "--out", tampered_out, NULL);
  g_assert_cmpint (tampered->status, ==, 1);
  g_assert_nonnull (strstr (tampered->err, "proof"));
  g_assert_false (g_file_test (tampered_out, G_FILE_TEST_EXISTS));

  /* The holder imports it: it matches the key in the keyring, and can be
   * presented from the wallet. */
  import = run_cli (NULL, "import", bound, NULL);
  g_assert_cmpint (import->status, ==, 0);
  id = g_strstrip (g_strdup (import->out));
  g_assert_true (is_wallet_id (id));
  g_assert_nonnull (strstr (import->err, "bound to a device key in the keyring"));

  present = run_cli (NULL, "present", id, NULL);
  g_assert_cmpint (present->status, ==, 0);
  verdict = verify_json (0, present->out);
  g_assert_true (json_object_get_boolean_member (verdict, "valid"));
}

/* The same with a P-256 device key (ES256), the kind a TPM holds:
 * request --device-alg ES256 → issue --request → import → present →
 * verify. */
static void
test_request_es256 (void)
{
  g_autofree char *request_file = tmp_path ("request-es256.cbor");
  g_autofree char *bound = tmp_path ("bound-es256.idwcred");
  g_autofree char *id = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCredentialRequest) parsed = NULL;
  g_autoptr(IdwCredential) issued = NULL;
  g_autoptr(IdwKey) in_keyring = NULL;
  g_autoptr(IdwEnvelope) envelope = NULL;
  g_autoptr(IdwDeviceResponse) response = NULL;
  g_autoptr(IdwCoseSign1) sign1 = NULL;
  g_autoptr(Run) request = NULL;
  g_autoptr(Run) issue = NULL;
  g_autoptr(Run) import = NULL;
  g_autoptr(Run) present = NULL;
  g_autoptr(JsonObject) verdict = NULL;
  IdwDocument *doc;

  ensure_issuer ();

  request = run_cli (NULL, "request", "--out", request_file, "--device-alg", "ES256",
                     "--name", "ES256 request", NULL);
  g_assert_cmpint (request->status, ==, 0);
  parsed = idw_credential_request_new_from_file (request_file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (idw_key_get_alg (idw_credential_request_get_device_key (parsed)), ==, IDW_COSE_ALG_ES256);
  in_keyring = idw_keystore_find_private_key_sync (idw_credential_request_get_device_key (parsed), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (idw_key_get_curve (in_keyring), ==, IDW_CURVE_P256);
  g_assert_true (idw_key_has_private (in_keyring));

  issue = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person,
                   "--request", request_file, "--out", bound, NULL);
  g_assert_cmpint (issue->status, ==, 0);
  issued = idw_credential_new_from_file (bound, &error);
  g_assert_no_error (error);
  g_assert_null (idw_credential_get_private_key (issued));
  g_assert_true (idw_key_equal (idw_credential_get_device_key (issued), in_keyring));

  import = run_cli (NULL, "import", bound, NULL);
  g_assert_cmpint (import->status, ==, 0);
  id = g_strstrip (g_strdup (import->out));
  g_assert_true (is_wallet_id (id));
  g_assert_nonnull (strstr (import->err, "bound to a device key in the keyring"));

  present = run_cli (NULL, "present", id, NULL);
  g_assert_cmpint (present->status, ==, 0);
  g_strstrip (present->out);
  envelope = idw_envelope_parse_text (present->out, &error);
  g_assert_no_error (error);
  response = idw_device_response_parse (envelope->response, IDW_MDOC_PARSE_DEFAULT, &error);
  g_assert_no_error (error);
  doc = g_ptr_array_index (response->documents, 0);
  sign1 = idw_cose_sign1_parse (doc->device_signed->device_signature, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sign1->alg, ==, IDW_COSE_ALG_ES256);
  g_assert_cmpuint (g_bytes_get_size (sign1->signature), ==, 64);

  verdict = verify_json (0, present->out);
  g_assert_true (json_object_get_boolean_member (verdict, "valid"));
}

static void
test_import_without_key (void)
{
  g_autoptr(IdwKey) key = idw_key_generate_ed25519 ();
  g_autoptr(cbor_item_t) cose = idw_cose_key_encode (key, FALSE);
  g_autoptr(GBytes) cose_bytes = idw_cbor_encode (cose);
  g_autofree char *key_file = write_tmp ("holder.cose", g_bytes_get_data (cose_bytes, NULL),
                                         (gssize) g_bytes_get_size (cose_bytes));
  g_autofree char *out = tmp_path ("keyless.idwcred");
  g_autofree char *id = NULL;
  g_autoptr(Run) issue = NULL;
  g_autoptr(Run) import = NULL;
  g_autoptr(Run) present = NULL;

  ensure_issuer ();

  /* Issued to a key the wallet does not hold: shown, but not presentable. */
  issue = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person,
                   "--device-key", key_file, "--out", out, NULL);
  g_assert_cmpint (issue->status, ==, 0);

  import = run_cli (NULL, "import", out, NULL);
  g_assert_cmpint (import->status, ==, 0);
  id = g_strstrip (g_strdup (import->out));
  g_assert_nonnull (strstr (import->err, "cannot be presented"));

  present = run_cli (NULL, "present", id, NULL);
  g_assert_cmpint (present->status, ==, 1);
  g_assert_cmpstr (present->out, ==, "");
  g_assert_nonnull (strstr (present->err, "no device key"));
}

/* ---- Hostile text --------------------------------------------------------- */

/* A credential whose document type and holder's name clear the screen,
 * add list fields and lines, and reorder the line: import and list print
 * them escaped. */
static void
test_hostile_import_list (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autofree char *hostile_person = NULL;
  g_autofree char *out = tmp_path ("hostile.idwcred");
  g_autofree char *id = NULL;
  g_autofree char *expected_line = NULL;
  g_autoptr(Run) issue = NULL;
  g_autoptr(Run) import = NULL;
  g_autoptr(Run) list = NULL;
  const char *doctype = "org.example.doc\x1b[31m\t";
  const char *doctype_shown = "org.example.doc\\x1b[31m\\t";
  const char *family = "Doe\x1b[2J\tvalid\n\xc2\x9b" "1K\xe2\x80\xae" "x";
  const char *holder_shown = "Eve Doe\\x1b[2J\\tvalid\\n\\u009b1K\\u202ex";

  ensure_issuer ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, IDW_NAMESPACE_MDL);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "family_name");
  json_builder_add_string_value (builder, family);
  json_builder_set_member_name (builder, "given_name");
  json_builder_add_string_value (builder, "Eve");
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, NULL);
  hostile_person = write_tmp ("hostile-person.json", json, -1);

  issue = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", hostile_person, "--doctype", doctype,
                   "--new-device-key", "--out", out, NULL);
  g_assert_cmpint (issue->status, ==, 0);
  assert_terminal_safe (issue->out);

  import = run_cli (NULL, "import", out, NULL);
  g_assert_cmpint (import->status, ==, 0);
  assert_terminal_safe (import->out);
  assert_terminal_safe (import->err);
  id = g_strstrip (g_strdup (import->out));
  g_assert_true (is_wallet_id (id));
  g_assert_nonnull (strstr (import->err, doctype_shown));
  g_assert_nonnull (strstr (import->err, holder_shown));

  list = run_cli (NULL, "list", NULL);
  g_assert_cmpint (list->status, ==, 0);
  assert_terminal_safe (list->out);
  assert_terminal_safe (list->err);
  /* Still five fields on one line. */
  expected_line = g_strdup_printf ("\n%s\t%s\t%s\t", id, doctype_shown, holder_shown);
  g_assert_nonnull (strstr (list->out, expected_line + (g_str_has_prefix (list->out, id) ? 1 : 0)));
}

/* ---- main --------------------------------------------------------------- */

/* The acceptance of issue 15 on a software TPM: request --hardware →
 * issue --request → import → present → verify valid; the same wallet with
 * a fresh TPM cannot present and says why; with no TPM, --hardware says so
 * and the keyring path still works. */
static void
test_request_hardware (void)
{
  g_autofree char *request_file = tmp_path ("request-tpm.cbor");
  g_autofree char *plain_file = tmp_path ("request-no-tpm.cbor");
  g_autofree char *bound = tmp_path ("bound-tpm.idwcred");
  g_autofree char *id = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCredentialRequest) parsed = NULL;
  g_autoptr(IdwKey) in_tpm = NULL;
  g_autoptr(JsonObject) verdict = NULL;
  SwTpm tpm = { 0 };
  SwTpm other = { 0 };

  if (!idw_tpm_is_supported () || !swtpm_available ())
    {
      g_test_skip (idw_tpm_is_supported () ? "swtpm is not installed (Debian: swtpm)"
                                           : "built without TPM support");
      return;
    }

  ensure_issuer ();
  swtpm_start (&tpm);
  g_setenv ("IDW_TPM_TCTI", tpm.tcti, TRUE);

  {
    g_autoptr(Run) request = run_cli (NULL, "request", "--hardware", "--out", request_file,
                                      "--name", "TPM request", NULL);

    g_assert_cmpint (request->status, ==, 0);
    g_assert_nonnull (strstr (request->err, "in this computer’s TPM"));
    /* A fresh swtpm has no EK certificate; the request says so. */
    g_assert_nonnull (strstr (request->err, "this TPM has no endorsement key certificate"));
  }
  parsed = idw_credential_request_new_from_file (request_file, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (idw_key_get_alg (idw_credential_request_get_device_key (parsed)), ==, IDW_COSE_ALG_ES256);
  in_tpm = idw_keystore_find_private_key_sync (idw_credential_request_get_device_key (parsed), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (idw_key_is_hardware (in_tpm));

  {
    g_autoptr(Run) issue = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person,
                                    "--request", request_file, "--out", bound, NULL);
    g_autoptr(Run) import = NULL;
    g_autoptr(Run) present = NULL;

    g_assert_cmpint (issue->status, ==, 0);
    g_assert_nonnull (strstr (issue->out, "Device key: in a TPM, certified by its attestation key; the TPM has "
                                          "no endorsement key certificate."));
    import = run_cli (NULL, "import", bound, NULL);
    g_assert_cmpint (import->status, ==, 0);
    id = g_strstrip (g_strdup (import->out));
    g_assert_true (is_wallet_id (id));

    present = run_cli (NULL, "present", id, NULL);
    g_assert_cmpint (present->status, ==, 0);
    verdict = verify_json (0, g_strstrip (present->out));
    g_assert_true (json_object_get_boolean_member (verdict, "valid"));
  }

  /* Another computer: the keyring and the wallet as they are, a fresh
   * TPM. */
  swtpm_start (&other);
  g_setenv ("IDW_TPM_TCTI", other.tcti, TRUE);
  {
    g_autoptr(Run) present = run_cli (NULL, "present", id, NULL);

    g_assert_cmpint (present->status, !=, 0);
    g_assert_cmpstr (present->out, ==, "");
    g_assert_nonnull (strstr (present->err, "another computer’s TPM"));
    g_assert_nonnull (strstr (present->err, "re-issued"));
  }
  swtpm_stop (&other);

  /* No TPM at all: --hardware says so; without it, the keyring. */
  swtpm_stop (&tpm);
  {
    g_autoptr(Run) hardware = NULL;
    g_autoptr(Run) plain = NULL;

    g_setenv ("IDW_TPM_TCTI", "swtpm:host=127.0.0.1,port=1", TRUE);
    hardware = run_cli (NULL, "request", "--hardware", "--out", plain_file, NULL);
    g_assert_cmpint (hardware->status, ==, 1);
    g_assert_nonnull (strstr (hardware->err, "No TPM is available"));
    g_assert_false (g_file_test (plain_file, G_FILE_TEST_EXISTS));

    plain = run_cli (NULL, "request", "--out", plain_file, NULL);
    g_assert_cmpint (plain->status, ==, 0);
    g_assert_nonnull (strstr (plain->err, "is in the keyring"));
  }
  g_unsetenv ("IDW_TPM_TCTI");
}

/* @path's request with one byte of its TPM certification's attest
 * flipped, written to @out. */
static void
write_tampered_request (const char *path,
                        const char *out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len;
  g_autoptr(cbor_item_t) map = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) encoded = NULL;
  cbor_item_t *tpm;
  cbor_item_t *attest;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  bytes = g_bytes_new (contents, len);
  map = idw_cbor_decode_bytes (bytes, &error);
  g_assert_no_error (error);
  tpm = idw_cbor_map_get (map, "tpm");
  g_assert_nonnull (tpm);
  attest = idw_cbor_map_get (tpm, "attest");
  g_assert_true (cbor_isa_bytestring (attest) && cbor_bytestring_length (attest) > 60);
  /* A byte of clockInfo: only the signature can tell. */
  cbor_bytestring_handle (attest)[80] ^= 0x01;
  encoded = idw_cbor_encode (map);
  g_file_set_contents (out, g_bytes_get_data (encoded, NULL), (gssize) g_bytes_get_size (encoded), &error);
  g_assert_no_error (error);
}

/* Issue 15 part 3: the request carries the TPM's certification and its EK
 * certificate (a swtpm manufactured by swtpm_setup with a private CA);
 * the issuer checks it, with --require-hardware-key and --tpm-ca. */
static void
test_request_hardware_attested (void)
{
  g_autofree char *request_file = tmp_path ("request-attested.cbor");
  g_autofree char *tampered_file = tmp_path ("request-attested-tampered.cbor");
  g_autofree char *software_file = tmp_path ("request-software.cbor");
  g_autofree char *junk_ca = tmp_path ("junk-ca.pem");
  g_autofree char *ek_ca = NULL;
  g_autofree char *root_ca = NULL;
  SwTpm tpm = { 0 };
  int n = 0;

  if (!idw_tpm_is_supported () || !swtpm_available () || !swtpm_setup_available ())
    {
      g_test_skip (idw_tpm_is_supported () ? "swtpm or swtpm-tools is not installed"
                                           : "built without TPM support");
      return;
    }

  ensure_issuer ();
  swtpm_start_with_ek_cert (&tpm);
  g_setenv ("IDW_TPM_TCTI", tpm.tcti, TRUE);
  ek_ca = g_build_filename (tpm.ca_dir, "issuercert.pem", NULL);
  root_ca = g_build_filename (tpm.ca_dir, "swtpm-localca-rootca-cert.pem", NULL);

  {
    g_autoptr(Run) request = run_cli (NULL, "request", "--hardware", "--out", request_file, NULL);

    g_assert_cmpint (request->status, ==, 0);
    g_assert_nonnull (strstr (request->err, "its endorsement key certificate is in the request"));
  }

#define ISSUE(...) \
  run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person, \
           "--out", (out_file = g_strdup_printf ("%s/attested-%d.idwcred", tmp_dir, n++)), __VA_ARGS__, NULL)

  {
    g_autofree char *out_file = NULL;
    g_autoptr(Run) issue = ISSUE ("--request", request_file, "--require-hardware-key");

    g_assert_cmpint (issue->status, ==, 0);
    g_assert_nonnull (strstr (issue->out, "Device key: in a TPM, certified by its attestation key; an endorsement "
                                          "key certificate issued by “CN=swtpm-localca” came with it, not checked "
                                          "(give --tpm-ca)."));
    /* And what that does not mean. */
    g_assert_nonnull (strstr (issue->out, "does not prove that the key is in a genuine TPM."));
    g_assert_true (g_file_test (out_file, G_FILE_TEST_EXISTS));
  }
  {
    g_autofree char *out_file = NULL;
    g_autoptr(Run) issue = ISSUE ("--request", request_file, "--require-hardware-key", "--tpm-ca", iaca_pem,
                                  "--tpm-ca", ek_ca);

    g_assert_cmpint (issue->status, ==, 0);
    g_assert_nonnull (strstr (issue->out, "the endorsement key certificate chains to “CN=swtpm-localca”."));
  }
  /* Another CA, or the root without the intermediate: refused. */
  {
    g_autofree char *out_file = NULL;
    g_autoptr(Run) issue = ISSUE ("--request", request_file, "--tpm-ca", iaca_pem);

    g_assert_cmpint (issue->status, ==, 1);
    g_assert_nonnull (strstr (issue->err, "the TPM certification of the device key does not verify"));
    g_assert_nonnull (strstr (issue->err, "does not chain"));
    g_assert_false (g_file_test (out_file, G_FILE_TEST_EXISTS));
  }
  {
    g_autofree char *out_file = NULL;
    g_autoptr(Run) issue = ISSUE ("--request", request_file, "--tpm-ca", root_ca);

    g_assert_cmpint (issue->status, ==, 1);
    g_assert_false (g_file_test (out_file, G_FILE_TEST_EXISTS));
  }

  /* A certification that does not verify is refused with or without
   * --require-hardware-key: never taken for a software key. */
  write_tampered_request (request_file, tampered_file);
  {
    g_autofree char *out_file = NULL;
    g_autoptr(Run) issue = ISSUE ("--request", tampered_file);

    g_assert_cmpint (issue->status, ==, 1);
    g_assert_nonnull (strstr (issue->err, "TPM certification signature: does not verify"));
    g_assert_false (g_file_test (out_file, G_FILE_TEST_EXISTS));
  }

  /* A software key: issued as before, said to be unproven; refused with
   * --require-hardware-key. */
  {
    g_autoptr(Run) request = run_cli (NULL, "request", "--device-alg", "ES256", "--out", software_file, NULL);

    g_assert_cmpint (request->status, ==, 0);
  }
  {
    g_autofree char *out_file = NULL;
    g_autoptr(Run) issue = ISSUE ("--request", software_file);

    g_assert_cmpint (issue->status, ==, 0);
    g_assert_nonnull (strstr (issue->out, "Device key: not proven to be in hardware"));
    g_assert_null (strstr (issue->out, "TPM’s own statement"));
  }
  {
    g_autofree char *out_file = NULL;
    g_autoptr(Run) issue = ISSUE ("--request", software_file, "--require-hardware-key");

    g_assert_cmpint (issue->status, ==, 1);
    g_assert_nonnull (strstr (issue->err, "not proven to be in hardware"));
    g_assert_false (g_file_test (out_file, G_FILE_TEST_EXISTS));
  }

  /* Usage: a CA file that is none, the options without a request. */
  g_assert_true (g_file_set_contents (junk_ca, "not a certificate", -1, NULL));
  {
    g_autofree char *out_file = NULL;
    g_autoptr(Run) issue = ISSUE ("--request", request_file, "--tpm-ca", junk_ca);

    g_assert_cmpint (issue->status, ==, 2);
    g_assert_nonnull (strstr (issue->err, "--tpm-ca"));
  }
  {
    g_autofree char *out_file = NULL;
    g_autoptr(Run) issue = ISSUE ("--new-device-key", "--require-hardware-key");

    g_assert_cmpint (issue->status, ==, 2);
    g_assert_nonnull (strstr (issue->err, "go with --request"));
  }
#undef ISSUE

  swtpm_stop (&tpm);
  g_unsetenv ("IDW_TPM_TCTI");
}

int
main (int    argc,
      char **argv)
{
  int status;

  cli_test_init (&argc, &argv, "test-cli-keyring-XXXXXX");
  issuer_name = "Keyring Republic";

  /* In order: later tests use what earlier ones imported. */
  g_test_add_func ("/cli-keyring/list-empty", test_list_empty);
  g_test_add_func ("/cli-keyring/import", test_import);
  g_test_add_func ("/cli-keyring/import-refused", test_import_refused);
  g_test_add_func ("/cli-keyring/list", test_list);
  g_test_add_func ("/cli-keyring/present-by-id", test_present_by_id);
  g_test_add_func ("/cli-keyring/request-issue-import", test_request_issue_import);
  g_test_add_func ("/cli-keyring/request-es256", test_request_es256);
  g_test_add_func ("/cli-keyring/request-hardware", test_request_hardware);
  g_test_add_func ("/cli-keyring/request-hardware-attested", test_request_hardware_attested);
  g_test_add_func ("/cli-keyring/import-without-key", test_import_without_key);
  g_test_add_func ("/cli-keyring/hostile-import-list", test_hostile_import_list);

  status = cli_test_finish (g_test_run ());

  g_free (person);
  g_free (imported_id);

  return status;
}
