/* test-cose-ecdsa.c: ES256/ES384/ES512 COSE_Sign1 against the
 * cose-wg/Examples vectors and signatures made here with GnuTLS
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

/* cose-wg/Examples ----------------------------------------------------- */

static void
assert_verifies (const char *hex,
                 IdwKey     *key,
                 gint64      alg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCoseSign1) sign1 = parse_hex (hex, &error);

  g_assert_no_error (error);
  g_assert_nonnull (sign1);
  g_assert_cmpint (sign1->alg, ==, alg);
  g_assert_nonnull (sign1->payload);
  g_assert_cmpmem (g_bytes_get_data (sign1->payload, NULL), g_bytes_get_size (sign1->payload),
                   "This is the content.", 20);
  g_assert_true (idw_cose_sign1_verify (sign1, key, NULL, &error));
  g_assert_no_error (error);
}

static void
test_cose_wg_es256 (void)
{
  g_autoptr(IdwKey) key = ec_key_hex (IDW_CURVE_P256, COSE_WG_P256_X, COSE_WG_P256_Y);
  g_autoptr(IdwCoseSign1) sign1 = NULL;
  g_autoptr(GError) error = NULL;
  cbor_item_t *kid;

  assert_verifies (ECDSA_SIG_01, key, IDW_COSE_ALG_ES256);
  assert_verifies (SIGN_PASS_03, key, IDW_COSE_ALG_ES256);

  /* Headers: protected first, then unprotected. */
  sign1 = parse_hex (ECDSA_SIG_01, &error);
  g_assert_no_error (error);
  {
    g_autofree char *prot = bytes_to_hex (sign1->protected_bytes);

    g_assert_cmpstr (prot, ==, "a201260300");
  }
  kid = idw_cose_sign1_get_header (sign1, 4);
  g_assert_nonnull (kid);
  g_assert_true (cbor_isa_bytestring (kid));
  g_assert_cmpmem (cbor_bytestring_handle (kid), cbor_bytestring_length (kid), "11", 2);
  g_assert_nonnull (idw_cose_sign1_get_header (sign1, 3));
  g_assert_null (idw_cose_sign1_get_header (sign1, IDW_COSE_HEADER_X5CHAIN));

  /* Tampered payload, protected header and signature. */
  assert_tamper_fails (ECDSA_SIG_01, key, 2, 0, IDW_ERROR_BAD_SIGNATURE,
                       "The ES256 signature does not verify");
  assert_tamper_fails (ECDSA_SIG_01, key, 2, 19, IDW_ERROR_BAD_SIGNATURE,
                       "The ES256 signature does not verify");
  assert_tamper_fails (ECDSA_SIG_01, key, 0, 4, IDW_ERROR_BAD_SIGNATURE,
                       "The ES256 signature does not verify");   /* 3: 0 -> 3: 1 */
  assert_tamper_fails (ECDSA_SIG_01, key, 3, 0, IDW_ERROR_BAD_SIGNATURE,
                       "The ES256 signature does not verify");
  assert_tamper_fails (ECDSA_SIG_01, key, 3, 40, IDW_ERROR_BAD_SIGNATURE,
                       "The ES256 signature does not verify");
  assert_tamper_fails (ECDSA_SIG_01, key, 3, 63, IDW_ERROR_BAD_SIGNATURE,
                       "The ES256 signature does not verify");
  /* The protected alg changed to -8 (EdDSA): a P-256 key refuses it. */
  assert_tamper_fails (ECDSA_SIG_01, key, 0, 2, IDW_ERROR_UNSUPPORTED,
                       "COSE_Sign1: an EdDSA signature cannot be checked with a P-256 key");
}

