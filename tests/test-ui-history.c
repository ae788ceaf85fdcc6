/* test-ui-history.c: the History window, what the app records, and the
 * Privacy preferences (issue 16)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drives the real widgets under Xvfb with the session's gnome-keyring (as
 * build-aux/dev test provides): two credentials issued here are imported;
 * one is shown as a QR code, copied as text, sent to "Lotus Hotel" and
 * Lotus Hotel's next request declined, the other shown once. The History
 * window then says each in words, under "Today", with the details' labels;
 * its filter, delete with Undo, the JSON export and Clear History are
 * checked against the encrypted file itself; the "Record History" switch
 * stops recording; the "Verification Log" switch logs the Verify view's
 * verdicts and exports them as CSV.
 */
#include "config.h"

#include <json-glib/json-glib.h>

#include "idw-history-service.h"
#include "idw-history-window.h"
#include "idw-preferences-window.h"
#include "idw-present-page.h"
#include "idw-privacy-group.h"
#include "idw-qr-view.h"
#include "idw-respond-dialog.h"
#include "idw-verify-view.h"
#include "ui-wallet-util.h"

static guint changes;          /* IdwHistoryService::changed so far */
static guint history_loads;    /* IdwHistoryWindow::loaded so far */
static guint log_counts;       /* IdwPrivacyGroup::counted so far */

static void
changed_cb (void)
{
  changes++;
}

static void
history_loaded_cb (void)
{
  history_loads++;
}

static void
counted_cb (void)
{
  log_counts++;
}

static gboolean
changes_at_least (gpointer data)
{
  return changes >= GPOINTER_TO_UINT (data);
}

static gboolean
loads_at_least (gpointer data)
{
  return history_loads >= GPOINTER_TO_UINT (data);
}

static gboolean
counts_at_least (gpointer data)
{
  return log_counts >= GPOINTER_TO_UINT (data);
}

/* The history as the file holds it, read with the keyring's wallet key. */
static GPtrArray *
read_history (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwWalletKey) key = idw_keystore_get_wallet_key_sync (NULL, &error);
  g_autoptr(IdwHistory) history = NULL;
  GPtrArray *entries;

  g_assert_no_error (error);
  history = idw_history_new (NULL, key);
  entries = idw_history_list_sync (history, NULL, &error);
  g_assert_no_error (error);
  return entries;
}

typedef struct
{
  GAsyncResult *result;
} AsyncWait;

static void
got_result (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  ((AsyncWait *) user_data)->result = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return ((AsyncWait *) data)->result != NULL;
}

static void
history_screenshot (const char *name)
{
  const char *dir = g_getenv ("IDW_SCREENSHOT_DIR");
  g_autofree char *command = NULL;

  if (dir == NULL || *dir == '\0')
    return;
  settle (500);
  command = g_strdup_printf ("import -window root %s/history-%s.png", dir, name);
  g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
}

/* ---- Issuing a second credential ---------------------------------------- */

static char *
issue_second (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
  g_autoptr(IdwKey) ds_key = NULL;
  g_autoptr(IdwCertificate) ds = NULL;
  g_autoptr(IdwCredential) credential = NULL;
  char *path;

  ds_key = idw_key_new_from_pem (fx.issuer->ds_key_pem, strlen (fx.issuer->ds_key_pem), &error);
  g_assert_no_error (error);
  ds = idw_certificate_new_from_data ((const guint8 *) fx.issuer->ds_pem, strlen (fx.issuer->ds_pem), &error);
  g_assert_no_error (error);
  node = json_from_string ("{\"org.iso.18013.5.1\": {\"family_name\": \"Li\", \"given_name\": \"Na\","
                           " \"birth_date\": \"1985-02-01\", \"age_over_18\": true}}", &error);
  g_assert_no_error (error);
  credential = idw_issue_credential (json_node_get_object (node), NULL, device_key, ds_key, ds, NULL, &error);
  g_assert_no_error (error);
  path = g_build_filename (fx.tmpdir, "li-na.idwcred", NULL);
  idw_credential_save (credential, path, TRUE, &error);
  g_assert_no_error (error);
  return path;
}

