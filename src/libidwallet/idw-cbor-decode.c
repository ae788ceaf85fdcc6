/* idw-cbor-decode.c: the validating CBOR decoder (RFC 8949 §3), with the
 * engine's limits, validity checks (§5.3) and no duplicate map keys (§5.6)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Decoding does not use cbor_load(): libcbor trusts declared lengths (a
 * 5-byte input can ask for a 4 GiB allocation), recurses without a depth
 * bound and keeps duplicate map keys. Instead one bounded recursive-descent
 * pass over the raw bytes validates every head against the remaining input
 * and the engine's limits *before* allocating, and builds libcbor items as it
 * goes. The tree it returns is normalised: every string, array and map is
 * definite and every integer has the smallest width, so code that reads it
 * through libcbor's own accessors never meets chunked strings.
 */
#include "config.h"

#include <inttypes.h>

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "idw-cbor.h"
#include "idw-cbor-private.h"
#include "idw-error.h"

typedef struct
{
  const guint8 *data;
  gsize         len;
  gsize         pos;
} Reader;

typedef struct
{
  guint8   major;
  guint8   ai;
  gsize    offset;   /* where the head starts, for error messages */
  guint64  arg;
  gboolean indefinite;
} Head;

static inline gsize
reader_remaining (const Reader *r)
{
  return r->len - r->pos;
}

static gboolean
set_truncated (Reader  *r,
               GError **error)
{
  g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
               _("CBOR: truncated input at byte %zu"), r->pos);
  return FALSE;
}

static gboolean
read_head (Reader  *r,
           Head    *head,
           GError **error)
{
  guint8 ib;
  guint n;

  if (reader_remaining (r) < 1)
    return set_truncated (r, error);

  head->offset = r->pos;
  ib = r->data[r->pos++];
  head->major = ib >> 5;
  head->ai = ib & 0x1f;
  head->indefinite = FALSE;
  head->arg = 0;

  if (head->ai < 24)
    {
      head->arg = head->ai;
      return TRUE;
    }

  if (head->ai == CBOR_AI_INDEFINITE)
    {
      switch (head->major)
        {
        case CBOR_MAJOR_BYTES:
        case CBOR_MAJOR_TEXT:
        case CBOR_MAJOR_ARRAY:
        case CBOR_MAJOR_MAP:
          head->indefinite = TRUE;
          return TRUE;
        case CBOR_MAJOR_SIMPLE:
          g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                       _("CBOR: unexpected break at byte %zu"), head->offset);
          return FALSE;
        default:
          g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                       _("CBOR: indefinite length not allowed for major type %u at byte %zu"),
                       (guint) head->major, head->offset);
          return FALSE;
        }
    }

  if (head->ai > 27)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("CBOR: reserved additional information %u at byte %zu"),
                   (guint) head->ai, head->offset);
      return FALSE;
    }

  n = 1u << (head->ai - 24);
  if (reader_remaining (r) < n)
    return set_truncated (r, error);

  /* Non-minimal widths are accepted on purpose (DESIGN.md §4): some
   * issuers emit them. */
  for (guint i = 0; i < n; i++)
    head->arg = (head->arg << 8) | r->data[r->pos++];

  return TRUE;
}

/* CBOR allows U+0000 in text strings but g_utf8_validate() stops at NUL;
 * a NUL byte is never part of a multi-byte sequence, so validating the
 * pieces between NULs is equivalent to validating the whole. */
static gboolean
utf8_valid (const guint8 *p,
            gsize         len)
{
  while (len > 0)
    {
      const guint8 *nul = memchr (p, '\0', len);
      gsize piece = nul != NULL ? (gsize) (nul - p) : len;

      if (piece > 0 && !g_utf8_validate_len ((const char *) p, piece, NULL))
        return FALSE;
      if (nul == NULL)
        break;
      p += piece + 1;
      len -= piece + 1;
    }
  return TRUE;
}

