/* fc-cli-steps.c: recording steps — open, the workflow steps, attach.
 *
 * One table maps each command to its event type and each option to a
 * payload field (core/fc-event.c holds the schema); the store validates the
 * payload and decides whether the step is allowed now.
 */
#include "fc-cli.h"

#include <string.h>

#include "fc-error.h"
#include "fc-ids.h"

typedef enum {
  V_TEXT,
  V_INT,
  V_BOOL,     /* yes/no, true/false */
  V_TIME,     /* ISO 8601 or relative (+3d) */
  V_FILE,     /* a file stored as a blob; the field gets its SHA-256 */
} ValueType;

typedef struct {
  const char *option;   /* --option */
  const char *field;    /* payload member */
  ValueType   type;
  const char *fallback; /* used when the option is absent; "@author" = the author */
  const char *help;
} StepOption;

#define MAX_OPTIONS 8

typedef struct {
  const char *command;
  const char *type;
  const char *summary;
  StepOption  options[MAX_OPTIONS];
} StepCommand;

static const StepCommand steps[] = {
  { "respond", FC_EV_CASE_RESPONDED, "First contact with the customer",
    { { "note", "note", V_TEXT, NULL, "What was said" } } },
  { "assign", FC_EV_CASE_ASSIGNED, "Assign the case to an engineer",
    { { "assignee", "assignee", V_TEXT, NULL, "The engineer (required)" } } },
  { "diagnose", FC_EV_DIAGNOSIS_RECORDED, "Record a diagnosis (诊断)",
    { { "symptom", "symptom", V_TEXT, NULL, "The symptom seen (required)" },
      { "cause", "cause", V_TEXT, NULL, "The cause found (required)" },
      { "method", "method", V_TEXT, NULL, "history|on_site|expert|test_tool|other (required)" },
      { "complex", "complex", V_BOOL, NULL, "yes: a complex problem (1-week deadline)" } } },
  { "reproduce", FC_EV_REPRODUCTION_RECORDED, "Record a reproduction attempt (复现)",
    { { "result", "result", V_TEXT, NULL, "reproduced|not_reproduced|intermittent (required)" },
      { "steps", "steps", V_TEXT, NULL, "How it was tried (required)" },
      { "photo-file", "photo", V_FILE, NULL, "A photo as evidence" } } },
  { "plan", FC_EV_PLAN_PROPOSED, "Propose a handling plan (处理方案)",
    { { "action", "action", V_TEXT, NULL,
        "repair|replace_parts|replace_unit|refund|software_update|clean_adjust|apology|other (required)" },
      { "description", "description", V_TEXT, NULL, "The plan (required)" },
      { "owner", "owner", V_TEXT, "@author", "Who carries it out (default: the author)" },
      { "deadline", "deadline", V_TIME, "+2d", "ISO 8601 or +2d, +48h (default: +2d)" },
      { "acceptance", "acceptance", V_TEXT, NULL, "Acceptance criteria (required)" },
      { "approval-required", "approval_required", V_BOOL, "yes",
        "yes|no: needs the supervisor's approval (default: yes)" } } },
  { "approve", FC_EV_PLAN_APPROVED, "Approve the plan (审核)",
    { { "approver", "approver", V_TEXT, "@author", "Who approves (default: the author)" },
      { "comment", "comment", V_TEXT, NULL, "A comment" } } },
  { "reject", FC_EV_PLAN_REJECTED, "Reject the plan",
    { { "approver", "approver", V_TEXT, "@author", "Who rejects (default: the author)" },
      { "reason", "reason", V_TEXT, NULL, "Why (required)" } } },
  { "agree", FC_EV_CUSTOMER_AGREED, "The customer agrees to the plan",
    { { "note", "note", V_TEXT, NULL, "A note" } } },
  { "part", FC_EV_PART_REPLACED, "Record a replaced part (taken from the van stock)",
    { { "part-number", "part_number", V_TEXT, NULL, "The part number (required)" },
      { "quantity", "quantity", V_INT, "1", "1..99 (default: 1)" },
      { "old-serial", "old_serial", V_TEXT, NULL, "Serial of the part taken out" },
      { "new-serial", "new_serial", V_TEXT, NULL, "Serial of the part put in" } } },
  { "work", FC_EV_WORK_RECORDED, "Record work done",
    { { "description", "description", V_TEXT, NULL, "What was done (required)" },
      { "minutes", "minutes", V_INT, NULL, "Time spent" } } },
  { "resolve", FC_EV_CASE_RESOLVED, "The customer signs off (签字确认)",
    { { "signer", "signer", V_TEXT, NULL, "Who signed (required)" },
      { "signature-file", "signature_sha256", V_FILE, NULL, "The signature image (required)" },
      { "signature-svg-file", "signature_svg_sha256", V_FILE, NULL, "The signature as SVG strokes" },
      { "satisfaction", "satisfaction", V_INT, NULL, "1..5 (required)" },
      { "summary", "summary", V_TEXT, NULL, "A summary" } } },
  { "schedule-revisit", FC_EV_REVISIT_SCHEDULED, "Schedule the follow-up (回访)",
    { { "due", "due", V_TIME, "+3d", "ISO 8601 or +3d (default: +3d)" } } },
  { "revisit", FC_EV_REVISIT_RECORDED, "Record the follow-up",
    { { "solved", "solved", V_BOOL, NULL, "yes|no: is the problem gone (required)" },
      { "satisfaction", "satisfaction", V_INT, NULL, "1..5 (required)" },
      { "comment", "comment", V_TEXT, NULL, "What the customer said" } } },
  { "close", FC_EV_CASE_CLOSED, "Close the case (总结归档)",
    { { "summary", "summary", V_TEXT, NULL, "A summary" } } },
  { "cancel", FC_EV_CASE_CANCELLED, "Cancel the case",
    { { "reason", "reason", V_TEXT, NULL, "Why (required)" } } },
  { "note", FC_EV_NOTE_ADDED, "Add a note (the text may also follow the case)",
    { { "text", "text", V_TEXT, NULL, "The note" } } },
};

