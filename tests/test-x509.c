/* test-x509.c: certificates, x5chain and trust-anchor validation
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

#define ANNEXD_DS_FINGERPRINT "b79798ebbc0cafb406683b60a75ad78df735bc3535e31151db0e2dfc4bb98d3b"
#define ANNEXD_DS_PUBLIC_KEY                                              \
  "04ace7ab7340e5d9648c5a72a9a6f56745c7aad436a03a43efea77b5fa7b88f019"    \
  "7d57d8983e1b37d3a539f4d588365e38cbbf5b94d68c547b5bc8731dcd2f146b"
#define ANNEXD_MSO_SIGNED "2020-10-01T13:30:02Z"

/* Helpers */

static GDateTime *
utc (const char *iso8601)
{
  GDateTime *datetime = g_date_time_new_from_iso8601 (iso8601, NULL);

  g_assert_nonnull (datetime);
  return datetime;
}

static char *
iso (GDateTime *datetime)
{
  return g_date_time_format (datetime, "%Y-%m-%dT%H:%M:%SZ");
}

static char *
to_hex (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GString *hex = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (hex, "%02x", data[i]);
  return g_string_free (hex, FALSE);
}

static IdwCertificate *
load_annexd_ds (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "annexd",
                                                 "annexd-issuer-cert.pem", NULL);
  g_autoptr(GError) error = NULL;
  IdwCertificate *cert = idw_certificate_new_from_file (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (cert);
  return cert;
}

static IdwCertificate *
load_data_cert (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "x509", name, NULL);
  g_autoptr(GError) error = NULL;
  IdwCertificate *cert = idw_certificate_new_from_file (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (cert);
  return cert;
}

static IdwCertificate *
cert_from_pem (const char *pem)
{
  g_autoptr(GError) error = NULL;
  IdwCertificate *cert = idw_certificate_new_from_data ((const guint8 *) pem, strlen (pem), &error);

  g_assert_no_error (error);
  g_assert_nonnull (cert);
  return cert;
}

/* Annex D: parsing */

static void
test_annexd_parse (void)
{
  g_autoptr(IdwCertificate) ds = load_annexd_ds ();
  g_autoptr(GDateTime) not_before = idw_certificate_get_not_before (ds);
  g_autoptr(GDateTime) not_after = idw_certificate_get_not_after (ds);
  g_autofree char *subject = idw_certificate_get_subject (ds);
  g_autofree char *issuer = idw_certificate_get_issuer (ds);
  g_autofree char *cn = idw_certificate_get_common_name (ds);
  g_autofree char *country = idw_certificate_get_country (ds);
  g_autofree char *organization = idw_certificate_get_organization (ds);
  g_autofree char *fingerprint = idw_certificate_get_fingerprint (ds);
  g_autofree char *from = iso (not_before);
  g_autofree char *until = iso (not_after);
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) key = NULL;
  g_autoptr(GBytes) public_bytes = NULL;
  g_autofree char *public_hex = NULL;

  /* RFC 4514 order: the last RDN of the encoding (C) first. */
  g_assert_cmpstr (subject, ==, "C=US,CN=utopia ds");
  g_assert_cmpstr (issuer, ==, "C=US,CN=utopia iaca");
  g_assert_cmpstr (cn, ==, "utopia ds");
  g_assert_cmpstr (country, ==, "US");
  g_assert_null (organization);
  g_assert_cmpstr (from, ==, "2020-10-01T00:00:00Z");
  g_assert_cmpstr (until, ==, "2021-10-01T00:00:00Z");
  g_assert_true (g_date_time_get_utc_offset (not_before) == 0);
  g_assert_cmpstr (fingerprint, ==, ANNEXD_DS_FINGERPRINT);
  g_assert_false (idw_certificate_is_test_issuer (ds));

  key = idw_certificate_get_public_key (ds, &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
  g_assert_cmpint (idw_key_get_curve (key), ==, IDW_CURVE_P256);
  g_assert_false (idw_key_has_private (key));
  g_assert_true (idw_key_allows_alg (key, IDW_COSE_ALG_ES256));
  public_bytes = idw_key_get_public_bytes (key);
  public_hex = to_hex (public_bytes);
  g_assert_cmpstr (public_hex, ==, ANNEXD_DS_PUBLIC_KEY);
}

static void
test_annexd_pem_der (void)
{
  g_autoptr(IdwCertificate) ds = load_annexd_ds ();
  g_autoptr(GBytes) der = idw_certificate_get_der (ds);
  g_autofree char *pem = idw_certificate_to_pem (ds);
  g_autoptr(IdwCertificate) from_der = NULL;
  g_autoptr(IdwCertificate) from_pem = NULL;
  g_autoptr(IdwCertificate) from_noisy_pem = NULL;
  g_autofree char *noisy = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (der, &len);

  g_assert_cmpuint (len, ==, 499);
  g_assert_true (g_str_has_prefix (pem, "-----BEGIN CERTIFICATE-----\n"));
  g_assert_true (g_str_has_suffix (pem, "-----END CERTIFICATE-----\n"));

  from_der = idw_certificate_new_from_data (data, len, &error);
  g_assert_no_error (error);
  g_assert_true (idw_certificate_equal (ds, from_der));

  from_pem = cert_from_pem (pem);
  g_assert_true (idw_certificate_equal (ds, from_pem));

  /* Text around the block, as in "openssl x509 -text" output. */
  noisy = g_strconcat ("Certificate:\n    Subject: CN = utopia ds\n", pem, "trailing\n", NULL);
  from_noisy_pem = cert_from_pem (noisy);
  g_assert_true (idw_certificate_equal (ds, from_noisy_pem));

  /* Two certificates: the first one counts. */
  {
    g_autoptr(IdwCertificate) rsa = load_data_cert ("rsa-cert.pem");
    g_autofree char *rsa_pem = idw_certificate_to_pem (rsa);
    g_autofree char *both = g_strconcat (pem, rsa_pem, NULL);
    g_autofree char *both_reversed = g_strconcat (rsa_pem, pem, NULL);
    g_autoptr(IdwCertificate) first = cert_from_pem (both);
    g_autoptr(IdwCertificate) first_reversed = cert_from_pem (both_reversed);

    g_assert_true (idw_certificate_equal (first, ds));
    g_assert_true (idw_certificate_equal (first_reversed, rsa));
  }

  g_assert_true (idw_certificate_equal (NULL, NULL));
  g_assert_false (idw_certificate_equal (ds, NULL));
}

/* Annex D: validation with the DS pinned */