static void
test_cose_wg_es384_es512 (void)
{
  g_autoptr(IdwKey) p384 = ec_key_hex (IDW_CURVE_P384, COSE_WG_P384_X, COSE_WG_P384_Y);
  g_autoptr(IdwKey) p521 = ec_key_hex (IDW_CURVE_P521, COSE_WG_P521_X, COSE_WG_P521_Y);

  assert_verifies (ECDSA_SIG_02, p384, IDW_COSE_ALG_ES384);
  assert_verifies (ECDSA_SIG_03, p521, IDW_COSE_ALG_ES512);

  assert_tamper_fails (ECDSA_SIG_02, p384, 2, 5, IDW_ERROR_BAD_SIGNATURE,
                       "The ES384 signature does not verify");
  assert_tamper_fails (ECDSA_SIG_02, p384, 3, 95, IDW_ERROR_BAD_SIGNATURE,
                       "The ES384 signature does not verify");
  assert_tamper_fails (ECDSA_SIG_03, p521, 2, 5, IDW_ERROR_BAD_SIGNATURE,
                       "The ES512 signature does not verify");
  assert_tamper_fails (ECDSA_SIG_03, p521, 3, 131, IDW_ERROR_BAD_SIGNATURE,
                       "The ES512 signature does not verify");

  /* Each key only for its own algorithm. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(IdwCoseSign1) sign1 = parse_hex (ECDSA_SIG_02, &error);

    g_assert_no_error (error);
    g_assert_false (idw_cose_sign1_verify (sign1, p521, NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
  }
}

static void
test_cose_wg_failures (void)
{
  g_autoptr(IdwKey) key = ec_key_hex (IDW_CURVE_P256, COSE_WG_P256_X, COSE_WG_P256_Y);
  static const struct { const char *hex; gint parse_code; gint verify_code; } cases[] = {
    { SIGN_FAIL_01, IDW_ERROR_MALFORMED, 0 },
    { SIGN_FAIL_02, 0, IDW_ERROR_BAD_SIGNATURE },
    { SIGN_FAIL_03, IDW_ERROR_UNSUPPORTED, 0 },
    { SIGN_FAIL_04, IDW_ERROR_UNSUPPORTED, 0 },
    { SIGN_FAIL_06, 0, IDW_ERROR_BAD_SIGNATURE },
    { SIGN_FAIL_07, 0, IDW_ERROR_BAD_SIGNATURE },
    { SIGN_PASS_01, IDW_ERROR_MISSING_FIELD, 0 },
    { SIGN_PASS_02, 0, IDW_ERROR_BAD_SIGNATURE },
    { ECDSA_SIG_04, 0, IDW_ERROR_UNSUPPORTED },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwCoseSign1) sign1 = parse_hex (cases[i].hex, &error);

      g_test_message ("case %zu", i);
      if (cases[i].parse_code != 0)
        {
          g_assert_null (sign1);
          g_assert_error (error, IDW_ERROR, cases[i].parse_code);
          g_assert_true (g_str_has_prefix (error->message, "COSE_Sign1: "));
          continue;
        }
      g_assert_no_error (error);
      g_assert_false (idw_cose_sign1_verify (sign1, key, NULL, &error));
      g_assert_error (error, IDW_ERROR, cases[i].verify_code);
      if (cases[i].verify_code == IDW_ERROR_BAD_SIGNATURE)
        g_assert_cmpstr (error->message, ==, "The ES256 signature does not verify");
    }
}

/* ECDSA signatures made here with GnuTLS --------------------------------- */

static cbor_item_t *
ecdsa_sign1 (gnutls_privkey_t  priv,
             const EcParams   *params,
             const char       *payload)
{
  g_autoptr(cbor_item_t) protected_map = idw_cbor_new_map ();
  g_autoptr(GBytes) protected_bytes = NULL;
  g_autoptr(cbor_item_t) tbs_item = idw_cbor_new_array ();
  g_autoptr(GBytes) tbs = NULL;
  g_autoptr(GBytes) raw_bytes = NULL;
  cbor_item_t *sign1;

  idw_cbor_map_add_int (protected_map, 1, idw_cbor_new_int (params->alg));
  protected_bytes = idw_cbor_encode (protected_map);

  /* The Sig_structure built independently of the code under test. */
  idw_cbor_array_add (tbs_item, idw_cbor_new_string ("Signature1"));
  idw_cbor_array_add (tbs_item, idw_cbor_new_gbytes (protected_bytes));
  idw_cbor_array_add (tbs_item, idw_cbor_new_bytes (NULL, 0));
  idw_cbor_array_add (tbs_item, idw_cbor_new_bytes ((const guint8 *) payload, strlen (payload)));
  tbs = idw_cbor_encode (tbs_item);
  raw_bytes = ecdsa_raw_sign (priv, params, tbs);

  sign1 = idw_cbor_new_array ();
  idw_cbor_array_add (sign1, idw_cbor_new_gbytes (protected_bytes));
  idw_cbor_array_add (sign1, idw_cbor_new_map ());
  idw_cbor_array_add (sign1, idw_cbor_new_bytes ((const guint8 *) payload, strlen (payload)));
  idw_cbor_array_add (sign1, idw_cbor_new_gbytes (raw_bytes));
  return sign1;
}

static void
test_ecdsa_generated (void)
{
  for (gsize c = 0; c < G_N_ELEMENTS (ec_params); c++)
    {
      const EcParams *params = &ec_params[c];
      gnutls_privkey_t priv = NULL;
      g_autoptr(IdwKey) key = NULL;
      g_autoptr(IdwKey) from_cose = NULL;
      g_autoptr(cbor_item_t) cose_key = NULL;
      g_autoptr(GError) error = NULL;
      /* Enough signatures that some r or s starts with a zero byte. */
      guint rounds = params->curve == IDW_CURVE_P256 ? 300 : 40;

      g_test_message ("curve %d", params->curve);
      g_assert_cmpint (gnutls_privkey_init (&priv), ==, 0);
      g_assert_cmpint (gnutls_privkey_generate (priv, GNUTLS_PK_ECDSA,
                                                GNUTLS_CURVE_TO_BITS (params->gnutls_curve), 0), ==, 0);
      key = ec_key_from_gnutls (priv, params);
      g_assert_cmpint (idw_key_get_curve (key), ==, params->curve);
      g_assert_true (idw_key_allows_alg (key, params->alg));
      g_assert_false (idw_key_has_private (key));

      /* Through COSE_Key and back, so the parsed key is what verifies. */
      cose_key = idw_cose_key_encode (key, TRUE);
      g_assert_null (idw_cbor_map_get_int (cose_key, -4));
      from_cose = idw_cose_key_decode (cose_key, &error);
      g_assert_no_error (error);
      g_assert_true (idw_key_equal (key, from_cose));

      for (guint i = 0; i < rounds; i++)
        {
          g_autofree char *payload = g_strdup_printf ("payload %u", i);
          g_autoptr(cbor_item_t) item = ecdsa_sign1 (priv, params, payload);
          g_autoptr(IdwCoseSign1) sign1 = idw_cose_sign1_parse (item, &error);

          g_assert_no_error (error);
          g_assert_cmpint (sign1->alg, ==, params->alg);
          if (!idw_cose_sign1_verify (sign1, from_cose, NULL, &error))
            g_error ("round %u: %s", i, error->message);

          /* The same signature over another payload fails. */
          if (i % 10 == 0)
            {
              g_autoptr(GBytes) other = g_bytes_new_static ("other", 5);

              g_clear_pointer (&sign1->payload, g_bytes_unref);
              g_assert_false (idw_cose_sign1_verify (sign1, from_cose, other, &error));
              g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE);
              g_clear_error (&error);
            }
        }

      gnutls_privkey_deinit (priv);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cose/sign1/cose-wg-es256", test_cose_wg_es256);
  g_test_add_func ("/cose/sign1/cose-wg-es384-es512", test_cose_wg_es384_es512);
  g_test_add_func ("/cose/sign1/cose-wg-failures", test_cose_wg_failures);
  g_test_add_func ("/cose/sign1/ecdsa-generated", test_ecdsa_generated);

  return g_test_run ();
}
