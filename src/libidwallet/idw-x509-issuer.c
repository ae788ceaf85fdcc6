/* idw-x509-issuer.c: the issuer side: an IACA root and a document signer
 * certificate it signs (ECDSA P-256 or P-384, or Ed25519), following
 * ISO/IEC 18013-5 Annex B
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <sodium.h>

#include "idw-error.h"
#include "idw-x509-issuer.h"
#include "idw-x509-private.h"

#define IDW_SERIAL_LENGTH 16

/* X.520 ub-common-name and ub-organization-name are 64 characters; the
 * CN is "NAME IACA". */
#define IDW_ISSUER_NAME_MAX 59

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_privkey_t, gnutls_x509_privkey_deinit, NULL)

/* gnutls-allocated output that holds key material. */
typedef gnutls_datum_t IdwSecretDatum;

static void
idw_secret_datum_clear (IdwSecretDatum *datum)
{
  if (datum->data != NULL)
    sodium_memzero (datum->data, datum->size);
  gnutls_free (datum->data);
  datum->data = NULL;
  datum->size = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (IdwSecretDatum, idw_secret_datum_clear)

static gboolean
validate_issuer_name (const char  *name,
                      const char  *country,
                      GError     **error)
{
  glong length;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("The issuer name is not valid UTF-8 text."));
      return FALSE;
    }

  length = g_utf8_strlen (name, -1);
  if (length == 0 || length > IDW_ISSUER_NAME_MAX)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("The issuer name must have 1 to %d characters."), IDW_ISSUER_NAME_MAX);
      return FALSE;
    }

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                       _("The issuer name must not contain control characters."));
          return FALSE;
        }
    }

  if (country == NULL || strlen (country) != 2
      || !g_ascii_isupper (country[0]) || !g_ascii_isupper (country[1]))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("The country must be a two-letter ISO 3166 code in capitals, such as “DE”."));
      return FALSE;
    }

  return TRUE;
}

static gboolean
set_subject (gnutls_x509_crt_t   crt,
             const char         *common_name,
             const char         *organization,
             const char         *country,
             gboolean            test,
             GError            **error)
{
  int ret;

  /* Encoded C, O, [OU,] CN, so that the RFC 4514 string reads
   * "CN=…,[OU=…,]O=…,C=…". */
  ret = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COUNTRY_NAME, 0,
                                       country, (unsigned int) strlen (country));
  if (!_idw_certificate_check_gnutls (ret, "gnutls_x509_crt_set_dn_by_oid", error))
    return FALSE;

  ret = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0,
                                       organization, (unsigned int) strlen (organization));
  if (!_idw_certificate_check_gnutls (ret, "gnutls_x509_crt_set_dn_by_oid", error))
    return FALSE;

  if (test)
    {
      ret = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME, 0,
                                           IDW_TEST_ISSUER_OU, strlen (IDW_TEST_ISSUER_OU));
      if (!_idw_certificate_check_gnutls (ret, "gnutls_x509_crt_set_dn_by_oid", error))
        return FALSE;
    }

  ret = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                       common_name, (unsigned int) strlen (common_name));
  return _idw_certificate_check_gnutls (ret, "gnutls_x509_crt_set_dn_by_oid", error);
}

static gboolean
set_random_serial (gnutls_x509_crt_t   crt,
                   GError            **error)
{
  guint8 serial[IDW_SERIAL_LENGTH];
  int ret;

  ret = gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial);
  if (!_idw_certificate_check_gnutls (ret, "gnutls_rnd", error))
    return FALSE;

  /* Positive, and no leading zero byte, so it stays 16 bytes long. */
  serial[0] = (serial[0] & 0x7f) | 0x40;

  ret = gnutls_x509_crt_set_serial (crt, serial, sizeof serial);
  return _idw_certificate_check_gnutls (ret, "gnutls_x509_crt_set_serial", error);
}

/* The key type and the hash of the certificate signatures for @alg:
 * ecdsa-with-SHA256 on P-256 and ecdsa-with-SHA384 on P-384 (ISO 18013-5
 * Table B.1 pairs each curve with its hash); Ed25519 signs the whole
 * message. */
