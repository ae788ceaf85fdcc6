/* test-ui-shell.c: the application starts, shows both views and quits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>

#include "idw-application.h"
#include "idw-verify-view.h"
#include "idw-wallet-view.h"
#include "idw-window.h"
#include "ui-test-util.h"

typedef struct
{
  IdwApplication *app;
  gboolean        checked;
} ShellFixture;

static gboolean
is_status_page_titled (GtkWidget     *widget,
                       gconstpointer  title)
{
  return ADW_IS_STATUS_PAGE (widget) &&
         g_strcmp0 (adw_status_page_get_title (ADW_STATUS_PAGE (widget)), title) == 0;
}

static GtkWidget *
find_status_page (GtkWidget  *root,
                  const char *title)
{
  return find_widget (root, is_status_page_titled, title);
}

static void
iterate_until_mapped (GtkWidget *widget)
{
  for (guint i = 0; i < 500 && !gtk_widget_get_mapped (widget); i++)
    g_main_context_iteration (NULL, TRUE);
}

/* The wallet opens its store off the main thread, and a cold session bus
 * (the portal, the keyring) can make that slow: wait until it has either
 * listed the store or shown why it could not, for at most a minute. */
typedef struct
{
  IdwWalletView *view;
  GtkStack      *stack;
} WalletWait;

static gboolean
wallet_settled (gpointer data)
{
  WalletWait *wait = data;

  return idw_wallet_view_get_store (wait->view) != NULL ||
         g_strcmp0 (gtk_stack_get_visible_child_name (wait->stack), "error") == 0;
}

static void
wait_for_wallet (GtkWidget *window,
                 GtkWidget *empty_page)
{
  WalletWait wait = {
    .view = IDW_WALLET_VIEW (find_widget_of_type (window, IDW_TYPE_WALLET_VIEW)),
    .stack = GTK_STACK (gtk_widget_get_ancestor (empty_page, GTK_TYPE_STACK)),
  };
  GtkStack *stack = wait.stack;
  g_autofree char *shown = NULL;

  ui_wait_until (wallet_settled, &wait, 60 * 1000, "the wallet has opened its store or said why not");

  /* Named with the reason the wallet gives when it could not open. */
  shown = g_strdup (gtk_stack_get_visible_child_name (stack));
  if (g_strcmp0 (shown, "error") == 0)
    {
      GtkWidget *error_page = find_status_page (window, "Cannot Open the Wallet");

      g_free (shown);
      shown = g_strdup_printf ("error: %s", adw_status_page_get_description (ADW_STATUS_PAGE (error_page)));
    }
  g_assert_cmpstr (shown, ==, "empty");
}

static gboolean
verify_view_settled (gpointer view)
{
  return !g_str_equal (idw_verify_view_get_state (view), "starting");
}

/* The verifier starts on "starting" and looks for cameras off the main
 * thread (GStreamer's device monitor), which takes seconds on a machine
 * that has never run it: wait until it has decided, for at most a minute,
 * then it must say there is none. */
