/* test-tpm-attest.c: a credential request's TPM certification, made on a
 * software TPM and checked as an issuer does (idw-tpm-attest.c,
 * docs/formats.md §11.1)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The program's swtpm is manufactured by swtpm_setup with an RSA EK and
 * its certificate from a private CA (tpm-test-util.h), once; a request is
 * then altered field by field and each change must be refused for its own
 * reason. Skipped without swtpm and swtpm-tools.
 */
#include "config.h"

#include <string.h>

#include <cbor.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

#include "idw-cbor.h"
#include "idw-credential-request.h"
#include "idw-error.h"
#include "idw-tpm.h"
#include "tpm-test-util.h"

static SwTpm the_tpm;
static IdwKey *the_key;          /* in the_tpm */
static GDateTime *created;

static void
stop_the_tpm (void)
{
  swtpm_stop (&the_tpm);
}

static IdwCredentialRequest *
certified_request (IdwKey    *key,
                   GDateTime *when)
{
  g_autoptr(GError) error = NULL;
  IdwCredentialRequest *request = idw_credential_request_new_certified (key, when, &error);

  g_assert_no_error (error);
  g_assert_nonnull (request);
  return request;
}

static IdwTpmCaList *
ca_list (const char *first,
         ...)
{
  g_autoptr(IdwTpmCaList) list = idw_tpm_ca_list_new ();
  va_list args;

  va_start (args, first);
  for (const char *path = first; path != NULL; path = va_arg (args, const char *))
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;
      gsize len;

      g_file_get_contents (path, &contents, &len, &error);
      g_assert_no_error (error);
      g_assert_true (idw_tpm_ca_list_add_data (list, (const guint8 *) contents, len, &error));
      g_assert_no_error (error);
    }
  va_end (args);
  return g_steal_pointer (&list);
}

static char *
ca_path (const char *name)
{
  return g_build_filename (the_tpm.ca_dir, name, NULL);
}

/* The request's CBOR with its "tpm" map replaced by @tpm (NULL: removed;
 * taken). */
static GBytes *
with_tpm (IdwCredentialRequest *request,
          cbor_item_t          *tpm)
{
  g_autoptr(GBytes) bytes = idw_credential_request_to_bytes (request);
  g_autoptr(cbor_item_t) map = idw_cbor_decode_bytes (bytes, NULL);
  g_autoptr(cbor_item_t) out = idw_cbor_new_map ();
  struct cbor_pair *pairs = cbor_map_handle (map);

  if (tpm != NULL)
    idw_cbor_map_add_str (out, "tpm", tpm);
  for (gsize i = 0; i < cbor_map_size (map); i++)
    if (!idw_cbor_string_equal (pairs[i].key, "tpm"))
      idw_cbor_map_add (out, cbor_incref (pairs[i].key), cbor_incref (pairs[i].value));
  return idw_cbor_encode (out);
}

static cbor_item_t *
tpm_map (GBytes *attest,
         GBytes *signature,
         GBytes *ak_public,
         GBytes *key_public,
         GBytes *ek_certificate)
{
  cbor_item_t *map = idw_cbor_new_map ();

  idw_cbor_map_add_str (map, "attest", idw_cbor_new_gbytes (attest));
  idw_cbor_map_add_str (map, "akPublic", idw_cbor_new_gbytes (ak_public));
  idw_cbor_map_add_str (map, "keyPublic", idw_cbor_new_gbytes (key_public));
  idw_cbor_map_add_str (map, "signature", idw_cbor_new_gbytes (signature));
  idw_cbor_map_add_str (map, "ekCertificate",
                        ek_certificate != NULL ? idw_cbor_new_gbytes (ek_certificate) : idw_cbor_new_null ());
  return map;
}

static GBytes *
flip (GBytes *bytes,
      gsize   offset,
      guint8  mask)
{
  gsize len = g_bytes_get_size (bytes);
  guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), len);

  g_assert_cmpuint (offset, <, len);
  copy[offset] ^= mask;
  return g_bytes_new_take (copy, len);
}

static GBytes *
slice (GBytes *bytes,
       gsize   len)
{
  return g_bytes_new_from_bytes (bytes, 0, len);
}

static GBytes *
append (GBytes *bytes,
        guint8  extra)
{
  g_autoptr(GByteArray) array = g_byte_array_new ();

  g_byte_array_append (array, g_bytes_get_data (bytes, NULL), (guint) g_bytes_get_size (bytes));
  g_byte_array_append (array, &extra, 1);
  return g_byte_array_free_to_bytes (g_steal_pointer (&array));
}

/* Parses @cbor as a request and checks its certification; the error, or
 * NULL when it holds. */
