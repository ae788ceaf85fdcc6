/* test-verifier.c: the verifier's checks and verdicts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <nettle/bignum.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecc.h>
#include <sodium.h>

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

#define DEVICE_SIGNATURE_DOES_NOT_VERIFY \
  "The device signature does not verify: the presentation was not made with the key the credential was issued to, or was altered."
#define NONCE_ALREADY_USED \
  "The request’s nonce was already used: this presentation is a replay."

#define UNTRUSTED_UTOPIA \
  "Issuer not trusted: No trusted issuer certificate matches “CN=Utopia IACA,"

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
  /* Only the time checks fail (README of the vector). */
  test_assert_checks (verdict, "ppfpfppn");
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
                       i == IDW_CHECK_FRESHNESS ? "not_applicable" : "passed");
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
document_device_auth (cbor_item_t *document,
                      const char  *kind)
{
  cbor_item_t *device_signed = idw_cbor_map_get (document, "deviceSigned");
  cbor_item_t *item = idw_cbor_map_get (idw_cbor_map_get (device_signed, "deviceAuth"), kind);

  g_assert_nonnull (item);
  return item;
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

/* ---- Our own presentations, altered ---------------------------------------- */


/* An IDW1 text for @is as a document of @doctype with @device_signed. */
static char *
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
static char *
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

static void
test_valid (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", "portrait", NULL);
  g_autoptr(IdwVerdict) verdict = verify_is (f, is);

  test_assert_valid (verdict);
  test_assert_detail (verdict, IDW_CHECK_DIGESTS,
                      "All 2 disclosed elements are the ones the issuer signed.");
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
  test_assert_failure (verdict, IDW_CHECK_DIGESTS,
                       "The value of org.iso.18013.5.1/family_name is not the one the issuer signed.");
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
  test_assert_failure (verdict, IDW_CHECK_ISSUER_SIGNATURE,
                       "The issuer’s signature does not verify: the signed data was altered or forged.");
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
  test_assert_failure (verdict, IDW_CHECK_DIGESTS,
                       "The value of org.iso.18013.5.1/family_name is not the one the issuer signed.");

  /* A digest ID the MSO does not have at all. */
  {
    IdwIssuerSignedItem *item = g_ptr_array_index (ns->items, 0);
    g_autoptr(IdwVerdict) again = NULL;

    g_ptr_array_index (ns->items, 0) = idw_issuer_signed_item_new (999999, item->random,
                                                                   item->element_identifier,
                                                                   item->element_value);
    idw_issuer_signed_item_unref (item);
    again = verify_is (f, is);
    test_assert_failure (again, IDW_CHECK_DIGESTS,
                         "The issuer signed no digest for org.iso.18013.5.1/family_name (digest ID 999999).");
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
  test_assert_failure (verdict, IDW_CHECK_DIGESTS,
                       "The element org.iso.18013.5.1/family_name is disclosed twice.");

  /* The strict parser (for credentials) refuses it outright. */
  encoded = idw_issuer_signed_to_cbor (is);
  strict = idw_issuer_signed_parse (encoded, IDW_MDOC_PARSE_DEFAULT, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_DUPLICATE);
  g_assert_nonnull (strstr (error->message, "appears twice"));

  /* A second family_name under another genuine digest ID (given_name's,
   * with its random and value): refused as a duplicate element, before
   * its digest is looked at. */
  {
    g_autoptr(IdwIssuerSigned) two = select_items (f->credential, "family_name", NULL);
    IdwIssuerSigned *all = idw_credential_get_issuer_signed (f->credential);
    IdwIssuerSignedItem *given = idw_issuer_signed_lookup (all, IDW_NAMESPACE_MDL, "given_name");
    g_autoptr(IdwIssuerSignedItem) renamed =
      idw_issuer_signed_item_new (given->digest_id, given->random, "family_name",
                                  given->element_value);
    g_autoptr(IdwVerdict) again = NULL;

    idw_issuer_signed_add_item (two, IDW_NAMESPACE_MDL, renamed);
    again = verify_is (f, two);
    test_assert_failure (again, IDW_CHECK_DIGESTS,
                         "The element org.iso.18013.5.1/family_name is disclosed twice.");
  }
}

static void
test_wrong_device_key (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  g_autoptr(IdwKey) other = idw_key_generate_ed25519 ();
  g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, other, now_unix (), NULL);
  g_autoptr(IdwVerdict) verdict = idw_verifier_verify_text (f->verifier, text);

  test_assert_failure (verdict, IDW_CHECK_DEVICE_SIGNATURE, DEVICE_SIGNATURE_DOES_NOT_VERIFY);
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
  test_assert_failure (verdict, IDW_CHECK_DEVICE_SIGNATURE, DEVICE_SIGNATURE_DOES_NOT_VERIFY);
}

static void
test_validity (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) two_years_ago = g_date_time_add_years (now, -2);
  g_autoptr(GDateTime) issuer_start = g_date_time_add_days (two_years_ago, -1);
  g_autoptr(GDateTime) last_year = g_date_time_add_years (now, -1);
  g_autoptr(GDateTime) next_year = g_date_time_add_years (now, 1);
  g_autoptr(GDateTime) later = g_date_time_add_years (now, 2);
  /* An expired credential was signed when it became valid (ISO 18013-5:
   * validFrom ≥ signed), by a document signer that was valid then and is
   * still valid now: only the credential's own period is over. */
  g_autoptr(TestIssuer) older = test_issuer_new_at ("Utopia", issuer_start);
  IdwIssueOptions expired = { .valid_from = two_years_ago, .valid_until = last_year };
  IdwIssueOptions not_yet = { .valid_from = next_year, .valid_until = later };
  struct { IdwIssueOptions *options; const char *words; } cases[] = {
    { &expired, "The credential expired on " },
    { &not_yet, "The credential is not valid yet: valid from " },
  };

  idw_verifier_add_trust_anchor (f->verifier, older->iaca);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(IdwCredential) c = test_issue (older, f->device_key, cases[i].options);
      g_autoptr(IdwIssuerSigned) is = select_items (c, "family_name", NULL);
      g_autoptr(IdwVerdict) verdict = verify_is (f, is);

      test_assert_failure (verdict, IDW_CHECK_VALIDITY, cases[i].words);
      g_assert_nonnull (idw_verdict_get_valid_until (verdict));
    }
}

/* An MSO with @signed and @valid_from, otherwise the credential's, signed
 * by the genuine issuer. */
static IdwVerdict *
verify_with_times (Fixture   *f,
                   GDateTime *signed_at,
                   GDateTime *valid_from)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  g_autoptr(cbor_item_t) mso = idw_mso_to_cbor (idw_credential_get_mso (f->credential));
  cbor_item_t *validity = idw_cbor_map_get (mso, "validityInfo");

  test_map_replace (validity, "signed", idw_cbor_new_tdate (signed_at));
  test_map_replace (validity, "validFrom", idw_cbor_new_tdate (valid_from));
  replace_issuer_auth (is, sign_mso_item (f->issuer, mso));
  return verify_is (f, is);
}

static void
test_signed_after_valid_from (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) hour_ago = g_date_time_add_hours (now, -1);
  g_autoptr(GDateTime) second_later = g_date_time_add_seconds (hour_ago, 1);
  g_autoptr(GDateTime) soon = g_date_time_add_hours (now, 1);
  g_autoptr(IdwVerdict) equal = NULL, after = NULL, future = NULL;

  /* ISO 18013-5 §9.1.2.4: validFrom may equal signed… */
  equal = verify_with_times (f, hour_ago, hour_ago);
  test_assert_only_failures (equal, -1);

  /* …but not come a second before it. */
  after = verify_with_times (f, second_later, hour_ago);
  test_assert_failure (after, IDW_CHECK_VALIDITY, "before the issuer signed it");

  /* Signed in the future, valid from then: not valid yet. */
  future = verify_with_times (f, soon, soon);
  test_assert_failure (future, IDW_CHECK_VALIDITY, "The credential is not valid yet");
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
  test_assert_failure (verdict, IDW_CHECK_ISSUER_TRUSTED, UNTRUSTED_UTOPIA);
  g_assert_true (idw_verdict_is_untrusted_only (verdict));

  /* Pinning the DS certificate itself is trust too. */
  idw_verifier_clear_trust_anchors (f->verifier);
  idw_verifier_add_trust_anchor (f->verifier, f->issuer->ds);
  pinned = verify_is (f, is);
  test_assert_valid (pinned);
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
  test_assert_failure (verdict, IDW_CHECK_ISSUER_TRUSTED,
                       "The document signer certificate “CN=Old Utopia DS,");
  test_assert_detail (verdict, IDW_CHECK_ISSUER_TRUSTED, "” expired on ");
}

