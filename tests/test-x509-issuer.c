/* test-x509-issuer.c: issuer certificates made by
 * idw_x509_create_issuer(), their keys, and chains that must not validate
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

/* Issuer creation */

/* What an issuer of each algorithm is made of. */
typedef struct
{
  IdwCoseAlg                alg;
  IdwCurve                  curve;
  gnutls_sign_algorithm_t   sign;
  const char               *sign_oid;
  gsize                     signature_len;
} AlgCase;

static const AlgCase alg_cases[] = {
  /* ecdsa-with-SHA256, ecdsa-with-SHA384 (RFC 5758), id-Ed25519 (RFC 8410) */
  { IDW_COSE_ALG_ES256, IDW_CURVE_P256, GNUTLS_SIGN_ECDSA_SHA256, "1.2.840.10045.4.3.2", 64 },
  { IDW_COSE_ALG_ES384, IDW_CURVE_P384, GNUTLS_SIGN_ECDSA_SHA384, "1.2.840.10045.4.3.3", 96 },
  { IDW_COSE_ALG_EDDSA, IDW_CURVE_ED25519, GNUTLS_SIGN_EDDSA_ED25519, "1.3.101.112", 64 },
};

static IdwIssuerFiles *
create_issuer_alg (const char *name,
                   IdwCoseAlg  alg,
                   gboolean    test,
                   GDateTime  *not_before)
{
  g_autoptr(GError) error = NULL;
  IdwIssuerFiles *files = idw_x509_create_issuer (name, "UT", alg, test, not_before, &error);

  g_assert_no_error (error);
  g_assert_nonnull (files);
  g_assert_nonnull (files->iaca_pem);
  g_assert_nonnull (files->iaca_key_pem);
  g_assert_nonnull (files->ds_pem);
  g_assert_nonnull (files->ds_key_pem);
  return files;
}

static IdwIssuerFiles *
create_issuer (const char *name,
               gboolean    test,
               GDateTime  *not_before)
{
  return create_issuer_alg (name, IDW_COSE_ALG_EDDSA, test, not_before);
}

static void
check_serial (IdwCertificate *cert)
{
  g_auto(gnutls_x509_crt_t) crt = NULL;
  g_autoptr(GBytes) der = idw_certificate_get_der (cert);
  gnutls_datum_t datum;
  guint8 serial[64];
  size_t serial_size = sizeof serial;
  gsize len;

  datum.data = (unsigned char *) g_bytes_get_data (der, &len);
  datum.size = (unsigned int) len;
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_get_serial (crt, serial, &serial_size), ==, 0);
  g_assert_cmpuint (serial_size, >=, 16);
  g_assert_cmpuint (serial[0] & 0x80, ==, 0);  /* positive */
  g_assert_cmpuint (serial[0], !=, 0);         /* minimal */
}

