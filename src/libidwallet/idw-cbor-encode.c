/* idw-cbor-encode.c: CBOR encoding (RFC 8949 §3): the one head writer of
 * the engine and the deterministic encoder (definite lengths, shortest
 * heads, as RFC 8949 §4.2.1 asks, map entries in the order they were added)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "idw-cbor.h"
#include "idw-cbor-private.h"

static guint64
float_to_bits (float f)
{
  guint32 u;

  memcpy (&u, &f, sizeof u);
  return u;
}

/* binary32 -> binary16 by truncation; exact for every value that came from
 * a half, which is all the encoder needs to round-trip them. */
static guint16
float_to_half (float f)
{
  guint32 u = (guint32) float_to_bits (f);
  guint16 sign = (guint16) ((u >> 16) & 0x8000);
  gint32 exp = (gint32) ((u >> 23) & 0xff);
  guint32 mant = u & 0x7fffff;

  /* Infinity, or a NaN with its payload (a half's ten bits come back
   * unchanged): two NaN map keys that differ only there stay two keys
   * when the map is written again (found by fuzzing). */
  if (exp == 0xff)
    return sign | 0x7c00 | (mant == 0 ? 0 : (mant >> 13) != 0 ? (guint16) (mant >> 13) : 0x200);
  exp = exp - 127 + 15;
  if (exp >= 31)
    return sign | 0x7c00;
  if (exp <= 0)
    {
      if (exp < -10)
        return sign;
      mant |= 0x800000;
      return sign | (guint16) (mant >> (14 - exp));
    }
  return sign | (guint16) (exp << 10) | (guint16) (mant >> 13);
}

/**
 * idw_cbor_write_head:
 * @out: the buffer to append to
 * @major: the major type, 0 to 7
 * @arg: the argument (a length, a value or a tag number)
 *
 * Appends the head of a CBOR data item in its shortest form. The one
 * head writer of the engine: the structures that are signed or MACed
 * (Sig_structure, MAC_structure, DeviceAuthentication) are written with
 * it directly so that large payloads are copied once.
 */
void
idw_cbor_write_head (GByteArray *out,
                     guint8      major,
                     guint64     arg)
{
  guint8 buf[9];
  guint n;

  g_return_if_fail (major < 8);

  if (arg < 24)
    {
      buf[0] = (guint8) (major << 5 | arg);
      g_byte_array_append (out, buf, 1);
      return;
    }

  n = arg <= G_MAXUINT8 ? 1 : arg <= G_MAXUINT16 ? 2 : arg <= G_MAXUINT32 ? 4 : 8;
  buf[0] = (guint8) (major << 5 | (n == 1 ? 24 : n == 2 ? 25 : n == 4 ? 26 : 27));
  for (guint i = 0; i < n; i++)
    buf[1 + i] = (guint8) (arg >> (8 * (n - 1 - i)));
  g_byte_array_append (out, buf, 1 + n);
}

/**
 * idw_cbor_write_bytes:
 * @out: the buffer to append to
 * @data: (array length=len) (nullable): the content
 * @len: its length
 *
 * Appends a definite byte string.
 */
void
idw_cbor_write_bytes (GByteArray   *out,
                      const guint8 *data,
                      gsize         len)
{
  idw_cbor_write_head (out, CBOR_MAJOR_BYTES, len);
  if (len > 0)
    g_byte_array_append (out, data, (guint) len);
}

/**
 * idw_cbor_wrap_tag24:
 * @encoded: the encoding of a data item
 *
 * Returns: (transfer full): the encoding of `#6.24(bstr .cbor item)`
 *   around @encoded, as SessionTranscriptBytes and the other "…Bytes"
 *   structures of ISO 18013-5 are made
 */
GBytes *
idw_cbor_wrap_tag24 (GBytes *encoded)
{
  GByteArray *out = g_byte_array_new ();
  gsize len;
  const guint8 *data = g_bytes_get_data (encoded, &len);

  idw_cbor_write_head (out, CBOR_MAJOR_TAG, IDW_CBOR_TAG_ENCODED_CBOR);
  idw_cbor_write_bytes (out, data, len);
  return g_byte_array_free_to_bytes (out);
}

static void
write_float_bits (GByteArray *out,
                  guint8      ib,
                  guint64     bits,
                  guint       n)
{
  guint8 buf[9];

  buf[0] = ib;
  for (guint i = 0; i < n; i++)
    buf[1 + i] = (guint8) (bits >> (8 * (n - 1 - i)));
  g_byte_array_append (out, buf, 1 + n);
}

/* Borrowed tagged item; cbor_tag_item() returns a new reference. */

/* Byte length of a string's contents, joining the chunks of a chunked one. */
static gsize
string_total_length (cbor_item_t *item)
{
  gboolean bytes = cbor_isa_bytestring (item);
  gsize total = 0;

  if (bytes ? cbor_bytestring_is_definite (item) : cbor_string_is_definite (item))
    return bytes ? cbor_bytestring_length (item) : cbor_string_length (item);

  if (bytes)
    {
      cbor_item_t **chunks = cbor_bytestring_chunks_handle (item);

      for (gsize i = 0; i < cbor_bytestring_chunk_count (item); i++)
        total += cbor_bytestring_length (chunks[i]);
    }
  else
    {
      cbor_item_t **chunks = cbor_string_chunks_handle (item);

      for (gsize i = 0; i < cbor_string_chunk_count (item); i++)
        total += cbor_string_length (chunks[i]);
    }
  return total;
}

