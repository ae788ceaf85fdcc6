/* idw-backup.c: making a backup of the wallet and opening one: what goes
 * in, the records that carry it (docs/formats.md §12.2), the opened backup
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The plaintext is a sequence of records, one per secretstream message
 * (idw-backup-format.c), each a CBOR map with a "type": a manifest first,
 * then credentials, anchors, trust lists, history and settings, and an
 * "end" record with the counts, the only one with the final tag. Opening
 * reads, decrypts and checks every record before it returns: a backup
 * that opens can be restored without a surprise. The container is
 * idw-backup-format.c, the settings idw-backup-settings.c, restoring
 * idw-backup-restore.c, the asynchronous variants idw-backup-async.c.
 *
 * Private keys (the 32-byte seed or scalar of a software device key) only
 * sit in guarded memory, in the CBOR item that carries them (wiped before
 * it is freed) and in the plaintext buffers (guarded on reading, wiped on
 * writing).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "idw-backup.h"
#include "idw-backup-private.h"
#include "idw-cbor.h"
#include "idw-error.h"
#include "idw-history.h"
#include "idw-store.h"
#include "idw-store-private.h"
#include "idw-trust-store.h"
#include "idw-trust-store-private.h"

#define RECORD_MANIFEST     "manifest"
#define RECORD_CREDENTIAL   "credential"
#define RECORD_ANCHOR       "anchor"
#define RECORD_LIST         "list"
#define RECORD_HISTORY      "history"
#define RECORD_SETTINGS     "settings"
#define RECORD_END          "end"

#define KEY_SOFTWARE        "software"
#define KEY_HARDWARE        "hardware"
#define KEY_NONE            "none"

#define PAYLOAD_VERSION     1
#define HISTORY_BATCH       500      /* entries per record: fewer than IDW_MAX_CBOR_ITEMS */
#define DEVICE_SECRET_LEN   32       /* an Ed25519 seed or a P-256 scalar */
#define MAX_NICKNAME        1024
#define MAX_DESCRIPTION     (1024 * 1024)  /* a list.json, docs/formats.md §2.6 */

/* ---- The Secret Service as a backup's keyring ------------------------ */

static IdwWalletKey *
default_get_wallet_key (gpointer       user_data,
                        GCancellable  *cancellable,
                        GError       **error)
{
  return idw_keystore_get_wallet_key_sync (cancellable, error);
}

static gboolean
default_find_device_key (const char        *fingerprint,
                         IdwBackupKeyKind  *out_kind,
                         IdwKey           **out_key,
                         gpointer           user_data,
                         GCancellable      *cancellable,
                         GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  IdwKey *key;

  *out_key = NULL;
  key = idw_keystore_lookup_device_key_sync (fingerprint, cancellable, &local_error);
  if (key != NULL)
    {
      *out_kind = idw_key_is_hardware (key) ? IDW_BACKUP_KEY_HARDWARE : IDW_BACKUP_KEY_SOFTWARE;
      *out_key = key;
      return TRUE;
    }
  /* A TPM-bound item that cannot sign here (no TPM, another computer's)
   * is still a hardware key: it is not exported either way. */
  if (g_error_matches (local_error, IDW_ERROR, IDW_ERROR_NO_TPM)
      || g_error_matches (local_error, IDW_ERROR, IDW_ERROR_WRONG_TPM))
    {
      *out_kind = IDW_BACKUP_KEY_HARDWARE;
      return TRUE;
    }
  if (g_error_matches (local_error, IDW_ERROR, IDW_ERROR_NOT_FOUND))
    {
      *out_kind = IDW_BACKUP_KEY_NONE;
      return TRUE;
    }
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static gboolean
default_store_device_key (IdwKey        *key,
                          const char    *name,
                          gpointer       user_data,
                          GCancellable  *cancellable,
                          GError       **error)
{
  return idw_keystore_store_device_key_sync (key, name, cancellable, error);
}

/**
 * idw_backup_keyring_get_default:
 *
 * Returns: (transfer none): the Secret Service (idw-keystore.h) as a
 *   backup's keyring.
 */
const IdwBackupKeyring *
idw_backup_keyring_get_default (void)
{
  static const IdwBackupKeyring keyring = {
    default_get_wallet_key,
    default_find_device_key,
    default_store_device_key,
    NULL,
  };

  return &keyring;
}

/**
 * idw_backup_get_default_data_directory:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/id-wallet`, the folder of
 *   the credentials, the trust store and the history.
 */
char *
idw_backup_get_default_data_directory (void)
{
  return g_build_filename (g_get_user_data_dir (), "id-wallet", NULL);
}

/* ---- IdwBackupCredential ---------------------------------------------- */

static void
backup_credential_free (IdwBackupCredential *self)
{
  g_free (self->id);
  g_free (self->nickname);
  g_clear_pointer (&self->imported, g_date_time_unref);
  g_clear_object (&self->credential);
  g_free (self);
}

/* What a person recognises a credential by: the store's rule for keyring
 * labels. */
char *
_idw_backup_name_for (IdwCredential *credential,
                      const char    *nickname)
{
  g_autofree char *holder = NULL;

  if (nickname != NULL && *nickname != '\0')
    return g_strdup (nickname);
  holder = idw_credential_dup_holder_name (credential);
  if (holder == NULL)
    return g_strdup (idw_credential_get_display_name (credential));
  /* TRANSLATORS: an ID's name: "Mobile driving licence, Erika Mustermann" */
  return g_strdup_printf (C_("keyring item", "%s, %s"),
                          idw_credential_get_display_name (credential), holder);
}

/**
 * idw_backup_credential_dup_name:
 * @self: a credential of an opened backup
 *
 * Returns: (transfer full): its nickname, or "document type, holder".
 */
char *
idw_backup_credential_dup_name (IdwBackupCredential *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return _idw_backup_name_for (self->credential, self->nickname);
}

/* ---- IdwBackup -------------------------------------------------------- */

struct _IdwBackup
{
  GObject     parent_instance;

  GDateTime  *created;
  GPtrArray  *credentials;   /* IdwBackupCredential* */
  GPtrArray  *anchors;       /* IdwCertificate* */
  GPtrArray  *list_copies;   /* IdwTrustListCopy* */
  GPtrArray  *lists;         /* IdwTrustOrigin* */
  GPtrArray  *history;       /* IdwHistoryEntry* */
  GVariant   *settings;      /* a{sv} */
  gboolean    has_settings;
};

G_DEFINE_FINAL_TYPE (IdwBackup, idw_backup, G_TYPE_OBJECT)

static void
idw_backup_finalize (GObject *object)
{
  IdwBackup *self = IDW_BACKUP (object);

  g_clear_pointer (&self->created, g_date_time_unref);
  g_clear_pointer (&self->credentials, g_ptr_array_unref);
  g_clear_pointer (&self->anchors, g_ptr_array_unref);
  g_clear_pointer (&self->list_copies, g_ptr_array_unref);
  g_clear_pointer (&self->lists, g_ptr_array_unref);
  g_clear_pointer (&self->history, g_ptr_array_unref);
  g_clear_pointer (&self->settings, g_variant_unref);

  G_OBJECT_CLASS (idw_backup_parent_class)->finalize (object);
}

static void
idw_backup_class_init (IdwBackupClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = idw_backup_finalize;
}

static void
idw_backup_init (IdwBackup *self)
{
  self->credentials = g_ptr_array_new_with_free_func ((GDestroyNotify) backup_credential_free);
  self->anchors = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_certificate_unref);
  self->list_copies = g_ptr_array_new_with_free_func ((GDestroyNotify) _idw_trust_list_copy_free);
  self->lists = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_trust_origin_unref);
  self->history = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * idw_backup_get_created:
 * @self: an opened backup
 *
 * Returns: (transfer none): when the backup was made (UTC).
 */