static gboolean
alg_parameters (IdwCoseAlg                  alg,
                gnutls_pk_algorithm_t      *out_pk,
                gnutls_ecc_curve_t         *out_curve,
                gnutls_digest_algorithm_t  *out_digest,
                GError                    **error)
{
  switch (alg)
    {
    case IDW_COSE_ALG_ES256:
      *out_pk = GNUTLS_PK_ECDSA;
      *out_curve = GNUTLS_ECC_CURVE_SECP256R1;
      *out_digest = GNUTLS_DIG_SHA256;
      return TRUE;
    case IDW_COSE_ALG_ES384:
      *out_pk = GNUTLS_PK_ECDSA;
      *out_curve = GNUTLS_ECC_CURVE_SECP384R1;
      *out_digest = GNUTLS_DIG_SHA384;
      return TRUE;
    case IDW_COSE_ALG_EDDSA:
      *out_pk = GNUTLS_PK_EDDSA_ED25519;
      *out_curve = GNUTLS_ECC_CURVE_ED25519;
      *out_digest = GNUTLS_DIG_UNKNOWN;
      return TRUE;
    case IDW_COSE_ALG_ES512:
    default:
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("An issuer cannot sign with %s; choose ES256, ES384 or EdDSA."),
                   idw_key_alg_to_string (alg) != NULL ? idw_key_alg_to_string (alg) : "?");
      return FALSE;
    }
}

static gboolean
generate_key (gnutls_pk_algorithm_t    pk,
              gnutls_ecc_curve_t       curve,
              gnutls_x509_privkey_t   *out_key,
              GError                 **error)
{
  g_auto(gnutls_x509_privkey_t) key = NULL;
  int ret;

  ret = gnutls_x509_privkey_init (&key);
  if (!_idw_certificate_check_gnutls (ret, "gnutls_x509_privkey_init", error))
    return FALSE;

  ret = gnutls_x509_privkey_generate (key, pk, GNUTLS_CURVE_TO_BITS (curve), 0);
  if (!_idw_certificate_check_gnutls (ret, "gnutls_x509_privkey_generate", error))
    return FALSE;

  *out_key = g_steal_pointer (&key);
  return TRUE;
}

static char *
export_key_pem (gnutls_x509_privkey_t   key,
                GError                **error)
{
  g_auto(IdwSecretDatum) pem = { NULL, 0 };
  int ret;

  ret = gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                           GNUTLS_PKCS_PLAIN, &pem);
  if (!_idw_certificate_check_gnutls (ret, "gnutls_x509_privkey_export2_pkcs8", error))
    return NULL;

  return g_strndup ((const char *) pem.data, pem.size);
}

/* Builds and signs one certificate. @issuer_crt and @issuer_key are NULL
 * for a self-signed one. Returns it parsed back from its DER encoding
 * (GnuTLS wants a freshly signed certificate re-imported before use). */
