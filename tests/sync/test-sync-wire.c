/* test-sync-wire.c: fc_sync_wire_parse_page() on pages written by hand —
 * the per-event form and the columns form of the same events give the same
 * events, every shape check of a columns page refuses the whole page, and an
 * event this version cannot read is skipped and counted (docs/sync-protocol.md). */
#include <string.h>

#include "fc-error.h"
#include "fc-ids.h"
#include "fc-sync-client-private.h"

#define DEV_A "0193a000-0000-7000-8000-00000000000a"
#define DEV_B "hq"
#define T0    G_GINT64_CONSTANT (1704067200000)

static JsonObject *
payload (const char *first, ...)
{
  JsonObject *o = json_object_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *k = first; k != NULL; k = va_arg (ap, const char *))
    json_object_set_string_member (o, k, va_arg (ap, const char *));
  va_end (ap);
  return o;
}

static FcEvent *
event (const char *id,        /* NULL: derived */
       const char *case_id,   /* NULL: the event's own id */
       const char *type,
       gint64      hlc,
       const char *device,
       const char *author,
       JsonObject *p)         /* taken */
{
  g_autofree char *derived = fc_event_id_derive (hlc, device);
  FcEvent *ev = fc_event_new (id != NULL ? id : derived, case_id != NULL ? case_id : derived,
                              type, hlc, device, author, p);

  json_object_unref (p);
  return ev;
}

/* Three cases: one whose ids are all derived (its id is its first event's),
 * one of ids minted otherwise from two devices with a stamp going back in
 * time, one of a single event. */
static GPtrArray *
sample_events (void)
{
  GPtrArray *evs = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);
  static const char note[] =
    "压缩机启动后三分钟停机，外机风扇不转 [case 7] relay coil \"fuse\" blown\\ tested\nok 😀";
  const char *a;

  g_ptr_array_add (evs, event (NULL, NULL, FC_EV_CASE_OPENED, FC_HLC_MAKE (T0, 0), DEV_A, "wang",
                               payload ("number", "FC240101-000001", "kind", "repair",
                                        "channel", "on_site", "problem_type", "technical",
                                        "severity", "general", "description", "Unit not cooling",
                                        NULL)));
  a = ((FcEvent *) evs->pdata[0])->case_id;
  g_ptr_array_add (evs, event (NULL, a, FC_EV_CASE_RESPONDED, FC_HLC_MAKE (T0 + 9434182, 0), DEV_A,
                               "wang", json_object_new ()));
  g_ptr_array_add (evs, event (NULL, a, FC_EV_CASE_ASSIGNED, FC_HLC_MAKE (T0 + 9434182, 3), DEV_A,
                               "wang", payload ("assignee", "li", NULL)));
  g_ptr_array_add (evs, event (NULL, a, FC_EV_DIAGNOSIS_RECORDED, FC_HLC_MAKE (T0 + 20000000, 65535),
                               DEV_A, "li", payload ("symptom", note, "cause", "filter",
                                                     "method", "on_site", NULL)));
  g_ptr_array_add (evs, event (NULL, a, FC_EV_NOTE_ADDED, FC_HLC_MAKE (T0 + 20000001, 17), DEV_B,
                               "admin", payload ("text", "status: waiting for parts", NULL)));

  g_ptr_array_add (evs, event ("018cc251-f400-7000-8000-0000000000b1",
                               "018cc251-f400-7000-8000-0000000000b0", FC_EV_CASE_OPENED,
                               FC_HLC_MAKE (T0 + 5000, 1), DEV_B, "admin",
                               payload ("number", "FC240101-000002", "kind", "complaint",
                                        "channel", "phone", "problem_type", "service",
                                        "severity", "urgent", "description", "Late visit", NULL)));
  g_ptr_array_add (evs, event ("018cc251-f400-7000-8000-0000000000b2",
                               "018cc251-f400-7000-8000-0000000000b0", FC_EV_NOTE_ADDED,
                               FC_HLC_MAKE (T0 + 1000, 2), DEV_A, "wang",
                               payload ("text", "called back", NULL)));

  g_ptr_array_add (evs, event (NULL, NULL, FC_EV_CASE_OPENED, FC_HLC_MAKE (T0 + 86400000, 9), DEV_B,
                               "admin", payload ("number", "FC240102-000001", "kind", "inquiry",
                                                 "channel", "email", "problem_type", "usage",
                                                 "severity", "general", "description", "How to",
                                                 NULL)));
  return evs;
}

