/* test-ui-verify.c: the Verify view end to end, on real widgets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A test issuer, a credential and presentations are made with the engine;
 * the issuer's root is trusted through the trust store in a temporary
 * XDG_DATA_HOME. Then the view is driven as a person would: paste, open a
 * screenshot, point the (simulated) camera at a code, ask for an ID from a
 * distance. With IDW_SCREENSHOT_DIR set, each state is also captured with
 * ImageMagick's `import` (used to make docs/screenshots/verify-*.png).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <adwaita.h>
#include <glib/gstdio.h>

#include "idw-application.h"
#include "idw-camera.h"
#include "idw-request-dialog.h"
#include "idw-trust-page.h"
#include "idw-verdict-page.h"
#include "portrait-test-util.h"
#include "ui-test-util.h"
#include "idw-verify-view.h"
#include "idw-window.h"
#include "idwallet.h"
#include "test-util.h"

static IdwApplication *app;
static IdwWindow *window;
static IdwVerifyView *view;
static IdwCredential *credential;
static IdwKey *device_key;
static IdwCertificate *iaca;
static char *tmp_root;

#define FAMILY_NAME "Mustermann"
#define GIVEN_NAME  "Erika"
#define PORTRAIT_WIDTH  240
#define PORTRAIT_HEIGHT 300

static const char * const in_person_paths[] = {
  IDW_NAMESPACE_MDL "/family_name",
  IDW_NAMESPACE_MDL "/given_name",
  IDW_NAMESPACE_MDL "/age_over_18",
  NULL
};

static const char * const face_paths[] = {
  IDW_NAMESPACE_MDL "/family_name",
  IDW_NAMESPACE_MDL "/given_name",
  IDW_NAMESPACE_MDL "/portrait",
  NULL
};

/* ---- Helpers ---------------------------------------------------------- */

static void
screenshot (const char *name)
{
  const char *dir = g_getenv ("IDW_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  g_autofree char *command = NULL;
  int width = gtk_widget_get_width (GTK_WIDGET (window));
  int height = gtk_widget_get_height (GTK_WIDGET (window));

  if (dir == NULL)
    return;

  ui_iterate_for (700);
  path = g_strdup_printf ("%s/verify-%s.png", dir, name);
  command = g_strdup_printf ("import -window root -crop %dx%d+0+0 +repage %s", width, height, path);
  g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
}

static gboolean
state_is (gpointer data)
{
  return g_strcmp0 (idw_verify_view_get_state (view), data) == 0 &&
         gtk_widget_get_mapped (GTK_WIDGET (view));
}

static void
collect_rows (GtkWidget  *root,
              GHashTable *rows)
{
  if (ADW_IS_ACTION_ROW (root) && gtk_widget_get_visible (root))
    {
      const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (root));

      g_hash_table_insert (rows,
                           g_strdup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root))),
                           g_strdup (subtitle != NULL ? subtitle : ""));
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_rows (child, rows);
}

/* Rows of the result page: title → subtitle. */
static GHashTable *
result_rows (void)
{
  GHashTable *rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  collect_rows (GTK_WIDGET (view), rows);

  return rows;
}

static gboolean
has_label (GtkWidget  *root,
           const char *text)
{
  if (GTK_IS_LABEL (root) && gtk_widget_get_mapped (root) &&
      g_strcmp0 (gtk_label_get_label (GTK_LABEL (root)), text) == 0)
    return TRUE;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;

  return FALSE;
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, type))
        return w;
    }

  return NULL;
}

static gboolean
have_toplevel (gpointer type)
{
  return find_toplevel (GPOINTER_TO_SIZE (type)) != NULL;
}

/* Back to the start, as "Verify Another" does. */
static void
reset_view (void)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "verify.again", NULL));
  g_assert_true (ui_poll_until ((gpointer) state_is, "no-camera", 10000) ||
                 ui_poll_until ((gpointer) state_is, "scan", 1));
}

static void
paste_text (const char *text)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (view));

  gdk_clipboard_set_text (clipboard, text);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "verify.paste", NULL));
  g_assert_true (ui_poll_until ((gpointer) state_is, "result", 10000));
}

static char *
present (const char * const *paths)
{
  g_autoptr(GError) error = NULL;
  char *text = idw_present_text (credential, device_key, paths, NULL, NULL, &error);

  g_assert_no_error (error);
  return text;
}

static void
assert_valid_with_values (void)
{
  g_autoptr(GHashTable) rows = result_rows ();
  g_autofree char *family_label = idw_element_get_label (IDW_NAMESPACE_MDL, "family_name");
  g_autofree char *given_label = idw_element_get_label (IDW_NAMESPACE_MDL, "given_name");
  IdwVerdict *verdict = idw_verify_view_get_verdict (view);

  g_assert_nonnull (verdict);
  g_assert_true (idw_verdict_is_valid (verdict));
  g_assert_true (has_label (GTK_WIDGET (view), "Valid ID"));
  g_assert_false (has_label (GTK_WIDGET (view), "Not Valid"));
  g_assert_true (has_label (GTK_WIDGET (view), "Test issuer — not a real ID"));
  g_assert_cmpstr (g_hash_table_lookup (rows, family_label), ==, FAMILY_NAME);
  g_assert_cmpstr (g_hash_table_lookup (rows, given_label), ==, GIVEN_NAME);
  g_assert_cmpstr (g_hash_table_lookup (rows, "Issued by"), ==, "Verify Test Authority");
  g_assert_cmpstr (g_hash_table_lookup (rows, "Country"), ==, "Germany");
}

