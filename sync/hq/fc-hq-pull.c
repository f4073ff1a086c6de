/* fc-hq-pull.c: the events a device lacks, as JSON text.
 *
 * The hot path of a first sync: tens of thousands of events per response.
 * One prepared statement walks hq_log by seq (CROSS JOIN pins that order,
 * so the scan stops at the limit) and each row is written straight into the
 * output: the payload is stored as JSON text already, so it is copied, not
 * parsed and serialised again.
 *
 * Scope is the case's current one: its outlet, or its assignee for an
 * engineer's device. A case that entered the device's scope by an
 * assignment after the cursor also needs its history from before the
 * cursor; that history is written just before the assignment event.
 */
#include "fc-hq-store-private.h"
#include "fc-hq-wire.h"

#define EVENT_SELECT \
  "SELECT l.seq, e.id, e.case_id, e.type, e.hlc, e.device, e.author, e.payload, " \
  "CASE WHEN e.type = 'case.assigned' THEN json_extract (e.payload, '$.assignee') END "

static const char scoped_sql[] =
  EVENT_SELECT
  "FROM hq_log l CROSS JOIN hq_cases h CROSS JOIN events e "
  "WHERE l.seq > ?1 AND l.device IS NOT ?2 AND h.case_id = l.case_id "
  "AND (h.outlet = ?3 OR h.assignee = ?4) AND e.id = l.event_id "
  "ORDER BY l.seq LIMIT ?5";

static const char feed_sql[] =
  EVENT_SELECT
  "FROM hq_log l CROSS JOIN events e "
  "WHERE l.seq > ?1 AND e.id = l.event_id ORDER BY l.seq LIMIT ?5";

static const char history_sql[] =
  EVENT_SELECT
  "FROM hq_log l CROSS JOIN events e "
  "WHERE l.case_id = ?1 AND l.seq <= ?2 AND l.device IS NOT ?3 AND e.id = l.event_id "
  "ORDER BY l.seq";

typedef struct {
  FcHqStore        *store;
  const FcHqDevice *device;
  gint64            after;
  FcHqPullFormat    format;
  GString          *out;
  guint             count;     /* events written */
  GHashTable       *filled;    /* case ids whose history was written */
} Pull;

static void
write_event (Pull   *p,
             FcStmt *stmt)
{
  GString *out = p->out;

  if (p->count > 0)
    g_string_append_c (out, p->format == FC_HQ_PULL_NDJSON ? '\n' : ',');
  /* id, case_id and type were validated at ingest (UUIDs, a known type):
   * they need no escaping; device and author might. */
  g_string_append_printf (out, "{\"seq\":%" G_GINT64_FORMAT ",\"id\":\"%s\",\"case_id\":\"%s\","
                          "\"type\":\"%s\",\"hlc\":%" G_GINT64_FORMAT ",\"device\":",
                          fc_stmt_int64 (stmt, 0), fc_stmt_text (stmt, 1), fc_stmt_text (stmt, 2),
                          fc_stmt_text (stmt, 3), fc_stmt_int64 (stmt, 4));
  fc_hq_wire_append_string (out, fc_stmt_text (stmt, 5));
  g_string_append (out, ",\"author\":");
  fc_hq_wire_append_string (out, fc_stmt_text (stmt, 6));
  g_string_append (out, ",\"payload\":");
  g_string_append (out, fc_stmt_text (stmt, 7));
  g_string_append_c (out, '}');
  p->count++;
}

/* The rows of @stmt, all of them. */
static gboolean
write_rows (Pull    *p,
            FcStmt  *stmt,
            GError **error)
{
  g_autoptr(GError) local = NULL;

  while (fc_stmt_step (stmt, &local))
    write_event (p, stmt);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

/* Before an assignment that brings a case of another outlet to this
 * engineer: the case's events the device could not have had. */
static gboolean
maybe_fill_history (Pull    *p,
                    FcStmt  *row,
                    GError **error)
{
  const char *assignee = fc_stmt_text (row, 8);
  const char *case_id = fc_stmt_text (row, 2);
  g_autofree char *outlet = NULL;
  g_autoptr(FcStmt) stmt = NULL;

  if (p->device == NULL || p->device->engineer == NULL || p->after == 0 ||
      g_strcmp0 (assignee, p->device->engineer) != 0 ||
      g_hash_table_contains (p->filled, case_id))
    return TRUE;
  outlet = fc_hq_store_dup_case_outlet (p->store, case_id);
  if (g_strcmp0 (outlet, p->device->outlet) == 0)
    return TRUE;
  g_hash_table_add (p->filled, g_strdup (case_id));
  stmt = fc_stmt_prepare (p->store->db, history_sql, error);
  if (stmt == NULL)
    return FALSE;
  fc_stmt_bind_text (stmt, 1, case_id);
  fc_stmt_bind_int64 (stmt, 2, p->after);
  fc_stmt_bind_text (stmt, 3, p->device->device_id);
  return write_rows (p, stmt, error);
}

static gboolean
write_page (Pull     *p,
            guint     limit,
            gint64   *out_last_seq,
            gboolean *out_more,
            GError  **error)
{
  g_autoptr(FcStmt) stmt = NULL;
  g_autoptr(GError) local = NULL;
  guint rows = 0;

  stmt = fc_store_prepare_cached (p->store->core, p->device != NULL ? scoped_sql : feed_sql, error);
  if (stmt == NULL)
    return FALSE;
  fc_stmt_bind_int64 (stmt, 1, p->after);
  if (p->device != NULL)
    {
      fc_stmt_bind_text (stmt, 2, p->device->device_id);
      fc_stmt_bind_text (stmt, 3, p->device->outlet);
      fc_stmt_bind_text (stmt, 4, p->device->engineer);
    }
  /* One more than asked: its presence is "more". */
  fc_stmt_bind_int64 (stmt, 5, (gint64) limit + 1);
  *out_more = FALSE;
  while (fc_stmt_step (stmt, &local))
    {
      if (rows == limit)
        {
          *out_more = TRUE;
          break;
        }
      if (!maybe_fill_history (p, stmt, error))
        return FALSE;
      write_event (p, stmt);
      *out_last_seq = fc_stmt_int64 (stmt, 0);
      rows++;
    }
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

gboolean
fc_hq_store_pull (FcHqStore        *self,
                  const FcHqDevice *device,
                  gint64            after,
                  guint             limit,
                  FcHqPullFormat    format,
                  GString          *out,
                  gint64           *out_cursor,
                  gboolean         *out_more,
                  guint            *out_count,
                  GError          **error)
{
  g_autoptr(GHashTable) filled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Pull p = { self, device, MAX (after, 0), format, out, 0, filled };
  gint64 last = p.after;
  gboolean ok;

  g_return_val_if_fail (FC_HQ_IS_STORE (self), FALSE);
  g_return_val_if_fail (limit > 0, FALSE);
  /* One read snapshot: the page and the last seq must agree, or an event
   * committed between them (by the admin CLI) would be skipped. */
  if (!fc_db_exec (self->db, "BEGIN", error))
    return FALSE;
  ok = write_page (&p, limit, &last, out_more, error);
  /* Nothing more in scope: the cursor moves past everything, so the next
   * no-op sync does not scan other outlets' events again. */
  if (ok && !*out_more)
    last = MAX (last, fc_hq_store_last_seq (self));
  fc_db_exec (self->db, "COMMIT", NULL);
  if (!ok)
    return FALSE;
  *out_cursor = last;
  *out_count = p.count;
  return TRUE;
}