static GError *
check (GBytes       *cbor,
       IdwTpmCaList *cas,
       GDateTime    *now)
{
  g_autoptr(IdwCredentialRequest) parsed = NULL;
  g_auto(IdwTpmCertificationResult) result = { 0 };
  GError *error = NULL;

  parsed = idw_credential_request_parse (cbor, NULL, &error);
  if (parsed == NULL)
    return error;
  if (!idw_credential_request_verify_tpm (parsed, cas, now, &result, &error))
    return error;
  return NULL;
}

static void
assert_refused (GBytes     *cbor,
                gint        code,
                const char *reason)
{
  g_autoptr(GError) error = check (cbor, NULL, NULL);

  g_assert_nonnull (error);
  if (error->domain != IDW_ERROR || error->code != code || strstr (error->message, reason) == NULL)
    g_error ("expected code %d and “%s”, got %d: %s", code, reason, error->code, error->message);
}

/* Made on the TPM, checked as an issuer: the certification holds, names
 * the EK certificate's issuer, and the same TPM shows the same AK. */
static void
test_request_verifies (void)
{
  g_autoptr(IdwCredentialRequest) request = certified_request (the_key, created);
  g_autoptr(IdwCredentialRequest) second = certified_request (the_key, NULL);
  g_autoptr(IdwCredentialRequest) parsed = NULL;
  g_autoptr(IdwCredentialRequest) parsed_second = NULL;
  g_autoptr(GBytes) cbor = idw_credential_request_to_bytes (request);
  g_autoptr(GBytes) cbor_second = idw_credential_request_to_bytes (second);
  g_autoptr(GBytes) binding = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = idw_credential_request_to_text (request);
  g_auto(IdwTpmCertificationResult) result = { 0 };
  g_auto(IdwTpmCertificationResult) result_second = { 0 };
  IdwTpmCertification *certification;
  IdwTpmAttest attest;

  g_test_message ("A certified request: %zu bytes of CBOR, %zu characters of text",
                  g_bytes_get_size (cbor), strlen (text));

  parsed = idw_credential_request_parse_text (text, NULL, &error);
  g_assert_no_error (error);
  certification = idw_credential_request_get_tpm_certification (parsed);
  g_assert_nonnull (certification);
  g_assert_nonnull (certification->ek_certificate);

  /* extraData is SHA-256 of ["IdWalletTpmCertify", deviceKey, created]. */
  binding = idw_credential_request_get_tpm_binding (parsed);
  g_assert_cmpuint (g_bytes_get_size (binding), ==, 32);
  g_assert_true (idw_tpm_parse_attest (g_bytes_get_data (certification->attest, NULL),
                                       g_bytes_get_size (certification->attest), &attest, &error));
  g_assert_cmpmem (attest.extra_data, attest.extra_data_len, g_bytes_get_data (binding, NULL), 32);

  g_assert_true (idw_credential_request_verify_tpm (parsed, NULL, NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_true (result.ek_present);
  g_assert_false (result.ek_chained);
  g_assert_nonnull (strstr (result.ek_issuer, "swtpm-localca"));

  parsed_second = idw_credential_request_parse (cbor_second, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (idw_credential_request_verify_tpm (parsed_second, NULL, NULL, &result_second, &error));
  g_assert_cmpstr (result.ak_fingerprint, ==, result_second.ak_fingerprint);
}

/* --tpm-ca: the EK certificate chains to the CA that signed it, not to
 * another; it is valid only within its dates. */
static void
test_ek_chain (void)
{
  g_autoptr(IdwCredentialRequest) request = certified_request (the_key, created);
  g_autoptr(GBytes) cbor = idw_credential_request_to_bytes (request);
  g_autofree char *issuer_pem = ca_path ("issuercert.pem");
  g_autofree char *root_pem = ca_path ("swtpm-localca-rootca-cert.pem");
  g_autofree char *other_pem = g_test_build_filename (G_TEST_DIST, "data", "x509", "rsa-cert.pem", NULL);
  g_autoptr(IdwTpmCaList) good = ca_list (root_pem, issuer_pem, NULL);
  g_autoptr(IdwTpmCaList) intermediate = ca_list (issuer_pem, NULL);
  g_autoptr(IdwTpmCaList) root_only = ca_list (root_pem, NULL);
  g_autoptr(IdwTpmCaList) other = ca_list (other_pem, NULL);
  g_autoptr(IdwCredentialRequest) parsed = idw_credential_request_parse (cbor, NULL, NULL);
  g_autoptr(GDateTime) long_ago = g_date_time_new_utc (2000, 1, 1, 0, 0, 0);
  g_autoptr(GDateTime) far_future = g_date_time_new_utc (9999, 12, 31, 0, 0, 0);
  g_autoptr(GError) error = NULL;

  {
    g_auto(IdwTpmCertificationResult) result = { 0 };

    g_assert_true (idw_credential_request_verify_tpm (parsed, good, NULL, &result, &error));
    g_assert_no_error (error);
    g_assert_true (result.ek_chained);
    g_assert_nonnull (strstr (result.ek_anchor, "swtpm-localca"));
  }
  {
    g_auto(IdwTpmCertificationResult) result = { 0 };

    g_assert_true (idw_credential_request_verify_tpm (parsed, intermediate, NULL, &result, &error));
    g_assert_no_error (error);
    g_assert_true (result.ek_chained);
  }

  /* The request carries the EK certificate alone: a root without the
   * intermediate that signed it is no path. */
  error = check (cbor, root_only, NULL);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNTRUSTED);
  g_clear_error (&error);
  error = check (cbor, other, NULL);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNTRUSTED);
  g_assert_nonnull (strstr (error->message, "does not chain"));
  g_clear_error (&error);

  error = check (cbor, good, long_ago);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NOT_YET_VALID);
  g_clear_error (&error);
  /* After notAfter; an EK certificate that never expires (99991231235959Z,
   * as TCG profiles allow) is valid to the end of 9999. */
  {
    IdwTpmCertification *c = idw_credential_request_get_tpm_certification (parsed);
    gnutls_x509_crt_t crt;
    gnutls_datum_t der = { (unsigned char *) g_bytes_get_data (c->ek_certificate, NULL),
                           (unsigned int) g_bytes_get_size (c->ek_certificate) };
    time_t not_after;

    g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
    g_assert_cmpint (gnutls_x509_crt_import (crt, &der, GNUTLS_X509_FMT_DER), ==, 0);
    not_after = gnutls_x509_crt_get_expiration_time (crt);
    gnutls_x509_crt_deinit (crt);
    g_test_message ("The EK certificate expires at %" G_GINT64_FORMAT, (gint64) not_after);
    if ((gint64) not_after < g_date_time_to_unix (far_future))
      {
        g_autoptr(GDateTime) after = g_date_time_new_from_unix_utc ((gint64) not_after + 1);

        error = check (cbor, good, after);
        g_assert_error (error, IDW_ERROR, IDW_ERROR_EXPIRED);
        g_clear_error (&error);
      }
    else
      g_assert_null (check (cbor, good, far_future));
  }

  /* Given CAs, a certification without an EK certificate is refused; one
   * whose certificate is not a certificate too. */
  {
    IdwTpmCertification *c = idw_credential_request_get_tpm_certification (parsed);
    g_autoptr(GBytes) without = with_tpm (request, tpm_map (c->attest, c->signature, c->ak_public,
                                                             c->key_public, NULL));
    g_autoptr(GBytes) junk = g_bytes_new_static ("not a certificate", 17);
    g_autoptr(GBytes) garbage = with_tpm (request, tpm_map (c->attest, c->signature, c->ak_public,
                                                             c->key_public, junk));

    g_assert_null (check (without, NULL, NULL));
    error = check (without, good, NULL);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_UNTRUSTED);
    g_assert_nonnull (strstr (error->message, "no endorsement key certificate"));
    g_clear_error (&error);
    error = check (garbage, good, NULL);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE);
    g_clear_error (&error);
  }
}

