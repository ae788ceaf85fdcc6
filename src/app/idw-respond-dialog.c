/* idw-respond-dialog.c: answer a remote IDWR1: request with consent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "idw-clipboard.h"
#include "idw-qr-view.h"
#include "idw-history-service.h"
#include "idw-respond-dialog.h"
#include "idw-ui-util.h"

struct _IdwRespondDialog
{
  AdwWindow            parent_instance;

  IdwCredential       *credential;
  IdwKey              *device_key;
  IdwRemoteRequest    *request;
  char                *verifier;
  char                *response;
  char                *credential_id;    /* in the wallet: recorded in the history */
  char                *credential_name;

  AdwToastOverlay     *toast_overlay;
  GtkStack            *stack;
  GtkTextView         *request_view;
  GtkLabel            *paste_error;
  GtkLabel            *asker_label;
  AdwPreferencesGroup *requested_group;
  GtkWidget           *missing_label;
  GtkLabel            *response_label;
  IdwQrView           *qr_view;
  GList               *requested_rows;

  GCancellable        *cancellable;
  gboolean             busy;
};

G_DEFINE_FINAL_TYPE (IdwRespondDialog, idw_respond_dialog, ADW_TYPE_WINDOW)

IdwRespondDialog *
idw_respond_dialog_new (GtkWindow     *parent,
                        IdwCredential *credential,
                        IdwKey        *device_key)
{
  IdwRespondDialog *self;

  g_return_val_if_fail (IDW_IS_CREDENTIAL (credential), NULL);
  g_return_val_if_fail (device_key != NULL, NULL);

  self = g_object_new (IDW_TYPE_RESPOND_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->credential = g_object_ref (credential);
  self->device_key = idw_key_ref (device_key);

  return self;
}

/**
 * idw_respond_dialog_set_history_source:
 * @credential_id: (nullable): the wallet's id of the credential
 * @credential_name: (nullable): its name, as the history keeps it
 *
 * What a reply, or a declined request, is recorded under in the history
 * (unless recording is off). Without an id, nothing is recorded.
 */
void
idw_respond_dialog_set_history_source (IdwRespondDialog *self,
                                       const char       *credential_id,
                                       const char       *credential_name)
{
  g_return_if_fail (IDW_IS_RESPOND_DIALOG (self));

  g_free (self->credential_id);
  g_free (self->credential_name);
  self->credential_id = g_strdup (credential_id);
  self->credential_name = g_strdup (credential_name);
}

/* The request's verifier name as it gave it (not escaped: the history
 * keeps it as it is, and escapes it where it shows it). */
static void
record (IdwRespondDialog   *self,
        const char * const *paths,
        IdwHistoryOutcome   outcome)
{
  idw_history_service_record_presentation (idw_history_service_get_default (),
                                           self->credential_id, self->credential_name,
                                           self->credential, paths, IDW_HISTORY_CHANNEL_REPLY,
                                           self->request->verifier, outcome,
                                           GTK_WIDGET (self->toast_overlay));
}

static GtkWidget *
requested_row_new (IdwRespondDialog *self,
                   const char       *path,
                   gboolean          missing)
{
  g_autofree char *ns = NULL;
  g_autofree char *element = NULL;
  g_autofree char *label = NULL;
  GtkWidget *row = adw_action_row_new ();

  /* The paths are the request's text: no markup, controls shown. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (!idw_element_path_split (path, &ns, &element))
    {
      g_autofree char *shown = idw_ui_escape_text (path);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), shown);
      return row;
    }

  label = idw_ui_element_label (ns, element);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);

  if (missing)
    {
      GtkWidget *tag = gtk_label_new (_("Not in this ID"));

      gtk_widget_add_css_class (tag, "idw-tag");
      gtk_widget_set_valign (tag, GTK_ALIGN_CENTER);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag);
      gtk_widget_add_css_class (row, "dim-label");
    }
  else if (idw_element_get_kind (ns, element) == IDW_VALUE_KIND_IMAGE)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Your portrait"));
    }
  else
    {
      g_autofree char *value = idw_ui_format_value (ns, element,
                                                         idw_credential_get_value (self->credential, ns, element));

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
    }

  return row;
}

static void
show_request (IdwRespondDialog *self)
{
  g_auto(GStrv) missing = NULL;
  g_auto(GStrv) selected = idw_remote_request_select (self->request, self->credential, &missing);
  g_autofree char *asker = NULL;

  for (GList *l = self->requested_rows; l != NULL; l = l->next)
    adw_preferences_group_remove (self->requested_group, l->data);
  g_clear_pointer (&self->requested_rows, g_list_free);

  g_free (self->verifier);
  /* How the requester names itself, shown as text that cannot break the
   * line or reorder the sentence around it. */
  self->verifier = self->request->verifier != NULL && *self->request->verifier != '\0'
                   ? idw_ui_escape_text (self->request->verifier) : g_strdup (_("Someone"));
  /* Translators: %s is who asks, as it names itself, or "Someone" */
  asker = g_strdup_printf (_("%s asks to see"), self->verifier);
  gtk_label_set_label (self->asker_label, asker);

  for (guint i = 0; selected[i] != NULL; i++)
    {
      GtkWidget *row = requested_row_new (self, selected[i], FALSE);

      adw_preferences_group_add (self->requested_group, row);
      self->requested_rows = g_list_append (self->requested_rows, row);
    }
  for (guint i = 0; missing != NULL && missing[i] != NULL; i++)
    {
      GtkWidget *row = requested_row_new (self, missing[i], TRUE);

      adw_preferences_group_add (self->requested_group, row);
      self->requested_rows = g_list_append (self->requested_rows, row);
    }

  gtk_widget_set_visible (self->missing_label, missing != NULL && missing[0] != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "respond.share", selected[0] != NULL);
  if (selected[0] == NULL)
    idw_ui_add_toast (GTK_WIDGET (self->toast_overlay),
                                 adw_toast_new (_("This ID holds none of the requested details.")));

  gtk_stack_set_visible_child_name (self->stack, "review");
}

gboolean
idw_respond_dialog_set_request (IdwRespondDialog *self,
                                const char       *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *trimmed = NULL;
  IdwRemoteRequest *request;

  g_return_val_if_fail (IDW_IS_RESPOND_DIALOG (self), FALSE);

  trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  request = idw_remote_request_parse (trimmed, &error);
  if (request == NULL)
    {
      if (g_error_matches (error, IDW_ERROR, IDW_ERROR_WRONG_PREFIX))
        gtk_label_set_label (self->paste_error, _("This is not an ID request: requests start with “IDWR1:”."));
      else
        gtk_label_set_label (self->paste_error, _("This request is damaged or incomplete. Ask for it again, and copy all of it."));
      gtk_widget_set_visible (GTK_WIDGET (self->paste_error), TRUE);
      return FALSE;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->paste_error), FALSE);
  g_clear_pointer (&self->request, idw_remote_request_free);
  self->request = request;
  show_request (self);

  return TRUE;
}

