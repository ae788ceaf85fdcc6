/* idw-certificate.h: X.509 certificates (RFC 5280), read with GnuTLS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "idw-key.h"

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
/* Every certificate of a PEM bundle, or the one of a DER file. */
GPtrArray      *idw_certificate_list_new_from_data (const guint8   *data,
                                                    gsize           len,
                                                    const char     *name,
                                                    GError        **error);
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
/* A version 3 certificate whose basicConstraints says cA TRUE. */
gboolean        idw_certificate_is_ca             (IdwCertificate  *cert);
gboolean        idw_certificate_equal             (IdwCertificate  *a,
                                                   IdwCertificate  *b);
/* Non-critical extensions that could not be read and were ignored, e.g.
 * "IssuerAltName (2.5.29.18)"; an empty array when there are none. */
const char * const *idw_certificate_get_ignored_extensions (IdwCertificate *cert);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwCertificate, idw_certificate_unref)

G_END_DECLS
