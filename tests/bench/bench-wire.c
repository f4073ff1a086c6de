/* bench-wire.c: parsing one sync page of a first pull.
 *
 *   bench-wire [--events N] [--runs R] [--only T]
 *
 * Writes a page of N events (default 20,000: bench-sync's cases, six events
 * each, a 300-character Chinese and English note in diagnosis.recorded) in
 * the per-event form and in columns, as HQ sends them, then times R parses
 * (default 7) of each and prints medians of wall and thread CPU time:
 *
 *   json-glib page      the parser before fc-json-reader: JsonParser, then
 *                       fc_event_new_from_json per event
 *   + payload text      … and what the store then did per event,
 *                       fc_event_payload_to_string
 *   reader page         fc_sync_wire_parse_page, per-event form
 *   reader columns      fc_sync_wire_parse_page, columns form
 *   JsonParser tree     the whole page to a tree, nothing else
 *   fc_json_parse tree  the same with fc-json-reader
 *
 * --only T runs the task of line T (0 …) alone: run each in its own process
 * for figures (the heap one task leaves changes the next one's), or under a
 * profiler. What a parse built is freed after its clock stops, as the sync
 * client frees a page's events later, on its writer's thread.
 */
#include <string.h>
#include <time.h>

#include "fc-error.h"
#include "fc-ids.h"
#include "fc-json-reader.h"
#include "fc-sync-client-private.h"

static GRand *rng;

static double
rnd (void)
{
  return g_rand_double (rng);
}

#define PICK(a) ((a)[(guint) (rnd () * G_N_ELEMENTS (a)) % G_N_ELEMENTS (a)])

static const char zh_pool[] =
  "压缩机启动后三分钟停机外机风扇不转制冷效果差室内机漏水遥控器无反应显示故障代码"
  "更换电容清洗滤网检查冷媒压力正常客户反映噪音大已上门处理温度传感器异常";
static const char *const en_pool[] = {
  "compressor", "relay", "coil", "fan", "motor", "capacitor", "replaced", "checked", "pressure",
  "thermostat", "firmware", "updated", "error", "code", "E4", "E7", "board", "power", "supply",
  "fuse", "blown", "customer", "reports", "intermittent", "shutdown", "site", "humid", "drain",
};
static const char *const given[] = { "wang", "li", "zhang", "liu", "chen", "yang", "zhao" };
static const char *const statuses[] = { "waiting for parts", "resolved", "revisit booked" };

/* 40 Chinese characters, then 260 ASCII ones: bench-sync's note. */
static char *
zh_text (void)
{
  glong n = g_utf8_strlen (zh_pool, -1);
  GString *s = g_string_new (NULL);

  for (int i = 0; i < 40; i++)
    {
      const char *c = g_utf8_offset_to_pointer (zh_pool, (glong) (rnd () * n) % n);
      g_string_append_len (s, c, g_utf8_next_char (c) - c);
    }
  return g_string_free (s, FALSE);
}

static char *
en_text (guint i)
{
  GString *s = g_string_new (NULL);

  g_string_printf (s, "[case %u] ", i);
  while (s->len < 260)
    g_string_append_printf (s, "%s%s", PICK (en_pool), rnd () < 0.12 ? ". " : " ");
  g_string_truncate (s, 260);
  return g_string_free (s, FALSE);
}

static JsonObject *
obj (const char *first, ...)
{
  JsonObject *o = json_object_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *k = first; k != NULL; k = va_arg (ap, const char *))
    json_object_set_string_member (o, k, va_arg (ap, const char *));
  va_end (ap);
  return o;
}

/* Stamps of one device never repeat; ids derived as the app mints them. */
static FcEvent *
make_event (const char *case_id,
            const char *type,
            gint64      ms,
            guint       counter,
            const char *device,
            const char *author,
            JsonObject *payload)   /* taken */
{
  gint64 hlc = FC_HLC_MAKE (ms, counter);
  g_autofree char *id = fc_event_id_derive (hlc, device);
  FcEvent *ev = fc_event_new (id, case_id != NULL ? case_id : id, type, hlc, device, author,
                              payload);

  json_object_unref (payload);
  return ev;
}

