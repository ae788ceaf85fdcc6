/* idw-cbor.c: CBOR on libcbor, with the engine's limits
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
#include "idw-error.h"

#define CBOR_MAJOR_UINT   0
#define CBOR_MAJOR_NEGINT 1
#define CBOR_MAJOR_BYTES  2
#define CBOR_MAJOR_TEXT   3
#define CBOR_MAJOR_ARRAY  4
#define CBOR_MAJOR_MAP    5
#define CBOR_MAJOR_TAG    6
#define CBOR_MAJOR_SIMPLE 7

#define CBOR_AI_INDEFINITE 31
#define CBOR_BREAK         0xff

/* libcbor reports allocation failure by returning NULL; the rest of GLib
 * aborts on OOM, and so do we rather than thread a third failure mode
 * through every caller. */
static cbor_item_t *
check_alloc (cbor_item_t *item)
{
  if (G_UNLIKELY (item == NULL))
    g_error ("libcbor: out of memory");
  return item;
}

/* Decoding ------------------------------------------------------------- */

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
build_string (guint8        major,
              const guint8 *data,
              gsize         len)
{
  if (major == CBOR_MAJOR_BYTES)
    {
      if (len == 0)
        return check_alloc (cbor_new_definite_bytestring ());
      return check_alloc (cbor_build_bytestring (data, len));
    }

  if (len == 0)
    return check_alloc (cbor_new_definite_string ());
  return check_alloc (cbor_build_stringn ((const char *) data, len));
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
      return build_string (head->major, p, (gsize) head->arg);
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

  return build_string (head->major, buf->data, buf->len);
}

static guint64
float_to_bits (float f)
{
  guint32 u;

  memcpy (&u, &f, sizeof u);
  return u;
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

  array = check_alloc (cbor_new_definite_array (items->len));
  for (guint i = 0; i < items->len; i++)
    cbor_array_push (array, g_ptr_array_index (items, i));

  return array;
}

static void encode_item (GByteArray  *out,
                         cbor_item_t *item,
                         gboolean     key_form);

/* The key's identity for duplicate detection: its shortest encoding, so
 * that a non-minimally encoded or chunked duplicate still compares equal. */
static GBytes *
key_identity (cbor_item_t *key)
{
  GByteArray *out = g_byte_array_new ();

  encode_item (out, key, TRUE);
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

  map = check_alloc (cbor_new_definite_map (items->len / 2));
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
build_uint (guint64 value)
{
  if (value <= G_MAXUINT8)
    return check_alloc (cbor_build_uint8 ((guint8) value));
  if (value <= G_MAXUINT16)
    return check_alloc (cbor_build_uint16 ((guint16) value));
  if (value <= G_MAXUINT32)
    return check_alloc (cbor_build_uint32 ((guint32) value));
  return check_alloc (cbor_build_uint64 (value));
}

/* @value is the CBOR argument n of -1-n. */
static cbor_item_t *
build_negint (guint64 value)
{
  if (value <= G_MAXUINT8)
    return check_alloc (cbor_build_negint8 ((guint8) value));
  if (value <= G_MAXUINT16)
    return check_alloc (cbor_build_negint16 ((guint16) value));
  if (value <= G_MAXUINT32)
    return check_alloc (cbor_build_negint32 ((guint32) value));
  return check_alloc (cbor_build_negint64 (value));
}

static cbor_item_t *
read_simple (const Head  *head,
             GError     **error)
{
  switch (head->ai)
    {
    case CBOR_CTRL_FALSE:
      return check_alloc (cbor_build_bool (false));
    case CBOR_CTRL_TRUE:
      return check_alloc (cbor_build_bool (true));
    case CBOR_CTRL_NULL:
      return check_alloc (cbor_new_null ());
    case CBOR_CTRL_UNDEF:
      return check_alloc (cbor_new_undef ());
    case 24:
      if (head->arg < 32)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                       _("CBOR: invalid two-byte simple value %u at byte %zu"),
                       (guint) head->arg, head->offset);
          return NULL;
        }
      return check_alloc (cbor_build_ctrl ((guint8) head->arg));
    case 25:
      return check_alloc (cbor_build_float2 (half_to_float ((guint16) head->arg)));
    case 26:
      return check_alloc (cbor_build_float4 (float_from_bits ((guint32) head->arg)));
    case 27:
      {
        guint64 bits = head->arg;
        double d;

        memcpy (&d, &bits, sizeof d);
        return check_alloc (cbor_build_float8 (d));
      }
    default:
      /* Unassigned simple values 0..19. */
      return check_alloc (cbor_build_ctrl (head->ai));
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
      return build_uint (head.arg);

    case CBOR_MAJOR_NEGINT:
      return build_negint (head.arg);

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
        tag = check_alloc (cbor_build_tag (head.arg, inner));
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

/* Encoding ------------------------------------------------------------- */

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
static cbor_item_t *
tag_item_borrowed (cbor_item_t *tag)
{
  cbor_item_t *inner = cbor_tag_item (tag);
  cbor_item_t *tmp = inner;

  if (tmp != NULL)
    cbor_decref (&tmp);
  return inner;
}

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

static void
append_string_bytes (GByteArray  *out,
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
        append_string_bytes (out, chunks[i]);
    }
  else
    {
      cbor_item_t **chunks = cbor_string_chunks_handle (item);

      for (gsize i = 0; i < cbor_string_chunk_count (item); i++)
        append_string_bytes (out, chunks[i]);
    }
}

