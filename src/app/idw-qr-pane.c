/* idw-qr-pane.c: a QR code and its controls, side by side or one above
 * the other, whichever leaves the code more room
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A webcam reads a code better the larger its modules are, so the code
 * gets a square as large as the pane allows: in a landscape window the
 * controls go in a column beside it, in a portrait or narrow one below
 * it. The code's own white quiet zone may reach the pane's edges; the
 * controls bring their own margins. Hidden controls (fullscreen) leave
 * everything to the code.
 */
#include "config.h"

#include "idw-qr-pane.h"

/* The column of controls beside the code is at most this wide. */
#define BESIDE_MAX_WIDTH 360

struct _IdwQrPane
{
  GtkWidget  parent_instance;

  GtkWidget *code;
  GtkWidget *controls;
  gboolean   beside;
};

static void idw_qr_pane_buildable_init (GtkBuildableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (IdwQrPane, idw_qr_pane, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE, idw_qr_pane_buildable_init))

enum {
  PROP_0,
  PROP_CODE,
  PROP_CONTROLS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

GtkWidget *
idw_qr_pane_new (void)
{
  return g_object_new (IDW_TYPE_QR_PANE, NULL);
}

static gboolean
has_controls (IdwQrPane *self)
{
  return self->controls != NULL && gtk_widget_should_layout (self->controls);
}

static void
measure_child (GtkWidget      *child,
               GtkOrientation  orientation,
               int             for_size,
               int            *minimum,
               int            *natural)
{
  gtk_widget_measure (child, orientation, for_size, minimum, natural, NULL, NULL);
}

/* The controls' width beside a code, and whether they fit there at all in
 * @width × @height with a code of at least its minimum. */
static gboolean
beside_width (IdwQrPane *self,
              int        width,
              int        height,
              int       *out_width)
{
  int code_min, min_w, nat_w, min_h, nat_h, w;

  measure_child (self->controls, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, &nat_w);
  w = CLAMP (nat_w, min_w, MAX (min_w, BESIDE_MAX_WIDTH));
  measure_child (self->code, GTK_ORIENTATION_HORIZONTAL, -1, &code_min, NULL);
  *out_width = w;
  if (width - w < code_min)
    return FALSE;
  if (height < 0)
    return TRUE;

  measure_child (self->controls, GTK_ORIENTATION_VERTICAL, w, &min_h, &nat_h);
  measure_child (self->code, GTK_ORIENTATION_VERTICAL, -1, &code_min, NULL);
  return min_h <= height && code_min <= height;
}

/* The controls' height below a code in @width × @height: their natural
 * height, or less down to their minimum when the code needs the room. */
static int
below_height (IdwQrPane *self,
              int        width,
              int        height)
{
  int code_min, min_h, nat_h;

  measure_child (self->controls, GTK_ORIENTATION_VERTICAL, width, &min_h, &nat_h);
  measure_child (self->code, GTK_ORIENTATION_VERTICAL, width, &code_min, NULL);

  return MAX (min_h, MIN (nat_h, height - code_min));
}

static void
idw_qr_pane_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  IdwQrPane *self = IDW_QR_PANE (widget);
  int code_min = 0, code_nat = 0, min = 0, nat = 0;

  if (self->code != NULL)
    measure_child (self->code, orientation, -1, &code_min, &code_nat);

  if (!has_controls (self))
    {
      *minimum = code_min;
      *natural = code_nat;
      return;
    }

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* At its narrowest, one above the other. */
      measure_child (self->controls, orientation, -1, &min, &nat);
      *minimum = MAX (code_min, min);
      *natural = MAX (code_nat, nat);
      return;
    }

  measure_child (self->controls, orientation, for_size, &min, &nat);
  *minimum = code_min + min;
  *natural = code_nat + nat;

  /* Side by side needs less height, where the width allows it. */
  if (self->code != NULL && for_size >= 0)
    {
      int w;

      if (beside_width (self, for_size, -1, &w))
        {
          measure_child (self->controls, orientation, w, &min, NULL);
          *minimum = MIN (*minimum, MAX (code_min, min));
        }
    }
}

static GtkSizeRequestMode
idw_qr_pane_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
idw_qr_pane_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  IdwQrPane *self = IDW_QR_PANE (widget);
  int below_h, beside_w;
  int below_side, beside_side;
  gboolean beside;

  if (self->code == NULL)
    {
      if (self->controls != NULL)
        gtk_widget_allocate (self->controls, width, height, -1, NULL);
      return;
    }

  if (!has_controls (self))
    {
      gtk_widget_allocate (self->code, width, height, -1, NULL);
      return;
    }

  below_h = below_height (self, width, height);
  below_side = MIN (width, height - below_h);
  beside = beside_width (self, width, height, &beside_w);
  beside_side = MIN (width - beside_w, height);
  beside = beside && beside_side > below_side;

  if (beside)
    {
      int nat_h, h;

      measure_child (self->controls, GTK_ORIENTATION_VERTICAL, beside_w, NULL, &nat_h);
      h = MIN (nat_h, height);
      gtk_widget_allocate (self->code, width - beside_w, height, -1, NULL);
      gtk_widget_allocate (self->controls, beside_w, h, -1,
                           gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (width - beside_w,
                                                                                (height - h) / 2)));
    }
  else
    {
      gtk_widget_allocate (self->code, width, MAX (0, height - below_h), -1, NULL);
      gtk_widget_allocate (self->controls, width, below_h, -1,
                           gsk_transform_translate (NULL, &GRAPHENE_POINT_INIT (0, height - below_h)));
    }

  self->beside = beside;
}

