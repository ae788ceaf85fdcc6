/* idw-key.c: public and private keys (IdwKey), Ed25519 keys and
 * signatures (RFC 8032), signature verification, and the HMAC and HKDF
 * behind ISO 18013-5 session MACs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * EdDSA (Ed25519) signs and verifies with libsodium; ES256/ES384/ES512
 * sign and verify with GnuTLS (idw-key-ec.c, with the EC keys and P-256 key
 * agreement). COSE ECDSA signatures are raw r||s, not DER. The COSE_Key
 * form of a key is in idw-cose-key.c.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <sodium.h>

#include "idw-error.h"
#include "idw-key-private.h"

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_privkey_t, gnutls_x509_privkey_deinit, NULL)

/* gnutls-allocated output that holds key material. */
typedef gnutls_datum_t IdwSecretDatum;

static void
idw_secret_datum_clear (IdwSecretDatum *datum)
{
  if (datum->data != NULL)
    sodium_memzero (datum->data, datum->size);
  gnutls_free (datum->data);
  datum->data = NULL;
  datum->size = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (IdwSecretDatum, idw_secret_datum_clear)

void
_idw_key_ensure_sodium (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      if (sodium_init () < 0)
        g_error ("libsodium could not be initialised");
      g_once_init_leave (&initialized, 1);
    }
}

gsize
_idw_key_curve_coord_len (IdwCurve curve)
{
  switch (curve)
    {
    case IDW_CURVE_P256:
      return 32;
    case IDW_CURVE_P384:
      return 48;
    case IDW_CURVE_P521:
      return 66;
    case IDW_CURVE_ED25519:
    default:
      return 0;
    }
}

const char *
_idw_key_curve_name (IdwCurve curve)
{
  switch (curve)
    {
    case IDW_CURVE_ED25519:
      return "Ed25519";
    case IDW_CURVE_P256:
      return "P-256";
    case IDW_CURVE_P384:
      return "P-384";
    case IDW_CURVE_P521:
      return "P-521";
    default:
      return "?";
    }
}

gint64
_idw_key_curve_alg (IdwCurve curve)
{
  switch (curve)
    {
    case IDW_CURVE_ED25519:
      return IDW_COSE_ALG_EDDSA;
    case IDW_CURVE_P256:
      return IDW_COSE_ALG_ES256;
    case IDW_CURVE_P384:
      return IDW_COSE_ALG_ES384;
    case IDW_CURVE_P521:
      return IDW_COSE_ALG_ES512;
    default:
      return 0;
    }
}

/**
 * idw_key_alg_to_string:
 * @alg: a COSE algorithm value
 *
 * Returns: (nullable): "EdDSA", "ES256", "ES384" or "ES512", or %NULL for
 *   any other value.
 */
const char *
idw_key_alg_to_string (gint64 alg)
{
  switch (alg)
    {
    case IDW_COSE_ALG_EDDSA:
      return "EdDSA";
    case IDW_COSE_ALG_ES256:
      return "ES256";
    case IDW_COSE_ALG_ES384:
      return "ES384";
    case IDW_COSE_ALG_ES512:
      return "ES512";
    default:
      return NULL;
    }
}

/* IdwKey --------------------------------------------------------------- */

IdwKey *
_idw_key_new (IdwCurve curve)
{
  IdwKey *key = g_new0 (IdwKey, 1);

  g_atomic_ref_count_init (&key->ref_count);
  key->curve = curve;
  return key;
}

/**
 * idw_key_ref:
 * @key: a key
 *
 * Returns: (transfer full): @key with one more reference.
 */
IdwKey *
idw_key_ref (IdwKey *key)
{
  g_return_val_if_fail (key != NULL, NULL);

  g_atomic_ref_count_inc (&key->ref_count);
  return key;
}

/**
 * idw_key_unref:
 * @key: (nullable): a key
 *
 * Drops a reference; the last one wipes and frees the private part.
 */
