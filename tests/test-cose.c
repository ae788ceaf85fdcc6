/* test-cose.c: keys and signatures: Ed25519 (RFC 8032), EC points,
 * what idw_key_verify() checks, signature lengths
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

/* RFC 8032 §7.1 -------------------------------------------------------- */

static void
test_rfc8032_vectors (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (rfc8032_vectors); i++)
    {
      const Rfc8032Vector *v = &rfc8032_vectors[i];
      g_autoptr(GBytes) seed = hex_to_bytes (v->secret);
      g_autoptr(GBytes) pub = hex_to_bytes (v->public);
      g_autoptr(GBytes) msg = hex_to_bytes (v->message);
      g_autoptr(GBytes) expected_sig = hex_to_bytes (v->signature);
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwKey) key = NULL;
      g_autoptr(IdwKey) public_key = NULL;
      g_autoptr(GBytes) sig = NULL;
      g_autoptr(GBytes) key_pub = NULL;
      g_autofree char *sig_hex = NULL;
      g_autofree guint8 *tampered = NULL;
      gsize msg_len = g_bytes_get_size (msg);
      const guint8 *msg_data = msg_len > 0 ? g_bytes_get_data (msg, NULL) : (const guint8 *) "";

      g_test_message ("RFC 8032 test %zu", i + 1);

      key = idw_key_new_ed25519_seed (g_bytes_get_data (seed, NULL), g_bytes_get_size (seed), &error);
      g_assert_no_error (error);
      g_assert_true (idw_key_has_private (key));
      g_assert_cmpint (idw_key_get_curve (key), ==, IDW_CURVE_ED25519);
      key_pub = idw_key_get_public_bytes (key);
      g_assert_true (g_bytes_equal (key_pub, pub));

      sig = idw_key_sign (key, msg_data, msg_len, &error);
      g_assert_no_error (error);
      sig_hex = bytes_to_hex (sig);
      g_assert_cmpstr (sig_hex, ==, v->signature);

      public_key = idw_key_new_ed25519_public (g_bytes_get_data (pub, NULL), g_bytes_get_size (pub), &error);
      g_assert_no_error (error);
      g_assert_false (idw_key_has_private (public_key));
      g_assert_true (idw_key_equal (key, public_key));
      g_assert_true (idw_key_verify (public_key, IDW_COSE_ALG_EDDSA, msg_data, msg_len,
                                     g_bytes_get_data (expected_sig, NULL), 64, &error));
      g_assert_no_error (error);

      /* A changed signature, and a changed message. */
      tampered = g_memdup2 (g_bytes_get_data (expected_sig, NULL), 64);
      tampered[10] ^= 0x40;
      g_assert_false (idw_key_verify (public_key, IDW_COSE_ALG_EDDSA, msg_data, msg_len,
                                      tampered, 64, &error));
      g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE);
      g_clear_error (&error);

      {
        guint8 other_msg[3] = { 0x01, 0x02, 0x03 };

        g_assert_false (idw_key_verify (public_key, IDW_COSE_ALG_EDDSA, other_msg,
                                        MIN (msg_len + 1, sizeof other_msg),
                                        g_bytes_get_data (expected_sig, NULL), 64, &error));
        g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE);
        g_clear_error (&error);
      }
    }
}

