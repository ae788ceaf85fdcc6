/* idw-key-signature.c: signing and verifying with an IdwKey
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * EdDSA (Ed25519, RFC 8032) with libsodium; ES256, ES384 and ES512 with
 * GnuTLS (signing deterministically, RFC 6979), their signatures in COSE's
 * raw r || s form (RFC 9053 §2.1), not DER. A signature of any other
 * length than its algorithm's does not verify.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <sodium.h>

#include "idw-error.h"
#include "idw-key-private.h"

/* The signature length each algorithm produces: COSE ECDSA is raw r || s,
 * each the size of the curve's coordinates (RFC 9053 §2.1). */
static gsize
alg_signature_len (gint64 alg)
{
  switch (alg)
    {
    case IDW_COSE_ALG_EDDSA:
    case IDW_COSE_ALG_ES256:
      return 64;
    case IDW_COSE_ALG_ES384:
      return 96;
    case IDW_COSE_ALG_ES512:
      return 132;
    default:
      return 0;
    }
}

/* DER INTEGER wants the minimal magnitude; gnutls_encode_rs_value() adds
 * the sign byte itself. */
static gnutls_datum_t
strip_leading_zeros (const guint8 *p,
                     gsize         n)
{
  gnutls_datum_t d;

  while (n > 1 && p[0] == 0)
    {
      p++;
      n--;
    }
  d.data = (unsigned char *) p;
  d.size = (unsigned int) n;
  return d;
}

static gnutls_sign_algorithm_t
ecdsa_sign_algorithm (gint64 alg)
{
  return alg == IDW_COSE_ALG_ES256 ? GNUTLS_SIGN_ECDSA_SHA256
         : alg == IDW_COSE_ALG_ES384 ? GNUTLS_SIGN_ECDSA_SHA384
         : GNUTLS_SIGN_ECDSA_SHA512;
}

static gboolean
verify_ecdsa (IdwKey        *key,
               gint64         alg,
               const guint8  *data,
               gsize          len,
               const guint8  *signature,
               gsize          half,
               GError       **error)
{
  gnutls_datum_t r = strip_leading_zeros (signature, half);
  gnutls_datum_t s = strip_leading_zeros (signature + half, half);
  gnutls_datum_t der = { NULL, 0 };
  gnutls_datum_t msg;
  gnutls_sign_algorithm_t sign_algo;
  int ret;

  sign_algo = ecdsa_sign_algorithm (alg);

  if (gnutls_encode_rs_value (&der, &r, &s) < 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_FAILED,
                           _("Could not encode the ECDSA signature"));
      return FALSE;
    }

  msg.data = (unsigned char *) (data != NULL ? data : (const guint8 *) "");
  msg.size = (unsigned int) len;
  ret = gnutls_pubkey_verify_data2 (key->ec_pubkey, sign_algo, 0, &msg, &der);
  gnutls_free (der.data);

  /* Every failure (wrong signature, r or s out of range) is a signature
   * that does not verify. */
  if (ret < 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE,
                   _("The %s signature does not verify"), idw_key_alg_to_string (alg));
      return FALSE;
    }
  return TRUE;
}

/* ECDSA with the curve's hash, deterministic (RFC 6979), converted from
 * GnuTLS's DER to COSE's r || s. The private scalar is imported for this
 * one signature; GnuTLS wipes its copy when the key is freed. */
static GBytes *
sign_ecdsa (IdwKey        *key,
            const guint8  *data,
            gsize          len,
            GError       **error)
{
  gsize n = _idw_key_curve_coord_len (key->curve);
  gint64 alg = _idw_key_curve_alg (key->curve);
  gnutls_privkey_t privkey = NULL;
  gnutls_datum_t dx, dy, dk, msg;
  gnutls_datum_t der = { NULL, 0 };
  gnutls_datum_t r = { NULL, 0 };
  gnutls_datum_t s = { NULL, 0 };
  g_autofree guint8 *raw = g_malloc0 (2 * n);
  GBytes *result = NULL;
  int ret;

  dx.data = key->public_bytes + 1;
  dx.size = (unsigned int) n;
  dy.data = key->public_bytes + 1 + n;
  dy.size = (unsigned int) n;
  dk.data = key->secret;
  dk.size = (unsigned int) n;
  msg.data = (unsigned char *) (data != NULL ? data : (const guint8 *) "");
  msg.size = (unsigned int) len;

  if (gnutls_privkey_init (&privkey) < 0)
    g_error ("GnuTLS: out of memory");
  ret = gnutls_privkey_import_ecc_raw (privkey, _idw_key_curve_to_gnutls (key->curve),
                                       &dx, &dy, &dk);
  if (ret >= 0)
    ret = gnutls_privkey_sign_data2 (privkey, ecdsa_sign_algorithm (alg),
                                     GNUTLS_PRIVKEY_FLAG_REPRODUCIBLE, &msg, &der);
  gnutls_privkey_deinit (privkey);
  if (ret >= 0)
    ret = gnutls_decode_rs_value (&der, &r, &s);

  if (ret >= 0)
    {
      gnutls_datum_t rs = strip_leading_zeros (r.data, r.size);
      gnutls_datum_t ss = strip_leading_zeros (s.data, s.size);

      if (rs.size <= n && ss.size <= n)
        {
          memcpy (raw + n - rs.size, rs.data, rs.size);
          memcpy (raw + 2 * n - ss.size, ss.data, ss.size);
          result = g_bytes_new (raw, 2 * n);
        }
    }
  gnutls_free (der.data);
  gnutls_free (r.data);
  gnutls_free (s.data);

  if (result == NULL)
    g_set_error (error, IDW_ERROR, IDW_ERROR_FAILED,
                 _("Could not make the %s signature: %s"), idw_key_alg_to_string (alg),
                 ret < 0 ? gnutls_strerror (ret) : "r or s too long");
  return result;
}

