/* fc-case-list-model.h: the cases of a query as a lazy GListModel.
 *
 * Only the ids are read up front (fc_store_query_case_ids, one index scan);
 * a row is read from SQLite when the list asks for it and kept in a small
 * cache, so a list of 100,000 cases costs 100,000 ids, not 100,000 rows.
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
/* Reads the ids again and tells the views (one items-changed). */
gboolean         fc_case_list_model_reload     (FcCaseListModel *self,
                                                GError         **error);
gboolean         fc_case_list_model_is_loaded  (FcCaseListModel *self);
/* The position of @case_id, or GTK_INVALID_LIST_POSITION. */
guint            fc_case_list_model_find       (FcCaseListModel *self,
                                                const char      *case_id);
/* How many rows are in memory now (tests check the laziness). */
guint            fc_case_list_model_get_cached (FcCaseListModel *self);

G_END_DECLS
