/* idw-store.h: the holder's encrypted credential store (DESIGN §5)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One file per credential, `<id>.idwstore`, under
 * `$XDG_DATA_HOME/id-wallet/credentials/`, encrypted with
 * XChaCha20-Poly1305 under the wallet key (docs/store.md has the format).
 * Private device keys never go into these files: they live in the keyring
 * (idw-keystore.h).
 *
 * The *_sync functions block on file I/O and on the keyring; the UI uses
 * the asynchronous variants, which run them in a worker thread.
 */
#pragma once

#include <gio/gio.h>

#include "idw-credential.h"
#include "idw-keystore.h"

G_BEGIN_DECLS

#define IDW_STORE_FILE_SUFFIX ".idwstore"

/* ---- IdwStoreEntry -------------------------------------------------- */

#define IDW_TYPE_STORE_ENTRY (idw_store_entry_get_type ())
G_DECLARE_FINAL_TYPE (IdwStoreEntry, idw_store_entry, IDW, STORE_ENTRY, GObject)

/**
 * IdwStoreEntry:
 *
 * One credential in the store, or one damaged file. Properties:
 * "id", "nickname" (notified when idw_store_set_nickname_sync() changes
 * it), "imported", "credential", "damaged".
 */
const char     *idw_store_entry_get_id          (IdwStoreEntry *self);
/* NULL when none was set, or for a damaged entry. */
const char     *idw_store_entry_get_nickname    (IdwStoreEntry *self);
/* When the credential was added (UTC); NULL for a damaged entry. */
GDateTime      *idw_store_entry_get_imported    (IdwStoreEntry *self);
/* NULL for a damaged entry. Never holds a private key. */
IdwCredential  *idw_store_entry_get_credential  (IdwStoreEntry *self);
gboolean        idw_store_entry_is_damaged      (IdwStoreEntry *self);
/* Restored from a backup without its device key, which stayed in another
 * computer's TPM: "Re-issue needed on this device". */
gboolean        idw_store_entry_get_reissue_needed (IdwStoreEntry *self);
/* Why the entry is damaged (translated message), or NULL. */
const GError   *idw_store_entry_get_error       (IdwStoreEntry *self);
/* The file's full path. */
const char     *idw_store_entry_get_path        (IdwStoreEntry *self);

/* ---- IdwStore ------------------------------------------------------- */

#define IDW_TYPE_STORE (idw_store_get_type ())
G_DECLARE_FINAL_TYPE (IdwStore, idw_store, IDW, STORE, GObject)

/* `$XDG_DATA_HOME/id-wallet/credentials` (transfer full). */
char           *idw_store_get_default_directory (void);

IdwStore       *idw_store_new                   (const char           *directory,
                                                 IdwWalletKey         *wallet_key,
                                                 GError              **error);
const char     *idw_store_get_directory         (IdwStore             *self);
/* A token that changes whenever a credential is added, replaced or
 * removed, by this process or another (the CLI, another window):
 * compare it with the last one to tell whether to list the store again. */
char           *idw_store_get_state             (IdwStore             *self,
                                                 GError              **error);

IdwStore       *idw_store_open_sync             (const char           *directory,
                                                 GCancellable         *cancellable,
                                                 GError              **error);
void            idw_store_open                  (const char           *directory,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
IdwStore       *idw_store_open_finish           (GAsyncResult         *result,
                                                 GError              **error);

GPtrArray      *idw_store_list_sync             (IdwStore             *self,
                                                 GCancellable         *cancellable,
                                                 GError              **error);
void            idw_store_list                  (IdwStore             *self,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
GPtrArray      *idw_store_list_finish           (IdwStore             *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

IdwStoreEntry  *idw_store_load_sync             (IdwStore             *self,
                                                 const char           *id,
                                                 GCancellable         *cancellable,
                                                 GError              **error);

IdwStoreEntry  *idw_store_find_duplicate_sync   (IdwStore             *self,
                                                 IdwCredential        *credential,
                                                 GCancellable         *cancellable,
                                                 GError              **error);

IdwStoreEntry  *idw_store_add_sync              (IdwStore             *self,
                                                 IdwCredential        *credential,
                                                 const char           *nickname,
                                                 GCancellable         *cancellable,
                                                 GError              **error);
void            idw_store_add                   (IdwStore             *self,
                                                 IdwCredential        *credential,
                                                 const char           *nickname,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
IdwStoreEntry  *idw_store_add_finish            (IdwStore             *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

gboolean        idw_store_delete_sync           (IdwStore             *self,
                                                 const char           *id,
                                                 GCancellable         *cancellable,
                                                 GError              **error);
void            idw_store_delete                (IdwStore             *self,
                                                 const char           *id,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean        idw_store_delete_finish         (IdwStore             *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

gboolean        idw_store_set_nickname_sync     (IdwStore             *self,
                                                 IdwStoreEntry        *entry,
                                                 const char           *nickname,
                                                 GCancellable         *cancellable,
                                                 GError              **error);

void            idw_store_set_nickname          (IdwStore             *self,
                                                 IdwStoreEntry        *entry,
                                                 const char           *nickname,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean        idw_store_set_nickname_finish   (IdwStore             *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

gboolean        idw_store_remove_damaged_sync   (IdwStore             *self,
                                                 const char           *id,
                                                 GCancellable         *cancellable,
                                                 GError              **error);
void            idw_store_remove_damaged        (IdwStore             *self,
                                                 const char           *id,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean        idw_store_remove_damaged_finish (IdwStore             *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

G_END_DECLS