GDateTime *
idw_backup_get_created (IdwBackup *self)
{
  g_return_val_if_fail (IDW_IS_BACKUP (self), NULL);

  return self->created;
}

/**
 * idw_backup_get_credentials:
 * @self: an opened backup
 *
 * Returns: (transfer none) (element-type IdwBackupCredential): its
 *   credentials, in the order they were written.
 */
GPtrArray *
idw_backup_get_credentials (IdwBackup *self)
{
  g_return_val_if_fail (IDW_IS_BACKUP (self), NULL);

  return self->credentials;
}

/**
 * idw_backup_get_anchors:
 * @self: an opened backup
 *
 * Returns: (transfer none) (element-type IdwCertificate): the trust
 *   anchors that were added one by one.
 */
GPtrArray *
idw_backup_get_anchors (IdwBackup *self)
{
  g_return_val_if_fail (IDW_IS_BACKUP (self), NULL);

  return self->anchors;
}

/**
 * idw_backup_get_lists:
 * @self: an opened backup
 *
 * Returns: (transfer none) (element-type IdwTrustOrigin): the imported
 *   trust lists.
 */
GPtrArray *
idw_backup_get_lists (IdwBackup *self)
{
  g_return_val_if_fail (IDW_IS_BACKUP (self), NULL);

  return self->lists;
}

/**
 * idw_backup_get_n_history:
 * @self: an opened backup
 *
 * Returns: how many history entries it holds.
 */
guint
idw_backup_get_n_history (IdwBackup *self)
{
  g_return_val_if_fail (IDW_IS_BACKUP (self), 0);

  return self->history->len;
}

/**
 * idw_backup_get_settings:
 * @self: an opened backup
 *
 * Returns: (transfer none): the settings, an a{sv} dictionary (empty when
 *   the backup was made without them).
 */
GVariant *
idw_backup_get_settings (IdwBackup *self)
{
  g_return_val_if_fail (IDW_IS_BACKUP (self), NULL);

  return self->settings;
}

GPtrArray *
_idw_backup_get_list_copies (IdwBackup *self)
{
  return self->list_copies;
}

GPtrArray *
_idw_backup_get_history (IdwBackup *self)
{
  return self->history;
}

/* ---- Writing records --------------------------------------------------- */

/* Encodes @record, encrypts it as the next message, wipes the encoding. */
static gboolean
write_record (IdwBackupWriter  *writer,
              cbor_item_t      *record,
              gboolean          final,
              GError          **error)
{
  g_autoptr(GBytes) encoded = idw_cbor_encode (record);
  gsize len;
  const guint8 *data = g_bytes_get_data (encoded, &len);
  gboolean ok;

  if (len > IDW_BACKUP_MAX_RECORD)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("A part of the wallet is larger than %d MiB and cannot be backed up."),
                   IDW_BACKUP_MAX_RECORD / (1024 * 1024));
      _idw_backup_wipe_bytes (g_steal_pointer (&encoded));
      return FALSE;
    }
  ok = _idw_backup_writer_add (writer, data, len, final, error);
  _idw_backup_wipe_bytes (g_steal_pointer (&encoded));
  return ok;
}

static cbor_item_t *
new_record (const char *type)
{
  cbor_item_t *map = idw_cbor_new_map ();

  idw_cbor_map_add_str (map, "type", idw_cbor_new_string (type));
  return map;
}

/* Wipes the bytes of a byte string item before it goes. */
static void
wipe_bytestring (cbor_item_t *item)
{
  if (item != NULL && cbor_isa_bytestring (item) && cbor_bytestring_is_definite (item)
      && cbor_bytestring_handle (item) != NULL)
    sodium_memzero (cbor_bytestring_handle (item), cbor_bytestring_length (item));
}

/* The device key's secret: the 32-byte Ed25519 seed or P-256 scalar. */
static gboolean
export_device_secret (IdwKey *key,
                      guint8  secret[DEVICE_SECRET_LEN])
{
  switch (idw_key_get_curve (key))
    {
    case IDW_CURVE_ED25519:
      return idw_key_export_seed (key, secret);
    case IDW_CURVE_P256:
      return idw_key_export_ec_scalar (key, secret, DEVICE_SECRET_LEN);
    case IDW_CURVE_P384:
    case IDW_CURVE_P521:
    default:
      return FALSE;
    }
}

