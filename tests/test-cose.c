/* test-cose.c: keys, COSE_Key and COSE_Sign1 against published vectors
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

/* Helpers -------------------------------------------------------------- */

static GBytes *
hex_to_bytes (const char *hex)
{
  GByteArray *out = g_byte_array_new ();

  for (const char *p = hex; *p != '\0';)
    {
      gint hi, lo;
      guint8 b;

      if (g_ascii_isspace (*p))
        {
          p++;
          continue;
        }
      hi = g_ascii_xdigit_value (p[0]);
      lo = g_ascii_xdigit_value (p[1]);
      g_assert_cmpint (hi, >=, 0);
      g_assert_cmpint (lo, >=, 0);
      b = (guint8) (hi << 4 | lo);
      g_byte_array_append (out, &b, 1);
      p += 2;
    }
  return g_byte_array_free_to_bytes (out);
}

static char *
bytes_to_hex (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, "%02x", data[i]);
  return g_string_free (s, FALSE);
}

static cbor_item_t *
decode_hex (const char *hex)
{
  g_autoptr(GBytes) bytes = hex_to_bytes (hex);
  g_autoptr(GError) error = NULL;
  cbor_item_t *item = idw_cbor_decode_bytes (bytes, &error);

  g_assert_no_error (error);
  return item;
}

static IdwCoseSign1 *
parse_hex (const char  *hex,
           GError     **error)
{
  g_autoptr(cbor_item_t) item = decode_hex (hex);

  return idw_cose_sign1_parse (item, error);
}

static IdwKey *
ec_key_hex (IdwCurve    curve,
            const char *x_hex,
            const char *y_hex)
{
  g_autoptr(GBytes) x = hex_to_bytes (x_hex);
  g_autoptr(GBytes) y = hex_to_bytes (y_hex);
  g_autoptr(GError) error = NULL;
  IdwKey *key = idw_key_new_ec_public (curve,
                                       g_bytes_get_data (x, NULL), g_bytes_get_size (x),
                                       g_bytes_get_data (y, NULL), g_bytes_get_size (y),
                                       &error);

  g_assert_no_error (error);
  g_assert_nonnull (key);
  return key;
}

/* Flips one bit of a byte string held in an item (decoded items own their
 * buffers, so this edits in place). */
static void
flip_bit (cbor_item_t *bstr,
          gsize        index)
{
  g_assert_true (cbor_isa_bytestring (bstr));
  g_assert_cmpuint (index, <, cbor_bytestring_length (bstr));
  cbor_bytestring_handle (bstr)[index] ^= 0x01;
}

/* RFC 8032 §7.1 -------------------------------------------------------- */

typedef struct
{
  const char *secret;
  const char *public;
  const char *message;
  const char *signature;
} Rfc8032Vector;

static const Rfc8032Vector rfc8032_vectors[] = {
  {
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    "",
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  },
  {
    "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    "72",
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  },
  {
    "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
    "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
    "af82",
    "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
  },
};

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

/* cose-wg/Examples ----------------------------------------------------- */

/* Keys and messages from https://github.com/cose-wg/Examples (sign1-tests/
 * and ecdsa-examples/), coordinates converted from base64url to hex. */
#define COSE_WG_P256_X "bac5b11cad8f99f9c72b05cf4b9e26d244dc189f745228255a219a86d6a09eff"
#define COSE_WG_P256_Y "20138bf82dc1b6d562be0fa54ab7804a3a64b6d72ccfed6b6fb6ed28bbfc117e"
#define COSE_WG_P384_X "9132723f6292b010619dbe248d698c17b58756c639e7150f81bee4eb8ac37236ad0a1a19d67be32a66263e1e524d129c"
#define COSE_WG_P384_Y "98cd3078c554d832ac603c4326410ff61662459b41f1f3df5dbcc83598ff7c5ed8411ca735679d1c4cb3009397d9ef2c"
#define COSE_WG_P521_X "0072992cb3ac08ecf3e5c63dedec0d51a8c1f79ef2f82f94f3c737bf5de7986671eac625fe8257bbd0394644caaa3aaf8f27a4585fbbcad0f2457620085e5c8f42ad"
#define COSE_WG_P521_Y "01dca6947bce88bc5790485ac97427342bc35f887d86d65a089377e247e60baa55e4e8501e2ada5724ac51d6909008033ebc10ac999b9d7f5cc2519f3fe1ea1d9475"

