/* fuzz-wire.c: libFuzzer over the sync page parser and the JSON reader under it.
 *
 * Every input goes to fc_json_parse() and fc_sync_wire_parse_page(). A tree
 * the reader builds must read back the same from json-glib's text of it
 * (when it holds no double, which that text can spoil); a
 * page must come with no error and only events that validate, each with its
 * payload's text, which reads back as its payload. Crashes, sanitizer
 * reports and failed assertions are findings. */
#include <stdint.h>
#include <string.h>

#include "fc-error.h"
#include "fc-json-reader.h"
#include "fc-sync-client-private.h"

/* The store is not linked here; this is the one thing of it a page needs. */
void
fc_sync_receipt_free (FcSyncReceipt *receipt)
{
  if (receipt == NULL)
    return;
  g_free (receipt->event_id);
  g_free (receipt->reject_reason);
  g_free (receipt);
}

/* json-glib 1.6 writes 1e57 as "1e+57.0": trees with doubles do not go
 * through its text. */
static gboolean
has_double (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, NULL, &member))
        if (has_double (member))
          return TRUE;
      return FALSE;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *arr = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (arr); i++)
        if (has_double (json_array_get_element (arr, i)))
          return TRUE;
      return FALSE;
    }
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE;
}

static void
check_reader (const char *text,
              size_t      size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = fc_json_parse (text, size, &error);
  g_autoptr(JsonNode) again = NULL;
  g_autofree char *first = NULL, *second = NULL;

  g_assert ((node == NULL) != (error == NULL));
  if (node == NULL)
    {
      g_assert (error->domain == FC_ERROR && error->code == FC_ERROR_INVALID);
      return;
    }
  if (has_double (node))
    return;
  first = json_to_string (node, FALSE);
  again = fc_json_parse (first, strlen (first), &error);
  g_assert_no_error (error);
  second = json_to_string (again, FALSE);
  g_assert (strcmp (first, second) == 0);
}

static void
check_event (const FcEvent *ev)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) payload = NULL;
  g_autoptr(JsonNode) kept = json_node_init_object (json_node_alloc (), ev->payload);

  g_assert (fc_event_validate (ev, NULL));
  g_assert (ev->payload_text != NULL);
  g_assert (strlen (ev->payload_text) <= FC_EVENT_MAX_PAYLOAD_BYTES);
  payload = fc_json_parse (ev->payload_text, strlen (ev->payload_text), &error);
  g_assert_no_error (error);
  g_assert (json_node_equal (payload, kept));
}

static void
check_page (const char *text,
            size_t      size)
{
  g_autoptr(GBytes) body = g_bytes_new (text, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(FcSyncPage) page = fc_sync_wire_parse_page (body, &error);

  g_assert ((page == NULL) != (error == NULL));
  if (page == NULL)
    return;
  g_assert (page->n_events == page->events->len);
  g_assert (!page->more || page->cursor != NULL);
  for (guint i = 0; i < page->receipts->len; i++)
    g_assert (((FcSyncReceipt *) page->receipts->pdata[i])->event_id != NULL);
  for (guint i = 0; i < page->events->len; i++)
    check_event (page->events->pdata[i]);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  check_reader ((const char *) data, size);
  check_page ((const char *) data, size);
  return 0;
}