static const StepCommand *
find_step (const char *command)
{
  for (gsize i = 0; i < G_N_ELEMENTS (steps); i++)
    if (g_strcmp0 (steps[i].command, command) == 0)
      return &steps[i];
  return NULL;
}

gboolean
fc_cli_is_step (const char *command)
{
  return find_step (command) != NULL;
}

void
fc_cli_print_step_help (GString *out)
{
  for (gsize i = 0; i < G_N_ELEMENTS (steps); i++)
    g_string_append_printf (out, "  %-18s CASE: %s\n", steps[i].command, steps[i].summary);
}

/* ---- Option values → payload members ---- */

static gboolean
parse_bool (const char *text,
            gboolean   *out)
{
  static const char *const yes[] = { "yes", "y", "true", "1", NULL };
  static const char *const no[] = { "no", "n", "false", "0", NULL };
  g_autofree char *lower = g_ascii_strdown (text, -1);

  if (g_strv_contains (yes, lower))
    *out = TRUE;
  else if (g_strv_contains (no, lower))
    *out = FALSE;
  else
    return FALSE;
  return TRUE;
}

static gboolean
set_member (JsonObject       *payload,
            const StepOption *opt,
            const char       *value,
            gint64            now_ms,
            GError          **error)
{
  gint64 n;
  gboolean b;
  g_autofree char *time = NULL;

  switch (opt->type)
    {
    case V_INT:
      if (!g_ascii_string_to_signed (value, 10, G_MININT32, G_MAXINT32, &n, NULL))
        break;
      json_object_set_int_member (payload, opt->field, n);
      return TRUE;
    case V_BOOL:
      if (!parse_bool (value, &b))
        break;
      json_object_set_boolean_member (payload, opt->field, b);
      return TRUE;
    case V_TIME:
      time = fc_cli_parse_time (value, now_ms, error);
      if (time == NULL)
        {
          g_prefix_error (error, "--%s: ", opt->option);
          return FALSE;
        }
      json_object_set_string_member (payload, opt->field, time);
      return TRUE;
    case V_TEXT:
    case V_FILE:
    default:
      json_object_set_string_member (payload, opt->field, value);
      return TRUE;
    }
  g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "--%s: '%s' is not %s", opt->option, value,
               opt->type == V_INT ? "a whole number" : "yes or no");
  return FALSE;
}

static gboolean
add_file_member (JsonObject       *payload,
                 const StepOption *opt,
                 const char       *path,
                 GPtrArray        *blobs,
                 GError          **error)
{
  FcCliBlob *blob = fc_cli_read_blob (path, error);

  if (blob == NULL)
    {
      g_prefix_error (error, "--%s: ", opt->option);
      return FALSE;
    }
  json_object_set_string_member (payload, opt->field, blob->sha256);
  g_ptr_array_add (blobs, blob);
  return TRUE;
}

