/* idw-history-private.h: what the history's entry code (idw-history-entry.c)
 * and its file code (idw-history.c) share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not part of the engine's API.
 */
#pragma once

#include <cbor.h>

#include "idw-history.h"

G_BEGIN_DECLS

/* An entry id: 16 random bytes as 32 lowercase hex digits. */
#define IDW_HISTORY_ID_BYTES 16
#define IDW_HISTORY_ID_LEN   (IDW_HISTORY_ID_BYTES * 2)

/* The entry's HistoryEntry map (docs/store.md), keys in core deterministic
 * order. */
cbor_item_t     *_idw_history_entry_to_item    (IdwHistoryEntry  *self);
/* An entry from its HistoryEntry map, every field and limit checked; NULL
 * with IDW_ERROR_HISTORY. */
IdwHistoryEntry *_idw_history_entry_from_item  (cbor_item_t      *map,
                                                GError          **error);
/* Whether @self keeps the limits of a history entry (IDW_ERROR_HISTORY
 * otherwise): what from_item checks, for entries made in memory. */
gboolean         _idw_history_entry_check      (IdwHistoryEntry  *self,
                                                GError          **error);
/* Earlier entries first (g_date_time_compare() of their times). */
gint             _idw_history_entry_compare_time (IdwHistoryEntry *a,
                                                  IdwHistoryEntry *b);

/* The entries of a decrypted history file (a CBOR sequence: the header,
 * then the entries), oldest first; NULL with IDW_ERROR_HISTORY. For
 * idw-history.c and tests/fuzz, which reach it without a key or a file. */
GPtrArray       *_idw_history_parse_plaintext  (GBytes           *plaintext,
                                                GError          **error);

G_END_DECLS
