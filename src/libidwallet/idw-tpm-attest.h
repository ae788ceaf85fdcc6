/* idw-tpm-attest.h: a TPM's certification of a device key, and how an
 * issuer checks it (docs/formats.md §11.1)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The holder's TPM certifies its device key with TPM2_Certify, signed by
 * an attestation key (AK) of the same TPM; the credential request carries
 * the TPM's own structures as bytes (TPM 2.0 Part 2 marshalling): the
 * TPMS_ATTEST that was signed, the TPMT_SIGNATURE, the AK's and the device
 * key's TPMT_PUBLIC, and the TPM's endorsement key (EK) certificate when
 * it has one. This module reads them with its own bounded parser (no
 * tpm2-tss: an issuer needs no TPM) and checks them with GnuTLS.
 *
 * What a check that passes proves, and what it does not, is in
 * docs/formats.md §11.1: offline, nothing binds the AK to the EK.
 */
#pragma once

#include <glib.h>

#include "idw-key.h"

G_BEGIN_DECLS

/* The limits a reader enforces on each part (each well above what a
 * P-256 certification takes: about 150, 72, 90, 90 bytes and an EK
 * certificate of 1 to 2 KiB). */
#define IDW_TPM_ATTEST_MAX        1024
#define IDW_TPM_SIGNATURE_MAX     512
#define IDW_TPM_PUBLIC_MAX        1024
#define IDW_TPM_EK_CERT_MAX       4096
/* Certificates one --tpm-ca file may hold. */
#define IDW_TPM_CA_FILE_MAX_CERTS 16

/* TPM 2.0 Part 2 constants the parser names. */
#define IDW_TPM_GENERATED_VALUE   0xff544347u
#define IDW_TPM_ST_ATTEST_CERTIFY 0x8017
#define IDW_TPM_ALG_RSA           0x0001
#define IDW_TPM_ALG_SHA256        0x000b
#define IDW_TPM_ALG_NULL          0x0010
#define IDW_TPM_ALG_ECDSA         0x0018
#define IDW_TPM_ALG_ECC           0x0023
#define IDW_TPM_ECC_NIST_P256     0x0003

#define IDW_TPMA_FIXED_TPM              (1u << 1)
#define IDW_TPMA_FIXED_PARENT           (1u << 4)
#define IDW_TPMA_SENSITIVE_DATA_ORIGIN  (1u << 5)
#define IDW_TPMA_USER_WITH_AUTH         (1u << 6)
#define IDW_TPMA_RESTRICTED             (1u << 16)
#define IDW_TPMA_DECRYPT                (1u << 17)
#define IDW_TPMA_SIGN                   (1u << 18)

/**
 * IdwTpmCertification:
 * @attest: the TPMS_ATTEST the TPM signed (TPM2_Certify's certifyInfo)
 * @signature: the AK's TPMT_SIGNATURE over @attest
 * @ak_public: the AK's TPMT_PUBLIC
 * @key_public: the device key's TPMT_PUBLIC
 * @ek_certificate: (nullable): the EK certificate (X.509 DER) as the TPM
 *   keeps it in its NV index, %NULL when the TPM has none
 *
 * A certification as the request carries it: bytes, unchecked until
 * idw_tpm_certification_verify().
 */
typedef struct
{
  GBytes *attest;
  GBytes *signature;
  GBytes *ak_public;
  GBytes *key_public;
  GBytes *ek_certificate;
} IdwTpmCertification;

void idw_tpm_certification_free (IdwTpmCertification *certification);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwTpmCertification, idw_tpm_certification_free)

/* ---- The TPM's structures, as the parser reads them ----------------- */

/* A TPMT_PUBLIC of an ECC P-256 key (the only kind an AK or device key
 * may be here); the coordinates left-padded to 32 bytes. */
typedef struct
{
  guint16 name_alg;
  guint32 attributes;
  guint16 auth_policy_len;
  guint16 symmetric;
  guint16 scheme;
  guint16 scheme_hash;   /* IDW_TPM_ALG_NULL when the scheme is NULL */
  guint16 curve;
  guint16 kdf;
  guint8  x[32];
  guint8  y[32];
} IdwTpmPublic;

/* A TPMS_ATTEST of type TPM_ST_ATTEST_CERTIFY; the byte fields point into
 * the parsed buffer. */
