/* fc-hq-store-private.h: what FcHqStore's files share (fc-hq-store.c,
 * fc-hq-ingest.c, fc-hq-pull.c, fc-hq-ref.c). */
#pragma once

#include "fc-hq-store.h"
#include "fc-store-private.h"

G_BEGIN_DECLS

struct _FcHqStore
{
  GObject  parent_instance;

  FcStore *core;   /* owned */
  sqlite3 *db;     /* borrowed from core */
};

/* Rolls back if the core's transaction is still open (error paths). */
void     fc_hq_store_abort_tx     (FcHqStore *self);
/* Appends a receipt-free hq_log row for @event; *@out_seq its seq. */
gboolean fc_hq_store_log_event    (FcHqStore     *self,
                                   const FcEvent *event,
                                   const char    *sender,
                                   gint64        *out_seq,
                                   GError       **error);
/* Records the outlet of a new case and refreshes the assignee of @case_ids
 * (char*) from the core's fold. In the caller's transaction. */
gboolean fc_hq_store_update_cases (FcHqStore  *self,
                                   GHashTable *new_case_outlets,
                                   GHashTable *case_ids,
                                   GError    **error);
/* Customers of cases named by case.opened / case.assigned in @events get a
 * new version, so devices that gain the case also get the customer. */
gboolean fc_hq_store_touch_customers (FcHqStore *self,
                                      GPtrArray *events,
                                      GError   **error);

G_END_DECLS
