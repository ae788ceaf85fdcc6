/* idw-credential-request.c: the holder's credential request (DESIGN §3.2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "idw-cbor.h"
#include "idw-credential-request.h"
#include "idw-error.h"
#include "idw-read-file-private.h"
#include "idw-tpm.h"
#include "idw-transport.h"

/* COSE_Key label of an OKP private key. */
#define COSE_KEY_D (-4)

struct _IdwCredentialRequest
{
  IdwKey              *device_key;  /* public part only */
  GDateTime           *created;
  GBytes              *cbor;
  GBytes              *tpm_binding;
  IdwTpmCertification *tpm;         /* NULL when the request has none */
};

void
idw_credential_request_free (IdwCredentialRequest *request)
{
  if (request == NULL)
    return;

  g_clear_pointer (&request->device_key, idw_key_unref);
  g_clear_pointer (&request->created, g_date_time_unref);
  g_clear_pointer (&request->cbor, g_bytes_unref);
  g_clear_pointer (&request->tpm_binding, g_bytes_unref);
  g_clear_pointer (&request->tpm, idw_tpm_certification_free);
  g_free (request);
}

/* The CBOR the proof signs: ["IdWalletCredentialRequest", deviceKey, created].
 * Built from the items as they are in the request, so that what is
 * verified is what was received. */
static GBytes *
proof_payload (cbor_item_t *device_key,
               cbor_item_t *created)
{
  g_autoptr(cbor_item_t) array = idw_cbor_new_array ();

  idw_cbor_array_add (array, idw_cbor_new_string (IDW_CREDENTIAL_REQUEST_CONTEXT));
  idw_cbor_array_add (array, cbor_incref (device_key));
  idw_cbor_array_add (array, cbor_incref (created));

  return idw_cbor_encode (array);
}

/* What a TPM certification of the request carries as extraData:
 * SHA-256(CBOR ["IdWalletTpmCertify", deviceKey, created]), from the items
 * as they are in the request. */
static GBytes *
tpm_binding (cbor_item_t *device_key,
             cbor_item_t *created)
{
  g_autoptr(cbor_item_t) array = idw_cbor_new_array ();
  g_autoptr(GBytes) encoded = NULL;
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  idw_cbor_array_add (array, idw_cbor_new_string (IDW_CREDENTIAL_REQUEST_TPM_CONTEXT));
  idw_cbor_array_add (array, cbor_incref (device_key));
  idw_cbor_array_add (array, cbor_incref (created));
  encoded = idw_cbor_encode (array);

  g_checksum_update (checksum, g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded));
  g_checksum_get_digest (checksum, digest, &digest_len);
  return g_bytes_new (digest, digest_len);
}

/* The request's "tpm" map, keys in deterministic order. */
static cbor_item_t *
tpm_encode (IdwTpmCertification *tpm)
{
  cbor_item_t *map = idw_cbor_new_map ();

  idw_cbor_map_add_str (map, "attest", idw_cbor_new_gbytes (tpm->attest));
  idw_cbor_map_add_str (map, "akPublic", idw_cbor_new_gbytes (tpm->ak_public));
  idw_cbor_map_add_str (map, "keyPublic", idw_cbor_new_gbytes (tpm->key_public));
  idw_cbor_map_add_str (map, "signature", idw_cbor_new_gbytes (tpm->signature));
  idw_cbor_map_add_str (map, "ekCertificate",
                        tpm->ek_certificate != NULL ? idw_cbor_new_gbytes (tpm->ek_certificate)
                                                    : idw_cbor_new_null ());
  return map;
}

/**
 * idw_credential_request_alg_is_supported:
 * @alg: a COSE algorithm
 *
 * Returns: %TRUE for the algorithms a holder's device key may have: EdDSA
 *   (Ed25519) and ES256 (P-256, as a TPM or a secure element makes).
 */
gboolean
idw_credential_request_alg_is_supported (gint64 alg)
{
  return alg == IDW_COSE_ALG_EDDSA || alg == IDW_COSE_ALG_ES256;
}

/**
 * idw_credential_request_new:
 * @device_key: the holder's device key with its private part: Ed25519
 *   (the proof is EdDSA) or P-256 (ES256)
 * @created: (nullable): the creation time (whole seconds are kept), %NULL
 *   for now
 * @error: return location for a #GError
 *
 * Makes and signs a request for @device_key. The request keeps only the
 * public part of the key.
 *
 * Returns: (transfer full): the request, or %NULL with
 *   IDW_ERROR_UNSUPPORTED when @device_key is neither Ed25519 nor P-256
 *   or has no private part, or the errors of idw_key_sign().
 */
