/* fc-ui-format.c: labels for stored ids, deadline colours, countdowns. */
#include "fc-ui-format.h"

#include <glib/gi18n.h>

static const FcUiChoice kinds[] = {
  { "repair", N_("Repair") },
  { "complaint", N_("Complaint") },
  { "return", N_("Return") },
  { "inquiry", N_("Inquiry") },
  { "suggestion", N_("Suggestion") },
  { NULL, NULL }
};
static const FcUiChoice channels[] = {
  { "phone", N_("Phone") },
  { "online", N_("Online") },
  { "email", N_("Email") },
  { "face_to_face", N_("Face to face") },
  { "on_site", N_("On site") },
  { NULL, NULL }
};
static const FcUiChoice problem_types[] = {
  { "quality", N_("Product quality") },
  { "technical", N_("Technical") },
  { "usage", N_("Usage") },
  { "logistics", N_("Logistics") },
  { "service", N_("Customer service") },
  { NULL, NULL }
};
static const FcUiChoice severities[] = {
  { "general", N_("General") },
  { "major", N_("Major") },
  { "urgent", N_("Urgent") },
  { NULL, NULL }
};
static const FcUiChoice methods[] = {
  { "on_site", N_("On-site inspection") },
  { "history", N_("History of similar cases") },
  { "expert", N_("Expert consultation") },
  { "test_tool", N_("Test tools") },
  { "other", N_("Other") },
  { NULL, NULL }
};
static const FcUiChoice results[] = {
  { "reproduced", N_("Reproduced") },
  { "not_reproduced", N_("Not reproduced") },
  { "intermittent", N_("Intermittent") },
  { NULL, NULL }
};
static const FcUiChoice plan_actions[] = {
  { "repair", N_("Repair") },
  { "replace_parts", N_("Replace parts") },
  { "replace_unit", N_("Exchange the unit") },
  { "refund", N_("Return and refund") },
  { "software_update", N_("Software upgrade") },
  { "clean_adjust", N_("Cleaning and adjustment") },
  { "apology", N_("Apology or compensation") },
  { "other", N_("Other") },
  { NULL, NULL }
};
static const FcUiChoice filters[] = {
  { "today", N_("My visits today") },
  { "open", N_("Open") },
  { "at_risk", N_("Warning or overdue") },
  { "returns", N_("Returns") },
  { "all", N_("All cases") },
  { NULL, NULL }
};

static const FcUiChoice *const vocabs[FC_UI_N_VOCABS] = {
  kinds, channels, problem_types, severities, methods, results, plan_actions, filters,
};

const FcUiChoice *
fc_ui_vocab (FcUiVocab vocab)
{
  g_return_val_if_fail (vocab < FC_UI_N_VOCABS, NULL);
  return vocabs[vocab];
}

guint
fc_ui_vocab_size (FcUiVocab vocab)
{
  guint n = 0;

  for (const FcUiChoice *c = fc_ui_vocab (vocab); c->id != NULL; c++)
    n++;
  return n;
}

GtkStringList *
fc_ui_vocab_new_model (FcUiVocab vocab)
{
  GtkStringList *list = gtk_string_list_new (NULL);

  for (const FcUiChoice *c = fc_ui_vocab (vocab); c->id != NULL; c++)
    gtk_string_list_append (list, _(c->label));
  return list;
}

const char *
fc_ui_vocab_id (FcUiVocab vocab,
                guint     position)
{
  if (position >= fc_ui_vocab_size (vocab))
    return NULL;
  return fc_ui_vocab (vocab)[position].id;
}

guint
fc_ui_vocab_position (FcUiVocab   vocab,
                      const char *id)
{
  const FcUiChoice *choices = fc_ui_vocab (vocab);

  for (guint i = 0; choices[i].id != NULL; i++)
    if (g_strcmp0 (choices[i].id, id) == 0)
      return i;
  return GTK_INVALID_LIST_POSITION;
}

const char *
fc_ui_vocab_label (FcUiVocab   vocab,
                   const char *id)
{
  guint pos = fc_ui_vocab_position (vocab, id);

  if (pos == GTK_INVALID_LIST_POSITION)
    return id;
  return _(fc_ui_vocab (vocab)[pos].label);
}

