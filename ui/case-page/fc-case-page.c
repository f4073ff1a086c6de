/* fc-case-page.c: reading a case and showing it; the forms live in
 * fc-case-page-forms.c. */
#include "fc-case-page-private.h"

#include <glib/gi18n.h>

#include "fc-case-rules.h"
#include "fc-hit-item.h"
#include "fc-ids.h"
#include "fc-timeline-item.h"
#include "fc-ui-format.h"

#define TICK_SECONDS 10
#define SIMILAR_LIMIT 5

enum { PROP_0, PROP_STORE, PROP_SETTINGS, PROP_TITLE, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_TOAST, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FcCasePage, fc_case_page, GTK_TYPE_WIDGET)

/* ---- header ---- */

static void
show_warranty (FcCasePage *self,
               const char *serial)
{
  g_autoptr(JsonObject) unit = NULL;
  g_autofree char *text = NULL;
  const char *end;

  if (serial == NULL || *serial == '\0' ||
      (unit = fc_store_lookup_serial (self->store, serial, NULL)) == NULL)
    {
      gtk_label_set_text (self->warranty_label, _("Warranty unknown"));
      return;
    }
  end = json_object_get_string_member_with_default (unit, "warranty_end", NULL);
  if (json_object_get_boolean_member_with_default (unit, "in_warranty", FALSE))
    text = end != NULL ? g_strdup_printf (_("In warranty until %s"), end)
                       : g_strdup (_("In warranty"));
  else
    text = end != NULL ? g_strdup_printf (_("Out of warranty since %s"), end)
                       : g_strdup (_("Out of warranty"));
  gtk_label_set_text (self->warranty_label, text);
}

static gboolean
deadline_runs (const FcDeadline *d)
{
  return d->state == FC_DEADLINE_ON_TIME || d->state == FC_DEADLINE_WARNING ||
         d->state == FC_DEADLINE_OVERDUE;
}

/* The next deadline still running, as "First response: in 3 h 20 min". */
static void
show_deadline (FcCasePage *self)
{
  g_autoptr(GPtrArray) deadlines = NULL;
  const FcDeadline *next = NULL;
  g_autofree char *countdown = NULL;
  g_autofree char *text = NULL;

  if (self->case_id != NULL)
    deadlines = fc_store_list_deadlines (self->store, self->case_id, NULL);
  for (guint i = 0; deadlines != NULL && i < deadlines->len; i++)
    {
      const FcDeadline *d = g_ptr_array_index (deadlines, i);
      if (deadline_runs (d) && (next == NULL || d->due_ms < next->due_ms))
        next = d;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->deadline_label), self->deadline_class);
  self->deadline_class = fc_ui_deadline_css_class (next != NULL ? next->state : FC_DEADLINE_PENDING);
  gtk_widget_add_css_class (GTK_WIDGET (self->deadline_label), self->deadline_class);
  gtk_widget_set_visible (GTK_WIDGET (self->deadline_label), next != NULL);
  if (next == NULL)
    return;
  countdown = fc_ui_format_countdown (next->due_ms,
                                      fc_clock_now_ms (fc_store_get_clock (self->store)));
  /* Translators: a deadline and the time left, e.g. "First response: in 3 h" */
  text = g_strdup_printf (_("%s: %s"), fc_ui_deadline_label (next->rule_id, next->label), countdown);
  gtk_label_set_text (self->deadline_label, text);
}

static void
show_header (FcCasePage *self)
{
  const FcCaseFold *fold = fc_case_get_fold (self->c);
  const char *customer = fc_case_get_customer_name (self->c);
  g_autofree char *product = NULL;

  gtk_label_set_text (self->number_label, fc_case_get_number (self->c));
  gtk_label_set_text (self->customer_label,
                      customer != NULL && *customer != '\0' ? customer : _("Unknown customer"));
  gtk_label_set_text (self->state_label, fc_ui_state_label (fold->state));
  gtk_label_set_text (self->title_label, fold->title != NULL ? fold->title : "");
  /* Translators: product model and serial number, e.g. "KFR-35GW · SN AC-24-0001" */
  product = g_strdup_printf (_("%s · SN %s"), fold->model != NULL ? fold->model : _("Unknown model"),
                             fold->product_serial != NULL ? fold->product_serial : "—");
  gtk_label_set_text (self->product_label, product);
  show_warranty (self, fold->product_serial);
  show_deadline (self);
}

