/* test-verifier.c: the verifier's checks and verdicts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "mdoc-test-util.h"

/* ---- ISO 18013-5 Annex D ------------------------------------------------ */

typedef struct
{
  GBytes         *response;
  GBytes         *transcript;
  GBytes         *reader_key;
  IdwCertificate *ds;
  IdwVerifier    *verifier;
} AnnexD;

static void
annexd_setup (AnnexD        *f,
              gconstpointer  data)
{
  g_autofree char *pem = g_test_build_filename (G_TEST_DIST, "data", "annexd", "annexd-issuer-cert.pem", NULL);
  g_autoptr(GError) error = NULL;
  gsize len;
  const guint8 *d;

  f->response = test_read_hex ("annexd", "annexd-device-response.hex");
  f->transcript = test_read_hex ("annexd", "annexd-session-transcript-bytes.hex");
  f->reader_key = test_read_hex ("annexd", "annexd-ereader-key-d.hex");
  f->ds = idw_certificate_new_from_file (pem, &error);
  g_assert_no_error (error);

  f->verifier = idw_verifier_new ();
  idw_verifier_add_trust_anchor (f->verifier, f->ds);
  d = g_bytes_get_data (f->reader_key, &len);
  idw_verifier_set_reader_key (f->verifier, d, len, &error);
  g_assert_no_error (error);
}

static void
annexd_teardown (AnnexD        *f,
                 gconstpointer  data)
{
  g_clear_pointer (&f->response, g_bytes_unref);
  g_clear_pointer (&f->transcript, g_bytes_unref);
  g_clear_pointer (&f->reader_key, g_bytes_unref);
  g_clear_pointer (&f->ds, idw_certificate_unref);
  g_clear_object (&f->verifier);
}

static void
test_annexd_parse (AnnexD        *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(cbor_item_t) item = NULL;
  g_autoptr(IdwDeviceResponse) response = NULL;
  g_autoptr(IdwCoseSign1) sign1 = NULL;
  g_autoptr(IdwMso) mso = NULL;
  g_autoptr(GDateTime) signed_at = test_date ("2020-10-01T13:30:02Z");
  g_autoptr(GDateTime) valid_until = test_date ("2021-10-01T13:30:02Z");
  g_autoptr(IdwKey) device_key = NULL;
  IdwDocument *doc;
  IdwIssuerNameSpace *ns;

  g_assert_cmpuint (g_bytes_get_size (f->response), ==, 3562);
  item = idw_cbor_decode_bytes (f->response, &error);
  g_assert_no_error (error);
  response = idw_device_response_parse (item, IDW_MDOC_PARSE_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (response->version, ==, "1.0");
  g_assert_cmpuint (response->status, ==, 0);
  g_assert_cmpuint (response->documents->len, ==, 1);

  doc = g_ptr_array_index (response->documents, 0);
  g_assert_cmpstr (doc->doctype, ==, IDW_DOCTYPE_MDL);
  g_assert_cmpuint (idw_issuer_signed_count_items (doc->issuer_signed), ==, 6);
  ns = idw_issuer_signed_get_name_space (doc->issuer_signed, IDW_NAMESPACE_MDL);
  g_assert_nonnull (ns);
  g_assert_cmpuint (ns->items->len, ==, 6);
  g_assert_nonnull (doc->device_signed);
  g_assert_nonnull (doc->device_signed->device_mac);
  g_assert_null (doc->device_signed->device_signature);

  sign1 = idw_cose_sign1_parse (doc->issuer_signed->issuer_auth, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sign1->alg, ==, IDW_COSE_ALG_ES256);
  mso = idw_mso_parse_payload (sign1->payload, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mso->version, ==, "1.0");
  g_assert_cmpstr (mso->digest_algorithm, ==, "SHA-256");
  g_assert_cmpstr (mso->doctype, ==, IDW_DOCTYPE_MDL);
  g_assert_cmpuint (idw_mso_count_digests (mso, "org.iso.18013.5.1"), ==, 13);
  g_assert_cmpuint (idw_mso_count_digests (mso, "org.iso.18013.5.1.US"), ==, 4);
  g_assert_true (g_date_time_equal (mso->signed_at, signed_at));
  g_assert_true (g_date_time_equal (mso->valid_from, signed_at));
  g_assert_true (g_date_time_equal (mso->valid_until, valid_until));
  device_key = idw_key_new_from_cose (mso->device_key, &error);
  g_assert_no_error (error);
  g_assert_cmpint (idw_key_get_curve (device_key), ==, IDW_CURVE_P256);

  /* Every disclosed item's digest matches. */
  for (guint i = 0; i < ns->items->len; i++)
    {
      IdwIssuerSignedItem *isi = g_ptr_array_index (ns->items, i);
      g_autoptr(GBytes) digest = idw_issuer_signed_item_digest (isi, "SHA-256", &error);

      g_assert_no_error (error);
      g_assert_true (g_bytes_equal (digest, idw_mso_lookup_digest (mso, ns->name_space, isi->digest_id)));
    }
}

static void
assert_annexd_disclosed (IdwVerdict *verdict)
{
  GPtrArray *disclosed = idw_verdict_get_disclosed (verdict);
  cbor_item_t *value;
  g_autofree char *str = NULL;
  g_autoptr(GBytes) portrait = NULL;
  g_autoptr(GDate) issue = NULL;
  g_autoptr(GDate) expiry = NULL;
  g_autoptr(GError) error = NULL;
  const char *ns = IDW_NAMESPACE_MDL;
  cbor_item_t **privileges;

  g_assert_cmpuint (disclosed->len, ==, 6);

  str = idw_cbor_dup_string (idw_verdict_lookup (verdict, ns, "family_name"));
  g_assert_cmpstr (str, ==, "Doe");
  g_clear_pointer (&str, g_free);
  str = idw_cbor_dup_string (idw_verdict_lookup (verdict, ns, "document_number"));
  g_assert_cmpstr (str, ==, "123456789");

  value = idw_verdict_lookup (verdict, ns, "issue_date");
  g_assert_nonnull (idw_cbor_untag (value, IDW_CBOR_TAG_FULL_DATE));
  issue = idw_cbor_get_full_date (value, "issue_date", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_date_get_year (issue), ==, 2019);
  g_assert_cmpint (g_date_get_month (issue), ==, 10);
  g_assert_cmpint (g_date_get_day (issue), ==, 20);

  value = idw_verdict_lookup (verdict, ns, "expiry_date");
  g_assert_nonnull (idw_cbor_untag (value, IDW_CBOR_TAG_FULL_DATE));
  expiry = idw_cbor_get_full_date (value, "expiry_date", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_date_get_year (expiry), ==, 2024);
  g_assert_cmpint (g_date_get_month (expiry), ==, 10);
  g_assert_cmpint (g_date_get_day (expiry), ==, 20);

  portrait = idw_cbor_dup_bytes (idw_verdict_lookup (verdict, ns, "portrait"));
  g_assert_nonnull (portrait);
  g_assert_cmpuint (g_bytes_get_size (portrait), ==, 1042);
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (portrait, NULL))[0], ==, 0xff);

  value = idw_verdict_lookup (verdict, ns, "driving_privileges");
  g_assert_true (cbor_isa_array (value));
  g_assert_cmpuint (cbor_array_size (value), ==, 2);
  privileges = cbor_array_handle (value);
  g_assert_true (idw_cbor_string_equal (idw_cbor_map_get (privileges[0], "vehicle_category_code"), "A"));
  g_assert_true (idw_cbor_string_equal (idw_cbor_map_get (privileges[1], "vehicle_category_code"), "B"));
}

