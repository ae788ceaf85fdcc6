/* test-trust-rules.c: the trust rules as a verifier meets them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Credentials issued under certificates made with GnuTLS, presented as
 * IDW1 texts and verified: the issuer_trusted check must follow the trust
 * rules (docs/formats.md §2.4) end to end, through x5chain parsing and
 * the issuer's signature, with the rule's sentence as its detail.
 * test-x509 covers each rule on its own.
 */
#include "config.h"

#include <string.h>

#include "mdoc-test-util.h"
#include "x509-test-util.h"

static IdwKey *
key_from_gnutls (gnutls_x509_privkey_t key)
{
  g_autoptr(GError) error = NULL;
  gnutls_datum_t pem = { NULL, 0 };
  IdwKey *result;

  g_assert_cmpint (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                                      GNUTLS_PKCS_PLAIN, &pem), ==, 0);
  result = idw_key_new_from_pem ((const char *) pem.data, pem.size, &error);
  gnutls_free (pem.data);
  g_assert_no_error (error);
  return result;
}

/* Issues a credential signed by @ds (with @ds_key) at @signed_at,
 * presents it at @at, and verifies it at @at with @anchor trusted. */
static IdwVerdict *
issue_and_verify (IdwCertificate        *ds,
                  gnutls_x509_privkey_t  ds_key,
                  IdwCertificate        *anchor,
                  GDateTime             *signed_at,
                  GDateTime             *at)
{
  g_autoptr(JsonObject) person = test_person ();
  g_autoptr(IdwKey) signing_key = key_from_gnutls (ds_key);
  g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
  g_autoptr(GDateTime) valid_until = g_date_time_add_years (signed_at, 5);
  g_autoptr(IdwCredential) credential = NULL;
  g_autoptr(IdwVerifier) verifier = idw_verifier_new ();
  g_autofree char *path = idw_element_path_new (IDW_NAMESPACE_MDL, "family_name");
  const char *paths[] = { path, NULL };
  IdwIssueOptions options = { .signed_at = signed_at, .valid_until = valid_until };
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  credential = idw_issue_credential (person, NULL, device_key, signing_key, ds, &options, &error);
  g_assert_no_error (error);
  text = idw_present_text (credential, device_key, paths, at, NULL, &error);
  g_assert_no_error (error);

  idw_verifier_add_trust_anchor (verifier, anchor);
  idw_verifier_set_time (verifier, at);
  return idw_verifier_verify_text (verifier, text);
}

static void
assert_untrusted_because (IdwVerdict *verdict,
                          const char *detail)
{
  test_assert_only_failures (verdict, IDW_CHECK_ISSUER_TRUSTED, -1);
  g_assert_false (idw_verdict_is_valid (verdict));
  g_assert_nonnull (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_ISSUER_TRUSTED), detail));
}

static void
test_malformed_extensions (void)
{
  /* lf-03: a DS with a malformed non-critical IssuerAltName and
   * CRLDistributionPoints, which GnuTLS alone would refuse, pinned. */
  g_auto(gnutls_x509_privkey_t) iaca_key = make_ed25519_key ();
  g_auto(gnutls_x509_privkey_t) ds_key = make_ed25519_key ();
  g_autoptr(GDateTime) from = test_utc ("2024-01-01T00:00:00Z");
  g_autoptr(GDateTime) until = test_utc ("2030-01-01T00:00:00Z");
  g_autoptr(GDateTime) at = test_utc ("2025-06-01T12:00:00Z");
  TestCertOptions iaca_options = { .ca = TRUE, .basic_constraints = TRUE };
  g_autoptr(IdwCertificate) iaca = make_test_cert (iaca_key, "CN=Owf IACA,C=UT", NULL, NULL,
                                                   from, until, &iaca_options);
  g_autoptr(IdwCertificate) ds = make_test_cert (ds_key, "CN=Owf DS,C=UT", iaca, iaca_key,
                                                 from, until, &test_ds_bad_extensions);

  /* Pinned, and through its IACA. */
  IdwCertificate *anchors[] = { ds, iaca };

  for (guint i = 0; i < G_N_ELEMENTS (anchors); i++)
    {
      g_autoptr(IdwVerdict) verdict = issue_and_verify (ds, ds_key, anchors[i], at, at);

      test_assert_only_failures (verdict, -1);
      g_assert_true (idw_verdict_is_valid (verdict));
      /* The ignored extensions are named, with their certificate. */
      g_assert_nonnull (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_ISSUER_TRUSTED),
                                "IssuerAltName (2.5.29.18) of “CN=Owf DS,C=UT”"));
      g_assert_nonnull (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_ISSUER_TRUSTED),
                                "CRLDistributionPoints (2.5.29.31)"));
      g_assert_cmpint (idw_verdict_is_pinned (verdict), ==, anchors[i] == ds);
    }
}

