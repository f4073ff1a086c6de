/* fc-return-policy.c: the return rules as data, and the check. */
#include "fc-return-policy.h"

#include <string.h>

#include "fc-error.h"

typedef struct {
  gboolean allowed;
  int      window_days;
  gboolean requires_warranty;
} ReasonRule;

struct _FcReturnPolicy {
  GObject    parent_instance;
  gboolean   require_known_serial;
  gboolean   refuse_already_returned;
  ReasonRule rules[FC_RETURN_N_REASONS];
};

G_DEFINE_FINAL_TYPE (FcReturnPolicy, fc_return_policy, G_TYPE_OBJECT)

static const char *const reason_ids[FC_RETURN_N_REASONS] = {
  "no_reason", "quality_fault", "transit_damage", "wrong_item",
};

static const char *const code_ids[FC_RETURN_N_CHECK_CODES] = {
  "ok", "unknown_serial", "no_sale_date", "window_expired", "already_returned",
  "out_of_warranty", "reason_not_allowed", "store_error",
};

const char *
fc_return_reason_to_string (FcReturnReason reason)
{
  g_return_val_if_fail (reason < FC_RETURN_N_REASONS, NULL);
  return reason_ids[reason];
}

gboolean
fc_return_reason_from_string (const char     *text,
                              FcReturnReason *out_reason)
{
  for (guint i = 0; i < FC_RETURN_N_REASONS; i++)
    if (g_strcmp0 (text, reason_ids[i]) == 0)
      {
        *out_reason = (FcReturnReason) i;
        return TRUE;
      }
  return FALSE;
}

const char *
fc_return_check_code_to_string (FcReturnCheckCode code)
{
  g_return_val_if_fail (code < FC_RETURN_N_CHECK_CODES, NULL);
  return code_ids[code];
}

void
fc_return_check_free (FcReturnCheck *check)
{
  if (check == NULL)
    return;
  g_free (check->message);
  g_free (check->serial);
  g_free (check->model);
  g_free (check->customer_id);
  g_free (check->sale_date);
  g_free (check);
}

static void
fc_return_policy_class_init (FcReturnPolicyClass *klass)
{
}

static void
fc_return_policy_init (FcReturnPolicy *self)
{
  self->require_known_serial = TRUE;
  self->refuse_already_returned = TRUE;
}

static gboolean
parse_rule (JsonObject *reasons,
            guint       i,
            ReasonRule *rule,
            GError    **error)
{
  JsonObject *obj;
  gint64 days;

  rule->allowed = FALSE;
  if (!json_object_has_member (reasons, reason_ids[i]))
    return TRUE;   /* a policy may leave a reason out: it is then refused */
  obj = json_object_get_object_member (reasons, reason_ids[i]);
  if (obj == NULL || !json_object_has_member (obj, "window_days"))
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID,
                   "Return reason “%s” needs an object with “window_days”", reason_ids[i]);
      return FALSE;
    }
  days = json_object_get_int_member (obj, "window_days");
  if (days < 0 || days > 3660)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID,
                   "Return reason “%s”: window_days must be 0…3660", reason_ids[i]);
      return FALSE;
    }
  rule->allowed = TRUE;
  rule->window_days = (int) days;
  rule->requires_warranty = json_object_get_boolean_member_with_default (obj, "requires_warranty",
                                                                         FALSE);
  return TRUE;
}

FcReturnPolicy *
fc_return_policy_new_from_json (const char *json,
                                GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(FcReturnPolicy) self = NULL;
  JsonNode *root;
  JsonObject *obj, *reasons;

  g_return_val_if_fail (json != NULL, NULL);
  if (!json_parser_load_from_data (parser, json, -1, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    goto bad;
  obj = json_node_get_object (root);
  if (!json_object_has_member (obj, "reasons") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "reasons")))
    goto bad;
  reasons = json_object_get_object_member (obj, "reasons");
  self = g_object_new (FC_TYPE_RETURN_POLICY, NULL);
  self->require_known_serial =
    json_object_get_boolean_member_with_default (obj, "require_known_serial", TRUE);
  self->refuse_already_returned =
    json_object_get_boolean_member_with_default (obj, "refuse_already_returned", TRUE);
  for (guint i = 0; i < FC_RETURN_N_REASONS; i++)
    if (!parse_rule (reasons, i, &self->rules[i], error))
      return NULL;
  return g_steal_pointer (&self);

bad:
  g_set_error (error, FC_ERROR, FC_ERROR_INVALID,
               "A return policy is an object with a “reasons” object");
  return NULL;
}

