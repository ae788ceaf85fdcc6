/* idw-preferences-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <gst/gst.h>

#include "idw-camera.h"
#include "idw-preferences-window.h"
#include "idw-privacy-group.h"
#include "idw-trust-page.h"

struct _IdwPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GtkSpinButton        *refresh_spin;
  GtkSpinButton        *freshness_spin;
  AdwComboRow          *camera_row;
  AdwActionRow         *no_camera_row;

  GSettings            *settings;
  /* "Automatic" first (from the template), then each camera found:
   * names shown, ids stored. */
  GtkStringList        *camera_names;
  GPtrArray            *camera_ids;
  GCancellable         *cancellable;
  GstDeviceMonitor     *monitor;
  guint                 bus_watch;
  gboolean              probed;
  gboolean              updating;
};

G_DEFINE_FINAL_TYPE (IdwPreferencesWindow, idw_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* ---- The camera ------------------------------------------------------------ */

/* Shows the camera the "camera" key names; "Automatic" when it is empty or
 * names a camera not connected now (the first one found is used then). */
static void
sync_camera_selection (IdwPreferencesWindow *self)
{
  g_autofree char *wanted = g_settings_get_string (self->settings, "camera");
  guint selected = 0;

  for (guint i = 1; i < self->camera_ids->len; i++)
    if (g_str_equal (g_ptr_array_index (self->camera_ids, i), wanted))
      selected = i;

  self->updating = TRUE;
  adw_combo_row_set_selected (self->camera_row, selected);
  self->updating = FALSE;
}

static void
update_camera_rows (IdwPreferencesWindow *self)
{
  gboolean found = self->camera_ids->len > 1;

  /* Never an empty choice; nothing while the search has not ended. */
  gtk_widget_set_visible (GTK_WIDGET (self->camera_row), found);
  gtk_widget_set_visible (GTK_WIDGET (self->no_camera_row), !found && self->probed);
  sync_camera_selection (self);
}

static void
add_camera (IdwPreferencesWindow *self,
            GstDevice            *device)
{
  g_autofree char *id = idw_camera_device_get_id (device);
  g_autofree char *name = NULL;

  for (guint i = 1; i < self->camera_ids->len; i++)
    if (g_str_equal (g_ptr_array_index (self->camera_ids, i), id))
      return;

  name = gst_device_get_display_name (device);
  g_ptr_array_add (self->camera_ids, g_steal_pointer (&id));
  self->updating = TRUE;
  gtk_string_list_append (self->camera_names, name);
  self->updating = FALSE;
}

static void
remove_camera (IdwPreferencesWindow *self,
               GstDevice            *device)
{
  g_autofree char *id = idw_camera_device_get_id (device);

  for (guint i = 1; i < self->camera_ids->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (self->camera_ids, i), id))
        {
          g_ptr_array_remove_index (self->camera_ids, i);
          self->updating = TRUE;
          gtk_string_list_remove (self->camera_names, i);
          self->updating = FALSE;
          return;
        }
    }
}

static gboolean
on_monitor_message (GstBus     *bus,
                    GstMessage *message,
                    gpointer    user_data)
{
  IdwPreferencesWindow *self = user_data;
  g_autoptr(GstDevice) device = NULL;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_DEVICE_ADDED:
      gst_message_parse_device_added (message, &device);
      add_camera (self, device);
      update_camera_rows (self);
      break;
    case GST_MESSAGE_DEVICE_REMOVED:
      gst_message_parse_device_removed (message, &device);
      remove_camera (self, device);
      update_camera_rows (self);
      break;
    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

typedef struct
{
  GstDeviceMonitor *monitor;
  gboolean          started;
  GList            *devices;
} MonitorStart;

static void
monitor_start_free (MonitorStart *data)
{
  if (data->started)
    gst_device_monitor_stop (data->monitor);
  g_clear_pointer (&data->monitor, gst_object_unref);
  g_list_free_full (data->devices, gst_object_unref);
  g_free (data);
}

/* A worker thread: device providers may take their time to start. */
static void
monitor_start_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  MonitorStart *data = task_data;
  GError *error = NULL;

  if (!gst_init_check (NULL, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  data->monitor = gst_device_monitor_new ();
  gst_device_monitor_add_filter (data->monitor, "Video/Source", NULL);
  data->started = gst_device_monitor_start (data->monitor);
  if (data->started)
    data->devices = gst_device_monitor_get_devices (data->monitor);

  g_task_return_boolean (task, TRUE);
}

static void
monitor_started (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  IdwPreferencesWindow *self = IDW_PREFERENCES_WINDOW (object);
  MonitorStart *data = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("No camera list: %s", error->message);
    }

  for (GList *l = data->devices; l != NULL; l = l->next)
    add_camera (self, l->data);

  if (data->started)
    {
      g_autoptr(GstBus) bus = gst_device_monitor_get_bus (data->monitor);

      /* Cameras plugged in or out from now on. */
      self->monitor = g_steal_pointer (&data->monitor);
      data->started = FALSE;
      self->bus_watch = gst_bus_add_watch (bus, on_monitor_message, self);
    }

  self->probed = TRUE;
  update_camera_rows (self);
}

static void
on_camera_selected (IdwPreferencesWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->camera_row);

  if (self->updating || selected >= self->camera_ids->len)
    return;

  g_settings_set_string (self->settings, "camera", g_ptr_array_index (self->camera_ids, selected));
}

