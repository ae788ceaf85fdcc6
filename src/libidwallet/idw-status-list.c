/* idw-status-list.c: the Token Status List (draft-ietf-oauth-status-list)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A byte array of statuses, @bits (1, 2, 4 or 8) each, the first status in
 * the least significant bits of the first byte (§4.1), zlib-compressed
 * (RFC 1950) in a CBOR map (§4.3):
 *
 *   StatusList = {
 *     "bits" : 1 / 2 / 4 / 8,
 *     "lst" : bstr,                 ; zlib(the byte array)
 *     ? "aggregation_uri" : tstr
 *   }
 *
 * The list is read from the network: its compressed size is checked before
 * inflating and inflating stops as soon as the inflated limit is passed, so
 * a zip bomb costs no more than the limit.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "idw-cbor.h"
#include "idw-error.h"
#include "idw-status-list.h"
#include "idw-transport.h"

struct _IdwStatusList
{
  guint       bits;
  GByteArray *bytes;
  char       *aggregation_uri;
};

static gboolean
bits_supported (guint64 bits)
{
  return bits == 1 || bits == 2 || bits == 4 || bits == 8;
}

static gboolean
check_bits (guint64   bits,
            GError  **error)
{
  if (bits_supported (bits))
    return TRUE;
  g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
               _("Status list bits: %llu is not supported (expected 1, 2, 4 or 8)"),
               (unsigned long long) bits);
  return FALSE;
}

/* The bytes that hold @size entries of @bits, or 0 past the limit. */
static gsize
bytes_for (guint    bits,
           guint64  size)
{
  guint64 per_byte = 8 / bits;
  guint64 n = size / per_byte + (size % per_byte != 0);

  return n > IDW_MAX_STATUS_LIST_INFLATED ? 0 : (gsize) n;
}

static gboolean
set_size_error (guint64   size,
                GError  **error)
{
  g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
               _("A status list of %llu entries exceeds the limit of %d bytes"),
               (unsigned long long) size, IDW_MAX_STATUS_LIST_INFLATED);
  return FALSE;
}

IdwStatusList *
idw_status_list_new (guint     bits,
                     guint64   size,
                     GError  **error)
{
  IdwStatusList *list;
  gsize n;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_bits (bits, error))
    return NULL;
  n = bytes_for (bits, size);
  if (n == 0 && size != 0)
    {
      set_size_error (size, error);
      return NULL;
    }
  list = g_new0 (IdwStatusList, 1);
  list->bits = bits;
  list->bytes = g_byte_array_sized_new (n);
  g_byte_array_set_size (list->bytes, n);
  memset (list->bytes->data, 0, n);
  return list;
}

void
idw_status_list_free (IdwStatusList *list)
{
  if (list == NULL)
    return;
  g_byte_array_unref (list->bytes);
  g_free (list->aggregation_uri);
  g_free (list);
}

IdwStatusList *
idw_status_list_copy (IdwStatusList *list)
{
  IdwStatusList *copy;

  g_return_val_if_fail (list != NULL, NULL);

  copy = g_new0 (IdwStatusList, 1);
  copy->bits = list->bits;
  copy->bytes = g_byte_array_sized_new (list->bytes->len);
  g_byte_array_append (copy->bytes, list->bytes->data, list->bytes->len);
  copy->aggregation_uri = g_strdup (list->aggregation_uri);
  return copy;
}

guint
idw_status_list_get_bits (IdwStatusList *list)
{
  g_return_val_if_fail (list != NULL, 0);
  return list->bits;
}

guint64
idw_status_list_get_size (IdwStatusList *list)
{
  g_return_val_if_fail (list != NULL, 0);
  return (guint64) list->bytes->len * (8 / list->bits);
}

gboolean
idw_status_list_ensure_size (IdwStatusList  *list,
                             guint64         size,
                             GError        **error)
{
  gsize n, old;

  g_return_val_if_fail (list != NULL, FALSE);

  n = bytes_for (list->bits, size);
  if (n == 0 && size != 0)
    return set_size_error (size, error);
  old = list->bytes->len;
  if (n > old)
    {
      g_byte_array_set_size (list->bytes, n);
      memset (list->bytes->data + old, 0, n - old);
    }
  return TRUE;
}

static gboolean
check_index (IdwStatusList  *list,
             guint64         index,
             GError        **error)
{
  guint64 size = idw_status_list_get_size (list);

  if (index < size)
    return TRUE;
  g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
               _("Status list index %llu is out of range (the list has %llu entries)"),
               (unsigned long long) index, (unsigned long long) size);
  return FALSE;
}

gboolean
idw_status_list_get (IdwStatusList  *list,
                     guint64         index,
                     guint          *out_status,
                     GError        **error)
{
  guint64 bit;

  g_return_val_if_fail (list != NULL, FALSE);
  g_return_val_if_fail (out_status != NULL, FALSE);

  if (!check_index (list, index, error))
    return FALSE;
  /* §4.1: the first entry in the least significant bits of byte 0. */
  bit = index * list->bits;
  *out_status = (list->bytes->data[bit / 8] >> (bit % 8)) & ((1u << list->bits) - 1);
  return TRUE;
}

