/* idw-wallet-view.c: the holder's IDs, their cards and presenting them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every store and keyring call runs in a worker thread (GTask): the keyring
 * may prompt and the files are encrypted, so the main loop never waits.
 *
 * This file: the class, moving between the list and the pages (an
 * AdwLeaflet), and presenting an ID with its device key. The list is in
 * idw-wallet-view-list.c, importing in idw-wallet-view-import.c,
 * deleting in idw-wallet-view-delete.c.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "idw-credential-row.h"
#include "idw-present-page.h"
#include "idw-respond-dialog.h"
#include "idw-ui-util.h"
#include "idw-wallet-view-private.h"

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

static GtkWindow *
get_window (IdwWalletView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

/* On the nearest toast overlay: the window's. */
static void
add_toast (IdwWalletView *self,
           AdwToast      *toast)
{
  idw_ui_add_toast (GTK_WIDGET (self), toast);
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

static void
emit_loaded (IdwWalletView *self)
{
  g_signal_emit (self, signals[SIGNAL_LOADED], 0);
}

static void
emit_imported (IdwWalletView *self,
               IdwStoreEntry *entry)
{
  g_signal_emit (self, signals[SIGNAL_IMPORTED], 0, entry);
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
  g_autofree char *name = NULL;
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
  /* What the history records a presentation under. */
  {
    const char *id = idw_card_page_get_id (request->page);
    IdwStoreEntry *entry = id != NULL ? _idw_wallet_view_find_entry (self, id) : NULL;

    name = idw_history_name_for_credential (credential, entry != NULL ? idw_store_entry_get_nickname (entry) : NULL);
  }
  if (request->purpose == KEY_FOR_PRESENT)
    {
      if (gtk_widget_get_parent (GTK_WIDGET (request->page)) == GTK_WIDGET (self->leaflet))
        {
          GtkWidget *present = idw_present_page_new (credential, key);

          /* Revoked or suspended: warned, not stopped (the holder may
           * know better, or show it to someone who does not check). */
          idw_present_page_set_status (IDW_PRESENT_PAGE (present), idw_card_page_get_status (request->page));
          idw_present_page_set_history_source (IDW_PRESENT_PAGE (present),
                                               idw_card_page_get_id (request->page), name);
          push_page (self, present);
        }
    }
  else
    {
      IdwRespondDialog *dialog = idw_respond_dialog_new (get_window (self), credential, key);

      idw_respond_dialog_set_history_source (dialog, idw_card_page_get_id (request->page), name);
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

/* ---- Opening a card ----------------------------------------------------- */

void
idw_wallet_view_open_card (IdwWalletView *self,
                           const char    *id)
{
  IdwStoreEntry *entry;
  GtkWidget *page;

  g_return_if_fail (IDW_IS_WALLET_VIEW (self));

  entry = _idw_wallet_view_find_entry (self, id);
  if (entry == NULL || idw_store_entry_is_damaged (entry))
    return;

  page = idw_card_page_new (idw_store_entry_get_credential (entry), id);
  idw_card_page_set_can_present (IDW_CARD_PAGE (page), _idw_wallet_view_has_key (self, id));
  idw_card_page_set_key_in_tpm (IDW_CARD_PAGE (page), _idw_wallet_view_key_in_tpm (self, id));
  idw_card_page_set_cannot_present_reason (IDW_CARD_PAGE (page), _idw_wallet_view_key_problem (self, id));
  idw_card_page_set_nickname (IDW_CARD_PAGE (page), idw_store_entry_get_nickname (entry));
  g_signal_connect_object (page, "present", G_CALLBACK (card_present_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (page, "respond", G_CALLBACK (card_respond_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (page, "delete", G_CALLBACK (_idw_wallet_view_delete_card), self, G_CONNECT_SWAPPED);

  go_back_to_list (self);
  push_page (self, page);
  _idw_wallet_view_check_card_status (self, IDW_CARD_PAGE (page));
}

static void
card_row_activated_cb (IdwWalletView *self,
                       GtkListBoxRow *row)
{
  idw_wallet_view_open_card (self, idw_credential_row_get_id (IDW_CREDENTIAL_ROW (row)));
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
  _idw_wallet_view_unwatch (self);
  _idw_wallet_view_dispose_import (self);
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
  g_clear_object (&self->status_fetcher);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->has_key, g_hash_table_unref);
  g_clear_pointer (&self->key_in_tpm, g_hash_table_unref);
  g_clear_pointer (&self->key_problem, g_hash_table_unref);
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

  /* wallet.import, then wallet.reload and wallet.remove-damaged. */
  _idw_wallet_view_class_init_import (widget_class);
  _idw_wallet_view_class_init_list (widget_class);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_Left, GDK_ALT_MASK, go_back_shortcut, NULL);
}

/* What the aspect files may ask of this one (idw-wallet-view-private.h). */
static const IdwWalletViewCore wallet_view_core = {
  .get_window = get_window,
  .add_toast = add_toast,
  .show_message = show_message,
  .go_back_to_list = go_back_to_list,
  .emit_loaded = emit_loaded,
  .emit_imported = emit_imported,
};

static void
idw_wallet_view_init (IdwWalletView *self)
{
  self->core = &wallet_view_core;
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* The verifier's cache of status lists, shared: no network until a
   * card is opened. */
  self->status_fetcher = idw_status_fetcher_new (NULL);

  /* Credential files dropped on the view. */
  _idw_wallet_view_init_import (self);
  _idw_wallet_view_init_watch (self);

  idw_wallet_view_reload (self);
}
