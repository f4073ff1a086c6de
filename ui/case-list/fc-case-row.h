/* fc-case-row.h: one case in the list — number, customer, product, state,
 * and a deadline chip coloured by its SLA state. */
#pragma once

#include <gtk/gtk.h>

#include "fc-case.h"
#include "fc-sla-policy.h"

G_BEGIN_DECLS

#define FC_TYPE_CASE_ROW (fc_case_row_get_type ())
G_DECLARE_FINAL_TYPE (FcCaseRow, fc_case_row, FC, CASE_ROW, GtkWidget)

GtkWidget  *fc_case_row_new          (void);
/* Shows @c (NULL clears) with its deadline evaluated at @now_ms. */
void        fc_case_row_set_case     (FcCaseRow   *self,
                                      FcCase      *c,
                                      FcSlaPolicy *policy,
                                      gint64       now_ms);
const char *fc_case_row_get_chip_class (FcCaseRow *self);

G_END_DECLS
