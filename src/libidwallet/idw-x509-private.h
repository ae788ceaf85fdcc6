/* idw-x509-private.h: what the files of the x509 module share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The certificate object and its parsed extensions (RFC 5280 §4.1, §4.2),
 * GnuTLS cleanup helpers, and the functions one file of the module calls
 * in another: idw-certificate*.c, idw-x5chain.c, idw-x509.c,
 * idw-x509-annex-b.c and idw-x509-issuer.c.
 */
#pragma once

#include <glib.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

#include "idw-der.h"
#include "idw-x509.h"

G_BEGIN_DECLS

/* The subject organizationalUnitName that marks a test issuer. */
#define IDW_TEST_ISSUER_OU "ID Wallet Test Issuer"

/* ISO/IEC 18013-5 Annex B: extended key usage of a mDL document signer. */
#define IDW_OID_MDL_DS "1.0.18013.5.1.2"
/* ISO/IEC 18013-5 Annex C: extended key usage of a VICAL signer. */
#define IDW_OID_VICAL_SIGNER "1.0.18013.5.1.8"

/* The extensions whose meaning ID Wallet knows, in the order of
 * _idw_known_extensions[]. */
typedef enum
{
  EXT_BASIC_CONSTRAINTS,
  EXT_KEY_USAGE,
  EXT_EXT_KEY_USAGE,
  EXT_SUBJECT_KEY_ID,
  EXT_AUTHORITY_KEY_ID,
  EXT_SUBJECT_ALT_NAME,
  EXT_ISSUER_ALT_NAME,
  EXT_CRL_DIST_POINTS,
  EXT_CERTIFICATE_POLICIES,
  EXT_AUTHORITY_INFO_ACCESS,
  N_KNOWN_EXTENSIONS
} KnownExtension;

#define EXT_BIT(ext) (1u << (ext))

struct _IdwCertificate
{
  gatomicrefcount   ref_count;
  gnutls_x509_crt_t crt;           /* from the DER less any unreadable extension */
  GBytes           *der;           /* as given: identity, pinning, PEM */
  GBytes           *tbs;           /* the original tbsCertificate: what the signature covers */
  GBytes           *signature;     /* the original signatureValue */
  gint64            not_before;    /* Unix seconds */
  gint64            not_after;
  guint             present;       /* EXT_BIT()s of the known extensions present */
  guint             unreadable;    /* EXT_BIT()s of those that could not be read */
  char            **ignored;       /* names of unreadable non-critical ones */
  char             *bad_critical;  /* the first critical extension unknown or unreadable */
  gboolean          bad_critical_unreadable;
};

/* What ID Wallet knows about an extension (idw-certificate-extensions.c). */
typedef struct
{
  const char *oid;
  const char *name;
  gboolean  (*readable) (const gnutls_datum_t *value);
} KnownExtensionInfo;

/* Indexed by KnownExtension. */
extern const KnownExtensionInfo _idw_known_extensions[N_KNOWN_EXTENSIONS];

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_pubkey_t, gnutls_pubkey_deinit, NULL)

/* gnutls-allocated output. */
typedef gnutls_datum_t IdwGnutlsDatum;

static inline void
idw_gnutls_datum_clear (IdwGnutlsDatum *datum)
{
  gnutls_free (datum->data);
  datum->data = NULL;
  datum->size = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (IdwGnutlsDatum, idw_gnutls_datum_clear)

/* FALSE with IDW_ERROR_FAILED naming @what when @ret is a GnuTLS error. */
gboolean _idw_certificate_check_gnutls    (int                       ret,
                                           const char               *what,
                                           GError                  **error);

/* Sorts @outline's known, unknown, unreadable and critical extensions into
 * @cert and returns the DER that GnuTLS is to import. */
GBytes  *_idw_certificate_sort_extensions (IdwCertificate           *cert,
                                           const IdwDerCertificate  *outline);

/* ISO 18013-5 Annex B for a DS reached through an IACA: @path is the DS,
 * any intermediates, and the anchor. */
gboolean _idw_x509_annex_b_check_path     (GPtrArray                *path,
                                           GError                  **error);

/* ISO 18013-5 Annex C for a VICAL signer: @path is the signer, any
 * intermediates, and the anchor. */
gboolean _idw_x509_annex_c_check_path     (GPtrArray                *path,
                                           GError                  **error);

G_END_DECLS
