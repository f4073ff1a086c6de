/* fc-returns-desk.h: the returns desk (退货台).
 *
 * Scan after scan: each unit is checked against the return policy and the
 * verdict — PASS or FAIL and why — is shown big. The operator grades the
 * condition with one tap or key (1 sealed, 2 opened but intact, 3 damaged,
 * 4 parts missing; P toggles "original packaging") and the unit becomes a
 * return case: case.opened (kind "return", the serial) plus a note with
 * the condition, the packaging and the check. A refused unit's case is
 * cancelled at once with the reason, so the refusal is on record but does
 * not count as a return. "Finish batch" shows the counts per reason.
 * Everything is local: the desk works offline like the rest.
 */
#pragma once

#include <gtk/gtk.h>

#include "fc-return-item.h"
#include "fc-return-policy.h"
#include "fc-scanner.h"
#include "fc-store.h"

G_BEGIN_DECLS

#define FC_TYPE_RETURNS_DESK (fc_returns_desk_get_type ())
G_DECLARE_FINAL_TYPE (FcReturnsDesk, fc_returns_desk, FC, RETURNS_DESK, GtkWidget)

/* @scanner may be NULL (no scanning, typing only). */
GtkWidget      *fc_returns_desk_new          (FcStore        *store,
                                              FcReturnPolicy *policy,
                                              FcScanner      *scanner);
/* The batch (FcReturnItem). */
GListModel     *fc_returns_desk_get_items    (FcReturnsDesk  *self);
FcReturnItem   *fc_returns_desk_get_current  (FcReturnsDesk  *self);
/* A code typed or scanned: checked with the current reason, added, made
 * current. */
FcReturnItem   *fc_returns_desk_add_code     (FcReturnsDesk  *self,
                                              const char     *code);
void            fc_returns_desk_set_reason   (FcReturnsDesk  *self,
                                              FcReturnReason  reason);
FcReturnReason  fc_returns_desk_get_reason   (FcReturnsDesk  *self);

/* The words for a check code, translated (the policy's own message is
 * English, for logs). */
const char     *fc_returns_check_code_label  (FcReturnCheckCode code);
const char     *fc_returns_condition_label   (FcReturnCondition condition);
const char     *fc_returns_reason_label      (FcReturnReason reason);

G_END_DECLS
