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
 * (and refold it on each). One statement walks the cases and their logs
 * for the whole page; a device that reads columns gets the page as one
 * object of columns (dictionaries, deltas, derived ids left out), which
 * gzip folds far better than one object per event.
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

/* ---- The first pull: a snapshot, case by case ---- */

/* The cases of the scope from case ?1 on (after seq ?2 within case ?1
 * itself: the rest of a case cut by the page before, or nothing once it is
 * done), each with its events up to the snapshot ?5 that the device did not
 * send. One statement for the page: hq_cases is walked by its key and each
 * case's log by hq_log_by_case (case_id, seq), so the rows come in page
 * order without a sort and the scan stops at the LIMIT.
 * "ORDER BY h.case_id" alone: SQLite (3.40) cannot tell that the key of a
 * WITHOUT ROWID table with nullable columns is distinct, and would add a
 * sorter for ", l.seq" that copies every payload once more. The inner loop
 * reads hq_log_by_case in seq order for its case already (EXPLAIN QUERY
 * PLAN: SEARCH h USING PRIMARY KEY, SEARCH l USING INDEX hq_log_by_case,
 * SEARCH e USING PRIMARY KEY); write_snapshot_rows() checks it. */
static const char snapshot_sql[] =
  "SELECT l.seq, e.id, e.case_id, e.type, e.hlc, e.device, e.author, e.payload "
  "FROM hq_cases h CROSS JOIN hq_log l CROSS JOIN events e "
  "WHERE h.case_id >= ?1 AND (h.outlet = ?3 OR h.assignee = ?4) "
  "AND l.case_id = h.case_id AND l.seq > (CASE WHEN h.case_id = ?1 THEN ?2 ELSE 0 END) "
  "AND l.seq <= ?5 AND l.device IS NOT ?6 AND e.id = l.event_id "
  "ORDER BY h.case_id LIMIT ?7";

/* Where a snapshot page starts or ends: after @case_id, or inside it after
 * @seq when the case was too big for the page. */
typedef struct {
  char   *case_id;
  gint64  seq;     /* 0: the case is done */
} SnapshotPos;

/* ---- Columns (docs/sync-protocol.md, "snapshot-columns") ---- */

typedef struct {
  guint   index;
  guint64 node;    /* devices: fc_event_id_node(), hashed once per page */
} DictEntry;

/* One of the page's dictionaries: its texts in order of first use. */
typedef struct {
  GHashTable *entries;   /* text → DictEntry* */
  GString    *json;      /* the texts, comma-separated */
  DictEntry  *last;      /* consecutive rows mostly repeat a text */
  const char *last_text; /* owned by @entries */
} Dict;

enum {
  COL_CASES, COL_COUNTS, COL_TYPE, COL_DEVICE, COL_AUTHOR, COL_MS, COL_CTR, COL_ID, COL_PAYLOAD,
  N_COLS
};

static const char *const column_names[N_COLS] = {
  "cases", "counts", "type", "device", "author", "ms", "ctr", "id", "payload",
};

typedef struct {
  Dict     devices, authors, types;
  GString *cols[N_COLS];   /* each column's values, comma-separated */
  guint    case_events;    /* of the case being written */
  gint64   prev_ms;        /* its previous event's */
} Columns;

static void
dict_init (Dict *d)
{
  d->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  d->json = g_string_new (NULL);
  d->last = NULL;
  d->last_text = NULL;
}

static void
dict_clear (Dict *d)
{
  g_hash_table_unref (d->entries);
  g_string_free (d->json, TRUE);
}

static DictEntry *
dict_lookup (Dict       *d,
             const char *text,
             gboolean    is_device)
{
  DictEntry *e;
  char *key;

  if (d->last != NULL && strcmp (d->last_text, text) == 0)
    return d->last;
  if (!g_hash_table_lookup_extended (d->entries, text, (gpointer *) &key, (gpointer *) &e))
    {
      e = g_new (DictEntry, 1);
      e->index = g_hash_table_size (d->entries);
      e->node = is_device ? fc_event_id_node (text) : 0;
      key = g_strdup (text);
      g_hash_table_insert (d->entries, key, e);
      if (d->json->len > 0)
        g_string_append_c (d->json, ',');
      fc_hq_wire_append_string (d->json, text);
    }
  d->last = e;
  d->last_text = key;
  return e;
}

