/* idw-camera.c: camera capture and QR scanning
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Frames come from GStreamer: the Camera portal's PipeWire remote in a
 * sandbox, a V4L2 device found with GstDeviceMonitor otherwise, or a
 * pipeline description from IDW_CAMERA_PIPELINE (docs/camera.md). They are
 * converted to RGBA and leave through an appsink that keeps one buffer and
 * drops the rest, so a slow main loop never builds a queue. Each frame is
 * copied once: the copy becomes the preview texture and, when the decoder
 * is idle, is also handed to a single worker thread that converts it to
 * grayscale and looks for a QR code. Frames that arrive while the worker
 * is busy are shown but not decoded.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>
#include <libportal-gtk4/portal-gtk4.h>

#include "idwallet.h"
#include "idw-camera.h"

/* What follows every source: RGBA frames, one at a time. */
#define SINK_DESCRIPTION \
  "videoconvert ! video/x-raw,format=RGBA ! appsink name=sink max-buffers=1 drop=true"

G_DEFINE_ENUM_TYPE (IdwCameraState, idw_camera_state,
  G_DEFINE_ENUM_VALUE (IDW_CAMERA_STATE_IDLE, "idle"),
  G_DEFINE_ENUM_VALUE (IDW_CAMERA_STATE_STARTING, "starting"),
  G_DEFINE_ENUM_VALUE (IDW_CAMERA_STATE_RUNNING, "running"),
  G_DEFINE_ENUM_VALUE (IDW_CAMERA_STATE_NO_CAMERA, "no-camera"),
  G_DEFINE_ENUM_VALUE (IDW_CAMERA_STATE_DENIED, "denied"),
  G_DEFINE_ENUM_VALUE (IDW_CAMERA_STATE_FAILED, "failed"))

typedef struct
{
  char *id;
  char *name;
} CameraDevice;

static void
camera_device_free (gpointer data)
{
  CameraDevice *device = data;

  g_free (device->id);
  g_free (device->name);
  g_free (device);
}

/* One frame, shared read-only by the preview and the decoder. */
typedef struct
{
  GBytes *rgba;
  int     width;
  int     height;
  gsize   stride;
  guint   generation;
} Frame;

static void
frame_free (Frame *frame)
{
  g_bytes_unref (frame->rgba);
  g_free (frame);
}

struct _IdwCamera
{
  GObject         parent_instance;

  IdwCameraState  state;
  char           *error_message;
  GdkTexture     *texture;

  GstElement     *pipeline;
  guint           bus_watch;
  GCancellable   *cancellable;
  GSettings      *settings;
  XdpPortal      *portal;

  GPtrArray      *devices;  /* CameraDevice */
  char           *current_device;

  gboolean        disposed;
  gboolean        scanning;
  /* Read by the streaming thread. */
  gint            scan_enabled;
  gint            decoding;
  guint           generation;
  GThreadPool    *decode_pool;

  GMutex          frame_lock;
  Frame          *pending_frame;
  gboolean        frame_idle_queued;
};