void
idw_key_unref (IdwKey *key)
{
  if (key == NULL)
    return;

  if (!g_atomic_ref_count_dec (&key->ref_count))
    return;

  /* sodium_free() zeroes the region before unmapping it. */
  g_clear_pointer (&key->secret, sodium_free);
  g_clear_pointer (&key->ec_pubkey, gnutls_pubkey_deinit);
  if (key->sign_data_destroy != NULL)
    key->sign_data_destroy (key->sign_data);
  g_free (key);
}

/* Takes a fresh secret in guarded memory. */
guint8 *
_idw_key_secret_alloc (gsize len)
{
  guint8 *secret;

  _idw_key_ensure_sodium ();
  secret = sodium_malloc (len);
  if (secret == NULL)
    g_error ("libsodium: out of guarded memory");
  return secret;
}

/**
 * idw_key_generate_ed25519:
 *
 * Generates a new Ed25519 key pair from the system's random source.
 *
 * Returns: (transfer full): a key with a private part.
 */
IdwKey *
idw_key_generate_ed25519 (void)
{
  IdwKey *key = _idw_key_new (IDW_CURVE_ED25519);

  key->secret = _idw_key_secret_alloc (crypto_sign_SECRETKEYBYTES);
  crypto_sign_keypair (key->public_bytes, key->secret);
  key->public_len = ED25519_PUBLIC_LEN;
  return key;
}

/**
 * idw_key_generate_for_alg:
 * @alg: %IDW_COSE_ALG_EDDSA or %IDW_COSE_ALG_ES256
 * @error: return location for a #GError
 *
 * Generates a key pair of the kinds a holder's device key may be: Ed25519
 * for EdDSA, P-256 for ES256.
 *
 * Returns: (transfer full): a key with a private part, or %NULL with
 *   %IDW_ERROR_UNSUPPORTED for another algorithm.
 */
IdwKey *
idw_key_generate_for_alg (gint64   alg,
                          GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  switch (alg)
    {
    case IDW_COSE_ALG_EDDSA:
      return idw_key_generate_ed25519 ();
    case IDW_COSE_ALG_ES256:
      return idw_key_generate_p256 ();
    default:
      {
        const char *name = idw_key_alg_to_string (alg);
        g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, alg);

        g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                     _("A device key cannot be made for the algorithm %s; EdDSA and ES256 can."),
                     name != NULL ? name : number);
        return NULL;
      }
    }
}

/**
 * idw_key_dup_public:
 * @key: a key
 *
 * Returns: (transfer full): a key with @key's public part and no private
 *   part, for handing on where a private part must not go.
 */
IdwKey *
idw_key_dup_public (IdwKey *key)
{
  IdwKey *copy;
  gsize n;

  g_return_val_if_fail (key != NULL, NULL);

  if (key->curve == IDW_CURVE_ED25519)
    {
      copy = _idw_key_new (key->curve);
      memcpy (copy->public_bytes, key->public_bytes, key->public_len);
      copy->public_len = key->public_len;
      return copy;
    }

  /* The public bytes are 0x04 || x || y, checked when @key was made. */
  n = _idw_key_curve_coord_len (key->curve);
  copy = idw_key_new_ec_public (key->curve, key->public_bytes + 1, n,
                                key->public_bytes + 1 + n, n, NULL);
  g_assert (copy != NULL);
  return copy;
}

/**
 * idw_key_new_ed25519_public:
 * @public_key: (array length=len): the 32-byte public key
 * @len: length of @public_key
 * @error: return location for a #GError
 *
 * Wraps an Ed25519 public key after checking that it is a canonical point
 * of the main subgroup (which also rules out the small-order keys that
 * would let any signature verify).
 *
 * Returns: (transfer full): the key, or %NULL with %IDW_ERROR_MALFORMED.
 */
