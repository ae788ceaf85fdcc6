/* test-verifier-decode.c: the decode check
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Input of every form the verifier reads (text, raw CBOR, a picture of a
 * QR code), and what it cannot read: every structure with a field of the
 * wrong type, broken texts and bombs, what is no presentation at all.
 */
#include "config.h"

#include <glib/gstdio.h>

#include "verifier-test-util.h"

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
      test_assert_checks (verdict, "fnnnnnnnn");
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

  test_assert_checks (verdict, "fnnnnnnnn");
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
  test_assert_checks (v1, "fnnnnnnnn");
  test_assert_detail (v1, IDW_CHECK_DECODE,
                      "The presentation cannot be read: DeviceResponse: CBOR: declared length 1 at byte 0 exceeds the remaining 1 bytes");
  v2 = idw_verifier_verify_response (f->verifier, empty_response, transcript);
  test_assert_checks (v2, "fnnnnnnnn");
  test_assert_detail (v2, IDW_CHECK_DECODE,
                      "The presentation cannot be read: the response holds no document (status 10)");
  v3 = idw_verifier_verify_response (f->verifier, empty_response, bad_transcript);
  test_assert_checks (v3, "fnnnnnnnn");
  test_assert_detail (v3, IDW_CHECK_DECODE,
                      "The presentation cannot be read: SessionTranscript: CBOR: ");

  /* A transcript wrapped in tag 24 twice is not a transcript; the
   * message names it once. */
  {
    g_autoptr(GBytes) twice = g_bytes_new_static ("\xd8\x18\x47\xd8\x18\x44\x83\xf6\xf6\xf6", 10);
    g_autoptr(IdwVerdict) v = idw_verifier_verify_response (f->verifier, empty_response, twice);

    test_assert_checks (v, "fnnnnnnnn");
    g_assert_cmpstr (idw_verdict_get_detail (v, IDW_CHECK_DECODE), ==,
                     "The presentation cannot be read: SessionTranscript: expected an array of three elements");
  }

  /* An image without a QR code. */
  {
    static const guint8 png_magic[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0 };
    g_autoptr(GBytes) fake_png = g_bytes_new_static (png_magic, sizeof png_magic);

    v4 = idw_verifier_verify_data (f->verifier, fake_png, NULL);
    test_assert_checks (v4, "fnnnnnnnn");
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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define FIXTURE(path, func) \
  g_test_add ("/verifier/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  FIXTURE ("not-a-presentation", test_not_a_presentation);
  FIXTURE ("wrong-types", test_wrong_types);
  FIXTURE ("bad-texts", test_bad_texts);
  FIXTURE ("bad-raw-inputs", test_bad_raw_inputs);
  FIXTURE ("qr-image", test_qr_image);

  return g_test_run ();
}
