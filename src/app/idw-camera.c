/* idw-camera.c: camera capture and QR scanning
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The object the Verify view and Preferences use: its state, starting and
 * stopping, access through the Camera portal in a sandbox, and the choice
 * of camera (the "camera" key). What GStreamer does with the camera, and
 * the search for QR codes in its frames, is in idw-camera-pipeline.c.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "idw-camera-private.h"

G_DEFINE_ENUM_TYPE (IdwCameraState, idw_camera_state,
  G_DEFINE_ENUM_VALUE (IDW_CAMERA_STATE_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (IDW_CAMERA_STATE_STARTING, "starting"),
  G_DEFINE_ENUM_VALUE (IDW_CAMERA_STATE_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (IDW_CAMERA_STATE_NO_CAMERA, "no-camera"),
  G_DEFINE_ENUM_VALUE (IDW_CAMERA_STATE_DENIED, "denied"),
  G_DEFINE_ENUM_VALUE (IDW_CAMERA_STATE_FAILED, "failed"))

enum {
  PROP_0,
  PROP_STATE,
  PROP_PAINTABLE,
  PROP_SCANNING,
  PROP_PROGRESS,
  PROP_N_DEVICES,
  N_PROPS
};

enum {
  CODE_DETECTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (IdwCamera, idw_camera, G_TYPE_OBJECT)

IdwCamera *
idw_camera_new (void)
{
  return g_object_new (IDW_TYPE_CAMERA, NULL);
}

static void
idw_camera_set_state (IdwCamera      *self,
                       IdwCameraState  state,
                       const char     *error_message)
{
  if (g_strcmp0 (self->error_message, error_message) != 0)
    {
      g_free (self->error_message);
      self->error_message = g_strdup (error_message);
    }

  if (self->state == state)
    return;

  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
idw_camera_set_frame (IdwCamera  *self,
                       GdkTexture *texture)
{
  g_clear_object (&self->texture);
  self->texture = texture;

  if (self->state == IDW_CAMERA_STATE_STARTING)
    idw_camera_set_state (self, IDW_CAMERA_STATE_RUNNING, NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAINTABLE]);
}

static void
idw_camera_set_progress (IdwCamera *self,
                         double     progress)
{
  if (self->progress == progress)
    return;

  self->progress = progress;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

static void
idw_camera_found_code (IdwCamera *self,
                        IdwInput  *input)
{
  self->scanning = FALSE;
  g_atomic_int_set (&self->scan_enabled, FALSE);
  _idw_camera_pipeline_reset_collector (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCANNING]);
  g_signal_emit (self, signals[CODE_DETECTED], 0, input);
}

static void
idw_camera_set_devices (IdwCamera *self,
                         GPtrArray *devices,
                         char      *current_device)
{
  g_clear_pointer (&self->devices, g_ptr_array_unref);
  self->devices = devices;
  g_free (self->current_device);
  self->current_device = current_device;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DEVICES]);
}

/* ---- Starting ---------------------------------------------------------- */

static void
portal_access_done (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(IdwCamera) self = user_data;
  g_autoptr(GError) error = NULL;
  int fd;

  if (!xdp_portal_access_camera_finish (XDP_PORTAL (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->disposed ||
          self->state != IDW_CAMERA_STATE_STARTING)
        return;
      g_debug ("Camera access refused: %s", error->message);
      idw_camera_set_state (self, IDW_CAMERA_STATE_DENIED, NULL);
      return;
    }

  if (self->disposed || self->state != IDW_CAMERA_STATE_STARTING)
    return;

  fd = xdp_portal_open_pipewire_remote_for_camera (XDP_PORTAL (object));
  if (fd < 0)
    {
      idw_camera_set_state (self, IDW_CAMERA_STATE_FAILED, _("The camera could not be opened."));
      return;
    }

  _idw_camera_pipeline_start (self, IDW_CAMERA_SOURCE_PIPEWIRE_FD, NULL, fd);
}

static void
portal_presence_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  g_task_return_boolean (task, xdp_portal_is_camera_present (XDP_PORTAL (task_data)));
}

static void
portal_presence_done (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  IdwCamera *self = IDW_CAMERA (object);
  GtkWindow *parent = user_data;
  XdpParent *xdp_parent = NULL;

  if (g_cancellable_is_cancelled (self->cancellable) || self->disposed)
    {
      g_clear_object (&parent);
      return;
    }

  if (!g_task_propagate_boolean (G_TASK (result), NULL))
    {
      idw_camera_set_state (self, IDW_CAMERA_STATE_NO_CAMERA, NULL);
      g_clear_object (&parent);
      return;
    }

  if (parent != NULL)
    xdp_parent = xdp_parent_new_gtk (parent);
  xdp_portal_access_camera (self->portal, xdp_parent, XDP_CAMERA_FLAG_NONE,
                            self->cancellable, portal_access_done, g_object_ref (self));
  g_clear_pointer (&xdp_parent, xdp_parent_free);
  g_clear_object (&parent);
}