static IdwCertificate *
make_certificate (gnutls_x509_privkey_t       key,
                  const char                 *common_name,
                  const char                 *organization,
                  const char                 *country,
                  gboolean                    test,
                  GDateTime                  *not_before,
                  gint                        years,
                  gboolean                    is_ca,
                  IdwCertificate             *issuer,
                  gnutls_x509_privkey_t       issuer_key,
                  gnutls_digest_algorithm_t   digest,
                  GError                    **error)
{
  g_auto(gnutls_x509_crt_t) crt = NULL;
  g_auto(IdwGnutlsDatum) der = { NULL, 0 };
  g_autoptr(GDateTime) not_after = g_date_time_add_years (not_before, years);
  guint8 key_id[64];
  size_t key_id_size = sizeof key_id;
  int ret;

  ret = gnutls_x509_crt_init (&crt);
  if (!_idw_certificate_check_gnutls (ret, "gnutls_x509_crt_init", error))
    return NULL;

  ret = gnutls_x509_crt_set_version (crt, 3);
  if (!_idw_certificate_check_gnutls (ret, "gnutls_x509_crt_set_version", error))
    return NULL;

  if (!set_random_serial (crt, error))
    return NULL;

  ret = gnutls_x509_crt_set_activation_time (crt, (time_t) g_date_time_to_unix (not_before));
  if (!_idw_certificate_check_gnutls (ret, "gnutls_x509_crt_set_activation_time", error))
    return NULL;

  ret = gnutls_x509_crt_set_expiration_time (crt, (time_t) g_date_time_to_unix (not_after));
  if (!_idw_certificate_check_gnutls (ret, "gnutls_x509_crt_set_expiration_time", error))
    return NULL;

  if (!set_subject (crt, common_name, organization, country, test, error))
    return NULL;

  ret = gnutls_x509_crt_set_key (crt, key);
  if (!_idw_certificate_check_gnutls (ret, "gnutls_x509_crt_set_key", error))
    return NULL;

  if (is_ca)
    {
      /* ISO 18013-5 Table B.1: CA, path length 0 (DS certificates only). */
      ret = gnutls_x509_crt_set_basic_constraints (crt, 1, 0);
      if (!_idw_certificate_check_gnutls (ret, "gnutls_x509_crt_set_basic_constraints", error))
        return NULL;

      ret = gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN);
      if (!_idw_certificate_check_gnutls (ret, "gnutls_x509_crt_set_key_usage", error))
        return NULL;
    }
  else
    {
      ret = gnutls_x509_crt_set_basic_constraints (crt, 0, -1);
      if (!_idw_certificate_check_gnutls (ret, "gnutls_x509_crt_set_basic_constraints", error))
        return NULL;

      ret = gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE);
      if (!_idw_certificate_check_gnutls (ret, "gnutls_x509_crt_set_key_usage", error))
        return NULL;

      ret = gnutls_x509_crt_set_key_purpose_oid (crt, IDW_OID_MDL_DS, 1);
      if (!_idw_certificate_check_gnutls (ret, "gnutls_x509_crt_set_key_purpose_oid", error))
        return NULL;
    }

  ret = gnutls_x509_privkey_get_key_id (key, GNUTLS_KEYID_USE_SHA1, key_id, &key_id_size);
  if (!_idw_certificate_check_gnutls (ret, "gnutls_x509_privkey_get_key_id", error))
    return NULL;

  ret = gnutls_x509_crt_set_subject_key_id (crt, key_id, key_id_size);
  if (!_idw_certificate_check_gnutls (ret, "gnutls_x509_crt_set_subject_key_id", error))
    return NULL;

  if (issuer != NULL)
    {
      unsigned int critical = 0;

      key_id_size = sizeof key_id;
      ret = gnutls_x509_crt_get_subject_key_id (issuer->crt, key_id, &key_id_size, &critical);
      if (!_idw_certificate_check_gnutls (ret, "gnutls_x509_crt_get_subject_key_id", error))
        return NULL;
    }

  /* For the self-signed IACA this is its own key identifier. */
  ret = gnutls_x509_crt_set_authority_key_id (crt, key_id, key_id_size);
  if (!_idw_certificate_check_gnutls (ret, "gnutls_x509_crt_set_authority_key_id", error))
    return NULL;

  if (issuer != NULL)
    ret = gnutls_x509_crt_sign2 (crt, issuer->crt, issuer_key, digest, 0);
  else
    ret = gnutls_x509_crt_sign2 (crt, crt, key, digest, 0);
  if (!_idw_certificate_check_gnutls (ret, "gnutls_x509_crt_sign2", error))
    return NULL;

  ret = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der);
  if (!_idw_certificate_check_gnutls (ret, "gnutls_x509_crt_export2", error))
    return NULL;

  return idw_certificate_new_from_der (der.data, der.size, error);
}

