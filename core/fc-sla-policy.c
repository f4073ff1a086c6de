/* fc-sla-policy.c: deadlines as data, evaluated against a fold.
 *
 * A rule: {"id", "label", "start": "opened"|"agreed", "stop":
 * "responded"|"resolved", "hours", "complex_hours"?, "kinds"?: [...],
 * "replaces"?: "<rule id>", "pause_waiting_customer"?: bool}. A rule with
 * "kinds" applies only to those case kinds; when it applies it replaces the
 * rule it names (complaints have their own, tighter clocks).
 */
#include "fc-sla-policy.h"

#include <string.h>

#include "fc-error.h"

#define HOUR_MS (G_GINT64_CONSTANT (3600) * 1000)

typedef struct {
  char     *id;
  char     *label;
  gboolean  start_agreed;    /* else starts when opened */
  gboolean  stop_resolved;   /* else stops when responded */
  gint64    allowed_ms;
  gint64    complex_ms;      /* 0 = same as allowed */
  GStrv     kinds;           /* NULL = every kind */
  char     *replaces;
  gboolean  pause_waiting;
} Rule;

struct _FcSlaPolicy
{
  GObject  parent_instance;

  double   warning_share;
  GPtrArray *rules;          /* Rule*, owned */
  char    *json;             /* the source text, owned */
};

G_DEFINE_FINAL_TYPE (FcSlaPolicy, fc_sla_policy, G_TYPE_OBJECT)

static void
rule_free (Rule *rule)
{
  g_free (rule->id);
  g_free (rule->label);
  g_strfreev (rule->kinds);
  g_free (rule->replaces);
  g_free (rule);
}

static void
fc_sla_policy_finalize (GObject *object)
{
  FcSlaPolicy *self = FC_SLA_POLICY (object);

  g_clear_pointer (&self->rules, g_ptr_array_unref);
  g_free (self->json);
  G_OBJECT_CLASS (fc_sla_policy_parent_class)->finalize (object);
}

static void
fc_sla_policy_class_init (FcSlaPolicyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fc_sla_policy_finalize;
}

static void
fc_sla_policy_init (FcSlaPolicy *self)
{
  self->rules = g_ptr_array_new_with_free_func ((GDestroyNotify) rule_free);
  self->warning_share = 0.75;
}

const char *
fc_deadline_state_to_string (FcDeadlineState state)
{
  static const char *const names[] = {
    "pending", "on_time", "warning", "overdue", "met", "missed", "not_applicable", "paused",
  };

  g_return_val_if_fail (state < G_N_ELEMENTS (names), "pending");
  return names[state];
}

void
fc_deadline_free (FcDeadline *deadline)
{
  if (deadline == NULL)
    return;
  g_free (deadline->rule_id);
  g_free (deadline->label);
  g_free (deadline);
}

static gboolean
invalid (GError    **error,
         guint       index,
         const char *what)
{
  g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "SLA policy rule %u: %s", index + 1, what);
  return FALSE;
}

static gboolean
read_hours (JsonObject *obj,
            const char *member,
            gint64     *out_ms)
{
  JsonNode *node = json_object_get_member (obj, member);
  GType t;
  double hours;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  t = json_node_get_value_type (node);
  if (t != G_TYPE_INT64 && t != G_TYPE_DOUBLE)
    return FALSE;
  hours = json_node_get_double (node);
  if (!(hours > 0 && hours <= 24 * 366))
    return FALSE;
  *out_ms = (gint64) (hours * HOUR_MS);
  return TRUE;
}

static GStrv
read_kinds (JsonObject *obj)
{
  JsonArray *arr = json_object_get_array_member (obj, "kinds");
  g_autoptr(GStrvBuilder) b = g_strv_builder_new ();

  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      const char *k = json_array_get_string_element (arr, i);
      if (k == NULL)
        return NULL;
      g_strv_builder_add (b, k);
    }
  return g_strv_builder_end (b);
}

