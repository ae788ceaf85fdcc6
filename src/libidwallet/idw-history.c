/* idw-history.c: the holder's history file (docs/store.md): reading,
 * changing it under a lock, and the asynchronous variants
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The whole history is one file, "IDWH1\n" || nonce || XChaCha20-Poly1305
 * ciphertext under the wallet key, whose associated data names the file's
 * purpose, so that a credential file (or anything else encrypted under the
 * same key) renamed into its place does not decrypt as history. The
 * plaintext is a CBOR sequence: a header map, then the entries, oldest
 * first (idw-history-entry.c).
 *
 * Every change is a read-modify-write of the whole file, under an
 * exclusive flock() on a lock file beside it, so that the app and
 * id-wallet-cli, or two threads, never lose each other's entries; the file
 * itself is replaced atomically (temporary file, fsync, rename), so reading
 * needs no lock. A file that cannot be decrypted or parsed is never
 * overwritten: a change moves it aside first and starts a new history.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "idw-cbor.h"
#include "idw-error.h"
#include "idw-folder-state-private.h"
#include "idw-history.h"
#include "idw-history-private.h"
#include "idw-store-private.h"

#define HISTORY_FILE_NAME     "history.idwhist"
#define HISTORY_LOCK_NAME     "history.lock"
#define HISTORY_DAMAGED_INFIX ".damaged-"
#define HISTORY_MAGIC         "IDWH1\n"
#define HISTORY_MAGIC_LEN     6
#define HISTORY_MAGIC_FAMILY  "IDWH"
#define HISTORY_PURPOSE       "ID Wallet history"
#define HISTORY_NONCE_LEN     crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define HISTORY_TAG_LEN       crypto_aead_xchacha20poly1305_ietf_ABYTES
#define HISTORY_HEADER_LEN    (HISTORY_MAGIC_LEN + HISTORY_NONCE_LEN)
#define HISTORY_VERSION       1
/* The most plaintext a file may hold. */
#define HISTORY_MAX_PLAINTEXT (IDW_HISTORY_MAX_FILE - HISTORY_HEADER_LEN - HISTORY_TAG_LEN)

G_STATIC_ASSERT (sizeof HISTORY_MAGIC - 1 == HISTORY_MAGIC_LEN);
G_STATIC_ASSERT (crypto_aead_xchacha20poly1305_ietf_KEYBYTES == IDW_WALLET_KEY_LEN);

struct _IdwHistory
{
  GObject       parent_instance;

  char         *directory;
  IdwWalletKey *wallet_key;
};

G_DEFINE_FINAL_TYPE (IdwHistory, idw_history, G_TYPE_OBJECT)

static void
idw_history_finalize (GObject *object)
{
  IdwHistory *self = IDW_HISTORY (object);

  g_free (self->directory);
  g_clear_pointer (&self->wallet_key, idw_wallet_key_unref);

  G_OBJECT_CLASS (idw_history_parent_class)->finalize (object);
}

static void
idw_history_class_init (IdwHistoryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = idw_history_finalize;
}

static void
idw_history_init (IdwHistory *self)
{
}

/**
 * idw_history_get_default_directory:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/id-wallet/history`.
 */
char *
idw_history_get_default_directory (void)
{
  return g_build_filename (g_get_user_data_dir (), "id-wallet", "history", NULL);
}

/**
 * idw_history_get_state:
 * @directory: (nullable): the history's folder, the default when %NULL
 * @error: return location for an error
 *
 * Returns: (transfer full): a token that differs from the one before
 *   whenever the history file was written since; %NULL with IDW_ERROR_IO.
 */
char *
idw_history_get_state (const char  *directory,
                       GError     **error)
{
  g_autofree char *fallback = NULL;

  if (directory == NULL)
    directory = fallback = idw_history_get_default_directory ();
  return _idw_folder_state (directory, NULL, error);
}

/**
 * idw_history_new:
 * @directory: (nullable): the history's folder, or %NULL for
 *   idw_history_get_default_directory()
 * @wallet_key: the key that encrypts it (the credential store's)
 *
 * Touches no file: the folder (mode 0700) and the file (mode 0600) are
 * made by the first change.
 *
 * Returns: (transfer full): the history.
 */
