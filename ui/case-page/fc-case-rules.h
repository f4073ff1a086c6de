/* fc-case-rules.h: what the case page shows and allows, as plain functions
 * of the case's state and the form's input (no widgets, tested directly).
 */
#pragma once

#include <json-glib/json-glib.h>

#include "fc-case-fold.h"

G_BEGIN_DECLS

typedef enum {
  FC_STEP_DIAGNOSE,
  FC_STEP_REPRODUCE,
  FC_STEP_RESOLVE,
  FC_STEP_REVISIT,
  FC_STEP_TIMELINE,
} FcStep;

/* The page's stack page names, in FcStep order. */
const char *fc_step_to_page_name     (FcStep step);
/* Where the work of a case in @state happens. */
FcStep      fc_case_rules_step_for_state (FcCaseState state);

/* Every case.* action of the page and the event it records. */
typedef struct {
  const char *action;     /* "case.diagnose" */
  const char *event_type; /* FC_EV_* */
} FcCaseAction;

const FcCaseAction *fc_case_rules_actions   (guint *n_actions);
/* Enabled iff the fold allows the action's event now. */
gboolean    fc_case_rules_action_enabled     (const FcCaseFold *fold,
                                              const char       *action);

/* The form's checks before anything is written: payload member → message
 * (translated). An empty table means valid. @now_ms judges deadlines.
 * Members the page adds (signature) are checked by name: "signature". */
GHashTable *fc_case_rules_validate           (const char *event_type,
                                              JsonObject *payload,
                                              gint64      now_ms);

G_END_DECLS
