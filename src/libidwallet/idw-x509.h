/* idw-x509.h: certificates, x5chain and trust-anchor validation (GnuTLS)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Declares the trust rules (idw-x509.c) and includes the certificate,
 * x5chain and issuer parts, so that this one header gives all of X.509.
 */
#pragma once

#include <glib.h>
#include <cbor.h>

#include "idw-cose.h"
#include "idw-certificate.h"
#include "idw-x5chain.h"
#include "idw-x509-issuer.h"

G_BEGIN_DECLS

/* The trust rules (docs/formats.md §2.4, "Trust rules"). A DS certificate
 * (chain[0]) that equals an anchor byte for byte is pinned and trusted as
 * it is. Otherwise the path from the DS to an anchor (an anchor that
 * equals a later chain member, or one that issued a chain member) must
 * follow ISO 18013-5 Annex B: the DS an mdoc signer of the IACA's
 * country, every issuer a CA allowed to sign certificates, path lengths
 * honoured, every link's signature valid. Either way every certificate up
 * to the anchor must be valid at @signed_at and at @now, and have no
 * critical extension that is unknown or unreadable. */
typedef struct
{
  IdwCertificate *anchor;     /* the anchor the trust comes from */
  GPtrArray      *path;       /* IdwCertificate*: the DS … the anchor */
  gboolean        ds_pinned;  /* the DS itself is the anchor */
} IdwTrustPath;

void            idw_trust_path_free               (IdwTrustPath    *path);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwTrustPath, idw_trust_path_free)

gboolean        idw_x509_validate_chain_full      (GPtrArray       *chain,
                                                   GPtrArray       *anchors,
                                                   GDateTime       *signed_at,
                                                   GDateTime       *now,
                                                   IdwTrustPath   **out_path,
                                                   GError         **error);
/* The same, giving only the anchor. Errors name the certificate and the
 * rule: IDW_ERROR_UNTRUSTED (no anchor, or a broken chain),
 * IDW_ERROR_BAD_SIGNATURE (a link's signature), IDW_ERROR_BAD_CERTIFICATE
 * (a profile rule, a critical extension), IDW_ERROR_EXPIRED /
 * IDW_ERROR_NOT_YET_VALID ("The document signer certificate “CN=…”
 * expired on …"). */
gboolean        idw_x509_validate_chain           (GPtrArray       *chain,
                                                   GPtrArray       *anchors,
                                                   GDateTime       *signed_at,
                                                   GDateTime       *now,
                                                   IdwCertificate **out_anchor,
                                                   GError         **error);

/* The same rules for the signer of a VICAL (ISO/IEC 18013-5 Annex C): the
 * signer has the VICAL signer purpose (1.0.18013.5.1.8) instead of mdlDS,
 * @intermediates may complete the path, and the path is checked at the
 * list's date only. */
gboolean        idw_x509_validate_vical_signer    (GPtrArray       *chain,
                                                   GPtrArray       *intermediates,
                                                   GPtrArray       *anchors,
                                                   GDateTime       *signed_at,
                                                   IdwTrustPath   **out_path,
                                                   GError         **error);

G_END_DECLS