/* A CA and an EK certificate made here with GnuTLS, for the dates the
 * swtpm's certificate cannot show (it never expires). */
typedef struct
{
  gnutls_x509_privkey_t key;
  gnutls_x509_crt_t     crt;
} TestCa;

static void
test_ca_make (TestCa *ca)
{
  g_assert_cmpint (gnutls_x509_privkey_init (&ca->key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (ca->key, GNUTLS_PK_ECDSA,
                                                 GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_init (&ca->crt), ==, 0);
  gnutls_x509_crt_set_version (ca->crt, 3);
  gnutls_x509_crt_set_serial (ca->crt, "\x01", 1);
  gnutls_x509_crt_set_dn (ca->crt, "CN=Test TPM Maker CA", NULL);
  gnutls_x509_crt_set_issuer_dn (ca->crt, "CN=Test TPM Maker CA", NULL);
  gnutls_x509_crt_set_activation_time (ca->crt, time (NULL) - 86400 * 10);
  gnutls_x509_crt_set_expiration_time (ca->crt, time (NULL) + 86400 * 365);
  gnutls_x509_crt_set_key (ca->crt, ca->key);
  gnutls_x509_crt_set_basic_constraints (ca->crt, 1, -1);
  gnutls_x509_crt_set_key_usage (ca->crt, GNUTLS_KEY_KEY_CERT_SIGN);
  g_assert_cmpint (gnutls_x509_crt_sign2 (ca->crt, ca->crt, ca->key, GNUTLS_DIG_SHA256, 0), ==, 0);
}

static void
test_ca_clear (TestCa *ca)
{
  gnutls_x509_crt_deinit (ca->crt);
  gnutls_x509_privkey_deinit (ca->key);
}

static GBytes *
test_ca_pem (TestCa *ca)
{
  gnutls_datum_t out = { NULL, 0 };
  GBytes *bytes;

  g_assert_cmpint (gnutls_x509_crt_export2 (ca->crt, GNUTLS_X509_FMT_PEM, &out), ==, 0);
  bytes = g_bytes_new (out.data, out.size);
  gnutls_free (out.data);
  return bytes;
}

/* An EK-like certificate (empty subject, as TCG's) by @ca. */
static GBytes *
test_ek_cert (TestCa *ca,
              time_t  not_before,
              time_t  not_after)
{
  gnutls_x509_privkey_t key;
  gnutls_x509_crt_t crt;
  gnutls_datum_t out = { NULL, 0 };
  GBytes *bytes;

  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                                 GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  gnutls_x509_crt_set_version (crt, 3);
  gnutls_x509_crt_set_serial (crt, "\x02", 1);
  gnutls_x509_crt_set_dn (crt, "CN=Test EK", NULL);
  gnutls_x509_crt_set_activation_time (crt, not_before);
  gnutls_x509_crt_set_expiration_time (crt, not_after);
  gnutls_x509_crt_set_key (crt, key);
  gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_KEY_ENCIPHERMENT);
  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, ca->crt, ca->key, GNUTLS_DIG_SHA256, 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &out), ==, 0);
  bytes = g_bytes_new (out.data, out.size);
  gnutls_free (out.data);
  gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);
  return bytes;
}

