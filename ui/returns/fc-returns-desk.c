/* fc-returns-desk.c: the returns desk. */
#include "fc-returns-desk.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "fc-camera-view.h"
#include "fc-ui-actionables.h"
#include "fc-scan-route.h"

struct _FcReturnsDesk {
  GtkWidget           parent_instance;

  FcStore            *store;      /* owned */
  FcReturnPolicy     *policy;     /* owned */
  FcScanner          *scanner;    /* owned, may be NULL */
  gulong              scanned_handler;
  gulong              typed_handler;
  char               *author;
  FcReturnReason      reason;
  gboolean            packaging_original;
  GListStore         *items;      /* of FcReturnItem */
  GtkSingleSelection *selection;

  AdwToastOverlay    *toasts;
  GtkStack           *stack;
  GtkDropDown        *reason_dropdown;
  GtkStringList      *reason_list;
  GtkEntry           *code_entry;
  FcCameraView       *camera_view;
  GtkWidget          *verdict_box;
  GtkLabel           *verdict_label;
  GtkLabel           *reason_label;
  GtkLabel           *detail_label;
  GtkLabel           *batch_label;
  GtkListView        *items_view;
  GtkLabel           *summary_totals;
  GtkListBox         *summary_rows;
};

G_DEFINE_FINAL_TYPE (FcReturnsDesk, fc_returns_desk, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_POLICY,
  PROP_SCANNER,
  PROP_AUTHOR,
  PROP_PACKAGING_ORIGINAL,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

/* ---- words ---- */

const char *
fc_returns_check_code_label (FcReturnCheckCode code)
{
  switch (code)
    {
    case FC_RETURN_CHECK_OK: return _("Return accepted");
    case FC_RETURN_CHECK_UNKNOWN_SERIAL: return _("Unknown serial number");
    case FC_RETURN_CHECK_NO_SALE_DATE: return _("Sale date unknown");
    case FC_RETURN_CHECK_WINDOW_EXPIRED: return _("Return period has passed");
    case FC_RETURN_CHECK_ALREADY_RETURNED: return _("Already returned");
    case FC_RETURN_CHECK_OUT_OF_WARRANTY: return _("Out of warranty");
    case FC_RETURN_CHECK_REASON_NOT_ALLOWED: return _("Reason not accepted");
    case FC_RETURN_CHECK_STORE_ERROR: return _("Could not check");
    case FC_RETURN_N_CHECK_CODES:
    default: return "";
    }
}

const char *
fc_returns_condition_label (FcReturnCondition condition)
{
  switch (condition)
    {
    case FC_RETURN_CONDITION_SEALED: return _("Sealed");
    case FC_RETURN_CONDITION_OPENED_INTACT: return _("Opened, intact");
    case FC_RETURN_CONDITION_DAMAGED: return _("Damaged");
    case FC_RETURN_CONDITION_PARTS_MISSING: return _("Parts missing");
    case FC_RETURN_CONDITION_NONE:
    case FC_RETURN_N_CONDITIONS:
    default: return _("Not graded");
    }
}

const char *
fc_returns_reason_label (FcReturnReason reason)
{
  switch (reason)
    {
    case FC_RETURN_REASON_NO_REASON: return _("No reason given");
    case FC_RETURN_REASON_QUALITY_FAULT: return _("Quality fault");
    case FC_RETURN_REASON_TRANSIT_DAMAGE: return _("Damaged in transit");
    case FC_RETURN_REASON_WRONG_ITEM: return _("Wrong item");
    case FC_RETURN_N_REASONS:
    default: return "";
    }
}

/* The case's problem type follows from why it came back. */
static const char *
problem_type_for (FcReturnReason reason)
{
  switch (reason)
    {
    case FC_RETURN_REASON_QUALITY_FAULT: return "quality";
    case FC_RETURN_REASON_TRANSIT_DAMAGE:
    case FC_RETURN_REASON_WRONG_ITEM: return "logistics";
    case FC_RETURN_REASON_NO_REASON:
    case FC_RETURN_N_REASONS:
    default: return "service";
    }
}

static char *
check_detail (const FcReturnCheck *check)
{
  GString *s = g_string_new (check->serial);

  if (check->model != NULL)
    g_string_append_printf (s, " · %s", check->model);
  if (check->sale_date != NULL && check->days_since_sale >= 0)
    {
      g_string_append (s, "\n");
      g_string_append_printf (s, g_dngettext (NULL, "Sold %s, %d day ago", "Sold %s, %d days ago",
                                              check->days_since_sale),
                              check->sale_date, check->days_since_sale);
      if (check->window_days >= 0)
        g_string_append_printf (s, g_dngettext (NULL, " (window: %d day)", " (window: %d days)",
                                                check->window_days),
                                check->window_days);
    }
  return g_string_free (s, FALSE);
}

/* ---- the verdict panel ---- */

FcReturnItem *
fc_returns_desk_get_current (FcReturnsDesk *self)
{
  g_return_val_if_fail (FC_IS_RETURNS_DESK (self), NULL);
  return gtk_single_selection_get_selected_item (self->selection);
}

static void
set_verdict_style (FcReturnsDesk *self,
                   const char    *style)
{
  gtk_widget_remove_css_class (self->verdict_box, "pass");
  gtk_widget_remove_css_class (self->verdict_box, "fail");
  if (style != NULL)
    gtk_widget_add_css_class (self->verdict_box, style);
}

static void
show_current (FcReturnsDesk *self)
{
  FcReturnItem *item = fc_returns_desk_get_current (self);
  const FcReturnCheck *check;
  g_autofree char *detail = NULL;
  g_autofree char *text = NULL;

  if (item == NULL)
    {
      set_verdict_style (self, NULL);
      gtk_label_set_text (self->verdict_label, _("Scan a Unit"));
      gtk_label_set_text (self->reason_label, _("Each unit is checked against the return policy"));
      gtk_label_set_text (self->detail_label, "");
      return;
    }
  check = fc_return_item_get_check (item);
  set_verdict_style (self, check->pass ? "pass" : "fail");
  gtk_label_set_text (self->verdict_label, check->pass ? _("PASS") : _("FAIL"));
  gtk_label_set_text (self->reason_label, fc_returns_check_code_label (check->code));
  detail = check_detail (check);
  if (fc_return_item_get_case_id (item) != NULL)
    text = g_strdup_printf ("%s\n%s · %s", detail,
                            fc_returns_condition_label (fc_return_item_get_condition (item)),
                            _("recorded"));
  else
    text = g_strdup_printf ("%s\n%s", detail, _("Grade the condition: keys 1 to 4"));
  gtk_label_set_text (self->detail_label, text);
}

static void
update_batch_label (FcReturnsDesk *self)
{
  FcReturnsSummary sum;
  g_autofree char *text = NULL;

  fc_returns_summarize (G_LIST_MODEL (self->items), &sum);
  text = g_strdup_printf (_("This batch: %u units, %u passed, %u failed, %u to grade"),
                          sum.n_items, sum.n_pass, sum.n_fail, sum.n_items - sum.n_recorded);
  gtk_label_set_text (self->batch_label, text);
}

static void
selection_changed_cb (GtkSingleSelection *selection,
                      GParamSpec         *pspec,
                      FcReturnsDesk      *self)
{
  show_current (self);
}

/* ---- the batch list ---- */

static void
update_row (FcReturnItem *item,
            GParamSpec   *pspec,
            GtkWidget    *row)
{
  const FcReturnCheck *check = fc_return_item_get_check (item);
  GtkWidget *badge = gtk_widget_get_first_child (row);
  GtkWidget *text = gtk_widget_get_next_sibling (badge);
  GtkWidget *state = gtk_widget_get_last_child (row);
  g_autofree char *line = g_strdup_printf ("%s — %s", check->serial,
                                           fc_returns_check_code_label (check->code));

  gtk_label_set_text (GTK_LABEL (badge), check->pass ? _("PASS") : _("FAIL"));
  gtk_widget_remove_css_class (badge, check->pass ? "error" : "success");
  gtk_widget_add_css_class (badge, check->pass ? "success" : "error");
  gtk_label_set_text (GTK_LABEL (text), line);
  gtk_label_set_text (GTK_LABEL (state),
                      fc_returns_condition_label (fc_return_item_get_condition (item)));
}

static void
setup_item_row_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *list_item,
                   gpointer                  data)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *badge = gtk_label_new (NULL);
  GtkWidget *text = gtk_label_new (NULL);
  GtkWidget *state = gtk_label_new (NULL);

  gtk_widget_set_margin_start (row, 12);
  gtk_widget_set_margin_end (row, 12);
  gtk_widget_set_margin_top (row, 6);
  gtk_widget_set_margin_bottom (row, 6);
  gtk_widget_add_css_class (badge, "fc-return-badge");
  gtk_label_set_xalign (GTK_LABEL (text), 0);
  gtk_label_set_ellipsize (GTK_LABEL (text), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_widget_add_css_class (state, "dim-label");
  gtk_box_append (GTK_BOX (row), badge);
  gtk_box_append (GTK_BOX (row), text);
  gtk_box_append (GTK_BOX (row), state);
  gtk_list_item_set_child (list_item, row);
}