void
_idw_cbor_append_string_bytes (GByteArray  *out,
                               cbor_item_t *item)
{
  gboolean bytes = cbor_isa_bytestring (item);

  if (bytes ? cbor_bytestring_is_definite (item) : cbor_string_is_definite (item))
    {
      gsize len = bytes ? cbor_bytestring_length (item) : cbor_string_length (item);
      const guint8 *p = bytes ? cbor_bytestring_handle (item) : cbor_string_handle (item);

      if (len > 0 && p != NULL)
        g_byte_array_append (out, p, (guint) len);
      return;
    }

  if (bytes)
    {
      cbor_item_t **chunks = cbor_bytestring_chunks_handle (item);

      for (gsize i = 0; i < cbor_bytestring_chunk_count (item); i++)
        _idw_cbor_append_string_bytes (out, chunks[i]);
    }
  else
    {
      cbor_item_t **chunks = cbor_string_chunks_handle (item);

      for (gsize i = 0; i < cbor_string_chunk_count (item); i++)
        _idw_cbor_append_string_bytes (out, chunks[i]);
    }
}

/* @key_form writes every float as a double so that keys 1.0 as half and
 * 1.0 as single compare equal; it is only used for duplicate detection. */
void
_idw_cbor_encode_item (GByteArray  *out,
                       cbor_item_t *item,
                       gboolean     key_form)
{
  switch (cbor_typeof (item))
    {
    case CBOR_TYPE_UINT:
      idw_cbor_write_head (out, CBOR_MAJOR_UINT, cbor_get_int (item));
      break;

    case CBOR_TYPE_NEGINT:
      idw_cbor_write_head (out, CBOR_MAJOR_NEGINT, cbor_get_int (item));
      break;

    case CBOR_TYPE_BYTESTRING:
      idw_cbor_write_head (out, CBOR_MAJOR_BYTES, string_total_length (item));
      _idw_cbor_append_string_bytes (out, item);
      break;

    case CBOR_TYPE_STRING:
      idw_cbor_write_head (out, CBOR_MAJOR_TEXT, string_total_length (item));
      _idw_cbor_append_string_bytes (out, item);
      break;

    case CBOR_TYPE_ARRAY:
      {
        cbor_item_t **handle = cbor_array_handle (item);
        gsize n = cbor_array_size (item);

        idw_cbor_write_head (out, CBOR_MAJOR_ARRAY, n);
        for (gsize i = 0; i < n; i++)
          _idw_cbor_encode_item (out, handle[i], key_form);
      }
      break;

    case CBOR_TYPE_MAP:
      {
        struct cbor_pair *pairs = cbor_map_handle (item);
        gsize n = cbor_map_size (item);

        idw_cbor_write_head (out, CBOR_MAJOR_MAP, n);
        for (gsize i = 0; i < n; i++)
          {
            _idw_cbor_encode_item (out, pairs[i].key, key_form);
            if (pairs[i].value != NULL)
              _idw_cbor_encode_item (out, pairs[i].value, key_form);
            else
              idw_cbor_write_head (out, CBOR_MAJOR_SIMPLE, CBOR_CTRL_NULL);
          }
      }
      break;

    case CBOR_TYPE_TAG:
      {
        cbor_item_t *inner = _idw_cbor_tag_item_borrowed (item);

        idw_cbor_write_head (out, CBOR_MAJOR_TAG, cbor_tag_value (item));
        if (inner != NULL)
          _idw_cbor_encode_item (out, inner, key_form);
        else
          idw_cbor_write_head (out, CBOR_MAJOR_SIMPLE, CBOR_CTRL_NULL);
      }
      break;

    case CBOR_TYPE_FLOAT_CTRL:
      {
        cbor_float_width width = cbor_float_get_width (item);

        if (width == CBOR_FLOAT_0)
          idw_cbor_write_head (out, CBOR_MAJOR_SIMPLE, cbor_ctrl_value (item));
        else if (key_form || width == CBOR_FLOAT_64)
          {
            double d = cbor_float_get_float (item);
            guint64 bits;

            memcpy (&bits, &d, sizeof bits);
            write_float_bits (out, 0xfb, bits, 8);
          }
        else if (width == CBOR_FLOAT_32)
          write_float_bits (out, 0xfa, float_to_bits (cbor_float_get_float4 (item)), 4);
        else
          write_float_bits (out, 0xf9, float_to_half (cbor_float_get_float2 (item)), 2);
      }
      break;

    default:
      g_assert_not_reached ();
    }
}

/**
 * idw_cbor_encode:
 * @item: the item to encode
 *
 * Serialises @item deterministically: definite lengths everywhere (chunked
 * strings are joined, indefinite arrays and maps written with their count),
 * every integer, length and tag in its shortest form, map entries in the
 * order they were added. Floats keep their width.
 *
 * Returns: (transfer full): the encoding; never %NULL for a valid item.
 */
GBytes *
idw_cbor_encode (cbor_item_t *item)
{
  GByteArray *out;

  g_return_val_if_fail (item != NULL, NULL);

  out = g_byte_array_new ();
  _idw_cbor_encode_item (out, item, FALSE);
  return g_byte_array_free_to_bytes (out);
}
