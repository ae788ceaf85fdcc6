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
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "idw-camera.h"
#include "idw-request-dialog.h"
#include "idw-ui-util.h"
#include "idw-verdict-page.h"
#include "idw-verify-view.h"

/* Show "Checking the ID…" only when verifying takes long enough to notice. */
#define VERIFYING_PAGE_DELAY_MS 300
/* After a QR code that is not an ID, scanning resumes after this. */
#define RESCAN_DELAY_MS 2000

struct _IdwVerifyView
{
  AdwBin            parent_instance;

  AdwToastOverlay  *toast_overlay;
  GtkStack         *stack;
  GtkOverlay       *preview_frame;
  GtkPicture       *preview;
  GtkDrawingArea   *viewfinder;
  GtkSpinner       *preview_spinner;
  GtkLabel         *scan_hint;
  GtkMenuButton    *camera_button;
  AdwSqueezer      *ways_squeezer;
  GtkWidget        *scan_paste_button;
  GtkWidget        *scan_paste_button_narrow;
  AdwStatusPage    *no_camera_page;
  GtkWidget        *no_camera_paste_button;
  GtkButton        *retry_button;
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
  char             *page_before;
  guint             verifying_timeout;
  guint             rescan_timeout;
};

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
  adw_toast_overlay_add_toast (self->toast_overlay, idw_ui_toast_new (message));
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

  return g_str_equal (page, "result") || g_str_equal (page, "verifying");
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

static void verify_job_start (IdwVerifyView *self,
                              char          *text,
                              GBytes        *file_data,
                              GBytes        *pixels,
                              int            width,
                              int            height,
                              int            stride,
                              IdwInput      *input);

static void
on_code_detected (IdwCamera     *camera,
                  IdwInput      *input,
                  IdwVerifyView *self)
{
  switch (idw_input_get_kind (input))
    {
    case IDW_INPUT_PRESENTATION:
      verify_job_start (self, NULL, NULL, NULL, 0, 0, 0, idw_input_ref (input));
      break;
    case IDW_INPUT_REQUEST:
      resume_scanning_later (self, _("This is a request for an ID, not an ID"));
      break;
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

/* ---- Verifying (worker thread) -------------------------------------------- */

typedef struct
{
  /* Input: exactly one of these. */
  IdwInput        *input;
  char            *text;
  GBytes          *file_data;
  GBytes          *pixels;   /* ARGB32, premultiplied, as GdkTexture downloads */
  int              width;
  int              height;
  int              stride;

  guint            freshness_window;
  IdwTrustStore   *trust_store;
  IdwVerifier     *verifier;

  /* Output */
  IdwVerdict      *verdict;
} VerifyJob;

static void
verify_job_free (VerifyJob *job)
{
  g_clear_pointer (&job->input, idw_input_unref);
  g_free (job->text);
  g_clear_pointer (&job->file_data, g_bytes_unref);
  g_clear_pointer (&job->pixels, g_bytes_unref);
  g_clear_object (&job->trust_store);
  g_clear_object (&job->verifier);
  g_clear_object (&job->verdict);
  g_free (job);
}

/* What came in, recognised by the engine: its QR code read once. */
static IdwInput *
job_input (VerifyJob  *job,
           GError    **error)
{
  if (job->input != NULL)
    return idw_input_ref (job->input);
  if (job->text != NULL)
    return idw_input_new_from_text (job->text, error);
  if (job->file_data != NULL)
    return idw_input_new_from_data (job->file_data, error);
  return idw_input_new_from_pixels (g_bytes_get_data (job->pixels, NULL), job->width, job->height,
                                    job->stride, IDW_PIXEL_FORMAT_ARGB32_PREMULTIPLIED, FALSE, error);
}

static void
verify_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  VerifyJob *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwInput) input = job_input (job, &error);

  if (input == NULL)
    {
      if (g_error_matches (error, IDW_ERROR, IDW_ERROR_NO_CODE))
        g_task_return_new_error (task, IDW_ERROR, IDW_ERROR_NO_CODE,
                                 _("No QR code was found in the picture."));
      else if (g_error_matches (error, IDW_ERROR, IDW_ERROR_LIMIT))
        g_task_return_new_error (task, IDW_ERROR, IDW_ERROR_LIMIT,
                                 _("The picture is too large to be read."));
      else
        g_task_return_new_error (task, IDW_ERROR, IDW_ERROR_MALFORMED,
                                 _("This is not a picture ID Wallet can read."));
      return;
    }

  switch (idw_input_get_kind (input))
    {
    case IDW_INPUT_PRESENTATION:
      break;
    case IDW_INPUT_REQUEST:
      g_task_return_new_error (task, IDW_ERROR, IDW_ERROR_WRONG_PREFIX,
                               _("This is a request for an ID, not an ID. To answer it, use your wallet."));
      return;
    case IDW_INPUT_CREDENTIAL_REQUEST:
    case IDW_INPUT_DEVICE_RESPONSE:
    case IDW_INPUT_UNKNOWN:
    default:
      g_task_return_new_error (task, IDW_ERROR, IDW_ERROR_WRONG_PREFIX,
                               _("There is no ID in what was given."));
      return;
    }

  /* A damaged trust folder leaves the verifier without anchors: every
   * issuer shows as not trusted, which is the safe way to fail. */
  if (idw_trust_store_apply (job->trust_store, job->verifier, NULL) < 0)
    idw_verifier_clear_trust_anchors (job->verifier);
  idw_verifier_set_freshness_window (job->verifier, job->freshness_window);

  job->verdict = idw_verifier_verify (job->verifier, input);
  g_task_return_boolean (task, TRUE);
}

