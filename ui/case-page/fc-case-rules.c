/* fc-case-rules.c: step choice, enabled actions and form validation. */
#include "fc-case-rules.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fc-ids.h"

static const char *const page_names[] = {
  "diagnose", "reproduce", "resolve", "revisit", "timeline",
};

const char *
fc_step_to_page_name (FcStep step)
{
  g_return_val_if_fail ((guint) step < G_N_ELEMENTS (page_names), "timeline");
  return page_names[step];
}

FcStep
fc_case_rules_step_for_state (FcCaseState state)
{
  switch (state)
    {
    case FC_CASE_STATE_OPENED:
    case FC_CASE_STATE_RESPONDED:
    case FC_CASE_STATE_REOPENED:
      return FC_STEP_DIAGNOSE;
    case FC_CASE_STATE_DIAGNOSING:
      return FC_STEP_REPRODUCE;
    case FC_CASE_STATE_REPRODUCED:
    case FC_CASE_STATE_PLAN_PROPOSED:
    case FC_CASE_STATE_PLAN_APPROVED:
    case FC_CASE_STATE_PLAN_REJECTED:
    case FC_CASE_STATE_CUSTOMER_AGREED:
    case FC_CASE_STATE_IN_REPAIR:
      return FC_STEP_RESOLVE;
    case FC_CASE_STATE_RESOLVED:
    case FC_CASE_STATE_REVISIT_SCHEDULED:
    case FC_CASE_STATE_REVISITED:
      return FC_STEP_REVISIT;
    case FC_CASE_STATE_NONE:
    case FC_CASE_STATE_CLOSED:
    case FC_CASE_STATE_CANCELLED:
    case FC_CASE_N_STATES:
    default:
      return FC_STEP_TIMELINE;
    }
}

static const FcCaseAction actions[] = {
  { "case.respond", FC_EV_CASE_RESPONDED },
  { "case.diagnose", FC_EV_DIAGNOSIS_RECORDED },
  { "case.reproduce", FC_EV_REPRODUCTION_RECORDED },
  { "case.propose-plan", FC_EV_PLAN_PROPOSED },
  { "case.approve", FC_EV_PLAN_APPROVED },
  { "case.reject", FC_EV_PLAN_REJECTED },
  { "case.agree", FC_EV_CUSTOMER_AGREED },
  { "case.add-part", FC_EV_PART_REPLACED },
  { "case.record-work", FC_EV_WORK_RECORDED },
  { "case.resolve", FC_EV_CASE_RESOLVED },
  { "case.schedule-revisit", FC_EV_REVISIT_SCHEDULED },
  { "case.record-revisit", FC_EV_REVISIT_RECORDED },
  { "case.close", FC_EV_CASE_CLOSED },
  { "case.attach-photo", FC_EV_ATTACHMENT_ADDED },
  { "case.cancel", FC_EV_CASE_CANCELLED },
};

const FcCaseAction *
fc_case_rules_actions (guint *n_actions)
{
  *n_actions = G_N_ELEMENTS (actions);
  return actions;
}

gboolean
fc_case_rules_action_enabled (const FcCaseFold *fold,
                              const char       *action)
{
  for (gsize i = 0; i < G_N_ELEMENTS (actions); i++)
    if (g_str_equal (actions[i].action, action))
      return fold != NULL && fc_case_fold_allows (fold, actions[i].event_type);
  return FALSE;
}

/* ---- validation ---- */

