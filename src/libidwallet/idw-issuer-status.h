/* idw-issuer-status.h: the status list an issuer keeps for its credentials
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "idw-status-list.h"

G_BEGIN_DECLS

#define IDW_ISSUER_STATUS_FILE  "status-list.cbor"
/* Entries of a new list: large enough that a list says little about how
 * many credentials an issuer made (the draft's herd privacy). */
#define IDW_ISSUER_STATUS_INITIAL_SIZE 16384
#define IDW_ISSUER_STATUS_BITS  2

typedef struct _IdwIssuerStatus IdwIssuerStatus;

/* Whether @uri is an absolute http or https URI (the only ones a verifier
 * fetches). */
gboolean         idw_status_uri_is_valid       (const char       *uri);

/* Starts a list for @uri in the issuer folder @dir, refusing to replace
 * one. Errors: IDW_ERROR_MALFORMED (@uri), IDW_ERROR_DUPLICATE (a list
 * exists), IDW_ERROR_IO. */
IdwIssuerStatus *idw_issuer_status_create      (const char       *dir,
                                                const char       *uri,
                                                GError          **error);
/* Opens the list of @dir for a change: holds an exclusive lock on it
 * (DIR/status-list.lock) until freed, so that two `issue` commands never
 * hand out the same index. Errors: IDW_ERROR_NOT_FOUND (no list: the
 * issuer was made without --status-uri), IDW_ERROR_IO, parse errors. */
IdwIssuerStatus *idw_issuer_status_open        (const char       *dir,
                                                GError          **error);
void             idw_issuer_status_free        (IdwIssuerStatus  *self);
const char      *idw_issuer_status_get_uri     (IdwIssuerStatus  *self);
/* (transfer none) */
IdwStatusList   *idw_issuer_status_get_list    (IdwIssuerStatus  *self);
/* The number of indexes handed out. */
guint64          idw_issuer_status_get_next    (IdwIssuerStatus  *self);
/* Hands out the next index (growing the list when needed); call
 * idw_issuer_status_save() to keep it. Errors: IDW_ERROR_LIMIT. */
gboolean         idw_issuer_status_allocate    (IdwIssuerStatus  *self,
                                                guint64          *out_index,
                                                GError          **error);
/* Sets an index handed out before. Errors: IDW_ERROR_LIMIT (an index not
 * handed out), IDW_ERROR_UNSUPPORTED (a status the list cannot hold). */
gboolean         idw_issuer_status_set         (IdwIssuerStatus  *self,
                                                guint64           index,
                                                guint             status,
                                                GError          **error);
/* Writes the file atomically (write, fsync, rename). Errors: IDW_ERROR_IO. */
gboolean         idw_issuer_status_save        (IdwIssuerStatus  *self,
                                                GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwIssuerStatus, idw_issuer_status_free)

G_END_DECLS
