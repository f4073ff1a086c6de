/* bench-list-stall.c: the longest main-loop stall the case list causes.
 *
 *   bench-list-stall STORE [RUNS]     (RUNS = 5)
 *
 * Opens STORE (a 100k-case store from `bench-core --generate`; only read),
 * puts the real FcCaseList in a window and drives it the way an engineer
 * does — picks each filter, flicks through filters faster than they load,
 * types a search a key at a time, scrolls, and lets a sync finish (the
 * store's "changed" signal, which is what the sync client's apply emits) —
 * while it times every main-loop iteration it runs and every call it makes
 * into the widgets (in the app, such a call is an event handler: it runs
 * inside an iteration too). The longest of those is the longest time the
 * main loop was stuck, i.e. the longest the user could have seen the
 * window frozen.
 *
 * The widgets are driven through their own children (the dropdown and the
 * search entry), not through FcCaseList's API, so the same program measures
 * any version of the list. Prints, per phase, the median over runs of each
 * run's longest gap and the longest of all; plus what the list's SQL costs
 * when called directly on this thread (the id query per filter, a row read).
 * Needs a display (xvfb-run) and the app's compiled GSettings schema
 * (GSETTINGS_SCHEMA_DIR); see docs/benchmarks.md.
 */
#include <adwaita.h>
#include <stdlib.h>

#include "fc-case-list.h"
#include "fc-ui-test-util.h"

typedef enum { PH_FILTER, PH_RAPID, PH_SEARCH, PH_SCROLL, PH_SYNC, N_PHASES } Phase;
static const char *const phase_names[N_PHASES] = {
  "pick each filter", "flick through 4 filters", "type a search, clear it",
  "scroll 40 pages", "a sync lands (store \"changed\")",
};

static gboolean verbose;     /* BENCH_VERBOSE=1: each step's gap on stderr */
static gint64 probe_max;     /* µs, since the last probe_reset () */
static guint  items_changed; /* swaps landed: the model's "reloaded" emissions where it has
                             * that signal (a swap may take several items-changed), else
                             * its items-changed emissions */
static GListModel *model_for_verbose;

static void
probe_note (gint64 since)
{
  gint64 dt = g_get_monotonic_time () - since;

  if (dt > probe_max)
    probe_max = dt;
}

static void
probe_reset (void)
{
  probe_max = 0;
}

/* One main-loop iteration, timed. */
static void
iterate (void)
{
  gint64 t0 = g_get_monotonic_time ();
  gboolean dispatched = g_main_context_iteration (NULL, FALSE);

  probe_note (t0);
  if (!dispatched)
    g_usleep (500);
}

/* A call into the widgets, timed as the event handler it stands for. */
#define ACT(stmt) G_STMT_START { gint64 act_t0_ = g_get_monotonic_time (); stmt; probe_note (act_t0_); } G_STMT_END

static void
spin_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < until)
    iterate ();
}

/* Until the model has changed past @before (the new rows are in), then a
 * few frames so the rows are drawn. */
static void
settle (guint before)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (items_changed <= before && g_get_monotonic_time () < deadline)
    iterate ();
  if (items_changed <= before)
    g_printerr ("# warning: the list did not change within 10 s\n");
  spin_for (60);
  if (verbose)
    g_printerr ("#   step: %u rows, longest stall so far %.1f ms\n",
                g_list_model_get_n_items (G_LIST_MODEL (model_for_verbose)), probe_max / 1000.0);
}

static void
items_changed_cb (GListModel *model, guint pos, guint removed, guint added, gpointer data)
{
  items_changed++;
}

static void
reloaded_cb (void)
{
  items_changed++;
}

static int
cmp_i64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return (x > y) - (x < y);
}

static gint64
median (GArray *a)
{
  g_array_sort (a, cmp_i64);
  return a->len > 0 ? g_array_index (a, gint64, a->len / 2) : 0;
}

