/* test-tpm.c: TPM-bound device keys (idw-tpm.c) on a software TPM
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The program starts its own swtpm (tpm-test-util.h) with a fresh state
 * and points IDW_TPM_TCTI at it; a second, fresh swtpm plays another
 * computer's TPM. Skipped when swtpm is not installed.
 */
#include "config.h"

#include <string.h>

#include <cbor.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>

#include "idw-cose-key.h"
#include "idw-error.h"
#include "idw-tpm.h"
#include "tpm-test-util.h"

#ifdef HAVE_TPM
#include <tss2/tss2_mu.h>
#endif

#define NO_TPM_PREFIX "No TPM is available: "
#define WRONG_TPM_MESSAGE \
  "This key belongs to another computer’s TPM; the ID must be re-issued to this device."

static SwTpm the_tpm;

static void
stop_the_tpm (void)
{
  swtpm_stop (&the_tpm);
}

static void
use_the_tpm (void)
{
  g_setenv ("IDW_TPM_TCTI", the_tpm.tcti, TRUE);
}

static IdwKey *
create_key (GBytes **blob)
{
  g_autoptr(GError) error = NULL;
  IdwKey *key;

  use_the_tpm ();
  g_assert_true (idw_tpm_probe (&error));
  g_assert_no_error (error);
  key = idw_tpm_create_key (blob, &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
  return key;
}

/* GnuTLS's verdict on @signature (raw r || s) over @data, by @key's point. */
static gboolean
gnutls_verifies (IdwKey       *key,
                 const char   *data,
                 GBytes       *signature)
{
  g_autoptr(GBytes) public_bytes = idw_key_get_public_bytes (key);
  const guint8 *point = g_bytes_get_data (public_bytes, NULL);
  const guint8 *sig = g_bytes_get_data (signature, NULL);
  gnutls_datum_t x = { (unsigned char *) point + 1, 32 };
  gnutls_datum_t y = { (unsigned char *) point + 33, 32 };
  gnutls_datum_t r = { (unsigned char *) sig, 32 };
  gnutls_datum_t s = { (unsigned char *) sig + 32, 32 };
  gnutls_datum_t msg = { (unsigned char *) data, (unsigned int) strlen (data) };
  gnutls_datum_t der = { NULL, 0 };
  gnutls_pubkey_t pubkey;
  int ret;

  g_assert_cmpuint (g_bytes_get_size (public_bytes), ==, 65);
  g_assert_cmpint (gnutls_pubkey_init (&pubkey), ==, 0);
  g_assert_cmpint (gnutls_pubkey_import_ecc_raw (pubkey, GNUTLS_ECC_CURVE_SECP256R1, &x, &y), ==, 0);
  g_assert_cmpint (gnutls_encode_rs_value (&der, &r, &s), ==, 0);
  ret = gnutls_pubkey_verify_data2 (pubkey, GNUTLS_SIGN_ECDSA_SHA256, 0, &msg, &der);
  gnutls_free (der.data);
  gnutls_pubkey_deinit (pubkey);
  return ret >= 0;
}

static void
test_create_sign_verify (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) blob = NULL;
  g_autoptr(GBytes) blob_again = NULL;
  g_autoptr(IdwKey) key = create_key (&blob);
  g_autoptr(IdwKey) loaded = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GBytes) signature2 = NULL;
  g_autofree char *fingerprint = idw_key_get_fingerprint (key);
  const char *message = "ID Wallet device authentication";
  guint8 seed[32];
  cbor_item_t *cose_key;

  g_assert_cmpint (idw_key_get_curve (key), ==, IDW_CURVE_P256);
  g_assert_cmpint (idw_key_get_alg (key), ==, IDW_COSE_ALG_ES256);
  g_assert_true (idw_key_has_private (key));
  g_assert_true (idw_key_is_hardware (key));
  g_assert_false (idw_key_export_seed (key, seed));
  g_assert_cmpuint (strlen (fingerprint), ==, 64);
  blob_again = idw_tpm_key_get_blob (key);
  g_assert_true (g_bytes_equal (blob, blob_again));

  signature = idw_key_sign (key, (const guint8 *) message, strlen (message), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (signature), ==, 64);
  g_assert_true (idw_key_verify (key, IDW_COSE_ALG_ES256, (const guint8 *) message, strlen (message),
                                 g_bytes_get_data (signature, NULL), 64, &error));
  g_assert_no_error (error);
  g_assert_true (gnutls_verifies (key, message, signature));
  g_assert_false (gnutls_verifies (key, "another message", signature));
  g_assert_false (idw_key_verify (key, IDW_COSE_ALG_ES256, (const guint8 *) "x", 1,
                                  g_bytes_get_data (signature, NULL), 64, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);

  /* The COSE_Key is the public key only: kty, crv, x, y. */
  cose_key = idw_cose_key_encode (key, TRUE);
  g_assert_cmpuint (cbor_map_size (cose_key), ==, 4);
  cbor_decref (&cose_key);

  /* Loaded back from the blob: the same key, signing again. */
  loaded = idw_tpm_load_key (g_bytes_get_data (blob, NULL), g_bytes_get_size (blob), &error);
  g_assert_no_error (error);
  g_assert_true (idw_key_equal (key, loaded));
  g_assert_true (idw_key_is_hardware (loaded));
  signature2 = idw_key_sign (loaded, (const guint8 *) message, strlen (message), &error);
  g_assert_no_error (error);
  g_assert_true (gnutls_verifies (key, message, signature2));

  /* A public copy of the key is no hardware key. */
  {
    g_autoptr(GBytes) public_bytes = idw_key_get_public_bytes (key);
    const guint8 *point = g_bytes_get_data (public_bytes, NULL);
    g_autoptr(IdwKey) public_key = idw_key_new_ec_public (IDW_CURVE_P256, point + 1, 32,
                                                          point + 33, 32, &error);

    g_assert_no_error (error);
    g_assert_false (idw_key_has_private (public_key));
    g_assert_false (idw_key_is_hardware (public_key));
    g_assert_null (idw_tpm_key_get_blob (public_key));
    g_assert_true (idw_key_verify (public_key, IDW_COSE_ALG_ES256, (const guint8 *) message,
                                   strlen (message), g_bytes_get_data (signature, NULL), 64, &error));
    g_assert_no_error (error);
  }
}

