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
 *
 * Every operation runs in a worker thread of its own that the caller waits
 * for at most IDW_TPM_TIMEOUT_MS: tpm2-tss's synchronous ESAPI calls block
 * without limit (they override Esys_SetTimeout), and its swtpm and mssim
 * TCTIs block already while opening when the other end accepts and never
 * answers. A worker that is given up on keeps only copies of its inputs,
 * finishes or fails on its own when the connection ends, and frees them.
 *
 * The attestation key (AK) that certifies device keys is a primary key of
 * the endorsement hierarchy, re-created from a fixed template like the
 * storage primary (docs/formats.md §11.1 says why).
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

IdwTpmCertification *
idw_tpm_certify_key (IdwKey        *key,
                     const guint8  *qualifying_data,
                     gsize          len,
                     GError       **error)
{
  set_no_support_error (error);
  return NULL;
}

#else /* HAVE_TPM */

/* ---- Bounded calls ---------------------------------------------------- */

/* The TCTI configuration the caller's environment names, NULL for
 * tpm2-tss's default. */
static char *
tcti_conf_dup (void)
{
  const char *conf = g_getenv ("IDW_TPM_TCTI");

  return conf != NULL && *conf != '\0' ? g_strdup (conf) : NULL;
}

static guint
timeout_ms (void)
{
  const char *text = g_getenv ("IDW_TPM_TIMEOUT_MS");
  guint64 value;

  if (text != NULL && g_ascii_string_to_unsigned (text, 10, 1, 10 * 60 * 1000, &value, NULL))
    return (guint) value;
  return IDW_TPM_DEFAULT_TIMEOUT_MS;
}

static void
set_timeout_error (GError     **error,
                   const char  *conf,
                   guint        ms)
{
  guint seconds = (ms + 999) / 1000;

  if (conf != NULL)
    /* Translators: %s is a TPM connection such as
     * "swtpm:host=127.0.0.1,port=2321", %u a number of seconds. */
    g_set_error (error, IDW_ERROR, IDW_ERROR_NO_TPM,
                 g_dngettext (GETTEXT_PACKAGE,
                              "No TPM is available: the TPM at “%s” did not answer within %u second.",
                              "No TPM is available: the TPM at “%s” did not answer within %u seconds.",
                              seconds),
                 conf, seconds);
  else
    g_set_error (error, IDW_ERROR, IDW_ERROR_NO_TPM,
                 g_dngettext (GETTEXT_PACKAGE,
                              "No TPM is available: this computer’s TPM did not answer within %u second.",
                              "No TPM is available: this computer’s TPM did not answer within %u seconds.",
                              seconds),
                 seconds);
}

/* One TPM operation: @input (owned by the job), the TCTI to use, a result
 * that is not NULL on success. */
typedef gpointer (*TpmWorkFunc) (gpointer     input,
                                 const char  *conf,
                                 GError     **error);

typedef struct
{
  gatomicrefcount  ref_count;
  GMutex           mutex;
  GCond            cond;
  gboolean         done;
  char            *conf;
  TpmWorkFunc      func;
  gpointer         input;
  GDestroyNotify   input_free;
  gpointer         output;
  GDestroyNotify   output_free;
  GError          *error;
} TpmJob;

static void
tpm_job_unref (TpmJob *job)
{
  if (!g_atomic_ref_count_dec (&job->ref_count))
    return;

  if (job->input_free != NULL && job->input != NULL)
    job->input_free (job->input);
  if (job->output_free != NULL && job->output != NULL)
    job->output_free (job->output);
  g_clear_error (&job->error);
  g_free (job->conf);
  g_mutex_clear (&job->mutex);
  g_cond_clear (&job->cond);
  g_free (job);
}

static gpointer
tpm_job_thread (gpointer data)
{
  TpmJob *job = data;
  GError *error = NULL;
  gpointer output;

  output = job->func (job->input, job->conf, &error);

  g_mutex_lock (&job->mutex);
  job->output = output;
  job->error = error;
  job->done = TRUE;
  g_cond_signal (&job->cond);
  g_mutex_unlock (&job->mutex);

  tpm_job_unref (job);
  return NULL;
}