/* @values[i] is option i's text, NULL when not given. */
static JsonObject *
build_payload (const StepCommand *step,
               char             **values,
               gint64             now_ms,
               GPtrArray         *blobs,
               GError           **error)
{
  g_autoptr(JsonObject) payload = json_object_new ();

  for (int i = 0; i < MAX_OPTIONS && step->options[i].option != NULL; i++)
    {
      const StepOption *opt = &step->options[i];
      const char *value = values[i] != NULL ? values[i] : opt->fallback;

      if (g_strcmp0 (value, "@author") == 0)
        value = fc_cli_get_author ();
      if (value == NULL)
        continue;
      if (opt->type == V_FILE ? !add_file_member (payload, opt, value, blobs, error)
                              : !set_member (payload, opt, value, now_ms, error))
        return NULL;
    }
  return g_steal_pointer (&payload);
}

static GOptionEntry *
step_entries (const StepCommand *step,
              char             **values)
{
  GOptionEntry *entries = g_new0 (GOptionEntry, MAX_OPTIONS + 1);

  for (int i = 0; i < MAX_OPTIONS && step->options[i].option != NULL; i++)
    {
      entries[i].long_name = step->options[i].option;
      entries[i].arg = step->options[i].type == V_FILE ? G_OPTION_ARG_FILENAME : G_OPTION_ARG_STRING;
      entries[i].arg_data = &values[i];
      entries[i].description = step->options[i].help;
      entries[i].arg_description = step->options[i].type == V_FILE ? "FILE" : "VALUE";
    }
  return entries;
}

/* The case's id from what the user typed: its id or its number. */
static FcCase *
find_case (FcStore    *store,
           const char *ref,
           GError    **error)
{
  return fc_store_get_case (store, ref, error);
}

static int
report_recorded (FcStore    *store,
                 FcCase     *c,
                 const char *type)
{
  g_autoptr(FcCase) now = fc_store_get_case (store, fc_case_get_id (c), NULL);

  g_print ("%s: %s recorded; the case is %s\n", fc_case_get_number (c), type,
           now != NULL ? fc_case_state_to_string (fc_case_get_state (now)) : "?");
  return FC_CLI_OK;
}

/* The store names payload fields; the user typed options. */
static int
fail_naming_option (const StepCommand *step,
                    GError            *error)
{
  for (int i = 0; i < MAX_OPTIONS && step->options[i].option != NULL; i++)
    {
      g_autofree char *quoted = g_strdup_printf ("“%s”", step->options[i].field);
      if (strstr (error->message, quoted) != NULL)
        {
          g_prefix_error (&error, "%s --%s: ", step->command, step->options[i].option);
          return fc_cli_fail (error);
        }
    }
  g_prefix_error (&error, "%s: ", step->command);
  return fc_cli_fail (error);
}

static int
record_step (const StepCommand *step,
             const char        *case_ref,
             char             **values)
{
  g_autoptr(FcStore) store = NULL;
  g_autoptr(FcCase) c = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(GPtrArray) blobs = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_cli_blob_free);
  g_autoptr(FcEvent) event = NULL;
  g_autoptr(GError) error = NULL;

  store = fc_cli_open_store (&error);
  if (store == NULL || (c = find_case (store, case_ref, &error)) == NULL)
    return fc_cli_fail (error);
  payload = build_payload (step, values, fc_clock_now_ms (fc_store_get_clock (store)), blobs, &error);
  if (payload == NULL)
    return fc_cli_fail (error);
  event = fc_cli_record_with_blobs (store, fc_case_get_id (c), step->type, payload, blobs, &error);
  if (event == NULL)
    return fail_naming_option (step, error);
  return report_recorded (store, c, step->type);
}

int
fc_cli_cmd_step (int    argc,
                 char **argv)
{
  const StepCommand *step = find_step (argv[0]);
  char *values[MAX_OPTIONS] = { NULL };
  g_autofree GOptionEntry *entries = step_entries (step, values);
  g_autofree char *parameter = g_strdup_printf ("%s CASE - %s", step->command, step->summary);
  g_autoptr(GOptionContext) context = g_option_context_new (parameter);
  g_autofree char *joined = NULL;
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_main_entries (context, fc_cli_global_entries (), NULL);
  if (!fc_cli_parse (context, &argc, &argv))
    status = FC_CLI_USAGE;
  else if (argc < 2)
    status = fc_cli_fail_usage ("%s: which case? (a case number or id)", step->command);
  else if (argc > 2 && !(g_str_equal (step->command, "note") && values[0] == NULL))
    status = fc_cli_fail_usage ("%s: unexpected argument '%s'", step->command, argv[2]);
  else
    {
      /* "note CASE some words" is the natural way to type a note. */
      if (argc > 2)
        values[0] = joined = g_strjoinv (" ", argv + 2);
      status = record_step (step, argv[1], values);
      if (joined != NULL)
        values[0] = NULL;
    }
  for (int i = 0; i < MAX_OPTIONS; i++)
    g_free (values[i]);
  return status;
}

