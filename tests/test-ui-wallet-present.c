/* test-ui-wallet-present.c: present as a QR code, respond to a request
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drives the real widgets under Xvfb with the session's gnome-keyring (as
 * build-aux/dev test provides): a credential issued here is imported and
 * its card opened, presented with "Age over 18", read back from the QR
 * code the widget draws and verified; a remote request is answered,
 * pasted and from a picture of its QR code. Importing, the list and
 * deleting are in test-ui-wallet.c.
 */
#include "config.h"

#include "idw-present-page.h"
#include "idw-qr-view.h"
#include "idw-respond-dialog.h"
#include "ui-wallet-util.h"

/* ---- Rendering the QR view ------------------------------------------- */

/* ---- The scenario ------------------------------------------------------ */

static gboolean
visible_page_is_present (gpointer data)
{
  return IDW_IS_PRESENT_PAGE (idw_wallet_view_get_visible_page (fx.view));
}

/* The credential imported and its card open, as opening it from the list
 * does. */
static IdwCardPage *
open_imported_card (char **out_id)
{
  ImportResult r;
  IdwCardPage *card;
  guint loaded;

  wait_until (loaded_at_least, GUINT_TO_POINTER (1), 30000);
  loaded = fx.loaded;
  r = import_path (fx.cred_path);
  g_assert_no_error (r.error);
  wait_until (loaded_at_least, GUINT_TO_POINTER (loaded + 1), 30000);

  *out_id = g_strdup (idw_store_entry_get_id (r.entry));
  idw_wallet_view_open_card (fx.view, *out_id);
  wait_until (visible_page_is_card, NULL, 5000);
  card = IDW_CARD_PAGE (idw_wallet_view_get_visible_page (fx.view));
  wait_until (widget_is_mapped_with_size, card, 5000);
  g_clear_object (&r.entry);

  return card;
}

static gboolean
qr_view_gone (gpointer data)
{
  return gtk_widget_get_root (data) == NULL;
}