/* bench-sync's make_case(): six events for case @i. */
static void
make_case (guint       i,
           const char *device,
           GPtrArray  *out)
{
  gint64 t0 = G_GINT64_CONSTANT (1704067200000) + (gint64) i * 61000;
  gint64 t_end = t0 + (gint64) (rnd () * 86400000.0);
  gint64 step = MAX ((t_end - t0) / 6, 1);
  g_autofree char *number = g_strdup_printf ("FC240101-%06u", i);
  g_autofree char *serial = g_strdup_printf ("SN-%u-%05u", 100000 + (guint) (rnd () * 900000), i);
  g_autofree char *site = g_strdup_printf ("Site-%u", (guint) (rnd () * 500));
  g_autofree char *zh = zh_text ();
  g_autofree char *en = en_text (i);
  g_autofree char *status = g_strdup_printf ("status: %s", PICK (statuses));
  const char *engineer = PICK (given);
  FcEvent *opened;
  const char *case_id;

  opened = make_event (NULL, FC_EV_CASE_OPENED, t0, i % 7, device, "bench",
                       obj ("number", number, "kind", "repair", "channel", "on_site",
                            "problem_type", "technical", "severity", "general",
                            "description", "Unit not cooling", "product_serial", serial,
                            "customer_id", site, "outlet", "SH-01", NULL));
  case_id = opened->case_id;
  g_ptr_array_add (out, opened);
  g_ptr_array_add (out, make_event (case_id, FC_EV_CASE_RESPONDED, t0 + step, 0, device, "bench",
                                    json_object_new ()));
  g_ptr_array_add (out, make_event (case_id, FC_EV_CASE_ASSIGNED, t0 + 2 * step, 1, device, "bench",
                                    obj ("assignee", engineer, NULL)));
  g_ptr_array_add (out, make_event (case_id, FC_EV_DIAGNOSIS_RECORDED, t0 + 3 * step, 2, device,
                                    engineer, obj ("symptom", zh, "cause", en,
                                                   "method", "on_site", NULL)));
  g_ptr_array_add (out, make_event (case_id, FC_EV_REPRODUCTION_RECORDED, t0 + 4 * step, 3, device,
                                    engineer, obj ("result", "reproduced",
                                                   "steps", "ran 20 min on cool", NULL)));
  g_ptr_array_add (out, make_event (case_id, FC_EV_NOTE_ADDED, t_end, 4, device, engineer,
                                    obj ("text", status, NULL)));
}

/* ---- the two forms of the page ---- */

static char *
per_event_page (GPtrArray *evs)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new ();
  JsonArray *arr = json_array_new ();

  for (guint i = 0; i < evs->len; i++)
    {
      JsonNode *n = fc_event_to_json (evs->pdata[i]);
      json_object_set_int_member (json_node_get_object (n), "seq", 1000 + i);
      json_array_add_element (arr, n);
    }
  json_object_set_array_member (o, "receipts", json_array_new ());
  json_object_set_array_member (o, "events", arr);
  json_object_set_string_member (o, "cursor", "s61000:0193a000-0000-7000-8000-000000000000");
  json_object_set_boolean_member (o, "more", TRUE);
  json_node_take_object (root, o);
  return json_to_string (root, FALSE);
}

static guint
dict_index (GHashTable *index,
            JsonArray  *dict,
            const char *text)
{
  gpointer v;

  if (g_hash_table_lookup_extended (index, text, NULL, &v))
    return GPOINTER_TO_UINT (v);
  g_hash_table_insert (index, (gpointer) text, GUINT_TO_POINTER (json_array_get_length (dict)));
  json_array_add_string_element (dict, text);
  return json_array_get_length (dict) - 1;
}

static void
add_id (JsonArray  *col,
        const char *id,
        gint64      hlc,
        const char *device)
{
  g_autofree char *derived = fc_event_id_derive (hlc, device);

  if (g_str_equal (id, derived))
    json_array_add_null_element (col);
  else
    json_array_add_string_element (col, id);
}

