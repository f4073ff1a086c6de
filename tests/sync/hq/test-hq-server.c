/* test-hq-server.c: the reference HQ server in-process on 127.0.0.1, driven
 * over real HTTP by a SoupSession: enrolment, push/pull with receipts,
 * idempotent resends, scope, every kind of bad request (4xx JSON, nothing
 * stored), gzip both ways and gzip bombs, rate limiting, blobs, revocation,
 * pagination, HQ's own steps, reference deltas and injected faults.
 */
#include "fc-hq-server-private.h"
#include "fc-store-private.h"
#include "hq-test-util.h"

typedef struct {
  char        *dir;
  char        *db;
  FcClock     *clock;
  FcHqServer  *server;
  char        *url;
  SoupSession *session;
} Fixture;

typedef struct {
  char *device_id;
  char *token;
} Device;

static void
device_clear (Device *d)
{
  g_free (d->device_id);
  g_free (d->token);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Device, device_clear)

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("fc-hq-test-XXXXXX", &error);
  g_assert_no_error (error);
  f->db = g_build_filename (f->dir, "hq.db", NULL);
  f->clock = fc_clock_new ();
  f->server = fc_hq_server_new_with_clock (f->db, f->clock, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fc_hq_server_listen_local (f->server, &error), >, 0);
  g_assert_no_error (error);
  f->url = fc_hq_server_dup_url (f->server);
  g_assert_true (g_str_has_prefix (f->url, "http://127.0.0.1:"));
  f->session = hq_session_new ();
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->session);
  g_clear_object (&f->server);
  g_clear_object (&f->clock);
  /* Let closed connections finish on the loop before the next test. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->url);
}

static void
enrol (Fixture    *f,
       const char *outlet,
       const char *engineer,
       Device     *out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = fc_hq_server_create_enrol_code (f->server, outlet, engineer, &error);
  g_autofree char *body = NULL;
  g_autoptr(HqResponse) r = NULL;

  g_assert_no_error (error);
  out->device_id = hq_new_uuid ();
  body = g_strdup_printf ("{\"code\":\"%s\",\"device_id\":\"%s\",\"name\":\"phone\"}", code,
                          out->device_id);
  r = hq_post_json (f->session, f->url, "/v1/enrol", NULL, body);
  g_assert_cmpuint (r->status, ==, 200);
  out->token = g_strdup (json_object_get_string_member (hq_object (r), "token"));
  g_assert_cmpstr (json_object_get_string_member (hq_object (r), "outlet"), ==, outlet);
}

static HqResponse *
sync_events (Fixture    *f,
             Device     *d,
             const char *cursor,
             GPtrArray  *events,
             int         limit)
{
  g_autofree char *body = hq_sync_body (d->device_id, cursor, events, limit);

  return hq_post_json (f->session, f->url, "/v1/sync", d->token, body);
}

static gint64
count_events (Fixture *f)
{
  return fc_hq_server_count_events (f->server);
}

static JsonArray *
member_array (HqResponse *r,
              const char *name)
{
  return json_object_get_array_member (hq_object (r), name);
}

static gint64
receipt_seq (HqResponse *r,
             guint       i)
{
  JsonObject *o = json_array_get_object_element (member_array (r, "receipts"), i);

  return json_object_get_int_member_with_default (o, "seq", 0);
}

static const char *
receipt_rejected (HqResponse *r,
                  guint       i)
{
  JsonObject *o = json_array_get_object_element (member_array (r, "receipts"), i);

  return json_object_get_string_member_with_default (o, "rejected", NULL);
}

/* A case opened by @d for its outlet, with one note: returns its id. */
static char *
open_case (Fixture    *f,
           Device     *d,
           const char *outlet)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *id1 = hq_new_uuid ();
  g_autofree char *id2 = hq_new_uuid ();
  char *case_id = hq_new_uuid ();
  g_autoptr(HqResponse) r = NULL;

  g_ptr_array_add (events, hq_event_opened (id1, case_id, d->device_id, outlet, NULL));
  g_ptr_array_add (events, hq_event_note (id2, case_id, d->device_id, "customer called"));
  r = sync_events (f, d, "", events, 0);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_null (receipt_rejected (r, 0));
  g_assert_null (receipt_rejected (r, 1));
  return case_id;
}

/* ---- Enrolment ---- */

static void
test_enrol (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = fc_hq_server_create_enrol_code (f->server, "SH-01", "wang", &error);
  g_autofree char *dev = hq_new_uuid ();
  g_autofree char *body = g_strdup_printf ("{\"code\":\"%s\",\"device_id\":\"%s\"}", code, dev);
  g_autofree char *lower = g_ascii_strdown (body, -1);
  g_autoptr(HqResponse) first = NULL;
  g_autoptr(HqResponse) again = NULL;
  g_autoptr(HqResponse) expired = NULL;
  g_autofree char *code2 = NULL;
  g_autofree char *body2 = NULL;

  /* Codes read case-insensitively (typed by hand), and only once. */
  first = hq_post_json (f->session, f->url, "/v1/enrol", NULL, lower);
  g_assert_cmpuint (first->status, ==, 200);
  g_assert_cmpstr (json_object_get_string_member (hq_object (first), "engineer"), ==, "wang");
  g_assert_cmpint (strlen (json_object_get_string_member (hq_object (first), "token")), >=, 43);
  g_assert_nonnull (soup_message_headers_get_one (first->headers, "X-Fieldcase-Server-Time"));
  again = hq_post_json (f->session, f->url, "/v1/enrol", NULL, body);
  g_assert_cmpuint (again->status, ==, 403);
  g_assert_cmpstr (hq_error_code (again), ==, "forbidden");

  /* Expired after its lifetime. */
  code2 = fc_hq_server_create_enrol_code_full (f->server, "SH-01", NULL, 3600 * 1000, &error);
  g_assert_no_error (error);
  fc_clock_set_fixed_ms (f->clock, g_get_real_time () / 1000 + 3601 * 1000);
  body2 = g_strdup_printf ("{\"code\":\"%s\",\"device_id\":\"%s\"}", code2, dev);
  expired = hq_post_json (f->session, f->url, "/v1/enrol", NULL, body2);
  g_assert_cmpuint (expired->status, ==, 403);
  fc_clock_set_fixed_ms (f->clock, -1);
}

static void
test_enrol_bad (Fixture *f, gconstpointer data)
{
  static const char *const bodies[] = {
    "not json", "[]", "{\"code\": 5, \"device_id\": \"x\"}", "{\"device_id\": \"x\"}",
    "{\"code\":\"AAAA-BBBB-CCCC\",\"device_id\":\"'; DROP TABLE hq_devices; --\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(HqResponse) r = hq_post_json (f->session, f->url, "/v1/enrol", NULL, bodies[i]);
      g_assert_cmpuint (r->status, >=, 400);
      g_assert_cmpuint (r->status, <, 500);
      g_assert_cmpstr (hq_error_code (r), !=, "");
    }
  {
    g_autoptr(GPtrArray) devices = fc_hq_store_list_devices (fc_hq_server_get_hq_store (f->server),
                                                             NULL);
    g_assert_cmpuint (devices->len, ==, 0);
  }
}

/* ---- Push, pull, receipts ---- */

