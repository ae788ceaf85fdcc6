/* ui-wallet-util.h: what the wallet's UI tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-ui-wallet (import, list, card, delete) and test-ui-wallet-present
 * (present, respond) each run the real app under Xvfb with the session's
 * gnome-keyring, on a credential issued here. Each program has its own
 * fixture, fx, and its own private HOME.
 */
#pragma once

#include <string.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include "idwallet.h"
#include "idw-application.h"
#include "idw-card-page.h"
#include "idw-wallet-view.h"
#include "idw-window.h"
#include "ui-test-util.h"

typedef struct
{
  IdwApplication *app;
  IdwWindow      *window;
  IdwWalletView  *view;
  char           *tmpdir;
  IdwIssuerFiles *issuer;
  IdwCertificate *iaca;
  char           *cred_path;
  char           *quit_fingerprint;
  guint           loaded;
  gboolean        done;
  GSourceOnceFunc scenario;
} Fixture;

static Fixture fx;

/* ---- Helpers --------------------------------------------------------- */

static inline void
wait_until (gboolean (*cond) (gpointer),
            gpointer   data,
            guint      timeout_ms)
{
  g_assert_true (ui_poll_until (cond, data, timeout_ms));
}

static inline void
screenshot (const char *name)
{
  const char *dir = g_getenv ("IDW_SCREENSHOT_DIR");
  g_autofree char *command = NULL;

  if (dir == NULL || *dir == '\0')
    return;

  settle (500);
  command = g_strdup_printf ("import -window root %s/wallet-%s.png", dir, name);
  g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
}

static inline gboolean
loaded_at_least (gpointer data)
{
  return fx.loaded >= GPOINTER_TO_UINT (data);
}

static inline void
loaded_cb (IdwWalletView *view,
           gpointer       user_data)
{
  fx.loaded++;
}

static inline gboolean
is_row_titled (GtkWidget     *widget,
               gconstpointer  title)
{
  return ADW_IS_ACTION_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static inline gboolean
is_label_with (GtkWidget     *widget,
               gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}


typedef struct
{
  IdwStoreEntry *entry;
  GError        *error;
  gboolean       done;
} ImportResult;

static inline void
import_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  ImportResult *r = user_data;

  r->entry = idw_wallet_view_import_file_finish (IDW_WALLET_VIEW (source), result, &r->error);
  r->done = TRUE;
}

static inline gboolean
import_done (gpointer data)
{
  return ((ImportResult *) data)->done;
}

/* Imports @path through the function the file chooser, drops and the
 * command line use. */
static inline ImportResult
import_path (const char *path)
{
  ImportResult r = { 0 };
  g_autoptr(GFile) file = g_file_new_for_path (path);

  idw_wallet_view_import_file (fx.view, file, NULL, import_done_cb, &r);
  wait_until (import_done, &r, 30000);

  return r;
}

/* ---- Issuing --------------------------------------------------------- */

static const char person_json[] =
  "{\"org.iso.18013.5.1\": {"
  "  \"family_name\": \"Zhang\", \"given_name\": \"Wei\","
  "  \"family_name_national_character\": \"张\", \"given_name_national_character\": \"伟\","
  "  \"birth_date\": \"1990-05-17\", \"issue_date\": \"2025-06-01\", \"expiry_date\": \"2035-05-31\","
  "  \"issuing_country\": \"CN\", \"issuing_authority\": \"Test Authority\","
  "  \"document_number\": \"T-1990\", \"age_over_18\": true, \"age_over_21\": true, \"sex\": 1"
  "}}";

static inline void
issue_credential (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
  g_autoptr(IdwKey) ds_key = NULL;
  g_autoptr(IdwCertificate) ds = NULL;
  g_autoptr(IdwCredential) credential = NULL;

  fx.issuer = idw_x509_create_issuer ("UI Test", "CN", IDW_COSE_ALG_EDDSA, TRUE, NULL, &error);
  g_assert_no_error (error);
  ds_key = idw_key_new_from_pem (fx.issuer->ds_key_pem, strlen (fx.issuer->ds_key_pem), &error);
  g_assert_no_error (error);
  ds = idw_certificate_new_from_data ((const guint8 *) fx.issuer->ds_pem, strlen (fx.issuer->ds_pem), &error);
  g_assert_no_error (error);
  fx.iaca = idw_certificate_new_from_data ((const guint8 *) fx.issuer->iaca_pem, strlen (fx.issuer->iaca_pem), &error);
  g_assert_no_error (error);

  node = json_from_string (person_json, &error);
  g_assert_no_error (error);

  /* The device key with its private part: it travels in the file. */
  g_assert_true (idw_key_has_private (device_key));
  credential = idw_issue_credential (json_node_get_object (node), NULL, device_key, ds_key, ds, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (idw_credential_get_private_key (credential));

  fx.cred_path = g_build_filename (fx.tmpdir, "zhang-wei.idwcred", NULL);
  idw_credential_save (credential, fx.cred_path, TRUE, &error);
  g_assert_no_error (error);
}

/* ---- The scenario's steps ------------------------------------------- */

static inline gboolean
visible_page_is_card (gpointer data)
{
  return IDW_IS_CARD_PAGE (idw_wallet_view_get_visible_page (fx.view));
}

static inline gboolean
widget_is_mapped_with_size (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 100;
}

static inline const char *
row_subtitle (GtkWidget  *root,
              const char *title)
{
  GtkWidget *row = find_widget (root, is_row_titled, title);

  g_assert_nonnull (row);
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
}

/* ---- Running the app ------------------------------------------------- */

static inline void
on_activate (GApplication *app,
             gpointer      data)
{
  IdwWindow *window = IDW_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));

  g_signal_connect (idw_window_get_wallet_view (window), "loaded", G_CALLBACK (loaded_cb), NULL);
  g_idle_add_once (fx.scenario, NULL);
}

/* Issues the credential, runs the app until @scenario has set fx.done and
 * the app has quit. */
static inline void
run_app (GSourceOnceFunc scenario)
{
  issue_credential ();

  fx.scenario = scenario;
  fx.app = idw_application_new ();
  g_application_set_flags (G_APPLICATION (fx.app), G_APPLICATION_NON_UNIQUE);
  g_signal_connect_after (fx.app, "activate", G_CALLBACK (on_activate), NULL);

  g_assert_cmpint (g_application_run (G_APPLICATION (fx.app), 0, NULL), ==, 0);
  g_assert_true (fx.done);
  g_clear_object (&fx.app);
}

/* main(): a private HOME before GLib reads it (the store lives under
 * it), then @test as @path. */
static inline int
run_test (int         argc,
          char       *argv[],
          const char *path,
          GTestFunc   test)
{
  int status;

  fx.tmpdir = test_private_home_new ("idw-ui-wallet-XXXXXX");

  g_test_init (&argc, &argv, NULL);

  g_test_add_func (path, test);

  status = g_test_run ();

  g_clear_pointer (&fx.issuer, idw_issuer_files_free);
  g_clear_pointer (&fx.iaca, idw_certificate_unref);
  g_clear_pointer (&fx.cred_path, g_free);
  test_tmp_dir_free (fx.tmpdir);

  return status;
}