static gboolean
write_credential (IdwBackupWriter   *writer,
                  IdwStoreEntry     *entry,
                  IdwBackupKeyKind   kind,
                  IdwKey            *key,
                  GError           **error)
{
  IdwCredential *credential = idw_store_entry_get_credential (entry);
  g_autoptr(GBytes) credential_bytes = idw_credential_to_bytes (credential, FALSE);
  cbor_item_t *secret_item = NULL;
  const char *nickname = idw_store_entry_get_nickname (entry);
  gboolean ok;

  /* Core deterministic order: "id", "key", "type", "imported",
   * "nickname", "deviceKey", "credential". */
  {
    g_autoptr(cbor_item_t) ordered = idw_cbor_new_map ();
    const char *kind_name = kind == IDW_BACKUP_KEY_SOFTWARE ? KEY_SOFTWARE
                            : kind == IDW_BACKUP_KEY_HARDWARE ? KEY_HARDWARE : KEY_NONE;

    idw_cbor_map_add_str (ordered, "id", idw_cbor_new_string (idw_store_entry_get_id (entry)));
    idw_cbor_map_add_str (ordered, "key", idw_cbor_new_string (kind_name));
    idw_cbor_map_add_str (ordered, "type", idw_cbor_new_string (RECORD_CREDENTIAL));
    idw_cbor_map_add_str (ordered, "imported", idw_cbor_new_tdate (idw_store_entry_get_imported (entry)));
    if (nickname != NULL)
      idw_cbor_map_add_str (ordered, "nickname", idw_cbor_new_string (nickname));
    if (kind == IDW_BACKUP_KEY_SOFTWARE)
      {
        guint8 secret[DEVICE_SECRET_LEN];

        if (!export_device_secret (key, secret))
          {
            sodium_memzero (secret, sizeof secret);
            g_set_error_literal (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                                 _("A device key in the keyring is neither Ed25519 nor P-256."));
            return FALSE;
          }
        secret_item = idw_cbor_new_bytes (secret, sizeof secret);
        sodium_memzero (secret, sizeof secret);
        idw_cbor_map_add_str (ordered, "deviceKey", secret_item);
      }
    idw_cbor_map_add_str (ordered, "credential", idw_cbor_new_gbytes (credential_bytes));
    ok = write_record (writer, ordered, FALSE, error);
    wipe_bytestring (secret_item);
  }
  return ok;
}

static gboolean
write_manifest (IdwBackupWriter  *writer,
                GError          **error)
{
  g_autoptr(cbor_item_t) record = new_record (RECORD_MANIFEST);
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (g_get_real_time () / G_USEC_PER_SEC);

  idw_cbor_map_add_str (record, "created", idw_cbor_new_tdate (now));
  idw_cbor_map_add_str (record, "version", idw_cbor_new_int (PAYLOAD_VERSION));
  idw_cbor_map_add_str (record, "generator", idw_cbor_new_string ("ID Wallet " PACKAGE_VERSION));
  return write_record (writer, record, FALSE, error);
}

static gboolean
write_anchor (IdwBackupWriter  *writer,
              IdwCertificate   *certificate,
              GError          **error)
{
  g_autoptr(cbor_item_t) record = new_record (RECORD_ANCHOR);
  g_autoptr(GBytes) der = idw_certificate_get_der (certificate);

  idw_cbor_map_add_str (record, "certificate", idw_cbor_new_gbytes (der));
  return write_record (writer, record, FALSE, error);
}

static gboolean
write_list (IdwBackupWriter   *writer,
            IdwTrustListCopy  *copy,
            GError           **error)
{
  g_autoptr(cbor_item_t) record = new_record (RECORD_LIST);
  g_autofree char *description = g_strndup (g_bytes_get_data (copy->description, NULL),
                                            g_bytes_get_size (copy->description));
  cbor_item_t *certificates = idw_cbor_new_array ();

  for (guint i = 0; i < copy->certificates->len; i++)
    {
      g_autoptr(GBytes) der = idw_certificate_get_der (copy->certificates->pdata[i]);

      idw_cbor_array_add (certificates, idw_cbor_new_gbytes (der));
    }
  idw_cbor_map_add_str (record, "description", idw_cbor_new_string (description));
  idw_cbor_map_add_str (record, "certificates", certificates);
  return write_record (writer, record, FALSE, error);
}

static gboolean
write_history (IdwBackupWriter  *writer,
               GPtrArray        *entries,
               guint             start,
               guint             end,
               GError          **error)
{
  g_autoptr(cbor_item_t) record = new_record (RECORD_HISTORY);
  cbor_item_t *array = idw_cbor_new_array ();

  for (guint i = start; i < end; i++)
    {
      g_autoptr(GBytes) cbor = idw_history_entry_to_cbor (entries->pdata[i]);

      idw_cbor_array_add (array, idw_cbor_new_gbytes (cbor));
    }
  idw_cbor_map_add_str (record, "entries", array);
  return write_record (writer, record, FALSE, error);
}

static gboolean
write_settings (IdwBackupWriter  *writer,
                GVariant         *settings,
                GError          **error)
{
  g_autoptr(cbor_item_t) record = new_record (RECORD_SETTINGS);

  idw_cbor_map_add_str (record, "values", _idw_backup_settings_to_cbor (settings));
  return write_record (writer, record, FALSE, error);
}

static gboolean
write_end (IdwBackupWriter         *writer,
           const IdwBackupSummary  *summary,
           gboolean                 with_settings,
           GError                 **error)
{
  g_autoptr(cbor_item_t) record = new_record (RECORD_END);

  idw_cbor_map_add_str (record, "lists", idw_cbor_new_int (summary->lists));
  idw_cbor_map_add_str (record, "anchors", idw_cbor_new_int (summary->anchors));
  idw_cbor_map_add_str (record, "history", idw_cbor_new_int (summary->history));
  idw_cbor_map_add_str (record, "settings", idw_cbor_new_int (with_settings ? 1 : 0));
  idw_cbor_map_add_str (record, "credentials", idw_cbor_new_int (summary->credentials));
  return write_record (writer, record, TRUE, error);
}

/* ---- Making a backup --------------------------------------------------- */

typedef struct
{
  int         fd;
  const char *path;
} FileSink;

