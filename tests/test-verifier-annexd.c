/* test-verifier-annexd.c: the verifier on ISO 18013-5 Annex D's DeviceResponse
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The standard's own example (an ES256 issuer, a deviceMac over a real
 * session), verified as given and altered: MAC tags, MAC algorithms,
 * issuer signature lengths.
 */
#include "config.h"

#include <nettle/bignum.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecc.h>
#include <sodium.h>

#include "verifier-test-util.h"

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
  device_key = idw_cose_key_decode (mso->device_key, &error);
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

  for (guint i = 0; i < IDW_CHECK_REVOCATION; i++)
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
  /* Only the time checks fail (README of the vector). */
  test_assert_checks (verdict, "ppfpfppnn");
  test_assert_detail (verdict, IDW_CHECK_ISSUER_TRUSTED,
                      "The document signer certificate “C=US,CN=utopia ds” expired on ");
  test_assert_detail (verdict, IDW_CHECK_VALIDITY, "The credential expired on ");
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
  test_assert_failure (verdict, IDW_CHECK_DEVICE_SIGNATURE,
                       "The holder’s device authenticated with deviceMac, which cannot be checked without the reader’s key.");
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
  test_assert_failure (verdict, IDW_CHECK_DEVICE_SIGNATURE, "The holder’s device MAC does not verify");

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
  test_assert_failure (verdict, IDW_CHECK_ISSUER_TRUSTED,
                       "Issuer not trusted: no trusted issuers are configured.");
  g_assert_true (idw_verdict_is_untrusted_only (verdict));
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
  test_assert_failure (verdict, IDW_CHECK_DEVICE_SIGNATURE,
                       "The device authentication cannot be checked without the session transcript.");

  /* Raw CBOR is recognised as such. */
  by_data = idw_verifier_verify_data (f->verifier, f->response, f->transcript);
  test_assert_valid (by_data);
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
    "device_signature", "status", "freshness",
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
  g_assert_cmpuint (g_list_length (members), ==, 8);
  g_assert_true (json_object_get_boolean_member (object, "valid"));
  g_assert_cmpstr (json_object_get_string_member (object, "docType"), ==, IDW_DOCTYPE_MDL);
  g_assert_true (json_object_get_null_member (object, "presentedAt"));
  /* A proximity session's transcript: device engagement and reader key. */
  g_assert_cmpstr (json_object_get_string_member (object, "handover"), ==, "iso-18013-5");
  g_assert_true (json_object_get_null_member (object, "nonce"));

  checks = json_object_get_array_member (object, "checks");
  g_assert_cmpuint (json_array_get_length (checks), ==, G_N_ELEMENTS (names));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      JsonObject *check = json_array_get_object_element (checks, i);

      g_assert_cmpuint (json_object_get_size (check), ==, 3);
      g_assert_cmpstr (json_object_get_string_member (check, "name"), ==, names[i]);
      g_assert_cmpstr (json_object_get_string_member (check, "status"), ==,
                       i == IDW_CHECK_FRESHNESS || i == IDW_CHECK_REVOCATION ? "not_applicable" : "passed");
      g_assert_cmpuint (strlen (json_object_get_string_member (check, "detail")), >, 0);
    }

  issuer = json_object_get_object_member (object, "issuer");
  g_assert_cmpstr (json_object_get_string_member (issuer, "commonName"), ==, "utopia ds");
  g_assert_cmpstr (json_object_get_string_member (issuer, "country"), ==, "US");
  g_assert_false (json_object_get_boolean_member (issuer, "testIssuer"));
  /* The Annex D document signer certificate is the trust anchor itself. */
  g_assert_true (json_object_get_boolean_member (issuer, "pinned"));

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

/* ---- ISO 18013-5 Annex D, altered ------------------------------------------- */

typedef void (*DocumentMutation) (cbor_item_t   *document,
                                  gconstpointer  data);

/* The Annex D response decoded, its document changed by @mutate (NULL:
 * left alone) and encoded again. */
static GBytes *
annexd_mutate (AnnexD           *f,
               DocumentMutation  mutate,
               gconstpointer     data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(cbor_item_t) response = idw_cbor_decode_bytes (f->response, &error);
  cbor_item_t *documents;

  g_assert_no_error (error);
  documents = idw_cbor_map_get (response, "documents");
  g_assert_cmpuint (cbor_array_size (documents), ==, 1);
  if (mutate != NULL)
    mutate (cbor_array_handle (documents)[0], data);
  return idw_cbor_encode (response);
}