static gboolean
read_string_chunk (Reader      *r,
                   const Head  *head,
                   GByteArray  *out,
                   GError     **error)
{
  const guint8 *p;

  if (head->arg > reader_remaining (r))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("CBOR: declared length %" PRIu64 " at byte %zu exceeds the remaining %zu bytes"),
                   head->arg, head->offset, reader_remaining (r));
      return FALSE;
    }

  p = r->data + r->pos;
  if (head->major == CBOR_MAJOR_TEXT && !utf8_valid (p, (gsize) head->arg))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("CBOR: invalid UTF-8 in the text string at byte %zu"),
                   head->offset);
      return FALSE;
    }

  g_byte_array_append (out, p, (guint) head->arg);
  r->pos += (gsize) head->arg;
  return TRUE;
}

static cbor_item_t *
read_string (Reader      *r,
             const Head  *head,
             GError     **error)
{
  g_autoptr(GByteArray) buf = NULL;

  if (!head->indefinite)
    {
      const guint8 *p = r->data + r->pos;

      if (head->arg > reader_remaining (r))
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                       _("CBOR: declared length %" PRIu64 " at byte %zu exceeds the remaining %zu bytes"),
                       head->arg, head->offset, reader_remaining (r));
          return NULL;
        }
      if (head->major == CBOR_MAJOR_TEXT && !utf8_valid (p, (gsize) head->arg))
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                       _("CBOR: invalid UTF-8 in the text string at byte %zu"),
                       head->offset);
          return NULL;
        }
      r->pos += (gsize) head->arg;
      return _idw_cbor_build_string (head->major, p, (gsize) head->arg);
    }

  buf = g_byte_array_new ();
  for (;;)
    {
      Head chunk;

      if (reader_remaining (r) < 1)
        {
          set_truncated (r, error);
          return NULL;
        }
      if (r->data[r->pos] == CBOR_BREAK)
        {
          r->pos++;
          break;
        }
      if (!read_head (r, &chunk, error))
        return NULL;
      if (chunk.major != head->major || chunk.indefinite)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                       _("CBOR: invalid chunk in the indefinite-length string at byte %zu"),
                       chunk.offset);
          return NULL;
        }
      if (!read_string_chunk (r, &chunk, buf, error))
        return NULL;
    }

  return _idw_cbor_build_string (head->major, buf->data, buf->len);
}

static float
float_from_bits (guint32 u)
{
  float f;

  memcpy (&f, &u, sizeof f);
  return f;
}

/* IEEE 754 binary16 -> binary32, exact (every half value is a float). */
static float
half_to_float (guint16 h)
{
  guint32 sign = (guint32) (h & 0x8000) << 16;
  guint32 exp = (h >> 10) & 0x1f;
  guint32 mant = h & 0x3ff;

  if (exp == 0)
    {
      /* Zero or subnormal: mant * 2^-24, exact in binary32. */
      float v = (float) mant * (1.0f / 16777216.0f);
      return sign ? -v : v;
    }
  if (exp == 31)
    return float_from_bits (sign | 0x7f800000u | (mant << 13));

  return float_from_bits (sign | ((exp - 15 + 127) << 23) | (mant << 13));
}

static cbor_item_t *read_item (Reader  *r,
                               guint    depth,
                               GError **error);

static gboolean
check_container (Reader      *r,
                 const Head  *head,
                 guint        depth,
                 guint        items_per_entry,
                 GError     **error)
{
  if (depth + 1 > IDW_MAX_CBOR_DEPTH)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("CBOR: nesting deeper than %d levels at byte %zu"),
                   IDW_MAX_CBOR_DEPTH, head->offset);
      return FALSE;
    }

  if (head->indefinite || head->major == CBOR_MAJOR_TAG)
    return TRUE;

  if (head->arg > IDW_MAX_CBOR_ITEMS)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   head->major == CBOR_MAJOR_MAP
                   ? _("CBOR: map of %" PRIu64 " entries at byte %zu exceeds the limit of %d")
                   : _("CBOR: array of %" PRIu64 " items at byte %zu exceeds the limit of %d"),
                   head->arg, head->offset, IDW_MAX_CBOR_ITEMS);
      return FALSE;
    }

  /* Every item takes at least one byte: refuse before allocating room for
   * entries that cannot be there. */
  if (head->arg * items_per_entry > reader_remaining (r))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("CBOR: declared length %" PRIu64 " at byte %zu exceeds the remaining %zu bytes"),
                   head->arg, head->offset, reader_remaining (r));
      return FALSE;
    }

  return TRUE;
}

