/* idw-tpm-attest.c: reading and checking a TPM's certification of a
 * device key (docs/formats.md §11.1)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input comes from whoever sent the credential request, so every
 * structure is read with a bounded reader of our own: each size is checked
 * against what its TPM 2.0 type can hold and against the bytes left before
 * anything is copied, every algorithm identifier is one we name, and the
 * whole input must be used. tpm2-tss is not needed (nor wanted: an issuer
 * has no TPM, and its unmarshalling is not written for hostile input).
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "idw-cose.h"
#include "idw-error.h"
#include "idw-tpm-attest.h"

/* sizeof (TPMU_NAME) and sizeof (TPMT_HA): the largest TPM2B_NAME and
 * TPM2B_DATA (a TPM with SHA-512 makes names of 2 + 64 bytes; a handle is
 * 4). */
#define TPM_NAME_MAX    68
#define TPM_DATA_MAX    66
/* TPM2B_DIGEST: the largest digest. */
#define TPM_DIGEST_MAX  64
/* TPM2B_ECC_PARAMETER: a P-521 coordinate. */
#define TPM_ECC_MAX     66
#define P256_LEN        32

void
idw_tpm_certification_free (IdwTpmCertification *certification)
{
  if (certification == NULL)
    return;

  g_clear_pointer (&certification->attest, g_bytes_unref);
  g_clear_pointer (&certification->signature, g_bytes_unref);
  g_clear_pointer (&certification->ak_public, g_bytes_unref);
  g_clear_pointer (&certification->key_public, g_bytes_unref);
  g_clear_pointer (&certification->ek_certificate, g_bytes_unref);
  g_free (certification);
}

/* ---- A bounded reader ------------------------------------------------ */

typedef struct
{
  const guint8 *data;
  gsize         len;
  gsize         offset;
  const char   *what;   /* "attest", "akPublic" … */
} Reader;

static gboolean
truncated (Reader   *reader,
           GError  **error)
{
  /* Translators: %s names a TPM structure of the request ("akPublic"),
   * %zu a byte offset. */
  g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
               _("TPM certification %s: truncated at byte %zu"), reader->what, reader->offset);
  return FALSE;
}

static gboolean
read_u8 (Reader   *reader,
         guint8   *value,
         GError  **error)
{
  if (reader->len - reader->offset < 1)
    return truncated (reader, error);
  *value = reader->data[reader->offset++];
  return TRUE;
}

static gboolean
read_u16 (Reader   *reader,
          guint16  *value,
          GError  **error)
{
  const guint8 *p;

  if (reader->len - reader->offset < 2)
    return truncated (reader, error);
  p = reader->data + reader->offset;
  *value = (guint16) ((p[0] << 8) | p[1]);
  reader->offset += 2;
  return TRUE;
}

static gboolean
read_u32 (Reader   *reader,
          guint32  *value,
          GError  **error)
{
  const guint8 *p;

  if (reader->len - reader->offset < 4)
    return truncated (reader, error);
  p = reader->data + reader->offset;
  *value = ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
  reader->offset += 4;
  return TRUE;
}

static gboolean
read_u64 (Reader   *reader,
          guint64  *value,
          GError  **error)
{
  guint32 high, low;

  if (!read_u32 (reader, &high, error) || !read_u32 (reader, &low, error))
    return FALSE;
  *value = ((guint64) high << 32) | low;
  return TRUE;
}

/* A TPM2B: a 16-bit size, at most @max, then that many bytes. */
static gboolean
read_tpm2b (Reader        *reader,
            const char    *field,
            gsize          max,
            const guint8 **data,
            gsize         *len,
            GError       **error)
{
  guint16 size;

  if (!read_u16 (reader, &size, error))
    return FALSE;
  if (size > max)
    {
      /* Translators: "TPM certification attest extraData: 300 bytes, more
       * than the 66 it can hold" */
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("TPM certification %s %s: %u bytes, more than the %zu it can hold"),
                   reader->what, field, size, max);
      return FALSE;
    }
  if (reader->len - reader->offset < size)
    return truncated (reader, error);
  *data = reader->data + reader->offset;
  *len = size;
  reader->offset += size;
  return TRUE;
}

