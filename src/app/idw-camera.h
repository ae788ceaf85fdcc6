/* idw-camera.h: camera capture and QR scanning
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gst/gst.h>
#include <gtk/gtk.h>

G_BEGIN_DECLS

/**
 * IdwCameraState:
 * @IDW_CAMERA_STATE_IDLE: not started, or stopped
 * @IDW_CAMERA_STATE_STARTING: looking for a camera, asking for access, or
 *   waiting for the first frame
 * @IDW_CAMERA_STATE_RUNNING: frames are coming
 * @IDW_CAMERA_STATE_NO_CAMERA: there is no camera
 * @IDW_CAMERA_STATE_DENIED: the user (or the system) refused access
 * @IDW_CAMERA_STATE_FAILED: the camera could not be used (see the error)
 */
typedef enum
{
  IDW_CAMERA_STATE_IDLE,
  IDW_CAMERA_STATE_STARTING,
  IDW_CAMERA_STATE_RUNNING,
  IDW_CAMERA_STATE_NO_CAMERA,
  IDW_CAMERA_STATE_DENIED,
  IDW_CAMERA_STATE_FAILED,
} IdwCameraState;

#define IDW_TYPE_CAMERA_STATE (idw_camera_state_get_type ())
GType idw_camera_state_get_type (void);

#define IDW_TYPE_CAMERA (idw_camera_get_type ())
G_DECLARE_FINAL_TYPE (IdwCamera, idw_camera, IDW, CAMERA, GObject)

IdwCamera      *idw_camera_new                 (void);
/* Starts capturing (asking the Camera portal for access in a sandbox,
 * @parent being the window its dialog belongs to). */
void            idw_camera_start               (IdwCamera  *self,
                                                GtkWindow  *parent);
void            idw_camera_stop                (IdwCamera  *self);
IdwCameraState  idw_camera_get_state           (IdwCamera  *self);
/* Why the camera failed, or NULL. */
const char     *idw_camera_get_error_message   (IdwCamera  *self);
/* The latest frame (transfer none), or NULL. */
GdkPaintable   *idw_camera_get_paintable       (IdwCamera  *self);

/* While scanning, frames are searched for QR codes on a worker thread;
 * the first code found emits ::code-detected and ends scanning until it
 * is turned on again. The frames of an animated code are put together
 * first: ::code-detected brings the whole presentation. */
void            idw_camera_set_scanning        (IdwCamera  *self,
                                                gboolean    scanning);
gboolean        idw_camera_get_scanning        (IdwCamera  *self);
/* While scanning, how much of an animated code (a presentation too large
 * for one QR code, shown as a stream of frames) has come: 0.0 when none. */
double          idw_camera_get_progress        (IdwCamera  *self);

/* The cameras found (not under the portal or a test pipeline). */
guint           idw_camera_get_n_devices       (IdwCamera  *self);
const char     *idw_camera_get_device_id       (IdwCamera  *self,
                                                guint       index);
const char     *idw_camera_get_device_name     (IdwCamera  *self,
                                                guint       index);
/* The camera in use, or NULL. */
const char     *idw_camera_get_current_device  (IdwCamera  *self);
/* Remembers @id as the preferred camera (the "camera" key; "" for the
 * first one found) and restarts with it. Every camera object follows
 * that key. */
void            idw_camera_select_device       (IdwCamera  *self,
                                                const char *id);
/* FALSE when the camera is not chosen here: under the Camera portal (which
 * chooses) or a test pipeline. */
gboolean        idw_camera_can_choose_device   (void);
/* The stable id the "camera" key stores for @device. */
char           *idw_camera_device_get_id       (GstDevice  *device);

G_END_DECLS