/* ---- attach ---- */

int
fc_cli_cmd_attach (int    argc,
                   char **argv)
{
  g_autofree char *name = NULL;
  g_autofree char *mime = NULL;
  GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, "The name shown (default: the file's)", "NAME" },
    { "mime", 0, 0, G_OPTION_ARG_STRING, &mime, "The media type (default: guessed)", "TYPE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("attach CASE FILE - attach a photo or document");
  g_autoptr(FcStore) store = NULL;
  g_autoptr(FcCase) c = NULL;
  g_autoptr(FcCliBlob) blob = NULL;
  g_autoptr(GPtrArray) blobs = g_ptr_array_new ();
  g_autoptr(JsonObject) payload = json_object_new ();
  g_autoptr(FcEvent) event = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_main_entries (context, fc_cli_global_entries (), NULL);
  if (!fc_cli_parse (context, &argc, &argv))
    return FC_CLI_USAGE;
  if (argc != 3)
    return fc_cli_fail_usage ("usage: attach CASE FILE");
  store = fc_cli_open_store (&error);
  if (store == NULL || (c = find_case (store, argv[1], &error)) == NULL ||
      (blob = fc_cli_read_blob (argv[2], &error)) == NULL)
    return fc_cli_fail (error);
  if (mime != NULL)
    {
      g_free (blob->mime);
      blob->mime = g_strdup (mime);
    }
  base = g_path_get_basename (argv[2]);
  json_object_set_string_member (payload, "sha256", blob->sha256);
  json_object_set_string_member (payload, "mime", blob->mime);
  json_object_set_string_member (payload, "name", name != NULL ? name : base);
  g_ptr_array_add (blobs, blob);
  event = fc_cli_record_with_blobs (store, fc_case_get_id (c), FC_EV_ATTACHMENT_ADDED, payload,
                                    blobs, &error);
  if (event == NULL)
    return fc_cli_fail (error);
  return report_recorded (store, c, FC_EV_ATTACHMENT_ADDED);
}

/* ---- open ---- */

typedef struct {
  char *kind, *channel, *problem_type, *severity, *department;
  char *customer_name, *customer_phone, *customer_address, *customer_id;
  char *serial, *model, *description, *assignee, *outlet, *order_number;
} OpenOptions;

static void
open_options_clear (OpenOptions *o)
{
  char **fields[] = { &o->kind, &o->channel, &o->problem_type, &o->severity, &o->department,
                      &o->customer_name, &o->customer_phone, &o->customer_address,
                      &o->customer_id, &o->serial, &o->model, &o->description, &o->assignee,
                      &o->outlet, &o->order_number };

  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    g_clear_pointer (fields[i], g_free);
}

static void
set_if (JsonObject *o,
        const char *member,
        const char *value)
{
  if (value != NULL)
    json_object_set_string_member (o, member, value);
}

/* The installed base fills in what a scan would: the model and the owner. */
static void
fill_from_installed (FcStore    *store,
                     JsonObject *payload,
                     gboolean    has_customer)
{
  const char *serial = json_object_get_string_member_with_default (payload, "product_serial", NULL);
  g_autoptr(JsonObject) unit = serial != NULL ? fc_store_lookup_serial (store, serial, NULL) : NULL;
  const char *model, *customer_id;

  if (unit == NULL)
    return;
  model = json_object_get_string_member_with_default (unit, "model", NULL);
  customer_id = json_object_get_string_member_with_default (unit, "customer_id", NULL);
  if (!json_object_has_member (payload, "model") && model != NULL)
    json_object_set_string_member (payload, "model", model);
  if (!has_customer && customer_id != NULL)
    json_object_set_string_member (payload, "customer_id", customer_id);
}

