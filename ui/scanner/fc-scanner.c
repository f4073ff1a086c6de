/* fc-scanner.c: the keyboard wedge, the camera and photos, one signal.
 *
 * Everything here runs on the main thread except the decoding, which the
 * camera worker and the photo GTask do on their own threads with their own
 * FcDecoder. Scanned text never goes to the log: an enrolment QR holds a
 * secret and a label may name a customer.
 */
#include "fc-scanner.h"

#include <glib/gi18n.h>

#include "fc-camera-worker.h"
#include "fc-decoder.h"

#define FLASH_MS 450

struct _FcScanner {
  GObject          parent_instance;

  /* keyboard wedge */
  FcWedgeDetector *wedge;
  GtkWidget       *key_root;        /* weak: the window the last key came from */
  GtkWidget       *field;           /* weak: the text field a burst is typed into */
  char            *field_text;      /* its text before the burst */
  int              field_position;
  guint            flush_source;
  gint64           event_offset_us; /* event clock minus our clock */
  FcScannerTimeFunc now_func;
  gpointer         now_data;

  FcScanDedup     *dedup;
  GtkWidget       *feedback[FC_SCAN_N_SOURCES];  /* weak */

  /* camera */
  char            *pipeline_description;
  FcCameraWorker  *camera;
  GdkTexture      *camera_frame;

  /* accepted-read sound, created on first use */
  GtkMediaStream  *ok_sound;
  gboolean         sound;
};

G_DEFINE_FINAL_TYPE (FcScanner, fc_scanner, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PIPELINE_DESCRIPTION,
  PROP_CAMERA_AVAILABLE,
  PROP_CAMERA_RUNNING,
  PROP_CAMERA_FRAME,
  PROP_SOUND,
  N_PROPS
};

enum { SIGNAL_SCANNED, SIGNAL_REFUSED, SIGNAL_TYPED, N_SIGNALS };

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gint64
default_now (gpointer data)
{
  return g_get_monotonic_time ();
}

static gint64
now_us (FcScanner *self)
{
  return self->now_func (self->now_data);
}

/* ---- feedback ---- */

