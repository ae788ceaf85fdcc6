/* test-ui-trust-lists.c: trust lists (VICALs) in Preferences → Trusted
 * Issuers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A list made here (our own provider, signer and IACAs, see
 * vical-test-util.h) is imported through the page as a person would after
 * choosing the two files: the confirmation names the provider and what the
 * list adds, and only then does a group with the provider's name and the
 * list's issuers appear. A tampered list, or one checked against the wrong
 * anchor, is refused with the engine's reason and changes nothing. Remove
 * List takes the group away. The real AAMVA list is imported too when it is
 * next to the repository (or in $IDW_VICAL_DIR). With IDW_SCREENSHOT_DIR
 * set, the page is captured with ImageMagick's `import`.
 */
#include "config.h"

#include <adwaita.h>

#include "idw-preferences-window.h"
#include "idw-trust-page.h"
#include "idw-ui-util.h"
#include "ui-test-util.h"
#include "vical-test-util.h"

#define VICAL_ENV "IDW_VICAL_DIR"
#define PROVIDER  "Utopia Lists"

static IdwApplication *app;
static GtkWindow      *prefs;
static IdwTrustPage   *page;
static char           *tmp_root;

/* ---- Helpers -------------------------------------------------------------- */

static void
screenshot (const char *name)
{
  const char *dir = g_getenv ("IDW_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  g_autofree char *command = NULL;

  if (dir == NULL)
    return;

  ui_iterate_for (700);
  path = g_strdup_printf ("%s/trust-%s.png", dir, name);
  command = g_strdup_printf ("import -window root -crop %dx%d+0+0 +repage %s",
                             gtk_widget_get_width (GTK_WIDGET (prefs)),
                             gtk_widget_get_height (GTK_WIDGET (prefs)), path);
  g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
}

static GFile *
write_file (const char *name,
            GBytes     *data)
{
  g_autofree char *path = g_build_filename (tmp_root, name, NULL);

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (data, NULL),
                                      (gssize) g_bytes_get_size (data), NULL));
  return g_file_new_for_path (path);
}

static GFile *
write_certificate (const char     *name,
                   IdwCertificate *certificate)
{
  g_autofree char *pem = idw_certificate_to_pem (certificate);
  g_autoptr(GBytes) data = g_bytes_new (pem, strlen (pem));

  return write_file (name, data);
}

static gboolean
have_dialog (gpointer data)
{
  GListModel *list = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (list, i);

      if (ADW_IS_MESSAGE_DIALOG (item) && gtk_widget_get_visible (GTK_WIDGET (item)))
        return TRUE;
    }

  return FALSE;
}

/* The message dialog shown now; the test stops when none comes. */
static AdwMessageDialog *
wait_for_dialog (void)
{
  GListModel *list = gtk_window_get_toplevels ();

  ui_wait_until (have_dialog, NULL, 10000, "a dialog is shown");
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (list, i);

      if (ADW_IS_MESSAGE_DIALOG (item) && gtk_widget_get_visible (GTK_WIDGET (item)))
        return ADW_MESSAGE_DIALOG (item);
    }

  g_assert_not_reached ();
  return NULL;
}

static void
respond (AdwMessageDialog *dialog,
         const char       *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  ui_iterate_for (100);
}

static gboolean
is_label_with (GtkWidget     *widget,
               gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget)
         && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

static gboolean
has_label (GtkWidget  *root,
           const char *text)
{
  return find_widget (root, is_label_with, text) != NULL;
}

static gboolean
is_label_containing (GtkWidget     *widget,
                     gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget)
         && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL;
}

static gboolean
is_row_subtitled (GtkWidget     *widget,
                  gconstpointer  data)
{
  const char * const *pair = data;

  return ADW_IS_ACTION_ROW (widget)
         && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), pair[0]) == 0
         && g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)), pair[1]) == 0;
}

/* Whether @root holds a row titled @title with the subtitle @subtitle. */
static gboolean
has_property_row (GtkWidget  *root,
                  const char *title,
                  const char *subtitle)
{
  const char *pair[] = { title, subtitle };

  return find_widget (root, is_row_subtitled, pair) != NULL;
}

