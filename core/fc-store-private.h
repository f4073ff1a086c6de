/* fc-store-private.h: what the store's own files (and sync/) share.
 *
 * FcStore's struct, the prepared-statement helper and the one place that
 * turns SQLite result codes into FC_ERROR. Not for the UI.
 */
#pragma once

#include <sqlite3.h>

#include "fc-error.h"
#include "fc-ids.h"
#include "fc-store.h"

G_BEGIN_DECLS

struct _FcStore
{
  GObject      parent_instance;

  char        *path;          /* owned */
  sqlite3     *db;            /* owned */
  char        *device_id;     /* owned, from meta "device.id" */
  FcClock     *clock;         /* owned */
  FcSlaPolicy *policy;        /* owned */
  FcHlc        hlc;
  guint        tx_depth;      /* > 0 inside fc_store_tx_begin */
  GHashTable  *stmt_cache;    /* owned: SQL text → sqlite3_stmt*, hot paths only */
};

/* A prepared statement that finalizes itself (g_autoptr). */
typedef struct {
  sqlite3      *db;     /* borrowed */
  sqlite3_stmt *stmt;   /* owned, unless cached */
  gboolean      cached; /* borrowed from the store's cache: reset, not finalized */
} FcStmt;

FcStmt  *fc_stmt_prepare   (sqlite3    *db,
                            const char *sql,
                            GError    **error);
void     fc_stmt_free      (FcStmt     *stmt);
/* Same, reusing a statement the store keeps prepared (hot paths). */
FcStmt  *fc_store_prepare_cached (FcStore    *self,
                                  const char *sql,
                                  GError    **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcStmt, fc_stmt_free)

/* Bind helpers: NULL text binds SQL NULL. Index from 1. */
void     fc_stmt_bind_text  (FcStmt *stmt, int idx, const char *text);
void     fc_stmt_bind_int64 (FcStmt *stmt, int idx, gint64 value);
/* SQLITE_ROW → TRUE; SQLITE_DONE → FALSE, no error; else FALSE + error. */
gboolean fc_stmt_step      (FcStmt  *stmt,
                            GError **error);
/* Step to SQLITE_DONE; FALSE + error otherwise. */
gboolean fc_stmt_run       (FcStmt  *stmt,
                            GError **error);
const char *fc_stmt_text   (FcStmt *stmt, int col);
gint64   fc_stmt_int64     (FcStmt *stmt, int col);

gboolean fc_db_exec        (sqlite3    *db,
                            const char *sql,
                            GError    **error);
void     fc_db_set_error   (sqlite3    *db,
                            int         rc,
                            GError    **error);

gboolean fc_store_migrate  (sqlite3 *db,
                            int      target,
                            GError **error);

/* Opens a store file migrated only up to @version (for migration tests). */
gboolean fc_store_create_at_version (const char *path,
                                     int         version,
                                     GError    **error);

sqlite3 *fc_store_get_db   (FcStore *self);

/* A second connection to the store file at @path, for a writer thread (a
 * sync client's pages, its search pass), so the UI's connection never
 * waits on a long transaction. @max_pages: the cap of the store it writes
 * for (fc_store_get_max_pages; PRAGMA max_page_count is per connection),
 * 0 for none. It commits with synchronous = NORMAL: only for what HQ
 * would send again (see fc-store.c). */
FcStore *fc_store_new_writer       (const char *path,
                                    FcClock    *clock,
                                    gint64      max_pages,
                                    GError    **error);
gint64   fc_store_get_max_pages    (FcStore    *self);

/* Nested-safe transaction helpers: only the outermost one touches SQLite. */
gboolean fc_store_tx_begin    (FcStore *self, GError **error);
gboolean fc_store_tx_commit   (FcStore *self, GError **error);
void     fc_store_tx_rollback (FcStore *self);

/* Inside a transaction: insert events that are new (by id) and refold
 * their cases. Returns the number inserted; @inserted (optional) receives
 * the new ones. */
gboolean fc_store_insert_events_in_tx (FcStore    *self,
                                       GPtrArray  *events,
                                       FcSyncState state,
                                       GPtrArray  *inserted,
                                       GError    **error);
