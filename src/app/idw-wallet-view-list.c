/* idw-wallet-view-list.c: the wallet view's list of IDs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store is opened and listed on a worker thread, with whether this
 * computer holds each ID's device key; the list shows a row
 * (IdwCredentialRow) for each ID, and the files that cannot be read with a
 * button that removes them.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "idw-credential-row.h"
#include "idw-ui-util.h"
#include "idw-wallet-view-private.h"

static void rebuild_rows (IdwWalletView *self);

IdwStoreEntry *
_idw_wallet_view_find_entry (IdwWalletView *self,
                             const char    *id)
{
  for (guint i = 0; self->entries != NULL && i < self->entries->len; i++)
    {
      IdwStoreEntry *entry = g_ptr_array_index (self->entries, i);

      if (g_strcmp0 (idw_store_entry_get_id (entry), id) == 0)
        return entry;
    }

  return NULL;
}

gboolean
_idw_wallet_view_has_key (IdwWalletView *self,
                          const char    *id)
{
  return self->has_key != NULL && g_hash_table_contains (self->has_key, id);
}

gboolean
_idw_wallet_view_key_in_tpm (IdwWalletView *self,
                             const char    *id)
{
  return self->key_in_tpm != NULL && g_hash_table_contains (self->key_in_tpm, id);
}

const char *
_idw_wallet_view_key_problem (IdwWalletView *self,
                              const char    *id)
{
  return self->key_problem != NULL ? g_hash_table_lookup (self->key_problem, id) : NULL;
}

/* ---- Loading ------------------------------------------------------------ */

typedef struct
{
  IdwStore   *store;
  GPtrArray  *entries;
  GHashTable *has_key;
  GHashTable *key_in_tpm;
  GHashTable *key_problem;
  char       *state;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->store);
  g_clear_pointer (&data->entries, g_ptr_array_unref);
  g_clear_pointer (&data->has_key, g_hash_table_unref);
  g_clear_pointer (&data->key_in_tpm, g_hash_table_unref);
  g_clear_pointer (&data->key_problem, g_hash_table_unref);
  g_free (data->state);
  g_free (data);
}

IdwStore *
_idw_wallet_view_open_store (IdwStore      *store,
                             GCancellable  *cancellable,
                             GError       **error)
{
  g_autofree char *directory = NULL;

  if (store != NULL)
    return g_object_ref (store);

  directory = idw_store_get_default_directory ();
  return idw_store_open_sync (directory, cancellable, error);
}

/* Whether this computer holds the device key of entry @id, in @data. The
 * lookup already loads a TPM-bound key into the TPM, so whether it is one
 * and why it cannot be used come with it, and opening a card later touches
 * the TPM no more. */
static void
check_device_key (LoadData      *data,
                  const char    *id,
                  IdwCredential *credential,
                  GCancellable  *cancellable)
{
  g_autofree char *fingerprint = idw_key_get_fingerprint (idw_credential_get_device_key (credential));
  g_autoptr(IdwKey) key = NULL;
  g_autoptr(GError) error = NULL;

  key = idw_keystore_lookup_device_key_sync (fingerprint, cancellable, &error);
  if (key != NULL)
    {
      g_hash_table_add (data->has_key, g_strdup (id));
      if (idw_key_is_hardware (key))
        g_hash_table_add (data->key_in_tpm, g_strdup (id));
      return;
    }

  /* A key from another computer's TPM, or a TPM gone: the engine says
   * which, and what to do, better than "not in the keyring". */
  if (g_error_matches (error, IDW_ERROR, IDW_ERROR_WRONG_TPM)
      || g_error_matches (error, IDW_ERROR, IDW_ERROR_NO_TPM))
    g_hash_table_insert (data->key_problem, g_strdup (id), g_strdup (error->message));
  else if (error != NULL && !g_error_matches (error, IDW_ERROR, IDW_ERROR_NOT_FOUND))
    g_debug ("Looking up a device key: %s", error->message);
}

