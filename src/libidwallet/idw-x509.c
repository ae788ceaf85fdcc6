/* idw-x509.c: certificates, x5chain and trust-anchor validation (GnuTLS)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ISO/IEC 18013-5 §9.3.3 and Annex B: the document signer (DS) certificate
 * travels in the x5chain header of issuerAuth and must chain to an issuing
 * authority root (IACA) the verifier trusts. GnuTLS reads the certificate
 * fields and does the public-key arithmetic; the path rules are ours
 * (docs/formats.md, "Trust rules"), and so are the time checks, because
 * they happen at two instants (when the MSO was signed and now), not at
 * the wall-clock time GnuTLS would use.
 *
 * Extensions. GnuTLS 3.7 reads SubjectAltName and IssuerAltName when it
 * imports a certificate and refuses the whole certificate when one is
 * malformed, even a non-critical one; real DS certificates carry such
 * extensions (a double-wrapped IssuerAltName), and other verifiers ignore
 * them, as RFC 5280 §4.2 allows for a non-critical extension. So every
 * certificate is first read with our own small DER reader (idw-der.c):
 * each extension that ID Wallet knows is tried with GnuTLS's parser for
 * it; one that does not parse is left out of the copy of the certificate
 * that GnuTLS gets, and remembered: as ignored when it is non-critical,
 * as a reason to refuse the certificate for trust when it is critical.
 * An unknown critical extension is remembered as such. The original DER
 * stays the certificate's identity (fingerprint, pinning, PEM), and since
 * the copy's tbsCertificate no longer matches the signature, every link's
 * signature is verified by us over the original tbsCertificate bytes.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <gnutls/x509-ext.h>
#include <sodium.h>

#include "idw-der.h"
#include "idw-error.h"
#include "idw-text.h"
#include "idw-x509.h"

/* The subject organizationalUnitName that marks a test issuer. */
#define IDW_TEST_ISSUER_OU "ID Wallet Test Issuer"

/* ISO/IEC 18013-5 Annex B: extended key usage of a mDL document signer. */
#define IDW_OID_MDL_DS "1.0.18013.5.1.2"

#define IDW_SERIAL_LENGTH 16

/* X.520 ub-common-name and ub-organization-name are 64 characters; the
 * CN is "NAME IACA". */
#define IDW_ISSUER_NAME_MAX 59

/* The extensions whose meaning ID Wallet knows, in the order of
 * known_extensions[]. */
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

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_privkey_t, gnutls_x509_privkey_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_pubkey_t, gnutls_pubkey_deinit, NULL)

/* gnutls-allocated output. */
typedef gnutls_datum_t IdwGnutlsDatum;

static void
idw_gnutls_datum_clear (IdwGnutlsDatum *datum)
{
  gnutls_free (datum->data);
  datum->data = NULL;
  datum->size = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (IdwGnutlsDatum, idw_gnutls_datum_clear)

/* gnutls-allocated output that holds key material. */
typedef gnutls_datum_t IdwSecretDatum;

static void
idw_secret_datum_clear (IdwSecretDatum *datum)
{
  if (datum->data != NULL)
    sodium_memzero (datum->data, datum->size);
  gnutls_free (datum->data);
  datum->data = NULL;
  datum->size = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (IdwSecretDatum, idw_secret_datum_clear)

static gboolean
check_gnutls (int          ret,
              const char  *what,
              GError     **error)
{
  if (ret >= 0)
    return TRUE;

  /* Translators: the first %s is a GnuTLS function name, the second
   * GnuTLS's description of the failure. */
  g_set_error (error, IDW_ERROR, IDW_ERROR_FAILED,
               _("A certificate operation failed (%s): %s"),
               what, gnutls_strerror (ret));
  return FALSE;
}

/* Certificate is SEQUENCE { … }: the outer length must cover the input
 * exactly, so that trailing bytes cannot ride along with a certificate
 * (its fingerprint and byte-for-byte pinning are over the whole input). */
static gboolean
der_is_one_sequence (const guint8 *der,
                     gsize         len)
{
  gsize header_len;
  gsize content_len;

  if (len < 2 || der[0] != 0x30)
    return FALSE;

  if (der[1] < 0x80)
    {
      header_len = 2;
      content_len = der[1];
    }
  else
    {
      guint n = der[1] & 0x7f;

      if (n == 0 || n > 4 || len < 2 + (gsize) n)
        return FALSE;

      content_len = 0;
      for (guint i = 0; i < n; i++)
        content_len = (content_len << 8) | der[2 + i];
      header_len = 2 + n;
    }

  return content_len == len - header_len;
}

static char *
format_time (GDateTime *datetime)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (datetime);

  return g_date_time_format (utc, "%Y-%m-%d %H:%M:%S UTC");
}

/* Known extensions. Each is acceptable to find marked critical, because
 * the rules either enforce it or do not depend on it:
 * - basicConstraints, keyUsage, extKeyUsage: the trust rules enforce them
 *   (CA or not, path length, keyCertSign, digitalSignature, mdlDS).
 * - subjectKeyIdentifier, authorityKeyIdentifier: only identify keys; they
 *   help pick the issuer and never widen what a certificate may do.
 * - subjectAltName, issuerAltName: more names of the same subject and
 *   issuer; no rule matches names against them, so they restrict nothing
 *   a verifier would have to enforce.
 * - cRLDistributionPoints, authorityInfoAccess: where revocation and
 *   issuer information can be fetched; a verifier that works offline
 *   fetches neither, exactly as when they are absent.
 * - certificatePolicies: without policy mappings or policy constraints
 *   (both unknown here, hence refused when critical) and with no policy
 *   required by the verifier, RFC 5280 §6.1 path validation accepts any
 *   set of policies, so the extension changes no outcome.
 * Anything else marked critical (nameConstraints, policyConstraints,
 * policyMappings, inhibitAnyPolicy, private extensions …) would restrict
 * the certificate in a way we would not honour: refused. */
typedef struct
{
  const char *oid;
  const char *name;
  gboolean  (*readable) (const gnutls_datum_t *value);
} KnownExtensionInfo;

static gboolean
basic_constraints_readable (const gnutls_datum_t *value)
{
  unsigned int ca = 0;
  int pathlen = -1;

  return gnutls_x509_ext_import_basic_constraints (value, &ca, &pathlen) >= 0;
}

static gboolean
key_usage_readable (const gnutls_datum_t *value)
{
  unsigned int usage = 0;

  return gnutls_x509_ext_import_key_usage (value, &usage) >= 0;
}

static gboolean
key_purposes_readable (const gnutls_datum_t *value)
{
  gnutls_x509_key_purposes_t purposes = NULL;
  int ret;

  if (gnutls_x509_key_purpose_init (&purposes) < 0)
    return FALSE;
  ret = gnutls_x509_ext_import_key_purposes (value, purposes, 0);
  gnutls_x509_key_purpose_deinit (purposes);
  return ret >= 0;
}

static gboolean
subject_key_id_readable (const gnutls_datum_t *value)
{
  g_auto(IdwGnutlsDatum) id = { NULL, 0 };

  return gnutls_x509_ext_import_subject_key_id (value, &id) >= 0;
}

static gboolean
authority_key_id_readable (const gnutls_datum_t *value)
{
  gnutls_x509_aki_t aki = NULL;
  int ret;

  if (gnutls_x509_aki_init (&aki) < 0)
    return FALSE;
  ret = gnutls_x509_ext_import_authority_key_id (value, aki, 0);
  gnutls_x509_aki_deinit (aki);
  return ret >= 0;
}

/* SubjectAltName and IssuerAltName are both GeneralNames. */
static gboolean
alt_names_readable (const gnutls_datum_t *value)
{
  gnutls_subject_alt_names_t names = NULL;
  int ret;

  if (gnutls_subject_alt_names_init (&names) < 0)
    return FALSE;
  ret = gnutls_x509_ext_import_subject_alt_names (value, names, 0);
  gnutls_subject_alt_names_deinit (names);
  return ret >= 0;
}

static gboolean
crl_dist_points_readable (const gnutls_datum_t *value)
{
  gnutls_x509_crl_dist_points_t points = NULL;
  int ret;

  if (gnutls_x509_crl_dist_points_init (&points) < 0)
    return FALSE;
  ret = gnutls_x509_ext_import_crl_dist_points (value, points, 0);
  gnutls_x509_crl_dist_points_deinit (points);
  return ret >= 0;
}

static gboolean
policies_readable (const gnutls_datum_t *value)
{
  gnutls_x509_policies_t policies = NULL;
  int ret;

  if (gnutls_x509_policies_init (&policies) < 0)
    return FALSE;
  ret = gnutls_x509_ext_import_policies (value, policies, 0);
  gnutls_x509_policies_deinit (policies);
  return ret >= 0;
}

static gboolean
aia_readable (const gnutls_datum_t *value)
{
  gnutls_x509_aia_t aia = NULL;
  int ret;

  if (gnutls_x509_aia_init (&aia) < 0)
    return FALSE;
  ret = gnutls_x509_ext_import_aia (value, aia, 0);
  gnutls_x509_aia_deinit (aia);
  return ret >= 0;
}

static const KnownExtensionInfo known_extensions[N_KNOWN_EXTENSIONS] = {
  [EXT_BASIC_CONSTRAINTS] = { "2.5.29.19", "BasicConstraints", basic_constraints_readable },
  [EXT_KEY_USAGE] = { "2.5.29.15", "KeyUsage", key_usage_readable },
  [EXT_EXT_KEY_USAGE] = { "2.5.29.37", "ExtendedKeyUsage", key_purposes_readable },
  [EXT_SUBJECT_KEY_ID] = { "2.5.29.14", "SubjectKeyIdentifier", subject_key_id_readable },
  [EXT_AUTHORITY_KEY_ID] = { "2.5.29.35", "AuthorityKeyIdentifier", authority_key_id_readable },
  [EXT_SUBJECT_ALT_NAME] = { "2.5.29.17", "SubjectAltName", alt_names_readable },
  [EXT_ISSUER_ALT_NAME] = { "2.5.29.18", "IssuerAltName", alt_names_readable },
  [EXT_CRL_DIST_POINTS] = { "2.5.29.31", "CRLDistributionPoints", crl_dist_points_readable },
  [EXT_CERTIFICATE_POLICIES] = { "2.5.29.32", "CertificatePolicies", policies_readable },
  [EXT_AUTHORITY_INFO_ACCESS] = { "1.3.6.1.5.5.7.1.1", "AuthorityInfoAccess", aia_readable },
};

/* Extensions with a name worth showing that ID Wallet does not support. */
static const struct
{
  const char *oid;
  const char *name;
} unsupported_extensions[] = {
  { "2.5.29.30", "NameConstraints" },
  { "2.5.29.33", "PolicyMappings" },
  { "2.5.29.36", "PolicyConstraints" },
  { "2.5.29.54", "InhibitAnyPolicy" },
};

static int
find_known_extension (const char *oid)
{
  for (guint i = 0; i < N_KNOWN_EXTENSIONS; i++)
    {
      if (g_str_equal (known_extensions[i].oid, oid))
        return (int) i;
    }

  return -1;
}

/* "IssuerAltName (2.5.29.18)", or the bare OID of an unnamed extension. */
static char *
describe_extension (const char *oid)
{
  int known = find_known_extension (oid);

  if (known >= 0)
    return g_strdup_printf ("%s (%s)", known_extensions[known].name, oid);

  for (guint i = 0; i < G_N_ELEMENTS (unsupported_extensions); i++)
    {
      if (g_str_equal (unsupported_extensions[i].oid, oid))
        return g_strdup_printf ("%s (%s)", unsupported_extensions[i].name, oid);
    }

  return g_strdup (oid);
}

static void
note_bad_critical (IdwCertificate *cert,
                   const char     *oid,
                   gboolean        unreadable)
{
  if (cert->bad_critical != NULL)
    return;

  cert->bad_critical = describe_extension (oid);
  cert->bad_critical_unreadable = unreadable;
}

/* Sorts @outline's extensions as the comment at the top of the file
 * says, and returns the DER that GnuTLS is to import: the original, or a
 * copy without the unreadable known extensions. */
static GBytes *
sort_extensions (IdwCertificate          *cert,
                 const IdwDerCertificate *outline)
{
  g_autoptr(GPtrArray) ignored = g_ptr_array_new_with_free_func (g_free);
  g_autofree gboolean *drop = g_new0 (gboolean, outline->extensions->len + 1);
  gboolean any_dropped = FALSE;

  for (guint i = 0; i < outline->extensions->len; i++)
    {
      const IdwDerExtension *extension = &g_array_index (outline->extensions, IdwDerExtension, i);
      int known = find_known_extension (extension->oid);
      gnutls_datum_t value;

      if (known < 0)
        {
          /* GnuTLS skips unknown extensions; a critical one must not be. */
          if (extension->critical)
            note_bad_critical (cert, extension->oid, FALSE);
          continue;
        }

      cert->present |= EXT_BIT (known);
      value.data = (unsigned char *) extension->value;
      value.size = (unsigned int) extension->value_len;
      if (known_extensions[known].readable (&value))
        continue;

      cert->unreadable |= EXT_BIT (known);
      drop[i] = TRUE;
      any_dropped = TRUE;
      if (extension->critical)
        note_bad_critical (cert, extension->oid, TRUE);
      else
        g_ptr_array_add (ignored, describe_extension (extension->oid));
    }

  g_ptr_array_add (ignored, NULL);
  cert->ignored = (char **) g_ptr_array_free (g_steal_pointer (&ignored), FALSE);

  if (!any_dropped)
    return g_bytes_ref (cert->der);

  return idw_der_certificate_drop_extensions (outline, drop);
}

/* Imports @der into @cert->crt, and reads the validity period. */
static gboolean
import_into_gnutls (IdwCertificate  *cert,
                    GBytes          *der,
                    GError         **error)
{
  gnutls_datum_t datum;
  time_t not_before;
  time_t not_after;
  gsize len;
  int ret;

  ret = gnutls_x509_crt_init (&cert->crt);
  if (!check_gnutls (ret, "gnutls_x509_crt_init", error))
    return FALSE;

  datum.data = (unsigned char *) g_bytes_get_data (der, &len);
  datum.size = (unsigned int) len;
  ret = gnutls_x509_crt_import (cert->crt, &datum, GNUTLS_X509_FMT_DER);
  if (ret < 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("The certificate cannot be parsed: %s"), gnutls_strerror (ret));
      return FALSE;
    }

  /* gnutls returns (time_t) -1 only when the time cannot be read;
   * 99991231235959Z ("no expiry") comes back as a real time. */
  not_before = gnutls_x509_crt_get_activation_time (cert->crt);
  not_after = gnutls_x509_crt_get_expiration_time (cert->crt);
  if (not_before == (time_t) -1 || not_after == (time_t) -1)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("The certificate’s validity period cannot be read."));
      return FALSE;
    }

  cert->not_before = not_before;
  cert->not_after = not_after;
  return TRUE;
}

