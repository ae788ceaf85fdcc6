/* idw-present.c: presenting a credential (DESIGN §3.3)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "idw-cbor.h"
#include "idw-envelope.h"
#include "idw-error.h"
#include "idw-mdoc-private.h"
#include "idw-present.h"
#include "idw-qr.h"
#include "idw-transport.h"

#define REQUEST_VERSION  1
#define MAX_VERIFIER_NAME 256

/* ---- Presenting ------------------------------------------------------- */

static IdwKey *
signing_key (IdwCredential  *credential,
             IdwKey         *device_key,
             GError        **error)
{
  IdwKey *key = device_key != NULL ? device_key : idw_credential_get_private_key (credential);

  if (key == NULL || !idw_key_has_private (key))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_NOT_FOUND,
                           _("This credential cannot be presented from this device: its device key is missing"));
      return NULL;
    }
  if (!idw_key_equal (key, idw_credential_get_device_key (credential)))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                           _("The device key is not the one this credential was issued to"));
      return NULL;
    }
  return key;
}

/**
 * idw_present_device_response:
 * @credential: the credential
 * @device_key: (nullable): the device key with its private part; %NULL to
 *   use the one the credential holds
 * @paths: the element paths "ns/element" to disclose
 * @session_transcript: the plain CBOR of the SessionTranscript to sign over
 * @error: return location for a #GError
 *
 * A DeviceResponse with one document disclosing exactly @paths (in the
 * credential's order), deviceSignature over DeviceAuthenticationBytes with
 * empty device namespaces.
 *
 * Returns: (transfer full): the response, or %NULL with IDW_ERROR_NOT_FOUND
 *   naming every path the credential lacks (or when no private key is
 *   available), IDW_ERROR_UNSUPPORTED when @device_key is not the MSO's
 *   device key.
 */
IdwDeviceResponse *
idw_present_device_response (IdwCredential       *credential,
                             IdwKey              *device_key,
                             const char * const  *paths,
                             GBytes              *session_transcript,
                             GError             **error)
{
  g_autoptr(IdwIssuerSigned) selected = NULL;
  g_autoptr(IdwDeviceSigned) device_signed = NULL;
  g_autoptr(IdwDeviceResponse) response = NULL;
  const char *doctype;
  IdwKey *key;

  g_return_val_if_fail (IDW_IS_CREDENTIAL (credential), NULL);
  g_return_val_if_fail (session_transcript != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  key = signing_key (credential, device_key, error);
  if (key == NULL)
    return NULL;
  if (paths == NULL || paths[0] == NULL)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                           _("Choose at least one element to share"));
      return NULL;
    }

  selected = idw_issuer_signed_select (idw_credential_get_issuer_signed (credential), paths, error);
  if (selected == NULL)
    return NULL;

  doctype = idw_credential_get_doctype (credential);
  device_signed = idw_device_signed_new_signature (key, session_transcript, doctype, error);
  if (device_signed == NULL)
    return NULL;

  response = idw_device_response_new ();
  idw_device_response_add_document (response,
                                    idw_document_new (doctype, g_steal_pointer (&selected),
                                                      g_steal_pointer (&device_signed)));
  return g_steal_pointer (&response);
}

/**
 * idw_present_envelope:
 * @credential: the credential
 * @device_key: (nullable): as for idw_present_device_response()
 * @paths: the element paths to disclose
 * @presented_at: (nullable): the presentation time, %NULL for now
 * @nonce: (nullable): the verifier's nonce for a remote check
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the signed envelope, or %NULL with the errors
 *   of idw_present_device_response().
 */
IdwEnvelope *
idw_present_envelope (IdwCredential       *credential,
                      IdwKey              *device_key,
                      const char * const  *paths,
                      GDateTime           *presented_at,
                      GBytes              *nonce,
                      GError             **error)
{
  g_autoptr(IdwDeviceResponse) response = NULL;
  g_autoptr(cbor_item_t) response_item = NULL;
  g_autoptr(GBytes) transcript = NULL;
  gint64 at;

  g_return_val_if_fail (IDW_IS_CREDENTIAL (credential), NULL);

  at = presented_at != NULL ? g_date_time_to_unix (presented_at) : g_get_real_time () / G_USEC_PER_SEC;
  if (at < 0)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("The presentation time is before 1970"));
      return NULL;
    }
  transcript = idw_qr_session_transcript_new (at, nonce);
  response = idw_present_device_response (credential, device_key, paths, transcript, error);
  if (response == NULL)
    return NULL;
  response_item = idw_device_response_to_cbor (response);
  return idw_envelope_new (at, nonce, response_item);
}

