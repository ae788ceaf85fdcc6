/* test-cli-verify.c: id-wallet-cli verify's negative verdicts, ISO
 * 18013-5 Annex D, and the trust store that verify uses without --trust
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Spawns the built CLI (IDW_CLI), with XDG_DATA_HOME in the test's
 * temporary folder (cli-test-util.h).
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "idwallet.h"
#include "cli-verdict-util.h"

/* ---- Trust store (XDG_DATA_HOME of its own) ---------------------------- */


static void
test_trust_store (void)
{
  g_autofree char *old_home = use_data_home ("trust-home");
  g_autofree char *ds_pem = NULL;
  g_autofree char *iaca_fingerprint = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *trust_dir = NULL;
  g_autofree char *text = NULL;
  g_autofree char *person = g_test_build_filename (G_TEST_DIST, "data", "cli", "person.json", NULL);
  g_autofree char *missing = tmp_path ("no-such-cert.pem");
  g_autofree char *annexd_cert = g_test_build_filename (G_TEST_DIST, "data", "annexd", "annexd-issuer-cert.pem", NULL);
  g_autoptr(IdwCertificate) iaca = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(Run) empty = NULL;
  g_autoptr(Run) add = NULL;
  g_autoptr(Run) again = NULL;
  g_autoptr(Run) add_ds = NULL;
  g_autoptr(Run) list = NULL;
  g_autoptr(Run) remove = NULL;
  g_autoptr(Run) remove_again = NULL;
  g_autoptr(Run) ambiguous = NULL;
  g_autoptr(Run) list_after = NULL;
  g_autoptr(Run) not_a_cert = NULL;
  g_autoptr(Run) no_file = NULL;
  g_autoptr(JsonObject) untrusted = NULL;
  g_autoptr(JsonObject) trusted = NULL;
  g_autoptr(JsonObject) explicit_trust = NULL;
  g_autoptr(JsonObject) removed = NULL;

  text = present_text ("--preset", "age-over-18", NULL);
  ds_pem = g_build_filename (issuer_dir, "ds.pem", NULL);
  iaca = idw_certificate_new_from_file (iaca_pem, &error);
  g_assert_no_error (error);
  iaca_fingerprint = idw_certificate_get_fingerprint (iaca);
  trust_dir = g_build_filename (data_home, "id-wallet", "trust", NULL);

  /* An empty store: every issuer is untrusted, and the CLI says why. */
  empty = run_cli (NULL, "trust", "list", NULL);
  g_assert_cmpint (empty->status, ==, 0);
  g_assert_cmpstr (empty->out, ==, "");
  g_assert_nonnull (strstr (empty->err, "trust add"));
  untrusted = verify_json (1, text, NULL);
  assert_checks (untrusted, "ppfppppnp");

  /* Add: the root, twice (the second changes nothing), and the DS. */
  add = run_cli (NULL, "trust", "add", iaca_pem, NULL);
  g_assert_cmpint (add->status, ==, 0);
  g_assert_true (g_str_has_prefix (add->out, "Trusted "));
  g_assert_nonnull (strstr (add->out, iaca_fingerprint));
  g_assert_nonnull (strstr (add->out, "Test Republic"));
  g_assert_nonnull (strstr (add->out, "test issuer"));
  g_assert_true (g_file_test (trust_dir, G_FILE_TEST_IS_DIR));

  again = run_cli (NULL, "trust", "add", iaca_pem, NULL);
  g_assert_cmpint (again->status, ==, 0);
  g_assert_true (g_str_has_prefix (again->out, "Already trusted "));

  add_ds = run_cli (NULL, "trust", "add", ds_pem, NULL);
  g_assert_cmpint (add_ds->status, ==, 0);

  list = run_cli (NULL, "trust", "list", NULL);
  g_assert_cmpint (list->status, ==, 0);
  g_assert_cmpuint (count_lines (list->out), ==, 2);
  g_assert_nonnull (strstr (list->out, iaca_fingerprint));
  g_assert_cmpstr (list->err, ==, "");

  /* verify without --trust uses the store; --trust replaces it. */
  trusted = verify_json (0, text, NULL);
  assert_checks (trusted, "pppppppnp");
  explicit_trust = verify_json (1, text, "--trust", annexd_cert, NULL);
  assert_checks (explicit_trust, "ppfppppnp");

  /* Remove by a prefix of the fingerprint. */
  prefix = g_strndup (iaca_fingerprint, 12);
  remove = run_cli (NULL, "trust", "remove", prefix, NULL);
  g_assert_cmpint (remove->status, ==, 0);
  g_assert_true (g_str_has_prefix (remove->out, "No longer trusted "));
  g_assert_nonnull (strstr (remove->out, iaca_fingerprint));

  list_after = run_cli (NULL, "trust", "list", NULL);
  g_assert_cmpuint (count_lines (list_after->out), ==, 1);
  g_assert_null (strstr (list_after->out, iaca_fingerprint));

  remove_again = run_cli (NULL, "trust", "remove", iaca_fingerprint, NULL);
  g_assert_cmpint (remove_again->status, ==, 2);
  g_assert_cmpstr (remove_again->out, ==, "");

  /* Too short to be a prefix. */
  ambiguous = run_cli (NULL, "trust", "remove", "ab", NULL);
  g_assert_cmpint (ambiguous->status, ==, 2);

  /* The DS certificate is still pinned: valid. Without it: untrusted. */
  {
    g_autoptr(JsonObject) pinned = verify_json (0, text, NULL);
    g_autoptr(IdwCertificate) ds = idw_certificate_new_from_file (ds_pem, NULL);
    g_autofree char *ds_fingerprint = idw_certificate_get_fingerprint (ds);
    g_autoptr(Run) remove_ds = run_cli (NULL, "trust", "remove", ds_fingerprint, NULL);

    assert_checks (pinned, "pppppppnp");
    g_assert_cmpint (remove_ds->status, ==, 0);
  }
  removed = verify_json (1, text, NULL);
  assert_checks (removed, "ppfppppnp");

  /* Not a certificate; no file at all. */
  not_a_cert = run_cli (NULL, "trust", "add", person, NULL);
  g_assert_cmpint (not_a_cert->status, ==, 1);
  g_assert_cmpstr (not_a_cert->out, ==, "");
  no_file = run_cli (NULL, "trust", "add", missing, NULL);
  g_assert_cmpint (no_file->status, ==, 2);
  g_assert_nonnull (strstr (no_file->err, missing));

  restore_data_home (g_steal_pointer (&old_home));
}
/* ---- Negative verdicts ------------------------------------------------ */