/* ecdsa-examples/ecdsa-sig-01.json: ES256, protected {1: -7, 3: 0}. */
#define ECDSA_SIG_01 \
  "D28445A201260300A10442313154546869732069732074686520636F6E74656E742E5840EAE868ECC176883766C5DC5BA5B8DCA25DAB3C2E56A551CE5705B793914348E172727F48461FABBBA2E343492DDECAC3983686250BC68E9F1A7A07D41225B59F"
/* sign1-tests/sign-pass-03.json: ES256, untagged. */
#define SIGN_PASS_03 \
  "8443A10126A10442313154546869732069732074686520636F6E74656E742E5840EAE868ECC176883766C5DC5BA5B8DCA25DAB3C2E56A551CE5705B793914348E19F43D6C6BA654472DA301B645B293C9BA939295B97C4BDB847782BFF384C5794"
/* ecdsa-examples/ecdsa-sig-02.json: ES384 with P-384. */
#define ECDSA_SIG_02 \
  "D28444A1013822A104445033383454546869732069732074686520636F6E74656E742E5860B8F85EFF78C88F5351CED2F1887B79B296490795594B62E41E22529BB90208B7D8CDDD4A46D0E9C986464D83D0A5D1EDF39B3E2C5750364230D0E8D76460D8808E76C83830FBBD1978CC174066EB437F17887979ECF027DCC9D51BAF6C4FD8C0"
/* ecdsa-examples/ecdsa-sig-03.json: ES512 with P-521. */
#define ECDSA_SIG_03 \
  "D28444A1013823A104581E62696C626F2E62616767696E7340686F626269746F6E2E6578616D706C6554546869732069732074686520636F6E74656E742E5884000F348009BADC7DA478150AA7FA06DFD812CDF826344F17C7330563573D8F97F7A966924C3D88B108907235476E3F6BEA9F3890027792B0F94E905C217227CF064E00A6BC6A5187D0DF9B1DB7675AECFC678CE4692A8121EB8170F3592A859D518FD3B823091AAB22E6C41EB97ED92127CE8C46DCC715A247CB78921FAD1E19133AFC30"
/* ecdsa-examples/ecdsa-sig-04.json: ES512 (SHA-512) with a P-256 key. */
#define ECDSA_SIG_04 \
  "D28444A1013823A10442313154546869732069732074686520636F6E74656E742E5840EAE868ECC176883766C5DC5BA5B8DCA25DAB3C2E56A551CE5705B793914348E14A37288571498A1B64BA08D2063B8749D75CDC9D7F61EB752D23819473F6BD65"
/* sign1-tests/sign-pass-01.json: alg only in the unprotected header. */
#define SIGN_PASS_01 \
  "D28441A0A201260442313154546869732069732074686520636F6E74656E742E5840EAE868ECC176883766C5DC5BA5B8DCA25DAB3C2E56A551CE5705B793914348E11A02E5F0344BF2D4EE5C7FD75A68A9F5E0B3CC1F1FC1409C189566586FF9D610"
/* sign1-tests/sign-pass-02.json: signed with external AAD 11aa22bb…, which
 * we never use, so it must not verify with the empty AAD. */
#define SIGN_PASS_02 \
  "D28443A10126A10442313154546869732069732074686520636F6E74656E742E5840EAE868ECC176883766C5DC5BA5B8DCA25DAB3C2E56A551CE5705B793914348E155388B10C4F1B59A6733EAB416870A945111A4B2FBDBEF33A77234B1DEFF2F9B"
/* sign1-tests/sign-fail-01.json: tag 998. */
#define SIGN_FAIL_01 \
  "D903E68443A10126A10442313154546869732069732074686520636F6E74656E742E5840EAE868ECC176883766C5DC5BA5B8DCA25DAB3C2E56A551CE5705B793914348E19F43D6C6BA654472DA301B645B293C9BA939295B97C4BDB847782BFF384C5794"
/* sign1-tests/sign-fail-02.json: payload changed. */
#define SIGN_FAIL_02 \
  "D28443A10126A10442313154546869732069732074686520636F6E74656E742F5840EAE868ECC176883766C5DC5BA5B8DCA25DAB3C2E56A551CE5705B793914348E19F43D6C6BA654472DA301B645B293C9BA939295B97C4BDB847782BFF384C5794"
