/* fc-return-item.h: one unit brought to the returns desk, and the batch
 * summary. The check result is the policy's; the condition, the packaging
 * and the case it became are the desk's. */
#pragma once

#include <gio/gio.h>

#include "fc-return-policy.h"

G_BEGIN_DECLS

typedef enum {
  FC_RETURN_CONDITION_NONE,           /* not graded yet */
  FC_RETURN_CONDITION_SEALED,         /* key 1 */
  FC_RETURN_CONDITION_OPENED_INTACT,  /* key 2 */
  FC_RETURN_CONDITION_DAMAGED,        /* key 3 */
  FC_RETURN_CONDITION_PARTS_MISSING,  /* key 4 */
  FC_RETURN_N_CONDITIONS
} FcReturnCondition;

const char *fc_return_condition_to_string (FcReturnCondition condition);  /* "opened_intact" */

#define FC_TYPE_RETURN_ITEM (fc_return_item_get_type ())
G_DECLARE_FINAL_TYPE (FcReturnItem, fc_return_item, FC, RETURN_ITEM, GObject)

/* Takes @check. */
FcReturnItem        *fc_return_item_new            (const char    *code,
                                                    FcReturnCheck *check);
const char          *fc_return_item_get_code       (FcReturnItem *self);
const FcReturnCheck *fc_return_item_get_check      (FcReturnItem *self);
/* Replaces the check (the reason changed before grading). Takes @check. */
void                 fc_return_item_set_check      (FcReturnItem  *self,
                                                    FcReturnCheck *check);
FcReturnCondition    fc_return_item_get_condition  (FcReturnItem *self);
gboolean             fc_return_item_get_packaging_original (FcReturnItem *self);
const char          *fc_return_item_get_case_id    (FcReturnItem *self);
/* Graded and recorded as case @case_id. */
void                 fc_return_item_set_recorded   (FcReturnItem     *self,
                                                    FcReturnCondition condition,
                                                    gboolean          packaging_original,
                                                    const char       *case_id);

typedef struct {
  guint n_items;
  guint n_recorded;
  guint n_pass;                              /* recorded and accepted */
  guint n_fail;                              /* recorded and refused */
  guint per_code[FC_RETURN_N_CHECK_CODES];   /* recorded, by check code */
} FcReturnsSummary;

/* Counts a batch (a GListModel of FcReturnItem). Pure. */
void fc_returns_summarize (GListModel       *items,
                           FcReturnsSummary *out);

G_END_DECLS
