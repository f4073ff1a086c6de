/* fc-window-private.h: FcWindow's struct, for fc-window.c and
 * fc-window-actions.c. */
#pragma once

#include "fc-window.h"

G_BEGIN_DECLS

struct _FcWindow {
  AdwApplicationWindow parent_instance;

  FcStore             *store;        /* owned */
  GSettings           *settings;     /* owned */
  GtkWidget           *case_list;    /* borrowed, child of list_slot */
  GtkWidget           *case_page;    /* borrowed, child of content_stack */
  GtkWidget           *sync_indicator; /* borrowed, child of sync_slot */
  GSubprocess         *demo;         /* owned, nullable: the demo seeder running */
  GCancellable        *cancellable;  /* owned */
  gulong               after_paint_id;
  guint                load_id;
  gboolean             loaded;

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

void _fc_window_class_init_actions (GtkWidgetClass *widget_class);
void _fc_window_update_actions     (FcWindow *self);
void _fc_window_reload_list        (FcWindow *self);

G_END_DECLS
