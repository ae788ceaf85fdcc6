/* test-credential-request.c: the credential request of DESIGN §3.2
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "idwallet.h"

static GDateTime *
fixed_time (void)
{
  return g_date_time_new_utc (2025, 3, 14, 9, 26, 53);
}

static IdwCredentialRequest *
make_request (IdwKey **out_key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) key = idw_key_generate_ed25519 ();
  g_autoptr(GDateTime) created = fixed_time ();
  IdwCredentialRequest *request = idw_credential_request_new (key, created, &error);

  g_assert_no_error (error);
  g_assert_nonnull (request);
  if (out_key != NULL)
    *out_key = g_steal_pointer (&key);

  return request;
}

/* The request's CBOR with @key replaced by @value_steal (or removed when
 * %NULL, or added when absent). */
static GBytes *
replace_field (GBytes      *cbor,
               const char  *key,
               cbor_item_t *value_steal)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(cbor_item_t) map = idw_cbor_decode_bytes (cbor, &error);
  g_autoptr(cbor_item_t) out = idw_cbor_new_map ();
  struct cbor_pair *pairs;
  gboolean replaced = FALSE;

  g_assert_no_error (error);
  pairs = cbor_map_handle (map);
  for (size_t i = 0; i < cbor_map_size (map); i++)
    {
      if (idw_cbor_string_equal (pairs[i].key, key))
        {
          replaced = TRUE;
          if (value_steal != NULL)
            idw_cbor_map_add_str (out, key, value_steal);
          continue;
        }
      idw_cbor_map_add (out, cbor_incref (pairs[i].key), cbor_incref (pairs[i].value));
    }
  if (!replaced && value_steal != NULL)
    idw_cbor_map_add_str (out, key, value_steal);

  return idw_cbor_encode (out);
}

static cbor_item_t *
get_field (GBytes     *cbor,
           const char *key)
{
  g_autoptr(cbor_item_t) map = idw_cbor_decode_bytes (cbor, NULL);
  cbor_item_t *value;

  g_assert_nonnull (map);
  value = idw_cbor_map_get (map, key);
  g_assert_nonnull (value);

  return cbor_incref (value);
}

static void
assert_parse_fails (GBytes     *cbor,
                    GDateTime  *now,
                    int         code,
                    const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCredentialRequest) request = idw_credential_request_parse (cbor, now, &error);

  g_assert_null (request);
  g_assert_error (error, IDW_ERROR, code);
  if (message_part != NULL && strstr (error->message, message_part) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, message_part);
}

