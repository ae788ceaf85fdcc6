/* test-ui-present-animated.c: presentations too large for one code, shown
 * as animated codes, as large as the window allows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Drives the real windows under Xvfb with the session's gnome-keyring (as
 * build-aux/dev test provides), on an ID like the demo's: an mDL with a
 * portrait and driving privileges. "Full ID" and "Name and Photo" are
 * played as fountain-coded frames that carry the portrait: the test reads
 * the frames the view draws until a frame collector rebuilds the
 * presentation, and verifies it. "Age over 18" is one code only when it
 * fits one frame. The code's modules are at least 4 px in the default
 * 900 × 680 window, light and dark, and at 360 px wide; fullscreen shows
 * the code alone; a reply to a remote request shows its animated code.
 *
 * Run with LANGUAGE=zh_CN (meson registers it so too), the same checks
 * hold with the Chinese interface, whose labels are longer.
 *
 * With IDW_SCREENSHOT_DIR set, each window is captured with ImageMagick's
 * `import`.
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <X11/Xatom.h>

#include "idwallet.h"
#include "idw-animation.h"
#include "idw-application.h"
#include "idw-card-page.h"
#include "idw-present-page.h"
#include "idw-qr-view.h"
#include "idw-respond-dialog.h"
#include "idw-verify-view.h"
#include "idw-wallet-view.h"
#include "idw-window.h"
#include "ui-test-util.h"

/* The comfortable size a webcam reads at arm's length. */
#define MIN_MODULE 4

static IdwApplication *app;
static IdwCertificate *iaca;
static char *tmp_root;
static char *cred_path;
static char *cred_id;
static guint loaded;
static const char *suffix = "";

static const char person_json[] =
  "{\"org.iso.18013.5.1\": {"
  "  \"family_name\": \"Zhang\", \"given_name\": \"Wei\","
  "  \"family_name_national_character\": \"张\", \"given_name_national_character\": \"伟\","
  "  \"birth_date\": \"1990-05-17\", \"issue_date\": \"2025-06-01\", \"expiry_date\": \"2035-05-31\","
  "  \"issuing_country\": \"CN\", \"issuing_authority\": \"ID Wallet Demo Issuer\","
  "  \"document_number\": \"DEMO-0000-1990\", \"age_over_18\": true, \"age_over_21\": true, \"sex\": 1,"
  "  \"portrait\": {\"file\": \"portrait.jpg\"},"
  "  \"driving_privileges\": [{\"vehicle_category_code\": \"C1\","
  "                            \"issue_date\": \"2025-06-01\", \"expiry_date\": \"2035-05-31\"}]"
  "}}";

/* ---- Waiting ------------------------------------------------------------ */

static gboolean
loaded_at_least (gpointer data)
{
  return loaded >= GPOINTER_TO_UINT (data);
}

static void
loaded_cb (IdwWalletView *view,
           gpointer       user_data)
{
  loaded++;
}

static gboolean
mapped_with_size (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_width (data) > 100;
}

static gboolean
visible_page_is_card (gpointer data)
{
  return IDW_IS_CARD_PAGE (idw_wallet_view_get_visible_page (data));
}

static gboolean
visible_page_is_present (gpointer data)
{
  return IDW_IS_PRESENT_PAGE (idw_wallet_view_get_visible_page (data));
}

static void
screenshot (GtkWidget  *window,
            const char *name)
{
  const char *dir = g_getenv ("IDW_SCREENSHOT_DIR");
  g_autofree char *command = NULL;

  if (dir == NULL || *dir == '\0')
    return;

  settle (600);
  command = g_strdup_printf ("import -window root -crop %dx%d+0+0 +repage %s/present-%s%s.png",
                             gtk_widget_get_width (window), gtk_widget_get_height (window),
                             dir, name, suffix);
  g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
}

/* ---- The ID ------------------------------------------------------------- */

/* A flat drawing in the manner of build-aux/demo/make-portrait, as a JPEG
 * of about the demo portrait's size. */
