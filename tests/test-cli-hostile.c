/* test-cli-hostile.c: what id-wallet-cli prints of hostile text: values,
 * names, certificates and requests that try to drive the terminal come
 * out escaped, and as they are in JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Spawns the built CLI (IDW_CLI); the runner (cli-test-util.h) checks
 * every output of every command for raw control characters as well.
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "idwallet.h"
#include "cli-verdict-util.h"
#include "hostile-cert-util.h"

/* ---- Hostile text -------------------------------------------------------- */

/* What a presentation, a credential, a certificate or a request may carry:
 * ESC sequences that clear the screen, home the cursor and ask the terminal
 * to answer; CR, BS, DEL; the C1 CSI (U+009B) and NEL (U+0085); a
 * right-to-left override and an isolate; a newline. And how the CLI must
 * print each of them. */
#define HOSTILE_VALUE "\x1b[2J\x1b[HValid\r\b\x7f\xc2\x9b" "31m\xe2\x80\xae" "dilav\xe2\x81\xa6" "x\xe2\x81\xa9\nline\tend"
#define HOSTILE_VALUE_SHOWN "\\x1b[2J\\x1b[HValid\\r\\x08\\x7f\\u009b31m\\u202edilav\\u2066x\\u2069\\nline\\tend"
#define HOSTILE_DOCTYPE "org.example.doc\x1b]0;pwned\x07\xe2\x80\xae"
#define HOSTILE_DOCTYPE_SHOWN "org.example.doc\\x1b]0;pwned\\x07\\u202e"
#define HOSTILE_NS "org.example.ns\x1b[31m"
#define HOSTILE_NS_SHOWN "org.example.ns\\x1b[31m"
#define HOSTILE_ELEMENT "note\x1b[6n"
#define HOSTILE_ELEMENT_SHOWN "note\\x1b[6n"
#define HOSTILE_ORG "Evil\x1b[2J Org\xc2\x85\xe2\x80\xae"
#define HOSTILE_ORG_SHOWN "Evil\\x1b[2J Org\\u0085\\u202e"
#define HOSTILE_CN "DS\x1b[H\x7f"
/* Not UTF-8: a raw C1 byte, then 0xff. GnuTLS writes it into the subject
 * string as it is. */
#define HOSTILE_LOCALITY "Town\x9b\xff"
#define HOSTILE_LOCALITY_SHOWN "L=Town\\x9b\\xff"
#define HOSTILE_VERIFIER "Bank\x1b[8m\x1b]8;;http://x\x07\r\xc2\x9b" "2K\xe2\x80\xae"
#define HOSTILE_VERIFIER_SHOWN "Bank\\x1b[8m\\x1b]8;;http://x\\x07\\r\\u009b2K\\u202e"
#define HOSTILE_MISSING "absent\x1b[6n"
#define HOSTILE_MISSING_SHOWN IDW_NAMESPACE_MDL "/absent\\x1b[6n"

/* An issuer folder whose self-signed document signer has a hostile
 * subject, made with GnuTLS (`issuer init` refuses such names). */
static char *
make_hostile_issuer (void)
{
  g_autofree char *dir = tmp_path ("hostile-issuer");
  g_autofree char *cert_path = g_build_filename (dir, "ds.pem", NULL);
  g_autofree char *key_path = g_build_filename (dir, "ds.key", NULL);
  g_autofree char *cert_pem = NULL;
  g_autofree char *key_pem = NULL;
  g_autoptr(GError) error = NULL;

  test_make_hostile_ds ("ZZ", HOSTILE_ORG, HOSTILE_LOCALITY, HOSTILE_CN, &cert_pem, &key_pem);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_file_set_contents (cert_path, cert_pem, -1, &error);
  g_assert_no_error (error);
  g_file_set_contents_full (key_path, key_pem, -1, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&dir);
}

/* The holder's data with hostile values, as PERSON.json. */
static char *
write_hostile_person (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *json = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, IDW_NAMESPACE_MDL);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "family_name");
  json_builder_add_string_value (builder, HOSTILE_VALUE);
  json_builder_set_member_name (builder, "given_name");
  json_builder_add_string_value (builder, "Eve");
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, HOSTILE_NS);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, HOSTILE_ELEMENT);
  json_builder_add_string_value (builder, HOSTILE_VALUE);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json = json_generator_to_data (generator, NULL);

  return write_tmp ("hostile-person.json", json, -1);
}

/* Every escape in @shown is there, and no raw piece of the hostile text. */
static void
assert_shows (const char *output,
              const char *shown)
{
  if (strstr (output, shown) == NULL)
    g_error ("“%s” is not in the output:\n%s", shown, output);
}

