/* fc-return-policy.h: may this product come back? The return rules as data.
 *
 * DOMAIN.md, "Returns and exchanges": a window from the sale date (7 days
 * without a reason, 30 for a quality fault), a serial we know, not returned
 * before, and for some reasons a product still under warranty. The numbers
 * are policy (core/data/return-policy.json), replaceable like the SLA policy.
 *
 * fc_return_policy_evaluate() is the pure rule: facts + reason + time in,
 * verdict out. fc_return_policy_check() gathers the facts from a store.
 * Messages are English for logs and the CLI; the UI shows its own
 * translated text keyed by the stable code.
 */
#pragma once

#include "fc-store.h"

G_BEGIN_DECLS

typedef enum {
  FC_RETURN_REASON_NO_REASON,
  FC_RETURN_REASON_QUALITY_FAULT,
  FC_RETURN_REASON_TRANSIT_DAMAGE,
  FC_RETURN_REASON_WRONG_ITEM,
  FC_RETURN_N_REASONS
} FcReturnReason;

const char *fc_return_reason_to_string   (FcReturnReason reason);  /* "quality_fault" */
gboolean    fc_return_reason_from_string (const char     *text,
                                          FcReturnReason *out_reason);

/* Stable codes: stored in notes, counted in batch summaries; append only. */
typedef enum {
  FC_RETURN_CHECK_OK,
  FC_RETURN_CHECK_UNKNOWN_SERIAL,    /* not in the installed base */
  FC_RETURN_CHECK_NO_SALE_DATE,      /* known, but when it was sold is not */
  FC_RETURN_CHECK_WINDOW_EXPIRED,    /* too long since the sale for this reason */
  FC_RETURN_CHECK_ALREADY_RETURNED,  /* a return case exists for the serial */
  FC_RETURN_CHECK_OUT_OF_WARRANTY,   /* the reason needs warranty; it has ended */
  FC_RETURN_CHECK_REASON_NOT_ALLOWED,/* the policy has no rule for the reason */
  FC_RETURN_CHECK_STORE_ERROR,       /* the store could not answer */
  FC_RETURN_N_CHECK_CODES
} FcReturnCheckCode;

const char *fc_return_check_code_to_string (FcReturnCheckCode code);  /* "window_expired" */

/* What the store knows about the unit, as the pure rule needs it. */
typedef struct {
  gboolean    known;
  const char *sale_date;         /* "YYYY-MM-DD" local, or NULL */
  const char *warranty_end;      /* "YYYY-MM-DD" local, or NULL */
  gboolean    already_returned;
} FcReturnFacts;

typedef struct {
  gboolean          pass;
  FcReturnCheckCode code;
  FcReturnReason    reason;
  char             *message;        /* English, for logs and notes */
  char             *serial;         /* resolved serial, or the code as scanned */
  char             *model;          /* NULL if unknown */
  char             *customer_id;    /* NULL if unknown; never logged */
  char             *sale_date;      /* NULL if unknown */
  int               days_since_sale;/* -1 if unknown */
  int               window_days;    /* the reason's window, -1 if none */
  gboolean          in_warranty;
} FcReturnCheck;

void fc_return_check_free (FcReturnCheck *check);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcReturnCheck, fc_return_check_free)

#define FC_TYPE_RETURN_POLICY (fc_return_policy_get_type ())
G_DECLARE_FINAL_TYPE (FcReturnPolicy, fc_return_policy, FC, RETURN_POLICY, GObject)

/* The policy shipped with Fieldcase (core/data/return-policy.json). */
FcReturnPolicy *fc_return_policy_new_default   (void);
FcReturnPolicy *fc_return_policy_new_from_json (const char *json,
                                                GError    **error);
/* -1 when the policy has no rule for @reason. */
int             fc_return_policy_get_window_days (FcReturnPolicy *self,
                                                  FcReturnReason  reason);

/* Whole calendar days from @sale_date ("YYYY-MM-DD") to the day @now_ms
 * falls on in @tz (NULL = local). -1 if the date is no date. Negative
 * spans (a sale in the future) come back as -2. */
int             fc_return_days_since_sale      (const char *sale_date,
                                                gint64      now_ms,
                                                GTimeZone  *tz);

/* The pure rule. @tz as above. */
FcReturnCheck  *fc_return_policy_evaluate      (FcReturnPolicy      *self,
                                                const FcReturnFacts *facts,
                                                FcReturnReason       reason,
                                                gint64               now_ms,
                                                GTimeZone           *tz);

/* Looks @serial_or_gtin up (serial first, then GTIN when it names exactly
 * one unit), finds earlier return cases, and applies the rule in local
 * time. Never NULL: a store failure is a failed check (STORE_ERROR). */
FcReturnCheck  *fc_return_policy_check         (FcReturnPolicy *self,
                                                FcStore        *store,
                                                const char     *serial_or_gtin,
                                                FcReturnReason  reason,
                                                gint64          now_ms);

G_END_DECLS
