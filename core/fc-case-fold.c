/* fc-case-fold.c: the workflow's rules, in one table, and the fold.
 *
 * The fold is deterministic: the same set of events gives the same case in
 * any arrival order, because events are applied sorted by (hlc, device, id)
 * and each decision depends only on the fold so far. That is what lets
 * devices and HQ converge without ever asking "which version wins".
 */
#include "fc-case-fold.h"

#include <string.h>

#include "fc-error.h"
#include "fc-ids.h"

static const char *const state_names[FC_CASE_N_STATES] = {
  [FC_CASE_STATE_NONE] = "none",
  [FC_CASE_STATE_OPENED] = "opened",
  [FC_CASE_STATE_RESPONDED] = "responded",
  [FC_CASE_STATE_DIAGNOSING] = "diagnosing",
  [FC_CASE_STATE_REPRODUCED] = "reproduced",
  [FC_CASE_STATE_PLAN_PROPOSED] = "plan_proposed",
  [FC_CASE_STATE_PLAN_APPROVED] = "plan_approved",
  [FC_CASE_STATE_PLAN_REJECTED] = "plan_rejected",
  [FC_CASE_STATE_CUSTOMER_AGREED] = "customer_agreed",
  [FC_CASE_STATE_IN_REPAIR] = "in_repair",
  [FC_CASE_STATE_RESOLVED] = "resolved",
  [FC_CASE_STATE_REVISIT_SCHEDULED] = "revisit_scheduled",
  [FC_CASE_STATE_REVISITED] = "revisited",
  [FC_CASE_STATE_REOPENED] = "reopened",
  [FC_CASE_STATE_CLOSED] = "closed",
  [FC_CASE_STATE_CANCELLED] = "cancelled",
};

const char *
fc_case_state_to_string (FcCaseState state)
{
  g_return_val_if_fail (state < FC_CASE_N_STATES, "none");
  return state_names[state];
}

FcCaseState
fc_case_state_from_string (const char *text)
{
  for (int s = 0; s < FC_CASE_N_STATES; s++)
    if (g_strcmp0 (state_names[s], text) == 0)
      return s;
  return FC_CASE_STATE_NONE;
}

gboolean
fc_case_state_is_open (FcCaseState state)
{
  return state != FC_CASE_STATE_NONE &&
         state != FC_CASE_STATE_CLOSED &&
         state != FC_CASE_STATE_CANCELLED;
}

void
fc_case_fold_init (FcCaseFold *fold,
                   const char *case_id)
{
  memset (fold, 0, sizeof *fold);
  fold->case_id = g_strdup (case_id);
}

void
fc_case_fold_clear (FcCaseFold *fold)
{
  g_free (fold->case_id);
  g_free (fold->number);
  g_free (fold->kind);
  g_free (fold->channel);
  g_free (fold->problem_type);
  g_free (fold->severity);
  g_free (fold->department);
  g_free (fold->customer_id);
  g_free (fold->product_serial);
  g_free (fold->model);
  g_free (fold->title);
  g_free (fold->assignee);
  g_free (fold->plan_action);
  memset (fold, 0, sizeof *fold);
}

#define S(x) (1u << FC_CASE_STATE_##x)
#define ANY_OPEN (S (OPENED) | S (RESPONDED) | S (DIAGNOSING) | S (REPRODUCED) | \
                  S (PLAN_PROPOSED) | S (PLAN_APPROVED) | S (PLAN_REJECTED) | \
                  S (CUSTOMER_AGREED) | S (IN_REPAIR) | S (RESOLVED) | \
                  S (REVISIT_SCHEDULED) | S (REVISITED) | S (REOPENED))
#define ANY_CASE (ANY_OPEN | S (CLOSED) | S (CANCELLED))

/* Which states each step may be taken from. Approval needs a special look
 * (it depends on the plan), see allowed_here(). */
static const struct {
  const char *type;
  guint       from;
} rules[] = {
  { FC_EV_CASE_OPENED, S (NONE) },
  { FC_EV_CASE_RESPONDED, S (OPENED) },
  { FC_EV_CASE_ASSIGNED, ANY_OPEN },
  { FC_EV_DIAGNOSIS_RECORDED, S (RESPONDED) | S (DIAGNOSING) | S (REPRODUCED) |
                              S (PLAN_REJECTED) | S (REOPENED) },
  { FC_EV_REPRODUCTION_RECORDED, S (DIAGNOSING) | S (REPRODUCED) },
  { FC_EV_PLAN_PROPOSED, S (REPRODUCED) | S (PLAN_PROPOSED) | S (PLAN_REJECTED) },
  { FC_EV_PLAN_APPROVED, S (PLAN_PROPOSED) },
  { FC_EV_PLAN_REJECTED, S (PLAN_PROPOSED) },
  { FC_EV_CUSTOMER_AGREED, S (PLAN_APPROVED) | S (PLAN_PROPOSED) },
  { FC_EV_PART_REPLACED, S (CUSTOMER_AGREED) | S (IN_REPAIR) },
  { FC_EV_WORK_RECORDED, S (CUSTOMER_AGREED) | S (IN_REPAIR) },
  { FC_EV_CASE_RESOLVED, S (CUSTOMER_AGREED) | S (IN_REPAIR) },
  { FC_EV_REVISIT_SCHEDULED, S (RESOLVED) | S (REVISIT_SCHEDULED) },
  { FC_EV_REVISIT_RECORDED, S (RESOLVED) | S (REVISIT_SCHEDULED) },
  { FC_EV_CASE_CLOSED, S (REVISITED) },
  { FC_EV_CASE_CANCELLED, ANY_OPEN },
  { FC_EV_NOTE_ADDED, ANY_CASE },
  { FC_EV_ATTACHMENT_ADDED, ANY_CASE },
};