static void
test_hostile_text (void)
{
  g_autofree char *saved_data_home = g_steal_pointer (&data_home);
  g_autofree char *issuer = NULL;
  g_autofree char *ds_pem = NULL;
  g_autofree char *person = write_hostile_person ();
  g_autofree char *cred = tmp_path ("hostile.idwcred");
  g_autofree char *text = NULL;
  g_autofree char *request_text = NULL;
  g_autofree char *other_request_text = NULL;
  g_autoptr(Run) issue = NULL;
  g_autoptr(Run) present = NULL;
  g_autoptr(Run) human = NULL;
  g_autoptr(Run) json = NULL;
  g_autoptr(Run) answer = NULL;
  g_autoptr(Run) refused = NULL;
  g_autoptr(Run) trust_add = NULL;
  g_autoptr(Run) trust_list = NULL;
  g_autoptr(JsonObject) verdict = NULL;
  g_autoptr(IdwRemoteRequest) request = NULL;
  g_autoptr(IdwRemoteRequest) other_request = NULL;
  g_autoptr(GError) error = NULL;
  const char * const paths[] = {
    IDW_NAMESPACE_MDL "/family_name", IDW_NAMESPACE_MDL "/" HOSTILE_MISSING, NULL
  };
  JsonObject *issuer_json;

  /* A store of its own: the trusted issuer below is this test's. */
  data_home = tmp_path ("hostile-data");

  issuer = make_hostile_issuer ();
  ds_pem = g_build_filename (issuer, "ds.pem", NULL);

  /* Issuing prints the holder's name and the document type. */
  issue = run_cli (NULL, "issue", "--issuer", issuer, "--data", person, "--doctype", HOSTILE_DOCTYPE,
                   "--new-device-key", "--out", cred, NULL);
  g_assert_cmpint (issue->status, ==, 0);
  assert_shows (issue->out, HOSTILE_DOCTYPE_SHOWN);
  assert_shows (issue->out, HOSTILE_VALUE_SHOWN);

  present = run_cli (NULL, "present", cred, NULL);
  g_assert_cmpint (present->status, ==, 0);
  text = g_strstrip (g_steal_pointer (&present->out));

  /* The human verdict: value, element, namespace, document type, the
   * certificate's organisation, common name and subject, all escaped. The
   * DS is pinned: the signatures are right, the verdict is valid, and
   * still no value may draw on the terminal. */
  human = run_cli (text, "verify", "--trust", ds_pem, NULL);
  g_assert_cmpint (human->status, ==, 0);
  g_assert_true (g_str_has_prefix (human->out, "Valid\n"));
  assert_shows (human->out, "Family name (family_name): " HOSTILE_VALUE_SHOWN "\n");
  assert_shows (human->out, "  " HOSTILE_NS_SHOWN "\n");
  assert_shows (human->out, " (" HOSTILE_ELEMENT_SHOWN "): " HOSTILE_VALUE_SHOWN "\n");
  assert_shows (human->out, "(" HOSTILE_DOCTYPE_SHOWN ")\n");
  assert_shows (human->out, "Issuer:        " HOSTILE_ORG_SHOWN " (ZZ)  [");
  assert_shows (human->out, "CN=DS\\x1b[H\\x7f");
  assert_shows (human->out, HOSTILE_LOCALITY_SHOWN);
  /* The only lines are the CLI's own: a value's newline is "\n". */
  g_assert_null (strstr (human->out, "\nline"));

  /* JSON: valid, one line, the real values. */
  json = run_cli (text, "verify", "--json", "--trust", ds_pem, NULL);
  g_assert_cmpint (json->status, ==, 0);
  verdict = parse_verdict (json->out);
  g_assert_cmpstr (json_object_get_string_member (verdict, "docType"), ==, HOSTILE_DOCTYPE);
  g_assert_cmpstr (json_object_get_string_member (disclosed_namespace (verdict, IDW_NAMESPACE_MDL),
                                                  "family_name"), ==, HOSTILE_VALUE);
  g_assert_cmpstr (json_object_get_string_member (disclosed_namespace (verdict, HOSTILE_NS),
                                                  HOSTILE_ELEMENT), ==, HOSTILE_VALUE);
  issuer_json = json_object_get_object_member (verdict, "issuer");
  g_assert_cmpstr (json_object_get_string_member (issuer_json, "organization"), ==, HOSTILE_ORG);
  g_assert_cmpstr (json_object_get_string_member (issuer_json, "commonName"), ==, HOSTILE_CN);
  /* JSON cannot carry bytes that are not UTF-8: the engine names them. */
  g_assert_nonnull (strstr (json_object_get_string_member (issuer_json, "subject"), "L=Town\\x9b\\xff,"));
  g_assert_nonnull (strstr (json->out, "\\u009b"));
  g_assert_nonnull (strstr (json->out, "\\u202e"));

  /* Who asks, for what, and what is left out, as the request says. */
  request = idw_remote_request_new (HOSTILE_DOCTYPE, paths, HOSTILE_VERIFIER, &error);
  g_assert_no_error (error);
  request_text = idw_remote_request_to_text (request);
  answer = run_cli (NULL, "present", cred, "--nonce-request", request_text, NULL);
  g_assert_cmpint (answer->status, ==, 0);
  assert_shows (answer->err, "“" HOSTILE_VERIFIER_SHOWN "” asks for " HOSTILE_DOCTYPE_SHOWN ".\n");
  assert_shows (answer->err, "left out: " HOSTILE_MISSING_SHOWN "\n");

  /* An error that quotes the request and the credential. */
  other_request = idw_remote_request_new ("org.example.other\x1b[2J", paths, NULL, &error);
  g_assert_no_error (error);
  other_request_text = idw_remote_request_to_text (other_request);
  refused = run_cli (NULL, "present", cred, "--nonce-request", other_request_text, NULL);
  g_assert_cmpint (refused->status, !=, 0);
  assert_shows (refused->err, "org.example.other\\x1b[2J");

  /* The trust store describes the certificate by its subject. */
  trust_add = run_cli (NULL, "trust", "add", ds_pem, NULL);
  g_assert_cmpint (trust_add->status, ==, 0);
  assert_shows (trust_add->out, "O=" HOSTILE_ORG_SHOWN);
  trust_list = run_cli (NULL, "trust", "list", NULL);
  g_assert_cmpint (trust_list->status, ==, 0);
  assert_shows (trust_list->out, "O=" HOSTILE_ORG_SHOWN);
  assert_shows (trust_list->out, HOSTILE_LOCALITY_SHOWN);

  g_free (data_home);
  data_home = g_steal_pointer (&saved_data_home);
}

