/* test-case-list-async.c: the case list reads its ids off the main thread
 * (issue #4) and still shows the right cases, in the right order.
 *
 * One real store of a few thousand cases, shared by the tests; each test
 * drives the real FcCaseList (its dropdown and search entry, as the
 * engineer does) or the model's reload_async, and compares what is listed
 * with fc_store_query_case_ids() for the same query — the synchronous
 * query the list used to run itself — and with counts known from how the
 * store was filled.
 */
#include "fc-ui-test-util.h"

#include "fc-case-list.h"

#define N_CASES  2400
#define N_RETURN (N_CASES / 6)    /* every 6th is a return */
#define N_WORD   (N_CASES / 8)    /* every 8th mentions the compressor */

static FcUiFixture shared;

static char *
open_case (FcStore    *store,
           const char *severity,
           const char *kind,
           const char *description)
{
  g_autoptr(JsonObject) p = json_object_new ();
  g_autoptr(GError) error = NULL;
  char *id;

  json_object_set_string_member (p, "kind", kind);
  json_object_set_string_member (p, "channel", "phone");
  json_object_set_string_member (p, "problem_type", "quality");
  json_object_set_string_member (p, "severity", severity);
  json_object_set_string_member (p, "description", description);
  id = fc_store_open_case (store, p, "tester", &error);
  g_assert_no_error (error);
  return id;
}

static void
fill_store (FcStore *store)
{
  static const char *const severities[] = { "general", "major", "urgent" };

  for (int i = 0; i < N_CASES; i++)
    g_free (open_case (store, severities[i % 3], i % 6 == 0 ? "return" : "repair",
                       i % 8 == 0 ? "Compressor hums but does not start"
                                  : "Phone reboots repeatedly"));
}

typedef struct {
  GtkWidget       *window;
  FcCaseList      *list;
  FcCaseListModel *model;
  GtkDropDown     *dropdown;
  GtkEditable     *search;
  guint            changes;     /* the model's "reloaded" emissions */
  guint            selected;    /* the selection once the list took a change in */
} ListFixture;

static void
reloaded_cb (FcCaseListModel *model,
             ListFixture     *t)
{
  t->changes++;
}

static void
selection_changed_cb (GtkSingleSelection *selection,
                      guint               position,
                      guint               removed,
                      guint               added,
                      ListFixture        *t)
{
  t->selected = gtk_single_selection_get_selected (selection);
}

/* Dropdown positions, as fc-case-list.c lays them out. */
enum { POS_TODAY, POS_OPEN, POS_AT_RISK, POS_RETURNS, POS_ALL };

static void
list_set_up (ListFixture   *t,
             gconstpointer  data)
{
  g_settings_set_string (shared.settings, "last-filter", "open");
  t->window = gtk_window_new ();
  t->list = FC_CASE_LIST (fc_case_list_new (shared.store, shared.settings));
  gtk_window_set_child (GTK_WINDOW (t->window), GTK_WIDGET (t->list));
  gtk_window_set_default_size (GTK_WINDOW (t->window), 400, 700);
  gtk_window_present (GTK_WINDOW (t->window));
  t->model = fc_case_list_get_model (t->list);
  t->dropdown = GTK_DROP_DOWN (fc_ui_test_find_child (GTK_WIDGET (t->list), GTK_TYPE_DROP_DOWN));
  t->search = GTK_EDITABLE (fc_ui_test_find_child (GTK_WIDGET (t->list), GTK_TYPE_SEARCH_ENTRY));
  g_assert_nonnull (t->dropdown);
  g_assert_nonnull (t->search);
  g_signal_connect (t->model, "reloaded", G_CALLBACK (reloaded_cb), t);

  fc_case_list_load (t->list);
  FC_SPIN_UNTIL (fc_case_list_model_is_loaded (t->model) &&
                 !fc_case_list_model_is_reloading (t->model), 10000);
}

static void
list_tear_down (ListFixture   *t,
                gconstpointer  data)
{
  /* Nothing in flight is left to land on a destroyed list. */
  FC_SPIN_UNTIL (!fc_case_list_model_is_reloading (t->model), 10000);
  g_signal_handlers_disconnect_by_func (t->model, reloaded_cb, t);
  gtk_window_destroy (GTK_WINDOW (t->window));
  fc_spin_for (50);
}

static GPtrArray *
reference_ids (FcCaseFilter filter,
               const char  *text)
{
  FcCaseQuery q = { .filter = filter, .text = text };
  g_autoptr(GError) error = NULL;
  GPtrArray *ids = fc_store_query_case_ids (shared.store, &q, &error);

  g_assert_no_error (error);
  return ids;
}

