/* idw-cose.c: COSE_Sign1 and COSE_Mac0 (RFC 9052/9053)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>

#include <string.h>

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <sodium.h>

#include "idw-cbor.h"
#include "idw-cose.h"
#include "idw-error.h"


/* COSE_Sign1 ----------------------------------------------------------- */

/* Sig_structure = ["Signature1", body_protected, external_aad = h'',
 * payload] (RFC 9052 §4.4), written directly so that a large payload is
 * copied once. */
static GByteArray *
sig_structure (GBytes       *protected_bytes,
               const guint8 *payload,
               gsize         payload_len)
{
  static const char context[] = "Signature1";
  GByteArray *out = g_byte_array_sized_new ((guint) (payload_len + 64));
  gsize prot_len = 0;
  const guint8 *prot = protected_bytes != NULL ? g_bytes_get_data (protected_bytes, &prot_len) : NULL;

  idw_cbor_write_head (out, CBOR_TYPE_ARRAY, 4);
  idw_cbor_write_head (out, CBOR_TYPE_STRING, sizeof context - 1);
  g_byte_array_append (out, (const guint8 *) context, sizeof context - 1);
  idw_cbor_write_bytes (out, prot, prot_len);
  idw_cbor_write_bytes (out, NULL, 0);
  idw_cbor_write_bytes (out, payload, payload_len);
  return out;
}

/**
 * idw_cose_sign1_free:
 * @sign1: (nullable): a parsed COSE_Sign1
 *
 * Frees @sign1 and everything it holds.
 */
void
idw_cose_sign1_free (IdwCoseSign1 *sign1)
{
  if (sign1 == NULL)
    return;

  g_clear_pointer (&sign1->protected_bytes, g_bytes_unref);
  g_clear_pointer (&sign1->protected_map, idw_cbor_unref);
  g_clear_pointer (&sign1->unprotected, idw_cbor_unref);
  g_clear_pointer (&sign1->payload, g_bytes_unref);
  g_clear_pointer (&sign1->signature, g_bytes_unref);
  g_free (sign1);
}

/* Keys compared by their shortest encoding, so 1 and 0x1801 are one label. */
static GBytes *
label_identity (cbor_item_t *label)
{
  return idw_cbor_encode (label);
}

/* The parts every COSE message shares (RFC 9052 §3): the protected header
 * (its bytes, which the signature or MAC covers, and its map), the
 * unprotected header, the payload and the last element (signature or
 * tag). */
typedef struct
{
  GBytes      *protected_bytes;
  cbor_item_t *protected_map;
  cbor_item_t *unprotected;
  GBytes      *payload;
  GBytes      *last;
} CoseParts;

static void
cose_parts_clear (CoseParts *parts)
{
  g_clear_pointer (&parts->protected_bytes, g_bytes_unref);
  g_clear_pointer (&parts->protected_map, idw_cbor_unref);
  g_clear_pointer (&parts->unprotected, idw_cbor_unref);
  g_clear_pointer (&parts->payload, g_bytes_unref);
  g_clear_pointer (&parts->last, g_bytes_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CoseParts, cose_parts_clear)

/* RFC 9052 §3.1 "crit": the labels a recipient must understand to process
 * the message. It belongs in the protected bucket, is a non-empty array of
 * labels, and each label it names must be in the protected header. We
 * understand alg and, for COSE_Sign1, x5chain (the chain is validated);
 * kid is only a hint, so ignoring it is processing it correctly. Anything
 * else named critical is refused. */
static gboolean
check_crit (const char   *what,
            cbor_item_t  *protected_map,
            cbor_item_t  *unprotected,
            gboolean      x5chain_understood,
            GError      **error)
{
  cbor_item_t *crit = idw_cbor_map_get_int (protected_map, IDW_COSE_HEADER_CRIT);
  cbor_item_t **labels;
  gsize n;

  if (idw_cbor_map_get_int (unprotected, IDW_COSE_HEADER_CRIT) != NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("%s: the crit header parameter must be protected"), what);
      return FALSE;
    }
  if (crit == NULL)
    return TRUE;
  if (!cbor_isa_array (crit) || cbor_array_size (crit) == 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                   _("%s: crit: expected a non-empty array of labels"), what);
      return FALSE;
    }

  labels = cbor_array_handle (crit);
  n = cbor_array_size (crit);
  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *diag = idw_cbor_to_diagnostic (labels[i]);
      gint64 label = 0;
      gboolean present = FALSE;

      if (!cbor_isa_string (labels[i]) && !idw_cbor_get_int (labels[i], &label))
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                       _("%s: crit: %s is not a header label"), what, diag);
          return FALSE;
        }
      for (gsize j = 0; j < cbor_map_size (protected_map); j++)
        {
          g_autoptr(GBytes) a = label_identity (cbor_map_handle (protected_map)[j].key);
          g_autoptr(GBytes) b = label_identity (labels[i]);

          present = present || g_bytes_equal (a, b);
        }
      if (!present)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                       _("%s: crit names the header parameter %s, which is not in the protected header"),
                       what, diag);
          return FALSE;
        }
      if (cbor_isa_string (labels[i])
          || !(label == IDW_COSE_HEADER_ALG || label == IDW_COSE_HEADER_KID
               || (x5chain_understood && label == IDW_COSE_HEADER_X5CHAIN)))
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                       _("%s: the critical header parameter %s is not understood"), what, diag);
          return FALSE;
        }
    }
  return TRUE;
}

