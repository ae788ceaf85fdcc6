/* idw-key-ec.c: EC public keys on P-256, P-384 and P-521 (SEC 1 points
 * checked with GnuTLS), EC private keys from their scalar (P-256 device
 * keys kept in the keyring), ECDSA verification of COSE's raw r || s
 * signatures (RFC 9053 §2.1), and the P-256 key agreement behind ISO
 * 18013-5 session keys
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <nettle/ecc.h>
#include <nettle/ecc-curve.h>
#include <nettle/bignum.h>
#include <sodium.h>

#include "idw-error.h"
#include "idw-key-private.h"

#include <string.h>

gnutls_ecc_curve_t
_idw_key_curve_to_gnutls (IdwCurve curve)
{
  switch (curve)
    {
    case IDW_CURVE_P256:
      return GNUTLS_ECC_CURVE_SECP256R1;
    case IDW_CURVE_P384:
      return GNUTLS_ECC_CURVE_SECP384R1;
    case IDW_CURVE_P521:
      return GNUTLS_ECC_CURVE_SECP521R1;
    case IDW_CURVE_ED25519:
    default:
      return GNUTLS_ECC_CURVE_INVALID;
    }
}

/**
 * idw_key_new_ec_public:
 * @curve: %IDW_CURVE_P256, %IDW_CURVE_P384 or %IDW_CURVE_P521
 * @x: (array length=x_len): the big-endian x coordinate
 * @x_len: length of @x, exactly the curve's coordinate size
 * @y: (array length=y_len): the big-endian y coordinate
 * @y_len: length of @y, exactly the curve's coordinate size
 * @error: return location for a #GError
 *
 * Wraps an ECDSA public key after checking that (x, y) is a point on
 * @curve, so that an invalid-curve point is refused here rather than
 * reaching the signature arithmetic.
 *
 * Returns: (transfer full): the key, or %NULL with @error set:
 *   %IDW_ERROR_UNSUPPORTED (@curve is not a NIST curve),
 *   %IDW_ERROR_MALFORMED (wrong coordinate length, point not on the curve).
 */
IdwKey *
idw_key_new_ec_public (IdwCurve       curve,
                       const guint8  *x,
                       gsize          x_len,
                       const guint8  *y,
                       gsize          y_len,
                       GError       **error)
{
  gsize coord_len = _idw_key_curve_coord_len (curve);
  gnutls_pubkey_t pubkey = NULL;
  gnutls_datum_t dx, dy;
  IdwKey *key;
  int ret;

  g_return_val_if_fail (x != NULL || x_len == 0, NULL);
  g_return_val_if_fail (y != NULL || y_len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (coord_len == 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("EC public key: unsupported curve %s"), _idw_key_curve_name (curve));
      return NULL;
    }

  if (x_len != coord_len || y_len != coord_len)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("%s public key: coordinates must be %zu bytes each, got %zu and %zu"),
                   _idw_key_curve_name (curve), coord_len, x_len, y_len);
      return NULL;
    }

  dx.data = (unsigned char *) x;
  dx.size = (unsigned int) x_len;
  dy.data = (unsigned char *) y;
  dy.size = (unsigned int) y_len;

  if (gnutls_pubkey_init (&pubkey) < 0)
    g_error ("GnuTLS: out of memory");

  ret = gnutls_pubkey_import_ecc_raw (pubkey, _idw_key_curve_to_gnutls (curve), &dx, &dy);
  /* The import only stores the numbers; verify_params runs the
   * point-on-curve check. */
  if (ret >= 0)
    ret = gnutls_pubkey_verify_params (pubkey);
  if (ret < 0)
    {
      gnutls_pubkey_deinit (pubkey);
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("%s public key: not a point on the curve"), _idw_key_curve_name (curve));
      return NULL;
    }

  key = _idw_key_new (curve);
  key->public_bytes[0] = 0x04;
  memcpy (key->public_bytes + 1, x, coord_len);
  memcpy (key->public_bytes + 1 + coord_len, y, coord_len);
  key->public_len = 1 + 2 * coord_len;
  key->ec_pubkey = pubkey;
  return key;
}

/* Private EC keys ----------------------------------------------------- */

IdwKey *
_idw_key_new_ec_private (IdwCurve       curve,
                         const guint8  *x,
                         const guint8  *y,
                         const guint8  *d,
                         GError       **error)
{
  gsize n = _idw_key_curve_coord_len (curve);
  g_autoptr(IdwKey) key = NULL;
  gnutls_privkey_t privkey = NULL;
  gnutls_datum_t dx, dy, dk;
  int ret;

  key = idw_key_new_ec_public (curve, x, n, y, n, error);
  if (key == NULL)
    return NULL;

  /* GnuTLS checks that d is in range and that d·G is the public point. */
  dx.data = (unsigned char *) x;
  dx.size = (unsigned int) n;
  dy.data = (unsigned char *) y;
  dy.size = (unsigned int) n;
  dk.data = (unsigned char *) d;
  dk.size = (unsigned int) n;
  if (gnutls_privkey_init (&privkey) < 0)
    g_error ("GnuTLS: out of memory");
  ret = gnutls_privkey_import_ecc_raw (privkey, _idw_key_curve_to_gnutls (curve), &dx, &dy, &dk);
  if (ret >= 0)
    ret = gnutls_privkey_verify_params (privkey);
  gnutls_privkey_deinit (privkey);
  if (ret < 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("The %s private key does not match its public key."),
                   _idw_key_curve_name (curve));
      return NULL;
    }

  key->secret = _idw_key_secret_alloc (n);
  memcpy (key->secret, d, n);
  return g_steal_pointer (&key);
}