static void
check_present (IdwCardPage *card)
{
  IdwPresentPage *present;
  IdwQrView *qr_view;
  g_auto(GStrv) paths = NULL;
  g_autofree char *from_matrix = NULL;
  g_autofree char *from_pixels = NULL;
  g_autofree guint8 *pixels = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwVerifier) verifier = idw_verifier_new ();
  g_autoptr(IdwVerdict) verdict = NULL;
  IdwDisclosedElement *disclosed;
  g_autofree char *summary = NULL;
  GtkWidget *summary_label;
  int width, height;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (card), "card.present", NULL));
  wait_until (visible_page_is_present, NULL, 30000);
  present = IDW_PRESENT_PAGE (idw_wallet_view_get_visible_page (fx.view));
  wait_until (widget_is_mapped_with_size, present, 5000);

  /* The full ID is counted, in one line that is not bold; the names are
   * in the tooltip. */
  g_assert_true (idw_present_page_set_preset (present, IDW_PRESET_FULL));
  paths = idw_present_page_dup_paths (present);
  summary = g_strdup_printf ("Shares %u details", g_strv_length (paths));
  g_assert_cmpuint (g_strv_length (paths), >, 3);
  g_assert_cmpstr (idw_present_page_get_summary (present), ==, summary);
  summary_label = find_widget (GTK_WIDGET (present), is_label_with, summary);
  g_assert_nonnull (summary_label);
  g_assert_false (gtk_widget_has_css_class (summary_label, "heading"));
  g_assert_true (g_str_has_prefix (gtk_widget_get_tooltip_text (summary_label), "Shares: "));
  g_clear_pointer (&paths, g_strfreev);

  /* The credential holds age_over_18: that preset is offered and chosen. */
  g_assert_true (idw_present_page_set_preset (present, IDW_PRESET_AGE_OVER_18));
  paths = idw_present_page_dup_paths (present);
  g_assert_cmpuint (g_strv_length (paths), ==, 1);
  g_assert_cmpstr (paths[0], ==, "org.iso.18013.5.1/age_over_18");
  g_assert_cmpstr (idw_present_page_get_summary (present), ==, "Shares: Age over 18");
  screenshot ("choice");

  g_assert_true (idw_present_page_show_qr (present));
  g_assert_true (idw_present_page_is_showing_qr (present));
  qr_view = idw_present_page_get_qr_view (present);
  wait_until (widget_is_mapped_with_size, qr_view, 5000);

  /* What the widget draws decodes to the text it shows: one code, or
   * frames that rebuild it (the signatures make "Age over 18" larger than
   * one frame). */
  g_assert_nonnull (idw_qr_view_get_matrix (qr_view));
  from_matrix = ui_qr_view_read (qr_view, NULL);
  g_assert_cmpstr (from_matrix, ==, idw_qr_view_get_text (qr_view));
  g_assert_cmpint (idw_qr_view_get_animated (qr_view), ==, !idw_animation_fits_one_frame (from_matrix));
  g_assert_cmpint (idw_qr_view_get_module_size (qr_view), >=, 4);

  /* And so do the pixels GTK renders for the widget: the code, or the
   * frame shown. */
  pixels = ui_render_gray (GTK_WIDGET (qr_view), &(GdkRGBA) { 1, 1, 1, 1 }, &width, &height);
  from_pixels = idw_qr_decode_gray (pixels, width, height, width, &error);
  g_assert_no_error (error);
  if (idw_qr_view_get_animated (qr_view))
    g_assert_true (g_str_has_prefix (from_pixels, IDW_PREFIX_FRAME));
  else
    g_assert_cmpstr (from_pixels, ==, from_matrix);
  screenshot ("qr");

  /* The verifier: valid, and nothing but age_over_18 disclosed. */
  idw_verifier_add_trust_anchor (verifier, fx.iaca);
  verdict = idw_verifier_verify_text (verifier, from_matrix);
  g_assert_true (idw_verdict_is_valid (verdict));
  g_assert_true (idw_verdict_is_test_issuer (verdict));
  g_assert_cmpuint (idw_verdict_get_disclosed (verdict)->len, ==, 1);
  disclosed = g_ptr_array_index (idw_verdict_get_disclosed (verdict), 0);
  g_assert_cmpstr (disclosed->name_space, ==, "org.iso.18013.5.1");
  g_assert_cmpstr (disclosed->element, ==, "age_over_18");
  g_assert_true (cbor_is_bool (disclosed->value) && cbor_get_bool (disclosed->value));

  /* Back to the card: the page goes, and the code with it. */
  g_object_ref (qr_view);
  idw_wallet_view_go_back (fx.view);
  wait_until (visible_page_is_card, NULL, 5000);
  wait_until (qr_view_gone, qr_view, 5000);
  g_assert_null (idw_qr_view_get_text (qr_view));
  g_object_unref (qr_view);
}

static gboolean
is_review_button (GtkWidget     *widget,
                  gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "respond.review") == 0;
}

/* A remote request for age_over_18 and a name the ID lacks: the dialog
 * names who asks and each element, marks the missing one, and the
 * response carries the request's nonce. */
