/* fc-hq-server.c: HTTP in front of FcHqStore (docs/sync-protocol.md).
 *
 * Every request takes the same path: an early handler (headers read, body
 * not yet) counts the body as it arrives and stops keeping it past the
 * limit; the handler then routes, injects a fault if one is armed,
 * authenticates, rate-limits, inflates gzip within the limit, and answers in
 * JSON — gzip-compressed when the client accepts it. Handlers are short
 * SQLite transactions on the main loop; only a stall fault waits, and it
 * does so by pausing the message, never by blocking.
 */
#include "fc-hq-server.h"

#include <string.h>

#include <libsoup/soup.h>

#include "fc-error.h"
#include "fc-hq-server-private.h"
#include "fc-hq-rate-limiter.h"
#include "fc-hq-store.h"
#include "fc-hq-wire.h"

#ifndef FC_HQ_VERSION
#define FC_HQ_VERSION "0"
#endif

#define MIB (1024 * 1024)
#define GZIP_MIN_BYTES 1024
#define REF_DEFAULT_LIMIT 1000
#define REF_MAX_LIMIT 10000
#define MAX_EVENT_ID_BYTES 64
#define MAX_FORMATS 8
#define MAX_FORMAT_BYTES 32

struct _FcHqServer
{
  GObject          parent_instance;

  FcHqStore       *store;        /* owned */
  SoupServer      *soup;         /* owned */
  FcHqLimits       limits;
  FcHqRateLimiter *rate;         /* owned: per device */
  FcHqRateLimiter *enrol_rate;   /* owned: per remote address */
  FcHqFault        fault;
  guint            fault_count;
  guint            stall_seconds;
  GHashTable      *stalls;       /* owned: Request* waiting out a stall */
  char            *url;          /* owned, NULL before listening */
};

G_DEFINE_FINAL_TYPE (FcHqServer, fc_hq_server, G_TYPE_OBJECT)

/* The request body as it arrives (the early handler sets it up). */
typedef struct {
  GByteArray *data;       /* owned; NULL once over the limit */
  gsize       limit;
  gboolean    too_large;
} Body;

/* One request under way: routes and faults may outlive the handler call. */
typedef struct {
  FcHqServer        *self;       /* borrowed: stalls are dropped in dispose */
  SoupServerMessage *msg;        /* owned ref */
  char              *path;
  GHashTable        *query;      /* owned ref, nullable */
  FcHqFault          fault;      /* to apply to the response */
  FcHqDevice        *device;     /* owned, after authentication */
  GBytes            *body;       /* owned, decoded */
  guint              stall_id;
} Request;

static void
request_free (Request *req)
{
  g_clear_handle_id (&req->stall_id, g_source_remove);
  g_clear_object (&req->msg);
  g_free (req->path);
  g_clear_pointer (&req->query, g_hash_table_unref);
  g_clear_pointer (&req->device, fc_hq_device_free);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_free (req);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Request, request_free)

static void
body_free (Body *body)
{
  if (body->data != NULL)
    g_byte_array_unref (body->data);
  g_free (body);
}

/* ---- Responses ---- */

static gint64
now_ms (FcHqServer *self)
{
  return fc_hq_store_now_ms (self->store);
}

static void
set_server_time (FcHqServer        *self,
                 SoupServerMessage *msg)
{
  g_autofree char *t = g_strdup_printf ("%" G_GINT64_FORMAT, now_ms (self));

  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "X-Fieldcase-Server-Time", t);
}

static gboolean
client_accepts_gzip (SoupServerMessage *msg)
{
  return fc_hq_wire_accepts_gzip (soup_message_headers_get_one (
    soup_server_message_get_request_headers (msg), "Accept-Encoding"));
}

/* Breaks a gzip stream in the middle, keeping its header: the client sees
 * a gzip body that fails to inflate. */
static GBytes *
corrupt (GBytes *gz)
{
  gsize len;
  guint8 *data = g_bytes_unref_to_data (gz, &len);

  for (gsize i = 10; i < len && i < 42; i++)
    data[i] ^= 0x5a;
  return g_bytes_new_take (data, len);
}

static void respond_raw_later (Request *req, guint status, GBytes *bytes);

/* Answers @req with @json (taken). */
static void
respond (Request *req,
         guint    status,
         char    *json)
{
  SoupServerMessage *msg = req->msg;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  gsize len = strlen (json);
  g_autoptr(GBytes) bytes = g_bytes_new_take (json, len);

  set_server_time (req->self, msg);
  soup_message_headers_replace (headers, "Content-Type", "application/json");
  soup_message_headers_append (headers, "Vary", "Accept-Encoding");
  if (req->fault == FC_HQ_FAULT_CORRUPT_GZIP ||
      (len >= GZIP_MIN_BYTES && client_accepts_gzip (msg)))
    {
      gint64 t0 = g_get_monotonic_time ();
      GBytes *gz = fc_hq_wire_gzip (g_bytes_get_data (bytes, NULL), len, FC_HQ_WIRE_GZIP_LEVEL);

      g_debug ("%s: %" G_GSIZE_FORMAT " bytes gzipped to %" G_GSIZE_FORMAT " in %.1f ms",
               req->path, len, g_bytes_get_size (gz), (g_get_monotonic_time () - t0) / 1000.0);

      g_bytes_unref (bytes);
      bytes = req->fault == FC_HQ_FAULT_CORRUPT_GZIP ? corrupt (gz) : gz;
      soup_message_headers_replace (headers, "Content-Encoding", "gzip");
    }
  if (req->fault == FC_HQ_FAULT_TRUNCATED_BODY || req->fault == FC_HQ_FAULT_CLOSE_CONNECTION)
    {
      respond_raw_later (req, status, g_steal_pointer (&bytes));
      return;
    }
  soup_server_message_set_status (msg, status, NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
}

static void
respond_error (Request    *req,
               guint       status,
               const char *code,
               const char *message,
               guint       retry_after)
{
  if (retry_after > 0)
    {
      g_autofree char *s = g_strdup_printf ("%u", retry_after);
      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                    "Retry-After", s);
    }
  /* A fault meant for a good answer does not apply to an error. */
  req->fault = FC_HQ_FAULT_NONE;
  respond (req, status, fc_hq_wire_error_body (code, message, retry_after));
}