/* The EK certificate's validity is judged at the given time: one that
 * expired yesterday is refused; one within its dates chains. */
static void
test_ek_dates (void)
{
  g_autoptr(IdwCredentialRequest) request = certified_request (the_key, created);
  IdwTpmCertification *c = idw_credential_request_get_tpm_certification (request);
  g_autoptr(IdwTpmCaList) cas = idw_tpm_ca_list_new ();
  g_autoptr(GBytes) pem = NULL;
  g_autoptr(GBytes) expired = NULL;
  g_autoptr(GBytes) current = NULL;
  g_autoptr(GError) error = NULL;
  time_t now = time (NULL);
  TestCa ca;

  test_ca_make (&ca);
  pem = test_ca_pem (&ca);
  g_assert_true (idw_tpm_ca_list_add_data (cas, g_bytes_get_data (pem, NULL), g_bytes_get_size (pem), &error));
  expired = test_ek_cert (&ca, now - 86400 * 5, now - 86400);
  current = test_ek_cert (&ca, now - 86400, now + 86400);

  {
    g_autoptr(GBytes) cbor = with_tpm (request, tpm_map (c->attest, c->signature, c->ak_public,
                                                          c->key_public, expired));

    error = check (cbor, cas, NULL);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_EXPIRED);
    g_assert_nonnull (strstr (error->message, "ekCertificate: expired on"));
    g_clear_error (&error);
  }
  {
    g_autoptr(GBytes) cbor = with_tpm (request, tpm_map (c->attest, c->signature, c->ak_public,
                                                          c->key_public, current));
    g_autoptr(IdwCredentialRequest) parsed = idw_credential_request_parse (cbor, NULL, NULL);
    g_auto(IdwTpmCertificationResult) result = { 0 };

    g_assert_true (idw_credential_request_verify_tpm (parsed, cas, NULL, &result, &error));
    g_assert_no_error (error);
    g_assert_true (result.ek_chained);
    g_assert_cmpstr (result.ek_anchor, ==, "CN=Test TPM Maker CA");
    g_assert_cmpstr (result.ek_subject, ==, "CN=Test EK");
  }
  test_ca_clear (&ca);
}