/* [protected: bstr .cbor header_map, unprotected: header_map,
 *  payload: bstr / nil, signature or tag: bstr], tagged @tag or untagged. */
static gboolean
cose_parts_parse (cbor_item_t  *item,
                  guint64       tag,
                  const char   *what,
                  gboolean      x5chain_understood,
                  CoseParts    *parts,
                  GError      **error)
{
  cbor_item_t **elements;

  if (item != NULL && cbor_isa_tag (item))
    {
      if (cbor_tag_value (item) != tag)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                       _("%s: unexpected tag %" PRIu64),
                       what, (guint64) cbor_tag_value (item));
          return FALSE;
        }
      item = idw_cbor_untag (item, tag);
    }

  if (item == NULL || !cbor_isa_array (item) || cbor_array_size (item) != 4)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("%s: expected an array of four elements"), what);
      return FALSE;
    }
  elements = cbor_array_handle (item);

  if (!cbor_isa_bytestring (elements[0]))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                   _("%s: protected header: expected a byte string"), what);
      return FALSE;
    }
  if (!cbor_isa_map (elements[1]))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                   _("%s: unprotected header: expected a map"), what);
      return FALSE;
    }
  if (!cbor_isa_bytestring (elements[2]) && !idw_cbor_is_null (elements[2]))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                   _("%s: payload: expected a byte string or null"), what);
      return FALSE;
    }
  if (!cbor_isa_bytestring (elements[3]))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                   tag == IDW_CBOR_TAG_COSE_SIGN1 ? _("%s: signature: expected a byte string")
                                                 : _("%s: tag: expected a byte string"),
                   what);
      return FALSE;
    }

  parts->protected_bytes = idw_cbor_dup_bytes (elements[0]);
  parts->unprotected = cbor_incref (elements[1]);
  parts->payload = idw_cbor_dup_bytes (elements[2]);
  parts->last = idw_cbor_dup_bytes (elements[3]);

  /* A zero-length protected header stands for the empty map. */
  if (g_bytes_get_size (parts->protected_bytes) == 0)
    parts->protected_map = idw_cbor_new_map ();
  else
    {
      parts->protected_map = idw_cbor_decode_bytes (parts->protected_bytes, error);
      if (parts->protected_map == NULL)
        {
          g_prefix_error (error, _("%s: protected header: "), what);
          return FALSE;
        }
      if (!cbor_isa_map (parts->protected_map))
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                       _("%s: protected header: expected a map"), what);
          return FALSE;
        }
    }

  /* RFC 9052 §3: a label must not be in both buckets; otherwise a reader
   * could be shown the unprotected copy. */
  if (cbor_map_size (parts->protected_map) > 0 && cbor_map_size (parts->unprotected) > 0)
    {
      struct cbor_pair *unprot = cbor_map_handle (parts->unprotected);
      struct cbor_pair *prot = cbor_map_handle (parts->protected_map);
      g_autoptr(GHashTable) protected_labels =
        g_hash_table_new_full (g_bytes_hash, g_bytes_equal, (GDestroyNotify) g_bytes_unref, NULL);

      for (gsize i = 0; i < cbor_map_size (parts->protected_map); i++)
        g_hash_table_add (protected_labels, label_identity (prot[i].key));

      for (gsize i = 0; i < cbor_map_size (parts->unprotected); i++)
        {
          g_autoptr(GBytes) identity = label_identity (unprot[i].key);

          if (g_hash_table_contains (protected_labels, identity))
            {
              g_autofree char *diag = idw_cbor_to_diagnostic (unprot[i].key);

              g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("%s: header parameter %s is both protected and unprotected"),
                           what, diag);
              return FALSE;
            }
        }
    }

  return check_crit (what, parts->protected_map, parts->unprotected, x5chain_understood, error);
}