static void
test_roundtrip (void)
{
  g_autoptr(IdwKey) key = NULL;
  g_autoptr(IdwCredentialRequest) request = make_request (&key);
  g_autoptr(IdwCredentialRequest) from_bytes = NULL;
  g_autoptr(IdwCredentialRequest) from_text = NULL;
  g_autoptr(IdwCredentialRequest) from_data_text = NULL;
  g_autoptr(IdwCredentialRequest) from_data_cbor = NULL;
  g_autoptr(IdwCredentialRequest) from_wrapped = NULL;
  g_autoptr(GBytes) cbor = idw_credential_request_to_bytes (request);
  g_autoptr(GBytes) text_bytes = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GDateTime) created = fixed_time ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) wrapped = g_string_new ("  \n");
  g_autofree char *text = idw_credential_request_to_text (request);
  g_autofree char *diagnostic = NULL;
  g_autoptr(cbor_item_t) map = NULL;

  /* What was made. */
  g_assert_true (idw_key_equal (idw_credential_request_get_device_key (request), key));
  g_assert_false (idw_key_has_private (idw_credential_request_get_device_key (request)));
  g_assert_true (g_date_time_equal (idw_credential_request_get_created (request), created));
  g_assert_true (g_str_has_prefix (text, IDW_PREFIX_CREDENTIAL));

  map = idw_cbor_decode_bytes (cbor, &error);
  g_assert_no_error (error);
  diagnostic = idw_cbor_to_diagnostic (map);
  g_test_message ("%s", diagnostic);
  g_assert_cmpuint (cbor_map_size (map), ==, 4);
  g_assert_nonnull (idw_cbor_map_get (map, "version"));
  g_assert_nonnull (idw_cbor_untag (idw_cbor_map_get (map, "created"), IDW_CBOR_TAG_TDATE));
  /* The device key never travels with its private part. */
  g_assert_null (idw_cbor_map_get_int (idw_cbor_map_get (map, "deviceKey"), -4));

  /* Parsed back from the CBOR, the text and file contents of both kinds. */
  from_bytes = idw_credential_request_parse (cbor, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (idw_key_equal (idw_credential_request_get_device_key (from_bytes), key));
  g_assert_false (idw_key_has_private (idw_credential_request_get_device_key (from_bytes)));
  g_assert_true (g_date_time_equal (idw_credential_request_get_created (from_bytes), created));
  again = idw_credential_request_to_bytes (from_bytes);
  g_assert_true (g_bytes_equal (again, cbor));

  from_text = idw_credential_request_parse_text (text, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (idw_key_equal (idw_credential_request_get_device_key (from_text), key));

  text_bytes = g_bytes_new (text, strlen (text));
  from_data_text = idw_credential_request_parse_data (text_bytes, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (idw_key_equal (idw_credential_request_get_device_key (from_data_text), key));
  from_data_cbor = idw_credential_request_parse_data (cbor, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (idw_key_equal (idw_credential_request_get_device_key (from_data_cbor), key));

  /* Pasted from a mail: wrapped at 60 columns, with a final newline. */
  for (const char *p = text; *p != '\0'; p += MIN (strlen (p), 60))
    g_string_append_printf (wrapped, "%.60s\n", p);
  from_wrapped = idw_credential_request_parse_text (wrapped->str, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (idw_key_equal (idw_credential_request_get_device_key (from_wrapped), key));
}

static void
test_file (void)
{
  g_autoptr(IdwKey) key = NULL;
  g_autoptr(IdwCredentialRequest) request = make_request (&key);
  g_autoptr(GBytes) cbor = idw_credential_request_to_bytes (request);
  g_autofree char *text = idw_credential_request_to_text (request);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-credential-request-XXXXXX", &error);
  g_autofree char *cbor_path = g_build_filename (dir, "request.cbor", NULL);
  g_autofree char *text_path = g_build_filename (dir, "request.txt", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing", NULL);
  g_autoptr(IdwCredentialRequest) from_cbor = NULL;
  g_autoptr(IdwCredentialRequest) from_text = NULL;
  g_autoptr(IdwCredentialRequest) none = NULL;

  g_assert_no_error (error);
  g_file_set_contents (cbor_path, g_bytes_get_data (cbor, NULL), (gssize) g_bytes_get_size (cbor), &error);
  g_assert_no_error (error);
  g_file_set_contents (text_path, text, -1, &error);
  g_assert_no_error (error);

  from_cbor = idw_credential_request_new_from_file (cbor_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (idw_key_equal (idw_credential_request_get_device_key (from_cbor), key));
  from_text = idw_credential_request_new_from_file (text_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (idw_key_equal (idw_credential_request_get_device_key (from_text), key));

  none = idw_credential_request_new_from_file (missing, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_IO);

  g_remove (cbor_path);
  g_remove (text_path);
  g_rmdir (dir);
}

static void
test_new_needs_private_key (void)
{
  g_autoptr(IdwKey) key = idw_key_generate_ed25519 ();
  g_autoptr(GBytes) public_bytes = idw_key_get_public_bytes (key);
  g_autoptr(IdwKey) public_key = idw_key_new_ed25519_public (g_bytes_get_data (public_bytes, NULL),
                                                             g_bytes_get_size (public_bytes), NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCredentialRequest) request = idw_credential_request_new (public_key, NULL, &error);
  g_autoptr(IdwCredentialRequest) now_request = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GTimeSpan age;

  g_assert_null (request);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* Without a time: now, in whole seconds. */
  now_request = idw_credential_request_new (key, NULL, &error);
  g_assert_no_error (error);
  age = g_date_time_difference (now, idw_credential_request_get_created (now_request));
  g_assert_cmpint (ABS (age), <=, 2 * G_TIME_SPAN_SECOND);
  g_assert_cmpint (g_date_time_get_microsecond (idw_credential_request_get_created (now_request)), ==, 0);
}

static void
test_tampered (void)
{
  g_autoptr(IdwCredentialRequest) request = make_request (NULL);
  g_autoptr(GBytes) cbor = idw_credential_request_to_bytes (request);
  g_autoptr(IdwKey) other = idw_key_generate_ed25519 ();
  g_autoptr(GDateTime) later = g_date_time_new_utc (2025, 3, 14, 9, 26, 54);
  g_autoptr(GBytes) other_key = replace_field (cbor, "deviceKey", idw_cose_key_encode (other, FALSE));
  g_autoptr(GBytes) other_created = replace_field (cbor, "created", idw_cbor_new_tdate (later));
  g_autoptr(cbor_item_t) proof = get_field (cbor, "proof");
  g_autoptr(GBytes) bad_signature = NULL;
  g_autoptr(GBytes) attached = NULL;
  g_autoptr(GBytes) foreign_proof = NULL;
  g_autoptr(IdwCredentialRequest) other_request = NULL;
  g_autoptr(GDateTime) created = fixed_time ();
  g_autoptr(GBytes) other_cbor = NULL;
  cbor_item_t *signature;
  guint8 *sig_data;

  /* Another key, another time: the proof no longer covers them. */
  assert_parse_fails (other_key, NULL, IDW_ERROR_BAD_SIGNATURE, "proof");
  assert_parse_fails (other_created, NULL, IDW_ERROR_BAD_SIGNATURE, "proof");

  /* A flipped bit in the signature. */
  g_assert_true (cbor_isa_array (proof) && cbor_array_size (proof) == 4);
  signature = cbor_array_handle (proof)[3];
  sig_data = cbor_bytestring_handle (signature);
  sig_data[10] ^= 0x01;
  bad_signature = replace_field (cbor, "proof", cbor_incref (proof));
  assert_parse_fails (bad_signature, NULL, IDW_ERROR_BAD_SIGNATURE, NULL);

  /* A valid proof, made by another key for its own request. */
  other_request = idw_credential_request_new (other, created, NULL);
  other_cbor = idw_credential_request_to_bytes (other_request);
  foreign_proof = replace_field (cbor, "proof", get_field (other_cbor, "proof"));
  assert_parse_fails (foreign_proof, NULL, IDW_ERROR_BAD_SIGNATURE, NULL);

  /* A proof carrying its payload instead of detaching it. */
  {
    g_autoptr(cbor_item_t) copy = get_field (cbor, "proof");
    cbor_item_t *payload = idw_cbor_new_bytes ((const guint8 *) "x", 1);

    cbor_array_replace (copy, 2, payload);
    cbor_decref (&payload);
    attached = replace_field (cbor, "proof", g_steal_pointer (&copy));
    assert_parse_fails (attached, NULL, IDW_ERROR_MALFORMED, "detached");
  }
}

/* A P-256 device key (what a TPM holds): the deviceKey is EC2, the proof
 * ES256, and a proof by another P-256 key or of another algorithm is
 * refused. */
static void
test_es256 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) key = idw_key_generate_p256 ();
  g_autoptr(IdwKey) other = idw_key_generate_p256 ();
  g_autoptr(GDateTime) created = fixed_time ();
  g_autoptr(IdwCredentialRequest) request = idw_credential_request_new (key, created, &error);
  g_autoptr(IdwCredentialRequest) other_request = NULL;
  g_autoptr(IdwCredentialRequest) ed25519_request = make_request (NULL);
  g_autoptr(IdwCredentialRequest) parsed = NULL;
  g_autoptr(GBytes) cbor = NULL;
  g_autoptr(GBytes) other_cbor = NULL;
  g_autoptr(GBytes) ed25519_cbor = NULL;
  g_autoptr(GBytes) foreign_proof = NULL;
  g_autoptr(GBytes) eddsa_proof = NULL;
  g_autoptr(GBytes) with_d = NULL;
  g_autoptr(cbor_item_t) device_key = NULL;
  g_autoptr(cbor_item_t) proof = NULL;
  g_autoptr(IdwCoseSign1) sign1 = NULL;
  gint64 value;

  g_assert_no_error (error);
  cbor = idw_credential_request_to_bytes (request);

  device_key = get_field (cbor, "deviceKey");
  g_assert_cmpuint (cbor_map_size (device_key), ==, 4);
  g_assert_true (idw_cbor_get_int (idw_cbor_map_get_int (device_key, 1), &value));
  g_assert_cmpint (value, ==, 2);
  g_assert_true (idw_cbor_get_int (idw_cbor_map_get_int (device_key, -1), &value));
  g_assert_cmpint (value, ==, 1);
  g_assert_cmpuint (cbor_bytestring_length (idw_cbor_map_get_int (device_key, -2)), ==, 32);
  g_assert_cmpuint (cbor_bytestring_length (idw_cbor_map_get_int (device_key, -3)), ==, 32);
  g_assert_null (idw_cbor_map_get_int (device_key, -4));

  proof = get_field (cbor, "proof");
  sign1 = idw_cose_sign1_parse (proof, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sign1->alg, ==, IDW_COSE_ALG_ES256);
  g_assert_null (sign1->payload);
  g_assert_cmpuint (g_bytes_get_size (sign1->signature), ==, 64);

  parsed = idw_credential_request_parse (cbor, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (idw_key_equal (idw_credential_request_get_device_key (parsed), key));
  g_assert_false (idw_key_has_private (idw_credential_request_get_device_key (parsed)));
  g_assert_cmpint (idw_key_get_alg (idw_credential_request_get_device_key (parsed)), ==, IDW_COSE_ALG_ES256);

  /* A valid ES256 proof, made by another P-256 key for its own request. */
  other_request = idw_credential_request_new (other, created, &error);
  g_assert_no_error (error);
  other_cbor = idw_credential_request_to_bytes (other_request);
  foreign_proof = replace_field (cbor, "proof", get_field (other_cbor, "proof"));
  assert_parse_fails (foreign_proof, NULL, IDW_ERROR_BAD_SIGNATURE, "proof");

  /* An EdDSA proof for a P-256 key. */
  ed25519_cbor = idw_credential_request_to_bytes (ed25519_request);
  eddsa_proof = replace_field (cbor, "proof", get_field (ed25519_cbor, "proof"));
  assert_parse_fails (eddsa_proof, NULL, IDW_ERROR_UNSUPPORTED, "proof");

  /* Never the private scalar in a request. */
  with_d = replace_field (cbor, "deviceKey", idw_cose_key_encode (key, TRUE));
  assert_parse_fails (with_d, NULL, IDW_ERROR_MALFORMED, "private");

  /* A holder key is Ed25519 or P-256, nothing else. */
  {
    guint8 d[48];
    g_autoptr(IdwKey) p384 = NULL;
    g_autoptr(IdwCredentialRequest) refused = NULL;
    g_autoptr(GBytes) p384_key = NULL;

    memset (d, 0x01, sizeof d);
    p384 = idw_key_new_ec_private (IDW_CURVE_P384, d, sizeof d, &error);
    g_assert_no_error (error);
    refused = idw_credential_request_new (p384, created, &error);
    g_assert_null (refused);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
    g_clear_error (&error);
    p384_key = replace_field (cbor, "deviceKey", idw_cose_key_encode (p384, FALSE));
    assert_parse_fails (p384_key, NULL, IDW_ERROR_UNSUPPORTED, "P-384");
  }
}

static void
test_wrong_types (void)
{
  g_autoptr(IdwCredentialRequest) request = make_request (NULL);
  g_autoptr(GBytes) cbor = idw_credential_request_to_bytes (request);
  g_autoptr(IdwKey) key = idw_key_generate_ed25519 ();
  struct
  {
    const char  *field;
    cbor_item_t *value;
    int          code;
    const char  *message_part;
  } cases[] = {
    { "version", idw_cbor_new_string ("1"), IDW_ERROR_WRONG_TYPE, "version" },
    { "version", idw_cbor_new_int (2), IDW_ERROR_UNSUPPORTED, "version" },
    { "version", NULL, IDW_ERROR_MISSING_FIELD, "version" },
    { "deviceKey", idw_cbor_new_bytes ((const guint8 *) "key", 3), IDW_ERROR_WRONG_TYPE, "deviceKey" },
    { "deviceKey", NULL, IDW_ERROR_MISSING_FIELD, "deviceKey" },
    { "deviceKey", idw_cbor_new_map (), IDW_ERROR_MISSING_FIELD, "deviceKey" },
    { "deviceKey", idw_cose_key_encode (key, TRUE), IDW_ERROR_MALFORMED, "private" },
    { "created", idw_cbor_new_int (1741944413), IDW_ERROR_WRONG_TYPE, "created" },
    { "created", idw_cbor_new_string ("yesterday"), IDW_ERROR_WRONG_TYPE, "created" },
    { "created", NULL, IDW_ERROR_MISSING_FIELD, "created" },
    { "proof", idw_cbor_new_string ("signed, honestly"), IDW_ERROR_WRONG_TYPE, "proof" },
    { "proof", idw_cbor_new_array (), 0, "proof" },
    { "proof", NULL, IDW_ERROR_MISSING_FIELD, "proof" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) bad = replace_field (cbor, cases[i].field, cases[i].value);
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwCredentialRequest) parsed = idw_credential_request_parse (bad, NULL, &error);

      g_test_message ("case %u: %s → %s", i, cases[i].field, error != NULL ? error->message : "(parsed)");
      g_assert_null (parsed);
      g_assert_nonnull (error);
      g_assert_true (error->domain == IDW_ERROR);
      if (cases[i].code != 0)
        g_assert_cmpint (error->code, ==, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].message_part));
    }

  /* Not a map at all. */
  {
    g_autoptr(cbor_item_t) array = idw_cbor_new_array ();
    g_autoptr(GBytes) bytes = NULL;

    idw_cbor_array_add (array, idw_cbor_new_int (1));
    bytes = idw_cbor_encode (array);
    assert_parse_fails (bytes, NULL, IDW_ERROR_WRONG_TYPE, "Credential request");
  }
}

static void
test_created_future (void)
{
  g_autoptr(IdwKey) key = idw_key_generate_ed25519 ();
  g_autoptr(GDateTime) now = fixed_time ();
  g_autoptr(GDateTime) soon = g_date_time_add_seconds (now, IDW_CREDENTIAL_REQUEST_MAX_FUTURE);
  g_autoptr(GDateTime) too_late = g_date_time_add_seconds (now, IDW_CREDENTIAL_REQUEST_MAX_FUTURE + 1);
  g_autoptr(GDateTime) old = g_date_time_add_days (now, -30);
  g_autoptr(IdwCredentialRequest) soon_request = idw_credential_request_new (key, soon, NULL);
  g_autoptr(IdwCredentialRequest) late_request = idw_credential_request_new (key, too_late, NULL);
  g_autoptr(IdwCredentialRequest) old_request = idw_credential_request_new (key, old, NULL);
  g_autoptr(GBytes) soon_cbor = idw_credential_request_to_bytes (soon_request);
  g_autoptr(GBytes) late_cbor = idw_credential_request_to_bytes (late_request);
  g_autoptr(GBytes) old_cbor = idw_credential_request_to_bytes (old_request);
  g_autoptr(IdwCredentialRequest) parsed_soon = NULL;
  g_autoptr(IdwCredentialRequest) parsed_old = NULL;
  g_autoptr(GError) error = NULL;

  /* Five minutes of clock skew are fine; more is not. */
  parsed_soon = idw_credential_request_parse (soon_cbor, now, &error);
  g_assert_no_error (error);
  assert_parse_fails (late_cbor, now, IDW_ERROR_NOT_YET_VALID, "created");

  /* An old request is still a request: an issuer may take its time. */
  parsed_old = idw_credential_request_parse (old_cbor, now, &error);
  g_assert_no_error (error);
}

static void
test_truncated (void)
{
  g_autoptr(IdwCredentialRequest) request = make_request (NULL);
  g_autoptr(GBytes) cbor = idw_credential_request_to_bytes (request);
  g_autofree char *text = idw_credential_request_to_text (request);
  gsize size = g_bytes_get_size (cbor);
  gsize text_len = strlen (text);

  for (gsize len = 0; len < size; len += 7)
    {
      g_autoptr(GBytes) cut = g_bytes_new_from_bytes (cbor, 0, len);
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwCredentialRequest) parsed = idw_credential_request_parse_data (cut, NULL, &error);

      g_assert_null (parsed);
      g_assert_nonnull (error);
      g_assert_true (error->domain == IDW_ERROR);
    }

  for (gsize len = 0; len < text_len; len += 11)
    {
      g_autofree char *cut = g_strndup (text, len);
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwCredentialRequest) parsed = idw_credential_request_parse_text (cut, NULL, &error);

      g_assert_null (parsed);
      g_assert_nonnull (error);
    }

  /* Trailing bytes after the map. */
  {
    g_autoptr(GByteArray) longer = g_byte_array_new ();
    g_autoptr(GBytes) bytes = NULL;

    g_byte_array_append (longer, g_bytes_get_data (cbor, NULL), (guint) size);
    g_byte_array_append (longer, (const guint8 *) "\x00", 1);
    bytes = g_byte_array_free_to_bytes (g_steal_pointer (&longer));
    assert_parse_fails (bytes, NULL, IDW_ERROR_MALFORMED, NULL);
  }
}

static void
test_limits_and_prefixes (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) long_text = g_string_new (IDW_PREFIX_CREDENTIAL);
  g_autofree guint8 *zeros = g_malloc0 (IDW_MAX_INFLATED_LENGTH + 1);
  g_autoptr(GBytes) bomb_payload = g_bytes_new_static (zeros, IDW_MAX_INFLATED_LENGTH + 1);
  g_autofree char *bomb = idw_transport_wrap (IDW_PREFIX_CREDENTIAL, bomb_payload);
  g_autoptr(GBytes) big_cbor = g_bytes_new_static (zeros, IDW_MAX_INFLATED_LENGTH + 1);
  g_autoptr(IdwCredentialRequest) request = make_request (NULL);
  g_autoptr(GBytes) cbor = idw_credential_request_to_bytes (request);
  g_autofree char *as_presentation = idw_transport_wrap (IDW_PREFIX_PRESENTATION, cbor);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  g_autoptr(IdwCredentialRequest) parsed = NULL;

  /* Text longer than IDW_MAX_TEXT_LENGTH. */
  while (long_text->len <= IDW_MAX_TEXT_LENGTH)
    g_string_append (long_text, "000");
  parsed = idw_credential_request_parse_text (long_text->str, NULL, &error);
  g_assert_null (parsed);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
  g_clear_error (&error);

  /* A small text that inflates beyond IDW_MAX_INFLATED_LENGTH. */
  g_assert_cmpuint (strlen (bomb), <, IDW_MAX_TEXT_LENGTH);
  parsed = idw_credential_request_parse_text (bomb, NULL, &error);
  g_assert_null (parsed);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
  g_clear_error (&error);

  /* Binary CBOR beyond the same limit. */
  zeros[0] = 0xa1;
  assert_parse_fails (big_cbor, NULL, IDW_ERROR_LIMIT, NULL);

  /* Another envelope's prefix, and plain garbage text. */
  parsed = idw_credential_request_parse_text (as_presentation, NULL, &error);
  g_assert_null (parsed);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_PREFIX);
  g_clear_error (&error);

  {
    g_autoptr(GBytes) garbage = g_bytes_new_static ("hello, issuer\n", 14);

    parsed = idw_credential_request_parse_data (garbage, NULL, &error);
    g_assert_null (parsed);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_PREFIX);
    g_clear_error (&error);
  }

  parsed = idw_credential_request_parse_data (empty, NULL, &error);
  g_assert_null (parsed);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/credential-request/roundtrip", test_roundtrip);
  g_test_add_func ("/credential-request/file", test_file);
  g_test_add_func ("/credential-request/new-needs-private-key", test_new_needs_private_key);
  g_test_add_func ("/credential-request/tampered", test_tampered);
  g_test_add_func ("/credential-request/es256", test_es256);
  g_test_add_func ("/credential-request/wrong-types", test_wrong_types);
  g_test_add_func ("/credential-request/created-future", test_created_future);
  g_test_add_func ("/credential-request/truncated", test_truncated);
  g_test_add_func ("/credential-request/limits", test_limits_and_prefixes);

  return g_test_run ();
}
