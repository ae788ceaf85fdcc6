/* idw-preferences-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "idw-preferences-window.h"
#include "idw-trust-page.h"

struct _IdwPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GtkSpinButton        *refresh_spin;
  GtkSpinButton        *freshness_spin;
};

G_DEFINE_FINAL_TYPE (IdwPreferencesWindow, idw_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

IdwPreferencesWindow *
idw_preferences_window_new (IdwApplication *application)
{
  IdwPreferencesWindow *self = g_object_new (IDW_TYPE_PREFERENCES_WINDOW, NULL);
  GSettings *settings = idw_application_get_settings (application);

  g_settings_bind (settings, "refresh-interval",
                   gtk_spin_button_get_adjustment (self->refresh_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "freshness-window",
                   gtk_spin_button_get_adjustment (self->freshness_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);

  return self;
}

static void
idw_preferences_window_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), IDW_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (idw_preferences_window_parent_class)->dispose (object);
}

static void
idw_preferences_window_class_init (IdwPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = idw_preferences_window_dispose;

  g_type_ensure (IDW_TYPE_TRUST_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/idw-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, IdwPreferencesWindow, refresh_spin);
  gtk_widget_class_bind_template_child (widget_class, IdwPreferencesWindow, freshness_spin);
}

static void
idw_preferences_window_init (IdwPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
