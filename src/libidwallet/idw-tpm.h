/* idw-tpm.h: P-256 signing keys that never leave the computer's TPM 2.0
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A TPM-bound key is an IdwKey like any P-256 key (its public part verifies,
 * exports as a COSE_Key and has a fingerprint), but idw_key_sign() asks the
 * TPM to sign: the private scalar is made inside the TPM and only ever
 * leaves it encrypted under that TPM's storage key, in the "wrapped blob"
 * the wallet keeps (docs/formats.md §11).
 *
 * The TPM is reached through the TCTI named by the environment variable
 * IDW_TPM_TCTI ("device:/dev/tpmrm0", "swtpm:host=127.0.0.1,port=2321"),
 * otherwise through tpm2-tss's default (the resource manager, then
 * /dev/tpmrm0). Each call opens the TPM and closes it again, and blocks:
 * call from a worker thread in the UI.
 *
 * Errors: IDW_ERROR_NO_TPM when this build has no TPM support or no TPM can
 * be opened; IDW_ERROR_WRONG_TPM when a wrapped key was made by another
 * TPM; IDW_ERROR_MALFORMED or IDW_ERROR_LIMIT for a damaged blob;
 * IDW_ERROR_FAILED when the TPM refuses a command.
 */
#pragma once

#include <glib.h>

#include "idw-key.h"

G_BEGIN_DECLS

/* The first byte of a wrapped blob. */
#define IDW_TPM_BLOB_VERSION 1
/* No wrapped blob is longer (the version byte, a TPM2B_PUBLIC and a
 * TPM2B_PRIVATE of a P-256 key take 219 bytes). */
#define IDW_TPM_BLOB_MAX     1024

gboolean  idw_tpm_is_supported  (void);
gboolean  idw_tpm_probe         (GError        **error);
/* tpm2-tss writes its own warnings and errors to stderr ("WARNING:esys:…"),
 * which ID Wallet reports in words of its own: silenced unless TSS2_LOG
 * asks for them. Call at the start of main(), before any thread. */
void      idw_tpm_quiet_library_log (void);
IdwKey   *idw_tpm_create_key    (GBytes        **blob,
                                 GError        **error);
IdwKey   *idw_tpm_load_key      (const guint8   *blob,
                                 gsize           len,
                                 GError        **error);
GBytes   *idw_tpm_key_get_blob  (IdwKey         *key);

G_END_DECLS