static gboolean
write_to_fd (const guint8  *data,
             gsize          len,
             gpointer       user_data,
             GError       **error)
{
  FileSink *sink = user_data;

  while (len > 0)
    {
      gssize n = write (sink->fd, data, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                       _("Could not write the backup “%s”: %s"), sink->path, g_strerror (saved_errno));
          return FALSE;
        }
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

static const IdwBackupKeyring *
wallet_keyring (const IdwBackupWallet *wallet)
{
  return wallet != NULL && wallet->keyring != NULL ? wallet->keyring : idw_backup_keyring_get_default ();
}

char *
_idw_backup_wallet_directory (const IdwBackupWallet *wallet)
{
  if (wallet != NULL && wallet->data_directory != NULL)
    return g_strdup (wallet->data_directory);
  return idw_backup_get_default_data_directory ();
}

/* Everything a backup holds, read from the wallet before anything is
 * written. */
typedef struct
{
  GPtrArray *entries;       /* IdwStoreEntry*, good ones */
  GArray    *kinds;         /* IdwBackupKeyKind, one per entry */
  GPtrArray *keys;          /* IdwKey* or NULL, one per entry */
  GPtrArray *anchors;       /* IdwCertificate* */
  GPtrArray *lists;         /* IdwTrustListCopy* */
  GPtrArray *history;       /* IdwHistoryEntry*, oldest first */
  GVariant  *settings;      /* a{sv} or NULL */
} Collected;

static void
collected_clear (Collected *c)
{
  g_clear_pointer (&c->entries, g_ptr_array_unref);
  g_clear_pointer (&c->kinds, g_array_unref);
  g_clear_pointer (&c->keys, g_ptr_array_unref);
  g_clear_pointer (&c->anchors, g_ptr_array_unref);
  g_clear_pointer (&c->lists, g_ptr_array_unref);
  g_clear_pointer (&c->history, g_ptr_array_unref);
  g_clear_pointer (&c->settings, g_variant_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Collected, collected_clear)

static gboolean
collect (const IdwBackupWallet  *wallet,
         Collected              *c,
         IdwBackupSummary       *summary,
         GCancellable           *cancellable,
         GError                **error)
{
  const IdwBackupKeyring *keyring = wallet_keyring (wallet);
  g_autofree char *directory = _idw_backup_wallet_directory (wallet);
  g_autofree char *store_dir = g_build_filename (directory, "credentials", NULL);
  g_autofree char *trust_dir = g_build_filename (directory, "trust", NULL);
  g_autofree char *history_dir = g_build_filename (directory, "history", NULL);
  g_autoptr(IdwWalletKey) wallet_key = NULL;
  g_autoptr(IdwStore) store = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(IdwTrustStore) trust = NULL;
  g_autoptr(GHashTable) origins = NULL;
  g_autoptr(GPtrArray) certificates = NULL;
  g_autoptr(IdwHistory) history = NULL;
  g_autoptr(GPtrArray) newest_first = NULL;
  g_autoptr(GSettings) looked_up = NULL;
  GSettings *settings;

  memset (summary, 0, sizeof *summary);

  /* Credentials, and what the keyring holds for each. */
  wallet_key = keyring->get_wallet_key (keyring->user_data, cancellable, error);
  if (wallet_key == NULL)
    return FALSE;
  store = idw_store_new (store_dir, wallet_key, error);
  if (store == NULL)
    return FALSE;
  entries = idw_store_list_sync (store, cancellable, error);
  if (entries == NULL)
    return FALSE;

  c->entries = g_ptr_array_new_with_free_func (g_object_unref);
  c->kinds = g_array_new (FALSE, FALSE, sizeof (IdwBackupKeyKind));
  c->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_key_unref);
  for (guint i = 0; i < entries->len; i++)
    {
      IdwStoreEntry *entry = entries->pdata[i];
      IdwCredential *credential = idw_store_entry_get_credential (entry);
      g_autofree char *fingerprint = NULL;
      IdwBackupKeyKind kind = IDW_BACKUP_KEY_NONE;
      IdwKey *key = NULL;

      if (idw_store_entry_is_damaged (entry))
        {
          summary->damaged++;
          continue;
        }
      if (idw_store_entry_get_reissue_needed (entry))
        kind = IDW_BACKUP_KEY_HARDWARE;
      else
        {
          fingerprint = idw_key_get_fingerprint (idw_credential_get_device_key (credential));
          if (!keyring->find_device_key (fingerprint, &kind, &key, keyring->user_data, cancellable, error))
            return FALSE;
        }
      if (kind == IDW_BACKUP_KEY_SOFTWARE && (key == NULL || !idw_key_has_private (key)))
        kind = IDW_BACKUP_KEY_NONE;

      g_ptr_array_add (c->entries, g_object_ref (entry));
      g_array_append_val (c->kinds, kind);
      g_ptr_array_add (c->keys, kind == IDW_BACKUP_KEY_SOFTWARE ? key : NULL);
      if (kind != IDW_BACKUP_KEY_SOFTWARE && key != NULL)
        idw_key_unref (key);

      summary->credentials++;
      summary->keys_included += kind == IDW_BACKUP_KEY_SOFTWARE;
      summary->keys_hardware += kind == IDW_BACKUP_KEY_HARDWARE;
    }
  if (c->entries->len > IDW_BACKUP_MAX_CREDENTIALS)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The wallet holds more than %d IDs, more than a backup can hold."),
                   IDW_BACKUP_MAX_CREDENTIALS);
      return FALSE;
    }

  /* Trust: the anchors added one by one, and the lists. */
  trust = idw_trust_store_new (trust_dir);
  certificates = idw_trust_store_list_with_origins (trust, &origins, NULL, error);
  if (certificates == NULL)
    return FALSE;
  c->anchors = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_certificate_unref);
  for (guint i = 0; i < certificates->len; i++)
    {
      IdwCertificate *certificate = certificates->pdata[i];
      g_autofree char *fingerprint = idw_certificate_get_fingerprint (certificate);

      if (!g_hash_table_contains (origins, fingerprint))
        g_ptr_array_add (c->anchors, idw_certificate_ref (certificate));
    }
  c->lists = _idw_trust_store_copy_lists (trust, NULL);
  summary->anchors = c->anchors->len;
  summary->lists = c->lists->len;

  /* The history, oldest first as it was recorded; one that cannot be read
   * is left out and said so, never a reason to make no backup at all. */
  history = idw_history_new (history_dir, wallet_key);
  {
    g_autoptr(GError) history_error = NULL;

    newest_first = idw_history_list_sync (history, cancellable, &history_error);
    if (newest_first == NULL)
      {
        if (g_error_matches (history_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
          {
            g_propagate_error (error, g_steal_pointer (&history_error));
            return FALSE;
          }
        g_debug ("Backup without the history: %s", history_error->message);
        summary->history_damaged = TRUE;
      }
  }
  c->history = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = newest_first != NULL ? newest_first->len : 0; i > 0; i--)
    g_ptr_array_add (c->history, g_object_ref (newest_first->pdata[i - 1]));
  summary->history = c->history->len;

  settings = wallet != NULL ? wallet->settings : NULL;
  if (settings == NULL)
    settings = looked_up = _idw_backup_lookup_settings ();
  if (settings != NULL)
    {
      c->settings = _idw_backup_collect_settings (settings);
      summary->settings = (guint) g_variant_n_children (c->settings);
    }
  else
    summary->settings_missing = TRUE;

  return TRUE;
}

