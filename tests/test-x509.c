/* test-x509.c: certificates: the ISO 18013-5 Annex D certificate, public
 * keys, names, x5chain, garbage and unreadable files
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

#define ANNEXD_DS_FINGERPRINT "b79798ebbc0cafb406683b60a75ad78df735bc3535e31151db0e2dfc4bb98d3b"
#define ANNEXD_DS_PUBLIC_KEY                                              \
  "04ace7ab7340e5d9648c5a72a9a6f56745c7aad436a03a43efea77b5fa7b88f019"    \
  "7d57d8983e1b37d3a539f4d588365e38cbbf5b94d68c547b5bc8731dcd2f146b"
#define ANNEXD_MSO_SIGNED "2020-10-01T13:30:02Z"

/* Helpers */

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
load_data_cert (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "x509", name, NULL);
  g_autoptr(GError) error = NULL;
  IdwCertificate *cert = idw_certificate_new_from_file (path, &error);

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

/* Found by tests/fuzz/fuzz-x509: a commonName that is a UniversalString
 * (UCS-4) holding a value that is no Unicode code point came out of
 * iconv as bytes that are not UTF-8. Such a value cannot be shown
 * faithfully: the getter says there is none, and the subject shows the
 * stray bytes escaped. */
static void
test_universal_string_not_unicode (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "x509",
                                                 "cn-universalstring-not-utf8.der", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCertificate) cert = idw_certificate_new_from_file (path, &error);
  g_autofree char *common_name = NULL;
  g_autofree char *subject = NULL;

  g_assert_no_error (error);
  common_name = idw_certificate_get_common_name (cert);
  g_assert_null (common_name);
  subject = idw_certificate_get_subject (cert);
  g_assert_true (g_utf8_validate (subject, -1, NULL));
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
  g_test_add_func ("/x509/public-key/curves", test_public_key_curves);
  g_test_add_func ("/x509/public-key/unsupported", test_public_key_unsupported);
  g_test_add_func ("/x509/name-not-utf8", test_name_not_utf8);
  g_test_add_func ("/x509/universal-string-not-unicode", test_universal_string_not_unicode);
  g_test_add_func ("/x509/x5chain/parse", test_x5chain_parse);
  g_test_add_func ("/x509/x5chain/wrong-types", test_x5chain_wrong_types);
  g_test_add_func ("/x509/garbage", test_garbage);
  g_test_add_func ("/x509/file-errors", test_file_errors);

  return g_test_run ();
}
