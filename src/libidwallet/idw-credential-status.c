/* idw-credential-status.c: the holder's own IDs' revocation status
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The wallet checks a card's entry in its issuer's Token Status List when
 * the card is opened; the fetcher's cache keeps the list for its ttl, so
 * opening a card again does not go to the network. What the last check
 * said is remembered in a record of its own (docs/formats.md §2.7), so
 * that the wallet's list shows "Revoked" without a request, also after
 * the list itself expired from the cache:
 *
 *   CACHE/credentials/SHA256HEX(uri "#" idx).cbor
 *   CredentialStatus = { "uri": tstr, "idx": uint, "status": uint,
 *                        "checked": uint, "listIssued": uint }
 *
 * keyed on the status entry, not on the wallet's ID, so that a record
 * never speaks for another credential.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <sodium.h>

#include "idw-cbor.h"
#include "idw-credential-status.h"
#include "idw-error.h"

#define MAX_RECORD 4096

void
idw_credential_status_free (IdwCredentialStatus *status)
{
  if (status == NULL)
    return;
  g_clear_pointer (&status->checked, g_date_time_unref);
  g_clear_pointer (&status->list_issued, g_date_time_unref);
  g_free (status);
}

IdwCredentialStatus *
idw_credential_status_copy (IdwCredentialStatus *status)
{
  IdwCredentialStatus *copy;

  if (status == NULL)
    return NULL;
  copy = g_new0 (IdwCredentialStatus, 1);
  copy->status = status->status;
  copy->checked = status->checked != NULL ? g_date_time_ref (status->checked) : NULL;
  copy->list_issued = status->list_issued != NULL ? g_date_time_ref (status->list_issued) : NULL;
  return copy;
}

gboolean
idw_credential_has_status (IdwCredential *credential)
{
  g_return_val_if_fail (IDW_IS_CREDENTIAL (credential), FALSE);

  return idw_credential_get_mso (credential)->status_uri != NULL;
}

static char *
record_path (IdwStatusFetcher *fetcher,
             IdwMso           *mso)
{
  g_autofree char *key = g_strdup_printf ("%s#%" G_GUINT64_FORMAT, mso->status_uri, mso->status_index);
  guint8 hash[crypto_hash_sha256_BYTES];
  char hex[2 * sizeof hash + 1];
  g_autofree char *name = NULL;

  crypto_hash_sha256 (hash, (const guint8 *) key, strlen (key));
  sodium_bin2hex (hex, sizeof hex, hash, sizeof hash);
  name = g_strconcat (hex, ".cbor", NULL);
  return g_build_filename (idw_status_fetcher_get_cache_dir (fetcher), "credentials", name, NULL);
}

static void
record_write (IdwStatusFetcher    *fetcher,
              IdwMso              *mso,
              IdwCredentialStatus *status)
{
  g_autofree char *path = record_path (fetcher, mso);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(cbor_item_t) map = idw_cbor_new_map ();
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GError) error = NULL;

  idw_cbor_map_add_str (map, "uri", idw_cbor_new_string (mso->status_uri));
  idw_cbor_map_add_str (map, "idx", idw_cbor_new_int ((gint64) MIN (mso->status_index, (guint64) G_MAXINT64)));
  idw_cbor_map_add_str (map, "status", idw_cbor_new_int (status->status));
  idw_cbor_map_add_str (map, "checked", idw_cbor_new_int (g_date_time_to_unix (status->checked)));
  idw_cbor_map_add_str (map, "listIssued", idw_cbor_new_int (g_date_time_to_unix (status->list_issued)));
  data = idw_cbor_encode (map);
  /* Losing the record only costs showing the status after the next check. */
  if (g_mkdir_with_parents (dir, 0700) != 0
      || !g_file_set_contents_full (path, g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                                    G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    g_debug ("Cannot remember the status of entry %" G_GUINT64_FORMAT " of %s: %s",
             mso->status_index, mso->status_uri, error != NULL ? error->message : g_strerror (errno));
}

static GDateTime *
unix_time (cbor_item_t *item)
{
  guint64 seconds;

  if (!idw_cbor_get_uint (item, &seconds) || seconds > (guint64) G_MAXINT32 * 8)
    return NULL;
  return g_date_time_new_from_unix_utc ((gint64) seconds);
}

IdwCredentialStatus *
idw_credential_status_load (IdwCredential    *credential,
                            IdwStatusFetcher *fetcher)
{
  IdwMso *mso;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(cbor_item_t) item = NULL;
  g_autoptr(IdwCredentialStatus) status = NULL;
  guint64 index, value;
  gsize len;

  g_return_val_if_fail (IDW_IS_CREDENTIAL (credential), NULL);
  g_return_val_if_fail (IDW_IS_STATUS_FETCHER (fetcher), NULL);

  mso = idw_credential_get_mso (credential);
  if (mso->status_uri == NULL)
    return NULL;
  path = record_path (fetcher, mso);
  if (!g_file_get_contents (path, &contents, &len, NULL) || len > MAX_RECORD)
    return NULL;
  item = idw_cbor_decode ((const guint8 *) contents, len, NULL);
  if (item == NULL || !cbor_isa_map (item)
      || !idw_cbor_string_equal (idw_cbor_map_get (item, "uri"), mso->status_uri)
      || !idw_cbor_get_uint (idw_cbor_map_get (item, "idx"), &index) || index != mso->status_index
      || !idw_cbor_get_uint (idw_cbor_map_get (item, "status"), &value) || value > G_MAXUINT8)
    return NULL;
  status = g_new0 (IdwCredentialStatus, 1);
  status->status = (guint) value;
  status->checked = unix_time (idw_cbor_map_get (item, "checked"));
  status->list_issued = unix_time (idw_cbor_map_get (item, "listIssued"));
  if (status->checked == NULL || status->list_issued == NULL)
    return NULL;
  return g_steal_pointer (&status);
}

IdwCredentialStatus *
idw_credential_status_check (IdwCredential     *credential,
                             IdwStatusFetcher  *fetcher,
                             GError           **error)
{
  IdwMso *mso;
  IdwCertificate *anchor;
  g_autoptr(IdwStatusToken) token = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  IdwCredentialStatus *status;
  guint value;

  g_return_val_if_fail (IDW_IS_CREDENTIAL (credential), NULL);
  g_return_val_if_fail (IDW_IS_STATUS_FETCHER (fetcher), NULL);

  mso = idw_credential_get_mso (credential);
  anchor = idw_credential_get_status_anchor (credential);
  if (mso->status_uri == NULL || anchor == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND,
                   _("the issuer keeps no revocation list for this ID"));
      return NULL;
    }
  if (!idw_status_fetcher_get_status (fetcher, mso->status_uri, mso->status_index, anchor, now,
                                      &value, &token, error))
    return NULL;

  status = g_new0 (IdwCredentialStatus, 1);
  status->status = value;
  status->checked = g_date_time_ref (now);
  status->list_issued = g_date_time_ref (token->issued_at);
  record_write (fetcher, mso, status);
  return status;
}

