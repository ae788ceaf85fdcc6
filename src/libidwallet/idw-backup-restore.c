/* idw-backup-restore.c: restoring an opened backup, all or nothing
 * (docs/formats.md §12.4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The wallet's folder (`$XDG_DATA_HOME/id-wallet`: credentials/, trust/,
 * history/, requests/) is copied to a staging folder beside it,
 * `.id-wallet.restore-XXXXXX`; the backup is restored into the copy
 * through the stores' own code (the credential store, the trust store's
 * rules, the history's merge); the settings go into a journal file in the
 * copy, written last, whose presence says the copy is whole; and then one
 * renameat2 (RENAME_EXCHANGE) swaps the copy and the wallet's folder.
 * Device keys go into the keyring before the swap: if the swap never
 * happens they are keys nothing uses, which harms nothing.
 *
 * A kill at any instant leaves the old folder, or the new one with its
 * journal; idw_backup_recover_sync(), run before the next restore and
 * whenever the app or the CLI opens the wallet, applies a journal left in
 * the wallet's folder (the settings live in dconf, outside the swap) and
 * removes the leftovers. Where the file system cannot exchange two names,
 * the old folder is renamed aside and the copy renamed into place, and
 * recovery finishes a swap it finds half done: with no wallet folder, a
 * whole copy (one with its journal) is rolled forward, else the old one
 * put back.
 *
 * One restore at a time: an flock on `.id-wallet-restore.lock` beside the
 * folder, which recovery only tries (a restore in progress is not a
 * leftover).
 *
 * The wallet stays usable while a restore runs (another window, the CLI):
 * what it writes meanwhile would be lost with the old folder. So the
 * folder's state (every name, with its kind, mode, size, time and inode;
 * the stores only ever replace files by rename) is taken before the copy
 * and again just before the swap; when they differ, the copy is thrown
 * away and made again, at most MAX_ATTEMPTS times, then the restore gives
 * up with nothing changed.
 */
#define _GNU_SOURCE
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "idw-backup.h"
#include "idw-backup-private.h"
#include "idw-cbor.h"
#include "idw-error.h"
#include "idw-folder-state-private.h"
#include "idw-history.h"
#include "idw-issuer-signed.h"
#include "idw-store.h"
#include "idw-store-private.h"
#include "idw-trust-store.h"
#include "idw-trust-store-private.h"

#define JOURNAL_NAME        ".restore-journal"
#define JOURNAL_VERSION     1
#define STAGE_INFIX         ".restore-"
#define OLD_INFIX           ".old-"
#define LOCK_SUFFIX         "-restore.lock"
#define MAX_JOURNAL         (256 * 1024)
#define MAX_ATTEMPTS        3

/* ---- The test hook ------------------------------------------------------ */

static IdwBackupTestStepFunc test_step_func;
static gpointer              test_step_data;

void
_idw_backup_set_test_step (IdwBackupTestStepFunc func,
                           gpointer              user_data)
{
  test_step_func = func;
  test_step_data = user_data;
}

void
_idw_backup_test_hook (const char *step,
                       guint       n)
{
  const char *at = g_getenv ("IDW_BACKUP_TEST_KILL_AT");
  g_autofree char *numbered = NULL;

  if (test_step_func != NULL)
    test_step_func (step, n, test_step_data);
  if (at == NULL)
    return;
  numbered = g_strdup_printf ("%s:%u", step, n);
  if (g_str_equal (at, numbered) || (n == 0 && g_str_equal (at, step)))
    kill (getpid (), SIGKILL);
}

/* ---- The report ------------------------------------------------------- */

static void
item_free (IdwBackupItem *item)
{
  g_free (item->id);
  g_free (item->name);
  g_free (item);
}

static void
report_add (GPtrArray  *items,
            const char *id,
            char       *name_take)
{
  IdwBackupItem *item = g_new0 (IdwBackupItem, 1);

  item->id = g_strdup (id);
  item->name = name_take;
  g_ptr_array_add (items, item);
}

