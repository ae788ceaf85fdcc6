/* test-ui-status.c: the holder's card says when its issuer revoked it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A SoupServer on loopback, in a thread of its own (as in
 * test-verifier-status.c), serves the issuer's Status List Token: the
 * credential's entry is revoked, then suspended, then valid again. The
 * list has no ttl, so each opening of the card reads it anew. The card
 * page and the card's row in the list say each in words; a second card
 * whose list's server is down, with nothing cached, is never called
 * revoked. Each response closes its connection, so that no keep-alive
 * connection outlives the server. (The UI tests do not run under the
 * sanitizer: for the server side's own leaks in libsoup 3.2.2 see
 * tests/data/lsan-soup-server.supp.)
 */
#include "config.h"

#include <libsoup/soup.h>

#include "idw-credential-row.h"
#include "idw-ui-util.h"
#include "ui-wallet-util.h"

typedef struct
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  GMutex        lock;
  GCond         cond;
  gboolean      ready;
  GBytes       *list;
  guint         requests;
  char         *base;
} Server;

static Server server;
static IdwKey *ds_key;
static IdwCertificate *ds;

static void
handle (SoupServer        *soup_server,
        SoupServerMessage *msg,
        const char        *path,
        GHashTable        *query,
        gpointer           user_data)
{
  g_autoptr(GBytes) list = NULL;

  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
  g_mutex_lock (&server.lock);
  server.requests++;
  list = server.list != NULL ? g_bytes_ref (server.list) : NULL;
  g_mutex_unlock (&server.lock);
  if (!g_str_equal (path, "/list") || list == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, IDW_STATUS_LIST_CWT_TYPE, SOUP_MEMORY_COPY,
                                    g_bytes_get_data (list, NULL), g_bytes_get_size (list));
}

static gpointer
server_thread (gpointer data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (server.context);
  server.server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server.server, NULL, handle, NULL, NULL);
  soup_server_listen_local (server.server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server.server);
  g_mutex_lock (&server.lock);
  server.base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  server.ready = TRUE;
  g_cond_signal (&server.cond);
  g_mutex_unlock (&server.lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (server.loop);

  soup_server_disconnect (server.server);
  g_clear_object (&server.server);
  while (g_main_context_iteration (server.context, FALSE))
    ;
  g_main_context_pop_thread_default (server.context);
  return NULL;
}

static void
server_start (void)
{
  g_mutex_init (&server.lock);
  g_cond_init (&server.cond);
  server.context = g_main_context_new ();
  server.loop = g_main_loop_new (server.context, FALSE);
  server.thread = g_thread_new ("status-server", server_thread, NULL);
  g_mutex_lock (&server.lock);
  while (!server.ready)
    g_cond_wait (&server.cond, &server.lock);
  g_mutex_unlock (&server.lock);
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
server_stop (void)
{
  g_main_context_invoke (server.context, quit_loop, server.loop);
  g_thread_join (g_steal_pointer (&server.thread));
  g_main_loop_unref (server.loop);
  g_main_context_unref (server.context);
  g_clear_pointer (&server.list, g_bytes_unref);
  g_clear_pointer (&server.base, g_free);
  g_mutex_clear (&server.lock);
  g_cond_clear (&server.cond);
}

/* Serves a list (without ttl) where entry 0 has @status. */
static void
serve_status (guint status)
{
  g_autoptr(IdwStatusList) list = idw_status_list_new (2, 1024, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) exp = g_date_time_add_days (now, 1);
  g_autofree char *uri = g_strconcat (server.base, "/list", NULL);
  g_autoptr(GError) error = NULL;
  GBytes *token;

  g_assert_true (idw_status_list_set (list, 0, status, NULL));
  token = idw_status_token_sign (list, uri, now, exp, 0, ds_key, ds, &error);
  g_assert_no_error (error);
  g_mutex_lock (&server.lock);
  g_clear_pointer (&server.list, g_bytes_unref);
  server.list = token;
  g_mutex_unlock (&server.lock);
}

static GtkWidget *find_row (const char *id);

static gboolean
row_exists (gpointer id)
{
  return find_row (id) != NULL;
}

static GtkWidget *
find_row (const char *id)
{
  g_autoptr(GListModel) rows = idw_wallet_view_get_rows (fx.view);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GtkWidget) row = g_list_model_get_item (rows, i);

      if (g_strcmp0 (idw_credential_row_get_id (IDW_CREDENTIAL_ROW (row)), id) == 0)
        return row;
    }
  return NULL;
}

/* Imports a credential with entry 0 of the list at @uri; its store ID. */
static char *
import_with_status (const char *uri,
                    const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (person_json, &error);
  g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
  IdwIssueOptions options = { .status_uri = uri, .status_index = 0 };
  g_autoptr(IdwCredential) credential = NULL;
  g_autofree char *path = g_build_filename (fx.tmpdir, name, NULL);
  ImportResult r;

  g_assert_no_error (error);
  credential = idw_issue_credential (json_node_get_object (node), NULL, device_key, ds_key, ds, &options, &error);
  g_assert_no_error (error);
  idw_credential_save (credential, path, TRUE, &error);
  g_assert_no_error (error);
  r = import_path (path);
  g_assert_no_error (r.error);
  g_assert_nonnull (r.entry);
  {
    char *id = g_strdup (idw_store_entry_get_id (r.entry));

    g_object_unref (r.entry);
    /* The list shows it once the store is read again. */
    wait_until (row_exists, id, 30000);
    return id;
  }
}

