/* test-ui-verify-animated.c: an animated code read by the Verify view's
 * camera, as a webcam sees a phone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A full ID with a portrait of about 6 KB is too large for one QR code:
 * the holder shows it as a stream of fountain-coded frames (idw-animation.h).
 * Here that stream is made with the engine, 30 % of its frames are lost,
 * each frame that is left becomes a webcam picture of a phone screen
 * (frame-degrade.h: module about 3.5 px, blur, a few degrees of tilt and
 * turn, noise) and the pictures are played to the view as its camera
 * (docs/camera.md). The view must put the frames together, show how far
 * it is, and end on a valid verdict with the holder's face. Frames of two
 * presentations interleaved with stray codes and a damaged frame must give
 * one person's verdict, never a mix; too few frames must give none, and
 * the progress must go away when the stream stops.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <adwaita.h>

#include "frame-degrade.h"
#include "idw-verify-view.h"
#include "idw-window.h"
#include "idwallet.h"
#include "issuer-test-util.h"
#include "portrait-test-util.h"
#include "ui-test-util.h"

#define FPS 10

typedef struct
{
  const char    *family_name;
  const char    *given_name;
  int            portrait_width;
  int            portrait_height;
  IdwCredential *credential;
  IdwKey        *device_key;
} Person;

static Person erika = { "Mustermann", "Erika", 240, 300, NULL, NULL };
static Person jonas = { "Schmidt", "Jonas", 216, 288, NULL, NULL };

static IdwApplication *app;
static IdwWindow *window;
static IdwVerifyView *view;
static TestIssuer *issuer;
static char *tmp_root;

/* ---- Helpers ---------------------------------------------------------- */

static gboolean
state_is (gpointer data)
{
  return g_strcmp0 (idw_verify_view_get_state (view), data) == 0 &&
         gtk_widget_get_mapped (GTK_WIDGET (view));
}

static gboolean
label_matches (GtkWidget     *widget,
               gconstpointer  prefix)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
         g_str_has_prefix (gtk_label_get_label (GTK_LABEL (widget)), prefix);
}

/* A mapped label starting with @prefix, or NULL. */
static GtkLabel *
find_label (const char *prefix)
{
  return GTK_LABEL (find_widget (GTK_WIDGET (view), label_matches, prefix));
}

static gboolean
is_large_portrait (GtkWidget     *widget,
                   gconstpointer  data)
{
  return GTK_IS_PICTURE (widget) && gtk_widget_has_css_class (widget, "idw-holder-portrait");
}

static char *
person_name (const Person *person)
{
  return g_strdup_printf ("%s %s", person->given_name, person->family_name);
}

static void
screenshot (const char *name)
{
  const char *dir = g_getenv ("IDW_SCREENSHOT_DIR");
  g_autofree char *path = NULL;
  g_autofree char *command = NULL;

  if (dir == NULL)
    return;

  ui_iterate_for (700);
  path = g_strdup_printf ("%s/verify-%s.png", dir, name);
  command = g_strdup_printf ("import -window root -crop %dx%d+0+0 +repage %s",
                             gtk_widget_get_width (GTK_WIDGET (window)),
                             gtk_widget_get_height (GTK_WIDGET (window)), path);
  g_spawn_command_line_sync (command, NULL, NULL, NULL, NULL);
}

/* ---- Frames ----------------------------------------------------------- */

typedef struct
{
  char  *dir;
  guint  n_files;
  GRand *rand;
} Reel;

static Reel *
reel_new (const char *name,
          guint32     seed)
{
  Reel *reel = g_new0 (Reel, 1);

  reel->dir = g_build_filename (tmp_root, name, NULL);
  reel->rand = g_rand_new_with_seed (seed);
  g_assert_cmpint (g_mkdir_with_parents (reel->dir, 0700), ==, 0);

  return reel;
}

static void
reel_free (Reel *reel)
{
  g_free (reel->dir);
  g_rand_free (reel->rand);
  g_free (reel);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Reel, reel_free)

