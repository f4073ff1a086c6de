/* fc-signature-pad.c: strokes in, SVG and PNG out. */
#include "fc-signature-pad.h"

#include <glib/gi18n.h>
#include <math.h>

#define STROKE_WIDTH 2.5
#define EXPORT_MARGIN 10.0

struct _FcSignaturePad {
  GtkWidget  parent_instance;

  GPtrArray *strokes;      /* owned; GArray of graphene_point_t, each owned */
  GArray    *current;      /* borrowed: the last stroke while drawing, or NULL */
};

enum { PROP_0, PROP_N_STROKES, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FcSignaturePad, fc_signature_pad, GTK_TYPE_WIDGET)

static void
strokes_changed (FcSignaturePad *self)
{
  gboolean any = self->strokes->len > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "signature.clear", any);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "signature.undo", any);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_STROKES]);
}

static void
trace_stroke (cairo_t *cr,
              GArray  *stroke,
              double   dx,
              double   dy)
{
  const graphene_point_t *p = (const graphene_point_t *) stroke->data;

  cairo_move_to (cr, p[0].x + dx, p[0].y + dy);
  /* A single tap is a dot: a zero-length line with round caps draws one. */
  if (stroke->len == 1)
    cairo_line_to (cr, p[0].x + dx, p[0].y + dy);
  for (guint i = 1; i < stroke->len; i++)
    cairo_line_to (cr, p[i].x + dx, p[i].y + dy);
}

static void
trace_all (FcSignaturePad *self,
           cairo_t        *cr,
           double          dx,
           double          dy)
{
  cairo_set_line_width (cr, STROKE_WIDTH);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  for (guint i = 0; i < self->strokes->len; i++)
    trace_stroke (cr, g_ptr_array_index (self->strokes, i), dx, dy);
}

static void
fc_signature_pad_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  FcSignaturePad *self = FC_SIGNATURE_PAD (widget);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  GdkRGBA ink;
  cairo_t *cr;

  /* The ink follows the theme, so the pad reads in dark mode too; exports
   * are always black. */
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &ink);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, w, h));
  gdk_cairo_set_source_rgba (cr, &ink);
  /* The line to sign on. */
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, 16, h - 28.5);
  cairo_line_to (cr, w - 16, h - 28.5);
  cairo_save (cr);
  cairo_set_source_rgba (cr, ink.red, ink.green, ink.blue, ink.alpha * 0.3);
  cairo_stroke (cr);
  cairo_restore (cr);
  trace_all (self, cr, 0, 0);
  cairo_stroke (cr);
  cairo_destroy (cr);
}

/* ---- gestures ---- */

static gboolean
is_pen (GtkGesture *gesture)
{
  GdkDevice *device = gtk_gesture_get_device (gesture);

  return device != NULL && gdk_device_get_source (device) == GDK_SOURCE_PEN;
}

static void
drag_begin_cb (GtkGestureDrag *gesture,
               double          x,
               double          y,
               FcSignaturePad *self)
{
  /* The stylus gesture draws pens, with their own motion history. */
  if (is_pen (GTK_GESTURE (gesture)))
    return;
  fc_signature_pad_begin_stroke (self, x, y);
}

static void
drag_update_cb (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                FcSignaturePad *self)
{
  double x0, y0;

  if (is_pen (GTK_GESTURE (gesture)) || !gtk_gesture_drag_get_start_point (gesture, &x0, &y0))
    return;
  fc_signature_pad_extend_stroke (self, x0 + dx, y0 + dy);
}

static void
drag_end_cb (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             FcSignaturePad *self)
{
  if (!is_pen (GTK_GESTURE (gesture)))
    fc_signature_pad_end_stroke (self);
}

static void
stylus_down_cb (GtkGestureStylus *gesture,
                double            x,
                double            y,
                FcSignaturePad   *self)
{
  fc_signature_pad_begin_stroke (self, x, y);
}

static void
stylus_motion_cb (GtkGestureStylus *gesture,
                  double            x,
                  double            y,
                  FcSignaturePad   *self)
{
  g_autofree GdkTimeCoord *backlog = NULL;
  guint n = 0;

  /* Pens report faster than frames: the backlog keeps the curve smooth. */
  if (gtk_gesture_stylus_get_backlog (gesture, &backlog, &n))
    for (guint i = 0; i < n; i++)
      if ((backlog[i].flags & (GDK_AXIS_FLAG_X | GDK_AXIS_FLAG_Y)) ==
          (GDK_AXIS_FLAG_X | GDK_AXIS_FLAG_Y))
        {
          double bx = backlog[i].axes[GDK_AXIS_X], by = backlog[i].axes[GDK_AXIS_Y];
          fc_signature_pad_extend_stroke (self, bx, by);
        }
  fc_signature_pad_extend_stroke (self, x, y);
}

