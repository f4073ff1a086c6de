/* test-scanner.c: FcScanner driven for real — keys into a real window's
 * capture controller (with a fake clock, and as real X key events from
 * xdotool), a fake camera of zint labels through GStreamer, photos. */
#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "fc-camera-view.h"
#include "fc-scanner.h"
#include "ui-scan-gtk.h"

#define MS G_TIME_SPAN_MILLISECOND

typedef struct {
  FcScanner *scanner;
  GtkWindow *window;
  GtkEntry  *entry;
  GtkWidget *button;
  gint64     now;          /* the fake clock, µs */
  GPtrArray *scans;        /* char*: text */
  GArray    *sources;      /* guint */
  GPtrArray *refusals;     /* char*: message */
  GString   *typed;
  char      *dir;
} Fixture;

static gint64
fake_now (gpointer data)
{
  return ((Fixture *) data)->now;
}

static void
scanned_cb (FcScanner *scanner, FcScanResult *result, guint source, Fixture *f)
{
  g_ptr_array_add (f->scans, g_strdup (result->text));
  g_array_append_val (f->sources, source);
}

static void
refused_cb (FcScanner *scanner, const char *message, guint source, Fixture *f)
{
  g_ptr_array_add (f->refusals, g_strdup (message));
}

static void
typed_cb (FcScanner *scanner, const char *text, Fixture *f)
{
  g_string_append (f->typed, text);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("fieldcase-scanner-XXXXXX", &error);
  g_assert_no_error (error);
  f->scanner = fc_scanner_new ();
  g_object_set (f->scanner, "sound", FALSE, NULL);
  f->now = 1000 * G_USEC_PER_SEC;
  fc_scanner_set_time_func (f->scanner, fake_now, f);
  f->scans = g_ptr_array_new_with_free_func (g_free);
  f->sources = g_array_new (FALSE, FALSE, sizeof (guint));
  f->refusals = g_ptr_array_new_with_free_func (g_free);
  f->typed = g_string_new (NULL);
  g_signal_connect (f->scanner, "scanned", G_CALLBACK (scanned_cb), f);
  g_signal_connect (f->scanner, "refused", G_CALLBACK (refused_cb), f);
  g_signal_connect (f->scanner, "typed", G_CALLBACK (typed_cb), f);

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_title (f->window, "fc-scanner-test");
  f->entry = GTK_ENTRY (gtk_entry_new ());
  f->button = gtk_button_new_with_label ("button");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (f->entry));
  gtk_box_append (GTK_BOX (box), f->button);
  gtk_window_set_child (f->window, box);
  fc_scanner_attach_window (f->scanner, f->window);
  gtk_window_present (f->window);
  spin_for (50);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_autoptr(GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;

  gtk_window_destroy (f->window);
  g_clear_object (&f->scanner);
  spin_for (20);
  g_ptr_array_unref (f->scans);
  g_array_unref (f->sources);
  g_ptr_array_unref (f->refusals);
  g_string_free (f->typed, TRUE);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);
      g_remove (p);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

static GtkEventController *
wedge_controller (Fixture *f)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->window));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);

      if (g_strcmp0 (gtk_event_controller_get_name (c), "fc-scanner-wedge") == 0)
        return c;   /* the window keeps it alive */
    }
  g_assert_not_reached ();
}

/* One key press as the window's capture controller receives it. Returns
 * TRUE when the scanner swallowed it; a character it lets through is then
 * typed into the focused text field, as GTK would deliver it. */
static gboolean
press (Fixture *f, guint keyval, GdkModifierType state)
{
  gboolean handled = FALSE;
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (f->window));
  gunichar ch = gdk_keyval_to_unicode (keyval);

  g_signal_emit_by_name (wedge_controller (f), "key-pressed", keyval, 0, state, &handled);
  if (!handled && ch != 0 && g_unichar_isprint (ch) && !(state & GDK_CONTROL_MASK) &&
      focus != NULL && GTK_IS_EDITABLE (focus))
    {
      char utf8[8] = { 0 };
      int pos = gtk_editable_get_position (GTK_EDITABLE (focus));

      g_unichar_to_utf8 (ch, utf8);
      gtk_editable_insert_text (GTK_EDITABLE (focus), utf8, -1, &pos);
      gtk_editable_set_position (GTK_EDITABLE (focus), pos);
    }
  return handled;
}

