/* idw-present.h: presenting a credential (DESIGN §3.3)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A presentation is a DeviceResponse disclosing a chosen subset of the
 * issuer-signed items, device-signed over the QR transcript
 *
 *   SessionTranscript = [ null, null, [ "IdWalletQRHandoverV1", presentedAt, nonce / null ] ]
 *
 * carried in the envelope { "v": 1, "presentedAt", ? "nonce", "response" }
 * as "IDW1:" + Base45(zlib(CBOR)). The remote request is
 * "IDWR1:" + Base45(zlib(CBOR { "v": 1, "nonce", "request": DeviceRequest, ? "verifier" })).
 */
#pragma once

#include <glib.h>
#include <cbor.h>

#include "idw-cose.h"
#include "idw-credential.h"
#include "idw-doctype.h"
#include "idw-envelope.h"
#include "idw-mdoc.h"

G_BEGIN_DECLS

#define IDW_REQUEST_NONCE_LENGTH 16
/* Characters an alphanumeric QR code holds at version 40, level L. */
#define IDW_QR_MAX_ALPHANUMERIC  4296

/* ---- Presenting ------------------------------------------------------- */

IdwDeviceResponse *idw_present_device_response     (IdwCredential      *credential,
                                                    IdwKey             *device_key,
                                                    const char * const *paths,
                                                    GBytes             *session_transcript,
                                                    GError            **error);

IdwEnvelope       *idw_present_envelope            (IdwCredential      *credential,
                                                    IdwKey             *device_key,
                                                    const char * const *paths,
                                                    GDateTime          *presented_at,
                                                    GBytes             *nonce,
                                                    GError            **error);

/* As idw_present_envelope(), as "IDW1:" text. */
char              *idw_present_text                (IdwCredential      *credential,
                                                    IdwKey             *device_key,
                                                    const char * const *paths,
                                                    GDateTime          *presented_at,
                                                    GBytes             *nonce,
                                                    GError            **error);

/* Whether @text fits in one QR code (alphanumeric, version 40, level L
 * at worst). */
gboolean           idw_present_text_fits_qr        (const char         *text);

char              *idw_present_text_for_qr         (IdwCredential      *credential,
                                                    IdwKey             *device_key,
                                                    const char * const *paths,
                                                    GDateTime          *presented_at,
                                                    GBytes             *nonce,
                                                    gboolean           *out_portrait_dropped,
                                                    GError            **error);

/* ---- Remote request ---------------------------------------------------- */

/**
 * IdwRemoteRequest:
 * @nonce: 16 random bytes
 * @request: the DeviceRequest (one docRequest)
 * @verifier: (nullable): who asks, as the verifier named itself (unverified)
 */
typedef struct
{
  GBytes           *nonce;
  IdwDeviceRequest *request;
  char             *verifier;
} IdwRemoteRequest;

/* A request for @paths of @doctype with a fresh random nonce;
 * intentToRetain false. @verifier may be NULL. Errors: IDW_ERROR_MALFORMED
 * for a path without "ns/element" form, IDW_ERROR_MISSING_FIELD when
 * @paths is empty. */
IdwRemoteRequest  *idw_remote_request_new          (const char         *doctype,
                                                    const char * const *paths,
                                                    const char         *verifier,
                                                    GError            **error);
/* The preset's catalogue elements for @doctype. Errors as above (an
 * unknown doctype has no catalogue elements for "full"). */
IdwRemoteRequest  *idw_remote_request_new_preset   (const char         *doctype,
                                                    IdwPreset           preset,
                                                    const char         *verifier,
                                                    GError            **error);
void               idw_remote_request_free         (IdwRemoteRequest   *request);
/* "IDWR1:…" */
char              *idw_remote_request_to_text      (IdwRemoteRequest   *request);
/* Errors: those of idw_transport_unwrap(), IDW_ERROR_MALFORMED,
 * IDW_ERROR_WRONG_TYPE, IDW_ERROR_MISSING_FIELD, IDW_ERROR_UNSUPPORTED
 * ("v" other than 1), IDW_ERROR_NONCE (nonce not 16 bytes or more). */
IdwRemoteRequest  *idw_remote_request_parse        (const char         *text,
                                                    GError            **error);
/* The requested docType of the first docRequest. */
const char        *idw_remote_request_get_doctype  (IdwRemoteRequest   *request);
/* Every requested path of the first docRequest. */
GStrv              idw_remote_request_get_paths    (IdwRemoteRequest   *request);
/* The requested paths that @credential holds, in request order; when
 * @out_missing is given it gets those it does not hold. A credential of
 * another docType holds none. */
GStrv              idw_remote_request_select       (IdwRemoteRequest   *request,
                                                    IdwCredential      *credential,
                                                    GStrv              *out_missing);
/* An "IDW1:" response with exactly the selected paths and the request's
 * nonce. Errors: IDW_ERROR_NOT_FOUND when the credential is of another
 * docType or holds none of the requested elements; those of
 * idw_present_text(). */
char              *idw_remote_request_respond      (IdwRemoteRequest   *request,
                                                    IdwCredential      *credential,
                                                    IdwKey             *device_key,
                                                    GDateTime          *presented_at,
                                                    GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwRemoteRequest, idw_remote_request_free)

G_END_DECLS