char *
idw_present_text (IdwCredential       *credential,
                  IdwKey              *device_key,
                  const char * const  *paths,
                  GDateTime           *presented_at,
                  GBytes              *nonce,
                  GError             **error)
{
  g_autoptr(IdwEnvelope) envelope = NULL;

  envelope = idw_present_envelope (credential, device_key, paths, presented_at, nonce, error);
  if (envelope == NULL)
    return NULL;
  return idw_envelope_to_text (envelope);
}

gboolean
idw_present_text_fits_qr (const char *text)
{
  g_return_val_if_fail (text != NULL, FALSE);

  /* Anything outside the alphanumeric set would need byte mode. */
  return strlen (text) <= IDW_QR_MAX_ALPHANUMERIC && idw_qr_is_alphanumeric (text);
}

/**
 * idw_present_text_for_qr:
 * @credential: the credential
 * @device_key: (nullable): as for idw_present_device_response()
 * @paths: the element paths to disclose
 * @presented_at: (nullable): %NULL for now
 * @nonce: (nullable): the verifier's nonce
 * @out_portrait_dropped: (out) (optional): set to %TRUE when the portrait
 *   was left out so that the text fits
 * @error: return location for a #GError
 *
 * An in-person presentation for one QR code: when the full selection does
 * not fit, the portrait is left out (and the caller told); when that does
 * not fit either, fails.
 *
 * Returns: (transfer full): "IDW1:" text that fits, or %NULL with
 *   IDW_ERROR_TOO_LARGE_FOR_QR or the errors of idw_present_text().
 */
char *
idw_present_text_for_qr (IdwCredential       *credential,
                         IdwKey              *device_key,
                         const char * const  *paths,
                         GDateTime           *presented_at,
                         GBytes              *nonce,
                         gboolean            *out_portrait_dropped,
                         GError             **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) without = g_ptr_array_new ();
  gboolean had_portrait = FALSE;

  if (out_portrait_dropped != NULL)
    *out_portrait_dropped = FALSE;

  text = idw_present_text (credential, device_key, paths, presented_at, nonce, error);
  if (text == NULL)
    return NULL;
  if (idw_present_text_fits_qr (text))
    return g_steal_pointer (&text);

  for (gsize i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *element = NULL;

      if (idw_element_path_split (paths[i], NULL, &element) && g_str_equal (element, "portrait"))
        had_portrait = TRUE;
      else
        g_ptr_array_add (without, (gpointer) paths[i]);
    }

  if (had_portrait && without->len > 0)
    {
      g_ptr_array_add (without, NULL);
      g_clear_pointer (&text, g_free);
      text = idw_present_text (credential, device_key, (const char * const *) without->pdata,
                               presented_at, nonce, error);
      if (text == NULL)
        return NULL;
      if (idw_present_text_fits_qr (text))
        {
          if (out_portrait_dropped != NULL)
            *out_portrait_dropped = TRUE;
          return g_steal_pointer (&text);
        }
    }

  g_set_error_literal (error, IDW_ERROR, IDW_ERROR_TOO_LARGE_FOR_QR,
                       _("The chosen elements do not fit in a QR code; share fewer or copy the presentation as text"));
  return NULL;
}

/* ---- Remote request ---------------------------------------------------- */

void
idw_remote_request_free (IdwRemoteRequest *request)
{
  if (request == NULL)
    return;
  g_clear_pointer (&request->nonce, g_bytes_unref);
  g_clear_pointer (&request->request, idw_device_request_free);
  g_free (request->verifier);
  g_free (request);
}