static void
bind_item_row_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *list_item,
                  gpointer                  data)
{
  FcReturnItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *row = gtk_list_item_get_child (list_item);

  update_row (item, NULL, row);
  g_signal_connect_object (item, "notify", G_CALLBACK (update_row), row, 0);
}

static void
unbind_item_row_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *list_item,
                    gpointer                  data)
{
  g_signal_handlers_disconnect_by_func (gtk_list_item_get_item (list_item), update_row,
                                        gtk_list_item_get_child (list_item));
}

/* ---- adding and recording ---- */

static FcReturnCheck *
run_check (FcReturnsDesk *self,
           const char    *code)
{
  return fc_return_policy_check (self->policy, self->store, code, self->reason,
                                 fc_clock_now_ms (fc_store_get_clock (self->store)));
}

FcReturnItem *
fc_returns_desk_add_code (FcReturnsDesk *self,
                          const char    *code)
{
  g_autoptr(FcReturnItem) item = NULL;
  FcReturnCheck *check;

  g_return_val_if_fail (FC_IS_RETURNS_DESK (self), NULL);
  g_return_val_if_fail (code != NULL && *code != '\0', NULL);

  check = run_check (self, code);
  item = fc_return_item_new (code, check);
  g_list_store_append (self->items, item);
  gtk_single_selection_set_selected (self->selection,
                                     g_list_model_get_n_items (G_LIST_MODEL (self->items)) - 1);
  show_current (self);
  update_batch_label (self);
  if (!check->pass)
    gtk_widget_error_bell (GTK_WIDGET (self));
  /* Grading keys must reach the desk, not the serial entry: the verdict
   * panel (the current unit) takes the focus. */
  gtk_widget_grab_focus (self->verdict_box);
  return item;
}

