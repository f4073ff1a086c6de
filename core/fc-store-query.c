/* fc-store-query.c: reading cases, timelines, deadlines, search, export. */
#include "fc-store-private.h"
#include "fc-fts.h"

#include <string.h>

#define DAY_MS (G_GINT64_CONSTANT (86400000))

static char *
dup_col (FcStmt *stmt,
         int     col)
{
  return g_strdup (fc_stmt_text (stmt, col));
}

FcCase *
fc_store_case_from_row (FcStmt *stmt)
{
  FcCaseFold f;
  int i = 0;

  fc_case_fold_init (&f, fc_stmt_text (stmt, i++));
  f.number = dup_col (stmt, i++);
  f.state = fc_case_state_from_string (fc_stmt_text (stmt, i++));
  f.kind = dup_col (stmt, i++);
  f.channel = dup_col (stmt, i++);
  f.problem_type = dup_col (stmt, i++);
  f.severity = dup_col (stmt, i++);
  f.department = dup_col (stmt, i++);
  f.customer_id = dup_col (stmt, i++);
  f.product_serial = dup_col (stmt, i++);
  f.model = dup_col (stmt, i++);
  f.title = dup_col (stmt, i++);
  f.assignee = dup_col (stmt, i++);
  f.plan_action = dup_col (stmt, i++);
  f.approval_required = fc_stmt_int64 (stmt, i++) != 0;
  f.complex = fc_stmt_int64 (stmt, i++) != 0;
  f.satisfaction = (int) fc_stmt_int64 (stmt, i++);
  f.opened_at = fc_stmt_int64 (stmt, i++);
  f.responded_at = fc_stmt_int64 (stmt, i++);
  f.agreed_at = fc_stmt_int64 (stmt, i++);
  f.resolved_at = fc_stmt_int64 (stmt, i++);
  f.revisit_due = fc_stmt_int64 (stmt, i++);
  f.closed_at = fc_stmt_int64 (stmt, i++);
  f.waiting_since = fc_stmt_int64 (stmt, i++);
  f.waited_ms = fc_stmt_int64 (stmt, i++);
  f.last_hlc = fc_stmt_int64 (stmt, i++);
  f.n_events = (guint) fc_stmt_int64 (stmt, i++);
  f.n_conflicts = (guint) fc_stmt_int64 (stmt, i++);
  {
    gint64 next_due = fc_stmt_int64 (stmt, i++);
    if (next_due == G_MAXINT64)
      next_due = 0;
    const char *customer = fc_stmt_text (stmt, i++);
    return fc_case_new_take (&f, customer, next_due);
  }
}

static GPtrArray *
read_case_rows (FcStmt  *stmt,
                GError **error)
{
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) local = NULL;

  while (fc_stmt_step (stmt, &local))
    g_ptr_array_add (cases, fc_store_case_from_row (stmt));
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return g_steal_pointer (&cases);
}

FcCase *
fc_store_get_case (FcStore    *self,
                   const char *case_id_or_number,
                   GError    **error)
{
  g_autoptr(FcStmt) stmt = NULL;
  g_autoptr(GPtrArray) rows = NULL;

  g_return_val_if_fail (FC_IS_STORE (self), NULL);
  g_return_val_if_fail (case_id_or_number != NULL, NULL);

  stmt = fc_store_prepare_cached (self, "SELECT " FC_CASE_COLUMNS " FROM " FC_CASE_FROM
                                    " WHERE c.id = ?1 OR c.number = ?1 LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  fc_stmt_bind_text (stmt, 1, case_id_or_number);
  rows = read_case_rows (stmt, error);
  if (rows == NULL)
    return NULL;
  if (rows->len == 0)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_NOT_FOUND, "No case “%s”", case_id_or_number);
      return NULL;
    }
  return g_object_ref (g_ptr_array_index (rows, 0));
}

GPtrArray *
fc_store_list_events (FcStore    *self,
                      const char *case_id,
                      GError    **error)
{
  g_return_val_if_fail (FC_IS_STORE (self), NULL);
  return fc_store_read_events (self, case_id, error);
}