static cbor_item_t *
document_issuer_auth (cbor_item_t *document)
{
  cbor_item_t *item = idw_cbor_map_get (idw_cbor_map_get (document, "issuerSigned"), "issuerAuth");

  g_assert_nonnull (item);
  return item;
}

/* @data: the number of bytes to add (> 0) or cut (< 0). */
static void
resize_device_mac_tag (cbor_item_t   *document,
                       gconstpointer  data)
{
  test_cose_resize_tag (document_device_auth (document, "deviceMac"), GPOINTER_TO_INT (data));
}

static void
flip_device_mac_tag (cbor_item_t   *document,
                     gconstpointer  data)
{
  cbor_item_t *mac = test_cose_array (document_device_auth (document, "deviceMac"));
  cbor_item_t *tag = cbor_array_handle (mac)[3];

  g_assert_cmpuint (cbor_bytestring_length (tag), ==, 32);
  cbor_bytestring_handle (tag)[GPOINTER_TO_INT (data)] ^= 0x01;
}

static void
resize_issuer_signature (cbor_item_t   *document,
                         gconstpointer  data)
{
  test_cose_resize_tag (document_issuer_auth (document), GPOINTER_TO_INT (data));
}

/* The MAC is the whole of deviceMac: a tag cut short, emptied, extended or
 * with one bit changed must not verify, however much of it matches. */
static void
test_annexd_device_mac_tag (AnnexD        *f,
                            gconstpointer  data)
{
  g_autoptr(GDateTime) at = test_date ("2021-01-01T00:00:00Z");
  static const int resizes[] = { -1, -16, -31, -32, 1, 32 };
  static const int flips[] = { 0, 15, 31 };
  const char *words = "The holder’s device MAC does not verify";

  idw_verifier_set_time (f->verifier, at);

  /* Decoding and encoding again changes no byte: what the cases below
   * change is only what they mean to. */
  {
    g_autoptr(GBytes) same = annexd_mutate (f, NULL, NULL);
    g_autoptr(IdwVerdict) verdict = idw_verifier_verify_response (f->verifier, same, f->transcript);

    g_assert_true (g_bytes_equal (same, f->response));
    test_assert_valid (verdict);
    test_assert_detail (verdict, IDW_CHECK_DEVICE_SIGNATURE, "(deviceMac)");
  }

  for (guint i = 0; i < G_N_ELEMENTS (resizes); i++)
    {
      g_autoptr(GBytes) bad = annexd_mutate (f, resize_device_mac_tag,
                                             GINT_TO_POINTER (resizes[i]));
      g_autoptr(IdwVerdict) verdict = idw_verifier_verify_response (f->verifier, bad,
                                                                    f->transcript);

      g_test_message ("tag resized by %d bytes", resizes[i]);
      test_assert_failure (verdict, IDW_CHECK_DEVICE_SIGNATURE, words);
    }
  for (guint i = 0; i < G_N_ELEMENTS (flips); i++)
    {
      g_autoptr(GBytes) bad = annexd_mutate (f, flip_device_mac_tag, GINT_TO_POINTER (flips[i]));
      g_autoptr(IdwVerdict) verdict = idw_verifier_verify_response (f->verifier, bad,
                                                                    f->transcript);

      g_test_message ("bit flipped in tag byte %d", flips[i]);
      test_assert_failure (verdict, IDW_CHECK_DEVICE_SIGNATURE, words);
    }
}

/* ISO 18013-5 9.1.3.5, done here apart from the verifier so that a
 * deviceMac can be made for any header: EMacKey = HKDF-SHA256 (IKM = the
 * x of ECDH (reader d, device key), salt = SHA-256
 * (SessionTranscriptBytes), info = "EMacKey"); the tag is HMAC-SHA256
 * over ["MAC0", protected, h'', DeviceAuthenticationBytes]. */
