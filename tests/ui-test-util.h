/* ui-test-util.h: helpers the UI tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "idw-application.h"
#include "test-util.h"

/* The first widget at or below @root that @match accepts, depth first. */
static inline GtkWidget *
find_widget (GtkWidget *root,
             gboolean (*match) (GtkWidget *, gconstpointer),
             gconstpointer data)
{
  if (match (root, data))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, data);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static inline gboolean
is_type (GtkWidget     *widget,
         gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

/* The first widget of @type at or below @root, depth first. */
static inline GtkWidget *
find_widget_of_type (GtkWidget *root,
                     GType      type)
{
  return find_widget (root, is_type, GSIZE_TO_POINTER (type));
}

/* Runs the main loop until @condition (@data) holds: %FALSE when it did
 * not within @timeout_ms milliseconds. */
static inline gboolean
ui_poll_until (gboolean  (*condition) (gpointer),
               gpointer    data,
               guint       timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  return TRUE;
}

/* The app, registered (not unique, so that tests can run side by side)
 * but not run: a test drives its windows with the main loop itself. */
static inline IdwApplication *
ui_test_app_new (void)
{
  g_autoptr(GError) error = NULL;
  IdwApplication *app = idw_application_new ();

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  return app;
}
