/* fc-sync-wire.c: the JSON of POST /v1/sync, both ways. */
#include "fc-sync-client-private.h"

#include "fc-error.h"

void
fc_sync_page_free (FcSyncPage *page)
{
  if (page == NULL)
    return;
  g_clear_pointer (&page->receipts, g_ptr_array_unref);
  g_clear_pointer (&page->events, g_ptr_array_unref);
  g_free (page->cursor);
  g_free (page);
}

GBytes *
fc_sync_wire_build_request (const char *device_id,
                            const char *cursor,
                            GPtrArray  *events,
                            guint       limit)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *obj = json_object_new ();
  JsonArray *arr = json_array_new ();
  gsize length = 0;
  char *text;

  for (guint i = 0; events != NULL && i < events->len; i++)
    json_array_add_element (arr, fc_event_to_json (g_ptr_array_index (events, i)));
  json_object_set_string_member (obj, "device_id", device_id);
  json_object_set_string_member (obj, "cursor", cursor != NULL ? cursor : "");
  json_object_set_array_member (obj, "events", arr);
  json_object_set_int_member (obj, "limit", limit);
  json_node_take_object (root, obj);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, &length);
  return g_bytes_new_take (text, length);
}

static FcSyncReceipt *
parse_receipt (JsonNode  *node,
               GError   **error)
{
  JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *id = o != NULL ? json_object_get_string_member_with_default (o, "id", NULL) : NULL;
  const char *rejected;
  gint64 seq;
  FcSyncReceipt *r;

  if (id == NULL)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "A receipt without an event id");
      return NULL;
    }
  rejected = json_object_get_string_member_with_default (o, "rejected", NULL);
  seq = json_object_get_int_member_with_default (o, "seq", 0);
  if (rejected == NULL && seq <= 0)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "A receipt with neither seq nor rejection");
      return NULL;
    }
  r = g_new0 (FcSyncReceipt, 1);
  r->event_id = g_strdup (id);
  r->reject_reason = g_strdup (rejected);
  r->server_seq = seq;
  return r;
}

static gboolean
parse_receipts (JsonObject *root,
                FcSyncPage *page,
                GError    **error)
{
  JsonArray *arr = fc_sync_json_array (root, "receipts");

  page->receipts = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_sync_receipt_free);
  for (guint i = 0; arr != NULL && i < json_array_get_length (arr); i++)
    {
      FcSyncReceipt *r = parse_receipt (json_array_get_element (arr, i), error);
      if (r == NULL)
        return FALSE;
      g_ptr_array_add (page->receipts, r);
    }
  return TRUE;
}

static void
parse_events (JsonObject *root,
              FcSyncPage *page)
{
  JsonArray *arr = fc_sync_json_array (root, "events");
  guint n = arr != NULL ? json_array_get_length (arr) : 0;

  page->events = g_ptr_array_new_full (n, (GDestroyNotify) fc_event_unref);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (arr, i);
      g_autoptr(GError) local = NULL;
      FcEvent *ev = fc_event_new_from_json (node, &local);

      /* An event this version cannot read (a newer type, say) must not stop
       * every later one from arriving: it is skipped and counted. Its id only
       * is logged, never its payload (customer data). */
      if (ev == NULL)
        {
          JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
          g_debug ("Skipping event %s from HQ: %s",
                   o != NULL ? json_object_get_string_member_with_default (o, "id", "?") : "?",
                   local->message);
          page->n_skipped++;
          continue;
        }
      if (JSON_NODE_HOLDS_OBJECT (node))
        ev->server_seq = json_object_get_int_member_with_default (json_node_get_object (node),
                                                                  "seq", 0);
      g_ptr_array_add (page->events, ev);
    }
}

/* The cursor is opaque text; a server writing it as a number is forgiven. */
static char *
read_cursor (JsonObject *root)
{
  JsonNode *node = json_object_get_member (root, "cursor");

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return NULL;
}

FcSyncPage *
fc_sync_wire_parse_page (GBytes  *body,
                         GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(FcSyncPage) page = g_new0 (FcSyncPage, 1);
  gconstpointer data;
  gsize size;
  JsonNode *root;
  JsonObject *obj;

  data = g_bytes_get_data (body, &size);
  if (!json_parser_load_from_data (parser, data, (gssize) size, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "The sync response is not a JSON object");
      return NULL;
    }
  obj = json_node_get_object (root);
  if (!parse_receipts (obj, page, error))
    return NULL;
  parse_events (obj, page);
  page->n_events = page->events->len;
  page->cursor = read_cursor (obj);
  page->more = json_object_get_boolean_member_with_default (obj, "more", FALSE);
  if (page->more && page->cursor == NULL)
    {
      /* Asking again with the same cursor would loop for ever. */
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "“more” without a cursor");
      return NULL;
    }
  return g_steal_pointer (&page);
}

static gboolean
is_sha256 (const char *s)
{
  guint n = 0;

  for (; s[n] != '\0'; n++)
    if (!g_ascii_isxdigit (s[n]) || g_ascii_isupper (s[n]))
      return FALSE;
  return n == 64;
}

GPtrArray *
fc_sync_wire_event_blobs (const FcEvent *event)
{
  static const char *const members[] = { "signature_sha256", "signature_svg_sha256", "photo", "sha256" };
  GPtrArray *shas = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      const char *v = json_object_get_string_member_with_default (event->payload, members[i], NULL);
      if (v != NULL && is_sha256 (v))
        g_ptr_array_add (shas, g_strdup (v));
    }
  return shas;
}
