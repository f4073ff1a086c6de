/* fc-cli-show.c: reading — show, list, urgent, search, lookup, export.
 *
 * Customer phone numbers and addresses appear only in "show" and "lookup",
 * where the user asked for that one case or product; lists never print them.
 */
#include "fc-cli.h"

#include <string.h>

#include "fc-error.h"
#include "fc-ids.h"
#include "fc-store-private.h"

#define TEXT_SHOWN_CHARS 100

static const char *
or_dash (const char *text)
{
  /* ASCII: printf pads by bytes, and tables must line up. */
  return text != NULL && *text != '\0' ? text : "-";
}

/* Up to @max characters on one line: timelines stay readable. */
static char *
one_line (const char *text,
          glong       max)
{
  g_autofree char *flat = g_strdup (text != NULL ? text : "");
  g_autofree char *head = NULL;

  g_strdelimit (flat, "\r\n\t", ' ');
  if (g_utf8_strlen (flat, -1) <= max)
    return g_steal_pointer (&flat);
  head = g_utf8_substring (flat, 0, max - 1);
  return g_strconcat (head, "…", NULL);
}

static const char *
sync_state_name (FcSyncState state)
{
  switch (state)
    {
    case FC_SYNC_PENDING: return "pending";
    case FC_SYNC_ACKED: return "synced";
    case FC_SYNC_REJECTED: return "REJECTED";
    case FC_SYNC_REMOTE: return "from HQ";
    default: return "?";
    }
}

/* ---- show ---- */

static void
print_field (const char *label,
             const char *value)
{
  g_print ("  %-14s %s\n", label, or_dash (value));
}

static void
print_time_field (const char *label,
                  gint64      ms)
{
  g_autofree char *t = NULL;

  if (ms <= 0)
    return;
  t = fc_cli_format_time (ms);
  print_field (label, t);
}

static void
print_product (FcStore          *store,
               const FcCaseFold *f)
{
  g_autoptr(JsonObject) unit = NULL;
  g_autofree char *line = NULL;

  if (f->product_serial != NULL)
    unit = fc_store_lookup_serial (store, f->product_serial, NULL);
  if (unit == NULL)
    {
      line = g_strdup_printf ("%s  %s", or_dash (f->product_serial), or_dash (f->model));
      print_field ("Product:", line);
      return;
    }
  line = g_strdup_printf ("%s  %s %s — %s%s", f->product_serial, or_dash (f->model),
                          or_dash (json_object_get_string_member (unit, "model_name")),
                          json_object_get_boolean_member (unit, "in_warranty") ? "in warranty until "
                                                                               : "out of warranty since ",
                          or_dash (json_object_get_string_member (unit, "warranty_end")));
  print_field ("Product:", line);
}

/* The one place a case's customer contact is printed: the user asked for
 * this case by its number. */
static void
print_customer (FcStore          *store,
                const FcCaseFold *f)
{
  g_autoptr(JsonObject) cust = NULL;
  g_autofree char *line = NULL;

  if (f->customer_id != NULL)
    cust = fc_store_lookup_customer (store, f->customer_id, NULL);
  if (cust == NULL)
    {
      print_field ("Customer:", NULL);
      return;
    }
  line = g_strdup_printf ("%s · %s · %s", or_dash (json_object_get_string_member (cust, "name")),
                          or_dash (json_object_get_string_member (cust, "phone")),
                          or_dash (json_object_get_string_member (cust, "address")));
  print_field ("Customer:", line);
}