static gint64
maximum (GArray *a)
{
  gint64 m = 0;

  for (guint i = 0; i < a->len; i++)
    m = MAX (m, g_array_index (a, gint64, i));
  return m;
}

/* What the list's SQL costs when run right here, as it was before the id
 * query moved to a worker. */
static void
measure_direct (FcStore *store)
{
  static const struct { FcCaseFilter f; const char *name; } filters[] = {
    { FC_CASE_FILTER_OPEN, "open" }, { FC_CASE_FILTER_AT_RISK, "at_risk" },
    { FC_CASE_FILTER_RETURNS, "returns" }, { FC_CASE_FILTER_ALL, "all" },
  };
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GArray) reads = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GRand) r = g_rand_new_with_seed (7);
  FcCaseQuery all = { .filter = FC_CASE_FILTER_ALL };

  for (gsize i = 0; i < G_N_ELEMENTS (filters); i++)
    {
      g_autoptr(GArray) t = g_array_new (FALSE, FALSE, sizeof (gint64));
      guint n = 0;

      for (int k = 0; k < 5; k++)
        {
          FcCaseQuery q = { .filter = filters[i].f };
          gint64 t0 = g_get_monotonic_time (), dt;
          g_autoptr(GPtrArray) some = fc_store_query_case_ids (store, &q, NULL);

          dt = g_get_monotonic_time () - t0;
          g_array_append_val (t, dt);
          n = some != NULL ? some->len : 0;
        }
      g_print ("id query, filter %-8s %6u ids: median %5.1f ms, max %5.1f ms\n",
               filters[i].name, n, median (t) / 1000.0, maximum (t) / 1000.0);
    }
  ids = fc_store_query_case_ids (store, &all, NULL);
  for (int k = 0; ids != NULL && ids->len > 0 && k < 500; k++)
    {
      const char *id = g_ptr_array_index (ids, g_rand_int_range (r, 0, ids->len));
      gint64 t0 = g_get_monotonic_time (), dt;
      g_autoptr(FcCase) c = fc_store_get_case (store, id, NULL);

      dt = g_get_monotonic_time () - t0;
      g_array_append_val (reads, dt);
    }
  g_print ("row read (fc_store_get_case), 500 random: median %.3f ms, max %.3f ms\n",
           median (reads) / 1000.0, maximum (reads) / 1000.0);
}

