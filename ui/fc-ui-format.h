/* fc-ui-format.h: words and colours for what the core stores as ids.
 *
 * Pure functions (no widgets): the core speaks stable ids ("plan_proposed",
 * "face_to_face"), people read translated labels. Tests call these without
 * drawing anything.
 */
#pragma once

#include <gtk/gtk.h>

#include "fc-case.h"
#include "fc-sla-policy.h"

G_BEGIN_DECLS

/* One choice of a closed vocabulary: the stored id and its label (N_()). */
typedef struct {
  const char *id;
  const char *label;
} FcUiChoice;

typedef enum {
  FC_UI_VOCAB_KIND,
  FC_UI_VOCAB_CHANNEL,
  FC_UI_VOCAB_PROBLEM_TYPE,
  FC_UI_VOCAB_SEVERITY,
  FC_UI_VOCAB_METHOD,
  FC_UI_VOCAB_RESULT,
  FC_UI_VOCAB_PLAN_ACTION,
  FC_UI_VOCAB_FILTER,
  FC_UI_N_VOCABS
} FcUiVocab;

/* NULL-terminated; labels untranslated (pass through _()). */
const FcUiChoice *fc_ui_vocab           (FcUiVocab   vocab);
guint             fc_ui_vocab_size      (FcUiVocab   vocab);
/* Translated labels, in order: a model for a GtkDropDown / AdwComboRow. */
GtkStringList    *fc_ui_vocab_new_model (FcUiVocab   vocab);
const char       *fc_ui_vocab_id        (FcUiVocab   vocab,
                                         guint       position);  /* NULL if out of range */
guint             fc_ui_vocab_position  (FcUiVocab   vocab,
                                         const char *id);        /* GTK_INVALID_LIST_POSITION */
/* Translated label of @id, or @id itself if unknown. */
const char       *fc_ui_vocab_label     (FcUiVocab   vocab,
                                         const char *id);

const char       *fc_ui_state_label     (FcCaseState state);       /* translated */
const char       *fc_ui_deadline_label  (const char *rule_id,
                                         const char *fallback);    /* translated */
const char       *fc_ui_deadline_state_label (FcDeadlineState state);
const char       *fc_ui_sync_state_label (FcSyncState state);
const char       *fc_ui_event_label     (const char *type);         /* translated */

/* The worst state among the case's deadlines at @now_ms: overdue beats
 * warning beats on time; PENDING if nothing runs. */
FcDeadlineState   fc_ui_worst_deadline  (FcSlaPolicy      *policy,
                                         const FcCaseFold *fold,
                                         gint64            now_ms);
/* The CSS class of a deadline chip: "deadline-ok", "deadline-warning",
 * "deadline-overdue", or "deadline-none". */
const char       *fc_ui_deadline_css_class (FcDeadlineState state);

/* "in 3 h 20 min", "overdue by 2 d 4 h"; minutes resolution, no seconds. */
char             *fc_ui_format_countdown (gint64 due_ms,
                                          gint64 now_ms);
/* Local time for people: "2026-11-22 18:30". */
char             *fc_ui_format_time     (gint64 ms);

/* Unparents every child of a widget that lays out its own children (after
 * gtk_widget_dispose_template(), which only drops the named ones). */
void              fc_ui_unparent_children (GtkWidget *widget);

G_END_DECLS