static void
draw_portrait (const char *path)
{
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 240, 300);
  cairo_t *cr = cairo_create (surface);
  cairo_pattern_t *sky = cairo_pattern_create_linear (0, 0, 0, 300);
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  cairo_pattern_add_color_stop_rgb (sky, 0, 0.60, 0.76, 0.95);
  cairo_pattern_add_color_stop_rgb (sky, 1, 0.38, 0.63, 0.92);
  cairo_set_source (cr, sky);
  cairo_paint (cr);
  cairo_pattern_destroy (sky);

  cairo_save (cr);
  cairo_translate (cr, 120, 300);
  cairo_scale (cr, 104, 92);
  cairo_arc (cr, 0, 0, 1, G_PI, 2 * G_PI);
  cairo_restore (cr);
  cairo_set_source_rgb (cr, 0.10, 0.37, 0.71);
  cairo_fill (cr);

  cairo_save (cr);
  cairo_translate (cr, 120, 118);
  cairo_scale (cr, 50, 60);
  cairo_arc (cr, 0, 0, 1, 0, 2 * G_PI);
  cairo_restore (cr);
  cairo_set_source_rgb (cr, 0.96, 0.84, 0.70);
  cairo_fill (cr);

  cairo_save (cr);
  cairo_translate (cr, 120, 82);
  cairo_scale (cr, 54, 34);
  cairo_arc (cr, 0, 0, 1, G_PI, 2 * G_PI);
  cairo_restore (cr);
  cairo_set_source_rgb (cr, 0.24, 0.22, 0.27);
  cairo_fill (cr);

  cairo_destroy (cr);
  pixbuf = gdk_pixbuf_get_from_surface (surface, 0, 0, 240, 300);
  cairo_surface_destroy (surface);
  g_assert_nonnull (pixbuf);
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "jpeg", &error, "quality", "80", NULL));
  g_assert_no_error (error);
}

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
  g_autofree char *portrait = g_build_filename (tmp_root, "portrait.jpg", NULL);

  issuer = idw_x509_create_issuer ("ID Wallet Demo", "CN", IDW_COSE_ALG_EDDSA, TRUE, NULL, &error);
  g_assert_no_error (error);
  ds_key = idw_key_new_from_pem (issuer->ds_key_pem, strlen (issuer->ds_key_pem), &error);
  g_assert_no_error (error);
  ds = idw_certificate_new_from_data ((const guint8 *) issuer->ds_pem, strlen (issuer->ds_pem), &error);
  g_assert_no_error (error);
  iaca = idw_certificate_new_from_data ((const guint8 *) issuer->iaca_pem, strlen (issuer->iaca_pem), &error);
  g_assert_no_error (error);

  draw_portrait (portrait);
  node = json_from_string (person_json, &error);
  g_assert_no_error (error);
  credential = idw_issue_credential (json_node_get_object (node), tmp_root, device_key, ds_key, ds, NULL, &error);
  g_assert_no_error (error);

  cred_path = g_build_filename (tmp_root, "zhang-wei.idwcred", NULL);
  idw_credential_save (credential, cred_path, TRUE, &error);
  g_assert_no_error (error);
}

static void
import_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwStoreEntry) entry = idw_wallet_view_import_file_finish (IDW_WALLET_VIEW (source), result, &error);

  g_assert_no_error (error);
  cred_id = g_strdup (idw_store_entry_get_id (entry));
}

/* ---- Windows and pages -------------------------------------------------- */

/* A main window of @width × @height with the wallet loaded (and the ID in
 * it: the first window imports it). */
static IdwWindow *
open_window (int width,
             int height)
{
  IdwWindow *window = idw_window_new (app);
  IdwWalletView *wallet = idw_window_get_wallet_view (window);
  guint before = loaded;

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  g_signal_connect (wallet, "loaded", G_CALLBACK (loaded_cb), NULL);
  gtk_window_present (GTK_WINDOW (window));
  ui_wait_until (loaded_at_least, GUINT_TO_POINTER (before + 1), 30 * 1000, "the wallet is loaded");

  if (cred_id == NULL)
    {
      g_autoptr(GFile) file = g_file_new_for_path (cred_path);

      idw_wallet_view_import_file (wallet, file, NULL, import_done_cb, NULL);
      ui_wait_until (loaded_at_least, GUINT_TO_POINTER (before + 2), 30 * 1000, "the ID is imported");
      g_assert_nonnull (cred_id);
    }

  return window;
}

static void
close_window (IdwWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  settle (100);
}

