/* test-case-flow.c: a whole case through the real widgets, under Xvfb.
 *
 * create → respond → diagnose → reproduce → plan → approve → agree → part →
 * sign → resolve → revisit → close, driven by setting entry texts and
 * activating the page's actions, then checked in the store; plus the
 * refusals: a step not allowed is disabled, a bad field shows its error
 * next to it, and nothing is written.
 */
#include "fc-ui-test-util.h"

#include "fc-case-list.h"
#include "fc-case-page.h"
#include "fc-new-case-dialog.h"
#include "fc-supervisor-pin.h"
#include "fc-window.h"

typedef struct {
  FcUiFixture f;
  FcWindow   *window;
  FcCasePage *page;
} Flow;

static void
flow_set_up (Flow          *t,
             gconstpointer  data)
{
  fc_ui_fixture_set_up (&t->f, data);
  t->window = fc_window_new (NULL, t->f.store, t->f.settings);
  gtk_window_set_default_size (GTK_WINDOW (t->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (t->window));
  FC_SPIN_UNTIL (fc_window_is_loaded (t->window), 5000);
  t->page = FC_CASE_PAGE (fc_window_get_case_page (t->window));
}

static void
flow_tear_down (Flow          *t,
                gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (t->window));
  fc_spin_for (50);
  fc_ui_fixture_tear_down (&t->f, data);
}

static FcNewCaseDialog *
find_new_case_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();   /* not ours */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);
      if (FC_IS_NEW_CASE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return FC_NEW_CASE_DIALOG (w);
    }
  return NULL;
}

static gint64
count_all_cases (FcStore *store)
{
  FcCaseQuery q = { .filter = FC_CASE_FILTER_ALL };

  return fc_store_count_cases (store, &q, NULL);
}

/* The new-case dialog refuses an empty description, then opens the case. */
static char *
open_case_through_dialog (Flow *t)
{
  FcNewCaseDialog *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (t->window), "win.new-case", NULL));
  FC_SPIN_UNTIL ((dialog = find_new_case_dialog ()) != NULL, 3000);
  fc_set_text (fc_new_case_dialog_get_field (dialog, "serial"), "AC-24-0001");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "new-case.lookup", NULL));
  g_assert_nonnull (fc_new_case_dialog_get_product_info (dialog));
  g_assert_nonnull (strstr (fc_new_case_dialog_get_product_info (dialog), "张伟"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "new-case.create", NULL));
  g_assert_nonnull (fc_new_case_dialog_get_description_error (dialog));
  g_assert_cmpint (count_all_cases (t->f.store), ==, 0);

  adw_combo_row_set_selected (ADW_COMBO_ROW (fc_new_case_dialog_get_field (dialog, "channel")), 4);
  fc_set_text (fc_new_case_dialog_get_field (dialog, "description"), "空调制冷效果差 / cools poorly");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (dialog), "new-case.create", NULL));
  FC_SPIN_UNTIL (find_new_case_dialog () == NULL, 3000);
  g_assert_cmpint (count_all_cases (t->f.store), ==, 1);
  g_assert_nonnull (fc_case_page_get_case (t->page));
  return g_strdup (fc_case_page_get_case_id (t->page));
}

static void
activate (Flow       *t,
          const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (t->page), action, NULL));
  fc_spin_for (10);
}

static GtkWidget *
field (Flow       *t,
       const char *id)
{
  GtkWidget *w = fc_case_page_get_field (t->page, id);

  g_assert_nonnull (w);
  return w;
}

static void
step_respond_and_diagnose (Flow       *t,
                           const char *id)
{
  guint n;

  /* Not yet responded: diagnosing is not allowed, and its button says so. */
  g_assert_true (fc_action_enabled (GTK_WIDGET (t->page), "case.respond"));
  g_assert_false (fc_action_enabled (GTK_WIDGET (t->page), "case.diagnose"));
  n = fc_count_events (t->f.store, id);
  activate (t, "case.diagnose");
  g_assert_cmpuint (fc_count_events (t->f.store, id), ==, n);

  fc_set_text (field (t, "respond_note"), "Called the customer, visit at 14:00");
  activate (t, "case.respond");
  g_assert_cmpint (fc_case_state_of (t->f.store, id), ==, FC_CASE_STATE_RESPONDED);
  g_assert_true (fc_action_enabled (GTK_WIDGET (t->page), "case.diagnose"));
  g_assert_false (fc_action_enabled (GTK_WIDGET (t->page), "case.respond"));

  /* A missing cause: its error next to the field, nothing written. */
  n = fc_count_events (t->f.store, id);
  fc_set_text (field (t, "diagnose_symptom"), "Cools poorly after 20 minutes");
  activate (t, "case.diagnose");
  g_assert_nonnull (fc_case_page_get_field_error (t->page, "diagnose_cause"));
  g_assert_null (fc_case_page_get_field_error (t->page, "diagnose_symptom"));
  g_assert_cmpuint (fc_count_events (t->f.store, id), ==, n);

  fc_set_text (field (t, "diagnose_cause"), "Clogged filter");
  adw_combo_row_set_selected (ADW_COMBO_ROW (field (t, "diagnose_method")), 0);
  activate (t, "case.diagnose");
  g_assert_null (fc_case_page_get_field_error (t->page, "diagnose_cause"));
  g_assert_cmpint (fc_case_state_of (t->f.store, id), ==, FC_CASE_STATE_DIAGNOSING);
  /* The page moves on to the next step by itself. */
  g_assert_cmpstr (fc_case_page_get_step (t->page), ==, "reproduce");
}

