/* test-store.c: the encrypted credential store, with the real Secret
 * Service: adding, loading, listing, nicknames, device keys in the keyring,
 * the asynchronous calls
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * build-aux/dev test runs this inside a private D-Bus session with a
 * gnome-keyring-daemon unlocked by a test password. Each test works in a
 * folder of its own; XDG_DATA_HOME points at a temporary folder too. The
 * file format and damaged files are tested in test-store-files.c.
 */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "store-test-util.h"

/* ---- Tests ---- */

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
  g_autoptr(IdwCredential) credential = issue ("Erika", "Mustermann", device_key);
  g_autoptr(IdwStoreEntry) entry = NULL;
  g_autoptr(IdwStoreEntry) loaded = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GBytes) file = NULL;
  g_autoptr(IdwKey) from_keyring = NULL;
  g_autoptr(GDateTime) before = NULL;
  g_autoptr(GDateTime) after = NULL;
  g_autofree char *fingerprint = idw_key_get_fingerprint (device_key);
  g_autofree char *path = NULL;
  g_autofree char *holder = NULL;
  g_autofree char *seed_text = NULL;
  IdwStoreEntry *listed;
  guint8 seed[32];
  guint8 seed_back[32];
  struct stat st;

  g_assert_nonnull (idw_credential_get_private_key (credential));

  /* Whole seconds, as the file keeps them. */
  before = g_date_time_new_from_unix_utc (g_get_real_time () / G_USEC_PER_SEC);
  entry = idw_store_add_sync (f->store, credential, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (entry);
  after = g_date_time_new_now_utc ();

  /* The entry. */
  g_assert_cmpuint (strlen (idw_store_entry_get_id (entry)), ==, 32);
  for (const char *p = idw_store_entry_get_id (entry); *p != '\0'; p++)
    g_assert_true (g_ascii_isdigit (*p) || (*p >= 'a' && *p <= 'f'));
  g_assert_false (idw_store_entry_is_damaged (entry));
  g_assert_null (idw_store_entry_get_error (entry));
  g_assert_null (idw_store_entry_get_nickname (entry));
  g_assert_cmpint (g_date_time_compare (idw_store_entry_get_imported (entry), before), >=, 0);
  g_assert_cmpint (g_date_time_compare (idw_store_entry_get_imported (entry), after), <=, 0);
  assert_same_credential (idw_store_entry_get_credential (entry), credential);
  g_assert_null (idw_credential_get_private_key (idw_store_entry_get_credential (entry)));

  /* The file: 0600 in a 0700 folder, encrypted, without the private key. */
  path = path_in (f->store, idw_store_entry_get_id (entry));
  g_assert_cmpstr (idw_store_entry_get_path (entry), ==, path);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (f->dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  file = read_file (path);
  g_assert_cmpuint (g_bytes_get_size (file), >, 6 + 24 + 16);
  g_assert_cmpmem (g_bytes_get_data (file, NULL), 6, MAGIC, 6);
  g_assert_false (bytes_contain (file, (const guint8 *) "Mustermann", strlen ("Mustermann")));
  g_assert_false (bytes_contain (file, (const guint8 *) "Erika", strlen ("Erika")));
  g_assert_false (bytes_contain (file, (const guint8 *) "T22000129", strlen ("T22000129")));
  g_assert_true (idw_key_export_seed (device_key, seed));
  g_assert_false (bytes_contain (file, seed, sizeof seed));
  seed_text = g_base64_encode (seed, sizeof seed);
  g_assert_false (bytes_contain (file, (const guint8 *) seed_text, strlen (seed_text)));

  /* The private key went to the keyring. */
  from_keyring = idw_keystore_lookup_device_key_sync (fingerprint, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (idw_key_export_seed (from_keyring, seed_back));
  g_assert_cmpmem (seed, sizeof seed, seed_back, sizeof seed_back);
  sodium_memzero (seed, sizeof seed);
  sodium_memzero (seed_back, sizeof seed_back);

  /* List and load. */
  entries = idw_store_list_sync (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  listed = g_ptr_array_index (entries, 0);
  g_assert_cmpstr (idw_store_entry_get_id (listed), ==, idw_store_entry_get_id (entry));
  g_assert_false (idw_store_entry_is_damaged (listed));
  g_assert_true (g_date_time_equal (idw_store_entry_get_imported (listed),
                                    idw_store_entry_get_imported (entry)));
  assert_same_credential (idw_store_entry_get_credential (listed), credential);
  holder = idw_credential_dup_holder_name (idw_store_entry_get_credential (listed));
  g_assert_cmpstr (holder, ==, "Erika Mustermann");

  loaded = idw_store_load_sync (f->store, idw_store_entry_get_id (entry), NULL, &error);
  g_assert_no_error (error);
  assert_same_credential (idw_store_entry_get_credential (loaded), credential);
  g_assert_null (idw_credential_get_private_key (idw_store_entry_get_credential (loaded)));

  /* Delete: the file and the key go. */
  g_assert_true (idw_store_delete_sync (f->store, idw_store_entry_get_id (entry), NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_false (keyring_has_key (fingerprint));

  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = idw_store_list_sync (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 0);

  g_clear_object (&loaded);
  loaded = idw_store_load_sync (f->store, idw_store_entry_get_id (entry), NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND);
  g_assert_null (loaded);
  g_clear_error (&error);

  g_assert_false (idw_store_delete_sync (f->store, idw_store_entry_get_id (entry), NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Not an id at all. */
  loaded = idw_store_load_sync (f->store, "../../etc/passwd", NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND);
  g_assert_null (loaded);
}

static void
test_without_private_key (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
  g_autoptr(IdwKey) public_key = public_part (device_key);
  g_autoptr(IdwCredential) credential = issue ("Jan", "Jansen", public_key);
  g_autoptr(IdwStoreEntry) entry = NULL;
  g_autofree char *fingerprint = idw_key_get_fingerprint (device_key);

  g_assert_null (idw_credential_get_private_key (credential));
  entry = idw_store_add_sync (f->store, credential, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (keyring_has_key (fingerprint));

  /* Deleting does not mind that the keyring never had the key. */
  g_assert_true (idw_store_delete_sync (f->store, idw_store_entry_get_id (entry), NULL, &error));
  g_assert_no_error (error);
}

static void
test_shared_device_key (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
  g_autoptr(IdwCredential) first = issue ("Ana", "Silva", device_key);
  g_autoptr(IdwCredential) second = issue ("Ana", "Silva Santos", device_key);
  g_autoptr(IdwStoreEntry) entry1 = NULL;
  g_autoptr(IdwStoreEntry) entry2 = NULL;
  g_autofree char *fingerprint = idw_key_get_fingerprint (device_key);

  entry1 = idw_store_add_sync (f->store, first, NULL, NULL, &error);
  g_assert_no_error (error);
  entry2 = idw_store_add_sync (f->store, second, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (idw_store_entry_get_id (entry1), !=, idw_store_entry_get_id (entry2));

  /* The other credential still needs the key. */
  g_assert_true (idw_store_delete_sync (f->store, idw_store_entry_get_id (entry1), NULL, &error));
  g_assert_no_error (error);
  g_assert_true (keyring_has_key (fingerprint));

  g_assert_true (idw_store_delete_sync (f->store, idw_store_entry_get_id (entry2), NULL, &error));
  g_assert_no_error (error);
  g_assert_false (keyring_has_key (fingerprint));
}

static void
test_duplicate (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
  g_autoptr(IdwCredential) credential = issue ("Mei", "Wang", device_key);
  g_autoptr(IdwCredential) other = issue ("Mei", "Wang", device_key);
  g_autoptr(IdwCredential) reparsed = NULL;
  g_autoptr(IdwStoreEntry) entry = NULL;
  g_autoptr(IdwStoreEntry) again = NULL;
  g_autoptr(IdwStoreEntry) found = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GBytes) without_key = idw_credential_to_bytes (credential, FALSE);

  entry = idw_store_add_sync (f->store, credential, NULL, NULL, &error);
  g_assert_no_error (error);

  again = idw_store_add_sync (f->store, credential, "Second copy", NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_DUPLICATE);
  g_assert_cmpstr (error->message, ==, "This ID is already in your wallet.");
  g_assert_null (again);
  g_clear_error (&error);

  /* The same credential as read back from a file without its key. */
  reparsed = idw_credential_new_from_bytes (without_key, &error);
  g_assert_no_error (error);
  found = idw_store_find_duplicate_sync (f->store, reparsed, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpstr (idw_store_entry_get_id (found), ==, idw_store_entry_get_id (entry));
  again = idw_store_add_sync (f->store, reparsed, NULL, NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_DUPLICATE);
  g_clear_error (&error);

  /* Same holder, same key, but issued again: another credential. */
  g_clear_object (&found);
  found = idw_store_find_duplicate_sync (f->store, other, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (found);

  entries = idw_store_list_sync (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);

  g_assert_true (idw_store_delete_sync (f->store, idw_store_entry_get_id (entry), NULL, &error));
  g_assert_no_error (error);
}
static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

static void
test_nickname (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
  g_autoptr(IdwKey) public_key = public_part (device_key);
  g_autoptr(IdwCredential) credential = issue ("Nick", "Named", public_key);
  g_autoptr(IdwStoreEntry) entry = NULL;
  g_autoptr(IdwStoreEntry) loaded = NULL;
  g_autofree char *nickname = NULL;
  guint notified = 0;

  entry = idw_store_add_sync (f->store, credential, "Work ID", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (idw_store_entry_get_nickname (entry), ==, "Work ID");
  g_object_get (entry, "nickname", &nickname, NULL);
  g_assert_cmpstr (nickname, ==, "Work ID");
  g_signal_connect (entry, "notify::nickname", G_CALLBACK (on_notify), &notified);

  g_assert_true (idw_store_set_nickname_sync (f->store, entry, "Personal", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (idw_store_entry_get_nickname (entry), ==, "Personal");
  g_assert_cmpuint (notified, ==, 1);

  loaded = idw_store_load_sync (f->store, idw_store_entry_get_id (entry), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (idw_store_entry_get_nickname (loaded), ==, "Personal");
  g_assert_true (g_date_time_equal (idw_store_entry_get_imported (loaded),
                                    idw_store_entry_get_imported (entry)));
  assert_same_credential (idw_store_entry_get_credential (loaded), credential);

  /* "" removes it. */
  g_assert_true (idw_store_set_nickname_sync (f->store, entry, "", NULL, &error));
  g_assert_no_error (error);
  g_assert_null (idw_store_entry_get_nickname (entry));
  g_assert_cmpuint (notified, ==, 2);
  g_clear_object (&loaded);
  loaded = idw_store_load_sync (f->store, idw_store_entry_get_id (entry), NULL, &error);
  g_assert_no_error (error);
  g_assert_null (idw_store_entry_get_nickname (loaded));
}

/* The store's state token changes with each add, rename (a nickname
 * rewrites the record) and delete, whoever does it, and only then. */
static void
test_state (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
  g_autoptr(IdwKey) public_key = public_part (device_key);
  g_autoptr(IdwCredential) credential = issue ("State", "Token", public_key);
  g_autoptr(IdwStore) other = idw_store_new (f->dir, f->wallet_key, &error);
  g_autoptr(IdwStoreEntry) entry = NULL;
  g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *state = NULL;

  g_assert_no_error (error);
  g_ptr_array_add (states, idw_store_get_state (f->store, &error));
  g_assert_no_error (error);
  state = idw_store_get_state (other, &error);
  g_assert_cmpstr (state, ==, states->pdata[0]);
  g_clear_pointer (&state, g_free);

  /* Added through another store on the same folder, as the CLI would. */
  entry = idw_store_add_sync (other, credential, NULL, NULL, &error);
  g_assert_no_error (error);
  g_ptr_array_add (states, idw_store_get_state (f->store, &error));
  g_assert_true (idw_store_set_nickname_sync (other, entry, "Renamed", NULL, &error));
  g_ptr_array_add (states, idw_store_get_state (f->store, &error));
  g_assert_true (idw_store_delete_sync (other, idw_store_entry_get_id (entry), NULL, &error));
  g_assert_no_error (error);
  g_ptr_array_add (states, idw_store_get_state (f->store, &error));
  g_assert_no_error (error);

  /* Each differs from the one before; the empty folder again is the
   * empty folder; asking again changes nothing. */
  for (guint i = 1; i < states->len; i++)
    g_assert_cmpstr (states->pdata[i - 1], !=, states->pdata[i]);
  g_assert_cmpstr (states->pdata[0], !=, states->pdata[2]);
  g_assert_cmpstr (states->pdata[0], ==, states->pdata[3]);
  state = idw_store_get_state (f->store, &error);
  g_assert_cmpstr (state, ==, states->pdata[states->len - 1]);

  /* A folder removed under the store (a restore swapping the wallet's
   * folder has it gone for an instant). */
  g_assert_cmpint (g_rmdir (f->dir), ==, 0);
  g_clear_pointer (&state, g_free);
  state = idw_store_get_state (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (state, ==, "none");
  g_assert_cmpint (g_mkdir (f->dir, 0700), ==, 0);
}

/* A store with the default location, under this process's XDG_DATA_HOME. */
static void
test_default_directory (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwStore) store = NULL;
  g_autofree char *expected = g_build_filename (data_home, "id-wallet", "credentials", NULL);
  g_autofree char *dir = idw_store_get_default_directory ();
  g_autoptr(GPtrArray) entries = NULL;
  struct stat st;

  g_assert_cmpstr (dir, ==, expected);
  store = idw_store_open_sync (NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (idw_store_get_directory (store), ==, expected);
  g_assert_cmpint (g_stat (expected, &st), ==, 0);
  g_assert_true (S_ISDIR (st.st_mode));
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  entries = idw_store_list_sync (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 0);
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(IdwStore) store = NULL;
  g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
  g_autoptr(IdwCredential) credential = issue ("Async", "Holder", device_key);
  g_autoptr(IdwStoreEntry) entry = NULL;
  g_autoptr(IdwStoreEntry) duplicate = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *fingerprint = idw_key_get_fingerprint (device_key);
  g_autofree char *junk_path = NULL;
  AsyncWait wait = { loop, NULL };
  guint notified = 0;

  idw_store_open (f->dir, NULL, on_done, &wait);
  store = idw_store_open_finish (wait_for (&wait), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (idw_store_get_directory (store), ==, f->dir);

  idw_store_add (store, credential, "Async", NULL, on_done, &wait);
  entry = idw_store_add_finish (store, wait_for (&wait), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (idw_store_entry_get_nickname (entry), ==, "Async");
  g_assert_true (keyring_has_key (fingerprint));

  idw_store_add (store, credential, NULL, NULL, on_done, &wait);
  duplicate = idw_store_add_finish (store, wait_for (&wait), &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_DUPLICATE);
  g_assert_null (duplicate);
  g_clear_error (&error);

  idw_store_list (store, NULL, on_done, &wait);
  entries = idw_store_list_finish (store, wait_for (&wait), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 1);
  assert_same_credential (idw_store_entry_get_credential (g_ptr_array_index (entries, 0)),
                          credential);

  g_signal_connect (entry, "notify::nickname", G_CALLBACK (on_notify), &notified);
  idw_store_set_nickname (store, entry, "Renamed", NULL, on_done, &wait);
  g_assert_true (idw_store_set_nickname_finish (store, wait_for (&wait), &error));
  g_assert_no_error (error);
  g_assert_cmpstr (idw_store_entry_get_nickname (entry), ==, "Renamed");
  g_assert_cmpuint (notified, ==, 1);

  junk_path = path_in (store, "abcdefabcdefabcdefabcdefabcdefab");
  write_file (junk_path, (const guint8 *) "junk", 4);
  idw_store_remove_damaged (store, "abcdefabcdefabcdefabcdefabcdefab", NULL, on_done, &wait);
  g_assert_true (idw_store_remove_damaged_finish (store, wait_for (&wait), &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (junk_path, G_FILE_TEST_EXISTS));

  idw_store_delete (store, idw_store_entry_get_id (entry), NULL, on_done, &wait);
  g_assert_true (idw_store_delete_finish (store, wait_for (&wait), &error));
  g_assert_no_error (error);
  g_assert_false (keyring_has_key (fingerprint));

  g_clear_pointer (&entries, g_ptr_array_unref);
  idw_store_list (store, NULL, on_done, &wait);
  entries = idw_store_list_finish (store, wait_for (&wait), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 0);
  g_clear_object (&wait.result);
}

/* No Secret Service: the store cannot open, and a credential with a private
 * key cannot be added; nothing is left behind. */
static void
test_no_keyring (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwStore) store = NULL;
      g_autoptr(IdwWalletKey) wallet_key = idw_wallet_key_new_random ();
      g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
      g_autoptr(IdwCredential) credential = NULL;
      g_autoptr(IdwStoreEntry) entry = NULL;
      g_autoptr(GPtrArray) entries = NULL;
      g_autofree char *dir = test_tmp_dir_new ("idw-store-nokeyring-XXXXXX");

      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent", TRUE);

      store = idw_store_open_sync (dir, NULL, &error);
      g_assert_error (error, IDW_ERROR, IDW_ERROR_KEYRING);
      g_assert_cmpstr (error->message, ==,
                       "No keyring is available. Install and start GNOME Keyring (or another "
                       "Secret Service) to hold your ID’s keys.");
      g_assert_null (store);
      g_clear_error (&error);

      store = idw_store_new (dir, wallet_key, &error);
      g_assert_no_error (error);
      credential = issue ("No", "Keyring", device_key);
      entry = idw_store_add_sync (store, credential, NULL, NULL, &error);
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
  store_test_init (&argc, &argv, "idw-store-data-XXXXXX", "Store Test");

  g_test_add ("/store/round-trip", Fixture, NULL, fixture_setup, test_round_trip, fixture_teardown);
  g_test_add ("/store/without-private-key", Fixture, NULL,
              fixture_setup, test_without_private_key, fixture_teardown);
  g_test_add ("/store/shared-device-key", Fixture, NULL,
              fixture_setup, test_shared_device_key, fixture_teardown);
  g_test_add ("/store/duplicate", Fixture, NULL, fixture_setup, test_duplicate, fixture_teardown);
  g_test_add ("/store/nickname", Fixture, NULL, fixture_setup, test_nickname, fixture_teardown);
  g_test_add ("/store/state", Fixture, NULL, fixture_setup, test_state, fixture_teardown);
  g_test_add ("/store/async", Fixture, NULL, fixture_setup, test_async, fixture_teardown);
  g_test_add_func ("/store/default-directory", test_default_directory);
  g_test_add_func ("/store/no-keyring", test_no_keyring);

  return store_test_finish (g_test_run ());
}