static gboolean
write_all (IdwBackupWriter   *writer,
           Collected         *c,
           IdwBackupSummary  *summary,
           GCancellable      *cancellable,
           GError           **error)
{
  if (!write_manifest (writer, error))
    return FALSE;

  for (guint i = 0; i < c->entries->len; i++)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (!write_credential (writer, c->entries->pdata[i], g_array_index (c->kinds, IdwBackupKeyKind, i),
                             c->keys->pdata[i], error))
        return FALSE;
    }
  for (guint i = 0; i < c->anchors->len; i++)
    if (!write_anchor (writer, c->anchors->pdata[i], error))
      return FALSE;
  for (guint i = 0; i < c->lists->len; i++)
    if (!write_list (writer, c->lists->pdata[i], error))
      return FALSE;
  for (guint i = 0; i < c->history->len; i += HISTORY_BATCH)
    if (!write_history (writer, c->history, i, MIN (i + HISTORY_BATCH, c->history->len), error))
      return FALSE;
  if (c->settings != NULL && !write_settings (writer, c->settings, error))
    return FALSE;

  return write_end (writer, summary, c->settings != NULL, error);
}

/**
 * idw_backup_create_sync:
 * @wallet: (nullable): the wallet to back up; %NULL for the user's
 * @path: the backup file to write (replaced when it exists)
 * @passphrase: the passphrase that will open it
 * @out_summary: (out caller-allocates) (optional): what it holds
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Backs up the credentials (with their software device keys), the trust
 * anchors added one by one, the imported trust lists, the history and
 * the settings (not the window's size) into @path, encrypted under
 * @passphrase (docs/formats.md §12). Damaged credential files are left
 * out and counted; a history that cannot be read is left out and said so.
 * The file is written to a temporary file beside @path, mode 0600, then
 * renamed: an interrupted backup never leaves a partial file under @path.
 *
 * Returns: %TRUE on success; %FALSE with IDW_ERROR_KEYRING, IDW_ERROR_IO,
 *   IDW_ERROR_LIMIT, IDW_ERROR_FAILED (no memory for Argon2id) or
 *   G_IO_ERROR_CANCELLED.
 */
gboolean
idw_backup_create_sync (const IdwBackupWallet  *wallet,
                        const char             *path,
                        IdwPassphrase          *passphrase,
                        IdwBackupSummary       *out_summary,
                        GCancellable           *cancellable,
                        GError                **error)
{
  g_auto(Collected) collected = { 0 };
  g_autoptr(IdwBackupWriter) writer = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *tmp_path = NULL;
  IdwBackupSummary summary;
  FileSink sink = { -1, path };
  guint32 opslimit, memlimit_kib;
  gboolean ok;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (passphrase != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!collect (wallet, &collected, &summary, cancellable, error))
    return FALSE;

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  tmp_path = g_strdup_printf ("%s%c.%s.XXXXXX", dir, G_DIR_SEPARATOR, base);
  sink.fd = g_mkstemp_full (tmp_path, O_WRONLY | O_CLOEXEC, 0600);
  if (sink.fd < 0)
    {
      int saved_errno = errno;

      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   _("Could not write the backup “%s”: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }

  _idw_backup_kdf_defaults (&opslimit, &memlimit_kib);
  writer = _idw_backup_writer_new (passphrase, opslimit, memlimit_kib, write_to_fd, &sink, error);
  ok = writer != NULL && write_all (writer, &collected, &summary, cancellable, error);
  if (ok && fsync (sink.fd) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   _("Could not write the backup “%s”: %s"), path, g_strerror (saved_errno));
      ok = FALSE;
    }
  if (close (sink.fd) != 0 && ok)
    {
      int saved_errno = errno;

      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   _("Could not write the backup “%s”: %s"), path, g_strerror (saved_errno));
      ok = FALSE;
    }
  if (ok && g_rename (tmp_path, path) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   _("Could not write the backup “%s”: %s"), path, g_strerror (saved_errno));
      ok = FALSE;
    }
  if (!ok)
    {
      g_unlink (tmp_path);
      return FALSE;
    }

  if (out_summary != NULL)
    *out_summary = summary;
  return TRUE;
}

/* ---- Reading records ---------------------------------------------------- */

static void
set_damaged (GError     **error,
             const char  *reason)
{
  g_set_error (error, IDW_ERROR, IDW_ERROR_BACKUP_DAMAGED,
               /* Translators: %s says what is wrong, in words of the format */
               _("The backup is damaged: %s"), reason);
}

/* A text field, at most @max bytes. */
static char *
get_text (cbor_item_t  *record,
          const char   *key,
          gsize         max,
          const char   *context,
          GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  cbor_item_t *item = idw_cbor_require (record, key, CBOR_TYPE_STRING, context, &local_error);
  char *text;

  if (item == NULL)
    {
      set_damaged (error, local_error->message);
      return NULL;
    }
  text = idw_cbor_dup_string (item);
  if (text == NULL)
    {
      set_damaged (error, _("a text is not valid UTF-8"));
      return NULL;
    }
  if (strlen (text) > max)
    {
      g_free (text);
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The backup holds a part larger than this version of ID Wallet accepts (%s %s)."),
                   context, key);
      return NULL;
    }
  return text;
}

static GBytes *
get_bytes (cbor_item_t  *record,
           const char   *key,
           gsize         max,
           const char   *context,
           GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  cbor_item_t *item = idw_cbor_require (record, key, CBOR_TYPE_BYTESTRING, context, &local_error);

  if (item == NULL)
    {
      set_damaged (error, local_error->message);
      return NULL;
    }
  if (!cbor_bytestring_is_definite (item) || cbor_bytestring_length (item) > max)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The backup holds a part larger than this version of ID Wallet accepts (%s %s)."),
                   context, key);
      return NULL;
    }
  return idw_cbor_dup_bytes (item);
}

