/* test-ui-wallet.c: import, list, card, delete
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drives the real widgets under Xvfb with the session's gnome-keyring (as
 * build-aux/dev test provides): a credential issued here is imported
 * through the file chooser's code path and shown, files that are not good
 * credentials are refused, each in its own words; deleting it can be
 * undone, and once the toast goes the file and the key are gone.
 * Presenting and responding are in test-ui-wallet-present.c.
 */
#include "config.h"

#include "idw-ui-util.h"
#include "ui-wallet-util.h"

/* ---- Helpers --------------------------------------------------------- */

static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

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

static char *
write_file (const char   *name,
            const guint8 *data,
            gsize         len)
{
  char *path = g_build_filename (fx.tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, (const char *) data, len, &error);
  g_assert_no_error (error);

  return path;
}

/* ---- Files that are not good credentials ----------------------------- */

/* A copy whose issuerAuth names another issuer's DS certificate: the
 * structure is fine, the signature does not verify. */
static char *
make_forged_copy (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwCredential) credential = idw_credential_new_from_file (fx.cred_path, &error);
  g_autoptr(IdwIssuerFiles) other = idw_x509_create_issuer ("Other", "CN", IDW_COSE_ALG_EDDSA, TRUE, NULL, &error);
  g_autoptr(IdwCertificate) other_ds = NULL;
  g_autoptr(GBytes) der = NULL;
  g_autoptr(GBytes) bytes = NULL;
  cbor_item_t *unprotected;
  struct cbor_pair *pairs;
  gboolean replaced = FALSE;

  g_assert_no_error (error);
  other_ds = idw_certificate_new_from_data ((const guint8 *) other->ds_pem, strlen (other->ds_pem), &error);
  g_assert_no_error (error);
  der = idw_certificate_get_der (other_ds);

  unprotected = cbor_array_get (idw_credential_get_issuer_signed (credential)->issuer_auth, 1);
  pairs = cbor_map_handle (unprotected);
  for (gsize i = 0; i < cbor_map_size (unprotected); i++)
    {
      if (cbor_isa_uint (pairs[i].key) && cbor_get_int (pairs[i].key) == IDW_COSE_HEADER_X5CHAIN)
        {
          cbor_decref (&pairs[i].value);
          pairs[i].value = idw_cbor_new_gbytes (der);
          replaced = TRUE;
        }
    }
  cbor_decref (&unprotected);
  g_assert_true (replaced);

  bytes = idw_credential_to_bytes (credential, FALSE);
  return write_file ("forged.idwcred", g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* A copy with one byte of the family name changed: its digest no longer
 * matches. */
static char *
make_damaged_copy (void)
{
  g_autofree char *contents = NULL;
  gsize len;
  gsize at = 0;

  g_assert_true (g_file_get_contents (fx.cred_path, &contents, &len, NULL));

  while (at + 5 <= len && memcmp (contents + at, "Zhang", 5) != 0)
    at++;
  g_assert_cmpuint (at + 5, <=, len);
  contents[at + 4] = 'h';

  return write_file ("damaged.idwcred", (const guint8 *) contents, len);
}

/* ---- The scenario ------------------------------------------------------ */

static gboolean
message_dialog_shown (gpointer data)
{
  AdwMessageDialog **out = data;
  g_autoptr(GListModel) toplevels = g_object_ref (gtk_window_get_toplevels ());

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        {
          *out = ADW_MESSAGE_DIALOG (w);
          return TRUE;
        }
    }

  return FALSE;
}

static void
check_bad_file (const char *path,
                int         code,
                const char *message)
{
  ImportResult r = import_path (path);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *name = g_path_get_basename (path);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog = NULL;

  g_assert_null (r.entry);
  g_assert_error (r.error, IDW_ERROR, code);
  g_assert_true (g_str_has_prefix (r.error->message, message));
  g_clear_error (&r.error);

  /* The way the app does it, the person sees the same words. */
  idw_wallet_view_import_and_report (fx.view, file);
  wait_until (message_dialog_shown, &dialog, 30000);
  /* The heading is short; the file name leads the body. */
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Cannot Import the File");
  body = g_strdup_printf ("“%s”: %s", name, message);
  g_assert_true (g_str_has_prefix (adw_message_dialog_get_body (dialog), body));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static gboolean
is_remove_button (GtkWidget     *widget,
                  gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "wallet.remove-damaged") == 0;
}