static gboolean
use_portal (void)
{
  const char *force = g_getenv ("IDW_CAMERA_PORTAL");

  if (force != NULL && *force != '\0')
    return g_str_equal (force, "1");

  return xdp_portal_running_under_flatpak ();
}

gboolean
idw_camera_can_choose_device (void)
{
  const char *description = g_getenv ("IDW_CAMERA_PIPELINE");

  return (description == NULL || *description == '\0') && !use_portal ();
}

void
idw_camera_start (IdwCamera *self,
                  GtkWindow *parent)
{
  const char *description;

  g_return_if_fail (IDW_IS_CAMERA (self));
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));

  if (self->state == IDW_CAMERA_STATE_STARTING || self->state == IDW_CAMERA_STATE_RUNNING)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_atomic_int_inc (&self->generation);
  _idw_camera_pipeline_reset_collector (self);
  idw_camera_set_state (self, IDW_CAMERA_STATE_STARTING, NULL);

  description = g_getenv ("IDW_CAMERA_PIPELINE");
  if (description != NULL && *description != '\0')
    {
      _idw_camera_pipeline_start (self, IDW_CAMERA_SOURCE_DESCRIPTION, description, -1);
    }
  else if (use_portal ())
    {
      g_autoptr(GTask) task = NULL;

      if (self->portal == NULL)
        self->portal = xdp_portal_new ();
      task = g_task_new (self, self->cancellable, portal_presence_done,
                         parent != NULL ? g_object_ref (parent) : NULL);
      g_task_set_task_data (task, g_object_ref (self->portal), g_object_unref);
      g_task_run_in_thread (task, portal_presence_thread);
    }
  else
    {
      _idw_camera_pipeline_start (self, IDW_CAMERA_SOURCE_DEVICE, NULL, -1);
    }
}

void
idw_camera_stop (IdwCamera *self)
{
  g_return_if_fail (IDW_IS_CAMERA (self));

  g_cancellable_cancel (self->cancellable);
  g_atomic_int_inc (&self->generation);

  _idw_camera_pipeline_stop (self);
  _idw_camera_pipeline_reset_collector (self);

  if (self->texture != NULL)
    {
      g_clear_object (&self->texture);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAINTABLE]);
    }

  idw_camera_set_state (self, IDW_CAMERA_STATE_IDLE, NULL);
}

IdwCameraState
idw_camera_get_state (IdwCamera *self)
{
  g_return_val_if_fail (IDW_IS_CAMERA (self), IDW_CAMERA_STATE_IDLE);

  return self->state;
}

const char *
idw_camera_get_error_message (IdwCamera *self)
{
  g_return_val_if_fail (IDW_IS_CAMERA (self), NULL);

  return self->error_message;
}

GdkPaintable *
idw_camera_get_paintable (IdwCamera *self)
{
  g_return_val_if_fail (IDW_IS_CAMERA (self), NULL);

  return GDK_PAINTABLE (self->texture);
}

void
idw_camera_set_scanning (IdwCamera *self,
                         gboolean   scanning)
{
  g_return_if_fail (IDW_IS_CAMERA (self));

  scanning = !!scanning;
  if (self->scanning == scanning)
    return;

  self->scanning = scanning;
  g_atomic_int_set (&self->scan_enabled, scanning);
  /* Scanning again starts an animated code from nothing. */
  if (scanning)
    _idw_camera_pipeline_reset_collector (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCANNING]);
}

gboolean
idw_camera_get_scanning (IdwCamera *self)
{
  g_return_val_if_fail (IDW_IS_CAMERA (self), FALSE);

  return self->scanning;
}

/**
 * idw_camera_get_progress:
 *
 * Returns: how much of an animated code has been received while scanning,
 *   from 0.0 (none is being received) to below 1.0 (a complete one is
 *   found as a code, and the progress goes back to 0.0)
 */
double
idw_camera_get_progress (IdwCamera *self)
{
  g_return_val_if_fail (IDW_IS_CAMERA (self), 0.0);

  return self->progress;
}

guint
idw_camera_get_n_devices (IdwCamera *self)
{
  g_return_val_if_fail (IDW_IS_CAMERA (self), 0);

  return self->devices != NULL ? self->devices->len : 0;
}

const char *
idw_camera_get_device_id (IdwCamera *self,
                          guint      index)
{
  g_return_val_if_fail (IDW_IS_CAMERA (self), NULL);
  g_return_val_if_fail (index < idw_camera_get_n_devices (self), NULL);

  return ((IdwCameraDevice *) self->devices->pdata[index])->id;
}