static JsonObject *
case_payload (FcReturnsDesk       *self,
              const FcReturnCheck *check)
{
  JsonObject *payload = json_object_new ();
  g_autofree char *description = g_strdup_printf (_("Return at the desk: %s"),
                                                  fc_returns_reason_label (check->reason));

  json_object_set_string_member (payload, "kind", "return");
  json_object_set_string_member (payload, "channel", "face_to_face");
  json_object_set_string_member (payload, "problem_type", problem_type_for (check->reason));
  json_object_set_string_member (payload, "severity", "general");
  json_object_set_string_member (payload, "description", description);
  json_object_set_string_member (payload, "product_serial", check->serial);
  if (check->model != NULL)
    json_object_set_string_member (payload, "model", check->model);
  if (check->customer_id != NULL)
    json_object_set_string_member (payload, "customer_id", check->customer_id);
  return payload;
}

/* Words for people, then the stable codes in brackets for reports. */
static JsonObject *
note_payload (const FcReturnCheck *check,
              FcReturnCondition    condition,
              gboolean             packaging_original)
{
  JsonObject *payload = json_object_new ();
  g_autofree char *text = g_strdup_printf (
    "%s: %s — %s. %s: %s. %s: %s.\n"
    "[return-check result=%s code=%s reason=%s condition=%s packaging=%s]",
    _("Return check"), check->pass ? _("PASS") : _("FAIL"),
    fc_returns_check_code_label (check->code),
    _("Condition"), fc_returns_condition_label (condition),
    _("Packaging"), packaging_original ? _("original") : _("not original"),
    check->pass ? "pass" : "fail", fc_return_check_code_to_string (check->code),
    fc_return_reason_to_string (check->reason), fc_return_condition_to_string (condition),
    packaging_original ? "original" : "not_original");

  json_object_set_string_member (payload, "text", text);
  return payload;
}

typedef struct {
  FcReturnsDesk       *self;
  const FcReturnCheck *check;
  JsonObject          *open;
  JsonObject          *note;
  char                *case_id;   /* out */
} ReturnWrite;

