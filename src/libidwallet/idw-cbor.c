/* idw-cbor.c: CBOR items on libcbor: builders, map lookups, typed reads,
 * tag 24 (embedded CBOR, RFC 8949 §3.4.5.1) and typed field access for
 * parsers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Decoding is in idw-cbor-decode.c, encoding in idw-cbor-encode.c, the
 * dates (tdate, full-date) in idw-cbor-date.c and the diagnostic notation
 * in idw-cbor-diagnostic.c.
 */
#include "config.h"

#include <inttypes.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "idw-cbor.h"
#include "idw-cbor-private.h"
#include "idw-error.h"

/* Tag 24 --------------------------------------------------------------- */

/**
 * idw_cbor_new_tag24:
 * @inner: the item to embed (not consumed)
 *
 * Builds `#6.24(bstr .cbor inner)` from the idw_cbor_encode() encoding of
 * @inner.
 *
 * Returns: (transfer full): the tag 24 item.
 */
cbor_item_t *
idw_cbor_new_tag24 (cbor_item_t *inner)
{
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(cbor_item_t) bstr = NULL;

  g_return_val_if_fail (inner != NULL, NULL);

  encoded = idw_cbor_encode (inner);
  bstr = idw_cbor_new_gbytes (encoded);
  return _idw_cbor_check_alloc (cbor_build_tag (IDW_CBOR_TAG_ENCODED_CBOR, bstr));
}

/* Builders ------------------------------------------------------------- */

cbor_item_t *
_idw_cbor_build_string (guint8        major,
                        const guint8 *data,
                        gsize         len)
{
  if (major == CBOR_MAJOR_BYTES)
    {
      if (len == 0)
        return _idw_cbor_check_alloc (cbor_new_definite_bytestring ());
      return _idw_cbor_check_alloc (cbor_build_bytestring (data, len));
    }

  if (len == 0)
    return _idw_cbor_check_alloc (cbor_new_definite_string ());
  return _idw_cbor_check_alloc (cbor_build_stringn ((const char *) data, len));
}

cbor_item_t *
_idw_cbor_build_uint (guint64 value)
{
  if (value <= G_MAXUINT8)
    return _idw_cbor_check_alloc (cbor_build_uint8 ((guint8) value));
  if (value <= G_MAXUINT16)
    return _idw_cbor_check_alloc (cbor_build_uint16 ((guint16) value));
  if (value <= G_MAXUINT32)
    return _idw_cbor_check_alloc (cbor_build_uint32 ((guint32) value));
  return _idw_cbor_check_alloc (cbor_build_uint64 (value));
}

/* @value is the CBOR argument n of -1-n. */
cbor_item_t *
_idw_cbor_build_negint (guint64 value)
{
  if (value <= G_MAXUINT8)
    return _idw_cbor_check_alloc (cbor_build_negint8 ((guint8) value));
  if (value <= G_MAXUINT16)
    return _idw_cbor_check_alloc (cbor_build_negint16 ((guint16) value));
  if (value <= G_MAXUINT32)
    return _idw_cbor_check_alloc (cbor_build_negint32 ((guint32) value));
  return _idw_cbor_check_alloc (cbor_build_negint64 (value));
}

/**
 * idw_cbor_new_string:
 * @str: a UTF-8 string
 *
 * Returns: (transfer full): a definite text string holding @str.
 */
cbor_item_t *
idw_cbor_new_string (const char *str)
{
  g_return_val_if_fail (str != NULL, NULL);

  return _idw_cbor_build_string (CBOR_MAJOR_TEXT, (const guint8 *) str, strlen (str));
}

/**
 * idw_cbor_new_bytes:
 * @data: (array length=len) (nullable): the bytes
 * @len: length of @data
 *
 * Returns: (transfer full): a definite byte string holding a copy of @data.
 */
cbor_item_t *
idw_cbor_new_bytes (const guint8 *data,
                    gsize         len)
{
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  return _idw_cbor_build_string (CBOR_MAJOR_BYTES, data, len);
}

/**
 * idw_cbor_new_gbytes:
 * @bytes: the bytes
 *
 * Returns: (transfer full): a definite byte string holding a copy of @bytes.
 */
cbor_item_t *
idw_cbor_new_gbytes (GBytes *bytes)
{
  gsize len;
  const guint8 *data;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &len);
  return _idw_cbor_build_string (CBOR_MAJOR_BYTES, data, len);
}