static void
test_ed25519_keys (void)
{
  g_autoptr(IdwKey) key = idw_key_generate_ed25519 ();
  g_autoptr(IdwKey) other = idw_key_generate_ed25519 ();
  g_autoptr(IdwKey) again = NULL;
  g_autoptr(IdwKey) pub_only = NULL;
  g_autoptr(GBytes) pub = idw_key_get_public_bytes (key);
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = idw_key_get_fingerprint (key);
  g_autofree char *expected_fingerprint =
    g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, pub);
  guint8 seed[32];

  g_assert_true (idw_key_has_private (key));
  g_assert_cmpuint (g_bytes_get_size (pub), ==, 32);
  g_assert_cmpstr (fingerprint, ==, expected_fingerprint);
  g_assert_cmpuint (strlen (fingerprint), ==, 64);
  g_assert_false (idw_key_equal (key, other));
  g_assert_true (idw_key_allows_alg (key, IDW_COSE_ALG_EDDSA));
  g_assert_false (idw_key_allows_alg (key, IDW_COSE_ALG_ES256));

  /* The exported seed recreates the same key. */
  g_assert_true (idw_key_export_seed (key, seed));
  again = idw_key_new_ed25519_seed (seed, sizeof seed, &error);
  memset (seed, 0, sizeof seed);
  g_assert_no_error (error);
  g_assert_true (idw_key_equal (key, again));

  /* References. */
  g_assert_true (idw_key_ref (key) == key);
  idw_key_unref (key);
  idw_key_unref (NULL);

  /* Public-only keys do not sign or export. */
  pub_only = idw_key_new_ed25519_public (g_bytes_get_data (pub, NULL), 32, &error);
  g_assert_no_error (error);
  g_assert_false (idw_key_export_seed (pub_only, seed));
  g_assert_null (idw_key_sign (pub_only, (const guint8 *) "x", 1, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* Wrong lengths. */
  g_assert_null (idw_key_new_ed25519_public (g_bytes_get_data (pub, NULL), 31, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_null (idw_key_new_ed25519_seed (seed, 31, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);
}

static void
test_ed25519_bad_points (void)
{
  /* The identity and another small-order point would accept forged
   * signatures; 0x02 || 0… is not on the curve at all. */
  static const char *bad[] = {
    "0100000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "0200000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GBytes) pk = hex_to_bytes (bad[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwKey) key = idw_key_new_ed25519_public (g_bytes_get_data (pk, NULL), 32, &error);

      g_test_message ("point %s", bad[i]);
      g_assert_null (key);
      g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
    }
}

static void
test_verify_checks (void)
{
  g_autoptr(IdwKey) ed = idw_key_generate_ed25519 ();
  g_autoptr(IdwKey) p256 = ec_key_hex (IDW_CURVE_P256,
                                       "bac5b11cad8f99f9c72b05cf4b9e26d244dc189f745228255a219a86d6a09eff",
                                       "20138bf82dc1b6d562be0fa54ab7804a3a64b6d72ccfed6b6fb6ed28bbfc117e");
  g_autoptr(GBytes) sig = idw_key_sign (ed, (const guint8 *) "abc", 3, NULL);
  const guint8 *s = g_bytes_get_data (sig, NULL);
  guint8 zeros[132] = { 0 };
  guint8 ones[132];
  GError *error = NULL;

  memset (ones, 0xff, sizeof ones);

  g_assert_true (idw_key_verify (ed, IDW_COSE_ALG_EDDSA, (const guint8 *) "abc", 3, s, 64, &error));
  g_assert_no_error (error);

  /* Unknown algorithm. */
  g_assert_false (idw_key_verify (ed, -257, (const guint8 *) "abc", 3, s, 64, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
  g_assert_cmpstr (error->message, ==, "Unsupported signature algorithm -257");
  g_clear_error (&error);

  /* Key and algorithm that do not belong together. */
  g_assert_false (idw_key_verify (p256, IDW_COSE_ALG_EDDSA, (const guint8 *) "abc", 3, s, 64, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
  g_assert_cmpstr (error->message, ==, "An EdDSA signature cannot be checked with a P-256 key");
  g_clear_error (&error);
  g_assert_false (idw_key_verify (ed, IDW_COSE_ALG_ES256, (const guint8 *) "abc", 3, zeros, 64, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
  g_assert_cmpstr (error->message, ==, "An ES256 signature cannot be checked with a Ed25519 key");
  g_clear_error (&error);
  g_assert_false (idw_key_verify (p256, IDW_COSE_ALG_ES512, (const guint8 *) "abc", 3, zeros, 132, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
  g_assert_cmpstr (error->message, ==, "An ES512 signature cannot be checked with a P-256 key");
  g_clear_error (&error);

  /* Wrong signature lengths, including a DER-encoded ECDSA signature
   * (test_signature_length() resizes valid ones). */
  g_assert_false (idw_key_verify (ed, IDW_COSE_ALG_EDDSA, (const guint8 *) "abc", 3, s, 63, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE);
  g_assert_cmpstr (error->message, ==, "The EdDSA signature has 63 bytes instead of 64");
  g_clear_error (&error);
  g_assert_false (idw_key_verify (ed, IDW_COSE_ALG_EDDSA, (const guint8 *) "abc", 3, NULL, 0, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE);
  g_assert_cmpstr (error->message, ==, "The EdDSA signature has 0 bytes instead of 64");
  g_clear_error (&error);
  g_assert_false (idw_key_verify (p256, IDW_COSE_ALG_ES256, (const guint8 *) "abc", 3, zeros, 72, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE);
  g_assert_cmpstr (error->message, ==, "The ES256 signature has 72 bytes instead of 64");
  g_clear_error (&error);

  /* r = s = 0 and r, s >= n: out of range, refused cleanly. */
  g_assert_false (idw_key_verify (p256, IDW_COSE_ALG_ES256, (const guint8 *) "abc", 3, zeros, 64, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE);
  g_assert_cmpstr (error->message, ==, "The ES256 signature does not verify");
  g_clear_error (&error);
  g_assert_false (idw_key_verify (p256, IDW_COSE_ALG_ES256, (const guint8 *) "abc", 3, ones, 64, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE);
  g_assert_cmpstr (error->message, ==, "The ES256 signature does not verify");
  g_clear_error (&error);
}

static void
test_alg_names (void)
{
  g_assert_cmpstr (idw_key_alg_to_string (-8), ==, "EdDSA");
  g_assert_cmpstr (idw_key_alg_to_string (-7), ==, "ES256");
  g_assert_cmpstr (idw_key_alg_to_string (-35), ==, "ES384");
  g_assert_cmpstr (idw_key_alg_to_string (-36), ==, "ES512");
  g_assert_null (idw_key_alg_to_string (-37));
  g_assert_null (idw_key_alg_to_string (0));
}

/* ECDSA signatures made here with GnuTLS --------------------------------- */

/* Off-curve and malformed EC points. */
static void
test_ec_bad_points (void)
{
  g_autoptr(GBytes) x = hex_to_bytes (COSE_WG_P256_X);
  g_autoptr(GBytes) y = hex_to_bytes (COSE_WG_P256_Y);
  g_autofree guint8 *bad_y = g_memdup2 (g_bytes_get_data (y, NULL), 32);
  guint8 zero[66] = { 0 };
  guint8 big[66];
  GError *error = NULL;

  memset (big, 0xff, sizeof big);
  bad_y[31] ^= 0x01;

  g_assert_null (idw_key_new_ec_public (IDW_CURVE_P256, g_bytes_get_data (x, NULL), 32, bad_y, 32, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);

  g_assert_null (idw_key_new_ec_public (IDW_CURVE_P256, zero, 32, zero, 32, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);

  g_assert_null (idw_key_new_ec_public (IDW_CURVE_P256, big, 32, big, 32, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);

  g_assert_null (idw_key_new_ec_public (IDW_CURVE_P521, big, 66, big, 66, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);

  /* A valid P-256 point is not a P-384 point (and has the wrong size). */
  g_assert_null (idw_key_new_ec_public (IDW_CURVE_P384, g_bytes_get_data (x, NULL), 32,
                                        g_bytes_get_data (y, NULL), 32, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);

  g_assert_null (idw_key_new_ec_public (IDW_CURVE_P256, g_bytes_get_data (x, NULL), 31,
                                        g_bytes_get_data (y, NULL), 32, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);

  g_assert_null (idw_key_new_ec_public (IDW_CURVE_ED25519, zero, 32, zero, 32, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
  g_clear_error (&error);
}

/* EdDSA COSE_Sign1 ------------------------------------------------------- */

/* @bytes with @delta zero bytes appended (@delta > 0) or its last -@delta
 * bytes cut off. */
static GBytes *
resize_bytes (GBytes *bytes,
              gssize  delta)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  gsize new_len = (gsize) ((gssize) len + delta);
  guint8 *copy = g_malloc0 (MAX (new_len, 1));

  g_assert_cmpint ((gssize) len + delta, >=, 0);
  memcpy (copy, data, MIN (len, new_len));
  return g_bytes_new_take (copy, new_len);
}

static void
assert_wrong_length (GError *error,
                     gint64  alg,
                     gsize   len,
                     gsize   expected_len)
{
  g_autofree char *words = g_strdup_printf ("The %s signature has %zu %s instead of %zu",
                                            idw_key_alg_to_string (alg), len,
                                            len == 1 ? "byte" : "bytes", expected_len);

  g_assert_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE);
  g_assert_cmpstr (error->message, ==, words);
}

/* Sizes a valid signature is changed by: a byte or two appended, a byte
 * or half of it cut, all of it cut. */
static const gssize signature_resizes[] = { 1, 2, -1, -32, G_MINSSIZE };

/* @signature is a valid @alg signature of @data by @key: resized, it must
 * be refused for its length. */
static void
assert_resized_refused (IdwKey       *key,
                        gint64        alg,
                        const guint8 *data,
                        gsize         len,
                        GBytes       *signature)
{
  gsize sig_len = g_bytes_get_size (signature);
  GError *error = NULL;

  g_assert_true (idw_key_verify (key, alg, data, len, g_bytes_get_data (signature, NULL), sig_len,
                                 &error));
  g_assert_no_error (error);

  for (gsize i = 0; i < G_N_ELEMENTS (signature_resizes); i++)
    {
      gssize delta = signature_resizes[i] == G_MINSSIZE ? -(gssize) sig_len : signature_resizes[i];
      g_autoptr(GBytes) resized = resize_bytes (signature, delta);
      gsize resized_len = g_bytes_get_size (resized);

      g_test_message ("%s signature resized by %" G_GSSIZE_FORMAT,
                      idw_key_alg_to_string (alg), delta);
      g_assert_false (idw_key_verify (key, alg, data, len,
                                      resized_len > 0 ? g_bytes_get_data (resized, NULL) : NULL,
                                      resized_len, &error));
      assert_wrong_length (error, alg, resized_len, sig_len);
      g_clear_error (&error);
    }
}

/* The same through a COSE_Sign1 that verifies as it is. */
static void
assert_sign1_resized_refused (IdwCoseSign1 *sign1,
                              IdwKey       *key)
{
  g_autoptr(GBytes) signature = g_bytes_ref (sign1->signature);
  gsize sig_len = g_bytes_get_size (signature);
  GError *error = NULL;

  g_assert_true (idw_cose_sign1_verify (sign1, key, NULL, &error));
  g_assert_no_error (error);

  for (gsize i = 0; i < G_N_ELEMENTS (signature_resizes); i++)
    {
      gssize delta = signature_resizes[i] == G_MINSSIZE ? -(gssize) sig_len : signature_resizes[i];

      g_test_message ("%s COSE_Sign1 signature resized by %" G_GSSIZE_FORMAT,
                      idw_key_alg_to_string (sign1->alg), delta);
      g_bytes_unref (sign1->signature);
      sign1->signature = resize_bytes (signature, delta);
      g_assert_false (idw_cose_sign1_verify (sign1, key, NULL, &error));
      assert_wrong_length (error, sign1->alg, g_bytes_get_size (sign1->signature), sig_len);
      g_clear_error (&error);
    }
  g_bytes_unref (sign1->signature);
  sign1->signature = g_steal_pointer (&signature);
}

/* A signature is exactly as long as its algorithm makes it (EdDSA 64
 * bytes; ECDSA raw r || s, 64, 96 or 132): bytes appended to a valid
 * signature, or a valid one cut short, do not verify. */
static void
test_signature_length (void)
{
  static const guint8 message[] = "the signed bytes";
  g_autoptr(IdwKey) ed = idw_key_generate_ed25519 ();
  g_autoptr(GBytes) ed_sig = idw_key_sign (ed, message, sizeof message - 1, NULL);
  static const struct
  {
    const char *hex;
    IdwCurve    curve;
    const char *x;
    const char *y;
  } vectors[] = {
    { ECDSA_SIG_01, IDW_CURVE_P256, COSE_WG_P256_X, COSE_WG_P256_Y },
    { ECDSA_SIG_02, IDW_CURVE_P384, COSE_WG_P384_X, COSE_WG_P384_Y },
    { ECDSA_SIG_03, IDW_CURVE_P521, COSE_WG_P521_X, COSE_WG_P521_Y },
  };

  g_assert_cmpuint (g_bytes_get_size (ed_sig), ==, 64);
  assert_resized_refused (ed, IDW_COSE_ALG_EDDSA, message, sizeof message - 1, ed_sig);

  for (gsize c = 0; c < G_N_ELEMENTS (ec_params); c++)
    {
      const EcParams *params = &ec_params[c];
      gnutls_privkey_t priv = NULL;
      g_autoptr(IdwKey) key = NULL;
      g_autoptr(GBytes) data = g_bytes_new_static (message, sizeof message - 1);
      g_autoptr(GBytes) sig = NULL;

      g_assert_cmpint (gnutls_privkey_init (&priv), ==, 0);
      g_assert_cmpint (gnutls_privkey_generate (priv, GNUTLS_PK_ECDSA,
                                                GNUTLS_CURVE_TO_BITS (params->gnutls_curve), 0),
                       ==, 0);
      key = ec_key_from_gnutls (priv, params);
      sig = ecdsa_raw_sign (priv, params, data);
      g_assert_cmpuint (g_bytes_get_size (sig), ==, 2 * params->coord);
      assert_resized_refused (key, params->alg, message, sizeof message - 1, sig);
      gnutls_privkey_deinit (priv);
    }

  /* COSE_Sign1: one made here with EdDSA, the published ECDSA ones. */
  {
    g_autoptr(cbor_item_t) item = idw_cose_sign1_create (ed, message, sizeof message - 1, FALSE,
                                                         NULL, NULL);
    g_autoptr(IdwCoseSign1) sign1 = round_trip (item);

    assert_sign1_resized_refused (sign1, ed);
  }
  for (gsize i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autoptr(IdwKey) key = ec_key_hex (vectors[i].curve, vectors[i].x, vectors[i].y);
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwCoseSign1) sign1 = parse_hex (vectors[i].hex, &error);

      g_assert_no_error (error);
      assert_sign1_resized_refused (sign1, key);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cose/ed25519/rfc8032-vectors", test_rfc8032_vectors);
  g_test_add_func ("/cose/ed25519/keys", test_ed25519_keys);
  g_test_add_func ("/cose/ed25519/bad-points", test_ed25519_bad_points);
  g_test_add_func ("/cose/verify/checks", test_verify_checks);
  g_test_add_func ("/cose/verify/alg-names", test_alg_names);
  g_test_add_func ("/cose/verify/signature-length", test_signature_length);
  g_test_add_func ("/cose/ec/bad-points", test_ec_bad_points);

  return g_test_run ();
}