IdwKey *
idw_key_new_ed25519_public (const guint8  *public_key,
                            gsize          len,
                            GError       **error)
{
  IdwKey *key;

  g_return_val_if_fail (public_key != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  _idw_key_ensure_sodium ();

  if (len != ED25519_PUBLIC_LEN)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("Ed25519 public key: expected %d bytes, got %zu"),
                   ED25519_PUBLIC_LEN, len);
      return NULL;
    }

  if (!crypto_core_ed25519_is_valid_point (public_key))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("Ed25519 public key: not a valid curve point"));
      return NULL;
    }

  key = _idw_key_new (IDW_CURVE_ED25519);
  memcpy (key->public_bytes, public_key, len);
  key->public_len = len;
  return key;
}

/**
 * idw_key_new_ed25519_seed:
 * @seed: (array length=len): the 32-byte seed (the RFC 8032 private key)
 * @len: length of @seed
 * @error: return location for a #GError
 *
 * Derives the key pair from @seed. The key keeps its own copy in guarded
 * memory; the caller wipes @seed.
 *
 * Returns: (transfer full): a key with a private part, or %NULL with
 *   %IDW_ERROR_MALFORMED when @len is not 32.
 */
IdwKey *
idw_key_new_ed25519_seed (const guint8  *seed,
                          gsize          len,
                          GError       **error)
{
  IdwKey *key;

  g_return_val_if_fail (seed != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len != ED25519_SEED_LEN)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("Ed25519 private key: expected %d bytes, got %zu"),
                   ED25519_SEED_LEN, len);
      return NULL;
    }

  key = _idw_key_new (IDW_CURVE_ED25519);
  key->secret = _idw_key_secret_alloc (crypto_sign_SECRETKEYBYTES);
  crypto_sign_seed_keypair (key->public_bytes, key->secret, seed);
  key->public_len = ED25519_PUBLIC_LEN;
  return key;
}

/* Right-aligns the big-endian number @src in @out (@out_len bytes),
 * dropping the sign byte GnuTLS prefixes. FALSE when it does not fit. */
static gboolean
copy_fixed (const gnutls_datum_t *src,
            guint8               *out,
            gsize                 out_len)
{
  const guint8 *p = src->data;
  gsize n = src->size;

  while (n > 0 && p[0] == 0)
    {
      p++;
      n--;
    }
  if (n > out_len)
    return FALSE;
  memset (out, 0, out_len - n);
  if (n > 0)
    memcpy (out + out_len - n, p, n);
  return TRUE;
}

static IdwCurve
curve_from_gnutls (gnutls_ecc_curve_t curve,
                   gboolean          *ok)
{
  *ok = TRUE;
  switch (curve)
    {
    case GNUTLS_ECC_CURVE_SECP256R1:
      return IDW_CURVE_P256;
    case GNUTLS_ECC_CURVE_SECP384R1:
      return IDW_CURVE_P384;
    case GNUTLS_ECC_CURVE_SECP521R1:
      return IDW_CURVE_P521;
    case GNUTLS_ECC_CURVE_ED25519:
      return IDW_CURVE_ED25519;
    default:
      *ok = FALSE;
      return IDW_CURVE_ED25519;
    }
}

static IdwKey *
ed25519_from_privkey (gnutls_x509_privkey_t   key,
                      GError                **error)
{
  g_auto(IdwSecretDatum) x = { NULL, 0 };
  g_auto(IdwSecretDatum) k = { NULL, 0 };
  g_autoptr(IdwKey) result = NULL;
  g_autoptr(GBytes) public_bytes = NULL;
  gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
  int ret;

  ret = gnutls_x509_privkey_export_ecc_raw (key, &curve, &x, NULL, &k);
  if (ret < 0 || curve != GNUTLS_ECC_CURVE_ED25519 || k.size != 32 || x.size != 32)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("The Ed25519 private key is malformed."));
      return NULL;
    }

  result = idw_key_new_ed25519_seed (k.data, k.size, error);
  if (result == NULL)
    return NULL;

  /* A PKCS#8 v2 key may carry its public key; it must be the one the
   * seed gives. */
  public_bytes = idw_key_get_public_bytes (result);
  if (public_bytes == NULL
      || g_bytes_get_size (public_bytes) != x.size
      || sodium_memcmp (g_bytes_get_data (public_bytes, NULL), x.data, x.size) != 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("The Ed25519 private key does not match its public key."));
      return NULL;
    }

  return g_steal_pointer (&result);
}

