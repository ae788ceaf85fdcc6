/* test-x509-rules.c: the trust rules, one broken at a time, on chains
 * under a test IACA (ISO 18013-5 Annex B), and ECDSA chains
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "idw-cbor.h"
#include "idw-der.h"
#include "idw-error.h"
#include "idw-x509.h"
#include "x509-test-util.h"
#include "test-x509-util.h"

/* ECDSA chains made with GnuTLS */

static void
test_ecdsa_chain (void)
{
  g_autoptr(GDateTime) from = utc ("2024-01-01T00:00:00Z");
  g_autoptr(GDateTime) until = utc ("2034-01-01T00:00:00Z");
  g_autoptr(GDateTime) ds_until = utc ("2027-01-01T00:00:00Z");
  g_autoptr(GDateTime) now = utc ("2025-05-05T05:05:05Z");
  g_auto(gnutls_x509_privkey_t) root_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_auto(gnutls_x509_privkey_t) ds_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_auto(gnutls_x509_privkey_t) mid_key = make_ec_key (GNUTLS_ECC_CURVE_SECP384R1);
  g_auto(gnutls_x509_privkey_t) ds2_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  TestCertOptions ca = { .ca = TRUE, .basic_constraints = TRUE };
  TestCertOptions leaf = { .ds_usage = TRUE };
  g_autoptr(IdwCertificate) root = make_test_cert (root_key, "CN=EC IACA,O=EC,C=UT", NULL, NULL,
                                                   from, until, &ca);
  g_autoptr(IdwCertificate) ds = make_test_cert (ds_key, "CN=EC DS,O=EC,C=UT", root, root_key,
                                                 from, ds_until, &leaf);
  g_autoptr(IdwCertificate) mid = make_test_cert (mid_key, "CN=EC Intermediate,O=EC,C=UT", root, root_key,
                                                  from, until, &ca);
  g_autoptr(IdwCertificate) ds2 = make_test_cert (ds2_key, "CN=EC DS 2,O=EC,C=UT", mid, mid_key,
                                                  from, ds_until, &leaf);
  g_autoptr(GPtrArray) anchors = cert_list (root, NULL);
  g_autoptr(IdwCertificate) anchor = NULL;
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(GPtrArray) chain = cert_list (ds, NULL);

    g_assert_true (idw_x509_validate_chain (chain, anchors, now, now, &anchor, &error));
    g_assert_no_error (error);
    g_assert_true (anchor == root);
    g_clear_pointer (&anchor, idw_certificate_unref);
  }

  /* Through an intermediate (P-384) CA. */
  {
    g_autoptr(GPtrArray) chain = cert_list (ds2, mid, NULL);
    g_autoptr(GPtrArray) chain_with_root = cert_list (ds2, mid, root, NULL);
    g_autoptr(GPtrArray) short_chain = cert_list (ds2, NULL);
    g_autoptr(GPtrArray) pinned_mid = cert_list (mid, NULL);

    g_assert_true (idw_x509_validate_chain (chain, anchors, now, now, &anchor, &error));
    g_assert_no_error (error);
    g_assert_true (anchor == root);
    g_clear_pointer (&anchor, idw_certificate_unref);

    g_assert_true (idw_x509_validate_chain (chain_with_root, anchors, now, now, NULL, &error));
    g_assert_no_error (error);

    /* The intermediate trusted directly. */
    g_assert_true (idw_x509_validate_chain (short_chain, pinned_mid, now, now, &anchor, &error));
    g_assert_no_error (error);
    g_assert_true (anchor == mid);
    g_clear_pointer (&anchor, idw_certificate_unref);

    /* Without the intermediate the chain does not reach the root. */
    g_assert_false (idw_x509_validate_chain (short_chain, anchors, now, now, NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_UNTRUSTED);
    g_assert_cmpstr (error->message, ==,
                     "No trusted issuer certificate matches “CN=EC Intermediate,O=EC,C=UT”.");
    g_clear_error (&error);
  }

  /* A chain whose second member did not issue the first. */
  {
    g_autoptr(GPtrArray) broken = cert_list (ds, mid, NULL);
    g_autoptr(GPtrArray) no_anchor = cert_list (NULL);

    g_assert_false (idw_x509_validate_chain (broken, no_anchor, now, now, NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_UNTRUSTED);
    g_assert_cmpstr (error->message, ==,
                     "The certificate “CN=EC DS,O=EC,C=UT” was not issued by the next certificate "
                     "in the chain, “CN=EC Intermediate,O=EC,C=UT”.");
    g_clear_error (&error);
  }

  /* A DS that names the root as issuer but was signed by a look-alike
   * root with the same name and key type. */
  {
    g_auto(gnutls_x509_privkey_t) attacker_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
    TestCertOptions no_aki = { .ds_usage = TRUE, .no_authority_key_id = TRUE };
    g_autoptr(IdwCertificate) stand_in = make_test_cert (attacker_key, "CN=EC IACA,O=EC,C=UT", NULL, NULL,
                                                         from, until, &ca);
    g_autoptr(IdwCertificate) forged = make_test_cert (ds_key, "CN=EC DS,O=EC,C=UT", stand_in, attacker_key,
                                                       from, ds_until, &no_aki);
    g_autoptr(GPtrArray) chain = cert_list (forged, NULL);

    g_assert_false (idw_x509_validate_chain (chain, anchors, now, now, NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE);
    g_assert_cmpstr (error->message, ==,
                     "The signature of certificate “CN=EC DS,O=EC,C=UT” by “CN=EC IACA,O=EC,C=UT” "
                     "is not valid.");
    g_clear_error (&error);
  }

  /* A tampered intermediate signature: the intermediate → root link. */
  {
    g_autoptr(IdwCertificate) bad_mid = tampered_copy (mid, -3, &error);
    g_autoptr(GPtrArray) chain = NULL;

    g_assert_no_error (error);
    chain = cert_list (ds2, bad_mid, NULL);
    g_assert_false (idw_x509_validate_chain (chain, anchors, now, now, NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE);
    g_assert_cmpstr (error->message, ==,
                     "The signature of certificate “CN=EC Intermediate,O=EC,C=UT” by "
                     "“CN=EC IACA,O=EC,C=UT” is not valid.");
    g_clear_error (&error);
  }
}

/* Trust rules: certificates under a test IACA, each breaking one rule */

static void
test_rules_pinned_ca (void)
{
  /* The NY DMV example: a self-signed CA:TRUE certificate without key
   * usage that verifiers pin as the DS. */
  g_auto(gnutls_x509_privkey_t) key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_auto(gnutls_x509_privkey_t) iaca_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  static const guint8 comment[] = { 0x16, 0x05, 'h', 'e', 'l', 'l', 'o' };
  TestCertOptions options = {
    .ca = TRUE, .basic_constraints = TRUE, .no_key_usage = TRUE,
    .extensions = { { "2.16.840.1.113730.1.13", comment, sizeof comment, FALSE } },
  };
  g_autoptr(IdwCertificate) pinned = rules_cert (key, "CN=NY-like DMV,O=DMV,C=US", NULL, NULL, &options);
  g_autoptr(IdwCertificate) iaca = rules_cert (iaca_key, "CN=US IACA,C=US", NULL, NULL, &rules_ca);
  g_autoptr(IdwCertificate) issued = rules_cert (key, "CN=NY-like DMV,O=DMV,C=US", iaca, iaca_key, &options);
  g_autoptr(GPtrArray) chain = cert_list (pinned, NULL);
  g_autoptr(GPtrArray) issued_chain = cert_list (issued, NULL);
  g_autoptr(GPtrArray) anchors = cert_list (iaca, NULL);
  g_autoptr(IdwTrustPath) path = NULL;

  path = expect_trusted (chain, chain, TRUE, 1);
  g_assert_true (g_ptr_array_index (path->path, 0) == pinned);

  /* The same certificate under an IACA is a CA, not a document signer. */
  expect_refused (issued_chain, anchors, IDW_ERROR_BAD_CERTIFICATE,
                  "The document signer certificate “CN=NY-like DMV,O=DMV,C=US” is a certificate "
                  "authority (CA) certificate, which must not sign documents.");
}

static void
test_rules_ca_as_signer (void)
{
  /* A CA certificate that also has digitalSignature and the mdlDS purpose,
   * of the IACA's country: refused because it is a CA, and only that. */
  g_auto(gnutls_x509_privkey_t) iaca_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_auto(gnutls_x509_privkey_t) key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  TestCertOptions signing_ca = {
    .ca = TRUE, .basic_constraints = TRUE, .purpose = TEST_OID_MDL_DS,
    .key_usage = GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_DIGITAL_SIGNATURE,
  };
  g_autoptr(IdwCertificate) iaca = rules_cert (iaca_key, "CN=Utopia IACA,C=UT", NULL, NULL, &rules_ca);
  g_autoptr(IdwCertificate) ca = rules_cert (key, "CN=Signing CA,C=UT", iaca, iaca_key, &signing_ca);
  g_autoptr(GPtrArray) chain = cert_list (ca, NULL);
  g_autoptr(GPtrArray) chain_with_root = cert_list (ca, iaca, NULL);
  g_autoptr(GPtrArray) anchors = cert_list (iaca, NULL);
  const char *message = "The document signer certificate “CN=Signing CA,C=UT” is a certificate "
                        "authority (CA) certificate, which must not sign documents.";

  expect_refused (chain, anchors, IDW_ERROR_BAD_CERTIFICATE, message);
  expect_refused (chain_with_root, anchors, IDW_ERROR_BAD_CERTIFICATE, message);
}

static void
test_rules_document_signer (void)
{
  g_auto(gnutls_x509_privkey_t) iaca_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_auto(gnutls_x509_privkey_t) ds_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_autoptr(IdwCertificate) iaca = rules_cert (iaca_key, "CN=Utopia IACA,C=UT", NULL, NULL, &rules_ca);
  g_autoptr(GPtrArray) anchors = cert_list (iaca, NULL);
  TestCertOptions no_purpose = { .ds_usage = TRUE, .no_purpose = TRUE };
  TestCertOptions server_auth = { .ds_usage = TRUE, .purpose = TEST_OID_SERVER_AUTH };
  TestCertOptions no_key_usage = { .ds_usage = TRUE, .no_key_usage = TRUE };
  struct
  {
    const char            *dn;
    const TestCertOptions *options;
    const char            *message;
  } cases[] = {
    { "CN=No EKU DS,C=UT", &no_purpose,
      "The document signer certificate “CN=No EKU DS,C=UT” has no extended key usage extension; it "
      "needs one with the mdoc document signer purpose (1.0.18013.5.1.2)." },
    { "CN=TLS DS,C=UT", &server_auth,
      "The extended key usage of the document signer certificate “CN=TLS DS,C=UT” does not include "
      "the mdoc document signer purpose (1.0.18013.5.1.2)." },
    { "CN=No Usage DS,C=UT", &no_key_usage,
      "The document signer certificate “CN=No Usage DS,C=UT” has no key usage extension; it needs "
      "one that allows digital signatures." },
    { "CN=Foreign DS,C=DE", &rules_ds,
      "The document signer certificate “CN=Foreign DS,C=DE” is for the country DE, but its issuing "
      "authority “CN=Utopia IACA,C=UT” is for UT." },
    { "CN=Stateless DS", &rules_ds,
      "The document signer certificate “CN=Stateless DS” names no country, but its issuing "
      "authority “CN=Utopia IACA,C=UT” is for UT." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(IdwCertificate) ds = rules_cert (ds_key, cases[i].dn, iaca, iaca_key,
                                                 cases[i].options);
      g_autoptr(GPtrArray) chain = cert_list (ds, NULL);
      g_autoptr(IdwTrustPath) path = NULL;

      expect_refused (chain, anchors, IDW_ERROR_BAD_CERTIFICATE, cases[i].message);

      /* The same certificate pinned is trusted as it is. */
      path = expect_trusted (chain, chain, TRUE, 1);
    }

  /* A proper document signer; the country compares without case. */
  {
    g_autoptr(IdwCertificate) ds = rules_cert (ds_key, "CN=Good DS,C=ut", iaca, iaca_key, &rules_ds);
    g_autoptr(GPtrArray) chain = cert_list (ds, NULL);
    g_autoptr(IdwTrustPath) path = expect_trusted (chain, anchors, FALSE, 2);

    g_assert_true (path->anchor == iaca);
  }

  /* An IACA without a country cannot vouch for one. */
  {
    g_autoptr(IdwCertificate) root = rules_cert (iaca_key, "CN=Nameless IACA", NULL, NULL, &rules_ca);
    g_autoptr(IdwCertificate) ds = rules_cert (ds_key, "CN=Orphan DS,C=UT", root, iaca_key, &rules_ds);
    g_autoptr(GPtrArray) chain = cert_list (ds, NULL);
    g_autoptr(GPtrArray) roots = cert_list (root, NULL);

    expect_refused (chain, roots, IDW_ERROR_BAD_CERTIFICATE,
                    "The issuing authority certificate “CN=Nameless IACA” names no country, so the "
                    "document signer certificate “CN=Orphan DS,C=UT” cannot be matched to it.");
  }
}

static void
test_rules_path_length (void)
{
  g_auto(gnutls_x509_privkey_t) iaca_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_auto(gnutls_x509_privkey_t) sub_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_auto(gnutls_x509_privkey_t) sub2_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_auto(gnutls_x509_privkey_t) ds_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  TestCertOptions pathlen0 = { .ca = TRUE, .basic_constraints = TRUE, .has_pathlen = TRUE };
  TestCertOptions pathlen1 = { .ca = TRUE, .basic_constraints = TRUE, .has_pathlen = TRUE,
                               .pathlen = 1 };

  /* IACA with path length 0 → sub-CA → DS: the IACA allows no sub-CA. */
  {
    g_autoptr(IdwCertificate) iaca = rules_cert (iaca_key, "CN=Strict IACA,C=UT", NULL, NULL, &pathlen0);
    g_autoptr(IdwCertificate) sub = rules_cert (sub_key, "CN=Sub CA,C=UT", iaca, iaca_key, &rules_ca);
    g_autoptr(IdwCertificate) ds = rules_cert (ds_key, "CN=Deep DS,C=UT", sub, sub_key, &rules_ds);
    g_autoptr(GPtrArray) chain = cert_list (ds, sub, NULL);
    g_autoptr(GPtrArray) chain_with_root = cert_list (ds, sub, iaca, NULL);
    g_autoptr(GPtrArray) anchors = cert_list (iaca, NULL);
    const char *message = "The issuer certificate “CN=Strict IACA,C=UT” has a path length constraint "
                          "of 0, which does not allow the 1 intermediate certificate authority "
                          "between it and the document signer “CN=Deep DS,C=UT”.";

    expect_refused (chain, anchors, IDW_ERROR_BAD_CERTIFICATE, message);
    expect_refused (chain_with_root, anchors, IDW_ERROR_BAD_CERTIFICATE, message);
  }

  /* IACA without a limit → proper sub-CA → DS: trusted. */
  {
    g_autoptr(IdwCertificate) iaca = rules_cert (iaca_key, "CN=Open IACA,C=UT", NULL, NULL, &rules_ca);
    g_autoptr(IdwCertificate) sub = rules_cert (sub_key, "CN=Sub CA,C=UT", iaca, iaca_key, &pathlen0);
    g_autoptr(IdwCertificate) ds = rules_cert (ds_key, "CN=Deep DS,C=UT", sub, sub_key, &rules_ds);
    g_autoptr(GPtrArray) chain = cert_list (ds, sub, NULL);
    g_autoptr(GPtrArray) anchors = cert_list (iaca, NULL);
    g_autoptr(IdwTrustPath) path = expect_trusted (chain, anchors, FALSE, 3);

    g_assert_true (g_ptr_array_index (path->path, 1) == sub);
    g_assert_true (path->anchor == iaca);
  }

  /* IACA with path length 1 → sub → sub → DS: one too many. */
  {
    g_autoptr(IdwCertificate) iaca = rules_cert (iaca_key, "CN=One IACA,C=UT", NULL, NULL, &pathlen1);
    g_autoptr(IdwCertificate) sub = rules_cert (sub_key, "CN=Sub CA,C=UT", iaca, iaca_key, &rules_ca);
    g_autoptr(IdwCertificate) sub2 = rules_cert (sub2_key, "CN=Sub Sub CA,C=UT", sub, sub_key, &rules_ca);
    g_autoptr(IdwCertificate) ds = rules_cert (ds_key, "CN=Deeper DS,C=UT", sub2, sub2_key, &rules_ds);
    g_autoptr(GPtrArray) chain = cert_list (ds, sub2, sub, NULL);
    g_autoptr(GPtrArray) short_chain = cert_list (ds, sub2, NULL);
    g_autoptr(GPtrArray) anchors = cert_list (iaca, NULL);
    g_autoptr(GPtrArray) sub_anchor = cert_list (sub, NULL);
    g_autoptr(IdwTrustPath) path = NULL;

    expect_refused (chain, anchors, IDW_ERROR_BAD_CERTIFICATE,
                    "The issuer certificate “CN=One IACA,C=UT” has a path length constraint of 1, "
                    "which does not allow the 2 intermediate certificate authorities between it "
                    "and the document signer “CN=Deeper DS,C=UT”.");

    /* With the sub-CA as the anchor, one intermediate remains: fine. */
    path = expect_trusted (short_chain, sub_anchor, FALSE, 3);
  }

  /* The limit of an intermediate counts too. */
  {
    g_autoptr(IdwCertificate) iaca = rules_cert (iaca_key, "CN=Open IACA,C=UT", NULL, NULL, &rules_ca);
    g_autoptr(IdwCertificate) sub = rules_cert (sub_key, "CN=Sub CA,C=UT", iaca, iaca_key, &pathlen0);
    g_autoptr(IdwCertificate) sub2 = rules_cert (sub2_key, "CN=Sub Sub CA,C=UT", sub, sub_key, &rules_ca);
    g_autoptr(IdwCertificate) ds = rules_cert (ds_key, "CN=Deeper DS,C=UT", sub2, sub2_key, &rules_ds);
    g_autoptr(GPtrArray) chain = cert_list (ds, sub2, sub, NULL);
    g_autoptr(GPtrArray) anchors = cert_list (iaca, NULL);

    expect_refused (chain, anchors, IDW_ERROR_BAD_CERTIFICATE,
                    "The issuer certificate “CN=Sub CA,C=UT” has a path length constraint of 0, "
                    "which does not allow the 1 intermediate certificate authority between it and "
                    "the document signer “CN=Deeper DS,C=UT”.");
  }

  /* A self-issued certificate (a key rollover of the IACA) does not count
   * (RFC 5280 §6.1.4 (l)). */
  {
    g_autoptr(IdwCertificate) iaca = rules_cert (iaca_key, "CN=Rolling IACA,C=UT", NULL, NULL, &pathlen0);
    g_autoptr(IdwCertificate) link = rules_cert (sub_key, "CN=Rolling IACA,C=UT", iaca, iaca_key, &pathlen0);
    g_autoptr(IdwCertificate) ds = rules_cert (ds_key, "CN=Rolled DS,C=UT", link, sub_key, &rules_ds);
    g_autoptr(GPtrArray) chain = cert_list (ds, link, NULL);
    g_autoptr(GPtrArray) anchors = cert_list (iaca, NULL);
    g_autoptr(IdwTrustPath) path = expect_trusted (chain, anchors, FALSE, 3);

    g_assert_true (g_ptr_array_index (path->path, 1) == link);
  }
}

static void
test_rules_issuer_ca (void)
{
  g_auto(gnutls_x509_privkey_t) iaca_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_auto(gnutls_x509_privkey_t) sub_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_auto(gnutls_x509_privkey_t) ds_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_autoptr(IdwCertificate) iaca = rules_cert (iaca_key, "CN=Utopia IACA,C=UT", NULL, NULL, &rules_ca);
  g_autoptr(GPtrArray) anchors = cert_list (iaca, NULL);
  TestCertOptions crl_only = { .ca = TRUE, .basic_constraints = TRUE,
                               .key_usage = GNUTLS_KEY_CRL_SIGN };
  TestCertOptions no_constraints = { .ca = TRUE };
  TestCertOptions no_usage = { .ca = TRUE, .basic_constraints = TRUE, .no_key_usage = TRUE };
  TestCertOptions v1 = { .v1 = TRUE };

  /* A sub-CA without keyCertSign. */
  {
    g_autoptr(IdwCertificate) sub = rules_cert (sub_key, "CN=Sub CA,C=UT", iaca, iaca_key, &crl_only);
    g_autoptr(IdwCertificate) ds = rules_cert (ds_key, "CN=Sub DS,C=UT", sub, sub_key, &rules_ds);
    g_autoptr(GPtrArray) chain = cert_list (ds, sub, NULL);

    expect_refused (chain, anchors, IDW_ERROR_BAD_CERTIFICATE,
                    "The key usage of certificate “CN=Sub CA,C=UT” does not allow it to sign "
                    "certificates (keyCertSign), so it cannot issue “CN=Sub DS,C=UT”.");
  }

  /* A sub-CA with keyCertSign but without basicConstraints. */
  {
    g_autoptr(IdwCertificate) sub = rules_cert (sub_key, "CN=Plain Sub,C=UT", iaca, iaca_key, &no_constraints);
    g_autoptr(IdwCertificate) ds = rules_cert (ds_key, "CN=Sub DS,C=UT", sub, sub_key, &rules_ds);
    g_autoptr(GPtrArray) chain = cert_list (ds, sub, NULL);

    expect_refused (chain, anchors, IDW_ERROR_BAD_CERTIFICATE,
                    "The certificate “CN=Plain Sub,C=UT” is not a certificate authority, so it "
                    "cannot issue “CN=Sub DS,C=UT”.");
  }

  /* A CA without keyUsage may issue. */
  {
    g_autoptr(IdwCertificate) sub = rules_cert (sub_key, "CN=Sub CA,C=UT", iaca, iaca_key, &no_usage);
    g_autoptr(IdwCertificate) ds = rules_cert (ds_key, "CN=Sub DS,C=UT", sub, sub_key, &rules_ds);
    g_autoptr(GPtrArray) chain = cert_list (ds, sub, NULL);
    g_autoptr(IdwTrustPath) path = expect_trusted (chain, anchors, FALSE, 3);

    g_assert_true (idw_certificate_equal (path->anchor, iaca));
  }

  /* A version 1 root is never a CA, even when trusted. */
  {
    g_autoptr(IdwCertificate) root = rules_cert (iaca_key, "CN=Old Root,C=UT", NULL, NULL, &v1);
    g_autoptr(IdwCertificate) ds = rules_cert (ds_key, "CN=Old DS,C=UT", root, iaca_key, &rules_ds);
    g_autoptr(GPtrArray) chain = cert_list (ds, NULL);
    g_autoptr(GPtrArray) roots = cert_list (root, NULL);

    expect_refused (chain, roots, IDW_ERROR_BAD_CERTIFICATE,
                    "The certificate “CN=Old Root,C=UT” is not a certificate authority, so it "
                    "cannot issue “CN=Old DS,C=UT”.");
  }
}

static void
test_rules_tampered_under_intermediate (void)
{
  /* IACA → sub-CA → DS with only the DS's signature broken. */
  g_auto(gnutls_x509_privkey_t) iaca_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_auto(gnutls_x509_privkey_t) sub_key = make_ec_key (GNUTLS_ECC_CURVE_SECP384R1);
  g_auto(gnutls_x509_privkey_t) ds_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_autoptr(IdwCertificate) iaca = rules_cert (iaca_key, "CN=Utopia IACA,C=UT", NULL, NULL, &rules_ca);
  g_autoptr(IdwCertificate) sub = rules_cert (sub_key, "CN=Sub CA,C=UT", iaca, iaca_key, &rules_ca);
  g_autoptr(IdwCertificate) ds = rules_cert (ds_key, "CN=Deep DS,C=UT", sub, sub_key, &rules_ds);
  g_autoptr(GPtrArray) anchors = cert_list (iaca, NULL);
  g_autoptr(GPtrArray) good = cert_list (ds, sub, NULL);
  g_autoptr(IdwTrustPath) path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCertificate) bad_ds = tampered_copy (ds, -1, &error);
  const char *message = "The signature of certificate “CN=Deep DS,C=UT” by “CN=Sub CA,C=UT” is "
                        "not valid.";

  g_assert_no_error (error);
  path = expect_trusted (good, anchors, FALSE, 3);

  {
    g_autoptr(GPtrArray) chain = cert_list (bad_ds, sub, NULL);
    g_autoptr(GPtrArray) chain_with_root = cert_list (bad_ds, sub, iaca, NULL);

    expect_refused (chain, anchors, IDW_ERROR_BAD_SIGNATURE, message);
    expect_refused (chain_with_root, anchors, IDW_ERROR_BAD_SIGNATURE, message);
  }
}

static void
test_rules_insecure_algorithm (void)
{
  g_auto(gnutls_x509_privkey_t) iaca_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_auto(gnutls_x509_privkey_t) ds_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  TestCertOptions sha1 = { .ds_usage = TRUE, .digest = GNUTLS_DIG_SHA1 };
  g_autoptr(IdwCertificate) iaca = rules_cert (iaca_key, "CN=Utopia IACA,C=UT", NULL, NULL, &rules_ca);
  g_autoptr(IdwCertificate) ds = rules_cert (ds_key, "CN=SHA1 DS,C=UT", iaca, iaca_key, &sha1);
  g_autoptr(GPtrArray) chain = cert_list (ds, NULL);
  g_autoptr(GPtrArray) anchors = cert_list (iaca, NULL);

  expect_refused (chain, anchors, IDW_ERROR_BAD_CERTIFICATE,
                  "The certificate “CN=SHA1 DS,C=UT” is signed with ECDSA-SHA1, an algorithm that "
                  "is not secure.");
}

static void
test_rules_pinned_like_real_ones (void)
{
  g_auto(gnutls_x509_privkey_t) iaca_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_auto(gnutls_x509_privkey_t) ds_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_autoptr(IdwCertificate) iaca = rules_cert (iaca_key, "CN=Test IACA,C=ZZ", NULL, NULL, &rules_ca);

  /* lf-03: a pinned DS with malformed non-critical extensions is valid. */
  {
    g_autoptr(IdwCertificate) ds = rules_cert (ds_key, "CN=Pinned DS,C=ZZ", iaca, iaca_key, &test_ds_bad_extensions);
    g_autoptr(GPtrArray) chain = cert_list (ds, NULL);
    g_autoptr(IdwTrustPath) path = expect_trusted (chain, chain, TRUE, 1);

    g_assert_cmpuint (strv_length (idw_certificate_get_ignored_extensions (path->anchor)), ==, 2);
  }

  /* lf-11: the same, pinned, but expired before the MSO was signed. */
  {
    g_autoptr(GDateTime) from = test_utc ("2024-01-01T00:00:00Z");
    g_autoptr(GDateTime) until = test_utc ("2025-01-01T00:00:00Z");
    g_autoptr(GDateTime) signed_at = test_utc ("2025-02-01T00:00:00Z");
    g_autoptr(GDateTime) now = test_utc ("2025-03-01T00:00:00Z");
    g_autoptr(IdwCertificate) ds = make_test_cert (ds_key, "CN=Expired DS,C=ZZ", iaca, iaca_key,
                                                   from, until, &test_ds_bad_extensions);
    g_autoptr(GPtrArray) chain = cert_list (ds, NULL);
    g_autoptr(GError) error = NULL;

    g_assert_false (idw_x509_validate_chain (chain, chain, signed_at, now, NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_EXPIRED);
    g_assert_cmpstr (error->message, ==,
                     "The document was signed on 2025-02-01 00:00:00 UTC, after the document "
                     "signer certificate “CN=Expired DS,C=ZZ” expired on 2025-01-01 00:00:00 UTC.");
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/x509/chain/ecdsa", test_ecdsa_chain);
  g_test_add_func ("/x509/rules/pinned-ca", test_rules_pinned_ca);
  g_test_add_func ("/x509/rules/ca-as-signer", test_rules_ca_as_signer);
  g_test_add_func ("/x509/rules/document-signer", test_rules_document_signer);
  g_test_add_func ("/x509/rules/path-length", test_rules_path_length);
  g_test_add_func ("/x509/rules/issuer-ca", test_rules_issuer_ca);
  g_test_add_func ("/x509/rules/tampered-under-intermediate", test_rules_tampered_under_intermediate);
  g_test_add_func ("/x509/rules/insecure-algorithm", test_rules_insecure_algorithm);
  g_test_add_func ("/x509/rules/pinned-like-real-ones", test_rules_pinned_like_real_ones);

  return g_test_run ();
}