static void
load_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  IdwStore *store = task_data;
  LoadData *data = g_new0 (LoadData, 1);
  GError *error = NULL;

  data->store = _idw_wallet_view_open_store (store, cancellable, &error);
  if (data->store == NULL)
    {
      load_data_free (data);
      g_task_return_error (task, error);
      return;
    }

  /* Before the listing: a change made while it runs shows as a new state
   * (idw-wallet-view-watch.c). */
  data->state = idw_store_get_state (data->store, NULL);
  data->entries = idw_store_list_sync (data->store, cancellable, &error);
  if (data->entries == NULL)
    {
      load_data_free (data);
      g_task_return_error (task, error);
      return;
    }

  data->has_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  data->key_in_tpm = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  data->key_problem = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < data->entries->len; i++)
    {
      IdwStoreEntry *entry = g_ptr_array_index (data->entries, i);
      IdwCredential *credential = idw_store_entry_get_credential (entry);

      /* Restored from a backup without its key, which stayed in the TPM
       * of the computer the backup was made on: no key to look up. */
      if (credential != NULL && idw_store_entry_get_reissue_needed (entry))
        g_hash_table_insert (data->key_problem, g_strdup (idw_store_entry_get_id (entry)),
                             g_strdup (_("Re-issue needed on this device. The key of this ID stayed in the TPM "
                                         "of the computer its backup was made on, and cannot leave it: ask the "
                                         "issuer to issue the ID to this device.")));
      else if (credential != NULL)
        check_device_key (data, idw_store_entry_get_id (entry), credential, cancellable);
    }

  g_task_return_pointer (task, data, (GDestroyNotify) load_data_free);
}

static void
load_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  IdwWalletView *self = IDW_WALLET_VIEW (source);
  g_autoptr(GError) error = NULL;
  LoadData *data;

  data = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading = FALSE;

  if (data == NULL)
    {
      /* A status page's description is always markup. */
      g_autofree char *description = idw_ui_escape_markup (error->message);

      adw_status_page_set_description (self->error_page, description);
      gtk_stack_set_visible_child_name (self->list_stack, "error");
    }
  else
    {
      g_set_object (&self->store, data->store);
      g_clear_pointer (&self->entries, g_ptr_array_unref);
      self->entries = g_steal_pointer (&data->entries);
      g_clear_pointer (&self->has_key, g_hash_table_unref);
      self->has_key = g_steal_pointer (&data->has_key);
      g_clear_pointer (&self->key_in_tpm, g_hash_table_unref);
      self->key_in_tpm = g_steal_pointer (&data->key_in_tpm);
      g_clear_pointer (&self->key_problem, g_hash_table_unref);
      self->key_problem = g_steal_pointer (&data->key_problem);
      /* What idw-wallet-view-watch.c compares the folder with. */
      g_free (self->store_state);
      self->store_state = g_steal_pointer (&data->state);
      load_data_free (data);
      rebuild_rows (self);
    }

  if (self->load_again)
    {
      self->load_again = FALSE;
      idw_wallet_view_reload (self);
      return;
    }

  self->core->emit_loaded (self);
}

/**
 * idw_wallet_view_reload:
 *
 * Opens the store when needed and lists it again, off the main thread.
 * #IdwWalletView::loaded is emitted when the list is up to date.
 */
void
idw_wallet_view_reload (IdwWalletView *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (IDW_IS_WALLET_VIEW (self));

  if (self->loading)
    {
      self->load_again = TRUE;
      return;
    }

  self->loading = TRUE;
  task = g_task_new (self, self->cancellable, load_cb, NULL);
  g_task_set_source_tag (task, idw_wallet_view_reload);
  if (self->store != NULL)
    g_task_set_task_data (task, g_object_ref (self->store), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

IdwStore *
idw_wallet_view_get_store (IdwWalletView *self)
{
  g_return_val_if_fail (IDW_IS_WALLET_VIEW (self), NULL);

  return self->store;
}

/* ---- The list ----------------------------------------------------------- */

static void
remove_damaged_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  IdwWalletView *self = IDW_WALLET_VIEW (source);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->core->show_message (self, _("Cannot Remove the File"), error->message);
    }

  idw_wallet_view_reload (self);
}