static void
print_case_fields (FcStore *store,
                   FcCase  *c)
{
  const FcCaseFold *f = fc_case_get_fold (c);
  g_autofree char *classes = g_strdup_printf ("%s · %s · %s · %s · %s", or_dash (f->kind),
                                              or_dash (f->channel), or_dash (f->problem_type),
                                              or_dash (f->severity), or_dash (f->department));
  g_autofree char *plan = NULL;
  g_autofree char *satisfaction = f->satisfaction > 0 ? g_strdup_printf ("%d/5", f->satisfaction) : NULL;

  g_print ("Case %s  (id %s)\n", or_dash (f->number), f->case_id);
  print_field ("State:", fc_case_state_to_string (f->state));
  print_field ("Class:", classes);
  print_field ("Title:", f->title);
  print_product (store, f);
  print_customer (store, f);
  print_field ("Assignee:", f->assignee);
  if (f->plan_action != NULL)
    {
      plan = g_strdup_printf ("%s%s", f->plan_action, f->approval_required ? " (needs approval)" : "");
      print_field ("Plan:", plan);
    }
  if (f->complex)
    print_field ("Complex:", "yes (the 1-week repair deadline applies)");
  if (satisfaction != NULL)
    print_field ("Satisfaction:", satisfaction);
  print_time_field ("Opened:", f->opened_at);
  print_time_field ("Responded:", f->responded_at);
  print_time_field ("Agreed:", f->agreed_at);
  print_time_field ("Resolved:", f->resolved_at);
  print_time_field ("Revisit due:", f->revisit_due);
  print_time_field ("Closed:", f->closed_at);
  if (f->n_conflicts > 0)
    g_print ("  %-14s %u step(s) in CONFLICT, see the timeline\n", "Conflicts:", f->n_conflicts);
}

static void
print_deadlines (GPtrArray *deadlines)
{
  g_print ("\nDeadlines:\n");
  if (deadlines->len == 0)
    g_print ("  none\n");
  for (guint i = 0; i < deadlines->len; i++)
    {
      FcDeadline *d = g_ptr_array_index (deadlines, i);
      g_autofree char *due = fc_cli_format_time (d->due_ms);
      g_autofree char *met = fc_cli_format_time (d->met_ms);
      const char *state = fc_deadline_state_to_string (d->state);

      g_print ("  %-28s %-14s due %s", or_dash (d->label), state, due);
      if (d->met_ms > 0)
        g_print ("   met %s", met);
      g_print ("\n");
    }
}

/* "key: value · key: value", each value on one line. */
static char *
payload_summary (JsonObject *payload)
{
  GString *out = g_string_new (NULL);
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, payload);
  while (json_object_iter_next (&iter, &name, &node))
    {
      g_autofree char *value = NULL;
      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        value = one_line (json_node_get_string (node), TEXT_SHOWN_CHARS);
      else
        value = json_to_string (node, FALSE);
      g_string_append_printf (out, "%s%s: %s", out->len > 0 ? " · " : "", name, value);
    }
  return g_string_free (out, FALSE);
}

static void
print_event (FcEvent *ev)
{
  g_autofree char *when = fc_cli_format_time (fc_event_get_time_ms (ev));
  g_autofree char *summary = payload_summary (ev->payload);

  g_print ("  %s  %-22s by %-12s [%s]%s\n", when, ev->type, ev->author,
           sync_state_name (ev->sync_state), ev->conflict ? "  CONFLICT" : "");
  if (*summary != '\0')
    g_print ("      %s\n", summary);
  if (ev->conflict)
    g_print ("      CONFLICT: %s\n", or_dash (ev->conflict_reason));
  if (ev->sync_state == FC_SYNC_REJECTED)
    g_print ("      rejected by HQ: %s\n", or_dash (ev->reject_reason));
}

static int
show_case (const char *ref)
{
  g_autoptr(FcStore) store = NULL;
  g_autoptr(FcCase) c = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) deadlines = NULL;
  g_autoptr(GError) error = NULL;

  store = fc_cli_open_store (&error);
  if (store == NULL || (c = fc_store_get_case (store, ref, &error)) == NULL ||
      (events = fc_store_list_events (store, fc_case_get_id (c), &error)) == NULL ||
      (deadlines = fc_store_list_deadlines (store, fc_case_get_id (c), &error)) == NULL)
    return fc_cli_fail (error);
  print_case_fields (store, c);
  print_deadlines (deadlines);
  g_print ("\nTimeline:\n");
  for (guint i = 0; i < events->len; i++)
    print_event (g_ptr_array_index (events, i));
  return FC_CLI_OK;
}

