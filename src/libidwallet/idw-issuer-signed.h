/* idw-issuer-signed.h: IssuerSignedItem and IssuerSigned (ISO/IEC 18013-5 8.3.2.1.2.2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The parse flags are here because what they govern is IssuerNameSpaces:
 * Document and DeviceResponse pass them on to idw_issuer_signed_parse().
 */
#pragma once

#include <glib.h>
#include <cbor.h>

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

G_END_DECLS