/* The blob: version 1, a TPM2B_PUBLIC whose attributes keep the private
 * part in the TPM, and the TPM's TPM2B_PRIVATE (an HMAC and the encrypted
 * sensitive area), nothing else. */
static void
test_blob_attributes (void)
{
#ifdef HAVE_TPM
  g_autoptr(GBytes) blob = NULL;
  g_autoptr(IdwKey) key = create_key (&blob);
  g_autoptr(GBytes) public_bytes = idw_key_get_public_bytes (key);
  const guint8 *data;
  gsize len, offset = 1;
  TPM2B_PUBLIC public = { 0 };
  TPM2B_PRIVATE private = { 0 };
  TPMA_OBJECT attributes;
  const guint8 *point;

  data = g_bytes_get_data (blob, &len);
  g_test_message ("The wrapped blob has %zu bytes", len);
  g_assert_cmpuint (len, <=, IDW_TPM_BLOB_MAX);
  g_assert_cmpuint (data[0], ==, IDW_TPM_BLOB_VERSION);
  g_assert_cmpint (Tss2_MU_TPM2B_PUBLIC_Unmarshal (data, len, &offset, &public), ==, 0);
  g_assert_cmpint (Tss2_MU_TPM2B_PRIVATE_Unmarshal (data, len, &offset, &private), ==, 0);
  g_assert_cmpuint (offset, ==, len);

  attributes = public.publicArea.objectAttributes;
  g_assert_true (attributes & TPMA_OBJECT_FIXEDTPM);
  g_assert_true (attributes & TPMA_OBJECT_FIXEDPARENT);
  g_assert_true (attributes & TPMA_OBJECT_SENSITIVEDATAORIGIN);
  g_assert_true (attributes & TPMA_OBJECT_USERWITHAUTH);
  g_assert_true (attributes & TPMA_OBJECT_SIGN_ENCRYPT);
  g_assert_false (attributes & TPMA_OBJECT_DECRYPT);
  g_assert_false (attributes & TPMA_OBJECT_RESTRICTED);
  g_assert_cmpint (public.publicArea.type, ==, TPM2_ALG_ECC);
  g_assert_cmpint (public.publicArea.parameters.eccDetail.curveID, ==, TPM2_ECC_NIST_P256);
  g_assert_cmpint (public.publicArea.parameters.eccDetail.scheme.scheme, ==, TPM2_ALG_ECDSA);
  g_assert_cmpuint (public.publicArea.authPolicy.size, ==, 0);

  /* The public area's point is the key's. */
  point = g_bytes_get_data (public_bytes, NULL);
  g_assert_cmpmem (public.publicArea.unique.ecc.x.buffer, public.publicArea.unique.ecc.x.size,
                   point + 1, 32);
  g_assert_cmpmem (public.publicArea.unique.ecc.y.buffer, public.publicArea.unique.ecc.y.size,
                   point + 33, 32);

  /* TPM2B_PRIVATE as TPM2_Create returns it (TPM 2.0 Part 1 §23.3.2):
   * integrityHMAC (a TPM2B of 32 bytes, SHA-256) then the sensitive area
   * encrypted with AES-128-CFB. In the clear that area would start with
   * its size and sensitiveType TPM2_ALG_ECC (0x0023); the encrypted one
   * must not look like that. (The scalar itself is unknown to the test:
   * that the TPM alone has it is what the attributes above say.) */
  g_assert_cmpuint (private.size, >, 2 + 32 + 4);
  g_assert_cmpuint ((private.buffer[0] << 8) | private.buffer[1], ==, 32);
  g_assert_false (private.buffer[2 + 32 + 2] == 0x00 && private.buffer[2 + 32 + 3] == 0x23);
#else
  g_test_skip ("no TPM support in this build");
#endif
}