static void
test_issuer_create (gconstpointer data)
{
  const AlgCase *c = data;
  g_autoptr(GDateTime) start = utc ("2025-03-01T12:00:00Z");
  g_autoptr(IdwIssuerFiles) files = create_issuer_alg ("Utopia", c->alg, FALSE, start);
  g_autoptr(IdwCertificate) iaca = cert_from_pem (files->iaca_pem);
  g_autoptr(IdwCertificate) ds = cert_from_pem (files->ds_pem);
  g_auto(gnutls_x509_crt_t) iaca_crt = gnutls_crt_from (iaca);
  g_auto(gnutls_x509_crt_t) ds_crt = gnutls_crt_from (ds);
  g_autofree char *iaca_subject = idw_certificate_get_subject (iaca);
  g_autofree char *iaca_issuer = idw_certificate_get_issuer (iaca);
  g_autofree char *ds_subject = idw_certificate_get_subject (ds);
  g_autofree char *ds_issuer = idw_certificate_get_issuer (ds);
  g_autofree char *ds_cn = idw_certificate_get_common_name (ds);
  g_autofree char *ds_o = idw_certificate_get_organization (ds);
  g_autofree char *ds_c = idw_certificate_get_country (ds);
  g_autoptr(GDateTime) iaca_from = idw_certificate_get_not_before (iaca);
  g_autoptr(GDateTime) iaca_until = idw_certificate_get_not_after (iaca);
  g_autoptr(GDateTime) ds_from = idw_certificate_get_not_before (ds);
  g_autoptr(GDateTime) ds_until = idw_certificate_get_not_after (ds);
  g_autofree char *iaca_from_s = iso (iaca_from);
  g_autofree char *iaca_until_s = iso (iaca_until);
  g_autofree char *ds_from_s = iso (ds_from);
  g_autofree char *ds_until_s = iso (ds_until);
  g_autoptr(IdwKey) iaca_key = NULL;
  g_autoptr(IdwKey) ds_key = NULL;
  g_autoptr(GError) error = NULL;
  unsigned int ca = 0, critical = 0, usage = 0;
  int pathlen = -2;
  char oid[64];
  size_t oid_size = sizeof oid;
  guint8 ski[64], aki[64];
  size_t ski_size = sizeof ski, aki_size = sizeof aki;

  g_assert_cmpstr (iaca_subject, ==, "CN=Utopia IACA,O=Utopia,C=UT");
  g_assert_cmpstr (iaca_issuer, ==, iaca_subject);
  g_assert_cmpstr (ds_subject, ==, "CN=Utopia DS,O=Utopia,C=UT");
  g_assert_cmpstr (ds_issuer, ==, iaca_subject);
  g_assert_cmpstr (ds_cn, ==, "Utopia DS");
  g_assert_cmpstr (ds_o, ==, "Utopia");
  g_assert_cmpstr (ds_c, ==, "UT");

  g_assert_cmpstr (iaca_from_s, ==, "2025-03-01T12:00:00Z");
  g_assert_cmpstr (iaca_until_s, ==, "2035-03-01T12:00:00Z");
  g_assert_cmpstr (ds_from_s, ==, "2025-03-01T12:00:00Z");
  g_assert_cmpstr (ds_until_s, ==, "2028-03-01T12:00:00Z");

  iaca_key = idw_certificate_get_public_key (iaca, &error);
  g_assert_no_error (error);
  g_assert_cmpint (idw_key_get_curve (iaca_key), ==, c->curve);
  ds_key = idw_certificate_get_public_key (ds, &error);
  g_assert_no_error (error);
  g_assert_cmpint (idw_key_get_curve (ds_key), ==, c->curve);
  g_assert_cmpint (idw_key_get_alg (ds_key), ==, c->alg);
  g_assert_false (idw_key_equal (iaca_key, ds_key));

  /* IACA: CA, path length 0, keyCertSign + cRLSign, self-signed. */
  g_assert_cmpint (gnutls_x509_crt_get_basic_constraints (iaca_crt, &critical, &ca, &pathlen), >=, 0);
  g_assert_true (ca);
  g_assert_cmpint (pathlen, ==, 0);
  g_assert_cmpint (gnutls_x509_crt_get_key_usage (iaca_crt, &usage, &critical), >=, 0);
  g_assert_cmpuint (usage, ==, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN);
  g_assert_cmpint (gnutls_x509_crt_get_signature_algorithm (iaca_crt), ==, c->sign);
  g_assert_cmpint (gnutls_x509_crt_get_signature_algorithm (ds_crt), ==, c->sign);
  oid_size = sizeof oid;
  g_assert_cmpint (gnutls_x509_crt_get_signature_oid (iaca_crt, oid, &oid_size), ==, 0);
  g_assert_cmpstr (oid, ==, c->sign_oid);
  oid_size = sizeof oid;
  g_assert_cmpint (gnutls_x509_crt_get_signature_oid (ds_crt, oid, &oid_size), ==, 0);
  g_assert_cmpstr (oid, ==, c->sign_oid);
  oid_size = sizeof oid;
  g_assert_true (gnutls_x509_crt_check_issuer (iaca_crt, iaca_crt));

  /* DS: no CA, digitalSignature, mdlDS extended key usage, key identifiers. */
  ca = 1;
  g_assert_cmpint (gnutls_x509_crt_get_basic_constraints (ds_crt, &critical, &ca, &pathlen), >=, 0);
  g_assert_false (ca);
  g_assert_cmpint (gnutls_x509_crt_get_key_usage (ds_crt, &usage, &critical), >=, 0);
  g_assert_cmpuint (usage, ==, GNUTLS_KEY_DIGITAL_SIGNATURE);
  g_assert_cmpint (gnutls_x509_crt_get_key_purpose_oid (ds_crt, 0, oid, &oid_size, &critical), ==, 0);
  g_assert_cmpstr (oid, ==, "1.0.18013.5.1.2");
  g_assert_cmpint (gnutls_x509_crt_get_subject_key_id (iaca_crt, ski, &ski_size, &critical), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_get_authority_key_id (ds_crt, aki, &aki_size, &critical), ==, 0);
  g_assert_cmpmem (ski, ski_size, aki, aki_size);
  ski_size = sizeof ski;
  g_assert_cmpint (gnutls_x509_crt_get_subject_key_id (ds_crt, ski, &ski_size, &critical), ==, 0);

  check_serial (iaca);
  check_serial (ds);

  /* Keys are unencrypted PKCS#8. */
  g_assert_true (g_str_has_prefix (files->iaca_key_pem, "-----BEGIN PRIVATE KEY-----\n"));
  g_assert_true (g_str_has_prefix (files->ds_key_pem, "-----BEGIN PRIVATE KEY-----\n"));
  g_assert_cmpstr (files->iaca_key_pem, !=, files->ds_key_pem);
}

