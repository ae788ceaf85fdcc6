/* idw-der.c: a small, strict DER reader for the outline of an X.509
 * certificate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 5280 §4.1:
 *
 *   Certificate  ::=  SEQUENCE  {
 *        tbsCertificate       TBSCertificate,
 *        signatureAlgorithm   AlgorithmIdentifier,
 *        signatureValue       BIT STRING  }
 *
 *   TBSCertificate  ::=  SEQUENCE  {
 *        version         [0]  EXPLICIT Version DEFAULT v1,
 *        serialNumber         CertificateSerialNumber,
 *        signature            AlgorithmIdentifier,
 *        issuer               Name,
 *        validity             Validity,
 *        subject              Name,
 *        subjectPublicKeyInfo SubjectPublicKeyInfo,
 *        issuerUniqueID  [1]  IMPLICIT UniqueIdentifier OPTIONAL,
 *        subjectUniqueID [2]  IMPLICIT UniqueIdentifier OPTIONAL,
 *        extensions      [3]  EXPLICIT Extensions OPTIONAL }
 *
 *   Extensions  ::=  SEQUENCE SIZE (1..MAX) OF Extension
 *
 *   Extension  ::=  SEQUENCE  {
 *        extnID      OBJECT IDENTIFIER,
 *        critical    BOOLEAN DEFAULT FALSE,
 *        extnValue   OCTET STRING }
 *
 * Only this outline is read; the fields in between are kept as opaque
 * TLVs for GnuTLS. The structure is fixed, so the reader is a straight
 * sequence of reads with no recursion.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "idw-der.h"
#include "idw-error.h"

#define TAG_BOOLEAN      0x01
#define TAG_INTEGER      0x02
#define TAG_BIT_STRING   0x03
#define TAG_OCTET_STRING 0x04
#define TAG_OID          0x06
#define TAG_SEQUENCE     0x30
#define TAG_VERSION      0xa0  /* [0] EXPLICIT */
#define TAG_ISSUER_UID   0x81  /* [1] IMPLICIT BIT STRING */
#define TAG_SUBJECT_UID  0x82  /* [2] IMPLICIT BIT STRING */
#define TAG_EXTENSIONS   0xa3  /* [3] EXPLICIT */

/**
 * idw_der_read_tlv:
 * @data: (inout): the next byte to read; advanced past the TLV on success
 * @len: (inout): bytes left at @data; reduced on success
 * @out: (out caller-allocates): the TLV read
 *
 * Reads one definite-length TLV with a single-byte tag. The length may use
 * up to four length octets (non-minimal long forms are accepted, as some
 * encoders write them) and must fit in the bytes that remain.
 *
 * Returns: %TRUE on success; on failure @data and @len are unchanged
 */
gboolean
idw_der_read_tlv (const guint8 **data,
                  gsize         *len,
                  IdwDerTlv     *out)
{
  const guint8 *p = *data;
  gsize avail = *len;
  gsize header_len;
  gsize value_len;

  if (p == NULL || avail < 2)
    return FALSE;

  /* Tag numbers of 31 and above need more octets; X.509 has none. */
  if ((p[0] & 0x1f) == 0x1f)
    return FALSE;

  if (p[1] < 0x80)
    {
      header_len = 2;
      value_len = p[1];
    }
  else
    {
      guint n = p[1] & 0x7f;

      /* 0x80 is the indefinite length, which DER forbids; more than four
       * length octets would describe more than 4 GiB. */
      if (n == 0 || n > 4 || avail - 2 < n)
        return FALSE;

      value_len = 0;
      for (guint i = 0; i < n; i++)
        value_len = (value_len << 8) | p[2 + i];
      header_len = 2 + n;
    }

  if (value_len > avail - header_len)
    return FALSE;

  out->tag = p[0];
  out->tlv = p;
  out->tlv_len = header_len + value_len;
  out->value = p + header_len;
  out->value_len = value_len;

  *data = p + out->tlv_len;
  *len = avail - out->tlv_len;
  return TRUE;
}

static gboolean
read_expected (const guint8 **data,
               gsize         *len,
               guint8         tag,
               IdwDerTlv     *out)
{
  const guint8 *p = *data;
  gsize n = *len;

  if (!idw_der_read_tlv (&p, &n, out) || out->tag != tag)
    return FALSE;

  *data = p;
  *len = n;
  return TRUE;
}

/**
 * idw_der_oid_to_string:
 * @value: (array length=len): the contents of an OBJECT IDENTIFIER
 * @len: length of @value, 1 to %IDW_DER_MAX_OID_LENGTH
 *
 * Returns: (transfer full) (nullable): the OID in dotted decimal, or %NULL
 *   when the encoding is truncated, not minimal, or has an arc beyond 64
 *   bits
 */
