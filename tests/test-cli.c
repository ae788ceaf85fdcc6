/* test-cli.c: id-wallet-cli end to end, as a script would use it: usage,
 * issuing, presenting and the round trip through verify
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Spawns the built CLI (IDW_CLI) and checks exit statuses, output and the
 * verdict JSON. The engine is linked only to make inputs the CLI does not
 * make (a COSE_Key file, an IDWR1 request of another verifier) and to read
 * back an envelope's or a request's nonce.
 *
 * Every spawned CLI gets XDG_DATA_HOME in the test's temporary folder, so
 * that the trust store and the request store are the test's own. Negative
 * verdicts and the trust store are tested in test-cli-verify.c, remote
 * checks in test-cli-remote.c, hostile text in test-cli-hostile.c, the
 * commands that need the keyring in test-cli-keyring.c.
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <json-glib/json-glib.h>

#include "idwallet.h"
#include "cli-verdict-util.h"

/* ---- Usage ------------------------------------------------------------ */

static void
test_usage_help (void)
{
  g_autoptr(Run) help = run_cli (NULL, "--help", NULL);
  g_autoptr(Run) version = run_cli (NULL, "--version", NULL);
  g_autoptr(Run) verify_help = run_cli (NULL, "verify", "--help", NULL);
  g_autoptr(Run) issue_help = run_cli (NULL, "issue", "--help", NULL);
  g_autoptr(Run) present_help = run_cli (NULL, "present", "--help", NULL);
  g_autoptr(Run) issuer_help = run_cli (NULL, "issuer", "init", "--help", NULL);
  g_autoptr(Run) request_help = run_cli (NULL, "request", "--help", NULL);
  g_autoptr(Run) import_help = run_cli (NULL, "import", "--help", NULL);
  g_autoptr(Run) list_help = run_cli (NULL, "list", "--help", NULL);
  g_autoptr(Run) trust_help = run_cli (NULL, "trust", "--help", NULL);
  g_autoptr(Run) trust_add_help = run_cli (NULL, "trust", "add", "--help", NULL);
  g_autoptr(Run) ask_help = run_cli (NULL, "ask", "--help", NULL);

  g_assert_cmpint (help->status, ==, 0);
  for (guint i = 0; i < 9; i++)
    {
      const char *command[] = { "issuer init", "request", "issue", "import", "list", "present", "verify",
                                "trust add", "ask" };
      g_assert_nonnull (strstr (help->out, command[i]));
    }

  g_assert_cmpint (version->status, ==, 0);
  g_assert_cmpstr (version->out, ==, "id-wallet-cli " PACKAGE_VERSION "\n");

  g_assert_cmpint (verify_help->status, ==, 0);
  g_assert_nonnull (strstr (verify_help->out, "--trust"));
  g_assert_nonnull (strstr (verify_help->out, "--session-transcript"));
  g_assert_nonnull (strstr (verify_help->out, "--reader-key"));
  g_assert_nonnull (strstr (verify_help->out, "--json"));

  g_assert_cmpint (issue_help->status, ==, 0);
  g_assert_nonnull (strstr (issue_help->out, "--new-device-key"));
  g_assert_cmpint (present_help->status, ==, 0);
  g_assert_nonnull (strstr (present_help->out, "--preset"));
  g_assert_cmpint (issuer_help->status, ==, 0);
  g_assert_nonnull (strstr (issuer_help->out, "--country"));
  g_assert_nonnull (strstr (issue_help->out, "--request"));

  g_assert_cmpint (request_help->status, ==, 0);
  g_assert_nonnull (strstr (request_help->out, "--out"));
  g_assert_cmpint (import_help->status, ==, 0);
  g_assert_nonnull (strstr (import_help->out, "FILE.idwcred"));
  g_assert_cmpint (list_help->status, ==, 0);
  g_assert_nonnull (strstr (list_help->out, "DAMAGED"));
  g_assert_cmpint (trust_help->status, ==, 0);
  g_assert_nonnull (strstr (trust_help->out, "remove FINGERPRINT"));
  g_assert_cmpint (trust_add_help->status, ==, 0);
  g_assert_cmpstr (trust_add_help->out, ==, trust_help->out);
  g_assert_cmpint (ask_help->status, ==, 0);
  g_assert_nonnull (strstr (ask_help->out, "--preset"));
  g_assert_nonnull (strstr (ask_help->out, "--elements"));
  g_assert_nonnull (strstr (ask_help->out, "--verifier"));
  g_assert_nonnull (strstr (ask_help->out, "--doctype"));
}

