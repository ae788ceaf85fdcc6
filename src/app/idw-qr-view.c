/* idw-qr-view.c: a QR code drawn crisply, or a stream of them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every module is a whole number of pixels wide, dark modules are drawn as
 * pixel-aligned rectangles (no scaling, no smoothing), and the code always
 * sits on a white backing with its quiet zone: scanners need dark on
 * light, whatever the style of the desktop.
 *
 * A presentation too large for one code of a density webcams read
 * (idw-animation.h) is played as fountain-coded frames, IDW_ANIMATION_FPS
 * a second, each encoded when it is due, and only while the view is on
 * screen.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "idw-qr-view.h"
#include "idw-ui-util.h"

#define MIN_MODULE_SIZE     2
#define NATURAL_MODULE_SIZE 6
/* Below this many pixels per module, the quiet zone shrinks to
 * TIGHT_QUIET_ZONE modules to make the modules larger: zbar and phone
 * scanners read a 2-module quiet zone on a white screen well. */
#define COMFORTABLE_MODULE_SIZE 4
#define TIGHT_QUIET_ZONE        2

struct _IdwQrView
{
  GtkWidget     parent_instance;

  char         *text;
  IdwQrMatrix  *matrix;

  IdwAnimation *animation;   /* NULL for one code */
  guint32       seq;         /* the frame in matrix */
  guint         tick_id;
  gint64        start_time;  /* frame time at which start_seq showed; 0 before the first tick */
  guint32       start_seq;
};

G_DEFINE_FINAL_TYPE (IdwQrView, idw_qr_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TEXT,
  PROP_ANIMATED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
idw_qr_view_new (void)
{
  return g_object_new (IDW_TYPE_QR_VIEW, NULL);
}

/* Pixels per module and modules of quiet zone for the code in a square of
 * @side pixels: the full quiet zone, unless that leaves the modules
 * smaller than is comfortable and the narrow one makes them larger. */
static void
get_geometry (IdwQrView *self,
              int        side,
              int       *out_module,
              int       *out_quiet)
{
  int module = side / (self->matrix->size + 2 * IDW_QR_QUIET_ZONE);
  int quiet = IDW_QR_QUIET_ZONE;

  if (module < COMFORTABLE_MODULE_SIZE)
    {
      int tight = side / (self->matrix->size + 2 * TIGHT_QUIET_ZONE);

      if (tight > module)
        {
          module = tight;
          quiet = TIGHT_QUIET_ZONE;
        }
    }

  *out_module = MAX (1, module);
  *out_quiet = quiet;
}

static int
allocated_side (IdwQrView *self)
{
  return MIN (gtk_widget_get_width (GTK_WIDGET (self)),
              gtk_widget_get_height (GTK_WIDGET (self)));
}

/**
 * idw_qr_view_get_module_size:
 *
 * Returns: the pixels per module the code is drawn with at the widget's
 *   current size, or 0 when nothing is shown
 */
int
idw_qr_view_get_module_size (IdwQrView *self)
{
  int module, quiet;

  g_return_val_if_fail (IDW_IS_QR_VIEW (self), 0);

  if (self->matrix == NULL)
    return 0;

  get_geometry (self, allocated_side (self), &module, &quiet);
  return module;
}

/**
 * idw_qr_view_get_quiet_zone:
 *
 * Returns: the modules of white drawn around the code at the widget's
 *   current size (IDW_QR_QUIET_ZONE, or fewer where space is tight), or 0
 *   when nothing is shown
 */
int
idw_qr_view_get_quiet_zone (IdwQrView *self)
{
  int module, quiet;

  g_return_val_if_fail (IDW_IS_QR_VIEW (self), 0);

  if (self->matrix == NULL)
    return 0;

  get_geometry (self, allocated_side (self), &module, &quiet);
  return quiet;
}

static void
idw_qr_view_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  IdwQrView *self = IDW_QR_VIEW (widget);
  static const GdkRGBA white = { 1, 1, 1, 1 };
  static const GdkRGBA black = { 0, 0, 0, 1 };
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  int module, side, x0, y0, quiet;
  GskRoundedRect backing;

  if (self->matrix == NULL)
    return;

  get_geometry (self, MIN (width, height), &module, &quiet);
  side = module * (self->matrix->size + 2 * quiet);
  x0 = (width - side) / 2;
  y0 = (height - side) / 2;
  quiet *= module;

  /* The rounding stays well inside the quiet zone. */
  gsk_rounded_rect_init_from_rect (&backing,
                                   &GRAPHENE_RECT_INIT (x0, y0, side, side),
                                   MIN (quiet / 2.f, 12.f));
  gtk_snapshot_push_rounded_clip (snapshot, &backing);
  gtk_snapshot_append_color (snapshot, &white, &GRAPHENE_RECT_INIT (x0, y0, side, side));
  gtk_snapshot_pop (snapshot);

  /* The focus ring hugs the code, outside its white, not the whole
   * widget (which is as large as the page gives it). */
  if (gtk_widget_has_visible_focus (widget))
    {
      GdkRGBA accent = { 0.21, 0.52, 0.89, 1 };
      GskRoundedRect ring;

      gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "accent_color", &accent);
      accent.alpha = 0.5;
      gsk_rounded_rect_init_from_rect (&ring,
                                       &GRAPHENE_RECT_INIT (x0 - 4, y0 - 4, side + 8, side + 8),
                                       MIN (quiet / 2.f, 12.f) + 4);
      gtk_snapshot_append_border (snapshot, &ring,
                                  (float[4]) { 2, 2, 2, 2 },
                                  (GdkRGBA[4]) { accent, accent, accent, accent });
    }

  /* Runs of dark modules along each row, as whole-pixel rectangles. */
  for (int y = 0; y < self->matrix->size; y++)
    {
      int x = 0;

      while (x < self->matrix->size)
        {
          int start;

          if (!idw_qr_matrix_get (self->matrix, x, y))
            {
              x++;
              continue;
            }

          start = x;
          while (x < self->matrix->size && idw_qr_matrix_get (self->matrix, x, y))
            x++;

          gtk_snapshot_append_color (snapshot, &black,
                                     &GRAPHENE_RECT_INIT (x0 + quiet + start * module,
                                                          y0 + quiet + y * module,
                                                          (x - start) * module,
                                                          module));
        }
    }
}