/* ---- the two forms ---- */

static char *
per_event_page (GPtrArray *evs)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *obj = json_object_new ();
  JsonArray *arr = json_array_new ();

  for (guint i = 0; i < evs->len; i++)
    {
      JsonNode *n = fc_event_to_json (evs->pdata[i]);
      json_object_set_int_member (json_node_get_object (n), "seq", 100 + i);
      json_array_add_element (arr, n);
    }
  json_object_set_array_member (obj, "receipts", json_array_new ());
  json_object_set_array_member (obj, "events", arr);
  json_object_set_string_member (obj, "cursor", "s99:x");
  json_object_set_boolean_member (obj, "more", TRUE);
  json_node_take_object (root, obj);
  return json_to_string (root, FALSE);
}

static guint
dict_index (JsonArray  *dict,
            const char *text)
{
  guint n = json_array_get_length (dict);

  for (guint i = 0; i < n; i++)
    if (g_str_equal (json_array_get_string_element (dict, i), text))
      return i;
  json_array_add_string_element (dict, text);
  return n;
}

static void
add_id (JsonArray  *col,
        const char *id,
        const char *derived)
{
  if (g_str_equal (id, derived))
    json_array_add_null_element (col);
  else
    json_array_add_string_element (col, id);
}

/* The "snapshot" object HQ would send for @evs (grouped by case), as a tree
 * the shape tests can spoil. */
static JsonObject *
snapshot_columns (GPtrArray *evs)
{
  static const char *const names[] = { "devices", "authors", "types", "cases", "counts", "type",
                                       "device", "author", "ms", "ctr", "id", "payload" };
  JsonObject *s = json_object_new ();
  JsonArray *col[G_N_ELEMENTS (names)];
  gint64 prev_ms = 0, count = 0;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      col[i] = json_array_new ();
      json_object_set_array_member (s, names[i], col[i]);
    }
  for (guint i = 0; i < evs->len; i++)
    {
      FcEvent *ev = evs->pdata[i];
      g_autofree char *derived = fc_event_id_derive (ev->hlc, ev->device);
      gboolean first = i == 0 || !g_str_equal (ev->case_id, ((FcEvent *) evs->pdata[i - 1])->case_id);

      if (first)
        {
          if (i > 0)
            json_array_add_int_element (col[4], count);
          add_id (col[3], ev->case_id, derived);
          prev_ms = 0;
          count = 0;
        }
      count++;
      json_array_add_int_element (col[5], dict_index (col[2], ev->type));
      json_array_add_int_element (col[6], dict_index (col[0], ev->device));
      json_array_add_int_element (col[7], dict_index (col[1], ev->author));
      json_array_add_int_element (col[8], FC_HLC_MS (ev->hlc) - prev_ms);
      prev_ms = FC_HLC_MS (ev->hlc);
      json_array_add_int_element (col[9], FC_HLC_COUNTER (ev->hlc));
      add_id (col[10], ev->id, derived);
      json_array_add_object_element (col[11], json_object_ref (ev->payload));
    }
  if (evs->len > 0)
    json_array_add_int_element (col[4], count);
  return s;
}

/* @s (taken) with its columns in the opposite order: payloads first, read
 * before the columns they need (HQ sends them last). */
static JsonObject *
reversed (JsonObject *s)
{
  g_autoptr(GList) names = json_object_get_members (s);
  JsonObject *r = json_object_new ();

  names = g_list_reverse (names);
  for (GList *l = names; l != NULL; l = l->next)
    json_object_set_member (r, l->data, json_node_copy (json_object_get_member (s, l->data)));
  json_object_unref (s);
  return r;
}

static char *
columns_page_text (JsonObject *snapshot)   /* taken */
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *obj = json_object_new ();

  json_object_set_array_member (obj, "receipts", json_array_new ());
  json_object_set_object_member (obj, "snapshot", snapshot);
  json_object_set_string_member (obj, "cursor", "s99:x");
  json_object_set_boolean_member (obj, "more", TRUE);
  json_node_take_object (root, obj);
  return json_to_string (root, FALSE);
}

