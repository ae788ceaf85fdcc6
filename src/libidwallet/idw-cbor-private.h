/* idw-cbor-private.h: what the decoder, the encoder, the builders and
 * the readers of the CBOR module share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <cbor.h>

G_BEGIN_DECLS

/* RFC 8949 §3.1 major types, §3.2 indefinite lengths. */
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
static inline cbor_item_t *
_idw_cbor_check_alloc (cbor_item_t *item)
{
  if (G_UNLIKELY (item == NULL))
    g_error ("libcbor: out of memory");
  return item;
}

/* Borrowed tagged item; cbor_tag_item() returns a new reference. */
static inline cbor_item_t *
_idw_cbor_tag_item_borrowed (cbor_item_t *tag)
{
  cbor_item_t *inner = cbor_tag_item (tag);
  cbor_item_t *tmp = inner;

  if (tmp != NULL)
    cbor_decref (&tmp);
  return inner;
}

/* idw-cbor.c: definite strings and integers of the smallest width. */
cbor_item_t *_idw_cbor_build_string         (guint8        major,
                                             const guint8 *data,
                                             gsize         len);
cbor_item_t *_idw_cbor_build_uint           (guint64       value);
/* @value is the CBOR argument n of -1-n. */
cbor_item_t *_idw_cbor_build_negint         (guint64       value);
/* A string's contents, the chunks of a chunked one joined. */
GByteArray  *_idw_cbor_string_contents      (cbor_item_t  *item);

/* idw-cbor-encode.c. @key_form writes every float as a double, for
 * duplicate-key detection only. */
void         _idw_cbor_encode_item          (GByteArray   *out,
                                             cbor_item_t  *item,
                                             gboolean      key_form);
void         _idw_cbor_append_string_bytes  (GByteArray   *out,
                                             cbor_item_t  *item);

G_END_DECLS
