/* idw-wallet-view-watch.c: the wallet view follows changes made elsewhere
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store's folder can change under a running app: the CLI imports an
 * ID, another window deletes one, a restore swaps the whole wallet folder
 * for another (idw-backup-restore.c). From the first load on ("loaded"),
 * two file monitors see it: one on the store's folder, and one on the
 * folder that holds the wallet's, for a swap, after which the store's
 * folder is watched anew. Once the folder is quiet again, the store's
 * state token (idw_store_get_state()) is compared with the one the list
 * was loaded at, and the list is loaded again only when they differ. So
 * the app's own writes, which reload the list themselves, cost one look at
 * the folder's names and nothing more.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "idw-ui-util.h"
#include "idw-wallet-view-private.h"

/* Called once the store's folder is quiet again after a change. */
static void
store_folder_settled (gpointer instance)
{
  IdwWalletView *self = instance;
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;

  if (self->store == NULL)
    return;

  /* A load running now may have read the folder before the change: look
   * again once it is done (loaded_cb). */
  if (self->loading)
    {
      self->check_after_load = TRUE;
      return;
    }

  state = idw_store_get_state (self->store, &error);
  if (state == NULL)
    g_debug ("Looking at the store's folder: %s", error->message);
  if (state == NULL || g_strcmp0 (state, self->store_state) != 0)
    idw_wallet_view_reload (self);
}

static void
watch_store_folder (IdwWalletView *self)
{
  if (self->store_monitor != NULL)
    g_file_monitor_cancel (self->store_monitor);
  g_clear_object (&self->store_monitor);
  self->store_monitor = idw_ui_monitor_folder (idw_store_get_directory (self->store), NULL,
                                               store_folder_settled, self);
}

/* The wallet's folder was replaced (a restore swaps it): the store's folder
 * watched so far is the old one. */
static void
wallet_folder_settled (gpointer instance)
{
  IdwWalletView *self = instance;

  if (self->store == NULL)
    return;
  watch_store_folder (self);
  store_folder_settled (self);
}

/* From the first load on: the store's folder, and the folder that holds
 * the wallet's, for changes to the wallet's entry only (it holds other
 * apps' data too). */
static void
watch_folders (IdwWalletView *self)
{
  g_autofree char *wallet_folder = NULL;
  g_autofree char *parent = NULL;
  g_autofree char *name = NULL;

  watch_store_folder (self);
  wallet_folder = g_path_get_dirname (idw_store_get_directory (self->store));
  parent = g_path_get_dirname (wallet_folder);
  name = g_path_get_basename (wallet_folder);
  self->wallet_monitor = idw_ui_monitor_folder (parent, name, wallet_folder_settled, self);
}

/* An ID whose card (and present page) is open may have been deleted
 * elsewhere meanwhile. Its page would show what no longer exists and fail
 * to present: back to the list, with a word of why. */
static void
leave_removed_card (IdwWalletView *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->leaflet));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *id;

      if (!IDW_IS_CARD_PAGE (child))
        continue;
      id = idw_card_page_get_id (IDW_CARD_PAGE (child));
      if (_idw_wallet_view_find_entry (self, id) != NULL || g_hash_table_contains (self->pending, id))
        continue;

      self->core->go_back_to_list (self);
      self->core->add_toast (self, adw_toast_new (_("ID deleted in another window")));
      return;
    }
}

static void
loaded_cb (IdwWalletView *self)
{
  if (self->store == NULL)
    return;
  if (self->store_monitor == NULL && self->wallet_monitor == NULL)
    watch_folders (self);
  leave_removed_card (self);
  if (self->check_after_load)
    {
      self->check_after_load = FALSE;
      store_folder_settled (self);
    }
}

void
_idw_wallet_view_init_watch (IdwWalletView *self)
{
  g_signal_connect (self, "loaded", G_CALLBACK (loaded_cb), NULL);
}

void
_idw_wallet_view_unwatch (IdwWalletView *self)
{
  if (self->store_monitor != NULL)
    g_file_monitor_cancel (self->store_monitor);
  g_clear_object (&self->store_monitor);
  if (self->wallet_monitor != NULL)
    g_file_monitor_cancel (self->wallet_monitor);
  g_clear_object (&self->wallet_monitor);
  g_clear_pointer (&self->store_state, g_free);
}
