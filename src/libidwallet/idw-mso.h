/* idw-mso.h: the MobileSecurityObject (ISO/IEC 18013-5 9.1.2.4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <cbor.h>

G_BEGIN_DECLS

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
 * @status_uri: status.status_list.uri (a Token Status List reference), or
 *   NULL when the MSO has none
 * @status_index: status.status_list.idx (meaningful with @status_uri)
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
  char        *status_uri;
  guint64      status_index;
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
/* Refers to entry @index of the Token Status List at @uri (NULL: none):
 * `status: {"status_list": {"idx": index, "uri": uri}}`. */
void                  idw_mso_set_status_list             (IdwMso        *mso,
                                                           const char    *uri,
                                                           guint64        index);
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

G_END_DECLS