/* The return's case, its check note and (refused) its cancellation. */
static gboolean
write_return (FcStore  *store,
              gpointer  user_data,
              GError  **error)
{
  ReturnWrite *w = user_data;
  g_autoptr(FcEvent) noted = NULL;
  g_autoptr(FcEvent) cancelled = NULL;

  w->case_id = fc_store_open_case (store, w->open, w->self->author, error);
  if (w->case_id == NULL)
    return FALSE;
  noted = fc_store_record (store, w->case_id, FC_EV_NOTE_ADDED, w->note, w->self->author, error);
  if (noted == NULL)
    return FALSE;
  /* A refused unit stays on record but is no return: it must not block a
   * later, valid return of the same serial. */
  if (!w->check->pass)
    {
      g_autoptr(JsonObject) cancel = json_object_new ();
      g_autofree char *why = g_strdup_printf (_("Return refused: %s"),
                                              fc_returns_check_code_label (w->check->code));

      json_object_set_string_member (cancel, "reason", why);
      cancelled = fc_store_record (store, w->case_id, FC_EV_CASE_CANCELLED, cancel,
                                   w->self->author, error);
      if (cancelled == NULL)
        return FALSE;
    }
  return TRUE;
}

/* One transaction: a unit is either on record with its check (and, when
 * refused, its cancellation) or not at all — never a return case without
 * the check that decided it. */
static char *
record_item (FcReturnsDesk     *self,
             FcReturnItem      *item,
             FcReturnCondition  condition,
             GError           **error)
{
  const FcReturnCheck *check = fc_return_item_get_check (item);
  g_autoptr(JsonObject) open = case_payload (self, check);
  g_autoptr(JsonObject) note = note_payload (check, condition, self->packaging_original);
  ReturnWrite w = { self, check, open, note, NULL };

  if (!fc_store_atomically (self->store, write_return, &w, error))
    {
      g_free (w.case_id);
      return NULL;
    }
  return w.case_id;
}

static void
toast (FcReturnsDesk *self,
       const char    *text)
{
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (text));
}

static void
grade (FcReturnsDesk     *self,
       FcReturnCondition  condition)
{
  FcReturnItem *item = fc_returns_desk_get_current (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *case_id = NULL;
  g_autoptr(FcCase) c = NULL;
  g_autofree char *text = NULL;

  if (item == NULL || fc_return_item_get_case_id (item) != NULL)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  case_id = record_item (self, item, condition, &error);
  if (case_id == NULL)
    {
      g_autofree char *msg = g_strdup_printf (_("Could not record the return: %s"), error->message);
      gtk_widget_error_bell (GTK_WIDGET (self));
      toast (self, msg);
      return;
    }
  fc_return_item_set_recorded (item, condition, self->packaging_original, case_id);
  c = fc_store_get_case (self->store, case_id, NULL);
  text = g_strdup_printf (_("Recorded as case %s"), c != NULL ? fc_case_get_number (c) : case_id);
  toast (self, text);
  if (!self->packaging_original)
    {
      /* Most units come in their box: the toggle is per unit. */
      self->packaging_original = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PACKAGING_ORIGINAL]);
    }
  show_current (self);
  update_batch_label (self);
}

static void
grade_activated (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  int n = g_variant_get_int32 (parameter);

  if (n < FC_RETURN_CONDITION_SEALED || n > FC_RETURN_CONDITION_PARTS_MISSING)
    return;
  grade (FC_RETURNS_DESK (widget), (FcReturnCondition) n);
}

/* ---- summary ---- */

static void
fill_summary (FcReturnsDesk *self)
{
  FcReturnsSummary sum;
  g_autofree char *totals = NULL;
  GtkWidget *child;

  fc_returns_summarize (G_LIST_MODEL (self->items), &sum);
  totals = g_strdup_printf (_("%u passed, %u failed, %u not graded"),
                            sum.n_pass, sum.n_fail, sum.n_items - sum.n_recorded);
  gtk_label_set_text (self->summary_totals, totals);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->summary_rows))) != NULL)
    gtk_list_box_remove (self->summary_rows, child);
  /* A handful of fixed rows, one per check code seen: no model needed. */
  for (guint code = 0; code < FC_RETURN_N_CHECK_CODES; code++)
    {
      GtkWidget *row, *count;
      g_autofree char *n = NULL;

      if (sum.per_code[code] == 0)
        continue;
      row = adw_action_row_new ();
      n = g_strdup_printf ("%u", sum.per_code[code]);
      count = gtk_label_new (n);
      gtk_widget_add_css_class (count, "title-3");
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), fc_returns_check_code_label (code));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), code == FC_RETURN_CHECK_OK
                                   ? _("Passed") : _("Failed"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), count);
      gtk_list_box_append (self->summary_rows, row);
    }
}

