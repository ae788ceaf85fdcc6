/* idw-verifier.h: verifying a presentation (DESIGN §4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <cbor.h>
#include <json-glib/json-glib.h>

#include "idw-x509.h"

G_BEGIN_DECLS

/**
 * IdwCheck:
 * @IDW_CHECK_DECODE: "decode": prefix, Base45, inflate, CBOR, structure, limits
 * @IDW_CHECK_ISSUER_SIGNATURE: "issuer_signature": issuerAuth verifies
 *   with the DS certificate's key, with an allowed algorithm
 * @IDW_CHECK_ISSUER_TRUSTED: "issuer_trusted": the DS certificate chains
 *   to a trust anchor, valid at `signed` and now
 * @IDW_CHECK_MSO: "mso": well formed, docType matches, digest algorithm supported
 * @IDW_CHECK_VALIDITY: "validity": validFrom ≤ now ≤ validUntil, signed ≤ now
 * @IDW_CHECK_DIGESTS: "digests": every disclosed item matches its digest, no duplicates
 * @IDW_CHECK_DEVICE_SIGNATURE: "device_signature": deviceSignature (or
 *   deviceMac) verifies over the transcript with the MSO's device key
 * @IDW_CHECK_FRESHNESS: "freshness": presentedAt within the window; the
 *   nonce expected, known and unused
 * @IDW_N_CHECKS: the number of checks
 *
 * The checks of a verdict, in the order they are made and shown.
 */
typedef enum
{
  IDW_CHECK_DECODE,
  IDW_CHECK_ISSUER_SIGNATURE,
  IDW_CHECK_ISSUER_TRUSTED,
  IDW_CHECK_MSO,
  IDW_CHECK_VALIDITY,
  IDW_CHECK_DIGESTS,
  IDW_CHECK_DEVICE_SIGNATURE,
  IDW_CHECK_FRESHNESS,
  IDW_N_CHECKS
} IdwCheck;

/**
 * IdwCheckStatus:
 * @IDW_CHECK_STATUS_PASSED: "passed"
 * @IDW_CHECK_STATUS_FAILED: "failed"
 * @IDW_CHECK_STATUS_NOT_APPLICABLE: "not_applicable": could not or need not
 *   be made (after a decode failure, or freshness of a raw response)
 */
typedef enum
{
  IDW_CHECK_STATUS_PASSED,
  IDW_CHECK_STATUS_FAILED,
  IDW_CHECK_STATUS_NOT_APPLICABLE,
} IdwCheckStatus;

/* Stable names: "decode" … "freshness"; "passed", "failed", "not_applicable". */
const char *idw_check_to_string        (IdwCheck        check);
const char *idw_check_status_to_string (IdwCheckStatus  status);
/* Translated title for people ("Issuer signature"). */
const char *idw_check_get_title        (IdwCheck        check);

/**
 * IdwNonceState:
 * @IDW_NONCE_UNKNOWN: this verifier never issued the nonce
 * @IDW_NONCE_UNUSED: issued and not used yet
 * @IDW_NONCE_USED: issued and already used
 */
typedef enum
{
  IDW_NONCE_UNKNOWN,
  IDW_NONCE_UNUSED,
  IDW_NONCE_USED,
} IdwNonceState;

/**
 * IdwNonceFunc:
 * @nonce: the nonce of a presentation
 * @consume: %FALSE to ask for its state; %TRUE to mark it used (called
 *   once, only after a verdict came out valid)
 * @user_data: user data
 *
 * Tells the verifier about the nonces it issued (remote requests).
 *
 * Returns: the state of @nonce before this call.
 */
typedef IdwNonceState (*IdwNonceFunc) (GBytes   *nonce,
                                       gboolean  consume,
                                       gpointer  user_data);

/* ---- Verdict ---------------------------------------------------------- */

#define IDW_TYPE_VERDICT (idw_verdict_get_type ())
G_DECLARE_FINAL_TYPE (IdwVerdict, idw_verdict, IDW, VERDICT, GObject)