static void
test_another_tpm (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) blob = NULL;
  g_autoptr(IdwKey) key = create_key (&blob);
  g_autoptr(IdwKey) loaded = NULL;
  g_autoptr(GBytes) signature = NULL;
  SwTpm other = { 0 };

  swtpm_start (&other);
  g_setenv ("IDW_TPM_TCTI", other.tcti, TRUE);

  loaded = idw_tpm_load_key (g_bytes_get_data (blob, NULL), g_bytes_get_size (blob), &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_TPM);
  g_assert_cmpstr (error->message, ==, WRONG_TPM_MESSAGE);
  g_assert_null (loaded);
  g_clear_error (&error);

  /* A key loaded on its own TPM, then asked to sign on another. */
  signature = idw_key_sign (key, (const guint8 *) "x", 1, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_TPM);
  g_assert_null (signature);

  swtpm_stop (&other);
  use_the_tpm ();
}

static void
test_no_tpm (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) blob = NULL;
  g_autoptr(IdwKey) key = create_key (&blob);
  g_autoptr(IdwKey) created = NULL;
  g_autoptr(IdwKey) loaded = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autofree char *tcti = g_strdup_printf ("swtpm:host=127.0.0.1,port=%u", free_loopback_port ());
  gint64 start = g_get_monotonic_time ();

  g_setenv ("IDW_TPM_TCTI", tcti, TRUE);

  g_assert_false (idw_tpm_probe (&error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NO_TPM);
  g_assert_nonnull (strstr (error->message, tcti));
  g_clear_error (&error);

  created = idw_tpm_create_key (NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NO_TPM);
  g_assert_true (g_str_has_prefix (error->message, NO_TPM_PREFIX));
  g_assert_nonnull (strstr (error->message, tcti));
  g_assert_null (created);
  g_clear_error (&error);

  loaded = idw_tpm_load_key (g_bytes_get_data (blob, NULL), g_bytes_get_size (blob), &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NO_TPM);
  g_assert_null (loaded);
  g_clear_error (&error);

  signature = idw_key_sign (key, (const guint8 *) "x", 1, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NO_TPM);
  g_assert_null (signature);

  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_TIME_SPAN_SECOND);
  use_the_tpm ();
}

/* A TPM that accepts the connection and never answers: every operation
 * gives up with IDW_ERROR_NO_TPM naming the TCTI, instead of waiting for
 * ever (the timeout is short here; its length is not what is tested). */
static void
test_no_answer (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) blob = NULL;
  g_autoptr(IdwKey) key = create_key (&blob);
  g_autoptr(IdwKey) created = NULL;
  g_autoptr(IdwKey) loaded = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(IdwTpmCertification) certification = NULL;
  g_autofree char *expected = NULL;
  HungTpm hung = { 0 };
  const guint8 binding[32] = { 1 };

  hung_tpm_start (&hung);
  expected = g_strdup_printf ("No TPM is available: the TPM at “%s” did not answer within 1 second.",
                              hung.tcti);
  g_setenv ("IDW_TPM_TCTI", hung.tcti, TRUE);
  g_setenv ("IDW_TPM_TIMEOUT_MS", "300", TRUE);

  g_assert_false (idw_tpm_probe (&error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NO_TPM);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  created = idw_tpm_create_key (NULL, &error);
  g_assert_null (created);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NO_TPM);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  signature = idw_key_sign (key, (const guint8 *) "x", 1, &error);
  g_assert_null (signature);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NO_TPM);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  loaded = idw_tpm_load_key (g_bytes_get_data (blob, NULL), g_bytes_get_size (blob), &error);
  g_assert_null (loaded);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NO_TPM);
  g_clear_error (&error);

  certification = idw_tpm_certify_key (key, binding, sizeof binding, &error);
  g_assert_null (certification);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NO_TPM);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  /* The workers given up on end when the connections do. */
  hung_tpm_stop (&hung);
  g_unsetenv ("IDW_TPM_TIMEOUT_MS");
  use_the_tpm ();

  /* The real TPM still answers, within the default timeout. */
  signature = idw_key_sign (key, (const guint8 *) "x", 1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (signature);
}

