/* fc-hq-ingest.c: a pushed batch, validated event by event and stored in
 * one transaction.
 *
 * Order of checks for each event: already stored (→ its old seq, nothing
 * else matters: resending must be harmless), schema, type, sender, case
 * known, scope. Rejections never stop the batch. The receipts leave this
 * file only after COMMIT returned, so a receipt always names a durable
 * event (WAL + synchronous=FULL).
 */
#include "fc-hq-store-private.h"

#include <string.h>

/* What the batch knows about a case: from hq_cases, updated by the
 * batch's own case.opened / case.assigned as it goes. */
typedef struct {
  char *outlet;
  char *assignee;
  gboolean known;
} CaseScope;

static void
case_scope_free (CaseScope *scope)
{
  g_free (scope->outlet);
  g_free (scope->assignee);
  g_free (scope);
}

typedef struct {
  FcHqStore        *store;
  const FcHqDevice *device;
  GPtrArray        *receipts;    /* FcHqReceipt*, one per element */
  GPtrArray        *accepted;    /* FcEvent*, to insert */
  GHashTable       *accepted_at; /* event id → receipt (borrowed), this batch */
  GHashTable       *scopes;      /* case id → CaseScope* */
  GHashTable       *new_outlets; /* case id → outlet, cases opened by this batch */
} Batch;