static gboolean
allowed_here (const FcCaseFold *fold,
              const char       *type)
{
  gboolean plan_waits = fold->state == FC_CASE_STATE_PLAN_PROPOSED;

  /* A plan that needs approval must have it before the customer is asked;
   * one that does not skips approval. */
  if (plan_waits && g_strcmp0 (type, FC_EV_CUSTOMER_AGREED) == 0)
    return !fold->approval_required;
  if (plan_waits && (g_strcmp0 (type, FC_EV_PLAN_APPROVED) == 0 ||
                     g_strcmp0 (type, FC_EV_PLAN_REJECTED) == 0))
    return fold->approval_required;

  for (gsize i = 0; i < G_N_ELEMENTS (rules); i++)
    if (g_strcmp0 (rules[i].type, type) == 0)
      return (rules[i].from & (1u << fold->state)) != 0;
  return FALSE;
}

gboolean
fc_case_fold_allows (const FcCaseFold *fold,
                     const char       *type)
{
  g_return_val_if_fail (fold != NULL, FALSE);
  return allowed_here (fold, type);
}

static void
set_str (char      **field,
         JsonObject *payload,
         const char *member)
{
  if (!json_object_has_member (payload, member))
    return;
  g_free (*field);
  *field = g_strdup (json_object_get_string_member (payload, member));
}

static char *
first_line (const char *text)
{
  const char *nl = strchr (text, '\n');
  gsize len = nl != NULL ? (gsize) (nl - text) : strlen (text);
  const char *end;

  /* Cut at a character boundary: titles are shown, not parsed. */
  if (len > 160)
    {
      end = g_utf8_find_prev_char (text, text + 160);
      len = end != NULL ? (gsize) (end - text) : 0;
    }
  return g_strndup (text, len);
}

static void
apply_opened (FcCaseFold *fold,
              JsonObject *p,
              gint64      t)
{
  set_str (&fold->number, p, "number");
  set_str (&fold->kind, p, "kind");
  set_str (&fold->channel, p, "channel");
  set_str (&fold->problem_type, p, "problem_type");
  set_str (&fold->severity, p, "severity");
  set_str (&fold->department, p, "department");
  set_str (&fold->customer_id, p, "customer_id");
  set_str (&fold->product_serial, p, "product_serial");
  set_str (&fold->model, p, "model");
  set_str (&fold->assignee, p, "assignee");
  if (fold->department == NULL)
    fold->department = g_strdup ("after_sales");
  g_free (fold->title);
  fold->title = first_line (json_object_get_string_member (p, "description"));
  fold->opened_at = t;
  fold->state = FC_CASE_STATE_OPENED;
}

static void
start_waiting (FcCaseFold *fold,
               gint64      t)
{
  if (fold->waiting_since == 0)
    fold->waiting_since = t;
}

static void
stop_waiting (FcCaseFold *fold,
              gint64      t)
{
  if (fold->waiting_since != 0 && t > fold->waiting_since)
    fold->waited_ms += t - fold->waiting_since;
  fold->waiting_since = 0;
}

static void
apply_plan (FcCaseFold *fold,
            JsonObject *p,
            gint64      t)
{
  set_str (&fold->plan_action, p, "action");
  fold->approval_required = json_object_get_boolean_member (p, "approval_required");
  fold->state = FC_CASE_STATE_PLAN_PROPOSED;
  /* Without approval, the plan goes straight to the customer. */
  if (!fold->approval_required)
    start_waiting (fold, t);
}

static void
apply_revisit (FcCaseFold *fold,
               JsonObject *p)
{
  fold->satisfaction = (int) json_object_get_int_member (p, "satisfaction");
  if (json_object_get_boolean_member (p, "solved"))
    {
      fold->state = FC_CASE_STATE_REVISITED;
      return;
    }
  /* Not solved: the case reopens and its deadlines run again. */
  fold->state = FC_CASE_STATE_REOPENED;
  fold->resolved_at = 0;
  fold->agreed_at = 0;
}

