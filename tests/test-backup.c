/* test-backup.c: backups of the wallet (idw-backup.c): the round trip,
 * every way a file can be wrong, the limits, and that a failing restore
 * changes nothing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The wallets are folders of the test's own with a keyring in memory (the
 * engine's IdwBackupKeyring), so that this runs without a Secret Service;
 * tests/test-cli-backup.c does the same with the real keyring. Backups are
 * written with the test-only fast Argon2id setting (IDW_BACKUP_TEST_KDF),
 * but /backup/kdf-default checks what the default writes.
 */
#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gio.h>
#include <gio/gsettingsbackend.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sodium.h>

#include "idw-backup.h"
#include "idw-backup-private.h"
#include "idw-history.h"
#include "idw-issue.h"
#include "idw-store.h"
#include "idw-store-private.h"
#include "idw-trust-store.h"
#include "issuer-test-util.h"
#include "test-util.h"
#include "vical-test-util.h"

#define PASSPHRASE "correct horse battery staple"

static char *tmp_root;
static TestIssuer *issuer;
static char *schema_dir;

/* ---- A keyring in memory ---------------------------------------------- */

typedef struct
{
  IdwBackupKeyring  keyring;
  IdwWalletKey     *wallet_key;
  GHashTable       *keys;       /* fingerprint → IdwKey (software) */
  GHashTable       *hardware;   /* fingerprints of TPM-bound keys */
  gboolean          fail_store;
  guint             stored;
} MemKeyring;

static IdwWalletKey *
mem_get_wallet_key (gpointer       user_data,
                    GCancellable  *cancellable,
                    GError       **error)
{
  MemKeyring *mem = user_data;

  if (mem->wallet_key == NULL)
    mem->wallet_key = idw_wallet_key_new_random ();
  return idw_wallet_key_ref (mem->wallet_key);
}

static gboolean
mem_find_device_key (const char        *fingerprint,
                     IdwBackupKeyKind  *out_kind,
                     IdwKey           **out_key,
                     gpointer           user_data,
                     GCancellable      *cancellable,
                     GError           **error)
{
  MemKeyring *mem = user_data;
  IdwKey *key = g_hash_table_lookup (mem->keys, fingerprint);

  *out_key = NULL;
  if (key != NULL)
    {
      *out_kind = IDW_BACKUP_KEY_SOFTWARE;
      *out_key = idw_key_ref (key);
    }
  else if (g_hash_table_contains (mem->hardware, fingerprint))
    *out_kind = IDW_BACKUP_KEY_HARDWARE;   /* a TPM this test does not have */
  else
    *out_kind = IDW_BACKUP_KEY_NONE;
  return TRUE;
}

static gboolean
mem_store_device_key (IdwKey        *key,
                      const char    *name,
                      gpointer       user_data,
                      GCancellable  *cancellable,
                      GError       **error)
{
  MemKeyring *mem = user_data;

  if (mem->fail_store)
    {
      g_set_error_literal (error, IDW_ERROR, IDW_ERROR_KEYRING, "The keyring is locked (test).");
      return FALSE;
    }
  g_hash_table_insert (mem->keys, idw_key_get_fingerprint (key), idw_key_ref (key));
  mem->stored++;
  return TRUE;
}

static MemKeyring *
mem_keyring_new (void)
{
  MemKeyring *mem = g_new0 (MemKeyring, 1);

  mem->keyring.get_wallet_key = mem_get_wallet_key;
  mem->keyring.find_device_key = mem_find_device_key;
  mem->keyring.store_device_key = mem_store_device_key;
  mem->keyring.user_data = mem;
  mem->keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) idw_key_unref);
  mem->hardware = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return mem;
}

static void
mem_keyring_free (MemKeyring *mem)
{
  g_clear_pointer (&mem->wallet_key, idw_wallet_key_unref);
  g_hash_table_unref (mem->keys);
  g_hash_table_unref (mem->hardware);
  g_free (mem);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MemKeyring, mem_keyring_free)

/* ---- A wallet: a folder, a keyring, settings --------------------------- */

typedef struct
{
  char            *dir;
  MemKeyring      *mem;
  GSettings       *settings;
  IdwBackupWallet  wallet;
} Wallet;

static GSettingsSchema *
app_schema (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettingsSchemaSource) source = NULL;

  source = g_settings_schema_source_new_from_directory (schema_dir, NULL, TRUE, &error);
  g_assert_no_error (error);
  return g_settings_schema_source_lookup (source, APP_ID, FALSE);
}

static Wallet *
wallet_new (const char *name)
{
  Wallet *w = g_new0 (Wallet, 1);
  g_autoptr(GSettingsSchema) schema = app_schema ();
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();

  w->dir = g_build_filename (tmp_root, name, "id-wallet", NULL);
  w->mem = mem_keyring_new ();
  w->settings = g_settings_new_full (schema, backend, NULL);
  w->wallet.data_directory = w->dir;
  w->wallet.keyring = &w->mem->keyring;
  w->wallet.settings = w->settings;
  return w;
}

static void
wallet_free (Wallet *w)
{
  g_free (w->dir);
  mem_keyring_free (w->mem);
  g_clear_object (&w->settings);
  g_free (w);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Wallet, wallet_free)

static IdwStore *
wallet_store (Wallet *w)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_build_filename (w->dir, "credentials", NULL);
  g_autoptr(IdwWalletKey) key = mem_get_wallet_key (w->mem, NULL, NULL);
  IdwStore *store = idw_store_new (dir, key, &error);

  g_assert_no_error (error);
  return store;
}

static IdwTrustStore *
wallet_trust (Wallet *w)
{
  g_autofree char *dir = g_build_filename (w->dir, "trust", NULL);

  return idw_trust_store_new (dir);
}

static IdwHistory *
wallet_history (Wallet *w)
{
  g_autofree char *dir = g_build_filename (w->dir, "history", NULL);
  g_autoptr(IdwWalletKey) key = mem_get_wallet_key (w->mem, NULL, NULL);

  return idw_history_new (dir, key);
}

static GPtrArray *
list_entries (Wallet *w)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwStore) store = wallet_store (w);
  GPtrArray *entries = idw_store_list_sync (store, NULL, &error);

  g_assert_no_error (error);
  return entries;
}

/* An mDL of @given bound to @device_key (public part in the credential). */
static IdwCredential *
issue_mdl (const char *given,
           IdwKey     *device_key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) data = json_object_new ();
  JsonObject *mdl = json_object_new ();
  g_autoptr(IdwKey) public_key = idw_key_dup_public (device_key);
  IdwCredential *credential;

  json_object_set_string_member (mdl, "given_name", given);
  json_object_set_string_member (mdl, "family_name", "Mustermann");
  json_object_set_string_member (mdl, "birth_date", "1990-05-17");
  json_object_set_boolean_member (mdl, "age_over_18", TRUE);
  json_object_set_object_member (data, "org.iso.18013.5.1", mdl);

  credential = idw_issue_credential (data, NULL, public_key, issuer->ds_key, issuer->ds, NULL, &error);
  g_assert_no_error (error);
  return credential;
}

typedef enum
{
  KEY_SOFTWARE,
  KEY_HARDWARE,
  KEY_NONE,
} KeyPlace;

/* Adds a credential for @given to @w, its device key (@p256 or Ed25519)
 * kept as @place says; returns its id. */
static char *
add_credential (Wallet     *w,
                const char *given,
                const char *nickname,
                gboolean    p256,
                KeyPlace    place)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) key = p256 ? idw_key_generate_p256 () : idw_key_generate_ed25519 ();
  g_autoptr(IdwCredential) credential = issue_mdl (given, key);
  g_autoptr(IdwStore) store = wallet_store (w);
  g_autoptr(IdwStoreEntry) entry = NULL;
  g_autofree char *fingerprint = idw_key_get_fingerprint (key);

  entry = idw_store_add_sync (store, credential, nickname, NULL, &error);
  g_assert_no_error (error);
  if (place == KEY_SOFTWARE)
    g_hash_table_insert (w->mem->keys, g_strdup (fingerprint), idw_key_ref (key));
  else if (place == KEY_HARDWARE)
    g_hash_table_add (w->mem->hardware, g_strdup (fingerprint));
  return g_strdup (idw_store_entry_get_id (entry));
}

/* The test's VICAL of @provider, dated @days_ago, holding @iaca. */
static IdwVical *
make_vical (TestProvider   *provider,
            const char     *name,
            gint            days_ago,
            gint64          issue_id,
            IdwCertificate *iaca)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) date = g_date_time_add_days (now, -days_ago);
  g_autoptr(GBytes) data = test_vical_sign (provider, test_vical_payload_for (name, date, issue_id, iaca, NULL));
  g_autoptr(GPtrArray) anchors = g_ptr_array_new ();
  IdwVical *vical;

  g_ptr_array_add (anchors, provider->root);
  vical = idw_vical_new_from_bytes (data, anchors, NULL, NULL, &error);
  g_assert_no_error (error);
  return vical;
}

static void
import_list (Wallet       *w,
             IdwVical     *vical)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwTrustStore) trust = wallet_trust (w);

  idw_trust_store_import_vical (trust, vical, NULL, &error);
  g_assert_no_error (error);
}

static IdwPassphrase *
passphrase (const char *text)
{
  g_autoptr(GError) error = NULL;
  IdwPassphrase *p = idw_passphrase_new (text, -1, &error);

  g_assert_no_error (error);
  return p;
}

