/* idw-backup-async.c: the asynchronous variants of making, opening and
 * restoring a backup, which run the blocking calls (idw-backup.c,
 * idw-backup-restore.c) in a GTask thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "idw-backup.h"
#include "idw-backup-private.h"

typedef struct
{
  char             *data_directory;
  IdwBackupKeyring  keyring;
  gboolean          has_keyring;
  GSettings        *settings;
  char             *path;
  IdwPassphrase    *passphrase;
  IdwBackupSummary  summary;
} TaskData;

static void
task_data_free (TaskData *data)
{
  g_free (data->data_directory);
  g_clear_object (&data->settings);
  g_free (data->path);
  g_clear_pointer (&data->passphrase, idw_passphrase_free);
  g_free (data);
}

static TaskData *
task_data_new (const IdwBackupWallet *wallet)
{
  TaskData *data = g_new0 (TaskData, 1);

  if (wallet != NULL)
    {
      data->data_directory = g_strdup (wallet->data_directory);
      if (wallet->keyring != NULL)
        {
          data->keyring = *wallet->keyring;
          data->has_keyring = TRUE;
        }
      if (wallet->settings != NULL)
        data->settings = g_object_ref (wallet->settings);
    }
  return data;
}

static IdwBackupWallet
task_data_wallet (TaskData *data)
{
  IdwBackupWallet wallet = {
    data->data_directory,
    data->has_keyring ? &data->keyring : NULL,
    data->settings,
  };

  return wallet;
}

static void
create_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TaskData *data = task_data;
  IdwBackupWallet wallet = task_data_wallet (data);
  GError *error = NULL;

  if (idw_backup_create_sync (&wallet, data->path, data->passphrase, &data->summary, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * idw_backup_create:
 * @wallet: (nullable): the wallet to back up
 * @path: the backup file
 * @passphrase: its passphrase (copied)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * idw_backup_create_sync() in a worker thread.
 */
void
idw_backup_create (const IdwBackupWallet  *wallet,
                   const char             *path,
                   IdwPassphrase          *passphrase,
                   GCancellable           *cancellable,
                   GAsyncReadyCallback     callback,
                   gpointer                user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  TaskData *data = task_data_new (wallet);

  data->path = g_strdup (path);
  data->passphrase = _idw_passphrase_copy (passphrase);
  g_task_set_source_tag (task, idw_backup_create);
  g_task_set_task_data (task, data, (GDestroyNotify) task_data_free);
  g_task_run_in_thread (task, create_thread);
}

gboolean
idw_backup_create_finish (GAsyncResult      *result,
                          IdwBackupSummary  *out_summary,
                          GError           **error)
{
  GTask *task = G_TASK (result);

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  if (!g_task_propagate_boolean (task, error))
    return FALSE;
  if (out_summary != NULL)
    *out_summary = ((TaskData *) g_task_get_task_data (task))->summary;
  return TRUE;
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  TaskData *data = task_data;
  GError *error = NULL;
  IdwBackup *backup = idw_backup_open_sync (data->path, data->passphrase, cancellable, &error);

  if (backup != NULL)
    g_task_return_pointer (task, backup, g_object_unref);
  else
    g_task_return_error (task, error);
}

/**
 * idw_backup_open:
 * @path: a backup file
 * @passphrase: its passphrase (copied)
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * idw_backup_open_sync() in a worker thread.
 */
void
idw_backup_open (const char           *path,
                 IdwPassphrase        *passphrase,
                 GCancellable         *cancellable,
                 GAsyncReadyCallback   callback,
                 gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  TaskData *data = task_data_new (NULL);

  data->path = g_strdup (path);
  data->passphrase = _idw_passphrase_copy (passphrase);
  g_task_set_source_tag (task, idw_backup_open);
  g_task_set_task_data (task, data, (GDestroyNotify) task_data_free);
  g_task_run_in_thread (task, open_thread);
}

IdwBackup *
idw_backup_open_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
restore_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  TaskData *data = task_data;
  IdwBackupWallet wallet = task_data_wallet (data);
  GError *error = NULL;
  IdwBackupReport *report = idw_backup_restore_sync (IDW_BACKUP (source_object), &wallet, cancellable, &error);

  if (report != NULL)
    g_task_return_pointer (task, report, (GDestroyNotify) idw_backup_report_free);
  else
    g_task_return_error (task, error);
}

/**
 * idw_backup_restore:
 * @self: an opened backup
 * @wallet: (nullable): the wallet to restore into
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: for @callback
 *
 * idw_backup_restore_sync() in a worker thread.
 */
void
idw_backup_restore (IdwBackup              *self,
                    const IdwBackupWallet  *wallet,
                    GCancellable           *cancellable,
                    GAsyncReadyCallback     callback,
                    gpointer                user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, idw_backup_restore);
  g_task_set_task_data (task, task_data_new (wallet), (GDestroyNotify) task_data_free);
  g_task_run_in_thread (task, restore_thread);
}

IdwBackupReport *
idw_backup_restore_finish (IdwBackup     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
