/* idw-verifier-checks.c: the nine checks of a verification (DESIGN §4)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The checks run in the order of IdwCheck. A decode failure leaves every
 * later check not applicable; any other failure lets the independent
 * checks run, so that the verdict explains everything that is wrong. Only
 * the checks that depend on a failed one are skipped (validity, digests
 * and the device signature need a usable MSO).
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "idw-cbor.h"
#include "idw-cose.h"
#include "idw-doctype.h"
#include "idw-envelope.h"
#include "idw-error.h"
#include "idw-mdoc.h"
#include "idw-verdict-private.h"
#include "idw-verifier-private.h"

static char *
format_time (GDateTime *dt)
{
  /* Details are read by people: a localised date and time. */
  return idw_format_date (dt, TRUE);
}

/* Takes @error. */
void
_idw_verifier_decode_failed (Context *ctx,
                             GError  *error)
{
  _idw_verdict_setf (ctx->verdict, IDW_CHECK_DECODE, IDW_CHECK_STATUS_FAILED,
                     _("The presentation cannot be read: %s"), error->message);
  for (guint i = IDW_CHECK_DECODE + 1; i < IDW_N_CHECKS; i++)
    _idw_verdict_set (ctx->verdict, i, IDW_CHECK_STATUS_NOT_APPLICABLE,
                      _("Not checked: the presentation could not be read."));
  g_clear_error (&ctx->verdict->decode_error);
  ctx->verdict->decode_error = error;
}

G_GNUC_PRINTF (3, 4)
static void
decode_failedf (Context    *ctx,
                IdwError    code,
                const char *format,
                ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  _idw_verifier_decode_failed (ctx, g_error_new_literal (IDW_ERROR, code, message));
}

/* ---- The checks ------------------------------------------------------------ */

/* The payload of a COSE_Sign1 whose header we cannot use, so that the MSO
 * can still be examined. */
static GBytes *
sign1_payload_fallback (cbor_item_t *item)
{
  cbor_item_t *array = cbor_isa_tag (item) ? idw_cbor_untag (item, IDW_CBOR_TAG_COSE_SIGN1) : item;

  if (array == NULL || !cbor_isa_array (array) || cbor_array_size (array) != 4)
    return NULL;
  if (!cbor_isa_bytestring (cbor_array_handle (array)[2]))
    return NULL;
  return idw_cbor_dup_bytes (cbor_array_handle (array)[2]);
}

static cbor_item_t *
sign1_x5chain_fallback (cbor_item_t *item)
{
  cbor_item_t *array = cbor_isa_tag (item) ? idw_cbor_untag (item, IDW_CBOR_TAG_COSE_SIGN1) : item;
  cbor_item_t *unprotected;

  if (array == NULL || !cbor_isa_array (array) || cbor_array_size (array) != 4)
    return NULL;
  unprotected = cbor_array_handle (array)[1];
  return cbor_isa_map (unprotected) ? idw_cbor_map_get_int (unprotected, IDW_COSE_HEADER_X5CHAIN) : NULL;
}

/* decode: the DeviceResponse, its one Document, issuerAuth's structure and
 * x5chain within its limit. */
