/* idw-tpm.c: P-256 device keys made and used inside a TPM 2.0 (tpm2-tss
 * ESAPI)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each operation opens the TPM, re-creates the storage primary key from a
 * fixed template under the owner hierarchy (the same TPM always derives the
 * same primary from its storage seed, so it is never persisted and uses no
 * NV slot), loads the wrapped key under it, uses it and flushes both. The
 * wrapped key's private area is encrypted and integrity-protected with keys
 * derived from that primary: another TPM, or this TPM after its owner
 * hierarchy was cleared, cannot load it.
 *
 * The signing key has no auth value and no policy: the wrapped blob is
 * kept in the Secret Service, so the keyring's lock is what stands between
 * another program of the same user and the key, as for the software keys;
 * what the TPM adds is that the key cannot be copied off the computer
 * (docs/formats.md §11). No secret crosses the bus to the TPM (digests in,
 * public signatures out), so commands run without an encrypted session.
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "idw-error.h"
#include "idw-key-private.h"
#include "idw-tpm.h"

#ifdef HAVE_TPM
#include <tss2/tss2_esys.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>
#endif

#define P256_COORD_LEN 32

void
idw_tpm_quiet_library_log (void)
{
  g_setenv ("TSS2_LOG", "all+none", FALSE);
}

/**
 * idw_tpm_is_supported:
 *
 * Returns: %TRUE when this build can use a TPM (whether the computer has
 *   one is only known by trying: idw_tpm_create_key()).
 */
gboolean
idw_tpm_is_supported (void)
{
#ifdef HAVE_TPM
  return TRUE;
#else
  return FALSE;
#endif
}

#ifndef HAVE_TPM

static void
set_no_support_error (GError **error)
{
  g_set_error_literal (error, IDW_ERROR, IDW_ERROR_NO_TPM,
                       _("No TPM is available: there is no TPM support in this build."));
}

gboolean
idw_tpm_probe (GError **error)
{
  set_no_support_error (error);
  return FALSE;
}

IdwKey *
idw_tpm_create_key (GBytes  **blob,
                    GError  **error)
{
  set_no_support_error (error);
  return NULL;
}

IdwKey *
idw_tpm_load_key (const guint8  *blob,
                  gsize          len,
                  GError       **error)
{
  set_no_support_error (error);
  return NULL;
}

GBytes *
idw_tpm_key_get_blob (IdwKey *key)
{
  return NULL;
}

#else /* HAVE_TPM */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TPM2B_PUBLIC, Esys_Free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TPM2B_PRIVATE, Esys_Free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TPM2B_CREATION_DATA, Esys_Free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TPM2B_DIGEST, Esys_Free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TPMT_TK_CREATION, Esys_Free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TPMT_SIGNATURE, Esys_Free)

/* The attributes every wallet key has: made inside the TPM, never to leave
 * it in the clear nor to move under another parent, usable without a
 * policy, for signing only. */
#define KEY_ATTRIBUTES (TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT \
                        | TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH \
                        | TPMA_OBJECT_SIGN_ENCRYPT)

/* The storage primary: the TCG's ECC P-256 SRK template (TCG TPM v2.0
 * Provisioning Guidance §7.5.1), so that other software using the same
 * template shares its cost. */
static const TPM2B_PUBLIC primary_template = {
  .publicArea = {
    .type = TPM2_ALG_ECC,
    .nameAlg = TPM2_ALG_SHA256,
    .objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT
                        | TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH
                        | TPMA_OBJECT_NODA | TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT,
    .parameters.eccDetail = {
      .symmetric = {
        .algorithm = TPM2_ALG_AES,
        .keyBits.aes = 128,
        .mode.aes = TPM2_ALG_CFB,
      },
      .scheme.scheme = TPM2_ALG_NULL,
      .curveID = TPM2_ECC_NIST_P256,
      .kdf.scheme = TPM2_ALG_NULL,
    },
    .unique.ecc = {
      .x.size = P256_COORD_LEN,
      .y.size = P256_COORD_LEN,
    },
  },
};