static void
test_freshness (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  struct { gint64 offset; gboolean ok; const char *words; } cases[] = {
    { -200, FALSE, "The presentation is stale: it was made " },
    { 200, FALSE, "The presentation claims to be made " },
    { -85, TRUE, NULL },
    { 85, TRUE, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key,
                                         now_unix () + cases[i].offset, NULL);
      g_autoptr(IdwVerdict) verdict = idw_verifier_verify_text (f->verifier, text);

      if (cases[i].ok)
        test_assert_valid (verdict);
      else
        test_assert_failure (verdict, IDW_CHECK_FRESHNESS, cases[i].words);
    }

  /* A wider window accepts the stale one; --at moves the clock. */
  {
    g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix () - 200, NULL);
    g_autoptr(IdwVerdict) wide = NULL;

    idw_verifier_set_freshness_window (f->verifier, 300);
    g_assert_cmpuint (idw_verifier_get_freshness_window (f->verifier), ==, 300);
    wide = idw_verifier_verify_text (f->verifier, text);
    test_assert_valid (wide);
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
  test_assert_failure (v1, IDW_CHECK_FRESHNESS,
                       "The presentation answers another request: its nonce does not match.");
  v2 = idw_verifier_verify_text (f->verifier, none);
  test_assert_failure (v2, IDW_CHECK_FRESHNESS,
                       "The presentation carries no nonce, but this check expects one: it was not made for this request.");
  v3 = idw_verifier_verify_text (f->verifier, right);
  test_assert_valid (v3);
  idw_verifier_set_expected_nonce (f->verifier, NULL);

  /* The nonce store: unknown, then fine once, then reused. */
  g_hash_table_insert (issued, g_bytes_ref (issued_nonce), GINT_TO_POINTER (FALSE));
  idw_verifier_set_nonce_func (f->verifier, nonce_func, g_hash_table_ref (issued),
                               (GDestroyNotify) g_hash_table_unref);
  v4 = idw_verifier_verify_text (f->verifier, wrong);
  test_assert_failure (v4, IDW_CHECK_FRESHNESS,
                       "The presentation answers a request this verifier did not make: unknown nonce.");
  v5 = idw_verifier_verify_text (f->verifier, right);
  test_assert_valid (v5);
  v6 = idw_verifier_verify_text (f->verifier, right);
  test_assert_failure (v6, IDW_CHECK_FRESHNESS, NONCE_ALREADY_USED);
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
  test_assert_valid (v1);
  v2 = idw_verifier_verify_text (f->verifier, ahead);
  test_assert_failure (v2, IDW_CHECK_FRESHNESS, "The presentation claims to be made ");
  test_assert_detail (v2, IDW_CHECK_FRESHNESS, " seconds in the future (at most 90 allowed).");
  /* Without a nonce the window still applies. */
  v3 = idw_verifier_verify_text (f->verifier, plain);
  test_assert_failure (v3, IDW_CHECK_FRESHNESS, "The presentation is stale: it was made ");
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
  test_assert_failure (verdict, IDW_CHECK_DEVICE_SIGNATURE, DEVICE_SIGNATURE_DOES_NOT_VERIFY);
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
  test_assert_failure (verdict, IDW_CHECK_FRESHNESS, NONCE_ALREADY_USED);
}

static void
test_doctype_mismatch (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  g_autofree char *text = make_text (is, IDW_DOCTYPE_EU_PID, f->device_key, now_unix (), NULL);
  g_autoptr(IdwVerdict) verdict = idw_verifier_verify_text (f->verifier, text);

  test_assert_failure (verdict, IDW_CHECK_MSO,
                       "The issuer signed a “" IDW_DOCTYPE_MDL "”, but the document claims to be a “"
                       IDW_DOCTYPE_EU_PID "”.");
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
  test_assert_failure (verdict, IDW_CHECK_ISSUER_SIGNATURE,
                       "The issuer’s signature cannot be checked: COSE_Sign1: unsupported algorithm -37 (allowed algorithms: EdDSA, ES256, ES384, ES512).");
}