const char *
idw_camera_get_device_name (IdwCamera *self,
                            guint      index)
{
  g_return_val_if_fail (IDW_IS_CAMERA (self), NULL);
  g_return_val_if_fail (index < idw_camera_get_n_devices (self), NULL);

  return ((IdwCameraDevice *) self->devices->pdata[index])->name;
}

const char *
idw_camera_get_current_device (IdwCamera *self)
{
  g_return_val_if_fail (IDW_IS_CAMERA (self), NULL);

  return self->current_device;
}

void
idw_camera_select_device (IdwCamera  *self,
                          const char *id)
{
  g_return_if_fail (IDW_IS_CAMERA (self));
  g_return_if_fail (id != NULL);

  /* on_camera_setting_changed() restarts with it. */
  g_settings_set_string (self->settings, "camera", id);
}

/* The "camera" key changed, here or in Preferences: a camera in use that
 * is not the one wanted now restarts. "" is the first one found. */
static void
on_camera_setting_changed (GSettings  *settings,
                           const char *key,
                           IdwCamera  *self)
{
  g_autofree char *wanted = g_settings_get_string (settings, "camera");

  if (self->state != IDW_CAMERA_STATE_STARTING && self->state != IDW_CAMERA_STATE_RUNNING)
    return;
  if (!idw_camera_can_choose_device ())
    return;

  if (self->state == IDW_CAMERA_STATE_RUNNING && self->current_device != NULL)
    {
      const char *first = idw_camera_get_n_devices (self) > 0 ? idw_camera_get_device_id (self, 0) : NULL;

      if (g_strcmp0 (self->current_device, *wanted != '\0' ? wanted : first) == 0)
        return;
    }

  idw_camera_stop (self);
  idw_camera_start (self, NULL);
}

static void
idw_camera_dispose (GObject *object)
{
  IdwCamera *self = IDW_CAMERA (object);

  if (!self->disposed)
    {
      self->disposed = TRUE;
      idw_camera_stop (self);
    }

  _idw_camera_pipeline_dispose (self);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->portal);
  g_clear_object (&self->settings);
  g_clear_object (&self->texture);

  G_OBJECT_CLASS (idw_camera_parent_class)->dispose (object);
}

static void
idw_camera_finalize (GObject *object)
{
  IdwCamera *self = IDW_CAMERA (object);

  g_clear_pointer (&self->devices, g_ptr_array_unref);
  g_free (self->current_device);
  g_free (self->error_message);
  g_clear_pointer (&self->pending_frame, _idw_camera_frame_free);
  g_mutex_clear (&self->frame_lock);

  G_OBJECT_CLASS (idw_camera_parent_class)->finalize (object);
}

static void
idw_camera_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  IdwCamera *self = IDW_CAMERA (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_PAINTABLE:
      g_value_set_object (value, self->texture);
      break;
    case PROP_SCANNING:
      g_value_set_boolean (value, self->scanning);
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, self->progress);
      break;
    case PROP_N_DEVICES:
      g_value_set_uint (value, idw_camera_get_n_devices (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
idw_camera_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  IdwCamera *self = IDW_CAMERA (object);

  switch (prop_id)
    {
    case PROP_SCANNING:
      idw_camera_set_scanning (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
idw_camera_class_init (IdwCameraClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = idw_camera_dispose;
  object_class->finalize = idw_camera_finalize;
  object_class->get_property = idw_camera_get_property;
  object_class->set_property = idw_camera_set_property;

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       IDW_TYPE_CAMERA_STATE, IDW_CAMERA_STATE_IDLE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAINTABLE] =
    g_param_spec_object ("paintable", NULL, NULL,
                         GDK_TYPE_PAINTABLE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SCANNING] =
    g_param_spec_boolean ("scanning", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL,
                         0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_DEVICES] =
    g_param_spec_uint ("n-devices", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * IdwCamera::code-detected:
   * @input: the QR code, recognised by the engine (#IdwInput)
   *
   * A QR code was found while scanning; scanning is off now.
   */
  signals[CODE_DETECTED] = g_signal_new ("code-detected",
                                         G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, IDW_TYPE_INPUT);
}

/* What the pipeline reports: the pipeline's file calls nothing of this one. */
static const IdwCameraEvents camera_events = {
  .set_state = idw_camera_set_state,
  .set_frame = idw_camera_set_frame,
  .found_code = idw_camera_found_code,
  .set_progress = idw_camera_set_progress,
  .set_devices = idw_camera_set_devices,
  .stop = idw_camera_stop,
};

static void
idw_camera_init (IdwCamera *self)
{
  g_mutex_init (&self->frame_lock);
  self->settings = g_settings_new (APP_ID);
  self->cancellable = g_cancellable_new ();
  g_signal_connect_object (self->settings, "changed::camera",
                           G_CALLBACK (on_camera_setting_changed), self, 0);
  _idw_camera_pipeline_init (self, &camera_events);
}