static const TPM2B_PUBLIC key_template = {
  .publicArea = {
    .type = TPM2_ALG_ECC,
    .nameAlg = TPM2_ALG_SHA256,
    .objectAttributes = KEY_ATTRIBUTES,
    .parameters.eccDetail = {
      .symmetric.algorithm = TPM2_ALG_NULL,
      .scheme = {
        .scheme = TPM2_ALG_ECDSA,
        .details.ecdsa.hashAlg = TPM2_ALG_SHA256,
      },
      .curveID = TPM2_ECC_NIST_P256,
      .kdf.scheme = TPM2_ALG_NULL,
    },
  },
};

/* An open TPM with the storage primary loaded. */
typedef struct
{
  TSS2_TCTI_CONTEXT *tcti;
  ESYS_CONTEXT      *esys;
  ESYS_TR            primary;
} Tpm;

static void
tpm_close (Tpm *tpm)
{
  if (tpm->esys != NULL && tpm->primary != ESYS_TR_NONE)
    Esys_FlushContext (tpm->esys, tpm->primary);
  tpm->primary = ESYS_TR_NONE;
  if (tpm->esys != NULL)
    Esys_Finalize (&tpm->esys);
  if (tpm->tcti != NULL)
    Tss2_TctiLdr_Finalize (&tpm->tcti);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Tpm, tpm_close)

/* A TPM response code, without the layer, is @code (a format-one code
 * compared without its handle or parameter number). */
static gboolean
rc_is (TSS2_RC  rc,
       TPM2_RC  code)
{
  if ((rc & TSS2_RC_LAYER_MASK) != TSS2_TPM_RC_LAYER)
    return FALSE;
  rc &= 0xffff;
  if (rc & TPM2_RC_FMT1)
    return (rc & (TPM2_RC_FMT1 | 0x3f)) == code;
  return rc == code;
}

static void
set_tpm_error (GError     **error,
               const char  *command,
               TSS2_RC      rc)
{
  /* Translators: the first %s is a TPM command ("TPM2_Sign"), the second
   * tpm2-tss's description of the response code. */
  g_set_error (error, IDW_ERROR, IDW_ERROR_FAILED,
               _("The TPM refused %s: %s"), command, Tss2_RC_Decode (rc));
}