typedef struct
{
  guint32       magic;
  guint16       type;
  const guint8 *qualified_signer;
  gsize         qualified_signer_len;
  const guint8 *extra_data;
  gsize         extra_data_len;
  guint64       clock;
  guint32       reset_count;
  guint32       restart_count;
  guint8        safe;
  guint64       firmware_version;
  const guint8 *name;
  gsize         name_len;
  const guint8 *qualified_name;
  gsize         qualified_name_len;
} IdwTpmAttest;

/* Errors: IDW_ERROR_MALFORMED (truncated, a size larger than its
 * structure allows, trailing bytes), IDW_ERROR_LIMIT (over
 * IDW_TPM_PUBLIC_MAX), IDW_ERROR_UNSUPPORTED (not ECC P-256 with a SHA-256
 * name, a scheme other than ECDSA/SHA-256 or NULL, a symmetric algorithm
 * or a KDF). @what names the structure in messages ("akPublic"). */
gboolean idw_tpm_parse_public    (const guint8  *data,
                                  gsize          len,
                                  const char    *what,
                                  IdwTpmPublic  *out,
                                  GError       **error);
/* Errors: IDW_ERROR_MALFORMED (as above, or a magic other than
 * TPM_GENERATED_VALUE), IDW_ERROR_LIMIT, IDW_ERROR_UNSUPPORTED (a type
 * other than TPM_ST_ATTEST_CERTIFY). */
gboolean idw_tpm_parse_attest    (const guint8  *data,
                                  gsize          len,
                                  IdwTpmAttest  *out,
                                  GError       **error);
/* An ECDSA/SHA-256 TPMT_SIGNATURE as COSE's raw r || s (64 bytes).
 * Errors: IDW_ERROR_MALFORMED, IDW_ERROR_LIMIT, IDW_ERROR_UNSUPPORTED
 * (another signature scheme or hash). */
gboolean idw_tpm_parse_signature (const guint8  *data,
                                  gsize          len,
                                  guint8         raw[64],
                                  GError       **error);
/* The TPM's name of an object: nameAlg (SHA-256, 2 bytes big-endian) ||
 * SHA-256 of its TPMT_PUBLIC bytes; 34 bytes. */
void     idw_tpm_public_name     (const guint8  *public_area,
                                  gsize          len,
                                  guint8         name[34]);

/* ---- Checking ------------------------------------------------------- */

/* TPM manufacturers' CA certificates (issuer --tpm-ca). */
typedef struct _IdwTpmCaList IdwTpmCaList;

IdwTpmCaList *idw_tpm_ca_list_new      (void);
void          idw_tpm_ca_list_free     (IdwTpmCaList  *list);
/* One file's contents: PEM with one or more certificates (at most
 * IDW_TPM_CA_FILE_MAX_CERTS), or one DER certificate. Errors:
 * IDW_ERROR_BAD_CERTIFICATE, IDW_ERROR_LIMIT. */
gboolean      idw_tpm_ca_list_add_data (IdwTpmCaList  *list,
                                        const guint8  *data,
                                        gsize          len,
                                        GError       **error);
guint         idw_tpm_ca_list_get_size (IdwTpmCaList  *list);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwTpmCaList, idw_tpm_ca_list_free)

/**
 * IdwTpmCertificationResult:
 * @ek_present: the certification came with an EK certificate
 * @ek_chained: that certificate chains to one of the CAs given, and is
 *   valid now
 * @ek_subject: (nullable): the EK certificate's subject (often empty:
 *   TCG EK certificates name the TPM in subjectAltName), %NULL without one
 * @ek_issuer: (nullable): its issuer
 * @ek_anchor: (nullable): the subject of the given CA certificate the
 *   chain ends at, when @ek_chained
 * @ak_fingerprint: the SHA-256 (hex) of the AK's TPMT_PUBLIC: the same
 *   TPM always shows the same AK
 *
 * What idw_tpm_certification_verify() found.
 */
typedef struct
{
  gboolean  ek_present;
  gboolean  ek_chained;
  char     *ek_subject;
  char     *ek_issuer;
  char     *ek_anchor;
  char     *ak_fingerprint;
} IdwTpmCertificationResult;

void     idw_tpm_certification_result_clear (IdwTpmCertificationResult *result);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (IdwTpmCertificationResult, idw_tpm_certification_result_clear)

gboolean idw_tpm_certification_verify       (IdwTpmCertification        *certification,
                                             IdwKey                     *device_key,
                                             const guint8               *binding,
                                             gsize                       binding_len,
                                             IdwTpmCaList               *cas,
                                             GDateTime                  *now,
                                             IdwTpmCertificationResult  *result,
                                             GError                    **error);

G_END_DECLS