/* ---- On a worker thread ---------------------------------------------------- */

static void
check_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  IdwStatusFetcher *fetcher = task_data;
  GError *error = NULL;
  IdwCredentialStatus *status = idw_credential_status_check (source, fetcher, &error);

  if (status == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, status, (GDestroyNotify) idw_credential_status_free);
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  g_task_return_pointer (task, idw_credential_status_load (source, task_data),
                         (GDestroyNotify) idw_credential_status_free);
}

static void
run_in_thread (IdwCredential       *credential,
               IdwStatusFetcher    *fetcher,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data,
               gpointer             tag,
               GTaskThreadFunc      func)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (IDW_IS_CREDENTIAL (credential));
  g_return_if_fail (IDW_IS_STATUS_FETCHER (fetcher));

  task = g_task_new (credential, cancellable, callback, user_data);
  g_task_set_source_tag (task, tag);
  g_task_set_task_data (task, g_object_ref (fetcher), g_object_unref);
  g_task_run_in_thread (task, func);
}

void
idw_credential_status_check_async (IdwCredential       *credential,
                                   IdwStatusFetcher    *fetcher,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  run_in_thread (credential, fetcher, cancellable, callback, user_data,
                 idw_credential_status_check_async, check_thread);
}

IdwCredentialStatus *
idw_credential_status_check_finish (GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
idw_credential_status_load_async (IdwCredential       *credential,
                                  IdwStatusFetcher    *fetcher,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  run_in_thread (credential, fetcher, cancellable, callback, user_data,
                 idw_credential_status_load_async, load_thread);
}

IdwCredentialStatus *
idw_credential_status_load_finish (GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