/* ---- lists ---- */

static GtkWidget *
create_timeline_row (gpointer item,
                     gpointer user_data)
{
  FcTimelineItem *ti = FC_TIMELINE_ITEM (item);
  FcEvent *ev = fc_timeline_item_get_event (ti);
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *time = fc_ui_format_time (fc_event_get_time_ms (ev));
  g_autofree char *subtitle = NULL;
  const char *detail = fc_timeline_item_get_detail (ti);
  g_autofree char *when = NULL;
  gint64 ms;

  /* A time (a revisit's due date) reads better in local time. */
  if (detail != NULL && fc_time_parse_ms (detail, &ms))
    detail = when = fc_ui_format_time (ms);

  /* Translators: who recorded a step, when, and its sync state */
  subtitle = g_strdup_printf (_("%s · %s · %s"), ev->author, time,
                              fc_ui_sync_state_label (ev->sync_state));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), fc_ui_event_label (ev->type));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  /* The step's detail (a reason, a plan, a signer) goes under the title,
   * not beside it: a column beside it left three characters on a phone. */
  if (detail != NULL)
    {
      g_autofree char *both = g_strdup_printf ("%s\n%s", detail, subtitle);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), both);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);
    }
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (ev->conflict)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      g_autofree char *why = g_strdup_printf (_("Conflict: %s"), ev->conflict_reason != NULL
                                                                 ? ev->conflict_reason : "");
      gtk_widget_set_tooltip_text (icon, why);
      gtk_widget_add_css_class (row, "conflict");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
    }
  return row;
}

static GtkWidget *
create_similar_row (gpointer item,
                    gpointer user_data)
{
  FcHitItem *hit = FC_HIT_ITEM (item);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *kind = gtk_label_new (g_strcmp0 (fc_hit_item_get_kind (hit), "kb") == 0
                                   ? _("Knowledge base") : _("Past case"));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), fc_hit_item_get_title (hit));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), fc_hit_item_get_snippet (hit));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  gtk_widget_add_css_class (kind, "dim-label");
  gtk_widget_add_css_class (kind, "caption");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), kind);
  return row;
}

static void
load_timeline (FcCasePage *self)
{
  g_autoptr(GPtrArray) events = fc_store_list_events (self->store, self->case_id, NULL);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  /* Newest first: the last step is what the engineer checks. */
  for (guint i = events != NULL ? events->len : 0; i > 0; i--)
    g_ptr_array_add (items, fc_timeline_item_new (g_ptr_array_index (events, i - 1)));
  g_list_store_splice (self->timeline, 0, g_list_model_get_n_items (G_LIST_MODEL (self->timeline)),
                       items->pdata, items->len);
}

static void
load_similar (FcCasePage *self)
{
  const FcCaseFold *fold = fc_case_get_fold (self->c);
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  if (fold->model != NULL)
    hits = fc_store_similar_cases (self->store, fold->model, fold->title, SIMILAR_LIMIT, NULL);
  for (guint i = 0; hits != NULL && i < hits->len; i++)
    {
      FcSearchHit *hit = g_ptr_array_index (hits, i);
      /* The case itself is not "similar" to itself. */
      if (g_strcmp0 (hit->id, self->case_id) != 0)
        g_ptr_array_add (items, fc_hit_item_new (hit->kind, hit->title, hit->snippet));
    }
  g_list_store_splice (self->similar, 0, g_list_model_get_n_items (G_LIST_MODEL (self->similar)),
                       items->pdata, items->len);
  gtk_widget_set_visible (self->similar_empty, items->len == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->similar_list), items->len > 0);
}

/* ---- actions and step ---- */

