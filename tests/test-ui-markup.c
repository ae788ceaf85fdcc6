/* test-ui-markup.c: what others wrote is shown as text, never as markup
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A presentation, a credential, a certificate and a request whose every
 * text is Pango markup, control characters or bidirectional overrides:
 * the issuer's organisation is `<b>Bold</b> & <span …>Big</span>` (and its
 * certificate's subject is not even UTF-8), the family name has a newline
 * that would draw a fake "Age over 21" line. Each place that shows them
 * (the verdict, the card, the trusted issuers, a request to answer, toasts
 * and dialogs) must show the literal text, with control characters as
 * visible escapes, and GTK must not log a single warning: libadwaita 1.2
 * parses row titles and subtitles, group titles, status page descriptions
 * and toast titles as markup unless told otherwise, and a failed parse is
 * a warning (fatal in the tests). With IDW_SCREENSHOT_DIR set, the
 * verdict, the card and the request are also saved as PNG files there.
 */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "idw-application.h"
#include "idw-card-page.h"
#include "idw-respond-dialog.h"
#include "idw-trust-page.h"
#include "idw-verify-view.h"
#include "idw-window.h"
#include "idwallet.h"
#include "ui-test-util.h"
#include "hostile-cert-util.h"

#define ORG           "<b>Bold</b> & <span size=\"xx-large\">Big</span>"
#define COMMON_NAME   "<a href=\"https://evil.example/\">Click</a>\nCountry: DE"
#define COMMON_NAME_SHOWN "<a href=\"https://evil.example/\">Click</a>\\nCountry: DE"
/* A raw C1 byte and 0xff: GnuTLS puts them into the subject string. */
#define LOCALITY      "Town\x9b\xff"
#define LOCALITY_SHOWN "Town\\x9b\\xff"
#define FAMILY        "Doe\nAge over 21: Yes <b>really</b> &amp; <span size=\"100000\">x</span>"
#define FAMILY_SHOWN  "Doe\\nAge over 21: Yes <b>really</b> &amp; <span size=\"100000\">x</span>"
#define GIVEN         "Eve\xe2\x80\xae" "live\x1b[2J\xc2\x85"
#define GIVEN_SHOWN   "Eve\\u202elive\\x1b[2J\\u0085"
#define AUTHORITY     "<i>Ministry</i> &\r\nof Truth"
#define AUTHORITY_SHOWN "<i>Ministry</i> &\\r\\nof Truth"
#define NS            "<i>org.example</i> & ns"
#define ELEMENT       "note<b>"
#define ELEMENT_VALUE "a\tb</b> &"
#define ELEMENT_VALUE_SHOWN "a\\tb</b> &"
#define VERIFIER      "<b>Bank</b> & Co\n\xe2\x80\xae" "evil"
#define VERIFIER_SHOWN "<b>Bank</b> & Co\\n\\u202eevil"
/* No slash: a path is "namespace/element". */
#define MISSING       "<b>gone & lost"

static IdwApplication *app;
static IdwWindow *window;
static IdwCredential *credential;
/* A 居民身份证 as a photo ID, by the same issuer. */
static IdwCredential *photo_id;
static IdwKey *device_key;
static char *ds_pem;
static char *tmp_root;

/* Warnings and criticals logged (GTK's "Failed to set text from markup",
 * Pango's "Invalid UTF-8 string"): there must be none. */
static guint n_warnings;

static GLogWriterOutput
count_warnings (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  if (log_level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL))
    n_warnings++;

  return g_log_writer_default (log_level, fields, n_fields, user_data);
}

/* ---- Helpers ---------------------------------------------------------- */

/* A label showing exactly @text, as a person sees it. */
static gboolean
shows_text (GtkWidget     *widget,
            gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

/* The label that shows @text literally: markup off, and the text it
 * displays is the text it was given. */
static GtkWidget *
assert_label_shows (GtkWidget  *root,
                    const char *text)
{
  GtkWidget *label = find_widget (root, shows_text, text);

  if (label == NULL)
    g_error ("no label shows “%s”", text);
  g_assert_false (gtk_label_get_use_markup (GTK_LABEL (label)));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==, text);

  return label;
}