/* What HQ sends a device that lists "snapshot-columns". */
static char *
columns_page (GPtrArray *evs)
{
  enum { DEVICES, AUTHORS, TYPES, CASES, COUNTS, TYPE, DEVICE, AUTHOR, MS, CTR, ID, PAYLOAD, N };
  static const char *const names[N] = { "devices", "authors", "types", "cases", "counts", "type",
                                         "device", "author", "ms", "ctr", "id", "payload" };
  g_autoptr(GHashTable) devices = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) authors = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) types = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new (), *s = json_object_new ();
  JsonArray *col[N];
  gint64 prev_ms = 0, count = 0;

  for (int c = 0; c < N; c++)
    {
      col[c] = json_array_new ();
      json_object_set_array_member (s, names[c], col[c]);
    }
  for (guint i = 0; i < evs->len; i++)
    {
      FcEvent *ev = evs->pdata[i];

      if (i == 0 || !g_str_equal (ev->case_id, ((FcEvent *) evs->pdata[i - 1])->case_id))
        {
          if (i > 0)
            json_array_add_int_element (col[COUNTS], count);
          add_id (col[CASES], ev->case_id, ev->hlc, ev->device);
          prev_ms = 0;
          count = 0;
        }
      count++;
      json_array_add_int_element (col[TYPE], dict_index (types, col[TYPES], ev->type));
      json_array_add_int_element (col[DEVICE], dict_index (devices, col[DEVICES], ev->device));
      json_array_add_int_element (col[AUTHOR], dict_index (authors, col[AUTHORS], ev->author));
      json_array_add_int_element (col[MS], FC_HLC_MS (ev->hlc) - prev_ms);
      prev_ms = FC_HLC_MS (ev->hlc);
      json_array_add_int_element (col[CTR], FC_HLC_COUNTER (ev->hlc));
      add_id (col[ID], ev->id, ev->hlc, ev->device);
      json_array_add_object_element (col[PAYLOAD], json_object_ref (ev->payload));
    }
  json_array_add_int_element (col[COUNTS], count);
  json_object_set_array_member (o, "receipts", json_array_new ());
  json_object_set_object_member (o, "snapshot", s);
  json_object_set_string_member (o, "cursor", "s61000:0193a000-0000-7000-8000-000000000000");
  json_object_set_boolean_member (o, "more", TRUE);
  json_node_take_object (root, o);
  return json_to_string (root, FALSE);
}

/* ---- what is timed ---- */

/* The page parser before fc-json-reader, as it was. */
static GPtrArray *
json_glib_page (const char *text,
                gsize       size,
                gboolean    with_payload_text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);
  JsonArray *arr;

  if (!json_parser_load_from_data (parser, text, (gssize) size, NULL))
    g_error ("JsonParser refused the page");
  arr = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                      "events");
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      FcEvent *ev = fc_event_new_from_json (json_array_get_element (arr, i), NULL);
      if (ev == NULL)
        g_error ("event %u refused", i);
      if (with_payload_text)
        ev->payload_text = fc_event_payload_to_string (ev);
      g_ptr_array_add (out, ev);
    }
  return out;
}

typedef enum {
  T_JSON_GLIB, T_JSON_GLIB_TEXT, T_READER_PAGE, T_READER_COLUMNS, T_PARSER_TREE, T_READER_TREE,
  N_TASKS
} Task;

static const char *const task_names[N_TASKS] = {
  "json-glib page", "+ payload text", "reader page", "reader columns",
  "JsonParser tree", "fc_json_parse tree",
};

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* What a run produced, freed after the clock stops (the sync client frees
 * a page's events later, on the writer's thread). */
typedef struct {
  gpointer       data;
  GDestroyNotify free;
} Result;