/* Storage trouble: busy or full is "try later", anything else a 500. */
static void
respond_store_error (Request *req,
                     GError  *error)
{
  if (g_error_matches (error, FC_ERROR, FC_ERROR_BUSY) ||
      g_error_matches (error, FC_ERROR, FC_ERROR_FULL))
    {
      respond_error (req, 503, "unavailable", "The server is busy; try again", 1);
      return;
    }
  g_warning ("Request %s failed: %s", req->path, error->message);
  respond_error (req, 500, "server_error", "The server could not complete the request", 0);
}

/* ---- Faults that break the connection ---- */

typedef struct {
  GIOStream *stream;
  GBytes    *bytes;
} RawWrite;

static void
raw_write_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  RawWrite *w = user_data;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);
  g_io_stream_close (w->stream, NULL, NULL);
  g_object_unref (w->stream);
  g_bytes_unref (w->bytes);
  g_free (w);
}

typedef struct {
  SoupServerMessage *msg;      /* owned ref */
  GBytes            *wire;     /* owned; NULL: close without a word */
} Steal;

static gboolean
steal_cb (gpointer user_data)
{
  Steal *s = user_data;
  GIOStream *stream = soup_server_message_steal_connection (s->msg);

  if (stream != NULL && s->wire != NULL)
    {
      RawWrite *w = g_new0 (RawWrite, 1);
      gsize len;
      gconstpointer data = g_bytes_get_data (s->wire, &len);

      w->stream = stream;
      w->bytes = g_steal_pointer (&s->wire);
      g_output_stream_write_all_async (g_io_stream_get_output_stream (stream), data, len,
                                       G_PRIORITY_DEFAULT, NULL, raw_write_done_cb, w);
    }
  else if (stream != NULL)
    {
      g_io_stream_close (stream, NULL, NULL);
      g_object_unref (stream);
    }
  g_clear_pointer (&s->wire, g_bytes_unref);
  g_object_unref (s->msg);
  g_free (s);
  return G_SOURCE_REMOVE;
}

/* The request was handled (and committed); the answer is lost on the way:
 * cut in half after honest headers, or never sent. The connection is taken
 * from libsoup once the handler has returned. */
static void
respond_raw_later (Request *req,
                   guint    status,
                   GBytes  *bytes)
{
  Steal *s = g_new0 (Steal, 1);

  s->msg = g_object_ref (req->msg);
  if (req->fault == FC_HQ_FAULT_TRUNCATED_BODY)
    {
      SoupMessageHeaders *h = soup_server_message_get_response_headers (req->msg);
      const char *enc = soup_message_headers_get_one (h, "Content-Encoding");
      gsize len;
      const char *data = g_bytes_get_data (bytes, &len);
      GString *wire = g_string_new (NULL);

      g_string_append_printf (wire, "HTTP/1.1 %u %s\r\nContent-Type: application/json\r\n"
                              "Content-Length: %" G_GSIZE_FORMAT "\r\n%s%s%s"
                              "X-Fieldcase-Server-Time: %" G_GINT64_FORMAT "\r\n"
                              "Connection: close\r\n\r\n", status,
                              soup_status_get_phrase (status), len,
                              enc != NULL ? "Content-Encoding: " : "", enc != NULL ? enc : "",
                              enc != NULL ? "\r\n" : "", now_ms (req->self));
      g_string_append_len (wire, data, (gssize) (len / 2));
      s->wire = g_string_free_to_bytes (wire);
    }
  g_bytes_unref (bytes);
  soup_server_message_pause (req->msg);
  g_idle_add (steal_cb, s);
}

/* ---- Small parsers ---- */

/* A decimal count: digits only, no sign, at most 18 of them. */
static gboolean
parse_count (const char *text,
             gint64     *out)
{
  guint64 v = 0;

  if (text == NULL || *text == '\0' || strlen (text) > 18)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      v = v * 10 + (guint64) (*p - '0');
    }
  *out = (gint64) v;
  return TRUE;
}

static gboolean
is_sha256_hex (const char *s)
{
  if (strlen (s) != 64)
    return FALSE;
  for (const char *p = s; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

static const char *
member_string (JsonObject *obj,
               const char *name,
               gboolean   *out_wrong_type)
{
  JsonNode *n = json_object_get_member (obj, name);

  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    {
      *out_wrong_type = TRUE;
      return NULL;
    }
  return json_node_get_string (n);
}

/* Parses the request body as a JSON object; answers and returns NULL if it
 * is not one. */
static JsonObject *
parse_object (Request     *req,
              JsonParser **out_parser)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  const char *data = req->body != NULL ? g_bytes_get_data (req->body, &len) : NULL;
  JsonNode *root;

  if (len == 0 || !g_utf8_validate (data, (gssize) len, NULL) ||
      !json_parser_load_from_data (parser, data, (gssize) len, &error))
    {
      respond_error (req, 400, "invalid_json",
                     error != NULL ? error->message : "The body is not UTF-8 JSON", 0);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      respond_error (req, 400, "invalid_json", "Expected a JSON object", 0);
      return NULL;
    }
  *out_parser = g_steal_pointer (&parser);
  return json_node_get_object (root);
}

/* ---- GET /v1/info ---- */

static void
handle_info (Request *req)
{
  const FcHqLimits *l = &req->self->limits;
  char *json = g_strdup_printf (
    "{\"protocol\":%d,\"server\":\"fieldcase-hq\",\"version\":\"%s\",\"server_time\":%"
    G_GINT64_FORMAT ",\"limits\":{\"max_body\":%" G_GSIZE_FORMAT ",\"max_body_compressed\":%"
    G_GSIZE_FORMAT ",\"max_batch\":%u,\"max_pull\":%u,\"default_pull\":%u,"
    "\"max_event_payload\":%d,\"max_blob\":%" G_GSIZE_FORMAT ",\"rate_per_second\":%g,"
    "\"rate_burst\":%g}}", FC_HQ_PROTOCOL_VERSION, FC_HQ_VERSION, now_ms (req->self),
    l->max_body, l->max_body_compressed, l->max_batch, l->max_pull, l->default_pull,
    FC_EVENT_MAX_PAYLOAD_BYTES, l->max_blob, l->rate_per_second, l->rate_burst);

  respond (req, 200, json);
}

/* ---- POST /v1/enrol ---- */

static void
handle_enrol (Request *req)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcHqDevice) dev = NULL;
  g_autofree char *token = NULL;
  JsonObject *obj = parse_object (req, &parser);
  gboolean wrong = FALSE;
  const char *code, *device_id, *name;
  GString *out;

  if (obj == NULL)
    return;
  code = member_string (obj, "code", &wrong);
  device_id = member_string (obj, "device_id", &wrong);
  name = member_string (obj, "name", &wrong);
  if (wrong || code == NULL || device_id == NULL)
    {
      respond_error (req, 400, "invalid_request", "“code” and “device_id” must be texts", 0);
      return;
    }
  dev = fc_hq_store_enrol (req->self->store, code, device_id, name, &token, &error);
  if (dev == NULL)
    {
      if (g_error_matches (error, FC_ERROR, FC_ERROR_NOT_ALLOWED))
        respond_error (req, 403, "forbidden", error->message, 0);
      else if (g_error_matches (error, FC_ERROR, FC_ERROR_INVALID))
        respond_error (req, 400, "invalid_request", error->message, 0);
      else
        respond_store_error (req, error);
      return;
    }
  g_info ("Enrolled device %s for outlet %s", dev->device_id, dev->outlet);
  out = g_string_new ("{\"token\":");
  fc_hq_wire_append_string (out, token);
  g_string_append (out, ",\"device_id\":");
  fc_hq_wire_append_string (out, dev->device_id);
  g_string_append (out, ",\"outlet\":");
  fc_hq_wire_append_string (out, dev->outlet);
  g_string_append (out, ",\"engineer\":");
  fc_hq_wire_append_string (out, dev->engineer);
  g_string_append_printf (out, ",\"server_time\":%" G_GINT64_FORMAT "}", now_ms (req->self));
  respond (req, 200, g_string_free (out, FALSE));
}

