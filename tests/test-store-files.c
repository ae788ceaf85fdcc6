/* test-store-files.c: the credential store's files: the format of
 * docs/store.md, and what the store makes of a damaged file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * build-aux/dev test runs this inside a private D-Bus session with a
 * gnome-keyring-daemon unlocked by a test password, like test-store.c. The
 * files are built by hand here, with libsodium, from the documentation.
 */
#include "config.h"

#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "store-test-util.h"

/* Builds a store file by hand, from the format in docs/store.md. */
static GBytes *
seal (IdwWalletKey *key,
      const char   *id,
      GBytes       *plaintext)
{
  guint8 ad[6 + 32];
  gsize len = g_bytes_get_size (plaintext);
  guint8 *out = g_malloc (6 + 24 + len + 16);
  unsigned long long out_len = 0;

  memcpy (ad, MAGIC, 6);
  memcpy (ad + 6, id, 32);
  memcpy (out, MAGIC, 6);
  randombytes_buf (out + 6, 24);
  crypto_aead_xchacha20poly1305_ietf_encrypt (out + 30, &out_len,
                                              g_bytes_get_data (plaintext, NULL), len,
                                              ad, sizeof ad, NULL, out + 6,
                                              idw_wallet_key_get_data (key));
  return g_bytes_new_take (out, 30 + out_len);
}

static GBytes *
unseal (IdwWalletKey *key,
        const char   *id,
        GBytes       *file)
{
  guint8 ad[6 + 32];
  gsize len;
  const guint8 *data = g_bytes_get_data (file, &len);
  guint8 *out = g_malloc (len);
  unsigned long long out_len = 0;

  memcpy (ad, MAGIC, 6);
  memcpy (ad + 6, id, 32);
  g_assert_cmpint (crypto_aead_xchacha20poly1305_ietf_decrypt (out, &out_len, NULL,
                                                               data + 30, len - 30,
                                                               ad, sizeof ad, data + 6,
                                                               idw_wallet_key_get_data (key)),
                   ==, 0);
  return g_bytes_new_take (out, out_len);
}

