/* idw-store.c: the holder's encrypted credential store (DESIGN §5)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A file is "IDWS1\n" || nonce (24) || XChaCha20-Poly1305-IETF ciphertext
 * under the wallet key, with associated data "IDWS1\n" || id, so that a file
 * renamed to another id, or copied from another wallet, fails to decrypt.
 * The plaintext is CBOR { "id", "version": 1, "imported": tdate,
 * ? "nickname", "credential": bstr } (keys in deterministic order), where
 * the credential is the .idwcred encoding without the private key.
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
#include "idw-store.h"
#include "idw-store-private.h"

#define STORE_MAGIC          "IDWS1\n"
#define STORE_MAGIC_LEN      6
#define STORE_MAGIC_FAMILY   "IDWS"   /* any version of the format */
#define STORE_NONCE_LEN      crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define STORE_TAG_LEN        crypto_aead_xchacha20poly1305_ietf_ABYTES
#define STORE_HEADER_LEN     (STORE_MAGIC_LEN + STORE_NONCE_LEN)
#define STORE_VERSION        1
#define STORE_ID_BYTES       16
#define STORE_ID_LEN         (STORE_ID_BYTES * 2)
#define STORE_CONTEXT        "ID Wallet store entry"

G_STATIC_ASSERT (sizeof STORE_MAGIC - 1 == STORE_MAGIC_LEN);
G_STATIC_ASSERT (crypto_aead_xchacha20poly1305_ietf_KEYBYTES == IDW_WALLET_KEY_LEN);

/* ---- Helpers -------------------------------------------------------- */

