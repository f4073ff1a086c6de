/* test-case-forms.c: the case page's "work done" form and cancelling, as
 * real widgets under Xvfb against a real store file.
 *
 * The case is brought to the state each test needs through the store (the
 * earlier steps are test-case-flow.c's business); then the page's own
 * fields and actions are driven and the store is checked: what was typed
 * arrives typed, a wrong field shows its error next to it and writes
 * nothing, and a case that cannot be cancelled is not offered to be.
 */
#include "fc-ui-test-util.h"

#include "fc-case-page.h"
#include "fc-case-rules.h"
#include "fc-window.h"

typedef struct {
  FcUiFixture f;
  FcWindow   *window;
  FcCasePage *page;
} Forms;

static void
forms_set_up (Forms         *t,
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
forms_tear_down (Forms         *t,
                 gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (t->window));
  fc_spin_for (50);
  fc_ui_fixture_tear_down (&t->f, data);
}

/* ---- bringing a case to a state, through the store ---- */

static JsonObject *
payload (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);

  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (node));
}

static void
record (Forms      *t,
        const char *id,
        const char *type,
        const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) p = payload (json);
  g_autoptr(FcEvent) ev = fc_store_record (t->f.store, id, type, p, "Wang Engineer", &error);

  g_assert_no_error (error);
  g_assert_nonnull (ev);
}

static char *
open_case (Forms *t)
{
  static guint serial;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = g_strdup_printf (
    "{\"number\": \"FC-261122-T%03u\", \"kind\": \"repair\", \"channel\": \"on_site\","
    " \"problem_type\": \"quality\", \"severity\": \"general\","
    " \"description\": \"空调制冷效果差 / cools poorly\", \"customer_id\": \"cu-001\","
    " \"product_serial\": \"AC-24-0001\", \"model\": \"KFR-35GW\"}", ++serial);
  g_autoptr(JsonObject) p = payload (json);
  char *id = fc_store_open_case (t->f.store, p, "Wang Engineer", &error);

  g_assert_no_error (error);
  g_assert_nonnull (id);
  record (t, id, FC_EV_CASE_RESPONDED, "{\"note\": \"Called, visit at 14:00\"}");
  return id;
}

/* responded → diagnosed → reproduced → plan (no approval) → agreed */
static void
bring_to_agreed (Forms      *t,
                 const char *id)
{
  record (t, id, FC_EV_DIAGNOSIS_RECORDED,
          "{\"symptom\": \"Cools poorly\", \"cause\": \"Clogged filter\", \"method\": \"on_site\"}");
  record (t, id, FC_EV_REPRODUCTION_RECORDED,
          "{\"result\": \"reproduced\", \"steps\": \"20 minutes on cooling\"}");
  record (t, id, FC_EV_PLAN_PROPOSED,
          "{\"action\": \"clean_adjust\", \"description\": \"Clean the filter\", \"owner\": \"Wang\","
          " \"deadline\": \"2026-11-24T09:00:00Z\", \"acceptance\": \"Below 14 °C\","
          " \"approval_required\": false}");
  record (t, id, FC_EV_CUSTOMER_AGREED, "{}");
  g_assert_cmpint (fc_case_state_of (t->f.store, id), ==, FC_CASE_STATE_CUSTOMER_AGREED);
}

static void
bring_to_closed (Forms      *t,
                 const char *id)
{
  static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\"><path d=\"M0 0 L9 9\"/></svg>";
  g_autoptr(GBytes) bytes = g_bytes_new_static (svg, sizeof svg - 1);
  g_autofree char *sha = fc_store_put_blob (t->f.store, bytes, "image/svg+xml", NULL);
  g_autofree char *resolved = NULL;

  g_assert_nonnull (sha);
  resolved = g_strdup_printf ("{\"signer\": \"张伟\", \"signature_sha256\": \"%s\", \"satisfaction\": 5}", sha);
  bring_to_agreed (t, id);
  record (t, id, FC_EV_CASE_RESOLVED, resolved);
  record (t, id, FC_EV_REVISIT_RECORDED, "{\"solved\": true, \"satisfaction\": 5}");
  record (t, id, FC_EV_CASE_CLOSED, "{\"summary\": \"Filter cleaned\"}");
  g_assert_cmpint (fc_case_state_of (t->f.store, id), ==, FC_CASE_STATE_CLOSED);
}

