/* idw-store.c: the holder's encrypted credential store (DESIGN §5): the
 * store object, its folder and files, and what changes them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One file per credential, written atomically; the record format (magic,
 * nonce, XChaCha20-Poly1305 with the id as associated data, the CBOR
 * StoreRecord) is idw-store-record.c, the entries idw-store-entry.c, the
 * asynchronous variants idw-store-async.c.
 *
 * Mutations (add, delete, nickname, removal) are serialised by a mutex so
 * that the duplicate check and the "is this device key still used" check
 * see a stable store within the process. Reads need no lock: files are
 * replaced atomically by rename.
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "idw-cbor.h"
#include "idw-error.h"
#include "idw-folder-state-private.h"
#include "idw-store.h"
#include "idw-store-private.h"

/* ---- Helpers -------------------------------------------------------- */

static gboolean
id_is_valid (const char *id)
{
  if (id == NULL || strlen (id) != IDW_STORE_ID_LEN)
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

static char *
id_new_random (void)
{
  guint8 raw[IDW_STORE_ID_BYTES];
  char *id = g_malloc (IDW_STORE_ID_LEN + 1);

  randombytes_buf (raw, sizeof raw);
  for (guint i = 0; i < IDW_STORE_ID_BYTES; i++)
    g_snprintf (id + 2 * i, 3, "%02x", raw[i]);
  return id;
}

/* The id of a store file name, or NULL for any other file. */
static char *
id_from_file_name (const char *name)
{
  g_autofree char *id = NULL;

  if (!g_str_has_suffix (name, IDW_STORE_FILE_SUFFIX))
    return NULL;
  id = g_strndup (name, strlen (name) - strlen (IDW_STORE_FILE_SUFFIX));
  if (!id_is_valid (id))
    return NULL;
  return g_steal_pointer (&id);
}

static void
set_no_such_id_error (const char  *id,
                      GError     **error)
{
  g_set_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND,
               _("There is no ID “%s” in your wallet."), id);
}

/* The issuerAuth encoding: what makes two credentials the same one. */
static GBytes *
issuer_auth_bytes (IdwCredential *credential)
{
  IdwIssuerSigned *issuer_signed = idw_credential_get_issuer_signed (credential);

  return idw_cbor_encode (issuer_signed->issuer_auth);
}

/* Reads a file of at most IDW_MAX_INPUT_FILE bytes. Errors:
 * IDW_ERROR_NOT_FOUND (no such file), IDW_ERROR_LIMIT, IDW_ERROR_IO. */
static GBytes *
read_file_capped (const char    *path,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree guint8 *data = NULL;
  g_autofree char *name = g_path_get_basename (path);
  goffset size;
  gsize n_read = 0;

  in = g_file_read (file, cancellable, &local_error);
  if (in != NULL)
    info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                           cancellable, &local_error);
  if (info == NULL)
    goto fail;

  size = g_file_info_get_size (info);
  if (size > IDW_MAX_INPUT_FILE)
    goto too_large;

  /* One byte more than expected tells a file that grew meanwhile. */
  data = g_malloc ((gsize) size + 1);
  if (!g_input_stream_read_all (G_INPUT_STREAM (in), data, (gsize) size + 1, &n_read,
                                cancellable, &local_error))
    goto fail;
  if (n_read > IDW_MAX_INPUT_FILE)
    goto too_large;

  return g_bytes_new_take (g_steal_pointer (&data), n_read);

too_large:
  g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
               _("“%s” is larger than %d MiB, more than any ID can be."),
               name, IDW_MAX_INPUT_FILE / (1024 * 1024));
  return NULL;

fail:
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_steal_pointer (&local_error));
  else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    g_set_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND,
                 _("“%s” does not exist."), name);
  else
    g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                 _("Could not read “%s”: %s"), name, local_error->message);
  return NULL;
}

/* ---- IdwStore ------------------------------------------------------- */

struct _IdwStore
{
  GObject       parent_instance;

  char         *directory;
  IdwWalletKey *wallet_key;
  GMutex        lock;
};

G_DEFINE_FINAL_TYPE (IdwStore, idw_store, G_TYPE_OBJECT)