/* The list shows exactly @ref, in its order. */
static void
assert_lists (ListFixture *t,
              GPtrArray   *ref)
{
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (t->model)), ==, ref->len);
  for (guint i = 0; i < ref->len; i++)
    g_assert_cmpuint (fc_case_list_model_find (t->model, g_ptr_array_index (ref, i)), ==, i);
  /* And the rows read on demand are those cases. */
  for (guint i = 0; i < ref->len; i += ref->len / 7 + 1)
    {
      g_autoptr(FcCase) c = g_list_model_get_item (G_LIST_MODEL (t->model), i);
      g_assert_cmpstr (fc_case_get_id (c), ==, g_ptr_array_index (ref, i));
    }
}

/* The engineer picks a filter: the old rows stay until the new ones land. */
static void
pick_filter (ListFixture *t,
             guint        position)
{
  guint before = g_list_model_get_n_items (G_LIST_MODEL (t->model));
  guint changes = t->changes;

  gtk_drop_down_set_selected (t->dropdown, position);
  g_assert_true (fc_case_list_model_is_reloading (t->model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (t->model)), ==, before);
  FC_SPIN_UNTIL (!fc_case_list_model_is_reloading (t->model), 10000);
  g_assert_cmpuint (t->changes, ==, changes + 1);   /* one swap */
}

static void
test_filters_and_search (ListFixture   *t,
                         gconstpointer  data)
{
  static const struct { guint pos; FcCaseFilter filter; } filters[] = {
    { POS_RETURNS, FC_CASE_FILTER_RETURNS }, { POS_ALL, FC_CASE_FILTER_ALL },
    { POS_AT_RISK, FC_CASE_FILTER_AT_RISK }, { POS_OPEN, FC_CASE_FILTER_OPEN },
  };
  g_autoptr(GPtrArray) open = reference_ids (FC_CASE_FILTER_OPEN, NULL);

  /* Every case is open; the most urgent come first. */
  g_assert_cmpuint (open->len, >=, N_CASES);
  assert_lists (t, open);
  {
    g_autoptr(FcCase) first = g_list_model_get_item (G_LIST_MODEL (t->model), 0);
    g_autoptr(FcCase) last = g_list_model_get_item (G_LIST_MODEL (t->model), open->len - 1);
    g_assert_cmpstr (fc_case_get_severity (first), ==, "urgent");
    g_assert_cmpstr (fc_case_get_severity (last), ==, "general");
  }

  for (gsize i = 0; i < G_N_ELEMENTS (filters); i++)
    {
      g_autoptr(GPtrArray) ref = reference_ids (filters[i].filter, NULL);

      pick_filter (t, filters[i].pos);
      assert_lists (t, ref);
      if (filters[i].filter == FC_CASE_FILTER_RETURNS)
        g_assert_cmpuint (ref->len, ==, N_RETURN);
    }

  /* A search typed into the entry (its own delay, then a worker). */
  {
    g_autoptr(GPtrArray) ref = reference_ids (FC_CASE_FILTER_OPEN, "compressor");
    guint changes = t->changes;

    g_assert_cmpuint (ref->len, ==, N_WORD);
    gtk_editable_set_text (t->search, "compressor");
    FC_SPIN_UNTIL (t->changes > changes && !fc_case_list_model_is_reloading (t->model), 10000);
    assert_lists (t, ref);
    for (guint i = 0; i < 5; i++)
      {
        g_autoptr(FcCase) c = g_list_model_get_item (G_LIST_MODEL (t->model), i);
        g_assert_nonnull (strstr (fc_case_get_title (c), "Compressor"));
      }

    /* Search and filter together. */
    g_ptr_array_unref (ref);
    ref = reference_ids (FC_CASE_FILTER_RETURNS, "compressor");
    g_assert_cmpuint (ref->len, ==, N_CASES / 24);   /* both every 6th and every 8th */
    pick_filter (t, POS_RETURNS);
    assert_lists (t, ref);
  }
}

/* Filters picked faster than they load: only the last one is ever shown. */
static void
test_rapid_filters (ListFixture   *t,
                    gconstpointer  data)
{
  static const guint picks[] = { POS_ALL, POS_AT_RISK, POS_TODAY, POS_ALL, POS_RETURNS };
  g_autoptr(GPtrArray) ref = reference_ids (FC_CASE_FILTER_RETURNS, NULL);
  guint changes = t->changes;

  for (gsize i = 0; i < G_N_ELEMENTS (picks); i++)
    gtk_drop_down_set_selected (t->dropdown, picks[i]);
  FC_SPIN_UNTIL (!fc_case_list_model_is_reloading (t->model), 10000);
  /* The four superseded queries were never applied: one change, the last. */
  g_assert_cmpuint (t->changes, ==, changes + 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (t->model)), ==, ref->len);
  assert_lists (t, ref);
  /* Nor do they land late. */
  fc_spin_for (300);
  g_assert_cmpuint (t->changes, ==, changes + 1);
  assert_lists (t, ref);
}