static IdwCredentialRequest *
request_new (IdwKey     *device_key,
             GDateTime  *created,
             gboolean    certify,
             GError    **error)
{
  g_autoptr(IdwCredentialRequest) request = NULL;
  g_autoptr(cbor_item_t) map = NULL;
  g_autoptr(cbor_item_t) cose_key = NULL;
  g_autoptr(cbor_item_t) created_item = NULL;
  g_autoptr(cbor_item_t) proof = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GDateTime) now = NULL;

  g_return_val_if_fail (device_key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!idw_credential_request_alg_is_supported (idw_key_get_alg (device_key))
      || !idw_key_has_private (device_key))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                           _("A credential request needs an Ed25519 or P-256 device key with its private part."));
      return NULL;
    }

  request = g_new0 (IdwCredentialRequest, 1);
  request->device_key = idw_key_dup_public (device_key);

  /* A tdate holds whole seconds. */
  if (created == NULL)
    created = now = g_date_time_new_now_utc ();
  request->created = g_date_time_new_from_unix_utc (g_date_time_to_unix (created));

  cose_key = idw_cose_key_encode (request->device_key, FALSE);
  created_item = idw_cbor_new_tdate (request->created);
  request->tpm_binding = tpm_binding (cose_key, created_item);
  if (certify)
    {
      request->tpm = idw_tpm_certify_key (device_key, g_bytes_get_data (request->tpm_binding, NULL),
                                          g_bytes_get_size (request->tpm_binding), error);
      if (request->tpm == NULL)
        return NULL;
    }
  payload = proof_payload (cose_key, created_item);
  proof = idw_cose_sign1_create (device_key, g_bytes_get_data (payload, NULL), g_bytes_get_size (payload),
                                 TRUE, NULL, error);
  if (proof == NULL)
    return NULL;

  /* Keys in core deterministic order (by their encoding: shorter first). */
  map = idw_cbor_new_map ();
  if (request->tpm != NULL)
    idw_cbor_map_add_str (map, "tpm", tpm_encode (request->tpm));
  idw_cbor_map_add_str (map, "proof", g_steal_pointer (&proof));
  idw_cbor_map_add_str (map, "created", g_steal_pointer (&created_item));
  idw_cbor_map_add_str (map, "version", idw_cbor_new_int (IDW_CREDENTIAL_REQUEST_VERSION));
  idw_cbor_map_add_str (map, "deviceKey", g_steal_pointer (&cose_key));
  request->cbor = idw_cbor_encode (map);

  return g_steal_pointer (&request);
}

IdwCredentialRequest *
idw_credential_request_new (IdwKey     *device_key,
                            GDateTime  *created,
                            GError    **error)
{
  g_return_val_if_fail (device_key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return request_new (device_key, created, FALSE, error);
}

/**
 * idw_credential_request_new_certified:
 * @device_key: a TPM-bound device key (idw-tpm.h)
 * @created: (nullable): the creation time, %NULL for now
 * @error: return location for a #GError
 *
 * Makes and signs a request as idw_credential_request_new() does, with the
 * TPM's certification of @device_key bound to it (docs/formats.md §11.1).
 * Blocks on the TPM.
 *
 * Returns: (transfer full): the request, or %NULL with
 *   IDW_ERROR_UNSUPPORTED (not a TPM-bound key) or the errors of
 *   idw_tpm_certify_key() and idw_key_sign().
 */
IdwCredentialRequest *
idw_credential_request_new_certified (IdwKey     *device_key,
                                      GDateTime  *created,
                                      GError    **error)
{
  g_autoptr(GBytes) blob = NULL;

  g_return_val_if_fail (device_key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  blob = idw_tpm_key_get_blob (device_key);
  if (blob == NULL)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                           _("Only a device key in the TPM can be certified by the TPM."));
      return NULL;
    }
  return request_new (device_key, created, TRUE, error);
}

GBytes *
idw_credential_request_to_bytes (IdwCredentialRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return g_bytes_ref (request->cbor);
}

char *
idw_credential_request_to_text (IdwCredentialRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return idw_transport_wrap (IDW_PREFIX_CREDENTIAL, request->cbor);
}

IdwKey *
idw_credential_request_get_device_key (IdwCredentialRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return request->device_key;
}

GDateTime *
idw_credential_request_get_created (IdwCredentialRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return request->created;
}

