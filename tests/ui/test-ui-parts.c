/* test-ui-parts.c: the UI's pieces one at a time — the pure rules (no
 * drawing), the signature pad's exports, the lazy list model over many
 * cases, the deadline watch, the sync indicator, the supervisor PIN. */
#include "fc-ui-test-util.h"

#include "fc-case-list-model.h"
#include "fc-case-rules.h"
#include "fc-error.h"
#include "fc-ids.h"
#include "fc-deadline-watch.h"
#include "fc-signature-pad.h"
#include "fc-supervisor-pin.h"
#include "fc-sync-indicator.h"
#include "fc-ui-format.h"

#define HOUR_MS G_GINT64_CONSTANT (3600000)

static char *
open_case (FcStore    *store,
           const char *severity,
           const char *kind)
{
  g_autoptr(JsonObject) p = json_object_new ();
  g_autoptr(GError) error = NULL;
  char *id;

  json_object_set_string_member (p, "kind", kind);
  json_object_set_string_member (p, "channel", "phone");
  json_object_set_string_member (p, "problem_type", "quality");
  json_object_set_string_member (p, "severity", severity);
  json_object_set_string_member (p, "description", "Phone reboots repeatedly");
  id = fc_store_open_case (store, p, "tester", &error);
  g_assert_no_error (error);
  return id;
}

/* ---- pure rules ---- */

static void
test_rules_validate (void)
{
  g_autoptr(JsonObject) p = json_object_new ();
  g_autoptr(GHashTable) e1 = NULL;
  g_autoptr(GHashTable) e2 = NULL;
  g_autoptr(GHashTable) e3 = NULL;
  g_autofree char *past = fc_time_format_ms (FC_UI_TEST_NOW - HOUR_MS);
  g_autofree char *future = fc_time_format_ms (FC_UI_TEST_NOW + HOUR_MS);
  g_autofree char *huge = g_strnfill (FC_EVENT_MAX_TEXT + 1, 'x');

  e1 = fc_case_rules_validate (FC_EV_DIAGNOSIS_RECORDED, p, FC_UI_TEST_NOW);
  g_assert_true (g_hash_table_contains (e1, "symptom"));
  g_assert_true (g_hash_table_contains (e1, "cause"));
  g_assert_true (g_hash_table_contains (e1, "method"));

  json_object_set_string_member (p, "action", "repair");
  json_object_set_string_member (p, "description", huge);
  json_object_set_string_member (p, "owner", "wang");
  json_object_set_string_member (p, "acceptance", "works");
  json_object_set_string_member (p, "deadline", past);
  e2 = fc_case_rules_validate (FC_EV_PLAN_PROPOSED, p, FC_UI_TEST_NOW);
  g_assert_cmpuint (g_hash_table_size (e2), ==, 2);
  g_assert_true (g_hash_table_contains (e2, "deadline"));
  g_assert_true (g_hash_table_contains (e2, "description"));

  json_object_set_string_member (p, "deadline", future);
  json_object_set_string_member (p, "description", "repair it");
  e3 = fc_case_rules_validate (FC_EV_PLAN_PROPOSED, p, FC_UI_TEST_NOW);
  g_assert_cmpuint (g_hash_table_size (e3), ==, 0);
}