static gboolean
is_row_titled (GtkWidget     *widget,
               gconstpointer  title)
{
  return ADW_IS_ACTION_ROW (widget) && gtk_widget_get_visible (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

/* The row titled @title shows @subtitle literally, title and subtitle as
 * text. */
static void
assert_row_shows (GtkWidget  *root,
                  const char *title,
                  const char *subtitle)
{
  GtkWidget *row = find_widget (root, is_row_titled, title);

  if (row == NULL)
    g_error ("no row “%s”", title);
  g_assert_false (adw_preferences_row_get_use_markup (ADW_PREFERENCES_ROW (row)));
  assert_label_shows (row, title);
  if (subtitle != NULL)
    {
      g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, subtitle);
      assert_label_shows (row, subtitle);
    }
}

/* Whatever the page shows, no label displays a control character (but
 * the line breaks of our own texts), a C1 control or a bidirectional
 * override or isolate. */
static void
assert_no_raw_controls (GtkWidget *root)
{
  if (GTK_IS_LABEL (root))
    {
      const char *text = gtk_label_get_text (GTK_LABEL (root));

      g_assert_true (g_utf8_validate (text, -1, NULL));
      for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);

          if ((c < 0x20 && c != '\n') || (c >= 0x7f && c <= 0x9f) ||
              (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
            g_error ("a label shows U+%04X raw: “%s”", c, text);
        }
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    assert_no_raw_controls (child);
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return w;
    }

  return NULL;
}

static gboolean
have_toplevel (gpointer type)
{
  return find_toplevel (GPOINTER_TO_SIZE (type)) != NULL;
}

static gboolean
view_shows_result (gpointer data)
{
  return g_strcmp0 (idw_verify_view_get_state (data), "result") == 0 &&
         gtk_widget_get_mapped (GTK_WIDGET (data));
}

static gboolean
shows_label (gpointer text)
{
  return find_widget (GTK_WIDGET (window), shows_text, text) != NULL;
}

/* With IDW_SCREENSHOT_DIR set, @widget as GTK draws it, to look at. */
static void
screenshot (GtkWidget  *widget,
            const char *name)
{
  const char *dir = g_getenv ("IDW_SCREENSHOT_DIR");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GskRenderer) renderer = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (dir == NULL)
    return;

  /* Past the page transitions. */
  settle (700);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  renderer = gsk_cairo_renderer_new ();
  gtk_snapshot_append_color (snapshot, &(GdkRGBA) { 1, 1, 1, 1 }, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_to_node (snapshot);
  gsk_renderer_realize (renderer, NULL, &error);
  g_assert_no_error (error);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_renderer_unrealize (renderer);

  path = g_strdup_printf ("%s/markup-%s.png", dir, name);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* ---- Tests ------------------------------------------------------------ */

static void
test_verdict (void)
{
  IdwVerifyView *view = IDW_VERIFY_VIEW (find_widget_of_type (GTK_WIDGET (window), IDW_TYPE_VERIFY_VIEW));
  const char * const paths[] = {
    IDW_NAMESPACE_MDL "/family_name", IDW_NAMESPACE_MDL "/given_name",
    IDW_NAMESPACE_MDL "/issuing_authority", NS "/" ELEMENT, NULL
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *text = idw_present_text (credential, device_key, paths, NULL, NULL, &error);
  g_autofree char *family_label = idw_element_get_label (IDW_NAMESPACE_MDL, "family_name");
  g_autofree char *given_label = idw_element_get_label (IDW_NAMESPACE_MDL, "given_name");
  g_autofree char *authority_label = idw_element_get_label (IDW_NAMESPACE_MDL, "issuing_authority");

  g_assert_no_error (error);
  g_assert_nonnull (view);
  idw_window_show_view (window, "verify");

  /* Pasted, as a verifier would. */
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (view)), text);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "verify.paste", NULL));
  g_assert_true (ui_poll_until (view_shows_result, view, 10000));
  settle (200);

  /* The signatures are right (the DS is pinned): a valid ID whose texts
   * are all hostile. */
  g_assert_true (idw_verdict_is_valid (idw_verify_view_get_verdict (view)));
  assert_row_shows (GTK_WIDGET (view), "Issued by", ORG);
  assert_row_shows (GTK_WIDGET (view), "Country", "Germany");
  assert_row_shows (GTK_WIDGET (view), family_label, FAMILY_SHOWN);
  assert_row_shows (GTK_WIDGET (view), given_label, GIVEN_SHOWN);
  assert_row_shows (GTK_WIDGET (view), authority_label, AUTHORITY_SHOWN);
  /* An element the catalogue does not know is titled by its identifier. */
  assert_row_shows (GTK_WIDGET (view), ELEMENT, ELEMENT_VALUE_SHOWN);
  /* No value made a line of its own. */
  g_assert_null (find_widget (GTK_WIDGET (view), shows_text, "Age over 21: Yes <b>really</b> &amp; <span size=\"100000\">x</span>"));
  assert_no_raw_controls (GTK_WIDGET (view));
  screenshot (GTK_WIDGET (window), "verdict");

  g_assert_cmpuint (n_warnings, ==, 0);
}