static void
test_annexd_valid_in_2021 (AnnexD        *f,
                           gconstpointer  data)
{
  g_autoptr(GDateTime) at = test_date ("2021-01-01T00:00:00Z");
  g_autoptr(IdwVerdict) verdict = NULL;

  idw_verifier_set_time (f->verifier, at);
  verdict = idw_verifier_verify_response (f->verifier, f->response, f->transcript);

  for (guint i = 0; i < IDW_CHECK_FRESHNESS; i++)
    if (idw_verdict_get_status (verdict, i) != IDW_CHECK_STATUS_PASSED)
      g_error ("%s: %s", idw_check_to_string (i), idw_verdict_get_detail (verdict, i));
  g_assert_cmpint (idw_verdict_get_status (verdict, IDW_CHECK_FRESHNESS), ==,
                   IDW_CHECK_STATUS_NOT_APPLICABLE);
  g_assert_true (idw_verdict_is_valid (verdict));
  g_assert_cmpint (idw_verdict_get_first_failure (verdict), ==, IDW_N_CHECKS);
  g_assert_cmpstr (idw_verdict_get_doctype (verdict), ==, IDW_DOCTYPE_MDL);
  g_assert_cmpstr (idw_verdict_get_issuer_common_name (verdict), ==, "utopia ds");
  g_assert_cmpstr (idw_verdict_get_issuer_country (verdict), ==, "US");
  g_assert_false (idw_verdict_is_test_issuer (verdict));
  g_assert_null (idw_verdict_get_presented_at (verdict));
  assert_annexd_disclosed (verdict);

  /* The transcript may also be given unwrapped. */
  {
    g_autoptr(cbor_item_t) tagged = idw_cbor_decode_bytes (f->transcript, NULL);
    g_autoptr(GBytes) plain = NULL;
    g_autoptr(cbor_item_t) inner = idw_cbor_decode_tag24 (tagged, &plain, NULL);
    g_autoptr(IdwVerdict) again = idw_verifier_verify_response (f->verifier, f->response, plain);

    g_assert_nonnull (inner);
    g_assert_true (idw_verdict_is_valid (again));
  }
}

static void
test_annexd_now (AnnexD        *f,
                 gconstpointer  data)
{
  g_autoptr(IdwVerdict) verdict = NULL;

  verdict = idw_verifier_verify_response (f->verifier, f->response, f->transcript);
  g_assert_false (idw_verdict_is_valid (verdict));
  test_assert_only_failures (verdict, IDW_CHECK_ISSUER_TRUSTED, IDW_CHECK_VALIDITY, -1);
  g_assert_cmpint (idw_verdict_get_status (verdict, IDW_CHECK_ISSUER_SIGNATURE), ==, IDW_CHECK_STATUS_PASSED);
  g_assert_cmpint (idw_verdict_get_status (verdict, IDW_CHECK_DIGESTS), ==, IDW_CHECK_STATUS_PASSED);
  g_assert_cmpint (idw_verdict_get_status (verdict, IDW_CHECK_DEVICE_SIGNATURE), ==, IDW_CHECK_STATUS_PASSED);
  g_assert_cmpint (idw_verdict_get_first_failure (verdict), ==, IDW_CHECK_ISSUER_TRUSTED);
  g_assert_nonnull (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_VALIDITY), "expired"));
}

static void
test_annexd_without_reader_key (AnnexD        *f,
                                gconstpointer  data)
{
  g_autoptr(GDateTime) at = test_date ("2021-01-01T00:00:00Z");
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;

  idw_verifier_set_time (f->verifier, at);
  idw_verifier_set_reader_key (f->verifier, NULL, 0, &error);
  g_assert_no_error (error);
  verdict = idw_verifier_verify_response (f->verifier, f->response, f->transcript);
  g_assert_false (idw_verdict_is_valid (verdict));
  test_assert_only_failures (verdict, IDW_CHECK_DEVICE_SIGNATURE, -1);
  g_assert_nonnull (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_DEVICE_SIGNATURE), "reader’s key"));
}

static void
test_annexd_wrong_reader_key (AnnexD        *f,
                              gconstpointer  data)
{
  g_autoptr(GDateTime) at = test_date ("2021-01-01T00:00:00Z");
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autoptr(GError) error = NULL;
  guint8 d[32];

  memcpy (d, g_bytes_get_data (f->reader_key, NULL), sizeof d);
  d[31] ^= 1;
  idw_verifier_set_time (f->verifier, at);
  idw_verifier_set_reader_key (f->verifier, d, sizeof d, &error);
  g_assert_no_error (error);
  verdict = idw_verifier_verify_response (f->verifier, f->response, f->transcript);
  test_assert_only_failures (verdict, IDW_CHECK_DEVICE_SIGNATURE, -1);

  /* Not a scalar at all. */
  memset (d, 0xff, sizeof d);
  g_assert_false (idw_verifier_set_reader_key (f->verifier, d, sizeof d, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_false (idw_verifier_set_reader_key (f->verifier, d, 31, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
}

static void
test_annexd_untrusted (AnnexD        *f,
                       gconstpointer  data)
{
  g_autoptr(GDateTime) at = test_date ("2021-01-01T00:00:00Z");
  g_autoptr(IdwVerdict) verdict = NULL;

  idw_verifier_set_time (f->verifier, at);
  idw_verifier_clear_trust_anchors (f->verifier);
  verdict = idw_verifier_verify_response (f->verifier, f->response, f->transcript);
  g_assert_false (idw_verdict_is_valid (verdict));
  test_assert_only_failures (verdict, IDW_CHECK_ISSUER_TRUSTED, -1);
  g_assert_true (idw_verdict_is_untrusted_only (verdict));
  g_assert_nonnull (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_ISSUER_TRUSTED), "not trusted"));
}

static void
test_annexd_no_transcript (AnnexD        *f,
                           gconstpointer  data)
{
  g_autoptr(GDateTime) at = test_date ("2021-01-01T00:00:00Z");
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autoptr(IdwVerdict) by_data = NULL;

  idw_verifier_set_time (f->verifier, at);
  verdict = idw_verifier_verify_response (f->verifier, f->response, NULL);
  test_assert_only_failures (verdict, IDW_CHECK_DEVICE_SIGNATURE, -1);

  /* Raw CBOR is recognised as such. */
  by_data = idw_verifier_verify_data (f->verifier, f->response, f->transcript);
  g_assert_true (idw_verdict_is_valid (by_data));
}

static void
test_annexd_json (AnnexD        *f,
                  gconstpointer  data)
{
  g_autoptr(GDateTime) at = test_date ("2021-01-01T00:00:00Z");
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  JsonObject *object, *issuer, *disclosed, *mdl;
  JsonArray *checks;
  JsonArray *privileges;
  g_autoptr(GList) members = NULL;
  static const char * const names[] = {
    "decode", "issuer_signature", "issuer_trusted", "mso", "validity", "digests",
    "device_signature", "freshness",
  };

  idw_verifier_set_time (f->verifier, at);
  verdict = idw_verifier_verify_response (f->verifier, f->response, f->transcript);
  text = idw_verdict_to_json (verdict, FALSE);
  g_assert_null (strchr (text, '\n'));
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  root = json_node_ref (json_parser_get_root (parser));
  object = json_node_get_object (root);

  /* Exactly these members. */
  members = json_object_get_members (object);
  g_assert_cmpuint (g_list_length (members), ==, 6);
  g_assert_true (json_object_get_boolean_member (object, "valid"));
  g_assert_cmpstr (json_object_get_string_member (object, "docType"), ==, IDW_DOCTYPE_MDL);
  g_assert_true (json_object_get_null_member (object, "presentedAt"));

  checks = json_object_get_array_member (object, "checks");
  g_assert_cmpuint (json_array_get_length (checks), ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      JsonObject *check = json_array_get_object_element (checks, i);

      g_assert_cmpuint (json_object_get_size (check), ==, 3);
      g_assert_cmpstr (json_object_get_string_member (check, "name"), ==, names[i]);
      g_assert_cmpstr (json_object_get_string_member (check, "status"), ==,
                       i == IDW_CHECK_FRESHNESS ? "not_applicable" : "passed");
      g_assert_cmpuint (strlen (json_object_get_string_member (check, "detail")), >, 0);
    }

  issuer = json_object_get_object_member (object, "issuer");
  g_assert_cmpstr (json_object_get_string_member (issuer, "commonName"), ==, "utopia ds");
  g_assert_cmpstr (json_object_get_string_member (issuer, "country"), ==, "US");
  g_assert_false (json_object_get_boolean_member (issuer, "testIssuer"));

  disclosed = json_object_get_object_member (object, "disclosed");
  g_assert_cmpuint (json_object_get_size (disclosed), ==, 1);
  mdl = json_object_get_object_member (disclosed, IDW_NAMESPACE_MDL);
  g_assert_cmpuint (json_object_get_size (mdl), ==, 6);
  g_assert_cmpstr (json_object_get_string_member (mdl, "family_name"), ==, "Doe");
  g_assert_cmpstr (json_object_get_string_member (mdl, "issue_date"), ==, "2019-10-20");
  g_assert_cmpstr (json_object_get_string_member (mdl, "expiry_date"), ==, "2024-10-20");
  g_assert_cmpstr (json_object_get_string_member (mdl, "document_number"), ==, "123456789");
  {
    gsize len;
    g_autofree guint8 *portrait = g_base64_decode (json_object_get_string_member (mdl, "portrait"), &len);

    g_assert_nonnull (portrait);
    g_assert_cmpuint (len, ==, 1042);
  }
  privileges = json_object_get_array_member (mdl, "driving_privileges");
  g_assert_cmpuint (json_array_get_length (privileges), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (privileges, 0),
                                                  "vehicle_category_code"), ==, "A");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (privileges, 1),
                                                  "vehicle_category_code"), ==, "B");
}

