/* idw-store-private.h: the credential store's record format, for the fuzzer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Not part of the engine's API: tests/fuzz and the store's tests reach the
 * decoders of a store file through these, without a keyring or a folder.
 */
#pragma once

#include <glib.h>

#include "idw-credential.h"
#include "idw-keystore.h"

G_BEGIN_DECLS

/* The plaintext of the store file @file for @id (32 lowercase hex digits),
 * or NULL with IDW_ERROR_MALFORMED (not a store file, truncated),
 * IDW_ERROR_UNSUPPORTED (a newer format) or IDW_ERROR_BAD_SIGNATURE (does
 * not decrypt). The caller wipes the plaintext. */
GBytes   *_idw_store_record_decrypt (IdwWalletKey   *wallet_key,
                                     const char     *id,
                                     GBytes         *file,
                                     GError        **error);
/* The record CBOR of a decrypted file: its credential, import time and
 * nickname (optional outs), or FALSE with the errors a damaged entry
 * gets. */
gboolean  _idw_store_record_decode  (const char     *id,
                                     GBytes         *plaintext,
                                     IdwCredential **out_credential,
                                     GDateTime     **out_imported,
                                     char          **out_nickname,
                                     GError        **error);

G_END_DECLS