/* Refolds a case from its stored events (a case waiting for its search
 * row keeps waiting). */
gboolean fc_store_refold_case_in_tx   (FcStore    *self,
                                       const char *case_id,
                                       GError    **error);
/* Read a case's events in fold order. */
GPtrArray *fc_store_read_events       (FcStore    *self,
                                       const char *case_id,
                                       GError    **error);
FcEvent *fc_store_event_from_row      (FcStmt     *stmt,
                                       GError    **error);
#define FC_EVENT_COLUMNS \
  "id, case_id, type, hlc, device, author, payload, sync_state, server_seq, " \
  "reject_reason, conflict, conflict_reason"

FcCase  *fc_store_case_from_row       (FcStmt *stmt);
#define FC_CASE_COLUMNS \
  "c.id, c.number, c.state, c.kind, c.channel, c.problem_type, c.severity, " \
  "c.department, c.customer_id, c.product_serial, c.model, c.title, c.assignee, " \
  "c.plan_action, c.approval_required, c.complex, c.satisfaction, c.opened_at, " \
  "c.responded_at, c.agreed_at, c.resolved_at, c.revisit_due, c.closed_at, " \
  "c.waiting_since, c.waited_ms, c.last_hlc, c.n_events, c.n_conflicts, c.next_due, " \
  "cu.name"
#define FC_CASE_FROM "cases c LEFT JOIN customers cu ON cu.id = c.customer_id"

void     fc_store_emit_case_changed (FcStore    *self,
                                     const char *case_id);

/* fc_store_apply_sync() in two halves, for a sync client that writes a
 * page through its own connection on a worker thread: the transaction,
 * which only appends the new events to @inserted (FcEvent*) … */
gboolean fc_store_apply_sync_quietly (FcStore    *self,
                                      GPtrArray  *receipts,
                                      GPtrArray  *incoming,
                                      const char *cursor,
                                      GPtrArray  *inserted,
                                      GError    **error);

typedef enum {
  FC_STORE_APPLY_NONE         = 0,
  /* A first pull's snapshot page: the cases it brings are stored and
   * listed at once, their search rows wait for fc_store_index_pending(). */
  FC_STORE_APPLY_DEFER_SEARCH = 1 << 0,
} FcStoreApplyFlags;

gboolean fc_store_apply_sync_quietly_full (FcStore          *self,
                                           GPtrArray        *receipts,
                                           GPtrArray        *incoming,
                                           const char       *cursor,
                                           FcStoreApplyFlags flags,
                                           GPtrArray        *inserted,
                                           GError          **error);
/* … and, on the thread of the store the UI watches, its clock and signals.
 * A writer may empty @inserted when it holds more than
 * FC_STORE_CASE_SIGNALS_MAX events (only "changed" is emitted then) and pass
 * their newest HLC as @max_hlc (0 otherwise). */
#define FC_STORE_CASE_SIGNALS_MAX 100
void     fc_store_announce_applied   (FcStore   *self,
                                      GPtrArray *inserted,
                                      gint64     max_hlc);

/* cases.fts_rowid is the case's row in case_fts (> 0), or this while its
 * search row waits (FC_STORE_APPLY_DEFER_SEARCH); 0 means no case row. New
 * events indexing it (a step recorded, a page that is no snapshot) index
 * it then; other refolds (fc_store_refold_case_in_tx, a snapshot page)
 * leave it waiting. Either way it gets one row, with its text of then. */
#define FC_STORE_FTS_PENDING (-1)

/* Indexes up to @max_cases (0: all) pending cases from their stored events,
 * with the text a refold would give them, in one transaction; @out_indexed
 * (optional) says how many. A kill at any moment leaves each case indexed
 * once or still pending. */
gboolean fc_store_index_pending      (FcStore  *self,
                                      guint     max_cases,
                                      guint    *out_indexed,
                                      GError  **error);
/* Whether any case waits for its search row (an index lookup). */
gboolean fc_store_has_index_pending  (FcStore  *self);

G_END_DECLS