static void
idw_qr_view_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  IdwQrView *self = IDW_QR_VIEW (widget);

  if (self->matrix == NULL)
    {
      *minimum = *natural = 0;
      return;
    }

  *minimum = (self->matrix->size + 2 * TIGHT_QUIET_ZONE) * MIN_MODULE_SIZE;
  *natural = (self->matrix->size + 2 * IDW_QR_QUIET_ZONE) * NATURAL_MODULE_SIZE;
}

static GtkSizeRequestMode
idw_qr_view_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_CONSTANT_SIZE;
}

/* ---- Playing an animation ------------------------------------------- */

static void
update_accessible (IdwQrView *self)
{
  if (self->animation != NULL)
    {
      guint n = idw_animation_get_n_blocks (self->animation);
      g_autofree char *label = NULL;

      /* Translators: the accessible name of a QR code that changes 10 times
       * a second; %u is how many frames hold the whole presentation */
      label = g_strdup_printf (ngettext ("Animated QR code with your ID presentation, %u frame",
                                          "Animated QR code with your ID presentation, %u frames", n),
                               n);
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      idw_ui_set_description (GTK_WIDGET (self),
                              _("Let the verifier’s camera watch the code until it has read enough frames. It holds only the details you chose to share."));
    }
  else
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("QR code with your ID presentation"), -1);
      idw_ui_set_description (GTK_WIDGET (self),
                              _("Let the verifier scan this code with their camera. It holds only the details you chose to share."));
    }
}

