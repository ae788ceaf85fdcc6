/* idw-wallet-view.c: the holder's IDs, their cards and presenting them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every store and keyring call runs in a worker thread (GTask): the keyring
 * may prompt and the files are encrypted, so the main loop never waits.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "idw-card-page.h"
#include "idw-present-page.h"
#include "idw-respond-dialog.h"
#include "idw-ui-util.h"
#include "idw-wallet-view.h"
#include "idw-window.h"

typedef struct
{
  IdwWalletView *view;     /* weak */
  IdwStore      *store;
  char          *id;
  GtkWidget     *row;
  gboolean       undone;
  gboolean       done;
} PendingDeletion;

struct _IdwWalletView
{
  AdwBin                parent_instance;

  IdwStore             *store;
  GCancellable         *cancellable;
  GPtrArray            *entries;      /* IdwStoreEntry */
  GHashTable           *has_key;      /* id → TRUE when the device key is here */
  GHashTable           *pending;      /* id → PendingDeletion */
  gboolean              loading;
  gboolean              load_again;
  gboolean              pushing;
  guint                 cleanup_id;

  GtkFileChooserNative *import_chooser;

  AdwLeaflet           *leaflet;
  GtkStack             *list_stack;
  AdwStatusPage        *error_page;
  GtkWidget            *cards_group;
  GtkListBox           *cards_list;
  GtkWidget            *damaged_group;
  GtkListBox           *damaged_list;
};

G_DEFINE_FINAL_TYPE (IdwWalletView, idw_wallet_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CAN_GO_BACK,
  N_PROPS
};

enum {
  SIGNAL_LOADED,
  SIGNAL_IMPORTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Deletions started and not finished yet, in any view. */
static guint deletions_running;

static void rebuild_rows (IdwWalletView *self);

static void
pending_deletion_free (PendingDeletion *pending)
{
  g_clear_weak_pointer (&pending->view);
  g_clear_object (&pending->store);
  g_clear_object (&pending->row);
  g_free (pending->id);
  g_free (pending);
}

static GtkWindow *
get_window (IdwWalletView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
add_toast (IdwWalletView *self,
           AdwToast      *toast)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), IDW_TYPE_WINDOW);

  if (window != NULL)
    idw_window_add_toast (IDW_WINDOW (window), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

static void
show_message (IdwWalletView *self,
              const char    *heading,
              const char    *body)
{
  /* Plain text (no markup), but the body may quote a credential: its
   * controls are made visible. */
  g_autofree char *shown_heading = idw_ui_escape_text (heading);
  g_autofree char *shown_body = idw_ui_escape_text (body);
  GtkWidget *dialog = adw_message_dialog_new (get_window (self), shown_heading, shown_body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static IdwStoreEntry *
find_entry (IdwWalletView *self,
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

/* ---- Loading ------------------------------------------------------------ */

typedef struct
{
  IdwStore   *store;
  GPtrArray  *entries;
  GHashTable *has_key;
} LoadData;

static void
load_data_free (LoadData *data)
{
  g_clear_object (&data->store);
  g_clear_pointer (&data->entries, g_ptr_array_unref);
  g_clear_pointer (&data->has_key, g_hash_table_unref);
  g_free (data);
}

static IdwStore *
open_store (IdwStore      *store,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autofree char *directory = NULL;

  if (store != NULL)
    return g_object_ref (store);

  directory = idw_store_get_default_directory ();
  return idw_store_open_sync (directory, cancellable, error);
}

static gboolean
device_key_is_here (IdwCredential *credential,
                    GCancellable  *cancellable)
{
  g_autofree char *fingerprint = idw_key_get_fingerprint (idw_credential_get_device_key (credential));
  g_autoptr(IdwKey) key = NULL;
  g_autoptr(GError) error = NULL;

  key = idw_keystore_lookup_device_key_sync (fingerprint, cancellable, &error);
  if (key == NULL && !g_error_matches (error, IDW_ERROR, IDW_ERROR_NOT_FOUND) && error != NULL)
    g_debug ("Looking up a device key: %s", error->message);

  return key != NULL;
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

  data->store = open_store (store, cancellable, &error);
  if (data->store == NULL)
    {
      load_data_free (data);
      g_task_return_error (task, error);
      return;
    }

  data->entries = idw_store_list_sync (data->store, cancellable, &error);
  if (data->entries == NULL)
    {
      load_data_free (data);
      g_task_return_error (task, error);
      return;
    }

  data->has_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < data->entries->len; i++)
    {
      IdwStoreEntry *entry = g_ptr_array_index (data->entries, i);
      IdwCredential *credential = idw_store_entry_get_credential (entry);

      if (credential != NULL && device_key_is_here (credential, cancellable))
        g_hash_table_add (data->has_key, g_strdup (idw_store_entry_get_id (entry)));
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
      load_data_free (data);
      rebuild_rows (self);
    }

  if (self->load_again)
    {
      self->load_again = FALSE;
      idw_wallet_view_reload (self);
      return;
    }

  g_signal_emit (self, signals[SIGNAL_LOADED], 0);
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

static GtkWidget *
tag_new (const char *text,
         const char *style)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "idw-tag");
  /* Narrow windows and large text: a tag wraps rather than squeezing the
   * holder's name into a column of single letters. */
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD);
  gtk_label_set_natural_wrap_mode (GTK_LABEL (label), GTK_NATURAL_WRAP_NONE);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  if (style != NULL)
    gtk_widget_add_css_class (label, style);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);

  return label;
}

