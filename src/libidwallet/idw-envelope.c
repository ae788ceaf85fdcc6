/* idw-envelope.c: the ID Wallet QR envelope and session transcripts
 * (DESIGN §3.3)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "idw-cbor.h"
#include "idw-envelope.h"
#include "idw-error.h"
#include "idw-transport.h"

#define ENVELOPE_VERSION 1

/* ---- Session transcripts ----------------------------------------------- */

const char *
idw_handover_kind_to_string (IdwHandoverKind kind)
{
  switch (kind)
    {
    case IDW_HANDOVER_NONE:
      return "none";
    case IDW_HANDOVER_IDWALLET_QR:
      return "idwallet-qr";
    case IDW_HANDOVER_ISO_18013_5:
      return "iso-18013-5";
    case IDW_HANDOVER_OPENID4VP:
      return "openid4vp";
    case IDW_HANDOVER_DC_API:
      return "dc-api";
    case IDW_HANDOVER_BROWSER:
      return "browser";
    case IDW_HANDOVER_APP:
      return "app";
    case IDW_HANDOVER_OTHER:
    default:
      return "other";
    }
}

const char *
idw_handover_kind_describe (IdwHandoverKind kind)
{
  switch (kind)
    {
    case IDW_HANDOVER_NONE:
      return _("no session transcript");
    case IDW_HANDOVER_IDWALLET_QR:
      return _("an ID Wallet QR code");
    case IDW_HANDOVER_ISO_18013_5:
      return _("an ISO 18013-5 reader session");
    case IDW_HANDOVER_OPENID4VP:
      return _("an OpenID4VP session");
    case IDW_HANDOVER_DC_API:
      return _("an OpenID4VP session through the browser’s Digital Credentials API");
    case IDW_HANDOVER_BROWSER:
      return _("a browser session");
    case IDW_HANDOVER_APP:
      return _("a session handed over by a phone app");
    case IDW_HANDOVER_OTHER:
    default:
      return _("a session of another kind");
    }
}

static gboolean
is_tag24_bytes (cbor_item_t *item)
{
  cbor_item_t *inner = idw_cbor_untag (item, IDW_CBOR_TAG_ENCODED_CBOR);

  return inner != NULL && cbor_isa_bytestring (inner);
}

/* [ "IdWalletQRHandoverV1", presentedAt: uint, nonce: bstr / null ] */
static gboolean
parse_qr_handover (cbor_item_t  *handover,
                   gint64       *out_presented_at,
                   GBytes      **out_nonce,
                   GError      **error)
{
  cbor_item_t **fields = cbor_array_handle (handover);
  guint64 presented_at;

  if (cbor_array_size (handover) != 3)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("SessionTranscript: the ID Wallet QR handover must have three elements"));
      return FALSE;
    }
  if (!idw_cbor_get_uint (fields[1], &presented_at) || presented_at > G_MAXINT64 / 2)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                           _("SessionTranscript: the QR handover’s presentedAt: expected an unsigned integer (Unix seconds)"));
      return FALSE;
    }
  if (!cbor_isa_bytestring (fields[2]) && !idw_cbor_is_null (fields[2]))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                           _("SessionTranscript: the QR handover’s nonce: expected a byte string or null"));
      return FALSE;
    }

  if (out_presented_at != NULL)
    *out_presented_at = (gint64) presented_at;
  if (out_nonce != NULL)
    *out_nonce = cbor_isa_bytestring (fields[2]) ? idw_cbor_dup_bytes (fields[2]) : NULL;
  return TRUE;
}

/**
 * idw_session_transcript_get_handover:
 * @transcript: a SessionTranscript item (plain, not tag-24 wrapped)
 * @out_presented_at: (out) (optional): presentedAt of a QR handover
 * @out_nonce: (out) (optional) (transfer full) (nullable): its nonce
 * @error: return location for a #GError
 *
 * Which kind of session @transcript belongs to. A QR handover must be
 * well formed: one whose name is ours but whose fields are not is an
 * error, so that a damaged one cannot pass for another kind and escape
 * the freshness rules.
 *
 * Returns: the kind, or %IDW_HANDOVER_NONE with IDW_ERROR_MALFORMED /
 *   IDW_ERROR_WRONG_TYPE (a SessionTranscript that is not an array of
 *   three, a malformed QR handover)
 */
