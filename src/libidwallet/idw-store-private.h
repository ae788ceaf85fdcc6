/* idw-store-private.h: what the credential store's files share: the record
 * format (idw-store-record.c) and the store's insides (idw-store.c,
 * idw-store-entry.c, idw-store-async.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not part of the engine's API: tests/fuzz and the store's tests reach the
 * decoders of a store file through _idw_store_record_decrypt() and
 * _idw_store_record_decode(), without a keyring or a folder.
 */
#pragma once

#include <glib.h>

#include "idw-credential.h"
#include "idw-keystore.h"
#include "idw-store.h"

G_BEGIN_DECLS

/* An id: 16 random bytes as 32 lowercase hex digits (docs/store.md). */
#define IDW_STORE_ID_BYTES 16
#define IDW_STORE_ID_LEN   (IDW_STORE_ID_BYTES * 2)

/* ---- The record format (idw-store-record.c) --------------------------- */

/* What a store file holds, decrypted and parsed. */
typedef struct
{
  GDateTime     *imported;
  char          *nickname;
  GBytes        *credential_bytes;
  IdwCredential *credential;
  gboolean       reissue_needed;
} IdwStoreRecord;

void            _idw_store_record_free     (IdwStoreRecord *record);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwStoreRecord, _idw_store_record_free)

/* "<id>.idwstore" (transfer full). */
char           *_idw_store_file_name_for_id (const char    *id);
/* Wipes and frees a plaintext (NULL is ignored). */
void            _idw_store_wipe_bytes      (GBytes         *bytes);

/* The record CBOR of @id's entry, keys in core deterministic order; the
 * caller wipes it. @reissue_needed writes "reissueNeeded": true. */
GBytes         *_idw_store_record_encode   (const char     *id,
                                            GDateTime      *imported,
                                            const char     *nickname,
                                            GBytes         *credential_bytes,
                                            gboolean        reissue_needed);
/* The store file of @id: magic, a fresh nonce and the ciphertext of
 * @plaintext under @wallet_key. */
GBytes         *_idw_store_record_encrypt  (IdwWalletKey   *wallet_key,
                                            const char     *id,
                                            const guint8   *plaintext,
                                            gsize           len);
/* The plaintext of the store file @file for @id (32 lowercase hex digits),
 * or NULL with IDW_ERROR_MALFORMED (not a store file, truncated),
 * IDW_ERROR_UNSUPPORTED (a newer format) or IDW_ERROR_BAD_SIGNATURE (does
 * not decrypt). The caller wipes the plaintext. */
GBytes         *_idw_store_record_decrypt  (IdwWalletKey   *wallet_key,
                                            const char     *id,
                                            GBytes         *file,
                                            GError        **error);
/* The record CBOR of a decrypted file, or NULL with the errors a damaged
 * entry gets. */
IdwStoreRecord *_idw_store_record_parse    (const char     *id,
                                            GBytes         *plaintext,
                                            GError        **error);
/* The same, as its credential, import time and nickname (optional outs). */
gboolean        _idw_store_record_decode   (const char     *id,
                                            GBytes         *plaintext,
                                            IdwCredential **out_credential,
                                            GDateTime     **out_imported,
                                            char          **out_nickname,
                                            GError        **error);

/* ---- Entries (idw-store-entry.c) ------------------------------------- */

/* A good entry, from its record. */
IdwStoreEntry  *_idw_store_entry_new_from_record (const char     *directory,
                                                  const char     *id,
                                                  IdwStoreRecord *record);
/* A damaged entry, taking @error. */
IdwStoreEntry  *_idw_store_entry_new_damaged (const char     *directory,
                                              const char     *id,
                                              GError         *error);
/* Changes the nickname, notifying "nickname" when it differs. */
void            _idw_store_entry_set_nickname (IdwStoreEntry *self,
                                               const char    *nickname);
/* Good entries in the order they were added, damaged ones last (for
 * g_ptr_array_sort()). */
gint            _idw_store_entry_compare   (gconstpointer   a,
                                            gconstpointer   b);

/* ---- The store (idw-store.c) ----------------------------------------- */

/* Rewrites the file of @id with @nickname (NULL: none), under the store's
 * lock: idw_store_set_nickname_sync() without the change to the entry,
 * which the asynchronous variant makes on the caller's thread. */
gboolean        _idw_store_write_nickname  (IdwStore       *self,
                                            const char     *id,
                                            const char     *nickname,
                                            GCancellable   *cancellable,
                                            GError        **error);

/* Writes a credential restored from a backup (idw-backup.c) under @id, or
 * under a new random id when @id is NULL, not an id, or taken; its
 * import time and nickname are kept. Never touches the keyring: the
 * caller stores the device key. Returns the id used (transfer full), or
 * NULL with IDW_ERROR_LIMIT or IDW_ERROR_IO. */
char           *_idw_store_write_restored  (IdwStore       *self,
                                            const char     *id,
                                            IdwCredential  *credential,
                                            GDateTime      *imported,
                                            const char     *nickname,
                                            gboolean        reissue_needed,
                                            GError        **error);

G_END_DECLS
