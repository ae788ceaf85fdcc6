/* idw-cbor.h: CBOR on libcbor, with the engine's limits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Items are libcbor's cbor_item_t. Getters return borrowed references;
 * constructors return new references; functions whose parameter is named
 * *_steal take over the caller's reference.
 */
#pragma once

#include <glib.h>
#include <cbor.h>

G_BEGIN_DECLS

#define IDW_CBOR_TAG_TDATE          0
#define IDW_CBOR_TAG_ENCODED_CBOR   24
#define IDW_CBOR_TAG_COSE_SIGN1     18
#define IDW_CBOR_TAG_FULL_DATE      1004

static inline void
idw_cbor_unref (cbor_item_t *item)
{
  if (item != NULL)
    cbor_decref (&item);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (cbor_item_t, idw_cbor_unref)

/* Decoding. Rejects: malformed or truncated input, trailing bytes, nesting
 * deeper than IDW_MAX_CBOR_DEPTH, arrays or maps of more than
 * IDW_MAX_CBOR_ITEMS entries, duplicate map keys, invalid UTF-8 in text
 * strings. Accepts non-minimal length encodings and indefinite lengths.
 * Errors: IDW_ERROR_MALFORMED, IDW_ERROR_LIMIT, IDW_ERROR_DUPLICATE. */
cbor_item_t *idw_cbor_decode        (const guint8  *data,
                                     gsize          len,
                                     GError       **error);
cbor_item_t *idw_cbor_decode_bytes  (GBytes        *bytes,
                                     GError       **error);
/* One item of a CBOR sequence (RFC 8742) at *@offset, which moves past
 * it; the same checks and errors, trailing bytes being the next items. */
cbor_item_t *idw_cbor_decode_next   (const guint8  *data,
                                     gsize          len,
                                     gsize         *offset,
                                     GError       **error);

/* Encoding: definite lengths, shortest length encodings, map entries in
 * the order they were added (builders add them in a deterministic order). */
GBytes      *idw_cbor_encode        (cbor_item_t   *item);
/* Appends a head in its shortest form (major type 0–7). */
void         idw_cbor_write_head    (GByteArray    *out,
                                     guint8         major,
                                     guint64        arg);
/* Appends a definite byte string. */
void         idw_cbor_write_bytes   (GByteArray    *out,
                                     const guint8  *data,
                                     gsize          len);
/* The encoding of `#6.24(bstr .cbor X)` around @encoded (X's encoding). */
GBytes      *idw_cbor_wrap_tag24    (GBytes        *encoded);

/* Tag 24: `#6.24(bstr .cbor X)`. */
cbor_item_t *idw_cbor_new_tag24     (cbor_item_t   *inner);
/* @item must be tag 24 around a bstr; returns the decoded inner item (new
 * reference) and, if @out_inner_bytes is given, the inner bytes. */
cbor_item_t *idw_cbor_decode_tag24  (cbor_item_t   *item,
                                     GBytes       **out_inner_bytes,
                                     GError       **error);

/* Builders (new references). */
cbor_item_t *idw_cbor_new_string    (const char    *str);
cbor_item_t *idw_cbor_new_bytes     (const guint8  *data,
                                     gsize          len);
cbor_item_t *idw_cbor_new_gbytes    (GBytes        *bytes);
cbor_item_t *idw_cbor_new_int       (gint64         value);
cbor_item_t *idw_cbor_new_bool      (gboolean       value);
cbor_item_t *idw_cbor_new_null      (void);
cbor_item_t *idw_cbor_new_map       (void);
cbor_item_t *idw_cbor_new_array     (void);
/* Tag 0, "YYYY-MM-DDTHH:MM:SSZ" in UTC without fractions. */
cbor_item_t *idw_cbor_new_tdate     (GDateTime     *datetime);
/* Tag 1004, "YYYY-MM-DD". */
cbor_item_t *idw_cbor_new_full_date (GDate         *date);

void         idw_cbor_map_add       (cbor_item_t   *map,
                                     cbor_item_t   *key_steal,
                                     cbor_item_t   *value_steal);
void         idw_cbor_map_add_str   (cbor_item_t   *map,
                                     const char    *key,
                                     cbor_item_t   *value_steal);
void         idw_cbor_map_add_int   (cbor_item_t   *map,
                                     gint64         key,
                                     cbor_item_t   *value_steal);
void         idw_cbor_array_add     (cbor_item_t   *array,
                                     cbor_item_t   *value_steal);

/* Lookups (borrowed; NULL when absent or @map is not a map). */
cbor_item_t *idw_cbor_map_get       (cbor_item_t   *map,
                                     const char    *key);
cbor_item_t *idw_cbor_map_get_int   (cbor_item_t   *map,
                                     gint64         key);

/* Typed reads. They return FALSE / NULL when the item has another type. */
gboolean     idw_cbor_get_int       (cbor_item_t   *item,
                                     gint64        *out_value);
gboolean     idw_cbor_get_uint      (cbor_item_t   *item,
                                     guint64       *out_value);
gboolean     idw_cbor_get_bool      (cbor_item_t   *item,
                                     gboolean      *out_value);
gboolean     idw_cbor_is_null       (cbor_item_t   *item);
char        *idw_cbor_dup_string    (cbor_item_t   *item);
gboolean     idw_cbor_string_equal  (cbor_item_t   *item,
                                     const char    *str);
GBytes      *idw_cbor_dup_bytes     (cbor_item_t   *item);
/* If @item is tagged with @tag, the tagged item (borrowed), else NULL. */
cbor_item_t *idw_cbor_untag         (cbor_item_t   *item,
                                     guint64        tag);
/* Tag 0 tdate (RFC 3339, any offset, optional fractions) or, leniently, an
 * untagged text string in that form. NULL with IDW_ERROR_WRONG_TYPE naming
 * @context ("MSO validityInfo.validUntil: expected tdate") otherwise. */
GDateTime   *idw_cbor_get_tdate     (cbor_item_t   *item,
                                     const char    *context,
                                     GError       **error);
/* Tag 1004 full-date "YYYY-MM-DD" (or an untagged string of that form). */
GDate       *idw_cbor_get_full_date (cbor_item_t   *item,
                                     const char    *context,
                                     GError       **error);

/* Typed field access for parsers: looks up @key in @map and checks the
 * type, with an error naming @context and @key ("MSO: validityInfo:
 * expected a map"). Returns a borrowed item or NULL. Errors:
 * IDW_ERROR_MISSING_FIELD, IDW_ERROR_WRONG_TYPE. */
cbor_item_t *idw_cbor_require       (cbor_item_t   *map,
                                     const char    *key,
                                     cbor_type      type,
                                     const char    *context,
                                     GError       **error);

/* Compact diagnostic notation for logs and test failure messages. */
char        *idw_cbor_to_diagnostic (cbor_item_t   *item);

G_END_DECLS