const char *
idw_respond_dialog_get_response (IdwRespondDialog *self)
{
  g_return_val_if_fail (IDW_IS_RESPOND_DIALOG (self), NULL);

  return self->response;
}

static void
review_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  IdwRespondDialog *self = IDW_RESPOND_DIALOG (widget);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->request_view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  idw_respond_dialog_set_request (self, text);
}

/* Review Request asks for something to review: a field of nothing or of
 * spaces leaves the button off rather than answer it with an error. */
static void
on_request_changed (IdwRespondDialog *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->request_view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "respond.review", *g_strstrip (text) != '\0');
}

static void
show_paste_error (IdwRespondDialog *self,
                  const char       *message)
{
  gtk_label_set_label (self->paste_error, message);
  gtk_widget_set_visible (GTK_WIDGET (self->paste_error), TRUE);
}

static gboolean
on_paste_page (IdwRespondDialog *self)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "paste") == 0;
}

/* ---- Pictures of a request's QR code ------------------------------------ */

typedef struct
{
  GBytes     *data;     /* a file's contents */
  GdkTexture *texture;  /* or a picture from the clipboard or a drop */
} PictureJob;

static void
picture_job_free (PictureJob *job)
{
  g_clear_pointer (&job->data, g_bytes_unref);
  g_clear_object (&job->texture);
  g_free (job);
}

