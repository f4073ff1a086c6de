/* test-scan-wiring.c: scans reaching the real main window, under Xvfb — a
 * unit with an open case opens it, a known unit without one shows its
 * product card, a bad check digit is refused with a toast; the returns desk
 * opens from win.returns-desk. */
#include "fc-ui-test-util.h"

#include "fc-case-page.h"
#include "fc-new-case-dialog.h"
#include "fc-product-card.h"
#include "fc-returns-desk.h"
#include "fc-window-private.h"

/* Beside the fixture's AC-24-0001: a second unit that gets an open case. */
static const char wiring_installed_json[] =
  "[{\"serial\": \"AC-24-0002\", \"gtin\": \"\", \"model\": \"KFR-35GW\","
  "  \"customer_id\": \"cu-001\", \"sale_date\": \"2025-06-01\", \"warranty_end\": \"\"}]";

typedef struct {
  FcUiFixture f;
  FcWindow   *window;
  char       *case_id;
} Wiring;

static void
wiring_set_up (Wiring        *t,
               gconstpointer  data)
{
  g_autoptr(JsonObject) payload = json_object_new ();
  g_autoptr(GError) error = NULL;

  fc_ui_fixture_set_up (&t->f, data);
  fc_store_import_json (t->f.store, FC_REF_INSTALLED, wiring_installed_json,
                        strlen (wiring_installed_json), &error);
  g_assert_no_error (error);
  json_object_set_string_member (payload, "kind", "repair");
  json_object_set_string_member (payload, "channel", "phone");
  json_object_set_string_member (payload, "problem_type", "quality");
  json_object_set_string_member (payload, "severity", "general");
  json_object_set_string_member (payload, "description", "Cools poorly");
  json_object_set_string_member (payload, "product_serial", "AC-24-0002");
  t->case_id = fc_store_open_case (t->f.store, payload, "test", &error);
  g_assert_no_error (error);
  g_assert_nonnull (t->case_id);

  t->window = fc_window_new (NULL, t->f.store, t->f.settings);
  gtk_window_set_default_size (GTK_WINDOW (t->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (t->window));
  FC_SPIN_UNTIL (fc_window_is_loaded (t->window), 5000);
}

static void
wiring_tear_down (Wiring        *t,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (t->window));
  fc_spin_for (50);
  g_free (t->case_id);
  fc_ui_fixture_tear_down (&t->f, data);
}

static gboolean
page_shows (FcWindow   *window,
            const char *case_id)
{
  const char *shown = fc_case_page_get_case_id (FC_CASE_PAGE (fc_window_get_case_page (window)));

  return g_strcmp0 (shown, case_id) == 0;
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_descendant (c, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
card_visible (FcWindow *window)
{
  GtkWidget *w = _fc_window_get_card_window (window);

  return w != NULL && gtk_widget_get_mapped (w);
}

static void
test_scan_opens_case (Wiring        *t,
                      gconstpointer  data)
{
  FcScanner *scanner = _fc_window_get_scanner (t->window);

  g_assert_nonnull (scanner);
  g_assert_true (fc_scanner_submit_text (scanner, FC_SYMBOLOGY_CODE128, "AC-24-0002", FALSE,
                                         FC_SCAN_SOURCE_MANUAL));
  FC_SPIN_UNTIL (page_shows (t->window, t->case_id), 5000);
  g_assert_null (_fc_window_get_card_window (t->window));
}

/* On the case's parts step, a part's barcode fills the part field. */
static void
test_scan_fills_part (Wiring        *t,
                      gconstpointer  data)
{
  FcCasePage *page = FC_CASE_PAGE (fc_window_get_case_page (t->window));
  GtkWidget *part;

  g_assert_true (fc_window_show_case (t->window, t->case_id));
  fc_case_page_show_step (page, "resolve");
  part = fc_case_page_get_field (page, "part_code");
  FC_SPIN_UNTIL (gtk_widget_get_mapped (part), 5000);
  g_assert_true (fc_scanner_submit_text (_fc_window_get_scanner (t->window), FC_SYMBOLOGY_EAN13,
                                         "6901234100358", FALSE, FC_SCAN_SOURCE_MANUAL));
  FC_SPIN_UNTIL (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (part)), "P-FILTER-35") == 0, 5000);
  g_assert_null (_fc_window_get_card_window (t->window));
}

