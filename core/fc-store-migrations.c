/* fc-store-migrations.c: the schema, one step per version.
 *
 * PRAGMA user_version says which steps a file has had. Each step runs in its
 * own transaction together with the bump of user_version, so a crash leaves
 * a file at one version or the next, never between. Steps are append-only:
 * once released, a step is never edited.
 */
#include "fc-store-private.h"

static const char *const migrations[] = {
  /* 1: events and their fold. */
  "CREATE TABLE meta ("
  "  key   TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL);"
  "CREATE TABLE events ("
  "  id              TEXT PRIMARY KEY,"
  "  case_id         TEXT NOT NULL,"
  "  type            TEXT NOT NULL,"
  "  hlc             INTEGER NOT NULL,"
  "  device          TEXT NOT NULL,"
  "  author          TEXT NOT NULL,"
  "  payload         TEXT NOT NULL,"
  "  sync_state      INTEGER NOT NULL DEFAULT 0,"
  "  server_seq      INTEGER NOT NULL DEFAULT 0,"
  "  reject_reason   TEXT,"
  "  conflict        INTEGER NOT NULL DEFAULT 0,"
  "  conflict_reason TEXT) WITHOUT ROWID;"
  "CREATE INDEX events_by_case ON events (case_id, hlc, device, id);"
  "CREATE INDEX events_pending ON events (sync_state, hlc) WHERE sync_state = 0;"
  "CREATE INDEX events_rejected ON events (sync_state) WHERE sync_state = 2;"
  "CREATE TABLE customers ("
  "  id      TEXT PRIMARY KEY,"
  "  name    TEXT NOT NULL,"
  "  phone   TEXT,"
  "  address TEXT);"
  "CREATE TABLE cases ("
  "  id             TEXT PRIMARY KEY,"
  "  number         TEXT,"
  "  state          TEXT NOT NULL,"
  "  is_open        INTEGER NOT NULL,"   /* 1 open, 0 closed, -1 not opened yet */
  "  kind           TEXT, channel TEXT, problem_type TEXT, severity TEXT,"
  "  severity_rank  INTEGER NOT NULL DEFAULT 0,"
  "  department     TEXT,"
  "  customer_id    TEXT,"
  "  product_serial TEXT,"
  "  model          TEXT,"
  "  title          TEXT,"
  "  assignee       TEXT,"
  "  plan_action    TEXT,"
  "  approval_required INTEGER NOT NULL DEFAULT 0,"
  "  complex        INTEGER NOT NULL DEFAULT 0,"
  "  satisfaction   INTEGER NOT NULL DEFAULT 0,"
  "  opened_at INTEGER NOT NULL DEFAULT 0, responded_at INTEGER NOT NULL DEFAULT 0,"
  "  agreed_at INTEGER NOT NULL DEFAULT 0, resolved_at INTEGER NOT NULL DEFAULT 0,"
  "  revisit_due INTEGER NOT NULL DEFAULT 0, closed_at INTEGER NOT NULL DEFAULT 0,"
  "  waiting_since INTEGER NOT NULL DEFAULT 0, waited_ms INTEGER NOT NULL DEFAULT 0,"
  "  last_hlc       INTEGER NOT NULL DEFAULT 0,"
  "  n_events       INTEGER NOT NULL DEFAULT 0,"
  "  n_conflicts    INTEGER NOT NULL DEFAULT 0,"
  /* Earliest due and warning times of the running deadlines; a case with
   * none has 9223372036854775807 so it sorts last and needs no CASE. */
  "  next_due       INTEGER NOT NULL DEFAULT 9223372036854775807,"
  "  next_warn      INTEGER NOT NULL DEFAULT 9223372036854775807,"
  "  fts_rowid      INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
  /* Not unique: numbers are minted offline on many devices; a clash must
   * never make a case impossible to store. */
  "CREATE INDEX cases_by_number ON cases (number);"
  "CREATE INDEX cases_urgent ON cases (is_open DESC, severity_rank DESC, next_due, last_hlc DESC);"
  "CREATE INDEX cases_by_serial ON cases (product_serial);"
  "CREATE INDEX cases_by_fts ON cases (fts_rowid);"
  "CREATE INDEX cases_by_hlc ON cases (last_hlc);"
  "CREATE INDEX cases_by_assignee ON cases (assignee, is_open);"
  "CREATE TABLE blobs ("
  "  sha256 TEXT PRIMARY KEY,"
  "  mime   TEXT NOT NULL,"
  "  size   INTEGER NOT NULL,"
  "  data   BLOB NOT NULL,"
  "  synced INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;",

  /* 2: reference data and full-text search. Text is indexed through
   * fc_fts_index_text() (Chinese as bigrams, see fc-fts.h). FTS rows are found by
   * rowid (an UNINDEXED column would need a full scan): case_fts.rowid is
   * cases.fts_rowid, kb_fts.rowid is kb_articles.rowid. */
  "CREATE TABLE models ("
  "  model           TEXT PRIMARY KEY,"
  "  name            TEXT NOT NULL,"
  "  category        TEXT,"
  "  warranty_months INTEGER NOT NULL DEFAULT 12) WITHOUT ROWID;"
  "CREATE TABLE installed ("
  "  serial       TEXT PRIMARY KEY,"
  "  gtin         TEXT,"
  "  model        TEXT NOT NULL,"
  "  customer_id  TEXT,"
  "  sale_date    TEXT,"
  "  warranty_end TEXT) WITHOUT ROWID;"
  "CREATE INDEX installed_by_gtin ON installed (gtin);"
  "CREATE TABLE parts ("
  "  part_number TEXT PRIMARY KEY,"
  "  gtin        TEXT,"
  "  name        TEXT NOT NULL,"
  "  models      TEXT) WITHOUT ROWID;"
  "CREATE INDEX parts_by_gtin ON parts (gtin);"
  "CREATE TABLE van_stock ("
  "  part_number TEXT PRIMARY KEY,"
  "  quantity    INTEGER NOT NULL CHECK (quantity >= 0)) WITHOUT ROWID;"
  "CREATE TABLE kb_articles ("
  "  id      TEXT PRIMARY KEY,"
  "  model   TEXT,"
  "  symptom TEXT NOT NULL,"
  "  cause   TEXT,"
  "  fix     TEXT);"
  "CREATE INDEX kb_by_model ON kb_articles (model);"
  "CREATE VIRTUAL TABLE case_fts USING fts5 ("
  "  case_id UNINDEXED, title, body, tokenize = 'porter unicode61 remove_diacritics 2');"
  "CREATE VIRTUAL TABLE kb_fts USING fts5 ("
  "  article_id UNINDEXED, model UNINDEXED, symptom, body, tokenize = 'porter unicode61 remove_diacritics 2');",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == FC_STORE_SCHEMA_VERSION);

