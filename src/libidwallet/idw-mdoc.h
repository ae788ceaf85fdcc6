/* idw-mdoc.h: the ISO/IEC 18013-5 mdoc structures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One parser and one builder per structure, in the order of the standard
 * (clause 8.3.2.1.2 and 9.1.2): IssuerSignedItem, IssuerSigned,
 * MobileSecurityObject, DeviceSigned and DeviceAuthentication, Document,
 * DeviceResponse, DeviceRequest.
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

G_BEGIN_DECLS

/**
 * IdwMdocParseFlags:
 * @IDW_MDOC_PARSE_DEFAULT: strict: duplicate digest IDs or element
 *   identifiers within a namespace are IDW_ERROR_DUPLICATE
 * @IDW_MDOC_PARSE_KEEP_DUPLICATES: keep duplicates so that the caller (the
 *   verifier's `digests` check) can report them in its own words
 */
typedef enum
{
  IDW_MDOC_PARSE_DEFAULT = 0,
  IDW_MDOC_PARSE_KEEP_DUPLICATES = 1 << 0,
} IdwMdocParseFlags;

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

/* ---- IssuerSignedItem ------------------------------------------------- */

/**
 * IdwIssuerSignedItem:
 * @digest_id: digestID
 * @random: random (at least 16 bytes)
 * @element_identifier: elementIdentifier
 * @element_value: elementValue
 * @encoded: the whole `#6.24(bstr .cbor IssuerSignedItem)` encoding
 *   (`d8 18 …`) that the MSO digest covers. The inner bytes are kept
 *   exactly as received; the tag and byte-string header are written in
 *   their shortest form.
 *
 * One issuer-signed data element. Reference counted, so that a
 * presentation can share the credential's items.
 */
typedef struct
{
  guint64      digest_id;
  GBytes      *random;
  char        *element_identifier;
  cbor_item_t *element_value;
  GBytes      *encoded;
  /*< private >*/
  gint         ref_count;
} IdwIssuerSignedItem;

/* Builds the item and its deterministic encoding. @random is referenced,
 * @element_value gets a new reference. */
IdwIssuerSignedItem  *idw_issuer_signed_item_new          (guint64        digest_id,
                                                           GBytes        *random,
                                                           const char    *element_identifier,
                                                           cbor_item_t   *element_value);
/* @item is the `#6.24(bstr)` item found in IssuerSigned.nameSpaces;
 * @name_space only names the error ("IssuerSignedItem in org.iso.18013.5.1:
 * digestID: expected uint"). random must be at least 16 bytes. */
IdwIssuerSignedItem  *idw_issuer_signed_item_parse        (cbor_item_t   *item,
                                                           const char    *name_space,
                                                           GError       **error);
IdwIssuerSignedItem  *idw_issuer_signed_item_ref          (IdwIssuerSignedItem *item);
void                  idw_issuer_signed_item_unref        (IdwIssuerSignedItem *item);
/* The `#6.24(bstr)` item (new reference). */
cbor_item_t          *idw_issuer_signed_item_to_cbor      (IdwIssuerSignedItem *item);
/* The digest of @encoded. Errors: IDW_ERROR_UNSUPPORTED. */
GBytes               *idw_issuer_signed_item_digest       (IdwIssuerSignedItem *item,
                                                           const char          *algorithm,
                                                           GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwIssuerSignedItem, idw_issuer_signed_item_unref)

/* ---- IssuerSigned ----------------------------------------------------- */

/**
 * IdwIssuerNameSpace:
 * @name_space: the namespace
 * @items: (element-type IdwIssuerSignedItem): its items, in order
 */
typedef struct
{
  char      *name_space;
  GPtrArray *items;
} IdwIssuerNameSpace;

/**
 * IdwIssuerSigned:
 * @name_spaces: (element-type IdwIssuerNameSpace): in order; may be empty
 *   (nameSpaces is optional in a DeviceResponse)
 * @issuer_auth: the issuerAuth COSE_Sign1, as received
 */
typedef struct
{
  GPtrArray   *name_spaces;
  cbor_item_t *issuer_auth;
} IdwIssuerSigned;

IdwIssuerSigned      *idw_issuer_signed_new               (cbor_item_t   *issuer_auth);
void                  idw_issuer_signed_free              (IdwIssuerSigned *issuer_signed);
/* Takes a new reference on @item; creates the namespace when needed. */
void                  idw_issuer_signed_add_item          (IdwIssuerSigned     *issuer_signed,
                                                           const char          *name_space,
                                                           IdwIssuerSignedItem *item);
/* Borrowed, NULL when absent. */
IdwIssuerNameSpace   *idw_issuer_signed_get_name_space    (IdwIssuerSigned *issuer_signed,
                                                           const char      *name_space);
IdwIssuerSignedItem  *idw_issuer_signed_lookup            (IdwIssuerSigned *issuer_signed,
                                                           const char      *name_space,
                                                           const char      *element);
guint                 idw_issuer_signed_count_items       (IdwIssuerSigned *issuer_signed);
/* All element paths "ns/element" in order, NULL-terminated. */
GStrv                 idw_issuer_signed_list_paths        (IdwIssuerSigned *issuer_signed);
/* A copy holding only the items named by @paths ("ns/element"), in the
 * credential's order, sharing items and issuerAuth. Errors:
 * IDW_ERROR_NOT_FOUND naming every path the credential does not hold. */