/* ---- POST /v1/sync ---- */

typedef struct {
  JsonArray *events;   /* borrowed, nullable */
  gint64     cursor;   /* seq; 0 = the device's first pull */
  char      *snapshot; /* a first pull under way: its cursor (owned) */
  guint      limit;
  gboolean   columns;  /* the device reads snapshot pages in columns */
} SyncRequest;

static gboolean
is_snapshot_cursor (const char *cursor)
{
  g_autofree char *case_id = NULL;
  gint64 snapshot, seq;

  return fc_hq_snapshot_cursor_parse (cursor, &snapshot, &case_id, &seq);
}

/* "formats": the page forms the device reads, at most MAX_FORMATS texts of
 * at most MAX_FORMAT_BYTES each; unknown ones are ignored (a newer
 * device). FALSE if @formats is anything else. */
static gboolean
read_formats (JsonNode *formats,
              gboolean *out_columns)
{
  JsonArray *arr;

  *out_columns = FALSE;
  if (formats == NULL || JSON_NODE_HOLDS_NULL (formats))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (formats))
    return FALSE;
  arr = json_node_get_array (formats);
  if (json_array_get_length (arr) > MAX_FORMATS)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (arr); i++)
    {
      JsonNode *f = json_array_get_element (arr, i);

      if (!JSON_NODE_HOLDS_VALUE (f) || json_node_get_value_type (f) != G_TYPE_STRING ||
          strlen (json_node_get_string (f)) > MAX_FORMAT_BYTES)
        return FALSE;
      if (g_str_equal (json_node_get_string (f), "snapshot-columns"))
        *out_columns = TRUE;
    }
  return TRUE;
}

/* Checks the request's shape; answers and returns FALSE if it is wrong. */
static gboolean
read_sync_request (Request     *req,
                   JsonObject  *obj,
                   SyncRequest *out)
{
  const FcHqLimits *l = &req->self->limits;
  gboolean wrong = FALSE;
  const char *device_id = member_string (obj, "device_id", &wrong);
  const char *cursor = member_string (obj, "cursor", &wrong);
  JsonNode *events = json_object_get_member (obj, "events");
  JsonNode *limit = json_object_get_member (obj, "limit");

  out->cursor = 0;
  out->snapshot = NULL;
  out->limit = l->default_pull;
  out->events = NULL;
  if (wrong || device_id == NULL ||
      (cursor != NULL && *cursor != '\0' && !parse_count (cursor, &out->cursor) &&
       !is_snapshot_cursor (cursor)))
    {
      respond_error (req, 400, "invalid_request",
                     "“device_id” must be a text and “cursor” a cursor this server gave", 0);
      return FALSE;
    }
  if (g_strcmp0 (device_id, req->device->device_id) != 0)
    {
      respond_error (req, 403, "forbidden", "“device_id” is not the device of this token", 0);
      return FALSE;
    }
  if (cursor != NULL && cursor[0] == 's')
    out->snapshot = g_strdup (cursor);
  if (limit != NULL && !JSON_NODE_HOLDS_NULL (limit))
    {
      if (!JSON_NODE_HOLDS_VALUE (limit) || json_node_get_value_type (limit) != G_TYPE_INT64 ||
          json_node_get_int (limit) < 0)
        {
          respond_error (req, 400, "invalid_request", "“limit” must be a whole number ≥ 0", 0);
          return FALSE;
        }
      out->limit = (guint) MIN (json_node_get_int (limit), (gint64) l->max_pull);
    }
  if (!read_formats (json_object_get_member (obj, "formats"), &out->columns))
    {
      g_autofree char *m = g_strdup_printf ("“formats” must be an array of at most %d texts of "
                                            "at most %d bytes", MAX_FORMATS, MAX_FORMAT_BYTES);
      respond_error (req, 400, "invalid_request", m, 0);
      return FALSE;
    }
  if (events == NULL || JSON_NODE_HOLDS_NULL (events))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (events))
    {
      respond_error (req, 400, "invalid_request", "“events” must be an array", 0);
      return FALSE;
    }
  out->events = json_node_get_array (events);
  if (json_array_get_length (out->events) > l->max_batch)
    {
      g_autofree char *m = g_strdup_printf ("At most %u events per request", l->max_batch);
      respond_error (req, 413, "too_large", m, 0);
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (out->events); i++)
    {
      JsonNode *n = json_array_get_element (out->events, i);
      const char *id = NULL;

      if (JSON_NODE_HOLDS_OBJECT (n))
        id = member_string (json_node_get_object (n), "id", &wrong);
      if (id == NULL || wrong || *id == '\0' || strlen (id) > MAX_EVENT_ID_BYTES)
        {
          g_autofree char *m = g_strdup_printf ("Event %u must be an object with a text “id” "
                                                "of at most %d bytes", i, MAX_EVENT_ID_BYTES);
          respond_error (req, 400, "invalid_request", m, 0);
          return FALSE;
        }
    }
  return TRUE;
}