static void
step_reproduce_and_photo (Flow       *t,
                          const char *id)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0 };
  g_autoptr(GBytes) photo = g_bytes_new_static (png, sizeof png);
  g_autoptr(GError) error = NULL;

  fc_set_text (field (t, "reproduce_steps"), "Ran 20 minutes on cooling, outlet air at 19 °C");
  adw_combo_row_set_selected (ADW_COMBO_ROW (field (t, "reproduce_result")), 0);
  activate (t, "case.reproduce");
  g_assert_cmpint (fc_case_state_of (t->f.store, id), ==, FC_CASE_STATE_REPRODUCED);

  g_assert_true (fc_case_page_attach_bytes (t->page, "filter.png", "image/png", photo, &error));
  g_assert_no_error (error);
}

static void
step_plan_and_approve (Flow       *t,
                       const char *id)
{
  guint n;

  adw_combo_row_set_selected (ADW_COMBO_ROW (field (t, "plan_action")), 5); /* clean_adjust */
  fc_set_text (field (t, "plan_description"), "Clean the filter, adjust the settings");
  fc_set_text (field (t, "plan_acceptance"), "Outlet air below 14 °C after 20 minutes");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (field (t, "plan_owner"))), ==, "Wang Engineer");
  activate (t, "case.propose-plan");
  g_assert_cmpint (fc_case_state_of (t->f.store, id), ==, FC_CASE_STATE_PLAN_PROPOSED);
  /* Approval first: the customer cannot agree to a plan not yet approved. */
  g_assert_false (fc_action_enabled (GTK_WIDGET (t->page), "case.agree"));

  n = fc_count_events (t->f.store, id);
  fc_set_text (field (t, "approve_approver"), "Supervisor Li");
  fc_set_text (field (t, "approve_pin"), "2468");
  activate (t, "case.approve");   /* no PIN on this device yet */
  g_assert_nonnull (fc_case_page_get_field_error (t->page, "approve_pin"));
  g_assert_true (fc_supervisor_pin_set (t->f.store, "2468", NULL));
  fc_set_text (field (t, "approve_pin"), "1111");
  activate (t, "case.approve");   /* wrong PIN */
  g_assert_cmpstr (fc_case_page_get_field_error (t->page, "approve_pin"), ==, "Wrong PIN");
  g_assert_cmpuint (fc_count_events (t->f.store, id), ==, n);

  fc_set_text (field (t, "approve_pin"), "2468");
  activate (t, "case.approve");
  g_assert_cmpint (fc_case_state_of (t->f.store, id), ==, FC_CASE_STATE_PLAN_APPROVED);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (field (t, "approve_pin"))), ==, "");

  activate (t, "case.agree");
  g_assert_cmpint (fc_case_state_of (t->f.store, id), ==, FC_CASE_STATE_CUSTOMER_AGREED);
}

static void
step_part (Flow       *t,
           const char *id)
{
  guint n = fc_count_events (t->f.store, id);

  fc_set_text (field (t, "part_code"), "NO-SUCH-PART");
  activate (t, "case.add-part");
  g_assert_nonnull (fc_case_page_get_field_error (t->page, "part_code"));
  g_assert_cmpuint (fc_count_events (t->f.store, id), ==, n);

  /* A scanned GTIN becomes the catalogue's part number. */
  fc_set_text (field (t, "part_code"), "6901234100358");
  activate (t, "case.lookup-part");
  g_assert_null (fc_case_page_get_field_error (t->page, "part_code"));
  activate (t, "case.add-part");
  g_assert_cmpint (fc_case_state_of (t->f.store, id), ==, FC_CASE_STATE_IN_REPAIR);
}