static gboolean
is_group_titled (GtkWidget     *widget,
                 gconstpointer  title)
{
  return ADW_IS_PREFERENCES_GROUP (widget)
         && g_strcmp0 (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget)), title) == 0;
}

static AdwPreferencesGroup *
find_group (const char *title)
{
  return (AdwPreferencesGroup *) find_widget (GTK_WIDGET (page), is_group_titled, title);
}

static gboolean
group_shown (gpointer title)
{
  return find_group (title) != NULL;
}

static gboolean
group_gone (gpointer title)
{
  return find_group (title) == NULL;
}

/* The issuer rows of @group, in order. */
static GPtrArray *
group_rows (AdwPreferencesGroup *group)
{
  GPtrArray *rows = g_ptr_array_new ();
  GtkWidget *list = find_widget_of_type (GTK_WIDGET (group), GTK_TYPE_LIST_BOX);

  for (GtkWidget *child = gtk_widget_get_first_child (list); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (ADW_IS_ACTION_ROW (child) && gtk_widget_get_visible (child))
        g_ptr_array_add (rows, child);
    }
  return rows;
}

static gboolean
is_button (GtkWidget     *widget,
           gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) && !ADW_IS_PREFERENCES_ROW (widget);
}

static guint
store_size (void)
{
  g_autoptr(IdwTrustStore) store = idw_trust_store_new (NULL);
  g_autoptr(GPtrArray) all = idw_trust_store_list (store, NULL, NULL);

  return all != NULL ? all->len : 0;
}

static guint
store_lists (void)
{
  g_autoptr(IdwTrustStore) store = idw_trust_store_new (NULL);
  g_autoptr(GPtrArray) lists = idw_trust_store_list_vicals (store, NULL, NULL);

  return lists->len;
}

/* ---- A list made here ------------------------------------------------------ */