static gboolean
tpm_open (Tpm     *tpm,
          GError **error)
{
  const char *conf = g_getenv ("IDW_TPM_TCTI");
  TSS2_RC rc;

  tpm->primary = ESYS_TR_NONE;
  if (conf != NULL && *conf == '\0')
    conf = NULL;

  rc = Tss2_TctiLdr_Initialize (conf, &tpm->tcti);
  if (rc != TSS2_RC_SUCCESS)
    {
      tpm->tcti = NULL;
      if (conf != NULL)
        /* Translators: %s is a TPM connection such as
         * "swtpm:host=127.0.0.1,port=2321", the second tpm2-tss's reason. */
        g_set_error (error, IDW_ERROR, IDW_ERROR_NO_TPM,
                     _("No TPM is available: cannot open “%s” (%s)."), conf, Tss2_RC_Decode (rc));
      else
        g_set_error (error, IDW_ERROR, IDW_ERROR_NO_TPM,
                     _("No TPM is available: this computer has no TPM 2.0 device (/dev/tpmrm0) "
                       "or TPM resource manager that ID Wallet may use (%s)."),
                     Tss2_RC_Decode (rc));
      return FALSE;
    }

  rc = Esys_Initialize (&tpm->esys, tpm->tcti, NULL);
  if (rc != TSS2_RC_SUCCESS)
    {
      tpm->esys = NULL;
      g_set_error (error, IDW_ERROR, IDW_ERROR_NO_TPM,
                   _("No TPM is available: the TPM does not answer (%s)."), Tss2_RC_Decode (rc));
      return FALSE;
    }

  {
    TPM2B_SENSITIVE_CREATE sensitive = { 0 };
    TPM2B_DATA outside_info = { 0 };
    TPML_PCR_SELECTION creation_pcr = { 0 };
    g_autoptr(TPM2B_PUBLIC) out_public = NULL;
    g_autoptr(TPM2B_CREATION_DATA) creation_data = NULL;
    g_autoptr(TPM2B_DIGEST) creation_hash = NULL;
    g_autoptr(TPMT_TK_CREATION) creation_ticket = NULL;

    rc = Esys_CreatePrimary (tpm->esys, ESYS_TR_RH_OWNER, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                             ESYS_TR_NONE, &sensitive, &primary_template, &outside_info,
                             &creation_pcr, &tpm->primary, &out_public, &creation_data,
                             &creation_hash, &creation_ticket);
  }
  if (rc != TSS2_RC_SUCCESS)
    {
      tpm->primary = ESYS_TR_NONE;
      if (rc_is (rc, TPM2_RC_BAD_AUTH) || rc_is (rc, TPM2_RC_AUTH_FAIL))
        g_set_error_literal (error, IDW_ERROR, IDW_ERROR_NO_TPM,
                             _("No TPM is available: the TPM’s owner hierarchy has a password, "
                               "so ID Wallet cannot make its storage key."));
      else if (rc_is (rc, TPM2_RC_LOCKOUT))
        g_set_error_literal (error, IDW_ERROR, IDW_ERROR_NO_TPM,
                             _("No TPM is available: the TPM is locked out after wrong passwords; "
                               "try again later."));
      else
        set_tpm_error (error, "TPM2_CreatePrimary", rc);
      return FALSE;
    }
  return TRUE;
}

/* ---- The wrapped blob ------------------------------------------------ */

typedef struct
{
  TPM2B_PUBLIC  public;
  TPM2B_PRIVATE private;
  GBytes       *blob;
} TpmKey;

static void
tpm_key_free (gpointer data)
{
  TpmKey *tpm_key = data;

  g_bytes_unref (tpm_key->blob);
  g_free (tpm_key);
}

static guint16
read_be16 (const guint8 *p)
{
  return (guint16) ((p[0] << 8) | p[1]);
}

static gboolean
parse_blob (const guint8  *blob,
            gsize          len,
            TpmKey        *out,
            GError       **error)
{
  gsize public_size, private_size, offset = 1;
  TSS2_RC rc;

  if (len == 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("TPM key: the wrapped key is empty."));
      return FALSE;
    }
  if (len > IDW_TPM_BLOB_MAX)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("TPM key: the wrapped key has %zu bytes, more than the %d a key can have."),
                   len, IDW_TPM_BLOB_MAX);
      return FALSE;
    }
  if (blob[0] != IDW_TPM_BLOB_VERSION)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("TPM key: unknown wrapped key version %u."), blob[0]);
      return FALSE;
    }

  /* The sizes are checked here, before tpm2-tss reads anything: each
   * TPM2B's size fits its structure and the blob, and nothing follows. */
  if (len < 1 + 2
      || (public_size = read_be16 (blob + 1)) == 0
      || public_size > sizeof (TPMT_PUBLIC)
      || len < 1 + 2 + public_size + 2)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("TPM key: the public area is truncated or malformed."));
      return FALSE;
    }
  private_size = read_be16 (blob + 1 + 2 + public_size);
  if (private_size == 0 || private_size > sizeof out->private.buffer
      || len != 1 + 2 + public_size + 2 + private_size)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("TPM key: the private area is truncated, too long or followed by other bytes."));
      return FALSE;
    }

  memset (out, 0, sizeof *out);
  rc = Tss2_MU_TPM2B_PUBLIC_Unmarshal (blob, 1 + 2 + public_size, &offset, &out->public);
  if (rc != TSS2_RC_SUCCESS || offset != 1 + 2 + public_size)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("TPM key: the public area is truncated or malformed."));
      return FALSE;
    }
  rc = Tss2_MU_TPM2B_PRIVATE_Unmarshal (blob, len, &offset, &out->private);
  if (rc != TSS2_RC_SUCCESS || offset != len)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("TPM key: the private area is truncated, too long or followed by other bytes."));
      return FALSE;
    }
  return TRUE;
}