/**
 * idw_certificate_new_from_der:
 * @der: (array length=len): one DER-encoded X.509 certificate
 * @len: length of @der
 * @error: return location for a #GError
 *
 * Parses a certificate. The input must be exactly one DER certificate, with
 * no trailing bytes, so that the fingerprint and pinning cover what was
 * parsed. A known non-critical extension that cannot be read is ignored
 * and listed by idw_certificate_get_ignored_extensions(); a critical
 * extension that is unknown or cannot be read does not stop the parsing,
 * but idw_x509_validate_chain() refuses the certificate.
 *
 * Returns: (transfer full): a new certificate, or %NULL with
 *   %IDW_ERROR_BAD_CERTIFICATE
 */
IdwCertificate *
idw_certificate_new_from_der (const guint8  *der,
                              gsize          len,
                              GError       **error)
{
  g_auto(IdwDerCertificate) outline = { { 0, }, };
  g_autoptr(IdwCertificate) cert = NULL;
  g_autoptr(GBytes) gnutls_der = NULL;

  g_return_val_if_fail (der != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!der_is_one_sequence (der, len) || len > G_MAXUINT)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("The data is not a DER-encoded certificate."));
      return NULL;
    }

  if (!idw_der_certificate_parse (der, len, &outline, error))
    return NULL;

  cert = g_new0 (IdwCertificate, 1);
  g_atomic_ref_count_init (&cert->ref_count);
  cert->der = g_bytes_new (der, len);
  cert->tbs = g_bytes_new_from_bytes (cert->der, (gsize) (outline.tbs.tlv - der),
                                      outline.tbs.tlv_len);
  cert->signature = g_bytes_new_from_bytes (cert->der, (gsize) (outline.signature - der),
                                            outline.signature_len);

  gnutls_der = sort_extensions (cert, &outline);
  if (!import_into_gnutls (cert, gnutls_der, error))
    return NULL;

  return g_steal_pointer (&cert);
}

/**
 * idw_certificate_new_from_data:
 * @data: (array length=len): a certificate in PEM or DER
 * @len: length of @data
 * @error: return location for a #GError
 *
 * Parses @data as DER when it is exactly one DER SEQUENCE; otherwise the
 * first "CERTIFICATE" PEM block when @data contains "-----BEGIN". (DER
 * first, so that a name inside a DER certificate that happens to hold a
 * PEM block cannot stand in for the certificate.)
 *
 * Returns: (transfer full): a new certificate, or %NULL with
 *   %IDW_ERROR_BAD_CERTIFICATE
 */
IdwCertificate *
idw_certificate_new_from_data (const guint8  *data,
                               gsize          len,
                               GError       **error)
{
  g_auto(IdwGnutlsDatum) der = { NULL, 0 };
  gnutls_datum_t pem;
  int ret;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (der_is_one_sequence (data, len) || len > G_MAXUINT || len > G_MAXSSIZE
      || g_strstr_len ((const char *) data, (gssize) len, "-----BEGIN") == NULL)
    return idw_certificate_new_from_der (data, len, error);

  pem.data = (unsigned char *) data;
  pem.size = (unsigned int) len;
  ret = gnutls_pem_base64_decode2 ("CERTIFICATE", &pem, &der);
  if (ret < 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("The PEM data holds no readable certificate: %s"), gnutls_strerror (ret));
      return NULL;
    }

  return idw_certificate_new_from_der (der.data, der.size, error);
}

/**
 * idw_certificate_new_from_file:
 * @path: a file holding a certificate in PEM or DER
 * @error: return location for a #GError
 *
 * Reads a certificate file of at most %IDW_MAX_INPUT_FILE bytes.
 *
 * Returns: (transfer full): a new certificate, or %NULL with
 *   %IDW_ERROR_IO, %IDW_ERROR_LIMIT or %IDW_ERROR_BAD_CERTIFICATE
 */
IdwCertificate *
idw_certificate_new_from_file (const char  *path,
                               GError     **error)
{
  g_autoptr(GMappedFile) file = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display = NULL;
  gsize len;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  display = g_filename_display_name (path);

  /* Mapped, not read, so that an oversized file is refused before it
   * is loaded. */
  file = g_mapped_file_new (path, FALSE, &local_error);
  if (file == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_IO,
                   _("Could not read the certificate file “%s”: %s"),
                   display, local_error->message);
      return NULL;
    }

  len = g_mapped_file_get_length (file);
  if (len > IDW_MAX_INPUT_FILE)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The certificate file “%s” is larger than %d bytes."),
                   display, IDW_MAX_INPUT_FILE);
      return NULL;
    }

  if (len == 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("The certificate file “%s” is empty."), display);
      return NULL;
    }

  return idw_certificate_new_from_data ((const guint8 *) g_mapped_file_get_contents (file),
                                        len, error);
}

/**
 * idw_certificate_ref:
 * @cert: a certificate
 *
 * Returns: (transfer full): @cert
 */
IdwCertificate *
idw_certificate_ref (IdwCertificate *cert)
{
  g_return_val_if_fail (cert != NULL, NULL);

  g_atomic_ref_count_inc (&cert->ref_count);
  return cert;
}

/**
 * idw_certificate_unref:
 * @cert: (transfer full) (nullable): a certificate
 *
 * Drops a reference; the last one frees the certificate.
 */
