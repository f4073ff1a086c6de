/* fc-event.h: one immutable fact about a case.
 *
 * A case is the fold of its events. Events are never changed or deleted;
 * only their local bookkeeping (sync state, conflict mark) changes. The JSON
 * form (fc_event_to_json / fc_event_new_from_json) is the wire format of the
 * sync protocol, see docs/sync-protocol.md.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Event types: the workflow's vocabulary. */
#define FC_EV_CASE_OPENED          "case.opened"
#define FC_EV_CASE_RESPONDED       "case.responded"
#define FC_EV_CASE_ASSIGNED        "case.assigned"
#define FC_EV_DIAGNOSIS_RECORDED   "diagnosis.recorded"
#define FC_EV_REPRODUCTION_RECORDED "reproduction.recorded"
#define FC_EV_PLAN_PROPOSED        "plan.proposed"
#define FC_EV_PLAN_APPROVED        "plan.approved"
#define FC_EV_PLAN_REJECTED        "plan.rejected"
#define FC_EV_CUSTOMER_AGREED      "customer.agreed"
#define FC_EV_PART_REPLACED        "part.replaced"
#define FC_EV_WORK_RECORDED        "work.recorded"
#define FC_EV_CASE_RESOLVED        "case.resolved"
#define FC_EV_REVISIT_SCHEDULED    "revisit.scheduled"
#define FC_EV_REVISIT_RECORDED     "revisit.recorded"
#define FC_EV_CASE_CLOSED          "case.closed"
#define FC_EV_CASE_CANCELLED       "case.cancelled"
#define FC_EV_NOTE_ADDED           "note.added"
#define FC_EV_ATTACHMENT_ADDED     "attachment.added"

/* Limits that keep one bad event from hurting a device or the server. */
#define FC_EVENT_MAX_PAYLOAD_BYTES (64 * 1024)
#define FC_EVENT_MAX_TEXT          4000

typedef enum {
  FC_SYNC_PENDING  = 0,  /* recorded here, not yet at HQ */
  FC_SYNC_ACKED    = 1,  /* HQ holds it (server_seq is its receipt) */
  FC_SYNC_REJECTED = 2,  /* HQ refused it; reject_reason says why */
  FC_SYNC_REMOTE   = 3,  /* came from HQ */
} FcSyncState;

typedef struct _FcEvent FcEvent;

struct _FcEvent {
  /*< public, read-only once built >*/
  char       *id;          /* UUIDv7 */
  char       *case_id;     /* UUID of the case */
  char       *type;        /* FC_EV_* */
  gint64      hlc;         /* hybrid logical clock stamp */
  char       *device;      /* device id that recorded it */
  char       *author;      /* user name of who recorded it */
  JsonObject *payload;     /* owned, validated per type */

  /*< local bookkeeping >*/
  FcSyncState sync_state;
  gint64      server_seq;      /* HQ's receipt, 0 if none */
  char       *reject_reason;   /* NULL unless rejected */
  gboolean    conflict;        /* not allowed in the state reached by the fold */
  char       *conflict_reason; /* why, NULL if no conflict */

  /*< private >*/
  char       *payload_text;    /* the payload's JSON as received, if kept; else NULL */
  gint        ref_count;
};

#define FC_TYPE_EVENT (fc_event_get_type ())
GType       fc_event_get_type       (void) G_GNUC_CONST;

FcEvent    *fc_event_new            (const char *id,
                                     const char *case_id,
                                     const char *type,
                                     gint64      hlc,
                                     const char *device,
                                     const char *author,
                                     JsonObject *payload);
FcEvent    *fc_event_ref            (FcEvent    *self);
void        fc_event_unref          (FcEvent    *self);

/* Time the event was recorded (from its HLC), ms UTC. */
gint64      fc_event_get_time_ms    (const FcEvent *self);

/* Envelope + payload validation; a clear message on failure. */
gboolean    fc_event_validate       (const FcEvent *self,
                                     GError       **error);
gboolean    fc_event_type_is_known  (const char *type);
gboolean    fc_event_validate_payload (const char *type,
                                       JsonObject *payload,
                                       GError    **error);

/* Wire form: {"id","case_id","type","hlc","device","author","payload"}. */
JsonNode   *fc_event_to_json        (const FcEvent *self);
FcEvent    *fc_event_new_from_json  (JsonNode  *node,
                                     GError   **error);
char       *fc_event_payload_to_string (const FcEvent *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcEvent, fc_event_unref)

G_END_DECLS