/* sign1-tests/sign-fail-03.json: alg -999. */
#define SIGN_FAIL_03 \
  "D28445A1013903E6A10442313154546869732069732074686520636F6E74656E742E5840EAE868ECC176883766C5DC5BA5B8DCA25DAB3C2E56A551CE5705B793914348E19F43D6C6BA654472DA301B645B293C9BA939295B97C4BDB847782BFF384C5794"
/* sign1-tests/sign-fail-04.json: alg "unknown". */
#define SIGN_FAIL_04 \
  "D2844AA10167756E6B6E6F776EA10442313154546869732069732074686520636F6E74656E742E5840EAE868ECC176883766C5DC5BA5B8DCA25DAB3C2E56A551CE5705B793914348E19F43D6C6BA654472DA301B645B293C9BA939295B97C4BDB847782BFF384C5794"
/* sign1-tests/sign-fail-06.json: protected attribute added. */
#define SIGN_FAIL_06 \
  "D28445A201260300A10442313154546869732069732074686520636F6E74656E742E5840EAE868ECC176883766C5DC5BA5B8DCA25DAB3C2E56A551CE5705B793914348E19F43D6C6BA654472DA301B645B293C9BA939295B97C4BDB847782BFF384C5794"
/* sign1-tests/sign-fail-07.json: protected attribute removed. */
#define SIGN_FAIL_07 \
  "D28443A10126A10442313154546869732069732074686520636F6E74656E742E5840EAE868ECC176883766C5DC5BA5B8DCA25DAB3C2E56A551CE5705B793914348E172727F48461FABBBA2E343492DDECAC3983686250BC68E9F1A7A07D41225B59F"

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

/* Re-encodes @hex with one bit flipped in element @element of the
 * COSE_Sign1 array and checks that it still parses but no longer
 * verifies, failing with @code and a message holding @words. */