/* The protected alg. Errors: IDW_ERROR_MISSING_FIELD, IDW_ERROR_WRONG_TYPE,
 * IDW_ERROR_UNSUPPORTED (a text alg). */
static gboolean
protected_alg (const char   *what,
               cbor_item_t  *protected_map,
               gint64       *out_alg,
               GError      **error)
{
  cbor_item_t *alg_item = idw_cbor_map_get_int (protected_map, IDW_COSE_HEADER_ALG);

  if (alg_item == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                   _("%s: no algorithm in the protected header"), what);
      return FALSE;
    }
  if (cbor_isa_string (alg_item))
    {
      g_autofree char *name = idw_cbor_dup_string (alg_item);

      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("%s: unsupported algorithm \"%s\""), what, name != NULL ? name : "");
      return FALSE;
    }
  if (!idw_cbor_get_int (alg_item, out_alg))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                   _("%s: alg: expected an integer"), what);
      return FALSE;
    }
  return TRUE;
}

/**
 * idw_cose_sign1_parse:
 * @item: a COSE_Sign1, tagged 18 or untagged
 * @error: return location for a #GError
 *
 * Checks the structure `[protected: bstr .cbor header_map, unprotected:
 * header_map, payload: bstr / nil, signature: bstr]` and reads the
 * algorithm, which must be in the protected header (an alg only in the
 * unprotected header is not covered by the signature and is refused).
 * A "crit" header naming a parameter other than alg, kid and x5chain is
 * refused (RFC 9052 §3.1). Does not verify anything.
 *
 * Returns: (transfer full): the parsed structure, or %NULL with @error set:
 *   %IDW_ERROR_MALFORMED (not a four-element array, another tag, a
 *   protected header that is not valid CBOR, a label in both headers,
 *   crit unprotected or naming an absent parameter),
 *   %IDW_ERROR_DUPLICATE or %IDW_ERROR_LIMIT (from decoding the protected
 *   header),
 *   %IDW_ERROR_WRONG_TYPE (an element, the alg or crit of the wrong type),
 *   %IDW_ERROR_MISSING_FIELD (no alg in the protected header),
 *   %IDW_ERROR_UNSUPPORTED (alg not EdDSA, ES256, ES384 or ES512; a
 *   critical parameter that is not understood).
 */
IdwCoseSign1 *
idw_cose_sign1_parse (cbor_item_t  *item,
                      GError      **error)
{
  g_auto(CoseParts) parts = { 0 };
  IdwCoseSign1 *sign1;
  gint64 alg;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!cose_parts_parse (item, IDW_CBOR_TAG_COSE_SIGN1, "COSE_Sign1", TRUE, &parts, error))
    return NULL;
  if (!protected_alg ("COSE_Sign1", parts.protected_map, &alg, error))
    return NULL;
  if (idw_key_alg_to_string (alg) == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("COSE_Sign1: unsupported algorithm %" PRId64), alg);
      return NULL;
    }

  sign1 = g_new0 (IdwCoseSign1, 1);
  sign1->alg = alg;
  sign1->protected_bytes = g_steal_pointer (&parts.protected_bytes);
  sign1->protected_map = g_steal_pointer (&parts.protected_map);
  sign1->unprotected = g_steal_pointer (&parts.unprotected);
  sign1->payload = g_steal_pointer (&parts.payload);
  sign1->signature = g_steal_pointer (&parts.last);
  return sign1;
}

/**
 * idw_cose_sign1_get_header:
 * @sign1: a parsed COSE_Sign1
 * @label: an integer header label
 *
 * Returns: (transfer none) (nullable): the parameter from the protected
 *   header, else from the unprotected one, else %NULL.
 */