static void
test_usage_errors (void)
{
  struct
  {
    const char *args[12];
    const char *stderr_has;
  } cases[] = {
    { { NULL }, "Usage" },
    { { "frobnicate", NULL }, "frobnicate" },
    { { "trust", NULL }, "add CERT" },
    { { "trust", "frob", NULL }, "frob" },
    { { "trust", "remove", NULL }, "fingerprint" },
    { { "trust", "add", NULL }, "certificate" },
    { { "trust", "list", "extra", NULL }, "extra" },
    { { "trust", "list", "--bogus", NULL }, "--bogus" },
    { { "trust", "remove", "nothex!", NULL }, "nothex!" },
    { { "ask", "--preset", "bogus", NULL }, "bogus" },
    { { "ask", "--preset", "full", "--elements", "a/b", NULL }, "--preset" },
    { { "ask", "--elements", ",", NULL }, "no element" },
    { { "ask", "--doctype", "x.y", "--elements", "family_name", NULL }, "NAMESPACE/family_name" },
    { { "ask", "extra", NULL }, "extra" },
    { { "request", NULL }, "--out" },
    { { "request", "--out", "r.cbor", "--device-alg", "RS256", NULL }, "RS256" },
    { { "issue", "--issuer", "d", "--data", "x.json", "--out", "y", "--request", "r",
        "--device-alg", "ES256", NULL }, "--device-alg" },
    { { "issue", "--issuer", "d", "--data", "x.json", "--out", "y", "--new-device-key",
        "--device-alg", "ES384", NULL }, "ES384" },
    { { "import", NULL }, "credential file" },
    { { "list", "extra", NULL }, "extra" },
    { { "issue", "--issuer", "d", "--data", "x.json", "--out", "y", "--request", "r",
        "--new-device-key", NULL }, "--request" },
    { { "issuer", NULL }, "issuer init" },
    { { "issuer", "init", NULL }, "--out" },
    { { "issuer", "init", "--bogus", "x", NULL }, "--bogus" },
    { { "verify", "--bogus", NULL }, "--bogus" },
    { { "verify", "--at", "next tuesday", "-", NULL }, "next tuesday" },
    { { "verify", "a", "-", NULL }, "cannot be one of several inputs" },
    { { "issue", "--data", "x.json", NULL }, "--issuer" },
    { { "issue", "--issuer", "d", "--data", "x.json", "--out", "y", NULL }, "--new-device-key" },
    { { "issue", "--issuer", "d", "--data", "x.json", "--out", "y", "--new-device-key",
        "--device-key", "k", NULL }, "--new-device-key" },
    { { "present", NULL }, "credential file" },
    { { "present", "x.idwcred", "--text", "--png", "x.png", NULL }, "--png" },
    { { "present", "x.idwcred", "--preset", "full", "--elements", "a/b", NULL }, "--preset" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) args = g_ptr_array_new ();
      g_autoptr(Run) run = NULL;

      g_ptr_array_add (args, (gpointer) cli_path ());
      for (guint j = 0; cases[i].args[j] != NULL; j++)
        g_ptr_array_add (args, (gpointer) cases[i].args[j]);

      run = run_argv (NULL, args);
      g_assert_cmpint (run->status, ==, 2);
      g_assert_cmpstr (run->out, ==, "");
      g_assert_nonnull (strstr (run->err, cases[i].stderr_has));
    }
}

static void
test_missing_files (void)
{
  g_autofree char *missing = tmp_path ("does-not-exist.txt");
  g_autofree char *missing_cert = tmp_path ("no-such-cert.pem");
  g_autofree char *missing_issuer = tmp_path ("no-such-issuer");
  g_autofree char *out = tmp_path ("never-written.idwcred");
  g_autoptr(Run) verify = run_cli (NULL, "verify", missing, NULL);
  g_autoptr(Run) trust = run_cli ("IDW1:X", "verify", "--trust", missing_cert, "-", NULL);
  g_autoptr(Run) present = run_cli (NULL, "present", missing, NULL);
  g_autoptr(Run) transcript = run_cli ("IDW1:X", "verify", "--session-transcript", missing, NULL);
  g_autoptr(Run) issue = NULL;
  g_autoptr(Run) empty = run_cli ("", "verify", NULL);

  g_assert_cmpint (verify->status, ==, 2);
  g_assert_nonnull (strstr (verify->err, missing));
  g_assert_nonnull (strstr (verify->err, "No such file"));
  g_assert_cmpstr (verify->out, ==, "");

  g_assert_cmpint (trust->status, ==, 2);
  g_assert_nonnull (strstr (trust->err, missing_cert));

  g_assert_cmpint (present->status, ==, 2);
  g_assert_nonnull (strstr (present->err, missing));

  g_assert_cmpint (transcript->status, ==, 2);
  g_assert_nonnull (strstr (transcript->err, missing));

  g_assert_cmpint (empty->status, ==, 2);
  g_assert_nonnull (strstr (empty->err, "empty"));

  ensure_credential ();
  issue = run_cli (NULL, "issue", "--issuer", missing_issuer, "--data", missing,
                   "--new-device-key", "--out", out, NULL);
  g_assert_cmpint (issue->status, ==, 2);
  g_assert_nonnull (strstr (issue->err, missing_issuer));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

/* ---- Issuer and issuing ------------------------------------------------ */

static void
assert_mode (const char *path,
             int         mode)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, mode);
}

