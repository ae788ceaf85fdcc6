/* test-cose-key.c: COSE_Key (RFC 9052 §7, RFC 9053 §7) to and from
 * IdwKey
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

/* COSE_Key --------------------------------------------------------------- */

static void
test_cose_key_okp (void)
{
  g_autoptr(GBytes) seed = hex_to_bytes (rfc8032_vectors[0].secret);
  g_autoptr(IdwKey) key = idw_key_new_ed25519_seed (g_bytes_get_data (seed, NULL), 32, NULL);
  g_autoptr(cbor_item_t) pub_cose = idw_cose_key_encode (key, FALSE);
  g_autoptr(cbor_item_t) priv_cose = idw_cose_key_encode (key, TRUE);
  g_autoptr(GBytes) pub_enc = idw_cbor_encode (pub_cose);
  g_autoptr(GBytes) priv_enc = idw_cbor_encode (priv_cose);
  g_autofree char *pub_hex = bytes_to_hex (pub_enc);
  g_autofree char *priv_hex = bytes_to_hex (priv_enc);
  g_autofree char *expected_pub = g_strconcat ("a3" "0101" "2006" "215820", rfc8032_vectors[0].public, NULL);
  g_autofree char *expected_priv = g_strconcat ("a4" "0101" "2006" "215820", rfc8032_vectors[0].public,
                                                "235820", rfc8032_vectors[0].secret, NULL);
  g_autoptr(IdwKey) pub_back = NULL;
  g_autoptr(IdwKey) priv_back = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) sig = NULL;
  g_autofree char *sig_hex = NULL;

  g_assert_cmpstr (pub_hex, ==, expected_pub);
  g_assert_cmpstr (priv_hex, ==, expected_priv);

  {
    g_autoptr(cbor_item_t) decoded = idw_cbor_decode_bytes (pub_enc, &error);

    g_assert_no_error (error);
    pub_back = idw_cose_key_decode (decoded, &error);
    g_assert_no_error (error);
  }
  g_assert_true (idw_key_equal (key, pub_back));
  g_assert_false (idw_key_has_private (pub_back));

  {
    g_autoptr(cbor_item_t) decoded = idw_cbor_decode_bytes (priv_enc, &error);

    g_assert_no_error (error);
    priv_back = idw_cose_key_decode (decoded, &error);
    g_assert_no_error (error);
  }
  g_assert_true (idw_key_equal (key, priv_back));
  g_assert_true (idw_key_has_private (priv_back));
  sig = idw_key_sign (priv_back, NULL, 0, &error);
  g_assert_no_error (error);
  sig_hex = bytes_to_hex (sig);
  g_assert_cmpstr (sig_hex, ==, rfc8032_vectors[0].signature);

  /* A public-only key writes no d even when asked. */
  {
    g_autoptr(cbor_item_t) again = idw_cose_key_encode (pub_back, TRUE);

    g_assert_null (idw_cbor_map_get_int (again, -4));
  }
}

