/* fc-store.c: opening the store, transactions, recording events, blobs.
 *
 * Queries live in fc-store-query.c, sync bookkeeping in fc-store-sync.c,
 * reference data in fc-store-ref.c and fc-import.c.
 */
#include "fc-store-private.h"

#include <errno.h>
#include <string.h>

enum {
  SIGNAL_CHANGED,
  SIGNAL_CASE_CHANGED,
  SIGNAL_EVENTS_RECORDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FcStore, fc_store, G_TYPE_OBJECT)

/* ---- SQLite helpers ---- */

void
fc_db_set_error (sqlite3 *db,
                 int      rc,
                 GError **error)
{
  const char *msg = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);
  FcError code;

  switch (rc & 0xff)
    {
    case SQLITE_FULL: code = FC_ERROR_FULL; break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: code = FC_ERROR_BUSY; break;
    case SQLITE_TOOBIG: code = FC_ERROR_TOO_LARGE; break;
    case SQLITE_CONSTRAINT: code = FC_ERROR_INVALID; break;
    default: code = FC_ERROR_STORAGE; break;
    }
  if (code == FC_ERROR_FULL)
    g_set_error (error, FC_ERROR, code, "The disk is full; nothing was written (%s)", msg);
  else
    g_set_error (error, FC_ERROR, code, "Store: %s", msg);
}

FcStmt *
fc_stmt_prepare (sqlite3    *db,
                 const char *sql,
                 GError    **error)
{
  sqlite3_stmt *stmt = NULL;
  FcStmt *self;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      fc_db_set_error (db, rc, error);
      return NULL;
    }
  self = g_new0 (FcStmt, 1);
  self->db = db;
  self->stmt = stmt;
  return self;
}

void
fc_stmt_free (FcStmt *stmt)
{
  if (stmt == NULL)
    return;
  if (stmt->cached)
    {
      sqlite3_reset (stmt->stmt);
      sqlite3_clear_bindings (stmt->stmt);
    }
  else
    sqlite3_finalize (stmt->stmt);
  g_free (stmt);
}

FcStmt *
fc_store_prepare_cached (FcStore    *self,
                         const char *sql,
                         GError    **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->stmt_cache, sql);
  FcStmt *wrapper;

  /* A statement still stepping (a nested use) gets a fresh one. */
  if (stmt != NULL && sqlite3_stmt_busy (stmt))
    return fc_stmt_prepare (self->db, sql, error);
  if (stmt == NULL)
    {
      int rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
      if (rc != SQLITE_OK)
        {
          fc_db_set_error (self->db, rc, error);
          return NULL;
        }
      g_hash_table_insert (self->stmt_cache, g_strdup (sql), stmt);
    }
  wrapper = g_new0 (FcStmt, 1);
  wrapper->db = self->db;
  wrapper->stmt = stmt;
  wrapper->cached = TRUE;
  return wrapper;
}

void
fc_stmt_bind_text (FcStmt     *stmt,
                   int         idx,
                   const char *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt->stmt, idx);
  else
    sqlite3_bind_text (stmt->stmt, idx, text, -1, SQLITE_TRANSIENT);
}

void
fc_stmt_bind_int64 (FcStmt *stmt,
                    int     idx,
                    gint64  value)
{
  sqlite3_bind_int64 (stmt->stmt, idx, value);
}

gboolean
fc_stmt_step (FcStmt  *stmt,
              GError **error)
{
  int rc = sqlite3_step (stmt->stmt);

  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    fc_db_set_error (stmt->db, rc, error);
  return FALSE;
}

gboolean
fc_stmt_run (FcStmt  *stmt,
             GError **error)
{
  int rc = sqlite3_step (stmt->stmt);

  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    return TRUE;
  fc_db_set_error (stmt->db, rc, error);
  return FALSE;
}

const char *
fc_stmt_text (FcStmt *stmt,
              int     col)
{
  return (const char *) sqlite3_column_text (stmt->stmt, col);
}

