/* test-return-policy.c: the return rules — pure date math without a store,
 * then the check against a real temporary store. GTK-free. */
#include "fc-return-policy.h"
#include "fc-error.h"
#include "ui-scan-fixture.h"

#define DAY_MS G_GINT64_CONSTANT (86400000)

static void
test_days_since_sale (void)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GTimeZone) shanghai = g_time_zone_new_identifier ("+08:00");

  g_assert_cmpint (fc_return_days_since_sale ("2026-11-22", SCAN_FIXTURE_NOW_MS, utc), ==, 0);
  g_assert_cmpint (fc_return_days_since_sale ("2026-11-15", SCAN_FIXTURE_NOW_MS, utc), ==, 7);
  g_assert_cmpint (fc_return_days_since_sale ("2026-10-23", SCAN_FIXTURE_NOW_MS, utc), ==, 30);
  /* Across a year and a leap day. */
  g_assert_cmpint (fc_return_days_since_sale ("2024-02-28", 1709424000000, utc), ==, 4);
  /* 2026-11-22 20:00 UTC is already the 23rd in Shanghai. */
  g_assert_cmpint (fc_return_days_since_sale ("2026-11-22", SCAN_FIXTURE_NOW_MS + 8 * 3600000,
                                              shanghai), ==, 1);
  g_assert_cmpint (fc_return_days_since_sale ("2026-11-30", SCAN_FIXTURE_NOW_MS, utc), ==, -2);
  g_assert_cmpint (fc_return_days_since_sale ("2026-02-30", SCAN_FIXTURE_NOW_MS, utc), ==, -1);
  g_assert_cmpint (fc_return_days_since_sale ("22.11.2026", SCAN_FIXTURE_NOW_MS, utc), ==, -1);
  g_assert_cmpint (fc_return_days_since_sale (NULL, SCAN_FIXTURE_NOW_MS, utc), ==, -1);
}

typedef struct {
  const char        *sale_date;
  const char        *warranty_end;
  gboolean           known, returned;
  FcReturnReason     reason;
  FcReturnCheckCode  expected;
} EvalCase;

static void
test_evaluate (void)
{
  static const EvalCase cases[] = {
    { "2026-11-15", "2027-11-15", TRUE, FALSE, FC_RETURN_REASON_NO_REASON, FC_RETURN_CHECK_OK },
    { "2026-11-14", "2027-11-14", TRUE, FALSE, FC_RETURN_REASON_NO_REASON,
      FC_RETURN_CHECK_WINDOW_EXPIRED },
    { "2026-11-14", "2027-11-14", TRUE, FALSE, FC_RETURN_REASON_QUALITY_FAULT, FC_RETURN_CHECK_OK },
    { "2026-10-23", "2027-10-23", TRUE, FALSE, FC_RETURN_REASON_QUALITY_FAULT, FC_RETURN_CHECK_OK },
    { "2026-10-22", "2027-10-22", TRUE, FALSE, FC_RETURN_REASON_QUALITY_FAULT,
      FC_RETURN_CHECK_WINDOW_EXPIRED },
    /* A quality fault needs the warranty: a unit sold days ago with none. */
    { "2026-11-20", NULL, TRUE, FALSE, FC_RETURN_REASON_QUALITY_FAULT,
      FC_RETURN_CHECK_OUT_OF_WARRANTY },
    { "2026-11-20", NULL, TRUE, FALSE, FC_RETURN_REASON_WRONG_ITEM, FC_RETURN_CHECK_OK },
    { "2026-11-20", NULL, FALSE, FALSE, FC_RETURN_REASON_NO_REASON,
      FC_RETURN_CHECK_UNKNOWN_SERIAL },
    { "2026-11-20", NULL, TRUE, TRUE, FC_RETURN_REASON_NO_REASON,
      FC_RETURN_CHECK_ALREADY_RETURNED },
    { NULL, NULL, TRUE, FALSE, FC_RETURN_REASON_TRANSIT_DAMAGE, FC_RETURN_CHECK_NO_SALE_DATE },
    { "2026-12-01", NULL, TRUE, FALSE, FC_RETURN_REASON_NO_REASON, FC_RETURN_CHECK_OK },
  };
  g_autoptr(FcReturnPolicy) policy = fc_return_policy_new_default ();
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      FcReturnFacts facts = { cases[i].known, cases[i].sale_date, cases[i].warranty_end,
                              cases[i].returned };
      g_autoptr(FcReturnCheck) check =
        fc_return_policy_evaluate (policy, &facts, cases[i].reason, SCAN_FIXTURE_NOW_MS, utc);

      g_test_message ("case %" G_GSIZE_FORMAT ": %s", i, check->message);
      g_assert_cmpstr (fc_return_check_code_to_string (check->code), ==,
                       fc_return_check_code_to_string (cases[i].expected));
      g_assert_cmpint (check->pass, ==, cases[i].expected == FC_RETURN_CHECK_OK);
      g_assert_nonnull (check->message);
    }
}

