/* idw-verifier.h: the verification pipeline (DESIGN §4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One way in: an IdwInput (what a person gave: text, a picture, a camera
 * frame, raw CBOR with a transcript) goes through
 *
 *   input → transport (IDW1: Base45, zlib) → envelope → DeviceResponse
 *         → checks → IdwVerdict
 *
 * and comes out as a verdict that says, check by check, what was found.
 * A verifier is meant to live long (as long as the app's Verify view): it
 * caches parsed and validated certificate chains and device keys.
 */
#pragma once

#include <glib-object.h>

#include "idw-input.h"
#include "idw-trust-origin.h"
#include "idw-status-fetcher.h"
#include "idw-verdict.h"
#include "idw-x509.h"

G_BEGIN_DECLS

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

#define IDW_TYPE_VERIFIER (idw_verifier_get_type ())
G_DECLARE_FINAL_TYPE (IdwVerifier, idw_verifier, IDW, VERIFIER, GObject)

#define IDW_DEFAULT_FRESHNESS_WINDOW 90 /* seconds */

IdwVerifier    *idw_verifier_new                  (void);
/* IACA roots or pinned certificates. With none, every issuer is "not
 * trusted". Changing the anchors forgets earlier chain validations. */
void            idw_verifier_add_trust_anchor     (IdwVerifier    *self,
                                                   IdwCertificate *anchor);
void            idw_verifier_clear_trust_anchors  (IdwVerifier    *self);
/* Replaces the anchors with @anchors (element-type IdwCertificate); the
 * same anchors again keep earlier chain validations. */
void            idw_verifier_set_trust_anchors    (IdwVerifier    *self,
                                                   GPtrArray      *anchors);
/* (element-type IdwCertificate) (transfer none) */
GPtrArray      *idw_verifier_get_trust_anchors    (IdwVerifier    *self);
/* Where the anchors came from: SHA-256 fingerprint (lowercase hex) →
 * IdwTrustOrigin, for the anchors imported from a list (NULL: none). A
 * verdict names the origin of the anchor its issuer chained to.
 * idw_verifier_clear_trust_anchors() forgets them. */
void            idw_verifier_set_trust_origins    (IdwVerifier    *self,
                                                   GHashTable     *origins);
/* The origin of @anchor, NULL when it has none (transfer full). */
IdwTrustOrigin *idw_verifier_lookup_trust_origin  (IdwVerifier    *self,
                                                   IdwCertificate *anchor);
/* The verification time; NULL (the default) for the clock at each call. */
void            idw_verifier_set_time             (IdwVerifier    *self,
                                                   GDateTime      *at);
/* ± seconds around the verification time; default 90. */
void            idw_verifier_set_freshness_window (IdwVerifier    *self,
                                                   guint           seconds);
guint           idw_verifier_get_freshness_window (IdwVerifier    *self);
/* The verifier's nonce store (remote requests). A presentation that
 * carries a nonce must carry one the store knows and has not seen used;
 * it is used up when the verdict is valid. One without a nonce is judged
 * by its time alone. */
void            idw_verifier_set_nonce_func       (IdwVerifier    *self,
                                                   IdwNonceFunc    func,
                                                   gpointer        user_data,
                                                   GDestroyNotify  destroy);
/* A single expected nonce (NULL: none): the presentation must carry
 * exactly this one (in its envelope or its QR handover). */
void            idw_verifier_set_expected_nonce   (IdwVerifier    *self,
                                                   GBytes         *nonce);
gboolean        idw_verifier_set_reader_key       (IdwVerifier    *self,
                                                   const guint8   *d,
                                                   gsize           len,
                                                   GError        **error);
/* The same, from a key file's contents: 32 raw bytes or hexadecimal text. */
gboolean        idw_verifier_set_reader_key_from_data (IdwVerifier *self,
                                                       GBytes      *contents,
                                                       GError     **error);

/* Where the `status` check gets the Token Status Lists that credentials
 * refer to (NULL, the default: nowhere, and the check of a credential
 * with a reference is undetermined). */
void            idw_verifier_set_status_fetcher   (IdwVerifier      *self,
                                                   IdwStatusFetcher *fetcher);
IdwStatusFetcher *idw_verifier_get_status_fetcher (IdwVerifier      *self);

IdwVerdict     *idw_verifier_verify               (IdwVerifier    *self,
                                                   IdwInput       *input);
/* idw_verifier_verify() of idw_input_new_from_text(). */
IdwVerdict     *idw_verifier_verify_text          (IdwVerifier    *self,
                                                   const char     *text);
/* idw_verifier_verify() of idw_input_new_from_device_response(): a raw
 * DeviceResponse (at most IDW_MAX_INFLATED_LENGTH bytes) and its
 * SessionTranscript (plain or `#6.24(bstr .cbor SessionTranscript)`),
 * %NULL when none was given. */
IdwVerdict     *idw_verifier_verify_response      (IdwVerifier    *self,
                                                   GBytes         *device_response,
                                                   GBytes         *session_transcript);
/* idw_verifier_verify() of idw_input_new_from_data() (text, a picture,
 * binary or hex CBOR) with @session_transcript for a raw response. */
IdwVerdict     *idw_verifier_verify_data          (IdwVerifier    *self,
                                                   GBytes         *data,
                                                   GBytes         *session_transcript);

G_END_DECLS
