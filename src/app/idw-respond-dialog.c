/* idw-respond-dialog.c: answer a remote IDWR1: request with consent
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "idw-qr-view.h"
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

static GtkWidget *
requested_row_new (IdwRespondDialog *self,
                   const char       *path,
                   gboolean          missing)
{
  g_autofree char *ns = NULL;
  g_autofree char *element = NULL;
  g_autofree char *label = NULL;
  GtkWidget *row = adw_action_row_new ();

  if (!idw_element_path_split (path, &ns, &element))
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), path);
      return row;
    }

  label = idw_element_get_label (ns, element);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);

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
  self->verifier = g_strdup (self->request->verifier != NULL && *self->request->verifier != '\0'
                             ? self->request->verifier : _("Someone"));
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
    adw_toast_overlay_add_toast (self->toast_overlay,
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

static void
paste_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(IdwRespondDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);

  if (text == NULL)
    {
      gtk_label_set_label (self->paste_error, _("The clipboard holds no text."));
      gtk_widget_set_visible (GTK_WIDGET (self->paste_error), TRUE);
      return;
    }

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->request_view), text, -1);
  idw_respond_dialog_set_request (self, text);
}

static void
paste_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  IdwRespondDialog *self = IDW_RESPOND_DIALOG (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "paste") != 0)
    return;

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (widget), NULL,
                                 paste_done_cb, g_object_ref (self));
}

static void
decline_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
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
      adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
      return;
    }

  g_free (self->response);
  self->response = g_steal_pointer (&text);

  /* A response may be too large for one QR code (a portrait): the text is
   * what counts, the code is a convenience. */
  if (!idw_qr_view_set_text (self->qr_view, self->response, NULL))
    gtk_widget_set_visible (GTK_WIDGET (self->qr_view), FALSE);

  /* Translators: %s is who asked */
  message = g_strdup_printf (_("Send this response back to %s: copy it as text, or let them scan the code."),
                             self->verifier);
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
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Copied")));
}

static void
idw_respond_dialog_dispose (GObject *object)
{
  IdwRespondDialog *self = IDW_RESPOND_DIALOG (object);

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
  g_clear_pointer (&self->response, g_free);

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
  gtk_widget_class_install_action (widget_class, "respond.review", NULL, review_action);
  gtk_widget_class_install_action (widget_class, "respond.decline", NULL, decline_action);
  gtk_widget_class_install_action (widget_class, "respond.share", NULL, share_action);
  gtk_widget_class_install_action (widget_class, "respond.copy", NULL, copy_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
idw_respond_dialog_init (IdwRespondDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