static void
apply_step (FcCaseFold    *fold,
            const FcEvent *ev,
            gint64         t)
{
  JsonObject *p = ev->payload;
  const char *type = ev->type;

  if (g_str_equal (type, FC_EV_CASE_OPENED))
    apply_opened (fold, p, t);
  else if (g_str_equal (type, FC_EV_CASE_RESPONDED))
    {
      fold->responded_at = t;
      fold->state = FC_CASE_STATE_RESPONDED;
    }
  else if (g_str_equal (type, FC_EV_CASE_ASSIGNED))
    set_str (&fold->assignee, p, "assignee");
  else if (g_str_equal (type, FC_EV_DIAGNOSIS_RECORDED))
    {
      if (json_object_has_member (p, "complex"))
        fold->complex = json_object_get_boolean_member (p, "complex");
      fold->state = FC_CASE_STATE_DIAGNOSING;
    }
  else if (g_str_equal (type, FC_EV_REPRODUCTION_RECORDED))
    fold->state = FC_CASE_STATE_REPRODUCED;
  else if (g_str_equal (type, FC_EV_PLAN_PROPOSED))
    apply_plan (fold, p, t);
  else if (g_str_equal (type, FC_EV_PLAN_APPROVED))
    {
      fold->state = FC_CASE_STATE_PLAN_APPROVED;
      start_waiting (fold, t);
    }
  else if (g_str_equal (type, FC_EV_PLAN_REJECTED))
    fold->state = FC_CASE_STATE_PLAN_REJECTED;
  else if (g_str_equal (type, FC_EV_CUSTOMER_AGREED))
    {
      stop_waiting (fold, t);
      fold->agreed_at = t;
      fold->state = FC_CASE_STATE_CUSTOMER_AGREED;
    }
  else if (g_str_equal (type, FC_EV_PART_REPLACED) || g_str_equal (type, FC_EV_WORK_RECORDED))
    fold->state = FC_CASE_STATE_IN_REPAIR;
  else if (g_str_equal (type, FC_EV_CASE_RESOLVED))
    {
      fold->satisfaction = (int) json_object_get_int_member (p, "satisfaction");
      fold->resolved_at = t;
      fold->state = FC_CASE_STATE_RESOLVED;
    }
  else if (g_str_equal (type, FC_EV_REVISIT_SCHEDULED))
    {
      fc_time_parse_ms (json_object_get_string_member (p, "due"), &fold->revisit_due);
      fold->state = FC_CASE_STATE_REVISIT_SCHEDULED;
    }
  else if (g_str_equal (type, FC_EV_REVISIT_RECORDED))
    apply_revisit (fold, p);
  else if (g_str_equal (type, FC_EV_CASE_CLOSED) || g_str_equal (type, FC_EV_CASE_CANCELLED))
    {
      stop_waiting (fold, t);
      fold->closed_at = t;
      fold->state = g_str_equal (type, FC_EV_CASE_CLOSED) ? FC_CASE_STATE_CLOSED
                                                          : FC_CASE_STATE_CANCELLED;
    }
  /* note.added and attachment.added change no state. */
}

gboolean
fc_case_fold_apply (FcCaseFold    *fold,
                    const FcEvent *event,
                    GError       **error)
{
  g_return_val_if_fail (fold != NULL, FALSE);
  g_return_val_if_fail (event != NULL, FALSE);

  fold->n_events++;
  if (event->hlc > fold->last_hlc)
    fold->last_hlc = event->hlc;

  if (!allowed_here (fold, event->type))
    {
      fold->n_conflicts++;
      g_set_error (error, FC_ERROR, FC_ERROR_NOT_ALLOWED,
                   "“%s” is not allowed while the case is %s",
                   event->type, fc_case_state_to_string (fold->state));
      return FALSE;
    }
  apply_step (fold, event, fc_event_get_time_ms (event));
  return TRUE;
}

gint
fc_event_compare_fold_order (gconstpointer a,
                             gconstpointer b)
{
  const FcEvent *x = *(const FcEvent *const *) a;
  const FcEvent *y = *(const FcEvent *const *) b;
  int c;

  if (x->hlc != y->hlc)
    return x->hlc < y->hlc ? -1 : 1;
  c = strcmp (x->device, y->device);
  return c != 0 ? c : strcmp (x->id, y->id);
}

void
fc_case_fold_events (FcCaseFold *fold,
                     GPtrArray  *events)
{
  g_ptr_array_sort (events, fc_event_compare_fold_order);
  for (guint i = 0; i < events->len; i++)
    {
      FcEvent *ev = g_ptr_array_index (events, i);
      g_autoptr(GError) error = NULL;

      ev->conflict = !fc_case_fold_apply (fold, ev, &error);
      g_clear_pointer (&ev->conflict_reason, g_free);
      if (ev->conflict)
        ev->conflict_reason = g_strdup (error->message);
    }
}