/* Backs @w up into a file of the test's; returns its bytes. */
static GBytes *
make_backup (Wallet           *w,
             const char       *name,
             IdwBackupSummary *out_summary)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwPassphrase) p = passphrase (PASSPHRASE);
  g_autofree char *path = g_build_filename (tmp_root, name, NULL);
  g_autofree char *contents = NULL;
  gsize len = 0;
  struct stat st;

  g_assert_true (idw_backup_create_sync (&w->wallet, path, p, out_summary, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (g_steal_pointer (&contents), len);
}

static IdwBackup *
open_ok (GBytes *data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwPassphrase) p = passphrase (PASSPHRASE);
  IdwBackup *backup = idw_backup_open_bytes (data, p, &error);

  g_assert_no_error (error);
  g_assert_nonnull (backup);
  return backup;
}

static void
open_fails (GBytes     *data,
            const char *pass,
            gint        code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwPassphrase) p = passphrase (pass);
  g_autoptr(IdwBackup) backup = idw_backup_open_bytes (data, p, &error);

  g_assert_null (backup);
  g_assert_error (error, IDW_ERROR, code);
}

/* A snapshot of a folder: every path and its contents, to tell that
 * nothing changed. */
static void
snapshot_into (GString    *out,
               const char *path,
               const char *rel)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  /* The restore's lock file is made once and stays, empty: every restore
   * takes it. */
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (!g_str_equal (name, ".id-wallet-restore.lock"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, test_compare_strings);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child = g_build_filename (path, names->pdata[i], NULL);
      g_autofree char *child_rel = g_build_filename (rel, names->pdata[i], NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        {
          g_string_append_printf (out, "%s/\n", child_rel);
          snapshot_into (out, child, child_rel);
        }
      else if (g_file_get_contents (child, &contents, &len, NULL))
        {
          g_autofree char *digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *) contents, len);

          g_string_append_printf (out, "%s %s\n", child_rel, digest);
        }
    }
}

/* The wallet's folder and everything beside it (leftovers of a restore). */
static char *
snapshot (Wallet *w)
{
  g_autofree char *parent = g_path_get_dirname (w->dir);
  GString *out = g_string_new (NULL);

  snapshot_into (out, parent, "");
  return g_string_free (out, FALSE);
}

/* A wallet with something of everything. */
static Wallet *
full_wallet (const char *name,
             char      **out_ed_id,
             char      **out_tpm_id)
{
  g_autoptr(GError) error = NULL;
  Wallet *w = wallet_new (name);
  g_autoptr(TestProvider) provider = test_provider_new ("Listland");
  g_autoptr(IdwCertificate) listed = test_vical_iaca ("Listed");
  g_autoptr(IdwVical) vical = make_vical (provider, "Listland", 3, 7, listed);
  g_autoptr(IdwTrustStore) trust = wallet_trust (w);
  g_autoptr(IdwHistory) history = wallet_history (w);
  g_autofree char *ed_id = NULL;
  g_autofree char *tpm_id = NULL;

  ed_id = add_credential (w, "Erika", "My licence", FALSE, KEY_SOFTWARE);
  g_free (add_credential (w, "Paula", NULL, TRUE, KEY_SOFTWARE));
  tpm_id = add_credential (w, "Tanja", NULL, TRUE, KEY_HARDWARE);
  g_free (add_credential (w, "Nora", NULL, FALSE, KEY_NONE));

  idw_trust_store_add (trust, issuer->iaca, NULL, &error);
  g_assert_no_error (error);
  import_list (w, vical);

  for (int i = 0; i < 3; i++)
    {
      g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (1790000000 + i * 60);
      const char *elements[] = { "org.iso.18013.5.1/age_over_18", NULL };
      g_autoptr(IdwHistoryEntry) entry = idw_history_entry_new (time, ed_id, "My licence",
                                                                "org.iso.18013.5.1.mDL", elements,
                                                                IDW_HISTORY_CHANNEL_QR, NULL,
                                                                IDW_HISTORY_OUTCOME_SHARED);

      idw_history_append_sync (history, entry, NULL, &error);
      g_assert_no_error (error);
    }

  g_settings_set_uint (w->settings, "refresh-interval", 45);
  g_settings_set_boolean (w->settings, "record-history", FALSE);
  g_settings_set_string (w->settings, "camera", "Front camera");
  g_settings_set_int (w->settings, "window-width", 1234);

  if (out_ed_id != NULL)
    *out_ed_id = g_steal_pointer (&ed_id);
  if (out_tpm_id != NULL)
    *out_tpm_id = g_steal_pointer (&tpm_id);
  return w;
}

/* ---- Tests -------------------------------------------------------------- */

static void
test_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ed_id = NULL;
  g_autofree char *tpm_id = NULL;
  g_autoptr(Wallet) a = full_wallet ("round-a", &ed_id, &tpm_id);
  g_autoptr(Wallet) b = wallet_new ("round-b");
  g_autoptr(GBytes) data = NULL;
  g_autoptr(IdwBackup) backup = NULL;
  g_autoptr(IdwBackupReport) report = NULL;
  g_autoptr(GPtrArray) a_entries = list_entries (a);
  g_autoptr(GPtrArray) b_entries = NULL;
  g_autoptr(IdwTrustStore) trust = NULL;
  g_autoptr(GPtrArray) anchors = NULL;
  g_autoptr(GHashTable) origins = NULL;
  g_autoptr(GPtrArray) lists = NULL;
  g_autoptr(IdwHistory) history = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *leftovers = NULL;
  IdwBackupSummary summary;
  GPtrArray *credentials;
  guint n_software = 0;

  data = make_backup (a, "round.idwbackup", &summary);
  g_assert_cmpuint (summary.credentials, ==, 4);
  g_assert_cmpuint (summary.keys_included, ==, 2);
  g_assert_cmpuint (summary.keys_hardware, ==, 1);
  g_assert_cmpuint (summary.anchors, ==, 1);
  g_assert_cmpuint (summary.lists, ==, 1);
  g_assert_cmpuint (summary.history, ==, 3);
  g_assert_false (summary.history_damaged);
  /* Every key but the window's three. */
  g_assert_cmpuint (summary.settings, ==, 5);

  /* What opening shows. */
  backup = open_ok (data);
  g_assert_nonnull (idw_backup_get_created (backup));
  credentials = idw_backup_get_credentials (backup);
  g_assert_cmpuint (credentials->len, ==, 4);
  for (guint i = 0; i < credentials->len; i++)
    {
      IdwBackupCredential *c = credentials->pdata[i];
      g_autofree char *name = idw_backup_credential_dup_name (c);

      g_test_message ("%s: %s, key %d", c->id, name, c->key_kind);
      if (g_str_equal (c->id, ed_id))
        {
          g_assert_cmpstr (name, ==, "My licence");
          g_assert_cmpint (c->key_kind, ==, IDW_BACKUP_KEY_SOFTWARE);
        }
      if (g_str_equal (c->id, tpm_id))
        {
          g_assert_cmpint (c->key_kind, ==, IDW_BACKUP_KEY_HARDWARE);
          g_assert_null (idw_credential_get_private_key (c->credential));
        }
      if (c->key_kind == IDW_BACKUP_KEY_SOFTWARE)
        {
          n_software++;
          g_assert_nonnull (idw_credential_get_private_key (c->credential));
        }
    }
  g_assert_cmpuint (n_software, ==, 2);
  g_assert_cmpuint (idw_backup_get_anchors (backup)->len, ==, 1);
  g_assert_cmpuint (idw_backup_get_lists (backup)->len, ==, 1);
  g_assert_cmpstr (idw_trust_origin_get_provider (idw_backup_get_lists (backup)->pdata[0]), ==, "Listland");
  g_assert_cmpuint (idw_backup_get_n_history (backup), ==, 3);
  g_assert_cmpuint (g_variant_n_children (idw_backup_get_settings (backup)), ==, 5);
  g_assert_null (g_variant_lookup_value (idw_backup_get_settings (backup), "window-width", NULL));

  /* Restored into an empty wallet with a keyring of its own. */
  report = idw_backup_restore_sync (backup, &b->wallet, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->restored->len, ==, 3);
  g_assert_cmpuint (report->reissue->len, ==, 1);
  g_assert_cmpuint (report->skipped->len, ==, 0);
  g_assert_cmpstr (((IdwBackupItem *) report->reissue->pdata[0])->id, ==, tpm_id);
  g_assert_cmpuint (report->anchors_added, ==, 1);
  g_assert_cmpuint (report->lists_restored, ==, 1);
  g_assert_cmpuint (report->history_added, ==, 3);
  g_assert_cmpuint (report->settings_restored, ==, 5);
  g_assert_false (report->settings_pending);
  g_assert_cmpuint (b->mem->stored, ==, 2);

  /* The same credentials, ids, names and import times, under b's key. */
  b_entries = list_entries (b);
  g_assert_cmpuint (b_entries->len, ==, 4);
  for (guint i = 0; i < a_entries->len; i++)
    {
      IdwStoreEntry *ea = a_entries->pdata[i];
      IdwStoreEntry *eb = b_entries->pdata[i];
      g_autoptr(GBytes) ca = idw_credential_to_bytes (idw_store_entry_get_credential (ea), FALSE);
      g_autoptr(GBytes) cb = NULL;
      g_autofree char *fingerprint = NULL;
      IdwKey *a_key;

      g_assert_false (idw_store_entry_is_damaged (eb));
      cb = idw_credential_to_bytes (idw_store_entry_get_credential (eb), FALSE);
      g_assert_cmpstr (idw_store_entry_get_id (ea), ==, idw_store_entry_get_id (eb));
      g_assert_cmpstr (idw_store_entry_get_nickname (ea), ==, idw_store_entry_get_nickname (eb));
      g_assert_true (g_date_time_equal (idw_store_entry_get_imported (ea), idw_store_entry_get_imported (eb)));
      g_assert_true (g_bytes_equal (ca, cb));
      g_assert_cmpint (idw_store_entry_get_reissue_needed (eb), ==,
                       g_str_equal (idw_store_entry_get_id (eb), tpm_id));

      /* Software keys are in b's keyring, the same private keys. */
      fingerprint = idw_key_get_fingerprint (idw_credential_get_device_key (idw_store_entry_get_credential (ea)));
      a_key = g_hash_table_lookup (a->mem->keys, fingerprint);
      if (a_key != NULL)
        {
          IdwKey *b_key = g_hash_table_lookup (b->mem->keys, fingerprint);
          g_autoptr(GBytes) signature = NULL;

          g_assert_nonnull (b_key);
          signature = idw_key_sign (b_key, (const guint8 *) "x", 1, &error);
          g_assert_no_error (error);
          g_assert_true (idw_key_verify (a_key, idw_key_get_alg (a_key), (const guint8 *) "x", 1,
                                         g_bytes_get_data (signature, NULL), g_bytes_get_size (signature),
                                         &error));
        }
    }

  trust = wallet_trust (b);
  anchors = idw_trust_store_list_with_origins (trust, &origins, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (anchors->len, ==, 2);
  g_assert_cmpuint (g_hash_table_size (origins), ==, 1);
  lists = idw_trust_store_list_vicals (trust, NULL, &error);
  g_assert_cmpuint (lists->len, ==, 1);
  g_assert_cmpstr (idw_trust_origin_get_provider (lists->pdata[0]), ==, "Listland");

  history = wallet_history (b);
  entries = idw_history_list_sync (history, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 3);
  g_assert_cmpstr (idw_history_entry_get_credential_id (entries->pdata[0]), ==, ed_id);

  g_assert_cmpuint (g_settings_get_uint (b->settings, "refresh-interval"), ==, 45);
  g_assert_false (g_settings_get_boolean (b->settings, "record-history"));
  g_autofree char *camera = g_settings_get_string (b->settings, "camera");
  g_assert_cmpstr (camera, ==, "Front camera");
  /* The window's size is this screen's. */
  g_assert_cmpint (g_settings_get_int (b->settings, "window-width"), ==, 900);

  /* Nothing left beside the wallet: no staging folder, no journal. */
  leftovers = snapshot (b);
  g_assert_null (strstr (leftovers, ".restore-journal"));
  g_assert_null (strstr (leftovers, ".id-wallet.restore-"));
  g_assert_null (strstr (leftovers, ".id-wallet.old-"));
}