static void
test_issuer_init (void)
{
  const char *files[] = { "iaca.pem", "iaca.key", "ds.pem", "ds.key" };
  g_autofree char *dir = tmp_path ("issuer-init");
  g_autofree char *other = tmp_path ("issuer-bad-country");
  g_autofree char *iaca = g_build_filename (dir, "iaca.pem", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(Run) init = run_cli (NULL, "issuer", "init", "--out", dir, "--name", "Ruritania Transport Agency",
                                 "--country", "RU", NULL);
  g_autoptr(Run) again = NULL;
  g_autoptr(Run) bad_country = NULL;
  g_autoptr(IdwCertificate) cert = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *organization = NULL;
  g_autofree char *country = NULL;

  g_assert_cmpint (init->status, ==, 0);
  g_assert_null (strstr (init->out, "PRIVATE KEY"));
  g_assert_null (strstr (init->err, "PRIVATE KEY"));

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);
      g_autofree char *contents = NULL;

      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      if (g_str_has_suffix (files[i], ".key"))
        {
          assert_mode (path, 0600);
          g_assert_true (g_str_has_prefix (contents, "-----BEGIN PRIVATE KEY-----"));
        }
      else
        {
          g_assert_true (g_str_has_prefix (contents, "-----BEGIN CERTIFICATE-----"));
        }
    }

  cert = idw_certificate_new_from_file (iaca, &error);
  g_assert_no_error (error);
  organization = idw_certificate_get_organization (cert);
  country = idw_certificate_get_country (cert);
  g_assert_cmpstr (organization, ==, "Ruritania Transport Agency");
  g_assert_cmpstr (country, ==, "RU");
  g_assert_false (idw_certificate_is_test_issuer (cert));

  /* A second run refuses and leaves the issuer as it was. */
  g_assert_true (g_file_get_contents (iaca, &before, NULL, NULL));
  again = run_cli (NULL, "issuer", "init", "--out", dir, NULL);
  g_assert_cmpint (again->status, ==, 2);
  g_assert_nonnull (strstr (again->err, "already exists"));
  g_assert_true (g_file_get_contents (iaca, &after, NULL, NULL));
  g_assert_cmpstr (before, ==, after);

  bad_country = run_cli (NULL, "issuer", "init", "--out", other, "--country", "Germany", NULL);
  g_assert_cmpint (bad_country->status, ==, 1);
  g_assert_nonnull (strstr (bad_country->err, "country"));
  g_assert_false (g_file_test (other, G_FILE_TEST_EXISTS));
}

/* `issuer init --alg` (NULL: the default), then issue, present and verify
 * with that issuer; a flipped bit in the issuer's signature is refused. */
typedef struct
{
  const char *option;
  const char *alg;
  IdwCurve    curve;
  const char *sign_oid;
} CliAlgCase;

static const CliAlgCase cli_alg_cases[] = {
  { NULL, "ES256", IDW_CURVE_P256, "1.2.840.10045.4.3.2" },
  { "ES256", "ES256", IDW_CURVE_P256, "1.2.840.10045.4.3.2" },
  { "es384", "ES384", IDW_CURVE_P384, "1.2.840.10045.4.3.3" },
  { "EdDSA", "EdDSA", IDW_CURVE_ED25519, "1.3.101.112" },
};

static void
assert_signature_oid (const char *pem_path,
                      const char *oid)
{
  g_autofree char *pem = NULL;
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum;
  char got[64];
  size_t got_size = sizeof got;
  gsize len;

  g_assert_true (g_file_get_contents (pem_path, &pem, &len, NULL));
  datum.data = (unsigned char *) pem;
  datum.size = (unsigned int) len;
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_get_signature_oid (crt, got, &got_size), ==, 0);
  gnutls_x509_crt_deinit (crt);
  g_assert_cmpstr (got, ==, oid);
}

