/* idw-undo-toast.c: a toast that offers Undo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libadwaita 1.2 frees a toast's record when its hide animation ends but
 * leaves its show animation's "done" handler connected: a toast dismissed
 * while it is still sliding in (for its first 200 ms, or 500 ms when it
 * replaces another) has that animation end on freed memory. As the
 * wallet's deletion toast does (idw-wallet-view-delete.c), this one holds
 * back its dismissal (Undo, its close button, Escape) until it cannot be
 * sliding in any more.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "idw-ui-util.h"
#include "idw-undo-toast.h"

/* libadwaita's longest slide (a toast replacing another), and a margin. */
#define TOAST_SLIDE_IN_USEC (550 * G_TIME_SPAN_MILLISECOND)

typedef struct
{
  GtkWidget        *widget;      /* weak */
  IdwUndoToastFunc  func;
  gpointer          user_data;
  GDestroyNotify    destroy;
  gint64            shown_at;    /* frame time the toast last came in, µs */
  guint             dismiss_tick;
  gboolean          undone;
  gboolean          called;
} UndoToast;

static void
finish (UndoToast *undo)
{
  if (undo->called)
    return;
  undo->called = TRUE;
  undo->func (undo->undone, undo->user_data);
}

static void
undo_toast_free (gpointer  data,
                 GClosure *closure)
{
  UndoToast *undo = data;

  /* However the toast goes, even with its overlay. */
  finish (undo);
  if (undo->destroy != NULL)
    undo->destroy (undo->user_data);
  g_clear_weak_pointer (&undo->widget);
  g_free (undo);
}

static void
undo_clicked_cb (AdwToast  *toast,
                 UndoToast *undo)
{
  undo->undone = TRUE;
  finish (undo);
}

static void
title_mapped_cb (GtkWidget *title,
                 UndoToast *undo)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (title);

  undo->shown_at = clock != NULL ? gdk_frame_clock_get_frame_time (clock) : 0;
}

static gboolean
sliding_in (UndoToast *undo)
{
  GdkFrameClock *clock;

  if (undo->widget == NULL || undo->shown_at == 0 || !gtk_widget_get_mapped (undo->widget))
    return FALSE;

  clock = gtk_widget_get_frame_clock (undo->widget);
  return clock != NULL && gdk_frame_clock_get_frame_time (clock) < undo->shown_at + TOAST_SLIDE_IN_USEC;
}

static gboolean
dismiss_later_cb (GtkWidget     *widget,
                  GdkFrameClock *clock,
                  gpointer       data)
{
  AdwToast *toast = data;
  UndoToast *undo = g_object_get_data (G_OBJECT (toast), "idw-undo-toast");

  if (sliding_in (undo))
    return G_SOURCE_CONTINUE;

  undo->dismiss_tick = 0;
  /* Not adw_toast_dismiss(): the first dismissal let go of the overlay. */
  g_signal_emit_by_name (toast, "dismissed");
  return G_SOURCE_REMOVE;
}

static void
dismissed_cb (AdwToast  *toast,
              UndoToast *undo)
{
  /* Connected before the overlay's own handler: stopping the emission
   * keeps the toast up until the tick dismisses it again. */
  if (sliding_in (undo))
    {
      g_signal_stop_emission_by_name (toast, "dismissed");
      if (undo->dismiss_tick == 0)
        undo->dismiss_tick = gtk_widget_add_tick_callback (undo->widget, dismiss_later_cb,
                                                           g_object_ref (toast), g_object_unref);
      return;
    }
  finish (undo);
}

void
idw_undo_toast_show (GtkWidget        *widget,
                     const char       *title,
                     IdwUndoToastFunc  func,
                     gpointer          user_data,
                     GDestroyNotify    destroy)
{
  UndoToast *undo;
  GtkWidget *label;
  AdwToast *toast;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (func != NULL);

  undo = g_new0 (UndoToast, 1);
  g_set_weak_pointer (&undo->widget, widget);
  undo->func = func;
  undo->user_data = user_data;
  undo->destroy = destroy;

  /* The title is ours so that the toast's slide in can be timed. */
  label = gtk_label_new (title);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_widget_add_css_class (label, "heading");
  g_signal_connect (label, "map", G_CALLBACK (title_mapped_cb), undo);

  toast = g_object_new (ADW_TYPE_TOAST,
                        "custom-title", label,
                        "button-label", _("_Undo"),
                        "priority", ADW_TOAST_PRIORITY_HIGH,
                        NULL);
  g_object_set_data (G_OBJECT (toast), "idw-undo-toast", undo);
  g_signal_connect (toast, "button-clicked", G_CALLBACK (undo_clicked_cb), undo);
  g_signal_connect_data (toast, "dismissed", G_CALLBACK (dismissed_cb), undo, undo_toast_free, 0);

  idw_ui_add_toast (widget, toast);
}
