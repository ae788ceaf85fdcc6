/* idw-credential-status.h: the holder's own IDs' revocation status
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "idw-credential.h"
#include "idw-status-fetcher.h"

G_BEGIN_DECLS

/**
 * IdwCredentialStatus:
 * @status: the credential's entry in its issuer's list: an IdwTokenStatus,
 *   or another value the list holds (not valid either)
 * @checked: when the list was read
 * @list_issued: when the issuer made that list (its iat)
 *
 * What the issuer's Token Status List said of a credential, the last
 * time it was read.
 */
typedef struct
{
  guint      status;
  GDateTime *checked;
  GDateTime *list_issued;
} IdwCredentialStatus;

void                 idw_credential_status_free         (IdwCredentialStatus  *status);
IdwCredentialStatus *idw_credential_status_copy         (IdwCredentialStatus  *status);
/* Whether @credential refers to a status list at all. */
gboolean             idw_credential_has_status          (IdwCredential        *credential);

/* Reads @credential's entry in its issuer's list through @fetcher (its
 * cache spares the network while the list's ttl says it is fresh), from
 * a list that chains to idw_credential_get_status_anchor(), and
 * remembers the answer beside @fetcher's cache for
 * idw_credential_status_load(). Blocks: call it from a worker thread.
 * Errors: IDW_ERROR_NOT_FOUND (no status reference, or no x5chain),
 * those of idw_status_fetcher_get_status(). */
IdwCredentialStatus *idw_credential_status_check        (IdwCredential        *credential,
                                                         IdwStatusFetcher     *fetcher,
                                                         GError              **error);
/* What the last successful check said, without the network; NULL when
 * nothing is remembered (or the record is unreadable, or is for another
 * list entry). Reads a small file: call it off the main thread. */
IdwCredentialStatus *idw_credential_status_load         (IdwCredential        *credential,
                                                         IdwStatusFetcher     *fetcher);

/* The two above on a worker thread (GTask). */
void                 idw_credential_status_check_async  (IdwCredential        *credential,
                                                         IdwStatusFetcher     *fetcher,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
IdwCredentialStatus *idw_credential_status_check_finish (GAsyncResult         *result,
                                                         GError              **error);
/* Finishes with NULL and no error when nothing is remembered. */
void                 idw_credential_status_load_async   (IdwCredential        *credential,
                                                         IdwStatusFetcher     *fetcher,
                                                         GCancellable         *cancellable,
                                                         GAsyncReadyCallback   callback,
                                                         gpointer              user_data);
IdwCredentialStatus *idw_credential_status_load_finish  (GAsyncResult         *result,
                                                         GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwCredentialStatus, idw_credential_status_free)

G_END_DECLS