static char *
dup_issuer_name (IdwCredential *credential)
{
  IdwCertificate *ds = idw_credential_get_ds_certificate (credential);
  char *name = idw_ui_credential_dup_text (credential, "issuing_authority");
  g_autofree char *from_certificate = NULL;

  if (name != NULL)
    return name;

  if (ds != NULL)
    from_certificate = idw_certificate_get_organization (ds);
  if (from_certificate == NULL && ds != NULL)
    from_certificate = idw_certificate_get_common_name (ds);
  if (from_certificate != NULL)
    return idw_ui_escape_text (from_certificate);

  return g_strdup (_("Unknown issuer"));
}

static GtkWidget *
card_row_new (IdwWalletView *self,
              IdwStoreEntry *entry)
{
  IdwCredential *credential = idw_store_entry_get_credential (entry);
  const char *id = idw_store_entry_get_id (entry);
  /* What the credential says, escaped (the row has no markup). */
  g_autofree char *national = idw_ui_credential_national_name (credential);
  g_autofree char *raw_latin = idw_credential_dup_holder_name (credential);
  g_autofree char *latin = idw_ui_escape_text (raw_latin);
  g_autofree char *document = idw_ui_escape_text (idw_credential_get_display_name (credential));
  g_autofree char *issuer = dup_issuer_name (credential);
  g_autofree char *validity = idw_ui_credential_validity (credential);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GDateTime *from = idw_credential_get_valid_from (credential);
  GDateTime *until = idw_credential_get_valid_until (credential);
  GtkWidget *row, *swatch, *tags;

  if (national != NULL && latin != NULL && g_strcmp0 (national, latin) != 0)
    /* Translators: a name in national characters and in Latin letters, "张伟 (Wei Zhang)" */
    title = g_strdup_printf (_("%1$s (%2$s)"), national, latin);
  else if (national != NULL)
    title = g_steal_pointer (&national);
  else if (latin != NULL)
    title = g_steal_pointer (&latin);
  else
    title = g_strdup (_("Unnamed ID"));

  /* Translators: the document type and its issuer, then the validity, "Mobile driving licence · Demo Issuer" */
  subtitle = g_strdup_printf (_("%1$s · %2$s\n%3$s"), document, issuer, validity);

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "idw-id", g_strdup (id), g_free);

  swatch = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_widget_add_css_class (swatch, "idw-card-swatch");
  gtk_widget_add_css_class (swatch, idw_ui_doctype_style (idw_credential_get_doctype (credential)));
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), swatch);

  tags = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  gtk_widget_set_valign (tags, GTK_ALIGN_CENTER);
  gtk_widget_set_halign (tags, GTK_ALIGN_END);
  if (until != NULL && g_date_time_compare (now, until) > 0)
    gtk_box_append (GTK_BOX (tags), tag_new (_("Expired"), "error"));
  else if (from != NULL && g_date_time_compare (now, from) < 0)
    gtk_box_append (GTK_BOX (tags), tag_new (_("Not yet valid"), "warning"));
  if (idw_credential_is_test_issuer (credential))
    gtk_box_append (GTK_BOX (tags), tag_new (_("Test issuer"), "warning"));
  if (self->has_key == NULL || !g_hash_table_contains (self->has_key, id))
    gtk_box_append (GTK_BOX (tags), tag_new (_("Cannot be presented from this device"), NULL));
  if (gtk_widget_get_first_child (tags) != NULL)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), tags);
  else
    g_object_unref (g_object_ref_sink (tags));

  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));

  return row;
}

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
      show_message (self, _("Cannot Remove the File"), error->message);
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

