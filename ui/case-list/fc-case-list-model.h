/* fc-case-list-model.h: the cases of a query as a lazy GListModel.
 *
 * Only the ids are read up front (fc_store_query_case_ids, one index scan);
 * a row is read from SQLite when the list asks for it and kept in a small
 * cache, so a list of 100,000 cases costs 100,000 ids, not 100,000 rows.
 *
 * The id query of 92,000 open cases takes about 50 ms, too long for the
 * main loop (issue #4), so fc_case_list_model_reload_async() runs it on a
 * worker thread over a second connection to the store's file (WAL lets it
 * read beside the app's writes), builds the id → position index there too,
 * and swaps the new ids in on the main thread a few dozen rows per step
 * (old rows removed, new ones added: see swap_step for why), then emits
 * "reloaded"; until then the views see the old rows, or (for a few frames
 * at the end) the first of the new ones. Reading one row takes well under
 * a millisecond and stays on the main thread.
 */
#pragma once

#include <gio/gio.h>

#include "fc-store.h"

G_BEGIN_DECLS

#define FC_TYPE_CASE_LIST_MODEL (fc_case_list_model_get_type ())
G_DECLARE_FINAL_TYPE (FcCaseListModel, fc_case_list_model, FC, CASE_LIST_MODEL, GObject)

/* The most rows kept in memory; older ones are read again when needed. */
#define FC_CASE_LIST_CACHE_MAX 256

FcCaseListModel *fc_case_list_model_new        (FcStore         *store);
FcStore         *fc_case_list_model_get_store  (FcCaseListModel *self);

/* Sets the query; takes effect at the next reload. @assignee and @text may
 * be NULL. */
void             fc_case_list_model_set_query  (FcCaseListModel *self,
                                                FcCaseFilter     filter,
                                                const char      *assignee,
                                                const char      *text);
/* Reads the ids again, here and now, and tells the views. Supersedes a reload in flight. For callers that need the
 * result on return; everything else uses reload_async. */
gboolean         fc_case_list_model_reload     (FcCaseListModel *self,
                                                GError         **error);
/* Reads the ids on a worker thread; the new ids replace the old ones on the
 * main thread, over a few main-loop iterations, and "reloaded" is emitted
 * just before @callback runs. A reload
 * started (or fc_case_list_model_reload called) before this one lands
 * supersedes it: this one then finishes with G_IO_ERROR_CANCELLED and its
 * ids are never applied. (Once its ids have landed and are being swapped in,
 * a newer reload_async lets the swap finish unless its own ids land first,
 * and the synchronous reload stops it: either way it finishes with
 * G_IO_ERROR_CANCELLED. Cancelling @cancellable then still lets the rows in,
 * but reports G_IO_ERROR_CANCELLED.) Cancelling @cancellable before the ids
 * land does what a newer reload does. The store's
 * "changed" and new cases start one of these when the model reloads in the
 * background (fc_case_list_model_set_background). */
void             fc_case_list_model_reload_async  (FcCaseListModel    *self,
                                                   GCancellable       *cancellable,
                                                   GAsyncReadyCallback callback,
                                                   gpointer            user_data);
gboolean         fc_case_list_model_reload_finish (FcCaseListModel *self,
                                                   GAsyncResult    *result,
                                                   GError         **error);
/* What the store's "changed" (a sync, a recorded step) and a new case do:
 * FALSE (the default) reloads at once on this thread, TRUE on a worker,
 * after the burst of signals is over (what the case list uses). The row of
 * a case already listed is read again at once either way. */
void             fc_case_list_model_set_background (FcCaseListModel *self,
                                                    gboolean         background);
/* Whether a reload_async has not landed yet, or not all of it. */
gboolean         fc_case_list_model_is_reloading  (FcCaseListModel *self);
/* After a reload that found no case: whether the store has none at all
 * (the list offers demo data then, not for an empty filter). */
gboolean         fc_case_list_model_is_store_empty (FcCaseListModel *self);
gboolean         fc_case_list_model_is_loaded  (FcCaseListModel *self);
/* The position of @case_id, or GTK_INVALID_LIST_POSITION. */
guint            fc_case_list_model_find       (FcCaseListModel *self,
                                                const char      *case_id);
/* How many rows are in memory now (tests check the laziness). */
guint            fc_case_list_model_get_cached (FcCaseListModel *self);

G_END_DECLS