static void
test_card (void)
{
  GtkWidget *page = idw_card_page_new (credential, "0123456789abcdef");
  GtkWidget *card_window = adw_window_new ();
  g_autofree char *family_label = idw_element_get_label (IDW_NAMESPACE_MDL, "family_name");
  GtkWidget *subject_row;
  const char *subject;

  adw_window_set_content (ADW_WINDOW (card_window), page);
  gtk_window_set_default_size (GTK_WINDOW (card_window), 700, 900);
  gtk_window_present (GTK_WINDOW (card_window));
  settle (300);

  /* The namespace is a group's title, which libadwaita always reads as
   * markup: what it displays must be the text itself. */
  g_assert_nonnull (find_widget (page, shows_text, NS));
  assert_label_shows (page, AUTHORITY_SHOWN);
  assert_row_shows (page, family_label, FAMILY_SHOWN);
  assert_row_shows (page, ELEMENT, ELEMENT_VALUE_SHOWN);

  /* The certificate's subject, bytes that are not UTF-8 and all. */
  subject_row = find_widget (page, is_row_titled, "Issuer certificate");
  g_assert_nonnull (subject_row);
  subject = adw_action_row_get_subtitle (ADW_ACTION_ROW (subject_row));
  g_assert_true (g_utf8_validate (subject, -1, NULL));
  g_assert_nonnull (strstr (subject, "L=" LOCALITY_SHOWN));
  assert_row_shows (page, "Issuer certificate", subject);

  assert_no_raw_controls (page);
  screenshot (card_window, "card");
  gtk_window_destroy (GTK_WINDOW (card_window));
  settle (100);

  g_assert_cmpuint (n_warnings, ==, 0);
}

/* A photo ID's card: the name in both scripts, its own key fields with the
 * citizen ID number in groups, and its namespaces under their titles, in
 * the catalogue's order. */
static void
test_photo_id_card (void)
{
  GtkWidget *page = idw_card_page_new (photo_id, "00112233445566778899aabbccddeeff");
  GtkWidget *card_window = adw_window_new ();
  g_autofree char *person_id_label = idw_element_get_label (IDW_NAMESPACE_PHOTO_ID_SPECIFIC, "person_id");
  g_autofree char *ethnic_label = idw_element_get_label (IDW_NAMESPACE_CN_RESIDENT_ID, "ethnic_group");
  GtkWidget *further;
  GtkWidget *resident;
  graphene_point_t further_at, resident_at;

  adw_window_set_content (ADW_WINDOW (card_window), page);
  gtk_window_set_default_size (GTK_WINDOW (card_window), 700, 900);
  gtk_window_present (GTK_WINDOW (card_window));
  settle (300);

  assert_label_shows (page, "张伟");
  assert_label_shows (page, "Zhang Wei");
  assert_label_shows (page, "ID Wallet 演示签发机关");
  /* On the card, and as a row of its group. */
  assert_label_shows (page, person_id_label);
  g_assert_nonnull (find_widget (page, shows_text, "990101 19900517 1231"));
  g_assert_null (find_widget (page, shows_text, "990101199005171231"));
  assert_row_shows (page, person_id_label, "990101 19900517 1231");
  assert_row_shows (page, ethnic_label, "汉");

  g_assert_nonnull (find_widget (page, shows_text, "Photo ID"));
  further = find_widget (page, shows_text, "Further Details");
  resident = find_widget (page, shows_text, "Resident Identity Card");
  g_assert_nonnull (further);
  g_assert_nonnull (resident);
  g_assert_true (gtk_widget_compute_point (further, page, &GRAPHENE_POINT_INIT (0, 0), &further_at));
  g_assert_true (gtk_widget_compute_point (resident, page, &GRAPHENE_POINT_INIT (0, 0), &resident_at));
  g_assert_cmpfloat (further_at.y, <, resident_at.y);

  assert_no_raw_controls (page);
  screenshot (card_window, "photo-id-card");
  gtk_window_destroy (GTK_WINDOW (card_window));
  settle (100);

  g_assert_cmpuint (n_warnings, ==, 0);
}