static void
test_issuer_alg (gconstpointer data)
{
  const CliAlgCase *c = data;
  g_autofree char *name = g_strdup_printf ("issuer-alg-%s", c->option != NULL ? c->option : "default");
  g_autofree char *dir = tmp_path (name);
  g_autofree char *cred_name = g_strconcat (name, ".idwcred", NULL);
  g_autofree char *cred_path = tmp_path (cred_name);
  g_autofree char *iaca = g_build_filename (dir, "iaca.pem", NULL);
  g_autofree char *ds = g_build_filename (dir, "ds.pem", NULL);
  g_autofree char *person = g_test_build_filename (G_TEST_DIST, "data", "cli", "person.json", NULL);
  g_autofree char *expected_line = g_strdup_printf ("Signature algorithm: %s:", c->alg);
  g_autofree char *text_file = NULL;
  g_autofree char *tampered_file = NULL;
  g_autoptr(Run) init = NULL;
  g_autoptr(Run) issue = NULL;
  g_autoptr(Run) present = NULL;
  g_autoptr(IdwCertificate) cert = NULL;
  g_autoptr(IdwKey) key = NULL;
  g_autoptr(IdwCredential) issued = NULL;
  g_autoptr(IdwCoseSign1) sign1 = NULL;
  g_autoptr(JsonObject) verdict = NULL;
  g_autoptr(JsonObject) tampered_verdict = NULL;
  g_autoptr(GError) error = NULL;
  IdwIssuerSigned *is;
  cbor_item_t *signature;

  if (c->option != NULL)
    init = run_cli (NULL, "issuer", "init", "--out", dir, "--alg", c->option, "--test", NULL);
  else
    init = run_cli (NULL, "issuer", "init", "--out", dir, "--test", NULL);
  g_assert_cmpint (init->status, ==, 0);
  g_assert_nonnull (strstr (init->out, expected_line));

  /* Both certificates and both keys of the algorithm. */
  cert = idw_certificate_new_from_file (ds, &error);
  g_assert_no_error (error);
  key = idw_certificate_get_public_key (cert, &error);
  g_assert_no_error (error);
  g_assert_cmpint (idw_key_get_curve (key), ==, c->curve);
  assert_signature_oid (iaca, c->sign_oid);
  assert_signature_oid (ds, c->sign_oid);

  issue = run_cli (NULL, "issue", "--issuer", dir, "--data", person, "--new-device-key",
                   "--out", cred_path, NULL);
  g_assert_cmpint (issue->status, ==, 0);

  /* issuerAuth: the algorithm's COSE alg and raw r || s. */
  issued = idw_credential_new_from_file (cred_path, &error);
  g_assert_no_error (error);
  is = idw_credential_get_issuer_signed (issued);
  sign1 = idw_cose_sign1_parse (is->issuer_auth, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (idw_key_alg_to_string (sign1->alg), ==, c->alg);
  g_assert_cmpuint (g_bytes_get_size (sign1->signature), ==, c->curve == IDW_CURVE_P384 ? 96 : 64);

  present = run_cli (NULL, "present", cred_path, "--text", NULL);
  g_assert_cmpint (present->status, ==, 0);
  text_file = write_tmp ("issuer-alg.txt", present->out, -1);
  verdict = verify_json (0, NULL, "--trust", iaca, text_file, NULL);
  g_assert_true (json_object_get_boolean_member (verdict, "valid"));
  assert_checks (verdict, "pppppppnp");

  /* The same credential with one bit of its signature flipped. */
  signature = cbor_array_handle (is->issuer_auth)[3];
  cbor_bytestring_handle (signature)[0] ^= 0x01;
  {
    g_autofree char *text = idw_present_text (issued, NULL,
                                              (const char * const[]) { "org.iso.18013.5.1/family_name", NULL },
                                              NULL, NULL, &error);

    g_assert_no_error (error);
    tampered_file = write_tmp ("issuer-alg-tampered.txt", text, -1);
  }
  tampered_verdict = verify_json (1, NULL, "--trust", iaca, tampered_file, NULL);
  g_assert_false (json_object_get_boolean_member (tampered_verdict, "valid"));
  assert_checks (tampered_verdict, "?f???????");
}

static void
test_issuer_alg_bad (void)
{
  g_autofree char *dir = tmp_path ("issuer-alg-bad");
  g_autoptr(Run) es512 = run_cli (NULL, "issuer", "init", "--out", dir, "--alg", "ES512", NULL);
  g_autoptr(Run) rsa = run_cli (NULL, "issuer", "init", "--out", dir, "--alg", "RS256", NULL);

  g_assert_cmpint (es512->status, ==, 2);
  g_assert_nonnull (strstr (es512->err, "ES512"));
  g_assert_cmpint (rsa->status, ==, 2);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
}

static void
test_issue_new_device_key (void)
{
  g_autoptr(IdwCredential) cred = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(Run) again = NULL;
  g_autofree char *person = g_test_build_filename (G_TEST_DIST, "data", "cli", "person.json", NULL);
  g_autofree char *holder = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  ensure_credential ();
  assert_mode (credential, 0600);

  cred = idw_credential_new_from_file (credential, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (idw_credential_get_doctype (cred), ==, IDW_DOCTYPE_MDL);
  g_assert_nonnull (idw_credential_get_private_key (cred));
  g_assert_true (idw_credential_is_test_issuer (cred));
  holder = idw_credential_dup_holder_name (cred);
  g_assert_cmpstr (holder, ==, "Erika Zoë Mustermann");
  g_assert_true (idw_credential_has_element (cred, IDW_NAMESPACE_MDL, "portrait"));

  /* The private key is in the file, but never printed. */
  g_assert_true (g_file_get_contents (credential, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 1000);

  again = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person,
                   "--new-device-key", "--out", credential, NULL);
  g_assert_cmpint (again->status, ==, 2);
  g_assert_nonnull (strstr (again->err, "already exists"));
}

/* The deviceSignature's algorithm in an IDW1 text. */
static gint64
device_signature_alg (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwEnvelope) envelope = idw_envelope_parse_text (text, &error);
  g_autoptr(IdwDeviceResponse) response = NULL;
  g_autoptr(IdwCoseSign1) sign1 = NULL;
  IdwDocument *doc;

  g_assert_no_error (error);
  response = idw_device_response_parse (envelope->response, IDW_MDOC_PARSE_DEFAULT, &error);
  g_assert_no_error (error);
  doc = g_ptr_array_index (response->documents, 0);
  sign1 = idw_cose_sign1_parse (doc->device_signed->device_signature, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (sign1->signature), ==, 64);
  return sign1->alg;
}

/* issue --new-device-key --device-alg ES256: a P-256 device key whose
 * private part travels in the file (COSE_Key EC2 with d); present signs
 * ES256 with it and the verifier accepts. */
static void
test_issue_new_device_key_es256 (void)
{
  g_autofree char *person = g_test_build_filename (G_TEST_DIST, "data", "cli", "person.json", NULL);
  g_autofree char *out = tmp_path ("es256.idwcred");
  g_autoptr(Run) issue = NULL;
  g_autoptr(Run) present = NULL;
  g_autoptr(IdwCredential) cred = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) verdict = NULL;

  ensure_credential ();
  issue = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person, "--new-device-key",
                   "--device-alg", "es256", "--out", out, NULL);
  g_assert_cmpint (issue->status, ==, 0);
  assert_mode (out, 0600);

  cred = idw_credential_new_from_file (out, &error);
  g_assert_no_error (error);
  g_assert_nonnull (idw_credential_get_private_key (cred));
  g_assert_cmpint (idw_key_get_alg (idw_credential_get_device_key (cred)), ==, IDW_COSE_ALG_ES256);

  present = run_cli (NULL, "present", out, "--preset", "age-over-18", NULL);
  g_assert_cmpint (present->status, ==, 0);
  g_strstrip (present->out);
  g_assert_cmpint (device_signature_alg (present->out), ==, IDW_COSE_ALG_ES256);
  verdict = verify_json (0, present->out, "--trust", iaca_pem, "-", NULL);
  g_assert_true (json_object_get_boolean_member (verdict, "valid"));
}

