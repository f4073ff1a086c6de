/* fc-event.c: events, their wire form and the payload schema per type.
 *
 * The schema table below is the reference for what each step records; the
 * CLI, the UI forms and HQ all rely on it. Validation is strict: a payload
 * with an unknown field, a wrong type or a value outside its enum is refused
 * with a message naming the field.
 */
#include "fc-event.h"

#include <string.h>

#include "fc-error.h"
#include "fc-ids.h"

typedef enum {
  F_TEXT,     /* non-empty string ≤ FC_EVENT_MAX_TEXT */
  F_ENUM,     /* one of a list */
  F_INT,      /* integer in [min, max] */
  F_BOOL,
  F_TIME,     /* ISO 8601, UTC */
  F_SHA256,   /* 64 lower-case hex characters */
} FieldKind;

typedef struct {
  const char *name;
  FieldKind   kind;
  gboolean    required;
  const char *const *values;  /* F_ENUM */
  gint64      min, max;       /* F_INT */
} Field;

typedef struct {
  const char  *type;
  const Field *fields;
} EventSchema;

static const char *const kinds[] = { "repair", "complaint", "return", "inquiry", "suggestion", NULL };
static const char *const channels[] = { "phone", "online", "email", "face_to_face", "on_site", NULL };
static const char *const problem_types[] = { "quality", "technical", "usage", "logistics", "service", NULL };
static const char *const severities[] = { "general", "major", "urgent", NULL };
static const char *const departments[] = { "after_sales", "quality", "customer_service",
                                           "tech_support", "logistics", NULL };
static const char *const methods[] = { "history", "on_site", "expert", "test_tool", "other", NULL };
static const char *const results[] = { "reproduced", "not_reproduced", "intermittent", NULL };
static const char *const actions[] = { "repair", "replace_parts", "replace_unit", "refund",
                                       "software_update", "clean_adjust", "apology", "other", NULL };

#define REQ TRUE
#define OPT FALSE
#define END { NULL, 0, 0, NULL, 0, 0 }