/* Adds the webcam's picture of @text as a QR code on a phone: about 3.5 px
 * a module, a little turned and tilted, blurred and noisy. */
static void
reel_add_code (Reel       *reel,
               IdwQrMatrix *matrix)
{
  const int scale = 4;
  g_autoptr(GBytes) code = NULL;
  g_autoptr(GdkPixbuf) frame = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("frame-%03u.png", reel->n_files++);
  g_autofree char *path = g_build_filename (reel->dir, name, NULL);
  FrameDegradeParams params;
  int side;

  code = idw_qr_matrix_render (matrix, scale, &side);
  frame_degrade_params_init (&params);
  params.seed = g_rand_int (reel->rand);
  params.module_px = g_rand_double_range (reel->rand, 3.3, 3.8);
  params.rotation = g_rand_double_range (reel->rand, -4.0, 4.0);
  params.tilt = g_rand_double_range (reel->rand, 2.0, 6.0);
  params.tilt_axis = g_rand_double_range (reel->rand, 0.0, 360.0);
  params.blur = g_rand_double_range (reel->rand, 0.6, 1.0);
  params.noise = g_rand_double_range (reel->rand, 2.0, 5.0);

  frame = frame_degrade_render_pixbuf (g_bytes_get_data (code, NULL), side, side, side,
                                       scale, &params, &error);
  g_assert_no_error (error);
  g_assert_true (gdk_pixbuf_save (frame, path, "png", &error, "compression", "1", NULL));
  g_assert_no_error (error);
}

static void
reel_add_text (Reel       *reel,
               const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwQrMatrix) matrix = idw_qr_encode_low (text, &error);

  g_assert_no_error (error);
  reel_add_code (reel, matrix);
}

static void
reel_add_frame (Reel         *reel,
                IdwAnimation *animation,
                guint32       seq)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(IdwQrMatrix) matrix = idw_animation_get_frame_matrix (animation, seq, &error);

  g_assert_no_error (error);
  reel_add_code (reel, matrix);
}

/* A stray code, as a web address on a poster behind the phone. */
static void
reel_add_stray (Reel *reel)
{
  g_autofree char *text = g_strdup_printf ("HTTPS://EXAMPLE.ORG/%08X", g_rand_int (reel->rand));

  reel_add_text (reel, text);
}

/* A frame whose data were damaged (one Base45 character changed): a QR code
 * that reads, with a checksum that does not match. */
static void
reel_add_damaged (Reel         *reel,
                  IdwAnimation *animation,
                  guint32       seq)
{
  g_autofree char *text = idw_animation_get_frame_text (animation, seq);
  gsize at = strlen (IDW_PREFIX_FRAME) + 30;

  g_assert_cmpuint (strlen (text), >, at);
  text[at] = text[at] == 'A' ? 'B' : 'A';
  reel_add_text (reel, text);
}

/* The animation of @person's full ID, presented now. */
static IdwAnimation *
animate (const Person *person)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) paths = idw_credential_get_preset_paths (person->credential, IDW_PRESET_FULL);
  g_autofree char *text = idw_present_text (person->credential, person->device_key,
                                            (const char * const *) paths, NULL, NULL, &error);
  IdwAnimation *animation;

  g_assert_no_error (error);
  /* Too large for one code: that is the point. */
  g_assert_false (idw_animation_fits_one_frame (text));
  animation = idw_animation_new (text, &error);
  g_assert_no_error (error);
  g_test_message ("%s: %zu characters, %u blocks of %zu bytes", person->given_name,
                  strlen (text), idw_animation_get_n_blocks (animation),
                  idw_animation_get_block_size (animation));

  return animation;
}

/* ---- Playing ---------------------------------------------------------- */

typedef struct
{
  gboolean receiving_seen;
  int      last_percent;
  gint64   last;
  gint64   max_gap;
} Watch;