static void
test_issuer_validate (gconstpointer data)
{
  const AlgCase *c = data;
  g_autoptr(IdwIssuerFiles) files = create_issuer_alg ("Utopia", c->alg, FALSE, NULL);
  g_autoptr(IdwCertificate) iaca = cert_from_pem (files->iaca_pem);
  g_autoptr(IdwCertificate) ds = cert_from_pem (files->ds_pem);
  g_autoptr(GPtrArray) anchors = cert_list (iaca, NULL);
  g_autoptr(GPtrArray) chain = cert_list (ds, NULL);
  g_autoptr(GPtrArray) chain_with_root = cert_list (ds, iaca, NULL);
  g_autoptr(GPtrArray) root_only = cert_list (iaca, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) signed_at = g_date_time_ref (now);
  g_autoptr(IdwCertificate) anchor = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (idw_x509_validate_chain (chain, anchors, signed_at, now, &anchor, &error));
  g_assert_no_error (error);
  g_assert_true (anchor == iaca);
  g_clear_pointer (&anchor, idw_certificate_unref);

  g_assert_true (idw_x509_validate_chain (chain_with_root, anchors, signed_at, now, &anchor, &error));
  g_assert_no_error (error);
  g_assert_true (anchor == iaca);

  /* The DS pinned on its own works too. */
  {
    g_autoptr(GPtrArray) pinned = cert_list (ds, NULL);

    g_assert_true (idw_x509_validate_chain (chain, pinned, signed_at, now, NULL, &error));
    g_assert_no_error (error);
  }

  /* An x5chain whose first certificate is itself an anchor is pinned and
   * trusted as it is, even a CA: whoever holds that key could issue any
   * document signer anyway. (The Annex B profile applies to a DS reached
   * through an IACA; the /x509/rules tests cover it.) */
  {
    g_autoptr(IdwTrustPath) path = NULL;

    g_assert_true (idw_x509_validate_chain_full (root_only, anchors, signed_at, now, &path, &error));
    g_assert_no_error (error);
    g_assert_true (path->ds_pinned);
    g_assert_true (path->anchor == iaca);
    g_assert_cmpuint (path->path->len, ==, 1);
  }

  /* Through the IACA: not pinned, the path is the DS and the IACA. */
  {
    g_autoptr(IdwTrustPath) path = NULL;

    g_assert_true (idw_x509_validate_chain_full (chain_with_root, anchors, signed_at, now, &path, &error));
    g_assert_no_error (error);
    g_assert_false (path->ds_pinned);
    g_assert_true (path->anchor == iaca);
    g_assert_cmpuint (path->path->len, ==, 2);
    g_assert_true (g_ptr_array_index (path->path, 0) == ds);
    g_assert_true (g_ptr_array_index (path->path, 1) == iaca);
  }

  /* No anchors at all. */
  {
    g_autoptr(GPtrArray) empty = cert_list (NULL);

    g_assert_false (idw_x509_validate_chain (chain, empty, signed_at, now, NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_UNTRUSTED);
    g_assert_cmpstr (error->message, ==,
                     "No trusted issuer certificate matches “CN=Utopia IACA,O=Utopia,C=UT”.");
    g_clear_error (&error);

    /* The root in the chain is no anchor by itself. */
    g_assert_false (idw_x509_validate_chain (chain_with_root, empty, signed_at, now, NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_UNTRUSTED);
  }
}

static void
test_issuer_other_iaca (void)
{
  g_autoptr(IdwIssuerFiles) ours = create_issuer ("Utopia", FALSE, NULL);
  g_autoptr(IdwIssuerFiles) namesake = create_issuer ("Utopia", FALSE, NULL);
  g_autoptr(IdwIssuerFiles) other = create_issuer ("Atlantis", FALSE, NULL);
  g_autoptr(IdwCertificate) ds = cert_from_pem (ours->ds_pem);
  g_autoptr(IdwCertificate) namesake_iaca = cert_from_pem (namesake->iaca_pem);
  g_autoptr(IdwCertificate) other_iaca = cert_from_pem (other->iaca_pem);
  g_autoptr(GPtrArray) chain = cert_list (ds, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;

  /* Another issuer's root. */
  {
    g_autoptr(GPtrArray) anchors = cert_list (other_iaca, NULL);

    g_assert_false (idw_x509_validate_chain (chain, anchors, now, now, NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_UNTRUSTED);
    g_assert_cmpstr (error->message, ==,
                     "No trusted issuer certificate matches “CN=Utopia IACA,O=Utopia,C=UT”.");
    g_clear_error (&error);
  }

  /* A root with the same name but another key: the key identifiers
   * differ, so it is an unknown issuer, not a forgery. */
  {
    g_autoptr(GPtrArray) anchors = cert_list (namesake_iaca, other_iaca, NULL);

    g_assert_false (idw_x509_validate_chain (chain, anchors, now, now, NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_UNTRUSTED);
    g_clear_error (&error);
  }

  /* Our DS presented with the namesake root in x5chain. */
  {
    g_autoptr(GPtrArray) anchors = cert_list (namesake_iaca, NULL);
    g_autoptr(IdwCertificate) our_iaca = cert_from_pem (ours->iaca_pem);
    g_autoptr(GPtrArray) long_chain = cert_list (ds, our_iaca, NULL);

    g_assert_false (idw_x509_validate_chain (long_chain, anchors, now, now, NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_UNTRUSTED);
  }
}

static void
test_issuer_tampered (void)
{
  g_autoptr(IdwIssuerFiles) files = create_issuer ("Utopia", FALSE, NULL);
  g_autoptr(IdwCertificate) iaca = cert_from_pem (files->iaca_pem);
  g_autoptr(IdwCertificate) ds = cert_from_pem (files->ds_pem);
  g_autoptr(GPtrArray) anchors = cert_list (iaca, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCertificate) bad_signature = NULL;
  g_autoptr(IdwCertificate) bad_name = NULL;
  g_autoptr(GBytes) der = idw_certificate_get_der (ds);
  gsize len;
  const guint8 *data = g_bytes_get_data (der, &len);
  const guint8 *name;

  /* The last byte is in the Ed25519 signature. */
  bad_signature = tampered_copy (ds, -1, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) chain = cert_list (bad_signature, NULL);

    g_assert_false (idw_x509_validate_chain (chain, anchors, now, now, NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE);
    g_assert_cmpstr (error->message, ==,
                     "The signature of certificate “CN=Utopia DS,O=Utopia,C=UT” by "
                     "“CN=Utopia IACA,O=Utopia,C=UT” is not valid.");
    g_clear_error (&error);
  }

  /* A changed subject: "Utopia DS" → "Utopia ES". */
  name = NULL;
  for (gsize i = 0; i + 9 <= len && name == NULL; i++)
    if (memcmp (data + i, "Utopia DS", 9) == 0)
      name = data + i;
  g_assert_nonnull (name);
  bad_name = tampered_copy (ds, (name - data) + 7, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) chain = cert_list (bad_name, NULL);
    g_autofree char *cn = idw_certificate_get_common_name (bad_name);

    g_assert_cmpstr (cn, ==, "Utopia ES");
    g_assert_false (idw_x509_validate_chain (chain, anchors, now, now, NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE);
    g_clear_error (&error);
  }
}

static void
test_issuer_times (void)
{
  g_autoptr(GDateTime) start = utc ("2024-01-01T00:00:00Z");
  g_autoptr(IdwIssuerFiles) files = create_issuer ("Utopia", FALSE, start);
  g_autoptr(IdwCertificate) iaca = cert_from_pem (files->iaca_pem);
  g_autoptr(IdwCertificate) ds = cert_from_pem (files->ds_pem);
  g_autoptr(GPtrArray) anchors = cert_list (iaca, NULL);
  g_autoptr(GPtrArray) chain = cert_list (ds, NULL);
  g_autoptr(GDateTime) inside = utc ("2025-06-01T00:00:00Z");
  g_autoptr(GError) error = NULL;

  g_assert_true (idw_x509_validate_chain (chain, anchors, inside, inside, NULL, &error));
  g_assert_no_error (error);

  /* Signed before the DS became valid. */
  {
    g_autoptr(GDateTime) early = utc ("2023-12-31T23:59:59Z");

    g_assert_false (idw_x509_validate_chain (chain, anchors, early, inside, NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_NOT_YET_VALID);
    g_assert_nonnull (strstr (error->message, "document signer certificate “CN=Utopia DS"));
    g_clear_error (&error);
  }

  /* Signed after the DS expired (its 3 years), while the IACA (10) lasts. */
  {
    g_autoptr(GDateTime) late = utc ("2027-01-01T00:00:01Z");

    g_assert_false (idw_x509_validate_chain (chain, anchors, late, inside, NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_EXPIRED);
    g_assert_cmpstr (error->message, ==,
                     "The document was signed on 2027-01-01 00:00:01 UTC, after the document "
                     "signer certificate “CN=Utopia DS,O=Utopia,C=UT” expired on "
                     "2027-01-01 00:00:00 UTC.");
    g_clear_error (&error);
  }

  /* Checked now, after the DS expired. */
  {
    g_autoptr(GDateTime) later = utc ("2030-01-01T00:00:00Z");

    g_assert_false (idw_x509_validate_chain (chain, anchors, inside, later, NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_EXPIRED);
    g_assert_nonnull (strstr (error->message, "The document signer certificate “CN=Utopia DS"));
    g_clear_error (&error);
  }
}

static void
test_issuer_expired_root (void)
{
  /* A DS that outlives its root: the root is checked too. */
  g_autoptr(GDateTime) root_from = utc ("2020-01-01T00:00:00Z");
  g_autoptr(GDateTime) root_until = utc ("2022-01-01T00:00:00Z");
  g_autoptr(GDateTime) ds_from = utc ("2021-01-01T00:00:00Z");
  g_autoptr(GDateTime) ds_until = utc ("2024-01-01T00:00:00Z");
  g_auto(gnutls_x509_privkey_t) root_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_auto(gnutls_x509_privkey_t) ds_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  TestCertOptions root_options = { .ca = TRUE, .basic_constraints = TRUE };
  TestCertOptions ds_options = { .ds_usage = TRUE };
  g_autoptr(IdwCertificate) root = make_test_cert (root_key, "CN=Short Root,C=UT", NULL, NULL,
                                                   root_from, root_until, &root_options);
  g_autoptr(IdwCertificate) ds = make_test_cert (ds_key, "CN=Long DS,C=UT", root, root_key,
                                                 ds_from, ds_until, &ds_options);
  g_autoptr(GPtrArray) anchors = cert_list (root, NULL);
  g_autoptr(GPtrArray) chain = cert_list (ds, NULL);
  g_autoptr(GDateTime) ok_time = utc ("2021-06-01T00:00:00Z");
  g_autoptr(GDateTime) after_root = utc ("2023-01-01T00:00:00Z");
  g_autoptr(GError) error = NULL;

  g_assert_true (idw_x509_validate_chain (chain, anchors, ok_time, ok_time, NULL, &error));
  g_assert_no_error (error);

  g_assert_false (idw_x509_validate_chain (chain, anchors, ok_time, after_root, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_EXPIRED);
  g_assert_cmpstr (error->message, ==,
                   "The issuer certificate “CN=Short Root,C=UT” expired on 2022-01-01 00:00:00 UTC.");
}

static void
test_issuer_test_marker (void)
{
  g_autoptr(IdwIssuerFiles) test_files = create_issuer ("Demo", TRUE, NULL);
  g_autoptr(IdwIssuerFiles) real_files = create_issuer ("Demo", FALSE, NULL);
  g_autoptr(IdwCertificate) test_iaca = cert_from_pem (test_files->iaca_pem);
  g_autoptr(IdwCertificate) test_ds = cert_from_pem (test_files->ds_pem);
  g_autoptr(IdwCertificate) real_iaca = cert_from_pem (real_files->iaca_pem);
  g_autoptr(IdwCertificate) real_ds = cert_from_pem (real_files->ds_pem);
  g_autoptr(IdwCertificate) annexd = load_annexd_ds ();
  g_autofree char *subject = idw_certificate_get_subject (test_ds);
  g_autofree char *iaca_subject = idw_certificate_get_subject (test_iaca);
  g_autoptr(GPtrArray) anchors = cert_list (test_iaca, NULL);
  g_autoptr(GPtrArray) chain = cert_list (test_ds, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (subject, ==, "CN=Demo DS,OU=ID Wallet Test Issuer,O=Demo,C=UT");
  g_assert_cmpstr (iaca_subject, ==, "CN=Demo IACA,OU=ID Wallet Test Issuer,O=Demo,C=UT");
  g_assert_true (idw_certificate_is_test_issuer (test_iaca));
  g_assert_true (idw_certificate_is_test_issuer (test_ds));
  g_assert_false (idw_certificate_is_test_issuer (real_iaca));
  g_assert_false (idw_certificate_is_test_issuer (real_ds));
  g_assert_false (idw_certificate_is_test_issuer (annexd));

  g_assert_true (idw_x509_validate_chain (chain, anchors, now, now, NULL, &error));
  g_assert_no_error (error);
}

static void
test_issuer_marker_exact (void)
{
  /* Only an OU of exactly the marker counts, wherever it sits. */
  g_autoptr(GDateTime) from = utc ("2024-01-01T00:00:00Z");
  g_autoptr(GDateTime) until = utc ("2030-01-01T00:00:00Z");
  g_auto(gnutls_x509_privkey_t) key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  TestCertOptions options = { .ds_usage = TRUE };
  g_autoptr(IdwCertificate) near_miss = make_test_cert (key, "CN=X,OU=ID Wallet Test Issuers,C=UT",
                                                        NULL, NULL, from, until, &options);
  g_autoptr(IdwCertificate) in_cn = make_test_cert (key, "CN=ID Wallet Test Issuer,C=UT",
                                                    NULL, NULL, from, until, &options);
  g_autoptr(IdwCertificate) second_ou = make_test_cert (key, "CN=X,OU=Lab,OU=ID Wallet Test Issuer,C=UT",
                                                        NULL, NULL, from, until, &options);

  g_assert_false (idw_certificate_is_test_issuer (near_miss));
  g_assert_false (idw_certificate_is_test_issuer (in_cn));
  g_assert_true (idw_certificate_is_test_issuer (second_ou));
}

static void
test_issuer_bad_input (void)
{
  g_autoptr(GError) error = NULL;
  const char *bad_countries[] = { "us", "USA", "U", "", "U1", "Us" };
  g_autofree char *long_name = g_strnfill (60, 'x');
  g_autofree char *longest_name = g_strnfill (59, 'x');
  g_autoptr(IdwIssuerFiles) ok = NULL;
  g_autoptr(IdwIssuerFiles) escaped = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad_countries); i++)
    {
      IdwIssuerFiles *files = idw_x509_create_issuer ("Utopia", bad_countries[i], IDW_COSE_ALG_EDDSA, FALSE, NULL, &error);

      g_assert_null (files);
      g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
      g_clear_error (&error);
    }

  g_assert_null (idw_x509_create_issuer ("", "UT", IDW_COSE_ALG_EDDSA, FALSE, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);

  g_assert_null (idw_x509_create_issuer (long_name, "UT", IDW_COSE_ALG_EDDSA, FALSE, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);

  g_assert_null (idw_x509_create_issuer ("Bad\nName", "UT", IDW_COSE_ALG_EDDSA, FALSE, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);

  g_assert_null (idw_x509_create_issuer ("Bad \xff", "UT", IDW_COSE_ALG_EDDSA, FALSE, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);

  ok = idw_x509_create_issuer (longest_name, "UT", IDW_COSE_ALG_EDDSA, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ok);

  /* RFC 4514 special characters and non-ASCII names survive as values. */
  escaped = idw_x509_create_issuer ("Ütopia, \"Inc\"+", "UT", IDW_COSE_ALG_EDDSA, FALSE, NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr(IdwCertificate) ds = cert_from_pem (escaped->ds_pem);
    g_autofree char *cn = idw_certificate_get_common_name (ds);
    g_autofree char *o = idw_certificate_get_organization (ds);
    g_autofree char *subject = idw_certificate_get_subject (ds);

    g_assert_cmpstr (cn, ==, "Ütopia, \"Inc\"+ DS");
    g_assert_cmpstr (o, ==, "Ütopia, \"Inc\"+");
    g_assert_cmpstr (subject, ==, "CN=Ütopia\\, \\\"Inc\\\"\\+ DS,O=Ütopia\\, \\\"Inc\\\"\\+,C=UT");
  }
}

/* Keys */

static void
test_key_pem_round_trip (gconstpointer data)
{
  const AlgCase *c = data;
  g_autoptr(IdwIssuerFiles) files = create_issuer_alg ("Utopia", c->alg, FALSE, NULL);
  g_autoptr(IdwCertificate) ds = cert_from_pem (files->ds_pem);
  g_autoptr(IdwCertificate) iaca = cert_from_pem (files->iaca_pem);
  g_autoptr(IdwKey) ds_public = NULL;
  g_autoptr(IdwKey) iaca_public = NULL;
  g_autoptr(IdwKey) ds_key = NULL;
  g_autoptr(IdwKey) iaca_key = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GError) error = NULL;
  const char *message = "ISO/IEC 18013-5 MSO";

  ds_public = idw_certificate_get_public_key (ds, &error);
  g_assert_no_error (error);
  iaca_public = idw_certificate_get_public_key (iaca, &error);
  g_assert_no_error (error);

  ds_key = idw_key_new_from_pem (files->ds_key_pem, strlen (files->ds_key_pem), &error);
  g_assert_no_error (error);
  g_assert_nonnull (ds_key);
  g_assert_true (idw_key_has_private (ds_key));
  g_assert_cmpint (idw_key_get_curve (ds_key), ==, c->curve);
  g_assert_cmpint (idw_key_get_alg (ds_key), ==, c->alg);
  g_assert_true (idw_key_equal (ds_key, ds_public));
  g_assert_false (idw_key_equal (ds_key, iaca_public));

  signature = idw_key_sign (ds_key, (const guint8 *) message, strlen (message), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (signature), ==, c->signature_len);
  g_assert_true (idw_key_verify (ds_public, c->alg,
                                 (const guint8 *) message, strlen (message),
                                 g_bytes_get_data (signature, NULL), g_bytes_get_size (signature),
                                 &error));
  g_assert_no_error (error);

  /* One bit of r (or of R for EdDSA) changed. */
  {
    g_autofree guint8 *tampered = g_memdup2 (g_bytes_get_data (signature, NULL),
                                             g_bytes_get_size (signature));

    tampered[5] ^= 0x01;
    g_assert_false (idw_key_verify (ds_public, c->alg, (const guint8 *) message, strlen (message),
                                    tampered, g_bytes_get_size (signature), &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE);
    g_clear_error (&error);
  }

  /* Only the raw r || s form verifies, not one byte shorter. */
  g_assert_false (idw_key_verify (ds_public, c->alg, (const guint8 *) message, strlen (message),
                                  g_bytes_get_data (signature, NULL), g_bytes_get_size (signature) - 1,
                                  &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);

  g_assert_false (idw_key_verify (iaca_public, c->alg,
                                  (const guint8 *) message, strlen (message),
                                  g_bytes_get_data (signature, NULL), g_bytes_get_size (signature),
                                  &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);

  iaca_key = idw_key_new_from_pem (files->iaca_key_pem, strlen (files->iaca_key_pem), &error);
  g_assert_no_error (error);
  g_assert_true (idw_key_equal (iaca_key, iaca_public));
}

static void
test_key_pem_bad (void)
{
  g_autoptr(GError) error = NULL;
  g_auto(gnutls_x509_privkey_t) rsa_key = NULL;
  gnutls_datum_t rsa_pem = { NULL, 0 };
  const char *garbage = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
  const char *not_pem = "hello";
  g_autoptr(IdwIssuerFiles) files = create_issuer ("Utopia", FALSE, NULL);

  g_assert_null (idw_key_new_from_pem (garbage, strlen (garbage), &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);

  g_assert_null (idw_key_new_from_pem (not_pem, strlen (not_pem), &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);

  g_assert_null (idw_key_new_from_pem ("", 0, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);

  /* A certificate is no key. */
  g_assert_null (idw_key_new_from_pem (files->ds_pem, strlen (files->ds_pem), &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);

  /* A truncated key. */
  g_assert_null (idw_key_new_from_pem (files->ds_key_pem, strlen (files->ds_key_pem) / 2, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);

  /* EC keys sign now (the pem-round-trip tests); RSA keys do not. */
  g_assert_cmpint (gnutls_x509_privkey_init (&rsa_key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (rsa_key, GNUTLS_PK_RSA, 2048, 0), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_export2_pkcs8 (rsa_key, GNUTLS_X509_FMT_PEM, NULL,
                                                      GNUTLS_PKCS_PLAIN, &rsa_pem), ==, 0);
  g_assert_null (idw_key_new_from_pem ((const char *) rsa_pem.data, rsa_pem.size, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  gnutls_free (rsa_pem.data);

  /* An issuer cannot be made with ES512. */
  g_assert_null (idw_x509_create_issuer ("Utopia", "UT", IDW_COSE_ALG_ES512, FALSE, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
}

/* ECDSA chains made with GnuTLS */

static void
test_issuer_not_ca (void)
{
  /* A root without basicConstraints CA cannot issue, even when trusted. */
  g_autoptr(GDateTime) from = utc ("2024-01-01T00:00:00Z");
  g_autoptr(GDateTime) until = utc ("2030-01-01T00:00:00Z");
  g_autoptr(GDateTime) now = utc ("2025-01-01T00:00:00Z");
  g_auto(gnutls_x509_privkey_t) root_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_auto(gnutls_x509_privkey_t) ds_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  TestCertOptions not_ca = { .basic_constraints = FALSE };
  TestCertOptions leaf_ca = { .ca = TRUE, .basic_constraints = TRUE };
  TestCertOptions leaf = { .ds_usage = TRUE };
  g_autoptr(IdwCertificate) root = make_test_cert (root_key, "CN=Plain Root,C=UT", NULL, NULL,
                                                   from, until, &not_ca);
  g_autoptr(IdwCertificate) ds = make_test_cert (ds_key, "CN=Plain DS,C=UT", root, root_key,
                                                 from, until, &leaf);
  g_autoptr(IdwCertificate) ca_ds = make_test_cert (ds_key, "CN=CA DS,C=UT", NULL, NULL,
                                                    from, until, &leaf_ca);
  g_autoptr(GPtrArray) anchors = cert_list (root, NULL);
  g_autoptr(GPtrArray) chain = cert_list (ds, NULL);
  g_autoptr(GPtrArray) ca_chain = cert_list (ca_ds, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (idw_x509_validate_chain (chain, anchors, now, now, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE);
  g_assert_cmpstr (error->message, ==,
                   "The certificate “CN=Plain Root,C=UT” is not a certificate authority, so it "
                   "cannot issue “CN=Plain DS,C=UT”.");
  g_clear_error (&error);

  /* A CA certificate as the leaf, pinned: trusted as it is (the rule
   * that keeps a CA from signing documents is for a DS under an IACA). */
  g_assert_true (idw_x509_validate_chain (ca_chain, ca_chain, now, now, NULL, &error));
  g_assert_no_error (error);

  /* A leaf whose key usage does not allow signatures: pinned, trusted as
   * it is; under an IACA, refused for its key usage. */
  {
    g_auto(gnutls_x509_privkey_t) iaca_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
    TestCertOptions cert_sign_only = { .ca = TRUE, .basic_constraints = FALSE };
    TestCertOptions iaca_options = { .ca = TRUE, .basic_constraints = TRUE };
    g_autoptr(IdwCertificate) wrong_usage = make_test_cert (ds_key, "CN=Wrong Usage,C=UT", NULL, NULL,
                                                            from, until, &cert_sign_only);
    g_autoptr(IdwCertificate) iaca = make_test_cert (iaca_key, "CN=Usage IACA,C=UT", NULL, NULL,
                                                     from, until, &iaca_options);
    g_autoptr(IdwCertificate) issued = make_test_cert (ds_key, "CN=Wrong Usage,C=UT", iaca, iaca_key,
                                                       from, until, &cert_sign_only);
    g_autoptr(GPtrArray) wrong_chain = cert_list (wrong_usage, NULL);
    g_autoptr(GPtrArray) issued_chain = cert_list (issued, NULL);
    g_autoptr(GPtrArray) iaca_anchors = cert_list (iaca, NULL);

    g_assert_true (idw_x509_validate_chain (wrong_chain, wrong_chain, now, now, NULL, &error));
    g_assert_no_error (error);

    g_assert_false (idw_x509_validate_chain (issued_chain, iaca_anchors, now, now, NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE);
    g_assert_cmpstr (error->message, ==,
                     "The document signer certificate “CN=Wrong Usage,C=UT” is not allowed to make "
                     "digital signatures.");
  }
}

static void
test_impostor (void)
{
  /* Certificates that claim to come from the trusted root without its key. */
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) from = g_date_time_add_days (now, -1);
  g_autoptr(GDateTime) until = g_date_time_add_days (now, 10);
  g_autoptr(IdwIssuerFiles) files = create_issuer ("Utopia", FALSE, from);
  g_autoptr(IdwCertificate) iaca = cert_from_pem (files->iaca_pem);
  g_autoptr(GPtrArray) anchors = cert_list (iaca, NULL);
  g_auto(gnutls_x509_privkey_t) attacker_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_auto(gnutls_x509_privkey_t) attacker_ds_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  TestCertOptions self_issued = { .ds_usage = TRUE };
  TestCertOptions ca = { .ca = TRUE, .basic_constraints = TRUE };
  TestCertOptions ds_no_aki = { .ds_usage = TRUE, .no_authority_key_id = TRUE };
  TestCertOptions ds_with_aki = { .ds_usage = TRUE };
  g_autoptr(IdwCertificate) stand_in = make_test_cert (attacker_key, "CN=Utopia IACA,O=Utopia,C=UT",
                                                       NULL, NULL, from, until, &ca);
  g_autoptr(GError) error = NULL;

  /* Subject and issuer both the root's name, self-signed by the
   * attacker: someone else's certificate that shares the name. */
  {
    g_autoptr(IdwCertificate) impostor = make_test_cert (attacker_key, "CN=Utopia IACA,O=Utopia,C=UT",
                                                         NULL, NULL, from, until, &self_issued);
    g_autoptr(GPtrArray) chain = cert_list (impostor, NULL);

    g_assert_false (idw_x509_validate_chain (chain, anchors, now, now, NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_UNTRUSTED);
    g_clear_error (&error);
  }

  /* A DS naming the root as its issuer, signed by the attacker's
   * look-alike root, without an authority key identifier: forged. */
  {
    g_autoptr(IdwCertificate) impostor = make_test_cert (attacker_ds_key, "CN=Utopia DS,O=Utopia,C=UT",
                                                         stand_in, attacker_key, from, until,
                                                         &ds_no_aki);
    g_autoptr(GPtrArray) chain = cert_list (impostor, NULL);
    g_autofree char *issuer = idw_certificate_get_issuer (impostor);

    g_assert_cmpstr (issuer, ==, "CN=Utopia IACA,O=Utopia,C=UT");
    g_assert_false (idw_x509_validate_chain (chain, anchors, now, now, NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE);
    g_assert_cmpstr (error->message, ==,
                     "The signature of certificate “CN=Utopia DS,O=Utopia,C=UT” by "
                     "“CN=Utopia IACA,O=Utopia,C=UT” is not valid: the key of the issuer cannot "
                     "make ECDSA-SHA256 signatures.");
    g_clear_error (&error);
  }

  /* The same with the look-alike's key identifier: another issuer that
   * happens to have the same name. */
  {
    g_autoptr(IdwCertificate) impostor = make_test_cert (attacker_ds_key, "CN=Utopia DS,O=Utopia,C=UT",
                                                         stand_in, attacker_key, from, until,
                                                         &ds_with_aki);
    g_autoptr(GPtrArray) chain = cert_list (impostor, NULL);
    g_autoptr(GPtrArray) chain_with_stand_in = cert_list (impostor, stand_in, NULL);

    g_assert_false (idw_x509_validate_chain (chain, anchors, now, now, NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_UNTRUSTED);
    g_clear_error (&error);

    g_assert_false (idw_x509_validate_chain (chain_with_stand_in, anchors, now, now, NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_UNTRUSTED);
    g_clear_error (&error);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (alg_cases); i++)
    {
      const char *alg = idw_key_alg_to_string (alg_cases[i].alg);
      g_autofree char *create = g_strdup_printf ("/x509/issuer/create/%s", alg);
      g_autofree char *validate = g_strdup_printf ("/x509/issuer/validate/%s", alg);
      g_autofree char *round_trip = g_strdup_printf ("/x509/key/pem-round-trip/%s", alg);

      g_test_add_data_func (create, &alg_cases[i], test_issuer_create);
      g_test_add_data_func (validate, &alg_cases[i], test_issuer_validate);
      g_test_add_data_func (round_trip, &alg_cases[i], test_key_pem_round_trip);
    }
  g_test_add_func ("/x509/issuer/other-iaca", test_issuer_other_iaca);
  g_test_add_func ("/x509/issuer/tampered", test_issuer_tampered);
  g_test_add_func ("/x509/issuer/times", test_issuer_times);
  g_test_add_func ("/x509/issuer/expired-root", test_issuer_expired_root);
  g_test_add_func ("/x509/issuer/test-marker", test_issuer_test_marker);
  g_test_add_func ("/x509/issuer/marker-exact", test_issuer_marker_exact);
  g_test_add_func ("/x509/issuer/bad-input", test_issuer_bad_input);
  g_test_add_func ("/x509/issuer/not-ca", test_issuer_not_ca);
  g_test_add_func ("/x509/issuer/impostor", test_impostor);
  g_test_add_func ("/x509/key/pem-bad", test_key_pem_bad);

  return g_test_run ();
}