static void
finish_activated (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FcReturnsDesk *self = FC_RETURNS_DESK (widget);

  fill_summary (self);
  gtk_stack_set_visible_child_name (self->stack, "summary");
}

static void
new_batch_activated (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  FcReturnsDesk *self = FC_RETURNS_DESK (widget);

  g_list_store_remove_all (self->items);
  gtk_stack_set_visible_child_name (self->stack, "desk");
  show_current (self);
  update_batch_label (self);
}

/* ---- input ---- */

static void
code_activated_cb (GtkEntry      *entry,
                   FcReturnsDesk *self)
{
  g_autofree char *code = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

  if (*code == '\0')
    return;
  fc_returns_desk_add_code (self, code);
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
}

static void
scanned_cb (FcScanner     *scanner,
            FcScanResult  *result,
            guint          source,
            FcReturnsDesk *self)
{
  g_autoptr(FcScanAction) action = fc_scan_route (FC_SCAN_CONTEXT_RETURNS, result, self->store);
  const char *code;

  if (action->kind != FC_SCAN_ACTION_RETURN_ITEM)
    {
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }
  code = action->serial != NULL ? action->serial
         : action->gtin != NULL ? action->gtin : action->code;
  fc_returns_desk_add_code (self, code);
}

/* Grading keys that the wedge detector held back as a possible scan. */
static void
typed_cb (FcScanner     *scanner,
          const char    *text,
          FcReturnsDesk *self)
{
  for (const char *p = text; *p; p++)
    {
      if (*p >= '1' && *p <= '4')
        grade (self, (FcReturnCondition) (*p - '0'));
      else if (*p == 'p' || *p == 'P')
        gtk_widget_activate_action (GTK_WIDGET (self), "desk.packaging-original", NULL);
    }
}

static void
reason_selected_cb (GtkDropDown   *dropdown,
                    GParamSpec    *pspec,
                    FcReturnsDesk *self)
{
  guint selected = gtk_drop_down_get_selected (dropdown);

  if (selected < FC_RETURN_N_REASONS)
    fc_returns_desk_set_reason (self, (FcReturnReason) selected);
}

void
fc_returns_desk_set_reason (FcReturnsDesk  *self,
                            FcReturnReason  reason)
{
  FcReturnItem *item;

  g_return_if_fail (FC_IS_RETURNS_DESK (self));
  g_return_if_fail (reason < FC_RETURN_N_REASONS);

  if (gtk_drop_down_get_selected (self->reason_dropdown) != reason)
    gtk_drop_down_set_selected (self->reason_dropdown, reason);
  if (self->reason == reason)
    return;
  self->reason = reason;
  /* The operator set the reason after scanning: check the unit again. */
  item = fc_returns_desk_get_current (self);
  if (item != NULL && fc_return_item_get_case_id (item) == NULL)
    {
      fc_return_item_set_check (item, run_check (self, fc_return_item_get_code (item)));
      show_current (self);
    }
}

FcReturnReason
fc_returns_desk_get_reason (FcReturnsDesk *self)
{
  g_return_val_if_fail (FC_IS_RETURNS_DESK (self), FC_RETURN_REASON_NO_REASON);
  return self->reason;
}

GListModel *
fc_returns_desk_get_items (FcReturnsDesk *self)
{
  g_return_val_if_fail (FC_IS_RETURNS_DESK (self), NULL);
  return G_LIST_MODEL (self->items);
}

static void
fc_returns_desk_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (fc_returns_desk_parent_class)->root (widget);
  /* GTK 4.8 leaves class-action buttons insensitive after a re-root. */
  fc_ui_renew_actionables (widget);
}

