/* fc-store-sync.c: inserting events (local or received), refolding cases,
 * and the sync bookkeeping: pending events, receipts, the cursor.
 *
 * Received events are deduplicated by id, so applying the same batch twice
 * changes nothing; a case is refolded from all its events, so arrival order
 * never matters.
 */
#include "fc-store-private.h"
#include "fc-fts.h"
#include "fc-json-reader.h"

#include <string.h>

FcEvent *
fc_store_event_from_row (FcStmt  *stmt,
                         GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  FcEvent *event;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, fc_stmt_text (stmt, 6), -1, error))
    return NULL;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, FC_ERROR, FC_ERROR_STORAGE, "Corrupt payload in event %s",
                   fc_stmt_text (stmt, 0));
      return NULL;
    }
  event = fc_event_new (fc_stmt_text (stmt, 0), fc_stmt_text (stmt, 1), fc_stmt_text (stmt, 2),
                        fc_stmt_int64 (stmt, 3), fc_stmt_text (stmt, 4), fc_stmt_text (stmt, 5),
                        json_node_get_object (root));
  event->sync_state = (FcSyncState) fc_stmt_int64 (stmt, 7);
  event->server_seq = fc_stmt_int64 (stmt, 8);
  event->reject_reason = g_strdup (fc_stmt_text (stmt, 9));
  event->conflict = fc_stmt_int64 (stmt, 10) != 0;
  event->conflict_reason = g_strdup (fc_stmt_text (stmt, 11));
  return event;
}

static GPtrArray *
read_event_rows (FcStmt  *stmt,
                 GError **error)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);
  g_autoptr(GError) local = NULL;

  while (fc_stmt_step (stmt, &local))
    {
      FcEvent *ev = fc_store_event_from_row (stmt, error);
      if (ev == NULL)
        return NULL;
      g_ptr_array_add (events, ev);
    }
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return g_steal_pointer (&events);
}

GPtrArray *
fc_store_read_events (FcStore    *self,
                      const char *case_id,
                      GError    **error)
{
  g_autoptr(FcStmt) stmt = NULL;

  stmt = fc_store_prepare_cached (self, "SELECT " FC_EVENT_COLUMNS " FROM events WHERE case_id = ? "
                                    "ORDER BY hlc, device, id", error);
  if (stmt == NULL)
    return NULL;
  fc_stmt_bind_text (stmt, 1, case_id);
  return read_event_rows (stmt, error);
}

static int
severity_rank (const char *severity)
{
  if (g_strcmp0 (severity, "urgent") == 0)
    return 3;
  if (g_strcmp0 (severity, "major") == 0)
    return 2;
  return 1;
}

/* The members of each event's payload that make a case's searchable text:
 * what the customer said and what was found. All are texts (fc-event.c's
 * schema), in every type that has them. */
static const char *const body_members[] = {
  "description", "symptom", "cause", "steps", "text", "comment", "summary", "model",
  "product_serial", "number",
};

/* 32 KiB is plenty to find a case by; a chatty case stops adding there. */
static void
body_append (GString    *body,
             const char *value)
{
  if (value == NULL || body->len >= 32 * 1024)
    return;
  g_string_append (body, value);
  g_string_append_c (body, '\n');
}

/* The searchable text of a case, from its events in fold order. */
static char *
case_body (GPtrArray *events)
{
  GString *body = g_string_new (NULL);

  for (guint i = 0; i < events->len; i++)
    {
      FcEvent *ev = g_ptr_array_index (events, i);
      for (guint m = 0; m < G_N_ELEMENTS (body_members); m++)
        body_append (body, json_object_get_string_member_with_default (ev->payload,
                                                                       body_members[m], NULL));
    }
  return g_string_free (body, FALSE);
}

/* Writes the conflict marks the fold decided where they differ from what
 * is stored: the flag, or only its reason (a step that stays a conflict
 * may now meet another state, since an earlier step arrived late). */