static void
batch_clear (Batch *b)
{
  g_clear_pointer (&b->receipts, g_ptr_array_unref);
  g_clear_pointer (&b->accepted, g_ptr_array_unref);
  g_clear_pointer (&b->accepted_at, g_hash_table_unref);
  g_clear_pointer (&b->scopes, g_hash_table_unref);
  g_clear_pointer (&b->new_outlets, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Batch, batch_clear)

static FcHqReceipt *
add_receipt (Batch      *b,
             const char *event_id)
{
  FcHqReceipt *r = g_new0 (FcHqReceipt, 1);

  r->event_id = g_strdup (event_id);
  g_ptr_array_add (b->receipts, r);
  return r;
}

static void
reject (FcHqReceipt *r,
        const char  *reason,
        const char  *message)
{
  r->rejected = reason;
  r->message = g_strdup (message);
}

static gboolean
lookup_seq (Batch      *b,
            const char *event_id,
            gint64     *out_seq,
            GError    **error)
{
  g_autoptr(FcStmt) stmt = NULL;
  g_autoptr(GError) local = NULL;

  stmt = fc_store_prepare_cached (b->store->core, "SELECT seq FROM hq_log WHERE event_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  fc_stmt_bind_text (stmt, 1, event_id);
  *out_seq = fc_stmt_step (stmt, &local) ? fc_stmt_int64 (stmt, 0) : 0;
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

static CaseScope *
lookup_scope (Batch      *b,
              const char *case_id,
              GError    **error)
{
  CaseScope *scope = g_hash_table_lookup (b->scopes, case_id);
  g_autoptr(FcStmt) stmt = NULL;
  g_autoptr(GError) local = NULL;

  if (scope != NULL)
    return scope;
  stmt = fc_store_prepare_cached (b->store->core, "SELECT outlet, assignee FROM hq_cases "
                                  "WHERE case_id = ?", error);
  if (stmt == NULL)
    return NULL;
  fc_stmt_bind_text (stmt, 1, case_id);
  scope = g_new0 (CaseScope, 1);
  if (fc_stmt_step (stmt, &local))
    {
      scope->known = TRUE;
      scope->outlet = g_strdup (fc_stmt_text (stmt, 0));
      scope->assignee = g_strdup (fc_stmt_text (stmt, 1));
    }
  else if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      case_scope_free (scope);
      return NULL;
    }
  g_hash_table_insert (b->scopes, g_strdup (case_id), scope);
  return scope;
}

static gboolean
in_scope (const FcHqDevice *dev,
          const CaseScope  *scope)
{
  return g_strcmp0 (scope->outlet, dev->outlet) == 0 ||
         (dev->engineer != NULL && g_strcmp0 (scope->assignee, dev->engineer) == 0);
}

/* The envelope and payload per fc-event.c, plus the payload size limit. */
static FcEvent *
parse_event (JsonNode    *node,
             FcHqReceipt *r)
{
  JsonObject *obj = json_node_get_object (node);
  JsonNode *type = json_object_get_member (obj, "type");
  g_autoptr(GError) local = NULL;
  g_autoptr(FcEvent) ev = NULL;
  g_autofree char *payload = NULL;

  if (type != NULL && JSON_NODE_HOLDS_VALUE (type) &&
      json_node_get_value_type (type) == G_TYPE_STRING &&
      !fc_event_type_is_known (json_node_get_string (type)))
    {
      reject (r, "unknown_type", "This server does not know the event type");
      return NULL;
    }
  ev = fc_event_new_from_json (node, &local);
  if (ev == NULL)
    {
      reject (r, "invalid_event", local->message);
      return NULL;
    }
  payload = fc_event_payload_to_string (ev);
  if (strlen (payload) > FC_EVENT_MAX_PAYLOAD_BYTES)
    {
      reject (r, "invalid_event", "The payload is larger than 64 KiB");
      return NULL;
    }
  return g_steal_pointer (&ev);
}

/* A new case belongs to the outlet it names, or to the sender's. */
static void
check_opened (Batch       *b,
              FcEvent     *ev,
              CaseScope   *scope,
              FcHqReceipt *r)
{
  const char *outlet = json_object_get_string_member_with_default (ev->payload, "outlet", NULL);

  if (outlet == NULL)
    outlet = b->device->outlet;
  if (g_strcmp0 (outlet, b->device->outlet) != 0)
    {
      reject (r, "forbidden", "A device opens cases only for its own outlet");
      return;
    }
  scope->known = TRUE;
  g_free (scope->outlet);
  scope->outlet = g_strdup (outlet);
  g_free (scope->assignee);
  scope->assignee = g_strdup (json_object_get_string_member_with_default (ev->payload,
                                                                          "assignee", NULL));
  g_hash_table_insert (b->new_outlets, g_strdup (ev->case_id), g_strdup (outlet));
}

static gboolean
check_scope (Batch       *b,
             FcEvent     *ev,
             FcHqReceipt *r,
             GError     **error)
{
  CaseScope *scope = lookup_scope (b, ev->case_id, error);

  if (scope == NULL)
    return FALSE;
  if (g_str_equal (ev->type, FC_EV_CASE_OPENED) && !scope->known)
    check_opened (b, ev, scope, r);
  else if (!scope->known)
    reject (r, "unknown_case", "HQ has no case.opened for this case");
  else if (!in_scope (b->device, scope))
    reject (r, "forbidden", "The case is outside this device's scope");
  else if (g_str_equal (ev->type, FC_EV_CASE_ASSIGNED))
    {
      g_free (scope->assignee);
      scope->assignee = g_strdup (json_object_get_string_member (ev->payload, "assignee"));
    }
  return TRUE;
}

/* One element: a receipt now, and the event queued if it passes. */
static gboolean
check_one (Batch    *b,
           JsonNode *node,
           GError  **error)
{
  const char *id = json_object_get_string_member (json_node_get_object (node), "id");
  FcHqReceipt *r = add_receipt (b, id);
  FcHqReceipt *earlier = g_hash_table_lookup (b->accepted_at, id);
  g_autoptr(FcEvent) ev = NULL;

  if (earlier != NULL)
    {
      /* Sent twice in one batch: one event, and the same answer twice
       * (log_accepted copies the seq). */
      return TRUE;
    }
  if (!lookup_seq (b, id, &r->seq, error))
    return FALSE;
  if (r->seq > 0 || (ev = parse_event (node, r)) == NULL)
    return TRUE;
  if (g_strcmp0 (ev->device, b->device->device_id) != 0)
    {
      reject (r, "forbidden", "The event's device is not the sender");
      return TRUE;
    }
  if (!check_scope (b, ev, r, error))
    return FALSE;
  if (r->rejected == NULL)
    {
      g_ptr_array_add (b->accepted, g_steal_pointer (&ev));
      g_hash_table_insert (b->accepted_at, r->event_id, r);
    }
  return TRUE;
}

/* Seqs for the accepted events, in batch order, and receipts for the
 * in-batch duplicates. */
static gboolean
log_accepted (Batch   *b,
              GError **error)
{
  for (guint i = 0; i < b->accepted->len; i++)
    {
      FcEvent *ev = g_ptr_array_index (b->accepted, i);
      FcHqReceipt *r = g_hash_table_lookup (b->accepted_at, ev->id);
      if (!fc_hq_store_log_event (b->store, ev, b->device->device_id, &r->seq, error))
        return FALSE;
    }
  for (guint i = 0; i < b->receipts->len; i++)
    {
      FcHqReceipt *r = g_ptr_array_index (b->receipts, i);
      FcHqReceipt *first = g_hash_table_lookup (b->accepted_at, r->event_id);

      if (first != NULL && first != r)
        r->seq = first->seq;
    }
  return TRUE;
}

static gboolean
store_accepted (Batch   *b,
                GError **error)
{
  FcHqStore *self = b->store;
  g_autoptr(GPtrArray) events = g_ptr_array_new ();
  g_autoptr(GHashTable) case_ids = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < b->accepted->len; i++)
    {
      FcEvent *ev = g_ptr_array_index (b->accepted, i);
      g_ptr_array_add (events, ev);
      g_hash_table_add (case_ids, ev->case_id);
    }
  if (events->len == 0)
    return TRUE;
  return fc_store_insert_events_in_tx (self->core, events, FC_SYNC_REMOTE, NULL, error) &&
         log_accepted (b, error) &&
         fc_hq_store_update_cases (self, b->new_outlets, case_ids, error) &&
         fc_hq_store_touch_customers (self, events, error);
}

static gboolean
touch_device (FcHqStore        *self,
              const FcHqDevice *device,
              GError          **error)
{
  g_autoptr(FcStmt) stmt = fc_store_prepare_cached (self->core, "UPDATE hq_devices SET last_seen = ? "
                                                    "WHERE device_id = ?", error);

  if (stmt == NULL)
    return FALSE;
  fc_stmt_bind_int64 (stmt, 1, fc_hq_store_now_ms (self));
  fc_stmt_bind_text (stmt, 2, device->device_id);
  return fc_stmt_run (stmt, error);
}

GPtrArray *
fc_hq_store_ingest (FcHqStore        *self,
                    const FcHqDevice *device,
                    JsonArray        *events,
                    GError          **error)
{
  g_auto(Batch) b = { 0 };
  guint n = json_array_get_length (events);

  g_return_val_if_fail (FC_HQ_IS_STORE (self), NULL);
  b.store = self;
  b.device = device;
  b.receipts = g_ptr_array_new_full (n, (GDestroyNotify) fc_hq_receipt_free);
  b.accepted = g_ptr_array_new_full (n, (GDestroyNotify) fc_event_unref);
  b.accepted_at = g_hash_table_new (g_str_hash, g_str_equal);
  b.scopes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) case_scope_free);
  b.new_outlets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (!fc_store_tx_begin (self->core, error))
    return NULL;
  for (guint i = 0; i < n; i++)
    if (!check_one (&b, json_array_get_element (events, i), error))
      goto failed;
  if (!store_accepted (&b, error) || !touch_device (self, device, error) ||
      !fc_store_tx_commit (self->core, error))
    goto failed;
  return g_steal_pointer (&b.receipts);

