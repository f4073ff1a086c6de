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

/* A case.opened event for @outlet (NULL: no outlet field). */
static inline char *
hq_event_opened (const char *id,
                 const char *case_id,
                 const char *device,
                 const char *outlet,
                 const char *assignee)
{
  GString *p = g_string_new ("{\"number\":\"FC-T-");
  g_autofree char *payload = NULL;

  g_string_append_len (p, case_id + 24, 8);
  g_string_append (p, "\",\"kind\":\"repair\",\"channel\":\"phone\",\"problem_type\":\"quality\","
                      "\"severity\":\"general\",\"description\":\"Air conditioner cools poorly; "
                      "filter clogged?\"");
  if (outlet != NULL)
    g_string_append_printf (p, ",\"outlet\":\"%s\"", outlet);
  if (assignee != NULL)
    g_string_append_printf (p, ",\"assignee\":\"%s\"", assignee);
  g_string_append_c (p, '}');
  payload = g_string_free (p, FALSE);
  return g_strdup_printf ("{\"id\":\"%s\",\"case_id\":\"%s\",\"type\":\"case.opened\",\"hlc\":%"
                          G_GINT64_FORMAT ",\"device\":\"%s\",\"author\":\"wang\",\"payload\":%s}",
                          id, case_id, hq_test_hlc (), device, payload);
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

/* {"device_id":…,"cursor":…,"events":[…],"limit":…}; @events: JSON texts. */
static inline char *
hq_sync_body (const char  *device_id,
              const char  *cursor,
              GPtrArray   *events,
              int          limit)
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
  g_string_append_c (s, '}');
  return g_string_free (s, FALSE);
}
