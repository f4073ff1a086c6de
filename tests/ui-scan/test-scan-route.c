/* test-scan-route.c: what a scan does in each context, without drawing. */
#include "fc-scan-route.h"
#include "ui-scan-fixture.h"

static FcScanResult *
scan (FcSymbology symbology, const char *text, gboolean is_gs1)
{
  g_autoptr(GError) error = NULL;
  FcScanResult *result = NULL;

  g_assert_true (fc_barcode_validate (symbology, text, -1, is_gs1, &result, &error));
  g_assert_no_error (error);
  return result;
}

static FcScanAction *
route (ScanFixture *f, FcScanContext context, FcSymbology sym, const char *text, gboolean gs1)
{
  g_autoptr(FcScanResult) result = scan (sym, text, gs1);
  FcScanAction *action = fc_scan_route (context, result, f->store);

  g_assert_nonnull (action);
  g_test_message ("%s → %s (%s)", text, fc_scan_action_kind_to_string (action->kind),
                  action->message);
  return action;
}

static void
test_home (ScanFixture *f, gconstpointer data)
{
  g_autoptr(FcScanAction) open = NULL;
  g_autoptr(FcScanAction) card = NULL;
  g_autoptr(FcScanAction) by_gtin = NULL;
  g_autoptr(FcScanAction) gs1 = NULL;
  g_autoptr(FcScanAction) unknown = NULL;
  g_autoptr(GPtrArray) cases = fc_store_cases_for_serial (f->store, "RT-0003", NULL);

  /* RT-0003 has the fixture's open return case. */
  open = route (f, FC_SCAN_CONTEXT_HOME, FC_SYMBOLOGY_CODE128, "RT-0003", FALSE);
  g_assert_cmpint (open->kind, ==, FC_SCAN_ACTION_OPEN_CASE);
  g_assert_cmpstr (open->case_id, ==, fc_case_get_id (g_ptr_array_index (cases, 0)));
  g_assert_cmpstr (open->serial, ==, "RT-0003");

  card = route (f, FC_SCAN_CONTEXT_HOME, FC_SYMBOLOGY_CODE128, "RT-0002", FALSE);
  g_assert_cmpint (card->kind, ==, FC_SCAN_ACTION_SHOW_PRODUCT);
  g_assert_cmpstr (card->serial, ==, "RT-0002");
  g_assert_null (card->case_id);

  /* An EAN-13 that only one installed unit carries names that unit. */
  by_gtin = route (f, FC_SCAN_CONTEXT_HOME, FC_SYMBOLOGY_EAN13, "4006381333931", FALSE);
  g_assert_cmpint (by_gtin->kind, ==, FC_SCAN_ACTION_SHOW_PRODUCT);
  g_assert_cmpstr (by_gtin->serial, ==, "RT-0001");
  g_assert_cmpstr (by_gtin->gtin, ==, "04006381333931");

  /* GS1-128 with (01) and (21): the serial wins. */
  gs1 = route (f, FC_SCAN_CONTEXT_HOME, FC_SYMBOLOGY_CODE128, "0104006381333931" "21RT-0002",
               TRUE);
  g_assert_cmpint (gs1->kind, ==, FC_SCAN_ACTION_SHOW_PRODUCT);
  g_assert_cmpstr (gs1->serial, ==, "RT-0002");

  unknown = route (f, FC_SCAN_CONTEXT_HOME, FC_SYMBOLOGY_CODE128, "ZZ-404", FALSE);
  g_assert_cmpint (unknown->kind, ==, FC_SCAN_ACTION_UNKNOWN_PRODUCT);
  g_assert_cmpstr (unknown->serial, ==, "ZZ-404");
}

static void
test_parts (ScanFixture *f, gconstpointer data)
{
  g_autoptr(FcScanAction) by_gtin = route (f, FC_SCAN_CONTEXT_PARTS_STEP, FC_SYMBOLOGY_EAN13,
                                           "5901234123457", FALSE);
  g_autoptr(FcScanAction) by_number = route (f, FC_SCAN_CONTEXT_PARTS_STEP,
                                             FC_SYMBOLOGY_CODE128, "P-FILTER-35", FALSE);
  g_autoptr(FcScanAction) unknown = route (f, FC_SCAN_CONTEXT_PARTS_STEP, FC_SYMBOLOGY_CODE128,
                                           "RT-0001", FALSE);

  g_assert_cmpint (by_gtin->kind, ==, FC_SCAN_ACTION_ADD_PART);
  g_assert_cmpstr (by_gtin->part_number, ==, "P-FILTER-35");
  g_assert_cmpint (by_number->kind, ==, FC_SCAN_ACTION_ADD_PART);
  g_assert_cmpstr (by_number->part_number, ==, "P-FILTER-35");
  g_assert_cmpint (unknown->kind, ==, FC_SCAN_ACTION_UNKNOWN_PART);
  g_assert_null (unknown->part_number);
}

