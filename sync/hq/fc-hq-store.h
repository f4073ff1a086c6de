/* fc-hq-store.h: HQ's database — core's FcStore plus HQ's own tables.
 *
 * The events, their case projection, blobs and reference data live in the
 * core's schema (fc_store_new on HQ's file). Next to them, in the same file
 * and the same transactions, HQ keeps (all tables prefixed hq_):
 *   hq_log          the global order of events: seq is the sync cursor;
 *   hq_cases        each case's outlet and current assignee (scope);
 *   hq_devices      enrolled devices, their scope and token hash;
 *   hq_enrol_codes  one-time codes, by hash;
 *   hq_ref_versions a version per reference row (deltas);
 *   hq_blob_parts   partial blob uploads (resumable PUT).
 * Not thread-safe, like FcStore: one thread per FcHqStore; several
 * processes (the server and the admin CLI) may open one file.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fc-store.h"

G_BEGIN_DECLS

/* The device id HQ's own steps carry. */
#define FC_HQ_DEVICE_ID "hq"

typedef struct {
  char    *device_id;
  char    *name;
  char    *outlet;
  char    *engineer;      /* NULL: the outlet's cases only */
  gboolean revoked;
  gint64   enrolled_at;   /* ms UTC */
  gint64   last_seen;     /* ms UTC, 0 = never synced */
} FcHqDevice;

void        fc_hq_device_free (FcHqDevice *device);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcHqDevice, fc_hq_device_free)

typedef enum {
  FC_HQ_TOKEN_VALID,
  FC_HQ_TOKEN_UNKNOWN,
  FC_HQ_TOKEN_REVOKED,
} FcHqTokenState;

/* One per pushed event, in the order sent. */
typedef struct {
  char       *event_id;
  gint64      seq;        /* > 0: stored (now or before) */
  const char *rejected;   /* static reason code, NULL if stored */
  char       *message;    /* why, for people; NULL if stored */
} FcHqReceipt;

void        fc_hq_receipt_free (FcHqReceipt *receipt);

#define FC_HQ_TYPE_STORE (fc_hq_store_get_type ())
G_DECLARE_FINAL_TYPE (FcHqStore, fc_hq_store, FC_HQ, STORE, GObject)

FcHqStore  *fc_hq_store_new            (const char *path,
                                        FcClock    *clock,   /* nullable */
                                        GError    **error);
FcStore    *fc_hq_store_get_core       (FcHqStore *self);
gint64      fc_hq_store_now_ms         (FcHqStore *self);

/* ---- Devices ---- */
char       *fc_hq_store_create_enrol_code (FcHqStore  *self,
                                           const char *outlet,
                                           const char *engineer,
                                           gint64      ttl_ms,
                                           GError    **error);
/* Uses the code (once) and (re-)enrols @device_id; *@out_token is the new
 * bearer token. FC_ERROR_NOT_ALLOWED: the code is unknown, used or
 * expired; FC_ERROR_INVALID: bad device id or name. */
FcHqDevice *fc_hq_store_enrol          (FcHqStore  *self,
                                        const char *code,
                                        const char *device_id,
                                        const char *name,
                                        char      **out_token,
                                        GError    **error);
FcHqDevice *fc_hq_store_authenticate   (FcHqStore      *self,
                                        const char     *token,
                                        FcHqTokenState *out_state,
                                        GError        **error);
gboolean    fc_hq_store_revoke         (FcHqStore  *self,
                                        const char *device_id,
                                        GError    **error);
GPtrArray  *fc_hq_store_list_devices   (FcHqStore  *self,
                                        GError    **error);

/* ---- Events ---- */

/* Validates and stores a pushed batch in one transaction; returns one
 * receipt per element (FcHqReceipt*), or NULL + error if the transaction
 * failed (then nothing was stored). Each element must be a JSON object with
 * a string "id" (the server checks that before). */
GPtrArray  *fc_hq_store_ingest         (FcHqStore        *self,
                                        const FcHqDevice *device,
                                        JsonArray        *events,
                                        GError          **error);

typedef enum {
  FC_HQ_PULL_JSON_ARRAY = 0,   /* comma-separated, for a JSON array */
  FC_HQ_PULL_NDJSON     = 1,   /* one event per line */
  FC_HQ_PULL_COLUMNS    = 2,   /* snapshot pages only: the "snapshot" object */
} FcHqPullFormat;

/* Appends the events after @after (seq) that @device may see and did not
 * send, ordered by seq, at most @limit of them plus the whole earlier
 * history of cases that entered the device's scope. @device NULL: every
 * event (the feed). Sets the cursor to resume from and whether more wait. */
gboolean    fc_hq_store_pull           (FcHqStore        *self,
                                        const FcHqDevice *device,
                                        gint64            after,
                                        guint             limit,
                                        FcHqPullFormat    format,
                                        GString          *out,
                                        gint64           *out_cursor,
                                        gboolean         *out_more,
                                        guint            *out_count,
                                        GError          **error);