static IdwKey *
ec_from_privkey (gnutls_x509_privkey_t   key,
                 GError                **error)
{
  g_auto(IdwSecretDatum) x = { NULL, 0 };
  g_auto(IdwSecretDatum) y = { NULL, 0 };
  g_auto(IdwSecretDatum) k = { NULL, 0 };
  gnutls_ecc_curve_t gnutls_curve = GNUTLS_ECC_CURVE_INVALID;
  guint8 px[EC_MAX_COORD_LEN], py[EC_MAX_COORD_LEN];
  guint8 *d;
  IdwKey *result;
  IdwCurve curve;
  gboolean known;
  gsize n;
  int ret;

  ret = gnutls_x509_privkey_export_ecc_raw (key, &gnutls_curve, &x, &y, &k);
  curve = curve_from_gnutls (gnutls_curve, &known);
  if (ret < 0 || !known || curve == IDW_CURVE_ED25519)
    {
      const char *name = ret >= 0 ? gnutls_ecc_curve_get_name (gnutls_curve) : NULL;

      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("The private key is on the curve %s; only P-256, P-384 and P-521 EC keys can sign."),
                   name != NULL ? name : "?");
      return NULL;
    }

  n = _idw_key_curve_coord_len (curve);
  d = _idw_key_secret_alloc (n);
  if (!copy_fixed (&x, px, n) || !copy_fixed (&y, py, n) || !copy_fixed (&k, d, n))
    {
      sodium_free (d);
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("The %s private key is malformed."), _idw_key_curve_name (curve));
      return NULL;
    }

  result = _idw_key_new_ec_private (curve, px, py, d, error);
  sodium_free (d);
  return result;
}

/**
 * idw_key_new_from_pem:
 * @pem: (array length=len): an unencrypted PKCS#8 PEM private key
 * @len: length of @pem
 * @error: return location for a #GError
 *
 * Loads a private key as written by idw_x509_create_issuer(): Ed25519, or
 * EC on P-256, P-384 or P-521 (PKCS#8 or SEC 1 "EC PRIVATE KEY"). The
 * key type is read from the file. An EC key's public point is checked
 * against its private scalar. Temporary copies of the key are wiped.
 *
 * Returns: (transfer full): the key with its private part, or %NULL with
 *   %IDW_ERROR_MALFORMED (not a readable unencrypted key, or a public part
 *   that does not match) or %IDW_ERROR_UNSUPPORTED (RSA, another curve)
 */
IdwKey *
idw_key_new_from_pem (const char  *pem,
                      gsize        len,
                      GError     **error)
{
  g_auto(gnutls_x509_privkey_t) key = NULL;
  gnutls_datum_t datum;
  int algorithm;
  int ret;

  g_return_val_if_fail (pem != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len == 0 || len > G_MAXSSIZE || len > G_MAXUINT
      || g_strstr_len (pem, (gssize) len, "-----BEGIN") == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("The data is not a PEM private key."));
      return NULL;
    }

  ret = gnutls_x509_privkey_init (&key);
  if (ret < 0)
    {
      /* Translators: the first %s is a GnuTLS function name, the second
       * GnuTLS's description of the failure. */
      g_set_error (error, IDW_ERROR, IDW_ERROR_FAILED,
                   _("A certificate operation failed (%s): %s"),
                   "gnutls_x509_privkey_init", gnutls_strerror (ret));
      return NULL;
    }

  datum.data = (unsigned char *) pem;
  datum.size = (unsigned int) len;
  ret = gnutls_x509_privkey_import2 (key, &datum, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN);
  if (ret < 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("The private key cannot be read: %s"), gnutls_strerror (ret));
      return NULL;
    }

  algorithm = gnutls_x509_privkey_get_pk_algorithm2 (key, NULL);
  if (algorithm == GNUTLS_PK_EDDSA_ED25519)
    return ed25519_from_privkey (key, error);
  if (algorithm == GNUTLS_PK_ECDSA)
    return ec_from_privkey (key, error);

  {
    const char *algorithm_name = gnutls_pk_get_name ((gnutls_pk_algorithm_t) algorithm);

    g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                 _("The private key is a %s key; only Ed25519 and EC (P-256, P-384, P-521) keys can sign."),
                 algorithm_name != NULL ? algorithm_name : "?");
    return NULL;
  }
}