/* ---- Our own presentations, altered ---------------------------------------- */


/* An IDW1 text for @is as a document of @doctype, device-signed with @key. */
static char *
make_text (IdwIssuerSigned *is,
           const char      *doctype,
           IdwKey          *key,
           gint64           presented_at,
           GBytes          *nonce)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) transcript = idw_qr_session_transcript_new (presented_at, nonce);
  g_autoptr(IdwDeviceResponse) response = idw_device_response_new ();
  g_autoptr(cbor_item_t) item = NULL;
  g_autoptr(IdwEnvelope) envelope = NULL;
  g_autoptr(cbor_item_t) is_item = idw_issuer_signed_to_cbor (is);
  IdwIssuerSigned *copy;
  IdwDeviceSigned *ds;

  /* A deep copy, so the caller keeps its own. */
  copy = idw_issuer_signed_parse (is_item, IDW_MDOC_PARSE_KEEP_DUPLICATES, &error);
  g_assert_no_error (error);
  ds = idw_device_signed_new_signature (key, transcript, doctype, &error);
  g_assert_no_error (error);
  idw_device_response_add_document (response, idw_document_new (doctype, copy, ds));
  item = idw_device_response_to_cbor (response);
  envelope = idw_envelope_new (presented_at, nonce, item);
  return idw_envelope_to_text (envelope);
}

static gint64
now_unix (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* The credential's items named by @elements (in the mDL namespace). */
static IdwIssuerSigned *
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

static IdwVerdict *
verify_is (Fixture         *f,
           IdwIssuerSigned *is)
{
  g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), NULL);

  return idw_verifier_verify_text (f->verifier, text);
}

/* issuerAuth re-signed by the test issuer over @mso_item (a map). */
static cbor_item_t *
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

static void
replace_issuer_auth (IdwIssuerSigned *is,
                     cbor_item_t     *issuer_auth_steal)
{
  g_clear_pointer (&is->issuer_auth, idw_cbor_unref);
  is->issuer_auth = issuer_auth_steal;
}

/* Replaces the value under text @key in @map. */
static void
map_replace (cbor_item_t *map,
             const char  *key,
             cbor_item_t *value_steal)
{
  struct cbor_pair *pairs = cbor_map_handle (map);

  for (gsize i = 0; i < cbor_map_size (map); i++)
    if (idw_cbor_string_equal (pairs[i].key, key))
      {
        cbor_decref (&pairs[i].value);
        pairs[i].value = value_steal;
        return;
      }
  g_error ("no key %s", key);
}

static void
test_valid (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", "portrait", NULL);
  g_autoptr(IdwVerdict) verdict = verify_is (f, is);

  test_assert_only_failures (verdict, -1);
  g_assert_true (idw_verdict_is_valid (verdict));
}

static void
test_tampered_value (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", "given_name", NULL);
  IdwIssuerNameSpace *ns = g_ptr_array_index (is->name_spaces, 0);
  IdwIssuerSignedItem *orig = g_ptr_array_index (ns->items, 0);
  g_autoptr(cbor_item_t) value = idw_cbor_new_string ("Musterfrau");
  IdwIssuerSignedItem *forged = idw_issuer_signed_item_new (orig->digest_id, orig->random,
                                                            orig->element_identifier, value);
  g_autoptr(IdwVerdict) verdict = NULL;

  g_ptr_array_index (ns->items, 0) = forged;
  idw_issuer_signed_item_unref (orig);
  verdict = verify_is (f, is);
  g_assert_false (idw_verdict_is_valid (verdict));
  test_assert_only_failures (verdict, IDW_CHECK_DIGESTS, -1);
  g_assert_nonnull (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_DIGESTS), "family_name"));
}

static void
test_tampered_mso_digest (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCoseSign1) sign1 = idw_cose_sign1_parse (is->issuer_auth, &error);
  g_autoptr(IdwMso) mso = NULL;
  IdwIssuerSignedItem *birth = idw_issuer_signed_lookup (idw_credential_get_issuer_signed (f->credential),
                                                         IDW_NAMESPACE_MDL, "birth_date");
  GHashTable *digests;
  guint8 zero[32] = { 0 };
  g_autoptr(GBytes) payload = NULL;
  cbor_item_t *forged;
  g_autoptr(IdwVerdict) verdict = NULL;

  g_assert_no_error (error);
  mso = idw_mso_parse_payload (sign1->payload, &error);
  g_assert_no_error (error);
  /* Change an undisclosed element's digest: only the signature can tell. */
  digests = g_hash_table_lookup (mso->value_digests, IDW_NAMESPACE_MDL);
  g_hash_table_insert (digests, g_memdup2 (&birth->digest_id, sizeof (guint64)), g_bytes_new (zero, 32));
  payload = idw_mso_encode_payload (mso);

  forged = idw_cbor_new_array ();
  for (guint i = 0; i < 4; i++)
    {
      cbor_item_t *orig = cbor_array_handle (is->issuer_auth)[i];

      idw_cbor_array_add (forged, i == 2 ? idw_cbor_new_gbytes (payload) : cbor_incref (orig));
    }
  replace_issuer_auth (is, forged);

  verdict = verify_is (f, is);
  test_assert_only_failures (verdict, IDW_CHECK_ISSUER_SIGNATURE, -1);
  g_assert_false (idw_verdict_is_valid (verdict));
  g_assert_false (idw_verdict_is_untrusted_only (verdict));
}

static void
test_wrong_digest_id (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  IdwIssuerNameSpace *ns = g_ptr_array_index (is->name_spaces, 0);
  IdwIssuerSignedItem *orig = g_ptr_array_index (ns->items, 0);
  IdwIssuerSignedItem *other = idw_issuer_signed_lookup (idw_credential_get_issuer_signed (f->credential),
                                                         IDW_NAMESPACE_MDL, "given_name");
  g_autoptr(IdwVerdict) verdict = NULL;

  g_ptr_array_index (ns->items, 0) = idw_issuer_signed_item_new (other->digest_id, orig->random,
                                                                 orig->element_identifier,
                                                                 orig->element_value);
  idw_issuer_signed_item_unref (orig);
  verdict = verify_is (f, is);
  test_assert_only_failures (verdict, IDW_CHECK_DIGESTS, -1);

  /* A digest ID the MSO does not have at all. */
  {
    IdwIssuerSignedItem *item = g_ptr_array_index (ns->items, 0);
    g_autoptr(IdwVerdict) again = NULL;

    g_ptr_array_index (ns->items, 0) = idw_issuer_signed_item_new (999999, item->random,
                                                                   item->element_identifier,
                                                                   item->element_value);
    idw_issuer_signed_item_unref (item);
    again = verify_is (f, is);
    test_assert_only_failures (again, IDW_CHECK_DIGESTS, -1);
    g_assert_nonnull (strstr (idw_verdict_get_detail (again, IDW_CHECK_DIGESTS), "999999"));
  }
}

