/* idw-keystore.h: device keys and the wallet key in the Secret Service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Items use the libsecret schema "io.github.idwallet.IdWallet.Key" with the
 * attributes `kind` ("device-key" or "wallet-key") and, for device keys,
 * `fingerprint` (lowercase hex SHA-256 of the public key) and `curve`
 * ("Ed25519" or "P-256"; items from before it are Ed25519). Secrets are
 * stored as text: the base64 of the 32-byte Ed25519 seed, P-256 private
 * scalar (big-endian) or wallet key.
 *
 * Every call talks to the Secret Service over D-Bus and may show an unlock
 * prompt: the *_sync functions are for the CLI, the tests and worker
 * threads; the UI uses the asynchronous variants.
 *
 * Errors common to all calls: IDW_ERROR_KEYRING, with a message that says
 * how to fix it, when the Secret Service is missing, unreachable, locked,
 * refuses, or the user dismissed the unlock prompt; G_IO_ERROR_CANCELLED
 * when @cancellable was cancelled.
 */
#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

#include "idw-cose.h"

G_BEGIN_DECLS

#define IDW_KEYSTORE_SCHEMA_NAME  "io.github.idwallet.IdWallet.Key"
#define IDW_KEYSTORE_KIND_DEVICE  "device-key"
#define IDW_KEYSTORE_KIND_WALLET  "wallet-key"
#define IDW_WALLET_KEY_LEN        32

const SecretSchema *idw_keystore_get_schema (void);

/**
 * IdwWalletKey:
 *
 * The random 32-byte key that encrypts the credential store. Its bytes live
 * in libsodium guarded memory and are wiped when the last reference goes.
 */
typedef struct _IdwWalletKey IdwWalletKey;

IdwWalletKey *idw_wallet_key_new_random    (void);
IdwWalletKey *idw_wallet_key_new_from_data (const guint8  *data,
                                            gsize          len,
                                            GError       **error);
IdwWalletKey *idw_wallet_key_ref           (IdwWalletKey  *key);
void          idw_wallet_key_unref         (IdwWalletKey  *key);
/* The IDW_WALLET_KEY_LEN key bytes (borrowed; valid while @key lives). */
const guint8 *idw_wallet_key_get_data      (IdwWalletKey  *key);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwWalletKey, idw_wallet_key_unref)

/* ---- Device keys ---------------------------------------------------- */

/* A new device key for @alg (EdDSA or ES256) in the keyring. */
IdwKey       *idw_keystore_create_device_key_for_alg_sync (gint64          alg,
                                                           const char     *name,
                                                           GCancellable   *cancellable,
                                                           GError        **error);
/* The same for EdDSA, the default for software keys. */
IdwKey       *idw_keystore_create_device_key_sync    (const char           *name,
                                                      GCancellable         *cancellable,
                                                      GError              **error);
void          idw_keystore_create_device_key         (const char           *name,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
IdwKey       *idw_keystore_create_device_key_finish  (GAsyncResult         *result,
                                                      GError              **error);

gboolean      idw_keystore_store_device_key_sync     (IdwKey               *key,
                                                      const char           *name,
                                                      GCancellable         *cancellable,
                                                      GError              **error);
void          idw_keystore_store_device_key          (IdwKey               *key,
                                                      const char           *name,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean      idw_keystore_store_device_key_finish   (GAsyncResult         *result,
                                                      GError              **error);

IdwKey       *idw_keystore_lookup_device_key_sync    (const char           *fingerprint,
                                                      GCancellable         *cancellable,
                                                      GError              **error);
void          idw_keystore_lookup_device_key         (const char           *fingerprint,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
IdwKey       *idw_keystore_lookup_device_key_finish  (GAsyncResult         *result,
                                                      GError              **error);
/* The private key for @public_key (for example a credential's MSO device
 * key); the same errors as idw_keystore_lookup_device_key_sync(). */
IdwKey       *idw_keystore_find_private_key_sync     (IdwKey               *public_key,
                                                      GCancellable         *cancellable,
                                                      GError              **error);

gboolean      idw_keystore_delete_device_key_sync    (const char           *fingerprint,
                                                      GCancellable         *cancellable,
                                                      GError              **error);
void          idw_keystore_delete_device_key         (const char           *fingerprint,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean      idw_keystore_delete_device_key_finish  (GAsyncResult         *result,
                                                      GError              **error);

/* ---- The wallet key ------------------------------------------------- */

IdwWalletKey *idw_keystore_get_wallet_key_sync       (GCancellable         *cancellable,
                                                      GError              **error);
void          idw_keystore_get_wallet_key            (GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
IdwWalletKey *idw_keystore_get_wallet_key_finish     (GAsyncResult         *result,
                                                      GError              **error);

G_END_DECLS

/* ---- Device keys in the TPM (idw-keystore-tpm.c) -------------------- */

/* The item of a TPM-bound device key: its own `kind`, so that a build
 * without TPM support never reads its secret (the wrapped key, idw-tpm.h,
 * as base64) as a software key's seed. */
#define IDW_KEYSTORE_KIND_DEVICE_TPM "device-key-tpm"

IdwKey       *idw_keystore_create_tpm_device_key_sync (const char      *name,
                                                       GCancellable    *cancellable,
                                                       GError         **error);
gboolean      idw_keystore_store_tpm_device_key_sync  (IdwKey          *key,
                                                       const char      *name,
                                                       GCancellable    *cancellable,
                                                       GError         **error);
IdwKey       *idw_keystore_lookup_tpm_device_key_sync (const char      *fingerprint,
                                                       GCancellable    *cancellable,
                                                       GError         **error);
gboolean      idw_keystore_delete_tpm_device_key_sync (const char      *fingerprint,
                                                       GCancellable    *cancellable,
                                                       GError         **error);