const char *
fc_ui_state_label (FcCaseState state)
{
  static const char *const labels[FC_CASE_N_STATES] = {
    [FC_CASE_STATE_NONE] = N_("New"),
    [FC_CASE_STATE_OPENED] = N_("Opened"),
    [FC_CASE_STATE_RESPONDED] = N_("Responded"),
    [FC_CASE_STATE_DIAGNOSING] = N_("Diagnosing"),
    [FC_CASE_STATE_REPRODUCED] = N_("Reproduction recorded"),
    [FC_CASE_STATE_PLAN_PROPOSED] = N_("Plan proposed"),
    [FC_CASE_STATE_PLAN_APPROVED] = N_("Plan approved"),
    [FC_CASE_STATE_PLAN_REJECTED] = N_("Plan rejected"),
    [FC_CASE_STATE_CUSTOMER_AGREED] = N_("Customer agreed"),
    [FC_CASE_STATE_IN_REPAIR] = N_("In repair"),
    [FC_CASE_STATE_RESOLVED] = N_("Resolved"),
    [FC_CASE_STATE_REVISIT_SCHEDULED] = N_("Revisit scheduled"),
    [FC_CASE_STATE_REVISITED] = N_("Revisited"),
    [FC_CASE_STATE_REOPENED] = N_("Reopened"),
    [FC_CASE_STATE_CLOSED] = N_("Closed"),
    [FC_CASE_STATE_CANCELLED] = N_("Cancelled"),
  };

  if ((guint) state >= FC_CASE_N_STATES)
    return "?";
  return _(labels[state]);
}

const char *
fc_ui_deadline_label (const char *rule_id,
                      const char *fallback)
{
  static const FcUiChoice rules[] = {
    { "response", N_("First response") },
    { "repair", N_("Repair") },
    { "execution", N_("Carry out the agreed plan") },
    { "complaint_response", N_("Answer the complaint") },
    { "complaint_resolution", N_("Resolve the complaint") },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (rules); i++)
    if (g_strcmp0 (rules[i].id, rule_id) == 0)
      return _(rules[i].label);
  /* HQ may add rules: its English label is better than nothing. */
  return fallback != NULL ? fallback : rule_id;
}

const char *
fc_ui_deadline_state_label (FcDeadlineState state)
{
  switch (state)
    {
    case FC_DEADLINE_PENDING: return _("Not started");
    case FC_DEADLINE_ON_TIME: return _("On time");
    case FC_DEADLINE_WARNING: return _("Early warning");
    case FC_DEADLINE_OVERDUE: return _("Overdue");
    case FC_DEADLINE_MET: return _("Met");
    case FC_DEADLINE_MISSED: return _("Met late");
    case FC_DEADLINE_NOT_APPLICABLE: return _("Not applicable");
    case FC_DEADLINE_PAUSED: return _("Paused");
    default: return "?";
    }
}

const char *
fc_ui_sync_state_label (FcSyncState state)
{
  switch (state)
    {
    case FC_SYNC_PENDING: return _("Waiting to sync");
    case FC_SYNC_ACKED: return _("At headquarters");
    case FC_SYNC_REJECTED: return _("Rejected by headquarters");
    case FC_SYNC_REMOTE: return _("From headquarters");
    default: return "?";
    }
}

