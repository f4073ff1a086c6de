/* test-returns-desk.c: a batch at the returns desk, driven through the
 * scanner (wedge keys), the entry, actions and grading keys, then the store
 * is read back. With FC_SCREENSHOT_DIR set it also saves screenshots. */
#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "fc-returns-desk.h"
#include "ui-scan-fixture.h"
#include "ui-scan-gtk.h"

#define MS G_TIME_SPAN_MILLISECOND

typedef struct {
  ScanFixture    base;
  GtkWindow     *window;
  FcScanner     *scanner;
  FcReturnsDesk *desk;
  gint64         now;
} Fixture;

static gint64
fake_now (gpointer data)
{
  return ((Fixture *) data)->now;
}

static void
setup_sized (Fixture *f, int width, int height)
{
  scan_fixture_setup (&f->base, NULL);
  f->now = 1000 * G_USEC_PER_SEC;
  f->scanner = fc_scanner_new ();
  g_object_set (f->scanner, "sound", FALSE, NULL);
  fc_scanner_set_time_func (f->scanner, fake_now, f);
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_title (f->window, "Returns");
  gtk_window_set_default_size (f->window, width, height);
  f->desk = FC_RETURNS_DESK (g_object_new (FC_TYPE_RETURNS_DESK, "store", f->base.store,
                                           "scanner", f->scanner, "author", "desk-test", NULL));
  gtk_window_set_child (f->window, GTK_WIDGET (f->desk));
  fc_scanner_attach_window (f->scanner, f->window);
  gtk_window_present (f->window);
  spin_for (100);
}

static void
setup (Fixture *f, gconstpointer data)
{
  setup_sized (f, 1280, 800);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (f->window);
  g_clear_object (&f->scanner);
  spin_for (20);
  scan_fixture_teardown (&f->base, data);
}

static GtkEventController *
wedge_controller (Fixture *f)
{
  g_autoptr(GListModel) list = gtk_widget_observe_controllers (GTK_WIDGET (f->window));

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (list, i);

      if (g_strcmp0 (gtk_event_controller_get_name (c), "fc-scanner-wedge") == 0)
        return c;
    }
  g_assert_not_reached ();
}

static void
press (Fixture *f, guint keyval)
{
  gboolean handled = FALSE;

  g_signal_emit_by_name (wedge_controller (f), "key-pressed", keyval, 0, 0, &handled);
}

/* A wedge scanner's burst: 5 ms apart, then Enter. */
static void
wedge_scan (Fixture *f, const char *code)
{
  f->now += 2 * G_USEC_PER_SEC;
  for (const char *p = code; *p; p++)
    {
      press (f, gdk_unicode_to_keyval ((guchar) *p));
      f->now += 5 * MS;
    }
  press (f, GDK_KEY_Return);
}

/* A person pressing one key: held as a possible scan, then released to the
 * desk through the scanner's "typed" when the deadline passes. */
static void
key (Fixture *f, guint keyval)
{
  FcWedgeDetector *wedge = fc_scanner_get_wedge_detector (f->scanner);
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  f->now += 2 * G_USEC_PER_SEC;
  press (f, keyval);
  f->now += 100 * MS;
  /* The flush timer is real time: wait for it, however slow the build. */
  while (fc_wedge_detector_is_holding (wedge) && g_get_monotonic_time () < end)
    spin_for (10);
  g_assert_false (fc_wedge_detector_is_holding (wedge));
}

static FcReturnItem *
current (Fixture *f)
{
  return fc_returns_desk_get_current (f->desk);
}

static const FcReturnCheck *
current_check (Fixture *f)
{
  return fc_return_item_get_check (current (f));
}

static void
type_into_entry (Fixture *f, const char *code)
{
  GtkWidget *entry = NULL;

  /* The entry is the desk's only GtkEntry. */
  for (GtkWidget *w = GTK_WIDGET (f->desk); w != NULL;)
    {
      if (GTK_IS_ENTRY (w))
        {
          entry = w;
          break;
        }
      if (gtk_widget_get_first_child (w) != NULL)
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != NULL && gtk_widget_get_next_sibling (w) == NULL)
            w = gtk_widget_get_parent (w);
          w = w != NULL ? gtk_widget_get_next_sibling (w) : NULL;
        }
    }
  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), code);
  g_signal_emit_by_name (entry, "activate");
}

/* The batch's list (the reason drop-down holds a list view too). */
static GtkWidget *
find_list_view (GtkWidget *w)
{
  GtkSelectionModel *model = GTK_IS_LIST_VIEW (w) ? gtk_list_view_get_model (GTK_LIST_VIEW (w))
                                                  : NULL;

  if (GTK_IS_SINGLE_SELECTION (model) &&
      g_list_model_get_item_type (gtk_single_selection_get_model (GTK_SINGLE_SELECTION (model))) ==
      FC_TYPE_RETURN_ITEM)
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_list_view (c);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_actionable (GtkWidget *w, const char *action)
{
  if (GTK_IS_ACTIONABLE (w) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (w)), action) == 0)
    return w;
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_actionable (c, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GPtrArray *
return_cases (Fixture *f, const char *serial)
{
  g_autoptr(GPtrArray) all = fc_store_cases_for_serial (f->base.store, serial, NULL);
  GPtrArray *out = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; all != NULL && i < all->len; i++)
    {
      FcCase *c = g_ptr_array_index (all, i);

      if (g_strcmp0 (fc_case_get_fold (c)->kind, "return") == 0)
        g_ptr_array_add (out, g_object_ref (c));
    }
  return out;
}