static char *
import (const char *path)
{
  ImportResult r;
  guint loaded = fx.loaded;
  char *id;

  r = import_path (path);
  g_assert_no_error (r.error);
  wait_until (loaded_at_least, GUINT_TO_POINTER (loaded + 1), 30000);
  id = g_strdup (idw_store_entry_get_id (r.entry));
  g_clear_object (&r.entry);
  return id;
}

/* ---- Presenting from the app ------------------------------------------- */

static gboolean
visible_page_is_present (gpointer data)
{
  return IDW_IS_PRESENT_PAGE (idw_wallet_view_get_visible_page (fx.view));
}

static IdwCardPage *
open_card (const char *id)
{
  IdwCardPage *card;

  idw_wallet_view_open_card (fx.view, id);
  wait_until (visible_page_is_card, NULL, 5000);
  card = IDW_CARD_PAGE (idw_wallet_view_get_visible_page (fx.view));
  wait_until (widget_is_mapped_with_size, card, 5000);
  return card;
}

static IdwPresentPage *
open_present (IdwCardPage *card)
{
  IdwPresentPage *present;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "card.present", NULL));
  wait_until (visible_page_is_present, NULL, 30000);
  present = IDW_PRESENT_PAGE (idw_wallet_view_get_visible_page (fx.view));
  wait_until (widget_is_mapped_with_size, present, 5000);
  return present;
}

typedef struct
{
  IdwQrView *view;
  char      *text;
} Refresh;

static gboolean
qr_text_changed (gpointer data)
{
  Refresh *r = data;

  return g_strcmp0 (idw_qr_view_get_text (r->view), r->text) != 0;
}

static gboolean
find_respond_dialog (gpointer data)
{
  return ui_visible_toplevels (IDW_TYPE_RESPOND_DIALOG, data) > 0;
}

/* Opens the respond dialog as the card's button does (the wallet gives it
 * the ID's history source) with a request from Lotus Hotel. */
static IdwRespondDialog *
respond_to_lotus (IdwCardPage *card)
{
  const char *paths[] = { "org.iso.18013.5.1/family_name", "org.iso.18013.5.1/age_over_18", NULL };
  g_autoptr(IdwRemoteRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GtkWidget *dialog = NULL;

  request = idw_remote_request_new (IDW_DOCTYPE_MDL, paths, "Lotus Hotel", &error);
  g_assert_no_error (error);
  text = idw_remote_request_to_text (request);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "card.respond", NULL));
  wait_until (find_respond_dialog, &dialog, 30000);
  g_assert_true (idw_respond_dialog_set_request (IDW_RESPOND_DIALOG (dialog), text));
  return IDW_RESPOND_DIALOG (dialog);
}

