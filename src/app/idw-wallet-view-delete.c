/* idw-wallet-view-delete.c: deleting an ID, with undo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * "Delete" hides the ID's row and shows a toast with Undo; the file and
 * the device key go when the toast does (in a worker thread), or at once
 * when the window closes. The app stays alive until they are gone.
 *
 * libadwaita 1.2 frees a toast's record when its hide animation ends but
 * leaves its show animation's "done" handler connected: a toast dismissed
 * while it is still sliding in (for its first 200 ms, or 500 ms when it
 * replaces another) has that animation end on freed memory, from the
 * frame clock. Later libadwaita disconnects the handler. Until then the
 * undo toast holds back its dismissal (Undo, its close button, Escape)
 * until it cannot be sliding in any more; the row comes back at once.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "idw-wallet-view-private.h"

typedef struct
{
  IdwWalletView *view;     /* weak */
  IdwStore      *store;
  char          *id;
  GtkWidget     *row;
  gint64         shown_at;      /* frame time the toast last came in, µs */
  guint          dismiss_tick;
  gboolean       undone;
  gboolean       done;
} PendingDeletion;

/* libadwaita's longest slide (a toast replacing another), and a margin. */
#define TOAST_SLIDE_IN_USEC (550 * G_TIME_SPAN_MILLISECOND)

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

static void
undo_clicked_cb (AdwToast        *toast,
                 PendingDeletion *pending)
{
  IdwWalletView *self = pending->view;

  if (pending->done)
    return;

  pending->undone = TRUE;
  if (self != NULL)
    {
      gtk_widget_set_visible (pending->row, TRUE);
      _idw_wallet_view_update_list_state (self);
      g_hash_table_remove (self->pending, pending->id);
    }
}

static void
toast_title_mapped_cb (GtkWidget       *title,
                       PendingDeletion *pending)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (title);

  /* The toast overlay starts the slide in the same frame as it maps the
   * toast; a postponed toast maps again when it comes back. */
  pending->shown_at = clock != NULL ? gdk_frame_clock_get_frame_time (clock) : 0;
}

static gboolean
toast_sliding_in (PendingDeletion *pending)
{
  GdkFrameClock *clock;

  if (pending->view == NULL || pending->shown_at == 0 || !gtk_widget_get_mapped (GTK_WIDGET (pending->view)))
    return FALSE;

  clock = gtk_widget_get_frame_clock (GTK_WIDGET (pending->view));
  return clock != NULL && gdk_frame_clock_get_frame_time (clock) < pending->shown_at + TOAST_SLIDE_IN_USEC;
}

static gboolean
dismiss_later_cb (GtkWidget     *widget,
                  GdkFrameClock *clock,
                  gpointer       data)
{
  AdwToast *toast = data;
  PendingDeletion *pending = g_object_get_data (G_OBJECT (toast), "idw-pending-deletion");

  if (toast_sliding_in (pending))
    return G_SOURCE_CONTINUE;

  pending->dismiss_tick = 0;
  /* Not adw_toast_dismiss(): the first dismissal let go of the overlay. */
  g_signal_emit_by_name (toast, "dismissed");
  return G_SOURCE_REMOVE;
}

static void
toast_dismissed_cb (AdwToast        *toast,
                    PendingDeletion *pending)
{
  /* Connected before the overlay's own handler, so stopping the emission
   * keeps the toast up; the tick dismisses it again when it is safe. */
  if (toast_sliding_in (pending))
    {
      g_signal_stop_emission_by_name (toast, "dismissed");
      if (pending->dismiss_tick == 0)
        pending->dismiss_tick = gtk_widget_add_tick_callback (GTK_WIDGET (pending->view), dismiss_later_cb,
                                                              g_object_ref (toast), g_object_unref);
      return;
    }

  carry_out_deletion (pending);
}

/* However the toast goes (dismissed, or dropped with its overlay when the
 * window closes), the deletion happens unless it was undone. */
static void
toast_finalized_cb (gpointer  data,
                    GClosure *closure)
{
  PendingDeletion *pending = data;

  carry_out_deletion (pending);
  pending_deletion_free (pending);
}

void
_idw_wallet_view_delete_card (IdwWalletView *self,
                              IdwCardPage   *page)
{
  const char *id = idw_card_page_get_id (page);
  PendingDeletion *pending;
  GtkWidget *row = _idw_wallet_view_find_row (self, id);
  GtkWidget *title;
  AdwToast *toast;

  if (row == NULL || self->store == NULL || g_hash_table_contains (self->pending, id))
    return;

  pending = g_new0 (PendingDeletion, 1);
  g_set_weak_pointer (&pending->view, self);
  pending->store = g_object_ref (self->store);
  pending->id = g_strdup (id);
  pending->row = g_object_ref (row);
  /* The title is ours so that the toast's slide in can be timed. */
  title = gtk_label_new (_("ID deleted"));
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (title), 0.0);
  gtk_widget_add_css_class (title, "heading");
  g_signal_connect (title, "map", G_CALLBACK (toast_title_mapped_cb), pending);
  /* Confirming what the person just did: shown at once, never queued
   * behind an older toast. */
  toast = g_object_new (ADW_TYPE_TOAST,
                        "custom-title", title,
                        "button-label", _("_Undo"),
                        "priority", ADW_TOAST_PRIORITY_HIGH,
                        NULL);
  g_object_set_data (G_OBJECT (toast), "idw-pending-deletion", pending);

  /* Nothing is deleted until the toast goes without an undo. The toast's
   * handler owns the record; the hash table only finds it. */
  g_signal_connect (toast, "button-clicked", G_CALLBACK (undo_clicked_cb), pending);
  g_signal_connect_data (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), pending,
                         toast_finalized_cb, 0);
  g_hash_table_insert (self->pending, g_strdup (id), pending);

  gtk_widget_set_visible (row, FALSE);
  self->core->go_back_to_list (self);
  _idw_wallet_view_update_list_state (self);

  self->core->add_toast (self, toast);
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
