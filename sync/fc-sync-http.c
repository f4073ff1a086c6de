/* fc-sync-http.c: one request to HQ, asynchronously, and what every
 * response teaches the client: bytes on the wire, HQ's clock, Retry-After,
 * and whether HQ can be reached at all. */
#include "fc-sync-client-private.h"

#define SERVER_TIME_HEADER "X-Fieldcase-Server-Time"
/* A response slower than this says little about the clock offset. */
#define OFFSET_MAX_RTT_MS 5000
/* Smaller corrections are noise; not worth a store write each time. */
#define OFFSET_MIN_CHANGE_MS 250

typedef struct {
  SoupMessage    *msg;         /* owned */
  FcSyncHttpFlags flags;
  gint64          t_sent_ms;   /* device's own clock, uncorrected */
  guint           status;      /* set on success */
} HttpCall;

static void
http_call_free (HttpCall *call)
{
  g_clear_object (&call->msg);
  g_free (call);
}

GBytes *
fc_sync_gzip (const void *data,
              gsize       length)
{
  g_autoptr(GZlibCompressor) z = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autoptr(GByteArray) out = g_byte_array_sized_new (length / 3 + 64);
  const guint8 *in = data;
  gsize read = 0, written = 0, pos = 0;
  GConverterResult res;
  guint8 buf[16384];

  do
    {
      res = g_converter_convert (G_CONVERTER (z), in + pos, length - pos, buf, sizeof buf,
                                 G_CONVERTER_INPUT_AT_END, &read, &written, NULL);
      /* Memory to memory with a fresh compressor cannot fail but for OOM. */
      g_assert (res != G_CONVERTER_ERROR);
      pos += read;
      g_byte_array_append (out, buf, written);
    }
  while (res != G_CONVERTER_FINISHED);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static gint64
wall_ms (void)
{
  return g_get_real_time () / 1000;
}

/* offset = server_time - (t_sent + t_received) / 2 (the protocol's rule). */
static void
learn_clock_offset (FcSyncClient *self,
                    HttpCall     *call)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (call->msg);
  const char *value = soup_message_headers_get_one (headers, SERVER_TIME_HEADER);
  FcClock *clock = fc_store_get_clock (self->store);
  gint64 t_received = wall_ms ();
  gint64 server_ms, offset;
  char *end = NULL;

  if (value == NULL)
    return;
  server_ms = g_ascii_strtoll (value, &end, 10);
  if (end == value || *end != '\0' || server_ms <= 0 ||
      t_received - call->t_sent_ms > OFFSET_MAX_RTT_MS)
    return;
  offset = server_ms - (call->t_sent_ms + t_received) / 2;
  if (ABS (offset - fc_clock_get_offset_ms (clock)) < OFFSET_MIN_CHANGE_MS)
    return;
  fc_clock_set_offset_ms (clock, offset);
  {
    g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, offset);
    g_autoptr(GError) error = NULL;
    /* The offset is a hint: a store that cannot keep it still works. */
    if (!fc_store_set_meta (self->store, "sync.clock_offset_ms", text, &error))
      g_debug ("Could not keep the clock offset: %s", error->message);
  }
}

static void
count_bytes (FcSyncClient *self,
             SoupMessage  *msg)
{
  SoupMessageMetrics *m = soup_message_get_metrics (msg);

  self->stats.requests++;
  if (m == NULL)
    return;
  self->stats.bytes_up += soup_message_metrics_get_request_header_bytes_sent (m) +
                          soup_message_metrics_get_request_body_bytes_sent (m);
  self->stats.bytes_down += soup_message_metrics_get_response_header_bytes_received (m) +
                            soup_message_metrics_get_response_body_bytes_received (m);
}