static void
assert_not_valid (const char *reason,
                  IdwCheck    failing)
{
  IdwVerdict *verdict = idw_verify_view_get_verdict (view);

  g_assert_nonnull (verdict);
  g_assert_false (idw_verdict_is_valid (verdict));
  g_assert_cmpint (idw_verdict_get_first_failure (verdict), ==, failing);
  g_assert_true (has_label (GTK_WIDGET (view), "Not Valid"));
  g_assert_false (has_label (GTK_WIDGET (view), "Valid ID"));
  g_assert_true (has_label (GTK_WIDGET (view), reason));
}

/* An accessible property's value as a string: GTK 4.8 has no getter, but
 * its test API gives the value when it differs from the one asked for. */
static char *
accessible_text (GtkWidget             *widget,
                 GtkAccessibleProperty  property)
{
  return gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), property, "\x01");
}

/* After a verification the focus is on the verdict's headline, a heading
 * whose accessible name is the verdict and whose description holds the
 * reason. */
static void
assert_headline_focused (const char *verdict_text,
                         const char *reason)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
  GtkWidget *next;
  g_autofree char *label = NULL;
  g_autofree char *description = NULL;

  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_has_css_class (focus, "idw-verdict-headline"));
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (focus), GTK_ACCESSIBLE_ROLE_HEADING);
  label = accessible_text (focus, GTK_ACCESSIBLE_PROPERTY_LABEL);
  g_assert_cmpstr (label, ==, verdict_text);
  description = accessible_text (focus, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  g_assert_nonnull (strstr (description, reason));

  /* Tab goes on to the page below; Shift+Tab comes back to the headline
   * (a box only offering its children would be passed by). */
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD));
  next = gtk_root_get_focus (GTK_ROOT (window));
  g_test_message ("Tab from the headline: %s", next != NULL ? G_OBJECT_TYPE_NAME (next) : "nothing");
  g_assert_true (next != focus && next != NULL);
  g_assert_true (gtk_widget_is_ancestor (next, GTK_WIDGET (view)));
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_BACKWARD));
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == focus);
}

/* "All Checks" says whether it is open, and each check row says its
 * status and detail. */
static void
assert_checks_speak_status (void)
{
  GtkWidget *expander = find_widget_of_type (GTK_WIDGET (view), ADW_TYPE_EXPANDER_ROW);
  IdwVerdict *verdict = idw_verify_view_get_verdict (view);
  g_autofree char *digests = g_strdup_printf ("%s: Failed", idw_check_get_title (IDW_CHECK_DIGESTS));
  g_autofree char *signature = g_strdup_printf ("%s: Passed", idw_check_get_title (IDW_CHECK_ISSUER_SIGNATURE));
  gboolean seen_digests = FALSE, seen_signature = FALSE;
  GtkWidget *widget;

  g_assert_nonnull (expander);
  g_assert_false (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (expander)));
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (expander), GTK_ACCESSIBLE_STATE_EXPANDED, FALSE);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (expander), GTK_ACCESSIBLE_STATE_EXPANDED, TRUE);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), FALSE);
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (expander), GTK_ACCESSIBLE_STATE_EXPANDED, FALSE);

  for (widget = expander; widget != NULL;)
    {
      if (ADW_IS_ACTION_ROW (widget))
        {
          g_autofree char *label = accessible_text (widget, GTK_ACCESSIBLE_PROPERTY_LABEL);

          if (g_strcmp0 (label, digests) == 0)
            {
              g_autofree char *description = accessible_text (widget, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);

              seen_digests = TRUE;
              g_assert_cmpstr (description, ==, idw_verdict_get_detail (verdict, IDW_CHECK_DIGESTS));
            }
          seen_signature |= g_strcmp0 (label, signature) == 0;
        }

      /* Depth first through the expander's rows. */
      if (gtk_widget_get_first_child (widget) != NULL)
        widget = gtk_widget_get_first_child (widget);
      else
        {
          while (widget != expander && gtk_widget_get_next_sibling (widget) == NULL)
            widget = gtk_widget_get_parent (widget);
          widget = widget == expander ? NULL : gtk_widget_get_next_sibling (widget);
        }
    }
  g_assert_true (seen_digests);
  g_assert_true (seen_signature);
}

/* ---- Tests -------------------------------------------------------------- */

static void
test_no_camera (void)
{
  idw_window_show_view (window, "verify");
  g_assert_true (ui_poll_until ((gpointer) state_is, "no-camera", 15000));
  g_assert_true (has_label (GTK_WIDGET (view), "No Camera Found"));
  screenshot ("no-camera");
}

static void
test_paste_valid (void)
{
  g_autofree char *text = present (in_person_paths);

  reset_view ();
  /* The focus in the view, as when a person pastes. */
  idw_verify_view_take_focus (view);
  paste_text (text);
  assert_valid_with_values ();
  assert_headline_focused ("Valid ID", "Test issuer — not a real ID");
  /* Age over 18 is said in words. */
  g_assert_true (has_label (GTK_WIDGET (view), "This person is 18 or older"));
  screenshot ("valid");
}

