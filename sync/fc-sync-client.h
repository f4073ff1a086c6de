/* fc-sync-client.h: the device side of sync (docs/sync-protocol.md).
 *
 * One FcSyncClient per store. A cycle pushes every pending event in bounded
 * batches (the blobs they reference first), pulls until HQ has nothing more,
 * and applies each response in one store transaction. The scheduler
 * (fc_sync_client_start) runs cycles at start, shortly after local changes,
 * on a timer and when the network comes back, backing off with jitter on
 * failure. Everything runs on the thread-default main context of the thread
 * that created the client; nothing blocks it but the store writes, which
 * are one transaction per response.
 *
 * The properties are for the UI to bind; each is notified only when its
 * value really changes.
 */
#pragma once

#include <gio/gio.h>

#include "fc-store.h"
#include "fc-sync-error.h"

G_BEGIN_DECLS

typedef enum {
  FC_SYNC_CLIENT_IDLE,          /* nothing under way; the last cycle succeeded (or none ran) */
  FC_SYNC_CLIENT_SYNCING,
  FC_SYNC_CLIENT_OFFLINE,       /* HQ could not be reached; work goes on locally */
  FC_SYNC_CLIENT_ERROR,         /* the last cycle failed otherwise; see last-error */
  FC_SYNC_CLIENT_UNAUTHORIZED,  /* not enrolled, or the token was refused: enrol again */
} FcSyncClientState;

#define FC_TYPE_SYNC_CLIENT (fc_sync_client_get_type ())
G_DECLARE_FINAL_TYPE (FcSyncClient, fc_sync_client, FC, SYNC_CLIENT, GObject)

/* @base_url: "https://hq.example.com" (no trailing /v1); NULL = the URL
 * stored at enrolment (meta "sync.url"). */
FcSyncClient     *fc_sync_client_new             (FcStore    *store,
                                                  const char *base_url);

FcStore          *fc_sync_client_get_store       (FcSyncClient *self);
const char       *fc_sync_client_get_base_url    (FcSyncClient *self);
FcSyncClientState fc_sync_client_get_state       (FcSyncClient *self);
gboolean          fc_sync_client_get_online      (FcSyncClient *self);
gint64            fc_sync_client_get_pending     (FcSyncClient *self);
gint64            fc_sync_client_get_rejected    (FcSyncClient *self);
gint64            fc_sync_client_get_last_success (FcSyncClient *self);  /* ms UTC, 0 = never */
const char       *fc_sync_client_get_last_error  (FcSyncClient *self);  /* NULL = none */
gboolean          fc_sync_client_get_all_at_hq   (FcSyncClient *self);
gint64            fc_sync_client_get_next_attempt (FcSyncClient *self); /* ms UTC, 0 = none planned */
gboolean          fc_sync_client_is_enrolled     (FcSyncClient *self);

/* One full cycle. A newer call cancels a cycle this API started and still
 * running (the newest request wins); the store stays consistent either way. */
void              fc_sync_client_sync_async      (FcSyncClient        *self,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean          fc_sync_client_sync_finish     (FcSyncClient  *self,
                                                  GAsyncResult  *result,
                                                  GError       **error);

/* The background scheduler; stop cancels what runs and plans nothing more. */
void              fc_sync_client_start           (FcSyncClient *self);
void              fc_sync_client_stop            (FcSyncClient *self);

/* POST /v1/enrol with a one-time @code; keeps the token, outlet and
 * engineer in store meta. A started scheduler syncs right after. */
void              fc_sync_client_enrol_async     (FcSyncClient        *self,
                                                  const char          *code,
                                                  const char          *device_name,
                                                  GCancellable        *cancellable,
                                                  GAsyncReadyCallback  callback,
                                                  gpointer             user_data);
gboolean          fc_sync_client_enrol_finish    (FcSyncClient  *self,
                                                  GAsyncResult  *result,
                                                  GError       **error);

/* "fieldcase-enrol:<server-url>#<code>" (the enrolment QR code) → its parts. */
gboolean          fc_sync_parse_enrol_uri        (const char  *text,
                                                  char       **out_url,
                                                  char       **out_code);

G_END_DECLS