IdwTpmCertification *
idw_credential_request_get_tpm_certification (IdwCredentialRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return request->tpm;
}

GBytes *
idw_credential_request_get_tpm_binding (IdwCredentialRequest *request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return g_bytes_ref (request->tpm_binding);
}

/**
 * idw_credential_request_verify_tpm:
 * @request: a request
 * @cas: (nullable): TPM makers' CAs the EK certificate must chain to
 * @now: (nullable): the time to judge certificates by, %NULL for the clock
 * @result: (out caller-allocates): what was found (clear it in any case)
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the request's TPM certification holds; %FALSE with
 *   IDW_ERROR_NOT_FOUND (the request carries none) or the errors of
 *   idw_tpm_certification_verify().
 */
gboolean
idw_credential_request_verify_tpm (IdwCredentialRequest       *request,
                                   IdwTpmCaList               *cas,
                                   GDateTime                  *now,
                                   IdwTpmCertificationResult  *result,
                                   GError                    **error)
{
  g_return_val_if_fail (request != NULL, FALSE);
  g_return_val_if_fail (result != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (request->tpm == NULL)
    {
      memset (result, 0, sizeof *result);
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_NOT_FOUND,
                           _("The credential request carries no TPM certification: its device key is "
                             "not proven to be in hardware."));
      return FALSE;
    }
  return idw_tpm_certification_verify (request->tpm, request->device_key,
                                       g_bytes_get_data (request->tpm_binding, NULL),
                                       g_bytes_get_size (request->tpm_binding),
                                       cas, now, result, error);
}

/* ---- Parsing ---------------------------------------------------------- */

static gboolean
check_version (cbor_item_t  *map,
               GError      **error)
{
  cbor_item_t *value = idw_cbor_map_get (map, "version");
  guint64 version;

  if (value == NULL)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                           _("Credential request: missing version"));
      return FALSE;
    }
  if (!idw_cbor_get_uint (value, &version))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                           _("Credential request version: expected an unsigned integer"));
      return FALSE;
    }
  if (version != IDW_CREDENTIAL_REQUEST_VERSION)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("Credential request version %llu is not supported"),
                   (unsigned long long) version);
      return FALSE;
    }

  return TRUE;
}

static IdwKey *
parse_device_key (cbor_item_t  *map,
                  cbor_item_t **out_item,
                  GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(IdwKey) key = NULL;
  cbor_item_t *item;

  item = idw_cbor_require (map, "deviceKey", CBOR_TYPE_MAP, _("Credential request"), error);
  if (item == NULL)
    return NULL;

  /* A request travels in the clear: a private key in it is a leak, and
   * nothing an issuer may keep. */
  if (idw_cbor_map_get_int (item, COSE_KEY_D) != NULL)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("Credential request deviceKey: holds a private key, which must never leave the wallet"));
      return NULL;
    }

  key = idw_cose_key_decode (item, &local_error);
  if (key == NULL)
    {
      g_set_error (error, IDW_ERROR, local_error->code,
                   _("Credential request deviceKey: %s"), local_error->message);
      return NULL;
    }
  if (!idw_credential_request_alg_is_supported (idw_key_get_alg (key)))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("Credential request deviceKey: a %s key; expected Ed25519 or P-256"),
                   idw_key_get_curve_name (key));
      return NULL;
    }

  *out_item = item;
  return g_steal_pointer (&key);
}

static gboolean
verify_proof (cbor_item_t  *map,
              IdwKey       *key,
              cbor_item_t  *key_item,
              cbor_item_t  *created_item,
              GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(IdwCoseSign1) sign1 = NULL;
  g_autoptr(GBytes) payload = NULL;
  cbor_item_t *proof;

  proof = idw_cbor_map_get (map, "proof");
  if (proof == NULL)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                           _("Credential request: missing proof"));
      return FALSE;
    }

  if (!cbor_isa_array (proof) && idw_cbor_untag (proof, IDW_CBOR_TAG_COSE_SIGN1) == NULL)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                           _("Credential request proof: expected a COSE_Sign1"));
      return FALSE;
    }

  sign1 = idw_cose_sign1_parse (proof, &local_error);
  if (sign1 == NULL)
    {
      g_set_error (error, IDW_ERROR, local_error->code,
                   _("Credential request proof: %s"), local_error->message);
      return FALSE;
    }
  /* The proof is made with the device key, so it has the key's algorithm. */
  if (sign1->alg != idw_key_get_alg (key))
    {
      const char *name = idw_key_alg_to_string (sign1->alg);
      g_autofree char *number = g_strdup_printf ("%" G_GINT64_FORMAT, sign1->alg);

      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("Credential request proof: an %s signature, but the device key signs %s"),
                   name != NULL ? name : number, idw_key_alg_to_string (idw_key_get_alg (key)));
      return FALSE;
    }
  if (sign1->payload != NULL)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("Credential request proof: expected a detached payload"));
      return FALSE;
    }

  payload = proof_payload (key_item, created_item);
  if (!idw_cose_sign1_verify (sign1, key, payload, &local_error))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE,
                           _("The credential request’s proof does not verify: it was changed, or made without the device key."));
      return FALSE;
    }

  return TRUE;
}