static cbor_item_t *
lookup_key (cbor_item_t *map,
            const char  *name)
{
  struct cbor_pair *pairs = cbor_map_handle (map);

  for (gsize i = 0; i < cbor_map_size (map); i++)
    if (cbor_isa_string (pairs[i].key) &&
        cbor_string_length (pairs[i].key) == strlen (name) &&
        memcmp (cbor_string_handle (pairs[i].key), name, strlen (name)) == 0)
      return pairs[i].value;

  g_assert_not_reached ();
}

/* Changes family_name inside its IssuerSignedItem: the issuer's and the
 * holder's signatures still verify, the item's digest does not. */
static char *
tamper (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwEnvelope) envelope = idw_envelope_parse_text (text, &error);
  cbor_item_t *documents = NULL, *document, *issuer_signed = NULL, *name_spaces = NULL, *items = NULL;
  struct cbor_pair *pairs;
  gboolean changed = FALSE;

  g_assert_no_error (error);


  documents = lookup_key (envelope->response, "documents");
  document = cbor_array_handle (documents)[0];
  issuer_signed = lookup_key (document, "issuerSigned");
  name_spaces = lookup_key (issuer_signed, "nameSpaces");
  items = lookup_key (name_spaces, IDW_NAMESPACE_MDL);

  for (gsize i = 0; i < cbor_array_size (items); i++)
    {
      cbor_item_t *tagged = cbor_array_handle (items)[i];
      cbor_item_t *bstr = cbor_tag_item (tagged);
      struct cbor_load_result load;
      cbor_item_t *item = cbor_load (cbor_bytestring_handle (bstr), cbor_bytestring_length (bstr), &load);
      cbor_item_t *identifier = NULL, *value = NULL;
      unsigned char *buffer = NULL;
      size_t buffer_size = 0, len;

      cbor_decref (&bstr);
      g_assert_nonnull (item);
      identifier = lookup_key (item, "elementIdentifier");
      value = lookup_key (item, "elementValue");
      if (cbor_string_length (identifier) == strlen ("family_name") &&
          memcmp (cbor_string_handle (identifier), "family_name", strlen ("family_name")) == 0)
        {
          pairs = cbor_map_handle (item);
          for (gsize j = 0; j < cbor_map_size (item); j++)
            if (pairs[j].value == value)
              {
                cbor_decref (&pairs[j].value);
                pairs[j].value = cbor_build_string ("Musterfrau");
              }
          len = cbor_serialize_alloc (item, &buffer, &buffer_size);
          {
            cbor_item_t *new_bstr = cbor_build_bytestring (buffer, len);
            cbor_item_t *new_tag = cbor_build_tag (24, new_bstr);

            cbor_array_replace (items, i, new_tag);
            cbor_decref (&new_bstr);
            cbor_decref (&new_tag);
          }
          free (buffer);
          changed = TRUE;
        }
      cbor_decref (&item);
    }

  g_assert_true (changed);
  return idw_envelope_to_text (envelope);
}

static void
test_paste_tampered (void)
{
  g_autofree char *text = present (in_person_paths);
  g_autofree char *forged = tamper (text);

  reset_view ();
  idw_verify_view_take_focus (view);
  paste_text (forged);
  assert_not_valid ("Some details were changed after the ID was issued. The data is forged.",
                    IDW_CHECK_DIGESTS);
  assert_headline_focused ("Not Valid", "Some details were changed after the ID was issued. The data is forged.");
  assert_headline_focused ("Not Valid", "Test issuer — not a real ID");
  assert_checks_speak_status ();
  g_assert_cmpint (idw_verdict_get_status (idw_verify_view_get_verdict (view), IDW_CHECK_ISSUER_SIGNATURE),
                   ==, IDW_CHECK_STATUS_PASSED);
  /* A forged claim is never stated as a fact. */
  g_assert_false (has_label (GTK_WIDGET (view), "This person is 18 or older"));
  screenshot ("invalid");
  if (g_getenv ("IDW_SCREENSHOT_DIR") != NULL)
    {
      GtkWidget *expander = find_widget_of_type (GTK_WIDGET (view), ADW_TYPE_EXPANDER_ROW);
      GtkWidget *scroller = gtk_widget_get_ancestor (expander, GTK_TYPE_SCROLLED_WINDOW);
      GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));

      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (expander), TRUE);
      ui_iterate_for (500);
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
      screenshot ("invalid-checks");
    }

  /* Garbage after the prefix cannot be read at all. */
  reset_view ();
  paste_text ("IDW1:NOT-A-PRESENTATION");
  assert_not_valid ("This code could not be read as an ID. It may be damaged or incomplete.",
                    IDW_CHECK_DECODE);
}

/* The time it was shown and the freshness check read one clock, the
 * verifier's at the check: both say the same number of seconds, and
 * neither runs on while the page is read. */