/* The app's scanner serves whichever page is on screen. */
static void
fc_returns_desk_map (GtkWidget *widget)
{
  FcReturnsDesk *self = FC_RETURNS_DESK (widget);

  GTK_WIDGET_CLASS (fc_returns_desk_parent_class)->map (widget);
  if (self->scanner != NULL && self->scanned_handler == 0)
    {
      self->scanned_handler = g_signal_connect (self->scanner, "scanned",
                                                G_CALLBACK (scanned_cb), self);
      self->typed_handler = g_signal_connect (self->scanner, "typed",
                                              G_CALLBACK (typed_cb), self);
    }
}

static void
fc_returns_desk_unmap (GtkWidget *widget)
{
  FcReturnsDesk *self = FC_RETURNS_DESK (widget);

  if (self->scanner != NULL)
    {
      g_clear_signal_handler (&self->scanned_handler, self->scanner);
      g_clear_signal_handler (&self->typed_handler, self->scanner);
    }
  GTK_WIDGET_CLASS (fc_returns_desk_parent_class)->unmap (widget);
}

/* ---- GObject ---- */

static void
fc_returns_desk_constructed (GObject *object)
{
  FcReturnsDesk *self = FC_RETURNS_DESK (object);

  G_OBJECT_CLASS (fc_returns_desk_parent_class)->constructed (object);
  g_assert (FC_IS_STORE (self->store));
  if (self->policy == NULL)
    self->policy = fc_return_policy_new_default ();
  if (self->author == NULL)
    self->author = g_strdup (g_get_user_name ());
  fc_camera_view_set_scanner (self->camera_view, self->scanner);
  gtk_widget_set_visible (GTK_WIDGET (self->camera_view), self->scanner != NULL);
}

static void
fc_returns_desk_dispose (GObject *object)
{
  FcReturnsDesk *self = FC_RETURNS_DESK (object);
  GtkWidget *child;

  if (self->scanner != NULL)
    {
      g_clear_signal_handler (&self->scanned_handler, self->scanner);
      g_clear_signal_handler (&self->typed_handler, self->scanner);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_RETURNS_DESK);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->items);
  g_clear_object (&self->scanner);
  g_clear_object (&self->policy);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (fc_returns_desk_parent_class)->dispose (object);
}

static void
fc_returns_desk_finalize (GObject *object)
{
  g_free (FC_RETURNS_DESK (object)->author);
  G_OBJECT_CLASS (fc_returns_desk_parent_class)->finalize (object);
}

static void
fc_returns_desk_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FcReturnsDesk *self = FC_RETURNS_DESK (object);

  switch (prop_id)
    {
    case PROP_STORE: g_value_set_object (value, self->store); break;
    case PROP_POLICY: g_value_set_object (value, self->policy); break;
    case PROP_SCANNER: g_value_set_object (value, self->scanner); break;
    case PROP_AUTHOR: g_value_set_string (value, self->author); break;
    case PROP_PACKAGING_ORIGINAL: g_value_set_boolean (value, self->packaging_original); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fc_returns_desk_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  FcReturnsDesk *self = FC_RETURNS_DESK (object);

  switch (prop_id)
    {
    case PROP_STORE: self->store = g_value_dup_object (value); break;
    case PROP_POLICY: self->policy = g_value_dup_object (value); break;
    case PROP_SCANNER: self->scanner = g_value_dup_object (value); break;
    case PROP_AUTHOR: self->author = g_value_dup_string (value); break;
    case PROP_PACKAGING_ORIGINAL:
      if (self->packaging_original != g_value_get_boolean (value))
        {
          self->packaging_original = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
install_properties (GObjectClass *object_class)
{
  const GParamFlags construct = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  properties[PROP_STORE] = g_param_spec_object ("store", NULL, NULL, FC_TYPE_STORE, construct);
  properties[PROP_POLICY] = g_param_spec_object ("policy", NULL, NULL, FC_TYPE_RETURN_POLICY,
                                                 construct);
  properties[PROP_SCANNER] = g_param_spec_object ("scanner", NULL, NULL, FC_TYPE_SCANNER,
                                                  construct);
  /* Who records the cases; NULL = the system user name. */
  properties[PROP_AUTHOR] = g_param_spec_string ("author", NULL, NULL, NULL, construct);
  properties[PROP_PACKAGING_ORIGINAL] =
    g_param_spec_boolean ("packaging-original", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
install_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "desk.grade", "i", grade_activated);
  gtk_widget_class_install_property_action (widget_class, "desk.packaging-original",
                                            "packaging-original");
  gtk_widget_class_install_action (widget_class, "desk.finish", NULL, finish_activated);
  gtk_widget_class_install_action (widget_class, "desk.new-batch", NULL, new_batch_activated);
  for (int n = 1; n <= 4; n++)
    {
      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0 + n, 0, "desk.grade", "i", n);
      gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_0 + n, 0, "desk.grade", "i", n);
    }
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, 0, "desk.packaging-original", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_P, GDK_SHIFT_MASK,
                                       "desk.packaging-original", NULL);
}

