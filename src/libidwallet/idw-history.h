/* idw-history.h: the holder's record of what was shared with whom
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every presentation the holder makes (a QR code shown, IDW1 text copied or
 * printed, a reply to an "IDWR1:" request) and every request the holder
 * declined is one IdwHistoryEntry. The history lives in the encrypted store
 * (under the wallet key, docs/store.md says where and how), never in clear.
 *
 * Entries carry no disclosed values: only which elements were shared. They
 * keep the credential's name and document type as they were, so an entry
 * still reads well after its credential was deleted.
 *
 * The *_sync functions block on file I/O; the UI uses the asynchronous
 * variants, which run them in a worker thread. Writers in several
 * processes (the app and id-wallet-cli) are serialised with a lock file;
 * each write is atomic (temporary file, fsync, rename).
 */
#pragma once

#include <gio/gio.h>

#include "idw-credential.h"
#include "idw-keystore.h"

G_BEGIN_DECLS

/* Limits (each refused with IDW_ERROR_HISTORY, or, for the entry count,
 * enforced by dropping the oldest entries on append). */
#define IDW_HISTORY_MAX_ENTRIES      10000
#define IDW_HISTORY_MAX_ELEMENTS     256   /* per entry */
#define IDW_HISTORY_MAX_TEXT         1024  /* bytes of a name, verifier, doctype, element */
/* The history file's size: appending drops the oldest entries beyond it. */
#define IDW_HISTORY_MAX_FILE         (8 * 1024 * 1024)

typedef enum {
  IDW_HISTORY_CHANNEL_QR,      /* "qr": a QR code shown on this screen */
  IDW_HISTORY_CHANNEL_TEXT,    /* "text": IDW1 text copied or printed */
  IDW_HISTORY_CHANNEL_REPLY,   /* "reply": a reply to a verifier's request */
} IdwHistoryChannel;

typedef enum {
  IDW_HISTORY_OUTCOME_SHARED,    /* "shared" */
  IDW_HISTORY_OUTCOME_DECLINED,  /* "declined": a request the holder refused */
} IdwHistoryOutcome;

/* The JSON/CBOR names above ("qr", "shared", …); NULL-safe parsers return
 * FALSE for an unknown name. */
const char *idw_history_channel_to_string  (IdwHistoryChannel  channel);
gboolean    idw_history_channel_from_string (const char        *name,
                                             IdwHistoryChannel *channel);
const char *idw_history_outcome_to_string  (IdwHistoryOutcome  outcome);
gboolean    idw_history_outcome_from_string (const char        *name,
                                             IdwHistoryOutcome *outcome);

/* ---- IdwHistoryEntry ------------------------------------------------- */

#define IDW_TYPE_HISTORY_ENTRY (idw_history_entry_get_type ())
G_DECLARE_FINAL_TYPE (IdwHistoryEntry, idw_history_entry, IDW, HISTORY_ENTRY, GObject)

/* A new entry with a fresh random id (32 lowercase hex digits). @time is
 * taken as UTC, whole seconds. @elements are "NAMESPACE/ELEMENT" strings
 * (may be empty for a declined request). @verifier is the name a request
 * gave, or NULL. */
IdwHistoryEntry   *idw_history_entry_new                 (GDateTime          *time,
                                                          const char         *credential_id,
                                                          const char         *credential_name,
                                                          const char         *doctype,
                                                          const char * const *elements,
                                                          IdwHistoryChannel   channel,
                                                          const char         *verifier,
                                                          IdwHistoryOutcome   outcome);
const char        *idw_history_entry_get_id              (IdwHistoryEntry *self);
GDateTime         *idw_history_entry_get_time            (IdwHistoryEntry *self);
/* The store id of the credential (as `id-wallet-cli list` prints it). */
const char        *idw_history_entry_get_credential_id   (IdwHistoryEntry *self);
const char        *idw_history_entry_get_credential_name (IdwHistoryEntry *self);
const char        *idw_history_entry_get_doctype         (IdwHistoryEntry *self);
const char * const *idw_history_entry_get_elements       (IdwHistoryEntry *self);
IdwHistoryChannel  idw_history_entry_get_channel         (IdwHistoryEntry *self);
const char        *idw_history_entry_get_verifier        (IdwHistoryEntry *self);
IdwHistoryOutcome  idw_history_entry_get_outcome         (IdwHistoryEntry *self);

