/* test-x509-extensions.c: certificate extensions (RFC 5280 §4.2): ignored,
 * critical, unreadable, duplicated; and the DER reader behind them
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

/* Trust rules: certificates under a test IACA, each breaking one rule */

static void
test_extensions_ignored (void)
{
  /* lf-03's case: a DS whose non-critical IssuerAltName and
   * CRLDistributionPoints are double-wrapped, signed by an IACA. */
  g_auto(gnutls_x509_privkey_t) iaca_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_auto(gnutls_x509_privkey_t) ds_key = make_ec_key (GNUTLS_ECC_CURVE_SECP256R1);
  g_autoptr(IdwCertificate) iaca = rules_cert (iaca_key, "CN=Utopia IACA,C=UT", NULL, NULL, &rules_ca);
  g_autoptr(IdwCertificate) ds = rules_cert (ds_key, "CN=Utopia DS,C=UT", iaca, iaca_key, &test_ds_bad_extensions);
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
  g_autoptr(IdwCertificate) iaca = rules_cert (iaca_key, "CN=Utopia IACA,C=UT", NULL, NULL, &rules_ca);
  g_autoptr(IdwCertificate) ds = rules_cert (ds_key, "CN=Utopia DS,C=UT", iaca, iaca_key, &test_ds_bad_extensions);
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

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/x509/extensions/ignored", test_extensions_ignored);
  g_test_add_func ("/x509/extensions/critical", test_extensions_critical);
  g_test_add_func ("/x509/extensions/unreadable-usage", test_extensions_unreadable_usage);
  g_test_add_func ("/x509/extensions/duplicate", test_extensions_duplicate);
  g_test_add_func ("/x509/der/oid", test_der_oid);
  g_test_add_func ("/x509/der/tlv", test_der_tlv);
  g_test_add_func ("/x509/der/mutations", test_der_mutations);

  return g_test_run ();
}