static void
test_shown_time (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) at = g_date_time_add_seconds (now, -20);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = idw_present_text (credential, device_key, in_person_paths, at, NULL, &error);
  g_autoptr(GHashTable) rows = NULL;
  g_autoptr(GDateTime) local = g_date_time_to_local (at);
  g_autofree char *time = g_date_time_format (local, "%X");
  const char *shown, *made;
  guint64 seconds;
  g_autofree char *expected_shown = NULL;
  g_autofree char *expected_made = NULL;

  g_assert_no_error (error);
  reset_view ();
  paste_text (text);
  rows = result_rows ();
  shown = g_hash_table_lookup (rows, "Shown");
  made = g_hash_table_lookup (rows, idw_check_get_title (IDW_CHECK_FRESHNESS));
  g_assert_nonnull (shown);
  g_assert_nonnull (made);
  g_assert_true (g_str_has_prefix (made, "Made "));
  seconds = g_ascii_strtoull (made + strlen ("Made "), NULL, 10);
  g_assert_cmpuint (seconds, >=, 20);
  g_assert_cmpuint (seconds, <, 30);
  expected_made = g_strdup_printf ("Made %" G_GUINT64_FORMAT " seconds ago.", seconds);
  expected_shown = g_strdup_printf ("At %s, %" G_GUINT64_FORMAT " seconds before it was checked",
                                    time, seconds);
  g_assert_cmpstr (made, ==, expected_made);
  g_assert_cmpstr (shown, ==, expected_shown);

  /* Still the same a while later. */
  ui_iterate_for (6000);
  g_hash_table_unref (g_steal_pointer (&rows));
  rows = result_rows ();
  g_assert_cmpstr (g_hash_table_lookup (rows, "Shown"), ==, expected_shown);
}

static char *
write_qr_png (const char *text,
              const char *name,
              int         scale)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwQrMatrix) matrix = idw_qr_encode (text, &error);
  char *path = g_build_filename (tmp_root, name, NULL);

  g_assert_no_error (error);
  g_assert_true (idw_qr_matrix_write_png (matrix, scale, path, &error));
  g_assert_no_error (error);

  return path;
}

static gboolean
is_large_portrait (GtkWidget     *widget,
                   gconstpointer  data)
{
  return GTK_IS_PICTURE (widget) && gtk_widget_has_css_class (widget, "idw-holder-portrait");
}

/* The verified photo, large beside the name; a forged one never. */
static void
test_portrait (void)
{
  g_autofree char *text = present (face_paths);
  g_autofree char *forged = tamper (text);
  GtkWidget *picture;
  GdkPaintable *paintable;
  g_autoptr(GHashTable) rows = NULL;

  reset_view ();
  idw_verify_view_take_focus (view);
  paste_text (text);
  g_assert_true (idw_verdict_is_valid (idw_verify_view_get_verdict (view)));
  /* The headline says there is a photo to compare. */
  assert_headline_focused ("Valid ID", "The photo from the ID is shown to compare with the person.");
  picture = find_widget (GTK_WIDGET (view), is_large_portrait, NULL);
  g_assert_nonnull (picture);
  ui_iterate_for (100);
  g_assert_true (gtk_widget_get_mapped (picture));
  paintable = gtk_picture_get_paintable (GTK_PICTURE (picture));
  g_assert_nonnull (paintable);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, PORTRAIT_WIDTH);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (paintable), ==, PORTRAIT_HEIGHT);
  /* Large enough to compare a face with: about 190 px tall. */
  g_assert_cmpint (gtk_widget_get_height (picture), >=, 160);
  g_assert_cmpint (gtk_widget_get_height (picture), <=, 200);
  g_assert_true (has_label (GTK_WIDGET (view), GIVEN_NAME " " FAMILY_NAME));
  screenshot ("portrait");

  /* Forged details: no face to compare with, only a small thumbnail said
   * to be not verified, and no name in large type. */
  reset_view ();
  idw_verify_view_take_focus (view);
  paste_text (forged);
  assert_not_valid ("Some details were changed after the ID was issued. The data is forged.",
                    IDW_CHECK_DIGESTS);
  {
    g_autofree char *description = accessible_text (gtk_root_get_focus (GTK_ROOT (window)),
                                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);

    g_assert_null (strstr (description, "photo"));
  }
  ui_iterate_for (100);
  picture = find_widget (GTK_WIDGET (view), is_large_portrait, NULL);
  g_assert_true (picture == NULL || !gtk_widget_get_mapped (picture));
  g_assert_false (has_label (GTK_WIDGET (view), GIVEN_NAME " " FAMILY_NAME));
  g_assert_false (has_label (GTK_WIDGET (view), GIVEN_NAME " Musterfrau"));
  rows = result_rows ();
  g_assert_cmpstr (g_hash_table_lookup (rows, "Portrait"), ==, "Not verified");
  screenshot ("portrait-forged");
}

static void
test_open_screenshot (void)
{
  g_autofree char *text = present (in_person_paths);
  g_autofree char *path = write_qr_png (text, "screenshot.png", 3);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  reset_view ();
  idw_verify_view_open_file (view, file);
  g_assert_true (ui_poll_until ((gpointer) state_is, "result", 10000));
  assert_valid_with_values ();
}

static gboolean
verdict_changed (gpointer data)
{
  IdwVerdict *verdict = idw_verify_view_get_verdict (view);

  return verdict != NULL && verdict != data && state_is ("result");
}

static GtkAdjustment *
result_adjustment (void)
{
  GtkWidget *page = find_widget_of_type (GTK_WIDGET (view), IDW_TYPE_VERDICT_PAGE);
  GtkWidget *scroller = find_widget_of_type (page, GTK_TYPE_SCROLLED_WINDOW);

  return gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
}

static gboolean
is_again_button (GtkWidget     *widget,
                 gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "verify.again") == 0;
}

static gboolean
is_paste_button (GtkWidget     *widget,
                 gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "verify.paste") == 0;
}