/* Restoring into a wallet that holds them already: skipped and said so;
 * what else it holds stays. */
static void
test_skip_duplicates (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Wallet) a = full_wallet ("dup-a", NULL, NULL);
  g_autoptr(GBytes) data = make_backup (a, "dup.idwbackup", NULL);
  g_autoptr(IdwBackup) backup = open_ok (data);
  g_autoptr(IdwBackupReport) first = NULL;
  g_autoptr(IdwBackupReport) again = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *own = NULL;

  /* Into a itself. */
  first = idw_backup_restore_sync (backup, &a->wallet, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->skipped->len, ==, 4);
  g_assert_cmpuint (first->restored->len + first->reissue->len, ==, 0);
  g_assert_cmpuint (first->anchors_present, ==, 1);
  g_assert_cmpuint (first->lists_kept, ==, 1);
  g_assert_cmpuint (first->history_added, ==, 0);
  {
    gboolean named = FALSE;

    for (guint i = 0; i < first->skipped->len; i++)
      named |= g_str_equal (((IdwBackupItem *) first->skipped->pdata[i])->name, "My licence");
    g_assert_true (named);
  }

  /* A credential the backup does not hold stays, and a second restore
   * skips the same ones again. */
  own = add_credential (a, "Olga", NULL, FALSE, KEY_SOFTWARE);
  again = idw_backup_restore_sync (backup, &a->wallet, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->skipped->len, ==, 4);
  entries = list_entries (a);
  g_assert_cmpuint (entries->len, ==, 5);
}

static void
test_wrong_passphrase (void)
{
  g_autoptr(Wallet) a = full_wallet ("pass-a", NULL, NULL);
  g_autoptr(GBytes) data = make_backup (a, "pass.idwbackup", NULL);
  g_autoptr(GError) error = NULL;

  open_fails (data, "correct horse battery stapler", IDW_ERROR_BACKUP_PASSPHRASE);
  open_fails (data, "Correct horse battery staple", IDW_ERROR_BACKUP_PASSPHRASE);

  /* Empty, too long and not UTF-8 are refused before any file is read. */
  g_assert_null (idw_passphrase_new ("", -1, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_BACKUP_PASSPHRASE);
  g_clear_error (&error);
  {
    g_autofree char *longest = g_strnfill (IDW_BACKUP_MAX_PASSPHRASE, 'a');
    g_autofree char *longer = g_strnfill (IDW_BACKUP_MAX_PASSPHRASE + 1, 'a');
    g_autoptr(IdwPassphrase) ok = idw_passphrase_new (longest, -1, &error);

    g_assert_no_error (error);
    g_assert_null (idw_passphrase_new (longer, -1, &error));
    g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
    g_clear_error (&error);
  }
  g_assert_null (idw_passphrase_new ("caf\xc3", -1, &error));
  g_assert_error (error, IDW_ERROR, IDW_ERROR_MALFORMED);
}

/* The same words typed as NFD ("e" + combining acute) open a backup made
 * with NFC ("é"). */
static void
test_passphrase_nfc (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Wallet) a = wallet_new ("nfc-a");
  g_autoptr(IdwPassphrase) nfc = passphrase ("caf\xc3\xa9 cr\xc3\xa8me");
  g_autoptr(IdwPassphrase) nfd = passphrase ("cafe\xcc\x81 cre\xcc\x80me");
  g_autofree char *path = g_build_filename (tmp_root, "nfc.idwbackup", NULL);
  g_autoptr(IdwBackup) backup = NULL;

  g_assert_true (idw_passphrase_equal (nfc, nfd));
  g_assert_true (idw_backup_create_sync (&a->wallet, path, nfc, NULL, NULL, &error));
  g_assert_no_error (error);
  backup = idw_backup_open_sync (path, nfd, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (backup);
}

/* The positions of the header's fields and of the first message. */
#define OFF_VERSION  7
#define OFF_KDF      8
#define OFF_OPS      9
#define OFF_MEM      13
#define OFF_SALT     17
#define OFF_STREAM   33
#define OFF_MAC      57
#define HEADER_LEN   89

static GBytes *
with_change (GBytes *data,
             gsize   offset,
             guint8  xor)
{
  gsize len = g_bytes_get_size (data);
  guint8 *copy = g_memdup2 (g_bytes_get_data (data, NULL), len);

  copy[offset] ^= xor;
  return g_bytes_new_take (copy, len);
}

/* Cut short at every length of the header and the first messages, and at
 * many after: never opens, always "damaged" (or, cut inside the magic,
 * "not a backup", which is damaged too). */
static void
test_truncated (void)
{
  g_autoptr(Wallet) a = full_wallet ("cut-a", NULL, NULL);
  g_autoptr(GBytes) data = make_backup (a, "cut.idwbackup", NULL);
  gsize len = g_bytes_get_size (data);
  guint n = 0;

  for (gsize cut = 0; cut < len; cut++)
    {
      g_autoptr(GBytes) part = NULL;

      /* Every length in the header, the first message and the last 64
       * bytes; every 97th between. */
      if (cut > HEADER_LEN + 64 && cut + 64 < len && cut % 97 != 0)
        continue;
      part = g_bytes_new_from_bytes (data, 0, cut);
      open_fails (part, PASSPHRASE, IDW_ERROR_BACKUP_DAMAGED);
      n++;
    }
  g_test_message ("%u lengths of %zu bytes", n, len);
  g_assert_cmpuint (n, >, HEADER_LEN + 64 + 60);
}

/* A bit changed anywhere: the header's fields each say what they are,
 * and every other byte makes the file damaged. */
static void
test_flipped (void)
{
  g_autoptr(Wallet) a = full_wallet ("flip-a", NULL, NULL);
  g_autoptr(GBytes) data = make_backup (a, "flip.idwbackup", NULL);
  gsize len = g_bytes_get_size (data);

  for (gsize off = 0; off < len; off++)
    {
      g_autoptr(GBytes) changed = NULL;
      gint code;

      /* Every byte of the header and of the first and last 40 after it;
       * every 53rd between. */
      if (off >= HEADER_LEN + 40 && off + 40 < len && off % 53 != 0)
        continue;
      changed = with_change (data, off, 0x01);

      if (off < OFF_VERSION || off == OFF_KDF)
        code = IDW_ERROR_BACKUP_DAMAGED;       /* not a backup; another KDF */
      else if (off == OFF_VERSION)
        code = IDW_ERROR_UNSUPPORTED;          /* a newer format */
      else if (off <= OFF_MEM)
        code = IDW_ERROR_BACKUP_DAMAGED;       /* 0 or 2^8 passes and more; gigabytes */
      else if (off < HEADER_LEN)
        code = IDW_ERROR_BACKUP_PASSPHRASE;    /* another key, or the MAC no longer matches */
      else
        code = IDW_ERROR_BACKUP_DAMAGED;
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(IdwPassphrase) p = passphrase (PASSPHRASE);
        g_autoptr(IdwBackup) backup = idw_backup_open_bytes (changed, p, &error);

        g_assert_null (backup);
        if (!g_error_matches (error, IDW_ERROR, code)
            && !(off >= HEADER_LEN && g_error_matches (error, IDW_ERROR, IDW_ERROR_LIMIT)))
          g_error ("byte %zu: expected code %d, got %s", off, code, error->message);
      }
    }
}