static char *
note_of (Fixture *f, const char *case_id)
{
  g_autoptr(GPtrArray) events = fc_store_list_events (f->base.store, case_id, NULL);

  for (guint i = 0; i < events->len; i++)
    {
      FcEvent *ev = g_ptr_array_index (events, i);

      if (g_str_equal (ev->type, FC_EV_NOTE_ADDED))
        return g_strdup (json_object_get_string_member (ev->payload, "text"));
    }
  return NULL;
}

static FcCaseState
state_of (Fixture *f, const char *case_id)
{
  g_autoptr(FcCase) c = fc_store_get_case (f->base.store, case_id, NULL);

  return fc_case_get_state (c);
}

static void
test_batch (Fixture *f, gconstpointer data)
{
  FcReturnsSummary sum;
  g_autoptr(GPtrArray) rt1 = NULL;
  g_autoptr(GPtrArray) rt2 = NULL;
  g_autofree char *note = NULL;
  const char *first_case;

  /* 1. Within the window, by the wedge scanner; graded with key 1. */
  wedge_scan (f, "RT-0001");
  g_assert_nonnull (current (f));
  g_assert_true (current_check (f)->pass);
  key (f, GDK_KEY_1);
  g_assert_cmpint (fc_return_item_get_condition (current (f)), ==, FC_RETURN_CONDITION_SEALED);
  first_case = fc_return_item_get_case_id (current (f));
  g_assert_nonnull (first_case);
  note = note_of (f, first_case);
  g_assert_nonnull (strstr (note, "[return-check result=pass code=ok reason=no_reason "
                                  "condition=sealed packaging=original]"));
  g_assert_cmpint (state_of (f, first_case), ==, FC_CASE_STATE_OPENED);

  /* 2. Outside the 7-day window, typed; graded "damaged" by action. */
  type_into_entry (f, "RT-0002");
  g_assert_cmpint (current_check (f)->code, ==, FC_RETURN_CHECK_WINDOW_EXPIRED);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->desk), "desk.grade", "i", 3));
  g_assert_cmpint (state_of (f, fc_return_item_get_case_id (current (f))), ==,
                   FC_CASE_STATE_CANCELLED);

  /* 3. Already returned (the fixture's case); no original box: P, then 2. */
  wedge_scan (f, "RT-0003");
  g_assert_cmpint (current_check (f)->code, ==, FC_RETURN_CHECK_ALREADY_RETURNED);
  key (f, GDK_KEY_p);
  key (f, GDK_KEY_2);
  g_clear_pointer (&note, g_free);
  note = note_of (f, fc_return_item_get_case_id (current (f)));
  g_assert_nonnull (strstr (note, "code=already_returned reason=no_reason "
                                  "condition=opened_intact packaging=not_original"));

  /* 4. Unknown serial; graded "parts missing". */
  wedge_scan (f, "RT-9999");
  g_assert_cmpint (current_check (f)->code, ==, FC_RETURN_CHECK_UNKNOWN_SERIAL);
  key (f, GDK_KEY_4);
  g_assert_nonnull (fc_return_item_get_case_id (current (f)));

  /* 5. RT-0001 again: now it has a return case. */
  wedge_scan (f, "RT-0001");
  g_assert_cmpint (current_check (f)->code, ==, FC_RETURN_CHECK_ALREADY_RETURNED);
  key (f, GDK_KEY_1);

  /* 6. RT-0002 as a quality fault: inside the 30 days. The reason is set
   * after the scan: the unit is checked again before grading. */
  wedge_scan (f, "RT-0002");
  g_assert_cmpint (current_check (f)->code, ==, FC_RETURN_CHECK_WINDOW_EXPIRED);
  fc_returns_desk_set_reason (f->desk, FC_RETURN_REASON_QUALITY_FAULT);
  g_assert_true (current_check (f)->pass);
  key (f, GDK_KEY_KP_1);   /* the keypad's 1 grades too */
  g_assert_cmpint (fc_return_item_get_condition (current (f)), ==, FC_RETURN_CONDITION_SEALED);
  g_assert_nonnull (fc_return_item_get_case_id (current (f)));

  /* 7. Scanned, not graded. */
  wedge_scan (f, "RT-0004");
  g_assert_cmpint (current_check (f)->code, ==, FC_RETURN_CHECK_WINDOW_EXPIRED);

  /* A graded unit cannot be graded twice. */
  gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (gtk_list_view_get_model (
    GTK_LIST_VIEW (find_list_view (GTK_WIDGET (f->desk))))), 0);
  g_assert_cmpstr (fc_return_item_get_case_id (current (f)), ==, first_case);
  key (f, GDK_KEY_3);
  g_assert_cmpint (fc_return_item_get_condition (current (f)), ==, FC_RETURN_CONDITION_SEALED);
  fc_returns_summarize (fc_returns_desk_get_items (f->desk), &sum);
  g_assert_cmpuint (sum.n_items, ==, 7);
  g_assert_cmpuint (sum.n_recorded, ==, 6);
  g_assert_cmpuint (sum.n_pass, ==, 2);
  g_assert_cmpuint (sum.n_fail, ==, 4);
  g_assert_cmpuint (sum.per_code[FC_RETURN_CHECK_OK], ==, 2);
  g_assert_cmpuint (sum.per_code[FC_RETURN_CHECK_WINDOW_EXPIRED], ==, 1);
  g_assert_cmpuint (sum.per_code[FC_RETURN_CHECK_ALREADY_RETURNED], ==, 2);
  g_assert_cmpuint (sum.per_code[FC_RETURN_CHECK_UNKNOWN_SERIAL], ==, 1);

  /* The store: RT-0001 has one open return and one refused (cancelled). */
  rt1 = return_cases (f, "RT-0001");
  g_assert_cmpuint (rt1->len, ==, 2);
  rt2 = return_cases (f, "RT-0002");
  g_assert_cmpuint (rt2->len, ==, 2);
  g_assert_true (fc_case_state_is_open (fc_case_get_state (g_ptr_array_index (rt2, 0))));
  g_assert_cmpint (fc_case_get_state (g_ptr_array_index (rt2, 1)), ==, FC_CASE_STATE_CANCELLED);
  {
    g_autoptr(GPtrArray) unknown = return_cases (f, "RT-9999");
    g_assert_cmpuint (unknown->len, ==, 1);
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->desk), "desk.finish", NULL));
  spin_for (50);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->desk), "desk.new-batch", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (fc_returns_desk_get_items (f->desk)), ==, 0);

  /* Moved to another window, the buttons still work. */
  {
    GtkWidget *other = gtk_window_new ();
    GtkWidget *grade_button = NULL;

    g_object_ref (f->desk);
    gtk_window_set_child (f->window, NULL);
    gtk_window_set_child (GTK_WINDOW (other), GTK_WIDGET (f->desk));
    g_object_unref (f->desk);
    gtk_window_present (GTK_WINDOW (other));
    spin_for (50);
    grade_button = find_actionable (GTK_WIDGET (f->desk), "desk.grade");
    g_assert_nonnull (grade_button);
    g_assert_true (gtk_widget_is_sensitive (grade_button));
    gtk_window_destroy (GTK_WINDOW (other));
    f->desk = NULL;
  }
}

