/* hq-test-util.h: a small HTTP client and event builders for the HQ
 * server's tests. Header-only: each test program is one file.
 *
 * The client is asynchronous and spins the thread-default main context
 * until the answer (or a deadline): the server under test may run in the
 * same thread. Responses are read raw (no content decoder), so the tests
 * see what the server really sent.
 */
#pragma once

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "fc-hq-wire.h"
#include "fc-ids.h"

#define HQ_TEST_TIMEOUT_S 30

typedef struct {
  guint               status;      /* 0: transport error */
  GBytes             *body;        /* raw bytes as sent */
  SoupMessageHeaders *headers;     /* response headers */
  JsonNode           *json;        /* decoded (gunzipped) JSON, or NULL */
  char               *error;       /* transport error message */
} HqResponse;

static inline void
hq_response_free (HqResponse *r)
{
  if (r == NULL)
    return;
  g_clear_pointer (&r->body, g_bytes_unref);
  g_clear_pointer (&r->headers, soup_message_headers_unref);
  g_clear_pointer (&r->json, json_node_unref);
  g_free (r->error);
  g_free (r);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HqResponse, hq_response_free)

typedef struct {
  GBytes  *body;
  GError  *error;
  gboolean done;
} HqWait;

static inline void
hq_send_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  HqWait *w = user_data;

  w->body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &w->error);
  w->done = TRUE;
}

static inline gboolean
hq_deadline_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Spins the default context until *@flag or the deadline; FALSE on timeout. */
static inline gboolean
hq_spin_until (gboolean *flag,
               guint     seconds)
{
  gboolean expired = FALSE;
  guint id = g_timeout_add_seconds (seconds, hq_deadline_cb, &expired);

  while (!*flag && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (id);
  return *flag;
}

static inline SoupSession *
hq_session_new (void)
{
  SoupSession *s = soup_session_new_with_options ("timeout", HQ_TEST_TIMEOUT_S, NULL);

  /* Raw bodies: the tests check Content-Encoding themselves. */
  soup_session_remove_feature_by_type (s, SOUP_TYPE_CONTENT_DECODER);
  return s;
}

static inline void
hq_decode_json (HqResponse *r)
{
  const char *enc = soup_message_headers_get_one (r->headers, "Content-Encoding");
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize len;
  const char *data;

  if (r->body == NULL)
    return;
  if (g_strcmp0 (enc, "gzip") == 0)
    plain = fc_hq_wire_gunzip (r->body, 256 * 1024 * 1024, NULL);
  else
    plain = g_bytes_ref (r->body);
  if (plain == NULL)
    return;
  data = g_bytes_get_data (plain, &len);
  if (len > 0 && json_parser_load_from_data (parser, data, (gssize) len, NULL))
    r->json = json_node_ref (json_parser_get_root (parser));
}

/* One request. @token, @body, @content_encoding, @accept_encoding nullable. */
static inline HqResponse *
hq_request_full (SoupSession *session,
                 const char  *base_url,
                 const char  *method,
                 const char  *path,
                 const char  *token,
                 GBytes      *body,
                 const char  *content_type,
                 const char  *content_encoding,
                 const char  *accept_encoding)
{
  g_autofree char *url = g_strconcat (base_url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  SoupMessageHeaders *h;
  HqWait w = { 0 };
  HqResponse *r = g_new0 (HqResponse, 1);

  g_assert_nonnull (msg);
  h = soup_message_get_request_headers (msg);
  if (token != NULL)
    {
      g_autofree char *auth = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (h, "Authorization", auth);
    }
  if (content_encoding != NULL)
    soup_message_headers_replace (h, "Content-Encoding", content_encoding);
  if (accept_encoding != NULL)
    soup_message_headers_replace (h, "Accept-Encoding", accept_encoding);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type != NULL ? content_type
                                                                        : "application/json", body);
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, hq_send_done_cb, &w);
  g_assert_true (hq_spin_until (&w.done, HQ_TEST_TIMEOUT_S + 5));
  r->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  if (w.error != NULL)
    {
      r->error = g_strdup (w.error->message);
      g_error_free (w.error);
      return r;
    }
  r->status = soup_message_get_status (msg);
  r->body = w.body;
  hq_decode_json (r);
  return r;
}

static inline HqResponse *
hq_post_json (SoupSession *session,
              const char  *base_url,
              const char  *path,
              const char  *token,
              const char  *json)
{
  g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));

  return hq_request_full (session, base_url, "POST", path, token, body, NULL, NULL, NULL);
}