static gboolean
check_decode (Context *ctx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) cose_error = NULL;
  IdwVerdict *v = ctx->verdict;
  cbor_item_t *x5chain;

  ctx->response = idw_device_response_parse (ctx->input->response, IDW_MDOC_PARSE_KEEP_DUPLICATES, &error);
  if (ctx->response == NULL)
    {
      _idw_verifier_decode_failed (ctx, g_steal_pointer (&error));
      return FALSE;
    }
  if (ctx->response->documents->len == 0)
    {
      decode_failedf (ctx, IDW_ERROR_MISSING_FIELD,
                      _("the response holds no document (status %llu)"),
                      (unsigned long long) ctx->response->status);
      return FALSE;
    }
  if (ctx->response->documents->len > 1)
    {
      decode_failedf (ctx, IDW_ERROR_UNSUPPORTED, "%s",
                      _("the response holds more than one document, which is not supported"));
      return FALSE;
    }
  ctx->document = g_ptr_array_index (ctx->response->documents, 0);
  g_free (v->doctype);
  v->doctype = g_strdup (ctx->document->doctype);

  ctx->issuer_auth = idw_cose_sign1_parse (ctx->document->issuer_signed->issuer_auth, &cose_error);
  if (ctx->issuer_auth == NULL && !g_error_matches (cose_error, IDW_ERROR, IDW_ERROR_UNSUPPORTED))
    {
      decode_failedf (ctx, cose_error->code, "IssuerSigned issuerAuth: %s", cose_error->message);
      return FALSE;
    }
  if (ctx->issuer_auth == NULL)
    ctx->issuer_auth_error = g_strdup (cose_error->message);
  if (ctx->issuer_auth != NULL)
    {
      ctx->mso_payload = ctx->issuer_auth->payload != NULL ? g_bytes_ref (ctx->issuer_auth->payload) : NULL;
      x5chain = idw_cose_sign1_get_header (ctx->issuer_auth, IDW_COSE_HEADER_X5CHAIN);
    }
  else
    {
      ctx->mso_payload = sign1_payload_fallback (ctx->document->issuer_signed->issuer_auth);
      x5chain = sign1_x5chain_fallback (ctx->document->issuer_signed->issuer_auth);
    }
  if (ctx->mso_payload == NULL)
    {
      decode_failedf (ctx, IDW_ERROR_MISSING_FIELD, "%s",
                      _("IssuerSigned issuerAuth: the MSO payload is missing"));
      return FALSE;
    }

  if (x5chain != NULL)
    {
      ctx->chain = _idw_verifier_chain_entry_get (ctx->verifier, x5chain, &error);
      if (ctx->chain == NULL && g_error_matches (error, IDW_ERROR, IDW_ERROR_LIMIT))
        {
          _idw_verifier_decode_failed (ctx, g_steal_pointer (&error));
          return FALSE;
        }
      /* Other certificate problems are the issuer checks' to report. */
    }

  if (ctx->chain != NULL)
    {
      v->ds_certificate = idw_certificate_ref (g_ptr_array_index (ctx->chain->chain, 0));
      v->issuer_subject = g_strdup (ctx->chain->subject);
      v->issuer_common_name = g_strdup (ctx->chain->common_name);
      v->issuer_country = g_strdup (ctx->chain->country);
      v->issuer_organization = g_strdup (ctx->chain->organization);
      v->test_issuer = ctx->chain->test_issuer;
    }

  for (guint i = 0; i < ctx->document->issuer_signed->name_spaces->len; i++)
    {
      IdwIssuerNameSpace *ns = g_ptr_array_index (ctx->document->issuer_signed->name_spaces, i);

      for (guint j = 0; j < ns->items->len; j++)
        {
          IdwIssuerSignedItem *item = g_ptr_array_index (ns->items, j);

          _idw_verdict_add_disclosed (v, ns->name_space, item->element_identifier,
                                      item->element_value);
        }
    }

  if (v->input_kind == IDW_INPUT_PRESENTATION)
    _idw_verdict_set (v, IDW_CHECK_DECODE, IDW_CHECK_STATUS_PASSED,
                      _("The presentation is well formed."));
  else
    _idw_verdict_set (v, IDW_CHECK_DECODE, IDW_CHECK_STATUS_PASSED,
                      _("The device response is well formed."));
  return TRUE;
}

static void
check_issuer_signature (Context *ctx)
{
  g_autoptr(GError) error = NULL;
  IdwKey *key;
  const char *alg_name;

  if (ctx->issuer_auth == NULL)
    {
      _idw_verdict_setf (ctx->verdict, IDW_CHECK_ISSUER_SIGNATURE, IDW_CHECK_STATUS_FAILED,
                         _("The issuer’s signature cannot be checked: %s (allowed algorithms: EdDSA, ES256, ES384, ES512)."),
                         ctx->issuer_auth_error);
      return;
    }
  alg_name = idw_key_alg_to_string (ctx->issuer_auth->alg);
  if (alg_name == NULL)
    {
      _idw_verdict_set (ctx->verdict, IDW_CHECK_ISSUER_SIGNATURE, IDW_CHECK_STATUS_FAILED,
                        _("The issuer signed with an unsupported algorithm (allowed: EdDSA, ES256, ES384, ES512)."));
      return;
    }
  if (ctx->chain == NULL)
    {
      _idw_verdict_set (ctx->verdict, IDW_CHECK_ISSUER_SIGNATURE, IDW_CHECK_STATUS_FAILED,
                        _("The issuer’s document signer certificate (x5chain) is missing or unreadable."));
      return;
    }

  key = ctx->chain->ds_key;
  if (key == NULL)
    {
      _idw_verdict_setf (ctx->verdict, IDW_CHECK_ISSUER_SIGNATURE, IDW_CHECK_STATUS_FAILED,
                         _("The document signer certificate’s key cannot be used: %s"),
                         ctx->chain->ds_key_error);
      return;
    }
  if (!idw_key_allows_alg (key, ctx->issuer_auth->alg))
    {
      _idw_verdict_setf (ctx->verdict, IDW_CHECK_ISSUER_SIGNATURE, IDW_CHECK_STATUS_FAILED,
                         _("The algorithm %s does not match the document signer certificate’s key."),
                         alg_name);
      return;
    }
  if (!idw_cose_sign1_verify (ctx->issuer_auth, key, NULL, &error))
    {
      _idw_verdict_set (ctx->verdict, IDW_CHECK_ISSUER_SIGNATURE, IDW_CHECK_STATUS_FAILED,
                        _("The issuer’s signature does not verify: the signed data was altered or forged."));
      return;
    }
  _idw_verdict_setf (ctx->verdict, IDW_CHECK_ISSUER_SIGNATURE, IDW_CHECK_STATUS_PASSED,
                     _("The issuer’s %s signature verifies with the document signer certificate."),
                     alg_name);
}