/**
 * idw_key_get_curve:
 * @key: a key
 *
 * Returns: the key's curve.
 */
IdwCurve
idw_key_get_curve (IdwKey *key)
{
  g_return_val_if_fail (key != NULL, IDW_CURVE_ED25519);

  return key->curve;
}

/**
 * idw_key_has_private:
 * @key: a key
 *
 * Returns: %TRUE when @key can sign.
 */
gboolean
idw_key_has_private (IdwKey *key)
{
  g_return_val_if_fail (key != NULL, FALSE);

  return key->secret != NULL || key->sign_func != NULL;
}

/**
 * idw_key_is_hardware:
 * @key: a key
 *
 * Returns: %TRUE when @key signs with a private part held by hardware (a
 *   TPM, idw-tpm.h): no private key bytes are in this process, and the key
 *   cannot be copied to another computer.
 */
gboolean
idw_key_is_hardware (IdwKey *key)
{
  g_return_val_if_fail (key != NULL, FALSE);

  return key->sign_func != NULL;
}

void
_idw_key_set_signer (IdwKey         *key,
                     IdwKeySignFunc  func,
                     gpointer        data,
                     GDestroyNotify  destroy)
{
  g_return_if_fail (key != NULL && func != NULL);
  g_return_if_fail (key->curve != IDW_CURVE_ED25519 && key->secret == NULL);
  g_return_if_fail (key->sign_func == NULL);

  key->sign_func = func;
  key->sign_data = data;
  key->sign_data_destroy = destroy;
}

/**
 * idw_key_get_public_bytes:
 * @key: a key
 *
 * Returns: (transfer full): Ed25519: the 32 public bytes; EC: the
 *   uncompressed point 0x04 || x || y.
 */
GBytes *
idw_key_get_public_bytes (IdwKey *key)
{
  g_return_val_if_fail (key != NULL, NULL);

  return g_bytes_new (key->public_bytes, key->public_len);
}

/**
 * idw_key_get_fingerprint:
 * @key: a key
 *
 * Returns: (transfer full): the lowercase hex SHA-256 of
 *   idw_key_get_public_bytes().
 */
char *
idw_key_get_fingerprint (IdwKey *key)
{
  g_return_val_if_fail (key != NULL, NULL);

  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, key->public_bytes, key->public_len);
}

/**
 * idw_key_equal:
 * @a: a key
 * @b: another key
 *
 * Returns: %TRUE when both are the same public key (private parts are not
 *   compared).
 */
gboolean
idw_key_equal (IdwKey *a,
               IdwKey *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return a->curve == b->curve
         && a->public_len == b->public_len
         && memcmp (a->public_bytes, b->public_bytes, a->public_len) == 0;
}

/**
 * idw_key_export_seed:
 * @key: an Ed25519 key
 * @seed: (out caller-allocates) (array fixed-size=32): where to copy the seed
 *
 * Copies the private seed out, for storing in the keyring. The caller
 * wipes @seed (sodium_memzero()) when done.
 *
 * Returns: %TRUE if @key is an Ed25519 key with a private part and @seed
 *   was filled; %FALSE for an EC key.
 */
