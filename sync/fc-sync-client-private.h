/* fc-sync-client-private.h: FcSyncClient's struct and what its files
 * (fc-sync-client.c: object and scheduler; fc-sync-cycle.c: one cycle;
 * fc-sync-http.c: requests; fc-sync-wire.c: JSON) share. Tests and the
 * benchmark use the tuning knobs and the counters; the UI never does.
 *
 * Threading: everything here lives on the client's main context. Only
 * fc_sync_wire_parse_page() runs in a worker thread, on bytes it owns.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "fc-sync-client.h"

G_BEGIN_DECLS

typedef struct {
  guint  batch_limit;          /* events per push (protocol: ≤ 1000) */
  guint  pull_limit;           /* events wanted per response */
  guint  debounce_ms;          /* after a local change */
  guint  debounce_max_ms;      /* a stream of changes still syncs this often */
  guint  interval_ms;          /* the periodic timer */
  guint  backoff_base_ms;      /* first retry after a failure, before jitter */
  guint  backoff_max_ms;
  guint  timeout_s;            /* socket inactivity: a stalled server */
  gint64 reference_interval_ms;/* reference deltas at most this often; < 0 never */
  gsize  gzip_min_bytes;       /* smaller request bodies go as they are */
} FcSyncTuning;

typedef struct {
  guint64 requests;
  guint64 bytes_up;            /* request line, headers and body as sent */
  guint64 bytes_down;          /* status line, headers and body as received */
  guint64 events_pushed;       /* acknowledged or rejected by a receipt */
  guint64 events_pulled;       /* received from HQ (new or not) */
  guint64 cycles_ok;
  guint64 cycles_failed;
} FcSyncStats;

struct _FcSyncClient
{
  GObject           parent_instance;

  /* construct-only */
  FcStore          *store;             /* owned */
  char             *base_url;          /* owned, no trailing slash; may be NULL */
  SoupSession      *session;           /* owned */
  FcSyncTuning      tuning;

  /* properties */
  FcSyncClientState state;
  gboolean          online;
  gint64            pending;
  gint64            rejected;
  gint64            last_success;
  char             *last_error;        /* owned */
  gboolean          all_at_hq;
  gint64            next_attempt;

  /* the cycle under way */
  GCancellable     *cycle_cancellable; /* owned, NULL when none runs */
  guint             cycle_serial;      /* which cycle is the newest */

  /* scheduler */
  gboolean          started;
  guint             wakeup_id;         /* the one timeout that starts a cycle */
  gint64            wakeup_at;         /* monotonic ms of wakeup_id, 0 = none */
  gint64            first_change_at;   /* monotonic ms of the oldest change not yet synced */
  gboolean          again;             /* a change arrived during a cycle */
  guint             failures;          /* consecutive failed cycles */
  gint64            retry_after_ms;    /* the server's last Retry-After */
  GNetworkMonitor  *monitor;           /* borrowed (the default one) */
  gulong            network_handler;
  gulong            recorded_handler;
  gulong            changed_handler;

  FcSyncStats       stats;
};

/* ---- fc-sync-client.c ---- */
void     fc_sync_client_get_tuning      (FcSyncClient       *self,
                                         FcSyncTuning       *out_tuning);
void     fc_sync_client_set_tuning      (FcSyncClient       *self,
                                         const FcSyncTuning *tuning);
void     fc_sync_client_get_stats       (FcSyncClient       *self,
                                         FcSyncStats        *out_stats);
/* Re-reads pending/rejected from the store and notifies what changed. */
void     _fc_sync_client_refresh_counts (FcSyncClient *self,
                                         gboolean      with_rejected);
void     _fc_sync_client_set_online     (FcSyncClient *self,
                                         gboolean      online);
char    *_fc_sync_client_dup_token      (FcSyncClient *self);

/* Full jitter over the upper half: a delay in [d/2, d] where d doubles from
 * @base_ms with each failure up to @max_ms; never below @retry_after_ms.
 * @random01 in [0, 1) (a parameter so tests can check the bounds). */
gint64   fc_sync_backoff_delay_ms       (guint   failures,
                                         guint   base_ms,
                                         guint   max_ms,
                                         gint64  retry_after_ms,
                                         double  random01);

/* ---- fc-sync-cycle.c ---- */
void     _fc_sync_cycle_run_async       (FcSyncClient        *self,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean _fc_sync_cycle_run_finish      (FcSyncClient  *self,
                                         GAsyncResult  *result,
                                         GError       **error);

/* ---- fc-sync-http.c ---- */
typedef enum {
  FC_SYNC_HTTP_NONE      = 0,
  FC_SYNC_HTTP_NO_AUTH   = 1 << 0,   /* enrolment */
  FC_SYNC_HTTP_ALLOW_404 = 1 << 1,   /* HEAD of a blob: 404 is an answer */
} FcSyncHttpFlags;

/* Sends one request; the body (gzipped when large) goes as @content_type.
 * Every response counts towards the stats and the clock offset; a non-2xx
 * one becomes an FC_SYNC_ERROR (fc_sync_error_convert) after noting its
 * Retry-After on the client. */
void     fc_sync_http_send_async        (FcSyncClient        *self,
                                         const char          *method,
                                         const char          *path_and_query,
                                         GBytes              *body,
                                         const char          *content_type,
                                         FcSyncHttpFlags      flags,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
/* The response body (decoded), never NULL on success; @out_status the HTTP
 * status (200, or 404 with ALLOW_404). */
GBytes  *fc_sync_http_send_finish       (FcSyncClient  *self,
                                         GAsyncResult  *result,
                                         guint         *out_status,
                                         GError       **error);
GBytes  *fc_sync_gzip                   (const void *data,
                                         gsize       length);

/* ---- fc-sync-wire.c ---- */
/* json-glib 1.6 has no _with_default getters for these two. */
static inline JsonArray *
fc_sync_json_array (JsonObject *o,
                    const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  return n != NULL && JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

static inline JsonObject *
fc_sync_json_object (JsonObject *o,
                     const char *name)
{
  JsonNode *n = json_object_get_member (o, name);
  return n != NULL && JSON_NODE_HOLDS_OBJECT (n) ? json_node_get_object (n) : NULL;
}

typedef struct {
  GPtrArray *receipts;     /* FcSyncReceipt*, owned */
  GPtrArray *events;       /* FcEvent*, owned; emptied once written (off the main thread) */
  guint      n_events;     /* how many events the page brought */
  char      *cursor;       /* owned, NULL if absent */
  gboolean   more;
  gboolean   snapshot;     /* a first pull's columnar snapshot page: indexing for search may wait */
  guint      n_skipped;    /* events HQ sent that this version cannot read */
  gint64     parse_us;     /* how long parsing took (diagnostics) */
  gint64     parse_cpu_us; /* … of which CPU time in the parsing thread */
} FcSyncPage;

void        fc_sync_page_free           (FcSyncPage *page);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcSyncPage, fc_sync_page_free)

/* {"device_id","cursor","events":[…],"limit","formats":["snapshot-columns"]} */
GBytes     *fc_sync_wire_build_request  (const char *device_id,
                                         const char *cursor,
                                         GPtrArray  *events,
                                         guint       limit);
/* Parses a /v1/sync response; safe in a worker thread. */
FcSyncPage *fc_sync_wire_parse_page     (GBytes   *body,
                                         GError  **error);
/* The blob hashes an event's payload references (owned strings). */
GPtrArray  *fc_sync_wire_event_blobs    (const FcEvent *event);

G_END_DECLS