static void
update_list_state (IdwWalletView *self)
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
          gtk_list_box_append (self->cards_list, card_row_new (self, entry));
        }
    }

  gtk_widget_set_visible (self->damaged_group, any_damaged);
  update_list_state (self);
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

/* ---- Navigation --------------------------------------------------------- */

static GtkWidget *
list_page (IdwWalletView *self)
{
  return adw_leaflet_get_child_by_name (self->leaflet, "list");
}

static void
remove_pages_after_visible (IdwWalletView *self)
{
  GtkWidget *next;

  /* Appending a page ends a running transition, which lands here: the new
   * page is not visible yet and must stay. */
  if (self->pushing)
    return;

  while ((next = adw_leaflet_get_adjacent_child (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD)) != NULL)
    adw_leaflet_remove (self->leaflet, next);
}

static gboolean
cleanup_cb (gpointer user_data)
{
  IdwWalletView *self = user_data;

  self->cleanup_id = 0;
  if (!adw_leaflet_get_child_transition_running (self->leaflet))
    remove_pages_after_visible (self);

  return G_SOURCE_REMOVE;
}

/* Pages left behind go once the transition is over; not from inside the
 * leaflet's own notification, which still uses them. */
static void
schedule_cleanup (IdwWalletView *self)
{
  if (self->cleanup_id == 0 && !adw_leaflet_get_child_transition_running (self->leaflet))
    self->cleanup_id = g_idle_add (cleanup_cb, self);
}

static void
leaflet_transition_cb (IdwWalletView *self)
{
  schedule_cleanup (self);
}

static void
leaflet_visible_child_cb (IdwWalletView *self)
{
  schedule_cleanup (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_GO_BACK]);
}

static void
push_page (IdwWalletView *self,
           GtkWidget     *page)
{
  gboolean move_focus = idw_ui_owns_focus (GTK_WIDGET (self));

  remove_pages_after_visible (self);
  self->pushing = TRUE;
  adw_leaflet_append (self->leaflet, page);
  adw_leaflet_set_visible_child (self->leaflet, page);
  self->pushing = FALSE;

  /* The focus goes with the person to the new page, on what it is for. */
  if (move_focus && IDW_IS_CARD_PAGE (page))
    idw_card_page_focus_default (IDW_CARD_PAGE (page));
  else if (move_focus && IDW_IS_PRESENT_PAGE (page))
    idw_present_page_focus_default (IDW_PRESENT_PAGE (page));
}

GtkWidget *
idw_wallet_view_get_visible_page (IdwWalletView *self)
{
  GtkWidget *visible;

  g_return_val_if_fail (IDW_IS_WALLET_VIEW (self), NULL);

  visible = adw_leaflet_get_visible_child (self->leaflet);
  if (visible == NULL || visible == list_page (self))
    return NULL;

  return visible;
}

gboolean
idw_wallet_view_get_can_go_back (IdwWalletView *self)
{
  g_return_val_if_fail (IDW_IS_WALLET_VIEW (self), FALSE);

  return idw_wallet_view_get_visible_page (self) != NULL;
}

