/* test-ui-keyboard.c: the present and verify flows with the keyboard alone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real key presses, sent to the X server with `xdotool key` (XTEST), drive
 * the window under Xvfb the way a person without a mouse would: Tab and
 * Shift+Tab, arrows, Return, Space, mnemonics and shortcuts. Nothing the
 * person does is done by calling the widgets; after each step the test
 * checks what they would see: the page shown, which control has the focus
 * (and that its focus ring shows), what it says. The window is 360 pixels
 * wide, the narrowest the app supports, and stays so on every page; the
 * flows run at 100 % and again at 200 % text size.
 *
 * The accessible names and descriptions of the custom widgets (QR code,
 * card, camera preview, icon-only buttons) are checked on the way.
 *
 * With IDW_SCREENSHOT_DIR set, each page is captured with ImageMagick's
 * `import` (used to make docs/screenshots/a11y-*.png).
 */
#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>

#include "idwallet.h"
#include "idw-application.h"
#include "idw-card-page.h"
#include "idw-present-page.h"
#include "idw-qr-view.h"
#include "idw-respond-dialog.h"
#include "idw-ui-util.h"
#include "idw-verdict-page.h"
#include "idw-verify-view.h"
#include "idw-wallet-view.h"
#include "idw-window.h"
#include "ui-test-util.h"

#define WIDTH  360
#define HEIGHT 640

static IdwApplication *app;
static IdwWindow *window;
static IdwWalletView *wallet;
static IdwVerifyView *verify;
static IdwCertificate *iaca;
static char *tmp_root;
static char *cred_path;
static guint loaded;
static const char *suffix = "";

static const char person_json[] =
  "{\"org.iso.18013.5.1\": {"
  "  \"family_name\": \"Zhang\", \"given_name\": \"Wei\","
  "  \"family_name_national_character\": \"张\", \"given_name_national_character\": \"伟\","
  "  \"birth_date\": \"1990-05-17\", \"issue_date\": \"2025-06-01\", \"expiry_date\": \"2035-05-31\","
  "  \"issuing_country\": \"CN\", \"issuing_authority\": \"Test Authority\","
  "  \"document_number\": \"T-1990\", \"age_over_18\": true, \"age_over_21\": true, \"sex\": 1"
  "}}";

/* ---- The keyboard ------------------------------------------------------- */

/* Presses @keys (xdotool's names: "Tab", "shift+Tab", "alt+a", "ctrl+v")
 * on the real X keyboard, and lets the app handle them. */
static void
press (const char *keys)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;
  g_autofree char *command = g_strdup_printf ("xdotool key --clearmodifiers --delay 40 %s", keys);
  int status = 0;

  g_assert_true (g_shell_parse_argv (command, NULL, &argv, &error));
  g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  /* The key events arrive and are handled. */
  settle (150);
}

static gboolean
window_is_active (gpointer data)
{
  return gtk_window_is_active (data);
}

/* Xvfb has no window manager: the window gets the X input focus from
 * xdotool, as a window manager would give it on a click. */
static void
focus_window (GtkWindow *target)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (target));
  g_autofree char *command = NULL;

  g_assert_true (GDK_IS_X11_SURFACE (surface));
  command = g_strdup_printf ("xdotool windowfocus --sync %lu", (gulong) gdk_x11_surface_get_xid (surface));
  g_assert_true (g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL));
  ui_wait_until (window_is_active, target, 20 * 1000, "the window has the keyboard focus");
}

/* ---- What the person sees ---------------------------------------------- */

static GtkWidget *
focus (void)
{
  return gtk_root_get_focus (GTK_ROOT (window));
}

