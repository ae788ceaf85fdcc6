/* idw-key-private.h: the IdwKey structure and the helpers idw-key.c and
 * idw-key-ec.c share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>

#include "idw-key.h"

G_BEGIN_DECLS

#define ED25519_PUBLIC_LEN 32
#define ED25519_SEED_LEN   32
#define EC_MAX_COORD_LEN   66

/* Signs @digest (the hash of the message with the curve's hash) with a
 * private key that lives outside this process, such as in a TPM
 * (idw-tpm.c), and returns COSE's raw r || s. */
typedef GBytes *(*IdwKeySignFunc) (IdwKey        *key,
                                   const guint8  *digest,
                                   gsize          digest_len,
                                   gpointer       user_data,
                                   GError       **error);

struct _IdwKey
{
  gatomicrefcount  ref_count;
  IdwCurve         curve;
  /* Ed25519: the 32 public bytes; EC: 0x04 || x || y. */
  guint8           public_bytes[1 + 2 * EC_MAX_COORD_LEN];
  gsize            public_len;
  /* In guarded memory, NULL for a public key. Ed25519: libsodium's
   * 64-byte secret key (seed || public); EC: the private scalar d,
   * big-endian, the size of one coordinate. */
  guint8          *secret;
  /* EC only: imported once so that each verification skips the import. */
  gnutls_pubkey_t  ec_pubkey;
  /* EC only, for a key whose private part is held by hardware; then
   * @secret is NULL. */
  IdwKeySignFunc   sign_func;
  gpointer         sign_data;
  GDestroyNotify   sign_data_destroy;
};

/* A key of @curve with nothing in it yet. */
IdwKey      *_idw_key_new              (IdwCurve       curve);
/* The size of one coordinate of @curve; 0 for Ed25519. */
gsize        _idw_key_curve_coord_len  (IdwCurve       curve);
/* "Ed25519", "P-256", "P-384" or "P-521". */
const char  *_idw_key_curve_name       (IdwCurve       curve);
/* @len bytes of guarded memory for a private part. */
guint8      *_idw_key_secret_alloc     (gsize          len);
/* The COSE algorithm of @curve's signatures. */
gint64       _idw_key_curve_alg        (IdwCurve       curve);
/* An EC key with its private scalar: @x, @y and @d the curve's coordinate
 * size (callers strip or pad GnuTLS's exports). Checks that d·G = (x, y).
 * Errors: IDW_ERROR_MALFORMED. */
IdwKey      *_idw_key_new_ec_private   (IdwCurve       curve,
                                        const guint8  *x,
                                        const guint8  *y,
                                        const guint8  *d,
                                        GError       **error);
/* The curve GnuTLS names @curve; GNUTLS_ECC_CURVE_INVALID for Ed25519. */
gnutls_ecc_curve_t _idw_key_curve_to_gnutls (IdwCurve curve);
/* Makes @key, a public EC key, sign through @func: idw_key_has_private()
 * and idw_key_is_hardware() become TRUE. @destroy frees @data with the key. */
void         _idw_key_set_signer       (IdwKey         *key,
                                        IdwKeySignFunc  func,
                                        gpointer        data,
                                        GDestroyNotify  destroy);
/* sodium_init () once. */
void         _idw_key_ensure_sodium    (void);

G_END_DECLS