/* The public area is one of ours: a P-256 ECDSA-SHA-256 signing key that
 * the TPM made and will never export. */
static gboolean
check_public (const TPMT_PUBLIC  *area,
              GError            **error)
{
  const TPMS_ECC_PARMS *ecc = &area->parameters.eccDetail;

  if (area->type != TPM2_ALG_ECC || area->nameAlg != TPM2_ALG_SHA256
      || ecc->curveID != TPM2_ECC_NIST_P256
      || ecc->scheme.scheme != TPM2_ALG_ECDSA
      || ecc->scheme.details.ecdsa.hashAlg != TPM2_ALG_SHA256
      || ecc->symmetric.algorithm != TPM2_ALG_NULL)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                           _("TPM key: not a P-256 ECDSA signing key with SHA-256."));
      return FALSE;
    }
  if ((area->objectAttributes & KEY_ATTRIBUTES) != KEY_ATTRIBUTES
      || (area->objectAttributes & (TPMA_OBJECT_DECRYPT | TPMA_OBJECT_RESTRICTED)) != 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("TPM key: the attributes 0x%08x are not those of a key that never leaves the TPM."),
                   (guint) area->objectAttributes);
      return FALSE;
    }
  if (area->unique.ecc.x.size > P256_COORD_LEN || area->unique.ecc.y.size > P256_COORD_LEN)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("TPM key: the public point is malformed."));
      return FALSE;
    }
  return TRUE;
}

static void
left_pad (const guint8 *src,
          gsize         len,
          guint8        out[P256_COORD_LEN])
{
  g_assert (len <= P256_COORD_LEN);
  memset (out, 0, P256_COORD_LEN - len);
  memcpy (out + P256_COORD_LEN - len, src, len);
}

static gboolean
load_key (Tpm          *tpm,
          TpmKey       *tpm_key,
          ESYS_TR      *handle,
          GError      **error)
{
  TSS2_RC rc;

  rc = Esys_Load (tpm->esys, tpm->primary, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
                  &tpm_key->private, &tpm_key->public, handle);
  if (rc == TSS2_RC_SUCCESS)
    return TRUE;

  *handle = ESYS_TR_NONE;
  /* The private area's HMAC, keyed from this TPM's storage seed, does not
   * check: it was wrapped by another TPM (or altered). */
  if (rc_is (rc, TPM2_RC_INTEGRITY))
    g_set_error_literal (error, IDW_ERROR, IDW_ERROR_WRONG_TPM,
                         _("This key belongs to another computer’s TPM; the ID must be re-issued "
                           "to this device."));
  else
    set_tpm_error (error, "TPM2_Load", rc);
  return FALSE;
}