/* The ID's card, then its present page with @preset shown as a code. */
static IdwPresentPage *
present (IdwWindow *window,
         IdwPreset  preset)
{
  IdwWalletView *wallet = idw_window_get_wallet_view (window);
  IdwPresentPage *page;
  GtkWidget *card;

  idw_wallet_view_open_card (wallet, cred_id);
  ui_wait_until (visible_page_is_card, wallet, 30 * 1000, "the card shows");
  card = idw_wallet_view_get_visible_page (wallet);
  ui_wait_until (mapped_with_size, card, 30 * 1000, "the card is on screen");
  g_assert_true (gtk_widget_activate_action (card, "card.present", NULL));
  ui_wait_until (visible_page_is_present, wallet, 30 * 1000, "the present page shows");
  page = IDW_PRESENT_PAGE (idw_wallet_view_get_visible_page (wallet));
  ui_wait_until (mapped_with_size, page, 30 * 1000, "the present page is on screen");

  g_assert_true (idw_present_page_set_preset (page, preset));
  g_assert_true (idw_present_page_show_qr (page));
  ui_wait_until (mapped_with_size, idw_present_page_get_qr_view (page), 30 * 1000, "the code is on screen");
  /* The stack's crossfade is over. */
  settle (400);

  return page;
}

/* ---- Reading the code --------------------------------------------------- */

/* What the widget shows now, read from its pixels with zbar: a whole
 * presentation or one frame. */
static char *
read_pixels (IdwQrView *view)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *gray = NULL;
  int width, height;
  char *text;

  gray = ui_render_gray (GTK_WIDGET (view), &(GdkRGBA) { 0, 0, 0, 1 }, &width, &height);
  text = idw_qr_decode_gray (gray, width, height, width, &error);
  g_assert_no_error (error);

  return text;
}

/* The presentation the animated @view plays, rebuilt from its frames. */
static char *
collect (IdwQrView *view)
{
  guint n_blocks = idw_qr_view_get_n_blocks (view);
  guint frames;
  char *text;

  g_assert_true (idw_qr_view_get_animated (view));
  g_assert_cmpuint (n_blocks, >, 1);
  text = ui_qr_view_read (view, &frames);
  /* A fountain code: about K frames, whichever they were. */
  g_assert_cmpuint (frames, >=, n_blocks);
  g_assert_cmpuint (frames, <=, n_blocks + 8);
  g_test_message ("%u blocks, rebuilt from %u frames", n_blocks, frames);

  return text;
}

static IdwVerdict *
verify (const char *text,
        GBytes     *nonce)
{
  g_autoptr(IdwVerifier) verifier = idw_verifier_new ();
  IdwVerdict *verdict;

  idw_verifier_add_trust_anchor (verifier, iaca);
  if (nonce != NULL)
    idw_verifier_set_expected_nonce (verifier, nonce);
  verdict = idw_verifier_verify_text (verifier, text);
  g_assert_true (idw_verdict_is_valid (verdict));

  return verdict;
}

/* The view's module size, and that it is at least MIN_MODULE. */
static int
assert_large (IdwQrView  *view,
              const char *where)
{
  int module = idw_qr_view_get_module_size (view);

  g_test_message ("%s: %d px per module, quiet zone %d modules, code %d modules, view %d × %d",
                  where, module, idw_qr_view_get_quiet_zone (view),
                  idw_qr_view_get_matrix (view)->size,
                  gtk_widget_get_width (GTK_WIDGET (view)), gtk_widget_get_height (GTK_WIDGET (view)));
  if (module < MIN_MODULE)
    g_error ("%s: the code is drawn at %d px per module, less than %d", where, module, MIN_MODULE);

  return module;
}

static gboolean
seq_is_past (gpointer data)
{
  gpointer *args = data;

  return idw_qr_view_get_frame_seq (args[0]) > GPOINTER_TO_UINT (args[1]);
}

/* ---- The checks --------------------------------------------------------- */

/* Full ID in the default window: animated, large, read from the pixels,
 * playing only while on screen, and with the portrait. */