static void
test_issue_options (void)
{
  g_autofree char *person = g_test_build_filename (G_TEST_DIST, "data", "cli", "person.json", NULL);
  g_autofree char *out = tmp_path ("dated.idwcred");
  g_autoptr(Run) issue = NULL;
  g_autoptr(IdwCredential) cred = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *from = NULL;
  g_autofree char *until = NULL;
  g_autoptr(Run) backwards = NULL;
  g_autoptr(Run) backdated = NULL;
  g_autofree char *out2 = tmp_path ("backwards.idwcred");
  g_autoptr(Run) outliving = NULL;
  /* Relative to today: the test issuer's DS certificate lives 3 years. */
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) next_year = g_date_time_add_years (now, 1);
  g_autoptr(GDateTime) in_two_years = g_date_time_add_years (now, 2);
  g_autoptr(GDateTime) in_four_years = g_date_time_add_years (now, 4);
  g_autofree char *from_arg = g_date_time_format (next_year, "%Y-%m-%d");
  g_autofree char *until_arg = g_date_time_format (in_two_years, "%Y-%m-%dT12:00:00Z");
  g_autofree char *beyond_arg = g_date_time_format (in_four_years, "%Y-%m-%d");
  g_autofree char *before_arg = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *from_expected = g_strconcat (from_arg, "T00:00:00Z", NULL);

  ensure_credential ();
  issue = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person, "--new-device-key",
                   "--valid-from", from_arg, "--valid-until", until_arg,
                   "--doctype", IDW_DOCTYPE_MDL, "--out", out, NULL);
  g_assert_cmpint (issue->status, ==, 0);

  cred = idw_credential_new_from_file (out, &error);
  g_assert_no_error (error);
  from = g_date_time_format_iso8601 (idw_credential_get_valid_from (cred));
  until = g_date_time_format_iso8601 (idw_credential_get_valid_until (cred));
  g_assert_cmpstr (from, ==, from_expected);
  g_assert_cmpstr (until, ==, until_arg);

  /* An ID may not outlive the certificate verifiers check it with. */
  outliving = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person, "--new-device-key",
                       "--valid-until", beyond_arg, "--out", out2, NULL);
  g_assert_cmpint (outliving->status, ==, 2);
  g_assert_nonnull (strstr (outliving->err, "document signer"));
  g_assert_false (g_file_test (out2, G_FILE_TEST_EXISTS));

  backwards = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person, "--new-device-key",
                       "--valid-from", from_arg, "--valid-until", before_arg, "--out", out2, NULL);
  g_assert_cmpint (backwards->status, ==, 1);
  g_assert_false (g_file_test (out2, G_FILE_TEST_EXISTS));

  /* ISO 18013-5: validFrom ≥ signed, and signed is now. */
  backdated = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person, "--new-device-key",
                       "--valid-from", "2020-01-01", "--out", out2, NULL);
  g_assert_cmpint (backdated->status, ==, 2);
  g_assert_nonnull (strstr (backdated->err, "--valid-from"));
  g_assert_false (g_file_test (out2, G_FILE_TEST_EXISTS));
}

static void
test_issue_bad_data (void)
{
  g_autofree char *bad_date = write_tmp ("bad-date.json",
                                         "{\"org.iso.18013.5.1\": {\"family_name\": \"X\", \"birth_date\": \"17 May 1990\"}}",
                                         -1);
  g_autofree char *not_json = write_tmp ("not-json.json", "{\"org.iso.18013.5.1\": ", -1);
  g_autofree char *out = tmp_path ("bad.idwcred");
  g_autoptr(Run) date = NULL;
  g_autoptr(Run) json = NULL;

  ensure_credential ();
  date = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", bad_date,
                  "--new-device-key", "--out", out, NULL);
  g_assert_cmpint (date->status, ==, 1);
  g_assert_nonnull (strstr (date->err, "birth_date"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));

  json = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", not_json,
                  "--new-device-key", "--out", out, NULL);
  g_assert_cmpint (json->status, !=, 0);
  g_assert_cmpstr (json->err, !=, "");
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

/* Issuing to a holder's public key: the credential cannot be presented
 * from the file, which the CLI says plainly. */
