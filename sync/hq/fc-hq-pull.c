/* fc-hq-pull.c: the events a device lacks, as JSON text.
 *
 * The hot path of a first sync: tens of thousands of events per response.
 * One prepared statement walks hq_log by seq (CROSS JOIN pins that order,
 * so the scan stops at the limit) and each row is written straight into the
 * output: the payload is stored as JSON text already, so it is copied, not
 * parsed and serialised again.
 *
 * A device's first pull is a snapshot instead (fc_hq_store_pull_snapshot):
 * the cases of its scope, each whole, in case-id order, as they stood at
 * one seq. A case then arrives in one page and is folded once on the
 * device, where seq order would spread a case's events over every page
 * (and refold it on each).
 *
 * Scope is the case's current one: its outlet, or its assignee for an
 * engineer's device. A case that entered the device's scope by an
 * assignment after the cursor also needs its history from before the
 * cursor; that history is written just before the assignment event.
 */
#include "fc-hq-store-private.h"
#include "fc-hq-wire.h"

#include <string.h>

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

/* A case's events up to seq ?2 the device did not send, after seq ?4, at
 * most ?5 of them (-1: all). */
static const char history_sql[] =
  EVENT_SELECT
  "FROM hq_log l CROSS JOIN events e "
  "WHERE l.case_id = ?1 AND l.seq <= ?2 AND l.device IS NOT ?3 AND l.seq > ?4 "
  "AND e.id = l.event_id ORDER BY l.seq LIMIT ?5";

static const char scope_cases_sql[] =
  "SELECT case_id FROM hq_cases WHERE case_id > ?1 AND (outlet = ?2 OR assignee = ?3) "
  "ORDER BY case_id";

typedef struct {
  FcHqStore        *store;
  const FcHqDevice *device;
  gint64            after;
  FcHqPullFormat    format;
  GString          *out;
  guint             count;     /* events written */
  GHashTable       *filled;    /* case ids whose history was written */
  gint64            last_seq;  /* of the last event written (snapshots) */
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
  fc_stmt_bind_int64 (stmt, 4, 0);
  fc_stmt_bind_int64 (stmt, 5, -1);
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
  Pull p = { self, device, MAX (after, 0), format, out, 0, filled, 0 };
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

/* ---- The first pull: a snapshot, case by case ---- */

/* Where a snapshot page starts or ends: after @case_id, or inside it after
 * @seq when the case was too big for the page. */
typedef struct {
  char   *case_id;
  gint64  seq;     /* 0: the case is done */
} SnapshotPos;

/* Writes one case's events after @pos->seq, at most @room of them;
 * @pos->seq becomes the last one written, or 0 when the case is done. */
static gboolean
write_case_part (Pull        *p,
                 FcStmt      *part,
                 gint64       snapshot,
                 SnapshotPos *pos,
                 guint        room,
                 GError     **error)
{
  g_autoptr(GError) local = NULL;
  guint n = 0;

  sqlite3_reset (part->stmt);
  fc_stmt_bind_text (part, 1, pos->case_id);
  fc_stmt_bind_int64 (part, 2, snapshot);
  fc_stmt_bind_text (part, 3, p->device->device_id);
  fc_stmt_bind_int64 (part, 4, pos->seq);
  /* One more than room: its presence says the case goes on. */
  fc_stmt_bind_int64 (part, 5, (gint64) room + 1);
  pos->seq = 0;
  while (fc_stmt_step (part, &local))
    {
      if (n == room)
        {
          pos->seq = p->last_seq;
          break;
        }
      write_event (p, part);
      p->last_seq = fc_stmt_int64 (part, 0);
      n++;
    }
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

/* Writes the cases in scope from @pos on (up to seq @snapshot), in case-id
 * order, until @limit events are written. @pos becomes where the next page
 * starts, its case_id NULL when every case is out. */
static gboolean
write_snapshot_cases (Pull        *p,
                      gint64       snapshot,
                      SnapshotPos *pos,
                      guint        limit,
                      GError     **error)
{
  g_autoptr(FcStmt) cases = NULL;
  g_autoptr(FcStmt) part = NULL;
  g_autoptr(GError) local = NULL;

  part = fc_store_prepare_cached (p->store->core, history_sql, error);
  if (part == NULL)
    return FALSE;
  /* A case cut by the page before goes on first. */
  if (pos->seq > 0)
    {
      if (!write_case_part (p, part, snapshot, pos, limit, error))
        return FALSE;
      if (pos->seq > 0)
        return TRUE;
    }
  cases = fc_store_prepare_cached (p->store->core, scope_cases_sql, error);
  if (cases == NULL)
    return FALSE;
  fc_stmt_bind_text (cases, 1, pos->case_id != NULL ? pos->case_id : "");
  fc_stmt_bind_text (cases, 2, p->device->outlet);
  fc_stmt_bind_text (cases, 3, p->device->engineer);
  while (fc_stmt_step (cases, &local))
    {
      if (p->count >= limit)
        return TRUE;   /* @pos: the last case written, done */
      g_free (pos->case_id);
      pos->case_id = g_strdup (fc_stmt_text (cases, 0));
      if (!write_case_part (p, part, snapshot, pos, limit - p->count, error))
        return FALSE;
      if (pos->seq > 0)
        return TRUE;
    }
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  g_clear_pointer (&pos->case_id, g_free);
  return TRUE;
}

gboolean
fc_hq_store_pull_snapshot (FcHqStore        *self,
                           const FcHqDevice *device,
                           const char       *cursor,
                           guint             limit,
                           GString          *out,
                           char            **out_cursor,
                           gboolean         *out_more,
                           guint            *out_count,
                           GError          **error)
{
  Pull p = { self, device, 0, FC_HQ_PULL_JSON_ARRAY, out, 0, NULL, 0 };
  SnapshotPos pos = { NULL, 0 };
  gint64 snapshot = 0, newest;
  gboolean ok;

  g_return_val_if_fail (FC_HQ_IS_STORE (self), FALSE);
  g_return_val_if_fail (device != NULL, FALSE);
  g_return_val_if_fail (limit > 0, FALSE);
  if (cursor != NULL && *cursor != '\0' &&
      !fc_hq_snapshot_cursor_parse (cursor, &snapshot, &pos.case_id, &pos.seq))
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "Not a snapshot cursor");
      return FALSE;
    }
  /* One read snapshot for the page, as in fc_hq_store_pull(). */
  if (!fc_db_exec (self->db, "BEGIN", error))
    {
      g_free (pos.case_id);
      return FALSE;
    }
  newest = fc_hq_store_last_seq (self);
  if (snapshot <= 0)
    snapshot = newest;
  ok = write_snapshot_cases (&p, snapshot, &pos, limit, error);
  fc_db_exec (self->db, "COMMIT", NULL);
  if (!ok)
    {
      g_free (pos.case_id);
      return FALSE;
    }
  if (pos.case_id != NULL)
    {
      *out_cursor = fc_hq_snapshot_cursor_format (snapshot, pos.case_id, pos.seq);
      *out_more = TRUE;
      g_free (pos.case_id);
    }
  else
    {
      /* Every case is here as of @snapshot: what came later follows by seq. */
      *out_cursor = g_strdup_printf ("%" G_GINT64_FORMAT, snapshot);
      *out_more = newest > snapshot;
    }
  *out_count = p.count;
  return TRUE;
}

