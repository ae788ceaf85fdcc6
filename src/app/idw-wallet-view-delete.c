/* idw-wallet-view-delete.c: deleting an ID, with undo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Delete" hides the ID's row and shows a toast with Undo; the file and
 * the device key go when the toast does (in a worker thread), or at once
 * when the window closes. The app stays alive until they are gone. The
 * toast is idw-undo-toast.c's, which works around libadwaita 1.2's
 * dismissal of a toast still sliding in; the row comes back at once.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "idw-undo-toast.h"
#include "idw-wallet-view-private.h"

typedef struct
{
  IdwWalletView *view;     /* weak */
  IdwStore      *store;
  char          *id;
  GtkWidget     *row;
  gboolean       undone;
  gboolean       done;
} PendingDeletion;

/* Deletions started and not finished yet, in any view. */
static guint deletions_running;

static void
pending_deletion_free (PendingDeletion *pending)
{
  g_clear_weak_pointer (&pending->view);
  g_clear_object (&pending->store);
  g_clear_object (&pending->row);
  g_free (pending->id);
  g_free (pending);
}

typedef struct
{
  IdwStore *store;
  char     *id;
} DeleteData;

static void
delete_data_free (DeleteData *data)
{
  g_clear_object (&data->store);
  g_free (data->id);
  g_free (data);
}

static void
delete_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  DeleteData *data = task_data;
  GError *error = NULL;

  /* The store also removes the device key when no other ID uses it. */
  if (!idw_store_delete_sync (data->store, data->id, NULL, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
delete_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwWalletView) self = g_weak_ref_get (user_data);

  g_weak_ref_clear (user_data);
  g_free (user_data);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (self != NULL)
        self->core->show_message (self, _("Cannot Delete the ID"), error->message);
      else
        g_message ("Deleting an ID failed: %s", error->message);
    }

  if (self != NULL)
    idw_wallet_view_reload (self);

  deletions_running--;
  if (g_application_get_default () != NULL)
    g_application_release (g_application_get_default ());
}

static void
carry_out_deletion (PendingDeletion *pending)
{
  IdwWalletView *self = pending->view;
  DeleteData *data;
  g_autoptr(GTask) task = NULL;
  GWeakRef *weak;

  if (pending->done || pending->undone)
    return;
  pending->done = TRUE;

  data = g_new0 (DeleteData, 1);
  data->store = g_object_ref (pending->store);
  data->id = g_strdup (pending->id);

  /* The app stays alive until the file and the key are gone, even when
   * this was the last window closing. */
  if (g_application_get_default () != NULL)
    g_application_hold (g_application_get_default ());
  deletions_running++;

  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);
  task = g_task_new (NULL, NULL, delete_done_cb, weak);
  g_task_set_task_data (task, data, (GDestroyNotify) delete_data_free);
  g_task_run_in_thread (task, delete_thread);

  if (self != NULL)
    g_hash_table_remove (self->pending, pending->id);
}

/* The toast went: Undo brings the row back, anything else (its time ran
 * out, it was closed, its window went) deletes. */
static void
undo_toast_done_cb (gboolean undone,
                    gpointer user_data)
{
  PendingDeletion *pending = user_data;
  IdwWalletView *self = pending->view;

  if (!undone)
    {
      carry_out_deletion (pending);
      return;
    }
  if (pending->done)
    return;

  pending->undone = TRUE;
  if (self != NULL)
    {
      /* The list was loaded again meanwhile (a change made elsewhere):
       * the row hidden is gone with the old list, and the new one has
       * none for this ID yet. */
      gboolean in_list = gtk_widget_get_parent (pending->row) != NULL;

      g_hash_table_remove (self->pending, pending->id);
      if (in_list)
        {
          gtk_widget_set_visible (pending->row, TRUE);
          _idw_wallet_view_update_list_state (self);
        }
      else
        idw_wallet_view_reload (self);
    }
}

void
_idw_wallet_view_delete_card (IdwWalletView *self,
                              IdwCardPage   *page)
{
  const char *id = idw_card_page_get_id (page);
  PendingDeletion *pending;
  GtkWidget *row = _idw_wallet_view_find_row (self, id);

  if (row == NULL || self->store == NULL || g_hash_table_contains (self->pending, id))
    return;

  pending = g_new0 (PendingDeletion, 1);
  g_set_weak_pointer (&pending->view, self);
  pending->store = g_object_ref (self->store);
  pending->id = g_strdup (id);
  pending->row = g_object_ref (row);
  /* Nothing is deleted until the toast goes without an undo. The toast
   * owns the record; the hash table only finds it. */
  g_hash_table_insert (self->pending, g_strdup (id), pending);

  gtk_widget_set_visible (row, FALSE);
  self->core->go_back_to_list (self);
  _idw_wallet_view_update_list_state (self);

  idw_undo_toast_show (GTK_WIDGET (self), _("ID deleted"), undo_toast_done_cb, pending,
                       (GDestroyNotify) pending_deletion_free);
}

/**
 * idw_wallet_view_flush_deletions:
 *
 * Deletes now what is waiting for an undo toast to expire (the window is
 * closing: the toast will never expire).
 */
void
idw_wallet_view_flush_deletions (IdwWalletView *self)
{
  g_autoptr(GList) pending = NULL;

  g_return_if_fail (IDW_IS_WALLET_VIEW (self));

  /* carry_out_deletion() removes each from the table. */
  pending = g_hash_table_get_values (self->pending);
  for (GList *l = pending; l != NULL; l = l->next)
    carry_out_deletion (l->data);

  /* The app may quit right after the window closes (Ctrl+Q quits whatever
   * holds it): wait, a bounded while, for the deletions to land. */
  if (pending != NULL)
    {
      gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

      while (deletions_running > 0 && g_get_monotonic_time () < end)
        g_main_context_iteration (NULL, TRUE);
    }
}