/* The escaping rules on their own, through verify's human output of an
 * element value: each class of character, one at a time. */
static void
test_hostile_each_character (void)
{
  const struct
  {
    const char *raw;
    const char *shown;
  } cases[] = {
    { "a\x01z", "a\\x01z" },
    { "a\x1b" "z", "a\\x1bz" },
    { "a\x1f" "z", "a\\x1fz" },
    { "a\nz", "a\\nz" },
    { "a\tz", "a\\tz" },
    { "a\rz", "a\\rz" },
    { "a\x7f" "z", "a\\x7fz" },
    { "a\xc2\x80" "z", "a\\u0080z" },
    { "a\xc2\x9f" "z", "a\\u009fz" },
    { "a\xe2\x80\xaa" "z", "a\\u202az" },
    { "a\xe2\x80\xae" "z", "a\\u202ez" },
    { "a\xe2\x81\xa6" "z", "a\\u2066z" },
    { "a\xe2\x81\xa9" "z", "a\\u2069z" },
    { "a\xe2\x80\xa8" "z", "a\\u2028z" },
    /* Left alone: printable text, backslashes, other scripts. */
    { "Zoë \\ 张伟 שלום", "Zoë \\ 张伟 שלום" },
  };
  g_autofree char *issuer = make_hostile_issuer ();
  g_autofree char *ds_pem = g_build_filename (issuer, "ds.pem", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *json = NULL;
      g_autofree char *person = NULL;
      g_autofree char *name = g_strdup_printf ("char-%u.idwcred", i);
      g_autofree char *cred = tmp_path (name);
      g_autofree char *expected = g_strdup_printf ("(family_name): %s\n", cases[i].shown);
      g_autofree char *text = NULL;
      g_autoptr(Run) issue = NULL;
      g_autoptr(Run) present = NULL;
      g_autoptr(Run) human = NULL;
      g_autoptr(Run) as_json = NULL;
      g_autoptr(JsonObject) verdict = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, IDW_NAMESPACE_MDL);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "family_name");
      json_builder_add_string_value (builder, cases[i].raw);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      json = json_generator_to_data (generator, NULL);
      person = write_tmp ("char-person.json", json, -1);

      issue = run_cli (NULL, "issue", "--issuer", issuer, "--data", person, "--new-device-key",
                       "--out", cred, NULL);
      g_assert_cmpint (issue->status, ==, 0);
      present = run_cli (NULL, "present", cred, NULL);
      g_assert_cmpint (present->status, ==, 0);
      text = g_strstrip (g_steal_pointer (&present->out));

      human = run_cli (text, "verify", "--trust", ds_pem, NULL);
      assert_shows (human->out, expected);

      as_json = run_cli (text, "verify", "--json", "--trust", ds_pem, NULL);
      verdict = parse_verdict (as_json->out);
      g_assert_cmpstr (json_object_get_string_member (disclosed_namespace (verdict, IDW_NAMESPACE_MDL),
                                                      "family_name"), ==, cases[i].raw);
    }
}

/* ---- main --------------------------------------------------------------- */

int
main (int    argc,
      char **argv)
{
  cli_test_init (&argc, &argv, "test-cli-hostile-XXXXXX");

  g_test_add_func ("/cli/hostile/text", test_hostile_text);
  g_test_add_func ("/cli/hostile/each-character", test_hostile_each_character);

  return cli_test_finish (g_test_run ());
}
