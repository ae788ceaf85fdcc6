/* idw-store-async.c: the asynchronous variants of the credential store
 * calls, each running its *_sync counterpart (idw-store.c) in a GTask
 * thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "idw-store.h"
#include "idw-store-private.h"

typedef enum
{
  STORE_OP_LIST,
  STORE_OP_ADD,
  STORE_OP_DELETE,
  STORE_OP_WRITE_NICKNAME,
  STORE_OP_REMOVE_DAMAGED,
} StoreOp;

typedef struct
{
  StoreOp        op;
  char          *id;
  char          *nickname;
  IdwCredential *credential;
  IdwStoreEntry *entry;
} StoreTaskData;

static void
store_task_data_free (StoreTaskData *data)
{
  g_free (data->id);
  g_free (data->nickname);
  g_clear_object (&data->credential);
  g_clear_object (&data->entry);
  g_free (data);
}

static void
store_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  IdwStore *self = source_object;
  StoreTaskData *data = task_data;
  GError *error = NULL;

  switch (data->op)
    {
    case STORE_OP_LIST:
      {
        GPtrArray *entries = idw_store_list_sync (self, cancellable, &error);

        if (entries != NULL)
          g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
        break;
      }
    case STORE_OP_ADD:
      {
        IdwStoreEntry *entry = idw_store_add_sync (self, data->credential, data->nickname,
                                                   cancellable, &error);

        if (entry != NULL)
          g_task_return_pointer (task, entry, g_object_unref);
        break;
      }
    case STORE_OP_DELETE:
      if (idw_store_delete_sync (self, data->id, cancellable, &error))
        g_task_return_boolean (task, TRUE);
      break;
    case STORE_OP_WRITE_NICKNAME:
      if (_idw_store_write_nickname (self, data->id, data->nickname, cancellable, &error))
        g_task_return_boolean (task, TRUE);
      break;
    case STORE_OP_REMOVE_DAMAGED:
      if (idw_store_remove_damaged_sync (self, data->id, cancellable, &error))
        g_task_return_boolean (task, TRUE);
      break;
    default:
      g_assert_not_reached ();
    }

  if (error != NULL)
    g_task_return_error (task, error);
}

static void
store_run (IdwStore            *self,
           StoreTaskData       *data,
           gpointer             source_tag,
           GCancellable        *cancellable,
           GAsyncReadyCallback  callback,
           gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, (GDestroyNotify) store_task_data_free);
  g_task_run_in_thread (task, store_thread);
}

static StoreTaskData *
store_task_data_new (StoreOp op)
{
  StoreTaskData *data = g_new0 (StoreTaskData, 1);

  data->op = op;
  return data;
}

/**
 * idw_store_list:
 * @self: a store
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context when done
 * @user_data: data for @callback
 *
 * idw_store_list_sync() in a worker thread.
 */
void
idw_store_list (IdwStore            *self,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_return_if_fail (IDW_IS_STORE (self));

  store_run (self, store_task_data_new (STORE_OP_LIST), idw_store_list,
             cancellable, callback, user_data);
}

/**
 * idw_store_list_finish:
 * @self: a store
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type IdwStoreEntry): as
 *   idw_store_list_sync().
 */