static void
test_full_default (void)
{
  IdwWindow *window = open_window (900, 680);
  IdwPresentPage *page = present (window, IDW_PRESET_FULL);
  IdwQrView *view = idw_present_page_get_qr_view (page);
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autofree char *frame = NULL;
  g_autofree char *text = NULL;
  g_autofree char *label = NULL;
  g_autofree char *wrong = NULL;
  gpointer args[2];
  guint32 seq;

  g_assert_true (idw_qr_view_get_animated (view));
  g_assert_false (idw_animation_fits_one_frame (idw_qr_view_get_text (view)));
  g_assert_cmpint (idw_qr_view_get_matrix (view)->version, <=, IDW_ANIMATION_MAX_VERSION);
  assert_large (view, "Full ID, 900 × 680");
  screenshot (GTK_WIDGET (window), "full-900x680");

  /* The pixels GTK draws, over the darkest page, are a frame zbar reads. */
  frame = read_pixels (view);
  g_assert_true (g_str_has_prefix (frame, IDW_PREFIX_FRAME));

  label = g_strdup_printf (ngettext ("Animated QR code with your ID presentation, %u frame",
                                     "Animated QR code with your ID presentation, %u frames",
                                     idw_qr_view_get_n_blocks (view)),
                           idw_qr_view_get_n_blocks (view));
  wrong = gtk_test_accessible_check_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, label);
  g_assert_null (wrong);

  /* It plays: about IDW_ANIMATION_FPS frames a second. */
  seq = idw_qr_view_get_frame_seq (view);
  settle (1000);
  g_assert_cmpuint (idw_qr_view_get_frame_seq (view) - seq, >=, IDW_ANIMATION_FPS / 3);
  g_assert_cmpuint (idw_qr_view_get_frame_seq (view) - seq, <=, IDW_ANIMATION_FPS * 2);

  /* Off screen (the Verify view), it stops; back, it goes on. */
  idw_window_show_view (window, "verify");
  ui_wait_until (mapped_with_size, find_widget_of_type (GTK_WIDGET (window), IDW_TYPE_VERIFY_VIEW),
                 30 * 1000, "the verifier shows");
  g_assert_false (gtk_widget_get_mapped (GTK_WIDGET (view)));
  seq = idw_qr_view_get_frame_seq (view);
  settle (500);
  g_assert_cmpuint (idw_qr_view_get_frame_seq (view), ==, seq);
  idw_window_show_view (window, "wallet");
  ui_wait_until (mapped_with_size, view, 30 * 1000, "the code shows again");
  args[0] = view;
  args[1] = GUINT_TO_POINTER (seq + 2);
  ui_wait_until (seq_is_past, args, 30 * 1000, "the frames go on");

  /* The frames rebuild the presentation the page signed, with the
   * portrait and every other detail. */
  text = collect (view);
  g_assert_cmpstr (text, ==, idw_qr_view_get_text (view));
  verdict = verify (text, NULL);
  g_assert_nonnull (idw_verdict_lookup (verdict, IDW_NAMESPACE_MDL, "portrait"));
  g_assert_nonnull (idw_verdict_lookup (verdict, IDW_NAMESPACE_MDL, "driving_privileges"));
  g_assert_nonnull (idw_verdict_lookup (verdict, IDW_NAMESPACE_MDL, "family_name"));

  close_window (window);
}

/* Name and Photo carries the photo; Age over 18 is one code only if it
 * fits one frame; in dark style too the code is large and reads. */
static void
test_presets_dark (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  IdwWindow *window;
  IdwPresentPage *page;
  IdwQrView *view;
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autofree char *text = NULL;
  g_autofree char *pixels = NULL;
  const char *age;

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  window = open_window (900, 680);

  page = present (window, IDW_PRESET_NAME_PHOTO);
  view = idw_present_page_get_qr_view (page);
  assert_large (view, "Name and Photo, 900 × 680, dark");
  screenshot (GTK_WIDGET (window), "name-photo-900x680-dark");
  text = collect (view);
  verdict = verify (text, NULL);
  g_assert_nonnull (idw_verdict_lookup (verdict, IDW_NAMESPACE_MDL, "portrait"));
  g_assert_nonnull (idw_verdict_lookup (verdict, IDW_NAMESPACE_MDL, "family_name"));
  g_assert_null (idw_verdict_lookup (verdict, IDW_NAMESPACE_MDL, "birth_date"));

  idw_present_page_show_choice (page);
  g_assert_true (idw_present_page_set_preset (page, IDW_PRESET_AGE_OVER_18));
  g_assert_true (idw_present_page_show_qr (page));
  settle (400);
  age = idw_qr_view_get_text (view);
  g_assert_cmpint (idw_qr_view_get_animated (view), ==, !idw_animation_fits_one_frame (age));
  assert_large (view, "Age over 18, 900 × 680, dark");
  screenshot (GTK_WIDGET (window), "age-900x680-dark");
  pixels = read_pixels (view);
  if (idw_qr_view_get_animated (view))
    g_assert_true (g_str_has_prefix (pixels, IDW_PREFIX_FRAME));
  else
    g_assert_cmpstr (pixels, ==, age);

  close_window (window);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
}