static void
test_request (void)
{
  const char * const paths[] = {
    IDW_NAMESPACE_MDL "/family_name", IDW_NAMESPACE_MDL "/" MISSING, NULL
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwRemoteRequest) request = idw_remote_request_new (IDW_DOCTYPE_MDL, paths, VERIFIER, &error);
  g_autofree char *text = NULL;
  g_autofree char *family_label = idw_element_get_label (IDW_NAMESPACE_MDL, "family_name");
  IdwRespondDialog *dialog;

  g_assert_no_error (error);
  text = idw_remote_request_to_text (request);

  dialog = idw_respond_dialog_new (GTK_WINDOW (window), credential, device_key);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (idw_respond_dialog_set_request (dialog, text));
  settle (300);

  /* Who asks, as it names itself: one line, in its order. */
  assert_label_shows (GTK_WIDGET (dialog), VERIFIER_SHOWN " asks to see");
  assert_row_shows (GTK_WIDGET (dialog), family_label, FAMILY_SHOWN);
  assert_row_shows (GTK_WIDGET (dialog), MISSING, NULL);
  assert_no_raw_controls (GTK_WIDGET (dialog));
  screenshot (GTK_WIDGET (dialog), "request");

  gtk_window_destroy (GTK_WINDOW (dialog));
  settle (100);

  g_assert_cmpuint (n_warnings, ==, 0);
}

static gboolean
trust_page_lists_one (gpointer data)
{
  return idw_trust_page_get_n_issuers (data) == 1;
}

static void
test_trusted_issuers (void)
{
  g_autofree char *path = g_build_filename (tmp_root, "ds.pem", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkWindow *prefs;
  GtkWindow *confirm;
  IdwTrustPage *page;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  g_assert_true (ui_poll_until (have_toplevel, GSIZE_TO_POINTER (ADW_TYPE_PREFERENCES_WINDOW), 5000));
  prefs = find_toplevel (ADW_TYPE_PREFERENCES_WINDOW);
  page = IDW_TRUST_PAGE (find_widget_of_type (GTK_WIDGET (prefs), IDW_TYPE_TRUST_PAGE));
  g_assert_nonnull (page);
  g_assert_true (ui_poll_until (trust_page_lists_one, page, 5000));
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (prefs), ADW_PREFERENCES_PAGE (page));
  settle (200);

  /* The list names the issuer by its organisation. */
  assert_row_shows (GTK_WIDGET (page), ORG, NULL);

  /* Adding it (again) asks first, showing what the certificate says. */
  g_assert_true (g_file_set_contents (path, ds_pem, -1, NULL));
  idw_trust_page_add_file (page, file);
  g_assert_true (ui_poll_until (have_toplevel, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 5000));
  confirm = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  settle (200);
  assert_row_shows (GTK_WIDGET (confirm), "Organization", ORG);
  assert_row_shows (GTK_WIDGET (confirm), "Name", COMMON_NAME_SHOWN);
  assert_no_raw_controls (GTK_WIDGET (confirm));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (confirm), "cancel");
  settle (200);

  gtk_window_destroy (prefs);
  settle (100);

  g_assert_cmpuint (n_warnings, ==, 0);
}