static void
test_push_pull (Fixture *f, gconstpointer data)
{
  g_auto(Device) a = { 0 };
  g_auto(Device) b = { 0 };
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *case_id = hq_new_uuid ();
  g_autofree char *e1 = hq_new_uuid ();
  g_autofree char *e2 = hq_new_uuid ();
  g_autoptr(HqResponse) r1 = NULL;
  g_autoptr(HqResponse) r2 = NULL;
  g_autoptr(HqResponse) pb = NULL;
  g_autoptr(HqResponse) pb2 = NULL;
  g_autoptr(HqResponse) pa = NULL;
  JsonArray *got;
  const char *cursor;

  enrol (f, "SH-01", "wang", &a);
  enrol (f, "SH-01", NULL, &b);
  g_ptr_array_add (events, hq_event_opened (e1, case_id, a.device_id, "SH-01", NULL));
  g_ptr_array_add (events, hq_event_note (e2, case_id, a.device_id, "parts ordered"));

  r1 = sync_events (f, &a, "", events, 100);
  g_assert_cmpuint (r1->status, ==, 200);
  g_assert_cmpint (receipt_seq (r1, 0), >, 0);
  g_assert_cmpint (receipt_seq (r1, 1), >, receipt_seq (r1, 0));
  g_assert_cmpuint (json_array_get_length (member_array (r1, "events")), ==, 0);  /* its own */
  g_assert_cmpint (count_events (f), ==, 2);

  /* The same batch again (a device that crashed before applying the
   * answer): the same seqs, nothing stored twice. */
  r2 = sync_events (f, &a, "", events, 100);
  g_assert_cmpint (receipt_seq (r2, 0), ==, receipt_seq (r1, 0));
  g_assert_cmpint (receipt_seq (r2, 1), ==, receipt_seq (r1, 1));
  g_assert_cmpint (count_events (f), ==, 2);

  pb = sync_events (f, &b, "", NULL, -1);
  got = member_array (pb, "events");
  g_assert_cmpuint (json_array_get_length (got), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (got, 0), "id"), ==, e1);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (got, 1), "seq"), ==,
                   receipt_seq (r1, 1));
  g_assert_false (json_object_get_boolean_member (hq_object (pb), "more"));
  cursor = json_object_get_string_member (hq_object (pb), "cursor");
  pb2 = sync_events (f, &b, cursor, NULL, -1);
  g_assert_cmpuint (json_array_get_length (member_array (pb2, "events")), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (hq_object (pb2), "cursor"), ==, cursor);

  /* A's pull excludes what A sent. */
  pa = sync_events (f, &a, "", NULL, -1);
  g_assert_cmpuint (json_array_get_length (member_array (pa, "events")), ==, 0);
}

static void
test_rejections (Fixture *f, gconstpointer data)
{
  g_auto(Device) a = { 0 };
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *case_id = NULL;
  g_autofree char *unknown_case = hq_new_uuid ();
  g_autofree char *other = hq_new_uuid ();
  g_autoptr(HqResponse) r = NULL;
  char *ids[6];
  gint64 before;

  enrol (f, "SH-01", NULL, &a);
  case_id = open_case (f, &a, "SH-01");
  before = count_events (f);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    ids[i] = hq_new_uuid ();
  g_ptr_array_add (events, hq_event_note (ids[0], unknown_case, a.device_id, "x"));
  g_ptr_array_add (events, g_strdup_printf ("{\"id\":\"%s\",\"case_id\":\"%s\",\"type\":\"case.teleported\","
                                            "\"hlc\":5,\"device\":\"%s\",\"author\":\"w\",\"payload\":{}}",
                                            ids[1], case_id, a.device_id));
  g_ptr_array_add (events, g_strdup_printf ("{\"id\":\"%s\",\"case_id\":\"%s\",\"type\":\"note.added\","
                                            "\"hlc\":\"soon\",\"device\":\"%s\",\"author\":\"w\","
                                            "\"payload\":{\"text\":\"t\"}}", ids[2], case_id, a.device_id));
  g_ptr_array_add (events, hq_event_note (ids[3], case_id, other, "not the sender"));
  g_ptr_array_add (events, hq_event_note (ids[4], case_id, a.device_id, "'); DROP TABLE events; --"));
  g_ptr_array_add (events, g_strdup ("{\"id\":\"x'); DELETE FROM hq_log; --\",\"type\":\"note.added\"}"));
  r = sync_events (f, &a, "", events, 0);
  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpstr (receipt_rejected (r, 0), ==, "unknown_case");
  g_assert_cmpstr (receipt_rejected (r, 1), ==, "unknown_type");
  g_assert_cmpstr (receipt_rejected (r, 2), ==, "invalid_event");
  g_assert_cmpstr (receipt_rejected (r, 3), ==, "forbidden");
  g_assert_null (receipt_rejected (r, 4));    /* stored as text, harmlessly */
  g_assert_cmpstr (receipt_rejected (r, 5), ==, "invalid_event");
  g_assert_cmpint (count_events (f), ==, before + 1);
  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_free (ids[i]);
}

/* ---- Scope ---- */

static void
test_scope (Fixture *f, gconstpointer data)
{
  g_auto(Device) sh = { 0 };
  g_auto(Device) bj = { 0 };
  g_auto(Device) li = { 0 };
  g_autofree char *sh_case = NULL;
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *e1 = hq_new_uuid ();
  g_autofree char *e2 = hq_new_uuid ();
  g_autofree char *c2 = hq_new_uuid ();
  g_autoptr(HqResponse) r = NULL;
  g_autoptr(HqResponse) pull = NULL;
  g_autoptr(HqResponse) li1 = NULL;
  g_autoptr(HqResponse) li2 = NULL;
  g_autoptr(FcEvent) assigned = NULL;
  g_autoptr(GError) error = NULL;
  gint64 before;

  enrol (f, "SH-01", NULL, &sh);
  enrol (f, "BJ-02", NULL, &bj);
  enrol (f, "BJ-02", "li", &li);
  sh_case = open_case (f, &sh, "SH-01");
  before = count_events (f);

  /* Beijing writes to a Shanghai case, and opens a case for Shanghai. */
  g_ptr_array_add (events, hq_event_note (e1, sh_case, bj.device_id, "not mine"));
  g_ptr_array_add (events, hq_event_opened (e2, c2, bj.device_id, "SH-01", NULL));
  r = sync_events (f, &bj, "", events, -1);
  g_assert_cmpstr (receipt_rejected (r, 0), ==, "forbidden");
  g_assert_cmpstr (receipt_rejected (r, 1), ==, "forbidden");
  g_assert_cmpuint (json_array_get_length (member_array (r, "events")), ==, 0);
  g_assert_cmpint (count_events (f), ==, before);

  pull = sync_events (f, &bj, "", NULL, -1);
  g_assert_cmpuint (json_array_get_length (member_array (pull, "events")), ==, 0);

  /* Li (Beijing) has synced past the case; HQ assigns it to him: the next
   * sync brings its whole history, the assignment last. */
  li1 = sync_events (f, &li, "", NULL, -1);
  g_assert_cmpuint (json_array_get_length (member_array (li1, "events")), ==, 0);
  assigned = fc_hq_server_assign (f->server, sh_case, "li", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (assigned->device, ==, "hq");
  li2 = sync_events (f, &li, json_object_get_string_member (hq_object (li1), "cursor"), NULL, -1);
  g_assert_cmpuint (json_array_get_length (member_array (li2, "events")), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (member_array (li2, "events"), 2), "type"),
                   ==, "case.assigned");
}

/* ---- Bad requests ---- */

static void
assert_refused (Fixture    *f,
                HqResponse *r,
                gint64      count_before,
                const char *code)
{
  g_assert_cmpuint (r->status, >=, 400);
  g_assert_cmpuint (r->status, <, 500);
  g_assert_cmpstr (soup_message_headers_get_content_type (r->headers, NULL), ==, "application/json");
  if (code != NULL)
    g_assert_cmpstr (hq_error_code (r), ==, code);
  else
    g_assert_cmpstr (hq_error_code (r), !=, "");
  g_assert_nonnull (soup_message_headers_get_one (r->headers, "X-Fieldcase-Server-Time"));
  g_assert_cmpint (count_events (f), ==, count_before);
}

static GBytes *
zeros_gzipped (gsize size)
{
  g_autofree char *zeros = g_malloc0 (size);

  return fc_hq_wire_gzip (zeros, size, 9);
}