static void
append_receipts (GString   *out,
                 GPtrArray *receipts)
{
  g_string_append (out, "\"receipts\":[");
  for (guint i = 0; receipts != NULL && i < receipts->len; i++)
    {
      FcHqReceipt *r = g_ptr_array_index (receipts, i);

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"id\":");
      fc_hq_wire_append_string (out, r->event_id);
      if (r->rejected == NULL)
        g_string_append_printf (out, ",\"seq\":%" G_GINT64_FORMAT "}", r->seq);
      else
        {
          g_string_append_printf (out, ",\"rejected\":\"%s\",\"message\":", r->rejected);
          fc_hq_wire_append_string (out, r->message);
          g_string_append_c (out, '}');
        }
    }
  g_string_append (out, "],");
}

/* A first pull (no cursor yet, or a snapshot under way) goes case by case;
 * every later one by seq. */
static gboolean
is_snapshot_page (const SyncRequest *sr)
{
  return sr->snapshot != NULL || sr->cursor == 0;
}

static gboolean
pull_page (FcHqServer        *self,
           const FcHqDevice  *device,
           const SyncRequest *sr,
           GString           *out,
           char             **out_cursor,
           gboolean          *out_more,
           guint             *out_count,
           GError           **error)
{
  gint64 cursor = sr->cursor;

  if (is_snapshot_page (sr))
    return fc_hq_store_pull_snapshot (self->store, device, sr->snapshot, sr->limit,
                                      sr->columns ? FC_HQ_PULL_COLUMNS : FC_HQ_PULL_JSON_ARRAY,
                                      out, out_cursor, out_more, out_count, error);
  if (!fc_hq_store_pull (self->store, device, sr->cursor, sr->limit, FC_HQ_PULL_JSON_ARRAY,
                         out, &cursor, out_more, out_count, error))
    return FALSE;
  *out_cursor = g_strdup_printf ("%" G_GINT64_FORMAT, cursor);
  return TRUE;
}

/* The response up to its page: "events":[ or "snapshot": (columns). */
static void
begin_response (GString   *out,
                GPtrArray *receipts,
                gboolean   columns)
{
  g_string_truncate (out, 0);
  g_string_append_c (out, '{');
  append_receipts (out, receipts);
  g_string_append (out, columns ? "\"snapshot\":" : "\"events\":[");
}

static void
handle_sync (Request *req)
{
  FcHqServer *self = req->self;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GPtrArray) receipts = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *obj = parse_object (req, &parser);
  SyncRequest sr = { 0 };
  g_autofree char *snapshot = NULL;
  g_autofree char *cursor = NULL;
  GString *out;
  gint64 t0;
  gboolean more = FALSE, ok, columns, pulled = FALSE;
  guint count = 0;

  if (obj == NULL)
    return;
  ok = read_sync_request (req, obj, &sr);
  snapshot = sr.snapshot;   /* freed on every path */
  if (!ok)
    return;
  if (sr.events != NULL && json_array_get_length (sr.events) > 0)
    {
      receipts = fc_hq_store_ingest (self->store, req->device, sr.events, &error);
      if (receipts == NULL)
        {
          respond_store_error (req, error);
          return;
        }
    }
  /* From here the receipts are durable; a failing pull still answers them.
   * A device that reads columns gets every snapshot page in that form,
   * an empty one included, so the cursor alone tells it which to expect. */
  columns = sr.columns && is_snapshot_page (&sr);
  out = g_string_sized_new (sr.limit > 0 ? 256 * (gsize) MIN (sr.limit, 20000u) : 1024);
  begin_response (out, receipts, columns);
  t0 = g_get_monotonic_time ();
  if (sr.limit > 0)
    {
      pulled = pull_page (self, req->device, &sr, out, &cursor, &more, &count, &error);
      if (!pulled)
        {
          g_warning ("Pull for device %s failed: %s", req->device->device_id, error->message);
          begin_response (out, receipts, columns);
          g_clear_pointer (&cursor, g_free);
          more = TRUE;
        }
    }
  if (columns && !pulled)
    fc_hq_snapshot_columns_append_empty (out);
  if (cursor == NULL)   /* nothing pulled: the cursor comes back as it was */
    cursor = sr.snapshot != NULL ? g_strdup (sr.snapshot)
                                 : g_strdup_printf ("%" G_GINT64_FORMAT, sr.cursor);
  g_debug ("sync: %u events pulled in %.1f ms", count, (g_get_monotonic_time () - t0) / 1000.0);
  g_string_append_printf (out, "%s,\"cursor\":\"%s\",\"more\":%s,"
                          "\"server_time\":%" G_GINT64_FORMAT "}", columns ? "" : "]", cursor,
                          more ? "true" : "false", now_ms (self));
  respond (req, 200, g_string_free (out, FALSE));
}

/* ---- Blobs ---- */

static void
respond_bytes (Request    *req,
               guint       status,
               GBytes     *bytes,
               const char *mime)
{
  set_server_time (req->self, req->msg);
  soup_server_message_set_status (req->msg, status, NULL);
  if (bytes != NULL)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                    "Content-Type", mime);
      soup_message_body_append_bytes (soup_server_message_get_response_body (req->msg), bytes);
    }
}

static void
set_received (Request *req,
              gint64   received)
{
  g_autofree char *s = g_strdup_printf ("%" G_GINT64_FORMAT, received);

  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                "X-Fieldcase-Received", s);
}

