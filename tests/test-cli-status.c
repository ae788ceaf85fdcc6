/* test-cli-status.c: id-wallet-cli status set/publish and verify
 * [--offline] against a status list served on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The CLI end to end for revocation: an issuer made with --status-uri
 * pointing at a SoupServer in this process (status-server-util.h) issues
 * three credentials (entries 0, 1 and 2), marks one revoked and one
 * suspended and publishes its list; verifiers with their own
 * XDG_CACHE_HOME decide online, offline from their cache, and say
 * "undetermined" (the ID still valid) with neither.
 */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "idwallet.h"
#include "cli-verdict-util.h"
#include "status-server-util.h"

static Server server;
static char *status_issuer;
static char *creds[3];

static char *
present_credential (const char *path)
{
  g_autoptr(Run) run = run_cli (NULL, "present", path, "--preset", "age-over-18", "--text", NULL);

  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (g_str_has_prefix (run->out, "IDW1:"));
  return g_strstrip (g_steal_pointer (&run->out));
}

/* verify --json of @text with the status cache @cache, [--offline]. */
static JsonObject *
verify_with_cache (const char *text,
                   const char *cache,
                   gboolean    offline)
{
  g_autoptr(Run) run = NULL;

  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  run = offline ? run_cli (text, "verify", "--json", "--offline", "-", NULL)
                : run_cli (text, "verify", "--json", "-", NULL);
  return parse_verdict (run->out);
}

/* The issuer, its three credentials and its published list, once. */
static void
ensure_status_issuer (void)
{
  g_autofree char *person = g_test_build_filename (G_TEST_DIST, "data", "cli", "person.json", NULL);
  g_autofree char *uri = NULL;
  g_autofree char *iaca = NULL;
  g_autofree char *published = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) token = NULL;
  gchar *contents = NULL;
  gsize len = 0;

  if (status_issuer != NULL)
    return;

  server_start (&server);
  uri = server_uri (&server, "/list");
  status_issuer = tmp_path ("status-issuer");
  {
    g_autoptr(Run) init = run_cli (NULL, "issuer", "init", "--out", status_issuer, "--name", "Status Authority",
                                   "--country", "zz", "--test", "--status-uri", uri, NULL);

    g_assert_cmpint (init->status, ==, 0);
  }
  for (guint i = 0; i < G_N_ELEMENTS (creds); i++)
    {
      g_autofree char *name = g_strdup_printf ("status-%u.idwcred", i);
      g_autofree char *entry = g_strdup_printf ("Status list entry %u of %s", i, uri);
      g_autoptr(Run) issue = NULL;

      creds[i] = tmp_path (name);
      issue = run_cli (NULL, "issue", "--issuer", status_issuer, "--data", person, "--new-device-key",
                       "--out", creds[i], NULL);
      g_assert_cmpint (issue->status, ==, 0);
      /* Entries are handed out in order. */
      g_assert_nonnull (strstr (issue->out, entry));
    }

  {
    g_autoptr(Run) revoke = run_cli (NULL, "status", "set", "--issuer", status_issuer,
                                     "--credential", creds[1], "revoked", NULL);
    g_autoptr(Run) suspend = run_cli (NULL, "status", "set", "--issuer", status_issuer,
                                      "--index", "2", "suspended", NULL);

    g_assert_cmpint (revoke->status, ==, 0);
    g_assert_cmpint (suspend->status, ==, 0);
  }

  published = tmp_path ("list.cwt");
  {
    g_autoptr(Run) publish = run_cli (NULL, "status", "publish", "--issuer", status_issuer,
                                      "--out", published, "--ttl", "3600", NULL);

    g_assert_cmpint (publish->status, ==, 0);
  }
  g_file_get_contents (published, &contents, &len, &error);
  g_assert_no_error (error);
  token = g_bytes_new_take (contents, len);
  server_set_list (&server, token);

  iaca = g_build_filename (status_issuer, "iaca.pem", NULL);
  {
    g_autoptr(Run) trust = run_cli (NULL, "trust", "add", iaca, NULL);

    g_assert_cmpint (trust->status, ==, 0);
  }
}

/* Online: entry 0 passes, 1 fails revoked, 2 fails suspended; then, the
 * server gone, the same cache still decides, offline or not. */
