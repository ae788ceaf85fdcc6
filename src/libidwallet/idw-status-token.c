/* idw-status-token.c: the Status List Token as a CWT
 * (draft-ietf-oauth-status-list §5.2)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   COSE_Sign1 (tag 18), protected { 1: alg, 16 (typ): "application/statuslist+cwt" },
 *   unprotected { 33: x5chain }, payload bstr .cbor {
 *     2 (sub): tstr,                 ; the URI the list is published at
 *     6 (iat): uint,
 *     ? 4 (exp): uint,
 *     ? 65534 (ttl): uint,           ; seconds
 *     65533 (status_list): StatusList
 *   }
 *
 * ID Wallet's issuers sign their lists with the document signer key and
 * certificate that sign their credentials, the certificate in x5chain as
 * in issuerAuth: a verifier believes a list exactly when it would believe
 * a credential of the same issuer (docs/formats.md).
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "idw-cbor.h"
#include "idw-error.h"
#include "idw-status-token.h"
#include "idw-x5chain.h"

/* A clock a little ahead of the verifier's is not an error. */
#define CLOCK_SKEW_SECONDS 300

void
idw_status_token_free (IdwStatusToken *token)
{
  if (token == NULL)
    return;
  g_free (token->uri);
  g_clear_pointer (&token->issued_at, g_date_time_unref);
  g_clear_pointer (&token->expires_at, g_date_time_unref);
  g_clear_pointer (&token->list, idw_status_list_free);
  g_clear_pointer (&token->sign1, idw_cose_sign1_free);
  g_clear_pointer (&token->x5chain, g_ptr_array_unref);
  g_free (token);
}

/* A NumericDate: an integer, or one tagged 1 (epoch-based date/time). */
static GDateTime *
get_numeric_date (cbor_item_t  *claims,
                  gint64        key,
                  const char   *name,
                  gboolean      required,
                  GError      **error)
{
  cbor_item_t *value = idw_cbor_map_get_int (claims, key);
  cbor_item_t *untagged;
  gint64 seconds;
  GDateTime *dt;

  if (value == NULL)
    {
      if (required)
        g_set_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                     _("Status List Token: the %s claim is missing"), name);
      return NULL;
    }
  untagged = idw_cbor_untag (value, 1);
  if (!idw_cbor_get_int (untagged != NULL ? untagged : value, &seconds)
      || (dt = g_date_time_new_from_unix_utc (seconds)) == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                   _("Status List Token %s: expected a NumericDate"), name);
      return NULL;
    }
  return dt;
}