/* Each part altered on its own is refused for its own reason. */
static void
test_tampered (void)
{
  g_autoptr(IdwCredentialRequest) request = certified_request (the_key, created);
  g_autoptr(GDateTime) later = g_date_time_add_seconds (created, 1);
  g_autoptr(IdwCredentialRequest) other_request = certified_request (the_key, later);
  g_autoptr(GBytes) other_blob = NULL;
  g_autoptr(IdwKey) other_key = idw_tpm_create_key (&other_blob, NULL);
  g_autoptr(IdwCredentialRequest) other_key_request = certified_request (other_key, created);
  IdwTpmCertification *c = idw_credential_request_get_tpm_certification (request);
  IdwTpmCertification *o = idw_credential_request_get_tpm_certification (other_request);
  IdwTpmCertification *k = idw_credential_request_get_tpm_certification (other_key_request);
  GBytes *ek = c->ek_certificate;
  gsize attest_len = g_bytes_get_size (c->attest);

  /* The untouched request holds. */
  {
    g_autoptr(GBytes) same = with_tpm (request, tpm_map (c->attest, c->signature, c->ak_public,
                                                          c->key_public, ek));
    g_assert_null (check (same, NULL, NULL));
  }

  /* attest: a clock byte (after magic, type, qualifiedSigner, extraData):
   * the signature no longer verifies. */
  {
    gsize clock_offset = 4 + 2 + 2 + 34 + 2 + 32;
    g_autoptr(GBytes) attest = flip (c->attest, clock_offset + 7, 0x01);
    g_autoptr(GBytes) cbor = with_tpm (request, tpm_map (attest, c->signature, c->ak_public, c->key_public, ek));

    assert_refused (cbor, IDW_ERROR_BAD_SIGNATURE, "does not verify");
  }
  /* attest: the magic and the type. */
  {
    g_autoptr(GBytes) attest = flip (c->attest, 0, 0x01);
    g_autoptr(GBytes) cbor = with_tpm (request, tpm_map (attest, c->signature, c->ak_public, c->key_public, ek));

    assert_refused (cbor, IDW_ERROR_MALFORMED, "TPM_GENERATED_VALUE");
  }
  {
    g_autoptr(GBytes) attest = flip (c->attest, 5, 0x01);
    g_autoptr(GBytes) cbor = with_tpm (request, tpm_map (attest, c->signature, c->ak_public, c->key_public, ek));

    assert_refused (cbor, IDW_ERROR_UNSUPPORTED, "TPM_ST_ATTEST_CERTIFY");
  }
  /* The signature: a byte of r. */
  {
    g_autoptr(GBytes) signature = flip (c->signature, 8, 0x40);
    g_autoptr(GBytes) cbor = with_tpm (request, tpm_map (c->attest, signature, c->ak_public, c->key_public, ek));

    assert_refused (cbor, IDW_ERROR_BAD_SIGNATURE, "does not verify");
  }
  /* The AK without restricted (objectAttributes bytes 4…7, big-endian:
   * bit 16 is byte 5's lowest): it could sign anything. */
  {
    g_autoptr(GBytes) ak = flip (c->ak_public, 5, 0x01);
    g_autoptr(GBytes) cbor = with_tpm (request, tpm_map (c->attest, c->signature, ak, c->key_public, ek));

    assert_refused (cbor, IDW_ERROR_UNSUPPORTED, "akPublic: attributes");
  }
  /* Another AK (the other request's is the same TPM's: the same key;
   * flipping its point's last byte makes another, or no, point). */
  {
    gsize len = g_bytes_get_size (c->ak_public);
    g_autoptr(GBytes) ak = flip (c->ak_public, len - 1, 0x01);
    g_autoptr(GBytes) cbor = with_tpm (request, tpm_map (c->attest, c->signature, ak, c->key_public, ek));
    g_autoptr(GError) error = check (cbor, NULL, NULL);

    g_assert_nonnull (error);
    g_assert_true (error->code == IDW_ERROR_BAD_SIGNATURE || error->code == IDW_ERROR_MALFORMED);
  }
  /* The device key's public area with decrypt (bit 17), or without
   * fixedTPM (bit 1, byte 7). */
  {
    g_autoptr(GBytes) key_public = flip (c->key_public, 5, 0x02);
    g_autoptr(GBytes) cbor = with_tpm (request, tpm_map (c->attest, c->signature, c->ak_public, key_public, ek));

    assert_refused (cbor, IDW_ERROR_UNSUPPORTED, "keyPublic: attributes");
  }
  {
    g_autoptr(GBytes) key_public = flip (c->key_public, 7, 0x02);
    g_autoptr(GBytes) cbor = with_tpm (request, tpm_map (c->attest, c->signature, c->ak_public, key_public, ek));

    assert_refused (cbor, IDW_ERROR_UNSUPPORTED, "keyPublic: attributes");
  }
  /* Another key's public area: not the request's point. */
  {
    g_autoptr(GBytes) cbor = with_tpm (request, tpm_map (c->attest, c->signature, c->ak_public, k->key_public, ek));

    assert_refused (cbor, IDW_ERROR_MALFORMED, "not the request’s device key");
  }
  /* The whole certification of another request of the same key: it holds
   * in itself, but its extraData binds the other request. */
  {
    g_autoptr(GBytes) cbor = with_tpm (request, tpm_map (o->attest, o->signature, o->ak_public, o->key_public, ek));

    assert_refused (cbor, IDW_ERROR_NONCE, "extraData does not bind this request");
  }
  /* The TPM certified another key, with this request's binding: the
   * attested name is not the device key's. */
  {
    g_autoptr(GBytes) binding = idw_credential_request_get_tpm_binding (request);
    g_autoptr(GError) error = NULL;
    g_autoptr(IdwTpmCertification) wrong = idw_tpm_certify_key (other_key, g_bytes_get_data (binding, NULL),
                                                                32, &error);
    g_autoptr(GBytes) cbor = NULL;

    g_assert_no_error (error);
    cbor = with_tpm (request, tpm_map (wrong->attest, wrong->signature, wrong->ak_public, c->key_public, ek));
    assert_refused (cbor, IDW_ERROR_DIGEST_MISMATCH, "certified name is not keyPublic’s");
  }

  /* Every truncation of each structure, and a byte too many. */
  for (gsize n = 1; n < attest_len; n++)
    {
      g_autoptr(GBytes) attest = slice (c->attest, n);
      g_autoptr(GBytes) cbor = with_tpm (request, tpm_map (attest, c->signature, c->ak_public, c->key_public, ek));
      g_autoptr(GError) error = check (cbor, NULL, NULL);

      g_assert_nonnull (error);
      g_assert_true (error->code == IDW_ERROR_MALFORMED || error->code == IDW_ERROR_BAD_SIGNATURE);
    }
  for (gsize n = 1; n < g_bytes_get_size (c->key_public); n++)
    {
      g_autoptr(GBytes) key_public = slice (c->key_public, n);
      g_autoptr(GBytes) cbor = with_tpm (request, tpm_map (c->attest, c->signature, c->ak_public, key_public, ek));
      g_autoptr(GError) error = check (cbor, NULL, NULL);

      g_assert_nonnull (error);
      g_assert_true (error->code == IDW_ERROR_MALFORMED || error->code == IDW_ERROR_UNSUPPORTED);
    }
  for (gsize n = 1; n < g_bytes_get_size (c->ak_public); n++)
    {
      g_autoptr(GBytes) ak = slice (c->ak_public, n);
      g_autoptr(GBytes) cbor = with_tpm (request, tpm_map (c->attest, c->signature, ak, c->key_public, ek));
      g_autoptr(GError) error = check (cbor, NULL, NULL);

      g_assert_nonnull (error);
      g_assert_true (error->code == IDW_ERROR_MALFORMED || error->code == IDW_ERROR_UNSUPPORTED);
    }
  for (gsize n = 1; n < g_bytes_get_size (c->signature); n++)
    {
      g_autoptr(GBytes) signature = slice (c->signature, n);
      g_autoptr(GBytes) cbor = with_tpm (request, tpm_map (c->attest, signature, c->ak_public, c->key_public, ek));
      g_autoptr(GError) error = check (cbor, NULL, NULL);

      g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
    }
  {
    g_autoptr(GBytes) attest = append (c->attest, 0);
    g_autoptr(GBytes) key_public = append (c->key_public, 0);
    g_autoptr(GBytes) cbor = with_tpm (request, tpm_map (attest, c->signature, c->ak_public, c->key_public, ek));
    g_autoptr(GBytes) cbor2 = with_tpm (request, tpm_map (c->attest, c->signature, c->ak_public, key_public, ek));

    assert_refused (cbor, IDW_ERROR_MALFORMED, "1 byte follows the structure");
    assert_refused (cbor2, IDW_ERROR_MALFORMED, "1 byte follows the structure");
  }
  /* A TPM2B that claims more than its type holds: extraData's size. */
  {
    g_autoptr(GBytes) attest = flip (c->attest, 4 + 2 + 2 + 34, 0x80);
    g_autoptr(GBytes) cbor = with_tpm (request, tpm_map (attest, c->signature, c->ak_public, c->key_public, ek));

    assert_refused (cbor, IDW_ERROR_MALFORMED, "extraData");
  }
}