static char *
check_respond (IdwCardPage *card)
{
  IdwCredential *credential = idw_card_page_get_credential (card);
  g_autofree char *fingerprint = idw_key_get_fingerprint (idw_credential_get_device_key (credential));
  const char *paths[] = { "org.iso.18013.5.1/age_over_18", "org.iso.18013.5.1/resident_city", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) key = idw_keystore_lookup_device_key_sync (fingerprint, NULL, &error);
  g_autoptr(IdwRemoteRequest) request = NULL;
  g_autoptr(IdwVerifier) verifier = idw_verifier_new ();
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autofree char *text = NULL;
  g_autofree char *over18 = idw_element_get_label (IDW_NAMESPACE_MDL, "age_over_18");
  g_autofree char *city = idw_element_get_label (IDW_NAMESPACE_MDL, "resident_city");
  IdwRespondDialog *dialog;
  GtkWidget *row;
  GtkWidget *review;
  GtkTextBuffer *buffer;
  char *response;

  g_assert_no_error (error);
  request = idw_remote_request_new (IDW_DOCTYPE_MDL, paths, "Corner Shop", &error);
  g_assert_no_error (error);
  text = idw_remote_request_to_text (request);

  dialog = idw_respond_dialog_new (GTK_WINDOW (fx.window), credential, key);
  gtk_window_present (GTK_WINDOW (dialog));
  /* Review Request waits for something to review. */
  review = find_widget (GTK_WIDGET (dialog), is_review_button, NULL);
  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (find_widget_of_type (GTK_WIDGET (dialog),
                                                                         GTK_TYPE_TEXT_VIEW)));
  g_assert_false (gtk_widget_is_sensitive (review));
  gtk_text_buffer_set_text (buffer, " \n ", -1);
  g_assert_false (gtk_widget_is_sensitive (review));
  gtk_text_buffer_set_text (buffer, text, -1);
  g_assert_true (gtk_widget_is_sensitive (review));
  gtk_text_buffer_set_text (buffer, "", -1);
  g_assert_false (gtk_widget_is_sensitive (review));

  g_assert_false (idw_respond_dialog_set_request (dialog, "IDW1:NOT-A-REQUEST"));
  g_assert_nonnull (find_widget (GTK_WIDGET (dialog), is_label_with,
                                 "This is not an ID request: requests start with “IDWR1:”."));

  g_assert_true (idw_respond_dialog_set_request (dialog, text));
  wait_until (widget_is_mapped_with_size, dialog, 5000);
  g_assert_nonnull (find_widget (GTK_WIDGET (dialog), is_label_with, "Corner Shop asks to see"));
  row = find_widget (GTK_WIDGET (dialog), is_row_titled, over18);
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "Yes");
  row = find_widget (GTK_WIDGET (dialog), is_row_titled, city);
  g_assert_nonnull (row);
  g_assert_nonnull (find_widget (row, is_label_with, "Not in this ID"));
  screenshot ("respond");

  g_assert_null (idw_respond_dialog_get_response (dialog));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "respond.share", NULL));
  g_assert_nonnull (idw_respond_dialog_get_response (dialog));

  idw_verifier_add_trust_anchor (verifier, fx.iaca);
  idw_verifier_set_expected_nonce (verifier, request->nonce);
  verdict = idw_verifier_verify_text (verifier, idw_respond_dialog_get_response (dialog));
  g_assert_true (idw_verdict_is_valid (verdict));
  g_assert_cmpuint (idw_verdict_get_disclosed (verdict)->len, ==, 1);
  g_assert_nonnull (idw_verdict_lookup (verdict, IDW_NAMESPACE_MDL, "age_over_18"));
  response = g_strdup (idw_respond_dialog_get_response (dialog));

  gtk_window_destroy (GTK_WINDOW (dialog));

  return response;
}

/* ---- Responding to a request read from a picture ----------------------- */

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} OpenResult;

static void
open_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  OpenResult *r = user_data;

  r->ok = idw_respond_dialog_open_file_finish (IDW_RESPOND_DIALOG (source), result, &r->error);
  r->done = TRUE;
}

static gboolean
open_done (gpointer data)
{
  return ((OpenResult *) data)->done;
}

/* Opens @path in @dialog through the function the file chooser and drops
 * use. */
static OpenResult
open_picture (IdwRespondDialog *dialog,
              const char       *path)
{
  OpenResult r = { 0 };
  g_autoptr(GFile) file = g_file_new_for_path (path);

  idw_respond_dialog_open_file (dialog, file, open_done_cb, &r);
  wait_until (open_done, &r, 30000);

  return r;
}

/* @text as a QR code in a PNG file, as a screenshot of it would be. */
static char *
write_qr_png (const char *name,
              const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwQrMatrix) matrix = idw_qr_encode (text, &error);
  char *path = g_build_filename (fx.tmpdir, name, NULL);

  g_assert_no_error (error);
  g_assert_true (idw_qr_matrix_write_png (matrix, 6, path, &error));
  g_assert_no_error (error);

  return path;
}