static void
test_import_and_remove (void)
{
  g_autoptr(TestProvider) provider = test_provider_new (PROVIDER);
  g_autoptr(TestProvider) stranger = test_provider_new ("Stranger Lists");
  g_autoptr(IdwCertificate) iaca_a = test_vical_iaca ("Alpha Motor Vehicles");
  g_autoptr(IdwCertificate) iaca_b = test_vical_iaca ("Beta Transport");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) date = g_date_time_add_days (now, -3);
  g_autoptr(GBytes) vical = test_vical_sign (provider,
                                             test_vical_payload_for (PROVIDER, date, 7, iaca_a, iaca_b, NULL));
  g_autoptr(GFile) vical_file = write_file ("utopia.vical", vical);
  g_autoptr(GFile) anchor_file = write_certificate ("utopia-root.pem", provider->root);
  g_autoptr(GFile) wrong_anchor = write_certificate ("stranger-root.pem", stranger->root);
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *date_str = idw_ui_format_date (date);
  g_autofree char *expected = NULL;
  AdwPreferencesGroup *group;
  AdwMessageDialog *dialog;
  guint before = store_size ();

  /* Tampered: one byte of the signed payload changed. */
  {
    gsize len;
    guint8 *copy = g_memdup2 (g_bytes_get_data (vical, &len), g_bytes_get_size (vical));
    g_autoptr(GBytes) tampered = NULL;
    g_autoptr(GFile) tampered_file = NULL;
    gsize at = 0;

    while (at + 5 <= len && memcmp (copy + at, "Alpha", 5) != 0)
      at++;
    g_assert_cmpuint (at + 5, <=, len);
    copy[at] = 'X';
    tampered = g_bytes_new_take (copy, len);
    tampered_file = write_file ("tampered.vical", tampered);

    idw_trust_page_import_list_files (page, tampered_file, anchor_file);
    dialog = wait_for_dialog ();
    g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Trust List Not Imported");
    g_assert_true (g_str_has_suffix (adw_message_dialog_get_body (dialog), " Nothing was changed."));
    g_test_message ("tampered: %s", adw_message_dialog_get_body (dialog));
    screenshot ("tampered");
    respond (dialog, "close");
    g_assert_cmpuint (store_size (), ==, before);
    g_assert_cmpuint (store_lists (), ==, 0);
    g_assert_null (find_group (PROVIDER));
  }

  /* The wrong anchor: the signer does not chain to it. */
  idw_trust_page_import_list_files (page, vical_file, wrong_anchor);
  dialog = wait_for_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Trust List Not Imported");
  g_test_message ("wrong anchor: %s", adw_message_dialog_get_body (dialog));
  respond (dialog, "close");
  g_assert_cmpuint (store_lists (), ==, 0);

  /* The right one: asked first, nothing changes on Cancel. */
  idw_trust_page_import_list_files (page, vical_file, anchor_file);
  dialog = wait_for_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Import This Trust List?");
  g_assert_true (has_property_row (GTK_WIDGET (dialog), "Provider", PROVIDER));
  expected = g_strdup_printf ("%s, issue 7", date_str);
  g_assert_true (has_property_row (GTK_WIDGET (dialog), "Date", expected));
  g_assert_true (has_property_row (GTK_WIDGET (dialog), "Issuing Authorities", "2 issuing authorities"));
  g_assert_true (has_property_row (GTK_WIDGET (dialog), "Signed By", PROVIDER));
  screenshot ("confirm-list");
  respond (dialog, "cancel");
  ui_iterate_for (200);
  g_assert_cmpuint (store_lists (), ==, 0);
  g_assert_null (find_group (PROVIDER));

  idw_trust_page_import_list_files (page, vical_file, anchor_file);
  dialog = wait_for_dialog ();
  respond (dialog, "import");
  ui_wait_until (group_shown, PROVIDER, 10000, "the list's group is shown");
  g_assert_cmpuint (store_lists (), ==, 1);
  g_assert_cmpuint (idw_trust_page_get_n_issuers (page), ==, before + 2);

  group = find_group (PROVIDER);
  g_free (expected);
  expected = g_strdup_printf ("List of %s · 2 issuing authorities · 3 days old", date_str);
  g_assert_cmpstr (adw_preferences_group_get_description (group), ==, expected);
  rows = group_rows (group);
  g_assert_cmpuint (rows->len, ==, 2);
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = rows->pdata[i];
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
      const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
      const char *description = g_object_get_data (G_OBJECT (row), "idw-own-description");
      g_autofree char *said = g_strdup_printf ("%s Trusted through the list of " PROVIDER ": remove the list to stop trusting it.",
                                               subtitle);

      g_assert_true (g_str_equal (title, "Alpha Motor Vehicles") || g_str_equal (title, "Beta Transport"));
      g_assert_true (g_str_has_prefix (subtitle, "UT · Valid until "));
      /* Removal is by list: no button on the row, and it says so. */
      g_assert_null (find_widget (row, is_button, NULL));
      g_assert_cmpstr (description, ==, said);
    }
  screenshot ("list-imported");

  /* The same list again is said to be the same. */
  idw_trust_page_import_list_files (page, vical_file, anchor_file);
  dialog = wait_for_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Import This List Again?");
  respond (dialog, "cancel");

  /* Remove List asks, then the group goes. */
  gtk_widget_activate_action (GTK_WIDGET (page), "trust.remove-list", "s", PROVIDER);
  dialog = wait_for_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Remove the List of " PROVIDER "?");
  g_assert_true (strstr (adw_message_dialog_get_body (dialog), "2 issuing authorities") != NULL);
  respond (dialog, "remove");
  ui_wait_until (group_gone, PROVIDER, 10000, "the list's group is gone");
  g_assert_cmpuint (store_lists (), ==, 0);
  g_assert_cmpuint (store_size (), ==, before);
}

/* A newer list of the same provider replaces it, and says what changes;
 * the older one cannot come back. */