static void
test_verify_untrusted (void)
{
  g_autofree char *text = present_text (NULL, NULL);
  g_autoptr(JsonObject) verdict = verify_json (1, text, NULL);
  g_autoptr(Run) human = run_cli (text, "verify", NULL);
  g_autofree char *other_dir = tmp_path ("other-issuer");
  g_autofree char *other_iaca = g_build_filename (other_dir, "iaca.pem", NULL);
  g_autoptr(Run) init = run_cli (NULL, "issuer", "init", "--out", other_dir, "--test", NULL);
  g_autoptr(JsonObject) wrong_anchor = NULL;

  g_assert_false (json_object_get_boolean_member (verdict, "valid"));
  assert_checks (verdict, "ppfppppnp");

  g_assert_cmpint (human->status, ==, 1);
  g_assert_true (g_str_has_prefix (human->out, "Not valid"));
  g_assert_nonnull (strstr (human->out, "not trusted"));

  g_assert_cmpint (init->status, ==, 0);
  wrong_anchor = verify_json (1, text, "--trust", other_iaca, NULL);
  assert_checks (wrong_anchor, "ppfppppnp");
}

static void
test_verify_expired (void)
{
  g_autofree char *text = present_text ("--at", "2099-12-31T23:59:00Z", NULL);
  g_autoptr(JsonObject) verdict = verify_json (1, text, "--trust", iaca_pem, "--at", "2100-01-01T00:00:00Z", NULL);

  g_assert_false (json_object_get_boolean_member (verdict, "valid"));
  g_assert_cmpstr (check_status (verdict, "validity"), ==, "failed");
  g_assert_cmpstr (check_status (verdict, "issuer_signature"), ==, "passed");
  g_assert_cmpstr (check_status (verdict, "digests"), ==, "passed");
  g_assert_cmpstr (check_status (verdict, "device_signature"), ==, "passed");
  /* The DS certificate (3 years) has expired too. */
  g_assert_cmpstr (check_status (verdict, "issuer_trusted"), ==, "failed");
}