/* A new verdict starts at its headline, wherever the last one was
 * scrolled to: pasted on the result page, and after "Verify Another". */
static void
test_new_verdict_at_top (void)
{
  g_autofree char *text = present (face_paths);
  g_autofree char *shown = present (in_person_paths);
  g_autofree char *forged = tamper (shown);
  GtkAdjustment *adjustment;

  for (guint round = 0; round < 2; round++)
    {
      IdwVerdict *before;

      reset_view ();
      paste_text (forged);
      adw_expander_row_set_expanded (ADW_EXPANDER_ROW (find_widget_of_type (GTK_WIDGET (view),
                                                                           ADW_TYPE_EXPANDER_ROW)),
                                     TRUE);
      ui_iterate_for (300);
      adjustment = result_adjustment ();
      g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >,
                         gtk_adjustment_get_page_size (adjustment));
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
      ui_iterate_for (100);
      g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >, 0);
      /* The focus on the last check, as after reading them. */
      g_assert_true (gtk_widget_child_focus (find_widget_of_type (GTK_WIDGET (view), ADW_TYPE_EXPANDER_ROW),
                                             GTK_DIR_TAB_BACKWARD));
      ui_iterate_for (100);

      before = idw_verify_view_get_verdict (view);
      gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (view)), text);
      if (round == 0)
        {
          /* Ctrl+V on the verdict. */
          g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "verify.paste", NULL));
        }
      else
        {
          /* Verify Another, then Paste, clicked. */
          gtk_widget_activate (find_widget (GTK_WIDGET (view), is_again_button, NULL));
          g_assert_true (ui_poll_until ((gpointer) state_is, "no-camera", 10000));
          g_assert_true (gtk_widget_grab_focus (find_widget (GTK_WIDGET (view), is_paste_button, NULL)));
          gtk_widget_activate (find_widget (GTK_WIDGET (view), is_paste_button, NULL));
        }
      g_assert_true (ui_poll_until (verdict_changed, before, 10000));
      ui_iterate_for (300);
      g_assert_true (idw_verdict_is_valid (idw_verify_view_get_verdict (view)));
      g_assert_cmpfloat (gtk_adjustment_get_value (result_adjustment ()), ==, 0);
      g_assert_true (has_label (GTK_WIDGET (view), "Valid ID"));
    }
}

static gboolean
refused_with (gpointer text)
{
  return state_is ("refused") && has_label (GTK_WIDGET (view), text);
}

/* Something that is not an ID, given on a result page, takes the old
 * verdict's place (left there it would look like the answer) with what
 * was given and what to do. */
static void
assert_refused (const char *message)
{
  g_assert_true (ui_poll_until (refused_with, (gpointer) message, 10000));
  g_assert_true (has_label (GTK_WIDGET (view), "Not an ID"));
  g_assert_null (idw_verify_view_get_verdict (view));
  /* Gone from the screen, once the pages have changed places. */
  ui_iterate_for (500);
  g_assert_false (has_label (GTK_WIDGET (view), "Not Valid"));
}

static void
paste_on_result (const char *text,
                 const char *message)
{
  g_autofree char *shown = present (in_person_paths);
  g_autofree char *forged = tamper (shown);

  reset_view ();
  paste_text (forged);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (view)), text);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "verify.paste", NULL));
  assert_refused (message);
}

static void
open_on_result (const char *path,
                const char *message)
{
  g_autofree char *shown = present (in_person_paths);
  g_autofree char *forged = tamper (shown);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  reset_view ();
  paste_text (forged);
  idw_verify_view_open_file (view, file);
  assert_refused (message);
}

static void
test_not_an_id (void)
{
  g_autofree char *blank = g_build_filename (tmp_root, "blank.png", NULL);
  g_autofree char *link = write_qr_png ("https://example.org/hello", "link.png", 4);
  g_autofree char *words = write_qr_png ("Hello", "words.png", 4);
  g_autofree char *cbor = g_build_filename (tmp_root, "response.cbor", NULL);
  g_autoptr(GdkPixbuf) white = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 200, 200);

  paste_on_result ("IDWC1:AAAA",
                   "This is a request for a credential, meant for an issuer of IDs, not an ID. "
                   "Send it to the issuer; to check an ID, paste what its holder sent you.");
  paste_on_result ("IDWR1:AAAA",
                   "This is a request for an ID, not an ID. To answer it, use your wallet.");
  paste_on_result ("IDWF1:AAAA",
                   "This is one frame of an animated ID code. Scan the code with the "
                   "camera, which reads all of its frames.");
  paste_on_result ("  https://example.org/id?x=1",
                   "This is a web address, not an ID. Ask the holder to copy their ID as text "
                   "in their wallet and send you that.");
  paste_on_result ("Hello, here is my ID",
                   "This text is not an ID. An ID sent as text starts with “IDW1:”: ask the "
                   "holder to copy it again from their wallet.");
  screenshot ("not-an-id");

  gdk_pixbuf_fill (white, 0xffffffff);
  g_assert_true (gdk_pixbuf_save (white, blank, "png", NULL, NULL));
  open_on_result (blank, "No QR code was found in this picture. Open a picture in which "
                         "the whole code can be seen.");
  open_on_result (link, "The QR code in this picture is a web address, not an ID. Ask the holder "
                        "for the QR code their wallet shows.");
  open_on_result (words, "The QR code in this picture is not an ID. Ask the holder for the QR code "
                         "their wallet shows.");
  /* CBOR: a map, as a raw DeviceResponse starts. */
  g_assert_true (g_file_set_contents (cbor, "\xa1\x67version\x63" "1.0", -1, NULL));
  open_on_result (cbor, "This is binary data, not an ID shown from a wallet. Ask the holder for the "
                        "QR code or the text their wallet makes.");
}