/* nettle's curve for @curve; NULL for Ed25519. */
static const struct ecc_curve *
nettle_curve (IdwCurve curve)
{
  switch (curve)
    {
    case IDW_CURVE_P256:
      return nettle_get_secp_256r1 ();
    case IDW_CURVE_P384:
      return nettle_get_secp_384r1 ();
    case IDW_CURVE_P521:
      return nettle_get_secp_521r1 ();
    case IDW_CURVE_ED25519:
    default:
      return NULL;
    }
}

/* Zeroes the limbs of @z before GMP frees them: they held a private
 * scalar. */
static void
mpz_clear_secret (mpz_t z)
{
  size_t n = mpz_size (z);

  if (n > 0)
    sodium_memzero (mpz_limbs_modify (z, (mp_size_t) n), n * sizeof (mp_limb_t));
  mpz_clear (z);
}

static void
ecc_scalar_clear_secret (struct ecc_scalar  *scalar,
                         const struct ecc_curve *curve)
{
  sodium_memzero (scalar->p, (size_t) ecc_size (curve) * sizeof (mp_limb_t));
  ecc_scalar_clear (scalar);
}

/**
 * idw_key_new_ec_private:
 * @curve: %IDW_CURVE_P256, %IDW_CURVE_P384 or %IDW_CURVE_P521
 * @d: (array length=len): the private scalar, big-endian
 * @len: length of @d, exactly the curve's coordinate size
 * @error: return location for a #GError
 *
 * Derives the public point d·G and makes the key pair, as a keyring item
 * or a COSE_Key "d" holds it. The key keeps its own copy of @d in guarded
 * memory; the caller wipes @d.
 *
 * Returns: (transfer full): a key with a private part, or %NULL with
 *   %IDW_ERROR_UNSUPPORTED (@curve is not a NIST curve) or
 *   %IDW_ERROR_MALFORMED (wrong length, not 0 < d < n).
 */
IdwKey *
idw_key_new_ec_private (IdwCurve       curve,
                        const guint8  *d,
                        gsize          len,
                        GError       **error)
{
  const struct ecc_curve *ecc = nettle_curve (curve);
  gsize n = _idw_key_curve_coord_len (curve);
  guint8 x[EC_MAX_COORD_LEN], y[EC_MAX_COORD_LEN];
  struct ecc_scalar k;
  struct ecc_point q;
  mpz_t z, qx, qy;
  gboolean ok;

  g_return_val_if_fail (d != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (ecc == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("EC private key: unsupported curve %s"), _idw_key_curve_name (curve));
      return NULL;
    }
  if (len != n)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("%s private key: expected %zu bytes, got %zu"),
                   _idw_key_curve_name (curve), n, len);
      return NULL;
    }

  mpz_inits (z, qx, qy, NULL);
  ecc_scalar_init (&k, ecc);
  ecc_point_init (&q, ecc);
  nettle_mpz_set_str_256_u (z, len, d);
  /* ecc_scalar_set refuses 0 and anything ≥ n. */
  ok = ecc_scalar_set (&k, z) != 0;
  if (ok)
    {
      ecc_point_mul_g (&q, &k);
      ecc_point_get (&q, qx, qy);
      nettle_mpz_get_str_256 (n, x, qx);
      nettle_mpz_get_str_256 (n, y, qy);
    }
  ecc_point_clear (&q);
  ecc_scalar_clear_secret (&k, ecc);
  mpz_clear_secret (z);
  mpz_clears (qx, qy, NULL);

  if (!ok)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("%s private key: not a valid scalar"), _idw_key_curve_name (curve));
      return NULL;
    }

  return _idw_key_new_ec_private (curve, x, y, d, error);
}

/**
 * idw_key_generate_p256:
 *
 * Generates a new P-256 key pair (for ES256) from the system's random
 * source.
 *
 * Returns: (transfer full): a key with a private part.
 */
IdwKey *
idw_key_generate_p256 (void)
{
  guint8 *d = _idw_key_secret_alloc (IDW_P256_SCALAR_LENGTH);
  IdwKey *key = NULL;

  /* Rejection sampling: a random 256-bit number is ≥ n about once in
   * 2^32 tries. */
  while (key == NULL)
    {
      randombytes_buf (d, IDW_P256_SCALAR_LENGTH);
      key = idw_key_new_ec_private (IDW_CURVE_P256, d, IDW_P256_SCALAR_LENGTH, NULL);
    }
  sodium_free (d);
  return key;
}