FcReturnPolicy *
fc_return_policy_new_default (void)
{
  g_autoptr(GBytes) bytes = g_resources_lookup_data ("/org/fieldcase/core/return-policy.json",
                                                     G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  FcReturnPolicy *policy;

  g_assert (bytes != NULL);
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  policy = fc_return_policy_new_from_json (text, &error);
  g_assert_no_error (error);
  return policy;
}

int
fc_return_policy_get_window_days (FcReturnPolicy *self,
                                  FcReturnReason  reason)
{
  g_return_val_if_fail (FC_IS_RETURN_POLICY (self), -1);
  g_return_val_if_fail (reason < FC_RETURN_N_REASONS, -1);
  return self->rules[reason].allowed ? self->rules[reason].window_days : -1;
}

static GDate *
date_from_iso (const char *text)
{
  guint64 y, m, d;

  if (text == NULL || strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return NULL;
  y = g_ascii_strtoull (text, NULL, 10);
  m = g_ascii_strtoull (text + 5, NULL, 10);
  d = g_ascii_strtoull (text + 8, NULL, 10);
  if (y > 9999 || m > 12 || d > 31 ||
      !g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return NULL;
  return g_date_new_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y);
}

/* The calendar day @now_ms falls on where the desk is: a sale on the 1st
 * is "7 days ago" all day on the 8th, whatever the hour. */
static GDate *
today_in (gint64     now_ms,
          GTimeZone *tz)
{
  g_autoptr(GTimeZone) local = tz != NULL ? g_time_zone_ref (tz) : g_time_zone_new_local ();
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now_ms / 1000);
  g_autoptr(GDateTime) dt = NULL;

  if (utc == NULL)
    return NULL;
  dt = g_date_time_to_timezone (utc, local);
  return g_date_new_dmy ((GDateDay) g_date_time_get_day_of_month (dt),
                         (GDateMonth) g_date_time_get_month (dt),
                         (GDateYear) g_date_time_get_year (dt));
}

int
fc_return_days_since_sale (const char *sale_date,
                           gint64      now_ms,
                           GTimeZone  *tz)
{
  GDate *sale = date_from_iso (sale_date);
  GDate *today = today_in (now_ms, tz);
  int days = -1;

  if (sale != NULL && today != NULL)
    {
      days = g_date_days_between (sale, today);
      if (days < 0)
        days = -2;
    }
  g_clear_pointer (&sale, g_date_free);
  g_clear_pointer (&today, g_date_free);
  return days;
}

static gboolean
warranty_holds (const FcReturnFacts *facts,
                gint64               now_ms,
                GTimeZone           *tz)
{
  GDate *end = date_from_iso (facts->warranty_end);
  GDate *today = today_in (now_ms, tz);
  gboolean holds = end != NULL && today != NULL && g_date_compare (today, end) <= 0;

  g_clear_pointer (&end, g_date_free);
  g_clear_pointer (&today, g_date_free);
  return holds;
}

static FcReturnCheck *
verdict (FcReturnCheck    *check,
         FcReturnCheckCode code,
         char             *message)
{
  check->code = code;
  check->pass = code == FC_RETURN_CHECK_OK;
  g_free (check->message);
  check->message = message;
  return check;
}

FcReturnCheck *
fc_return_policy_evaluate (FcReturnPolicy      *self,
                           const FcReturnFacts *facts,
                           FcReturnReason       reason,
                           gint64               now_ms,
                           GTimeZone           *tz)
{
  FcReturnCheck *check = g_new0 (FcReturnCheck, 1);
  const ReasonRule *rule;

  g_return_val_if_fail (FC_IS_RETURN_POLICY (self), NULL);
  g_return_val_if_fail (facts != NULL && reason < FC_RETURN_N_REASONS, NULL);

  rule = &self->rules[reason];
  check->reason = reason;
  check->sale_date = g_strdup (facts->sale_date);
  check->window_days = rule->allowed ? rule->window_days : -1;
  check->days_since_sale = fc_return_days_since_sale (facts->sale_date, now_ms, tz);
  check->in_warranty = warranty_holds (facts, now_ms, tz);

  if (!facts->known && self->require_known_serial)
    return verdict (check, FC_RETURN_CHECK_UNKNOWN_SERIAL,
                    g_strdup ("This serial number is not in the installed base"));
  if (facts->already_returned && self->refuse_already_returned)
    return verdict (check, FC_RETURN_CHECK_ALREADY_RETURNED,
                    g_strdup ("A return case already exists for this unit"));
  if (!rule->allowed)
    return verdict (check, FC_RETURN_CHECK_REASON_NOT_ALLOWED,
                    g_strdup_printf ("The return policy does not accept “%s”",
                                     reason_ids[reason]));
  if (check->days_since_sale == -1)
    return verdict (check, FC_RETURN_CHECK_NO_SALE_DATE,
                    g_strdup ("The sale date of this unit is unknown"));
  if (check->days_since_sale > rule->window_days)
    return verdict (check, FC_RETURN_CHECK_WINDOW_EXPIRED,
                    g_strdup_printf ("Sold %d days ago; the window for %s is %d days",
                                     check->days_since_sale, reason_ids[reason],
                                     rule->window_days));
  if (rule->requires_warranty && !check->in_warranty)
    return verdict (check, FC_RETURN_CHECK_OUT_OF_WARRANTY,
                    g_strdup ("The warranty has ended"));
  return verdict (check, FC_RETURN_CHECK_OK, g_strdup ("Return accepted"));
}

static gboolean
has_return_case (FcStore    *store,
                 const char *serial,
                 GError    **error)
{
  g_autoptr(GPtrArray) cases = fc_store_cases_for_serial (store, serial, error);

  if (cases == NULL)
    return FALSE;
  for (guint i = 0; i < cases->len; i++)
    {
      const FcCaseFold *fold = fc_case_get_fold (g_ptr_array_index (cases, i));

      /* A cancelled return never took the unit back. */
      if (g_strcmp0 (fold->kind, "return") == 0 && fold->state != FC_CASE_STATE_CANCELLED)
        return TRUE;
    }
  return FALSE;
}

/* Serial first; a GTIN only when exactly one installed unit carries it. */
static JsonObject *
lookup_unit (FcStore    *store,
             const char *code,
             GError    **error)
{
  g_autoptr(GError) local = NULL;
  JsonObject *unit = fc_store_lookup_serial (store, code, &local);

  if (unit != NULL || !g_error_matches (local, FC_ERROR, FC_ERROR_NOT_FOUND))
    {
      if (local != NULL)
        g_propagate_error (error, g_steal_pointer (&local));
      return unit;
    }
  g_clear_error (&local);
  /* A scanned GTIN has 14 digits; the installed base keeps it as printed
   * (13 for EAN-13, 12 for UPC-A): drop leading zeros one form at a time. */
  for (guint drop = 0; drop <= 2; drop++)
    {
      if (drop > 0 && (strlen (code) != 14 || strspn (code, "0") < drop))
        break;
      unit = fc_store_lookup_gtin (store, code + drop, &local);
      if (unit != NULL || !g_error_matches (local, FC_ERROR, FC_ERROR_NOT_FOUND))
        break;
      g_clear_error (&local);
    }
  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  else if (unit == NULL)
    g_set_error (error, FC_ERROR, FC_ERROR_NOT_FOUND, "No installed product with this code");
  return unit;
}

static const char *
member_text (JsonObject *obj,
             const char *name)
{
  if (obj == NULL || !json_object_has_member (obj, name) ||
      json_object_get_null_member (obj, name))
    return NULL;
  return json_object_get_string_member (obj, name);
}

FcReturnCheck *
fc_return_policy_check (FcReturnPolicy *self,
                        FcStore        *store,
                        const char     *serial_or_gtin,
                        FcReturnReason  reason,
                        gint64          now_ms)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) unit = NULL;
  FcReturnFacts facts = { 0 };
  const char *serial = serial_or_gtin;
  FcReturnCheck *check;

  g_return_val_if_fail (FC_IS_RETURN_POLICY (self), NULL);
  g_return_val_if_fail (FC_IS_STORE (store), NULL);
  g_return_val_if_fail (serial_or_gtin != NULL, NULL);

  unit = lookup_unit (store, serial_or_gtin, &error);
  if (unit == NULL && error != NULL && !g_error_matches (error, FC_ERROR, FC_ERROR_NOT_FOUND) &&
      !g_error_matches (error, FC_ERROR, FC_ERROR_INVALID))
    goto store_error;
  g_clear_error (&error);
  if (unit != NULL)
    {
      facts.known = TRUE;
      serial = member_text (unit, "serial");
      facts.sale_date = member_text (unit, "sale_date");
      facts.warranty_end = member_text (unit, "warranty_end");
      facts.already_returned = has_return_case (store, serial, &error);
      if (error != NULL)
        goto store_error;
    }
  check = fc_return_policy_evaluate (self, &facts, reason, now_ms, NULL);
  check->serial = g_strdup (serial);
  check->model = g_strdup (member_text (unit, "model"));
  check->customer_id = g_strdup (member_text (unit, "customer_id"));
  return check;

store_error:
  check = g_new0 (FcReturnCheck, 1);
  check->reason = reason;
  check->serial = g_strdup (serial_or_gtin);
  check->days_since_sale = check->window_days = -1;
  return verdict (check, FC_RETURN_CHECK_STORE_ERROR,
                  g_strdup_printf ("The store could not answer: %s", error->message));
}
