/* test-vical.c: VICALs (ISO/IEC 18013-5 Annex C): reading, verifying,
 * importing into the trust store, and the verdict's trust origin
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real AAMVA list is read at run time from shared/vectors/vical next
 * to the repository (or $IDW_VICAL_DIR), never copied here; those cases
 * are skipped when it is absent. The hostile cases use lists made here.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "idwallet.h"
#include "test-util.h"
#include "vical-test-util.h"

#define VICAL_ENV "IDW_VICAL_DIR"

/* ---- The real AAMVA list ------------------------------------------------ */

static char *
vical_directory (void)
{
  const char *override = g_getenv (VICAL_ENV);
  g_autofree char *path = NULL;

  if (override != NULL && *override != '\0')
    path = g_strdup (override);
  else
    path = g_test_build_filename (G_TEST_DIST, "..", "..", "shared", "vectors", "vical", NULL);

  return g_canonicalize_filename (path, NULL);
}

/* @name from the real vectors, or NULL (and the test skipped). */
static GBytes *
load_vector (const char *name)
{
  g_autofree char *dir = vical_directory ();
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    {
      g_test_skip_printf ("no VICAL vectors at %s (set " VICAL_ENV " to their folder)", dir);
      return NULL;
    }

  return g_bytes_new_take (g_steal_pointer (&contents), len);
}

static IdwCertificate *
load_vector_certificate (const char *name)
{
  g_autoptr(GBytes) data = load_vector (name);
  g_autoptr(GError) error = NULL;
  IdwCertificate *cert;

  if (data == NULL)
    return NULL;

  cert = idw_certificate_new_from_data (g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                                        &error);
  g_assert_no_error (error);
  return cert;
}

/* A copy of @data with the byte at @offset flipped. */
static GBytes *
flip_byte (GBytes *data,
           gsize   offset)
{
  gsize len;
  guint8 *copy = g_memdup2 (g_bytes_get_data (data, &len), g_bytes_get_size (data));

  g_assert_cmpuint (offset, <, len);
  copy[offset] ^= 0x01;
  return g_bytes_new_take (copy, len);
}

static gsize
find_bytes (GBytes     *data,
            const char *needle)
{
  gsize len;
  const guint8 *bytes = g_bytes_get_data (data, &len);
  gsize needle_len = strlen (needle);

  for (gsize i = 0; i + needle_len <= len; i++)
    {
      if (memcmp (bytes + i, needle, needle_len) == 0)
        return i;
    }

  g_assert_not_reached ();
  return 0;
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (handle != NULL && g_dir_read_name (handle) != NULL)
    n++;
  return n;
}