char *
idw_der_oid_to_string (const guint8 *value,
                       gsize         len)
{
  g_autoptr(GString) text = NULL;
  gboolean first = TRUE;
  gboolean at_start = TRUE;
  guint64 arc = 0;

  if (value == NULL || len == 0 || len > IDW_DER_MAX_OID_LENGTH || (value[len - 1] & 0x80))
    return NULL;

  text = g_string_new (NULL);
  for (gsize i = 0; i < len; i++)
    {
      /* A subidentifier starting with 0x80 has a leading zero group. */
      if (at_start && value[i] == 0x80)
        return NULL;
      if (arc > (G_MAXUINT64 >> 7))
        return NULL;

      arc = (arc << 7) | (value[i] & 0x7f);
      at_start = FALSE;
      if (value[i] & 0x80)
        continue;

      /* The first subidentifier holds the first two arcs: 40 * X + Y. */
      if (first && arc < 80)
        g_string_append_printf (text, "%u.%u", (guint) (arc / 40), (guint) (arc % 40));
      else if (first)
        g_string_append_printf (text, "2.%" G_GUINT64_FORMAT, arc - 80);
      else
        g_string_append_printf (text, ".%" G_GUINT64_FORMAT, arc);

      first = FALSE;
      at_start = TRUE;
      arc = 0;
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
malformed (GError     **error,
           const char  *field)
{
  /* Translators: %s names a part of the certificate's ASN.1 structure,
   * such as "tbsCertificate.extensions[2]". */
  g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
               _("The certificate cannot be parsed: %s is malformed."), field);
  return FALSE;
}

static void
extension_clear (gpointer data)
{
  IdwDerExtension *extension = data;

  g_clear_pointer (&extension->oid, g_free);
}

/* Extension ::= SEQUENCE { extnID, critical DEFAULT FALSE, extnValue } */
static gboolean
parse_extension (const IdwDerTlv *sequence,
                 guint            index,
                 IdwDerExtension *out,
                 GError         **error)
{
  g_autofree char *field = g_strdup_printf ("tbsCertificate.extensions[%u]", index);
  const guint8 *p = sequence->value;
  gsize n = sequence->value_len;
  IdwDerTlv oid;
  IdwDerTlv tlv;

  if (!read_expected (&p, &n, TAG_OID, &oid))
    return malformed (error, field);

  out->oid = idw_der_oid_to_string (oid.value, oid.value_len);
  if (out->oid == NULL)
    return malformed (error, field);

  if (!idw_der_read_tlv (&p, &n, &tlv))
    return malformed (error, field);

  /* BER's TRUE is any non-zero octet; an explicit FALSE, which DER
   * leaves out, is read as the default. */
  if (tlv.tag == TAG_BOOLEAN)
    {
      if (tlv.value_len != 1)
        return malformed (error, field);
      out->critical = tlv.value[0] != 0;

      if (!idw_der_read_tlv (&p, &n, &tlv))
        return malformed (error, field);
    }

  if (tlv.tag != TAG_OCTET_STRING || n != 0)
    return malformed (error, field);

  out->tlv = *sequence;
  out->value = tlv.value;
  out->value_len = tlv.value_len;
  return TRUE;
}

static gboolean
parse_extensions (IdwDerCertificate  *out,
                  GError            **error)
{
  const guint8 *p = out->extensions_field.value;
  gsize n = out->extensions_field.value_len;
  IdwDerTlv list;

  /* [3] EXPLICIT holds exactly one SEQUENCE of at least one Extension. */
  if (!read_expected (&p, &n, TAG_SEQUENCE, &list) || n != 0 || list.value_len == 0)
    return malformed (error, "tbsCertificate.extensions");

  p = list.value;
  n = list.value_len;
  while (n > 0)
    {
      IdwDerExtension extension = { { 0, }, NULL, FALSE, NULL, 0 };
      IdwDerTlv sequence;
      guint index = out->extensions->len;

      if (index >= IDW_DER_MAX_EXTENSIONS)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                       _("The certificate cannot be parsed: it has more than %d extensions."),
                       IDW_DER_MAX_EXTENSIONS);
          return FALSE;
        }

      if (!read_expected (&p, &n, TAG_SEQUENCE, &sequence))
        {
          g_autofree char *field = g_strdup_printf ("tbsCertificate.extensions[%u]", index);

          return malformed (error, field);
        }

      /* Appended first, so that the array frees the OID on failure. */
      g_array_append_val (out->extensions, extension);
      if (!parse_extension (&sequence, index,
                            &g_array_index (out->extensions, IdwDerExtension, index), error))
        return FALSE;

      /* RFC 5280 §4.2: "A certificate MUST NOT include more than one
       * instance of a particular extension." Which one would count? */
      for (guint i = 0; i < index; i++)
        {
          const char *oid = g_array_index (out->extensions, IdwDerExtension, index).oid;

          if (g_str_equal (g_array_index (out->extensions, IdwDerExtension, i).oid, oid))
            {
              g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                           _("The certificate cannot be parsed: it has the extension %s more than once."),
                           oid);
              return FALSE;
            }
        }
    }

  return TRUE;
}

