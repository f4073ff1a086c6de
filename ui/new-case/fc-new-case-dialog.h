/* fc-new-case-dialog.h: open a case — kind, channel, problem type,
 * severity, the customer, and the product by its serial number. */
#pragma once

#include <adwaita.h>

#include "fc-store.h"

G_BEGIN_DECLS

#define FC_TYPE_NEW_CASE_DIALOG (fc_new_case_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FcNewCaseDialog, fc_new_case_dialog, FC, NEW_CASE_DIALOG, AdwWindow)

FcNewCaseDialog *fc_new_case_dialog_new (FcStore   *store,
                                         GSettings *settings,
                                         GtkWindow *parent);

/* Tests fill the form through these. Fields: "kind", "channel",
 * "problem_type", "severity" (AdwComboRow), "serial", "customer_name",
 * "customer_phone", "description" (AdwEntryRow). */
GtkWidget  *fc_new_case_dialog_get_field       (FcNewCaseDialog *self,
                                                const char      *field);
const char *fc_new_case_dialog_get_description_error (FcNewCaseDialog *self);
/* Fills the serial (a scan) and looks the product up. */
void        fc_new_case_dialog_set_serial      (FcNewCaseDialog *self,
                                                const char      *serial);
/* The product found for the serial, or NULL. */
const char *fc_new_case_dialog_get_product_info (FcNewCaseDialog *self);

G_END_DECLS
