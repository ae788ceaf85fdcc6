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

gboolean        idw_trust_store_add                   (IdwTrustStore   *self,
                                                       IdwCertificate  *certificate,
                                                       gboolean        *out_added,
                                                       GError         **error);

GPtrArray      *idw_trust_store_list                  (IdwTrustStore   *self,
                                                       GStrv           *out_damaged,
                                                       GError         **error);

IdwCertificate *idw_trust_store_lookup                (IdwTrustStore   *self,
                                                       const char      *fingerprint,
                                                       GError         **error);

gboolean        idw_trust_store_remove                (IdwTrustStore   *self,
                                                       const char      *fingerprint,
                                                       GError         **error);

int             idw_trust_store_apply                 (IdwTrustStore   *self,
                                                       IdwVerifier     *verifier,
                                                       GError         **error);

/* Normalises a fingerprint or prefix to lowercase hex; NULL when @text
 * holds anything but hex digits, colons and white space, or no digit. */
char           *idw_trust_normalize_fingerprint       (const char      *text);

G_END_DECLS