gint64
fc_stmt_int64 (FcStmt *stmt,
               int     col)
{
  return sqlite3_column_int64 (stmt->stmt, col);
}

gboolean
fc_db_exec (sqlite3    *db,
            const char *sql,
            GError    **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    {
      fc_db_set_error (db, rc, error);
      return FALSE;
    }
  return TRUE;
}

/* ---- Transactions ---- */

gboolean
fc_store_tx_begin (FcStore *self,
                   GError **error)
{
  /* IMMEDIATE: take the write lock now, so a second process waits at BEGIN
   * (busy timeout) instead of failing halfway through. */
  if (self->tx_depth == 0 && !fc_db_exec (self->db, "BEGIN IMMEDIATE", error))
    return FALSE;
  self->tx_depth++;
  return TRUE;
}

gboolean
fc_store_tx_commit (FcStore *self,
                    GError **error)
{
  g_assert (self->tx_depth > 0);
  if (self->tx_depth > 1)
    {
      self->tx_depth--;
      return TRUE;
    }
  if (!fc_db_exec (self->db, "COMMIT", error))
    {
      fc_store_tx_rollback (self);
      return FALSE;
    }
  self->tx_depth = 0;
  return TRUE;
}

void
fc_store_tx_rollback (FcStore *self)
{
  g_assert (self->tx_depth > 0);
  self->tx_depth = 0;
  /* After some errors (SQLITE_FULL) SQLite has rolled back already. */
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
fc_store_atomically (FcStore      *self,
                     FcStoreTxFunc func,
                     gpointer      user_data,
                     GError      **error)
{
  g_return_val_if_fail (FC_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);
  if (!fc_store_tx_begin (self, error))
    return FALSE;
  /* A failing inner call may have rolled back already (depth 0). */
  if (!func (self, user_data, error))
    {
      if (self->tx_depth > 0)
        fc_store_tx_rollback (self);
      fc_store_emit_case_changed (self, NULL);
      return FALSE;
    }
  if (self->tx_depth == 0)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_STORAGE,
                   "The transaction ended before its last write");
      fc_store_emit_case_changed (self, NULL);
      return FALSE;
    }
  if (!fc_store_tx_commit (self, error))
    {
      fc_store_emit_case_changed (self, NULL);
      return FALSE;
    }
  return TRUE;
}

sqlite3 *
fc_store_get_db (FcStore *self)
{
  g_return_val_if_fail (FC_IS_STORE (self), NULL);
  return self->db;
}

/* ---- Object ---- */

static void
fc_store_finalize (GObject *object)
{
  FcStore *self = FC_STORE (object);

  g_clear_pointer (&self->stmt_cache, g_hash_table_unref);
  g_clear_pointer (&self->db, sqlite3_close_v2);
  g_clear_object (&self->clock);
  g_clear_object (&self->policy);
  g_free (self->path);
  g_free (self->device_id);
  G_OBJECT_CLASS (fc_store_parent_class)->finalize (object);
}

