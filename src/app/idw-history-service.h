/* idw-history-service.h: the app's way to the holder's history
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One object for the whole app (no widget): it opens the encrypted history
 * with the wallet key from the keyring (asynchronously, once), records
 * presentations unless the "record-history" setting is off, and lists,
 * deletes and clears entries in worker threads. "changed" tells open
 * History windows to read the history again.
 */
#pragma once

#include <adwaita.h>

#include "idwallet.h"

G_BEGIN_DECLS

#define IDW_TYPE_HISTORY_SERVICE (idw_history_service_get_type ())
G_DECLARE_FINAL_TYPE (IdwHistoryService, idw_history_service, IDW, HISTORY_SERVICE, GObject)

/* The app's service, made on first use (transfer none). */
IdwHistoryService *idw_history_service_get_default     (void);

/* Whether new presentations are recorded (the "record-history" setting). */
gboolean           idw_history_service_get_recording   (IdwHistoryService   *self);

/* Records @entry in the background unless recording is off; a failure is
 * shown as a toast above @report_to (when it still exists), never in the
 * way of the presentation. The app stays alive until it is written. */
void               idw_history_service_record          (IdwHistoryService   *self,
                                                        IdwHistoryEntry     *entry,
                                                        GtkWidget           *report_to);
/* A presentation of the wallet's credential @credential_id: the entry made
 * as the CLI makes it, then idw_history_service_record(). */
void               idw_history_service_record_presentation (IdwHistoryService   *self,
                                                            const char          *credential_id,
                                                            const char          *credential_name,
                                                            IdwCredential       *credential,
                                                            const char * const  *paths,
                                                            IdwHistoryChannel    channel,
                                                            const char          *verifier,
                                                            IdwHistoryOutcome    outcome,
                                                            GtkWidget           *report_to);

/* Every entry, newest first (idw_history_list_sync()); errors as it, and
 * IDW_ERROR_KEYRING. */
void               idw_history_service_list            (IdwHistoryService   *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
GPtrArray         *idw_history_service_list_finish     (IdwHistoryService   *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void               idw_history_service_delete          (IdwHistoryService   *self,
                                                        const char          *entry_id,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean           idw_history_service_delete_finish   (IdwHistoryService   *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void               idw_history_service_clear           (IdwHistoryService   *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean           idw_history_service_clear_finish    (IdwHistoryService   *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

G_END_DECLS