static void
record_everything (const char *id,
                   const char *other_id)
{
  IdwCardPage *card;
  IdwPresentPage *present;
  IdwRespondDialog *dialog;
  Refresh refresh = { 0 };
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  /* The quickest refresh there is. */
  g_settings_set_uint (settings, "refresh-interval", 10);

  card = open_card (id);
  present = open_present (card);
  g_assert_true (idw_present_page_set_preset (present, IDW_PRESET_AGE_OVER_18));
  g_assert_true (idw_present_page_show_qr (present));
  wait_until (changes_at_least, GUINT_TO_POINTER (1), 30000);

  /* A refresh signs again but records nothing more. */
  refresh.view = idw_present_page_get_qr_view (present);
  refresh.text = g_strdup (idw_qr_view_get_text (refresh.view));
  wait_until (qr_text_changed, &refresh, 20000);
  g_free (refresh.text);
  ui_iterate_for (300);
  g_assert_cmpuint (changes, ==, 1);

  /* Copy as text: one more, as text. */
  idw_present_page_show_choice (present);
  g_assert_true (idw_present_page_set_preset (present, IDW_PRESET_NAME_PHOTO));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (present), "present.copy", NULL));
  wait_until (changes_at_least, GUINT_TO_POINTER (2), 30000);

  /* Sent to Lotus Hotel, then its next request declined. */
  idw_wallet_view_go_back (fx.view);
  wait_until (visible_page_is_card, NULL, 5000);
  dialog = respond_to_lotus (card);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "respond.share", NULL));
  g_assert_nonnull (idw_respond_dialog_get_response (dialog));
  wait_until (changes_at_least, GUINT_TO_POINTER (3), 30000);
  gtk_window_destroy (GTK_WINDOW (dialog));

  dialog = respond_to_lotus (card);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "respond.decline", NULL));
  wait_until (changes_at_least, GUINT_TO_POINTER (4), 30000);

  /* The other ID, shown once. */
  card = open_card (other_id);
  present = open_present (card);
  g_assert_true (idw_present_page_show_qr (present));
  wait_until (changes_at_least, GUINT_TO_POINTER (5), 30000);
  idw_wallet_view_go_back (fx.view);

  /* In the file, newest first, as the CLI shows it. */
  entries = read_history ();
  g_assert_cmpuint (entries->len, ==, 5);
  {
    IdwHistoryEntry *declined = g_ptr_array_index (entries, 1);
    IdwHistoryEntry *sent = g_ptr_array_index (entries, 2);
    IdwHistoryEntry *copied = g_ptr_array_index (entries, 3);
    IdwHistoryEntry *shown = g_ptr_array_index (entries, 4);

    g_assert_cmpstr (idw_history_entry_get_credential_id (g_ptr_array_index (entries, 0)), ==, other_id);
    g_assert_cmpint (idw_history_entry_get_outcome (declined), ==, IDW_HISTORY_OUTCOME_DECLINED);
    g_assert_cmpstr (idw_history_entry_get_verifier (declined), ==, "Lotus Hotel");
    g_assert_cmpint (idw_history_entry_get_channel (sent), ==, IDW_HISTORY_CHANNEL_REPLY);
    g_assert_cmpstr (idw_history_entry_get_verifier (sent), ==, "Lotus Hotel");
    g_assert_cmpuint (g_strv_length ((GStrv) idw_history_entry_get_elements (sent)), ==, 2);
    g_assert_cmpint (idw_history_entry_get_channel (copied), ==, IDW_HISTORY_CHANNEL_TEXT);
    g_assert_cmpint (idw_history_entry_get_channel (shown), ==, IDW_HISTORY_CHANNEL_QR);
    g_assert_cmpstr (idw_history_entry_get_elements (shown)[0], ==, "org.iso.18013.5.1/age_over_18");
    g_assert_null (idw_history_entry_get_elements (shown)[1]);
    g_assert_cmpstr (idw_history_entry_get_credential_id (shown), ==, id);
    g_assert_cmpstr (idw_history_entry_get_credential_name (shown), ==, "Mobile driving licence, Zhang Wei");
  }
}

/* ---- The History window ------------------------------------------------ */

static gboolean
is_group_titled (GtkWidget     *widget,
                 gconstpointer  title)
{
  return ADW_IS_PREFERENCES_GROUP (widget) &&
         g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget)), title) == 0;
}

static guint
count_visible_rows (GtkWidget *root)
{
  guint n = 0;

  if (ADW_IS_ACTION_ROW (root) && gtk_widget_get_mapped (root)
      && g_object_get_data (G_OBJECT (root), "idw-entry-id") != NULL)
    n++;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_visible_rows (child);
  return n;
}

static gboolean
mapped_rows_are (gpointer data)
{
  gpointer *args = data;

  return count_visible_rows (args[0]) == GPOINTER_TO_UINT (args[1]);
}

static void
wait_rows (IdwHistoryWindow *window,
           guint             n)
{
  gpointer args[2] = { window, GUINT_TO_POINTER (n) };

  wait_until (mapped_rows_are, args, 10000);
}

static GtkWidget *
row_titled (IdwHistoryWindow *window,
            const char       *title)
{
  GtkWidget *row = find_widget (GTK_WIDGET (window), is_row_titled, title);

  g_assert_nonnull (row);
  return row;
}

static gboolean
is_undo_button (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget)
         && (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), "_Undo") == 0
             || g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), "Undo") == 0);
}

static gboolean
undo_button_shown (gpointer data)
{
  return find_widget (data, is_undo_button, NULL) != NULL;
}

static gboolean
find_message_dialog (gpointer data)
{
  GtkWidget **out = data;
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (window))
        {
          *out = window;
          return TRUE;
        }
    }
  return FALSE;
}

static gboolean
is_stack_with_page (GtkWidget     *widget,
                    gconstpointer  name)
{
  return GTK_IS_STACK (widget) && gtk_stack_get_child_by_name (GTK_STACK (widget), name) != NULL;
}