/* Draws frame @seq of the animation. */
static void
show_frame (IdwQrView *self,
            guint32    seq)
{
  g_autoptr(GError) error = NULL;
  IdwQrMatrix *matrix;
  gboolean same_size;

  matrix = idw_animation_get_frame_matrix (self->animation, seq, &error);
  if (matrix == NULL)
    {
      /* Every frame has the size of the first: this is a bug. */
      g_critical ("Frame %u of the animation: %s", seq, error->message);
      return;
    }

  same_size = self->matrix != NULL && self->matrix->size == matrix->size;
  g_clear_pointer (&self->matrix, idw_qr_matrix_free);
  self->matrix = matrix;
  self->seq = seq;

  if (same_size)
    gtk_widget_queue_draw (GTK_WIDGET (self));
  else
    gtk_widget_queue_resize (GTK_WIDGET (self));
}

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  IdwQrView *self = IDW_QR_VIEW (widget);
  gint64 now = gdk_frame_clock_get_frame_time (clock);
  guint32 seq;

  if (self->start_time == 0)
    {
      self->start_time = now;
      self->start_seq = self->seq;
      return G_SOURCE_CONTINUE;
    }

  /* From the clock, not from counting ticks: the rate holds whatever the
   * refresh rate, and a late tick skips a frame rather than slowing the
   * stream down (any frames rebuild the payload). */
  seq = self->start_seq + (guint32) ((now - self->start_time) * IDW_ANIMATION_FPS / G_USEC_PER_SEC);
  if (seq != self->seq)
    show_frame (self, seq);

  return G_SOURCE_CONTINUE;
}

static void
start_playing (IdwQrView *self)
{
  if (self->animation == NULL || self->tick_id != 0 || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;

  self->start_time = 0;
  self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), tick_cb, NULL, NULL);
}

static void
stop_playing (IdwQrView *self)
{
  if (self->tick_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
  self->tick_id = 0;
}

static void
set_animation (IdwQrView    *self,
               IdwAnimation *animation)
{
  gboolean was_animated = self->animation != NULL;

  stop_playing (self);
  g_clear_pointer (&self->animation, idw_animation_free);
  self->animation = animation;
  self->seq = 0;

  if (was_animated || animation != NULL)
    update_accessible (self);
  if (was_animated != (animation != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ANIMATED]);
}

/**
 * idw_qr_view_set_text:
 * @text: the text to encode
 *
 * Encodes @text and shows it: as one code, or, for an "IDW1:" presentation
 * that does not fit one code of version IDW_ANIMATION_MAX_VERSION, as an
 * endless stream of frames (idw-animation.h) played while the view is
 * mapped. On failure the view is cleared.
 *
 * Returns: %FALSE with IDW_ERROR_TOO_LARGE_FOR_QR when @text does not fit
 *   one code and cannot be animated, or with the errors of
 *   idw_animation_new() (IDW_ERROR_LIMIT for a presentation over
 *   IDW_ANIMATION_MAX_PAYLOAD)
 */
gboolean
idw_qr_view_set_text (IdwQrView   *self,
                      const char  *text,
                      GError     **error)
{
  g_autoptr(IdwQrMatrix) matrix = NULL;
  g_autoptr(IdwAnimation) animation = NULL;

  g_return_val_if_fail (IDW_IS_QR_VIEW (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (g_strcmp0 (text, self->text) == 0)
    return TRUE;

  if (!g_str_has_prefix (text, IDW_PREFIX_PRESENTATION))
    {
      matrix = idw_qr_encode (text, error);
    }
  else if (idw_animation_fits_one_frame (text))
    {
      /* Level L, as the frames: the fewest modules, so the largest. */
      matrix = idw_qr_encode_low (text, error);
    }
  else
    {
      animation = idw_animation_new (text, error);
      if (animation != NULL)
        matrix = idw_animation_get_frame_matrix (animation, 0, error);
    }

  if (matrix == NULL)
    {
      idw_qr_view_clear (self);
      return FALSE;
    }

  set_animation (self, g_steal_pointer (&animation));
  g_clear_pointer (&self->matrix, idw_qr_matrix_free);
  self->matrix = g_steal_pointer (&matrix);
  g_free (self->text);
  self->text = g_strdup (text);
  start_playing (self);

  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);

  return TRUE;
}

void
idw_qr_view_clear (IdwQrView *self)
{
  g_return_if_fail (IDW_IS_QR_VIEW (self));

  if (self->matrix == NULL && self->text == NULL)
    return;

  set_animation (self, NULL);
  g_clear_pointer (&self->matrix, idw_qr_matrix_free);
  g_clear_pointer (&self->text, g_free);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEXT]);
}