static void
show (Forms      *t,
      const char *id)
{
  g_assert_true (fc_window_show_case (t->window, id));
  g_assert_cmpstr (fc_case_page_get_case_id (t->page), ==, id);
  fc_spin_for (20);
}

/* ---- what the user sees ---- */

static GtkWidget *
field (Forms      *t,
       const char *id)
{
  GtkWidget *w = fc_case_page_get_field (t->page, id);

  g_assert_nonnull (w);
  return w;
}

static void
activate (Forms      *t,
          const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (t->page), action, NULL));
  fc_spin_for (10);
}

static FcEvent *
last_event (Forms      *t,
            const char *id)
{
  g_autoptr(GPtrArray) events = fc_store_list_events (t->f.store, id, NULL);

  g_assert_nonnull (events);
  g_assert_cmpuint (events->len, >, 0);
  return fc_event_ref (g_ptr_array_index (events, events->len - 1));
}

/* A label the user can see (it and all its parents shown) with @text in it. */
static gboolean
shows_text (GtkWidget  *root,
            const char *text)
{
  if (!gtk_widget_get_visible (root) || !gtk_widget_get_child_visible (root))
    return FALSE;
  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_text (GTK_LABEL (root)), text) != NULL)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (shows_text (c, text))
      return TRUE;
  return FALSE;
}

/* The "⋮" menu that holds "Cancel Case…". */
static GtkWidget *
cancel_menu (Forms *t)
{
  GtkWidget *button = fc_find_action_button (GTK_WIDGET (t->page), "case.cancel");

  g_assert_nonnull (button);
  for (GtkWidget *w = button; w != NULL; w = gtk_widget_get_parent (w))
    if (GTK_IS_MENU_BUTTON (w))
      return w;
  g_assert_not_reached ();
}

/* Cancel is offered: the menu is there and its entry can be pressed. */
static gboolean
cancel_offered (Forms *t)
{
  return gtk_widget_get_visible (cancel_menu (t)) &&
         fc_action_enabled (GTK_WIDGET (t->page), "case.cancel");
}

/* ---- record work ---- */

static void
test_work_not_before_agreement (Forms         *t,
                                gconstpointer  data)
{
  g_autofree char *id = open_case (t);
  guint n;

  show (t, id);
  /* Responded only: no work can be recorded yet, and the button says so. */
  g_assert_false (fc_action_enabled (GTK_WIDGET (t->page), "case.record-work"));
  n = fc_count_events (t->f.store, id);
  fc_set_text (field (t, "work_description"), "Cleaned the filter");
  activate (t, "case.record-work");
  g_assert_cmpuint (fc_count_events (t->f.store, id), ==, n);
}

static void
test_work_recorded_typed (Forms         *t,
                          gconstpointer  data)
{
  g_autofree char *id = open_case (t);
  g_autoptr(FcEvent) work = NULL;
  g_autoptr(FcEvent) plain = NULL;

  bring_to_agreed (t, id);
  show (t, id);
  g_assert_cmpstr (fc_case_page_get_step (t->page), ==, "resolve");
  g_assert_true (fc_action_enabled (GTK_WIDGET (t->page), "case.record-work"));

  /* Full-width digits, as a Chinese input method types them. */
  fc_set_text (field (t, "work_description"), "清洗过滤网，调整参数 / cleaned the filter");
  fc_set_text (field (t, "work_minutes"), " ４５ ");
  activate (t, "case.record-work");
  g_assert_null (fc_case_page_get_field_error (t->page, "work_description"));
  g_assert_null (fc_case_page_get_field_error (t->page, "work_minutes"));

  work = last_event (t, id);
  g_assert_cmpstr (work->type, ==, FC_EV_WORK_RECORDED);
  g_assert_cmpstr (work->author, ==, "Wang Engineer");
  g_assert_cmpstr (json_object_get_string_member (work->payload, "description"), ==,
                   "清洗过滤网，调整参数 / cleaned the filter");
  /* A number in the payload, not the text typed. */
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (work->payload, "minutes")), ==, G_TYPE_INT64);
  g_assert_cmpint (json_object_get_int_member (work->payload, "minutes"), ==, 45);
  g_assert_cmpint (fc_case_state_of (t->f.store, id), ==, FC_CASE_STATE_IN_REPAIR);
  /* Ready for the next entry. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (field (t, "work_description"))), ==, "");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (field (t, "work_minutes"))), ==, "");

  /* The time is optional: left out, not recorded as 0. Still allowed in repair. */
  g_assert_true (fc_action_enabled (GTK_WIDGET (t->page), "case.record-work"));
  fc_set_text (field (t, "work_description"), "Checked the outdoor unit");
  activate (t, "case.record-work");
  plain = last_event (t, id);
  g_assert_cmpstr (plain->type, ==, FC_EV_WORK_RECORDED);
  g_assert_false (json_object_has_member (plain->payload, "minutes"));
}

