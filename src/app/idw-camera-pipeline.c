/* idw-camera-pipeline.c: the camera's GStreamer side
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
 *
 * A presentation too large for one code comes as an animated stream of
 * "IDWF1:" frames (idw-animation.h). The worker gives each frame it reads
 * to its IdwFrameCollector, which keeps the frames of different payloads
 * apart and refuses damaged ones; once enough have come, the rebuilt
 * "IDW1:" text is found like any single code. Until then the main thread
 * is told how far it is; with no new frame for COLLECT_TIMEOUT_MS it
 * starts again from nothing, so a stream half read does not linger.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include "idw-camera-private.h"

/* What follows every source: RGBA frames, one at a time. */
#define SINK_DESCRIPTION \
  "videoconvert ! video/x-raw,format=RGBA ! appsink name=sink max-buffers=1 drop=true"

/* Frames of an animated code kept without a new one coming. */
#define COLLECT_TIMEOUT_MS 3000

void
_idw_camera_device_free (gpointer data)
{
  IdwCameraDevice *device = data;

  g_free (device->id);
  g_free (device->name);
  g_free (device);
}

void
_idw_camera_frame_free (IdwCameraFrame *frame)
{
  g_bytes_unref (frame->rgba);
  g_free (frame);
}

/* ---- Frames (streaming thread → main thread) --------------------------- */

static gboolean
present_frame_idle (gpointer user_data)
{
  IdwCamera *self = user_data;
  IdwCameraFrame *frame;
  GdkTexture *texture;

  g_mutex_lock (&self->frame_lock);
  frame = g_steal_pointer (&self->pending_frame);
  self->frame_idle_queued = FALSE;
  g_mutex_unlock (&self->frame_lock);

  if (frame == NULL || self->disposed || frame->generation != self->generation ||
      self->pipeline == NULL)
    {
      g_clear_pointer (&frame, _idw_camera_frame_free);
      return G_SOURCE_REMOVE;
    }

  texture = gdk_memory_texture_new (frame->width, frame->height,
                                    GDK_MEMORY_R8G8B8A8,
                                    frame->rgba, frame->stride);
  _idw_camera_frame_free (frame);
  self->events->set_frame (self, texture);

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
    self->events->found_code (self, detection->input);

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

/* ---- Animated codes -------------------------------------------------------- */

static gboolean
collect_timeout_cb (gpointer user_data)
{
  IdwCamera *self = user_data;

  self->progress_timeout = 0;
  _idw_camera_pipeline_reset_collector (self);

  return G_SOURCE_REMOVE;
}

/* Main thread. */
void
_idw_camera_pipeline_reset_collector (IdwCamera *self)
{
  g_atomic_int_inc (&self->collect_epoch);
  g_clear_handle_id (&self->progress_timeout, g_source_remove);
  self->events->set_progress (self, 0.0);
}

typedef struct
{
  IdwCamera *self;
  double     progress;
  guint      generation;
  gint       epoch;
} Progress;

static gboolean
progress_idle (gpointer user_data)
{
  Progress *progress = user_data;
  IdwCamera *self = progress->self;

  /* A reset since (scanning started again, the camera stopped, the wait
   * ran out) wins over what the decoder saw before it. */
  if (!self->disposed && self->scanning && progress->generation == self->generation &&
      progress->epoch == g_atomic_int_get (&self->collect_epoch))
    {
      self->events->set_progress (self, progress->progress);
      g_clear_handle_id (&self->progress_timeout, g_source_remove);
      if (progress->progress > 0.0)
        self->progress_timeout = g_timeout_add (COLLECT_TIMEOUT_MS, collect_timeout_cb, self);
    }

  g_object_unref (progress->self);
  g_free (progress);

  return G_SOURCE_REMOVE;
}

/* The worker thread: @input (taken) is a frame of an animated code. The
 * presentation once it is complete, else NULL. */
static IdwInput *
collect_frame (IdwCamera *self,
               IdwInput  *input,
               guint      generation)
{
  g_autoptr(IdwInput) frame = input;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gint epoch = g_atomic_int_get (&self->collect_epoch);
  IdwFrameResult result;
  Progress *progress;

  if (epoch != self->collector_epoch)
    {
      idw_frame_collector_reset (self->collector);
      self->collector_epoch = epoch;
    }

  result = idw_frame_collector_add (self->collector, idw_input_get_text (frame), &text, &error);
  if (error != NULL)
    {
      /* A misread or foreign frame: the next one will do. */
      g_debug ("Frame ignored: %s", error->message);
      return NULL;
    }
  if (result == IDW_FRAME_REDUNDANT)
    return NULL;

  progress = g_new0 (Progress, 1);
  progress->self = g_object_ref (self);
  progress->progress = result == IDW_FRAME_COMPLETE ? 0.0 : idw_frame_collector_get_progress (self->collector);
  progress->generation = generation;
  progress->epoch = epoch;
  g_idle_add_full (G_PRIORITY_DEFAULT, progress_idle, progress, NULL);

  if (result != IDW_FRAME_COMPLETE)
    return NULL;

  /* The rebuilt text goes on as if one code had been read. */
  return idw_input_new_from_text (text, NULL);
}

/* The worker thread: one frame at a time. */
static void
decode_frame (gpointer data,
              gpointer user_data)
{
  IdwCameraFrame *frame = data;
  IdwCamera *self = user_data;
  IdwInput *input;

  /* One quick scan: the stream brings the next frame soon. */
  input = idw_input_new_from_pixels (g_bytes_get_data (frame->rgba, NULL), frame->width,
                                     frame->height, frame->stride, IDW_PIXEL_FORMAT_RGBA8,
                                     TRUE, NULL);
  if (input != NULL && idw_input_get_kind (input) == IDW_INPUT_FRAME)
    {
      input = collect_frame (self, input, frame->generation);
    }
  else if (input != NULL && idw_input_get_kind (input) != IDW_INPUT_PRESENTATION &&
           g_atomic_int_get (&self->collect_epoch) == self->collector_epoch &&
           idw_frame_collector_get_progress (self->collector) > 0.0)
    {
      /* Another code in view (a stray one) does not interrupt an animated
       * code being received. */
      g_clear_pointer (&input, idw_input_unref);
    }

  if (input != NULL)
    {
      Detection *detection = g_new0 (Detection, 1);

      detection->self = g_object_ref (self);
      detection->input = input;
      detection->generation = frame->generation;
      g_idle_add_full (G_PRIORITY_DEFAULT, code_detected_idle, detection, NULL);
    }

  _idw_camera_frame_free (frame);
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
  IdwCameraFrame *frame;
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

  frame = g_new0 (IdwCameraFrame, 1);
  frame->rgba = g_bytes_new_take (copy, stride * height);
  frame->width = width;
  frame->height = height;
  frame->stride = stride;
  frame->generation = g_atomic_int_get (&self->generation);

  if (g_atomic_int_get (&self->scan_enabled) &&
      g_atomic_int_compare_and_exchange (&self->decoding, FALSE, TRUE))
    {
      IdwCameraFrame *job = g_new0 (IdwCameraFrame, 1);

      *job = *frame;
      g_bytes_ref (job->rgba);
      g_object_ref (self);
      g_thread_pool_push (self->decode_pool, job, NULL);
    }

  /* Only the newest frame waits for the main loop. */
  g_mutex_lock (&self->frame_lock);
  g_clear_pointer (&self->pending_frame, _idw_camera_frame_free);
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

/* ---- Building the pipeline (worker thread) ---------------------------- */

typedef struct
{
  IdwCameraSource  kind;
  char            *description;
  int              fd;
  char            *preferred;
  /* Results */
  GstElement      *pipeline;
  GPtrArray       *devices;
  char            *device_id;
  gboolean         no_camera;
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

  if (data->kind == IDW_CAMERA_SOURCE_DESCRIPTION || data->kind == IDW_CAMERA_SOURCE_PIPEWIRE_FD)
    {
      g_autofree char *description = NULL;

      if (data->kind == IDW_CAMERA_SOURCE_DESCRIPTION)
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

      data->devices = g_ptr_array_new_with_free_func (_idw_camera_device_free);
      for (GList *l = list; l != NULL; l = l->next)
        {
          IdwCameraDevice *device = g_new0 (IdwCameraDevice, 1);

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
      self->events->stop (self);
      self->events->set_state (self, IDW_CAMERA_STATE_FAILED, error->message);
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
      self->events->set_state (self, IDW_CAMERA_STATE_FAILED, error->message);
      return;
    }

  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)) || self->disposed)
    return;

  if (data->devices != NULL)
    self->events->set_devices (self, g_steal_pointer (&data->devices), g_steal_pointer (&data->device_id));

  if (data->no_camera)
    {
      self->events->set_state (self, IDW_CAMERA_STATE_NO_CAMERA, NULL);
      return;
    }

  self->pipeline = g_steal_pointer (&data->pipeline);
  bus = gst_element_get_bus (self->pipeline);
  self->bus_watch = gst_bus_add_watch (bus, on_bus_message, self);
}

