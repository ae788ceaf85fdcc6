/* idw-x509-annex-b.c: the ISO/IEC 18013-5 Annex B certificate profile
 * checks on a trust path: the document signer (Table B.3), its issuers
 * (CA, keyCertSign, path length) and the readability of the extensions
 * that say what a certificate may do; and the same for the signer of a
 * VICAL (Annex C)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "idw-error.h"
#include "idw-x509-private.h"

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
                       subject, _idw_known_extensions[ext].name, _idw_known_extensions[ext].oid);
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

/* @issuer issued @issued on a path to the document signer (or, with
 * @vical, the VICAL signer) @ds, with @cas_below intermediate CA
 * certificates (self-issued ones not counted, RFC 5280 §6.1.4 (l))
 * between @issuer and @ds. */
static gboolean
check_issuer (IdwCertificate  *issuer,
              IdwCertificate  *issued,
              IdwCertificate  *ds,
              guint            cas_below,
              gboolean         vical,
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

      if (vical)
        g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "The issuer certificate “%s” has a path length constraint of %d, which does not allow the %u intermediate certificate authority between it and the VICAL signer “%s”.",
                                  "The issuer certificate “%s” has a path length constraint of %d, which does not allow the %u intermediate certificate authorities between it and the VICAL signer “%s”.",
                                  cas_below),
                     subject, pathlen, cas_below, ds_subject);
      else
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
gboolean
_idw_x509_annex_b_check_path (GPtrArray  *path,
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

      if (!check_issuer (issuer, g_ptr_array_index (path, i - 1), ds, cas_below, FALSE, error))
        return FALSE;

      if (!is_self_issued (issuer))
        cas_below++;
    }

  return TRUE;
}

/* ISO 18013-5 Annex C: the VICAL signer certificate. */
static gboolean
check_vical_signer (IdwCertificate  *signer,
                    GError         **error)
{
  g_autofree char *subject = idw_certificate_get_subject (signer);
  unsigned int critical = 0;
  unsigned int usage = 0;
  int ret;

  if (idw_certificate_is_ca (signer))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("The VICAL signer certificate “%s” is a certificate authority (CA) certificate, which must not sign lists."),
                   subject);
      return FALSE;
    }

  /* Real signers carry nonRepudiation alone (AAMVA's) or digitalSignature. */
  ret = gnutls_x509_crt_get_key_usage (signer->crt, &usage, &critical);
  if (ret >= 0 && !(usage & (GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_NON_REPUDIATION)))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("The key usage of the VICAL signer certificate “%s” allows neither digital signatures nor non-repudiation."),
                   subject);
      return FALSE;
    }

  if (!(signer->present & EXT_BIT (EXT_EXT_KEY_USAGE)))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("The VICAL signer certificate “%s” has no extended key usage extension; it needs one with the VICAL signer purpose (%s)."),
                   subject, IDW_OID_VICAL_SIGNER);
      return FALSE;
    }

  if (!has_key_purpose (signer, IDW_OID_VICAL_SIGNER))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("The extended key usage of the VICAL signer certificate “%s” does not include the VICAL signer purpose (%s)."),
                   subject, IDW_OID_VICAL_SIGNER);
      return FALSE;
    }

  return TRUE;
}

/* ISO 18013-5 Annex C for a VICAL signer: @path is the signer, any
 * intermediates, and the anchor. */
gboolean
_idw_x509_annex_c_check_path (GPtrArray  *path,
                              GError    **error)
{
  IdwCertificate *signer = g_ptr_array_index (path, 0);
  guint cas_below = 0;

  for (guint i = 0; i < path->len; i++)
    {
      if (!check_rule_extensions_readable (g_ptr_array_index (path, i), error))
        return FALSE;
    }

  if (!check_vical_signer (signer, error))
    return FALSE;

  for (guint i = 1; i < path->len; i++)
    {
      IdwCertificate *issuer = g_ptr_array_index (path, i);

      if (!check_issuer (issuer, g_ptr_array_index (path, i - 1), signer, cas_below, TRUE, error))
        return FALSE;

      if (!is_self_issued (issuer))
        cas_below++;
    }

  return TRUE;
}
