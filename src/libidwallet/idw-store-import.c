/* idw-store-import.c: the rules for adding a credential file to the wallet
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the app and the CLI both did before adding a credential, once, with
 * one error code per refusal (idw-store-import.h lists them). The words
 * people read are the callers': a message here only carries the detail
 * (the parser's or the signature check's reason).
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "idw-error.h"
#include "idw-store-import.h"

/**
 * idw_store_import_check:
 * @data: a credential file's contents: a .idwcred file, a bare
 *   IssuerSigned or an mdoc (CBOR)
 * @error: return location for a #GError
 *
 * The checks that need no store, in order: size, shape, parsing and the
 * issuer's signature (not whether the issuer is trusted: that is the
 * verifier's question).
 *
 * Returns: (transfer full): the credential, with the device private key
 *   @data carries (if any), or %NULL with IDW_ERROR_LIMIT,
 *   IDW_ERROR_WRONG_TYPE (not a credential), IDW_ERROR_MALFORMED (a
 *   damaged credential; the parser's message) or IDW_ERROR_BAD_SIGNATURE
 *   (the reason in the message).
 */
IdwCredential *
idw_store_import_check (GBytes  *data,
                        GError **error)
{
  g_autoptr(IdwCredential) credential = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_bytes_get_size (data) > IDW_MAX_INPUT_FILE)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The credential is larger than %d bytes"), IDW_MAX_INPUT_FILE);
      return NULL;
    }

  /* Anything else is "not a credential" rather than a damaged one. */
  if (!idw_credential_data_is_credential (data))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                           _("This is not a credential: no issuerSigned, documents or issuerAuth"));
      return NULL;
    }

  /* Whatever the parser found (a digest, a field, a nesting limit), the
   * credential is damaged: one code, the parser's words. */
  credential = idw_credential_new_from_bytes (data, &local_error);
  if (credential == NULL)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED, local_error->message);
      return NULL;
    }

  if (!idw_credential_verify_issuer_signature (credential, &local_error))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE, local_error->message);
      return NULL;
    }

  return g_steal_pointer (&credential);
}

/**
 * idw_store_import_credential_sync:
 * @self: a store
 * @credential: a credential that passed idw_store_import_check()
 * @nickname: (nullable): a name the holder gives it
 * @out_duplicate: (out) (optional) (nullable): the entry already holding
 *   @credential, on IDW_ERROR_DUPLICATE
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Adds @credential unless the wallet holds it already. A device private key
 * in @credential goes into the keyring, never into the store's file (and is
 * taken back if the file cannot be written).
 *
 * Returns: (transfer full): the new entry, or %NULL with
 *   IDW_ERROR_DUPLICATE, IDW_ERROR_KEYRING, IDW_ERROR_LIMIT (too large to
 *   store), IDW_ERROR_IO or G_IO_ERROR_CANCELLED.
 */
