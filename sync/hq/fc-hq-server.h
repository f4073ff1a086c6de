/* fc-hq-server.h: the reference HQ server (docs/sync-protocol.md).
 *
 * A SoupServer over one FcStore file: enrolment, POST /v1/sync (push with
 * per-event receipts, pull by cursor within the device's scope), blobs,
 * reference data deltas and GET /v1/info. The `fieldcase-hq` executable is
 * a thin wrapper; tests (the device client's too) run it in-process.
 *
 * Threading: the server handles requests on the thread-default main context
 * of the thread that called a listen function, and uses its store only
 * there. A client in the same thread must therefore use asynchronous soup
 * calls (or iterate the main context), never soup_session_send() blocking.
 */
#pragma once

#include <gio/gio.h>

#include "fc-event.h"
#include "fc-store.h"

G_BEGIN_DECLS

#define FC_HQ_PROTOCOL_VERSION 1

/* Fault injection for the client's tests. Each fault applies to the next
 * @count requests to /v1/sync, /v1/blobs and /v1/reference (not /v1/info
 * nor /v1/enrol), then the server behaves normally again. */
typedef enum {
  FC_HQ_FAULT_NONE = 0,
  FC_HQ_FAULT_HTTP_500,          /* 500 server_error; nothing read or stored */
  FC_HQ_FAULT_HTTP_503,          /* 503 unavailable, Retry-After: 1; nothing stored */
  FC_HQ_FAULT_HTTP_429,          /* 429 rate_limited, Retry-After: 1; nothing stored */
  FC_HQ_FAULT_STALL,             /* waits the stall time (default 30 s), then handles
                                  * the request normally (without blocking the loop) */
  FC_HQ_FAULT_TRUNCATED_BODY,    /* handled and committed; the response announces its
                                  * full Content-Length, sends half, closes */
  FC_HQ_FAULT_CORRUPT_GZIP,      /* handled and committed; the response claims
                                  * Content-Encoding: gzip but its bytes are corrupt */
  FC_HQ_FAULT_CLOSE_CONNECTION,  /* handled and committed; the connection closes with
                                  * no response at all */
} FcHqFault;

/* Server limits, stated in GET /v1/info. Defaults are the protocol's. */
typedef struct {
  gsize  max_body;             /* bytes after decompression (8 MiB) */
  gsize  max_body_compressed;  /* bytes on the wire (2 MiB) */
  guint  max_batch;            /* events per push (1000) */
  guint  max_pull;             /* events per response; a larger "limit" is lowered (20000) */
  guint  default_pull;         /* when the request names no "limit" (10000) */
  gsize  max_blob;             /* bytes (16 MiB) */
  double rate_per_second;      /* per device, sustained (20) */
  double rate_burst;           /* per device, bucket size (100) */
} FcHqLimits;

#define FC_HQ_TYPE_SERVER (fc_hq_server_get_type ())
G_DECLARE_FINAL_TYPE (FcHqServer, fc_hq_server, FC_HQ, SERVER, GObject)

/* Opens (creating as needed) the HQ database at @db_path. */
FcHqServer *fc_hq_server_new            (const char *db_path,
                                         GError    **error);
/* Same with a clock (tests: code expiry, Server-Time). */
FcHqServer *fc_hq_server_new_with_clock (const char *db_path,
                                         FcClock    *clock,
                                         GError    **error);

/* Listens on 127.0.0.1, port chosen by the system; returns it (0 on error). */
guint       fc_hq_server_listen_local   (FcHqServer *self,
                                         GError    **error);
/* Listens on @address:@port (0 = pick); with @tls_certificate, HTTPS.
 * Returns the bound port (0 on error). */
guint       fc_hq_server_listen         (FcHqServer      *self,
                                         const char      *address,
                                         guint            port,
                                         GTlsCertificate *tls_certificate,
                                         GError         **error);
/* "http://127.0.0.1:PORT" (or https), NULL before listening. */
char       *fc_hq_server_dup_url        (FcHqServer *self);
/* Stops listening and closes open connections. */
void        fc_hq_server_disconnect     (FcHqServer *self);

/* The server's own store (borrowed). Counting its events, reading cases. */
FcStore    *fc_hq_server_get_store      (FcHqServer *self);

void        fc_hq_server_get_limits     (FcHqServer *self,
                                         FcHqLimits *out_limits);
void        fc_hq_server_set_limits     (FcHqServer       *self,
                                         const FcHqLimits *limits);

void        fc_hq_server_set_fault      (FcHqServer *self,
                                         FcHqFault   fault,
                                         guint       count);
void        fc_hq_server_set_stall_seconds (FcHqServer *self,
                                            guint       seconds);

/* ---- Administration (the CLI's commands, for tests too) ---- */

/* A single-use code ("K7Q2-9XPM-41ZD") for a device of @outlet (required)
 * and optionally @engineer, valid 24 hours. */
char       *fc_hq_server_create_enrol_code (FcHqServer *self,
                                            const char *outlet,
                                            const char *engineer,
                                            GError    **error);
/* Same with a lifetime (0 = the default 24 h). */
char       *fc_hq_server_create_enrol_code_full (FcHqServer *self,
                                                 const char *outlet,
                                                 const char *engineer,
                                                 gint64      ttl_ms,
                                                 GError    **error);
/* Next request with the device's token gets 401 token_revoked. */
gboolean    fc_hq_server_revoke         (FcHqServer *self,
                                         const char *device_id,
                                         GError    **error);

/* Steps authored at HQ (device "hq"), delivered to devices in scope at
 * their next sync. @case_id_or_number: a case id or case number. The step
 * must be allowed in the case's current state (FC_ERROR_NOT_ALLOWED). */
FcEvent    *fc_hq_server_assign         (FcHqServer *self,
                                         const char *case_id_or_number,
                                         const char *engineer,
                                         GError    **error);
FcEvent    *fc_hq_server_approve        (FcHqServer *self,
                                         const char *case_id_or_number,
                                         const char *approver,
                                         const char *comment,      /* nullable */
                                         GError    **error);
FcEvent    *fc_hq_server_reject         (FcHqServer *self,
                                         const char *case_id_or_number,
                                         const char *approver,
                                         const char *reason,
                                         GError    **error);

/* Events HQ holds (every device's, accepted ones only). */
gint64      fc_hq_server_count_events   (FcHqServer *self);

G_END_DECLS