/**
 * idw_backup_report_free:
 * @report: (nullable): what a restore did
 *
 * Frees @report.
 */
void
idw_backup_report_free (IdwBackupReport *report)
{
  if (report == NULL)
    return;
  g_clear_pointer (&report->restored, g_ptr_array_unref);
  g_clear_pointer (&report->reissue, g_ptr_array_unref);
  g_clear_pointer (&report->skipped, g_ptr_array_unref);
  g_free (report);
}

static IdwBackupReport *
report_new (void)
{
  IdwBackupReport *report = g_new0 (IdwBackupReport, 1);

  report->restored = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  report->reissue = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  report->skipped = g_ptr_array_new_with_free_func ((GDestroyNotify) item_free);
  return report;
}

/* ---- Folders ---------------------------------------------------------- */

static void
set_io_error (GError     **error,
              const char  *path,
              int          saved_errno)
{
  g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
               /* Translators: %s is a file or folder, then the system's reason */
               _("Could not restore into “%s”: %s"), path, g_strerror (saved_errno));
}

static gboolean
fsync_path (const char  *path,
            gboolean     folder,
            GError     **error)
{
  int fd = open (path, (folder ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);

  if (fd < 0 || fsync (fd) != 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        close (fd);
      set_io_error (error, path, saved_errno);
      return FALSE;
    }
  close (fd);
  return TRUE;
}

static gboolean
copy_file (const char   *from,
           const char   *to,
           mode_t        mode,
           GError      **error)
{
  int in = open (from, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  int out = -1;
  char buffer[64 * 1024];
  gboolean ok = FALSE;
  int saved_errno = 0;

  if (in < 0)
    {
      saved_errno = errno;
      set_io_error (error, from, saved_errno);
      return FALSE;
    }
  out = open (to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 07777);
  if (out < 0)
    goto fail;

  for (;;)
    {
      gssize n = read (in, buffer, sizeof buffer);
      const char *p = buffer;

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        goto fail;
      if (n == 0)
        break;
      while (n > 0)
        {
          gssize w = write (out, p, (gsize) n);

          if (w < 0 && errno == EINTR)
            continue;
          if (w < 0)
            goto fail;
          p += w;
          n -= w;
        }
    }
  if (fsync (out) != 0)
    goto fail;
  ok = TRUE;

fail:
  if (!ok)
    {
      saved_errno = errno;
      set_io_error (error, to, saved_errno);
    }
  close (in);
  if (out >= 0 && close (out) != 0 && ok)
    {
      saved_errno = errno;
      set_io_error (error, to, saved_errno);
      ok = FALSE;
    }
  return ok;
}

/* Copies the folder @from into @to, which exists: files, folders and
 * symbolic links, with their modes; the journal of an earlier restore
 * (@top) is not copied, it is merged into the new one. */
static gboolean
copy_tree (const char    *from,
           const char    *to,
           gboolean       top,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *name;

  dir = g_dir_open (from, 0, &local_error);
  if (dir == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   _("Could not restore into “%s”: %s"), from, local_error->message);
      return FALSE;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *source = g_build_filename (from, name, NULL);
      g_autofree char *target = g_build_filename (to, name, NULL);
      struct stat st;

      if (top && g_str_equal (name, JOURNAL_NAME))
        continue;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (lstat (source, &st) != 0)
        {
          if (errno == ENOENT)
            continue;  /* removed while we copy: a temporary file */
          set_io_error (error, source, errno);
          return FALSE;
        }

      if (S_ISDIR (st.st_mode))
        {
          if (g_mkdir (target, st.st_mode & 07777) != 0)
            {
              set_io_error (error, target, errno);
              return FALSE;
            }
          if (!copy_tree (source, target, FALSE, cancellable, error))
            return FALSE;
        }
      else if (S_ISREG (st.st_mode))
        {
          if (!copy_file (source, target, st.st_mode, error))
            return FALSE;
        }
      else if (S_ISLNK (st.st_mode))
        {
          g_autofree char *link = g_file_read_link (source, NULL);

          if (link != NULL && symlink (link, target) != 0)
            {
              set_io_error (error, target, errno);
              return FALSE;
            }
        }
      /* Sockets, pipes and devices have no place here: left out. */
    }

  return fsync_path (to, TRUE, error);
}

/* Removes @path and all under it, never following a link. */
static void
delete_tree (const char *path)
{
  struct stat st;

  if (lstat (path, &st) != 0)
    return;
  if (S_ISDIR (st.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          delete_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

/* fsyncs every folder under @path (files were synced as they were
 * written), so that the swap never makes a folder current whose entries a
 * power cut could lose. */
static gboolean
sync_folders (const char  *path,
              GError     **error)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      struct stat st;

      if (lstat (child, &st) == 0 && S_ISDIR (st.st_mode) && !sync_folders (child, error))
        return FALSE;
    }
  return fsync_path (path, TRUE, error);
}

/* ---- The wallet's place and its lock ------------------------------------- */

typedef struct
{
  char *folder;     /* the wallet's folder, links resolved */
  char *parent;
  char *base;
  int   lock_fd;
} Place;

static void
place_clear (Place *place)
{
  g_clear_pointer (&place->folder, g_free);
  g_clear_pointer (&place->parent, g_free);
  g_clear_pointer (&place->base, g_free);
  if (place->lock_fd >= 0)
    close (place->lock_fd);  /* releases the flock */
  place->lock_fd = -1;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Place, place_clear)

/* Finds the wallet's folder and takes the restore lock: waiting for it
 * when @wait, else *out_busy says another process holds it. */
static gboolean
place_open (Place                  *place,
            const IdwBackupWallet  *wallet,
            gboolean                wait,
            gboolean               *out_busy,
            GError                **error)
{
  g_autofree char *folder = _idw_backup_wallet_directory (wallet);
  g_autofree char *lock_name = NULL;
  g_autofree char *lock_path = NULL;
  char *real;

  place->lock_fd = -1;
  if (out_busy != NULL)
    *out_busy = FALSE;

  /* A wallet folder that is a link to another disk: the swap happens
   * there, and the link stays. */
  real = realpath (folder, NULL);
  place->folder = real != NULL ? g_strdup (real) : g_steal_pointer (&folder);
  free (real);
  place->parent = g_path_get_dirname (place->folder);
  place->base = g_path_get_basename (place->folder);

  if (g_mkdir_with_parents (place->parent, 0700) != 0)
    {
      set_io_error (error, place->parent, errno);
      return FALSE;
    }

  lock_name = g_strconcat (".", place->base, LOCK_SUFFIX, NULL);
  lock_path = g_build_filename (place->parent, lock_name, NULL);
  place->lock_fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (place->lock_fd < 0)
    {
      set_io_error (error, lock_path, errno);
      return FALSE;
    }
  while (flock (place->lock_fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0)
    {
      if (errno == EINTR)
        continue;
      if (errno == EWOULDBLOCK && out_busy != NULL)
        {
          *out_busy = TRUE;
          return TRUE;
        }
      set_io_error (error, lock_path, errno);
      return FALSE;
    }
  return TRUE;
}

/* The names beside the wallet's folder that a restore makes:
 * ".id-wallet.restore-XXXXXX" (@infix STAGE_INFIX) or ".id-wallet.old-XXXXXX". */
static GPtrArray *
place_leftovers (Place      *place,
                 const char *infix)
{
  g_autofree char *prefix = g_strconcat (".", place->base, infix, NULL);
  g_autoptr(GDir) dir = g_dir_open (place->parent, 0, NULL);
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, prefix))
      g_ptr_array_add (paths, g_build_filename (place->parent, name, NULL));
  g_ptr_array_sort (paths, _idw_compare_names);
  return paths;
}

/* ---- The journal ------------------------------------------------------ */

/* The settings of the journal in @folder, or NULL when there is none (or
 * it cannot be read: it is then dropped, it only ever holds settings). */
static GVariant *
read_journal (const char *folder)
{
  g_autofree char *path = g_build_filename (folder, JOURNAL_NAME, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(cbor_item_t) map = NULL;
  g_autoptr(GError) local_error = NULL;
  cbor_item_t *settings;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL) || len > MAX_JOURNAL)
    return NULL;
  map = idw_cbor_decode ((const guint8 *) contents, len, &local_error);
  settings = map != NULL ? idw_cbor_map_get (map, "settings") : NULL;
  if (settings == NULL)
    {
      g_debug ("Restore journal %s cannot be read", path);
      return NULL;
    }
  return _idw_backup_settings_from_cbor (settings, NULL);
}

