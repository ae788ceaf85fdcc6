/* test-cose-util.h: helpers, vectors and signers the test-cose*.c programs
 * share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "idw-cbor.h"
#include "idw-cose.h"
#include "idw-error.h"

/* Helpers -------------------------------------------------------------- */

static inline GBytes *
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

static inline char *
bytes_to_hex (GBytes *bytes)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    g_string_append_printf (s, "%02x", data[i]);
  return g_string_free (s, FALSE);
}

static inline cbor_item_t *
decode_hex (const char *hex)
{
  g_autoptr(GBytes) bytes = hex_to_bytes (hex);
  g_autoptr(GError) error = NULL;
  cbor_item_t *item = idw_cbor_decode_bytes (bytes, &error);

  g_assert_no_error (error);
  return item;
}

static inline IdwCoseSign1 *
parse_hex (const char  *hex,
           GError     **error)
{
  g_autoptr(cbor_item_t) item = decode_hex (hex);

  return idw_cose_sign1_parse (item, error);
}

static inline IdwKey *
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
static inline void
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

/* Re-encodes @hex with one bit flipped in element @element of the
 * COSE_Sign1 array and checks that it still parses but no longer
 * verifies, failing with @code and a message holding @words. */
static inline void
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

/* ECDSA signatures made here with GnuTLS --------------------------------- */

static inline GBytes *
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
static inline GBytes *
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

static inline IdwKey *
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

/* EdDSA COSE_Sign1 ------------------------------------------------------- */

static inline IdwCoseSign1 *
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