static FcSyncPage *
parse (const char *text,
       GError    **error)
{
  /* An exact-size copy: an ASan build sees any read past the body. */
  g_autoptr(GBytes) body = g_bytes_new (text, strlen (text));

  return fc_sync_wire_parse_page (body, error);
}

static FcSyncPage *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  FcSyncPage *page = parse (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (page);
  return page;
}

static char *
object_text (JsonObject *o)
{
  g_autoptr(JsonNode) n = json_node_init_object (json_node_alloc (), o);

  return json_to_string (n, FALSE);
}

/* The payload kept as received is the payload. */
static void
assert_payload_text (const FcEvent *ev)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *a = NULL, *b = NULL;

  g_assert_nonnull (ev->payload_text);
  g_assert_true (json_parser_load_from_data (parser, ev->payload_text, -1, NULL));
  a = object_text (json_node_get_object (json_parser_get_root (parser)));
  b = object_text (ev->payload);
  g_assert_cmpstr (a, ==, b);
}

static void
assert_same_events (GPtrArray *want,
                    GPtrArray *got)
{
  g_assert_cmpuint (got->len, ==, want->len);
  for (guint i = 0; i < want->len; i++)
    {
      const FcEvent *w = want->pdata[i], *g = got->pdata[i];
      g_autofree char *wp = object_text (w->payload);
      g_autofree char *gp = object_text (g->payload);

      g_assert_cmpstr (g->id, ==, w->id);
      g_assert_cmpstr (g->case_id, ==, w->case_id);
      g_assert_cmpstr (g->type, ==, w->type);
      g_assert_cmpint (g->hlc, ==, w->hlc);
      g_assert_cmpstr (g->device, ==, w->device);
      g_assert_cmpstr (g->author, ==, w->author);
      g_assert_cmpstr (gp, ==, wp);
      assert_payload_text (g);
    }
}

static void
test_forms_agree (void)
{
  g_autoptr(GPtrArray) evs = sample_events ();
  g_autofree char *per_event = per_event_page (evs);
  g_autofree char *columns = columns_page_text (snapshot_columns (evs));
  g_autofree char *columns_reversed = columns_page_text (reversed (snapshot_columns (evs)));
  g_autoptr(FcSyncPage) a = parse_ok (per_event);
  g_autoptr(FcSyncPage) b = parse_ok (columns);
  g_autoptr(FcSyncPage) c = parse_ok (columns_reversed);

  /* The sample has ids of both kinds. */
  g_assert_nonnull (strstr (columns, "null"));
  g_assert_nonnull (strstr (columns, "0000000000b0"));

  assert_same_events (evs, a->events);
  assert_same_events (evs, b->events);
  assert_same_events (evs, c->events);
  g_assert_true (c->snapshot);
  g_assert_false (a->snapshot);
  g_assert_true (b->snapshot);
  g_assert_cmpuint (a->n_events, ==, evs->len);
  g_assert_cmpuint (b->n_events, ==, evs->len);
  g_assert_cmpuint (a->n_skipped + b->n_skipped, ==, 0);
  for (guint i = 0; i < evs->len; i++)
    {
      g_assert_cmpint (((FcEvent *) a->events->pdata[i])->server_seq, ==, 100 + i);
      g_assert_cmpint (((FcEvent *) b->events->pdata[i])->server_seq, ==, 0);
    }
  g_assert_cmpstr (b->cursor, ==, "s99:x");
  g_assert_true (b->more);
}

/* The payload's text is exactly its bytes on the wire, spaces and escapes
 * included. */