void
idw_wallet_view_go_back (IdwWalletView *self)
{
  g_return_if_fail (IDW_IS_WALLET_VIEW (self));

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
go_back_to_list (IdwWalletView *self)
{
  adw_leaflet_set_visible_child (self->leaflet, list_page (self));
  /* The pages left behind go when the transition back is over (see
   * leaflet_transition_cb): the running animation still uses them. */
  if (adw_leaflet_get_child_transition_running (self->leaflet))
    return;
  remove_pages_after_visible (self);
}

/* ---- Device keys for presenting ------------------------------------------ */

typedef enum
{
  KEY_FOR_PRESENT,
  KEY_FOR_RESPOND,
} KeyPurpose;

typedef struct
{
  GWeakRef     view;
  IdwCardPage *page;
  KeyPurpose   purpose;
} KeyRequest;

static void
key_request_free (KeyRequest *request)
{
  g_weak_ref_clear (&request->view);
  g_clear_object (&request->page);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KeyRequest, key_request_free)

static void
explain_cannot_present (IdwWalletView *self,
                        const GError  *error)
{
  if (error != NULL && !g_error_matches (error, IDW_ERROR, IDW_ERROR_NOT_FOUND))
    show_message (self, _("Cannot Reach the Keyring"), error->message);
  else
    show_message (self, _("This ID Cannot Be Presented Here"),
                  _("Presenting an ID needs the key it was issued to, and this computer’s keyring does not have it. "
                    "Import the credential file that came with its key, or present the ID from the device it was issued to."));
}

static void
key_lookup_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(KeyRequest) request = user_data;
  g_autoptr(IdwWalletView) self = g_weak_ref_get (&request->view);
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) key = NULL;
  IdwCredential *credential;

  key = idw_keystore_lookup_device_key_finish (result, &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (key == NULL)
    {
      explain_cannot_present (self, error);
      idw_card_page_set_can_present (request->page, FALSE);
      return;
    }

  credential = idw_card_page_get_credential (request->page);
  if (request->purpose == KEY_FOR_PRESENT)
    {
      if (gtk_widget_get_parent (GTK_WIDGET (request->page)) == GTK_WIDGET (self->leaflet))
        push_page (self, idw_present_page_new (credential, key));
    }
  else
    {
      IdwRespondDialog *dialog = idw_respond_dialog_new (get_window (self), credential, key);

      gtk_window_present (GTK_WINDOW (dialog));
    }
}

static void
with_device_key (IdwWalletView *self,
                 IdwCardPage   *page,
                 KeyPurpose     purpose)
{
  IdwCredential *credential = idw_card_page_get_credential (page);
  g_autofree char *fingerprint = idw_key_get_fingerprint (idw_credential_get_device_key (credential));
  KeyRequest *request = g_new0 (KeyRequest, 1);

  g_weak_ref_init (&request->view, self);
  request->page = g_object_ref (page);
  request->purpose = purpose;

  idw_keystore_lookup_device_key (fingerprint, self->cancellable, key_lookup_cb, request);
}

static void
card_present_cb (IdwWalletView *self,
                 IdwCardPage   *page)
{
  with_device_key (self, page, KEY_FOR_PRESENT);
}

static void
card_respond_cb (IdwWalletView *self,
                 IdwCardPage   *page)
{
  with_device_key (self, page, KEY_FOR_RESPOND);
}

/* ---- Deleting, with undo ------------------------------------------------ */

typedef struct
{
  IdwStore *store;
  char     *id;
} DeleteData;

static void
delete_data_free (DeleteData *data)
{
  g_clear_object (&data->store);
  g_free (data->id);
  g_free (data);
}

static void
delete_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  DeleteData *data = task_data;
  GError *error = NULL;

  /* The store also removes the device key when no other ID uses it. */
  if (!idw_store_delete_sync (data->store, data->id, NULL, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
delete_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwWalletView) self = g_weak_ref_get (user_data);

  g_weak_ref_clear (user_data);
  g_free (user_data);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (self != NULL)
        show_message (self, _("Cannot Delete the ID"), error->message);
      else
        g_message ("Deleting an ID failed: %s", error->message);
    }

  if (self != NULL)
    idw_wallet_view_reload (self);

  deletions_running--;
  if (g_application_get_default () != NULL)
    g_application_release (g_application_get_default ());
}

