/* idw-trust-store-private.h: what the trust store's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * idw-trust-store.c holds the object, the anchors added one by one and
 * the listing; idw-trust-store-lists.c the VICALs imported into the store
 * (docs/formats.md, "The trust store").
 */
#pragma once

#include "idw-trust-store.h"

G_BEGIN_DECLS

/* One certificate file as read from the folder. */
typedef struct
{
  char           *path;
  IdwCertificate *certificate;
  char           *fingerprint;
  IdwTrustOrigin *origin;       /* NULL: added one by one */
} TrustEntry;

void     _idw_trust_entry_free          (gpointer        data);

/* Appends the anchors of every imported list (TrustEntry*) to @entries,
 * lists in folder-name order; what cannot be read goes to @damaged. */
void     _idw_trust_store_read_lists    (IdwTrustStore  *self,
                                         GPtrArray      *entries,
                                         GStrvBuilder   *damaged);
void     _idw_trust_store_emit_changed  (IdwTrustStore  *self);

/* ---- Copies of imported lists, for backups (idw-backup.c) ----------- */

/* One imported list as the store keeps it: its description (list.json,
 * docs/formats.md §2.6) and the certificates it names, in its order. */
typedef struct
{
  IdwTrustOrigin *origin;
  GBytes         *description;
  GPtrArray      *certificates;   /* IdwCertificate* */
} IdwTrustListCopy;

void              _idw_trust_list_copy_free     (IdwTrustListCopy  *copy);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwTrustListCopy, _idw_trust_list_copy_free)

/* A copy from a description and its certificates, checked as the store
 * checks a list.json (provider, dates, fingerprints), and that
 * @certificates are exactly those it names. Errors: IDW_ERROR_MALFORMED,
 * IDW_ERROR_LIMIT. */
IdwTrustListCopy *_idw_trust_list_copy_new      (GBytes            *description,
                                                 GPtrArray         *certificates,
                                                 GError           **error);
/* Every readable imported list (element-type IdwTrustListCopy), by
 * provider folder; the paths of damaged ones go to @out_damaged. */
GPtrArray        *_idw_trust_store_copy_lists   (IdwTrustStore     *self,
                                                 GStrv             *out_damaged);
/* Puts @copy in the store under the rules of an import: a newer list of
 * the provider held already wins (IDW_ERROR_SUPERSEDED, nothing changed);
 * anchors added one by one stay. Errors also IDW_ERROR_IO. */
gboolean          _idw_trust_store_restore_list (IdwTrustStore     *self,
                                                 IdwTrustListCopy  *copy,
                                                 IdwTrustImport    *out_import,
                                                 GError           **error);

G_END_DECLS