const char *
fc_ui_event_label (const char *type)
{
  static const FcUiChoice events[] = {
    { FC_EV_CASE_OPENED, N_("Case opened") },
    { FC_EV_CASE_RESPONDED, N_("First response") },
    { FC_EV_CASE_ASSIGNED, N_("Assigned") },
    { FC_EV_DIAGNOSIS_RECORDED, N_("Diagnosis") },
    { FC_EV_REPRODUCTION_RECORDED, N_("Reproduction") },
    { FC_EV_PLAN_PROPOSED, N_("Handling plan proposed") },
    { FC_EV_PLAN_APPROVED, N_("Plan approved") },
    { FC_EV_PLAN_REJECTED, N_("Plan rejected") },
    { FC_EV_CUSTOMER_AGREED, N_("Customer agreed") },
    { FC_EV_PART_REPLACED, N_("Part replaced") },
    { FC_EV_WORK_RECORDED, N_("Work recorded") },
    { FC_EV_CASE_RESOLVED, N_("Customer sign-off") },
    { FC_EV_REVISIT_SCHEDULED, N_("Revisit scheduled") },
    { FC_EV_REVISIT_RECORDED, N_("Revisit") },
    { FC_EV_CASE_CLOSED, N_("Closed") },
    { FC_EV_CASE_CANCELLED, N_("Cancelled") },
    { FC_EV_NOTE_ADDED, N_("Note") },
    { FC_EV_ATTACHMENT_ADDED, N_("Attachment") },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (events); i++)
    if (g_strcmp0 (events[i].id, type) == 0)
      return _(events[i].label);
  return type;
}

static int
deadline_rank (FcDeadlineState state)
{
  switch (state)
    {
    case FC_DEADLINE_OVERDUE: return 3;
    case FC_DEADLINE_WARNING: return 2;
    case FC_DEADLINE_ON_TIME: return 1;
    default: return 0;
    }
}

FcDeadlineState
fc_ui_worst_deadline (FcSlaPolicy      *policy,
                      const FcCaseFold *fold,
                      gint64            now_ms)
{
  g_autoptr(GPtrArray) deadlines = NULL;
  FcDeadlineState worst = FC_DEADLINE_PENDING;

  g_return_val_if_fail (FC_IS_SLA_POLICY (policy), FC_DEADLINE_PENDING);
  if (!fc_case_state_is_open (fold->state))
    return FC_DEADLINE_PENDING;
  deadlines = fc_sla_policy_evaluate (policy, fold, now_ms);
  for (guint i = 0; i < deadlines->len; i++)
    {
      const FcDeadline *d = g_ptr_array_index (deadlines, i);
      if (deadline_rank (d->state) > deadline_rank (worst))
        worst = d->state;
    }
  return worst;
}

const char *
fc_ui_deadline_css_class (FcDeadlineState state)
{
  switch (state)
    {
    case FC_DEADLINE_OVERDUE: return "deadline-overdue";
    case FC_DEADLINE_WARNING: return "deadline-warning";
    case FC_DEADLINE_ON_TIME: return "deadline-ok";
    default: return "deadline-none";
    }
}

/* "3 d 4 h", "2 h 5 min", "12 min": two units at most, people skim it. */
static char *
format_span (gint64 ms)
{
  gint64 minutes = ms / 60000;
  gint64 days = minutes / (24 * 60), hours = (minutes / 60) % 24, mins = minutes % 60;

  if (days > 0)
    /* Translators: a duration in days and hours */
    return g_strdup_printf (_("%d d %d h"), (int) days, (int) hours);
  if (hours > 0)
    /* Translators: a duration in hours and minutes */
    return g_strdup_printf (_("%d h %d min"), (int) hours, (int) mins);
  /* Translators: a duration in minutes */
  return g_strdup_printf (_("%d min"), (int) mins);
}

char *
fc_ui_format_countdown (gint64 due_ms,
                        gint64 now_ms)
{
  g_autofree char *span = NULL;

  if (due_ms <= 0)
    return g_strdup (_("No deadline"));
  if (due_ms >= now_ms)
    {
      span = format_span (due_ms - now_ms);
      /* Translators: time left before a deadline, e.g. "in 3 h 20 min" */
      return g_strdup_printf (_("in %s"), span);
    }
  span = format_span (now_ms - due_ms);
  /* Translators: time past a deadline, e.g. "overdue by 2 d 4 h" */
  return g_strdup_printf (_("overdue by %s"), span);
}

char *
fc_ui_format_time (gint64 ms)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_local (utc) : NULL;

  if (local == NULL)
    return g_strdup ("?");
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

void
fc_ui_unparent_children (GtkWidget *widget)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (widget)) != NULL)
    gtk_widget_unparent (child);
}