enum {
  PROP_0,
  PROP_STATE,
  PROP_PAINTABLE,
  PROP_SCANNING,
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
set_state (IdwCamera      *self,
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

/* ---- Frames (streaming thread → main thread) --------------------------- */

static gboolean
present_frame_idle (gpointer user_data)
{
  IdwCamera *self = user_data;
  Frame *frame;

  g_mutex_lock (&self->frame_lock);
  frame = g_steal_pointer (&self->pending_frame);
  self->frame_idle_queued = FALSE;
  g_mutex_unlock (&self->frame_lock);

  if (frame == NULL || self->disposed || frame->generation != self->generation ||
      self->pipeline == NULL)
    {
      g_clear_pointer (&frame, frame_free);
      return G_SOURCE_REMOVE;
    }

  g_clear_object (&self->texture);
  self->texture = gdk_memory_texture_new (frame->width, frame->height,
                                          GDK_MEMORY_R8G8B8A8,
                                          frame->rgba, frame->stride);
  frame_free (frame);

  if (self->state == IDW_CAMERA_STATE_STARTING)
    set_state (self, IDW_CAMERA_STATE_RUNNING, NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAINTABLE]);

  return G_SOURCE_REMOVE;
}

typedef struct
{
  IdwCamera *self;
  IdwInput  *input;
  guint      generation;
} Detection;

static gboolean
code_detected_idle (gpointer user_data)
{
  Detection *detection = user_data;
  IdwCamera *self = detection->self;

  if (!self->disposed && self->scanning && detection->generation == self->generation)
    {
      self->scanning = FALSE;
      g_atomic_int_set (&self->scan_enabled, FALSE);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCANNING]);
      g_signal_emit (self, signals[CODE_DETECTED], 0, detection->input);
    }

  g_object_unref (detection->self);
  idw_input_unref (detection->input);
  g_free (detection);

  return G_SOURCE_REMOVE;
}

static gboolean
release_idle (gpointer user_data)
{
  return G_SOURCE_REMOVE;
}

/* The worker thread: one frame at a time. */
static void
decode_frame (gpointer data,
              gpointer user_data)
{
  Frame *frame = data;
  IdwCamera *self = user_data;
  IdwInput *input;

  /* One quick scan: the stream brings the next frame soon. */
  input = idw_input_new_from_pixels (g_bytes_get_data (frame->rgba, NULL), frame->width,
                                     frame->height, frame->stride, IDW_PIXEL_FORMAT_RGBA8,
                                     TRUE, NULL);
  if (input != NULL)
    {
      Detection *detection = g_new0 (Detection, 1);

      detection->self = g_object_ref (self);
      detection->input = input;
      detection->generation = frame->generation;
      g_idle_add_full (G_PRIORITY_DEFAULT, code_detected_idle, detection, NULL);
    }

  frame_free (frame);
  g_atomic_int_set (&self->decoding, FALSE);

  /* The last reference must not go here: disposing frees this pool. */
  g_idle_add_full (G_PRIORITY_DEFAULT, release_idle, self, g_object_unref);
}

static GstFlowReturn
on_new_sample (GstAppSink *sink,
               gpointer    user_data)
{
  IdwCamera *self = user_data;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (sink);
  GstVideoInfo info;
  GstVideoFrame video_frame;
  GstCaps *caps;
  GstBuffer *buffer;
  Frame *frame;
  guint8 *copy;
  gsize stride;
  int width, height;

  if (sample == NULL)
    return GST_FLOW_EOS;

  caps = gst_sample_get_caps (sample);
  buffer = gst_sample_get_buffer (sample);
  if (caps == NULL || buffer == NULL || !gst_video_info_from_caps (&info, caps))
    return GST_FLOW_OK;
  if (!gst_video_frame_map (&video_frame, &info, buffer, GST_MAP_READ))
    return GST_FLOW_OK;

  width = GST_VIDEO_FRAME_WIDTH (&video_frame);
  height = GST_VIDEO_FRAME_HEIGHT (&video_frame);
  stride = (gsize) GST_VIDEO_FRAME_PLANE_STRIDE (&video_frame, 0);
  copy = g_memdup2 (GST_VIDEO_FRAME_PLANE_DATA (&video_frame, 0), stride * height);
  gst_video_frame_unmap (&video_frame);

  frame = g_new0 (Frame, 1);
  frame->rgba = g_bytes_new_take (copy, stride * height);
  frame->width = width;
  frame->height = height;
  frame->stride = stride;
  frame->generation = g_atomic_int_get (&self->generation);

  if (g_atomic_int_get (&self->scan_enabled) &&
      g_atomic_int_compare_and_exchange (&self->decoding, FALSE, TRUE))
    {
      Frame *job = g_new0 (Frame, 1);

      *job = *frame;
      g_bytes_ref (job->rgba);
      g_object_ref (self);
      g_thread_pool_push (self->decode_pool, job, NULL);
    }

  /* Only the newest frame waits for the main loop. */
  g_mutex_lock (&self->frame_lock);
  g_clear_pointer (&self->pending_frame, frame_free);
  self->pending_frame = frame;
  if (!self->frame_idle_queued)
    {
      self->frame_idle_queued = TRUE;
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, present_frame_idle,
                       g_object_ref (self), g_object_unref);
    }
  g_mutex_unlock (&self->frame_lock);

  return GST_FLOW_OK;
}

