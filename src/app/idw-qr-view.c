/* idw-qr-view.c: a QR code drawn crisply
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every module is a whole number of pixels wide, dark modules are drawn as
 * pixel-aligned rectangles (no scaling, no smoothing), and the code always
 * sits on a white backing with its 4-module quiet zone: scanners need dark
 * on light, whatever the style of the desktop.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "idw-qr-view.h"

#define MIN_MODULE_SIZE     2
#define NATURAL_MODULE_SIZE 6

struct _IdwQrView
{
  GtkWidget    parent_instance;

  char        *text;
  IdwQrMatrix *matrix;
};

G_DEFINE_FINAL_TYPE (IdwQrView, idw_qr_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
idw_qr_view_new (void)
{
  return g_object_new (IDW_TYPE_QR_VIEW, NULL);
}

static int
modules_per_side (IdwQrView *self)
{
  return self->matrix->size + 2 * IDW_QR_QUIET_ZONE;
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
  int side;

  g_return_val_if_fail (IDW_IS_QR_VIEW (self), 0);

  if (self->matrix == NULL)
    return 0;

  side = MIN (gtk_widget_get_width (GTK_WIDGET (self)),
              gtk_widget_get_height (GTK_WIDGET (self)));

  return MAX (1, side / modules_per_side (self));
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

  module = idw_qr_view_get_module_size (self);
  side = module * modules_per_side (self);
  x0 = (width - side) / 2;
  y0 = (height - side) / 2;
  quiet = IDW_QR_QUIET_ZONE * module;

  /* The rounding stays well inside the quiet zone. */
  gsk_rounded_rect_init_from_rect (&backing,
                                   &GRAPHENE_RECT_INIT (x0, y0, side, side),
                                   MIN (quiet / 2.f, 12.f));
  gtk_snapshot_push_rounded_clip (snapshot, &backing);
  gtk_snapshot_append_color (snapshot, &white, &GRAPHENE_RECT_INIT (x0, y0, side, side));
  gtk_snapshot_pop (snapshot);

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
  int modules = self->matrix != NULL ? modules_per_side (self) : 0;

  *minimum = modules * MIN_MODULE_SIZE;
  *natural = modules * NATURAL_MODULE_SIZE;
}

static GtkSizeRequestMode
idw_qr_view_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_CONSTANT_SIZE;
}

/**
 * idw_qr_view_set_text:
 * @text: the text to encode
 *
 * Encodes @text and shows it. On failure the view is cleared.
 *
 * Returns: %FALSE with IDW_ERROR_TOO_LARGE_FOR_QR when @text does not fit
 */
gboolean
idw_qr_view_set_text (IdwQrView   *self,
                      const char  *text,
                      GError     **error)
{
  g_autoptr(IdwQrMatrix) matrix = NULL;

  g_return_val_if_fail (IDW_IS_QR_VIEW (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  if (g_strcmp0 (text, self->text) == 0)
    return TRUE;

  matrix = idw_qr_encode (text, error);
  if (matrix == NULL)
    {
      idw_qr_view_clear (self);
      return FALSE;
    }

  g_clear_pointer (&self->matrix, idw_qr_matrix_free);
  self->matrix = g_steal_pointer (&matrix);
  g_free (self->text);
  self->text = g_strdup (text);

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
 * Returns: (nullable) (transfer none): the module matrix being drawn
 */
const IdwQrMatrix *
idw_qr_view_get_matrix (IdwQrView *self)
{
  g_return_val_if_fail (IDW_IS_QR_VIEW (self), NULL);

  return self->matrix;
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

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
idw_qr_view_finalize (GObject *object)
{
  IdwQrView *self = IDW_QR_VIEW (object);

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
  object_class->finalize = idw_qr_view_finalize;

  widget_class->snapshot = idw_qr_view_snapshot;
  widget_class->measure = idw_qr_view_measure;
  widget_class->get_request_mode = idw_qr_view_get_request_mode;

  properties[PROP_TEXT] =
    g_param_spec_string ("text", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "idwqrview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
idw_qr_view_init (IdwQrView *self)
{
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("QR code with your ID presentation"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Let the verifier scan this code with their camera. It holds only the details you chose to share."),
                                  -1);
}
