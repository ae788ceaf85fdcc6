/* idw-wallet-view-import.c: importing IDs into the wallet
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The file chooser, drops and files opened from the command line all
 * import through idw_wallet_view_import_file(): the file is read on a
 * worker thread and given to the engine's import rules
 * (idw-store-import.h), whose refusals are worded here.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "idw-clipboard.h"
#include "idw-wallet-view-private.h"

/* ---- Importing ---------------------------------------------------------- */

typedef struct
{
  GFile    *file;
  IdwStore *store;
} ImportData;

static void
import_data_free (ImportData *data)
{
  g_clear_object (&data->file);
  g_clear_object (&data->store);
  g_free (data);
}

/* Ends @task with what the engine refused (idw-store-import.h), in the
 * words people read. */
static void
return_refusal (GTask        *task,
                const GError *error)
{
  if (g_error_matches (error, IDW_ERROR, IDW_ERROR_LIMIT))
    g_task_return_new_error (task, IDW_ERROR, IDW_ERROR_LIMIT, "%s",
                             _("This file is too large to be an ID credential."));
  else if (g_error_matches (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE))
    g_task_return_new_error (task, IDW_ERROR, IDW_ERROR_WRONG_TYPE, "%s",
                             _("This file is not an ID credential. ID Wallet imports the .idwcred files issuers give out, and mdoc files."));
  else if (g_error_matches (error, IDW_ERROR, IDW_ERROR_MALFORMED))
    g_task_return_new_error (task, IDW_ERROR, IDW_ERROR_MALFORMED,
                             /* Translators: %s is a technical detail */
                             _("This ID credential is damaged and cannot be used (%s). Ask its issuer for a new copy."),
                             error->message);
  else if (g_error_matches (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE))
    g_task_return_new_error (task, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE, "%s",
                             _("The issuer’s signature on this ID is not valid: it was changed after it was issued, or it is forged."));
  else if (g_error_matches (error, IDW_ERROR, IDW_ERROR_DUPLICATE))
    g_task_return_new_error (task, IDW_ERROR, IDW_ERROR_DUPLICATE, "%s",
                             _("This ID is already in your wallet."));
  else
    /* The keyring's and the store's own words. */
    g_task_return_error (task, g_error_copy (error));
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(IdwCredential) credential = NULL;
  g_autoptr(IdwStore) store = NULL;
  g_autoptr(GFileInfo) info = NULL;
  IdwStoreEntry *entry;

  /* Not read at all when it is too large. */
  info = g_file_query_info (data->file, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, cancellable, &error);
  if (info != NULL && g_file_info_get_size (info) > IDW_MAX_INPUT_FILE)
    {
      g_task_return_new_error (task, IDW_ERROR, IDW_ERROR_LIMIT, "%s",
                               _("This file is too large to be an ID credential."));
      return;
    }

  if (info != NULL)
    bytes = g_file_load_bytes (data->file, cancellable, NULL, &error);
  if (bytes == NULL)
    {
      g_task_return_new_error (task, IDW_ERROR, IDW_ERROR_IO,
                               /* Translators: %s is an error message */
                               _("The file cannot be read: %s"), error->message);
      return;
    }

  /* The checks that need no store come first: a file that is no ID is
   * said to be so even when the keyring cannot be reached. */
  credential = idw_store_import_check (bytes, &error);
  if (credential == NULL)
    {
      return_refusal (task, error);
      return;
    }

  store = _idw_wallet_view_open_store (data->store, cancellable, &error);
  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* An included private key goes to the keyring and nowhere else: the
   * store puts it there, and takes it back if the file cannot be written. */
  entry = idw_store_import_credential_sync (store, credential, NULL, NULL, cancellable, &error);
  if (entry == NULL)
    {
      return_refusal (task, error);
      return;
    }

  g_task_return_pointer (task, entry, g_object_unref);
}

void
idw_wallet_view_import_file (IdwWalletView       *self,
                             GFile               *file,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ImportData *data;

  g_return_if_fail (IDW_IS_WALLET_VIEW (self));
  g_return_if_fail (G_IS_FILE (file));

  data = g_new0 (ImportData, 1);
  data->file = g_object_ref (file);
  data->store = self->store != NULL ? g_object_ref (self->store) : NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, idw_wallet_view_import_file);
  g_task_set_task_data (task, data, (GDestroyNotify) import_data_free);
  g_task_run_in_thread (task, import_thread);
}