static void
test_cose_key_ec2 (void)
{
  static const struct { IdwCurve curve; const char *x; const char *y; const char *crv; const char *len; } cases[] = {
    { IDW_CURVE_P256, COSE_WG_P256_X, COSE_WG_P256_Y, "01", "5820" },
    { IDW_CURVE_P384, COSE_WG_P384_X, COSE_WG_P384_Y, "02", "5830" },
    { IDW_CURVE_P521, COSE_WG_P521_X, COSE_WG_P521_Y, "03", "5842" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(IdwKey) key = ec_key_hex (cases[i].curve, cases[i].x, cases[i].y);
      g_autoptr(cbor_item_t) cose = idw_cose_key_encode (key, TRUE);
      g_autoptr(GBytes) enc = idw_cbor_encode (cose);
      g_autofree char *hex = bytes_to_hex (enc);
      g_autofree char *expected = g_strconcat ("a4" "0102" "20", cases[i].crv,
                                               "21", cases[i].len, cases[i].x,
                                               "22", cases[i].len, cases[i].y, NULL);
      g_autoptr(cbor_item_t) decoded = NULL;
      g_autoptr(IdwKey) back = NULL;
      g_autoptr(GBytes) pub = idw_key_get_public_bytes (key);
      g_autofree char *pub_hex = bytes_to_hex (pub);
      g_autofree char *expected_pub = g_strconcat ("04", cases[i].x, cases[i].y, NULL);
      g_autoptr(GError) error = NULL;

      g_assert_cmpstr (hex, ==, expected);
      g_assert_cmpstr (pub_hex, ==, expected_pub);

      decoded = idw_cbor_decode_bytes (enc, &error);
      g_assert_no_error (error);
      back = idw_cose_key_decode (decoded, &error);
      g_assert_no_error (error);
      g_assert_true (idw_key_equal (key, back));
      g_assert_cmpint (idw_key_get_curve (back), ==, cases[i].curve);
      g_assert_false (idw_key_has_private (back));
    }
}

#define OKP_X "215820d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
#define OKP_D "2358209d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"
#define P256_X "215820" COSE_WG_P256_X
#define P256_Y "225820" COSE_WG_P256_Y

/* A P-256 key with its private part, as a credential file carries a
 * device key the issuer made: d round-trips, the key still signs. */
static void
test_cose_key_ec2_private (void)
{
  g_autoptr(IdwKey) key = idw_key_generate_p256 ();
  g_autoptr(cbor_item_t) with_d = idw_cose_key_encode (key, TRUE);
  g_autoptr(cbor_item_t) without_d = idw_cose_key_encode (key, FALSE);
  g_autoptr(IdwKey) back = NULL;
  g_autoptr(IdwKey) public_only = NULL;
  g_autoptr(GBytes) sig = NULL;
  g_autoptr(GError) error = NULL;
  cbor_item_t *d;

  g_assert_cmpint (idw_key_get_alg (key), ==, IDW_COSE_ALG_ES256);
  g_assert_true (idw_key_has_private (key));
  d = idw_cbor_map_get_int (with_d, -4);
  g_assert_nonnull (d);
  g_assert_cmpuint (cbor_bytestring_length (d), ==, 32);
  g_assert_null (idw_cbor_map_get_int (without_d, -4));

  back = idw_cose_key_decode (with_d, &error);
  g_assert_no_error (error);
  g_assert_true (idw_key_equal (key, back));
  g_assert_true (idw_key_has_private (back));
  sig = idw_key_sign (back, (const guint8 *) "abc", 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (sig), ==, 64);
  g_assert_true (idw_key_verify (key, IDW_COSE_ALG_ES256, (const guint8 *) "abc", 3,
                                 g_bytes_get_data (sig, NULL), 64, &error));
  g_assert_no_error (error);

  public_only = idw_key_dup_public (back);
  g_assert_true (idw_key_equal (key, public_only));
  g_assert_false (idw_key_has_private (public_only));
}

static void
test_cose_key_errors (void)
{
  static const struct { const char *hex; gint code; } cases[] = {
    { "80", IDW_ERROR_WRONG_TYPE },                                /* not a map */
    { "a1" "2006", IDW_ERROR_MISSING_FIELD },                      /* no kty */
    { "a1" "0140", IDW_ERROR_WRONG_TYPE },                         /* kty a bstr */
    { "a1" "0163" "4f4b50", IDW_ERROR_UNSUPPORTED },               /* kty "OKP" */
    { "a1" "0103", IDW_ERROR_UNSUPPORTED },                        /* RSA */
    { "a1" "0104", IDW_ERROR_UNSUPPORTED },                        /* Symmetric */
    /* OKP */
    { "a2" "0101" OKP_X, IDW_ERROR_MISSING_FIELD },                /* no crv */
    { "a3" "0101" "2004" OKP_X, IDW_ERROR_UNSUPPORTED },           /* X25519 */
    { "a3" "0101" "2007" OKP_X, IDW_ERROR_UNSUPPORTED },           /* Ed448 */
    { "a3" "0101" "2001" OKP_X, IDW_ERROR_UNSUPPORTED },           /* P-256 with OKP */
    { "a3" "0101" "20f6" OKP_X, IDW_ERROR_WRONG_TYPE },            /* crv null */
    { "a2" "0101" "2006", IDW_ERROR_MISSING_FIELD },               /* no x */
    { "a3" "0101" "2006" "2161" "78", IDW_ERROR_WRONG_TYPE },      /* x text */
    { "a3" "0101" "2006" "21581f" "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f70751",
      IDW_ERROR_MALFORMED },                                       /* x 31 bytes */
    { "a3" "0101" "2006" "215821" "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a00",
      IDW_ERROR_MALFORMED },                                       /* x 33 bytes */
    { "a3" "0101" "2006" "2158200100000000000000000000000000000000000000000000000000000000000000",
      IDW_ERROR_MALFORMED },                                       /* small-order x */
    { "a4" "0101" "2006" OKP_X "23581f" "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f",
      IDW_ERROR_MALFORMED },                                       /* d 31 bytes */
    { "a4" "0101" "2006" OKP_X "2358204ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
      IDW_ERROR_MALFORMED },                                       /* d of another key */
    { "a4" "0101" "2006" OKP_X "2301", IDW_ERROR_WRONG_TYPE },    /* d an int */
    { "a4" "0101" "2006" OKP_X OKP_D, 0 },                         /* fine */
    /* EC2 */
    { "a3" "0102" P256_X P256_Y, IDW_ERROR_MISSING_FIELD },        /* no crv */
    { "a4" "0102" "2006" P256_X P256_Y, IDW_ERROR_UNSUPPORTED },   /* Ed25519 with EC2 */
    { "a4" "0102" "2008" P256_X P256_Y, IDW_ERROR_UNSUPPORTED },   /* secp256k1 */
    { "a3" "0102" "2001" P256_Y, IDW_ERROR_MISSING_FIELD },        /* no x */
    { "a3" "0102" "2001" P256_X, IDW_ERROR_MISSING_FIELD },        /* no y */
    { "a4" "0102" "2001" P256_X "22f5", IDW_ERROR_UNSUPPORTED },   /* compressed */
    { "a4" "0102" "2001" P256_X "2201", IDW_ERROR_WRONG_TYPE },    /* y an int */
    { "a4" "0102" "2002" P256_X P256_Y, IDW_ERROR_MALFORMED },     /* P-384 with 32-byte x, y */
    { "a4" "0102" "2001" "21581f" "c5b11cad8f99f9c72b05cf4b9e26d244dc189f745228255a219a86d6a09eff" P256_Y,
      IDW_ERROR_MALFORMED },                                       /* x 31 bytes */
    { "a4" "0102" "2001" "215820" "bac5b11cad8f99f9c72b05cf4b9e26d244dc189f745228255a219a86d6a09efe" P256_Y,
      IDW_ERROR_MALFORMED },                                       /* off the curve */
    { "a5" "0102" "2001" P256_X P256_Y "23" "5820" "57c92077664146e876760c9520d054aa93c3afb04e306705db6090308507b4d3",
      0 },                                                         /* private EC2 (RFC 8152 C.7.2) */
    { "a5" "0102" "2001" P256_X P256_Y "23" "5820" "0000000000000000000000000000000000000000000000000000000000000001",
      IDW_ERROR_MALFORMED },                                       /* d of another key */
    { "a5" "0102" "2001" P256_X P256_Y "23" "5820" "0000000000000000000000000000000000000000000000000000000000000000",
      IDW_ERROR_MALFORMED },                                       /* d = 0 */
    { "a5" "0102" "2001" P256_X P256_Y "23" "581f" "c92077664146e876760c9520d054aa93c3afb04e306705db6090308507b4d3",
      IDW_ERROR_MALFORMED },                                       /* d 31 bytes */
    { "a5" "0102" "2001" P256_X P256_Y "23" "01", IDW_ERROR_WRONG_TYPE }, /* d an int */
    { "a4" "0102" "2001" P256_X P256_Y, 0 },                       /* fine */
    { "a6" "0102" "2001" P256_X P256_Y "0242" "3131" "0326", 0 },  /* kid and alg ignored */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(cbor_item_t) item = decode_hex (cases[i].hex);
      g_autoptr(IdwKey) key = idw_cose_key_decode (item, &error);

      g_test_message ("COSE_Key %s", cases[i].hex);
      if (cases[i].code == 0)
        {
          g_assert_no_error (error);
          g_assert_nonnull (key);
          continue;
        }
      g_assert_null (key);
      g_assert_error (error, IDW_ERROR, cases[i].code);
      g_assert_true (g_str_has_prefix (error->message, "COSE_Key: "));
    }

  {
    GError *error = NULL;

    g_assert_null (idw_cose_key_decode (NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE);
    g_clear_error (&error);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cose/cose-key/okp", test_cose_key_okp);
  g_test_add_func ("/cose/cose-key/ec2", test_cose_key_ec2);
  g_test_add_func ("/cose/cose-key/ec2-private", test_cose_key_ec2_private);
  g_test_add_func ("/cose/cose-key/errors", test_cose_key_errors);

  return g_test_run ();
}
