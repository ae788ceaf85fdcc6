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
 * Every call gives up after a bounded time (IDW_TPM_TIMEOUT_MS, default
 * %IDW_TPM_DEFAULT_TIMEOUT_MS milliseconds, from the environment) when the
 * TPM, or something that accepted the connection in its place, does not
 * answer: IDW_ERROR_NO_TPM naming the TCTI.
 *
 * Errors: IDW_ERROR_NO_TPM when this build has no TPM support, no TPM can
 * be opened or it does not answer in time; IDW_ERROR_WRONG_TPM when a wrapped key was made by another
 * TPM; IDW_ERROR_MALFORMED or IDW_ERROR_LIMIT for a damaged blob;
 * IDW_ERROR_FAILED when the TPM refuses a command.
 */
#pragma once

#include <glib.h>

#include "idw-key.h"
#include "idw-tpm-attest.h"

G_BEGIN_DECLS

/* The first byte of a wrapped blob. */
#define IDW_TPM_BLOB_VERSION 1
/* No wrapped blob is longer (the version byte, a TPM2B_PUBLIC and a
 * TPM2B_PRIVATE of a P-256 key take 219 bytes). */
#define IDW_TPM_BLOB_MAX     1024
/* How long one operation (opening the TPM included) may take. */
#define IDW_TPM_DEFAULT_TIMEOUT_MS (30 * 1000)
/* The NV indices of EK certificates (TCG EK Credential Profile §2.2.1.5),
 * in the order they are looked for: RSA 2048, ECC P-256, RSA 3072 and
 * ECC P-384 (the high range). */
#define IDW_TPM_NV_EK_CERT_RSA2048  0x01c00002
#define IDW_TPM_NV_EK_CERT_P256     0x01c0000a
#define IDW_TPM_NV_EK_CERT_RSA3072  0x01c0001c
#define IDW_TPM_NV_EK_CERT_P384     0x01c00016

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
IdwTpmCertification *idw_tpm_certify_key (IdwKey        *key,
                                          const guint8  *qualifying_data,
                                          gsize          len,
                                          GError       **error);

G_END_DECLS
