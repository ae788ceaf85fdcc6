/* idw-key.c: public and private keys, signatures, COSE_Key, and the
 * P-256 key agreement and HKDF behind ISO 18013-5 session MACs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * EdDSA (Ed25519) signs and verifies with libsodium; ES256/ES384/ES512
 * verify with GnuTLS. COSE ECDSA signatures are raw r||s, not DER.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <nettle/ecc.h>
#include <nettle/ecc-curve.h>
#include <nettle/bignum.h>
#include <sodium.h>

#include "idw-cbor.h"
#include "idw-error.h"
#include "idw-key.h"

/* COSE_Key labels and values (RFC 9052 §7, RFC 9053 §7). */
#define COSE_KEY_KTY     1
#define COSE_KEY_ALG     3
#define COSE_KEY_CRV    (-1)
#define COSE_KEY_X      (-2)
#define COSE_KEY_Y      (-3)
#define COSE_KEY_D      (-4)
#define COSE_KTY_OKP     1
#define COSE_KTY_EC2     2
#define COSE_CRV_P256    1
#define COSE_CRV_P384    2
#define COSE_CRV_P521    3
#define COSE_CRV_ED25519 6

#define ED25519_PUBLIC_LEN 32
#define ED25519_SEED_LEN   32
#define EC_MAX_COORD_LEN   66

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

struct _IdwKey
{
  gatomicrefcount  ref_count;
  IdwCurve         curve;
  /* Ed25519: the 32 public bytes; EC: 0x04 || x || y. */
  guint8           public_bytes[1 + 2 * EC_MAX_COORD_LEN];
  gsize            public_len;
  /* Ed25519 only: libsodium's 64-byte secret key (seed || public) in
   * guarded memory; NULL for a public key. */
  guint8          *secret;
  /* EC only: imported once so that each verification skips the import. */
  gnutls_pubkey_t  ec_pubkey;
};

static void
ensure_sodium (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      if (sodium_init () < 0)
        g_error ("libsodium could not be initialised");
      g_once_init_leave (&initialized, 1);
    }
}

static gsize
curve_coord_len (IdwCurve curve)
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

static const char *
curve_name (IdwCurve curve)
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

static gint64
curve_alg (IdwCurve curve)
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

static IdwKey *
key_new (IdwCurve curve)
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
  g_free (key);
}

/* Takes a fresh 64-byte secret in guarded memory. */
static guint8 *
secret_alloc (void)
{
  guint8 *secret;

  ensure_sodium ();
  secret = sodium_malloc (crypto_sign_SECRETKEYBYTES);
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
  IdwKey *key = key_new (IDW_CURVE_ED25519);

  key->secret = secret_alloc ();
  crypto_sign_keypair (key->public_bytes, key->secret);
  key->public_len = ED25519_PUBLIC_LEN;
  return key;
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

  ensure_sodium ();

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

  key = key_new (IDW_CURVE_ED25519);
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

  key = key_new (IDW_CURVE_ED25519);
  key->secret = secret_alloc ();
  crypto_sign_seed_keypair (key->public_bytes, key->secret, seed);
  key->public_len = ED25519_PUBLIC_LEN;
  return key;
}

/**
 * idw_key_new_from_pem:
 * @pem: (array length=len): an unencrypted PKCS#8 PEM private key
 * @len: length of @pem
 * @error: return location for a #GError
 *
 * Loads an Ed25519 private key as written by idw_x509_create_issuer().
 * Temporary copies of the key are wiped.
 *
 * Returns: (transfer full): the key with its private part, or %NULL with
 *   %IDW_ERROR_MALFORMED (not a readable unencrypted key) or
 *   %IDW_ERROR_UNSUPPORTED (a key other than Ed25519)
 */
IdwKey *
idw_key_new_from_pem (const char  *pem,
                      gsize        len,
                      GError     **error)
{
  g_auto(gnutls_x509_privkey_t) key = NULL;
  g_auto(IdwSecretDatum) x = { NULL, 0 };
  g_auto(IdwSecretDatum) k = { NULL, 0 };
  g_autoptr(IdwKey) result = NULL;
  g_autoptr(GBytes) public_bytes = NULL;
  gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
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
  if (algorithm != GNUTLS_PK_EDDSA_ED25519)
    {
      const char *algorithm_name = gnutls_pk_get_name ((gnutls_pk_algorithm_t) algorithm);

      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("The private key is a %s key; only Ed25519 keys can sign."),
                   algorithm_name != NULL ? algorithm_name : "?");
      return NULL;
    }

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