static gboolean
id_is_valid (const char *id)
{
  if (id == NULL || strlen (id) != STORE_ID_LEN)
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

static char *
id_new_random (void)
{
  guint8 raw[STORE_ID_BYTES];
  char *id = g_malloc (STORE_ID_LEN + 1);

  randombytes_buf (raw, sizeof raw);
  for (guint i = 0; i < STORE_ID_BYTES; i++)
    g_snprintf (id + 2 * i, 3, "%02x", raw[i]);
  return id;
}

static char *
file_name_for_id (const char *id)
{
  return g_strconcat (id, IDW_STORE_FILE_SUFFIX, NULL);
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

static void
wipe_bytes (GBytes *bytes)
{
  gsize len;
  gpointer data;

  if (bytes == NULL)
    return;
  data = g_bytes_unref_to_data (bytes, &len);
  sodium_memzero (data, len);
  g_free (data);
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

/* ---- IdwStoreEntry -------------------------------------------------- */

struct _IdwStoreEntry
{
  GObject        parent_instance;

  char          *id;
  char          *path;
  char          *nickname;
  GDateTime     *imported;
  IdwCredential *credential;
  GError        *error;
};

G_DEFINE_FINAL_TYPE (IdwStoreEntry, idw_store_entry, G_TYPE_OBJECT)

enum
{
  ENTRY_PROP_0,
  ENTRY_PROP_ID,
  ENTRY_PROP_PATH,
  ENTRY_PROP_NICKNAME,
  ENTRY_PROP_IMPORTED,
  ENTRY_PROP_CREDENTIAL,
  ENTRY_PROP_DAMAGED,
  N_ENTRY_PROPS
};

static GParamSpec *entry_properties[N_ENTRY_PROPS];

static void
idw_store_entry_finalize (GObject *object)
{
  IdwStoreEntry *self = IDW_STORE_ENTRY (object);

  g_free (self->id);
  g_free (self->path);
  g_free (self->nickname);
  g_clear_pointer (&self->imported, g_date_time_unref);
  g_clear_object (&self->credential);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (idw_store_entry_parent_class)->finalize (object);
}

static void
idw_store_entry_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  IdwStoreEntry *self = IDW_STORE_ENTRY (object);

  switch (prop_id)
    {
    case ENTRY_PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case ENTRY_PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case ENTRY_PROP_NICKNAME:
      g_value_set_string (value, self->nickname);
      break;
    case ENTRY_PROP_IMPORTED:
      g_value_set_boxed (value, self->imported);
      break;
    case ENTRY_PROP_CREDENTIAL:
      g_value_set_object (value, self->credential);
      break;
    case ENTRY_PROP_DAMAGED:
      g_value_set_boolean (value, self->error != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
idw_store_entry_class_init (IdwStoreEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = idw_store_entry_finalize;
  object_class->get_property = idw_store_entry_get_property;

  entry_properties[ENTRY_PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  entry_properties[ENTRY_PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  entry_properties[ENTRY_PROP_NICKNAME] =
    g_param_spec_string ("nickname", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  entry_properties[ENTRY_PROP_IMPORTED] =
    g_param_spec_boxed ("imported", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  entry_properties[ENTRY_PROP_CREDENTIAL] =
    g_param_spec_object ("credential", NULL, NULL, IDW_TYPE_CREDENTIAL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  entry_properties[ENTRY_PROP_DAMAGED] =
    g_param_spec_boolean ("damaged", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_ENTRY_PROPS, entry_properties);
}

static void
idw_store_entry_init (IdwStoreEntry *self)
{
}

/**
 * idw_store_entry_get_id:
 * @self: an entry
 *
 * Returns: the entry's id: 32 lowercase hex digits, stable for the life of
 *   the credential in the store.
 */
const char *
idw_store_entry_get_id (IdwStoreEntry *self)
{
  g_return_val_if_fail (IDW_IS_STORE_ENTRY (self), NULL);

  return self->id;
}

/**
 * idw_store_entry_get_nickname:
 * @self: an entry
 *
 * Returns: (nullable): the name the holder gave this ID, or %NULL.
 */
const char *
idw_store_entry_get_nickname (IdwStoreEntry *self)
{
  g_return_val_if_fail (IDW_IS_STORE_ENTRY (self), NULL);

  return self->nickname;
}

/**
 * idw_store_entry_get_imported:
 * @self: an entry
 *
 * Returns: (nullable) (transfer none): when the ID was added (UTC, whole
 *   seconds), or %NULL for a damaged entry.
 */
GDateTime *
idw_store_entry_get_imported (IdwStoreEntry *self)
{
  g_return_val_if_fail (IDW_IS_STORE_ENTRY (self), NULL);

  return self->imported;
}

/**
 * idw_store_entry_get_credential:
 * @self: an entry
 *
 * Returns: (nullable) (transfer none): the credential, without its private
 *   key (that is in the keyring), or %NULL for a damaged entry.
 */
IdwCredential *
idw_store_entry_get_credential (IdwStoreEntry *self)
{
  g_return_val_if_fail (IDW_IS_STORE_ENTRY (self), NULL);

  return self->credential;
}

/**
 * idw_store_entry_is_damaged:
 * @self: an entry
 *
 * Returns: %TRUE when the file could not be read, decrypted or parsed;
 *   idw_store_entry_get_error() says why.
 */
gboolean
idw_store_entry_is_damaged (IdwStoreEntry *self)
{
  g_return_val_if_fail (IDW_IS_STORE_ENTRY (self), FALSE);

  return self->error != NULL;
}

/**
 * idw_store_entry_get_error:
 * @self: an entry
 *
 * Returns: (nullable) (transfer none): why the entry is damaged, as
 *   idw_store_load_sync() would report it, or %NULL.
 */
const GError *
idw_store_entry_get_error (IdwStoreEntry *self)
{
  g_return_val_if_fail (IDW_IS_STORE_ENTRY (self), NULL);

  return self->error;
}

/**
 * idw_store_entry_get_path:
 * @self: an entry
 *
 * Returns: the full path of the entry's file.
 */
const char *
idw_store_entry_get_path (IdwStoreEntry *self)
{
  g_return_val_if_fail (IDW_IS_STORE_ENTRY (self), NULL);

  return self->path;
}

static void
entry_set_nickname (IdwStoreEntry *self,
                    const char    *nickname)
{
  if (g_strcmp0 (self->nickname, nickname) == 0)
    return;
  g_free (self->nickname);
  self->nickname = g_strdup (nickname);
  g_object_notify_by_pspec (G_OBJECT (self), entry_properties[ENTRY_PROP_NICKNAME]);
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

static IdwStoreEntry *
entry_new (IdwStore   *store,
           const char *id)
{
  IdwStoreEntry *entry = g_object_new (IDW_TYPE_STORE_ENTRY, NULL);
  g_autofree char *name = file_name_for_id (id);

  entry->id = g_strdup (id);
  entry->path = g_build_filename (store->directory, name, NULL);
  return entry;
}

static char *
path_for_id (IdwStore   *self,
             const char *id)
{
  g_autofree char *name = file_name_for_id (id);

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

/* ---- Encryption ------------------------------------------------------ */

static void
make_associated_data (const char *id,
                      guint8      ad[STORE_MAGIC_LEN + STORE_ID_LEN])
{
  memcpy (ad, STORE_MAGIC, STORE_MAGIC_LEN);
  memcpy (ad + STORE_MAGIC_LEN, id, STORE_ID_LEN);
}

static GBytes *
encrypt_record (IdwStore     *self,
                const char   *id,
                const guint8 *plaintext,
                gsize         len)
{
  guint8 ad[STORE_MAGIC_LEN + STORE_ID_LEN];
  gsize total = STORE_HEADER_LEN + len + STORE_TAG_LEN;
  guint8 *out = g_malloc (total);
  unsigned long long ct_len = 0;

  make_associated_data (id, ad);
  memcpy (out, STORE_MAGIC, STORE_MAGIC_LEN);
  randombytes_buf (out + STORE_MAGIC_LEN, STORE_NONCE_LEN);
  crypto_aead_xchacha20poly1305_ietf_encrypt (out + STORE_HEADER_LEN, &ct_len,
                                              plaintext, len,
                                              ad, sizeof ad,
                                              NULL, out + STORE_MAGIC_LEN,
                                              idw_wallet_key_get_data (self->wallet_key));
  g_assert (ct_len == len + STORE_TAG_LEN);
  return g_bytes_new_take (out, total);
}

/* Returns the plaintext (the caller wipes it with wipe_bytes()). */
GBytes *
_idw_store_record_decrypt (IdwWalletKey  *wallet_key,
                           const char    *id,
                           GBytes        *file,
                           GError       **error)
{
  g_autofree char *name = file_name_for_id (id);
  guint8 ad[STORE_MAGIC_LEN + STORE_ID_LEN];
  const guint8 *data;
  gsize len;
  guint8 *plaintext;
  unsigned long long plaintext_len = 0;

  data = g_bytes_get_data (file, &len);

  if (len < strlen (STORE_MAGIC_FAMILY) || memcmp (data, STORE_MAGIC_FAMILY, 4) != 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("“%s” is not an ID Wallet credential file."), name);
      return NULL;
    }
  if (len >= STORE_MAGIC_LEN && memcmp (data, STORE_MAGIC, STORE_MAGIC_LEN) != 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("“%s” was written by a newer version of ID Wallet."), name);
      return NULL;
    }
  if (len < STORE_HEADER_LEN + STORE_TAG_LEN)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   g_dngettext (GETTEXT_PACKAGE,
                                "“%s” is truncated: it has only %zu byte.",
                                "“%s” is truncated: it has only %zu bytes.", len),
                   name, len);
      return NULL;
    }

  make_associated_data (id, ad);
  plaintext = g_malloc (len - STORE_HEADER_LEN - STORE_TAG_LEN + 1);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt (plaintext, &plaintext_len, NULL,
                                                  data + STORE_HEADER_LEN,
                                                  len - STORE_HEADER_LEN,
                                                  ad, sizeof ad,
                                                  data + STORE_MAGIC_LEN,
                                                  idw_wallet_key_get_data (wallet_key)) != 0)
    {
      g_free (plaintext);
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE,
                   _("“%s” could not be decrypted: it was cut short or changed, renamed, "
                     "or encrypted with another wallet’s key."), name);
      return NULL;
    }

  return g_bytes_new_take (plaintext, plaintext_len);
}

/* ---- Records --------------------------------------------------------- */

typedef struct
{
  GDateTime     *imported;
  char          *nickname;
  GBytes        *credential_bytes;
  IdwCredential *credential;
} Record;

static void
record_free (Record *record)
{
  g_clear_pointer (&record->imported, g_date_time_unref);
  g_free (record->nickname);
  g_clear_pointer (&record->credential_bytes, g_bytes_unref);
  g_clear_object (&record->credential);
  g_free (record);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Record, record_free)

static GBytes *
encode_record (const char *id,
               GDateTime  *imported,
               const char *nickname,
               GBytes     *credential_bytes)
{
  g_autoptr(cbor_item_t) map = idw_cbor_new_map ();

  /* Core deterministic order: shorter keys first, then bytewise. */
  idw_cbor_map_add_str (map, "id", idw_cbor_new_string (id));
  idw_cbor_map_add_str (map, "version", idw_cbor_new_int (STORE_VERSION));
  idw_cbor_map_add_str (map, "imported", idw_cbor_new_tdate (imported));
  if (nickname != NULL)
    idw_cbor_map_add_str (map, "nickname", idw_cbor_new_string (nickname));
  idw_cbor_map_add_str (map, "credential", idw_cbor_new_gbytes (credential_bytes));
  return idw_cbor_encode (map);
}

static Record *
decode_record (const char  *id,
               GBytes      *plaintext,
               GError     **error)
{
  g_autofree char *name = file_name_for_id (id);
  g_autoptr(Record) record = g_new0 (Record, 1);
  g_autoptr(cbor_item_t) map = NULL;
  g_autoptr(GError) local_error = NULL;
  cbor_item_t *item;
  guint64 version = 0;

  map = idw_cbor_decode_bytes (plaintext, &local_error);
  if (map == NULL)
    goto damaged;

  item = idw_cbor_require (map, "version", CBOR_TYPE_UINT, STORE_CONTEXT, &local_error);
  if (item == NULL)
    goto damaged;
  idw_cbor_get_uint (item, &version);
  if (version != STORE_VERSION)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("“%s” was written by a newer version of ID Wallet."), name);
      return NULL;
    }

  item = idw_cbor_require (map, "id", CBOR_TYPE_STRING, STORE_CONTEXT, &local_error);
  if (item == NULL)
    goto damaged;
  if (!idw_cbor_string_equal (item, id))
    {
      /* Only a file made with this wallet's key can get here. */
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("“%s” holds the ID of another file."), name);
      return NULL;
    }

  item = idw_cbor_require (map, "imported", CBOR_TYPE_TAG, STORE_CONTEXT, &local_error);
  if (item == NULL)
    goto damaged;
  record->imported = idw_cbor_get_tdate (item, STORE_CONTEXT " imported", &local_error);
  if (record->imported == NULL)
    goto damaged;

  if (idw_cbor_map_get (map, "nickname") != NULL)
    {
      item = idw_cbor_require (map, "nickname", CBOR_TYPE_STRING, STORE_CONTEXT, &local_error);
      if (item == NULL)
        goto damaged;
      record->nickname = idw_cbor_dup_string (item);
    }

  item = idw_cbor_require (map, "credential", CBOR_TYPE_BYTESTRING, STORE_CONTEXT, &local_error);
  if (item == NULL)
    goto damaged;
  record->credential_bytes = idw_cbor_dup_bytes (item);
  record->credential = idw_credential_new_from_bytes (record->credential_bytes, &local_error);
  if (record->credential == NULL)
    goto damaged;

  return g_steal_pointer (&record);

damaged:
  g_set_error (error, IDW_ERROR,
               local_error->domain == IDW_ERROR ? local_error->code : IDW_ERROR_MALFORMED,
               _("“%s” holds a damaged ID: %s"), name, local_error->message);
  return NULL;
}

gboolean
_idw_store_record_decode (const char     *id,
                          GBytes         *plaintext,
                          IdwCredential **out_credential,
                          GDateTime     **out_imported,
                          char          **out_nickname,
                          GError        **error)
{
  g_autoptr(Record) record = decode_record (id, plaintext, error);

  if (record == NULL)
    return FALSE;
  if (out_credential != NULL)
    *out_credential = g_steal_pointer (&record->credential);
  if (out_imported != NULL)
    *out_imported = g_steal_pointer (&record->imported);
  if (out_nickname != NULL)
    *out_nickname = g_steal_pointer (&record->nickname);
  return TRUE;
}

/* Reads, decrypts and parses the file of @id. Errors: IDW_ERROR_NOT_FOUND
 * (no such file), and for a damaged file IDW_ERROR_IO, IDW_ERROR_LIMIT,
 * IDW_ERROR_MALFORMED, IDW_ERROR_UNSUPPORTED, IDW_ERROR_BAD_SIGNATURE
 * (does not decrypt) or the credential parser's codes. */
static Record *
read_record (IdwStore      *self,
             const char    *id,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autofree char *path = path_for_id (self, id);
  g_autoptr(GBytes) file = NULL;
  GBytes *plaintext;
  Record *record;

  file = read_file_capped (path, cancellable, error);
  if (file == NULL)
    return NULL;
  plaintext = _idw_store_record_decrypt (self->wallet_key, id, file, error);
  if (plaintext == NULL)
    return NULL;
  record = decode_record (id, plaintext, error);
  wipe_bytes (plaintext);
  return record;
}

static gboolean
write_record (IdwStore       *self,
              const char     *id,
              GDateTime      *imported,
              const char     *nickname,
              GBytes         *credential_bytes,
              GError        **error)
{
  g_autofree char *path = path_for_id (self, id);
  g_autofree char *name = file_name_for_id (id);
  g_autoptr(GBytes) file = NULL;
  g_autoptr(GError) local_error = NULL;
  GBytes *plaintext;
  gconstpointer data;
  gsize len;

  plaintext = encode_record (id, imported, nickname, credential_bytes);
  data = g_bytes_get_data (plaintext, &len);
  file = encrypt_record (self, id, data, len);
  wipe_bytes (plaintext);

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

static IdwStoreEntry *
entry_new_from_record (IdwStore   *self,
                       const char *id,
                       Record     *record)
{
  IdwStoreEntry *entry = entry_new (self, id);

  entry->imported = g_date_time_ref (record->imported);
  entry->nickname = g_strdup (record->nickname);
  entry->credential = g_object_ref (record->credential);
  return entry;
}

/* ---- Listing and loading --------------------------------------------- */

static gint
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  IdwStoreEntry *ea = *(IdwStoreEntry **) a;
  IdwStoreEntry *eb = *(IdwStoreEntry **) b;

  /* Good entries in the order they were added, damaged ones last. */
  if ((ea->error != NULL) != (eb->error != NULL))
    return ea->error != NULL ? 1 : -1;
  if (ea->imported != NULL && eb->imported != NULL)
    {
      gint c = g_date_time_compare (ea->imported, eb->imported);

      if (c != 0)
        return c;
    }
  return strcmp (ea->id, eb->id);
}

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
      g_autoptr(Record) record = NULL;
      GError *entry_error = NULL;
      IdwStoreEntry *entry;

      if (id == NULL)
        continue;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;

      record = read_record (self, id, cancellable, &entry_error);
      if (record != NULL)
        {
          entry = entry_new_from_record (self, id, record);
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
          entry = entry_new (self, id);
          entry->error = entry_error;
        }
      g_ptr_array_add (entries, entry);
    }

  g_ptr_array_sort (entries, compare_entries);
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
  g_autoptr(Record) record = NULL;
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

  return entry_new_from_record (self, id, record);
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

      if (entry->credential == NULL)
        continue;
      have = issuer_auth_bytes (entry->credential);
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

      if (entry->credential == NULL || g_strcmp0 (entry->id, except_id) == 0)
        continue;
      other = idw_key_get_fingerprint (idw_credential_get_device_key (entry->credential));
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
  g_autoptr(Record) record = NULL;
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
  record = g_new0 (Record, 1);
  /* Whole seconds: what a tdate in the file keeps. */
  record->imported = g_date_time_new_from_unix_utc (g_get_real_time () / G_USEC_PER_SEC);
  record->nickname = g_strdup (nickname);
  record->credential = idw_credential_new_from_bytes (credential_bytes, error);
  if (record->credential == NULL
      || !write_record (self, id, record->imported, nickname, credential_bytes, error))
    {
      /* Take back a key that we put there for this credential alone. */
      if (stored_key && !fingerprint_in_use (entries, fingerprint, NULL))
        idw_keystore_delete_device_key_sync (fingerprint, NULL, NULL);
      return NULL;
    }

  return entry_new_from_record (self, id, record);
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

  fingerprint = idw_key_get_fingerprint (idw_credential_get_device_key (entry->credential));
  if (!fingerprint_in_use (entries, fingerprint, id)
      && !idw_keystore_delete_device_key_sync (fingerprint, cancellable, &local_error)
      && !g_error_matches (local_error, IDW_ERROR, IDW_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (g_unlink (entry->path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;
      g_autofree char *name = file_name_for_id (id);

      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   _("Could not delete “%s”: %s"), name, g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}

static gboolean
write_nickname (IdwStore      *self,
                const char    *id,
                const char    *nickname,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(Record) record = NULL;
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

  return write_record (self, id, record->imported, nickname, record->credential_bytes, error);
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

  if (!write_nickname (self, entry->id, nickname, cancellable, error))
    return FALSE;
  entry_set_nickname (entry, nickname);
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
  g_autoptr(Record) record = NULL;
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
  name = file_name_for_id (id);

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

/* ---- Asynchronous variants ------------------------------------------ */

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
      if (write_nickname (self, data->id, data->nickname, cancellable, &error))
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
  entry_set_nickname (data->entry, data->nickname);
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
  data->id = g_strdup (entry->id);
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
