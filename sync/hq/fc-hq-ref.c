/* fc-hq-ref.c: reference data as versioned deltas.
 *
 * Every reference row has a version in hq_ref_versions, unique across all
 * kinds and growing with each change, so "what changed since version V" is
 * an index range and pages cut anywhere. Changes are found by hashing each
 * row (hq_sha256 over SQLite's own json_array of its columns) and comparing
 * with the hash recorded at its last version; rows gone from the table
 * become deletions. SQL text is put together from the fixed table below,
 * never from input.
 */
#include "fc-hq-store-private.h"

#include <string.h>

#include "fc-hq-wire.h"

#define POLICY_KEY "policy"

typedef struct {
  const char *kind;     /* protocol name */
  const char *table;
  const char *key;      /* key column */
  const char *columns;  /* json_object arguments: 'name', t.name, … */
  const char *values;   /* json_array arguments, for the hash */
} RefSpec;

static const RefSpec specs[] = {
  { "models", "models", "model",
    "'model', t.model, 'name', t.name, 'category', t.category, 'warranty_months', t.warranty_months",
    "t.model, t.name, t.category, t.warranty_months" },
  { "installed", "installed", "serial",
    "'serial', t.serial, 'gtin', t.gtin, 'model', t.model, 'customer_id', t.customer_id, "
    "'sale_date', t.sale_date, 'warranty_end', t.warranty_end",
    "t.serial, t.gtin, t.model, t.customer_id, t.sale_date, t.warranty_end" },
  { "customers", "customers", "id",
    "'id', t.id, 'name', t.name, 'phone', t.phone, 'address', t.address",
    "t.id, t.name, t.phone, t.address" },
  { "parts", "parts", "part_number",
    "'part_number', t.part_number, 'gtin', t.gtin, 'name', t.name, 'models', t.models",
    "t.part_number, t.gtin, t.name, t.models" },
  { "kb", "kb_articles", "id",
    "'id', t.id, 'model', t.model, 'symptom', t.symptom, 'cause', t.cause, 'fix', t.fix",
    "t.id, t.model, t.symptom, t.cause, t.fix" },
};

static const RefSpec *
find_spec (const char *kind)
{
  for (gsize i = 0; kind != NULL && i < G_N_ELEMENTS (specs); i++)
    if (strcmp (specs[i].kind, kind) == 0)
      return &specs[i];
  return NULL;
}

gboolean
fc_hq_ref_kind_is_known (const char *kind)
{
  return find_spec (kind) != NULL || g_strcmp0 (kind, "sla_policy") == 0;
}

static void
sha256_sql (sqlite3_context *ctx,
            int              argc,
            sqlite3_value  **argv)
{
  const unsigned char *text = sqlite3_value_text (argv[0]);
  g_autofree char *hex = NULL;

  if (text == NULL)
    {
      sqlite3_result_null (ctx);
      return;
    }
  hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, text, sqlite3_value_bytes (argv[0]));
  sqlite3_result_text (ctx, hex, -1, SQLITE_TRANSIENT);
}

static gboolean
ensure_sha256_function (FcHqStore *self,
                        GError   **error)
{
  int rc = sqlite3_create_function (self->db, "hq_sha256", 1,
                                    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                    NULL, sha256_sql, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      fc_db_set_error (self->db, rc, error);
      return FALSE;
    }
  return TRUE;
}

static gint64
max_version (FcHqStore *self)
{
  g_autoptr(FcStmt) stmt = fc_stmt_prepare (self->db, "SELECT coalesce (max (version), 0) "
                                                      "FROM hq_ref_versions", NULL);

  return stmt != NULL && fc_stmt_step (stmt, NULL) ? fc_stmt_int64 (stmt, 0) : 0;
}

static gboolean
run_versioned (FcHqStore  *self,
               const char *sql,
               const char *kind,
               GError    **error)
{
  g_autoptr(FcStmt) stmt = fc_stmt_prepare (self->db, sql, error);

  if (stmt == NULL)
    return FALSE;
  fc_stmt_bind_text (stmt, 1, kind);
  fc_stmt_bind_int64 (stmt, 2, max_version (self));
  return fc_stmt_run (stmt, error);
}