/**
 * IdwDisclosedElement:
 * @name_space: the namespace
 * @element: the element identifier
 * @value: the elementValue (owned by the verdict)
 *
 * One element as presented (before or after checks: the verdict's
 * validity says whether to believe it).
 */
typedef struct
{
  char        *name_space;
  char        *element;
  cbor_item_t *value;
} IdwDisclosedElement;

/* TRUE only when every check passed or was legitimately not applicable. */
gboolean        idw_verdict_is_valid              (IdwVerdict  *self);
IdwCheckStatus  idw_verdict_get_status            (IdwVerdict  *self,
                                                   IdwCheck     check);
/* A translated sentence saying what was found. */
const char     *idw_verdict_get_detail            (IdwVerdict  *self,
                                                   IdwCheck     check);
/* The first failed check, or IDW_N_CHECKS when none failed. */
IdwCheck        idw_verdict_get_first_failure     (IdwVerdict  *self);
/* Whether the only failures are issuer_trusted ("issuer not trusted",
 * as opposed to forged or broken). */
gboolean        idw_verdict_is_untrusted_only     (IdwVerdict  *self);

/* NULL until decoded. */
const char     *idw_verdict_get_doctype           (IdwVerdict  *self);
/* The DS certificate from x5chain (transfer none), or NULL. */
IdwCertificate *idw_verdict_get_ds_certificate    (IdwVerdict  *self);
const char     *idw_verdict_get_issuer_subject    (IdwVerdict  *self);
const char     *idw_verdict_get_issuer_common_name (IdwVerdict *self);
const char     *idw_verdict_get_issuer_country    (IdwVerdict  *self);
const char     *idw_verdict_get_issuer_organization (IdwVerdict *self);
gboolean        idw_verdict_is_test_issuer        (IdwVerdict  *self);
/* presentedAt of an IDW1 envelope, NULL for a raw response (transfer none). */
GDateTime      *idw_verdict_get_presented_at      (IdwVerdict  *self);
/* MSO validityInfo, NULL when the MSO did not parse (transfer none). */
GDateTime      *idw_verdict_get_signed            (IdwVerdict  *self);
GDateTime      *idw_verdict_get_valid_from        (IdwVerdict  *self);
GDateTime      *idw_verdict_get_valid_until       (IdwVerdict  *self);
/* The time the verdict was made for (transfer none). */
GDateTime      *idw_verdict_get_verified_at       (IdwVerdict  *self);
/* (element-type IdwDisclosedElement) (transfer none), in presentation order. */
GPtrArray      *idw_verdict_get_disclosed         (IdwVerdict  *self);
/* Borrowed value, NULL when not disclosed. */
cbor_item_t    *idw_verdict_lookup                (IdwVerdict  *self,
                                                   const char  *name_space,
                                                   const char  *element);

/**
 * idw_verdict_to_json_node:
 * @self: a verdict
 *
 * The verdict as `{"valid": bool, "checks": [{"name", "status",
 * "detail"}], "docType", "issuer": {"subject", "commonName", "country",
 * "organization", "testIssuer"} | null, "presentedAt": RFC 3339 | null,
 * "disclosed": {ns: {element: value}}}`, values as idw_cbor_value_to_json()
 * writes them.
 *
 * Returns: (transfer full): an object node.
 */
JsonNode       *idw_verdict_to_json_node          (IdwVerdict  *self);
/* The same, serialised (one line unless @pretty). */
char           *idw_verdict_to_json               (IdwVerdict  *self,
                                                   gboolean     pretty);

/* ---- Verifier --------------------------------------------------------- */

#define IDW_TYPE_VERIFIER (idw_verifier_get_type ())
G_DECLARE_FINAL_TYPE (IdwVerifier, idw_verifier, IDW, VERIFIER, GObject)

#define IDW_DEFAULT_FRESHNESS_WINDOW 90 /* seconds */

IdwVerifier    *idw_verifier_new                  (void);
/* IACA roots or pinned DS certificates. With none, every issuer is
 * "not trusted". */
