/* idw-certificate-names.c: the subject and issuer names of a certificate
 * (RFC 5280 §4.1.2.4, §4.1.2.6; RFC 4514 strings) and the test-issuer mark
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "idw-text.h"
#include "idw-x509-private.h"

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
  g_autofree char *converted = NULL;
  gsize written = 0;

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
      converted = g_convert (data, (gssize) len, "UTF-8", "UTF-16BE", NULL, &written, NULL);
      break;

    case 28: /* UniversalString: UCS-4 big-endian */
      converted = g_convert (data, (gssize) len, "UTF-8", "UCS-4BE", NULL, &written, NULL);
      break;

    default:
      return NULL;
    }

  /* iconv writes code points past U+10FFFF and surrogates as bytes that
   * are not UTF-8, and an embedded NUL survives it (found by fuzz-x509):
   * such a value cannot be shown faithfully. */
  if (converted != NULL && !g_utf8_validate_len (converted, written, NULL))
    g_clear_pointer (&converted, g_free);
  return g_steal_pointer (&converted);
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
