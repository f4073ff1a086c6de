/* fc-window-private.h: FcWindow's struct, for fc-window.c and
 * fc-window-actions.c. */
#pragma once

#include "fc-scanner.h"
#include "fc-sync-client.h"
#include "fc-window.h"

G_BEGIN_DECLS

struct _FcWindow {
  AdwApplicationWindow parent_instance;

  FcStore             *store;        /* owned */
  GSettings           *settings;     /* owned */
  GtkWidget           *case_list;    /* borrowed, child of list_slot */
  GtkWidget           *case_page;    /* borrowed, child of content_stack */
  GtkWidget           *sync_indicator; /* borrowed, child of sync_slot */
  FcSyncClient        *sync_client;  /* owned, nullable: the app's, for the indicator */
  GSubprocess         *demo;         /* owned, nullable: the demo seeder running */
  GCancellable        *cancellable;  /* owned */
  gulong               after_paint_id;
  guint                load_id;
  gboolean             loaded;

  /* scanning (fc-window-scan.c) */
  FcScanner           *scanner;        /* owned */
  GtkWidget           *new_case_dialog; /* weak: the open new-case dialog */
  GtkWidget           *returns_window; /* weak */
  GtkWidget           *card_window;    /* weak */
  char                *last_toast;     /* owned, nullable (tests) */

  /* template children, borrowed */
  AdwToastOverlay     *toast_overlay;
  AdwLeaflet          *leaflet;
  GtkWidget           *sidebar;
  GtkWidget           *content;
  GtkBox              *sync_slot;
  GtkBox              *list_slot;
  AdwViewSwitcherTitle *switcher_title;
  GtkStack            *content_stack;
};

/* The sync client the header's indicator follows (also the write-only
 * "sync-client" property the application binds), or NULL. */
void _fc_window_set_sync_client    (FcWindow     *self,
                                    FcSyncClient *client);
void _fc_window_class_init_actions (GtkWidgetClass *widget_class);
void _fc_window_update_actions     (FcWindow *self);
void _fc_window_reload_list        (FcWindow *self);
/* Opens the new-case dialog, @serial (nullable) filled in. */
void _fc_window_open_new_case      (FcWindow   *self,
                                    const char *serial);

/* fc-window-scan.c */
void _fc_window_init_scan          (FcWindow *self);
void _fc_window_dispose_scan       (FcWindow *self);
void _fc_window_class_init_scan    (GtkWidgetClass *widget_class);
/* The window's scanner (tests). (transfer none) */
FcScanner *_fc_window_get_scanner  (FcWindow *self);
/* The product card's window / the returns desk's window, or NULL (tests). */
GtkWidget *_fc_window_get_card_window    (FcWindow *self);
GtkWidget *_fc_window_get_returns_window (FcWindow *self);
/* The last toast's text, or NULL (tests). */
const char *_fc_window_get_last_toast (FcWindow *self);

G_END_DECLS
