/* idw-request-store.h: the remote requests this verifier made (DESIGN §3.3)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each "IDWR1:" request the verifier creates is remembered under
 * $XDG_DATA_HOME/id-wallet/requests/ as NONCE-HEX.request (a small key
 * file with its creation time). A response is accepted only for a nonce
 * that is known and unused. Requests are forgotten IDW_REQUEST_LIFETIME
 * after their creation.
 *
 * Using a nonce is decided by one system call: creating NONCE-HEX.used
 * with open (O_CREAT | O_EXCL). The kernel lets exactly one caller create
 * a name, so of any number of threads and processes (two `id-wallet-cli
 * verify` runs, the app and the CLI) racing for one nonce, exactly one
 * wins, whatever the interleaving, on a local file system (not NFS before
 * v3, where O_EXCL is not atomic). The winner fsyncs the marker and the
 * folder before it returns, so the use survives a crash or a restart and
 * is never shown as accepted before it is on disk.
 *
 * The marker's existence is the whole state: its content is only for
 * people. The request file is never rewritten after it is made, so there
 * is no read-modify-write to race. Older versions wrote "Used=" into the
 * request file instead; that still reads as used.
 *
 * Expiry removes the request first and its marker second. A consumer reads
 * the request, creates the marker, and reads the request again: if the
 * request went meanwhile (an expiry may have removed an earlier winner's
 * marker just before ours was made), the use does not count.
 *
 * Whatever cannot be read refuses: a damaged request is unknown, a marker
 * that exists in any form (empty, a folder, unreadable) or whose presence
 * cannot be determined means used, and a failure to create or sync the
 * marker reports used.
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

gboolean         idw_request_store_add                   (IdwRequestStore *self,
                                                          GBytes          *nonce,
                                                          const char      *request_text,
                                                          GError         **error);

/* The state of @nonce: unknown (never issued here, expired, or its request
 * file is missing or damaged), unused or used (its use marker is there).
 * Thread-safe. */
IdwNonceState    idw_request_store_lookup                (IdwRequestStore *self,
                                                          GBytes          *nonce);

IdwNonceState    idw_request_store_consume               (IdwRequestStore *self,
                                                          GBytes          *nonce,
                                                          GError         **error);

/* Deletes requests older than IDW_REQUEST_LIFETIME (and damaged files as
 * old) with their use markers, and markers whose request is gone. Returns
 * how many requests were removed. */
guint            idw_request_store_expire                (IdwRequestStore *self);

/* Requests still pending (unused, not expired, no use marker). */
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