static gnutls_ecc_curve_t
curve_to_gnutls (IdwCurve curve)
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
  gsize coord_len = curve_coord_len (curve);
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
                   _("EC public key: unsupported curve %s"), curve_name (curve));
      return NULL;
    }

  if (x_len != coord_len || y_len != coord_len)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("%s public key: coordinates must be %zu bytes each, got %zu and %zu"),
                   curve_name (curve), coord_len, x_len, y_len);
      return NULL;
    }

  dx.data = (unsigned char *) x;
  dx.size = (unsigned int) x_len;
  dy.data = (unsigned char *) y;
  dy.size = (unsigned int) y_len;

  if (gnutls_pubkey_init (&pubkey) < 0)
    g_error ("GnuTLS: out of memory");

  ret = gnutls_pubkey_import_ecc_raw (pubkey, curve_to_gnutls (curve), &dx, &dy);
  /* The import only stores the numbers; verify_params runs the
   * point-on-curve check. */
  if (ret >= 0)
    ret = gnutls_pubkey_verify_params (pubkey);
  if (ret < 0)
    {
      gnutls_pubkey_deinit (pubkey);
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("%s public key: not a point on the curve"), curve_name (curve));
      return NULL;
    }

  key = key_new (curve);
  key->public_bytes[0] = 0x04;
  memcpy (key->public_bytes + 1, x, coord_len);
  memcpy (key->public_bytes + 1 + coord_len, y, coord_len);
  key->public_len = 1 + 2 * coord_len;
  key->ec_pubkey = pubkey;
  return key;
}

static cbor_item_t *
cose_key_require_bytes (cbor_item_t  *cose_key,
                        gint64        label,
                        const char   *name,
                        GError      **error)
{
  cbor_item_t *value = idw_cbor_map_get_int (cose_key, label);

  if (value == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                   _("COSE_Key: missing %s"), name);
      return NULL;
    }
  if (!cbor_isa_bytestring (value))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                   _("COSE_Key: %s: expected a byte string"), name);
      return NULL;
    }
  return value;
}

static gboolean
cose_key_require_int (cbor_item_t  *cose_key,
                      gint64        label,
                      const char   *name,
                      gint64       *out_value,
                      GError      **error)
{
  cbor_item_t *value = idw_cbor_map_get_int (cose_key, label);

  if (value == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                   _("COSE_Key: missing %s"), name);
      return FALSE;
    }
  if (!idw_cbor_get_int (value, out_value))
    {
      /* Text values are registered names we do not implement. */
      g_set_error (error, IDW_ERROR,
                   cbor_isa_string (value) ? IDW_ERROR_UNSUPPORTED : IDW_ERROR_WRONG_TYPE,
                   _("COSE_Key: %s: expected an integer"), name);
      return FALSE;
    }
  return TRUE;
}

static IdwKey *
key_from_cose_okp (cbor_item_t  *cose_key,
                   GError      **error)
{
  gint64 crv;
  cbor_item_t *x_item;
  cbor_item_t *d_item;
  g_autoptr(GBytes) x = NULL;
  g_autoptr(IdwKey) key = NULL;

  if (!cose_key_require_int (cose_key, COSE_KEY_CRV, "crv", &crv, error))
    return NULL;
  if (crv != COSE_CRV_ED25519)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("COSE_Key: unsupported OKP curve %" PRId64 " (only Ed25519 is)"),
                   crv);
      return NULL;
    }

  x_item = cose_key_require_bytes (cose_key, COSE_KEY_X, "x", error);
  if (x_item == NULL)
    return NULL;
  x = idw_cbor_dup_bytes (x_item);

  d_item = idw_cbor_map_get_int (cose_key, COSE_KEY_D);
  if (d_item == NULL)
    {
      key = idw_key_new_ed25519_public (g_bytes_get_data (x, NULL), g_bytes_get_size (x), error);
      if (key == NULL)
        g_prefix_error (error, "COSE_Key: ");
      return g_steal_pointer (&key);
    }

  if (!cbor_isa_bytestring (d_item) || !cbor_bytestring_is_definite (d_item))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                           _("COSE_Key: d: expected a byte string"));
      return NULL;
    }

  /* Read d straight from the item so that no unwiped copy is left. */
  key = idw_key_new_ed25519_seed (cbor_bytestring_handle (d_item),
                                  cbor_bytestring_length (d_item), error);
  if (key == NULL)
    {
      g_prefix_error (error, "COSE_Key: ");
      return NULL;
    }

  if (g_bytes_get_size (x) != ED25519_PUBLIC_LEN
      || sodium_memcmp (g_bytes_get_data (x, NULL), key->public_bytes, ED25519_PUBLIC_LEN) != 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("COSE_Key: the private key d does not match the public key x"));
      return NULL;
    }

  return g_steal_pointer (&key);
}

