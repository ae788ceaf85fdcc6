/* idw-backup.h: the whole wallet in one file, encrypted with a passphrase
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A backup holds the holder's credentials with the device keys that can
 * leave this computer (software Ed25519 and P-256 keys; TPM-bound keys
 * cannot, and their credentials come back marked "Re-issue needed on this
 * device"), the trust anchors added one by one, the imported trust lists,
 * the history and the settings (but the window's size). It is encrypted
 * with a key derived from a passphrase by Argon2id and written as a
 * libsodium secretstream (XChaCha20-Poly1305) whose every message
 * authenticates the header: docs/formats.md §12 has the format byte by
 * byte, and what restoring does.
 *
 * Opening decrypts and checks all of a backup before anything is touched;
 * restoring is all or nothing, also when the process is killed halfway:
 * what is restored is staged beside the wallet's folder and swapped in in
 * one step (idw-backup-restore.c).
 *
 * The *_sync functions block, on the key derivation (about a second, and
 * 256 MiB of memory, by design), on files and on the keyring: the app
 * calls the asynchronous variants, which run them in a worker thread.
 */
#pragma once

#include <gio/gio.h>

#include "idw-credential.h"
#include "idw-error.h"
#include "idw-keystore.h"
#include "idw-trust-origin.h"

G_BEGIN_DECLS

#define IDW_BACKUP_FILE_SUFFIX     ".idwbackup"

/* Limits (each refused with IDW_ERROR_LIMIT, and each has a test). */
#define IDW_BACKUP_MAX_SIZE        (128 * 1024 * 1024)  /* a whole backup file */
#define IDW_BACKUP_MAX_RECORD      (IDW_MAX_INPUT_FILE + 64 * 1024)  /* one message's plaintext */
#define IDW_BACKUP_MAX_CREDENTIALS 1000
#define IDW_BACKUP_MAX_ANCHORS     1024
#define IDW_BACKUP_MAX_CERTIFICATE (64 * 1024)          /* one anchor or listed IACA, DER */
#define IDW_BACKUP_MAX_LISTS       64
#define IDW_BACKUP_MAX_HISTORY     10000                /* = IDW_HISTORY_MAX_ENTRIES */
#define IDW_BACKUP_MAX_SETTINGS    64
#define IDW_BACKUP_MAX_SETTING_TEXT 4096                /* a string setting, bytes */
#define IDW_BACKUP_MAX_PASSPHRASE  1024                 /* bytes of UTF-8 */

/* The Argon2id parameters a reader accepts: a file asking for more (or
 * less) is refused before any key is derived, so that a hostile file can
 * neither make us allocate gigabytes nor spin for minutes. Backups are
 * written with libsodium's MODERATE limits (3 passes, 256 MiB). */
#define IDW_BACKUP_OPSLIMIT_MIN    1
#define IDW_BACKUP_OPSLIMIT_MAX    10
#define IDW_BACKUP_MEMLIMIT_MIN    (8 * 1024 * 1024)
#define IDW_BACKUP_MEMLIMIT_MAX    (1024 * 1024 * 1024)

/* ---- The passphrase ------------------------------------------------- */

/**
 * IdwPassphrase:
 *
 * A backup's passphrase, in libsodium guarded memory (wiped and freed by
 * idw_passphrase_free()), normalised to Unicode NFC so that the same
 * words typed on another system open the backup.
 */
typedef struct _IdwPassphrase IdwPassphrase;

IdwPassphrase *idw_passphrase_new          (const char     *text,
                                            gssize          len,
                                            GError        **error);
gboolean       idw_passphrase_equal        (IdwPassphrase  *a,
                                            IdwPassphrase  *b);
void           idw_passphrase_free         (IdwPassphrase  *passphrase);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwPassphrase, idw_passphrase_free)

/* ---- Where a backup comes from and goes to -------------------------- */

/**
 * IdwBackupKeyKind:
 * @IDW_BACKUP_KEY_NONE: the keyring holds no device key for the credential
 * @IDW_BACKUP_KEY_SOFTWARE: a software key: it is in the backup
 * @IDW_BACKUP_KEY_HARDWARE: a key that cannot leave its hardware (a TPM):
 *   not in the backup; the credential must be issued again to a new device
 */
typedef enum
{
  IDW_BACKUP_KEY_NONE,
  IDW_BACKUP_KEY_SOFTWARE,
  IDW_BACKUP_KEY_HARDWARE,
} IdwBackupKeyKind;