static gboolean
read_rule (JsonNode  *node,
           guint      index,
           Rule     **out,
           GError   **error)
{
  JsonObject *obj;
  const char *start, *stop, *id;
  Rule *rule;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, index, "must be an object");
  obj = json_node_get_object (node);
  id = json_object_get_string_member_with_default (obj, "id", NULL);
  start = json_object_get_string_member_with_default (obj, "start", NULL);
  stop = json_object_get_string_member_with_default (obj, "stop", NULL);
  if (id == NULL || *id == '\0')
    return invalid (error, index, "needs an “id”");
  if (g_strcmp0 (start, "opened") != 0 && g_strcmp0 (start, "agreed") != 0)
    return invalid (error, index, "“start” must be opened or agreed");
  if (g_strcmp0 (stop, "responded") != 0 && g_strcmp0 (stop, "resolved") != 0)
    return invalid (error, index, "“stop” must be responded or resolved");

  rule = g_new0 (Rule, 1);
  *out = rule;
  rule->id = g_strdup (id);
  rule->label = g_strdup (json_object_get_string_member_with_default (obj, "label", id));
  rule->start_agreed = g_str_equal (start, "agreed");
  rule->stop_resolved = g_str_equal (stop, "resolved");
  rule->replaces = g_strdup (json_object_get_string_member_with_default (obj, "replaces", NULL));
  rule->pause_waiting = json_object_get_boolean_member_with_default (obj, "pause_waiting_customer",
                                                                     FALSE);
  if (!read_hours (obj, "hours", &rule->allowed_ms))
    return invalid (error, index, "“hours” must be a number from 0 to 8784");
  if (json_object_has_member (obj, "complex_hours") &&
      !read_hours (obj, "complex_hours", &rule->complex_ms))
    return invalid (error, index, "“complex_hours” must be a number from 0 to 8784");
  if (json_object_has_member (obj, "kinds"))
    {
      JsonNode *k = json_object_get_member (obj, "kinds");
      if (!JSON_NODE_HOLDS_ARRAY (k) || (rule->kinds = read_kinds (obj)) == NULL)
        return invalid (error, index, "“kinds” must be a list of case kinds");
    }
  return TRUE;
}

static gboolean
parse_policy (FcSlaPolicy *self,
              const char  *json,
              GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) parse_error = NULL;
  JsonObject *root;
  JsonArray *rules;
  JsonNode *share;

  if (strlen (json) > 256 * 1024)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_TOO_LARGE, "The SLA policy is larger than 256 KiB");
      return FALSE;
    }
  if (!json_parser_load_from_data (parser, json, -1, &parse_error))
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "SLA policy: %s", parse_error->message);
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return invalid (error, 0, "the policy must be an object");
  root = json_node_get_object (json_parser_get_root (parser));
  share = json_object_get_member (root, "warning_share");
  if (share != NULL)
    {
      if (!JSON_NODE_HOLDS_VALUE (share) || json_node_get_double (share) <= 0 ||
          json_node_get_double (share) >= 1)
        {
          g_set_error (error, FC_ERROR, FC_ERROR_INVALID,
                       "SLA policy: “warning_share” must be between 0 and 1");
          return FALSE;
        }
      self->warning_share = json_node_get_double (share);
    }
  if (!json_object_has_member (root, "rules") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (root, "rules")))
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "SLA policy: “rules” must be a list");
      return FALSE;
    }
  rules = json_object_get_array_member (root, "rules");
  for (guint i = 0; i < json_array_get_length (rules); i++)
    {
      Rule *rule = NULL;
      gboolean ok = read_rule (json_array_get_element (rules, i), i, &rule, error);

      if (rule != NULL)
        g_ptr_array_add (self->rules, rule);
      if (!ok)
        return FALSE;
    }
  self->json = g_strdup (json);
  return TRUE;
}

FcSlaPolicy *
fc_sla_policy_new_from_json (const char *json,
                             GError    **error)
{
  g_autoptr(FcSlaPolicy) self = g_object_new (FC_TYPE_SLA_POLICY, NULL);

  g_return_val_if_fail (json != NULL, NULL);
  if (!parse_policy (self, json, error))
    return NULL;
  return g_steal_pointer (&self);
}