static gboolean
is_visible_label_with (GtkWidget     *widget,
                       gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) &&
         g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

static gboolean
is_visible_label_prefixed (GtkWidget     *widget,
                           gconstpointer  prefix)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) &&
         g_str_has_prefix (gtk_label_get_label (GTK_LABEL (widget)), prefix);
}

typedef struct
{
  const char *id;
  GtkWidget *(*find) (GtkWidget *, gboolean (*) (GtkWidget *, gconstpointer), gconstpointer);
  gboolean  (*pred) (GtkWidget *, gconstpointer);
  const char *text;
} Expect;

static GtkWidget *
card_page (void)
{
  GtkWidget *page = idw_wallet_view_get_visible_page (fx.view);

  return IDW_IS_CARD_PAGE (page) ? page : NULL;
}

static gboolean
page_shows (gpointer data)
{
  Expect *e = data;
  GtkWidget *page = card_page ();

  return page != NULL && find_widget (page, e->pred, e->text) != NULL;
}

static gboolean
row_shows (gpointer data)
{
  Expect *e = data;
  GtkWidget *row = find_row (e->id);

  return row != NULL && find_widget (row, is_visible_label_with, e->text) != NULL;
}

/* Opens the card of @id anew and waits until its page shows @page_text
 * (a row's title for a warning, else the start of a label). */
static void
open_and_expect (const char *id,
                 const char *page_text,
                 gboolean    warning)
{
  Expect e = { .id = id, .pred = warning ? is_row_titled : is_visible_label_prefixed, .text = page_text };

  if (idw_wallet_view_get_can_go_back (fx.view))
    idw_wallet_view_go_back (fx.view);
  idw_wallet_view_open_card (fx.view, id);
  wait_until (visible_page_is_card, NULL, 10000);
  wait_until (page_shows, &e, 15000);
}

static void
assert_row_tags (const char *id,
                 const char *shown)
{
  const char *all[] = { "Revoked", "Suspended" };
  GtkWidget *row = find_row (id);

  g_assert_nonnull (row);
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    g_assert_true ((find_widget (row, is_visible_label_with, all[i]) != NULL) == (g_strcmp0 (all[i], shown) == 0));
}

static void
run_scenario (gpointer data)
{
  g_autofree char *uri = g_strconcat (server.base, "/list", NULL);
  g_autofree char *id = NULL;
  g_autofree char *down_id = NULL;
  Expect revoked_row = { 0 };
  g_autoptr(GError) error = NULL;

  ds_key = idw_key_new_from_pem (fx.issuer->ds_key_pem, strlen (fx.issuer->ds_key_pem), &error);
  g_assert_no_error (error);
  ds = idw_certificate_new_from_data ((const guint8 *) fx.issuer->ds_pem, strlen (fx.issuer->ds_pem), &error);
  g_assert_no_error (error);

  fx.window = IDW_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (fx.app)));
  fx.view = idw_window_get_wallet_view (fx.window);
  wait_until (loaded_at_least, GUINT_TO_POINTER (1), 30000);

  /* Revoked: said on the card, and on its row in the list. */
  serve_status (IDW_TOKEN_STATUS_INVALID);
  id = import_with_status (uri, "revoked.idwcred");
  open_and_expect (id, "Revoked by the Issuer", TRUE);
  g_assert_null (find_widget (card_page (), is_row_titled, "Suspended by the Issuer"));
  revoked_row.id = id;
  revoked_row.text = "Revoked";
  wait_until (row_shows, &revoked_row, 5000);
  assert_row_tags (id, "Revoked");
  screenshot ("status-revoked");

  /* Suspended. */
  serve_status (IDW_TOKEN_STATUS_SUSPENDED);
  open_and_expect (id, "Suspended by the Issuer", TRUE);
  g_assert_null (find_widget (card_page (), is_row_titled, "Revoked by the Issuer"));
  assert_row_tags (id, "Suspended");

  /* Valid again: a quiet line, no warning, no tag. */
  serve_status (IDW_TOKEN_STATUS_VALID);
  open_and_expect (id, "Not revoked · checked ", FALSE);
  g_assert_null (find_widget (card_page (), is_row_titled, "Suspended by the Issuer"));
  g_assert_null (find_widget (card_page (), is_row_titled, "Revoked by the Issuer"));
  assert_row_tags (id, NULL);

  /* The list's server is down and nothing is cached: calm words only. */
  {
    g_autofree char *down_uri = g_strconcat (server.base, "/elsewhere", NULL);

    server_stop ();
    down_id = import_with_status (down_uri, "unchecked.idwcred");
    open_and_expect (down_id, "Could not check for revocation", FALSE);
    g_assert_null (find_widget (card_page (), is_row_titled, "Revoked by the Issuer"));
    assert_row_tags (down_id, NULL);
  }

  fx.done = TRUE;
  g_application_quit (G_APPLICATION (fx.app));
}

static void
test_status (void)
{
  server_start ();
  run_app (run_scenario);
  g_clear_pointer (&ds_key, idw_key_unref);
  g_clear_pointer (&ds, idw_certificate_unref);
}

int
main (int   argc,
      char *argv[])
{
  /* A refused connection fails at once; a stuck one within 2 s. */
  g_setenv (IDW_STATUS_TIMEOUT_ENV, "2", TRUE);
  return run_test (argc, argv, "/ui/status/revoked-suspended-valid", test_status);
}
