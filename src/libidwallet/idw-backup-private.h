/* idw-backup-private.h: what the backup's files share: the encrypted
 * container (idw-backup-format.c), the records in it and the opened
 * backup (idw-backup.c), the restore (idw-backup-restore.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not part of the engine's API: the tests write hostile but correctly
 * encrypted backups through the writer, and fuzz the reader.
 */
#pragma once

#include <gio/gio.h>

#include "idw-backup.h"
#include "idw-cbor.h"

G_BEGIN_DECLS

/* ---- The container (idw-backup-format.c, docs/formats.md §12.1) ------ */

#define IDW_BACKUP_MAGIC          "IDWBACK"
#define IDW_BACKUP_MAGIC_LEN      7
#define IDW_BACKUP_FORMAT_VERSION 1
#define IDW_BACKUP_KDF_ARGON2ID13 2     /* libsodium's crypto_pwhash_ALG_ARGON2ID13 */
#define IDW_BACKUP_SALT_LEN       16
#define IDW_BACKUP_STREAM_HEADER_LEN 24
#define IDW_BACKUP_MAC_LEN        32
/* magic, version, KDF, opslimit, memlimit (KiB), salt, stream header, MAC */
#define IDW_BACKUP_HEADER_LEN     (IDW_BACKUP_MAGIC_LEN + 1 + 1 + 4 + 4 + IDW_BACKUP_SALT_LEN \
                                   + IDW_BACKUP_STREAM_HEADER_LEN + IDW_BACKUP_MAC_LEN)
#define IDW_BACKUP_ABYTES         17    /* crypto_secretstream_xchacha20poly1305_ABYTES */

/* Writes @len bytes; FALSE with @error set when it cannot. */
typedef gboolean (*IdwBackupWriteFunc) (const guint8  *data,
                                        gsize          len,
                                        gpointer       user_data,
                                        GError       **error);

typedef struct _IdwBackupWriter IdwBackupWriter;
typedef struct _IdwBackupReader IdwBackupReader;

/* The Argon2id parameters backups are written with: libsodium's MODERATE
 * limits; or, when the environment has IDW_BACKUP_TEST_KDF=fast (a
 * test-only setting, documented in docs/formats.md), the smallest a
 * reader accepts, so that tests stay quick. */
void             _idw_backup_kdf_defaults  (guint32          *out_opslimit,
                                            guint32          *out_memlimit_kib);

/* Derives the keys and writes the header. Errors: IDW_ERROR_FAILED (out
 * of memory for Argon2id), the write function's. */
IdwBackupWriter *_idw_backup_writer_new    (IdwPassphrase    *passphrase,
                                            guint32           opslimit,
                                            guint32           memlimit_kib,
                                            IdwBackupWriteFunc write,
                                            gpointer          user_data,
                                            GError          **error);
/* Encrypts and writes one message: @plaintext with the final tag when
 * @final. Refuses nothing: the tests write oversized ones on purpose. */
gboolean         _idw_backup_writer_add    (IdwBackupWriter  *self,
                                            const guint8     *plaintext,
                                            gsize             len,
                                            gboolean          final,
                                            GError          **error);
void             _idw_backup_writer_free   (IdwBackupWriter  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwBackupWriter, _idw_backup_writer_free)

/* Reads and checks the header, derives the keys, checks the header's MAC.
 * Errors: IDW_ERROR_BACKUP_DAMAGED (not a backup, truncated, KDF
 * parameters out of bounds), IDW_ERROR_UNSUPPORTED (a newer format),
 * IDW_ERROR_BACKUP_PASSPHRASE, IDW_ERROR_IO, IDW_ERROR_FAILED. */
IdwBackupReader *_idw_backup_reader_new    (GInputStream     *in,
                                            IdwPassphrase    *passphrase,
                                            GCancellable     *cancellable,
                                            GError          **error);
/* The next message's plaintext in guarded memory (free it with
 * _idw_backup_wipe_bytes()); @out_final says it was the last, after
 * which the input must end. Errors: IDW_ERROR_BACKUP_DAMAGED (truncated,
 * altered, reordered, trailing bytes), IDW_ERROR_LIMIT (a message or the
 * whole over its limit), IDW_ERROR_IO. */
GBytes          *_idw_backup_reader_next   (IdwBackupReader  *self,
                                            gboolean         *out_final,
                                            GCancellable     *cancellable,
                                            GError          **error);
void             _idw_backup_reader_free   (IdwBackupReader  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwBackupReader, _idw_backup_reader_free)

/* A copy in guarded memory, for a worker thread. */
IdwPassphrase   *_idw_passphrase_copy      (IdwPassphrase    *passphrase);
/* A GBytes over guarded memory (sodium_malloc), wiped when freed. */
GBytes          *_idw_backup_secure_bytes_new (gsize          len,
                                               guint8       **out_data);
/* Wipes a plaintext that is not in guarded memory and frees it. */
void             _idw_backup_wipe_bytes    (GBytes           *bytes);

/* ---- Records (idw-backup.c, docs/formats.md §12.2) -------------------- */

/* The wallet's folder: @wallet's, or the default (transfer full). */
char            *_idw_backup_wallet_directory (const IdwBackupWallet *wallet);
/* The backup of @records, a backup's decrypted messages in order, checked
 * as idw_backup_open_sync() checks them (for the fuzzer). */
IdwBackup       *_idw_backup_parse_records    (GBytes * const  *records,
                                               guint            n_records,
                                               GError         **error);

/* The app's settings when their schema is installed, else NULL. */
GSettings       *_idw_backup_lookup_settings  (void);
/* The settings a backup carries (idw-backup-settings.c): all of
 * @settings' keys but the window's, of the types a backup writes (a{sv}). */
GVariant        *_idw_backup_collect_settings (GSettings     *settings);
/* Settings (a{sv}: b, integers, s) as a CBOR map and back; reading checks
 * the limits (IDW_ERROR_LIMIT) and the types (IDW_ERROR_MALFORMED). */
cbor_item_t     *_idw_backup_settings_to_cbor   (GVariant     *settings);
GVariant        *_idw_backup_settings_from_cbor (cbor_item_t  *map,
                                                 GError      **error);
/* Sets those of @values that @settings has, of a fitting type and in
 * range (never the window's size); counts the others as skipped. */
void             _idw_backup_apply_settings   (GSettings      *settings,
                                               GVariant       *values,
                                               guint          *out_restored,
                                               guint          *out_skipped);
/* A credential's name: @nickname, or "document type, holder". */
char            *_idw_backup_name_for         (IdwCredential  *credential,
                                               const char     *nickname);

/* Everything a restore needs, as opened. */
GPtrArray       *_idw_backup_get_list_copies (IdwBackup      *self);
GPtrArray       *_idw_backup_get_history     (IdwBackup      *self);

/* ---- Test hook (idw-backup-restore.c) ------------------------------- */

/* When the environment has IDW_BACKUP_TEST_KILL_AT=STEP (or STEP:N, the
 * N-th time, from 0), the restore kills its own process with SIGKILL just
 * before that step: tests/test-cli-backup.c checks that whatever instant
 * a restore dies at leaves the old wallet or the whole new one. */
void             _idw_backup_test_hook     (const char       *step,
                                            guint             n);

/* Tests: @func (@step, @n, @user_data) is called at each step the hook
 * above names, in the restoring thread (NULL to stop). */
typedef void   (*IdwBackupTestStepFunc)    (const char       *step,
                                            guint             n,
                                            gpointer          user_data);
void             _idw_backup_set_test_step (IdwBackupTestStepFunc func,
                                            gpointer          user_data);

G_END_DECLS
