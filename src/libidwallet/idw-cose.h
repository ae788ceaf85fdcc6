/* idw-cose.h: keys, COSE_Key and COSE_Sign1 (RFC 9052/9053)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * EdDSA (Ed25519) signs and verifies with libsodium; ES256/ES384/ES512
 * verify with GnuTLS. COSE ECDSA signatures are raw r||s, not DER.
 */
#pragma once

#include <glib.h>
#include <cbor.h>

G_BEGIN_DECLS

typedef enum
{
  IDW_COSE_ALG_EDDSA = -8,
  IDW_COSE_ALG_ES256 = -7,
  IDW_COSE_ALG_ES384 = -35,
  IDW_COSE_ALG_ES512 = -36,
} IdwCoseAlg;

typedef enum
{
  IDW_CURVE_ED25519,
  IDW_CURVE_P256,
  IDW_CURVE_P384,
  IDW_CURVE_P521,
} IdwCurve;

#define IDW_COSE_HEADER_ALG      1
#define IDW_COSE_HEADER_X5CHAIN  33

/* "EdDSA", "ES256", … ; NULL for an unknown value. */
const char *idw_cose_alg_to_string (gint64 alg);

/**
 * IdwKey:
 *
 * A public key, optionally with its private part. Private key bytes live in
 * libsodium guarded memory and are wiped when the last reference goes.
 * Only Ed25519 keys can hold a private part.
 */
typedef struct _IdwKey IdwKey;

IdwKey     *idw_key_ref                    (IdwKey        *key);
void        idw_key_unref                  (IdwKey        *key);
IdwKey     *idw_key_generate_ed25519       (void);
IdwKey     *idw_key_new_ed25519_public     (const guint8  *public_key,
                                            gsize          len,
                                            GError       **error);
/* From the 32-byte seed (the RFC 8032 private key). */
IdwKey     *idw_key_new_ed25519_seed       (const guint8  *seed,
                                            gsize          len,
                                            GError       **error);
/* An EC public key from its affine coordinates (big-endian, curve size). */
IdwKey     *idw_key_new_ec_public          (IdwCurve       curve,
                                            const guint8  *x,
                                            gsize          x_len,
                                            const guint8  *y,
                                            gsize          y_len,
                                            GError       **error);
/* COSE_Key: OKP/Ed25519 {1:1, -1:6, -2:x, ?-4:d} or EC2 P-256/384/521
 * {1:2, -1:1|2|3, -2:x, -3:y}. A "d" is accepted for Ed25519 only.
 * Errors: IDW_ERROR_WRONG_TYPE, IDW_ERROR_MISSING_FIELD,
 * IDW_ERROR_UNSUPPORTED (kty/crv), IDW_ERROR_MALFORMED (bad point). */
IdwKey     *idw_key_new_from_cose          (cbor_item_t   *cose_key,
                                            GError       **error);
cbor_item_t *idw_key_to_cose               (IdwKey        *key,
                                            gboolean       with_private);
IdwCurve    idw_key_get_curve              (IdwKey        *key);
gboolean    idw_key_has_private            (IdwKey        *key);
/* Ed25519: the 32 public bytes; EC: 0x04 || x || y. */
GBytes     *idw_key_get_public_bytes       (IdwKey        *key);
/* Lowercase hex SHA-256 of the public bytes. */
char       *idw_key_get_fingerprint        (IdwKey        *key);
gboolean    idw_key_equal                  (IdwKey        *a,
                                            IdwKey        *b);
/* Copies the 32-byte Ed25519 seed into @seed (caller wipes it). */
gboolean    idw_key_export_seed            (IdwKey        *key,
                                            guint8         seed[32]);
/* Whether @alg is the algorithm this key is for (EdDSA for Ed25519,
 * ES256 for P-256, ES384 for P-384, ES512 for P-521). */
gboolean    idw_key_allows_alg             (IdwKey        *key,
                                            gint64         alg);
GBytes     *idw_key_sign                   (IdwKey        *key,
                                            const guint8  *data,
                                            gsize          len,
                                            GError       **error);
/* Errors: IDW_ERROR_UNSUPPORTED (alg), IDW_ERROR_BAD_SIGNATURE. */
gboolean    idw_key_verify                 (IdwKey        *key,
                                            gint64         alg,
                                            const guint8  *data,
                                            gsize          len,
                                            const guint8  *signature,
                                            gsize          signature_len,
                                            GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwKey, idw_key_unref)

/**
 * IdwCoseSign1:
 *
 * A parsed COSE_Sign1 (tagged 18 or untagged).
 */
typedef struct
{
  gint64        alg;              /* from the protected header */
  GBytes       *protected_bytes;  /* the serialized protected header bstr content */
  cbor_item_t  *protected_map;    /* decoded protected header (may be an empty map) */
  cbor_item_t  *unprotected;      /* the unprotected header map */
  GBytes       *payload;          /* NULL when detached (nil) */
  GBytes       *signature;
} IdwCoseSign1;

/* Errors: IDW_ERROR_MALFORMED, IDW_ERROR_WRONG_TYPE, IDW_ERROR_MISSING_FIELD
 * (no alg), IDW_ERROR_UNSUPPORTED (alg not one of the four). */
IdwCoseSign1 *idw_cose_sign1_parse         (cbor_item_t   *item,
                                            GError       **error);
void          idw_cose_sign1_free          (IdwCoseSign1  *sign1);
/* A header parameter, protected first, then unprotected (borrowed). */
cbor_item_t  *idw_cose_sign1_get_header    (IdwCoseSign1  *sign1,
                                            gint64         label);
/* Sig_structure ["Signature1", protected, h'', payload] over
 * @detached_payload when the payload is detached. Errors:
 * IDW_ERROR_BAD_SIGNATURE, IDW_ERROR_UNSUPPORTED (key/alg mismatch),
 * IDW_ERROR_MISSING_FIELD (detached without a payload given). */
gboolean      idw_cose_sign1_verify        (IdwCoseSign1  *sign1,
                                            IdwKey        *key,
                                            GBytes        *detached_payload,
                                            GError       **error);
/* Signs with an Ed25519 @key (alg EdDSA). Protected header {1: -8};
 * @unprotected_steal may be NULL (an empty map is written). The payload is
 * written as nil when @detached. Returns an untagged COSE_Sign1 array. */
cbor_item_t  *idw_cose_sign1_create        (IdwKey        *key,
                                            const guint8  *payload,
                                            gsize          payload_len,
                                            gboolean       detached,
                                            cbor_item_t   *unprotected_steal,
                                            GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwCoseSign1, idw_cose_sign1_free)

G_END_DECLS