/* A file in the store that cannot be read is listed beside the good card,
 * with a button that removes it. */
static void
check_damaged_entry (void)
{
  const char *id = "0123456789abcdef0123456789abcdef";
  g_autofree char *directory = idw_store_get_default_directory ();
  g_autofree char *name = g_strconcat (id, IDW_STORE_FILE_SUFFIX, NULL);
  g_autofree char *path = g_build_filename (directory, name, NULL);
  g_autoptr(GError) error = NULL;
  GtkWidget *row, *button;
  guint loaded = fx.loaded;

  g_file_set_contents (path, "not encrypted at all", -1, &error);
  g_assert_no_error (error);
  idw_wallet_view_reload (fx.view);
  wait_until (loaded_at_least, GUINT_TO_POINTER (loaded + 1), 30000);

  g_assert_cmpuint (count_visible_rows (), ==, 1);
  row = find_widget (GTK_WIDGET (fx.view), is_row_titled, name);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_mapped (row));
  button = find_widget (row, is_remove_button, NULL);
  g_assert_nonnull (button);

  loaded = fx.loaded;
  g_signal_emit_by_name (button, "clicked");
  wait_until (loaded_at_least, GUINT_TO_POINTER (loaded + 1), 30000);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_null (find_widget (GTK_WIDGET (fx.view), is_row_titled, name));
  g_assert_cmpuint (count_visible_rows (), ==, 1);
}

static void
check_import_and_list (void)
{
  ImportResult r;
  g_autoptr(GListModel) rows = NULL;
  g_autoptr(GtkWidget) row = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *forged = NULL;
  g_autofree char *damaged = NULL;
  g_autofree char *fingerprint = NULL;
  g_autoptr(IdwKey) key = NULL;
  g_autoptr(GError) error = NULL;
  IdwCredential *stored;
  const char *subtitle;
  guint loaded;

  wait_until (loaded_at_least, GUINT_TO_POINTER (1), 30000);
  g_assert_cmpuint (count_visible_rows (), ==, 0);
  g_assert_nonnull (find_widget (GTK_WIDGET (fx.window), is_label_with, "No IDs Yet"));

  loaded = fx.loaded;
  r = import_path (fx.cred_path);
  g_assert_no_error (r.error);
  g_assert_nonnull (r.entry);
  wait_until (loaded_at_least, GUINT_TO_POINTER (loaded + 1), 30000);

  /* The private key went to the keyring, not into the store. */
  stored = idw_store_entry_get_credential (r.entry);
  g_assert_null (idw_credential_get_private_key (stored));
  fingerprint = idw_key_get_fingerprint (idw_credential_get_device_key (stored));
  key = idw_keystore_lookup_device_key_sync (fingerprint, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (idw_key_has_private (key));

  rows = idw_wallet_view_get_rows (fx.view);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 1);
  row = g_list_model_get_item (rows, 0);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "张伟 (Zhang Wei)");
  subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
  g_assert_true (g_str_has_prefix (subtitle, "Mobile driving licence · Test Authority\nDigital copy valid until "));
  g_assert_nonnull (find_widget (row, is_label_with, "Test issuer"));
  g_assert_null (find_widget (row, is_label_with, "Cannot be presented from this device"));
  screenshot ("list");

  check_damaged_entry ();

  /* The same ID again, and files that are not good credentials. */
  r = import_path (fx.cred_path);
  g_assert_error (r.error, IDW_ERROR, IDW_ERROR_DUPLICATE);
  g_assert_cmpstr (r.error->message, ==, "This ID is already in your wallet.");
  g_clear_error (&r.error);

  /* The engine's import codes (idw-store-import.h): not a credential is
   * WRONG_TYPE, a damaged one MALFORMED whatever the parser found. */
  bad = write_file ("notes.idwcred", (const guint8 *) "hello, world\n", 13);
  check_bad_file (bad, IDW_ERROR_WRONG_TYPE, "This file is not an ID credential.");
  forged = make_forged_copy ();
  check_bad_file (forged, IDW_ERROR_BAD_SIGNATURE, "The issuer’s signature on this ID is not valid");
  damaged = make_damaged_copy ();
  check_bad_file (damaged, IDW_ERROR_MALFORMED, "This ID credential is damaged");

  g_clear_object (&r.entry);
}

