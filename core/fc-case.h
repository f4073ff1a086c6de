/* fc-case.h: a case as the UI and the CLI read it.
 *
 * An immutable snapshot of the projection row (a fold plus what the list
 * shows beside it). A GObject so it can live in a GListModel.
 */
#pragma once

#include "fc-case-fold.h"

G_BEGIN_DECLS

#define FC_TYPE_CASE (fc_case_get_type ())
G_DECLARE_FINAL_TYPE (FcCase, fc_case, FC, CASE, GObject)

/* Takes over the contents of @fold (it is left cleared). */
FcCase           *fc_case_new_take       (FcCaseFold *fold,
                                          const char *customer_name,
                                          gint64      next_due_ms);

const FcCaseFold *fc_case_get_fold       (FcCase *self);
const char       *fc_case_get_id         (FcCase *self);
const char       *fc_case_get_number     (FcCase *self);
FcCaseState       fc_case_get_state      (FcCase *self);
const char       *fc_case_get_customer_name (FcCase *self);  /* may be NULL */
const char       *fc_case_get_product_serial (FcCase *self);
const char       *fc_case_get_title      (FcCase *self);
const char       *fc_case_get_severity   (FcCase *self);
const char       *fc_case_get_assignee   (FcCase *self);
gint64            fc_case_get_next_due   (FcCase *self);     /* 0 = none */

G_END_DECLS
