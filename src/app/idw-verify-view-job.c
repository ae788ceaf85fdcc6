/* idw-verify-view-job.c: the Verify view checks what came in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One job at a time, on a worker thread: the engine recognises the input
 * (IdwInput) and the view's verifier checks it with the trust store's
 * anchors and the freshness window from GSettings. The main loop shows
 * "Checking the ID…" when that takes long enough to notice, then the
 * verdict, or what was given when it is not an ID, and what to do
 * (the "refused" page, in place of any older verdict).
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "idw-ui-util.h"
#include "idw-verify-view-private.h"

/* Show "Checking the ID…" only when verifying takes long enough to notice. */
#define VERIFYING_PAGE_DELAY_MS 300

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

/* Whether @text is a web address, which people copy by mistake more than
 * any other text. */
static gboolean
is_web_address (const char *text)
{
  g_autofree char *start = g_strstrip (g_ascii_strdown (text, MIN (strlen (text), 16)));

  return g_str_has_prefix (start, "https://") || g_str_has_prefix (start, "http://") ||
         g_str_has_prefix (start, "www.");
}

/* What @input is when it is not an ID, and what to do instead: a person
 * who pasted the wrong thing learns which thing it was. */
static const char *
describe_not_an_id (IdwInput *input)
{
  const char *text = idw_input_get_text (input);
  gboolean picture = idw_input_get_source (input) == IDW_INPUT_SOURCE_IMAGE;

  switch (idw_input_get_kind (input))
    {
    case IDW_INPUT_REQUEST:
      return _("This is a request for an ID, not an ID. To answer it, use your wallet.");
    case IDW_INPUT_CREDENTIAL_REQUEST:
      return _("This is a request for a credential, meant for an issuer of IDs, not an ID. "
               "Send it to the issuer; to check an ID, paste what its holder sent you.");
    case IDW_INPUT_FRAME:
      return _("This is one frame of an animated ID code. Scan the code with the "
               "camera, which reads all of its frames.");
    case IDW_INPUT_DEVICE_RESPONSE:
      return _("This is binary data, not an ID shown from a wallet. Ask the holder for the "
               "QR code or the text their wallet makes.");
    case IDW_INPUT_PRESENTATION:
    case IDW_INPUT_UNKNOWN:
    default:
      break;
    }

  if (picture && text != NULL && is_web_address (text))
    return _("The QR code in this picture is a web address, not an ID. Ask the holder "
             "for the QR code their wallet shows.");
  if (picture)
    return _("The QR code in this picture is not an ID. Ask the holder for the QR code "
             "their wallet shows.");
  if (text != NULL && is_web_address (text))
    return _("This is a web address, not an ID. Ask the holder to copy their ID as text "
             "in their wallet and send you that.");
  return _("This text is not an ID. An ID sent as text starts with “IDW1:”: ask the "
           "holder to copy it again from their wallet.");
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
                                 _("No QR code was found in this picture. Open a picture in which "
                                   "the whole code can be seen."));
      else if (g_error_matches (error, IDW_ERROR, IDW_ERROR_LIMIT))
        g_task_return_new_error (task, IDW_ERROR, IDW_ERROR_LIMIT,
                                 _("The picture is too large to be read."));
      else
        g_task_return_new_error (task, IDW_ERROR, IDW_ERROR_MALFORMED,
                                 _("This is not a picture ID Wallet can read."));
      return;
    }

  if (idw_input_get_kind (input) != IDW_INPUT_PRESENTATION)
    {
      g_task_return_new_error (task, IDW_ERROR, IDW_ERROR_WRONG_PREFIX, "%s",
                               describe_not_an_id (input));
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
logged_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  GWeakRef *weak = user_data;
  g_autoptr(IdwVerifyView) self = g_weak_ref_get (weak);
  g_autoptr(GError) error = NULL;

  g_weak_ref_clear (weak);
  g_free (weak);
  if (!idw_verifier_log_append_finish (IDW_VERIFIER_LOG (source), result, &error) && self != NULL)
    {
      g_autofree char *message = NULL;

      /* Translators: %s is why */
      message = g_strdup_printf (_("The verdict was not added to the verification log: %s"), error->message);
      idw_ui_add_toast (GTK_WIDGET (self), idw_ui_toast_new (message));
    }
}

/* The "verifier-log" setting is on: the verdict, without what it
 * disclosed, goes to the log in a worker thread. */
static void
log_verdict (IdwVerifyView *self,
             IdwVerdict    *verdict)
{
  g_autoptr(IdwVerifierLog) log = idw_verifier_log_new (NULL);
  g_autoptr(IdwVerifierLogEntry) entry = idw_verifier_log_entry_new_from_verdict (verdict);
  GWeakRef *weak = g_new0 (GWeakRef, 1);

  g_weak_ref_init (weak, self);
  idw_verifier_log_append (log, entry, NULL, logged_cb, weak);
}

static void
verify_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  IdwVerifyView *self = IDW_VERIFY_VIEW (object);
  VerifyJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      self->busy = FALSE;
      clear_verifying_timeout (self);
      self->core->refuse (self, error->message);
      return;
    }

  self->busy = FALSE;
  clear_verifying_timeout (self);

  /* The answer is in: the camera has done its job. */
  idw_camera_stop (self->camera);
  g_clear_handle_id (&self->rescan_timeout, g_source_remove);

  idw_verdict_page_set_verdict (self->verdict_page, job->verdict);
  self->core->set_page (self, "result");

  if (g_settings_get_boolean (self->settings, "verifier-log"))
    log_verdict (self, job->verdict);
}

static gboolean
verifying_timeout_cb (gpointer user_data)
{
  IdwVerifyView *self = user_data;

  self->verifying_timeout = 0;
  if (self->busy)
    self->core->set_page (self, "verifying");

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

void
_idw_verify_view_verify_input (IdwVerifyView *self,
                               IdwInput      *input)
{
  verify_job_start (self, NULL, NULL, NULL, 0, 0, 0, idw_input_ref (input));
}

/* A file's contents (taken). */
void
_idw_verify_view_verify_data (IdwVerifyView *self,
                              GBytes        *data)
{
  verify_job_start (self, NULL, data, NULL, 0, 0, 0, NULL);
}

void
_idw_verify_view_verify_texture (IdwVerifyView *self,
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
      self->core->refuse (self, _("The picture is too large to be read."));
      return;
    }

  /* Native-endian, premultiplied ARGB32: the engine converts it. */
  data = g_malloc (stride * height);
  gdk_texture_download (texture, data, stride);
  verify_job_start (self, NULL, NULL, g_bytes_new_take (data, stride * height),
                    width, height, (int) stride, NULL);
}
