/* idw-verify-view.c: the Verify page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every way in (camera, paste, image, drop, a remote reply) ends in one
 * worker-thread job that gives what came in to the engine's pipeline
 * (IdwInput, then IdwVerifier): this view reads nothing itself. One
 * verifier lives as long as the view, with the trust store's anchors, the
 * freshness window from GSettings and the request store for replies to
 * remote requests, so its caches of validated issuers help every check.
 * The main loop only moves between the pages.
 *
 * This file: the class, its pages and the focus, the camera. The check
 * itself is in idw-verify-view-job.c, the ways in (files, the clipboard,
 * drops) in idw-verify-view-input.c.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "idw-request-dialog.h"
#include "idw-ui-util.h"
#include "idw-verify-view-private.h"

/* After a QR code that is not an ID, scanning resumes after this. */
#define RESCAN_DELAY_MS 2000

G_DEFINE_FINAL_TYPE (IdwVerifyView, idw_verify_view, ADW_TYPE_BIN)

GtkWidget *
idw_verify_view_new (void)
{
  return g_object_new (IDW_TYPE_VERIFY_VIEW, NULL);
}

static void
show_toast (IdwVerifyView *self,
            const char    *message)
{
  idw_ui_add_toast (GTK_WIDGET (self->toast_overlay), idw_ui_toast_new (message));
}

/* Puts the focus on the page shown: on the first way to check an ID, or
 * on the verdict. Pages with nothing to focus (spinners) leave it to the
 * next page. */
static gboolean
focus_page (IdwVerifyView *self)
{
  const char *name = idw_verify_view_get_state (self);

  if (g_str_equal (name, "scan"))
    return gtk_widget_grab_focus (gtk_widget_is_ancestor (self->scan_paste_button_narrow,
                                                          adw_squeezer_get_visible_child (self->ways_squeezer))
                                  ? self->scan_paste_button_narrow : self->scan_paste_button);
  if (g_str_equal (name, "no-camera"))
    return gtk_widget_grab_focus (self->no_camera_paste_button);
  if (g_str_equal (name, "refused"))
    return gtk_widget_grab_focus (self->refused_paste_button);
  if (g_str_equal (name, "result"))
    {
      idw_verdict_page_focus_default (self->verdict_page);
      return TRUE;
    }

  return FALSE;
}

/**
 * idw_verify_view_take_focus:
 *
 * The view was switched to by a person working in the other view: the
 * focus comes here, now or when the page that shows has something to
 * focus, unless the person moves to the header bar meanwhile.
 */
void
idw_verify_view_take_focus (IdwVerifyView *self)
{
  g_return_if_fail (IDW_IS_VERIFY_VIEW (self));

  self->take_focus = !focus_page (self);
}

static void
set_page (IdwVerifyView *self,
          const char    *name)
{
  gboolean move_focus = idw_ui_owns_focus (GTK_WIDGET (self)) &&
                        g_strcmp0 (idw_verify_view_get_state (self), name) != 0;

  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_spinner_set_spinning (self->starting_spinner, g_str_equal (name, "starting"));
  gtk_spinner_set_spinning (self->verifying_spinner, g_str_equal (name, "verifying"));

  if (self->take_focus && gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

      move_focus |= focus == NULL || gtk_widget_get_ancestor (focus, ADW_TYPE_HEADER_BAR) == NULL;
    }

  /* A verdict is what the person waits for, wherever the focus was (a
   * paste from the header bar, a code the camera read while they looked
   * at the menu): a screen reader must say it before anything else. */
  if (g_str_equal (name, "result") && gtk_widget_get_mapped (GTK_WIDGET (self)))
    move_focus = TRUE;

  /* The focus follows to the page that appears. */
  if (move_focus && focus_page (self))
    self->take_focus = FALSE;
}

