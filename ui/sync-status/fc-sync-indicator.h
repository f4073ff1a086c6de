/* fc-sync-indicator.h: the header bar's sync state — synced, n waiting,
 * offline, error or not enrolled — with a popover of details (last sync,
 * last error, whether everything is at HQ), refused events and Sync Now.
 *
 * Without a sync client it shows what the store knows (events waiting).
 * With one it follows the client's properties by notify: state, pending,
 * last-success, last-error, all-at-hq, next-attempt.
 */
#pragma once

#include <adwaita.h>

#include "fc-store.h"
#include "fc-sync-client.h"

G_BEGIN_DECLS

#define FC_TYPE_SYNC_INDICATOR (fc_sync_indicator_get_type ())
G_DECLARE_FINAL_TYPE (FcSyncIndicator, fc_sync_indicator, FC, SYNC_INDICATOR, GtkWidget)

typedef enum {
  FC_SYNC_VIEW_SYNCED,
  FC_SYNC_VIEW_WAITING,
  FC_SYNC_VIEW_OFFLINE,
  FC_SYNC_VIEW_ERROR,
  FC_SYNC_VIEW_NOT_ENROLLED,
} FcSyncView;

GtkWidget  *fc_sync_indicator_new        (FcStore         *store);
/* The sync client to follow, or NULL for the store's counts. */
void        fc_sync_indicator_set_client (FcSyncIndicator *self,
                                          FcSyncClient    *client);
/* Reads the counts now; later changes refresh by themselves. */
void        fc_sync_indicator_refresh    (FcSyncIndicator *self);
FcSyncView  fc_sync_indicator_get_view   (FcSyncIndicator *self);
/* What the popover says: "2 waiting", "Offline" … */
const char *fc_sync_indicator_get_label  (FcSyncIndicator *self);
/* The popover's explanation under it (tests). */
const char *fc_sync_indicator_get_detail (FcSyncIndicator *self);

/* Pure: what to show for these facts. */
FcSyncView  fc_sync_view_for             (gboolean    have_client,
                                          gboolean    online,
                                          gint64      pending,
                                          const char *last_error);
/* Pure: what to show for a client's state. */
FcSyncView  fc_sync_view_for_client      (FcSyncClientState state,
                                          gboolean          enrolled,
                                          gint64            pending,
                                          gint64            last_success);

G_END_DECLS