static void
test_mso_errors (Fixture       *f,
                 gconstpointer  data)
{
  /* MSOs signed by the genuine issuer but malformed: the mso check names the field. */
  static const struct {
    const char *key;
    const char *sub;
    int         kind;
    const char *words;
    const char *statuses;
  } cases[] = {
    /* An unusable MSO: what depends on it is not applicable. */
    { "validityInfo", "validUntil", 0,
      "The mobile security object is not usable: MSO validityInfo.validUntil: expected tdate", "pppfnnnp" },
    { "version", NULL, 1,
      "The mobile security object is not usable: MSO version: “2.0” is not supported", "pppfnnnp" },
    /* A parsed MSO with a digest algorithm we lack: only the digests are
     * left unchecked. */
    { "digestAlgorithm", NULL, 2, "The digest algorithm “SHA-1” is not supported.", "pppfpnpp" },
    { "valueDigests", NULL, 3,
      "The mobile security object is not usable: MSO valueDigests: expected a map", "pppfnnnp" },
    { "deviceKeyInfo", NULL, 3,
      "The mobile security object is not usable: MSO deviceKeyInfo: expected a map", "pppfnnnp" },
    { "docType", NULL, 4,
      "The mobile security object is not usable: MSO docType: expected a text string", "pppfnnnp" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
      g_autoptr(cbor_item_t) mso = idw_mso_to_cbor (idw_credential_get_mso (f->credential));
      g_autoptr(IdwVerdict) verdict = NULL;

      switch (cases[i].kind)
        {
        case 0:
          test_map_replace (idw_cbor_map_get (mso, cases[i].key), cases[i].sub, idw_cbor_new_string ("tomorrow"));
          break;
        case 1:
          test_map_replace (mso, cases[i].key, idw_cbor_new_string ("2.0"));
          break;
        case 2:
          test_map_replace (mso, cases[i].key, idw_cbor_new_string ("SHA-1"));
          break;
        case 3:
          test_map_replace (mso, cases[i].key, idw_cbor_new_array ());
          break;
        case 4:
        default:
          test_map_replace (mso, cases[i].key, idw_cbor_new_int (7));
          break;
        }
      replace_issuer_auth (is, sign_mso_item (f->issuer, mso));
      verdict = verify_is (f, is);
      g_test_message ("case %u", i);
      test_assert_checks (verdict, cases[i].statuses);
      test_assert_detail (verdict, IDW_CHECK_MSO, cases[i].words);
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

static void mut_presented_at (cbor_item_t *e) { test_map_replace (e, "presentedAt", idw_cbor_new_string ("now")); }
static void mut_version (cbor_item_t *e) { test_map_replace (idw_cbor_map_get (e, "response"), "version", idw_cbor_new_int (1)); }
static void mut_documents (cbor_item_t *e) { test_map_replace (idw_cbor_map_get (e, "response"), "documents", idw_cbor_new_map ()); }
static void mut_status (cbor_item_t *e) { test_map_replace (idw_cbor_map_get (e, "response"), "status", idw_cbor_new_string ("OK")); }
static void mut_doctype (cbor_item_t *e) { test_map_replace (first_document (e), "docType", idw_cbor_new_int (5)); }
static void mut_issuer_signed (cbor_item_t *e) { test_map_replace (first_document (e), "issuerSigned", idw_cbor_new_array ()); }
static void mut_name_spaces (cbor_item_t *e) { test_map_replace (idw_cbor_map_get (first_document (e), "issuerSigned"), "nameSpaces", idw_cbor_new_array ()); }
static void mut_issuer_auth (cbor_item_t *e) { test_map_replace (idw_cbor_map_get (first_document (e), "issuerSigned"), "issuerAuth", idw_cbor_new_map ()); }
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

  test_map_replace (map, "digestID", idw_cbor_new_string ("1"));
  put_first_item (e, map);
}
static void
mut_random (cbor_item_t *e)
{
  g_autoptr(cbor_item_t) map = first_item_map_copy (e);

  test_map_replace (map, "random", idw_cbor_new_bytes ((const guint8 *) "short", 5));
  put_first_item (e, map);
}
static void
mut_element_identifier (cbor_item_t *e)
{
  g_autoptr(cbor_item_t) map = first_item_map_copy (e);

  test_map_replace (map, "elementIdentifier", idw_cbor_new_bool (TRUE));
  put_first_item (e, map);
}
static void mut_device_signed (cbor_item_t *e) { test_map_replace (first_document (e), "deviceSigned", idw_cbor_new_string ("x")); }
static void mut_device_name_spaces (cbor_item_t *e) { test_map_replace (idw_cbor_map_get (first_document (e), "deviceSigned"), "nameSpaces", idw_cbor_new_map ()); }
static void mut_device_auth (cbor_item_t *e) { test_map_replace (idw_cbor_map_get (first_document (e), "deviceSigned"), "deviceAuth", idw_cbor_new_map ()); }
static void
mut_device_signature (cbor_item_t *e)
{
  cbor_item_t *auth = idw_cbor_map_get (idw_cbor_map_get (first_document (e), "deviceSigned"), "deviceAuth");

  test_map_replace (auth, "deviceSignature", idw_cbor_new_bytes ((const guint8 *) "sig", 3));
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
static void mut_float_nonce (cbor_item_t *e) { test_map_replace (e, "nonce", cbor_build_float8 (1.5)); }
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

      g_test_message ("case %u: %s", i, detail);
      test_assert_checks (verdict, "fnnnnnnn");
      test_assert_detail (verdict, IDW_CHECK_DECODE, "The presentation cannot be read: ");
      test_assert_detail (verdict, IDW_CHECK_DECODE, cases[i].words);
    }
}

static void
assert_decode_failure (IdwVerifier *verifier,
                       const char  *text,
                       const char  *words)
{
  g_autoptr(IdwVerdict) verdict = idw_verifier_verify_text (verifier, text);

  test_assert_checks (verdict, "fnnnnnnn");
  test_assert_detail (verdict, IDW_CHECK_DECODE, "The presentation cannot be read: ");
  test_assert_detail (verdict, IDW_CHECK_DECODE, words);
}

static void
test_bad_texts (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), NULL);
  /* Cut at a Base45 group boundary (three characters, two at the end for
   * an odd byte count), so that what fails is the inflater. */
  gsize base45_len = strlen (text) - strlen ("IDW1:");
  g_autofree char *truncated = g_strndup (text, strlen ("IDW1:") + base45_len / 2 / 3 * 3);
  g_autofree char *cut_tail = g_strndup (text, strlen (text) - (base45_len % 3 == 0 ? 3 : 2));
  g_autoptr(GString) oversized = g_string_new ("IDW1:");
  g_autofree guint8 *zeros = g_malloc0 (4 * 1024 * 1024);
  g_autoptr(GBytes) zero_bytes = g_bytes_new_static (zeros, 4 * 1024 * 1024);
  g_autofree char *bomb = idw_transport_wrap (IDW_PREFIX_PRESENTATION, zero_bytes);
  g_autoptr(GByteArray) deep = g_byte_array_new ();
  g_autoptr(GBytes) deep_bytes = NULL;
  g_autofree char *deep_text = NULL;
  g_autoptr(GBytes) not_envelope = g_bytes_new_static ("\x83\x01\x02\x03", 4);
  g_autofree char *array_text = idw_transport_wrap (IDW_PREFIX_PRESENTATION, not_envelope);

  assert_decode_failure (f->verifier, truncated,
                         "The compressed data is incomplete");
  assert_decode_failure (f->verifier, cut_tail,
                         "The compressed data is incomplete");
  assert_decode_failure (f->verifier, "",
                         "This text is not an ID Wallet presentation: it does not start with “IDW1:”.");
  assert_decode_failure (f->verifier, "IDWR1:ABCD",
                         "this is a request for an ID (“IDWR1:”), not an ID");
  assert_decode_failure (f->verifier, "hello",
                         "This text is not an ID Wallet presentation: it does not start with “IDW1:”.");
  assert_decode_failure (f->verifier, "IDW1:!!!!",
                         "Invalid Base45 text: character “!” at position 1 is not in the Base45 alphabet.");

  while (oversized->len <= IDW_MAX_TEXT_LENGTH + 10)
    g_string_append (oversized, "ABCDEFGHIJ");
  assert_decode_failure (f->verifier, oversized->str,
                         "The text is too long: more than 65536 characters.");

  /* 4 MiB of zeros deflate to a few kB: the inflater stops at its limit. */
  g_assert_cmpuint (strlen (bomb), <, IDW_MAX_TEXT_LENGTH);
  assert_decode_failure (f->verifier, bomb,
                         "The compressed data expands to more than 262144 bytes, the most that is accepted.");

  /* 100 nested arrays. */
  for (guint i = 0; i < 100; i++)
    g_byte_array_append (deep, (const guint8 *) "\x81", 1);
  g_byte_array_append (deep, (const guint8 *) "\x00", 1);
  deep_bytes = g_bytes_new (deep->data, deep->len);
  deep_text = idw_transport_wrap (IDW_PREFIX_PRESENTATION, deep_bytes);
  assert_decode_failure (f->verifier, deep_text,
                         "CBOR: nesting deeper than 16 levels");

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
  test_assert_checks (v1, "fnnnnnnn");
  test_assert_detail (v1, IDW_CHECK_DECODE,
                      "The presentation cannot be read: DeviceResponse: CBOR: declared length 1 at byte 0 exceeds the remaining 1 bytes");
  v2 = idw_verifier_verify_response (f->verifier, empty_response, transcript);
  test_assert_checks (v2, "fnnnnnnn");
  test_assert_detail (v2, IDW_CHECK_DECODE,
                      "The presentation cannot be read: the response holds no document (status 10)");
  v3 = idw_verifier_verify_response (f->verifier, empty_response, bad_transcript);
  test_assert_checks (v3, "fnnnnnnn");
  test_assert_detail (v3, IDW_CHECK_DECODE,
                      "The presentation cannot be read: SessionTranscript: CBOR: ");

  /* An image without a QR code. */
  {
    static const guint8 png_magic[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0 };
    g_autoptr(GBytes) fake_png = g_bytes_new_static (png_magic, sizeof png_magic);

    v4 = idw_verifier_verify_data (f->verifier, fake_png, NULL);
    test_assert_checks (v4, "fnnnnnnn");
    test_assert_detail (v4, IDW_CHECK_DECODE,
                        "The presentation cannot be read: The PNG image is damaged or incomplete.");
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
  test_assert_valid (verdict);
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
  test_assert_valid (v1);
  v2 = idw_verifier_verify_text (f->verifier, text);
  test_assert_valid (v2);
  g_assert_cmpstr (idw_verdict_get_detail (v1, IDW_CHECK_ISSUER_TRUSTED), ==,
                   idw_verdict_get_detail (v2, IDW_CHECK_ISSUER_TRUSTED));

  /* Four years on the DS certificate (3 years) has expired. */
  idw_verifier_set_time (f->verifier, ds_expired);
  v3 = idw_verifier_verify_text (f->verifier, later_text);
  /* The credential ends with its DS certificate. */
  test_assert_checks (v3, "ppfpfppp");
  test_assert_detail (v3, IDW_CHECK_ISSUER_TRUSTED,
                      "The document signer certificate “CN=Utopia DS,");
  test_assert_detail (v3, IDW_CHECK_ISSUER_TRUSTED, "” expired on ");
  test_assert_detail (v3, IDW_CHECK_VALIDITY, "The credential expired on ");
  idw_verifier_set_time (f->verifier, NULL);

  /* Other anchors: not trusted any more, however often it passed before. */
  idw_verifier_clear_trust_anchors (f->verifier);
  idw_verifier_add_trust_anchor (f->verifier, stranger->iaca);
  v4 = idw_verifier_verify_text (f->verifier, text);
  test_assert_failure (v4, IDW_CHECK_ISSUER_TRUSTED, UNTRUSTED_UTOPIA);
  idw_verifier_clear_trust_anchors (f->verifier);
  v5 = idw_verifier_verify_text (f->verifier, text);
  test_assert_failure (v5, IDW_CHECK_ISSUER_TRUSTED,
                       "Issuer not trusted: no trusted issuers are configured.");
  idw_verifier_add_trust_anchor (f->verifier, f->issuer->iaca);
  v6 = idw_verifier_verify_text (f->verifier, text);
  test_assert_valid (v6);
}

/* ---- Regressions the checks must catch ---------------------------------------- */

#define NAMESPACE_AAMVA "org.iso.18013.5.1.aamva"

/* The items of @credential named by the paths "ns/element". */
static IdwIssuerSigned *
select_paths (IdwCredential *credential,
              const char    *first,
              ...)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  IdwIssuerSigned *is;
  va_list args;

  va_start (args, first);
  for (const char *p = first; p != NULL; p = va_arg (args, const char *))
    g_ptr_array_add (paths, (gpointer) p);
  va_end (args);
  g_ptr_array_add (paths, NULL);
  is = idw_issuer_signed_select (idw_credential_get_issuer_signed (credential),
                                 (const char * const *) paths->pdata, &error);
  g_assert_no_error (error);
  return is;
}

/* Replaces @element of @name_space in @is by an item with @digest_id and
 * @value (NULL: the item's own), keeping its random. Other presentations
 * sharing the item keep the original. */
static void
replace_item (IdwIssuerSigned *is,
              const char      *name_space,
              const char      *element,
              guint64          digest_id,
              cbor_item_t     *value)
{
  IdwIssuerNameSpace *ns = idw_issuer_signed_get_name_space (is, name_space);

  g_assert_nonnull (ns);
  for (guint i = 0; i < ns->items->len; i++)
    {
      IdwIssuerSignedItem *orig = g_ptr_array_index (ns->items, i);

      if (!g_str_equal (orig->element_identifier, element))
        continue;
      g_ptr_array_index (ns->items, i) =
        idw_issuer_signed_item_new (digest_id, orig->random, orig->element_identifier,
                                    value != NULL ? value : orig->element_value);
      idw_issuer_signed_item_unref (orig);
      return;
    }
  g_error ("no %s/%s", name_space, element);
}

