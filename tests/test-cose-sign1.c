/* test-cose-sign1.c: EdDSA COSE_Sign1 (RFC 9052 §4): signing,
 * detached payloads, structure errors, crit, and the ISO 18013-5 Annex D
 * issuerAuth
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "idw-cbor.h"
#include "idw-cose.h"
#include "idw-error.h"
#include "test-cose-util.h"

/* EdDSA COSE_Sign1 ------------------------------------------------------- */

static void
test_eddsa_sign1 (void)
{
  g_autoptr(IdwKey) key = idw_key_generate_ed25519 ();
  g_autoptr(IdwKey) other = idw_key_generate_ed25519 ();
  g_autoptr(IdwKey) p256 = ec_key_hex (IDW_CURVE_P256, COSE_WG_P256_X, COSE_WG_P256_Y);
  g_autoptr(cbor_item_t) unprotected = idw_cbor_new_map ();
  g_autoptr(cbor_item_t) item = NULL;
  g_autoptr(IdwCoseSign1) sign1 = NULL;
  g_autoptr(GError) error = NULL;
  static const guint8 payload[] = "an MSO would go here";
  g_autofree char *prot = NULL;
  cbor_item_t *x5chain;

  idw_cbor_map_add_int (unprotected, IDW_COSE_HEADER_X5CHAIN, idw_cbor_new_bytes ((const guint8 *) "DER", 3));
  item = idw_cose_sign1_create (key, payload, sizeof payload - 1, FALSE, g_steal_pointer (&unprotected), &error);
  g_assert_no_error (error);
  g_assert_nonnull (item);
  g_assert_true (cbor_isa_array (item));
  g_assert_cmpuint (cbor_array_size (item), ==, 4);

  sign1 = round_trip (item);
  prot = bytes_to_hex (sign1->protected_bytes);
  g_assert_cmpstr (prot, ==, "a10127");
  g_assert_cmpint (sign1->alg, ==, IDW_COSE_ALG_EDDSA);
  g_assert_cmpuint (g_bytes_get_size (sign1->signature), ==, 64);
  g_assert_cmpmem (g_bytes_get_data (sign1->payload, NULL), g_bytes_get_size (sign1->payload),
                   payload, sizeof payload - 1);
  x5chain = idw_cose_sign1_get_header (sign1, IDW_COSE_HEADER_X5CHAIN);
  g_assert_nonnull (x5chain);
  g_assert_cmpmem (cbor_bytestring_handle (x5chain), cbor_bytestring_length (x5chain), "DER", 3);
  {
    gint64 alg = 0;

    g_assert_true (idw_cbor_get_int (idw_cose_sign1_get_header (sign1, IDW_COSE_HEADER_ALG), &alg));
    g_assert_cmpint (alg, ==, IDW_COSE_ALG_EDDSA);
  }

  g_assert_true (idw_cose_sign1_verify (sign1, key, NULL, &error));
  g_assert_no_error (error);

  /* Tagged 18 also parses. */
  {
    g_autoptr(cbor_item_t) tagged = cbor_build_tag (18, item);
    g_autoptr(IdwCoseSign1) t = round_trip (tagged);

    g_assert_true (idw_cose_sign1_verify (t, key, NULL, &error));
    g_assert_no_error (error);
  }

  /* Wrong key; a key of another type. */
  g_assert_false (idw_cose_sign1_verify (sign1, other, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);
  g_assert_false (idw_cose_sign1_verify (sign1, p256, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "EdDSA"));
  g_assert_nonnull (strstr (error->message, "P-256"));
  g_clear_error (&error);

  /* Tampering with each part. */
  {
    g_autoptr(GBytes) encoded = idw_cbor_encode (item);
    g_autofree char *hex = bytes_to_hex (encoded);

    assert_tamper_fails (hex, key, 2, 0, IDW_ERROR_BAD_SIGNATURE,
                         "The EdDSA signature does not verify");
    assert_tamper_fails (hex, key, 3, 0, IDW_ERROR_BAD_SIGNATURE,
                         "The EdDSA signature does not verify");
    assert_tamper_fails (hex, key, 3, 63, IDW_ERROR_BAD_SIGNATURE,
                         "The EdDSA signature does not verify");
    /* -8 -> -7: alg ES256 with an Ed25519 key. */
    assert_tamper_fails (hex, key, 0, 2, IDW_ERROR_UNSUPPORTED,
                         "COSE_Sign1: an ES256 signature cannot be checked with a Ed25519 key");
  }

  /* Only Ed25519 private keys sign. */
  {
    g_autoptr(GBytes) pub = idw_key_get_public_bytes (key);
    g_autoptr(IdwKey) pub_only = idw_key_new_ed25519_public (g_bytes_get_data (pub, NULL), 32, NULL);
    g_autoptr(cbor_item_t) none = idw_cose_sign1_create (pub_only, payload, 3, FALSE, NULL, &error);

    g_assert_null (none);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
    g_clear_error (&error);
  }
  {
    g_autoptr(cbor_item_t) none = idw_cose_sign1_create (p256, payload, 3, FALSE, NULL, &error);

    g_assert_null (none);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
    g_clear_error (&error);
  }
  {
    g_autoptr(cbor_item_t) none = idw_cose_sign1_create (key, payload, 3, FALSE, idw_cbor_new_array (), &error);

    g_assert_null (none);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE);
    g_clear_error (&error);
  }
}