/* PUT with Content-Range: one chunk of a resumable upload. */
static void
handle_blob_chunk (Request    *req,
                   const char *sha,
                   const char *mime,
                   GBytes     *data,
                   goffset     start,
                   goffset     end,
                   goffset     total)
{
  g_autoptr(GError) error = NULL;
  gint64 received = 0;

  if (total <= 0 || (gsize) total > req->self->limits.max_blob || start < 0 || end < start ||
      end >= total || (gsize) (end - start + 1) != g_bytes_get_size (data))
    {
      respond_error (req, 400, "invalid_request",
                     "Content-Range must be bytes FROM-TO/TOTAL matching the body", 0);
      return;
    }
  switch (fc_hq_store_put_blob_part (req->self->store, sha, mime, start, total, data, &received,
                                     &error))
    {
    case FC_HQ_BLOB_PART_STORED:
      set_received (req, received);
      respond_bytes (req, 202, NULL, NULL);
      break;
    case FC_HQ_BLOB_PART_COMPLETE:
      respond_bytes (req, 201, NULL, NULL);
      break;
    case FC_HQ_BLOB_PART_BAD_HASH:
      respond_error (req, 400, "invalid_request", "The bytes do not hash to the address", 0);
      break;
    case FC_HQ_BLOB_PART_OUT_OF_ORDER:
      set_received (req, received);
      respond_error (req, 416, "invalid_request", "Resume from X-Fieldcase-Received", 0);
      break;
    default:
      respond_store_error (req, error);
    }
}

static void
handle_blob_put (Request    *req,
                 const char *sha)
{
  FcStore *core = fc_hq_store_get_core (req->self->store);
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (req->msg);
  const char *mime = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  GBytes *data = req->body != NULL ? req->body : empty;
  g_autofree char *actual = NULL;
  g_autofree char *stored = NULL;
  g_autoptr(GError) error = NULL;
  goffset start, end, total;

  if (fc_store_has_blob (core, sha))
    {
      respond_bytes (req, 200, NULL, NULL);
      return;
    }
  if (soup_message_headers_get_one (headers, "Content-Range") != NULL)
    {
      if (!soup_message_headers_get_content_range (headers, &start, &end, &total))
        respond_error (req, 400, "invalid_request", "Unreadable Content-Range", 0);
      else
        handle_blob_chunk (req, sha, mime, data, start, end, total);
      return;
    }
  actual = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);
  if (g_strcmp0 (actual, sha) != 0)
    {
      respond_error (req, 400, "invalid_request", "The bytes do not hash to the address", 0);
      return;
    }
  stored = fc_store_put_blob (core, data, mime, &error);
  if (stored == NULL)
    {
      respond_store_error (req, error);
      return;
    }
  respond_bytes (req, 201, NULL, NULL);
}

static void
handle_blob_head (Request    *req,
                  const char *sha)
{
  gint64 received;

  if (fc_store_has_blob (fc_hq_store_get_core (req->self->store), sha))
    {
      respond_bytes (req, 200, NULL, NULL);
      return;
    }
  received = fc_hq_store_blob_part_received (req->self->store, sha);
  if (received >= 0)
    set_received (req, received);
  respond_bytes (req, 404, NULL, NULL);
}

static void
handle_blob (Request    *req,
             const char *method,
             const char *sha)
{
  FcStore *core = fc_hq_store_get_core (req->self->store);

  if (!is_sha256_hex (sha))
    {
      respond_error (req, 400, "invalid_request", "A blob is addressed by its SHA-256 in lower-case hex", 0);
      return;
    }
  if (g_str_equal (method, "PUT"))
    handle_blob_put (req, sha);
  else if (g_str_equal (method, "HEAD"))
    handle_blob_head (req, sha);
  else if (g_str_equal (method, "GET"))
    {
      g_autofree char *mime = NULL;
      g_autoptr(GBytes) bytes = fc_store_get_blob (core, sha, &mime, NULL);

      if (bytes == NULL)
        respond_error (req, 404, "not_found", "No such blob", 0);
      else
        respond_bytes (req, 200, bytes, mime);
    }
  else
    respond_error (req, 405, "invalid_request", "Blobs take HEAD, GET and PUT", 0);
}

/* ---- GET /v1/reference/<kind> ---- */

static void
handle_reference (Request    *req,
                  const char *kind)
{
  const char *since_s = req->query != NULL ? g_hash_table_lookup (req->query, "since") : NULL;
  const char *limit_s = req->query != NULL ? g_hash_table_lookup (req->query, "limit") : NULL;
  gint64 since = 0, limit = REF_DEFAULT_LIMIT;
  g_autoptr(GError) error = NULL;
  char *json;

  if (!fc_hq_ref_kind_is_known (kind))
    {
      respond_error (req, 404, "not_found", "No such kind of reference data", 0);
      return;
    }
  if ((since_s != NULL && *since_s != '\0' && !parse_count (since_s, &since)) ||
      (limit_s != NULL && (!parse_count (limit_s, &limit) || limit == 0)))
    {
      respond_error (req, 400, "invalid_request", "“since” and “limit” must be whole numbers", 0);
      return;
    }
  json = fc_hq_store_ref_delta (req->self->store, req->device, kind, since,
                                (guint) MIN (limit, REF_MAX_LIMIT), &error);
  if (json == NULL)
    respond_store_error (req, error);
  else
    respond (req, 200, json);
}

/* ---- POST /v1/customers ---- */

static void
handle_customers (Request *req)
{
  gsize len = 0;
  const char *data = req->body != NULL ? g_bytes_get_data (req->body, &len) : NULL;
  g_autofree char *text = g_strndup (data != NULL ? data : "", len);
  g_autoptr(GError) error = NULL;

  if (fc_hq_store_put_customers (req->self->store, req->device, text, len, &error))
    respond (req, 200, g_strdup ("{\"stored\":true}"));
  else if (g_error_matches (error, FC_ERROR, FC_ERROR_NOT_ALLOWED))
    respond_error (req, 403, "forbidden", error->message, 0);
  else if (g_error_matches (error, FC_ERROR, FC_ERROR_TOO_LARGE))
    respond_error (req, 413, "too_large", error->message, 0);
  else if (g_error_matches (error, FC_ERROR, FC_ERROR_INVALID))
    respond_error (req, 400, "invalid_request", error->message, 0);
  else
    respond_store_error (req, error);
}

/* ---- Routing ---- */

