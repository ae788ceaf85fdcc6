/* idw-x509.c: trust-anchor validation of the x5chain: the certification
 * path from the document signer to a trusted anchor (RFC 5280 §6) and the
 * trust rules of docs/formats.md
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
 * The ISO 18013-5 Annex B profile checks are in idw-x509-annex-b.c.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

#include "idw-error.h"
#include "idw-x509-private.h"

static char *
format_time (GDateTime *datetime)
{
  g_autoptr(GDateTime) utc = g_date_time_to_utc (datetime);

  return g_date_time_format (utc, "%Y-%m-%d %H:%M:%S UTC");
}

/* Trust rules (docs/formats.md, "Trust rules") */

/* Whether @issuer's key made @cert's signature over @cert's original
 * tbsCertificate, with an algorithm that is secure for certificates and
 * that @issuer's key can make. The caller has checked that @issuer's name
 * (and key identifier) match @cert's issuer; whether @issuer may issue
 * certificates at all is check_issuer()'s question (idw-x509-annex-b.c). */
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
  if (!_idw_certificate_check_gnutls (ret, "gnutls_pubkey_init", error))
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

/* An issuer of @cert among @intermediates (certificates the caller gave to
 * complete the path, not trusted by themselves) that is not on @path yet:
 * issuer name and key identifier match, and its key verifies @cert's
 * signature. */
static IdwCertificate *
find_intermediate (IdwCertificate *cert,
                   GPtrArray      *intermediates,
                   GPtrArray      *path)
{
  for (guint i = 0; intermediates != NULL && i < intermediates->len; i++)
    {
      IdwCertificate *candidate = g_ptr_array_index (intermediates, i);
      gboolean on_path = FALSE;

      for (guint j = 0; j < path->len && !on_path; j++)
        on_path = idw_certificate_equal (candidate, g_ptr_array_index (path, j));
      if (on_path || !gnutls_x509_crt_check_issuer (cert->crt, candidate->crt))
        continue;

      if (verify_link (cert, candidate, NULL))
        return candidate;
    }

  return NULL;
}

/* Fills @path with the certificates from the leaf (chain[0]) to a trust
 * anchor: walks @chain from the leaf and stops at the first member that
 * equals an anchor (which ends the path) or that an anchor issued (the
 * anchor ends it). Otherwise the next member must be the issuer by name
 * and key identifier, and its key must verify the member's signature;
 * where @chain does not go on (or its next member is no issuer), one of
 * @intermediates may be the issuer. Chain members after the path are
 * ignored. */
static gboolean
build_path (GPtrArray  *chain,
            GPtrArray  *intermediates,
            GPtrArray  *anchors,
            GPtrArray  *path,
            GError    **error)
{
  g_autoptr(GError) anchor_error = NULL;
  IdwCertificate *cert = g_ptr_array_index (chain, 0);
  IdwCertificate *top;
  g_autofree char *issuer = NULL;
  /* The next x5chain member; chain->len once the path left the x5chain. */
  guint next_index = 1;
  guint max_len = chain->len + (intermediates != NULL ? intermediates->len : 0);

  for (;;)
    {
      IdwCertificate *anchor;
      IdwCertificate *next = NULL;
      IdwCertificate *intermediate;
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

      if (path->len >= max_len)
        break;

      if (next_index < chain->len)
        {
          next = g_ptr_array_index (chain, next_index);
          if (gnutls_x509_crt_check_issuer (cert->crt, next->crt))
            {
              if (!verify_link (cert, next, error))
                return FALSE;
              cert = next;
              next_index++;
              continue;
            }
        }

      intermediate = find_intermediate (cert, intermediates, path);
      if (intermediate != NULL)
        {
          cert = intermediate;
          next_index = chain->len;
          continue;
        }

      if (next != NULL)
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

      break;
    }

  /* A name-matching anchor whose signature check failed says more than
   * "unknown issuer": the certificate is forged or damaged. */
  if (anchor_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&anchor_error));
      return FALSE;
    }

  top = g_ptr_array_index (path, path->len - 1);
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
  if (!build_path (chain, NULL, anchors, path, error))
    return FALSE;

  /* The path is the anchor alone when the DS is pinned. */
  ds_pinned = path->len == 1;

  for (guint i = 0; i < path->len; i++)
    {
      if (!check_critical_extensions (g_ptr_array_index (path, i), error))
        return FALSE;
    }

  if (!ds_pinned && !_idw_x509_annex_b_check_path (path, error))
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