void
idw_certificate_unref (IdwCertificate *cert)
{
  if (cert == NULL)
    return;

  if (g_atomic_ref_count_dec (&cert->ref_count))
    {
      if (cert->crt != NULL)
        gnutls_x509_crt_deinit (cert->crt);
      g_bytes_unref (cert->der);
      g_clear_pointer (&cert->tbs, g_bytes_unref);
      g_clear_pointer (&cert->signature, g_bytes_unref);
      g_strfreev (cert->ignored);
      g_free (cert->bad_critical);
      g_free (cert);
    }
}

/**
 * idw_certificate_get_der:
 * @cert: a certificate
 *
 * Returns: (transfer full): the DER encoding, exactly as parsed
 */
GBytes *
idw_certificate_get_der (IdwCertificate *cert)
{
  g_return_val_if_fail (cert != NULL, NULL);

  return g_bytes_ref (cert->der);
}

/**
 * idw_certificate_to_pem:
 * @cert: a certificate
 *
 * Returns: (transfer full): the certificate as a "CERTIFICATE" PEM block
 *   ending in a newline
 */
char *
idw_certificate_to_pem (IdwCertificate *cert)
{
  g_auto(IdwGnutlsDatum) pem = { NULL, 0 };
  gnutls_datum_t der;
  gsize len;
  int ret;

  g_return_val_if_fail (cert != NULL, NULL);

  der.data = (unsigned char *) g_bytes_get_data (cert->der, &len);
  der.size = (unsigned int) len;
  ret = gnutls_pem_base64_encode2 ("CERTIFICATE", &der, &pem);
  if (ret < 0)
    g_error ("Cannot encode a certificate as PEM: %s", gnutls_strerror (ret));

  return g_strndup ((const char *) pem.data, pem.size);
}

static char *
dn_to_string (gnutls_x509_crt_t crt,
              gboolean          issuer)
{
  g_auto(IdwGnutlsDatum) dn = { NULL, 0 };
  int ret;

  /* Flags 0: RFC 4514 order, i.e. the last RDN of the encoding first. */
  if (issuer)
    ret = gnutls_x509_crt_get_issuer_dn3 (crt, &dn, 0);
  else
    ret = gnutls_x509_crt_get_dn3 (crt, &dn, 0);

  if (ret < 0 || dn.data == NULL)
    return g_strdup ("");

  /* GnuTLS copies a UTF8String's bytes as they are, valid or not, and the
   * name goes into messages and verdicts (found by fuzzing): valid UTF-8,
   * each stray byte visible as \xNN. Control characters are left for
   * whoever shows the name to escape. */
  return idw_text_make_valid ((const char *) dn.data, dn.size);
}

/**
 * idw_certificate_get_subject:
 * @cert: a certificate
 *
 * The subject as an RFC 4514 string, as GnuTLS formats it: the last RDN of
 * the encoding first, special characters escaped. The ISO 18013-5 Annex D
 * DS certificate gives "C=US,CN=utopia ds".
 *
 * Returns: (transfer full): the subject, always valid UTF-8 (stray bytes
 *   as \xNN); "" for an empty subject
 */
char *
idw_certificate_get_subject (IdwCertificate *cert)
{
  g_return_val_if_fail (cert != NULL, NULL);

  return dn_to_string (cert->crt, FALSE);
}

/**
 * idw_certificate_get_issuer:
 * @cert: a certificate
 *
 * The issuer as an RFC 4514 string, formatted as idw_certificate_get_subject().
 *
 * Returns: (transfer full): the issuer; "" for an empty issuer name
 */
char *
idw_certificate_get_issuer (IdwCertificate *cert)
{
  g_return_val_if_fail (cert != NULL, NULL);

  return dn_to_string (cert->crt, TRUE);
}

static gboolean
ava_has_oid (const gnutls_x509_ava_st *ava,
             const char               *oid)
{
  gsize oid_len = strlen (oid);
  gsize len = ava->oid.size;

  /* gnutls counts the terminating NUL of the dotted OID. */
  if (len > 0 && ava->oid.data[len - 1] == '\0')
    len--;

  return len == oid_len && memcmp (ava->oid.data, oid, oid_len) == 0;
}

/* A DirectoryString value as UTF-8, or NULL when it cannot be shown
 * faithfully (bad encoding, embedded NUL, unusual string type). */
static char *
ava_value_to_utf8 (const gnutls_x509_ava_st *ava)
{
  const char *data = (const char *) ava->value.data;
  gsize len = ava->value.size;

  if (data == NULL || len > G_MAXSSIZE)
    return NULL;

  switch (ava->value_tag)
    {
    case 12: /* UTF8String */
    case 19: /* PrintableString */
    case 22: /* IA5String */
    case 20: /* TeletexString, in practice used for ASCII or UTF-8 */
      /* g_utf8_validate_len() also rejects embedded NULs. */
      if (!g_utf8_validate_len (data, len, NULL))
        return NULL;
      return g_strndup (data, len);

    case 30: /* BMPString: UCS-2 big-endian */
      return g_convert (data, (gssize) len, "UTF-8", "UTF-16BE", NULL, NULL, NULL);

    case 28: /* UniversalString: UCS-4 big-endian */
      return g_convert (data, (gssize) len, "UTF-8", "UCS-4BE", NULL, NULL, NULL);

    default:
      return NULL;
    }
}

/* The first subject attribute of type @oid (in encoding order) that is
 * representable as UTF-8 and, if @wanted_value is given, equals it. */
static char *
get_subject_attribute (IdwCertificate *cert,
                       const char     *oid,
                       const char     *wanted_value)
{
  gnutls_x509_dn_t dn;

  if (gnutls_x509_crt_get_subject (cert->crt, &dn) < 0)
    return NULL;

  /* A DN has at most a handful of RDNs; the bound only guards the loop. */
  for (int irdn = 0; irdn < 256; irdn++)
    {
      for (int iava = 0; iava < 64; iava++)
        {
          gnutls_x509_ava_st ava;
          g_autofree char *value = NULL;
          int ret;

          ret = gnutls_x509_dn_get_rdn_ava (dn, irdn, iava, &ava);
          if (ret < 0)
            {
              if (iava == 0)
                return NULL;  /* no more RDNs */
              break;          /* no more attributes in this RDN */
            }

          if (!ava_has_oid (&ava, oid))
            continue;

          value = ava_value_to_utf8 (&ava);
          if (value == NULL)
            continue;

          if (wanted_value == NULL || g_str_equal (value, wanted_value))
            return g_steal_pointer (&value);
        }
    }

  return NULL;
}

/**
 * idw_certificate_get_common_name:
 * @cert: a certificate
 *
 * Returns: (transfer full) (nullable): the first commonName of the subject
 *   as UTF-8, or %NULL when absent or not representable
 */
char *
idw_certificate_get_common_name (IdwCertificate *cert)
{
  g_return_val_if_fail (cert != NULL, NULL);

  return get_subject_attribute (cert, GNUTLS_OID_X520_COMMON_NAME, NULL);
}

/**
 * idw_certificate_get_country:
 * @cert: a certificate
 *
 * Returns: (transfer full) (nullable): the subject's countryName, or %NULL
 */
char *
idw_certificate_get_country (IdwCertificate *cert)
{
  g_return_val_if_fail (cert != NULL, NULL);

  return get_subject_attribute (cert, GNUTLS_OID_X520_COUNTRY_NAME, NULL);
}

/**
 * idw_certificate_get_organization:
 * @cert: a certificate
 *
 * Returns: (transfer full) (nullable): the subject's first organizationName,
 *   or %NULL
 */
char *
idw_certificate_get_organization (IdwCertificate *cert)
{
  g_return_val_if_fail (cert != NULL, NULL);

  return get_subject_attribute (cert, GNUTLS_OID_X520_ORGANIZATION_NAME, NULL);
}

/**
 * idw_certificate_get_not_before:
 * @cert: a certificate
 *
 * Returns: (transfer full): the start of the validity period, in UTC
 */
GDateTime *
idw_certificate_get_not_before (IdwCertificate *cert)
{
  g_return_val_if_fail (cert != NULL, NULL);

  return g_date_time_new_from_unix_utc (cert->not_before);
}

/**
 * idw_certificate_get_not_after:
 * @cert: a certificate
 *
 * Returns: (transfer full): the end of the validity period (inclusive), in UTC
 */
GDateTime *
idw_certificate_get_not_after (IdwCertificate *cert)
{
  g_return_val_if_fail (cert != NULL, NULL);

  return g_date_time_new_from_unix_utc (cert->not_after);
}

/**
 * idw_certificate_get_fingerprint:
 * @cert: a certificate
 *
 * Returns: (transfer full): the SHA-256 of the DER encoding, 64 lowercase
 *   hex digits
 */
char *
idw_certificate_get_fingerprint (IdwCertificate *cert)
{
  g_return_val_if_fail (cert != NULL, NULL);

  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, cert->der);
}

/* Big-endian @in, stripped of leading zeros, left-padded to @size. */
static gboolean
pad_coordinate (const gnutls_datum_t *in,
                guint8               *out,
                gsize                 size)
{
  const guint8 *data = in->data;
  gsize len = in->size;

  while (len > 0 && data[0] == 0)
    {
      data++;
      len--;
    }

  if (len > size)
    return FALSE;

  memset (out, 0, size - len);
  if (len > 0)
    memcpy (out + size - len, data, len);
  return TRUE;
}

/**
 * idw_certificate_get_public_key:
 * @cert: a certificate
 * @error: return location for a #GError
 *
 * The subject public key as an #IdwKey.
 *
 * Returns: (transfer full): the key, or %NULL with %IDW_ERROR_UNSUPPORTED
 *   (a key other than Ed25519 or EC P-256/P-384/P-521),
 *   %IDW_ERROR_BAD_CERTIFICATE (an unreadable key) or the error of the
 *   #IdwKey constructor (an invalid point)
 */