IdwStatusToken *
idw_status_token_parse (GBytes  *data,
                        GError **error)
{
  g_autoptr(IdwStatusToken) token = NULL;
  g_autoptr(cbor_item_t) item = NULL;
  g_autoptr(cbor_item_t) claims = NULL;
  g_autoptr(GError) local_error = NULL;
  cbor_item_t *typ;
  cbor_item_t *value;
  cbor_item_t *x5chain;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_bytes_get_size (data) > IDW_MAX_STATUS_LIST_TOKEN)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_LIMIT,
                   _("Status List Token: %zu bytes exceed the limit of %d"),
                   g_bytes_get_size (data), IDW_MAX_STATUS_LIST_TOKEN);
      return NULL;
    }
  item = idw_cbor_decode_bytes (data, &local_error);
  if (item == NULL)
    {
      g_set_error (error, IDW_ERROR, local_error->code, "Status List Token: %s", local_error->message);
      return NULL;
    }

  token = g_new0 (IdwStatusToken, 1);
  token->sign1 = idw_cose_sign1_parse (item, &local_error);
  if (token->sign1 == NULL)
    {
      g_set_error (error, IDW_ERROR, local_error->code, "Status List Token: %s", local_error->message);
      return NULL;
    }
  typ = token->sign1->protected_map != NULL
        ? idw_cbor_map_get_int (token->sign1->protected_map, IDW_COSE_HEADER_TYP) : NULL;
  if (typ == NULL || !idw_cbor_string_equal (typ, IDW_STATUS_LIST_CWT_TYPE))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("Status List Token: the protected header must have the type “%s”"),
                   IDW_STATUS_LIST_CWT_TYPE);
      return NULL;
    }
  if (token->sign1->payload == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                   _("Status List Token: the claims are missing (detached payload)"));
      return NULL;
    }

  claims = idw_cbor_decode_bytes (token->sign1->payload, &local_error);
  if (claims == NULL)
    {
      g_set_error (error, IDW_ERROR, local_error->code, "Status List Token claims: %s",
                   local_error->message);
      return NULL;
    }
  if (!cbor_isa_map (claims))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                   _("Status List Token claims: expected a map"));
      return NULL;
    }

  value = idw_cbor_map_get_int (claims, IDW_CWT_CLAIM_SUB);
  if (value == NULL || !cbor_isa_string (value))
    {
      g_set_error (error, IDW_ERROR, value == NULL ? IDW_ERROR_MISSING_FIELD : IDW_ERROR_WRONG_TYPE,
                   _("Status List Token: the sub claim must be the list’s URI"));
      return NULL;
    }
  token->uri = idw_cbor_dup_string (value);

  token->issued_at = get_numeric_date (claims, IDW_CWT_CLAIM_IAT, "iat", TRUE, error);
  if (token->issued_at == NULL)
    return NULL;
  token->expires_at = get_numeric_date (claims, IDW_CWT_CLAIM_EXP, "exp", FALSE, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  value = idw_cbor_map_get_int (claims, IDW_CWT_CLAIM_TTL);
  if (value != NULL && !idw_cbor_get_uint (value, &token->ttl))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE,
                   _("Status List Token ttl: expected an unsigned integer"));
      return NULL;
    }

  value = idw_cbor_map_get_int (claims, IDW_CWT_CLAIM_STATUS_LIST);
  if (value == NULL)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
                   _("Status List Token: the status_list claim is missing"));
      return NULL;
    }
  token->list = idw_status_list_parse (value, error);
  if (token->list == NULL)
    return NULL;

  x5chain = idw_cose_sign1_get_header (token->sign1, IDW_COSE_HEADER_X5CHAIN);
  if (x5chain != NULL)
    {
      token->x5chain = idw_x5chain_parse (x5chain, &local_error);
      if (token->x5chain == NULL)
        {
          g_set_error (error, IDW_ERROR, local_error->code, "Status List Token x5chain: %s",
                       local_error->message);
          return NULL;
        }
    }

  return g_steal_pointer (&token);
}

gboolean
idw_status_token_verify_signature (IdwStatusToken  *token,
                                   IdwKey          *key,
                                   GError         **error)
{
  g_return_val_if_fail (token != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (!idw_key_allows_alg (key, token->sign1->alg))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                   _("Status List Token: the algorithm does not match the signer’s key"));
      return FALSE;
    }
  if (!idw_cose_sign1_verify (token->sign1, key, NULL, NULL))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE,
                   _("The status list’s signature does not verify"));
      return FALSE;
    }
  return TRUE;
}