static gboolean
read_end (Reader   *reader,
          GError  **error)
{
  if (reader->offset == reader->len)
    return TRUE;
  /* Translators: %s names a TPM structure, %zu a count of bytes. */
  g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
               g_dngettext (GETTEXT_PACKAGE,
                            "TPM certification %s: %zu byte follows the structure",
                            "TPM certification %s: %zu bytes follow the structure",
                            reader->len - reader->offset),
               reader->what, reader->len - reader->offset);
  return FALSE;
}

static gboolean
check_size (const char  *what,
            gsize        len,
            gsize        max,
            GError     **error)
{
  if (len == 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("TPM certification %s: empty"), what);
      return FALSE;
    }
  if (len > max)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("TPM certification %s: %zu bytes, more than the %zu allowed"), what, len, max);
      return FALSE;
    }
  return TRUE;
}

static void
left_pad (const guint8 *src,
          gsize         len,
          guint8        out[P256_LEN])
{
  memset (out, 0, P256_LEN - len);
  memcpy (out + P256_LEN - len, src, len);
}

/* ---- TPMT_PUBLIC (Part 2 §12.2.4) ------------------------------------ */

/**
 * idw_tpm_parse_public:
 * @data: (array length=len): a marshalled TPMT_PUBLIC
 * @len: its length
 * @what: the structure's name in error messages
 * @out: (out caller-allocates): the parsed key
 * @error: return location for a #GError
 *
 * Reads the public area of an ECC P-256 signing key.
 *
 * Returns: %TRUE when @data is exactly one such TPMT_PUBLIC.
 */
gboolean
idw_tpm_parse_public (const guint8  *data,
                      gsize          len,
                      const char    *what,
                      IdwTpmPublic  *out,
                      GError       **error)
{
  Reader reader = { data, len, 0, what };
  const guint8 *bytes, *x, *y;
  gsize bytes_len, x_len, y_len;
  guint16 type;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  if (!check_size (what, len, IDW_TPM_PUBLIC_MAX, error))
    return FALSE;

  if (!read_u16 (&reader, &type, error))
    return FALSE;
  if (type != IDW_TPM_ALG_ECC)
    {
      /* Translators: %s names a TPM structure, %04x a TPM algorithm number. */
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("TPM certification %s: a key of type 0x%04x; expected an ECC key (0x0023)"),
                   what, type);
      return FALSE;
    }
  if (!read_u16 (&reader, &out->name_alg, error)
      || !read_u32 (&reader, &out->attributes, error)
      || !read_tpm2b (&reader, "authPolicy", TPM_DIGEST_MAX, &bytes, &bytes_len, error))
    return FALSE;
  out->auth_policy_len = (guint16) bytes_len;
  if (out->name_alg != IDW_TPM_ALG_SHA256)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("TPM certification %s: name algorithm 0x%04x; expected SHA-256 (0x000b)"),
                   what, out->name_alg);
      return FALSE;
    }

  /* TPMS_ECC_PARMS: symmetric, scheme, curveID, kdf. A signing key has no
   * symmetric algorithm and no KDF; each of these is a tagged union whose
   * size depends on the tag, so an unknown tag cannot be skipped. */
  if (!read_u16 (&reader, &out->symmetric, error))
    return FALSE;
  if (out->symmetric != IDW_TPM_ALG_NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("TPM certification %s: a symmetric algorithm (0x%04x), which no signing key has"),
                   what, out->symmetric);
      return FALSE;
    }
  if (!read_u16 (&reader, &out->scheme, error))
    return FALSE;
  out->scheme_hash = IDW_TPM_ALG_NULL;
  if (out->scheme == IDW_TPM_ALG_ECDSA)
    {
      if (!read_u16 (&reader, &out->scheme_hash, error))
        return FALSE;
      if (out->scheme_hash != IDW_TPM_ALG_SHA256)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                       _("TPM certification %s: ECDSA with hash 0x%04x; expected SHA-256"),
                       what, out->scheme_hash);
          return FALSE;
        }
    }
  else if (out->scheme != IDW_TPM_ALG_NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("TPM certification %s: signature scheme 0x%04x; expected ECDSA (0x0018)"),
                   what, out->scheme);
      return FALSE;
    }
  if (!read_u16 (&reader, &out->curve, error))
    return FALSE;
  if (out->curve != IDW_TPM_ECC_NIST_P256)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("TPM certification %s: curve 0x%04x; expected NIST P-256 (0x0003)"),
                   what, out->curve);
      return FALSE;
    }
  if (!read_u16 (&reader, &out->kdf, error))
    return FALSE;
  if (out->kdf != IDW_TPM_ALG_NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("TPM certification %s: a key derivation function (0x%04x), which no signing key has"),
                   what, out->kdf);
      return FALSE;
    }

  /* unique: TPMS_ECC_POINT. */
  if (!read_tpm2b (&reader, "x", TPM_ECC_MAX, &x, &x_len, error)
      || !read_tpm2b (&reader, "y", TPM_ECC_MAX, &y, &y_len, error)
      || !read_end (&reader, error))
    return FALSE;
  if (x_len == 0 || x_len > P256_LEN || y_len == 0 || y_len > P256_LEN)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("TPM certification %s: the public point is not a P-256 point"), what);
      return FALSE;
    }
  left_pad (x, x_len, out->x);
  left_pad (y, y_len, out->y);
  return TRUE;
}