static void
send_and_read_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcSyncClient *self = g_task_get_source_object (task);
  HttpCall *call = g_task_get_task_data (task);
  g_autoptr(GError) transport = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  gint64 retry_after_ms = 0;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &transport);
  count_bytes (self, call->msg);
  if (transport != NULL)
    {
      fc_sync_error_convert (transport, 0, NULL, NULL, NULL, &error);
      if (g_error_matches (error, FC_SYNC_ERROR, FC_SYNC_ERROR_OFFLINE))
        _fc_sync_client_set_online (self, FALSE);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  status = soup_message_get_status (call->msg);
  _fc_sync_client_set_online (self, TRUE);
  learn_clock_offset (self, call);
  call->status = status;
  if (status == SOUP_STATUS_NOT_FOUND && (call->flags & FC_SYNC_HTTP_ALLOW_404))
    {
      g_task_return_pointer (task, g_steal_pointer (&body), (GDestroyNotify) g_bytes_unref);
      return;
    }
  if (!fc_sync_error_convert (NULL, status, soup_message_get_response_headers (call->msg), body,
                              &retry_after_ms, &error))
    {
      self->retry_after_ms = MAX (self->retry_after_ms, retry_after_ms);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&body), (GDestroyNotify) g_bytes_unref);
}

static void
set_body (FcSyncClient *self,
          SoupMessage  *msg,
          GBytes       *body,
          const char   *content_type)
{
  gsize size = g_bytes_get_size (body);

  if (size >= self->tuning.gzip_min_bytes && g_str_has_prefix (content_type, "application/json"))
    {
      g_autoptr(GBytes) packed = fc_sync_gzip (g_bytes_get_data (body, NULL), size);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Content-Encoding",
                                    "gzip");
      soup_message_set_request_body_from_bytes (msg, content_type, packed);
      return;
    }
  soup_message_set_request_body_from_bytes (msg, content_type, body);
}

static SoupMessage *
build_message (FcSyncClient    *self,
               const char      *method,
               const char      *path_and_query,
               FcSyncHttpFlags  flags,
               GError         **error)
{
  g_autofree char *uri = NULL;
  g_autofree char *token = NULL;
  g_autofree char *bearer = NULL;
  SoupMessage *msg;

  if (self->base_url == NULL)
    {
      g_set_error (error, FC_SYNC_ERROR, FC_SYNC_ERROR_AUTH, "No HQ address: enrol this device");
      return NULL;
    }
  if (!(flags & FC_SYNC_HTTP_NO_AUTH) && (token = _fc_sync_client_dup_token (self)) == NULL)
    {
      g_set_error (error, FC_SYNC_ERROR, FC_SYNC_ERROR_AUTH, "This device is not enrolled");
      return NULL;
    }
  uri = g_strconcat (self->base_url, path_and_query, NULL);
  msg = soup_message_new (method, uri);
  if (msg == NULL)
    {
      g_set_error (error, FC_SYNC_ERROR, FC_SYNC_ERROR_REJECTED, "Not a usable HQ address: %s",
                   self->base_url);
      return NULL;
    }
  soup_message_add_flags (msg, SOUP_MESSAGE_COLLECT_METRICS);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Accept",
                                "application/json");
  if (token != NULL)
    {
      bearer = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    bearer);
    }
  return msg;
}

void
fc_sync_http_send_async (FcSyncClient        *self,
                         const char          *method,
                         const char          *path_and_query,
                         GBytes              *body,
                         const char          *content_type,
                         FcSyncHttpFlags      flags,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  HttpCall *call = g_new0 (HttpCall, 1);

  g_task_set_source_tag (task, fc_sync_http_send_async);
  g_task_set_task_data (task, call, (GDestroyNotify) http_call_free);
  call->flags = flags;
  call->msg = build_message (self, method, path_and_query, flags, &error);
  if (call->msg == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (body != NULL)
    set_body (self, call->msg, body, content_type != NULL ? content_type : "application/json");
  call->t_sent_ms = wall_ms ();
  soup_session_send_and_read_async (self->session, call->msg, G_PRIORITY_DEFAULT, cancellable,
                                    send_and_read_cb, g_steal_pointer (&task));
}

GBytes *
fc_sync_http_send_finish (FcSyncClient  *self,
                          GAsyncResult  *result,
                          guint         *out_status,
                          GError       **error)
{
  GTask *task = G_TASK (result);
  GBytes *body;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  body = g_task_propagate_pointer (task, error);
  if (out_status != NULL)
    *out_status = body != NULL ? ((HttpCall *) g_task_get_task_data (task))->status : 0;
  return body;
}