static void
ensure_flash_css (GtkWidget *widget)
{
  static gboolean installed;
  g_autoptr(GtkCssProvider) provider = NULL;

  if (installed)
    return;
  installed = TRUE;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/org/fieldcase/scanner/fc-scanner.css");
  gtk_style_context_add_provider_for_display (gtk_widget_get_display (widget),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

typedef struct {
  GtkWidget  *widget;
  const char *css_class;
} Flash;

static gboolean
unflash_cb (gpointer data)
{
  Flash *flash = data;

  gtk_widget_remove_css_class (flash->widget, flash->css_class);
  return G_SOURCE_REMOVE;
}

static void
flash_free (gpointer data)
{
  Flash *flash = data;

  g_object_unref (flash->widget);
  g_free (flash);
}

static GtkWidget *
feedback_widget (FcScanner   *self,
                 FcScanSource source)
{
  return self->feedback[source] != NULL ? self->feedback[source] : self->key_root;
}

/* A CSS animation on the widget the read came from; removing and adding
 * the class again restarts it for quick successive reads. */
static void
flash (FcScanner   *self,
       FcScanSource source,
       gboolean     ok)
{
  GtkWidget *widget = feedback_widget (self, source);
  Flash *f;

  if (widget == NULL)
    return;
  ensure_flash_css (widget);
  f = g_new0 (Flash, 1);
  f->widget = g_object_ref (widget);
  f->css_class = ok ? "fc-scan-flash-ok" : "fc-scan-flash-bad";
  gtk_widget_remove_css_class (widget, "fc-scan-flash-ok");
  gtk_widget_remove_css_class (widget, "fc-scan-flash-bad");
  gtk_widget_add_css_class (widget, f->css_class);
  g_timeout_add_full (G_PRIORITY_DEFAULT, FLASH_MS, unflash_cb, f, flash_free);
}

static void
play_ok_sound (FcScanner *self)
{
  if (!self->sound)
    return;
  if (self->ok_sound == NULL)
    self->ok_sound = gtk_media_file_new_for_resource ("/org/fieldcase/scanner/scan-ok.wav");
  /* Without a media backend the stream just reports an error: silence. */
  gtk_media_stream_seek (self->ok_sound, 0);
  gtk_media_stream_play (self->ok_sound);
}

static void
refuse (FcScanner   *self,
        FcScanSource source,
        const char  *message)
{
  GtkWidget *widget = feedback_widget (self, source);

  g_debug ("refused a read from source %d", source);
  flash (self, source, FALSE);
  if (widget != NULL && self->sound)
    gtk_widget_error_bell (widget);
  g_signal_emit (self, signals[SIGNAL_REFUSED], 0, message, source);
}

/* A validated read: once per label within the dedup window. */
static gboolean
accept (FcScanner    *self,
        FcScanResult *result,
        FcScanSource  source)
{
  if (!fc_scan_dedup_accept (self->dedup, result->text, now_us (self)))
    return FALSE;
  g_debug ("accepted a %s read from source %d", fc_symbology_to_string (result->symbology),
           source);
  flash (self, source, TRUE);
  play_ok_sound (self);
  g_signal_emit (self, signals[SIGNAL_SCANNED], 0, result, source);
  return TRUE;
}

gboolean
fc_scanner_submit_text (FcScanner    *self,
                        FcSymbology   symbology,
                        const char   *text,
                        gboolean      is_gs1,
                        FcScanSource  source)
{
  g_autoptr(FcScanResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (FC_IS_SCANNER (self), FALSE);
  g_return_val_if_fail (text != NULL && source < FC_SCAN_N_SOURCES, FALSE);

  if (!fc_barcode_validate (symbology, text, -1, is_gs1, &result, &error))
    {
      refuse (self, source, error->message);
      return FALSE;
    }
  return accept (self, result, source);
}

void
fc_scanner_set_feedback_widget (FcScanner    *self,
                                FcScanSource  source,
                                GtkWidget    *widget)
{
  g_return_if_fail (FC_IS_SCANNER (self));
  g_return_if_fail (source < FC_SCAN_N_SOURCES);
  g_return_if_fail (widget == NULL || GTK_IS_WIDGET (widget));

  g_set_weak_pointer (&self->feedback[source], widget);
}

/* ---- keyboard wedge ---- */

static gboolean
is_modifier (guint keyval)
{
  /* Scanners press Shift for capitals: a modifier alone is no key. */
  return (keyval >= GDK_KEY_Shift_L && keyval <= GDK_KEY_Hyper_R) ||
         keyval == GDK_KEY_ISO_Level3_Shift || keyval == GDK_KEY_ISO_Level5_Shift ||
         keyval == GDK_KEY_Mode_switch || keyval == GDK_KEY_Num_Lock;
}

static FcWedgeKey
classify_key (guint            keyval,
              GdkModifierType  state,
              gunichar        *out_ch)
{
  gunichar ch;

  *out_ch = 0;
  if ((state & GDK_CONTROL_MASK) && keyval == GDK_KEY_bracketright)
    return FC_WEDGE_KEY_GS;
  if (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK | GDK_META_MASK))
    return FC_WEDGE_KEY_OTHER;
  /* Scanners set to send LF (and xdotool typing "\n") give Linefeed. */
  if (keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_ISO_Enter ||
      keyval == GDK_KEY_Linefeed)
    return FC_WEDGE_KEY_ENTER;
  if (keyval == GDK_KEY_Tab || keyval == GDK_KEY_ISO_Left_Tab || keyval == GDK_KEY_KP_Tab)
    return FC_WEDGE_KEY_TAB;
  ch = gdk_keyval_to_unicode (keyval);
  if (ch != 0 && g_unichar_isprint (ch))
    {
      *out_ch = ch;
      return FC_WEDGE_KEY_CHAR;
    }
  return FC_WEDGE_KEY_OTHER;
}

/* The key's own timestamp measures the gaps the scanner made; a stalled
 * main loop would squeeze a person's keys together if we used the time
 * they arrived. Keys synthesised without an event use our clock. */
static gint64
key_time_us (FcScanner          *self,
             GtkEventController *controller)
{
  guint32 ms = gtk_event_controller_get_current_event_time (controller);

  if (ms == 0)
    {
      self->event_offset_us = 0;
      return now_us (self);
    }
  self->event_offset_us = (gint64) ms * 1000 - now_us (self);
  return (gint64) ms * 1000;
}

static gboolean
flush_cb (gpointer data)
{
  FcScanner *self = data;

  self->flush_source = 0;
  fc_wedge_detector_flush (self->wedge, now_us (self) + self->event_offset_us);
  return G_SOURCE_REMOVE;
}

static void
schedule_flush (FcScanner *self)
{
  gint64 deadline = fc_wedge_detector_get_deadline (self->wedge);
  gint64 wait_us;

  g_clear_handle_id (&self->flush_source, g_source_remove);
  if (deadline == 0)
    return;
  wait_us = deadline - (now_us (self) + self->event_offset_us);
  /* Below the priority of input events: on a busy main loop the scanner's
   * next keys may already be queued, and they must count before the
   * silence does. */
  self->flush_source = g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE,
                                           MAX (1, (guint) (MAX (wait_us, 0) / 1000) + 1),
                                           flush_cb, self, NULL);
}

/* The focused text field that takes typing, or NULL. */
static GtkWidget *
focused_text_field (FcScanner *self)
{
  GtkWidget *focus = self->key_root != NULL ? gtk_root_get_focus (GTK_ROOT (self->key_root)) : NULL;

  if (focus != NULL && GTK_IS_EDITABLE (focus) && gtk_editable_get_editable (GTK_EDITABLE (focus)))
    return focus;
  return NULL;
}

/* Remembers the focused field as it is before a burst, to take the burst
 * back out should it turn out to be a scan. */
static void
snapshot_field (FcScanner *self)
{
  GtkWidget *field = focused_text_field (self);

  g_set_weak_pointer (&self->field, field);
  g_clear_pointer (&self->field_text, g_free);
  if (field == NULL)
    return;
  self->field_text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (field)));
  self->field_position = gtk_editable_get_position (GTK_EDITABLE (field));
}