static void
columns_init (Columns *c,
              guint    limit)
{
  dict_init (&c->devices);
  dict_init (&c->authors);
  dict_init (&c->types);
  for (guint i = 0; i < N_COLS; i++)
    c->cols[i] = g_string_sized_new (i == COL_PAYLOAD ? 160 * (gsize) limit : 4 * (gsize) limit);
  c->case_events = 0;
  c->prev_ms = 0;
}

static void
columns_clear (Columns *c)
{
  dict_clear (&c->devices);
  dict_clear (&c->authors);
  dict_clear (&c->types);
  for (guint i = 0; i < N_COLS; i++)
    g_string_free (c->cols[i], TRUE);
}

/* A separator before every value but a column's first. */
static GString *
column (Columns *c,
        guint    col)
{
  GString *s = c->cols[col];

  if (s->len > 0)
    g_string_append_c (s, ',');
  return s;
}

/* Decimal digits without printf: five numbers per event, 20,000 events. */
static void
append_int (GString *out,
            gint64   v)
{
  char buf[24];
  char *q = buf + sizeof buf;
  guint64 u = v < 0 ? -(guint64) v : (guint64) v;

  do
    *--q = (char) ('0' + u % 10);
  while ((u /= 10) != 0);
  if (v < 0)
    *--q = '-';
  g_string_append_len (out, q, buf + sizeof buf - q);
}

/* Ids are UUIDs (checked at ingest): quoted, never escaped; NULL when the
 * device derives it itself. */
static void
append_id (GString    *out,
           const char *id,
           const char *derived)
{
  if (strcmp (id, derived) == 0)
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append_c (out, '"');
  g_string_append (out, id);
  g_string_append_c (out, '"');
}

static void
columns_end_case (Columns *c)
{
  if (c->case_events > 0)
    append_int (column (c, COL_COUNTS), c->case_events);
  c->case_events = 0;
  c->prev_ms = 0;
}

/* One event of @row (an snapshot_sql row); @new_case: the first of its
 * case in this page. */
static void
columns_add (Columns  *c,
             FcStmt   *row,
             gboolean  new_case)
{
  gint64 hlc = fc_stmt_int64 (row, 4);
  gint64 ms = FC_HLC_MS (hlc);
  DictEntry *dev = dict_lookup (&c->devices, fc_stmt_text (row, 5), TRUE);
  char derived[37];

  fc_event_id_format (hlc, dev->node, derived);
  if (new_case)
    {
      columns_end_case (c);
      append_id (column (c, COL_CASES), fc_stmt_text (row, 2), derived);
    }
  append_int (column (c, COL_TYPE), dict_lookup (&c->types, fc_stmt_text (row, 3), FALSE)->index);
  append_int (column (c, COL_DEVICE), dev->index);
  append_int (column (c, COL_AUTHOR), dict_lookup (&c->authors, fc_stmt_text (row, 6), FALSE)->index);
  append_int (column (c, COL_MS), ms - c->prev_ms);
  append_int (column (c, COL_CTR), FC_HLC_COUNTER (hlc));
  append_id (column (c, COL_ID), fc_stmt_text (row, 1), derived);
  /* Stored as JSON text already: copied, not parsed. */
  g_string_append_len (column (c, COL_PAYLOAD), fc_stmt_text (row, 7),
                       sqlite3_column_bytes (row->stmt, 7));
  c->prev_ms = ms;
  c->case_events++;
}

/* The "snapshot" object, into @out. */
static void
columns_finish (Columns *c,
                GString *out)
{
  columns_end_case (c);
  g_string_append (out, "{\"devices\":[");
  g_string_append_len (out, c->devices.json->str, c->devices.json->len);
  g_string_append (out, "],\"authors\":[");
  g_string_append_len (out, c->authors.json->str, c->authors.json->len);
  g_string_append (out, "],\"types\":[");
  g_string_append_len (out, c->types.json->str, c->types.json->len);
  g_string_append (out, "]");
  for (guint i = 0; i < N_COLS; i++)
    {
      g_string_append (out, ",\"");
      g_string_append (out, column_names[i]);
      g_string_append (out, "\":[");
      g_string_append_len (out, c->cols[i]->str, c->cols[i]->len);
      g_string_append_c (out, ']');
    }
  g_string_append_c (out, '}');
}