/* ---- Starting ---------------------------------------------------------- */

typedef enum
{
  SOURCE_DESCRIPTION,
  SOURCE_PIPEWIRE_FD,
  SOURCE_DEVICE,
} SourceKind;

typedef struct
{
  SourceKind  kind;
  char       *description;
  int         fd;
  char       *preferred;
  /* Results */
  GstElement *pipeline;
  GPtrArray  *devices;
  char       *device_id;
  gboolean    no_camera;
} StartData;

static void
start_data_free (StartData *data)
{
  g_free (data->description);
  g_free (data->preferred);
  if (data->pipeline != NULL)
    {
      gst_element_set_state (data->pipeline, GST_STATE_NULL);
      gst_object_unref (data->pipeline);
    }
  g_clear_pointer (&data->devices, g_ptr_array_unref);
  g_free (data->device_id);
  g_free (data);
}

char *
idw_camera_device_get_id (GstDevice *device)
{
  g_autoptr(GstStructure) props = gst_device_get_properties (device);
  static const char * const keys[] = { "api.v4l2.path", "device.path", "object.path", "node.name" };

  for (guint i = 0; props != NULL && i < G_N_ELEMENTS (keys); i++)
    {
      const char *value = gst_structure_get_string (props, keys[i]);

      if (value != NULL && *value != '\0')
        return g_strdup (value);
    }

  return gst_device_get_display_name (device);
}

/* Runs the pipeline up to PLAYING; the error in words when it does not. */
static gboolean
play_pipeline (GstElement  *pipeline,
               GError     **error)
{
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;

  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) != GST_STATE_CHANGE_FAILURE)
    return TRUE;

  bus = gst_element_get_bus (pipeline);
  message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  if (message != NULL)
    gst_message_parse_error (message, error, NULL);
  else
    g_set_error_literal (error, GST_CORE_ERROR, GST_CORE_ERROR_STATE_CHANGE,
                         _("The camera could not be started."));
  gst_element_set_state (pipeline, GST_STATE_NULL);

  return FALSE;
}