IdwHandoverKind
idw_session_transcript_get_handover (cbor_item_t  *transcript,
                                     gint64       *out_presented_at,
                                     GBytes      **out_nonce,
                                     GError      **error)
{
  cbor_item_t **parts;
  cbor_item_t *handover;
  cbor_item_t *first = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, IDW_HANDOVER_NONE);

  if (out_presented_at != NULL)
    *out_presented_at = 0;
  if (out_nonce != NULL)
    *out_nonce = NULL;

  /* SessionTranscript = [DeviceEngagementBytes, EReaderKeyBytes, Handover] */
  if (transcript == NULL || !cbor_isa_array (transcript) || cbor_array_size (transcript) != 3)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                           _("SessionTranscript: expected an array of three elements"));
      return IDW_HANDOVER_NONE;
    }
  parts = cbor_array_handle (transcript);
  handover = parts[2];

  if (cbor_isa_array (handover) && cbor_array_size (handover) > 0)
    first = cbor_array_handle (handover)[0];

  /* Ours first, wherever it sits: a QR handover must never be taken for
   * another kind, whose freshness the verifier would not check. */
  if (first != NULL && idw_cbor_string_equal (first, IDW_QR_HANDOVER_NAME))
    {
      if (!idw_cbor_is_null (parts[0]) || !idw_cbor_is_null (parts[1]))
        {
          g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                               _("SessionTranscript: an ID Wallet QR handover has no device engagement or reader key"));
          return IDW_HANDOVER_NONE;
        }
      if (!parse_qr_handover (handover, out_presented_at, out_nonce, error))
        return IDW_HANDOVER_NONE;
      return IDW_HANDOVER_IDWALLET_QR;
    }

  /* ISO 18013-5 §9.1.5.1: a proximity session carries the device
   * engagement and the reader's ephemeral key. */
  if (is_tag24_bytes (parts[0]) && is_tag24_bytes (parts[1]))
    return IDW_HANDOVER_ISO_18013_5;

  if (first != NULL && cbor_isa_string (first))
    {
      if (idw_cbor_string_equal (first, "OpenID4VPDCAPIHandover"))
        return IDW_HANDOVER_DC_API;
      if (idw_cbor_string_equal (first, "OpenID4VPHandover"))
        return IDW_HANDOVER_OPENID4VP;
      if (idw_cbor_string_equal (first, "BrowserHandoverv1"))
        return IDW_HANDOVER_BROWSER;
      if (idw_cbor_string_equal (first, "AndroidHandoverv1")
          || idw_cbor_string_equal (first, "GoogleWalletHandoverv1"))
        return IDW_HANDOVER_APP;
    }

  /* ISO 18013-7 Annex B: [null, null, OID4VPHandover], where the
   * handover is [clientIdHash, responseUriHash, nonce] (some libraries
   * put a fourth, the mdoc-generated nonce, first). */
  if (idw_cbor_is_null (parts[0]) && idw_cbor_is_null (parts[1])
      && cbor_isa_array (handover)
      && (cbor_array_size (handover) == 3 || cbor_array_size (handover) == 4))
    {
      gboolean all_strings = TRUE;

      for (gsize i = 0; i < cbor_array_size (handover); i++)
        {
          cbor_item_t *field = cbor_array_handle (handover)[i];

          all_strings = all_strings && (cbor_isa_bytestring (field) || cbor_isa_string (field));
        }
      if (all_strings)
        return IDW_HANDOVER_OPENID4VP;
    }

  return IDW_HANDOVER_OTHER;
}

GBytes *
idw_qr_session_transcript_new (gint64  presented_at,
                               GBytes *nonce)
{
  g_autoptr(cbor_item_t) transcript = idw_cbor_new_array ();
  cbor_item_t *handover = idw_cbor_new_array ();

  g_return_val_if_fail (presented_at >= 0, NULL);

  idw_cbor_array_add (handover, idw_cbor_new_string (IDW_QR_HANDOVER_NAME));
  idw_cbor_array_add (handover, cbor_build_uint64 ((guint64) presented_at));
  idw_cbor_array_add (handover, nonce != NULL ? idw_cbor_new_gbytes (nonce) : idw_cbor_new_null ());
  idw_cbor_array_add (transcript, idw_cbor_new_null ());
  idw_cbor_array_add (transcript, idw_cbor_new_null ());
  idw_cbor_array_add (transcript, handover);
  return idw_cbor_encode (transcript);
}