static guint64
digest_id_of (IdwIssuerSigned *is,
              const char      *name_space,
              const char      *element)
{
  IdwIssuerSignedItem *item = idw_issuer_signed_lookup (is, name_space, element);

  g_assert_nonnull (item);
  return item->digest_id;
}

/* A credential holding the mDL namespace and AAMVA's. */
static IdwCredential *
issue_two_namespaces (Fixture *f)
{
  g_autoptr(JsonObject) person = test_person ();
  JsonObject *aamva = json_object_new ();
  IdwIssueOptions options = { .doctype = IDW_DOCTYPE_MDL };
  g_autoptr(GError) error = NULL;
  IdwCredential *credential;

  json_object_set_string_member (aamva, "DHS_compliance", "F");
  json_object_set_int_member (aamva, "organ_donor", 1);
  json_object_set_int_member (aamva, "veteran", 1);
  json_object_set_object_member (person, NAMESPACE_AAMVA, aamva);
  credential = idw_issue_credential (person, NULL, f->device_key, f->issuer->ds_key, f->issuer->ds,
                                     &options, &error);
  g_assert_no_error (error);
  return credential;
}

/* Every namespace is checked, with its own digest IDs. */
static void
test_two_namespaces (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(IdwCredential) c = issue_two_namespaces (f);
  IdwIssuerSigned *all = idw_credential_get_issuer_signed (c);
  IdwIssuerNameSpace *mdl = idw_issuer_signed_get_name_space (all, IDW_NAMESPACE_MDL);
  IdwIssuerNameSpace *aamva = idw_issuer_signed_get_name_space (all, NAMESPACE_AAMVA);
  guint count = idw_issuer_signed_count_items (all);
  g_autofree char *words = g_strdup_printf ("All %u disclosed elements", count);
  g_autoptr(IdwVerdict) verdict = verify_is (f, all);
  GPtrArray *disclosed = idw_verdict_get_disclosed (verdict);
  IdwDisclosedElement *last;
  gboolean shared_id = FALSE;

  /* Digest IDs are per namespace: with every element of both, some ID
   * is in both, and that is no duplicate. */
  for (guint i = 0; i < mdl->items->len; i++)
    for (guint j = 0; j < aamva->items->len; j++)
      if (((IdwIssuerSignedItem *) g_ptr_array_index (mdl->items, i))->digest_id
          == ((IdwIssuerSignedItem *) g_ptr_array_index (aamva->items, j))->digest_id)
        shared_id = TRUE;
  g_assert_true (shared_id);

  test_assert_valid (verdict);
  test_assert_detail (verdict, IDW_CHECK_DIGESTS, words);
  g_assert_cmpuint (disclosed->len, ==, count);
  last = g_ptr_array_index (disclosed, disclosed->len - 1);
  g_assert_cmpstr (last->name_space, ==, NAMESPACE_AAMVA);
}

/* A value changed in the second namespace is caught as well as in the
 * first. */
static void
test_tampered_second_namespace (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(IdwCredential) c = issue_two_namespaces (f);
  g_autoptr(IdwIssuerSigned) is = select_paths (c, IDW_NAMESPACE_MDL "/family_name",
                                                NAMESPACE_AAMVA "/organ_donor",
                                                NAMESPACE_AAMVA "/veteran", NULL);
  g_autoptr(cbor_item_t) zero = idw_cbor_new_int (0);
  g_autoptr(IdwVerdict) verdict = NULL;
  GPtrArray *disclosed;

  /* The altered namespace is not the first one presented. */
  g_assert_cmpuint (is->name_spaces->len, ==, 2);
  replace_item (is, NAMESPACE_AAMVA, "veteran", digest_id_of (is, NAMESPACE_AAMVA, "veteran"),
                zero);
  verdict = verify_is (f, is);
  disclosed = idw_verdict_get_disclosed (verdict);
  g_assert_cmpstr (((IdwDisclosedElement *) g_ptr_array_index (disclosed, 0))->name_space, ==,
                   IDW_NAMESPACE_MDL);
  test_assert_failure (verdict, IDW_CHECK_DIGESTS,
                       "The value of " NAMESPACE_AAMVA "/veteran is not the one the issuer signed.");
}

/* A digest ID is looked up in the item's own namespace: one that only
 * the other namespace has is no digest. */
static void
test_digest_id_of_other_namespace (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(IdwCredential) c = issue_two_namespaces (f);
  g_autoptr(IdwIssuerSigned) is = select_paths (c, IDW_NAMESPACE_MDL "/family_name",
                                                NAMESPACE_AAMVA "/veteran", NULL);
  IdwMso *mso = idw_credential_get_mso (c);
  g_autofree char *words = NULL;
  g_autoptr(IdwVerdict) verdict = NULL;
  guint64 id;

  /* IDs count from 0 in each namespace: the mDL has more of them. */
  g_assert_cmpuint (idw_mso_count_digests (mso, NAMESPACE_AAMVA), ==, 3);
  g_assert_cmpuint (idw_mso_count_digests (mso, IDW_NAMESPACE_MDL), >, 10);
  id = 10;
  g_assert_nonnull (idw_mso_lookup_digest (mso, IDW_NAMESPACE_MDL, id));
  g_assert_null (idw_mso_lookup_digest (mso, NAMESPACE_AAMVA, id));

  replace_item (is, NAMESPACE_AAMVA, "veteran", id, NULL);
  verdict = verify_is (f, is);
  words = g_strdup_printf ("The issuer signed no digest for " NAMESPACE_AAMVA "/veteran (digest ID %"
                           G_GUINT64_FORMAT ").", id);
  test_assert_failure (verdict, IDW_CHECK_DIGESTS, words);
}

/* Two elements claiming one digest ID: the second is refused for that,
 * before any digest is compared. */
static void
test_duplicate_digest_id (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", "given_name", NULL);
  guint64 id = digest_id_of (is, IDW_NAMESPACE_MDL, "family_name");
  g_autofree char *words = g_strdup_printf ("Two disclosed elements in " IDW_NAMESPACE_MDL
                                            " use the digest ID %" G_GUINT64_FORMAT ".", id);
  g_autoptr(IdwVerdict) verdict = NULL;

  replace_item (is, IDW_NAMESPACE_MDL, "given_name", id, NULL);
  verdict = verify_is (f, is);
  test_assert_failure (verdict, IDW_CHECK_DIGESTS, words);
}

/* Unix seconds as a UTC date-time. */
static GDateTime *
unix_date (gint64 t)
{
  GDateTime *dt = g_date_time_new_from_unix_utc (t);

  g_assert_nonnull (dt);
  return dt;
}

/* Verifies a presentation of @is made at @at, with the verifier's clock
 * at @at too (so that freshness passes). */
static IdwVerdict *
verify_is_at (Fixture         *f,
              IdwIssuerSigned *is,
              gint64           at)
{
  g_autoptr(GDateTime) now = unix_date (at);
  g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key, at, NULL);

  idw_verifier_set_time (f->verifier, now);
  return idw_verifier_verify_text (f->verifier, text);
}

/* validFrom ≤ now ≤ validUntil, to the second. (validFrom before signed
 * is its own failure: test_signed_after_valid_from().) */
static void
test_validity_boundaries (Fixture       *f,
                          gconstpointer  data)
{
  gint64 now = now_unix ();
  gint64 signed_at = now + 600, valid_from = now + 3600, valid_until = now + 7200;
  g_autoptr(GDateTime) signed_dt = unix_date (signed_at);
  g_autoptr(GDateTime) from_dt = unix_date (valid_from);
  g_autoptr(GDateTime) until_dt = unix_date (valid_until);
  IdwIssueOptions options = {
    .signed_at = signed_dt, .valid_from = from_dt, .valid_until = until_dt
  };
  g_autoptr(IdwCredential) c = test_issue (f->issuer, f->device_key, &options);
  g_autoptr(IdwIssuerSigned) is = select_items (c, "family_name", NULL);
  struct { IdwIssuerSigned *is; gint64 at; const char *words; } cases[] = {
    { is, valid_from - 1, "The credential is not valid yet" },
    { is, valid_from, NULL },
    { is, valid_from + 1, NULL },
    { is, valid_until - 1, NULL },
    { is, valid_until, NULL },
    { is, valid_until + 1, "The credential expired on" },
    /* Signed in the future of the clock: not valid yet, as validFrom
     * cannot come before signed. */
    { is, signed_at - 1, "The credential is not valid yet" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(IdwVerdict) verdict = verify_is_at (f, cases[i].is, cases[i].at);

      g_test_message ("case %u", i);
      if (cases[i].words == NULL)
        test_assert_valid (verdict);
      else
        test_assert_failure (verdict, IDW_CHECK_VALIDITY, cases[i].words);
    }
}

/* presentedAt within ±window of the clock, to the second. */
static void
test_freshness_boundaries (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  gint64 now = now_unix ();
  g_autoptr(GDateTime) clock = unix_date (now);
  struct { gint64 offset; const char *words; } cases[] = {
    { -91, "The presentation is stale: it was made 91 seconds ago (at most 90 allowed)." },
    { -90, "Made 90 seconds ago." },
    { 90, "Made 0 seconds ago." },
    { 91, "The presentation claims to be made 91 seconds in the future (at most 90 allowed)." },
  };

  idw_verifier_set_time (f->verifier, clock);
  g_assert_cmpuint (idw_verifier_get_freshness_window (f->verifier), ==, 90);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key,
                                         now + cases[i].offset, NULL);
      g_autoptr(IdwVerdict) verdict = idw_verifier_verify_text (f->verifier, text);

      g_test_message ("offset %" G_GINT64_FORMAT, cases[i].offset);
      if (g_str_has_prefix (cases[i].words, "Made"))
        test_assert_valid (verdict);
      else
        test_assert_failure (verdict, IDW_CHECK_FRESHNESS, cases[i].words);
      g_assert_cmpstr (idw_verdict_get_detail (verdict, IDW_CHECK_FRESHNESS), ==, cases[i].words);
    }
}