static void
update_actions (FcCasePage *self)
{
  const FcCaseFold *fold = self->c != NULL ? fc_case_get_fold (self->c) : NULL;
  guint n = 0;
  const FcCaseAction *actions = fc_case_rules_actions (&n);

  for (guint i = 0; i < n; i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), actions[i].action,
                                   fc_case_rules_action_enabled (fold, actions[i].action));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "case.lookup-part", fold != NULL);
  /* Cancelling is the menu's only entry: a case that can no longer be
   * cancelled (closed, cancelled) is not offered the menu at all. */
  gtk_widget_set_visible (GTK_WIDGET (self->more_button),
                          fc_case_rules_action_enabled (fold, "case.cancel"));
}

/* A closed or cancelled case takes no more steps: say so once, above the
 * (all disabled) forms, rather than leave the user guessing why. */
static void
show_closed (FcCasePage *self)
{
  const FcCaseFold *fold = fc_case_get_fold (self->c);
  g_autoptr(GPtrArray) events = NULL;
  const char *reason = NULL;
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->closed_label), !fc_case_state_is_open (fold->state));
  if (fold->state == FC_CASE_STATE_CLOSED)
    gtk_label_set_text (self->closed_label, _("This case is closed and archived: nothing more can be recorded."));
  if (fold->state != FC_CASE_STATE_CANCELLED)
    return;
  /* The reason of the cancellation that counted: the last one the fold
   * did not mark as a conflict. */
  events = fc_store_list_events (self->store, self->case_id, NULL);
  for (guint i = events != NULL ? events->len : 0; i > 0 && reason == NULL; i--)
    {
      FcEvent *ev = g_ptr_array_index (events, i - 1);
      if (g_str_equal (ev->type, FC_EV_CASE_CANCELLED) && !ev->conflict)
        reason = json_object_get_string_member_with_default (ev->payload, "reason", NULL);
    }
  /* Translators: %s is the reason given when the case was cancelled */
  text = reason != NULL ? g_strdup_printf (_("This case was cancelled: %s"), reason)
                        : g_strdup (_("This case was cancelled."));
  gtk_label_set_text (self->closed_label, text);
}

static void
show_approval (FcCasePage *self)
{
  const FcCaseFold *fold = fc_case_get_fold (self->c);
  const char *text;

  switch (fold->state)
    {
    case FC_CASE_STATE_PLAN_PROPOSED:
      text = fold->approval_required
        ? _("Waiting for approval by headquarters, or by a supervisor here with the PIN.")
        : _("This plan needs no approval: ask the customer to agree.");
      break;
    case FC_CASE_STATE_PLAN_APPROVED:
      text = _("The plan is approved: ask the customer to agree.");
      break;
    case FC_CASE_STATE_PLAN_REJECTED:
      text = _("The plan was rejected: propose another one.");
      break;
    default:
      text = fold->plan_action != NULL ? _("The plan is settled.") : _("Propose a plan first.");
    }
  gtk_label_set_text (self->approval_status, text);
}

static void
prefill (FcCasePage *self)
{
  g_autofree char *author = _fc_case_page_dup_author (self);
  GtkEditable *owner = GTK_EDITABLE (fc_case_page_get_field (self, "plan_owner"));

  if (*gtk_editable_get_text (owner) == '\0')
    gtk_editable_set_text (owner, author);
}

