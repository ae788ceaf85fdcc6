/* test-keyring.c: a round trip through the real Secret Service
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * build-aux/dev test runs this inside a private D-Bus session with a
 * gnome-keyring-daemon unlocked by a test password.
 */
#include "config.h"

#include <libsecret/secret.h>

static const SecretSchema *
test_schema (void)
{
  static const SecretSchema schema = {
    "io.github.idwallet.IdWallet.Test", SECRET_SCHEMA_NONE,
    {
      { "purpose", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "serial", SECRET_SCHEMA_ATTRIBUTE_INTEGER },
      { NULL, 0 },
    }
  };
  return &schema;
}

static void
test_store_lookup_delete (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *serial = g_strdup_printf ("%u", g_random_int_range (1, G_MAXINT32));
  int serial_value = atoi (serial);
  char *found;
  gboolean ok;

  ok = secret_password_store_sync (test_schema (), SECRET_COLLECTION_DEFAULT,
                                   "ID Wallet test item", "s3cret-värde",
                                   NULL, &error,
                                   "purpose", "round-trip",
                                   "serial", serial_value,
                                   NULL);
  g_assert_no_error (error);
  g_assert_true (ok);

  found = secret_password_lookup_sync (test_schema (), NULL, &error,
                                       "purpose", "round-trip",
                                       "serial", serial_value,
                                       NULL);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, "s3cret-värde");
  secret_password_free (found);

  /* Another attribute value finds nothing. */
  found = secret_password_lookup_sync (test_schema (), NULL, &error,
                                       "purpose", "round-trip",
                                       "serial", serial_value + 1,
                                       NULL);
  g_assert_no_error (error);
  g_assert_null (found);

  ok = secret_password_clear_sync (test_schema (), NULL, &error,
                                   "purpose", "round-trip",
                                   "serial", serial_value,
                                   NULL);
  g_assert_no_error (error);
  g_assert_true (ok);

  found = secret_password_lookup_sync (test_schema (), NULL, &error,
                                       "purpose", "round-trip",
                                       "serial", serial_value,
                                       NULL);
  g_assert_no_error (error);
  g_assert_null (found);
}

static void
test_default_collection_unlocked (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;

  service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  g_assert_no_error (error);
  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (collection);
  g_assert_false (secret_collection_get_locked (collection));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/keyring/default-collection-unlocked", test_default_collection_unlocked);
  g_test_add_func ("/keyring/store-lookup-delete", test_store_lookup_delete);

  return g_test_run ();
}