GPtrArray *
idw_store_list_finish (IdwStore      *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == idw_store_list, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * idw_store_add:
 * @self: a store
 * @credential: the credential to add
 * @nickname: (nullable): a name the holder gives it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context when done
 * @user_data: data for @callback
 *
 * idw_store_add_sync() in a worker thread.
 */
void
idw_store_add (IdwStore            *self,
               IdwCredential       *credential,
               const char          *nickname,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  StoreTaskData *data;

  g_return_if_fail (IDW_IS_STORE (self));
  g_return_if_fail (IDW_IS_CREDENTIAL (credential));

  data = store_task_data_new (STORE_OP_ADD);
  data->credential = g_object_ref (credential);
  data->nickname = g_strdup (nickname);
  store_run (self, data, idw_store_add, cancellable, callback, user_data);
}

/**
 * idw_store_add_finish:
 * @self: a store
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): as idw_store_add_sync().
 */
IdwStoreEntry *
idw_store_add_finish (IdwStore      *self,
                      GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == idw_store_add, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * idw_store_delete:
 * @self: a store
 * @id: an entry id
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context when done
 * @user_data: data for @callback
 *
 * idw_store_delete_sync() in a worker thread.
 */
void
idw_store_delete (IdwStore            *self,
                  const char          *id,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  StoreTaskData *data;

  g_return_if_fail (IDW_IS_STORE (self));
  g_return_if_fail (id != NULL);

  data = store_task_data_new (STORE_OP_DELETE);
  data->id = g_strdup (id);
  store_run (self, data, idw_store_delete, cancellable, callback, user_data);
}

/**
 * idw_store_delete_finish:
 * @self: a store
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: as idw_store_delete_sync().
 */
gboolean
idw_store_delete_finish (IdwStore      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == idw_store_delete, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The file is written in the worker; the entry changes (and notifies) back
 * on the caller's main context. */
static void
on_nickname_written (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  StoreTaskData *data = g_task_get_task_data (G_TASK (result));
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  _idw_store_entry_set_nickname (data->entry, data->nickname);
  g_task_return_boolean (task, TRUE);
}

/**
 * idw_store_set_nickname:
 * @self: a store
 * @entry: an entry of @self
 * @nickname: (nullable): the new nickname; %NULL or "" removes it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context when done
 * @user_data: data for @callback
 *
 * idw_store_set_nickname_sync() with the file written in a worker thread;
 * @entry is updated on the calling thread's main context before @callback
 * runs.
 */
void
idw_store_set_nickname (IdwStore            *self,
                        IdwStoreEntry       *entry,
                        const char          *nickname,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) inner = NULL;
  GTask *outer;
  StoreTaskData *data;

  g_return_if_fail (IDW_IS_STORE (self));
  g_return_if_fail (IDW_IS_STORE_ENTRY (entry));
  g_return_if_fail (nickname == NULL || g_utf8_validate (nickname, -1, NULL));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, idw_store_set_nickname);

  data = store_task_data_new (STORE_OP_WRITE_NICKNAME);
  data->id = g_strdup (idw_store_entry_get_id (entry));
  data->nickname = (nickname != NULL && *nickname != '\0') ? g_strdup (nickname) : NULL;
  data->entry = g_object_ref (entry);

  inner = g_task_new (self, cancellable, on_nickname_written, outer);
  g_task_set_task_data (inner, data, (GDestroyNotify) store_task_data_free);
  g_task_run_in_thread (inner, store_thread);
}

/**
 * idw_store_set_nickname_finish:
 * @self: a store
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: as idw_store_set_nickname_sync().
 */
gboolean
idw_store_set_nickname_finish (IdwStore      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == idw_store_set_nickname, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * idw_store_remove_damaged:
 * @self: a store
 * @id: the id of a damaged entry
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context when done
 * @user_data: data for @callback
 *
 * idw_store_remove_damaged_sync() in a worker thread.
 */
void
idw_store_remove_damaged (IdwStore            *self,
                          const char          *id,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  StoreTaskData *data;

  g_return_if_fail (IDW_IS_STORE (self));
  g_return_if_fail (id != NULL);

  data = store_task_data_new (STORE_OP_REMOVE_DAMAGED);
  data->id = g_strdup (id);
  store_run (self, data, idw_store_remove_damaged, cancellable, callback, user_data);
}

/**
 * idw_store_remove_damaged_finish:
 * @self: a store
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: as idw_store_remove_damaged_sync().
 */
gboolean
idw_store_remove_damaged_finish (IdwStore      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == idw_store_remove_damaged,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  IdwStore *store = idw_store_open_sync (task_data, cancellable, &error);

  if (store != NULL)
    g_task_return_pointer (task, store, g_object_unref);
  else
    g_task_return_error (task, error);
}

/**
 * idw_store_open:
 * @directory: (nullable): the folder, or %NULL for the default
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context when done
 * @user_data: data for @callback
 *
 * idw_store_open_sync() in a worker thread: the keyring may prompt.
 */
void
idw_store_open (const char          *directory,
                GCancellable        *cancellable,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, idw_store_open);
  g_task_set_task_data (task, g_strdup (directory), g_free);
  g_task_run_in_thread (task, open_thread);
}

/**
 * idw_store_open_finish:
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): as idw_store_open_sync().
 */
IdwStore *
idw_store_open_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == idw_store_open, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