static void
start_camera_list (IdwPreferencesWindow *self)
{
  g_autoptr(GTask) task = NULL;

  /* The Camera portal (or a test pipeline) chooses the camera. */
  if (!idw_camera_can_choose_device ())
    return;

  g_signal_connect_object (self->settings, "changed::camera",
                           G_CALLBACK (sync_camera_selection), self, G_CONNECT_SWAPPED);
  g_signal_connect_swapped (self->camera_row, "notify::selected",
                            G_CALLBACK (on_camera_selected), self);
  update_camera_rows (self);

  task = g_task_new (self, self->cancellable, monitor_started, NULL);
  g_task_set_source_tag (task, start_camera_list);
  g_task_set_task_data (task, g_new0 (MonitorStart, 1), (GDestroyNotify) monitor_start_free);
  g_task_run_in_thread (task, monitor_start_thread);
}

/* ---- The window ------------------------------------------------------------ */

IdwPreferencesWindow *
idw_preferences_window_new (GSettings *settings)
{
  IdwPreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (IDW_TYPE_PREFERENCES_WINDOW, NULL);
  self->settings = g_object_ref (settings);

  g_settings_bind (self->settings, "refresh-interval",
                   gtk_spin_button_get_adjustment (self->refresh_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "freshness-window",
                   gtk_spin_button_get_adjustment (self->freshness_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  start_camera_list (self);

  return self;
}

static void
idw_preferences_window_dispose (GObject *object)
{
  IdwPreferencesWindow *self = IDW_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_handle_id (&self->bus_watch, g_source_remove);
  if (self->monitor != NULL)
    {
      gst_device_monitor_stop (self->monitor);
      g_clear_pointer (&self->monitor, gst_object_unref);
    }

  gtk_widget_dispose_template (GTK_WIDGET (object), IDW_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (idw_preferences_window_parent_class)->dispose (object);
}

static void
idw_preferences_window_finalize (GObject *object)
{
  IdwPreferencesWindow *self = IDW_PREFERENCES_WINDOW (object);

  g_clear_object (&self->settings);
  g_clear_pointer (&self->camera_ids, g_ptr_array_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (idw_preferences_window_parent_class)->finalize (object);
}

static void
idw_preferences_window_class_init (IdwPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = idw_preferences_window_dispose;
  object_class->finalize = idw_preferences_window_finalize;

  g_type_ensure (IDW_TYPE_TRUST_PAGE);
  g_type_ensure (IDW_TYPE_PRIVACY_GROUP);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/idw-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, IdwPreferencesWindow, refresh_spin);
  gtk_widget_class_bind_template_child (widget_class, IdwPreferencesWindow, freshness_spin);
  gtk_widget_class_bind_template_child (widget_class, IdwPreferencesWindow, camera_row);
  gtk_widget_class_bind_template_child (widget_class, IdwPreferencesWindow, no_camera_row);
  gtk_widget_class_bind_template_child (widget_class, IdwPreferencesWindow, camera_names);
}

static void
idw_preferences_window_init (IdwPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->camera_ids = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->camera_ids, g_strdup (""));
}
