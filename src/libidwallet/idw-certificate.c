/* idw-certificate.c: X.509 certificates (RFC 5280 §4.1) read with GnuTLS:
 * parsing, DER and PEM, validity, fingerprint, public key
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A certificate is first read with our own small DER reader (idw-der.c)
 * and its extensions sorted (idw-certificate-extensions.c, which says
 * why); GnuTLS then gets a copy without the unreadable ones. The original
 * DER stays the certificate's identity (fingerprint, pinning, PEM). The
 * subject and issuer names are in idw-certificate-names.c.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

#include "idw-der.h"
#include "idw-error.h"
#include "idw-x509-private.h"

gboolean
_idw_certificate_check_gnutls (int          ret,
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
  if (!_idw_certificate_check_gnutls (ret, "gnutls_x509_crt_init", error))
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

  gnutls_der = _idw_certificate_sort_extensions (cert, &outline);
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

#define PEM_BEGIN "-----BEGIN CERTIFICATE-----"
#define PEM_END "-----END CERTIFICATE-----"

/**
 * idw_certificate_list_new_from_data:
 * @data: (array length=len): a PEM bundle (one or several "CERTIFICATE"
 *   blocks) or one certificate in DER
 * @len: length of @data
 * @name: what the error messages call @data, usually its file name
 * @error: return location for a #GError
 *
 * Reads every certificate of a trust anchor file: each PEM block of a
 * bundle, in order, or the one DER certificate when @data holds no PEM
 * block.
 *
 * Returns: (transfer full) (element-type IdwCertificate): the certificates,
 *   or %NULL with %IDW_ERROR_BAD_CERTIFICATE ("“@name”: …") when a block
 *   has no end line or a certificate cannot be read.
 */
GPtrArray *
idw_certificate_list_new_from_data (const guint8  *data,
                                    gsize          len,
                                    const char    *name,
                                    GError       **error)
{
  g_autoptr(GPtrArray) certs = g_ptr_array_new_with_free_func ((GDestroyNotify) idw_certificate_unref);
  g_autoptr(GError) local_error = NULL;
  const char *text = (const char *) data;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_strstr_len (text, (gssize) len, PEM_BEGIN) != NULL)
    {
      /* A PEM bundle: each block is one certificate. */
      const char *p = text;
      const char *end = text + len;

      while ((p = g_strstr_len (p, end - p, PEM_BEGIN)) != NULL)
        {
          const char *block_end = g_strstr_len (p, end - p, PEM_END);
          IdwCertificate *cert;

          if (block_end == NULL)
            {
              g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                           _("“%s”: a PEM certificate block has no end line."), name);
              return NULL;
            }
          block_end += strlen (PEM_END);

          cert = idw_certificate_new_from_data ((const guint8 *) p, block_end - p, &local_error);
          if (cert == NULL)
            {
              g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                           _("“%s”: %s"), name, local_error->message);
              return NULL;
            }
          g_ptr_array_add (certs, cert);
          p = block_end;
        }
    }
  else
    {
      IdwCertificate *cert = idw_certificate_new_from_data (data, len, &local_error);

      if (cert == NULL)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                       _("“%s”: %s"), name, local_error->message);
          return NULL;
        }
      g_ptr_array_add (certs, cert);
    }

  return g_steal_pointer (&certs);
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
  if (!_idw_certificate_check_gnutls (ret, "gnutls_pubkey_init", error))
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
 * idw_certificate_is_ca:
 * @cert: a certificate
 *
 * Whether @cert is a certification authority: a version 3 certificate
 * whose basicConstraints (readable) has cA TRUE. Whether it may sign
 * certificates here and now is for the trust rules to say.
 *
 * Returns: %TRUE for a CA certificate
 */
gboolean
idw_certificate_is_ca (IdwCertificate *cert)
{
  unsigned int critical = 0;
  unsigned int ca = 0;
  int pathlen = -1;

  g_return_val_if_fail (cert != NULL, FALSE);

  if (gnutls_x509_crt_get_version (cert->crt) < 3
      || (cert->unreadable & EXT_BIT (EXT_BASIC_CONSTRAINTS)))
    return FALSE;

  return gnutls_x509_crt_get_basic_constraints (cert->crt, &critical, &ca, &pathlen) >= 0 && ca;
}