static void
test_scan_shows_product_card (Wiring        *t,
                              gconstpointer  data)
{
  FcScanner *scanner = _fc_window_get_scanner (t->window);
  GtkWidget *card;

  g_assert_true (fc_scanner_submit_text (scanner, FC_SYMBOLOGY_CODE128, "AC-24-0001", FALSE,
                                         FC_SCAN_SOURCE_MANUAL));
  FC_SPIN_UNTIL (card_visible (t->window), 5000);
  card = find_descendant (_fc_window_get_card_window (t->window), FC_TYPE_PRODUCT_CARD);
  g_assert_nonnull (card);
  g_assert_cmpstr (fc_product_card_get_serial (FC_PRODUCT_CARD (card)), ==, "AC-24-0001");
  g_assert_true (fc_product_card_get_known (FC_PRODUCT_CARD (card)));

  /* "New case" on the card: the new-case dialog, its serial filled. */
  g_assert_true (gtk_widget_activate_action (card, "card.new-case", NULL));
  FC_SPIN_UNTIL (t->window->new_case_dialog != NULL && gtk_widget_get_mapped (t->window->new_case_dialog), 5000);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (fc_new_case_dialog_get_field (
                     FC_NEW_CASE_DIALOG (t->window->new_case_dialog), "serial"))), ==, "AC-24-0001");
  FC_SPIN_UNTIL (_fc_window_get_card_window (t->window) == NULL, 5000);

  /* With the dialog open, a scan fills its serial instead. */
  g_assert_true (fc_scanner_submit_text (scanner, FC_SYMBOLOGY_CODE128, "AC-24-0002", FALSE,
                                         FC_SCAN_SOURCE_MANUAL));
  FC_SPIN_UNTIL (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (fc_new_case_dialog_get_field (
                   FC_NEW_CASE_DIALOG (t->window->new_case_dialog), "serial"))), "AC-24-0002") == 0, 5000);
  g_assert_null (_fc_window_get_card_window (t->window));
  gtk_window_destroy (GTK_WINDOW (t->window->new_case_dialog));
  FC_SPIN_UNTIL (t->window->new_case_dialog == NULL, 5000);
}

static void
test_bad_ean_refused (Wiring        *t,
                      gconstpointer  data)
{
  FcScanner *scanner = _fc_window_get_scanner (t->window);

  g_assert_false (fc_scanner_submit_text (scanner, FC_SYMBOLOGY_EAN13, "4006381333932", FALSE,
                                          FC_SCAN_SOURCE_MANUAL));
  FC_SPIN_UNTIL (_fc_window_get_last_toast (t->window) != NULL, 5000);
  g_assert_cmpstr (_fc_window_get_last_toast (t->window), ==, "The code could not be read");
  fc_spin_for (100);
  g_assert_null (_fc_window_get_card_window (t->window));
  g_assert_null (fc_case_page_get_case_id (FC_CASE_PAGE (fc_window_get_case_page (t->window))));
}

/* HQ's enrolment QR, scanned anywhere, fills the sync settings. */
static void
test_enrolment_qr (Wiring        *t,
                   gconstpointer  data)
{
  FcScanner *scanner = _fc_window_get_scanner (t->window);
  g_autofree char *url = NULL;
  g_autofree char *code = NULL;

  g_assert_true (fc_scanner_submit_text (scanner, FC_SYMBOLOGY_QR,
                                         "fieldcase-enrol:http://127.0.0.1:8080#K7Q2-9XPM-41ZD",
                                         FALSE, FC_SCAN_SOURCE_MANUAL));
  FC_SPIN_UNTIL (_fc_window_get_last_toast (t->window) != NULL, 5000);
  g_assert_cmpstr (_fc_window_get_last_toast (t->window), ==, "Enrolment code read");
  url = g_settings_get_string (t->f.settings, "server-url");
  code = g_settings_get_string (t->f.settings, "enrolment-code");
  g_assert_cmpstr (url, ==, "http://127.0.0.1:8080");
  g_assert_cmpstr (code, ==, "K7Q2-9XPM-41ZD");
  g_assert_null (_fc_window_get_card_window (t->window));
}

static void
test_returns_desk (Wiring        *t,
                   gconstpointer  data)
{
  GtkWidget *desk_window;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (t->window), "win.returns-desk", NULL));
  FC_SPIN_UNTIL ((desk_window = _fc_window_get_returns_window (t->window)) != NULL
                 && gtk_widget_get_mapped (desk_window), 5000);
  g_assert_nonnull (find_descendant (desk_window, FC_TYPE_RETURNS_DESK));
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (desk_window)), ==, "Returns Desk");

  /* The desk takes scans while it is up: the window does not act on them. */
  g_assert_true (fc_scanner_submit_text (_fc_window_get_scanner (t->window), FC_SYMBOLOGY_CODE128,
                                         "AC-24-0002", FALSE, FC_SCAN_SOURCE_MANUAL));
  fc_spin_for (200);
  g_assert_false (page_shows (t->window, t->case_id));
  g_assert_null (_fc_window_get_card_window (t->window));
}

int
main (int argc, char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add ("/scan-wiring/opens-case", Wiring, NULL, wiring_set_up, test_scan_opens_case, wiring_tear_down);
  g_test_add ("/scan-wiring/parts-step", Wiring, NULL, wiring_set_up, test_scan_fills_part, wiring_tear_down);
  g_test_add ("/scan-wiring/product-card", Wiring, NULL, wiring_set_up, test_scan_shows_product_card, wiring_tear_down);
  g_test_add ("/scan-wiring/bad-ean", Wiring, NULL, wiring_set_up, test_bad_ean_refused, wiring_tear_down);
  g_test_add ("/scan-wiring/returns-desk", Wiring, NULL, wiring_set_up, test_returns_desk, wiring_tear_down);
  g_test_add ("/scan-wiring/enrolment-qr", Wiring, NULL, wiring_set_up, test_enrolment_qr, wiring_tear_down);
  return g_test_run ();
}
