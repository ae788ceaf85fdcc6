/* test-verifier-status.c: the `status` check against a real HTTP server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A SoupServer on loopback (status-server-util.h) serves the issuer's
 * Status List Token and some bad answers; the verifier fetches with a
 * 1-second timeout. Nothing here asserts a duration.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "idwallet.h"
#include "issuer-test-util.h"
#include "mdoc-test-util.h"
#include "status-server-util.h"
#include "test-util.h"

static const char * const paths[] = { "org.iso.18013.5.1/family_name", NULL };

typedef struct
{
  TestIssuer *issuer;
  Server      server;
  char       *tmp;
  char       *cache;
} StatusFixture;

/* The issuer's list for @path: entry 1 revoked, 2 suspended; @ttl 0 leaves
 * the ttl out, so that every verification goes to the network. */
static GBytes *
sign_list (TestIssuer *issuer,
           const char *uri,
           guint64     ttl)
{
  g_autoptr(IdwStatusList) list = idw_status_list_new (2, 1024, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) exp = g_date_time_add_days (now, 1);
  g_autoptr(GError) error = NULL;
  GBytes *token;

  g_assert_true (idw_status_list_set (list, 1, IDW_TOKEN_STATUS_INVALID, NULL));
  g_assert_true (idw_status_list_set (list, 2, IDW_TOKEN_STATUS_SUSPENDED, NULL));
  token = idw_status_token_sign (list, uri, now, exp, ttl, issuer->ds_key, issuer->ds, &error);
  g_assert_no_error (error);
  return token;
}

static void
fixture_set_up (StatusFixture       *f,
                gconstpointer  data)
{
  f->issuer = test_issuer_new ();
  f->tmp = test_tmp_dir_new ("idw-status-XXXXXX");
  f->cache = g_build_filename (f->tmp, "cache", NULL);
  server_start (&f->server);
  {
    g_autofree char *uri = server_uri (&f->server, "/list");
    g_autoptr(GBytes) token = sign_list (f->issuer, uri, 0);

    server_set_list (&f->server, token);
  }
}

static void
fixture_tear_down (StatusFixture       *f,
                   gconstpointer  data)
{
  server_free (&f->server);
  g_clear_pointer (&f->issuer, test_issuer_free);
  g_clear_pointer (&f->cache, g_free);
  g_clear_pointer (&f->tmp, test_tmp_dir_free);
}

/* Presents a credential whose status is entry @index of the list at
 * @path, and verifies it with a fresh verifier (and fetcher). */
static IdwVerdict *
verify (StatusFixture    *f,
        const char *path,
        guint64     index,
        gboolean    offline)
{
  g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
  g_autofree char *uri = g_str_has_prefix (path, "/") ? server_uri (&f->server, path) : g_strdup (path);
  IdwIssueOptions options = { .status_uri = uri, .status_index = index };
  g_autoptr(IdwCredential) credential = test_issue (f->issuer, device_key, &options);
  g_autoptr(IdwVerifier) verifier = idw_verifier_new ();
  g_autoptr(IdwStatusFetcher) fetcher = idw_status_fetcher_new (f->cache);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_assert_cmpstr (idw_credential_get_mso (credential)->status_uri, ==, uri);
  idw_status_fetcher_set_timeout (fetcher, 1);
  idw_status_fetcher_set_offline (fetcher, offline);
  idw_verifier_set_status_fetcher (verifier, fetcher);
  idw_verifier_add_trust_anchor (verifier, f->issuer->iaca);
  text = idw_present_text (credential, NULL, paths, NULL, NULL, &error);
  g_assert_no_error (error);
  return idw_verifier_verify_text (verifier, text);
}

static void
assert_undetermined (IdwVerdict *verdict,
                     const char *words)
{
  test_assert_checks (verdict, "pppppppup");
  g_assert_true (idw_verdict_is_valid (verdict));
  test_assert_detail (verdict, IDW_CHECK_REVOCATION, "Could not check whether this ID was revoked");
  test_assert_detail (verdict, IDW_CHECK_REVOCATION, words);
}

static void
test_statuses (StatusFixture       *f,
               gconstpointer  data)
{
  g_autoptr(IdwVerdict) good = verify (f, "/list", 0, FALSE);
  g_autoptr(IdwVerdict) revoked = verify (f, "/list", 1, FALSE);
  g_autoptr(IdwVerdict) suspended = verify (f, "/list", 2, FALSE);
  g_autoptr(IdwVerdict) outside = verify (f, "/list", 5000, FALSE);
  g_autofree char *json = NULL;

  test_assert_checks (good, "ppppppppp");
  g_assert_true (idw_verdict_is_valid (good));
  test_assert_detail (good, IDW_CHECK_REVOCATION, "valid");

  test_assert_failure (revoked, IDW_CHECK_REVOCATION, "revoked");
  g_assert_false (idw_verdict_is_valid (revoked));
  g_assert_cmpint (idw_verdict_get_first_failure (revoked), ==, IDW_CHECK_REVOCATION);

  test_assert_failure (suspended, IDW_CHECK_REVOCATION, "suspended");
  g_assert_false (idw_verdict_is_valid (suspended));

  test_assert_failure (outside, IDW_CHECK_REVOCATION, "no entry");

  json = idw_verdict_to_json (revoked, FALSE);
  g_assert_nonnull (strstr (json, "\"name\":\"status\",\"status\":\"failed\""));
}