static void
fc_store_class_init (FcStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fc_store_finalize;

  /* Any committed write. */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* One case's projection changed (local steps, small sync batches). */
  signals[SIGNAL_CASE_CHANGED] =
    g_signal_new ("case-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* Local events were recorded: sync uses it to push soon. */
  signals[SIGNAL_EVENTS_RECORDED] =
    g_signal_new ("events-recorded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
finalize_stmt (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
fc_store_init (FcStore *self)
{
  self->stmt_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_stmt);
}

char *
fc_store_default_path (void)
{
  const char *env = g_getenv ("FIELDCASE_STORE");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_build_filename (g_get_user_data_dir (), "fieldcase", "fieldcase.db", NULL);
}

static gboolean
open_db (const char *path,
         sqlite3   **out_db,
         GError    **error)
{
  sqlite3 *db = NULL;
  int rc;

  rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                        SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_STORAGE, "Cannot open the store “%s”: %s",
                   path, db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
      sqlite3_close_v2 (db);
      return FALSE;
    }
  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, 5000);
  /* WAL for readers beside a writer; FULL so a commit survives power loss;
   * a record the user saw saved must be on disk. */
  if (!fc_db_exec (db, "PRAGMA journal_mode = WAL;"
                       "PRAGMA synchronous = FULL;"
                       "PRAGMA foreign_keys = ON;"
                       "PRAGMA temp_store = MEMORY;"
                       /* 64 MiB of page cache: a first sync touches pages all
                        * over the event index; the default 2 MiB thrashes. */
                       "PRAGMA cache_size = -65536;", error))
    {
      g_prefix_error (error, "Cannot open the store “%s”: ", path);
      sqlite3_close_v2 (db);
      return FALSE;
    }
  *out_db = db;
  return TRUE;
}

static gboolean
ensure_parent_dir (const char *path,
                   GError    **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, FC_ERROR, FC_ERROR_STORAGE, "Cannot create “%s”: %s",
                   dir, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

gboolean
fc_store_create_at_version (const char *path,
                            int         version,
                            GError    **error)
{
  sqlite3 *db = NULL;
  gboolean ok;

  if (!ensure_parent_dir (path, error) || !open_db (path, &db, error))
    return FALSE;
  ok = fc_store_migrate (db, version, error);
  sqlite3_close_v2 (db);
  return ok;
}

static gboolean
load_identity (FcStore *self,
               GError **error)
{
  g_autoptr(FcStmt) stmt = NULL;

  self->device_id = fc_store_get_meta (self, "device.id");
  if (self->device_id == NULL)
    {
      self->device_id = fc_uuid7_new (fc_clock_now_ms (self->clock));
      if (!fc_store_set_meta (self, "device.id", self->device_id, error))
        return FALSE;
    }
  /* The HLC must start past every stamp already in the store. */
  /* cases.last_hlc is indexed: this is a lookup, not a scan of the events. */
  stmt = fc_stmt_prepare (self->db, "SELECT max(last_hlc) FROM cases", error);
  if (stmt == NULL)
    return FALSE;
  if (fc_stmt_step (stmt, NULL))
    fc_hlc_observe (&self->hlc, fc_stmt_int64 (stmt, 0));
  return TRUE;
}

static gboolean
load_policy (FcStore *self,
             GError **error)
{
  g_autofree char *json = fc_store_get_meta (self, "sla.policy");

  if (json == NULL)
    {
      self->policy = fc_sla_policy_new_default ();
      return TRUE;
    }
  self->policy = fc_sla_policy_new_from_json (json, error);
  return self->policy != NULL;
}

FcStore *
fc_store_new_with_clock (const char *path,
                         FcClock    *clock,
                         GError    **error)
{
  g_autoptr(FcStore) self = g_object_new (FC_TYPE_STORE, NULL);

  self->path = path != NULL ? g_strdup (path) : fc_store_default_path ();
  self->clock = clock != NULL ? g_object_ref (clock) : fc_clock_new ();
  if (!ensure_parent_dir (self->path, error) ||
      !open_db (self->path, &self->db, error) ||
      !fc_store_migrate (self->db, FC_STORE_SCHEMA_VERSION, error) ||
      !load_identity (self, error) ||
      !load_policy (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

FcStore *
fc_store_new (const char *path,
              GError    **error)
{
  return fc_store_new_with_clock (path, NULL, error);
}

gint64
fc_store_get_max_pages (FcStore *self)
{
  g_autoptr(FcStmt) stmt = NULL;

  g_return_val_if_fail (FC_IS_STORE (self), 0);
  stmt = fc_stmt_prepare (self->db, "PRAGMA max_page_count", NULL);
  return stmt != NULL && fc_stmt_step (stmt, NULL) ? fc_stmt_int64 (stmt, 0) : 0;
}

FcStore *
fc_store_new_writer (const char *path,
                     FcClock    *clock,
                     gint64      max_pages,
                     GError    **error)
{
  g_autoptr(FcStore) self = fc_store_new_with_clock (path, clock, error);
  g_autofree char *cap = NULL;

  if (self == NULL)
    return NULL;
  /* PRAGMA max_page_count is per connection: a cap set on the store (to
   * keep it from filling the device) must bind its writer as well. */
  cap = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, max_pages);
  if (max_pages > 0 && !fc_db_exec (self->db, cap, error))
    return NULL;
  /* What a writer commits, HQ sends again if it is lost: a page and its
   * cursor are one transaction, receipts are asked for again with the
   * events they acknowledge, search rows are derived. In WAL mode NORMAL
   * still keeps every commit through a kill -9 (the WAL is written before
   * COMMIT returns); only a power cut may lose the last ones, and then the
   * cursor goes back with them. It saves an fsync per page. A step the
   * user records goes through the UI's connection, FULL as ever. */
  if (!fc_db_exec (self->db, "PRAGMA synchronous = NORMAL", error))
    return NULL;
  /* A writer mostly adds pages: with the UI's 64 MiB its cache only grows
   * during a first pull, a fresh allocation for every new page; 16 MiB is
   * reused from the first page on (15 % less CPU per page, and no slower
   * with 30,000 cases: bench-apply). */
  if (!fc_db_exec (self->db, "PRAGMA cache_size = -16384", error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
fc_store_get_path (FcStore *self)
{
  g_return_val_if_fail (FC_IS_STORE (self), NULL);
  return self->path;
}

const char *
fc_store_get_device_id (FcStore *self)
{
  g_return_val_if_fail (FC_IS_STORE (self), NULL);
  return self->device_id;
}

FcClock *
fc_store_get_clock (FcStore *self)
{
  g_return_val_if_fail (FC_IS_STORE (self), NULL);
  return self->clock;
}

FcSlaPolicy *
fc_store_get_sla_policy (FcStore *self)
{
  g_return_val_if_fail (FC_IS_STORE (self), NULL);
  return self->policy;
}

char *
fc_store_get_meta (FcStore    *self,
                   const char *key)
{
  g_autoptr(FcStmt) stmt = NULL;

  g_return_val_if_fail (FC_IS_STORE (self), NULL);
  stmt = fc_store_prepare_cached (self, "SELECT value FROM meta WHERE key = ?", NULL);
  if (stmt == NULL)
    return NULL;
  fc_stmt_bind_text (stmt, 1, key);
  if (!fc_stmt_step (stmt, NULL))
    return NULL;
  return g_strdup (fc_stmt_text (stmt, 0));
}

gboolean
fc_store_set_meta (FcStore    *self,
                   const char *key,
                   const char *value,
                   GError    **error)
{
  g_autoptr(FcStmt) stmt = NULL;

  g_return_val_if_fail (FC_IS_STORE (self), FALSE);
  if (value == NULL)
    stmt = fc_stmt_prepare (self->db, "DELETE FROM meta WHERE key = ?1", error);
  else
    stmt = fc_stmt_prepare (self->db, "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                                      "ON CONFLICT (key) DO UPDATE SET value = ?2", error);
  if (stmt == NULL)
    return FALSE;
  fc_stmt_bind_text (stmt, 1, key);
  if (value != NULL)
    fc_stmt_bind_text (stmt, 2, value);
  return fc_stmt_run (stmt, error);
}

static gboolean
refresh_next_due (FcStore *self,
                  GError **error)
{
  g_autoptr(GPtrArray) ids = NULL;
  FcCaseQuery q = { .filter = FC_CASE_FILTER_OPEN };

  ids = fc_store_query_case_ids (self, &q, error);
  if (ids == NULL)
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    if (!fc_store_refold_case_in_tx (self, g_ptr_array_index (ids, i), error))
      return FALSE;
  return TRUE;
}

gboolean
fc_store_set_sla_policy_json (FcStore    *self,
                              const char *json,
                              GError    **error)
{
  g_autoptr(FcSlaPolicy) policy = NULL;
  g_autoptr(FcSlaPolicy) old = NULL;

  g_return_val_if_fail (FC_IS_STORE (self), FALSE);
  policy = fc_sla_policy_new_from_json (json, error);
  if (policy == NULL || !fc_store_tx_begin (self, error))
    return FALSE;
  old = g_steal_pointer (&self->policy);
  self->policy = g_object_ref (policy);
  if (!fc_store_set_meta (self, "sla.policy", json, error) ||
      !refresh_next_due (self, error) ||
      !fc_store_tx_commit (self, error))
    {
      if (self->tx_depth > 0)
        fc_store_tx_rollback (self);
      g_set_object (&self->policy, old);
      return FALSE;
    }
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}

void
fc_store_emit_case_changed (FcStore    *self,
                            const char *case_id)
{
  if (case_id != NULL)
    g_signal_emit (self, signals[SIGNAL_CASE_CHANGED], 0, case_id);
  else
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

/* ---- Recording ---- */

static char *
mint_case_number (gint64 now_ms)
{
  static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";  /* Crockford */
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (now_ms / 1000);
  g_autofree char *day = g_date_time_format (dt, "%y%m%d");
  char tail[6];

  for (int i = 0; i < 5; i++)
    tail[i] = alphabet[g_random_int_range (0, 32)];
  tail[5] = '\0';
  return g_strdup_printf ("FC%s-%s", day, tail);
}

static gboolean
check_payload_size (JsonObject *payload,
                    GError    **error)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  json_node_set_object (node, payload);
  text = json_to_string (node, FALSE);
  if (strlen (text) > FC_EVENT_MAX_PAYLOAD_BYTES)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_TOO_LARGE,
                   "The step's data is larger than %d KiB", FC_EVENT_MAX_PAYLOAD_BYTES / 1024);
      return FALSE;
    }
  return TRUE;
}

static gboolean
load_fold (FcStore    *self,
           const char *case_id,
           FcCaseFold *fold,
           GError    **error)
{
  g_autoptr(GPtrArray) events = fc_store_read_events (self, case_id, error);

  if (events == NULL)
    return FALSE;
  fc_case_fold_init (fold, case_id);
  fc_case_fold_events (fold, events);
  return TRUE;
}

static gboolean
take_from_van (FcStore    *self,
               JsonObject *payload,
               GError    **error)
{
  const char *part = json_object_get_string_member (payload, "part_number");
  gint64 qty = json_object_get_int_member (payload, "quantity");
  g_autoptr(FcStmt) stmt = NULL;
  g_autoptr(GError) local = NULL;
  gint64 have;

  stmt = fc_stmt_prepare (self->db, "SELECT quantity FROM van_stock WHERE part_number = ?", error);
  if (stmt == NULL)
    return FALSE;
  fc_stmt_bind_text (stmt, 1, part);
  if (!fc_stmt_step (stmt, &local))
    {
      /* Not a van part: it came from a supplier or the outlet's shelf. */
      if (local == NULL)
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  have = fc_stmt_int64 (stmt, 0);
  if (have < qty)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_NOT_ALLOWED,
                   "Only %" G_GINT64_FORMAT " of part %s left in the van", have, part);
      return FALSE;
    }
  g_clear_pointer (&stmt, fc_stmt_free);
  stmt = fc_stmt_prepare (self->db, "UPDATE van_stock SET quantity = quantity - ?1 "
                                    "WHERE part_number = ?2", error);
  if (stmt == NULL)
    return FALSE;
  fc_stmt_bind_int64 (stmt, 1, qty);
  fc_stmt_bind_text (stmt, 2, part);
  return fc_stmt_run (stmt, error);
}

static gboolean
check_step (FcStore    *self,
            const char *case_id,
            const char *type,
            GError    **error)
{
  FcCaseFold fold;
  gboolean ok = TRUE;

  if (!load_fold (self, case_id, &fold, error))
    return FALSE;
  /* Another process (the CLI beside the app) may have stamped this case
   * later than we know: the new step must sort after everything seen. */
  fc_hlc_observe (&self->hlc, fold.last_hlc);
  if (fold.state == FC_CASE_STATE_NONE && g_strcmp0 (type, FC_EV_CASE_OPENED) != 0)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_NOT_FOUND, "No case with id %s", case_id);
      ok = FALSE;
    }
  else if (!fc_case_fold_allows (&fold, type))
    {
      g_set_error (error, FC_ERROR, FC_ERROR_NOT_ALLOWED,
                   "“%s” is not allowed while the case is %s", type,
                   fc_case_state_to_string (fold.state));
      ok = FALSE;
    }
  fc_case_fold_clear (&fold);
  return ok;
}

/* A stamp for a step recorded now, in a write transaction. Another
 * connection (the admin CLI beside HQ, fieldcase-cli beside the app) may
 * have recorded with this device id since this one last looked: its
 * stamps are read first, under the write lock, so two steps never get the
 * same stamp — and so never the same derived id, which INSERT OR IGNORE
 * would silently drop. cases.last_hlc is indexed: a lookup. */
static gint64
tick_in_tx (FcStore  *self,
            GError  **error)
{
  g_autoptr(FcStmt) stmt = fc_store_prepare_cached (self, "SELECT max(last_hlc) FROM cases", error);
  g_autoptr(GError) local = NULL;

  g_assert (self->tx_depth > 0);
  if (stmt == NULL)
    return 0;
  if (fc_stmt_step (stmt, &local))
    fc_hlc_observe (&self->hlc, fc_stmt_int64 (stmt, 0));
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return 0;
    }
  return fc_hlc_tick (&self->hlc, fc_clock_now_ms (self->clock));
}

/* @hlc: the stamp already taken for this event (a case's opening, whose
 * id is the case's), or 0 to take one now. The id is derived from the stamp
 * and this device (fc_event_id_derive): stamps never repeat, so ids do not,
 * and a snapshot page can leave them out. */
static FcEvent *
record_in_tx (FcStore    *self,
              const char *case_id,
              const char *type,
              JsonObject *payload,
              const char *author,
              gint64      hlc,
              GError    **error)
{
  g_autofree char *id = NULL;
  g_autoptr(FcEvent) event = NULL;
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();

  if (!check_step (self, case_id, type, error))
    return NULL;
  if (g_strcmp0 (type, FC_EV_PART_REPLACED) == 0 && !take_from_van (self, payload, error))
    return NULL;
  if (hlc == 0 && (hlc = tick_in_tx (self, error)) == 0)
    return NULL;
  id = fc_event_id_derive (hlc, self->device_id);
  event = fc_event_new (id, case_id, type, hlc, self->device_id, author, payload);
  g_ptr_array_add (batch, event);
  if (!fc_store_insert_events_in_tx (self, batch, FC_SYNC_PENDING, NULL, error))
    return NULL;
  return g_steal_pointer (&event);
}

/* Validates and records one step; the caller holds the transaction. */
static FcEvent *
record_checked (FcStore    *self,
                const char *case_id,
                const char *type,
                JsonObject *payload,
                const char *author,
                gint64      hlc,
                GError    **error)
{
  if (author == NULL || *author == '\0')
    author = g_get_user_name ();
  if (!fc_uuid_is_valid (case_id))
    {
      g_set_error (error, FC_ERROR, FC_ERROR_NOT_FOUND, "No case with id %s", case_id);
      return NULL;
    }
  if (!fc_event_validate_payload (type, payload, error) ||
      !check_payload_size (payload, error))
    return NULL;
  return record_in_tx (self, case_id, type, payload, author, hlc, error);
}

static void
emit_recorded (FcStore    *self,
               const char *case_id)
{
  fc_store_emit_case_changed (self, case_id);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  g_signal_emit (self, signals[SIGNAL_EVENTS_RECORDED], 0);
}

FcEvent *
fc_store_record (FcStore    *self,
                 const char *case_id,
                 const char *type,
                 JsonObject *payload,
                 const char *author,
                 GError    **error)
{
  g_autoptr(FcEvent) event = NULL;
  g_autoptr(JsonObject) empty = NULL;

  g_return_val_if_fail (FC_IS_STORE (self), NULL);
  g_return_val_if_fail (case_id != NULL && type != NULL, NULL);

  if (payload == NULL)
    payload = empty = json_object_new ();
  if (!fc_store_tx_begin (self, error))
    return NULL;
  event = record_checked (self, case_id, type, payload, author, 0, error);
  if (event == NULL || !fc_store_tx_commit (self, error))
    {
      if (self->tx_depth > 0)
        fc_store_tx_rollback (self);
      /* The HLC tick is harmless to keep: stamps only need to grow. */
      return NULL;
    }
  emit_recorded (self, case_id);
  return g_steal_pointer (&event);
}

static gboolean
insert_customer (FcStore    *self,
                 JsonObject *customer,
                 char      **out_id,
                 GError    **error)
{
  const char *fields[] = { "name", "phone", "address" };
  g_autoptr(FcStmt) stmt = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      JsonNode *n = json_object_get_member (customer, fields[i]);
      gboolean is_text = n != NULL && JSON_NODE_HOLDS_VALUE (n) &&
                         json_node_get_value_type (n) == G_TYPE_STRING &&
                         strlen (json_node_get_string (n)) <= 500;
      if ((n != NULL || i == 0) && !is_text)
        {
          g_set_error (error, FC_ERROR, FC_ERROR_INVALID,
                       "Customer field “%s” must be a text of at most 500 bytes", fields[i]);
          return FALSE;
        }
    }
  stmt = fc_stmt_prepare (self->db, "INSERT INTO customers (id, name, phone, address) "
                                    "VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  *out_id = fc_uuid7_new (fc_clock_now_ms (self->clock));
  fc_stmt_bind_text (stmt, 1, *out_id);
  fc_stmt_bind_text (stmt, 2, json_object_get_string_member (customer, "name"));
  fc_stmt_bind_text (stmt, 3, json_object_get_string_member_with_default (customer, "phone", NULL));
  fc_stmt_bind_text (stmt, 4, json_object_get_string_member_with_default (customer, "address", NULL));
  return fc_stmt_run (stmt, error);
}

/* A copy of @payload where a "customer" object becomes a "customer_id":
 * personal data stays in its own table, out of the event log. */
static JsonObject *
prepare_open_payload (FcStore    *self,
                      JsonObject *payload,
                      GError    **error)
{
  g_autoptr(JsonObject) copy = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, payload);
  while (json_object_iter_next (&iter, &name, &node))
    if (g_strcmp0 (name, "customer") != 0)
      json_object_set_member (copy, name, json_node_copy (node));
  if (json_object_has_member (payload, "customer"))
    {
      JsonNode *c = json_object_get_member (payload, "customer");
      g_autofree char *customer_id = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (c))
        {
          g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "Field “customer” must be an object");
          return NULL;
        }
      if (!insert_customer (self, json_node_get_object (c), &customer_id, error))
        return NULL;
      json_object_set_string_member (copy, "customer_id", customer_id);
    }
  if (!json_object_has_member (copy, "number"))
    {
      g_autofree char *number = mint_case_number (fc_clock_now_ms (self->clock));
      json_object_set_string_member (copy, "number", number);
    }
  return g_steal_pointer (&copy);
}