/* Takes a token from the device's bucket; answers 429 if it is empty. */
static gboolean
check_rate (Request *req)
{
  guint retry = 1;

  if (fc_hq_rate_limiter_take (req->self->rate, req->device->device_id,
                               g_get_monotonic_time (), &retry))
    return TRUE;
  respond_error (req, 429, "rate_limited", "Too many requests; slow down", retry);
  return FALSE;
}

static gboolean
authenticate (Request *req)
{
  const char *auth = soup_message_headers_get_one (
    soup_server_message_get_request_headers (req->msg), "Authorization");
  g_autoptr(GError) error = NULL;
  FcHqTokenState state;

  if (auth == NULL || g_ascii_strncasecmp (auth, "Bearer ", 7) != 0)
    {
      respond_error (req, 401, "unauthorized", "A bearer token is required", 0);
      return FALSE;
    }
  req->device = fc_hq_store_authenticate (req->self->store, auth + 7, &state, &error);
  if (error != NULL)
    {
      respond_store_error (req, error);
      return FALSE;
    }
  if (state == FC_HQ_TOKEN_REVOKED)
    {
      g_clear_pointer (&req->device, fc_hq_device_free);
      respond_error (req, 401, "token_revoked", "This device was revoked; enrol it again", 0);
      return FALSE;
    }
  if (state != FC_HQ_TOKEN_VALID)
    {
      respond_error (req, 401, "unauthorized", "Unknown token", 0);
      return FALSE;
    }
  return TRUE;
}

/* The body as sent, inflated if gzip; answers and returns FALSE if it is
 * over the limits or corrupt. */
static gboolean
decode_body (Request *req,
             gsize    max_inflated)
{
  Body *body = g_object_get_data (G_OBJECT (req->msg), "fc-hq-body");
  const char *enc = soup_message_headers_get_one (
    soup_server_message_get_request_headers (req->msg), "Content-Encoding");
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GError) error = NULL;

  if (body == NULL || body->too_large)
    {
      respond_error (req, 413, "too_large", "The request body is too large", 0);
      return FALSE;
    }
  raw = g_byte_array_free_to_bytes (g_steal_pointer (&body->data));
  if (enc == NULL || g_ascii_strcasecmp (enc, "identity") == 0)
    {
      req->body = g_steal_pointer (&raw);
      return TRUE;
    }
  if (g_ascii_strcasecmp (enc, "gzip") != 0)
    {
      respond_error (req, 415, "invalid_request", "Only gzip bodies are understood", 0);
      return FALSE;
    }
  req->body = fc_hq_wire_gunzip (raw, max_inflated, &error);
  if (req->body == NULL)
    {
      if (g_error_matches (error, FC_ERROR, FC_ERROR_TOO_LARGE))
        respond_error (req, 413, "too_large", error->message, 0);
      else
        respond_error (req, 400, "invalid_request", error->message, 0);
      return FALSE;
    }
  return TRUE;
}

/* Requests that need a device: sync, blobs, reference. */
static void
dispatch_device (Request *req)
{
  const char *method = soup_server_message_get_method (req->msg);
  const char *path = req->path;
  gsize max = g_str_has_prefix (path, "/v1/blobs/") ? req->self->limits.max_blob
                                                   : req->self->limits.max_body;

  if (!authenticate (req) || !check_rate (req) || !decode_body (req, max))
    return;
  if (g_str_equal (path, "/v1/sync") && g_str_equal (method, "POST"))
    handle_sync (req);
  else if (g_str_has_prefix (path, "/v1/blobs/"))
    handle_blob (req, method, path + strlen ("/v1/blobs/"));
  else if (g_str_has_prefix (path, "/v1/reference/") && g_str_equal (method, "GET"))
    handle_reference (req, path + strlen ("/v1/reference/"));
  else if (g_str_equal (path, "/v1/customers") && g_str_equal (method, "POST"))
    handle_customers (req);
  else
    respond_error (req, 404, "not_found", "No such resource", 0);
}

static gboolean
is_device_path (const char *path)
{
  return g_str_equal (path, "/v1/sync") || g_str_has_prefix (path, "/v1/blobs/") ||
         g_str_has_prefix (path, "/v1/reference/") || g_str_equal (path, "/v1/customers");
}

static gboolean
stall_done_cb (gpointer user_data)
{
  Request *req = user_data;
  FcHqServer *self = req->self;

  req->stall_id = 0;
  dispatch_device (req);
  soup_server_message_unpause (req->msg);
  g_hash_table_remove (self->stalls, req);
  return G_SOURCE_REMOVE;
}

/* An armed fault for this request, if any: consumes one count. */
static FcHqFault
take_fault (FcHqServer *self)
{
  FcHqFault fault = self->fault;

  if (fault == FC_HQ_FAULT_NONE || self->fault_count == 0)
    return FC_HQ_FAULT_NONE;
  if (--self->fault_count == 0)
    self->fault = FC_HQ_FAULT_NONE;
  return fault;
}

/* Returns FALSE when the fault answered the request (or will, later). */
static gboolean
apply_fault_before (Request *req)
{
  switch (req->fault)
    {
    case FC_HQ_FAULT_HTTP_500:
      respond_error (req, 500, "server_error", "Injected fault", 0);
      return FALSE;
    case FC_HQ_FAULT_HTTP_503:
      respond_error (req, 503, "unavailable", "Injected fault", 1);
      return FALSE;
    case FC_HQ_FAULT_HTTP_429:
      respond_error (req, 429, "rate_limited", "Injected fault", 1);
      return FALSE;
    case FC_HQ_FAULT_STALL:
      req->fault = FC_HQ_FAULT_NONE;
      soup_server_message_pause (req->msg);
      /* Not g_timeout_add_seconds: it is coalesced and may fire early. */
      req->stall_id = g_timeout_add (req->self->stall_seconds * 1000, stall_done_cb, req);
      g_hash_table_add (req->self->stalls, req);
      return FALSE;
    default:
      return TRUE;
    }
}