GPtrArray *
fc_store_list_deadlines (FcStore    *self,
                         const char *case_id,
                         GError    **error)
{
  g_autoptr(FcCase) c = fc_store_get_case (self, case_id, error);

  if (c == NULL)
    return NULL;
  return fc_sla_policy_evaluate (self->policy, fc_case_get_fold (c),
                                 fc_clock_now_ms (self->clock));
}

/* ---- Lists ---- */

/* The WHERE clause for a query, with its parameters bound by number: ?1
 * assignee, ?2 state, ?3 now, ?4 text, ?5 start of today, ?6 end of today.
 * Only fixed SQL text is ever put together here; values are bound. */
static void
append_where (GString           *sql,
              const FcCaseQuery *q,
              const char        *match)
{
  /* A case whose opening has not arrived yet (is_open = -1) is not listed;
   * testing is_open, not state, keeps the scan on the index (5x faster). */
  g_string_append (sql, " WHERE c.is_open >= 0");
  switch (q->filter)
    {
    case FC_CASE_FILTER_OPEN:
      g_string_append (sql, " AND c.is_open = 1");
      break;
    case FC_CASE_FILTER_AT_RISK:
      g_string_append (sql, " AND c.is_open = 1 AND c.next_warn <= ?3");
      break;
    case FC_CASE_FILTER_OVERDUE:
      g_string_append (sql, " AND c.is_open = 1 AND c.next_due <= ?3");
      break;
    case FC_CASE_FILTER_RETURNS:
      g_string_append (sql, " AND c.kind = 'return'");
      break;
    case FC_CASE_FILTER_TODAY:
      g_string_append (sql, " AND c.is_open = 1 AND ((c.opened_at >= ?5 AND c.opened_at < ?6) "
                            "OR (c.revisit_due >= ?5 AND c.revisit_due < ?6) "
                            "OR (c.next_due >= ?5 AND c.next_due < ?6))");
      break;
    case FC_CASE_FILTER_ALL:
    default:
      break;
    }
  if (q->assignee != NULL)
    g_string_append (sql, " AND c.assignee = ?1");
  if (q->state != NULL)
    g_string_append (sql, " AND c.state = ?2");
  /* Text with no searchable word finds nothing. */
  if (match != NULL && *match == '\0')
    g_string_append (sql, " AND 0");
  else if (match != NULL)
    g_string_append (sql, " AND c.fts_rowid IN (SELECT rowid FROM case_fts WHERE case_fts MATCH ?4)");
}

static const char *order_by =
  " ORDER BY c.is_open DESC, c.severity_rank DESC, c.next_due, c.last_hlc DESC";

static char *
fts_query (const char *text)
{
  return fc_fts_match_query (text, "AND");
}

static void
bind_query (FcStore           *self,
            FcStmt            *stmt,
            const FcCaseQuery *q,
            const char        *match)
{
  gint64 now = fc_clock_now_ms (self->clock);
  g_autoptr(GDateTime) local = g_date_time_new_now_local ();
  gint64 offset_ms = g_date_time_get_utc_offset (local) / 1000;
  gint64 day_start = ((now + offset_ms) / DAY_MS) * DAY_MS - offset_ms;

  fc_stmt_bind_text (stmt, 1, q->assignee);
  fc_stmt_bind_text (stmt, 2, q->state);
  fc_stmt_bind_int64 (stmt, 3, now);
  fc_stmt_bind_text (stmt, 4, match);
  fc_stmt_bind_int64 (stmt, 5, day_start);
  fc_stmt_bind_int64 (stmt, 6, day_start + DAY_MS);
}