static gboolean
watch_tick (gpointer data)
{
  Watch *watch = data;
  GtkLabel *label = find_label ("Receiving the ID… ");
  gint64 now = g_get_monotonic_time ();

  if (watch->last != 0)
    watch->max_gap = MAX (watch->max_gap, now - watch->last);
  watch->last = now;

  if (label != NULL)
    {
      watch->receiving_seen = TRUE;
      watch->last_percent = atoi (gtk_label_get_label (label) + strlen ("Receiving the ID… "));
      if (g_getenv ("IDW_SCREENSHOT_DIR") != NULL && watch->last_percent >= 20 &&
          g_getenv ("IDW_TEST_RECEIVING_SHOT") == NULL)
        {
          g_setenv ("IDW_TEST_RECEIVING_SHOT", "1", TRUE);
          screenshot ("receiving");
        }
    }

  return G_SOURCE_CONTINUE;
}

/* Plays @reel as the camera from the start of the Verify view; TRUE when a
 * verdict came within the time the frames take and @extra_ms more. */
static gboolean
play (Reel  *reel,
      guint  extra_ms,
      Watch *watch)
{
  g_autofree char *pipeline = g_strdup_printf ("multifilesrc location=%s/frame-%%03d.png index=0 "
                                               "caps=image/png,framerate=%d/1 ! pngdec ! videoconvert",
                                               reel->dir, FPS);
  guint source;
  gboolean done;

  g_setenv ("IDW_CAMERA_PIPELINE", pipeline, TRUE);
  source = g_timeout_add (20, watch_tick, watch);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "verify.again", NULL));
  g_assert_true (ui_poll_until ((gpointer) state_is, "scan", 20000));
  done = ui_poll_until ((gpointer) state_is, "result", reel->n_files * 1000 / FPS + extra_ms);

  g_source_remove (source);
  g_unsetenv ("IDW_CAMERA_PIPELINE");

  return done;
}

/* The verdict is @person's, valid, with their face large beside their
 * name. */
static void
assert_valid_face (const Person *person)
{
  IdwVerdict *verdict = idw_verify_view_get_verdict (view);
  g_autofree char *name = person_name (person);
  GtkWidget *picture;
  GdkPaintable *paintable;
  cbor_item_t *family;

  g_assert_nonnull (verdict);
  g_assert_true (idw_verdict_is_valid (verdict));
  family = idw_verdict_lookup (verdict, IDW_NAMESPACE_MDL, "family_name");
  g_assert_nonnull (family);
  g_assert_cmpmem (cbor_string_handle (family), cbor_string_length (family),
                   person->family_name, strlen (person->family_name));
  g_assert_nonnull (find_label ("Valid ID"));
  g_assert_nonnull (find_label (name));

  ui_iterate_for (100);
  picture = find_widget (GTK_WIDGET (view), is_large_portrait, NULL);
  g_assert_nonnull (picture);
  g_assert_true (gtk_widget_get_mapped (picture));
  paintable = gtk_picture_get_paintable (GTK_PICTURE (picture));
  g_assert_nonnull (paintable);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, person->portrait_width);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (paintable), ==, person->portrait_height);
  g_assert_cmpint (gtk_widget_get_height (picture), >=, 160);
}

/* ---- Tests ------------------------------------------------------------ */

/* 30 % of the frames lost, the rest as a webcam sees them. */
static void
test_lossy (void)
{
  g_autoptr(IdwAnimation) animation = animate (&erika);
  g_autoptr(Reel) reel = reel_new ("lossy", 18013);
  guint n_blocks = idw_animation_get_n_blocks (animation);
  guint n_stream = n_blocks * 3;
  Watch watch = { 0 };

  for (guint32 seq = 0; seq < n_stream; seq++)
    if (g_rand_double (reel->rand) >= 0.30)
      reel_add_frame (reel, animation, seq);
  g_test_message ("lossy: %u of %u frames kept", reel->n_files, n_stream);
  g_assert_cmpuint (reel->n_files, >, n_blocks + n_blocks / 2);

  g_assert_true (play (reel, 5000, &watch));
  g_assert_true (watch.receiving_seen);
  g_assert_cmpint (watch.last_percent, >, 0);
  g_assert_cmpint (watch.last_percent, <, 100);
  assert_valid_face (&erika);
  screenshot ("animated-valid");

  /* The preview and the decoding never stalled the main loop (but for
   * taking a picture of it). */
  g_test_message ("lossy: longest gap %" G_GINT64_FORMAT " ms", watch.max_gap / 1000);
  if (g_getenv ("IDW_SCREENSHOT_DIR") == NULL)
    g_assert_cmpint (watch.max_gap, <, 250 * 1000);
}