static void
test_bad_requests (Fixture *f, gconstpointer data)
{
  g_auto(Device) a = { 0 };
  g_autofree char *case_id = NULL;
  const char *dev;
  g_autofree char *wrong_dev = NULL;
  gint64 before;
  struct { const char *body; const char *code; } cases[] = {
    { "{\"device_id\": ", "invalid_json" },
    { "[1,2,3]", "invalid_json" },
    { "", "invalid_json" },
    { NULL, "invalid_request" },   /* device_id a number */
    { NULL, "invalid_request" },   /* events an object */
    { NULL, "invalid_request" },   /* limit a string */
    { NULL, "invalid_request" },   /* cursor an SQL injection */
    { NULL, "invalid_request" },   /* an event that is a string */
    { NULL, "forbidden" },         /* device_id of another device */
  };

  enrol (f, "SH-01", NULL, &a);
  case_id = open_case (f, &a, "SH-01");
  before = count_events (f);
  dev = a.device_id;
  wrong_dev = hq_new_uuid ();
  cases[3].body = "{\"device_id\": 42}";
  cases[4].body = g_strdup_printf ("{\"device_id\":\"%s\",\"events\":{}}", dev);
  cases[5].body = g_strdup_printf ("{\"device_id\":\"%s\",\"limit\":\"all\"}", dev);
  cases[6].body = g_strdup_printf ("{\"device_id\":\"%s\",\"cursor\":\"0 OR 1=1\"}", dev);
  cases[7].body = g_strdup_printf ("{\"device_id\":\"%s\",\"events\":[\"drop\"]}", dev);
  cases[8].body = g_strdup_printf ("{\"device_id\":\"%s\"}", wrong_dev);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(HqResponse) r = hq_post_json (f->session, f->url, "/v1/sync", a.token, cases[i].body);
      assert_refused (f, r, before, cases[i].code);
      if (i >= 4)
        g_free ((char *) cases[i].body);
    }

  /* No token, an unknown one, a wrong path. */
  {
    g_autofree char *body = hq_sync_body (a.device_id, "", NULL, -1);
    g_autoptr(HqResponse) r1 = hq_post_json (f->session, f->url, "/v1/sync", NULL, body);
    g_autoptr(HqResponse) r2 = hq_post_json (f->session, f->url, "/v1/sync", "forged", body);
    g_autoptr(HqResponse) r3 = hq_post_json (f->session, f->url, "/v1/../etc/passwd", a.token, body);
    assert_refused (f, r1, before, "unauthorized");
    assert_refused (f, r2, before, "unauthorized");
    assert_refused (f, r3, before, NULL);
  }

  /* Too many events in one batch. */
  {
    g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(HqResponse) r = NULL;
    for (guint i = 0; i < 1001; i++)
      {
        g_autofree char *id = hq_new_uuid ();
        g_ptr_array_add (events, hq_event_note (id, case_id, a.device_id, "n"));
      }
    r = sync_events (f, &a, "", events, 0);
    assert_refused (f, r, before, "too_large");
  }

  /* A body over 8 MiB, plain. */
  {
    gsize size = 9 * 1024 * 1024;
    char *big = g_malloc (size);
    g_autoptr(GBytes) body = NULL;
    g_autoptr(HqResponse) r = NULL;

    memset (big, ' ', size);
    big[0] = '{';
    big[size - 1] = '}';
    body = g_bytes_new_take (big, size);
    r = hq_request_full (f->session, f->url, "POST", "/v1/sync", a.token, body, NULL, NULL, NULL);
    assert_refused (f, r, before, "too_large");
  }

  /* A gzip bomb: 100 KiB on the wire, 100 MiB inflated. */
  {
    g_autoptr(GBytes) bomb = zeros_gzipped (100 * 1024 * 1024);
    g_autoptr(HqResponse) r = NULL;

    g_assert_cmpuint (g_bytes_get_size (bomb), <, 2 * 1024 * 1024);
    r = hq_request_full (f->session, f->url, "POST", "/v1/sync", a.token, bomb, NULL, "gzip", NULL);
    assert_refused (f, r, before, "too_large");
  }

  /* Corrupt gzip. */
  {
    g_autoptr(GBytes) junk = g_bytes_new_static ("\x1f\x8b\x08\x00garbage!", 12);
    g_autoptr(HqResponse) r = hq_request_full (f->session, f->url, "POST", "/v1/sync", a.token,
                                               junk, NULL, "gzip", NULL);
    assert_refused (f, r, before, "invalid_request");
  }
}

/* ---- gzip both ways ---- */

static void
test_gzip (Fixture *f, gconstpointer data)
{
  g_auto(Device) a = { 0 };
  g_auto(Device) b = { 0 };
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *case_id = hq_new_uuid ();
  g_autofree char *json = NULL;
  g_autoptr(GBytes) gz = NULL;
  g_autoptr(HqResponse) push = NULL;
  g_autoptr(HqResponse) pull = NULL;
  g_autoptr(HqResponse) plain = NULL;
  g_autofree char *pull_body = NULL;
  g_autoptr(GBytes) pull_bytes = NULL;

  enrol (f, "SH-01", NULL, &a);
  enrol (f, "SH-01", NULL, &b);
  {
    g_autofree char *id = hq_new_uuid ();
    g_ptr_array_add (events, hq_event_opened (id, case_id, a.device_id, NULL, NULL));
  }
  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *id = hq_new_uuid ();
      g_ptr_array_add (events, hq_event_note (id, case_id, a.device_id, "filter cleaned"));
    }
  json = hq_sync_body (a.device_id, "", events, 0);
  gz = fc_hq_wire_gzip (json, strlen (json), 6);
  push = hq_request_full (f->session, f->url, "POST", "/v1/sync", a.token, gz, NULL, "gzip", NULL);
  g_assert_cmpuint (push->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (member_array (push, "receipts")), ==, 51);
  g_assert_cmpint (count_events (f), ==, 51);

  pull_body = hq_sync_body (b.device_id, "", NULL, -1);
  pull_bytes = g_bytes_new (pull_body, strlen (pull_body));
  pull = hq_request_full (f->session, f->url, "POST", "/v1/sync", b.token, pull_bytes, NULL, NULL,
                          "gzip, deflate");
  g_assert_cmpstr (soup_message_headers_get_one (pull->headers, "Content-Encoding"), ==, "gzip");
  g_assert_cmpuint (json_array_get_length (member_array (pull, "events")), ==, 51);
  plain = hq_request_full (f->session, f->url, "POST", "/v1/sync", b.token, pull_bytes, NULL, NULL,
                           "gzip;q=0");
  g_assert_null (soup_message_headers_get_one (plain->headers, "Content-Encoding"));
  g_assert_cmpuint (json_array_get_length (member_array (plain, "events")), ==, 51);
  g_assert_cmpuint (g_bytes_get_size (pull->body), <, g_bytes_get_size (plain->body) / 4);
}

/* ---- Rate limit, revocation ---- */

static void
test_rate_limit (Fixture *f, gconstpointer data)
{
  g_auto(Device) a = { 0 };
  g_autofree char *body = NULL;
  FcHqLimits limits;
  guint ok = 0;
  gboolean limited = FALSE;

  enrol (f, "SH-01", NULL, &a);
  fc_hq_server_get_limits (f->server, &limits);
  limits.rate_per_second = 0.5;
  limits.rate_burst = 5;
  fc_hq_server_set_limits (f->server, &limits);
  body = hq_sync_body (a.device_id, "", NULL, -1);
  for (guint i = 0; i < 10 && !limited; i++)
    {
      g_autoptr(HqResponse) r = hq_post_json (f->session, f->url, "/v1/sync", a.token, body);
      if (r->status == 200)
        ok++;
      else
        {
          g_assert_cmpuint (r->status, ==, 429);
          g_assert_cmpstr (hq_error_code (r), ==, "rate_limited");
          g_assert_cmpstr (soup_message_headers_get_one (r->headers, "Retry-After"), ==, "2");
          limited = TRUE;
        }
    }
  g_assert_true (limited);
  g_assert_cmpuint (ok, ==, 5);
}