static void
test_replace_and_older (void)
{
  g_autoptr(TestProvider) provider = test_provider_new ("Replace Lists");
  g_autoptr(IdwCertificate) iaca_a = test_vical_iaca ("Gamma Licensing");
  g_autoptr(IdwCertificate) iaca_b = test_vical_iaca ("Delta Roads");
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) old_date = g_date_time_add_days (now, -60);
  g_autoptr(GDateTime) new_date = g_date_time_add_days (now, -1);
  g_autoptr(GBytes) old_list = test_vical_sign (provider,
                                                test_vical_payload_for ("Replace Lists", old_date, -1, iaca_a, NULL));
  g_autoptr(GBytes) new_list = test_vical_sign (provider,
                                                test_vical_payload_for ("Replace Lists", new_date, -1, iaca_b, NULL));
  g_autoptr(GFile) old_file = write_file ("old.vical", old_list);
  g_autoptr(GFile) new_file = write_file ("new.vical", new_list);
  g_autoptr(GFile) anchor_file = write_certificate ("replace-root.pem", provider->root);
  g_autofree char *old_date_str = idw_ui_format_date (old_date);
  g_autofree char *due = NULL;
  g_autofree char *warning = NULL;
  g_autoptr(GDateTime) next_update = g_date_time_add_days (old_date, 30);
  AdwMessageDialog *dialog;

  /* The old list is out of date (its next update was due 30 days after
   * it): a plain warning, not a refusal. */
  due = idw_ui_format_date (next_update);
  warning = g_strdup_printf ("This list is 60 days old; its next update was due on %s.", due);
  idw_trust_page_import_list_files (page, old_file, anchor_file);
  dialog = wait_for_dialog ();
  g_assert_true (has_label (GTK_WIDGET (dialog), warning));
  respond (dialog, "import");
  ui_wait_until (group_shown, "Replace Lists", 10000, "the list's group is shown");
  {
    g_autofree char *line = g_strdup_printf ("\nIts next update was due on %s.", due);

    g_assert_true (g_str_has_suffix (adw_preferences_group_get_description (find_group ("Replace Lists")), line));
  }

  idw_trust_page_import_list_files (page, new_file, anchor_file);
  dialog = wait_for_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Replace the Trust List?");
  g_assert_true (has_property_row (GTK_WIDGET (dialog), "Issuing Authorities",
                                   "1 issuing authority: 1 new, 0 kept, 1 no longer trusted"));
  {
    g_autofree char *replaces = g_strdup_printf ("The list of %s", old_date_str);

    g_assert_true (has_property_row (GTK_WIDGET (dialog), "Replaces", replaces));
  }
  respond (dialog, "import");
  ui_iterate_for (300);
  ui_wait_until (group_shown, "Replace Lists", 10000, "the list's group is shown");
  {
    g_autoptr(GPtrArray) rows = group_rows (find_group ("Replace Lists"));

    g_assert_cmpuint (rows->len, ==, 1);
    g_assert_cmpstr (adw_preferences_row_get_title (rows->pdata[0]), ==, "Delta Roads");
  }

  /* Older than the one held: refused with the reason, nothing changed. */
  idw_trust_page_import_list_files (page, old_file, anchor_file);
  dialog = wait_for_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Trust List Not Imported");
  g_assert_true (strstr (adw_message_dialog_get_body (dialog), "is older than the one already imported") != NULL);
  respond (dialog, "close");

  gtk_widget_activate_action (GTK_WIDGET (page), "trust.remove-list", "s", "Replace Lists");
  respond (wait_for_dialog (), "remove");
  ui_wait_until (group_gone, "Replace Lists", 10000, "the list's group is gone");
}

/* ---- The real AAMVA list ------------------------------------------------ */

static char *
vical_directory (void)
{
  const char *override = g_getenv (VICAL_ENV);
  g_autofree char *path = NULL;

  if (override != NULL && *override != '\0')
    path = g_strdup (override);
  else
    path = g_test_build_filename (G_TEST_DIST, "..", "..", "shared", "vectors", "vical", NULL);

  return g_canonicalize_filename (path, NULL);
}