/* Two people's streams interleaved, with stray codes and damaged frames:
 * one person's verdict, never a mix. */
static void
test_mixed (void)
{
  g_autoptr(IdwAnimation) first = animate (&erika);
  g_autoptr(IdwAnimation) second = animate (&jonas);
  g_autoptr(Reel) reel = reel_new ("mixed", 23220);
  guint n_stream = MAX (idw_animation_get_n_blocks (first), idw_animation_get_n_blocks (second)) * 3;
  IdwVerdict *verdict;
  cbor_item_t *family;
  const Person *shown;

  for (guint32 seq = 0; seq < n_stream; seq++)
    {
      double dice = g_rand_double (reel->rand);

      reel_add_frame (reel, seq % 2 == 0 ? first : second, seq);
      reel_add_frame (reel, seq % 2 == 0 ? second : first, seq + 1000);
      if (dice < 0.15)
        reel_add_stray (reel);
      else if (dice < 0.30)
        reel_add_damaged (reel, dice < 0.22 ? first : second, seq + 2000);
    }
  g_test_message ("mixed: %u frames", reel->n_files);

  g_assert_true (play (reel, 5000, &(Watch) { 0 }));

  verdict = idw_verify_view_get_verdict (view);
  g_assert_nonnull (verdict);
  family = idw_verdict_lookup (verdict, IDW_NAMESPACE_MDL, "family_name");
  g_assert_nonnull (family);
  shown = cbor_string_length (family) == strlen (erika.family_name) &&
          memcmp (cbor_string_handle (family), erika.family_name, strlen (erika.family_name)) == 0
          ? &erika : &jonas;
  g_test_message ("mixed: %s's ID", shown->given_name);
  assert_valid_face (shown);
  /* Nothing of the other person. */
  {
    const Person *other = shown == &erika ? &jonas : &erika;
    g_autofree char *other_name = person_name (other);

    g_assert_null (find_label (other_name));
  }
}

/* Too few frames (80 % lost) never make a verdict, and the progress goes
 * away once the stream stops. */
static gboolean
not_receiving (gpointer data)
{
  return find_label ("Receiving the ID… ") == NULL;
}

static void
test_too_few (void)
{
  g_autoptr(IdwAnimation) animation = animate (&erika);
  g_autoptr(Reel) reel = reel_new ("too-few", 6502);
  guint n_blocks = idw_animation_get_n_blocks (animation);
  Watch watch = { 0 };

  for (guint32 seq = 0; seq < n_blocks * 3; seq++)
    if (g_rand_double (reel->rand) >= 0.80 && reel->n_files < n_blocks - 2)
      reel_add_frame (reel, animation, seq);
  g_test_message ("too few: %u frames for %u blocks", reel->n_files, n_blocks);
  g_assert_cmpuint (reel->n_files, >, 0);

  g_assert_false (play (reel, 1000, &watch));
  g_assert_true (watch.receiving_seen);
  g_assert_true (state_is ("scan"));
  /* The stream ended: the half-read ID does not linger. */
  g_assert_true (ui_poll_until (not_receiving, NULL, 6000));
  g_assert_nonnull (find_label ("Hold the QR code inside the frame"));
}

/* ---- Setup ------------------------------------------------------------ */

/* A portrait JPEG of about 6 KB: grain enough not to compress away, at
 * the best quality that stays under 6 KB. */