/* Runs @func in a worker thread and waits for it at most the timeout.
 * Returns its result, or NULL with its error or IDW_ERROR_NO_TPM. */
static gpointer
tpm_run (TpmWorkFunc      func,
         gpointer         input,
         GDestroyNotify   input_free,
         GDestroyNotify   output_free,
         GError         **error)
{
  TpmJob *job = g_new0 (TpmJob, 1);
  g_autoptr(GError) thread_error = NULL;
  GThread *thread;
  gpointer output = NULL;
  GError *job_error = NULL;
  gboolean done;
  guint ms = timeout_ms ();
  gint64 deadline;

  g_atomic_ref_count_init (&job->ref_count);
  g_mutex_init (&job->mutex);
  g_cond_init (&job->cond);
  job->conf = tcti_conf_dup ();
  job->func = func;
  job->input = input;
  job->input_free = input_free;
  job->output_free = output_free;

  /* One reference for the worker. */
  g_atomic_ref_count_inc (&job->ref_count);
  thread = g_thread_try_new ("idw-tpm", tpm_job_thread, job, &thread_error);
  if (thread == NULL)
    {
      tpm_job_unref (job);
      tpm_job_unref (job);
      g_set_error (error, IDW_ERROR, IDW_ERROR_FAILED,
                   _("The TPM cannot be used: %s"), thread_error->message);
      return NULL;
    }
  g_thread_unref (thread);

  deadline = g_get_monotonic_time () + (gint64) ms * G_TIME_SPAN_MILLISECOND;
  g_mutex_lock (&job->mutex);
  while (!job->done)
    if (!g_cond_wait_until (&job->cond, &job->mutex, deadline))
      break;
  done = job->done;
  if (done)
    {
      output = g_steal_pointer (&job->output);
      job_error = g_steal_pointer (&job->error);
    }
  g_mutex_unlock (&job->mutex);

  if (!done)
    /* The worker is left to finish on its own and free what it holds. */
    set_timeout_error (error, job->conf, ms);
  else if (output == NULL)
    g_propagate_error (error, job_error);
  else
    g_clear_error (&job_error);

  tpm_job_unref (job);
  return output;
}


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

/* Opens the TPM through @conf (NULL: tpm2-tss's default) and derives the
 * storage primary. */