static JsonObject *
open_payload (FcStore           *store,
              const OpenOptions *o)
{
  JsonObject *p = json_object_new ();
  gboolean has_customer = o->customer_name != NULL || o->customer_id != NULL;

  set_if (p, "kind", o->kind != NULL ? o->kind : "repair");
  set_if (p, "channel", o->channel != NULL ? o->channel : "phone");
  set_if (p, "problem_type", o->problem_type != NULL ? o->problem_type : "quality");
  set_if (p, "severity", o->severity != NULL ? o->severity : "general");
  set_if (p, "department", o->department);
  set_if (p, "description", o->description);
  set_if (p, "product_serial", o->serial);
  set_if (p, "model", o->model);
  set_if (p, "assignee", o->assignee);
  set_if (p, "outlet", o->outlet);
  set_if (p, "order_number", o->order_number);
  set_if (p, "customer_id", o->customer_id);
  if (o->customer_name != NULL && o->customer_id == NULL)
    {
      /* Personal data goes to the customers table, never into the event. */
      JsonObject *cust = json_object_new ();
      set_if (cust, "name", o->customer_name);
      set_if (cust, "phone", o->customer_phone);
      set_if (cust, "address", o->customer_address);
      json_object_set_object_member (p, "customer", cust);
    }
  fill_from_installed (store, p, has_customer);
  return p;
}

static int
open_case (const OpenOptions *o)
{
  g_autoptr(FcStore) store = NULL;
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(FcCase) c = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  if (o->description == NULL)
    return fc_cli_fail_input ("open: --description is required (the customer's own words)");
  if ((o->customer_phone != NULL || o->customer_address != NULL) && o->customer_name == NULL)
    return fc_cli_fail_input ("open: --customer-phone and --customer-address need --customer-name");
  store = fc_cli_create_store (&error);
  if (store == NULL)
    return fc_cli_fail (error);
  payload = open_payload (store, o);
  id = fc_store_open_case (store, payload, fc_cli_get_author (), &error);
  if (id == NULL || (c = fc_store_get_case (store, id, &error)) == NULL)
    return fc_cli_fail (error);
  g_print ("%s\n", fc_case_get_number (c));
  return FC_CLI_OK;
}

int
fc_cli_cmd_open (int    argc,
                 char **argv)
{
  OpenOptions o = { NULL };
  const GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &o.kind, "repair|complaint|return|inquiry|suggestion (default: repair)", "KIND" },
    { "channel", 0, 0, G_OPTION_ARG_STRING, &o.channel, "phone|online|email|face_to_face|on_site (default: phone)", "CHANNEL" },
    { "problem-type", 0, 0, G_OPTION_ARG_STRING, &o.problem_type, "quality|technical|usage|logistics|service (default: quality)", "TYPE" },
    { "severity", 0, 0, G_OPTION_ARG_STRING, &o.severity, "general|major|urgent (default: general)", "SEVERITY" },
    { "department", 0, 0, G_OPTION_ARG_STRING, &o.department, "after_sales|quality|customer_service|tech_support|logistics", "DEPT" },
    { "customer-name", 0, 0, G_OPTION_ARG_STRING, &o.customer_name, "The customer's name", "NAME" },
    { "customer-phone", 0, 0, G_OPTION_ARG_STRING, &o.customer_phone, "The customer's phone", "PHONE" },
    { "customer-address", 0, 0, G_OPTION_ARG_STRING, &o.customer_address, "The customer's address", "ADDRESS" },
    { "customer-id", 0, 0, G_OPTION_ARG_STRING, &o.customer_id, "A known customer's id", "ID" },
    { "serial", 0, 0, G_OPTION_ARG_STRING, &o.serial, "The product's serial number", "SERIAL" },
    { "model", 0, 0, G_OPTION_ARG_STRING, &o.model, "The product model (default: from the installed base)", "MODEL" },
    { "description", 0, 0, G_OPTION_ARG_STRING, &o.description, "The customer's own description (required)", "TEXT" },
    { "assignee", 0, 0, G_OPTION_ARG_STRING, &o.assignee, "The engineer", "NAME" },
    { "outlet", 0, 0, G_OPTION_ARG_STRING, &o.outlet, "The service outlet", "OUTLET" },
    { "order-number", 0, 0, G_OPTION_ARG_STRING, &o.order_number, "The order number (returns)", "NUMBER" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("open - open a case; prints its number");
  int status;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_main_entries (context, fc_cli_global_entries (), NULL);
  if (!fc_cli_parse (context, &argc, &argv))
    status = FC_CLI_USAGE;
  else if (argc != 1)
    status = fc_cli_fail_usage ("open: unexpected argument '%s'", argv[1]);
  else
    status = open_case (&o);
  open_options_clear (&o);
  return status;
}