int
fc_cli_cmd_show (int    argc,
                 char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("show CASE - the case, its timeline and deadlines");

  g_option_context_add_main_entries (context, fc_cli_global_entries (), NULL);
  if (!fc_cli_parse (context, &argc, &argv))
    return FC_CLI_USAGE;
  if (argc != 2)
    return fc_cli_fail_usage ("usage: show CASE (a case number or id)");
  return show_case (argv[1]);
}

/* ---- list, urgent ---- */

static void
print_case_rows (GPtrArray *cases)
{
  g_print ("%-16s %-18s %-8s %-17s %-12s %s\n", "NUMBER", "STATE", "SEVERITY", "NEXT DUE",
           "ASSIGNEE", "TITLE");
  for (guint i = 0; i < cases->len; i++)
    {
      FcCase *c = g_ptr_array_index (cases, i);
      const FcCaseFold *f = fc_case_get_fold (c);
      g_autofree char *due = fc_cli_format_time (fc_case_get_next_due (c));
      g_autofree char *title = one_line (f->title, 60);
      const char *mark = f->n_conflicts > 0 ? " [CONFLICT]" : "";

      g_print ("%-16s %-18s %-8s %-17s %-12s %s%s\n", or_dash (f->number),
               fc_case_state_to_string (f->state), or_dash (f->severity), due,
               or_dash (f->assignee), title, mark);
    }
  g_print ("%u case(s)\n", cases->len);
}

static gboolean
parse_filter (const char   *text,
              FcCaseFilter *out)
{
  static const struct { const char *name; FcCaseFilter filter; } filters[] = {
    { "all", FC_CASE_FILTER_ALL }, { "open", FC_CASE_FILTER_OPEN },
    { "at-risk", FC_CASE_FILTER_AT_RISK }, { "overdue", FC_CASE_FILTER_OVERDUE },
    { "returns", FC_CASE_FILTER_RETURNS }, { "today", FC_CASE_FILTER_TODAY },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (filters); i++)
    if (g_strcmp0 (filters[i].name, text) == 0)
      {
        *out = filters[i].filter;
        return TRUE;
      }
  return FALSE;
}

static int
list_cases (const FcCaseQuery *query)
{
  g_autoptr(FcStore) store = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GError) error = NULL;

  store = fc_cli_open_store (&error);
  if (store == NULL || (cases = fc_store_query_cases (store, query, &error)) == NULL)
    return fc_cli_fail (error);
  print_case_rows (cases);
  return FC_CLI_OK;
}