/* @key_form writes every float as a double so that keys 1.0 as half and
 * 1.0 as single compare equal; it is only used for duplicate detection. */
static void
encode_item (GByteArray  *out,
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
      append_string_bytes (out, item);
      break;

    case CBOR_TYPE_STRING:
      idw_cbor_write_head (out, CBOR_MAJOR_TEXT, string_total_length (item));
      append_string_bytes (out, item);
      break;

    case CBOR_TYPE_ARRAY:
      {
        cbor_item_t **handle = cbor_array_handle (item);
        gsize n = cbor_array_size (item);

        idw_cbor_write_head (out, CBOR_MAJOR_ARRAY, n);
        for (gsize i = 0; i < n; i++)
          encode_item (out, handle[i], key_form);
      }
      break;

    case CBOR_TYPE_MAP:
      {
        struct cbor_pair *pairs = cbor_map_handle (item);
        gsize n = cbor_map_size (item);

        idw_cbor_write_head (out, CBOR_MAJOR_MAP, n);
        for (gsize i = 0; i < n; i++)
          {
            encode_item (out, pairs[i].key, key_form);
            if (pairs[i].value != NULL)
              encode_item (out, pairs[i].value, key_form);
            else
              idw_cbor_write_head (out, CBOR_MAJOR_SIMPLE, CBOR_CTRL_NULL);
          }
      }
      break;

    case CBOR_TYPE_TAG:
      {
        cbor_item_t *inner = tag_item_borrowed (item);

        idw_cbor_write_head (out, CBOR_MAJOR_TAG, cbor_tag_value (item));
        if (inner != NULL)
          encode_item (out, inner, key_form);
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
  encode_item (out, item, FALSE);
  return g_byte_array_free_to_bytes (out);
}

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
  return check_alloc (cbor_build_tag (IDW_CBOR_TAG_ENCODED_CBOR, bstr));
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

/* Builders ------------------------------------------------------------- */

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

  return build_string (CBOR_MAJOR_TEXT, (const guint8 *) str, strlen (str));
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

  return build_string (CBOR_MAJOR_BYTES, data, len);
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
  return build_string (CBOR_MAJOR_BYTES, data, len);
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
    return build_uint ((guint64) value);

  /* -1 - n = value, computed without overflowing at G_MININT64. */
  return build_negint ((guint64) (-(value + 1)));
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
  return check_alloc (cbor_build_bool (value ? true : false));
}

/**
 * idw_cbor_new_null:
 *
 * Returns: (transfer full): `null`.
 */