/* The window's stack (the one with a "loading" page: a drop-down has a
 * stack with an "empty" page of its own) shows @args[1]. */
static gboolean
stack_shows (gpointer data)
{
  gpointer *args = data;
  GtkWidget *stack = find_widget (args[0], is_stack_with_page, "loading");

  return g_strcmp0 (gtk_stack_get_visible_child_name (GTK_STACK (stack)), args[1]) == 0;
}

/* The file chooser dialog a GtkFileChooserNative shows without a portal. */
static gboolean
find_file_chooser (gpointer data)
{
  return ui_visible_toplevels (GTK_TYPE_FILE_CHOOSER_DIALOG, data) > 0;
}

/* A label showing @text in any window: a toast's title. */
static gboolean
toast_shown (gpointer text)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) w = g_list_model_get_item (toplevels, i);

      if (find_widget (w, is_label_with, text) != NULL)
        return TRUE;
    }
  return FALSE;
}

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static IdwHistoryWindow *
open_history (const char *id,
              const char *name)
{
  GWeakRef *ref;
  IdwHistoryWindow *window;
  guint loads = history_loads;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (fx.window), "win.history", "(ss)", id, name));
  ref = g_object_get_data (G_OBJECT (fx.window), "idw-history-window");
  g_assert_nonnull (ref);
  window = g_weak_ref_get (ref);
  g_assert_nonnull (window);
  g_object_unref (window);
  if (g_signal_handler_find (window, G_SIGNAL_MATCH_FUNC, 0, 0, NULL, history_loaded_cb, NULL) == 0)
    {
      g_signal_connect (window, "loaded", G_CALLBACK (history_loaded_cb), NULL);
      wait_until (loads_at_least, GUINT_TO_POINTER (loads + 1), 30000);
    }
  wait_until (widget_is_mapped_with_size, window, 5000);
  return window;
}