static void
test_verify_tampered (void)
{
  g_autofree char *text = present_text (NULL, NULL);
  static const char * const signature_checks[] = {
    "decode", "issuer_signature", "mso", "digests", "device_signature", NULL
  };

  /* Three places in the middle of the Base45 text. */
  for (guint k = 1; k <= 3; k++)
    {
      g_autofree char *tampered = g_strdup (text);
      gsize pos = strlen ("IDW1:") + (strlen (text) - strlen ("IDW1:")) * k / 4;
      g_autoptr(Run) run = NULL;
      g_autoptr(JsonObject) verdict = NULL;
      gboolean named = FALSE;
      JsonArray *checks;

      tampered[pos] = tampered[pos] == 'A' ? 'B' : 'A';
      run = run_cli (tampered, "verify", "--json", "--trust", iaca_pem, NULL);
      g_assert_true (run->status == 1 || run->status == 2);
      if (run->status == 2)
        continue;

      verdict = parse_verdict (run->out);
      g_assert_false (json_object_get_boolean_member (verdict, "valid"));
      checks = json_object_get_array_member (verdict, "checks");
      for (guint i = 0; i < json_array_get_length (checks); i++)
        {
          JsonObject *check = json_array_get_object_element (checks, i);

          if (g_str_equal (json_object_get_string_member (check, "status"), "failed"))
            {
              g_assert_true (g_strv_contains (signature_checks, json_object_get_string_member (check, "name")));
              named = TRUE;
            }
        }
      g_assert_true (named);
    }
}

static void
test_verify_garbage (void)
{
  g_autofree char *portrait = g_test_build_filename (G_TEST_DIST, "data", "cli", "portrait.jpg", NULL);
  g_autoptr(JsonObject) text = verify_json (1, "hello, world\n", NULL);
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(JsonObject) image = verify_json (1, NULL, portrait, NULL);
  g_autofree char *cbor_file = write_tmp ("not-a-response.cbor", "\xa1\x61\x61\x01", 4);
  g_autoptr(JsonObject) cbor = verify_json (1, NULL, "--session-transcript", portrait, cbor_file, NULL);
  const char * const paths[] = { "org.iso.18013.5.1/age_over_18", NULL };
  g_autoptr(IdwRemoteRequest) remote = idw_remote_request_new (IDW_DOCTYPE_MDL, paths, NULL, NULL);
  g_autofree char *request_text = idw_remote_request_to_text (remote);

  assert_checks (text, "fnnnnnnnn");
  assert_checks (image, "fnnnnnnnn");
  assert_checks (cbor, "fnnnnnnnn");
  g_assert_false (json_object_get_boolean_member (text, "valid"));

  /* A request is not a presentation. */
  request = verify_json (1, request_text, NULL);
  assert_checks (request, "fnnnnnnnn");
}

/* ---- Animated presentations --------------------------------------------- */

/* `present --animate DIR` for @first_option…; returns the frame paths in
 * order and K in @out_blocks. */