void
idw_tpm_public_name (const guint8 *public_area,
                     gsize         len,
                     guint8        name[34])
{
  name[0] = IDW_TPM_ALG_SHA256 >> 8;
  name[1] = IDW_TPM_ALG_SHA256 & 0xff;
  gnutls_hash_fast (GNUTLS_DIG_SHA256, public_area, len, name + 2);
}

/* ---- TPMS_ATTEST (Part 2 §10.12.12) ---------------------------------- */

/**
 * idw_tpm_parse_attest:
 * @data: (array length=len): a marshalled TPMS_ATTEST
 * @len: its length
 * @out: (out caller-allocates): the parsed structure, pointing into @data
 * @error: return location for a #GError
 *
 * Reads the attestation structure of a TPM2_Certify.
 *
 * Returns: %TRUE when @data is exactly one TPMS_ATTEST of type
 *   TPM_ST_ATTEST_CERTIFY with the TPM's magic.
 */
gboolean
idw_tpm_parse_attest (const guint8  *data,
                      gsize          len,
                      IdwTpmAttest  *out,
                      GError       **error)
{
  Reader reader = { data, len, 0, "attest" };

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);
  if (!check_size ("attest", len, IDW_TPM_ATTEST_MAX, error))
    return FALSE;

  if (!read_u32 (&reader, &out->magic, error))
    return FALSE;
  /* A restricted signing key signs nothing from outside the TPM that
   * starts with this value: without it, the TPM did not make the
   * structure. */
  if (out->magic != IDW_TPM_GENERATED_VALUE)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("TPM certification attest: magic 0x%08x is not TPM_GENERATED_VALUE (0xff544347): "
                     "the TPM did not make it"),
                   out->magic);
      return FALSE;
    }
  if (!read_u16 (&reader, &out->type, error))
    return FALSE;
  if (out->type != IDW_TPM_ST_ATTEST_CERTIFY)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("TPM certification attest: type 0x%04x is not TPM_ST_ATTEST_CERTIFY (0x8017)"),
                   out->type);
      return FALSE;
    }

  if (!read_tpm2b (&reader, "qualifiedSigner", TPM_NAME_MAX,
                   &out->qualified_signer, &out->qualified_signer_len, error)
      || !read_tpm2b (&reader, "extraData", TPM_DATA_MAX, &out->extra_data, &out->extra_data_len, error)
      || !read_u64 (&reader, &out->clock, error)
      || !read_u32 (&reader, &out->reset_count, error)
      || !read_u32 (&reader, &out->restart_count, error)
      || !read_u8 (&reader, &out->safe, error)
      || !read_u64 (&reader, &out->firmware_version, error)
      || !read_tpm2b (&reader, "name", TPM_NAME_MAX, &out->name, &out->name_len, error)
      || !read_tpm2b (&reader, "qualifiedName", TPM_NAME_MAX,
                      &out->qualified_name, &out->qualified_name_len, error)
      || !read_end (&reader, error))
    return FALSE;

  /* TPMI_YES_NO */
  if (out->safe > 1)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("TPM certification attest: clockInfo.safe is %u, neither YES nor NO"), out->safe);
      return FALSE;
    }
  return TRUE;
}