/* The hardware signs a digest: the message is hashed here with the
 * curve's hash, as GnuTLS does for sign_ecdsa(). */
static GBytes *
sign_external (IdwKey        *key,
               const guint8  *data,
               gsize          len,
               GError       **error)
{
  gint64 alg = _idw_key_curve_alg (key->curve);
  gnutls_digest_algorithm_t digest_algo
    = alg == IDW_COSE_ALG_ES256 ? GNUTLS_DIG_SHA256
      : alg == IDW_COSE_ALG_ES384 ? GNUTLS_DIG_SHA384 : GNUTLS_DIG_SHA512;
  guint8 digest[64];
  gsize digest_len = gnutls_hash_get_len (digest_algo);

  g_assert (digest_len <= sizeof digest);
  if (gnutls_hash_fast (digest_algo, data != NULL ? data : (const guint8 *) "", len, digest) < 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_FAILED,
                   _("Could not make the %s signature: %s"), idw_key_alg_to_string (alg),
                   "gnutls_hash_fast");
      return NULL;
    }
  return key->sign_func (key, digest, digest_len, key->sign_data, error);
}

/**
 * idw_key_sign:
 * @key: a key with a private part: Ed25519, or EC on P-256, P-384 or P-521
 * @data: (array length=len): the message
 * @len: length of @data
 * @error: return location for a #GError
 *
 * Signs @data with the key's algorithm (idw_key_get_alg()), both
 * deterministically: Ed25519 is pure EdDSA (RFC 8032); ECDSA hashes with
 * SHA-256, SHA-384 or SHA-512 by curve, takes its nonce by RFC 6979 and
 * returns COSE's raw r || s (RFC 9053 §2.1). A hardware key
 * (idw_key_is_hardware()) has the hardware sign the hash, with a nonce of
 * its choosing, and may fail with its errors (idw-tpm.h).
 *
 * Returns: (transfer full): the signature (64 bytes for EdDSA and ES256,
 *   96 for ES384, 132 for ES512), or %NULL with %IDW_ERROR_UNSUPPORTED
 *   (no private part) or %IDW_ERROR_FAILED (GnuTLS could not sign).
 */
GBytes *
idw_key_sign (IdwKey        *key,
              const guint8  *data,
              gsize          len,
              GError       **error)
{
  guint8 sig[crypto_sign_BYTES];

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (key->sign_func != NULL)
    return sign_external (key, data, len, error);
  if (key->secret == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("This %s key has no private part and cannot sign"),
                   _idw_key_curve_name (key->curve));
      return NULL;
    }
  if (key->curve != IDW_CURVE_ED25519)
    return sign_ecdsa (key, data, len, error);

  crypto_sign_detached (sig, NULL, data != NULL ? data : (const guint8 *) "", len, key->secret);
  return g_bytes_new (sig, sizeof sig);
}

/**
 * idw_key_verify:
 * @key: the public key
 * @alg: the COSE algorithm the signature claims
 * @data: (array length=len): the signed bytes
 * @len: length of @data
 * @signature: (array length=signature_len): the signature (EdDSA, or raw
 *   r || s for ECDSA)
 * @signature_len: length of @signature; must be exactly the algorithm's
 * @error: return location for a #GError
 *
 * Verifies one signature.
 *
 * Returns: %TRUE if it verifies, else %FALSE with @error set:
 *   %IDW_ERROR_UNSUPPORTED (an unknown @alg, or one this key is not for),
 *   %IDW_ERROR_BAD_SIGNATURE (wrong length, or it does not verify).
 */
gboolean
idw_key_verify (IdwKey        *key,
                gint64         alg,
                const guint8  *data,
                gsize          len,
                const guint8  *signature,
                gsize          signature_len,
                GError       **error)
{
  const char *alg_name = idw_key_alg_to_string (alg);
  gsize expected_len;

  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (signature != NULL || signature_len == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (alg_name == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("Unsupported signature algorithm %" PRId64), alg);
      return FALSE;
    }

  if (!idw_key_allows_alg (key, alg))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("An %s signature cannot be checked with a %s key"),
                   alg_name, _idw_key_curve_name (key->curve));
      return FALSE;
    }

  expected_len = alg_signature_len (alg);
  if (signature_len != expected_len)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The %s signature has %zu byte instead of %zu",
                                "The %s signature has %zu bytes instead of %zu", signature_len),
                   alg_name, signature_len, expected_len);
      return FALSE;
    }

  if (alg == IDW_COSE_ALG_EDDSA)
    {
      _idw_key_ensure_sodium ();
      if (crypto_sign_verify_detached (signature, data != NULL ? data : (const guint8 *) "",
                                       len, key->public_bytes) != 0)
        {
          g_set_error_literal (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE,
                               _("The EdDSA signature does not verify"));
          return FALSE;
        }
      return TRUE;
    }

  return verify_ecdsa (key, alg, data, len, signature, expected_len / 2, error);
}