static GBytes *
tpm_field (cbor_item_t  *tpm,
           const char   *key,
           gsize         max,
           gboolean      nullable,
           GError      **error)
{
  cbor_item_t *item = idw_cbor_map_get (tpm, key);
  g_autoptr(GBytes) bytes = NULL;
  gsize size;

  if (item == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                   _("Credential request tpm: missing %s"), key);
      return NULL;
    }
  if (nullable && idw_cbor_is_null (item))
    return NULL;
  if (!cbor_isa_bytestring (item))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                   nullable ? _("Credential request tpm.%s: expected a byte string or null")
                            : _("Credential request tpm.%s: expected a byte string"),
                   key);
      return NULL;
    }
  /* The request as a whole is within the inflate limit: a copy is cheap. */
  bytes = idw_cbor_dup_bytes (item);
  size = bytes != NULL ? g_bytes_get_size (bytes) : 0;
  if (size > max)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("Credential request tpm.%s: %zu bytes, more than the %zu allowed"), key, size, max);
      return NULL;
    }
  if (size == 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("Credential request tpm.%s: empty"), key);
      return NULL;
    }
  return g_steal_pointer (&bytes);
}

/* The optional "tpm" map: its form only; idw_credential_request_verify_tpm()
 * checks what it says. */
static gboolean
parse_tpm (cbor_item_t           *map,
           IdwCredentialRequest  *request,
           GError               **error)
{
  g_autoptr(IdwTpmCertification) tpm = NULL;
  GError *local_error = NULL;
  cbor_item_t *item = idw_cbor_map_get (map, "tpm");

  if (item == NULL)
    return TRUE;
  if (!cbor_isa_map (item))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                           _("Credential request tpm: expected a map"));
      return FALSE;
    }

  tpm = g_new0 (IdwTpmCertification, 1);
  if ((tpm->attest = tpm_field (item, "attest", IDW_TPM_ATTEST_MAX, FALSE, error)) == NULL
      || (tpm->signature = tpm_field (item, "signature", IDW_TPM_SIGNATURE_MAX, FALSE, error)) == NULL
      || (tpm->ak_public = tpm_field (item, "akPublic", IDW_TPM_PUBLIC_MAX, FALSE, error)) == NULL
      || (tpm->key_public = tpm_field (item, "keyPublic", IDW_TPM_PUBLIC_MAX, FALSE, error)) == NULL)
    return FALSE;
  tpm->ek_certificate = tpm_field (item, "ekCertificate", IDW_TPM_EK_CERT_MAX, TRUE, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  request->tpm = g_steal_pointer (&tpm);
  return TRUE;
}

/**
 * idw_credential_request_parse:
 * @cbor: the request CBOR
 * @now: (nullable): the time to judge "created" by, %NULL for the clock
 * @error: return location for a #GError
 *
 * Parses a request and verifies its proof with the device key it names.
 * Unknown map keys are ignored.
 *
 * Returns: (transfer full): the request, or %NULL with
 *   IDW_ERROR_MALFORMED (not CBOR, trailing bytes, a private key in
 *   deviceKey), IDW_ERROR_LIMIT, IDW_ERROR_DUPLICATE, IDW_ERROR_WRONG_TYPE
 *   or IDW_ERROR_MISSING_FIELD naming the field ("Credential request
 *   created: expected tdate"), IDW_ERROR_UNSUPPORTED (version other than 1,
 *   a device key that is neither Ed25519 nor P-256, a proof whose
 *   algorithm is not the device key's),
 *   IDW_ERROR_NOT_YET_VALID (created more than
 *   %IDW_CREDENTIAL_REQUEST_MAX_FUTURE seconds after @now),
 *   IDW_ERROR_BAD_SIGNATURE (the proof does not verify), or for a "tpm" map
 *   that is not a map of the five fields: IDW_ERROR_WRONG_TYPE,
 *   IDW_ERROR_MISSING_FIELD, IDW_ERROR_LIMIT or IDW_ERROR_MALFORMED
 *   (an empty field).
 */