char *
fc_store_open_case (FcStore    *self,
                    JsonObject *payload,
                    const char *author,
                    GError    **error)
{
  g_autofree char *case_id = NULL;
  g_autoptr(JsonObject) prepared = NULL;
  g_autoptr(FcEvent) event = NULL;
  gint64 hlc;

  g_return_val_if_fail (FC_IS_STORE (self), NULL);
  g_return_val_if_fail (payload != NULL, NULL);

  if (!fc_store_tx_begin (self, error))
    return NULL;
  /* The case's id is its opening event's: one stamp, one derived id. */
  hlc = tick_in_tx (self, error);
  if (hlc != 0)
    {
      case_id = fc_event_id_derive (hlc, self->device_id);
      prepared = prepare_open_payload (self, payload, error);
    }
  if (prepared != NULL)
    event = record_checked (self, case_id, FC_EV_CASE_OPENED, prepared, author, hlc, error);
  if (event == NULL || !fc_store_tx_commit (self, error))
    {
      if (self->tx_depth > 0)
        fc_store_tx_rollback (self);
      return NULL;
    }
  emit_recorded (self, case_id);
  return g_steal_pointer (&case_id);
}

/* ---- Blobs ---- */

char *
fc_store_put_blob (FcStore    *self,
                   GBytes     *data,
                   const char *mime,
                   GError    **error)
{
  g_autofree char *sha = NULL;
  g_autoptr(FcStmt) stmt = NULL;
  gsize size;
  gconstpointer bytes;

  g_return_val_if_fail (FC_IS_STORE (self), NULL);
  g_return_val_if_fail (data != NULL, NULL);

  bytes = g_bytes_get_data (data, &size);
  if (size > FC_BLOB_MAX_BYTES)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_TOO_LARGE, "Attachments are limited to %d MiB",
                   FC_BLOB_MAX_BYTES / (1024 * 1024));
      return NULL;
    }
  sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);
  stmt = fc_stmt_prepare (self->db, "INSERT OR IGNORE INTO blobs (sha256, mime, size, data) "
                                    "VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL)
    return NULL;
  fc_stmt_bind_text (stmt, 1, sha);
  fc_stmt_bind_text (stmt, 2, mime != NULL ? mime : "application/octet-stream");
  fc_stmt_bind_int64 (stmt, 3, size);
  sqlite3_bind_blob (stmt->stmt, 4, size > 0 ? bytes : "", size, SQLITE_STATIC);
  if (!fc_stmt_run (stmt, error))
    return NULL;
  return g_steal_pointer (&sha);
}

