/* idw-wallet-view-status.c: revocation of the holder's own IDs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Opening a card checks its entry in the issuer's Token Status List on a
 * worker thread: the status fetcher's cache keeps a list for its ttl, so
 * opening the card again within it asks nothing of the network. What a
 * check found is remembered (IdwCredentialStatus), which the list's rows
 * show without any request. A check that fails never says "revoked": the
 * last known status stays, or the card says calmly that it could not
 * check.
 */
#include "config.h"

#include "idw-credential-row.h"
#include "idw-wallet-view-private.h"

typedef struct
{
  GWeakRef     view;
  GWeakRef     target;  /* the row or the card page */
} StatusRequest;

static StatusRequest *
status_request_new (IdwWalletView *self,
                    GtkWidget     *target)
{
  StatusRequest *request = g_new0 (StatusRequest, 1);

  g_weak_ref_init (&request->view, self);
  g_weak_ref_init (&request->target, target);
  return request;
}

static void
status_request_free (StatusRequest *request)
{
  g_weak_ref_clear (&request->view);
  g_weak_ref_clear (&request->target);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (StatusRequest, status_request_free)

static void
row_status_loaded_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(StatusRequest) request = user_data;
  g_autoptr(GtkWidget) row = g_weak_ref_get (&request->target);
  g_autoptr(IdwCredentialStatus) status = idw_credential_status_load_finish (result, NULL);

  if (row != NULL && status != NULL)
    idw_credential_row_set_status (IDW_CREDENTIAL_ROW (row), status);
}

void
_idw_wallet_view_load_row_status (IdwWalletView *self,
                                  GtkWidget     *row,
                                  IdwCredential *credential)
{
  if (!idw_credential_has_status (credential))
    return;
  idw_credential_status_load_async (credential, self->status_fetcher, self->cancellable,
                                    row_status_loaded_cb, status_request_new (self, row));
}

/* The card's row, told what the page was told. */
static void
update_row (IdwWalletView       *self,
            IdwCardPage         *page,
            IdwCredentialStatus *status)
{
  GtkWidget *row = _idw_wallet_view_find_row (self, idw_card_page_get_id (page));

  if (row != NULL && status != NULL)
    idw_credential_row_set_status (IDW_CREDENTIAL_ROW (row), status);
}

static void
card_status_checked_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(StatusRequest) request = user_data;
  g_autoptr(IdwWalletView) self = g_weak_ref_get (&request->view);
  g_autoptr(GtkWidget) page = g_weak_ref_get (&request->target);
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCredentialStatus) status = idw_credential_status_check_finish (result, &error);

  if (self == NULL || page == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (status == NULL)
    {
      /* Not alarming: what was known stays known. */
      g_debug ("Could not check the status of %s: %s", idw_card_page_get_id (IDW_CARD_PAGE (page)),
               error->message);
      idw_card_page_set_status (IDW_CARD_PAGE (page), idw_card_page_get_status (IDW_CARD_PAGE (page)), TRUE);
      return;
    }
  idw_card_page_set_status (IDW_CARD_PAGE (page), status, FALSE);
  update_row (self, IDW_CARD_PAGE (page), status);
}

static void
card_status_loaded_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(StatusRequest) request = user_data;
  g_autoptr(IdwWalletView) self = g_weak_ref_get (&request->view);
  g_autoptr(GtkWidget) page = g_weak_ref_get (&request->target);
  g_autoptr(IdwCredentialStatus) status = idw_credential_status_load_finish (result, NULL);
  IdwCredential *credential;

  if (self == NULL || page == NULL)
    return;
  if (status != NULL)
    idw_card_page_set_status (IDW_CARD_PAGE (page), status, FALSE);

  /* Then what the list says now. */
  credential = idw_card_page_get_credential (IDW_CARD_PAGE (page));
  idw_credential_status_check_async (credential, self->status_fetcher, self->cancellable,
                                     card_status_checked_cb, status_request_new (self, page));
}

void
_idw_wallet_view_check_card_status (IdwWalletView *self,
                                    IdwCardPage   *page)
{
  IdwCredential *credential = idw_card_page_get_credential (page);

  if (!idw_credential_has_status (credential))
    return;
  idw_credential_status_load_async (credential, self->status_fetcher, self->cancellable,
                                    card_status_loaded_cb, status_request_new (self, GTK_WIDGET (page)));
}