static void
carry_out_deletion (PendingDeletion *pending)
{
  IdwWalletView *self = pending->view;
  DeleteData *data;
  g_autoptr(GTask) task = NULL;
  GWeakRef *weak;

  if (pending->done || pending->undone)
    return;
  pending->done = TRUE;

  data = g_new0 (DeleteData, 1);
  data->store = g_object_ref (pending->store);
  data->id = g_strdup (pending->id);

  /* The app stays alive until the file and the key are gone, even when
   * this was the last window closing. */
  if (g_application_get_default () != NULL)
    g_application_hold (g_application_get_default ());
  deletions_running++;

  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);
  task = g_task_new (NULL, NULL, delete_done_cb, weak);
  g_task_set_task_data (task, data, (GDestroyNotify) delete_data_free);
  g_task_run_in_thread (task, delete_thread);

  if (self != NULL)
    g_hash_table_remove (self->pending, pending->id);
}

static void
undo_clicked_cb (AdwToast        *toast,
                 PendingDeletion *pending)
{
  IdwWalletView *self = pending->view;

  if (pending->done)
    return;

  pending->undone = TRUE;
  if (self != NULL)
    {
      gtk_widget_set_visible (pending->row, TRUE);
      update_list_state (self);
      g_hash_table_remove (self->pending, pending->id);
    }
}

static void
toast_dismissed_cb (AdwToast        *toast,
                    PendingDeletion *pending)
{
  carry_out_deletion (pending);
}

/* However the toast goes (dismissed, or dropped with its overlay when the
 * window closes), the deletion happens unless it was undone. */
static void
toast_finalized_cb (gpointer  data,
                    GClosure *closure)
{
  PendingDeletion *pending = data;

  carry_out_deletion (pending);
  pending_deletion_free (pending);
}

static GtkWidget *
find_row (IdwWalletView *self,
          const char    *id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->cards_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (g_object_get_data (G_OBJECT (child), "idw-id"), id) == 0)
      return child;

  return NULL;
}

static void
card_delete_cb (IdwWalletView *self,
                IdwCardPage   *page)
{
  const char *id = idw_card_page_get_id (page);
  PendingDeletion *pending;
  GtkWidget *row = find_row (self, id);
  AdwToast *toast;

  if (row == NULL || self->store == NULL || g_hash_table_contains (self->pending, id))
    return;

  pending = g_new0 (PendingDeletion, 1);
  g_set_weak_pointer (&pending->view, self);
  pending->store = g_object_ref (self->store);
  pending->id = g_strdup (id);
  pending->row = g_object_ref (row);
  toast = adw_toast_new (_("ID deleted"));
  adw_toast_set_button_label (toast, _("_Undo"));

  /* Nothing is deleted until the toast goes without an undo. The toast's
   * handler owns the record; the hash table only finds it. */
  g_signal_connect (toast, "button-clicked", G_CALLBACK (undo_clicked_cb), pending);
  g_signal_connect_data (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), pending,
                         toast_finalized_cb, 0);
  g_hash_table_insert (self->pending, g_strdup (id), pending);

  gtk_widget_set_visible (row, FALSE);
  go_back_to_list (self);
  update_list_state (self);

  add_toast (self, toast);
}

/**
 * idw_wallet_view_flush_deletions:
 *
 * Deletes now what is waiting for an undo toast to expire (the window is
 * closing: the toast will never expire).
 */
void
idw_wallet_view_flush_deletions (IdwWalletView *self)
{
  g_autoptr(GList) pending = NULL;

  g_return_if_fail (IDW_IS_WALLET_VIEW (self));

  /* carry_out_deletion() removes each from the table. */
  pending = g_hash_table_get_values (self->pending);
  for (GList *l = pending; l != NULL; l = l->next)
    carry_out_deletion (l->data);

  /* The app may quit right after the window closes (Ctrl+Q quits whatever
   * holds it): wait, a bounded while, for the deletions to land. */
  if (pending != NULL)
    {
      gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

      while (deletions_running > 0 && g_get_monotonic_time () < end)
        g_main_context_iteration (NULL, TRUE);
    }
}

