/* fc-camera-view.c: the scan bar. */
#include "fc-camera-view.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "fc-ui-actionables.h"

struct _FcCameraView {
  GtkWidget         parent_instance;

  FcScanner        *scanner;    /* owned */
  GBinding         *frame_binding;
  gulong            running_handler;

  GtkButton        *camera_button;
  AdwButtonContent *camera_content;
  GtkButton        *photo_button;
  GtkRevealer      *revealer;
  GtkPicture       *picture;
};

G_DEFINE_FINAL_TYPE (FcCameraView, fc_camera_view, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_SCANNER, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* The button says what it will do; without a camera it says why not. */
static void
sync_camera_state (FcCameraView *self)
{
  gboolean available = self->scanner != NULL && fc_scanner_get_camera_available (self->scanner);
  gboolean running = self->scanner != NULL && fc_scanner_get_camera_running (self->scanner);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "camera.toggle", available);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "camera.open-photo", self->scanner != NULL);
  adw_button_content_set_label (self->camera_content, running ? _("Stop _Camera") : _("_Camera"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->camera_button),
                               !available ? _("No camera found: use a barcode scanner or a photo")
                               : running ? _("Stop scanning with the camera")
                               : _("Scan with the camera"));
  gtk_revealer_set_reveal_child (self->revealer, running);
}

static void
camera_running_cb (FcScanner    *scanner,
                   GParamSpec   *pspec,
                   FcCameraView *self)
{
  sync_camera_state (self);
}

static void
toggle_camera (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  FcCameraView *self = FC_CAMERA_VIEW (widget);
  g_autoptr(GError) error = NULL;

  if (fc_scanner_get_camera_running (self->scanner))
    fc_scanner_stop_camera (self->scanner);
  else if (!fc_scanner_start_camera (self->scanner, &error))
    {
      g_debug ("camera: %s", error->message);
      gtk_widget_error_bell (widget);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->camera_button), error->message);
    }
}

static void
open_photo (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  FcCameraView *self = FC_CAMERA_VIEW (widget);
  GtkRoot *root = gtk_widget_get_root (widget);

  fc_scanner_open_photo (self->scanner, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);
}

static void
unset_scanner (FcCameraView *self)
{
  if (self->scanner == NULL)
    return;
  g_clear_signal_handler (&self->running_handler, self->scanner);
  g_clear_pointer (&self->frame_binding, g_binding_unbind);
  fc_scanner_set_feedback_widget (self->scanner, FC_SCAN_SOURCE_CAMERA, NULL);
  fc_scanner_set_feedback_widget (self->scanner, FC_SCAN_SOURCE_PHOTO, NULL);
  g_clear_object (&self->scanner);
}

void
fc_camera_view_set_scanner (FcCameraView *self,
                            FcScanner    *scanner)
{
  g_return_if_fail (FC_IS_CAMERA_VIEW (self));
  g_return_if_fail (scanner == NULL || FC_IS_SCANNER (scanner));

  if (self->scanner == scanner)
    return;
  unset_scanner (self);
  if (scanner != NULL)
    {
      self->scanner = g_object_ref (scanner);
      self->running_handler = g_signal_connect (scanner, "notify::camera-running",
                                                G_CALLBACK (camera_running_cb), self);
      self->frame_binding = g_object_bind_property (scanner, "camera-frame", self->picture,
                                                    "paintable", G_BINDING_SYNC_CREATE);
      fc_scanner_set_feedback_widget (scanner, FC_SCAN_SOURCE_CAMERA, GTK_WIDGET (self->picture));
      fc_scanner_set_feedback_widget (scanner, FC_SCAN_SOURCE_PHOTO, GTK_WIDGET (self));
    }
  sync_camera_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCANNER]);
}

FcScanner *
fc_camera_view_get_scanner (FcCameraView *self)
{
  g_return_val_if_fail (FC_IS_CAMERA_VIEW (self), NULL);
  return self->scanner;
}

static void
fc_camera_view_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (fc_camera_view_parent_class)->root (widget);
  /* GTK 4.8 leaves class-action buttons insensitive after a re-root. */
  fc_ui_renew_actionables (widget);
}

static void
fc_camera_view_unmap (GtkWidget *widget)
{
  FcCameraView *self = FC_CAMERA_VIEW (widget);

  /* Nobody sees the preview: free the camera for others and the battery. */
  if (self->scanner != NULL)
    fc_scanner_stop_camera (self->scanner);
  GTK_WIDGET_CLASS (fc_camera_view_parent_class)->unmap (widget);
}

static void
fc_camera_view_dispose (GObject *object)
{
  FcCameraView *self = FC_CAMERA_VIEW (object);

  GtkWidget *child;

  unset_scanner (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_CAMERA_VIEW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (fc_camera_view_parent_class)->dispose (object);
}

static void
fc_camera_view_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_SCANNER:
      g_value_set_object (value, FC_CAMERA_VIEW (object)->scanner);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fc_camera_view_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  switch (prop_id)
    {
    case PROP_SCANNER:
      fc_camera_view_set_scanner (FC_CAMERA_VIEW (object), g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fc_camera_view_class_init (FcCameraViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_camera_view_dispose;
  object_class->get_property = fc_camera_view_get_property;
  object_class->set_property = fc_camera_view_set_property;
  widget_class->root = fc_camera_view_root;
  widget_class->unmap = fc_camera_view_unmap;

  properties[PROP_SCANNER] =
    g_param_spec_object ("scanner", NULL, NULL, FC_TYPE_SCANNER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fieldcase/scanner/fc-camera-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FcCameraView, camera_button);
  gtk_widget_class_bind_template_child (widget_class, FcCameraView, camera_content);
  gtk_widget_class_bind_template_child (widget_class, FcCameraView, photo_button);
  gtk_widget_class_bind_template_child (widget_class, FcCameraView, revealer);
  gtk_widget_class_bind_template_child (widget_class, FcCameraView, picture);
  gtk_widget_class_install_action (widget_class, "camera.toggle", NULL, toggle_camera);
  gtk_widget_class_install_action (widget_class, "camera.open-photo", NULL, open_photo);
  gtk_widget_class_set_css_name (widget_class, "fc-camera-view");
}

static void
fc_camera_view_init (FcCameraView *self)
{
  g_type_ensure (ADW_TYPE_BUTTON_CONTENT);
  gtk_widget_init_template (GTK_WIDGET (self));
  sync_camera_state (self);
}

GtkWidget *
fc_camera_view_new (FcScanner *scanner)
{
  return g_object_new (FC_TYPE_CAMERA_VIEW, "scanner", scanner, NULL);
}