/**
 * idw_cbor_new_int:
 * @value: any 64-bit signed value
 *
 * Returns: (transfer full): an unsigned or negative integer item of the
 *   smallest width that holds @value.
 */
cbor_item_t *
idw_cbor_new_int (gint64 value)
{
  if (value >= 0)
    return _idw_cbor_build_uint ((guint64) value);

  /* -1 - n = value, computed without overflowing at G_MININT64. */
  return _idw_cbor_build_negint ((guint64) (-(value + 1)));
}

/**
 * idw_cbor_new_bool:
 * @value: the value
 *
 * Returns: (transfer full): `true` or `false`.
 */
cbor_item_t *
idw_cbor_new_bool (gboolean value)
{
  return _idw_cbor_check_alloc (cbor_build_bool (value ? true : false));
}

/**
 * idw_cbor_new_null:
 *
 * Returns: (transfer full): `null`.
 */
cbor_item_t *
idw_cbor_new_null (void)
{
  return _idw_cbor_check_alloc (cbor_new_null ());
}

/**
 * idw_cbor_new_map:
 *
 * Returns: (transfer full): an empty map that grows with
 *   idw_cbor_map_add(); idw_cbor_encode() writes it with a definite length.
 */
cbor_item_t *
idw_cbor_new_map (void)
{
  return _idw_cbor_check_alloc (cbor_new_indefinite_map ());
}

/**
 * idw_cbor_new_array:
 *
 * Returns: (transfer full): an empty array that grows with
 *   idw_cbor_array_add(); idw_cbor_encode() writes it with a definite length.
 */
cbor_item_t *
idw_cbor_new_array (void)
{
  return _idw_cbor_check_alloc (cbor_new_indefinite_array ());
}

/**
 * idw_cbor_map_add:
 * @map: a map made by idw_cbor_new_map()
 * @key_steal: (transfer full): the key
 * @value_steal: (transfer full): the value
 *
 * Appends an entry. It does not check for an existing equal key: builders
 * are trusted to add each key once.
 */
void
idw_cbor_map_add (cbor_item_t *map,
                  cbor_item_t *key_steal,
                  cbor_item_t *value_steal)
{
  g_autoptr(cbor_item_t) key = key_steal;
  g_autoptr(cbor_item_t) value = value_steal;

  g_return_if_fail (map != NULL && cbor_isa_map (map));
  g_return_if_fail (key != NULL && value != NULL);

  /* A definite map (from the decoder) has no room to grow. */
  if (!cbor_map_add (map, (struct cbor_pair) { .key = key, .value = value }))
    g_critical ("idw_cbor_map_add: map is full (decoded maps are fixed-size)");
}

/**
 * idw_cbor_map_add_str:
 * @map: a map made by idw_cbor_new_map()
 * @key: a text key
 * @value_steal: (transfer full): the value
 *
 * Appends an entry with a text string key.
 */
void
idw_cbor_map_add_str (cbor_item_t *map,
                      const char  *key,
                      cbor_item_t *value_steal)
{
  g_return_if_fail (key != NULL);

  idw_cbor_map_add (map, idw_cbor_new_string (key), value_steal);
}

/**
 * idw_cbor_map_add_int:
 * @map: a map made by idw_cbor_new_map()
 * @key: an integer key
 * @value_steal: (transfer full): the value
 *
 * Appends an entry with an integer key (COSE labels).
 */
void
idw_cbor_map_add_int (cbor_item_t *map,
                      gint64       key,
                      cbor_item_t *value_steal)
{
  idw_cbor_map_add (map, idw_cbor_new_int (key), value_steal);
}

/**
 * idw_cbor_array_add:
 * @array: an array made by idw_cbor_new_array()
 * @value_steal: (transfer full): the value
 *
 * Appends @value_steal to @array.
 */
void
idw_cbor_array_add (cbor_item_t *array,
                    cbor_item_t *value_steal)
{
  g_autoptr(cbor_item_t) value = value_steal;

  g_return_if_fail (array != NULL && cbor_isa_array (array));
  g_return_if_fail (value != NULL);

  if (!cbor_array_push (array, value))
    g_critical ("idw_cbor_array_add: array is full (decoded arrays are fixed-size)");
}

/* Lookups and typed reads ---------------------------------------------- */