static void
test_redirects (StatusFixture       *f,
                gconstpointer  data)
{
  g_autofree char *uri = server_uri (&f->server, "/redirect");
  g_autoptr(GBytes) token = sign_list (f->issuer, uri, 0);
  g_autoptr(IdwVerdict) looping = NULL;
  g_autoptr(IdwVerdict) ftp = NULL;
  g_autoptr(IdwVerdict) redirected = NULL;

  /* Served at /list, but signed for the address the credential names. */
  server_set_list (&f->server, token);
  redirected = verify (f, "/redirect", 1, FALSE);
  test_assert_failure (redirected, IDW_CHECK_REVOCATION, "revoked");

  looping = verify (f, "/loop", 1, FALSE);
  assert_undetermined (looping, "redirected more than 3 times");
  ftp = verify (f, "/ftp", 1, FALSE);
  assert_undetermined (ftp, "not an http or https address");
}

static void
test_cache (StatusFixture       *f,
            gconstpointer  data)
{
  g_autoptr(IdwVerdict) online = verify (f, "/list", 1, FALSE);
  g_autoptr(IdwVerdict) down = NULL;
  g_autoptr(IdwVerdict) offline = NULL;
  g_autoptr(IdwVerdict) offline_other = NULL;

  test_assert_failure (online, IDW_CHECK_REVOCATION, "revoked");

  /* The server goes away: the list fetched before still decides, until
   * it expires. */
  server_stop (&f->server);
  down = verify (f, "/list", 1, FALSE);
  test_assert_failure (down, IDW_CHECK_REVOCATION, "revoked");
  offline = verify (f, "/list", 2, TRUE);
  test_assert_failure (offline, IDW_CHECK_REVOCATION, "suspended");

  /* Nothing saved for another list. */
  offline_other = verify (f, "/list2", 1, TRUE);
  assert_undetermined (offline_other, "no list was saved");
}

static void
test_server_down (StatusFixture       *f,
                  gconstpointer  data)
{
  g_autoptr(IdwVerdict) verdict = NULL;

  server_stop (&f->server);
  verdict = verify (f, "/list", 1, FALSE);
  assert_undetermined (verdict, "cannot be reached");
}

static void
test_bad_answers (StatusFixture       *f,
                  gconstpointer  data)
{
  g_autoptr(IdwVerdict) junk = verify (f, "/junk", 1, FALSE);
  g_autoptr(IdwVerdict) big = verify (f, "/big", 1, FALSE);
  g_autoptr(IdwVerdict) slow = verify (f, "/slow", 1, FALSE);
  g_autoptr(IdwVerdict) missing = verify (f, "/nothing", 1, FALSE);
  g_autoptr(IdwVerdict) other_uri = verify (f, "/list2", 1, FALSE);

  assert_undetermined (junk, "not a valid signed list");
  assert_undetermined (big, "larger than");
  assert_undetermined (slow, "did not answer within 1 second");
  assert_undetermined (missing, "404");
  /* /list2 serves the token signed for /list. */
  assert_undetermined (other_uri, "another address");
}

static void
test_other_issuer (StatusFixture       *f,
                   gconstpointer  data)
{
  g_autoptr(TestIssuer) stranger = test_issuer_new ();
  g_autofree char *uri = server_uri (&f->server, "/list");
  g_autoptr(GBytes) token = sign_list (stranger, uri, 0);
  g_autoptr(IdwVerdict) verdict = NULL;

  /* Another issuer cannot revoke (or vouch for) this one's IDs. */
  server_set_list (&f->server, token);
  verdict = verify (f, "/list", 1, FALSE);
  assert_undetermined (verdict, "not a valid signed list");
}

static void
test_no_fetcher (void)
{
  g_autoptr(TestIssuer) issuer = test_issuer_new ();
  g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
  IdwIssueOptions options = { .status_uri = "https://example.com/statuslists/1", .status_index = 3 };
  g_autoptr(IdwCredential) credential = test_issue (issuer, device_key, &options);
  g_autoptr(IdwVerifier) verifier = idw_verifier_new ();
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autofree char *text = idw_present_text (credential, NULL, paths, NULL, NULL, NULL);
  IdwMso *mso = idw_credential_get_mso (credential);

  g_assert_cmpstr (mso->status_uri, ==, "https://example.com/statuslists/1");
  g_assert_cmpuint (mso->status_index, ==, 3);
  idw_verifier_add_trust_anchor (verifier, issuer->iaca);
  verdict = idw_verifier_verify_text (verifier, text);
  assert_undetermined (verdict, "turned off");
  g_assert_cmpstr (idw_check_status_to_string (IDW_CHECK_STATUS_UNDETERMINED), ==, "undetermined");
  g_assert_cmpstr (idw_check_to_string (IDW_CHECK_REVOCATION), ==, "status");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/verifier-status/no-fetcher", test_no_fetcher);
  g_test_add ("/verifier-status/statuses", StatusFixture, NULL, fixture_set_up, test_statuses, fixture_tear_down);
  g_test_add ("/verifier-status/redirects", StatusFixture, NULL, fixture_set_up, test_redirects, fixture_tear_down);
  g_test_add ("/verifier-status/cache", StatusFixture, NULL, fixture_set_up, test_cache, fixture_tear_down);
  g_test_add ("/verifier-status/server-down", StatusFixture, NULL, fixture_set_up, test_server_down, fixture_tear_down);
  g_test_add ("/verifier-status/bad-answers", StatusFixture, NULL, fixture_set_up, test_bad_answers, fixture_tear_down);
  g_test_add ("/verifier-status/other-issuer", StatusFixture, NULL, fixture_set_up, test_other_issuer, fixture_tear_down);

  return g_test_run ();
}