static FcStmt *
prepare_query (FcStore           *self,
               const char        *select,
               const FcCaseQuery *q,
               gboolean           ordered,
               GError           **error)
{
  g_autoptr(GString) sql = g_string_new (select);
  g_autofree char *match = q->text != NULL ? fts_query (q->text) : NULL;
  FcStmt *stmt;

  append_where (sql, q, match);
  if (ordered)
    {
      g_string_append (sql, order_by);
      g_string_append (sql, " LIMIT ?7 OFFSET ?8");
    }
  stmt = fc_stmt_prepare (self->db, sql->str, error);
  if (stmt == NULL)
    return NULL;
  bind_query (self, stmt, q, match);
  if (ordered)
    {
      fc_stmt_bind_int64 (stmt, 7, q->limit > 0 ? (gint64) q->limit : -1);
      fc_stmt_bind_int64 (stmt, 8, q->offset);
    }
  return stmt;
}

GPtrArray *
fc_store_query_cases (FcStore           *self,
                      const FcCaseQuery *query,
                      GError           **error)
{
  g_autoptr(FcStmt) stmt = NULL;

  g_return_val_if_fail (FC_IS_STORE (self), NULL);
  stmt = prepare_query (self, "SELECT " FC_CASE_COLUMNS " FROM " FC_CASE_FROM, query, TRUE, error);
  return stmt != NULL ? read_case_rows (stmt, error) : NULL;
}

gint64
fc_store_count_cases (FcStore           *self,
                      const FcCaseQuery *query,
                      GError           **error)
{
  g_autoptr(FcStmt) stmt = NULL;

  g_return_val_if_fail (FC_IS_STORE (self), -1);
  stmt = prepare_query (self, "SELECT count(*) FROM cases c", query, FALSE, error);
  if (stmt == NULL || !fc_stmt_step (stmt, error))
    return -1;
  return fc_stmt_int64 (stmt, 0);
}

GPtrArray *
fc_store_query_case_ids (FcStore           *self,
                         const FcCaseQuery *query,
                         GError           **error)
{
  g_autoptr(FcStmt) stmt = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (FC_IS_STORE (self), NULL);
  stmt = prepare_query (self, "SELECT c.id FROM cases c", query, TRUE, error);
  if (stmt == NULL)
    return NULL;
  while (fc_stmt_step (stmt, &local))
    g_ptr_array_add (ids, g_strdup (fc_stmt_text (stmt, 0)));
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return g_steal_pointer (&ids);
}

GPtrArray *
fc_store_most_urgent (FcStore *self,
                      guint    limit,
                      GError **error)
{
  FcCaseQuery q = { .filter = FC_CASE_FILTER_OPEN, .limit = limit };

  return fc_store_query_cases (self, &q, error);
}

GPtrArray *
fc_store_cases_for_serial (FcStore    *self,
                           const char *serial,
                           GError    **error)
{
  g_autoptr(FcStmt) stmt = NULL;

  g_return_val_if_fail (FC_IS_STORE (self), NULL);
  stmt = fc_stmt_prepare (self->db, "SELECT " FC_CASE_COLUMNS " FROM " FC_CASE_FROM
                                    " WHERE c.product_serial = ? ORDER BY c.is_open DESC, "
                                    "c.last_hlc DESC LIMIT 200", error);
  if (stmt == NULL)
    return NULL;
  fc_stmt_bind_text (stmt, 1, serial);
  return read_case_rows (stmt, error);
}

/* ---- Search ---- */

void
fc_search_hit_free (FcSearchHit *hit)
{
  if (hit == NULL)
    return;
  g_free (hit->kind);
  g_free (hit->id);
  g_free (hit->title);
  g_free (hit->snippet);
  g_free (hit);
}

