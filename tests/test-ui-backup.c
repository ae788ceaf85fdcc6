/* test-ui-backup.c: "Back Up Wallet…" and "Restore from Backup…" in the
 * real app: the passphrase twice and its strength, the backup written;
 * a wrong passphrase said on its page with nothing changed, a damaged
 * backup refused; what a backup holds, the report, and the wallet's list
 * updated; a card restored without its TPM-bound key says so
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Runs under Xvfb with the session's gnome-keyring (build-aux/dev test),
 * in a private HOME; Argon2id at its test setting. The file choosers are
 * left out: the test hands the dialogs a file, as the choosers do.
 * IDW_SCREENSHOT_DIR, when set, receives a picture of each step.
 */
#include "config.h"

#include "ui-wallet-util.h"
#include "idw-backup-dialog.h"
#include "idw-restore-dialog.h"
#include "idw-store-private.h"

#define PASSPHRASE "purple otter banjo 44"

/* ---- Helpers --------------------------------------------------------- */

static guint
count_visible_rows (void)
{
  g_autoptr(GListModel) rows = idw_wallet_view_get_rows (fx.view);
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GtkWidget) row = g_list_model_get_item (rows, i);

      n += gtk_widget_get_visible (row);
    }
  return n;
}

static gboolean
rows_are (gpointer data)
{
  return count_visible_rows () == GPOINTER_TO_UINT (data);
}

static GtkWindow *
find_toplevel (GType type)
{
  g_autoptr(GListModel) toplevels = g_object_ref (gtk_window_get_toplevels ());

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return GTK_WINDOW (w);
    }
  return NULL;
}

static gboolean
is_entry_row_titled (GtkWidget     *widget,
                     gconstpointer  title)
{
  return ADW_IS_ENTRY_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static GtkEditable *
entry_row (GtkWindow  *window,
           const char *title)
{
  GtkWidget *row = find_widget (GTK_WIDGET (window), is_entry_row_titled, title);

  g_assert_nonnull (row);
  return GTK_EDITABLE (row);
}

static gboolean
is_button_for (GtkWidget     *widget,
               gconstpointer  action)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0;
}

static GtkWidget *
button_for (GtkWindow  *window,
            const char *action)
{
  GtkWidget *button = find_widget (GTK_WIDGET (window), is_button_for, action);

  g_assert_nonnull (button);
  return button;
}

static GtkStack *
dialog_stack (GtkWindow *window)
{
  return GTK_STACK (find_widget_of_type (GTK_WIDGET (window), GTK_TYPE_STACK));
}

typedef struct
{
  GtkWindow  *window;
  const char *page;
} PageWait;

static gboolean
page_is (gpointer data)
{
  PageWait *w = data;

  return g_strcmp0 (gtk_stack_get_visible_child_name (dialog_stack (w->window)), w->page) == 0;
}

static void
wait_for_page (GtkWindow  *window,
               const char *page)
{
  PageWait w = { window, page };

  ui_wait_until (page_is, &w, 30000, page);
}

static gboolean
is_label_containing (GtkWidget     *widget,
                     gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget)
         && strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL;
}

static gboolean
is_row_with_subtitle (GtkWidget     *widget,
                      gconstpointer  subtitle)
{
  return ADW_IS_ACTION_ROW (widget)
         && g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)), subtitle) == 0;
}

static gboolean
action_enabled (GtkWindow  *window,
                const char *button_action)
{
  return gtk_widget_is_sensitive (button_for (window, button_action));
}

/* Every file name under @path, one a line, sorted (a wallet's folder is
 * unchanged when this is). */
static void
list_tree (GString    *out,
           const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, test_compare_strings);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *child = g_build_filename (path, names->pdata[i], NULL);
      g_autofree char *contents = NULL;
      gsize len = 0;

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        {
          g_string_append_printf (out, "%s/\n", child);
          list_tree (out, child);
        }
      else
        {
          g_file_get_contents (child, &contents, &len, NULL);
          g_string_append_printf (out, "%s %zu\n", child, len);
        }
    }
}

static char *
wallet_snapshot (void)
{
  g_autofree char *folder = g_build_filename (g_get_user_data_dir (), "id-wallet", NULL);
  GString *out = g_string_new (NULL);

  list_tree (out, folder);
  return g_string_free (out, FALSE);
}

/* ---- The scenario ------------------------------------------------------ */

