/* fc-sync-daemon.h: sync without the GUI (`fieldcase-sync`, the systemd
 * user service, `fieldcase --sync-only`). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses, stable for scripts and systemd. */
typedef enum {
  FC_SYNC_EXIT_OK = 0,
  FC_SYNC_EXIT_FAILED = 1,        /* this time it failed; the next attempt may work */
  FC_SYNC_EXIT_UNAUTHORIZED = 2,  /* not enrolled, or the token was refused */
  FC_SYNC_EXIT_SETUP = 3,         /* the store could not be opened, a bad URL … */
} FcSyncExit;

/* Runs a GMainLoop with a sync client on @store_path (NULL = the default
 * store) against @base_url (NULL = the one stored at enrolment). @once: one
 * cycle, then the exit status; otherwise the scheduler runs until SIGINT or
 * SIGTERM (status 0). Messages go to stderr, never customer data. */
int fc_sync_run_headless   (const char *store_path,
                            const char *base_url,
                            gboolean    once);

/* Enrols the store with @code_or_uri: a code (with @base_url) or the QR
 * text "fieldcase-enrol:<url>#<code>". */
int fc_sync_enrol_headless (const char *store_path,
                            const char *base_url,
                            const char *code_or_uri,
                            const char *device_name);

G_END_DECLS
