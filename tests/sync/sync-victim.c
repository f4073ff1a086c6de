/* sync-victim: syncs a store until it has nothing to send and HQ nothing
 * more to give, in small batches so a sync has many points to die at.
 * test-sync-chaos kills it with SIGKILL at random moments.
 *
 *   sync-victim STORE URL [BATCH]
 * Exit 0 when everything is at HQ, 1 on a sync error (the test retries). */
#include <stdio.h>
#include <stdlib.h>

#include "fc-sync-client-private.h"

typedef struct {
  GMainLoop *loop;
  GError    *error;
} Run;

static void
done_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Run *run = user_data;

  fc_sync_client_sync_finish (FC_SYNC_CLIENT (source), result, &run->error);
  g_main_loop_quit (run->loop);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FcStore) store = NULL;
  g_autoptr(FcSyncClient) client = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  FcSyncTuning t;
  Run run = { 0 };

  if (argc < 3)
    {
      g_printerr ("usage: sync-victim STORE URL [BATCH]\n");
      return 2;
    }
  store = fc_store_new (argv[1], &error);
  if (store == NULL)
    {
      g_printerr ("sync-victim: %s\n", error->message);
      return 1;
    }
  client = fc_sync_client_new (store, argv[2]);
  fc_sync_client_get_tuning (client, &t);
  t.batch_limit = argc > 3 ? (guint) atoi (argv[3]) : 25;
  t.pull_limit = t.batch_limit;
  t.reference_interval_ms = -1;
  t.timeout_s = 5;
  fc_sync_client_set_tuning (client, &t);
  loop = g_main_loop_new (NULL, FALSE);
  run.loop = loop;
  /* The killer starts its clock here: process start-up is not sync. */
  printf ("syncing\n");
  fflush (stdout);
  fc_sync_client_sync_async (client, NULL, done_cb, &run);
  g_main_loop_run (loop);
  if (run.error != NULL)
    {
      g_printerr ("sync-victim: %s\n", run.error->message);
      g_clear_error (&run.error);
      return 1;
    }
  return fc_sync_client_get_pending (client) == 0 ? 0 : 1;
}
