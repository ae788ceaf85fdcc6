/* idw-cbor-json.h: CBOR values as JSON, as the verdict shows them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <cbor.h>

G_BEGIN_DECLS

/* json-glib's node type, declared here so that users of this header need
 * not build against json-glib. */
typedef struct _JsonNode JsonNode;

/* A value as JSON, as the verdict shows it: tag 1004 as "YYYY-MM-DD", tag 0
 * as RFC 3339 text, byte strings as base64, other tags by their content,
 * maps with non-text keys keyed by their diagnostic notation. */
JsonNode *idw_cbor_value_to_json (cbor_item_t *value);

G_END_DECLS