/**
 * idw_wallet_view_import_file_finish:
 *
 * Returns: (transfer full): the new entry; the view reloads its list
 */
IdwStoreEntry *
idw_wallet_view_import_file_finish (IdwWalletView  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  IdwStoreEntry *entry;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  entry = g_task_propagate_pointer (G_TASK (result), error);
  if (entry != NULL)
    {
      idw_wallet_view_reload (self);
      self->core->emit_imported (self, entry);
    }

  return entry;
}

static void
import_reported_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  IdwWalletView *self = IDW_WALLET_VIEW (source);
  g_autoptr(GFile) file = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwStoreEntry) entry = NULL;

  entry = idw_wallet_view_import_file_finish (self, result, &error);
  if (entry == NULL)
    {
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *body = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* The file name goes in the body: a long one would break mid-word
       * in the large heading. */
      /* Translators: %1$s is a file name, %2$s why it cannot be imported ("This file is not an ID credential. …") */
      body = g_strdup_printf (_("“%1$s”: %2$s"), name, error->message);
      self->core->show_message (self, _("Cannot Import the File"), body);
      return;
    }

  self->core->add_toast (self, adw_toast_new (_("ID added to your wallet")));
}

void
idw_wallet_view_import_and_report (IdwWalletView *self,
                                   GFile         *file)
{
  g_return_if_fail (IDW_IS_WALLET_VIEW (self));

  idw_wallet_view_import_file (self, file, self->cancellable, import_reported_cb, g_object_ref (file));
}

gboolean
idw_wallet_view_can_import (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autoptr(GFileInfo) info = NULL;
  const char *type;

  if (name != NULL && (g_str_has_suffix (name, ".idwcred") || g_str_has_suffix (name, ".cbor") ||
                       g_str_has_suffix (name, ".mdoc")))
    return TRUE;

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_CONTENT_TYPE,
                            G_FILE_QUERY_INFO_NONE, NULL, NULL);
  type = info != NULL ? g_file_info_get_content_type (info) : NULL;

  return type != NULL &&
         (g_content_type_is_a (type, "application/x-idwallet-credential") ||
          g_content_type_is_a (type, "application/cbor"));
}

static void
import_response_cb (GtkNativeDialog *chooser,
                    int              response,
                    IdwWalletView   *self)
{
  g_autoptr(GListModel) files = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));

  g_clear_object (&self->import_chooser);

  for (guint i = 0; files != NULL && i < g_list_model_get_n_items (files); i++)
    {
      g_autoptr(GFile) file = g_list_model_get_item (files, i);

      idw_wallet_view_import_and_report (self, file);
    }
}

void
idw_wallet_view_choose_import (IdwWalletView *self)
{
  g_autoptr(GtkFileFilter) credentials = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  g_return_if_fail (IDW_IS_WALLET_VIEW (self));

  if (self->import_chooser != NULL)
    return;

  self->import_chooser = gtk_file_chooser_native_new (_("Import an ID"), self->core->get_window (self),
                                                      GTK_FILE_CHOOSER_ACTION_OPEN,
                                                      _("_Import"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->import_chooser), TRUE);
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (self->import_chooser), TRUE);

  gtk_file_filter_set_name (credentials, _("ID credentials"));
  gtk_file_filter_add_pattern (credentials, "*.idwcred");
  gtk_file_filter_add_mime_type (credentials, "application/x-idwallet-credential");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->import_chooser), credentials);

  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->import_chooser), all);

  g_signal_connect (self->import_chooser, "response", G_CALLBACK (import_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->import_chooser));
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  idw_wallet_view_choose_import (IDW_WALLET_VIEW (widget));
}

/* Each file dropped is imported. */
static gboolean
dropped (GFile              *file,
         GdkTexture         *texture,
         const char         *text,
         IdwClipboardResult  result,
         gpointer            user_data)
{
  idw_wallet_view_import_and_report (IDW_WALLET_VIEW (user_data), file);
  return TRUE;
}

void
_idw_wallet_view_class_init_import (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "wallet.import", NULL, import_action);
}

void
_idw_wallet_view_init_import (IdwWalletView *self)
{
  GtkDropTarget *drop = idw_clipboard_drop_target_new (IDW_CLIPBOARD_ALL_FILES, dropped, self);

  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));
}

void
_idw_wallet_view_dispose_import (IdwWalletView *self)
{
  if (self->import_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->import_chooser));
  g_clear_object (&self->import_chooser);
}