/**
 * idw_cbor_map_get:
 * @map: (nullable): a map
 * @key: a text key
 *
 * Returns: (transfer none) (nullable): the value for the text key @key, or
 *   %NULL when @map is not a map or has no such key.
 */
cbor_item_t *
idw_cbor_map_get (cbor_item_t *map,
                  const char  *key)
{
  struct cbor_pair *pairs;

  g_return_val_if_fail (key != NULL, NULL);

  if (map == NULL || !cbor_isa_map (map))
    return NULL;

  pairs = cbor_map_handle (map);
  for (gsize i = 0; i < cbor_map_size (map); i++)
    if (idw_cbor_string_equal (pairs[i].key, key))
      return pairs[i].value;

  return NULL;
}

/**
 * idw_cbor_map_get_int:
 * @map: (nullable): a map
 * @key: an integer key
 *
 * Returns: (transfer none) (nullable): the value for the integer key @key,
 *   or %NULL when @map is not a map or has no such key.
 */
cbor_item_t *
idw_cbor_map_get_int (cbor_item_t *map,
                      gint64       key)
{
  struct cbor_pair *pairs;

  if (map == NULL || !cbor_isa_map (map))
    return NULL;

  pairs = cbor_map_handle (map);
  for (gsize i = 0; i < cbor_map_size (map); i++)
    {
      gint64 v;

      if (idw_cbor_get_int (pairs[i].key, &v) && v == key)
        return pairs[i].value;
    }

  return NULL;
}

/**
 * idw_cbor_get_int:
 * @item: (nullable): an item
 * @out_value: (out) (optional): the value
 *
 * Returns: %TRUE when @item is an integer (major type 0 or 1) within the
 *   range of #gint64.
 */
gboolean
idw_cbor_get_int (cbor_item_t *item,
                  gint64      *out_value)
{
  guint64 raw;
  gint64 value;

  if (item == NULL)
    return FALSE;

  if (cbor_isa_uint (item))
    {
      raw = cbor_get_int (item);
      if (raw > G_MAXINT64)
        return FALSE;
      value = (gint64) raw;
    }
  else if (cbor_isa_negint (item))
    {
      raw = cbor_get_int (item);
      if (raw > G_MAXINT64)
        return FALSE;
      value = -1 - (gint64) raw;
    }
  else
    return FALSE;

  if (out_value != NULL)
    *out_value = value;
  return TRUE;
}

/**
 * idw_cbor_get_uint:
 * @item: (nullable): an item
 * @out_value: (out) (optional): the value
 *
 * Returns: %TRUE when @item is an unsigned integer (major type 0).
 */
gboolean
idw_cbor_get_uint (cbor_item_t *item,
                   guint64     *out_value)
{
  if (item == NULL || !cbor_isa_uint (item))
    return FALSE;

  if (out_value != NULL)
    *out_value = cbor_get_int (item);
  return TRUE;
}

/**
 * idw_cbor_get_bool:
 * @item: (nullable): an item
 * @out_value: (out) (optional): the value
 *
 * Returns: %TRUE when @item is `true` or `false`.
 */
gboolean
idw_cbor_get_bool (cbor_item_t *item,
                   gboolean    *out_value)
{
  /* libcbor asserts when asked for the control value of a float. */
  if (item == NULL || !cbor_isa_float_ctrl (item) || !cbor_float_ctrl_is_ctrl (item) ||
      !cbor_is_bool (item))
    return FALSE;

  if (out_value != NULL)
    *out_value = cbor_get_bool (item) ? TRUE : FALSE;
  return TRUE;
}

/**
 * idw_cbor_is_null:
 * @item: (nullable): an item
 *
 * Returns: %TRUE when @item is `null` (not %NULL, not `undefined`).
 */
gboolean
idw_cbor_is_null (cbor_item_t *item)
{
  return item != NULL && cbor_isa_float_ctrl (item) && cbor_float_ctrl_is_ctrl (item) &&
         cbor_is_null (item);
}

GByteArray *
_idw_cbor_string_contents (cbor_item_t *item)
{
  GByteArray *out = g_byte_array_new ();

  _idw_cbor_append_string_bytes (out, item);
  return out;
}

/**
 * idw_cbor_dup_string:
 * @item: (nullable): an item
 *
 * Returns: (transfer full) (nullable): a copy of the text string, or %NULL
 *   when @item is not a text string or contains U+0000 (which a C string
 *   could not carry faithfully).
 */
