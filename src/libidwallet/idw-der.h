/* idw-der.h: a small, strict DER reader for the outline of an X.509
 * certificate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GnuTLS refuses a whole certificate when one of the extensions it reads
 * at import time is malformed, even a non-critical one. This reader finds
 * the parts ID Wallet needs before GnuTLS sees the certificate: the
 * tbsCertificate bytes the signature covers, the signature, and each
 * extension with its OID, criticality and value. It can also re-encode the
 * certificate without some extensions. It never recurses, bounds every
 * length by the bytes that remain, and refuses indefinite lengths and
 * multi-byte tags, which no certificate needs.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* More extensions than any real certificate carries. */
#define IDW_DER_MAX_EXTENSIONS 64

/* The longest extension OID accepted, in bytes of its encoding. */
#define IDW_DER_MAX_OID_LENGTH 64

/* One TLV inside a buffer that the caller keeps alive. */
typedef struct
{
  guint8        tag;
  const guint8 *tlv;        /* header included */
  gsize         tlv_len;
  const guint8 *value;
  gsize         value_len;
} IdwDerTlv;

typedef struct
{
  IdwDerTlv     tlv;        /* the whole Extension SEQUENCE */
  char         *oid;        /* dotted decimal */
  gboolean      critical;
  const guint8 *value;      /* the contents of extnValue's OCTET STRING */
  gsize         value_len;
} IdwDerExtension;

/* Pointers into the buffer given to idw_der_certificate_parse(). */
typedef struct
{
  IdwDerTlv     tbs;                  /* tbsCertificate, what the signature covers */
  IdwDerTlv     signature_algorithm;  /* the outer signatureAlgorithm */
  const guint8 *signature;            /* signatureValue without its unused-bits octet */
  gsize         signature_len;
  IdwDerTlv     extensions_field;     /* [3]; .tlv is NULL when absent */
  GArray       *extensions;           /* IdwDerExtension, in encoding order */
} IdwDerCertificate;

gboolean  idw_der_read_tlv                   (const guint8            **data,
                                              gsize                    *len,
                                              IdwDerTlv                *out);
char     *idw_der_oid_to_string              (const guint8             *value,
                                              gsize                     len);
gboolean  idw_der_certificate_parse          (const guint8             *der,
                                              gsize                     len,
                                              IdwDerCertificate        *out,
                                              GError                  **error);
void      idw_der_certificate_clear          (IdwDerCertificate        *cert);
GBytes   *idw_der_certificate_drop_extensions (const IdwDerCertificate *cert,
                                              const gboolean           *drop);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (IdwDerCertificate, idw_der_certificate_clear)

G_END_DECLS