static void
test_revoke (Fixture *f, gconstpointer data)
{
  g_auto(Device) a = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  g_autoptr(HqResponse) before = NULL;
  g_autoptr(HqResponse) after = NULL;
  g_autoptr(HqResponse) again = NULL;
  g_autoptr(HqResponse) old = NULL;
  g_autofree char *code = NULL;
  g_autofree char *enrol_body = NULL;
  g_autoptr(HqResponse) re = NULL;
  const char *token;

  enrol (f, "SH-01", NULL, &a);
  body = hq_sync_body (a.device_id, "", NULL, -1);
  before = hq_post_json (f->session, f->url, "/v1/sync", a.token, body);
  g_assert_cmpuint (before->status, ==, 200);
  g_assert_true (fc_hq_server_revoke (f->server, a.device_id, &error));
  g_assert_no_error (error);
  after = hq_post_json (f->session, f->url, "/v1/sync", a.token, body);
  g_assert_cmpuint (after->status, ==, 401);
  g_assert_cmpstr (hq_error_code (after), ==, "token_revoked");
  g_assert_false (fc_hq_server_revoke (f->server, "no-such-device", NULL));

  /* Enrolled again: a new token works, the old one is simply unknown. */
  code = fc_hq_server_create_enrol_code (f->server, "SH-01", NULL, NULL);
  enrol_body = g_strdup_printf ("{\"code\":\"%s\",\"device_id\":\"%s\"}", code, a.device_id);
  re = hq_post_json (f->session, f->url, "/v1/enrol", NULL, enrol_body);
  g_assert_cmpuint (re->status, ==, 200);
  token = json_object_get_string_member (hq_object (re), "token");
  again = hq_post_json (f->session, f->url, "/v1/sync", token, body);
  g_assert_cmpuint (again->status, ==, 200);
  old = hq_post_json (f->session, f->url, "/v1/sync", a.token, body);
  g_assert_cmpstr (hq_error_code (old), ==, "unauthorized");
}

/* ---- Blobs ---- */

static void
test_blobs (Fixture *f, gconstpointer data)
{
  g_auto(Device) a = { 0 };
  g_autoptr(GBytes) sig = g_bytes_new_static ("<svg>signed</svg>", 17);
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, sig);
  g_autofree char *path = g_strdup_printf ("/v1/blobs/%s", sha);
  g_autofree char *wrong = g_strdup_printf ("/v1/blobs/%064d", 0);
  g_autoptr(HqResponse) head1 = NULL;
  g_autoptr(HqResponse) bad = NULL;
  g_autoptr(HqResponse) put = NULL;
  g_autoptr(HqResponse) put2 = NULL;
  g_autoptr(HqResponse) head2 = NULL;
  g_autoptr(HqResponse) get = NULL;
  g_autoptr(HqResponse) odd = NULL;
  g_autoptr(HqResponse) anon = NULL;

  enrol (f, "SH-01", NULL, &a);
  head1 = hq_request_full (f->session, f->url, "HEAD", path, a.token, NULL, NULL, NULL, NULL);
  g_assert_cmpuint (head1->status, ==, 404);
  bad = hq_request_full (f->session, f->url, "PUT", wrong, a.token, sig, "image/svg+xml", NULL, NULL);
  g_assert_cmpuint (bad->status, ==, 400);
  g_assert_cmpstr (hq_error_code (bad), ==, "invalid_request");
  g_assert_false (fc_store_has_blob (fc_hq_server_get_store (f->server), sha));
  put = hq_request_full (f->session, f->url, "PUT", path, a.token, sig, "image/svg+xml", NULL, NULL);
  g_assert_cmpuint (put->status, ==, 201);
  put2 = hq_request_full (f->session, f->url, "PUT", path, a.token, sig, "image/svg+xml", NULL, NULL);
  g_assert_cmpuint (put2->status, ==, 200);
  head2 = hq_request_full (f->session, f->url, "HEAD", path, a.token, NULL, NULL, NULL, NULL);
  g_assert_cmpuint (head2->status, ==, 200);
  get = hq_request_full (f->session, f->url, "GET", path, a.token, NULL, NULL, NULL, NULL);
  g_assert_cmpuint (get->status, ==, 200);
  g_assert_true (g_bytes_equal (get->body, sig));
  g_assert_cmpstr (soup_message_headers_get_content_type (get->headers, NULL), ==, "image/svg+xml");
  odd = hq_request_full (f->session, f->url, "GET", "/v1/blobs/..%2F..%2Fhq.db", a.token, NULL,
                         NULL, NULL, NULL);
  g_assert_cmpuint (odd->status, ==, 400);
  anon = hq_request_full (f->session, f->url, "GET", path, NULL, NULL, NULL, NULL, NULL);
  g_assert_cmpuint (anon->status, ==, 401);
}

static HqResponse *
put_range (Fixture    *f,
           const char *token,
           const char *path,
           GBytes     *all,
           gsize       from,
           gsize       to)
{
  g_autoptr(GBytes) part = g_bytes_new_from_bytes (all, from, to - from + 1);
  g_autofree char *url = g_strconcat (f->url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("PUT", url);
  g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
  HqWait w = { 0 };
  HqResponse *r = g_new0 (HqResponse, 1);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  soup_message_headers_set_content_range (soup_message_get_request_headers (msg), (goffset) from,
                                          (goffset) to, (goffset) g_bytes_get_size (all));
  soup_message_set_request_body_from_bytes (msg, "image/png", part);
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, hq_send_done_cb, &w);
  g_assert_true (hq_spin_until (&w.done, HQ_TEST_TIMEOUT_S));
  g_assert_no_error (w.error);
  r->status = soup_message_get_status (msg);
  r->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  r->body = w.body;
  hq_decode_json (r);
  return r;
}

static void
test_blob_resume (Fixture *f, gconstpointer data)
{
  g_auto(Device) a = { 0 };
  gsize size = 300 * 1024;
  guint8 *raw = g_malloc (size);
  g_autoptr(GBytes) photo = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *path = NULL;
  g_autoptr(HqResponse) c1 = NULL;
  g_autoptr(HqResponse) head = NULL;
  g_autoptr(HqResponse) gap = NULL;
  g_autoptr(HqResponse) c2 = NULL;
  g_autoptr(HqResponse) c3 = NULL;
  g_autoptr(HqResponse) get = NULL;

  for (gsize i = 0; i < size; i++)
    raw[i] = (guint8) g_test_rand_int_range (0, 256);
  photo = g_bytes_new_take (raw, size);
  sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, photo);
  path = g_strdup_printf ("/v1/blobs/%s", sha);
  enrol (f, "SH-01", NULL, &a);

  c1 = put_range (f, a.token, path, photo, 0, 99999);
  g_assert_cmpuint (c1->status, ==, 202);
  /* The connection dropped: HEAD says where to resume. */
  head = hq_request_full (f->session, f->url, "HEAD", path, a.token, NULL, NULL, NULL, NULL);
  g_assert_cmpuint (head->status, ==, 404);
  g_assert_cmpstr (soup_message_headers_get_one (head->headers, "X-Fieldcase-Received"), ==, "100000");
  gap = put_range (f, a.token, path, photo, 200000, size - 1);
  g_assert_cmpuint (gap->status, ==, 416);
  g_assert_cmpstr (soup_message_headers_get_one (gap->headers, "X-Fieldcase-Received"), ==, "100000");
  c2 = put_range (f, a.token, path, photo, 100000, 199999);
  g_assert_cmpuint (c2->status, ==, 202);
  c3 = put_range (f, a.token, path, photo, 200000, size - 1);
  g_assert_cmpuint (c3->status, ==, 201);
  get = hq_request_full (f->session, f->url, "GET", path, a.token, NULL, NULL, NULL, NULL);
  g_assert_true (g_bytes_equal (get->body, photo));
}

/* ---- Pagination ---- */

static void
test_pagination (Fixture *f, gconstpointer data)
{
  g_auto(Device) a = { 0 };
  g_auto(Device) b = { 0 };
  g_autofree char *case_id = NULL;
  g_autofree char *cursor = g_strdup ("");
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gint64 last_seq = 0;
  guint pages = 0;
  gboolean more = TRUE;

  enrol (f, "SH-01", NULL, &a);
  enrol (f, "SH-01", NULL, &b);
  case_id = open_case (f, &a, "SH-01");
  for (guint batch = 0; batch < 3; batch++)
    {
      g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(HqResponse) r = NULL;
      for (guint i = 0; i < 1000; i++)
        {
          g_autofree char *id = hq_new_uuid ();
          g_ptr_array_add (events, hq_event_note (id, case_id, a.device_id, "step"));
        }
      r = sync_events (f, &a, "", events, 0);
      g_assert_cmpuint (r->status, ==, 200);
    }
  while (more)
    {
      g_autoptr(HqResponse) r = sync_events (f, &b, cursor, NULL, 700);
      JsonArray *events = member_array (r, "events");

      g_assert_cmpuint (r->status, ==, 200);
      for (guint i = 0; i < json_array_get_length (events); i++)
        {
          JsonObject *ev = json_array_get_object_element (events, i);
          gint64 seq = json_object_get_int_member (ev, "seq");
          g_assert_cmpint (seq, >, last_seq);
          last_seq = seq;
          g_assert_true (g_hash_table_add (seen, g_strdup (json_object_get_string_member (ev, "id"))));
        }
      more = json_object_get_boolean_member (hq_object (r), "more");
      g_assert_true (more ? json_array_get_length (events) == 700 : TRUE);
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (hq_object (r), "cursor"));
      pages++;
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 3002);
  g_assert_cmpuint (pages, ==, 5);
}