IdwHistory *
idw_history_new (const char   *directory,
                 IdwWalletKey *wallet_key)
{
  IdwHistory *self;

  g_return_val_if_fail (wallet_key != NULL, NULL);

  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");

  self = g_object_new (IDW_TYPE_HISTORY, NULL);
  self->directory = directory != NULL ? g_strdup (directory) : idw_history_get_default_directory ();
  self->wallet_key = idw_wallet_key_ref (wallet_key);
  return self;
}

/**
 * idw_history_get_directory:
 * @self: a history
 *
 * Returns: its folder.
 */
const char *
idw_history_get_directory (IdwHistory *self)
{
  g_return_val_if_fail (IDW_IS_HISTORY (self), NULL);

  return self->directory;
}

static char *
history_path (IdwHistory *self)
{
  return g_build_filename (self->directory, HISTORY_FILE_NAME, NULL);
}

/* ---- The file format ------------------------------------------------- */

static void
make_associated_data (guint8 ad[HISTORY_MAGIC_LEN + sizeof HISTORY_PURPOSE - 1])
{
  memcpy (ad, HISTORY_MAGIC, HISTORY_MAGIC_LEN);
  memcpy (ad + HISTORY_MAGIC_LEN, HISTORY_PURPOSE, sizeof HISTORY_PURPOSE - 1);
}

static GBytes *
encrypt_history (IdwHistory   *self,
                 const guint8 *plaintext,
                 gsize         len)
{
  guint8 ad[HISTORY_MAGIC_LEN + sizeof HISTORY_PURPOSE - 1];
  gsize total = HISTORY_HEADER_LEN + len + HISTORY_TAG_LEN;
  guint8 *out = g_malloc (total);
  unsigned long long ct_len = 0;

  make_associated_data (ad);
  memcpy (out, HISTORY_MAGIC, HISTORY_MAGIC_LEN);
  randombytes_buf (out + HISTORY_MAGIC_LEN, HISTORY_NONCE_LEN);
  crypto_aead_xchacha20poly1305_ietf_encrypt (out + HISTORY_HEADER_LEN, &ct_len,
                                              plaintext, len, ad, sizeof ad,
                                              NULL, out + HISTORY_MAGIC_LEN,
                                              idw_wallet_key_get_data (self->wallet_key));
  g_assert (ct_len == len + HISTORY_TAG_LEN);
  return g_bytes_new_take (out, total);
}

/* The plaintext of @file, or NULL with IDW_ERROR_HISTORY. */
static GBytes *
decrypt_history (IdwHistory  *self,
                 GBytes      *file,
                 GError     **error)
{
  guint8 ad[HISTORY_MAGIC_LEN + sizeof HISTORY_PURPOSE - 1];
  const guint8 *data;
  gsize len;
  guint8 *plaintext;
  unsigned long long plaintext_len = 0;

  data = g_bytes_get_data (file, &len);
  if (len < strlen (HISTORY_MAGIC_FAMILY) || memcmp (data, HISTORY_MAGIC_FAMILY, 4) != 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_HISTORY,
                           _("Your history cannot be read: its file is not an ID Wallet "
                             "history file."));
      return NULL;
    }
  if (len >= HISTORY_MAGIC_LEN && memcmp (data, HISTORY_MAGIC, HISTORY_MAGIC_LEN) != 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_HISTORY,
                           _("Your history cannot be read: it was written by a newer version "
                             "of ID Wallet."));
      return NULL;
    }
  if (len < HISTORY_HEADER_LEN + HISTORY_TAG_LEN)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_HISTORY,
                           _("Your history cannot be read: its file is truncated."));
      return NULL;
    }

  make_associated_data (ad);
  plaintext = g_malloc (len - HISTORY_HEADER_LEN - HISTORY_TAG_LEN + 1);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt (plaintext, &plaintext_len, NULL,
                                                  data + HISTORY_HEADER_LEN,
                                                  len - HISTORY_HEADER_LEN,
                                                  ad, sizeof ad,
                                                  data + HISTORY_MAGIC_LEN,
                                                  idw_wallet_key_get_data (self->wallet_key)) != 0)
    {
      g_free (plaintext);
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_HISTORY,
                           _("Your history could not be decrypted: its file was cut short or "
                             "changed, or encrypted with another wallet’s key."));
      return NULL;
    }
  return g_bytes_new_take (plaintext, plaintext_len);
}