/* The fields after subjectPublicKeyInfo: issuerUniqueID [1],
 * subjectUniqueID [2] and extensions [3], each optional, in this order,
 * and nothing else. */
static gboolean
parse_tbs_tail (IdwDerCertificate  *out,
                const guint8       *p,
                gsize               n,
                GError            **error)
{
  guint last = 0;

  while (n > 0)
    {
      IdwDerTlv tlv;
      guint order;

      if (!idw_der_read_tlv (&p, &n, &tlv))
        return malformed (error, "tbsCertificate");

      switch (tlv.tag)
        {
        case TAG_ISSUER_UID:
          order = 1;
          break;
        case TAG_SUBJECT_UID:
          order = 2;
          break;
        case TAG_EXTENSIONS:
          order = 3;
          break;
        default:
          order = 0;
          break;
        }

      if (order <= last)
        return malformed (error, "tbsCertificate");
      last = order;

      if (order == 3)
        {
          out->extensions_field = tlv;
          if (!parse_extensions (out, error))
            return FALSE;
        }
    }

  return TRUE;
}

/* tbsCertificate up to subjectPublicKeyInfo; @out_signature is its
 * signature AlgorithmIdentifier. */
static gboolean
parse_tbs (IdwDerCertificate  *out,
           IdwDerTlv          *out_signature,
           GError            **error)
{
  static const struct
  {
    guint8      tag;
    const char *name;
  } fields[] = {
    { TAG_INTEGER, "tbsCertificate.serialNumber" },
    { TAG_SEQUENCE, "tbsCertificate.signature" },
    { TAG_SEQUENCE, "tbsCertificate.issuer" },
    { TAG_SEQUENCE, "tbsCertificate.validity" },
    { TAG_SEQUENCE, "tbsCertificate.subject" },
    { TAG_SEQUENCE, "tbsCertificate.subjectPublicKeyInfo" },
  };
  const guint8 *p = out->tbs.value;
  gsize n = out->tbs.value_len;
  IdwDerTlv version;

  /* The version is optional (v1 leaves it out). */
  if (!read_expected (&p, &n, TAG_VERSION, &version) && n > 0 && p[0] == TAG_VERSION)
    return malformed (error, "tbsCertificate.version");

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      IdwDerTlv tlv;

      if (!read_expected (&p, &n, fields[i].tag, &tlv))
        return malformed (error, fields[i].name);
      if (i == 1)
        *out_signature = tlv;
    }

  return parse_tbs_tail (out, p, n, error);
}

/**
 * idw_der_certificate_parse:
 * @der: (array length=len): one DER certificate, kept alive by the caller
 *   as long as @out is used
 * @len: length of @der
 * @out: (out caller-allocates): the outline; clear with
 *   idw_der_certificate_clear() whatever the result
 * @error: return location for a #GError
 *
 * Reads the outline of a certificate: exactly one Certificate SEQUENCE,
 * the tbsCertificate fields in order, the extensions, and a signature
 * BIT STRING without unused bits. The tbsCertificate's signature
 * algorithm must equal the outer signatureAlgorithm byte for byte
 * (RFC 5280 §4.1.1.2). An extension may appear only once.
 *
 * Returns: %TRUE on success, or %FALSE with %IDW_ERROR_BAD_CERTIFICATE
 *   naming the malformed field
 */
