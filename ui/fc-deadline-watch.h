/* fc-deadline-watch.h: notices when an open case enters early warning or
 * becomes overdue, so the app can tell the engineer (GNotification).
 *
 * The first check only learns the current states: a case already late
 * when the app starts is in the list's filter, not a new surprise.
 */
#pragma once

#include "fc-store.h"

G_BEGIN_DECLS

#define FC_TYPE_DEADLINE_WATCH (fc_deadline_watch_get_type ())
G_DECLARE_FINAL_TYPE (FcDeadlineWatch, fc_deadline_watch, FC, DEADLINE_WATCH, GObject)

/* The most cases one check looks at (most urgent first). */
#define FC_DEADLINE_WATCH_LIMIT 500

FcDeadlineWatch *fc_deadline_watch_new   (FcStore         *store);
/* Checks now; emits "case-entered" (case id, case number, FcDeadlineState)
 * for each case that moved into warning or overdue since the last check. */
void             fc_deadline_watch_check (FcDeadlineWatch *self);
/* Checks every @seconds from now on. */
void             fc_deadline_watch_start (FcDeadlineWatch *self,
                                          guint            seconds);

G_END_DECLS