/* The worker thread: the picture's QR code (or a text file's contents),
 * recognised by the engine. */
static void
decode_picture_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  PictureJob *job = task_data;
  g_autoptr(GError) error = NULL;
  IdwInput *input;

  if (job->texture != NULL)
    {
      int width = gdk_texture_get_width (job->texture);
      int height = gdk_texture_get_height (job->texture);
      gsize stride = (gsize) width * 4;
      g_autofree guint8 *pixels = NULL;

      if (!idw_qr_check_dimensions (width, height, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      /* Native-endian, premultiplied ARGB32: the engine converts it. */
      pixels = g_malloc (stride * height);
      gdk_texture_download (job->texture, pixels, stride);
      input = idw_input_new_from_pixels (pixels, width, height, stride,
                                         IDW_PIXEL_FORMAT_ARGB32_PREMULTIPLIED, FALSE, &error);
    }
  else
    {
      input = idw_input_new_from_data (job->data, &error);
    }

  if (input == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, input, (GDestroyNotify) idw_input_unref);
}

/* Ends @task (the caller's) with @message, which the dialog shows too. */
static void
picture_failed (IdwRespondDialog *self,
                GTask            *task,
                IdwError          code,
                const char       *message)
{
  self->busy = FALSE;
  show_paste_error (self, message);
  g_task_return_new_error (task, IDW_ERROR, code, "%s", message);
}

static void
picture_decoded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  IdwRespondDialog *self = IDW_RESPOND_DIALOG (source);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwInput) input = g_task_propagate_pointer (G_TASK (result), &error);
  const char *text;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* The dialog is gone: its widgets must not be touched. */
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (input == NULL)
    {
      if (g_error_matches (error, IDW_ERROR, IDW_ERROR_NO_CODE))
        picture_failed (self, task, IDW_ERROR_NO_CODE,
                        _("No QR code was found in the picture."));
      else
        picture_failed (self, task, IDW_ERROR_MALFORMED,
                        _("This is not a picture ID Wallet can read."));
      return;
    }

  switch (idw_input_get_kind (input))
    {
    case IDW_INPUT_REQUEST:
      break;
    case IDW_INPUT_PRESENTATION:
      picture_failed (self, task, IDW_ERROR_WRONG_PREFIX,
                      _("This QR code is an ID, not a request for one. "
                        "Open a picture of the code the requester sent you."));
      return;
    case IDW_INPUT_DEVICE_RESPONSE:
      /* Binary data: neither a picture nor text. */
      picture_failed (self, task, IDW_ERROR_MALFORMED,
                      _("This is not a picture ID Wallet can read."));
      return;
    case IDW_INPUT_CREDENTIAL_REQUEST:
    case IDW_INPUT_UNKNOWN:
    default:
      if (idw_input_get_source (input) == IDW_INPUT_SOURCE_IMAGE)
        picture_failed (self, task, IDW_ERROR_WRONG_PREFIX,
                        _("This QR code is not an ID request."));
      else
        picture_failed (self, task, IDW_ERROR_WRONG_PREFIX,
                        _("This file holds no ID request."));
      return;
    }
  text = idw_input_get_text (input);

  self->busy = FALSE;

  /* The same way as pasted text. */
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->request_view), text, -1);
  if (!idw_respond_dialog_set_request (self, text))
    {
      g_task_return_new_error (task, IDW_ERROR, IDW_ERROR_MALFORMED, "%s",
                               gtk_label_get_label (self->paste_error));
      return;
    }

  g_task_return_boolean (task, TRUE);
}

