/* test-ui-shell.c: the application starts, shows both views and quits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "idw-application.h"
#include "idw-window.h"

typedef struct
{
  IdwApplication *app;
  gboolean        checked;
} ShellFixture;

static GtkWidget *
find_status_page (GtkWidget  *root,
                  const char *title)
{
  if (ADW_IS_STATUS_PAGE (root) &&
      g_strcmp0 (adw_status_page_get_title (ADW_STATUS_PAGE (root)), title) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_status_page (child, title);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
iterate_until_mapped (GtkWidget *widget)
{
  for (guint i = 0; i < 500 && !gtk_widget_get_mapped (widget); i++)
    g_main_context_iteration (NULL, TRUE);
}

static void
check_window (ShellFixture *fixture)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (fixture->app));
  GtkWidget *page;
  GSettings *settings;

  g_assert_true (IDW_IS_WINDOW (window));
  iterate_until_mapped (GTK_WIDGET (window));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (window)));
  g_assert_cmpstr (gtk_window_get_title (window), ==, "ID Wallet");

  /* The wallet is the first view, with its empty state. */
  g_assert_cmpstr (idw_window_get_view (IDW_WINDOW (window)), ==, "wallet");
  page = find_status_page (GTK_WIDGET (window), "No IDs Yet");
  g_assert_nonnull (page);
  g_assert_true (gtk_widget_get_mapped (page));
  g_assert_nonnull (adw_status_page_get_child (ADW_STATUS_PAGE (page)));

  /* Alt+2's action switches to the verifier; without a camera (as here)
   * its empty state offers the other ways. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "verify"));
  g_assert_cmpstr (idw_window_get_view (IDW_WINDOW (window)), ==, "verify");
  page = find_status_page (GTK_WIDGET (window), "No Camera Found");
  g_assert_nonnull (page);
  iterate_until_mapped (page);
  g_assert_true (gtk_widget_get_mapped (page));
  g_assert_null (find_status_page (GTK_WIDGET (window), "Nonexistent"));

  /* The size the user leaves is saved when the window closes. */
  settings = idw_application_get_settings (fixture->app);
  gtk_window_set_default_size (window, 1011, 707);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "quit", NULL);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1011);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 707);

  fixture->checked = TRUE;
}

static void
on_activate (GApplication *app,
             ShellFixture *fixture)
{
  /* Runs after the default handler has created and presented the window. */
  g_idle_add_once ((GSourceOnceFunc) check_window, fixture);
}

static void
test_shell_starts_and_quits (void)
{
  ShellFixture fixture = { 0 };
  int status;

  fixture.app = idw_application_new ();
  g_application_set_flags (G_APPLICATION (fixture.app),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (fixture.app, "activate", G_CALLBACK (on_activate), &fixture);

  status = g_application_run (G_APPLICATION (fixture.app), 0, NULL);

  g_assert_cmpint (status, ==, 0);
  g_assert_true (fixture.checked);
  g_assert_null (gtk_application_get_active_window (GTK_APPLICATION (fixture.app)));
  g_clear_object (&fixture.app);
}

static void
check_about_and_preferences (ShellFixture *fixture)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (fixture->app));
  GListModel *toplevels = gtk_window_get_toplevels ();
  AdwAboutWindow *about = NULL;
  gboolean have_prefs = FALSE;

  iterate_until_mapped (GTK_WIDGET (window));
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "about", NULL);
  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "preferences", NULL);

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);
      if (ADW_IS_ABOUT_WINDOW (w))
        about = ADW_ABOUT_WINDOW (w);
      if (ADW_IS_PREFERENCES_WINDOW (w))
        have_prefs = TRUE;
    }

  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_application_name (about), ==, "ID Wallet");
  g_assert_cmpstr (adw_about_window_get_version (about), ==, PACKAGE_VERSION);
  g_assert_cmpint (adw_about_window_get_license_type (about), ==, GTK_LICENSE_GPL_3_0);
  g_assert_cmpstr (adw_about_window_get_application_icon (about), ==, APP_ID);
  g_assert_true (have_prefs);

  g_action_group_activate_action (G_ACTION_GROUP (fixture->app), "quit", NULL);
  fixture->checked = TRUE;
}

static void
on_activate_about (GApplication *app,
                   ShellFixture *fixture)
{
  g_idle_add_once ((GSourceOnceFunc) check_about_and_preferences, fixture);
}

static void
test_about_and_preferences (void)
{
  ShellFixture fixture = { 0 };

  fixture.app = idw_application_new ();
  g_application_set_flags (G_APPLICATION (fixture.app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (fixture.app, "activate", G_CALLBACK (on_activate_about), &fixture);

  g_assert_cmpint (g_application_run (G_APPLICATION (fixture.app), 0, NULL), ==, 0);
  g_assert_true (fixture.checked);
  g_clear_object (&fixture.app);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/shell/starts-and-quits", test_shell_starts_and_quits);
  g_test_add_func ("/ui/shell/about-and-preferences", test_about_and_preferences);

  return g_test_run ();
}
