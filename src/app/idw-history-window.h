/* idw-history-window.h: the holder's history, day by day
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opened from the main menu (every ID) and from a card (that ID): what was
 * shared, when, how and with whom, newest first and grouped by day; a
 * filter per ID; delete an entry (with Undo), clear everything, export as
 * JSON. The history is read and changed through IdwHistoryService, off the
 * main loop.
 */
#pragma once

#include <adwaita.h>

#include "idwallet.h"

G_BEGIN_DECLS

#define IDW_TYPE_HISTORY_WINDOW (idw_history_window_get_type ())
G_DECLARE_FINAL_TYPE (IdwHistoryWindow, idw_history_window, IDW, HISTORY_WINDOW, AdwWindow)

IdwHistoryWindow *idw_history_window_new              (GtkWindow        *parent);
/* Shows only the entries of @credential_id (NULL or "": all); @name is
 * what the filter says for an ID that has no entry yet. */
void              idw_history_window_set_filter       (IdwHistoryWindow *self,
                                                       const char       *credential_id,
                                                       const char       *name);
/* The credential shown, or NULL for all. */
const char       *idw_history_window_get_filter       (IdwHistoryWindow *self);
/* The entries shown (filtered, without those waiting for their Undo to
 * expire), newest first (transfer container); NULL until the history was
 * read. */
GPtrArray        *idw_history_window_dup_shown        (IdwHistoryWindow *self);
/* Deletes an entry as its row's button does: hidden at once, deleted when
 * the Undo toast goes. */
void              idw_history_window_delete_entry     (IdwHistoryWindow *self,
                                                       const char       *entry_id);
/* Writes the entries shown as JSON (idw_history_to_json()) to @file, as
 * "Export…" does after its file chooser; mode 0600. */
void              idw_history_window_export           (IdwHistoryWindow    *self,
                                                       GFile               *file,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean          idw_history_window_export_finish    (IdwHistoryWindow    *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

G_END_DECLS