static void
test_eddsa_deterministic (void)
{
  /* RFC 8032 test 1 key: Ed25519 is deterministic, so the whole
   * COSE_Sign1 is too, and its Sig_structure is what the RFC 9052 layout
   * says it is. */
  g_autoptr(GBytes) seed = hex_to_bytes (rfc8032_vectors[0].secret);
  g_autoptr(IdwKey) key = idw_key_new_ed25519_seed (g_bytes_get_data (seed, NULL), 32, NULL);
  g_autoptr(cbor_item_t) a = idw_cose_sign1_create (key, (const guint8 *) "hi", 2, FALSE, NULL, NULL);
  g_autoptr(cbor_item_t) b = idw_cose_sign1_create (key, (const guint8 *) "hi", 2, FALSE, NULL, NULL);
  g_autoptr(GBytes) ea = idw_cbor_encode (a);
  g_autoptr(GBytes) eb = idw_cbor_encode (b);
  g_autoptr(IdwCoseSign1) sign1 = round_trip (a);
  /* ["Signature1", h'a10127', h'', h'6869'] */
  g_autoptr(GBytes) tbs = hex_to_bytes ("846a5369676e61747572653143a10127404268 69");
  g_autoptr(GError) error = NULL;
  g_autofree char *head = NULL;

  g_assert_true (g_bytes_equal (ea, eb));
  head = bytes_to_hex (ea);
  /* [h'a10127', {}, h'6869', h'<64 bytes>'] */
  g_assert_true (g_str_has_prefix (head, "8443a10127a04268695840"));
  g_assert_true (idw_key_verify (key, IDW_COSE_ALG_EDDSA,
                                 g_bytes_get_data (tbs, NULL), g_bytes_get_size (tbs),
                                 g_bytes_get_data (sign1->signature, NULL), 64, &error));
  g_assert_no_error (error);
}

#define CARRIED_PAYLOAD_DIFFERS "COSE_Sign1: the carried payload differs from the expected one"

