/* test-sla.c: deadline math against a fixed clock. */
#include "fc-test-util.h"

#define H (G_GINT64_CONSTANT (3600000))
static gint64 T0;   /* 2026-12-31T23:30:00Z: deadlines cross a day, a month and a year */

static FcEvent *
event_at (const char *type, gint64 t, JsonObject *payload)
{
  g_autofree char *id = fc_uuid7_new (t);
  g_autoptr(JsonObject) p = payload != NULL ? payload : fc_test_step_payload (type);

  return fc_event_new (id, "018f0000-0000-7000-8000-000000000001", type, FC_HLC_MAKE (t, 0),
                       "dev", "tester", p);
}

static void
apply_at (FcCaseFold *fold, const char *type, gint64 t, JsonObject *payload)
{
  g_autoptr(FcEvent) ev = event_at (type, t, payload);
  g_autoptr(GError) error = NULL;

  g_assert_true (fc_case_fold_apply (fold, ev, &error));
  g_assert_no_error (error);
}

static FcDeadline *
find (GPtrArray *deadlines, const char *rule)
{
  for (guint i = 0; i < deadlines->len; i++)
    if (g_str_equal (((FcDeadline *) deadlines->pdata[i])->rule_id, rule))
      return deadlines->pdata[i];
  return NULL;
}

static FcDeadlineState
state_at (FcSlaPolicy *policy, const FcCaseFold *fold, const char *rule, gint64 now)
{
  g_autoptr(GPtrArray) d = fc_sla_policy_evaluate (policy, fold, now);
  FcDeadline *one = find (d, rule);

  g_assert_nonnull (one);
  return one->state;
}

static void
open_fold (FcCaseFold *fold, const char *kind)
{
  g_autoptr(JsonObject) p = fc_test_step_payload (FC_EV_CASE_OPENED);

  json_object_set_string_member (p, "kind", kind);
  fc_case_fold_init (fold, "018f0000-0000-7000-8000-000000000001");
  apply_at (fold, FC_EV_CASE_OPENED, T0, g_steal_pointer (&p));
}

static void
test_response_deadline (void)
{
  g_autoptr(FcSlaPolicy) policy = fc_sla_policy_new_default ();
  g_autoptr(GPtrArray) d = NULL;
  g_autofree char *due_text = NULL;
  FcCaseFold fold;

  open_fold (&fold, "repair");
  d = fc_sla_policy_evaluate (policy, &fold, T0);
  due_text = fc_time_format_ms (find (d, "response")->due_ms);
  g_assert_cmpstr (due_text, ==, "2027-01-01T23:30:00Z");
  g_assert_cmpint (state_at (policy, &fold, "response", T0 + 1 * H), ==, FC_DEADLINE_ON_TIME);
  /* 75 % of 24 h is 18 h: the warning fires then, not a millisecond before. */
  g_assert_cmpint (state_at (policy, &fold, "response", T0 + 18 * H - 1), ==, FC_DEADLINE_ON_TIME);
  g_assert_cmpint (state_at (policy, &fold, "response", T0 + 18 * H), ==, FC_DEADLINE_WARNING);
  g_assert_cmpint (state_at (policy, &fold, "response", T0 + 24 * H - 1), ==, FC_DEADLINE_WARNING);
  g_assert_cmpint (state_at (policy, &fold, "response", T0 + 24 * H), ==, FC_DEADLINE_OVERDUE);
  g_assert_cmpint (state_at (policy, &fold, "execution", T0), ==, FC_DEADLINE_PENDING);
  g_assert_cmpint (fc_sla_policy_next_due (policy, &fold), ==, T0 + 24 * H);

  /* Met late stays "missed" forever after. */
  apply_at (&fold, FC_EV_CASE_RESPONDED, T0 + 25 * H, NULL);
  g_assert_cmpint (state_at (policy, &fold, "response", T0 + 100 * H), ==, FC_DEADLINE_MISSED);
  g_assert_cmpint (fc_sla_policy_next_due (policy, &fold), ==, T0 + 72 * H);
  fc_case_fold_clear (&fold);

  open_fold (&fold, "repair");
  apply_at (&fold, FC_EV_CASE_RESPONDED, T0 + 2 * H, NULL);
  g_assert_cmpint (state_at (policy, &fold, "response", T0 + 100 * H), ==, FC_DEADLINE_MET);
  fc_case_fold_clear (&fold);
}