static void
test_payload_text_as_received (void)
{
  static const char page[] =
    "{\"events\": [{\"id\": \"018cc251-f400-7000-8000-0000000000b1\", \"case_id\": "
    "\"018cc251-f400-7000-8000-0000000000b1\", \"type\": \"note.added\", \"hlc\": 1, "
    "\"device\": \"d\", \"author\": \"a\", \"payload\":  { \"text\" : \"\\u4e2d x\" } , \"seq\": 5}],"
    " \"snapshot_ignored\": 1}";
  static const char columns[] =
    "{\"snapshot\": {\"devices\": [\"d\"], \"authors\": [\"a\"], \"types\": [\"note.added\"], "
    "\"cases\": [null], \"counts\": [1], \"type\": [0], \"device\": [0], \"author\": [0], "
    "\"ms\": [1704067200000], \"ctr\": [0], \"id\": [null], \"payload\": [ {\"text\":\"\\u4e2d\"}\n]}}";
  g_autoptr(FcSyncPage) a = parse_ok (page);
  g_autoptr(FcSyncPage) b = parse_ok (columns);
  FcEvent *ev;

  g_assert_cmpuint (a->events->len, ==, 1);
  ev = a->events->pdata[0];
  g_assert_cmpstr (ev->payload_text, ==, "{ \"text\" : \"\\u4e2d x\" }");
  g_assert_cmpstr (json_object_get_string_member (ev->payload, "text"), ==, "中 x");
  g_assert_cmpint (ev->server_seq, ==, 5);
  g_assert_cmpuint (b->events->len, ==, 1);
  ev = b->events->pdata[0];
  g_assert_cmpstr (ev->payload_text, ==, "{\"text\":\"\\u4e2d\"}");
  g_assert_cmpstr (ev->id, ==, ev->case_id);
  {
    g_autofree char *derived = fc_event_id_derive (FC_HLC_MAKE (T0, 0), "d");
    g_assert_cmpstr (ev->id, ==, derived);
  }
}

static void
test_empty_snapshot (void)
{
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autofree char *text = columns_page_text (snapshot_columns (none));
  g_autoptr(FcSyncPage) page = parse_ok (text);

  g_assert_true (page->snapshot);
  g_assert_cmpuint (page->n_events, ==, 0);
  g_assert_cmpuint (page->events->len, ==, 0);
}

/* ---- shape checks: each spoils one thing of a good page ---- */

typedef void (*Spoil) (JsonObject *snapshot);

static JsonArray *
col (JsonObject *s,
     const char *name)
{
  return json_object_get_array_member (s, name);
}

/* Element @i of column @name becomes @node (taken). A new array: json-glib
 * 1.6 cannot give a node of an array another type in place. */
static void
replace (JsonObject *s, const char *name, guint i, JsonNode *node)
{
  JsonArray *old = col (s, name), *arr = json_array_new ();

  for (guint k = 0; k < json_array_get_length (old); k++)
    json_array_add_element (arr, k == i ? node : json_node_copy (json_array_get_element (old, k)));
  json_object_set_array_member (s, name, arr);
}

static void
set_int (JsonObject *s, const char *name, guint i, gint64 v)
{
  replace (s, name, i, json_node_init_int (json_node_alloc (), v));
}

static void
set_string (JsonObject *s, const char *name, guint i, const char *v)
{
  replace (s, name, i, json_node_init_string (json_node_alloc (), v));
}