static void
test_rules_steps_and_actions (void)
{
  FcCaseFold fold;

  g_assert_cmpint (fc_case_rules_step_for_state (FC_CASE_STATE_OPENED), ==, FC_STEP_DIAGNOSE);
  g_assert_cmpint (fc_case_rules_step_for_state (FC_CASE_STATE_DIAGNOSING), ==, FC_STEP_REPRODUCE);
  g_assert_cmpint (fc_case_rules_step_for_state (FC_CASE_STATE_IN_REPAIR), ==, FC_STEP_RESOLVE);
  g_assert_cmpint (fc_case_rules_step_for_state (FC_CASE_STATE_RESOLVED), ==, FC_STEP_REVISIT);
  g_assert_cmpint (fc_case_rules_step_for_state (FC_CASE_STATE_REOPENED), ==, FC_STEP_DIAGNOSE);
  g_assert_cmpint (fc_case_rules_step_for_state (FC_CASE_STATE_CLOSED), ==, FC_STEP_TIMELINE);
  g_assert_cmpstr (fc_step_to_page_name (FC_STEP_RESOLVE), ==, "resolve");

  fc_case_fold_init (&fold, "0190f3a0-0000-7000-8000-000000000001");
  fold.state = FC_CASE_STATE_OPENED;
  g_assert_true (fc_case_rules_action_enabled (&fold, "case.respond"));
  g_assert_false (fc_case_rules_action_enabled (&fold, "case.diagnose"));
  g_assert_false (fc_case_rules_action_enabled (&fold, "case.no-such-action"));
  g_assert_false (fc_case_rules_action_enabled (NULL, "case.respond"));
  fold.state = FC_CASE_STATE_PLAN_PROPOSED;
  fold.approval_required = TRUE;
  g_assert_true (fc_case_rules_action_enabled (&fold, "case.approve"));
  g_assert_false (fc_case_rules_action_enabled (&fold, "case.agree"));
  fold.approval_required = FALSE;
  g_assert_false (fc_case_rules_action_enabled (&fold, "case.approve"));
  g_assert_true (fc_case_rules_action_enabled (&fold, "case.agree"));
  fc_case_fold_clear (&fold);
}

static void
test_format (void)
{
  g_autofree char *in = fc_ui_format_countdown (FC_UI_TEST_NOW + 3 * HOUR_MS + 20 * 60000, FC_UI_TEST_NOW);
  g_autofree char *late = fc_ui_format_countdown (FC_UI_TEST_NOW - 52 * HOUR_MS, FC_UI_TEST_NOW);
  g_autofree char *none = fc_ui_format_countdown (0, FC_UI_TEST_NOW);
  g_autoptr(GtkStringList) methods = fc_ui_vocab_new_model (FC_UI_VOCAB_METHOD);

  g_assert_cmpstr (in, ==, "in 3 h 20 min");
  g_assert_cmpstr (late, ==, "overdue by 2 d 4 h");
  g_assert_cmpstr (none, ==, "No deadline");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (methods)), ==,
                    fc_ui_vocab_size (FC_UI_VOCAB_METHOD));
  g_assert_cmpstr (fc_ui_vocab_id (FC_UI_VOCAB_CHANNEL, 3), ==, "face_to_face");
  g_assert_null (fc_ui_vocab_id (FC_UI_VOCAB_CHANNEL, 99));
  g_assert_cmpuint (fc_ui_vocab_position (FC_UI_VOCAB_FILTER, "at_risk"), ==, 2);
  g_assert_cmpstr (fc_ui_vocab_label (FC_UI_VOCAB_SEVERITY, "urgent"), ==, "Urgent");
  g_assert_cmpstr (fc_ui_vocab_label (FC_UI_VOCAB_SEVERITY, "unheard-of"), ==, "unheard-of");
  g_assert_cmpstr (fc_ui_state_label (FC_CASE_STATE_PLAN_PROPOSED), ==, "Plan proposed");
  g_assert_cmpstr (fc_ui_deadline_css_class (FC_DEADLINE_OVERDUE), ==, "deadline-overdue");
  g_assert_cmpstr (fc_ui_event_label (FC_EV_CASE_RESOLVED), ==, "Customer sign-off");
  g_assert_cmpstr (fc_ui_deadline_label ("hq-new-rule", "HQ label"), ==, "HQ label");
}