static void
test_trailing (void)
{
  g_autoptr(Wallet) a = wallet_new ("trail-a");
  g_autoptr(GBytes) data = make_backup (a, "trail.idwbackup", NULL);
  gsize len;
  const guint8 *bytes = g_bytes_get_data (data, &len);

  for (gsize extra = 1; extra <= 64; extra *= 4)
    {
      g_autoptr(GByteArray) longer = g_byte_array_new ();
      g_autoptr(GBytes) changed = NULL;

      g_byte_array_append (longer, bytes, len);
      for (gsize i = 0; i < extra; i++)
        g_byte_array_append (longer, (const guint8 *) "\0", 1);
      changed = g_byte_array_free_to_bytes (g_steal_pointer (&longer));
      open_fails (changed, PASSPHRASE, IDW_ERROR_BACKUP_DAMAGED);
    }
  /* Two backups one after the other are not one backup either. */
  {
    g_autoptr(GByteArray) twice = g_byte_array_new ();
    g_autoptr(GBytes) changed = NULL;

    g_byte_array_append (twice, bytes, len);
    g_byte_array_append (twice, bytes, len);
    changed = g_byte_array_free_to_bytes (g_steal_pointer (&twice));
    open_fails (changed, PASSPHRASE, IDW_ERROR_BACKUP_DAMAGED);
  }
}

/* The messages of a backup: offsets and lengths after the header. */
static GArray *
messages_of (GBytes *data)
{
  gsize len;
  const guint8 *bytes = g_bytes_get_data (data, &len);
  GArray *offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  gsize off = HEADER_LEN;

  while (off < len)
    {
      guint32 n = ((guint32) bytes[off] << 24) | ((guint32) bytes[off + 1] << 16)
                  | ((guint32) bytes[off + 2] << 8) | bytes[off + 3];

      g_array_append_val (offsets, off);
      off += 4 + n;
    }
  g_assert_cmpuint (off, ==, len);
  g_array_append_val (offsets, off);
  return offsets;
}

/* Messages swapped, dropped or repeated do not decrypt in their place. */
static void
test_reordered (void)
{
  g_autoptr(Wallet) a = full_wallet ("order-a", NULL, NULL);
  g_autoptr(GBytes) data = make_backup (a, "order.idwbackup", NULL);
  g_autoptr(GArray) m = messages_of (data);
  const guint8 *bytes = g_bytes_get_data (data, NULL);
  guint n = m->len - 1;
#define MSG_START(i) g_array_index (m, gsize, (i))
#define MSG_LEN(i) (g_array_index (m, gsize, (i) + 1) - g_array_index (m, gsize, (i)))

  g_test_message ("%u messages", n);
  g_assert_cmpuint (n, >=, 8);

  for (guint i = 1; i + 1 < n; i++)
    {
      g_autoptr(GByteArray) swapped = g_byte_array_new ();
      g_autoptr(GByteArray) dropped = g_byte_array_new ();
      g_autoptr(GByteArray) repeated = g_byte_array_new ();
      g_autoptr(GBytes) b1 = NULL, b2 = NULL, b3 = NULL;

      g_byte_array_append (swapped, bytes, MSG_START (i));
      g_byte_array_append (swapped, bytes + MSG_START (i + 1), MSG_LEN (i + 1));
      g_byte_array_append (swapped, bytes + MSG_START (i), MSG_LEN (i));
      g_byte_array_append (swapped, bytes + MSG_START (i + 2), MSG_START (n) - MSG_START (i + 2));

      g_byte_array_append (dropped, bytes, MSG_START (i));
      g_byte_array_append (dropped, bytes + MSG_START (i + 1), MSG_START (n) - MSG_START (i + 1));

      g_byte_array_append (repeated, bytes, MSG_START (i + 1));
      g_byte_array_append (repeated, bytes + MSG_START (i), MSG_START (n) - MSG_START (i));

      b1 = g_byte_array_free_to_bytes (g_steal_pointer (&swapped));
      b2 = g_byte_array_free_to_bytes (g_steal_pointer (&dropped));
      b3 = g_byte_array_free_to_bytes (g_steal_pointer (&repeated));
      open_fails (b1, PASSPHRASE, IDW_ERROR_BACKUP_DAMAGED);
      open_fails (b2, PASSPHRASE, IDW_ERROR_BACKUP_DAMAGED);
      open_fails (b3, PASSPHRASE, IDW_ERROR_BACKUP_DAMAGED);
    }

  /* Without its last message it has no end. */
  {
    g_autoptr(GBytes) cut = g_bytes_new_from_bytes (data, 0, MSG_START (n - 1));

    open_fails (cut, PASSPHRASE, IDW_ERROR_BACKUP_DAMAGED);
  }
#undef MSG_START
#undef MSG_LEN
}

static void
set_u32 (guint8  *p,
         guint32  v)
{
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

/* A file asking for too much (or too little) of Argon2id is refused before
 * any memory is set aside: at once, whatever it asks. */
static void
test_hostile_kdf (void)
{
  g_autoptr(Wallet) a = wallet_new ("kdf-a");
  g_autoptr(GBytes) data = make_backup (a, "kdf.idwbackup", NULL);
  const struct { guint32 ops, mem_kib; } cases[] = {
    { 0, 8 * 1024 },
    { IDW_BACKUP_OPSLIMIT_MAX + 1, 8 * 1024 },
    { G_MAXUINT32, 8 * 1024 },
    { 1, IDW_BACKUP_MEMLIMIT_MIN / 1024 - 1 },
    { 1, 0 },
    { 1, IDW_BACKUP_MEMLIMIT_MAX / 1024 + 1 },
    { 1, G_MAXUINT32 },
    { G_MAXUINT32, G_MAXUINT32 },
  };
  gint64 start = g_get_monotonic_time ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = g_bytes_get_size (data);
      guint8 *copy = g_memdup2 (g_bytes_get_data (data, NULL), len);
      g_autoptr(GBytes) changed = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(IdwPassphrase) p = passphrase (PASSPHRASE);
      g_autoptr(IdwBackup) backup = NULL;

      set_u32 (copy + OFF_OPS, cases[i].ops);
      set_u32 (copy + OFF_MEM, cases[i].mem_kib);
      changed = g_bytes_new_take (copy, len);
      backup = idw_backup_open_bytes (changed, p, &error);
      g_assert_null (backup);
      g_assert_error (error, IDW_ERROR, IDW_ERROR_BACKUP_DAMAGED);
      g_assert_nonnull (strstr (error->message, "Argon2id"));
    }
  /* Another KDF than Argon2id. */
  {
    g_autoptr(GBytes) changed = with_change (data, OFF_KDF, 0x03);

    open_fails (changed, PASSPHRASE, IDW_ERROR_BACKUP_DAMAGED);
  }
  g_test_message ("%u hostile headers refused in %" G_GINT64_FORMAT " ms",
                  (guint) G_N_ELEMENTS (cases), (g_get_monotonic_time () - start) / 1000);
}

/* The default: libsodium's MODERATE limits, at least, in the header. */
static void
test_kdf_default (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Wallet) a = wallet_new ("default-a");
  g_autoptr(GBytes) data = NULL;
  g_autoptr(IdwBackup) backup = NULL;
  const guint8 *h;
  guint32 ops, mem_kib;

  g_unsetenv ("IDW_BACKUP_TEST_KDF");
  data = make_backup (a, "default.idwbackup", NULL);
  g_setenv ("IDW_BACKUP_TEST_KDF", "fast", TRUE);

  h = g_bytes_get_data (data, NULL);
  g_assert_cmpmem (h, 7, "IDWBACK", 7);
  g_assert_cmpuint (h[OFF_VERSION], ==, 1);
  g_assert_cmpuint (h[OFF_KDF], ==, crypto_pwhash_ALG_ARGON2ID13);
  ops = ((guint32) h[OFF_OPS] << 24) | ((guint32) h[OFF_OPS + 1] << 16) | ((guint32) h[OFF_OPS + 2] << 8) | h[OFF_OPS + 3];
  mem_kib = ((guint32) h[OFF_MEM] << 24) | ((guint32) h[OFF_MEM + 1] << 16) | ((guint32) h[OFF_MEM + 2] << 8) | h[OFF_MEM + 3];
  g_assert_cmpuint (ops, >=, crypto_pwhash_OPSLIMIT_MODERATE);
  g_assert_cmpuint ((guint64) mem_kib * 1024, >=, crypto_pwhash_MEMLIMIT_MODERATE);
  g_assert_cmpuint (ops, <=, IDW_BACKUP_OPSLIMIT_MAX);
  g_assert_cmpuint ((guint64) mem_kib * 1024, <=, IDW_BACKUP_MEMLIMIT_MAX);

  backup = open_ok (data);
  g_assert_cmpuint (idw_backup_get_credentials (backup)->len, ==, 0);
}