IdwKey *
idw_certificate_get_public_key (IdwCertificate  *cert,
                                GError         **error)
{
  g_auto(gnutls_pubkey_t) pubkey = NULL;
  g_auto(IdwGnutlsDatum) x = { NULL, 0 };
  g_auto(IdwGnutlsDatum) y = { NULL, 0 };
  g_autofree char *subject = NULL;
  gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
  int algorithm;
  int ret;

  g_return_val_if_fail (cert != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  subject = idw_certificate_get_subject (cert);

  ret = gnutls_pubkey_init (&pubkey);
  if (!check_gnutls (ret, "gnutls_pubkey_init", error))
    return NULL;

  ret = gnutls_pubkey_import_x509 (pubkey, cert->crt, 0);
  if (ret == GNUTLS_E_ECC_UNSUPPORTED_CURVE)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("The certificate “%s” has a public key on an elliptic curve that is not supported."),
                   subject);
      return NULL;
    }
  else if (ret < 0)
    {
      algorithm = gnutls_x509_crt_get_pk_algorithm (cert->crt, NULL);
      if (algorithm >= 0 && algorithm != GNUTLS_PK_ECDSA
          && algorithm != GNUTLS_PK_EDDSA_ED25519)
        goto unsupported;

      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("The public key of certificate “%s” cannot be read: %s"),
                   subject, gnutls_strerror (ret));
      return NULL;
    }

  algorithm = gnutls_pubkey_get_pk_algorithm (pubkey, NULL);

  if (algorithm == GNUTLS_PK_EDDSA_ED25519)
    {
      ret = gnutls_pubkey_export_ecc_raw2 (pubkey, &curve, &x, NULL, 0);
      if (ret < 0 || curve != GNUTLS_ECC_CURVE_ED25519)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                       _("The Ed25519 public key of certificate “%s” cannot be read."),
                       subject);
          return NULL;
        }

      return idw_key_new_ed25519_public (x.data, x.size, error);
    }

  if (algorithm == GNUTLS_PK_ECDSA)
    {
      guint8 xb[66];
      guint8 yb[66];
      IdwCurve idw_curve;
      gsize size;

      ret = gnutls_pubkey_export_ecc_raw2 (pubkey, &curve, &x, &y, GNUTLS_EXPORT_FLAG_NO_LZ);
      if (ret < 0)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                       _("The EC public key of certificate “%s” cannot be read: %s"),
                       subject, gnutls_strerror (ret));
          return NULL;
        }

      switch ((int) curve)
        {
        case GNUTLS_ECC_CURVE_SECP256R1:
          idw_curve = IDW_CURVE_P256;
          size = 32;
          break;
        case GNUTLS_ECC_CURVE_SECP384R1:
          idw_curve = IDW_CURVE_P384;
          size = 48;
          break;
        case GNUTLS_ECC_CURVE_SECP521R1:
          idw_curve = IDW_CURVE_P521;
          size = 66;
          break;
        default:
          {
            const char *curve_name = gnutls_ecc_curve_get_name (curve);

            g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                         _("The certificate “%s” has a public key on the curve %s, which is not supported."),
                         subject, curve_name != NULL ? curve_name : "?");
            return NULL;
          }
        }

      if (!pad_coordinate (&x, xb, size) || !pad_coordinate (&y, yb, size))
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                       _("The EC public key of certificate “%s” is malformed."), subject);
          return NULL;
        }

      return idw_key_new_ec_public (idw_curve, xb, size, yb, size, error);
    }

unsupported:
  {
    const char *name = gnutls_pk_get_name ((gnutls_pk_algorithm_t) algorithm);

    /* Translators: the second %s is an algorithm name such as "RSA". */
    g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                 _("The certificate “%s” has a %s public key; only Ed25519 and EC P-256, P-384 and P-521 keys are supported."),
                 subject, name != NULL ? name : "?");
    return NULL;
  }
}

/**
 * idw_certificate_is_test_issuer:
 * @cert: a certificate
 *
 * Whether the subject carries the ID Wallet test-issuer marker: an
 * organizationalUnitName of exactly "ID Wallet Test Issuer". Certificates
 * made by `id-wallet-cli issuer init --test` carry it on the IACA and the
 * DS.
 *
 * Returns: %TRUE for a test issuer's certificate
 */
gboolean
idw_certificate_is_test_issuer (IdwCertificate *cert)
{
  g_autofree char *value = NULL;

  g_return_val_if_fail (cert != NULL, FALSE);

  value = get_subject_attribute (cert, GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME,
                                 IDW_TEST_ISSUER_OU);
  return value != NULL;
}

/**
 * idw_certificate_equal:
 * @a: (nullable): a certificate
 * @b: (nullable): a certificate
 *
 * Returns: %TRUE when both DER encodings are identical (or both are %NULL)
 */
gboolean
idw_certificate_equal (IdwCertificate *a,
                       IdwCertificate *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return a == b || g_bytes_equal (a->der, b->der);
}

/**
 * idw_certificate_get_ignored_extensions:
 * @cert: a certificate
 *
 * The non-critical extensions that ID Wallet knows but could not read,
 * and so ignored, in certificate order, each as its name and OID, e.g.
 * "IssuerAltName (2.5.29.18)". A verifier can show them in a check's
 * detail.
 *
 * Returns: (transfer none) (array zero-terminated=1): the names; an
 *   empty array when nothing was ignored
 */
const char * const *
idw_certificate_get_ignored_extensions (IdwCertificate *cert)
{
  g_return_val_if_fail (cert != NULL, NULL);

  return (const char * const *) cert->ignored;
}

/* A CBOR byte string's content; indefinite strings are joined. */
static GBytes *
dup_cbor_bytes (cbor_item_t *item)
{
  GByteArray *joined;
  cbor_item_t **chunks;
  gsize n;

  if (cbor_bytestring_is_definite (item))
    return g_bytes_new (cbor_bytestring_handle (item), cbor_bytestring_length (item));

  joined = g_byte_array_new ();
  chunks = cbor_bytestring_chunks_handle (item);
  n = cbor_bytestring_chunk_count (item);
  for (gsize i = 0; i < n; i++)
    g_byte_array_append (joined, cbor_bytestring_handle (chunks[i]),
                         (guint) cbor_bytestring_length (chunks[i]));

  return g_byte_array_free_to_bytes (joined);
}

static IdwCertificate *
certificate_from_cbor (cbor_item_t  *item,
                       int           index,
                       GError      **error)
{
  g_autoptr(GBytes) der = NULL;
  g_autoptr(GError) local_error = NULL;
  IdwCertificate *cert;
  gsize len;
  const guint8 *data;

  if (!cbor_isa_bytestring (item))
    {
      if (index < 0)
        g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                     _("x5chain: expected a byte string or an array of byte strings"));
      else
        g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                     _("x5chain[%d]: expected a byte string"), index);
      return NULL;
    }

  der = dup_cbor_bytes (item);
  data = g_bytes_get_data (der, &len);
  cert = idw_certificate_new_from_der (data, len, &local_error);
  if (cert == NULL)
    {
      if (index < 0)
        g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                     _("x5chain: %s"), local_error->message);
      else
        g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                     _("x5chain[%d]: %s"), index, local_error->message);
      return NULL;
    }

  return cert;
}

/**
 * idw_x5chain_parse:
 * @x5chain: the x5chain header value (COSE header 33)
 * @error: return location for a #GError
 *
 * Parses one DER byte string or an array of 1 to %IDW_MAX_X5CHAIN of them,
 * leaf (the DS certificate) first. Indefinite-length byte strings are
 * accepted.
 *
 * Returns: (transfer full) (element-type IdwCertificate): the certificates,
 *   or %NULL with %IDW_ERROR_MISSING_FIELD (no @x5chain),
 *   %IDW_ERROR_WRONG_TYPE, %IDW_ERROR_MALFORMED (an empty array),
 *   %IDW_ERROR_LIMIT (too many certificates) or %IDW_ERROR_BAD_CERTIFICATE
 */
GPtrArray *
idw_x5chain_parse (cbor_item_t  *x5chain,
                   GError      **error)
{
  g_autoptr(GPtrArray) chain = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (x5chain == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                   _("x5chain: missing"));
      return NULL;
    }

  chain = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_certificate_unref);

  if (cbor_isa_array (x5chain))
    {
      gsize n = cbor_array_size (x5chain);
      cbor_item_t **items = cbor_array_handle (x5chain);

      if (n == 0)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                       _("x5chain: the array of certificates is empty"));
          return NULL;
        }

      if (n > IDW_MAX_X5CHAIN)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                       _("x5chain: %u certificates, more than the %d allowed"),
                       (guint) n, IDW_MAX_X5CHAIN);
          return NULL;
        }

      for (gsize i = 0; i < n; i++)
        {
          IdwCertificate *cert = certificate_from_cbor (items[i], (int) i, error);

          if (cert == NULL)
            return NULL;
          g_ptr_array_add (chain, cert);
        }
    }
  else
    {
      IdwCertificate *cert = certificate_from_cbor (x5chain, -1, error);

      if (cert == NULL)
        return NULL;
      g_ptr_array_add (chain, cert);
    }

  return g_steal_pointer (&chain);
}

/* Trust rules (docs/formats.md, "Trust rules") */

/* Whether @issuer's key made @cert's signature over @cert's original
 * tbsCertificate, with an algorithm that is secure for certificates and
 * that @issuer's key can make. The caller has checked that @issuer's name
 * (and key identifier) match @cert's issuer; whether @issuer may issue
 * certificates at all is check_issuer()'s question. */
