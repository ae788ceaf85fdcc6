/* idw-x509-issuer.h: an IACA root and a document signer certificate for
 * a new issuer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "idw-key.h"

G_BEGIN_DECLS

/* Issuer side. Creates an IACA root (CA, keyCertSign+cRLSign) and a
 * document signer certificate signed by it (digitalSignature, extended key
 * usage mdlDS 1.0.18013.5.1.2), both with @alg keys (ES256: P-256 and
 * ecdsa-with-SHA256; ES384: P-384 and ecdsa-with-SHA384; EdDSA: Ed25519),
 * with country @country, organisation @name, CN "@name IACA" / "@name DS".
 * @test adds the test-issuer marker. Keys are PKCS#8 PEM. Validity: IACA
 * from @not_before for 10 years, DS for 3. */
typedef struct
{
  char *iaca_pem;
  char *iaca_key_pem;
  char *ds_pem;
  char *ds_key_pem;
} IdwIssuerFiles;

IdwIssuerFiles *idw_x509_create_issuer            (const char      *name,
                                                   const char      *country,
                                                   IdwCoseAlg       alg,
                                                   gboolean         test,
                                                   GDateTime       *not_before,
                                                   GError         **error);
void            idw_issuer_files_free             (IdwIssuerFiles  *files);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwIssuerFiles, idw_issuer_files_free)

G_END_DECLS
