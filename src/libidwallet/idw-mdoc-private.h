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

G_END_DECLS