/* ---- TPMT_SIGNATURE (Part 2 §11.3.4) --------------------------------- */

/**
 * idw_tpm_parse_signature:
 * @data: (array length=len): a marshalled TPMT_SIGNATURE
 * @len: its length
 * @raw: (out caller-allocates): r || s, each left-padded to 32 bytes
 * @error: return location for a #GError
 *
 * Returns: %TRUE when @data is exactly one ECDSA/SHA-256 TPMT_SIGNATURE
 *   with P-256-sized r and s.
 */
gboolean
idw_tpm_parse_signature (const guint8  *data,
                         gsize          len,
                         guint8         raw[64],
                         GError       **error)
{
  Reader reader = { data, len, 0, "signature" };
  const guint8 *r, *s;
  gsize r_len, s_len;
  guint16 alg, hash;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (!check_size ("signature", len, IDW_TPM_SIGNATURE_MAX, error))
    return FALSE;
  if (!read_u16 (&reader, &alg, error))
    return FALSE;
  if (alg != IDW_TPM_ALG_ECDSA)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("TPM certification signature: scheme 0x%04x; expected ECDSA (0x0018)"), alg);
      return FALSE;
    }
  if (!read_u16 (&reader, &hash, error))
    return FALSE;
  if (hash != IDW_TPM_ALG_SHA256)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("TPM certification signature: hash 0x%04x; expected SHA-256 (0x000b)"), hash);
      return FALSE;
    }
  if (!read_tpm2b (&reader, "signatureR", TPM_ECC_MAX, &r, &r_len, error)
      || !read_tpm2b (&reader, "signatureS", TPM_ECC_MAX, &s, &s_len, error)
      || !read_end (&reader, error))
    return FALSE;
  if (r_len == 0 || r_len > P256_LEN || s_len == 0 || s_len > P256_LEN)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("TPM certification signature: r or s is not the size of a P-256 signature"));
      return FALSE;
    }
  left_pad (r, r_len, raw);
  left_pad (s, s_len, raw + P256_LEN);
  return TRUE;
}

/* ---- TPM manufacturers' CAs ------------------------------------------ */

struct _IdwTpmCaList
{
  GPtrArray *certs;   /* gnutls_x509_crt_t */
};

static void
crt_free (gpointer data)
{
  gnutls_x509_crt_deinit (data);
}

IdwTpmCaList *
idw_tpm_ca_list_new (void)
{
  IdwTpmCaList *list = g_new0 (IdwTpmCaList, 1);

  list->certs = g_ptr_array_new_with_free_func (crt_free);
  return list;
}

void
idw_tpm_ca_list_free (IdwTpmCaList *list)
{
  if (list == NULL)
    return;
  g_ptr_array_unref (list->certs);
  g_free (list);
}

guint
idw_tpm_ca_list_get_size (IdwTpmCaList *list)
{
  g_return_val_if_fail (list != NULL, 0);
  return list->certs->len;
}

/**
 * idw_tpm_ca_list_add_data:
 * @list: a CA list
 * @data: (array length=len): PEM (one or more certificates) or DER
 * @len: its length
 * @error: return location for a #GError
 *
 * Adds the certificates of one file. Each is trusted as given: a TPM
 * maker's root, or an intermediate CA that signs EK certificates (a
 * request carries the EK certificate only).
 *
 * Returns: %TRUE when at least one certificate was read; %FALSE with
 *   IDW_ERROR_BAD_CERTIFICATE (nothing readable) or IDW_ERROR_LIMIT (more
 *   than IDW_TPM_CA_FILE_MAX_CERTS).
 */