/* Whether @cert was valid when the VICAL was signed (its date). */
static gboolean
check_valid_at_vical_date (IdwCertificate  *cert,
                           gboolean         is_signer,
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

      if (is_signer)
        g_set_error (error, IDW_ERROR, IDW_ERROR_NOT_YET_VALID,
                     _("The VICAL is dated %s, before its signer certificate “%s” became valid on %s."),
                     when, subject, from);
      else
        g_set_error (error, IDW_ERROR, IDW_ERROR_NOT_YET_VALID,
                     _("The VICAL is dated %s, before the issuer certificate “%s” became valid on %s."),
                     when, subject, from);
      return FALSE;
    }

  if (g_date_time_compare (signed_at, not_after) > 0)
    {
      g_autofree char *until = format_time (not_after);

      if (is_signer)
        g_set_error (error, IDW_ERROR, IDW_ERROR_EXPIRED,
                     _("The VICAL is dated %s, after its signer certificate “%s” expired on %s."),
                     when, subject, until);
      else
        g_set_error (error, IDW_ERROR, IDW_ERROR_EXPIRED,
                     _("The VICAL is dated %s, after the issuer certificate “%s” expired on %s."),
                     when, subject, until);
      return FALSE;
    }

  return TRUE;
}

/**
 * idw_x509_validate_vical_signer:
 * @chain: (element-type IdwCertificate): the VICAL's x5chain, signer first
 * @intermediates: (element-type IdwCertificate) (nullable): CA
 *   certificates that may complete the path where the x5chain does not
 *   (not trusted by themselves)
 * @anchors: (element-type IdwCertificate) (nullable): the certificates the
 *   user trusts to vouch for the list
 * @signed_at: the VICAL's date
 * @out_path: (out) (optional) (transfer full): how the signer is trusted
 * @error: return location for a #GError
 *
 * The trust rules of idw_x509_validate_chain_full() for the signer of a
 * VICAL (ISO/IEC 18013-5 Annex C) instead of a document signer: the path
 * is built the same way (the x5chain, then @intermediates); no
 * certificate on it has a bad critical extension; unless the signer is
 * itself an anchor, it is no CA, its extendedKeyUsage has the VICAL
 * signer purpose (1.0.18013.5.1.8) and its keyUsage, when present,
 * digitalSignature or nonRepudiation, and every issuer is a CA allowed
 * to sign certificates with path lengths honoured. Every certificate on
 * the path must have been valid at @signed_at. Validity now is not
 * required: a list outlives its signer's certificate, and how old it is
 * is for the caller to say.
 *
 * Returns: %TRUE when the signer is trusted; otherwise %FALSE with the
 *   errors of idw_x509_validate_chain_full()
 */
gboolean
idw_x509_validate_vical_signer (GPtrArray     *chain,
                                GPtrArray     *intermediates,
                                GPtrArray     *anchors,
                                GDateTime     *signed_at,
                                IdwTrustPath **out_path,
                                GError       **error)
{
  g_autoptr(GPtrArray) path = NULL;
  gboolean pinned;

  g_return_val_if_fail (chain != NULL && chain->len > 0, FALSE);
  g_return_val_if_fail (signed_at != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (out_path != NULL)
    *out_path = NULL;

  path = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_certificate_unref);
  if (!build_path (chain, intermediates, anchors, path, error))
    return FALSE;

  pinned = path->len == 1;

  for (guint i = 0; i < path->len; i++)
    {
      if (!check_critical_extensions (g_ptr_array_index (path, i), error))
        return FALSE;
    }

  if (!pinned && !_idw_x509_annex_c_check_path (path, error))
    return FALSE;

  for (guint i = 0; i < path->len; i++)
    {
      if (!check_valid_at_vical_date (g_ptr_array_index (path, i), i == 0, signed_at, error))
        return FALSE;
    }

  if (out_path != NULL)
    {
      IdwTrustPath *result = g_new0 (IdwTrustPath, 1);

      result->anchor = idw_certificate_ref (g_ptr_array_index (path, path->len - 1));
      result->path = g_steal_pointer (&path);
      result->ds_pinned = pinned;
      *out_path = result;
    }

  return TRUE;
}