char *
fc_hq_snapshot_cursor_format (gint64      snapshot,
                              const char *case_id,
                              gint64      seq)
{
  if (seq > 0)
    return g_strdup_printf ("s%" G_GINT64_FORMAT ":%s:%" G_GINT64_FORMAT, snapshot, case_id, seq);
  return g_strdup_printf ("s%" G_GINT64_FORMAT ":%s", snapshot, case_id);
}

static gboolean
parse_digits (const char *start,
              const char *end,
              gint64     *out)
{
  gint64 v = 0;

  if (end <= start || end - start > 18)
    return FALSE;
  for (const char *q = start; q < end; q++)
    {
      if (!g_ascii_isdigit (*q))
        return FALSE;
      v = v * 10 + (*q - '0');
    }
  *out = v;
  return TRUE;
}

gboolean
fc_hq_snapshot_cursor_parse (const char  *text,
                             gint64      *out_snapshot,
                             char       **out_case_id,
                             gint64      *out_seq)
{
  const char *colon, *case_end, *end;
  gint64 snapshot = 0, seq = 0;

  if (text == NULL || text[0] != 's' || strlen (text) > 96 ||
      (colon = strchr (text, ':')) == NULL || !parse_digits (text + 1, colon, &snapshot))
    return FALSE;
  end = text + strlen (text);
  case_end = strchr (colon + 1, ':');
  if (case_end != NULL && (!parse_digits (case_end + 1, end, &seq) || seq <= 0))
    return FALSE;
  if (case_end == NULL)
    case_end = end;
  /* Case ids are UUIDs: hex digits and dashes, nothing to escape. */
  for (const char *q = colon + 1; q < case_end; q++)
    if (!g_ascii_isxdigit (*q) && *q != '-')
      return FALSE;
  if (snapshot <= 0 || case_end == colon + 1)
    return FALSE;
  *out_snapshot = snapshot;
  *out_case_id = g_strndup (colon + 1, case_end - colon - 1);
  *out_seq = seq;
  return TRUE;
}