/* ---- Opening a card ----------------------------------------------------- */

void
idw_wallet_view_open_card (IdwWalletView *self,
                           const char    *id)
{
  IdwStoreEntry *entry;
  GtkWidget *page;

  g_return_if_fail (IDW_IS_WALLET_VIEW (self));

  entry = find_entry (self, id);
  if (entry == NULL || idw_store_entry_is_damaged (entry))
    return;

  page = idw_card_page_new (idw_store_entry_get_credential (entry), id);
  idw_card_page_set_can_present (IDW_CARD_PAGE (page),
                                 self->has_key != NULL && g_hash_table_contains (self->has_key, id));
  g_signal_connect_object (page, "present", G_CALLBACK (card_present_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (page, "respond", G_CALLBACK (card_respond_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (page, "delete", G_CALLBACK (card_delete_cb), self, G_CONNECT_SWAPPED);

  go_back_to_list (self);
  push_page (self, page);
}

static void
card_row_activated_cb (IdwWalletView *self,
                       GtkListBoxRow *row)
{
  idw_wallet_view_open_card (self, g_object_get_data (G_OBJECT (row), "idw-id"));
}

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
  g_autoptr(IdwStoreEntry) duplicate = NULL;
  g_autoptr(GFileInfo) info = NULL;
  IdwStoreEntry *entry;

  info = g_file_query_info (data->file, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, cancellable, &error);
  if (info != NULL && g_file_info_get_size (info) > IDW_MAX_INPUT_FILE)
    {
      g_task_return_new_error (task, IDW_ERROR, IDW_ERROR_MALFORMED, "%s",
                               _("This file is too large to be an ID credential."));
      return;
    }

  bytes = g_file_load_bytes (data->file, cancellable, NULL, &error);
  if (bytes == NULL)
    {
      g_task_return_new_error (task, IDW_ERROR, IDW_ERROR_IO,
                               /* Translators: %s is an error message */
                               _("The file cannot be read: %s"), error->message);
      return;
    }

  if (!idw_credential_data_is_credential (bytes))
    {
      g_task_return_new_error (task, IDW_ERROR, IDW_ERROR_MALFORMED, "%s",
                               _("This file is not an ID credential. ID Wallet imports the .idwcred files issuers give out, and mdoc files."));
      return;
    }

  credential = idw_credential_new_from_bytes (bytes, &error);
  if (credential == NULL)
    {
      g_task_return_new_error (task, IDW_ERROR, IDW_ERROR_DIGEST_MISMATCH,
                               /* Translators: %s is a technical detail */
                               _("This ID credential is damaged and cannot be used (%s). Ask its issuer for a new copy."),
                               error->message);
      return;
    }

  if (!idw_credential_verify_issuer_signature (credential, &error))
    {
      g_task_return_new_error (task, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE, "%s",
                               _("The issuer’s signature on this ID is not valid: it was changed after it was issued, or it is forged."));
      return;
    }

  store = open_store (data->store, cancellable, &error);
  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  duplicate = idw_store_find_duplicate_sync (store, credential, cancellable, &error);
  if (duplicate != NULL)
    {
      g_task_return_new_error (task, IDW_ERROR, IDW_ERROR_DUPLICATE, "%s",
                               _("This ID is already in your wallet."));
      return;
    }
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* An included private key goes to the keyring and nowhere else: the
   * store puts it there, and takes it back if the file cannot be written. */
  entry = idw_store_add_sync (store, credential, NULL, cancellable, &error);
  if (entry == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
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
      g_signal_emit (self, signals[SIGNAL_IMPORTED], 0, entry);
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
      g_autofree char *heading = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* Translators: %s is a file name */
      heading = g_strdup_printf (_("Cannot Import “%s”"), name);
      show_message (self, heading, error->message);
      return;
    }

  add_toast (self, adw_toast_new (_("ID added to your wallet")));
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

  self->import_chooser = gtk_file_chooser_native_new (_("Import an ID"), get_window (self),
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

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  idw_wallet_view_reload (IDW_WALLET_VIEW (widget));
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         IdwWalletView *self)
{
  GSList *files;
  gboolean any = FALSE;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  files = g_value_get_boxed (value);
  for (GSList *l = files; l != NULL; l = l->next)
    {
      idw_wallet_view_import_and_report (self, l->data);
      any = TRUE;
    }

  return any;
}

static gboolean
go_back_shortcut (GtkWidget *widget,
                  GVariant  *args,
                  gpointer   user_data)
{
  IdwWalletView *self = IDW_WALLET_VIEW (widget);

  if (!idw_wallet_view_get_can_go_back (self))
    return FALSE;

  idw_wallet_view_go_back (self);
  return TRUE;
}

/* ---- GObject ------------------------------------------------------------ */

static void
idw_wallet_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  IdwWalletView *self = IDW_WALLET_VIEW (object);

  switch (prop_id)
    {
    case PROP_CAN_GO_BACK:
      g_value_set_boolean (value, idw_wallet_view_get_can_go_back (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
idw_wallet_view_dispose (GObject *object)
{
  IdwWalletView *self = IDW_WALLET_VIEW (object);

  idw_wallet_view_flush_deletions (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->cleanup_id, g_source_remove);
  if (self->import_chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->import_chooser));
  g_clear_object (&self->import_chooser);
  /* The template's root is the bin's child: AdwBin must unparent it, or it
   * keeps a dangling pointer (gtk_widget_dispose_template() would do it). */
  adw_bin_set_child (ADW_BIN (self), NULL);

  G_OBJECT_CLASS (idw_wallet_view_parent_class)->dispose (object);
}

static void
idw_wallet_view_finalize (GObject *object)
{
  IdwWalletView *self = IDW_WALLET_VIEW (object);

  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->has_key, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);

  G_OBJECT_CLASS (idw_wallet_view_parent_class)->finalize (object);
}

static void
idw_wallet_view_class_init (IdwWalletViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = idw_wallet_view_get_property;
  object_class->dispose = idw_wallet_view_dispose;
  object_class->finalize = idw_wallet_view_finalize;

  properties[PROP_CAN_GO_BACK] =
    g_param_spec_boolean ("can-go-back", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * IdwWalletView::loaded:
   *
   * The list shows what the store holds.
   */
  signals[SIGNAL_LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 0);
  /**
   * IdwWalletView::imported:
   * @entry: the new entry
   */
  signals[SIGNAL_IMPORTED] = g_signal_new ("imported", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, IDW_TYPE_STORE_ENTRY);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE "/idw-wallet-view.ui");
  gtk_widget_class_bind_template_child (widget_class, IdwWalletView, leaflet);
  gtk_widget_class_bind_template_child (widget_class, IdwWalletView, list_stack);
  gtk_widget_class_bind_template_child (widget_class, IdwWalletView, error_page);
  gtk_widget_class_bind_template_child (widget_class, IdwWalletView, cards_group);
  gtk_widget_class_bind_template_child (widget_class, IdwWalletView, cards_list);
  gtk_widget_class_bind_template_child (widget_class, IdwWalletView, damaged_group);
  gtk_widget_class_bind_template_child (widget_class, IdwWalletView, damaged_list);
  gtk_widget_class_bind_template_callback (widget_class, card_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, leaflet_visible_child_cb);
  gtk_widget_class_bind_template_callback (widget_class, leaflet_transition_cb);

  gtk_widget_class_install_action (widget_class, "wallet.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "wallet.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "wallet.remove-damaged", "s", remove_damaged_action);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_Left, GDK_ALT_MASK, go_back_shortcut, NULL);
}

static void
idw_wallet_view_init (IdwWalletView *self)
{
  GtkDropTarget *drop;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  idw_wallet_view_reload (self);
}