static void
clear_verifying_timeout (IdwVerifyView *self)
{
  g_clear_handle_id (&self->verifying_timeout, g_source_remove);
}

static void
verify_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  IdwVerifyView *self = IDW_VERIFY_VIEW (object);
  VerifyJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *page_before = g_steal_pointer (&self->page_before);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      self->busy = FALSE;
      clear_verifying_timeout (self);
      show_toast (self, error->message);
      if (page_before != NULL && !g_str_equal (page_before, "verifying"))
        set_page (self, page_before);
      if (g_str_equal (idw_verify_view_get_state (self), "scan") ||
          g_str_equal (idw_verify_view_get_state (self), "starting"))
        resume_scanning_later (self, _("Hold the QR code inside the frame"));
      return;
    }

  self->busy = FALSE;
  clear_verifying_timeout (self);

  /* The answer is in: the camera has done its job. */
  idw_camera_stop (self->camera);
  g_clear_handle_id (&self->rescan_timeout, g_source_remove);

  idw_verdict_page_set_verdict (self->verdict_page, job->verdict,
                                idw_verdict_get_nonce (job->verdict) != NULL,
                                idw_verdict_get_nonce_state (job->verdict));
  set_page (self, "result");
}

static gboolean
verifying_timeout_cb (gpointer user_data)
{
  IdwVerifyView *self = user_data;

  self->verifying_timeout = 0;
  if (self->busy)
    set_page (self, "verifying");

  return G_SOURCE_REMOVE;
}

/* Takes @text, @file_data, @pixels and @input. */
static void
verify_job_start (IdwVerifyView *self,
                  char          *text,
                  GBytes        *file_data,
                  GBytes        *pixels,
                  int            width,
                  int            height,
                  int            stride,
                  IdwInput      *input)
{
  g_autoptr(GTask) task = NULL;
  VerifyJob *job = g_new0 (VerifyJob, 1);

  job->input = input;
  job->text = text;
  job->file_data = file_data;
  job->pixels = pixels;
  job->width = width;
  job->height = height;
  job->stride = stride;
  job->freshness_window = g_settings_get_uint (self->settings, "freshness-window");
  job->trust_store = g_object_ref (self->trust_store);
  job->verifier = g_object_ref (self->verifier);

  if (self->busy)
    {
      verify_job_free (job);
      return;
    }

  self->busy = TRUE;
  idw_camera_set_scanning (self->camera, FALSE);
  g_free (self->page_before);
  self->page_before = g_strdup (idw_verify_view_get_state (self));
  clear_verifying_timeout (self);
  self->verifying_timeout = g_timeout_add (VERIFYING_PAGE_DELAY_MS, verifying_timeout_cb, self);

  task = g_task_new (self, self->cancellable, verify_done, NULL);
  g_task_set_source_tag (task, verify_job_start);
  g_task_set_task_data (task, job, (GDestroyNotify) verify_job_free);
  g_task_run_in_thread (task, verify_thread);
}

