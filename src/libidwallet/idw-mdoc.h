/* idw-mdoc.h: the ISO/IEC 18013-5 mdoc structures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One parser and one builder per structure, a header per family, in the
 * order of the standard (clause 8.3.2.1.2 and 9.1.2): IssuerSignedItem and
 * IssuerSigned (idw-issuer-signed.h), MobileSecurityObject (idw-mso.h),
 * DeviceSigned and DeviceAuthentication (idw-device-signed.h), Document and
 * DeviceResponse (idw-device-response.h), DeviceRequest
 * (idw-device-request.h). This header includes them all, and declares what
 * they share: the digest algorithms and the deterministic map order.
 *
 * Parsers check every type and size and fail with an error naming the
 * structure and field ("MSO validityInfo.validUntil: expected tdate"):
 * IDW_ERROR_WRONG_TYPE, IDW_ERROR_MISSING_FIELD, IDW_ERROR_MALFORMED,
 * IDW_ERROR_DUPLICATE, IDW_ERROR_LIMIT (more than IDW_MAX_ELEMENTS items),
 * IDW_ERROR_UNSUPPORTED (a version other than "1.0"). Builders produce
 * deterministic CBOR: definite lengths, shortest encodings, map keys sorted
 * by their encoding (RFC 8949 §4.2.1).
 *
 * Structures are plain C structs whose fields may be read directly;
 * cbor_item_t fields are owned references, GBytes fields owned as well.
 */
#pragma once

#include <glib.h>
#include <cbor.h>

#include "idw-cose.h"
#include "idw-issuer-signed.h"
#include "idw-mso.h"
#include "idw-device-signed.h"
#include "idw-device-response.h"
#include "idw-device-request.h"

G_BEGIN_DECLS

/* Digests. "SHA-256" (the default), "SHA-384", "SHA-512". */
gboolean              idw_mdoc_digest_algorithm_supported (const char *algorithm);
/* Errors: IDW_ERROR_UNSUPPORTED for another algorithm. */
GBytes               *idw_mdoc_digest                     (const char    *algorithm,
                                                           const guint8  *data,
                                                           gsize          len,
                                                           GError       **error);
/* Core deterministic order: sorts the entries of every map in @item
 * (recursively, not into byte strings) by their encoded keys. */
void                  idw_mdoc_cbor_sort_maps             (cbor_item_t   *item);

G_END_DECLS