/* Types @text with @gap_us between keys on the fake clock, letting the
 * main loop run the scanner's flush timer in between. Shifted capitals
 * come with their Shift press, as a scanner sends them. */
static void
type_text (Fixture *f, const char *text, gint64 gap_us, gboolean *swallowed_all)
{
  *swallowed_all = TRUE;
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);
      GdkModifierType state = g_unichar_isupper (ch) ? GDK_SHIFT_MASK : 0;

      if (state)
        g_assert_false (press (f, GDK_KEY_Shift_L, 0));
      *swallowed_all &= press (f, gdk_unicode_to_keyval (ch), state);
      f->now += gap_us;
      if (gap_us > 30 * MS)
        spin_for (5 + (guint) (gap_us / 4000));  /* the flush timer is real time */
    }
}

static void
test_wedge_burst (Fixture *f, gconstpointer data)
{
  gboolean swallowed;

  /* Into a focused entry the keys go through at once (an input method
   * sees them); the scan is taken back out when it ends. */
  gtk_widget_grab_focus (GTK_WIDGET (f->entry));
  gtk_editable_set_text (GTK_EDITABLE (f->entry), "note: ");
  gtk_editable_set_position (GTK_EDITABLE (f->entry), -1);
  type_text (f, "RT-0001", 5 * MS, &swallowed);
  g_assert_false (swallowed);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (f->entry)), ==, "note: RT-0001");
  g_assert_true (press (f, GDK_KEY_Return, 0));
  g_assert_cmpuint (f->scans->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->scans, 0), ==, "RT-0001");
  g_assert_cmpuint (g_array_index (f->sources, guint, 0), ==, FC_SCAN_SOURCE_WEDGE);
  /* The focused entry is as it was before the scan. */
  spin_for (60);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (f->entry)), ==, "note: ");
  g_assert_cmpint (gtk_editable_get_position (GTK_EDITABLE (f->entry)), ==, 6);
  g_assert_cmpuint (f->refusals->len, ==, 0);
  /* The window flashes. */
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (f->window), "fc-scan-flash-ok"));

  /* The scanner double-fires: counted once. */
  f->now += 100 * MS;
  type_text (f, "RT-0001", 5 * MS, &swallowed);
  press (f, GDK_KEY_Return, 0);
  g_assert_cmpuint (f->scans->len, ==, 1);
  /* Tab as terminator, a GS1 code with Ctrl+] as the separator; with no
   * text field focused the keys are held, never delivered. */
  gtk_widget_grab_focus (f->button);
  f->now += 2 * G_USEC_PER_SEC;
  type_text (f, "0104006381333931", 4 * MS, &swallowed);
  g_assert_true (press (f, GDK_KEY_bracketright, GDK_CONTROL_MASK));
  f->now += 4 * MS;
  type_text (f, "10LOT7", 4 * MS, &swallowed);
  g_assert_true (swallowed);
  g_assert_true (press (f, GDK_KEY_Tab, 0));
  g_assert_cmpuint (f->scans->len, ==, 2);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (f->entry)), ==, "note: ");
  g_assert_cmpstr (f->typed->str, ==, "");
  g_assert_cmpstr (g_ptr_array_index (f->scans, 1), ==, "0104006381333931\x1d" "10LOT7");
}

static void
test_wedge_typing (Fixture *f, gconstpointer data)
{
  gboolean swallowed;

  gtk_widget_grab_focus (GTK_WIDGET (f->entry));
  type_text (f, "Ab12", 120 * MS, &swallowed);
  /* Enter after typing reaches the window's default handling. */
  g_assert_false (press (f, GDK_KEY_Return, 0));
  spin_for (60);
  g_assert_cmpuint (f->scans->len, ==, 0);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (f->entry)), ==, "Ab12");
  /* Backspace is never part of a scan: it passes at once. */
  g_assert_false (press (f, GDK_KEY_BackSpace, 0));
}