/* A scan typed into a text field: put the field back as it was. The input
 * method may hold some of it as preedit: drop that too. */
static void
retract_burst (FcScanner *self)
{
  GtkWidget *entry;

  if (self->field == NULL || self->field_text == NULL)
    return;
  entry = gtk_widget_get_ancestor (self->field, GTK_TYPE_ENTRY);
  if (entry != NULL)
    gtk_entry_reset_im_context (GTK_ENTRY (entry));
  gtk_editable_set_text (GTK_EDITABLE (self->field), self->field_text);
  gtk_editable_set_position (GTK_EDITABLE (self->field), self->field_position);
}

/* Keys go to a focused text field at once, so typing — through an input
 * method too — is never delayed or bypassed; a burst that turns out to be a
 * scan is taken back out. Elsewhere keys are held while they may be a scan
 * (a scanned "1" must not grade a return, an "n" not trigger a shortcut)
 * and handed back through "released". The terminator of a scan is always
 * swallowed. */
static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                FcScanner             *self)
{
  GtkEventController *c = GTK_EVENT_CONTROLLER (controller);
  FcWedgeVerdict verdict;
  FcWedgeKey key;
  gunichar ch;

  if (is_modifier (keyval))
    return FALSE;
  g_set_weak_pointer (&self->key_root, gtk_event_controller_get_widget (c));
  if (!fc_wedge_detector_is_holding (self->wedge))
    snapshot_field (self);
  key = classify_key (keyval, state, &ch);
  verdict = fc_wedge_detector_feed (self->wedge, key, ch, key_time_us (self, c));
  schedule_flush (self);
  if (verdict == FC_WEDGE_VERDICT_HOLD && self->field != NULL)
    return FALSE;
  return verdict != FC_WEDGE_VERDICT_PASS;
}

/* Held keys that were typing after all. Typed into a field they are there
 * already (and a new burst may start with the key being fed: remember the
 * field as it is now). Otherwise they go to whoever listens for plain keys
 * ("typed": the returns desk's grading keys). */
static void
wedge_released_cb (FcWedgeDetector *wedge,
                   const char      *text,
                   FcScanner       *self)
{
  if (self->field != NULL)
    {
      snapshot_field (self);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_TYPED], 0, text);
}

