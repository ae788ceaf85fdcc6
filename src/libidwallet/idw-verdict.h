/* idw-verdict.h: the outcome of a verification, check by check (DESIGN §4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>
#include <cbor.h>
#include <json-glib/json-glib.h>

#include "idw-envelope.h"
#include "idw-input.h"
#include "idw-trust-origin.h"
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
 * @IDW_CHECK_REVOCATION: "status": the credential's entry in its issuer's
 *   Token Status List says valid (failed: revoked or suspended;
 *   undetermined: no list could be had; not applicable: no reference)
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
  IDW_CHECK_REVOCATION,
  IDW_CHECK_FRESHNESS,
  IDW_N_CHECKS
} IdwCheck;

/**
 * IdwCheckStatus:
 * @IDW_CHECK_STATUS_PASSED: "passed"
 * @IDW_CHECK_STATUS_FAILED: "failed"
 * @IDW_CHECK_STATUS_NOT_APPLICABLE: "not_applicable": could not or need not
 *   be made (after a decode failure, or freshness of a raw response)
 * @IDW_CHECK_STATUS_UNDETERMINED: "undetermined": the check was needed but
 *   what it needs could not be had (the status list: offline, expired,
 *   unreadable); shown, but it does not make the verdict invalid
 */
typedef enum
{
  IDW_CHECK_STATUS_PASSED,
  IDW_CHECK_STATUS_FAILED,
  IDW_CHECK_STATUS_NOT_APPLICABLE,
  IDW_CHECK_STATUS_UNDETERMINED,
} IdwCheckStatus;

/* Stable names: "decode" … "freshness"; "passed", "failed", "not_applicable",
 * "undetermined". */
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

/* TRUE only when every check passed, was legitimately not applicable or
 * (the status check) undetermined. */
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
/* Whether any certificate of the x5chain, or the trust anchor it chained
 * to, carries the test-issuer mark. */
gboolean        idw_verdict_is_test_issuer        (IdwVerdict  *self);
/* The trust anchor the issuer chained to, NULL when not trusted
 * (transfer none). */
IdwCertificate *idw_verdict_get_trust_anchor      (IdwVerdict  *self);
/* Where that anchor came from: the list (VICAL) it was imported from,
 * NULL when it was added one by one or the issuer is not trusted
 * (transfer none). */
IdwTrustOrigin *idw_verdict_get_trust_origin      (IdwVerdict  *self);
/* Whether the document signer certificate is itself the trust anchor. */
gboolean        idw_verdict_is_pinned             (IdwVerdict  *self);
/* presentedAt of an ID Wallet QR handover (an IDW1 envelope, or a raw
 * response with such a transcript), NULL otherwise (transfer none). */
GDateTime      *idw_verdict_get_presented_at      (IdwVerdict  *self);
/* MSO validityInfo, NULL when the MSO did not parse (transfer none). */
GDateTime      *idw_verdict_get_signed            (IdwVerdict  *self);
GDateTime      *idw_verdict_get_valid_from        (IdwVerdict  *self);
GDateTime      *idw_verdict_get_valid_until       (IdwVerdict  *self);
/* The time the verdict was made for (transfer none). */
GDateTime      *idw_verdict_get_verified_at       (IdwVerdict  *self);
/* What was given and what it held (IDW_INPUT_UNKNOWN when it could not be
 * read at all). */
IdwInputSource  idw_verdict_get_input_source      (IdwVerdict  *self);
IdwInputKind    idw_verdict_get_input_kind        (IdwVerdict  *self);
/* Why `decode` failed: the engine error (code and message), NULL when it
 * did not fail (transfer none). The code tells a picture without a QR
 * code (IDW_ERROR_NO_CODE) from a request given instead of an ID
 * (IDW_ERROR_WRONG_PREFIX) and from damaged data. */
const GError   *idw_verdict_get_decode_error      (IdwVerdict  *self);
/* The kind of session the presentation was made for. */
IdwHandoverKind idw_verdict_get_handover          (IdwVerdict  *self);
/* The nonce the presentation carries (transfer none), NULL when none. */
GBytes         *idw_verdict_get_nonce             (IdwVerdict  *self);
/* Its state in the verifier's nonce store when checked (after a valid
 * verdict: IDW_NONCE_UNUSED, as this verdict used it up); meaningful only
 * with a nonce and a nonce store. */
IdwNonceState   idw_verdict_get_nonce_state       (IdwVerdict  *self);
/* (element-type IdwDisclosedElement) (transfer none), in presentation order. */
GPtrArray      *idw_verdict_get_disclosed         (IdwVerdict  *self);
/* Borrowed value, NULL when not disclosed. */
cbor_item_t    *idw_verdict_lookup                (IdwVerdict  *self,
                                                   const char  *name_space,
                                                   const char  *element);

JsonNode       *idw_verdict_to_json_node          (IdwVerdict  *self);
/* The same, serialised (one line unless @pretty). */
char           *idw_verdict_to_json               (IdwVerdict  *self,
                                                   gboolean     pretty);

G_END_DECLS