/* The text a control shows: its label, or a row's title. */
static const char *
widget_text (GtkWidget *widget)
{
  for (; widget != NULL; widget = gtk_widget_get_parent (widget))
    {
      if (ADW_IS_PREFERENCES_ROW (widget))
        return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
      if (GTK_IS_BUTTON (widget))
        {
          GtkWidget *child = gtk_button_get_child (GTK_BUTTON (widget));

          if (ADW_IS_BUTTON_CONTENT (child))
            return adw_button_content_get_label (ADW_BUTTON_CONTENT (child));
          if (GTK_IS_LABEL (child))
            return gtk_label_get_label (GTK_LABEL (child));
          if (gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
            return gtk_button_get_label (GTK_BUTTON (widget));
          return gtk_widget_get_tooltip_text (widget);
        }
      if (GTK_IS_MENU_BUTTON (widget))
        return gtk_widget_get_tooltip_text (widget);
      if (GTK_IS_LABEL (widget))
        return gtk_label_get_label (GTK_LABEL (widget));
    }

  return NULL;
}

static char *
describe (GtkWidget *widget)
{
  if (widget == NULL)
    return g_strdup ("nothing");

  return g_strdup_printf ("%s “%s”%s in %s", G_OBJECT_TYPE_NAME (widget),
                          widget_text (widget) != NULL ? widget_text (widget) : "",
                          gtk_widget_get_mapped (widget) ? "" : " (not on screen)",
                          gtk_widget_get_parent (widget) != NULL
                            ? G_OBJECT_TYPE_NAME (gtk_widget_get_parent (widget)) : "nothing");
}

/* The focus is on screen, with its focus ring showing, on a control
 * (or inside a row) that says @text. */
static gboolean
focus_says (const char *text)
{
  GtkWidget *widget = focus ();

  return widget != NULL && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (widget_text (widget), text) == 0;
}

static void
assert_focus (const char *text)
{
  GtkWidget *widget = focus ();
  g_autofree char *described = describe (widget);

  if (!focus_says (text))
    g_error ("The focus should be on “%s”, it is on %s", text, described);

  g_assert_true (gtk_window_get_focus_visible (GTK_WINDOW (window)));
  g_assert_true (gtk_widget_get_state_flags (widget) & GTK_STATE_FLAG_FOCUS_VISIBLE);
}

/* Presses @key until the focus is on @text; more than @max presses is a
 * failure (the control is out of reach or the chain goes round it). */
static guint
move_focus_to (const char *key,
               const char *text,
               guint       max)
{
  for (guint n = 1; n <= max; n++)
    {
      press (key);
      g_test_message ("%s → %s", key, describe (focus ()));
      if (focus_says (text))
        {
          assert_focus (text);
          return n;
        }
    }

  {
    g_autofree char *described = describe (focus ());

    g_error ("“%s” not reached with %u × %s; the focus is on %s", text, max, key, described);
  }
}

/* On failure, says which widgets ask for more than the window has. */
static void
report_wide (GtkWidget *widget,
             int        depth)
{
  int min = 0;

  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
  if (min <= WIDTH - 24)
    return;

  g_test_message ("%*s%s “%s” needs %d px", depth, "", G_OBJECT_TYPE_NAME (widget),
                  widget_text (widget) != NULL ? widget_text (widget) : "", min);
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    report_wide (child, depth + 1);
}

/* The window is as narrow as asked: nothing on the page needs more. */
static void
assert_fits (void)
{
  settle (100);
  if (gdk_surface_get_width (gtk_native_get_surface (GTK_NATIVE (window))) != WIDTH)
    report_wide (GTK_WIDGET (window), 0);
  g_assert_cmpint (gdk_surface_get_width (gtk_native_get_surface (GTK_NATIVE (window))), ==, WIDTH);
  g_assert_cmpint (gdk_surface_get_height (gtk_native_get_surface (GTK_NATIVE (window))), ==, HEIGHT);
}

static void
screenshot (const char *name)
{
  const char *dir = g_getenv ("IDW_SCREENSHOT_DIR");
  g_autofree char *command = NULL;

  if (dir == NULL || *dir == '\0')
    return;

  settle (600);
  command = g_strdup_printf ("import -window root -crop %dx%d+0+0 +repage %s/a11y-%s%s.png",
                             gtk_widget_get_width (GTK_WIDGET (window)),
                             gtk_widget_get_height (GTK_WIDGET (window)),
                             dir, name, suffix);
  g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
}

static gboolean
has_css_class (GtkWidget     *widget,
               gconstpointer  name)
{
  return gtk_widget_has_css_class (widget, name);
}

static gboolean
is_mapped_label (GtkWidget     *widget,
                 gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

static gboolean
shows_label (GtkWidget  *root,
             const char *text)
{
  return find_widget (root, is_mapped_label, text) != NULL;
}

static gboolean
is_icon_button (GtkWidget     *widget,
                gconstpointer  icon)
{
  return (GTK_IS_BUTTON (widget) && !GTK_IS_TOGGLE_BUTTON (widget) &&
          g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (widget)), icon) == 0) ||
         (GTK_IS_MENU_BUTTON (widget) &&
          g_strcmp0 (gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (widget)), icon) == 0);
}