static const Field f_opened[] = {
  { "number", F_TEXT, REQ, NULL, 0, 0 },
  { "kind", F_ENUM, REQ, kinds, 0, 0 },
  { "channel", F_ENUM, REQ, channels, 0, 0 },
  { "problem_type", F_ENUM, REQ, problem_types, 0, 0 },
  { "severity", F_ENUM, REQ, severities, 0, 0 },
  { "department", F_ENUM, OPT, departments, 0, 0 },
  { "description", F_TEXT, REQ, NULL, 0, 0 },
  { "customer_id", F_TEXT, OPT, NULL, 0, 0 },
  { "product_serial", F_TEXT, OPT, NULL, 0, 0 },
  { "model", F_TEXT, OPT, NULL, 0, 0 },
  { "assignee", F_TEXT, OPT, NULL, 0, 0 },
  { "outlet", F_TEXT, OPT, NULL, 0, 0 },
  { "order_number", F_TEXT, OPT, NULL, 0, 0 },
  END
};
static const Field f_responded[] = { { "note", F_TEXT, OPT, NULL, 0, 0 }, END };
static const Field f_assigned[] = { { "assignee", F_TEXT, REQ, NULL, 0, 0 }, END };
static const Field f_diagnosis[] = {
  { "symptom", F_TEXT, REQ, NULL, 0, 0 },
  { "cause", F_TEXT, REQ, NULL, 0, 0 },
  { "method", F_ENUM, REQ, methods, 0, 0 },
  { "complex", F_BOOL, OPT, NULL, 0, 0 },
  END
};
static const Field f_reproduction[] = {
  { "result", F_ENUM, REQ, results, 0, 0 },
  { "steps", F_TEXT, REQ, NULL, 0, 0 },
  { "photo", F_SHA256, OPT, NULL, 0, 0 },
  END
};
static const Field f_plan[] = {
  { "action", F_ENUM, REQ, actions, 0, 0 },
  { "description", F_TEXT, REQ, NULL, 0, 0 },
  { "owner", F_TEXT, REQ, NULL, 0, 0 },
  { "deadline", F_TIME, REQ, NULL, 0, 0 },
  { "acceptance", F_TEXT, REQ, NULL, 0, 0 },
  { "approval_required", F_BOOL, REQ, NULL, 0, 0 },
  END
};
static const Field f_approved[] = {
  { "approver", F_TEXT, REQ, NULL, 0, 0 },
  { "comment", F_TEXT, OPT, NULL, 0, 0 },
  END
};
static const Field f_rejected[] = {
  { "approver", F_TEXT, REQ, NULL, 0, 0 },
  { "reason", F_TEXT, REQ, NULL, 0, 0 },
  END
};
static const Field f_agreed[] = { { "note", F_TEXT, OPT, NULL, 0, 0 }, END };
static const Field f_part[] = {
  { "part_number", F_TEXT, REQ, NULL, 0, 0 },
  { "quantity", F_INT, REQ, NULL, 1, 99 },
  { "old_serial", F_TEXT, OPT, NULL, 0, 0 },
  { "new_serial", F_TEXT, OPT, NULL, 0, 0 },
  END
};
static const Field f_work[] = {
  { "description", F_TEXT, REQ, NULL, 0, 0 },
  { "minutes", F_INT, OPT, NULL, 0, 24 * 60 },
  END
};
static const Field f_resolved[] = {
  { "signer", F_TEXT, REQ, NULL, 0, 0 },
  { "signature_sha256", F_SHA256, REQ, NULL, 0, 0 },
  { "signature_svg_sha256", F_SHA256, OPT, NULL, 0, 0 },
  { "satisfaction", F_INT, REQ, NULL, 1, 5 },
  { "summary", F_TEXT, OPT, NULL, 0, 0 },
  END
};
static const Field f_revisit_scheduled[] = { { "due", F_TIME, REQ, NULL, 0, 0 }, END };
static const Field f_revisit[] = {
  { "solved", F_BOOL, REQ, NULL, 0, 0 },
  { "satisfaction", F_INT, REQ, NULL, 1, 5 },
  { "comment", F_TEXT, OPT, NULL, 0, 0 },
  END
};
static const Field f_closed[] = { { "summary", F_TEXT, OPT, NULL, 0, 0 }, END };
static const Field f_cancelled[] = { { "reason", F_TEXT, REQ, NULL, 0, 0 }, END };
static const Field f_note[] = { { "text", F_TEXT, REQ, NULL, 0, 0 }, END };
static const Field f_attachment[] = {
  { "sha256", F_SHA256, REQ, NULL, 0, 0 },
  { "mime", F_TEXT, REQ, NULL, 0, 0 },
  { "name", F_TEXT, OPT, NULL, 0, 0 },
  END
};

static const EventSchema schemas[] = {
  { FC_EV_CASE_OPENED, f_opened },
  { FC_EV_CASE_RESPONDED, f_responded },
  { FC_EV_CASE_ASSIGNED, f_assigned },
  { FC_EV_DIAGNOSIS_RECORDED, f_diagnosis },
  { FC_EV_REPRODUCTION_RECORDED, f_reproduction },
  { FC_EV_PLAN_PROPOSED, f_plan },
  { FC_EV_PLAN_APPROVED, f_approved },
  { FC_EV_PLAN_REJECTED, f_rejected },
  { FC_EV_CUSTOMER_AGREED, f_agreed },
  { FC_EV_PART_REPLACED, f_part },
  { FC_EV_WORK_RECORDED, f_work },
  { FC_EV_CASE_RESOLVED, f_resolved },
  { FC_EV_REVISIT_SCHEDULED, f_revisit_scheduled },
  { FC_EV_REVISIT_RECORDED, f_revisit },
  { FC_EV_CASE_CLOSED, f_closed },
  { FC_EV_CASE_CANCELLED, f_cancelled },
  { FC_EV_NOTE_ADDED, f_note },
  { FC_EV_ATTACHMENT_ADDED, f_attachment },
};

G_DEFINE_BOXED_TYPE (FcEvent, fc_event, fc_event_ref, fc_event_unref)