static void
sign (FcSignaturePad *pad)
{
  const graphene_point_t first[] = { { 20, 60 }, { 40, 30 }, { 60, 70 }, { 80, 35 } };
  const graphene_point_t second[] = { { 100, 50 }, { 140, 52 } };

  fc_signature_pad_add_stroke (pad, first, G_N_ELEMENTS (first));
  fc_signature_pad_add_stroke (pad, second, G_N_ELEMENTS (second));
}

static FcEvent *
last_event (FcStore    *store,
            const char *id)
{
  g_autoptr(GPtrArray) events = fc_store_list_events (store, id, NULL);

  g_assert_nonnull (events);
  return fc_event_ref (g_ptr_array_index (events, events->len - 1));
}

static void
step_sign_off (Flow       *t,
               const char *id)
{
  guint n = fc_count_events (t->f.store, id);
  g_autoptr(FcEvent) resolved = NULL;

  /* No signature, no rating: both errors, nothing written. */
  fc_set_text (field (t, "resolve_signer"), "张伟");
  activate (t, "case.resolve");
  g_assert_nonnull (fc_case_page_get_field_error (t->page, "signature"));
  g_assert_nonnull (fc_case_page_get_field_error (t->page, "resolve_satisfaction"));
  g_assert_cmpuint (fc_count_events (t->f.store, id), ==, n);

  sign (fc_case_page_get_signature_pad (t->page));
  adw_combo_row_set_selected (ADW_COMBO_ROW (field (t, "resolve_satisfaction")), 5);
  activate (t, "case.resolve");
  g_assert_cmpint (fc_case_state_of (t->f.store, id), ==, FC_CASE_STATE_RESOLVED);
  g_assert_true (fc_signature_pad_is_empty (fc_case_page_get_signature_pad (t->page)));

  resolved = last_event (t->f.store, id);
  g_assert_cmpstr (resolved->type, ==, FC_EV_CASE_RESOLVED);
  g_assert_cmpstr (json_object_get_string_member (resolved->payload, "signer"), ==, "张伟");
  g_assert_cmpint (json_object_get_int_member (resolved->payload, "satisfaction"), ==, 5);
  g_assert_true (fc_store_has_blob (t->f.store, json_object_get_string_member (resolved->payload, "signature_sha256")));
  g_assert_true (fc_store_has_blob (t->f.store, json_object_get_string_member (resolved->payload, "signature_svg_sha256")));
  g_assert_cmpstr (fc_case_page_get_step (t->page), ==, "revisit");
}

static void
step_revisit_and_close (Flow       *t,
                        const char *id)
{
  activate (t, "case.schedule-revisit");
  g_assert_cmpint (fc_case_state_of (t->f.store, id), ==, FC_CASE_STATE_REVISIT_SCHEDULED);
  g_assert_false (fc_action_enabled (GTK_WIDGET (t->page), "case.close"));

  gtk_switch_set_active (GTK_SWITCH (field (t, "revisit_solved")), TRUE);
  adw_combo_row_set_selected (ADW_COMBO_ROW (field (t, "revisit_satisfaction")), 5);
  fc_set_text (field (t, "revisit_comment"), "Cools well now");
  activate (t, "case.record-revisit");
  g_assert_cmpint (fc_case_state_of (t->f.store, id), ==, FC_CASE_STATE_REVISITED);

  fc_set_text (field (t, "close_summary"), "Filter cleaned; customer satisfied");
  activate (t, "case.close");
  g_assert_cmpint (fc_case_state_of (t->f.store, id), ==, FC_CASE_STATE_CLOSED);
  g_assert_cmpstr (fc_case_page_get_step (t->page), ==, "timeline");
}