const char *
idw_verify_view_get_state (IdwVerifyView *self)
{
  g_return_val_if_fail (IDW_IS_VERIFY_VIEW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

IdwVerdict *
idw_verify_view_get_verdict (IdwVerifyView *self)
{
  g_return_val_if_fail (IDW_IS_VERIFY_VIEW (self), NULL);

  if (!g_str_equal (idw_verify_view_get_state (self), "result"))
    return NULL;

  return idw_verdict_page_get_verdict (self->verdict_page);
}

IdwRequestStore *
idw_verify_view_get_request_store (IdwVerifyView *self)
{
  g_return_val_if_fail (IDW_IS_VERIFY_VIEW (self), NULL);

  return self->request_store;
}

static gboolean
showing_outcome (IdwVerifyView *self)
{
  const char *page = idw_verify_view_get_state (self);

  return g_str_equal (page, "result") || g_str_equal (page, "refused") ||
         g_str_equal (page, "verifying");
}

/* ---- Camera -------------------------------------------------------------- */

static void
update_camera_page (IdwVerifyView *self)
{
  IdwCameraState state = idw_camera_get_state (self->camera);

  if (showing_outcome (self) || self->busy)
    return;

  switch (state)
    {
    case IDW_CAMERA_STATE_IDLE:
    case IDW_CAMERA_STATE_STARTING:
      /* Coming back to the view re-opens the camera: keep what was shown
       * until the camera says how it went, rather than flash a spinner. */
      if (!g_str_equal (idw_verify_view_get_state (self), "no-camera") &&
          !g_str_equal (idw_verify_view_get_state (self), "scan"))
        set_page (self, "starting");
      break;

    case IDW_CAMERA_STATE_RUNNING:
      set_page (self, "scan");
      idw_camera_set_scanning (self->camera, TRUE);
      break;

    case IDW_CAMERA_STATE_NO_CAMERA:
      adw_status_page_set_icon_name (self->no_camera_page, "camera-disabled-symbolic");
      adw_status_page_set_title (self->no_camera_page, _("No Camera Found"));
      adw_status_page_set_description (self->no_camera_page,
                                       _("Connect a camera to scan QR codes, or check an ID another way."));
      set_page (self, "no-camera");
      break;

    case IDW_CAMERA_STATE_DENIED:
      adw_status_page_set_icon_name (self->no_camera_page, "camera-disabled-symbolic");
      adw_status_page_set_title (self->no_camera_page, _("No Access to the Camera"));
      adw_status_page_set_description (self->no_camera_page,
                                       _("Allow ID Wallet to use the camera in Settings, or check an ID another way."));
      set_page (self, "no-camera");
      break;

    case IDW_CAMERA_STATE_FAILED:
    default:
      adw_status_page_set_icon_name (self->no_camera_page, "camera-disabled-symbolic");
      adw_status_page_set_title (self->no_camera_page, _("The Camera Is Not Working"));
      adw_status_page_set_description (self->no_camera_page,
                                       _("The camera could not be started. It may be in use by another app. You can check an ID another way."));
      set_page (self, "no-camera");
      break;
    }
}

static void
on_camera_state (IdwCamera     *camera,
                 GParamSpec    *pspec,
                 IdwVerifyView *self)
{
  update_camera_page (self);
}

static void
on_camera_paintable (IdwCamera     *camera,
                     GParamSpec    *pspec,
                     IdwVerifyView *self)
{
  GdkPaintable *paintable = idw_camera_get_paintable (camera);

  gtk_picture_set_paintable (self->preview, paintable);
  gtk_widget_set_visible (GTK_WIDGET (self->preview_spinner), paintable == NULL);
  gtk_spinner_set_spinning (self->preview_spinner, paintable == NULL);
}

/* An animated code being received: "Receiving the ID… 60 %" over the
 * preview, in place of the hint. */
static void
on_camera_progress (IdwCamera     *camera,
                    GParamSpec    *pspec,
                    IdwVerifyView *self)
{
  double progress = idw_camera_get_progress (camera);
  gboolean receiving = progress > 0.0;

  if (receiving)
    {
      int percent = (int) CLAMP (progress * 100.0, 1.0, 99.0);
      /* Translators: an animated QR code (many frames) is being read; %d
       * is how much of it has come, in percent. Write the percentage the
       * way your language does ("60 %", "60%", "%60"). */
      g_autofree char *text = g_strdup_printf (_("Receiving the ID… %d %%"), percent);

      gtk_label_set_label (self->receive_label, text);
      gtk_progress_bar_set_fraction (self->receive_bar, progress);
    }

  gtk_widget_set_visible (self->receive_box, receiving);
  gtk_widget_set_visible (GTK_WIDGET (self->scan_hint), !receiving);
}

static void
on_camera_devices (IdwCamera     *camera,
                   GParamSpec    *pspec,
                   IdwVerifyView *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenuItem) automatic = g_menu_item_new (_("Automatic"), NULL);
  guint n = idw_camera_get_n_devices (camera);

  /* Radio items on the "camera" key, which Preferences shows too. */
  g_menu_item_set_action_and_target (automatic, "camera-settings.camera", "s", "");
  g_menu_append_item (menu, automatic);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GMenuItem) item = g_menu_item_new (idw_camera_get_device_name (camera, i), NULL);

      g_menu_item_set_action_and_target (item, "camera-settings.camera", "s",
                                         idw_camera_get_device_id (camera, i));
      g_menu_append_item (menu, item);
    }

  gtk_menu_button_set_menu_model (self->camera_button, G_MENU_MODEL (menu));
  gtk_widget_set_visible (GTK_WIDGET (self->camera_button), n > 1);
}