static void
test_wedge_refused (Fixture *f, gconstpointer data)
{
  gboolean swallowed;

  /* A GS1 code whose GTIN has a wrong check digit (a misread): refused,
   * never "scanned". No text field focused: every key is held. */
  gtk_widget_grab_focus (f->button);
  type_text (f, "0104006381333932", 3 * MS, &swallowed);
  g_assert_true (press (f, GDK_KEY_bracketright, GDK_CONTROL_MASK));
  type_text (f, "10LOT7", 3 * MS, &swallowed);
  g_assert_true (press (f, GDK_KEY_Return, 0));
  g_assert_cmpuint (f->scans->len, ==, 0);
  g_assert_cmpuint (f->refusals->len, ==, 1);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (f->window), "fc-scan-flash-bad"));
}

/* With no text field focused, a typed key reaches "typed" (the returns
 * desk's grading keys) once the detector knows it is no scan. */
static void
test_wedge_typed_signal (Fixture *f, gconstpointer data)
{
  gboolean swallowed;

  gtk_widget_grab_focus (f->button);
  type_text (f, "3", 0, &swallowed);
  g_assert_true (swallowed);   /* held: it might have started a scan */
  f->now += 40 * MS;
  spin_for (80);
  g_assert_cmpstr (f->typed->str, ==, "3");
  g_assert_cmpuint (f->scans->len, ==, 0);
}

/* Real X key events from xdotool: a burst 5 ms apart is a scan, keys
 * 120 ms apart are typing that lands in the entry. */
static void
test_wedge_xdotool (Fixture *f, gconstpointer data)
{
  const char *scan_argv[] = { "xdotool", "search", "--sync", "--name", "fc-scanner-test",
                              "windowfocus", "--sync", "type", "--delay", "5", "RT-0002\n",
                              NULL };
  const char *type_argv[] = { "xdotool", "type", "--delay", "120", "ab7", NULL };
  g_autoptr(GError) error = NULL;
  GPid pid;
  int status;

  if (!have_program ("xdotool") || g_getenv ("DISPLAY") == NULL ||
      !GDK_IS_X11_DISPLAY (gdk_display_get_default ()))
    {
      g_test_skip ("needs xdotool and an X display");
      return;
    }
  /* Real events carry X server time: the scanner's own clock again. */
  fc_scanner_set_time_func (f->scanner, NULL, NULL);
  gtk_widget_grab_focus (GTK_WIDGET (f->entry));
  g_assert_true (g_spawn_async (NULL, (char **) scan_argv, NULL,
                                G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                &pid, &error));
  g_assert_no_error (error);
  for (gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
       f->scans->len == 0 && g_get_monotonic_time () < end;)
    spin_for (20);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  g_test_message ("entry after the burst: “%s”, typed “%s”",
                  gtk_editable_get_text (GTK_EDITABLE (f->entry)), f->typed->str);
  g_assert_cmpuint (f->scans->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->scans, 0), ==, "RT-0002");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (f->entry)), ==, "");

  g_assert_true (g_spawn_async (NULL, (char **) type_argv, NULL,
                                G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                &pid, &error));
  g_assert_no_error (error);
  for (gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
       strlen (gtk_editable_get_text (GTK_EDITABLE (f->entry))) < 3 &&
       g_get_monotonic_time () < end;)
    spin_for (20);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (f->entry)), ==, "ab7");
  g_assert_cmpuint (f->scans->len, ==, 1);
}

static char *
fake_camera (const char *png)
{
  return g_strdup_printf ("multifilesrc location=%s loop=true "
                          "caps=image/png,framerate=(fraction)10/1 ! pngdec ! videoconvert ! "
                          "videoscale ! video/x-raw,format=GRAY8,width=1280,height=720 ! "
                          "appsink name=sink max-buffers=1 drop=true", png);
}

static gboolean
frame_seen (FcScanner *scanner)
{
  return fc_scanner_get_camera_frame (scanner) != NULL;
}

