/* idw-trust-store.h: the verifier's trusted issuer certificates (DESIGN §3.4, §5)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Trust anchors (IACA roots or pinned DS certificates) are plain PEM files
 * under $XDG_DATA_HOME/id-wallet/trust/, one per certificate, named by the
 * SHA-256 fingerprint of its DER encoding; those imported from a VICAL
 * are in one folder per list provider under trust/lists/, with the list's
 * description (docs/formats.md, "The trust store"). The app's Preferences and
 * `id-wallet-cli trust` share this store; every call reads the folder
 * afresh, so several stores on one folder agree. The store is safe to use
 * from worker threads; its ::changed signal is emitted in the thread that
 * made the change.
 */
#pragma once

#include <glib-object.h>

#include "idw-trust-origin.h"
#include "idw-verifier.h"
#include "idw-vical.h"
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
/* The same, with the origin of each anchor an imported list holds (and
 * that was not added one by one): fingerprint → IdwTrustOrigin. */
GPtrArray      *idw_trust_store_list_with_origins     (IdwTrustStore   *self,
                                                       GHashTable     **out_origins,
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

/**
 * IdwTrustImport:
 * @added: IACAs the provider's list held before did not have
 * @kept: IACAs of the list held before that the new one has too
 * @removed: IACAs of the list held before that the new one no longer has
 * @unchanged: the same list (date and issue ID) was imported before
 * @replaced: the provider's list held before, %NULL when none
 *
 * What idw_trust_store_import_vical() did.
 */
typedef struct
{
  guint           added;
  guint           kept;
  guint           removed;
  gboolean        unchanged;
  IdwTrustOrigin *replaced;
} IdwTrustImport;

void            idw_trust_import_clear                (IdwTrustImport  *import);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (IdwTrustImport, idw_trust_import_clear)

gboolean        idw_trust_store_import_vical          (IdwTrustStore   *self,
                                                       IdwVical        *vical,
                                                       IdwTrustImport  *out_import,
                                                       GError         **error);
/* (element-type IdwTrustOrigin): one per imported list, by provider. */
GPtrArray      *idw_trust_store_list_vicals           (IdwTrustStore   *self,
                                                       GStrv           *out_damaged,
                                                       GError         **error);
gboolean        idw_trust_store_remove_vical          (IdwTrustStore   *self,
                                                       const char      *provider,
                                                       IdwTrustOrigin **out_removed,
                                                       guint           *out_n_certificates,
                                                       GError         **error);

/* Normalises a fingerprint or prefix to lowercase hex; NULL when @text
 * holds anything but hex digits, colons and white space, or no digit. */
char           *idw_trust_normalize_fingerprint       (const char      *text);

G_END_DECLS