static void
check_mso (Context *ctx)
{
  g_autoptr(GError) error = NULL;

  ctx->mso = idw_mso_parse_payload (ctx->mso_payload, &error);
  if (ctx->mso == NULL)
    {
      _idw_verdict_setf (ctx->verdict, IDW_CHECK_MSO, IDW_CHECK_STATUS_FAILED,
                         _("The mobile security object is not usable: %s"), error->message);
      return;
    }

  ctx->verdict->signed_at = g_date_time_ref (ctx->mso->signed_at);
  ctx->verdict->valid_from = g_date_time_ref (ctx->mso->valid_from);
  ctx->verdict->valid_until = g_date_time_ref (ctx->mso->valid_until);

  if (!g_str_equal (ctx->mso->doctype, ctx->document->doctype))
    {
      _idw_verdict_setf (ctx->verdict, IDW_CHECK_MSO, IDW_CHECK_STATUS_FAILED,
                         _("The issuer signed a “%s”, but the document claims to be a “%s”."),
                         ctx->mso->doctype, ctx->document->doctype);
      return;
    }
  if (!idw_mdoc_digest_algorithm_supported (ctx->mso->digest_algorithm))
    {
      _idw_verdict_setf (ctx->verdict, IDW_CHECK_MSO, IDW_CHECK_STATUS_FAILED,
                         _("The digest algorithm “%s” is not supported."), ctx->mso->digest_algorithm);
      return;
    }
  _idw_verdict_setf (ctx->verdict, IDW_CHECK_MSO, IDW_CHECK_STATUS_PASSED,
                     _("The mobile security object is well formed (%s digests)."),
                     ctx->mso->digest_algorithm);
}

static void
check_issuer_trusted (Context *ctx)
{
  IdwVerifier *self = ctx->verifier;
  IdwVerdict *v = ctx->verdict;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCertificate) anchor = NULL;
  g_autoptr(GPtrArray) anchors = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *detail = NULL;
  gboolean pinned = FALSE;
  gboolean path_test_issuer = FALSE;
  GDateTime *signed_at;
  guint generation;

  if (ctx->chain == NULL)
    {
      _idw_verdict_set (v, IDW_CHECK_ISSUER_TRUSTED, IDW_CHECK_STATUS_FAILED,
                        _("Issuer not trusted: there is no usable document signer certificate."));
      return;
    }

  /* Without a usable MSO the signing time is unknown: check at now only. */
  signed_at = ctx->mso != NULL ? ctx->mso->signed_at : ctx->now;

  if (!_idw_verifier_chain_entry_is_validated (self, ctx->chain, signed_at, ctx->now, &anchor,
                                               &pinned, &path_test_issuer))
    {
      g_autoptr(IdwTrustPath) path = NULL;

      /* A snapshot: the anchors may change while this verification runs. */
      g_mutex_lock (&self->cache_lock);
      generation = self->anchors_generation;
      anchors = g_ptr_array_new_full (self->anchors->len, (GDestroyNotify) idw_certificate_unref);
      for (guint i = 0; i < self->anchors->len; i++)
        g_ptr_array_add (anchors, idw_certificate_ref (g_ptr_array_index (self->anchors, i)));
      g_mutex_unlock (&self->cache_lock);

      if (anchors->len == 0)
        {
          _idw_verdict_set (v, IDW_CHECK_ISSUER_TRUSTED, IDW_CHECK_STATUS_FAILED,
                            _("Issuer not trusted: no trusted issuers are configured."));
          return;
        }
      if (!idw_x509_validate_chain_full (ctx->chain->chain, anchors, signed_at, ctx->now,
                                         &path, &error))
        {
          if (g_error_matches (error, IDW_ERROR, IDW_ERROR_UNTRUSTED))
            _idw_verdict_setf (v, IDW_CHECK_ISSUER_TRUSTED, IDW_CHECK_STATUS_FAILED,
                               _("Issuer not trusted: %s"), error->message);
          else
            _idw_verdict_set (v, IDW_CHECK_ISSUER_TRUSTED, IDW_CHECK_STATUS_FAILED,
                              error->message);
          return;
        }
      /* The test-issuer mark counts wherever it is on the path. */
      for (guint i = 0; i < path->path->len; i++)
        path_test_issuer = path_test_issuer
                           || idw_certificate_is_test_issuer (g_ptr_array_index (path->path, i));
      anchor = idw_certificate_ref (path->anchor);
      pinned = path->ds_pinned;
      _idw_verifier_chain_entry_set_validated (self, ctx->chain, path, path_test_issuer, generation);
    }

  v->trust_anchor = idw_certificate_ref (anchor);
  v->trust_origin = idw_verifier_lookup_trust_origin (self, anchor);
  v->pinned = pinned;
  v->test_issuer = v->test_issuer || path_test_issuer;

  subject = idw_certificate_get_subject (anchor);
  if (v->trust_origin != NULL)
    {
      g_autoptr(GDateTime) utc = g_date_time_to_utc (idw_trust_origin_get_date (v->trust_origin));
      g_autofree char *date = g_date_time_format (utc, "%Y-%m-%d");

      /* Translators: the first %s is a certificate's subject, then the
       * provider of a trust list (VICAL) such as "AAMVA", and its date. */
      if (pinned)
        detail = g_strdup_printf (_("The document signer certificate “%s” is itself trusted, from the VICAL of %s of %s."),
                                  subject, idw_trust_origin_get_provider (v->trust_origin), date);
      else
        detail = g_strdup_printf (_("The issuer chains to the trusted certificate “%s”, from the VICAL of %s of %s."),
                                  subject, idw_trust_origin_get_provider (v->trust_origin), date);
    }
  else if (pinned)
    detail = g_strdup_printf (_("The document signer certificate “%s” is itself trusted."), subject);
  else
    detail = g_strdup_printf (_("The issuer chains to the trusted certificate “%s”."), subject);
  if (ctx->chain->ignored_extensions != NULL)
    _idw_verdict_setf (v, IDW_CHECK_ISSUER_TRUSTED, IDW_CHECK_STATUS_PASSED,
                       /* Translators: the first %s is the sentence above, the
                        * second a list of certificate extensions */
                       _("%s Unreadable extensions that are not critical were ignored: %s."),
                       detail, ctx->chain->ignored_extensions);
  else
    _idw_verdict_set (v, IDW_CHECK_ISSUER_TRUSTED, IDW_CHECK_STATUS_PASSED, detail);
}

