/* test-issue-present.c: issue → present → verify round trips
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sodium.h>

#include "mdoc-test-util.h"


static void
assert_disclosed_exactly (IdwVerdict         *verdict,
                          const char * const *paths)
{
  GPtrArray *disclosed = idw_verdict_get_disclosed (verdict);

  g_assert_cmpuint (disclosed->len, ==, g_strv_length ((char **) paths));
  for (guint i = 0; i < disclosed->len; i++)
    {
      IdwDisclosedElement *e = g_ptr_array_index (disclosed, i);
      g_autofree char *path = idw_element_path_new (e->name_space, e->element);

      g_assert_true (g_strv_contains (paths, path));
    }
}

static void
assert_valid (IdwVerdict *verdict)
{
  /* These credentials refer to no status list. */
  for (guint i = 0; i < IDW_N_CHECKS; i++)
    if (idw_verdict_get_status (verdict, i)
        != (i == IDW_CHECK_REVOCATION ? IDW_CHECK_STATUS_NOT_APPLICABLE : IDW_CHECK_STATUS_PASSED))
      g_error ("%s: %s: %s", idw_check_to_string (i),
               idw_check_status_to_string (idw_verdict_get_status (verdict, i)),
               idw_verdict_get_detail (verdict, i));
  g_assert_true (idw_verdict_is_valid (verdict));
}