cbor_item_t *
idw_cose_sign1_get_header (IdwCoseSign1 *sign1,
                           gint64        label)
{
  cbor_item_t *value;

  g_return_val_if_fail (sign1 != NULL, NULL);

  value = idw_cbor_map_get_int (sign1->protected_map, label);
  if (value == NULL)
    value = idw_cbor_map_get_int (sign1->unprotected, label);
  return value;
}

/**
 * idw_cose_sign1_verify:
 * @sign1: a parsed COSE_Sign1
 * @key: the signer's public key
 * @detached_payload: (nullable): the payload, when it is not carried
 * @error: return location for a #GError
 *
 * Verifies the signature over the Sig_structure `["Signature1",
 * protected, h'', payload]` with the algorithm of the protected header.
 * When @detached_payload is given it is what gets verified: a carried
 * payload must then be byte-for-byte the same, so a caller never believes
 * it checked bytes that the signature does not cover.
 *
 * Returns: %TRUE if the signature verifies, else %FALSE with @error set:
 *   %IDW_ERROR_BAD_SIGNATURE (does not verify, wrong length, or a carried
 *   payload differing from @detached_payload), %IDW_ERROR_UNSUPPORTED
 *   (@key is not for the algorithm), %IDW_ERROR_MISSING_FIELD (detached
 *   payload and none given).
 */
gboolean
idw_cose_sign1_verify (IdwCoseSign1  *sign1,
                       IdwKey        *key,
                       GBytes        *detached_payload,
                       GError       **error)
{
  GBytes *payload;
  g_autoptr(GByteArray) tbs = NULL;
  gsize payload_len;
  const guint8 *payload_data;
  gsize sig_len;
  const guint8 *sig;

  g_return_val_if_fail (sign1 != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (detached_payload != NULL)
    {
      if (sign1->payload != NULL && !g_bytes_equal (sign1->payload, detached_payload))
        {
          g_set_error_literal (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE,
                               _("COSE_Sign1: the carried payload differs from the expected one"));
          return FALSE;
        }
      payload = detached_payload;
    }
  else if (sign1->payload != NULL)
    payload = sign1->payload;
  else
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                           _("COSE_Sign1: the payload is detached and was not supplied"));
      return FALSE;
    }

  if (!idw_key_allows_alg (key, sign1->alg))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("COSE_Sign1: an %s signature cannot be checked with a %s key"),
                   idw_key_alg_to_string (sign1->alg), idw_key_get_curve_name (key));
      return FALSE;
    }

  payload_data = g_bytes_get_data (payload, &payload_len);
  tbs = sig_structure (sign1->protected_bytes, payload_data, payload_len);
  sig = g_bytes_get_data (sign1->signature, &sig_len);

  return idw_key_verify (key, sign1->alg, tbs->data, tbs->len,
                         sig != NULL ? sig : (const guint8 *) "", sig_len, error);
}

/**
 * idw_cose_sign1_create_with_headers:
 * @key: a key with a private part (Ed25519, or EC on P-256, P-384, P-521)
 * @protected_extra_steal: (transfer full) (nullable): a map of header
 *   parameters to protect after alg (a CWT's typ, say)
 * @payload: (array length=payload_len) (nullable): the payload
 * @payload_len: length of @payload
 * @detached: write the payload as nil (it is still signed)
 * @unprotected_steal: (transfer full) (nullable): the unprotected header map
 * @error: return location for a #GError
 *
 * Signs @payload as a COSE_Sign1 with @key's algorithm (EdDSA, ES256 or
 * ES384), the protected header `{1: alg}` followed by the entries of
 * @protected_extra_steal.
 *
 * Returns: (transfer full): the untagged COSE_Sign1 array, or %NULL with
 *   @error set: %IDW_ERROR_UNSUPPORTED (not a private key that signs),
 *   %IDW_ERROR_WRONG_TYPE (a header that is not a map).
 */