static void
handler_cb (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  FcHqServer *self = user_data;
  g_autoptr(Request) req = g_new0 (Request, 1);
  const char *method = soup_server_message_get_method (msg);

  req->self = self;
  req->msg = g_object_ref (msg);
  req->path = g_strdup (path);
  req->query = query != NULL ? g_hash_table_ref (query) : NULL;
  if (g_str_equal (path, "/v1/info") && g_str_equal (method, "GET"))
    handle_info (req);
  else if (g_str_equal (path, "/v1/enrol") && g_str_equal (method, "POST"))
    {
      guint retry = 1;
      if (!fc_hq_rate_limiter_take (self->enrol_rate, soup_server_message_get_remote_host (msg),
                                    g_get_monotonic_time (), &retry))
        respond_error (req, 429, "rate_limited", "Too many enrolment attempts", retry);
      else if (decode_body (req, 64 * 1024))
        handle_enrol (req);
    }
  else if (is_device_path (path))
    {
      req->fault = take_fault (self);
      if (!apply_fault_before (req))
        {
          if (req->stall_id != 0)
            g_steal_pointer (&req);   /* now owned by self->stalls */
          return;
        }
      dispatch_device (req);
    }
  else
    respond_error (req, 404, "not_found", "No such resource", 0);
}

/* ---- Early handler: the body as it arrives ---- */

static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              gpointer           user_data)
{
  Body *body = user_data;
  gsize size = g_bytes_get_size (chunk);

  if (body->too_large)
    return;
  if (body->data->len + size > body->limit)
    {
      body->too_large = TRUE;
      g_clear_pointer (&body->data, g_byte_array_unref);
      return;
    }
  g_byte_array_append (body->data, g_bytes_get_data (chunk, NULL), (guint) size);
}

static gsize
wire_limit (FcHqServer        *self,
            SoupServerMessage *msg,
            const char        *path)
{
  const char *enc = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                  "Content-Encoding");

  if (g_str_has_prefix (path, "/v1/blobs/"))
    return self->limits.max_blob;
  if (enc != NULL && g_ascii_strcasecmp (enc, "identity") != 0)
    return self->limits.max_body_compressed;
  return self->limits.max_body;
}

static void
early_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  FcHqServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  Body *body = g_new0 (Body, 1);

  body->limit = wire_limit (self, msg, path);
  body->data = g_byte_array_new ();
  /* Keep the body ourselves, within the limit: libsoup would hold all of
   * it, however large, before the handler could say no. */
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_object_set_data_full (G_OBJECT (msg), "fc-hq-body", body, (GDestroyNotify) body_free);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), body);
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      (gsize) soup_message_headers_get_content_length (headers) > body->limit)
    {
      g_autofree char *json = fc_hq_wire_error_body ("too_large", "The request body is too large", 0);

      /* Answered now: with Expect: 100-continue the body is never sent;
       * without it, the connection closes after the answer. */
      body->too_large = TRUE;
      g_clear_pointer (&body->data, g_byte_array_unref);
      set_server_time (self, msg);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Connection", "close");
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json,
                                        strlen (json));
      soup_server_message_set_status (msg, 413, NULL);
    }
}

/* ---- Object ---- */

static void
fc_hq_server_dispose (GObject *object)
{
  FcHqServer *self = FC_HQ_SERVER (object);

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_pointer (&self->stalls, g_hash_table_unref);
  g_clear_object (&self->soup);
  G_OBJECT_CLASS (fc_hq_server_parent_class)->dispose (object);
}

static void
fc_hq_server_finalize (GObject *object)
{
  FcHqServer *self = FC_HQ_SERVER (object);

  g_clear_object (&self->store);
  g_clear_pointer (&self->rate, fc_hq_rate_limiter_free);
  g_clear_pointer (&self->enrol_rate, fc_hq_rate_limiter_free);
  g_free (self->url);
  G_OBJECT_CLASS (fc_hq_server_parent_class)->finalize (object);
}

static void
fc_hq_server_class_init (FcHqServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fc_hq_server_dispose;
  object_class->finalize = fc_hq_server_finalize;
}

static void
fc_hq_server_init (FcHqServer *self)
{
  self->limits = (FcHqLimits) {
    .max_body = 8 * MIB,
    .max_body_compressed = 2 * MIB,
    .max_batch = 1000,
    .max_pull = 20000,
    .default_pull = 10000,
    .max_blob = FC_BLOB_MAX_BYTES,
    .rate_per_second = 20,
    .rate_burst = 100,
  };
  self->stall_seconds = 30;
  self->rate = fc_hq_rate_limiter_new (self->limits.rate_per_second, self->limits.rate_burst);
  /* Codes have 60 bits; this only keeps a flood from filling the log. */
  self->enrol_rate = fc_hq_rate_limiter_new (2, 20);
  self->stalls = g_hash_table_new_full (NULL, NULL, (GDestroyNotify) request_free, NULL);
}

FcHqServer *
fc_hq_server_new_with_clock (const char *db_path,
                             FcClock    *clock,
                             GError    **error)
{
  g_autoptr(FcHqServer) self = g_object_new (FC_HQ_TYPE_SERVER, NULL);

  g_return_val_if_fail (db_path != NULL, NULL);
  self->store = fc_hq_store_new (db_path, clock, error);
  if (self->store == NULL)
    return NULL;
  self->soup = soup_server_new ("server-header", "fieldcase-hq/" FC_HQ_VERSION " ", NULL);
  soup_server_add_early_handler (self->soup, NULL, early_cb, self, NULL);
  soup_server_add_handler (self->soup, NULL, handler_cb, self, NULL);
  return g_steal_pointer (&self);
}

FcHqServer *
fc_hq_server_new (const char *db_path,
                  GError    **error)
{
  return fc_hq_server_new_with_clock (db_path, NULL, error);
}

static guint
bound_port (FcHqServer *self)
{
  GSList *uris = soup_server_get_uris (self->soup);
  guint port = 0;

  if (uris != NULL)
    {
      GUri *uri = uris->data;
      port = (guint) g_uri_get_port (uri);
      g_free (self->url);
      self->url = g_strdup_printf ("%s://%s:%u", g_uri_get_scheme (uri), g_uri_get_host (uri), port);
    }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return port;
}

/* The kernel caps it at net.core.somaxconn (4096 on Debian 12). */
#define LISTEN_BACKLOG 512