/* The error code of a JSON error response, "" if none. */
static inline const char *
hq_error_code (HqResponse *r)
{
  JsonObject *o, *e;

  if (r->json == NULL || !JSON_NODE_HOLDS_OBJECT (r->json))
    return "";
  o = json_node_get_object (r->json);
  if (!json_object_has_member (o, "error"))
    return "";
  e = json_object_get_object_member (o, "error");
  return json_object_get_string_member_with_default (e, "code", "");
}

static inline JsonObject *
hq_object (HqResponse *r)
{
  g_assert_nonnull (r->json);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (r->json));
  return json_node_get_object (r->json);
}

/* ---- Events ---- */

static inline gint64
hq_test_hlc (void)
{
  static gint64 last;
  gint64 now = FC_HLC_MAKE (g_get_real_time () / 1000, 0);

  last = MAX (last + 1, now);
  return last;
}

static inline char *
hq_new_uuid (void)
{
  return fc_uuid7_new (g_get_real_time () / 1000);
}

/* An event with every field given; @author is escaped, @payload is JSON. */
static inline char *
hq_event_json (const char *id,
               const char *case_id,
               const char *type,
               gint64      hlc,
               const char *device,
               const char *author,
               const char *payload)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "{\"id\":\"%s\",\"case_id\":\"%s\",\"type\":\"%s\",\"hlc\":%"
                          G_GINT64_FORMAT ",\"device\":\"%s\",\"author\":", id, case_id, type,
                          hlc, device);
  fc_hq_wire_append_string (s, author);
  g_string_append_printf (s, ",\"payload\":%s}", payload);
  return g_string_free (s, FALSE);
}

/* A case.opened event at @hlc for @outlet (NULL: no outlet field). */
static inline char *
hq_event_opened_at (const char *id,
                    const char *case_id,
                    gint64      hlc,
                    const char *device,
                    const char *outlet,
                    const char *assignee)
{
  GString *p = g_string_new (NULL);
  g_autofree char *payload = NULL;

  /* Derived case ids of one device share their last 58 bits: the hash
   * of the whole id keeps numbers apart. */
  g_string_append_printf (p, "{\"number\":\"FC-T-%08x", g_str_hash (case_id));
  g_string_append (p, "\",\"kind\":\"repair\",\"channel\":\"phone\",\"problem_type\":\"quality\","
                      "\"severity\":\"general\",\"description\":\"Air conditioner cools poorly; "
                      "filter clogged?\"");
  if (outlet != NULL)
    g_string_append_printf (p, ",\"outlet\":\"%s\"", outlet);
  if (assignee != NULL)
    g_string_append_printf (p, ",\"assignee\":\"%s\"", assignee);
  g_string_append_c (p, '}');
  payload = g_string_free (p, FALSE);
  return hq_event_json (id, case_id, "case.opened", hlc, device, "wang", payload);
}

static inline char *
hq_event_opened (const char *id,
                 const char *case_id,
                 const char *device,
                 const char *outlet,
                 const char *assignee)
{
  return hq_event_opened_at (id, case_id, hq_test_hlc (), device, outlet, assignee);
}

static inline char *
hq_event_note (const char *id,
               const char *case_id,
               const char *device,
               const char *text)
{
  return g_strdup_printf ("{\"id\":\"%s\",\"case_id\":\"%s\",\"type\":\"note.added\",\"hlc\":%"
                          G_GINT64_FORMAT ",\"device\":\"%s\",\"author\":\"wang\","
                          "\"payload\":{\"text\":\"%s\"}}", id, case_id, hq_test_hlc (), device, text);
}

/* {"device_id":…,"cursor":…,"events":[…],"limit":…,@extra}; @events: JSON
 * texts; @extra: more members (nullable), e.g. "\"formats\":[…]". */
static inline char *
hq_sync_body_full (const char  *device_id,
                   const char  *cursor,
                   GPtrArray   *events,
                   int          limit,
                   const char  *extra)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "{\"device_id\":\"%s\",\"cursor\":\"%s\",\"events\":[", device_id,
                          cursor != NULL ? cursor : "");
  for (guint i = 0; events != NULL && i < events->len; i++)
    {
      if (i > 0)
        g_string_append_c (s, ',');
      g_string_append (s, g_ptr_array_index (events, i));
    }
  g_string_append_c (s, ']');
  if (limit >= 0)
    g_string_append_printf (s, ",\"limit\":%d", limit);
  if (extra != NULL)
    g_string_append_printf (s, ",%s", extra);
  g_string_append_c (s, '}');
  return g_string_free (s, FALSE);
}