static void
back_up (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkWindow *dialog;
  GtkEditable *passphrase, *confirm;
  GtkWidget *strength;
  AdwStatusPage *done;
  const char *description;

  gtk_widget_activate_action (GTK_WIDGET (fx.window), "win.backup", NULL);
  dialog = find_toplevel (IDW_TYPE_BACKUP_DIALOG);
  g_assert_nonnull (dialog);
  passphrase = entry_row (dialog, "Passphrase");
  confirm = entry_row (dialog, "Confirm Passphrase");
  g_assert_false (action_enabled (dialog, "backup.save"));
  /* The passphrase cannot be recovered, and the dialog says so. */
  g_assert_nonnull (find_widget (GTK_WIDGET (dialog), is_label_containing, "cannot be opened"));

  /* Too weak: libpwquality's reason, and no backup. */
  gtk_editable_set_text (passphrase, "otter");
  gtk_editable_set_text (confirm, "otter");
  strength = find_widget (GTK_WIDGET (dialog), is_label_containing, "Too weak");
  g_assert_nonnull (strength);
  g_assert_false (action_enabled (dialog, "backup.save"));
  g_assert_cmpfloat (gtk_level_bar_get_value (GTK_LEVEL_BAR (find_widget_of_type (GTK_WIDGET (dialog),
                                                                                  GTK_TYPE_LEVEL_BAR))),
                     <, 0.2);

  /* Strong, but typed differently. */
  gtk_editable_set_text (passphrase, PASSPHRASE);
  gtk_editable_set_text (confirm, PASSPHRASE "5");
  g_assert_nonnull (find_widget (GTK_WIDGET (dialog), is_label_containing, "differ"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (confirm), "error"));
  g_assert_false (action_enabled (dialog, "backup.save"));
  idw_backup_dialog_save_to (IDW_BACKUP_DIALOG (dialog), file);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (dialog_stack (dialog)), ==, "form");

  gtk_editable_set_text (confirm, PASSPHRASE);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (confirm), "error"));
  g_assert_nonnull (find_widget (GTK_WIDGET (dialog), is_label_containing, "Strong."));
  g_assert_true (action_enabled (dialog, "backup.save"));
  screenshot ("backup-form");

  idw_backup_dialog_save_to (IDW_BACKUP_DIALOG (dialog), file);
  wait_for_page (dialog, "done");
  done = ADW_STATUS_PAGE (gtk_stack_get_visible_child (dialog_stack (dialog)));
  description = adw_status_page_get_description (done);
  g_assert_nonnull (strstr (description, "1 ID,"));
  g_assert_nonnull (strstr (description, "backup.idwbackup"));
  /* The passphrase left the entries. */
  g_assert_cmpstr (gtk_editable_get_text (passphrase), ==, "");
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  screenshot ("backup-done");
  gtk_window_close (dialog);
}

static GtkWindow *
open_restore (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkWindow *dialog;

  gtk_widget_activate_action (GTK_WIDGET (fx.window), "win.restore", NULL);
  dialog = find_toplevel (IDW_TYPE_RESTORE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (dialog_stack (dialog)), ==, "choose");
  idw_restore_dialog_open_file (IDW_RESTORE_DIALOG (dialog), file);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (dialog_stack (dialog)), ==, "passphrase");
  return dialog;
}

static void
restore_scenario (const char *path)
{
  GtkWindow *dialog = open_restore (path);
  GtkEditable *passphrase = entry_row (dialog, "Passphrase");
  g_autofree char *before = wallet_snapshot ();
  g_autofree char *after = NULL;
  GtkWidget *row;

  /* A wrong passphrase: said on the same page, nothing changed. */
  g_assert_false (action_enabled (dialog, "restore.open"));
  gtk_editable_set_text (passphrase, "purple otter banjo 45");
  g_assert_true (action_enabled (dialog, "restore.open"));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "restore.open", NULL);
  wait_for_page (dialog, "passphrase");
  g_assert_nonnull (find_widget (GTK_WIDGET (dialog), is_label_containing, "passphrase is not the one"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (passphrase), "error"));
  after = wallet_snapshot ();
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (count_visible_rows (), ==, 0);
  screenshot ("restore-wrong-passphrase");

  /* The right one: what the backup holds. */
  gtk_editable_set_text (passphrase, PASSPHRASE);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (passphrase), "error"));
  gtk_widget_activate_action (GTK_WIDGET (dialog), "restore.open", NULL);
  wait_for_page (dialog, "contents");
  row = find_widget (GTK_WIDGET (dialog), is_row_with_subtitle, "With its key");
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), "Wei"));
  g_assert_nonnull (find_widget (GTK_WIDGET (dialog), is_row_titled, "Trust Lists"));
  screenshot ("restore-contents");

  /* Restored: the report, and the wallet's list shows the ID again. */
  gtk_widget_activate_action (GTK_WIDGET (dialog), "restore.restore", NULL);
  wait_for_page (dialog, "report");
  g_assert_nonnull (find_widget (GTK_WIDGET (dialog), is_label_containing, "Wallet Restored"));
  g_assert_nonnull (find_widget (GTK_WIDGET (dialog), is_row_titled, "Settings"));
  ui_wait_until (rows_are, GUINT_TO_POINTER (1), 30000, "the restored ID is listed");
  screenshot ("restore-report");
  gtk_window_close (dialog);

  /* Again: skipped, and said so. */
  dialog = open_restore (path);
  gtk_editable_set_text (entry_row (dialog, "Passphrase"), PASSPHRASE);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "restore.open", NULL);
  wait_for_page (dialog, "contents");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "restore.restore", NULL);
  wait_for_page (dialog, "report");
  g_assert_nonnull (find_widget (GTK_WIDGET (dialog), is_label_containing, "Already in your wallet"));
  g_assert_nonnull (find_widget (GTK_WIDGET (dialog), is_label_containing, "Nothing New to Restore"));
  g_assert_cmpuint (count_visible_rows (), ==, 1);
  gtk_window_close (dialog);
}

