/* x509-test-util.h: certificates made with GnuTLS for the trust tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * make_test_cert() builds certificates the issuer code never makes (other
 * key types, intermediates, missing or malformed extensions), so that each
 * trust rule can be broken on its own.
 */
#pragma once

#include <string.h>

#include <glib.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "idw-error.h"
#include "idw-x509.h"

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_privkey_t, gnutls_x509_privkey_deinit, NULL)

#define TEST_OID_MDL_DS      "1.0.18013.5.1.2"
#define TEST_OID_SERVER_AUTH "1.3.6.1.5.5.7.3.1"

/* An IssuerAltName as lf-03's DS certificate has it: the GeneralName
 * wrapped in an OCTET STRING instead of a GeneralNames SEQUENCE. */
static const guint8 test_bad_ian[] = {
  0x04, 0x16, 0x86, 0x14,
  'h', 't', 't', 'p', 's', ':', '/', '/',
  'u', 't', 'o', 'p', 'i', 'a', '.', 't', 'e', 's', 't', '/',
};

/* CRLDistributionPoints, double-wrapped the same way. */
static const guint8 test_bad_crldp[] = {
  0x04, 0x1f, 0x30, 0x1d, 0x30, 0x1b, 0xa0, 0x19, 0xa0, 0x17, 0x86, 0x15,
  'h', 't', 't', 'p', 's', ':', '/', '/',
  'u', 't', 'o', 'p', 'i', 'a', '.', 't', 'e', 's', 't', '/', 'c',
};

/* keyUsage as an OCTET STRING instead of a BIT STRING. */
static const guint8 test_bad_key_usage[] = { 0x04, 0x02, 0x07, 0x80 };

/* An extension value for unknown extensions: NULL. */
static const guint8 test_null_value[] = { 0x05, 0x00 };

typedef struct
{
  const char   *oid;
  const guint8 *value;     /* extnValue contents, as raw DER */
  gsize         len;
  gboolean      critical;
} TestExtension;

typedef struct
{
  gboolean      ca;                   /* keyCertSign; with basic_constraints, cA TRUE */
  gboolean      basic_constraints;
  gboolean      has_pathlen;          /* with ca: pathLenConstraint = pathlen */
  int           pathlen;
  gboolean      ds_usage;             /* keyUsage digitalSignature, extendedKeyUsage mdlDS */
  gboolean      no_authority_key_id;
  unsigned int  key_usage;            /* non-zero: exactly this keyUsage instead */
  gboolean      no_key_usage;
  const char   *purpose;              /* set: this extendedKeyUsage purpose instead of mdlDS */
  gboolean      no_purpose;
  TestExtension extensions[3];        /* extra extensions, up to the first without OID */
  gnutls_digest_algorithm_t digest;   /* 0: SHA-256 for ECDSA, none for EdDSA */
  gboolean      v1;                   /* a version 1 certificate: no extensions at all */
} TestCertOptions;

/* lf-03's DS: an mdlDS signer whose non-critical IssuerAltName and
 * CRLDistributionPoints are double-wrapped (GnuTLS alone refuses it). */
static const TestCertOptions test_ds_bad_extensions = {
  .ds_usage = TRUE,
  .extensions = {
    { "2.5.29.31", test_bad_crldp, sizeof test_bad_crldp, FALSE },
    { "2.5.29.18", test_bad_ian, sizeof test_bad_ian, FALSE },
  },
};

static inline GDateTime *
test_utc (const char *iso8601)
{
  GDateTime *datetime = g_date_time_new_from_iso8601 (iso8601, NULL);

  g_assert_nonnull (datetime);
  return datetime;
}

static inline gnutls_x509_privkey_t
make_ec_key (gnutls_ecc_curve_t curve)
{
  gnutls_x509_privkey_t key;

  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                                 GNUTLS_CURVE_TO_BITS (curve), 0), ==, 0);
  return key;
}

static inline gnutls_x509_privkey_t
make_ed25519_key (void)
{
  gnutls_x509_privkey_t key;

  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (key, GNUTLS_PK_EDDSA_ED25519,
                                                 GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_ED25519),
                                                 0), ==, 0);
  return key;
}

static inline gnutls_x509_crt_t
gnutls_crt_from (IdwCertificate *cert)
{
  g_autoptr(GBytes) der = idw_certificate_get_der (cert);
  gnutls_x509_crt_t crt;
  gnutls_datum_t datum;
  gsize len;

  datum.data = (unsigned char *) g_bytes_get_data (der, &len);
  datum.size = (unsigned int) len;
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER), ==, 0);
  return crt;
}