static void
set_child (IdwQrPane  *self,
           GtkWidget **slot,
           GtkWidget  *child,
           GParamSpec *pspec)
{
  if (*slot == child)
    return;

  if (*slot != NULL)
    gtk_widget_unparent (*slot);
  *slot = child;
  if (child != NULL)
    {
      /* The code first: it comes first in the focus chain too. */
      if (slot == &self->code)
        gtk_widget_insert_after (child, GTK_WIDGET (self), NULL);
      else
        gtk_widget_insert_before (child, GTK_WIDGET (self), NULL);
    }

  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

void
idw_qr_pane_set_code (IdwQrPane *self,
                      GtkWidget *code)
{
  g_return_if_fail (IDW_IS_QR_PANE (self));
  g_return_if_fail (code == NULL || GTK_IS_WIDGET (code));

  set_child (self, &self->code, code, properties[PROP_CODE]);
}

GtkWidget *
idw_qr_pane_get_code (IdwQrPane *self)
{
  g_return_val_if_fail (IDW_IS_QR_PANE (self), NULL);

  return self->code;
}

void
idw_qr_pane_set_controls (IdwQrPane *self,
                          GtkWidget *controls)
{
  g_return_if_fail (IDW_IS_QR_PANE (self));
  g_return_if_fail (controls == NULL || GTK_IS_WIDGET (controls));

  set_child (self, &self->controls, controls, properties[PROP_CONTROLS]);
}

GtkWidget *
idw_qr_pane_get_controls (IdwQrPane *self)
{
  g_return_val_if_fail (IDW_IS_QR_PANE (self), NULL);

  return self->controls;
}

/**
 * idw_qr_pane_get_beside:
 *
 * Returns: %TRUE when the last allocation put the controls beside the code
 */
gboolean
idw_qr_pane_get_beside (IdwQrPane *self)
{
  g_return_val_if_fail (IDW_IS_QR_PANE (self), FALSE);

  return self->beside;
}

static GtkBuildableIface *parent_buildable_iface;

/* <child type="code"> and <child type="controls"> in .ui files. */
static void
idw_qr_pane_buildable_add_child (GtkBuildable *buildable,
                                 GtkBuilder   *builder,
                                 GObject      *child,
                                 const char   *type)
{
  IdwQrPane *self = IDW_QR_PANE (buildable);

  if (GTK_IS_WIDGET (child) && g_strcmp0 (type, "code") == 0)
    idw_qr_pane_set_code (self, GTK_WIDGET (child));
  else if (GTK_IS_WIDGET (child) && g_strcmp0 (type, "controls") == 0)
    idw_qr_pane_set_controls (self, GTK_WIDGET (child));
  else
    parent_buildable_iface->add_child (buildable, builder, child, type);
}

static void
idw_qr_pane_buildable_init (GtkBuildableIface *iface)
{
  parent_buildable_iface = g_type_interface_peek_parent (iface);
  iface->add_child = idw_qr_pane_buildable_add_child;
}

static void
idw_qr_pane_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  IdwQrPane *self = IDW_QR_PANE (object);

  switch (prop_id)
    {
    case PROP_CODE:
      g_value_set_object (value, self->code);
      break;

    case PROP_CONTROLS:
      g_value_set_object (value, self->controls);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
idw_qr_pane_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  IdwQrPane *self = IDW_QR_PANE (object);

  switch (prop_id)
    {
    case PROP_CODE:
      idw_qr_pane_set_code (self, g_value_get_object (value));
      break;

    case PROP_CONTROLS:
      idw_qr_pane_set_controls (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
idw_qr_pane_dispose (GObject *object)
{
  IdwQrPane *self = IDW_QR_PANE (object);

  g_clear_pointer (&self->code, gtk_widget_unparent);
  g_clear_pointer (&self->controls, gtk_widget_unparent);

  G_OBJECT_CLASS (idw_qr_pane_parent_class)->dispose (object);
}

static void
idw_qr_pane_class_init (IdwQrPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = idw_qr_pane_get_property;
  object_class->set_property = idw_qr_pane_set_property;
  object_class->dispose = idw_qr_pane_dispose;

  widget_class->measure = idw_qr_pane_measure;
  widget_class->size_allocate = idw_qr_pane_size_allocate;
  widget_class->get_request_mode = idw_qr_pane_get_request_mode;

  properties[PROP_CODE] =
    g_param_spec_object ("code", NULL, NULL, GTK_TYPE_WIDGET,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CONTROLS] =
    g_param_spec_object ("controls", NULL, NULL, GTK_TYPE_WIDGET,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "idwqrpane");
}

static void
idw_qr_pane_init (IdwQrPane *self)
{
}
