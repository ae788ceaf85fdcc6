/* idw-key.h: public and private keys, signatures, P-256 key agreement,
 * HMAC and HKDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Signature algorithms, named by their COSE identifiers (RFC 9053): a key
 * says which one it makes and checks. */
typedef enum
{
  IDW_COSE_ALG_EDDSA = -8,
  IDW_COSE_ALG_ES256 = -7,
  IDW_COSE_ALG_ES384 = -35,
  IDW_COSE_ALG_ES512 = -36,
} IdwCoseAlg;

/* "EdDSA", "ES256", "ES384", "ES512"; NULL for any other value. */
const char *idw_key_alg_to_string (gint64 alg);

typedef enum
{
  IDW_CURVE_ED25519,
  IDW_CURVE_P256,
  IDW_CURVE_P384,
  IDW_CURVE_P521,
} IdwCurve;

/**
 * IdwKey:
 *
 * A public key, optionally with its private part. Private key bytes live in
 * libsodium guarded memory and are wiped when the last reference goes.
 * Ed25519 keys, and EC keys (loaded from PEM, made from a scalar or
 * generated on P-256), can hold a private part.
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
/* An EC private key from its scalar @d (big-endian, curve size); the
 * public point is derived. Errors: IDW_ERROR_UNSUPPORTED (curve),
 * IDW_ERROR_MALFORMED (length, 0 < d < n). */
IdwKey     *idw_key_new_ec_private         (IdwCurve       curve,
                                            const guint8  *d,
                                            gsize          len,
                                            GError       **error);
IdwKey     *idw_key_generate_p256          (void);
/* A new key pair for a holder's device key: EdDSA (Ed25519) or ES256
 * (P-256); IDW_ERROR_UNSUPPORTED for any other @alg. */
IdwKey     *idw_key_generate_for_alg       (gint64         alg,
                                            GError       **error);
/* The public part of @key as a key of its own, never with a private part. */
IdwKey     *idw_key_dup_public             (IdwKey        *key);
/* An Ed25519 or EC (P-256, P-384, P-521) private key from PEM; the type
 * is read from the file. */
IdwKey     *idw_key_new_from_pem           (const char    *pem,
                                            gsize          len,
                                            GError       **error);
IdwCurve    idw_key_get_curve              (IdwKey        *key);
gboolean    idw_key_has_private            (IdwKey        *key);
/* Whether the private part is held by hardware (a TPM) and never in memory. */
gboolean    idw_key_is_hardware            (IdwKey        *key);
/* Ed25519: the 32 public bytes; EC: 0x04 || x || y. */
GBytes     *idw_key_get_public_bytes       (IdwKey        *key);
/* Lowercase hex SHA-256 of the public bytes. */
char       *idw_key_get_fingerprint        (IdwKey        *key);
gboolean    idw_key_equal                  (IdwKey        *a,
                                            IdwKey        *b);
/* Copies the 32-byte Ed25519 seed into @seed (caller wipes it); FALSE for
 * an EC key or a public key. */
gboolean    idw_key_export_seed            (IdwKey        *key,
                                            guint8         seed[32]);
/* Copies the EC private scalar (@len: the curve's coordinate size) into
 * @d (caller wipes it); FALSE for Ed25519 or a public key. */
gboolean    idw_key_export_ec_scalar       (IdwKey        *key,
                                            guint8        *d,
                                            gsize          len);
/* Whether @alg is the algorithm this key is for (EdDSA for Ed25519,
 * ES256 for P-256, ES384 for P-384, ES512 for P-521). */
gboolean    idw_key_allows_alg             (IdwKey        *key,
                                            gint64         alg);
/* The COSE algorithm the key signs with (EdDSA, ES256, ES384, ES512). */
gint64      idw_key_get_alg                (IdwKey        *key);
/* EdDSA: 64 bytes; ECDSA: raw r || s (64, 96 or 132 bytes), not DER. */
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

/* "Ed25519", "P-256", "P-384" or "P-521". */
const char *idw_key_get_curve_name         (IdwKey        *key);

/* ---- Key agreement and key derivation --------------------------------- */

#define IDW_P256_SCALAR_LENGTH 32

/* Whether @d (@len bytes, big-endian) is a valid P-256 private scalar:
 * 32 bytes, 0 < d < n. Errors: IDW_ERROR_MALFORMED. */
gboolean    idw_key_check_p256_scalar      (const guint8  *d,
                                            gsize          len,
                                            GError       **error);
/* ECDH on P-256: the x-coordinate of d·Q, where Q is @peer's point.
 * Errors: IDW_ERROR_UNSUPPORTED (@peer is not a P-256 key),
 * IDW_ERROR_MALFORMED (bad scalar or point). */
gboolean    idw_key_ecdh_p256              (IdwKey        *peer,
                                            const guint8  *d,
                                            gsize          d_len,
                                            guint8         out[32],
                                            GError       **error);
/* HMAC-SHA-256 (RFC 2104). */
void        idw_key_hmac_sha256            (const guint8  *key,
                                            gsize          key_len,
                                            const guint8  *data,
                                            gsize          len,
                                            guint8         out[32]);
/* HKDF-SHA-256 (RFC 5869) with an output of 32 bytes (one block). */
void        idw_key_hkdf_sha256            (const guint8  *ikm,
                                            gsize          ikm_len,
                                            const guint8  *salt,
                                            gsize          salt_len,
                                            const guint8  *info,
                                            gsize          info_len,
                                            guint8         out[32]);

G_END_DECLS