static GBytes *
tpm_sign (IdwKey        *key,
          const guint8  *digest,
          gsize          digest_len,
          gpointer       user_data,
          GError       **error)
{
  TpmKey *tpm_key = user_data;
  g_auto(Tpm) tpm = { NULL, NULL, ESYS_TR_NONE };
  g_autoptr(TPMT_SIGNATURE) signature = NULL;
  TPMT_SIG_SCHEME scheme = {
    .scheme = TPM2_ALG_ECDSA,
    .details.ecdsa.hashAlg = TPM2_ALG_SHA256,
  };
  /* A NULL ticket: the key is not restricted, so it may sign any digest. */
  TPMT_TK_HASHCHECK validation = {
    .tag = TPM2_ST_HASHCHECK,
    .hierarchy = TPM2_RH_NULL,
  };
  TPM2B_DIGEST tpm_digest = { 0 };
  ESYS_TR handle = ESYS_TR_NONE;
  guint8 raw[2 * P256_COORD_LEN];
  TSS2_RC rc;

  if (digest_len != 32)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                           _("TPM key: only SHA-256 digests can be signed."));
      return NULL;
    }

  if (!tpm_open (&tpm, error) || !load_key (&tpm, tpm_key, &handle, error))
    return NULL;

  tpm_digest.size = (UINT16) digest_len;
  memcpy (tpm_digest.buffer, digest, digest_len);
  rc = Esys_Sign (tpm.esys, handle, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
                  &tpm_digest, &scheme, &validation, &signature);
  Esys_FlushContext (tpm.esys, handle);
  if (rc != TSS2_RC_SUCCESS)
    {
      set_tpm_error (error, "TPM2_Sign", rc);
      return NULL;
    }
  if (signature->sigAlg != TPM2_ALG_ECDSA
      || signature->signature.ecdsa.signatureR.size > P256_COORD_LEN
      || signature->signature.ecdsa.signatureS.size > P256_COORD_LEN)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_FAILED,
                           _("The TPM returned a malformed ECDSA signature."));
      return NULL;
    }
  left_pad (signature->signature.ecdsa.signatureR.buffer,
            signature->signature.ecdsa.signatureR.size, raw);
  left_pad (signature->signature.ecdsa.signatureS.buffer,
            signature->signature.ecdsa.signatureS.size, raw + P256_COORD_LEN);

  return g_bytes_new (raw, sizeof raw);
}

/* The IdwKey for a parsed blob: its public point, signing through the TPM. */
static IdwKey *
key_from_blob (const guint8  *blob,
               gsize          len,
               GError       **error)
{
  g_autofree TpmKey *tpm_key = g_new0 (TpmKey, 1);
  const TPMS_ECC_POINT *point;
  guint8 x[P256_COORD_LEN], y[P256_COORD_LEN];
  IdwKey *key;

  if (!parse_blob (blob, len, tpm_key, error)
      || !check_public (&tpm_key->public.publicArea, error))
    return NULL;

  point = &tpm_key->public.publicArea.unique.ecc;
  left_pad (point->x.buffer, point->x.size, x);
  left_pad (point->y.buffer, point->y.size, y);
  key = idw_key_new_ec_public (IDW_CURVE_P256, x, sizeof x, y, sizeof y, error);
  if (key == NULL)
    return NULL;

  tpm_key->blob = g_bytes_new (blob, len);
  _idw_key_set_signer (key, tpm_sign, g_steal_pointer (&tpm_key), tpm_key_free);
  return key;
}

/**
 * idw_tpm_probe:
 * @error: return location for a #GError
 *
 * Opens the TPM and derives the storage primary, as making or using a key
 * does, and makes no key: whether idw_tpm_create_key() can work here.
 * Blocks like any TPM call.
 *
 * Returns: %TRUE when the TPM can be used; %FALSE with IDW_ERROR_NO_TPM
 *   (no TPM, none reachable, or an owner hierarchy with a password) or
 *   IDW_ERROR_FAILED (the TPM refused).
 */
gboolean
idw_tpm_probe (GError **error)
{
  g_auto(Tpm) tpm = { NULL, NULL, ESYS_TR_NONE };

  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return tpm_open (&tpm, error);
}

/**
 * idw_tpm_create_key:
 * @blob: (out) (optional) (transfer full): the wrapped key, to keep and give
 *   to idw_tpm_load_key() later (idw_tpm_key_get_blob() returns it too)
 * @error: return location for a #GError
 *
 * Has the TPM generate a P-256 ECDSA signing key under its storage
 * primary. Its private part never leaves the TPM in the clear.
 *
 * Returns: (transfer full): the key, signing through the TPM, or %NULL
 *   with IDW_ERROR_NO_TPM (no TPM, or one that cannot be used) or
 *   IDW_ERROR_FAILED (the TPM refused).
 */