static void
test_policy_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FcReturnPolicy) def = fc_return_policy_new_default ();
  g_autoptr(FcReturnPolicy) narrow = NULL;
  g_autoptr(FcReturnPolicy) bad = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  FcReturnFacts facts = { TRUE, "2026-11-20", "2027-11-20", FALSE };
  g_autoptr(FcReturnCheck) check = NULL;
  FcReturnReason reason;

  g_assert_cmpint (fc_return_policy_get_window_days (def, FC_RETURN_REASON_NO_REASON), ==, 7);
  g_assert_cmpint (fc_return_policy_get_window_days (def, FC_RETURN_REASON_QUALITY_FAULT), ==, 30);

  /* HQ may drop a reason: it is then refused by name. */
  narrow = fc_return_policy_new_from_json (
    "{\"reasons\": {\"quality_fault\": {\"window_days\": 15}}}", &error);
  g_assert_no_error (error);
  g_assert_cmpint (fc_return_policy_get_window_days (narrow, FC_RETURN_REASON_NO_REASON), ==, -1);
  check = fc_return_policy_evaluate (narrow, &facts, FC_RETURN_REASON_NO_REASON,
                                     SCAN_FIXTURE_NOW_MS, utc);
  g_assert_cmpint (check->code, ==, FC_RETURN_CHECK_REASON_NOT_ALLOWED);

  bad = fc_return_policy_new_from_json ("{\"reasons\": {\"no_reason\": {\"window_days\": -3}}}",
                                        &error);
  g_assert_error (error, FC_ERROR, FC_ERROR_INVALID);
  g_assert_null (bad);
  g_clear_error (&error);
  g_assert_null (fc_return_policy_new_from_json ("[1]", &error));
  g_assert_error (error, FC_ERROR, FC_ERROR_INVALID);

  for (guint i = 0; i < FC_RETURN_N_REASONS; i++)
    {
      g_assert_true (fc_return_reason_from_string (fc_return_reason_to_string (i), &reason));
      g_assert_cmpint (reason, ==, i);
    }
  g_assert_false (fc_return_reason_from_string ("because", &reason));
}

typedef struct {
  const char       *code;
  FcReturnReason    reason;
  FcReturnCheckCode expected;
  const char       *serial;
} StoreCase;