/* Takes @data or @texture; ends @task. */
static void
decode_picture (IdwRespondDialog *self,
                GTask            *task,
                GBytes           *data,
                GdkTexture       *texture)
{
  g_autoptr(GTask) decode = NULL;
  PictureJob *job = g_new0 (PictureJob, 1);

  job->data = data;
  job->texture = texture;

  decode = g_task_new (self, self->cancellable, picture_decoded, task);
  g_task_set_source_tag (decode, decode_picture);
  g_task_set_task_data (decode, job, (GDestroyNotify) picture_job_free);
  g_task_run_in_thread (decode, decode_picture_thread);
}

static GTask *
picture_task_new (IdwRespondDialog    *self,
                  gpointer             source_tag,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task = g_task_new (self, self->cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  self->busy = TRUE;
  gtk_widget_set_visible (GTK_WIDGET (self->paste_error), FALSE);

  return task;
}

static void
file_loaded (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *task = user_data;
  IdwRespondDialog *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  if (!g_file_load_contents_finish (G_FILE (object), result, &contents, &len, NULL, &error))
    {
      g_autofree char *name = g_file_get_basename (G_FILE (object));
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
          return;
        }

      /* Translators: %s is a file name. */
      message = g_strdup_printf (_("“%s” could not be opened."), name);
      picture_failed (self, task, IDW_ERROR_IO, message);
      g_object_unref (task);
      return;
    }

  if (len > IDW_MAX_INPUT_FILE)
    {
      picture_failed (self, task, IDW_ERROR_LIMIT, _("The file is too large."));
      g_object_unref (task);
      return;
    }

  decode_picture (self, task, g_bytes_new_take (g_steal_pointer (&contents), len), NULL);
}

void
idw_respond_dialog_open_file (IdwRespondDialog    *self,
                              GFile               *file,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (IDW_IS_RESPOND_DIALOG (self));
  g_return_if_fail (G_IS_FILE (file));

  task = picture_task_new (self, idw_respond_dialog_open_file, callback, user_data);
  g_file_load_contents_async (file, self->cancellable, file_loaded, task);
}