void
fc_hq_snapshot_columns_append_empty (GString *out)
{
  Columns c;

  columns_init (&c, 0);
  columns_finish (&c, out);
  columns_clear (&c);
}

/* ---- The snapshot page ---- */

/* Writes the page from @pos on (up to seq @snapshot), at most @limit
 * events, per event or into @cols. @pos becomes where the next page
 * starts, its case_id NULL when every case is out. */
static gboolean
write_snapshot_rows (Pull        *p,
                     Columns     *cols,
                     gint64       snapshot,
                     SnapshotPos *pos,
                     guint        limit,
                     GError     **error)
{
  g_autoptr(FcStmt) stmt = NULL;
  g_autoptr(GError) local = NULL;
  gint64 last_seq = 0;

  stmt = fc_store_prepare_cached (p->store->core, snapshot_sql, error);
  if (stmt == NULL)
    return FALSE;
  fc_stmt_bind_text (stmt, 1, pos->case_id != NULL ? pos->case_id : "");
  /* A case done on the page before has nothing left after seq "max". */
  fc_stmt_bind_int64 (stmt, 2, pos->seq > 0 ? pos->seq : G_MAXINT64);
  fc_stmt_bind_text (stmt, 3, p->device->outlet);
  fc_stmt_bind_text (stmt, 4, p->device->engineer);
  fc_stmt_bind_int64 (stmt, 5, snapshot);
  fc_stmt_bind_text (stmt, 6, p->device->device_id);
  /* One more than asked: it says whether the last case goes on. */
  fc_stmt_bind_int64 (stmt, 7, (gint64) limit + 1);
  while (fc_stmt_step (stmt, &local))
    {
      const char *case_id = fc_stmt_text (stmt, 2);
      gboolean same = pos->case_id != NULL && strcmp (case_id, pos->case_id) == 0;

      if (same && fc_stmt_int64 (stmt, 0) <= last_seq)
        {
          g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "A snapshot case came out of seq order");
          return FALSE;
        }
      if (p->count == limit)
        {
          pos->seq = same ? last_seq : 0;
          return TRUE;
        }
      if (!same)
        {
          g_free (pos->case_id);
          pos->case_id = g_strdup (case_id);
        }
      if (cols != NULL)
        {
          /* A cut case's rest starts a case entry of its own. */
          columns_add (cols, stmt, !same || p->count == 0);
          p->count++;
        }
      else
        write_event (p, stmt);
      last_seq = fc_stmt_int64 (stmt, 0);
    }
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  g_clear_pointer (&pos->case_id, g_free);
  pos->seq = 0;
  return TRUE;
}

gboolean
fc_hq_store_pull_snapshot (FcHqStore        *self,
                           const FcHqDevice *device,
                           const char       *cursor,
                           guint             limit,
                           FcHqPullFormat    format,
                           GString          *out,
                           char            **out_cursor,
                           gboolean         *out_more,
                           guint            *out_count,
                           GError          **error)
{
  Pull p = { self, device, 0, FC_HQ_PULL_JSON_ARRAY, out, 0, NULL };
  SnapshotPos pos = { NULL, 0 };
  Columns cols = { 0 };
  gint64 snapshot = 0, newest;
  gboolean ok;

  g_return_val_if_fail (FC_HQ_IS_STORE (self), FALSE);
  g_return_val_if_fail (device != NULL, FALSE);
  g_return_val_if_fail (limit > 0, FALSE);
  g_return_val_if_fail (format == FC_HQ_PULL_JSON_ARRAY || format == FC_HQ_PULL_COLUMNS, FALSE);
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
  if (format == FC_HQ_PULL_COLUMNS)
    columns_init (&cols, limit);
  ok = write_snapshot_rows (&p, format == FC_HQ_PULL_COLUMNS ? &cols : NULL, snapshot, &pos,
                            limit, error);
  fc_db_exec (self->db, "COMMIT", NULL);
  if (format == FC_HQ_PULL_COLUMNS)
    {
      if (ok)
        columns_finish (&cols, out);
      columns_clear (&cols);
    }
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
