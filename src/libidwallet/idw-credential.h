/* idw-credential.h: a held credential (the .idwcred file of DESIGN §3.2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <cbor.h>

#include "idw-cose.h"
#include "idw-doctype.h"
#include "idw-mdoc.h"
#include "idw-x509.h"

G_BEGIN_DECLS

#define IDW_TYPE_CREDENTIAL (idw_credential_get_type ())
G_DECLARE_FINAL_TYPE (IdwCredential, idw_credential, IDW, CREDENTIAL, GObject)

IdwCredential   *idw_credential_new                 (const char       *doctype,
                                                     IdwIssuerSigned  *issuer_signed,
                                                     IdwKey           *device_private_key,
                                                     GError          **error);

/* Whether @bytes have the shape of a credential at all (a CBOR map with
 * issuerSigned, issuerAuth or documents), so that anything else can be
 * called "not a credential" rather than a damaged one. */
gboolean         idw_credential_data_is_credential  (GBytes           *bytes);
IdwCredential   *idw_credential_new_from_bytes      (GBytes           *bytes,
                                                     GError          **error);
/* As above, from a file of at most IDW_MAX_INPUT_FILE bytes (IDW_ERROR_LIMIT);
 * IDW_ERROR_IO when it cannot be read. */
IdwCredential   *idw_credential_new_from_file       (const char       *path,
                                                     GError          **error);

GBytes          *idw_credential_to_bytes            (IdwCredential    *self,
                                                     gboolean          with_private_key);
/* Writes the credential file atomically, mode 0600 when it holds a private
 * key. Errors: IDW_ERROR_IO. */
gboolean         idw_credential_save                (IdwCredential    *self,
                                                     const char       *path,
                                                     gboolean          with_private_key,
                                                     GError          **error);

const char      *idw_credential_get_doctype         (IdwCredential    *self);
/* Translated display name of the document type. */
const char      *idw_credential_get_display_name    (IdwCredential    *self);
/* The holder's name in Latin letters from the doctype's main namespace
 * (given_name and family_name of an mDL, given_name_latin1 and
 * family_name_latin1 of a photo ID, else its given_name and family_name):
 * "Given Family", or "Family Given" where names are written so; NULL when
 * the credential holds neither. */
char            *idw_credential_dup_holder_name     (IdwCredential    *self);
IdwIssuerSigned *idw_credential_get_issuer_signed   (IdwCredential    *self);
IdwMso          *idw_credential_get_mso             (IdwCredential    *self);

/* The namespaces, the document type's own first in the catalogue's order,
 * then any others as stored (NULL-terminated, transfer full). */
GStrv            idw_credential_list_namespaces     (IdwCredential    *self);
/* (element-type IdwIssuerSignedItem) (transfer none): the items of
 * @name_space in order, or NULL for a namespace the credential lacks. */
GPtrArray       *idw_credential_get_items           (IdwCredential    *self,
                                                     const char       *name_space);
/* All element paths "ns/element", namespaces ordered as
 * idw_credential_list_namespaces() does, elements as stored. */
GStrv            idw_credential_list_paths          (IdwCredential    *self);
gboolean         idw_credential_has_element         (IdwCredential    *self,
                                                     const char       *name_space,
                                                     const char       *element);
/* Borrowed elementValue, NULL when absent. */
cbor_item_t     *idw_credential_get_value           (IdwCredential    *self,
                                                     const char       *name_space,
                                                     const char       *element);
/* The preset's paths among those this credential holds. */
GStrv            idw_credential_get_preset_paths    (IdwCredential    *self,
                                                     IdwPreset         preset);

/* MSO validityInfo (transfer none). */
GDateTime       *idw_credential_get_signed          (IdwCredential    *self);
GDateTime       *idw_credential_get_valid_from      (IdwCredential    *self);
GDateTime       *idw_credential_get_valid_until     (IdwCredential    *self);
/* Whether @at (NULL: now) lies within validFrom … validUntil. */
gboolean         idw_credential_is_valid_at         (IdwCredential    *self,
                                                     GDateTime        *at);

/* The DS certificate (first in x5chain, transfer none) and the whole chain
 * (element-type IdwCertificate, transfer none). */
IdwCertificate  *idw_credential_get_ds_certificate  (IdwCredential    *self);
GPtrArray       *idw_credential_get_x5chain         (IdwCredential    *self);
/* The certificate the holder takes its own credential's status list to
 * chain to (transfer none): the last of x5chain, as it is. The holder
 * trusts the issuer it got the credential from, with no trust store:
 * whoever can sign for that certificate could have issued the credential
 * itself. NULL without an x5chain. */
IdwCertificate  *idw_credential_get_status_anchor   (IdwCredential    *self);
gboolean         idw_credential_is_test_issuer      (IdwCredential    *self);

/* Checks issuerAuth with the DS certificate's key: the data is what the
 * issuer signed (not whether the issuer is trusted: that is the
 * verifier's job). Errors: IDW_ERROR_BAD_SIGNATURE,
 * IDW_ERROR_BAD_CERTIFICATE, IDW_ERROR_UNSUPPORTED, IDW_ERROR_MALFORMED. */
gboolean         idw_credential_verify_issuer_signature (IdwCredential  *self,
                                                         GError        **error);

/* The MSO's device public key (transfer none). */
IdwKey          *idw_credential_get_device_key      (IdwCredential    *self);
/* The private key held in the file, or NULL (transfer none). */
IdwKey          *idw_credential_get_private_key     (IdwCredential    *self);
/* Sets (or with NULL forgets) the private key. Errors:
 * IDW_ERROR_UNSUPPORTED when @key has no private part or does not match
 * the MSO's device key. */
gboolean         idw_credential_set_private_key     (IdwCredential    *self,
                                                     IdwKey           *key,
                                                     GError          **error);

G_END_DECLS