static gboolean
tpm_open (Tpm         *tpm,
          const char  *conf,
          GError     **error)
{
  TSS2_RC rc;

  tpm->primary = ESYS_TR_NONE;

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

/* What a worker needs of a key: copies, since the caller may give up on
 * it and free the key. */
typedef struct
{
  TPM2B_PUBLIC  public;
  TPM2B_PRIVATE private;
  guint8        data[TPM2_SHA256_DIGEST_SIZE];   /* a digest, or qualifying data */
  gsize         data_len;
} KeyInput;

static KeyInput *
key_input_new (TpmKey        *tpm_key,
               const guint8  *data,
               gsize          len)
{
  KeyInput *input = g_new0 (KeyInput, 1);

  g_assert (len <= sizeof input->data);
  input->public = tpm_key->public;
  input->private = tpm_key->private;
  if (len > 0)
    memcpy (input->data, data, len);
  input->data_len = len;
  return input;
}

static gboolean
load_input (Tpm       *tpm,
            KeyInput  *input,
            ESYS_TR   *handle,
            GError   **error)
{
  TpmKey tpm_key = { 0 };

  tpm_key.public = input->public;
  tpm_key.private = input->private;
  return load_key (tpm, &tpm_key, handle, error);
}

static gpointer
sign_work (gpointer     data,
           const char  *conf,
           GError     **error)
{
  KeyInput *input = data;
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

  if (!tpm_open (&tpm, conf, error) || !load_input (&tpm, input, &handle, error))
    return NULL;

  tpm_digest.size = (UINT16) input->data_len;
  memcpy (tpm_digest.buffer, input->data, input->data_len);
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

static GBytes *
tpm_sign (IdwKey        *key,
          const guint8  *digest,
          gsize          digest_len,
          gpointer       user_data,
          GError       **error)
{
  if (digest_len != TPM2_SHA256_DIGEST_SIZE)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                           _("TPM key: only SHA-256 digests can be signed."));
      return NULL;
    }

  return tpm_run (sign_work, key_input_new (user_data, digest, digest_len), g_free,
                  (GDestroyNotify) g_bytes_unref, error);
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

static gpointer
probe_work (gpointer     data,
            const char  *conf,
            GError     **error)
{
  g_auto(Tpm) tpm = { NULL, NULL, ESYS_TR_NONE };

  return tpm_open (&tpm, conf, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

/**
 * idw_tpm_probe:
 * @error: return location for a #GError
 *
 * Opens the TPM and derives the storage primary, as making or using a key
 * does, and makes no key: whether idw_tpm_create_key() can work here.
 * Blocks like any TPM call, at most the TPM timeout.
 *
 * Returns: %TRUE when the TPM can be used; %FALSE with IDW_ERROR_NO_TPM
 *   (no TPM, none reachable, one that does not answer in time, or an
 *   owner hierarchy with a password) or IDW_ERROR_FAILED (the TPM
 *   refused).
 */
gboolean
idw_tpm_probe (GError **error)
{
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return tpm_run (probe_work, NULL, NULL, NULL, error) != NULL;
}

static gpointer
create_work (gpointer     data,
             const char  *conf,
             GError     **error)
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
  TSS2_RC rc;

  if (!tpm_open (&tpm, conf, error))
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
  return g_bytes_new (buffer, offset);
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
 *   with IDW_ERROR_NO_TPM (no TPM, or one that cannot be used or does not
 *   answer in time) or IDW_ERROR_FAILED (the TPM refused).
 */
IdwKey *
idw_tpm_create_key (GBytes  **blob,
                    GError  **error)
{
  g_autoptr(GBytes) made = NULL;
  IdwKey *key;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  made = tpm_run (create_work, NULL, NULL, (GDestroyNotify) g_bytes_unref, error);
  if (made == NULL)
    return NULL;

  key = key_from_blob (g_bytes_get_data (made, NULL), g_bytes_get_size (made), error);
  if (key != NULL && blob != NULL)
    *blob = idw_tpm_key_get_blob (key);
  return key;
}

static gpointer
load_work (gpointer     data,
           const char  *conf,
           GError     **error)
{
  g_auto(Tpm) tpm = { NULL, NULL, ESYS_TR_NONE };
  ESYS_TR handle = ESYS_TR_NONE;

  if (!tpm_open (&tpm, conf, error) || !load_input (&tpm, data, &handle, error))
    return NULL;
  Esys_FlushContext (tpm.esys, handle);
  return GINT_TO_POINTER (TRUE);
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
  g_autoptr(IdwKey) key = NULL;

  g_return_val_if_fail (blob != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  key = key_from_blob (blob, len, error);
  if (key == NULL)
    return NULL;

  if (tpm_run (load_work, key_input_new (key->sign_data, NULL, 0), g_free, NULL, error) == NULL)
    return NULL;
  return g_steal_pointer (&key);
}

/* ---- Certification (docs/formats.md §11.1) --------------------------- */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TPM2B_ATTEST, Esys_Free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TPM2B_NV_PUBLIC, Esys_Free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TPM2B_NAME, Esys_Free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TPM2B_MAX_NV_BUFFER, Esys_Free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TPMS_CAPABILITY_DATA, Esys_Free)

/* The attestation key: a restricted P-256 ECDSA signing key, a primary of
 * the endorsement hierarchy (like the TCG's IAK, without its policy: the
 * endorsement hierarchy's own authorization guards its creation). */
static const TPM2B_PUBLIC ak_template = {
  .publicArea = {
    .type = TPM2_ALG_ECC,
    .nameAlg = TPM2_ALG_SHA256,
    .objectAttributes = TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT
                        | TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH
                        | TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_SIGN_ENCRYPT,
    .parameters.eccDetail = {
      .symmetric.algorithm = TPM2_ALG_NULL,
      .scheme = {
        .scheme = TPM2_ALG_ECDSA,
        .details.ecdsa.hashAlg = TPM2_ALG_SHA256,
      },
      .curveID = TPM2_ECC_NIST_P256,
      .kdf.scheme = TPM2_ALG_NULL,
    },
    .unique.ecc = {
      .x.size = P256_COORD_LEN,
      .y.size = P256_COORD_LEN,
    },
  },
};

static const TPM2_HANDLE ek_cert_indices[] = {
  IDW_TPM_NV_EK_CERT_RSA2048,
  IDW_TPM_NV_EK_CERT_P256,
  IDW_TPM_NV_EK_CERT_RSA3072,
  IDW_TPM_NV_EK_CERT_P384,
};

/* How many bytes one TPM2_NV_Read may ask for. */
static guint16
nv_buffer_max (Tpm *tpm)
{
  g_autoptr(TPMS_CAPABILITY_DATA) data = NULL;
  TPMI_YES_NO more = TPM2_NO;
  TSS2_RC rc;

  rc = Esys_GetCapability (tpm->esys, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                           TPM2_CAP_TPM_PROPERTIES, TPM2_PT_NV_BUFFER_MAX, 1, &more, &data);
  if (rc == TSS2_RC_SUCCESS && data->data.tpmProperties.count == 1
      && data->data.tpmProperties.tpmProperty[0].property == TPM2_PT_NV_BUFFER_MAX
      && data->data.tpmProperties.tpmProperty[0].value >= 64)
    return (guint16) MIN (data->data.tpmProperties.tpmProperty[0].value, TPM2_MAX_NV_BUFFER_SIZE);
  /* The PC Client profile's smallest. */
  return 512;
}

/* The length of the DER SEQUENCE that @data starts with, 0 if it does not
 * start with one that fits. Some TPMs pad the certificate in its index. */
static gsize
der_sequence_length (const guint8 *data,
                     gsize         len)
{
  gsize header, content = 0;
  guint n;

  if (len < 2 || data[0] != 0x30)
    return 0;
  if (data[1] < 0x80)
    {
      header = 2;
      content = data[1];
    }
  else
    {
      n = data[1] & 0x7f;
      if (n == 0 || n > 3 || len < 2 + n)
        return 0;
      for (guint i = 0; i < n; i++)
        content = (content << 8) | data[2 + i];
      header = 2 + n;
    }
  return header + content <= len ? header + content : 0;
}

/* The EK certificate from the first of the TCG's NV indices that holds
 * one; NULL when none does (not an error: many TPMs have none, and the
 * request says so). */
static GBytes *
read_ek_certificate (Tpm *tpm)
{
  for (gsize i = 0; i < G_N_ELEMENTS (ek_cert_indices); i++)
    {
      g_autoptr(TPM2B_NV_PUBLIC) nv_public = NULL;
      g_autoptr(TPM2B_NAME) nv_name = NULL;
      g_autofree guint8 *certificate = NULL;
      ESYS_TR index = ESYS_TR_NONE;
      ESYS_TR auth;
      gsize size, offset = 0, der_len;
      guint16 chunk_max;
      TSS2_RC rc;

      rc = Esys_TR_FromTPMPublic (tpm->esys, ek_cert_indices[i], ESYS_TR_NONE, ESYS_TR_NONE,
                                  ESYS_TR_NONE, &index);
      if (rc != TSS2_RC_SUCCESS)
        continue;
      rc = Esys_NV_ReadPublic (tpm->esys, index, ESYS_TR_NONE, ESYS_TR_NONE, ESYS_TR_NONE,
                               &nv_public, &nv_name);
      size = rc == TSS2_RC_SUCCESS ? nv_public->nvPublic.dataSize : 0;
      if (size == 0 || size > IDW_TPM_EK_CERT_MAX)
        {
          Esys_TR_Close (tpm->esys, &index);
          continue;
        }

      /* The TCG's indices allow reading with their own (empty) auth or
       * the owner's. */
      auth = (nv_public->nvPublic.attributes & TPMA_NV_AUTHREAD) ? index : ESYS_TR_RH_OWNER;
      chunk_max = nv_buffer_max (tpm);
      certificate = g_malloc (size);
      while (offset < size)
        {
          g_autoptr(TPM2B_MAX_NV_BUFFER) data = NULL;
          guint16 chunk = (guint16) MIN (size - offset, chunk_max);

          rc = Esys_NV_Read (tpm->esys, auth, index, ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE,
                             chunk, (guint16) offset, &data);
          if (rc != TSS2_RC_SUCCESS || data->size != chunk)
            break;
          memcpy (certificate + offset, data->buffer, chunk);
          offset += chunk;
        }
      Esys_TR_Close (tpm->esys, &index);
      if (offset < size)
        {
          g_debug ("TPM NV index 0x%08x: cannot read the EK certificate: %s",
                   ek_cert_indices[i], Tss2_RC_Decode (rc));
          continue;
        }
      der_len = der_sequence_length (certificate, size);
      return g_bytes_new (certificate, der_len > 0 ? der_len : size);
    }
  return NULL;
}

static GBytes *
marshal_public (const TPMT_PUBLIC  *area,
                GError            **error)
{
  guint8 buffer[sizeof (TPMT_PUBLIC)];
  size_t offset = 0;
  TSS2_RC rc;

  rc = Tss2_MU_TPMT_PUBLIC_Marshal (area, buffer, sizeof buffer, &offset);
  if (rc != TSS2_RC_SUCCESS)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_FAILED,
                   _("The TPM’s certification cannot be written: %s"), Tss2_RC_Decode (rc));
      return NULL;
    }
  return g_bytes_new (buffer, offset);
}

static gpointer
certify_work (gpointer     data,
              const char  *conf,
              GError     **error)
{
  KeyInput *input = data;
  g_auto(Tpm) tpm = { NULL, NULL, ESYS_TR_NONE };
  g_autoptr(IdwTpmCertification) certification = g_new0 (IdwTpmCertification, 1);
  g_autoptr(TPM2B_PUBLIC) ak_public = NULL;
  g_autoptr(TPM2B_CREATION_DATA) creation_data = NULL;
  g_autoptr(TPM2B_DIGEST) creation_hash = NULL;
  g_autoptr(TPMT_TK_CREATION) creation_ticket = NULL;
  g_autoptr(TPM2B_ATTEST) certify_info = NULL;
  g_autoptr(TPMT_SIGNATURE) signature = NULL;
  TPM2B_SENSITIVE_CREATE sensitive = { 0 };
  TPM2B_DATA outside_info = { 0 };
  TPML_PCR_SELECTION creation_pcr = { 0 };
  TPM2B_DATA qualifying = { 0 };
  TPMT_SIG_SCHEME scheme = {
    .scheme = TPM2_ALG_ECDSA,
    .details.ecdsa.hashAlg = TPM2_ALG_SHA256,
  };
  ESYS_TR key = ESYS_TR_NONE;
  ESYS_TR ak = ESYS_TR_NONE;
  guint8 buffer[sizeof (TPMT_SIGNATURE)];
  size_t offset = 0;
  TSS2_RC rc;

  if (!tpm_open (&tpm, conf, error) || !load_input (&tpm, input, &key, error))
    return NULL;

  rc = Esys_CreatePrimary (tpm.esys, ESYS_TR_RH_ENDORSEMENT, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                           ESYS_TR_NONE, &sensitive, &ak_template, &outside_info, &creation_pcr,
                           &ak, &ak_public, &creation_data, &creation_hash, &creation_ticket);
  if (rc != TSS2_RC_SUCCESS)
    {
      Esys_FlushContext (tpm.esys, key);
      if (rc_is (rc, TPM2_RC_BAD_AUTH) || rc_is (rc, TPM2_RC_AUTH_FAIL))
        g_set_error_literal (error, IDW_ERROR, IDW_ERROR_FAILED,
                             _("The TPM’s endorsement hierarchy has a password, so ID Wallet cannot "
                               "make the attestation key that certifies the device key."));
      else
        set_tpm_error (error, "TPM2_CreatePrimary (attestation key)", rc);
      return NULL;
    }

  qualifying.size = (UINT16) input->data_len;
  memcpy (qualifying.buffer, input->data, input->data_len);
  /* The device key's certifying role is ADMIN: it has no adminWithPolicy,
   * so its empty password serves, as the AK's does for USER. */
  rc = Esys_Certify (tpm.esys, key, ak, ESYS_TR_PASSWORD, ESYS_TR_PASSWORD, ESYS_TR_NONE,
                     &qualifying, &scheme, &certify_info, &signature);
  Esys_FlushContext (tpm.esys, key);
  Esys_FlushContext (tpm.esys, ak);
  if (rc != TSS2_RC_SUCCESS)
    {
      set_tpm_error (error, "TPM2_Certify", rc);
      return NULL;
    }

  rc = Tss2_MU_TPMT_SIGNATURE_Marshal (signature, buffer, sizeof buffer, &offset);
  if (rc != TSS2_RC_SUCCESS)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_FAILED,
                   _("The TPM’s certification cannot be written: %s"), Tss2_RC_Decode (rc));
      return NULL;
    }
  certification->signature = g_bytes_new (buffer, offset);
  certification->attest = g_bytes_new (certify_info->attestationData, certify_info->size);
  certification->ak_public = marshal_public (&ak_public->publicArea, error);
  if (certification->ak_public == NULL)
    return NULL;
  certification->key_public = marshal_public (&input->public.publicArea, error);
  if (certification->key_public == NULL)
    return NULL;
  certification->ek_certificate = read_ek_certificate (&tpm);

  return g_steal_pointer (&certification);
}

