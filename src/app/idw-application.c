/* idw-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "idw-application.h"
#include "idw-ui-util.h"
#include "idw-preferences-window.h"
#include "idw-window.h"

struct _IdwApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (IdwApplication, idw_application, ADW_TYPE_APPLICATION)

IdwApplication *
idw_application_new (void)
{
  return g_object_new (IDW_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_BASE,
                       NULL);
}

/**
 * idw_application_get_settings:
 *
 * Returns: (transfer none): the application's #GSettings
 */
GSettings *
idw_application_get_settings (IdwApplication *self)
{
  g_return_val_if_fail (IDW_IS_APPLICATION (self), NULL);

  return self->settings;
}

static IdwWindow *
idw_application_get_main_window (IdwApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (idw_window_new (self));

  return IDW_WINDOW (window);
}

static void
idw_application_activate (GApplication *app)
{
  IdwWindow *window = idw_application_get_main_window (IDW_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));
}

static void
idw_application_open (GApplication  *app,
                      GFile        **files,
                      int            n_files,
                      const char    *hint)
{
  IdwWindow *window = idw_application_get_main_window (IDW_APPLICATION (app));

  for (int i = 0; i < n_files; i++)
    idw_window_open_file (window, files[i]);

  gtk_window_present (GTK_WINDOW (window));
}

static void
idw_application_startup (GApplication *app)
{
  IdwApplication *self = IDW_APPLICATION (app);

  G_APPLICATION_CLASS (idw_application_parent_class)->startup (app);

  gtk_window_set_default_icon_name (APP_ID);
  idw_ui_install_widget_fixes ();

  self->settings = g_settings_new (APP_ID);

  /* A restore a crash or a kill interrupted is finished or undone before
   * the wallet is read, and settings a restore left waiting for this
   * schema are applied. */
  idw_backup_recover_sync (NULL, NULL);
}

static void
idw_application_finalize (GObject *object)
{
  IdwApplication *self = IDW_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (idw_application_parent_class)->finalize (object);
}

static void
idw_application_class_init (IdwApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = idw_application_finalize;

  app_class->startup = idw_application_startup;
  app_class->activate = idw_application_activate;
  app_class->open = idw_application_open;
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  IdwApplication *self = user_data;
  static const char *developers[] = { "The ID Wallet developers", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  AdwAboutWindow *about;

  about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  adw_about_window_set_application_name (about, _("ID Wallet"));
  adw_about_window_set_application_icon (about, APP_ID);
  adw_about_window_set_version (about, PACKAGE_VERSION);
  adw_about_window_set_developer_name (about, _("The ID Wallet developers"));
  adw_about_window_set_developers (about, developers);
  adw_about_window_set_website (about, PACKAGE_WEBSITE);
  adw_about_window_set_issue_url (about, PACKAGE_WEBSITE "/issues");
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  adw_about_window_set_copyright (about, "© 2026 The ID Wallet developers");
  /* Translators: put your names here, one per line. */
  adw_about_window_set_translator_credits (about, _("translator-credits"));
  adw_about_window_set_comments (about,
                                 _("Keep your digital ID on your computer, show it as a QR code, "
                                   "and check other people’s IDs."));
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  IdwApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  IdwPreferencesWindow *prefs = idw_preferences_window_new (self->settings);

  gtk_window_set_transient_for (GTK_WINDOW (prefs), parent);
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
help_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  IdwApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  gtk_show_uri (parent, "help:" GETTEXT_PACKAGE, GDK_CURRENT_TIME);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  IdwApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Closing each window lets it save its size before the app ends. */
  while (windows != NULL)
    {
      GList *next = windows->next;
      gtk_window_close (GTK_WINDOW (windows->data));
      windows = next;
    }

  g_application_quit (G_APPLICATION (self));
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "preferences", preferences_action },
  { "help", help_action },
  { "quit", quit_action },
};

static void
idw_application_init (IdwApplication *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);

  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit",
                                         (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         (const char *[]) { "<Control>comma", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.help",
                                         (const char *[]) { "F1", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close",
                                         (const char *[]) { "<Control>w", NULL });
}