static void
test_aamva (void)
{
  g_autoptr(GBytes) data = load_vector ("aamva.vical");
  g_autoptr(IdwCertificate) root = NULL;
  g_autoptr(IdwCertificate) intermediate = NULL;
  g_autoptr(GPtrArray) anchors = NULL;
  g_autoptr(IdwVical) vical = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) date = test_utc ("2025-11-18T18:38:12Z");
  g_autoptr(GDateTime) next_update = test_utc ("2025-11-19T18:38:12Z");
  g_autofree char *signer = NULL;
  g_autofree char *dir = test_tmp_dir_new ("idw-vical-XXXXXX");
  g_autoptr(IdwTrustStore) store = idw_trust_store_new (dir);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GHashTable) origins = NULL;
  g_auto(IdwTrustImport) import = { 0 };
  GPtrArray *entries;
  guint64 issue_id = 0;

  if (data == NULL)
    return;
  root = load_vector_certificate ("aamva_ca_root.crt");
  intermediate = load_vector_certificate ("aamva_ca_intermediate.crt");

  anchors = cert_list (root, NULL);
  vical = idw_vical_new_from_bytes (data, anchors, NULL, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (idw_vical_get_version (vical), ==, "1.0");
  g_assert_cmpstr (idw_vical_get_provider (vical), ==, "AAMVA");
  g_assert_true (g_date_time_equal (idw_vical_get_date (vical), date));
  g_assert_true (g_date_time_equal (idw_vical_get_next_update (vical), next_update));
  g_assert_true (idw_vical_get_issue_id (vical, &issue_id));
  g_assert_cmpuint (issue_id, ==, 227602);
  g_assert_true (idw_certificate_equal (idw_vical_get_anchor (vical), root));
  signer = idw_certificate_get_subject (idw_vical_get_signer (vical));
  g_assert_nonnull (strstr (signer, "Vical-Signer"));

  entries = idw_vical_get_entries (vical);
  g_assert_cmpuint (entries->len, ==, 14);
  for (guint i = 0; i < entries->len; i++)
    {
      IdwVicalEntry *entry = g_ptr_array_index (entries, i);

      g_assert_true (idw_certificate_is_ca (entry->certificate));
      g_assert_cmpstr (entry->doc_types[0], ==, "org.iso.18013.5.1.mDL");
      g_assert_cmpstr (entry->issuing_country, ==, "US");
      g_assert_nonnull (entry->serial_number);
    }

  /* Its nextUpdate has long passed: it imports, and says how old it is. */
  g_assert_true (idw_vical_is_outdated (vical, now));
  g_assert_cmpint (idw_vical_get_age_days (vical, now), ==,
                   g_date_time_difference (now, date) / G_TIME_SPAN_DAY);
  g_assert_cmpint (idw_vical_get_age_days (vical, now), >, 365);

  g_assert_true (idw_trust_store_import_vical (store, vical, &import, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (import.added, ==, 14);
  g_assert_cmpuint (import.kept, ==, 0);
  g_assert_null (import.replaced);

  listed = idw_trust_store_list_with_origins (store, &origins, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 14);
  g_assert_cmpuint (g_hash_table_size (origins), ==, 14);
  for (guint i = 0; i < listed->len; i++)
    {
      g_autofree char *fp = idw_certificate_get_fingerprint (g_ptr_array_index (listed, i));
      IdwTrustOrigin *origin = g_hash_table_lookup (origins, fp);

      g_assert_nonnull (origin);
      g_assert_cmpstr (idw_trust_origin_get_provider (origin), ==, "AAMVA");
      g_assert_true (g_date_time_equal (idw_trust_origin_get_date (origin), date));
    }
  g_clear_pointer (&anchors, g_ptr_array_unref);
  g_clear_object (&vical);

  /* The intermediate alone vouches too, as an anchor. */
  anchors = cert_list (intermediate, NULL);
  vical = idw_vical_new_from_bytes (data, anchors, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (idw_certificate_equal (idw_vical_get_anchor (vical), intermediate));

  test_tmp_dir_free (g_steal_pointer (&dir));
}

static void
expect_refused (GBytes     *data,
                GPtrArray  *anchors,
                int         code,
                const char *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwVical) vical = idw_vical_new_from_bytes (data, anchors, NULL, NULL, &error);

  g_assert_null (vical);
  g_test_message ("refused: %s", error != NULL ? error->message : "(none)");
  g_assert_error (error, IDW_ERROR, code);
  if (fragment != NULL && strstr (error->message, fragment) == NULL)
    g_error ("“%s” does not say “%s”", error->message, fragment);
}

static void
test_aamva_tampered (void)
{
  g_autoptr(GBytes) data = load_vector ("aamva.vical");
  g_autoptr(IdwCertificate) root = NULL;
  g_autoptr(GPtrArray) anchors = NULL;
  g_autoptr(GPtrArray) wrong = NULL;
  g_autoptr(TestProvider) other = NULL;
  g_autoptr(GBytes) payload_flipped = NULL;
  g_autoptr(GBytes) signature_flipped = NULL;

  if (data == NULL)
    return;
  root = load_vector_certificate ("aamva_ca_root.crt");
  anchors = cert_list (root, NULL);

  /* A letter of an issuing authority's name, inside the payload. */
  payload_flipped = flip_byte (data, find_bytes (data, "Glen Burnie") + 2);
  expect_refused (payload_flipped, anchors, IDW_ERROR_BAD_SIGNATURE, "VICAL");

  /* The signature is the last 64 bytes. */
  signature_flipped = flip_byte (data, g_bytes_get_size (data) - 10);
  expect_refused (signature_flipped, anchors, IDW_ERROR_BAD_SIGNATURE, NULL);

  other = test_provider_new ("Elsewhere");
  wrong = cert_list (other->root, NULL);
  expect_refused (data, wrong, IDW_ERROR_UNTRUSTED, NULL);
}

/* ---- Lists made here ---------------------------------------------------- */

static void
test_made (void)
{
  g_autoptr(TestProvider) provider = test_provider_new ("Utopia Lists");
  g_autoptr(IdwCertificate) a = test_vical_iaca ("Alpha");
  g_autoptr(IdwCertificate) b = test_vical_iaca ("Beta");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) date = g_date_time_add_days (now, -2);
  g_autoptr(GBytes) data = NULL;
  g_autoptr(GBytes) untagged = NULL;
  g_autoptr(GBytes) payload = NULL;
  g_autoptr(GPtrArray) anchors = cert_list (provider->root, NULL);
  g_autoptr(IdwVical) vical = NULL;
  g_autoptr(IdwVical) vical2 = NULL;
  g_autoptr(GError) error = NULL;
  IdwVicalEntry *entry;

  data = test_vical_sign (provider, test_vical_payload_for ("Utopia", date, 7, a, b, NULL));
  vical = idw_vical_new_from_bytes (data, anchors, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (idw_vical_get_entries (vical)->len, ==, 2);
  g_assert_false (idw_vical_is_outdated (vical, now));
  g_assert_cmpint (idw_vical_get_age_days (vical, now), ==, 2);
  entry = g_ptr_array_index (idw_vical_get_entries (vical), 1);
  g_assert_true (idw_certificate_equal (entry->certificate, b));
  g_assert_cmpstr (entry->issuing_authority, ==, "Utopia");
  g_assert_cmpuint (g_bytes_get_size (entry->serial_number), ==, 2);
  g_assert_null (entry->certificate_profiles);

  /* Untagged, and signed by the signer itself as the anchor (pinned). */
  {
    g_autoptr(cbor_item_t) map = test_vical_payload_for ("Utopia", date, 7, a, NULL);

    payload = idw_cbor_encode (map);
  }
  untagged = test_vical_sign_bytes (provider, payload, FALSE);
  g_clear_pointer (&anchors, g_ptr_array_unref);
  anchors = cert_list (provider->signer, NULL);
  vical2 = idw_vical_new_from_bytes (untagged, anchors, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (idw_vical_get_entries (vical2)->len, ==, 1);
}

/* A list of the payload @payload_steal, signed by @provider, that must be
 * refused with @code. */
static void
expect_payload_refused (TestProvider *provider,
                        cbor_item_t  *payload_steal,
                        int           code,
                        const char   *fragment)
{
  g_autoptr(GBytes) data = test_vical_sign (provider, payload_steal);
  g_autoptr(GPtrArray) anchors = cert_list (provider->root, NULL);

  expect_refused (data, anchors, code, fragment);
}

static cbor_item_t *
payload_with (GDateTime   *date,
              const char  *key,
              cbor_item_t *value_steal,
              IdwCertificate *cert)
{
  cbor_item_t *payload = test_vical_payload_for ("Utopia", date, 1, cert, NULL);

  /* Replace (or add) @key. */
  for (gsize i = 0; i < cbor_map_size (payload); i++)
    {
      struct cbor_pair *pair = &cbor_map_handle (payload)[i];

      if (idw_cbor_string_equal (pair->key, key))
        {
          cbor_decref (&pair->value);
          pair->value = value_steal;
          return payload;
        }
    }
  idw_cbor_map_add_str (payload, key, value_steal);
  return payload;
}

static cbor_item_t *
entry_with (IdwCertificate *cert,
            const char     *key,
            cbor_item_t    *value_steal)
{
  cbor_item_t *entry = test_vical_entry (cert);

  for (gsize i = 0; i < cbor_map_size (entry); i++)
    {
      struct cbor_pair *pair = &cbor_map_handle (entry)[i];

      if (idw_cbor_string_equal (pair->key, key))
        {
          cbor_decref (&pair->value);
          if (value_steal == NULL)
            {
              /* Drop the field: a key nobody reads instead. */
              cbor_decref (&pair->key);
              pair->key = idw_cbor_new_string ("x-dropped");
              pair->value = idw_cbor_new_null ();
            }
          else
            pair->value = value_steal;
          return entry;
        }
    }
  idw_cbor_map_add_str (entry, key, value_steal);
  return entry;
}

static cbor_item_t *
one_entry (cbor_item_t *entry_steal)
{
  cbor_item_t *array = idw_cbor_new_array ();

  idw_cbor_array_add (array, entry_steal);
  return array;
}

static void
test_hostile (void)
{
  g_autoptr(TestProvider) provider = test_provider_new ("Hostile Lists");
  g_autoptr(IdwCertificate) iaca = test_vical_iaca ("Alpha");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) date = g_date_time_add_days (now, -1);
  g_autoptr(GDateTime) future = g_date_time_add_days (now, 2);
  g_autoptr(GDateTime) before = g_date_time_add_days (date, -1);
  g_autoptr(GPtrArray) anchors = cert_list (provider->root, NULL);
  static const guint8 garbage[] = { 0x30, 0x03, 0x02, 0x01, 0x01 };

  /* Size: refused before anything is decoded. */
  {
    g_autoptr(GBytes) big = g_bytes_new_take (g_malloc0 (IDW_MAX_VICAL_SIZE + 1),
                                              IDW_MAX_VICAL_SIZE + 1);

    expect_refused (big, anchors, IDW_ERROR_LIMIT, "4 MiB");
  }

  /* Too many entries (the same certificate: the count is checked first). */
  {
    cbor_item_t *entries = idw_cbor_new_array ();

    for (guint i = 0; i < IDW_MAX_VICAL_ENTRIES + 1; i++)
      idw_cbor_array_add (entries, test_vical_entry (iaca));
    expect_payload_refused (provider, test_vical_payload ("Utopia", date, 1, NULL, entries),
                            IDW_ERROR_LIMIT, "1024");
  }

  /* Duplicate entries. */
  expect_payload_refused (provider,
                          test_vical_payload_for ("Utopia", date, 1, iaca, iaca, NULL),
                          IDW_ERROR_DUPLICATE, "certificateInfos[1]");

  /* An entry that is no CA: the signer's own certificate. */
  expect_payload_refused (provider,
                          test_vical_payload_for ("Utopia", date, 1, provider->signer, NULL),
                          IDW_ERROR_BAD_CERTIFICATE, "not a certificate authority");

  /* An entry that is no certificate at all. */
  expect_payload_refused (provider,
                          payload_with (date, "certificateInfos",
                                        one_entry (entry_with (iaca, "certificate",
                                                               idw_cbor_new_bytes (garbage, sizeof garbage))),
                                        iaca),
                          IDW_ERROR_BAD_CERTIFICATE, "certificateInfos[0]: certificate");

  /* Wrong types. */
  expect_payload_refused (provider, payload_with (date, "version", idw_cbor_new_int (1), iaca),
                          IDW_ERROR_WRONG_TYPE, "version");
  expect_payload_refused (provider,
                          payload_with (date, "certificateInfos", idw_cbor_new_map (), iaca),
                          IDW_ERROR_WRONG_TYPE, "certificateInfos");
  expect_payload_refused (provider,
                          payload_with (date, "vicalIssueID", idw_cbor_new_string ("7"), iaca),
                          IDW_ERROR_WRONG_TYPE, "vicalIssueID");
  expect_payload_refused (provider,
                          payload_with (date, "date", idw_cbor_new_string ("yesterday"), iaca),
                          IDW_ERROR_WRONG_TYPE, "date");
  expect_payload_refused (provider,
                          payload_with (date, "certificateInfos",
                                        one_entry (entry_with (iaca, "docType", idw_cbor_new_array ())),
                                        iaca),
                          IDW_ERROR_WRONG_TYPE, "docType");
  expect_payload_refused (provider,
                          payload_with (date, "certificateInfos",
                                        one_entry (entry_with (iaca, "serialNumber",
                                                               idw_cbor_new_string ("42"))),
                                        iaca),
                          IDW_ERROR_WRONG_TYPE, "serialNumber");
  expect_payload_refused (provider,
                          payload_with (date, "certificateInfos",
                                        one_entry (entry_with (iaca, "issuingCountry",
                                                               idw_cbor_new_int (840))),
                                        iaca),
                          IDW_ERROR_WRONG_TYPE, "issuingCountry");
  expect_payload_refused (provider,
                          payload_with (date, "certificateInfos",
                                        one_entry (idw_cbor_new_string ("IACA")), iaca),
                          IDW_ERROR_WRONG_TYPE, "certificateInfos[0]");

  /* Missing fields. */
  expect_payload_refused (provider,
                          payload_with (date, "certificateInfos",
                                        one_entry (entry_with (iaca, "ski", NULL)), iaca),
                          IDW_ERROR_MISSING_FIELD, "ski");
  {
    cbor_item_t *payload = test_vical_payload_for ("Utopia", date, 1, iaca, NULL);
    g_autoptr(GDateTime) none = NULL;

    /* vicalProvider renamed away. */
    for (gsize i = 0; i < cbor_map_size (payload); i++)
      {
        struct cbor_pair *pair = &cbor_map_handle (payload)[i];

        if (idw_cbor_string_equal (pair->key, "vicalProvider"))
          {
            cbor_decref (&pair->key);
            pair->key = idw_cbor_new_string ("provider");
          }
      }
    expect_payload_refused (provider, payload, IDW_ERROR_MISSING_FIELD, "vicalProvider");
  }

  /* Version, dates. */
  expect_payload_refused (provider, payload_with (date, "version", idw_cbor_new_string ("2.0"), iaca),
                          IDW_ERROR_UNSUPPORTED, "2.0");
  expect_payload_refused (provider, payload_with (future, "date", idw_cbor_new_tdate (future), iaca),
                          IDW_ERROR_NOT_YET_VALID, "future");
  expect_payload_refused (provider, payload_with (date, "nextUpdate", idw_cbor_new_tdate (before), iaca),
                          IDW_ERROR_MALFORMED, "nextUpdate");

  /* Not a list at all, truncated, trailing bytes, tampered. */
  {
    g_autoptr(GBytes) data = test_vical_sign (provider,
                                              test_vical_payload_for ("Utopia", date, 1, iaca, NULL));
    gsize len = g_bytes_get_size (data);
    g_autoptr(GBytes) truncated = g_bytes_new_from_bytes (data, 0, len - 1);
    g_autoptr(GByteArray) trailing = g_byte_array_new ();
    g_autoptr(GBytes) trailing_bytes = NULL;
    g_autoptr(GBytes) flipped_payload = flip_byte (data, find_bytes (data, "Utopia") + 1);
    g_autoptr(GBytes) flipped_signature = flip_byte (data, len - 1);
    g_autoptr(GBytes) text = g_bytes_new_static ("hello", 5);
    static const guint8 zero = 0;

    g_byte_array_append (trailing, g_bytes_get_data (data, NULL), (guint) len);
    g_byte_array_append (trailing, &zero, 1);
    trailing_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&trailing));

    expect_refused (truncated, anchors, IDW_ERROR_MALFORMED, "VICAL");
    expect_refused (trailing_bytes, anchors, IDW_ERROR_MALFORMED, "VICAL");
    expect_refused (flipped_payload, anchors, IDW_ERROR_BAD_SIGNATURE, "VICAL");
    expect_refused (flipped_signature, anchors, IDW_ERROR_BAD_SIGNATURE, "VICAL");
    expect_refused (text, anchors, IDW_ERROR_MALFORMED, "VICAL");
  }

  /* A payload that is not a map. */
  {
    g_autoptr(cbor_item_t) array = idw_cbor_new_array ();
    g_autoptr(GBytes) payload = idw_cbor_encode (array);
    g_autoptr(GBytes) data = test_vical_sign_bytes (provider, payload, TRUE);

    expect_refused (data, anchors, IDW_ERROR_WRONG_TYPE, "expected a map");
  }
}

