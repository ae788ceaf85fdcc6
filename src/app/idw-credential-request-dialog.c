/* idw-credential-request-dialog.c: ask an issuer for a credential
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Makes a device key, in this computer's TPM when one can be used and the
 * person leaves the switch on, otherwise in the keyring, and shows the
 * credential request of DESIGN §3.2 as a QR code, as IDWC1: text to copy
 * and as a file to save. The issuer answers with a credential bound to
 * that key, which the wallet then imports and can present.
 *
 * Every TPM call blocks (idw-tpm.h): the probe when the dialog opens and
 * the key's creation run on worker threads.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "idwallet.h"

#include "idw-credential-request-dialog.h"
#include "idw-qr-view.h"
#include "idw-ui-util.h"

struct _IdwCredentialRequestDialog
{
  AdwWindow        parent_instance;

  GtkStack        *stack;
  AdwActionRow    *tpm_row;
  GtkSwitch       *tpm_switch;
  AdwStatusPage   *working_page;
  GtkLabel        *ready_label;
  AdwStatusPage   *error_page;
  AdwToastOverlay *toast_overlay;
  IdwQrView       *qr_view;
  GtkLabel        *fingerprint_label;

  GCancellable    *cancellable;
  char            *key_name;
  GBytes          *request_bytes;
  char            *request_text;
};

G_DEFINE_FINAL_TYPE (IdwCredentialRequestDialog, idw_credential_request_dialog, ADW_TYPE_WINDOW)

static void
show_error (IdwCredentialRequestDialog *self,
            const GError               *error)
{
  /* A status page's description is always markup. */
  g_autofree char *description = idw_ui_escape_markup (error->message);

  adw_status_page_set_description (self->error_page, description);
  gtk_stack_set_visible_child_name (self->stack, "error");
}

/* @request: (nullable) (transfer full): made with the key already (a TPM
 * key's, certified in the worker), or NULL to make it here. */
static void
key_ready (IdwCredentialRequestDialog *self,
           IdwKey                     *key,
           IdwCredentialRequest       *made,
           const GError               *key_error)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCredentialRequest) request = made;
  g_autofree char *fingerprint = NULL;
  g_autofree char *grouped = NULL;
  g_autofree char *label = NULL;

  if (key == NULL)
    {
      if (!g_error_matches (key_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, key_error);
      return;
    }

  if (request == NULL)
    request = idw_credential_request_new (key, NULL, &error);
  if (request == NULL)
    {
      show_error (self, error);
      return;
    }

  self->request_bytes = idw_credential_request_to_bytes (request);
  self->request_text = idw_credential_request_to_text (request);
  if (!idw_qr_view_set_text (self->qr_view, self->request_text, &error))
    {
      show_error (self, error);
      return;
    }

  fingerprint = idw_key_get_fingerprint (idw_credential_request_get_device_key (request));
  grouped = idw_ui_format_fingerprint (fingerprint);
  /* Translators: %s is the key's SHA-256 fingerprint in groups of four. */
  label = g_strdup_printf (_("Key fingerprint: %s"), grouped);
  gtk_label_set_label (self->fingerprint_label, label);
  if (idw_key_is_hardware (key))
    gtk_label_set_label (self->ready_label,
                         _("Give this request to the office that issues your ID: show the code, send the text, "
                           "or save it as a file. It holds a new public key for the ID; the private key stays "
                           "in this computer’s TPM and can never be copied, so only this computer can present "
                           "the ID you get back."));

  gtk_stack_set_visible_child_name (self->stack, "ready");
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "request.copy", TRUE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "request.save", TRUE);
}

static void
keyring_key_created_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(IdwCredentialRequestDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) key = idw_keystore_create_device_key_finish (result, &error);

  key_ready (self, key, NULL, error);
}

/* A TPM key and its request, made off the main loop. */
typedef struct
{
  IdwKey               *key;
  IdwCredentialRequest *request;
} TpmRequest;

static void
tpm_request_free (TpmRequest *made)
{
  g_clear_pointer (&made->key, idw_key_unref);
  g_clear_pointer (&made->request, idw_credential_request_free);
  g_free (made);
}