/* The credential's name as an entry keeps it, the same in the app and the
 * CLI: @nickname when the holder gave one, else "Document, Holder"
 * ("Mobile driving licence, Erika Mustermann"), else the document's name
 * (transfer full). */
char              *idw_history_name_for_credential       (IdwCredential   *credential,
                                                          const char      *nickname);

/* ---- IdwHistory ------------------------------------------------------ */

#define IDW_TYPE_HISTORY (idw_history_get_type ())
G_DECLARE_FINAL_TYPE (IdwHistory, idw_history, IDW, HISTORY, GObject)

/* `$XDG_DATA_HOME/id-wallet/history` (transfer full). */
char            *idw_history_get_default_directory (void);
/* A token over the history's folder @directory (NULL: the default) that
 * changes whenever the history is written, by this process or another
 * (the CLI): its names and their metadata, never the contents
 * (transfer full; "none" while there is no folder). Errors: IDW_ERROR_IO. */
char            *idw_history_get_state        (const char       *directory,
                                               GError          **error);

/* A history in @directory (NULL: the default) under @wallet_key. */
IdwHistory      *idw_history_new              (const char       *directory,
                                               IdwWalletKey     *wallet_key);
const char      *idw_history_get_directory    (IdwHistory       *self);

/* Adds @entry; drops the oldest entries beyond IDW_HISTORY_MAX_ENTRIES. */
gboolean         idw_history_append_sync      (IdwHistory       *self,
                                               IdwHistoryEntry  *entry,
                                               GCancellable     *cancellable,
                                               GError          **error);
/* Every entry, newest first (element-type IdwHistoryEntry). An empty
 * history (no file yet) is an empty array, not an error; a file that does
 * not decrypt or parse is IDW_ERROR_HISTORY, and is never overwritten by a
 * later append (it is moved aside first, docs/store.md). */
GPtrArray       *idw_history_list_sync        (IdwHistory       *self,
                                               GCancellable     *cancellable,
                                               GError          **error);
/* Removes the entry with @entry_id; an unknown id is not an error. */
gboolean         idw_history_delete_sync      (IdwHistory       *self,
                                               const char       *entry_id,
                                               GCancellable     *cancellable,
                                               GError          **error);
gboolean         idw_history_clear_sync       (IdwHistory       *self,
                                               GCancellable     *cancellable,
                                               GError          **error);
/* Adds those of @entries whose id is not there yet (for restore); returns
 * how many were added in @n_added. */
gboolean         idw_history_merge_sync       (IdwHistory       *self,
                                               GPtrArray        *entries,
                                               guint            *n_added,
                                               GCancellable     *cancellable,
                                               GError          **error);

void             idw_history_append           (IdwHistory          *self,
                                               IdwHistoryEntry     *entry,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean         idw_history_append_finish    (IdwHistory          *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void             idw_history_list             (IdwHistory          *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
GPtrArray       *idw_history_list_finish      (IdwHistory          *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void             idw_history_delete           (IdwHistory          *self,
                                               const char          *entry_id,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean         idw_history_delete_finish    (IdwHistory          *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void             idw_history_clear            (IdwHistory          *self,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean         idw_history_clear_finish     (IdwHistory          *self,
                                               GAsyncResult        *result,
                                               GError             **error);
void             idw_history_merge            (IdwHistory          *self,
                                               GPtrArray           *entries,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean         idw_history_merge_finish     (IdwHistory          *self,
                                               GAsyncResult        *result,
                                               guint               *n_added,
                                               GError             **error);

/* ---- Serialisation --------------------------------------------------- */

/* The JSON of `id-wallet-cli history --json` and the app's export: an
 * array of objects {"id", "time" (RFC 3339, UTC), "credential" (the store
 * id), "credentialName", "docType", "elements": ["NS/ELEM", …],
 * "channel", "verifier" (string or null), "outcome"}, in @entries' order.
 * Pretty-printed, UTF-8, ending in a newline (transfer full). */
char            *idw_history_to_json          (GPtrArray        *entries);

/* One entry as CBOR bytes and back (the history file's and the backup's
 * item; docs/store.md). from_cbor validates every field and limit. */
GBytes          *idw_history_entry_to_cbor    (IdwHistoryEntry  *self);
IdwHistoryEntry *idw_history_entry_from_cbor  (GBytes           *cbor,
                                               GError          **error);

G_END_DECLS