static void
test_issue_device_key (void)
{
  g_autofree char *person = g_test_build_filename (G_TEST_DIST, "data", "cli", "person.json", NULL);
  g_autoptr(IdwKey) key = idw_key_generate_ed25519 ();
  g_autoptr(cbor_item_t) cose = idw_cose_key_encode (key, FALSE);
  g_autoptr(GBytes) cose_bytes = idw_cbor_encode (cose);
  g_autoptr(GBytes) public_bytes = idw_key_get_public_bytes (key);
  g_autoptr(GByteArray) spki = g_byte_array_new ();
  static const guint8 prefix[] = { 0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00 };
  g_autofree char *spki_b64 = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *cose_file = NULL;
  g_autofree char *pem_file = NULL;
  g_autofree char *out_cose = tmp_path ("public-cose.idwcred");
  g_autofree char *out_pem = tmp_path ("public-pem.idwcred");
  g_autoptr(Run) issue_cose = NULL;
  g_autoptr(Run) issue_pem = NULL;
  g_autoptr(Run) present = NULL;
  g_autoptr(Run) private_key = NULL;
  g_autofree char *ds_key = NULL;
  g_autofree char *out_private = tmp_path ("never.idwcred");

  ensure_credential ();

  cose_file = write_tmp ("device.cose", g_bytes_get_data (cose_bytes, NULL), g_bytes_get_size (cose_bytes));
  g_byte_array_append (spki, prefix, sizeof prefix);
  g_byte_array_append (spki, g_bytes_get_data (public_bytes, NULL), 32);
  spki_b64 = g_base64_encode (spki->data, spki->len);
  pem = g_strdup_printf ("-----BEGIN PUBLIC KEY-----\n%s\n-----END PUBLIC KEY-----\n", spki_b64);
  pem_file = write_tmp ("device.pub.pem", pem, -1);

  issue_cose = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person,
                        "--device-key", cose_file, "--out", out_cose, NULL);
  g_assert_cmpint (issue_cose->status, ==, 0);
  issue_pem = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person,
                       "--device-key", pem_file, "--out", out_pem, NULL);
  g_assert_cmpint (issue_pem->status, ==, 0);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(IdwCredential) cred = NULL;
      g_autoptr(GError) error = NULL;

      cred = idw_credential_new_from_file (i == 0 ? out_cose : out_pem, &error);
      g_assert_no_error (error);
      g_assert_null (idw_credential_get_private_key (cred));
      g_assert_true (idw_key_equal (idw_credential_get_device_key (cred), key));
    }

  present = run_cli (NULL, "present", out_cose, NULL);
  g_assert_cmpint (present->status, ==, 2);
  g_assert_nonnull (strstr (present->err, "private"));
  g_assert_cmpstr (present->out, ==, "");

  /* A private key file is refused as --device-key. */
  ds_key = g_build_filename (issuer_dir, "ds.key", NULL);
  private_key = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person,
                         "--device-key", ds_key, "--out", out_private, NULL);
  g_assert_cmpint (private_key->status, ==, 2);
  g_assert_null (strstr (private_key->err, "BEGIN"));
}

/* ---- Round trips ------------------------------------------------------ */

static void
test_roundtrip_text (void)
{
  g_autofree char *text = present_text ("--text", NULL);
  g_autofree char *text_file = write_tmp ("full.txt", text, -1);
  g_autoptr(JsonObject) verdict = verify_json (0, NULL, "--trust", iaca_pem, text_file, NULL);
  g_autofree char *portrait_path = g_test_build_filename (G_TEST_DIST, "data", "cli", "portrait.jpg", NULL);
  g_autofree char *portrait = NULL;
  g_autofree char *portrait_b64 = NULL;
  JsonObject *issuer;
  JsonObject *mdl;
  gsize portrait_len;

  g_assert_true (json_object_get_boolean_member (verdict, "valid"));
  assert_checks (verdict, "pppppppnp");
  g_assert_cmpstr (json_object_get_string_member (verdict, "docType"), ==, IDW_DOCTYPE_MDL);
  g_assert_nonnull (json_object_get_string_member (verdict, "presentedAt"));

  issuer = json_object_get_object_member (verdict, "issuer");
  g_assert_nonnull (issuer);
  g_assert_true (json_object_get_boolean_member (issuer, "testIssuer"));
  g_assert_cmpstr (json_object_get_string_member (issuer, "country"), ==, "ZZ");
  g_assert_cmpstr (json_object_get_string_member (issuer, "organization"), ==, "Test Republic");

  mdl = disclosed_namespace (verdict, IDW_NAMESPACE_MDL);
  assert_members (mdl, "family_name,given_name,birth_date,age_over_18,document_number,portrait");
  g_assert_cmpstr (json_object_get_string_member (mdl, "family_name"), ==, "Mustermann");
  g_assert_cmpstr (json_object_get_string_member (mdl, "given_name"), ==, "Erika Zoë");
  g_assert_cmpstr (json_object_get_string_member (mdl, "birth_date"), ==, "1990-05-17");
  g_assert_true (json_object_get_boolean_member (mdl, "age_over_18"));
  g_assert_cmpstr (json_object_get_string_member (mdl, "document_number"), ==, "ZZ1234567");

  g_assert_true (g_file_get_contents (portrait_path, &portrait, &portrait_len, NULL));
  portrait_b64 = g_base64_encode ((const guchar *) portrait, portrait_len);
  g_assert_cmpstr (json_object_get_string_member (mdl, "portrait"), ==, portrait_b64);
}