gboolean
idw_status_list_set (IdwStatusList  *list,
                     guint64         index,
                     guint           status,
                     GError        **error)
{
  guint mask;
  guint64 bit;
  guint8 *byte;

  g_return_val_if_fail (list != NULL, FALSE);

  if (!check_index (list, index, error))
    return FALSE;
  mask = (1u << list->bits) - 1;
  if (status > mask)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("The status %u does not fit in a status list of %u bits per entry"),
                   status, list->bits);
      return FALSE;
    }
  bit = index * list->bits;
  byte = &list->bytes->data[bit / 8];
  *byte = (guint8) ((*byte & ~(mask << (bit % 8))) | (status << (bit % 8)));
  return TRUE;
}

const char *
idw_status_list_get_aggregation_uri (IdwStatusList *list)
{
  g_return_val_if_fail (list != NULL, NULL);
  return list->aggregation_uri;
}

void
idw_status_list_set_aggregation_uri (IdwStatusList *list,
                                     const char    *uri)
{
  g_return_if_fail (list != NULL);
  g_free (list->aggregation_uri);
  list->aggregation_uri = g_strdup (uri);
}

IdwStatusList *
idw_status_list_parse (cbor_item_t  *item,
                       GError      **error)
{
  const char *S = "StatusList";
  g_autoptr(GBytes) compressed = NULL;
  g_autoptr(GBytes) inflated = NULL;
  g_autoptr(GError) local_error = NULL;
  IdwStatusList *list;
  cbor_item_t *value;
  guint64 bits;
  gsize len;

  g_return_val_if_fail (item != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!cbor_isa_map (item))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE, _("%s: expected a map"), S);
      return NULL;
    }
  value = idw_cbor_map_get (item, "bits");
  if (value == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD, _("%s: “%s” is missing"), S, "bits");
      return NULL;
    }
  if (!idw_cbor_get_uint (value, &bits))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                   _("%s %s: expected an unsigned integer"), S, "bits");
      return NULL;
    }
  if (!check_bits (bits, error))
    return NULL;

  value = idw_cbor_require (item, "lst", CBOR_TYPE_BYTESTRING, S, error);
  if (value == NULL)
    return NULL;
  /* Before copying or inflating anything. */
  if (cbor_bytestring_is_definite (value) && cbor_bytestring_length (value) > IDW_MAX_STATUS_LIST_COMPRESSED)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("%s lst: %zu compressed bytes exceed the limit of %d"),
                   S, cbor_bytestring_length (value), IDW_MAX_STATUS_LIST_COMPRESSED);
      return NULL;
    }
  compressed = idw_cbor_dup_bytes (value);
  if (g_bytes_get_size (compressed) > IDW_MAX_STATUS_LIST_COMPRESSED)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("%s lst: %zu compressed bytes exceed the limit of %d"),
                   S, g_bytes_get_size (compressed), IDW_MAX_STATUS_LIST_COMPRESSED);
      return NULL;
    }
  inflated = idw_inflate (g_bytes_get_data (compressed, NULL), g_bytes_get_size (compressed),
                          IDW_MAX_STATUS_LIST_INFLATED, &local_error);
  if (inflated == NULL)
    {
      g_set_error (error, IDW_ERROR, local_error->code, "%s lst: %s", S, local_error->message);
      return NULL;
    }
  len = g_bytes_get_size (inflated);
  if (len == 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED, _("%s lst: the list is empty"), S);
      return NULL;
    }

  value = idw_cbor_map_get (item, "aggregation_uri");
  if (value != NULL && !cbor_isa_string (value))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE, _("%s %s: expected a text string"),
                   S, "aggregation_uri");
      return NULL;
    }

  list = g_new0 (IdwStatusList, 1);
  list->bits = (guint) bits;
  list->bytes = g_bytes_unref_to_array (g_steal_pointer (&inflated));
  list->aggregation_uri = value != NULL ? idw_cbor_dup_string (value) : NULL;
  return list;
}

IdwStatusList *
idw_status_list_decode (GBytes  *data,
                        GError **error)
{
  g_autoptr(cbor_item_t) item = NULL;

  g_return_val_if_fail (data != NULL, NULL);

  item = idw_cbor_decode_bytes (data, error);
  if (item == NULL)
    return NULL;
  return idw_status_list_parse (item, error);
}

cbor_item_t *
idw_status_list_to_cbor (IdwStatusList *list)
{
  g_autoptr(GBytes) compressed = NULL;
  cbor_item_t *map;

  g_return_val_if_fail (list != NULL, NULL);

  compressed = idw_deflate (list->bytes->data, list->bytes->len);
  map = idw_cbor_new_map ();
  idw_cbor_map_add_str (map, "bits", idw_cbor_new_int (list->bits));
  idw_cbor_map_add_str (map, "lst", idw_cbor_new_gbytes (compressed));
  if (list->aggregation_uri != NULL)
    idw_cbor_map_add_str (map, "aggregation_uri", idw_cbor_new_string (list->aggregation_uri));
  return map;
}

GBytes *
idw_status_list_encode (IdwStatusList *list)
{
  g_autoptr(cbor_item_t) map = idw_status_list_to_cbor (list);

  return idw_cbor_encode (map);
}

const char *
idw_token_status_to_string (guint status)
{
  switch (status)
    {
    case IDW_TOKEN_STATUS_VALID:
      return "valid";
    case IDW_TOKEN_STATUS_INVALID:
      return "invalid";
    case IDW_TOKEN_STATUS_SUSPENDED:
      return "suspended";
    default:
      return NULL;
    }
}