static gboolean
is_toast_widget (GtkWidget     *widget,
                 gconstpointer  data)
{
  return g_strcmp0 (gtk_widget_get_css_name (widget), "toast") == 0 && gtk_widget_get_mapped (widget);
}

/* A toast ("ID exported") with the card page scrolled to its end leaves
 * Delete ID uncovered. */
static void
check_toast_clears_buttons (GtkWidget *page)
{
  GtkScrolledWindow *scrolled = GTK_SCROLLED_WINDOW (find_widget_of_type (page, GTK_TYPE_SCROLLED_WINDOW));
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scrolled);
  GtkWidget *delete_button = find_widget (page, is_button_labelled, "_Delete ID");
  AdwToast *toast = adw_toast_new ("ID exported");
  GtkWidget *toast_widget;
  graphene_rect_t button_bounds, toast_bounds;

  g_assert_nonnull (delete_button);
  /* The page is taller than the window: the toast could cover its end. */
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >, gtk_adjustment_get_page_size (adjustment));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment));
  idw_ui_add_toast (page, g_object_ref (toast));
  settle (800);

  toast_widget = find_widget (GTK_WIDGET (fx.window), is_toast_widget, NULL);
  g_assert_nonnull (toast_widget);
  g_assert_true (gtk_widget_compute_bounds (delete_button, GTK_WIDGET (fx.window), &button_bounds));
  g_assert_true (gtk_widget_compute_bounds (toast_widget, GTK_WIDGET (fx.window), &toast_bounds));
  g_assert_false (graphene_rect_intersection (&button_bounds, &toast_bounds, NULL));
  screenshot ("card-end-toast");

  adw_toast_dismiss (toast);
  g_object_unref (toast);
  gtk_adjustment_set_value (adjustment, 0);
  settle (500);
}

static IdwCardPage *
check_card_page (void)
{
  g_autoptr(GListModel) rows = idw_wallet_view_get_rows (fx.view);
  g_autoptr(GtkListBoxRow) row = g_list_model_get_item (rows, 0);
  GtkWidget *page;
  g_autofree char *family_label = idw_element_get_label (IDW_NAMESPACE_MDL, "family_name");
  g_autofree char *birth_label = idw_element_get_label (IDW_NAMESPACE_MDL, "birth_date");
  g_autofree char *over18_label = idw_element_get_label (IDW_NAMESPACE_MDL, "age_over_18");

  /* As a click on the row does. */
  g_signal_emit_by_name (gtk_widget_get_parent (GTK_WIDGET (row)), "row-activated", row);
  wait_until (visible_page_is_card, NULL, 5000);
  page = idw_wallet_view_get_visible_page (fx.view);
  wait_until (widget_is_mapped_with_size, page, 5000);

  g_assert_cmpstr (family_label, ==, "Family name");
  g_assert_cmpstr (row_subtitle (page, family_label), ==, "Zhang");
  g_assert_cmpstr (row_subtitle (page, birth_label), ==, "17 May 1990");
  g_assert_cmpstr (row_subtitle (page, over18_label), ==, "Yes");
  g_assert_cmpstr (row_subtitle (page, "Issuer certificate"), ==,
                   idw_certificate_get_subject (idw_credential_get_ds_certificate (idw_card_page_get_credential (IDW_CARD_PAGE (page)))));

  /* The card: the name in Chinese characters, the test ribbon. */
  g_assert_nonnull (find_widget (page, is_label_with, "张伟"));
  g_assert_nonnull (find_widget (page, is_label_with, "Zhang Wei"));
  g_assert_true (gtk_widget_get_visible (find_widget (page, is_label_with, "Test issuer — not a real ID")));
  g_assert_nonnull (find_widget (page, is_label_with, "Test Authority"));

  /* The header offers the way back. */
  g_assert_true (idw_wallet_view_get_can_go_back (fx.view));
  screenshot ("card");
  check_toast_clears_buttons (page);

  return IDW_CARD_PAGE (page);
}