/**
 * idw_x509_create_issuer:
 * @name: the issuer's name: the organizationName, and the commonName
 *   "@name IACA" / "@name DS"; 1 to 59 characters, no control characters
 * @country: the countryName, two capital letters
 * @alg: the signature algorithm of both keys: %IDW_COSE_ALG_ES256 (P-256,
 *   certificates signed ecdsa-with-SHA256), %IDW_COSE_ALG_ES384 (P-384,
 *   ecdsa-with-SHA384) or %IDW_COSE_ALG_EDDSA (Ed25519)
 * @test: whether to add the test-issuer marker (organizationalUnitName
 *   "ID Wallet Test Issuer") to both subjects
 * @not_before: (nullable): start of validity; %NULL for now
 * @error: return location for a #GError
 *
 * Creates an IACA root with an @alg key (self-signed, CA with path length 0,
 * keyCertSign and cRLSign, valid for 10 years) and a document signer
 * certificate it signs (not a CA, digitalSignature, extended key usage
 * mdlDS 1.0.18013.5.1.2, valid for 3 years), both with random 16-byte
 * serial numbers and subject/authority key identifiers. The keys are
 * unencrypted PKCS#8 PEM; idw_issuer_files_free() wipes them.
 *
 * Returns: (transfer full): the files, or %NULL with %IDW_ERROR_MALFORMED
 *   (bad @name or @country), %IDW_ERROR_UNSUPPORTED (another @alg) or
 *   %IDW_ERROR_FAILED
 */
IdwIssuerFiles *
idw_x509_create_issuer (const char  *name,
                        const char  *country,
                        IdwCoseAlg   alg,
                        gboolean     test,
                        GDateTime   *not_before,
                        GError     **error)
{
  g_auto(gnutls_x509_privkey_t) iaca_key = NULL;
  g_auto(gnutls_x509_privkey_t) ds_key = NULL;
  g_autoptr(IdwCertificate) iaca = NULL;
  g_autoptr(IdwCertificate) ds = NULL;
  g_autoptr(IdwIssuerFiles) files = NULL;
  g_autoptr(GDateTime) start = NULL;
  g_autofree char *iaca_cn = NULL;
  g_autofree char *ds_cn = NULL;
  gnutls_pk_algorithm_t pk;
  gnutls_ecc_curve_t curve;
  gnutls_digest_algorithm_t digest;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!validate_issuer_name (name, country, error))
    return NULL;
  if (!alg_parameters (alg, &pk, &curve, &digest, error))
    return NULL;

  /* Whole seconds: that is what the certificate can hold. */
  if (not_before != NULL)
    start = g_date_time_new_from_unix_utc (g_date_time_to_unix (not_before));
  else
    start = g_date_time_new_from_unix_utc (g_get_real_time () / G_USEC_PER_SEC);

  iaca_cn = g_strdup_printf ("%s IACA", name);
  ds_cn = g_strdup_printf ("%s DS", name);

  if (!generate_key (pk, curve, &iaca_key, error) || !generate_key (pk, curve, &ds_key, error))
    return NULL;

  iaca = make_certificate (iaca_key, iaca_cn, name, country, test, start, 10, TRUE,
                           NULL, NULL, digest, error);
  if (iaca == NULL)
    return NULL;

  ds = make_certificate (ds_key, ds_cn, name, country, test, start, 3, FALSE,
                         iaca, iaca_key, digest, error);
  if (ds == NULL)
    return NULL;

  files = g_new0 (IdwIssuerFiles, 1);
  files->iaca_pem = idw_certificate_to_pem (iaca);
  files->ds_pem = idw_certificate_to_pem (ds);

  files->iaca_key_pem = export_key_pem (iaca_key, error);
  if (files->iaca_key_pem == NULL)
    return NULL;

  files->ds_key_pem = export_key_pem (ds_key, error);
  if (files->ds_key_pem == NULL)
    return NULL;

  return g_steal_pointer (&files);
}

static void
free_secret_string (char *str)
{
  if (str == NULL)
    return;

  sodium_memzero (str, strlen (str));
  g_free (str);
}

/**
 * idw_issuer_files_free:
 * @files: (nullable): issuer files
 *
 * Frees @files, wiping the private keys first.
 */
void
idw_issuer_files_free (IdwIssuerFiles *files)
{
  if (files == NULL)
    return;

  g_free (files->iaca_pem);
  g_free (files->ds_pem);
  free_secret_string (files->iaca_key_pem);
  free_secret_string (files->ds_key_pem);
  g_free (files);
}