/* A note on each of @case_ids, pushed by @d in one request. */
static void
note_each (Fixture    *f,
           Device     *d,
           GPtrArray  *case_ids,
           const char *text)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(HqResponse) r = NULL;

  for (guint i = 0; i < case_ids->len; i++)
    {
      g_autofree char *id = hq_new_uuid ();
      g_ptr_array_add (events, hq_event_note (id, g_ptr_array_index (case_ids, i), d->device_id, text));
    }
  r = sync_events (f, d, "", events, 0);
  g_assert_cmpuint (r->status, ==, 200);
}

/* A device's first pull comes case by case: each case's events together
 * (so the device folds it once), in seq order within the case, pages no
 * bigger than asked (a big case split), nothing missed or repeated, and
 * what HQ stored meanwhile follows by seq. */
static void
test_snapshot_pull (Fixture *f, gconstpointer data)
{
  g_auto(Device) a = { 0 };
  g_auto(Device) b = { 0 };
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) finished = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) last_seq = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *cursor = g_strdup ("");
  g_autofree char *current = NULL;
  gboolean more = TRUE, late_seen = FALSE;
  guint pages = 0;
  gint64 total;

  enrol (f, "SH-01", NULL, &a);
  enrol (f, "SH-01", NULL, &b);
  for (guint i = 0; i < 5; i++)
    g_ptr_array_add (cases, open_case (f, &a, "SH-01"));
  /* Interleaved by seq: every case gets a note per round; the last case
   * gets 20 more, more than a page holds. */
  for (guint round = 0; round < 3; round++)
    note_each (f, &a, cases, "round");
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(GPtrArray) one = g_ptr_array_new ();
      g_ptr_array_add (one, g_ptr_array_index (cases, 4));
      note_each (f, &a, one, "big");
    }
  total = count_events (f);
  g_assert_cmpint (total, ==, 5 * 2 + 5 * 3 + 20);

  while (more)
    {
      g_autoptr(HqResponse) r = sync_events (f, &b, cursor, NULL, 7);
      JsonArray *events = member_array (r, "events");
      gboolean in_snapshot = cursor[0] == '\0' || cursor[0] == 's';

      g_assert_cmpuint (r->status, ==, 200);
      g_assert_cmpuint (json_array_get_length (events), <=, 7);
      for (guint i = 0; i < json_array_get_length (events); i++)
        {
          JsonObject *ev = json_array_get_object_element (events, i);
          const char *case_id = json_object_get_string_member (ev, "case_id");
          gint64 seq = json_object_get_int_member (ev, "seq");
          gpointer prev = g_hash_table_lookup (last_seq, case_id);

          g_assert_true (g_hash_table_add (seen, g_strdup (json_object_get_string_member (ev, "id"))));
          if (in_snapshot && g_strcmp0 (current, case_id) != 0)
            {
              /* A case left behind never comes back during the snapshot. */
              if (current != NULL)
                g_hash_table_add (finished, g_strdup (current));
              g_assert_false (g_hash_table_contains (finished, case_id));
              g_free (current);
              current = g_strdup (case_id);
            }
          if (prev != NULL)
            g_assert_cmpint (seq, >, *(gint64 *) prev);
          g_hash_table_insert (last_seq, g_strdup (case_id), g_memdup2 (&seq, sizeof seq));
          late_seen = late_seen ||
                      g_strcmp0 (json_object_get_string_member_with_default (
                                   json_object_get_object_member (ev, "payload"), "text", NULL),
                                 "late") == 0;
        }
      more = json_object_get_boolean_member (hq_object (r), "more");
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (hq_object (r), "cursor"));
      pages++;
      if (pages == 1)
        {
          /* Mid-snapshot, a step on a case the snapshot already sent. */
          g_autoptr(GPtrArray) one = g_ptr_array_new ();
          g_assert_true (more);
          g_assert_true (cursor[0] == 's');
          g_ptr_array_add (one, g_ptr_array_index (cases, 0));
          note_each (f, &a, one, "late");
        }
      g_assert_cmpuint (pages, <, 20);
    }
  g_assert_true (late_seen);
  g_assert_cmpuint (g_hash_table_size (seen), ==, total + 1);
  /* 46 events in pages of at most 7: no page wasted on the way. */
  g_assert_cmpuint (pages, <=, 9);
  /* A cursor made from the end of it is a plain seq: no more to come. */
  {
    g_autoptr(HqResponse) r = sync_events (f, &b, cursor, NULL, 7);
    g_assert_cmpuint (json_array_get_length (member_array (r, "events")), ==, 0);
    g_assert_false (json_object_get_boolean_member (hq_object (r), "more"));
  }
}

/* Snapshot cursors are HQ's own text: anything else is refused before
 * anything in the request is stored. */
static void
test_snapshot_cursor_refused (Fixture *f, gconstpointer data)
{
  static const char *const bad[] = {
    "s", "s:", "s5", "s5:", "s0:0190a1b2-0000-7000-8000-000000000000", "s-5:ab",
    "s5:zz", "s5:ab:0", "s5:ab:x", "s5:ab:1:2", "s5:ab' OR 1=1 --", "s5:ab;DROP TABLE events",
    "s99999999999999999999:ab", "5:ab", "S5:ab",
  };
  g_auto(Device) a = { 0 };
  g_autofree char *case_id = NULL;
  gint64 before;

  enrol (f, "SH-01", NULL, &a);
  case_id = open_case (f, &a, "SH-01");
  before = count_events (f);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *id = hq_new_uuid ();
      g_autoptr(HqResponse) r = NULL;

      g_ptr_array_add (events, hq_event_note (id, case_id, a.device_id, "x"));
      r = sync_events (f, &a, bad[i], events, 10);
      g_test_message ("cursor %s", bad[i]);
      g_assert_cmpuint (r->status, ==, 400);
      g_assert_cmpstr (json_object_get_string_member (
                         json_object_get_object_member (hq_object (r), "error"), "code"),
                       ==, "invalid_request");
      g_assert_cmpint (count_events (f), ==, before);
    }
}

/* ---- Snapshot pages in columns ---- */

static HqResponse *
sync_formats (Fixture    *f,
              Device     *d,
              const char *cursor,
              GPtrArray  *events,
              int         limit,
              const char *formats)
{
  g_autofree char *body = hq_sync_body_full (d->device_id, cursor, events, limit, formats);

  return hq_post_json (f->session, f->url, "/v1/sync", d->token, body);
}

/* Pushes @events (JSON texts, taken) for @d; every one must be stored. */
static void
push_all (Fixture   *f,
          Device    *d,
          GPtrArray *events)
{
  g_autoptr(GPtrArray) owned = events;
  g_autoptr(HqResponse) r = sync_events (f, d, "", owned, 0);

  g_assert_cmpuint (r->status, ==, 200);
  for (guint i = 0; i < owned->len; i++)
    g_assert_null (receipt_rejected (r, i));
}

/* A case whose ids @d derives as the app does (the case's id is its
 * opening event's), with @notes notes: returns the case id. */
static char *
open_derived_case (Fixture *f,
                   Device  *d,
                   guint    notes)
{
  GPtrArray *events = g_ptr_array_new_with_free_func (g_free);
  gint64 hlc = hq_test_hlc ();
  char *case_id = fc_event_id_derive (hlc, d->device_id);

  g_ptr_array_add (events, hq_event_opened_at (case_id, case_id, hlc, d->device_id, "SH-01", NULL));
  for (guint i = 0; i < notes; i++)
    {
      gint64 h = hq_test_hlc ();
      g_autofree char *id = fc_event_id_derive (h, d->device_id);
      g_ptr_array_add (events, hq_event_json (id, case_id, "note.added", h, d->device_id, "wang",
                                              "{\"text\":\"step\"}"));
    }
  push_all (f, d, events);
  return case_id;
}