static void
wait_for_no_camera (IdwVerifyView *view)
{
  ui_wait_until (verify_view_settled, view, 60 * 1000, "the verifier has looked for cameras");
  g_assert_cmpstr (idw_verify_view_get_state (view), ==, "no-camera");
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
  wait_for_wallet (GTK_WIDGET (window), page);
  iterate_until_mapped (page);
  g_assert_true (gtk_widget_get_mapped (page));
  g_assert_nonnull (adw_status_page_get_child (ADW_STATUS_PAGE (page)));

  /* Alt+2's action switches to the verifier; without a camera (as here)
   * its empty state offers the other ways. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-view", "s", "verify"));
  g_assert_cmpstr (idw_window_get_view (IDW_WINDOW (window)), ==, "verify");
  page = find_status_page (GTK_WIDGET (window), "No Camera Found");
  g_assert_nonnull (page);
  wait_for_no_camera (IDW_VERIFY_VIEW (find_widget_of_type (GTK_WIDGET (window), IDW_TYPE_VERIFY_VIEW)));
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

static GtkWidget *
find_row (GtkWidget  *root,
          GType       type,
          const char *title)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, type, title);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static const char *
selected_camera (AdwComboRow *row)
{
  GObject *item = adw_combo_row_get_selected_item (row);

  g_assert_true (GTK_IS_STRING_OBJECT (item));
  return gtk_string_object_get_string (GTK_STRING_OBJECT (item));
}

/* The General page lists the cameras under "Verifying": Xvfb has none, so
 * the choice stays "Automatic" and a row says no camera was found. The
 * list is made on a worker thread: the window opens at once. */
static void
check_camera_preference (AdwPreferencesWindow *prefs,
                         GSettings            *settings)
{
  GtkWidget *combo = find_row (GTK_WIDGET (prefs), ADW_TYPE_COMBO_ROW, "_Camera");
  GtkWidget *hint = find_row (GTK_WIDGET (prefs), ADW_TYPE_ACTION_ROW, "Camera");
  gint64 end = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  const char *dir = g_getenv ("IDW_SCREENSHOT_DIR");
  g_autofree char *key = NULL;

  g_assert_nonnull (combo);
  g_assert_nonnull (hint);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (hint)), ==, "No camera found");

  while (!gtk_widget_get_mapped (hint))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  key = g_settings_get_string (settings, "camera");
  g_assert_cmpstr (key, ==, "");
  g_clear_pointer (&key, g_free);
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (ADW_COMBO_ROW (combo))), ==, 1);
  g_assert_cmpstr (selected_camera (ADW_COMBO_ROW (combo)), ==, "Automatic");
  /* Not an empty choice: the row saying so instead. */
  g_assert_false (gtk_widget_get_visible (combo));
  g_assert_true (gtk_widget_get_mapped (hint));

  /* A camera chosen before, not connected now: the first one found is
   * used, as "Automatic" says; the choice is kept. */
  g_settings_set_string (settings, "camera", "/dev/video9");
  g_assert_cmpstr (selected_camera (ADW_COMBO_ROW (combo)), ==, "Automatic");
  key = g_settings_get_string (settings, "camera");
  g_assert_cmpstr (key, ==, "/dev/video9");
  g_settings_reset (settings, "camera");

  if (dir != NULL && *dir != '\0')
    {
      g_autofree char *command = g_strdup_printf ("import -window root %s/shell-preferences.png", dir);

      for (guint i = 0; i < 300; i++)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (1000);
        }
      g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
    }
}

static void
check_about_and_preferences (ShellFixture *fixture)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (fixture->app));
  GListModel *toplevels = gtk_window_get_toplevels ();
  AdwAboutWindow *about = NULL;
  AdwPreferencesWindow *prefs = NULL;
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
        {
          prefs = ADW_PREFERENCES_WINDOW (w);
          have_prefs = TRUE;
        }
    }

  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_application_name (about), ==, "ID Wallet");
  g_assert_cmpstr (adw_about_window_get_version (about), ==, PACKAGE_VERSION);
  g_assert_cmpint (adw_about_window_get_license_type (about), ==, GTK_LICENSE_GPL_3_0);
  g_assert_cmpstr (adw_about_window_get_application_icon (about), ==, APP_ID);
  g_assert_true (have_prefs);
  gtk_window_destroy (GTK_WINDOW (about));
  check_camera_preference (prefs, idw_application_get_settings (fixture->app));

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
  g_autofree char *data_home = NULL;
  int ret;

  /* A wallet of its own, empty, whatever other tests left in the profile's. */
  data_home = test_tmp_dir_new ("idw-ui-shell-XXXXXX");
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  /* Cameras as found on this computer, not through the portal. */
  g_unsetenv ("IDW_CAMERA_PIPELINE");
  g_setenv ("IDW_CAMERA_PORTAL", "0", TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/shell/starts-and-quits", test_shell_starts_and_quits);
  g_test_add_func ("/ui/shell/about-and-preferences", test_about_and_preferences);

  ret = g_test_run ();
  test_tmp_dir_free (g_steal_pointer (&data_home));
  return ret;
}
