/* idw-undo-toast.h: a toast that offers Undo, for changes made only when
 * it goes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Called once: @undone TRUE when the person pressed Undo, FALSE when the
 * toast went any other way (its time ran out, it was closed, its window
 * went): then the change is to be made. */
typedef void (*IdwUndoToastFunc) (gboolean undone,
                                  gpointer user_data);

/* Shows "@title [Undo]" at once (never queued behind another toast) on
 * the toast overlay above @widget, and calls @func when it goes. @destroy
 * frees @user_data after that. */
void idw_undo_toast_show (GtkWidget        *widget,
                          const char       *title,
                          IdwUndoToastFunc  func,
                          gpointer          user_data,
                          GDestroyNotify    destroy);

G_END_DECLS