static void
start_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  IdwCamera *self = source_object;
  StartData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  g_autoptr(GstElement) sink = NULL;

  if (!gst_init_check (NULL, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (data->kind == SOURCE_DESCRIPTION || data->kind == SOURCE_PIPEWIRE_FD)
    {
      g_autofree char *description = NULL;

      if (data->kind == SOURCE_DESCRIPTION)
        description = g_strdup_printf ("%s ! %s", data->description, SINK_DESCRIPTION);
      else
        description = g_strdup_printf ("pipewiresrc fd=%d ! %s", data->fd, SINK_DESCRIPTION);

      pipeline = gst_parse_launch (description, &error);
      if (pipeline == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      gst_object_ref_sink (pipeline);
    }
  else
    {
      g_autoptr(GstDeviceMonitor) monitor = gst_device_monitor_new ();
      g_autolist(GstDevice) list = NULL;
      g_autoptr(GstDevice) chosen = NULL;
      GstElement *source;
      GstElement *tail;

      gst_device_monitor_add_filter (monitor, "Video/Source", NULL);
      if (gst_device_monitor_start (monitor))
        {
          list = gst_device_monitor_get_devices (monitor);
          gst_device_monitor_stop (monitor);
        }

      data->devices = g_ptr_array_new_with_free_func (camera_device_free);
      for (GList *l = list; l != NULL; l = l->next)
        {
          CameraDevice *device = g_new0 (CameraDevice, 1);

          device->id = idw_camera_device_get_id (l->data);
          device->name = gst_device_get_display_name (l->data);
          g_ptr_array_add (data->devices, device);

          if (chosen == NULL ||
              (data->preferred != NULL && g_str_equal (device->id, data->preferred)))
            {
              g_set_object (&chosen, l->data);
              g_free (data->device_id);
              data->device_id = g_strdup (device->id);
            }
        }

      if (chosen == NULL)
        {
          data->no_camera = TRUE;
          g_task_return_boolean (task, TRUE);
          return;
        }

      source = gst_device_create_element (chosen, "source");
      tail = gst_parse_bin_from_description (SINK_DESCRIPTION, TRUE, &error);
      if (source == NULL || tail == NULL)
        {
          if (source != NULL)
            gst_object_unref (gst_object_ref_sink (source));
          if (error == NULL)
            g_set_error_literal (&error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
                                 _("The camera could not be opened."));
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      gst_element_set_name (tail, "tail");

      pipeline = gst_object_ref_sink (gst_pipeline_new ("camera"));
      gst_bin_add_many (GST_BIN (pipeline), source, tail, NULL);
      if (!gst_element_link (source, tail))
        {
          g_task_return_new_error (task, GST_CORE_ERROR, GST_CORE_ERROR_NEGOTIATION,
                                   _("The camera does not deliver pictures this app can use."));
          return;
        }
    }

  /* Recurses into the "tail" bin of a device pipeline. */
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  if (sink == NULL || !GST_IS_APP_SINK (sink))
    {
      g_task_return_new_error (task, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN,
                               _("The camera could not be opened."));
      return;
    }

  {
    GstAppSinkCallbacks callbacks = { 0 };

    callbacks.new_sample = on_new_sample;

    /* The task holds a reference to the camera until it is done, and the
     * camera stops the pipeline before it goes: the callbacks never
     * outlive it. */
    gst_app_sink_set_callbacks (GST_APP_SINK (sink), &callbacks, self, NULL);
  }

  if (g_task_return_error_if_cancelled (task))
    return;

  if (!play_pipeline (pipeline, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  data->pipeline = g_steal_pointer (&pipeline);
  g_task_return_boolean (task, TRUE);
}

static gboolean
on_bus_message (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  IdwCamera *self = user_data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *debug = NULL;

      gst_message_parse_error (message, &error, &debug);
      g_debug ("Camera error: %s (%s)", error->message, debug != NULL ? debug : "");
      idw_camera_stop (self);
      set_state (self, IDW_CAMERA_STATE_FAILED, error->message);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static void
start_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  IdwCamera *self = IDW_CAMERA (object);
  GTask *task = G_TASK (result);
  StartData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstBus) bus = NULL;

  if (!g_task_propagate_boolean (task, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      g_debug ("Camera failed to start: %s", error->message);
      set_state (self, IDW_CAMERA_STATE_FAILED, error->message);
      return;
    }

  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)) || self->disposed)
    return;

  if (data->devices != NULL)
    {
      g_clear_pointer (&self->devices, g_ptr_array_unref);
      self->devices = g_steal_pointer (&data->devices);
      g_free (self->current_device);
      self->current_device = g_steal_pointer (&data->device_id);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_DEVICES]);
    }

  if (data->no_camera)
    {
      set_state (self, IDW_CAMERA_STATE_NO_CAMERA, NULL);
      return;
    }

  self->pipeline = g_steal_pointer (&data->pipeline);
  bus = gst_element_get_bus (self->pipeline);
  self->bus_watch = gst_bus_add_watch (bus, on_bus_message, self);
}

