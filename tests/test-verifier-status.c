/* test-verifier-status.c: the `status` check against a real HTTP server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A SoupServer on loopback, in a thread of its own, serves the issuer's
 * Status List Token and some bad answers; the verifier fetches with a
 * 1-second timeout. Nothing here asserts a duration.
 */
#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "idwallet.h"
#include "issuer-test-util.h"
#include "mdoc-test-util.h"
#include "test-util.h"

static const char * const paths[] = { "org.iso.18013.5.1/family_name", NULL };

typedef struct
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  GMutex        lock;
  GCond         cond;
  gboolean      ready;
  GBytes       *list;     /* what /list serves, NULL: 404 */
  char         *base;     /* http://127.0.0.1:PORT */
} Server;

typedef struct
{
  TestIssuer *issuer;
  Server      server;
  char       *tmp;
  char       *cache;
} StatusFixture;

static gboolean
resume_slow (gpointer user_data)
{
  SoupServerMessage *msg = user_data;

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_unpause (msg);
  return G_SOURCE_REMOVE;
}

static void
handle (SoupServer        *server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  Server *s = user_data;

  if (g_str_equal (path, "/list") || g_str_equal (path, "/list2"))
    {
      g_autoptr(GBytes) list = NULL;

      g_mutex_lock (&s->lock);
      list = s->list != NULL ? g_bytes_ref (s->list) : NULL;
      g_mutex_unlock (&s->lock);
      if (list == NULL)
        {
          soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
          return;
        }
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, IDW_STATUS_LIST_CWT_TYPE, SOUP_MEMORY_COPY,
                                        g_bytes_get_data (list, NULL), g_bytes_get_size (list));
    }
  else if (g_str_equal (path, "/redirect"))
    soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, "/list");
  else if (g_str_equal (path, "/loop"))
    soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, "/loop");
  else if (g_str_equal (path, "/ftp"))
    soup_server_message_set_redirect (msg, SOUP_STATUS_FOUND, "ftp://127.0.0.1/list");
  else if (g_str_equal (path, "/junk"))
    {
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, IDW_STATUS_LIST_CWT_TYPE, SOUP_MEMORY_STATIC, "not a token", 11);
    }
  else if (g_str_equal (path, "/big"))
    {
      gsize len = IDW_MAX_STATUS_LIST_TOKEN + 1;

      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (msg, IDW_STATUS_LIST_CWT_TYPE, SOUP_MEMORY_TAKE,
                                        g_malloc0 (len), len);
    }
  else if (g_str_equal (path, "/slow"))
    {
      /* Answers long after the client's 1-second deadline. */
      g_autoptr(GSource) later = g_timeout_source_new_seconds (5);

      soup_server_message_pause (msg);
      g_source_set_callback (later, resume_slow, g_object_ref (msg), g_object_unref);
      g_source_attach (later, s->context);
    }
  else
    soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
}

static gpointer
server_thread (gpointer data)
{
  Server *s = data;
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (s->context);
  s->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (s->server, NULL, handle, s, NULL);
  soup_server_listen_local (s->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (s->server);
  g_mutex_lock (&s->lock);
  s->base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  s->ready = TRUE;
  g_cond_signal (&s->cond);
  g_mutex_unlock (&s->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (s->loop);

  soup_server_disconnect (s->server);
  g_clear_object (&s->server);
  while (g_main_context_iteration (s->context, FALSE))
    ;
  g_main_context_pop_thread_default (s->context);
  return NULL;
}

static void
server_start (Server *s)
{
  g_mutex_init (&s->lock);
  g_cond_init (&s->cond);
  s->context = g_main_context_new ();
  s->loop = g_main_loop_new (s->context, FALSE);
  s->thread = g_thread_new ("status-server", server_thread, s);
  g_mutex_lock (&s->lock);
  while (!s->ready)
    g_cond_wait (&s->cond, &s->lock);
  g_mutex_unlock (&s->lock);
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* Stops serving; the port is closed (connections to it are refused). */
static void
server_stop (Server *s)
{
  if (s->thread == NULL)
    return;
  g_main_context_invoke (s->context, quit_loop, s->loop);
  g_thread_join (g_steal_pointer (&s->thread));
  g_main_loop_unref (s->loop);
  g_main_context_unref (s->context);
}

static void
set_list (StatusFixture *f,
          GBytes  *list)
{
  g_mutex_lock (&f->server.lock);
  g_clear_pointer (&f->server.list, g_bytes_unref);
  f->server.list = list != NULL ? g_bytes_ref (list) : NULL;
  g_mutex_unlock (&f->server.lock);
}

static char *
uri_for (StatusFixture    *f,
         const char *path)
{
  return g_strconcat (f->server.base, path, NULL);
}

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
    g_autofree char *uri = uri_for (f, "/list");
    g_autoptr(GBytes) token = sign_list (f->issuer, uri, 0);

    set_list (f, token);
  }
}

static void
fixture_tear_down (StatusFixture       *f,
                   gconstpointer  data)
{
  server_stop (&f->server);
  g_clear_pointer (&f->server.list, g_bytes_unref);
  g_clear_pointer (&f->server.base, g_free);
  g_mutex_clear (&f->server.lock);
  g_cond_clear (&f->server.cond);
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
  g_autofree char *uri = g_str_has_prefix (path, "/") ? uri_for (f, path) : g_strdup (path);
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
  g_autofree char *uri = uri_for (f, "/redirect");
  g_autoptr(GBytes) token = sign_list (f->issuer, uri, 0);
  g_autoptr(IdwVerdict) looping = NULL;
  g_autoptr(IdwVerdict) ftp = NULL;
  g_autoptr(IdwVerdict) redirected = NULL;

  /* Served at /list, but signed for the address the credential names. */
  set_list (f, token);
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
  g_autofree char *uri = uri_for (f, "/list");
  g_autoptr(GBytes) token = sign_list (stranger, uri, 0);
  g_autoptr(IdwVerdict) verdict = NULL;

  /* Another issuer cannot revoke (or vouch for) this one's IDs. */
  set_list (f, token);
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