static gboolean
refresh_table (FcHqStore     *self,
               const RefSpec *s,
               GError       **error)
{
  /* Changed or new rows, then rows that disappeared; each gets the next
   * version in key order. "WHERE true" is SQLite's upsert disambiguation. */
  g_autofree char *changed = g_strdup_printf (
    "INSERT INTO hq_ref_versions (kind, key, version, row_sha256, deleted) "
    "SELECT ?1, k, ?2 + row_number () OVER (ORDER BY k), h, 0 FROM "
    "(SELECT t.%s AS k, hq_sha256 (json_array (%s)) AS h FROM %s t) n "
    "LEFT JOIN hq_ref_versions v ON v.kind = ?1 AND v.key = n.k "
    "WHERE v.key IS NULL OR v.deleted OR v.row_sha256 IS NOT n.h "
    "ON CONFLICT (kind, key) DO UPDATE SET version = excluded.version, "
    "row_sha256 = excluded.row_sha256, deleted = 0", s->key, s->values, s->table);
  g_autofree char *gone = g_strdup_printf (
    "WITH g AS (SELECT v.key, row_number () OVER (ORDER BY v.key) AS n FROM hq_ref_versions v "
    "WHERE v.kind = ?1 AND NOT v.deleted AND NOT EXISTS (SELECT 1 FROM %s t WHERE t.%s = v.key)) "
    "UPDATE hq_ref_versions AS v SET deleted = 1, row_sha256 = NULL, version = ?2 + g.n "
    "FROM g WHERE v.kind = ?1 AND v.key = g.key", s->table, s->key);

  return run_versioned (self, changed, s->kind, error) &&
         run_versioned (self, gone, s->kind, error);
}

static gboolean
refresh_policy (FcHqStore *self,
                GError   **error)
{
  g_autofree char *json = fc_sla_policy_to_json (fc_store_get_sla_policy (self->core));
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, json, -1);
  g_autoptr(FcStmt) stmt = NULL;

  stmt = fc_stmt_prepare (self->db,
    "INSERT INTO hq_ref_versions (kind, key, version, row_sha256) VALUES ('sla_policy', ?1, ?2 + 1, ?3) "
    "ON CONFLICT (kind, key) DO UPDATE SET version = excluded.version, row_sha256 = ?3 "
    "WHERE row_sha256 IS NOT ?3", error);
  if (stmt == NULL)
    return FALSE;
  fc_stmt_bind_text (stmt, 1, POLICY_KEY);
  fc_stmt_bind_int64 (stmt, 2, max_version (self));
  fc_stmt_bind_text (stmt, 3, hash);
  return fc_stmt_run (stmt, error);
}

gboolean
fc_hq_store_refresh_ref_versions (FcHqStore  *self,
                                  const char *kind,
                                  GError    **error)
{
  const RefSpec *s = find_spec (kind);
  gboolean ok;

  g_return_val_if_fail (FC_HQ_IS_STORE (self), FALSE);
  if (!fc_hq_ref_kind_is_known (kind))
    {
      g_set_error (error, FC_ERROR, FC_ERROR_NOT_FOUND, "No reference data kind “%s”", kind);
      return FALSE;
    }
  if (!ensure_sha256_function (self, error) || !fc_store_tx_begin (self->core, error))
    return FALSE;
  ok = s != NULL ? refresh_table (self, s, error) : refresh_policy (self, error);
  if (!ok || !fc_store_tx_commit (self->core, error))
    {
      fc_hq_store_abort_tx (self);
      return FALSE;
    }
  return TRUE;
}

gboolean
fc_hq_store_import (FcHqStore  *self,
                    const char *kind,
                    const char *contents,
                    gsize       length,
                    GError    **error)
{
  FcRefKind ref_kind;
  gboolean json;

  g_return_val_if_fail (FC_HQ_IS_STORE (self), FALSE);
  if (g_strcmp0 (kind, "sla_policy") == 0)
    {
      g_autofree char *text = g_strndup (contents, length);
      return fc_store_set_sla_policy_json (self->core, text, error) &&
             fc_hq_store_refresh_ref_versions (self, kind, error);
    }
  if (!fc_hq_ref_kind_is_known (kind) || !fc_ref_kind_from_string (kind, &ref_kind))
    {
      g_set_error (error, FC_ERROR, FC_ERROR_NOT_FOUND,
                   "No reference data kind “%s” (models, installed, customers, parts, kb, sla_policy)",
                   kind);
      return FALSE;
    }
  json = FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isspace (contents[i]))
      {
        json = contents[i] == '[' || contents[i] == '{';
        break;
      }
  if (!(json ? fc_store_import_json (self->core, ref_kind, contents, length, error)
             : fc_store_import_csv (self->core, ref_kind, contents, length, error)))
    return FALSE;
  return fc_hq_store_refresh_ref_versions (self, kind, error);
}