static gboolean
undo_button_shown (gpointer data)
{
  GtkWidget **out = data;

  *out = find_widget (GTK_WIDGET (fx.window), is_button_labelled, "_Undo");
  return *out != NULL;
}

static gboolean
is_toast_close_button (GtkWidget     *widget,
                       gconstpointer  data)
{
  GtkWidget *toast = gtk_widget_get_ancestor (widget, GTK_TYPE_WIDGET);

  while (toast != NULL && g_strcmp0 (gtk_widget_get_css_name (toast), "toast") != 0)
    toast = gtk_widget_get_parent (toast);

  return toast != NULL && GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (widget)), "window-close-symbolic") == 0;
}

static gboolean
toast_close_shown (gpointer data)
{
  GtkWidget **out = data;

  *out = find_widget (GTK_WIDGET (fx.window), is_toast_close_button, NULL);
  return *out != NULL;
}

static gboolean
store_entry_gone (gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwStoreEntry) entry = idw_store_load_sync (idw_wallet_view_get_store (fx.view), data, NULL, &error);

  return entry == NULL && g_error_matches (error, IDW_ERROR, IDW_ERROR_NOT_FOUND);
}

static gboolean
no_rows_and_loaded (gpointer data)
{
  g_autoptr(GListModel) rows = idw_wallet_view_get_rows (fx.view);

  return g_list_model_get_n_items (rows) == 0;
}

static void
check_delete (IdwCardPage *card)
{
  g_autofree char *id = g_strdup (idw_card_page_get_id (card));
  g_autofree char *fingerprint = idw_key_get_fingerprint (idw_credential_get_device_key (idw_card_page_get_credential (card)));
  g_autoptr(IdwStoreEntry) entry = NULL;
  g_autoptr(IdwKey) key = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) rows = NULL;
  AdwToast *earlier;
  GtkWidget *overlay;
  GtkWidget *undo = NULL;

  /* Delete, then undo while the toast is still sliding in, behind another
   * toast that is going (it slides in for 500 ms then, and goes in 300):
   * libadwaita 1.2 frees a toast that goes before it has come in, and its
   * show animation then ends on freed memory (idw-wallet-view-delete.c). */
  overlay = find_widget_of_type (GTK_WIDGET (fx.window), ADW_TYPE_TOAST_OVERLAY);
  g_assert_nonnull (overlay);
  earlier = adw_toast_new ("Earlier");
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), g_object_ref (earlier));
  settle (50);
  adw_toast_dismiss (earlier);
  g_clear_object (&earlier);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "card.delete", NULL));
  g_assert_false (idw_wallet_view_get_can_go_back (fx.view));
  g_assert_cmpuint (count_visible_rows (), ==, 0);
  wait_until (undo_button_shown, &undo, 20000);
  g_signal_emit_by_name (undo, "clicked");
  g_assert_cmpuint (count_visible_rows (), ==, 1);
  /* The slide, the hide and a few frames more. */
  settle (1200);
  g_assert_null (find_widget (GTK_WIDGET (fx.window), is_button_labelled, "_Undo"));
  g_assert_cmpuint (count_visible_rows (), ==, 1);
  entry = idw_store_load_sync (idw_wallet_view_get_store (fx.view), id, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (entry);
  key = idw_keystore_lookup_device_key_sync (fingerprint, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
  g_clear_pointer (&key, idw_key_unref);

  /* Delete, and close the toast (an unfocused window under Xvfb never lets
   * it time out): file and key go. */
  idw_wallet_view_open_card (fx.view, id);
  wait_until (visible_page_is_card, NULL, 5000);
  card = IDW_CARD_PAGE (idw_wallet_view_get_visible_page (fx.view));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "card.delete", NULL));
  g_assert_cmpuint (count_visible_rows (), ==, 0);
  /* Still there while the toast shows. */
  undo = NULL;
  /* Earlier toasts may still be sliding away: let them go, then take the
   * close button of the toast that is left, the "ID deleted" one. A button
   * found before could belong to a toast that is freed meanwhile. */
  settle (800);
  wait_until (toast_close_shown, &undo, 20000);
  g_assert_false (store_entry_gone (id));
  g_signal_emit_by_name (undo, "clicked");
  wait_until (store_entry_gone, id, 30000);
  key = idw_keystore_lookup_device_key_sync (fingerprint, NULL, &error);
  g_assert_null (key);
  g_assert_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND);

  wait_until (no_rows_and_loaded, NULL, 10000);
  g_assert_nonnull (find_widget (GTK_WIDGET (fx.window), is_label_with, "No IDs Yet"));
}