/* ---- Limits: files that decrypt but break one ------------------------- */

static gboolean
append_to (const guint8  *data,
           gsize          len,
           gpointer       user_data,
           GError       **error)
{
  g_byte_array_append (user_data, data, len);
  return TRUE;
}

/* A backup of the given records (CBOR items, each its own message), a
 * manifest first and the end last, with counts that match what the test
 * says. */
typedef struct
{
  GByteArray      *out;
  IdwBackupWriter *writer;
} Hostile;

static void
hostile_begin (Hostile *h)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwPassphrase) p = passphrase (PASSPHRASE);
  g_autoptr(cbor_item_t) manifest = idw_cbor_new_map ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GBytes) encoded = NULL;

  h->out = g_byte_array_new ();
  h->writer = _idw_backup_writer_new (p, IDW_BACKUP_OPSLIMIT_MIN, IDW_BACKUP_MEMLIMIT_MIN / 1024,
                                      append_to, h->out, &error);
  g_assert_no_error (error);
  idw_cbor_map_add_str (manifest, "type", idw_cbor_new_string ("manifest"));
  idw_cbor_map_add_str (manifest, "created", idw_cbor_new_tdate (now));
  idw_cbor_map_add_str (manifest, "version", idw_cbor_new_int (1));
  encoded = idw_cbor_encode (manifest);
  _idw_backup_writer_add (h->writer, g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded), FALSE, &error);
  g_assert_no_error (error);
}

static void
hostile_add_raw (Hostile      *h,
                 const guint8 *data,
                 gsize         len,
                 gboolean      final)
{
  g_autoptr(GError) error = NULL;

  _idw_backup_writer_add (h->writer, data, len, final, &error);
  g_assert_no_error (error);
}

static void
hostile_add (Hostile     *h,
             cbor_item_t *record)
{
  g_autoptr(GBytes) encoded = idw_cbor_encode (record);

  hostile_add_raw (h, g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded), FALSE);
}

static GBytes *
hostile_end (Hostile *h,
             guint    credentials,
             guint    anchors,
             guint    lists,
             guint    history,
             guint    settings)
{
  g_autoptr(cbor_item_t) end = idw_cbor_new_map ();
  g_autoptr(GBytes) encoded = NULL;

  idw_cbor_map_add_str (end, "type", idw_cbor_new_string ("end"));
  idw_cbor_map_add_str (end, "lists", idw_cbor_new_int (lists));
  idw_cbor_map_add_str (end, "anchors", idw_cbor_new_int (anchors));
  idw_cbor_map_add_str (end, "history", idw_cbor_new_int (history));
  idw_cbor_map_add_str (end, "settings", idw_cbor_new_int (settings));
  idw_cbor_map_add_str (end, "credentials", idw_cbor_new_int (credentials));
  encoded = idw_cbor_encode (end);
  hostile_add_raw (h, g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded), TRUE);
  g_clear_pointer (&h->writer, _idw_backup_writer_free);
  return g_byte_array_free_to_bytes (g_steal_pointer (&h->out));
}

static cbor_item_t *
credential_record (IdwCredential *credential,
                   const char    *id)
{
  cbor_item_t *record = idw_cbor_new_map ();
  g_autoptr(GBytes) bytes = idw_credential_to_bytes (credential, FALSE);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  idw_cbor_map_add_str (record, "id", idw_cbor_new_string (id));
  idw_cbor_map_add_str (record, "key", idw_cbor_new_string ("none"));
  idw_cbor_map_add_str (record, "type", idw_cbor_new_string ("credential"));
  idw_cbor_map_add_str (record, "imported", idw_cbor_new_tdate (now));
  idw_cbor_map_add_str (record, "credential", idw_cbor_new_gbytes (bytes));
  return record;
}

static void
test_limit_records (void)
{
  g_autoptr(IdwKey) key = idw_key_generate_ed25519 ();
  g_autoptr(IdwCredential) credential = issue_mdl ("Lina", key);
  g_autoptr(GBytes) der = idw_certificate_get_der (issuer->iaca);
  g_autofree char *fingerprint = idw_certificate_get_fingerprint (issuer->iaca);

  /* Credentials: the most opens, one more does not. */
  for (guint n = IDW_BACKUP_MAX_CREDENTIALS; n <= IDW_BACKUP_MAX_CREDENTIALS + 1; n++)
    {
      Hostile h = { 0 };
      g_autoptr(cbor_item_t) record = credential_record (credential, "0123456789abcdef0123456789abcdef");
      g_autoptr(GBytes) data = NULL;

      hostile_begin (&h);
      for (guint i = 0; i < n; i++)
        hostile_add (&h, record);
      data = hostile_end (&h, n, 0, 0, 0, 0);
      if (n == IDW_BACKUP_MAX_CREDENTIALS)
        g_object_unref (open_ok (data));
      else
        open_fails (data, PASSPHRASE, IDW_ERROR_LIMIT);
    }

  /* Anchors. */
  for (guint n = IDW_BACKUP_MAX_ANCHORS; n <= IDW_BACKUP_MAX_ANCHORS + 1; n++)
    {
      Hostile h = { 0 };
      g_autoptr(cbor_item_t) record = idw_cbor_new_map ();
      g_autoptr(GBytes) data = NULL;

      idw_cbor_map_add_str (record, "type", idw_cbor_new_string ("anchor"));
      idw_cbor_map_add_str (record, "certificate", idw_cbor_new_gbytes (der));
      hostile_begin (&h);
      for (guint i = 0; i < n; i++)
        hostile_add (&h, record);
      data = hostile_end (&h, 0, n, 0, 0, 0);
      if (n == IDW_BACKUP_MAX_ANCHORS)
        g_object_unref (open_ok (data));
      else
        open_fails (data, PASSPHRASE, IDW_ERROR_LIMIT);
    }

  /* Lists, each of its own provider. */
  for (guint n = IDW_BACKUP_MAX_LISTS; n <= IDW_BACKUP_MAX_LISTS + 1; n++)
    {
      Hostile h = { 0 };
      g_autoptr(GBytes) data = NULL;

      hostile_begin (&h);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(cbor_item_t) record = idw_cbor_new_map ();
          cbor_item_t *certificates = idw_cbor_new_array ();
          g_autofree char *description = g_strdup_printf (
            "{\"format\": 1, \"kind\": \"vical\", \"provider\": \"Provider %u\", "
            "\"date\": \"2026-01-01T00:00:00Z\", \"issueID\": null, \"nextUpdate\": null, "
            "\"certificates\": [{\"fingerprint\": \"%s\"}]}", i, fingerprint);

          idw_cbor_array_add (certificates, idw_cbor_new_gbytes (der));
          idw_cbor_map_add_str (record, "type", idw_cbor_new_string ("list"));
          idw_cbor_map_add_str (record, "description", idw_cbor_new_string (description));
          idw_cbor_map_add_str (record, "certificates", certificates);
          hostile_add (&h, record);
        }
      data = hostile_end (&h, 0, 0, n, 0, 0);
      if (n == IDW_BACKUP_MAX_LISTS)
        {
          g_autoptr(IdwBackup) backup = open_ok (data);

          g_assert_cmpuint (idw_backup_get_lists (backup)->len, ==, n);
        }
      else
        open_fails (data, PASSPHRASE, IDW_ERROR_LIMIT);
    }

  /* History entries: 10,000 open, one more does not. */
  for (guint n = IDW_BACKUP_MAX_HISTORY; n <= IDW_BACKUP_MAX_HISTORY + 1; n++)
    {
      Hostile h = { 0 };
      g_autoptr(GBytes) data = NULL;
      g_autoptr(GDateTime) time = g_date_time_new_now_utc ();

      hostile_begin (&h);
      for (guint i = 0; i < n; i += 500)
        {
          g_autoptr(cbor_item_t) record = idw_cbor_new_map ();
          cbor_item_t *entries = idw_cbor_new_array ();

          for (guint j = i; j < MIN (n, i + 500); j++)
            {
              g_autoptr(IdwHistoryEntry) entry = idw_history_entry_new (time, "0123", "A licence",
                                                                        "org.iso.18013.5.1.mDL", NULL,
                                                                        IDW_HISTORY_CHANNEL_TEXT, NULL,
                                                                        IDW_HISTORY_OUTCOME_SHARED);
              g_autoptr(GBytes) bytes = idw_history_entry_to_cbor (entry);

              idw_cbor_array_add (entries, idw_cbor_new_gbytes (bytes));
            }
          idw_cbor_map_add_str (record, "type", idw_cbor_new_string ("history"));
          idw_cbor_map_add_str (record, "entries", entries);
          hostile_add (&h, record);
        }
      data = hostile_end (&h, 0, 0, 0, n, 0);
      if (n == IDW_BACKUP_MAX_HISTORY)
        g_object_unref (open_ok (data));
      else
        open_fails (data, PASSPHRASE, IDW_ERROR_LIMIT);
    }

  /* Settings. */
  for (guint n = IDW_BACKUP_MAX_SETTINGS; n <= IDW_BACKUP_MAX_SETTINGS + 1; n++)
    {
      Hostile h = { 0 };
      g_autoptr(cbor_item_t) record = idw_cbor_new_map ();
      cbor_item_t *values = idw_cbor_new_map ();
      g_autoptr(GBytes) data = NULL;

      for (guint i = 0; i < n; i++)
        {
          g_autofree char *name = g_strdup_printf ("key-%03u", i);

          idw_cbor_map_add_str (values, name, idw_cbor_new_bool (TRUE));
        }
      idw_cbor_map_add_str (record, "type", idw_cbor_new_string ("settings"));
      idw_cbor_map_add_str (record, "values", values);
      hostile_begin (&h);
      hostile_add (&h, record);
      data = hostile_end (&h, 0, 0, 0, 0, 1);
      if (n == IDW_BACKUP_MAX_SETTINGS)
        g_object_unref (open_ok (data));
      else
        open_fails (data, PASSPHRASE, IDW_ERROR_LIMIT);
    }
}