/**
 * idw_key_export_ec_scalar:
 * @key: an EC key
 * @d: (out caller-allocates) (array length=len): where to copy the scalar
 * @len: the size of @d, the curve's coordinate size (32 for P-256)
 *
 * Copies the private scalar out, big-endian, for storing in the keyring.
 * The caller wipes @d (sodium_memzero()) when done.
 *
 * Returns: %TRUE if @key is an EC key with a private part of @len bytes
 *   and @d was filled; %FALSE otherwise (Ed25519, a public key).
 */
gboolean
idw_key_export_ec_scalar (IdwKey *key,
                          guint8 *d,
                          gsize   len)
{
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (d != NULL, FALSE);

  if (key->curve == IDW_CURVE_ED25519 || key->secret == NULL
      || len != _idw_key_curve_coord_len (key->curve))
    return FALSE;

  memcpy (d, key->secret, len);
  return TRUE;
}

/* Key agreement ------------------------------------------------------- */

/* GnuTLS 3.7 has no public ECDH: hogweed (nettle's public-key half, which
 * GnuTLS itself uses) does the point multiplication. */

static gboolean
p256_scalar_set (struct ecc_scalar *scalar,
                 const guint8      *d,
                 gsize              len)
{
  mpz_t z;
  gboolean ok;

  if (len != IDW_P256_SCALAR_LENGTH)
    return FALSE;
  mpz_init (z);
  nettle_mpz_set_str_256_u (z, len, d);
  ok = ecc_scalar_set (scalar, z) != 0;
  mpz_clear (z);
  return ok;
}

/**
 * idw_key_check_p256_scalar:
 * @d: (array length=len): a private scalar, big-endian
 * @len: its length
 * @error: return location for a #GError
 *
 * Returns: %TRUE when @d is a valid P-256 private key (32 bytes,
 *   0 < d < n); otherwise %FALSE with %IDW_ERROR_MALFORMED
 */
gboolean
idw_key_check_p256_scalar (const guint8  *d,
                           gsize          len,
                           GError       **error)
{
  struct ecc_scalar scalar;
  gboolean ok;

  g_return_val_if_fail (d != NULL || len == 0, FALSE);

  if (len != IDW_P256_SCALAR_LENGTH)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("The reader key must be a %d-byte P-256 private scalar"), IDW_P256_SCALAR_LENGTH);
      return FALSE;
    }
  ecc_scalar_init (&scalar, nettle_get_secp_256r1 ());
  ok = p256_scalar_set (&scalar, d, len);
  ecc_scalar_clear (&scalar);
  if (!ok)
    g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                         _("The reader key is not a valid P-256 private scalar"));
  return ok;
}

/**
 * idw_key_ecdh_p256:
 * @peer: the other party's P-256 public key
 * @d: (array length=d_len): our private scalar, big-endian
 * @d_len: its length (32)
 * @out: (out caller-allocates): the shared secret, the x-coordinate of d·Q
 * @error: return location for a #GError
 *
 * Returns: %TRUE with @out set; %FALSE with %IDW_ERROR_UNSUPPORTED when
 *   @peer is not on P-256 or %IDW_ERROR_MALFORMED for a bad scalar
 */
gboolean
idw_key_ecdh_p256 (IdwKey        *peer,
                   const guint8  *d,
                   gsize          d_len,
                   guint8         out[32],
                   GError       **error)
{
  const struct ecc_curve *curve = nettle_get_secp_256r1 ();
  struct ecc_point q, r;
  struct ecc_scalar k;
  mpz_t x, y;
  gboolean ok = FALSE;

  g_return_val_if_fail (peer != NULL, FALSE);
  g_return_val_if_fail (d != NULL, FALSE);

  if (peer->curve != IDW_CURVE_P256 || peer->public_len != 65 || peer->public_bytes[0] != 0x04)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                           _("The key agreement needs a P-256 key."));
      return FALSE;
    }

  mpz_inits (x, y, NULL);
  ecc_point_init (&q, curve);
  ecc_point_init (&r, curve);
  ecc_scalar_init (&k, curve);

  nettle_mpz_set_str_256_u (x, 32, peer->public_bytes + 1);
  nettle_mpz_set_str_256_u (y, 32, peer->public_bytes + 33);
  /* The point was checked to be on the curve when the key was made. */
  if (ecc_point_set (&q, x, y) && p256_scalar_set (&k, d, d_len))
    {
      ecc_point_mul (&r, &k, &q);
      ecc_point_get (&r, x, NULL);
      if (nettle_mpz_sizeinbase_256_u (x) <= 32)
        {
          nettle_mpz_get_str_256 (32, out, x);
          ok = TRUE;
        }
    }

  ecc_scalar_clear (&k);
  ecc_point_clear (&r);
  ecc_point_clear (&q);
  mpz_clears (x, y, NULL);

  if (!ok)
    g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                         _("The key agreement with the P-256 key failed."));
  return ok;
}