/**
 * IdwBackupKeyring:
 * @get_wallet_key: the wallet key, made on first use (as
 *   idw_keystore_get_wallet_key_sync())
 * @find_device_key: what the keyring holds for @fingerprint: sets
 *   @out_kind, and @out_key to a software key with its private part or to
 *   a hardware key that can sign on this computer (NULL for a hardware key
 *   of another computer); %FALSE only when the keyring failed
 * @store_device_key: stores a software key (as
 *   idw_keystore_store_device_key_sync())
 * @user_data: passed to each
 *
 * Where a backup finds device keys and the wallet key, and where a
 * restore puts them. idw_backup_keyring_get_default() is the Secret
 * Service; the engine's tests use one in memory.
 */
typedef struct
{
  IdwWalletKey *(*get_wallet_key)   (gpointer           user_data,
                                     GCancellable      *cancellable,
                                     GError           **error);
  gboolean      (*find_device_key)  (const char        *fingerprint,
                                     IdwBackupKeyKind  *out_kind,
                                     IdwKey           **out_key,
                                     gpointer           user_data,
                                     GCancellable      *cancellable,
                                     GError           **error);
  gboolean      (*store_device_key) (IdwKey            *key,
                                     const char        *name,
                                     gpointer           user_data,
                                     GCancellable      *cancellable,
                                     GError           **error);
  gpointer        user_data;
} IdwBackupKeyring;

const IdwBackupKeyring *idw_backup_keyring_get_default (void);

/**
 * IdwBackupWallet:
 * @data_directory: (nullable): the wallet's folder, `$XDG_DATA_HOME/id-wallet`
 *   when %NULL; credentials/, trust/ and history/ are under it
 * @keyring: (nullable): the keyring, the Secret Service when %NULL
 * @settings: (nullable): the settings (schema io.github.idwallet.IdWallet);
 *   when %NULL, that schema is looked up and the settings are left out
 *   when it is not installed (the CLI run from a build folder)
 *
 * The wallet a backup is made from or restored into. The caller keeps
 * what it points to alive during the call.
 */
typedef struct
{
  const char             *data_directory;
  const IdwBackupKeyring *keyring;
  GSettings              *settings;
} IdwBackupWallet;

/* `$XDG_DATA_HOME/id-wallet` (transfer full). */
char            *idw_backup_get_default_data_directory (void);

/* ---- Making a backup ------------------------------------------------ */

/**
 * IdwBackupSummary:
 * @credentials: credentials written
 * @keys_included: of those, with their device key
 * @keys_hardware: of those, whose key stayed in its hardware (a TPM)
 * @damaged: credential files that could not be read, left out
 * @anchors: anchors added one by one
 * @lists: imported trust lists
 * @history: history entries
 * @history_damaged: the history could not be read and was left out
 * @settings: settings
 * @settings_missing: the settings' schema is not installed here (the CLI
 *   run from a build folder): the backup holds no settings
 *
 * What idw_backup_create_sync() wrote.
 */
typedef struct
{
  guint    credentials;
  guint    keys_included;
  guint    keys_hardware;
  guint    damaged;
  guint    anchors;
  guint    lists;
  guint    history;
  gboolean history_damaged;
  guint    settings;
  gboolean settings_missing;
} IdwBackupSummary;

gboolean         idw_backup_create_sync      (const IdwBackupWallet  *wallet,
                                              const char             *path,
                                              IdwPassphrase          *passphrase,
                                              IdwBackupSummary       *out_summary,
                                              GCancellable           *cancellable,
                                              GError                **error);
void             idw_backup_create           (const IdwBackupWallet  *wallet,
                                              const char             *path,
                                              IdwPassphrase          *passphrase,
                                              GCancellable           *cancellable,
                                              GAsyncReadyCallback     callback,
                                              gpointer                user_data);
gboolean         idw_backup_create_finish    (GAsyncResult           *result,
                                              IdwBackupSummary       *out_summary,
                                              GError                **error);

/* ---- Opening a backup ----------------------------------------------- */

/**
 * IdwBackupCredential:
 * @id: its id in the wallet it came from
 * @nickname: (nullable): the name the holder gave it
 * @imported: when it was added to that wallet
 * @credential: the credential, holding its private key when @key_kind is
 *   %IDW_BACKUP_KEY_SOFTWARE
 * @key_kind: what became of its device key
 *
 * One credential of an opened backup.
 */
typedef struct
{
  char             *id;
  char             *nickname;
  GDateTime        *imported;
  IdwCredential    *credential;
  IdwBackupKeyKind  key_kind;
} IdwBackupCredential;

