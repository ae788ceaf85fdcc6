/* idw-envelope.h: the ID Wallet QR envelope and session transcripts
 * (DESIGN §3.3)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A one-way presentation (a QR code or pasted text) has no reader session,
 * so the holder signs over a transcript of its own making:
 *
 *   SessionTranscript = [ null, null, QRHandover ]
 *   QRHandover        = [ "IdWalletQRHandoverV1", presentedAt: uint, nonce: bstr / null ]
 *   Envelope          = { "v": 1, "presentedAt": uint, ? "nonce": bstr, "response": DeviceResponse }
 *   Text              = "IDW1:" + Base45( zlib( CBOR(Envelope) ) )
 *
 * Other transcripts come from real reader sessions (ISO 18013-5 device
 * engagement, OpenID4VP, the browser's Digital Credentials API); this
 * module tells them apart so that the verifier knows which freshness rules
 * it can apply itself.
 */
#pragma once

#include <glib.h>
#include <cbor.h>

G_BEGIN_DECLS

#define IDW_QR_HANDOVER_NAME     "IdWalletQRHandoverV1"

/* ---- Session transcripts ----------------------------------------------- */

/**
 * IdwHandoverKind:
 * @IDW_HANDOVER_NONE: no transcript was given
 * @IDW_HANDOVER_IDWALLET_QR: ID Wallet's QR handover: presentedAt and an
 *   optional nonce, which the verifier checks itself
 * @IDW_HANDOVER_ISO_18013_5: an ISO 18013-5 proximity session (device
 *   engagement and reader key in the transcript)
 * @IDW_HANDOVER_OPENID4VP: OpenID4VP (ISO 18013-7 Annex B or the
 *   "OpenID4VPHandover" of OpenID4VP 1.0)
 * @IDW_HANDOVER_DC_API: OpenID4VP through the browser's Digital Credentials
 *   API ("OpenID4VPDCAPIHandover")
 * @IDW_HANDOVER_BROWSER: a browser handover ("BrowserHandoverv1", ISO
 *   18013-7 Annex A)
 * @IDW_HANDOVER_APP: a phone platform's app-to-app handover
 *   ("AndroidHandoverv1", "GoogleWalletHandoverv1")
 * @IDW_HANDOVER_OTHER: a transcript of another or unknown form
 *
 * Who made the session a transcript comes from. Only for
 * %IDW_HANDOVER_IDWALLET_QR can the verifier judge freshness from the
 * transcript itself; for the others the caller vouches for it.
 */
typedef enum
{
  IDW_HANDOVER_NONE,
  IDW_HANDOVER_IDWALLET_QR,
  IDW_HANDOVER_ISO_18013_5,
  IDW_HANDOVER_OPENID4VP,
  IDW_HANDOVER_DC_API,
  IDW_HANDOVER_BROWSER,
  IDW_HANDOVER_APP,
  IDW_HANDOVER_OTHER,
} IdwHandoverKind;

/* Stable names: "none", "idwallet-qr", "iso-18013-5", "openid4vp",
 * "dc-api", "browser", "app", "other". */
const char      *idw_handover_kind_to_string        (IdwHandoverKind   kind);
/* For people: "an ID Wallet QR code", "an OpenID4VP session", … */
const char      *idw_handover_kind_describe         (IdwHandoverKind   kind);

/* The plain CBOR encoding of the QR SessionTranscript; @nonce may be NULL. */
GBytes          *idw_qr_session_transcript_new      (gint64             presented_at,
                                                     GBytes            *nonce);

IdwHandoverKind  idw_session_transcript_get_handover (cbor_item_t       *transcript,
                                                      gint64            *out_presented_at,
                                                      GBytes           **out_nonce,
                                                      GError           **error);

/* ---- The envelope ------------------------------------------------------ */

/**
 * IdwEnvelope:
 * @presented_at: presentedAt, Unix seconds
 * @nonce: the nonce, or %NULL
 * @response: the DeviceResponse item
 */
typedef struct
{
  gint64       presented_at;
  GBytes      *nonce;
  cbor_item_t *response;
} IdwEnvelope;

/* Takes new references. */
IdwEnvelope     *idw_envelope_new                   (gint64             presented_at,
                                                     GBytes            *nonce,
                                                     cbor_item_t       *response);
void             idw_envelope_free                  (IdwEnvelope       *envelope);
/* From the envelope CBOR. Errors: IDW_ERROR_MALFORMED, IDW_ERROR_WRONG_TYPE,
 * IDW_ERROR_MISSING_FIELD, IDW_ERROR_UNSUPPORTED ("v" other than 1),
 * IDW_ERROR_LIMIT, IDW_ERROR_DUPLICATE. */
IdwEnvelope     *idw_envelope_parse                 (GBytes            *cbor,
                                                     GError           **error);
/* Errors of idw_transport_unwrap() and idw_envelope_parse(). */
IdwEnvelope     *idw_envelope_parse_text            (const char        *text,
                                                     GError           **error);
GBytes          *idw_envelope_encode                (IdwEnvelope       *envelope);
/* "IDW1:…" */
char            *idw_envelope_to_text               (IdwEnvelope       *envelope);
/* The QR SessionTranscript this envelope stands for. */
GBytes          *idw_envelope_get_session_transcript (IdwEnvelope      *envelope);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwEnvelope, idw_envelope_free)

G_END_DECLS
