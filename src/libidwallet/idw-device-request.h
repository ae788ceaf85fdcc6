/* idw-device-request.h: DeviceRequest (ISO/IEC 18013-5 8.3.2.1.2.1)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <cbor.h>

G_BEGIN_DECLS

/* ---- DeviceRequest ---------------------------------------------------- */

/**
 * IdwRequestedElement:
 * @name_space: the namespace
 * @element: the element identifier
 * @intent_to_retain: whether the verifier says it will keep the value
 */
typedef struct
{
  char     *name_space;
  char     *element;
  gboolean  intent_to_retain;
} IdwRequestedElement;

/**
 * IdwDocRequest:
 * @doctype: itemsRequest.docType
 * @elements: (element-type IdwRequestedElement): itemsRequest.nameSpaces,
 *   flattened in order
 */
typedef struct
{
  char      *doctype;
  GPtrArray *elements;
} IdwDocRequest;

/**
 * IdwDeviceRequest:
 * @version: "1.0"
 * @doc_requests: (element-type IdwDocRequest)
 *
 * readerAuth is accepted and ignored when parsing and never written.
 */
typedef struct
{
  char      *version;
  GPtrArray *doc_requests;
} IdwDeviceRequest;

IdwDocRequest        *idw_doc_request_new                 (const char    *doctype);
void                  idw_doc_request_free                (IdwDocRequest *doc_request);
/* Ignores an element that is already requested. */
void                  idw_doc_request_add                 (IdwDocRequest *doc_request,
                                                           const char    *name_space,
                                                           const char    *element,
                                                           gboolean       intent_to_retain);
/* "ns/element" paths in order, NULL-terminated. */
GStrv                 idw_doc_request_get_paths           (IdwDocRequest *doc_request);

IdwDeviceRequest     *idw_device_request_new              (void);
void                  idw_device_request_free             (IdwDeviceRequest *request);
/* Takes ownership of @doc_request. */
void                  idw_device_request_add              (IdwDeviceRequest *request,
                                                           IdwDocRequest    *doc_request);
IdwDeviceRequest     *idw_device_request_parse            (cbor_item_t      *item,
                                                           GError          **error);
cbor_item_t          *idw_device_request_to_cbor          (IdwDeviceRequest *request);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwDocRequest, idw_doc_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwDeviceRequest, idw_device_request_free)

G_END_DECLS
