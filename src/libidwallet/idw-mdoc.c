/* idw-mdoc.c: what the ISO/IEC 18013-5 mdoc structures share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The structures have a file per family, in the order of the standard:
 * idw-issuer-signed.c (IssuerSignedItem, IssuerSigned: 8.3.2.1.2.2),
 * idw-mso.c (MobileSecurityObject: 9.1.2.4), idw-device-signed.c
 * (DeviceSigned, DeviceAuthentication: 8.3.2.1.2.2, 9.1.3),
 * idw-device-response.c (Document, DeviceResponse: 8.3.2.1.2.2) and
 * idw-device-request.c (DeviceRequest: 8.3.2.1.2.1). Here: the helpers
 * their parsers share (idw-mdoc-private.h), the digest algorithms, and the
 * deterministic map order of their builders.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "idw-cbor.h"
#include "idw-error.h"
#include "idw-mdoc-private.h"
#include "idw-mdoc.h"

/* ---- Helpers ---------------------------------------------------------- */

/* Error messages read "STRUCTURE FIELD: expected WHAT", as in
 * "MSO validityInfo.validUntil: expected tdate". */
void
_idw_mdoc_set_wrong_type (GError     **error,
                          const char  *structure,
                          const char  *field,
                          const char  *expected)
{
  if (field != NULL)
    g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                 /* Translators: "MSO validityInfo.validUntil: expected tdate" */
                 _("%s %s: expected %s"), structure, field, expected);
  else
    g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                 _("%s: expected %s"), structure, expected);
}

cbor_item_t *
_idw_mdoc_get_field (cbor_item_t  *map,
                     const char   *structure,
                     const char   *field_path,
                     const char   *key,
                     gboolean      required,
                     GError      **error)
{
  cbor_item_t *value = idw_cbor_map_get (map, key);

  if (value == NULL && required)
    g_set_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                 /* Translators: "MSO validityInfo.validUntil: missing" */
                 _("%s %s: missing"), structure, field_path);
  return value;
}

char *
_idw_mdoc_get_text (cbor_item_t  *map,
                    const char   *structure,
                    const char   *field_path,
                    const char   *key,
                    GError      **error)
{
  cbor_item_t *value = _idw_mdoc_get_field (map, structure, field_path, key, TRUE, error);
  char *str;

  if (value == NULL)
    return NULL;
  str = cbor_isa_string (value) ? idw_cbor_dup_string (value) : NULL;
  if (str == NULL)
    _idw_mdoc_set_wrong_type (error, structure, field_path, _("a text string"));
  return str;
}

/* `#6.24(bstr)` around @inner, with the shortest headers. */
void
_idw_mdoc_append_tag24 (GByteArray   *out,
                        const guint8 *inner,
                        gsize         len)
{
  idw_cbor_write_head (out, CBOR_TYPE_TAG, IDW_CBOR_TAG_ENCODED_CBOR);
  idw_cbor_write_bytes (out, inner, len);
}

GBytes *
_idw_mdoc_tag24_encoding (GBytes *inner)
{
  GByteArray *out = g_byte_array_new ();
  gsize len;
  const guint8 *data = g_bytes_get_data (inner, &len);

  _idw_mdoc_append_tag24 (out, data, len);
  return g_byte_array_free_to_bytes (out);
}

/* The tag-24 content as a decoded item, with an error naming the field. */
cbor_item_t *
_idw_mdoc_decode_tag24_field (cbor_item_t  *item,
                              const char   *structure,
                              const char   *field,
                              GBytes      **out_inner,
                              GError      **error)
{
  cbor_item_t *bstr = idw_cbor_untag (item, IDW_CBOR_TAG_ENCODED_CBOR);
  g_autoptr(GError) local_error = NULL;
  cbor_item_t *inner;

  if (bstr == NULL || !cbor_isa_bytestring (bstr))
    {
      _idw_mdoc_set_wrong_type (error, structure, field,
                                _("a byte string with tag 24 (embedded CBOR)"));
      return NULL;
    }
  inner = idw_cbor_decode_tag24 (item, out_inner, &local_error);
  if (inner == NULL)
    {
      if (field != NULL)
        g_set_error (error, IDW_ERROR, local_error->code, "%s %s: %s",
                     structure, field, local_error->message);
      else
        g_set_error (error, IDW_ERROR, local_error->code, "%s: %s",
                     structure, local_error->message);
      return NULL;
    }
  return inner;
}

/* A COSE_Sign1 or COSE_Mac0, possibly tagged: [protected bstr, unprotected
 * map, payload bstr / nil, signature or tag bstr]. Checking the shape here
 * also keeps floats away from libcbor's null test, which aborts on them. */
