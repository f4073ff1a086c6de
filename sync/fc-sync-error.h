/* fc-sync-error.h: the sync layer's error domain.
 *
 * Every failure of a sync step, whatever its origin (the network, libsoup,
 * an HTTP status and its JSON error body, the local store), becomes one of
 * these stable codes in one place, fc_sync_error_convert(), so the client
 * decides what to do (retry, wait, ask to enrol again) from the code alone.
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define FC_SYNC_ERROR (fc_sync_error_quark ())

typedef enum {
  FC_SYNC_ERROR_OFFLINE,       /* no route, connection refused or dropped: try later */
  FC_SYNC_ERROR_AUTH,          /* 401 unauthorized, or not enrolled: enrol again */
  FC_SYNC_ERROR_REVOKED,       /* 401 token_revoked: HQ revoked this device */
  FC_SYNC_ERROR_TIMEOUT,       /* the server did not answer in time */
  FC_SYNC_ERROR_REJECTED,      /* 4xx: the request was refused (forbidden, not found …) */
  FC_SYNC_ERROR_SERVER,        /* 5xx */
  FC_SYNC_ERROR_PROTOCOL,      /* a response we cannot read: bad JSON, bad gzip, cut short */
  FC_SYNC_ERROR_RATE_LIMITED,  /* 429 / 503 with Retry-After */
  FC_SYNC_ERROR_STORAGE,       /* the device's store failed (disk full …) */
} FcSyncError;

GQuark   fc_sync_error_quark   (void);

/* The one conversion. @transport: the error libsoup or GIO reported (or a
 * store/JSON error of the step), NULL if a response arrived. Otherwise
 * @status, @headers and @body are the response's. Returns TRUE when there
 * is nothing to convert (no error, 2xx); else sets @error and, when the
 * server asked for a pause (Retry-After or "retry_after"), @out_retry_after_ms
 * (0 otherwise). */
gboolean fc_sync_error_convert (const GError       *transport,
                                guint               status,
                                SoupMessageHeaders *headers,
                                GBytes             *body,
                                gint64             *out_retry_after_ms,
                                GError            **error);

/* Whether trying again later may succeed without anyone's help. */
gboolean fc_sync_error_is_transient (const GError *error);

G_END_DECLS
