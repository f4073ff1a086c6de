/* fc-preferences-window.h: engineer name, headquarters' address and
 * enrolment code (and enrolling with them), the supervisor PIN, light or
 * dark. */
#pragma once

#include <adwaita.h>

#include "fc-application.h"
#include "fc-store.h"

G_BEGIN_DECLS

#define FC_TYPE_PREFERENCES_WINDOW (fc_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (FcPreferencesWindow, fc_preferences_window, FC, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* @app (nullable) enrols the store and owns its sync client; without it
 * the Enrol button stays off (the screenshot tool). */
FcPreferencesWindow *fc_preferences_window_new (FcStore       *store,
                                                GSettings     *settings,
                                                FcApplication *app,
                                                GtkWindow     *parent);
/* Focuses the Enrol button (or the address when it cannot be pressed). */
void                 fc_preferences_window_focus_enrol (FcPreferencesWindow *self);
/* The inline enrolment message: what happened, or the error (tests). */
GtkLabel            *fc_preferences_window_get_enrol_status (FcPreferencesWindow *self);

/* "default", "light", "dark" → the style manager's scheme. */
AdwColorScheme fc_color_scheme_from_string (const char *text);

G_END_DECLS