FcSlaPolicy *
fc_sla_policy_new_default (void)
{
  g_autoptr(GBytes) bytes = g_resources_lookup_data ("/org/fieldcase/core/sla-policy.json",
                                                     G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  FcSlaPolicy *policy;

  g_assert (bytes != NULL);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  policy = fc_sla_policy_new_from_json (text, &error);
  g_assert_no_error (error);
  return policy;
}

char *
fc_sla_policy_to_json (FcSlaPolicy *self)
{
  g_return_val_if_fail (FC_IS_SLA_POLICY (self), NULL);
  return g_strdup (self->json);
}

double
fc_sla_policy_get_warning_share (FcSlaPolicy *self)
{
  g_return_val_if_fail (FC_IS_SLA_POLICY (self), 0.75);
  return self->warning_share;
}

static gboolean
rule_matches_kind (const Rule       *rule,
                   const FcCaseFold *fold)
{
  return rule->kinds == NULL ||
         (fold->kind != NULL && g_strv_contains ((const char *const *) rule->kinds, fold->kind));
}

/* A rule applies if its kinds match and no other matching rule replaces it. */
static gboolean
rule_applies (FcSlaPolicy      *self,
              const Rule       *rule,
              const FcCaseFold *fold)
{
  if (!rule_matches_kind (rule, fold))
    return FALSE;
  for (guint i = 0; i < self->rules->len; i++)
    {
      const Rule *other = g_ptr_array_index (self->rules, i);
      if (other != rule && g_strcmp0 (other->replaces, rule->id) == 0 &&
          rule_matches_kind (other, fold))
        return FALSE;
    }
  return TRUE;
}

static FcDeadline *
evaluate_rule (FcSlaPolicy      *self,
               const Rule       *rule,
               const FcCaseFold *fold,
               gint64            now_ms)
{
  FcDeadline *d = g_new0 (FcDeadline, 1);
  gint64 allowed = fold->complex && rule->complex_ms > 0 ? rule->complex_ms : rule->allowed_ms;
  gint64 stop = rule->stop_resolved ? fold->resolved_at : fold->responded_at;
  gint64 paused = 0;
  gboolean waiting = rule->pause_waiting && fold->waiting_since != 0;

  d->rule_id = g_strdup (rule->id);
  d->label = g_strdup (rule->label);
  d->start_ms = rule->start_agreed ? fold->agreed_at : fold->opened_at;
  if (d->start_ms == 0)
    return d;   /* pending */
  if (rule->pause_waiting)
    paused = fold->waited_ms + (waiting && now_ms > fold->waiting_since ? now_ms - fold->waiting_since : 0);
  d->due_ms = d->start_ms + allowed + paused;
  d->warn_ms = d->start_ms + (gint64) (allowed * self->warning_share) + paused;
  if (stop != 0)
    {
      d->met_ms = stop;
      d->state = stop <= d->due_ms ? FC_DEADLINE_MET : FC_DEADLINE_MISSED;
    }
  else if (!fc_case_state_is_open (fold->state))
    d->state = FC_DEADLINE_NOT_APPLICABLE;
  else if (waiting)
    d->state = FC_DEADLINE_PAUSED;
  else if (now_ms >= d->due_ms)
    d->state = FC_DEADLINE_OVERDUE;
  else if (now_ms >= d->warn_ms)
    d->state = FC_DEADLINE_WARNING;
  else
    d->state = FC_DEADLINE_ON_TIME;
  return d;
}

GPtrArray *
fc_sla_policy_evaluate (FcSlaPolicy      *self,
                        const FcCaseFold *fold,
                        gint64            now_ms)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_deadline_free);

  g_return_val_if_fail (FC_IS_SLA_POLICY (self), out);
  for (guint i = 0; i < self->rules->len; i++)
    {
      const Rule *rule = g_ptr_array_index (self->rules, i);
      if (rule_applies (self, rule, fold))
        g_ptr_array_add (out, evaluate_rule (self, rule, fold, now_ms));
    }
  return out;
}

/* The earliest due (or warning) time among running deadlines. */
static gint64
next_running (FcSlaPolicy      *self,
              const FcCaseFold *fold,
              gboolean          warn)
{
  gint64 next = 0;

  if (!fc_case_state_is_open (fold->state))
    return 0;
  for (guint i = 0; i < self->rules->len; i++)
    {
      const Rule *rule = g_ptr_array_index (self->rules, i);
      g_autoptr(FcDeadline) d = NULL;
      gint64 t;

      if (!rule_applies (self, rule, fold))
        continue;
      /* Evaluated at the start of time: only "running or not" matters, and
       * a paused clock has no due time to sort by. */
      d = evaluate_rule (self, rule, fold, 0);
      t = warn ? d->warn_ms : d->due_ms;
      if (d->due_ms != 0 && d->met_ms == 0 && d->state != FC_DEADLINE_PAUSED &&
          (next == 0 || t < next))
        next = t;
    }
  return next;
}

gint64
fc_sla_policy_next_due (FcSlaPolicy      *self,
                        const FcCaseFold *fold)
{
  g_return_val_if_fail (FC_IS_SLA_POLICY (self), 0);
  return next_running (self, fold, FALSE);
}

gint64
fc_sla_policy_next_warn (FcSlaPolicy      *self,
                         const FcCaseFold *fold)
{
  g_return_val_if_fail (FC_IS_SLA_POLICY (self), 0);
  return next_running (self, fold, TRUE);
}