static void
test_work_bad_values (Forms         *t,
                      gconstpointer  data)
{
  static const char *const bad_minutes[] = { "abc", "1.5", "4O", "-5", "1441", "99999999999999999999" };
  g_autofree char *id = open_case (t);
  guint n;

  bring_to_agreed (t, id);
  show (t, id);
  n = fc_count_events (t->f.store, id);

  /* Nothing at all: the description is required. */
  activate (t, "case.record-work");
  g_assert_nonnull (fc_case_page_get_field_error (t->page, "work_description"));
  g_assert_null (fc_case_page_get_field_error (t->page, "work_minutes"));
  g_assert_true (gtk_widget_has_css_class (field (t, "work_description"), "error"));
  g_assert_cmpuint (fc_count_events (t->f.store, id), ==, n);

  /* Blanks are not a description. */
  fc_set_text (field (t, "work_description"), "   ");
  activate (t, "case.record-work");
  g_assert_nonnull (fc_case_page_get_field_error (t->page, "work_description"));
  g_assert_cmpuint (fc_count_events (t->f.store, id), ==, n);

  fc_set_text (field (t, "work_description"), "Cleaned the filter");
  for (gsize i = 0; i < G_N_ELEMENTS (bad_minutes); i++)
    {
      fc_set_text (field (t, "work_minutes"), bad_minutes[i]);
      activate (t, "case.record-work");
      g_test_message ("minutes \"%s\"", bad_minutes[i]);
      g_assert_nonnull (fc_case_page_get_field_error (t->page, "work_minutes"));
      g_assert_null (fc_case_page_get_field_error (t->page, "work_description"));
      g_assert_true (shows_text (GTK_WIDGET (t->page),
                                 fc_case_page_get_field_error (t->page, "work_minutes")));
      g_assert_cmpuint (fc_count_events (t->f.store, id), ==, n);
      g_assert_cmpint (fc_case_state_of (t->f.store, id), ==, FC_CASE_STATE_CUSTOMER_AGREED);
    }
  /* The text typed stays for the user to correct. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (field (t, "work_description"))), ==,
                   "Cleaned the filter");

  /* The schema's bounds are allowed: a whole day, and nothing. */
  fc_set_text (field (t, "work_minutes"), "1440");
  activate (t, "case.record-work");
  g_assert_null (fc_case_page_get_field_error (t->page, "work_minutes"));
  g_assert_cmpuint (fc_count_events (t->f.store, id), ==, n + 1);
}

/* ---- cancel ---- */

/* A button of the dialog by its label, as the user finds it. */
static GtkWidget *
find_button (GtkWidget  *root,
             const char *label)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (root)), label) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_button (c, label);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static AdwMessageDialog *
open_cancel_dialog (Forms *t)
{
  AdwMessageDialog *dialog;

  g_assert_true (cancel_offered (t));
  activate (t, "case.cancel");
  dialog = fc_case_page_get_cancel_dialog (t->page);
  g_assert_nonnull (dialog);
  FC_SPIN_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (dialog)), 3000);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (t->window));
  return dialog;
}