static GtkWidget *
icon_button (GtkWidget  *root,
             const char *icon)
{
  GtkWidget *button = find_widget (root, is_icon_button, icon);

  g_assert_nonnull (button);
  return button;
}

/* An accessible property is what @expected says. */
static void
assert_accessible (gpointer               widget,
                   GtkAccessibleProperty  property,
                   const char            *expected)
{
  g_autofree char *error = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), property, expected);

  if (error != NULL)
    g_error ("%s: accessible property %d is “%s”, not “%s”",
             G_OBJECT_TYPE_NAME (widget), property, error, expected);
}

static void
assert_has_accessible (gpointer              widget,
                       GtkAccessibleProperty property)
{
  g_assert_true (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), property));
}

/* ---- Engine ------------------------------------------------------------- */

static IdwVerdict *
verify_text (const char *text)
{
  g_autoptr(IdwVerifier) verifier = idw_verifier_new ();

  idw_verifier_add_trust_anchor (verifier, iaca);
  return idw_verifier_verify_text (verifier, text);
}

/* Valid, and nothing but age_over_18 = true disclosed. */
static void
assert_age_only (const char *text)
{
  g_autoptr(IdwVerdict) verdict = verify_text (text);
  IdwDisclosedElement *disclosed;

  g_assert_true (idw_verdict_is_valid (verdict));
  g_assert_cmpuint (idw_verdict_get_disclosed (verdict)->len, ==, 1);
  disclosed = g_ptr_array_index (idw_verdict_get_disclosed (verdict), 0);
  g_assert_cmpstr (disclosed->name_space, ==, IDW_NAMESPACE_MDL);
  g_assert_cmpstr (disclosed->element, ==, "age_over_18");
  g_assert_true (cbor_is_bool (disclosed->value) && cbor_get_bool (disclosed->value));
}

/* ---- Pages --------------------------------------------------------------- */

static gboolean
page_is (gpointer type)
{
  GtkWidget *page = idw_wallet_view_get_visible_page (wallet);

  if (type == NULL)
    return page == NULL;

  return page != NULL && G_TYPE_CHECK_INSTANCE_TYPE (page, GPOINTER_TO_SIZE (type)) &&
         gtk_widget_get_mapped (page) && !gtk_widget_get_child_visible (page) == FALSE;
}

static gboolean
showing_qr (gpointer data)
{
  return idw_present_page_is_showing_qr (data) &&
         gtk_widget_get_width (GTK_WIDGET (idw_present_page_get_qr_view (data))) > 50;
}

static gboolean
verify_state_is (gpointer data)
{
  return g_strcmp0 (idw_verify_view_get_state (verify), data) == 0 &&
         gtk_widget_get_mapped (GTK_WIDGET (verify));
}

static gboolean
have_toplevel (gpointer type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (w, GPOINTER_TO_SIZE (type)) &&
          gtk_widget_get_visible (GTK_WIDGET (w)))
        return TRUE;
    }

  return FALSE;
}

static gboolean
no_toplevel (gpointer type)
{
  return !have_toplevel (type);
}

typedef struct
{
  char     *text;
  gboolean  done;
} ClipboardRead;

static void
clipboard_read_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ClipboardRead *read = user_data;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  read->done = TRUE;
}

static gboolean
clipboard_read_done (gpointer data)
{
  return ((ClipboardRead *) data)->done;
}

static char *
clipboard_text (void)
{
  ClipboardRead read = { 0 };

  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (window)), NULL,
                                 clipboard_read_cb, &read);
  ui_wait_until (clipboard_read_done, &read, 20 * 1000, "the clipboard is read");

  return read.text;
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

/* @keys open a window of @type; Escape closes it and the focus is back
 * where it was. Without a window manager nobody gives the new window the
 * keyboard: the test does, as a window manager would. */