/* ---- screenshots ---- */

static void
shoot (Fixture *f, const char *dir, const char *name)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.png", dir, name);

  spin_for (600);   /* toasts and flashes settle */
  save_window_png (f->window, path);
  g_test_message ("saved %s", path);
}

static void
fill_batch (Fixture *f)
{
  wedge_scan (f, "RT-0001");
  key (f, GDK_KEY_1);
  wedge_scan (f, "RT-9999");
  key (f, GDK_KEY_4);
  wedge_scan (f, "RT-0003");
  key (f, GDK_KEY_2);
  wedge_scan (f, "RT-0002");
}

static void
test_screenshots (gconstpointer data)
{
  const char *dir = g_getenv ("FC_SCREENSHOT_DIR");
  const char *suffix = g_getenv ("FC_SCREENSHOT_SUFFIX");
  static const int sizes[][2] = { { 1280, 800 }, { 360, 720 } };

  if (dir == NULL)
    {
      g_test_skip ("set FC_SCREENSHOT_DIR to save screenshots");
      return;
    }
  if (suffix == NULL)
    suffix = "";
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      Fixture f = { 0 };
      g_autofree char *desk = g_strdup_printf ("scan-returns-desk-%dx%d%s", sizes[i][0],
                                               sizes[i][1], suffix);
      g_autofree char *summary = g_strdup_printf ("scan-returns-summary-%dx%d%s", sizes[i][0],
                                                  sizes[i][1], suffix);

      setup_sized (&f, sizes[i][0], sizes[i][1]);
      fill_batch (&f);
      shoot (&f, dir, desk);
      gtk_widget_activate_action (GTK_WIDGET (f.desk), "desk.finish", NULL);
      shoot (&f, dir, summary);
      teardown (&f, NULL);
    }
}

int
main (int argc, char **argv)
{
  /* Screenshots in another language: FC_LOCALEDIR holds its .mo files. */
  if (g_getenv ("FC_LOCALEDIR") != NULL)
    {
      /* gtk_test_init() keeps the C locale: ask for the environment's. */
      setlocale (LC_ALL, "");
      bindtextdomain (GETTEXT_PACKAGE, g_getenv ("FC_LOCALEDIR"));
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
    }
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add ("/returns-desk/batch", Fixture, NULL, setup, test_batch, teardown);
  g_test_add_data_func ("/returns-desk/screenshots", NULL, test_screenshots);
  return g_test_run ();
}