/* The narrowest window the app supports. */
static void
test_narrow (void)
{
  IdwWindow *window = open_window (360, 640);
  IdwPresentPage *page = present (window, IDW_PRESET_FULL);
  IdwQrView *view = idw_present_page_get_qr_view (page);

  g_assert_true (idw_qr_view_get_animated (view));
  assert_large (view, "Full ID, 360 × 640");
  screenshot (GTK_WIDGET (window), "full-360x640");

  close_window (window);
}

/* Xvfb has no window manager: the test does what one does when asked to
 * fill the screen (or to stop): set the window's state and size. */
static void
be_window_manager (GtkWindow *window,
                   gboolean   fullscreen,
                   int        width,
                   int        height)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  GdkDisplay *display = gdk_surface_get_display (surface);
  Display *xdisplay = gdk_x11_display_get_xdisplay (display);
  Window xid = gdk_x11_surface_get_xid (surface);
  Atom state = gdk_x11_get_xatom_by_name_for_display (display, "_NET_WM_STATE");
  Atom full = gdk_x11_get_xatom_by_name_for_display (display, "_NET_WM_STATE_FULLSCREEN");

  if (fullscreen)
    XChangeProperty (xdisplay, xid, state, XA_ATOM, 32, PropModeReplace, (guchar *) &full, 1);
  else
    XDeleteProperty (xdisplay, xid, state);
  XMoveResizeWindow (xdisplay, xid, 0, 0, width, height);
  XFlush (xdisplay);
}

static gboolean
is_fullscreen (gpointer data)
{
  return gtk_window_is_fullscreen (data);
}

static gboolean
is_not_fullscreen (gpointer data)
{
  return !gtk_window_is_fullscreen (data);
}

static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static gboolean
is_mapped_icon_button (GtkWidget     *widget,
                       gconstpointer  icon)
{
  return GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (widget)), icon) == 0;
}

/* Fullscreen shows the code alone, larger, and goes back as it was. */
static void
test_fullscreen (void)
{
  IdwWindow *window = open_window (900, 680);
  IdwPresentPage *page = present (window, IDW_PRESET_FULL);
  IdwQrView *view = idw_present_page_get_qr_view (page);
  GtkWidget *header = find_widget_of_type (GTK_WIDGET (window), ADW_TYPE_HEADER_BAR);
  GtkWidget *copy = find_widget (GTK_WIDGET (page), is_button_labelled, _("Copy as _Text"));
  GdkMonitor *monitor;
  GdkRectangle screen;
  int module;

  g_assert_nonnull (header);
  g_assert_nonnull (copy);
  g_assert_true (gtk_widget_get_mapped (header));
  module = assert_large (view, "Full ID, 900 × 680");

  monitor = g_list_model_get_item (gdk_display_get_monitors (gtk_widget_get_display (GTK_WIDGET (window))), 0);
  gdk_monitor_get_geometry (monitor, &screen);
  g_object_unref (monitor);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "present.toggle-fullscreen", NULL));
  be_window_manager (GTK_WINDOW (window), TRUE, screen.width, screen.height);
  ui_wait_until (is_fullscreen, window, 30 * 1000, "the window is fullscreen");
  settle (300);

  /* The code alone: no header bar, no buttons, and larger than before. */
  g_assert_false (gtk_widget_get_mapped (header));
  g_assert_false (gtk_widget_get_mapped (copy));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (view)));
  /* A small button to leave, over the code's white. */
  g_assert_true (gtk_widget_get_mapped (find_widget (GTK_WIDGET (page), is_mapped_icon_button,
                                                     "view-restore-symbolic")));
  g_assert_cmpint (assert_large (view, "Full ID, fullscreen"), >, module);
  /* The focus is on the code, where Esc reaches the page. */
  g_assert_true (gtk_root_get_focus (GTK_ROOT (window)) == GTK_WIDGET (view));
  screenshot (GTK_WIDGET (window), "full-fullscreen");

  /* Esc asks to leave; the window manager does it; all comes back. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "present.leave-fullscreen", NULL));
  be_window_manager (GTK_WINDOW (window), FALSE, 900, 680);
  ui_wait_until (is_not_fullscreen, window, 30 * 1000, "the window leaves fullscreen");
  settle (300);
  g_assert_true (gtk_widget_get_mapped (header));
  g_assert_true (gtk_widget_get_mapped (copy));

  close_window (window);
}

/* A reply to a remote request for the name and photo: the dialog shows it
 * as an animated code that carries the portrait and the nonce. */