static gboolean
set_damaged_error (const char  *detail,
                   GError     **error)
{
  g_set_error (error, IDW_ERROR, IDW_ERROR_HISTORY,
               _("Your history is damaged: %s"), detail);
  return FALSE;
}

GPtrArray *
_idw_history_parse_plaintext (GBytes  *plaintext,
                              GError **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(cbor_item_t) header = NULL;
  g_autoptr(GError) local_error = NULL;
  const guint8 *data;
  gsize len, offset = 0;
  cbor_item_t *version_item;
  guint64 version = 0;

  data = g_bytes_get_data (plaintext, &len);
  if (data == NULL)
    data = (const guint8 *) "";

  header = idw_cbor_decode_next (data, len, &offset, &local_error);
  if (header == NULL)
    {
      set_damaged_error (local_error->message, error);
      return NULL;
    }
  version_item = cbor_isa_map (header) ? idw_cbor_map_get (header, "version") : NULL;
  if (version_item == NULL || !idw_cbor_get_uint (version_item, &version))
    {
      set_damaged_error (_("its header has no version."), error);
      return NULL;
    }
  if (version != HISTORY_VERSION)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_HISTORY,
                           _("Your history cannot be read: it was written by a newer version "
                             "of ID Wallet."));
      return NULL;
    }

  while (offset < len)
    {
      g_autoptr(cbor_item_t) item = NULL;
      IdwHistoryEntry *entry;

      if (entries->len >= IDW_HISTORY_MAX_ENTRIES)
        {
          g_autofree char *detail =
            g_strdup_printf (_("it holds more than %d entries."), IDW_HISTORY_MAX_ENTRIES);

          set_damaged_error (detail, error);
          return NULL;
        }
      item = idw_cbor_decode_next (data, len, &offset, &local_error);
      if (item == NULL)
        {
          set_damaged_error (local_error->message, error);
          return NULL;
        }
      entry = _idw_history_entry_from_item (item, &local_error);
      if (entry == NULL)
        {
          set_damaged_error (local_error->message, error);
          return NULL;
        }
      g_ptr_array_add (entries, entry);
      if (!g_hash_table_add (ids, (gpointer) idw_history_entry_get_id (entry)))
        {
          set_damaged_error (_("two entries have the same id."), error);
          return NULL;
        }
    }

  return g_steal_pointer (&entries);
}

/* ---- Reading and writing the file ------------------------------------- */

/* The file's bytes, or NULL: with @error unset when there is no file,
 * IDW_ERROR_HISTORY when it is larger than any history can be, or
 * IDW_ERROR_IO. */
static GBytes *
read_history_file (const char  *path,
                   GError     **error)
{
  g_autofree guint8 *data = NULL;
  struct stat st;
  gsize n_read = 0;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT)
        return NULL;
      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   _("Could not read your history: %s"), g_strerror (saved_errno));
      return NULL;
    }

  if (fstat (fd, &st) != 0)
    goto io_error;
  if (st.st_size > IDW_HISTORY_MAX_FILE)
    goto too_large;

  /* One byte more than expected tells a file that grew meanwhile. */
  data = g_malloc ((gsize) st.st_size + 1);
  while (n_read < (gsize) st.st_size + 1)
    {
      gssize n = read (fd, data + n_read, (gsize) st.st_size + 1 - n_read);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        goto io_error;
      if (n == 0)
        break;
      n_read += (gsize) n;
    }
  if (n_read > IDW_HISTORY_MAX_FILE)
    goto too_large;

  close (fd);
  return g_bytes_new_take (g_steal_pointer (&data), n_read);

too_large:
  close (fd);
  g_set_error (error, IDW_ERROR, IDW_ERROR_HISTORY,
               _("Your history cannot be read: its file is larger than %d MiB."),
               IDW_HISTORY_MAX_FILE / (1024 * 1024));
  return NULL;

io_error:
  {
    int saved_errno = errno;

    close (fd);
    g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                 _("Could not read your history: %s"), g_strerror (saved_errno));
    return NULL;
  }
}

