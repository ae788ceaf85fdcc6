/* idw-device-response.h: Document and DeviceResponse (ISO/IEC 18013-5 8.3.2.1.2.2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <cbor.h>

#include "idw-device-signed.h"
#include "idw-issuer-signed.h"

G_BEGIN_DECLS

/* ---- Document --------------------------------------------------------- */

/**
 * IdwDocument:
 * @doctype: docType
 * @issuer_signed: issuerSigned
 * @device_signed: deviceSigned, or NULL (documents of an mdoc file carry
 *   none; a DeviceResponse requires it)
 */
typedef struct
{
  char            *doctype;
  IdwIssuerSigned *issuer_signed;
  IdwDeviceSigned *device_signed;
} IdwDocument;

/* Takes ownership of @issuer_signed and @device_signed (may be NULL). */
IdwDocument          *idw_document_new                    (const char      *doctype,
                                                           IdwIssuerSigned *issuer_signed,
                                                           IdwDeviceSigned *device_signed);
void                  idw_document_free                   (IdwDocument     *document);
IdwDocument          *idw_document_parse                  (cbor_item_t       *item,
                                                           IdwMdocParseFlags  flags,
                                                           GError           **error);
cbor_item_t          *idw_document_to_cbor                (IdwDocument     *document);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwDocument, idw_document_free)

/* ---- DeviceResponse --------------------------------------------------- */

/**
 * IdwDeviceResponse:
 * @version: "1.0"
 * @documents: (element-type IdwDocument)
 * @status: status (0 = OK)
 */
typedef struct
{
  char      *version;
  GPtrArray *documents;
  guint64    status;
} IdwDeviceResponse;

/* Version "1.0", status 0, no documents. */
IdwDeviceResponse    *idw_device_response_new             (void);
void                  idw_device_response_free            (IdwDeviceResponse *response);
/* Takes ownership of @document. */
void                  idw_device_response_add_document    (IdwDeviceResponse *response,
                                                           IdwDocument       *document);
/* Every document must carry deviceSigned. documentErrors is accepted and
 * ignored. */
IdwDeviceResponse    *idw_device_response_parse           (cbor_item_t       *item,
                                                           IdwMdocParseFlags  flags,
                                                           GError           **error);
cbor_item_t          *idw_device_response_to_cbor         (IdwDeviceResponse *response);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwDeviceResponse, idw_device_response_free)

G_END_DECLS