static gboolean
write_journal (const char  *folder,
               GVariant    *settings,
               GError     **error)
{
  g_autofree char *path = g_build_filename (folder, JOURNAL_NAME, NULL);
  g_autoptr(cbor_item_t) map = idw_cbor_new_map ();
  g_autoptr(GBytes) encoded = NULL;
  g_autoptr(GError) local_error = NULL;

  idw_cbor_map_add_str (map, "version", idw_cbor_new_int (JOURNAL_VERSION));
  idw_cbor_map_add_str (map, "settings", _idw_backup_settings_to_cbor (settings));
  encoded = idw_cbor_encode (map);
  if (!g_file_set_contents_full (path, g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded),
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   _("Could not restore into “%s”: %s"), path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* Applies and removes the journal in the wallet's folder, when there is
 * one and the settings' schema is here; *out_pending when it must wait. */
static void
apply_journal (Place      *place,
               GSettings  *settings,
               guint      *out_restored,
               guint      *out_skipped,
               gboolean   *out_pending)
{
  g_autofree char *path = g_build_filename (place->folder, JOURNAL_NAME, NULL);
  g_autoptr(GVariant) values = NULL;
  g_autoptr(GSettings) looked_up = NULL;
  guint restored = 0, skipped = 0;

  *out_pending = FALSE;
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return;

  values = read_journal (place->folder);
  if (values != NULL && g_variant_n_children (values) > 0)
    {
      if (settings == NULL)
        settings = looked_up = _idw_backup_lookup_settings ();
      if (settings == NULL)
        {
          *out_pending = TRUE;
          return;
        }
      _idw_backup_apply_settings (settings, values, &restored, &skipped);
    }
  g_unlink (path);
  if (out_restored != NULL)
    *out_restored = restored;
  if (out_skipped != NULL)
    *out_skipped = skipped;
}

/* Finishes or undoes an interrupted restore; the lock is held. */
static void
recover_locked (Place      *place,
                GSettings  *settings)
{
  g_autoptr(GPtrArray) staged = place_leftovers (place, STAGE_INFIX);
  g_autoptr(GPtrArray) old = place_leftovers (place, OLD_INFIX);
  gboolean pending;

  if (!g_file_test (place->folder, G_FILE_TEST_EXISTS))
    {
      gboolean done = FALSE;

      /* Killed between the two renames of a swap without exchange: a
       * whole copy goes forward, else the old folder comes back. */
      for (guint i = 0; i < staged->len && !done; i++)
        {
          g_autofree char *journal = g_build_filename (staged->pdata[i], JOURNAL_NAME, NULL);

          if (g_file_test (journal, G_FILE_TEST_EXISTS) && g_rename (staged->pdata[i], place->folder) == 0)
            done = TRUE;
        }
      for (guint i = 0; i < old->len && !done; i++)
        if (g_rename (old->pdata[i], place->folder) == 0)
          done = TRUE;
      if (done)
        fsync_path (place->parent, TRUE, NULL);
    }

  apply_journal (place, settings, NULL, NULL, &pending);

  for (guint i = 0; i < staged->len; i++)
    delete_tree (staged->pdata[i]);
  for (guint i = 0; i < old->len; i++)
    delete_tree (old->pdata[i]);
}

/* Whether there is anything to recover: a journal in the wallet's
 * folder, or a name a restore makes beside it. Cheap, and takes no lock:
 * every command of the CLI asks. */
static gboolean
needs_recovery (const IdwBackupWallet *wallet)
{
  g_autofree char *folder = _idw_backup_wallet_directory (wallet);
  g_autofree char *journal = g_build_filename (folder, JOURNAL_NAME, NULL);
  g_autofree char *parent = g_path_get_dirname (folder);
  g_autofree char *base = g_path_get_basename (folder);
  g_autofree char *staged = g_strconcat (".", base, STAGE_INFIX, NULL);
  g_autofree char *old = g_strconcat (".", base, OLD_INFIX, NULL);
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (g_file_test (journal, G_FILE_TEST_EXISTS))
    return TRUE;
  dir = g_dir_open (parent, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, staged) || g_str_has_prefix (name, old))
      return TRUE;
  return FALSE;
}

/**
 * idw_backup_recover_sync:
 * @wallet: (nullable): the wallet; %NULL for the user's
 * @error: return location for a #GError
 *
 * Finishes a restore that was interrupted after its swap (applies the
 * settings it left in its journal), or clears what one interrupted
 * before it left behind (its staging folder); puts back a wallet folder
 * that a swap without RENAME_EXCHANGE left half done. Does nothing while
 * another process restores. Settings whose schema is not installed here
 * wait in the journal for a process that has it (the app).
 *
 * Returns: %TRUE; %FALSE with IDW_ERROR_IO when the lock cannot be taken.
 */
gboolean
idw_backup_recover_sync (const IdwBackupWallet  *wallet,
                         GError                **error)
{
  g_auto(Place) place = { NULL, NULL, NULL, -1 };
  gboolean busy = FALSE;

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!needs_recovery (wallet))
    return TRUE;
  if (!place_open (&place, wallet, FALSE, &busy, error))
    return FALSE;
  if (!busy)
    recover_locked (&place, wallet != NULL ? wallet->settings : NULL);
  return TRUE;
}