/* TPM2_Certify on the software TPM: the structures the issuer reads. */
static void
test_certify (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) blob = NULL;
  g_autoptr(IdwKey) key = create_key (&blob);
  g_autoptr(IdwKey) software = idw_key_generate_p256 ();
  g_autoptr(IdwTpmCertification) certification = NULL;
  g_autoptr(IdwTpmCertification) none = NULL;
  g_auto(IdwTpmCertificationResult) result = { 0 };
  IdwTpmPublic ak, device;
  IdwTpmAttest attest;
  guint8 binding[32], raw[64], name[34];

  for (gsize i = 0; i < sizeof binding; i++)
    binding[i] = (guint8) (0xa0 + i);

  certification = idw_tpm_certify_key (key, binding, sizeof binding, &error);
  g_assert_no_error (error);
  g_assert_nonnull (certification);
  /* A fresh swtpm has no EK certificate. */
  g_assert_null (certification->ek_certificate);

  g_assert_true (idw_tpm_parse_public (g_bytes_get_data (certification->ak_public, NULL),
                                       g_bytes_get_size (certification->ak_public), "akPublic", &ak, &error));
  g_assert_no_error (error);
  g_assert_cmphex (ak.attributes & IDW_TPMA_RESTRICTED, ==, IDW_TPMA_RESTRICTED);
  g_assert_cmphex (ak.attributes & IDW_TPMA_SIGN, ==, IDW_TPMA_SIGN);
  g_assert_cmphex (ak.attributes & IDW_TPMA_FIXED_TPM, ==, IDW_TPMA_FIXED_TPM);
  g_assert_cmphex (ak.attributes & IDW_TPMA_DECRYPT, ==, 0);
  g_assert_true (idw_tpm_parse_public (g_bytes_get_data (certification->key_public, NULL),
                                       g_bytes_get_size (certification->key_public), "keyPublic", &device,
                                       &error));
  g_assert_no_error (error);
  g_assert_cmphex (device.attributes, ==, 0x00040072);

  g_assert_true (idw_tpm_parse_attest (g_bytes_get_data (certification->attest, NULL),
                                       g_bytes_get_size (certification->attest), &attest, &error));
  g_assert_no_error (error);
  g_assert_cmphex (attest.magic, ==, IDW_TPM_GENERATED_VALUE);
  g_assert_cmphex (attest.type, ==, IDW_TPM_ST_ATTEST_CERTIFY);
  g_assert_cmpmem (attest.extra_data, attest.extra_data_len, binding, sizeof binding);
  idw_tpm_public_name (g_bytes_get_data (certification->key_public, NULL),
                       g_bytes_get_size (certification->key_public), name);
  g_assert_cmpmem (attest.name, attest.name_len, name, sizeof name);
  g_assert_true (idw_tpm_parse_signature (g_bytes_get_data (certification->signature, NULL),
                                          g_bytes_get_size (certification->signature), raw, &error));
  g_assert_no_error (error);

  g_assert_true (idw_tpm_certification_verify (certification, key, binding, sizeof binding, NULL, NULL,
                                               &result, &error));
  g_assert_no_error (error);
  g_assert_false (result.ek_present);
  g_assert_false (result.ek_chained);
  g_assert_cmpuint (strlen (result.ak_fingerprint), ==, 64);

  /* Only a TPM key can be certified. */
  none = idw_tpm_certify_key (software, binding, sizeof binding, &error);
  g_assert_null (none);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
}

static void
assert_blob_refused (const guint8 *data,
                     gsize         len,
                     gint          code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) key = idw_tpm_load_key (data, len, &error);

  g_assert_null (key);
  g_assert_error (error, IDW_ERROR, code);
  g_assert_true (g_str_has_prefix (error->message, "TPM key: "));
}