/* The DS certificate must be valid when the MSO was signed, not only
 * now: one signed before the certificate's start is not trusted. */
static void
test_signed_before_ds_certificate (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) not_before = g_date_time_add_days (now, -10);
  g_autoptr(GDateTime) signed_at = g_date_time_add_days (now, -20);
  g_autoptr(TestIssuer) issuer = test_issuer_new_at ("Young Utopia", not_before);
  IdwIssueOptions options = { .signed_at = signed_at };
  g_autoptr(IdwCredential) c = test_issue (issuer, f->device_key, &options);
  g_autoptr(IdwIssuerSigned) is = select_items (c, "family_name", NULL);
  g_autoptr(IdwVerdict) verdict = NULL;

  idw_verifier_add_trust_anchor (f->verifier, issuer->iaca);
  verdict = verify_is (f, is);
  test_assert_failure (verdict, IDW_CHECK_ISSUER_TRUSTED, "The document was signed on ");
  test_assert_detail (verdict, IDW_CHECK_ISSUER_TRUSTED, ", before the document signer certificate");
  g_assert_true (idw_verdict_is_untrusted_only (verdict));

  /* The same issuer's credential signed within its validity is trusted. */
  {
    g_autoptr(IdwCredential) good = test_issue (issuer, f->device_key, NULL);
    g_autoptr(IdwIssuerSigned) good_is = select_items (good, "family_name", NULL);
    g_autoptr(IdwVerdict) again = verify_is (f, good_is);

    test_assert_valid (again);
  }
}

/* An EdDSA signature is exactly 64 bytes: a valid issuer signature with a
 * byte added, or one short, is refused. */
static void
test_issuer_signature_length (Fixture       *f,
                              gconstpointer  data)
{
  static const int resizes[] = { 1, 2, -1, -64 };

  for (guint i = 0; i < G_N_ELEMENTS (resizes); i++)
    {
      g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
      /* A deep copy: the credential shares issuerAuth. */
      cbor_item_t *auth = cbor_copy (is->issuer_auth);
      g_autoptr(IdwVerdict) verdict = NULL;

      g_test_message ("signature resized by %d bytes", resizes[i]);
      test_cose_resize_tag (auth, resizes[i]);
      replace_issuer_auth (is, auth);
      verdict = verify_is (f, is);
      test_assert_failure (verdict, IDW_CHECK_ISSUER_SIGNATURE,
                           "The issuer’s signature does not verify: the signed data was altered or forged.");
    }
}

static void
resize_device_signature (cbor_item_t *envelope,
                         gssize       delta)
{
  cbor_item_t *document = first_document (envelope);

  test_cose_resize_tag (document_device_auth (document, "deviceSignature"), delta);
}

static void mut_device_signature_plus_one (cbor_item_t *e) { resize_device_signature (e, 1); }
static void mut_device_signature_minus_one (cbor_item_t *e) { resize_device_signature (e, -1); }
static void mut_device_signature_empty (cbor_item_t *e) { resize_device_signature (e, -64); }

/* The same for the holder's EdDSA device signature. */
static void
test_device_signature_length (Fixture       *f,
                              gconstpointer  data)
{
  static const Mutation mutations[] = {
    mut_device_signature_plus_one, mut_device_signature_minus_one, mut_device_signature_empty,
  };
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
  g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (mutations); i++)
    {
      g_autofree char *bad = mutate_text (text, mutations[i]);
      g_autoptr(IdwVerdict) verdict = idw_verifier_verify_text (f->verifier, bad);

      g_test_message ("case %u", i);
      test_assert_failure (verdict, IDW_CHECK_DEVICE_SIGNATURE,
                           DEVICE_SIGNATURE_DOES_NOT_VERIFY);
    }
}

/* A P-256 device key made with GnuTLS (the engine signs with Ed25519
 * only), for ES256 device signatures. */
typedef struct
{
  gnutls_privkey_t  priv;
  IdwKey           *key;
} P256Device;