/* The camera: frames without a code, then frames with one, as PNG files
 * played by a GStreamer pipeline. */
typedef struct
{
  gint64 last;
  gint64 max_gap;
  guint  ticks;
} Ticker;

static gboolean
tick (gpointer data)
{
  Ticker *ticker = data;
  gint64 now = g_get_monotonic_time ();

  if (ticker->last != 0)
    ticker->max_gap = MAX (ticker->max_gap, now - ticker->last);
  ticker->last = now;
  ticker->ticks++;

  return G_SOURCE_CONTINUE;
}

static void
write_frame (const char   *dir,
             guint         index,
             const guint8 *gray,
             int           side,
             int           shift)
{
  const int width = 640, height = 480;
  g_autoptr(GdkPixbuf) frame = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autofree char *name = g_strdup_printf ("frame-%03u.png", index);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  /* A grey desk, and the code on a phone-like white square. */
  gdk_pixbuf_fill (frame, 0x8a8a8aff);
  if (gray != NULL)
    {
      int x0 = (width - side) / 2 + shift, y0 = (height - side) / 2;
      guint8 *pixels = gdk_pixbuf_get_pixels (frame);
      int stride = gdk_pixbuf_get_rowstride (frame);

      for (int y = 0; y < side; y++)
        for (int x = 0; x < side && x0 + x < width; x++)
          {
            guint8 *p = pixels + (y0 + y) * stride + (x0 + x) * 3;

            p[0] = p[1] = p[2] = gray[y * side + x];
          }
    }

  g_assert_true (gdk_pixbuf_save (frame, path, "png", &error, NULL));
  g_assert_no_error (error);
}

static void
test_camera (void)
{
  g_autofree char *text = present (in_person_paths);
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwQrMatrix) matrix = idw_qr_encode (text, &error);
  g_autofree char *dir = g_build_filename (tmp_root, "frames", NULL);
  g_autofree char *pipeline = NULL;
  g_autoptr(GBytes) gray = NULL;
  Ticker ticker = { 0 };
  guint source;
  gint64 start, elapsed;
  int side, scale;
  guint n_blank;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);

  scale = MAX (2, 440 / (matrix->size + 2 * IDW_QR_QUIET_ZONE));
  gray = idw_qr_matrix_render (matrix, scale, &side);
  /* More empty frames while taking pictures, so that one shows scanning. */
  n_blank = g_getenv ("IDW_SCREENSHOT_DIR") != NULL ? 30 : 6;
  for (guint i = 0; i < n_blank; i++)
    {
      /* For the picture: a code still being aimed, half out of view. */
      if (g_getenv ("IDW_SCREENSHOT_DIR") != NULL)
        write_frame (dir, i, g_bytes_get_data (gray, NULL), side, side / 2);
      else
        write_frame (dir, i, NULL, 0, 0);
    }
  for (guint i = n_blank; i < n_blank + 14; i++)
    write_frame (dir, i, g_bytes_get_data (gray, NULL), side, 0);

  pipeline = g_strdup_printf ("multifilesrc location=%s/frame-%%03d.png index=0 "
                              "caps=image/png,framerate=10/1 ! pngdec ! videoconvert", dir);
  g_setenv ("IDW_CAMERA_PIPELINE", pipeline, TRUE);

  source = g_timeout_add (20, tick, &ticker);
  start = g_get_monotonic_time ();

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "verify.again", NULL));
  g_assert_true (ui_poll_until ((gpointer) state_is, "scan", 20000));
  if (g_getenv ("IDW_SCREENSHOT_DIR") != NULL)
    {
      /* Hold a frame without a code on screen for the picture; taking
       * it blocks the loop, so the measure starts again after. */
      screenshot ("camera");
      ticker = (Ticker) { 0 };
      start = g_get_monotonic_time ();
    }
  g_assert_true (ui_poll_until ((gpointer) state_is, "result", 30000));

  elapsed = g_get_monotonic_time () - start;
  g_source_remove (source);
  g_unsetenv ("IDW_CAMERA_PIPELINE");

  assert_valid_with_values ();

  /* The main loop never stalled while frames were shown and decoded. */
  g_test_message ("camera: %u ticks in %" G_GINT64_FORMAT " ms, longest gap %" G_GINT64_FORMAT " ms",
                  ticker.ticks, elapsed / 1000, ticker.max_gap / 1000);
  g_assert_cmpint (ticker.max_gap, <, 200 * 1000);
  g_assert_cmpuint (ticker.ticks, >=, (guint) (elapsed / (200 * 1000)));
  g_assert_cmpuint (ticker.ticks, >=, 5);
}