void
idw_verify_view_verify_text (IdwVerifyView *self,
                             const char    *text)
{
  g_return_if_fail (IDW_IS_VERIFY_VIEW (self));
  g_return_if_fail (text != NULL);

  verify_job_start (self, g_strdup (text), NULL, NULL, 0, 0, 0, NULL);
}

static void
verify_texture (IdwVerifyView *self,
                GdkTexture    *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  gsize stride = (gsize) width * 4;
  guint8 *data;

  /* The engine reads pictures of limited size; this only keeps the
   * download within reason. */
  if (!idw_qr_check_dimensions (width, height, NULL))
    {
      show_toast (self, _("The picture is too large to be read."));
      return;
    }

  /* Native-endian, premultiplied ARGB32: the engine converts it. */
  data = g_malloc (stride * height);
  gdk_texture_download (texture, data, stride);
  verify_job_start (self, NULL, NULL, g_bytes_new_take (data, stride * height),
                    width, height, (int) stride, NULL);
}

/* ---- Files ---------------------------------------------------------------- */

static void
file_loaded (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(IdwVerifyView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  if (!g_file_load_contents_finish (G_FILE (object), result, &contents, &len, NULL, &error))
    {
      g_autofree char *name = g_file_get_basename (G_FILE (object));
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Translators: %s is a file name. */
      message = g_strdup_printf (_("“%s” could not be opened."), name);
      show_toast (self, message);
      return;
    }

  if (len > IDW_MAX_INPUT_FILE)
    {
      show_toast (self, _("The file is too large."));
      return;
    }

  verify_job_start (self, NULL, g_bytes_new_take (g_steal_pointer (&contents), len),
                    NULL, 0, 0, 0, NULL);
}

void
idw_verify_view_open_file (IdwVerifyView *self,
                           GFile         *file)
{
  g_return_if_fail (IDW_IS_VERIFY_VIEW (self));
  g_return_if_fail (G_IS_FILE (file));

  g_file_load_contents_async (file, self->cancellable, file_loaded, g_object_ref (self));
}

static void
on_file_chosen (GtkNativeDialog *dialog,
                int              response,
                gpointer         user_data)
{
  IdwVerifyView *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        idw_verify_view_open_file (self, file);
    }

  g_object_unref (dialog);
}

static void
open_image_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  IdwVerifyView *self = IDW_VERIFY_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");

  chooser = gtk_file_chooser_native_new (_("Open a Picture of an ID"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (on_file_chosen), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- Clipboard and drops --------------------------------------------------- */

static void
text_read (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(IdwVerifyView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, &error);

  if (text == NULL)
    {
      show_toast (self, _("There is nothing to verify on the clipboard."));
      return;
    }

  verify_job_start (self, g_steal_pointer (&text), NULL, NULL, 0, 0, 0, NULL);
}

static void
texture_read (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(IdwVerifyView) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_clipboard_read_texture_finish (GDK_CLIPBOARD (object),
                                                                      result, &error);

  if (texture == NULL)
    {
      show_toast (self, _("The picture on the clipboard could not be read."));
      return;
    }

  verify_texture (self, texture);
}

static void
files_read (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(IdwVerifyView) self = user_data;
  g_autoptr(GError) error = NULL;
  const GValue *value = gdk_clipboard_read_value_finish (GDK_CLIPBOARD (object), result, &error);
  GSList *files;

  if (value == NULL || !G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST) ||
      (files = g_value_get_boxed (value)) == NULL)
    {
      /* Not files after all: the text it also offers. */
      gdk_clipboard_read_text_async (GDK_CLIPBOARD (object), NULL, text_read, g_object_ref (self));
      return;
    }

  idw_verify_view_open_file (self, files->data);
}

static void
paste_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  IdwVerifyView *self = IDW_VERIFY_VIEW (widget);
  GdkClipboard *clipboard = gtk_widget_get_clipboard (widget);
  GdkContentFormats *formats = gdk_clipboard_get_formats (clipboard);

  if (self->busy)
    return;

  /* A copied file offers its path as text too: the file comes first. */
  if (idw_ui_formats_have_files (formats))
    gdk_clipboard_read_value_async (clipboard, GDK_TYPE_FILE_LIST, G_PRIORITY_DEFAULT,
                                    self->cancellable, files_read, g_object_ref (self));
  else if (idw_ui_formats_have_image (formats))
    gdk_clipboard_read_texture_async (clipboard, self->cancellable, texture_read, g_object_ref (self));
  else if (gdk_content_formats_contain_gtype (formats, G_TYPE_STRING) ||
           gdk_content_formats_contain_mime_type (formats, "text/plain;charset=utf-8") ||
           gdk_content_formats_contain_mime_type (formats, "text/plain"))
    gdk_clipboard_read_text_async (clipboard, self->cancellable, text_read, g_object_ref (self));
  else
    show_toast (self, _("There is nothing to verify on the clipboard."));
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         IdwVerifyView *self)
{
  if (self->busy)
    return FALSE;

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *files = g_value_get_boxed (value);

      if (files == NULL)
        return FALSE;
      idw_verify_view_open_file (self, files->data);
      return TRUE;
    }

  if (G_VALUE_HOLDS (value, G_TYPE_STRING) && g_value_get_string (value) != NULL)
    {
      verify_job_start (self, g_value_dup_string (value), NULL, NULL, 0, 0, 0, NULL);
      return TRUE;
    }

  return FALSE;
}