gboolean
idw_respond_dialog_open_file_finish (IdwRespondDialog  *self,
                                     GAsyncResult      *result,
                                     GError           **error)
{
  g_return_val_if_fail (IDW_IS_RESPOND_DIALOG (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == idw_respond_dialog_open_file, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
open_texture (IdwRespondDialog *self,
              GdkTexture       *texture)
{
  GTask *task = picture_task_new (self, open_texture, NULL, NULL);

  decode_picture (self, task, NULL, g_object_ref (texture));
}

static void
on_file_chosen (GtkNativeDialog *chooser,
                int              response,
                gpointer         user_data)
{
  IdwRespondDialog *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT && !g_cancellable_is_cancelled (self->cancellable))
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        idw_respond_dialog_open_file (self, file, NULL, NULL);
    }

  g_object_unref (chooser);
}

static void
open_image_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  IdwRespondDialog *self = IDW_RESPOND_DIALOG (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = NULL;

  if (!on_paste_page (self) || self->busy)
    return;

  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");

  chooser = gtk_file_chooser_native_new (_("Open a Picture of a Request"),
                                         GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect_data (chooser, "response", G_CALLBACK (on_file_chosen),
                         g_object_ref (self), (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- The clipboard and drops ----------------------------------------------- */

static gboolean
pasted (GFile              *file,
        GdkTexture         *texture,
        const char         *text,
        IdwClipboardResult  result,
        gpointer            user_data)
{
  IdwRespondDialog *self = user_data;

  self->busy = FALSE;

  if (file != NULL)
    idw_respond_dialog_open_file (self, file, NULL, NULL);
  else if (texture != NULL)
    open_texture (self, texture);
  else if (text != NULL)
    {
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->request_view), text, -1);
      idw_respond_dialog_set_request (self, text);
    }
  else if (result == IDW_CLIPBOARD_READ_NO_PICTURE)
    show_paste_error (self, _("The picture on the clipboard could not be read."));
  else
    show_paste_error (self, _("The clipboard holds no text."));

  return TRUE;
}

static void
paste_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  IdwRespondDialog *self = IDW_RESPOND_DIALOG (widget);

  if (!on_paste_page (self) || self->busy)
    return;

  gtk_widget_set_visible (GTK_WIDGET (self->paste_error), FALSE);

  if (!idw_clipboard_read (gtk_widget_get_clipboard (widget),
                           IDW_CLIPBOARD_FILE | IDW_CLIPBOARD_PICTURE | IDW_CLIPBOARD_TEXT,
                           self->cancellable, pasted, g_object_ref (self), g_object_unref))
    {
      show_paste_error (self, _("The clipboard holds neither a request nor a picture of one."));
      return;
    }

  self->busy = TRUE;
}

/* Ctrl+V anywhere on the first page: a picture or a file is read here,
 * text in the request field is left to the field. */
static gboolean
paste_shortcut (GtkWidget *widget,
                GVariant  *args,
                gpointer   user_data)
{
  IdwRespondDialog *self = IDW_RESPOND_DIALOG (widget);
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  GdkContentFormats *formats = gdk_clipboard_get_formats (gtk_widget_get_clipboard (widget));

  if (!on_paste_page (self))
    return FALSE;
  if (focus != NULL && (GTK_IS_TEXT_VIEW (focus) || GTK_IS_EDITABLE (focus)) &&
      !idw_clipboard_offers (formats, IDW_CLIPBOARD_FILE | IDW_CLIPBOARD_PICTURE))
    return FALSE;

  return gtk_widget_activate_action (widget, "respond.paste", NULL);
}

static gboolean
dropped (GFile              *file,
         GdkTexture         *texture,
         const char         *text,
         IdwClipboardResult  result,
         gpointer            user_data)
{
  IdwRespondDialog *self = user_data;

  if (!on_paste_page (self) || self->busy)
    return FALSE;

  if (file != NULL)
    idw_respond_dialog_open_file (self, file, NULL, NULL);
  else
    open_texture (self, texture);

  return TRUE;
}

static void
decline_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  IdwRespondDialog *self = IDW_RESPOND_DIALOG (widget);

  /* A request seen and refused; nothing shared. */
  if (self->request != NULL && self->response == NULL)
    record (self, NULL, IDW_HISTORY_OUTCOME_DECLINED);
  gtk_window_close (GTK_WINDOW (widget));
}

static void
share_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  IdwRespondDialog *self = IDW_RESPOND_DIALOG (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *message = NULL;

  if (self->request == NULL)
    return;

  text = idw_remote_request_respond (self->request, self->credential, self->device_key, NULL, &error);
  if (text == NULL)
    {
      /* Translators: %s is an error message */
      message = g_strdup_printf (_("Could not sign the response: %s"), error->message);
      idw_ui_add_toast (GTK_WIDGET (self->toast_overlay), idw_ui_toast_new (message));
      return;
    }

  g_free (self->response);
  self->response = g_steal_pointer (&text);
  {
    g_auto(GStrv) paths = idw_remote_request_select (self->request, self->credential, NULL);

    record (self, (const char * const *) paths, IDW_HISTORY_OUTCOME_SHARED);
  }

  /* A response with a portrait is too large for one QR code: the view
   * plays it as an animated code. Only one over what even an animation
   * carries goes as text alone, and the page then promises no code. */
  if (idw_qr_view_set_text (self->qr_view, self->response, NULL))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->qr_view), TRUE);
      /* Translators: %s is who asked */
      message = g_strdup_printf (_("Send this response back to %s: copy it as text, or let them scan the code."),
                                 self->verifier);
    }
  else
    {
      gtk_widget_set_visible (GTK_WIDGET (self->qr_view), FALSE);
      /* Translators: %s is who asked */
      message = g_strdup_printf (_("Send this response back to %s: copy it as text."), self->verifier);
    }
  gtk_label_set_label (self->response_label, message);
  gtk_stack_set_visible_child_name (self->stack, "response");
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  IdwRespondDialog *self = IDW_RESPOND_DIALOG (widget);

  if (self->response == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->response);
  idw_ui_add_toast (GTK_WIDGET (self->toast_overlay), adw_toast_new (_("Copied")));
}