static const char *
text_member (JsonObject *payload,
             const char *member)
{
  JsonNode *node = json_object_get_member (payload, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static void
require_text (GHashTable *errors,
              JsonObject *payload,
              const char *member,
              const char *message)
{
  const char *text = text_member (payload, member);

  if (text == NULL || *text == '\0')
    g_hash_table_insert (errors, g_strdup (member), g_strdup (message));
}

static void
require_range (GHashTable *errors,
               JsonObject *payload,
               const char *member,
               gint64      min,
               gint64      max,
               const char *message)
{
  gint64 value = json_object_get_int_member_with_default (payload, member, G_MININT64);

  if (value < min || value > max)
    g_hash_table_insert (errors, g_strdup (member), g_strdup (message));
}

/* An optional whole number: the form puts what it could not read as a
 * number into the payload as text, so "4O" or "1.5" is an error here and
 * never reaches the store as something else. */
static void
optional_range (GHashTable *errors,
                JsonObject *payload,
                const char *member,
                gint64      min,
                gint64      max,
                const char *not_a_number,
                const char *out_of_range)
{
  JsonNode *node = json_object_get_member (payload, member);
  gint64 value;

  if (node == NULL)
    return;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      g_hash_table_insert (errors, g_strdup (member), g_strdup (not_a_number));
      return;
    }
  value = json_node_get_int (node);
  if (value < min || value > max)
    g_hash_table_insert (errors, g_strdup (member), g_strdup (out_of_range));
}

static void
require_future (GHashTable *errors,
                JsonObject *payload,
                const char *member,
                gint64      now_ms)
{
  const char *text = text_member (payload, member);
  gint64 when = 0;

  if (text == NULL || !fc_time_parse_ms (text, &when) || when <= now_ms)
    g_hash_table_insert (errors, g_strdup (member), g_strdup (_("Choose a time in the future")));
}

/* The store refuses longer texts too, but only after the user pressed the
 * button; saying it next to the field is kinder. */
static void
check_lengths (GHashTable *errors,
               JsonObject *payload)
{
  JsonObjectIter iter;
  const char *member;
  JsonNode *node;

  json_object_iter_init (&iter, payload);
  while (json_object_iter_next (&iter, &member, &node))
    if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
        strlen (json_node_get_string (node)) > FC_EVENT_MAX_TEXT &&
        !g_hash_table_contains (errors, member))
      g_hash_table_insert (errors, g_strdup (member),
                           g_strdup_printf (_("At most %d characters"), FC_EVENT_MAX_TEXT));
}

static void
validate_step (GHashTable *e,
               const char *type,
               JsonObject *p,
               gint64      now_ms)
{
  if (g_str_equal (type, FC_EV_DIAGNOSIS_RECORDED))
    {
      require_text (e, p, "symptom", _("Describe the symptom"));
      require_text (e, p, "cause", _("Name the cause found"));
      require_text (e, p, "method", _("Choose how the cause was found"));
    }
  else if (g_str_equal (type, FC_EV_REPRODUCTION_RECORDED))
    {
      require_text (e, p, "result", _("Choose the result"));
      require_text (e, p, "steps", _("Describe how the fault was reproduced"));
    }
  else if (g_str_equal (type, FC_EV_PLAN_PROPOSED))
    {
      require_text (e, p, "action", _("Choose a handling plan"));
      require_text (e, p, "description", _("Describe the plan"));
      require_text (e, p, "owner", _("Name who carries it out"));
      require_text (e, p, "acceptance", _("State the acceptance criteria"));
      require_future (e, p, "deadline", now_ms);
    }
  else if (g_str_equal (type, FC_EV_PLAN_APPROVED))
    require_text (e, p, "approver", _("Name the supervisor"));
  else if (g_str_equal (type, FC_EV_PLAN_REJECTED))
    require_text (e, p, "reason", _("Say why the plan is rejected"));
  else if (g_str_equal (type, FC_EV_PART_REPLACED))
    {
      require_text (e, p, "part_number", _("Enter or scan a part number"));
      require_range (e, p, "quantity", 1, 99, _("Between 1 and 99"));
    }
  else if (g_str_equal (type, FC_EV_WORK_RECORDED))
    {
      require_text (e, p, "description", _("Describe the work done"));
      /* The schema's range: at most a day of labour per entry. */
      optional_range (e, p, "minutes", 0, 24 * 60, _("Enter the minutes as a whole number, e.g. 45"),
                      _("Between 0 and 1440 minutes (24 hours)"));
    }
  else if (g_str_equal (type, FC_EV_CASE_RESOLVED))
    {
      require_text (e, p, "signer", _("Enter the name of who signs"));
      require_range (e, p, "satisfaction", 1, 5, _("Ask the customer for a rating"));
      if (!json_object_get_boolean_member_with_default (p, "signature", FALSE))
        g_hash_table_insert (e, g_strdup ("signature"), g_strdup (_("The customer must sign")));
    }
  else if (g_str_equal (type, FC_EV_REVISIT_SCHEDULED))
    require_future (e, p, "due", now_ms);
  else if (g_str_equal (type, FC_EV_REVISIT_RECORDED))
    require_range (e, p, "satisfaction", 1, 5, _("Ask the customer for a rating"));
  else if (g_str_equal (type, FC_EV_CASE_CANCELLED))
    require_text (e, p, "reason", _("Say why the case is cancelled"));
}

GHashTable *
fc_case_rules_validate (const char *event_type,
                        JsonObject *payload,
                        gint64      now_ms)
{
  GHashTable *errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_return_val_if_fail (event_type != NULL && payload != NULL, errors);
  validate_step (errors, event_type, payload, now_ms);
  check_lengths (errors, payload);
  return errors;
}
