/* test-store.c: the encrypted credential store, with the real Secret Service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * build-aux/dev test runs this inside a private D-Bus session with a
 * gnome-keyring-daemon unlocked by a test password. Each test works in a
 * folder of its own; XDG_DATA_HOME points at a temporary folder too.
 */
#include "config.h"

#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sodium.h>

#include "idw-cbor.h"
#include "idw-error.h"
#include "idw-issue.h"
#include "idw-keystore.h"
#include "idw-store.h"
#include "idw-x509.h"
#include "test-util.h"

#define MAGIC "IDWS1\n"

static char *data_home;

/* ---- An issuer and credentials ---- */

typedef struct
{
  IdwKey         *ds_key;
  IdwCertificate *ds;
} Issuer;

static Issuer issuer;

static void
issuer_init (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwIssuerFiles) files = NULL;

  files = idw_x509_create_issuer ("Store Test", "UT", TRUE, NULL, &error);
  g_assert_no_error (error);
  issuer.ds_key = idw_key_new_from_pem (files->ds_key_pem, strlen (files->ds_key_pem), &error);
  g_assert_no_error (error);
  issuer.ds = idw_certificate_new_from_data ((const guint8 *) files->ds_pem,
                                             strlen (files->ds_pem), &error);
  g_assert_no_error (error);
}

static void
issuer_clear (void)
{
  g_clear_pointer (&issuer.ds_key, idw_key_unref);
  g_clear_pointer (&issuer.ds, idw_certificate_unref);
}

static IdwKey *
public_part (IdwKey *key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = idw_key_get_public_bytes (key);
  IdwKey *public_key;

  public_key = idw_key_new_ed25519_public (g_bytes_get_data (bytes, NULL),
                                           g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  return public_key;
}

/* An mDL for @given @family, bound to @device_key; the credential keeps
 * the private key when @device_key has it. */
static IdwCredential *
issue (const char *given,
       const char *family,
       IdwKey     *device_key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) data = json_object_new ();
  JsonObject *mdl = json_object_new ();
  IdwCredential *credential;

  json_object_set_string_member (mdl, "given_name", given);
  json_object_set_string_member (mdl, "family_name", family);
  json_object_set_string_member (mdl, "birth_date", "1990-05-17");
  json_object_set_boolean_member (mdl, "age_over_18", TRUE);
  json_object_set_string_member (mdl, "document_number", "T22000129");
  json_object_set_object_member (data, "org.iso.18013.5.1", mdl);

  credential = idw_issue_credential (data, NULL, device_key, issuer.ds_key, issuer.ds, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (credential);
  return credential;
}

static GBytes *
issuer_auth_of (IdwCredential *credential)
{
  return idw_cbor_encode (idw_credential_get_issuer_signed (credential)->issuer_auth);
}

static void
assert_same_credential (IdwCredential *a,
                        IdwCredential *b)
{
  g_autoptr(GBytes) auth_a = issuer_auth_of (a);
  g_autoptr(GBytes) auth_b = issuer_auth_of (b);
  g_autoptr(GBytes) bytes_a = idw_credential_to_bytes (a, FALSE);
  g_autoptr(GBytes) bytes_b = idw_credential_to_bytes (b, FALSE);

  g_assert_true (g_bytes_equal (auth_a, auth_b));
  g_assert_true (g_bytes_equal (bytes_a, bytes_b));
}

static gboolean
bytes_contain (GBytes       *haystack,
               const guint8 *needle,
               gsize         needle_len)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (haystack, &len);

  for (gsize i = 0; needle_len <= len && i <= len - needle_len; i++)
    if (memcmp (data + i, needle, needle_len) == 0)
      return TRUE;
  return FALSE;
}

static GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

static void
write_file (const char   *path,
            const guint8 *data,
            gsize         len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, (const char *) data, len, &error);
  g_assert_no_error (error);
}

static char *
path_in (IdwStore   *store,
         const char *id)
{
  g_autofree char *name = g_strconcat (id, ".idwstore", NULL);

  return g_build_filename (idw_store_get_directory (store), name, NULL);
}

static void
write_in (IdwStore     *store,
          const char   *id,
          const guint8 *data,
          gsize         len)
{
  g_autofree char *path = path_in (store, id);

  write_file (path, data, len);
}

static gboolean
keyring_has_key (const char *fingerprint)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) key = idw_keystore_lookup_device_key_sync (fingerprint, NULL, &error);

  if (key != NULL)
    return TRUE;
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND);
  return FALSE;
}

/* ---- Fixture: a store in a fresh folder, keyed by the keyring ---- */

typedef struct
{
  char         *dir;
  IdwWalletKey *wallet_key;
  IdwStore     *store;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("idw-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->wallet_key = idw_keystore_get_wallet_key_sync (NULL, &error);
  g_assert_no_error (error);
  f->store = idw_store_new (f->dir, f->wallet_key, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
  g_clear_pointer (&f->wallet_key, idw_wallet_key_unref);
  remove_tree (f->dir);
  g_free (f->dir);
}

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

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
} AsyncWait;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  AsyncWait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static GAsyncResult *
wait_for (AsyncWait *wait)
{
  g_clear_object (&wait->result);
  g_main_loop_run (wait->loop);
  return wait->result;
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
      g_autofree char *dir = g_dir_make_tmp ("idw-store-nokeyring-XXXXXX", NULL);

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
  g_autoptr(GError) error = NULL;
  int status;

  /* Before anything asks GLib for the user data folder. */
  data_home = g_dir_make_tmp ("idw-store-data-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  g_test_init (&argc, &argv, NULL);
  issuer_init ();

  g_test_add ("/store/round-trip", Fixture, NULL, fixture_setup, test_round_trip, fixture_teardown);
  g_test_add ("/store/without-private-key", Fixture, NULL,
              fixture_setup, test_without_private_key, fixture_teardown);
  g_test_add ("/store/shared-device-key", Fixture, NULL,
              fixture_setup, test_shared_device_key, fixture_teardown);
  g_test_add ("/store/duplicate", Fixture, NULL, fixture_setup, test_duplicate, fixture_teardown);
  g_test_add ("/store/file-format", Fixture, NULL, fixture_setup, test_file_format, fixture_teardown);
  g_test_add ("/store/damaged", Fixture, NULL, fixture_setup, test_damaged, fixture_teardown);
  g_test_add ("/store/nickname", Fixture, NULL, fixture_setup, test_nickname, fixture_teardown);
  g_test_add ("/store/async", Fixture, NULL, fixture_setup, test_async, fixture_teardown);
  g_test_add_func ("/store/default-directory", test_default_directory);
  g_test_add_func ("/store/no-keyring", test_no_keyring);

  status = g_test_run ();

  issuer_clear ();
  remove_tree (data_home);
  g_free (data_home);
  return status;
}
