/* fc-hq-store.c: opening HQ's database, devices and enrolment codes, and
 * steps authored at HQ. Ingest is in fc-hq-ingest.c, pull in fc-hq-pull.c,
 * reference data in fc-hq-ref.c.
 */
#include "fc-hq-store-private.h"

#include <string.h>

#include "fc-hq-auth.h"

#define HQ_SCHEMA_VERSION "1"
#define DEFAULT_CODE_TTL_MS (24 * 3600 * 1000LL)
#define MAX_NAME_BYTES 200

G_DEFINE_FINAL_TYPE (FcHqStore, fc_hq_store, G_TYPE_OBJECT)

/* Idempotent: HQ's tables sit beside core's schema, which HQ never
 * migrates itself. hq_log.seq is AUTOINCREMENT so a seq is never reused,
 * even after the newest rows of a failed transaction are rolled back. */
static const char hq_schema[] =
  "CREATE TABLE IF NOT EXISTS hq_log ("
  "  seq      INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  event_id TEXT UNIQUE NOT NULL,"
  "  device   TEXT,"
  "  case_id  TEXT NOT NULL);"
  "CREATE INDEX IF NOT EXISTS hq_log_by_case ON hq_log (case_id, seq);"
  "CREATE TABLE IF NOT EXISTS hq_cases ("
  "  case_id  TEXT PRIMARY KEY,"
  "  outlet      TEXT,"
  "  assignee    TEXT,"
  "  customer_id TEXT) WITHOUT ROWID;"
  "CREATE INDEX IF NOT EXISTS hq_cases_by_customer ON hq_cases (customer_id);"
  "CREATE TABLE IF NOT EXISTS hq_devices ("
  "  device_id    TEXT PRIMARY KEY,"
  "  name         TEXT,"
  "  outlet       TEXT NOT NULL,"
  "  engineer     TEXT,"
  "  token_sha256 TEXT UNIQUE,"
  "  revoked      INTEGER NOT NULL DEFAULT 0,"
  "  enrolled_at  INTEGER NOT NULL,"
  "  last_seen    INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS hq_enrol_codes ("
  "  code_sha256 TEXT PRIMARY KEY,"
  "  outlet      TEXT NOT NULL,"
  "  engineer    TEXT,"
  "  created_at  INTEGER NOT NULL,"
  "  expires_at  INTEGER NOT NULL,"
  "  used_at     INTEGER,"
  "  device_id   TEXT) WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS hq_ref_versions ("
  "  kind       TEXT NOT NULL,"
  "  key        TEXT NOT NULL,"
  "  version    INTEGER NOT NULL,"
  "  row_sha256 TEXT,"
  "  deleted    INTEGER NOT NULL DEFAULT 0,"
  "  PRIMARY KEY (kind, key)) WITHOUT ROWID;"
  "CREATE INDEX IF NOT EXISTS hq_ref_by_version ON hq_ref_versions (kind, version);"
  "CREATE TABLE IF NOT EXISTS hq_blob_parts ("
  "  sha256   TEXT PRIMARY KEY,"
  "  mime     TEXT NOT NULL,"
  "  total    INTEGER NOT NULL,"
  "  data     BLOB NOT NULL,"
  "  updated  INTEGER NOT NULL) WITHOUT ROWID;";

/* Events that reached the core tables some other way (fieldcase-cli on
 * HQ's file, an older HQ) get their place in the log and their scope. */
static const char hq_repair[] =
  "INSERT OR IGNORE INTO hq_log (event_id, device, case_id)"
  "  SELECT e.id, e.device, e.case_id FROM events e"
  "  WHERE NOT EXISTS (SELECT 1 FROM hq_log l WHERE l.event_id = e.id)"
  "  ORDER BY e.hlc, e.device, e.id;"
  "INSERT OR IGNORE INTO hq_cases (case_id, outlet, assignee, customer_id)"
  "  SELECT e.case_id, json_extract (e.payload, '$.outlet'), c.assignee, c.customer_id"
  "  FROM events e LEFT JOIN cases c ON c.id = e.case_id"
  "  WHERE e.type = 'case.opened';";