void            idw_verifier_add_trust_anchor     (IdwVerifier    *self,
                                                   IdwCertificate *anchor);
void            idw_verifier_clear_trust_anchors  (IdwVerifier    *self);
/* (element-type IdwCertificate) (transfer none) */
GPtrArray      *idw_verifier_get_trust_anchors    (IdwVerifier    *self);
/* The verification time; NULL (the default) for the clock at each call. */
void            idw_verifier_set_time             (IdwVerifier    *self,
                                                   GDateTime      *at);
/* ± seconds around the verification time; default 90. */
void            idw_verifier_set_freshness_window (IdwVerifier    *self,
                                                   guint           seconds);
guint           idw_verifier_get_freshness_window (IdwVerifier    *self);
/* With a nonce function, a presentation must carry a nonce it knows and
 * has not seen used; it is consumed when the verdict is valid. */
void            idw_verifier_set_nonce_func       (IdwVerifier    *self,
                                                   IdwNonceFunc    func,
                                                   gpointer        user_data,
                                                   GDestroyNotify  destroy);
/* A single expected nonce (NULL: none): the presentation must carry exactly
 * this one (the envelope's, or for a raw response the QR handover's). */
void            idw_verifier_set_expected_nonce   (IdwVerifier    *self,
                                                   GBytes         *nonce);
/**
 * idw_verifier_set_reader_key:
 * @self: a verifier
 * @d: (nullable): the reader's ephemeral P-256 private scalar (32 bytes,
 *   big-endian), %NULL to forget it
 * @len: length of @d
 * @error: return location for a #GError
 *
 * Lets the verifier check deviceMac (COSE_Mac0) authentication of real
 * ISO 18013-5 sessions. Without it, a deviceMac is reported as not
 * checkable and the verdict is invalid.
 *
 * Returns: %FALSE with IDW_ERROR_MALFORMED when @d is not a valid scalar.
 */
gboolean        idw_verifier_set_reader_key       (IdwVerifier    *self,
                                                   const guint8   *d,
                                                   gsize           len,
                                                   GError        **error);

/**
 * idw_verifier_verify_text:
 * @self: a verifier
 * @text: an "IDW1:" presentation
 *
 * Runs every check of DESIGN §4. Never fails: bad input gives a verdict
 * whose `decode` check failed with the reason. A response must hold exactly
 * one document. When the verdict is valid and a nonce function is set, the
 * presentation's nonce is consumed.
 *
 * Returns: (transfer full): the verdict.
 */
IdwVerdict     *idw_verifier_verify_text          (IdwVerifier    *self,
                                                   const char     *text);
/**
 * idw_verifier_verify_response:
 * @self: a verifier
 * @device_response: a raw DeviceResponse (CBOR, at most
 *   IDW_MAX_INFLATED_LENGTH bytes)
 * @session_transcript: the SessionTranscript CBOR, plain or wrapped as
 *   `#6.24(bstr .cbor SessionTranscript)`
 *
 * As idw_verifier_verify_text() for a response from a reader session;
 * freshness is not applicable (unless an expected nonce is set and the
 * transcript is a QR handover).
 *
 * Returns: (transfer full): the verdict.
 */
IdwVerdict     *idw_verifier_verify_response      (IdwVerifier    *self,
                                                   GBytes         *device_response,
                                                   GBytes         *session_transcript);
/**
 * idw_verifier_verify_data:
 * @self: a verifier
 * @data: an input as the CLI reads it: "IDW1:" text, a PNG/JPEG image
 *   holding a QR code, or raw DeviceResponse CBOR
 * @session_transcript: (nullable): for a raw response
 *
 * Detects the kind of input and verifies it. Without a transcript, a raw
 * response's device authentication cannot be checked: `device_signature`
 * fails saying so.
 *
 * Returns: (transfer full): the verdict.
 */
IdwVerdict     *idw_verifier_verify_data          (IdwVerifier    *self,
                                                   GBytes         *data,
                                                   GBytes         *session_transcript);

G_END_DECLS
