/* test-store-import.c: the import rules, with the real Secret Service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the app's import and `id-wallet-cli import` both rely on: each
 * refusal has its own error code, nothing refused reaches the store, and a
 * device private key the file carries ends in the keyring and not in the
 * store. build-aux/dev test runs this inside a private D-Bus session with
 * an unlocked gnome-keyring-daemon, like test-store.
 */
#include "config.h"

#include <string.h>

#include "idw-cose.h"
#include "idw-store-import.h"
#include "store-test-util.h"

/* ---- Credential files ---- */

/* Another issuer: its DS certificate stands in for the real one. */
static TestIssuer *other_issuer;

/* An mDL for @given @family bound to @device_key, as the file an issuer
 * gives out: with the private key when @device_key has it. */
static GBytes *
issue_file (const char *given,
            const char *family,
            IdwKey     *device_key)
{
  g_autoptr(IdwCredential) credential = issue_mdl (given, family, NULL, device_key);

  return idw_credential_to_bytes (credential, TRUE);
}

/* @bytes with the last @from replaced by @to (same length). */
static GBytes *
patched (GBytes     *bytes,
         const char *from,
         const char *to)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  guint8 *copy = g_memdup2 (data, len);
  gsize from_len = strlen (from);
  guint8 *found = NULL;

  g_assert_cmpuint (from_len, ==, strlen (to));
  for (gsize i = 0; i + from_len <= len; i++)
    if (memcmp (copy + i, from, from_len) == 0)
      found = copy + i;
  g_assert_nonnull (found);
  memcpy (found, to, from_len);

  return g_bytes_new_take (copy, len);
}

/* A copy whose issuerAuth names another issuer's DS certificate: the
 * structure and the digests hold, the signature does not. */
static GBytes *
forged (GBytes *bytes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCredential) credential = idw_credential_new_from_bytes (bytes, &error);
  g_autoptr(GBytes) der = idw_certificate_get_der (other_issuer->ds);
  cbor_item_t *unprotected;
  struct cbor_pair *pairs;
  gboolean replaced = FALSE;

  g_assert_no_error (error);
  unprotected = cbor_array_get (idw_credential_get_issuer_signed (credential)->issuer_auth, 1);
  pairs = cbor_map_handle (unprotected);
  for (gsize i = 0; i < cbor_map_size (unprotected); i++)
    {
      if (cbor_isa_uint (pairs[i].key) && cbor_get_int (pairs[i].key) == IDW_COSE_HEADER_X5CHAIN)
        {
          cbor_decref (&pairs[i].value);
          pairs[i].value = idw_cbor_new_gbytes (der);
          replaced = TRUE;
        }
    }
  cbor_decref (&unprotected);
  g_assert_true (replaced);

  return idw_credential_to_bytes (credential, TRUE);
}

/* ---- Fixture: fixture_setup() of store-test-util.h ---- */

static void
fixture_teardown_deleting (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GPtrArray) entries = idw_store_list_sync (f->store, NULL, NULL);

  /* Takes the device keys out of the keyring again. */
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    idw_store_delete_sync (f->store, idw_store_entry_get_id (g_ptr_array_index (entries, i)), NULL, NULL);

  fixture_teardown (f, data);
}

static guint
count_entries (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = idw_store_list_sync (f->store, NULL, &error);

  g_assert_no_error (error);
  return entries->len;
}

/* @data is refused with @code, and the store is left as it was. */
static void
assert_refused (Fixture    *f,
                GBytes     *data,
                int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwStoreEntry) entry = NULL;
  g_autoptr(IdwStoreEntry) duplicate = NULL;
  g_autoptr(IdwCredential) checked = NULL;
  guint before = count_entries (f);

  entry = idw_store_import_sync (f->store, data, NULL, &duplicate, NULL, &error);
  g_assert_error (error, IDW_ERROR, code);
  g_assert_nonnull (error->message);
  g_assert_cmpstr (error->message, !=, "");
  g_assert_null (entry);
  g_assert_null (duplicate);
  g_clear_error (&error);

  /* The same answer without a store. */
  checked = idw_store_import_check (data, &error);
  g_assert_error (error, IDW_ERROR, code);
  g_assert_null (checked);

  g_assert_cmpuint (count_entries (f), ==, before);
}

/* ---- Tests ---- */