static IdwRequestDialog *
make_request (IdwPreset preset)
{
  IdwRequestDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "verify.request", NULL));
  g_assert_true (ui_poll_until (have_toplevel, GSIZE_TO_POINTER (IDW_TYPE_REQUEST_DIALOG), 5000));
  dialog = IDW_REQUEST_DIALOG (find_toplevel (IDW_TYPE_REQUEST_DIALOG));
  idw_request_dialog_select_preset (dialog, preset);
  screenshot ("request-choose");
  g_assert_null (idw_request_dialog_get_request_text (dialog));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "request.create", NULL));

  return dialog;
}

/* Shown buttons styled as the suggested action under @widget. */
static guint
count_suggested (GtkWidget *widget)
{
  guint n = GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
            gtk_widget_has_css_class (widget, "suggested-action");

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    n += count_suggested (child);
  return n;
}

static gboolean
request_ready (gpointer data)
{
  return idw_request_dialog_get_request_text (data) != NULL;
}

static void
test_remote (void)
{
  IdwRequestDialog *dialog;
  g_autoptr(IdwRemoteRequest) request = NULL;
  g_autoptr(IdwRemoteRequest) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *response = NULL;
  g_autofree char *other_response = NULL;
  g_auto(GStrv) paths = NULL;

  reset_view ();
  dialog = make_request (IDW_PRESET_AGE_OVER_18);
  g_assert_true (ui_poll_until (request_ready, dialog, 5000));
  screenshot ("request");
  /* One suggested action on the page: Copy Request, not Done beside it. */
  ui_iterate_for (300);
  g_assert_cmpuint (count_suggested (GTK_WIDGET (dialog)), ==, 1);

  request = idw_remote_request_parse (idw_request_dialog_get_request_text (dialog), &error);
  g_assert_no_error (error);
  paths = idw_remote_request_get_paths (request);
  g_assert_cmpuint (g_strv_length (paths), ==, 1);
  g_assert_cmpstr (paths[0], ==, IDW_NAMESPACE_MDL "/age_over_18");
  g_assert_cmpint (idw_request_store_lookup (idw_verify_view_get_request_store (view), request->nonce),
                   ==, IDW_NONCE_UNUSED);
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* The holder answers through the engine; the reply is pasted. */
  response = idw_remote_request_respond (request, credential, device_key, NULL, &error);
  g_assert_no_error (error);
  paste_text (response);
  g_assert_true (idw_verdict_is_valid (idw_verify_view_get_verdict (view)));
  g_assert_true (has_label (GTK_WIDGET (view), "Valid ID"));
  g_assert_true (has_label (GTK_WIDGET (view), "This person is 18 or older"));
  screenshot ("remote-valid");

  /* The same reply again. */
  reset_view ();
  paste_text (response);
  assert_not_valid ("This reply was used before. It may be a copy.", IDW_CHECK_FRESHNESS);

  /* A reply to a request made elsewhere. */
  other = idw_remote_request_new_preset (IDW_DOCTYPE_MDL, IDW_PRESET_AGE_OVER_18, NULL, &error);
  g_assert_no_error (error);
  other_response = idw_remote_request_respond (other, credential, device_key, NULL, &error);
  g_assert_no_error (error);
  reset_view ();
  paste_text (other_response);
  assert_not_valid ("This reply does not answer a request made on this computer.", IDW_CHECK_FRESHNESS);
}

static gboolean
trust_page_lists_one (gpointer data)
{
  return idw_trust_page_get_n_issuers (data) == 1;
}

static void
test_removed_issuer (void)
{
  g_autoptr(IdwTrustStore) store = idw_trust_store_new (NULL);
  g_autofree char *fingerprint = idw_certificate_get_fingerprint (iaca);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *prefs;
  IdwTrustPage *page;

  /* Preferences list the trusted issuer. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  g_assert_true (ui_poll_until (have_toplevel, GSIZE_TO_POINTER (ADW_TYPE_PREFERENCES_WINDOW), 5000));
  prefs = find_toplevel (ADW_TYPE_PREFERENCES_WINDOW);
  page = IDW_TRUST_PAGE (find_widget_of_type (GTK_WIDGET (prefs), IDW_TYPE_TRUST_PAGE));
  g_assert_nonnull (page);
  g_assert_true (ui_poll_until (trust_page_lists_one, page, 5000));
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (prefs), ADW_PREFERENCES_PAGE (page));
  screenshot ("trusted-issuers");

  /* Adding from a file asks first, showing what would be trusted. */
  {
    g_autofree char *pem = idw_certificate_to_pem (iaca);
    g_autofree char *path = g_build_filename (tmp_root, "iaca.pem", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autofree char *grouped = NULL;
    g_autoptr(GHashTable) rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
    GtkWindow *confirm;
    GString *expected = g_string_new (NULL);

    for (gsize i = 0; fingerprint[i] != '\0'; i++)
      {
        if (i > 0 && i % 4 == 0)
          g_string_append_c (expected, ' ');
        g_string_append_c (expected, g_ascii_toupper (fingerprint[i]));
      }
    grouped = g_string_free (expected, FALSE);

    g_assert_true (g_file_set_contents (path, pem, -1, NULL));
    idw_trust_page_add_file (page, file);
    g_assert_true (ui_poll_until (have_toplevel, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 5000));
    confirm = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
    g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (confirm)), ==, "Trust This Issuer?");
    collect_rows (GTK_WIDGET (confirm), rows);
    g_assert_cmpstr (g_hash_table_lookup (rows, "SHA-256 Fingerprint"), ==, grouped);
    g_assert_cmpstr (g_hash_table_lookup (rows, "Organization"), ==, "Verify Test Authority");
    g_assert_cmpstr (g_hash_table_lookup (rows, "Country"), ==, "Germany");
    g_assert_true (has_label (GTK_WIDGET (confirm),
                              "This is a test issuer. Its IDs are not real and will be marked as tests."));
    screenshot ("trust-confirm");
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (confirm), "trust");
    ui_iterate_for (300);
    g_assert_true (ui_poll_until (trust_page_lists_one, page, 5000));
  }

  gtk_window_destroy (prefs);

  g_assert_true (idw_trust_store_remove (store, fingerprint, &error));
  g_assert_no_error (error);

  text = present (in_person_paths);
  reset_view ();
  paste_text (text);
  assert_not_valid ("The issuer of this ID is not one you trust.", IDW_CHECK_ISSUER_TRUSTED);
  assert_headline_focused ("Not Valid", "The issuer of this ID is not one you trust.");
  g_assert_true (idw_verdict_is_untrusted_only (idw_verify_view_get_verdict (view)));

  /* Trusting it again makes it valid again. */
  g_assert_true (idw_trust_store_add (store, iaca, NULL, &error));
  g_free (text);
  text = present (in_person_paths);
  reset_view ();
  paste_text (text);
  assert_valid_with_values ();
}