/* A note by @d on @case_id at @hlc, its id derived or (@random) not. */
static void
add_note (Fixture    *f,
          Device     *d,
          const char *case_id,
          gint64      hlc,
          gboolean    random,
          const char *author)
{
  GPtrArray *events = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *id = random ? hq_new_uuid () : fc_event_id_derive (hlc, d->device_id);

  g_ptr_array_add (events, hq_event_json (id, case_id, "note.added", hlc, d->device_id, author,
                                          "{\"text\":\"a \\\"quoted\\\" note, 备注\"}"));
  push_all (f, d, events);
}

static char *
event_text (JsonObject *ev)
{
  g_autoptr(JsonObject) copy = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  static const char *const fields[] = { "id", "case_id", "type", "hlc", "device", "author", "payload" };

  /* Every field of the wire form but seq, in one order. */
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    json_object_set_member (copy, fields[i], json_node_copy (json_object_get_member (ev, fields[i])));
  json_node_set_object (node, copy);
  return json_to_string (node, FALSE);
}

/* The data for the columns tests: derived and random ids, several devices
 * and authors (one that needs escaping), HQ's own step, a case of 16
 * events (more than a page of 7), a step stamped before the one before it
 * (a negative ms), the puller's own event and another outlet's case. */
static void
columns_data (Fixture *f,
              Device  *a,
              Device  *c,
              Device  *b,
              GHashTable *random_ids)
{
  g_auto(Device) bj = { 0 };
  g_autoptr(GPtrArray) derived = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(FcEvent) assigned = NULL;
  g_autofree char *rand_case = hq_new_uuid ();
  g_autofree char *rand_open = hq_new_uuid ();
  g_autofree char *mixed_case = hq_new_uuid ();
  g_autofree char *bj_case = NULL;
  gint64 hlc;

  enrol (f, "BJ-02", NULL, &bj);
  for (guint i = 0; i < 5; i++)
    g_ptr_array_add (derived, open_derived_case (f, a, 1));
  for (guint i = 0; i < 5; i++)
    add_note (f, c, g_ptr_array_index (derived, i), hq_test_hlc (), FALSE, "li \"the fixer\" \\ 李");
  g_ptr_array_add (derived, open_derived_case (f, a, 15));
  /* Random ids: the case's and every event's. */
  {
    GPtrArray *events = g_ptr_array_new_with_free_func (g_free);
    g_ptr_array_add (events, hq_event_opened (rand_open, rand_case, a->device_id, "SH-01", NULL));
    push_all (f, a, events);
    g_hash_table_add (random_ids, g_strdup (rand_open));
  }
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GPtrArray) one = g_ptr_array_new ();
      g_ptr_array_add (one, rand_case);
      note_each (f, a, one, "random");
    }
  /* A derived opening event in a case whose id is not its id. */
  {
    GPtrArray *events = g_ptr_array_new_with_free_func (g_free);
    g_autofree char *id = NULL;

    hlc = hq_test_hlc ();
    id = fc_event_id_derive (hlc, a->device_id);
    g_ptr_array_add (events, hq_event_opened_at (id, mixed_case, hlc, a->device_id, "SH-01", NULL));
    push_all (f, a, events);
  }
  /* A stamp with a high counter, earlier than the case's last event. */
  hlc = FC_HLC_MAKE (FC_HLC_MS (hq_test_hlc ()) - 60000, 0xabcd);
  add_note (f, c, g_ptr_array_index (derived, 1), hlc, FALSE, "li");
  add_note (f, c, g_ptr_array_index (derived, 2), hq_test_hlc (), TRUE, "li");
  assigned = fc_hq_server_assign (f->server, g_ptr_array_index (derived, 3), "zhao", &error);
  g_assert_no_error (error);
  add_note (f, b, g_ptr_array_index (derived, 4), hq_test_hlc (), FALSE, "zhang");
  bj_case = open_case (f, &bj, "BJ-02");
}

/* Pulls the whole snapshot of @d in pages of @limit; returns each page's
 * response (HqResponse*). */
static GPtrArray *
pull_snapshot_pages (Fixture    *f,
                     Device     *d,
                     int         limit,
                     const char *formats)
{
  GPtrArray *pages = g_ptr_array_new_with_free_func ((GDestroyNotify) hq_response_free);
  g_autofree char *cursor = g_strdup ("");
  gboolean more = TRUE;

  while (more && (cursor[0] == '\0' || cursor[0] == 's'))
    {
      HqResponse *r = sync_formats (f, d, cursor, NULL, limit, formats);

      g_assert_cmpuint (r->status, ==, 200);
      g_ptr_array_add (pages, r);
      more = json_object_get_boolean_member (hq_object (r), "more");
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (hq_object (r), "cursor"));
      g_assert_cmpuint (pages->len, <, 50);
    }
  return pages;
}

/* A first pull in columns carries exactly the events of one per event,
 * page by page with the same cursors; derived ids are left out, the
 * others sent; seq pages after the snapshot stay per event. */