int
main (int    argc,
      char **argv)
{
  /* Dropdown positions: today, open, at risk, returns, all (fc-case-list.c). */
  static const guint cycle[] = { 2, 3, 4, 0, 1 };
  static const guint flick[] = { 2, 3, 4, 1 };
  static const char *const typed[] = { "a", "ai", "air", "air c", "air co", "air coo" };
  g_autoptr(GError) error = NULL;
  g_autoptr(FcStore) store = NULL;
  g_autoptr(GSettings) settings = NULL;
  GArray *per_phase[N_PHASES] = { NULL };
  GtkWidget *window, *list, *scrolled;
  GtkDropDown *dropdown;
  GtkEditable *search;
  GtkAdjustment *vadj;
  GListModel *model;
  int runs;

  if (argc < 2)
    {
      g_printerr ("usage: %s STORE [RUNS]\n", argv[0]);
      return 2;
    }
  runs = argc > 2 ? atoi (argv[2]) : 5;
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  adw_init ();

  store = fc_store_new (argv[1], &error);
  if (store == NULL)
    g_error ("%s", error->message);
  measure_direct (store);

  settings = g_settings_new ("org.fieldcase.Fieldcase");
  g_settings_set_string (settings, "engineer-name", "Wang Engineer");
  g_settings_set_string (settings, "last-filter", "open");
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 420, 800);
  list = fc_case_list_new (store, settings);
  gtk_window_set_child (GTK_WINDOW (window), list);
  gtk_window_present (GTK_WINDOW (window));
  dropdown = GTK_DROP_DOWN (fc_ui_test_find_child (list, GTK_TYPE_DROP_DOWN));
  search = GTK_EDITABLE (fc_ui_test_find_child (list, GTK_TYPE_SEARCH_ENTRY));
  scrolled = fc_ui_test_find_child (list, GTK_TYPE_SCROLLED_WINDOW);
  vadj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  model = G_LIST_MODEL (fc_case_list_get_model (FC_CASE_LIST (list)));
  model_for_verbose = model;
  verbose = g_getenv ("BENCH_VERBOSE") != NULL;
  if (g_signal_lookup ("reloaded", G_OBJECT_TYPE (model)) != 0)
    g_signal_connect_swapped (model, "reloaded", G_CALLBACK (reloaded_cb), NULL);
  else
    g_signal_connect (model, "items-changed", G_CALLBACK (items_changed_cb), NULL);
  spin_for (300);

  {
    guint before = items_changed;

    probe_reset ();
    ACT (fc_case_list_load (FC_CASE_LIST (list)));
    settle (before);
    g_print ("first load: longest stall %.1f ms, %u cases listed\n",
             probe_max / 1000.0, g_list_model_get_n_items (model));
    /* An engineer has a case open: its row is selected (a click). */
    ACT (g_signal_emit_by_name (fc_ui_test_find_child (list, GTK_TYPE_LIST_VIEW), "activate", 3));
    spin_for (100);
  }

  for (int p = 0; p < N_PHASES; p++)
    per_phase[p] = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (int run = 0; run < runs; run++)
    {
      guint before;

      probe_reset ();
      for (gsize i = 0; i < G_N_ELEMENTS (cycle); i++)
        {
          before = items_changed;
          ACT (gtk_drop_down_set_selected (dropdown, cycle[i]));
          settle (before);
        }
      g_array_append_val (per_phase[PH_FILTER], probe_max);

      probe_reset ();
      before = items_changed;
      for (gsize i = 0; i < G_N_ELEMENTS (flick); i++)
        {
          ACT (gtk_drop_down_set_selected (dropdown, flick[i]));
          spin_for (5);
        }
      /* Whatever was superseded, the last pick has to land. */
      settle (before);
      spin_for (200);
      g_array_append_val (per_phase[PH_RAPID], probe_max);

      probe_reset ();
      before = items_changed;
      for (gsize i = 0; i < G_N_ELEMENTS (typed); i++)
        {
          ACT (gtk_editable_set_text (search, typed[i]));
          spin_for (40);   /* a fast typist */
        }
      spin_for (300);      /* the entry's search delay */
      settle (before);
      before = items_changed;
      ACT (gtk_editable_set_text (search, ""));
      spin_for (300);
      settle (before);
      g_array_append_val (per_phase[PH_SEARCH], probe_max);

      probe_reset ();
      ACT (gtk_adjustment_set_value (vadj, 0));
      for (int step = 0; step < 40; step++)
        {
          ACT (gtk_adjustment_set_value (vadj, gtk_adjustment_get_value (vadj) +
                                               gtk_adjustment_get_page_size (vadj)));
          spin_for (16);
        }
      g_array_append_val (per_phase[PH_SCROLL], probe_max);

      probe_reset ();
      before = items_changed;
      ACT (g_signal_emit_by_name (store, "changed"));
      settle (before);
      g_array_append_val (per_phase[PH_SYNC], probe_max);
    }

  g_print ("longest main-loop stall per run (ms), %d runs, %u cases listed at the end:\n",
           runs, g_list_model_get_n_items (model));
  for (int p = 0; p < N_PHASES; p++)
    g_print ("  %-32s median %6.1f   max %6.1f\n", phase_names[p],
             median (per_phase[p]) / 1000.0, maximum (per_phase[p]) / 1000.0);

  for (int p = 0; p < N_PHASES; p++)
    g_array_unref (per_phase[p]);
  gtk_window_destroy (GTK_WINDOW (window));
  spin_for (100);
  return 0;
}
