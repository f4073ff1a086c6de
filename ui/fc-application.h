/* fc-application.h: the application — app.* actions, settings, the deadline
 * notifications, and the one store handed to every window. */
#pragma once

#include <adwaita.h>

#include "fc-store.h"

G_BEGIN_DECLS

#define FC_APPLICATION_ID "org.fieldcase.Fieldcase"

#define FC_TYPE_APPLICATION (fc_application_get_type ())
G_DECLARE_FINAL_TYPE (FcApplication, fc_application, FC, APPLICATION, AdwApplication)

/* @store is the store every window shows (construct-only). */
FcApplication *fc_application_new          (FcStore       *store);
FcStore       *fc_application_get_store    (FcApplication *self);
GSettings     *fc_application_get_settings (FcApplication *self);

G_END_DECLS