static void
test_supervisor_pin (FcUiFixture   *f,
                     gconstpointer  data)
{
  g_autofree char *h1 = fc_supervisor_pin_hash ("2468", "salt");
  g_autofree char *h2 = fc_supervisor_pin_hash ("2468", NULL);
  g_autofree char *stored = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (fc_supervisor_pin_verify (h1, "2468"));
  g_assert_true (fc_supervisor_pin_verify (h2, "2468"));
  g_assert_false (fc_supervisor_pin_verify (h1, "2469"));
  g_assert_false (fc_supervisor_pin_verify ("garbage", "2468"));
  g_assert_cmpstr (h1, !=, h2);   /* salted */
  g_assert_false (fc_supervisor_pin_is_valid ("12"));
  g_assert_false (fc_supervisor_pin_is_valid ("12a4"));
  g_assert_true (fc_supervisor_pin_is_valid ("12345678"));

  g_assert_false (fc_supervisor_pin_is_set (f->store));
  g_assert_false (fc_supervisor_pin_set (f->store, "12", &error));
  g_assert_error (error, FC_ERROR, FC_ERROR_INVALID);
  g_assert_false (fc_supervisor_pin_is_set (f->store));
  g_assert_true (fc_supervisor_pin_set (f->store, "2468", NULL));
  g_assert_true (fc_supervisor_pin_check (f->store, "2468"));
  g_assert_false (fc_supervisor_pin_check (f->store, "8642"));
  stored = fc_store_get_meta (f->store, FC_SUPERVISOR_PIN_META);
  g_assert_null (strstr (stored, "2468"));   /* never the PIN itself */
}

/* ---- the signature pad ---- */

static void
test_signature_pad (void)
{
  GtkWidget *pad = g_object_ref_sink (fc_signature_pad_new ());
  const graphene_point_t stroke[] = { { 10, 10 }, { 50, 40 }, { 90, 10 } };
  g_autoptr(GBytes) png = NULL;
  g_autofree char *svg = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  g_assert_true (fc_signature_pad_is_empty (FC_SIGNATURE_PAD (pad)));
  g_assert_null (fc_signature_pad_to_svg (FC_SIGNATURE_PAD (pad)));
  g_assert_null (fc_signature_pad_to_png (FC_SIGNATURE_PAD (pad), &error));
  g_clear_error (&error);

  fc_signature_pad_add_stroke (FC_SIGNATURE_PAD (pad), stroke, G_N_ELEMENTS (stroke));
  /* Drawing as the drag gesture does: a dot. */
  fc_signature_pad_begin_stroke (FC_SIGNATURE_PAD (pad), 120, 30);
  fc_signature_pad_end_stroke (FC_SIGNATURE_PAD (pad));
  g_assert_cmpuint (fc_signature_pad_get_n_strokes (FC_SIGNATURE_PAD (pad)), ==, 2);

  svg = fc_signature_pad_to_svg (FC_SIGNATURE_PAD (pad));
  g_assert_nonnull (strstr (svg, "<svg"));
  g_assert_nonnull (strstr (svg, "M10.0 10.0 L50.0 40.0 L90.0 10.0"));
  g_assert_nonnull (strstr (svg, "width=\"130\" height=\"50\""));

  png = fc_signature_pad_to_png (FC_SIGNATURE_PAD (pad), &error);
  g_assert_no_error (error);
  texture = gdk_texture_new_from_bytes (png, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 130);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, 50);

  fc_signature_pad_undo (FC_SIGNATURE_PAD (pad));
  g_assert_cmpuint (fc_signature_pad_get_n_strokes (FC_SIGNATURE_PAD (pad)), ==, 1);
  fc_signature_pad_clear (FC_SIGNATURE_PAD (pad));
  g_assert_true (fc_signature_pad_is_empty (FC_SIGNATURE_PAD (pad)));
  g_object_unref (pad);
}

/* ---- the lazy list ---- */

#define MANY 1500