static void
test_expired_before_signing (void)
{
  /* lf-11: the pinned DS had expired when the MSO was signed. */
  g_auto(gnutls_x509_privkey_t) ds_key = make_ed25519_key ();
  g_autoptr(GDateTime) from = test_utc ("2024-01-01T00:00:00Z");
  g_autoptr(GDateTime) until = test_utc ("2025-01-01T00:00:00Z");
  g_autoptr(GDateTime) signed_at = test_utc ("2025-02-01T00:00:00Z");
  g_autoptr(GDateTime) at = test_utc ("2025-03-01T00:00:00Z");
  TestCertOptions options = {
    .ds_usage = TRUE,
    .extensions = { { "2.5.29.18", test_bad_ian, sizeof test_bad_ian, FALSE } },
  };
  g_autoptr(IdwCertificate) ds = make_test_cert (ds_key, "CN=Late DS,C=ZZ", NULL, NULL,
                                                 from, until, &options);
  g_autoptr(IdwVerdict) verdict = issue_and_verify (ds, ds_key, ds, signed_at, at);

  assert_untrusted_because (verdict,
                            "The document was signed on 2025-02-01 00:00:00 UTC, after the document "
                            "signer certificate “CN=Late DS,C=ZZ” expired on 2025-01-01 00:00:00 UTC.");
}

static void
test_pinned_ca_signer (void)
{
  /* The NY DMV example: self-signed, CA:TRUE, no key usage, pinned: valid.
   * The same profile issued by an IACA the verifier trusts: refused. */
  g_auto(gnutls_x509_privkey_t) iaca_key = make_ed25519_key ();
  g_auto(gnutls_x509_privkey_t) ds_key = make_ed25519_key ();
  g_autoptr(GDateTime) from = test_utc ("2024-01-01T00:00:00Z");
  g_autoptr(GDateTime) until = test_utc ("2030-01-01T00:00:00Z");
  g_autoptr(GDateTime) at = test_utc ("2025-06-01T12:00:00Z");
  TestCertOptions ca_no_usage = { .ca = TRUE, .basic_constraints = TRUE, .no_key_usage = TRUE };
  TestCertOptions iaca_options = { .ca = TRUE, .basic_constraints = TRUE };
  g_autoptr(IdwCertificate) pinned = make_test_cert (ds_key, "CN=DMV,O=DMV,C=US", NULL, NULL,
                                                     from, until, &ca_no_usage);
  g_autoptr(IdwCertificate) iaca = make_test_cert (iaca_key, "CN=US IACA,C=US", NULL, NULL,
                                                   from, until, &iaca_options);
  g_autoptr(IdwCertificate) issued = make_test_cert (ds_key, "CN=DMV,O=DMV,C=US", iaca, iaca_key,
                                                     from, until, &ca_no_usage);

  {
    g_autoptr(IdwVerdict) verdict = issue_and_verify (pinned, ds_key, pinned, at, at);

    test_assert_only_failures (verdict, -1);
    g_assert_true (idw_verdict_is_valid (verdict));
  }

  {
    g_autoptr(IdwVerdict) verdict = issue_and_verify (issued, ds_key, iaca, at, at);

    assert_untrusted_because (verdict,
                              "The document signer certificate “CN=DMV,O=DMV,C=US” is a certificate "
                              "authority (CA) certificate, which must not sign documents.");
  }
}

