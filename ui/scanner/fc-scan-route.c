/* fc-scan-route.c: what a scan means where it happens. */
#include "fc-scan-route.h"

#include <string.h>

const char *
fc_scan_action_kind_to_string (FcScanActionKind kind)
{
  static const char *const names[] = {
    "ignore", "open_case", "show_product", "unknown_product", "add_part",
    "unknown_part", "fill_serial", "enrol", "return_item",
  };

  g_return_val_if_fail (kind <= FC_SCAN_ACTION_RETURN_ITEM, NULL);
  return names[kind];
}

void
fc_scan_action_free (FcScanAction *action)
{
  if (action == NULL)
    return;
  g_free (action->code);
  g_free (action->serial);
  g_free (action->gtin);
  g_free (action->case_id);
  g_free (action->part_number);
  g_free (action->enrol_payload);
  g_free (action->message);
  g_free (action);
}

static FcScanAction *
action_new (FcScanActionKind    kind,
            const FcScanResult *result,
            const char         *message)
{
  FcScanAction *action = g_new0 (FcScanAction, 1);

  action->kind = kind;
  action->code = g_strdup (result->text);
  action->gtin = g_strdup (result->gtin);
  action->message = g_strdup (message);
  return action;
}

static gboolean
is_enrol_code (const FcScanResult *result)
{
  return g_str_has_prefix (result->text, FC_ENROL_PREFIX);
}

/* A plain code (no GTIN, not GS1) may be a serial: only the screen knows. */
static const char *
serial_candidate (const FcScanResult *result)
{
  if (result->serial != NULL)
    return result->serial;
  if (result->gtin == NULL && result->gs1 == NULL)
    return result->text;
  return NULL;
}

static const char *
text_member (JsonObject *obj,
             const char *name)
{
  if (obj == NULL || !json_object_has_member (obj, name) ||
      json_object_get_null_member (obj, name))
    return NULL;
  return json_object_get_string_member (obj, name);
}

/* Reference data keeps GTINs as printed (13 digits for EAN-13, 12 for
 * UPC-A, 8 for EAN-8); a scan gives 14. Each shorter form is tried while
 * the digits it drops are zeros. */