void
fc_hq_device_free (FcHqDevice *device)
{
  if (device == NULL)
    return;
  g_free (device->device_id);
  g_free (device->name);
  g_free (device->outlet);
  g_free (device->engineer);
  g_free (device);
}

void
fc_hq_receipt_free (FcHqReceipt *receipt)
{
  if (receipt == NULL)
    return;
  g_free (receipt->event_id);
  g_free (receipt->message);
  g_free (receipt);
}

static void
fc_hq_store_finalize (GObject *object)
{
  FcHqStore *self = FC_HQ_STORE (object);

  self->db = NULL;
  g_clear_object (&self->core);
  G_OBJECT_CLASS (fc_hq_store_parent_class)->finalize (object);
}

static void
fc_hq_store_class_init (FcHqStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fc_hq_store_finalize;
}

static void
fc_hq_store_init (FcHqStore *self)
{
}

void
fc_hq_store_abort_tx (FcHqStore *self)
{
  if (self->core->tx_depth > 0)
    fc_store_tx_rollback (self->core);
}

static gint64
query_int64 (FcHqStore  *self,
             const char *sql)
{
  g_autoptr(FcStmt) stmt = fc_store_prepare_cached (self->core, sql, NULL);

  if (stmt == NULL || !fc_stmt_step (stmt, NULL))
    return 0;
  return fc_stmt_int64 (stmt, 0);
}

static gboolean
needs_repair (FcHqStore *self)
{
  return query_int64 (self, "SELECT count(*) FROM events") !=
         query_int64 (self, "SELECT count(*) FROM hq_log");
}

/* HQ's own steps carry the device id "hq": every party sees who wrote them. */
static gboolean
set_identity (FcHqStore *self,
              GError   **error)
{
  if (g_strcmp0 (self->core->device_id, FC_HQ_DEVICE_ID) == 0)
    return TRUE;
  if (!fc_store_set_meta (self->core, "device.id", FC_HQ_DEVICE_ID, error))
    return FALSE;
  g_free (self->core->device_id);
  self->core->device_id = g_strdup (FC_HQ_DEVICE_ID);
  return TRUE;
}

static gboolean
create_schema (FcHqStore *self,
               GError   **error)
{
  if (!fc_store_tx_begin (self->core, error))
    return FALSE;
  if (!fc_db_exec (self->db, hq_schema, error) ||
      !fc_store_set_meta (self->core, "hq.schema", HQ_SCHEMA_VERSION, error) ||
      !set_identity (self, error) ||
      (needs_repair (self) && !fc_db_exec (self->db, hq_repair, error)) ||
      !fc_store_tx_commit (self->core, error))
    {
      fc_hq_store_abort_tx (self);
      g_prefix_error (error, "Preparing the HQ tables: ");
      return FALSE;
    }
  return TRUE;
}

