/* idw-cose.h: COSE_Sign1 and COSE_Mac0 (RFC 9052/9053); COSE_Key is in
 * idw-cose-key.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * EdDSA (Ed25519) signs and verifies with libsodium; ES256/ES384/ES512
 * sign and verify with GnuTLS. COSE ECDSA signatures are raw r||s, not DER.
 */
#pragma once

#include <glib.h>
#include <cbor.h>

#include "idw-cose-key.h"
#include "idw-key.h"

G_BEGIN_DECLS

#define IDW_CBOR_TAG_COSE_MAC0   17
#define IDW_COSE_ALG_HMAC_256_256 5

#define IDW_COSE_HEADER_ALG      1
#define IDW_COSE_HEADER_CRIT     2
#define IDW_COSE_HEADER_KID      4
#define IDW_COSE_HEADER_TYP      16  /* RFC 9596 */
#define IDW_COSE_HEADER_X5CHAIN  33

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
/* Signs with @key's algorithm (idw_key_get_alg ()): protected header
 * {1: -8} for Ed25519, {1: -7} for P-256, {1: -35} for P-384;
 * @unprotected_steal may be NULL (an empty map is written). The payload is
 * written as nil when @detached. Returns an untagged COSE_Sign1 array. */
cbor_item_t  *idw_cose_sign1_create        (IdwKey        *key,
                                            const guint8  *payload,
                                            gsize          payload_len,
                                            gboolean       detached,
                                            cbor_item_t   *unprotected_steal,
                                            GError       **error);
/* The same, with the entries of @protected_extra_steal (nullable) in the
 * protected header after alg. */
cbor_item_t  *idw_cose_sign1_create_with_headers (IdwKey        *key,
                                                  cbor_item_t   *protected_extra_steal,
                                                  const guint8  *payload,
                                                  gsize          payload_len,
                                                  gboolean       detached,
                                                  cbor_item_t   *unprotected_steal,
                                                  GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwCoseSign1, idw_cose_sign1_free)

/**
 * IdwCoseMac0:
 *
 * A parsed COSE_Mac0 (tagged 17 or untagged), as ISO 18013-5 deviceMac.
 */
typedef struct
{
  gint64        alg;              /* from the protected header: HMAC 256/256 */
  GBytes       *protected_bytes;
  cbor_item_t  *protected_map;
  cbor_item_t  *unprotected;
  GBytes       *payload;          /* NULL when detached (nil) */
  GBytes       *tag;
} IdwCoseMac0;

/* Errors as idw_cose_sign1_parse(); IDW_ERROR_UNSUPPORTED for an alg other
 * than HMAC 256/256. */
IdwCoseMac0  *idw_cose_mac0_parse          (cbor_item_t   *item,
                                            GError       **error);
void          idw_cose_mac0_free           (IdwCoseMac0   *mac0);
/* MAC_structure ["MAC0", protected, h'', payload] under HMAC-SHA-256 with
 * @key; the tag must be exactly 32 bytes. Errors: IDW_ERROR_BAD_SIGNATURE,
 * IDW_ERROR_MISSING_FIELD (detached without a payload given). */
gboolean      idw_cose_mac0_verify         (IdwCoseMac0   *mac0,
                                            const guint8  *key,
                                            gsize          key_len,
                                            GBytes        *detached_payload,
                                            GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdwCoseMac0, idw_cose_mac0_free)

G_END_DECLS
