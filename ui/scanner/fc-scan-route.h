/* fc-scan-route.h: what a scan means where it happens.
 *
 * The same label does different things on different screens: on the home
 * screen it opens the unit's open case (or its product card), in the parts
 * step it adds a part, in the new-case dialog it fills the serial, at
 * enrolment only a fieldcase-enrol: QR counts. This is a pure function of
 * the context, the validated scan and the store's answers, so it is tested
 * without drawing anything. No GTK here.
 */
#pragma once

#include "fc-barcode.h"
#include "fc-store.h"

G_BEGIN_DECLS

#define FC_ENROL_PREFIX "fieldcase-enrol:"

typedef enum {
  FC_SCAN_CONTEXT_HOME,
  FC_SCAN_CONTEXT_PARTS_STEP,
  FC_SCAN_CONTEXT_NEW_CASE,
  FC_SCAN_CONTEXT_ENROLMENT,
  FC_SCAN_CONTEXT_RETURNS,
} FcScanContext;

typedef enum {
  FC_SCAN_ACTION_IGNORE,          /* nothing to do here; @message says why */
  FC_SCAN_ACTION_OPEN_CASE,       /* @case_id: the unit's open case */
  FC_SCAN_ACTION_SHOW_PRODUCT,    /* @serial: its product card */
  FC_SCAN_ACTION_UNKNOWN_PRODUCT, /* @serial or @gtin not in the installed base */
  FC_SCAN_ACTION_ADD_PART,        /* @part_number */
  FC_SCAN_ACTION_UNKNOWN_PART,    /* @code is no part we know */
  FC_SCAN_ACTION_FILL_SERIAL,     /* @serial into the new-case form */
  FC_SCAN_ACTION_ENROL,           /* @enrol_payload: after the prefix */
  FC_SCAN_ACTION_RETURN_ITEM,     /* @code onto the returns desk */
} FcScanActionKind;

typedef struct {
  FcScanActionKind kind;
  char *code;          /* what was scanned, as text (GS kept) */
  char *serial;
  char *gtin;
  char *case_id;
  char *part_number;
  char *enrol_payload;
  char *message;       /* English, for logs; the UI words it itself */
} FcScanAction;

const char   *fc_scan_action_kind_to_string (FcScanActionKind kind);
void          fc_scan_action_free (FcScanAction *action);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcScanAction, fc_scan_action_free)

/* Never NULL. @store may be NULL only for the enrolment context. */
FcScanAction *fc_scan_route (FcScanContext       context,
                             const FcScanResult *result,
                             FcStore            *store);

G_END_DECLS