/* Every entry, oldest first; an empty array when there is no file. Errors:
 * IDW_ERROR_HISTORY (damaged, another wallet's), IDW_ERROR_IO. */
static GPtrArray *
read_entries (IdwHistory  *self,
              GError     **error)
{
  g_autofree char *path = history_path (self);
  g_autoptr(GBytes) file = NULL;
  g_autoptr(GError) local_error = NULL;
  GBytes *plaintext;
  GPtrArray *entries;

  file = read_history_file (path, &local_error);
  if (file == NULL)
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      return g_ptr_array_new_with_free_func (g_object_unref);
    }

  plaintext = decrypt_history (self, file, error);
  if (plaintext == NULL)
    return NULL;
  entries = _idw_history_parse_plaintext (plaintext, error);
  _idw_store_wipe_bytes (plaintext);
  return entries;
}

static gboolean
ensure_directory (IdwHistory  *self,
                  GError     **error)
{
  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   _("Could not create the folder “%s” for your history: %s"),
                   self->directory, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/* Keeps the newest entries that the limits allow: at most
 * IDW_HISTORY_MAX_ENTRIES, and no more than fit in a file. @entries is
 * oldest first; @encoded holds their encodings. */
static void
apply_caps (GPtrArray *entries,
            GPtrArray *encoded,
            gsize      header_len)
{
  gsize total = header_len;
  guint first_kept;

  for (guint i = 0; i < encoded->len; i++)
    total += g_bytes_get_size (g_ptr_array_index (encoded, i));

  first_kept = entries->len > IDW_HISTORY_MAX_ENTRIES ? entries->len - IDW_HISTORY_MAX_ENTRIES : 0;
  for (guint i = 0; i < first_kept; i++)
    total -= g_bytes_get_size (g_ptr_array_index (encoded, i));
  while (total > HISTORY_MAX_PLAINTEXT && first_kept < entries->len)
    total -= g_bytes_get_size (g_ptr_array_index (encoded, first_kept++));

  if (first_kept > 0)
    {
      g_ptr_array_remove_range (entries, 0, first_kept);
      g_ptr_array_remove_range (encoded, 0, first_kept);
    }
}

/* Writes @entries (oldest first; the oldest beyond the limits are dropped
 * from the array) atomically, mode 0600. Errors: IDW_ERROR_IO. */
static gboolean
write_entries (IdwHistory  *self,
               GPtrArray   *entries,
               GError     **error)
{
  g_autoptr(cbor_item_t) header = idw_cbor_new_map ();
  g_autoptr(GPtrArray) encoded = g_ptr_array_new_with_free_func ((GDestroyNotify) _idw_store_wipe_bytes);
  g_autoptr(GBytes) header_bytes = NULL;
  g_autoptr(GBytes) file = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = history_path (self);
  GByteArray *plaintext;
  gconstpointer data;
  gsize len;

  if (!ensure_directory (self, error))
    return FALSE;

  idw_cbor_map_add_str (header, "version", idw_cbor_new_int (HISTORY_VERSION));
  header_bytes = idw_cbor_encode (header);
  for (guint i = 0; i < entries->len; i++)
    g_ptr_array_add (encoded, idw_history_entry_to_cbor (g_ptr_array_index (entries, i)));
  apply_caps (entries, encoded, g_bytes_get_size (header_bytes));

  plaintext = g_byte_array_new ();
  g_byte_array_append (plaintext, g_bytes_get_data (header_bytes, NULL),
                       g_bytes_get_size (header_bytes));
  for (guint i = 0; i < encoded->len; i++)
    {
      data = g_bytes_get_data (g_ptr_array_index (encoded, i), &len);
      g_byte_array_append (plaintext, data, len);
    }
  file = encrypt_history (self, plaintext->data, plaintext->len);
  sodium_memzero (plaintext->data, plaintext->len);
  g_byte_array_unref (plaintext);

  data = g_bytes_get_data (file, &len);
  if (!g_file_set_contents_full (path, data, len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   _("Could not save your history: %s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* Moves a damaged history file aside, under a name no other file has:
 * "history.idwhist.damaged-<UTC time>[-N]". */
static gboolean
move_damaged_aside (IdwHistory  *self,
                    GError     **error)
{
  g_autofree char *path = history_path (self);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");

  for (guint n = 1; n < 1000; n++)
    {
      g_autofree char *aside = n == 1
        ? g_strconcat (path, HISTORY_DAMAGED_INFIX, stamp, NULL)
        : g_strdup_printf ("%s" HISTORY_DAMAGED_INFIX "%s-%u", path, stamp, n);

      if (g_file_test (aside, G_FILE_TEST_EXISTS))
        continue;
      if (g_rename (path, aside) != 0)
        {
          int saved_errno = errno;

          g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                       _("Could not move your damaged history aside: %s"),
                       g_strerror (saved_errno));
          return FALSE;
        }
      g_debug ("The damaged history was moved to %s", aside);
      return TRUE;
    }

  g_set_error_literal (error, IDW_ERROR, IDW_ERROR_IO,
                       _("Could not move your damaged history aside: too many damaged copies."));
  return FALSE;
}

/* Reads the entries for a change that adds to them: a damaged file is
 * moved aside and the history starts empty. Errors: IDW_ERROR_IO. */
static GPtrArray *
read_entries_for_adding (IdwHistory  *self,
                         GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  GPtrArray *entries = read_entries (self, &local_error);

  if (entries != NULL)
    return entries;
  if (!g_error_matches (local_error, IDW_ERROR, IDW_ERROR_HISTORY))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!move_damaged_aside (self, error))
    return NULL;
  return g_ptr_array_new_with_free_func (g_object_unref);
}

/* ---- The lock ----------------------------------------------------------- */

/* An exclusive lock on the history for a read-modify-write, held until
 * the returned descriptor is closed (unlock_history()). flock() locks
 * belong to an open file description, so two threads of one process
 * exclude each other as two processes do. -1 with IDW_ERROR_IO. */
static int
lock_history (IdwHistory  *self,
              GError     **error)
{
  g_autofree char *path = NULL;
  int fd;

  if (!ensure_directory (self, error))
    return -1;

  path = g_build_filename (self->directory, HISTORY_LOCK_NAME, NULL);
  fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    goto fail;
  while (flock (fd, LOCK_EX) != 0)
    {
      if (errno != EINTR)
        {
          int saved_errno = errno;

          close (fd);
          errno = saved_errno;
          goto fail;
        }
    }
  return fd;

fail:
  {
    int saved_errno = errno;

    g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                 _("Could not lock your history: %s"), g_strerror (saved_errno));
    return -1;
  }
}

static void
unlock_history (int fd)
{
  if (fd >= 0)
    close (fd);
}

typedef int HistoryLock;
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (HistoryLock, unlock_history, -1)

/* ---- Changes ------------------------------------------------------------ */

static gint
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  return _idw_history_entry_compare_time (*(IdwHistoryEntry **) a, *(IdwHistoryEntry **) b);
}

static gint
find_entry (GPtrArray  *entries,
            const char *entry_id)
{
  for (guint i = 0; i < entries->len; i++)
    if (strcmp (idw_history_entry_get_id (g_ptr_array_index (entries, i)), entry_id) == 0)
      return (gint) i;
  return -1;
}

/**
 * idw_history_append_sync:
 * @self: a history
 * @entry: the entry to add
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Adds @entry, in time order, and drops the oldest entries beyond
 * IDW_HISTORY_MAX_ENTRIES (or beyond what a file of IDW_HISTORY_MAX_FILE
 * bytes holds). Adding an entry whose id is there already changes
 * nothing. A damaged history file is moved aside first (docs/store.md),
 * never overwritten.
 *
 * Returns: %TRUE on success; %FALSE with IDW_ERROR_HISTORY (@entry breaks a
 *   limit), IDW_ERROR_IO or G_IO_ERROR_CANCELLED.
 */
gboolean
idw_history_append_sync (IdwHistory       *self,
                         IdwHistoryEntry  *entry,
                         GCancellable     *cancellable,
                         GError          **error)
{
  g_auto(HistoryLock) lock = -1;
  g_autoptr(GPtrArray) entries = NULL;
  guint position;

  g_return_val_if_fail (IDW_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (IDW_IS_HISTORY_ENTRY (entry), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_idw_history_entry_check (entry, error))
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  lock = lock_history (self, error);
  if (lock < 0)
    return FALSE;
  entries = read_entries_for_adding (self, error);
  if (entries == NULL)
    return FALSE;
  if (find_entry (entries, idw_history_entry_get_id (entry)) >= 0)
    return TRUE;

  /* After every entry of the same time or earlier: usually at the end. */
  position = entries->len;
  while (position > 0
         && _idw_history_entry_compare_time (g_ptr_array_index (entries, position - 1), entry) > 0)
    position--;
  g_ptr_array_insert (entries, (gint) position, g_object_ref (entry));

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  return write_entries (self, entries, error);
}

/**
 * idw_history_list_sync:
 * @self: a history
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads the history. No file yet is an empty history.
 *
 * Returns: (transfer full) (element-type IdwHistoryEntry): every entry,
 *   newest first (entries of the same second: the one added last first);
 *   or %NULL with IDW_ERROR_HISTORY (the file does not decrypt or parse:
 *   damaged, or another wallet's), IDW_ERROR_IO or G_IO_ERROR_CANCELLED.
 */
GPtrArray *
idw_history_list_sync (IdwHistory    *self,
                       GCancellable  *cancellable,
                       GError       **error)
{
  GPtrArray *entries;

  g_return_val_if_fail (IDW_IS_HISTORY (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  entries = read_entries (self, error);
  if (entries == NULL)
    return NULL;

  for (guint i = 0; i < entries->len / 2; i++)
    {
      gpointer tmp = entries->pdata[i];

      entries->pdata[i] = entries->pdata[entries->len - 1 - i];
      entries->pdata[entries->len - 1 - i] = tmp;
    }
  return entries;
}

/**
 * idw_history_delete_sync:
 * @self: a history
 * @entry_id: an entry's id
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Removes one entry. An id that is not there is not an error.
 *
 * Returns: %TRUE on success; %FALSE with IDW_ERROR_HISTORY (the file is
 *   damaged: clear the history instead), IDW_ERROR_IO or
 *   G_IO_ERROR_CANCELLED.
 */
gboolean
idw_history_delete_sync (IdwHistory    *self,
                         const char    *entry_id,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_auto(HistoryLock) lock = -1;
  g_autoptr(GPtrArray) entries = NULL;
  gint index;

  g_return_val_if_fail (IDW_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (entry_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  lock = lock_history (self, error);
  if (lock < 0)
    return FALSE;
  entries = read_entries (self, error);
  if (entries == NULL)
    return FALSE;
  index = find_entry (entries, entry_id);
  if (index < 0)
    return TRUE;
  g_ptr_array_remove_index (entries, (guint) index);
  return write_entries (self, entries, error);
}

/**
 * idw_history_clear_sync:
 * @self: a history
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Deletes the whole history: its file, whether it could be read or not,
 * and the damaged files moved aside earlier.
 *
 * Returns: %TRUE on success; %FALSE with IDW_ERROR_IO or
 *   G_IO_ERROR_CANCELLED.
 */
gboolean
idw_history_clear_sync (IdwHistory    *self,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_auto(HistoryLock) lock = -1;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_return_val_if_fail (IDW_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  lock = lock_history (self, error);
  if (lock < 0)
    return FALSE;

  dir = g_dir_open (self->directory, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;

      if (strcmp (name, HISTORY_FILE_NAME) != 0
          && !g_str_has_prefix (name, HISTORY_FILE_NAME HISTORY_DAMAGED_INFIX))
        continue;
      path = g_build_filename (self->directory, name, NULL);
      if (g_unlink (path) != 0 && errno != ENOENT)
        {
          int saved_errno = errno;

          g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                       _("Could not clear your history: %s"), g_strerror (saved_errno));
          return FALSE;
        }
    }
  return TRUE;
}

/**
 * idw_history_merge_sync:
 * @self: a history
 * @entries: (element-type IdwHistoryEntry): entries to add (from a backup)
 * @n_added: (out) (optional): how many of them were not there yet
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Adds those of @entries whose id is not in the history yet, in time
 * order, then keeps the limits as idw_history_append_sync() does. A
 * damaged history file is moved aside first. Nothing is written when any
 * entry breaks a limit.
 *
 * Returns: %TRUE on success; %FALSE with IDW_ERROR_HISTORY (an entry breaks
 *   a limit), IDW_ERROR_IO or G_IO_ERROR_CANCELLED.
 */
gboolean
idw_history_merge_sync (IdwHistory    *self,
                        GPtrArray     *entries,
                        guint         *n_added,
                        GCancellable  *cancellable,
                        GError       **error)
{
  g_auto(HistoryLock) lock = -1;
  g_autoptr(GPtrArray) merged = NULL;
  g_autoptr(GHashTable) ids = NULL;
  guint added = 0;

  g_return_val_if_fail (IDW_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (entries != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_added != NULL)
    *n_added = 0;
  for (guint i = 0; i < entries->len; i++)
    if (!_idw_history_entry_check (g_ptr_array_index (entries, i), error))
      return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  lock = lock_history (self, error);
  if (lock < 0)
    return FALSE;
  merged = read_entries_for_adding (self, error);
  if (merged == NULL)
    return FALSE;

  ids = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < merged->len; i++)
    g_hash_table_add (ids, (gpointer) idw_history_entry_get_id (g_ptr_array_index (merged, i)));
  for (guint i = 0; i < entries->len; i++)
    {
      IdwHistoryEntry *entry = g_ptr_array_index (entries, i);

      if (!g_hash_table_add (ids, (gpointer) idw_history_entry_get_id (entry)))
        continue;
      g_ptr_array_add (merged, g_object_ref (entry));
      added++;
    }
  if (added == 0)
    return TRUE;

  /* A stable sort: entries of the same second keep their order. */
  g_ptr_array_sort (merged, compare_entries);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (!write_entries (self, merged, error))
    return FALSE;
  if (n_added != NULL)
    *n_added = added;
  return TRUE;
}

/* ---- Asynchronous variants ------------------------------------------- */

typedef enum
{
  HISTORY_OP_APPEND,
  HISTORY_OP_LIST,
  HISTORY_OP_DELETE,
  HISTORY_OP_CLEAR,
  HISTORY_OP_MERGE,
} HistoryOp;

typedef struct
{
  HistoryOp        op;
  IdwHistoryEntry *entry;
  char            *entry_id;
  GPtrArray       *entries;
} HistoryTaskData;

static void
history_task_data_free (HistoryTaskData *data)
{
  g_clear_object (&data->entry);
  g_free (data->entry_id);
  g_clear_pointer (&data->entries, g_ptr_array_unref);
  g_free (data);
}

static void
history_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  IdwHistory *self = source_object;
  HistoryTaskData *data = task_data;
  GError *error = NULL;

  switch (data->op)
    {
    case HISTORY_OP_APPEND:
      if (idw_history_append_sync (self, data->entry, cancellable, &error))
        g_task_return_boolean (task, TRUE);
      break;
    case HISTORY_OP_LIST:
      {
        GPtrArray *entries = idw_history_list_sync (self, cancellable, &error);

        if (entries != NULL)
          g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
        break;
      }
    case HISTORY_OP_DELETE:
      if (idw_history_delete_sync (self, data->entry_id, cancellable, &error))
        g_task_return_boolean (task, TRUE);
      break;
    case HISTORY_OP_CLEAR:
      if (idw_history_clear_sync (self, cancellable, &error))
        g_task_return_boolean (task, TRUE);
      break;
    case HISTORY_OP_MERGE:
      {
        guint n_added = 0;

        if (idw_history_merge_sync (self, data->entries, &n_added, cancellable, &error))
          g_task_return_int (task, n_added);
        break;
      }
    default:
      g_assert_not_reached ();
    }

  if (error != NULL)
    g_task_return_error (task, error);
}

static void
history_run (IdwHistory          *self,
             HistoryTaskData     *data,
             gpointer             source_tag,
             GCancellable        *cancellable,
             GAsyncReadyCallback  callback,
             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, (GDestroyNotify) history_task_data_free);
  g_task_run_in_thread (task, history_thread);
}

static HistoryTaskData *
history_task_data_new (HistoryOp op)
{
  HistoryTaskData *data = g_new0 (HistoryTaskData, 1);

  data->op = op;
  return data;
}

/**
 * idw_history_append:
 * @self: a history
 * @entry: the entry to add
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context when done
 * @user_data: data for @callback
 *
 * idw_history_append_sync() in a worker thread.
 */
void
idw_history_append (IdwHistory          *self,
                    IdwHistoryEntry     *entry,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  HistoryTaskData *data;

  g_return_if_fail (IDW_IS_HISTORY (self));
  g_return_if_fail (IDW_IS_HISTORY_ENTRY (entry));

  data = history_task_data_new (HISTORY_OP_APPEND);
  data->entry = g_object_ref (entry);
  history_run (self, data, idw_history_append, cancellable, callback, user_data);
}

/**
 * idw_history_append_finish:
 * @self: a history
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: as idw_history_append_sync().
 */
gboolean
idw_history_append_finish (IdwHistory    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == idw_history_append, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * idw_history_list:
 * @self: a history
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context when done
 * @user_data: data for @callback
 *
 * idw_history_list_sync() in a worker thread.
 */
void
idw_history_list (IdwHistory          *self,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_return_if_fail (IDW_IS_HISTORY (self));

  history_run (self, history_task_data_new (HISTORY_OP_LIST), idw_history_list,
               cancellable, callback, user_data);
}

/**
 * idw_history_list_finish:
 * @self: a history
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type IdwHistoryEntry): as
 *   idw_history_list_sync().
 */
GPtrArray *
idw_history_list_finish (IdwHistory    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == idw_history_list, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * idw_history_delete:
 * @self: a history
 * @entry_id: an entry's id
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context when done
 * @user_data: data for @callback
 *
 * idw_history_delete_sync() in a worker thread.
 */
void
idw_history_delete (IdwHistory          *self,
                    const char          *entry_id,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  HistoryTaskData *data;

  g_return_if_fail (IDW_IS_HISTORY (self));
  g_return_if_fail (entry_id != NULL);

  data = history_task_data_new (HISTORY_OP_DELETE);
  data->entry_id = g_strdup (entry_id);
  history_run (self, data, idw_history_delete, cancellable, callback, user_data);
}

/**
 * idw_history_delete_finish:
 * @self: a history
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: as idw_history_delete_sync().
 */
gboolean
idw_history_delete_finish (IdwHistory    *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == idw_history_delete, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * idw_history_clear:
 * @self: a history
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context when done
 * @user_data: data for @callback
 *
 * idw_history_clear_sync() in a worker thread.
 */
void
idw_history_clear (IdwHistory          *self,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_return_if_fail (IDW_IS_HISTORY (self));

  history_run (self, history_task_data_new (HISTORY_OP_CLEAR), idw_history_clear,
               cancellable, callback, user_data);
}

/**
 * idw_history_clear_finish:
 * @self: a history
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: as idw_history_clear_sync().
 */
gboolean
idw_history_clear_finish (IdwHistory    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == idw_history_clear, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * idw_history_merge:
 * @self: a history
 * @entries: (element-type IdwHistoryEntry): entries to add
 * @cancellable: (nullable): a #GCancellable
 * @callback: called on the thread-default main context when done
 * @user_data: data for @callback
 *
 * idw_history_merge_sync() in a worker thread (@entries is kept until
 * then and must not change).
 */
void
idw_history_merge (IdwHistory          *self,
                   GPtrArray           *entries,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  HistoryTaskData *data;

  g_return_if_fail (IDW_IS_HISTORY (self));
  g_return_if_fail (entries != NULL);

  data = history_task_data_new (HISTORY_OP_MERGE);
  data->entries = g_ptr_array_ref (entries);
  history_run (self, data, idw_history_merge, cancellable, callback, user_data);
}

/**
 * idw_history_merge_finish:
 * @self: a history
 * @result: the #GAsyncResult
 * @n_added: (out) (optional): how many entries were added
 * @error: return location for a #GError
 *
 * Returns: as idw_history_merge_sync().
 */
gboolean
idw_history_merge_finish (IdwHistory    *self,
                          GAsyncResult  *result,
                          guint         *n_added,
                          GError       **error)
{
  gssize added;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == idw_history_merge, FALSE);

  added = g_task_propagate_int (G_TASK (result), error);
  if (added < 0)
    return FALSE;
  if (n_added != NULL)
    *n_added = (guint) added;
  return TRUE;
}
