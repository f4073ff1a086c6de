/* fc-preferences-window.h: engineer name, headquarters' address and
 * enrolment code, the supervisor PIN, light or dark. */
#pragma once

#include <adwaita.h>

#include "fc-store.h"

G_BEGIN_DECLS

#define FC_TYPE_PREFERENCES_WINDOW (fc_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (FcPreferencesWindow, fc_preferences_window, FC, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

FcPreferencesWindow *fc_preferences_window_new (FcStore   *store,
                                                GSettings *settings,
                                                GtkWindow *parent);

/* "default", "light", "dark" → the style manager's scheme. */
AdwColorScheme fc_color_scheme_from_string (const char *text);

G_END_DECLS