static void
test_duplicate_item (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  IdwIssuerSignedItem *item = idw_issuer_signed_lookup (is, IDW_NAMESPACE_MDL, "family_name");
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autoptr(cbor_item_t) encoded = NULL;
  g_autoptr(IdwIssuerSigned) strict = NULL;
  g_autoptr(GError) error = NULL;

  idw_issuer_signed_add_item (is, IDW_NAMESPACE_MDL, item);
  verdict = verify_is (f, is);
  test_assert_only_failures (verdict, IDW_CHECK_DIGESTS, -1);
  g_assert_nonnull (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_DIGESTS), "twice"));

  /* The strict parser (for credentials) refuses it outright. */
  encoded = idw_issuer_signed_to_cbor (is);
  strict = idw_issuer_signed_parse (encoded, IDW_MDOC_PARSE_DEFAULT, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_DUPLICATE);
}

static void
test_wrong_device_key (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  g_autoptr(IdwKey) other = idw_key_generate_ed25519 ();
  g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, other, now_unix (), NULL);
  g_autoptr(IdwVerdict) verdict = idw_verifier_verify_text (f->verifier, text);

  test_assert_only_failures (verdict, IDW_CHECK_DEVICE_SIGNATURE, -1);
}

static void
test_signature_over_other_transcript (Fixture       *f,
                                      gconstpointer  data)
{
  /* A signature made for one presentedAt cannot be replayed with another. */
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix () - 3600, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwEnvelope) envelope = idw_envelope_parse_text (text, &error);
  g_autofree char *moved = NULL;
  g_autoptr(IdwVerdict) verdict = NULL;

  g_assert_no_error (error);
  envelope->presented_at = now_unix ();
  moved = idw_envelope_to_text (envelope);
  verdict = idw_verifier_verify_text (f->verifier, moved);
  test_assert_only_failures (verdict, IDW_CHECK_DEVICE_SIGNATURE, -1);
}

static void
test_validity (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) long_ago = g_date_time_add_years (now, -3);
  g_autoptr(GDateTime) last_year = g_date_time_add_years (now, -1);
  g_autoptr(GDateTime) next_year = g_date_time_add_years (now, 1);
  g_autoptr(GDateTime) later = g_date_time_add_years (now, 2);
  IdwIssueOptions expired = { .valid_from = long_ago, .valid_until = last_year };
  IdwIssueOptions not_yet = { .valid_from = next_year, .valid_until = later };
  struct { IdwIssueOptions *options; const char *words; } cases[] = {
    { &expired, "expired" },
    { &not_yet, "not valid yet" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(IdwCredential) c = test_issue (f->issuer, f->device_key, cases[i].options);
      g_autoptr(IdwIssuerSigned) is = select_items (c, "family_name", NULL);
      g_autoptr(IdwVerdict) verdict = verify_is (f, is);

      test_assert_only_failures (verdict, IDW_CHECK_VALIDITY, -1);
      g_assert_nonnull (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_VALIDITY), cases[i].words));
      g_assert_nonnull (idw_verdict_get_valid_until (verdict));
    }
}

static void
test_signed_in_future (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) soon = g_date_time_add_hours (now, 1);
  g_autoptr(GDateTime) last_year = g_date_time_add_years (now, -1);
  IdwIssueOptions options = { .signed_at = soon, .valid_from = last_year };
  g_autoptr(IdwCredential) c = test_issue (f->issuer, f->device_key, &options);
  g_autoptr(IdwIssuerSigned) is = select_items (c, "family_name", NULL);
  g_autoptr(IdwVerdict) verdict = verify_is (f, is);

  test_assert_only_failures (verdict, IDW_CHECK_VALIDITY, -1);
  g_assert_nonnull (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_VALIDITY), "future"));
}

static void
test_untrusted_issuer (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(TestIssuer) stranger = test_issuer_new ();
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autoptr(IdwVerdict) pinned = NULL;

  idw_verifier_clear_trust_anchors (f->verifier);
  idw_verifier_add_trust_anchor (f->verifier, stranger->iaca);
  verdict = verify_is (f, is);
  test_assert_only_failures (verdict, IDW_CHECK_ISSUER_TRUSTED, -1);
  g_assert_cmpint (idw_verdict_get_status (verdict, IDW_CHECK_ISSUER_SIGNATURE), ==, IDW_CHECK_STATUS_PASSED);
  g_assert_true (idw_verdict_is_untrusted_only (verdict));
  g_assert_nonnull (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_ISSUER_TRUSTED), "not trusted"));

  /* Pinning the DS certificate itself is trust too. */
  idw_verifier_clear_trust_anchors (f->verifier);
  idw_verifier_add_trust_anchor (f->verifier, f->issuer->ds);
  pinned = verify_is (f, is);
  test_assert_only_failures (pinned, -1);
}

static void
test_expired_ds_certificate (Fixture       *f,
                             gconstpointer  data)
{
  /* DS certificates live 3 years, the IACA 10: this DS expired a year ago. */
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) four_years_ago = g_date_time_add_years (now, -4);
  g_autoptr(GDateTime) signed_at = g_date_time_add_days (four_years_ago, 10);
  g_autoptr(GDateTime) until = g_date_time_add_years (now, 1);
  g_autoptr(TestIssuer) old = test_issuer_new_at ("Old Utopia", four_years_ago);
  IdwIssueOptions options = { .signed_at = signed_at, .valid_until = until };
  g_autoptr(IdwCredential) c = test_issue (old, f->device_key, &options);
  g_autoptr(IdwIssuerSigned) is = select_items (c, "family_name", NULL);
  g_autoptr(IdwVerdict) verdict = NULL;

  idw_verifier_add_trust_anchor (f->verifier, old->iaca);
  verdict = verify_is (f, is);
  test_assert_only_failures (verdict, IDW_CHECK_ISSUER_TRUSTED, -1);
  g_assert_cmpint (idw_verdict_get_status (verdict, IDW_CHECK_VALIDITY), ==, IDW_CHECK_STATUS_PASSED);
}

static void
test_freshness (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  struct { gint64 offset; gboolean ok; const char *words; } cases[] = {
    { -200, FALSE, "stale" },
    { 200, FALSE, "future" },
    { -85, TRUE, NULL },
    { 85, TRUE, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key,
                                         now_unix () + cases[i].offset, NULL);
      g_autoptr(IdwVerdict) verdict = idw_verifier_verify_text (f->verifier, text);

      if (cases[i].ok)
        test_assert_only_failures (verdict, -1);
      else
        {
          test_assert_only_failures (verdict, IDW_CHECK_FRESHNESS, -1);
          g_assert_nonnull (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_FRESHNESS), cases[i].words));
        }
    }

  /* A wider window accepts the stale one; --at moves the clock. */
  {
    g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix () - 200, NULL);
    g_autoptr(IdwVerdict) wide = NULL;

    idw_verifier_set_freshness_window (f->verifier, 300);
    g_assert_cmpuint (idw_verifier_get_freshness_window (f->verifier), ==, 300);
    wide = idw_verifier_verify_text (f->verifier, text);
    test_assert_only_failures (wide, -1);
  }
}