static const EventSchema *
find_schema (const char *type)
{
  if (type == NULL)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS (schemas); i++)
    if (strcmp (schemas[i].type, type) == 0)
      return &schemas[i];
  return NULL;
}

gboolean
fc_event_type_is_known (const char *type)
{
  return find_schema (type) != NULL;
}

FcEvent *
fc_event_new (const char *id,
              const char *case_id,
              const char *type,
              gint64      hlc,
              const char *device,
              const char *author,
              JsonObject *payload)
{
  FcEvent *self = g_new0 (FcEvent, 1);

  self->ref_count = 1;
  self->id = g_strdup (id);
  self->case_id = g_strdup (case_id);
  self->type = g_strdup (type);
  self->hlc = hlc;
  self->device = g_strdup (device);
  self->author = g_strdup (author);
  self->payload = payload != NULL ? json_object_ref (payload) : json_object_new ();
  return self;
}

FcEvent *
fc_event_ref (FcEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
fc_event_unref (FcEvent *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;
  g_free (self->id);
  g_free (self->case_id);
  g_free (self->type);
  g_free (self->device);
  g_free (self->author);
  g_clear_pointer (&self->payload, json_object_unref);
  g_free (self->payload_text);
  g_free (self->reject_reason);
  g_free (self->conflict_reason);
  g_free (self);
}

gint64
fc_event_get_time_ms (const FcEvent *self)
{
  return FC_HLC_MS (self->hlc);
}

static gboolean
is_sha256 (const char *s)
{
  if (strlen (s) != 64)
    return FALSE;
  for (int i = 0; i < 64; i++)
    if (!g_ascii_isxdigit (s[i]) || g_ascii_isupper (s[i]))
      return FALSE;
  return TRUE;
}

static gboolean
check_string_field (const Field *f,
                    JsonNode    *node,
                    GError     **error)
{
  const char *s;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    s = json_node_get_string (node);
  else
    s = NULL;
  if (s == NULL || *s == '\0')
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID,
                   "Field “%s” must be a non-empty text", f->name);
      return FALSE;
    }
  if (!g_utf8_validate (s, -1, NULL) || strlen (s) > FC_EVENT_MAX_TEXT)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID,
                   "Field “%s” is not valid UTF-8 text of at most %d bytes",
                   f->name, FC_EVENT_MAX_TEXT);
      return FALSE;
    }
  if (f->kind == F_ENUM && !g_strv_contains ((const char *const *) f->values, s))
    {
      g_autofree char *allowed = g_strjoinv (", ", (char **) f->values);
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID,
                   "Field “%s” must be one of: %s", f->name, allowed);
      return FALSE;
    }
  if (f->kind == F_TIME && !fc_time_parse_ms (s, NULL))
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID,
                   "Field “%s” must be a time like 2026-11-22T09:30:00Z", f->name);
      return FALSE;
    }
  if (f->kind == F_SHA256 && !is_sha256 (s))
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID,
                   "Field “%s” must be a SHA-256 in lower-case hex", f->name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_field (const Field *f,
             JsonNode    *node,
             GError     **error)
{
  GType vt = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

  switch (f->kind)
    {
    case F_BOOL:
      if (vt != G_TYPE_BOOLEAN)
        {
          g_set_error (error, FC_ERROR, FC_ERROR_INVALID,
                       "Field “%s” must be true or false", f->name);
          return FALSE;
        }
      return TRUE;
    case F_INT:
      if (vt != G_TYPE_INT64 || json_node_get_int (node) < f->min || json_node_get_int (node) > f->max)
        {
          g_set_error (error, FC_ERROR, FC_ERROR_INVALID,
                       "Field “%s” must be a whole number from %" G_GINT64_FORMAT
                       " to %" G_GINT64_FORMAT, f->name, f->min, f->max);
          return FALSE;
        }
      return TRUE;
    default:
      return check_string_field (f, node, error);
    }
}

