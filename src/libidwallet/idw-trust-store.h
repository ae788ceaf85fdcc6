/* idw-trust-store.h: the verifier's trusted issuer certificates (DESIGN §3.4, §5)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Trust anchors (IACA roots or pinned DS certificates) are plain PEM files
 * under $XDG_DATA_HOME/id-wallet/trust/, one per certificate, named by the
 * SHA-256 fingerprint of its DER encoding. The app's Preferences and
 * `id-wallet-cli trust` share this store; every call reads the folder
 * afresh, so several stores on one folder agree. The store is safe to use
 * from worker threads; its ::changed signal is emitted in the thread that
 * made the change.
 */
#pragma once

#include <glib-object.h>

#include "idw-verifier.h"
#include "idw-x509.h"

G_BEGIN_DECLS

#define IDW_TYPE_TRUST_STORE (idw_trust_store_get_type ())
G_DECLARE_FINAL_TYPE (IdwTrustStore, idw_trust_store, IDW, TRUST_STORE, GObject)

/* Fingerprint prefixes shorter than this are refused as ambiguous by nature. */
#define IDW_TRUST_MIN_FINGERPRINT_PREFIX 8

/* $XDG_DATA_HOME/id-wallet/trust */
char           *idw_trust_store_get_default_directory (void);

/* A store on @directory, or on the default directory when %NULL. Nothing
 * is read or created until the first call. */
IdwTrustStore  *idw_trust_store_new                   (const char      *directory);
const char     *idw_trust_store_get_directory         (IdwTrustStore   *self);

/**
 * idw_trust_store_add:
 * @self: a trust store
 * @certificate: the certificate to trust
 * @out_added: (out) (optional): %FALSE when it was trusted already
 * @error: return location for a #GError
 *
 * Writes @certificate as FINGERPRINT.pem, atomically (the folder is created
 * with mode 0700 when missing). Adding a certificate that is already
 * trusted succeeds and changes nothing. Emits #IdwTrustStore::changed.
 *
 * Returns: %TRUE on success, %FALSE with IDW_ERROR_IO.
 */
gboolean        idw_trust_store_add                   (IdwTrustStore   *self,
                                                       IdwCertificate  *certificate,
                                                       gboolean        *out_added,
                                                       GError         **error);

/**
 * idw_trust_store_list:
 * @self: a trust store
 * @out_damaged: (out) (optional) (transfer full): the paths of files that
 *   are not certificates, NULL-terminated (empty when none)
 * @error: return location for a #GError
 *
 * Reads every certificate file of the folder (.pem, .crt, .cer, .der).
 * A damaged file is skipped, reported in @out_damaged and never logged:
 * it does not take the others with it. A missing folder is an empty list.
 *
 * Returns: (transfer full) (element-type IdwCertificate): the trusted
 *   certificates sorted by name, or %NULL with IDW_ERROR_IO when the folder
 *   exists but cannot be read.
 */
GPtrArray      *idw_trust_store_list                  (IdwTrustStore   *self,
                                                       GStrv           *out_damaged,
                                                       GError         **error);

/**
 * idw_trust_store_lookup:
 * @self: a trust store
 * @fingerprint: a SHA-256 fingerprint in hex (any case, colons and spaces
 *   ignored), or a unique prefix of at least
 *   %IDW_TRUST_MIN_FINGERPRINT_PREFIX hex digits
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the certificate, or %NULL with
 *   IDW_ERROR_NOT_FOUND (none matches), IDW_ERROR_DUPLICATE (the prefix
 *   matches several), IDW_ERROR_MALFORMED (not a fingerprint or too short a
 *   prefix) or IDW_ERROR_IO.
 */
IdwCertificate *idw_trust_store_lookup                (IdwTrustStore   *self,
                                                       const char      *fingerprint,
                                                       GError         **error);

/**
 * idw_trust_store_remove:
 * @self: a trust store
 * @fingerprint: as for idw_trust_store_lookup()
 * @error: return location for a #GError
 *
 * Deletes the file(s) holding the certificate with that fingerprint and
 * emits #IdwTrustStore::changed.
 *
 * Returns: %TRUE on success, %FALSE with the errors of
 *   idw_trust_store_lookup() or IDW_ERROR_IO.
 */
gboolean        idw_trust_store_remove                (IdwTrustStore   *self,
                                                       const char      *fingerprint,
                                                       GError         **error);

/**
 * idw_trust_store_apply:
 * @self: a trust store
 * @verifier: a verifier
 * @error: return location for a #GError
 *
 * Replaces @verifier's trust anchors with the store's certificates
 * (damaged files skipped).
 *
 * Returns: the number of anchors set, or -1 with IDW_ERROR_IO.
 */
int             idw_trust_store_apply                 (IdwTrustStore   *self,
                                                       IdwVerifier     *verifier,
                                                       GError         **error);

/* Normalises a fingerprint or prefix to lowercase hex; NULL when @text
 * holds anything but hex digits, colons and white space, or no digit. */
char           *idw_trust_normalize_fingerprint       (const char      *text);

G_END_DECLS