static void
create_tpm_key_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  const char *name = task_data;
  GError *error = NULL;
  TpmRequest *made;
  IdwKey *key = idw_keystore_create_tpm_device_key_sync (name, cancellable, &error);

  if (key == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  made = g_new0 (TpmRequest, 1);
  made->key = key;
  /* The TPM certifies the key for the issuer (docs/formats.md §11.1); a
   * TPM that will not (its endorsement hierarchy has a password) still
   * gives a request, which the issuer reports as not proven. Signing
   * blocks on the TPM: here, not on the main loop. */
  made->request = idw_credential_request_new_certified (key, NULL, &error);
  if (made->request == NULL && g_error_matches (error, IDW_ERROR, IDW_ERROR_FAILED))
    {
      g_debug ("The TPM did not certify the device key: %s", error->message);
      g_clear_error (&error);
      made->request = idw_credential_request_new (key, NULL, &error);
    }
  if (made->request == NULL)
    {
      tpm_request_free (made);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, made, (GDestroyNotify) tpm_request_free);
}

static void
tpm_key_created_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  IdwCredentialRequestDialog *self = IDW_CREDENTIAL_REQUEST_DIALOG (object);
  g_autoptr(GError) error = NULL;
  TpmRequest *made = g_task_propagate_pointer (G_TASK (result), &error);

  if (made == NULL)
    {
      key_ready (self, NULL, NULL, error);
      return;
    }
  key_ready (self, made->key, g_steal_pointer (&made->request), NULL);
  tpm_request_free (made);
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  IdwCredentialRequestDialog *self = IDW_CREDENTIAL_REQUEST_DIALOG (widget);

  gtk_widget_action_set_enabled (widget, "request.create", FALSE);

  /* With the switch on, a TPM key or an error: never quietly a key that
   * can be copied instead. */
  if (gtk_switch_get_active (self->tpm_switch))
    {
      g_autoptr(GTask) task = g_task_new (self, self->cancellable, tpm_key_created_cb, NULL);

      adw_status_page_set_description (self->working_page,
                                       _("A new key for this ID is being created in this computer’s TPM."));
      g_task_set_source_tag (task, create_action);
      g_task_set_task_data (task, g_strdup (self->key_name), g_free);
      g_task_run_in_thread (task, create_tpm_key_thread);
    }
  else
    idw_keystore_create_device_key (self->key_name, self->cancellable, keyring_key_created_cb,
                                    g_object_ref (self));

  gtk_stack_set_visible_child_name (self->stack, "working");
}

static void
probe_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;

  if (idw_tpm_probe (&error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
probe_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  IdwCredentialRequestDialog *self = IDW_CREDENTIAL_REQUEST_DIALOG (object);
  g_autoptr(GError) error = NULL;
  gboolean usable = g_task_propagate_boolean (G_TASK (result), &error);

  /* The task holds the dialog until the probe is done; a closed dialog
   * has nothing to update. */
  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  if (usable)
    adw_action_row_set_subtitle (self->tpm_row, _("The key can never be copied to another computer"));
  else
    {
      /* The engine's reason, which begins "No TPM is available: …". */
      g_autofree char *subtitle = idw_ui_escape_markup (error->message);

      adw_action_row_set_subtitle (self->tpm_row, subtitle);
    }
  gtk_switch_set_active (self->tpm_switch, usable);
  /* Only the switch goes insensitive: the reason in the row's subtitle must
   * stay readable (an insensitive row dims it below 3:1). */
  gtk_widget_set_sensitive (GTK_WIDGET (self->tpm_switch), usable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "request.create", TRUE);
}

/**
 * idw_credential_request_dialog_get_text:
 *
 * Returns: (nullable): the "IDWC1:" text once the request is ready
 */
const char *
idw_credential_request_dialog_get_text (IdwCredentialRequestDialog *self)
{
  g_return_val_if_fail (IDW_IS_CREDENTIAL_REQUEST_DIALOG (self), NULL);

  return self->request_text;
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  IdwCredentialRequestDialog *self = IDW_CREDENTIAL_REQUEST_DIALOG (widget);

  if (self->request_text == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->request_text);
  idw_ui_add_toast (GTK_WIDGET (self->toast_overlay), adw_toast_new (_("Copied")));
}

static void
saved_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(IdwCredentialRequestDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Translators: %s is why a file could not be written. */
      message = g_strdup_printf (_("Could not save the request: %s"), error->message);
    }
  else
    message = g_strdup (_("Request saved"));

  idw_ui_add_toast (GTK_WIDGET (self->toast_overlay), idw_ui_toast_new (message));
}