static void
test_issued_credential (Fixture       *f,
                        gconstpointer  data)
{
  IdwMso *mso = idw_credential_get_mso (f->credential);
  IdwIssuerSigned *is = idw_credential_get_issuer_signed (f->credential);
  IdwIssuerNameSpace *ns = g_ptr_array_index (is->name_spaces, 0);
  g_autoptr(GHashTable) ids = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autofree char *name = idw_credential_dup_holder_name (f->credential);
  g_autoptr(GDateTime) ds_end = idw_certificate_get_not_after (f->issuer->ds);
  gboolean sequential = TRUE;
  cbor_item_t *value;

  g_assert_cmpstr (idw_credential_get_doctype (f->credential), ==, IDW_DOCTYPE_MDL);
  g_assert_cmpstr (idw_credential_get_display_name (f->credential), ==, "Mobile driving licence");
  g_assert_cmpstr (name, ==, "Erika Mustermann");
  g_assert_true (idw_credential_is_test_issuer (f->credential));
  g_assert_true (idw_key_equal (idw_credential_get_device_key (f->credential), f->device_key));
  g_assert_nonnull (idw_credential_get_private_key (f->credential));
  g_assert_true (idw_credential_is_valid_at (f->credential, NULL));
  g_assert_cmpstr (mso->digest_algorithm, ==, "SHA-256");
  g_assert_true (g_date_time_equal (mso->signed_at, mso->valid_from));
  /* Five years by default, but never past the document signer (3 years). */
  g_assert_true (g_date_time_equal (mso->valid_until, ds_end));
  g_assert_cmpint (g_date_time_compare (mso->valid_until, mso->valid_from), >, 0);

  /* Digest IDs unique and not simply 0, 1, 2 … (15 elements: a sorted
   * permutation by chance has probability 1/15!). */
  g_assert_cmpuint (ns->items->len, ==, 15);
  for (guint i = 0; i < ns->items->len; i++)
    {
      IdwIssuerSignedItem *item = g_ptr_array_index (ns->items, i);

      g_assert_false (g_hash_table_contains (ids, &item->digest_id));
      g_hash_table_add (ids, &item->digest_id);
      if (item->digest_id != i)
        sequential = FALSE;
      g_assert_cmpuint (g_bytes_get_size (item->random), >=, 16);
    }
  g_assert_false (sequential);

  /* The catalogue chose the CBOR types. */
  value = idw_credential_get_value (f->credential, IDW_NAMESPACE_MDL, "birth_date");
  g_assert_nonnull (idw_cbor_untag (value, IDW_CBOR_TAG_FULL_DATE));
  value = idw_credential_get_value (f->credential, IDW_NAMESPACE_MDL, "age_over_18");
  g_assert_true (cbor_is_bool (value) && cbor_get_bool (value));
  value = idw_credential_get_value (f->credential, IDW_NAMESPACE_MDL, "height");
  g_assert_true (cbor_isa_uint (value));
  value = idw_credential_get_value (f->credential, IDW_NAMESPACE_MDL, "portrait");
  g_assert_true (cbor_isa_bytestring (value));
  value = idw_credential_get_value (f->credential, IDW_NAMESPACE_MDL, "driving_privileges");
  g_assert_true (cbor_isa_array (value));
  g_assert_nonnull (idw_cbor_untag (idw_cbor_map_get (cbor_array_handle (value)[0], "expiry_date"),
                                    IDW_CBOR_TAG_FULL_DATE));
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  static const char * const paths[] = {
    "org.iso.18013.5.1/family_name",
    "org.iso.18013.5.1/birth_date",
    "org.iso.18013.5.1/portrait",
    NULL
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autoptr(IdwVerdict) by_data = NULL;
  g_autoptr(GBytes) as_bytes = NULL;
  g_autofree char *json = NULL;

  text = idw_present_text (f->credential, NULL, paths, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (text, "IDW1:"));

  verdict = idw_verifier_verify_text (f->verifier, text);
  assert_valid (verdict);
  assert_disclosed_exactly (verdict, paths);
  g_assert_true (idw_verdict_is_test_issuer (verdict));
  g_assert_nonnull (idw_verdict_get_presented_at (verdict));
  g_assert_cmpstr (idw_verdict_get_issuer_organization (verdict), ==, "Utopia");

  /* The same text as bytes, with surrounding white space. */
  {
    g_autofree char *padded = g_strdup_printf ("  %s\n", text);

    as_bytes = g_bytes_new (padded, strlen (padded));
  }
  by_data = idw_verifier_verify_data (f->verifier, as_bytes, NULL);
  assert_valid (by_data);

  json = idw_verdict_to_json (verdict, FALSE);
  g_assert_nonnull (strstr (json, "\"birth_date\":\"1990-05-17\""));
  g_assert_nonnull (strstr (json, "\"testIssuer\":true"));
}

static IdwNonceState
nonce_func (GBytes   *nonce,
            gboolean  consume,
            gpointer  user_data)
{
  GHashTable *issued = user_data;  /* nonce → GINT_TO_POINTER (used) */
  gpointer used;

  if (!g_hash_table_lookup_extended (issued, nonce, NULL, &used))
    return IDW_NONCE_UNKNOWN;
  if (consume)
    g_hash_table_insert (issued, g_bytes_ref (nonce), GINT_TO_POINTER (TRUE));
  return GPOINTER_TO_INT (used) ? IDW_NONCE_USED : IDW_NONCE_UNUSED;
}

static void
test_round_trip_nonce (Fixture       *f,
                       gconstpointer  data)
{
  static const char * const paths[] = { "org.iso.18013.5.1/given_name", NULL };
  g_autoptr(GHashTable) issued = g_hash_table_new_full (g_bytes_hash, g_bytes_equal,
                                                        (GDestroyNotify) g_bytes_unref, NULL);
  g_autoptr(GBytes) nonce = g_bytes_new ("0123456789abcdef", 16);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(IdwVerdict) first = NULL;
  g_autoptr(IdwVerdict) second = NULL;

  g_hash_table_insert (issued, g_bytes_ref (nonce), GINT_TO_POINTER (FALSE));
  idw_verifier_set_nonce_func (f->verifier, nonce_func, g_hash_table_ref (issued),
                               (GDestroyNotify) g_hash_table_unref);

  text = idw_present_text (f->credential, f->device_key, paths, NULL, nonce, &error);
  g_assert_no_error (error);
  first = idw_verifier_verify_text (f->verifier, text);
  assert_valid (first);
  assert_disclosed_exactly (first, paths);
  g_assert_true (GPOINTER_TO_INT (g_hash_table_lookup (issued, nonce)));

  second = idw_verifier_verify_text (f->verifier, text);
  test_assert_only_failures (second, IDW_CHECK_FRESHNESS, -1);
  g_assert_nonnull (strstr (idw_verdict_get_detail (second, IDW_CHECK_FRESHNESS), "already used"));
}

static void
test_age_over_18 (Fixture       *f,
                  gconstpointer  data)
{
  g_auto(GStrv) paths = idw_credential_get_preset_paths (f->credential, IDW_PRESET_AGE_OVER_18);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(IdwVerdict) verdict = NULL;
  cbor_item_t *value;

  g_assert_cmpuint (g_strv_length (paths), ==, 1);
  g_assert_cmpstr (paths[0], ==, "org.iso.18013.5.1/age_over_18");
  text = idw_present_text (f->credential, NULL, (const char * const *) paths, NULL, NULL, &error);
  g_assert_no_error (error);
  verdict = idw_verifier_verify_text (f->verifier, text);
  assert_valid (verdict);
  g_assert_cmpuint (idw_verdict_get_disclosed (verdict)->len, ==, 1);
  value = idw_verdict_lookup (verdict, IDW_NAMESPACE_MDL, "age_over_18");
  g_assert_true (cbor_is_bool (value) && cbor_get_bool (value));
  g_assert_null (idw_verdict_lookup (verdict, IDW_NAMESPACE_MDL, "birth_date"));
  g_assert_null (idw_verdict_lookup (verdict, IDW_NAMESPACE_MDL, "family_name"));
  g_assert_true (idw_present_text_fits_qr (text));
}

static void
test_presets (Fixture       *f,
              gconstpointer  data)
{
  g_auto(GStrv) name_photo = idw_credential_get_preset_paths (f->credential, IDW_PRESET_NAME_PHOTO);
  g_auto(GStrv) full = idw_credential_get_preset_paths (f->credential, IDW_PRESET_FULL);
  g_auto(GStrv) all = idw_credential_list_paths (f->credential);

  g_assert_cmpuint (g_strv_length (name_photo), ==, 3);
  g_assert_true (g_strv_contains ((const char * const *) name_photo, "org.iso.18013.5.1/family_name"));
  g_assert_true (g_strv_contains ((const char * const *) name_photo, "org.iso.18013.5.1/given_name"));
  g_assert_true (g_strv_contains ((const char * const *) name_photo, "org.iso.18013.5.1/portrait"));
  g_assert_true (g_strv_equal ((const char * const *) full, (const char * const *) all));
}

static void
test_unknown_element (Fixture       *f,
                      gconstpointer  data)
{
  static const char * const paths[] = {
    "org.iso.18013.5.1/family_name",
    "org.iso.18013.5.1/eye_colour",
    "org.example/thing",
    NULL
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  text = idw_present_text (f->credential, NULL, paths, NULL, NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND);
  g_assert_null (text);
  g_assert_nonnull (strstr (error->message, "org.iso.18013.5.1/eye_colour"));
  g_assert_nonnull (strstr (error->message, "org.example/thing"));
  g_assert_null (strstr (error->message, "family_name"));
}

static void
test_wrong_device_key (Fixture       *f,
                       gconstpointer  data)
{
  static const char * const paths[] = { "org.iso.18013.5.1/family_name", NULL };
  g_autoptr(IdwKey) other = idw_key_generate_ed25519 ();
  g_autoptr(IdwKey) public_only = NULL;
  g_autoptr(GBytes) public_bytes = idw_key_get_public_bytes (f->device_key);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(IdwCredential) without = NULL;
  g_autoptr(GBytes) bytes = NULL;

  text = idw_present_text (f->credential, other, paths, NULL, NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* A credential without its private key cannot be presented alone. */
  bytes = idw_credential_to_bytes (f->credential, FALSE);
  without = idw_credential_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_null (idw_credential_get_private_key (without));
  text = idw_present_text (without, NULL, paths, NULL, NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND);
  g_clear_error (&error);
  public_only = idw_key_new_ed25519_public (g_bytes_get_data (public_bytes, NULL), 32, &error);
  g_assert_no_error (error);
  text = idw_present_text (without, public_only, paths, NULL, NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* With the key given separately (from the keyring), it can. */
  text = idw_present_text (without, f->device_key, paths, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (text);
}

static void
test_credential_file (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) with = idw_credential_to_bytes (f->credential, TRUE);
  g_autoptr(GBytes) without = idw_credential_to_bytes (f->credential, FALSE);
  g_autoptr(GBytes) again = NULL;
  g_autoptr(IdwCredential) loaded = NULL;
  g_autoptr(IdwCredential) loaded_public = NULL;
  g_autoptr(IdwCredential) from_file = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  GStatBuf st;

  g_assert_cmpuint (g_bytes_get_size (with), >, g_bytes_get_size (without));
  loaded = idw_credential_new_from_bytes (with, &error);
  g_assert_no_error (error);
  g_assert_nonnull (idw_credential_get_private_key (loaded));
  g_assert_true (idw_key_equal (idw_credential_get_private_key (loaded), f->device_key));
  /* Deterministic: the same bytes come out again. */
  again = idw_credential_to_bytes (loaded, TRUE);
  g_assert_true (g_bytes_equal (again, with));

  loaded_public = idw_credential_new_from_bytes (without, &error);
  g_assert_no_error (error);
  g_assert_null (idw_credential_get_private_key (loaded_public));

  dir = g_dir_make_tmp ("idw-test-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "erika.idwcred", NULL);
  idw_credential_save (f->credential, path, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  from_file = idw_credential_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (idw_credential_get_private_key (from_file));
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_import_forms (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  IdwIssuerSigned *is = idw_credential_get_issuer_signed (f->credential);
  g_autoptr(cbor_item_t) bare = idw_issuer_signed_to_cbor (is);
  g_autoptr(GBytes) bare_bytes = idw_cbor_encode (bare);
  g_autoptr(cbor_item_t) mdoc = idw_cbor_new_map ();
  g_autoptr(GBytes) mdoc_bytes = NULL;
  g_autoptr(IdwCredential) from_bare = NULL;
  g_autoptr(IdwCredential) from_mdoc = NULL;
  cbor_item_t *documents = idw_cbor_new_array ();
  cbor_item_t *doc = idw_cbor_new_map ();

  from_bare = idw_credential_new_from_bytes (bare_bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (idw_credential_get_doctype (from_bare), ==, IDW_DOCTYPE_MDL);
  g_assert_true (idw_credential_has_element (from_bare, IDW_NAMESPACE_MDL, "portrait"));

  idw_cbor_map_add_str (doc, "docType", idw_cbor_new_string (IDW_DOCTYPE_MDL));
  idw_cbor_map_add_str (doc, "issuerSigned", cbor_incref (bare));
  idw_cbor_array_add (documents, doc);
  idw_cbor_map_add_str (mdoc, "version", idw_cbor_new_string ("1.0"));
  idw_cbor_map_add_str (mdoc, "documents", documents);
  idw_cbor_map_add_str (mdoc, "status", idw_cbor_new_int (0));
  mdoc_bytes = idw_cbor_encode (mdoc);
  from_mdoc = idw_credential_new_from_bytes (mdoc_bytes, &error);
  g_assert_no_error (error);
  {
    g_auto(GStrv) paths = idw_credential_list_paths (from_mdoc);

    g_assert_cmpuint (g_strv_length (paths), ==, 15);
  }
}

static void
test_credential_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) not_map = g_bytes_new_static ("\x83\x01\x02\x03", 4);
  g_autoptr(GBytes) empty_map = g_bytes_new_static ("\xa0", 1);
  g_autoptr(GBytes) garbage = g_bytes_new_static ("\xff\xff", 2);
  g_autoptr(IdwCredential) c = NULL;

  c = idw_credential_new_from_bytes (not_map, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);
  c = idw_credential_new_from_bytes (empty_map, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);
  c = idw_credential_new_from_bytes (garbage, &error);
  g_assert_nonnull (error);
  g_clear_error (&error);
  c = idw_credential_new_from_file ("/nonexistent/x.idwcred", &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_IO);
  g_clear_error (&error);
}

static void
test_tampered_credential_file (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GBytes) bytes = idw_credential_to_bytes (f->credential, FALSE);
  g_autoptr(GByteArray) copy = g_byte_array_new ();
  g_autoptr(GBytes) tampered = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCredential) c = NULL;
  guint8 *found;
  gsize len;
  const guint8 *data_ = g_bytes_get_data (bytes, &len);

  g_byte_array_append (copy, data_, (guint) len);
  found = NULL;
  for (guint i = 0; found == NULL && i + 10 <= copy->len; i++)
    if (memcmp (copy->data + i, "Mustermann", 10) == 0)
      found = copy->data + i;
  g_assert_nonnull (found);
  *(found != NULL ? found : copy->data) = 'N';
  tampered = g_bytes_new (copy->data, copy->len);
  c = idw_credential_new_from_bytes (tampered, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_DIGEST_MISMATCH);
  g_assert_nonnull (strstr (error->message, "family_name"));
}

static void
test_issue_errors (Fixture       *f,
                   gconstpointer  data)
{
  static const struct
  {
    const char *json;
    int         code;
    const char *message;
  } cases[] = {
    { "{\"org.iso.18013.5.1\": {\"birth_date\": \"17.05.1990\"}}", IDW_ERROR_WRONG_TYPE,
      "org.iso.18013.5.1/birth_date: expected a date YYYY-MM-DD" },
    { "{\"org.iso.18013.5.1\": {\"birth_date\": \"1990-02-30\"}}", IDW_ERROR_WRONG_TYPE,
      "org.iso.18013.5.1/birth_date: expected a date YYYY-MM-DD" },
    { "{\"org.iso.18013.5.1\": {\"age_over_18\": \"yes\"}}", IDW_ERROR_WRONG_TYPE,
      "org.iso.18013.5.1/age_over_18: expected true or false" },
    { "{\"org.iso.18013.5.1\": {\"age_over_42\": 1}}", IDW_ERROR_WRONG_TYPE,
      "org.iso.18013.5.1/age_over_42: expected true or false" },
    { "{\"org.iso.18013.5.1\": {\"height\": -3}}", IDW_ERROR_WRONG_TYPE,
      "org.iso.18013.5.1/height: expected a whole number" },
    { "{\"org.iso.18013.5.1\": {\"family_name\": 3}}", IDW_ERROR_WRONG_TYPE,
      "org.iso.18013.5.1/family_name: expected a text string" },
    { "{\"org.iso.18013.5.1\": {\"portrait\": \"face.jpg\"}}", IDW_ERROR_WRONG_TYPE,
      "org.iso.18013.5.1/portrait: expected {\"file\"" },
    { "{\"org.iso.18013.5.1\": {\"portrait\": {\"base64\": \"***\"}}}", IDW_ERROR_WRONG_TYPE,
      "org.iso.18013.5.1/portrait: expected valid base64" },
    { "{\"org.iso.18013.5.1\": {\"portrait\": {\"file\": \"/nonexistent/face.jpg\"}}}", IDW_ERROR_IO,
      "org.iso.18013.5.1/portrait" },
    { "{\"org.iso.18013.5.1\": {\"issuing_country\": \"Germany\"}}", IDW_ERROR_WRONG_TYPE,
      "org.iso.18013.5.1/issuing_country: expected a country code" },
    { "{\"org.iso.18013.5.1\": {\"driving_privileges\": [{\"issue_date\": \"2020-01-01\"}]}}",
      IDW_ERROR_WRONG_TYPE, "org.iso.18013.5.1/driving_privileges: expected an array" },
    { "{\"org.iso.18013.5.1\": {\"driving_privileges\": [{\"vehicle_category_code\": \"B\", \"expiry_date\": \"soon\"}]}}",
      IDW_ERROR_WRONG_TYPE, "org.iso.18013.5.1/driving_privileges[0].expiry_date: expected a date" },
    { "{\"org.example\": {\"x\": 1}}", IDW_ERROR_MISSING_FIELD, "document type" },
    { "{\"org.iso.18013.5.1\": 5}", IDW_ERROR_WRONG_TYPE, "org.iso.18013.5.1: expected an object" },
    { "{\"org.iso.18013.5.1\": {}}", IDW_ERROR_MISSING_FIELD, "no element" },
    { "{}", IDW_ERROR_MISSING_FIELD, "no namespace" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwCredential) c = NULL;

      json_parser_load_from_data (parser, cases[i].json, -1, &error);
      g_assert_no_error (error);
      c = idw_issue_credential (json_node_get_object (json_parser_get_root (parser)), NULL,
                                f->device_key, f->issuer->ds_key, f->issuer->ds, NULL, &error);
      g_assert_null (c);
      if (!g_error_matches (error, IDW_ERROR, cases[i].code) || strstr (error->message, cases[i].message) == NULL)
        g_error ("case %" G_GSIZE_FORMAT ": got “%s” (%d)", i, error->message, error->code);
    }
}

static void
test_issue_generic_and_files (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("idw-issue-XXXXXX", &error);
  g_autofree char *face = NULL;
  g_autofree char *json_path = NULL;
  g_autofree char *base_dir = NULL;
  g_autoptr(JsonObject) data_ = NULL;
  g_autoptr(IdwCredential) c = NULL;
  g_autoptr(GDateTime) from = test_date ("2024-01-01T00:00:00Z");
  g_autoptr(GDateTime) until = test_date ("2099-01-01T00:00:00Z");
  IdwIssueOptions options = { .doctype = "org.example.card.1", .valid_from = from, .valid_until = until };
  static const guint8 jpeg[] = { 0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 0xff, 0xd9 };
  static const char json[] =
    "{\"org.example\": {\"name\": \"Kim\", \"level\": 3, \"ratio\": 0.5, \"member\": true,"
    " \"nothing\": null, \"tags\": [\"a\", \"b\"], \"nested\": {\"k\": 1},"
    " \"blob\": {\"base64\": \"AQID\"}, \"photo\": {\"file\": \"face.jpg\"}},"
    " \"eu.europa.ec.eudi.pid.1\": {\"nationality\": [\"DE\", \"FR\"], \"sex\": \"female\","
    " \"issuance_date\": \"2024-01-01T10:00:00Z\"}}";
  cbor_item_t *value;
  g_autoptr(GBytes) photo = NULL;

  g_assert_no_error (error);
  face = g_build_filename (dir, "face.jpg", NULL);
  json_path = g_build_filename (dir, "person.json", NULL);
  g_file_set_contents (face, (const char *) jpeg, sizeof jpeg, &error);
  g_assert_no_error (error);
  g_file_set_contents (json_path, json, -1, &error);
  g_assert_no_error (error);

  data_ = idw_issue_load_data (json_path, &base_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (base_dir, ==, dir);
  c = idw_issue_credential (data_, base_dir, f->device_key, f->issuer->ds_key, f->issuer->ds,
                            &options, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (idw_credential_get_doctype (c), ==, "org.example.card.1");
  g_assert_cmpstr (idw_credential_get_display_name (c), ==, "org.example.card.1");
  g_assert_true (g_date_time_equal (idw_credential_get_valid_from (c), from));
  g_assert_true (g_date_time_equal (idw_credential_get_valid_until (c), until));

  g_assert_true (idw_cbor_string_equal (idw_credential_get_value (c, "org.example", "name"), "Kim"));
  g_assert_true (cbor_isa_uint (idw_credential_get_value (c, "org.example", "level")));
  g_assert_true (cbor_isa_float_ctrl (idw_credential_get_value (c, "org.example", "ratio")));
  g_assert_true (cbor_is_bool (idw_credential_get_value (c, "org.example", "member")));
  g_assert_true (idw_cbor_is_null (idw_credential_get_value (c, "org.example", "nothing")));
  g_assert_cmpuint (cbor_array_size (idw_credential_get_value (c, "org.example", "tags")), ==, 2);
  g_assert_true (cbor_isa_map (idw_credential_get_value (c, "org.example", "nested")));
  g_assert_cmpuint (cbor_bytestring_length (idw_credential_get_value (c, "org.example", "blob")), ==, 3);
  photo = idw_cbor_dup_bytes (idw_credential_get_value (c, "org.example", "photo"));
  g_assert_cmpmem (g_bytes_get_data (photo, NULL), g_bytes_get_size (photo), jpeg, sizeof jpeg);

  value = idw_credential_get_value (c, IDW_NAMESPACE_EU_PID, "nationality");
  g_assert_cmpuint (cbor_array_size (value), ==, 2);
  value = idw_credential_get_value (c, IDW_NAMESPACE_EU_PID, "sex");
  g_assert_true (cbor_isa_uint (value));
  value = idw_credential_get_value (c, IDW_NAMESPACE_EU_PID, "issuance_date");
  g_assert_nonnull (idw_cbor_untag (value, IDW_CBOR_TAG_TDATE));

  g_unlink (face);
  g_unlink (json_path);
  g_rmdir (dir);
}

static void
test_remote_request (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwRemoteRequest) request = NULL;
  g_autoptr(IdwRemoteRequest) parsed = NULL;
  g_autofree char *request_text = NULL;
  g_autofree char *response_text = NULL;
  g_auto(GStrv) requested = NULL;
  g_auto(GStrv) selected = NULL;
  g_auto(GStrv) missing = NULL;
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autoptr(IdwEnvelope) envelope = NULL;
  static const char * const paths[] = {
    "org.iso.18013.5.1/family_name",
    "org.iso.18013.5.1/age_over_18",
    "org.iso.18013.5.1/resident_city",
    NULL
  };

  request = idw_remote_request_new (IDW_DOCTYPE_MDL, paths, "Bar Centrale", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (request->nonce), ==, 16);
  request_text = idw_remote_request_to_text (request);
  g_assert_true (g_str_has_prefix (request_text, "IDWR1:"));

  parsed = idw_remote_request_parse (request_text, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parsed->verifier, ==, "Bar Centrale");
  g_assert_true (g_bytes_equal (parsed->nonce, request->nonce));
  g_assert_cmpstr (idw_remote_request_get_doctype (parsed), ==, IDW_DOCTYPE_MDL);
  requested = idw_remote_request_get_paths (parsed);
  /* Deterministic CBOR orders the map; the set is what counts. */
  g_assert_cmpuint (g_strv_length (requested), ==, g_strv_length ((char **) paths));
  for (guint i = 0; paths[i] != NULL; i++)
    g_assert_true (g_strv_contains ((const char * const *) requested, paths[i]));

  selected = idw_remote_request_select (parsed, f->credential, &missing);
  g_assert_cmpuint (g_strv_length (selected), ==, 2);
  g_assert_cmpuint (g_strv_length (missing), ==, 1);
  g_assert_cmpstr (missing[0], ==, "org.iso.18013.5.1/resident_city");

  response_text = idw_remote_request_respond (parsed, f->credential, NULL, NULL, &error);
  g_assert_no_error (error);
  envelope = idw_envelope_parse_text (response_text, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (envelope->nonce, request->nonce));

  idw_verifier_set_expected_nonce (f->verifier, request->nonce);
  verdict = idw_verifier_verify_text (f->verifier, response_text);
  assert_valid (verdict);
  assert_disclosed_exactly (verdict, (const char * const *) selected);
}

static void
test_remote_request_preset (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwRemoteRequest) request = NULL;
  g_autoptr(IdwRemoteRequest) other_type = NULL;
  g_autoptr(IdwRemoteRequest) unknown = NULL;
  g_autofree char *text = NULL;
  g_autofree char *response = NULL;
  g_auto(GStrv) paths = NULL;
  g_autoptr(IdwVerdict) verdict = NULL;

  request = idw_remote_request_new_preset (IDW_DOCTYPE_MDL, IDW_PRESET_AGE_OVER_18, NULL, &error);
  g_assert_no_error (error);
  paths = idw_remote_request_get_paths (request);
  g_assert_cmpuint (g_strv_length (paths), ==, 1);
  g_assert_cmpstr (paths[0], ==, "org.iso.18013.5.1/age_over_18");
  g_assert_null (request->verifier);

  text = idw_remote_request_to_text (request);
  response = idw_remote_request_respond (request, f->credential, NULL, NULL, &error);
  g_assert_no_error (error);
  verdict = idw_verifier_verify_text (f->verifier, response);
  assert_valid (verdict);
  g_assert_cmpuint (idw_verdict_get_disclosed (verdict)->len, ==, 1);

  other_type = idw_remote_request_new_preset (IDW_DOCTYPE_EU_PID, IDW_PRESET_NAME_PHOTO, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&response, g_free);
  response = idw_remote_request_respond (other_type, f->credential, NULL, NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND);
  g_clear_error (&error);

  unknown = idw_remote_request_new_preset ("org.example.x", IDW_PRESET_FULL, NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MISSING_FIELD);
  g_assert_null (unknown);
}

static void
test_remote_request_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwRemoteRequest) r = NULL;
  static const char * const bad[] = { "no-slash", NULL };
  g_autoptr(GBytes) cbor = NULL;
  g_autofree char *text = NULL;
  g_autoptr(cbor_item_t) map = idw_cbor_new_map ();

  r = idw_remote_request_new (IDW_DOCTYPE_MDL, bad, NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);

  r = idw_remote_request_parse ("IDW1:ABC", &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_PREFIX);
  g_clear_error (&error);

  /* A short nonce is refused. */
  idw_cbor_map_add_str (map, "v", idw_cbor_new_int (1));
  idw_cbor_map_add_str (map, "nonce", idw_cbor_new_bytes ((const guint8 *) "short", 5));
  idw_cbor_map_add_str (map, "request", idw_cbor_new_map ());
  cbor = idw_cbor_encode (map);
  text = idw_transport_wrap (IDW_PREFIX_REQUEST, cbor);
  r = idw_remote_request_parse (text, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NONCE);
}

static void
test_qr_portrait (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) person = test_person ();
  g_autoptr(IdwCredential) big = NULL;
  JsonObject *mdl = json_object_get_object_member (person, IDW_NAMESPACE_MDL);
  g_autofree guint8 *noise = g_malloc (6000);
  g_autofree char *b64 = NULL;
  JsonObject *portrait = json_object_new ();
  g_autofree char *text = NULL;
  g_auto(GStrv) full = NULL;
  g_autoptr(IdwVerdict) verdict = NULL;
  gboolean dropped = TRUE;

  /* Random bytes do not compress: 6 kB cannot fit in one QR code. */
  randombytes_buf (noise, 6000);
  b64 = g_base64_encode (noise, 6000);
  json_object_set_string_member (portrait, "base64", b64);
  json_object_set_object_member (mdl, "portrait", portrait);
  big = idw_issue_credential (person, NULL, f->device_key, f->issuer->ds_key, f->issuer->ds, NULL, &error);
  g_assert_no_error (error);

  full = idw_credential_get_preset_paths (big, IDW_PRESET_NAME_PHOTO);
  text = idw_present_text (big, NULL, (const char * const *) full, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (idw_present_text_fits_qr (text));
  g_clear_pointer (&text, g_free);

  text = idw_present_text_for_qr (big, NULL, (const char * const *) full, NULL, NULL, &dropped, &error);
  g_assert_no_error (error);
  g_assert_true (dropped);
  g_assert_true (idw_present_text_fits_qr (text));
  verdict = idw_verifier_verify_text (f->verifier, text);
  assert_valid (verdict);
  g_assert_null (idw_verdict_lookup (verdict, IDW_NAMESPACE_MDL, "portrait"));
  g_assert_nonnull (idw_verdict_lookup (verdict, IDW_NAMESPACE_MDL, "family_name"));
  g_clear_pointer (&text, g_free);

  /* The small credential's portrait fits and stays. */
  g_clear_pointer (&full, g_strfreev);
  full = idw_credential_get_preset_paths (f->credential, IDW_PRESET_NAME_PHOTO);
  text = idw_present_text_for_qr (f->credential, NULL, (const char * const *) full, NULL, NULL,
                                  &dropped, &error);
  g_assert_no_error (error);
  g_assert_false (dropped);

  /* Only the portrait, too big: nothing can be left out. */
  {
    static const char * const only[] = { "org.iso.18013.5.1/portrait", NULL };
    g_autofree char *t = idw_present_text_for_qr (big, NULL, only, NULL, NULL, &dropped, &error);

    g_assert_error (error, IDW_ERROR, IDW_ERROR_TOO_LARGE_FOR_QR);
    g_assert_null (t);
  }
}

static void
test_device_response_structure (Fixture       *f,
                                gconstpointer  data)
{
  static const char * const paths[] = { "org.iso.18013.5.1/given_name", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) at = test_date ("2030-01-01T00:00:00Z");
  g_autoptr(GBytes) nonce = g_bytes_new ("nonce-nonce-nonce", 17);
  g_autoptr(IdwEnvelope) envelope = NULL;
  g_autoptr(IdwEnvelope) parsed = NULL;
  g_autoptr(IdwDeviceResponse) response = NULL;
  g_autoptr(GBytes) transcript = NULL;
  g_autoptr(GBytes) expected = NULL;
  g_autofree char *text = NULL;
  g_autoptr(cbor_item_t) st = NULL;
  cbor_item_t **items;
  cbor_item_t **handover;
  IdwDocument *doc;

  envelope = idw_present_envelope (f->credential, NULL, paths, at, nonce, &error);
  g_assert_no_error (error);
  g_assert_cmpint (envelope->presented_at, ==, g_date_time_to_unix (at));
  text = idw_envelope_to_text (envelope);
  parsed = idw_envelope_parse_text (text, &error);
  g_assert_no_error (error);
  g_assert_cmpint (parsed->presented_at, ==, envelope->presented_at);
  g_assert_true (g_bytes_equal (parsed->nonce, nonce));

  response = idw_device_response_parse (parsed->response, IDW_MDOC_PARSE_DEFAULT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (response->version, ==, "1.0");
  g_assert_cmpuint (response->status, ==, 0);
  doc = g_ptr_array_index (response->documents, 0);
  g_assert_nonnull (doc->device_signed->device_signature);
  g_assert_cmpuint (cbor_map_size (doc->device_signed->name_spaces), ==, 0);
  g_assert_cmpuint (idw_issuer_signed_count_items (doc->issuer_signed), ==, 1);

  /* [null, null, ["IdWalletQRHandoverV1", presentedAt, nonce]] */
  transcript = idw_envelope_get_session_transcript (parsed);
  st = idw_cbor_decode_bytes (transcript, &error);
  g_assert_no_error (error);
  items = cbor_array_handle (st);
  g_assert_cmpuint (cbor_array_size (st), ==, 3);
  g_assert_true (idw_cbor_is_null (items[0]) && idw_cbor_is_null (items[1]));
  handover = cbor_array_handle (items[2]);
  g_assert_true (idw_cbor_string_equal (handover[0], "IdWalletQRHandoverV1"));
  g_assert_true (cbor_isa_uint (handover[1]));
  g_assert_true (cbor_isa_bytestring (handover[2]));
  expected = idw_qr_session_transcript_new (g_date_time_to_unix (at), nonce);
  g_assert_true (g_bytes_equal (expected, transcript));

  /* The device signature is detached (nil payload) and verifies. */
  {
    g_autoptr(IdwCoseSign1) sign1 = idw_cose_sign1_parse (doc->device_signed->device_signature, &error);
    g_autoptr(GBytes) auth = idw_device_authentication_bytes (transcript, IDW_DOCTYPE_MDL,
                                                              doc->device_signed->name_spaces_bytes);

    g_assert_no_error (error);
    g_assert_null (sign1->payload);
    g_assert_cmpint (sign1->alg, ==, IDW_COSE_ALG_EDDSA);
    idw_cose_sign1_verify (sign1, f->device_key, auth, &error);
    g_assert_no_error (error);
  }
}

/* The photo ID of a 居民身份证: issued across three namespaces, shown as
 * "Age over 18" without the citizen ID number, and in full with it. */
static void
test_cn_photo_id (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "mdoc", "person-cn-photoid.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *base_dir = NULL;
  g_autoptr(JsonObject) person = idw_issue_load_data (path, &base_dir, &error);
  g_autoptr(IdwCredential) c = NULL;
  g_auto(GStrv) name_spaces = NULL;
  g_auto(GStrv) age = NULL;
  g_auto(GStrv) full = NULL;
  g_autofree char *holder = NULL;
  g_autofree char *age_text = NULL;
  g_autofree char *full_text = NULL;
  g_autoptr(IdwVerdict) age_verdict = NULL;
  g_autoptr(IdwVerdict) full_verdict = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *raw = NULL;
  g_autofree char *json = NULL;

  g_assert_no_error (error);
  c = idw_issue_credential (person, base_dir, f->device_key, f->issuer->ds_key, f->issuer->ds, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (idw_credential_get_doctype (c), ==, IDW_DOCTYPE_PHOTO_ID);
  g_assert_cmpstr (idw_credential_get_display_name (c), ==, "Photo ID");
  holder = idw_credential_dup_holder_name (c);
  /* Latin letters, family name first as a Chinese name is written. */
  g_assert_cmpstr (holder, ==, "Zhang Wei");
  /* The catalogue's order, not the encoding's (which sorts by length). */
  name_spaces = idw_credential_list_namespaces (c);
  g_assert_cmpuint (g_strv_length (name_spaces), ==, 3);
  g_assert_cmpstr (name_spaces[0], ==, "org.iso.23220.1");
  g_assert_cmpstr (name_spaces[1], ==, "org.iso.23220.photoid.1");
  g_assert_cmpstr (name_spaces[2], ==, "io.github.idwallet.cn.1");
  g_assert_true (cbor_isa_string (idw_credential_get_value (c, IDW_NAMESPACE_CN_RESIDENT_ID, "ethnic_group")));

  age = idw_credential_get_preset_paths (c, IDW_PRESET_AGE_OVER_18);
  g_assert_cmpuint (g_strv_length (age), ==, 1);
  age_text = idw_present_text (c, NULL, (const char * const *) age, NULL, NULL, &error);
  g_assert_no_error (error);
  age_verdict = idw_verifier_verify_text (f->verifier, age_text);
  assert_valid (age_verdict);
  g_assert_cmpstr (idw_verdict_get_doctype (age_verdict), ==, IDW_DOCTYPE_PHOTO_ID);
  assert_disclosed_exactly (age_verdict, (const char * const *) age);
  g_assert_null (idw_verdict_lookup (age_verdict, IDW_NAMESPACE_PHOTO_ID_SPECIFIC, "person_id"));
  g_assert_true (idw_present_text_fits_qr (age_text));

  full = idw_credential_get_preset_paths (c, IDW_PRESET_FULL);
  g_assert_cmpuint (g_strv_length (full), ==, 15);
  full_text = idw_present_text (c, NULL, (const char * const *) full, NULL, NULL, &error);
  g_assert_no_error (error);
  full_verdict = idw_verifier_verify_text (f->verifier, full_text);
  assert_valid (full_verdict);
  assert_disclosed_exactly (full_verdict, (const char * const *) full);
  /* People read the number in groups; the value itself stays as issued. */
  shown = idw_element_format_value (IDW_NAMESPACE_PHOTO_ID_SPECIFIC, "person_id",
                                    idw_verdict_lookup (full_verdict, IDW_NAMESPACE_PHOTO_ID_SPECIFIC, "person_id"));
  g_assert_cmpstr (shown, ==, "990101 19900517 1231");
  raw = idw_cbor_dup_string (idw_verdict_lookup (full_verdict, IDW_NAMESPACE_PHOTO_ID_SPECIFIC, "person_id"));
  g_assert_cmpstr (raw, ==, "990101199005171231");
  json = idw_verdict_to_json (full_verdict, FALSE);
  g_assert_nonnull (strstr (json, "\"990101199005171231\""));
  g_assert_nonnull (strstr (json, "\"汉\""));
}

static void
test_data_files (Fixture       *f,
                 gconstpointer  data)
{
  static const struct { const char *file; const char *doctype; const char *ns; guint n; } cases[] = {
    { "person-mdl.json", IDW_DOCTYPE_MDL, IDW_NAMESPACE_MDL, 26 },
    { "person-pid.json", IDW_DOCTYPE_EU_PID, IDW_NAMESPACE_EU_PID, 14 },
    { "person-photoid.json", IDW_DOCTYPE_PHOTO_ID, IDW_NAMESPACE_PHOTO_ID, 12 },
    { "person-cn-photoid.json", IDW_DOCTYPE_PHOTO_ID, IDW_NAMESPACE_PHOTO_ID, 15 },
  };
  static const IdwPreset presets[] = { IDW_PRESET_FULL, IDW_PRESET_NAME_PHOTO, IDW_PRESET_AGE_OVER_18 };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "mdoc", cases[i].file, NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *base_dir = NULL;
      g_autoptr(JsonObject) person = idw_issue_load_data (path, &base_dir, &error);
      g_autoptr(IdwCredential) c = NULL;
      g_autoptr(GBytes) portrait = NULL;
      g_auto(GStrv) all = NULL;

      g_assert_no_error (error);
      c = idw_issue_credential (person, base_dir, f->device_key, f->issuer->ds_key, f->issuer->ds, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (idw_credential_get_doctype (c), ==, cases[i].doctype);
      all = idw_credential_list_paths (c);
      g_assert_cmpuint (g_strv_length (all), ==, cases[i].n);
      portrait = idw_cbor_dup_bytes (idw_credential_get_value (c, cases[i].ns, "portrait"));
      g_assert_cmpuint (g_bytes_get_size (portrait), ==, 160);

      for (guint p = 0; p < G_N_ELEMENTS (presets); p++)
        {
          g_auto(GStrv) paths = idw_credential_get_preset_paths (c, presets[p]);
          g_autofree char *text = NULL;
          g_autoptr(IdwVerdict) verdict = NULL;

          g_assert_cmpuint (g_strv_length (paths), >, 0);
          text = idw_present_text (c, NULL, (const char * const *) paths, NULL, NULL, &error);
          g_assert_no_error (error);
          verdict = idw_verifier_verify_text (f->verifier, text);
          assert_valid (verdict);
          assert_disclosed_exactly (verdict, (const char * const *) paths);

          /* Every value can be shown to a person and as JSON. */
          for (guint e = 0; e < idw_verdict_get_disclosed (verdict)->len; e++)
            {
              IdwDisclosedElement *el = g_ptr_array_index (idw_verdict_get_disclosed (verdict), e);
              g_autofree char *shown = idw_element_format_value (el->name_space, el->element, el->value);
              g_autofree char *label = idw_element_get_label (el->name_space, el->element);

              g_assert_cmpuint (strlen (shown), >, 0);
              g_assert_cmpuint (strlen (label), >, 0);
            }
        }
    }
}

/* An issuer of the algorithm in @data, otherwise as fixture_setup(). */
static void
fixture_setup_alg (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (now, -1);

  f->issuer = test_issuer_new_full ("Utopia", (IdwCoseAlg) GPOINTER_TO_INT (data), yesterday);
  f->device_key = idw_key_generate_ed25519 ();
  f->credential = test_issue (f->issuer, f->device_key, NULL);
  f->verifier = idw_verifier_new ();
  idw_verifier_add_trust_anchor (f->verifier, f->issuer->iaca);
}

static void
test_issuer_alg (Fixture       *f,
                 gconstpointer  data)
{
  static const char * const paths[] = {
    "org.iso.18013.5.1/family_name",
    "org.iso.18013.5.1/age_over_18",
    NULL
  };
  IdwCoseAlg alg = (IdwCoseAlg) GPOINTER_TO_INT (data);
  IdwIssuerSigned *is = idw_credential_get_issuer_signed (f->credential);
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCoseSign1) sign1 = NULL;
  g_autoptr(cbor_item_t) expected_protected = idw_cbor_new_map ();
  g_autoptr(GBytes) expected_protected_bytes = NULL;
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autoptr(IdwVerdict) tampered_verdict = NULL;
  g_autofree char *text = NULL;
  g_autofree char *tampered_text = NULL;
  cbor_item_t *tampered;
  guint8 *sig;

  /* issuerAuth: protected {1: alg} alone, raw r || s for ECDSA. */
  sign1 = idw_cose_sign1_parse (is->issuer_auth, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sign1->alg, ==, alg);
  idw_cbor_map_add_int (expected_protected, IDW_COSE_HEADER_ALG, idw_cbor_new_int (alg));
  expected_protected_bytes = idw_cbor_encode (expected_protected);
  g_assert_true (g_bytes_equal (sign1->protected_bytes, expected_protected_bytes));
  g_assert_cmpuint (g_bytes_get_size (sign1->signature), ==, alg == IDW_COSE_ALG_ES384 ? 96 : 64);
  g_assert_true (idw_cose_sign1_verify (sign1, f->issuer->ds_key, NULL, &error));
  g_assert_no_error (error);

  text = idw_present_text (f->credential, NULL, paths, NULL, NULL, &error);
  g_assert_no_error (error);
  verdict = idw_verifier_verify_text (f->verifier, text);
  assert_valid (verdict);
  assert_disclosed_exactly (verdict, paths);
  g_assert_cmpstr (idw_verdict_get_issuer_organization (verdict), ==, "Utopia");

  /* One bit of the signature's s changed. */
  tampered = cbor_copy (is->issuer_auth);
  sig = cbor_bytestring_handle (cbor_array_handle (tampered)[3]);
  sig[cbor_bytestring_length (cbor_array_handle (tampered)[3]) - 1] ^= 0x01;
  idw_cbor_unref (is->issuer_auth);
  is->issuer_auth = tampered;
  tampered_text = idw_present_text (f->credential, NULL, paths, NULL, NULL, &error);
  g_assert_no_error (error);
  tampered_verdict = idw_verifier_verify_text (f->verifier, tampered_text);
  g_assert_false (idw_verdict_is_valid (tampered_verdict));
  g_assert_cmpint (idw_verdict_get_status (tampered_verdict, IDW_CHECK_ISSUER_SIGNATURE), ==,
                   IDW_CHECK_STATUS_FAILED);
}

/* The deviceSignature of @envelope's first document. */
static cbor_item_t *
device_signature_of (IdwEnvelope *envelope)
{
  cbor_item_t *documents = idw_cbor_map_get (envelope->response, "documents");
  cbor_item_t *device_signed = idw_cbor_map_get (cbor_array_handle (documents)[0], "deviceSigned");
  cbor_item_t *device_auth = idw_cbor_map_get (device_signed, "deviceAuth");

  return idw_cbor_map_get (device_auth, "deviceSignature");
}

/* A P-256 device key (a TPM's, say) end to end: a credential request
 * with an EC2 key and an ES256 proof, a credential bound to it, an ES256
 * device signature that the verifier checks, and fails when changed. */
static void
test_device_es256 (Fixture       *f,
                   gconstpointer  data)
{
  static const char * const paths[] = { "org.iso.18013.5.1/family_name", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) device_key = idw_key_generate_p256 ();
  g_autoptr(IdwCredentialRequest) request = NULL;
  g_autoptr(IdwCredentialRequest) received = NULL;
  g_autoptr(IdwCredential) credential = NULL;
  g_autoptr(IdwCredential) from_file = NULL;
  g_autoptr(GBytes) cbor = NULL;
  g_autoptr(GBytes) file_bytes = NULL;
  g_autoptr(IdwEnvelope) envelope = NULL;
  g_autoptr(IdwCoseSign1) sign1 = NULL;
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autoptr(IdwVerdict) tampered_verdict = NULL;
  g_autoptr(IdwVerdict) file_verdict = NULL;
  g_autoptr(cbor_item_t) expected_protected = idw_cbor_new_map ();
  g_autoptr(GBytes) expected_protected_bytes = NULL;
  g_autofree char *text = NULL;
  g_autofree char *tampered_text = NULL;
  g_autofree char *file_text = NULL;
  cbor_item_t *signature;
  IdwMso *mso;
  gint64 kty;

  /* Holder → issuer. */
  request = idw_credential_request_new (device_key, NULL, &error);
  g_assert_no_error (error);
  cbor = idw_credential_request_to_bytes (request);
  received = idw_credential_request_parse (cbor, NULL, &error);
  g_assert_no_error (error);
  credential = test_issue (f->issuer, idw_credential_request_get_device_key (received), NULL);
  g_assert_null (idw_credential_get_private_key (credential));

  /* The MSO's deviceKey is the EC2 key of the request. */
  mso = idw_credential_get_mso (credential);
  g_assert_true (idw_cbor_get_int (idw_cbor_map_get_int (mso->device_key, 1), &kty));
  g_assert_cmpint (kty, ==, 2);
  g_assert_true (idw_key_equal (idw_credential_get_device_key (credential), device_key));

  /* The holder presents with the key it kept. */
  envelope = idw_present_envelope (credential, device_key, paths, NULL, NULL, &error);
  g_assert_no_error (error);
  sign1 = idw_cose_sign1_parse (device_signature_of (envelope), &error);
  g_assert_no_error (error);
  g_assert_cmpint (sign1->alg, ==, IDW_COSE_ALG_ES256);
  idw_cbor_map_add_int (expected_protected, IDW_COSE_HEADER_ALG, idw_cbor_new_int (-7));
  expected_protected_bytes = idw_cbor_encode (expected_protected);
  g_assert_true (g_bytes_equal (sign1->protected_bytes, expected_protected_bytes));
  g_assert_null (sign1->payload);
  g_assert_cmpuint (g_bytes_get_size (sign1->signature), ==, 64);

  text = idw_envelope_to_text (envelope);
  verdict = idw_verifier_verify_text (f->verifier, text);
  assert_valid (verdict);
  assert_disclosed_exactly (verdict, paths);

  /* One bit of the device signature's s changed. */
  signature = cbor_array_handle (device_signature_of (envelope))[3];
  cbor_bytestring_handle (signature)[63] ^= 0x01;
  tampered_text = idw_envelope_to_text (envelope);
  tampered_verdict = idw_verifier_verify_text (f->verifier, tampered_text);
  g_assert_false (idw_verdict_is_valid (tampered_verdict));
  g_assert_cmpint (idw_verdict_get_status (tampered_verdict, IDW_CHECK_DEVICE_SIGNATURE), ==,
                   IDW_CHECK_STATUS_FAILED);
  g_assert_cmpint (idw_verdict_get_status (tampered_verdict, IDW_CHECK_ISSUER_SIGNATURE), ==,
                   IDW_CHECK_STATUS_PASSED);

  /* Another key of the same curve cannot present it. */
  {
    g_autoptr(IdwKey) other = idw_key_generate_p256 ();
    g_autofree char *refused = idw_present_text (credential, other, paths, NULL, NULL, &error);

    g_assert_null (refused);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
    g_clear_error (&error);
  }

  /* The issuer-made form: the P-256 private key travels in the credential
   * file (COSE_Key EC2 with d) and presents from there. */
  g_assert_true (idw_credential_set_private_key (credential, device_key, &error));
  g_assert_no_error (error);
  file_bytes = idw_credential_to_bytes (credential, TRUE);
  from_file = idw_credential_new_from_bytes (file_bytes, &error);
  g_assert_no_error (error);
  g_assert_nonnull (idw_credential_get_private_key (from_file));
  g_assert_true (idw_key_equal (idw_credential_get_private_key (from_file), device_key));
  file_text = idw_present_text (from_file, NULL, paths, NULL, NULL, &error);
  g_assert_no_error (error);
  file_verdict = idw_verifier_verify_text (f->verifier, file_text);
  assert_valid (file_verdict);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define FIXTURE(path, func) \
  g_test_add ("/issue-present/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  FIXTURE ("issued-credential", test_issued_credential);
  FIXTURE ("cn-photo-id", test_cn_photo_id);
  FIXTURE ("round-trip", test_round_trip);
  FIXTURE ("round-trip-nonce", test_round_trip_nonce);
  FIXTURE ("age-over-18", test_age_over_18);
  FIXTURE ("presets", test_presets);
  FIXTURE ("unknown-element", test_unknown_element);
  FIXTURE ("wrong-device-key", test_wrong_device_key);
  FIXTURE ("credential-file", test_credential_file);
  FIXTURE ("import-forms", test_import_forms);
  FIXTURE ("tampered-credential-file", test_tampered_credential_file);
  FIXTURE ("issue-errors", test_issue_errors);
  FIXTURE ("issue-generic-and-files", test_issue_generic_and_files);
  FIXTURE ("remote-request", test_remote_request);
  FIXTURE ("remote-request-preset", test_remote_request_preset);
  FIXTURE ("qr-portrait", test_qr_portrait);
  FIXTURE ("device-response-structure", test_device_response_structure);
  FIXTURE ("data-files", test_data_files);
  FIXTURE ("device-es256", test_device_es256);
  g_test_add ("/issue-present/issuer-alg/ES256", Fixture, GINT_TO_POINTER (IDW_COSE_ALG_ES256),
              fixture_setup_alg, test_issuer_alg, fixture_teardown);
  g_test_add ("/issue-present/issuer-alg/ES384", Fixture, GINT_TO_POINTER (IDW_COSE_ALG_ES384),
              fixture_setup_alg, test_issuer_alg, fixture_teardown);
  g_test_add ("/issue-present/issuer-alg/EdDSA", Fixture, GINT_TO_POINTER (IDW_COSE_ALG_EDDSA),
              fixture_setup_alg, test_issuer_alg, fixture_teardown);
  g_test_add_func ("/issue-present/credential-errors", test_credential_errors);
  g_test_add_func ("/issue-present/remote-request-errors", test_remote_request_errors);

  return g_test_run ();
}