static void
open_and_escape (const char *keys,
                 GType       type)
{
  GtkWidget *before = focus ();
  GtkWindow *dialog;

  press (keys);
  ui_wait_until (have_toplevel, GSIZE_TO_POINTER (type), 20 * 1000, g_type_name (type));
  dialog = find_toplevel (type);
  focus_window (dialog);
  g_assert_nonnull (dialog);
  g_test_message ("%s opens %s", keys, g_type_name (type));
  press ("Escape");
  ui_wait_until (no_toplevel, GSIZE_TO_POINTER (type), 20 * 1000, "Escape closes it");
  focus_window (GTK_WINDOW (window));
  g_assert_true (focus () == before);
}

/* ---- The flows ----------------------------------------------------------- */

static void
check_header_accessibility (void)
{
  /* Icon-only buttons have a name for screen readers, and a tooltip. */
  const char * const icons[][2] = {
    { "go-previous-symbolic", "Back" },
    { "list-add-symbolic", "Add an ID" },
    { "open-menu-symbolic", "Main Menu" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (icons); i++)
    {
      GtkWidget *button = icon_button (GTK_WIDGET (window), icons[i][0]);

      assert_accessible (button, GTK_ACCESSIBLE_PROPERTY_LABEL, icons[i][1]);
      g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, icons[i][1]);
    }
}

static IdwCardPage *
open_card (void)
{
  GtkWidget *card_page, *card;
  g_autofree char *label = NULL;
  g_autofree char *until = NULL;
  guint n;

  /* From wherever the focus is, Tab reaches the ID in the list. */
  g_assert_true (page_is (NULL));
  n = move_focus_to ("Tab", "张伟 (Zhang Wei)", 8);
  g_test_message ("the ID is %u Tab presses away", n);
  assert_fits ();
  screenshot ("wallet");

  press ("Return");
  ui_wait_until (page_is, GSIZE_TO_POINTER (IDW_TYPE_CARD_PAGE), 20 * 1000, "the card page shows");
  card_page = idw_wallet_view_get_visible_page (wallet);
  /* The focus comes to the page, on what one does with a card. */
  assert_focus ("_Present");
  assert_fits ();

  /* The card reads as one sentence. */
  card = find_widget (card_page, has_css_class, "idw-card");
  g_assert_nonnull (card);
  gtk_test_accessible_assert_role (card, GTK_ACCESSIBLE_ROLE_GROUP);
  until = idw_ui_format_date (idw_credential_get_valid_until (idw_card_page_get_credential (IDW_CARD_PAGE (card_page))));
  label = g_strdup_printf ("Mobile driving licence of 张伟 (Zhang Wei), valid until %s", until);
  assert_accessible (card, GTK_ACCESSIBLE_PROPERTY_LABEL, label);
  screenshot ("card");

  /* The page's controls are a few Tabs apart: the read-only rows of the
   * card's details are not in the chain (a screen reader reads them with
   * their group). */
  {
    guint tabs = move_focus_to ("Tab", "_Delete ID", 4);

    g_test_message ("Tabs from Present to Delete ID on the card page: %u", tabs);
    move_focus_to ("shift+Tab", "_Present", tabs);
  }

  return IDW_CARD_PAGE (card_page);
}

