/* idw-cose-key.c: COSE_Key (RFC 9052 §7) for OKP/Ed25519 and EC2
 * P-256/384/521 keys (RFC 9053 §7), read into and written from IdwKey
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <sodium.h>

#include "idw-cbor.h"
#include "idw-cose-key.h"
#include "idw-error.h"

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
#define EC_MAX_SCALAR_LEN  66

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
  g_autoptr(GBytes) public_bytes = NULL;
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

  public_bytes = idw_key_get_public_bytes (key);
  if (g_bytes_get_size (x) != ED25519_PUBLIC_LEN
      || sodium_memcmp (g_bytes_get_data (x, NULL), g_bytes_get_data (public_bytes, NULL),
                        ED25519_PUBLIC_LEN) != 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("COSE_Key: the private key d does not match the public key x"));
      return NULL;
    }

  return g_steal_pointer (&key);
}

/* The EC2 key with the private scalar @d_item, which must belong to the
 * point of @public_key. */
static IdwKey *
ec2_private (IdwKey       *public_key,
             cbor_item_t  *d_item,
             GError      **error)
{
  g_autoptr(IdwKey) key = NULL;

  if (!cbor_isa_bytestring (d_item) || !cbor_bytestring_is_definite (d_item))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                           _("COSE_Key: d: expected a byte string"));
      return NULL;
    }

  /* Read d straight from the item so that no unwiped copy is left. */
  key = idw_key_new_ec_private (idw_key_get_curve (public_key), cbor_bytestring_handle (d_item),
                                cbor_bytestring_length (d_item), error);
  if (key == NULL)
    {
      g_prefix_error (error, "COSE_Key: ");
      return NULL;
    }
  if (!idw_key_equal (key, public_key))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("COSE_Key: the private key d does not match the public key x, y"));
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
  cbor_item_t *d_item;
  g_autoptr(GBytes) x = NULL;
  g_autoptr(GBytes) y = NULL;
  g_autoptr(IdwKey) key = NULL;

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
    {
      g_prefix_error (error, "COSE_Key: ");
      return NULL;
    }

  d_item = idw_cbor_map_get_int (cose_key, COSE_KEY_D);
  if (d_item == NULL)
    return g_steal_pointer (&key);

  return ec2_private (key, d_item, error);
}

/**
 * idw_cose_key_decode:
 * @cose_key: a COSE_Key map
 * @error: return location for a #GError
 *
 * Reads an OKP/Ed25519 key `{1:1, -1:6, -2:x, ?-4:d}` or an EC2 key
 * `{1:2, -1:1|2|3, -2:x, -3:y, ?-4:d}`. Other parameters (kid, alg,
 * key_ops) are ignored. A private "d" must match the public key.
 *
 * Returns: (transfer full): the key, or %NULL with @error set:
 *   %IDW_ERROR_WRONG_TYPE (not a map, a field of the wrong type),
 *   %IDW_ERROR_MISSING_FIELD (kty, crv, x or y absent),
 *   %IDW_ERROR_UNSUPPORTED (another kty or curve, compressed points),
 *   %IDW_ERROR_MALFORMED (wrong lengths, invalid point or scalar, d not
 *   matching the public key).
 */
IdwKey *
idw_cose_key_decode (cbor_item_t  *cose_key,
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
 * idw_cose_key_encode:
 * @key: a key
 * @with_private: whether to include "d" (keys with a private part: the
 *   Ed25519 seed, the EC scalar)
 *
 * Builds the COSE_Key in the order kty, crv, x, (y), (d). With
 * @with_private the returned item holds the private key in ordinary memory: the
 * caller encodes it and lets it go as soon as it can.
 *
 * Returns: (transfer full): the COSE_Key map.
 */
cbor_item_t *
idw_cose_key_encode (IdwKey   *key,
                     gboolean  with_private)
{
  g_autoptr(GBytes) public_bytes = NULL;
  const guint8 *public_data;
  gsize public_len;
  IdwCurve curve;
  cbor_item_t *map;

  g_return_val_if_fail (key != NULL, NULL);

  curve = idw_key_get_curve (key);
  public_bytes = idw_key_get_public_bytes (key);
  public_data = g_bytes_get_data (public_bytes, &public_len);
  map = idw_cbor_new_map ();

  if (curve == IDW_CURVE_ED25519)
    {
      idw_cbor_map_add_int (map, COSE_KEY_KTY, idw_cbor_new_int (COSE_KTY_OKP));
      idw_cbor_map_add_int (map, COSE_KEY_CRV, idw_cbor_new_int (COSE_CRV_ED25519));
      idw_cbor_map_add_int (map, COSE_KEY_X, idw_cbor_new_bytes (public_data, public_len));
      if (with_private && idw_key_has_private (key))
        {
          guint8 seed[ED25519_SEED_LEN];

          idw_key_export_seed (key, seed);
          idw_cbor_map_add_int (map, COSE_KEY_D, idw_cbor_new_bytes (seed, ED25519_SEED_LEN));
          sodium_memzero (seed, sizeof seed);
        }
    }
  else
    {
      /* The public bytes are 0x04 || x || y. */
      gsize n = (public_len - 1) / 2;
      gint64 crv = curve == IDW_CURVE_P256 ? COSE_CRV_P256
                   : curve == IDW_CURVE_P384 ? COSE_CRV_P384 : COSE_CRV_P521;

      idw_cbor_map_add_int (map, COSE_KEY_KTY, idw_cbor_new_int (COSE_KTY_EC2));
      idw_cbor_map_add_int (map, COSE_KEY_CRV, idw_cbor_new_int (crv));
      idw_cbor_map_add_int (map, COSE_KEY_X, idw_cbor_new_bytes (public_data + 1, n));
      idw_cbor_map_add_int (map, COSE_KEY_Y, idw_cbor_new_bytes (public_data + 1 + n, n));
      if (with_private && idw_key_has_private (key))
        {
          guint8 d[EC_MAX_SCALAR_LEN];

          if (idw_key_export_ec_scalar (key, d, n))
            idw_cbor_map_add_int (map, COSE_KEY_D, idw_cbor_new_bytes (d, n));
          sodium_memzero (d, sizeof d);
        }
    }

  return map;
}
