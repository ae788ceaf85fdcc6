/* idw-keystore-async.c: the asynchronous variants of the key store calls,
 * each running its *_sync counterpart (idw-keystore.c) in a GTask thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "idw-keystore.h"

typedef enum
{
  OP_CREATE_DEVICE_KEY,
  OP_STORE_DEVICE_KEY,
  OP_LOOKUP_DEVICE_KEY,
  OP_DELETE_DEVICE_KEY,
  OP_GET_WALLET_KEY,
} KeystoreOp;

typedef struct
{
  KeystoreOp  op;
  char       *name;
  char       *fingerprint;
  IdwKey     *key;
} KeystoreTaskData;

static void
keystore_task_data_free (KeystoreTaskData *data)
{
  g_free (data->name);
  g_free (data->fingerprint);
  g_clear_pointer (&data->key, idw_key_unref);
  g_free (data);
}

static void
keystore_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  KeystoreTaskData *data = task_data;
  GError *error = NULL;
  gpointer result = NULL;
  gboolean ok = FALSE;

  switch (data->op)
    {
    case OP_CREATE_DEVICE_KEY:
      result = idw_keystore_create_device_key_sync (data->name, cancellable, &error);
      break;
    case OP_LOOKUP_DEVICE_KEY:
      result = idw_keystore_lookup_device_key_sync (data->fingerprint, cancellable, &error);
      break;
    case OP_GET_WALLET_KEY:
      result = idw_keystore_get_wallet_key_sync (cancellable, &error);
      break;
    case OP_STORE_DEVICE_KEY:
      ok = idw_keystore_store_device_key_sync (data->key, data->name, cancellable, &error);
      break;
    case OP_DELETE_DEVICE_KEY:
      ok = idw_keystore_delete_device_key_sync (data->fingerprint, cancellable, &error);
      break;
    default:
      g_assert_not_reached ();
    }

  if (error != NULL)
    g_task_return_error (task, error);
  else if (data->op == OP_GET_WALLET_KEY)
    g_task_return_pointer (task, result, (GDestroyNotify) idw_wallet_key_unref);
  else if (data->op == OP_CREATE_DEVICE_KEY || data->op == OP_LOOKUP_DEVICE_KEY)
    g_task_return_pointer (task, result, (GDestroyNotify) idw_key_unref);
  else
    g_task_return_boolean (task, ok);
}

static void
keystore_run (KeystoreTaskData    *data,
              gpointer             source_tag,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, (GDestroyNotify) keystore_task_data_free);
  g_task_run_in_thread (task, keystore_thread);
}

static KeystoreTaskData *
keystore_task_data_new (KeystoreOp op)
{
  KeystoreTaskData *data = g_new0 (KeystoreTaskData, 1);

  data->op = op;
  return data;
}

/**
 * idw_keystore_create_device_key:
 * @name: (nullable): what the key is for
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context when done
 * @user_data: data for @callback
 *
 * The asynchronous variant of idw_keystore_create_device_key_sync().
 */
void
idw_keystore_create_device_key (const char          *name,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  KeystoreTaskData *data = keystore_task_data_new (OP_CREATE_DEVICE_KEY);

  data->name = g_strdup (name);
  keystore_run (data, idw_keystore_create_device_key, cancellable, callback, user_data);
}

/**
 * idw_keystore_create_device_key_finish:
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): as idw_keystore_create_device_key_sync().
 */
IdwKey *
idw_keystore_create_device_key_finish (GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == idw_keystore_create_device_key,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * idw_keystore_store_device_key:
 * @key: an Ed25519 or P-256 key with its private part
 * @name: (nullable): what the key is for
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context when done
 * @user_data: data for @callback
 *
 * The asynchronous variant of idw_keystore_store_device_key_sync().
 */
void
idw_keystore_store_device_key (IdwKey              *key,
                               const char          *name,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  KeystoreTaskData *data;

  g_return_if_fail (key != NULL);

  data = keystore_task_data_new (OP_STORE_DEVICE_KEY);
  data->key = idw_key_ref (key);
  data->name = g_strdup (name);
  keystore_run (data, idw_keystore_store_device_key, cancellable, callback, user_data);
}

/**
 * idw_keystore_store_device_key_finish:
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: as idw_keystore_store_device_key_sync().
 */
gboolean
idw_keystore_store_device_key_finish (GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == idw_keystore_store_device_key,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * idw_keystore_lookup_device_key:
 * @fingerprint: the lowercase hex SHA-256 of the public key
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context when done
 * @user_data: data for @callback
 *
 * The asynchronous variant of idw_keystore_lookup_device_key_sync().
 */
void
idw_keystore_lookup_device_key (const char          *fingerprint,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  KeystoreTaskData *data;

  g_return_if_fail (fingerprint != NULL);

  data = keystore_task_data_new (OP_LOOKUP_DEVICE_KEY);
  data->fingerprint = g_strdup (fingerprint);
  keystore_run (data, idw_keystore_lookup_device_key, cancellable, callback, user_data);
}

/**
 * idw_keystore_lookup_device_key_finish:
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): as idw_keystore_lookup_device_key_sync().
 */
IdwKey *
idw_keystore_lookup_device_key_finish (GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == idw_keystore_lookup_device_key,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * idw_keystore_delete_device_key:
 * @fingerprint: the lowercase hex SHA-256 of the public key
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context when done
 * @user_data: data for @callback
 *
 * The asynchronous variant of idw_keystore_delete_device_key_sync().
 */
void
idw_keystore_delete_device_key (const char          *fingerprint,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  KeystoreTaskData *data;

  g_return_if_fail (fingerprint != NULL);

  data = keystore_task_data_new (OP_DELETE_DEVICE_KEY);
  data->fingerprint = g_strdup (fingerprint);
  keystore_run (data, idw_keystore_delete_device_key, cancellable, callback, user_data);
}

/**
 * idw_keystore_delete_device_key_finish:
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: as idw_keystore_delete_device_key_sync().
 */
gboolean
idw_keystore_delete_device_key_finish (GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == idw_keystore_delete_device_key,
                        FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * idw_keystore_get_wallet_key:
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context when done
 * @user_data: data for @callback
 *
 * The asynchronous variant of idw_keystore_get_wallet_key_sync().
 */
void
idw_keystore_get_wallet_key (GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  keystore_run (keystore_task_data_new (OP_GET_WALLET_KEY), idw_keystore_get_wallet_key,
                cancellable, callback, user_data);
}

/**
 * idw_keystore_get_wallet_key_finish:
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): as idw_keystore_get_wallet_key_sync().
 */
IdwWalletKey *
idw_keystore_get_wallet_key_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == idw_keystore_get_wallet_key,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
