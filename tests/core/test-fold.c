/* test-fold.c: the workflow's rules and the determinism of the fold. */
#include <string.h>
#include "fc-case-fold.h"
#include "fc-test-util.h"

static const char *const all_types[] = {
  FC_EV_CASE_OPENED, FC_EV_CASE_RESPONDED, FC_EV_CASE_ASSIGNED, FC_EV_DIAGNOSIS_RECORDED,
  FC_EV_REPRODUCTION_RECORDED, FC_EV_PLAN_PROPOSED, FC_EV_PLAN_APPROVED, FC_EV_PLAN_REJECTED,
  FC_EV_CUSTOMER_AGREED, FC_EV_PART_REPLACED, FC_EV_WORK_RECORDED, FC_EV_CASE_RESOLVED,
  FC_EV_REVISIT_SCHEDULED, FC_EV_REVISIT_RECORDED, FC_EV_CASE_CLOSED, FC_EV_CASE_CANCELLED,
  FC_EV_NOTE_ADDED, FC_EV_ATTACHMENT_ADDED,
};

static gint64 next_hlc = 1000;

static FcEvent *
make_event (const char *case_id,
            const char *type,
            const char *device,
            JsonObject *payload)
{
  g_autofree char *id = fc_uuid7_new (1763800000000 + next_hlc);
  g_autoptr(JsonObject) p = payload != NULL ? payload : fc_test_step_payload (type);

  return fc_event_new (id, case_id, type, FC_HLC_MAKE (1763800000000 + next_hlc++, 0),
                       device, "tester", p);
}

/* What each state must allow, written out by hand from DOMAIN.md's flow
 * (not derived from the implementation's table). "*" = notes, attachments. */
static const struct {
  int          steps_done;  /* how much of the happy path leads here */
  const char  *state;
  const char  *allowed;     /* space-separated event types besides note/attachment */
} expectations[] = {
  { 0, "none", "case.opened" },
  { 1, "opened", "case.responded case.assigned case.cancelled" },
  { 2, "responded", "diagnosis.recorded case.assigned case.cancelled" },
  { 3, "diagnosing", "diagnosis.recorded reproduction.recorded case.assigned case.cancelled" },
  { 4, "reproduced", "diagnosis.recorded reproduction.recorded plan.proposed case.assigned case.cancelled" },
  { 5, "plan_proposed", "plan.proposed plan.approved plan.rejected case.assigned case.cancelled" },
  { 6, "plan_approved", "customer.agreed case.assigned case.cancelled" },
  { 7, "customer_agreed", "part.replaced work.recorded case.resolved case.assigned case.cancelled" },
  { 8, "in_repair", "part.replaced work.recorded case.resolved case.assigned case.cancelled" },
  { 10, "resolved", "revisit.scheduled revisit.recorded case.assigned case.cancelled" },
  { 11, "revisit_scheduled", "revisit.scheduled revisit.recorded case.assigned case.cancelled" },
  { 12, "revisited", "case.closed case.assigned case.cancelled" },
  { 13, "closed", "" },
};

static void
fold_prefix (FcCaseFold *fold,
             int         steps)
{
  fc_case_fold_init (fold, "018f0000-0000-7000-8000-000000000001");
  for (int i = 0; i < steps; i++)
    {
      g_autoptr(FcEvent) ev = make_event (fold->case_id, fc_test_happy_path[i], "dev-a", NULL);
      g_autoptr(GError) error = NULL;

      g_assert_true (fc_case_fold_apply (fold, ev, &error));
      g_assert_no_error (error);
    }
}

static void
test_every_transition (void)
{
  for (gsize e = 0; e < G_N_ELEMENTS (expectations); e++)
    {
      FcCaseFold fold;
      g_auto(GStrv) allowed = g_strsplit (expectations[e].allowed, " ", -1);

      fold_prefix (&fold, expectations[e].steps_done);
      g_assert_cmpstr (fc_case_state_to_string (fold.state), ==, expectations[e].state);
      for (gsize t = 0; t < G_N_ELEMENTS (all_types); t++)
        {
          const char *type = all_types[t];
          gboolean anytime = g_str_equal (type, FC_EV_NOTE_ADDED) ||
                             g_str_equal (type, FC_EV_ATTACHMENT_ADDED);
          gboolean expect = g_strv_contains ((const char *const *) allowed, type) ||
                            (anytime && fold.state != FC_CASE_STATE_NONE);
          g_autoptr(FcEvent) ev = make_event (fold.case_id, type, "dev-a", NULL);
          FcCaseFold copy;
          g_autoptr(GError) error = NULL;
          gboolean ok;

          g_test_message ("state %s, step %s: expect %s", expectations[e].state, type,
                          expect ? "allowed" : "refused");
          g_assert_cmpint (fc_case_fold_allows (&fold, type), ==, expect);
          /* Applying agrees with asking, and a refusal changes no state. */
          fold_prefix (&copy, expectations[e].steps_done);
          ok = fc_case_fold_apply (&copy, ev, &error);
          g_assert_cmpint (ok, ==, expect);
          if (!ok)
            {
              g_assert_error (error, FC_ERROR, FC_ERROR_NOT_ALLOWED);
              g_assert_cmpint (copy.state, ==, fold.state);
              g_assert_cmpuint (copy.n_conflicts, ==, 1);
            }
          fc_case_fold_clear (&copy);
        }
      fc_case_fold_clear (&fold);
    }
}