static void
test_roundtrip_human (void)
{
  /* Fixed times, so that the two outputs compare equal byte for byte. */
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_seconds (now, 5);
  g_autofree char *at = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *verify_at = g_date_time_format (later, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *text = present_text ("--at", at, NULL);
  g_autoptr(Run) run = run_cli (text, "verify", "--trust", iaca_pem, "--at", verify_at, NULL);
  g_autoptr(Run) dash = run_cli (text, "verify", "--trust", iaca_pem, "--at", verify_at, "-", NULL);

  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (g_str_has_prefix (run->out, "Valid\n"));
  g_assert_nonnull (strstr (run->out, "Test issuer"));
  g_assert_nonnull (strstr (run->out, "Family name"));
  g_assert_nonnull (strstr (run->out, "Mustermann"));
  g_assert_nonnull (strstr (run->out, "Erika Zoë"));
  g_assert_nonnull (strstr (run->out, "Test Republic"));
  g_assert_nonnull (strstr (run->out, "Image (934 bytes)"));
  g_assert_null (strstr (run->out, "FAILED"));
  g_assert_cmpstr (run->err, ==, "");

  g_assert_cmpint (dash->status, ==, 0);
  g_assert_cmpstr (dash->out, ==, run->out);
}

static void
test_present_age_over_18 (void)
{
  g_autofree char *text = present_text ("--preset", "age-over-18", NULL);
  g_autoptr(JsonObject) verdict = verify_json (0, text, "--trust", iaca_pem, NULL);
  JsonObject *disclosed = json_object_get_object_member (verdict, "disclosed");
  JsonObject *mdl = disclosed_namespace (verdict, IDW_NAMESPACE_MDL);

  assert_checks (verdict, "pppppppnp");
  g_assert_cmpuint (json_object_get_size (disclosed), ==, 1);
  assert_members (mdl, "age_over_18");
  g_assert_true (json_object_get_boolean_member (mdl, "age_over_18"));
}

/* A 居民身份证 as a photo ID: "Age over 18" shows no citizen ID number; the
 * full ID shows it grouped to people and as issued in JSON. */
static void
test_present_photo_id (void)
{
  g_autofree char *person = g_test_build_filename (G_TEST_DIST, "data", "mdoc", "person-cn-photoid.json", NULL);
  g_autofree char *photo_id = tmp_path ("zhang-wei-photo-id.idwcred");
  g_autoptr(Run) issue = NULL;
  g_autoptr(Run) age = NULL;
  g_autoptr(Run) full = NULL;
  g_autoptr(Run) age_human = NULL;
  g_autoptr(Run) full_human = NULL;
  g_autoptr(JsonObject) age_verdict = NULL;
  g_autoptr(JsonObject) full_verdict = NULL;
  JsonObject *disclosed;

  ensure_credential ();
  issue = run_cli (NULL, "issue", "--issuer", issuer_dir, "--data", person,
                   "--new-device-key", "--out", photo_id, NULL);
  g_assert_cmpint (issue->status, ==, 0);
  g_assert_nonnull (strstr (issue->out, "Photo ID"));

  age = run_cli (NULL, "present", photo_id, "--preset", "age-over-18", NULL);
  g_assert_cmpint (age->status, ==, 0);
  age_verdict = verify_json (0, age->out, "--trust", iaca_pem, NULL);
  assert_checks (age_verdict, "pppppppnp");
  g_assert_cmpstr (json_object_get_string_member (age_verdict, "docType"), ==, IDW_DOCTYPE_PHOTO_ID);
  disclosed = json_object_get_object_member (age_verdict, "disclosed");
  g_assert_cmpuint (json_object_get_size (disclosed), ==, 1);
  assert_members (disclosed_namespace (age_verdict, IDW_NAMESPACE_PHOTO_ID), "age_over_18");
  g_assert_false (json_object_has_member (disclosed, IDW_NAMESPACE_PHOTO_ID_SPECIFIC));
  age_human = run_cli (age->out, "verify", "--trust", iaca_pem, NULL);
  g_assert_cmpint (age_human->status, ==, 0);
  g_assert_nonnull (strstr (age_human->out, "Age over 18"));
  g_assert_null (strstr (age_human->out, "person_id"));
  g_assert_null (strstr (age_human->out, "990101"));

  full = run_cli (NULL, "present", photo_id, "--preset", "full", NULL);
  g_assert_cmpint (full->status, ==, 0);
  full_verdict = verify_json (0, full->out, "--trust", iaca_pem, NULL);
  assert_checks (full_verdict, "pppppppnp");
  g_assert_cmpstr (json_object_get_string_member (disclosed_namespace (full_verdict, IDW_NAMESPACE_PHOTO_ID_SPECIFIC),
                                                  "person_id"), ==, "990101199005171231");
  g_assert_cmpstr (json_object_get_string_member (disclosed_namespace (full_verdict, IDW_NAMESPACE_CN_RESIDENT_ID),
                                                  "ethnic_group"), ==, "汉");
  full_human = run_cli (full->out, "verify", "--trust", iaca_pem, NULL);
  g_assert_cmpint (full_human->status, ==, 0);
  g_assert_nonnull (strstr (full_human->out, "Personal ID number (person_id): 990101 19900517 1231\n"));
  g_assert_nonnull (strstr (full_human->out, "Ethnic group (ethnic_group): 汉\n"));
}

static void
test_present_elements (void)
{
  g_autofree char *text = present_text ("--elements", "org.iso.18013.5.1/family_name,given_name",
                                        "-e", "birth_date", NULL);
  g_autoptr(JsonObject) verdict = verify_json (0, text, "--trust", iaca_pem, NULL);
  JsonObject *mdl = disclosed_namespace (verdict, IDW_NAMESPACE_MDL);
  g_autoptr(Run) unknown = NULL;

  assert_members (mdl, "family_name,given_name,birth_date");

  unknown = run_cli (NULL, "present", credential, "--elements", "org.iso.18013.5.1/height", NULL);
  g_assert_cmpint (unknown->status, ==, 2);
  g_assert_nonnull (strstr (unknown->err, "height"));
  g_assert_cmpstr (unknown->out, ==, "");
}

static void
test_present_png (void)
{
  g_autofree char *png = tmp_path ("qr.png");
  g_autoptr(Run) present = NULL;
  g_autoptr(JsonObject) verdict = NULL;
  g_autofree char *contents = NULL;
  gsize len;
  JsonObject *mdl;

  ensure_credential ();
  present = run_cli (NULL, "present", credential, "--png", png, NULL);
  g_assert_cmpint (present->status, ==, 0);
  g_assert_cmpstr (present->out, ==, "");

  g_assert_true (g_file_get_contents (png, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 8);
  g_assert_cmpmem (contents, 8, "\x89PNG\r\n\x1a\n", 8);

  verdict = verify_json (0, NULL, "--trust", iaca_pem, png, NULL);
  assert_checks (verdict, "pppppppnp");
  mdl = disclosed_namespace (verdict, IDW_NAMESPACE_MDL);
  g_assert_cmpstr (json_object_get_string_member (mdl, "family_name"), ==, "Mustermann");
  /* Whatever fitted: the portrait is in only if the CLI did not say it
   * left it out. */
  g_assert_true (json_object_has_member (mdl, "portrait")
                 == (strstr (present->err, "portrait") == NULL));
}

static void
test_present_at (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) at = g_date_time_add_seconds (now, 3600);
  g_autofree char *at_text = g_date_time_format (at, "%Y-%m-%dT%H:%M:%SZ");
  g_autofree char *text = present_text ("--at", at_text, "--preset", "name-photo", NULL);
  g_autoptr(JsonObject) verdict = verify_json (0, text, "--trust", iaca_pem, "--at", at_text, NULL);
  g_autoptr(JsonObject) stale = verify_json (1, text, "--trust", iaca_pem, NULL);
  g_autoptr(GDateTime) presented = NULL;
  JsonObject *mdl;

  presented = g_date_time_new_from_iso8601 (json_object_get_string_member (verdict, "presentedAt"), NULL);
  g_assert_nonnull (presented);
  g_assert_cmpint (g_date_time_to_unix (presented), ==, g_date_time_to_unix (at));

  mdl = disclosed_namespace (verdict, IDW_NAMESPACE_MDL);
  assert_members (mdl, "family_name,given_name,portrait");

  /* An hour away from the verifier's clock is not fresh. */
  assert_checks (stale, "pppppppnf");
}

static void
test_present_nonce_request (void)
{
  g_autoptr(GError) error = NULL;
  const char * const paths[] = { "org.iso.18013.5.1/age_over_18", "org.iso.18013.5.1/height", NULL };
  g_autoptr(IdwRemoteRequest) request = idw_remote_request_new (IDW_DOCTYPE_MDL, paths, "Bar Zero", &error);
  g_autofree char *request_text = NULL;
  g_autofree char *text = NULL;
  g_autoptr(IdwEnvelope) envelope = NULL;
  g_autoptr(JsonObject) verdict = NULL;
  g_autoptr(Run) bad = NULL;
  JsonObject *mdl;

  g_assert_no_error (error);
  request_text = idw_remote_request_to_text (request);
  g_assert_true (g_str_has_prefix (request_text, "IDWR1:"));

  text = present_text ("--nonce-request", request_text, NULL);
  envelope = idw_envelope_parse_text (text, &error);
  g_assert_no_error (error);
  g_assert_nonnull (envelope->nonce);
  g_assert_true (g_bytes_equal (envelope->nonce, request->nonce));

  /* Only what was asked for and held; but this verifier never made that
   * request (`ask` did not), so the nonce is unknown: not fresh. */
  verdict = verify_json (1, text, "--trust", iaca_pem, NULL);
  assert_checks (verdict, "pppppppnf");
  mdl = disclosed_namespace (verdict, IDW_NAMESPACE_MDL);
  assert_members (mdl, "age_over_18");

  bad = run_cli (NULL, "present", credential, "--nonce-request", "IDWR1:NOT BASE45!", NULL);
  g_assert_cmpint (bad->status, ==, 2);
  g_assert_nonnull (strstr (bad->err, "--nonce-request"));
}

/* ---- main --------------------------------------------------------------- */

int
main (int    argc,
      char **argv)
{
  cli_test_init (&argc, &argv, "test-cli-XXXXXX");

  g_test_add_func ("/cli/usage/help", test_usage_help);
  g_test_add_func ("/cli/usage/errors", test_usage_errors);
  g_test_add_func ("/cli/usage/missing-files", test_missing_files);
  g_test_add_func ("/cli/issuer/init", test_issuer_init);
  for (gsize i = 0; i < G_N_ELEMENTS (cli_alg_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/cli/issuer/alg/%s",
                                               cli_alg_cases[i].option != NULL ? cli_alg_cases[i].option
                                                                               : "default");

      g_test_add_data_func (path, &cli_alg_cases[i], test_issuer_alg);
    }
  g_test_add_func ("/cli/issuer/alg-bad", test_issuer_alg_bad);
  g_test_add_func ("/cli/issue/new-device-key", test_issue_new_device_key);
  g_test_add_func ("/cli/issue/new-device-key-es256", test_issue_new_device_key_es256);
  g_test_add_func ("/cli/issue/options", test_issue_options);
  g_test_add_func ("/cli/issue/bad-data", test_issue_bad_data);
  g_test_add_func ("/cli/issue/device-key", test_issue_device_key);
  g_test_add_func ("/cli/roundtrip/text-json", test_roundtrip_text);
  g_test_add_func ("/cli/roundtrip/human", test_roundtrip_human);
  g_test_add_func ("/cli/present/age-over-18", test_present_age_over_18);
  g_test_add_func ("/cli/present/elements", test_present_elements);
  g_test_add_func ("/cli/present/photo-id", test_present_photo_id);
  g_test_add_func ("/cli/present/png", test_present_png);
  g_test_add_func ("/cli/present/at", test_present_at);
  g_test_add_func ("/cli/present/nonce-request", test_present_nonce_request);

  return cli_test_finish (g_test_run ());
}