static void spoil_cases_longer (JsonObject *s) { json_array_add_null_element (col (s, "cases")); }
static void spoil_counts_longer (JsonObject *s) { json_array_add_int_element (col (s, "counts"), 1); }
static void spoil_count_zero (JsonObject *s) { set_int (s, "counts", 2, 0); }
static void spoil_count_negative (JsonObject *s) { set_int (s, "counts", 0, -1); }
static void spoil_counts_over (JsonObject *s) { set_int (s, "counts", 0, 6); }
static void spoil_counts_under (JsonObject *s) { set_int (s, "counts", 0, 4); }
static void spoil_ctr_shorter (JsonObject *s) { json_array_remove_element (col (s, "ctr"), 0); }
static void spoil_payload_longer (JsonObject *s)
{
  json_array_add_object_element (col (s, "payload"), json_object_new ());
}
static void spoil_type_range (JsonObject *s)
{
  set_int (s, "type", 3, json_array_get_length (col (s, "types")));
}
static void spoil_device_range (JsonObject *s) { set_int (s, "device", 0, 2); }
static void spoil_device_negative (JsonObject *s) { set_int (s, "device", 0, -1); }
static void spoil_author_range (JsonObject *s) { set_int (s, "author", 1, G_GINT64_CONSTANT (1) << 40); }
static void spoil_id (JsonObject *s) { set_string (s, "id", 1, "not-a-uuid"); }
static void spoil_id_upper (JsonObject *s) { set_string (s, "id", 1, "018CC251-F400-7000-8000-0000000000B1"); }
static void spoil_case_id (JsonObject *s) { set_string (s, "cases", 0, "018cc251-f400-7000-8000-0000000000b"); }
static void spoil_ms_negative (JsonObject *s) { set_int (s, "ms", 0, -1); }
static void spoil_ms_big (JsonObject *s) { set_int (s, "ms", 0, G_GINT64_CONSTANT (1) << 48); }
static void spoil_ms_sum_negative (JsonObject *s) { set_int (s, "ms", 1, -T0 - 1); }
static void spoil_ms_sum_big (JsonObject *s)
{
  set_int (s, "ms", 1, (G_GINT64_CONSTANT (1) << 48) - T0);
}
static void spoil_ms_huge (JsonObject *s) { set_int (s, "ms", 1, G_MAXINT64); }
static void spoil_ms_huge_negative (JsonObject *s) { set_int (s, "ms", 1, G_MININT64); }
static void spoil_ctr_big (JsonObject *s) { set_int (s, "ctr", 0, 65536); }
static void spoil_ctr_negative (JsonObject *s) { set_int (s, "ctr", 0, -1); }
static void spoil_payload_array (JsonObject *s)
{
  json_array_remove_element (col (s, "payload"), 1);
  json_array_add_array_element (col (s, "payload"), json_array_new ());
}
static void spoil_payload_string (JsonObject *s)
{
  json_array_remove_element (col (s, "payload"), 0);
  json_array_add_string_element (col (s, "payload"), "{}");
}
static void spoil_payload_null (JsonObject *s)
{
  json_array_remove_element (col (s, "payload"), 0);
  json_array_add_null_element (col (s, "payload"));
}
static void spoil_dict_empty (JsonObject *s) { set_string (s, "authors", 0, ""); }
static void spoil_dict_257 (JsonObject *s)
{
  g_autofree char *long_text = g_strnfill (257, 'x');
  set_string (s, "devices", 0, long_text);
}
static void spoil_dict_number (JsonObject *s) { set_int (s, "types", 0, 3); }
static void spoil_dict_null (JsonObject *s)
{
  replace (s, "types", 0, json_node_init_null (json_node_alloc ()));
}
static void spoil_cases_object (JsonObject *s)
{
  json_object_set_object_member (s, "cases", json_object_new ());
}
static void spoil_counts_string (JsonObject *s) { set_string (s, "counts", 0, "5"); }
static void spoil_ms_double (JsonObject *s)
{
  replace (s, "ms", 1, json_node_init_double (json_node_alloc (), 1.5));
}
static void spoil_id_number (JsonObject *s) { set_int (s, "id", 0, 7); }
static void spoil_missing_ctr (JsonObject *s) { json_object_remove_member (s, "ctr"); }
static void spoil_missing_devices (JsonObject *s) { json_object_remove_member (s, "devices"); }
static void spoil_column_null (JsonObject *s) { json_object_set_null_member (s, "author"); }

static void
assert_refused (const char *text,
                const char *label)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FcSyncPage) page = parse (text, &error);

  if (page != NULL)
    g_error ("%s: accepted", label);
  g_assert_error (error, FC_ERROR, FC_ERROR_INVALID);
  g_test_message ("%s: %s", label, error->message);
}

static void
test_shape_checks (void)
{
  static const struct { const char *name; Spoil spoil; } cases[] = {
#define S(f) { #f, f }
    S (spoil_cases_longer), S (spoil_counts_longer), S (spoil_count_zero),
    S (spoil_count_negative), S (spoil_counts_over), S (spoil_counts_under),
    S (spoil_ctr_shorter), S (spoil_payload_longer), S (spoil_type_range),
    S (spoil_device_range), S (spoil_device_negative), S (spoil_author_range), S (spoil_id),
    S (spoil_id_upper), S (spoil_case_id), S (spoil_ms_negative), S (spoil_ms_big),
    S (spoil_ms_sum_negative), S (spoil_ms_sum_big), S (spoil_ms_huge),
    S (spoil_ms_huge_negative), S (spoil_ctr_big), S (spoil_ctr_negative),
    S (spoil_payload_array), S (spoil_payload_string), S (spoil_payload_null),
    S (spoil_dict_empty), S (spoil_dict_257), S (spoil_dict_number), S (spoil_dict_null),
    S (spoil_cases_object), S (spoil_counts_string), S (spoil_ms_double), S (spoil_id_number),
    S (spoil_missing_ctr), S (spoil_missing_devices), S (spoil_column_null),
#undef S
  };
  g_autoptr(GPtrArray) evs = sample_events ();

  /* Payloads last (as HQ sends them: each becomes its event as it is read)
   * and first (the events are made after the last column). */
  for (guint i = 0; i < G_N_ELEMENTS (cases) * 2; i++)
    {
      JsonObject *s = snapshot_columns (evs);
      g_autofree char *text = NULL;

      cases[i / 2].spoil (s);
      text = columns_page_text (i % 2 == 0 ? s : reversed (s));
      assert_refused (text, cases[i / 2].name);
    }
}