#define MAX_CUSTOMERS_PER_REQUEST 1000

/* May @device write customer @id? Yes for one HQ has never seen (its case
 * is on the way), or one of a case in the device's scope. */
static gboolean
may_write_customer (FcHqStore        *self,
                    const FcHqDevice *device,
                    const char       *id,
                    GError          **error)
{
  g_autoptr(FcStmt) stmt = fc_store_prepare_cached (self->core,
    "SELECT NOT EXISTS (SELECT 1 FROM customers WHERE id = ?1) "
    "OR EXISTS (SELECT 1 FROM hq_cases h WHERE h.customer_id = ?1 "
    "           AND (h.outlet = ?2 OR h.assignee = ?3))", error);

  if (stmt == NULL)
    return FALSE;
  fc_stmt_bind_text (stmt, 1, id);
  fc_stmt_bind_text (stmt, 2, device->outlet);
  fc_stmt_bind_text (stmt, 3, device->engineer);
  if (!fc_stmt_step (stmt, error))
    return FALSE;
  if (fc_stmt_int64 (stmt, 0) == 0)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_NOT_ALLOWED,
                   "A customer outside this device's scope cannot be changed");
      return FALSE;
    }
  return TRUE;
}

gboolean
fc_hq_store_put_customers (FcHqStore        *self,
                           const FcHqDevice *device,
                           const char       *json,
                           gsize             length,
                           GError          **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *rows;

  if (!json_parser_load_from_data (parser, json, length, NULL) ||
      !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "Expected a JSON array of customers");
      return FALSE;
    }
  rows = json_node_get_array (json_parser_get_root (parser));
  if (json_array_get_length (rows) > MAX_CUSTOMERS_PER_REQUEST)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_TOO_LARGE, "At most %d customers per request",
                   MAX_CUSTOMERS_PER_REQUEST);
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonNode *row = json_array_get_element (rows, i);
      const char *id = JSON_NODE_HOLDS_OBJECT (row)
        ? json_object_get_string_member_with_default (json_node_get_object (row), "id", NULL) : NULL;

      if (id == NULL)
        {
          g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "element %u: a customer needs an “id”", i + 1);
          return FALSE;
        }
      if (!may_write_customer (self, device, id, error))
        return FALSE;
    }
  /* The import validates every field and writes all rows or none. */
  return fc_hq_store_import (self, "customers", json, length, error);
}

