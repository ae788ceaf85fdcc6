/* idw-x5chain.h: the x5chain COSE header parameter (RFC 9360)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <cbor.h>

#include "idw-certificate.h"

G_BEGIN_DECLS

/* x5chain (COSE header 33): one DER bstr or an array of them, leaf (the DS
 * certificate) first, at most IDW_MAX_X5CHAIN. Returns IdwCertificate*s. */
GPtrArray      *idw_x5chain_parse                 (cbor_item_t     *x5chain,
                                                   GError         **error);

G_END_DECLS