IdwRemoteRequest *
idw_remote_request_new (const char          *doctype,
                        const char * const  *paths,
                        const char          *verifier,
                        GError             **error)
{
  g_autoptr(IdwRemoteRequest) request = NULL;
  g_autoptr(IdwDocRequest) doc_request = NULL;
  guint8 nonce[IDW_REQUEST_NONCE_LENGTH];

  g_return_val_if_fail (doctype != NULL, NULL);

  if (paths == NULL || paths[0] == NULL)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                           _("The request names no element"));
      return NULL;
    }
  if (verifier != NULL && strlen (verifier) > MAX_VERIFIER_NAME)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("The verifier name is longer than %d bytes"), MAX_VERIFIER_NAME);
      return NULL;
    }

  doc_request = idw_doc_request_new (doctype);
  for (gsize i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *ns = NULL;
      g_autofree char *element = NULL;

      if (!idw_element_path_split (paths[i], &ns, &element))
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                       _("“%s” is not an element path NAMESPACE/ELEMENT"), paths[i]);
          return NULL;
        }
      idw_doc_request_add (doc_request, ns, element, FALSE);
    }
  if (doc_request->elements->len > IDW_MAX_ELEMENTS)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT, _("More than %d data elements"),
                   IDW_MAX_ELEMENTS);
      return NULL;
    }

  randombytes_buf (nonce, sizeof nonce);
  request = g_new0 (IdwRemoteRequest, 1);
  request->nonce = g_bytes_new (nonce, sizeof nonce);
  request->request = idw_device_request_new ();
  idw_device_request_add (request->request, g_steal_pointer (&doc_request));
  request->verifier = g_strdup (verifier);
  return g_steal_pointer (&request);
}

IdwRemoteRequest *
idw_remote_request_new_preset (const char  *doctype,
                               IdwPreset    preset,
                               const char  *verifier,
                               GError     **error)
{
  g_auto(GStrv) paths = NULL;

  g_return_val_if_fail (doctype != NULL, NULL);

  paths = idw_preset_get_elements (preset, doctype, NULL);
  if (paths[0] == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                   _("The preset “%s” names no element of “%s”; list the elements"),
                   idw_preset_to_string (preset), doctype);
      return NULL;
    }
  return idw_remote_request_new (doctype, (const char * const *) paths, verifier, error);
}

char *
idw_remote_request_to_text (IdwRemoteRequest *request)
{
  g_autoptr(cbor_item_t) map = idw_cbor_new_map ();
  g_autoptr(GBytes) cbor = NULL;

  g_return_val_if_fail (request != NULL, NULL);

  /* Keys in deterministic order (by their encoding). */
  idw_cbor_map_add_str (map, "v", idw_cbor_new_int (REQUEST_VERSION));
  idw_cbor_map_add_str (map, "nonce", idw_cbor_new_gbytes (request->nonce));
  idw_cbor_map_add_str (map, "request", idw_device_request_to_cbor (request->request));
  if (request->verifier != NULL)
    idw_cbor_map_add_str (map, "verifier", idw_cbor_new_string (request->verifier));
  cbor = idw_cbor_encode (map);
  return idw_transport_wrap (IDW_PREFIX_REQUEST, cbor);
}