static void
test_file_format (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
  g_autoptr(IdwKey) public_key = public_part (device_key);
  g_autoptr(IdwCredential) credential = issue ("Aiko", "Tanaka", public_key);
  g_autoptr(IdwCredential) credential2 = issue ("Ken", "Tanaka", public_key);
  g_autoptr(IdwStoreEntry) entry = NULL;
  g_autoptr(IdwStoreEntry) loaded = NULL;
  g_autoptr(GBytes) file = NULL;
  g_autoptr(GBytes) plaintext = NULL;
  g_autoptr(GBytes) credential_bytes = idw_credential_to_bytes (credential, FALSE);
  g_autoptr(cbor_item_t) map = NULL;
  g_autoptr(cbor_item_t) made = NULL;
  g_autoptr(GBytes) made_plaintext = NULL;
  g_autoptr(GBytes) made_file = NULL;
  g_autoptr(GBytes) stored_credential = NULL;
  g_autoptr(GDateTime) imported = NULL;
  g_autoptr(GDateTime) made_imported = g_date_time_new_utc (2024, 3, 1, 12, 0, 0);
  g_autofree char *path = NULL;
  g_autofree char *made_path = NULL;
  g_autofree char *made_id = g_strdup ("0123456789abcdef0123456789abcdef");
  guint64 version = 0;

  /* What the store writes decrypts as documented. */
  entry = idw_store_add_sync (f->store, credential, "Für die Arbeit", NULL, &error);
  g_assert_no_error (error);
  path = path_in (f->store, idw_store_entry_get_id (entry));
  file = read_file (path);
  plaintext = unseal (f->wallet_key, idw_store_entry_get_id (entry), file);
  map = idw_cbor_decode_bytes (plaintext, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cbor_map_size (map), ==, 5);
  g_assert_true (idw_cbor_get_uint (idw_cbor_map_get (map, "version"), &version));
  g_assert_cmpuint (version, ==, 1);
  g_assert_true (idw_cbor_string_equal (idw_cbor_map_get (map, "id"), idw_store_entry_get_id (entry)));
  g_assert_true (idw_cbor_string_equal (idw_cbor_map_get (map, "nickname"), "Für die Arbeit"));
  g_assert_nonnull (idw_cbor_untag (idw_cbor_map_get (map, "imported"), 0));
  imported = idw_cbor_get_tdate (idw_cbor_map_get (map, "imported"), "imported", &error);
  g_assert_no_error (error);
  g_assert_true (g_date_time_equal (imported, idw_store_entry_get_imported (entry)));
  stored_credential = idw_cbor_dup_bytes (idw_cbor_map_get (map, "credential"));
  g_assert_true (g_bytes_equal (stored_credential, credential_bytes));

  /* A file made by hand from the documentation reads back. */
  made = idw_cbor_new_map ();
  idw_cbor_map_add_str (made, "id", idw_cbor_new_string (made_id));
  idw_cbor_map_add_str (made, "version", idw_cbor_new_int (1));
  idw_cbor_map_add_str (made, "imported", idw_cbor_new_tdate (made_imported));
  {
    g_autoptr(GBytes) bytes2 = idw_credential_to_bytes (credential2, FALSE);
    idw_cbor_map_add_str (made, "credential", idw_cbor_new_gbytes (bytes2));
  }
  made_plaintext = idw_cbor_encode (made);
  made_file = seal (f->wallet_key, made_id, made_plaintext);
  made_path = path_in (f->store, made_id);
  write_file (made_path, g_bytes_get_data (made_file, NULL), g_bytes_get_size (made_file));

  loaded = idw_store_load_sync (f->store, made_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (idw_store_entry_get_nickname (loaded));
  g_assert_true (g_date_time_equal (idw_store_entry_get_imported (loaded), made_imported));
  assert_same_credential (idw_store_entry_get_credential (loaded), credential2);
}

typedef struct
{
  const char *id;
  GQuark      domain;
  gint        code;
  const char *message;
} Expected;

static void
test_damaged (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
  g_autoptr(IdwKey) public_key = public_part (device_key);
  g_autoptr(IdwCredential) good1 = issue ("Good", "One", public_key);
  g_autoptr(IdwCredential) good2 = issue ("Good", "Two", public_key);
  g_autoptr(IdwCredential) foreign = issue ("Foreign", "Key", public_key);
  g_autoptr(IdwStoreEntry) entry1 = NULL;
  g_autoptr(IdwStoreEntry) entry2 = NULL;
  g_autoptr(IdwStoreEntry) foreign_entry = NULL;
  g_autoptr(IdwWalletKey) other_key = idw_wallet_key_new_random ();
  g_autoptr(IdwStore) other_store = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GBytes) good_file = NULL;
  g_autoptr(GBytes) bad_cbor = NULL;
  g_autoptr(GBytes) sealed = NULL;
  g_autofree char *good_path = NULL;
  g_autofree char *foreign_id = NULL;
  guint8 noise[1000];
  gsize good_len;
  const guint8 *good_data;
  int fd;
  /* Ids sort in this order; damaged entries come last, by id. */
  const char *random_id = "10000000000000000000000000000000";
  const char *short_id = "20000000000000000000000000000000";
  const char *cut_id = "30000000000000000000000000000000";
  const char *renamed_id = "40000000000000000000000000000000";
  const char *newer_id = "50000000000000000000000000000000";
  const char *bad_cbor_id = "60000000000000000000000000000000";
  const char *huge_id = "70000000000000000000000000000000";

  entry1 = idw_store_add_sync (f->store, good1, NULL, NULL, &error);
  g_assert_no_error (error);
  /* A second later, so that the order by import time is certain. */
  g_usleep (G_USEC_PER_SEC);
  entry2 = idw_store_add_sync (f->store, good2, NULL, NULL, &error);
  g_assert_no_error (error);

  good_path = path_in (f->store, idw_store_entry_get_id (entry1));
  good_file = read_file (good_path);
  good_data = g_bytes_get_data (good_file, &good_len);

  /* Random bytes. */
  randombytes_buf (noise, sizeof noise);
  noise[0] = 'x';
  write_in (f->store, random_id, noise, sizeof noise);
  /* Truncated inside the header. */
  write_in (f->store, short_id, good_data, 20);
  /* Truncated inside the ciphertext. */
  write_in (f->store, cut_id, good_data, good_len - 10);
  /* A good file under another name. */
  write_in (f->store, renamed_id, good_data, good_len);
  /* A future format. */
  write_in (f->store, newer_id, (const guint8 *) "IDWS2\nwhatever comes next", 25);
  /* Decrypts, but holds no store record. */
  bad_cbor = g_bytes_new_static ("\xa1\x61x\x01", 4);
  sealed = seal (f->wallet_key, bad_cbor_id, bad_cbor);
  write_in (f->store, bad_cbor_id, g_bytes_get_data (sealed, NULL),
              g_bytes_get_size (sealed));
  /* Larger than any file the engine reads (sparse). */
  {
    g_autofree char *huge_path = path_in (f->store, huge_id);

    fd = g_open (huge_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    g_assert_cmpint (fd, >=, 0);
    g_assert_cmpint (ftruncate (fd, IDW_MAX_INPUT_FILE + 1), ==, 0);
    g_close (fd, NULL);
  }
  /* Encrypted under another wallet's key. */
  other_store = idw_store_new (f->dir, other_key, &error);
  g_assert_no_error (error);
  foreign_entry = idw_store_add_sync (other_store, foreign, NULL, NULL, &error);
  g_assert_no_error (error);
  foreign_id = g_strdup (idw_store_entry_get_id (foreign_entry));
  /* Files that are not store files are ignored. */
  write_in (f->store, "not-an-id", noise, 10);
  {
    g_autofree char *notes = g_build_filename (f->dir, "notes.txt", NULL);

    write_file (notes, (const guint8 *) "hello", 5);
  }

  {
    Expected expected[] = {
      { random_id, IDW_ERROR, IDW_ERROR_MALFORMED,
        "“10000000000000000000000000000000.idwstore” is not an ID Wallet credential file." },
      { short_id, IDW_ERROR, IDW_ERROR_MALFORMED,
        "“20000000000000000000000000000000.idwstore” is truncated: it has only 20 bytes." },
      { cut_id, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE,
        "“30000000000000000000000000000000.idwstore” could not be decrypted: it was cut short "
        "or changed, renamed, or encrypted with another wallet’s key." },
      { renamed_id, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE,
        "“40000000000000000000000000000000.idwstore” could not be decrypted: it was cut short "
        "or changed, renamed, or encrypted with another wallet’s key." },
      { newer_id, IDW_ERROR, IDW_ERROR_UNSUPPORTED,
        "“50000000000000000000000000000000.idwstore” was written by a newer version of ID Wallet." },
      { bad_cbor_id, IDW_ERROR, IDW_ERROR_MISSING_FIELD,
        "“60000000000000000000000000000000.idwstore” holds a damaged ID: " },
      { huge_id, IDW_ERROR, IDW_ERROR_LIMIT,
        "“70000000000000000000000000000000.idwstore” is larger than 8 MiB, more than any ID can be." },
      { NULL, IDW_ERROR, IDW_ERROR_BAD_SIGNATURE, "could not be decrypted" },  /* foreign_id */
    };
    guint n_damaged = 0;

    expected[G_N_ELEMENTS (expected) - 1].id = foreign_id;

    entries = idw_store_list_sync (f->store, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (entries->len, ==, 2 + G_N_ELEMENTS (expected));

    /* The good ones load, first, in the order they were added. */
    g_assert_cmpstr (idw_store_entry_get_id (g_ptr_array_index (entries, 0)), ==,
                     idw_store_entry_get_id (entry1));
    g_assert_cmpstr (idw_store_entry_get_id (g_ptr_array_index (entries, 1)), ==,
                     idw_store_entry_get_id (entry2));
    assert_same_credential (idw_store_entry_get_credential (g_ptr_array_index (entries, 0)), good1);
    assert_same_credential (idw_store_entry_get_credential (g_ptr_array_index (entries, 1)), good2);

    for (guint i = 2; i < entries->len; i++)
      {
        IdwStoreEntry *entry = g_ptr_array_index (entries, i);
        const GError *entry_error = idw_store_entry_get_error (entry);
        gboolean matched = FALSE;

        g_assert_true (idw_store_entry_is_damaged (entry));
        g_assert_null (idw_store_entry_get_credential (entry));
        g_assert_null (idw_store_entry_get_imported (entry));
        g_assert_nonnull (entry_error);

        for (gsize j = 0; j < G_N_ELEMENTS (expected); j++)
          {
            g_autoptr(IdwStoreEntry) loaded = NULL;
            g_autoptr(GError) load_error = NULL;

            if (strcmp (expected[j].id, idw_store_entry_get_id (entry)) != 0)
              continue;
            matched = TRUE;
            g_test_message ("%s: %s", expected[j].id, entry_error->message);
            g_assert_error (entry_error, expected[j].domain, expected[j].code);
            g_assert_true (g_str_has_prefix (entry_error->message, expected[j].message)
                           || strstr (entry_error->message, expected[j].message) != NULL);

            /* Loading it alone says the same. */
            loaded = idw_store_load_sync (f->store, expected[j].id, NULL, &load_error);
            g_assert_null (loaded);
            g_assert_error (load_error, expected[j].domain, expected[j].code);
            g_assert_cmpstr (load_error->message, ==, entry_error->message);
          }
        g_assert_true (matched);
        n_damaged++;
      }
    g_assert_cmpuint (n_damaged, ==, G_N_ELEMENTS (expected));

    /* Damaged files are removed, never "deleted" as credentials; good
     * ones are not removed as damaged. */
    g_assert_false (idw_store_delete_sync (f->store, random_id, NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
    g_clear_error (&error);
    g_assert_false (idw_store_remove_damaged_sync (f->store, idw_store_entry_get_id (entry1),
                                                   NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_FAILED);
    g_clear_error (&error);

    for (gsize j = 0; j < G_N_ELEMENTS (expected); j++)
      {
        g_assert_true (idw_store_remove_damaged_sync (f->store, expected[j].id, NULL, &error));
        g_assert_no_error (error);
      }
    g_assert_false (idw_store_remove_damaged_sync (f->store, random_id, NULL, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }

  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = idw_store_list_sync (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_false (idw_store_entry_is_damaged (g_ptr_array_index (entries, 0)));
  g_assert_false (idw_store_entry_is_damaged (g_ptr_array_index (entries, 1)));

  /* The other wallet sees the tables turned. */
  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = idw_store_list_sync (other_store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_true (idw_store_entry_is_damaged (g_ptr_array_index (entries, 0)));
  g_assert_true (idw_store_entry_is_damaged (g_ptr_array_index (entries, 1)));
}
int
main (int   argc,
      char *argv[])
{
  store_test_init (&argc, &argv, "idw-store-files-data-XXXXXX", "Store Test");

  g_test_add ("/store/file-format", Fixture, NULL, fixture_setup, test_file_format, fixture_teardown);
  g_test_add ("/store/damaged", Fixture, NULL, fixture_setup, test_damaged, fixture_teardown);

  return store_test_finish (g_test_run ());
}