static void
check_history_window (const char *id,
                      const char *other_id)
{
  IdwHistoryWindow *window = open_history ("", "");
  GtkDropDown *filter = GTK_DROP_DOWN (find_widget_of_type (GTK_WIDGET (window), GTK_TYPE_DROP_DOWN));
  GtkWidget *row;
  g_autoptr(GPtrArray) shown = NULL;
  const char *subtitle;

  /* Everything, under "Today", in words. */
  wait_rows (window, 5);
  g_assert_nonnull (find_widget (GTK_WIDGET (window), is_group_titled, "Today"));
  row = row_titled (window, "Shown as a QR code");
  row_titled (window, "Copied as text");
  row_titled (window, "Sent to Lotus Hotel");
  row_titled (window, "Declined Lotus Hotel’s request");
  /* The oldest "Shown as a QR code" is the first ID's, with its details. */
  {
    GtkWidget *sent = row_titled (window, "Sent to Lotus Hotel");

    subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (sent));
    g_assert_nonnull (strstr (subtitle, "Mobile driving licence, Zhang Wei"));
    g_assert_nonnull (strstr (subtitle, "Family name"));
    g_assert_nonnull (strstr (subtitle, "Age over 18"));
    g_assert_null (strstr (subtitle, "org.iso"));
  }
  g_assert_nonnull (row);
  history_screenshot ("all");

  /* The filter: each ID by its name; the second ID alone. */
  g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (filter)), ==, 3);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (gtk_drop_down_get_model (filter)), 0), ==,
                   "All IDs");
  for (guint i = 1; i < 3; i++)
    {
      const char *name = gtk_string_list_get_string (GTK_STRING_LIST (gtk_drop_down_get_model (filter)), i);

      g_test_message ("filter item %u: %s", i, name);
      if (strstr (name, "Zhang Wei") == NULL)
        gtk_drop_down_set_selected (filter, i);
    }
  g_assert_cmpstr (idw_history_window_get_filter (window), ==, other_id);
  wait_rows (window, 1);
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row_titled (window, "Shown as a QR code")));
  g_assert_nonnull (strstr (subtitle, "Li"));
  g_assert_null (strstr (subtitle, "Zhang"));
  gtk_drop_down_set_selected (filter, 0);
  g_assert_null (idw_history_window_get_filter (window));
  wait_rows (window, 5);

  /* From a card: that ID only. */
  window = open_history (id, "Mobile driving licence, Zhang Wei");
  g_assert_cmpstr (idw_history_window_get_filter (window), ==, id);
  wait_rows (window, 4);
  shown = idw_history_window_dup_shown (window);
  g_assert_cmpuint (shown->len, ==, 4);

  /* The JSON export: what is shown, as the CLI writes it, mode 0600. */
  {
    g_autofree char *path = g_build_filename (fx.tmpdir, "history.json", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autofree char *contents = NULL;
    g_autofree char *expected = idw_history_to_json (shown);
    g_autoptr(JsonParser) parser = json_parser_new ();
    g_autoptr(GError) error = NULL;
    AsyncWait wait = { NULL };
    JsonArray *array;
    JsonObject *sent = NULL;
    GStatBuf st;

    idw_history_window_export (window, file, got_result, &wait);
    wait_until (has_result, &wait, 10000);
    g_assert_true (idw_history_window_export_finish (window, wait.result, &error));
    g_assert_no_error (error);
    g_clear_object (&wait.result);

    g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    g_assert_cmpstr (contents, ==, expected);
    g_assert_cmpint (g_stat (path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    json_parser_load_from_data (parser, contents, -1, &error);
    g_assert_no_error (error);
    array = json_node_get_array (json_parser_get_root (parser));
    g_assert_cmpuint (json_array_get_length (array), ==, 4);
    for (guint i = 0; i < 4; i++)
      {
        JsonObject *o = json_array_get_object_element (array, i);

        g_assert_cmpstr (json_object_get_string_member (o, "credential"), ==, id);
        if (g_str_equal (json_object_get_string_member (o, "channel"), "reply")
            && g_str_equal (json_object_get_string_member (o, "outcome"), "shared"))
          sent = o;
      }
    g_assert_nonnull (sent);
    g_assert_cmpstr (json_object_get_string_member (sent, "verifier"), ==, "Lotus Hotel");
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (sent, "elements")), ==, 2);
  }

  /* Export… in the window: one chooser however often it is asked for,
   * over the window, suggesting the file name; the file picked gets the
   * same JSON, owner only. */
  {
    g_autofree char *path = g_build_filename (fx.tmpdir, "picked.json", NULL);
    g_autofree char *expected = idw_history_to_json (shown);
    g_autofree char *contents = NULL;
    g_autofree char *suggested = NULL;
    GtkWidget *chooser = NULL;
    GStatBuf st;

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "history.export", NULL));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "history.export", NULL));
    wait_until (find_file_chooser, &chooser, 10000);
    g_assert_cmpuint (ui_visible_toplevels (GTK_TYPE_FILE_CHOOSER_DIALOG, NULL), ==, 1);
    g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (chooser)) == GTK_WINDOW (window));
    g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (chooser)), ==, "Export History");
    suggested = gtk_file_chooser_get_current_name (GTK_FILE_CHOOSER (chooser));
    g_assert_cmpstr (suggested, ==, "id-wallet-history.json");
    /* A whole path, as a person may type it: where the chooser's folder
     * is does not matter then. */
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), path);
    gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
    wait_until (file_exists, path, 10000);
    wait_until (toast_shown, (gpointer) "History exported", 10000);
    g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    g_assert_cmpstr (contents, ==, expected);
    g_assert_cmpint (g_stat (path, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    chooser = NULL;
    g_assert_false (find_file_chooser (&chooser));
  }

  /* Delete, then Undo: the row comes back, the file keeps it. */
  {
    const char *victim = idw_history_entry_get_id (g_ptr_array_index (shown, 0));
    g_autoptr(GPtrArray) entries = NULL;
    GtkWidget *undo;
    guint before = changes;

    idw_history_window_delete_entry (window, victim);
    wait_rows (window, 3);
    wait_until (undo_button_shown, window, 5000);
    undo = find_widget (GTK_WIDGET (window), is_undo_button, NULL);
    g_signal_emit_by_name (undo, "clicked");
    wait_rows (window, 4);
    /* Long after the toast would have gone: nothing was deleted. */
    ui_iterate_for (6000);
    g_assert_cmpuint (changes, ==, before);
    entries = read_history ();
    g_assert_cmpuint (entries->len, ==, 5);
  }

  /* Delete, and let the toast go: deleted from the file. */
  {
    g_autofree char *victim = g_strdup (idw_history_entry_get_id (g_ptr_array_index (shown, 0)));
    g_autoptr(GPtrArray) entries = NULL;
    guint before = changes;

    idw_history_window_delete_entry (window, victim);
    wait_rows (window, 3);
    wait_until (changes_at_least, GUINT_TO_POINTER (before + 1), 20000);
    entries = read_history ();
    g_assert_cmpuint (entries->len, ==, 4);
    for (guint i = 0; i < entries->len; i++)
      g_assert_cmpstr (idw_history_entry_get_id (g_ptr_array_index (entries, i)), !=, victim);
    wait_rows (window, 3);
  }

  /* Recorded by the CLI while the window is open: shown, and then the
   * window is quiet (it does not read the history again and again). */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(IdwWalletKey) key = idw_keystore_get_wallet_key_sync (NULL, &error);
    g_autoptr(IdwHistory) cli = NULL;
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    const char *elements[] = { "org.iso.18013.5.1/age_over_18", NULL };
    g_autoptr(IdwHistoryEntry) entry = NULL;
    guint loads;

    g_assert_no_error (error);
    /* The read the deletion started is over. */
    ui_iterate_for (1000);
    cli = idw_history_new (NULL, key);
    entry = idw_history_entry_new (now, id, "Mobile driving licence, Zhang Wei", "org.iso.18013.5.1.mDL",
                                   elements, IDW_HISTORY_CHANNEL_TEXT, NULL, IDW_HISTORY_OUTCOME_SHARED);
    g_assert_true (idw_history_append_sync (cli, entry, NULL, &error));
    g_assert_no_error (error);
    wait_rows (window, 4);
    ui_iterate_for (500);
    loads = history_loads;
    ui_iterate_for (1000);
    g_assert_cmpuint (history_loads, ==, loads);
  }

  /* Clear History…, confirmed: empty, in the file too. */
  {
    GtkWidget *dialog = NULL;
    gpointer shows_empty[2] = { window, (gpointer) "empty" };
    g_autoptr(GPtrArray) entries = NULL;
    guint before = changes;
    AdwStatusPage *empty;

    gtk_drop_down_set_selected (filter, 0);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "history.clear", NULL));
    wait_until (find_message_dialog, &dialog, 5000);
    g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Clear History?");
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "clear");
    gtk_window_destroy (GTK_WINDOW (dialog));
    wait_until (changes_at_least, GUINT_TO_POINTER (before + 1), 10000);
    if (!ui_poll_until (stack_shows, shows_empty, 10000))
      g_error ("the History window shows “%s”, not “empty”",
               gtk_stack_get_visible_child_name (GTK_STACK (find_widget (GTK_WIDGET (window), is_stack_with_page,
                                                                          "loading"))));
    entries = read_history ();
    g_assert_cmpuint (entries->len, ==, 0);
    empty = ADW_STATUS_PAGE (find_widget_of_type (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE));
    g_assert_cmpstr (adw_status_page_get_title (empty), ==, "No History");
    history_screenshot ("empty");
  }

  /* Preferences come next, over the main window. */
  gtk_window_destroy (GTK_WINDOW (window));
}

