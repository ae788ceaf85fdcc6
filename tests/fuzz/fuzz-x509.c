/* fuzz-x509.c: certificates and x5chain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each input is read as a certificate (PEM or DER, and DER only), as
 * x5chain CBOR, and as the DER byte string of a one-certificate x5chain.
 * A certificate that parses must answer every getter, survive PEM and back,
 * and go through chain validation against the fuzzing trust anchor.
 */
#include "config.h"

#include "idw-cbor.h"
#include "idw-x509.h"

#include "fuzz-common.h"

static IdwCertificate *anchor;
static GDateTime *now;

static void
check_chain (GPtrArray *chain)
{
  g_autoptr(GPtrArray) anchors = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCertificate) used = NULL;
  gboolean valid;

  g_ptr_array_add (anchors, anchor);
  valid = idw_x509_validate_chain (chain, anchors, now, now, &used, &error);
  fuzz_check_result (valid ? chain : NULL, error);
  g_assert_true (valid ? used == anchor : used == NULL);
}

static void
check_certificate (IdwCertificate *cert)
{
  g_autofree char *subject = idw_certificate_get_subject (cert);
  g_autofree char *issuer = idw_certificate_get_issuer (cert);
  g_autofree char *common_name = idw_certificate_get_common_name (cert);
  g_autofree char *country = idw_certificate_get_country (cert);
  g_autofree char *organization = idw_certificate_get_organization (cert);
  g_autofree char *fingerprint = idw_certificate_get_fingerprint (cert);
  g_autofree char *pem = idw_certificate_to_pem (cert);
  g_autoptr(GDateTime) not_before = idw_certificate_get_not_before (cert);
  g_autoptr(GDateTime) not_after = idw_certificate_get_not_after (cert);
  g_autoptr(GBytes) der = idw_certificate_get_der (cert);
  g_autoptr(IdwCertificate) from_pem = NULL;
  g_autoptr(IdwKey) key = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) key_error = NULL;
  g_autoptr(GPtrArray) chain = NULL;

  fuzz_check_text (subject);
  fuzz_check_text (issuer);
  if (common_name != NULL)
    fuzz_check_text (common_name);
  if (country != NULL)
    fuzz_check_text (country);
  if (organization != NULL)
    fuzz_check_text (organization);
  g_assert_cmpuint (strlen (fingerprint), ==, 64);
  g_assert_nonnull (not_before);
  g_assert_nonnull (not_after);
  g_assert_nonnull (der);
  idw_certificate_is_test_issuer (cert);

  key = idw_certificate_get_public_key (cert, &key_error);
  fuzz_check_result (key, key_error);

  from_pem = idw_certificate_new_from_data ((const guint8 *) pem, strlen (pem), &error);
  g_assert_no_error (error);
  g_assert_true (idw_certificate_equal (cert, from_pem));

  chain = g_ptr_array_new ();
  g_ptr_array_add (chain, cert);
  check_chain (chain);
}

static void
fuzz_x5chain (cbor_item_t *x5chain)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) chain = idw_x5chain_parse (x5chain, &error);

  fuzz_check_result (chain, error);
  if (chain == NULL)
    return;
  g_assert_cmpuint (chain->len, >=, 1);
  g_assert_cmpuint (chain->len, <=, IDW_MAX_X5CHAIN);
  check_chain (chain);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init (argv);
  anchor = fuzz_anchor_new ();
  now = fuzz_now ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) input = g_bytes_new_static (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) der_error = NULL;
  g_autoptr(IdwCertificate) cert = NULL;
  g_autoptr(IdwCertificate) der_cert = NULL;
  g_autoptr(cbor_item_t) item = NULL;
  g_autoptr(cbor_item_t) bstr = NULL;

  cert = idw_certificate_new_from_data (data, size, &error);
  fuzz_check_result (cert, error);
  if (cert != NULL)
    check_certificate (cert);

  der_cert = idw_certificate_new_from_der (data, size, &der_error);
  fuzz_check_result (der_cert, der_error);
  /* DER is tried first: what parses as DER is the same certificate. */
  if (der_cert != NULL)
    g_assert_true (cert != NULL && idw_certificate_equal (cert, der_cert));

  item = idw_cbor_decode_bytes (input, NULL);
  if (item != NULL)
    fuzz_x5chain (item);

  bstr = idw_cbor_new_bytes (data, size);
  fuzz_x5chain (bstr);

  return 0;
}
