/* idw-camera-private.h: what the camera's two files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * IdwCamera is one class in two files:
 *   idw-camera.c           the object: its state, starting and stopping,
 *                          the Camera portal, the choice of camera
 *   idw-camera-pipeline.c  GStreamer: the pipeline, its frames, and the
 *                          worker thread that looks for QR codes in them
 */
#pragma once

#include <gst/gst.h>
#include <libportal-gtk4/portal-gtk4.h>

#include "idwallet.h"
#include "idw-camera.h"

G_BEGIN_DECLS

typedef struct
{
  char *id;
  char *name;
} IdwCameraDevice;

void _idw_camera_device_free (gpointer data);

/* One frame, shared read-only by the preview and the decoder. */
typedef struct
{
  GBytes *rgba;
  int     width;
  int     height;
  gsize   stride;
  guint   generation;
} IdwCameraFrame;

void _idw_camera_frame_free (IdwCameraFrame *frame);

/* Where frames come from. */
typedef enum
{
  IDW_CAMERA_SOURCE_DESCRIPTION,  /* IDW_CAMERA_PIPELINE */
  IDW_CAMERA_SOURCE_PIPEWIRE_FD,  /* the Camera portal's PipeWire remote */
  IDW_CAMERA_SOURCE_DEVICE,       /* a camera GstDeviceMonitor finds */
} IdwCameraSource;

/* How the pipeline tells the object what it found. idw-camera.c fills it
 * in, so that idw-camera-pipeline.c calls nothing of idw-camera.c and the
 * two files do not call each other in a circle. */
typedef struct
{
  /* The state, and the message of a failure. */
  void (*set_state)   (IdwCamera      *self,
                       IdwCameraState  state,
                       const char     *error_message);
  /* Shows @texture (taken) as the latest frame. */
  void (*set_frame)   (IdwCamera      *self,
                       GdkTexture     *texture);
  /* Ends scanning and emits ::code-detected. */
  void (*found_code)  (IdwCamera      *self,
                       IdwInput       *input);
  /* How far the frames of an animated code have come, 0.0 to 1.0. */
  void (*set_progress) (IdwCamera     *self,
                        double         progress);
  /* The cameras found (taken) and the one in use (taken). */
  void (*set_devices) (IdwCamera      *self,
                       GPtrArray      *devices,
                       char           *current_device);
  void (*stop)        (IdwCamera      *self);
} IdwCameraEvents;

struct _IdwCamera
{
  GObject         parent_instance;

  const IdwCameraEvents *events;

  IdwCameraState  state;
  char           *error_message;
  GdkTexture     *texture;

  GstElement     *pipeline;
  guint           bus_watch;
  GCancellable   *cancellable;
  GSettings      *settings;
  XdpPortal      *portal;

  GPtrArray      *devices;  /* IdwCameraDevice */
  char           *current_device;

  gboolean        disposed;
  gboolean        scanning;
  /* Read by the streaming thread. */
  gint            scan_enabled;
  gint            decoding;
  guint           generation;
  GThreadPool    *decode_pool;

  /* The frames of an animated code (IDWF1), put together on the decoding
   * thread only. The main thread asks for a fresh start by bumping
   * collect_epoch; the decoding thread resets the collector when the
   * epoch it last saw (collector_epoch, its own) differs. */
  IdwFrameCollector *collector;
  gint            collect_epoch;
  gint            collector_epoch;
  /* Main thread: what the view shows, and when it gives up waiting. */
  double          progress;
  guint           progress_timeout;

  GMutex          frame_lock;
  IdwCameraFrame *pending_frame;
  gboolean        frame_idle_queued;
};

/* idw-camera-pipeline.c */
void _idw_camera_pipeline_init    (IdwCamera             *self,
                                   const IdwCameraEvents *events);
void _idw_camera_pipeline_dispose (IdwCamera       *self);
/* Builds and plays the pipeline on a worker thread; the state says how it
 * went. */
void _idw_camera_pipeline_start   (IdwCamera       *self,
                                   IdwCameraSource  source,
                                   const char      *description,
                                   int              fd);
void _idw_camera_pipeline_stop    (IdwCamera       *self);
/* Forgets the frames of an animated code collected so far. */
void _idw_camera_pipeline_reset_collector (IdwCamera *self);

G_END_DECLS