static gboolean
verify_link (IdwCertificate  *cert,
             IdwCertificate  *issuer,
             GError         **error)
{
  g_autofree char *subject = idw_certificate_get_subject (cert);
  g_autofree char *issuer_subject = idw_certificate_get_subject (issuer);
  g_auto(gnutls_pubkey_t) pubkey = NULL;
  gnutls_datum_t tbs;
  gnutls_datum_t signature;
  const char *name;
  int sign_algorithm;
  int issuer_algorithm;
  gsize len;
  int ret;

  /* The outer signatureAlgorithm, which equals the tbsCertificate's (the
   * DER reader checked) and is unchanged in GnuTLS's copy. */
  sign_algorithm = gnutls_x509_crt_get_signature_algorithm (cert->crt);
  if (sign_algorithm <= GNUTLS_SIGN_UNKNOWN)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("The certificate “%s” is signed with an algorithm that is not supported."),
                   subject);
      return FALSE;
    }

  name = gnutls_sign_get_name ((gnutls_sign_algorithm_t) sign_algorithm);
  if (name == NULL)
    name = "?";

  if (!gnutls_sign_is_secure2 ((gnutls_sign_algorithm_t) sign_algorithm,
                               GNUTLS_SIGN_FLAG_SECURE_FOR_CERTS))
    {
      /* Translators: the second %s is a signature algorithm such as
       * "RSA-SHA1". */
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("The certificate “%s” is signed with %s, an algorithm that is not secure."),
                   subject, name);
      return FALSE;
    }

  /* A signature algorithm that the issuer's key cannot make is a
   * signature the issuer did not make. */
  issuer_algorithm = gnutls_x509_crt_get_pk_algorithm (issuer->crt, NULL);
  if (issuer_algorithm >= 0
      && !gnutls_sign_supports_pk_algorithm ((gnutls_sign_algorithm_t) sign_algorithm,
                                             (gnutls_pk_algorithm_t) issuer_algorithm))
    {
      /* Translators: the third %s is a signature algorithm such as
       * "ECDSA-SHA256". */
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE,
                   _("The signature of certificate “%s” by “%s” is not valid: the key of the issuer cannot make %s signatures."),
                   subject, issuer_subject, name);
      return FALSE;
    }

  ret = gnutls_pubkey_init (&pubkey);
  if (!check_gnutls (ret, "gnutls_pubkey_init", error))
    return FALSE;

  ret = gnutls_pubkey_import_x509 (pubkey, issuer->crt, 0);
  if (ret < 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("The public key of certificate “%s” cannot be read: %s"),
                   issuer_subject, gnutls_strerror (ret));
      return FALSE;
    }

  /* X.509 ECDSA signatures are DER, as GnuTLS expects them. */
  tbs.data = (unsigned char *) g_bytes_get_data (cert->tbs, &len);
  tbs.size = (unsigned int) len;
  signature.data = (unsigned char *) g_bytes_get_data (cert->signature, &len);
  signature.size = (unsigned int) len;
  ret = gnutls_pubkey_verify_data2 (pubkey, (gnutls_sign_algorithm_t) sign_algorithm, 0,
                                    &tbs, &signature);
  if (ret < 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE,
                   _("The signature of certificate “%s” by “%s” is not valid."),
                   subject, issuer_subject);
      return FALSE;
    }

  return TRUE;
}

static IdwCertificate *
find_pinned_anchor (IdwCertificate *cert,
                    GPtrArray      *anchors)
{
  for (guint i = 0; anchors != NULL && i < anchors->len; i++)
    {
      IdwCertificate *anchor = g_ptr_array_index (anchors, i);

      if (idw_certificate_equal (cert, anchor))
        return anchor;
    }

  return NULL;
}

/* An anchor whose name and key identifier make it @cert's issuer and whose
 * key signed @cert. When some anchor matches by name but its signature
 * check fails, @error says why; with no candidate at all it stays unset. */
static IdwCertificate *
find_issuing_anchor (IdwCertificate  *cert,
                     GPtrArray       *anchors,
                     GError         **error)
{
  g_autoptr(GError) first_error = NULL;
  /* A self-issued certificate that a same-named anchor did not sign is
   * someone else's root that happens to share the name: untrusted, not
   * forged. */
  gboolean self_issued = gnutls_x509_crt_check_issuer (cert->crt, cert->crt);

  for (guint i = 0; anchors != NULL && i < anchors->len; i++)
    {
      IdwCertificate *anchor = g_ptr_array_index (anchors, i);
      g_autoptr(GError) local_error = NULL;

      /* Issuer DN equals the anchor's subject and, when both are present,
       * the authority key identifier equals its subject key identifier:
       * two issuers with the same name but different keys do not match. */
      if (!gnutls_x509_crt_check_issuer (cert->crt, anchor->crt))
        continue;

      if (verify_link (cert, anchor, &local_error))
        return anchor;

      if (first_error == NULL && !self_issued)
        first_error = g_steal_pointer (&local_error);
    }

  if (first_error != NULL)
    g_propagate_error (error, g_steal_pointer (&first_error));

  return NULL;
}

/* Fills @path with the certificates from the DS to a trust anchor: walks
 * @chain from the DS and stops at the first member that equals an anchor
 * (which ends the path) or that an anchor issued (the anchor ends it).
 * Otherwise the next member must be the issuer by name and key
 * identifier, and its key must verify the member's signature. Chain
 * members after the path are ignored. */
static gboolean
build_path (GPtrArray  *chain,
            GPtrArray  *anchors,
            GPtrArray  *path,
            GError    **error)
{
  g_autoptr(GError) anchor_error = NULL;
  IdwCertificate *top;
  g_autofree char *issuer = NULL;

  for (guint i = 0; i < chain->len; i++)
    {
      IdwCertificate *cert = g_ptr_array_index (chain, i);
      IdwCertificate *anchor;
      IdwCertificate *next;
      g_autoptr(GError) local_error = NULL;

      anchor = find_pinned_anchor (cert, anchors);
      if (anchor != NULL)
        {
          g_ptr_array_add (path, idw_certificate_ref (anchor));
          return TRUE;
        }

      g_ptr_array_add (path, idw_certificate_ref (cert));

      anchor = find_issuing_anchor (cert, anchors, &local_error);
      if (anchor != NULL)
        {
          g_ptr_array_add (path, idw_certificate_ref (anchor));
          return TRUE;
        }

      if (local_error != NULL && anchor_error == NULL)
        anchor_error = g_steal_pointer (&local_error);

      if (i + 1 == chain->len)
        break;

      next = g_ptr_array_index (chain, i + 1);
      if (!gnutls_x509_crt_check_issuer (cert->crt, next->crt))
        {
          g_autofree char *subject = idw_certificate_get_subject (cert);
          g_autofree char *next_subject = idw_certificate_get_subject (next);

          if (anchor_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&anchor_error));
              return FALSE;
            }

          g_set_error (error, IDW_ERROR, IDW_ERROR_UNTRUSTED,
                       _("The certificate “%s” was not issued by the next certificate in the chain, “%s”."),
                       subject, next_subject);
          return FALSE;
        }

      if (!verify_link (cert, next, error))
        return FALSE;
    }

  /* A name-matching anchor whose signature check failed says more than
   * "unknown issuer": the certificate is forged or damaged. */
  if (anchor_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&anchor_error));
      return FALSE;
    }

  top = g_ptr_array_index (chain, chain->len - 1);
  issuer = idw_certificate_get_issuer (top);
  g_set_error (error, IDW_ERROR, IDW_ERROR_UNTRUSTED,
               _("No trusted issuer certificate matches “%s”."), issuer);
  return FALSE;
}

/* RFC 5280 §4.2: a critical extension that is not recognised, or cannot
 * be processed, makes the certificate unusable. */
static gboolean
check_critical_extensions (IdwCertificate  *cert,
                           GError         **error)
{
  g_autofree char *subject = NULL;

  if (cert->bad_critical == NULL)
    return TRUE;

  subject = idw_certificate_get_subject (cert);
  /* Translators: the second %s names an extension, such as
   * "NameConstraints (2.5.29.30)" or a bare OID. */
  if (cert->bad_critical_unreadable)
    g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                 _("The certificate “%s” has a critical extension %s that cannot be read, so it cannot be trusted."),
                 subject, cert->bad_critical);
  else
    g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                 _("The certificate “%s” has a critical extension %s that is not supported, so it cannot be trusted."),
                 subject, cert->bad_critical);
  return FALSE;
}

/* The extensions that say what a certificate may do must be readable,
 * even when non-critical: ignoring an unreadable basicConstraints would
 * make a CA look like a document signer. */
static gboolean
check_rule_extensions_readable (IdwCertificate  *cert,
                                GError         **error)
{
  static const KnownExtension rule_extensions[] = {
    EXT_BASIC_CONSTRAINTS, EXT_KEY_USAGE, EXT_EXT_KEY_USAGE,
  };

  for (guint i = 0; i < G_N_ELEMENTS (rule_extensions); i++)
    {
      KnownExtension ext = rule_extensions[i];

      if (cert->unreadable & EXT_BIT (ext))
        {
          g_autofree char *subject = idw_certificate_get_subject (cert);

          /* Translators: the second %s is an extension name such as
           * "KeyUsage", the third its OID. */
          g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                       _("The certificate “%s” has a %s extension (%s) that cannot be read; it says what the certificate may be used for, so the certificate cannot be trusted."),
                       subject, known_extensions[ext].name, known_extensions[ext].oid);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
has_key_purpose (IdwCertificate *cert,
                 const char     *wanted)
{
  /* The bound only guards the loop. */
  for (guint i = 0; i < 256; i++)
    {
      char oid[128];
      size_t size = sizeof oid;
      unsigned int critical = 0;
      int ret;

      ret = gnutls_x509_crt_get_key_purpose_oid (cert->crt, i, oid, &size, &critical);
      if (ret == GNUTLS_E_SHORT_MEMORY_BUFFER)
        continue;  /* longer than any OID we look for */
      if (ret < 0)
        return FALSE;
      if (g_str_equal (oid, wanted))
        return TRUE;
    }

  return FALSE;
}

/* Annex B: the DS's countryName is the IACA's. */
static gboolean
check_same_country (IdwCertificate  *ds,
                    IdwCertificate  *iaca,
                    GError         **error)
{
  g_autofree char *subject = idw_certificate_get_subject (ds);
  g_autofree char *iaca_subject = idw_certificate_get_subject (iaca);
  g_autofree char *country = idw_certificate_get_country (ds);
  g_autofree char *iaca_country = idw_certificate_get_country (iaca);

  if (iaca_country == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("The issuing authority certificate “%s” names no country, so the document signer certificate “%s” cannot be matched to it."),
                   iaca_subject, subject);
      return FALSE;
    }

  if (country == NULL)
    {
      /* Translators: the last %s is a country code such as "DE". */
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("The document signer certificate “%s” names no country, but its issuing authority “%s” is for %s."),
                   subject, iaca_subject, iaca_country);
      return FALSE;
    }

  /* countryName compares case-insensitively (X.520 caseIgnoreMatch). */
  if (g_ascii_strcasecmp (country, iaca_country) != 0)
    {
      /* Translators: the second and the last %s are country codes such
       * as "DE". */
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("The document signer certificate “%s” is for the country %s, but its issuing authority “%s” is for %s."),
                   subject, country, iaca_subject, iaca_country);
      return FALSE;
    }

  return TRUE;
}