static GBytes *
annexd_mac_tag (AnnexD      *f,
                cbor_item_t *document,
                GBytes      *protected_bytes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCoseSign1) issuer_auth = idw_cose_sign1_parse (document_issuer_auth (document), &error);
  g_autoptr(IdwMso) mso = NULL;
  g_autoptr(IdwKey) device_key = NULL;
  g_autoptr(GBytes) point = NULL;
  g_autoptr(cbor_item_t) tagged_transcript = idw_cbor_decode_bytes (f->transcript, NULL);
  g_autoptr(cbor_item_t) transcript_item = NULL;
  g_autoptr(GBytes) transcript = NULL;
  g_autoptr(GBytes) name_spaces_bytes = NULL;
  g_autoptr(cbor_item_t) name_spaces = NULL;
  g_autoptr(GBytes) auth = NULL;
  g_autoptr(cbor_item_t) structure = idw_cbor_new_array ();
  g_autoptr(GBytes) structure_bytes = NULL;
  struct ecc_point q, r;
  struct ecc_scalar k;
  mpz_t x, y, z;
  guint8 shared[32], salt[crypto_hash_sha256_BYTES], prk[32], emac_key[32];
  guint8 tag[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  const guint8 *pub;
  static const guint8 one = 1;

  g_assert_no_error (error);
  mso = idw_mso_parse_payload (issuer_auth->payload, &error);
  g_assert_no_error (error);
  device_key = idw_cose_key_decode (mso->device_key, &error);
  g_assert_no_error (error);
  point = idw_key_get_public_bytes (device_key);
  g_assert_cmpuint (g_bytes_get_size (point), ==, 65);
  pub = g_bytes_get_data (point, NULL);

  mpz_inits (x, y, z, NULL);
  ecc_point_init (&q, nettle_get_secp_256r1 ());
  ecc_point_init (&r, nettle_get_secp_256r1 ());
  ecc_scalar_init (&k, nettle_get_secp_256r1 ());
  nettle_mpz_set_str_256_u (x, 32, pub + 1);
  nettle_mpz_set_str_256_u (y, 32, pub + 33);
  nettle_mpz_set_str_256_u (z, 32, g_bytes_get_data (f->reader_key, NULL));
  g_assert_true (ecc_point_set (&q, x, y));
  g_assert_true (ecc_scalar_set (&k, z));
  ecc_point_mul (&r, &k, &q);
  ecc_point_get (&r, x, y);
  nettle_mpz_get_str_256 (sizeof shared, shared, x);
  ecc_scalar_clear (&k);
  ecc_point_clear (&r);
  ecc_point_clear (&q);
  mpz_clears (x, y, z, NULL);

  crypto_hash_sha256 (salt, g_bytes_get_data (f->transcript, NULL), g_bytes_get_size (f->transcript));
  crypto_auth_hmacsha256 (prk, shared, sizeof shared, salt);
  crypto_auth_hmacsha256_init (&state, prk, sizeof prk);
  crypto_auth_hmacsha256_update (&state, (const guint8 *) "EMacKey", 7);
  crypto_auth_hmacsha256_update (&state, &one, 1);
  crypto_auth_hmacsha256_final (&state, emac_key);

  transcript_item = idw_cbor_decode_tag24 (tagged_transcript, &transcript, &error);
  g_assert_no_error (error);
  name_spaces = idw_cbor_decode_tag24 (idw_cbor_map_get (idw_cbor_map_get (document, "deviceSigned"),
                                                         "nameSpaces"),
                                       &name_spaces_bytes, &error);
  g_assert_no_error (error);
  auth = idw_device_authentication_bytes (transcript, IDW_DOCTYPE_MDL, name_spaces_bytes);
  idw_cbor_array_add (structure, idw_cbor_new_string ("MAC0"));
  idw_cbor_array_add (structure, idw_cbor_new_gbytes (protected_bytes));
  idw_cbor_array_add (structure, idw_cbor_new_bytes (NULL, 0));
  idw_cbor_array_add (structure, idw_cbor_new_gbytes (auth));
  structure_bytes = idw_cbor_encode (structure);

  crypto_auth_hmacsha256_init (&state, emac_key, sizeof emac_key);
  crypto_auth_hmacsha256_update (&state, g_bytes_get_data (structure_bytes, NULL),
                                 g_bytes_get_size (structure_bytes));
  crypto_auth_hmacsha256_final (&state, tag);
  return g_bytes_new (tag, sizeof tag);
}

typedef struct
{
  AnnexD  *f;
  gint64   alg;         /* 0: keep the protected header */
  gboolean attach;      /* carry DeviceAuthenticationBytes as the payload */
} MacRemake;

/* deviceMac remade with a genuine HMAC 256/256 tag over what the
 * verifier will recompute, under the header and payload @data says. */