/* ---- Setup ---------------------------------------------------------------- */

static void
make_identity (void)
{
  g_autoptr(IdwIssuerFiles) files = NULL;
  g_autoptr(IdwCertificate) ds = NULL;
  g_autoptr(IdwKey) ds_key = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(IdwTrustStore) store = idw_trust_store_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) jpeg = test_portrait_jpeg (PORTRAIT_WIDTH, PORTRAIT_HEIGHT, 0, 80, 1);
  g_autofree char *portrait = test_portrait_json (jpeg);
  g_autofree char *json = NULL;

  files = idw_x509_create_issuer ("Verify Test Authority", "DE", IDW_COSE_ALG_EDDSA, TRUE, NULL, &error);
  g_assert_no_error (error);
  iaca = idw_certificate_new_from_data ((const guint8 *) files->iaca_pem, strlen (files->iaca_pem), &error);
  g_assert_no_error (error);
  ds = idw_certificate_new_from_data ((const guint8 *) files->ds_pem, strlen (files->ds_pem), &error);
  g_assert_no_error (error);
  ds_key = idw_key_new_from_pem (files->ds_key_pem, strlen (files->ds_key_pem), &error);
  g_assert_no_error (error);
  device_key = idw_key_generate_ed25519 ();

  json = g_strdup_printf ("{\"org.iso.18013.5.1\": {\"family_name\": \"" FAMILY_NAME "\","
                          " \"given_name\": \"" GIVEN_NAME "\", \"birth_date\": \"1990-05-17\","
                          " \"issuing_country\": \"DE\", \"age_over_18\": true,"
                          " \"age_over_21\": true, \"portrait\": %s}}", portrait);
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  credential = idw_issue_credential (json_node_get_object (json_parser_get_root (parser)),
                                     NULL, device_key, ds_key, ds, NULL, &error);
  g_assert_no_error (error);

  g_assert_true (idw_trust_store_add (store, iaca, NULL, &error));
  g_assert_no_error (error);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = NULL;
  int ret;

  /* Before anything reads it. */
  tmp_root = test_tmp_dir_new ("idw-ui-verify-XXXXXX");
  data_home = g_build_filename (tmp_root, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_unsetenv ("IDW_CAMERA_PIPELINE");
  /* Only a device monitor: no portal outside a sandbox. */
  g_setenv ("IDW_CAMERA_PORTAL", "0", TRUE);
  /* Accessible properties are kept where the test can read them. */
  g_setenv ("GTK_A11Y", "test", TRUE);

  g_test_init (&argc, &argv, NULL);

  make_identity ();

  app = ui_test_app_new ();

  window = idw_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 720);
  gtk_window_present (GTK_WINDOW (window));
  view = IDW_VERIFY_VIEW (find_widget_of_type (GTK_WIDGET (window), IDW_TYPE_VERIFY_VIEW));
  g_assert_nonnull (view);

  g_test_add_func ("/ui/verify/no-camera", test_no_camera);
  g_test_add_func ("/ui/verify/paste-valid", test_paste_valid);
  g_test_add_func ("/ui/verify/paste-tampered", test_paste_tampered);
  g_test_add_func ("/ui/verify/shown-time", test_shown_time);
  g_test_add_func ("/ui/verify/portrait", test_portrait);
  g_test_add_func ("/ui/verify/open-screenshot", test_open_screenshot);
  g_test_add_func ("/ui/verify/new-verdict-at-top", test_new_verdict_at_top);
  g_test_add_func ("/ui/verify/not-an-id", test_not_an_id);
  g_test_add_func ("/ui/verify/camera", test_camera);
  g_test_add_func ("/ui/verify/remote", test_remote);
  g_test_add_func ("/ui/verify/removed-issuer", test_removed_issuer);

  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  ui_iterate_for (100);
  g_clear_object (&app);
  g_clear_object (&credential);
  g_clear_pointer (&device_key, idw_key_unref);
  g_clear_pointer (&iaca, idw_certificate_unref);
  test_tmp_dir_free (tmp_root);

  return ret;
}