static void
p256_device_free (P256Device *device)
{
  gnutls_privkey_deinit (device->priv);
  g_clear_pointer (&device->key, idw_key_unref);
  g_free (device);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (P256Device, p256_device_free)

/* @d as exactly @len bytes: GnuTLS may add a sign byte or drop zeros. */
static GBytes *
datum_fixed (const gnutls_datum_t *d,
             gsize                 len)
{
  guint8 *buf = g_malloc0 (len);
  const guint8 *p = d->data;
  gsize n = d->size;

  while (n > len && *p == 0)
    {
      p++;
      n--;
    }
  g_assert_cmpuint (n, <=, len);
  memcpy (buf + len - n, p, n);
  return g_bytes_new_take (buf, len);
}

static P256Device *
p256_device_new (void)
{
  P256Device *device = g_new0 (P256Device, 1);
  gnutls_ecc_curve_t curve;
  gnutls_datum_t x = { NULL, 0 }, y = { NULL, 0 };
  g_autoptr(GBytes) xb = NULL;
  g_autoptr(GBytes) yb = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (gnutls_privkey_init (&device->priv), ==, 0);
  g_assert_cmpint (gnutls_privkey_generate (device->priv, GNUTLS_PK_ECDSA,
                                            GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0),
                   ==, 0);
  g_assert_cmpint (gnutls_privkey_export_ecc_raw2 (device->priv, &curve, &x, &y, NULL, 0), ==, 0);
  xb = datum_fixed (&x, 32);
  yb = datum_fixed (&y, 32);
  gnutls_free (x.data);
  gnutls_free (y.data);
  device->key = idw_key_new_ec_public (IDW_CURVE_P256, g_bytes_get_data (xb, NULL), 32,
                                       g_bytes_get_data (yb, NULL), 32, &error);
  g_assert_no_error (error);
  return device;
}

/* DeviceSigned with an ES256 deviceSignature (detached) over the QR
 * transcript of @presented_at, its signature resized by @delta bytes. */
static IdwDeviceSigned *
p256_device_signed (P256Device *device,
                    const char *doctype,
                    gint64      presented_at,
                    gssize      delta)
{
  IdwDeviceSigned *ds = g_new0 (IdwDeviceSigned, 1);
  g_autoptr(GBytes) transcript = idw_qr_session_transcript_new (presented_at, NULL);
  g_autoptr(GBytes) auth = NULL;
  g_autoptr(cbor_item_t) protected_map = idw_cbor_new_map ();
  g_autoptr(GBytes) protected_bytes = NULL;
  g_autoptr(cbor_item_t) tbs_item = idw_cbor_new_array ();
  g_autoptr(GBytes) tbs = NULL;
  g_autoptr(GBytes) r_bytes = NULL;
  g_autoptr(GBytes) s_bytes = NULL;
  g_autoptr(GByteArray) raw = g_byte_array_new ();
  gnutls_datum_t in, der = { NULL, 0 }, r = { NULL, 0 }, s = { NULL, 0 };
  cbor_item_t *sign1;

  ds->name_spaces = idw_cbor_new_map ();
  ds->name_spaces_bytes = idw_cbor_encode (ds->name_spaces);
  auth = idw_device_authentication_bytes (transcript, doctype, ds->name_spaces_bytes);

  idw_cbor_map_add_int (protected_map, IDW_COSE_HEADER_ALG, idw_cbor_new_int (IDW_COSE_ALG_ES256));
  protected_bytes = idw_cbor_encode (protected_map);
  idw_cbor_array_add (tbs_item, idw_cbor_new_string ("Signature1"));
  idw_cbor_array_add (tbs_item, idw_cbor_new_gbytes (protected_bytes));
  idw_cbor_array_add (tbs_item, idw_cbor_new_bytes (NULL, 0));
  idw_cbor_array_add (tbs_item, idw_cbor_new_gbytes (auth));
  tbs = idw_cbor_encode (tbs_item);

  in.data = (unsigned char *) g_bytes_get_data (tbs, NULL);
  in.size = (unsigned int) g_bytes_get_size (tbs);
  g_assert_cmpint (gnutls_privkey_sign_data (device->priv, GNUTLS_DIG_SHA256, 0, &in, &der), ==, 0);
  g_assert_cmpint (gnutls_decode_rs_value (&der, &r, &s), ==, 0);
  r_bytes = datum_fixed (&r, 32);
  s_bytes = datum_fixed (&s, 32);
  gnutls_free (der.data);
  gnutls_free (r.data);
  gnutls_free (s.data);
  g_byte_array_append (raw, g_bytes_get_data (r_bytes, NULL), 32);
  g_byte_array_append (raw, g_bytes_get_data (s_bytes, NULL), 32);

  sign1 = idw_cbor_new_array ();
  idw_cbor_array_add (sign1, idw_cbor_new_gbytes (protected_bytes));
  idw_cbor_array_add (sign1, idw_cbor_new_map ());
  idw_cbor_array_add (sign1, idw_cbor_new_null ());
  idw_cbor_array_add (sign1, idw_cbor_new_bytes (raw->data, raw->len));
  if (delta != 0)
    test_cose_resize_tag (sign1, delta);
  ds->device_signature = sign1;
  return ds;
}

/* ES256 device signatures: a valid one passes; with a byte added, or one
 * short, it is refused. */
static void
test_es256_device_signature_length (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(P256Device) device = p256_device_new ();
  g_autoptr(IdwCredential) c = test_issue (f->issuer, device->key, NULL);
  g_autoptr(IdwIssuerSigned) is = select_items (c, "family_name", NULL);
  static const int resizes[] = { 0, 1, 2, -1, -32 };

  for (guint i = 0; i < G_N_ELEMENTS (resizes); i++)
    {
      gint64 at = now_unix ();
      IdwDeviceSigned *ds = p256_device_signed (device, IDW_DOCTYPE_MDL, at, resizes[i]);
      g_autofree char *text = make_text_with (is, IDW_DOCTYPE_MDL, ds, at, NULL);
      g_autoptr(IdwVerdict) verdict = idw_verifier_verify_text (f->verifier, text);

      g_test_message ("signature resized by %d bytes", resizes[i]);
      if (resizes[i] == 0)
        {
          test_assert_valid (verdict);
          continue;
        }
      test_assert_failure (verdict, IDW_CHECK_DEVICE_SIGNATURE,
                           DEVICE_SIGNATURE_DOES_NOT_VERIFY);
    }
}

/* Items are digested as received: an issuer's non-minimal CBOR (which
 * DESIGN §4 accepts) must not be normalised before hashing. */
static void
test_non_minimal_item (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = NULL;
  g_autoptr(cbor_item_t) mso = idw_mso_to_cbor (idw_credential_get_mso (f->credential));
  guint64 id = digest_id_of (idw_credential_get_issuer_signed (f->credential), IDW_NAMESPACE_MDL,
                             "family_name");
  g_autoptr(GByteArray) inner = g_byte_array_new ();
  g_autoptr(GBytes) inner_bytes = NULL;
  g_autoptr(cbor_item_t) bstr = NULL;
  g_autoptr(cbor_item_t) tagged = NULL;
  g_autoptr(IdwIssuerSignedItem) item = NULL;
  g_autoptr(GBytes) digest = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwVerdict) verdict = NULL;
  guint8 random[16];
  guint8 id_be[8];

  /* {"digestID": 1b <8 bytes>, "random": h'…', "elementIdentifier":
   * "family_name", "elementValue": 78 0a "Mustermann"}: an 8-byte uint and
   * a one-byte text length where neither is needed. */
  for (guint i = 0; i < 8; i++)
    id_be[i] = (guint8) (id >> (8 * (7 - i)));
  memset (random, 0x5a, sizeof random);
  g_byte_array_append (inner, (const guint8 *) "\xa4\x68" "digestID\x1b", 11);
  g_byte_array_append (inner, id_be, 8);
  g_byte_array_append (inner, (const guint8 *) "\x66" "random\x50", 8);
  g_byte_array_append (inner, random, sizeof random);
  g_byte_array_append (inner, (const guint8 *) "\x71" "elementIdentifier\x6b" "family_name", 30);
  g_byte_array_append (inner, (const guint8 *) "\x6c" "elementValue\x78\x0a" "Mustermann", 25);
  inner_bytes = g_bytes_new (inner->data, inner->len);
  bstr = idw_cbor_new_gbytes (inner_bytes);
  tagged = cbor_build_tag (IDW_CBOR_TAG_ENCODED_CBOR, bstr);
  item = idw_issuer_signed_item_parse (tagged, IDW_NAMESPACE_MDL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (item->digest_id, ==, id);
  g_assert_true (idw_cbor_string_equal (item->element_value, "Mustermann"));

  /* The issuer's digest: of `d8 18 58 <len> <inner as received>`. */
  {
    g_autoptr(GByteArray) whole = g_byte_array_new ();
    guint8 head[] = { 0xd8, 0x18, 0x58, (guint8) inner->len };
    g_autoptr(GBytes) expected = NULL;

    g_assert_cmpuint (inner->len, <, 256);
    g_byte_array_append (whole, head, sizeof head);
    g_byte_array_append (whole, inner->data, inner->len);
    expected = g_bytes_new (whole->data, whole->len);
    g_assert_true (g_bytes_equal (item->encoded, expected));
    digest = idw_mdoc_digest ("SHA-256", whole->data, whole->len, &error);
    g_assert_no_error (error);
  }
  {
    cbor_item_t *value_digests = idw_cbor_map_get (mso, "valueDigests");
    cbor_item_t *digests = idw_cbor_map_get (value_digests, IDW_NAMESPACE_MDL);
    struct cbor_pair *pairs = cbor_map_handle (digests);
    gboolean found = FALSE;

    for (gsize i = 0; i < cbor_map_size (digests); i++)
      {
        guint64 key;

        if (idw_cbor_get_uint (pairs[i].key, &key) && key == id)
          {
            cbor_decref (&pairs[i].value);
            pairs[i].value = idw_cbor_new_gbytes (digest);
            found = TRUE;
          }
      }
    g_assert_true (found);
  }

  is = idw_issuer_signed_new (NULL);
  is->issuer_auth = sign_mso_item (f->issuer, mso);
  idw_issuer_signed_add_item (is, IDW_NAMESPACE_MDL, item);
  verdict = verify_is (f, is);
  test_assert_valid (verdict);
  test_assert_detail (verdict, IDW_CHECK_DIGESTS,
                      "The 1 disclosed element is the one the issuer signed.");
  g_assert_true (idw_cbor_string_equal (idw_verdict_lookup (verdict, IDW_NAMESPACE_MDL, "family_name"),
                                        "Mustermann"));
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

/* ---- The pipeline: raw responses with their transcripts -------------------- */

/* @text's envelope taken apart as an attacker (or an honest relying party)
 * would: the DeviceResponse and the QR transcript it was signed over. */
static void
split_text (const char  *text,
            GBytes     **out_response,
            GBytes     **out_transcript)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwEnvelope) envelope = idw_envelope_parse_text (text, &error);

  g_assert_no_error (error);
  *out_response = idw_cbor_encode (envelope->response);
  *out_transcript = idw_envelope_get_session_transcript (envelope);
}

static void
test_raw_qr_handover_freshness (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "age_over_18", NULL);
  g_autofree char *fresh = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), NULL);
  g_autofree char *old = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix () - 3 * 3600, NULL);
  g_autofree char *ahead = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix () + 3600, NULL);
  g_autoptr(GBytes) response = NULL, transcript = NULL;
  g_autoptr(IdwVerdict) v1 = NULL, v2 = NULL, v3 = NULL, v4 = NULL;

  /* Fresh: the raw form passes like the text, freshness included. */
  split_text (fresh, &response, &transcript);
  v1 = idw_verifier_verify_response (f->verifier, response, transcript);
  test_assert_only_failures (v1, -1);
  g_assert_cmpint (idw_verdict_get_status (v1, IDW_CHECK_FRESHNESS), ==, IDW_CHECK_STATUS_PASSED);
  g_assert_cmpint (idw_verdict_get_handover (v1), ==, IDW_HANDOVER_IDWALLET_QR);
  g_assert_nonnull (idw_verdict_get_presented_at (v1));

  /* Hours old: the same window as the text form, whether the transcript
   * comes plain or wrapped as SessionTranscriptBytes. */
  g_clear_pointer (&response, g_bytes_unref);
  g_clear_pointer (&transcript, g_bytes_unref);
  split_text (old, &response, &transcript);
  v2 = idw_verifier_verify_response (f->verifier, response, transcript);
  test_assert_only_failures (v2, IDW_CHECK_FRESHNESS, -1);
  g_assert_nonnull (strstr (idw_verdict_get_detail (v2, IDW_CHECK_FRESHNESS), "stale"));
  {
    g_autoptr(GBytes) wrapped = idw_cbor_wrap_tag24 (transcript);

    v3 = idw_verifier_verify_response (f->verifier, response, wrapped);
    test_assert_only_failures (v3, IDW_CHECK_FRESHNESS, -1);
    g_assert_nonnull (strstr (idw_verdict_get_detail (v3, IDW_CHECK_FRESHNESS), "stale"));
  }

  g_clear_pointer (&response, g_bytes_unref);
  g_clear_pointer (&transcript, g_bytes_unref);
  split_text (ahead, &response, &transcript);
  v4 = idw_verifier_verify_response (f->verifier, response, transcript);
  test_assert_only_failures (v4, IDW_CHECK_FRESHNESS, -1);
  g_assert_nonnull (strstr (idw_verdict_get_detail (v4, IDW_CHECK_FRESHNESS), "future"));
}