static void
test_respond (void)
{
  IdwWindow *window = open_window (900, 680);
  IdwWalletView *wallet = idw_window_get_wallet_view (window);
  IdwCredential *credential;
  g_autofree char *fingerprint = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwKey) key = NULL;
  g_autoptr(IdwRemoteRequest) request = NULL;
  g_autoptr(IdwVerdict) verdict = NULL;
  g_autofree char *request_text = NULL;
  g_autofree char *text = NULL;
  IdwRespondDialog *dialog;
  IdwQrView *view;

  idw_wallet_view_open_card (wallet, cred_id);
  ui_wait_until (visible_page_is_card, wallet, 30 * 1000, "the card shows");
  credential = idw_card_page_get_credential (IDW_CARD_PAGE (idw_wallet_view_get_visible_page (wallet)));
  fingerprint = idw_key_get_fingerprint (idw_credential_get_device_key (credential));
  key = idw_keystore_lookup_device_key_sync (fingerprint, NULL, &error);
  g_assert_no_error (error);

  request = idw_remote_request_new_preset (IDW_DOCTYPE_MDL, IDW_PRESET_NAME_PHOTO, "City Library", &error);
  g_assert_no_error (error);
  request_text = idw_remote_request_to_text (request);

  dialog = idw_respond_dialog_new (GTK_WINDOW (window), credential, key);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (idw_respond_dialog_set_request (dialog, request_text));
  ui_wait_until (mapped_with_size, dialog, 30 * 1000, "the dialog shows");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "respond.share", NULL));

  view = IDW_QR_VIEW (find_widget_of_type (GTK_WIDGET (dialog), IDW_TYPE_QR_VIEW));
  ui_wait_until (mapped_with_size, view, 30 * 1000, "the reply's code shows");
  settle (400);
  g_assert_cmpstr (idw_qr_view_get_text (view), ==, idw_respond_dialog_get_response (dialog));
  assert_large (view, "reply, 520 × 640 dialog");
  screenshot (GTK_WIDGET (dialog), "respond");

  text = collect (view);
  g_assert_cmpstr (text, ==, idw_respond_dialog_get_response (dialog));
  verdict = verify (text, request->nonce);
  g_assert_nonnull (idw_verdict_lookup (verdict, IDW_NAMESPACE_MDL, "portrait"));

  gtk_window_destroy (GTK_WINDOW (dialog));
  close_window (window);
}

int
main (int   argc,
      char *argv[])
{
  const char *language = g_getenv ("LANGUAGE");
  int ret;

  /* A private profile before GLib reads it. */
  tmp_root = test_private_home_new ("idw-ui-animated-XXXXXX");
  g_unsetenv ("IDW_CAMERA_PIPELINE");
  g_setenv ("IDW_CAMERA_PORTAL", "0", TRUE);
  /* Accessible properties are kept where the test can read them. */
  g_setenv ("GTK_A11Y", "test", TRUE);

  /* The catalogues of this build, as main() binds the installed ones. */
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("IDW_TEST_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_test_init (&argc, &argv, NULL);

  if (language != NULL && g_str_has_prefix (language, "zh"))
    {
      /* The interface is really in Chinese, or the sizes prove nothing. */
      g_assert_cmpstr (_("Copy as _Text"), !=, "Copy as _Text");
      suffix = "-zh_CN";
    }

  issue_credential ();
  app = ui_test_app_new ();

  g_test_add_func ("/ui/present-animated/full-id-default-size", test_full_default);
  g_test_add_func ("/ui/present-animated/narrow", test_narrow);
  if (*suffix == '\0')
    {
      g_test_add_func ("/ui/present-animated/presets-dark", test_presets_dark);
      g_test_add_func ("/ui/present-animated/fullscreen", test_fullscreen);
      g_test_add_func ("/ui/present-animated/respond", test_respond);
    }

  ret = g_test_run ();

  /* The ID's key leaves the session's keyring as it came. */
  if (cred_id != NULL)
    {
      IdwWindow *window = open_window (900, 680);
      g_autoptr(GError) error = NULL;

      g_assert_true (idw_store_delete_sync (idw_wallet_view_get_store (idw_window_get_wallet_view (window)),
                                            cred_id, NULL, &error));
      g_assert_no_error (error);
      close_window (window);
    }

  g_clear_object (&app);
  g_clear_pointer (&iaca, idw_certificate_unref);
  g_clear_pointer (&cred_path, g_free);
  g_clear_pointer (&cred_id, g_free);
  test_tmp_dir_free (tmp_root);

  return ret;
}