static inline void
set_test_extensions (gnutls_x509_crt_t      crt,
                     gnutls_x509_privkey_t  key,
                     const TestCertOptions *options)
{
  unsigned int usage = options->key_usage;
  int pathlen = options->has_pathlen ? options->pathlen : -1;
  guint8 key_id[64];
  size_t key_id_size = sizeof key_id;

  if (options->basic_constraints)
    g_assert_cmpint (gnutls_x509_crt_set_basic_constraints (crt, options->ca, pathlen), ==, 0);

  if (usage == 0)
    usage = (options->ca ? GNUTLS_KEY_KEY_CERT_SIGN : 0)
            | (options->ds_usage ? GNUTLS_KEY_DIGITAL_SIGNATURE : 0);
  if (usage != 0 && !options->no_key_usage)
    g_assert_cmpint (gnutls_x509_crt_set_key_usage (crt, usage), ==, 0);

  if (options->purpose != NULL || (options->ds_usage && !options->no_purpose))
    g_assert_cmpint (gnutls_x509_crt_set_key_purpose_oid (crt, options->purpose != NULL
                                                               ? options->purpose
                                                               : TEST_OID_MDL_DS, 0), ==, 0);

  g_assert_cmpint (gnutls_x509_privkey_get_key_id (key, 0, key_id, &key_id_size), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_subject_key_id (crt, key_id, key_id_size), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (options->extensions); i++)
    {
      const TestExtension *ext = &options->extensions[i];

      if (ext->oid == NULL)
        break;

      g_assert_cmpint (gnutls_x509_crt_set_extension_by_oid (crt, ext->oid, ext->value, ext->len,
                                                             ext->critical), ==, 0);
    }
}

/* Makes a certificate with GnuTLS directly. @issuer NULL: self-signed. */
static inline IdwCertificate *
make_test_cert (gnutls_x509_privkey_t  key,
                const char            *dn,
                IdwCertificate        *issuer,
                gnutls_x509_privkey_t  issuer_key,
                GDateTime             *not_before,
                GDateTime             *not_after,
                const TestCertOptions *options)
{
  g_auto(gnutls_x509_crt_t) crt = NULL;
  g_auto(gnutls_x509_crt_t) issuer_crt = NULL;
  g_autoptr(GError) error = NULL;
  gnutls_x509_privkey_t signing_key = issuer != NULL ? issuer_key : key;
  gnutls_digest_algorithm_t digest = options->digest;
  gnutls_datum_t der = { NULL, 0 };
  guint8 serial[16];
  IdwCertificate *cert;

  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_version (crt, options->v1 ? 1 : 3), ==, 0);
  for (guint i = 0; i < sizeof serial; i++)
    serial[i] = (guint8) g_random_int_range (0, 256);
  serial[0] = 0x42;
  g_assert_cmpint (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_activation_time (crt, g_date_time_to_unix (not_before)), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_expiration_time (crt, g_date_time_to_unix (not_after)), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_dn (crt, dn, NULL), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key (crt, key), ==, 0);
  if (!options->v1)
    set_test_extensions (crt, key, options);

  if (digest == 0 && gnutls_x509_privkey_get_pk_algorithm (signing_key) == GNUTLS_PK_ECDSA)
    digest = GNUTLS_DIG_SHA256;

  if (issuer != NULL)
    {
      issuer_crt = gnutls_crt_from (issuer);
      if (!options->no_authority_key_id && !options->v1)
        {
          guint8 key_id[64];
          size_t key_id_size = sizeof key_id;

          g_assert_cmpint (gnutls_x509_privkey_get_key_id (issuer_key, 0, key_id, &key_id_size), ==, 0);
          g_assert_cmpint (gnutls_x509_crt_set_authority_key_id (crt, key_id, key_id_size), ==, 0);
        }
      g_assert_cmpint (gnutls_x509_crt_sign2 (crt, issuer_crt, issuer_key, digest, 0), ==, 0);
    }
  else
    {
      g_assert_cmpint (gnutls_x509_crt_sign2 (crt, crt, key, digest, 0), ==, 0);
    }

  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der), ==, 0);
  cert = idw_certificate_new_from_der (der.data, der.size, &error);
  gnutls_free (der.data);
  g_assert_no_error (error);
  return cert;
}

static inline GPtrArray *
cert_list (IdwCertificate *first,
           ...)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_certificate_unref);
  va_list args;

  va_start (args, first);
  for (IdwCertificate *cert = first; cert != NULL; cert = va_arg (args, IdwCertificate *))
    g_ptr_array_add (list, idw_certificate_ref (cert));
  va_end (args);

  return list;
}

/* A certificate whose DER has one byte changed at @offset (counted from
 * the end when negative). */
static inline IdwCertificate *
tampered_copy (IdwCertificate *cert,
               gssize          offset,
               GError        **error)
{
  g_autoptr(GBytes) der = idw_certificate_get_der (cert);
  gsize len;
  const guint8 *data = g_bytes_get_data (der, &len);
  g_autofree guint8 *copy = g_memdup2 (data, len);
  gsize at = offset < 0 ? len + offset : (gsize) offset;

  g_assert_cmpuint (at, <, len);
  copy[at] ^= 0x01;
  return idw_certificate_new_from_der (copy, len, error);
}

/* Where @needle first occurs in @cert's DER. */
static inline gsize
der_offset_of (IdwCertificate *cert,
               const guint8   *needle,
               gsize           needle_len)
{
  g_autoptr(GBytes) der = idw_certificate_get_der (cert);
  gsize len;
  const guint8 *data = g_bytes_get_data (der, &len);

  for (gsize i = 0; i + needle_len <= len; i++)
    {
      if (memcmp (data + i, needle, needle_len) == 0)
        return i;
    }

  g_assert_not_reached ();
  return 0;
}