IdwKey *
idw_tpm_create_key (GBytes  **blob,
                    GError  **error)
{
  g_auto(Tpm) tpm = { NULL, NULL, ESYS_TR_NONE };
  TPM2B_SENSITIVE_CREATE sensitive = { 0 };
  TPM2B_DATA outside_info = { 0 };
  TPML_PCR_SELECTION creation_pcr = { 0 };
  g_autoptr(TPM2B_PRIVATE) out_private = NULL;
  g_autoptr(TPM2B_PUBLIC) out_public = NULL;
  g_autoptr(TPM2B_CREATION_DATA) creation_data = NULL;
  g_autoptr(TPM2B_DIGEST) creation_hash = NULL;
  g_autoptr(TPMT_TK_CREATION) creation_ticket = NULL;
  guint8 buffer[IDW_TPM_BLOB_MAX];
  size_t offset = 1;
  IdwKey *key;
  TSS2_RC rc;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!tpm_open (&tpm, error))
    return NULL;

  rc = Esys_Create (tpm.esys, tpm.primary, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
                    &sensitive, &key_template, &outside_info, &creation_pcr,
                    &out_private, &out_public, &creation_data, &creation_hash,
                    &creation_ticket);
  if (rc != TSS2_RC_SUCCESS)
    {
      set_tpm_error (error, "TPM2_Create", rc);
      return NULL;
    }

  buffer[0] = IDW_TPM_BLOB_VERSION;
  rc = Tss2_MU_TPM2B_PUBLIC_Marshal (out_public, buffer, sizeof buffer, &offset);
  if (rc == TSS2_RC_SUCCESS)
    rc = Tss2_MU_TPM2B_PRIVATE_Marshal (out_private, buffer, sizeof buffer, &offset);
  if (rc != TSS2_RC_SUCCESS)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_FAILED,
                   _("The TPM key cannot be written: %s"), Tss2_RC_Decode (rc));
      return NULL;
    }

  key = key_from_blob (buffer, offset, error);
  if (key != NULL && blob != NULL)
    *blob = idw_tpm_key_get_blob (key);
  return key;
}

/**
 * idw_tpm_load_key:
 * @blob: (array length=len): a wrapped key from idw_tpm_create_key()
 * @len: its length
 * @error: return location for a #GError
 *
 * Reads the wrapped key and checks that this computer's TPM can load it.
 *
 * Returns: (transfer full): the key, signing through the TPM, or %NULL
 *   with IDW_ERROR_MALFORMED or IDW_ERROR_LIMIT (not a wrapped key),
 *   IDW_ERROR_UNSUPPORTED (another version, or not a key that stays in
 *   the TPM), IDW_ERROR_NO_TPM, IDW_ERROR_WRONG_TPM (made by another TPM)
 *   or IDW_ERROR_FAILED (the TPM refused).
 */
IdwKey *
idw_tpm_load_key (const guint8  *blob,
                  gsize          len,
                  GError       **error)
{
  g_auto(Tpm) tpm = { NULL, NULL, ESYS_TR_NONE };
  g_autoptr(IdwKey) key = NULL;
  ESYS_TR handle = ESYS_TR_NONE;

  g_return_val_if_fail (blob != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  key = key_from_blob (blob, len, error);
  if (key == NULL)
    return NULL;

  if (!tpm_open (&tpm, error) || !load_key (&tpm, key->sign_data, &handle, error))
    return NULL;
  Esys_FlushContext (tpm.esys, handle);
  return g_steal_pointer (&key);
}

/**
 * idw_tpm_key_get_blob:
 * @key: a key
 *
 * Returns: (transfer full) (nullable): the wrapped key of a TPM-bound
 *   @key, %NULL for any other key.
 */
GBytes *
idw_tpm_key_get_blob (IdwKey *key)
{
  g_return_val_if_fail (key != NULL, NULL);

  if (key->sign_func != tpm_sign)
    return NULL;
  return g_bytes_ref (((TpmKey *) key->sign_data)->blob);
}

#endif /* HAVE_TPM */