static inline char *
hq_sync_body (const char  *device_id,
              const char  *cursor,
              GPtrArray   *events,
              int          limit)
{
  return hq_sync_body_full (device_id, cursor, events, limit, NULL);
}

#define HQ_FORMATS_COLUMNS "\"formats\":[\"snapshot-columns\"]"

/* ---- Snapshot pages in columns (docs/sync-protocol.md) ---- */

/* The events of a "snapshot" object in the per-event form (without seq),
 * as a device rebuilds them: counts group the cases, ms adds up within a
 * case, a null id is the one derived from the hlc and device, a null case
 * id the one derived from the case's first event here. Asserts the
 * columns agree in length and their indexes are in range. */
static inline JsonArray *
hq_columns_events (JsonObject *snap)
{
  JsonArray *devices = json_object_get_array_member (snap, "devices");
  JsonArray *authors = json_object_get_array_member (snap, "authors");
  JsonArray *types = json_object_get_array_member (snap, "types");
  JsonArray *cases = json_object_get_array_member (snap, "cases");
  JsonArray *counts = json_object_get_array_member (snap, "counts");
  const char *const cols[] = { "type", "device", "author", "ms", "ctr", "id", "payload" };
  JsonArray *col[G_N_ELEMENTS (cols)];
  JsonArray *out = json_array_new ();
  guint k = 0, n;

  g_assert_cmpuint (json_array_get_length (cases), ==, json_array_get_length (counts));
  for (guint i = 0; i < G_N_ELEMENTS (cols); i++)
    col[i] = json_object_get_array_member (snap, cols[i]);
  n = json_array_get_length (col[0]);
  for (guint i = 1; i < G_N_ELEMENTS (cols); i++)
    g_assert_cmpuint (json_array_get_length (col[i]), ==, n);
  for (guint c = 0; c < json_array_get_length (cases); c++)
    {
      gint64 count = json_array_get_int_element (counts, c);
      g_autofree char *case_id = NULL;
      gint64 ms = 0;

      g_assert_cmpint (count, >=, 1);
      for (gint64 j = 0; j < count; j++, k++)
        {
          JsonObject *ev = json_object_new ();
          gint64 t = json_array_get_int_element (col[0], k);
          gint64 d = json_array_get_int_element (col[1], k);
          gint64 a = json_array_get_int_element (col[2], k);
          gint64 ctr = json_array_get_int_element (col[4], k);
          JsonNode *id = json_array_get_element (col[5], k);
          const char *device;
          gint64 hlc;
          g_autofree char *derived = NULL;

          g_assert_cmpuint (k, <, n);
          g_assert_true (t >= 0 && t < json_array_get_length (types));
          g_assert_true (d >= 0 && d < json_array_get_length (devices));
          g_assert_true (a >= 0 && a < json_array_get_length (authors));
          g_assert_true (ctr >= 0 && ctr <= 0xffff);
          ms += json_array_get_int_element (col[3], k);
          hlc = FC_HLC_MAKE (ms, ctr);
          device = json_array_get_string_element (devices, d);
          derived = fc_event_id_derive (hlc, device);
          if (j == 0)
            case_id = g_strdup (JSON_NODE_HOLDS_NULL (json_array_get_element (cases, c))
                                ? derived : json_array_get_string_element (cases, c));
          json_object_set_string_member (ev, "id", JSON_NODE_HOLDS_NULL (id)
                                                   ? derived : json_node_get_string (id));
          json_object_set_string_member (ev, "case_id", case_id);
          json_object_set_string_member (ev, "type", json_array_get_string_element (types, t));
          json_object_set_int_member (ev, "hlc", hlc);
          json_object_set_string_member (ev, "device", device);
          json_object_set_string_member (ev, "author", json_array_get_string_element (authors, a));
          g_assert_true (JSON_NODE_HOLDS_OBJECT (json_array_get_element (col[6], k)));
          json_object_set_member (ev, "payload", json_node_copy (json_array_get_element (col[6], k)));
          json_array_add_object_element (out, ev);
        }
    }
  g_assert_cmpuint (k, ==, n);
  return out;
}