/* A reply accepted once (as text) and replayed hours later as a raw
 * response with its rebuilt transcript: the nonce is used. */
static void
test_raw_qr_handover_replay (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "age_over_18", NULL);
  g_autoptr(GBytes) nonce = g_bytes_new ("issued-nonce-123", 16);
  g_autoptr(GBytes) foreign = g_bytes_new ("foreign-nonce-45", 16);
  g_autoptr(GHashTable) issued = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                        (GDestroyNotify) g_bytes_unref, NULL);
  g_autofree char *reply = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), nonce);
  g_autofree char *other = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), foreign);
  g_autoptr(GBytes) response = NULL, transcript = NULL;
  g_autoptr(GBytes) other_response = NULL, other_transcript = NULL;
  g_autoptr(IdwVerdict) first = NULL, replay = NULL, later = NULL, unknown = NULL;
  g_autoptr(GDateTime) hours_later = g_date_time_new_from_unix_utc (now_unix () + 5 * 3600);

  g_hash_table_insert (issued, g_bytes_ref (nonce), GINT_TO_POINTER (FALSE));
  idw_verifier_set_nonce_func (f->verifier, nonce_func, g_hash_table_ref (issued),
                               (GDestroyNotify) g_hash_table_unref);

  first = idw_verifier_verify_text (f->verifier, reply);
  test_assert_only_failures (first, -1);
  g_assert_true (g_bytes_equal (idw_verdict_get_nonce (first), nonce));
  g_assert_true (GPOINTER_TO_INT (g_hash_table_lookup (issued, nonce)));

  split_text (reply, &response, &transcript);
  replay = idw_verifier_verify_response (f->verifier, response, transcript);
  test_assert_only_failures (replay, IDW_CHECK_FRESHNESS, -1);
  g_assert_nonnull (strstr (idw_verdict_get_detail (replay, IDW_CHECK_FRESHNESS), "already used"));
  g_assert_cmpint (idw_verdict_get_nonce_state (replay), ==, IDW_NONCE_USED);

  idw_verifier_set_time (f->verifier, hours_later);
  later = idw_verifier_verify_response (f->verifier, response, transcript);
  test_assert_only_failures (later, IDW_CHECK_FRESHNESS, -1);
  g_assert_false (idw_verdict_is_valid (later));

  /* A nonce this verifier never issued, in the raw form. */
  idw_verifier_set_time (f->verifier, NULL);
  split_text (other, &other_response, &other_transcript);
  unknown = idw_verifier_verify_response (f->verifier, other_response, other_transcript);
  test_assert_only_failures (unknown, IDW_CHECK_FRESHNESS, -1);
  g_assert_nonnull (strstr (idw_verdict_get_detail (unknown, IDW_CHECK_FRESHNESS), "unknown nonce"));
}

/* A transcript that names our handover but is not well formed is refused,
 * so that it cannot pass for another kind, whose freshness is not ours to
 * check. */
static void
test_raw_qr_handover_malformed (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "age_over_18", NULL);
  g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), NULL);
  g_autoptr(GBytes) response = NULL, transcript = NULL, bad_bytes = NULL;
  g_autoptr(cbor_item_t) bad = idw_cbor_new_array ();
  cbor_item_t *handover = idw_cbor_new_array ();
  g_autoptr(IdwVerdict) verdict = NULL;

  split_text (text, &response, &transcript);
  idw_cbor_array_add (handover, idw_cbor_new_string (IDW_QR_HANDOVER_NAME));
  idw_cbor_array_add (handover, idw_cbor_new_string ("yesterday"));
  idw_cbor_array_add (handover, idw_cbor_new_null ());
  idw_cbor_array_add (bad, idw_cbor_new_null ());
  idw_cbor_array_add (bad, idw_cbor_new_null ());
  idw_cbor_array_add (bad, handover);
  bad_bytes = idw_cbor_encode (bad);

  verdict = idw_verifier_verify_response (f->verifier, response, bad_bytes);
  test_assert_only_failures (verdict, IDW_CHECK_DECODE, -1);
  g_assert_nonnull (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_DECODE), "presentedAt"));
  g_assert_error ((GError *) idw_verdict_get_decode_error (verdict), IDW_ERROR, IDW_ERROR_WRONG_TYPE);
}

/* Transcripts of sessions the caller ran: named, and vouched for by the
 * caller; without any transcript, nothing can be said. */
static void
test_raw_other_handover (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "age_over_18", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(cbor_item_t) transcript = idw_cbor_new_array ();
  cbor_item_t *handover = idw_cbor_new_array ();
  g_autoptr(GBytes) transcript_bytes = NULL;
  g_autoptr(IdwDeviceResponse) response = idw_device_response_new ();
  g_autoptr(cbor_item_t) is_item = idw_issuer_signed_to_cbor (is);
  g_autoptr(cbor_item_t) response_item = NULL;
  g_autoptr(GBytes) response_bytes = NULL;
  g_autoptr(IdwVerdict) verdict = NULL, without = NULL, expecting = NULL;
  g_autoptr(GBytes) nonce = g_bytes_new ("issued-nonce-123", 16);
  IdwIssuerSigned *copy;
  IdwDeviceSigned *ds;
  guint8 hash[32] = { 1, 2, 3 };

  idw_cbor_array_add (handover, idw_cbor_new_string ("OpenID4VPDCAPIHandover"));
  idw_cbor_array_add (handover, idw_cbor_new_bytes (hash, sizeof hash));
  idw_cbor_array_add (transcript, idw_cbor_new_null ());
  idw_cbor_array_add (transcript, idw_cbor_new_null ());
  idw_cbor_array_add (transcript, handover);
  transcript_bytes = idw_cbor_encode (transcript);

  copy = idw_issuer_signed_parse (is_item, IDW_MDOC_PARSE_KEEP_DUPLICATES, &error);
  g_assert_no_error (error);
  ds = idw_device_signed_new_signature (f->device_key, transcript_bytes, IDW_DOCTYPE_MDL, &error);
  g_assert_no_error (error);
  idw_device_response_add_document (response, idw_document_new (IDW_DOCTYPE_MDL, copy, ds));
  response_item = idw_device_response_to_cbor (response);
  response_bytes = idw_cbor_encode (response_item);

  verdict = idw_verifier_verify_response (f->verifier, response_bytes, transcript_bytes);
  test_assert_only_failures (verdict, -1);
  g_assert_true (idw_verdict_is_valid (verdict));
  g_assert_cmpint (idw_verdict_get_handover (verdict), ==, IDW_HANDOVER_DC_API);
  g_assert_cmpint (idw_verdict_get_status (verdict, IDW_CHECK_FRESHNESS), ==, IDW_CHECK_STATUS_NOT_APPLICABLE);
  g_assert_nonnull (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_FRESHNESS), "Digital Credentials API"));
  g_assert_nonnull (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_FRESHNESS), "vouches"));
  g_assert_null (idw_verdict_get_presented_at (verdict));

  without = idw_verifier_verify_response (f->verifier, response_bytes, NULL);
  test_assert_only_failures (without, IDW_CHECK_DEVICE_SIGNATURE, -1);
  g_assert_cmpint (idw_verdict_get_status (without, IDW_CHECK_FRESHNESS), ==, IDW_CHECK_STATUS_NOT_APPLICABLE);
  g_assert_nonnull (strstr (idw_verdict_get_detail (without, IDW_CHECK_FRESHNESS), "no session transcript"));
  g_assert_false (idw_verdict_is_valid (without));

  /* A check that expects a nonce cannot be satisfied by a transcript it
   * cannot read one from. */
  idw_verifier_set_expected_nonce (f->verifier, nonce);
  expecting = idw_verifier_verify_response (f->verifier, response_bytes, transcript_bytes);
  test_assert_only_failures (expecting, IDW_CHECK_FRESHNESS, -1);
  g_assert_nonnull (strstr (idw_verdict_get_detail (expecting, IDW_CHECK_FRESHNESS), "A nonce is expected"));
}

/* A verifier's nonce store does not turn away in-person codes: a
 * presentation without a nonce is judged by its time alone. */
static void
test_nonce_store_accepts_in_person (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "age_over_18", NULL);
  g_autoptr(GHashTable) issued = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                        (GDestroyNotify) g_bytes_unref, NULL);
  g_autofree char *text = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now_unix (), NULL);
  g_autoptr(IdwVerdict) verdict = NULL;

  idw_verifier_set_nonce_func (f->verifier, nonce_func, g_hash_table_ref (issued),
                               (GDestroyNotify) g_hash_table_unref);
  verdict = idw_verifier_verify_text (f->verifier, text);
  test_assert_only_failures (verdict, -1);
  g_assert_null (idw_verdict_get_nonce (verdict));
}

