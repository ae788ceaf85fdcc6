/* idw-wallet-view-private.h: what the wallet view's files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The wallet view is one class in four files:
 *   idw-wallet-view.c         the class, moving between the list and the
 *                             pages, presenting an ID
 *   idw-wallet-view-list.c    loading the store, the list of IDs and
 *                             damaged files
 *   idw-wallet-view-import.c  importing: file chooser, drops, the command line
 *   idw-wallet-view-delete.c  deleting, with undo
 *   idw-wallet-view-status.c  revocation: an opened card's status, and
 *                             the rows' last known one
 *   idw-wallet-view-watch.c   following changes made elsewhere (the CLI,
 *                             another window, a restore)
 */
#pragma once

#include "idw-card-page.h"
#include "idw-credential-row.h"
#include "idw-wallet-view.h"

G_BEGIN_DECLS

/* What the aspect files ask of the class's own file, idw-wallet-view.c,
 * which fills this in: the aspects call down (import and delete use the
 * list), never back up into the file that calls them, so no two files call
 * each other. */
typedef struct
{
  GtkWindow *(*get_window)      (IdwWalletView *self);
  void       (*add_toast)       (IdwWalletView *self,
                                 AdwToast      *toast);
  void       (*show_message)    (IdwWalletView *self,
                                 const char    *heading,
                                 const char    *body);
  void       (*go_back_to_list) (IdwWalletView *self);
  /* Emit ::loaded and ::imported. */
  void       (*emit_loaded)     (IdwWalletView *self);
  void       (*emit_imported)   (IdwWalletView *self,
                                 IdwStoreEntry *entry);
} IdwWalletViewCore;

struct _IdwWalletView
{
  AdwBin                parent_instance;

  const IdwWalletViewCore *core;

  IdwStore             *store;
  GCancellable         *cancellable;
  GPtrArray            *entries;      /* IdwStoreEntry */
  GHashTable           *has_key;      /* id → TRUE when the device key is here */
  GHashTable           *key_in_tpm;   /* id → TRUE when that key is in this computer's TPM */
  GHashTable           *key_problem;  /* id → why a TPM-bound key cannot be used here */
  GHashTable           *pending;      /* id → PendingDeletion */
  gboolean              loading;
  gboolean              load_again;
  gboolean              pushing;
  guint                 cleanup_id;

  GFileMonitor         *store_monitor;   /* the store's folder */
  GFileMonitor         *wallet_monitor;  /* the wallet's folder, in the one holding it */
  char                 *store_state;     /* idw_store_get_state() the last load listed */
  gboolean              check_after_load;

  GtkFileChooserNative *import_chooser;
  IdwStatusFetcher     *status_fetcher;

  AdwLeaflet           *leaflet;
  GtkStack             *list_stack;
  AdwStatusPage        *error_page;
  GtkWidget            *cards_group;
  GtkListBox           *cards_list;
  GtkWidget            *damaged_group;
  GtkListBox           *damaged_list;
};

/* The list's row for the ID @id, or NULL: a look at the list box, which
 * the status and deletion files need as much as the list's own. */
static inline GtkWidget *
_idw_wallet_view_find_row (IdwWalletView *self,
                           const char    *id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->cards_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (idw_credential_row_get_id (IDW_CREDENTIAL_ROW (child)), id) == 0)
      return child;

  return NULL;
}

/* idw-wallet-view-list.c */
void           _idw_wallet_view_class_init_list   (GtkWidgetClass *widget_class);
/* @store, or the default store opened (in a worker thread). */
IdwStore      *_idw_wallet_view_open_store        (IdwStore       *store,
                                                   GCancellable   *cancellable,
                                                   GError        **error);
IdwStoreEntry *_idw_wallet_view_find_entry        (IdwWalletView  *self,
                                                   const char     *id);
/* Whether this computer holds the device key of entry @id. */
gboolean       _idw_wallet_view_has_key           (IdwWalletView  *self,
                                                   const char     *id);
/* Whether that key is TPM-bound, and why it cannot be used here (NULL:
 * no reason beyond its absence), as found when the list was loaded. */
gboolean       _idw_wallet_view_key_in_tpm        (IdwWalletView  *self,
                                                   const char     *id);
const char    *_idw_wallet_view_key_problem       (IdwWalletView  *self,
                                                   const char     *id);
/* The list, the empty page or the error page, after rows came or went. */
void           _idw_wallet_view_update_list_state (IdwWalletView  *self);

/* idw-wallet-view-import.c */
void           _idw_wallet_view_class_init_import (GtkWidgetClass *widget_class);
void           _idw_wallet_view_init_import       (IdwWalletView  *self);
void           _idw_wallet_view_dispose_import    (IdwWalletView  *self);

/* idw-wallet-view-delete.c */
/* Hides the card's row and offers Undo; deletes when the toast goes. */
void           _idw_wallet_view_delete_card       (IdwWalletView  *self,
                                                   IdwCardPage    *page);

/* idw-wallet-view-status.c */
/* Shows on @row what the issuer's list last said (no network). */
void           _idw_wallet_view_load_row_status   (IdwWalletView  *self,
                                                   GtkWidget      *row,
                                                   IdwCredential  *credential);
/* Shows @page the last known status, then checks it on a worker thread
 * (the fetcher's cache spares the network within the list's ttl) and
 * updates the page and the card's row. */
void           _idw_wallet_view_check_card_status (IdwWalletView  *self,
                                                   IdwCardPage    *page);

/* idw-wallet-view-watch.c */
/* From now on, each time the list was loaded: watch the store's folder,
 * reload when it changes, and leave a card whose ID is gone. */
void           _idw_wallet_view_init_watch        (IdwWalletView  *self);
void           _idw_wallet_view_unwatch           (IdwWalletView  *self);

G_END_DECLS