static void
test_import (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
  g_autoptr(GBytes) file = issue_file ("Erika", "Mustermann", device_key);
  g_autoptr(IdwStoreEntry) entry = NULL;
  g_autoptr(IdwStoreEntry) again = NULL;
  g_autoptr(IdwStoreEntry) duplicate = NULL;
  g_autoptr(IdwCredential) checked = NULL;
  g_autoptr(IdwKey) in_keyring = NULL;
  g_autofree char *fingerprint = idw_key_get_fingerprint (device_key);
  IdwCredential *stored;

  /* The check keeps the key the file carries: the caller may say so. */
  checked = idw_store_import_check (file, &error);
  g_assert_no_error (error);
  g_assert_nonnull (idw_credential_get_private_key (checked));
  g_assert_false (keyring_has_key (fingerprint));

  entry = idw_store_import_sync (f->store, file, "Mine", &duplicate, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (entry);
  g_assert_null (duplicate);
  g_assert_cmpstr (idw_store_entry_get_nickname (entry), ==, "Mine");

  /* The private key went to the keyring, not into the store. */
  stored = idw_store_entry_get_credential (entry);
  g_assert_null (idw_credential_get_private_key (stored));
  in_keyring = idw_keystore_lookup_device_key_sync (fingerprint, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (idw_key_has_private (in_keyring));
  g_assert_true (idw_key_equal (in_keyring, device_key));

  /* The same file again: refused, naming the entry that holds it. */
  again = idw_store_import_sync (f->store, file, NULL, &duplicate, NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_DUPLICATE);
  g_assert_cmpstr (error->message, ==, "This ID is already in your wallet.");
  g_assert_null (again);
  g_assert_nonnull (duplicate);
  g_assert_cmpstr (idw_store_entry_get_id (duplicate), ==, idw_store_entry_get_id (entry));
  g_clear_error (&error);
  g_clear_object (&duplicate);

  /* The checked credential is the same one. */
  again = idw_store_import_credential_sync (f->store, checked, NULL, &duplicate, NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_DUPLICATE);
  g_assert_null (again);
  g_assert_cmpstr (idw_store_entry_get_id (duplicate), ==, idw_store_entry_get_id (entry));

  g_assert_cmpuint (count_entries (f), ==, 1);
}

/* A credential without its private key goes in as well; the keyring is
 * not touched. */
static void
test_without_key (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
  g_autoptr(IdwCredential) credential = issue_mdl ("Wei", "Zhang", NULL, device_key);
  g_autoptr(GBytes) file = idw_credential_to_bytes (credential, FALSE);
  g_autoptr(IdwStoreEntry) entry = NULL;
  g_autofree char *fingerprint = idw_key_get_fingerprint (device_key);

  entry = idw_store_import_sync (f->store, file, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (entry);
  g_assert_null (idw_store_entry_get_nickname (entry));
  g_assert_false (keyring_has_key (fingerprint));
}

static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
  g_autoptr(GBytes) good = issue_file ("Erika", "Mustermann", device_key);
  g_autoptr(GBytes) text = g_bytes_new_static ("hello, world\n", 13);
  g_autoptr(GBytes) json = g_bytes_new_static ("{\"family_name\": \"Mustermann\"}", 29);
  g_autoptr(GBytes) other_map = NULL;
  g_autoptr(GBytes) damaged = patched (good, "Mustermann", "Musterfrau");
  g_autoptr(GBytes) truncated = g_bytes_new_from_bytes (good, 0, g_bytes_get_size (good) / 2);
  g_autoptr(GBytes) hollow = NULL;
  g_autoptr(GBytes) forgery = forged (good);
  g_autoptr(GBytes) huge = NULL;
  g_autofree char *fingerprint = idw_key_get_fingerprint (device_key);
  g_autoptr(cbor_item_t) map = cbor_new_definite_map (1);
  g_autoptr(cbor_item_t) hollow_map = cbor_new_definite_map (1);

  /* Not a credential at all: text, JSON, a CBOR map of something else,
   * CBOR cut short (which is no map). */
  assert_refused (f, text, IDW_ERROR_WRONG_TYPE);
  assert_refused (f, json, IDW_ERROR_WRONG_TYPE);
  g_assert_true (cbor_map_add (map, (struct cbor_pair) { cbor_move (cbor_build_string ("version")),
                                                         cbor_move (cbor_build_uint8 (1)) }));
  other_map = idw_cbor_encode (map);
  assert_refused (f, other_map, IDW_ERROR_WRONG_TYPE);
  assert_refused (f, truncated, IDW_ERROR_WRONG_TYPE);

  /* A credential that does not parse or check: an element whose digest no
   * longer matches (damaged, not "digest mismatch"), an issuerSigned that
   * is no structure at all. */
  assert_refused (f, damaged, IDW_ERROR_MALFORMED);
  g_assert_true (cbor_map_add (hollow_map, (struct cbor_pair) { cbor_move (cbor_build_string ("issuerSigned")),
                                                                cbor_move (cbor_build_uint8 (1)) }));
  hollow = idw_cbor_encode (hollow_map);
  assert_refused (f, hollow, IDW_ERROR_MALFORMED);

  /* Too large to be one, whatever it holds. */
  huge = g_bytes_new_take (g_malloc0 (IDW_MAX_INPUT_FILE + 1), IDW_MAX_INPUT_FILE + 1);
  assert_refused (f, huge, IDW_ERROR_LIMIT);

  /* Well formed, but signed by someone else. */
  assert_refused (f, forgery, IDW_ERROR_BAD_SIGNATURE);

  /* Nothing refused left its key behind. */
  g_assert_cmpuint (count_entries (f), ==, 0);
  g_assert_false (keyring_has_key (fingerprint));
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
  g_autoptr(GBytes) file = issue_file ("Async", "Holder", device_key);
  g_autoptr(GBytes) text = g_bytes_new_static ("IDW1:not a credential", 21);
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();
  g_autoptr(IdwStoreEntry) entry = NULL;
  g_autoptr(IdwStoreEntry) again = NULL;
  g_autoptr(IdwStoreEntry) duplicate = NULL;
  g_autofree char *fingerprint = idw_key_get_fingerprint (device_key);
  AsyncWait wait = { loop, NULL };

  /* Cancelled before it starts: nothing is added. */
  g_cancellable_cancel (cancelled);
  idw_store_import_async (f->store, file, NULL, cancelled, on_done, &wait);
  entry = idw_store_import_finish (f->store, wait_for (&wait), &duplicate, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (entry);
  g_assert_null (duplicate);
  g_clear_error (&error);
  g_assert_cmpuint (count_entries (f), ==, 0);

  idw_store_import_async (f->store, file, "Async", NULL, on_done, &wait);
  entry = idw_store_import_finish (f->store, wait_for (&wait), &duplicate, &error);
  g_assert_no_error (error);
  g_assert_nonnull (entry);
  g_assert_null (duplicate);
  g_assert_cmpstr (idw_store_entry_get_nickname (entry), ==, "Async");
  g_assert_true (keyring_has_key (fingerprint));

  idw_store_import_async (f->store, file, NULL, NULL, on_done, &wait);
  again = idw_store_import_finish (f->store, wait_for (&wait), &duplicate, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_DUPLICATE);
  g_assert_null (again);
  g_assert_nonnull (duplicate);
  g_assert_cmpstr (idw_store_entry_get_id (duplicate), ==, idw_store_entry_get_id (entry));
  g_clear_error (&error);
  g_clear_object (&duplicate);

  idw_store_import_async (f->store, text, NULL, NULL, on_done, &wait);
  again = idw_store_import_finish (f->store, wait_for (&wait), NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_WRONG_TYPE);
  g_assert_null (again);

  g_assert_cmpuint (count_entries (f), ==, 1);
  g_clear_object (&wait.result);
}

/* No Secret Service: a file that carries its private key cannot go in,
 * and nothing is left behind. */
static void
test_no_keyring (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwStore) store = NULL;
      g_autoptr(IdwWalletKey) wallet_key = idw_wallet_key_new_random ();
      g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
      g_autoptr(GBytes) file = NULL;
      g_autoptr(IdwStoreEntry) entry = NULL;
      g_autoptr(GPtrArray) entries = NULL;
      g_autofree char *dir = test_tmp_dir_new ("idw-store-import-nokeyring-XXXXXX");

      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent", TRUE);

      store = idw_store_new (dir, wallet_key, &error);
      g_assert_no_error (error);
      file = issue_file ("No", "Keyring", device_key);
      entry = idw_store_import_sync (store, file, NULL, NULL, NULL, &error);
      g_assert_error (error, IDW_ERROR, IDW_ERROR_KEYRING);
      g_assert_null (entry);
      g_clear_error (&error);

      entries = idw_store_list_sync (store, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (entries->len, ==, 0);
      remove_tree (dir);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  int status;

  store_test_init (&argc, &argv, "idw-store-import-data-XXXXXX", "Import Test");
  other_issuer = test_issuer_new_at ("Other Issuer", NULL);

  g_test_add ("/store-import/import", Fixture, NULL, fixture_setup, test_import, fixture_teardown_deleting);
  g_test_add ("/store-import/without-key", Fixture, NULL,
              fixture_setup, test_without_key, fixture_teardown_deleting);
  g_test_add ("/store-import/refused", Fixture, NULL, fixture_setup, test_refused, fixture_teardown_deleting);
  g_test_add ("/store-import/async", Fixture, NULL, fixture_setup, test_async, fixture_teardown_deleting);
  g_test_add_func ("/store-import/no-keyring", test_no_keyring);

  status = g_test_run ();

  g_clear_pointer (&other_issuer, test_issuer_free);
  return store_test_finish (status);
}