static void
check_validity (Context *ctx)
{
  IdwMso *mso = ctx->mso;
  g_autofree char *from = format_time (mso->valid_from);
  g_autofree char *until = format_time (mso->valid_until);
  g_autofree char *signed_str = format_time (mso->signed_at);

  if (g_date_time_compare (mso->valid_from, mso->valid_until) > 0)
    _idw_verdict_setf (ctx->verdict, IDW_CHECK_VALIDITY, IDW_CHECK_STATUS_FAILED,
                       _("The validity period is empty: valid from %s until %s."), from, until);
  /* ISO 18013-5 §9.1.2.4: validFrom is not earlier than signed. */
  else if (g_date_time_compare (mso->signed_at, mso->valid_from) > 0)
    _idw_verdict_setf (ctx->verdict, IDW_CHECK_VALIDITY, IDW_CHECK_STATUS_FAILED,
                       _("The credential claims to be valid from %s, before the issuer signed it (%s)."),
                       from, signed_str);
  else if (g_date_time_compare (ctx->now, mso->valid_from) < 0)
    _idw_verdict_setf (ctx->verdict, IDW_CHECK_VALIDITY, IDW_CHECK_STATUS_FAILED,
                       _("The credential is not valid yet: valid from %s."), from);
  else if (g_date_time_compare (ctx->now, mso->valid_until) > 0)
    _idw_verdict_setf (ctx->verdict, IDW_CHECK_VALIDITY, IDW_CHECK_STATUS_FAILED,
                       _("The credential expired on %s."), until);
  else
    _idw_verdict_setf (ctx->verdict, IDW_CHECK_VALIDITY, IDW_CHECK_STATUS_PASSED,
                       _("Valid from %s until %s."), from, until);
}