static void
wedge_scanned_cb (FcWedgeDetector *wedge,
                  const char      *code,
                  FcScanner       *self)
{
  retract_burst (self);
  g_clear_weak_pointer (&self->field);
  g_clear_pointer (&self->field_text, g_free);
  /* Wedge scanners do not say the symbology: validation guesses it. */
  fc_scanner_submit_text (self, FC_SYMBOLOGY_UNKNOWN, code, FALSE, FC_SCAN_SOURCE_WEDGE);
}

void
fc_scanner_attach_window (FcScanner *self,
                          GtkWindow *window)
{
  GtkEventController *controller;

  g_return_if_fail (FC_IS_SCANNER (self));
  g_return_if_fail (GTK_IS_WINDOW (window));

  controller = gtk_event_controller_key_new ();
  gtk_event_controller_set_name (controller, "fc-scanner-wedge");
  /* Capture: we see keys before the focused widget and its shortcuts. */
  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  g_signal_connect_object (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (window), controller);
  if (self->key_root == NULL)
    g_set_weak_pointer (&self->key_root, GTK_WIDGET (window));
}

FcWedgeDetector *
fc_scanner_get_wedge_detector (FcScanner *self)
{
  g_return_val_if_fail (FC_IS_SCANNER (self), NULL);
  return self->wedge;
}

void
fc_scanner_set_time_func (FcScanner        *self,
                          FcScannerTimeFunc func,
                          gpointer          user_data)
{
  g_return_if_fail (FC_IS_SCANNER (self));
  self->now_func = func != NULL ? func : default_now;
  self->now_data = user_data;
}

/* ---- camera ---- */

static void
camera_scanned_cb (FcScanResult *result,
                   gpointer      data)
{
  accept (data, result, FC_SCAN_SOURCE_CAMERA);
}

static void
camera_refused_cb (const char *message,
                   gpointer    data)
{
  FcScanner *self = data;

  /* A misread label is seen again in the next frames: one refusal per
   * window, like an accepted read. */
  if (fc_scan_dedup_accept (self->dedup, message, now_us (self)))
    refuse (self, FC_SCAN_SOURCE_CAMERA, message);
}

static void
camera_frame_cb (GdkTexture *texture,
                 gpointer    data)
{
  FcScanner *self = data;

  if (g_set_object (&self->camera_frame, texture))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAMERA_FRAME]);
}

static void
camera_stopped_cb (const char *error_message,
                   gpointer    data)
{
  FcScanner *self = data;

  if (error_message != NULL)
    g_debug ("camera stopped: %s", error_message);
  fc_scanner_stop_camera (self);
}

static const FcCameraCallbacks camera_callbacks = {
  camera_scanned_cb, camera_refused_cb, camera_frame_cb, camera_stopped_cb,
};

gboolean
fc_scanner_get_camera_available (FcScanner *self)
{
  g_autofree char *device = NULL;

  g_return_val_if_fail (FC_IS_SCANNER (self), FALSE);
  if (self->pipeline_description != NULL)
    return TRUE;
  device = fc_camera_worker_find_device ();
  return device != NULL;
}

gboolean
fc_scanner_get_camera_running (FcScanner *self)
{
  g_return_val_if_fail (FC_IS_SCANNER (self), FALSE);
  return self->camera != NULL;
}

gboolean
fc_scanner_start_camera (FcScanner *self,
                         GError   **error)
{
  g_autofree char *device = NULL;
  g_autofree char *description = NULL;

  g_return_val_if_fail (FC_IS_SCANNER (self), FALSE);
  if (self->camera != NULL)
    return TRUE;
  if (self->pipeline_description != NULL)
    description = g_strdup (self->pipeline_description);
  else if ((device = fc_camera_worker_find_device ()) != NULL)
    description = fc_camera_worker_default_pipeline (device);
  else
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("No camera found"));
      return FALSE;
    }
  self->camera = fc_camera_worker_start (description, &camera_callbacks, self, error);
  if (self->camera == NULL)
    return FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAMERA_RUNNING]);
  return TRUE;
}

void
fc_scanner_stop_camera (FcScanner *self)
{
  g_return_if_fail (FC_IS_SCANNER (self));
  if (self->camera == NULL)
    return;
  g_clear_pointer (&self->camera, fc_camera_worker_free);
  if (g_set_object (&self->camera_frame, NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAMERA_FRAME]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAMERA_RUNNING]);
}