/* ---- The swap ---------------------------------------------------------- */

/* Makes @staged the wallet's folder; @staged then holds the old one (or
 * nothing, when there was none). */
static gboolean
swap_in (Place       *place,
         const char  *staged,
         GError     **error)
{
  if (!g_file_test (place->folder, G_FILE_TEST_EXISTS))
    {
      if (renameat2 (AT_FDCWD, staged, AT_FDCWD, place->folder, RENAME_NOREPLACE) != 0
          && (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP))
        {
          set_io_error (error, place->folder, errno);
          return FALSE;
        }
      if (g_file_test (staged, G_FILE_TEST_EXISTS) && g_rename (staged, place->folder) != 0)
        {
          set_io_error (error, place->folder, errno);
          return FALSE;
        }
      return fsync_path (place->parent, TRUE, error);
    }

  if (renameat2 (AT_FDCWD, staged, AT_FDCWD, place->folder, RENAME_EXCHANGE) == 0)
    return fsync_path (place->parent, TRUE, error);
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
    {
      set_io_error (error, place->folder, errno);
      return FALSE;
    }

  /* No exchange here: two renames, which recovery completes if we die
   * between them (the copy has its journal, so it goes forward). */
  {
    g_autofree char *name = g_strdup_printf (".%s" OLD_INFIX "%08x", place->base, g_random_int ());
    g_autofree char *aside = g_build_filename (place->parent, name, NULL);

    if (g_rename (place->folder, aside) != 0)
      {
        set_io_error (error, place->folder, errno);
        return FALSE;
      }
    _idw_backup_test_hook ("switch-half", 0);
    if (g_rename (staged, place->folder) != 0)
      {
        int saved_errno = errno;

        g_rename (aside, place->folder);
        set_io_error (error, place->folder, saved_errno);
        return FALSE;
      }
    fsync_path (place->parent, TRUE, NULL);
    g_rename (aside, staged);
    return TRUE;
  }
}