static void
check_digests (Context *ctx)
{
  IdwIssuerSigned *is = ctx->document->issuer_signed;
  guint count = 0;

  if (!idw_mdoc_digest_algorithm_supported (ctx->mso->digest_algorithm))
    {
      _idw_verdict_set (ctx->verdict, IDW_CHECK_DIGESTS, IDW_CHECK_STATUS_NOT_APPLICABLE,
                        _("Not checked: the digest algorithm is not supported."));
      return;
    }

  for (guint i = 0; i < is->name_spaces->len; i++)
    {
      IdwIssuerNameSpace *ns = g_ptr_array_index (is->name_spaces, i);
      g_autoptr(GHashTable) ids = g_hash_table_new (g_int64_hash, g_int64_equal);
      g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint j = 0; j < ns->items->len; j++)
        {
          IdwIssuerSignedItem *item = g_ptr_array_index (ns->items, j);
          GBytes *expected;
          g_autoptr(GBytes) actual = NULL;

          if (g_hash_table_contains (names, item->element_identifier))
            {
              _idw_verdict_setf (ctx->verdict, IDW_CHECK_DIGESTS, IDW_CHECK_STATUS_FAILED,
                                 _("The element %s/%s is disclosed twice."),
                                 ns->name_space, item->element_identifier);
              return;
            }
          if (g_hash_table_contains (ids, &item->digest_id))
            {
              _idw_verdict_setf (ctx->verdict, IDW_CHECK_DIGESTS, IDW_CHECK_STATUS_FAILED,
                                 _("Two disclosed elements in %s use the digest ID %llu."),
                                 ns->name_space, (unsigned long long) item->digest_id);
              return;
            }
          g_hash_table_add (names, item->element_identifier);
          g_hash_table_add (ids, &item->digest_id);

          expected = idw_mso_lookup_digest (ctx->mso, ns->name_space, item->digest_id);
          if (expected == NULL)
            {
              _idw_verdict_setf (ctx->verdict, IDW_CHECK_DIGESTS, IDW_CHECK_STATUS_FAILED,
                                 _("The issuer signed no digest for %s/%s (digest ID %llu)."),
                                 ns->name_space, item->element_identifier,
                                 (unsigned long long) item->digest_id);
              return;
            }
          actual = idw_issuer_signed_item_digest (item, ctx->mso->digest_algorithm, NULL);
          if (actual == NULL || !g_bytes_equal (actual, expected))
            {
              _idw_verdict_setf (ctx->verdict, IDW_CHECK_DIGESTS, IDW_CHECK_STATUS_FAILED,
                                 _("The value of %s/%s is not the one the issuer signed."),
                                 ns->name_space, item->element_identifier);
              return;
            }
          count++;
        }
    }

  _idw_verdict_setf (ctx->verdict, IDW_CHECK_DIGESTS, IDW_CHECK_STATUS_PASSED,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "The %u disclosed element is the one the issuer signed.",
                                  "All %u disclosed elements are the ones the issuer signed.", count),
                     count);
}

/* ISO 18013-5 §9.1.3.5: deviceMac, a COSE_Mac0 with a detached payload
 * (DeviceAuthenticationBytes) under EMacKey = HKDF-SHA-256(ECDH(reader key,
 * device key), salt = SHA-256(SessionTranscriptBytes), "EMacKey"). */
static gboolean
verify_device_mac (Context  *ctx,
                   IdwKey   *device_key,
                   GBytes   *auth_bytes,
                   char    **detail)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCoseMac0) mac0 = NULL;
  guint8 shared[32], salt[crypto_hash_sha256_BYTES], emac_key[32];
  const guint8 *data;
  gsize len;
  gboolean ok;

  if (ctx->verifier->reader_key == NULL)
    {
      *detail = g_strdup (_("The holder’s device authenticated with deviceMac, which cannot be checked without the reader’s key."));
      return FALSE;
    }

  mac0 = idw_cose_mac0_parse (ctx->document->device_signed->device_mac, &error);
  if (mac0 == NULL)
    {
      if (g_error_matches (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED)
          || g_error_matches (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD))
        *detail = g_strdup (_("deviceMac uses an unsupported algorithm (only HMAC 256/256 is supported)."));
      else
        *detail = g_strdup_printf (_("deviceMac is not a COSE_Mac0 structure: %s"), error->message);
      return FALSE;
    }
  if (mac0->payload != NULL)
    {
      *detail = g_strdup (_("deviceMac must have a detached payload."));
      return FALSE;
    }

  if (!idw_key_ecdh_p256 (device_key, ctx->verifier->reader_key, IDW_P256_SCALAR_LENGTH,
                          shared, &error))
    {
      if (g_error_matches (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED))
        *detail = g_strdup (_("deviceMac needs a P-256 device key."));
      else
        *detail = g_strdup (_("The key agreement with the holder’s device key failed."));
      return FALSE;
    }

  data = g_bytes_get_data (ctx->input->transcript_bytes, &len);
  crypto_hash_sha256 (salt, data, len);
  idw_key_hkdf_sha256 (shared, sizeof shared, salt, sizeof salt,
                       (const guint8 *) "EMacKey", strlen ("EMacKey"), emac_key);
  sodium_memzero (shared, sizeof shared);

  ok = idw_cose_mac0_verify (mac0, emac_key, sizeof emac_key, auth_bytes, NULL);
  sodium_memzero (emac_key, sizeof emac_key);
  if (!ok)
    *detail = g_strdup (_("The holder’s device MAC does not verify: the presentation was not made by the device the credential was issued to, or was altered."));
  else
    *detail = g_strdup (_("The holder’s device authenticated the presentation (deviceMac)."));
  return ok;
}