/* TRUE when the next byte is a break ending an indefinite container. */
static gboolean
at_break (Reader   *r,
          gboolean *out_break,
          GError  **error)
{
  if (reader_remaining (r) < 1)
    return set_truncated (r, error);
  *out_break = r->data[r->pos] == CBOR_BREAK;
  if (*out_break)
    r->pos++;
  return TRUE;
}

static cbor_item_t *
read_array (Reader      *r,
            const Head  *head,
            guint        depth,
            GError     **error)
{
  g_autoptr(GPtrArray) items = NULL;
  cbor_item_t *array;

  if (!check_container (r, head, depth, 1, error))
    return NULL;

  items = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_cbor_unref);
  for (guint64 i = 0; head->indefinite || i < head->arg; i++)
    {
      cbor_item_t *child;

      if (head->indefinite)
        {
          gboolean end;

          if (!at_break (r, &end, error))
            return NULL;
          if (end)
            break;
          if (items->len >= IDW_MAX_CBOR_ITEMS)
            {
              g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                           _("CBOR: array at byte %zu has more than %d items"),
                           head->offset, IDW_MAX_CBOR_ITEMS);
              return NULL;
            }
        }

      child = read_item (r, depth + 1, error);
      if (child == NULL)
        return NULL;
      g_ptr_array_add (items, child);
    }

  array = _idw_cbor_check_alloc (cbor_new_definite_array (items->len));
  for (guint i = 0; i < items->len; i++)
    cbor_array_push (array, g_ptr_array_index (items, i));

  return array;
}

/* The key's identity for duplicate detection: its shortest encoding, so
 * that a non-minimally encoded or chunked duplicate still compares equal. */
static GBytes *
key_identity (cbor_item_t *key)
{
  GByteArray *out = g_byte_array_new ();

  _idw_cbor_encode_item (out, key, TRUE);
  return g_byte_array_free_to_bytes (out);
}

static cbor_item_t *
read_map (Reader      *r,
          const Head  *head,
          guint        depth,
          GError     **error)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GHashTable) seen = NULL;
  cbor_item_t *map;

  if (!check_container (r, head, depth, 2, error))
    return NULL;

  items = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_cbor_unref);
  seen = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                (GDestroyNotify) g_bytes_unref, NULL);

  for (guint64 i = 0; head->indefinite || i < head->arg; i++)
    {
      cbor_item_t *key;
      cbor_item_t *value;
      gsize key_offset;
      GBytes *identity;

      if (head->indefinite)
        {
          gboolean end;

          if (!at_break (r, &end, error))
            return NULL;
          if (end)
            break;
          if (items->len / 2 >= IDW_MAX_CBOR_ITEMS)
            {
              g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                           _("CBOR: map at byte %zu has more than %d entries"),
                           head->offset, IDW_MAX_CBOR_ITEMS);
              return NULL;
            }
        }

      key_offset = r->pos;
      key = read_item (r, depth + 1, error);
      if (key == NULL)
        return NULL;
      g_ptr_array_add (items, key);

      identity = key_identity (key);
      if (!g_hash_table_add (seen, identity))
        {
          g_autofree char *diag = idw_cbor_to_diagnostic (key);

          g_set_error (error, IDW_ERROR, IDW_ERROR_DUPLICATE,
                       _("CBOR: duplicate map key %s at byte %zu"),
                       diag, key_offset);
          return NULL;
        }

      value = read_item (r, depth + 1, error);
      if (value == NULL)
        return NULL;
      g_ptr_array_add (items, value);
    }

  map = _idw_cbor_check_alloc (cbor_new_definite_map (items->len / 2));
  for (guint i = 0; i + 1 < items->len; i += 2)
    {
      struct cbor_pair pair = {
        .key = g_ptr_array_index (items, i),
        .value = g_ptr_array_index (items, i + 1),
      };

      cbor_map_add (map, pair);
    }

  return map;
}

