/* idw-x509.h: certificates, x5chain and trust-anchor validation (GnuTLS)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <cbor.h>

#include "idw-cose.h"

G_BEGIN_DECLS

typedef struct _IdwCertificate IdwCertificate;

/* Exactly one DER certificate. A known non-critical extension that cannot
 * be read is ignored (see idw_certificate_get_ignored_extensions()); a
 * critical one that is unknown or unreadable does not stop the parsing,
 * but the certificate is never trusted. */
IdwCertificate *idw_certificate_new_from_der      (const guint8    *der,
                                                   gsize            len,
                                                   GError         **error);
/* PEM (the first certificate) or DER, detected from the content. */
IdwCertificate *idw_certificate_new_from_data     (const guint8    *data,
                                                   gsize            len,
                                                   GError         **error);
IdwCertificate *idw_certificate_new_from_file     (const char      *path,
                                                   GError         **error);
IdwCertificate *idw_certificate_ref               (IdwCertificate  *cert);
void            idw_certificate_unref             (IdwCertificate  *cert);
GBytes         *idw_certificate_get_der           (IdwCertificate  *cert);
char           *idw_certificate_to_pem            (IdwCertificate  *cert);
/* RFC 4514 strings as GnuTLS prints them, e.g. "C=US,CN=utopia ds". */
char           *idw_certificate_get_subject       (IdwCertificate  *cert);
char           *idw_certificate_get_issuer        (IdwCertificate  *cert);
/* Single attributes of the subject; NULL when absent. */
char           *idw_certificate_get_common_name   (IdwCertificate  *cert);
char           *idw_certificate_get_country       (IdwCertificate  *cert);
char           *idw_certificate_get_organization  (IdwCertificate  *cert);
GDateTime      *idw_certificate_get_not_before    (IdwCertificate  *cert);
GDateTime      *idw_certificate_get_not_after     (IdwCertificate  *cert);
/* Lowercase hex SHA-256 of the DER encoding. */
char           *idw_certificate_get_fingerprint   (IdwCertificate  *cert);
/* Ed25519 or EC P-256/384/521 public key. IDW_ERROR_UNSUPPORTED otherwise. */
IdwKey         *idw_certificate_get_public_key    (IdwCertificate  *cert,
                                                   GError         **error);
/* Whether the certificate carries the ID Wallet test-issuer marker. */
gboolean        idw_certificate_is_test_issuer    (IdwCertificate  *cert);
gboolean        idw_certificate_equal             (IdwCertificate  *a,
                                                   IdwCertificate  *b);
/* Non-critical extensions that could not be read and were ignored, e.g.
 * "IssuerAltName (2.5.29.18)"; an empty array when there are none. */
const char * const *idw_certificate_get_ignored_extensions (IdwCertificate *cert);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwCertificate, idw_certificate_unref)

/* x5chain (COSE header 33): one DER bstr or an array of them, leaf (the DS
 * certificate) first, at most IDW_MAX_X5CHAIN. Returns IdwCertificate*s. */
GPtrArray      *idw_x5chain_parse                 (cbor_item_t     *x5chain,
                                                   GError         **error);

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

/* Issuer side. Creates an Ed25519 IACA root (CA, keyCertSign+cRLSign) and a
 * document signer certificate signed by it (digitalSignature, extended key
 * usage mdlDS 1.0.18013.5.1.2), with country @country, organisation @name,
 * CN "@name IACA" / "@name DS". @test adds the test-issuer marker. Keys are
 * PKCS#8 PEM. Validity: IACA from @not_before for 10 years, DS for 3. */
typedef struct
{
  char *iaca_pem;
  char *iaca_key_pem;
  char *ds_pem;
  char *ds_key_pem;
} IdwIssuerFiles;

IdwIssuerFiles *idw_x509_create_issuer            (const char      *name,
                                                   const char      *country,
                                                   gboolean         test,
                                                   GDateTime       *not_before,
                                                   GError         **error);
void            idw_issuer_files_free             (IdwIssuerFiles  *files);
/* An Ed25519 private key from PKCS#8 PEM. */
IdwKey         *idw_key_new_from_pem              (const char      *pem,
                                                   gsize            len,
                                                   GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwIssuerFiles, idw_issuer_files_free)

G_END_DECLS