/* ISO 18013-5 Annex B (Table B.3, document signer certificate), for a DS
 * under @iaca. */
static gboolean
check_document_signer (IdwCertificate  *ds,
                       IdwCertificate  *iaca,
                       GError         **error)
{
  g_autofree char *subject = idw_certificate_get_subject (ds);
  unsigned int critical = 0;
  unsigned int ca = 0;
  unsigned int usage = 0;
  int pathlen = -1;
  int ret;

  ret = gnutls_x509_crt_get_basic_constraints (ds->crt, &critical, &ca, &pathlen);
  if (ret >= 0 && ca)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("The document signer certificate “%s” is a certificate authority (CA) certificate, which must not sign documents."),
                   subject);
      return FALSE;
    }

  ret = gnutls_x509_crt_get_key_usage (ds->crt, &usage, &critical);
  if (ret < 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("The document signer certificate “%s” has no key usage extension; it needs one that allows digital signatures."),
                   subject);
      return FALSE;
    }

  if (!(usage & GNUTLS_KEY_DIGITAL_SIGNATURE))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("The document signer certificate “%s” is not allowed to make digital signatures."),
                   subject);
      return FALSE;
    }

  if (!(ds->present & EXT_BIT (EXT_EXT_KEY_USAGE)))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("The document signer certificate “%s” has no extended key usage extension; it needs one with the mdoc document signer purpose (%s)."),
                   subject, IDW_OID_MDL_DS);
      return FALSE;
    }

  if (!has_key_purpose (ds, IDW_OID_MDL_DS))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("The extended key usage of the document signer certificate “%s” does not include the mdoc document signer purpose (%s)."),
                   subject, IDW_OID_MDL_DS);
      return FALSE;
    }

  return check_same_country (ds, iaca, error);
}

static gboolean
is_self_issued (IdwCertificate *cert)
{
  g_auto(IdwGnutlsDatum) subject = { NULL, 0 };
  g_auto(IdwGnutlsDatum) issuer = { NULL, 0 };

  if (gnutls_x509_crt_get_raw_dn (cert->crt, &subject) < 0
      || gnutls_x509_crt_get_raw_issuer_dn (cert->crt, &issuer) < 0)
    return FALSE;

  return subject.size == issuer.size
         && (subject.size == 0 || memcmp (subject.data, issuer.data, subject.size) == 0);
}

/* @issuer issued @issued on a path to the document signer @ds, with
 * @cas_below intermediate CA certificates (self-issued ones not counted,
 * RFC 5280 §6.1.4 (l)) between @issuer and @ds. */
static gboolean
check_issuer (IdwCertificate  *issuer,
              IdwCertificate  *issued,
              IdwCertificate  *ds,
              guint            cas_below,
              GError         **error)
{
  g_autofree char *subject = idw_certificate_get_subject (issuer);
  g_autofree char *issued_subject = idw_certificate_get_subject (issued);
  unsigned int critical = 0;
  unsigned int ca = 0;
  unsigned int usage = 0;
  int pathlen = -1;
  int ret;

  /* Only basicConstraints cA makes a CA: never a v1 certificate. */
  ret = gnutls_x509_crt_get_basic_constraints (issuer->crt, &critical, &ca, &pathlen);
  if (gnutls_x509_crt_get_version (issuer->crt) < 3 || ret < 0 || !ca)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("The certificate “%s” is not a certificate authority, so it cannot issue “%s”."),
                   subject, issued_subject);
      return FALSE;
    }

  ret = gnutls_x509_crt_get_key_usage (issuer->crt, &usage, &critical);
  if (ret >= 0 && !(usage & GNUTLS_KEY_KEY_CERT_SIGN))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("The key usage of certificate “%s” does not allow it to sign certificates (keyCertSign), so it cannot issue “%s”."),
                   subject, issued_subject);
      return FALSE;
    }

  if (pathlen >= 0 && cas_below > (guint) pathlen)
    {
      g_autofree char *ds_subject = idw_certificate_get_subject (ds);

      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The issuer certificate “%s” has a path length constraint of %d, which does not allow the %u intermediate certificate authority between it and the document signer “%s”.",
                                "The issuer certificate “%s” has a path length constraint of %d, which does not allow the %u intermediate certificate authorities between it and the document signer “%s”.",
                                cas_below),
                   subject, pathlen, cas_below, ds_subject);
      return FALSE;
    }

  return TRUE;
}

/* ISO 18013-5 Annex B for a DS reached through an IACA: @path is the DS,
 * any intermediates, and the anchor. */
static gboolean
check_annex_b_path (GPtrArray  *path,
                    GError    **error)
{
  IdwCertificate *ds = g_ptr_array_index (path, 0);
  IdwCertificate *anchor = g_ptr_array_index (path, path->len - 1);
  guint cas_below = 0;

  for (guint i = 0; i < path->len; i++)
    {
      if (!check_rule_extensions_readable (g_ptr_array_index (path, i), error))
        return FALSE;
    }

  if (!check_document_signer (ds, anchor, error))
    return FALSE;

  for (guint i = 1; i < path->len; i++)
    {
      IdwCertificate *issuer = g_ptr_array_index (path, i);

      if (!check_issuer (issuer, g_ptr_array_index (path, i - 1), ds, cas_below, error))
        return FALSE;

      if (!is_self_issued (issuer))
        cas_below++;
    }

  return TRUE;
}

/* Whether @cert was valid when the document was signed. */
static gboolean
check_valid_at_signing (IdwCertificate  *cert,
                        gboolean         is_document_signer,
                        GDateTime       *signed_at,
                        GError         **error)
{
  g_autoptr(GDateTime) not_before = idw_certificate_get_not_before (cert);
  g_autoptr(GDateTime) not_after = idw_certificate_get_not_after (cert);
  g_autofree char *subject = idw_certificate_get_subject (cert);
  g_autofree char *when = format_time (signed_at);

  if (g_date_time_compare (signed_at, not_before) < 0)
    {
      g_autofree char *from = format_time (not_before);

      /* Translators: "The document was signed on <date>, before …" */
      if (is_document_signer)
        g_set_error (error, IDW_ERROR, IDW_ERROR_NOT_YET_VALID,
                     _("The document was signed on %s, before the document signer certificate “%s” became valid on %s."),
                     when, subject, from);
      else
        g_set_error (error, IDW_ERROR, IDW_ERROR_NOT_YET_VALID,
                     _("The document was signed on %s, before the issuer certificate “%s” became valid on %s."),
                     when, subject, from);
      return FALSE;
    }

  if (g_date_time_compare (signed_at, not_after) > 0)
    {
      g_autofree char *until = format_time (not_after);

      if (is_document_signer)
        g_set_error (error, IDW_ERROR, IDW_ERROR_EXPIRED,
                     _("The document was signed on %s, after the document signer certificate “%s” expired on %s."),
                     when, subject, until);
      else
        g_set_error (error, IDW_ERROR, IDW_ERROR_EXPIRED,
                     _("The document was signed on %s, after the issuer certificate “%s” expired on %s."),
                     when, subject, until);
      return FALSE;
    }

  return TRUE;
}

/* Whether @cert is valid at @now. */
static gboolean
check_valid_now (IdwCertificate  *cert,
                 gboolean         is_document_signer,
                 GDateTime       *now,
                 GError         **error)
{
  g_autoptr(GDateTime) not_before = idw_certificate_get_not_before (cert);
  g_autoptr(GDateTime) not_after = idw_certificate_get_not_after (cert);
  g_autofree char *subject = idw_certificate_get_subject (cert);

  if (g_date_time_compare (now, not_before) < 0)
    {
      g_autofree char *from = format_time (not_before);

      if (is_document_signer)
        g_set_error (error, IDW_ERROR, IDW_ERROR_NOT_YET_VALID,
                     _("The document signer certificate “%s” is not valid until %s."),
                     subject, from);
      else
        g_set_error (error, IDW_ERROR, IDW_ERROR_NOT_YET_VALID,
                     _("The issuer certificate “%s” is not valid until %s."),
                     subject, from);
      return FALSE;
    }

  if (g_date_time_compare (now, not_after) > 0)
    {
      g_autofree char *until = format_time (not_after);

      if (is_document_signer)
        g_set_error (error, IDW_ERROR, IDW_ERROR_EXPIRED,
                     _("The document signer certificate “%s” expired on %s."),
                     subject, until);
      else
        g_set_error (error, IDW_ERROR, IDW_ERROR_EXPIRED,
                     _("The issuer certificate “%s” expired on %s."),
                     subject, until);
      return FALSE;
    }

  return TRUE;
}

/* The signing time first: a document signed outside a certificate's
 * validity was never validly signed, which says more than "expired now"
 * (a DS that expired before the MSO was signed has expired now too). */
static gboolean
check_validity (IdwCertificate  *cert,
                gboolean         is_document_signer,
                GDateTime       *signed_at,
                GDateTime       *now,
                GError         **error)
{
  if (signed_at != NULL && !check_valid_at_signing (cert, is_document_signer, signed_at, error))
    return FALSE;

  return check_valid_now (cert, is_document_signer, now, error);
}

/**
 * idw_trust_path_free:
 * @path: (nullable): a trust path
 *
 * Frees @path and drops its references.
 */
void
idw_trust_path_free (IdwTrustPath *path)
{
  if (path == NULL)
    return;

  g_clear_pointer (&path->anchor, idw_certificate_unref);
  g_clear_pointer (&path->path, g_ptr_array_unref);
  g_free (path);
}

