/* fc-case-fold.h: the case workflow as a pure function of its events.
 *
 * diagnose → reproduce → resolve → revisit, as DOMAIN.md describes it.
 * fc_case_fold_apply() is the only place that decides whether a step is
 * allowed; the store, the sync server and the UI all ask it. No I/O here.
 */
#pragma once

#include "fc-event.h"

G_BEGIN_DECLS

typedef enum {
  FC_CASE_STATE_NONE = 0,          /* no case.opened seen yet */
  FC_CASE_STATE_OPENED,
  FC_CASE_STATE_RESPONDED,         /* first contact made */
  FC_CASE_STATE_DIAGNOSING,        /* a diagnosis recorded */
  FC_CASE_STATE_REPRODUCED,        /* reproduction attempt recorded */
  FC_CASE_STATE_PLAN_PROPOSED,
  FC_CASE_STATE_PLAN_APPROVED,
  FC_CASE_STATE_PLAN_REJECTED,
  FC_CASE_STATE_CUSTOMER_AGREED,
  FC_CASE_STATE_IN_REPAIR,         /* parts replaced or work recorded */
  FC_CASE_STATE_RESOLVED,          /* signed off by the customer */
  FC_CASE_STATE_REVISIT_SCHEDULED,
  FC_CASE_STATE_REVISITED,         /* follow-up confirmed it solved */
  FC_CASE_STATE_REOPENED,          /* follow-up found it not solved */
  FC_CASE_STATE_CLOSED,
  FC_CASE_STATE_CANCELLED,
  FC_CASE_N_STATES
} FcCaseState;

const char *fc_case_state_to_string (FcCaseState state);  /* stable id: "plan_proposed" */
FcCaseState fc_case_state_from_string (const char *text);
gboolean    fc_case_state_is_open (FcCaseState state);

/* Everything the projection knows about a case. Strings owned. */
typedef struct {
  char       *case_id;
  FcCaseState state;
  char       *number;          /* human case number, e.g. FC-261122-3F9A */
  char       *kind;            /* repair | complaint | return | inquiry | suggestion */
  char       *channel;         /* phone | online | email | face_to_face | on_site */
  char       *problem_type;    /* quality | technical | usage | logistics | service */
  char       *severity;        /* general | major | urgent */
  char       *department;      /* after_sales | quality | customer_service | tech_support | logistics */
  char       *customer_id;
  char       *product_serial;
  char       *model;
  char       *title;           /* the customer's own description, first line */
  char       *assignee;
  char       *plan_action;     /* repair | replace_parts | replace_unit | refund | software_update | clean_adjust | apology | other */
  gboolean    approval_required;
  gboolean    complex;         /* a complex problem: the 1-week repair deadline applies */
  int         satisfaction;    /* 0 = not rated, 1..5 */
  /* milestone times, ms UTC, 0 = not yet */
  gint64      opened_at;
  gint64      responded_at;
  gint64      agreed_at;
  gint64      resolved_at;
  gint64      revisit_due;
  gint64      closed_at;
  /* Time spent waiting for the customer to agree to an approved plan:
   * deadlines may exclude it (policy "pause_waiting_customer"). */
  gint64      waiting_since;
  gint64      waited_ms;
  gint64      last_hlc;
  guint       n_events;
  guint       n_conflicts;
} FcCaseFold;

void        fc_case_fold_init   (FcCaseFold *fold,
                                 const char *case_id);
void        fc_case_fold_clear  (FcCaseFold *fold);

/* Apply @event. If the step is not allowed in the state reached, returns
 * FALSE with FC_ERROR_NOT_ALLOWED and leaves @fold unchanged except for
 * its counters: the caller marks the event as a conflict. */
gboolean    fc_case_fold_apply  (FcCaseFold    *fold,
                                 const FcEvent *event,
                                 GError       **error);

/* Would @type be allowed now? (For the UI's enabled actions.) */
gboolean    fc_case_fold_allows (const FcCaseFold *fold,
                                 const char       *type);

/* Sort events in fold order: (hlc, device, id). */
gint        fc_event_compare_fold_order (gconstpointer a,
                                         gconstpointer b);

/* Fold @events (any order; sorted in place) and set each event's conflict
 * mark. @fold must be initialised. */
void        fc_case_fold_events (FcCaseFold *fold,
                                 GPtrArray  *events);

G_END_DECLS