static void
test_limit_sizes (void)
{
  g_autoptr(GError) error = NULL;

  /* One message over IDW_BACKUP_MAX_RECORD: refused from its length,
   * before it is read. */
  {
    Hostile h = { 0 };
    g_autofree guint8 *big = g_malloc0 (IDW_BACKUP_MAX_RECORD + 1);
    g_autoptr(GBytes) data = NULL;

    hostile_begin (&h);
    hostile_add_raw (&h, big, IDW_BACKUP_MAX_RECORD + 1, FALSE);
    data = hostile_end (&h, 0, 0, 0, 0, 0);
    open_fails (data, PASSPHRASE, IDW_ERROR_LIMIT);
  }

  /* A credential over IDW_MAX_INPUT_FILE. */
  {
    Hostile h = { 0 };
    g_autoptr(cbor_item_t) record = idw_cbor_new_map ();
    g_autofree guint8 *big = g_malloc0 (IDW_MAX_INPUT_FILE + 1);
    g_autoptr(GBytes) data = NULL;
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    idw_cbor_map_add_str (record, "id", idw_cbor_new_string ("0123456789abcdef0123456789abcdef"));
    idw_cbor_map_add_str (record, "key", idw_cbor_new_string ("none"));
    idw_cbor_map_add_str (record, "type", idw_cbor_new_string ("credential"));
    idw_cbor_map_add_str (record, "imported", idw_cbor_new_tdate (now));
    idw_cbor_map_add_str (record, "credential", idw_cbor_new_bytes (big, IDW_MAX_INPUT_FILE + 1));
    hostile_begin (&h);
    hostile_add (&h, record);
    data = hostile_end (&h, 1, 0, 0, 0, 0);
    open_fails (data, PASSPHRASE, IDW_ERROR_LIMIT);
  }

  /* An anchor over IDW_BACKUP_MAX_CERTIFICATE. */
  {
    Hostile h = { 0 };
    g_autoptr(cbor_item_t) record = idw_cbor_new_map ();
    g_autofree guint8 *big = g_malloc0 (IDW_BACKUP_MAX_CERTIFICATE + 1);
    g_autoptr(GBytes) data = NULL;

    idw_cbor_map_add_str (record, "type", idw_cbor_new_string ("anchor"));
    idw_cbor_map_add_str (record, "certificate", idw_cbor_new_bytes (big, IDW_BACKUP_MAX_CERTIFICATE + 1));
    hostile_begin (&h);
    hostile_add (&h, record);
    data = hostile_end (&h, 0, 1, 0, 0, 0);
    open_fails (data, PASSPHRASE, IDW_ERROR_LIMIT);
  }

  /* A nickname over 1024 bytes. */
  {
    Hostile h = { 0 };
    g_autoptr(IdwKey) key = idw_key_generate_ed25519 ();
    g_autoptr(IdwCredential) credential = issue_mdl ("Nick", key);
    g_autoptr(cbor_item_t) record = credential_record (credential, "0123456789abcdef0123456789abcdef");
    g_autofree char *nickname = g_strnfill (1025, 'n');
    g_autoptr(GBytes) data = NULL;

    idw_cbor_map_add_str (record, "nickname", idw_cbor_new_string (nickname));
    hostile_begin (&h);
    hostile_add (&h, record);
    data = hostile_end (&h, 1, 0, 0, 0, 0);
    open_fails (data, PASSPHRASE, IDW_ERROR_LIMIT);
  }

  /* A list description over 1 MiB. */
  {
    Hostile h = { 0 };
    g_autoptr(cbor_item_t) record = idw_cbor_new_map ();
    g_autofree char *description = g_strnfill (1024 * 1024 + 1, ' ');
    g_autoptr(GBytes) data = NULL;

    idw_cbor_map_add_str (record, "type", idw_cbor_new_string ("list"));
    idw_cbor_map_add_str (record, "description", idw_cbor_new_string (description));
    idw_cbor_map_add_str (record, "certificates", idw_cbor_new_array ());
    hostile_begin (&h);
    hostile_add (&h, record);
    data = hostile_end (&h, 0, 0, 1, 0, 0);
    open_fails (data, PASSPHRASE, IDW_ERROR_LIMIT);
  }

  /* A setting's name over 256 bytes. */
  {
    Hostile h = { 0 };
    g_autoptr(cbor_item_t) record = idw_cbor_new_map ();
    cbor_item_t *values = idw_cbor_new_map ();
    g_autofree char *name = g_strnfill (257, 'k');
    g_autoptr(GBytes) data = NULL;

    idw_cbor_map_add_str (values, name, idw_cbor_new_bool (TRUE));
    idw_cbor_map_add_str (record, "type", idw_cbor_new_string ("settings"));
    idw_cbor_map_add_str (record, "values", values);
    hostile_begin (&h);
    hostile_add (&h, record);
    data = hostile_end (&h, 0, 0, 0, 0, 1);
    open_fails (data, PASSPHRASE, IDW_ERROR_BACKUP_DAMAGED);
  }

  /* A string setting over IDW_BACKUP_MAX_SETTING_TEXT is not a setting. */
  {
    Hostile h = { 0 };
    g_autoptr(cbor_item_t) record = idw_cbor_new_map ();
    cbor_item_t *values = idw_cbor_new_map ();
    g_autofree char *text = g_strnfill (IDW_BACKUP_MAX_SETTING_TEXT + 1, 'x');
    g_autoptr(GBytes) data = NULL;

    idw_cbor_map_add_str (values, "camera", idw_cbor_new_string (text));
    idw_cbor_map_add_str (record, "type", idw_cbor_new_string ("settings"));
    idw_cbor_map_add_str (record, "values", values);
    hostile_begin (&h);
    hostile_add (&h, record);
    data = hostile_end (&h, 0, 0, 0, 0, 1);
    open_fails (data, PASSPHRASE, IDW_ERROR_BACKUP_DAMAGED);
  }

  /* The whole file: refused from its size, before Argon2id. */
  {
    g_autofree char *path = g_build_filename (tmp_root, "huge.idwbackup", NULL);
    g_autoptr(IdwPassphrase) p = passphrase (PASSPHRASE);
    g_autoptr(IdwBackup) backup = NULL;
    g_autoptr(GBytes) big = NULL;
    int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    g_assert_cmpint (fd, >=, 0);
    g_assert_cmpint (write (fd, "IDWBACK\x01", 8), ==, 8);
    g_assert_cmpint (ftruncate (fd, (off_t) IDW_BACKUP_MAX_SIZE + 1), ==, 0);
    close (fd);
    backup = idw_backup_open_sync (path, p, NULL, &error);
    g_assert_null (backup);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_LIMIT);
    g_clear_error (&error);
    g_unlink (path);

    big = g_bytes_new_static ("", 0);
    backup = idw_backup_open_bytes (big, p, &error);
    g_assert_null (backup);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_BACKUP_DAMAGED);
  }
}

/* Records out of place, or that do not say what they are. */
static void
test_bad_records (void)
{
  /* No end: the last message is a credential list's "end" without the
   * final tag, then nothing. */
  {
    Hostile h = { 0 };
    g_autoptr(GBytes) data = NULL;
    g_autoptr(cbor_item_t) end = idw_cbor_new_map ();

    hostile_begin (&h);
    idw_cbor_map_add_str (end, "type", idw_cbor_new_string ("end"));
    hostile_add (&h, end);
    data = hostile_end (&h, 0, 0, 0, 0, 0);
    open_fails (data, PASSPHRASE, IDW_ERROR_BACKUP_DAMAGED);
  }
  /* Counts that do not match. */
  {
    Hostile h = { 0 };
    g_autoptr(GBytes) data = NULL;

    hostile_begin (&h);
    data = hostile_end (&h, 1, 0, 0, 0, 0);
    open_fails (data, PASSPHRASE, IDW_ERROR_BACKUP_DAMAGED);
  }
  /* Not CBOR. */
  {
    Hostile h = { 0 };
    g_autoptr(GBytes) data = NULL;

    hostile_begin (&h);
    hostile_add_raw (&h, (const guint8 *) "\xff\xff", 2, FALSE);
    data = hostile_end (&h, 0, 0, 0, 0, 0);
    open_fails (data, PASSPHRASE, IDW_ERROR_BACKUP_DAMAGED);
  }
  /* A device key that is not the credential's. */
  {
    Hostile h = { 0 };
    g_autoptr(IdwKey) key = idw_key_generate_ed25519 ();
    g_autoptr(IdwCredential) credential = issue_mdl ("Mia", key);
    g_autoptr(cbor_item_t) record = credential_record (credential, "0123456789abcdef0123456789abcdef");
    guint8 other[32] = { 7 };
    g_autoptr(GBytes) data = NULL;

    /* "key" is replaced through a fresh map: libcbor maps do not remove. */
    g_autoptr(cbor_item_t) software = idw_cbor_new_map ();
    struct cbor_pair *pairs = cbor_map_handle (record);

    for (gsize i = 0; i < cbor_map_size (record); i++)
      {
        if (idw_cbor_string_equal (pairs[i].key, "key"))
          idw_cbor_map_add_str (software, "key", idw_cbor_new_string ("software"));
        else
          idw_cbor_map_add (software, cbor_incref (pairs[i].key), cbor_incref (pairs[i].value));
      }
    idw_cbor_map_add_str (software, "deviceKey", idw_cbor_new_bytes (other, sizeof other));
    hostile_begin (&h);
    hostile_add (&h, software);
    data = hostile_end (&h, 1, 0, 0, 0, 0);
    open_fails (data, PASSPHRASE, IDW_ERROR_BACKUP_DAMAGED);
  }
}