static void
present_age (IdwCardPage *card)
{
  IdwPresentPage *present;
  IdwQrView *qr_view;
  g_autofree char *from_code = NULL;
  g_autofree char *copied = NULL;
  g_auto(GStrv) paths = NULL;
  g_auto(GStrv) all_paths = NULL;

  /* The dialog for remote requests opens from here and Escape closes it. */
  if (*suffix == '\0')
    {
      move_focus_to ("Tab", "_Respond to a Request…", 1);
      open_and_escape ("Return", IDW_TYPE_RESPOND_DIALOG);
      assert_focus ("_Respond to a Request…");
      move_focus_to ("shift+Tab", "_Present", 1);
    }

  /* Enter on "Present". */
  press ("Return");
  ui_wait_until (page_is, GSIZE_TO_POINTER (IDW_TYPE_PRESENT_PAGE), 20 * 1000, "the present page shows");
  present = IDW_PRESENT_PAGE (idw_wallet_view_get_visible_page (wallet));
  all_paths = idw_credential_list_paths (idw_card_page_get_credential (card));
  /* The focus starts on the choice of what to share. */
  assert_focus ("_Age Over 18");
  assert_fits ();

  /* Choose "Full ID" with the arrow keys and Space, then "Age over 18"
   * with its mnemonic. */
  move_focus_to ("Left", "_Name and Photo", 1);
  move_focus_to ("Left", "_Full ID", 1);
  press ("space");
  /* The presets are radio buttons named by their labels, in a group named
   * by the heading; the chosen one is checked. */
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (focus ()), GTK_ACCESSIBLE_ROLE_RADIO);
  assert_accessible (focus (), GTK_ACCESSIBLE_PROPERTY_LABEL, "Full ID");
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (focus ()), GTK_ACCESSIBLE_STATE_CHECKED, TRUE);
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (gtk_widget_get_parent (focus ())),
                                   GTK_ACCESSIBLE_ROLE_RADIO_GROUP);
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (gtk_widget_get_next_sibling (focus ())),
                                    GTK_ACCESSIBLE_STATE_CHECKED, FALSE);
  g_assert_cmpuint (g_strv_length (idw_present_page_dup_paths (present)), >, 1);
  g_assert_false (g_str_equal (idw_present_page_get_summary (present), "Shares: Age over 18"));
  press ("alt+a");
  paths = idw_present_page_dup_paths (present);
  g_assert_cmpuint (g_strv_length (paths), ==, 1);
  g_assert_cmpstr (paths[0], ==, IDW_NAMESPACE_MDL "/age_over_18");
  g_assert_true (shows_label (GTK_WIDGET (present), "Shares: Age over 18"));
  screenshot ("present");

  /* "Show QR Code": the mnemonic, or Tab through each detail's switch
   * (every one is reachable, one Tab each). */
  if (*suffix == '\0')
    {
      guint tabs = move_focus_to ("Tab", "_Show QR Code", g_strv_length (all_paths) + 1);

      g_test_message ("Tabs from Full ID to Show QR Code: %u (%u details)", tabs, g_strv_length (all_paths));
      assert_fits ();
      press ("Return");
    }
  else
    {
      press ("alt+s");
    }
  ui_wait_until (showing_qr, present, 20 * 1000, "the QR code shows");
  assert_fits ();

  /* What the code says: valid, with only age_over_18. */
  qr_view = idw_present_page_get_qr_view (present);
  g_assert_nonnull (idw_qr_view_get_matrix (qr_view));
  from_code = ui_qr_view_read (qr_view, NULL);
  assert_age_only (from_code);

  /* The code is an image with a name and a description. */
  gtk_test_accessible_assert_role (qr_view, GTK_ACCESSIBLE_ROLE_IMG);
  if (idw_qr_view_get_animated (qr_view))
    {
      g_autofree char *label = g_strdup_printf ("Animated QR code with your ID presentation, %u frames",
                                                idw_qr_view_get_n_blocks (qr_view));

      assert_accessible (qr_view, GTK_ACCESSIBLE_PROPERTY_LABEL, label);
    }
  else
    {
      assert_accessible (qr_view, GTK_ACCESSIBLE_PROPERTY_LABEL, "QR code with your ID presentation");
    }
  assert_has_accessible (qr_view, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  assert_accessible (icon_button (GTK_WIDGET (present), "view-fullscreen-symbolic"),
                     GTK_ACCESSIBLE_PROPERTY_LABEL, "Fullscreen");
  screenshot ("qr");

  /* The focus is on the code (a screen reader says what it is); "Copy as
   * Text" is next but one. */
  g_assert_true (focus () == GTK_WIDGET (qr_view));
  g_assert_true (gtk_widget_get_state_flags (GTK_WIDGET (qr_view)) & GTK_STATE_FLAG_FOCUS_VISIBLE);
  move_focus_to ("Tab", "_Change", 1);
  move_focus_to ("Tab", "Copy as _Text", 1);
  /* The button, or its shortcut. */
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (window)), "");
  press (*suffix == '\0' ? "Return" : "ctrl+shift+c");
  copied = clipboard_text ();
  g_assert_nonnull (copied);
  g_assert_true (g_str_has_prefix (copied, "IDW1:"));
  assert_age_only (copied);

  /* Back to the card with Alt+Left; the focus comes back to "Present". */
  press ("alt+Left");
  ui_wait_until (page_is, GSIZE_TO_POINTER (IDW_TYPE_CARD_PAGE), 20 * 1000, "the card page shows again");
  assert_focus ("_Present");

  /* And to the list, on the ID. */
  press ("alt+Left");
  ui_wait_until (page_is, NULL, 20 * 1000, "the list shows again");
  assert_focus ("张伟 (Zhang Wei)");
}