static void
test_plan_without_approval (void)
{
  FcCaseFold fold;
  g_autoptr(JsonObject) plan = fc_test_step_payload (FC_EV_PLAN_PROPOSED);
  g_autoptr(FcEvent) ev = NULL;

  fold_prefix (&fold, 4);
  json_object_set_boolean_member (plan, "approval_required", FALSE);
  ev = make_event (fold.case_id, FC_EV_PLAN_PROPOSED, "dev-a", json_object_ref (plan));
  g_assert_true (fc_case_fold_apply (&fold, ev, NULL));
  g_assert_false (fc_case_fold_allows (&fold, FC_EV_PLAN_APPROVED));
  g_assert_true (fc_case_fold_allows (&fold, FC_EV_CUSTOMER_AGREED));
  /* With approval required the customer cannot be asked first. */
  json_object_set_boolean_member (plan, "approval_required", TRUE);
  g_clear_pointer (&ev, fc_event_unref);
  ev = make_event (fold.case_id, FC_EV_PLAN_PROPOSED, "dev-a", json_object_ref (plan));
  g_assert_true (fc_case_fold_apply (&fold, ev, NULL));
  g_assert_false (fc_case_fold_allows (&fold, FC_EV_CUSTOMER_AGREED));
  g_assert_true (fc_case_fold_allows (&fold, FC_EV_PLAN_APPROVED));
  fc_case_fold_clear (&fold);
}

static void
test_not_solved_reopens (void)
{
  FcCaseFold fold;
  g_autoptr(FcEvent) ev = NULL;

  fold_prefix (&fold, 11);
  ev = make_event (fold.case_id, FC_EV_REVISIT_RECORDED, "dev-a",
                   fc_test_payload ("solved", "false", "satisfaction", "#2",
                                    "comment", "still warm", NULL));
  g_assert_true (fc_case_fold_apply (&fold, ev, NULL));
  g_assert_cmpint (fold.state, ==, FC_CASE_STATE_REOPENED);
  g_assert_true (fc_case_state_is_open (fold.state));
  g_assert_cmpint (fold.resolved_at, ==, 0);
  g_assert_true (fc_case_fold_allows (&fold, FC_EV_DIAGNOSIS_RECORDED));
  g_assert_false (fc_case_fold_allows (&fold, FC_EV_CASE_CLOSED));
  fc_case_fold_clear (&fold);
}

static void
assert_folds_equal (const FcCaseFold *a,
                    const FcCaseFold *b)
{
  g_assert_cmpint (a->state, ==, b->state);
  g_assert_cmpstr (a->assignee, ==, b->assignee);
  g_assert_cmpstr (a->plan_action, ==, b->plan_action);
  g_assert_cmpint (a->satisfaction, ==, b->satisfaction);
  g_assert_cmpint (a->responded_at, ==, b->responded_at);
  g_assert_cmpint (a->agreed_at, ==, b->agreed_at);
  g_assert_cmpint (a->resolved_at, ==, b->resolved_at);
  g_assert_cmpint (a->closed_at, ==, b->closed_at);
  g_assert_cmpint (a->waited_ms, ==, b->waited_ms);
  g_assert_cmpuint (a->n_events, ==, b->n_events);
  g_assert_cmpuint (a->n_conflicts, ==, b->n_conflicts);
  g_assert_cmpint (a->last_hlc, ==, b->last_hlc);
}

/* A case edited on three devices, with conflicting steps and equal HLCs
 * (ties broken by device, then id). */