/* A nonce alone proves nothing to a verifier that issued none: without a
 * nonce store or an expected nonce, the window applies. */
static void
test_nonce_without_store (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "age_over_18", NULL);
  g_autoptr(GBytes) nonce = g_bytes_new ("issued-nonce-123", 16);
  gint64 now = now_unix ();
  g_autoptr(GDateTime) clock = unix_date (now);
  g_autofree char *late = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now - 600, nonce);
  g_autofree char *fresh = make_text (is, IDW_DOCTYPE_MDL, f->device_key, now, nonce);
  g_autoptr(IdwVerdict) stale = NULL;
  g_autoptr(IdwVerdict) ok = NULL;

  idw_verifier_set_time (f->verifier, clock);
  stale = idw_verifier_verify_text (f->verifier, late);
  ok = idw_verifier_verify_text (f->verifier, fresh);

  test_assert_failure (stale, IDW_CHECK_FRESHNESS, "The presentation is stale: it was made 600 seconds ago");
  test_assert_valid (ok);
  g_assert_nonnull (strstr (idw_verdict_get_detail (ok, IDW_CHECK_FRESHNESS), "Made "));
  g_assert_null (strstr (idw_verdict_get_detail (ok, IDW_CHECK_FRESHNESS), "request"));
}

/* What is not an ID is named, with the engine's code. */
static void
test_not_a_presentation (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(IdwRemoteRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *request_text = NULL;
  g_autoptr(IdwVerdict) as_request = NULL, garbage = NULL, nul = NULL;
  g_autoptr(GBytes) with_nul = g_bytes_new ("IDW1:AB\0CD", 10);

  request = idw_remote_request_new_preset (IDW_DOCTYPE_MDL, IDW_PRESET_AGE_OVER_18, "Test", &error);
  g_assert_no_error (error);
  request_text = idw_remote_request_to_text (request);

  as_request = idw_verifier_verify_text (f->verifier, request_text);
  test_assert_only_failures (as_request, IDW_CHECK_DECODE, -1);
  g_assert_cmpint (idw_verdict_get_input_kind (as_request), ==, IDW_INPUT_REQUEST);
  g_assert_error ((GError *) idw_verdict_get_decode_error (as_request), IDW_ERROR, IDW_ERROR_WRONG_PREFIX);
  g_assert_nonnull (strstr (idw_verdict_get_detail (as_request, IDW_CHECK_DECODE), "request for an ID"));

  garbage = idw_verifier_verify_text (f->verifier, "Hello, this is not an ID");
  test_assert_only_failures (garbage, IDW_CHECK_DECODE, -1);
  g_assert_cmpint (idw_verdict_get_input_kind (garbage), ==, IDW_INPUT_UNKNOWN);
  g_assert_error ((GError *) idw_verdict_get_decode_error (garbage), IDW_ERROR, IDW_ERROR_WRONG_PREFIX);

  nul = idw_verifier_verify_data (f->verifier, with_nul, NULL);
  test_assert_only_failures (nul, IDW_CHECK_DECODE, -1);
  g_assert_error ((GError *) idw_verdict_get_decode_error (nul), IDW_ERROR, IDW_ERROR_MALFORMED);
  g_assert_nonnull (strstr (idw_verdict_get_detail (nul, IDW_CHECK_DECODE), "NUL"));
}

/* RFC 9052 §3.1: a critical header parameter the verifier does not
 * understand makes the signature unusable, whatever it says. */
static void
test_issuer_auth_crit (Fixture       *f,
                       gconstpointer  data)
{
  static const struct { gint64 crit_label; gboolean ok; const char *words; } cases[] = {
    { IDW_COSE_HEADER_ALG, TRUE, NULL },
    { 99, FALSE, "not understood" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(IdwIssuerSigned) is = select_items (f->credential, "family_name", NULL);
      g_autoptr(cbor_item_t) protected_map = idw_cbor_new_map ();
      cbor_item_t *crit = idw_cbor_new_array ();
      g_autoptr(GBytes) protected_bytes = NULL;
      g_autoptr(GBytes) payload = NULL;
      g_autoptr(GByteArray) tbs = g_byte_array_new ();
      g_autoptr(GBytes) signature = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwVerdict) verdict = NULL;
      cbor_item_t *orig = is->issuer_auth;
      cbor_item_t *forged = idw_cbor_new_array ();
      gsize len;
      const guint8 *p;

      /* {1: -8, 2: [label], 99: 1}, signed for real by the issuer. */
      idw_cbor_map_add_int (protected_map, IDW_COSE_HEADER_ALG, idw_cbor_new_int (IDW_COSE_ALG_EDDSA));
      idw_cbor_array_add (crit, idw_cbor_new_int (cases[i].crit_label));
      idw_cbor_map_add_int (protected_map, IDW_COSE_HEADER_CRIT, crit);
      idw_cbor_map_add_int (protected_map, 99, idw_cbor_new_int (1));
      protected_bytes = idw_cbor_encode (protected_map);
      payload = idw_cbor_dup_bytes (cbor_array_handle (orig)[2]);

      idw_cbor_write_head (tbs, CBOR_TYPE_ARRAY, 4);
      idw_cbor_write_head (tbs, CBOR_TYPE_STRING, 10);
      g_byte_array_append (tbs, (const guint8 *) "Signature1", 10);
      p = g_bytes_get_data (protected_bytes, &len);
      idw_cbor_write_bytes (tbs, p, len);
      idw_cbor_write_bytes (tbs, NULL, 0);
      p = g_bytes_get_data (payload, &len);
      idw_cbor_write_bytes (tbs, p, len);
      signature = idw_key_sign (f->issuer->ds_key, tbs->data, tbs->len, &error);
      g_assert_no_error (error);

      idw_cbor_array_add (forged, idw_cbor_new_gbytes (protected_bytes));
      idw_cbor_array_add (forged, cbor_incref (cbor_array_handle (orig)[1]));
      idw_cbor_array_add (forged, idw_cbor_new_gbytes (payload));
      idw_cbor_array_add (forged, idw_cbor_new_gbytes (signature));
      replace_issuer_auth (is, forged);

      verdict = verify_is (f, is);
      if (cases[i].ok)
        test_assert_only_failures (verdict, -1);
      else
        {
          test_assert_only_failures (verdict, IDW_CHECK_ISSUER_SIGNATURE, -1);
          g_assert_nonnull (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_ISSUER_SIGNATURE), cases[i].words));
          g_assert_nonnull (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_ISSUER_SIGNATURE), "99"));
        }
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

#define FIXTURE(path, func) \
  g_test_add ("/verifier/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  FIXTURE ("valid", test_valid);
  FIXTURE ("raw-qr-handover-freshness", test_raw_qr_handover_freshness);
  FIXTURE ("raw-qr-handover-replay", test_raw_qr_handover_replay);
  FIXTURE ("raw-qr-handover-malformed", test_raw_qr_handover_malformed);
  FIXTURE ("raw-other-handover", test_raw_other_handover);
  FIXTURE ("nonce-store-accepts-in-person", test_nonce_store_accepts_in_person);
  FIXTURE ("nonce-without-store", test_nonce_without_store);
  FIXTURE ("not-a-presentation", test_not_a_presentation);
  FIXTURE ("issuer-auth-crit", test_issuer_auth_crit);
  FIXTURE ("tampered-value", test_tampered_value);
  FIXTURE ("tampered-mso-digest", test_tampered_mso_digest);
  FIXTURE ("wrong-digest-id", test_wrong_digest_id);
  FIXTURE ("duplicate-item", test_duplicate_item);
  FIXTURE ("wrong-device-key", test_wrong_device_key);
  FIXTURE ("signature-over-other-transcript", test_signature_over_other_transcript);
  FIXTURE ("validity", test_validity);
  FIXTURE ("signed-after-valid-from", test_signed_after_valid_from);
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
  FIXTURE ("two-namespaces", test_two_namespaces);
  FIXTURE ("tampered-second-namespace", test_tampered_second_namespace);
  FIXTURE ("digest-id-of-other-namespace", test_digest_id_of_other_namespace);
  FIXTURE ("duplicate-digest-id", test_duplicate_digest_id);
  FIXTURE ("validity-boundaries", test_validity_boundaries);
  FIXTURE ("freshness-boundaries", test_freshness_boundaries);
  FIXTURE ("signed-before-ds-certificate", test_signed_before_ds_certificate);
  FIXTURE ("issuer-signature-length", test_issuer_signature_length);
  FIXTURE ("device-signature-length", test_device_signature_length);
  FIXTURE ("es256-device-signature-length", test_es256_device_signature_length);
  FIXTURE ("non-minimal-item", test_non_minimal_item);
  g_test_add_func ("/verifier/check-names", test_check_names);

  return g_test_run ();
}