const char *
idw_qr_view_get_text (IdwQrView *self)
{
  g_return_val_if_fail (IDW_IS_QR_VIEW (self), NULL);

  return self->text;
}

/**
 * idw_qr_view_get_matrix:
 *
 * Returns: (nullable) (transfer none): the module matrix being drawn: the
 *   one code, or the current frame of an animation (valid until the next
 *   frame)
 */
const IdwQrMatrix *
idw_qr_view_get_matrix (IdwQrView *self)
{
  g_return_val_if_fail (IDW_IS_QR_VIEW (self), NULL);

  return self->matrix;
}

gboolean
idw_qr_view_get_animated (IdwQrView *self)
{
  g_return_val_if_fail (IDW_IS_QR_VIEW (self), FALSE);

  return self->animation != NULL;
}

guint
idw_qr_view_get_n_blocks (IdwQrView *self)
{
  g_return_val_if_fail (IDW_IS_QR_VIEW (self), 0);

  return self->animation != NULL ? idw_animation_get_n_blocks (self->animation) : 0;
}

guint32
idw_qr_view_get_frame_seq (IdwQrView *self)
{
  g_return_val_if_fail (IDW_IS_QR_VIEW (self), 0);

  return self->seq;
}

static void
idw_qr_view_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (idw_qr_view_parent_class)->map (widget);

  start_playing (IDW_QR_VIEW (widget));
}

static void
idw_qr_view_unmap (GtkWidget *widget)
{
  /* Off screen, nobody scans: no frames to encode. */
  stop_playing (IDW_QR_VIEW (widget));

  GTK_WIDGET_CLASS (idw_qr_view_parent_class)->unmap (widget);
}

static void
idw_qr_view_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  IdwQrView *self = IDW_QR_VIEW (object);

  switch (prop_id)
    {
    case PROP_TEXT:
      g_value_set_string (value, self->text);
      break;

    case PROP_ANIMATED:
      g_value_set_boolean (value, self->animation != NULL);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
idw_qr_view_dispose (GObject *object)
{
  stop_playing (IDW_QR_VIEW (object));

  G_OBJECT_CLASS (idw_qr_view_parent_class)->dispose (object);
}

static void
idw_qr_view_finalize (GObject *object)
{
  IdwQrView *self = IDW_QR_VIEW (object);

  g_clear_pointer (&self->animation, idw_animation_free);
  g_clear_pointer (&self->matrix, idw_qr_matrix_free);
  g_clear_pointer (&self->text, g_free);

  G_OBJECT_CLASS (idw_qr_view_parent_class)->finalize (object);
}

static void
idw_qr_view_class_init (IdwQrViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = idw_qr_view_get_property;
  object_class->dispose = idw_qr_view_dispose;
  object_class->finalize = idw_qr_view_finalize;

  widget_class->snapshot = idw_qr_view_snapshot;
  widget_class->measure = idw_qr_view_measure;
  widget_class->get_request_mode = idw_qr_view_get_request_mode;
  widget_class->map = idw_qr_view_map;
  widget_class->unmap = idw_qr_view_unmap;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ANIMATED] =
    g_param_spec_boolean ("animated", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "idwqrview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
idw_qr_view_init (IdwQrView *self)
{
  update_accessible (self);
}