static gboolean
visible_rows_are (gpointer data)
{
  return count_visible_rows () == GPOINTER_TO_UINT (data);
}

/* What the CLI, another window or a restore does to the wallet shows in
 * the list by itself, and the list is not loaded again for nothing. */
static void
check_outside_changes (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = idw_store_get_default_directory ();
  g_autofree char *backup_path = g_build_filename (fx.tmpdir, "outside.idwbackup", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *id = NULL;
  g_autoptr(IdwStore) other = NULL;
  g_autoptr(GBytes) data = NULL;
  g_autoptr(IdwStoreEntry) entry = NULL;
  g_autoptr(IdwPassphrase) passphrase = NULL;
  g_autoptr(IdwBackup) backup = NULL;
  g_autoptr(IdwBackupReport) report = NULL;
  gsize len = 0;
  guint loaded;

  g_assert_cmpuint (count_visible_rows (), ==, 0);

  /* Imported through a store of its own, as the CLI does. */
  other = idw_store_open_sync (directory, NULL, &error);
  g_assert_no_error (error);
  g_file_get_contents (fx.cred_path, &contents, &len, &error);
  g_assert_no_error (error);
  data = g_bytes_new_take (g_steal_pointer (&contents), len);
  entry = idw_store_import_sync (other, data, "From the CLI", NULL, NULL, &error);
  g_assert_no_error (error);
  id = g_strdup (idw_store_entry_get_id (entry));
  wait_until (visible_rows_are, GUINT_TO_POINTER (1), 10000);
  g_assert_nonnull (find_widget (GTK_WIDGET (fx.window), is_row_titled, "From the CLI"));

  /* Backed up, then deleted there: the row goes. */
  g_setenv ("IDW_BACKUP_TEST_KDF", "fast", TRUE);
  passphrase = idw_passphrase_new ("outside changes", -1, &error);
  g_assert_no_error (error);
  g_assert_true (idw_backup_create_sync (NULL, backup_path, passphrase, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (idw_store_delete_sync (other, id, NULL, &error));
  g_assert_no_error (error);
  wait_until (visible_rows_are, GUINT_TO_POINTER (0), 10000);

  /* Restored: a whole other wallet folder swapped in for the one the list
   * came from. */
  backup = idw_backup_open_sync (backup_path, passphrase, NULL, &error);
  g_assert_no_error (error);
  report = idw_backup_restore_sync (backup, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (report->restored->len, ==, 1);
  wait_until (visible_rows_are, GUINT_TO_POINTER (1), 10000);
  g_assert_nonnull (find_widget (GTK_WIDGET (fx.window), is_row_titled, "From the CLI"));

  /* Quiet from now on: no more loads. */
  settle (1000);
  loaded = fx.loaded;
  settle (1000);
  g_assert_cmpuint (fx.loaded, ==, loaded);

  /* Deleted here, renamed elsewhere while Undo is offered (the list is
   * made again without the hidden row), then undone: the ID is back, with
   * the name given elsewhere. */
  {
    g_autoptr(IdwStoreEntry) outside = NULL;
    IdwCardPage *card;
    GtkWidget *undo = NULL;

    idw_wallet_view_open_card (fx.view, id);
    wait_until (visible_page_is_card, NULL, 5000);
    card = IDW_CARD_PAGE (idw_wallet_view_get_visible_page (fx.view));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "card.delete", NULL));
    g_assert_cmpuint (count_visible_rows (), ==, 0);
    wait_until (undo_button_shown, &undo, 20000);
    outside = idw_store_load_sync (other, id, NULL, &error);
    g_assert_no_error (error);
    loaded = fx.loaded;
    g_assert_true (idw_store_set_nickname_sync (other, outside, "Renamed Elsewhere", NULL, &error));
    g_assert_no_error (error);
    wait_until (loaded_at_least, GUINT_TO_POINTER (loaded + 1), 10000);
    g_assert_cmpuint (count_visible_rows (), ==, 0);
    undo = NULL;
    wait_until (undo_button_shown, &undo, 5000);
    g_signal_emit_by_name (undo, "clicked");
    wait_until (visible_rows_are, GUINT_TO_POINTER (1), 10000);
    g_assert_nonnull (find_widget (GTK_WIDGET (fx.window), is_row_titled, "Renamed Elsewhere"));
    settle (1200);
  }

  /* Deleted elsewhere while its card is open: back to the list, saying
   * why (and gone for what follows). */
  idw_wallet_view_open_card (fx.view, id);
  wait_until (visible_page_is_card, NULL, 5000);
  g_assert_true (idw_store_delete_sync (other, id, NULL, &error));
  g_assert_no_error (error);
  wait_until (visible_rows_are, GUINT_TO_POINTER (0), 10000);
  g_assert_null (idw_wallet_view_get_visible_page (fx.view));
  g_assert_nonnull (find_widget (GTK_WIDGET (fx.window), is_label_with, "ID deleted in another window"));
  settle (1200);
  g_unsetenv ("IDW_BACKUP_TEST_KDF");
}

/* Deleting and quitting at once (Ctrl+Q before the toast goes): the
 * deletion is carried out all the same; test_wallet() checks after the
 * app is gone. */
static void
delete_and_quit (void)
{
  ImportResult r;
  IdwCardPage *card;
  guint loaded = fx.loaded;

  r = import_path (fx.cred_path);
  g_assert_no_error (r.error);
  wait_until (loaded_at_least, GUINT_TO_POINTER (loaded + 1), 30000);
  fx.quit_fingerprint = idw_key_get_fingerprint (idw_credential_get_device_key (idw_store_entry_get_credential (r.entry)));
  idw_wallet_view_open_card (fx.view, idw_store_entry_get_id (r.entry));
  wait_until (visible_page_is_card, NULL, 5000);
  card = IDW_CARD_PAGE (idw_wallet_view_get_visible_page (fx.view));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "card.delete", NULL));
  g_clear_object (&r.entry);

  g_action_group_activate_action (G_ACTION_GROUP (fx.app), "quit", NULL);
}