static IdwNonceState
nonce_func (GBytes   *nonce,
            gboolean  consume,
            gpointer  user_data)
{
  GHashTable *issued = user_data;
  gpointer used;

  if (!g_hash_table_lookup_extended (issued, nonce, NULL, &used))
    return IDW_NONCE_UNKNOWN;
  if (consume)
    g_hash_table_insert (issued, g_bytes_ref (nonce), GINT_TO_POINTER (TRUE));
  return GPOINTER_TO_INT (used) ? IDW_NONCE_USED : IDW_NONCE_UNUSED;
}

static void
test_nonce (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "age_over_18", NULL);
  g_autoptr(GBytes) issued_nonce = g_bytes_new ("issued-nonce-123", 16);
  g_autoptr(GBytes) other_nonce = g_bytes_new ("another-nonce-45", 16);
  g_autoptr(GHashTable) issued = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                        (GDestroyNotify) g_bytes_unref, NULL);
  g_autofree char *right = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), issued_nonce);
  g_autofree char *wrong = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), other_nonce);
  g_autofree char *none = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), NULL);
  g_autoptr(IdwVerdict) v1 = NULL, v2 = NULL, v3 = NULL, v4 = NULL, v5 = NULL, v6 = NULL;

  /* An expected nonce. */
  idw_verifier_set_expected_nonce (f->verifier, issued_nonce);
  v1 = idw_verifier_verify_text (f->verifier, wrong);
  test_assert_only_failures (v1, IDW_CHECK_FRESHNESS, -1);
  g_assert_nonnull (strstr (idw_verdict_get_detail (v1, IDW_CHECK_FRESHNESS), "does not match"));
  v2 = idw_verifier_verify_text (f->verifier, none);
  test_assert_only_failures (v2, IDW_CHECK_FRESHNESS, -1);
  v3 = idw_verifier_verify_text (f->verifier, right);
  test_assert_only_failures (v3, -1);
  idw_verifier_set_expected_nonce (f->verifier, NULL);

  /* The nonce store: unknown, then fine once, then reused. */
  g_hash_table_insert (issued, g_bytes_ref (issued_nonce), GINT_TO_POINTER (FALSE));
  idw_verifier_set_nonce_func (f->verifier, nonce_func, g_hash_table_ref (issued),
                               (GDestroyNotify) g_hash_table_unref);
  v4 = idw_verifier_verify_text (f->verifier, wrong);
  test_assert_only_failures (v4, IDW_CHECK_FRESHNESS, -1);
  g_assert_nonnull (strstr (idw_verdict_get_detail (v4, IDW_CHECK_FRESHNESS), "unknown nonce"));
  v5 = idw_verifier_verify_text (f->verifier, right);
  test_assert_only_failures (v5, -1);
  v6 = idw_verifier_verify_text (f->verifier, right);
  test_assert_only_failures (v6, IDW_CHECK_FRESHNESS, -1);
  g_assert_nonnull (strstr (idw_verdict_get_detail (v6, IDW_CHECK_FRESHNESS), "already used"));
}

/* A reply to this verifier's request may be pasted minutes later: the
 * nonce, not the ±window, bounds its age. Its clock may not run ahead. */
static void
test_nonce_bound_reply_age (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "age_over_18", NULL);
  g_autoptr(GBytes) nonce = g_bytes_new ("issued-nonce-123", 16);
  g_autoptr(GBytes) other = g_bytes_new ("issued-nonce-456", 16);
  g_autoptr(GHashTable) issued = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                        (GDestroyNotify) g_bytes_unref, NULL);
  g_autofree char *late = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix () - 600, nonce);
  g_autofree char *ahead = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix () + 600, other);
  g_autofree char *plain = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix () - 600, NULL);
  g_autoptr(IdwVerdict) v1 = NULL, v2 = NULL, v3 = NULL;

  g_hash_table_insert (issued, g_bytes_ref (nonce), GINT_TO_POINTER (FALSE));
  g_hash_table_insert (issued, g_bytes_ref (other), GINT_TO_POINTER (FALSE));
  idw_verifier_set_nonce_func (f->verifier, nonce_func, g_hash_table_ref (issued),
                               (GDestroyNotify) g_hash_table_unref);

  v1 = idw_verifier_verify_text (f->verifier, late);
  test_assert_only_failures (v1, -1);
  v2 = idw_verifier_verify_text (f->verifier, ahead);
  test_assert_only_failures (v2, IDW_CHECK_FRESHNESS, -1);
  g_assert_nonnull (strstr (idw_verdict_get_detail (v2, IDW_CHECK_FRESHNESS), "future"));
  /* Without a nonce the window still applies. */
  v3 = idw_verifier_verify_text (f->verifier, plain);
  test_assert_only_failures (v3, IDW_CHECK_FRESHNESS, -1);
}

static void
test_nonce_not_consumed_when_invalid (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "age_over_18", NULL);
  g_autoptr(GBytes) nonce = g_bytes_new ("issued-nonce-123", 16);
  g_autoptr(GHashTable) issued = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                        (GDestroyNotify) g_bytes_unref, NULL);
  g_autoptr(IdwKey) other = idw_key_generate_ed25519 ();
  g_autofree char *forged = make_text (is, IDW_DOCTYPE_MDL, other, now_unix (), nonce);
  g_autoptr(IdwVerdict) verdict = NULL;

  g_hash_table_insert (issued, g_bytes_ref (nonce), GINT_TO_POINTER (FALSE));
  idw_verifier_set_nonce_func (f->verifier, nonce_func, g_hash_table_ref (issued),
                               (GDestroyNotify) g_hash_table_unref);
  verdict = idw_verifier_verify_text (f->verifier, forged);
  test_assert_only_failures (verdict, IDW_CHECK_DEVICE_SIGNATURE, -1);
  g_assert_false (GPOINTER_TO_INT (g_hash_table_lookup (issued, nonce)));
}

/* A nonce another verification consumed between the check and the end. */
static IdwNonceState
racing_nonce_func (GBytes   *nonce,
                   gboolean  consume,
                   gpointer  user_data)
{
  return consume ? IDW_NONCE_USED : IDW_NONCE_UNUSED;
}

static void
test_nonce_lost_race (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "age_over_18", NULL);
  g_autoptr(GBytes) nonce = g_bytes_new ("issued-nonce-123", 16);
  g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), nonce);
  g_autoptr(IdwVerdict) verdict = NULL;

  idw_verifier_set_nonce_func (f->verifier, racing_nonce_func, NULL, NULL);
  verdict = idw_verifier_verify_text (f->verifier, text);
  test_assert_only_failures (verdict, IDW_CHECK_FRESHNESS, -1);
  g_assert_false (idw_verdict_is_valid (verdict));
  g_assert_nonnull (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_FRESHNESS), "already used"));
}

static void
test_doctype_mismatch (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  g_autofree char *text = make_text (is, IDW_DOCTYPE_EU_PID, f->device_key, now_unix (), NULL);
  g_autoptr(IdwVerdict) verdict = idw_verifier_verify_text (f->verifier, text);

  test_assert_only_failures (verdict, IDW_CHECK_MSO, -1);
  g_assert_nonnull (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_MSO), IDW_DOCTYPE_EU_PID));
  g_assert_false (idw_verdict_is_valid (verdict));
}

static void
test_unsupported_algorithm (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  g_autoptr(cbor_item_t) protected_map = idw_cbor_new_map ();
  g_autoptr(GBytes) protected_bytes = NULL;
  cbor_item_t *forged = idw_cbor_new_array ();
  g_autoptr(IdwVerdict) verdict = NULL;

  /* PS256 (-37): well formed, not allowed. The signature is the old one. */
  idw_cbor_map_add_int (protected_map, IDW_COSE_HEADER_ALG, idw_cbor_new_int (-37));
  protected_bytes = idw_cbor_encode (protected_map);
  for (guint i = 0; i < 4; i++)
    {
      cbor_item_t *orig = cbor_array_handle (is->issuer_auth)[i];

      idw_cbor_array_add (forged, i == 0 ? idw_cbor_new_gbytes (protected_bytes) : cbor_incref (orig));
    }
  replace_issuer_auth (is, forged);
  verdict = verify_is (f, is);
  test_assert_only_failures (verdict, IDW_CHECK_ISSUER_SIGNATURE, -1);
  g_assert_nonnull (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_ISSUER_SIGNATURE), "unsupported algorithm"));
}