static GBytes *
portrait_of_about_6k (const Person *person,
                      guint32       seed)
{
  for (int quality = 95; quality >= 20; quality -= 5)
    {
      g_autoptr(GBytes) jpeg = test_portrait_jpeg (person->portrait_width, person->portrait_height,
                                                   24, quality, seed);

      if (g_bytes_get_size (jpeg) <= 6 * 1024)
        {
          g_test_message ("%s's portrait: %zu bytes at quality %d", person->given_name,
                          g_bytes_get_size (jpeg), quality);
          g_assert_cmpuint (g_bytes_get_size (jpeg), >=, 5 * 1024);
          return g_steal_pointer (&jpeg);
        }
    }

  g_assert_not_reached ();
}

static void
issue (Person  *person,
       guint32  seed)
{
  g_autoptr(GBytes) jpeg = portrait_of_about_6k (person, seed);
  g_autofree char *portrait = test_portrait_json (jpeg);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  json = g_strdup_printf ("{\"org.iso.18013.5.1\": {"
                          " \"family_name\": \"%s\", \"given_name\": \"%s\","
                          " \"birth_date\": \"1990-05-17\", \"birth_place\": \"Köln\","
                          " \"issue_date\": \"2024-01-02\", \"expiry_date\": \"2034-01-01\","
                          " \"issuing_country\": \"DE\", \"issuing_authority\": \"Stadt Köln\","
                          " \"document_number\": \"T22000129\", \"sex\": 2, \"height\": 172,"
                          " \"nationality\": \"DE\", \"resident_address\": \"Heidestraße 17\","
                          " \"resident_city\": \"Köln\", \"resident_postal_code\": \"51147\","
                          " \"age_over_18\": true, \"age_over_21\": true, \"age_over_65\": false,"
                          " \"portrait\": %s}}",
                          person->family_name, person->given_name, portrait);
  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);

  person->device_key = idw_key_generate_ed25519 ();
  person->credential = idw_issue_credential (json_node_get_object (json_parser_get_root (parser)),
                                             NULL, person->device_key, issuer->ds_key, issuer->ds,
                                             NULL, &error);
  g_assert_no_error (error);
}

static void
forget (Person *person)
{
  g_clear_object (&person->credential);
  g_clear_pointer (&person->device_key, idw_key_unref);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = NULL;
  g_autoptr(IdwTrustStore) store = NULL;
  g_autoptr(GError) error = NULL;
  int ret;

  /* Before anything reads it. */
  tmp_root = test_tmp_dir_new ("idw-ui-verify-animated-XXXXXX");
  data_home = g_build_filename (tmp_root, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_unsetenv ("IDW_CAMERA_PIPELINE");
  g_unsetenv ("IDW_TEST_RECEIVING_SHOT");
  g_setenv ("IDW_CAMERA_PORTAL", "0", TRUE);

  g_test_init (&argc, &argv, NULL);

  issuer = test_issuer_new ();
  store = idw_trust_store_new (NULL);
  g_assert_true (idw_trust_store_add (store, issuer->iaca, NULL, &error));
  g_assert_no_error (error);
  issue (&erika, 1);
  issue (&jonas, 2);

  app = ui_test_app_new ();
  window = idw_window_new (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 900, 720);
  gtk_window_present (GTK_WINDOW (window));
  view = IDW_VERIFY_VIEW (find_widget_of_type (GTK_WIDGET (window), IDW_TYPE_VERIFY_VIEW));
  g_assert_nonnull (view);
  idw_window_show_view (window, "verify");
  /* The view looked for a camera as it appeared: none, before any test
   * gives it frames to play. */
  g_assert_true (ui_poll_until ((gpointer) state_is, "no-camera", 15000));

  g_test_add_func ("/ui/verify-animated/lossy", test_lossy);
  g_test_add_func ("/ui/verify-animated/mixed", test_mixed);
  g_test_add_func ("/ui/verify-animated/too-few", test_too_few);

  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  ui_iterate_for (100);
  g_clear_object (&app);
  forget (&erika);
  forget (&jonas);
  g_clear_pointer (&issuer, test_issuer_free);
  test_tmp_dir_free (tmp_root);

  return ret;
}