static void
test_signer_rules (void)
{
  static const TestCertOptions ds_like = { .ds_usage = TRUE };
  static const TestCertOptions ca_signer = { .ca = TRUE, .basic_constraints = TRUE,
                                             .purpose = TEST_OID_VICAL_SIGNER };
  g_autoptr(TestProvider) ds_provider = test_provider_new_full ("DS Lists", &ds_like);
  g_autoptr(TestProvider) ca_provider = test_provider_new_full ("CA Lists", &ca_signer);
  g_autoptr(TestProvider) provider = test_provider_new ("Good Lists");
  g_autoptr(IdwCertificate) iaca = test_vical_iaca ("Alpha");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) date = g_date_time_add_days (now, -1);
  g_autoptr(GDateTime) long_ago = g_date_time_add_days (now, -2000);

  /* A document signer is not a list signer. */
  expect_payload_refused (ds_provider, test_vical_payload_for ("Utopia", date, 1, iaca, NULL),
                          IDW_ERROR_BAD_CERTIFICATE, "1.0.18013.5.1.8");
  expect_payload_refused (ca_provider, test_vical_payload_for ("Utopia", date, 1, iaca, NULL),
                          IDW_ERROR_BAD_CERTIFICATE, "certificate authority");
  /* Dated before the signer's certificate was valid. */
  expect_payload_refused (provider, test_vical_payload_for ("Utopia", long_ago, 1, iaca, NULL),
                          IDW_ERROR_NOT_YET_VALID, "VICAL");

  /* The intermediate given, not in the x5chain: the root vouches for a
   * signer under an intermediate. */
  {
    static const TestCertOptions intermediate_options = { .ca = TRUE, .basic_constraints = TRUE };
    static const TestCertOptions signer_options = { .key_usage = GNUTLS_KEY_NON_REPUDIATION,
                                                    .purpose = TEST_OID_VICAL_SIGNER };
    g_autoptr(GDateTime) from = g_date_time_add_days (now, -10);
    g_autoptr(GDateTime) until = g_date_time_add_years (now, 1);
    gnutls_x509_privkey_t intermediate_key = make_ed25519_key ();
    gnutls_x509_privkey_t signer_key = make_ed25519_key ();
    g_autoptr(IdwCertificate) intermediate = make_test_cert (intermediate_key, "C=UT,CN=Lists CA",
                                                             provider->root, provider->root_key,
                                                             from, until, &intermediate_options);
    g_autoptr(IdwCertificate) signer = make_test_cert (signer_key, "C=UT,CN=Lists signer",
                                                       intermediate, intermediate_key,
                                                       from, until, &signer_options);
    g_autoptr(GPtrArray) anchors = cert_list (provider->root, NULL);
    g_autoptr(GPtrArray) intermediates = cert_list (intermediate, NULL);
    g_autoptr(GBytes) data = NULL;
    g_autoptr(IdwVical) vical = NULL;
    g_autoptr(GError) error = NULL;

    /* Swap the signer in the provider (freed with it). */
    g_clear_pointer (&provider->signer, idw_certificate_unref);
    g_clear_pointer (&provider->key, idw_key_unref);
    provider->signer = idw_certificate_ref (signer);
    provider->key = idw_key_from_gnutls (signer_key);
    data = test_vical_sign (provider, test_vical_payload_for ("Utopia", date, 1, iaca, NULL));

    expect_refused (data, anchors, IDW_ERROR_UNTRUSTED, NULL);
    vical = idw_vical_new_from_bytes (data, anchors, intermediates, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (idw_certificate_equal (idw_vical_get_anchor (vical), provider->root));

    gnutls_x509_privkey_deinit (intermediate_key);
    gnutls_x509_privkey_deinit (signer_key);
  }
}