static void
check_device_signature (Context *ctx)
{
  IdwDeviceSigned *ds = ctx->document->device_signed;
  IdwVerdict *v = ctx->verdict;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) device_key = NULL;
  g_autoptr(GBytes) auth_bytes = NULL;
  g_autoptr(IdwCoseSign1) sign1 = NULL;

  device_key = _idw_verifier_device_key_get (ctx->verifier, ctx->mso->device_key, &error);
  if (device_key == NULL)
    {
      _idw_verdict_setf (v, IDW_CHECK_DEVICE_SIGNATURE, IDW_CHECK_STATUS_FAILED,
                         _("The device key in the security object cannot be used: %s"), error->message);
      return;
    }
  if (ctx->input->transcript == NULL)
    {
      _idw_verdict_set (v, IDW_CHECK_DEVICE_SIGNATURE, IDW_CHECK_STATUS_FAILED,
                        _("The device authentication cannot be checked without the session transcript."));
      return;
    }

  auth_bytes = idw_device_authentication_bytes (ctx->input->transcript, ctx->document->doctype,
                                                ds->name_spaces_bytes);

  if (ds->device_mac != NULL)
    {
      g_autofree char *detail = NULL;
      gboolean ok = verify_device_mac (ctx, device_key, auth_bytes, &detail);

      _idw_verdict_set (v, IDW_CHECK_DEVICE_SIGNATURE,
                        ok ? IDW_CHECK_STATUS_PASSED : IDW_CHECK_STATUS_FAILED, detail);
      return;
    }

  sign1 = idw_cose_sign1_parse (ds->device_signature, &error);
  if (sign1 == NULL)
    {
      if (g_error_matches (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED))
        _idw_verdict_setf (v, IDW_CHECK_DEVICE_SIGNATURE, IDW_CHECK_STATUS_FAILED,
                           _("The holder’s device signed with an unsupported algorithm or header: %s"),
                           error->message);
      else
        _idw_verdict_setf (v, IDW_CHECK_DEVICE_SIGNATURE, IDW_CHECK_STATUS_FAILED,
                           _("The device signature is malformed: %s"), error->message);
      return;
    }
  if (!idw_key_allows_alg (device_key, sign1->alg))
    {
      _idw_verdict_set (v, IDW_CHECK_DEVICE_SIGNATURE, IDW_CHECK_STATUS_FAILED,
                        _("The device signature’s algorithm does not match the device key."));
      return;
    }
  if (sign1->payload != NULL && !g_bytes_equal (sign1->payload, auth_bytes))
    {
      _idw_verdict_set (v, IDW_CHECK_DEVICE_SIGNATURE, IDW_CHECK_STATUS_FAILED,
                        _("The device signature covers something other than this session."));
      return;
    }
  if (!idw_cose_sign1_verify (sign1, device_key, auth_bytes, &error))
    {
      _idw_verdict_set (v, IDW_CHECK_DEVICE_SIGNATURE, IDW_CHECK_STATUS_FAILED,
                        _("The device signature does not verify: the presentation was not made with the key the credential was issued to, or was altered."));
      return;
    }
  _idw_verdict_set (v, IDW_CHECK_DEVICE_SIGNATURE, IDW_CHECK_STATUS_PASSED,
                    _("The holder’s device signed this presentation."));
}

/* status: the credential's entry in its issuer's Token Status List. The
 * list must be signed by a certificate that chains to the anchor the
 * credential's own issuer chained to: another issuer cannot revoke it.
 * When no list can be had the check is undetermined, which the verdict
 * shows without being made invalid by it. */
