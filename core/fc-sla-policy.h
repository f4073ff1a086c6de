/* fc-sla-policy.h: the service-level deadlines, as data.
 *
 * The limits are policy (DOMAIN.md): a default JSON ships in core/data and HQ
 * may replace it. Each rule names when its clock starts, what stops it, the
 * allowed time, and which cases it applies to. A deadline's state is a pure
 * function of the case's fold and the current time.
 */
#pragma once

#include <json-glib/json-glib.h>
#include "fc-case-fold.h"

G_BEGIN_DECLS

typedef enum {
  FC_DEADLINE_PENDING = 0,   /* its clock has not started */
  FC_DEADLINE_ON_TIME,
  FC_DEADLINE_WARNING,       /* past the warning share of the allowed time */
  FC_DEADLINE_OVERDUE,
  FC_DEADLINE_MET,
  FC_DEADLINE_MISSED,        /* met, but late */
  FC_DEADLINE_NOT_APPLICABLE,/* the case was cancelled before it ran out */
  FC_DEADLINE_PAUSED,        /* waiting for the customer to agree */
} FcDeadlineState;

const char *fc_deadline_state_to_string (FcDeadlineState state);

typedef struct {
  char           *rule_id;     /* "response", "repair", … */
  char           *label;       /* English label from the policy */
  gint64          start_ms;    /* 0 if not started */
  gint64          due_ms;      /* 0 if not started */
  gint64          warn_ms;     /* when the warning fires */
  gint64          met_ms;      /* 0 if not met */
  FcDeadlineState state;
} FcDeadline;

void fc_deadline_free (FcDeadline *deadline);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcDeadline, fc_deadline_free)

#define FC_TYPE_SLA_POLICY (fc_sla_policy_get_type ())
G_DECLARE_FINAL_TYPE (FcSlaPolicy, fc_sla_policy, FC, SLA_POLICY, GObject)

/* The policy shipped with Fieldcase (core/data/sla-policy.json). */
FcSlaPolicy *fc_sla_policy_new_default   (void);
FcSlaPolicy *fc_sla_policy_new_from_json (const char *json,
                                          GError    **error);
char        *fc_sla_policy_to_json       (FcSlaPolicy *self);
double       fc_sla_policy_get_warning_share (FcSlaPolicy *self);

/* The case's deadlines (FcDeadline*), evaluated at @now_ms. */
GPtrArray   *fc_sla_policy_evaluate      (FcSlaPolicy      *self,
                                          const FcCaseFold *fold,
                                          gint64            now_ms);

/* The earliest due time among deadlines still running, 0 if none: the
 * projection keeps it so "most urgent open cases" is an index scan. */
gint64       fc_sla_policy_next_due      (FcSlaPolicy      *self,
                                          const FcCaseFold *fold);
/* The earliest warning time among deadlines still running, 0 if none. */
gint64       fc_sla_policy_next_warn     (FcSlaPolicy      *self,
                                          const FcCaseFold *fold);

G_END_DECLS