gboolean
idw_tpm_ca_list_add_data (IdwTpmCaList  *list,
                          const guint8  *data,
                          gsize          len,
                          GError       **error)
{
  gnutls_x509_crt_t certs[IDW_TPM_CA_FILE_MAX_CERTS + 1];
  unsigned int count = G_N_ELEMENTS (certs);
  gnutls_datum_t datum = { (unsigned char *) data, (unsigned int) len };
  gboolean pem;
  int ret;

  g_return_val_if_fail (list != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (len == 0 || len > G_MAXUINT)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                           _("Not a certificate (PEM or DER)."));
      return FALSE;
    }
  pem = g_strstr_len ((const char *) data, (gssize) len, "-----BEGIN CERTIFICATE-----") != NULL;
  ret = gnutls_x509_crt_list_import (certs, &count, &datum,
                                     pem ? GNUTLS_X509_FMT_PEM : GNUTLS_X509_FMT_DER,
                                     0);
  if (ret == GNUTLS_E_SHORT_MEMORY_BUFFER)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("More than %d certificates in one file."), IDW_TPM_CA_FILE_MAX_CERTS);
      return FALSE;
    }
  if (ret <= 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("Not a certificate (PEM or DER): %s"),
                   ret < 0 ? gnutls_strerror (ret)
                             /* Translators: the reason after "Not a certificate (PEM or DER): ": the file holds no certificate. */
                             : _("none found"));
      return FALSE;
    }
  if ((unsigned int) ret > IDW_TPM_CA_FILE_MAX_CERTS)
    {
      for (int i = 0; i < ret; i++)
        gnutls_x509_crt_deinit (certs[i]);
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("More than %d certificates in one file."), IDW_TPM_CA_FILE_MAX_CERTS);
      return FALSE;
    }
  for (int i = 0; i < ret; i++)
    g_ptr_array_add (list->certs, certs[i]);
  return TRUE;
}

/* ---- Checking a certification ---------------------------------------- */

void
idw_tpm_certification_result_clear (IdwTpmCertificationResult *result)
{
  g_clear_pointer (&result->ek_subject, g_free);
  g_clear_pointer (&result->ek_issuer, g_free);
  g_clear_pointer (&result->ek_anchor, g_free);
  g_clear_pointer (&result->ak_fingerprint, g_free);
  memset (result, 0, sizeof *result);
}

static char *
crt_dn (gnutls_x509_crt_t  crt,
        gboolean           issuer)
{
  gnutls_datum_t dn = { NULL, 0 };
  char *text;
  int ret;

  ret = issuer ? gnutls_x509_crt_get_issuer_dn3 (crt, &dn, 0) : gnutls_x509_crt_get_dn3 (crt, &dn, 0);
  if (ret < 0)
    return g_strdup ("");
  /* A name is the TPM maker's, but arrives with the request: only valid
   * UTF-8 goes on. */
  text = g_utf8_make_valid ((const char *) dn.data, dn.size);
  gnutls_free (dn.data);
  return text;
}

static GDateTime *
unix_utc (time_t t)
{
  return g_date_time_new_from_unix_utc ((gint64) t);
}