static void
start_camera (IdwVerifyView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;

  idw_camera_start (self->camera, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);
  update_camera_page (self);
}

static gboolean
rescan_timeout_cb (gpointer user_data)
{
  IdwVerifyView *self = user_data;

  self->rescan_timeout = 0;
  gtk_label_set_label (self->scan_hint, _("Hold the QR code inside the frame"));
  if (!self->busy && !showing_outcome (self))
    idw_camera_set_scanning (self->camera, TRUE);

  return G_SOURCE_REMOVE;
}

static void
resume_scanning_later (IdwVerifyView *self,
                       const char    *hint)
{
  gtk_label_set_label (self->scan_hint, hint);
  g_clear_handle_id (&self->rescan_timeout, g_source_remove);
  self->rescan_timeout = g_timeout_add (RESCAN_DELAY_MS, rescan_timeout_cb, self);
}



static void
on_code_detected (IdwCamera     *camera,
                  IdwInput      *input,
                  IdwVerifyView *self)
{
  switch (idw_input_get_kind (input))
    {
    case IDW_INPUT_PRESENTATION:
      _idw_verify_view_verify_input (self, input);
      break;
    case IDW_INPUT_REQUEST:
      resume_scanning_later (self, _("This is a request for an ID, not an ID"));
      break;
    case IDW_INPUT_FRAME:  /* never alone: the camera puts frames together */
    case IDW_INPUT_CREDENTIAL_REQUEST:
    case IDW_INPUT_DEVICE_RESPONSE:
    case IDW_INPUT_UNKNOWN:
    default:
      resume_scanning_later (self, _("This QR code is not an ID"));
      break;
    }
}

/* Corner marks of a square in the middle: where the code should go. */
static void
draw_viewfinder (GtkDrawingArea *area,
                 cairo_t        *cr,
                 int             width,
                 int             height,
                 gpointer        user_data)
{
  double side = MIN (width, height) * 0.7;
  double x = (width - side) / 2.0, y = (height - side) / 2.0;
  double arm = side / 6.0;

  /* Dim what lies outside the frame. */
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_rectangle (cr, x, y, side, side);
  cairo_set_source_rgba (cr, 0, 0, 0, 0.35);
  cairo_fill (cr);

  cairo_set_source_rgba (cr, 1, 1, 1, 0.95);
  cairo_set_line_width (cr, 4);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);

  cairo_move_to (cr, x, y + arm);
  cairo_line_to (cr, x, y);
  cairo_line_to (cr, x + arm, y);

  cairo_move_to (cr, x + side - arm, y);
  cairo_line_to (cr, x + side, y);
  cairo_line_to (cr, x + side, y + arm);

  cairo_move_to (cr, x + side, y + side - arm);
  cairo_line_to (cr, x + side, y + side);
  cairo_line_to (cr, x + side - arm, y + side);

  cairo_move_to (cr, x + arm, y + side);
  cairo_line_to (cr, x, y + side);
  cairo_line_to (cr, x, y + side - arm);

  cairo_stroke (cr);
}


/* ---- Other actions ----------------------------------------------------------- */

static void
again_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  IdwVerifyView *self = IDW_VERIFY_VIEW (widget);

  set_page (self, "starting");
  gtk_label_set_label (self->scan_hint, _("Hold the QR code inside the frame"));
  start_camera (self);
  update_camera_page (self);
}

static void
refuse (IdwVerifyView *self,
        const char    *message)
{
  /* AdwStatusPage reads its description as markup. */
  g_autofree char *description = idw_ui_escape_markup (message);

  /* An answer, as a verdict is: the camera has done its job. */
  idw_camera_stop (self->camera);
  g_clear_handle_id (&self->rescan_timeout, g_source_remove);

  adw_status_page_set_description (self->refused_page, description);
  set_page (self, "refused");
}

static void
retry_camera_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  IdwVerifyView *self = IDW_VERIFY_VIEW (widget);

  idw_camera_stop (self->camera);
  start_camera (self);
}

static void
request_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  IdwVerifyView *self = IDW_VERIFY_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog = idw_request_dialog_new (self->request_store);

  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- Life cycle ---------------------------------------------------------------- */

static void
idw_verify_view_map (GtkWidget *widget)
{
  IdwVerifyView *self = IDW_VERIFY_VIEW (widget);

  GTK_WIDGET_CLASS (idw_verify_view_parent_class)->map (widget);

  if (!showing_outcome (self) && !self->busy)
    start_camera (self);
}