static void
test_annexd_pinned_valid (void)
{
  g_autoptr(IdwCertificate) ds = load_annexd_ds ();
  g_autoptr(GPtrArray) chain = cert_list (ds, NULL);
  g_autoptr(GPtrArray) anchors = cert_list (ds, NULL);
  g_autoptr(GDateTime) signed_at = utc (ANNEXD_MSO_SIGNED);
  g_autoptr(GDateTime) now = utc ("2021-01-01T00:00:00Z");
  g_autoptr(IdwCertificate) anchor = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = idw_x509_validate_chain (chain, anchors, signed_at, now, &anchor, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_true (anchor == ds);

  /* The anchor loaded separately (another object, same bytes). */
  {
    g_autoptr(IdwCertificate) pinned = load_annexd_ds ();
    g_autoptr(GPtrArray) other_anchors = cert_list (pinned, NULL);
    g_autoptr(IdwCertificate) used = NULL;

    ok = idw_x509_validate_chain (chain, other_anchors, signed_at, now, &used, &error);
    g_assert_no_error (error);
    g_assert_true (ok);
    g_assert_true (used == pinned);
  }

  /* The last instants of the validity period are inside it. */
  {
    g_autoptr(GDateTime) last = utc ("2021-10-01T00:00:00Z");

    ok = idw_x509_validate_chain (chain, anchors, signed_at, last, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (ok);
  }
}

static void
test_annexd_expired (void)
{
  g_autoptr(IdwCertificate) ds = load_annexd_ds ();
  g_autoptr(GPtrArray) chain = cert_list (ds, NULL);
  g_autoptr(GPtrArray) anchors = cert_list (ds, NULL);
  g_autoptr(GDateTime) signed_at = utc (ANNEXD_MSO_SIGNED);
  g_autoptr(GDateTime) now = utc ("2026-01-01T00:00:00Z");
  g_autoptr(IdwCertificate) anchor = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (idw_x509_validate_chain (chain, anchors, signed_at, now, &anchor, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_EXPIRED);
  g_assert_cmpstr (error->message, ==,
                   "The document signer certificate “C=US,CN=utopia ds” expired on "
                   "2021-10-01 00:00:00 UTC.");
  g_assert_null (anchor);
  g_clear_error (&error);

  /* One second after the end. */
  {
    g_autoptr(GDateTime) just_after = utc ("2021-10-01T00:00:01Z");

    g_assert_false (idw_x509_validate_chain (chain, anchors, signed_at, just_after, NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_EXPIRED);
  }
}

static void
test_annexd_not_yet_valid (void)
{
  g_autoptr(IdwCertificate) ds = load_annexd_ds ();
  g_autoptr(GPtrArray) chain = cert_list (ds, NULL);
  g_autoptr(GPtrArray) anchors = cert_list (ds, NULL);
  g_autoptr(GDateTime) signed_at = utc (ANNEXD_MSO_SIGNED);
  g_autoptr(GDateTime) now = utc ("2020-06-01T00:00:00Z");
  g_autoptr(GError) error = NULL;

  g_assert_false (idw_x509_validate_chain (chain, anchors, signed_at, now, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NOT_YET_VALID);
  g_assert_cmpstr (error->message, ==,
                   "The document signer certificate “C=US,CN=utopia ds” is not valid until "
                   "2020-10-01 00:00:00 UTC.");
}

static void
test_annexd_signed_outside (void)
{
  g_autoptr(IdwCertificate) ds = load_annexd_ds ();
  g_autoptr(GPtrArray) chain = cert_list (ds, NULL);
  g_autoptr(GPtrArray) anchors = cert_list (ds, NULL);
  g_autoptr(GDateTime) now = utc ("2021-01-01T00:00:00Z");
  g_autoptr(GDateTime) early = utc ("2020-09-30T23:59:59Z");
  g_autoptr(GDateTime) late = utc ("2021-10-02T00:00:00Z");
  g_autoptr(GError) error = NULL;

  g_assert_false (idw_x509_validate_chain (chain, anchors, early, now, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NOT_YET_VALID);
  g_assert_cmpstr (error->message, ==,
                   "The document was signed on 2020-09-30 23:59:59 UTC, before the document "
                   "signer certificate “C=US,CN=utopia ds” became valid on 2020-10-01 00:00:00 UTC.");
  g_clear_error (&error);

  g_assert_false (idw_x509_validate_chain (chain, anchors, late, now, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_EXPIRED);
  g_assert_nonnull (strstr (error->message, "utopia ds"));
  g_clear_error (&error);

  /* Without a signing time only @now counts. */
  g_assert_true (idw_x509_validate_chain (chain, anchors, NULL, now, NULL, &error));
  g_assert_no_error (error);
}

static void
test_annexd_untrusted (void)
{
  g_autoptr(IdwCertificate) ds = load_annexd_ds ();
  g_autoptr(IdwCertificate) rsa = load_data_cert ("rsa-cert.pem");
  g_autoptr(GPtrArray) chain = cert_list (ds, NULL);
  g_autoptr(GPtrArray) empty = cert_list (NULL);
  g_autoptr(GPtrArray) unrelated = cert_list (rsa, NULL);
  g_autoptr(GDateTime) signed_at = utc (ANNEXD_MSO_SIGNED);
  g_autoptr(GDateTime) now = utc ("2021-01-01T00:00:00Z");
  g_autoptr(GError) error = NULL;

  g_assert_false (idw_x509_validate_chain (chain, empty, signed_at, now, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNTRUSTED);
  g_assert_cmpstr (error->message, ==,
                   "No trusted issuer certificate matches “C=US,CN=utopia iaca”.");
  g_clear_error (&error);

  g_assert_false (idw_x509_validate_chain (chain, NULL, signed_at, now, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNTRUSTED);
  g_clear_error (&error);

  g_assert_false (idw_x509_validate_chain (chain, unrelated, signed_at, now, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNTRUSTED);
}

/* Issuer creation */

static IdwIssuerFiles *
create_issuer (const char *name,
               gboolean    test,
               GDateTime  *not_before)
{
  g_autoptr(GError) error = NULL;
  IdwIssuerFiles *files = idw_x509_create_issuer (name, "UT", test, not_before, &error);

  g_assert_no_error (error);
  g_assert_nonnull (files);
  g_assert_nonnull (files->iaca_pem);
  g_assert_nonnull (files->iaca_key_pem);
  g_assert_nonnull (files->ds_pem);
  g_assert_nonnull (files->ds_key_pem);
  return files;
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
test_issuer_create (void)
{
  g_autoptr(GDateTime) start = utc ("2025-03-01T12:00:00Z");
  g_autoptr(IdwIssuerFiles) files = create_issuer ("Utopia", FALSE, start);
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
  g_assert_cmpint (idw_key_get_curve (iaca_key), ==, IDW_CURVE_ED25519);
  ds_key = idw_certificate_get_public_key (ds, &error);
  g_assert_no_error (error);
  g_assert_cmpint (idw_key_get_curve (ds_key), ==, IDW_CURVE_ED25519);
  g_assert_false (idw_key_equal (iaca_key, ds_key));

  /* IACA: CA, path length 0, keyCertSign + cRLSign, self-signed. */
  g_assert_cmpint (gnutls_x509_crt_get_basic_constraints (iaca_crt, &critical, &ca, &pathlen), >=, 0);
  g_assert_true (ca);
  g_assert_cmpint (pathlen, ==, 0);
  g_assert_cmpint (gnutls_x509_crt_get_key_usage (iaca_crt, &usage, &critical), >=, 0);
  g_assert_cmpuint (usage, ==, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN);
  g_assert_cmpint (gnutls_x509_crt_get_signature_algorithm (iaca_crt), ==, GNUTLS_SIGN_EDDSA_ED25519);
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
test_issuer_validate (void)
{
  g_autoptr(IdwIssuerFiles) files = create_issuer ("Utopia", FALSE, NULL);
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
      IdwIssuerFiles *files = idw_x509_create_issuer ("Utopia", bad_countries[i], FALSE, NULL, &error);

      g_assert_null (files);
      g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
      g_clear_error (&error);
    }

  g_assert_null (idw_x509_create_issuer ("", "UT", FALSE, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);

  g_assert_null (idw_x509_create_issuer (long_name, "UT", FALSE, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);

  g_assert_null (idw_x509_create_issuer ("Bad\nName", "UT", FALSE, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);

  g_assert_null (idw_x509_create_issuer ("Bad \xff", "UT", FALSE, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);

  ok = idw_x509_create_issuer (longest_name, "UT", FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ok);

  /* RFC 4514 special characters and non-ASCII names survive as values. */
  escaped = idw_x509_create_issuer ("Ütopia, \"Inc\"+", "UT", FALSE, NULL, &error);
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
test_key_pem_round_trip (void)
{
  g_autoptr(IdwIssuerFiles) files = create_issuer ("Utopia", FALSE, NULL);
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
  g_assert_cmpint (idw_key_get_curve (ds_key), ==, IDW_CURVE_ED25519);
  g_assert_true (idw_key_equal (ds_key, ds_public));
  g_assert_false (idw_key_equal (ds_key, iaca_public));

  signature = idw_key_sign (ds_key, (const guint8 *) message, strlen (message), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (signature), ==, 64);
  g_assert_true (idw_key_verify (ds_public, IDW_COSE_ALG_EDDSA,
                                 (const guint8 *) message, strlen (message),
                                 g_bytes_get_data (signature, NULL), g_bytes_get_size (signature),
                                 &error));
  g_assert_no_error (error);
  g_assert_false (idw_key_verify (iaca_public, IDW_COSE_ALG_EDDSA,
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
  g_auto(gnutls_x509_privkey_t) ec_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  gnutls_datum_t ec_pem = { NULL, 0 };
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

  g_assert_cmpint (gnutls_x509_privkey_export2_pkcs8 (ec_key, GNUTLS_X509_FMT_PEM, NULL,
                                                      GNUTLS_PKCS_PLAIN, &ec_pem), ==, 0);
  g_assert_null (idw_key_new_from_pem ((const char *) ec_pem.data, ec_pem.size, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
  gnutls_free (ec_pem.data);
}

/* Public key types */

/* @expected (big-endian, @size bytes) is @coordinate as GnuTLS gives it,
 * which may have leading zero bytes stripped or added. */
static void
check_coordinate (const gnutls_datum_t *coordinate,
                  const guint8         *expected,
                  gsize                 size)
{
  const guint8 *data = coordinate->data;
  gsize len = coordinate->size;

  while (len > 0 && data[0] == 0)
    {
      data++;
      len--;
    }
  while (size > 0 && expected[0] == 0)
    {
      expected++;
      size--;
    }

  g_assert_cmpmem (data, len, expected, size);
}

static void
test_public_key_curves (void)
{
  struct
  {
    gnutls_ecc_curve_t curve;
    IdwCurve           expected;
    gsize              public_len;
  } cases[] = {
    { GNUTLS_ECC_CURVE_SECP256R1, IDW_CURVE_P256, 65 },
    { GNUTLS_ECC_CURVE_SECP384R1, IDW_CURVE_P384, 97 },
    { GNUTLS_ECC_CURVE_SECP521R1, IDW_CURVE_P521, 133 },
  };
  g_autoptr(GDateTime) from = utc ("2024-01-01T00:00:00Z");
  g_autoptr(GDateTime) until = utc ("2030-01-01T00:00:00Z");
  TestCertOptions options = { .ds_usage = TRUE };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      /* Several keys each, so that coordinates with leading zero bytes
       * turn up now and then (one in 256 per coordinate). */
      for (guint round = 0; round < 4; round++)
        {
          g_auto(gnutls_x509_privkey_t) key = make_ec_key (cases[i].curve);
          g_autoptr(IdwCertificate) cert = make_test_cert (key, "CN=EC,C=UT", NULL, NULL,
                                                           from, until, &options);
          g_autoptr(GError) error = NULL;
          g_autoptr(IdwKey) public_key = idw_certificate_get_public_key (cert, &error);
          g_autoptr(GBytes) public_bytes = NULL;
          gnutls_datum_t x = { NULL, 0 }, y = { NULL, 0 }, k = { NULL, 0 };
          gnutls_ecc_curve_t curve;
          const guint8 *data;
          gsize len;

          g_assert_no_error (error);
          g_assert_cmpint (idw_key_get_curve (public_key), ==, cases[i].expected);
          public_bytes = idw_key_get_public_bytes (public_key);
          data = g_bytes_get_data (public_bytes, &len);
          g_assert_cmpuint (len, ==, cases[i].public_len);
          g_assert_cmpuint (data[0], ==, 0x04);

          /* The same point GnuTLS has, padded to the curve size. */
          g_assert_cmpint (gnutls_x509_privkey_export_ecc_raw (key, &curve, &x, &y, &k), ==, 0);
          g_assert_cmpint (curve, ==, cases[i].curve);
          check_coordinate (&x, data + 1, (len - 1) / 2);
          check_coordinate (&y, data + 1 + (len - 1) / 2, (len - 1) / 2);
          gnutls_free (x.data);
          gnutls_free (y.data);
          gnutls_free (k.data);
        }
    }
}

static void
test_public_key_unsupported (void)
{
  g_autoptr(IdwCertificate) rsa = load_data_cert ("rsa-cert.pem");
  g_autoptr(IdwCertificate) ed448 = load_data_cert ("ed448-cert.pem");
  g_autoptr(GError) error = NULL;
  g_autofree char *subject = idw_certificate_get_subject (rsa);

  g_assert_cmpstr (subject, ==, "CN=RSA Example DS,O=RSA Example,C=UT");

  g_assert_null (idw_certificate_get_public_key (rsa, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "RSA"));
  g_clear_error (&error);

  g_assert_null (idw_certificate_get_public_key (ed448, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* EC keys on other curves; GnuTLS does not know the first two at all. */
  {
    const char *files[] = { "brainpoolp256r1-cert.pem", "secp256k1-cert.pem", "secp224r1-cert.pem" };

    for (guint i = 0; i < G_N_ELEMENTS (files); i++)
      {
        g_autoptr(IdwCertificate) cert = load_data_cert (files[i]);
        g_autofree char *cn = idw_certificate_get_common_name (cert);

        g_assert_true (g_str_has_suffix (cn, " Example DS"));
        g_assert_null (idw_certificate_get_public_key (cert, &error));
        g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
        g_clear_error (&error);
      }
  }
}

/* Found by tests/fuzz/fuzz-x509: a name that is not UTF-8 (here the
 * issuer's O, a UTF8String, with its first byte changed to 0x85) came out
 * of the subject and issuer getters as it was, and went on into messages
 * and verdicts. It now reads with the byte escaped, as hostile text is
 * shown everywhere. */
static void
test_name_not_utf8 (void)
{
  g_autoptr(IdwCertificate) ed448 = load_data_cert ("ed448-cert.pem");
  g_autoptr(IdwCertificate) cert = NULL;
  g_autoptr(GBytes) der = idw_certificate_get_der (ed448);
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *copy = NULL;
  g_autofree char *issuer = NULL;
  g_autofree char *subject = NULL;
  const char *o = "Ed448 Example";
  gsize len;
  gsize at;

  len = g_bytes_get_size (der);
  copy = g_memdup2 (g_bytes_get_data (der, NULL), len);
  /* The issuer comes before the subject in the certificate. */
  for (at = 0; at + strlen (o) <= len; at++)
    if (memcmp (copy + at, o, strlen (o)) == 0)
      break;
  g_assert_cmpuint (at + strlen (o), <=, len);
  copy[at] = 0x85;

  cert = idw_certificate_new_from_der (copy, len, &error);
  g_assert_no_error (error);
  issuer = idw_certificate_get_issuer (cert);
  g_assert_true (g_utf8_validate (issuer, -1, NULL));
  g_assert_nonnull (strstr (issuer, "O=\\x85d448 Example"));
  subject = idw_certificate_get_subject (cert);
  g_assert_nonnull (strstr (subject, "O=Ed448 Example"));
}

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

/* Trust rules: certificates under a test IACA, each breaking one rule */

#define RULES_FROM  "2024-01-01T00:00:00Z"
#define RULES_UNTIL "2034-01-01T00:00:00Z"
#define RULES_NOW   "2025-05-05T05:05:05Z"

static const TestCertOptions rules_ca = { .ca = TRUE, .basic_constraints = TRUE };
static const TestCertOptions rules_ds = { .ds_usage = TRUE };

static IdwCertificate *
rules_cert (gnutls_x509_privkey_t  key,
            const char            *dn,
            IdwCertificate        *issuer,
            gnutls_x509_privkey_t  issuer_key,
            const TestCertOptions *options)
{
  g_autoptr(GDateTime) from = test_utc (RULES_FROM);
  g_autoptr(GDateTime) until = test_utc (RULES_UNTIL);

  return make_test_cert (key, dn, issuer, issuer_key, from, until, options);
}

/* @chain is trusted through @anchors at RULES_NOW. */
static IdwTrustPath *
expect_trusted (GPtrArray *chain,
                GPtrArray *anchors,
                gboolean   ds_pinned,
                guint      path_length)
{
  g_autoptr(GDateTime) now = test_utc (RULES_NOW);
  g_autoptr(GError) error = NULL;
  IdwTrustPath *path = NULL;

  g_assert_true (idw_x509_validate_chain_full (chain, anchors, now, now, &path, &error));
  g_assert_no_error (error);
  g_assert_nonnull (path);
  g_assert_cmpint (path->ds_pinned, ==, ds_pinned);
  g_assert_cmpuint (path->path->len, ==, path_length);
  g_assert_true (path->anchor == g_ptr_array_index (path->path, path_length - 1));
  return path;
}

/* @chain is refused with exactly @code and @message. */
static void
expect_refused (GPtrArray  *chain,
                GPtrArray  *anchors,
                gint        code,
                const char *message)
{
  g_autoptr(GDateTime) now = test_utc (RULES_NOW);
  g_autoptr(GError) error = NULL;
  IdwTrustPath *path = NULL;

  g_assert_false (idw_x509_validate_chain_full (chain, anchors, now, now, &path, &error));
  g_assert_null (path);
  g_assert_error (error, IDW_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);
}

static guint
strv_length (const char * const *strv)
{
  g_assert_nonnull (strv);
  return g_strv_length ((char **) strv);
}

static void
test_extensions_ignored (void)
{
  /* lf-03's case: a DS whose non-critical IssuerAltName and
   * CRLDistributionPoints are double-wrapped, signed by an IACA. */
  g_auto(gnutls_x509_privkey_t) iaca_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_auto(gnutls_x509_privkey_t) ds_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  TestCertOptions options = {
    .ds_usage = TRUE,
    .extensions = {
      { "2.5.29.31", test_bad_crldp, sizeof test_bad_crldp, FALSE },
      { "2.5.29.18", test_bad_ian, sizeof test_bad_ian, FALSE },
    },
  };
  g_autoptr(IdwCertificate) iaca = rules_cert (iaca_key, "CN=Utopia IACA,C=UT", NULL, NULL, &rules_ca);
  g_autoptr(IdwCertificate) ds = rules_cert (ds_key, "CN=Utopia DS,C=UT", iaca, iaca_key, &options);
  g_autoptr(GPtrArray) chain = cert_list (ds, NULL);
  g_autoptr(GPtrArray) anchors = cert_list (iaca, NULL);
  g_autoptr(IdwTrustPath) path = NULL;
  g_autoptr(GBytes) der = idw_certificate_get_der (ds);
  g_autofree char *subject = idw_certificate_get_subject (ds);
  g_autofree char *fingerprint = idw_certificate_get_fingerprint (ds);
  g_autofree char *expected_fingerprint = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, der);
  const char * const *ignored = idw_certificate_get_ignored_extensions (ds);
  g_autoptr(GError) error = NULL;
  gnutls_x509_crt_t raw;
  gnutls_datum_t datum;
  gsize len;

  /* GnuTLS alone refuses the whole certificate. */
  datum.data = (unsigned char *) g_bytes_get_data (der, &len);
  datum.size = (unsigned int) len;
  g_assert_cmpint (gnutls_x509_crt_init (&raw), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (raw, &datum, GNUTLS_X509_FMT_DER), <, 0);
  gnutls_x509_crt_deinit (raw);

  /* We read it, name what was ignored, and keep the original bytes. */
  g_assert_cmpuint (strv_length (ignored), ==, 2);
  g_assert_cmpstr (ignored[0], ==, "CRLDistributionPoints (2.5.29.31)");
  g_assert_cmpstr (ignored[1], ==, "IssuerAltName (2.5.29.18)");
  g_assert_cmpuint (strv_length (idw_certificate_get_ignored_extensions (iaca)), ==, 0);
  g_assert_cmpstr (subject, ==, "CN=Utopia DS,C=UT");
  g_assert_cmpstr (fingerprint, ==, expected_fingerprint);
  (void) der_offset_of (ds, test_bad_ian, sizeof test_bad_ian);

  /* The IACA's signature is checked over the original tbsCertificate,
   * the malformed extensions included. */
  path = expect_trusted (chain, anchors, FALSE, 2);

  /* A changed signature, and a changed byte inside the ignored
   * IssuerAltName: ignored, but still covered by the signature. */
  {
    gssize at = (gssize) der_offset_of (ds, test_bad_ian, sizeof test_bad_ian) + 10;
    gssize offsets[] = { -1, at };

    for (guint i = 0; i < G_N_ELEMENTS (offsets); i++)
      {
        g_autoptr(IdwCertificate) bad = tampered_copy (ds, offsets[i], &error);
        g_autoptr(GPtrArray) bad_chain = cert_list (bad, NULL);

        g_assert_no_error (error);
        g_assert_cmpuint (strv_length (idw_certificate_get_ignored_extensions (bad)), ==, 2);
        expect_refused (bad_chain, anchors, IDW_ERROR_BAD_SIGNATURE,
                        "The signature of certificate “CN=Utopia DS,C=UT” by “CN=Utopia IACA,C=UT” "
                        "is not valid.");
      }
  }
}

static void
test_extensions_critical (void)
{
  g_auto(gnutls_x509_privkey_t) iaca_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_auto(gnutls_x509_privkey_t) ds_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_autoptr(IdwCertificate) iaca = rules_cert (iaca_key, "CN=Utopia IACA,C=UT", NULL, NULL, &rules_ca);
  g_autoptr(GPtrArray) anchors = cert_list (iaca, NULL);

  /* An unreadable critical extension: read, not ignored, never trusted. */
  {
    TestCertOptions options = {
      .ds_usage = TRUE,
      .extensions = { { "2.5.29.18", test_bad_ian, sizeof test_bad_ian, TRUE } },
    };
    g_autoptr(IdwCertificate) ds = rules_cert (ds_key, "CN=Critical DS,C=UT", iaca, iaca_key, &options);
    g_autoptr(GPtrArray) chain = cert_list (ds, NULL);
    const char *message = "The certificate “CN=Critical DS,C=UT” has a critical extension "
                          "IssuerAltName (2.5.29.18) that cannot be read, so it cannot be trusted.";

    g_assert_cmpuint (strv_length (idw_certificate_get_ignored_extensions (ds)), ==, 0);
    expect_refused (chain, anchors, IDW_ERROR_BAD_CERTIFICATE, message);
    expect_refused (chain, chain, IDW_ERROR_BAD_CERTIFICATE, message);
  }

  /* An unknown critical extension; the same non-critical is fine. */
  {
    TestCertOptions critical = {
      .ds_usage = TRUE,
      .extensions = { { "1.3.6.1.4.1.55555.1", test_null_value, sizeof test_null_value, TRUE } },
    };
    TestCertOptions non_critical = {
      .ds_usage = TRUE,
      .extensions = { { "1.3.6.1.4.1.55555.1", test_null_value, sizeof test_null_value, FALSE } },
    };
    g_autoptr(IdwCertificate) ds = rules_cert (ds_key, "CN=Unknown DS,C=UT", iaca, iaca_key, &critical);
    g_autoptr(IdwCertificate) plain = rules_cert (ds_key, "CN=Plain DS,C=UT", iaca, iaca_key, &non_critical);
    g_autoptr(GPtrArray) chain = cert_list (ds, NULL);
    g_autoptr(GPtrArray) plain_chain = cert_list (plain, NULL);
    g_autoptr(IdwTrustPath) path = NULL;
    const char *message = "The certificate “CN=Unknown DS,C=UT” has a critical extension "
                          "1.3.6.1.4.1.55555.1 that is not supported, so it cannot be trusted.";

    expect_refused (chain, anchors, IDW_ERROR_BAD_CERTIFICATE, message);
    expect_refused (chain, chain, IDW_ERROR_BAD_CERTIFICATE, message);
    path = expect_trusted (plain_chain, anchors, FALSE, 2);
    g_assert_cmpuint (strv_length (idw_certificate_get_ignored_extensions (plain)), ==, 0);
  }

  /* Anywhere on the path: an IACA with critical name constraints, which
   * we would not enforce. */
  {
    TestCertOptions constrained = {
      .ca = TRUE, .basic_constraints = TRUE,
      .extensions = { { "2.5.29.30", test_null_value, sizeof test_null_value, TRUE } },
    };
    g_autoptr(IdwCertificate) root = rules_cert (iaca_key, "CN=Constrained IACA,C=UT", NULL, NULL,
                                                 &constrained);
    g_autoptr(IdwCertificate) ds = rules_cert (ds_key, "CN=Constrained DS,C=UT", root, iaca_key,
                                               &rules_ds);
    g_autoptr(GPtrArray) chain = cert_list (ds, NULL);
    g_autoptr(GPtrArray) roots = cert_list (root, NULL);

    expect_refused (chain, roots, IDW_ERROR_BAD_CERTIFICATE,
                    "The certificate “CN=Constrained IACA,C=UT” has a critical extension "
                    "NameConstraints (2.5.29.30) that is not supported, so it cannot be trusted.");
  }
}

static void
test_extensions_unreadable_usage (void)
{
  /* A non-critical keyUsage that cannot be read is ignored, but it says
   * what the key may do: a DS under an IACA cannot do without it. */
  g_auto(gnutls_x509_privkey_t) iaca_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_auto(gnutls_x509_privkey_t) ds_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  TestCertOptions options = {
    .ds_usage = TRUE, .no_key_usage = TRUE,
    .extensions = { { "2.5.29.15", test_bad_key_usage, sizeof test_bad_key_usage, FALSE } },
  };
  g_autoptr(IdwCertificate) iaca = rules_cert (iaca_key, "CN=Utopia IACA,C=UT", NULL, NULL, &rules_ca);
  g_autoptr(IdwCertificate) ds = rules_cert (ds_key, "CN=Bad Usage DS,C=UT", iaca, iaca_key, &options);
  g_autoptr(GPtrArray) chain = cert_list (ds, NULL);
  g_autoptr(GPtrArray) anchors = cert_list (iaca, NULL);
  g_autoptr(IdwTrustPath) path = NULL;
  const char * const *ignored = idw_certificate_get_ignored_extensions (ds);

  g_assert_cmpuint (strv_length (ignored), ==, 1);
  g_assert_cmpstr (ignored[0], ==, "KeyUsage (2.5.29.15)");
  expect_refused (chain, anchors, IDW_ERROR_BAD_CERTIFICATE,
                  "The certificate “CN=Bad Usage DS,C=UT” has a KeyUsage extension (2.5.29.15) that "
                  "cannot be read; it says what the certificate may be used for, so the certificate "
                  "cannot be trusted.");

  /* Pinned, it is trusted as it is. */
  path = expect_trusted (chain, chain, TRUE, 1);
}

static void
test_extensions_duplicate (void)
{
  /* RFC 5280 §4.2: an extension at most once. Two private extensions
   * whose OIDs differ in the last byte, made equal afterwards. */
  g_auto(gnutls_x509_privkey_t) key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  static const guint8 second_oid[] = {
    0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xb2, 0x03, 0x01, 0x02,
  };
  TestCertOptions options = {
    .ds_usage = TRUE,
    .extensions = {
      { "1.3.6.1.4.1.55555.1.1", test_null_value, sizeof test_null_value, FALSE },
      { "1.3.6.1.4.1.55555.1.2", test_null_value, sizeof test_null_value, FALSE },
    },
  };
  g_autoptr(IdwCertificate) cert = rules_cert (key, "CN=Twice,C=UT", NULL, NULL, &options);
  g_autoptr(GBytes) der = idw_certificate_get_der (cert);
  gsize len;
  const guint8 *data = g_bytes_get_data (der, &len);
  g_autofree guint8 *copy = g_memdup2 (data, len);
  gsize at = der_offset_of (cert, second_oid, sizeof second_oid);
  g_autoptr(GError) error = NULL;

  copy[at + sizeof second_oid - 1] = 0x01;
  g_assert_null (idw_certificate_new_from_der (copy, len, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE);
  g_assert_cmpstr (error->message, ==,
                   "The certificate cannot be parsed: it has the extension 1.3.6.1.4.1.55555.1.1 "
                   "more than once.");
}

static void
test_der_oid (void)
{
  static const struct
  {
    const char *hex;
    const char *expected;
  } cases[] = {
    { "28818c5d050102", "1.0.18013.5.1.2" },
    { "551d12", "2.5.29.18" },
    { "2b060105050701 01", "1.3.6.1.5.5.7.1.1" },
    { "8837", "2.999" },
    { "2b81ffffffffffffffff7f", "1.3.18446744073709551615" },
    { "2b82ffffffffffffffff7f", NULL },  /* beyond 64 bits */
    { "8001", NULL },                    /* leading zero group */
    { "551d8012", NULL },
    { "551d92", NULL },                  /* truncated */
    { "", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GByteArray) bytes = g_byte_array_new ();
      g_autofree char *oid = NULL;

      for (const char *p = cases[i].hex; *p != '\0'; p++)
        {
          guint8 b;

          if (*p == ' ')
            continue;
          b = (guint8) (g_ascii_xdigit_value (p[0]) << 4 | g_ascii_xdigit_value (p[1]));
          g_byte_array_append (bytes, &b, 1);
          p++;
        }

      oid = idw_der_oid_to_string (bytes->data, bytes->len);
      g_assert_cmpstr (oid, ==, cases[i].expected);
    }
}

static void
test_der_tlv (void)
{
  static const struct
  {
    const guint8 *data;
    gsize         len;
    gboolean      ok;
  } cases[] = {
    { (const guint8 *) "\x04\x01\xaa", 3, TRUE },
    { (const guint8 *) "\x04\x81\x01\xaa", 4, TRUE },          /* long form, accepted */
    { (const guint8 *) "\x04\x80\xaa\x00\x00", 5, FALSE },     /* indefinite */
    { (const guint8 *) "\x04\x85\x00\x00\x00\x00\x01\xaa", 8, FALSE },
    { (const guint8 *) "\x04\x84\xff\xff\xff\xff", 6, FALSE }, /* beyond the data */
    { (const guint8 *) "\x04\x02\xaa", 3, FALSE },
    { (const guint8 *) "\x1f\x81\x01\x00", 4, FALSE },         /* multi-byte tag */
    { (const guint8 *) "\x04", 1, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const guint8 *p = cases[i].data;
      gsize n = cases[i].len;
      IdwDerTlv tlv;

      g_assert_cmpint (idw_der_read_tlv (&p, &n, &tlv), ==, cases[i].ok);
      if (cases[i].ok)
        {
          g_assert_cmpuint (n, ==, 0);
          g_assert_cmpuint (tlv.value_len, ==, 1);
          g_assert_cmpuint (tlv.value[0], ==, 0xaa);
        }
      else
        {
          g_assert_true (p == cases[i].data);
          g_assert_cmpuint (n, ==, cases[i].len);
        }
    }
}

static void
test_der_mutations (void)
{
  /* Every truncation and every single-byte change of a certificate whose
   * extensions are re-encoded for GnuTLS either fails to parse cleanly or
   * parses and is never trusted. */
  g_auto(gnutls_x509_privkey_t) iaca_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_auto(gnutls_x509_privkey_t) ds_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  TestCertOptions options = {
    .ds_usage = TRUE,
    .extensions = {
      { "2.5.29.31", test_bad_crldp, sizeof test_bad_crldp, FALSE },
      { "2.5.29.18", test_bad_ian, sizeof test_bad_ian, FALSE },
    },
  };
  g_autoptr(IdwCertificate) iaca = rules_cert (iaca_key, "CN=Utopia IACA,C=UT", NULL, NULL, &rules_ca);
  g_autoptr(IdwCertificate) ds = rules_cert (ds_key, "CN=Utopia DS,C=UT", iaca, iaca_key, &options);
  g_autoptr(GPtrArray) anchors = cert_list (iaca, NULL);
  g_autoptr(GDateTime) now = test_utc (RULES_NOW);
  g_autoptr(GBytes) der = idw_certificate_get_der (ds);
  gsize len;
  const guint8 *data = g_bytes_get_data (der, &len);
  GRand *rand = g_rand_new_with_seed (5280);

  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (idw_certificate_new_from_der (data, cut, &error));
      g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE);
    }

  for (gsize at = 0; at < len; at++)
    {
      g_autofree guint8 *copy = g_memdup2 (data, len);
      g_autoptr(IdwCertificate) cert = NULL;
      g_autoptr(GError) error = NULL;

      copy[at] ^= (guint8) g_rand_int_range (rand, 1, 256);
      cert = idw_certificate_new_from_der (copy, len, &error);
      if (cert == NULL)
        {
          g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE);
        }
      else
        {
          g_autoptr(GPtrArray) chain = cert_list (cert, NULL);

          g_assert_nonnull (idw_certificate_get_ignored_extensions (cert));
          g_assert_false (idw_x509_validate_chain (chain, anchors, now, now, NULL, &error));
          g_assert_nonnull (error);
        }
    }

  g_rand_free (rand);
}

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
  TestCertOptions options = {
    .ds_usage = TRUE,
    .extensions = {
      { "2.5.29.31", test_bad_crldp, sizeof test_bad_crldp, FALSE },
      { "2.5.29.18", test_bad_ian, sizeof test_bad_ian, FALSE },
    },
  };
  g_autoptr(IdwCertificate) iaca = rules_cert (iaca_key, "CN=Test IACA,C=ZZ", NULL, NULL, &rules_ca);

  /* lf-03: a pinned DS with malformed non-critical extensions is valid. */
  {
    g_autoptr(IdwCertificate) ds = rules_cert (ds_key, "CN=Pinned DS,C=ZZ", iaca, iaca_key, &options);
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
                                                   from, until, &options);
    g_autoptr(GPtrArray) chain = cert_list (ds, NULL);
    g_autoptr(GError) error = NULL;

    g_assert_false (idw_x509_validate_chain (chain, chain, signed_at, now, NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_EXPIRED);
    g_assert_cmpstr (error->message, ==,
                     "The document was signed on 2025-02-01 00:00:00 UTC, after the document "
                     "signer certificate “CN=Expired DS,C=ZZ” expired on 2025-01-01 00:00:00 UTC.");
  }
}

/* x5chain */

static cbor_item_t *
bstr_of (IdwCertificate *cert)
{
  g_autoptr(GBytes) der = idw_certificate_get_der (cert);
  gsize len;
  const guint8 *data = g_bytes_get_data (der, &len);

  return cbor_build_bytestring (data, len);
}

static cbor_item_t *
array_of (cbor_item_t *item,
          guint        count)
{
  cbor_item_t *array = cbor_new_definite_array (count);

  for (guint i = 0; i < count; i++)
    g_assert_true (cbor_array_push (array, item));
  return array;
}

static void
test_x5chain_parse (void)
{
  g_autoptr(IdwCertificate) ds = load_annexd_ds ();
  g_autoptr(cbor_item_t) single = bstr_of (ds);
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(GPtrArray) chain = idw_x5chain_parse (single, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (chain->len, ==, 1);
    g_assert_true (idw_certificate_equal (g_ptr_array_index (chain, 0), ds));
  }

  for (guint count = 0; count <= 5; count++)
    {
      g_autoptr(cbor_item_t) array = array_of (single, count);
      g_autoptr(GPtrArray) chain = idw_x5chain_parse (array, &error);

      if (count == 0)
        {
          g_assert_null (chain);
          g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
        }
      else if (count > IDW_MAX_X5CHAIN)
        {
          g_assert_null (chain);
          g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
        }
      else
        {
          g_assert_no_error (error);
          g_assert_cmpuint (chain->len, ==, count);
          for (guint i = 0; i < count; i++)
            g_assert_true (idw_certificate_equal (g_ptr_array_index (chain, i), ds));
        }
      g_clear_error (&error);
    }

  /* An indefinite-length byte string in two chunks. */
  {
    g_autoptr(GBytes) der = idw_certificate_get_der (ds);
    gsize len;
    const guint8 *data = g_bytes_get_data (der, &len);
    g_autoptr(cbor_item_t) chunked = cbor_new_indefinite_bytestring ();
    g_autoptr(cbor_item_t) first = cbor_build_bytestring (data, 100);
    g_autoptr(cbor_item_t) second = cbor_build_bytestring (data + 100, len - 100);
    g_autoptr(GPtrArray) chain = NULL;

    g_assert_true (cbor_bytestring_add_chunk (chunked, first));
    g_assert_true (cbor_bytestring_add_chunk (chunked, second));
    chain = idw_x5chain_parse (chunked, &error);
    g_assert_no_error (error);
    g_assert_true (idw_certificate_equal (g_ptr_array_index (chain, 0), ds));
  }
}

static void
test_x5chain_wrong_types (void)
{
  g_autoptr(IdwCertificate) ds = load_annexd_ds ();
  g_autoptr(cbor_item_t) good = bstr_of (ds);
  g_autoptr(cbor_item_t) text = cbor_build_string ("MIIB...");
  g_autoptr(cbor_item_t) number = cbor_build_uint8 (33);
  g_autoptr(cbor_item_t) map = cbor_new_definite_map (0);
  g_autoptr(cbor_item_t) tagged = cbor_build_tag (24, good);
  g_autoptr(cbor_item_t) garbage = cbor_build_bytestring ((const guint8 *) "\x30\x03\x02\x01\x01", 5);
  g_autoptr(cbor_item_t) mixed = cbor_new_definite_array (2);
  g_autoptr(cbor_item_t) nested = cbor_new_definite_array (1);
  g_autoptr(cbor_item_t) with_garbage = cbor_new_definite_array (2);
  g_autoptr(GError) error = NULL;
  cbor_item_t *wrong[] = { text, number, map, tagged };

  for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_assert_null (idw_x5chain_parse (wrong[i], &error));
      g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE);
      g_clear_error (&error);
    }

  g_assert_true (cbor_array_push (mixed, good));
  g_assert_true (cbor_array_push (mixed, number));
  g_assert_null (idw_x5chain_parse (mixed, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE);
  g_assert_cmpstr (error->message, ==, "x5chain[1]: expected a byte string");
  g_clear_error (&error);

  g_assert_true (cbor_array_push (nested, mixed));
  g_assert_null (idw_x5chain_parse (nested, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE);
  g_clear_error (&error);

  g_assert_null (idw_x5chain_parse (garbage, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE);
  g_clear_error (&error);

  g_assert_true (cbor_array_push (with_garbage, good));
  g_assert_true (cbor_array_push (with_garbage, garbage));
  g_assert_null (idw_x5chain_parse (with_garbage, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE);
  g_assert_true (g_str_has_prefix (error->message, "x5chain[1]: "));
  g_clear_error (&error);

  g_assert_null (idw_x5chain_parse (NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD);
}

/* Garbage */

static void
expect_bad_certificate (const guint8 *data,
                        gsize         len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCertificate) cert = idw_certificate_new_from_data (data, len, &error);

  g_assert_null (cert);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE);
}

static void
test_garbage (void)
{
  g_autoptr(IdwCertificate) ds = load_annexd_ds ();
  g_autoptr(GBytes) der = idw_certificate_get_der (ds);
  gsize len;
  const guint8 *data = g_bytes_get_data (der, &len);
  g_autofree guint8 *longer = g_malloc (len + 1);
  const char *bad_pem = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
  const char *no_cert_pem = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
  guint8 random_bytes[512];
  GRand *rand = g_rand_new_with_seed (18013);

  expect_bad_certificate ((const guint8 *) "", 0);
  expect_bad_certificate ((const guint8 *) "hello", 5);
  expect_bad_certificate ((const guint8 *) "\x30\x00", 2);
  expect_bad_certificate ((const guint8 *) "\x30\x80\x00\x00", 4);
  expect_bad_certificate ((const guint8 *) "\x30\x84\xff\xff\xff\xff", 6);
  expect_bad_certificate ((const guint8 *) bad_pem, strlen (bad_pem));
  expect_bad_certificate ((const guint8 *) no_cert_pem, strlen (no_cert_pem));

  /* Every truncation. */
  for (gsize cut = 0; cut < len; cut++)
    expect_bad_certificate (data, cut);

  /* A trailing byte. */
  memcpy (longer, data, len);
  longer[len] = 0;
  expect_bad_certificate (longer, len + 1);

  /* Random bytes, with and without a plausible header. */
  for (guint round = 0; round < 200; round++)
    {
      gsize n = g_rand_int_range (rand, 1, sizeof random_bytes);

      for (gsize i = 0; i < n; i++)
        random_bytes[i] = (guint8) g_rand_int_range (rand, 0, 256);
      if (round % 2 == 0 && n > 4)
        {
          random_bytes[0] = 0x30;
          random_bytes[1] = 0x82;
          random_bytes[2] = (guint8) ((n - 4) >> 8);
          random_bytes[3] = (guint8) ((n - 4) & 0xff);
        }
      expect_bad_certificate (random_bytes, n);
    }

  /* Every single-byte change parses or fails cleanly, never crashes; the
   * ones that parse still give sane answers. */
  for (gsize at = 0; at < len; at++)
    {
      g_autofree guint8 *copy = g_memdup2 (data, len);
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwCertificate) cert = NULL;

      copy[at] ^= (guint8) g_rand_int_range (rand, 1, 256);
      cert = idw_certificate_new_from_der (copy, len, &error);
      if (cert == NULL)
        {
          g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE);
        }
      else
        {
          g_autofree char *subject = idw_certificate_get_subject (cert);
          g_autofree char *cn = idw_certificate_get_common_name (cert);
          g_autoptr(IdwKey) key = idw_certificate_get_public_key (cert, &error);

          g_assert_nonnull (subject);
          g_assert_true (cn == NULL || g_utf8_validate (cn, -1, NULL));
          g_assert_true ((key == NULL) == (error != NULL));
          (void) idw_certificate_is_test_issuer (cert);
        }
    }

  g_rand_free (rand);
}

static void
test_file_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("idw-x509-XXXXXX", &error);
  g_autofree char *empty = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);

  g_assert_null (idw_certificate_new_from_file ("/nonexistent/idw/cert.pem", &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_IO);
  g_clear_error (&error);

  empty = g_build_filename (dir, "empty.pem", NULL);
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_null (idw_certificate_new_from_file (empty, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE);
  g_clear_error (&error);

  text = g_build_filename (dir, "text.pem", NULL);
  g_assert_true (g_file_set_contents (text, "not a certificate\n", -1, NULL));
  g_assert_null (idw_certificate_new_from_file (text, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE);
  g_clear_error (&error);

  g_assert_cmpint (g_remove (empty), ==, 0);
  g_assert_cmpint (g_remove (text), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/x509/annexd/parse", test_annexd_parse);
  g_test_add_func ("/x509/annexd/pem-der", test_annexd_pem_der);
  g_test_add_func ("/x509/annexd/pinned-valid", test_annexd_pinned_valid);
  g_test_add_func ("/x509/annexd/expired", test_annexd_expired);
  g_test_add_func ("/x509/annexd/not-yet-valid", test_annexd_not_yet_valid);
  g_test_add_func ("/x509/annexd/signed-outside", test_annexd_signed_outside);
  g_test_add_func ("/x509/annexd/untrusted", test_annexd_untrusted);
  g_test_add_func ("/x509/issuer/create", test_issuer_create);
  g_test_add_func ("/x509/issuer/validate", test_issuer_validate);
  g_test_add_func ("/x509/issuer/other-iaca", test_issuer_other_iaca);
  g_test_add_func ("/x509/issuer/tampered", test_issuer_tampered);
  g_test_add_func ("/x509/issuer/times", test_issuer_times);
  g_test_add_func ("/x509/issuer/expired-root", test_issuer_expired_root);
  g_test_add_func ("/x509/issuer/test-marker", test_issuer_test_marker);
  g_test_add_func ("/x509/issuer/marker-exact", test_issuer_marker_exact);
  g_test_add_func ("/x509/issuer/bad-input", test_issuer_bad_input);
  g_test_add_func ("/x509/issuer/not-ca", test_issuer_not_ca);
  g_test_add_func ("/x509/issuer/impostor", test_impostor);
  g_test_add_func ("/x509/key/pem-round-trip", test_key_pem_round_trip);
  g_test_add_func ("/x509/key/pem-bad", test_key_pem_bad);
  g_test_add_func ("/x509/public-key/curves", test_public_key_curves);
  g_test_add_func ("/x509/public-key/unsupported", test_public_key_unsupported);
  g_test_add_func ("/x509/name-not-utf8", test_name_not_utf8);
  g_test_add_func ("/x509/chain/ecdsa", test_ecdsa_chain);
  g_test_add_func ("/x509/extensions/ignored", test_extensions_ignored);
  g_test_add_func ("/x509/extensions/critical", test_extensions_critical);
  g_test_add_func ("/x509/extensions/unreadable-usage", test_extensions_unreadable_usage);
  g_test_add_func ("/x509/extensions/duplicate", test_extensions_duplicate);
  g_test_add_func ("/x509/der/oid", test_der_oid);
  g_test_add_func ("/x509/der/tlv", test_der_tlv);
  g_test_add_func ("/x509/der/mutations", test_der_mutations);
  g_test_add_func ("/x509/rules/pinned-ca", test_rules_pinned_ca);
  g_test_add_func ("/x509/rules/ca-as-signer", test_rules_ca_as_signer);
  g_test_add_func ("/x509/rules/document-signer", test_rules_document_signer);
  g_test_add_func ("/x509/rules/path-length", test_rules_path_length);
  g_test_add_func ("/x509/rules/issuer-ca", test_rules_issuer_ca);
  g_test_add_func ("/x509/rules/tampered-under-intermediate", test_rules_tampered_under_intermediate);
  g_test_add_func ("/x509/rules/insecure-algorithm", test_rules_insecure_algorithm);
  g_test_add_func ("/x509/rules/pinned-like-real-ones", test_rules_pinned_like_real_ones);
  g_test_add_func ("/x509/x5chain/parse", test_x5chain_parse);
  g_test_add_func ("/x509/x5chain/wrong-types", test_x5chain_wrong_types);
  g_test_add_func ("/x509/garbage", test_garbage);
  g_test_add_func ("/x509/file-errors", test_file_errors);

  return g_test_run ();
}