IdwIssuerSigned      *idw_issuer_signed_select            (IdwIssuerSigned    *issuer_signed,
                                                           const char * const *paths,
                                                           GError            **error);
/* Checks the shape of issuerAuth (a COSE_Sign1 array) but not its content. */
IdwIssuerSigned      *idw_issuer_signed_parse             (cbor_item_t       *item,
                                                           IdwMdocParseFlags  flags,
                                                           GError           **error);
cbor_item_t          *idw_issuer_signed_to_cbor           (IdwIssuerSigned *issuer_signed);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwIssuerSigned, idw_issuer_signed_free)

/* ---- MobileSecurityObject --------------------------------------------- */

/**
 * IdwMso:
 * @version: "1.0"
 * @digest_algorithm: "SHA-256", "SHA-384" or "SHA-512" (a parsed MSO may
 *   name another; the verifier's `mso` check refuses it)
 * @value_digests: namespace → (GHashTable of guint64 digestID → GBytes)
 * @device_key: deviceKeyInfo.deviceKey, a COSE_Key
 * @doctype: docType
 * @signed_at: validityInfo.signed
 * @valid_from: validityInfo.validFrom
 * @valid_until: validityInfo.validUntil
 * @expected_update: validityInfo.expectedUpdate, or NULL
 */
typedef struct
{
  char        *version;
  char        *digest_algorithm;
  GHashTable  *value_digests;
  cbor_item_t *device_key;
  char        *doctype;
  GDateTime   *signed_at;
  GDateTime   *valid_from;
  GDateTime   *valid_until;
  GDateTime   *expected_update;
} IdwMso;

/* @expected_update may be NULL; references are taken on the others. */
IdwMso               *idw_mso_new                         (const char    *doctype,
                                                           const char    *digest_algorithm,
                                                           cbor_item_t   *device_key,
                                                           GDateTime     *signed_at,
                                                           GDateTime     *valid_from,
                                                           GDateTime     *valid_until,
                                                           GDateTime     *expected_update);
void                  idw_mso_free                        (IdwMso        *mso);
/* Errors: IDW_ERROR_DUPLICATE when the digest ID is taken in @name_space. */
gboolean              idw_mso_add_digest                  (IdwMso        *mso,
                                                           const char    *name_space,
                                                           guint64        digest_id,
                                                           GBytes        *digest,
                                                           GError       **error);
/* Borrowed, NULL when absent. */
GBytes               *idw_mso_lookup_digest               (IdwMso        *mso,
                                                           const char    *name_space,
                                                           guint64        digest_id);
/* Digests in @name_space, or in all namespaces when NULL. */
guint                 idw_mso_count_digests               (IdwMso        *mso,
                                                           const char    *name_space);
/* The MSO map. Checks version "1.0", the type of every field, the tdates
 * and the digest sizes; whether the dates make sense at a given time is the
 * verifier's `validity` check. */
IdwMso               *idw_mso_parse                       (cbor_item_t   *item,
                                                           GError       **error);
/* From issuerAuth's payload: `#6.24(bstr .cbor MSO)`, or — as some
 * issuers write it — the MSO map itself. */
IdwMso               *idw_mso_parse_payload               (GBytes        *payload,
                                                           GError       **error);
cbor_item_t          *idw_mso_to_cbor                     (IdwMso        *mso);
/* The encoding of `#6.24(bstr .cbor MSO)`: the issuerAuth payload. */
GBytes               *idw_mso_encode_payload              (IdwMso        *mso);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwMso, idw_mso_free)

/* ---- DeviceSigned and DeviceAuthentication ---------------------------- */

/**
 * IdwDeviceSigned:
 * @name_spaces_bytes: the inner bytes of DeviceNameSpacesBytes (`#6.24`)
 * @name_spaces: those bytes decoded (a map)
 * @device_signature: deviceAuth.deviceSignature (COSE_Sign1), or NULL
 * @device_mac: deviceAuth.deviceMac (COSE_Mac0), or NULL
 *
 * Exactly one of @device_signature and @device_mac is set.
 */
typedef struct
{
  GBytes      *name_spaces_bytes;
  cbor_item_t *name_spaces;
  cbor_item_t *device_signature;
  cbor_item_t *device_mac;
} IdwDeviceSigned;

/* `DeviceAuthenticationBytes = #6.24(bstr .cbor ["DeviceAuthentication",
 * SessionTranscript, DocType, DeviceNameSpacesBytes])`, encoded. The
 * transcript is spliced in as the bytes given (@session_transcript is the
 * plain CBOR of SessionTranscript), so a reader's exact encoding survives. */
GBytes               *idw_device_authentication_bytes     (GBytes        *session_transcript,
                                                           const char    *doctype,
                                                           GBytes        *device_name_spaces_bytes);
/* Signs DeviceAuthenticationBytes with @device_key (Ed25519 with its
 * private part) into a deviceSignature with detached payload, over empty
 * device namespaces. Errors from idw_cose_sign1_create(). */
IdwDeviceSigned      *idw_device_signed_new_signature     (IdwKey        *device_key,
                                                           GBytes        *session_transcript,
                                                           const char    *doctype,
                                                           GError       **error);
IdwDeviceSigned      *idw_device_signed_parse             (cbor_item_t   *item,
                                                           GError       **error);
cbor_item_t          *idw_device_signed_to_cbor           (IdwDeviceSigned *device_signed);
void                  idw_device_signed_free              (IdwDeviceSigned *device_signed);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwDeviceSigned, idw_device_signed_free)

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