void
_fc_case_page_reload (FcCasePage *self)
{
  g_autoptr(GError) error = NULL;
  FcCase *c = fc_store_get_case (self->store, self->case_id, &error);
  FcCaseState state;

  if (c == NULL)
    {
      g_warning ("Cannot read case %s: %s", self->case_id, error->message);
      return;
    }
  g_clear_object (&self->c);
  self->c = c;
  state = fc_case_get_state (c);
  show_header (self);
  show_approval (self);
  show_closed (self);
  update_actions (self);
  load_timeline (self);
  /* Follow the work: a step done moves the page to the next one. */
  if (state != self->shown_state)
    fc_case_page_show_step (self, fc_step_to_page_name (fc_case_rules_step_for_state (state)));
  self->shown_state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

static void
store_case_changed_cb (FcStore    *store,
                       const char *case_id,
                       FcCasePage *self)
{
  if (self->case_id != NULL && g_strcmp0 (case_id, self->case_id) == 0)
    _fc_case_page_reload (self);
}

static void
store_changed_cb (FcStore    *store,
                  FcCasePage *self)
{
  if (self->case_id != NULL)
    _fc_case_page_reload (self);
}

static gboolean
tick_cb (gpointer user_data)
{
  FcCasePage *self = user_data;

  if (self->c != NULL)
    show_deadline (self);
  return G_SOURCE_CONTINUE;
}

/* ---- object ---- */

static void
fc_case_page_constructed (GObject *object)
{
  FcCasePage *self = FC_CASE_PAGE (object);

  G_OBJECT_CLASS (fc_case_page_parent_class)->constructed (object);
  g_assert (self->store != NULL && self->settings != NULL);
  self->case_changed_id = g_signal_connect (self->store, "case-changed",
                                            G_CALLBACK (store_case_changed_cb), self);
  g_signal_connect_object (self->store, "changed", G_CALLBACK (store_changed_cb), self, 0);
  update_actions (self);
}

static void
fc_case_page_dispose (GObject *object)
{
  FcCasePage *self = FC_CASE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  _fc_case_page_forget_cancel (self);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->store != NULL)
    g_clear_signal_handler (&self->case_changed_id, self->store);
  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_CASE_PAGE);
  fc_ui_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->cancellable);
  g_clear_object (&self->c);
  g_clear_object (&self->timeline);
  g_clear_object (&self->similar);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (fc_case_page_parent_class)->dispose (object);
}

static void
fc_case_page_finalize (GObject *object)
{
  FcCasePage *self = FC_CASE_PAGE (object);

  g_free (self->case_id);
  G_OBJECT_CLASS (fc_case_page_parent_class)->finalize (object);
}

static void
fc_case_page_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  FcCasePage *self = FC_CASE_PAGE (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->c != NULL ? fc_case_get_number (self->c) : NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fc_case_page_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  FcCasePage *self = FC_CASE_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bind_children (GtkWidgetClass *widget_class)
{
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fieldcase/Fieldcase/case-page/fc-case-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FcCasePage, number_label);
  gtk_widget_class_bind_template_child (widget_class, FcCasePage, customer_label);
  gtk_widget_class_bind_template_child (widget_class, FcCasePage, state_label);
  gtk_widget_class_bind_template_child (widget_class, FcCasePage, more_button);
  gtk_widget_class_bind_template_child (widget_class, FcCasePage, closed_label);
  gtk_widget_class_bind_template_child (widget_class, FcCasePage, title_label);
  gtk_widget_class_bind_template_child (widget_class, FcCasePage, product_label);
  gtk_widget_class_bind_template_child (widget_class, FcCasePage, warranty_label);
  gtk_widget_class_bind_template_child (widget_class, FcCasePage, deadline_label);
  gtk_widget_class_bind_template_child (widget_class, FcCasePage, step_stack);
  gtk_widget_class_bind_template_child (widget_class, FcCasePage, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, FcCasePage, timeline_list);
  gtk_widget_class_bind_template_child (widget_class, FcCasePage, similar_list);
  gtk_widget_class_bind_template_child (widget_class, FcCasePage, similar_empty);
  gtk_widget_class_bind_template_child (widget_class, FcCasePage, approval_status);
  gtk_widget_class_bind_template_child (widget_class, FcCasePage, part_info_row);
  gtk_widget_class_bind_template_child (widget_class, FcCasePage, part_info);
  gtk_widget_class_bind_template_child (widget_class, FcCasePage, signature_frame);
  gtk_widget_class_bind_template_child (widget_class, FcCasePage, signature_error);
}