static void
test_cancel_with_reason (Forms         *t,
                         gconstpointer  data)
{
  g_autofree char *id = open_case (t);
  g_autoptr(FcEvent) cancelled = NULL;
  g_autoptr(FcCase) c = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *confirm;
  guint n_actions = 0;
  const FcCaseAction *actions = fc_case_rules_actions (&n_actions);
  guint n;

  bring_to_agreed (t, id);
  show (t, id);
  n = fc_count_events (t->f.store, id);
  dialog = open_cancel_dialog (t);
  /* The destructive button waits for a reason. */
  confirm = find_button (GTK_WIDGET (dialog), "Cancel _Case");
  g_assert_nonnull (confirm);
  g_assert_true (gtk_widget_has_css_class (confirm, "destructive"));   /* libadwaita 1.2's class */
  g_assert_false (gtk_widget_is_sensitive (confirm));
  fc_set_text (field (t, "cancel_reason"), "客户撤回报修 / the customer withdrew the request");
  g_assert_true (gtk_widget_is_sensitive (confirm));
  g_assert_null (fc_case_page_get_field_error (t->page, "cancel_reason"));
  g_signal_emit_by_name (confirm, "clicked");   /* the dialog closes, then answers */
  fc_spin_for (20);

  /* In the store: one event, the reason as typed, the case no longer open. */
  g_assert_null (fc_case_page_get_cancel_dialog (t->page));
  g_assert_cmpuint (fc_count_events (t->f.store, id), ==, n + 1);
  cancelled = last_event (t, id);
  g_assert_cmpstr (cancelled->type, ==, FC_EV_CASE_CANCELLED);
  g_assert_cmpstr (json_object_get_string_member (cancelled->payload, "reason"), ==,
                   "客户撤回报修 / the customer withdrew the request");
  g_assert_false (cancelled->conflict);
  c = fc_store_get_case (t->f.store, id, NULL);
  g_assert_cmpint (fc_case_get_state (c), ==, FC_CASE_STATE_CANCELLED);
  g_assert_false (fc_case_state_is_open (fc_case_get_state (c)));
  g_assert_cmpint (fc_case_get_fold (c)->closed_at, >, 0);

  /* On the page: the state and why, every step disabled, no more cancel. */
  g_assert_true (fc_case_get_state (fc_case_page_get_case (t->page)) == FC_CASE_STATE_CANCELLED);
  g_assert_true (shows_text (GTK_WIDGET (t->page), "Cancelled"));
  g_assert_true (shows_text (GTK_WIDGET (t->page), "the customer withdrew the request"));
  g_assert_cmpstr (fc_case_page_get_step (t->page), ==, "timeline");
  for (guint i = 0; i < n_actions; i++)
    {
      GtkWidget *button = fc_find_action_button (GTK_WIDGET (t->page), actions[i].action);
      g_test_message ("%s", actions[i].action);
      /* A photo may still be added to any case (the fold's rule: notes and
       * attachments at any time); every workflow step is over. */
      if (g_str_equal (actions[i].event_type, FC_EV_ATTACHMENT_ADDED))
        continue;
      if (button != NULL)
        g_assert_false (gtk_widget_is_sensitive (button));
    }
  g_assert_false (cancel_offered (t));
  g_assert_false (gtk_widget_get_visible (cancel_menu (t)));

  /* Even asked directly, the page writes nothing more. */
  n = fc_count_events (t->f.store, id);
  fc_set_text (field (t, "work_description"), "Cleaned the filter");
  gtk_widget_activate_action (GTK_WIDGET (t->page), "case.record-work", NULL);
  gtk_widget_activate_action (GTK_WIDGET (t->page), "case.cancel", NULL);
  fc_spin_for (10);
  g_assert_null (fc_case_page_get_cancel_dialog (t->page));
  g_assert_cmpuint (fc_count_events (t->f.store, id), ==, n);
}