IdwRemoteRequest *
idw_remote_request_parse (const char  *text,
                          GError     **error)
{
  g_autoptr(GBytes) cbor = NULL;
  g_autoptr(cbor_item_t) map = NULL;
  g_autoptr(IdwRemoteRequest) request = NULL;
  cbor_item_t *value;
  guint64 version;

  g_return_val_if_fail (text != NULL, NULL);

  cbor = idw_transport_unwrap (IDW_PREFIX_REQUEST, text, error);
  if (cbor == NULL)
    return NULL;
  map = idw_cbor_decode_bytes (cbor, error);
  if (map == NULL)
    return NULL;
  if (!cbor_isa_map (map))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE, _("Request: expected a map"));
      return NULL;
    }

  value = idw_cbor_map_get (map, "v");
  if (value == NULL || !idw_cbor_get_uint (value, &version))
    {
      g_set_error_literal (error, IDW_ERROR, value == NULL ? IDW_ERROR_MISSING_FIELD : IDW_ERROR_WRONG_TYPE,
                           _("Request v: expected an unsigned integer"));
      return NULL;
    }
  if (version != REQUEST_VERSION)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("Request version %llu is not supported"),
                   (unsigned long long) version);
      return NULL;
    }

  request = g_new0 (IdwRemoteRequest, 1);

  value = idw_cbor_map_get (map, "nonce");
  if (value == NULL || !cbor_isa_bytestring (value))
    {
      g_set_error_literal (error, IDW_ERROR, value == NULL ? IDW_ERROR_MISSING_FIELD : IDW_ERROR_WRONG_TYPE,
                           _("Request nonce: expected a byte string"));
      return NULL;
    }
  request->nonce = idw_cbor_dup_bytes (value);
  if (g_bytes_get_size (request->nonce) < IDW_REQUEST_NONCE_LENGTH)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_NONCE,
                   _("Request nonce: expected at least %d bytes"), IDW_REQUEST_NONCE_LENGTH);
      return NULL;
    }

  value = idw_cbor_map_get (map, "request");
  if (value == NULL)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD, _("Request request: missing"));
      return NULL;
    }
  request->request = idw_device_request_parse (value, error);
  if (request->request == NULL)
    return NULL;

  value = idw_cbor_map_get (map, "verifier");
  if (value != NULL)
    {
      request->verifier = cbor_isa_string (value) ? idw_cbor_dup_string (value) : NULL;
      if (request->verifier == NULL)
        {
          g_set_error_literal (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                               _("Request verifier: expected a text string"));
          return NULL;
        }
      if (strlen (request->verifier) > MAX_VERIFIER_NAME)
        {
          g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                       _("Request verifier: longer than %d bytes"), MAX_VERIFIER_NAME);
          return NULL;
        }
    }

  return g_steal_pointer (&request);
}

static IdwDocRequest *
first_doc_request (IdwRemoteRequest *request)
{
  g_return_val_if_fail (request != NULL && request->request != NULL, NULL);
  g_return_val_if_fail (request->request->doc_requests->len > 0, NULL);

  return g_ptr_array_index (request->request->doc_requests, 0);
}

const char *
idw_remote_request_get_doctype (IdwRemoteRequest *request)
{
  IdwDocRequest *dr = first_doc_request (request);

  return dr != NULL ? dr->doctype : NULL;
}

GStrv
idw_remote_request_get_paths (IdwRemoteRequest *request)
{
  IdwDocRequest *dr = first_doc_request (request);

  return dr != NULL ? idw_doc_request_get_paths (dr) : g_new0 (char *, 1);
}

GStrv
idw_remote_request_select (IdwRemoteRequest *request,
                           IdwCredential    *credential,
                           GStrv            *out_missing)
{
  g_autoptr(GStrvBuilder) held = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) missing = g_strv_builder_new ();
  IdwDocRequest *dr = first_doc_request (request);
  gboolean same_type;

  g_return_val_if_fail (IDW_IS_CREDENTIAL (credential), NULL);

  same_type = dr != NULL && g_str_equal (dr->doctype, idw_credential_get_doctype (credential));
  for (guint i = 0; dr != NULL && i < dr->elements->len; i++)
    {
      IdwRequestedElement *e = g_ptr_array_index (dr->elements, i);
      g_autofree char *path = idw_element_path_new (e->name_space, e->element);

      if (same_type && idw_credential_has_element (credential, e->name_space, e->element))
        g_strv_builder_add (held, path);
      else
        g_strv_builder_add (missing, path);
    }
  if (out_missing != NULL)
    *out_missing = g_strv_builder_end (missing);
  return g_strv_builder_end (held);
}

char *
idw_remote_request_respond (IdwRemoteRequest  *request,
                            IdwCredential     *credential,
                            IdwKey            *device_key,
                            GDateTime         *presented_at,
                            GError           **error)
{
  g_auto(GStrv) paths = NULL;
  const char *doctype;

  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (IDW_IS_CREDENTIAL (credential), NULL);

  doctype = idw_remote_request_get_doctype (request);
  if (g_strcmp0 (doctype, idw_credential_get_doctype (credential)) != 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND,
                   _("The verifier asks for a “%s”, this credential is a “%s”"),
                   idw_doctype_get_display_name (doctype),
                   idw_credential_get_display_name (credential));
      return NULL;
    }
  paths = idw_remote_request_select (request, credential, NULL);
  if (paths[0] == NULL)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_NOT_FOUND,
                           _("This credential holds none of the requested elements"));
      return NULL;
    }
  return idw_present_text (credential, device_key, (const char * const *) paths, presented_at,
                           request->nonce, error);
}