/* One run of @task; the number of events it produced (1 for a tree). */
static guint
run (Task        task,
     GBytes     *page,
     GBytes     *columns,
     Result     *out)
{
  gsize size;
  const char *text = g_bytes_get_data (page, &size);
  g_autoptr(GError) error = NULL;
  GPtrArray *evs;
  FcSyncPage *p;
  JsonParser *parser;
  JsonNode *node;

  switch (task)
    {
    case T_JSON_GLIB:
    case T_JSON_GLIB_TEXT:
      evs = json_glib_page (text, size, task == T_JSON_GLIB_TEXT);
      *out = (Result) { evs, (GDestroyNotify) g_ptr_array_unref };
      return evs->len;
    case T_READER_PAGE:
    case T_READER_COLUMNS:
      p = fc_sync_wire_parse_page (task == T_READER_PAGE ? page : columns, &error);
      if (p == NULL)
        g_error ("%s", error->message);
      *out = (Result) { p, (GDestroyNotify) fc_sync_page_free };
      return p->n_events;
    case T_PARSER_TREE:
      parser = json_parser_new ();
      if (!json_parser_load_from_data (parser, text, (gssize) size, NULL))
        g_error ("JsonParser refused the page");
      *out = (Result) { parser, g_object_unref };
      return 1;
    default:
      node = fc_json_parse (text, size, &error);
      if (node == NULL)
        g_error ("%s", error->message);
      *out = (Result) { node, (GDestroyNotify) json_node_unref };
      return 1;
    }
}

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (GArray *values)
{
  g_array_sort (values, cmp_double);
  if (values->len % 2 == 1)
    return g_array_index (values, double, values->len / 2);
  return (g_array_index (values, double, values->len / 2 - 1) +
          g_array_index (values, double, values->len / 2)) / 2.0;
}

int
main (int argc, char **argv)
{
  gint n_events = 20000, runs = 7, only = -1;
  GOptionEntry entries[] = {
    { "events", 0, 0, G_OPTION_ARG_INT, &n_events, "Events in the page (20000)", "N" },
    { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Runs of each (7)", "R" },
    { "only", 0, 0, G_OPTION_ARG_INT, &only, "Only the task of this line (0 …), for a profiler", "T" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new ("- sync page parsing benchmark");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) evs = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);
  g_autofree char *page = NULL, *columns = NULL;
  g_autoptr(GBytes) page_body = NULL, columns_body = NULL;
  const char *device = "0193a000-0000-7000-8000-00000000000a";

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    g_error ("%s", error->message);
  rng = g_rand_new_with_seed (42);
  for (guint i = 0; evs->len < (guint) n_events; i++)
    make_case (i, device, evs);
  /* The page limit cuts the last case, as HQ's would. */
  g_ptr_array_set_size (evs, n_events);
  page = per_event_page (evs);
  columns = columns_page (evs);
  page_body = g_bytes_new_static (page, strlen (page));
  columns_body = g_bytes_new_static (columns, strlen (columns));
  g_print ("%d events: per-event page %.2f MB, columns page %.2f MB; medians of %d runs\n",
           n_events, strlen (page) / 1e6, strlen (columns) / 1e6, runs);
  g_print ("%-20s %10s %10s\n", "", "wall ms", "cpu ms");
  for (int t = 0; t < N_TASKS; t++)
    {
      g_autoptr(GArray) wall = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) cpu = g_array_new (FALSE, FALSE, sizeof (double));

      Result res;

      if (only >= 0 && t != only)
        continue;
      run (t, page_body, columns_body, &res);   /* warm-up */
      res.free (res.data);
      for (int r = 0; r < runs; r++)
        {
          gint64 t0 = g_get_monotonic_time (), c0 = thread_cpu_us ();
          guint n = run (t, page_body, columns_body, &res);
          double w = (g_get_monotonic_time () - t0) / 1000.0, c = (thread_cpu_us () - c0) / 1000.0;

          res.free (res.data);
          if (t <= T_READER_COLUMNS && n != (guint) n_events)
            g_error ("%s: %u events of %d", task_names[t], n, n_events);
          g_array_append_val (wall, w);
          g_array_append_val (cpu, c);
        }
      g_print ("%-20s %10.1f %10.1f\n", task_names[t], median (wall), median (cpu));
    }
  g_rand_free (rng);
  return 0;
}