static GPtrArray *
make_contested_case (void)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);
  const char *case_id = "018f0000-0000-7000-8000-0000000000aa";
  FcEvent *ev;

  for (int i = 0; i < 13; i++)
    {
      const char *device = i % 3 == 0 ? "dev-a" : i % 3 == 1 ? "dev-b" : "dev-c";
      g_ptr_array_add (events, make_event (case_id, fc_test_happy_path[i], device, NULL));
    }
  /* Concurrent: a second diagnosis, a cancel and a reassignment, some with
   * the very same HLC as other devices' steps. */
  ev = make_event (case_id, FC_EV_DIAGNOSIS_RECORDED, "dev-b", NULL);
  ev->hlc = ((FcEvent *) g_ptr_array_index (events, 2))->hlc;
  g_ptr_array_add (events, ev);
  ev = make_event (case_id, FC_EV_CASE_CANCELLED, "dev-c", NULL);
  ev->hlc = ((FcEvent *) g_ptr_array_index (events, 9))->hlc;
  g_ptr_array_add (events, ev);
  g_ptr_array_add (events, make_event (case_id, FC_EV_CASE_ASSIGNED, "hq", NULL));
  g_ptr_array_add (events, make_event (case_id, FC_EV_REVISIT_RECORDED, "dev-a", NULL));
  return events;
}

static void
test_permutations_fold_equal (void)
{
  g_autoptr(GPtrArray) events = make_contested_case ();
  g_autoptr(GHashTable) conflicts = g_hash_table_new (g_str_hash, g_str_equal);
  FcCaseFold in_order;
  GRand *rand = g_rand_new_with_seed (20261122);

  fc_case_fold_init (&in_order, "018f0000-0000-7000-8000-0000000000aa");
  fc_case_fold_events (&in_order, events);
  g_assert_cmpuint (in_order.n_conflicts, >, 0);
  for (guint i = 0; i < events->len; i++)
    {
      FcEvent *ev = g_ptr_array_index (events, i);
      if (ev->conflict)
        g_hash_table_add (conflicts, ev->id);
    }

  for (int round = 0; round < 500; round++)
    {
      FcCaseFold shuffled;
      guint n_conflicts = 0;

      /* Fisher–Yates on the array, then fold: the fold sorts itself. */
      for (guint i = events->len - 1; i > 0; i--)
        {
          guint j = g_rand_int_range (rand, 0, i + 1);
          gpointer t = events->pdata[i];
          events->pdata[i] = events->pdata[j];
          events->pdata[j] = t;
        }
      fc_case_fold_init (&shuffled, in_order.case_id);
      fc_case_fold_events (&shuffled, events);
      assert_folds_equal (&in_order, &shuffled);
      for (guint i = 0; i < events->len; i++)
        {
          FcEvent *ev = g_ptr_array_index (events, i);
          g_assert_cmpint (ev->conflict, ==, g_hash_table_contains (conflicts, ev->id));
          n_conflicts += ev->conflict;
        }
      g_assert_cmpuint (n_conflicts, ==, g_hash_table_size (conflicts));
      fc_case_fold_clear (&shuffled);
    }
  fc_case_fold_clear (&in_order);
  g_rand_free (rand);
}

static void
test_payload_validation (void)
{
  static const struct { const char *type; const char *json; const char *needle; } bad[] = {
    { FC_EV_DIAGNOSIS_RECORDED, "{\"symptom\":\"x\",\"cause\":\"y\"}", "method" },
    { FC_EV_DIAGNOSIS_RECORDED, "{\"symptom\":\"x\",\"cause\":\"y\",\"method\":\"magic\"}", "one of" },
    { FC_EV_CASE_RESOLVED, "{\"signer\":\"a\",\"signature_sha256\":\"abc\",\"satisfaction\":5}", "SHA-256" },
    { FC_EV_CASE_RESOLVED, "{\"signer\":\"a\",\"signature_sha256\":\"" FC_TEST_SHA "\",\"satisfaction\":6}", "from 1 to 5" },
    { FC_EV_PART_REPLACED, "{\"part_number\":\"P1\",\"quantity\":\"2\"}", "whole number" },
    { FC_EV_REVISIT_RECORDED, "{\"solved\":\"yes\",\"satisfaction\":3}", "true or false" },
    { FC_EV_REVISIT_SCHEDULED, "{\"due\":\"tomorrow\"}", "time like" },
    { FC_EV_NOTE_ADDED, "{\"text\":\"\"}", "non-empty" },
    { FC_EV_NOTE_ADDED, "{\"text\":\"a\",\"extra\":1}", "not part of" },
    { "case.exploded", "{}", "Unknown event type" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (bad[i].json, NULL);
      g_autoptr(GError) error = NULL;

      g_assert_false (fc_event_validate_payload (bad[i].type, json_node_get_object (node), &error));
      g_assert_error (error, FC_ERROR, FC_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, bad[i].needle));
    }
}