static void
stylus_up_cb (GtkGestureStylus *gesture,
              double            x,
              double            y,
              FcSignaturePad   *self)
{
  fc_signature_pad_end_stroke (self);
}

static void
add_gestures (FcSignaturePad *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *stylus = gtk_gesture_stylus_new ();

  /* Touch as well as mouse: gloves and fingers sign too. */
  gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (drag), FALSE);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  g_signal_connect (stylus, "down", G_CALLBACK (stylus_down_cb), self);
  g_signal_connect (stylus, "motion", G_CALLBACK (stylus_motion_cb), self);
  g_signal_connect (stylus, "up", G_CALLBACK (stylus_up_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (stylus));
}

/* ---- object ---- */

static void
clear_action_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  fc_signature_pad_clear (FC_SIGNATURE_PAD (widget));
}

static void
undo_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  fc_signature_pad_undo (FC_SIGNATURE_PAD (widget));
}

static void
fc_signature_pad_finalize (GObject *object)
{
  FcSignaturePad *self = FC_SIGNATURE_PAD (object);

  g_clear_pointer (&self->strokes, g_ptr_array_unref);
  G_OBJECT_CLASS (fc_signature_pad_parent_class)->finalize (object);
}

static void
fc_signature_pad_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FcSignaturePad *self = FC_SIGNATURE_PAD (object);

  switch (prop_id)
    {
    case PROP_N_STROKES:
      g_value_set_uint (value, self->strokes->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fc_signature_pad_class_init (FcSignaturePadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = fc_signature_pad_finalize;
  object_class->get_property = fc_signature_pad_get_property;
  widget_class->snapshot = fc_signature_pad_snapshot;

  properties[PROP_N_STROKES] =
    g_param_spec_uint ("n-strokes", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "signature.clear", NULL, clear_action_cb);
  gtk_widget_class_install_action (widget_class, "signature.undo", NULL, undo_action_cb);
  gtk_widget_class_set_css_name (widget_class, "signaturepad");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
fc_signature_pad_init (FcSignaturePad *self)
{
  self->strokes = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
  gtk_widget_set_size_request (GTK_WIDGET (self), 280, 160);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), _("Customer signature"));
  add_gestures (self);
  strokes_changed (self);
}

GtkWidget *
fc_signature_pad_new (void)
{
  return g_object_new (FC_TYPE_SIGNATURE_PAD, NULL);
}

void
fc_signature_pad_begin_stroke (FcSignaturePad *self,
                               double          x,
                               double          y)
{
  g_return_if_fail (FC_IS_SIGNATURE_PAD (self));

  self->current = g_array_new (FALSE, FALSE, sizeof (graphene_point_t));
  g_ptr_array_add (self->strokes, self->current);
  fc_signature_pad_extend_stroke (self, x, y);
  strokes_changed (self);
}

void
fc_signature_pad_extend_stroke (FcSignaturePad *self,
                                double          x,
                                double          y)
{
  graphene_point_t p = GRAPHENE_POINT_INIT (x, y);

  g_return_if_fail (FC_IS_SIGNATURE_PAD (self));
  if (self->current == NULL)
    return;
  g_array_append_val (self->current, p);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
fc_signature_pad_end_stroke (FcSignaturePad *self)
{
  g_return_if_fail (FC_IS_SIGNATURE_PAD (self));
  self->current = NULL;
}

void
fc_signature_pad_add_stroke (FcSignaturePad         *self,
                             const graphene_point_t *points,
                             guint                   n_points)
{
  g_return_if_fail (FC_IS_SIGNATURE_PAD (self));
  g_return_if_fail (points != NULL && n_points > 0);

  fc_signature_pad_begin_stroke (self, points[0].x, points[0].y);
  for (guint i = 1; i < n_points; i++)
    fc_signature_pad_extend_stroke (self, points[i].x, points[i].y);
  fc_signature_pad_end_stroke (self);
}

void
fc_signature_pad_clear (FcSignaturePad *self)
{
  g_return_if_fail (FC_IS_SIGNATURE_PAD (self));
  self->current = NULL;
  g_ptr_array_set_size (self->strokes, 0);
  strokes_changed (self);
}

void
fc_signature_pad_undo (FcSignaturePad *self)
{
  g_return_if_fail (FC_IS_SIGNATURE_PAD (self));
  if (self->strokes->len == 0)
    return;
  self->current = NULL;
  g_ptr_array_remove_index (self->strokes, self->strokes->len - 1);
  strokes_changed (self);
}

guint
fc_signature_pad_get_n_strokes (FcSignaturePad *self)
{
  g_return_val_if_fail (FC_IS_SIGNATURE_PAD (self), 0);
  return self->strokes->len;
}

gboolean
fc_signature_pad_is_empty (FcSignaturePad *self)
{
  return fc_signature_pad_get_n_strokes (self) == 0;
}

/* ---- export ---- */

static graphene_rect_t
ink_bounds (FcSignaturePad *self)
{
  float x0 = G_MAXFLOAT, y0 = G_MAXFLOAT, x1 = -G_MAXFLOAT, y1 = -G_MAXFLOAT;

  for (guint i = 0; i < self->strokes->len; i++)
    {
      GArray *stroke = g_ptr_array_index (self->strokes, i);
      for (guint j = 0; j < stroke->len; j++)
        {
          const graphene_point_t *p = &g_array_index (stroke, graphene_point_t, j);
          x0 = MIN (x0, p->x);
          y0 = MIN (y0, p->y);
          x1 = MAX (x1, p->x);
          y1 = MAX (y1, p->y);
        }
    }
  return GRAPHENE_RECT_INIT (x0 - EXPORT_MARGIN, y0 - EXPORT_MARGIN,
                             x1 - x0 + 2 * EXPORT_MARGIN, y1 - y0 + 2 * EXPORT_MARGIN);
}

static void
append_svg_path (GString *svg,
                 GArray  *stroke,
                 float    dx,
                 float    dy)
{
  g_string_append (svg, "<path d=\"");
  for (guint j = 0; j < stroke->len; j++)
    {
      const graphene_point_t *p = &g_array_index (stroke, graphene_point_t, j);
      char x[G_ASCII_DTOSTR_BUF_SIZE], y[G_ASCII_DTOSTR_BUF_SIZE];

      /* Locale-independent numbers: a comma decimal would break the SVG. */
      g_ascii_formatd (x, sizeof x, "%.1f", p->x + dx);
      g_ascii_formatd (y, sizeof y, "%.1f", p->y + dy);
      g_string_append_printf (svg, "%s%s %s", j == 0 ? "M" : " L", x, y);
    }
  if (stroke->len == 1)
    g_string_append (svg, " z");
  g_string_append (svg, "\"/>\n");
}

char *
fc_signature_pad_to_svg (FcSignaturePad *self)
{
  GString *svg;
  graphene_rect_t b;

  g_return_val_if_fail (FC_IS_SIGNATURE_PAD (self), NULL);
  if (self->strokes->len == 0)
    return NULL;
  b = ink_bounds (self);
  svg = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  g_string_append_printf (svg,
                          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                          "viewBox=\"0 0 %d %d\">\n"
                          "<g fill=\"none\" stroke=\"#000\" stroke-width=\"2.5\" "
                          "stroke-linecap=\"round\" stroke-linejoin=\"round\">\n",
                          (int) ceilf (b.size.width), (int) ceilf (b.size.height),
                          (int) ceilf (b.size.width), (int) ceilf (b.size.height));
  for (guint i = 0; i < self->strokes->len; i++)
    append_svg_path (svg, g_ptr_array_index (self->strokes, i), -b.origin.x, -b.origin.y);
  g_string_append (svg, "</g>\n</svg>\n");
  return g_string_free (svg, FALSE);
}

static cairo_status_t
write_to_array (void                *closure,
                const unsigned char *data,
                unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

GBytes *
fc_signature_pad_to_png (FcSignaturePad *self,
                         GError        **error)
{
  g_autoptr(GByteArray) png = NULL;
  graphene_rect_t b;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;

  g_return_val_if_fail (FC_IS_SIGNATURE_PAD (self), NULL);
  if (self->strokes->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The signature is empty"));
      return NULL;
    }
  b = ink_bounds (self);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, (int) ceilf (b.size.width),
                                        (int) ceilf (b.size.height));
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 0, 0, 0);
  trace_all (self, cr, -b.origin.x, -b.origin.y);
  cairo_stroke (cr);
  cairo_destroy (cr);
  png = g_byte_array_new ();
  status = cairo_surface_write_to_png_stream (surface, write_to_array, png);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", cairo_status_to_string (status));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&png));
}