/* What bounds a check is allowed: 256-byte entries, ms 0 and 2⁴⁸ − 1,
 * ctr 65535, an unknown extra column. (An author of 256 bytes is more than
 * an event may have, and a stamp of 2⁴⁷ ms or more is negative as a gint64:
 * the page is read, those events skipped.) */
static void
test_shape_limits_accepted (void)
{
  g_autoptr(GPtrArray) evs = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);
  g_autofree char *author = g_strnfill (256, 'a');
  const gint64 max_ms = (G_GINT64_CONSTANT (1) << 47) - 1;
  JsonObject *s;
  g_autofree char *text = NULL, *text2 = NULL;
  g_autoptr(FcSyncPage) page = NULL, page2 = NULL;

  g_ptr_array_add (evs, event (NULL, NULL, FC_EV_NOTE_ADDED, FC_HLC_MAKE (0, 1), DEV_A, author,
                               payload ("text", "x", NULL)));
  g_ptr_array_add (evs, event (NULL, ((FcEvent *) evs->pdata[0])->case_id, FC_EV_NOTE_ADDED,
                               FC_HLC_MAKE (max_ms, 65535), DEV_A, "b", payload ("text", "y", NULL)));
  s = snapshot_columns (evs);
  json_object_set_array_member (s, "later", json_array_new ());
  text = columns_page_text (json_object_ref (s));
  set_int (s, "ms", 1, (G_GINT64_CONSTANT (1) << 48) - 1);
  text2 = columns_page_text (s);
  page = parse_ok (text);
  g_assert_cmpuint (page->n_skipped, ==, 1);
  page2 = parse_ok (text2);
  g_assert_cmpuint (page2->n_skipped, ==, 2);
  g_ptr_array_remove_index (evs, 0);
  assert_same_events (evs, page->events);
}

/* "snapshot" itself of the wrong type, twice, or beside "events". */
static void
test_snapshot_member (void)
{
  static const char *const pages[] = {
    "{\"snapshot\": []}", "{\"snapshot\": null}", "{\"snapshot\": 1}",
    "{\"snapshot\": {}}",
    "{\"events\": [], \"snapshot\": {}}",
  };
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  JsonObject *s = snapshot_columns (none);
  g_autofree char *empty = columns_page_text (s);
  g_autofree char *with_events = NULL, *twice = NULL;
  const char *body = strstr (empty, "\"snapshot\":");

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    assert_refused (pages[i], pages[i]);
  g_assert_nonnull (body);
  with_events = g_strdup_printf ("{\"events\":[],%s", body);
  assert_refused (with_events, "events and snapshot");
  twice = g_strdup_printf ("{%.*s,%s", (int) (strlen (body) - 1), body, body);
  assert_refused (twice, "snapshot twice");
}

/* More than 100,000 events in a page: refused; 100,000 exactly: read. Two
 * cases, so that no count alone is over the limit. */