static void
test_camera (Fixture *f, gconstpointer data)
{
  g_autofree char *png = zint_png (f->dir, "ean13", "EANX", "400638133393", FALSE);
  g_autofree char *pipeline = fake_camera (png);
  g_autoptr(FcScanner) camera = g_object_new (FC_TYPE_SCANNER, "pipeline-description", pipeline,
                                              "sound", FALSE, NULL);
  GtkWidget *view = fc_camera_view_new (camera);
  GtkWidget *button = NULL;
  g_autoptr(GError) error = NULL;
  gboolean got_frame = FALSE;
  gint64 started, first_read = 0;

  g_signal_connect (camera, "scanned", G_CALLBACK (scanned_cb), f);
  g_signal_connect (camera, "refused", G_CALLBACK (refused_cb), f);
  gtk_window_set_child (f->window, view);
  spin_for (20);
  g_assert_true (fc_scanner_get_camera_available (camera));
  button = gtk_widget_get_first_child (gtk_widget_get_first_child (view));
  g_assert_true (gtk_widget_is_sensitive (button));

  started = g_get_monotonic_time ();
  g_assert_true (gtk_widget_activate_action (view, "camera.toggle", NULL));
  g_assert_no_error (error);
  g_assert_true (fc_scanner_get_camera_running (camera));
  for (gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
       (f->scans->len == 0 || !got_frame) && g_get_monotonic_time () < end;)
    {
      spin_for (5);
      got_frame |= frame_seen (camera);
      if (f->scans->len > 0 && first_read == 0)
        first_read = g_get_monotonic_time ();
    }
  /* docs/benchmarks-scan-ui.md quotes this line. */
  g_test_message ("camera start to first read: %" G_GINT64_FORMAT " ms",
                  (first_read - started) / 1000);
  g_assert_cmpuint (f->scans->len, ==, 1);   /* every frame shows it: counted once */
  g_assert_cmpstr (g_ptr_array_index (f->scans, 0), ==, "4006381333931");
  g_assert_cmpuint (g_array_index (f->sources, guint, 0), ==, FC_SCAN_SOURCE_CAMERA);
  g_assert_true (got_frame);
  g_assert_cmpuint (f->refusals->len, ==, 0);

  g_assert_true (gtk_widget_activate_action (view, "camera.toggle", NULL));
  g_assert_false (fc_scanner_get_camera_running (camera));
  g_assert_null (fc_scanner_get_camera_frame (camera));
  spin_for (50);
  g_assert_cmpuint (f->scans->len, ==, 1);
}

static void
running_changed_cb (FcScanner *scanner, GParamSpec *pspec, gboolean *stopped)
{
  *stopped = !fc_scanner_get_camera_running (scanner);
}