/* A count in the end record. */
static gboolean
check_count (cbor_item_t  *record,
             const char   *key,
             guint         expected,
             GError      **error)
{
  cbor_item_t *item = idw_cbor_map_get (record, key);
  guint64 count;

  if (item == NULL || !idw_cbor_get_uint (item, &count) || count != expected)
    {
      set_damaged (error, _("parts of it are missing"));
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  IdwBackup  *backup;
  GHashTable *history_ids;     /* owned strings */
  GHashTable *providers;       /* owned strings */
  guint       n_records;
  gboolean    has_manifest;
} Parse;

static gboolean
parse_manifest (Parse        *parse,
                cbor_item_t  *record,
                GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  cbor_item_t *item;
  guint64 version = 0;

  item = idw_cbor_map_get (record, "version");
  if (item == NULL || !idw_cbor_get_uint (item, &version))
    {
      set_damaged (error, _("it has no version"));
      return FALSE;
    }
  if (version != PAYLOAD_VERSION)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                           _("This backup was made by a newer version of ID Wallet. "
                             "Update ID Wallet to restore it."));
      return FALSE;
    }
  item = idw_cbor_map_get (record, "created");
  parse->backup->created = item != NULL ? idw_cbor_get_tdate (item, "manifest created", &local_error) : NULL;
  if (parse->backup->created == NULL)
    {
      set_damaged (error, local_error != NULL ? local_error->message : _("it has no date"));
      return FALSE;
    }
  parse->has_manifest = TRUE;
  return TRUE;
}

static gboolean
parse_credential (Parse        *parse,
                  cbor_item_t  *record,
                  GError      **error)
{
  const char *C = "credential";
  g_autoptr(GError) local_error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *nickname = NULL;
  g_autofree char *key_name = NULL;
  g_autoptr(GDateTime) imported = NULL;
  g_autoptr(GBytes) credential_bytes = NULL;
  g_autoptr(IdwCredential) credential = NULL;
  IdwBackupCredential *entry;
  IdwBackupKeyKind kind;
  cbor_item_t *item;

  if (parse->backup->credentials->len >= IDW_BACKUP_MAX_CREDENTIALS)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The backup holds more than %d IDs."), IDW_BACKUP_MAX_CREDENTIALS);
      return FALSE;
    }

  id = get_text (record, "id", 64, C, error);
  if (id == NULL)
    return FALSE;
  key_name = get_text (record, "key", 16, C, error);
  if (key_name == NULL)
    return FALSE;
  if (g_str_equal (key_name, KEY_SOFTWARE))
    kind = IDW_BACKUP_KEY_SOFTWARE;
  else if (g_str_equal (key_name, KEY_HARDWARE))
    kind = IDW_BACKUP_KEY_HARDWARE;
  else if (g_str_equal (key_name, KEY_NONE))
    kind = IDW_BACKUP_KEY_NONE;
  else
    {
      set_damaged (error, _("a credential’s key is of an unknown kind"));
      return FALSE;
    }

  item = idw_cbor_map_get (record, "imported");
  imported = item != NULL ? idw_cbor_get_tdate (item, "credential imported", &local_error) : NULL;
  if (imported == NULL)
    {
      set_damaged (error, local_error != NULL ? local_error->message : _("a credential has no date"));
      return FALSE;
    }
  if (idw_cbor_map_get (record, "nickname") != NULL)
    {
      nickname = get_text (record, "nickname", MAX_NICKNAME, C, error);
      if (nickname == NULL)
        return FALSE;
    }

  credential_bytes = get_bytes (record, "credential", IDW_MAX_INPUT_FILE, C, error);
  if (credential_bytes == NULL)
    return FALSE;
  credential = idw_credential_new_from_bytes (credential_bytes, &local_error);
  if (credential == NULL || !idw_credential_verify_issuer_signature (credential, &local_error))
    {
      set_damaged (error, local_error->message);
      return FALSE;
    }
  idw_credential_set_private_key (credential, NULL, NULL);

  item = idw_cbor_map_get (record, "deviceKey");
  if ((item != NULL) != (kind == IDW_BACKUP_KEY_SOFTWARE))
    {
      set_damaged (error, _("a credential’s device key is missing, or present where there should be none"));
      return FALSE;
    }
  if (item != NULL)
    {
      IdwKey *public_key = idw_credential_get_device_key (credential);
      g_autoptr(IdwKey) key = NULL;

      if (!cbor_isa_bytestring (item) || !cbor_bytestring_is_definite (item)
          || cbor_bytestring_length (item) != DEVICE_SECRET_LEN)
        {
          set_damaged (error, _("a device key is not 32 bytes"));
          return FALSE;
        }
      if (idw_key_get_curve (public_key) == IDW_CURVE_ED25519)
        key = idw_key_new_ed25519_seed (cbor_bytestring_handle (item), DEVICE_SECRET_LEN, NULL);
      else if (idw_key_get_curve (public_key) == IDW_CURVE_P256)
        key = idw_key_new_ec_private (IDW_CURVE_P256, cbor_bytestring_handle (item), DEVICE_SECRET_LEN, NULL);
      if (key == NULL || !idw_credential_set_private_key (credential, key, NULL))
        {
          set_damaged (error, _("a device key does not belong to its credential"));
          return FALSE;
        }
    }

  entry = g_new0 (IdwBackupCredential, 1);
  entry->id = g_steal_pointer (&id);
  entry->nickname = g_steal_pointer (&nickname);
  entry->imported = g_steal_pointer (&imported);
  entry->credential = g_steal_pointer (&credential);
  entry->key_kind = kind;
  g_ptr_array_add (parse->backup->credentials, entry);
  return TRUE;
}

static IdwCertificate *
parse_certificate (GBytes  *der,
                   GError **error)
{
  g_autoptr(GError) local_error = NULL;
  IdwCertificate *certificate;

  certificate = idw_certificate_new_from_der (g_bytes_get_data (der, NULL), g_bytes_get_size (der),
                                              &local_error);
  if (certificate == NULL)
    set_damaged (error, local_error->message);
  return certificate;
}

static gboolean
parse_anchor (Parse        *parse,
              cbor_item_t  *record,
              GError      **error)
{
  g_autoptr(GBytes) der = NULL;
  IdwCertificate *certificate;

  if (parse->backup->anchors->len >= IDW_BACKUP_MAX_ANCHORS)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The backup holds more than %d trusted issuers."), IDW_BACKUP_MAX_ANCHORS);
      return FALSE;
    }
  der = get_bytes (record, "certificate", IDW_BACKUP_MAX_CERTIFICATE, "anchor", error);
  if (der == NULL)
    return FALSE;
  certificate = parse_certificate (der, error);
  if (certificate == NULL)
    return FALSE;
  g_ptr_array_add (parse->backup->anchors, certificate);
  return TRUE;
}