/* A restore that fails leaves the wallet's folder as it was, byte for
 * byte, with nothing beside it. */
static void
test_nothing_changed (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Wallet) a = full_wallet ("same-a", NULL, NULL);
  g_autoptr(Wallet) b = wallet_new ("same-b");
  g_autoptr(GBytes) data = make_backup (a, "same.idwbackup", NULL);
  g_autoptr(IdwBackup) backup = open_ok (data);
  g_autoptr(IdwBackupReport) report = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GCancellable) cancelled = g_cancellable_new ();

  g_free (add_credential (b, "Berta", "Berta's", FALSE, KEY_SOFTWARE));
  g_settings_set_uint (b->settings, "refresh-interval", 20);
  before = snapshot (b);

  /* The keyring refuses the device keys. */
  b->mem->fail_store = TRUE;
  report = idw_backup_restore_sync (backup, &b->wallet, NULL, &error);
  g_assert_null (report);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_KEYRING);
  g_clear_error (&error);
  after = snapshot (b);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (g_settings_get_uint (b->settings, "refresh-interval"), ==, 20);

  /* Cancelled. */
  b->mem->fail_store = FALSE;
  g_cancellable_cancel (cancelled);
  report = idw_backup_restore_sync (backup, &b->wallet, cancelled, &error);
  g_assert_null (report);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_free (after);
  after = snapshot (b);
  g_assert_cmpstr (before, ==, after);

  /* And then it works. */
  report = idw_backup_restore_sync (backup, &b->wallet, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->restored->len, ==, 3);
  g_assert_cmpuint (g_settings_get_uint (b->settings, "refresh-interval"), ==, 45);
}

/* Something else writing to the wallet while a restore runs (another
 * window, the CLI): at the last instant before the swap, @writes times,
 * a credential is added to the wallet being restored into. */
typedef struct
{
  Wallet *wallet;
  guint   writes;
  guint   checks;
} Concurrent;

static void
write_before_swap (const char *step,
                   guint       n,
                   gpointer    user_data)
{
  Concurrent *c = user_data;
  g_autofree char *given = NULL;

  if (!g_str_equal (step, "check"))
    return;
  g_assert_cmpuint (n, ==, c->checks);
  c->checks++;
  if (n >= c->writes)
    return;
  given = g_strdup_printf ("Olga%u", n);
  g_free (add_credential (c->wallet, given, given, FALSE, KEY_SOFTWARE));
}

static gboolean
has_nickname (GPtrArray  *entries,
              const char *nickname)
{
  for (guint i = 0; i < entries->len; i++)
    if (g_strcmp0 (idw_store_entry_get_nickname (entries->pdata[i]), nickname) == 0)
      return TRUE;
  return FALSE;
}

/* What is written to the wallet during a restore is never lost: the copy
 * is made again and the write restored with it; a wallet that keeps
 * changing makes the restore give up, with nothing changed. */
static void
test_concurrent_write (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Wallet) a = full_wallet ("busy-a", NULL, NULL);
  g_autoptr(Wallet) b = wallet_new ("busy-b");
  g_autoptr(Wallet) c = wallet_new ("busy-c");
  g_autoptr(GBytes) data = make_backup (a, "busy.idwbackup", NULL);
  g_autoptr(IdwBackup) backup = open_ok (data);
  g_autoptr(IdwBackupReport) report = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autofree char *snap = NULL;
  Concurrent once = { b, 1, 0 };
  Concurrent always = { c, G_MAXUINT, 0 };

  /* Written once, during the first attempt: the second one keeps it. */
  g_free (add_credential (b, "Berta", "Berta's", FALSE, KEY_SOFTWARE));
  _idw_backup_set_test_step (write_before_swap, &once);
  report = idw_backup_restore_sync (backup, &b->wallet, NULL, &error);
  _idw_backup_set_test_step (NULL, NULL);
  g_assert_no_error (error);
  g_assert_cmpuint (once.checks, ==, 2);
  g_assert_cmpuint (report->restored->len, ==, 3);
  g_assert_cmpuint (report->skipped->len, ==, 0);
  entries = list_entries (b);
  g_assert_cmpuint (entries->len, ==, 2 + 4);
  g_assert_true (has_nickname (entries, "Berta's"));
  g_assert_true (has_nickname (entries, "Olga0"));
  g_assert_true (has_nickname (entries, "My licence"));
  g_clear_pointer (&entries, g_ptr_array_unref);
  g_clear_pointer (&report, idw_backup_report_free);

  /* Written before every swap: three attempts, then an error; the wallet
   * holds what was written and nothing of the backup, and no copy is left
   * beside it. */
  _idw_backup_set_test_step (write_before_swap, &always);
  report = idw_backup_restore_sync (backup, &c->wallet, NULL, &error);
  _idw_backup_set_test_step (NULL, NULL);
  g_assert_null (report);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "kept changing"));
  g_assert_cmpuint (always.checks, ==, 3);
  entries = list_entries (c);
  g_assert_cmpuint (entries->len, ==, 3);
  g_assert_true (has_nickname (entries, "Olga2"));
  g_assert_false (has_nickname (entries, "My licence"));
  snap = snapshot (c);
  g_assert_null (strstr (snap, ".restore-"));
  g_assert_cmpuint (g_settings_get_uint (c->settings, "refresh-interval"), !=, 45);
}

/* The destination's newer list of a provider stays; an older one gives
 * way to the backup's; anchors added by hand are never touched. */
static void
test_newer_list_wins (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TestProvider) provider = test_provider_new ("Ruleland");
  g_autoptr(IdwCertificate) old_iaca = test_vical_iaca ("Old");
  g_autoptr(IdwCertificate) new_iaca = test_vical_iaca ("New");
  g_autoptr(IdwVical) older = make_vical (provider, "Ruleland", 10, 1, old_iaca);
  g_autoptr(IdwVical) newer = make_vical (provider, "Ruleland", 2, 2, new_iaca);
  g_autoptr(Wallet) a = wallet_new ("rule-a");
  g_autoptr(Wallet) b = wallet_new ("rule-b");
  g_autoptr(Wallet) c = wallet_new ("rule-c");
  g_autoptr(GBytes) data = NULL;
  g_autoptr(IdwBackup) backup = NULL;
  g_autoptr(IdwBackupReport) report_b = NULL;
  g_autoptr(IdwBackupReport) report_c = NULL;
  g_autoptr(IdwTrustStore) trust_b = NULL;
  g_autoptr(IdwTrustStore) trust_c = NULL;
  g_autoptr(GPtrArray) lists = NULL;
  guint64 issue = 0;

  import_list (a, older);
  data = make_backup (a, "rule.idwbackup", NULL);
  backup = open_ok (data);

  /* b holds the newer list: it stays. */
  import_list (b, newer);
  report_b = idw_backup_restore_sync (backup, &b->wallet, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report_b->lists_kept, ==, 1);
  g_assert_cmpuint (report_b->lists_restored, ==, 0);
  trust_b = wallet_trust (b);
  lists = idw_trust_store_list_vicals (trust_b, NULL, NULL);
  g_assert_true (idw_trust_origin_get_issue_id (lists->pdata[0], &issue));
  g_assert_cmpuint (issue, ==, 2);
  g_clear_pointer (&lists, g_ptr_array_unref);

  /* c holds the old list's IACA as an anchor added by hand, and no list:
   * the list comes, the anchor stays one added by hand. */
  trust_c = wallet_trust (c);
  idw_trust_store_add (trust_c, old_iaca, NULL, &error);
  g_assert_no_error (error);
  report_c = idw_backup_restore_sync (backup, &c->wallet, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report_c->lists_restored, ==, 1);
  {
    g_autoptr(GHashTable) origins = NULL;
    g_autoptr(GPtrArray) anchors = idw_trust_store_list_with_origins (trust_c, &origins, NULL, &error);
    g_autofree char *fingerprint = idw_certificate_get_fingerprint (old_iaca);

    g_assert_no_error (error);
    g_assert_cmpuint (anchors->len, ==, 1);
    g_assert_false (g_hash_table_contains (origins, fingerprint));
  }
}

/* What a restore killed at each instant leaves, put right by
 * idw_backup_recover_sync(): tests/test-cli-backup.c kills a real one;
 * here the leftovers are made by hand. */