static void
test_aamva (void)
{
  g_autofree char *dir = vical_directory ();
  g_autofree char *vical_path = g_build_filename (dir, "aamva.vical", NULL);
  g_autofree char *root_path = g_build_filename (dir, "aamva_ca_root.crt", NULL);
  g_autoptr(GFile) vical_file = g_file_new_for_path (vical_path);
  g_autoptr(GFile) anchor_file = g_file_new_for_path (root_path);
  g_autoptr(GPtrArray) rows = NULL;
  AdwMessageDialog *dialog;
  AdwPreferencesGroup *group;
  const char *description;

  if (!g_file_test (vical_path, G_FILE_TEST_EXISTS) || !g_file_test (root_path, G_FILE_TEST_EXISTS))
    {
      g_test_skip_printf ("no VICAL vectors at %s (set " VICAL_ENV " to their folder)", dir);
      return;
    }

  idw_trust_page_import_list_files (page, vical_file, anchor_file);
  dialog = wait_for_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Import This Trust List?");
  g_assert_true (has_property_row (GTK_WIDGET (dialog), "Provider", "AAMVA"));
  g_assert_true (has_property_row (GTK_WIDGET (dialog), "Issuing Authorities", "14 issuing authorities"));
  /* Its next update was due the day after it. */
  g_assert_nonnull (find_widget (GTK_WIDGET (dialog), is_label_containing, "days old; its next update was due on"));
  screenshot ("confirm-aamva");
  respond (dialog, "import");
  ui_wait_until (group_shown, "AAMVA", 10000, "the AAMVA group is shown");

  group = find_group ("AAMVA");
  description = adw_preferences_group_get_description (group);
  g_test_message ("AAMVA: %s", description);
  g_assert_true (g_str_has_prefix (description, "List of "));
  g_assert_nonnull (strstr (description, " · 14 issuing authorities · "));
  g_assert_nonnull (strstr (description, " days old"));
  rows = group_rows (group);
  g_assert_cmpuint (rows->len, ==, 14);

  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (prefs), ADW_PREFERENCES_PAGE (page));
  screenshot ("aamva");
  {
    const char *shots = g_getenv ("IDW_SCREENSHOT_DIR");

    if (shots != NULL)
      {
        /* Further down, the rows and the issuers added one by one. */
        GtkWidget *scrolled = find_widget_of_type (GTK_WIDGET (page), GTK_TYPE_SCROLLED_WINDOW);
        GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

        gtk_adjustment_set_value (adj, gtk_adjustment_get_upper (adj));
        screenshot ("aamva-end");
        gtk_adjustment_set_value (adj, 0);
      }
  }

  gtk_widget_activate_action (GTK_WIDGET (page), "trust.remove-list", "s", "AAMVA");
  respond (wait_for_dialog (), "remove");
  ui_wait_until (group_gone, "AAMVA", 10000, "the AAMVA group is gone");
}

/* ---- Setup ---------------------------------------------------------------- */

static gboolean
page_loaded (gpointer data)
{
  return idw_trust_page_get_n_issuers (page) == GPOINTER_TO_UINT (data);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(IdwCertificate) own = NULL;
  int ret;

  tmp_root = test_tmp_dir_new ("idw-ui-trust-lists-XXXXXX");
  data_home = g_build_filename (tmp_root, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_setenv ("IDW_CAMERA_PORTAL", "0", TRUE);

  g_test_init (&argc, &argv, NULL);

  /* One issuer added one by one, to show beside the lists. */
  {
    g_autoptr(IdwTrustStore) store = idw_trust_store_new (NULL);
    g_autoptr(GError) error = NULL;

    own = test_vical_iaca ("Own Authority");
    g_assert_true (idw_trust_store_add (store, own, NULL, &error));
    g_assert_no_error (error);
  }

  app = ui_test_app_new ();
  settings = g_settings_new (APP_ID);
  prefs = GTK_WINDOW (idw_preferences_window_new (settings));
  gtk_window_set_default_size (prefs, 720, 860);
  gtk_window_present (prefs);
  page = IDW_TRUST_PAGE (find_widget_of_type (GTK_WIDGET (prefs), IDW_TYPE_TRUST_PAGE));
  g_assert_nonnull (page);
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (prefs), ADW_PREFERENCES_PAGE (page));
  ui_wait_until (page_loaded, GUINT_TO_POINTER (1), 5000, "the page lists the issuer added");

  g_test_add_func ("/ui/trust-lists/import-and-remove", test_import_and_remove);
  g_test_add_func ("/ui/trust-lists/replace-and-older", test_replace_and_older);
  g_test_add_func ("/ui/trust-lists/aamva", test_aamva);

  ret = g_test_run ();

  gtk_window_destroy (prefs);
  ui_iterate_for (100);
  g_clear_object (&app);
  test_tmp_dir_free (tmp_root);

  return ret;
}