static void
test_malformed_blobs (void)
{
  g_autoptr(GBytes) blob = NULL;
  g_autoptr(IdwKey) key = create_key (&blob);
  gsize len;
  const guint8 *data = g_bytes_get_data (blob, &len);
  g_autofree guint8 *copy = g_malloc (IDW_TPM_BLOB_MAX + 1);
  g_autoptr(GRand) rand = g_rand_new_with_seed (15);

  assert_blob_refused ((const guint8 *) "", 0, IDW_ERROR_MALFORMED);

  /* Every truncation, and one byte too many. */
  for (gsize n = 1; n < len; n++)
    assert_blob_refused (data, n, IDW_ERROR_MALFORMED);
  memcpy (copy, data, len);
  copy[len] = 0;
  assert_blob_refused (copy, len + 1, IDW_ERROR_MALFORMED);

  /* Oversized, whatever it holds. */
  memset (copy + len, 0, IDW_TPM_BLOB_MAX + 1 - len);
  assert_blob_refused (copy, IDW_TPM_BLOB_MAX + 1, IDW_ERROR_LIMIT);

  /* Another version. */
  memcpy (copy, data, len);
  copy[0] = 2;
  assert_blob_refused (copy, len, IDW_ERROR_UNSUPPORTED);

  /* A public area that lets the key leave the TPM: fixedTPM cleared
   * (objectAttributes, big-endian, after the version, the TPM2B size,
   * type and nameAlg). */
  memcpy (copy, data, len);
  g_assert_cmpuint (copy[10] & 0x02, ==, 0x02);
  copy[10] &= ~0x02;
  assert_blob_refused (copy, len, IDW_ERROR_UNSUPPORTED);

  /* Sizes that claim more than the structures hold. */
  memcpy (copy, data, len);
  copy[1] = 0xff;
  copy[2] = 0xff;
  assert_blob_refused (copy, len, IDW_ERROR_MALFORMED);

  /* Garbage after a good version byte. */
  for (int i = 0; i < 200; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwKey) garbage = NULL;
      gsize n = (gsize) g_rand_int_range (rand, 1, (gint32) len + 16);

      copy[0] = IDW_TPM_BLOB_VERSION;
      for (gsize j = 1; j < n; j++)
        copy[j] = (guint8) g_rand_int_range (rand, 0, 256);
      garbage = idw_tpm_load_key (copy, n, &error);
      g_assert_null (garbage);
      g_assert_true (error->domain == IDW_ERROR);
    }

  /* An altered private area: the TPM's integrity check refuses it. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(IdwKey) altered = NULL;

    memcpy (copy, data, len);
    copy[len - 1] ^= 0x01;
    altered = idw_tpm_load_key (copy, len, &error);
    g_assert_null (altered);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_TPM);
  }
}

static void
test_no_support (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) key = idw_tpm_create_key (NULL, &error);

  g_assert_null (key);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NO_TPM);
  g_assert_cmpstr (error->message, ==, "No TPM is available: there is no TPM support in this build.");
  g_clear_error (&error);

  g_assert_false (idw_tpm_probe (&error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NO_TPM);
}

static void
test_no_swtpm (void)
{
  g_test_skip ("swtpm is not installed (Debian: swtpm)");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* tpm2-tss prints the failures the tests provoke. */
  g_setenv ("TSS2_LOG", "all+none", TRUE);

  if (!idw_tpm_is_supported ())
    {
      g_test_add_func ("/tpm/no-support", test_no_support);
      return g_test_run ();
    }
  if (!swtpm_available ())
    {
      g_test_add_func ("/tpm/no-swtpm", test_no_swtpm);
      return g_test_run ();
    }

  swtpm_start (&the_tpm);
  atexit (stop_the_tpm);

  g_test_add_func ("/tpm/create-sign-verify", test_create_sign_verify);
  g_test_add_func ("/tpm/blob-attributes", test_blob_attributes);
  g_test_add_func ("/tpm/another-tpm", test_another_tpm);
  g_test_add_func ("/tpm/no-tpm", test_no_tpm);
  g_test_add_func ("/tpm/malformed-blobs", test_malformed_blobs);
  g_test_add_func ("/tpm/no-answer", test_no_answer);
  g_test_add_func ("/tpm/certify", test_certify);

  status = g_test_run ();
  stop_the_tpm ();
  return status;
}