/* ---- Restoring ---------------------------------------------------------- */

static GBytes *
issuer_auth_bytes (IdwCredential *credential)
{
  return idw_cbor_encode (idw_credential_get_issuer_signed (credential)->issuer_auth);
}

/* Puts the credentials into the staged store and their keys into the
 * keyring. */
static gboolean
restore_credentials (IdwBackup               *self,
                     const IdwBackupKeyring  *keyring,
                     IdwStore                *store,
                     IdwBackupReport         *report,
                     GCancellable            *cancellable,
                     GError                 **error)
{
  GPtrArray *credentials = idw_backup_get_credentials (self);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GHashTable) held = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                      (GDestroyNotify) g_bytes_unref, g_free);

  entries = idw_store_list_sync (store, cancellable, error);
  if (entries == NULL)
    return FALSE;
  /* The same credential: the same issuerAuth (idw_store_find_duplicate_sync()). */
  for (guint i = 0; i < entries->len; i++)
    {
      IdwCredential *credential = idw_store_entry_get_credential (entries->pdata[i]);

      if (credential != NULL)
        g_hash_table_insert (held, issuer_auth_bytes (credential),
                             g_strdup (idw_store_entry_get_id (entries->pdata[i])));
    }

  for (guint i = 0; i < credentials->len; i++)
    {
      IdwBackupCredential *item = credentials->pdata[i];
      g_autoptr(GBytes) auth = issuer_auth_bytes (item->credential);
      g_autofree char *name = idw_backup_credential_dup_name (item);
      g_autofree char *id = NULL;
      const char *held_id = g_hash_table_lookup (held, auth);
      gboolean reissue = FALSE;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (held_id != NULL)
        {
          report_add (report->skipped, held_id, g_steal_pointer (&name));
          continue;
        }

      if (item->key_kind == IDW_BACKUP_KEY_SOFTWARE)
        {
          _idw_backup_test_hook ("key", i);
          if (!keyring->store_device_key (idw_credential_get_private_key (item->credential), name,
                                          keyring->user_data, cancellable, error))
            return FALSE;
        }
      else if (item->key_kind == IDW_BACKUP_KEY_HARDWARE)
        {
          /* Back on the computer whose TPM holds its key, it needs no new
           * issue. */
          g_autofree char *fingerprint = idw_key_get_fingerprint (idw_credential_get_device_key (item->credential));
          g_autoptr(IdwKey) key = NULL;
          IdwBackupKeyKind kind = IDW_BACKUP_KEY_NONE;

          if (!keyring->find_device_key (fingerprint, &kind, &key, keyring->user_data, cancellable, error))
            return FALSE;
          reissue = key == NULL;
        }

      _idw_backup_test_hook ("credential", i);
      id = _idw_store_write_restored (store, item->id, item->credential, item->imported, item->nickname,
                                      reissue, error);
      if (id == NULL)
        return FALSE;
      g_hash_table_insert (held, g_steal_pointer (&auth), g_strdup (id));
      report_add (reissue ? report->reissue : report->restored, id, g_steal_pointer (&name));
    }
  return TRUE;
}