gboolean
idw_key_export_seed (IdwKey *key,
                     guint8  seed[32])
{
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (seed != NULL, FALSE);

  if (key->curve != IDW_CURVE_ED25519 || key->secret == NULL)
    return FALSE;

  memcpy (seed, key->secret, ED25519_SEED_LEN);
  return TRUE;
}

/**
 * idw_key_allows_alg:
 * @key: a key
 * @alg: a COSE algorithm value
 *
 * Returns: %TRUE when @alg is the one algorithm this key's curve is used
 *   with: EdDSA for Ed25519, ES256 for P-256, ES384 for P-384, ES512 for
 *   P-521.
 */
gboolean
idw_key_allows_alg (IdwKey *key,
                    gint64  alg)
{
  g_return_val_if_fail (key != NULL, FALSE);

  return _idw_key_curve_alg (key->curve) == alg;
}

/**
 * idw_key_get_alg:
 * @key: a key
 *
 * Returns: the COSE algorithm this key signs with: %IDW_COSE_ALG_EDDSA
 *   for Ed25519, %IDW_COSE_ALG_ES256 for P-256, %IDW_COSE_ALG_ES384 for
 *   P-384, %IDW_COSE_ALG_ES512 for P-521.
 */
gint64
idw_key_get_alg (IdwKey *key)
{
  g_return_val_if_fail (key != NULL, 0);

  return _idw_key_curve_alg (key->curve);
}

/**
 * idw_key_get_curve_name:
 * @key: a key
 *
 * Returns: "Ed25519", "P-256", "P-384" or "P-521"
 */
const char *
idw_key_get_curve_name (IdwKey *key)
{
  g_return_val_if_fail (key != NULL, NULL);

  return _idw_key_curve_name (key->curve);
}

/* Key derivation ------------------------------------------------------- */

/**
 * idw_key_hmac_sha256:
 * @key: (array length=key_len): the MAC key
 * @key_len: its length
 * @data: (array length=len): the message
 * @len: its length
 * @out: (out caller-allocates): the 32-byte MAC
 */
void
idw_key_hmac_sha256 (const guint8 *key,
                     gsize         key_len,
                     const guint8 *data,
                     gsize         len,
                     guint8        out[32])
{
  crypto_auth_hmacsha256_state state;

  _idw_key_ensure_sodium ();
  crypto_auth_hmacsha256_init (&state, key, key_len);
  crypto_auth_hmacsha256_update (&state, data, len);
  crypto_auth_hmacsha256_final (&state, out);
  sodium_memzero (&state, sizeof state);
}

/**
 * idw_key_hkdf_sha256:
 * @ikm: (array length=ikm_len): input keying material
 * @ikm_len: its length
 * @salt: (array length=salt_len): the salt
 * @salt_len: its length
 * @info: (array length=info_len): the context
 * @info_len: its length
 * @out: (out caller-allocates): 32 bytes of output keying material
 *
 * HKDF-SHA-256 (RFC 5869) with L = 32: one expand block.
 */
void
idw_key_hkdf_sha256 (const guint8 *ikm,
                     gsize         ikm_len,
                     const guint8 *salt,
                     gsize         salt_len,
                     const guint8 *info,
                     gsize         info_len,
                     guint8        out[32])
{
  guint8 prk[crypto_auth_hmacsha256_BYTES];
  g_autoptr(GByteArray) t = g_byte_array_sized_new ((guint) info_len + 1);
  guint8 one = 1;

  idw_key_hmac_sha256 (salt, salt_len, ikm, ikm_len, prk);
  g_byte_array_append (t, info, (guint) info_len);
  g_byte_array_append (t, &one, 1);
  idw_key_hmac_sha256 (prk, sizeof prk, t->data, t->len, out);
  sodium_memzero (prk, sizeof prk);
}
