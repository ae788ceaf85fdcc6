/* idw-verdict-private.h: how the verifier fills in a verdict
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "idw-verdict.h"

G_BEGIN_DECLS

struct _IdwVerdict
{
  GObject          parent_instance;

  IdwCheckStatus   status[IDW_N_CHECKS];
  char            *detail[IDW_N_CHECKS];
  gboolean         valid;

  char            *doctype;
  IdwCertificate  *ds_certificate;
  char            *issuer_subject;
  char            *issuer_common_name;
  char            *issuer_country;
  char            *issuer_organization;
  gboolean         test_issuer;
  IdwCertificate  *trust_anchor;
  IdwTrustOrigin  *trust_origin;
  gboolean         pinned;

  IdwInputSource   input_source;
  IdwInputKind     input_kind;
  GError          *decode_error;
  IdwHandoverKind  handover;
  GBytes          *nonce;
  IdwNonceState    nonce_state;

  GDateTime       *presented_at;
  GDateTime       *signed_at;
  GDateTime       *valid_from;
  GDateTime       *valid_until;
  GDateTime       *verified_at;
  GPtrArray       *disclosed;   /* IdwDisclosedElement* */
};

IdwVerdict *_idw_verdict_new        (GDateTime      *verified_at);
void        _idw_verdict_set        (IdwVerdict     *self,
                                     IdwCheck        check,
                                     IdwCheckStatus  status,
                                     const char     *detail);
void        _idw_verdict_setf       (IdwVerdict     *self,
                                     IdwCheck        check,
                                     IdwCheckStatus  status,
                                     const char     *format,
                                     ...) G_GNUC_PRINTF (4, 5);
/* Adds a presented element (new references). */
void        _idw_verdict_add_disclosed (IdwVerdict  *self,
                                        const char  *name_space,
                                        const char  *element,
                                        cbor_item_t *value);

G_END_DECLS