static void
test_recover (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Wallet) w = wallet_new ("recover");
  g_autofree char *parent = g_path_get_dirname (w->dir);
  g_autofree char *staged = g_build_filename (parent, ".id-wallet.restore-abc123", NULL);
  g_autofree char *staged_creds = g_build_filename (staged, "credentials", NULL);
  g_autofree char *old = g_build_filename (parent, ".id-wallet.old-12345678", NULL);
  g_autofree char *marker = NULL;
  g_autofree char *journal = NULL;
  g_autoptr(cbor_item_t) map = idw_cbor_new_map ();
  cbor_item_t *settings = idw_cbor_new_map ();
  g_autoptr(GBytes) encoded = NULL;

  idw_cbor_map_add_str (settings, "refresh-interval", idw_cbor_new_int (60));
  idw_cbor_map_add_str (map, "version", idw_cbor_new_int (1));
  idw_cbor_map_add_str (map, "settings", settings);
  encoded = idw_cbor_encode (map);

  /* Killed between the two renames of a swap without exchange: no wallet
   * folder, the old one aside, a whole copy (its journal) staged. */
  g_assert_cmpint (g_mkdir_with_parents (staged_creds, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (old, 0700), ==, 0);
  journal = g_build_filename (staged, ".restore-journal", NULL);
  g_file_set_contents (journal, g_bytes_get_data (encoded, NULL), g_bytes_get_size (encoded), &error);
  g_assert_no_error (error);

  g_assert_true (idw_backup_recover_sync (&w->wallet, &error));
  g_assert_no_error (error);
  marker = g_build_filename (w->dir, "credentials", NULL);
  g_assert_true (g_file_test (marker, G_FILE_TEST_IS_DIR));
  g_assert_false (g_file_test (staged, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (old, G_FILE_TEST_EXISTS));
  g_free (journal);
  journal = g_build_filename (w->dir, ".restore-journal", NULL);
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (g_settings_get_uint (w->settings, "refresh-interval"), ==, 60);

  /* Killed before the swap: the staged copy goes, the wallet stays. */
  g_assert_cmpint (g_mkdir_with_parents (staged_creds, 0700), ==, 0);
  g_assert_true (idw_backup_recover_sync (&w->wallet, &error));
  g_assert_false (g_file_test (staged, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (marker, G_FILE_TEST_IS_DIR));

  /* Killed between the two renames, before the copy was whole: the old
   * folder comes back. */
  {
    g_autofree char *old_creds = g_build_filename (old, "credentials", "old-file", NULL);
    g_autofree char *back = g_build_filename (w->dir, "credentials", "old-file", NULL);
    g_autofree char *aside = g_strconcat (w->dir, "-gone", NULL);

    g_assert_cmpint (g_rename (w->dir, aside), ==, 0);
    g_assert_cmpint (g_mkdir_with_parents (staged_creds, 0700), ==, 0);
    {
      g_autofree char *dir = g_path_get_dirname (old_creds);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      g_file_set_contents (old_creds, "x", 1, &error);
      g_assert_no_error (error);
    }
    g_assert_true (idw_backup_recover_sync (&w->wallet, &error));
    g_assert_true (g_file_test (back, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (staged, G_FILE_TEST_EXISTS));
    remove_tree (aside);
  }
}

/* The settings are applied when a process that has their schema comes:
 * without it, the journal waits. */
static void
test_settings_pending (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Wallet) a = full_wallet ("pend-a", NULL, NULL);
  g_autoptr(Wallet) b = wallet_new ("pend-b");
  g_autoptr(GBytes) data = make_backup (a, "pend.idwbackup", NULL);
  g_autoptr(IdwBackup) backup = open_ok (data);
  g_autoptr(IdwBackupReport) report = NULL;
  g_autofree char *journal = g_build_filename (b->dir, ".restore-journal", NULL);
  IdwBackupWallet without = b->wallet;

  /* No schema here (the test's default source has none). */
  without.settings = NULL;
  report = idw_backup_restore_sync (backup, &without, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (report->settings_pending);
  g_assert_cmpuint (report->settings_restored, ==, 0);
  g_assert_true (g_file_test (journal, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (g_settings_get_uint (b->settings, "refresh-interval"), ==, 30);

  g_assert_true (idw_backup_recover_sync (&b->wallet, &error));
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (g_settings_get_uint (b->settings, "refresh-interval"), ==, 45);
}

/* A setting out of its range, or one this version does not know, is
 * skipped and counted. */
static void
test_settings_range (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Wallet) b = wallet_new ("range-b");
  g_autoptr(GBytes) data = NULL;
  g_autoptr(IdwBackup) backup = NULL;
  g_autoptr(IdwBackupReport) report = NULL;
  Hostile h = { 0 };
  g_autoptr(cbor_item_t) record = idw_cbor_new_map ();
  cbor_item_t *values = idw_cbor_new_map ();

  idw_cbor_map_add_str (values, "camera", idw_cbor_new_int (3));             /* wrong type */
  idw_cbor_map_add_str (values, "no-such-key", idw_cbor_new_bool (TRUE));    /* unknown */
  idw_cbor_map_add_str (values, "window-width", idw_cbor_new_int (10));      /* this screen's */
  idw_cbor_map_add_str (values, "verifier-log", idw_cbor_new_bool (TRUE));
  idw_cbor_map_add_str (values, "refresh-interval", idw_cbor_new_int (5000)); /* out of range */
  idw_cbor_map_add_str (values, "freshness-window", idw_cbor_new_int (120));
  idw_cbor_map_add_str (record, "type", idw_cbor_new_string ("settings"));
  idw_cbor_map_add_str (record, "values", values);
  hostile_begin (&h);
  hostile_add (&h, record);
  data = hostile_end (&h, 0, 0, 0, 0, 1);
  backup = open_ok (data);

  report = idw_backup_restore_sync (backup, &b->wallet, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->settings_restored, ==, 2);
  g_assert_cmpuint (report->settings_skipped, ==, 4);
  g_assert_true (g_settings_get_boolean (b->settings, "verifier-log"));
  g_assert_cmpuint (g_settings_get_uint (b->settings, "freshness-window"), ==, 120);
  g_assert_cmpuint (g_settings_get_uint (b->settings, "refresh-interval"), ==, 30);
  g_assert_cmpint (g_settings_get_int (b->settings, "window-width"), ==, 900);
}

/* ---- main() ----------------------------------------------------------- */

static void
compile_schema (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *source = g_test_build_filename (G_TEST_DIST, "..", "data", APP_ID ".gschema.xml", NULL);
  g_autofree char *copy = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;
  int status = 0;
  const char *argv[] = { "glib-compile-schemas", NULL, NULL };

  schema_dir = g_build_filename (tmp_root, "schemas", NULL);
  g_mkdir_with_parents (schema_dir, 0700);
  copy = g_build_filename (schema_dir, APP_ID ".gschema.xml", NULL);
  g_file_get_contents (source, &contents, &len, &error);
  g_assert_no_error (error);
  g_file_set_contents (copy, contents, len, &error);
  g_assert_no_error (error);
  argv[1] = schema_dir;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

int
main (int    argc,
      char **argv)
{
  int status;

  tmp_root = test_private_home_new ("test-backup-XXXXXX");
  /* Quick Argon2id (test only); /backup/kdf-default checks the default. */
  g_setenv ("IDW_BACKUP_TEST_KDF", "fast", TRUE);
  /* No installed schema: the wallets bring their own settings. */
  g_setenv ("GSETTINGS_SCHEMA_DIR", tmp_root, TRUE);

  g_test_init (&argc, &argv, NULL);

  if (sodium_init () < 0)
    g_error ("libsodium");
  issuer = test_issuer_new_full ("Backup Test Issuer", IDW_COSE_ALG_ES256, NULL);
  compile_schema ();

  g_test_add_func ("/backup/round-trip", test_round_trip);
  g_test_add_func ("/backup/skip-duplicates", test_skip_duplicates);
  g_test_add_func ("/backup/wrong-passphrase", test_wrong_passphrase);
  g_test_add_func ("/backup/passphrase-nfc", test_passphrase_nfc);
  g_test_add_func ("/backup/truncated", test_truncated);
  g_test_add_func ("/backup/flipped", test_flipped);
  g_test_add_func ("/backup/trailing", test_trailing);
  g_test_add_func ("/backup/reordered", test_reordered);
  g_test_add_func ("/backup/hostile-kdf", test_hostile_kdf);
  g_test_add_func ("/backup/kdf-default", test_kdf_default);
  g_test_add_func ("/backup/limit-records", test_limit_records);
  g_test_add_func ("/backup/limit-sizes", test_limit_sizes);
  g_test_add_func ("/backup/bad-records", test_bad_records);
  g_test_add_func ("/backup/nothing-changed", test_nothing_changed);
  g_test_add_func ("/backup/concurrent-write", test_concurrent_write);
  g_test_add_func ("/backup/newer-list-wins", test_newer_list_wins);
  g_test_add_func ("/backup/recover", test_recover);
  g_test_add_func ("/backup/settings-pending", test_settings_pending);
  g_test_add_func ("/backup/settings-range", test_settings_range);

  status = g_test_run ();

  g_clear_pointer (&issuer, test_issuer_free);
  g_clear_pointer (&schema_dir, g_free);
  if (status == 0)
    test_tmp_dir_free (g_steal_pointer (&tmp_root));
  else
    g_printerr ("# test files kept in %s\n", tmp_root);
  return status;
}