gboolean
_idw_mdoc_is_cose_array (cbor_item_t *item)
{
  cbor_item_t **fields;

  if (cbor_isa_tag (item))
    {
      guint64 tag = cbor_tag_value (item);

      if (tag != IDW_CBOR_TAG_COSE_SIGN1 && tag != 17)
        return FALSE;
      item = idw_cbor_untag (item, tag);
    }
  if (item == NULL || !cbor_isa_array (item) || cbor_array_size (item) != 4)
    return FALSE;
  fields = cbor_array_handle (item);
  return cbor_isa_bytestring (fields[0])
         && cbor_isa_map (fields[1])
         && (cbor_isa_bytestring (fields[2]) || _idw_cbor_is_null_safe (fields[2]))
         && cbor_isa_bytestring (fields[3]);
}

/* ---- Digests ---------------------------------------------------------- */

gboolean
idw_mdoc_digest_algorithm_supported (const char *algorithm)
{
  return algorithm != NULL
         && (g_str_equal (algorithm, "SHA-256")
             || g_str_equal (algorithm, "SHA-384")
             || g_str_equal (algorithm, "SHA-512"));
}

GBytes *
idw_mdoc_digest (const char    *algorithm,
                 const guint8  *data,
                 gsize          len,
                 GError       **error)
{
  if (algorithm != NULL && g_str_equal (algorithm, "SHA-256"))
    {
      guint8 out[crypto_hash_sha256_BYTES];

      crypto_hash_sha256 (out, data, len);
      return g_bytes_new (out, sizeof out);
    }
  if (algorithm != NULL && g_str_equal (algorithm, "SHA-512"))
    {
      guint8 out[crypto_hash_sha512_BYTES];

      crypto_hash_sha512 (out, data, len);
      return g_bytes_new (out, sizeof out);
    }
  if (algorithm != NULL && g_str_equal (algorithm, "SHA-384"))
    {
      g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA384);
      guint8 out[48];
      gsize out_len = sizeof out;

      g_checksum_update (checksum, data, (gssize) len);
      g_checksum_get_digest (checksum, out, &out_len);
      return g_bytes_new (out, out_len);
    }

  g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
               _("Digest algorithm “%s” is not supported"),
               algorithm != NULL ? algorithm : "");
  return NULL;
}

/* ---- Deterministic encoding ------------------------------------------- */

typedef struct
{
  GBytes           *key;
  struct cbor_pair  pair;
} SortEntry;

static int
compare_sort_entries (gconstpointer a,
                      gconstpointer b)
{
  const SortEntry *ea = a, *eb = b;
  gsize la, lb;
  const guint8 *da = g_bytes_get_data (ea->key, &la);
  const guint8 *db = g_bytes_get_data (eb->key, &lb);
  int cmp = memcmp (da, db, MIN (la, lb));

  if (cmp != 0)
    return cmp;
  return la < lb ? -1 : la > lb ? 1 : 0;
}

void
idw_mdoc_cbor_sort_maps (cbor_item_t *item)
{
  g_return_if_fail (item != NULL);

  switch (cbor_typeof (item))
    {
    case CBOR_TYPE_ARRAY:
      {
        cbor_item_t **items = cbor_array_handle (item);

        for (gsize i = 0; i < cbor_array_size (item); i++)
          idw_mdoc_cbor_sort_maps (items[i]);
        break;
      }

    case CBOR_TYPE_MAP:
      {
        struct cbor_pair *pairs = cbor_map_handle (item);
        gsize n = cbor_map_size (item);
        g_autofree SortEntry *entries = NULL;

        if (n == 0)
          break;
        entries = g_new0 (SortEntry, n);
        for (gsize i = 0; i < n; i++)
          {
            idw_mdoc_cbor_sort_maps (pairs[i].key);
            idw_mdoc_cbor_sort_maps (pairs[i].value);
            entries[i].key = idw_cbor_encode (pairs[i].key);
            entries[i].pair = pairs[i];
          }
        qsort (entries, n, sizeof (SortEntry), compare_sort_entries);
        for (gsize i = 0; i < n; i++)
          {
            pairs[i] = entries[i].pair;
            g_bytes_unref (entries[i].key);
          }
        break;
      }

    case CBOR_TYPE_TAG:
      {
        cbor_item_t *inner = cbor_tag_item (item);

        idw_mdoc_cbor_sort_maps (inner);
        cbor_decref (&inner);
        break;
      }

    case CBOR_TYPE_UINT:
    case CBOR_TYPE_NEGINT:
    case CBOR_TYPE_BYTESTRING:
    case CBOR_TYPE_STRING:
    case CBOR_TYPE_FLOAT_CTRL:
    default:
      break;
    }
}