guint
fc_hq_server_listen (FcHqServer      *self,
                     const char      *address,
                     guint            port,
                     GTlsCertificate *tls_certificate,
                     GError         **error)
{
  g_autoptr(GSocketAddress) addr = NULL;
  g_autoptr(GSocket) socket = NULL;
  SoupServerListenOptions options = 0;

  g_return_val_if_fail (FC_HQ_IS_SERVER (self), 0);
  g_return_val_if_fail (port <= 65535, 0);
  addr = g_inet_socket_address_new_from_string (address != NULL ? address : "127.0.0.1", port);
  if (addr == NULL)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "“%s” is not an IP address", address);
      return 0;
    }
  if (tls_certificate != NULL)
    {
      soup_server_set_tls_certificate (self->soup, tls_certificate);
      options |= SOUP_SERVER_LISTEN_HTTPS;
    }
  socket = g_socket_new (g_socket_address_get_family (addr), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_TCP, error);
  if (socket == NULL)
    return 0;
  /* GLib listens with a backlog of 10: when a network comes back, dozens of
   * devices connect at once and the rest would be reset. */
  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (!g_socket_bind (socket, addr, TRUE, error) || !g_socket_listen (socket, error) ||
      !soup_server_listen_socket (self->soup, socket, options, error))
    return 0;
  return bound_port (self);
}

guint
fc_hq_server_listen_local (FcHqServer *self,
                           GError    **error)
{
  return fc_hq_server_listen (self, "127.0.0.1", 0, NULL, error);
}

char *
fc_hq_server_dup_url (FcHqServer *self)
{
  g_return_val_if_fail (FC_HQ_IS_SERVER (self), NULL);
  return g_strdup (self->url);
}

void
fc_hq_server_disconnect (FcHqServer *self)
{
  g_return_if_fail (FC_HQ_IS_SERVER (self));
  soup_server_disconnect (self->soup);
}

FcStore *
fc_hq_server_get_store (FcHqServer *self)
{
  g_return_val_if_fail (FC_HQ_IS_SERVER (self), NULL);
  return fc_hq_store_get_core (self->store);
}

FcHqStore *
fc_hq_server_get_hq_store (FcHqServer *self)
{
  g_return_val_if_fail (FC_HQ_IS_SERVER (self), NULL);
  return self->store;
}

void
fc_hq_server_get_limits (FcHqServer *self,
                         FcHqLimits *out_limits)
{
  g_return_if_fail (FC_HQ_IS_SERVER (self));
  *out_limits = self->limits;
}

void
fc_hq_server_set_limits (FcHqServer       *self,
                         const FcHqLimits *limits)
{
  g_return_if_fail (FC_HQ_IS_SERVER (self));
  g_return_if_fail (limits->max_batch > 0 && limits->max_pull > 0 && limits->default_pull > 0);
  self->limits = *limits;
  self->limits.default_pull = MIN (limits->default_pull, limits->max_pull);
  fc_hq_rate_limiter_configure (self->rate, limits->rate_per_second, limits->rate_burst);
}

void
fc_hq_server_set_fault (FcHqServer *self,
                        FcHqFault   fault,
                        guint       count)
{
  g_return_if_fail (FC_HQ_IS_SERVER (self));
  self->fault = count > 0 ? fault : FC_HQ_FAULT_NONE;
  self->fault_count = count;
}

void
fc_hq_server_set_stall_seconds (FcHqServer *self,
                                guint       seconds)
{
  g_return_if_fail (FC_HQ_IS_SERVER (self));
  self->stall_seconds = seconds;
}

/* ---- Administration ---- */

char *
fc_hq_server_create_enrol_code_full (FcHqServer *self,
                                     const char *outlet,
                                     const char *engineer,
                                     gint64      ttl_ms,
                                     GError    **error)
{
  g_return_val_if_fail (FC_HQ_IS_SERVER (self), NULL);
  return fc_hq_store_create_enrol_code (self->store, outlet, engineer, ttl_ms, error);
}

char *
fc_hq_server_create_enrol_code (FcHqServer *self,
                                const char *outlet,
                                const char *engineer,
                                GError    **error)
{
  return fc_hq_server_create_enrol_code_full (self, outlet, engineer, 0, error);
}

gboolean
fc_hq_server_revoke (FcHqServer *self,
                     const char *device_id,
                     GError    **error)
{
  g_return_val_if_fail (FC_HQ_IS_SERVER (self), FALSE);
  return fc_hq_store_revoke (self->store, device_id, error);
}

FcEvent *
fc_hq_server_assign (FcHqServer *self,
                     const char *case_id_or_number,
                     const char *engineer,
                     GError    **error)
{
  g_autoptr(JsonObject) p = json_object_new ();

  g_return_val_if_fail (FC_HQ_IS_SERVER (self), NULL);
  json_object_set_string_member (p, "assignee", engineer);
  return fc_hq_store_record (self->store, case_id_or_number, FC_EV_CASE_ASSIGNED, p,
                             FC_HQ_DEVICE_ID, error);
}

FcEvent *
fc_hq_server_approve (FcHqServer *self,
                      const char *case_id_or_number,
                      const char *approver,
                      const char *comment,
                      GError    **error)
{
  g_autoptr(JsonObject) p = json_object_new ();

  g_return_val_if_fail (FC_HQ_IS_SERVER (self), NULL);
  json_object_set_string_member (p, "approver", approver);
  if (comment != NULL)
    json_object_set_string_member (p, "comment", comment);
  return fc_hq_store_record (self->store, case_id_or_number, FC_EV_PLAN_APPROVED, p, approver,
                             error);
}

FcEvent *
fc_hq_server_reject (FcHqServer *self,
                     const char *case_id_or_number,
                     const char *approver,
                     const char *reason,
                     GError    **error)
{
  g_autoptr(JsonObject) p = json_object_new ();

  g_return_val_if_fail (FC_HQ_IS_SERVER (self), NULL);
  json_object_set_string_member (p, "approver", approver);
  json_object_set_string_member (p, "reason", reason);
  return fc_hq_store_record (self->store, case_id_or_number, FC_EV_PLAN_REJECTED, p, approver,
                             error);
}

gint64
fc_hq_server_count_events (FcHqServer *self)
{
  g_return_val_if_fail (FC_HQ_IS_SERVER (self), 0);
  return fc_hq_store_count_events (self->store);
}