static void
verify_pasted (void)
{
  GtkWidget *preview;
  IdwVerdict *verdict;
  GtkWidget *expander;

  /* Alt+2: the verifier, focus on its first way in. */
  press ("alt+2");
  g_assert_cmpstr (idw_window_get_view (window), ==, "verify");
  ui_wait_until (verify_state_is, "no-camera", 20 * 1000, "the verifier shows");
  assert_focus ("_Paste");
  assert_fits ();

  preview = find_widget (GTK_WIDGET (verify), is_type, GSIZE_TO_POINTER (GTK_TYPE_PICTURE));
  assert_accessible (preview, GTK_ACCESSIBLE_PROPERTY_LABEL, "Camera preview");
  assert_has_accessible (preview, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
  screenshot ("verify");

  /* Ctrl+V: what "Copy as Text" put on the clipboard. */
  press ("ctrl+v");
  ui_wait_until (verify_state_is, "result", 20 * 1000, "the verdict shows");
  settle (300);
  verdict = idw_verify_view_get_verdict (verify);
  g_assert_true (idw_verdict_is_valid (verdict));
  g_assert_true (shows_label (GTK_WIDGET (verify), "Valid ID"));
  g_assert_true (shows_label (GTK_WIDGET (verify), "This person is 18 or older"));
  /* The focus is on the verdict's headline, which a screen reader says
   * first. */
  g_assert_true (gtk_widget_has_css_class (focus (), "idw-verdict-headline"));
  g_assert_true (gtk_widget_get_state_flags (focus ()) & GTK_STATE_FLAG_FOCUS_VISIBLE);
  assert_accessible (focus (), GTK_ACCESSIBLE_PROPERTY_LABEL, "Valid ID");
  assert_fits ();
  screenshot ("verdict");

  /* "All Checks" opens with the keyboard. */
  expander = find_widget (GTK_WIDGET (verify), is_type, GSIZE_TO_POINTER (ADW_TYPE_EXPANDER_ROW));
  move_focus_to ("Tab", "All Checks", 10);
  g_assert_false (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (expander)));
  press ("space");
  g_assert_true (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (expander)));
  screenshot ("checks");

  /* "Verify Another" comes after the checks; back to the start, with the
   * focus on the first way to check an ID. */
  move_focus_to ("Tab", "_Verify Another", IDW_N_CHECKS + 1);
  press ("Return");
  ui_wait_until (verify_state_is, "no-camera", 20 * 1000, "the verifier is back to the start");
  assert_focus ("_Paste");
}

static void
run_flows (gconstpointer data)
{
  double scale = *(const double *) data;

  suffix = scale > 1 ? "-200" : "";
  g_object_set (gtk_settings_get_default (), "gtk-xft-dpi", (int) (scale * 96 * 1024), NULL);
  settle (300);

  check_header_accessibility ();
  present_age (open_card ());
  verify_pasted ();

  /* Ctrl+O opens a picture to check. */
  if (scale == 1)
    open_and_escape ("ctrl+o", GTK_TYPE_FILE_CHOOSER_DIALOG);

  /* Alt+1: back to the wallet. */
  press ("alt+1");
  g_assert_cmpstr (idw_window_get_view (window), ==, "wallet");

  /* Ctrl+I imports, Ctrl+? lists the shortcuts. */
  if (scale == 1)
    {
      open_and_escape ("ctrl+i", GTK_TYPE_FILE_CHOOSER_DIALOG);
      open_and_escape ("ctrl+question", GTK_TYPE_SHORTCUTS_WINDOW);
    }
}

/* ---- Setup ---------------------------------------------------------------- */