int
fc_cli_cmd_list (int    argc,
                 char **argv)
{
  g_autofree char *state = NULL;
  g_autofree char *filter = NULL;
  g_autofree char *assignee = NULL;
  int limit = 50;
  const GOptionEntry entries[] = {
    { "state", 0, 0, G_OPTION_ARG_STRING, &state, "Only cases in this state (e.g. in_repair)", "STATE" },
    { "filter", 0, 0, G_OPTION_ARG_STRING, &filter, "open|at-risk|overdue|returns|today|all (default: all)", "FILTER" },
    { "assignee", 0, 0, G_OPTION_ARG_STRING, &assignee, "Only this engineer's cases", "NAME" },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "At most N cases (default: 50, 0 = all)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("list - cases, most urgent first");
  FcCaseQuery query = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_main_entries (context, fc_cli_global_entries (), NULL);
  if (!fc_cli_parse (context, &argc, &argv))
    return FC_CLI_USAGE;
  if (argc != 1)
    return fc_cli_fail_usage ("list: unexpected argument '%s'", argv[1]);
  if (filter != NULL && !parse_filter (filter, &query.filter))
    return fc_cli_fail_input ("list: unknown filter '%s' (open, at-risk, overdue, returns, today, all)",
                              filter);
  if (state != NULL && fc_case_state_from_string (state) == FC_CASE_STATE_NONE)
    return fc_cli_fail_input ("list: unknown state '%s'", state);
  if (limit < 0)
    return fc_cli_fail_input ("list: --limit must be 0 or more");
  query.state = state;
  /* "today" is one engineer's day: the author's unless named. */
  query.assignee = assignee != NULL ? assignee
                 : query.filter == FC_CASE_FILTER_TODAY ? fc_cli_get_author () : NULL;
  query.limit = (guint) limit;
  return list_cases (&query);
}

int
fc_cli_cmd_urgent (int    argc,
                   char **argv)
{
  int limit = 10;
  const GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "At most N cases (default: 10)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("urgent - the most urgent open cases");
  FcCaseQuery query = { .filter = FC_CASE_FILTER_OPEN };

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_main_entries (context, fc_cli_global_entries (), NULL);
  if (!fc_cli_parse (context, &argc, &argv))
    return FC_CLI_USAGE;
  if (argc != 1)
    return fc_cli_fail_usage ("urgent: unexpected argument '%s'", argv[1]);
  if (limit <= 0)
    return fc_cli_fail_input ("urgent: --limit must be 1 or more");
  query.limit = (guint) limit;
  return list_cases (&query);
}

/* ---- search ---- */

static void
print_hit (FcStore     *store,
           FcSearchHit *hit)
{
  g_autofree char *title = one_line (hit->title, 70);
  g_autofree char *snippet = one_line (hit->snippet, 70);

  if (g_str_equal (hit->kind, "case"))
    {
      /* The title already starts with the case number. */
      g_autoptr(FcCase) c = fc_store_get_case (store, hit->id, NULL);
      g_print ("case  %s  [%s]\n", title,
               c != NULL ? fc_case_state_to_string (fc_case_get_state (c)) : "?");
      return;
    }
  g_print ("kb    %-16s %s — %s\n", hit->id, title, snippet);
}

int
fc_cli_cmd_search (int    argc,
                   char **argv)
{
  int limit = 20;
  const GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, "At most N hits (default: 20)", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("search TEXT - cases and the knowledge base");
  g_autoptr(FcStore) store = NULL;
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_main_entries (context, fc_cli_global_entries (), NULL);
  if (!fc_cli_parse (context, &argc, &argv))
    return FC_CLI_USAGE;
  if (argc < 2)
    return fc_cli_fail_usage ("usage: search TEXT");
  if (limit <= 0)
    return fc_cli_fail_input ("search: --limit must be 1 or more");
  text = g_strjoinv (" ", argv + 1);
  store = fc_cli_open_store (&error);
  /* A first pull's cases wait for the app's background search pass; a
   * search from here would miss them, so it does the pass itself. */
  if (store != NULL && fc_store_has_index_pending (store) &&
      !fc_store_index_pending (store, 0, NULL, &error))
    return fc_cli_fail (error);
  if (store == NULL || (hits = fc_store_search (store, text, (guint) limit, &error)) == NULL)
    return fc_cli_fail (error);
  for (guint i = 0; i < hits->len; i++)
    print_hit (store, g_ptr_array_index (hits, i));
  g_print ("%u hit(s)\n", hits->len);
  return FC_CLI_OK;
}

/* ---- lookup ---- */

static void
print_object (const char *title,
              JsonObject *obj)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  g_print ("%s\n", title);
  json_object_iter_init (&iter, obj);
  while (json_object_iter_next (&iter, &name, &node))
    {
      g_autofree char *value = NULL;
      if (JSON_NODE_HOLDS_NULL (node))
        value = g_strdup ("—");
      else if (json_node_get_value_type (node) == G_TYPE_STRING)
        value = g_strdup (json_node_get_string (node));
      else if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
        value = g_strdup (json_node_get_boolean (node) ? "yes" : "no");
      else
        value = json_to_string (node, FALSE);
      g_print ("  %-14s %s\n", name, value);
    }
}