static gboolean
collect_hits (FcStmt    *stmt,
              GPtrArray *hits,
              GError   **error)
{
  g_autoptr(GError) local = NULL;

  while (fc_stmt_step (stmt, &local))
    {
      FcSearchHit *hit = g_new0 (FcSearchHit, 1);
      hit->kind = dup_col (stmt, 0);
      hit->id = dup_col (stmt, 1);
      hit->title = dup_col (stmt, 2);
      hit->snippet = dup_col (stmt, 3);
      hit->rank = sqlite3_column_double (stmt->stmt, 4);
      g_ptr_array_add (hits, hit);
    }
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

static gint
compare_rank (gconstpointer a,
              gconstpointer b)
{
  const FcSearchHit *x = *(FcSearchHit *const *) a;
  const FcSearchHit *y = *(FcSearchHit *const *) b;

  return x->rank < y->rank ? -1 : x->rank > y->rank;
}

static gboolean
search_table (FcStore    *self,
              const char *sql,
              const char *match,
              const char *model,
              guint       limit,
              gboolean    closed_only,
              GPtrArray  *hits,
              GError    **error)
{
  g_autoptr(FcStmt) stmt = fc_stmt_prepare (self->db, sql, error);

  if (stmt == NULL)
    return FALSE;
  fc_stmt_bind_text (stmt, 1, match);
  fc_stmt_bind_int64 (stmt, 2, limit);
  fc_stmt_bind_text (stmt, 3, model);
  fc_stmt_bind_int64 (stmt, 4, closed_only);
  /* Similar cases filter by model after the window: look further back. */
  fc_stmt_bind_int64 (stmt, 5, model != NULL ? 3000 : 300);
  return collect_hits (stmt, hits, error);
}

/* Ranking every match is what makes full-text search slow on a big store
 * (a common word matches thousands of cases): rank only the most recent
 * few hundred matches, which FTS5 finds by walking rowids backwards and
 * stopping early. ?5 is that window. */
static const char *case_search_sql =
  "SELECT 'case', c.id, coalesce(c.number || ' · ', '') || c.title, coalesce(c.model, ''), m.r "
  "FROM (SELECT rowid AS fr, bm25(case_fts) AS r FROM case_fts WHERE case_fts MATCH ?1 "
  "      ORDER BY rowid DESC LIMIT ?5) m "
  "JOIN cases c ON c.fts_rowid = m.fr "
  "WHERE (?3 IS NULL OR c.model = ?3) AND (?4 = 0 OR c.is_open = 0) "
  "ORDER BY m.r LIMIT ?2";
static const char *kb_search_sql =
  "SELECT 'kb', k.id, k.symptom, coalesce(k.fix, ''), m.r "
  "FROM (SELECT rowid AS fr, bm25(kb_fts) AS r FROM kb_fts WHERE kb_fts MATCH ?1 "
  "      ORDER BY rowid DESC LIMIT ?5) m "
  "JOIN kb_articles k ON k.rowid = m.fr "
  "WHERE (?3 IS NULL OR k.model = ?3) AND ?4 IN (0, 1) "
  "ORDER BY m.r LIMIT ?2";

static GPtrArray *
search_both (FcStore    *self,
             const char *text,
             const char *model,
             guint       limit,
             gboolean    closed_only,
             GError    **error)
{
  g_autoptr(GPtrArray) hits = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_search_hit_free);
  g_autofree char *match = NULL;

  if (text == NULL || strlen (text) > 1000)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "Search text must be at most 1000 bytes");
      return NULL;
    }
  /* Any word may match: bm25 ranks the ones matching most first. */
  match = fc_fts_match_query (text, "OR");
  if (*match == '\0')
    return g_steal_pointer (&hits);
  if (!search_table (self, case_search_sql, match, model, limit, closed_only, hits, error) ||
      !search_table (self, kb_search_sql, match, model, limit, closed_only, hits, error))
    return NULL;
  g_ptr_array_sort (hits, compare_rank);
  if (limit > 0 && hits->len > limit)
    g_ptr_array_set_size (hits, limit);
  return g_steal_pointer (&hits);
}

GPtrArray *
fc_store_search (FcStore    *self,
                 const char *text,
                 guint       limit,
                 GError    **error)
{
  g_return_val_if_fail (FC_IS_STORE (self), NULL);
  return search_both (self, text, NULL, limit > 0 ? limit : 50, FALSE, error);
}