/* Ctrl+V wherever the focus is, while this view is on screen and no text
 * field wants the paste for itself. */
static gboolean
paste_shortcut (GtkWidget *widget,
                GVariant  *args,
                gpointer   user_data)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (!gtk_widget_get_mapped (widget))
    return FALSE;
  if (focus != NULL && (GTK_IS_EDITABLE (focus) || GTK_IS_TEXT_VIEW (focus)))
    return FALSE;

  return gtk_widget_activate_action (widget, "verify.paste", NULL);
}

/* Ctrl+O wherever the focus is, while this view is on screen. */
static gboolean
open_image_shortcut (GtkWidget *widget,
                     GVariant  *args,
                     gpointer   user_data)
{
  if (!gtk_widget_get_mapped (widget))
    return FALSE;

  return gtk_widget_activate_action (widget, "verify.open-image", NULL);
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
  g_clear_pointer (&self->page_before, g_free);

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
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, camera_button);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, ways_squeezer);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, scan_paste_button);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, scan_paste_button_narrow);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, no_camera_page);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, no_camera_paste_button);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, retry_button);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, starting_spinner);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, verifying_spinner);
  gtk_widget_class_bind_template_child (widget_class, IdwVerifyView, verdict_page);

  gtk_widget_class_install_action (widget_class, "verify.paste", NULL, paste_action);
  gtk_widget_class_install_action (widget_class, "verify.open-image", NULL, open_image_action);
  gtk_widget_class_install_action (widget_class, "verify.request", NULL, request_action);
  gtk_widget_class_install_action (widget_class, "verify.again", NULL, again_action);
  gtk_widget_class_install_action (widget_class, "verify.retry-camera", NULL, retry_camera_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK, "verify.paste", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "verify.open-image", NULL);
}

static void
idw_verify_view_init (IdwVerifyView *self)
{
  GtkDropTarget *drop;
  GtkEventController *shortcuts;
  GType types[] = { GDK_TYPE_FILE_LIST, G_TYPE_STRING };

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

  self->camera = idw_camera_new ();
  g_signal_connect (self->camera, "notify::state", G_CALLBACK (on_camera_state), self);
  g_signal_connect (self->camera, "notify::paintable", G_CALLBACK (on_camera_paintable), self);
  g_signal_connect (self->camera, "notify::n-devices", G_CALLBACK (on_camera_devices), self);
  g_signal_connect (self->camera, "code-detected", G_CALLBACK (on_code_detected), self);

  gtk_drawing_area_set_draw_func (self->viewfinder, draw_viewfinder, self, NULL);

  drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop, types, G_N_ELEMENTS (types));
  g_signal_connect (drop, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_set_scope (GTK_SHORTCUT_CONTROLLER (shortcuts), GTK_SHORTCUT_SCOPE_MANAGED);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_v, GDK_CONTROL_MASK),
                                                          gtk_callback_action_new (paste_shortcut, NULL, NULL)));
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_o, GDK_CONTROL_MASK),
                                                          gtk_callback_action_new (open_image_shortcut, NULL, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  set_page (self, "starting");
}