G_GNUC_NULL_TERMINATED static GPtrArray *
present_frames (const char *dir_name,
                guint      *out_blocks,
                const char *first_option,
                ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *dir = tmp_path (dir_name);
  g_autoptr(GDir) listing = NULL;
  g_autoptr(Run) run = NULL;
  GPtrArray *frames = g_ptr_array_new_with_free_func (g_free);
  const char *any;
  const char *arg;
  va_list ap;

  ensure_credential ();
  g_ptr_array_add (args, (gpointer) cli_path ());
  g_ptr_array_add (args, (gpointer) "present");
  g_ptr_array_add (args, credential);
  g_ptr_array_add (args, (gpointer) "--animate");
  g_ptr_array_add (args, dir);
  va_start (ap, first_option);
  for (arg = first_option; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);

  run = run_argv (NULL, args);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->out, ==, "");
  any = strstr (run->err, "any ");
  g_assert_nonnull (any);
  *out_blocks = (guint) g_ascii_strtoull (any + 4, NULL, 10);
  g_assert_cmpuint (*out_blocks, >=, 2);

  for (guint i = 0;; i++)
    {
      g_autofree char *name = g_strdup_printf ("frame-%03u.png", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        break;
      g_ptr_array_add (frames, g_steal_pointer (&path));
    }
  /* Twice as many as rebuild it, and nothing else in the folder. */
  g_assert_cmpuint (frames->len, ==, 2 * *out_blocks);
  listing = g_dir_open (dir, 0, NULL);
  for (guint n = 0; g_dir_read_name (listing) != NULL; n++)
    g_assert_cmpuint (n, <, frames->len);

  return frames;
}

/* `verify --json` of @files (and @extra, nullable). */
static Run *
verify_files (GPtrArray  *files,
              const char *extra)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  g_ptr_array_add (args, (gpointer) cli_path ());
  g_ptr_array_add (args, (gpointer) "verify");
  g_ptr_array_add (args, (gpointer) "--json");
  g_ptr_array_add (args, (gpointer) "--trust");
  g_ptr_array_add (args, iaca_pem);
  for (guint i = 0; i < files->len; i++)
    g_ptr_array_add (args, g_ptr_array_index (files, i));
  if (extra != NULL)
    g_ptr_array_add (args, (gpointer) extra);

  return run_argv (NULL, args);
}

static gboolean
discloses (JsonObject *verdict,
           const char *element)
{
  JsonObject *disclosed = json_object_get_object_member (verdict, "disclosed");
  JsonObject *mdl = json_object_get_object_member (disclosed, IDW_NAMESPACE_MDL);

  return json_object_has_member (mdl, element);
}