FcHqStore *
fc_hq_store_new (const char *path,
                 FcClock    *clock,
                 GError    **error)
{
  g_autoptr(FcHqStore) self = g_object_new (FC_HQ_TYPE_STORE, NULL);

  g_return_val_if_fail (path != NULL, NULL);
  self->core = fc_store_new_with_clock (path, clock, error);
  if (self->core == NULL)
    return NULL;
  self->db = fc_store_get_db (self->core);
  if (!create_schema (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

FcStore *
fc_hq_store_get_core (FcHqStore *self)
{
  g_return_val_if_fail (FC_HQ_IS_STORE (self), NULL);
  return self->core;
}

gint64
fc_hq_store_now_ms (FcHqStore *self)
{
  return fc_clock_now_ms (fc_store_get_clock (self->core));
}

/* ---- Devices and codes ---- */

static gboolean
check_label (const char *what,
             const char *text,
             gboolean    required,
             GError    **error)
{
  if (text == NULL && !required)
    return TRUE;
  if (text == NULL || *text == '\0' || strlen (text) > MAX_NAME_BYTES ||
      !g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID,
                   "The %s must be a non-empty text of at most %d bytes", what, MAX_NAME_BYTES);
      return FALSE;
    }
  for (const char *p = text; *p != '\0'; p++)
    if ((guchar) *p < 0x20)
      {
        g_set_error (error, FC_ERROR, FC_ERROR_INVALID,
                     "The %s must not contain control characters", what);
        return FALSE;
      }
  return TRUE;
}

char *
fc_hq_store_create_enrol_code (FcHqStore  *self,
                               const char *outlet,
                               const char *engineer,
                               gint64      ttl_ms,
                               GError    **error)
{
  g_autofree char *code = NULL;
  g_autofree char *norm = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(FcStmt) stmt = NULL;
  gint64 now = fc_hq_store_now_ms (self);

  g_return_val_if_fail (FC_HQ_IS_STORE (self), NULL);
  if (!check_label ("outlet", outlet, TRUE, error) ||
      !check_label ("engineer", engineer, FALSE, error))
    return NULL;
  if ((code = fc_hq_auth_new_code (error)) == NULL)
    return NULL;
  norm = fc_hq_auth_normalize_code (code);
  hash = fc_hq_auth_hash (norm);
  stmt = fc_stmt_prepare (self->db, "INSERT INTO hq_enrol_codes (code_sha256, outlet, engineer, "
                                    "created_at, expires_at) VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return NULL;
  fc_stmt_bind_text (stmt, 1, hash);
  fc_stmt_bind_text (stmt, 2, outlet);
  fc_stmt_bind_text (stmt, 3, engineer);
  fc_stmt_bind_int64 (stmt, 4, now);
  fc_stmt_bind_int64 (stmt, 5, now + (ttl_ms > 0 ? ttl_ms : DEFAULT_CODE_TTL_MS));
  if (!fc_stmt_run (stmt, error))
    return NULL;
  return g_steal_pointer (&code);
}

/* Marks the code used if it is valid now; fills outlet/engineer. */
static gboolean
use_code (FcHqStore  *self,
          const char *code,
          const char *device_id,
          char      **out_outlet,
          char      **out_engineer,
          GError    **error)
{
  g_autofree char *norm = fc_hq_auth_normalize_code (code);
  g_autofree char *hash = NULL;
  g_autoptr(FcStmt) stmt = NULL;
  g_autoptr(GError) local = NULL;
  gint64 now = fc_hq_store_now_ms (self);

  if (norm == NULL)
    goto refused;
  hash = fc_hq_auth_hash (norm);
  stmt = fc_stmt_prepare (self->db, "UPDATE hq_enrol_codes SET used_at = ?1, device_id = ?2 "
                                    "WHERE code_sha256 = ?3 AND used_at IS NULL AND expires_at > ?1 "
                                    "RETURNING outlet, engineer", error);
  if (stmt == NULL)
    return FALSE;
  fc_stmt_bind_int64 (stmt, 1, now);
  fc_stmt_bind_text (stmt, 2, device_id);
  fc_stmt_bind_text (stmt, 3, hash);
  if (fc_stmt_step (stmt, &local))
    {
      *out_outlet = g_strdup (fc_stmt_text (stmt, 0));
      *out_engineer = g_strdup (fc_stmt_text (stmt, 1));
      return fc_stmt_run (stmt, error);
    }
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
refused:
  /* One message for unknown, used and expired: no oracle for guessing. */
  g_set_error (error, FC_ERROR, FC_ERROR_NOT_ALLOWED,
               "The enrolment code is unknown, already used or expired");
  return FALSE;
}

static gboolean
save_device (FcHqStore        *self,
             const FcHqDevice *dev,
             const char       *token_hash,
             GError          **error)
{
  g_autoptr(FcStmt) stmt = NULL;

  /* Re-enrolling a device (after revocation, or a new phone owner) replaces
   * its scope and token; its events stay. */
  stmt = fc_stmt_prepare (self->db,
    "INSERT INTO hq_devices (device_id, name, outlet, engineer, token_sha256, revoked, enrolled_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6) ON CONFLICT (device_id) DO UPDATE SET name = ?2, "
    "outlet = ?3, engineer = ?4, token_sha256 = ?5, revoked = 0, enrolled_at = ?6", error);
  if (stmt == NULL)
    return FALSE;
  fc_stmt_bind_text (stmt, 1, dev->device_id);
  fc_stmt_bind_text (stmt, 2, dev->name);
  fc_stmt_bind_text (stmt, 3, dev->outlet);
  fc_stmt_bind_text (stmt, 4, dev->engineer);
  fc_stmt_bind_text (stmt, 5, token_hash);
  fc_stmt_bind_int64 (stmt, 6, dev->enrolled_at);
  return fc_stmt_run (stmt, error);
}

FcHqDevice *
fc_hq_store_enrol (FcHqStore  *self,
                   const char *code,
                   const char *device_id,
                   const char *name,
                   char      **out_token,
                   GError    **error)
{
  g_autoptr(FcHqDevice) dev = g_new0 (FcHqDevice, 1);
  g_autofree char *token = NULL;
  g_autofree char *token_hash = NULL;

  g_return_val_if_fail (FC_HQ_IS_STORE (self), NULL);
  g_return_val_if_fail (out_token != NULL, NULL);
  if (device_id == NULL || !fc_uuid_is_valid (device_id))
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "“device_id” must be a UUID");
      return NULL;
    }
  if (!check_label ("device name", name, FALSE, error) ||
      (token = fc_hq_auth_new_token (error)) == NULL)
    return NULL;
  token_hash = fc_hq_auth_hash (token);
  dev->device_id = g_strdup (device_id);
  dev->name = g_strdup (name);
  dev->enrolled_at = fc_hq_store_now_ms (self);
  if (!fc_store_tx_begin (self->core, error))
    return NULL;
  if (!use_code (self, code, device_id, &dev->outlet, &dev->engineer, error) ||
      !save_device (self, dev, token_hash, error) ||
      !fc_store_tx_commit (self->core, error))
    {
      fc_hq_store_abort_tx (self);
      return NULL;
    }
  *out_token = g_steal_pointer (&token);
  return g_steal_pointer (&dev);
}

static FcHqDevice *
device_from_row (FcStmt *stmt)
{
  FcHqDevice *dev = g_new0 (FcHqDevice, 1);

  dev->device_id = g_strdup (fc_stmt_text (stmt, 0));
  dev->name = g_strdup (fc_stmt_text (stmt, 1));
  dev->outlet = g_strdup (fc_stmt_text (stmt, 2));
  dev->engineer = g_strdup (fc_stmt_text (stmt, 3));
  dev->revoked = fc_stmt_int64 (stmt, 4) != 0;
  dev->enrolled_at = fc_stmt_int64 (stmt, 5);
  dev->last_seen = fc_stmt_int64 (stmt, 6);
  return dev;
}

#define DEVICE_COLUMNS "device_id, name, outlet, engineer, revoked, enrolled_at, last_seen"

FcHqDevice *
fc_hq_store_authenticate (FcHqStore      *self,
                          const char     *token,
                          FcHqTokenState *out_state,
                          GError        **error)
{
  g_autofree char *hash = NULL;
  g_autoptr(FcStmt) stmt = NULL;
  g_autoptr(GError) local = NULL;
  FcHqDevice *dev;

  g_return_val_if_fail (FC_HQ_IS_STORE (self), NULL);
  *out_state = FC_HQ_TOKEN_UNKNOWN;
  if (token == NULL || *token == '\0' || strlen (token) > 256)
    return NULL;
  hash = fc_hq_auth_hash (token);
  stmt = fc_store_prepare_cached (self->core, "SELECT " DEVICE_COLUMNS " FROM hq_devices "
                                  "WHERE token_sha256 = ?", error);
  if (stmt == NULL)
    return NULL;
  fc_stmt_bind_text (stmt, 1, hash);
  if (!fc_stmt_step (stmt, &local))
    {
      if (local != NULL)
        g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  dev = device_from_row (stmt);
  *out_state = dev->revoked ? FC_HQ_TOKEN_REVOKED : FC_HQ_TOKEN_VALID;
  return dev;
}

gboolean
fc_hq_store_revoke (FcHqStore  *self,
                    const char *device_id,
                    GError    **error)
{
  g_autoptr(FcStmt) stmt = NULL;

  g_return_val_if_fail (FC_HQ_IS_STORE (self), FALSE);
  stmt = fc_stmt_prepare (self->db, "UPDATE hq_devices SET revoked = 1 WHERE device_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  fc_stmt_bind_text (stmt, 1, device_id);
  if (!fc_stmt_run (stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_NOT_FOUND, "No device %s", device_id);
      return FALSE;
    }
  return TRUE;
}

GPtrArray *
fc_hq_store_list_devices (FcHqStore *self,
                          GError   **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_hq_device_free);
  g_autoptr(FcStmt) stmt = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (FC_HQ_IS_STORE (self), NULL);
  stmt = fc_stmt_prepare (self->db, "SELECT " DEVICE_COLUMNS " FROM hq_devices "
                                    "ORDER BY outlet, enrolled_at", error);
  if (stmt == NULL)
    return NULL;
  while (fc_stmt_step (stmt, &local))
    g_ptr_array_add (list, device_from_row (stmt));
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  return g_steal_pointer (&list);
}

/* ---- Steps authored at HQ ---- */

static char *
resolve_case_id (FcHqStore  *self,
                 const char *case_id_or_number,
                 GError    **error)
{
  g_autoptr(FcCase) c = fc_store_get_case (self->core, case_id_or_number, error);

  return c != NULL ? g_strdup (fc_case_get_id (c)) : NULL;
}

/* HQ has no pending queue: its own steps are acknowledged by their seq. */
static gboolean
mark_acked (FcHqStore  *self,
            const char *event_id,
            gint64      seq,
            GError    **error)
{
  g_autoptr(FcStmt) stmt = NULL;

  stmt = fc_stmt_prepare (self->db, "UPDATE events SET sync_state = 1, server_seq = ? WHERE id = ?",
                          error);
  if (stmt == NULL)
    return FALSE;
  fc_stmt_bind_int64 (stmt, 1, seq);
  fc_stmt_bind_text (stmt, 2, event_id);
  return fc_stmt_run (stmt, error);
}

static gboolean
after_record (FcHqStore *self,
              FcEvent   *event,
              GError   **error)
{
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) one = g_ptr_array_new ();
  gint64 seq = 0;

  g_hash_table_add (ids, event->case_id);
  g_ptr_array_add (one, event);
  return fc_hq_store_log_event (self, event, FC_HQ_DEVICE_ID, &seq, error) &&
         mark_acked (self, event->id, seq, error) &&
         fc_hq_store_update_cases (self, NULL, ids, error) &&
         fc_hq_store_touch_customers (self, one, error);
}

FcEvent *
fc_hq_store_record (FcHqStore  *self,
                    const char *case_id_or_number,
                    const char *type,
                    JsonObject *payload,
                    const char *author,
                    GError    **error)
{
  g_autofree char *case_id = NULL;
  g_autoptr(FcEvent) event = NULL;

  g_return_val_if_fail (FC_HQ_IS_STORE (self), NULL);
  g_return_val_if_fail (case_id_or_number != NULL && type != NULL, NULL);
  case_id = resolve_case_id (self, case_id_or_number, error);
  if (case_id == NULL || !fc_store_tx_begin (self->core, error))
    return NULL;
  /* fc_store_record nests in this transaction: the event, its log row and
   * the scope update commit together. */
  event = fc_store_record (self->core, case_id, type, payload, author, error);
  if (event == NULL || !after_record (self, event, error) ||
      !fc_store_tx_commit (self->core, error))
    {
      fc_hq_store_abort_tx (self);
      return NULL;
    }
  return g_steal_pointer (&event);
}

char *
fc_hq_store_dup_case_outlet (FcHqStore  *self,
                             const char *case_id)
{
  g_autoptr(FcStmt) stmt = fc_store_prepare_cached (self->core, "SELECT outlet FROM hq_cases "
                                                    "WHERE case_id = ?", NULL);

  if (stmt == NULL)
    return NULL;
  fc_stmt_bind_text (stmt, 1, case_id);
  return fc_stmt_step (stmt, NULL) ? g_strdup (fc_stmt_text (stmt, 0)) : NULL;
}

gint64
fc_hq_store_count_events (FcHqStore *self)
{
  g_return_val_if_fail (FC_HQ_IS_STORE (self), 0);
  return query_int64 (self, "SELECT count(*) FROM events");
}

gint64
fc_hq_store_last_seq (FcHqStore *self)
{
  g_return_val_if_fail (FC_HQ_IS_STORE (self), 0);
  return query_int64 (self, "SELECT coalesce (max (seq), 0) FROM hq_log");
}
