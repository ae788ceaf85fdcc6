/* ui-test-util.h: helpers the UI tests share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "idw-application.h"
#include "idw-qr-view.h"
#include "test-util.h"

/* The first widget at or below @root that @match accepts, depth first. */
static inline GtkWidget *
find_widget (GtkWidget *root,
             gboolean (*match) (GtkWidget *, gconstpointer),
             gconstpointer data)
{
  if (match (root, data))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, data);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static inline gboolean
is_type (GtkWidget     *widget,
         gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

/* The first widget of @type at or below @root, depth first. */
static inline GtkWidget *
find_widget_of_type (GtkWidget *root,
                     GType      type)
{
  return find_widget (root, is_type, GSIZE_TO_POINTER (type));
}

/* How many visible windows of @type there are; the last of them goes to
 * @out (NULL when none) unless @out is NULL. */
static inline guint
ui_visible_toplevels (GType       type,
                      GtkWidget **out)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint n = 0;

  if (out != NULL)
    *out = NULL;
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (window))
        {
          n++;
          if (out != NULL)
            *out = window;
        }
    }
  return n;
}

/* Runs the main loop until @condition (@data) holds: %FALSE when it did
 * not within @timeout_ms milliseconds. */
static inline gboolean
ui_poll_until (gboolean  (*condition) (gpointer),
               gpointer    data,
               guint       timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  return TRUE;
}

/* As ui_poll_until(), and the test stops ("Timed out waiting until
 * @what") when @condition does not hold in time. */
static inline void
ui_wait_until (gboolean  (*condition) (gpointer),
               gpointer    data,
               guint       timeout_ms,
               const char *what)
{
  if (!ui_poll_until (condition, data, timeout_ms))
    g_error ("Timed out waiting until %s", what);
}

/* Runs the main loop for @ms milliseconds. */
static inline void
ui_iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

/* Renders @widget as GTK draws it, over a page of @page's colour, and
 * returns its pixels as gray (the mean of R, G and B), width × height. */
static inline guint8 *
ui_render_gray (GtkWidget     *widget,
                const GdkRGBA *page,
                int           *out_width,
                int           *out_height)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GskRenderer) renderer = gsk_cairo_renderer_new ();
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GError) error = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  g_autofree guint8 *rgba = NULL;
  guint8 *gray;

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  gtk_snapshot_append_color (snapshot, page, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_to_node (snapshot);
  g_assert_nonnull (node);

  gsk_renderer_realize (renderer, NULL, &error);
  g_assert_no_error (error);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  gsk_renderer_unrealize (renderer);

  rgba = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (texture, rgba, (gsize) width * 4);
  gray = g_malloc ((gsize) width * height);
  for (gsize i = 0; i < (gsize) width * height; i++)
    gray[i] = (rgba[i * 4] + rgba[i * 4 + 1] + rgba[i * 4 + 2]) / 3;

  *out_width = width;
  *out_height = height;
  return gray;
}

/* The app, registered (not unique, so that tests can run side by side)
 * but not run: a test drives its windows with the main loop itself. */
static inline IdwApplication *
ui_test_app_new (void)
{
  g_autoptr(GError) error = NULL;
  IdwApplication *app = idw_application_new ();

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  return app;
}

/* ---- Reading the QR view as a camera would ------------------------------ */

typedef struct
{
  IdwQrView         *view;
  IdwFrameCollector *collector;
  guint32            last_seq;
  guint              frames;
  char              *text;
} UiFrameWatch;

/* The text of @matrix, read with zbar from a picture of it. */
static inline char *
ui_qr_matrix_read (const IdwQrMatrix *matrix)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) gray = NULL;
  int side;
  char *text;

  g_assert_nonnull (matrix);
  gray = idw_qr_matrix_render (matrix, 3, &side);
  text = idw_qr_decode_gray (g_bytes_get_data (gray, NULL), side, side, side, &error);
  g_assert_no_error (error);

  return text;
}

static inline gboolean
ui_frame_watch_step (gpointer data)
{
  UiFrameWatch *w = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *frame = NULL;
  guint32 seq = idw_qr_view_get_frame_seq (w->view);
  IdwFrameResult result;

  if (w->frames > 0 && seq == w->last_seq)
    return FALSE;

  frame = ui_qr_matrix_read (idw_qr_view_get_matrix (w->view));
  g_assert_true (g_str_has_prefix (frame, IDW_PREFIX_FRAME));
  w->last_seq = seq;
  w->frames++;
  result = idw_frame_collector_add (w->collector, frame, &w->text, &error);
  g_assert_no_error (error);

  return result == IDW_FRAME_COMPLETE;
}

/* The presentation the mapped @view shows: its one code read, or the frames
 * it plays read into a frame collector until they rebuild the whole.
 * @out_frames (optional) gets how many frames that took (0 for one code). */
static inline char *
ui_qr_view_read (IdwQrView *view,
                 guint     *out_frames)
{
  g_autoptr(IdwFrameCollector) collector = NULL;
  UiFrameWatch w = { view, NULL, 0, 0, NULL };

  if (out_frames != NULL)
    *out_frames = 0;
  if (!idw_qr_view_get_animated (view))
    return ui_qr_matrix_read (idw_qr_view_get_matrix (view));

  collector = idw_frame_collector_new ();
  w.collector = collector;
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (view)));
  g_assert_true (ui_poll_until (ui_frame_watch_step, &w, 30 * 1000));
  if (out_frames != NULL)
    *out_frames = w.frames;

  return w.text;
}