static void
remake_device_mac (cbor_item_t   *document,
                   gconstpointer  data)
{
  const MacRemake *remake = data;
  cbor_item_t *array = test_cose_array (document_device_auth (document, "deviceMac"));
  g_autoptr(GBytes) protected_bytes = NULL;
  g_autoptr(GBytes) tag = NULL;

  if (remake->alg != 0)
    {
      g_autoptr(cbor_item_t) header = idw_cbor_new_map ();

      idw_cbor_map_add_int (header, IDW_COSE_HEADER_ALG, idw_cbor_new_int (remake->alg));
      protected_bytes = idw_cbor_encode (header);
      test_array_replace (array, 0, idw_cbor_new_gbytes (protected_bytes));
    }
  else
    protected_bytes = idw_cbor_dup_bytes (cbor_array_handle (array)[0]);

  tag = annexd_mac_tag (remake->f, document, protected_bytes);
  test_array_replace (array, 3, idw_cbor_new_gbytes (tag));
  if (remake->attach)
    test_array_replace (array, 2, idw_cbor_new_bytes ((const guint8 *) "payload", 7));
}

/* Only HMAC 256/256 with a detached payload is accepted: a deviceMac
 * under another algorithm, or carrying a payload, is refused as such even
 * when its tag is a correct HMAC 256/256. */
static void
test_annexd_device_mac_alg (AnnexD        *f,
                            gconstpointer  data)
{
  g_autoptr(GDateTime) at = test_date ("2021-01-01T00:00:00Z");
  static const gint64 algs[] = { 4, 6, 7, -7 };   /* HMAC 256/64, 384/384, 512/512; ES256 */

  idw_verifier_set_time (f->verifier, at);

  /* The tag made here is the standard's: remade as it is, the response
   * does not change. */
  {
    MacRemake same = { f, 0, FALSE };
    g_autoptr(GBytes) remade = annexd_mutate (f, remake_device_mac, &same);

    g_assert_true (g_bytes_equal (remade, f->response));
  }
  /* {1: 5} encoded as the vector does: the verdict still passes. */
  {
    MacRemake hmac256 = { f, 5, FALSE };
    g_autoptr(GBytes) remade = annexd_mutate (f, remake_device_mac, &hmac256);
    g_autoptr(IdwVerdict) verdict = idw_verifier_verify_response (f->verifier, remade,
                                                                  f->transcript);

    test_assert_valid (verdict);
  }

  for (guint i = 0; i < G_N_ELEMENTS (algs); i++)
    {
      MacRemake remake = { f, algs[i], FALSE };
      g_autoptr(GBytes) bad = annexd_mutate (f, remake_device_mac, &remake);
      g_autoptr(IdwVerdict) verdict = idw_verifier_verify_response (f->verifier, bad,
                                                                    f->transcript);

      g_test_message ("alg %" G_GINT64_FORMAT, algs[i]);
      test_assert_failure (verdict, IDW_CHECK_DEVICE_SIGNATURE,
                           "deviceMac uses an unsupported algorithm (only HMAC 256/256 is supported).");
    }

  {
    MacRemake attached = { f, 0, TRUE };
    g_autoptr(GBytes) bad = annexd_mutate (f, remake_device_mac, &attached);
    g_autoptr(IdwVerdict) verdict = idw_verifier_verify_response (f->verifier, bad, f->transcript);

    test_assert_failure (verdict, IDW_CHECK_DEVICE_SIGNATURE,
                         "deviceMac must have a detached payload.");
  }
}

/* ES256 raw r‖s is exactly 64 bytes: a valid signature with a byte added,
 * or one short, is refused. */
static void
test_annexd_issuer_signature_length (AnnexD        *f,
                                     gconstpointer  data)
{
  g_autoptr(GDateTime) at = test_date ("2021-01-01T00:00:00Z");
  static const int resizes[] = { 1, 2, -1, -32 };

  idw_verifier_set_time (f->verifier, at);
  for (guint i = 0; i < G_N_ELEMENTS (resizes); i++)
    {
      g_autoptr(GBytes) bad = annexd_mutate (f, resize_issuer_signature,
                                             GINT_TO_POINTER (resizes[i]));
      g_autoptr(IdwVerdict) verdict = idw_verifier_verify_response (f->verifier, bad,
                                                                    f->transcript);

      g_test_message ("signature resized by %d bytes", resizes[i]);
      test_assert_failure (verdict, IDW_CHECK_ISSUER_SIGNATURE,
                           "The issuer’s signature does not verify: the signed data was altered or forged.");
    }
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
  ANNEXD ("device-mac-tag", test_annexd_device_mac_tag);
  ANNEXD ("device-mac-alg", test_annexd_device_mac_alg);
  ANNEXD ("issuer-signature-length", test_annexd_issuer_signature_length);

  return g_test_run ();
}