static void
test_list_model_lazy (FcUiFixture   *f,
                      gconstpointer  data)
{
  g_autoptr(FcCaseListModel) model = fc_case_list_model_new (f->store);
  g_autofree char *urgent = NULL;
  guint changes = 0;

  for (int i = 0; i < MANY; i++)
    g_free (open_case (f->store, "general", i % 10 == 0 ? "return" : "repair"));
  urgent = open_case (f->store, "urgent", "complaint");

  g_signal_connect_swapped (model, "items-changed", G_CALLBACK (g_atomic_int_inc), &changes);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);   /* nothing yet */
  fc_case_list_model_set_query (model, FC_CASE_FILTER_OPEN, NULL, NULL);
  g_assert_true (fc_case_list_model_reload (model, NULL));
  g_assert_cmpuint (changes, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, MANY + 1);
  g_assert_cmpuint (fc_case_list_model_get_cached (model), ==, 0);

  /* Most urgent first, read on demand. */
  {
    g_autoptr(FcCase) first = g_list_model_get_item (G_LIST_MODEL (model), 0);
    g_assert_cmpstr (fc_case_get_id (first), ==, urgent);
    g_assert_cmpuint (fc_case_list_model_find (model, urgent), ==, 0);
  }
  for (guint i = 0; i < MANY; i += 3)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (model), i));
  g_assert_cmpuint (fc_case_list_model_get_cached (model), <=, FC_CASE_LIST_CACHE_MAX);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (model), MANY + 1));

  fc_case_list_model_set_query (model, FC_CASE_FILTER_RETURNS, NULL, NULL);
  g_assert_true (fc_case_list_model_reload (model, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, MANY / 10);

  /* A new case recorded elsewhere appears (the store's signal). */
  g_free (open_case (f->store, "general", "return"));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, MANY / 10 + 1);
}

/* A list view over the model reads only what it shows. */
static void
test_list_view_reads_few (FcUiFixture   *f,
                          gconstpointer  data)
{
  g_autoptr(FcCaseListModel) model = fc_case_list_model_new (f->store);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  GtkWidget *view;

  for (int i = 0; i < 600; i++)
    g_free (open_case (f->store, "general", "repair"));
  fc_case_list_model_set_query (model, FC_CASE_FILTER_ALL, NULL, NULL);
  g_assert_true (fc_case_list_model_reload (model, NULL));
  view = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (model)))),
                            g_object_ref (factory));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  gtk_window_set_child (GTK_WINDOW (window), scroller);
  gtk_window_set_default_size (GTK_WINDOW (window), 300, 400);
  gtk_window_present (GTK_WINDOW (window));
  fc_spin_for (300);
  g_assert_cmpuint (fc_case_list_model_get_cached (model), >, 0);
  g_assert_cmpuint (fc_case_list_model_get_cached (model), <, 600);
  gtk_window_destroy (GTK_WINDOW (window));
  fc_spin_for (20);
}

/* ---- deadlines ---- */

typedef struct {
  guint warnings, overdue;
} Entered;

static void
entered_cb (FcDeadlineWatch *watch,
            const char      *case_id,
            const char      *number,
            int              state,
            Entered         *e)
{
  g_assert_nonnull (number);
  if (state == FC_DEADLINE_WARNING)
    e->warnings++;
  else if (state == FC_DEADLINE_OVERDUE)
    e->overdue++;
}