cbor_item_t *
idw_cbor_new_null (void)
{
  return check_alloc (cbor_new_null ());
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
  return check_alloc (cbor_new_indefinite_map ());
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
  return check_alloc (cbor_new_indefinite_array ());
}

/**
 * idw_cbor_new_tdate:
 * @datetime: the instant
 *
 * Returns: (transfer full): tag 0 around "YYYY-MM-DDTHH:MM:SSZ", @datetime
 *   in UTC with fractions of a second dropped.
 */
cbor_item_t *
idw_cbor_new_tdate (GDateTime *datetime)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autofree char *str = NULL;
  g_autoptr(cbor_item_t) text = NULL;

  g_return_val_if_fail (datetime != NULL, NULL);

  utc = g_date_time_to_utc (datetime);
  str = g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02dZ",
                         g_date_time_get_year (utc),
                         g_date_time_get_month (utc),
                         g_date_time_get_day_of_month (utc),
                         g_date_time_get_hour (utc),
                         g_date_time_get_minute (utc),
                         g_date_time_get_second (utc));
  text = idw_cbor_new_string (str);
  return check_alloc (cbor_build_tag (IDW_CBOR_TAG_TDATE, text));
}

/**
 * idw_cbor_new_full_date:
 * @date: a valid date
 *
 * Returns: (transfer full): tag 1004 around "YYYY-MM-DD".
 */
cbor_item_t *
idw_cbor_new_full_date (GDate *date)
{
  g_autofree char *str = NULL;
  g_autoptr(cbor_item_t) text = NULL;

  g_return_val_if_fail (date != NULL && g_date_valid (date), NULL);

  str = g_strdup_printf ("%04u-%02u-%02u",
                         (guint) g_date_get_year (date),
                         (guint) g_date_get_month (date),
                         (guint) g_date_get_day (date));
  text = idw_cbor_new_string (str);
  return check_alloc (cbor_build_tag (IDW_CBOR_TAG_FULL_DATE, text));
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

static GByteArray *
string_contents (cbor_item_t *item)
{
  GByteArray *out = g_byte_array_new ();

  append_string_bytes (out, item);
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

  buf = string_contents (item);
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
    g_autoptr(GByteArray) buf = string_contents (item);

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

  return g_byte_array_free_to_bytes (string_contents (item));
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

  return tag_item_borrowed (item);
}

static gboolean
parse_digits (const char **p,
              guint        n,
              gint        *out)
{
  gint v = 0;

  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit ((*p)[i]))
        return FALSE;
      v = v * 10 + ((*p)[i] - '0');
    }
  *p += n;
  *out = v;
  return TRUE;
}

static gboolean
parse_full_date (const char **p,
                 gint        *year,
                 gint        *month,
                 gint        *day)
{
  return parse_digits (p, 4, year) && *(*p)++ == '-'
         && parse_digits (p, 2, month) && *(*p)++ == '-'
         && parse_digits (p, 2, day)
         && g_date_valid_dmy ((GDateDay) *day, (GDateMonth) *month, (GDateYear) *year);
}

/* RFC 3339 date-time: full-date "T" HH:MM:SS [.frac] (Z / ±HH:MM). Stricter
 * than g_date_time_new_from_iso8601(), which also takes week dates,
 * ordinal dates and local times without an offset. */