/* The request's "tpm" map: its form is checked when parsing, with limits. */
static void
test_tpm_map_form (void)
{
  g_autoptr(IdwCredentialRequest) request = certified_request (the_key, created);
  IdwTpmCertification *c = idw_credential_request_get_tpm_certification (request);
  g_autofree guint8 *big = g_malloc0 (IDW_TPM_EK_CERT_MAX + 1);
  g_autoptr(GBytes) oversized_attest = g_bytes_new (big, IDW_TPM_ATTEST_MAX + 1);
  g_autoptr(GBytes) oversized_public = g_bytes_new (big, IDW_TPM_PUBLIC_MAX + 1);
  g_autoptr(GBytes) oversized_signature = g_bytes_new (big, IDW_TPM_SIGNATURE_MAX + 1);
  g_autoptr(GBytes) oversized_ek = g_bytes_new (big, IDW_TPM_EK_CERT_MAX + 1);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);

  {
    g_autoptr(GBytes) cbor = with_tpm (request, idw_cbor_new_string ("tpm"));
    assert_refused (cbor, IDW_ERROR_WRONG_TYPE, "Credential request tpm: expected a map");
  }
  {
    cbor_item_t *map = tpm_map (c->attest, c->signature, c->ak_public, c->key_public, NULL);
    g_autoptr(cbor_item_t) smaller = idw_cbor_new_map ();
    g_autoptr(GBytes) cbor = NULL;
    struct cbor_pair *pairs = cbor_map_handle (map);

    for (gsize i = 0; i < cbor_map_size (map); i++)
      if (!idw_cbor_string_equal (pairs[i].key, "signature"))
        idw_cbor_map_add (smaller, cbor_incref (pairs[i].key), cbor_incref (pairs[i].value));
    cbor_decref (&map);
    cbor = with_tpm (request, g_steal_pointer (&smaller));
    assert_refused (cbor, IDW_ERROR_MISSING_FIELD, "missing signature");
  }
  {
    cbor_item_t *map = idw_cbor_new_map ();
    g_autoptr(GBytes) cbor = NULL;

    idw_cbor_map_add_str (map, "attest", idw_cbor_new_string ("attest"));
    cbor = with_tpm (request, map);
    assert_refused (cbor, IDW_ERROR_WRONG_TYPE, "tpm.attest: expected a byte string");
  }
  {
    cbor_item_t *map = tpm_map (c->attest, c->signature, c->ak_public, c->key_public, NULL);
    g_autoptr(GBytes) cbor = NULL;

    /* ekCertificate as a number: neither bytes nor null. */
    cbor_map_handle (map)[4].value = (cbor_decref (&cbor_map_handle (map)[4].value), idw_cbor_new_int (7));
    cbor = with_tpm (request, map);
    assert_refused (cbor, IDW_ERROR_WRONG_TYPE, "tpm.ekCertificate: expected a byte string or null");
  }
  {
    g_autoptr(GBytes) cbor = with_tpm (request, tpm_map (oversized_attest, c->signature, c->ak_public,
                                                          c->key_public, NULL));
    assert_refused (cbor, IDW_ERROR_LIMIT, "tpm.attest: 1025 bytes");
  }
  {
    g_autoptr(GBytes) cbor = with_tpm (request, tpm_map (c->attest, oversized_signature, c->ak_public,
                                                          c->key_public, NULL));
    assert_refused (cbor, IDW_ERROR_LIMIT, "tpm.signature");
  }
  {
    g_autoptr(GBytes) cbor = with_tpm (request, tpm_map (c->attest, c->signature, oversized_public,
                                                          c->key_public, NULL));
    assert_refused (cbor, IDW_ERROR_LIMIT, "tpm.akPublic");
  }
  {
    g_autoptr(GBytes) cbor = with_tpm (request, tpm_map (c->attest, c->signature, c->ak_public,
                                                          oversized_public, NULL));
    assert_refused (cbor, IDW_ERROR_LIMIT, "tpm.keyPublic");
  }
  {
    g_autoptr(GBytes) cbor = with_tpm (request, tpm_map (c->attest, c->signature, c->ak_public,
                                                          c->key_public, oversized_ek));
    assert_refused (cbor, IDW_ERROR_LIMIT, "tpm.ekCertificate: 4097 bytes");
  }
  {
    g_autoptr(GBytes) cbor = with_tpm (request, tpm_map (empty, c->signature, c->ak_public,
                                                          c->key_public, NULL));
    assert_refused (cbor, IDW_ERROR_MALFORMED, "tpm.attest: empty");
  }

  /* Without the map: an ordinary request, nothing to verify. */
  {
    g_autoptr(GBytes) cbor = with_tpm (request, NULL);
    g_autoptr(IdwCredentialRequest) parsed = idw_credential_request_parse (cbor, NULL, NULL);
    g_auto(IdwTpmCertificationResult) result = { 0 };
    g_autoptr(GError) error = NULL;

    g_assert_nonnull (parsed);
    g_assert_null (idw_credential_request_get_tpm_certification (parsed));
    g_assert_false (idw_credential_request_verify_tpm (parsed, NULL, NULL, &result, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND);
  }
}

