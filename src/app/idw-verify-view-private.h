/* idw-verify-view-private.h: what the Verify view's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The view is one class in three files:
 *   idw-verify-view.c        the class, its pages and the focus, the camera
 *   idw-verify-view-job.c    checking what came in, on a worker thread
 *   idw-verify-view-input.c  the ways in: files, the clipboard, drops
 */
#pragma once

#include "idw-camera.h"
#include "idw-verdict-page.h"
#include "idw-verify-view.h"

G_BEGIN_DECLS

/* What the aspect files ask of the class's own file, idw-verify-view.c,
 * which fills this in: the aspects call down (input → job), never back up
 * into the file that calls them, so no two files call each other. */
typedef struct
{
  void        (*show_toast)            (IdwVerifyView *self,
                                        const char    *message);
  /* Shows page @name ("starting", "scan", "no-camera", "verifying",
   * "result", "refused"), taking the focus along when it was in the view. */
  void        (*set_page)              (IdwVerifyView *self,
                                        const char    *name);
  /* Says on a page of its own why what was given is not checked, in
   * place of any verdict, which would look like the answer to it. */
  void        (*refuse)                (IdwVerifyView *self,
                                        const char    *message);
} IdwVerifyViewCore;

struct _IdwVerifyView
{
  AdwBin            parent_instance;

  const IdwVerifyViewCore *core;

  AdwToastOverlay  *toast_overlay;
  GtkStack         *stack;
  GtkOverlay       *preview_frame;
  GtkPicture       *preview;
  GtkDrawingArea   *viewfinder;
  GtkSpinner       *preview_spinner;
  GtkLabel         *scan_hint;
  GtkWidget        *receive_box;
  GtkLabel         *receive_label;
  GtkProgressBar   *receive_bar;
  GtkMenuButton    *camera_button;
  AdwSqueezer      *ways_squeezer;
  GtkWidget        *scan_paste_button;
  GtkWidget        *scan_paste_button_narrow;
  AdwStatusPage    *no_camera_page;
  GtkWidget        *no_camera_paste_button;
  GtkButton        *retry_button;
  AdwStatusPage    *refused_page;
  GtkWidget        *refused_paste_button;
  GtkSpinner       *starting_spinner;
  GtkSpinner       *verifying_spinner;
  IdwVerdictPage   *verdict_page;

  IdwCamera        *camera;
  GSettings        *settings;
  IdwTrustStore    *trust_store;
  IdwRequestStore  *request_store;
  IdwVerifier      *verifier;
  GCancellable     *cancellable;

  gboolean          busy;
  gboolean          take_focus;
  guint             verifying_timeout;
  guint             rescan_timeout;
};

/* idw-verify-view-job.c: each takes what it is given and starts checking
 * it, unless a check is running already. */
void     _idw_verify_view_verify_input          (IdwVerifyView  *self,
                                                 IdwInput       *input);
void     _idw_verify_view_verify_data           (IdwVerifyView  *self,
                                                 GBytes         *data);
void     _idw_verify_view_verify_texture        (IdwVerifyView  *self,
                                                 GdkTexture     *texture);

/* idw-verify-view-input.c */
void     _idw_verify_view_class_init_input      (GtkWidgetClass *widget_class);
void     _idw_verify_view_init_input            (IdwVerifyView  *self);

G_END_DECLS