static void
remove_damaged_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  IdwWalletView *self = source_object;
  const char *id = task_data;
  GError *error = NULL;

  if (!idw_store_remove_damaged_sync (self->store, id, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
remove_damaged_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  IdwWalletView *self = IDW_WALLET_VIEW (widget);
  g_autoptr(GTask) task = NULL;

  if (self->store == NULL)
    return;

  task = g_task_new (self, self->cancellable, remove_damaged_cb, NULL);
  g_task_set_task_data (task, g_variant_dup_string (parameter, NULL), g_free);
  g_task_run_in_thread (task, remove_damaged_thread);
}

static GtkWidget *
damaged_row_new (IdwStoreEntry *entry)
{
  const GError *error = idw_store_entry_get_error (entry);
  g_autofree char *name = g_path_get_basename (idw_store_entry_get_path (entry));
  /* The reason may quote the damaged credential. */
  g_autofree char *reason = idw_ui_escape_text (error != NULL ? error->message : NULL);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               reason != NULL ? reason : _("This file cannot be read."));
  adw_action_row_set_icon_name (ADW_ACTION_ROW (row), "dialog-warning-symbolic");

  button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Remove"));
  gtk_widget_add_css_class (button, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "wallet.remove-damaged");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", idw_store_entry_get_id (entry));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove"),
                                  -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  return row;
}

static void
clear_list_box (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

void
_idw_wallet_view_update_list_state (IdwWalletView *self)
{
  gboolean any = FALSE;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->cards_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    any |= gtk_widget_get_visible (child);

  gtk_widget_set_visible (self->cards_group, any);
  any |= gtk_widget_get_first_child (GTK_WIDGET (self->damaged_list)) != NULL;

  gtk_stack_set_visible_child_name (self->list_stack, any ? "list" : "empty");
}

static void
rebuild_rows (IdwWalletView *self)
{
  gboolean any_damaged = FALSE;

  clear_list_box (self->cards_list);
  clear_list_box (self->damaged_list);

  for (guint i = 0; i < self->entries->len; i++)
    {
      IdwStoreEntry *entry = g_ptr_array_index (self->entries, i);

      if (idw_store_entry_is_damaged (entry))
        {
          gtk_list_box_append (self->damaged_list, damaged_row_new (entry));
          any_damaged = TRUE;
        }
      else if (!g_hash_table_contains (self->pending, idw_store_entry_get_id (entry)))
        {
          const char *id = idw_store_entry_get_id (entry);
          GtkWidget *row = idw_credential_row_new (entry, _idw_wallet_view_has_key (self, id));

          gtk_list_box_append (self->cards_list, row);
          _idw_wallet_view_load_row_status (self, row, idw_store_entry_get_credential (entry));
        }
    }

  gtk_widget_set_visible (self->damaged_group, any_damaged);
  _idw_wallet_view_update_list_state (self);
}

/**
 * idw_wallet_view_get_rows:
 *
 * Returns: (transfer full): the card rows, a live list
 */
GListModel *
idw_wallet_view_get_rows (IdwWalletView *self)
{
  g_return_val_if_fail (IDW_IS_WALLET_VIEW (self), NULL);

  return gtk_widget_observe_children (GTK_WIDGET (self->cards_list));
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  idw_wallet_view_reload (IDW_WALLET_VIEW (widget));
}

void
_idw_wallet_view_class_init_list (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "wallet.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "wallet.remove-damaged", "s", remove_damaged_action);
}
