/* test-keystore-tpm.c: TPM-bound device keys in the real Secret Service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * build-aux/dev test runs this inside a private D-Bus session with a
 * gnome-keyring-daemon unlocked by a test password; the program starts its
 * own swtpm (tpm-test-util.h). Skipped without TPM support or swtpm.
 */
#include "config.h"

#include <string.h>

#include "idw-error.h"
#include "idw-keystore.h"
#include "idw-tpm.h"
#include "tpm-test-util.h"

static SwTpm the_tpm;

static void
stop_the_tpm (void)
{
  swtpm_stop (&the_tpm);
}

static SecretItem *
find_item (const char *kind,
           const char *fingerprint)
{
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  GList *items;
  SecretItem *item = NULL;

  g_hash_table_insert (attributes, (gpointer) "kind", (gpointer) kind);
  g_hash_table_insert (attributes, (gpointer) "fingerprint", (gpointer) fingerprint);
  items = secret_service_search_sync (NULL, idw_keystore_get_schema (), attributes,
                                      SECRET_SEARCH_ALL | SECRET_SEARCH_LOAD_SECRETS, NULL, &error);
  g_assert_no_error (error);
  if (items != NULL)
    {
      g_assert_cmpuint (g_list_length (items), ==, 1);
      item = g_object_ref (items->data);
    }
  g_list_free_full (items, g_object_unref);
  return item;
}

static void
test_round_trip (void)
{
  static const char message[] = "sign me in the TPM";
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) created = NULL;
  g_autoptr(IdwKey) found = NULL;
  g_autoptr(IdwKey) software = NULL;
  g_autoptr(GBytes) blob = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(SecretItem) item = NULL;
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *label = NULL;
  g_autofree char *expected_text = NULL;
  gboolean ok;

  created = idw_keystore_create_tpm_device_key_sync ("Mobile driving licence, Erika Mustermann",
                                                     NULL, &error);
  g_assert_no_error (error);
  g_assert_true (idw_key_is_hardware (created));
  fingerprint = idw_key_get_fingerprint (created);

  /* The item a person sees in Passwords and Keys, holding the blob. */
  item = find_item (IDW_KEYSTORE_KIND_DEVICE_TPM, fingerprint);
  g_assert_nonnull (item);
  label = secret_item_get_label (item);
  g_assert_cmpstr (label, ==,
                   "ID Wallet device key (TPM) for “Mobile driving licence, Erika Mustermann”");
  attributes = secret_item_get_attributes (item);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "kind"), ==, "device-key-tpm");
  value = secret_item_get_secret (item);
  g_assert_cmpstr (secret_value_get_content_type (value), ==, "text/plain");
  blob = idw_tpm_key_get_blob (created);
  expected_text = g_base64_encode (g_bytes_get_data (blob, NULL), g_bytes_get_size (blob));
  g_assert_cmpstr (secret_value_get_text (value), ==, expected_text);

  /* The wallet's lookup of a device key, which finds no software key of
   * this fingerprint, finds the TPM-bound one (not a damaged seed). */
  software = idw_keystore_lookup_device_key_sync (fingerprint, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (idw_key_is_hardware (software));
  g_assert_true (idw_key_equal (software, created));

  found = idw_keystore_lookup_tpm_device_key_sync (fingerprint, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (idw_key_equal (found, created));
  g_assert_true (idw_key_is_hardware (found));
  signature = idw_key_sign (found, (const guint8 *) message, strlen (message), &error);
  g_assert_no_error (error);
  ok = idw_key_verify (created, IDW_COSE_ALG_ES256, (const guint8 *) message, strlen (message),
                       g_bytes_get_data (signature, NULL), g_bytes_get_size (signature), &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  /* On another computer's TPM the item is found, the key refused. */
  {
    SwTpm other = { 0 };
    g_autoptr(IdwKey) elsewhere = NULL;

    swtpm_start (&other);
    g_setenv ("IDW_TPM_TCTI", other.tcti, TRUE);
    elsewhere = idw_keystore_lookup_tpm_device_key_sync (fingerprint, NULL, &error);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_TPM);
    g_assert_null (elsewhere);
    g_clear_error (&error);
    swtpm_stop (&other);
    g_setenv ("IDW_TPM_TCTI", the_tpm.tcti, TRUE);
  }

  ok = idw_keystore_delete_tpm_device_key_sync (fingerprint, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_clear_pointer (&found, idw_key_unref);
  found = idw_keystore_lookup_tpm_device_key_sync (fingerprint, NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND);
  g_assert_null (found);
  g_clear_error (&error);
  ok = idw_keystore_delete_tpm_device_key_sync (fingerprint, NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND);
  g_assert_false (ok);
}

static void
test_damaged_and_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) software = idw_key_generate_ed25519 ();
  g_autoptr(IdwKey) created = NULL;
  g_autoptr(IdwKey) found = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autoptr(SecretValue) value = NULL;
  g_autofree char *fingerprint = NULL;
  gboolean ok;

  /* Only a TPM key goes into a TPM item. */
  ok = idw_keystore_store_tpm_device_key_sync (software, NULL, NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
  g_assert_false (ok);
  g_clear_error (&error);

  found = idw_keystore_lookup_tpm_device_key_sync ("not a fingerprint", NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_assert_null (found);
  g_clear_error (&error);

  /* An item whose text is not a wrapped key is damaged. */
  created = idw_keystore_create_tpm_device_key_sync (NULL, NULL, &error);
  g_assert_no_error (error);
  fingerprint = idw_key_get_fingerprint (created);
  attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (attributes, (gpointer) "kind", (gpointer) IDW_KEYSTORE_KIND_DEVICE_TPM);
  g_hash_table_insert (attributes, (gpointer) "fingerprint", fingerprint);
  value = secret_value_new ("AQIDBA==", -1, "text/plain");
  ok = secret_service_store_sync (NULL, idw_keystore_get_schema (), attributes,
                                  SECRET_COLLECTION_DEFAULT, "damaged", value, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  found = idw_keystore_lookup_tpm_device_key_sync (fingerprint, NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_KEYRING);
  g_assert_null (found);
  g_clear_error (&error);

  ok = idw_keystore_delete_tpm_device_key_sync (fingerprint, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
}

static void
test_skip (void)
{
  g_test_skip (idw_tpm_is_supported () ? "swtpm is not installed (Debian: swtpm)"
                                       : "no TPM support in this build");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_setenv ("TSS2_LOG", "all+none", TRUE);

  if (!idw_tpm_is_supported () || !swtpm_available ())
    {
      g_test_add_func ("/keystore-tpm/skipped", test_skip);
      return g_test_run ();
    }

  swtpm_start (&the_tpm);
  atexit (stop_the_tpm);
  g_setenv ("IDW_TPM_TCTI", the_tpm.tcti, TRUE);

  g_test_add_func ("/keystore-tpm/round-trip", test_round_trip);
  g_test_add_func ("/keystore-tpm/damaged-and-refused", test_damaged_and_refused);

  status = g_test_run ();
  stop_the_tpm ();
  return status;
}
