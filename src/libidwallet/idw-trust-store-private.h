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

G_END_DECLS
