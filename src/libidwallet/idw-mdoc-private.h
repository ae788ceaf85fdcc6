/* idw-mdoc-private.h: helpers shared inside the mdoc module
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <cbor.h>

#include "idw-cbor.h"

G_BEGIN_DECLS

/* libcbor asserts (aborts) when a float is asked whether it is null or a
 * bool, and idw_cbor_is_null() / idw_cbor_get_bool() ask: check that the
 * item is a simple value first, as input may hold a float anywhere. */
static inline gboolean
_idw_cbor_is_null_safe (cbor_item_t *item)
{
  return item != NULL && cbor_isa_float_ctrl (item) && cbor_float_ctrl_is_ctrl (item)
         && idw_cbor_is_null (item);
}

static inline gboolean
_idw_cbor_get_bool_safe (cbor_item_t *item,
                         gboolean    *out_value)
{
  return item != NULL && cbor_isa_float_ctrl (item) && cbor_float_ctrl_is_ctrl (item)
         && idw_cbor_get_bool (item, out_value);
}

/* What the parsers and builders of idw-mdoc.c's families share. */

/* Error messages read "STRUCTURE FIELD: expected WHAT", as in
 * "MSO validityInfo.validUntil: expected tdate"; @field may be NULL. */
void         _idw_mdoc_set_wrong_type     (GError       **error,
                                           const char    *structure,
                                           const char    *field,
                                           const char    *expected);
/* The value under @key in @map (borrowed); when it is absent and
 * @required, NULL with IDW_ERROR_MISSING_FIELD naming @field_path. */
cbor_item_t *_idw_mdoc_get_field          (cbor_item_t   *map,
                                           const char    *structure,
                                           const char    *field_path,
                                           const char    *key,
                                           gboolean       required,
                                           GError       **error);
/* The required text under @key (newly allocated). */
char        *_idw_mdoc_get_text           (cbor_item_t   *map,
                                           const char    *structure,
                                           const char    *field_path,
                                           const char    *key,
                                           GError       **error);
/* `#6.24(bstr)` around @inner, with the shortest headers. */
void         _idw_mdoc_append_tag24       (GByteArray    *out,
                                           const guint8  *inner,
                                           gsize          len);
/* The encoding of `#6.24(bstr)` around @inner. */
GBytes      *_idw_mdoc_tag24_encoding     (GBytes        *inner);
/* The tag-24 content as a decoded item, with an error naming the field;
 * @out_inner (nullable) gets the inner bytes. */
cbor_item_t *_idw_mdoc_decode_tag24_field (cbor_item_t   *item,
                                           const char    *structure,
                                           const char    *field,
                                           GBytes       **out_inner,
                                           GError       **error);
/* Whether @item has the shape of a COSE_Sign1 or COSE_Mac0 (possibly
 * tagged), not whether its content is valid. */
gboolean     _idw_mdoc_is_cose_array      (cbor_item_t   *item);

G_END_DECLS