static void
test_mso_errors (Fixture       *f,
                 gconstpointer  data)
{
  /* MSOs signed by the genuine issuer but malformed: the mso check names the field. */
  static const struct { const char *key; const char *sub; int kind; const char *words; } cases[] = {
    { "validityInfo", "validUntil", 0, "MSO validityInfo.validUntil: expected tdate" },
    { "version", NULL, 1, "MSO version" },
    { "digestAlgorithm", NULL, 2, "SHA-1" },
    { "valueDigests", NULL, 3, "MSO valueDigests: expected a map" },
    { "deviceKeyInfo", NULL, 3, "MSO deviceKeyInfo: expected a map" },
    { "docType", NULL, 4, "MSO docType: expected a text string" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
      g_autoptr(cbor_item_t) mso = idw_mso_to_cbor (idw_credential_get_mso (f->credential));
      g_autoptr(IdwVerdict) verdict = NULL;

      switch (cases[i].kind)
        {
        case 0:
          map_replace (idw_cbor_map_get (mso, cases[i].key), cases[i].sub, idw_cbor_new_string ("tomorrow"));
          break;
        case 1:
          map_replace (mso, cases[i].key, idw_cbor_new_string ("2.0"));
          break;
        case 2:
          map_replace (mso, cases[i].key, idw_cbor_new_string ("SHA-1"));
          break;
        case 3:
          map_replace (mso, cases[i].key, idw_cbor_new_array ());
          break;
        case 4:
        default:
          map_replace (mso, cases[i].key, idw_cbor_new_int (7));
          break;
        }
      replace_issuer_auth (is, sign_mso_item (f->issuer, mso));
      verdict = verify_is (f, is);
      test_assert_only_failures (verdict, IDW_CHECK_MSO, -1);
      if (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_MSO), cases[i].words) == NULL)
        g_error ("case %u: %s", i, idw_verdict_get_detail (verdict, IDW_CHECK_MSO));
    }
}

/* Decodes @text's envelope, lets @mutate change it, re-wraps it. */
typedef void (*Mutation) (cbor_item_t *envelope);

static char *
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

static cbor_item_t *
first_document (cbor_item_t *envelope)
{
  return cbor_array_handle (idw_cbor_map_get (idw_cbor_map_get (envelope, "response"), "documents"))[0];
}

static cbor_item_t *
first_item_map_copy (cbor_item_t *envelope)
{
  cbor_item_t *is = idw_cbor_map_get (first_document (envelope), "issuerSigned");
  cbor_item_t *items = idw_cbor_map_get (idw_cbor_map_get (is, "nameSpaces"), IDW_NAMESPACE_MDL);

  return idw_cbor_decode_tag24 (cbor_array_handle (items)[0], NULL, NULL);
}

static void
put_first_item (cbor_item_t *envelope,
                cbor_item_t *map)
{
  cbor_item_t *is = idw_cbor_map_get (first_document (envelope), "issuerSigned");
  cbor_item_t *items = idw_cbor_map_get (idw_cbor_map_get (is, "nameSpaces"), IDW_NAMESPACE_MDL);
  cbor_item_t **handle = cbor_array_handle (items);

  cbor_decref (&handle[0]);
  handle[0] = idw_cbor_new_tag24 (map);
}

static void mut_presented_at (cbor_item_t *e) { map_replace (e, "presentedAt", idw_cbor_new_string ("now")); }
static void mut_version (cbor_item_t *e) { map_replace (idw_cbor_map_get (e, "response"), "version", idw_cbor_new_int (1)); }
static void mut_documents (cbor_item_t *e) { map_replace (idw_cbor_map_get (e, "response"), "documents", idw_cbor_new_map ()); }
static void mut_status (cbor_item_t *e) { map_replace (idw_cbor_map_get (e, "response"), "status", idw_cbor_new_string ("OK")); }
static void mut_doctype (cbor_item_t *e) { map_replace (first_document (e), "docType", idw_cbor_new_int (5)); }
static void mut_issuer_signed (cbor_item_t *e) { map_replace (first_document (e), "issuerSigned", idw_cbor_new_array ()); }
static void mut_name_spaces (cbor_item_t *e) { map_replace (idw_cbor_map_get (first_document (e), "issuerSigned"), "nameSpaces", idw_cbor_new_array ()); }
static void mut_issuer_auth (cbor_item_t *e) { map_replace (idw_cbor_map_get (first_document (e), "issuerSigned"), "issuerAuth", idw_cbor_new_map ()); }
static void
mut_item_not_tag24 (cbor_item_t *e)
{
  cbor_item_t *is = idw_cbor_map_get (first_document (e), "issuerSigned");
  cbor_item_t *items = idw_cbor_map_get (idw_cbor_map_get (is, "nameSpaces"), IDW_NAMESPACE_MDL);
  cbor_item_t **handle = cbor_array_handle (items);

  cbor_decref (&handle[0]);
  handle[0] = idw_cbor_new_map ();
}
static void
mut_digest_id (cbor_item_t *e)
{
  g_autoptr(cbor_item_t) map = first_item_map_copy (e);

  map_replace (map, "digestID", idw_cbor_new_string ("1"));
  put_first_item (e, map);
}
static void
mut_random (cbor_item_t *e)
{
  g_autoptr(cbor_item_t) map = first_item_map_copy (e);

  map_replace (map, "random", idw_cbor_new_bytes ((const guint8 *) "short", 5));
  put_first_item (e, map);
}
static void
mut_element_identifier (cbor_item_t *e)
{
  g_autoptr(cbor_item_t) map = first_item_map_copy (e);

  map_replace (map, "elementIdentifier", idw_cbor_new_bool (TRUE));
  put_first_item (e, map);
}
static void mut_device_signed (cbor_item_t *e) { map_replace (first_document (e), "deviceSigned", idw_cbor_new_string ("x")); }
static void mut_device_name_spaces (cbor_item_t *e) { map_replace (idw_cbor_map_get (first_document (e), "deviceSigned"), "nameSpaces", idw_cbor_new_map ()); }
static void mut_device_auth (cbor_item_t *e) { map_replace (idw_cbor_map_get (first_document (e), "deviceSigned"), "deviceAuth", idw_cbor_new_map ()); }
static void
mut_device_signature (cbor_item_t *e)
{
  cbor_item_t *auth = idw_cbor_map_get (idw_cbor_map_get (first_document (e), "deviceSigned"), "deviceAuth");

  map_replace (auth, "deviceSignature", idw_cbor_new_bytes ((const guint8 *) "sig", 3));
}
static void
mut_x5chain_five (cbor_item_t *e)
{
  cbor_item_t *auth = idw_cbor_map_get (idw_cbor_map_get (first_document (e), "issuerSigned"), "issuerAuth");
  cbor_item_t *unprotected = cbor_array_handle (auth)[1];
  cbor_item_t *der = idw_cbor_map_get_int (unprotected, IDW_COSE_HEADER_X5CHAIN);
  cbor_item_t *chain = idw_cbor_new_array ();
  struct cbor_pair *pairs = cbor_map_handle (unprotected);

  for (guint i = 0; i < 5; i++)
    idw_cbor_array_add (chain, cbor_incref (der));
  for (gsize i = 0; i < cbor_map_size (unprotected); i++)
    if (pairs[i].value == der)
      {
        cbor_decref (&pairs[i].value);
        pairs[i].value = chain;
      }
}