/* ---- The trust store ---------------------------------------------------- */

typedef struct
{
  char          *dir;
  IdwTrustStore *store;
  TestProvider  *provider;
  GPtrArray     *anchors;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = test_tmp_dir_new ("idw-vical-store-XXXXXX");
  f->store = idw_trust_store_new (f->dir);
  f->provider = test_provider_new ("Store Lists");
  f->anchors = cert_list (f->provider->root, NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  g_clear_pointer (&f->provider, test_provider_free);
  g_clear_pointer (&f->anchors, g_ptr_array_unref);
  test_tmp_dir_free (f->dir);
}

static IdwVical *
make_vical (Fixture     *f,
            const char  *provider,
            GDateTime   *date,
            gint64       issue_id,
            cbor_item_t *payload_steal)
{
  g_autoptr(GBytes) data = test_vical_sign (f->provider, payload_steal);
  g_autoptr(GError) error = NULL;
  IdwVical *vical = idw_vical_new_from_bytes (data, f->anchors, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (idw_vical_get_provider (vical), ==, provider);
  return vical;
}

/* fingerprint → provider (or "" for one added by hand), as the store lists. */
static GHashTable *
store_state (IdwTrustStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) origins = NULL;
  g_autoptr(GPtrArray) listed = idw_trust_store_list_with_origins (store, &origins, NULL, &error);
  GHashTable *state = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_assert_no_error (error);
  for (guint i = 0; i < listed->len; i++)
    {
      char *fp = idw_certificate_get_fingerprint (g_ptr_array_index (listed, i));
      IdwTrustOrigin *origin = g_hash_table_lookup (origins, fp);

      g_hash_table_insert (state, fp, g_strdup (origin != NULL ? idw_trust_origin_get_provider (origin) : ""));
    }
  return state;
}

static const char *
state_of (GHashTable     *state,
          IdwCertificate *cert)
{
  g_autofree char *fp = idw_certificate_get_fingerprint (cert);

  return g_hash_table_lookup (state, fp);
}

static void
on_count (IdwTrustStore *store,
          guint         *count)
{
  (*count)++;
}

static void
test_store_versions (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(IdwCertificate) a = test_vical_iaca ("Alpha");
  g_autoptr(IdwCertificate) b = test_vical_iaca ("Beta");
  g_autoptr(IdwCertificate) c = test_vical_iaca ("Gamma");
  g_autoptr(IdwCertificate) manual = test_vical_iaca ("Manual");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) d1 = g_date_time_add_days (now, -20);
  g_autoptr(GDateTime) d2 = g_date_time_add_days (now, -10);
  g_autoptr(IdwVical) v1 = make_vical (f, "Utopia", d1, 1, test_vical_payload_for ("Utopia", d1, 1, a, b, NULL));
  g_autoptr(IdwVical) v1_again = make_vical (f, "Utopia", d1, 1, test_vical_payload_for ("Utopia", d1, 1, a, b, NULL));
  g_autoptr(IdwVical) v2 = make_vical (f, "Utopia", d2, 2, test_vical_payload_for ("Utopia", d2, 2, b, c, NULL));
  g_autoptr(IdwVical) other = make_vical (f, "Erewhon", d1, -1, test_vical_payload_for ("Erewhon", d1, -1, c, NULL));
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) state = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GPtrArray) lists = NULL;
  g_autoptr(IdwTrustOrigin) removed = NULL;
  g_autofree char *a_fp = idw_certificate_get_fingerprint (a);
  guint n_removed = 0;
  guint changed = 0;

  /* One by one, and also on the list: stays when the list goes. */
  g_assert_true (idw_trust_store_add (f->store, manual, NULL, &error));
  g_assert_true (idw_trust_store_add (f->store, b, NULL, &error));

  {
    g_auto(IdwTrustImport) import = { 0 };

    g_assert_true (idw_trust_store_import_vical (f->store, v1, &import, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (import.added, ==, 2);
    g_assert_false (import.unchanged);
  }
  state = store_state (f->store);
  g_assert_cmpuint (g_hash_table_size (state), ==, 3);
  g_assert_cmpstr (state_of (state, a), ==, "Utopia");
  g_assert_cmpstr (state_of (state, b), ==, "");       /* added by hand first */
  g_assert_cmpstr (state_of (state, manual), ==, "");
  g_clear_pointer (&state, g_hash_table_unref);

  /* A list's anchor is removed with its list, not by itself. */
  g_assert_false (idw_trust_store_remove (f->store, a_fp, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "Utopia"));
  g_clear_error (&error);

  /* The same list again. */
  {
    g_auto(IdwTrustImport) import = { 0 };

    g_assert_true (idw_trust_store_import_vical (f->store, v1_again, &import, &error));
    g_assert_true (import.unchanged);
    g_assert_cmpuint (import.kept, ==, 2);
    g_assert_cmpuint (import.added, ==, 0);
    g_assert_nonnull (import.replaced);
  }

  /* A newer one replaces it. */
  {
    g_auto(IdwTrustImport) import = { 0 };

    g_assert_true (idw_trust_store_import_vical (f->store, v2, &import, &error));
    g_assert_cmpuint (import.added, ==, 1);
    g_assert_cmpuint (import.kept, ==, 1);
    g_assert_cmpuint (import.removed, ==, 1);
    g_assert_false (import.unchanged);
    g_assert_true (idw_trust_origin_equal (import.replaced, idw_vical_get_origin (v1)));
  }
  state = store_state (f->store);
  g_assert_null (state_of (state, a));
  g_assert_cmpstr (state_of (state, c), ==, "Utopia");
  g_clear_pointer (&state, g_hash_table_unref);

  /* An older one is refused and changes nothing. */
  before = store_state (f->store);
  g_assert_false (idw_trust_store_import_vical (f->store, v1, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_SUPERSEDED);
  g_assert_nonnull (strstr (error->message, "older"));
  g_clear_error (&error);
  state = store_state (f->store);
  g_assert_cmpuint (g_hash_table_size (state), ==, g_hash_table_size (before));
  g_assert_null (state_of (state, a));
  g_clear_pointer (&state, g_hash_table_unref);

  /* Another provider's list lives beside it. */
  g_assert_true (idw_trust_store_import_vical (f->store, other, NULL, &error));
  lists = idw_trust_store_list_vicals (f->store, NULL, &error);
  g_assert_cmpuint (lists->len, ==, 2);

  /* Removing one list leaves the other and those added by hand. */
  g_signal_connect (f->store, "changed", G_CALLBACK (on_count), &changed);
  g_assert_true (idw_trust_store_remove_vical (f->store, "utopia", &removed, &n_removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (n_removed, ==, 2);
  g_assert_true (idw_trust_origin_equal (removed, idw_vical_get_origin (v2)));
  state = store_state (f->store);
  g_assert_cmpuint (g_hash_table_size (state), ==, 3);
  g_assert_cmpstr (state_of (state, b), ==, "");
  g_assert_cmpstr (state_of (state, manual), ==, "");
  g_assert_cmpstr (state_of (state, c), ==, "Erewhon");
  g_clear_pointer (&state, g_hash_table_unref);

  g_assert_false (idw_trust_store_remove_vical (f->store, "Utopia", NULL, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Nothing of the removed list is left on disk. */
  {
    g_autofree char *lists_dir = g_build_filename (f->dir, "lists", NULL);

    g_assert_cmpuint (count_files (lists_dir), ==, 1);
  }
}

static void
test_store_damaged (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(IdwCertificate) a = test_vical_iaca ("Alpha");
  g_autoptr(IdwCertificate) b = test_vical_iaca ("Beta");
  g_autoptr(IdwCertificate) manual = test_vical_iaca ("Manual");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) date = g_date_time_add_days (now, -3);
  g_autoptr(IdwVical) one = make_vical (f, "One", date, 1, test_vical_payload_for ("One", date, 1, a, NULL));
  g_autoptr(IdwVical) two = make_vical (f, "Two", date, 1, test_vical_payload_for ("Two", date, 1, b, NULL));
  g_autoptr(IdwVical) one_again = make_vical (f, "One", date, 1, test_vical_payload_for ("One", date, 1, a, NULL));
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) state = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GPtrArray) folders = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = NULL;
  g_autofree char *lists_dir = g_build_filename (f->dir, "lists", NULL);
  g_autofree char *one_json = NULL;
  g_auto(GStrv) damaged = NULL;
  const char *name;

  g_assert_true (idw_trust_store_add (f->store, manual, NULL, &error));
  g_assert_true (idw_trust_store_import_vical (f->store, one, NULL, &error));
  g_assert_true (idw_trust_store_import_vical (f->store, two, NULL, &error));
  g_assert_no_error (error);

  dir = g_dir_open (lists_dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "one-"))
      one_json = g_build_filename (lists_dir, name, "list.json", NULL);
  g_assert_nonnull (one_json);
  g_assert_true (g_file_set_contents (one_json, "{\"format\": 1, \"provider\": ", -1, NULL));

  /* Only that list is lost; the damage is reported. */
  listed = idw_trust_store_list (f->store, &damaged, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 2);
  g_assert_cmpuint (g_strv_length (damaged), ==, 1);
  g_assert_cmpstr (damaged[0], ==, one_json);
  state = store_state (f->store);
  g_assert_null (state_of (state, a));
  g_assert_cmpstr (state_of (state, b), ==, "Two");
  g_assert_cmpstr (state_of (state, manual), ==, "");

  /* Importing the list again repairs it; so would removing it. */
  g_assert_true (idw_trust_store_import_vical (f->store, one_again, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&state, g_hash_table_unref);
  state = store_state (f->store);
  g_assert_cmpstr (state_of (state, a), ==, "One");
  g_assert_true (g_file_set_contents (one_json, "[]", -1, NULL));
  g_assert_true (idw_trust_store_remove_vical (f->store, "One", NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_pointer (&listed, g_ptr_array_unref);
  g_clear_pointer (&damaged, g_strfreev);
  listed = idw_trust_store_list (f->store, &damaged, &error);
  g_assert_cmpuint (listed->len, ==, 2);
  g_assert_cmpuint (g_strv_length (damaged), ==, 0);
}

/* ---- The verdict ---------------------------------------------------------- */

static void
test_verdict_origin (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(IdwIssuerFiles) files = NULL;
  g_autoptr(IdwCertificate) iaca = NULL;
  g_autoptr(IdwCertificate) ds = NULL;
  g_autoptr(IdwKey) ds_key = NULL;
  g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
  g_autoptr(IdwCredential) credential = NULL;
  g_autoptr(IdwVerifier) verifier = idw_verifier_new ();
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) date = g_date_time_add_days (now, -1);
  g_autoptr(IdwVical) vical = NULL;
  g_autofree char *text = NULL;
  g_autofree char *json = NULL;
  const char *paths[] = { "org.iso.18013.5.1/family_name", NULL };
  IdwTrustOrigin *origin;

  files = idw_x509_create_issuer ("Listed Authority", "UT", IDW_COSE_ALG_EDDSA, FALSE, NULL, &error);
  g_assert_no_error (error);
  iaca = idw_certificate_new_from_data ((const guint8 *) files->iaca_pem, strlen (files->iaca_pem), &error);
  ds = idw_certificate_new_from_data ((const guint8 *) files->ds_pem, strlen (files->ds_pem), &error);
  ds_key = idw_key_new_from_pem (files->ds_key_pem, strlen (files->ds_key_pem), &error);
  g_assert_no_error (error);

  json_parser_load_from_data (parser, "{\"org.iso.18013.5.1\": {\"family_name\": \"Doe\"}}", -1, &error);
  credential = idw_issue_credential (json_node_get_object (json_parser_get_root (parser)),
                                     NULL, device_key, ds_key, ds, NULL, &error);
  g_assert_no_error (error);
  text = idw_present_text (credential, device_key, paths, NULL, NULL, &error);
  g_assert_no_error (error);

  vical = make_vical (f, "Utopia", date, 5, test_vical_payload_for ("Utopia", date, 5, iaca, NULL));
  g_assert_true (idw_trust_store_import_vical (f->store, vical, NULL, &error));
  g_assert_cmpint (idw_trust_store_apply (f->store, verifier, &error), ==, 1);

  verdict = idw_verifier_verify_text (verifier, text);
  g_assert_true (idw_verdict_is_valid (verdict));
  origin = idw_verdict_get_trust_origin (verdict);
  g_assert_nonnull (origin);
  g_assert_cmpstr (idw_trust_origin_get_provider (origin), ==, "Utopia");
  g_assert_nonnull (strstr (idw_verdict_get_detail (verdict, IDW_CHECK_ISSUER_TRUSTED), "VICAL of Utopia"));
  json = idw_verdict_to_json (verdict, FALSE);
  g_assert_nonnull (strstr (json, "\"trustOrigin\":{\"kind\":\"vical\",\"provider\":\"Utopia\""));
  g_clear_object (&verdict);
  g_clear_pointer (&json, g_free);

  /* The same anchor added by hand: trusted, without an origin. */
  g_assert_true (idw_trust_store_add (f->store, iaca, NULL, &error));
  g_assert_cmpint (idw_trust_store_apply (f->store, verifier, &error), ==, 1);
  verdict = idw_verifier_verify_text (verifier, text);
  g_assert_true (idw_verdict_is_valid (verdict));
  g_assert_null (idw_verdict_get_trust_origin (verdict));
  json = idw_verdict_to_json (verdict, FALSE);
  g_assert_nonnull (strstr (json, "\"trustOrigin\":null"));
  g_clear_object (&verdict);

  /* List removed, hand-added anchor kept: still trusted. */
  g_assert_true (idw_trust_store_remove_vical (f->store, "Utopia", NULL, NULL, &error));
  g_assert_cmpint (idw_trust_store_apply (f->store, verifier, &error), ==, 1);
  verdict = idw_verifier_verify_text (verifier, text);
  g_assert_true (idw_verdict_is_valid (verdict));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vical/aamva", test_aamva);
  g_test_add_func ("/vical/aamva-tampered", test_aamva_tampered);
  g_test_add_func ("/vical/made", test_made);
  g_test_add_func ("/vical/hostile", test_hostile);
  g_test_add_func ("/vical/signer-rules", test_signer_rules);
  g_test_add ("/vical/store-versions", Fixture, NULL,
              fixture_set_up, test_store_versions, fixture_tear_down);
  g_test_add ("/vical/store-damaged", Fixture, NULL,
              fixture_set_up, test_store_damaged, fixture_tear_down);
  g_test_add ("/vical/verdict-origin", Fixture, NULL,
              fixture_set_up, test_verdict_origin, fixture_tear_down);

  return g_test_run ();
}