static void
start_pipeline (IdwCamera  *self,
                SourceKind  kind,
                const char *description,
                int         fd)
{
  g_autoptr(GTask) task = NULL;
  StartData *data = g_new0 (StartData, 1);

  data->kind = kind;
  data->description = g_strdup (description);
  data->fd = fd;
  data->preferred = g_settings_get_string (self->settings, "camera");
  if (data->preferred[0] == '\0')
    g_clear_pointer (&data->preferred, g_free);

  task = g_task_new (self, self->cancellable, start_done, NULL);
  g_task_set_source_tag (task, start_pipeline);
  g_task_set_task_data (task, data, (GDestroyNotify) start_data_free);
  g_task_run_in_thread (task, start_thread);
}

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
      set_state (self, IDW_CAMERA_STATE_DENIED, NULL);
      return;
    }

  if (self->disposed || self->state != IDW_CAMERA_STATE_STARTING)
    return;

  fd = xdp_portal_open_pipewire_remote_for_camera (XDP_PORTAL (object));
  if (fd < 0)
    {
      set_state (self, IDW_CAMERA_STATE_FAILED, _("The camera could not be opened."));
      return;
    }

  start_pipeline (self, SOURCE_PIPEWIRE_FD, NULL, fd);
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
      set_state (self, IDW_CAMERA_STATE_NO_CAMERA, NULL);
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
  set_state (self, IDW_CAMERA_STATE_STARTING, NULL);

  description = g_getenv ("IDW_CAMERA_PIPELINE");
  if (description != NULL && *description != '\0')
    {
      start_pipeline (self, SOURCE_DESCRIPTION, description, -1);
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
      start_pipeline (self, SOURCE_DEVICE, NULL, -1);
    }
}

void
idw_camera_stop (IdwCamera *self)
{
  g_return_if_fail (IDW_IS_CAMERA (self));

  g_cancellable_cancel (self->cancellable);
  g_atomic_int_inc (&self->generation);

  if (self->bus_watch != 0)
    {
      g_source_remove (self->bus_watch);
      self->bus_watch = 0;
    }
  if (self->pipeline != NULL)
    {
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      g_clear_pointer (&self->pipeline, gst_object_unref);
    }

  g_mutex_lock (&self->frame_lock);
  g_clear_pointer (&self->pending_frame, frame_free);
  g_mutex_unlock (&self->frame_lock);

  if (self->texture != NULL)
    {
      g_clear_object (&self->texture);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PAINTABLE]);
    }

  set_state (self, IDW_CAMERA_STATE_IDLE, NULL);
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
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCANNING]);
}

gboolean
idw_camera_get_scanning (IdwCamera *self)
{
  g_return_val_if_fail (IDW_IS_CAMERA (self), FALSE);

  return self->scanning;
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

  return ((CameraDevice *) self->devices->pdata[index])->id;
}

const char *
idw_camera_get_device_name (IdwCamera *self,
                            guint      index)
{
  g_return_val_if_fail (IDW_IS_CAMERA (self), NULL);
  g_return_val_if_fail (index < idw_camera_get_n_devices (self), NULL);

  return ((CameraDevice *) self->devices->pdata[index])->name;
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

  if (self->decode_pool != NULL)
    {
      /* Waits for the frame being decoded, which holds a reference. */
      g_thread_pool_free (g_steal_pointer (&self->decode_pool), TRUE, TRUE);
    }

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
  g_clear_pointer (&self->pending_frame, frame_free);
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

static void
idw_camera_init (IdwCamera *self)
{
  g_mutex_init (&self->frame_lock);
  self->settings = g_settings_new (APP_ID);
  self->cancellable = g_cancellable_new ();
  g_signal_connect_object (self->settings, "changed::camera",
                           G_CALLBACK (on_camera_setting_changed), self, 0);
  self->decode_pool = g_thread_pool_new (decode_frame, self, 1, FALSE, NULL);
}