/* Floats where simple values are looked for: libcbor must not be asked
 * whether a float is null or a bool (it aborts). */
static void mut_float_nonce (cbor_item_t *e) { map_replace (e, "nonce", cbor_build_float8 (1.5)); }
static void
mut_float_issuer_payload (cbor_item_t *e)
{
  cbor_item_t *auth = idw_cbor_map_get (idw_cbor_map_get (first_document (e), "issuerSigned"), "issuerAuth");
  cbor_item_t **handle = cbor_array_handle (auth);

  cbor_decref (&handle[2]);
  handle[2] = cbor_build_float8 (2.5);
}

static void
test_wrong_types (Fixture       *f,
                  gconstpointer  data)
{
  static const struct { Mutation mutate; const char *words; } cases[] = {
    { mut_presented_at, "Envelope presentedAt" },
    { mut_version, "DeviceResponse version: expected a text string" },
    { mut_documents, "DeviceResponse documents: expected an array" },
    { mut_status, "DeviceResponse status: expected an unsigned integer" },
    { mut_doctype, "Document docType: expected a text string" },
    { mut_issuer_signed, "IssuerSigned: expected a map" },
    { mut_name_spaces, "IssuerSigned nameSpaces: expected a map" },
    { mut_issuer_auth, "IssuerSigned issuerAuth: expected a COSE_Sign1 array" },
    { mut_item_not_tag24, "IssuerSignedItem in org.iso.18013.5.1: expected a byte string with tag 24" },
    { mut_digest_id, "IssuerSignedItem in org.iso.18013.5.1 digestID: expected an unsigned integer" },
    { mut_random, "IssuerSignedItem in org.iso.18013.5.1 random: expected at least 16 bytes" },
    { mut_element_identifier, "IssuerSignedItem in org.iso.18013.5.1 elementIdentifier: expected a text string" },
    { mut_device_signed, "DeviceSigned: expected a map" },
    { mut_device_name_spaces, "DeviceSigned nameSpaces: expected a byte string with tag 24" },
    { mut_device_auth, "DeviceSigned deviceAuth: expected exactly one" },
    { mut_device_signature, "DeviceSigned deviceAuth.deviceSignature: expected a COSE_Sign1 array" },
    { mut_x5chain_five, "x5chain" },
    { mut_float_nonce, "Envelope nonce: expected a byte string" },
    { mut_float_issuer_payload, "IssuerSigned issuerAuth: expected a COSE_Sign1 array" },
  };
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  g_autoptr(GBytes) nonce = g_bytes_new ("0123456789abcdef", 16);
  g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), nonce);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *bad = mutate_text (text, cases[i].mutate);
      g_autoptr(IdwVerdict) verdict = idw_verifier_verify_text (f->verifier, bad);
      const char *detail = idw_verdict_get_detail (verdict, IDW_CHECK_DECODE);

      test_assert_only_failures (verdict, IDW_CHECK_DECODE, -1);
      if (strstr (detail, cases[i].words) == NULL)
        g_error ("case %u: %s", i, detail);
      for (guint c = IDW_CHECK_DECODE + 1; c < IDW_N_CHECKS; c++)
        g_assert_cmpint (idw_verdict_get_status (verdict, c), ==, IDW_CHECK_STATUS_NOT_APPLICABLE);
      g_assert_false (idw_verdict_is_valid (verdict));
    }
}

static void
assert_decode_failure (IdwVerifier *verifier,
                       const char  *text,
                       const char  *words)
{
  g_autoptr(IdwVerdict) verdict = idw_verifier_verify_text (verifier, text);

  test_assert_only_failures (verdict, IDW_CHECK_DECODE, -1);
  g_assert_false (idw_verdict_is_valid (verdict));
  for (guint c = IDW_CHECK_DECODE + 1; c < IDW_N_CHECKS; c++)
    g_assert_cmpint (idw_verdict_get_status (verdict, c), ==, IDW_CHECK_STATUS_NOT_APPLICABLE);
  if (words != NULL && strstr (idw_verdict_get_detail (verdict, IDW_CHECK_DECODE), words) == NULL)
    g_error ("%s", idw_verdict_get_detail (verdict, IDW_CHECK_DECODE));
}

static void
test_bad_texts (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), NULL);
  g_autofree char *truncated = g_strndup (text, strlen (text) / 2);
  g_autofree char *cut_tail = g_strndup (text, strlen (text) - 3);
  g_autoptr(GString) oversized = g_string_new ("IDW1:");
  g_autofree guint8 *zeros = g_malloc0 (4 * 1024 * 1024);
  g_autoptr(GBytes) zero_bytes = g_bytes_new_static (zeros, 4 * 1024 * 1024);
  g_autofree char *bomb = idw_transport_wrap (IDW_PREFIX_PRESENTATION, zero_bytes);
  g_autoptr(GByteArray) deep = g_byte_array_new ();
  g_autoptr(GBytes) deep_bytes = NULL;
  g_autofree char *deep_text = NULL;
  g_autoptr(GBytes) not_envelope = g_bytes_new_static ("\x83\x01\x02\x03", 4);
  g_autofree char *array_text = idw_transport_wrap (IDW_PREFIX_PRESENTATION, not_envelope);

  assert_decode_failure (f->verifier, truncated, NULL);
  assert_decode_failure (f->verifier, cut_tail, NULL);
  assert_decode_failure (f->verifier, "", NULL);
  assert_decode_failure (f->verifier, "IDWR1:ABCD", NULL);
  assert_decode_failure (f->verifier, "hello", NULL);
  assert_decode_failure (f->verifier, "IDW1:!!!!", NULL);

  while (oversized->len <= IDW_MAX_TEXT_LENGTH + 10)
    g_string_append (oversized, "ABCDEFGHIJ");
  assert_decode_failure (f->verifier, oversized->str, NULL);

  /* 4 MiB of zeros deflate to a few kB: the inflater stops at its limit. */
  g_assert_cmpuint (strlen (bomb), <, IDW_MAX_TEXT_LENGTH);
  assert_decode_failure (f->verifier, bomb, NULL);

  /* 100 nested arrays. */
  for (guint i = 0; i < 100; i++)
    g_byte_array_append (deep, (const guint8 *) "\x81", 1);
  g_byte_array_append (deep, (const guint8 *) "\x00", 1);
  deep_bytes = g_bytes_new (deep->data, deep->len);
  deep_text = idw_transport_wrap (IDW_PREFIX_PRESENTATION, deep_bytes);
  assert_decode_failure (f->verifier, deep_text, NULL);

  assert_decode_failure (f->verifier, array_text, "Envelope: expected a map");
}

static void
test_bad_raw_inputs (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GBytes) junk = g_bytes_new_static ("\xa1\x61", 2);
  static const guint8 empty_cbor[] = {
    0xa2, 0x67, 'v', 'e', 'r', 's', 'i', 'o', 'n', 0x63, '1', '.', '0',
    0x66, 's', 't', 'a', 't', 'u', 's', 0x0a,
  };
  g_autoptr(GBytes) empty_response = g_bytes_new_static (empty_cbor, sizeof empty_cbor);
  g_autoptr(GBytes) transcript = g_bytes_new_static ("\x83\xf6\xf6\xf6", 4);
  g_autoptr(GBytes) bad_transcript = g_bytes_new_static ("\xd8\x18\x41\xff", 4);
  g_autoptr(IdwVerdict) v1 = NULL, v2 = NULL, v3 = NULL, v4 = NULL;
  g_autofree char *json = NULL;

  v1 = idw_verifier_verify_response (f->verifier, junk, transcript);
  test_assert_only_failures (v1, IDW_CHECK_DECODE, -1);
  v2 = idw_verifier_verify_response (f->verifier, empty_response, transcript);
  test_assert_only_failures (v2, IDW_CHECK_DECODE, -1);
  g_assert_nonnull (strstr (idw_verdict_get_detail (v2, IDW_CHECK_DECODE), "status 10"));
  v3 = idw_verifier_verify_response (f->verifier, empty_response, bad_transcript);
  test_assert_only_failures (v3, IDW_CHECK_DECODE, -1);

  /* An image without a QR code. */
  {
    static const guint8 png_magic[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0 };
    g_autoptr(GBytes) fake_png = g_bytes_new_static (png_magic, sizeof png_magic);

    v4 = idw_verifier_verify_data (f->verifier, fake_png, NULL);
    test_assert_only_failures (v4, IDW_CHECK_DECODE, -1);
  }

  /* The JSON of a decode failure: nulls and nothing disclosed. */
  json = idw_verdict_to_json (v1, FALSE);
  g_assert_nonnull (strstr (json, "\"valid\":false"));
  g_assert_nonnull (strstr (json, "\"docType\":null"));
  g_assert_nonnull (strstr (json, "\"issuer\":null"));
  g_assert_nonnull (strstr (json, "\"presentedAt\":null"));
  g_assert_nonnull (strstr (json, "\"disclosed\":{}"));
  g_assert_nonnull (strstr (json, "\"name\":\"freshness\",\"status\":\"not_applicable\""));
}