GdkTexture *
fc_scanner_get_camera_frame (FcScanner *self)
{
  g_return_val_if_fail (FC_IS_SCANNER (self), NULL);
  return self->camera_frame;
}

const char *
fc_scanner_get_pipeline_description (FcScanner *self)
{
  g_return_val_if_fail (FC_IS_SCANNER (self), NULL);
  return self->pipeline_description;
}

/* ---- photo ---- */

typedef struct {
  GPtrArray *results;
  GPtrArray *refused;
} PhotoReads;

static void
photo_reads_free (gpointer data)
{
  PhotoReads *reads = data;

  g_clear_pointer (&reads->results, g_ptr_array_unref);
  g_clear_pointer (&reads->refused, g_ptr_array_unref);
  g_free (reads);
}

static void
decode_photo_thread (GTask        *task,
                     gpointer      source,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  g_autoptr(FcDecoder) decoder = fc_decoder_new ();
  g_autofree char *path = g_file_get_path (task_data);
  PhotoReads *reads = g_new0 (PhotoReads, 1);
  GError *error = NULL;

  reads->results = fc_decoder_decode_file (decoder, path, &reads->refused, &error);
  if (reads->results == NULL)
    {
      photo_reads_free (reads);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, reads, photo_reads_free);
}

static guint
deliver_photo_reads (FcScanner  *self,
                     PhotoReads *reads)
{
  guint n = 0;

  /* A photo is looked at on purpose: the same code as a moment ago counts. */
  fc_scan_dedup_reset (self->dedup);
  for (guint i = 0; i < reads->results->len; i++)
    n += accept (self, g_ptr_array_index (reads->results, i), FC_SCAN_SOURCE_PHOTO) ? 1 : 0;
  if (reads->results->len == 0)
    {
      FcScanRefusal *first = reads->refused != NULL && reads->refused->len > 0
                             ? g_ptr_array_index (reads->refused, 0) : NULL;
      refuse (self, FC_SCAN_SOURCE_PHOTO,
              first != NULL ? first->error->message : _("No barcode found in the photo"));
    }
  return n;
}

static void
photo_decoded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      data)
{
  g_autoptr(GTask) outer = data;
  FcScanner *self = g_task_get_source_object (outer);
  g_autoptr(GError) error = NULL;
  PhotoReads *reads = g_task_propagate_pointer (G_TASK (result), &error);

  if (reads == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        refuse (self, FC_SCAN_SOURCE_PHOTO, error->message);
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }
  g_task_return_int (outer, deliver_photo_reads (self, reads));
  photo_reads_free (reads);
}

void
fc_scanner_decode_file_async (FcScanner          *self,
                              GFile              *file,
                              GCancellable       *cancellable,
                              GAsyncReadyCallback callback,
                              gpointer            user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) inner = NULL;

  g_return_if_fail (FC_IS_SCANNER (self));
  g_return_if_fail (G_IS_FILE (file));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, fc_scanner_decode_file_async);
  inner = g_task_new (self, cancellable, photo_decoded_cb, g_steal_pointer (&outer));
  g_task_set_task_data (inner, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (inner, decode_photo_thread);
}

guint
fc_scanner_decode_file_finish (FcScanner    *self,
                               GAsyncResult *result,
                               GError      **error)
{
  gssize n;

  g_return_val_if_fail (g_task_is_valid (result, self), 0);
  n = g_task_propagate_int (G_TASK (result), error);
  return n < 0 ? 0 : (guint) n;
}