/* The EK certificate is readable, valid at @now and chains to @cas. */
static gboolean
check_ek (GBytes                     *ek_der,
          IdwTpmCaList               *cas,
          GDateTime                  *now,
          IdwTpmCertificationResult  *result,
          GError                    **error)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_x509_trust_list_t trust = NULL;
  gnutls_datum_t datum;
  gsize len;
  const guint8 *der = g_bytes_get_data (ek_der, &len);
  unsigned int status = 0;
  gboolean ok = FALSE;
  time_t not_before, not_after;
  gint64 now_unix = g_date_time_to_unix (now);
  int ret;

  datum.data = (unsigned char *) der;
  datum.size = (unsigned int) len;
  if (gnutls_x509_crt_init (&crt) < 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_FAILED, _("Out of memory."));
      return FALSE;
    }
  ret = gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER);
  if (ret < 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                   _("TPM certification ekCertificate: not an X.509 certificate (%s)"), gnutls_strerror (ret));
      goto out;
    }
  result->ek_subject = crt_dn (crt, FALSE);
  result->ek_issuer = crt_dn (crt, TRUE);

  if (cas == NULL || cas->certs->len == 0)
    {
      ok = TRUE;
      goto out;
    }

  not_before = gnutls_x509_crt_get_activation_time (crt);
  not_after = gnutls_x509_crt_get_expiration_time (crt);
  if (not_before == (time_t) -1 || not_after == (time_t) -1)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_BAD_CERTIFICATE,
                           _("TPM certification ekCertificate: its validity cannot be read"));
      goto out;
    }
  if (now_unix < (gint64) not_before)
    {
      g_autoptr(GDateTime) when = unix_utc (not_before);
      g_autofree char *text = g_date_time_format_iso8601 (when);

      g_set_error (error, IDW_ERROR, IDW_ERROR_NOT_YET_VALID,
                   _("TPM certification ekCertificate: not valid before %s"), text);
      goto out;
    }
  if (now_unix > (gint64) not_after)
    {
      g_autoptr(GDateTime) when = unix_utc (not_after);
      g_autofree char *text = g_date_time_format_iso8601 (when);

      g_set_error (error, IDW_ERROR, IDW_ERROR_EXPIRED,
                   _("TPM certification ekCertificate: expired on %s"), text);
      goto out;
    }

  /* The path: GnuTLS with every given CA certificate as an anchor. The
   * time was judged above at @now; GnuTLS would use the clock. */
  if (gnutls_x509_trust_list_init (&trust, 0) < 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_FAILED, _("Out of memory."));
      goto out;
    }
  for (guint i = 0; i < cas->certs->len; i++)
    {
      gnutls_x509_crt_t copy = NULL;
      gnutls_datum_t ca_der = { NULL, 0 };

      /* The trust list takes ownership: it gets copies. */
      if (gnutls_x509_crt_export2 (cas->certs->pdata[i], GNUTLS_X509_FMT_DER, &ca_der) < 0
          || gnutls_x509_crt_init (&copy) < 0
          || gnutls_x509_crt_import (copy, &ca_der, GNUTLS_X509_FMT_DER) < 0
          || gnutls_x509_trust_list_add_cas (trust, &copy, 1, 0) != 1)
        {
          if (copy != NULL)
            gnutls_x509_crt_deinit (copy);
          gnutls_free (ca_der.data);
          g_set_error_literal (error, IDW_ERROR, IDW_ERROR_FAILED,
                               _("A TPM CA certificate cannot be used."));
          goto out;
        }
      gnutls_free (ca_der.data);
    }
  ret = gnutls_x509_trust_list_verify_crt2 (trust, &crt, 1, NULL, 0,
                                            GNUTLS_VERIFY_DISABLE_TIME_CHECKS
                                            | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS,
                                            &status, NULL);
  if (ret < 0 || status != 0)
    {
      gnutls_datum_t reason = { NULL, 0 };

      if (ret >= 0)
        gnutls_certificate_verification_status_print (status, GNUTLS_CRT_X509, &reason, 0);
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNTRUSTED,
                   _("TPM certification ekCertificate: issued by “%s”, which does not chain to a "
                     "trusted TPM maker’s CA (%s)"),
                   result->ek_issuer,
                   ret < 0 ? gnutls_strerror (ret) : (const char *) reason.data);
      gnutls_free (reason.data);
      goto out;
    }

  /* The anchor: the CA whose subject is the EK certificate's issuer and
   * whose key verifies it. */
  for (guint i = 0; i < cas->certs->len && result->ek_anchor == NULL; i++)
    {
      unsigned int ca_status = 0;
      gnutls_x509_crt_t ca = cas->certs->pdata[i];

      if (gnutls_x509_crt_verify (crt, &ca, 1,
                                  GNUTLS_VERIFY_DISABLE_TIME_CHECKS
                                  | GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS,
                                  &ca_status) >= 0
          && ca_status == 0)
        result->ek_anchor = crt_dn (ca, FALSE);
    }
  if (result->ek_anchor == NULL)
    result->ek_anchor = g_strdup (result->ek_issuer);
  result->ek_chained = TRUE;
  ok = TRUE;