static void
issue_credential (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(IdwKey) device_key = idw_key_generate_ed25519 ();
  g_autoptr(IdwKey) ds_key = NULL;
  g_autoptr(IdwCertificate) ds = NULL;
  g_autoptr(IdwCredential) credential = NULL;
  g_autoptr(IdwIssuerFiles) issuer = NULL;
  g_autoptr(IdwTrustStore) trust = idw_trust_store_new (NULL);

  issuer = idw_x509_create_issuer ("Keyboard Test", "CN", IDW_COSE_ALG_EDDSA, TRUE, NULL, &error);
  g_assert_no_error (error);
  ds_key = idw_key_new_from_pem (issuer->ds_key_pem, strlen (issuer->ds_key_pem), &error);
  g_assert_no_error (error);
  ds = idw_certificate_new_from_data ((const guint8 *) issuer->ds_pem, strlen (issuer->ds_pem), &error);
  g_assert_no_error (error);
  iaca = idw_certificate_new_from_data ((const guint8 *) issuer->iaca_pem, strlen (issuer->iaca_pem), &error);
  g_assert_no_error (error);

  node = json_from_string (person_json, &error);
  g_assert_no_error (error);
  credential = idw_issue_credential (json_node_get_object (node), NULL, device_key, ds_key, ds, NULL, &error);
  g_assert_no_error (error);

  cred_path = g_build_filename (tmp_root, "zhang-wei.idwcred", NULL);
  idw_credential_save (credential, cred_path, TRUE, &error);
  g_assert_no_error (error);

  /* The verifier on this computer trusts the issuer. */
  g_assert_true (idw_trust_store_add (trust, iaca, NULL, &error));
  g_assert_no_error (error);
}

static void
loaded_cb (void)
{
  loaded++;
}

static gboolean
loaded_at_least (gpointer data)
{
  return loaded >= GPOINTER_TO_UINT (data);
}

static void
import_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwStoreEntry) entry = idw_wallet_view_import_file_finish (IDW_WALLET_VIEW (source), result, &error);

  g_assert_no_error (error);
  g_assert_nonnull (entry);
}

static void
start_app (void)
{
  g_autoptr(GFile) file = g_file_new_for_path (cred_path);

  app = ui_test_app_new ();

  /* GNOME's title bar has only the close button; without a settings
   * daemon GTK would add minimise and maximise. */
  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", "menu:close", NULL);

  window = idw_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), WIDTH, HEIGHT);
  wallet = idw_window_get_wallet_view (window);
  verify = IDW_VERIFY_VIEW (find_widget (GTK_WIDGET (window), is_type, GSIZE_TO_POINTER (IDW_TYPE_VERIFY_VIEW)));
  g_signal_connect (wallet, "loaded", G_CALLBACK (loaded_cb), NULL);
  gtk_window_present (GTK_WINDOW (window));
  ui_wait_until (loaded_at_least, GUINT_TO_POINTER (1), 20 * 1000, "the wallet is loaded");

  /* The ID is in the wallet before the person sits down. */
  idw_wallet_view_import_file (wallet, file, NULL, import_done_cb, NULL);
  ui_wait_until (loaded_at_least, GUINT_TO_POINTER (2), 20 * 1000, "the ID is imported");

  focus_window (GTK_WINDOW (window));
  settle (300);
}

static void
skip_without_xdotool (void)
{
  g_test_skip ("xdotool is needed to press keys");
}

int
main (int   argc,
      char *argv[])
{
  static const double normal = 1.0, large = 2.0;
  g_autofree char *xdotool = NULL;
  int ret;

  /* A private profile before GLib reads it. */
  tmp_root = test_private_home_new ("idw-ui-keyboard-XXXXXX");
  g_unsetenv ("IDW_CAMERA_PIPELINE");
  g_setenv ("IDW_CAMERA_PORTAL", "0", TRUE);
  /* Accessible properties are kept where the test can read them. */
  g_setenv ("GTK_A11Y", "test", TRUE);

  g_test_init (&argc, &argv, NULL);

  xdotool = g_find_program_in_path ("xdotool");
  if (xdotool == NULL)
    {
      g_test_add_func ("/ui/keyboard/present-and-verify", skip_without_xdotool);
      return g_test_run ();
    }

  issue_credential ();
  start_app ();

  g_test_add_data_func ("/ui/keyboard/present-and-verify", &normal, run_flows);
  g_test_add_data_func ("/ui/keyboard/present-and-verify-200-percent-text", &large, run_flows);

  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  settle (100);
  g_clear_object (&app);
  g_clear_pointer (&iaca, idw_certificate_unref);
  g_clear_pointer (&cred_path, g_free);
  test_tmp_dir_free (tmp_root);

  return ret;
}