static void
test_toast_and_dialog (void)
{
  /* A file name is text too (markup, but no slash); toasts are always
   * markup in libadwaita 1.2. */
  g_autofree char *odd = g_build_filename (tmp_root, "<big>x & y.bin", NULL);
  g_autoptr(GFile) odd_file = g_file_new_for_path (odd);
  g_autofree char *expected = g_strdup ("“<big>x & y.bin” cannot be opened by this version of ID Wallet.");
  /* A name with a newline, given to the wallet: the dialog says so in one line. */
  g_autofree char *bad = g_build_filename (tmp_root, "<i>bad &\nname.idwcred", NULL);
  g_autoptr(GFile) bad_file = g_file_new_for_path (bad);
  GtkWindow *dialog;

  g_assert_true (g_file_set_contents (odd, "\x01\x02\x03 not a picture, not a text \xff\xfe", 32, NULL));
  idw_window_open_file (window, odd_file);
  /* The toast's label reads markup; what it displays is the name. */
  g_assert_true (ui_poll_until (shows_label, expected, 5000));

  g_assert_true (g_file_set_contents (bad, "not a credential", -1, NULL));
  idw_window_open_file (window, bad_file);
  g_assert_true (ui_poll_until (have_toplevel, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 5000));
  dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Cannot Import the File");
  g_assert_true (g_str_has_prefix (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                                   "“<i>bad &\\nname.idwcred”: "));
  g_assert_false (adw_message_dialog_get_heading_use_markup (ADW_MESSAGE_DIALOG (dialog)));
  g_assert_false (adw_message_dialog_get_body_use_markup (ADW_MESSAGE_DIALOG (dialog)));
  assert_no_raw_controls (GTK_WIDGET (dialog));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "close");
  settle (200);

  g_assert_cmpuint (n_warnings, ==, 0);
}

/* ---- Setup ---------------------------------------------------------------- */

static void
make_identity (void)
{
  g_autofree char *key_pem = NULL;
  g_autoptr(IdwCertificate) ds = NULL;
  g_autoptr(IdwKey) ds_key = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(IdwTrustStore) store = idw_trust_store_new (NULL);
  g_autoptr(GError) error = NULL;

  test_make_hostile_ds ("DE", ORG, LOCALITY, COMMON_NAME, &ds_pem, &key_pem);
  ds = idw_certificate_new_from_data ((const guint8 *) ds_pem, strlen (ds_pem), &error);
  g_assert_no_error (error);
  ds_key = idw_key_new_from_pem (key_pem, strlen (key_pem), &error);
  g_assert_no_error (error);
  device_key = idw_key_generate_ed25519 ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, IDW_NAMESPACE_MDL);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "family_name");
  json_builder_add_string_value (builder, FAMILY);
  json_builder_set_member_name (builder, "given_name");
  json_builder_add_string_value (builder, GIVEN);
  json_builder_set_member_name (builder, "issuing_authority");
  json_builder_add_string_value (builder, AUTHORITY);
  json_builder_set_member_name (builder, "issuing_country");
  json_builder_add_string_value (builder, "DE");
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, NS);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, ELEMENT);
  json_builder_add_string_value (builder, ELEMENT_VALUE);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  credential = idw_issue_credential (json_node_get_object (root), NULL, device_key, ds_key, ds, NULL, &error);
  g_assert_no_error (error);

  {
    g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "mdoc", "person-cn-photoid.json", NULL);
    g_autofree char *base_dir = NULL;
    g_autoptr(JsonObject) person = idw_issue_load_data (path, &base_dir, &error);

    g_assert_no_error (error);
    photo_id = idw_issue_credential (person, base_dir, device_key, ds_key, ds, NULL, &error);
    g_assert_no_error (error);
  }

  /* The DS is pinned: the presentation verifies. */
  g_assert_true (idw_trust_store_add (store, ds, NULL, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = NULL;
  int ret;

  g_log_set_writer_func (count_warnings, NULL, NULL);

  tmp_root = test_tmp_dir_new ("idw-ui-markup-XXXXXX");
  data_home = g_build_filename (tmp_root, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_unsetenv ("IDW_CAMERA_PIPELINE");
  g_setenv ("IDW_CAMERA_PORTAL", "0", TRUE);

  g_test_init (&argc, &argv, NULL);

  make_identity ();

  app = ui_test_app_new ();

  window = idw_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 720);
  gtk_window_present (GTK_WINDOW (window));

  g_test_add_func ("/ui/markup/verdict", test_verdict);
  g_test_add_func ("/ui/markup/card", test_card);
  g_test_add_func ("/ui/markup/photo-id-card", test_photo_id_card);
  g_test_add_func ("/ui/markup/request", test_request);
  g_test_add_func ("/ui/markup/trusted-issuers", test_trusted_issuers);
  g_test_add_func ("/ui/markup/toast-and-dialog", test_toast_and_dialog);

  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  settle (100);
  g_clear_object (&app);
  g_clear_object (&credential);
  g_clear_object (&photo_id);
  g_clear_pointer (&device_key, idw_key_unref);
  g_clear_pointer (&ds_pem, g_free);
  test_tmp_dir_free (tmp_root);

  return ret;
}