static gboolean
restore_trust (IdwBackup        *self,
               const char       *directory,
               IdwBackupReport  *report,
               GError          **error)
{
  g_autoptr(IdwTrustStore) trust = idw_trust_store_new (directory);
  GPtrArray *anchors = idw_backup_get_anchors (self);
  GPtrArray *copies = _idw_backup_get_list_copies (self);

  for (guint i = 0; i < anchors->len; i++)
    {
      gboolean added = FALSE;

      if (!idw_trust_store_add (trust, anchors->pdata[i], &added, error))
        return FALSE;
      if (added)
        report->anchors_added++;
      else
        report->anchors_present++;
    }

  for (guint i = 0; i < copies->len; i++)
    {
      g_auto(IdwTrustImport) import = { 0 };
      g_autoptr(GError) local_error = NULL;

      /* The rules of an import: a newer list held already wins. */
      if (!_idw_trust_store_restore_list (trust, copies->pdata[i], &import, &local_error))
        {
          if (!g_error_matches (local_error, IDW_ERROR, IDW_ERROR_SUPERSEDED))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          report->lists_kept++;
        }
      else if (import.unchanged)
        report->lists_kept++;
      else
        report->lists_restored++;
    }
  return TRUE;
}

/* Makes a staging folder beside the wallet's folder, copies the wallet's
 * folder into it and restores @self into the copy (credentials, trust,
 * history, then the journal that says the copy is whole; steps 3 to 7 of
 * docs/formats.md §12.4). Returns its path, or NULL with @error set and
 * nothing left behind. */