out:
  if (trust != NULL)
    gnutls_x509_trust_list_deinit (trust, 1);
  gnutls_x509_crt_deinit (crt);
  return ok;
}

/**
 * idw_tpm_certification_verify:
 * @certification: what the request carries
 * @device_key: the request's device key
 * @binding: (array length=binding_len): the extraData the holder's TPM
 *   had to put into the certification (the credential request's binding)
 * @binding_len: its length
 * @cas: (nullable): TPM manufacturers' CAs: when given and not empty, the
 *   certification must carry an EK certificate that chains to one of them
 * @now: (nullable): the time to judge the EK certificate by, %NULL for the
 *   clock
 * @result: (out caller-allocates): what was found; clear it with
 *   idw_tpm_certification_result_clear() in any case
 * @error: return location for a #GError
 *
 * Checks, in this order: each structure is well formed within its limits;
 * keyPublic is a P-256 key with the request's point, fixedTPM,
 * fixedParent, sensitiveDataOrigin and sign, not decrypt; akPublic is a
 * P-256 key with restricted, sign, fixedTPM and fixedParent, not decrypt;
 * the signature verifies with the AK over attest; attest's extraData is
 * @binding; the attested name is keyPublic's name; and with @cas, the EK
 * certificate is valid at @now and chains to one of them.
 *
 * Returns: %TRUE when all hold. Errors: IDW_ERROR_MALFORMED,
 *   IDW_ERROR_LIMIT, IDW_ERROR_UNSUPPORTED (structures, algorithms,
 *   attributes), IDW_ERROR_BAD_SIGNATURE, IDW_ERROR_NONCE (extraData),
 *   IDW_ERROR_DIGEST_MISMATCH (name), IDW_ERROR_BAD_CERTIFICATE,
 *   IDW_ERROR_UNTRUSTED (no EK certificate, or one that does not chain),
 *   IDW_ERROR_EXPIRED, IDW_ERROR_NOT_YET_VALID.
 */