static char *
big_snapshot (guint n)
{
  GString *s = g_string_new ("{\"snapshot\":{\"devices\":[\"d\"],\"authors\":[\"a\"],"
                             "\"types\":[\"note.added\"],\"cases\":[null,null],");
  static const char *const per_event[] = { "type", "device", "author", "ctr", "id" };

  g_string_append_printf (s, "\"counts\":[%u,%u],\"ms\":[1704067200000", n / 2, n - n / 2);
  for (guint i = 1; i < n; i++)
    g_string_append (s, i == n / 2 ? ",1704067200000" : ",1");
  g_string_append (s, "],\"payload\":[{\"text\":\"x\"}");
  for (guint i = 1; i < n; i++)
    g_string_append (s, ",{\"text\":\"x\"}");
  g_string_append (s, "]");
  for (guint c = 0; c < G_N_ELEMENTS (per_event); c++)
    {
      const char *v = c == 4 ? "null" : "0";
      g_string_append_printf (s, ",\"%s\":[%s", per_event[c], v);
      for (guint i = 1; i < n; i++)
        g_string_append_printf (s, ",%s", v);
      g_string_append (s, "]");
    }
  g_string_append (s, "}}");
  return g_string_free (s, FALSE);
}

static void
test_too_many_events (void)
{
  g_autofree char *max = big_snapshot (100000);
  g_autofree char *over = big_snapshot (100001);
  g_autoptr(FcSyncPage) page = parse_ok (max);

  g_assert_cmpuint (page->n_events, ==, 100000);
  assert_refused (over, "100,001 events");
}

/* ---- events skipped, not refused ---- */

static void
test_unknown_type_skipped (void)
{
  g_autoptr(GPtrArray) evs = sample_events ();
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();
  JsonObject *s = snapshot_columns (evs);
  g_autofree char *text = NULL, *text_reversed = NULL;
  g_autoptr(FcSyncPage) page = NULL, page_reversed = NULL;
  guint bad = json_array_get_length (col (s, "types"));

  /* Event 2 becomes a type from a later version; event 6's payload misses
   * its required field; event 5's stamp becomes 0 (an invalid hlc). */
  json_array_add_string_element (col (s, "types"), "case.teleported");
  set_int (s, "type", 2, bad);
  json_object_remove_member (json_array_get_object_element (col (s, "payload"), 6), "text");
  set_int (s, "ms", 5, 0);
  set_int (s, "ctr", 5, 0);
  set_int (s, "ms", 6, T0 + 1000);   /* still its own stamp, after a first of 0 */
  text = columns_page_text (json_object_ref (s));
  text_reversed = columns_page_text (reversed (s));
  page = parse_ok (text);
  page_reversed = parse_ok (text_reversed);
  g_assert_cmpuint (page->n_skipped, ==, 3);
  g_assert_cmpuint (page->n_events, ==, evs->len - 3);
  g_assert_cmpuint (page_reversed->n_skipped, ==, 3);
  for (guint i = 0; i < evs->len; i++)
    if (i != 2 && i != 5 && i != 6)
      g_ptr_array_add (kept, evs->pdata[i]);
  assert_same_events (kept, page->events);
  assert_same_events (kept, page_reversed->events);
}

/* A payload over 64 KiB as received is skipped in both forms, even when its
 * content is small (the bytes are what would be stored). */
static void
test_big_payload_skipped (void)
{
  g_autofree char *pad = g_strnfill (FC_EVENT_MAX_PAYLOAD_BYTES, ' ');
  g_autofree char *per_event = g_strdup_printf (
    "{\"events\":[{\"id\":\"018cc251-f400-7000-8000-0000000000b1\",\"case_id\":"
    "\"018cc251-f400-7000-8000-0000000000b1\",\"type\":\"note.added\",\"hlc\":1,\"device\":\"d\","
    "\"author\":\"a\",\"payload\":{\"text\":\"x\"%s}}]}", pad);
  g_autofree char *columns = g_strdup_printf (
    "{\"snapshot\": {\"devices\": [\"d\"], \"authors\": [\"a\"], \"types\": [\"note.added\"], "
    "\"cases\": [null], \"counts\": [2], \"type\": [0, 0], \"device\": [0, 0], \"author\": [0, 0], "
    "\"ms\": [1704067200000, 1], \"ctr\": [0, 0], \"id\": [null, null], "
    "\"payload\": [{\"text\":\"x\"%s}, {\"text\":\"y\"}]}}", pad);
  g_autoptr(FcSyncPage) a = parse_ok (per_event);
  g_autoptr(FcSyncPage) b = parse_ok (columns);

  g_assert_cmpuint (a->n_events, ==, 0);
  g_assert_cmpuint (a->n_skipped, ==, 1);
  g_assert_cmpuint (b->n_events, ==, 1);
  g_assert_cmpuint (b->n_skipped, ==, 1);
}

