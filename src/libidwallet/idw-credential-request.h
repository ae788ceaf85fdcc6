/* idw-credential-request.h: the holder's credential request (DESIGN §3.2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   CredentialRequest = { "version": 1, "deviceKey": COSE_Key, "created": tdate,
 *                         "proof": COSE_Sign1, ? "tpm": TpmCertification }
 *
 * The device key is Ed25519 (COSE_Key OKP) or P-256 (EC2). The proof is a
 * COSE_Sign1 with the key's algorithm (EdDSA or ES256) and a detached
 * payload, made with the device key over the CBOR of
 *
 *   [ "IdWalletCredentialRequest", deviceKey, created ]
 *
 * so that an issuer knows the holder has the private key it binds the
 * credential to. As text: "IDWC1:" + Base45(zlib(CBOR)).
 *
 * A request for a TPM-bound key may carry the TPM's certification of it
 * (docs/formats.md §6 and §11.1), whose extraData is the SHA-256 of the
 * CBOR of [ "IdWalletTpmCertify", deviceKey, created ]: it cannot be moved
 * to another request. A reader checks its form when parsing and the
 * certification itself with idw_credential_request_verify_tpm().
 */
#pragma once

#include <glib.h>

#include "idw-cose.h"
#include "idw-tpm-attest.h"

G_BEGIN_DECLS

#define IDW_CREDENTIAL_REQUEST_VERSION     1
#define IDW_CREDENTIAL_REQUEST_CONTEXT     "IdWalletCredentialRequest"
#define IDW_CREDENTIAL_REQUEST_TPM_CONTEXT "IdWalletTpmCertify"
/* How far in the future "created" may lie (clock skew), in seconds. */
#define IDW_CREDENTIAL_REQUEST_MAX_FUTURE  (5 * 60)

/**
 * IdwCredentialRequest:
 *
 * A credential request: the holder's device public key, when the request
 * was made, and the proof that the holder holds the private key. A parsed
 * request has always had its proof verified.
 */
typedef struct _IdwCredentialRequest IdwCredentialRequest;

/* Whether a holder's device key may sign with @alg: EdDSA or ES256. */
gboolean              idw_credential_request_alg_is_supported (gint64                alg);

IdwCredentialRequest *idw_credential_request_new             (IdwKey                *device_key,
                                                              GDateTime             *created,
                                                              GError               **error);
/* The same for a TPM-bound key, with the TPM's certification of it:
 * IDW_ERROR_UNSUPPORTED for a key that is not TPM-bound, and the errors of
 * idw_tpm_certify_key(). */
IdwCredentialRequest *idw_credential_request_new_certified   (IdwKey                *device_key,
                                                              GDateTime             *created,
                                                              GError               **error);
void                  idw_credential_request_free            (IdwCredentialRequest  *request);

/* The request CBOR (transfer full): for a parsed request, the bytes as
 * received. */
GBytes               *idw_credential_request_to_bytes        (IdwCredentialRequest  *request);
/* "IDWC1:" + Base45(zlib(CBOR)) (transfer full). */
char                 *idw_credential_request_to_text         (IdwCredentialRequest  *request);

IdwCredentialRequest *idw_credential_request_parse           (GBytes                *cbor,
                                                              GDateTime             *now,
                                                              GError               **error);
/* From "IDWC1:" text (white space and line breaks allowed): the errors of
 * idw_transport_unwrap() (IDW_ERROR_WRONG_PREFIX, IDW_ERROR_LIMIT,
 * IDW_ERROR_MALFORMED) and of idw_credential_request_parse(). */
IdwCredentialRequest *idw_credential_request_parse_text      (const char            *text,
                                                              GDateTime             *now,
                                                              GError               **error);
/* From the contents of a file or a paste: text (any valid UTF-8 without
 * NUL bytes, which a CBOR map never is) or binary CBOR, detected by
 * content. Errors: those of the two above; IDW_ERROR_MALFORMED when empty. */
IdwCredentialRequest *idw_credential_request_parse_data      (GBytes                *data,
                                                              GDateTime             *now,
                                                              GError               **error);
/* From a file of at most IDW_MAX_INPUT_FILE bytes (IDW_ERROR_LIMIT);
 * IDW_ERROR_IO when it cannot be read; then as
 * idw_credential_request_parse_data(). */
IdwCredentialRequest *idw_credential_request_new_from_file   (const char            *path,
                                                              GDateTime             *now,
                                                              GError               **error);

/* The device public key, never with a private part (transfer none). */
IdwKey               *idw_credential_request_get_device_key  (IdwCredentialRequest  *request);
/* "created", UTC (transfer none). */
GDateTime            *idw_credential_request_get_created     (IdwCredentialRequest  *request);
/* The TPM certification the request carries, NULL if none (transfer
 * none). */
IdwTpmCertification  *idw_credential_request_get_tpm_certification (IdwCredentialRequest *request);
/* The 32 bytes a certification of this request must carry as extraData
 * (transfer full). */
GBytes               *idw_credential_request_get_tpm_binding (IdwCredentialRequest  *request);
/* Checks the request's TPM certification (idw_tpm_certification_verify()
 * with the request's device key and binding); IDW_ERROR_NOT_FOUND when it
 * carries none. */
gboolean              idw_credential_request_verify_tpm      (IdwCredentialRequest       *request,
                                                              IdwTpmCaList               *cas,
                                                              GDateTime                  *now,
                                                              IdwTpmCertificationResult  *result,
                                                              GError                    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwCredentialRequest, idw_credential_request_free)

G_END_DECLS