static void
save_chosen (gpointer  instance,
             GFile    *file)
{
  IdwCredentialRequestDialog *self = instance;

  if (self->request_bytes != NULL)
    g_file_replace_contents_bytes_async (file, self->request_bytes, NULL, FALSE,
                                         G_FILE_CREATE_REPLACE_DESTINATION,
                                         self->cancellable, saved_cb, g_object_ref (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  idw_ui_choose_save_file (widget, _("Save Credential Request"), _("_Save"), "credential-request.cbor", NULL,
                           save_chosen, widget);
}

IdwCredentialRequestDialog *
idw_credential_request_dialog_new (GtkWindow *parent)
{
  IdwCredentialRequestDialog *self;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = idw_ui_format_date (now);
  g_autofree char *name = NULL;

  self = g_object_new (IDW_TYPE_CREDENTIAL_REQUEST_DIALOG,
                       "transient-for", parent,
                       NULL);

  /* Translators: names the key in the keyring (Seahorse shows it); %s is a date. */
  name = g_strdup_printf (_("a credential requested on %s"), date);
  self->key_name = g_steal_pointer (&name);

  return self;
}

static void
idw_credential_request_dialog_dispose (GObject *object)
{
  IdwCredentialRequestDialog *self = IDW_CREDENTIAL_REQUEST_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), IDW_TYPE_CREDENTIAL_REQUEST_DIALOG);

  G_OBJECT_CLASS (idw_credential_request_dialog_parent_class)->dispose (object);
}

static void
idw_credential_request_dialog_finalize (GObject *object)
{
  IdwCredentialRequestDialog *self = IDW_CREDENTIAL_REQUEST_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_free (self->key_name);
  g_clear_pointer (&self->request_bytes, g_bytes_unref);
  g_free (self->request_text);

  G_OBJECT_CLASS (idw_credential_request_dialog_parent_class)->finalize (object);
}

static void
idw_credential_request_dialog_class_init (IdwCredentialRequestDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = idw_credential_request_dialog_dispose;
  object_class->finalize = idw_credential_request_dialog_finalize;

  g_type_ensure (IDW_TYPE_QR_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE "/idw-credential-request-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, IdwCredentialRequestDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, IdwCredentialRequestDialog, tpm_row);
  gtk_widget_class_bind_template_child (widget_class, IdwCredentialRequestDialog, tpm_switch);
  gtk_widget_class_bind_template_child (widget_class, IdwCredentialRequestDialog, working_page);
  gtk_widget_class_bind_template_child (widget_class, IdwCredentialRequestDialog, ready_label);
  gtk_widget_class_bind_template_child (widget_class, IdwCredentialRequestDialog, error_page);
  gtk_widget_class_bind_template_child (widget_class, IdwCredentialRequestDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, IdwCredentialRequestDialog, qr_view);
  gtk_widget_class_bind_template_child (widget_class, IdwCredentialRequestDialog, fingerprint_label);

  gtk_widget_class_install_action (widget_class, "request.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "request.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "request.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "request.copy", NULL);
}

static void
idw_credential_request_dialog_init (IdwCredentialRequestDialog *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  /* Until the probe says whether the switch may be on. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "request.create", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "request.copy", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "request.save", FALSE);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->qr_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("QR code with your credential request"),
                                  -1);

  {
    g_autoptr(GTask) probe = g_task_new (self, self->cancellable, probe_cb, NULL);

    g_task_set_source_tag (probe, probe_thread);
    g_task_run_in_thread (probe, probe_thread);
  }
}
