/* test-ui-status.c: the holder's card says when its issuer revoked it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A SoupServer on loopback (status-server-util.h) serves the issuer's
 * Status List Token: the credential's entry is revoked, then suspended,
 * then valid again. The list has no ttl, so each opening of the card reads
 * it anew. The card
 * page and the card's row in the list say each in words; a second card
 * whose list's server is down, with nothing cached, is never called
 * revoked.
 */
#include "config.h"

#include "idw-credential-row.h"
#include "idw-ui-util.h"
#include "status-server-util.h"
#include "ui-wallet-util.h"

static Server server;
static IdwKey *ds_key;
static IdwCertificate *ds;

/* Serves a list (without ttl) where entry 0 has @status. */
static void
serve_status (guint status)
{
  g_autoptr(IdwStatusList) list = idw_status_list_new (2, 1024, NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) exp = g_date_time_add_days (now, 1);
  g_autofree char *uri = server_uri (&server, "/list");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) token = NULL;

  g_assert_true (idw_status_list_set (list, 0, status, NULL));
  token = idw_status_token_sign (list, uri, now, exp, 0, ds_key, ds, &error);
  g_assert_no_error (error);
  server_set_list (&server, token);
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
  g_autofree char *uri = server_uri (&server, "/list");
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
    g_autofree char *down_uri = server_uri (&server, "/elsewhere");

    server_free (&server);
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
  server_start (&server);
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