static gboolean
parse_list (Parse        *parse,
            cbor_item_t  *record,
            GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GBytes) description_bytes = NULL;
  g_autoptr(GPtrArray) certificates = NULL;
  g_autoptr(IdwTrustListCopy) copy = NULL;
  cbor_item_t *array;
  const char *provider;

  if (parse->backup->list_copies->len >= IDW_BACKUP_MAX_LISTS)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The backup holds more than %d trust lists."), IDW_BACKUP_MAX_LISTS);
      return FALSE;
    }
  description = get_text (record, "description", MAX_DESCRIPTION, "list", error);
  if (description == NULL)
    return FALSE;
  array = idw_cbor_require (record, "certificates", CBOR_TYPE_ARRAY, "list", &local_error);
  if (array == NULL)
    {
      set_damaged (error, local_error->message);
      return FALSE;
    }
  certificates = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_certificate_unref);
  for (gsize i = 0; i < cbor_array_size (array); i++)
    {
      /* cbor_array_get() gives a reference. */
      g_autoptr(cbor_item_t) item = cbor_array_get (array, i);
      g_autoptr(GBytes) der = NULL;
      IdwCertificate *certificate;

      if (!cbor_isa_bytestring (item) || !cbor_bytestring_is_definite (item))
        {
          set_damaged (error, _("a listed certificate is not a byte string"));
          return FALSE;
        }
      if (cbor_bytestring_length (item) > IDW_BACKUP_MAX_CERTIFICATE)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                       _("The backup holds a part larger than this version of ID Wallet accepts (%s %s)."),
                       "list", "certificates");
          return FALSE;
        }
      der = idw_cbor_dup_bytes (item);
      certificate = parse_certificate (der, error);
      if (certificate == NULL)
        return FALSE;
      g_ptr_array_add (certificates, certificate);
    }

  description_bytes = g_bytes_new (description, strlen (description));
  copy = _idw_trust_list_copy_new (description_bytes, certificates, &local_error);
  if (copy == NULL)
    {
      set_damaged (error, local_error->message);
      return FALSE;
    }
  provider = idw_trust_origin_get_provider (copy->origin);
  if (!g_hash_table_add (parse->providers, g_strdup (provider)))
    {
      set_damaged (error, _("it holds two trust lists of the same provider"));
      return FALSE;
    }
  g_ptr_array_add (parse->backup->lists, idw_trust_origin_ref (copy->origin));
  g_ptr_array_add (parse->backup->list_copies, g_steal_pointer (&copy));
  return TRUE;
}

static gboolean
parse_history (Parse        *parse,
               cbor_item_t  *record,
               GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  cbor_item_t *array = idw_cbor_require (record, "entries", CBOR_TYPE_ARRAY, "history", &local_error);

  if (array == NULL)
    {
      set_damaged (error, local_error->message);
      return FALSE;
    }
  for (gsize i = 0; i < cbor_array_size (array); i++)
    {
      /* cbor_array_get() gives a reference. */
      g_autoptr(cbor_item_t) item = cbor_array_get (array, i);
      g_autoptr(GBytes) bytes = NULL;
      IdwHistoryEntry *entry;

      if (parse->backup->history->len >= IDW_BACKUP_MAX_HISTORY)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                       _("The backup holds more than %d history entries."), IDW_BACKUP_MAX_HISTORY);
          return FALSE;
        }
      if (!cbor_isa_bytestring (item) || !cbor_bytestring_is_definite (item))
        {
          set_damaged (error, _("a history entry is not a byte string"));
          return FALSE;
        }
      bytes = idw_cbor_dup_bytes (item);
      entry = idw_history_entry_from_cbor (bytes, &local_error);
      if (entry == NULL)
        {
          set_damaged (error, local_error->message);
          return FALSE;
        }
      if (!g_hash_table_add (parse->history_ids, g_strdup (idw_history_entry_get_id (entry))))
        {
          g_object_unref (entry);
          set_damaged (error, _("two history entries have the same id"));
          return FALSE;
        }
      g_ptr_array_add (parse->backup->history, entry);
    }
  return TRUE;
}

static gboolean
parse_settings (Parse        *parse,
                cbor_item_t  *record,
                GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  cbor_item_t *map;
  GVariant *settings;

  if (parse->backup->has_settings)
    {
      set_damaged (error, _("it holds the settings twice"));
      return FALSE;
    }
  map = idw_cbor_require (record, "values", CBOR_TYPE_MAP, "settings", &local_error);
  if (map == NULL)
    {
      set_damaged (error, local_error->message);
      return FALSE;
    }
  settings = _idw_backup_settings_from_cbor (map, &local_error);
  if (settings == NULL)
    {
      if (g_error_matches (local_error, IDW_ERROR, IDW_ERROR_LIMIT))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        set_damaged (error, local_error->message);
      return FALSE;
    }
  g_clear_pointer (&parse->backup->settings, g_variant_unref);
  parse->backup->settings = settings;
  parse->backup->has_settings = TRUE;
  return TRUE;
}

static gboolean
parse_end (Parse        *parse,
           cbor_item_t  *record,
           GError      **error)
{
  IdwBackup *backup = parse->backup;
  guint n_history = backup->history->len;

  return check_count (record, "credentials", backup->credentials->len, error)
         && check_count (record, "anchors", backup->anchors->len, error)
         && check_count (record, "lists", backup->list_copies->len, error)
         && check_count (record, "history", n_history, error)
         && check_count (record, "settings", backup->has_settings ? 1 : 0, error);
}