IdwEnvelope *
idw_envelope_new (gint64       presented_at,
                  GBytes      *nonce,
                  cbor_item_t *response)
{
  IdwEnvelope *envelope;

  g_return_val_if_fail (response != NULL, NULL);

  envelope = g_new0 (IdwEnvelope, 1);
  envelope->presented_at = presented_at;
  envelope->nonce = nonce != NULL ? g_bytes_ref (nonce) : NULL;
  envelope->response = cbor_incref (response);
  return envelope;
}

void
idw_envelope_free (IdwEnvelope *envelope)
{
  if (envelope == NULL)
    return;
  g_clear_pointer (&envelope->nonce, g_bytes_unref);
  g_clear_pointer (&envelope->response, idw_cbor_unref);
  g_free (envelope);
}

IdwEnvelope *
idw_envelope_parse (GBytes  *cbor,
                    GError **error)
{
  g_autoptr(cbor_item_t) map = NULL;
  g_autoptr(GBytes) nonce = NULL;
  cbor_item_t *value;
  guint64 version, presented_at;

  g_return_val_if_fail (cbor != NULL, NULL);

  map = idw_cbor_decode_bytes (cbor, error);
  if (map == NULL)
    return NULL;
  if (!cbor_isa_map (map))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE, _("Envelope: expected a map"));
      return NULL;
    }

  value = idw_cbor_map_get (map, "v");
  if (value == NULL)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD, _("Envelope v: missing"));
      return NULL;
    }
  if (!idw_cbor_get_uint (value, &version))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                           _("Envelope v: expected an unsigned integer"));
      return NULL;
    }
  if (version != ENVELOPE_VERSION)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("Envelope version %llu is not supported"),
                   (unsigned long long) version);
      return NULL;
    }

  value = idw_cbor_map_get (map, "presentedAt");
  if (value == NULL)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                           _("Envelope presentedAt: missing"));
      return NULL;
    }
  if (!idw_cbor_get_uint (value, &presented_at) || presented_at > G_MAXINT64 / 2)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                           _("Envelope presentedAt: expected an unsigned integer (Unix seconds)"));
      return NULL;
    }

  value = idw_cbor_map_get (map, "nonce");
  if (value != NULL && !idw_cbor_is_null (value))
    {
      nonce = cbor_isa_bytestring (value) ? idw_cbor_dup_bytes (value) : NULL;
      if (nonce == NULL)
        {
          g_set_error_literal (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                               _("Envelope nonce: expected a byte string"));
          return NULL;
        }
    }

  value = idw_cbor_map_get (map, "response");
  if (value == NULL)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                           _("Envelope response: missing"));
      return NULL;
    }
  if (!cbor_isa_map (value))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                           _("Envelope response: expected a map (DeviceResponse)"));
      return NULL;
    }

  return idw_envelope_new ((gint64) presented_at, nonce, value);
}

IdwEnvelope *
idw_envelope_parse_text (const char  *text,
                         GError     **error)
{
  g_autoptr(GBytes) cbor = NULL;

  g_return_val_if_fail (text != NULL, NULL);

  cbor = idw_transport_unwrap (IDW_PREFIX_PRESENTATION, text, error);
  if (cbor == NULL)
    return NULL;
  return idw_envelope_parse (cbor, error);
}

GBytes *
idw_envelope_encode (IdwEnvelope *envelope)
{
  g_autoptr(cbor_item_t) map = idw_cbor_new_map ();

  g_return_val_if_fail (envelope != NULL, NULL);

  /* Keys in deterministic order (by their encoding). */
  idw_cbor_map_add_str (map, "v", idw_cbor_new_int (ENVELOPE_VERSION));
  if (envelope->nonce != NULL)
    idw_cbor_map_add_str (map, "nonce", idw_cbor_new_gbytes (envelope->nonce));
  idw_cbor_map_add_str (map, "response", cbor_incref (envelope->response));
  idw_cbor_map_add_str (map, "presentedAt", cbor_build_uint64 ((guint64) envelope->presented_at));
  return idw_cbor_encode (map);
}

char *
idw_envelope_to_text (IdwEnvelope *envelope)
{
  g_autoptr(GBytes) cbor = idw_envelope_encode (envelope);

  return idw_transport_wrap (IDW_PREFIX_PRESENTATION, cbor);
}

GBytes *
idw_envelope_get_session_transcript (IdwEnvelope *envelope)
{
  g_return_val_if_fail (envelope != NULL, NULL);
  return idw_qr_session_transcript_new (envelope->presented_at, envelope->nonce);
}