/* ---- Starting and stopping -------------------------------------------- */

void
_idw_camera_pipeline_start (IdwCamera       *self,
                            IdwCameraSource  source,
                            const char      *description,
                            int              fd)
{
  g_autoptr(GTask) task = NULL;
  StartData *data = g_new0 (StartData, 1);

  data->kind = source;
  data->description = g_strdup (description);
  data->fd = fd;
  data->preferred = g_settings_get_string (self->settings, "camera");
  if (data->preferred[0] == '\0')
    g_clear_pointer (&data->preferred, g_free);

  task = g_task_new (self, self->cancellable, start_done, NULL);
  g_task_set_source_tag (task, _idw_camera_pipeline_start);
  g_task_set_task_data (task, data, (GDestroyNotify) start_data_free);
  g_task_run_in_thread (task, start_thread);
}

void
_idw_camera_pipeline_stop (IdwCamera *self)
{
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
  g_clear_pointer (&self->pending_frame, _idw_camera_frame_free);
  g_mutex_unlock (&self->frame_lock);
}

/* The QR decoder: one worker thread, one frame at a time. */
void
_idw_camera_pipeline_init (IdwCamera             *self,
                           const IdwCameraEvents *events)
{
  self->events = events;
  self->collector = idw_frame_collector_new ();
  self->decode_pool = g_thread_pool_new (decode_frame, self, 1, FALSE, NULL);
}

void
_idw_camera_pipeline_dispose (IdwCamera *self)
{
  if (self->decode_pool != NULL)
    {
      /* Waits for the frame being decoded, which holds a reference. */
      g_thread_pool_free (g_steal_pointer (&self->decode_pool), TRUE, TRUE);
    }
  /* No worker left to use it. */
  g_clear_pointer (&self->collector, idw_frame_collector_free);
  g_clear_handle_id (&self->progress_timeout, g_source_remove);
}