static gboolean
is_mapped_label_with (GtkWidget     *widget,
                      gconstpointer  text)
{
  return is_label_with (widget, text) && gtk_widget_get_mapped (widget);
}

static gboolean
dialog_shows_label (gpointer data)
{
  const char **args = data;

  return find_widget (GTK_WIDGET (args[0]), is_mapped_label_with, args[1]) != NULL;
}

static void
assert_open_fails (IdwRespondDialog *dialog,
                   const char       *path,
                   int               code,
                   const char       *message)
{
  OpenResult r = open_picture (dialog, path);

  g_assert_true (r.done);
  g_assert_false (r.ok);
  g_assert_error (r.error, IDW_ERROR, code);
  g_assert_cmpstr (r.error->message, ==, message);
  g_clear_error (&r.error);
  /* The person reads the same words, under the request field. */
  g_assert_nonnull (find_widget (GTK_WIDGET (dialog), is_mapped_label_with, message));
}

/* The verifier's "Request an ID…" shows its request as a QR code: the
 * holder opens a picture of it, sees who asks for what, and shares. A
 * picture of an ID's code, a picture without a code, and a file that is
 * no picture at all each get their own message. */
static void
check_respond_from_picture (IdwCardPage *card,
                            const char  *presentation)
{
  IdwCredential *credential = idw_card_page_get_credential (card);
  g_autofree char *fingerprint = idw_key_get_fingerprint (idw_credential_get_device_key (credential));
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) key = idw_keystore_lookup_device_key_sync (fingerprint, NULL, &error);
  g_autoptr(IdwRemoteRequest) request = NULL;
  g_autoptr(IdwVerifier) verifier = idw_verifier_new ();
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autoptr(IdwEnvelope) envelope = NULL;
  g_autoptr(GdkTexture) blank = NULL;
  g_autoptr(GdkTexture) picture = NULL;
  g_auto(GStrv) paths = NULL;
  g_auto(GStrv) missing = NULL;
  g_auto(GStrv) selected = NULL;
  g_autofree char *text = NULL;
  g_autofree char *request_png = NULL;
  g_autofree char *id_png = NULL;
  g_autofree char *blank_png = NULL;
  g_autofree guint8 *white = NULL;
  const char *asks[2];
  IdwRespondDialog *dialog;
  OpenResult r;

  g_assert_no_error (error);
  request = idw_remote_request_new_preset (IDW_DOCTYPE_MDL, IDW_PRESET_NAME_PHOTO, "City Library", &error);
  g_assert_no_error (error);
  text = idw_remote_request_to_text (request);
  request_png = write_qr_png ("request.png", text);
  id_png = write_qr_png ("id.png", presentation);

  white = g_malloc (64 * 64 * 4);
  memset (white, 0xff, 64 * 64 * 4);
  {
    g_autoptr(GBytes) bytes = g_bytes_new (white, 64 * 64 * 4);

    blank = gdk_memory_texture_new (64, 64, GDK_MEMORY_R8G8B8A8, bytes, 64 * 4);
  }
  blank_png = g_build_filename (fx.tmpdir, "blank.png", NULL);
  g_assert_true (gdk_texture_save_to_png (blank, blank_png));

  dialog = idw_respond_dialog_new (GTK_WINDOW (fx.window), credential, key);
  gtk_window_present (GTK_WINDOW (dialog));
  wait_until (widget_is_mapped_with_size, dialog, 5000);

  assert_open_fails (dialog, id_png, IDW_ERROR_WRONG_PREFIX,
                     "This QR code is an ID, not a request for one. "
                     "Open a picture of the code the requester sent you.");
  screenshot ("respond-wrong-picture");
  assert_open_fails (dialog, blank_png, IDW_ERROR_NO_CODE, "No QR code was found in the picture.");
  assert_open_fails (dialog, fx.cred_path, IDW_ERROR_MALFORMED, "This is not a picture ID Wallet can read.");

  /* The request's code: who asks, and each detail by its label. */
  r = open_picture (dialog, request_png);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  g_assert_nonnull (find_widget (GTK_WIDGET (dialog), is_mapped_label_with, "City Library asks to see"));
  paths = idw_remote_request_get_paths (request);
  g_assert_cmpuint (g_strv_length (paths), >=, 2);
  for (guint i = 0; paths[i] != NULL; i++)
    {
      g_autofree char *ns = NULL;
      g_autofree char *element = NULL;
      g_autofree char *label = NULL;

      g_assert_true (idw_element_path_split (paths[i], &ns, &element));
      label = idw_element_get_label (ns, element);
      g_assert_nonnull (find_widget (GTK_WIDGET (dialog), is_row_titled, label));
    }
  g_assert_cmpstr (row_subtitle (GTK_WIDGET (dialog), "Family name"), ==, "Zhang");
  screenshot ("respond-from-picture");

  /* Share: the engine finds it valid, with the request's nonce and the
   * details the ID holds. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "respond.share", NULL));
  g_assert_nonnull (idw_respond_dialog_get_response (dialog));
  idw_verifier_add_trust_anchor (verifier, fx.iaca);
  idw_verifier_set_expected_nonce (verifier, request->nonce);
  verdict = idw_verifier_verify_text (verifier, idw_respond_dialog_get_response (dialog));
  g_assert_true (idw_verdict_is_valid (verdict));
  envelope = idw_envelope_parse_text (idw_respond_dialog_get_response (dialog), &error);
  g_assert_no_error (error);
  g_assert_nonnull (envelope->nonce);
  g_assert_true (g_bytes_equal (envelope->nonce, request->nonce));
  selected = idw_remote_request_select (request, credential, &missing);
  g_assert_cmpuint (idw_verdict_get_disclosed (verdict)->len, ==, g_strv_length (selected));
  g_assert_nonnull (idw_verdict_lookup (verdict, IDW_NAMESPACE_MDL, "family_name"));
  g_assert_nonnull (idw_verdict_lookup (verdict, IDW_NAMESPACE_MDL, "given_name"));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* Ctrl+V of a picture of the code (a screenshot on the clipboard): read
   * on a worker thread, shown the same way. */
  dialog = idw_respond_dialog_new (GTK_WINDOW (fx.window), credential, key);
  gtk_window_present (GTK_WINDOW (dialog));
  wait_until (widget_is_mapped_with_size, dialog, 5000);
  picture = gdk_texture_new_from_filename (request_png, &error);
  g_assert_no_error (error);
  gdk_clipboard_set_texture (gtk_widget_get_clipboard (GTK_WIDGET (dialog)), picture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "respond.paste", NULL));
  asks[0] = (const char *) dialog;
  asks[1] = "City Library asks to see";
  wait_until (dialog_shows_label, asks, 30000);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
run_scenario (gpointer data)
{
  IdwCardPage *card;
  g_autofree char *id = NULL;
  g_autofree char *response = NULL;
  g_autoptr(GError) error = NULL;

  fx.window = IDW_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (fx.app)));
  g_assert_nonnull (fx.window);
  fx.view = idw_window_get_wallet_view (fx.window);

  card = open_imported_card (&id);
  check_present (card);
  response = check_respond (card);
  check_respond_from_picture (card, response);

  /* The ID and its key leave the session's keyring as they came. */
  g_assert_true (idw_store_delete_sync (idw_wallet_view_get_store (fx.view), id, NULL, &error));
  g_assert_no_error (error);

  fx.done = TRUE;
  g_action_group_activate_action (G_ACTION_GROUP (fx.app), "quit", NULL);
}

static void
test_present (void)
{
  run_app (run_scenario);
}

int
main (int   argc,
      char *argv[])
{
  return run_test (argc, argv, "/ui/wallet/present-respond", test_present);
}