/* videotestsrc: frames without a code, then the end of the stream. */
static void
test_camera_test_pattern (Fixture *f, gconstpointer data)
{
  g_autoptr(FcScanner) camera = g_object_new (FC_TYPE_SCANNER, "pipeline-description",
    "videotestsrc num-buffers=15 ! video/x-raw,width=1280,height=720 ! videoconvert ! "
    "video/x-raw,format=GRAY8 ! appsink name=sink", "sound", FALSE, NULL);
  g_autoptr(FcScanner) broken = g_object_new (FC_TYPE_SCANNER, "pipeline-description",
                                              "videotestsrc ! fakesink", NULL);
  g_autoptr(GError) error = NULL;
  gboolean stopped = FALSE;

  g_signal_connect (camera, "scanned", G_CALLBACK (scanned_cb), f);
  g_signal_connect (camera, "notify::camera-running", G_CALLBACK (running_changed_cb), &stopped);
  g_assert_true (fc_scanner_start_camera (camera, &error));
  g_assert_no_error (error);
  g_assert_true (spin_until (&stopped, 10000));
  g_assert_cmpuint (f->scans->len, ==, 0);

  g_assert_false (fc_scanner_start_camera (broken, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static void
test_no_camera (Fixture *f, gconstpointer data)
{
  GtkWidget *view;
  GtkWidget *button;

  if (fc_scanner_get_camera_available (f->scanner))
    {
      g_test_skip ("this machine has a camera");
      return;
    }
  view = fc_camera_view_new (f->scanner);
  gtk_window_set_child (f->window, view);
  spin_for (20);
  button = gtk_widget_get_first_child (gtk_widget_get_first_child (view));
  g_assert_false (gtk_widget_is_sensitive (button));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==,
                   "No camera found: use a barcode scanner or a photo");
  g_assert_false (gtk_widget_activate_action (view, "camera.toggle", NULL) &&
                  fc_scanner_get_camera_running (f->scanner));
}

static void
decoded_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  guint *n = data;
  g_autoptr(GError) error = NULL;

  n[0] = fc_scanner_decode_file_finish (FC_SCANNER (source), result, &error);
  g_assert_no_error (error);
  n[1] = TRUE;
}

static void
test_photo (Fixture *f, gconstpointer data)
{
  g_autofree char *png = zint_png (f->dir, "gs1", "GS1_128", "[01]04006381333931[21]RT-0002",
                                   FALSE);
  g_autofree char *blank_path = g_build_filename (f->dir, "blank.png", NULL);
  g_autoptr(GdkPixbuf) blank = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 64, 64);
  g_autoptr(GFile) file = g_file_new_for_path (png);
  g_autoptr(GFile) blank_file = g_file_new_for_path (blank_path);
  g_autoptr(GError) error = NULL;
  guint done[2] = { 0, FALSE };

  fc_scanner_decode_file_async (f->scanner, file, NULL, decoded_cb, done);
  g_assert_true (spin_until ((gboolean *) &done[1], 10000));
  g_assert_cmpuint (done[0], ==, 1);
  g_assert_cmpuint (f->scans->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->scans, 0), ==, "0104006381333931" "21RT-0002");
  g_assert_cmpuint (g_array_index (f->sources, guint, 0), ==, FC_SCAN_SOURCE_PHOTO);

  /* Nothing readable: a refusal, no scan. */
  gdk_pixbuf_fill (blank, 0xffffffff);
  g_assert_true (gdk_pixbuf_save (blank, blank_path, "png", &error, NULL));
  done[1] = FALSE;
  fc_scanner_decode_file_async (f->scanner, blank_file, NULL, decoded_cb, done);
  g_assert_true (spin_until ((gboolean *) &done[1], 10000));
  g_assert_cmpuint (done[0], ==, 0);
  g_assert_cmpuint (f->scans->len, ==, 1);
  g_assert_cmpuint (f->refusals->len, ==, 1);
}

/* The accepted-read sound plays through GTK's media backend; with no sound
 * device (Xvfb, CI) it fails quietly and the read still counts. */
static void
test_feedback_sound (Fixture *f, gconstpointer data)
{
  g_object_set (f->scanner, "sound", TRUE, NULL);
  g_assert_true (fc_scanner_submit_text (f->scanner, FC_SYMBOLOGY_EAN13, "4006381333931", FALSE,
                                         FC_SCAN_SOURCE_MANUAL));
  spin_for (300);
  g_assert_false (fc_scanner_submit_text (f->scanner, FC_SYMBOLOGY_EAN13, "4006381333932", FALSE,
                                          FC_SCAN_SOURCE_MANUAL));
  spin_for (100);
  g_assert_cmpuint (f->scans->len, ==, 1);
  g_assert_cmpuint (f->refusals->len, ==, 1);
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/scanner/wedge/burst", test_wedge_burst);
  ADD ("/scanner/wedge/typing", test_wedge_typing);
  ADD ("/scanner/wedge/refused", test_wedge_refused);
  ADD ("/scanner/wedge/typed-signal", test_wedge_typed_signal);
  ADD ("/scanner/wedge/xdotool", test_wedge_xdotool);
  ADD ("/scanner/camera/labels", test_camera);
  ADD ("/scanner/camera/test-pattern", test_camera_test_pattern);
  ADD ("/scanner/camera/none", test_no_camera);
  ADD ("/scanner/photo", test_photo);
  ADD ("/scanner/feedback/sound", test_feedback_sound);
  return g_test_run ();
}