gboolean
fc_hq_store_touch_customers (FcHqStore *self,
                             GPtrArray *events,
                             GError   **error)
{
  g_autoptr(FcStmt) stmt = NULL;

  for (guint i = 0; i < events->len; i++)
    {
      FcEvent *ev = g_ptr_array_index (events, i);

      if (!g_str_equal (ev->type, FC_EV_CASE_OPENED) && !g_str_equal (ev->type, FC_EV_CASE_ASSIGNED))
        continue;
      if (stmt == NULL)
        stmt = fc_store_prepare_cached (self->core,
          "UPDATE hq_ref_versions SET version = (SELECT max (version) + 1 FROM hq_ref_versions) "
          "WHERE kind = 'customers' AND NOT deleted "
          "AND key = (SELECT customer_id FROM hq_cases WHERE case_id = ?)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_reset (stmt->stmt);
      fc_stmt_bind_text (stmt, 1, ev->case_id);
      if (!fc_stmt_run (stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- Deltas ---- */

typedef struct {
  GString *rows;
  GString *deleted;
  guint    n_rows;
  guint    n_deleted;
  gint64   version;
} Delta;

static void
add_delta_row (Delta      *d,
               const char *key,
               gboolean    deleted,
               const char *row_json)
{
  if (deleted || row_json == NULL)
    {
      if (d->n_deleted++ > 0)
        g_string_append_c (d->deleted, ',');
      fc_hq_wire_append_string (d->deleted, key);
      return;
    }
  if (d->n_rows++ > 0)
    g_string_append_c (d->rows, ',');
  g_string_append (d->rows, row_json);
}

static char *
delta_sql (const RefSpec *s,
           gboolean       scoped_customers)
{
  const char *scope = scoped_customers
    ? "AND (v.deleted OR EXISTS (SELECT 1 FROM hq_cases h WHERE h.customer_id = v.key "
      "AND (h.outlet = ?4 OR h.assignee = ?5))) "
    : "";

  if (s == NULL)
    return g_strdup ("SELECT v.key, v.version, v.deleted, NULL FROM hq_ref_versions v "
                     "WHERE v.kind = ?1 AND v.version > ?2 ORDER BY v.version LIMIT ?3");
  return g_strdup_printf ("SELECT v.key, v.version, v.deleted, json_object (%s) "
                          "FROM hq_ref_versions v LEFT JOIN %s t ON t.%s = v.key "
                          "WHERE v.kind = ?1 AND v.version > ?2 %s"
                          "ORDER BY v.version LIMIT ?3", s->columns, s->table, s->key, scope);
}

static const char *
row_json (FcHqStore     *self,
          const RefSpec *s,
          FcStmt        *stmt,
          char         **owned)
{
  if (s != NULL)
    return fc_stmt_text (stmt, 3);
  *owned = fc_sla_policy_to_json (fc_store_get_sla_policy (self->core));
  return *owned;
}

char *
fc_hq_store_ref_delta (FcHqStore        *self,
                       const FcHqDevice *device,
                       const char       *kind,
                       gint64            since,
                       guint             limit,
                       GError          **error)
{
  const RefSpec *s = find_spec (kind);
  gboolean scoped = device != NULL && g_strcmp0 (kind, "customers") == 0;
  g_autofree char *sql = NULL;
  g_autoptr(FcStmt) stmt = NULL;
  g_autoptr(GError) local = NULL;
  Delta d = { g_string_new (NULL), g_string_new (NULL), 0, 0, MAX (since, 0) };
  gboolean more = FALSE;
  GString *out;

  if (!fc_hq_ref_kind_is_known (kind))
    {
      g_set_error (error, FC_ERROR, FC_ERROR_NOT_FOUND, "No reference data kind “%s”", kind);
      goto failed;
    }
  sql = delta_sql (s, scoped);
  if ((stmt = fc_stmt_prepare (self->db, sql, error)) == NULL)
    goto failed;
  /* One snapshot for the rows and the final version (an import in another
   * process may commit meanwhile). */
  if (!fc_db_exec (self->db, "BEGIN", error))
    goto failed;
  fc_stmt_bind_text (stmt, 1, kind);
  fc_stmt_bind_int64 (stmt, 2, d.version);
  fc_stmt_bind_int64 (stmt, 3, (gint64) limit + 1);
  if (scoped)
    {
      fc_stmt_bind_text (stmt, 4, device->outlet);
      fc_stmt_bind_text (stmt, 5, device->engineer);
    }
  while (fc_stmt_step (stmt, &local))
    {
      g_autofree char *owned = NULL;

      if (d.n_rows + d.n_deleted == limit)
        {
          more = TRUE;
          break;
        }
      add_delta_row (&d, fc_stmt_text (stmt, 0), fc_stmt_int64 (stmt, 2) != 0,
                     row_json (self, s, stmt, &owned));
      d.version = fc_stmt_int64 (stmt, 1);
    }
  /* Out of scope rows are skipped, not sent: the version still moves past
   * them when this was the last page. */
  if (!more && local == NULL)
    d.version = MAX (d.version, max_version (self));
  sqlite3_reset (stmt->stmt);
  fc_db_exec (self->db, "COMMIT", NULL);
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      goto failed;
    }
  out = g_string_new ("{\"kind\":");
  fc_hq_wire_append_string (out, kind);
  g_string_append_printf (out, ",\"rows\":[%s],\"deleted\":[%s],\"version\":%" G_GINT64_FORMAT
                          ",\"more\":%s}", d.rows->str, d.deleted->str, d.version,
                          more ? "true" : "false");
  g_string_free (d.rows, TRUE);
  g_string_free (d.deleted, TRUE);
  return g_string_free (out, FALSE);

failed:
  g_string_free (d.rows, TRUE);
  g_string_free (d.deleted, TRUE);
  return NULL;
}