static const Field *
find_field (const Field *fields,
            const char  *name)
{
  for (const Field *f = fields; f->name != NULL; f++)
    if (strcmp (f->name, name) == 0)
      return f;
  return NULL;
}

gboolean
fc_event_validate_payload (const char *type,
                           JsonObject *payload,
                           GError    **error)
{
  const EventSchema *schema = find_schema (type);
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (schema == NULL)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "Unknown event type “%s”",
                   type != NULL ? type : "(none)");
      return FALSE;
    }
  if (payload == NULL)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "The %s payload is missing", type);
      return FALSE;
    }
  for (const Field *f = schema->fields; f->name != NULL; f++)
    if (f->required && !json_object_has_member (payload, f->name))
      {
        g_set_error (error, FC_ERROR, FC_ERROR_INVALID,
                     "Field “%s” is required for %s", f->name, type);
        return FALSE;
      }
  json_object_iter_init (&iter, payload);
  while (json_object_iter_next (&iter, &name, &node))
    {
      const Field *f = find_field (schema->fields, name);

      if (f == NULL)
        {
          g_set_error (error, FC_ERROR, FC_ERROR_INVALID,
                       "Field “%s” is not part of %s", name, type);
          return FALSE;
        }
      if (!check_field (f, node, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_envelope_text (const char *name,
                     const char *value,
                     gsize       max,
                     GError    **error)
{
  if (value == NULL || *value == '\0' || strlen (value) > max || !g_utf8_validate (value, -1, NULL))
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID,
                   "Event field “%s” must be a non-empty text of at most %" G_GSIZE_FORMAT " bytes",
                   name, max);
      return FALSE;
    }
  return TRUE;
}

gboolean
fc_event_validate (const FcEvent *self,
                   GError       **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!fc_uuid_is_valid (self->id) || !fc_uuid_is_valid (self->case_id))
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID,
                   "Event and case ids must be UUIDs in lower-case text form");
      return FALSE;
    }
  if (self->hlc <= 0)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "Event field “hlc” must be positive");
      return FALSE;
    }
  if (!check_envelope_text ("device", self->device, 64, error) ||
      !check_envelope_text ("author", self->author, 200, error))
    return FALSE;
  return fc_event_validate_payload (self->type, self->payload, error);
}

JsonNode *
fc_event_to_json (const FcEvent *self)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (obj, "id", self->id);
  json_object_set_string_member (obj, "case_id", self->case_id);
  json_object_set_string_member (obj, "type", self->type);
  json_object_set_int_member (obj, "hlc", self->hlc);
  json_object_set_string_member (obj, "device", self->device);
  json_object_set_string_member (obj, "author", self->author);
  json_object_set_object_member (obj, "payload", json_object_ref (self->payload));
  json_node_set_object (node, obj);
  return node;
}

static const char *
get_string (JsonObject *obj,
            const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

FcEvent *
fc_event_new_from_json (JsonNode  *node,
                        GError   **error)
{
  JsonObject *obj;
  JsonNode *hlc, *payload;
  g_autoptr(FcEvent) event = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "An event must be a JSON object");
      return NULL;
    }
  obj = json_node_get_object (node);
  hlc = json_object_get_member (obj, "hlc");
  payload = json_object_get_member (obj, "payload");
  if (hlc == NULL || !JSON_NODE_HOLDS_VALUE (hlc) || json_node_get_value_type (hlc) != G_TYPE_INT64)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "Event field “hlc” must be an integer");
      return NULL;
    }
  if (payload == NULL || !JSON_NODE_HOLDS_OBJECT (payload))
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "Event field “payload” must be an object");
      return NULL;
    }
  event = fc_event_new (get_string (obj, "id"), get_string (obj, "case_id"),
                        get_string (obj, "type"), json_node_get_int (hlc),
                        get_string (obj, "device"), get_string (obj, "author"),
                        json_node_get_object (payload));
  if (!fc_event_validate (event, error))
    return NULL;
  return g_steal_pointer (&event);
}

char *
fc_event_payload_to_string (const FcEvent *self)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, self->payload);
  return json_to_string (node, FALSE);
}