/* ---- Preferences -------------------------------------------------------- */

static IdwPrivacyGroup *
open_privacy (void)
{
  GtkWidget *prefs = NULL;
  GListModel *toplevels = NULL;
  IdwPrivacyGroup *group;

  g_action_group_activate_action (G_ACTION_GROUP (fx.app), "preferences", NULL);
  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (IDW_IS_PREFERENCES_WINDOW (window))
        prefs = window;
    }
  g_assert_nonnull (prefs);
  group = IDW_PRIVACY_GROUP (find_widget_of_type (prefs, IDW_TYPE_PRIVACY_GROUP));
  g_assert_nonnull (group);
  g_signal_connect (group, "counted", G_CALLBACK (counted_cb), NULL);
  wait_until (widget_is_mapped_with_size, group, 5000);
  return group;
}

static GtkSwitch *
switch_in_row (GtkWidget  *root,
               const char *title)
{
  GtkWidget *row = find_widget (root, is_row_titled, title);

  g_assert_nonnull (row);
  return GTK_SWITCH (find_widget_of_type (row, GTK_TYPE_SWITCH));
}

/* "Record History" off: presenting records nothing, and the History
 * window says so. */
static void
check_recording_switch (IdwPrivacyGroup *group,
                        const char      *id)
{
  GtkSwitch *record = switch_in_row (GTK_WIDGET (group), "_Record History");
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  IdwCardPage *card;
  IdwPresentPage *present;
  IdwHistoryWindow *window;
  AdwStatusPage *empty;
  g_autoptr(GPtrArray) entries = NULL;
  guint before = changes;

  g_assert_true (gtk_switch_get_active (record));
  gtk_switch_set_active (record, FALSE);
  g_assert_false (g_settings_get_boolean (settings, "record-history"));
  g_assert_false (idw_history_service_get_recording (idw_history_service_get_default ()));

  card = open_card (id);
  present = open_present (card);
  g_assert_true (idw_present_page_show_qr (present));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (present), "present.copy", NULL));
  ui_iterate_for (500);
  g_assert_cmpuint (changes, ==, before);
  entries = read_history ();
  g_assert_cmpuint (entries->len, ==, 0);
  idw_wallet_view_go_back (fx.view);

  window = open_history ("", "");
  empty = ADW_STATUS_PAGE (find_widget_of_type (GTK_WIDGET (window), ADW_TYPE_STATUS_PAGE));
  g_assert_cmpstr (adw_status_page_get_title (empty), ==, "Recording Is Off");
  history_screenshot ("off");

  /* "Turn On Recording" in the window turns the switch back on. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "history.turn-on", NULL));
  g_assert_true (gtk_switch_get_active (record));
  g_assert_cmpstr (adw_status_page_get_title (empty), ==, "No History");
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
has_verdict (gpointer data)
{
  return idw_verify_view_get_verdict (data) != NULL;
}

/* "Verification Log" on: the Verify view's verdicts are logged, without
 * what they disclose; the CSV export and Clear Log… */