static void
test_status_online_then_cached (void)
{
  g_autofree char *cache = tmp_path ("cache-online");
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  const char *expected[3] = { "passed", "failed", "failed" };

  ensure_status_issuer ();
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JsonObject) verdict = NULL;

      g_ptr_array_add (texts, present_credential (creds[i]));
      verdict = verify_with_cache (texts->pdata[i], cache, FALSE);
      g_assert_cmpstr (check_status (verdict, "status"), ==, expected[i]);
      g_assert_cmpint (json_object_get_boolean_member (verdict, "valid"), ==, i == 0);
    }
  {
    g_autoptr(JsonObject) revoked = verify_with_cache (texts->pdata[1], cache, FALSE);
    g_autoptr(JsonObject) suspended = verify_with_cache (texts->pdata[2], cache, FALSE);

    g_assert_nonnull (strstr (check_detail (revoked, "status"), "revoked"));
    g_assert_nonnull (strstr (check_detail (suspended, "status"), "suspended"));
  }

  server_free (&server);
  memset (&server, 0, sizeof server);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JsonObject) offline = verify_with_cache (texts->pdata[i], cache, TRUE);
      g_autoptr(JsonObject) online = verify_with_cache (texts->pdata[i], cache, FALSE);

      g_assert_cmpstr (check_status (offline, "status"), ==, expected[i]);
      g_assert_cmpstr (check_status (online, "status"), ==, expected[i]);
    }
}

/* With no cache, --offline cannot know: undetermined, and a good ID
 * stays valid (as does a revoked one: nothing says it is). */
static void
test_status_offline_without_cache (void)
{
  g_autofree char *cache = tmp_path ("cache-empty");

  ensure_status_issuer ();
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *text = present_credential (creds[i]);
      g_autoptr(JsonObject) verdict = verify_with_cache (text, cache, TRUE);

      g_assert_cmpstr (check_status (verdict, "status"), ==, "undetermined");
      g_assert_nonnull (strstr (check_detail (verdict, "status"), "Could not check whether this ID was revoked"));
      g_assert_true (json_object_get_boolean_member (verdict, "valid"));
    }
}

/* Bad uses of `status`: each a usage error (exit 2) or a clear refusal. */
static void
test_status_usage (void)
{
  const char *const bad_words[] = { "gone", "REVOKED ", "", NULL };

  ensure_status_issuer ();
  for (guint i = 0; bad_words[i] != NULL; i++)
    {
      g_autoptr(Run) run = run_cli (NULL, "status", "set", "--issuer", status_issuer, "--index", "0",
                                    bad_words[i], NULL);

      g_assert_cmpint (run->status, ==, 2);
    }
  {
    /* Neither or both of --index and --credential. */
    g_autoptr(Run) neither = run_cli (NULL, "status", "set", "--issuer", status_issuer, "revoked", NULL);
    g_autoptr(Run) both = run_cli (NULL, "status", "set", "--issuer", status_issuer, "--index", "0",
                                   "--credential", creds[0], "revoked", NULL);

    g_assert_cmpint (neither->status, ==, 2);
    g_assert_cmpint (both->status, ==, 2);
  }
  {
    /* An index never handed out, and an issuer without a status list. */
    g_autoptr(Run) beyond = run_cli (NULL, "status", "set", "--issuer", status_issuer, "--index", "99999999",
                                     "revoked", NULL);
    g_autoptr(Run) no_list = NULL;

    ensure_credential ();
    no_list = run_cli (NULL, "status", "set", "--issuer", issuer_dir, "--index", "0", "revoked", NULL);
    g_assert_cmpint (beyond->status, !=, 0);
    g_assert_cmpstr (beyond->err, !=, "");
    g_assert_cmpint (no_list->status, !=, 0);
    g_assert_cmpstr (no_list->err, !=, "");
  }
}

int
main (int    argc,
      char **argv)
{
  int status;

  cli_test_init (&argc, &argv, "idw-cli-status-XXXXXX");

  g_test_add_func ("/cli/status/online-then-cached", test_status_online_then_cached);
  g_test_add_func ("/cli/status/offline-without-cache", test_status_offline_without_cache);
  g_test_add_func ("/cli/status/usage", test_status_usage);

  status = g_test_run ();
  if (server.thread != NULL)
    server_free (&server);
  g_clear_pointer (&status_issuer, g_free);
  for (guint i = 0; i < G_N_ELEMENTS (creds); i++)
    g_clear_pointer (&creds[i], g_free);
  return cli_test_finish (status);
}