gboolean
idw_status_token_validate (IdwStatusToken  *token,
                           GPtrArray       *anchors,
                           const char      *uri,
                           GDateTime       *now,
                           GError         **error)
{
  g_autoptr(IdwKey) key = NULL;
  g_autoptr(GDateTime) skewed = NULL;

  g_return_val_if_fail (token != NULL, FALSE);
  g_return_val_if_fail (anchors != NULL, FALSE);
  g_return_val_if_fail (uri != NULL, FALSE);
  g_return_val_if_fail (now != NULL, FALSE);

  if (!g_str_equal (token->uri, uri))
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_MALFORMED,
                   _("The status list is published for another address (%s)"), token->uri);
      return FALSE;
    }
  if (token->expires_at != NULL && g_date_time_compare (now, token->expires_at) > 0)
    {
      g_autofree char *when = g_date_time_format_iso8601 (token->expires_at);

      g_set_error (error, IDW_ERROR, IDW_ERROR_EXPIRED, _("The status list expired on %s"), when);
      return FALSE;
    }
  skewed = g_date_time_add_seconds (now, CLOCK_SKEW_SECONDS);
  if (g_date_time_compare (token->issued_at, skewed) > 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_NOT_YET_VALID,
                   _("The status list claims to be issued in the future"));
      return FALSE;
    }
  if (token->x5chain == NULL || token->x5chain->len == 0)
    {
      g_set_error (error, IDW_ERROR, IDW_ERROR_UNTRUSTED,
                   _("The status list carries no signer certificate (x5chain)"));
      return FALSE;
    }
  /* The signer as of when it signed (iat, within its certificate's life)
   * and now, under the same rules as a credential's document signer. */
  if (!idw_x509_validate_chain (token->x5chain, anchors,
                                g_date_time_compare (token->issued_at, now) > 0 ? now : token->issued_at,
                                now, NULL, error))
    return FALSE;
  key = idw_certificate_get_public_key (g_ptr_array_index (token->x5chain, 0), error);
  if (key == NULL)
    return FALSE;
  return idw_status_token_verify_signature (token, key, error);
}

GBytes *
idw_status_token_sign (IdwStatusList   *list,
                       const char      *uri,
                       GDateTime       *issued_at,
                       GDateTime       *expires_at,
                       guint64          ttl,
                       IdwKey          *key,
                       IdwCertificate  *certificate,
                       GError         **error)
{
  g_autoptr(cbor_item_t) claims = NULL;
  g_autoptr(cbor_item_t) protected_extra = NULL;
  g_autoptr(cbor_item_t) unprotected = NULL;
  g_autoptr(cbor_item_t) sign1 = NULL;
  g_autoptr(cbor_item_t) tagged = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GBytes) der = NULL;
  g_autoptr(IdwKey) cert_key = NULL;

  g_return_val_if_fail (list != NULL, NULL);
  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (issued_at != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (certificate != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  cert_key = idw_certificate_get_public_key (certificate, error);
  if (cert_key == NULL)
    return NULL;
  if (!idw_key_has_private (key) || !idw_key_equal (cert_key, key))
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
                           _("The signing key does not belong to the signer certificate"));
      return NULL;
    }

  /* In the order of the draft's example. */
  claims = idw_cbor_new_map ();
  idw_cbor_map_add_int (claims, IDW_CWT_CLAIM_SUB, idw_cbor_new_string (uri));
  idw_cbor_map_add_int (claims, IDW_CWT_CLAIM_IAT, idw_cbor_new_int (g_date_time_to_unix (issued_at)));
  if (expires_at != NULL)
    idw_cbor_map_add_int (claims, IDW_CWT_CLAIM_EXP, idw_cbor_new_int (g_date_time_to_unix (expires_at)));
  if (ttl != 0)
    idw_cbor_map_add_int (claims, IDW_CWT_CLAIM_TTL, cbor_build_uint64 (ttl));
  idw_cbor_map_add_int (claims, IDW_CWT_CLAIM_STATUS_LIST, idw_status_list_to_cbor (list));
  payload = idw_cbor_encode (claims);

  protected_extra = idw_cbor_new_map ();
  idw_cbor_map_add_int (protected_extra, IDW_COSE_HEADER_TYP, idw_cbor_new_string (IDW_STATUS_LIST_CWT_TYPE));
  unprotected = idw_cbor_new_map ();
  der = idw_certificate_get_der (certificate);
  idw_cbor_map_add_int (unprotected, IDW_COSE_HEADER_X5CHAIN, idw_cbor_new_gbytes (der));

  sign1 = idw_cose_sign1_create_with_headers (key, g_steal_pointer (&protected_extra),
                                              g_bytes_get_data (payload, NULL), g_bytes_get_size (payload),
                                              FALSE, g_steal_pointer (&unprotected), error);
  if (sign1 == NULL)
    return NULL;
  tagged = cbor_build_tag (IDW_CBOR_TAG_COSE_SIGN1, sign1);
  return idw_cbor_encode (tagged);
}