IdwCredentialRequest *
idw_credential_request_parse (GBytes     *cbor,
                              GDateTime  *now,
                              GError    **error)
{
  g_autoptr(IdwCredentialRequest) request = NULL;
  g_autoptr(cbor_item_t) map = NULL;
  g_autoptr(GDateTime) clock = NULL;
  g_autoptr(GDateTime) latest = NULL;
  g_autoptr(GError) local_error = NULL;
  cbor_item_t *key_item = NULL;
  cbor_item_t *created_item;

  g_return_val_if_fail (cbor != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_bytes_get_size (cbor) > IDW_MAX_INFLATED_LENGTH)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("Credential request: larger than %d bytes"), IDW_MAX_INFLATED_LENGTH);
      return NULL;
    }

  map = idw_cbor_decode_bytes (cbor, &local_error);
  if (map == NULL)
    {
      g_set_error (error, IDW_ERROR, local_error->code,
                   _("Credential request: %s"), local_error->message);
      return NULL;
    }
  if (!cbor_isa_map (map))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                           _("Credential request: expected a map"));
      return NULL;
    }

  if (!check_version (map, error))
    return NULL;

  request = g_new0 (IdwCredentialRequest, 1);
  request->device_key = parse_device_key (map, &key_item, error);
  if (request->device_key == NULL)
    return NULL;

  created_item = idw_cbor_map_get (map, "created");
  if (created_item == NULL)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                           _("Credential request: missing created"));
      return NULL;
    }
  request->created = idw_cbor_get_tdate (created_item, _("Credential request created"), error);
  if (request->created == NULL)
    return NULL;

  /* The signature first: a forged request says nothing about its time. */
  if (!verify_proof (map, request->device_key, key_item, created_item, error))
    return NULL;

  request->tpm_binding = tpm_binding (key_item, created_item);
  if (!parse_tpm (map, request, error))
    return NULL;

  if (now == NULL)
    now = clock = g_date_time_new_now_utc ();
  latest = g_date_time_add_seconds (now, IDW_CREDENTIAL_REQUEST_MAX_FUTURE);
  if (g_date_time_compare (request->created, latest) > 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_NOT_YET_VALID,
                   _("Credential request created: more than %d minutes in the future; check the clocks"),
                   IDW_CREDENTIAL_REQUEST_MAX_FUTURE / 60);
      return NULL;
    }

  request->cbor = g_bytes_ref (cbor);

  return g_steal_pointer (&request);
}

IdwCredentialRequest *
idw_credential_request_parse_text (const char  *text,
                                   GDateTime   *now,
                                   GError     **error)
{
  g_autoptr(GBytes) cbor = NULL;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  cbor = idw_transport_unwrap (IDW_PREFIX_CREDENTIAL, text, error);
  if (cbor == NULL)
    return NULL;

  return idw_credential_request_parse (cbor, now, error);
}

IdwCredentialRequest *
idw_credential_request_parse_data (GBytes     *data,
                                   GDateTime  *now,
                                   GError    **error)
{
  const char *p;
  gsize size;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  p = g_bytes_get_data (data, &size);
  if (size == 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("Credential request: empty"));
      return NULL;
    }

  /* A CBOR map starts with 0xa0…0xbf, never the first byte of a UTF-8
   * sequence: anything that is valid UTF-8 is meant as text. */
  if (memchr (p, '\0', size) == NULL && g_utf8_validate (p, (gssize) size, NULL))
    {
      g_autofree char *text = NULL;

      if (size > IDW_MAX_TEXT_LENGTH + 1024)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                       _("Credential request: text longer than %d characters"), IDW_MAX_TEXT_LENGTH);
          return NULL;
        }
      text = g_strndup (p, size);
      return idw_credential_request_parse_text (text, now, error);
    }

  return idw_credential_request_parse (data, now, error);
}

IdwCredentialRequest *
idw_credential_request_new_from_file (const char  *path,
                                      GDateTime   *now,
                                      GError     **error)
{
  g_autoptr(GBytes) data = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = _idw_read_file (path, IDW_MAX_INPUT_FILE, error);
  if (data == NULL)
    return NULL;

  return idw_credential_request_parse_data (data, now, error);
}
