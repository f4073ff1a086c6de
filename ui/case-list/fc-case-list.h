/* fc-case-list.h: the sidebar — filters, search, and the lazy case list. */
#pragma once

#include <gtk/gtk.h>

#include "fc-case-list-model.h"

G_BEGIN_DECLS

#define FC_TYPE_CASE_LIST (fc_case_list_get_type ())
G_DECLARE_FINAL_TYPE (FcCaseList, fc_case_list, FC, CASE_LIST, GtkWidget)

GtkWidget       *fc_case_list_new          (FcStore    *store,
                                            GSettings  *settings);
FcCaseListModel *fc_case_list_get_model    (FcCaseList *self);
/* Runs the query (on a worker): the window calls it once it is on screen. */
void             fc_case_list_load         (FcCaseList *self);
/* "today", "open", "at_risk", "returns", "all". Both reload at once (on
 * this thread): the caller uses the rows on return. The dropdown and the
 * search entry, when the engineer uses them, reload on a worker. */
void             fc_case_list_set_filter   (FcCaseList *self,
                                            const char *filter_id);
void             fc_case_list_set_search   (FcCaseList *self,
                                            const char *text);
/* Picks a filter as the dropdown does: the rows come from a worker, the old
 * ones stay meanwhile, and the model emits "reloaded" once they are in (for
 * win.filter, the engineer's Alt+1…5, which nothing waits on). */
void             fc_case_list_show_filter  (FcCaseList *self,
                                            const char *filter_id);
/* Selects @case_id if it is listed, and opens it (case-activated); returns
 * whether it is. While a reload is on its way, a case not listed yet is
 * opened at once and its row selected when the reload lands (TRUE). */
gboolean         fc_case_list_select_case  (FcCaseList *self,
                                            const char *case_id);
void             fc_case_list_focus_search (FcCaseList *self);

G_END_DECLS