static char *
stage (IdwBackup               *self,
       const IdwBackupKeyring  *keyring,
       Place                   *place,
       IdwWalletKey            *wallet_key,
       IdwBackupReport         *report,
       GCancellable            *cancellable,
       GError                 **error)
{
  g_autoptr(IdwStore) store = NULL;
  g_autoptr(IdwHistory) history = NULL;
  g_autoptr(GVariant) pending = NULL;
  g_autoptr(GVariant) journal = NULL;
  g_autofree char *staged = NULL;
  g_autofree char *template = NULL;
  g_autofree char *store_dir = NULL;
  g_autofree char *trust_dir = NULL;
  g_autofree char *history_dir = NULL;
  GPtrArray *entries;

  _idw_backup_test_hook ("stage", 0);
  template = g_strdup_printf ("%s%c.%s" STAGE_INFIX "XXXXXX", place->parent, G_DIR_SEPARATOR, place->base);
  staged = g_mkdtemp_full (g_steal_pointer (&template), 0700);
  if (staged == NULL)
    {
      set_io_error (error, place->parent, errno);
      return NULL;
    }

  _idw_backup_test_hook ("copy", 0);
  if (g_file_test (place->folder, G_FILE_TEST_IS_DIR)
      && !copy_tree (place->folder, staged, TRUE, cancellable, error))
    goto fail;

  store_dir = g_build_filename (staged, "credentials", NULL);
  trust_dir = g_build_filename (staged, "trust", NULL);
  history_dir = g_build_filename (staged, "history", NULL);

  store = idw_store_new (store_dir, wallet_key, error);
  if (store == NULL || !restore_credentials (self, keyring, store, report, cancellable, error))
    goto fail;

  _idw_backup_test_hook ("trust", 0);
  if (!restore_trust (self, trust_dir, report, error))
    goto fail;

  _idw_backup_test_hook ("history", 0);
  entries = _idw_backup_get_history (self);
  if (entries->len > 0)
    {
      history = idw_history_new (history_dir, wallet_key);
      if (!idw_history_merge_sync (history, entries, &report->history_added, cancellable, error))
        goto fail;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto fail;

  /* The journal last: with it, the copy is whole. Settings an earlier
   * restore left waiting come first, the backup's win. */
  _idw_backup_test_hook ("journal", 0);
  pending = read_journal (place->folder);
  {
    g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (pending);
    GVariantIter iter;
    const char *name;
    GVariant *value;

    g_variant_iter_init (&iter, idw_backup_get_settings (self));
    while (g_variant_iter_next (&iter, "{&sv}", &name, &value))
      {
        g_variant_dict_insert_value (&dict, name, value);
        g_variant_unref (value);
      }
    journal = g_variant_ref_sink (g_variant_dict_end (&dict));
  }
  if (!write_journal (staged, journal, error) || !sync_folders (staged, error))
    goto fail;

  return g_steal_pointer (&staged);

fail:
  delete_tree (staged);
  return NULL;
}

/**
 * idw_backup_restore_sync:
 * @self: an opened backup
 * @wallet: (nullable): the wallet to restore into; %NULL for the user's
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Restores @self into @wallet, all or nothing. Credentials the wallet
 * holds already (the same issuerAuth) are skipped and reported; the
 * others are added under the id they had, with their import time and
 * nickname, re-encrypted under this wallet's key (made on first use in a
 * fresh keyring), their software device keys stored in its keyring.
 * A credential whose key stayed in another computer's TPM is added
 * marked "Re-issue needed on this device" (idw_store_entry_get_reissue_needed()),
 * unless its key is in this computer's TPM. Anchors are added, lists
 * restored under the trust store's rules (a newer list held wins), history
 * entries merged by id, and the settings this version knows set within
 * their ranges.
 *
 * Everything is staged beside the wallet's folder and swapped in at once
 * (docs/formats.md §12.4): on an error, a cancellation or a kill before
 * the swap the wallet is as it was (the keyring may hold device keys
 * nothing uses); after it, the whole backup is restored. What another
 * window or command writes to the wallet meanwhile is copied again before
 * the swap; a wallet that keeps changing ends in IDW_ERROR_IO.
 *
 * Returns: (transfer full): what was done, or %NULL with IDW_ERROR_KEYRING,
 *   IDW_ERROR_IO, IDW_ERROR_LIMIT, the stores' errors, or
 *   G_IO_ERROR_CANCELLED; the wallet is then unchanged.
 */
IdwBackupReport *
idw_backup_restore_sync (IdwBackup              *self,
                         const IdwBackupWallet  *wallet,
                         GCancellable           *cancellable,
                         GError                **error)
{
  const IdwBackupKeyring *keyring;
  g_auto(Place) place = { NULL, NULL, NULL, -1 };
  g_autoptr(IdwBackupReport) report = NULL;
  g_autoptr(IdwWalletKey) wallet_key = NULL;
  g_autofree char *staged = NULL;
  GSettings *settings = wallet != NULL ? wallet->settings : NULL;

  g_return_val_if_fail (IDW_IS_BACKUP (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  keyring = wallet != NULL && wallet->keyring != NULL ? wallet->keyring : idw_backup_keyring_get_default ();

  if (!place_open (&place, wallet, TRUE, NULL, error))
    return NULL;
  recover_locked (&place, settings);

  /* The wallet key first: a keyring that cannot give one stops us before
   * anything is copied. */
  wallet_key = keyring->get_wallet_key (keyring->user_data, cancellable, error);
  if (wallet_key == NULL)
    return NULL;

  for (guint attempt = 0;; attempt++)
    {
      g_autofree char *before = NULL;
      g_autofree char *after = NULL;

      before = _idw_folder_state (place.folder, JOURNAL_NAME, error);
      if (before == NULL)
        return NULL;
      g_clear_pointer (&report, idw_backup_report_free);
      report = report_new ();
      staged = stage (self, keyring, &place, wallet_key, report, cancellable, error);
      if (staged == NULL)
        return NULL;

      /* Whatever wrote to the wallet since the copy began would be lost
       * with the old folder: then the copy is made again. */
      _idw_backup_test_hook ("check", attempt);
      after = _idw_folder_state (place.folder, JOURNAL_NAME, error);
      if (after == NULL)
        goto fail;
      if (g_str_equal (before, after))
        break;

      delete_tree (staged);
      g_clear_pointer (&staged, g_free);
      if (attempt + 1 == MAX_ATTEMPTS)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                       _("The wallet kept changing while the backup was being restored: another ID Wallet "
                         "window or command is using it. Nothing was restored; close the others and try "
                         "again."));
          return NULL;
        }
    }

  _idw_backup_test_hook ("switch", 0);
  if (!swap_in (&place, staged, error))
    goto fail;

  /* From here on the restore is done: what follows is tidying up, which
   * recovery does as well if we die. */
  _idw_backup_test_hook ("settings", 0);
  apply_journal (&place, settings, &report->settings_restored, &report->settings_skipped,
                 &report->settings_pending);

  _idw_backup_test_hook ("cleanup", 0);
  delete_tree (staged);

  _idw_backup_test_hook ("done", 0);
  return g_steal_pointer (&report);

fail:
  delete_tree (staged);
  return NULL;
}