static GDateTime *
parse_rfc3339 (const char *str)
{
  const char *p = str;
  gint year, month, day, hour, minute, second;
  gint offset_seconds = 0;
  GTimeSpan usec = 0;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) with_usec = NULL;

  if (!parse_full_date (&p, &year, &month, &day))
    return NULL;
  if (*p != 'T' && *p != 't')
    return NULL;
  p++;
  if (!parse_digits (&p, 2, &hour) || *p++ != ':'
      || !parse_digits (&p, 2, &minute) || *p++ != ':'
      || !parse_digits (&p, 2, &second))
    return NULL;
  /* GDateTime has no leap seconds; 60 is refused rather than guessed. */
  if (hour > 23 || minute > 59 || second > 59)
    return NULL;

  if (*p == '.')
    {
      guint digits = 0;

      p++;
      if (!g_ascii_isdigit (*p))
        return NULL;
      /* Integer microseconds: binary fractions would turn .3 into
       * 299999 µs. Digits past the sixth are truncated, never rounded
       * up into the next second. */
      for (; g_ascii_isdigit (*p); p++, digits++)
        if (digits < 6)
          usec = usec * 10 + (*p - '0');
      for (; digits < 6; digits++)
        usec *= 10;
    }

  if (*p == 'Z' || *p == 'z')
    p++;
  else if (*p == '+' || *p == '-')
    {
      gint sign = *p == '-' ? -1 : 1;
      gint oh, om;

      p++;
      if (!parse_digits (&p, 2, &oh) || *p++ != ':' || !parse_digits (&p, 2, &om))
        return NULL;
      if (oh > 23 || om > 59)
        return NULL;
      offset_seconds = sign * (oh * 3600 + om * 60);
    }
  else
    return NULL;

  if (*p != '\0')
    return NULL;

  utc = g_date_time_new_utc (year, month, day, hour, minute, second);
  if (utc == NULL)
    return NULL;

  with_usec = g_date_time_add (utc, usec);
  return g_date_time_add_seconds (with_usec, -offset_seconds);
}

/**
 * idw_cbor_get_tdate:
 * @item: (nullable): a tag 0 item, or an untagged text string
 * @context: names the field for the error message
 * @error: return location for a #GError
 *
 * Reads an RFC 3339 date-time (any offset, optional fractions of a second,
 * microsecond precision) from tag 0 or, leniently, from an untagged text
 * string.
 *
 * Returns: (transfer full): the instant in UTC, or %NULL with
 *   %IDW_ERROR_WRONG_TYPE ("@context: expected tdate").
 */
GDateTime *
idw_cbor_get_tdate (cbor_item_t  *item,
                    const char   *context,
                    GError      **error)
{
  cbor_item_t *text = NULL;
  g_autofree char *str = NULL;
  GDateTime *dt = NULL;

  g_return_val_if_fail (context != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (item != NULL && cbor_isa_tag (item))
    text = idw_cbor_untag (item, IDW_CBOR_TAG_TDATE);
  else
    text = item;

  str = idw_cbor_dup_string (text);
  if (str != NULL)
    dt = parse_rfc3339 (str);

  if (dt == NULL)
    g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                 _("%s: expected tdate"), context);
  return dt;
}

/**
 * idw_cbor_get_full_date:
 * @item: (nullable): a tag 1004 item, or an untagged text string
 * @context: names the field for the error message
 * @error: return location for a #GError
 *
 * Reads a full-date "YYYY-MM-DD" (RFC 8943) from tag 1004 or, leniently,
 * from an untagged text string.
 *
 * Returns: (transfer full): a valid date, or %NULL with
 *   %IDW_ERROR_WRONG_TYPE ("@context: expected full-date").
 */
GDate *
idw_cbor_get_full_date (cbor_item_t  *item,
                        const char   *context,
                        GError      **error)
{
  cbor_item_t *text;
  g_autofree char *str = NULL;
  gint year, month, day;

  g_return_val_if_fail (context != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (item != NULL && cbor_isa_tag (item))
    text = idw_cbor_untag (item, IDW_CBOR_TAG_FULL_DATE);
  else
    text = item;

  str = idw_cbor_dup_string (text);
  if (str != NULL)
    {
      const char *p = str;

      if (parse_full_date (&p, &year, &month, &day) && *p == '\0')
        return g_date_new_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year);
    }

  g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
               _("%s: expected full-date"), context);
  return NULL;
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

/* Diagnostics ---------------------------------------------------------- */