gboolean
idw_der_certificate_parse (const guint8       *der,
                           gsize               len,
                           IdwDerCertificate  *out,
                           GError            **error)
{
  const guint8 *p = der;
  gsize n = len;
  IdwDerTlv certificate;
  IdwDerTlv tbs_signature = { 0, NULL, 0, NULL, 0 };
  IdwDerTlv bits;

  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (out, 0, sizeof *out);
  out->extensions = g_array_new (FALSE, TRUE, sizeof (IdwDerExtension));
  g_array_set_clear_func (out->extensions, extension_clear);

  if (!read_expected (&p, &n, TAG_SEQUENCE, &certificate) || n != 0)
    return malformed (error, "Certificate");

  p = certificate.value;
  n = certificate.value_len;
  if (!read_expected (&p, &n, TAG_SEQUENCE, &out->tbs))
    return malformed (error, "tbsCertificate");
  if (!read_expected (&p, &n, TAG_SEQUENCE, &out->signature_algorithm))
    return malformed (error, "signatureAlgorithm");
  if (!read_expected (&p, &n, TAG_BIT_STRING, &bits) || n != 0
      || bits.value_len < 1 || bits.value[0] != 0)
    return malformed (error, "signatureValue");

  out->signature = bits.value + 1;
  out->signature_len = bits.value_len - 1;

  if (!parse_tbs (out, &tbs_signature, error))
    return FALSE;

  if (tbs_signature.tlv_len != out->signature_algorithm.tlv_len
      || memcmp (tbs_signature.tlv, out->signature_algorithm.tlv, tbs_signature.tlv_len) != 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("The certificate cannot be parsed: its two signature algorithm fields differ."));
      return FALSE;
    }

  return TRUE;
}

/**
 * idw_der_certificate_clear:
 * @cert: an outline filled by idw_der_certificate_parse()
 *
 * Frees what the outline owns (not the certificate bytes).
 */
void
idw_der_certificate_clear (IdwDerCertificate *cert)
{
  g_clear_pointer (&cert->extensions, g_array_unref);
}

static void
append_header (GByteArray *out,
               guint8      tag,
               gsize       len)
{
  guint8 header[6];
  guint n = 0;

  header[n++] = tag;
  if (len < 0x80)
    {
      header[n++] = (guint8) len;
    }
  else
    {
      guint bytes = len > 0xffffff ? 4 : len > 0xffff ? 3 : len > 0xff ? 2 : 1;

      header[n++] = (guint8) (0x80 | bytes);
      for (guint i = bytes; i > 0; i--)
        header[n++] = (guint8) (len >> (8 * (i - 1)));
    }

  g_byte_array_append (out, header, n);
}

static void
append_span (GByteArray   *out,
             const guint8 *from,
             const guint8 *to)
{
  g_byte_array_append (out, from, (guint) (to - from));
}

/**
 * idw_der_certificate_drop_extensions:
 * @cert: an outline with extensions, of a certificate still alive
 * @drop: (array): for each extension of @cert, whether to leave it out
 *
 * Re-encodes the certificate without the extensions marked in @drop: the
 * other fields are copied byte for byte, only the lengths of the
 * enclosing SEQUENCEs change (and the extensions field goes away when
 * none is left). The signature is copied too, so it no longer matches:
 * the result is for reading fields, never for checking the signature.
 *
 * Returns: (transfer full): the new DER encoding
 */
GBytes *
idw_der_certificate_drop_extensions (const IdwDerCertificate *cert,
                                     const gboolean          *drop)
{
  g_autoptr(GByteArray) extensions = g_byte_array_new ();
  g_autoptr(GByteArray) tbs = g_byte_array_new ();
  g_autoptr(GByteArray) inner = g_byte_array_new ();
  GByteArray *out;
  const IdwDerTlv *field = &cert->extensions_field;
  const guint8 *after_tbs = cert->tbs.tlv + cert->tbs.tlv_len;
  const guint8 *end = cert->signature + cert->signature_len;

  g_return_val_if_fail (field->tlv != NULL, NULL);

  for (guint i = 0; i < cert->extensions->len; i++)
    {
      const IdwDerExtension *extension = &g_array_index (cert->extensions, IdwDerExtension, i);

      if (!drop[i])
        append_span (extensions, extension->tlv.tlv, extension->tlv.tlv + extension->tlv.tlv_len);
    }

  append_span (tbs, cert->tbs.value, field->tlv);
  if (extensions->len > 0)
    {
      append_header (inner, TAG_SEQUENCE, extensions->len);
      g_byte_array_append (inner, extensions->data, extensions->len);
      append_header (tbs, TAG_EXTENSIONS, inner->len);
      g_byte_array_append (tbs, inner->data, inner->len);
    }
  append_span (tbs, field->tlv + field->tlv_len, cert->tbs.value + cert->tbs.value_len);

  /* signatureAlgorithm and signatureValue follow tbsCertificate up to the
   * end of the certificate. */
  g_byte_array_set_size (inner, 0);
  append_header (inner, TAG_SEQUENCE, tbs->len);
  g_byte_array_append (inner, tbs->data, tbs->len);
  append_span (inner, after_tbs, end);

  out = g_byte_array_new ();
  append_header (out, TAG_SEQUENCE, inner->len);
  g_byte_array_append (out, inner->data, inner->len);
  return g_byte_array_free_to_bytes (out);
}