/**
 * idw_x509_validate_chain_full:
 * @chain: (element-type IdwCertificate): the x5chain, DS first
 * @anchors: (element-type IdwCertificate) (nullable): trusted IACA roots or
 *   pinned certificates
 * @signed_at: (nullable): when the document was signed (the MSO's
 *   `signed`); %NULL checks validity at @now only
 * @now: the verification time
 * @out_path: (out) (optional) (transfer full): how the chain is trusted
 * @error: return location for a #GError
 *
 * Applies the trust rules of docs/formats.md ("Trust rules"), in this
 * order:
 *
 * 1. The path. Walking from the DS, the first chain member that equals an
 *    anchor byte for byte ends the path; so does the first member that an
 *    anchor issued (issuer name and key identifier match the anchor, the
 *    anchor's key verifies its signature), with that anchor. Otherwise the
 *    next member must be the issuer by name and key identifier, and its
 *    key must verify the member's signature over its original
 *    tbsCertificate, with an algorithm secure for certificates.
 * 2. No certificate of the path, anchor included, has a critical
 *    extension that is unknown or cannot be read.
 * 3. Unless the DS itself is the anchor (pinned, trusted as it is): the DS
 *    is no CA, has keyUsage with digitalSignature and extendedKeyUsage
 *    with mdlDS (1.0.18013.5.1.2), and the anchor's countryName; every
 *    issuer (intermediates and the anchor) is a v3 CA by basicConstraints,
 *    has keyCertSign if it has keyUsage, and its pathLenConstraint allows
 *    the intermediates below it. basicConstraints, keyUsage and
 *    extendedKeyUsage must be readable wherever they appear.
 * 4. Every certificate from the DS to the anchor inclusive, in this order,
 *    was valid at @signed_at and is valid at @now (the period's ends
 *    inclusive); the first certificate that fails names the error.
 *
 * Returns: %TRUE when the chain is trusted; otherwise %FALSE with
 *   %IDW_ERROR_UNTRUSTED (no anchor, or a broken chain),
 *   %IDW_ERROR_BAD_SIGNATURE (a link's signature does not verify, for an
 *   issuer identified by name and key identifier),
 *   %IDW_ERROR_BAD_CERTIFICATE (a rule of steps 2 and 3, an insecure or
 *   unsupported signature algorithm), %IDW_ERROR_EXPIRED or
 *   %IDW_ERROR_NOT_YET_VALID, each message naming the certificate
 */
gboolean
idw_x509_validate_chain_full (GPtrArray     *chain,
                              GPtrArray     *anchors,
                              GDateTime     *signed_at,
                              GDateTime     *now,
                              IdwTrustPath **out_path,
                              GError       **error)
{
  g_autoptr(GPtrArray) path = NULL;
  IdwTrustPath *result;
  gboolean ds_pinned;

  g_return_val_if_fail (chain != NULL && chain->len > 0, FALSE);
  g_return_val_if_fail (now != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (out_path != NULL)
    *out_path = NULL;

  path = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_certificate_unref);
  if (!build_path (chain, anchors, path, error))
    return FALSE;

  /* The path is the anchor alone when the DS is pinned. */
  ds_pinned = path->len == 1;

  for (guint i = 0; i < path->len; i++)
    {
      if (!check_critical_extensions (g_ptr_array_index (path, i), error))
        return FALSE;
    }

  if (!ds_pinned && !check_annex_b_path (path, error))
    return FALSE;

  for (guint i = 0; i < path->len; i++)
    {
      if (!check_validity (g_ptr_array_index (path, i), i == 0, signed_at, now, error))
        return FALSE;
    }

  if (out_path != NULL)
    {
      result = g_new0 (IdwTrustPath, 1);
      result->anchor = idw_certificate_ref (g_ptr_array_index (path, path->len - 1));
      result->path = g_steal_pointer (&path);
      result->ds_pinned = ds_pinned;
      *out_path = result;
    }

  return TRUE;
}

/**
 * idw_x509_validate_chain:
 * @chain: (element-type IdwCertificate): the x5chain, DS first
 * @anchors: (element-type IdwCertificate) (nullable): trusted IACA roots or
 *   pinned certificates
 * @signed_at: (nullable): when the document was signed; %NULL checks
 *   validity at @now only
 * @now: the verification time
 * @out_anchor: (out) (optional) (transfer full): the anchor that was used
 * @error: return location for a #GError
 *
 * idw_x509_validate_chain_full(), giving only the anchor.
 *
 * Returns: %TRUE when the chain is trusted; otherwise %FALSE with the
 *   errors of idw_x509_validate_chain_full()
 */
gboolean
idw_x509_validate_chain (GPtrArray       *chain,
                         GPtrArray       *anchors,
                         GDateTime       *signed_at,
                         GDateTime       *now,
                         IdwCertificate **out_anchor,
                         GError         **error)
{
  g_autoptr(IdwTrustPath) path = NULL;

  g_return_val_if_fail (chain != NULL && chain->len > 0, FALSE);
  g_return_val_if_fail (now != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (out_anchor != NULL)
    *out_anchor = NULL;

  if (!idw_x509_validate_chain_full (chain, anchors, signed_at, now, &path, error))
    return FALSE;

  if (out_anchor != NULL)
    *out_anchor = idw_certificate_ref (path->anchor);

  return TRUE;
}

/* Issuer side */

static gboolean
validate_issuer_name (const char  *name,
                      const char  *country,
                      GError     **error)
{
  glong length;

  if (name == NULL || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("The issuer name is not valid UTF-8 text."));
      return FALSE;
    }

  length = g_utf8_strlen (name, -1);
  if (length == 0 || length > IDW_ISSUER_NAME_MAX)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("The issuer name must have 1 to %d characters."), IDW_ISSUER_NAME_MAX);
      return FALSE;
    }

  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                       _("The issuer name must not contain control characters."));
          return FALSE;
        }
    }

  if (country == NULL || strlen (country) != 2
      || !g_ascii_isupper (country[0]) || !g_ascii_isupper (country[1]))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("The country must be a two-letter ISO 3166 code in capitals, such as “DE”."));
      return FALSE;
    }

  return TRUE;
}

static gboolean
set_subject (gnutls_x509_crt_t   crt,
             const char         *common_name,
             const char         *organization,
             const char         *country,
             gboolean            test,
             GError            **error)
{
  int ret;

  /* Encoded C, O, [OU,] CN, so that the RFC 4514 string reads
   * "CN=…,[OU=…,]O=…,C=…". */
  ret = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COUNTRY_NAME, 0,
                                       country, (unsigned int) strlen (country));
  if (!check_gnutls (ret, "gnutls_x509_crt_set_dn_by_oid", error))
    return FALSE;

  ret = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0,
                                       organization, (unsigned int) strlen (organization));
  if (!check_gnutls (ret, "gnutls_x509_crt_set_dn_by_oid", error))
    return FALSE;

  if (test)
    {
      ret = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_ORGANIZATIONAL_UNIT_NAME, 0,
                                           IDW_TEST_ISSUER_OU, strlen (IDW_TEST_ISSUER_OU));
      if (!check_gnutls (ret, "gnutls_x509_crt_set_dn_by_oid", error))
        return FALSE;
    }

  ret = gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                       common_name, (unsigned int) strlen (common_name));
  return check_gnutls (ret, "gnutls_x509_crt_set_dn_by_oid", error);
}

static gboolean
set_random_serial (gnutls_x509_crt_t   crt,
                   GError            **error)
{
  guint8 serial[IDW_SERIAL_LENGTH];
  int ret;

  ret = gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial);
  if (!check_gnutls (ret, "gnutls_rnd", error))
    return FALSE;

  /* Positive, and no leading zero byte, so it stays 16 bytes long. */
  serial[0] = (serial[0] & 0x7f) | 0x40;

  ret = gnutls_x509_crt_set_serial (crt, serial, sizeof serial);
  return check_gnutls (ret, "gnutls_x509_crt_set_serial", error);
}

static gboolean
generate_ed25519 (gnutls_x509_privkey_t  *out_key,
                  GError                **error)
{
  g_auto(gnutls_x509_privkey_t) key = NULL;
  int ret;

  ret = gnutls_x509_privkey_init (&key);
  if (!check_gnutls (ret, "gnutls_x509_privkey_init", error))
    return FALSE;

  ret = gnutls_x509_privkey_generate (key, GNUTLS_PK_EDDSA_ED25519,
                                      GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_ED25519), 0);
  if (!check_gnutls (ret, "gnutls_x509_privkey_generate", error))
    return FALSE;

  *out_key = g_steal_pointer (&key);
  return TRUE;
}

static char *
export_key_pem (gnutls_x509_privkey_t   key,
                GError                **error)
{
  g_auto(IdwSecretDatum) pem = { NULL, 0 };
  int ret;

  ret = gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                           GNUTLS_PKCS_PLAIN, &pem);
  if (!check_gnutls (ret, "gnutls_x509_privkey_export2_pkcs8", error))
    return NULL;

  return g_strndup ((const char *) pem.data, pem.size);
}

/* Builds and signs one certificate. @issuer_crt and @issuer_key are NULL
 * for a self-signed one. Returns it parsed back from its DER encoding
 * (GnuTLS wants a freshly signed certificate re-imported before use). */