static void
reload_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GError **out = user_data;

  if (!fc_case_list_model_reload_finish (FC_CASE_LIST_MODEL (source), result, out))
    g_assert_nonnull (*out);
  else
    *out = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NONE, "landed");
}

/* The model's API: a superseded reload finishes with CANCELLED. */
static void
test_superseded_reload (ListFixture   *t,
                        gconstpointer  data)
{
  g_autoptr(GError) first = NULL;
  g_autoptr(GError) second = NULL;
  g_autoptr(GPtrArray) ref = reference_ids (FC_CASE_FILTER_RETURNS, NULL);

  fc_case_list_model_set_query (t->model, FC_CASE_FILTER_ALL, NULL, NULL);
  fc_case_list_model_reload_async (t->model, NULL, reload_done_cb, &first);
  fc_case_list_model_set_query (t->model, FC_CASE_FILTER_RETURNS, NULL, NULL);
  fc_case_list_model_reload_async (t->model, NULL, reload_done_cb, &second);
  FC_SPIN_UNTIL (first != NULL && second != NULL, 10000);
  g_assert_error (first, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_error (second, G_IO_ERROR, G_IO_ERROR_NONE);
  assert_lists (t, ref);

  /* The synchronous reload supersedes one in flight too. */
  g_clear_error (&first);
  fc_case_list_model_set_query (t->model, FC_CASE_FILTER_ALL, NULL, NULL);
  fc_case_list_model_reload_async (t->model, NULL, reload_done_cb, &first);
  fc_case_list_model_set_query (t->model, FC_CASE_FILTER_RETURNS, NULL, NULL);
  g_assert_true (fc_case_list_model_reload (t->model, NULL));
  FC_SPIN_UNTIL (first != NULL, 10000);
  g_assert_error (first, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  assert_lists (t, ref);
}

static void
count_cb (guint *count)
{
  (*count)++;
}

/* Swaps go a few dozen rows per step: what lands or is asked for while one
 * is half-way through still ends with exactly the newest ids. */
static void
test_interrupted_swap (ListFixture   *t,
                       gconstpointer  data)
{
  g_autoptr(GError) first = NULL;
  g_autoptr(GError) second = NULL;
  g_autoptr(GPtrArray) all = reference_ids (FC_CASE_FILTER_ALL, NULL);
  g_autoptr(GPtrArray) returns = reference_ids (FC_CASE_FILTER_RETURNS, NULL);
  guint steps = 0;
  gulong id = g_signal_connect_swapped (t->model, "items-changed", G_CALLBACK (count_cb), &steps);

  /* More rows than one step: the swap of "all" over "open" takes several. */
  g_assert_cmpuint (all->len, >, 1000);

  /* The synchronous reload stops a swap half-way: it reports CANCELLED. */
  fc_case_list_model_set_query (t->model, FC_CASE_FILTER_ALL, NULL, NULL);
  fc_case_list_model_reload_async (t->model, NULL, reload_done_cb, &first);
  FC_SPIN_UNTIL (steps > 0, 10000);
  g_assert_true (fc_case_list_model_is_reloading (t->model));
  fc_case_list_model_set_query (t->model, FC_CASE_FILTER_RETURNS, NULL, NULL);
  g_assert_true (fc_case_list_model_reload (t->model, NULL));
  g_assert_false (fc_case_list_model_is_reloading (t->model));
  assert_lists (t, returns);
  FC_SPIN_UNTIL (first != NULL, 10000);
  g_assert_error (first, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  fc_spin_for (100);
  assert_lists (t, returns);

  /* A reload asked for during a swap: whichever way the two land, the
   * list ends up with the newest ids, and the newest reload succeeds. */
  g_clear_error (&first);
  steps = 0;
  fc_case_list_model_set_query (t->model, FC_CASE_FILTER_ALL, NULL, NULL);
  fc_case_list_model_reload_async (t->model, NULL, reload_done_cb, &first);
  FC_SPIN_UNTIL (steps > 0, 10000);
  fc_case_list_model_set_query (t->model, FC_CASE_FILTER_RETURNS, NULL, NULL);
  fc_case_list_model_reload_async (t->model, NULL, reload_done_cb, &second);
  FC_SPIN_UNTIL (first != NULL && second != NULL, 10000);
  g_assert_error (second, G_IO_ERROR, G_IO_ERROR_NONE);
  if (!g_error_matches (first, G_IO_ERROR, G_IO_ERROR_NONE))
    g_assert_error (first, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (fc_case_list_model_is_reloading (t->model));
  assert_lists (t, returns);
  g_signal_handler_disconnect (t->model, id);
}

/* A case recorded while the list is shown (here, or by a sync) is listed
 * once the refresh lands — at the top, being the most urgent. */
static void
test_recorded_case_appears (ListFixture   *t,
                            gconstpointer  data)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (t->model));
  g_autoptr(GPtrArray) before = reference_ids (FC_CASE_FILTER_OPEN, NULL);
  const char *selected = g_ptr_array_index (before, 10);
  g_autofree char *id = NULL;
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (gtk_list_view_get_model (
    GTK_LIST_VIEW (fc_ui_test_find_child (GTK_WIDGET (t->list), GTK_TYPE_LIST_VIEW))));

  /* What the selection is once the list has taken a change in (later, the
   * pointer of the X server hovering a row may select that one: the list
   * selects on hover, so the selection is checked at that moment). */
  g_signal_connect_after (selection, "items-changed", G_CALLBACK (selection_changed_cb), t);
  g_assert_true (fc_case_list_select_case (t->list, selected));
  id = open_case (shared.store, "urgent", "complaint", "Smoke from the outdoor unit");
  /* Off the main thread: the old rows are still there meanwhile. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (t->model)), ==, n);
  FC_SPIN_UNTIL (fc_case_list_model_find (t->model, id) != GTK_INVALID_LIST_POSITION, 10000);
  FC_SPIN_UNTIL (!fc_case_list_model_is_reloading (t->model), 10000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (t->model)), ==, n + 1);
  g_assert_cmpuint (fc_case_list_model_find (t->model, id), ==, 0);
  {
    g_autoptr(GPtrArray) ref = reference_ids (FC_CASE_FILTER_OPEN, NULL);
    assert_lists (t, ref);
  }
  g_assert_cmpuint (fc_case_list_model_find (t->model, selected), ==, 11);
  g_signal_handlers_disconnect_by_func (selection, selection_changed_cb, t);
}

/* Slow frames, always one due: what a wide window drawn in software with a
 * spinner animating looks like to the main loop. */
static gboolean
slow_frame_cb (GtkWidget     *widget,
               GdkFrameClock *clock,
               gpointer       data)
{
  gint64 until = g_get_monotonic_time () + 30 * 1000;

  while (g_get_monotonic_time () < until)
    ;
  gtk_widget_queue_draw (widget);
  return G_SOURCE_CONTINUE;
}

/* The swap's later steps still run when every frame is slow and another
 * is always due: the list reached its rows (it once stayed on its
 * spinner on a 1280-px window, its steps queued below the frames). */
static void
test_swap_with_slow_frames (ListFixture   *t,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) ref = reference_ids (FC_CASE_FILTER_ALL, NULL);
  guint tick = gtk_widget_add_tick_callback (t->window, slow_frame_cb, NULL, NULL);

  gtk_drop_down_set_selected (t->dropdown, POS_ALL);
  FC_SPIN_UNTIL (!fc_case_list_model_is_reloading (t->model), 10000);
  gtk_widget_remove_tick_callback (t->window, tick);
  assert_lists (t, ref);
}

int
main (int    argc,
      char **argv)
{
  int rc;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  fc_ui_fixture_set_up (&shared, NULL);
  fill_store (shared.store);

  g_test_add ("/case-list-async/filters-and-search", ListFixture, NULL, list_set_up,
              test_filters_and_search, list_tear_down);
  g_test_add ("/case-list-async/rapid-filters", ListFixture, NULL, list_set_up,
              test_rapid_filters, list_tear_down);
  g_test_add ("/case-list-async/superseded-reload", ListFixture, NULL, list_set_up,
              test_superseded_reload, list_tear_down);
  g_test_add ("/case-list-async/interrupted-swap", ListFixture, NULL, list_set_up,
              test_interrupted_swap, list_tear_down);
  g_test_add ("/case-list-async/recorded-case-appears", ListFixture, NULL, list_set_up,
              test_recorded_case_appears, list_tear_down);
  g_test_add ("/case-list-async/swap-with-slow-frames", ListFixture, NULL, list_set_up,
              test_swap_with_slow_frames, list_tear_down);
  rc = g_test_run ();
  fc_ui_fixture_tear_down (&shared, NULL);
  return rc;
}