static void
run_scenario (gpointer data)
{
  IdwCardPage *card;

  fx.window = IDW_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (fx.app)));
  g_assert_nonnull (fx.window);
  fx.view = idw_window_get_wallet_view (fx.window);

  check_import_and_list ();
  card = check_card_page ();
  check_delete (card);
  check_outside_changes ();
  delete_and_quit ();

  fx.done = TRUE;
}

static void
test_wallet (void)
{
  run_app (run_scenario);

  /* The ID deleted just before quitting is gone, with its key. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *directory = idw_store_get_default_directory ();
    g_autoptr(IdwStore) store = idw_store_open_sync (directory, NULL, &error);
    g_autoptr(GPtrArray) entries = NULL;
    g_autoptr(IdwKey) key = NULL;

    g_assert_no_error (error);
    entries = idw_store_list_sync (store, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (entries->len, ==, 0);
    key = idw_keystore_lookup_device_key_sync (fx.quit_fingerprint, NULL, &error);
    g_assert_null (key);
    g_assert_error (error, IDW_ERROR, IDW_ERROR_NOT_FOUND);
    g_clear_pointer (&fx.quit_fingerprint, g_free);
  }
}

int
main (int   argc,
      char *argv[])
{
  return run_test (argc, argv, "/ui/wallet/import-card-delete", test_wallet);
}
