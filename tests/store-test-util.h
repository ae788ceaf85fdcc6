/* store-test-util.h: what the credential store tests share (test-store.c,
 * test-store-files.c, test-store-import.c): an issuer and the mDLs it
 * issues, store files on disk, the keyring's device keys, a store in a
 * fresh folder, and main()
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * build-aux/dev test runs these inside a private D-Bus session with a
 * gnome-keyring-daemon unlocked by a test password.
 */
#pragma once

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "idw-cbor.h"
#include "idw-error.h"
#include "idw-issue.h"
#include "idw-keystore.h"
#include "idw-store.h"
#include "idw-x509.h"
#include "issuer-test-util.h"
#include "test-util.h"

#define MAGIC "IDWS1\n"

/* XDG_DATA_HOME of the test program: a folder of its own. */
static char *data_home;
/* The issuer of every credential, made once per program. */
static TestIssuer *issuer;

/* ---- Credentials, files, keys ---- */


static inline IdwKey *
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

/* An mDL for @given @family bound to @device_key, with @document_number
 * unless it is NULL; the credential keeps the private key when
 * @device_key has it. */
static inline IdwCredential *
issue_mdl (const char *given,
           const char *family,
           const char *document_number,
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
  if (document_number != NULL)
    json_object_set_string_member (mdl, "document_number", document_number);
  json_object_set_object_member (data, "org.iso.18013.5.1", mdl);

  credential = idw_issue_credential (data, NULL, device_key, issuer->ds_key, issuer->ds, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (credential);
  return credential;
}

/* The mDL the store tests add, with a document number. */
static inline IdwCredential *
issue (const char *given,
       const char *family,
       IdwKey     *device_key)
{
  return issue_mdl (given, family, "T22000129", device_key);
}

static inline GBytes *
issuer_auth_of (IdwCredential *credential)
{
  return idw_cbor_encode (idw_credential_get_issuer_signed (credential)->issuer_auth);
}

static inline void
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

static inline gboolean
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

static inline GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

static inline void
write_file (const char   *path,
            const guint8 *data,
            gsize         len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, (const char *) data, len, &error);
  g_assert_no_error (error);
}

static inline char *
path_in (IdwStore   *store,
         const char *id)
{
  g_autofree char *name = g_strconcat (id, ".idwstore", NULL);

  return g_build_filename (idw_store_get_directory (store), name, NULL);
}

static inline void
write_in (IdwStore     *store,
          const char   *id,
          const guint8 *data,
          gsize         len)
{
  g_autofree char *path = path_in (store, id);

  write_file (path, data, len);
}

static inline gboolean
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

/* ---- Fixture: a store in a fresh folder, keyed by the keyring ---- */

typedef struct
{
  char         *dir;
  IdwWalletKey *wallet_key;
  IdwStore     *store;
} Fixture;

static inline void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = test_tmp_dir_new ("idw-store-XXXXXX");
  f->wallet_key = idw_keystore_get_wallet_key_sync (NULL, &error);
  g_assert_no_error (error);
  f->store = idw_store_new (f->dir, f->wallet_key, &error);
  g_assert_no_error (error);
}

static inline void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
  g_clear_pointer (&f->wallet_key, idw_wallet_key_unref);
  test_tmp_dir_free (f->dir);
}

/* ---- Waiting for an asynchronous call ---- */

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
} AsyncWait;

static inline void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  AsyncWait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static inline GAsyncResult *
wait_for (AsyncWait *wait)
{
  g_clear_object (&wait->result);
  g_main_loop_run (wait->loop);
  return wait->result;
}

/* ---- main() ---- */

/* XDG_DATA_HOME in a folder named after @tmpl, before anything asks GLib
 * for the user data folder; then GTest, and the issuer @issuer_name. */
static inline void
store_test_init (int         *argc,
                 char      ***argv,
                 const char  *tmpl,
                 const char  *issuer_name)
{
  data_home = test_tmp_dir_new (tmpl);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  g_test_init (argc, argv, NULL);
  issuer = test_issuer_new_at (issuer_name, NULL);
}

static inline int
store_test_finish (int status)
{
  g_clear_pointer (&issuer, test_issuer_free);
  g_clear_pointer (&data_home, test_tmp_dir_free);
  return status;
}
