/* test-keystore.c: device keys and the wallet key in the real Secret Service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * build-aux/dev test runs this inside a private D-Bus session with a
 * gnome-keyring-daemon unlocked by a test password.
 */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "idw-error.h"
#include "idw-keystore.h"

#define NO_KEYRING_MESSAGE \
  "No keyring is available. Install and start GNOME Keyring (or another Secret Service) " \
  "to hold your ID’s keys."

static void
assert_same_seed (IdwKey *a,
                  IdwKey *b)
{
  guint8 seed_a[32];
  guint8 seed_b[32];

  g_assert_true (idw_key_export_seed (a, seed_a));
  g_assert_true (idw_key_export_seed (b, seed_b));
  g_assert_cmpmem (seed_a, sizeof seed_a, seed_b, sizeof seed_b);
  sodium_memzero (seed_a, sizeof seed_a);
  sodium_memzero (seed_b, sizeof seed_b);
}

/* The keyring item for @attributes (kind, fingerprint), or NULL. */
static SecretItem *
find_item (const char *kind,
           const char *fingerprint)
{
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  GList *items;
  SecretItem *item = NULL;

  g_hash_table_insert (attributes, (gpointer) "kind", (gpointer) kind);
  if (fingerprint != NULL)
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
test_schema (void)
{
  const SecretSchema *schema = idw_keystore_get_schema ();

  g_assert_cmpstr (schema->name, ==, "io.github.idwallet.IdWallet.Key");
  g_assert_cmpstr (schema->attributes[0].name, ==, "kind");
  g_assert_cmpstr (schema->attributes[1].name, ==, "fingerprint");
  g_assert_cmpstr (schema->attributes[2].name, ==, "curve");
  g_assert_null (schema->attributes[3].name);
}

static void
test_device_key_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) created = NULL;
  g_autoptr(IdwKey) found = NULL;
  g_autoptr(IdwKey) public_only = NULL;
  g_autoptr(GBytes) public_bytes = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(SecretItem) item = NULL;
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *expected_text = NULL;
  g_autofree char *label = NULL;
  static const char message[] = "sign me";
  guint8 seed[32];
  gboolean ok;

  created = idw_keystore_create_device_key_sync ("Mobile driving licence, Erika Mustermann",
                                                 NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (created);
  g_assert_true (idw_key_has_private (created));
  g_assert_cmpint (idw_key_get_curve (created), ==, IDW_CURVE_ED25519);

  fingerprint = idw_key_get_fingerprint (created);
  g_assert_cmpuint (strlen (fingerprint), ==, 64);

  /* The item a person sees in Passwords and Keys. */
  item = find_item (IDW_KEYSTORE_KIND_DEVICE, fingerprint);
  g_assert_nonnull (item);
  label = secret_item_get_label (item);
  g_assert_cmpstr (label, ==, "ID Wallet device key for “Mobile driving licence, Erika Mustermann”");
  attributes = secret_item_get_attributes (item);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "kind"), ==, "device-key");
  g_assert_cmpstr (g_hash_table_lookup (attributes, "fingerprint"), ==, fingerprint);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "curve"), ==, "Ed25519");
  g_assert_cmpstr (g_hash_table_lookup (attributes, "xdg:schema"), ==,
                   "io.github.idwallet.IdWallet.Key");

  /* The secret is the base64 text of the 32-byte seed. */
  value = secret_item_get_secret (item);
  g_assert_nonnull (value);
  g_assert_cmpstr (secret_value_get_content_type (value), ==, "text/plain");
  g_assert_true (idw_key_export_seed (created, seed));
  expected_text = g_base64_encode (seed, sizeof seed);
  sodium_memzero (seed, sizeof seed);
  g_assert_cmpstr (secret_value_get_text (value), ==, expected_text);

  found = idw_keystore_lookup_device_key_sync (fingerprint, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_true (idw_key_equal (found, created));
  assert_same_seed (found, created);

  /* The key from the keyring signs; the original public key verifies. */
  signature = idw_key_sign (found, (const guint8 *) message, strlen (message), &error);
  g_assert_no_error (error);
  public_bytes = idw_key_get_public_bytes (created);
  public_only = idw_key_new_ed25519_public (g_bytes_get_data (public_bytes, NULL),
                                            g_bytes_get_size (public_bytes), &error);
  g_assert_no_error (error);
  ok = idw_key_verify (public_only, IDW_COSE_ALG_EDDSA, (const guint8 *) message, strlen (message),
                       g_bytes_get_data (signature, NULL), g_bytes_get_size (signature), &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  ok = idw_keystore_delete_device_key_sync (fingerprint, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  g_clear_pointer (&found, idw_key_unref);
  found = idw_keystore_lookup_device_key_sync (fingerprint, NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND);
  g_assert_null (found);
  g_clear_error (&error);

  ok = idw_keystore_delete_device_key_sync (fingerprint, NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND);
  g_assert_false (ok);
}

/* A software P-256 device key (ES256): the item holds its 32-byte scalar
 * and names the curve; the key comes back whole and signs. */
static void
test_device_key_p256 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) created = NULL;
  g_autoptr(IdwKey) found = NULL;
  g_autoptr(IdwKey) refused = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(SecretItem) item = NULL;
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *expected_text = NULL;
  static const char message[] = "sign me";
  guint8 d[32];

  created = idw_keystore_create_device_key_for_alg_sync (IDW_COSE_ALG_ES256, "P-256 test", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (idw_key_get_curve (created), ==, IDW_CURVE_P256);
  g_assert_true (idw_key_has_private (created));
  fingerprint = idw_key_get_fingerprint (created);

  item = find_item (IDW_KEYSTORE_KIND_DEVICE, fingerprint);
  g_assert_nonnull (item);
  attributes = secret_item_get_attributes (item);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "curve"), ==, "P-256");
  value = secret_item_get_secret (item);
  g_assert_true (idw_key_export_ec_scalar (created, d, sizeof d));
  expected_text = g_base64_encode (d, sizeof d);
  sodium_memzero (d, sizeof d);
  g_assert_cmpstr (secret_value_get_text (value), ==, expected_text);

  found = idw_keystore_lookup_device_key_sync (fingerprint, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (idw_key_equal (found, created));
  g_assert_true (idw_key_has_private (found));
  g_assert_cmpint (idw_key_get_alg (found), ==, IDW_COSE_ALG_ES256);
  signature = idw_key_sign (found, (const guint8 *) message, strlen (message), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (signature), ==, 64);
  g_assert_true (idw_key_verify (created, IDW_COSE_ALG_ES256, (const guint8 *) message, strlen (message),
                                 g_bytes_get_data (signature, NULL), 64, &error));

  g_assert_true (idw_keystore_delete_device_key_sync (fingerprint, NULL, &error));
  g_assert_no_error (error);

  /* Only the algorithms a holder key may have. */
  refused = idw_keystore_create_device_key_for_alg_sync (IDW_COSE_ALG_ES384, NULL, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
}

/* An item written before items named their curve: Ed25519, and it loads. */
static void
test_device_key_legacy_item (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) key = idw_key_generate_ed25519 ();
  g_autoptr(IdwKey) found = NULL;
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(SecretValue) value = NULL;
  g_autofree char *fingerprint = idw_key_get_fingerprint (key);
  g_autofree char *text = NULL;
  guint8 seed[32];

  g_assert_true (idw_key_export_seed (key, seed));
  text = g_base64_encode (seed, sizeof seed);
  sodium_memzero (seed, sizeof seed);
  value = secret_value_new (text, -1, "text/plain");
  g_hash_table_insert (attributes, (gpointer) "kind", (gpointer) IDW_KEYSTORE_KIND_DEVICE);
  g_hash_table_insert (attributes, (gpointer) "fingerprint", fingerprint);
  secret_service_store_sync (NULL, idw_keystore_get_schema (), attributes, SECRET_COLLECTION_DEFAULT,
                             "ID Wallet legacy test key", value, NULL, &error);
  g_assert_no_error (error);

  found = idw_keystore_lookup_device_key_sync (fingerprint, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (idw_key_equal (found, key));
  assert_same_seed (found, key);

  g_assert_true (idw_keystore_delete_device_key_sync (fingerprint, NULL, &error));
  g_assert_no_error (error);
}

static void
test_device_key_import (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) key = idw_key_generate_ed25519 ();
  g_autoptr(IdwKey) public_only = NULL;
  g_autoptr(IdwKey) found = NULL;
  g_autoptr(GBytes) public_bytes = idw_key_get_public_bytes (key);
  g_autoptr(SecretItem) item = NULL;
  g_autofree char *fingerprint = idw_key_get_fingerprint (key);
  g_autofree char *label = NULL;
  gboolean ok;

  ok = idw_keystore_store_device_key_sync (key, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);

  item = find_item (IDW_KEYSTORE_KIND_DEVICE, fingerprint);
  g_assert_nonnull (item);
  label = secret_item_get_label (item);
  g_assert_cmpstr (label, ==, "ID Wallet device key");

  /* Storing it again replaces the item (and its label) instead of adding one. */
  ok = idw_keystore_store_device_key_sync (key, "Photo ID", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_clear_object (&item);
  item = find_item (IDW_KEYSTORE_KIND_DEVICE, fingerprint);
  g_free (label);
  label = secret_item_get_label (item);
  g_assert_cmpstr (label, ==, "ID Wallet device key for “Photo ID”");

  /* Found from the public key alone, as a credential's MSO holds it. */
  public_only = idw_key_new_ed25519_public (g_bytes_get_data (public_bytes, NULL),
                                            g_bytes_get_size (public_bytes), &error);
  g_assert_no_error (error);
  found = idw_keystore_find_private_key_sync (public_only, NULL, &error);
  g_assert_no_error (error);
  assert_same_seed (found, key);

  /* A public key cannot be stored. */
  ok = idw_keystore_store_device_key_sync (public_only, NULL, NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_UNSUPPORTED);
  g_assert_false (ok);
  g_clear_error (&error);

  ok = idw_keystore_delete_device_key_sync (fingerprint, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
}

static void
test_device_key_bad_fingerprint (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) key = NULL;

  key = idw_keystore_lookup_device_key_sync ("not-a-fingerprint", NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_assert_null (key);
  g_clear_error (&error);

  /* Upper case is not how fingerprints are written. */
  key = idw_keystore_lookup_device_key_sync ("ABCDEF0123456789ABCDEF0123456789"
                                             "ABCDEF0123456789ABCDEF0123456789", NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_clear_error (&error);

  /* Well formed but absent. */
  key = idw_keystore_lookup_device_key_sync ("00000000000000000000000000000000"
                                             "00000000000000000000000000000000", NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "The keyring holds no device key for this ID.");
}

static void
test_wallet_key (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwWalletKey) first = NULL;
  g_autoptr(IdwWalletKey) second = NULL;
  g_autoptr(SecretItem) item = NULL;
  g_autofree char *label = NULL;
  static const guint8 zeros[IDW_WALLET_KEY_LEN] = { 0 };

  first = idw_keystore_get_wallet_key_sync (NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (first);
  second = idw_keystore_get_wallet_key_sync (NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (second);

  g_assert_true (first != second);
  g_assert_cmpmem (idw_wallet_key_get_data (first), IDW_WALLET_KEY_LEN,
                   idw_wallet_key_get_data (second), IDW_WALLET_KEY_LEN);
  g_assert_true (memcmp (idw_wallet_key_get_data (first), zeros, sizeof zeros) != 0);

  item = find_item (IDW_KEYSTORE_KIND_WALLET, NULL);
  g_assert_nonnull (item);
  label = secret_item_get_label (item);
  g_assert_cmpstr (label, ==, "ID Wallet storage key");
}

static void
test_wallet_key_from_data (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwWalletKey) random_a = idw_wallet_key_new_random ();
  g_autoptr(IdwWalletKey) random_b = idw_wallet_key_new_random ();
  g_autoptr(IdwWalletKey) copy = NULL;
  g_autoptr(IdwWalletKey) bad = NULL;
  guint8 data[IDW_WALLET_KEY_LEN];

  g_assert_true (memcmp (idw_wallet_key_get_data (random_a), idw_wallet_key_get_data (random_b),
                         IDW_WALLET_KEY_LEN) != 0);

  memset (data, 0x5a, sizeof data);
  copy = idw_wallet_key_new_from_data (data, sizeof data, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (idw_wallet_key_get_data (copy), IDW_WALLET_KEY_LEN, data, sizeof data);

  bad = idw_wallet_key_new_from_data (data, 16, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
  g_assert_null (bad);
}

/* ---- Asynchronous variants ---- */

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
  g_main_loop_run (wait->loop);
  return wait->result;
}

static void
test_async (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(IdwKey) created = NULL;
  g_autoptr(IdwKey) found = NULL;
  g_autoptr(IdwKey) imported = idw_key_generate_ed25519 ();
  g_autoptr(IdwWalletKey) wallet_async = NULL;
  g_autoptr(IdwWalletKey) wallet_sync = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *imported_fingerprint = idw_key_get_fingerprint (imported);
  AsyncWait wait = { loop, NULL };
  gboolean ok;

  idw_keystore_create_device_key ("Async ID", NULL, on_done, &wait);
  created = idw_keystore_create_device_key_finish (wait_for (&wait), &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  g_assert_nonnull (created);
  fingerprint = idw_key_get_fingerprint (created);

  idw_keystore_lookup_device_key (fingerprint, NULL, on_done, &wait);
  found = idw_keystore_lookup_device_key_finish (wait_for (&wait), &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  assert_same_seed (found, created);

  idw_keystore_delete_device_key (fingerprint, NULL, on_done, &wait);
  ok = idw_keystore_delete_device_key_finish (wait_for (&wait), &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  g_assert_true (ok);

  g_clear_pointer (&found, idw_key_unref);
  idw_keystore_lookup_device_key (fingerprint, NULL, on_done, &wait);
  found = idw_keystore_lookup_device_key_finish (wait_for (&wait), &error);
  g_clear_object (&wait.result);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND);
  g_assert_null (found);
  g_clear_error (&error);

  idw_keystore_store_device_key (imported, "Imported", NULL, on_done, &wait);
  ok = idw_keystore_store_device_key_finish (wait_for (&wait), &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  g_assert_true (ok);
  found = idw_keystore_lookup_device_key_sync (imported_fingerprint, NULL, &error);
  g_assert_no_error (error);
  assert_same_seed (found, imported);
  idw_keystore_delete_device_key_sync (imported_fingerprint, NULL, &error);
  g_assert_no_error (error);

  idw_keystore_get_wallet_key (NULL, on_done, &wait);
  wallet_async = idw_keystore_get_wallet_key_finish (wait_for (&wait), &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  wallet_sync = idw_keystore_get_wallet_key_sync (NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (idw_wallet_key_get_data (wallet_async), IDW_WALLET_KEY_LEN,
                   idw_wallet_key_get_data (wallet_sync), IDW_WALLET_KEY_LEN);
}

static void
test_async_cancelled (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(IdwKey) key = NULL;
  AsyncWait wait = { loop, NULL };

  g_cancellable_cancel (cancellable);
  idw_keystore_create_device_key ("Cancelled", cancellable, on_done, &wait);
  key = idw_keystore_create_device_key_finish (wait_for (&wait), &error);
  g_clear_object (&wait.result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (key);
}

/* ---- No Secret Service ---- */

/* Every entry point says the same thing, in words that say how to fix it. */
static void
assert_all_calls_fail_with_no_keyring (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) key = NULL;
  g_autoptr(IdwKey) generated = idw_key_generate_ed25519 ();
  g_autoptr(IdwWalletKey) wallet_key = NULL;
  g_autofree char *fingerprint = idw_key_get_fingerprint (generated);

  key = idw_keystore_lookup_device_key_sync (fingerprint, NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_KEYRING);
  g_assert_cmpstr (error->message, ==, NO_KEYRING_MESSAGE);
  g_assert_null (key);
  g_clear_error (&error);

  key = idw_keystore_create_device_key_sync ("Nowhere", NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_KEYRING);
  g_assert_cmpstr (error->message, ==, NO_KEYRING_MESSAGE);
  g_clear_error (&error);

  g_assert_false (idw_keystore_store_device_key_sync (generated, NULL, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_KEYRING);
  g_assert_cmpstr (error->message, ==, NO_KEYRING_MESSAGE);
  g_clear_error (&error);

  g_assert_false (idw_keystore_delete_device_key_sync (fingerprint, NULL, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_KEYRING);
  g_assert_cmpstr (error->message, ==, NO_KEYRING_MESSAGE);
  g_clear_error (&error);

  wallet_key = idw_keystore_get_wallet_key_sync (NULL, &error);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_KEYRING);
  g_assert_cmpstr (error->message, ==, NO_KEYRING_MESSAGE);
  g_assert_null (wallet_key);
}

static void
test_no_session_bus (void)
{
  if (g_test_subprocess ())
    {
      /* Before libsecret first connects. */
      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent", TRUE);
      assert_all_calls_fail_with_no_keyring ();
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* A session bus on which no Secret Service runs or can be started. */
static void
test_no_secret_service (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GTestDBus) bus = g_test_dbus_new (G_TEST_DBUS_NONE);

      g_test_dbus_up (bus);
      assert_all_calls_fail_with_no_keyring ();
      g_test_dbus_down (bus);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

/* ---- A locked keyring ---- */

/* Makes a collection of its own with gnome-keyring's internal interface (no
 * prompt needed), stores a device key in it and locks it. Returns the key's
 * fingerprint, or NULL when the Secret Service is not gnome-keyring. */
static char *
make_locked_device_key (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusConnection) bus = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) session_output = NULL;
  g_autoptr(GVariant) created = NULL;
  g_autoptr(GVariant) locked = NULL;
  g_autoptr(SecretValue) value = NULL;
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(IdwKey) key = idw_key_generate_ed25519 ();
  g_autofree char *fingerprint = idw_key_get_fingerprint (key);
  g_autofree char *text = NULL;
  g_autofree const char **locked_paths = NULL;
  GVariantBuilder properties;
  const char *prompt_path;
  const char *session_path;
  const char *collection_path;
  guint8 seed[32];

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                       "org.freedesktop.Secret.Service", "OpenSession",
                                       g_variant_new ("(sv)", "plain", g_variant_new_string ("")),
                                       G_VARIANT_TYPE ("(vo)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                       NULL, &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(v&o)", &session_output, &session_path);

  g_variant_builder_init (&properties, G_VARIANT_TYPE ("a{sv}"));
  g_variant_builder_add (&properties, "{sv}", "org.freedesktop.Secret.Collection.Label",
                         g_variant_new_string ("ID Wallet locked test"));
  created = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                         "org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface",
                                         "CreateWithMasterPassword",
                                         g_variant_new ("(a{sv}(o@ay@ays))", &properties, session_path,
                                                        g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE,
                                                                                   "", 0, 1),
                                                        g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE,
                                                                                   "pw", 2, 1),
                                                        "text/plain"),
                                         G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                         NULL, &error);
  if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD))
    return NULL;
  g_assert_no_error (error);
  g_variant_get (created, "(&o)", &collection_path);

  g_assert_true (idw_key_export_seed (key, seed));
  text = g_base64_encode (seed, sizeof seed);
  sodium_memzero (seed, sizeof seed);
  value = secret_value_new (text, -1, "text/plain");
  g_hash_table_insert (attributes, (gpointer) "kind", (gpointer) IDW_KEYSTORE_KIND_DEVICE);
  g_hash_table_insert (attributes, (gpointer) "fingerprint", fingerprint);
  secret_service_store_sync (NULL, idw_keystore_get_schema (), attributes, collection_path,
                             "ID Wallet locked test key", value, NULL, &error);
  g_assert_no_error (error);

  /* Lock(ao) needs no prompt. */
  locked = g_dbus_connection_call_sync (bus, "org.freedesktop.secrets", "/org/freedesktop/secrets",
                                        "org.freedesktop.Secret.Service", "Lock",
                                        g_variant_new_parsed ("([%o],)", collection_path),
                                        G_VARIANT_TYPE ("(aoo)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                        NULL, &error);
  g_assert_no_error (error);
  g_variant_get (locked, "(^a&o&o)", &locked_paths, &prompt_path);
  g_assert_cmpuint (g_strv_length ((char **) locked_paths), ==, 1);
  g_assert_cmpstr (prompt_path, ==, "/");

  return g_steal_pointer (&fingerprint);
}

/* The fingerprints of the device keys that make_locked_device_key() left
 * (more than one when the tests ran before in the same keyring). */
static GStrv
find_locked_fingerprints (void)
{
  g_autoptr(GHashTable) attributes = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GList *items;

  g_hash_table_insert (attributes, (gpointer) "kind", (gpointer) IDW_KEYSTORE_KIND_DEVICE);
  items = secret_service_search_sync (NULL, idw_keystore_get_schema (), attributes,
                                      SECRET_SEARCH_ALL, NULL, &error);
  g_assert_no_error (error);
  for (GList *l = items; l != NULL; l = l->next)
    if (secret_item_get_locked (l->data))
      {
        g_autoptr(GHashTable) item_attributes = secret_item_get_attributes (l->data);

        g_strv_builder_add (builder, g_hash_table_lookup (item_attributes, "fingerprint"));
      }
  g_list_free_full (items, g_object_unref);
  return g_strv_builder_end (builder);
}

/* The keyring's unlock prompt goes to gnome-keyring's system prompter. The
 * child takes that bus name and answers nothing, so the prompt fails as if
 * the user had dismissed it (and no dialog appears on a real display). */
static void
test_locked (void)
{
  g_autofree char *fingerprint = NULL;
  g_autofree char *pattern = NULL;

  if (g_test_subprocess ())
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDBusConnection) bus = NULL;
      g_autoptr(GVariant) reply = NULL;
      g_auto(GStrv) fingerprints = NULL;
      guint32 result = 0;

      bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
      g_assert_no_error (error);
      reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                           "org.freedesktop.DBus", "RequestName",
                                           g_variant_new ("(su)", "org.gnome.keyring.SystemPrompter",
                                                          0x4 /* DO_NOT_QUEUE */),
                                           G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                           NULL, &error);
      g_assert_no_error (error);
      g_variant_get (reply, "(u)", &result);
      g_assert_cmpuint (result, ==, 1 /* PRIMARY_OWNER */);

      fingerprints = find_locked_fingerprints ();
      g_assert_cmpuint (g_strv_length (fingerprints), >=, 1);
      for (guint i = 0; fingerprints[i] != NULL; i++)
        {
          g_autoptr(IdwKey) key = NULL;

          key = idw_keystore_lookup_device_key_sync (fingerprints[i], NULL, &error);
          g_assert_error (error, IDW_ERROR, IDW_ERROR_KEYRING);
          g_assert_cmpstr (error->message, ==, "The keyring is locked. Unlock it to use your IDs.");
          g_assert_null (key);
          g_clear_error (&error);
          g_print ("locked device key %s\n", fingerprints[i]);
        }
      return;
    }

  fingerprint = make_locked_device_key ();
  if (fingerprint == NULL)
    {
      g_test_skip ("The Secret Service is not gnome-keyring");
      return;
    }
  g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  pattern = g_strdup_printf ("*locked device key %s*", fingerprint);
  g_test_trap_assert_stdout (pattern);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/keystore/schema", test_schema);
  g_test_add_func ("/keystore/device-key/round-trip", test_device_key_round_trip);
  g_test_add_func ("/keystore/device-key/p256", test_device_key_p256);
  g_test_add_func ("/keystore/device-key/legacy-item", test_device_key_legacy_item);
  g_test_add_func ("/keystore/device-key/import", test_device_key_import);
  g_test_add_func ("/keystore/device-key/bad-fingerprint", test_device_key_bad_fingerprint);
  g_test_add_func ("/keystore/wallet-key/get-or-create", test_wallet_key);
  g_test_add_func ("/keystore/wallet-key/from-data", test_wallet_key_from_data);
  g_test_add_func ("/keystore/async", test_async);
  g_test_add_func ("/keystore/async-cancelled", test_async_cancelled);
  g_test_add_func ("/keystore/locked", test_locked);
  g_test_add_func ("/keystore/no-session-bus", test_no_session_bus);
  g_test_add_func ("/keystore/no-secret-service", test_no_secret_service);

  return g_test_run ();
}
