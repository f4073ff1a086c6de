/* fc-sync-error.c: one place that turns GIO, libsoup, store and HTTP
 * failures into FC_SYNC_ERROR. */
#include "fc-sync-error.h"

#include <json-glib/json-glib.h>

#include "fc-error.h"

G_DEFINE_QUARK (fc-sync-error-quark, fc_sync_error)

static FcSyncError
code_for_io_error (int code)
{
  switch (code)
    {
    case G_IO_ERROR_TIMED_OUT:
      return FC_SYNC_ERROR_TIMEOUT;
    case G_IO_ERROR_PARTIAL_INPUT:
    case G_IO_ERROR_INVALID_DATA:
    case G_IO_ERROR_MESSAGE_TOO_LARGE:
      return FC_SYNC_ERROR_PROTOCOL;
    default:
      /* Refused, unreachable, closed, reset, broken pipe …: the network. */
      return FC_SYNC_ERROR_OFFLINE;
    }
}

static FcSyncError
code_for_store_error (int code)
{
  /* An incoming event the store finds invalid is HQ's fault, not ours. */
  return code == FC_ERROR_INVALID ? FC_SYNC_ERROR_PROTOCOL : FC_SYNC_ERROR_STORAGE;
}

static gboolean
convert_transport (const GError *transport,
                   GError      **error)
{
  FcSyncError code;

  if (g_error_matches (transport, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Cancelled stays cancelled: callers ignore it quietly. */
      g_propagate_error (error, g_error_copy (transport));
      return FALSE;
    }
  if (transport->domain == FC_SYNC_ERROR)
    {
      g_propagate_error (error, g_error_copy (transport));
      return FALSE;
    }
  if (transport->domain == G_IO_ERROR)
    code = code_for_io_error (transport->code);
  else if (transport->domain == G_RESOLVER_ERROR)
    code = FC_SYNC_ERROR_OFFLINE;
  else if (transport->domain == SOUP_SESSION_ERROR || transport->domain == JSON_PARSER_ERROR)
    code = FC_SYNC_ERROR_PROTOCOL;
  else if (transport->domain == FC_ERROR)
    code = code_for_store_error (transport->code);
  else if (transport->domain == G_TLS_ERROR)
    code = FC_SYNC_ERROR_REJECTED;   /* a certificate problem needs a person */
  else
    code = FC_SYNC_ERROR_OFFLINE;
  g_set_error (error, FC_SYNC_ERROR, code, "%s", transport->message);
  return FALSE;
}

/* {"error": {"code": …, "message": …, "retry_after": N}}; anything else
 * (an HTML page from a proxy) leaves the outputs untouched. */
static void
read_error_body (GBytes  *body,
                 char   **out_code,
                 char   **out_message,
                 gint64  *out_retry_after_s)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gconstpointer data;
  gsize size;
  JsonNode *root, *node;
  JsonObject *err;

  if (body == NULL)
    return;
  data = g_bytes_get_data (body, &size);
  if (size == 0 || size > 64 * 1024 ||
      !json_parser_load_from_data (parser, data, (gssize) size, NULL))
    return;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  node = json_object_get_member (json_node_get_object (root), "error");
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return;
  err = json_node_get_object (node);
  *out_code = g_strdup (json_object_get_string_member_with_default (err, "code", NULL));
  *out_message = g_strdup (json_object_get_string_member_with_default (err, "message", NULL));
  *out_retry_after_s = json_object_get_int_member_with_default (err, "retry_after", 0);
}

/* Retry-After: delta-seconds or an HTTP date. */
static gint64
parse_retry_after_ms (SoupMessageHeaders *headers)
{
  const char *value = headers != NULL ? soup_message_headers_get_one (headers, "Retry-After") : NULL;
  g_autoptr(GDateTime) date = NULL;
  char *end = NULL;
  gint64 seconds;

  if (value == NULL)
    return 0;
  seconds = g_ascii_strtoll (value, &end, 10);
  if (end != value && *end == '\0')
    return CLAMP (seconds, 0, 24 * 3600) * 1000;
  date = soup_date_time_new_from_http_string (value);
  if (date == NULL)
    return 0;
  return CLAMP (g_date_time_to_unix (date) * 1000 - g_get_real_time () / 1000, 0, 24 * 3600 * 1000);
}

static FcSyncError
code_for_status (guint       status,
                 const char *body_code)
{
  if (status == SOUP_STATUS_UNAUTHORIZED)
    return g_strcmp0 (body_code, "token_revoked") == 0 ? FC_SYNC_ERROR_REVOKED : FC_SYNC_ERROR_AUTH;
  if (status == 429)
    return FC_SYNC_ERROR_RATE_LIMITED;
  if (status == SOUP_STATUS_REQUEST_TIMEOUT || status == SOUP_STATUS_GATEWAY_TIMEOUT)
    return FC_SYNC_ERROR_TIMEOUT;
  if (status >= 500)
    return FC_SYNC_ERROR_SERVER;
  if (status >= 400)
    return FC_SYNC_ERROR_REJECTED;
  return FC_SYNC_ERROR_PROTOCOL;   /* 1xx, 3xx: nothing we asked for */
}

gboolean
fc_sync_error_convert (const GError       *transport,
                       guint               status,
                       SoupMessageHeaders *headers,
                       GBytes             *body,
                       gint64             *out_retry_after_ms,
                       GError            **error)
{
  g_autofree char *body_code = NULL;
  g_autofree char *message = NULL;
  gint64 retry_s = 0;
  gint64 retry_ms;

  if (out_retry_after_ms != NULL)
    *out_retry_after_ms = 0;
  if (transport != NULL)
    return convert_transport (transport, error);
  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    return TRUE;

  read_error_body (body, &body_code, &message, &retry_s);
  retry_ms = parse_retry_after_ms (headers);
  if (retry_ms == 0)
    retry_ms = CLAMP (retry_s, 0, 24 * 3600) * 1000;
  if (out_retry_after_ms != NULL)
    *out_retry_after_ms = retry_ms;
  g_set_error (error, FC_SYNC_ERROR, code_for_status (status, body_code),
               "HQ answered %u %s%s%s", status,
               body_code != NULL ? body_code : soup_status_get_phrase (status),
               message != NULL ? ": " : "", message != NULL ? message : "");
  return FALSE;
}

gboolean
fc_sync_error_is_transient (const GError *error)
{
  if (error == NULL || error->domain != FC_SYNC_ERROR)
    return FALSE;
  return error->code != FC_SYNC_ERROR_AUTH &&
         error->code != FC_SYNC_ERROR_REVOKED &&
         error->code != FC_SYNC_ERROR_REJECTED;
}