static void
test_cancel_needs_reason (Forms         *t,
                          gconstpointer  data)
{
  g_autofree char *id = open_case (t);
  AdwMessageDialog *dialog;
  guint n;

  show (t, id);
  n = fc_count_events (t->f.store, id);
  dialog = open_cancel_dialog (t);

  /* Confirming with no reason (Enter in the field: the button itself is
   * grey): refused, said next to the field, the dialog stays for the user
   * to give one, nothing written. */
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "cancel-case"));
  g_signal_emit_by_name (field (t, "cancel_reason"), "entry-activated");
  fc_spin_for (10);
  g_assert_true (fc_case_page_get_cancel_dialog (t->page) == dialog);
  g_assert_nonnull (fc_case_page_get_field_error (t->page, "cancel_reason"));
  g_assert_true (shows_text (GTK_WIDGET (dialog), fc_case_page_get_field_error (t->page, "cancel_reason")));
  g_assert_cmpuint (fc_count_events (t->f.store, id), ==, n);

  /* Blanks are no reason either; typing then clearing shows the error again. */
  fc_set_text (field (t, "cancel_reason"), "x");
  g_assert_null (fc_case_page_get_field_error (t->page, "cancel_reason"));
  fc_set_text (field (t, "cancel_reason"), "   ");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "cancel-case"));
  g_assert_nonnull (fc_case_page_get_field_error (t->page, "cancel_reason"));
  adw_message_dialog_response (dialog, "cancel-case");
  fc_spin_for (10);
  g_assert_cmpuint (fc_count_events (t->f.store, id), ==, n);

  /* Keeping the case: the dialog goes, the case is as it was. */
  adw_message_dialog_response (dialog, "keep");
  fc_spin_for (10);
  g_assert_null (fc_case_page_get_cancel_dialog (t->page));
  g_assert_cmpuint (fc_count_events (t->f.store, id), ==, n);
  g_assert_cmpint (fc_case_state_of (t->f.store, id), ==, FC_CASE_STATE_RESPONDED);
  g_assert_true (cancel_offered (t));
}

static void
test_cancel_not_offered_when_closed (Forms         *t,
                                     gconstpointer  data)
{
  g_autofree char *closed = open_case (t);
  g_autofree char *cancelled = open_case (t);
  g_autofree char *open = open_case (t);

  bring_to_closed (t, closed);
  record (t, cancelled, FC_EV_CASE_CANCELLED, "{\"reason\": \"Duplicate of another case\"}");

  /* An open case offers it… */
  show (t, open);
  g_assert_true (cancel_offered (t));

  /* …a closed or cancelled one does not, and asking anyway opens nothing. */
  show (t, closed);
  g_assert_false (cancel_offered (t));
  g_assert_true (shows_text (GTK_WIDGET (t->page), "closed"));
  gtk_widget_activate_action (GTK_WIDGET (t->page), "case.cancel", NULL);
  fc_spin_for (10);
  g_assert_null (fc_case_page_get_cancel_dialog (t->page));
  g_assert_cmpint (fc_case_state_of (t->f.store, closed), ==, FC_CASE_STATE_CLOSED);

  show (t, cancelled);
  g_assert_false (cancel_offered (t));
  g_assert_true (shows_text (GTK_WIDGET (t->page), "Duplicate of another case"));
}

/* A dialog open for one case never cancels another: showing a different
 * case closes it. */
static void
test_cancel_dialog_follows_case (Forms         *t,
                                 gconstpointer  data)
{
  g_autofree char *first = open_case (t);
  g_autofree char *second = open_case (t);

  show (t, first);
  open_cancel_dialog (t);
  fc_set_text (field (t, "cancel_reason"), "Wrong case");
  show (t, second);
  g_assert_null (fc_case_page_get_cancel_dialog (t->page));
  g_assert_cmpint (fc_case_state_of (t->f.store, first), ==, FC_CASE_STATE_RESPONDED);
  g_assert_cmpint (fc_case_state_of (t->f.store, second), ==, FC_CASE_STATE_RESPONDED);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, fn) g_test_add (path, Forms, NULL, forms_set_up, fn, forms_tear_down)
  ADD ("/ui/forms/work/not-before-agreement", test_work_not_before_agreement);
  ADD ("/ui/forms/work/recorded-typed", test_work_recorded_typed);
  ADD ("/ui/forms/work/bad-values", test_work_bad_values);
  ADD ("/ui/forms/cancel/with-reason", test_cancel_with_reason);
  ADD ("/ui/forms/cancel/needs-reason", test_cancel_needs_reason);
  ADD ("/ui/forms/cancel/not-offered-when-closed", test_cancel_not_offered_when_closed);
  ADD ("/ui/forms/cancel/dialog-follows-case", test_cancel_dialog_follows_case);
#undef ADD
  return g_test_run ();
}