static void
test_new_case (ScanFixture *f, gconstpointer data)
{
  g_autoptr(FcScanAction) plain = route (f, FC_SCAN_CONTEXT_NEW_CASE, FC_SYMBOLOGY_CODE128,
                                         "NEW-777", FALSE);
  g_autoptr(FcScanAction) by_gtin = route (f, FC_SCAN_CONTEXT_NEW_CASE, FC_SYMBOLOGY_EAN13,
                                           "4006381333931", FALSE);
  g_autoptr(FcScanAction) bare = route (f, FC_SCAN_CONTEXT_NEW_CASE, FC_SYMBOLOGY_EAN13,
                                        "9506000134352", FALSE);

  /* An unknown serial is still the serial of the new case. */
  g_assert_cmpint (plain->kind, ==, FC_SCAN_ACTION_FILL_SERIAL);
  g_assert_cmpstr (plain->serial, ==, "NEW-777");
  g_assert_cmpint (by_gtin->kind, ==, FC_SCAN_ACTION_FILL_SERIAL);
  g_assert_cmpstr (by_gtin->serial, ==, "RT-0001");
  /* A product code nobody's unit carries: no serial to guess. */
  g_assert_cmpint (bare->kind, ==, FC_SCAN_ACTION_UNKNOWN_PRODUCT);
  g_assert_null (bare->serial);
}

static void
test_enrolment (ScanFixture *f, gconstpointer data)
{
  g_autoptr(FcScanAction) enrol = route (f, FC_SCAN_CONTEXT_ENROLMENT, FC_SYMBOLOGY_QR,
                                         "fieldcase-enrol:abc123", FALSE);
  g_autoptr(FcScanAction) other = route (f, FC_SCAN_CONTEXT_ENROLMENT, FC_SYMBOLOGY_CODE128,
                                         "RT-0001", FALSE);
  g_autoptr(FcScanAction) empty = route (f, FC_SCAN_CONTEXT_ENROLMENT, FC_SYMBOLOGY_QR,
                                         "fieldcase-enrol:", FALSE);
  g_autoptr(FcScanAction) elsewhere = route (f, FC_SCAN_CONTEXT_NEW_CASE, FC_SYMBOLOGY_QR,
                                             "fieldcase-enrol:abc123", FALSE);
  g_autoptr(FcScanResult) result = scan (FC_SYMBOLOGY_QR, "fieldcase-enrol:xyz", FALSE);
  g_autoptr(FcScanAction) no_store = fc_scan_route (FC_SCAN_CONTEXT_ENROLMENT, result, NULL);

  g_assert_cmpint (enrol->kind, ==, FC_SCAN_ACTION_ENROL);
  g_assert_cmpstr (enrol->enrol_payload, ==, "abc123");
  g_assert_cmpint (other->kind, ==, FC_SCAN_ACTION_IGNORE);
  g_assert_cmpint (empty->kind, ==, FC_SCAN_ACTION_IGNORE);
  /* The enrolment secret never lands in a form field. */
  g_assert_cmpint (elsewhere->kind, ==, FC_SCAN_ACTION_IGNORE);
  g_assert_null (elsewhere->serial);
  g_assert_cmpint (no_store->kind, ==, FC_SCAN_ACTION_ENROL);
}

static void
test_returns (ScanFixture *f, gconstpointer data)
{
  g_autoptr(FcScanAction) item = route (f, FC_SCAN_CONTEXT_RETURNS, FC_SYMBOLOGY_CODE128,
                                        "RT-0002", FALSE);

  g_assert_cmpint (item->kind, ==, FC_SCAN_ACTION_RETURN_ITEM);
  g_assert_cmpstr (item->code, ==, "RT-0002");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) \
  g_test_add (path, ScanFixture, NULL, scan_fixture_setup, fn, scan_fixture_teardown)
  ADD ("/scan-route/home", test_home);
  ADD ("/scan-route/parts", test_parts);
  ADD ("/scan-route/new-case", test_new_case);
  ADD ("/scan-route/enrolment", test_enrolment);
  ADD ("/scan-route/returns", test_returns);
  return g_test_run ();
}