static void
check_store (Flow       *t,
             const char *id)
{
  static const char *const expected[] = {
    FC_EV_CASE_OPENED, FC_EV_CASE_RESPONDED, FC_EV_DIAGNOSIS_RECORDED,
    FC_EV_REPRODUCTION_RECORDED, FC_EV_ATTACHMENT_ADDED, FC_EV_PLAN_PROPOSED,
    FC_EV_PLAN_APPROVED, FC_EV_CUSTOMER_AGREED, FC_EV_PART_REPLACED, FC_EV_CASE_RESOLVED,
    FC_EV_REVISIT_SCHEDULED, FC_EV_REVISIT_RECORDED, FC_EV_CASE_CLOSED,
  };
  g_autoptr(GPtrArray) events = fc_store_list_events (t->f.store, id, NULL);
  g_autoptr(FcCase) c = fc_store_get_case (t->f.store, id, NULL);

  g_assert_cmpuint (events->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < events->len; i++)
    {
      FcEvent *ev = g_ptr_array_index (events, i);
      g_assert_cmpstr (ev->type, ==, expected[i]);
      g_assert_cmpstr (ev->author, ==, "Wang Engineer");
      g_assert_false (ev->conflict);
    }
  g_assert_cmpstr (fc_case_get_fold (c)->plan_action, ==, "clean_adjust");
  g_assert_cmpstr (fc_case_get_fold (c)->model, ==, "KFR-35GW");
  g_assert_cmpstr (fc_case_get_fold (c)->channel, ==, "on_site");
  g_assert_cmpint (fc_case_get_fold (c)->satisfaction, ==, 5);
  g_assert_cmpint (fc_store_count_pending (t->f.store), ==, G_N_ELEMENTS (expected));
}

static void
test_whole_case (Flow          *t,
                 gconstpointer  data)
{
  g_autofree char *id = open_case_through_dialog (t);

  step_respond_and_diagnose (t, id);
  step_reproduce_and_photo (t, id);
  step_plan_and_approve (t, id);
  step_part (t, id);
  step_sign_off (t, id);
  step_revisit_and_close (t, id);
  check_store (t, id);
}

/* "Not solved" at the revisit reopens the case; diagnosis is allowed again. */
static void
test_revisit_not_solved_reopens (Flow          *t,
                                 gconstpointer  data)
{
  g_autofree char *id = open_case_through_dialog (t);

  step_respond_and_diagnose (t, id);
  step_reproduce_and_photo (t, id);
  step_plan_and_approve (t, id);
  step_part (t, id);
  step_sign_off (t, id);
  gtk_switch_set_active (GTK_SWITCH (field (t, "revisit_solved")), FALSE);
  adw_combo_row_set_selected (ADW_COMBO_ROW (field (t, "revisit_satisfaction")), 2);
  activate (t, "case.record-revisit");
  g_assert_cmpint (fc_case_state_of (t->f.store, id), ==, FC_CASE_STATE_REOPENED);
  g_assert_true (fc_action_enabled (GTK_WIDGET (t->page), "case.diagnose"));
  g_assert_false (fc_action_enabled (GTK_WIDGET (t->page), "case.close"));
  g_assert_cmpstr (fc_case_page_get_step (t->page), ==, "diagnose");
}

static void
count_cb (guint *count)
{
  (*count)++;
}

/* The list shows the new case and opens it from a click-equivalent. */
static void
test_list_selects (Flow          *t,
                   gconstpointer  data)
{
  g_autofree char *id = open_case_through_dialog (t);
  FcCaseList *list = FC_CASE_LIST (fc_window_get_case_list (t->window));

  fc_window_show_case (t->window, NULL);
  g_assert_null (fc_case_page_get_case (t->page));
  g_assert_true (fc_case_list_select_case (list, id));
  g_assert_cmpstr (fc_case_page_get_case_id (t->page), ==, id);
  fc_case_list_set_filter (list, "returns");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fc_case_list_get_model (list))), ==, 0);
  fc_case_list_set_filter (list, "all");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fc_case_list_get_model (list))), ==, 1);
  {
    g_autofree char *filter = g_settings_get_string (t->f.settings, "last-filter");
    g_assert_cmpstr (filter, ==, "all");
  }

  /* win.filter (Alt+4) reloads on a worker: the old rows stay until the
   * model's "reloaded". */
  {
    FcCaseListModel *model = fc_case_list_get_model (list);
    guint reloaded = 0;
    gulong id_ = g_signal_connect_swapped (model, "reloaded", G_CALLBACK (count_cb), &reloaded);

    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (t->window), "win.filter", "s", "returns"));
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
    FC_SPIN_UNTIL (reloaded == 1, 10000);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 0);
    g_assert_false (fc_case_list_model_is_reloading (model));
    g_signal_handler_disconnect (model, id_);
  }
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/ui/flow/whole-case", Flow, NULL, flow_set_up, test_whole_case, flow_tear_down);
  g_test_add ("/ui/flow/revisit-not-solved-reopens", Flow, NULL, flow_set_up,
              test_revisit_not_solved_reopens, flow_tear_down);
  g_test_add ("/ui/flow/list-selects", Flow, NULL, flow_set_up, test_list_selects, flow_tear_down);
  return g_test_run ();
}