GBytes *
fc_store_get_blob (FcStore    *self,
                   const char *sha256,
                   char      **out_mime,
                   GError    **error)
{
  g_autoptr(FcStmt) stmt = NULL;

  g_return_val_if_fail (FC_IS_STORE (self), NULL);
  stmt = fc_stmt_prepare (self->db, "SELECT mime, data FROM blobs WHERE sha256 = ?", error);
  if (stmt == NULL)
    return NULL;
  fc_stmt_bind_text (stmt, 1, sha256);
  if (!fc_stmt_step (stmt, error))
    {
      if (error == NULL || *error == NULL)
        g_set_error (error, FC_ERROR, FC_ERROR_NOT_FOUND, "No attachment %s", sha256);
      return NULL;
    }
  if (out_mime != NULL)
    *out_mime = g_strdup (fc_stmt_text (stmt, 0));
  return g_bytes_new (sqlite3_column_blob (stmt->stmt, 1), sqlite3_column_bytes (stmt->stmt, 1));
}

gboolean
fc_store_has_blob (FcStore    *self,
                   const char *sha256)
{
  g_autoptr(FcStmt) stmt = NULL;

  g_return_val_if_fail (FC_IS_STORE (self), FALSE);
  stmt = fc_stmt_prepare (self->db, "SELECT 1 FROM blobs WHERE sha256 = ?", NULL);
  if (stmt == NULL)
    return FALSE;
  fc_stmt_bind_text (stmt, 1, sha256);
  return fc_stmt_step (stmt, NULL);
}