static cbor_item_t *
read_simple (const Head  *head,
             GError     **error)
{
  switch (head->ai)
    {
    case CBOR_CTRL_FALSE:
      return _idw_cbor_check_alloc (cbor_build_bool (false));
    case CBOR_CTRL_TRUE:
      return _idw_cbor_check_alloc (cbor_build_bool (true));
    case CBOR_CTRL_NULL:
      return _idw_cbor_check_alloc (cbor_new_null ());
    case CBOR_CTRL_UNDEF:
      return _idw_cbor_check_alloc (cbor_new_undef ());
    case 24:
      if (head->arg < 32)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                       _("CBOR: invalid two-byte simple value %u at byte %zu"),
                       (guint) head->arg, head->offset);
          return NULL;
        }
      return _idw_cbor_check_alloc (cbor_build_ctrl ((guint8) head->arg));
    case 25:
      return _idw_cbor_check_alloc (cbor_build_float2 (half_to_float ((guint16) head->arg)));
    case 26:
      return _idw_cbor_check_alloc (cbor_build_float4 (float_from_bits ((guint32) head->arg)));
    case 27:
      {
        guint64 bits = head->arg;
        double d;

        memcpy (&d, &bits, sizeof d);
        return _idw_cbor_check_alloc (cbor_build_float8 (d));
      }
    default:
      /* Unassigned simple values 0..19. */
      return _idw_cbor_check_alloc (cbor_build_ctrl (head->ai));
    }
}

static cbor_item_t *
read_item (Reader  *r,
           guint    depth,
           GError **error)
{
  Head head;

  if (!read_head (r, &head, error))
    return NULL;

  switch (head.major)
    {
    case CBOR_MAJOR_UINT:
      return _idw_cbor_build_uint (head.arg);

    case CBOR_MAJOR_NEGINT:
      return _idw_cbor_build_negint (head.arg);

    case CBOR_MAJOR_BYTES:
    case CBOR_MAJOR_TEXT:
      return read_string (r, &head, error);

    case CBOR_MAJOR_ARRAY:
      return read_array (r, &head, depth, error);

    case CBOR_MAJOR_MAP:
      return read_map (r, &head, depth, error);

    case CBOR_MAJOR_TAG:
      {
        cbor_item_t *inner;
        cbor_item_t *tag;

        if (!check_container (r, &head, depth, 1, error))
          return NULL;
        inner = read_item (r, depth + 1, error);
        if (inner == NULL)
          return NULL;
        tag = _idw_cbor_check_alloc (cbor_build_tag (head.arg, inner));
        cbor_decref (&inner);
        return tag;
      }

    case CBOR_MAJOR_SIMPLE:
    default:
      return read_simple (&head, error);
    }
}

/**
 * idw_cbor_decode:
 * @data: (array length=len): the encoded item
 * @len: length of @data
 * @error: return location for a #GError
 *
 * Decodes exactly one CBOR data item that must take all of @data. Nothing
 * is allocated for a declared length before it is checked against the
 * remaining input, so hostile input cannot make this allocate more than a
 * small multiple of @len.
 *
 * Indefinite lengths and non-minimal length encodings are accepted; the
 * returned tree is normalised to definite lengths and shortest integers.
 *
 * Returns: (transfer full): the item, or %NULL with @error set:
 *   %IDW_ERROR_MALFORMED (truncated, trailing bytes, reserved or invalid
 *   encodings, stray break, invalid UTF-8), %IDW_ERROR_LIMIT (nesting deeper
 *   than %IDW_MAX_CBOR_DEPTH, more than %IDW_MAX_CBOR_ITEMS entries in an
 *   array or map), %IDW_ERROR_DUPLICATE (two equal keys in one map).
 */