static void
idw_respond_dialog_dispose (GObject *object)
{
  IdwRespondDialog *self = IDW_RESPOND_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->requested_rows, g_list_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), IDW_TYPE_RESPOND_DIALOG);

  G_OBJECT_CLASS (idw_respond_dialog_parent_class)->dispose (object);
}

static void
idw_respond_dialog_finalize (GObject *object)
{
  IdwRespondDialog *self = IDW_RESPOND_DIALOG (object);

  g_clear_object (&self->credential);
  g_clear_pointer (&self->device_key, idw_key_unref);
  g_clear_pointer (&self->request, idw_remote_request_free);
  g_clear_pointer (&self->verifier, g_free);
  g_clear_pointer (&self->credential_id, g_free);
  g_clear_pointer (&self->credential_name, g_free);
  g_clear_pointer (&self->response, g_free);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (idw_respond_dialog_parent_class)->finalize (object);
}

static void
idw_respond_dialog_class_init (IdwRespondDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = idw_respond_dialog_dispose;
  object_class->finalize = idw_respond_dialog_finalize;

  g_type_ensure (IDW_TYPE_QR_VIEW);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/idw-respond-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, IdwRespondDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, IdwRespondDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, IdwRespondDialog, request_view);
  gtk_widget_class_bind_template_child (widget_class, IdwRespondDialog, paste_error);
  gtk_widget_class_bind_template_child (widget_class, IdwRespondDialog, asker_label);
  gtk_widget_class_bind_template_child (widget_class, IdwRespondDialog, requested_group);
  gtk_widget_class_bind_template_child (widget_class, IdwRespondDialog, missing_label);
  gtk_widget_class_bind_template_child (widget_class, IdwRespondDialog, response_label);
  gtk_widget_class_bind_template_child (widget_class, IdwRespondDialog, qr_view);

  gtk_widget_class_install_action (widget_class, "respond.paste", NULL, paste_action);
  gtk_widget_class_install_action (widget_class, "respond.open-image", NULL, open_image_action);
  gtk_widget_class_install_action (widget_class, "respond.review", NULL, review_action);
  gtk_widget_class_install_action (widget_class, "respond.decline", NULL, decline_action);
  gtk_widget_class_install_action (widget_class, "respond.share", NULL, share_action);
  gtk_widget_class_install_action (widget_class, "respond.copy", NULL, copy_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "respond.open-image", NULL);
}

static void
idw_respond_dialog_init (IdwRespondDialog *self)
{
  GtkEventController *shortcuts;
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  g_signal_connect_object (gtk_text_view_get_buffer (self->request_view), "changed",
                           G_CALLBACK (on_request_changed), self, G_CONNECT_SWAPPED);
  on_request_changed (self);

  /* Before the request field sees the key: it pastes text only. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_v, GDK_CONTROL_MASK),
                                                          gtk_callback_action_new (paste_shortcut, NULL, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  drop = idw_clipboard_drop_target_new (IDW_CLIPBOARD_FILE | IDW_CLIPBOARD_PICTURE, dropped, self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}
