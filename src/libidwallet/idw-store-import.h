/* idw-store-import.h: the rules for adding a credential file to the wallet
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The app (file chooser, drop, command line) and `id-wallet-cli import`
 * import through these, in this order: does it look like a credential at
 * all, does it parse, does the issuer's signature verify, is it already in
 * the wallet; then it is added, and a device private key the file carries
 * goes into the keyring and nowhere else (idw_store_add_sync()).
 *
 * Each refusal has its own code, so that callers only choose the words:
 *
 *   IDW_ERROR_LIMIT          more than IDW_MAX_INPUT_FILE bytes
 *   IDW_ERROR_WRONG_TYPE     not a credential at all (not a CBOR map with
 *                            issuerSigned, issuerAuth or documents)
 *   IDW_ERROR_MALFORMED      a credential that does not parse or check
 *                            (structure, digests, certificate); the message
 *                            is the parser's, naming structure and field
 *   IDW_ERROR_BAD_SIGNATURE  the issuer's signature does not verify; the
 *                            message says why
 *   IDW_ERROR_DUPLICATE      already in the wallet (the entry is returned
 *                            through @out_duplicate)
 *   IDW_ERROR_KEYRING        the keyring is missing, locked or refused
 *   IDW_ERROR_IO             the store's folder cannot be written
 *
 * and G_IO_ERROR_CANCELLED.
 */
#pragma once

#include <gio/gio.h>

#include "idw-credential.h"
#include "idw-store.h"

G_BEGIN_DECLS

/* The checks that need no store: size, shape, parsing, the issuer's
 * signature. Returns the credential, still holding the private key the
 * data carried, if any. */
IdwCredential  *idw_store_import_check           (GBytes               *data,
                                                  GError              **error);

/* Adds a credential that passed idw_store_import_check(). */
IdwStoreEntry  *idw_store_import_credential_sync (IdwStore             *self,
                                                  IdwCredential        *credential,
                                                  const char           *nickname,
                                                  IdwStoreEntry       **out_duplicate,
                                                  GCancellable         *cancellable,
                                                  GError              **error);

/* Both: the whole import of a credential file's contents. */
IdwStoreEntry  *idw_store_import_sync            (IdwStore             *self,
                                                  GBytes               *data,
                                                  const char           *nickname,
                                                  IdwStoreEntry       **out_duplicate,
                                                  GCancellable         *cancellable,
                                                  GError              **error);
void            idw_store_import_async           (IdwStore             *self,
                                                  GBytes               *data,
                                                  const char           *nickname,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
IdwStoreEntry  *idw_store_import_finish          (IdwStore             *self,
                                                  GAsyncResult         *result,
                                                  IdwStoreEntry       **out_duplicate,
                                                  GError              **error);

G_END_DECLS