static void
damaged_scenario (const char *path)
{
  g_autofree char *contents = NULL;
  g_autofree char *damaged = g_build_filename (fx.tmpdir, "damaged.idwbackup", NULL);
  g_autofree char *before = wallet_snapshot ();
  g_autofree char *after = NULL;
  GtkWindow *dialog;
  AdwStatusPage *error_page;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  contents[len - 20] ^= 0x01;
  g_assert_true (g_file_set_contents (damaged, contents, len, NULL));

  dialog = open_restore (damaged);
  gtk_editable_set_text (entry_row (dialog, "Passphrase"), PASSPHRASE);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "restore.open", NULL);
  wait_for_page (dialog, "error");
  error_page = ADW_STATUS_PAGE (gtk_stack_get_visible_child (dialog_stack (dialog)));
  g_assert_nonnull (strstr (adw_status_page_get_description (error_page), "altered"));
  after = wallet_snapshot ();
  g_assert_cmpstr (before, ==, after);
  screenshot ("restore-damaged");
  gtk_window_close (dialog);
}

/* A card restored without its TPM-bound key says it must be re-issued,
 * and offers no presentation. */
static void
reissue_scenario (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCredential) credential = NULL;
  g_autoptr(IdwKey) other_key = idw_key_generate_p256 ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  IdwStore *store = idw_wallet_view_get_store (fx.view);
  g_autofree char *id = NULL;
  IdwCardPage *page;

  /* Another credential of the same holder, bound to a key that is not
   * here, as a restore writes it. */
  {
    g_autoptr(GError) issue_error = NULL;
    g_autoptr(IdwKey) ds_key = idw_key_new_from_pem (fx.issuer->ds_key_pem, strlen (fx.issuer->ds_key_pem), NULL);
    g_autoptr(IdwCertificate) ds = idw_certificate_new_from_data ((const guint8 *) fx.issuer->ds_pem,
                                                                  strlen (fx.issuer->ds_pem), NULL);
    g_autoptr(JsonNode) node = json_from_string (person_json, NULL);
    g_autoptr(IdwKey) public_key = idw_key_dup_public (other_key);

    credential = idw_issue_credential (json_node_get_object (node), NULL, public_key, ds_key, ds, NULL,
                                       &issue_error);
    g_assert_no_error (issue_error);
  }
  id = _idw_store_write_restored (store, NULL, credential, now, "TPM licence", TRUE, &error);
  g_assert_no_error (error);
  idw_wallet_view_reload (fx.view);
  ui_wait_until (rows_are, GUINT_TO_POINTER (2), 30000, "the re-issue card is listed");
  g_assert_nonnull (find_widget (GTK_WIDGET (fx.window), is_label_containing, "Re-issue needed on this device"));

  idw_wallet_view_open_card (fx.view, id);
  wait_until (visible_page_is_card, NULL, 10000);
  page = IDW_CARD_PAGE (idw_wallet_view_get_visible_page (fx.view));
  g_assert_nonnull (find_widget (GTK_WIDGET (page), is_label_containing,
                                 "Re-issue needed on this device. The key of this ID stayed in the TPM"));
  g_assert_false (gtk_widget_is_sensitive (find_widget (GTK_WIDGET (page), is_button_for, "card.present")));
  screenshot ("card-reissue");
  idw_wallet_view_go_back (fx.view);
}

static void
run_scenario (gpointer data)
{
  g_autofree char *path = g_build_filename (fx.tmpdir, "backup.idwbackup", NULL);
  IdwStore *store;
  ImportResult imported;
  g_autoptr(GError) error = NULL;

  fx.window = IDW_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (fx.app)));
  fx.view = idw_window_get_wallet_view (fx.window);
  wait_until (loaded_at_least, GUINT_TO_POINTER (1), 30000);

  imported = import_path (fx.cred_path);
  g_assert_no_error (imported.error);
  ui_wait_until (rows_are, GUINT_TO_POINTER (1), 30000, "the imported ID is listed");

  back_up (path);

  /* The wallet loses its ID (and the key with it): the restore brings
   * both back. */
  store = idw_wallet_view_get_store (fx.view);
  idw_store_delete_sync (store, idw_store_entry_get_id (imported.entry), NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&imported.entry);
  idw_wallet_view_reload (fx.view);
  ui_wait_until (rows_are, GUINT_TO_POINTER (0), 30000, "the wallet is empty");

  restore_scenario (path);
  damaged_scenario (path);
  reissue_scenario ();

  fx.done = TRUE;
  g_application_quit (G_APPLICATION (fx.app));
}

static void
test_backup_restore (void)
{
  run_app (run_scenario);
}

int
main (int   argc,
      char *argv[])
{
  /* Argon2id at its test setting (docs/formats.md §12.1). */
  g_setenv ("IDW_BACKUP_TEST_KDF", "fast", TRUE);
  return run_test (argc, argv, "/ui/backup/back-up-and-restore", test_backup_restore);
}