failed:
  fc_hq_store_abort_tx (self);
  return NULL;
}

/* ---- Shared with steps authored at HQ ---- */

gboolean
fc_hq_store_log_event (FcHqStore     *self,
                       const FcEvent *event,
                       const char    *sender,
                       gint64        *out_seq,
                       GError       **error)
{
  g_autoptr(FcStmt) stmt = NULL;

  stmt = fc_store_prepare_cached (self->core, "INSERT INTO hq_log (event_id, device, case_id) "
                                  "VALUES (?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  fc_stmt_bind_text (stmt, 1, event->id);
  fc_stmt_bind_text (stmt, 2, sender);
  fc_stmt_bind_text (stmt, 3, event->case_id);
  if (!fc_stmt_run (stmt, error))
    return FALSE;
  *out_seq = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

gboolean
fc_hq_store_update_cases (FcHqStore  *self,
                          GHashTable *new_case_outlets,
                          GHashTable *case_ids,
                          GError    **error)
{
  g_autoptr(FcStmt) ins = NULL;
  g_autoptr(FcStmt) upd = NULL;
  GHashTableIter iter;
  gpointer key, value;

  ins = fc_store_prepare_cached (self->core, "INSERT OR IGNORE INTO hq_cases (case_id, outlet) "
                                 "VALUES (?, ?)", error);
  upd = fc_store_prepare_cached (self->core, "UPDATE hq_cases SET (assignee, customer_id) = "
                                 "(SELECT assignee, customer_id FROM cases WHERE id = ?1) "
                                 "WHERE case_id = ?1", error);
  if (ins == NULL || upd == NULL)
    return FALSE;
  if (new_case_outlets != NULL)
    {
      g_hash_table_iter_init (&iter, new_case_outlets);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          sqlite3_reset (ins->stmt);
          fc_stmt_bind_text (ins, 1, key);
          fc_stmt_bind_text (ins, 2, value);
          if (!fc_stmt_run (ins, error))
            return FALSE;
        }
    }
  /* The assignee is the fold's: HQ and devices agree on it whatever order
   * the assignments arrived in. */
  g_hash_table_iter_init (&iter, case_ids);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      sqlite3_reset (upd->stmt);
      fc_stmt_bind_text (upd, 1, key);
      if (!fc_stmt_run (upd, error))
        return FALSE;
    }
  return TRUE;
}