static void
walk_to_approved (FcCaseFold *fold, gint64 t)
{
  apply_at (fold, FC_EV_CASE_RESPONDED, t, NULL);
  apply_at (fold, FC_EV_DIAGNOSIS_RECORDED, t + 1, NULL);
  apply_at (fold, FC_EV_REPRODUCTION_RECORDED, t + 2, NULL);
  apply_at (fold, FC_EV_PLAN_PROPOSED, t + 3, NULL);
  apply_at (fold, FC_EV_PLAN_APPROVED, t + 4, NULL);
}

static void
test_paused_while_customer_decides (void)
{
  g_autoptr(FcSlaPolicy) policy = fc_sla_policy_new_default ();
  g_autoptr(GPtrArray) d = NULL;
  FcCaseFold fold;

  open_fold (&fold, "repair");
  walk_to_approved (&fold, T0 + 10 * H - 4);
  /* The repair clock stops while the customer decides: no overdue. */
  g_assert_cmpint (state_at (policy, &fold, "repair", T0 + 80 * H), ==, FC_DEADLINE_PAUSED);
  g_assert_cmpint (fc_sla_policy_next_due (policy, &fold), ==, 0);
  apply_at (&fold, FC_EV_CUSTOMER_AGREED, T0 + 40 * H, NULL);
  g_assert_cmpint (fold.waited_ms, ==, 30 * H);
  d = fc_sla_policy_evaluate (policy, &fold, T0 + 41 * H);
  g_assert_cmpint (find (d, "repair")->due_ms, ==, T0 + 72 * H + 30 * H);
  /* The 48 h clock for carrying out the agreed plan starts now. */
  g_assert_cmpint (find (d, "execution")->due_ms, ==, T0 + 40 * H + 48 * H);
  g_assert_cmpint (fc_sla_policy_next_due (policy, &fold), ==, T0 + 88 * H);
  g_assert_cmpint (state_at (policy, &fold, "execution", T0 + 88 * H), ==, FC_DEADLINE_OVERDUE);
  fc_case_fold_clear (&fold);
}

static void
test_complaint_and_complex (void)
{
  g_autoptr(FcSlaPolicy) policy = fc_sla_policy_new_default ();
  g_autoptr(GPtrArray) d = NULL;
  g_autoptr(JsonObject) diag = fc_test_step_payload (FC_EV_DIAGNOSIS_RECORDED);
  FcCaseFold fold;

  open_fold (&fold, "complaint");
  d = fc_sla_policy_evaluate (policy, &fold, T0);
  g_assert_nonnull (find (d, "complaint_response"));
  g_assert_null (find (d, "response"));      /* replaced */
  g_assert_null (find (d, "repair"));        /* complaints have no repair clock */
  g_clear_pointer (&d, g_ptr_array_unref);
  fc_case_fold_clear (&fold);

  open_fold (&fold, "repair");
  apply_at (&fold, FC_EV_CASE_RESPONDED, T0 + 1, NULL);
  json_object_set_boolean_member (diag, "complex", TRUE);
  apply_at (&fold, FC_EV_DIAGNOSIS_RECORDED, T0 + 2, g_steal_pointer (&diag));
  d = fc_sla_policy_evaluate (policy, &fold, T0);
  g_assert_cmpint (find (d, "repair")->due_ms, ==, T0 + 168 * H);
  fc_case_fold_clear (&fold);
}

static void
test_cancelled_not_applicable (void)
{
  g_autoptr(FcSlaPolicy) policy = fc_sla_policy_new_default ();
  FcCaseFold fold;

  open_fold (&fold, "repair");
  apply_at (&fold, FC_EV_CASE_CANCELLED, T0 + H, NULL);
  g_assert_cmpint (state_at (policy, &fold, "response", T0 + 99 * H), ==, FC_DEADLINE_NOT_APPLICABLE);
  g_assert_cmpint (fc_sla_policy_next_due (policy, &fold), ==, 0);
  fc_case_fold_clear (&fold);
}