/* One record: decoded, its type checked against where it stands. */
static gboolean
parse_record (Parse    *parse,
              GBytes   *plaintext,
              gboolean  final,
              GError  **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(cbor_item_t) record = NULL;
  g_autofree char *type = NULL;
  cbor_item_t *type_item;
  gboolean ok;

  record = idw_cbor_decode_bytes (plaintext, &local_error);
  if (record == NULL)
    {
      set_damaged (error, local_error->message);
      return FALSE;
    }
  type_item = idw_cbor_map_get (record, "type");
  type = type_item != NULL ? idw_cbor_dup_string (type_item) : NULL;
  if (type == NULL)
    {
      set_damaged (error, _("a part of it has no type"));
      return FALSE;
    }

  if (parse->n_records++ == 0 && !g_str_equal (type, RECORD_MANIFEST))
    {
      set_damaged (error, _("it does not start with its manifest"));
      return FALSE;
    }
  if (final != g_str_equal (type, RECORD_END))
    {
      set_damaged (error, _("its end is out of place"));
      return FALSE;
    }

  if (g_str_equal (type, RECORD_MANIFEST))
    {
      if (parse->n_records > 1)
        {
          set_damaged (error, _("it has two manifests"));
          return FALSE;
        }
      ok = parse_manifest (parse, record, error);
    }
  else if (g_str_equal (type, RECORD_CREDENTIAL))
    ok = parse_credential (parse, record, error);
  else if (g_str_equal (type, RECORD_ANCHOR))
    ok = parse_anchor (parse, record, error);
  else if (g_str_equal (type, RECORD_LIST))
    ok = parse_list (parse, record, error);
  else if (g_str_equal (type, RECORD_HISTORY))
    ok = parse_history (parse, record, error);
  else if (g_str_equal (type, RECORD_SETTINGS))
    ok = parse_settings (parse, record, error);
  else if (g_str_equal (type, RECORD_END))
    ok = parse_end (parse, record, error);
  else
    ok = TRUE;  /* a later version's record: readers skip what they do not know */

  /* The record of a credential carries its device key's secret. */
  wipe_bytestring (idw_cbor_map_get (record, "deviceKey"));
  return ok;
}

/* The backup of @records, the plaintexts of a backup's messages in order
 * (the last one the stream's final message), checked as
 * idw_backup_open_sync() checks them once decrypted. For the fuzzer: the
 * records are what an attacker who knows the passphrase controls. */
IdwBackup *
_idw_backup_parse_records (GBytes * const  *records,
                           guint            n_records,
                           GError         **error)
{
  g_autoptr(IdwBackup) backup = g_object_new (IDW_TYPE_BACKUP, NULL);
  g_autoptr(GHashTable) history_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) providers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Parse parse = { backup, history_ids, providers, 0, FALSE };

  if (n_records == 0)
    {
      set_damaged (error, _("it does not start with its manifest"));
      return NULL;
    }
  for (guint i = 0; i < n_records; i++)
    if (!parse_record (&parse, records[i], i + 1 == n_records, error))
      return NULL;

  if (backup->settings == NULL)
    backup->settings = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));
  return g_steal_pointer (&backup);
}

static IdwBackup *
read_backup (GInputStream   *in,
             IdwPassphrase  *passphrase,
             GCancellable   *cancellable,
             GError        **error)
{
  g_autoptr(IdwBackupReader) reader = NULL;
  g_autoptr(IdwBackup) backup = g_object_new (IDW_TYPE_BACKUP, NULL);
  g_autoptr(GHashTable) history_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) providers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Parse parse = { backup, history_ids, providers, 0, FALSE };
  gboolean final = FALSE;

  reader = _idw_backup_reader_new (in, passphrase, cancellable, error);
  if (reader == NULL)
    return NULL;

  while (!final)
    {
      g_autoptr(GBytes) plaintext = _idw_backup_reader_next (reader, &final, cancellable, error);

      if (plaintext == NULL || !parse_record (&parse, plaintext, final, error))
        return NULL;
    }

  if (backup->settings == NULL)
    backup->settings = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));
  return g_steal_pointer (&backup);
}

/**
 * idw_backup_open_bytes:
 * @data: a backup's bytes
 * @passphrase: its passphrase
 * @error: return location for a #GError
 *
 * idw_backup_open_sync() on bytes in memory.
 *
 * Returns: (transfer full): the backup, or %NULL with the errors of
 *   idw_backup_open_sync().
 */
IdwBackup *
idw_backup_open_bytes (GBytes         *data,
                       IdwPassphrase  *passphrase,
                       GError        **error)
{
  g_autoptr(GInputStream) in = NULL;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (passphrase != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_bytes_get_size (data) > IDW_BACKUP_MAX_SIZE)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The backup is larger than %d MiB, more than any wallet’s backup can be."),
                   IDW_BACKUP_MAX_SIZE / (1024 * 1024));
      return NULL;
    }
  in = g_memory_input_stream_new_from_bytes (data);
  return read_backup (in, passphrase, NULL, error);
}

/**
 * idw_backup_open_sync:
 * @path: a backup file
 * @passphrase: its passphrase
 * @cancellable: (nullable): a #GCancellable
 * @error: return location for a #GError
 *
 * Reads, decrypts and checks the whole backup: every credential parses
 * and its issuer's signature verifies, every device key belongs to its
 * credential, every certificate, list, history entry and setting is well
 * formed and within the limits. Nothing is changed anywhere.
 *
 * Returns: (transfer full): the backup, or %NULL with
 *   IDW_ERROR_BACKUP_PASSPHRASE (a wrong passphrase, or a header altered
 *   so that none opens it), IDW_ERROR_BACKUP_DAMAGED (not a backup,
 *   truncated, altered, reordered, bytes after its end, parameters out of
 *   bounds, a record that does not check), IDW_ERROR_UNSUPPORTED (a newer
 *   format), IDW_ERROR_LIMIT, IDW_ERROR_NOT_FOUND (no such file),
 *   IDW_ERROR_IO, IDW_ERROR_FAILED (no memory for Argon2id) or
 *   G_IO_ERROR_CANCELLED.
 */
IdwBackup *
idw_backup_open_sync (const char     *path,
                      IdwPassphrase  *passphrase,
                      GCancellable   *cancellable,
                      GError        **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (passphrase != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  file = g_file_new_for_path (path);
  name = g_path_get_basename (path);
  in = g_file_read (file, cancellable, &local_error);
  if (in != NULL)
    info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, &local_error);
  if (info == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND, _("“%s” does not exist."), name);
      else
        g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                     _("Could not read “%s”: %s"), name, local_error->message);
      return NULL;
    }
  /* Refused before the key derivation, not after. */
  if (g_file_info_get_size (info) > IDW_BACKUP_MAX_SIZE)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The backup is larger than %d MiB, more than any wallet’s backup can be."),
                   IDW_BACKUP_MAX_SIZE / (1024 * 1024));
      return NULL;
    }

  return read_backup (G_INPUT_STREAM (in), passphrase, cancellable, error);
}