static void
fc_returns_desk_class_init (FcReturnsDeskClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = fc_returns_desk_constructed;
  object_class->dispose = fc_returns_desk_dispose;
  object_class->finalize = fc_returns_desk_finalize;
  object_class->get_property = fc_returns_desk_get_property;
  object_class->set_property = fc_returns_desk_set_property;
  widget_class->root = fc_returns_desk_root;
  widget_class->map = fc_returns_desk_map;
  widget_class->unmap = fc_returns_desk_unmap;
  install_properties (object_class);
  install_actions (widget_class);

  g_type_ensure (FC_TYPE_CAMERA_VIEW);
  g_type_ensure (ADW_TYPE_CLAMP);
  g_type_ensure (ADW_TYPE_TOAST_OVERLAY);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fieldcase/returns/fc-returns-desk.ui");
  gtk_widget_class_bind_template_child (widget_class, FcReturnsDesk, toasts);
  gtk_widget_class_bind_template_child (widget_class, FcReturnsDesk, stack);
  gtk_widget_class_bind_template_child (widget_class, FcReturnsDesk, reason_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FcReturnsDesk, reason_list);
  gtk_widget_class_bind_template_child (widget_class, FcReturnsDesk, code_entry);
  gtk_widget_class_bind_template_child (widget_class, FcReturnsDesk, camera_view);
  gtk_widget_class_bind_template_child (widget_class, FcReturnsDesk, verdict_box);
  gtk_widget_class_bind_template_child (widget_class, FcReturnsDesk, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, FcReturnsDesk, reason_label);
  gtk_widget_class_bind_template_child (widget_class, FcReturnsDesk, detail_label);
  gtk_widget_class_bind_template_child (widget_class, FcReturnsDesk, batch_label);
  gtk_widget_class_bind_template_child (widget_class, FcReturnsDesk, items_view);
  gtk_widget_class_bind_template_child (widget_class, FcReturnsDesk, summary_totals);
  gtk_widget_class_bind_template_child (widget_class, FcReturnsDesk, summary_rows);
  gtk_widget_class_set_css_name (widget_class, "fc-returns-desk");
}

static void
load_css_once (void)
{
  static gboolean loaded;
  g_autoptr(GtkCssProvider) provider = NULL;

  if (loaded || gdk_display_get_default () == NULL)
    return;
  loaded = TRUE;
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, "/org/fieldcase/returns/fc-returns-desk.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static void
setup_list (FcReturnsDesk *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  self->items = g_list_store_new (FC_TYPE_RETURN_ITEM);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->items)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_item_row_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_item_row_cb), NULL);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_item_row_cb), NULL);
  gtk_list_view_set_factory (self->items_view, factory);
  gtk_list_view_set_model (self->items_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect (self->selection, "notify::selected", G_CALLBACK (selection_changed_cb), self);
}

static void
fc_returns_desk_init (FcReturnsDesk *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  load_css_once ();
  self->packaging_original = TRUE;
  for (guint r = 0; r < FC_RETURN_N_REASONS; r++)
    gtk_string_list_append (self->reason_list, fc_returns_reason_label (r));
  g_signal_connect (self->reason_dropdown, "notify::selected", G_CALLBACK (reason_selected_cb),
                    self);
  g_signal_connect (self->code_entry, "activate", G_CALLBACK (code_activated_cb), self);
  setup_list (self);
  show_current (self);
  update_batch_label (self);
}

GtkWidget *
fc_returns_desk_new (FcStore        *store,
                     FcReturnPolicy *policy,
                     FcScanner      *scanner)
{
  g_return_val_if_fail (FC_IS_STORE (store), NULL);
  return g_object_new (FC_TYPE_RETURNS_DESK, "store", store, "policy", policy,
                       "scanner", scanner, NULL);
}