static void
test_policy_is_data (void)
{
  g_autofree char *dir = fc_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "s.db", NULL);
  g_autoptr(FcClock) clock = fc_clock_new ();
  g_autoptr(FcStore) store = NULL;
  g_autoptr(JsonObject) p = fc_test_step_payload (FC_EV_CASE_OPENED);
  g_autofree char *id = NULL;
  g_autoptr(FcCase) c = NULL;
  g_autoptr(GError) error = NULL;
  FcCaseQuery overdue = { .filter = FC_CASE_FILTER_OVERDUE };
  FcCaseQuery at_risk = { .filter = FC_CASE_FILTER_AT_RISK };

  fc_clock_set_fixed_ms (clock, T0);
  store = fc_store_new_with_clock (path, clock, NULL);
  id = fc_store_open_case (store, p, "wang", NULL);
  fc_clock_set_fixed_ms (clock, T0 + 20 * H);
  g_assert_cmpint (fc_store_count_cases (store, &at_risk, NULL), ==, 1);
  g_assert_cmpint (fc_store_count_cases (store, &overdue, NULL), ==, 0);

  /* HQ tightens first response to 12 h: the case is overdue at once. */
  g_assert_true (fc_store_set_sla_policy_json (store,
    "{\"warning_share\":0.5,\"rules\":[{\"id\":\"response\",\"start\":\"opened\","
    "\"stop\":\"responded\",\"hours\":12}]}", &error));
  g_assert_no_error (error);
  c = fc_store_get_case (store, id, NULL);
  g_assert_cmpint (fc_case_get_next_due (c), ==, T0 + 12 * H);
  g_assert_cmpint (fc_store_count_cases (store, &overdue, NULL), ==, 1);

  /* A bad policy is refused and the old one stays. */
  g_assert_false (fc_store_set_sla_policy_json (store, "{\"rules\":[{\"id\":\"x\"}]}", &error));
  g_assert_error (error, FC_ERROR, FC_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (fc_store_set_sla_policy_json (store, "{not json", &error));
  g_assert_error (error, FC_ERROR, FC_ERROR_INVALID);
  g_assert_cmpfloat (fc_sla_policy_get_warning_share (fc_store_get_sla_policy (store)), ==, 0.5);

  /* And it survives a restart. */
  g_clear_object (&store);
  store = fc_store_new_with_clock (path, clock, NULL);
  g_assert_cmpfloat (fc_sla_policy_get_warning_share (fc_store_get_sla_policy (store)), ==, 0.5);
  g_clear_object (&store);
  fc_test_rmdir (dir);
}

static void
test_most_urgent_order (void)
{
  g_autofree char *dir = fc_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "u.db", NULL);
  g_autoptr(FcClock) clock = fc_clock_new ();
  g_autoptr(FcStore) store = NULL;
  g_autoptr(GPtrArray) urgent = NULL;
  const char *severities[] = { "general", "urgent", "major", "urgent", "general" };

  fc_clock_set_fixed_ms (clock, T0);
  store = fc_store_new_with_clock (path, clock, NULL);
  for (int i = 0; i < 5; i++)
    {
      g_autoptr(JsonObject) p = fc_test_step_payload (FC_EV_CASE_OPENED);
      g_autofree char *id = NULL;
      json_object_set_string_member (p, "severity", severities[i]);
      fc_clock_set_fixed_ms (clock, T0 + i * H);
      id = fc_store_open_case (store, p, "wang", NULL);
    }
  urgent = fc_store_most_urgent (store, 3, NULL);
  g_assert_cmpuint (urgent->len, ==, 3);
  /* Urgent first, the one due soonest first among them. */
  g_assert_cmpstr (fc_case_get_severity (urgent->pdata[0]), ==, "urgent");
  g_assert_cmpstr (fc_case_get_severity (urgent->pdata[1]), ==, "urgent");
  g_assert_cmpint (fc_case_get_next_due (urgent->pdata[0]), <, fc_case_get_next_due (urgent->pdata[1]));
  g_assert_cmpstr (fc_case_get_severity (urgent->pdata[2]), ==, "major");
  g_clear_object (&store);
  fc_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (fc_time_parse_ms ("2026-12-31T23:30:00Z", &T0));
  g_test_add_func ("/sla/response", test_response_deadline);
  g_test_add_func ("/sla/paused-while-customer-decides", test_paused_while_customer_decides);
  g_test_add_func ("/sla/complaint-and-complex", test_complaint_and_complex);
  g_test_add_func ("/sla/cancelled", test_cancelled_not_applicable);
  g_test_add_func ("/sla/policy-is-data", test_policy_is_data);
  g_test_add_func ("/sla/most-urgent-order", test_most_urgent_order);
  return g_test_run ();
}