static void
test_event_json_roundtrip (void)
{
  g_autoptr(FcEvent) ev = make_event ("018f0000-0000-7000-8000-0000000000bb",
                                      FC_EV_DIAGNOSIS_RECORDED, "dev-a", NULL);
  g_autoptr(JsonNode) node = fc_event_to_json (ev);
  g_autoptr(FcEvent) back = fc_event_new_from_json (node, NULL);
  g_autoptr(JsonNode) bad = json_from_string ("{\"id\":\"x\",\"hlc\":1,\"payload\":{}}", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (back);
  g_assert_cmpstr (back->id, ==, ev->id);
  g_assert_cmpint (back->hlc, ==, ev->hlc);
  g_assert_cmpstr (json_object_get_string_member (back->payload, "cause"), ==, "filter clogged");
  g_assert_null (fc_event_new_from_json (bad, &error));
  g_assert_error (error, FC_ERROR, FC_ERROR_INVALID);
}

static void
test_hlc (void)
{
  FcHlc hlc = { 0 };
  gint64 a = fc_hlc_tick (&hlc, 1000);
  gint64 b = fc_hlc_tick (&hlc, 1000);
  gint64 c, d;

  g_assert_cmpint (b, >, a);
  fc_hlc_observe (&hlc, FC_HLC_MAKE (5000, 7));   /* a device ahead of us */
  c = fc_hlc_tick (&hlc, 1001);                   /* our wall clock is behind */
  g_assert_cmpint (c, >, FC_HLC_MAKE (5000, 7));
  d = fc_hlc_tick (&hlc, 9000);                   /* wall time catches up */
  g_assert_cmpint (d, ==, FC_HLC_MAKE (9000, 0));
  g_assert_true (fc_uuid_is_valid ("018f0000-0000-7000-8000-0000000000bb"));
  g_assert_false (fc_uuid_is_valid ("018F0000-0000-7000-8000-0000000000bb"));
  g_assert_false (fc_uuid_is_valid ("x'; DROP TABLE events; --"));
}

/* Derived event ids: a valid UUIDv7 carrying the stamp's time, the same
 * on every machine for the same (stamp, device), different for any other
 * stamp of the device or for another device. */
static void
test_event_id_derive (void)
{
  const char *dev = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
  g_autofree char *a = fc_event_id_derive (FC_HLC_MAKE (1763800000123, 0), dev);
  g_autofree char *again = fc_event_id_derive (FC_HLC_MAKE (1763800000123, 0), dev);
  g_autofree char *other_dev = fc_event_id_derive (FC_HLC_MAKE (1763800000123, 0), "hq");
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint64 node = fc_event_id_node (dev);
  char buf[37];

  g_assert_true (fc_uuid_is_valid (a));
  g_assert_cmpstr (a, ==, again);
  g_assert_cmpstr (a, !=, other_dev);
  /* 1763800000123 ms = 0x019aaaac267b: the UUIDv7 time field, version 7, variant 10. */
  g_assert_true (g_str_has_prefix (a, "019aaaac-267b-7"));
  g_assert_true (strchr ("89ab", a[19]) != NULL);
  /* Every counter value and the next milliseconds: all distinct, and the
   * fast form agrees with the simple one. */
  for (guint c = 0; c <= 0xffff; c++)
    {
      fc_event_id_format (FC_HLC_MAKE (1763800000123, c), node, buf);
      g_assert_true (fc_uuid_is_valid (buf));
      g_assert_true (g_hash_table_add (seen, g_strdup (buf)));
    }
  fc_event_id_format (FC_HLC_MAKE (1763800000124, 0), node, buf);
  g_assert_true (g_hash_table_add (seen, g_strdup (buf)));
  fc_event_id_format (FC_HLC_MAKE (1763800000123, 0), node, buf);
  g_assert_cmpstr (buf, ==, a);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fold/every-transition", test_every_transition);
  g_test_add_func ("/fold/plan-without-approval", test_plan_without_approval);
  g_test_add_func ("/fold/not-solved-reopens", test_not_solved_reopens);
  g_test_add_func ("/fold/permutations-equal", test_permutations_fold_equal);
  g_test_add_func ("/event/payload-validation", test_payload_validation);
  g_test_add_func ("/event/json-roundtrip", test_event_json_roundtrip);
  g_test_add_func ("/ids/hlc", test_hlc);
  g_test_add_func ("/ids/event-id-derive", test_event_id_derive);
  return g_test_run ();
}