/* A software key's request with a TPM's certification of another key
 * stuck on: the point is not the request's. */
static void
test_software_key_with_certification (void)
{
  g_autoptr(IdwCredentialRequest) request = certified_request (the_key, created);
  g_autoptr(IdwKey) software = idw_key_generate_p256 ();
  g_autoptr(IdwKey) ed25519 = idw_key_generate_ed25519 ();
  g_autoptr(IdwCredentialRequest) soft_request = idw_credential_request_new (software, created, NULL);
  g_autoptr(IdwCredentialRequest) ed_request = idw_credential_request_new (ed25519, created, NULL);
  g_autoptr(IdwCredentialRequest) refused = NULL;
  g_autoptr(GError) error = NULL;
  IdwTpmCertification *c = idw_credential_request_get_tpm_certification (request);
  g_autoptr(GBytes) cbor = with_tpm (soft_request, tpm_map (c->attest, c->signature, c->ak_public,
                                                            c->key_public, c->ek_certificate));
  g_autoptr(GBytes) ed_cbor = with_tpm (ed_request, tpm_map (c->attest, c->signature, c->ak_public,
                                                             c->key_public, c->ek_certificate));

  assert_refused (cbor, IDW_ERROR_MALFORMED, "not the request’s device key");
  assert_refused (ed_cbor, IDW_ERROR_MALFORMED, "not the request’s device key");

  refused = idw_credential_request_new_certified (software, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
}

/* --tpm-ca files: PEM bundles, DER, garbage, too many. */
static void
test_ca_files (void)
{
  g_autoptr(IdwTpmCaList) list = idw_tpm_ca_list_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *issuer_pem = ca_path ("issuercert.pem");
  g_autofree char *root_pem = ca_path ("swtpm-localca-rootca-cert.pem");
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autoptr(GString) bundle = g_string_new (NULL);
  g_autoptr(GString) many = g_string_new (NULL);

  g_file_get_contents (issuer_pem, &a, NULL, &error);
  g_assert_no_error (error);
  g_file_get_contents (root_pem, &b, NULL, &error);
  g_assert_no_error (error);
  g_string_append (bundle, a);
  g_string_append (bundle, b);
  g_assert_true (idw_tpm_ca_list_add_data (list, (const guint8 *) bundle->str, bundle->len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (idw_tpm_ca_list_get_size (list), ==, 2);

  /* One DER certificate (the EK certificate will do as any). */
  {
    g_autoptr(IdwCredentialRequest) request = certified_request (the_key, created);
    GBytes *der = idw_credential_request_get_tpm_certification (request)->ek_certificate;

    g_assert_true (idw_tpm_ca_list_add_data (list, g_bytes_get_data (der, NULL), g_bytes_get_size (der), &error));
    g_assert_no_error (error);
    g_assert_cmpuint (idw_tpm_ca_list_get_size (list), ==, 3);
  }

  g_assert_false (idw_tpm_ca_list_add_data (list, (const guint8 *) "hello", 5, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE);
  g_clear_error (&error);

  for (int i = 0; i <= IDW_TPM_CA_FILE_MAX_CERTS; i++)
    g_string_append (many, a);
  g_assert_false (idw_tpm_ca_list_add_data (list, (const guint8 *) many->str, many->len, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
  g_assert_cmpuint (idw_tpm_ca_list_get_size (list), ==, 3);
}

static void
test_skip (void)
{
  g_test_skip (!idw_tpm_is_supported () ? "no TPM support in this build"
                                        : "swtpm or swtpm-tools (swtpm_setup) is not installed");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  GBytes *blob = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  g_setenv ("TSS2_LOG", "all+none", TRUE);

  if (!idw_tpm_is_supported () || !swtpm_available () || !swtpm_setup_available ())
    {
      g_test_add_func ("/tpm-attest/skipped", test_skip);
      return g_test_run ();
    }

  swtpm_start_with_ek_cert (&the_tpm);
  atexit (stop_the_tpm);
  g_setenv ("IDW_TPM_TCTI", the_tpm.tcti, TRUE);
  the_key = idw_tpm_create_key (&blob, &error);
  g_assert_no_error (error);
  g_bytes_unref (blob);
  created = g_date_time_new_utc (2026, 3, 1, 12, 0, 0);

  g_test_add_func ("/tpm-attest/request-verifies", test_request_verifies);
  g_test_add_func ("/tpm-attest/ek-chain", test_ek_chain);
  g_test_add_func ("/tpm-attest/ek-dates", test_ek_dates);
  g_test_add_func ("/tpm-attest/tampered", test_tampered);
  g_test_add_func ("/tpm-attest/tpm-map-form", test_tpm_map_form);
  g_test_add_func ("/tpm-attest/software-key", test_software_key_with_certification);
  g_test_add_func ("/tpm-attest/ca-files", test_ca_files);

  status = g_test_run ();
  idw_key_unref (the_key);
  g_date_time_unref (created);
  stop_the_tpm ();
  return status;
}
