/* fc-case-page.h: one case — header, the step forms, and the timeline.
 *
 * Every step is a case.* action enabled only when the workflow allows it
 * (fc_case_fold_allows); a form checks its fields first and writes nothing
 * when one is wrong, showing the message next to the field.
 */
#pragma once

#include <adwaita.h>

#include "fc-signature-pad.h"
#include "fc-store.h"

G_BEGIN_DECLS

#define FC_TYPE_CASE_PAGE (fc_case_page_get_type ())
G_DECLARE_FINAL_TYPE (FcCasePage, fc_case_page, FC, CASE_PAGE, GtkWidget)

GtkWidget          *fc_case_page_new              (FcStore    *store,
                                                   GSettings  *settings);
/* Shows the case (NULL: none). Returns FALSE if it cannot be read. */
gboolean            fc_case_page_set_case_id      (FcCasePage *self,
                                                   const char *case_id);
const char         *fc_case_page_get_case_id      (FcCasePage *self);
FcCase             *fc_case_page_get_case         (FcCasePage *self);  /* borrowed */
/* "Diagnose", "Resolve" … : the step shown. */
const char         *fc_case_page_get_step         (FcCasePage *self);
void                fc_case_page_show_step        (FcCasePage *self,
                                                   const char *step);
AdwViewStack       *fc_case_page_get_stack        (FcCasePage *self);
AdwViewSwitcherBar *fc_case_page_get_switcher_bar (FcCasePage *self);
FcSignaturePad     *fc_case_page_get_signature_pad (FcCasePage *self);

/* A form field by its template id ("diagnose_symptom"): tests and the
 * scanner fill fields through it. */
GtkWidget          *fc_case_page_get_field        (FcCasePage *self,
                                                   const char *field_id);
/* The error shown next to a field, or NULL. */
const char         *fc_case_page_get_field_error  (FcCasePage *self,
                                                   const char *field_id);
/* The "Cancel This Case?" dialog case.cancel opened, or NULL once it is
 * closed. Its reason field is fc_case_page_get_field (self, "cancel_reason"). */
AdwMessageDialog   *fc_case_page_get_cancel_dialog (FcCasePage *self);
/* Stores a photo and records attachment.added (what the file chooser does). */
gboolean            fc_case_page_attach_bytes     (FcCasePage *self,
                                                   const char *name,
                                                   const char *mime,
                                                   GBytes     *data,
                                                   GError    **error);

G_END_DECLS