/* ---- the per-event form as it always was ---- */

static void
test_per_event_form (void)
{
  g_autoptr(FcSyncPage) page = NULL;
  g_autoptr(GError) error = NULL;
  FcSyncReceipt *r;

  page = parse_ok ("{\"receipts\": [{\"id\": \"e1\", \"seq\": 7}, {\"id\": \"e2\", \"rejected\": "
                   "\"unknown_type\", \"message\": \"no\"}], \"events\": [1, \"x\", {}, null],"
                   " \"cursor\": 123, \"more\": true, \"server_time\": 5}");
  g_assert_cmpuint (page->receipts->len, ==, 2);
  r = page->receipts->pdata[0];
  g_assert_cmpstr (r->event_id, ==, "e1");
  g_assert_cmpint (r->server_seq, ==, 7);
  r = page->receipts->pdata[1];
  g_assert_cmpstr (r->reject_reason, ==, "unknown_type");
  g_assert_cmpuint (page->n_skipped, ==, 4);
  g_assert_cmpuint (page->n_events, ==, 0);
  g_assert_cmpstr (page->cursor, ==, "123");
  g_assert_true (page->more);
  g_assert_false (page->snapshot);
  g_clear_pointer (&page, fc_sync_page_free);

  /* Members of other types count as absent. */
  page = parse_ok ("{\"receipts\": {}, \"events\": \"no\", \"cursor\": 1.5, \"more\": \"yes\"}");
  g_assert_cmpuint (page->receipts->len + page->events->len, ==, 0);
  g_assert_null (page->cursor);
  g_assert_false (page->more);
  g_clear_pointer (&page, fc_sync_page_free);

  page = parse ("[]", &error);
  g_assert_null (page);
  g_assert_error (error, FC_ERROR, FC_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "The sync response is not a JSON object");
  g_clear_error (&error);
}

static void
test_per_event_refused (void)
{
  static const char *const pages[] = {
    "", "{", "[]", "\"x\"", "{\"receipts\": [{\"id\": 7}]}", "{\"receipts\": [{\"id\": \"x\"}]}",
    "{\"receipts\": [{\"id\": [], \"seq\": {}}]}", "{\"receipts\": [{\"id\": \"x\", \"seq\": []}]}",
    "{\"events\": [], \"more\": true}", "{\"receipts\": [], \"events\": [], \"cursor\": \"1\", \"mo",
    "{\"events\": []} x", "{\"events\": [],}", "{\"events\": [{\"id\": \"\\ud800\"}]}",
    "{\"events\": [], \"events\": []}", "{\"receipts\": [], \"receipts\": []}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    assert_refused (pages[i], pages[i]);
}

static void
test_request_formats (void)
{
  g_autoptr(GBytes) body = fc_sync_wire_build_request ("dev", "", NULL, 10);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *formats;

  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                             (gssize) g_bytes_get_size (body), NULL));
  formats = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                          "formats");
  g_assert_cmpuint (json_array_get_length (formats), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (formats, 0), ==, "snapshot-columns");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sync-wire/forms-agree", test_forms_agree);
  g_test_add_func ("/sync-wire/payload-text-as-received", test_payload_text_as_received);
  g_test_add_func ("/sync-wire/empty-snapshot", test_empty_snapshot);
  g_test_add_func ("/sync-wire/shape-checks", test_shape_checks);
  g_test_add_func ("/sync-wire/shape-limits-accepted", test_shape_limits_accepted);
  g_test_add_func ("/sync-wire/snapshot-member", test_snapshot_member);
  g_test_add_func ("/sync-wire/too-many-events", test_too_many_events);
  g_test_add_func ("/sync-wire/unknown-type-skipped", test_unknown_type_skipped);
  g_test_add_func ("/sync-wire/big-payload-skipped", test_big_payload_skipped);
  g_test_add_func ("/sync-wire/per-event-form", test_per_event_form);
  g_test_add_func ("/sync-wire/per-event-refused", test_per_event_refused);
  g_test_add_func ("/sync-wire/request-formats", test_request_formats);
  return g_test_run ();
}