static void
test_verify_frames (void)
{
  guint n_blocks = 0;
  guint other_blocks = 0;
  g_autoptr(GPtrArray) frames = present_frames ("frames", &n_blocks, "--preset", "full", NULL);
  g_autoptr(GPtrArray) other = present_frames ("other-frames", &other_blocks, "--preset", "full",
                                               "--at", "2026-01-02T03:04:05Z", NULL);
  g_autoptr(GPtrArray) lossy = g_ptr_array_new ();
  g_autoptr(GPtrArray) too_few = g_ptr_array_new ();
  g_autoptr(GPtrArray) mixed = g_ptr_array_new ();
  g_autofree char *dir = tmp_path ("frames");
  g_autofree char *portrait = g_test_build_filename (G_TEST_DIST, "data", "cli", "portrait.jpg", NULL);
  g_autofree char *bad_frame = NULL;
  g_autoptr(Run) run = NULL;
  g_autoptr(JsonObject) verdict = NULL;
  g_autoptr(GPtrArray) dir_only = g_ptr_array_new ();

  /* The folder, as the app plays it: valid, portrait included. */
  g_ptr_array_add (dir_only, dir);
  run = verify_files (dir_only, NULL);
  g_assert_cmpint (run->status, ==, 0);
  verdict = parse_verdict (run->out);
  g_assert_true (json_object_get_boolean_member (verdict, "valid"));
  g_assert_true (discloses (verdict, "portrait"));
  g_clear_pointer (&verdict, json_object_unref);
  g_clear_pointer (&run, run_free);

  /* A third of the frames lost, the others in reverse order. */
  for (guint i = frames->len; i-- > 0;)
    if (i % 3 != 1)
      g_ptr_array_add (lossy, g_ptr_array_index (frames, i));
  run = verify_files (lossy, NULL);
  g_assert_cmpint (run->status, ==, 0);
  g_clear_pointer (&run, run_free);

  /* K - 1 frames are not enough: a clear error, no verdict. */
  for (guint i = 0; i + 1 < n_blocks; i++)
    g_ptr_array_add (too_few, g_ptr_array_index (frames, 2 * i + 1));
  run = verify_files (too_few, NULL);
  g_assert_cmpint (run->status, ==, 2);
  g_assert_cmpstr (run->out, ==, "");
  g_assert_nonnull (strstr (run->err, "not enough to rebuild"));
  g_clear_pointer (&run, run_free);

  /* Two presentations' frames interleaved, a picture without a code and a
   * damaged frame between them: one of the two is rebuilt, whole. */
  bad_frame = write_tmp ("bad-frame.txt", "IDWF1:RB8./T000C00000000NCF3QBWVQG4K", -1);
  for (guint i = 0; i < MAX (frames->len, other->len); i++)
    {
      if (i < frames->len && i % 4 != 0)
        g_ptr_array_add (mixed, g_ptr_array_index (frames, i));
      if (i < other->len && i % 4 != 1)
        g_ptr_array_add (mixed, g_ptr_array_index (other, i));
      if (i == 1)
        {
          g_ptr_array_add (mixed, portrait);
          g_ptr_array_add (mixed, bad_frame);
        }
    }
  run = verify_files (mixed, NULL);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->err, "portrait.jpg” is left out"));
  g_assert_nonnull (strstr (run->err, "bad-frame.txt” is left out: A frame of an animated code has a wrong checksum"));
  verdict = parse_verdict (run->out);
  g_assert_true (json_object_get_boolean_member (verdict, "valid"));
  g_clear_pointer (&verdict, json_object_unref);
  g_clear_pointer (&run, run_free);

  /* Standard input cannot be one of them; a folder of frames is not
   * written over. */
  run = verify_files (lossy, "-");
  g_assert_cmpint (run->status, ==, 2);
  g_clear_pointer (&run, run_free);
  run = run_cli (NULL, "present", credential, "--animate", dir, NULL);
  g_assert_cmpint (run->status, ==, 2);
  g_assert_nonnull (strstr (run->err, "already holds frames"));
  g_clear_pointer (&run, run_free);
  run = run_cli (NULL, "present", credential, "--animate", dir, "--frames", "-1", NULL);
  g_assert_cmpint (run->status, ==, 2);
  g_clear_pointer (&run, run_free);
  run = run_cli (NULL, "present", credential, "--frames", "3", NULL);
  g_assert_cmpint (run->status, ==, 2);
  g_assert_nonnull (strstr (run->err, "--frames goes with --animate"));
}

/* ---- ISO 18013-5 Annex D ----------------------------------------------- */