static void
idw_verify_view_unmap (GtkWidget *widget)
{
  IdwVerifyView *self = IDW_VERIFY_VIEW (widget);

  /* Nobody looks at the preview: the camera (and its light) goes off. */
  idw_camera_stop (self->camera);
  self->take_focus = FALSE;

  GTK_WIDGET_CLASS (idw_verify_view_parent_class)->unmap (widget);
}

static void
idw_verify_view_dispose (GObject *object)
{
  IdwVerifyView *self = IDW_VERIFY_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->verifying_timeout, g_source_remove);
  g_clear_handle_id (&self->rescan_timeout, g_source_remove);

  if (self->camera != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->camera, self);
      idw_camera_stop (self->camera);
      g_clear_object (&self->camera);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), IDW_TYPE_VERIFY_VIEW);

  g_clear_object (&self->settings);
  g_clear_object (&self->trust_store);
  g_clear_object (&self->request_store);
  g_clear_object (&self->verifier);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (idw_verify_view_parent_class)->dispose (object);
}

static void
idw_verify_view_class_init (IdwVerifyViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = idw_verify_view_dispose;

  widget_class->map = idw_verify_view_map;
  widget_class->unmap = idw_verify_view_unmap;

  g_type_ensure (IDW_TYPE_VERDICT_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/idw-verify-view.ui");
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, stack);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, preview_frame);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, preview);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, viewfinder);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, preview_spinner);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, scan_hint);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, receive_box);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, receive_label);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, receive_bar);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, camera_button);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, ways_squeezer);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, scan_paste_button);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, scan_paste_button_narrow);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, no_camera_page);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, no_camera_paste_button);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, retry_button);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, refused_page);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, refused_paste_button);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, starting_spinner);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, verifying_spinner);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, verdict_page);

  /* Paste and Open Image…, with their shortcuts. */
  _idw_verify_view_class_init_input (widget_class);
  gtk_widget_class_install_action (widget_class, "verify.request", NULL, request_action);
  gtk_widget_class_install_action (widget_class, "verify.again", NULL, again_action);
  gtk_widget_class_install_action (widget_class, "verify.retry-camera", NULL, retry_camera_action);
}

/* What the aspect files may ask of this one (idw-verify-view-private.h). */
static const IdwVerifyViewCore verify_view_core = {
  .show_toast = show_toast,
  .set_page = set_page,
  .refuse = refuse,
};

static void
idw_verify_view_init (IdwVerifyView *self)
{
  self->core = &verify_view_core;
  gtk_widget_init_template (GTK_WIDGET (self));
  /* AdwBin's own child: not a bound template child, which
   * gtk_widget_dispose_template() would unparent behind AdwBin's back. */
  self->toast_overlay = ADW_TOAST_OVERLAY (adw_bin_get_child (ADW_BIN (self)));

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  {
    g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
    g_autoptr(GAction) camera_action = g_settings_create_action (self->settings, "camera");

    g_action_map_add_action (G_ACTION_MAP (group), camera_action);
    gtk_widget_insert_action_group (GTK_WIDGET (self), "camera-settings", G_ACTION_GROUP (group));
  }
  self->trust_store = idw_trust_store_new (NULL);
  self->request_store = idw_request_store_new (NULL);
  self->verifier = idw_verifier_new ();
  idw_request_store_attach (self->request_store, self->verifier);
  {
    /* Revocation: status lists fetched on the verifying worker, kept under
     * $XDG_CACHE_HOME/id-wallet/status for offline use until they expire. */
    g_autoptr(IdwStatusFetcher) fetcher = idw_status_fetcher_new (NULL);

    idw_verifier_set_status_fetcher (self->verifier, fetcher);
  }

  self->camera = idw_camera_new ();
  g_signal_connect (self->camera, "notify::state", G_CALLBACK (on_camera_state), self);
  g_signal_connect (self->camera, "notify::paintable", G_CALLBACK (on_camera_paintable), self);
  g_signal_connect (self->camera, "notify::progress", G_CALLBACK (on_camera_progress), self);
  g_signal_connect (self->camera, "notify::n-devices", G_CALLBACK (on_camera_devices), self);
  g_signal_connect (self->camera, "code-detected", G_CALLBACK (on_code_detected), self);

  gtk_drawing_area_set_draw_func (self->viewfinder, draw_viewfinder, self, NULL);

  /* Drops, and Ctrl+V and Ctrl+O wherever the focus is. */
  _idw_verify_view_init_input (self);

  set_page (self, "starting");
}