static void
test_deadline_watch (FcUiFixture   *f,
                     gconstpointer  data)
{
  g_autoptr(FcDeadlineWatch) watch = fc_deadline_watch_new (f->store);
  g_autofree char *id = open_case (f->store, "general", "repair");
  Entered e = { 0 };
  g_autoptr(FcCase) c = NULL;

  g_signal_connect (watch, "case-entered", G_CALLBACK (entered_cb), &e);
  fc_deadline_watch_check (watch);              /* learns; nothing at risk */
  fc_clock_advance_ms (f->clock, 19 * HOUR_MS); /* past 75 % of the 24 h response */
  fc_deadline_watch_check (watch);
  g_assert_cmpuint (e.warnings, ==, 1);
  fc_deadline_watch_check (watch);              /* no repeat */
  g_assert_cmpuint (e.warnings, ==, 1);
  fc_clock_advance_ms (f->clock, 6 * HOUR_MS);  /* 25 h: overdue */
  fc_deadline_watch_check (watch);
  g_assert_cmpuint (e.overdue, ==, 1);
  c = fc_store_get_case (f->store, id, NULL);
  g_assert_cmpint (fc_ui_worst_deadline (fc_store_get_sla_policy (f->store), fc_case_get_fold (c),
                                         fc_clock_now_ms (f->clock)), ==, FC_DEADLINE_OVERDUE);
}

/* ---- sync indicator ---- */

static void
test_sync_view (void)
{
  g_assert_cmpint (fc_sync_view_for (FALSE, TRUE, 0, NULL), ==, FC_SYNC_VIEW_OFFLINE);
  g_assert_cmpint (fc_sync_view_for (TRUE, FALSE, 3, NULL), ==, FC_SYNC_VIEW_OFFLINE);
  g_assert_cmpint (fc_sync_view_for (TRUE, TRUE, 3, NULL), ==, FC_SYNC_VIEW_WAITING);
  g_assert_cmpint (fc_sync_view_for (TRUE, TRUE, 0, NULL), ==, FC_SYNC_VIEW_SYNCED);
  g_assert_cmpint (fc_sync_view_for (TRUE, TRUE, 0, "HTTP 500"), ==, FC_SYNC_VIEW_ERROR);
}

static void
test_sync_indicator_counts (FcUiFixture   *f,
                            gconstpointer  data)
{
  GtkWidget *indicator = g_object_ref_sink (fc_sync_indicator_new (f->store));

  fc_sync_indicator_refresh (FC_SYNC_INDICATOR (indicator));
  g_assert_cmpstr (fc_sync_indicator_get_label (FC_SYNC_INDICATOR (indicator)), ==, "Offline");
  g_free (open_case (f->store, "general", "repair"));
  g_free (open_case (f->store, "general", "repair"));
  fc_spin_for (50);   /* the refresh is coalesced in an idle */
  g_assert_cmpint (fc_sync_indicator_get_view (FC_SYNC_INDICATOR (indicator)), ==, FC_SYNC_VIEW_OFFLINE);
  g_assert_cmpstr (fc_sync_indicator_get_label (FC_SYNC_INDICATOR (indicator)), ==, "2 waiting");
  g_object_unref (indicator);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/rules/validate", test_rules_validate);
  g_test_add_func ("/ui/rules/steps-and-actions", test_rules_steps_and_actions);
  g_test_add_func ("/ui/format", test_format);
  g_test_add ("/ui/supervisor-pin", FcUiFixture, NULL, fc_ui_fixture_set_up,
              test_supervisor_pin, fc_ui_fixture_tear_down);
  g_test_add_func ("/ui/signature-pad", test_signature_pad);
  g_test_add ("/ui/case-list/lazy-model", FcUiFixture, NULL, fc_ui_fixture_set_up,
              test_list_model_lazy, fc_ui_fixture_tear_down);
  g_test_add ("/ui/case-list/view-reads-few", FcUiFixture, NULL, fc_ui_fixture_set_up,
              test_list_view_reads_few, fc_ui_fixture_tear_down);
  g_test_add ("/ui/deadline-watch", FcUiFixture, NULL, fc_ui_fixture_set_up,
              test_deadline_watch, fc_ui_fixture_tear_down);
  g_test_add_func ("/ui/sync/view", test_sync_view);
  g_test_add ("/ui/sync/indicator-counts", FcUiFixture, NULL, fc_ui_fixture_set_up,
              test_sync_indicator_counts, fc_ui_fixture_tear_down);
  return g_test_run ();
}