static void
test_snapshot_columns (Fixture *f, gconstpointer data)
{
  g_auto(Device) a = { 0 };
  g_auto(Device) c = { 0 };
  g_auto(Device) b = { 0 };
  g_autoptr(GHashTable) random_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) plain = NULL;
  g_autoptr(GPtrArray) cols = NULL;
  g_autoptr(GHashTable) cases_seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint total = 0, null_ids = 0, sent_ids = 0, null_cases = 0, sent_cases = 0;
  gboolean cut = FALSE, negative = FALSE, hq_seen = FALSE, escaped = FALSE;
  const char *cursor;

  enrol (f, "SH-01", NULL, &a);
  enrol (f, "SH-01", NULL, &c);
  enrol (f, "SH-01", NULL, &b);
  columns_data (f, &a, &c, &b, random_ids);

  plain = pull_snapshot_pages (f, &b, 7, NULL);
  cols = pull_snapshot_pages (f, &b, 7, HQ_FORMATS_COLUMNS);
  g_assert_cmpuint (plain->len, ==, cols->len);
  g_assert_cmpuint (plain->len, >=, 5);
  for (guint i = 0; i < plain->len; i++)
    {
      HqResponse *pr = g_ptr_array_index (plain, i);
      HqResponse *cr = g_ptr_array_index (cols, i);
      JsonObject *snap = json_object_get_object_member (hq_object (cr), "snapshot");
      JsonArray *events = member_array (pr, "events");
      g_autoptr(JsonArray) rebuilt = NULL;

      g_assert_false (json_object_has_member (hq_object (pr), "snapshot"));
      g_assert_false (json_object_has_member (hq_object (cr), "events"));
      g_assert_nonnull (snap);
      rebuilt = hq_columns_events (snap);
      g_assert_cmpstr (json_object_get_string_member (hq_object (pr), "cursor"), ==,
                       json_object_get_string_member (hq_object (cr), "cursor"));
      g_assert_cmpint (json_object_get_boolean_member (hq_object (pr), "more"), ==,
                       json_object_get_boolean_member (hq_object (cr), "more"));
      g_assert_cmpuint (json_array_get_length (rebuilt), ==, json_array_get_length (events));
      for (guint k = 0; k < json_array_get_length (events); k++)
        {
          g_autofree char *want = event_text (json_array_get_object_element (events, k));
          g_autofree char *got = event_text (json_array_get_object_element (rebuilt, k));
          g_assert_cmpstr (got, ==, want);
        }
      total += json_array_get_length (events);

      /* The ids that were sent are exactly the ones not derived. */
      for (guint k = 0, e = 0; k < json_array_get_length (json_object_get_array_member (snap, "cases")); k++)
        {
          JsonNode *cn = json_array_get_element (json_object_get_array_member (snap, "cases"), k);
          JsonObject *first = json_array_get_object_element (events, e);
          g_autofree char *derived = fc_event_id_derive (json_object_get_int_member (first, "hlc"),
                                                         json_object_get_string_member (first, "device"));
          const char *case_id = json_object_get_string_member (first, "case_id");

          g_assert_cmpint (JSON_NODE_HOLDS_NULL (cn), ==, g_str_equal (case_id, derived));
          if (JSON_NODE_HOLDS_NULL (cn))
            null_cases++;
          else
            sent_cases++;
          /* A case met again: the rest of a case cut by the page before. */
          if (!g_hash_table_add (cases_seen, (gpointer) case_id))
            {
              g_assert_cmpuint (k, ==, 0);
              g_assert_false (JSON_NODE_HOLDS_NULL (cn));
              cut = TRUE;
            }
          e += json_array_get_int_element (json_object_get_array_member (snap, "counts"), k);
        }
      for (guint k = 0; k < json_array_get_length (events); k++)
        {
          JsonObject *ev = json_array_get_object_element (events, k);
          JsonNode *idn = json_array_get_element (json_object_get_array_member (snap, "id"), k);
          g_autofree char *derived = fc_event_id_derive (json_object_get_int_member (ev, "hlc"),
                                                         json_object_get_string_member (ev, "device"));
          const char *id = json_object_get_string_member (ev, "id");

          g_assert_cmpint (JSON_NODE_HOLDS_NULL (idn), ==, g_str_equal (id, derived));
          if (JSON_NODE_HOLDS_NULL (idn))
            null_ids++;
          else
            sent_ids++;
          if (g_hash_table_contains (random_ids, id))
            g_assert_false (JSON_NODE_HOLDS_NULL (idn));
          if (g_str_equal (json_object_get_string_member (ev, "device"), "hq"))
            hq_seen = TRUE;
          if (strchr (json_object_get_string_member (ev, "author"), '"') != NULL)
            escaped = TRUE;
          negative = negative ||
                     json_array_get_int_element (json_object_get_array_member (snap, "ms"), k) < 0;
        }
    }
  /* Everything but the puller's own note and Beijing's case (2 events). */
  g_assert_cmpint (total, ==, count_events (f) - 1 - 2);
  g_assert_true (cut);
  g_assert_true (negative);
  g_assert_true (hq_seen);
  g_assert_true (escaped);
  g_assert_cmpuint (null_cases, >=, 6);
  g_assert_cmpuint (sent_cases, >=, 3);   /* random, mixed, the cut case's rest */
  g_assert_cmpuint (null_ids, >=, 30);
  g_assert_cmpuint (sent_ids, ==, 4);     /* the random ones: 3 by a, 1 by c */

  /* After the snapshot, pages go by seq and stay per event. */
  cursor = json_object_get_string_member (hq_object (g_ptr_array_index (cols, cols->len - 1)), "cursor");
  g_assert_true (g_ascii_isdigit (cursor[0]));
  add_note (f, &a, json_object_get_string_member (json_array_get_object_element (
                     member_array (g_ptr_array_index (plain, 0), "events"), 0), "case_id"),
            hq_test_hlc (), FALSE, "wang");
  {
    g_autoptr(HqResponse) r = sync_formats (f, &b, cursor, NULL, 7, HQ_FORMATS_COLUMNS);

    g_assert_cmpuint (r->status, ==, 200);
    g_assert_false (json_object_has_member (hq_object (r), "snapshot"));
    g_assert_cmpuint (json_array_get_length (member_array (r, "events")), ==, 1);
    g_assert_true (json_object_has_member (json_array_get_object_element (member_array (r, "events"), 0),
                                           "seq"));
  }
}

/* Edges of the columns form: an empty scope, a push-only request, a device
 * that lists other formats as well. */
static void
test_snapshot_columns_empty (Fixture *f, gconstpointer data)
{
  g_auto(Device) a = { 0 };
  g_auto(Device) b = { 0 };
  static const char *const names[] = { "devices", "authors", "types", "cases", "counts", "type",
                                       "device", "author", "ms", "ctr", "id", "payload" };
  g_autoptr(HqResponse) empty = NULL;
  g_autoptr(HqResponse) push_only = NULL;
  g_autoptr(HqResponse) many = NULL;
  g_autofree char *case_id = NULL;

  enrol (f, "SH-01", NULL, &a);
  enrol (f, "BJ-02", NULL, &b);
  case_id = open_case (f, &a, "SH-01");

  empty = sync_formats (f, &b, "", NULL, 10, HQ_FORMATS_COLUMNS);
  g_assert_cmpuint (empty->status, ==, 200);
  g_assert_false (json_object_has_member (hq_object (empty), "events"));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_object_get_object_member (hq_object (empty), "snapshot"), names[i])), ==, 0);
  g_assert_false (json_object_get_boolean_member (hq_object (empty), "more"));

  push_only = sync_formats (f, &b, "", NULL, 0, HQ_FORMATS_COLUMNS);
  g_assert_cmpuint (push_only->status, ==, 200);
  g_assert_nonnull (json_object_get_object_member (hq_object (push_only), "snapshot"));

  /* Eight entries, unknown ones among them, one of 32 bytes: accepted. */
  many = sync_formats (f, &a, "", NULL, 10,
                       "\"formats\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"\","
                       "\"0123456789abcdef0123456789abcdef\",\"snapshot-columns\"]");
  g_assert_cmpuint (many->status, ==, 200);
  g_assert_nonnull (json_object_get_object_member (hq_object (many), "snapshot"));
}

/* "formats" of the wrong shape: 400 invalid_request, nothing stored (not
 * even the batch that came with it). */
static void
test_formats_refused (Fixture *f, gconstpointer data)
{
  static const char *const bad[] = {
    "\"formats\":{\"snapshot-columns\":true}",
    "\"formats\":5",
    "\"formats\":\"snapshot-columns\"",
    "\"formats\":[1,2]",
    "\"formats\":[\"snapshot-columns\",null]",
    "\"formats\":[[\"snapshot-columns\"]]",
    "\"formats\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"snapshot-columns\"]",
    "\"formats\":[\"snapshot-columns\",\"0123456789abcdef0123456789abcdefX\"]",
  };
  g_auto(Device) a = { 0 };
  g_autofree char *case_id = NULL;
  gint64 before;

  enrol (f, "SH-01", NULL, &a);
  case_id = open_case (f, &a, "SH-01");
  before = count_events (f);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
      g_autofree char *id = hq_new_uuid ();
      g_autoptr(HqResponse) r = NULL;

      g_test_message ("%s", bad[i]);
      g_ptr_array_add (events, hq_event_note (id, case_id, a.device_id, "x"));
      r = sync_formats (f, &a, "", events, 10, bad[i]);
      g_assert_cmpuint (r->status, ==, 400);
      assert_refused (f, r, before, "invalid_request");
    }
  /* null is absent: stored, answered per event. */
  {
    g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
    g_autofree char *id = hq_new_uuid ();
    g_autoptr(HqResponse) r = NULL;

    g_ptr_array_add (events, hq_event_note (id, case_id, a.device_id, "x"));
    r = sync_formats (f, &a, "", events, 10, "\"formats\":null");
    g_assert_cmpuint (r->status, ==, 200);
    g_assert_nonnull (member_array (r, "events"));
    g_assert_cmpint (count_events (f), ==, before + 1);
  }
}

/* ---- HQ's own steps ---- */

static void
test_admin_steps (Fixture *f, gconstpointer data)
{
  g_auto(Device) a = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *case_id = NULL;
  g_autoptr(FcEvent) early = NULL;
  g_autoptr(FcEvent) assigned = NULL;
  g_autoptr(FcCase) c = NULL;
  g_autoptr(HqResponse) r = NULL;

  enrol (f, "SH-01", NULL, &a);
  case_id = open_case (f, &a, "SH-01");
  /* No plan yet: approving is not allowed, and nothing is stored. */
  early = fc_hq_server_approve (f->server, case_id, "supervisor", NULL, &error);
  g_assert_null (early);
  g_assert_error (error, FC_ERROR, FC_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  g_assert_cmpint (count_events (f), ==, 2);
  c = fc_store_get_case (fc_hq_server_get_store (f->server), case_id, &error);
  g_assert_no_error (error);
  assigned = fc_hq_server_assign (f->server, fc_case_get_number (c), "zhao", &error);
  g_assert_no_error (error);
  r = sync_events (f, &a, "", NULL, -1);
  g_assert_cmpuint (json_array_get_length (member_array (r, "events")), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (member_array (r, "events"), 0), "device"), ==, "hq");
  g_assert_cmpint (fc_store_count_pending (fc_hq_server_get_store (f->server)), ==, 0);
}

