/* hostile-cert-util.h: a certificate the engine would never make, for tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

static inline void
test_set_dn_attribute (gnutls_x509_crt_t  crt,
                       const char        *oid,
                       const char        *value)
{
  if (value != NULL)
    g_assert_cmpint (gnutls_x509_crt_set_dn_by_oid (crt, oid, 0, value, (unsigned int) strlen (value)), ==, 0);
}

/**
 * test_make_hostile_ds:
 * @country: (nullable): the subject's countryName
 * @organization: (nullable): its organizationName
 * @locality: (nullable): its localityName
 * @common_name: (nullable): its commonName
 * @out_cert_pem: (out): the certificate, PEM
 * @out_key_pem: (out): its Ed25519 private key, PKCS #8 PEM
 *
 * A self-signed Ed25519 document signer certificate (to pin as a trust
 * anchor), valid from yesterday for two years, whose subject says whatever
 * it is given, bytes that are not UTF-8 included: `issuer init` and
 * idw_x509_create_issuer() refuse control characters, an attacker's
 * certificate does not.
 */
static inline void
test_make_hostile_ds (const char  *country,
                      const char  *organization,
                      const char  *locality,
                      const char  *common_name,
                      char       **out_cert_pem,
                      char       **out_key_pem)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_x509_privkey_t key = NULL;
  gnutls_datum_t pem = { NULL, 0 };
  const guint8 serial[] = { 0x42, 0x17 };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (key, GNUTLS_PK_EDDSA_ED25519, 0, 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_version (crt, 3), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_activation_time (crt, (time_t) (now - 86400)), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_expiration_time (crt, (time_t) (now + 2 * 365 * 86400)), ==, 0);
  test_set_dn_attribute (crt, GNUTLS_OID_X520_COUNTRY_NAME, country);
  test_set_dn_attribute (crt, GNUTLS_OID_X520_ORGANIZATION_NAME, organization);
  test_set_dn_attribute (crt, GNUTLS_OID_X520_LOCALITY_NAME, locality);
  test_set_dn_attribute (crt, GNUTLS_OID_X520_COMMON_NAME, common_name);
  g_assert_cmpint (gnutls_x509_crt_set_key (crt, key), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_basic_constraints (crt, 0, -1), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA512, 0), ==, 0);

  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &pem), ==, 0);
  *out_cert_pem = g_strndup ((const char *) pem.data, pem.size);
  gnutls_free (pem.data);

  g_assert_cmpint (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                                      GNUTLS_PKCS_PLAIN, &pem), ==, 0);
  *out_key_pem = g_strndup ((const char *) pem.data, pem.size);
  gnutls_free (pem.data);

  gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);
}
