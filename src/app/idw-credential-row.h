/* idw-credential-row.h: one ID in the wallet's list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "idwallet.h"

G_BEGIN_DECLS

#define IDW_TYPE_CREDENTIAL_ROW (idw_credential_row_get_type ())
G_DECLARE_FINAL_TYPE (IdwCredentialRow, idw_credential_row, IDW, CREDENTIAL_ROW, AdwActionRow)

/* A row for @entry (not a damaged one); @can_present says whether this
 * computer holds its device key. */
GtkWidget     *idw_credential_row_new             (IdwStoreEntry    *entry,
                                                   gboolean          can_present);
IdwStoreEntry *idw_credential_row_get_entry       (IdwCredentialRow *self);
/* The entry's ID in the store. */
const char    *idw_credential_row_get_id          (IdwCredentialRow *self);
gboolean       idw_credential_row_get_can_present (IdwCredentialRow *self);
/* What the issuer's revocation list last said of the ID (NULL: nothing
 * known): a "Revoked" or "Suspended" tag, or none. */
void           idw_credential_row_set_status      (IdwCredentialRow    *self,
                                                   IdwCredentialStatus *status);

G_END_DECLS