static void
photo_chosen_cb (GtkNativeDialog *dialog,
                 int              response,
                 FcScanner       *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  if (file != NULL)
    fc_scanner_decode_file_async (self, file, NULL, NULL, NULL);
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

void
fc_scanner_open_photo (FcScanner *self,
                       GtkWindow *parent)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  g_return_if_fail (FC_IS_SCANNER (self));
  chooser = gtk_file_chooser_native_new (_("Open a Photo of a Barcode"), parent,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_pixbuf_formats (filter);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (photo_chosen_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- GObject ---- */

static void
fc_scanner_dispose (GObject *object)
{
  FcScanner *self = FC_SCANNER (object);

  g_clear_pointer (&self->camera, fc_camera_worker_free);
  g_clear_handle_id (&self->flush_source, g_source_remove);
  g_clear_object (&self->camera_frame);
  if (self->ok_sound != NULL)
    gtk_media_stream_pause (self->ok_sound);
  g_clear_object (&self->ok_sound);
  g_clear_weak_pointer (&self->key_root);
  g_clear_weak_pointer (&self->field);
  g_clear_pointer (&self->field_text, g_free);
  for (guint i = 0; i < FC_SCAN_N_SOURCES; i++)
    g_clear_weak_pointer (&self->feedback[i]);
  if (self->wedge != NULL)
    g_signal_handlers_disconnect_by_data (self->wedge, self);
  g_clear_object (&self->wedge);
  G_OBJECT_CLASS (fc_scanner_parent_class)->dispose (object);
}

static void
fc_scanner_finalize (GObject *object)
{
  FcScanner *self = FC_SCANNER (object);

  g_clear_pointer (&self->dedup, fc_scan_dedup_free);
  g_free (self->pipeline_description);
  G_OBJECT_CLASS (fc_scanner_parent_class)->finalize (object);
}

static void
fc_scanner_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  FcScanner *self = FC_SCANNER (object);

  switch (prop_id)
    {
    case PROP_PIPELINE_DESCRIPTION:
      g_value_set_string (value, self->pipeline_description);
      break;
    case PROP_CAMERA_AVAILABLE:
      g_value_set_boolean (value, fc_scanner_get_camera_available (self));
      break;
    case PROP_CAMERA_RUNNING:
      g_value_set_boolean (value, self->camera != NULL);
      break;
    case PROP_CAMERA_FRAME:
      g_value_set_object (value, self->camera_frame);
      break;
    case PROP_SOUND:
      g_value_set_boolean (value, self->sound);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fc_scanner_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  FcScanner *self = FC_SCANNER (object);

  switch (prop_id)
    {
    case PROP_PIPELINE_DESCRIPTION:
      g_free (self->pipeline_description);
      self->pipeline_description = g_value_dup_string (value);
      break;
    case PROP_SOUND:
      if (self->sound != g_value_get_boolean (value))
        {
          self->sound = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fc_scanner_class_init (FcScannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fc_scanner_dispose;
  object_class->finalize = fc_scanner_finalize;
  object_class->get_property = fc_scanner_get_property;
  object_class->set_property = fc_scanner_set_property;

  /* A GStreamer pipeline ending in "appsink name=sink" (GRAY8) instead of
   * the first V4L2 camera: tests feed label images this way. */
  properties[PROP_PIPELINE_DESCRIPTION] =
    g_param_spec_string ("pipeline-description", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAMERA_AVAILABLE] =
    g_param_spec_boolean ("camera-available", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAMERA_RUNNING] =
    g_param_spec_boolean ("camera-running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAMERA_FRAME] =
    g_param_spec_object ("camera-frame", NULL, NULL, GDK_TYPE_TEXTURE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SOUND] =
    g_param_spec_boolean ("sound", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* FcScanner::scanned: (result, source) a validated, deduplicated read. */
  signals[SIGNAL_SCANNED] =
    g_signal_new ("scanned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, FC_TYPE_SCAN_RESULT, G_TYPE_UINT);
  /* FcScanner::refused: (message, source) a read that failed validation,
   * or a photo with nothing readable. Already signalled to the user. */
  signals[SIGNAL_REFUSED] =
    g_signal_new ("refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_UINT);
  /* FcScanner::typed: (text) held keys that were typing, with no text
   * field focused to take them. */
  signals[SIGNAL_TYPED] =
    g_signal_new ("typed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
fc_scanner_init (FcScanner *self)
{
  self->now_func = default_now;
  self->sound = TRUE;
  self->dedup = fc_scan_dedup_new (FC_SCAN_DEDUP_DEFAULT_WINDOW_US);
  self->wedge = fc_wedge_detector_new ();
  g_signal_connect (self->wedge, "scanned", G_CALLBACK (wedge_scanned_cb), self);
  g_signal_connect (self->wedge, "released", G_CALLBACK (wedge_released_cb), self);
}

FcScanner *
fc_scanner_new (void)
{
  return g_object_new (FC_TYPE_SCANNER, NULL);
}