static void
check_verifier_log (IdwPrivacyGroup *group,
                    const char      *id)
{
  GtkSwitch *log_switch = switch_in_row (GTK_WIDGET (group), "_Verification Log");
  g_autoptr(IdwVerifierLog) log = idw_verifier_log_new (NULL);
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv_path = g_build_filename (fx.tmpdir, "log.csv", NULL);
  g_autoptr(GFile) csv_file = g_file_new_for_path (csv_path);
  g_autofree char *csv = NULL;
  g_autofree char *log_text = NULL;
  g_auto(GStrv) rows = NULL;
  IdwVerifyView *verify;
  IdwCardPage *card;
  IdwPresentPage *present;
  AsyncWait wait = { NULL };
  guint counts;
  GStatBuf st;

  /* Off by default: a verdict is not logged. */
  g_assert_false (gtk_switch_get_active (log_switch));
  card = open_card (id);
  present = open_present (card);
  g_assert_true (idw_present_page_set_preset (present, IDW_PRESET_AGE_OVER_18));
  g_assert_true (idw_present_page_show_qr (present));
  verify = IDW_VERIFY_VIEW (find_widget_of_type (GTK_WIDGET (fx.window), IDW_TYPE_VERIFY_VIEW));
  idw_window_show_view (fx.window, "verify");
  idw_verify_view_verify_text (verify, idw_qr_view_get_text (idw_present_page_get_qr_view (present)));
  wait_until (has_verdict, verify, 30000);
  ui_iterate_for (300);
  entries = idw_verifier_log_list_sync (log, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 0);
  g_clear_pointer (&entries, g_ptr_array_unref);

  /* On: the next verdict is logged. */
  gtk_switch_set_active (log_switch, TRUE);
  idw_window_show_view (fx.window, "wallet");
  idw_verify_view_verify_text (verify, idw_qr_view_get_text (idw_present_page_get_qr_view (present)));
  for (gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
       g_get_monotonic_time () < end;)
    {
      entries = idw_verifier_log_list_sync (log, NULL, &error);
      g_assert_no_error (error);
      if (entries->len > 0)
        break;
      g_clear_pointer (&entries, g_ptr_array_unref);
      ui_iterate_for (50);
    }
  g_assert_nonnull (entries);
  g_assert_cmpuint (entries->len, ==, 1);
  {
    IdwVerifierLogEntry *e = g_ptr_array_index (entries, 0);

    g_assert_cmpstr (e->doctype, ==, IDW_DOCTYPE_MDL);
    /* The app trusts no issuer yet. */
    g_assert_false (e->valid);
    g_assert_cmpstr (e->failed_check, ==, "issuer_trusted");
    g_assert_true (e->test_issuer);
  }
  g_assert_true (g_file_get_contents (idw_verifier_log_get_path (log), &log_text, NULL, NULL));
  g_assert_null (strstr (log_text, "Zhang"));
  g_assert_null (strstr (log_text, "age_over_18"));
  idw_wallet_view_go_back (fx.view);

  /* Preferences opened again count it; the CSV export, mode 0600. */
  gtk_window_destroy (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (group))));
  counts = log_counts;
  group = open_privacy ();
  wait_until (counts_at_least, GUINT_TO_POINTER (counts + 1), 10000);
  log_switch = switch_in_row (GTK_WIDGET (group), "_Verification Log");
  g_assert_true (gtk_switch_get_active (log_switch));
  history_screenshot ("preferences");
  g_assert_cmpint (idw_privacy_group_get_n_logged (group), ==, 1);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (find_widget (GTK_WIDGET (group), is_row_titled,
                                                                             "Logged Verdicts"))), ==,
                   "1 verdict");
  idw_privacy_group_export_log (group, csv_file, got_result, &wait);
  wait_until (has_result, &wait, 10000);
  g_assert_true (idw_privacy_group_export_log_finish (group, wait.result, &error));
  g_assert_no_error (error);
  g_clear_object (&wait.result);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_assert_cmpint (g_stat (csv_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  rows = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (rows), ==, 3);
  g_assert_cmpstr (rows[0], ==, "time,docType,issuer,country,valid,failedCheck,status,testIssuer");
  g_assert_nonnull (strstr (rows[1], ",org.iso.18013.5.1.mDL,"));
  g_assert_true (g_str_has_suffix (rows[1], ",CN,false,issuer_trusted,not_applicable,true"));

  /* Clear Log…, confirmed. */
  {
    GtkWidget *dialog = NULL;

    counts = log_counts;
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (group), "privacy.clear-log", NULL));
    wait_until (find_message_dialog, &dialog, 5000);
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "clear");
    gtk_window_destroy (GTK_WINDOW (dialog));
    wait_until (counts_at_least, GUINT_TO_POINTER (counts + 1), 10000);
    g_assert_cmpint (idw_privacy_group_get_n_logged (group), ==, 0);
    g_assert_false (g_file_test (idw_verifier_log_get_path (log), G_FILE_TEST_EXISTS));
  }
  gtk_switch_set_active (log_switch, FALSE);
}

