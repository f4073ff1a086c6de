/* fc-window.h: the main window — the case list beside the case page when
 * wide, one at a time when narrow (AdwLeaflet). */
#pragma once

#include <adwaita.h>

#include "fc-store.h"

G_BEGIN_DECLS

#define FC_TYPE_WINDOW (fc_window_get_type ())
G_DECLARE_FINAL_TYPE (FcWindow, fc_window, FC, WINDOW, AdwApplicationWindow)

FcWindow   *fc_window_new          (AdwApplication *application,
                                    FcStore        *store,
                                    GSettings      *settings);
FcStore    *fc_window_get_store    (FcWindow *self);
/* Shows the case (selecting it in the list if listed). */
gboolean    fc_window_show_case    (FcWindow   *self,
                                    const char *case_id);
void        fc_window_add_toast    (FcWindow   *self,
                                    const char *message);
/* The pieces, for tests and the screenshot tool. */
GtkWidget  *fc_window_get_case_list (FcWindow *self);
GtkWidget  *fc_window_get_case_page (FcWindow *self);
GtkWidget  *fc_window_get_sync_indicator (FcWindow *self);
gboolean    fc_window_get_folded   (FcWindow *self);
/* TRUE once the list has been loaded (after the first frame). */
gboolean    fc_window_is_loaded    (FcWindow *self);

G_END_DECLS