static void
fc_case_page_class_init (FcCasePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = fc_case_page_constructed;
  object_class->dispose = fc_case_page_dispose;
  object_class->finalize = fc_case_page_finalize;
  object_class->get_property = fc_case_page_get_property;
  object_class->set_property = fc_case_page_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FC_TYPE_STORE,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* The case number, for the header bar. */
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Something to tell the user briefly (a step recorded, a refusal). */
  signals[SIGNAL_TOAST] =
    g_signal_new ("toast", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  bind_children (widget_class);
  _fc_case_page_class_init_forms (widget_class);
}

static void
fc_case_page_init (FcCasePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->deadline_class = "deadline-none";
  self->cancellable = g_cancellable_new ();
  self->timeline = g_list_store_new (FC_TYPE_TIMELINE_ITEM);
  self->similar = g_list_store_new (FC_TYPE_HIT_ITEM);
  gtk_list_box_bind_model (self->timeline_list, G_LIST_MODEL (self->timeline),
                           create_timeline_row, NULL, NULL);
  gtk_list_box_bind_model (self->similar_list, G_LIST_MODEL (self->similar),
                           create_similar_row, NULL, NULL);
  _fc_case_page_init_forms (self);
  self->pad = FC_SIGNATURE_PAD (fc_signature_pad_new ());
  gtk_frame_set_child (self->signature_frame, GTK_WIDGET (self->pad));
  self->tick_id = g_timeout_add_seconds (TICK_SECONDS, tick_cb, self);
}

GtkWidget *
fc_case_page_new (FcStore   *store,
                  GSettings *settings)
{
  g_return_val_if_fail (FC_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  return g_object_new (FC_TYPE_CASE_PAGE, "store", store, "settings", settings, NULL);
}

gboolean
fc_case_page_set_case_id (FcCasePage *self,
                          const char *case_id)
{
  g_return_val_if_fail (FC_IS_CASE_PAGE (self), FALSE);

  if (g_strcmp0 (case_id, self->case_id) == 0 && self->c != NULL)
    return TRUE;
  g_free (self->case_id);
  self->case_id = g_strdup (case_id);
  g_clear_object (&self->c);
  self->shown_state = FC_CASE_STATE_NONE;
  _fc_case_page_forget_cancel (self);
  _fc_case_page_clear_errors (self);
  fc_signature_pad_clear (self->pad);
  if (case_id == NULL)
    {
      update_actions (self);
      return TRUE;
    }
  _fc_case_page_reload (self);
  if (self->c == NULL)
    return FALSE;
  load_similar (self);
  prefill (self);
  return TRUE;
}

const char *
fc_case_page_get_case_id (FcCasePage *self)
{
  g_return_val_if_fail (FC_IS_CASE_PAGE (self), NULL);
  return self->case_id;
}

FcCase *
fc_case_page_get_case (FcCasePage *self)
{
  g_return_val_if_fail (FC_IS_CASE_PAGE (self), NULL);
  return self->c;
}

const char *
fc_case_page_get_step (FcCasePage *self)
{
  g_return_val_if_fail (FC_IS_CASE_PAGE (self), NULL);
  return adw_view_stack_get_visible_child_name (self->step_stack);
}

void
fc_case_page_show_step (FcCasePage *self,
                        const char *step)
{
  g_return_if_fail (FC_IS_CASE_PAGE (self));
  adw_view_stack_set_visible_child_name (self->step_stack, step);
}

AdwViewStack *
fc_case_page_get_stack (FcCasePage *self)
{
  g_return_val_if_fail (FC_IS_CASE_PAGE (self), NULL);
  return self->step_stack;
}

AdwViewSwitcherBar *
fc_case_page_get_switcher_bar (FcCasePage *self)
{
  g_return_val_if_fail (FC_IS_CASE_PAGE (self), NULL);
  return self->switcher_bar;
}

FcSignaturePad *
fc_case_page_get_signature_pad (FcCasePage *self)
{
  g_return_val_if_fail (FC_IS_CASE_PAGE (self), NULL);
  return self->pad;
}

void
_fc_case_page_toast (FcCasePage *self,
                     const char *message)
{
  g_signal_emit (self, signals[SIGNAL_TOAST], 0, message);
}
