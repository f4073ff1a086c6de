/* fc-case-page-private.h: the page's struct, shared by its two files
 * (fc-case-page.c: loading and showing; fc-case-page-forms.c: recording). */
#pragma once

#include "fc-case-page.h"

G_BEGIN_DECLS

struct _FcCasePage {
  GtkWidget           parent_instance;

  FcStore            *store;          /* owned */
  GSettings          *settings;       /* owned */
  char               *case_id;        /* owned, nullable */
  FcCase             *c;              /* owned, nullable: the case as last read */
  GListStore         *timeline;       /* owned, FcTimelineItem */
  GListStore         *similar;        /* owned, FcHitItem */
  FcSignaturePad     *pad;            /* borrowed (child of signature_frame) */
  GCancellable       *cancellable;    /* owned: file loads */
  const char         *deadline_class; /* static string */
  FcCaseState         shown_state;
  guint               tick_id;
  gulong              case_changed_id;
  /* The cancel dialog while it is open (weak), and its field and error,
   * borrowed from it: valid only while cancel_dialog is set. */
  AdwMessageDialog   *cancel_dialog;
  GtkWidget          *cancel_reason;
  GtkLabel           *cancel_error;

  /* template children, borrowed */
  GtkLabel           *number_label;
  GtkLabel           *customer_label;
  GtkLabel           *state_label;
  GtkMenuButton      *more_button;
  GtkLabel           *closed_label;
  GtkLabel           *title_label;
  GtkLabel           *product_label;
  GtkLabel           *warranty_label;
  GtkLabel           *deadline_label;
  AdwViewStack       *step_stack;
  AdwViewSwitcherBar *switcher_bar;
  GtkListBox         *timeline_list;
  GtkListBox         *similar_list;
  GtkWidget          *similar_empty;
  GtkLabel           *approval_status;
  GtkWidget          *part_info_row;
  GtkLabel           *part_info;
  GtkFrame           *signature_frame;
  GtkLabel           *signature_error;
};

/* fc-case-page-forms.c */
void        _fc_case_page_class_init_forms (GtkWidgetClass *widget_class);
void        _fc_case_page_init_forms       (FcCasePage *self);
void        _fc_case_page_clear_errors     (FcCasePage *self);
char       *_fc_case_page_dup_author       (FcCasePage *self);
void        _fc_case_page_forget_cancel    (FcCasePage *self);
void        _fc_case_page_toast            (FcCasePage *self,
                                            const char *message);

/* fc-case-page.c */
void        _fc_case_page_reload           (FcCasePage *self);

G_END_DECLS