/* The name a person knows it by: its nickname, or "document type, holder"
 * (transfer full). */
char            *idw_backup_credential_dup_name (IdwBackupCredential *self);

#define IDW_TYPE_BACKUP (idw_backup_get_type ())
G_DECLARE_FINAL_TYPE (IdwBackup, idw_backup, IDW, BACKUP, GObject)

IdwBackup       *idw_backup_open_sync        (const char             *path,
                                              IdwPassphrase          *passphrase,
                                              GCancellable           *cancellable,
                                              GError                **error);
IdwBackup       *idw_backup_open_bytes       (GBytes                 *data,
                                              IdwPassphrase          *passphrase,
                                              GError                **error);
void             idw_backup_open             (const char             *path,
                                              IdwPassphrase          *passphrase,
                                              GCancellable           *cancellable,
                                              GAsyncReadyCallback     callback,
                                              gpointer                user_data);
IdwBackup       *idw_backup_open_finish      (GAsyncResult           *result,
                                              GError                **error);

/* When the backup was made (UTC; transfer none). */
GDateTime       *idw_backup_get_created      (IdwBackup              *self);
/* (element-type IdwBackupCredential) (transfer none) */
GPtrArray       *idw_backup_get_credentials  (IdwBackup              *self);
/* Anchors added one by one (element-type IdwCertificate) (transfer none). */
GPtrArray       *idw_backup_get_anchors      (IdwBackup              *self);
/* The imported trust lists (element-type IdwTrustOrigin) (transfer none). */
GPtrArray       *idw_backup_get_lists        (IdwBackup              *self);
/* How many history entries it holds. */
guint            idw_backup_get_n_history    (IdwBackup              *self);
/* The settings, a{sv} (transfer none; never NULL, maybe empty). */
GVariant        *idw_backup_get_settings     (IdwBackup              *self);

/* ---- Restoring ------------------------------------------------------ */

/**
 * IdwBackupItem:
 * @id: the credential's id in the wallet restored into
 * @name: its name (idw_backup_credential_dup_name())
 *
 * One credential a restore dealt with.
 */
typedef struct
{
  char *id;
  char *name;
} IdwBackupItem;

/**
 * IdwBackupReport:
 * @restored: (element-type IdwBackupItem): credentials added, with their
 *   device keys
 * @reissue: (element-type IdwBackupItem): credentials added without a
 *   device key that can sign here ("Re-issue needed on this device")
 * @skipped: (element-type IdwBackupItem): credentials the wallet held
 *   already (the id is the one it held them under); left as they were
 * @anchors_added: anchors the trust store did not hold
 * @anchors_present: anchors it held already
 * @lists_restored: trust lists restored (new, or newer than the one held)
 * @lists_kept: trust lists left alone: the store holds the same or a newer
 *   one
 * @history_added: history entries the wallet did not hold
 * @settings_restored: settings set
 * @settings_skipped: settings this version does not know or that are out
 *   of range
 * @settings_pending: the settings schema is not installed here: the
 *   settings are applied when ID Wallet next starts
 *
 * What idw_backup_restore_sync() did.
 */
typedef struct
{
  GPtrArray *restored;
  GPtrArray *reissue;
  GPtrArray *skipped;
  guint      anchors_added;
  guint      anchors_present;
  guint      lists_restored;
  guint      lists_kept;
  guint      history_added;
  guint      settings_restored;
  guint      settings_skipped;
  gboolean   settings_pending;
} IdwBackupReport;

void             idw_backup_report_free      (IdwBackupReport        *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwBackupReport, idw_backup_report_free)

IdwBackupReport *idw_backup_restore_sync     (IdwBackup              *self,
                                              const IdwBackupWallet  *wallet,
                                              GCancellable           *cancellable,
                                              GError                **error);
void             idw_backup_restore          (IdwBackup              *self,
                                              const IdwBackupWallet  *wallet,
                                              GCancellable           *cancellable,
                                              GAsyncReadyCallback     callback,
                                              gpointer                user_data);
IdwBackupReport *idw_backup_restore_finish   (IdwBackup              *self,
                                              GAsyncResult           *result,
                                              GError                **error);

/* Finishes or undoes a restore that a crash or a kill interrupted, and
 * applies settings a restore left for when their schema is installed:
 * the app calls it as it starts, the CLI before it opens the wallet. */
gboolean         idw_backup_recover_sync     (const IdwBackupWallet  *wallet,
                                              GError                **error);

G_END_DECLS
