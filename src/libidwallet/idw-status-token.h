/* idw-status-token.h: the Status List Token as a CWT
 * (draft-ietf-oauth-status-list §5.2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <cbor.h>

#include "idw-cose.h"
#include "idw-status-list.h"
#include "idw-x509.h"

G_BEGIN_DECLS

/* CWT claim keys (RFC 8392 and the draft's registrations). */
#define IDW_CWT_CLAIM_SUB          2
#define IDW_CWT_CLAIM_EXP          4
#define IDW_CWT_CLAIM_IAT          6
#define IDW_CWT_CLAIM_STATUS_LIST  65533
#define IDW_CWT_CLAIM_TTL          65534

#define IDW_STATUS_LIST_CWT_TYPE   "application/statuslist+cwt"

/* A whole Status List Token as read (from the network or the cache). */
#define IDW_MAX_STATUS_LIST_TOKEN  (1024 * 1024)

/**
 * IdwStatusToken:
 * @uri: the sub claim: the URI the list is published at
 * @issued_at: iat
 * @expires_at: exp, or %NULL
 * @ttl: the ttl claim in seconds (how long the list may be cached before
 *   fetching it again), 0 when absent
 * @list: the status_list claim
 * @sign1: the COSE_Sign1 the claims came in
 * @x5chain: (element-type IdwCertificate): x5chain, signer first, or
 *   %NULL when the token has none
 *
 * A parsed Status List Token: its structure is checked, not its signature
 * (idw_status_token_verify_signature(), idw_status_token_validate()).
 */
typedef struct
{
  char          *uri;
  GDateTime     *issued_at;
  GDateTime     *expires_at;
  guint64        ttl;
  IdwStatusList *list;
  IdwCoseSign1  *sign1;
  GPtrArray     *x5chain;
} IdwStatusToken;

/* A COSE_Sign1 (tagged 18 or not) whose protected header has typ
 * "application/statuslist+cwt" and whose payload is the claims map with
 * sub, iat and status_list. Errors: IDW_ERROR_LIMIT (larger than
 * IDW_MAX_STATUS_LIST_TOKEN, and the list's limits), IDW_ERROR_MALFORMED,
 * IDW_ERROR_WRONG_TYPE, IDW_ERROR_MISSING_FIELD, IDW_ERROR_UNSUPPORTED
 * (algorithm, typ). */
IdwStatusToken *idw_status_token_parse            (GBytes          *data,
                                                   GError         **error);
void            idw_status_token_free             (IdwStatusToken  *token);
/* Errors: IDW_ERROR_BAD_SIGNATURE, IDW_ERROR_UNSUPPORTED (key and alg). */
gboolean        idw_status_token_verify_signature (IdwStatusToken  *token,
                                                   IdwKey          *key,
                                                   GError         **error);
/* Whether the token is one to believe for @uri at @now: its x5chain
 * chains to one of @anchors under the trust rules (valid at iat and at
 * @now), its signature verifies with the signer certificate, sub equals
 * @uri and exp has not passed. Errors: IDW_ERROR_UNTRUSTED (no x5chain,
 * no anchor), those of idw_x509_validate_chain(),
 * IDW_ERROR_BAD_SIGNATURE, IDW_ERROR_MALFORMED (another sub),
 * IDW_ERROR_EXPIRED, IDW_ERROR_NOT_YET_VALID (iat in the future). */
gboolean        idw_status_token_validate         (IdwStatusToken  *token,
                                                   GPtrArray       *anchors,
                                                   const char      *uri,
                                                   GDateTime       *now,
                                                   GError         **error);
/* Signs @list as a Status List Token for @uri with an Ed25519 @key whose
 * certificate @certificate goes in x5chain (unprotected, as issuerAuth's).
 * @expires_at may be NULL, @ttl 0 (left out). Returns the tagged
 * COSE_Sign1's encoding. Errors: IDW_ERROR_UNSUPPORTED (a key that cannot
 * sign or is not the certificate's). */
GBytes         *idw_status_token_sign             (IdwStatusList   *list,
                                                   const char      *uri,
                                                   GDateTime       *issued_at,
                                                   GDateTime       *expires_at,
                                                   guint64          ttl,
                                                   IdwKey          *key,
                                                   IdwCertificate  *certificate,
                                                   GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwStatusToken, idw_status_token_free)

G_END_DECLS