static IdwKey *
key_from_cose_ec2 (cbor_item_t  *cose_key,
                   GError      **error)
{
  gint64 crv;
  IdwCurve curve;
  cbor_item_t *x_item;
  cbor_item_t *y_item;
  g_autoptr(GBytes) x = NULL;
  g_autoptr(GBytes) y = NULL;
  IdwKey *key;

  if (!cose_key_require_int (cose_key, COSE_KEY_CRV, "crv", &crv, error))
    return NULL;
  switch (crv)
    {
    case COSE_CRV_P256:
      curve = IDW_CURVE_P256;
      break;
    case COSE_CRV_P384:
      curve = IDW_CURVE_P384;
      break;
    case COSE_CRV_P521:
      curve = IDW_CURVE_P521;
      break;
    default:
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("COSE_Key: unsupported EC2 curve %" PRId64 " (P-256, P-384 and P-521 are)"),
                   crv);
      return NULL;
    }

  if (idw_cbor_map_get_int (cose_key, COSE_KEY_D) != NULL)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                           _("COSE_Key: private EC2 keys are not supported"));
      return NULL;
    }

  x_item = cose_key_require_bytes (cose_key, COSE_KEY_X, "x", error);
  if (x_item == NULL)
    return NULL;

  y_item = idw_cbor_map_get_int (cose_key, COSE_KEY_Y);
  if (y_item != NULL && idw_cbor_get_bool (y_item, NULL))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                           _("COSE_Key: compressed EC points are not supported"));
      return NULL;
    }
  y_item = cose_key_require_bytes (cose_key, COSE_KEY_Y, "y", error);
  if (y_item == NULL)
    return NULL;

  x = idw_cbor_dup_bytes (x_item);
  y = idw_cbor_dup_bytes (y_item);
  key = idw_key_new_ec_public (curve,
                               g_bytes_get_data (x, NULL), g_bytes_get_size (x),
                               g_bytes_get_data (y, NULL), g_bytes_get_size (y),
                               error);
  if (key == NULL)
    g_prefix_error (error, "COSE_Key: ");
  return key;
}

/**
 * idw_key_new_from_cose:
 * @cose_key: a COSE_Key map
 * @error: return location for a #GError
 *
 * Reads an OKP/Ed25519 key `{1:1, -1:6, -2:x, ?-4:d}` or an EC2 public
 * key `{1:2, -1:1|2|3, -2:x, -3:y}`. Other parameters (kid, alg, key_ops)
 * are ignored. A private "d" must match "x".
 *
 * Returns: (transfer full): the key, or %NULL with @error set:
 *   %IDW_ERROR_WRONG_TYPE (not a map, a field of the wrong type),
 *   %IDW_ERROR_MISSING_FIELD (kty, crv, x or y absent),
 *   %IDW_ERROR_UNSUPPORTED (another kty or curve, EC2 with d, compressed
 *   points), %IDW_ERROR_MALFORMED (wrong lengths, invalid point, d not
 *   matching x).
 */
IdwKey *
idw_key_new_from_cose (cbor_item_t  *cose_key,
                       GError      **error)
{
  gint64 kty;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (cose_key == NULL || !cbor_isa_map (cose_key))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                           _("COSE_Key: expected a map"));
      return NULL;
    }

  if (!cose_key_require_int (cose_key, COSE_KEY_KTY, "kty", &kty, error))
    return NULL;

  switch (kty)
    {
    case COSE_KTY_OKP:
      return key_from_cose_okp (cose_key, error);
    case COSE_KTY_EC2:
      return key_from_cose_ec2 (cose_key, error);
    default:
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("COSE_Key: unsupported key type %" PRId64), kty);
      return NULL;
    }
}