static void
test_annex_b_signer (void)
{
  /* Under an IACA, a DS without the mdlDS purpose and a DS of another
   * country are refused, each with its rule. */
  g_auto(gnutls_x509_privkey_t) iaca_key = make_ed25519_key ();
  g_auto(gnutls_x509_privkey_t) ds_key = make_ed25519_key ();
  g_autoptr(GDateTime) from = test_utc ("2024-01-01T00:00:00Z");
  g_autoptr(GDateTime) until = test_utc ("2030-01-01T00:00:00Z");
  g_autoptr(GDateTime) at = test_utc ("2025-06-01T12:00:00Z");
  TestCertOptions iaca_options = { .ca = TRUE, .basic_constraints = TRUE };
  TestCertOptions tls = { .ds_usage = TRUE, .purpose = TEST_OID_SERVER_AUTH };
  TestCertOptions good = { .ds_usage = TRUE };
  g_autoptr(IdwCertificate) iaca = make_test_cert (iaca_key, "CN=Utopia IACA,C=UT", NULL, NULL,
                                                   from, until, &iaca_options);
  g_autoptr(IdwCertificate) tls_ds = make_test_cert (ds_key, "CN=TLS DS,C=UT", iaca, iaca_key,
                                                     from, until, &tls);
  g_autoptr(IdwCertificate) foreign_ds = make_test_cert (ds_key, "CN=Foreign DS,C=DE", iaca, iaca_key,
                                                         from, until, &good);

  {
    g_autoptr(IdwVerdict) verdict = issue_and_verify (tls_ds, ds_key, iaca, at, at);

    assert_untrusted_because (verdict,
                              "The extended key usage of the document signer certificate "
                              "“CN=TLS DS,C=UT” does not include the mdoc document signer purpose "
                              "(1.0.18013.5.1.2).");
  }

  {
    g_autoptr(IdwVerdict) verdict = issue_and_verify (foreign_ds, ds_key, iaca, at, at);

    assert_untrusted_because (verdict,
                              "The document signer certificate “CN=Foreign DS,C=DE” is for the "
                              "country DE, but its issuing authority “CN=Utopia IACA,C=UT” is for UT.");
  }
}

/* The test-issuer mark counts wherever it is: a test IACA's document
 * signer without the mark is still a test issuer, and a pinned marked
 * certificate is one too; an unmarked chain under an unmarked anchor is
 * not. */
static void
test_test_issuer_mark (void)
{
  g_auto(gnutls_x509_privkey_t) iaca_key = make_ed25519_key ();
  g_auto(gnutls_x509_privkey_t) ds_key = make_ed25519_key ();
  g_autoptr(GDateTime) from = test_utc ("2024-01-01T00:00:00Z");
  g_autoptr(GDateTime) until = test_utc ("2030-01-01T00:00:00Z");
  g_autoptr(GDateTime) at = test_utc ("2025-06-01T12:00:00Z");
  TestCertOptions iaca_options = { .ca = TRUE, .basic_constraints = TRUE };
  TestCertOptions ds_options = { .ds_usage = TRUE };
  g_autoptr(IdwCertificate) test_iaca = make_test_cert (iaca_key, "CN=Test IACA,OU=ID Wallet Test Issuer,C=UT",
                                                        NULL, NULL, from, until, &iaca_options);
  g_autoptr(IdwCertificate) plain_ds = make_test_cert (ds_key, "CN=Plain DS,C=UT", test_iaca, iaca_key,
                                                       from, until, &ds_options);
  g_autoptr(IdwCertificate) real_iaca = make_test_cert (iaca_key, "CN=Real IACA,C=UT",
                                                        NULL, NULL, from, until, &iaca_options);
  g_autoptr(IdwCertificate) real_ds = make_test_cert (ds_key, "CN=Real DS,C=UT", real_iaca, iaca_key,
                                                      from, until, &ds_options);
  g_autoptr(IdwVerdict) under_test = issue_and_verify (plain_ds, ds_key, test_iaca, at, at);
  g_autoptr(IdwVerdict) under_real = issue_and_verify (real_ds, ds_key, real_iaca, at, at);

  g_assert_false (idw_certificate_is_test_issuer (plain_ds));
  test_assert_only_failures (under_test, -1);
  g_assert_true (idw_verdict_is_test_issuer (under_test));
  g_assert_true (idw_certificate_equal (idw_verdict_get_trust_anchor (under_test), test_iaca));
  g_assert_false (idw_verdict_is_pinned (under_test));

  test_assert_only_failures (under_real, -1);
  g_assert_false (idw_verdict_is_test_issuer (under_real));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/trust-rules/malformed-extensions", test_malformed_extensions);
  g_test_add_func ("/trust-rules/expired-before-signing", test_expired_before_signing);
  g_test_add_func ("/trust-rules/pinned-ca-signer", test_pinned_ca_signer);
  g_test_add_func ("/trust-rules/annex-b-signer", test_annex_b_signer);
  g_test_add_func ("/trust-rules/test-issuer-mark", test_test_issuer_mark);

  return g_test_run ();
}
