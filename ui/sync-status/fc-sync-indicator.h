/* fc-sync-indicator.h: the header bar's sync state — synced, n waiting,
 * offline, or error — with a popover of details and refused events.
 *
 * Without a sync client it shows what the store knows (events waiting).
 * With one (sync/fc-sync-client.h) it follows the client's properties:
 * state, online, pending, rejected, last-success, last-error.
 */
#pragma once

#include <adwaita.h>

#include "fc-store.h"

G_BEGIN_DECLS

#define FC_TYPE_SYNC_INDICATOR (fc_sync_indicator_get_type ())
G_DECLARE_FINAL_TYPE (FcSyncIndicator, fc_sync_indicator, FC, SYNC_INDICATOR, GtkWidget)

typedef enum {
  FC_SYNC_VIEW_SYNCED,
  FC_SYNC_VIEW_WAITING,
  FC_SYNC_VIEW_OFFLINE,
  FC_SYNC_VIEW_ERROR,
} FcSyncView;

GtkWidget  *fc_sync_indicator_new        (FcStore         *store);
/* A sync client (any GObject with the properties above), or NULL. */
void        fc_sync_indicator_set_client (FcSyncIndicator *self,
                                          GObject         *client);
/* Reads the counts now; later changes refresh by themselves. */
void        fc_sync_indicator_refresh    (FcSyncIndicator *self);
FcSyncView  fc_sync_indicator_get_view   (FcSyncIndicator *self);
/* What the popover says: "2 waiting", "Offline" … */
const char *fc_sync_indicator_get_label  (FcSyncIndicator *self);

/* Pure: what to show for these facts. */
FcSyncView  fc_sync_view_for             (gboolean    have_client,
                                          gboolean    online,
                                          gint64      pending,
                                          const char *last_error);

G_END_DECLS