/**
 * idw_key_to_cose:
 * @key: a key
 * @with_private: whether to include "d" (Ed25519 keys with a private part)
 *
 * Builds the COSE_Key in the order kty, crv, x, (y), (d). With
 * @with_private the returned item holds the seed in ordinary memory: the
 * caller encodes it and lets it go as soon as it can.
 *
 * Returns: (transfer full): the COSE_Key map.
 */
cbor_item_t *
idw_key_to_cose (IdwKey   *key,
                 gboolean  with_private)
{
  cbor_item_t *map;

  g_return_val_if_fail (key != NULL, NULL);

  map = idw_cbor_new_map ();

  if (key->curve == IDW_CURVE_ED25519)
    {
      idw_cbor_map_add_int (map, COSE_KEY_KTY, idw_cbor_new_int (COSE_KTY_OKP));
      idw_cbor_map_add_int (map, COSE_KEY_CRV, idw_cbor_new_int (COSE_CRV_ED25519));
      idw_cbor_map_add_int (map, COSE_KEY_X, idw_cbor_new_bytes (key->public_bytes, key->public_len));
      if (with_private && key->secret != NULL)
        idw_cbor_map_add_int (map, COSE_KEY_D, idw_cbor_new_bytes (key->secret, ED25519_SEED_LEN));
    }
  else
    {
      gsize n = curve_coord_len (key->curve);
      gint64 crv = key->curve == IDW_CURVE_P256 ? COSE_CRV_P256
                   : key->curve == IDW_CURVE_P384 ? COSE_CRV_P384 : COSE_CRV_P521;

      idw_cbor_map_add_int (map, COSE_KEY_KTY, idw_cbor_new_int (COSE_KTY_EC2));
      idw_cbor_map_add_int (map, COSE_KEY_CRV, idw_cbor_new_int (crv));
      idw_cbor_map_add_int (map, COSE_KEY_X, idw_cbor_new_bytes (key->public_bytes + 1, n));
      idw_cbor_map_add_int (map, COSE_KEY_Y, idw_cbor_new_bytes (key->public_bytes + 1 + n, n));
    }

  return map;
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

  return key->secret != NULL;
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
 * Returns: %TRUE if @key has a private part and @seed was filled.
 */
gboolean
idw_key_export_seed (IdwKey *key,
                     guint8  seed[32])
{
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (seed != NULL, FALSE);

  if (key->secret == NULL)
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

  return curve_alg (key->curve) == alg;
}

/**
 * idw_key_sign:
 * @key: an Ed25519 key with a private part
 * @data: (array length=len): the message
 * @len: length of @data
 * @error: return location for a #GError
 *
 * Signs @data with Ed25519 (pure EdDSA, RFC 8032), deterministically.
 *
 * Returns: (transfer full): the 64-byte signature, or %NULL with
 *   %IDW_ERROR_UNSUPPORTED (an EC key or no private part).
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

  if (key->curve != IDW_CURVE_ED25519)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("Signing with a %s key is not supported, only Ed25519"),
                   curve_name (key->curve));
      return NULL;
    }
  if (key->secret == NULL)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                           _("This Ed25519 key has no private part and cannot sign"));
      return NULL;
    }

  crypto_sign_detached (sig, NULL, data != NULL ? data : (const guint8 *) "", len, key->secret);
  return g_bytes_new (sig, sizeof sig);
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

  sign_algo = alg == IDW_COSE_ALG_ES256 ? GNUTLS_SIGN_ECDSA_SHA256
              : alg == IDW_COSE_ALG_ES384 ? GNUTLS_SIGN_ECDSA_SHA384
              : GNUTLS_SIGN_ECDSA_SHA512;

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
                   alg_name, curve_name (key->curve));
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
      ensure_sodium ();
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

  return curve_name (key->curve);
}

/* Key agreement and key derivation ------------------------------------- */

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

  ensure_sodium ();
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
