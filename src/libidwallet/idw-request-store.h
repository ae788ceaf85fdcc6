/* idw-request-store.h: the remote requests this verifier made (DESIGN §3.3)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each "IDWR1:" request the verifier creates is remembered under
 * $XDG_DATA_HOME/id-wallet/requests/ as NONCE-HEX.request (a small key
 * file with its creation time, and its use time once a response carrying
 * its nonce verified). A response is accepted only for a nonce that is
 * known and unused; marking it used is written to disk before the verdict
 * is shown, so a replayed response fails `freshness` even after a restart.
 * Requests are forgotten IDW_REQUEST_LIFETIME after their creation.
 */
#pragma once

#include <glib-object.h>

#include "idw-verifier.h"

G_BEGIN_DECLS

#define IDW_TYPE_REQUEST_STORE (idw_request_store_get_type ())
G_DECLARE_FINAL_TYPE (IdwRequestStore, idw_request_store, IDW, REQUEST_STORE, GObject)

#define IDW_REQUEST_LIFETIME (24 * 60 * 60) /* seconds */

/* $XDG_DATA_HOME/id-wallet/requests */
char            *idw_request_store_get_default_directory (void);

/* A store on @directory, or on the default directory when %NULL. */
IdwRequestStore *idw_request_store_new                   (const char      *directory);
const char      *idw_request_store_get_directory         (IdwRequestStore *self);

/* The clock for creation, expiry and lookups; %NULL (the default) for the
 * real clock at each call. For tests. */
void             idw_request_store_set_time              (IdwRequestStore *self,
                                                          GDateTime       *now);

/**
 * idw_request_store_add:
 * @self: a request store
 * @nonce: the request's nonce (16 to 64 bytes)
 * @request_text: (nullable): the "IDWR1:" text, kept for reference
 * @error: return location for a #GError
 *
 * Remembers a request created now, atomically, and forgets expired ones.
 *
 * Returns: %TRUE on success; %FALSE with IDW_ERROR_NONCE (bad length),
 *   IDW_ERROR_DUPLICATE (the nonce is known already) or IDW_ERROR_IO.
 */
gboolean         idw_request_store_add                   (IdwRequestStore *self,
                                                          GBytes          *nonce,
                                                          const char      *request_text,
                                                          GError         **error);

/* The state of @nonce: unknown (never issued here, expired, or its file is
 * damaged), unused or used. Thread-safe. */
IdwNonceState    idw_request_store_lookup                (IdwRequestStore *self,
                                                          GBytes          *nonce);

/**
 * idw_request_store_consume:
 * @self: a request store
 * @nonce: a nonce
 * @error: return location for a #GError
 *
 * Marks @nonce used when it is unused, persistently, as one step that no
 * other thread of this process can interleave with. Thread-safe.
 *
 * Returns: the state before the call; IDW_NONCE_UNUSED means it is now
 *   used. When writing fails, returns IDW_NONCE_USED (refusing rather than
 *   allowing a replay) and sets @error to IDW_ERROR_IO.
 */
IdwNonceState    idw_request_store_consume               (IdwRequestStore *self,
                                                          GBytes          *nonce,
                                                          GError         **error);

/* Deletes requests older than IDW_REQUEST_LIFETIME (and damaged files as
 * old). Returns how many files were removed. */
guint            idw_request_store_expire                (IdwRequestStore *self);

/* Requests still pending (unused, not expired). */
guint            idw_request_store_count_pending         (IdwRequestStore *self);

/* An IdwNonceFunc whose user data is an IdwRequestStore. */
IdwNonceState    idw_request_store_nonce_func            (GBytes          *nonce,
                                                          gboolean         consume,
                                                          gpointer         user_data);

/* Makes @verifier check nonces against this store (the verifier keeps a
 * reference to it). */
void             idw_request_store_attach                (IdwRequestStore *self,
                                                          IdwVerifier     *verifier);

G_END_DECLS
