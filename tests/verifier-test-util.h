/* verifier-test-util.h: shared helpers of the verifier's tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What test-verifier*.c share beyond mdoc-test-util.h: the words of some
 * verdicts, our own presentations made from a test credential, and the
 * CBOR surgery several of them alter presentations with.
 */
#pragma once

#include "mdoc-test-util.h"

#define DEVICE_SIGNATURE_DOES_NOT_VERIFY \
  "The device signature does not verify: the presentation was not made with the key the credential was issued to, or was altered."
#define NONCE_ALREADY_USED \
  "The request’s nonce was already used: this presentation is a replay."

#define UNTRUSTED_UTOPIA \
  "Issuer not trusted: No trusted issuer certificate matches “CN=Utopia IACA,"

/* ---- Presentations of a test credential --------------------------------- */

/* An IDW1 text for @is as a document of @doctype with @device_signed. */
static inline char *
make_text_with (IdwIssuerSigned *is,
                const char      *doctype,
                IdwDeviceSigned *device_signed_steal,
                gint64           presented_at,
                GBytes          *nonce)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwDeviceResponse) response = idw_device_response_new ();
  g_autoptr(cbor_item_t) item = NULL;
  g_autoptr(IdwEnvelope) envelope = NULL;
  g_autoptr(cbor_item_t) is_item = idw_issuer_signed_to_cbor (is);
  IdwIssuerSigned *copy;

  /* A deep copy, so the caller keeps its own. */
  copy = idw_issuer_signed_parse (is_item, IDW_MDOC_PARSE_KEEP_DUPLICATES, &error);
  g_assert_no_error (error);
  idw_device_response_add_document (response,
                                    idw_document_new (doctype, copy, device_signed_steal));
  item = idw_device_response_to_cbor (response);
  envelope = idw_envelope_new (presented_at, nonce, item);
  return idw_envelope_to_text (envelope);
}

/* An IDW1 text for @is as a document of @doctype, device-signed with @key. */
static inline char *
make_text (IdwIssuerSigned *is,
           const char      *doctype,
           IdwKey          *key,
           gint64           presented_at,
           GBytes          *nonce)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) transcript = idw_qr_session_transcript_new (presented_at, nonce);
  IdwDeviceSigned *ds;

  ds = idw_device_signed_new_signature (key, transcript, doctype, &error);
  g_assert_no_error (error);
  return make_text_with (is, doctype, ds, presented_at, nonce);
}

static inline gint64
now_unix (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* Unix seconds as a UTC date-time. */
static inline GDateTime *
unix_date (gint64 t)
{
  GDateTime *dt = g_date_time_new_from_unix_utc (t);

  g_assert_nonnull (dt);
  return dt;
}

/* The credential's items named by @elements (in the mDL namespace). */
static inline IdwIssuerSigned *
select_items (IdwCredential *credential,
              const char    *first,
              ...)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  IdwIssuerSigned *is;
  va_list args;

  va_start (args, first);
  for (const char *e = first; e != NULL; e = va_arg (args, const char *))
    g_ptr_array_add (paths, idw_element_path_new (IDW_NAMESPACE_MDL, e));
  va_end (args);
  g_ptr_array_add (paths, NULL);
  is = idw_issuer_signed_select (idw_credential_get_issuer_signed (credential),
                                 (const char * const *) paths->pdata, &error);
  g_assert_no_error (error);
  return is;
}

static inline IdwVerdict *
verify_is (Fixture         *f,
           IdwIssuerSigned *is)
{
  g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), NULL);

  return idw_verifier_verify_text (f->verifier, text);
}

/* issuerAuth re-signed by the test issuer over @mso_item (a map). */
static inline cbor_item_t *
sign_mso_item (TestIssuer  *issuer,
               cbor_item_t *mso_item)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(cbor_item_t) tagged = idw_cbor_new_tag24 (mso_item);
  g_autoptr(GBytes) payload = idw_cbor_encode (tagged);
  g_autoptr(GBytes) der = idw_certificate_get_der (issuer->ds);
  cbor_item_t *unprotected = idw_cbor_new_map ();
  cbor_item_t *sign1;

  idw_cbor_map_add_int (unprotected, IDW_COSE_HEADER_X5CHAIN, idw_cbor_new_gbytes (der));
  sign1 = idw_cose_sign1_create (issuer->ds_key, g_bytes_get_data (payload, NULL),
                                 g_bytes_get_size (payload), FALSE, unprotected, &error);
  g_assert_no_error (error);
  return sign1;
}

static inline void
replace_issuer_auth (IdwIssuerSigned *is,
                     cbor_item_t     *issuer_auth_steal)
{
  g_clear_pointer (&is->issuer_auth, idw_cbor_unref);
  is->issuer_auth = issuer_auth_steal;
}

/* ---- Altering them ------------------------------------------------------ */

/* Decodes @text's envelope, lets @mutate change it, re-wraps it. */
typedef void (*Mutation) (cbor_item_t *envelope);

static inline char *
mutate_text (const char *text,
             Mutation    mutate)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) cbor = idw_transport_unwrap (IDW_PREFIX_PRESENTATION, text, &error);
  g_autoptr(cbor_item_t) envelope = NULL;
  g_autoptr(GBytes) out = NULL;

  g_assert_no_error (error);
  envelope = idw_cbor_decode_bytes (cbor, &error);
  g_assert_no_error (error);
  mutate (envelope);
  out = idw_cbor_encode (envelope);
  return idw_transport_wrap (IDW_PREFIX_PRESENTATION, out);
}

static inline cbor_item_t *
first_document (cbor_item_t *envelope)
{
  return cbor_array_handle (idw_cbor_map_get (idw_cbor_map_get (envelope, "response"), "documents"))[0];
}

static inline cbor_item_t *
document_device_auth (cbor_item_t *document,
                      const char  *kind)
{
  cbor_item_t *device_signed = idw_cbor_map_get (document, "deviceSigned");
  cbor_item_t *item = idw_cbor_map_get (idw_cbor_map_get (device_signed, "deviceAuth"), kind);

  g_assert_nonnull (item);
  return item;
}