static void
check_status (Context *ctx)
{
  IdwVerdict *v = ctx->verdict;
  IdwMso *mso = ctx->mso;
  IdwStatusFetcher *fetcher = ctx->verifier->status_fetcher;
  g_autoptr(IdwStatusToken) token = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *issued = NULL;
  guint status;

  if (mso->status_uri == NULL)
    {
      _idw_verdict_set (v, IDW_CHECK_REVOCATION, IDW_CHECK_STATUS_NOT_APPLICABLE,
                        _("Not checked: the issuer keeps no revocation list for this ID."));
      return;
    }
  if (v->trust_anchor == NULL)
    {
      _idw_verdict_set (v, IDW_CHECK_REVOCATION, IDW_CHECK_STATUS_UNDETERMINED,
                        _("Could not check whether this ID was revoked: its issuer is not trusted."));
      return;
    }
  if (fetcher == NULL)
    {
      _idw_verdict_set (v, IDW_CHECK_REVOCATION, IDW_CHECK_STATUS_UNDETERMINED,
                        _("Could not check whether this ID was revoked: checking revocation lists is turned off."));
      return;
    }

  if (!idw_status_fetcher_get_status (fetcher, mso->status_uri, mso->status_index, v->trust_anchor,
                                      ctx->now, &status, &token, &error))
    {
      if (token == NULL)
        _idw_verdict_setf (v, IDW_CHECK_REVOCATION, IDW_CHECK_STATUS_UNDETERMINED,
                           _("Could not check whether this ID was revoked: %s."), error->message);
      else
        _idw_verdict_setf (v, IDW_CHECK_REVOCATION, IDW_CHECK_STATUS_FAILED,
                           _("The issuer’s revocation list has no entry %llu for this ID."),
                           (unsigned long long) mso->status_index);
      return;
    }
  issued = format_time (token->issued_at);
  switch (status)
    {
    case IDW_TOKEN_STATUS_VALID:
      _idw_verdict_setf (v, IDW_CHECK_REVOCATION, IDW_CHECK_STATUS_PASSED,
                         _("The issuer’s revocation list of %s says this ID is valid."), issued);
      break;
    case IDW_TOKEN_STATUS_INVALID:
      _idw_verdict_setf (v, IDW_CHECK_REVOCATION, IDW_CHECK_STATUS_FAILED,
                         _("The issuer revoked this ID (revocation list of %s)."), issued);
      break;
    case IDW_TOKEN_STATUS_SUSPENDED:
      _idw_verdict_setf (v, IDW_CHECK_REVOCATION, IDW_CHECK_STATUS_FAILED,
                         _("The issuer suspended this ID (revocation list of %s)."), issued);
      break;
    default:
      _idw_verdict_setf (v, IDW_CHECK_REVOCATION, IDW_CHECK_STATUS_FAILED,
                         _("The issuer’s revocation list gives this ID the status 0x%02x, which means it is not valid."),
                         status);
      break;
    }
}

/* Checks the presentation's nonce against the expected one and the nonce
 * store; records its state on the verdict. A presentation without a nonce
 * passes unless one is expected. */
static gboolean
check_nonce (Context  *ctx,
             char    **detail)
{
  IdwVerifier *v = ctx->verifier;

  if (ctx->input->nonce == NULL)
    {
      if (v->expected_nonce == NULL)
        return TRUE;
      *detail = g_strdup (_("The presentation carries no nonce, but this check expects one: it was not made for this request."));
      return FALSE;
    }
  if (v->expected_nonce != NULL && !g_bytes_equal (ctx->input->nonce, v->expected_nonce))
    {
      *detail = g_strdup (_("The presentation answers another request: its nonce does not match."));
      return FALSE;
    }
  if (v->nonce_func != NULL)
    {
      ctx->verdict->nonce_state = v->nonce_func (ctx->input->nonce, FALSE, v->nonce_data);
      switch (ctx->verdict->nonce_state)
        {
        case IDW_NONCE_UNUSED:
          break;
        case IDW_NONCE_USED:
          *detail = g_strdup (_("The request’s nonce was already used: this presentation is a replay."));
          return FALSE;
        case IDW_NONCE_UNKNOWN:
        default:
          *detail = g_strdup (_("The presentation answers a request this verifier did not make: unknown nonce."));
          return FALSE;
        }
    }
  return TRUE;
}

/* Whether the nonce was checked against something this verifier issued:
 * an expected nonce, or its nonce store. */
static gboolean
nonce_is_bound (Context *ctx)
{
  return ctx->input->nonce != NULL
         && (ctx->verifier->expected_nonce != NULL || ctx->verifier->nonce_func != NULL);
}