static void
print_unit (FcStore    *store,
            JsonObject *unit)
{
  const char *customer_id = json_object_get_string_member_with_default (unit, "customer_id", NULL);
  g_autoptr(JsonObject) cust = customer_id != NULL ? fc_store_lookup_customer (store, customer_id, NULL)
                                                   : NULL;
  g_autoptr(GPtrArray) cases = fc_store_cases_for_serial (store, json_object_get_string_member (unit, "serial"),
                                                          NULL);

  print_object ("Installed product", unit);
  if (cust != NULL)
    print_object ("Customer", cust);
  if (cases != NULL && cases->len > 0)
    {
      g_print ("Cases\n");
      for (guint i = 0; i < cases->len; i++)
        {
          FcCase *c = g_ptr_array_index (cases, i);
          g_print ("  %-16s %-18s %s\n", or_dash (fc_case_get_number (c)),
                   fc_case_state_to_string (fc_case_get_state (c)), or_dash (fc_case_get_title (c)));
        }
    }
}

/* A serial first, then a GTIN on a unit. A GTIN several units share is
 * worth saying (@out_note) rather than "not found". */
static JsonObject *
find_unit (FcStore    *store,
           const char *code,
           char      **out_note)
{
  g_autoptr(GError) error = NULL;
  JsonObject *unit = fc_store_lookup_serial (store, code, NULL);

  if (unit != NULL)
    return unit;
  unit = fc_store_lookup_gtin (store, code, &error);
  if (unit == NULL && error != NULL && strstr (error->message, "more than one") != NULL)
    *out_note = g_strdup (error->message);
  return unit;
}

static int
lookup_code (const char *code)
{
  g_autoptr(FcStore) store = NULL;
  g_autoptr(JsonObject) unit = NULL;
  g_autoptr(JsonObject) part = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *note = NULL;

  store = fc_cli_open_store (&error);
  if (store == NULL)
    return fc_cli_fail (error);
  if ((unit = find_unit (store, code, &note)) != NULL)
    {
      print_unit (store, unit);
      return FC_CLI_OK;
    }
  if ((part = fc_store_lookup_part (store, code, NULL)) != NULL)
    {
      print_object ("Part", part);
      return FC_CLI_OK;
    }
  if (note != NULL)
    return fc_cli_fail_input ("%s", note);
  return fc_cli_fail_input ("nothing found for “%s” (no serial number, GTIN or part number)", code);
}

int
fc_cli_cmd_lookup (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("lookup CODE - a serial number, GTIN or part number");

  g_option_context_add_main_entries (context, fc_cli_global_entries (), NULL);
  if (!fc_cli_parse (context, &argc, &argv))
    return FC_CLI_USAGE;
  if (argc != 2)
    return fc_cli_fail_usage ("usage: lookup CODE");
  return lookup_code (argv[1]);
}

/* ---- export ---- */

static int
export_cases (const char *ref,
              const char *output)
{
  g_autoptr(FcStore) store = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(FcCase) c = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  store = fc_cli_open_store (&error);
  if (store == NULL || (ref != NULL && (c = fc_store_get_case (store, ref, &error)) == NULL))
    return fc_cli_fail (error);
  node = fc_store_export (store, c != NULL ? fc_case_get_id (c) : NULL, &error);
  if (node == NULL)
    return fc_cli_fail (error);
  json = json_to_string (node, TRUE);
  if (output == NULL || g_str_equal (output, "-"))
    {
      g_print ("%s\n", json);
      return FC_CLI_OK;
    }
  if (!g_file_set_contents (output, json, -1, &error))
    return fc_cli_fail (error);
  return FC_CLI_OK;
}

int
fc_cli_cmd_export (int    argc,
                   char **argv)
{
  g_autofree char *output = NULL;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, "Write to FILE (default: standard output)", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("export [CASE] - cases with their events as JSON");

  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_main_entries (context, fc_cli_global_entries (), NULL);
  if (!fc_cli_parse (context, &argc, &argv))
    return FC_CLI_USAGE;
  if (argc > 2)
    return fc_cli_fail_usage ("usage: export [CASE] [-o FILE]");
  return export_cases (argc == 2 ? argv[1] : NULL, output);
}