static void
idw_store_finalize (GObject *object)
{
  IdwStore *self = IDW_STORE (object);

  g_free (self->directory);
  g_clear_pointer (&self->wallet_key, idw_wallet_key_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (idw_store_parent_class)->finalize (object);
}

static void
idw_store_class_init (IdwStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = idw_store_finalize;
}

static void
idw_store_init (IdwStore *self)
{
  g_mutex_init (&self->lock);
}

static char *
path_for_id (IdwStore   *self,
             const char *id)
{
  g_autofree char *name = _idw_store_file_name_for_id (id);

  return g_build_filename (self->directory, name, NULL);
}

/**
 * idw_store_get_default_directory:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/id-wallet/credentials`.
 */
char *
idw_store_get_default_directory (void)
{
  return g_build_filename (g_get_user_data_dir (), "id-wallet", "credentials", NULL);
}

/**
 * idw_store_new:
 * @directory: (nullable): the folder of the store, or %NULL for
 *   idw_store_get_default_directory()
 * @wallet_key: the key that encrypts the files
 * @error: return location for a #GError
 *
 * Opens the store on @directory, creating it (mode 0700) when needed.
 * Touches neither the files nor the keyring.
 *
 * Returns: (transfer full): the store, or %NULL with IDW_ERROR_IO when the
 *   folder cannot be created.
 */
IdwStore *
idw_store_new (const char    *directory,
               IdwWalletKey  *wallet_key,
               GError       **error)
{
  g_autoptr(IdwStore) self = NULL;

  g_return_val_if_fail (wallet_key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");

  self = g_object_new (IDW_TYPE_STORE, NULL);
  self->directory = directory != NULL ? g_strdup (directory) : idw_store_get_default_directory ();
  self->wallet_key = idw_wallet_key_ref (wallet_key);

  if (g_mkdir_with_parents (self->directory, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   _("Could not create the folder “%s” for your IDs: %s"),
                   self->directory, g_strerror (saved_errno));
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * idw_store_get_directory:
 * @self: a store
 *
 * Returns: the store's folder.
 */
const char *
idw_store_get_directory (IdwStore *self)
{
  g_return_val_if_fail (IDW_IS_STORE (self), NULL);

  return self->directory;
}

/**
 * idw_store_get_state:
 * @self: a store
 * @error: return location for an error
 *
 * Reads the names and metadata of the store's files, not their contents:
 * cheap enough to ask whenever the folder may have changed.
 *
 * Returns: (transfer full): a token ("none" while the folder does not
 *   exist) that differs from the one before whenever a record was added,
 *   replaced or removed since; %NULL with IDW_ERROR_IO.
 */
char *
idw_store_get_state (IdwStore  *self,
                     GError   **error)
{
  g_return_val_if_fail (IDW_IS_STORE (self), NULL);

  return _idw_folder_state (self->directory, NULL, error);
}

/**
 * idw_store_open_sync:
 * @directory: (nullable): the folder, or %NULL for the default
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Gets (or on first use creates) the wallet key in the keyring and opens
 * the store with it.
 *
 * Returns: (transfer full): the store, or %NULL with IDW_ERROR_KEYRING or
 *   IDW_ERROR_IO.
 */
IdwStore *
idw_store_open_sync (const char    *directory,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(IdwWalletKey) wallet_key = NULL;

  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  wallet_key = idw_keystore_get_wallet_key_sync (cancellable, error);
  if (wallet_key == NULL)
    return NULL;
  return idw_store_new (directory, wallet_key, error);
}

/* ---- Reading and writing files -------------------------------------- */

/* Reads, decrypts and parses the file of @id. Errors: IDW_ERROR_NOT_FOUND
 * (no such file), and for a damaged file IDW_ERROR_IO, IDW_ERROR_LIMIT,
 * IDW_ERROR_MALFORMED, IDW_ERROR_UNSUPPORTED, IDW_ERROR_BAD_SIGNATURE
 * (does not decrypt) or the credential parser's codes. */
static IdwStoreRecord *
read_record (IdwStore      *self,
             const char    *id,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autofree char *path = path_for_id (self, id);
  g_autoptr(GBytes) file = NULL;
  GBytes *plaintext;
  IdwStoreRecord *record;

  file = read_file_capped (path, cancellable, error);
  if (file == NULL)
    return NULL;
  plaintext = _idw_store_record_decrypt (self->wallet_key, id, file, error);
  if (plaintext == NULL)
    return NULL;
  record = _idw_store_record_parse (id, plaintext, error);
  _idw_store_wipe_bytes (plaintext);
  return record;
}

static gboolean
write_record (IdwStore       *self,
              const char     *id,
              GDateTime      *imported,
              const char     *nickname,
              GBytes         *credential_bytes,
              gboolean        reissue_needed,
              GError        **error)
{
  g_autofree char *path = path_for_id (self, id);
  g_autofree char *name = _idw_store_file_name_for_id (id);
  g_autoptr(GBytes) file = NULL;
  g_autoptr(GError) local_error = NULL;
  GBytes *plaintext;
  gconstpointer data;
  gsize len;

  plaintext = _idw_store_record_encode (id, imported, nickname, credential_bytes, reissue_needed);
  data = g_bytes_get_data (plaintext, &len);
  file = _idw_store_record_encrypt (self->wallet_key, id, data, len);
  _idw_store_wipe_bytes (plaintext);

  if (g_bytes_get_size (file) > IDW_MAX_INPUT_FILE)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("This ID is larger than %d MiB and cannot be stored."),
                   IDW_MAX_INPUT_FILE / (1024 * 1024));
      return FALSE;
    }

  data = g_bytes_get_data (file, &len);
  if (!g_file_set_contents_full (path, data, len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, &local_error))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   _("Could not save “%s”: %s"), name, local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* ---- Listing and loading --------------------------------------------- */

/**
 * idw_store_list_sync:
 * @self: a store
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads every credential in the store. A file that cannot be read,
 * decrypted or parsed becomes a damaged entry carrying its error (see
 * idw_store_load_sync()); it never stops the others from loading. Files
 * whose names are not `<id>.idwstore` are ignored.
 *
 * Returns: (transfer full) (element-type IdwStoreEntry): the entries, in
 *   the order they were added, damaged ones last; or %NULL with
 *   IDW_ERROR_IO when the folder cannot be read, or G_IO_ERROR_CANCELLED.
 */
GPtrArray *
idw_store_list_sync (IdwStore      *self,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *file_name;

  g_return_val_if_fail (IDW_IS_STORE (self), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  entries = g_ptr_array_new_with_free_func (g_object_unref);

  dir = g_dir_open (self->directory, 0, &local_error);
  if (dir == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&entries);
      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   _("Could not read the folder of your IDs: %s"), local_error->message);
      return NULL;
    }

  while ((file_name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *id = id_from_file_name (file_name);
      g_autoptr(IdwStoreRecord) record = NULL;
      GError *entry_error = NULL;
      IdwStoreEntry *entry;

      if (id == NULL)
        continue;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;

      record = read_record (self, id, cancellable, &entry_error);
      if (record != NULL)
        {
          entry = _idw_store_entry_new_from_record (self->directory, id, record);
        }
      else if (g_error_matches (entry_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, entry_error);
          return NULL;
        }
      else if (g_error_matches (entry_error, IDW_ERROR, IDW_ERROR_NOT_FOUND))
        {
          /* Deleted while we were listing. */
          g_error_free (entry_error);
          continue;
        }
      else
        {
          g_debug ("Store entry %s is damaged: %s", id, entry_error->message);
          entry = _idw_store_entry_new_damaged (self->directory, id, entry_error);
        }
      g_ptr_array_add (entries, entry);
    }

  g_ptr_array_sort (entries, _idw_store_entry_compare);
  return g_steal_pointer (&entries);
}

/**
 * idw_store_load_sync:
 * @self: a store
 * @id: an entry id
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads one credential.
 *
 * Returns: (transfer full): the entry, or %NULL with IDW_ERROR_NOT_FOUND
 *   (no such id), or for a damaged file: IDW_ERROR_IO, IDW_ERROR_LIMIT,
 *   IDW_ERROR_MALFORMED (not a store file, truncated), IDW_ERROR_UNSUPPORTED
 *   (a newer format), IDW_ERROR_BAD_SIGNATURE (does not decrypt: changed,
 *   renamed, or another wallet's key), or the credential parser's errors.
 */
IdwStoreEntry *
idw_store_load_sync (IdwStore      *self,
                     const char    *id,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(IdwStoreRecord) record = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (IDW_IS_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!id_is_valid (id))
    {
      set_no_such_id_error (id, error);
      return NULL;
    }

  record = read_record (self, id, cancellable, &local_error);
  if (record == NULL)
    {
      if (g_error_matches (local_error, IDW_ERROR, IDW_ERROR_NOT_FOUND))
        {
          g_error_free (local_error);
          set_no_such_id_error (id, error);
        }
      else
        g_propagate_error (error, local_error);
      return NULL;
    }

  return _idw_store_entry_new_from_record (self->directory, id, record);
}

/* ---- Adding ---------------------------------------------------------- */

static IdwStoreEntry *
find_duplicate_in (GPtrArray     *entries,
                   IdwCredential *credential)
{
  g_autoptr(GBytes) wanted = issuer_auth_bytes (credential);

  for (guint i = 0; i < entries->len; i++)
    {
      IdwStoreEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(GBytes) have = NULL;

      if (idw_store_entry_get_credential (entry) == NULL)
        continue;
      have = issuer_auth_bytes (idw_store_entry_get_credential (entry));
      if (g_bytes_equal (have, wanted))
        return g_object_ref (entry);
    }
  return NULL;
}

/* Whether a good entry other than @except_id is bound to @fingerprint. */
static gboolean
fingerprint_in_use (GPtrArray  *entries,
                    const char *fingerprint,
                    const char *except_id)
{
  for (guint i = 0; i < entries->len; i++)
    {
      IdwStoreEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *other = NULL;

      IdwCredential *credential = idw_store_entry_get_credential (entry);

      if (credential == NULL || g_strcmp0 (idw_store_entry_get_id (entry), except_id) == 0)
        continue;
      other = idw_key_get_fingerprint (idw_credential_get_device_key (credential));
      if (strcmp (other, fingerprint) == 0)
        return TRUE;
    }
  return FALSE;
}

/**
 * idw_store_find_duplicate_sync:
 * @self: a store
 * @credential: a credential
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Looks for an entry holding the same credential: the same issuerAuth
 * (and so the same MSO) bytes. Damaged entries are not considered.
 *
 * Returns: (transfer full) (nullable): the entry, or %NULL — with @error
 *   unset when there is none, or with the errors of idw_store_list_sync().
 */
IdwStoreEntry *
idw_store_find_duplicate_sync (IdwStore       *self,
                               IdwCredential  *credential,
                               GCancellable   *cancellable,
                               GError        **error)
{
  g_autoptr(GPtrArray) entries = NULL;

  g_return_val_if_fail (IDW_IS_STORE (self), NULL);
  g_return_val_if_fail (IDW_IS_CREDENTIAL (credential), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  entries = idw_store_list_sync (self, cancellable, error);
  if (entries == NULL)
    return NULL;
  return find_duplicate_in (entries, credential);
}

/* What a person recognises the key by in Passwords and Keys. */
static char *
keyring_name_for (IdwCredential *credential,
                  const char    *nickname)
{
  g_autofree char *holder = NULL;

  if (nickname != NULL)
    return g_strdup (nickname);
  holder = idw_credential_dup_holder_name (credential);
  if (holder == NULL)
    return g_strdup (idw_credential_get_display_name (credential));
  /* TRANSLATORS: an ID's name in the keyring: "Mobile driving licence,
   * Erika Mustermann" */
  return g_strdup_printf (C_("keyring item", "%s, %s"),
                          idw_credential_get_display_name (credential), holder);
}

/**
 * idw_store_add_sync:
 * @self: a store
 * @credential: the credential to add
 * @nickname: (nullable): a name the holder gives it
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Adds @credential under a new random id. When it holds the device private
 * key, that key goes to the keyring (labelled after the credential) and
 * never into the file: the file holds the credential without it. The file
 * is written atomically, mode 0600.
 *
 * Returns: (transfer full): the new entry, or %NULL with
 *   IDW_ERROR_DUPLICATE ("This ID is already in your wallet."),
 *   IDW_ERROR_KEYRING (storing the private key), IDW_ERROR_LIMIT (too large
 *   to store), IDW_ERROR_IO, or G_IO_ERROR_CANCELLED. On error nothing is
 *   left behind.
 */
IdwStoreEntry *
idw_store_add_sync (IdwStore       *self,
                    IdwCredential  *credential,
                    const char     *nickname,
                    GCancellable   *cancellable,
                    GError        **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(IdwStoreEntry) duplicate = NULL;
  g_autoptr(GBytes) credential_bytes = NULL;
  g_autoptr(IdwStoreRecord) record = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *id = NULL;
  g_autofree char *path = NULL;
  IdwKey *private_key;
  gboolean stored_key = FALSE;

  g_return_val_if_fail (IDW_IS_STORE (self), NULL);
  g_return_val_if_fail (IDW_IS_CREDENTIAL (credential), NULL);
  g_return_val_if_fail (nickname == NULL || g_utf8_validate (nickname, -1, NULL), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (nickname != NULL && *nickname == '\0')
    nickname = NULL;

  locker = g_mutex_locker_new (&self->lock);

  entries = idw_store_list_sync (self, cancellable, error);
  if (entries == NULL)
    return NULL;

  duplicate = find_duplicate_in (entries, credential);
  if (duplicate != NULL)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_DUPLICATE,
                           _("This ID is already in your wallet."));
      return NULL;
    }

  fingerprint = idw_key_get_fingerprint (idw_credential_get_device_key (credential));
  private_key = idw_credential_get_private_key (credential);
  if (private_key != NULL)
    {
      g_autofree char *name = keyring_name_for (credential, nickname);

      if (!idw_keystore_store_device_key_sync (private_key, name, cancellable, error))
        return NULL;
      stored_key = TRUE;
    }

  do
    {
      g_free (id);
      g_free (path);
      id = id_new_random ();
      path = path_for_id (self, id);
    }
  while (g_file_test (path, G_FILE_TEST_EXISTS));

  credential_bytes = idw_credential_to_bytes (credential, FALSE);
  record = g_new0 (IdwStoreRecord, 1);
  /* Whole seconds: what a tdate in the file keeps. */
  record->imported = g_date_time_new_from_unix_utc (g_get_real_time () / G_USEC_PER_SEC);
  record->nickname = g_strdup (nickname);
  record->credential = idw_credential_new_from_bytes (credential_bytes, error);
  if (record->credential == NULL
      || !write_record (self, id, record->imported, nickname, credential_bytes, FALSE, error))
    {
      /* Take back a key that we put there for this credential alone. */
      if (stored_key && !fingerprint_in_use (entries, fingerprint, NULL))
        idw_keystore_delete_device_key_sync (fingerprint, NULL, NULL);
      return NULL;
    }

  return _idw_store_entry_new_from_record (self->directory, id, record);
}

char *
_idw_store_write_restored (IdwStore       *self,
                           const char     *id,
                           IdwCredential  *credential,
                           GDateTime      *imported,
                           const char     *nickname,
                           gboolean        reissue_needed,
                           GError        **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GBytes) credential_bytes = NULL;
  g_autoptr(GDateTime) whole = NULL;
  g_autofree char *new_id = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (IDW_IS_STORE (self), NULL);
  g_return_val_if_fail (IDW_IS_CREDENTIAL (credential), NULL);
  g_return_val_if_fail (imported != NULL, NULL);

  locker = g_mutex_locker_new (&self->lock);

  if (id_is_valid (id))
    {
      new_id = g_strdup (id);
      path = path_for_id (self, new_id);
    }
  /* The id the backup had is kept, so that the history still names the
   * credential; another credential's file under it is never replaced. */
  while (path == NULL || g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_free (new_id);
      g_free (path);
      new_id = id_new_random ();
      path = path_for_id (self, new_id);
    }

  if (nickname != NULL && *nickname == '\0')
    nickname = NULL;
  whole = g_date_time_new_from_unix_utc (g_date_time_to_unix (imported));
  credential_bytes = idw_credential_to_bytes (credential, FALSE);
  if (!write_record (self, new_id, whole, nickname, credential_bytes, reissue_needed, error))
    return NULL;
  return g_steal_pointer (&new_id);
}

/* ---- Deleting and editing ------------------------------------------- */

/**
 * idw_store_delete_sync:
 * @self: a store
 * @id: an entry id
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Deletes a credential: its file and, when no other credential in the
 * store is bound to it, its device key in the keyring. The key goes first,
 * so that a locked keyring leaves everything as it was.
 *
 * Returns: %TRUE on success; %FALSE with IDW_ERROR_NOT_FOUND, the errors of
 *   idw_store_load_sync() for a damaged file (use
 *   idw_store_remove_damaged_sync() for those), IDW_ERROR_KEYRING or
 *   IDW_ERROR_IO.
 */
gboolean
idw_store_delete_sync (IdwStore      *self,
                       const char    *id,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(IdwStoreEntry) entry = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *fingerprint = NULL;
  IdwCredential *credential;

  g_return_val_if_fail (IDW_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  locker = g_mutex_locker_new (&self->lock);

  entry = idw_store_load_sync (self, id, cancellable, error);
  if (entry == NULL)
    return FALSE;

  entries = idw_store_list_sync (self, cancellable, error);
  if (entries == NULL)
    return FALSE;

  credential = idw_store_entry_get_credential (entry);
  fingerprint = idw_key_get_fingerprint (idw_credential_get_device_key (credential));
  if (!fingerprint_in_use (entries, fingerprint, id)
      && !idw_keystore_delete_device_key_sync (fingerprint, cancellable, &local_error)
      && !g_error_matches (local_error, IDW_ERROR, IDW_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (g_unlink (idw_store_entry_get_path (entry)) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;
      g_autofree char *name = _idw_store_file_name_for_id (id);

      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   _("Could not delete “%s”: %s"), name, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

gboolean
_idw_store_write_nickname (IdwStore      *self,
                           const char    *id,
                           const char    *nickname,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(IdwStoreRecord) record = NULL;
  GError *local_error = NULL;

  /* Assigned apart from its declaration, as above: clang calls a locker
   * that is only initialised an unused variable. */
  locker = g_mutex_locker_new (&self->lock);
  record = read_record (self, id, cancellable, &local_error);
  if (record == NULL)
    {
      if (g_error_matches (local_error, IDW_ERROR, IDW_ERROR_NOT_FOUND))
        {
          g_error_free (local_error);
          set_no_such_id_error (id, error);
        }
      else
        g_propagate_error (error, local_error);
      return FALSE;
    }

  return write_record (self, id, record->imported, nickname, record->credential_bytes,
                       record->reissue_needed, error);
}

/**
 * idw_store_set_nickname_sync:
 * @self: a store
 * @entry: an entry of @self
 * @nickname: (nullable): the new nickname; %NULL or "" removes it
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Rewrites the entry's file with the nickname (atomically, with a fresh
 * nonce) and then updates @entry, notifying "nickname".
 *
 * Returns: %TRUE on success; %FALSE with IDW_ERROR_NOT_FOUND, the errors of
 *   idw_store_load_sync() for a damaged file, or IDW_ERROR_IO.
 */
gboolean
idw_store_set_nickname_sync (IdwStore       *self,
                             IdwStoreEntry  *entry,
                             const char     *nickname,
                             GCancellable   *cancellable,
                             GError        **error)
{
  g_return_val_if_fail (IDW_IS_STORE (self), FALSE);
  g_return_val_if_fail (IDW_IS_STORE_ENTRY (entry), FALSE);
  g_return_val_if_fail (nickname == NULL || g_utf8_validate (nickname, -1, NULL), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (nickname != NULL && *nickname == '\0')
    nickname = NULL;

  if (!_idw_store_write_nickname (self, idw_store_entry_get_id (entry), nickname, cancellable, error))
    return FALSE;
  _idw_store_entry_set_nickname (entry, nickname);
  return TRUE;
}

/**
 * idw_store_remove_damaged_sync:
 * @self: a store
 * @id: the id of a damaged entry
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Removes a file that idw_store_list_sync() reported as damaged. The
 * keyring is left alone: a damaged file does not say which device key it
 * used.
 *
 * Returns: %TRUE when the file was removed; %FALSE with
 *   IDW_ERROR_NOT_FOUND, IDW_ERROR_FAILED when the file is not damaged
 *   (delete it with idw_store_delete_sync()), or IDW_ERROR_IO.
 */
gboolean
idw_store_remove_damaged_sync (IdwStore      *self,
                               const char    *id,
                               GCancellable  *cancellable,
                               GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(IdwStoreRecord) record = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (IDW_IS_STORE (self), FALSE);
  g_return_val_if_fail (id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!id_is_valid (id))
    {
      set_no_such_id_error (id, error);
      return FALSE;
    }

  locker = g_mutex_locker_new (&self->lock);
  path = path_for_id (self, id);
  name = _idw_store_file_name_for_id (id);

  record = read_record (self, id, cancellable, &local_error);
  if (record != NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_FAILED,
                   _("“%s” is not damaged."), name);
      return FALSE;
    }
  if (g_error_matches (local_error, IDW_ERROR, IDW_ERROR_NOT_FOUND))
    {
      set_no_such_id_error (id, error);
      return FALSE;
    }
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (g_unlink (path) != 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT)
        set_no_such_id_error (id, error);
      else
        g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                     _("Could not delete “%s”: %s"), name, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