/* ---- The scenario --------------------------------------------------------- */

static void
run_scenario (gpointer data)
{
  g_autofree char *id = NULL;
  g_autofree char *other_id = NULL;
  g_autofree char *second = issue_second ();
  g_autoptr(GError) error = NULL;
  IdwPrivacyGroup *group;

  fx.window = IDW_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (fx.app)));
  g_assert_nonnull (fx.window);
  fx.view = idw_window_get_wallet_view (fx.window);
  g_signal_connect (idw_history_service_get_default (), "changed", G_CALLBACK (changed_cb), NULL);

  wait_until (loaded_at_least, GUINT_TO_POINTER (1), 30000);
  id = import (fx.cred_path);
  other_id = import (second);

  record_everything (id, other_id);
  check_history_window (id, other_id);

  group = open_privacy ();
  check_recording_switch (group, id);
  check_verifier_log (group, id);

  /* The IDs and their keys leave the session's keyring as they came. */
  g_assert_true (idw_store_delete_sync (idw_wallet_view_get_store (fx.view), id, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (idw_store_delete_sync (idw_wallet_view_get_store (fx.view), other_id, NULL, &error));
  g_assert_no_error (error);

  fx.done = TRUE;
  g_action_group_activate_action (G_ACTION_GROUP (fx.app), "quit", NULL);
}

static void
test_history (void)
{
  run_app (run_scenario);
}

int
main (int   argc,
      char *argv[])
{
  return run_test (argc, argv, "/ui/history", test_history);
}