/* A device's first pull: the cases of its scope, each with its history up
 * to one seq (the newest when @cursor is NULL or ""), in case-id order,
 * whole cases until @limit events are written (a case bigger than a page is
 * split by seq). The cursor resumes the snapshot ("s<seq>:<case>[:<seq>]")
 * or, once every case is out, is the snapshot's seq, from which
 * fc_hq_store_pull() goes on. @format: FC_HQ_PULL_JSON_ARRAY (events for a
 * JSON array) or FC_HQ_PULL_COLUMNS (one "snapshot" object, written whole
 * only on success). */
gboolean    fc_hq_store_pull_snapshot  (FcHqStore        *self,
                                        const FcHqDevice *device,
                                        const char       *cursor,
                                        guint             limit,
                                        FcHqPullFormat    format,
                                        GString          *out,
                                        char            **out_cursor,
                                        gboolean         *out_more,
                                        guint            *out_count,
                                        GError          **error);
/* A "snapshot" object without events (a push-only request, a failed pull). */
void        fc_hq_snapshot_columns_append_empty (GString *out);
char       *fc_hq_snapshot_cursor_format (gint64      snapshot,
                                          const char *case_id,
                                          gint64      seq);
/* FALSE if @text is not a snapshot cursor this server could have made. */
gboolean    fc_hq_snapshot_cursor_parse  (const char  *text,
                                          gint64      *out_snapshot,
                                          char       **out_case_id,
                                          gint64      *out_seq);

/* A step authored at HQ (device "hq"); see fc_hq_server_assign(). */
FcEvent    *fc_hq_store_record         (FcHqStore  *self,
                                        const char *case_id_or_number,
                                        const char *type,
                                        JsonObject *payload,
                                        const char *author,
                                        GError    **error);
/* The outlet a case belongs to (NULL if none or unknown). */
char       *fc_hq_store_dup_case_outlet (FcHqStore  *self,
                                         const char *case_id);
gint64      fc_hq_store_count_events   (FcHqStore *self);
gint64      fc_hq_store_last_seq       (FcHqStore *self);

/* ---- Resumable blob uploads (fc-hq-blobs.c) ---- */

typedef enum {
  FC_HQ_BLOB_PART_FAILED,        /* storage error (see error) */
  FC_HQ_BLOB_PART_STORED,        /* kept; more bytes expected */
  FC_HQ_BLOB_PART_COMPLETE,      /* the last bytes: hashed and stored as a blob */
  FC_HQ_BLOB_PART_BAD_HASH,      /* complete, but not the announced hash: dropped */
  FC_HQ_BLOB_PART_OUT_OF_ORDER,  /* @from is not what HQ has received */
} FcHqBlobPart;

/* Bytes received of a partial upload, -1 if none. */
gint64      fc_hq_store_blob_part_received (FcHqStore  *self,
                                            const char *sha256);
/* Appends @chunk at @from of a @total-byte upload; *@out_received is the
 * byte count HQ then holds. */
FcHqBlobPart fc_hq_store_put_blob_part (FcHqStore  *self,
                                        const char *sha256,
                                        const char *mime,
                                        gint64      from,
                                        gint64      total,
                                        GBytes     *chunk,
                                        gint64     *out_received,
                                        GError    **error);

/* ---- Reference data (fc-hq-ref.c) ---- */

/* Imports @contents (CSV, or JSON if it starts with '[' or '{') for @kind
 * (a FcRefKind name, or "sla_policy" with the policy JSON) and moves the
 * versions of the rows that changed. */
gboolean    fc_hq_store_import         (FcHqStore  *self,
                                        const char *kind,
                                        const char *contents,
                                        gsize       length,
                                        GError    **error);
/* Customers a device recorded with its new cases (a JSON array of
 * {id, name, phone, address}), all or nothing. A customer HQ already has
 * may be changed only by a device whose scope holds one of its cases:
 * FC_ERROR_NOT_ALLOWED otherwise. */
gboolean    fc_hq_store_put_customers  (FcHqStore      *self,
                                        const FcHqDevice *device,
                                        const char     *json,
                                        gsize           length,
                                        GError        **error);
/* Compares the stored rows of @kind with their recorded versions and gives
 * new versions to what changed or disappeared. Cheap when nothing did. */
gboolean    fc_hq_store_refresh_ref_versions (FcHqStore  *self,
                                              const char *kind,
                                              GError    **error);
/* {"kind","rows","deleted","version","more"} for rows with a version after
 * @since; customers only those of cases in @device's scope.
 * FC_ERROR_NOT_FOUND: unknown kind. */
char       *fc_hq_store_ref_delta      (FcHqStore        *self,
                                        const FcHqDevice *device,
                                        const char       *kind,
                                        gint64            since,
                                        guint             limit,
                                        GError          **error);
gboolean    fc_hq_ref_kind_is_known    (const char *kind);

G_END_DECLS
