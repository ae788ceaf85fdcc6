/* idw-wallet-view.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "idwallet.h"
#include "idw-store.h"

G_BEGIN_DECLS

#define IDW_TYPE_WALLET_VIEW (idw_wallet_view_get_type ())
G_DECLARE_FINAL_TYPE (IdwWalletView, idw_wallet_view, IDW, WALLET_VIEW, AdwBin)

/* Whether @file looks like something to import (by content type or name). */
gboolean       idw_wallet_view_can_import       (GFile               *file);

/* The one import path of the app (file chooser, drop, command line):
 * loads @file and gives it to the engine's import rules
 * (idw-store-import.h), which check it, move an included private key into
 * the keyring and add it to the store. Errors carry a message for people:
 * IDW_ERROR_LIMIT (too large), IDW_ERROR_WRONG_TYPE (not a credential),
 * IDW_ERROR_MALFORMED (damaged), IDW_ERROR_BAD_SIGNATURE (signature
 * invalid), IDW_ERROR_DUPLICATE (already in the wallet), IDW_ERROR_IO,
 * IDW_ERROR_KEYRING. */
void           idw_wallet_view_import_file      (IdwWalletView       *self,
                                                 GFile               *file,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
IdwStoreEntry *idw_wallet_view_import_file_finish (IdwWalletView     *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
/* Imports and tells the user how it went (toast, or a dialog on error). */
void           idw_wallet_view_import_and_report (IdwWalletView      *self,
                                                 GFile               *file);
/* Shows the file chooser. */
void           idw_wallet_view_choose_import    (IdwWalletView       *self);

/* (Re)reads the store; "loaded" is emitted when done. */
void           idw_wallet_view_reload           (IdwWalletView       *self);
/* NULL until the store is open. */
IdwStore      *idw_wallet_view_get_store        (IdwWalletView       *self);
/* The list rows (IdwCredentialRow, an AdwActionRow) shown for the cards,
 * in order (transfer full). */
GListModel    *idw_wallet_view_get_rows         (IdwWalletView       *self);

void           idw_wallet_view_open_card        (IdwWalletView       *self,
                                                 const char          *id);
/* The card page or present page shown, or NULL on the list. */
GtkWidget     *idw_wallet_view_get_visible_page (IdwWalletView       *self);
gboolean       idw_wallet_view_get_can_go_back  (IdwWalletView       *self);
void           idw_wallet_view_go_back          (IdwWalletView       *self);

/* Carries out deletions still waiting for their undo toast to go. */
void           idw_wallet_view_flush_deletions  (IdwWalletView       *self);

G_END_DECLS