static void
test_annexd (void)
{
  g_autofree char *response = annexd_binary ("annexd-device-response.hex");
  g_autofree char *transcript = annexd_binary ("annexd-session-transcript-bytes.hex");
  g_autofree char *cert = g_test_build_filename (G_TEST_DIST, "data", "annexd", "annexd-issuer-cert.pem", NULL);
  g_autofree char *reader_key = g_test_build_filename (G_TEST_DIST, "data", "annexd", "annexd-ereader-key-d.hex", NULL);
  g_autofree char *response_hex = g_test_build_filename (G_TEST_DIST, "data", "annexd", "annexd-device-response.hex", NULL);
  g_autoptr(JsonObject) valid = verify_json (0, NULL, "--session-transcript", transcript, "--trust", cert,
                                             "--at", "2021-01-01T00:00:00Z", "--reader-key", reader_key,
                                             response, NULL);
  g_autoptr(JsonObject) from_hex = verify_json (0, NULL, "--session-transcript", transcript, "--trust", cert,
                                                "--at", "2021-01-01T00:00:00Z", "--reader-key", reader_key,
                                                response_hex, NULL);
  g_autoptr(JsonObject) no_mac_key = verify_json (1, NULL, "--session-transcript", transcript, "--trust", cert,
                                                  "--at", "2021-01-01T00:00:00Z", response, NULL);
  g_autoptr(JsonObject) today = verify_json (1, NULL, "--session-transcript", transcript, "--trust", cert,
                                             "--reader-key", reader_key, response, NULL);
  g_autoptr(Run) no_transcript = run_cli (NULL, "verify", "--json", "--trust", cert,
                                          "--at", "2021-01-01T00:00:00Z", response, NULL);
  g_autoptr(JsonObject) untranscribed = NULL;
  JsonObject *mdl;
  JsonArray *privileges;

  g_assert_true (json_object_get_boolean_member (valid, "valid"));
  assert_checks (valid, "pppppppnn");
  g_assert_cmpstr (json_object_get_string_member (valid, "docType"), ==, IDW_DOCTYPE_MDL);
  g_assert_true (json_object_get_null_member (valid, "presentedAt"));

  mdl = disclosed_namespace (valid, IDW_NAMESPACE_MDL);
  assert_members (mdl, "family_name,issue_date,expiry_date,document_number,portrait,driving_privileges");
  g_assert_cmpstr (json_object_get_string_member (mdl, "family_name"), ==, "Doe");
  g_assert_cmpstr (json_object_get_string_member (mdl, "issue_date"), ==, "2019-10-20");
  g_assert_cmpstr (json_object_get_string_member (mdl, "expiry_date"), ==, "2024-10-20");
  g_assert_cmpstr (json_object_get_string_member (mdl, "document_number"), ==, "123456789");
  privileges = json_object_get_array_member (mdl, "driving_privileges");
  g_assert_cmpuint (json_array_get_length (privileges), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (privileges, 0),
                                                  "vehicle_category_code"), ==, "A");

  g_assert_true (json_object_get_boolean_member (from_hex, "valid"));

  /* deviceMac cannot be checked without the reader's key. */
  assert_checks (no_mac_key, "ppppppfnn");

  /* Today the DS certificate and the MSO have expired; nothing else fails. */
  assert_checks (today, "ppfpfppnn");

  g_assert_cmpint (no_transcript->status, ==, 1);
  g_assert_nonnull (strstr (no_transcript->err, "--session-transcript"));
  untranscribed = parse_verdict (no_transcript->out);
  g_assert_cmpstr (check_status (untranscribed, "device_signature"), ==, "failed");
  g_assert_cmpstr (check_status (untranscribed, "issuer_signature"), ==, "passed");
}

/* ---- main --------------------------------------------------------------- */

int
main (int    argc,
      char **argv)
{
  cli_test_init (&argc, &argv, "test-cli-verify-XXXXXX");

  g_test_add_func ("/cli/verify/untrusted", test_verify_untrusted);
  g_test_add_func ("/cli/verify/expired", test_verify_expired);
  g_test_add_func ("/cli/verify/tampered", test_verify_tampered);
  g_test_add_func ("/cli/verify/garbage", test_verify_garbage);
  g_test_add_func ("/cli/verify/annexd", test_annexd);
  g_test_add_func ("/cli/verify/frames", test_verify_frames);
  g_test_add_func ("/cli/trust/add-list-remove", test_trust_store);

  return cli_test_finish (g_test_run ());
}