gboolean
idw_tpm_certification_verify (IdwTpmCertification        *certification,
                              IdwKey                     *device_key,
                              const guint8               *binding,
                              gsize                       binding_len,
                              IdwTpmCaList               *cas,
                              GDateTime                  *now,
                              IdwTpmCertificationResult  *result,
                              GError                    **error)
{
  g_autoptr(GDateTime) clock = NULL;
  g_autoptr(GBytes) device_point = NULL;
  g_autoptr(IdwKey) ak = NULL;
  g_autoptr(GError) local_error = NULL;
  const guint8 *attest_data, *key_data, *ak_data;
  gsize attest_len, key_len, ak_len;
  const guint8 *point;
  IdwTpmPublic key_public, ak_public;
  IdwTpmAttest attest;
  guint8 raw_signature[64];
  guint8 name[34];
  const guint32 key_required = IDW_TPMA_FIXED_TPM | IDW_TPMA_FIXED_PARENT
                               | IDW_TPMA_SENSITIVE_DATA_ORIGIN | IDW_TPMA_SIGN;
  const guint32 ak_required = IDW_TPMA_FIXED_TPM | IDW_TPMA_FIXED_PARENT
                              | IDW_TPMA_RESTRICTED | IDW_TPMA_SIGN;

  g_return_val_if_fail (certification != NULL, FALSE);
  g_return_val_if_fail (device_key != NULL, FALSE);
  g_return_val_if_fail (binding != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (result, 0, sizeof *result);
  if (now == NULL)
    now = clock = g_date_time_new_now_utc ();

  attest_data = g_bytes_get_data (certification->attest, &attest_len);
  key_data = g_bytes_get_data (certification->key_public, &key_len);
  ak_data = g_bytes_get_data (certification->ak_public, &ak_len);

  /* The device key: the request's, and one that the TPM made and keeps. */
  if (!idw_tpm_parse_public (key_data, key_len, "keyPublic", &key_public, error))
    return FALSE;
  device_point = idw_key_get_public_bytes (device_key);
  point = g_bytes_get_data (device_point, NULL);
  if (idw_key_get_curve (device_key) != IDW_CURVE_P256
      || memcmp (point + 1, key_public.x, P256_LEN) != 0
      || memcmp (point + 1 + P256_LEN, key_public.y, P256_LEN) != 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("TPM certification keyPublic: not the request’s device key"));
      return FALSE;
    }
  if ((key_public.attributes & key_required) != key_required
      || (key_public.attributes & IDW_TPMA_DECRYPT) != 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("TPM certification keyPublic: attributes 0x%08x; a key that never leaves its TPM "
                     "has fixedTPM, fixedParent, sensitiveDataOrigin and sign, and not decrypt"),
                   key_public.attributes);
      return FALSE;
    }

  /* The attestation key: one that signs only what its TPM made. */
  if (!idw_tpm_parse_public (ak_data, ak_len, "akPublic", &ak_public, error))
    return FALSE;
  if ((ak_public.attributes & ak_required) != ak_required
      || (ak_public.attributes & IDW_TPMA_DECRYPT) != 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("TPM certification akPublic: attributes 0x%08x; an attestation key has restricted, "
                     "sign, fixedTPM and fixedParent, and not decrypt"),
                   ak_public.attributes);
      return FALSE;
    }
  ak = idw_key_new_ec_public (IDW_CURVE_P256, ak_public.x, P256_LEN, ak_public.y, P256_LEN, &local_error);
  if (ak == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("TPM certification akPublic: %s"), local_error->message);
      return FALSE;
    }

  if (!idw_tpm_parse_attest (attest_data, attest_len, &attest, error)
      || !idw_tpm_parse_signature (g_bytes_get_data (certification->signature, NULL),
                                   g_bytes_get_size (certification->signature), raw_signature, error))
    return FALSE;

  /* ECDSA P-256 with SHA-256 over the TPMS_ATTEST bytes. */
  if (!idw_key_verify (ak, IDW_COSE_ALG_ES256, attest_data, attest_len,
                       raw_signature, sizeof raw_signature, NULL))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE,
                           _("TPM certification signature: does not verify with akPublic over attest"));
      return FALSE;
    }

  if (attest.extra_data_len != binding_len
      || memcmp (attest.extra_data, binding, binding_len) != 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_NONCE,
                           _("TPM certification attest: extraData does not bind this request "
                             "(the certification was made for another request)"));
      return FALSE;
    }

  idw_tpm_public_name (key_data, key_len, name);
  if (attest.name_len != sizeof name || memcmp (attest.name, name, sizeof name) != 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_DIGEST_MISMATCH,
                           _("TPM certification attest: the certified name is not keyPublic’s "
                             "(the TPM certified another key)"));
      return FALSE;
    }

  result->ak_fingerprint = g_compute_checksum_for_data (G_CHECKSUM_SHA256, ak_data, ak_len);

  if (certification->ek_certificate != NULL)
    {
      result->ek_present = TRUE;
      if (!check_size ("ekCertificate", g_bytes_get_size (certification->ek_certificate),
                       IDW_TPM_EK_CERT_MAX, error)
          || !check_ek (certification->ek_certificate, cas, now, result, error))
        return FALSE;
    }
  else if (cas != NULL && cas->certs->len > 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_UNTRUSTED,
                           _("TPM certification: no endorsement key certificate came with it, so it "
                             "cannot be checked against the TPM makers’ CAs"));
      return FALSE;
    }
  return TRUE;
}