static void
test_qr_image (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "age_over_18", NULL);
  g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwQrMatrix) matrix = idw_qr_encode (text, &error);
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GBytes) png = NULL;
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_no_error (error);
  dir = g_dir_make_tmp ("idw-qr-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "code.png", NULL);
  idw_qr_matrix_write_png (matrix, 4, path, &error);
  g_assert_no_error (error);
  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  png = g_bytes_new_take (g_steal_pointer (&contents), len);
  verdict = idw_verifier_verify_data (f->verifier, png, NULL);
  test_assert_only_failures (verdict, -1);
  g_assert_true (idw_verdict_is_valid (verdict));
  g_remove (path);
  g_rmdir (dir);
}

/* The verifier caches validated chains: the cache must never stand in for
 * a check whose answer would differ. */
static void
test_chain_cache (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) ds_expired = g_date_time_add_years (now, 4);
  g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), NULL);
  g_autofree char *later_text = make_text (is, IDW_DOCTYPE_MDL, f->device_key,
                                           g_date_time_to_unix (ds_expired), NULL);
  g_autoptr(TestIssuer) stranger = test_issuer_new ();
  g_autoptr(IdwVerdict) v1 = NULL, v2 = NULL, v3 = NULL, v4 = NULL, v5 = NULL, v6 = NULL;

  v1 = idw_verifier_verify_text (f->verifier, text);
  test_assert_only_failures (v1, -1);
  v2 = idw_verifier_verify_text (f->verifier, text);
  test_assert_only_failures (v2, -1);
  g_assert_cmpstr (idw_verdict_get_detail (v1, IDW_CHECK_ISSUER_TRUSTED), ==,
                   idw_verdict_get_detail (v2, IDW_CHECK_ISSUER_TRUSTED));

  /* Four years on the DS certificate (3 years) has expired. */
  idw_verifier_set_time (f->verifier, ds_expired);
  v3 = idw_verifier_verify_text (f->verifier, later_text);
  g_assert_cmpint (idw_verdict_get_status (v3, IDW_CHECK_ISSUER_TRUSTED), ==, IDW_CHECK_STATUS_FAILED);
  idw_verifier_set_time (f->verifier, NULL);

  /* Other anchors: not trusted any more, however often it passed before. */
  idw_verifier_clear_trust_anchors (f->verifier);
  idw_verifier_add_trust_anchor (f->verifier, stranger->iaca);
  v4 = idw_verifier_verify_text (f->verifier, text);
  test_assert_only_failures (v4, IDW_CHECK_ISSUER_TRUSTED, -1);
  idw_verifier_clear_trust_anchors (f->verifier);
  v5 = idw_verifier_verify_text (f->verifier, text);
  test_assert_only_failures (v5, IDW_CHECK_ISSUER_TRUSTED, -1);
  idw_verifier_add_trust_anchor (f->verifier, f->issuer->iaca);
  v6 = idw_verifier_verify_text (f->verifier, text);
  test_assert_only_failures (v6, -1);
}

static void
test_check_names (void)
{
  g_assert_cmpstr (idw_check_to_string (IDW_CHECK_DECODE), ==, "decode");
  g_assert_cmpstr (idw_check_to_string (IDW_CHECK_ISSUER_SIGNATURE), ==, "issuer_signature");
  g_assert_cmpstr (idw_check_to_string (IDW_CHECK_ISSUER_TRUSTED), ==, "issuer_trusted");
  g_assert_cmpstr (idw_check_to_string (IDW_CHECK_MSO), ==, "mso");
  g_assert_cmpstr (idw_check_to_string (IDW_CHECK_VALIDITY), ==, "validity");
  g_assert_cmpstr (idw_check_to_string (IDW_CHECK_DIGESTS), ==, "digests");
  g_assert_cmpstr (idw_check_to_string (IDW_CHECK_DEVICE_SIGNATURE), ==, "device_signature");
  g_assert_cmpstr (idw_check_to_string (IDW_CHECK_FRESHNESS), ==, "freshness");
  g_assert_cmpstr (idw_check_status_to_string (IDW_CHECK_STATUS_NOT_APPLICABLE), ==, "not_applicable");
  for (guint i = 0; i < IDW_N_CHECKS; i++)
    g_assert_nonnull (idw_check_get_title (i));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ANNEXD(path, func) \
  g_test_add ("/verifier/annexd/" path, AnnexD, NULL, annexd_setup, func, annexd_teardown)

  ANNEXD ("parse", test_annexd_parse);
  ANNEXD ("valid-in-2021", test_annexd_valid_in_2021);
  ANNEXD ("now", test_annexd_now);
  ANNEXD ("without-reader-key", test_annexd_without_reader_key);
  ANNEXD ("wrong-reader-key", test_annexd_wrong_reader_key);
  ANNEXD ("untrusted", test_annexd_untrusted);
  ANNEXD ("no-transcript", test_annexd_no_transcript);
  ANNEXD ("json", test_annexd_json);

#define FIXTURE(path, func) \
  g_test_add ("/verifier/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  FIXTURE ("valid", test_valid);
  FIXTURE ("tampered-value", test_tampered_value);
  FIXTURE ("tampered-mso-digest", test_tampered_mso_digest);
  FIXTURE ("wrong-digest-id", test_wrong_digest_id);
  FIXTURE ("duplicate-item", test_duplicate_item);
  FIXTURE ("wrong-device-key", test_wrong_device_key);
  FIXTURE ("signature-over-other-transcript", test_signature_over_other_transcript);
  FIXTURE ("validity", test_validity);
  FIXTURE ("signed-in-future", test_signed_in_future);
  FIXTURE ("untrusted-issuer", test_untrusted_issuer);
  FIXTURE ("expired-ds-certificate", test_expired_ds_certificate);
  FIXTURE ("freshness", test_freshness);
  FIXTURE ("nonce", test_nonce);
  FIXTURE ("nonce-not-consumed-when-invalid", test_nonce_not_consumed_when_invalid);
  FIXTURE ("nonce-lost-race", test_nonce_lost_race);
  FIXTURE ("nonce-bound-reply-age", test_nonce_bound_reply_age);
  FIXTURE ("doctype-mismatch", test_doctype_mismatch);
  FIXTURE ("unsupported-algorithm", test_unsupported_algorithm);
  FIXTURE ("mso-errors", test_mso_errors);
  FIXTURE ("wrong-types", test_wrong_types);
  FIXTURE ("bad-texts", test_bad_texts);
  FIXTURE ("bad-raw-inputs", test_bad_raw_inputs);
  FIXTURE ("qr-image", test_qr_image);
  FIXTURE ("chain-cache", test_chain_cache);
  g_test_add_func ("/verifier/check-names", test_check_names);

  return g_test_run ();
}