static void
check_freshness (Context *ctx)
{
  IdwVerdict *v = ctx->verdict;
  g_autofree char *detail = NULL;
  gint64 now, delta, window;

  if (!ctx->input->has_presented_at)
    {
      /* Sessions this verifier did not run: the transcript came with the
       * response, and whoever ran the session vouches for it. */
      if (ctx->verifier->expected_nonce != NULL)
        _idw_verdict_setf (v, IDW_CHECK_FRESHNESS, IDW_CHECK_STATUS_FAILED,
                           _("A nonce is expected, but the session transcript (%s) carries none that this verifier can read."),
                           idw_handover_kind_describe (ctx->input->handover));
      else if (ctx->input->handover == IDW_HANDOVER_NONE)
        _idw_verdict_set (v, IDW_CHECK_FRESHNESS, IDW_CHECK_STATUS_NOT_APPLICABLE,
                          _("Not checked: no session transcript was given, so nothing tells when the response was made."));
      else
        _idw_verdict_setf (v, IDW_CHECK_FRESHNESS, IDW_CHECK_STATUS_NOT_APPLICABLE,
                           _("Not checked here: the session transcript (%s) was supplied with the response, and whoever supplied it vouches for its freshness."),
                           idw_handover_kind_describe (ctx->input->handover));
      return;
    }

  now = g_date_time_to_unix (ctx->now);
  delta = now - ctx->input->presented_at;
  window = ctx->verifier->window;

  /* A reply that signs a nonce this verifier issued and has not seen used
   * cannot be older than the request, whose lifetime the issuer of the
   * nonce bounds: a person may take minutes to paste it back. */
  if (delta > window && !nonce_is_bound (ctx))
    {
      _idw_verdict_setf (v, IDW_CHECK_FRESHNESS, IDW_CHECK_STATUS_FAILED,
                         g_dngettext (GETTEXT_PACKAGE,
                                      "The presentation is stale: it was made %lld second ago (at most %lld allowed).",
                                      "The presentation is stale: it was made %lld seconds ago (at most %lld allowed).",
                                      (gulong) delta),
                         (long long) delta, (long long) window);
      return;
    }
  if (-delta > window)
    {
      _idw_verdict_setf (v, IDW_CHECK_FRESHNESS, IDW_CHECK_STATUS_FAILED,
                         g_dngettext (GETTEXT_PACKAGE,
                                      "The presentation claims to be made %lld second in the future (at most %lld allowed).",
                                      "The presentation claims to be made %lld seconds in the future (at most %lld allowed).",
                                      (gulong) -delta),
                         (long long) -delta, (long long) window);
      return;
    }
  if (!check_nonce (ctx, &detail))
    {
      _idw_verdict_set (v, IDW_CHECK_FRESHNESS, IDW_CHECK_STATUS_FAILED, detail);
      return;
    }

  delta = MAX (delta, 0);
  if (nonce_is_bound (ctx))
    _idw_verdict_setf (v, IDW_CHECK_FRESHNESS, IDW_CHECK_STATUS_PASSED,
                       g_dngettext (GETTEXT_PACKAGE,
                                    "Made %lld second ago, in answer to this verifier’s request.",
                                    "Made %lld seconds ago, in answer to this verifier’s request.",
                                    (gulong) delta),
                       (long long) delta);
  else
    _idw_verdict_setf (v, IDW_CHECK_FRESHNESS, IDW_CHECK_STATUS_PASSED,
                       g_dngettext (GETTEXT_PACKAGE, "Made %lld second ago.", "Made %lld seconds ago.",
                                    (gulong) delta),
                       (long long) delta);
}

void
_idw_verifier_run_checks (Context *ctx)
{
  IdwVerdict *v = ctx->verdict;

  if (!check_decode (ctx))
    return;

  check_issuer_signature (ctx);
  /* The MSO is parsed before the trust check needs its signing time, but
   * reported in the standard's order. */
  check_mso (ctx);
  check_issuer_trusted (ctx);

  /* A parsed MSO with the wrong docType or digest algorithm still lets the
   * later checks say what else is wrong. */
  if (ctx->mso != NULL)
    {
      check_validity (ctx);
      check_digests (ctx);
      check_device_signature (ctx);
      check_status (ctx);
    }
  else
    {
      const char *why = _("Not checked: the mobile security object is not usable.");

      _idw_verdict_set (v, IDW_CHECK_VALIDITY, IDW_CHECK_STATUS_NOT_APPLICABLE, why);
      _idw_verdict_set (v, IDW_CHECK_DIGESTS, IDW_CHECK_STATUS_NOT_APPLICABLE, why);
      _idw_verdict_set (v, IDW_CHECK_DEVICE_SIGNATURE, IDW_CHECK_STATUS_NOT_APPLICABLE, why);
      _idw_verdict_set (v, IDW_CHECK_REVOCATION, IDW_CHECK_STATUS_NOT_APPLICABLE, why);
    }
  check_freshness (ctx);

  /* Valid: every check passed, except freshness of a session the caller
   * ran, which this verifier legitimately cannot judge, and the status of
   * an ID that has none or whose list could not be had (DESIGN §4: shown,
   * not invalidating). */
  v->valid = TRUE;
  for (guint i = 0; i < IDW_N_CHECKS; i++)
    {
      if (v->status[i] == IDW_CHECK_STATUS_PASSED)
        continue;
      if (i == IDW_CHECK_REVOCATION && v->status[i] != IDW_CHECK_STATUS_FAILED)
        continue;
      if (i == IDW_CHECK_FRESHNESS && v->status[i] == IDW_CHECK_STATUS_NOT_APPLICABLE
          && !ctx->input->has_presented_at)
        continue;
      v->valid = FALSE;
    }

  /* Another verification — in this process or another — may have used the
   * nonce between the check and now: only the one that really took it is
   * valid. */
  if (v->valid && ctx->input->nonce != NULL && ctx->verifier->nonce_func != NULL)
    {
      IdwNonceState state = ctx->verifier->nonce_func (ctx->input->nonce, TRUE, ctx->verifier->nonce_data);

      if (state != IDW_NONCE_UNUSED)
        {
          v->nonce_state = state;
          _idw_verdict_set (v, IDW_CHECK_FRESHNESS, IDW_CHECK_STATUS_FAILED,
                            _("The request’s nonce was already used: this presentation is a replay."));
          v->valid = FALSE;
        }
    }
}