static void
test_detached (void)
{
  g_autoptr(IdwKey) key = idw_key_generate_ed25519 ();
  static const guint8 payload[] = "DeviceAuthenticationBytes";
  g_autoptr(GBytes) right = g_bytes_new_static (payload, sizeof payload - 1);
  g_autoptr(GBytes) wrong = g_bytes_new_static ("DeviceAuthenticationBytez", sizeof payload - 1);
  g_autoptr(cbor_item_t) item = idw_cose_sign1_create (key, payload, sizeof payload - 1, TRUE, NULL, NULL);
  g_autoptr(cbor_item_t) attached = idw_cose_sign1_create (key, payload, sizeof payload - 1, FALSE, NULL, NULL);
  g_autoptr(IdwCoseSign1) sign1 = NULL;
  g_autoptr(IdwCoseSign1) sign1_attached = NULL;
  GError *error = NULL;

  g_assert_nonnull (item);
  g_assert_true (idw_cbor_is_null (cbor_array_handle (item)[2]));

  sign1 = round_trip (item);
  g_assert_null (sign1->payload);

  g_assert_false (idw_cose_sign1_verify (sign1, key, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD);
  g_assert_cmpstr (error->message, ==, "COSE_Sign1: the payload is detached and was not supplied");
  g_clear_error (&error);

  g_assert_true (idw_cose_sign1_verify (sign1, key, right, &error));
  g_assert_no_error (error);

  g_assert_false (idw_cose_sign1_verify (sign1, key, wrong, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE);
  g_assert_cmpstr (error->message, ==, "The EdDSA signature does not verify");
  g_clear_error (&error);

  /* Detached and attached sign the same Sig_structure. */
  sign1_attached = round_trip (attached);
  g_assert_true (g_bytes_equal (sign1->signature, sign1_attached->signature));
  g_assert_true (idw_cose_sign1_verify (sign1_attached, key, right, &error));
  g_assert_no_error (error);
  /* A carried payload that is not the expected one is refused even though
   * its own signature is fine. */
  g_assert_false (idw_cose_sign1_verify (sign1_attached, key, wrong, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE);
  g_assert_cmpstr (error->message, ==, CARRIED_PAYLOAD_DIFFERS);
  g_clear_error (&error);

  /* The other way round: the signature is good for the expected payload,
   * but what the structure carries is something else, which the caller
   * might go on to read. */
  {
    g_autoptr(IdwCoseSign1) swapped = round_trip (attached);

    g_clear_pointer (&swapped->payload, g_bytes_unref);
    swapped->payload = g_bytes_ref (wrong);
    g_assert_false (idw_cose_sign1_verify (swapped, key, right, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE);
    g_assert_cmpstr (error->message, ==, CARRIED_PAYLOAD_DIFFERS);
    g_clear_error (&error);
  }

  /* Empty payloads work too. */
  {
    g_autoptr(cbor_item_t) empty = idw_cose_sign1_create (key, NULL, 0, FALSE, NULL, NULL);
    g_autoptr(IdwCoseSign1) e = round_trip (empty);

    g_assert_cmpuint (g_bytes_get_size (e->payload), ==, 0);
    g_assert_true (idw_cose_sign1_verify (e, key, NULL, &error));
    g_assert_no_error (error);
  }
}

static void
test_sign1_structure_errors (void)
{
  static const struct { const char *hex; gint code; } cases[] = {
    { "a0", IDW_ERROR_MALFORMED },                                  /* a map */
    { "83a0a0f6", IDW_ERROR_MALFORMED },                            /* three elements */
    { "8543a10127a0f64000", IDW_ERROR_MALFORMED },                  /* five */
    { "d1" "8443a10127a0f640", IDW_ERROR_MALFORMED },               /* tag 17 (Mac0) */
    { "84a10127a0f640", IDW_ERROR_WRONG_TYPE },                     /* protected not a bstr */
    { "8443a1012780f640", IDW_ERROR_WRONG_TYPE },                   /* unprotected not a map */
    { "8443a10127a00140", IDW_ERROR_WRONG_TYPE },                   /* payload an int */
    { "8443a10127a0f66178", IDW_ERROR_WRONG_TYPE },                 /* signature text */
    { "8443a10181a0f640", IDW_ERROR_MALFORMED },                    /* protected truncated */
    { "8441ffa0f640", IDW_ERROR_MALFORMED },                        /* protected a break */
    { "8442a101a0f640", IDW_ERROR_MALFORMED },
    { "8444a1012700a0f640", IDW_ERROR_MALFORMED },                  /* trailing byte */
    { "8445a201270127a0f640", IDW_ERROR_DUPLICATE },                /* duplicate label */
    { "8441 80a0f640", IDW_ERROR_WRONG_TYPE },                      /* protected an array */
    { "8440a0f640", IDW_ERROR_MISSING_FIELD },                      /* empty protected */
    { "8441a0a10127f640", IDW_ERROR_MISSING_FIELD },                /* alg unprotected only */
    { "8443a10127a10127f640", IDW_ERROR_MALFORMED },                /* alg in both */
    { "8443a10127a1180127f640", IDW_ERROR_MALFORMED },              /* ... non-minimally */
    { "8443a10127a10427f640", 0 },                                  /* other labels are fine */
    { "8443a10140a0f640", IDW_ERROR_WRONG_TYPE },                   /* alg a bstr */
    { "8443a10126a0f640", 0 },                                      /* fine: ES256 */
    { "8443a10120a0f640", IDW_ERROR_UNSUPPORTED },                  /* alg -1 */
    { "8445a101390101a0f640", IDW_ERROR_UNSUPPORTED },              /* alg -258 */
    { "8443a10105a0f640", IDW_ERROR_UNSUPPORTED },                  /* alg 5 (HMAC) */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwCoseSign1) sign1 = parse_hex (cases[i].hex, &error);

      g_test_message ("structure %s", cases[i].hex);
      if (cases[i].code == 0)
        {
          g_assert_no_error (error);
          g_assert_nonnull (sign1);
          continue;
        }
      g_assert_null (sign1);
      g_assert_error (error, IDW_ERROR, cases[i].code);
    }

  {
    GError *error = NULL;

    g_assert_null (idw_cose_sign1_parse (NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
    g_clear_error (&error);
  }
  idw_cose_sign1_free (NULL);
}

/* ISO 18013-5 Annex D ---------------------------------------------------- */

static GBytes *
read_hex_file (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "annexd", name, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return hex_to_bytes (contents);
}

static IdwKey *
key_from_certificate (GBytes *der)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_pubkey_t pubkey = NULL;
  gnutls_datum_t datum, x = { NULL, 0 }, y = { NULL, 0 };
  gnutls_ecc_curve_t curve;
  g_autoptr(GBytes) xb = NULL;
  g_autoptr(GBytes) yb = NULL;
  g_autoptr(GError) error = NULL;
  IdwKey *key;

  datum.data = (unsigned char *) g_bytes_get_data (der, NULL);
  datum.size = (unsigned int) g_bytes_get_size (der);
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER), ==, 0);
  g_assert_cmpint (gnutls_pubkey_init (&pubkey), ==, 0);
  g_assert_cmpint (gnutls_pubkey_import_x509 (pubkey, crt, 0), ==, 0);
  g_assert_cmpint (gnutls_pubkey_export_ecc_raw2 (pubkey, &curve, &x, &y, GNUTLS_EXPORT_FLAG_NO_LZ), ==, 0);
  g_assert_cmpint (curve, ==, GNUTLS_ECC_CURVE_SECP256R1);
  xb = left_pad (&x, 32);
  yb = left_pad (&y, 32);
  gnutls_free (x.data);
  gnutls_free (y.data);
  gnutls_pubkey_deinit (pubkey);
  gnutls_x509_crt_deinit (crt);

  key = idw_key_new_ec_public (IDW_CURVE_P256, g_bytes_get_data (xb, NULL), 32,
                               g_bytes_get_data (yb, NULL), 32, &error);
  g_assert_no_error (error);
  return key;
}

static void
test_annexd_issuer_auth (void)
{
  g_autoptr(GBytes) response_bytes = read_hex_file ("annexd-device-response.hex");
  g_autoptr(GError) error = NULL;
  g_autoptr(cbor_item_t) response = NULL;
  g_autoptr(IdwCoseSign1) sign1 = NULL;
  g_autoptr(IdwKey) ds_key = NULL;
  g_autoptr(GBytes) cert = NULL;
  g_autoptr(cbor_item_t) mso = NULL;
  g_autoptr(IdwKey) device_key = NULL;
  cbor_item_t *documents;
  cbor_item_t *issuer_auth;
  cbor_item_t *x5chain;
  cbor_item_t *mso_tagged;

  g_assert_cmpuint (g_bytes_get_size (response_bytes), ==, 3562);
  response = idw_cbor_decode_bytes (response_bytes, &error);
  g_assert_no_error (error);

  documents = idw_cbor_require (response, "documents", CBOR_TYPE_ARRAY, "DeviceResponse", &error);
  g_assert_no_error (error);
  issuer_auth = idw_cbor_map_get (idw_cbor_map_get (cbor_array_handle (documents)[0], "issuerSigned"),
                                  "issuerAuth");
  g_assert_nonnull (issuer_auth);

  sign1 = idw_cose_sign1_parse (issuer_auth, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sign1->alg, ==, IDW_COSE_ALG_ES256);
  x5chain = idw_cose_sign1_get_header (sign1, IDW_COSE_HEADER_X5CHAIN);
  g_assert_nonnull (x5chain);
  g_assert_true (cbor_isa_bytestring (x5chain));
  cert = idw_cbor_dup_bytes (x5chain);
  ds_key = key_from_certificate (cert);

  g_assert_true (idw_cose_sign1_verify (sign1, ds_key, NULL, &error));
  g_assert_no_error (error);

  /* The payload is the tag-24 MSO; its device key is an EC2 P-256 COSE_Key. */
  mso_tagged = idw_cbor_decode_bytes (sign1->payload, &error);
  g_assert_no_error (error);
  mso = idw_cbor_decode_tag24 (mso_tagged, NULL, &error);
  idw_cbor_unref (mso_tagged);
  g_assert_no_error (error);
  device_key = idw_cose_key_decode (idw_cbor_map_get (idw_cbor_map_get (mso, "deviceKeyInfo"), "deviceKey"),
                                      &error);
  g_assert_no_error (error);
  g_assert_cmpint (idw_key_get_curve (device_key), ==, IDW_CURVE_P256);

  /* One flipped payload bit breaks it. */
  {
    gsize len;
    const guint8 *p = g_bytes_get_data (sign1->payload, &len);
    g_autofree guint8 *copy = g_memdup2 (p, len);

    copy[len / 2] ^= 0x01;
    g_clear_pointer (&sign1->payload, g_bytes_unref);
    sign1->payload = g_bytes_new_take (g_steal_pointer (&copy), len);
    g_assert_false (idw_cose_sign1_verify (sign1, ds_key, NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE);
  }
}

/* A COSE_Sign1 [<< protected >>, unprotected, h'00', h'00'] with the given
 * header maps (stolen). */
static cbor_item_t *
sign1_with_headers (cbor_item_t *protected_map,
                    cbor_item_t *unprotected)
{
  g_autoptr(GBytes) protected_bytes = idw_cbor_encode (protected_map);
  cbor_item_t *array = idw_cbor_new_array ();
  static const guint8 zero = 0;

  idw_cbor_array_add (array, idw_cbor_new_gbytes (protected_bytes));
  idw_cbor_array_add (array, unprotected);
  idw_cbor_array_add (array, idw_cbor_new_bytes (&zero, 1));
  idw_cbor_array_add (array, idw_cbor_new_bytes (&zero, 1));
  idw_cbor_unref (protected_map);
  return array;
}

/* RFC 9052 §3.1: crit names what a recipient must understand. */
static void
test_sign1_crit (void)
{
  enum { UNKNOWN_LABEL = 99 };
  static const struct
  {
    int         crit;        /* 0 none; 1 [alg]; 2 [kid]; 3 [x5chain]; 4 [99]; 5 []; 6 [99] unprotected;
                              * 7 [7] (absent); 8 ["text"]; 9 not an array */
    int         code;        /* -1: parses */
    const char *words;
  } cases[] = {
    { 0, -1, NULL },
    { 1, -1, NULL },
    { 2, -1, NULL },
    { 3, -1, NULL },
    { 4, IDW_ERROR_UNSUPPORTED, "COSE_Sign1: the critical header parameter 99 is not understood" },
    { 5, IDW_ERROR_WRONG_TYPE, "COSE_Sign1: crit: expected a non-empty array of labels" },
    { 6, IDW_ERROR_MALFORMED, "COSE_Sign1: the crit header parameter must be protected" },
    { 7, IDW_ERROR_MALFORMED, "COSE_Sign1: crit names the header parameter 7, which is not in the protected header" },
    { 8, IDW_ERROR_UNSUPPORTED, "COSE_Sign1: the critical header parameter \"text\" is not understood" },
    { 9, IDW_ERROR_WRONG_TYPE, "COSE_Sign1: crit: expected a non-empty array of labels" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      cbor_item_t *protected_map = idw_cbor_new_map ();
      cbor_item_t *unprotected = idw_cbor_new_map ();
      cbor_item_t *crit = idw_cbor_new_array ();
      g_autoptr(cbor_item_t) sign1_item = NULL;
      g_autoptr(IdwCoseSign1) sign1 = NULL;
      g_autoptr(GError) error = NULL;
      static const guint8 kid[] = { 'k' };

      idw_cbor_map_add_int (protected_map, IDW_COSE_HEADER_ALG, idw_cbor_new_int (IDW_COSE_ALG_EDDSA));
      idw_cbor_map_add_int (protected_map, IDW_COSE_HEADER_KID, idw_cbor_new_bytes (kid, sizeof kid));
      idw_cbor_map_add_int (protected_map, IDW_COSE_HEADER_X5CHAIN, idw_cbor_new_bytes (kid, sizeof kid));
      idw_cbor_map_add_int (protected_map, UNKNOWN_LABEL, idw_cbor_new_int (1));
      idw_cbor_map_add_str (protected_map, "text", idw_cbor_new_int (1));

      switch (cases[i].crit)
        {
        case 1: idw_cbor_array_add (crit, idw_cbor_new_int (IDW_COSE_HEADER_ALG)); break;
        case 2: idw_cbor_array_add (crit, idw_cbor_new_int (IDW_COSE_HEADER_KID)); break;
        case 3: idw_cbor_array_add (crit, idw_cbor_new_int (IDW_COSE_HEADER_X5CHAIN)); break;
        case 4: case 6: idw_cbor_array_add (crit, idw_cbor_new_int (UNKNOWN_LABEL)); break;
        case 7: idw_cbor_array_add (crit, idw_cbor_new_int (7)); break;
        case 8: idw_cbor_array_add (crit, idw_cbor_new_string ("text")); break;
        default: break;
        }
      if (cases[i].crit == 6)
        idw_cbor_map_add_int (unprotected, IDW_COSE_HEADER_CRIT, crit);
      else if (cases[i].crit == 9)
        {
          idw_cbor_unref (crit);
          idw_cbor_map_add_int (protected_map, IDW_COSE_HEADER_CRIT, idw_cbor_new_int (99));
        }
      else if (cases[i].crit != 0)
        idw_cbor_map_add_int (protected_map, IDW_COSE_HEADER_CRIT, crit);
      else
        idw_cbor_unref (crit);

      sign1_item = sign1_with_headers (protected_map, unprotected);
      sign1 = idw_cose_sign1_parse (sign1_item, &error);
      g_test_message ("case %u", i);
      if (cases[i].code < 0)
        {
          g_assert_no_error (error);
          g_assert_nonnull (sign1);
        }
      else
        {
          g_assert_null (sign1);
          g_assert_error (error, IDW_ERROR, cases[i].code);
          g_assert_cmpstr (error->message, ==, cases[i].words);
        }
    }

  /* COSE_Mac0 understands no x5chain. */
  {
    cbor_item_t *protected_map = idw_cbor_new_map ();
    cbor_item_t *crit = idw_cbor_new_array ();
    g_autoptr(cbor_item_t) mac0_item = NULL;
    g_autoptr(IdwCoseMac0) mac0 = NULL;
    g_autoptr(GError) error = NULL;
    static const guint8 der[] = { 0x30 };

    idw_cbor_map_add_int (protected_map, IDW_COSE_HEADER_ALG, idw_cbor_new_int (IDW_COSE_ALG_HMAC_256_256));
    idw_cbor_map_add_int (protected_map, IDW_COSE_HEADER_X5CHAIN, idw_cbor_new_bytes (der, 1));
    idw_cbor_array_add (crit, idw_cbor_new_int (IDW_COSE_HEADER_X5CHAIN));
    idw_cbor_map_add_int (protected_map, IDW_COSE_HEADER_CRIT, crit);
    mac0_item = sign1_with_headers (protected_map, idw_cbor_new_map ());
    mac0 = idw_cose_mac0_parse (mac0_item, &error);
    g_assert_null (mac0);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
    g_assert_cmpstr (error->message, ==, "COSE_Mac0: the critical header parameter 33 is not understood");
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cose/sign1/eddsa", test_eddsa_sign1);
  g_test_add_func ("/cose/sign1/eddsa-deterministic", test_eddsa_deterministic);
  g_test_add_func ("/cose/sign1/detached", test_detached);
  g_test_add_func ("/cose/sign1/structure-errors", test_sign1_structure_errors);
  g_test_add_func ("/cose/sign1/crit", test_sign1_crit);
  g_test_add_func ("/cose/sign1/annexd-issuer-auth", test_annexd_issuer_auth);

  return g_test_run ();
}