cbor_item_t *
idw_cose_sign1_create_with_headers (IdwKey        *key,
                                    cbor_item_t   *protected_extra_steal,
                                    const guint8  *payload,
                                    gsize          payload_len,
                                    gboolean       detached,
                                    cbor_item_t   *unprotected_steal,
                                    GError       **error)
{
  g_autoptr(cbor_item_t) unprotected = unprotected_steal;
  g_autoptr(cbor_item_t) protected_extra = protected_extra_steal;
  g_autoptr(cbor_item_t) protected_map = NULL;
  g_autoptr(GBytes) protected_bytes = NULL;
  g_autoptr(GByteArray) tbs = NULL;
  g_autoptr(GBytes) signature = NULL;
  cbor_item_t *sign1;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (payload != NULL || payload_len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if ((unprotected != NULL && !cbor_isa_map (unprotected))
      || (protected_extra != NULL && !cbor_isa_map (protected_extra)))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                           _("COSE_Sign1: header: expected a map"));
      return NULL;
    }

  protected_map = idw_cbor_new_map ();
  idw_cbor_map_add_int (protected_map, IDW_COSE_HEADER_ALG, idw_cbor_new_int (idw_key_get_alg (key)));
  if (protected_extra != NULL)
    {
      struct cbor_pair *pairs = cbor_map_handle (protected_extra);

      for (gsize i = 0; i < cbor_map_size (protected_extra); i++)
        idw_cbor_map_add (protected_map, cbor_incref (pairs[i].key), cbor_incref (pairs[i].value));
    }
  protected_bytes = idw_cbor_encode (protected_map);

  tbs = sig_structure (protected_bytes, payload, payload_len);
  signature = idw_key_sign (key, tbs->data, tbs->len, error);
  if (signature == NULL)
    return NULL;

  if (unprotected == NULL)
    unprotected = idw_cbor_new_map ();

  sign1 = idw_cbor_new_array ();
  idw_cbor_array_add (sign1, idw_cbor_new_gbytes (protected_bytes));
  idw_cbor_array_add (sign1, g_steal_pointer (&unprotected));
  idw_cbor_array_add (sign1, detached ? idw_cbor_new_null () : idw_cbor_new_bytes (payload, payload_len));
  idw_cbor_array_add (sign1, idw_cbor_new_gbytes (signature));
  return sign1;
}

/**
 * idw_cose_sign1_create:
 * @key: a key with a private part (Ed25519, or EC on P-256, P-384, P-521)
 * @payload: (array length=payload_len) (nullable): the payload
 * @payload_len: length of @payload
 * @detached: write the payload as nil (it is still signed)
 * @unprotected_steal: (transfer full) (nullable): the unprotected header map
 * @error: return location for a #GError
 *
 * Signs @payload as a COSE_Sign1 with the key's algorithm in the
 * protected header: `{1: -8}` (EdDSA), `{1: -7}` (ES256), `{1: -35}`
 * (ES384) or `{1: -36}` (ES512); ECDSA signatures are raw r || s.
 *
 * Returns: (transfer full): the untagged COSE_Sign1 array, or %NULL with
 *   @error set: %IDW_ERROR_UNSUPPORTED (no private part),
 *   %IDW_ERROR_WRONG_TYPE (@unprotected_steal is not a map),
 *   %IDW_ERROR_FAILED (the signature could not be made).
 */
cbor_item_t *
idw_cose_sign1_create (IdwKey        *key,
                       const guint8  *payload,
                       gsize          payload_len,
                       gboolean       detached,
                       cbor_item_t   *unprotected_steal,
                       GError       **error)
{
  return idw_cose_sign1_create_with_headers (key, NULL, payload, payload_len, detached,
                                             unprotected_steal, error);
}

/* COSE_Mac0 ------------------------------------------------------------ */

/**
 * idw_cose_mac0_free:
 * @mac0: (nullable): a parsed COSE_Mac0
 */
void
idw_cose_mac0_free (IdwCoseMac0 *mac0)
{
  if (mac0 == NULL)
    return;

  g_clear_pointer (&mac0->protected_bytes, g_bytes_unref);
  g_clear_pointer (&mac0->protected_map, idw_cbor_unref);
  g_clear_pointer (&mac0->unprotected, idw_cbor_unref);
  g_clear_pointer (&mac0->payload, g_bytes_unref);
  g_clear_pointer (&mac0->tag, g_bytes_unref);
  g_free (mac0);
}