static void
assert_tamper_fails (const char *hex,
                     IdwKey     *key,
                     guint       element,
                     gsize       index,
                     gint        code,
                     const char *words)
{
  g_autoptr(cbor_item_t) item = decode_hex (hex);
  cbor_item_t *array = cbor_isa_tag (item) ? idw_cbor_untag (item, 18) : item;
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(cbor_item_t) again = NULL;
  g_autoptr(IdwCoseSign1) sign1 = NULL;
  g_autoptr(GError) error = NULL;

  flip_bit (cbor_array_handle (array)[element], index);
  encoded = idw_cbor_encode (item);
  again = idw_cbor_decode_bytes (encoded, &error);
  g_assert_no_error (error);
  sign1 = idw_cose_sign1_parse (again, &error);
  g_assert_no_error (error);
  g_assert_false (idw_cose_sign1_verify (sign1, key, NULL, &error));
  g_assert_error (error, IDW_ERROR, code);
  if (strstr (error->message, words) == NULL)
    g_error ("“%s” lacks “%s”", error->message, words);
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

static GBytes *
left_pad (const gnutls_datum_t *d,
          gsize                 len)
{
  guint8 *buf = g_malloc0 (len);
  gsize n = d->size;
  const guint8 *p = d->data;

  /* GnuTLS may add a sign byte or drop leading zeros. */
  while (n > len && *p == 0)
    {
      p++;
      n--;
    }
  g_assert_cmpuint (n, <=, len);
  memcpy (buf + len - n, p, n);
  return g_bytes_new_take (buf, len);
}

typedef struct
{
  IdwCurve                curve;
  gnutls_ecc_curve_t      gnutls_curve;
  gnutls_digest_algorithm_t digest;
  gint64                  alg;
  gint64                  cose_crv;
  gsize                   coord;
} EcParams;

static const EcParams ec_params[] = {
  { IDW_CURVE_P256, GNUTLS_ECC_CURVE_SECP256R1, GNUTLS_DIG_SHA256, IDW_COSE_ALG_ES256, 1, 32 },
  { IDW_CURVE_P384, GNUTLS_ECC_CURVE_SECP384R1, GNUTLS_DIG_SHA384, IDW_COSE_ALG_ES384, 2, 48 },
  { IDW_CURVE_P521, GNUTLS_ECC_CURVE_SECP521R1, GNUTLS_DIG_SHA512, IDW_COSE_ALG_ES512, 3, 66 },
};

/* The raw r || s signature of @data made by GnuTLS. */
static GBytes *
ecdsa_raw_sign (gnutls_privkey_t  priv,
                const EcParams   *params,
                GBytes           *data)
{
  gnutls_datum_t in, der = { NULL, 0 }, r = { NULL, 0 }, s = { NULL, 0 };
  g_autoptr(GBytes) r_bytes = NULL;
  g_autoptr(GBytes) s_bytes = NULL;
  GByteArray *raw = g_byte_array_new ();

  in.data = (unsigned char *) g_bytes_get_data (data, NULL);
  in.size = (unsigned int) g_bytes_get_size (data);
  g_assert_cmpint (gnutls_privkey_sign_data (priv, params->digest, 0, &in, &der), ==, 0);
  g_assert_cmpint (gnutls_decode_rs_value (&der, &r, &s), ==, 0);
  r_bytes = left_pad (&r, params->coord);
  s_bytes = left_pad (&s, params->coord);
  gnutls_free (der.data);
  gnutls_free (r.data);
  gnutls_free (s.data);

  g_byte_array_append (raw, g_bytes_get_data (r_bytes, NULL), (guint) params->coord);
  g_byte_array_append (raw, g_bytes_get_data (s_bytes, NULL), (guint) params->coord);
  return g_byte_array_free_to_bytes (raw);
}

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

static IdwKey *
ec_key_from_gnutls (gnutls_privkey_t  priv,
                    const EcParams   *params)
{
  gnutls_ecc_curve_t curve;
  gnutls_datum_t x = { NULL, 0 }, y = { NULL, 0 };
  g_autoptr(GBytes) xb = NULL;
  g_autoptr(GBytes) yb = NULL;
  g_autoptr(GError) error = NULL;
  IdwKey *key;

  g_assert_cmpint (gnutls_privkey_export_ecc_raw2 (priv, &curve, &x, &y, NULL, 0), ==, 0);
  g_assert_cmpint (curve, ==, params->gnutls_curve);
  xb = left_pad (&x, params->coord);
  yb = left_pad (&y, params->coord);
  gnutls_free (x.data);
  gnutls_free (y.data);

  key = idw_key_new_ec_public (params->curve,
                               g_bytes_get_data (xb, NULL), params->coord,
                               g_bytes_get_data (yb, NULL), params->coord, &error);
  g_assert_no_error (error);
  return key;
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

static IdwCoseSign1 *
round_trip (cbor_item_t *item)
{
  g_autoptr(GBytes) encoded = idw_cbor_encode (item);
  g_autoptr(GError) error = NULL;
  g_autoptr(cbor_item_t) decoded = idw_cbor_decode_bytes (encoded, &error);
  IdwCoseSign1 *sign1;

  g_assert_no_error (error);
  sign1 = idw_cose_sign1_parse (decoded, &error);
  g_assert_no_error (error);
  return sign1;
}

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
      IDW_ERROR_UNSUPPORTED },                                     /* private EC2 */
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

  g_test_add_func ("/cose/ed25519/rfc8032-vectors", test_rfc8032_vectors);
  g_test_add_func ("/cose/ed25519/keys", test_ed25519_keys);
  g_test_add_func ("/cose/ed25519/bad-points", test_ed25519_bad_points);
  g_test_add_func ("/cose/verify/checks", test_verify_checks);
  g_test_add_func ("/cose/verify/alg-names", test_alg_names);
  g_test_add_func ("/cose/sign1/cose-wg-es256", test_cose_wg_es256);
  g_test_add_func ("/cose/sign1/cose-wg-es384-es512", test_cose_wg_es384_es512);
  g_test_add_func ("/cose/sign1/cose-wg-failures", test_cose_wg_failures);
  g_test_add_func ("/cose/sign1/ecdsa-generated", test_ecdsa_generated);
  g_test_add_func ("/cose/verify/signature-length", test_signature_length);
  g_test_add_func ("/cose/sign1/eddsa", test_eddsa_sign1);
  g_test_add_func ("/cose/sign1/eddsa-deterministic", test_eddsa_deterministic);
  g_test_add_func ("/cose/sign1/detached", test_detached);
  g_test_add_func ("/cose/sign1/structure-errors", test_sign1_structure_errors);
  g_test_add_func ("/cose/sign1/crit", test_sign1_crit);
  g_test_add_func ("/cose/sign1/annexd-issuer-auth", test_annexd_issuer_auth);
  g_test_add_func ("/cose/ec/bad-points", test_ec_bad_points);
  g_test_add_func ("/cose/cose-key/okp", test_cose_key_okp);
  g_test_add_func ("/cose/cose-key/ec2", test_cose_key_ec2);
  g_test_add_func ("/cose/cose-key/errors", test_cose_key_errors);

  return g_test_run ();
}