IdwStoreEntry *
idw_store_import_credential_sync (IdwStore       *self,
                                  IdwCredential  *credential,
                                  const char     *nickname,
                                  IdwStoreEntry **out_duplicate,
                                  GCancellable   *cancellable,
                                  GError        **error)
{
  g_autoptr(IdwStoreEntry) duplicate = NULL;
  g_autoptr(GError) local_error = NULL;
  IdwStoreEntry *entry;

  g_return_val_if_fail (IDW_IS_STORE (self), NULL);
  g_return_val_if_fail (IDW_IS_CREDENTIAL (credential), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (out_duplicate != NULL)
    *out_duplicate = NULL;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  /* idw_store_add_sync() refuses a duplicate too, but does not say which
   * entry holds it. */
  duplicate = idw_store_find_duplicate_sync (self, credential, cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (duplicate == NULL)
    {
      entry = idw_store_add_sync (self, credential, nickname, cancellable, &local_error);
      if (entry != NULL)
        return entry;
      if (!g_error_matches (local_error, IDW_ERROR, IDW_ERROR_DUPLICATE))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      /* Added meanwhile, by another thread or process. */
      duplicate = idw_store_find_duplicate_sync (self, credential, cancellable, NULL);
    }

  g_set_error_literal (error, IDW_ERROR, IDW_ERROR_DUPLICATE,
                       _("This ID is already in your wallet."));
  if (out_duplicate != NULL)
    *out_duplicate = g_steal_pointer (&duplicate);

  return NULL;
}

/**
 * idw_store_import_sync:
 * @self: a store
 * @data: a credential file's contents
 * @nickname: (nullable): a name the holder gives it
 * @out_duplicate: (out) (optional) (nullable): the entry already holding
 *   the credential, on IDW_ERROR_DUPLICATE
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * idw_store_import_check(), then idw_store_import_credential_sync().
 *
 * Returns: (transfer full): the new entry, or %NULL with the errors of
 *   both.
 */
IdwStoreEntry *
idw_store_import_sync (IdwStore       *self,
                       GBytes         *data,
                       const char     *nickname,
                       IdwStoreEntry **out_duplicate,
                       GCancellable   *cancellable,
                       GError        **error)
{
  g_autoptr(IdwCredential) credential = NULL;

  g_return_val_if_fail (IDW_IS_STORE (self), NULL);
  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (out_duplicate != NULL)
    *out_duplicate = NULL;

  credential = idw_store_import_check (data, error);
  if (credential == NULL)
    return NULL;

  return idw_store_import_credential_sync (self, credential, nickname, out_duplicate,
                                           cancellable, error);
}

/* ---- Asynchronous ---------------------------------------------------- */

typedef struct
{
  GBytes        *data;
  char          *nickname;
  IdwStoreEntry *duplicate;  /* set by the worker thread */
} ImportData;

static void
import_data_free (ImportData *import)
{
  g_clear_pointer (&import->data, g_bytes_unref);
  g_free (import->nickname);
  g_clear_object (&import->duplicate);
  g_free (import);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportData *import = task_data;
  GError *error = NULL;
  IdwStoreEntry *entry;

  entry = idw_store_import_sync (source_object, import->data, import->nickname,
                                 &import->duplicate, cancellable, &error);
  if (entry == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, entry, g_object_unref);
}

/**
 * idw_store_import_async:
 * @self: a store
 * @data: a credential file's contents
 * @nickname: (nullable): a name the holder gives it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context when done
 * @user_data: data for @callback
 *
 * idw_store_import_sync() in a worker thread.
 */
void
idw_store_import_async (IdwStore            *self,
                        GBytes              *data,
                        const char          *nickname,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ImportData *import;

  g_return_if_fail (IDW_IS_STORE (self));
  g_return_if_fail (data != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  import = g_new0 (ImportData, 1);
  import->data = g_bytes_ref (data);
  import->nickname = g_strdup (nickname);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, idw_store_import_async);
  g_task_set_task_data (task, import, (GDestroyNotify) import_data_free);
  g_task_run_in_thread (task, import_thread);
}

/**
 * idw_store_import_finish:
 * @self: a store
 * @result: the #GAsyncResult
 * @out_duplicate: (out) (optional) (nullable): the entry already holding
 *   the credential, on IDW_ERROR_DUPLICATE
 * @error: return location for a #GError
 *
 * Returns: (transfer full): as idw_store_import_sync().
 */
IdwStoreEntry *
idw_store_import_finish (IdwStore       *self,
                         GAsyncResult   *result,
                         IdwStoreEntry **out_duplicate,
                         GError        **error)
{
  ImportData *import;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == idw_store_import_async, NULL);

  import = g_task_get_task_data (G_TASK (result));
  if (out_duplicate != NULL)
    *out_duplicate = g_steal_pointer (&import->duplicate);

  return g_task_propagate_pointer (G_TASK (result), error);
}