static IdwCertificate *
make_certificate (gnutls_x509_privkey_t   key,
                  const char             *common_name,
                  const char             *organization,
                  const char             *country,
                  gboolean                test,
                  GDateTime              *not_before,
                  gint                    years,
                  gboolean                is_ca,
                  IdwCertificate         *issuer,
                  gnutls_x509_privkey_t   issuer_key,
                  GError                **error)
{
  g_auto(gnutls_x509_crt_t) crt = NULL;
  g_auto(IdwGnutlsDatum) der = { NULL, 0 };
  g_autoptr(GDateTime) not_after = g_date_time_add_years (not_before, years);
  guint8 key_id[64];
  size_t key_id_size = sizeof key_id;
  int ret;

  ret = gnutls_x509_crt_init (&crt);
  if (!check_gnutls (ret, "gnutls_x509_crt_init", error))
    return NULL;

  ret = gnutls_x509_crt_set_version (crt, 3);
  if (!check_gnutls (ret, "gnutls_x509_crt_set_version", error))
    return NULL;

  if (!set_random_serial (crt, error))
    return NULL;

  ret = gnutls_x509_crt_set_activation_time (crt, (time_t) g_date_time_to_unix (not_before));
  if (!check_gnutls (ret, "gnutls_x509_crt_set_activation_time", error))
    return NULL;

  ret = gnutls_x509_crt_set_expiration_time (crt, (time_t) g_date_time_to_unix (not_after));
  if (!check_gnutls (ret, "gnutls_x509_crt_set_expiration_time", error))
    return NULL;

  if (!set_subject (crt, common_name, organization, country, test, error))
    return NULL;

  ret = gnutls_x509_crt_set_key (crt, key);
  if (!check_gnutls (ret, "gnutls_x509_crt_set_key", error))
    return NULL;

  if (is_ca)
    {
      /* ISO 18013-5 Table B.1: CA, path length 0 (DS certificates only). */
      ret = gnutls_x509_crt_set_basic_constraints (crt, 1, 0);
      if (!check_gnutls (ret, "gnutls_x509_crt_set_basic_constraints", error))
        return NULL;

      ret = gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN);
      if (!check_gnutls (ret, "gnutls_x509_crt_set_key_usage", error))
        return NULL;
    }
  else
    {
      ret = gnutls_x509_crt_set_basic_constraints (crt, 0, -1);
      if (!check_gnutls (ret, "gnutls_x509_crt_set_basic_constraints", error))
        return NULL;

      ret = gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE);
      if (!check_gnutls (ret, "gnutls_x509_crt_set_key_usage", error))
        return NULL;

      ret = gnutls_x509_crt_set_key_purpose_oid (crt, IDW_OID_MDL_DS, 1);
      if (!check_gnutls (ret, "gnutls_x509_crt_set_key_purpose_oid", error))
        return NULL;
    }

  ret = gnutls_x509_privkey_get_key_id (key, GNUTLS_KEYID_USE_SHA1, key_id, &key_id_size);
  if (!check_gnutls (ret, "gnutls_x509_privkey_get_key_id", error))
    return NULL;

  ret = gnutls_x509_crt_set_subject_key_id (crt, key_id, key_id_size);
  if (!check_gnutls (ret, "gnutls_x509_crt_set_subject_key_id", error))
    return NULL;

  if (issuer != NULL)
    {
      unsigned int critical = 0;

      key_id_size = sizeof key_id;
      ret = gnutls_x509_crt_get_subject_key_id (issuer->crt, key_id, &key_id_size, &critical);
      if (!check_gnutls (ret, "gnutls_x509_crt_get_subject_key_id", error))
        return NULL;
    }

  /* For the self-signed IACA this is its own key identifier. */
  ret = gnutls_x509_crt_set_authority_key_id (crt, key_id, key_id_size);
  if (!check_gnutls (ret, "gnutls_x509_crt_set_authority_key_id", error))
    return NULL;

  if (issuer != NULL)
    ret = gnutls_x509_crt_sign2 (crt, issuer->crt, issuer_key, GNUTLS_DIG_UNKNOWN, 0);
  else
    ret = gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_UNKNOWN, 0);
  if (!check_gnutls (ret, "gnutls_x509_crt_sign2", error))
    return NULL;

  ret = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der);
  if (!check_gnutls (ret, "gnutls_x509_crt_export2", error))
    return NULL;

  return idw_certificate_new_from_der (der.data, der.size, error);
}

/**
 * idw_x509_create_issuer:
 * @name: the issuer's name: the organizationName, and the commonName
 *   "@name IACA" / "@name DS"; 1 to 59 characters, no control characters
 * @country: the countryName, two capital letters
 * @test: whether to add the test-issuer marker (organizationalUnitName
 *   "ID Wallet Test Issuer") to both subjects
 * @not_before: (nullable): start of validity; %NULL for now
 * @error: return location for a #GError
 *
 * Creates an Ed25519 IACA root (self-signed, CA with path length 0,
 * keyCertSign and cRLSign, valid for 10 years) and a document signer
 * certificate it signs (not a CA, digitalSignature, extended key usage
 * mdlDS 1.0.18013.5.1.2, valid for 3 years), both with random 16-byte
 * serial numbers and subject/authority key identifiers. The keys are
 * unencrypted PKCS#8 PEM; idw_issuer_files_free() wipes them.
 *
 * Returns: (transfer full): the files, or %NULL with %IDW_ERROR_MALFORMED
 *   (bad @name or @country) or %IDW_ERROR_FAILED
 */
IdwIssuerFiles *
idw_x509_create_issuer (const char  *name,
                        const char  *country,
                        gboolean     test,
                        GDateTime   *not_before,
                        GError     **error)
{
  g_auto(gnutls_x509_privkey_t) iaca_key = NULL;
  g_auto(gnutls_x509_privkey_t) ds_key = NULL;
  g_autoptr(IdwCertificate) iaca = NULL;
  g_autoptr(IdwCertificate) ds = NULL;
  g_autoptr(IdwIssuerFiles) files = NULL;
  g_autoptr(GDateTime) start = NULL;
  g_autofree char *iaca_cn = NULL;
  g_autofree char *ds_cn = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!validate_issuer_name (name, country, error))
    return NULL;

  /* Whole seconds: that is what the certificate can hold. */
  if (not_before != NULL)
    start = g_date_time_new_from_unix_utc (g_date_time_to_unix (not_before));
  else
    start = g_date_time_new_from_unix_utc (g_get_real_time () / G_USEC_PER_SEC);

  iaca_cn = g_strdup_printf ("%s IACA", name);
  ds_cn = g_strdup_printf ("%s DS", name);

  if (!generate_ed25519 (&iaca_key, error) || !generate_ed25519 (&ds_key, error))
    return NULL;

  iaca = make_certificate (iaca_key, iaca_cn, name, country, test, start, 10, TRUE,
                           NULL, NULL, error);
  if (iaca == NULL)
    return NULL;

  ds = make_certificate (ds_key, ds_cn, name, country, test, start, 3, FALSE,
                         iaca, iaca_key, error);
  if (ds == NULL)
    return NULL;

  files = g_new0 (IdwIssuerFiles, 1);
  files->iaca_pem = idw_certificate_to_pem (iaca);
  files->ds_pem = idw_certificate_to_pem (ds);

  files->iaca_key_pem = export_key_pem (iaca_key, error);
  if (files->iaca_key_pem == NULL)
    return NULL;

  files->ds_key_pem = export_key_pem (ds_key, error);
  if (files->ds_key_pem == NULL)
    return NULL;

  return g_steal_pointer (&files);
}

static void
free_secret_string (char *str)
{
  if (str == NULL)
    return;

  sodium_memzero (str, strlen (str));
  g_free (str);
}

/**
 * idw_issuer_files_free:
 * @files: (nullable): issuer files
 *
 * Frees @files, wiping the private keys first.
 */
void
idw_issuer_files_free (IdwIssuerFiles *files)
{
  if (files == NULL)
    return;

  g_free (files->iaca_pem);
  g_free (files->ds_pem);
  free_secret_string (files->iaca_key_pem);
  free_secret_string (files->ds_key_pem);
  g_free (files);
}

/**
 * idw_key_new_from_pem:
 * @pem: (array length=len): an unencrypted PKCS#8 PEM private key
 * @len: length of @pem
 * @error: return location for a #GError
 *
 * Loads an Ed25519 private key as written by idw_x509_create_issuer().
 * Temporary copies of the key are wiped.
 *
 * Returns: (transfer full): the key with its private part, or %NULL with
 *   %IDW_ERROR_MALFORMED (not a readable unencrypted key) or
 *   %IDW_ERROR_UNSUPPORTED (a key other than Ed25519)
 */
IdwKey *
idw_key_new_from_pem (const char  *pem,
                      gsize        len,
                      GError     **error)
{
  g_auto(gnutls_x509_privkey_t) key = NULL;
  g_auto(IdwSecretDatum) x = { NULL, 0 };
  g_auto(IdwSecretDatum) k = { NULL, 0 };
  g_autoptr(IdwKey) result = NULL;
  g_autoptr(GBytes) public_bytes = NULL;
  gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
  gnutls_datum_t datum;
  int algorithm;
  int ret;

  g_return_val_if_fail (pem != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len == 0 || len > G_MAXSSIZE || len > G_MAXUINT
      || g_strstr_len (pem, (gssize) len, "-----BEGIN") == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("The data is not a PEM private key."));
      return NULL;
    }

  ret = gnutls_x509_privkey_init (&key);
  if (!check_gnutls (ret, "gnutls_x509_privkey_init", error))
    return NULL;

  datum.data = (unsigned char *) pem;
  datum.size = (unsigned int) len;
  ret = gnutls_x509_privkey_import2 (key, &datum, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN);
  if (ret < 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("The private key cannot be read: %s"), gnutls_strerror (ret));
      return NULL;
    }

  algorithm = gnutls_x509_privkey_get_pk_algorithm2 (key, NULL);
  if (algorithm != GNUTLS_PK_EDDSA_ED25519)
    {
      const char *algorithm_name = gnutls_pk_get_name ((gnutls_pk_algorithm_t) algorithm);

      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("The private key is a %s key; only Ed25519 keys can sign."),
                   algorithm_name != NULL ? algorithm_name : "?");
      return NULL;
    }

  ret = gnutls_x509_privkey_export_ecc_raw (key, &curve, &x, NULL, &k);
  if (ret < 0 || curve != GNUTLS_ECC_CURVE_ED25519 || k.size != 32 || x.size != 32)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("The Ed25519 private key is malformed."));
      return NULL;
    }

  result = idw_key_new_ed25519_seed (k.data, k.size, error);
  if (result == NULL)
    return NULL;

  /* A PKCS#8 v2 key may carry its public key; it must be the one the
   * seed gives. */
  public_bytes = idw_key_get_public_bytes (result);
  if (public_bytes == NULL
      || g_bytes_get_size (public_bytes) != x.size
      || sodium_memcmp (g_bytes_get_data (public_bytes, NULL), x.data, x.size) != 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("The Ed25519 private key does not match its public key."));
      return NULL;
    }

  return g_steal_pointer (&result);
}