static gboolean
update_conflict_marks (FcStore   *self,
                       GPtrArray *events,
                       GPtrArray *before,
                       GError   **error)
{
  g_autoptr(FcStmt) stmt = NULL;

  for (guint i = 0; i < events->len; i++)
    {
      FcEvent *ev = g_ptr_array_index (events, i);
      const char *was = g_ptr_array_index (before, i);   /* reason, "" = no conflict */

      if (g_strcmp0 (was, ev->conflict ? ev->conflict_reason : "") == 0)
        continue;
      if (stmt == NULL &&
          (stmt = fc_stmt_prepare (self->db, "UPDATE events SET conflict = ?1, conflict_reason = ?2 "
                                             "WHERE id = ?3", error)) == NULL)
        return FALSE;
      sqlite3_reset (stmt->stmt);
      fc_stmt_bind_int64 (stmt, 1, ev->conflict);
      fc_stmt_bind_text (stmt, 2, ev->conflict_reason);
      fc_stmt_bind_text (stmt, 3, ev->id);
      if (!fc_stmt_run (stmt, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
read_fts_rowid (FcStore    *self,
                const char *case_id,
                gint64     *out_rowid,
                GError    **error)
{
  g_autoptr(FcStmt) stmt = fc_store_prepare_cached (self, "SELECT fts_rowid FROM cases WHERE id = ?",
                                                    error);
  g_autoptr(GError) local = NULL;

  if (stmt == NULL)
    return FALSE;
  fc_stmt_bind_text (stmt, 1, case_id);
  *out_rowid = fc_stmt_step (stmt, &local) ? fc_stmt_int64 (stmt, 0) : 0;
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

/* Writes a case's row in case_fts: replaces the row at *@inout_rowid when
 * it has one (> 0), else adds one and returns its rowid there. */
static gboolean
index_case (FcStore    *self,
            const char *case_id,
            const char *raw_title,
            const char *raw_body,
            gint64     *inout_rowid,
            GError    **error)
{
  g_autoptr(FcStmt) del = NULL;
  g_autoptr(FcStmt) ins = NULL;
  g_autofree char *body = fc_fts_index_text (raw_body);
  g_autofree char *title = fc_fts_index_text (raw_title);

  if (*inout_rowid > 0)
    {
      del = fc_store_prepare_cached (self, "DELETE FROM case_fts WHERE rowid = ?", error);
      if (del == NULL)
        return FALSE;
      fc_stmt_bind_int64 (del, 1, *inout_rowid);
      if (!fc_stmt_run (del, error))
        return FALSE;
    }
  ins = fc_store_prepare_cached (self, "INSERT INTO case_fts (rowid, case_id, title, body) "
                                   "VALUES (?, ?, ?, ?)", error);
  if (ins == NULL)
    return FALSE;
  if (*inout_rowid > 0)
    fc_stmt_bind_int64 (ins, 1, *inout_rowid);
  fc_stmt_bind_text (ins, 2, case_id);
  fc_stmt_bind_text (ins, 3, title);
  fc_stmt_bind_text (ins, 4, body);
  if (!fc_stmt_run (ins, error))
    return FALSE;
  *inout_rowid = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

static gboolean
write_fts (FcStore          *self,
           const FcCaseFold *fold,
           GPtrArray        *events,
           gint64           *inout_rowid,
           GError          **error)
{
  g_autofree char *raw = case_body (events);

  return index_case (self, fold->case_id, fold->title, raw, inout_rowid, error);
}

/* Binds text that stays where it is until the statement is reset or its
 * bindings cleared (fc_stmt_free does both): SQLite need not copy it. */
static void
bind_kept_text (FcStmt     *stmt,
                int         idx,
                const char *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt->stmt, idx);
  else
    sqlite3_bind_text (stmt->stmt, idx, text, -1, SQLITE_STATIC);
}

static gboolean
write_case_row (FcStore          *self,
                const FcCaseFold *f,
                gint64            fts_rowid,
                GError          **error)
{
  g_autoptr(FcStmt) stmt = NULL;
  gint64 due, warn;
  int i = 1;

  stmt = fc_store_prepare_cached (self,
    "INSERT OR REPLACE INTO cases (id, number, state, is_open, kind, channel, problem_type, "
    "severity, severity_rank, department, customer_id, product_serial, model, title, assignee, "
    "plan_action, approval_required, complex, satisfaction, opened_at, responded_at, agreed_at, "
    "resolved_at, revisit_due, closed_at, waiting_since, waited_ms, last_hlc, n_events, "
    "n_conflicts, next_due, next_warn, fts_rowid) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
    "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", error);
  if (stmt == NULL)
    return FALSE;
  bind_kept_text (stmt, i++, f->case_id);
  bind_kept_text (stmt, i++, f->number);
  bind_kept_text (stmt, i++, fc_case_state_to_string (f->state));
  /* -1 for a case whose opening has not arrived: lists skip it by index. */
  fc_stmt_bind_int64 (stmt, i++, f->state == FC_CASE_STATE_NONE ? -1 : fc_case_state_is_open (f->state));
  bind_kept_text (stmt, i++, f->kind);
  bind_kept_text (stmt, i++, f->channel);
  bind_kept_text (stmt, i++, f->problem_type);
  bind_kept_text (stmt, i++, f->severity);
  fc_stmt_bind_int64 (stmt, i++, severity_rank (f->severity));
  bind_kept_text (stmt, i++, f->department);
  bind_kept_text (stmt, i++, f->customer_id);
  bind_kept_text (stmt, i++, f->product_serial);
  bind_kept_text (stmt, i++, f->model);
  bind_kept_text (stmt, i++, f->title);
  bind_kept_text (stmt, i++, f->assignee);
  bind_kept_text (stmt, i++, f->plan_action);
  fc_stmt_bind_int64 (stmt, i++, f->approval_required);
  fc_stmt_bind_int64 (stmt, i++, f->complex);
  fc_stmt_bind_int64 (stmt, i++, f->satisfaction);
  fc_stmt_bind_int64 (stmt, i++, f->opened_at);
  fc_stmt_bind_int64 (stmt, i++, f->responded_at);
  fc_stmt_bind_int64 (stmt, i++, f->agreed_at);
  fc_stmt_bind_int64 (stmt, i++, f->resolved_at);
  fc_stmt_bind_int64 (stmt, i++, f->revisit_due);
  fc_stmt_bind_int64 (stmt, i++, f->closed_at);
  fc_stmt_bind_int64 (stmt, i++, f->waiting_since);
  fc_stmt_bind_int64 (stmt, i++, f->waited_ms);
  fc_stmt_bind_int64 (stmt, i++, f->last_hlc);
  fc_stmt_bind_int64 (stmt, i++, f->n_events);
  fc_stmt_bind_int64 (stmt, i++, f->n_conflicts);
  due = fc_sla_policy_next_due (self->policy, f);
  warn = fc_sla_policy_next_warn (self->policy, f);
  fc_stmt_bind_int64 (stmt, i++, due != 0 ? due : G_MAXINT64);
  fc_stmt_bind_int64 (stmt, i++, warn != 0 ? warn : G_MAXINT64);
  fc_stmt_bind_int64 (stmt, i++, fts_rowid);
  return fc_stmt_run (stmt, error);
}

/* Folds @events (all of the case's events, in any order) and writes what
 * changed: conflict marks, the FTS row and the case row. With
 * @defer_search, a case not indexed yet (new, or still pending) is only
 * marked FC_STORE_FTS_PENDING; one already indexed is indexed again now,
 * so its search row never goes stale. */
static gboolean
refold_events (FcStore    *self,
               const char *case_id,
               GPtrArray  *events,
               gint64      fts_rowid,
               gboolean    defer_search,
               GError    **error)
{
  g_autoptr(GPtrArray) before = g_ptr_array_new_full (events->len, g_free);
  FcCaseFold fold;
  gboolean ok;

  g_ptr_array_sort (events, fc_event_compare_fold_order);
  for (guint i = 0; i < events->len; i++)
    {
      FcEvent *ev = g_ptr_array_index (events, i);
      g_ptr_array_add (before, g_strdup (ev->conflict && ev->conflict_reason != NULL
                                         ? ev->conflict_reason : ""));
    }
  fc_case_fold_init (&fold, case_id);
  fc_case_fold_events (&fold, events);
  ok = update_conflict_marks (self, events, before, error);
  if (ok && defer_search && fts_rowid <= 0)
    fts_rowid = FC_STORE_FTS_PENDING;
  else if (ok)
    ok = write_fts (self, &fold, events, &fts_rowid, error);
  ok = ok && write_case_row (self, &fold, fts_rowid, error);
  fc_case_fold_clear (&fold);
  return ok;
}

static gboolean
refold_stored_case (FcStore    *self,
                    const char *case_id,
                    gint64      fts_rowid,
                    gboolean    defer_search,
                    GError    **error)
{
  g_autoptr(GPtrArray) events = fc_store_read_events (self, case_id, error);

  return events != NULL && refold_events (self, case_id, events, fts_rowid, defer_search, error);
}

/* A case whose search row waits keeps waiting: the pass indexes it with
 * the text it has then. A new deadline policy refolds every open case on
 * the UI's thread; it should not index thousands of them there. */
gboolean
fc_store_refold_case_in_tx (FcStore    *self,
                            const char *case_id,
                            GError    **error)
{
  gint64 fts_rowid = 0;

  g_assert (self->tx_depth > 0);
  return read_fts_rowid (self, case_id, &fts_rowid, error) &&
         refold_stored_case (self, case_id, fts_rowid, TRUE, error);
}

/* A case this store has never seen (a first sync brings thousands) is
 * folded from the events at hand: reading them back would parse every
 * payload's JSON a second time. Only a case with stored events (a case
 * row, indexed or FC_STORE_FTS_PENDING) is read. */
static gboolean
refold_case_with_new (FcStore    *self,
                      const char *case_id,
                      GPtrArray  *new_events,
                      gboolean    defer_search,
                      GError    **error)
{
  g_autoptr(GPtrArray) events = NULL;
  gint64 fts_rowid = 0;

  if (!read_fts_rowid (self, case_id, &fts_rowid, error))
    return FALSE;
  if (fts_rowid != 0)
    return refold_stored_case (self, case_id, fts_rowid, defer_search, error);
  events = g_ptr_array_new_full (new_events->len, (GDestroyNotify) fc_event_unref);
  for (guint i = 0; i < new_events->len; i++)
    g_ptr_array_add (events, fc_event_ref (g_ptr_array_index (new_events, i)));
  return refold_events (self, case_id, events, 0, defer_search, error);
}

static gboolean
insert_one (FcStore     *self,
            FcStmt      *stmt,
            FcEvent     *ev,
            FcSyncState  state,
            gboolean    *out_new,
            GError     **error)
{
  sqlite3_reset (stmt->stmt);
  bind_kept_text (stmt, 1, ev->id);
  bind_kept_text (stmt, 2, ev->case_id);
  bind_kept_text (stmt, 3, ev->type);
  fc_stmt_bind_int64 (stmt, 4, ev->hlc);
  bind_kept_text (stmt, 5, ev->device);
  bind_kept_text (stmt, 6, ev->author);
  /* The payload as HQ sent it, when the parser kept it: the same JSON,
   * without serialising the parsed object again. */
  if (ev->payload_text != NULL)
    bind_kept_text (stmt, 7, ev->payload_text);
  else
    sqlite3_bind_text (stmt->stmt, 7, fc_event_payload_to_string (ev), -1, g_free);
  fc_stmt_bind_int64 (stmt, 8, state);
  fc_stmt_bind_int64 (stmt, 9, ev->server_seq);
  if (!fc_stmt_run (stmt, error))
    return FALSE;
  *out_new = sqlite3_changes (self->db) > 0;
  return TRUE;
}

static gboolean
insert_events (FcStore    *self,
               GPtrArray  *events,
               FcSyncState state,
               gboolean    defer_search,
               GPtrArray  *inserted,
               GError    **error)
{
  g_autoptr(FcStmt) stmt = NULL;
  /* case id → the case's new events (borrowed from @events) */
  g_autoptr(GHashTable) cases = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                       (GDestroyNotify) g_ptr_array_unref);
  /* The cases in the order they came (a snapshot page's: by id, so their
   * rows go in at the end of the cases table), not the hash table's. */
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  GPtrArray *list = NULL;

  g_assert (self->tx_depth > 0);
  stmt = fc_store_prepare_cached (self, "INSERT OR IGNORE INTO events (id, case_id, type, hlc, "
                                    "device, author, payload, sync_state, server_seq) "
                                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < events->len; i++)
    {
      FcEvent *ev = g_ptr_array_index (events, i);
      gboolean is_new = FALSE;

      if (!insert_one (self, stmt, ev, state, &is_new, error))
        return FALSE;
      fc_hlc_observe (&self->hlc, ev->hlc);
      if (!is_new)
        continue;
      ev->sync_state = state;
      ev->conflict = FALSE;
      g_clear_pointer (&ev->conflict_reason, g_free);
      /* A snapshot page brings its events case after case: the case is
       * looked up only when it changes. */
      if (list == NULL || strcmp (((FcEvent *) list->pdata[0])->case_id, ev->case_id) != 0)
        {
          list = g_hash_table_lookup (cases, ev->case_id);
          if (list == NULL)
            {
              g_hash_table_insert (cases, ev->case_id, (list = g_ptr_array_new ()));
              g_ptr_array_add (order, ev->case_id);
            }
        }
      g_ptr_array_add (list, ev);
      if (inserted != NULL)
        g_ptr_array_add (inserted, fc_event_ref (ev));
    }
  for (guint i = 0; i < order->len; i++)
    {
      const char *case_id = g_ptr_array_index (order, i);
      if (!refold_case_with_new (self, case_id, g_hash_table_lookup (cases, case_id),
                                 defer_search, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
fc_store_insert_events_in_tx (FcStore    *self,
                              GPtrArray  *events,
                              FcSyncState state,
                              GPtrArray  *inserted,
                              GError    **error)
{
  return insert_events (self, events, state, FALSE, inserted, error);
}

/* ---- Sync bookkeeping ---- */

GPtrArray *
fc_store_list_pending (FcStore  *self,
                       guint     limit,
                       GError  **error)
{
  g_autoptr(FcStmt) stmt = NULL;

  g_return_val_if_fail (FC_IS_STORE (self), NULL);
  stmt = fc_stmt_prepare (self->db, "SELECT " FC_EVENT_COLUMNS " FROM events "
                                    "WHERE sync_state = 0 ORDER BY hlc, device, id LIMIT ?", error);
  if (stmt == NULL)
    return NULL;
  fc_stmt_bind_int64 (stmt, 1, limit > 0 ? (gint64) limit : G_MAXINT64);
  return read_event_rows (stmt, error);
}

gint64
fc_store_count_pending (FcStore *self)
{
  g_autoptr(FcStmt) stmt = NULL;

  g_return_val_if_fail (FC_IS_STORE (self), 0);
  stmt = fc_stmt_prepare (self->db, "SELECT count(*) FROM events WHERE sync_state = 0", NULL);
  if (stmt == NULL || !fc_stmt_step (stmt, NULL))
    return 0;
  return fc_stmt_int64 (stmt, 0);
}

GPtrArray *
fc_store_list_rejected (FcStore  *self,
                        GError  **error)
{
  g_autoptr(FcStmt) stmt = NULL;

  g_return_val_if_fail (FC_IS_STORE (self), NULL);
  stmt = fc_stmt_prepare (self->db, "SELECT " FC_EVENT_COLUMNS " FROM events "
                                    "WHERE sync_state = 2 ORDER BY hlc, device, id", error);
  if (stmt == NULL)
    return NULL;
  return read_event_rows (stmt, error);
}

void
fc_sync_receipt_free (FcSyncReceipt *receipt)
{
  if (receipt == NULL)
    return;
  g_free (receipt->event_id);
  g_free (receipt->reject_reason);
  g_free (receipt);
}

static gboolean
apply_receipts (FcStore   *self,
                GPtrArray *receipts,
                GError   **error)
{
  g_autoptr(FcStmt) stmt = NULL;

  if (receipts == NULL || receipts->len == 0)
    return TRUE;
  /* Only a pending event takes a receipt: a late duplicate answer never
   * turns an acknowledged event back into a rejected one. */
  stmt = fc_stmt_prepare (self->db, "UPDATE events SET sync_state = ?1, server_seq = ?2, "
                                    "reject_reason = ?3 WHERE id = ?4 AND sync_state = 0", error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < receipts->len; i++)
    {
      FcSyncReceipt *r = g_ptr_array_index (receipts, i);
      gboolean rejected = r->reject_reason != NULL;

      sqlite3_reset (stmt->stmt);
      fc_stmt_bind_int64 (stmt, 1, rejected ? FC_SYNC_REJECTED : FC_SYNC_ACKED);
      fc_stmt_bind_int64 (stmt, 2, rejected ? 0 : r->server_seq);
      fc_stmt_bind_text (stmt, 3, r->reject_reason);
      fc_stmt_bind_text (stmt, 4, r->event_id);
      if (!fc_stmt_run (stmt, error))
        return FALSE;
    }
  return TRUE;
}

static void
emit_for (FcStore   *self,
          GPtrArray *inserted)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  /* Per-case signals for small batches; a big pull just says "changed". */
  if (inserted->len <= FC_STORE_CASE_SIGNALS_MAX)
    for (guint i = 0; i < inserted->len; i++)
      {
        FcEvent *ev = g_ptr_array_index (inserted, i);
        if (g_hash_table_add (seen, ev->case_id))
          fc_store_emit_case_changed (self, ev->case_id);
      }
  fc_store_emit_case_changed (self, NULL);
}

gboolean
fc_store_apply_sync_quietly_full (FcStore          *self,
                                  GPtrArray        *receipts,
                                  GPtrArray        *incoming,
                                  const char       *cursor,
                                  FcStoreApplyFlags flags,
                                  GPtrArray        *inserted,
                                  GError          **error)
{
  gboolean defer_search = (flags & FC_STORE_APPLY_DEFER_SEARCH) != 0;

  g_return_val_if_fail (FC_IS_STORE (self), FALSE);
  g_return_val_if_fail (inserted != NULL, FALSE);
  if (!fc_store_tx_begin (self, error))
    return FALSE;
  if (!apply_receipts (self, receipts, error) ||
      (incoming != NULL &&
       !insert_events (self, incoming, FC_SYNC_REMOTE, defer_search, inserted, error)) ||
      (cursor != NULL && !fc_store_set_meta (self, "sync.cursor", cursor, error)) ||
      !fc_store_tx_commit (self, error))
    {
      if (self->tx_depth > 0)
        fc_store_tx_rollback (self);
      return FALSE;
    }
  return TRUE;
}

gboolean
fc_store_apply_sync_quietly (FcStore    *self,
                             GPtrArray  *receipts,
                             GPtrArray  *incoming,
                             const char *cursor,
                             GPtrArray  *inserted,
                             GError    **error)
{
  return fc_store_apply_sync_quietly_full (self, receipts, incoming, cursor,
                                           FC_STORE_APPLY_NONE, inserted, error);
}

void
fc_store_announce_applied (FcStore   *self,
                           GPtrArray *inserted,
                           gint64     max_hlc)
{
  g_return_if_fail (FC_IS_STORE (self));
  /* Events written through another connection still move this one's
   * clock: a step recorded next must sort after what just arrived. */
  if (max_hlc > 0)
    fc_hlc_observe (&self->hlc, max_hlc);
  for (guint i = 0; i < inserted->len; i++)
    fc_hlc_observe (&self->hlc, ((FcEvent *) g_ptr_array_index (inserted, i))->hlc);
  emit_for (self, inserted);
}

gboolean
fc_store_apply_sync (FcStore    *self,
                     GPtrArray  *receipts,
                     GPtrArray  *incoming,
                     const char *cursor,
                     GError    **error)
{
  g_autoptr(GPtrArray) inserted = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);

  if (!fc_store_apply_sync_quietly (self, receipts, incoming, cursor, inserted, error))
    return FALSE;
  emit_for (self, inserted);
  return TRUE;
}

gboolean
fc_store_ingest (FcStore    *self,
                 GPtrArray  *events,
                 FcSyncState state,
                 GError    **error)
{
  g_autoptr(GPtrArray) inserted = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);

  g_return_val_if_fail (FC_IS_STORE (self), FALSE);
  for (guint i = 0; i < events->len; i++)
    if (!fc_event_validate (g_ptr_array_index (events, i), error))
      return FALSE;
  if (!fc_store_tx_begin (self, error))
    return FALSE;
  if (!fc_store_insert_events_in_tx (self, events, state, inserted, error) ||
      !fc_store_tx_commit (self, error))
    {
      if (self->tx_depth > 0)
        fc_store_tx_rollback (self);
      return FALSE;
    }
  emit_for (self, inserted);
  return TRUE;
}

/* ---- Search rows left for later ---- */

/* One stored payload's part of case_body(): its members that are texts, in
 * body_members order (a member named twice counts once, the last, as
 * json-glib has it). The payload is walked, never built. */
static gboolean
append_stored_payload (GString    *body,
                       const char *payload,
                       gsize       length,
                       GError    **error)
{
  char *found[G_N_ELEMENTS (body_members)] = { NULL, };
  FcJsonReader r;
  gboolean ok;

  fc_json_reader_init (&r, payload, length);
  ok = fc_json_reader_expect (&r, '{', error);
  while (ok)
    {
      g_autofree char *key = NULL;
      guint m = 0;

      if (!(ok = fc_json_reader_next_member (&r, &key, error)) || key == NULL)
        break;
      while (m < G_N_ELEMENTS (body_members) && strcmp (key, body_members[m]) != 0)
        m++;
      if (m < G_N_ELEMENTS (body_members) && fc_json_reader_peek (&r) == '"')
        {
          g_free (found[m]);
          ok = (found[m] = fc_json_reader_read_string (&r, error)) != NULL;
        }
      else
        ok = fc_json_reader_skip_value (&r, NULL, NULL, error);
    }
  for (guint m = 0; m < G_N_ELEMENTS (body_members); m++)
    {
      if (ok)
        body_append (body, found[m]);
      g_free (found[m]);
    }
  return ok;
}

/* The case's searchable text as case_body() makes it, from its stored
 * events in fold order. */
static char *
stored_body (FcStore    *self,
             const char *case_id,
             GError    **error)
{
  g_autoptr(FcStmt) stmt = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GError) local = NULL;

  stmt = fc_store_prepare_cached (self, "SELECT payload FROM events WHERE case_id = ? "
                                        "ORDER BY hlc, device, id", error);
  if (stmt == NULL)
    return NULL;
  fc_stmt_bind_text (stmt, 1, case_id);
  while (fc_stmt_step (stmt, &local))
    {
      g_autoptr(GError) unreadable = NULL;

      /* A payload that does not read (a damaged file) adds nothing; the
       * case is still found by the rest, and the pass is not stuck on it. */
      if (!append_stored_payload (body, fc_stmt_text (stmt, 0),
                                  sqlite3_column_bytes (stmt->stmt, 0), &unreadable))
        g_debug ("A payload of case %s is left out of search: %s", case_id, unreadable->message);
    }
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return g_string_free (g_steal_pointer (&body), FALSE);
}

/* Up to @max_cases (0: all) pending cases' ids and titles, alternating;
 * read whole before any is written, as indexing moves them in the index
 * this reads. */
static GPtrArray *
read_pending_cases (FcStore  *self,
                    guint     max_cases,
                    GError  **error)
{
  g_autoptr(FcStmt) stmt = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local = NULL;

  stmt = fc_store_prepare_cached (self, "SELECT id, title FROM cases WHERE fts_rowid = ?1 LIMIT ?2",
                                  error);
  if (stmt == NULL)
    return NULL;
  fc_stmt_bind_int64 (stmt, 1, FC_STORE_FTS_PENDING);
  fc_stmt_bind_int64 (stmt, 2, max_cases > 0 ? (gint64) max_cases : -1);
  while (fc_stmt_step (stmt, &local))
    {
      g_ptr_array_add (out, g_strdup (fc_stmt_text (stmt, 0)));
      g_ptr_array_add (out, g_strdup (fc_stmt_text (stmt, 1)));
    }
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return g_steal_pointer (&out);
}

/* Indexes a pending case from what is stored: its events' text and the
 * title its case row has (the fold's, written with it). */
static gboolean
index_stored_case (FcStore    *self,
                   const char *case_id,
                   const char *title,
                   GError    **error)
{
  g_autofree char *body = stored_body (self, case_id, error);
  g_autoptr(FcStmt) stmt = NULL;
  gint64 rowid = 0;

  if (body == NULL || !index_case (self, case_id, title, body, &rowid, error))
    return FALSE;
  stmt = fc_store_prepare_cached (self, "UPDATE cases SET fts_rowid = ?1 WHERE id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  fc_stmt_bind_int64 (stmt, 1, rowid);
  fc_stmt_bind_text (stmt, 2, case_id);
  return fc_stmt_run (stmt, error);
}

gboolean
fc_store_index_pending (FcStore  *self,
                        guint     max_cases,
                        guint    *out_indexed,
                        GError  **error)
{
  g_autoptr(GPtrArray) pending = NULL;
  gboolean ok;

  g_return_val_if_fail (FC_IS_STORE (self), FALSE);
  if (out_indexed != NULL)
    *out_indexed = 0;
  /* The pending set is read inside the transaction: a case indexed
   * meanwhile by another connection (a step recorded on it) is not
   * pending any more, so no case is ever indexed twice. */
  if (!fc_store_tx_begin (self, error))
    return FALSE;
  pending = read_pending_cases (self, max_cases, error);
  ok = pending != NULL;
  for (guint i = 0; ok && i < pending->len; i += 2)
    ok = index_stored_case (self, g_ptr_array_index (pending, i),
                            g_ptr_array_index (pending, i + 1), error);
  if (!ok || !fc_store_tx_commit (self, error))
    {
      if (self->tx_depth > 0)
        fc_store_tx_rollback (self);
      return FALSE;
    }
  if (out_indexed != NULL)
    *out_indexed = pending->len / 2;
  return TRUE;
}

gboolean
fc_store_has_index_pending (FcStore *self)
{
  g_autoptr(FcStmt) stmt = NULL;

  g_return_val_if_fail (FC_IS_STORE (self), FALSE);
  /* An index lookup (cases_by_fts), cheap enough for every sync cycle. */
  stmt = fc_store_prepare_cached (self, "SELECT 1 FROM cases WHERE fts_rowid = ? LIMIT 1", NULL);
  if (stmt == NULL)
    return FALSE;
  fc_stmt_bind_int64 (stmt, 1, FC_STORE_FTS_PENDING);
  return fc_stmt_step (stmt, NULL);
}