static int
read_user_version (sqlite3 *db)
{
  g_autoptr(FcStmt) stmt = fc_stmt_prepare (db, "PRAGMA user_version", NULL);
  int version = 0;

  if (stmt != NULL && sqlite3_step (stmt->stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt->stmt, 0);
  return version;
}

static gboolean
run_step (sqlite3 *db,
          int      to_version,
          GError **error)
{
  g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", to_version);

  if (!fc_db_exec (db, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (!fc_db_exec (db, migrations[to_version - 1], error) ||
      !fc_db_exec (db, bump, error))
    {
      fc_db_exec (db, "ROLLBACK", NULL);
      g_prefix_error (error, "Migrating the store to version %d: ", to_version);
      return FALSE;
    }
  return fc_db_exec (db, "COMMIT", error);
}

gboolean
fc_store_migrate (sqlite3 *db,
                  int      target,
                  GError **error)
{
  int version = read_user_version (db);

  g_return_val_if_fail (target <= FC_STORE_SCHEMA_VERSION, FALSE);

  if (version > FC_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_VERSION,
                   "The store has schema version %d; this Fieldcase knows up to %d. "
                   "Update Fieldcase to open it.", version, FC_STORE_SCHEMA_VERSION);
      return FALSE;
    }
  for (int v = version + 1; v <= target; v++)
    if (!run_step (db, v, error))
      return FALSE;
  return TRUE;
}