cbor_item_t *
idw_cbor_decode (const guint8  *data,
                 gsize          len,
                 GError       **error)
{
  Reader r = { data, len, 0 };
  g_autoptr(cbor_item_t) item = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  item = read_item (&r, 0, error);
  if (item == NULL)
    return NULL;

  if (r.pos != r.len)
    {
      gsize n = r.len - r.pos;

      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   g_dngettext (GETTEXT_PACKAGE,
                                "CBOR: %zu trailing byte after the item at byte %zu",
                                "CBOR: %zu trailing bytes after the item at byte %zu", n),
                   n, r.pos);
      return NULL;
    }

  return g_steal_pointer (&item);
}

/**
 * idw_cbor_decode_next:
 * @data: a CBOR sequence (RFC 8742)
 * @len: its length
 * @offset: (inout): where the next item starts; moved past it
 * @error: return location for a #GError
 *
 * Decodes one item of a sequence of items, with the checks and limits of
 * idw_cbor_decode(). Bytes after the item are left for the next call: a
 * sequence may hold more items than one array could.
 *
 * Returns: (transfer full): the item, or %NULL with @error set (see
 *   idw_cbor_decode(); *@offset is then unchanged).
 */
cbor_item_t *
idw_cbor_decode_next (const guint8  *data,
                      gsize          len,
                      gsize         *offset,
                      GError       **error)
{
  Reader r = { data, len, 0 };
  cbor_item_t *item;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (offset != NULL && *offset <= len, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  r.pos = *offset;
  item = read_item (&r, 0, error);
  if (item != NULL)
    *offset = r.pos;
  return item;
}

/**
 * idw_cbor_decode_bytes:
 * @bytes: the encoded item
 * @error: return location for a #GError
 *
 * Like idw_cbor_decode() on the contents of @bytes.
 *
 * Returns: (transfer full): the item, or %NULL with @error set (see
 *   idw_cbor_decode()).
 */
cbor_item_t *
idw_cbor_decode_bytes (GBytes  *bytes,
                       GError **error)
{
  gsize len;
  const guint8 *data;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &len);
  return idw_cbor_decode (data != NULL ? data : (const guint8 *) "", len, error);
}

/**
 * idw_cbor_decode_tag24:
 * @item: a tag 24 item around a byte string
 * @out_inner_bytes: (out) (optional): the embedded bytes
 * @error: return location for a #GError
 *
 * Decodes the CBOR embedded in a tag 24 byte string, with the same checks
 * and limits as idw_cbor_decode().
 *
 * Returns: (transfer full): the embedded item, or %NULL with @error set:
 *   %IDW_ERROR_WRONG_TYPE when @item is not tag 24 around a byte string,
 *   or any error of idw_cbor_decode().
 */
cbor_item_t *
idw_cbor_decode_tag24 (cbor_item_t  *item,
                       GBytes      **out_inner_bytes,
                       GError      **error)
{
  cbor_item_t *bstr;
  g_autoptr(GBytes) bytes = NULL;
  cbor_item_t *inner;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bstr = item != NULL ? idw_cbor_untag (item, IDW_CBOR_TAG_ENCODED_CBOR) : NULL;
  if (bstr == NULL || !cbor_isa_bytestring (bstr))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                           _("CBOR: expected a byte string with tag 24 (embedded CBOR)"));
      return NULL;
    }

  bytes = idw_cbor_dup_bytes (bstr);
  inner = idw_cbor_decode_bytes (bytes, error);
  if (inner == NULL)
    return NULL;

  if (out_inner_bytes != NULL)
    *out_inner_bytes = g_steal_pointer (&bytes);
  return inner;
}
