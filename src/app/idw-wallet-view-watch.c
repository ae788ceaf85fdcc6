/* idw-wallet-view-watch.c: the wallet view follows changes made elsewhere
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The store's folder can change under a running app: the CLI imports an
 * ID, another window deletes one, a restore swaps the whole wallet folder
 * for another (idw-backup-restore.c). Each time the list was loaded
 * ("loaded"), the folders are watched anew. Two file monitors see it, one
 * on the store's folder and one on the folder that holds the wallet's
 * (a swap replaces the folder the first one watches); a short while after
 * the last event the store's state token (idw_store_get_state()) is
 * compared with the one the list was loaded at, and the list is loaded
 * again only when they differ. So the app's own writes, which reload the
 * list themselves, cost one look at the folder's names and nothing more.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "idw-ui-util.h"
#include "idw-wallet-view-private.h"

/* Events come in bursts (a write is a temporary file, then a rename). */
#define SETTLE_MS 200

static gboolean
check_state (gpointer user_data)
{
  IdwWalletView *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;

  self->watch_id = 0;
  if (self->store == NULL)
    return G_SOURCE_REMOVE;

  /* A load running now may have read the folder before the change: look
   * again once it is done. */
  if (self->loading)
    {
      self->watch_id = g_timeout_add (SETTLE_MS, check_state, self);
      return G_SOURCE_REMOVE;
    }

  state = idw_store_get_state (self->store, &error);
  if (state == NULL)
    g_debug ("Looking at the store's folder: %s", error->message);
  if (self->folder_swapped || state == NULL || g_strcmp0 (state, self->store_state) != 0)
    {
      self->folder_swapped = FALSE;
      idw_wallet_view_reload (self);
    }

  return G_SOURCE_REMOVE;
}

static void
schedule_check (IdwWalletView *self)
{
  g_clear_handle_id (&self->watch_id, g_source_remove);
  self->watch_id = g_timeout_add (SETTLE_MS, check_state, self);
}

static void
store_folder_changed_cb (GFileMonitor      *monitor,
                         GFile             *file,
                         GFile             *other_file,
                         GFileMonitorEvent  event,
                         IdwWalletView     *self)
{
  if (event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED)
    return;
  schedule_check (self);
}

static gboolean
names_wallet_folder (IdwWalletView *self,
                     GFile         *file)
{
  g_autofree char *name = NULL;

  if (file == NULL)
    return FALSE;
  name = g_file_get_basename (file);
  return g_strcmp0 (name, self->wallet_folder_name) == 0;
}

static void
parent_changed_cb (GFileMonitor      *monitor,
                   GFile             *file,
                   GFile             *other_file,
                   GFileMonitorEvent  event,
                   IdwWalletView     *self)
{
  /* The folder beside the wallet's holds other apps' data too. */
  if (!names_wallet_folder (self, file) && !names_wallet_folder (self, other_file))
    return;
  self->folder_swapped = TRUE;
  schedule_check (self);
}

/* The store's folder may be another one than at the last load (a restore
 * swapped it in), so its monitor is made again. */
static void
watch_folders (IdwWalletView *self)
{
  const char *directory = idw_store_get_directory (self->store);

  if (self->store_monitor != NULL)
    g_file_monitor_cancel (self->store_monitor);
  g_clear_object (&self->store_monitor);
  self->store_monitor = idw_ui_monitor_folder (directory, G_CALLBACK (store_folder_changed_cb), self);

  if (self->parent_monitor == NULL)
    {
      g_autofree char *wallet_folder = g_path_get_dirname (directory);
      g_autofree char *parent = g_path_get_dirname (wallet_folder);

      g_free (self->wallet_folder_name);
      self->wallet_folder_name = g_path_get_basename (wallet_folder);
      self->parent_monitor = idw_ui_monitor_folder (parent, G_CALLBACK (parent_changed_cb), self);
    }
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
  watch_folders (self);
  leave_removed_card (self);
}

void
_idw_wallet_view_init_watch (IdwWalletView *self)
{
  g_signal_connect (self, "loaded", G_CALLBACK (loaded_cb), NULL);
}

void
_idw_wallet_view_unwatch (IdwWalletView *self)
{
  g_clear_handle_id (&self->watch_id, g_source_remove);
  if (self->store_monitor != NULL)
    g_file_monitor_cancel (self->store_monitor);
  g_clear_object (&self->store_monitor);
  if (self->parent_monitor != NULL)
    g_file_monitor_cancel (self->parent_monitor);
  g_clear_object (&self->parent_monitor);
  g_clear_pointer (&self->store_state, g_free);
  g_clear_pointer (&self->wallet_folder_name, g_free);
}
