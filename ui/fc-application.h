/* fc-application.h: the application — app.* actions, settings, the deadline
 * notifications, and the one store and its sync client handed to every
 * window. */
#pragma once

#include <adwaita.h>

#include "fc-store.h"
#include "fc-sync-client.h"

G_BEGIN_DECLS

#define FC_APPLICATION_ID "org.fieldcase.Fieldcase"

#define FC_TYPE_APPLICATION (fc_application_get_type ())
G_DECLARE_FINAL_TYPE (FcApplication, fc_application, FC, APPLICATION, AdwApplication)

/* @store is the store every window shows (construct-only). */
FcApplication *fc_application_new          (FcStore       *store);
FcStore       *fc_application_get_store    (FcApplication *self);
GSettings     *fc_application_get_settings (FcApplication *self);
/* The store's sync client, from startup ("sync-client", notified when an
 * enrolment with another server replaces it). (transfer none) */
FcSyncClient  *fc_application_get_sync_client (FcApplication *self);

/* Enrols the store with HQ at @server_url using the one-time @code; on
 * success the app's sync client is the one for that server and its
 * scheduler runs. On failure nothing is written. Errors: FC_SYNC_ERROR
 * (REJECTED for a refused code, OFFLINE when HQ cannot be reached …),
 * G_IO_ERROR_INVALID_ARGUMENT for an address that is not http(s). */
void           fc_application_enrol_async  (FcApplication       *self,
                                            const char          *server_url,
                                            const char          *code,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean       fc_application_enrol_finish (FcApplication  *self,
                                            GAsyncResult   *result,
                                            GError        **error);

G_END_DECLS