static void
test_check_store (ScanFixture *f, gconstpointer data)
{
  static const StoreCase cases[] = {
    { "RT-0001", FC_RETURN_REASON_NO_REASON, FC_RETURN_CHECK_OK, "RT-0001" },
    /* By its GTIN: only RT-0001 carries it. */
    { "4006381333931", FC_RETURN_REASON_NO_REASON, FC_RETURN_CHECK_OK, "RT-0001" },
    { "04006381333931", FC_RETURN_REASON_NO_REASON, FC_RETURN_CHECK_OK, "RT-0001" },
    { "RT-0002", FC_RETURN_REASON_NO_REASON, FC_RETURN_CHECK_WINDOW_EXPIRED, "RT-0002" },
    { "RT-0002", FC_RETURN_REASON_QUALITY_FAULT, FC_RETURN_CHECK_OK, "RT-0002" },
    { "RT-0003", FC_RETURN_REASON_NO_REASON, FC_RETURN_CHECK_ALREADY_RETURNED, "RT-0003" },
    { "RT-0004", FC_RETURN_REASON_QUALITY_FAULT, FC_RETURN_CHECK_WINDOW_EXPIRED, "RT-0004" },
    { "RT-0005", FC_RETURN_REASON_NO_REASON, FC_RETURN_CHECK_NO_SALE_DATE, "RT-0005" },
    { "RT-9999", FC_RETURN_REASON_NO_REASON, FC_RETURN_CHECK_UNKNOWN_SERIAL, "RT-9999" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(FcReturnPolicy) policy = fc_return_policy_new_default ();
      g_autoptr(FcReturnCheck) check =
        fc_return_policy_check (policy, f->store, cases[i].code, cases[i].reason,
                                SCAN_FIXTURE_NOW_MS);

      g_test_message ("%s: %s", cases[i].code, check->message);
      g_assert_cmpstr (fc_return_check_code_to_string (check->code), ==,
                       fc_return_check_code_to_string (cases[i].expected));
      g_assert_cmpstr (check->serial, ==, cases[i].serial);
    }
}

/* A cancelled return never took the unit back: the unit may come again. */
static void
test_cancelled_return (ScanFixture *f, gconstpointer data)
{
  g_autoptr(FcReturnPolicy) policy = fc_return_policy_new_default ();
  g_autofree char *id = scan_fixture_open_case (f, "return", "RT-0001");
  g_autoptr(JsonObject) payload = json_object_new ();
  g_autoptr(FcEvent) ev = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcReturnCheck) before = fc_return_policy_check (policy, f->store, "RT-0001",
                                                            FC_RETURN_REASON_NO_REASON,
                                                            SCAN_FIXTURE_NOW_MS);
  g_autoptr(FcReturnCheck) after = NULL;
  g_autofree char *repair = scan_fixture_open_case (f, "repair", "RT-0002");
  g_autoptr(FcReturnCheck) repair_only = NULL;

  g_assert_cmpint (before->code, ==, FC_RETURN_CHECK_ALREADY_RETURNED);
  json_object_set_string_member (payload, "reason", "entered by mistake");
  ev = fc_store_record (f->store, id, FC_EV_CASE_CANCELLED, payload, "t", &error);
  g_assert_no_error (error);
  after = fc_return_policy_check (policy, f->store, "RT-0001", FC_RETURN_REASON_NO_REASON,
                                  SCAN_FIXTURE_NOW_MS);
  g_assert_cmpint (after->code, ==, FC_RETURN_CHECK_OK);
  /* A repair case is no return. */
  repair_only = fc_return_policy_check (policy, f->store, "RT-0002",
                                        FC_RETURN_REASON_QUALITY_FAULT, SCAN_FIXTURE_NOW_MS);
  g_assert_cmpint (repair_only->code, ==, FC_RETURN_CHECK_OK);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/return-policy/days-since-sale", test_days_since_sale);
  g_test_add_func ("/return-policy/evaluate", test_evaluate);
  g_test_add_func ("/return-policy/json", test_policy_json);
  g_test_add ("/return-policy/store", ScanFixture, NULL, scan_fixture_setup, test_check_store,
              scan_fixture_teardown);
  g_test_add ("/return-policy/cancelled", ScanFixture, NULL, scan_fixture_setup,
              test_cancelled_return, scan_fixture_teardown);
  return g_test_run ();
}
