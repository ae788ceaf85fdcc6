/* idw-certificate-extensions.c: the certificate extensions ID Wallet
 * knows (RFC 5280 §4.2), which it can read, which it ignores, and the
 * critical ones that make a certificate untrusted
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
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

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <gnutls/x509-ext.h>

#include "idw-der.h"
#include "idw-x509-private.h"

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

const KnownExtensionInfo _idw_known_extensions[N_KNOWN_EXTENSIONS] = {
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
      if (g_str_equal (_idw_known_extensions[i].oid, oid))
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
    return g_strdup_printf ("%s (%s)", _idw_known_extensions[known].name, oid);

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
GBytes *
_idw_certificate_sort_extensions (IdwCertificate          *cert,
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
      if (_idw_known_extensions[known].readable (&value))
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