static void
append_escaped_text (GString           *out,
                     const GByteArray  *buf)
{
  g_string_append_c (out, '"');
  for (guint i = 0; i < buf->len; i++)
    {
      guint8 c = buf->data[i];

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c < 0x20 || c == 0x7f)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

static void
append_diagnostic (GString     *out,
                   cbor_item_t *item)
{
  switch (cbor_typeof (item))
    {
    case CBOR_TYPE_UINT:
      g_string_append_printf (out, "%" G_GUINT64_FORMAT, (guint64) cbor_get_int (item));
      break;

    case CBOR_TYPE_NEGINT:
      {
        guint64 n = cbor_get_int (item);

        if (n == G_MAXUINT64)
          g_string_append (out, "-18446744073709551616");
        else
          g_string_append_printf (out, "-%" G_GUINT64_FORMAT, n + 1);
      }
      break;

    case CBOR_TYPE_BYTESTRING:
      {
        g_autoptr(GByteArray) buf = string_contents (item);

        g_string_append (out, "h'");
        for (guint i = 0; i < buf->len; i++)
          g_string_append_printf (out, "%02x", buf->data[i]);
        g_string_append_c (out, '\'');
      }
      break;

    case CBOR_TYPE_STRING:
      {
        g_autoptr(GByteArray) buf = string_contents (item);

        append_escaped_text (out, buf);
      }
      break;

    case CBOR_TYPE_ARRAY:
      {
        cbor_item_t **handle = cbor_array_handle (item);

        g_string_append_c (out, '[');
        for (gsize i = 0; i < cbor_array_size (item); i++)
          {
            if (i > 0)
              g_string_append (out, ", ");
            append_diagnostic (out, handle[i]);
          }
        g_string_append_c (out, ']');
      }
      break;

    case CBOR_TYPE_MAP:
      {
        struct cbor_pair *pairs = cbor_map_handle (item);

        g_string_append_c (out, '{');
        for (gsize i = 0; i < cbor_map_size (item); i++)
          {
            if (i > 0)
              g_string_append (out, ", ");
            append_diagnostic (out, pairs[i].key);
            g_string_append (out, ": ");
            if (pairs[i].value != NULL)
              append_diagnostic (out, pairs[i].value);
          }
        g_string_append_c (out, '}');
      }
      break;

    case CBOR_TYPE_TAG:
      {
        cbor_item_t *inner = tag_item_borrowed (item);

        g_string_append_printf (out, "%" G_GUINT64_FORMAT "(", (guint64) cbor_tag_value (item));
        if (inner != NULL)
          append_diagnostic (out, inner);
        g_string_append_c (out, ')');
      }
      break;

    case CBOR_TYPE_FLOAT_CTRL:
      if (cbor_float_get_width (item) != CBOR_FLOAT_0)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];
          double d = cbor_float_get_float (item);

          if (isnan (d))
            g_string_append (out, "NaN");
          else if (isinf (d))
            g_string_append (out, d > 0 ? "Infinity" : "-Infinity");
          else
            {
              g_string_append (out, g_ascii_dtostr (buf, sizeof buf, d));
              if (strpbrk (buf, ".eE") == NULL)
                g_string_append (out, ".0");
            }
        }
      else
        {
          switch (cbor_ctrl_value (item))
            {
            case CBOR_CTRL_FALSE:
              g_string_append (out, "false");
              break;
            case CBOR_CTRL_TRUE:
              g_string_append (out, "true");
              break;
            case CBOR_CTRL_NULL:
              g_string_append (out, "null");
              break;
            case CBOR_CTRL_UNDEF:
              g_string_append (out, "undefined");
              break;
            default:
              g_string_append_printf (out, "simple(%u)", (guint) cbor_ctrl_value (item));
              break;
            }
        }
      break;

    default:
      g_assert_not_reached ();
    }
}

/**
 * idw_cbor_to_diagnostic:
 * @item: (nullable): an item
 *
 * Renders @item in RFC 8949 diagnostic notation (compact, one line), for
 * logs and test failure messages.
 *
 * Returns: (transfer full): the text; "(null)" for %NULL.
 */
char *
idw_cbor_to_diagnostic (cbor_item_t *item)
{
  GString *out;

  if (item == NULL)
    return g_strdup ("(null)");

  out = g_string_new (NULL);
  append_diagnostic (out, item);
  return g_string_free (out, FALSE);
}