char *
idw_cbor_dup_string (cbor_item_t *item)
{
  g_autoptr(GByteArray) buf = NULL;

  if (item == NULL || !cbor_isa_string (item))
    return NULL;

  buf = _idw_cbor_string_contents (item);
  if (buf->len > 0 && memchr (buf->data, '\0', buf->len) != NULL)
    return NULL;

  g_byte_array_append (buf, (const guint8 *) "", 1);
  return (char *) g_byte_array_free (g_steal_pointer (&buf), FALSE);
}

/**
 * idw_cbor_string_equal:
 * @item: (nullable): an item
 * @str: a C string
 *
 * Returns: %TRUE when @item is a text string with exactly the bytes of @str.
 */
gboolean
idw_cbor_string_equal (cbor_item_t *item,
                       const char  *str)
{
  gsize len;

  g_return_val_if_fail (str != NULL, FALSE);

  if (item == NULL || !cbor_isa_string (item))
    return FALSE;

  len = strlen (str);
  if (cbor_string_is_definite (item))
    return cbor_string_length (item) == len
           && (len == 0 || memcmp (cbor_string_handle (item), str, len) == 0);

  {
    g_autoptr(GByteArray) buf = _idw_cbor_string_contents (item);

    return buf->len == len && (len == 0 || memcmp (buf->data, str, len) == 0);
  }
}

/**
 * idw_cbor_dup_bytes:
 * @item: (nullable): an item
 *
 * Returns: (transfer full) (nullable): a copy of the byte string, or %NULL
 *   when @item is not a byte string.
 */
GBytes *
idw_cbor_dup_bytes (cbor_item_t *item)
{
  if (item == NULL || !cbor_isa_bytestring (item))
    return NULL;

  return g_byte_array_free_to_bytes (_idw_cbor_string_contents (item));
}

/**
 * idw_cbor_untag:
 * @item: (nullable): an item
 * @tag: the expected tag number
 *
 * Returns: (transfer none) (nullable): the item inside tag @tag, or %NULL
 *   when @item is not tagged with @tag.
 */
cbor_item_t *
idw_cbor_untag (cbor_item_t *item,
                guint64      tag)
{
  if (item == NULL || !cbor_isa_tag (item) || cbor_tag_value (item) != tag)
    return NULL;

  return _idw_cbor_tag_item_borrowed (item);
}

static const char *
type_description (cbor_type type)
{
  switch (type)
    {
    case CBOR_TYPE_UINT:
      return _("an unsigned integer");
    case CBOR_TYPE_NEGINT:
      return _("a negative integer");
    case CBOR_TYPE_BYTESTRING:
      return _("a byte string");
    case CBOR_TYPE_STRING:
      return _("a text string");
    case CBOR_TYPE_ARRAY:
      return _("an array");
    case CBOR_TYPE_MAP:
      return _("a map");
    case CBOR_TYPE_TAG:
      return _("a tagged item");
    case CBOR_TYPE_FLOAT_CTRL:
    default:
      return _("a simple value or float");
    }
}

/**
 * idw_cbor_require:
 * @map: (nullable): the map to look in
 * @key: a text key
 * @type: the required libcbor type of the value
 * @context: names the structure for the error message ("MSO")
 * @error: return location for a #GError
 *
 * Looks up a required field and checks its type.
 *
 * Returns: (transfer none): the value, or %NULL with @error set:
 *   %IDW_ERROR_WRONG_TYPE ("MSO: expected a map" when @map is not a map,
 *   "MSO: validityInfo: expected a map" when the value has another type),
 *   %IDW_ERROR_MISSING_FIELD ("MSO: missing validityInfo").
 */
cbor_item_t *
idw_cbor_require (cbor_item_t  *map,
                  const char   *key,
                  cbor_type     type,
                  const char   *context,
                  GError      **error)
{
  cbor_item_t *value;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (context != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (map == NULL || !cbor_isa_map (map))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                   _("%s: expected %s"), context, type_description (CBOR_TYPE_MAP));
      return NULL;
    }

  value = idw_cbor_map_get (map, key);
  if (value == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                   _("%s: missing %s"), context, key);
      return NULL;
    }

  if (cbor_typeof (value) != type)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                   _("%s: %s: expected %s"), context, key, type_description (type));
      return NULL;
    }

  return value;
}