/**
 * idw_tpm_certify_key:
 * @key: a TPM-bound key (idw_tpm_create_key(), idw_tpm_load_key())
 * @qualifying_data: (array length=len): what the certification must carry
 *   as extraData, binding it to one use (at most 32 bytes)
 * @len: its length
 * @error: return location for a #GError
 *
 * Has the TPM certify @key with TPM2_Certify, signed by its attestation
 * key (a primary of the endorsement hierarchy), and reads its EK
 * certificate when it has one (docs/formats.md §11.1).
 *
 * Returns: (transfer full): the certification, or %NULL with
 *   IDW_ERROR_UNSUPPORTED (@key is not TPM-bound, @qualifying_data too
 *   long), IDW_ERROR_NO_TPM, IDW_ERROR_WRONG_TPM or IDW_ERROR_FAILED (the
 *   TPM refused, its endorsement hierarchy has a password).
 */
IdwTpmCertification *
idw_tpm_certify_key (IdwKey        *key,
                     const guint8  *qualifying_data,
                     gsize          len,
                     GError       **error)
{
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (qualifying_data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (key->sign_func != tpm_sign)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                           _("Only a key made by the TPM can be certified by it."));
      return NULL;
    }
  if (len > TPM2_SHA256_DIGEST_SIZE)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("A TPM certification binds at most %d bytes."), TPM2_SHA256_DIGEST_SIZE);
      return NULL;
    }

  return tpm_run (certify_work, key_input_new (key->sign_data, qualifying_data, len), g_free,
                  (GDestroyNotify) idw_tpm_certification_free, error);
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