GPtrArray *
fc_store_similar_cases (FcStore    *self,
                        const char *model,
                        const char *symptom,
                        guint       limit,
                        GError    **error)
{
  g_return_val_if_fail (FC_IS_STORE (self), NULL);
  return search_both (self, symptom != NULL ? symptom : "", model, limit > 0 ? limit : 10,
                      TRUE, error);
}

/* ---- Export ---- */

static JsonNode *
deadlines_to_json (GPtrArray *deadlines)
{
  g_autoptr(JsonArray) arr = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < deadlines->len; i++)
    {
      FcDeadline *d = g_ptr_array_index (deadlines, i);
      JsonObject *o = json_object_new ();
      json_object_set_string_member (o, "rule", d->rule_id);
      json_object_set_string_member (o, "state", fc_deadline_state_to_string (d->state));
      json_object_set_int_member (o, "due_ms", d->due_ms);
      json_object_set_int_member (o, "met_ms", d->met_ms);
      json_array_add_object_element (arr, o);
    }
  json_node_set_array (node, arr);
  return node;
}

static JsonNode *
events_to_json (GPtrArray *events)
{
  g_autoptr(JsonArray) arr = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < events->len; i++)
    {
      FcEvent *ev = g_ptr_array_index (events, i);
      JsonNode *e = fc_event_to_json (ev);
      JsonObject *o = json_node_get_object (e);
      json_object_set_boolean_member (o, "conflict", ev->conflict);
      if (ev->conflict_reason != NULL)
        json_object_set_string_member (o, "conflict_reason", ev->conflict_reason);
      json_array_add_element (arr, e);
    }
  json_node_set_array (node, arr);
  return node;
}

static JsonNode *
export_case (FcStore  *self,
             FcCase   *c,
             GError  **error)
{
  const FcCaseFold *f = fc_case_get_fold (c);
  g_autoptr(GPtrArray) events = fc_store_read_events (self, f->case_id, error);
  g_autoptr(GPtrArray) deadlines = NULL;
  g_autoptr(JsonObject) o = json_object_new ();
  JsonNode *node;

  if (events == NULL)
    return NULL;
  deadlines = fc_sla_policy_evaluate (self->policy, f, fc_clock_now_ms (self->clock));
  json_object_set_string_member (o, "id", f->case_id);
  json_object_set_string_member (o, "number", f->number);
  json_object_set_string_member (o, "state", fc_case_state_to_string (f->state));
  json_object_set_string_member (o, "kind", f->kind);
  json_object_set_string_member (o, "severity", f->severity);
  json_object_set_string_member (o, "product_serial", f->product_serial);
  json_object_set_string_member (o, "model", f->model);
  json_object_set_string_member (o, "assignee", f->assignee);
  json_object_set_string_member (o, "title", f->title);
  json_object_set_int_member (o, "conflicts", f->n_conflicts);
  json_object_set_member (o, "deadlines", deadlines_to_json (deadlines));
  json_object_set_member (o, "events", events_to_json (events));
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, o);
  return node;
}

JsonNode *
fc_store_export (FcStore    *self,
                 const char *case_id,
                 GError    **error)
{
  g_autoptr(JsonArray) arr = json_array_new ();
  g_autoptr(GPtrArray) cases = NULL;
  JsonNode *node;

  g_return_val_if_fail (FC_IS_STORE (self), NULL);
  if (case_id != NULL)
    {
      g_autoptr(FcCase) c = fc_store_get_case (self, case_id, error);
      return c != NULL ? export_case (self, c, error) : NULL;
    }
  cases = fc_store_query_cases (self, &(FcCaseQuery) { .filter = FC_CASE_FILTER_ALL }, error);
  if (cases == NULL)
    return NULL;
  for (guint i = 0; i < cases->len; i++)
    {
      JsonNode *one = export_case (self, g_ptr_array_index (cases, i), error);
      if (one == NULL)
        return NULL;
      json_array_add_element (arr, one);
    }
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (node, arr);
  return node;
}