static JsonObject *
lookup_by_gtin (FcStore    *store,
                const char *gtin14,
                JsonObject *(*lookup) (FcStore *, const char *, GError **))
{
  static const guint lengths[] = { 14, 13, 12, 8 };

  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      guint drop = 14 - lengths[i];
      JsonObject *found;

      if (strlen (gtin14) != 14 || strspn (gtin14, "0") < drop)
        break;
      found = lookup (store, gtin14 + drop, NULL);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The installed unit the scan names: by serial, else by a GTIN that only
 * one unit carries. */
static JsonObject *
find_unit (FcStore            *store,
           const FcScanResult *result)
{
  const char *serial = serial_candidate (result);
  JsonObject *unit = NULL;

  if (serial != NULL)
    unit = fc_store_lookup_serial (store, serial, NULL);
  if (unit == NULL && result->gtin != NULL)
    unit = lookup_by_gtin (store, result->gtin, fc_store_lookup_gtin);
  return unit;
}

static char *
open_case_for (FcStore    *store,
               const char *serial)
{
  g_autoptr(GPtrArray) cases = fc_store_cases_for_serial (store, serial, NULL);

  for (guint i = 0; cases != NULL && i < cases->len; i++)
    {
      FcCase *c = g_ptr_array_index (cases, i);

      if (fc_case_state_is_open (fc_case_get_state (c)))
        return g_strdup (fc_case_get_id (c));
    }
  return NULL;
}

static FcScanAction *
route_home (const FcScanResult *result,
            FcStore            *store)
{
  g_autoptr(JsonObject) unit = find_unit (store, result);
  FcScanAction *action;
  g_autofree char *case_id = NULL;

  if (unit == NULL)
    {
      action = action_new (FC_SCAN_ACTION_UNKNOWN_PRODUCT, result, "Not in the installed base");
      action->serial = g_strdup (serial_candidate (result));
      return action;
    }
  case_id = open_case_for (store, text_member (unit, "serial"));
  if (case_id != NULL)
    {
      action = action_new (FC_SCAN_ACTION_OPEN_CASE, result, "The unit has an open case");
      action->case_id = g_steal_pointer (&case_id);
    }
  else
    action = action_new (FC_SCAN_ACTION_SHOW_PRODUCT, result, "No open case for the unit");
  action->serial = g_strdup (text_member (unit, "serial"));
  return action;
}

static FcScanAction *
route_part (const FcScanResult *result,
            FcStore            *store)
{
  g_autoptr(JsonObject) part = NULL;
  FcScanAction *action;

  if (result->gtin != NULL)
    part = lookup_by_gtin (store, result->gtin, fc_store_lookup_part);
  if (part == NULL)
    part = fc_store_lookup_part (store, result->text, NULL);
  if (part == NULL)
    return action_new (FC_SCAN_ACTION_UNKNOWN_PART, result, "Not a known part");
  action = action_new (FC_SCAN_ACTION_ADD_PART, result, "Part found");
  action->part_number = g_strdup (text_member (part, "part_number"));
  return action;
}

static FcScanAction *
route_new_case (const FcScanResult *result,
                FcStore            *store)
{
  g_autoptr(JsonObject) unit = find_unit (store, result);
  const char *serial = unit != NULL ? text_member (unit, "serial") : serial_candidate (result);
  FcScanAction *action;

  /* A bare GTIN on several units says which product, not which unit:
   * filling it in as a serial would be a guess. */
  if (serial == NULL)
    return action_new (FC_SCAN_ACTION_UNKNOWN_PRODUCT, result,
                       "A product code without a serial number");
  action = action_new (FC_SCAN_ACTION_FILL_SERIAL, result, "Serial number for the new case");
  action->serial = g_strdup (serial);
  return action;
}

static FcScanAction *
route_enrolment (const FcScanResult *result)
{
  FcScanAction *action;

  if (!is_enrol_code (result) || result->text[strlen (FC_ENROL_PREFIX)] == '\0')
    return action_new (FC_SCAN_ACTION_IGNORE, result, "Not an enrolment code");
  action = action_new (FC_SCAN_ACTION_ENROL, result, "Enrolment code");
  action->enrol_payload = g_strdup (result->text + strlen (FC_ENROL_PREFIX));
  return action;
}

FcScanAction *
fc_scan_route (FcScanContext       context,
               const FcScanResult *result,
               FcStore            *store)
{
  g_return_val_if_fail (result != NULL && result->text != NULL, NULL);
  g_return_val_if_fail (context == FC_SCAN_CONTEXT_ENROLMENT || FC_IS_STORE (store), NULL);

  if (context == FC_SCAN_CONTEXT_ENROLMENT)
    return route_enrolment (result);
  /* An enrolment code carries a device secret: it never lands in a form. */
  if (is_enrol_code (result))
    return action_new (FC_SCAN_ACTION_IGNORE, result, "Enrolment codes are read at enrolment only");
  switch (context)
    {
    case FC_SCAN_CONTEXT_HOME:
      return route_home (result, store);
    case FC_SCAN_CONTEXT_PARTS_STEP:
      return route_part (result, store);
    case FC_SCAN_CONTEXT_NEW_CASE:
      return route_new_case (result, store);
    case FC_SCAN_CONTEXT_RETURNS:
      {
        FcScanAction *action = action_new (FC_SCAN_ACTION_RETURN_ITEM, result, "Return item");
        action->serial = g_strdup (serial_candidate (result));
        return action;
      }
    case FC_SCAN_CONTEXT_ENROLMENT:
    default:
      g_assert_not_reached ();
    }
}
