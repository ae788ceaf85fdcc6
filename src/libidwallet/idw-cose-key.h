/* idw-cose-key.h: COSE_Key (RFC 9052 §7, RFC 9053 §7) to and from IdwKey
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <cbor.h>

#include "idw-key.h"

G_BEGIN_DECLS

/* COSE_Key: OKP/Ed25519 {1:1, -1:6, -2:x, ?-4:d} or EC2 P-256/384/521
 * {1:2, -1:1|2|3, -2:x, -3:y, ?-4:d}; a "d" must match the public key.
 * Errors: IDW_ERROR_WRONG_TYPE, IDW_ERROR_MISSING_FIELD,
 * IDW_ERROR_UNSUPPORTED (kty/crv), IDW_ERROR_MALFORMED (bad point). */
IdwKey      *idw_cose_key_decode (cbor_item_t  *cose_key,
                                  GError      **error);
cbor_item_t *idw_cose_key_encode (IdwKey       *key,
                                  gboolean      with_private);

G_END_DECLS