/**
 * idw_cose_mac0_parse:
 * @item: a COSE_Mac0, tagged 17 or untagged
 * @error: return location for a #GError
 *
 * Checks the structure `[protected, unprotected, payload: bstr / nil,
 * tag: bstr]` as idw_cose_sign1_parse() does and reads the protected
 * algorithm, which must be HMAC 256/256 (5), the only one ISO 18013-5
 * uses. Does not verify anything.
 *
 * Returns: (transfer full): the parsed structure, or %NULL with the errors
 *   of idw_cose_sign1_parse() (%IDW_ERROR_UNSUPPORTED for another alg)
 */
IdwCoseMac0 *
idw_cose_mac0_parse (cbor_item_t  *item,
                     GError      **error)
{
  g_auto(CoseParts) parts = { 0 };
  IdwCoseMac0 *mac0;
  gint64 alg;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!cose_parts_parse (item, IDW_CBOR_TAG_COSE_MAC0, "COSE_Mac0", FALSE, &parts, error))
    return NULL;
  if (!protected_alg ("COSE_Mac0", parts.protected_map, &alg, error))
    return NULL;
  if (alg != IDW_COSE_ALG_HMAC_256_256)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("COSE_Mac0: unsupported algorithm %" PRId64 " (only HMAC 256/256 is supported)"), alg);
      return NULL;
    }

  mac0 = g_new0 (IdwCoseMac0, 1);
  mac0->alg = alg;
  mac0->protected_bytes = g_steal_pointer (&parts.protected_bytes);
  mac0->protected_map = g_steal_pointer (&parts.protected_map);
  mac0->unprotected = g_steal_pointer (&parts.unprotected);
  mac0->payload = g_steal_pointer (&parts.payload);
  mac0->tag = g_steal_pointer (&parts.last);
  return mac0;
}

/**
 * idw_cose_mac0_verify:
 * @mac0: a parsed COSE_Mac0
 * @key: (array length=key_len): the MAC key
 * @key_len: its length
 * @detached_payload: (nullable): the payload when it is detached
 * @error: return location for a #GError
 *
 * Computes HMAC-SHA-256 over MAC_structure = ["MAC0", protected, h'',
 * payload] (RFC 9052 §6.3) and compares it, in constant time, with the
 * tag, which must be exactly 32 bytes: a truncated or extended tag does
 * not verify.
 *
 * Returns: %TRUE when the tag verifies; otherwise %FALSE with
 *   %IDW_ERROR_BAD_SIGNATURE or %IDW_ERROR_MISSING_FIELD (a detached
 *   payload that was not supplied)
 */
gboolean
idw_cose_mac0_verify (IdwCoseMac0   *mac0,
                      const guint8  *key,
                      gsize          key_len,
                      GBytes        *detached_payload,
                      GError       **error)
{
  g_autoptr(GByteArray) structure = g_byte_array_new ();
  guint8 expected[32];
  GBytes *payload;
  const guint8 *data;
  gsize len;
  gboolean ok;

  g_return_val_if_fail (mac0 != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (detached_payload != NULL)
    {
      if (mac0->payload != NULL && !g_bytes_equal (mac0->payload, detached_payload))
        {
          g_set_error_literal (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE,
                               _("COSE_Mac0: the carried payload differs from the expected one"));
          return FALSE;
        }
      payload = detached_payload;
    }
  else if (mac0->payload != NULL)
    payload = mac0->payload;
  else
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                           _("COSE_Mac0: the payload is detached and was not supplied"));
      return FALSE;
    }

  idw_cbor_write_head (structure, CBOR_TYPE_ARRAY, 4);
  idw_cbor_write_head (structure, CBOR_TYPE_STRING, 4);
  g_byte_array_append (structure, (const guint8 *) "MAC0", 4);
  data = g_bytes_get_data (mac0->protected_bytes, &len);
  idw_cbor_write_bytes (structure, data, len);
  idw_cbor_write_bytes (structure, NULL, 0);
  data = g_bytes_get_data (payload, &len);
  idw_cbor_write_bytes (structure, data, len);

  idw_key_hmac_sha256 (key, key_len, structure->data, structure->len, expected);

  data = g_bytes_get_data (mac0->tag, &len);
  ok = len == sizeof expected && sodium_memcmp (data, expected, sizeof expected) == 0;
  sodium_memzero (expected, sizeof expected);
  if (!ok)
    g_set_error_literal (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE,
                         _("COSE_Mac0: the tag does not verify"));
  return ok;
}