/* ---- Reference data ---- */

static void
test_reference (Fixture *f, gconstpointer data)
{
  g_auto(Device) a = { 0 };
  FcHqStore *hq = fc_hq_server_get_hq_store (f->server);
  g_autoptr(GError) error = NULL;
  static const char csv1[] = "model,name,category\nAC-1,Split air conditioner,climate\n"
                             "PC-9,Desktop PC,computing\n";
  static const char csv2[] = "model,name,category\nAC-1,Split air conditioner v2,climate\n";
  g_autoptr(HqResponse) all = NULL;
  g_autoptr(HqResponse) none = NULL;
  g_autoptr(HqResponse) delta = NULL;
  g_autoptr(HqResponse) unknown = NULL;
  g_autoptr(HqResponse) policy = NULL;
  g_autofree char *since = NULL;
  g_autofree char *since_path = NULL;
  g_autofree char *path2 = NULL;

  enrol (f, "SH-01", NULL, &a);
  g_assert_true (fc_hq_store_import (hq, "models", csv1, strlen (csv1), &error));
  g_assert_no_error (error);
  all = hq_request_full (f->session, f->url, "GET", "/v1/reference/models", a.token, NULL, NULL, NULL, NULL);
  g_assert_cmpuint (all->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (member_array (all, "rows")), ==, 2);
  since = g_strdup_printf ("%" G_GINT64_FORMAT, json_object_get_int_member (hq_object (all), "version"));
  since_path = g_strdup_printf ("/v1/reference/models?since=%s", since);
  none = hq_request_full (f->session, f->url, "GET", since_path, a.token, NULL, NULL, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (member_array (none, "rows")), ==, 0);

  /* Re-importing one changed row moves only that row. */
  g_assert_true (fc_hq_store_import (hq, "models", csv2, strlen (csv2), &error));
  delta = hq_request_full (f->session, f->url, "GET", since_path, a.token, NULL, NULL, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (member_array (delta, "rows")), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (member_array (delta, "rows"), 0), "name"),
                   ==, "Split air conditioner v2");

  unknown = hq_request_full (f->session, f->url, "GET", "/v1/reference/models'--", a.token, NULL,
                             NULL, NULL, NULL);
  g_assert_cmpuint (unknown->status, ==, 404);
  g_assert_true (fc_hq_store_refresh_ref_versions (hq, "sla_policy", &error));
  path2 = g_strdup ("/v1/reference/sla_policy");
  policy = hq_request_full (f->session, f->url, "GET", path2, a.token, NULL, NULL, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (member_array (policy, "rows")), ==, 1);
}

/* ---- Info and faults ---- */

static void
test_info (Fixture *f, gconstpointer data)
{
  g_autoptr(HqResponse) r = hq_request_full (f->session, f->url, "GET", "/v1/info", NULL, NULL,
                                             NULL, NULL, NULL);
  JsonObject *limits;

  g_assert_cmpuint (r->status, ==, 200);
  g_assert_cmpint (json_object_get_int_member (hq_object (r), "protocol"), ==, 1);
  limits = json_object_get_object_member (hq_object (r), "limits");
  g_assert_cmpint (json_object_get_int_member (limits, "max_batch"), ==, 1000);
}

static void
test_faults (Fixture *f, gconstpointer data)
{
  g_auto(Device) a = { 0 };
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *case_id = NULL;
  g_autofree char *id = hq_new_uuid ();
  g_autoptr(HqResponse) r500 = NULL;
  g_autoptr(HqResponse) closed = NULL;
  g_autoptr(HqResponse) cut = NULL;
  g_autoptr(HqResponse) bad_gz = NULL;
  g_autoptr(HqResponse) resend = NULL;
  g_autoptr(HqResponse) r503 = NULL;
  g_autoptr(HqResponse) stalled = NULL;
  gint64 before, t0;

  enrol (f, "SH-01", NULL, &a);
  case_id = open_case (f, &a, "SH-01");
  before = count_events (f);
  g_ptr_array_add (events, hq_event_note (id, case_id, a.device_id, "after the fault"));

  fc_hq_server_set_fault (f->server, FC_HQ_FAULT_HTTP_500, 1);
  r500 = sync_events (f, &a, "", events, 0);
  g_assert_cmpuint (r500->status, ==, 500);
  g_assert_cmpstr (hq_error_code (r500), ==, "server_error");
  g_assert_cmpint (count_events (f), ==, before);

  fc_hq_server_set_fault (f->server, FC_HQ_FAULT_HTTP_503, 1);
  r503 = sync_events (f, &a, "", events, 0);
  g_assert_cmpuint (r503->status, ==, 503);
  g_assert_cmpstr (soup_message_headers_get_one (r503->headers, "Retry-After"), ==, "1");

  /* Committed, then the answer is lost: the resend gets the same seq. */
  fc_hq_server_set_fault (f->server, FC_HQ_FAULT_CLOSE_CONNECTION, 1);
  closed = sync_events (f, &a, "", events, 0);
  g_assert_cmpuint (closed->status, ==, 0);
  g_assert_cmpint (count_events (f), ==, before + 1);

  fc_hq_server_set_fault (f->server, FC_HQ_FAULT_TRUNCATED_BODY, 1);
  cut = sync_events (f, &a, "", events, 0);
  g_assert_true (cut->status == 0 || cut->json == NULL);

  fc_hq_server_set_fault (f->server, FC_HQ_FAULT_CORRUPT_GZIP, 1);
  bad_gz = sync_events (f, &a, "", events, 0);
  g_assert_cmpstr (soup_message_headers_get_one (bad_gz->headers, "Content-Encoding"), ==, "gzip");
  g_assert_null (bad_gz->json);

  fc_hq_server_set_stall_seconds (f->server, 1);
  fc_hq_server_set_fault (f->server, FC_HQ_FAULT_STALL, 1);
  t0 = g_get_monotonic_time ();
  stalled = sync_events (f, &a, "", events, 0);
  g_assert_cmpuint (stalled->status, ==, 200);
  g_assert_cmpint (g_get_monotonic_time () - t0, >=, 900000);

  resend = sync_events (f, &a, "", events, 0);
  g_assert_cmpuint (resend->status, ==, 200);
  g_assert_cmpint (receipt_seq (resend, 0), ==, receipt_seq (stalled, 0));
  g_assert_cmpint (count_events (f), ==, before + 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, fn) g_test_add (name, Fixture, NULL, setup, fn, teardown)
  ADD ("/hq/info", test_info);
  ADD ("/hq/enrol", test_enrol);
  ADD ("/hq/enrol-bad", test_enrol_bad);
  ADD ("/hq/push-pull", test_push_pull);
  ADD ("/hq/rejections", test_rejections);
  ADD ("/hq/scope", test_scope);
  ADD ("/hq/bad-requests", test_bad_requests);
  ADD ("/hq/gzip", test_gzip);
  ADD ("/hq/rate-limit", test_rate_limit);
  ADD ("/hq/revoke", test_revoke);
  ADD ("/hq/blobs", test_blobs);
  ADD ("/hq/blob-resume", test_blob_resume);
  ADD ("/hq/pagination", test_pagination);
  ADD ("/hq/snapshot-pull", test_snapshot_pull);
  ADD ("/hq/snapshot-cursor-refused", test_snapshot_cursor_refused);
  ADD ("/hq/snapshot-columns", test_snapshot_columns);
  ADD ("/hq/snapshot-columns-empty", test_snapshot_columns_empty);
  ADD ("/hq/formats-refused", test_formats_refused);
  ADD ("/hq/admin-steps", test_admin_steps);
  ADD ("/hq/reference", test_reference);
  ADD ("/hq/faults", test_faults);
#undef ADD
  return g_test_run ();
}
