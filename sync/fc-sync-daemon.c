/* fc-sync-daemon.c: the sync client in its own main loop, no GUI. */
#include "fc-sync-daemon.h"

#include <glib-unix.h>

#include "fc-sync-client.h"
#include "fc-sync-enums.h"

typedef struct {
  GMainLoop *loop;
  GError    *error;
} Waiter;

static int
exit_status_for (const GError *error)
{
  if (error == NULL)
    return FC_SYNC_EXIT_OK;
  if (g_error_matches (error, FC_SYNC_ERROR, FC_SYNC_ERROR_AUTH) ||
      g_error_matches (error, FC_SYNC_ERROR, FC_SYNC_ERROR_REVOKED))
    return FC_SYNC_EXIT_UNAUTHORIZED;
  return FC_SYNC_EXIT_FAILED;
}

static FcSyncClient *
open_client (const char *store_path,
             const char *base_url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FcStore) store = fc_store_new (store_path, &error);

  if (store == NULL)
    {
      g_printerr ("fieldcase-sync: cannot open the store: %s\n", error->message);
      return NULL;
    }
  return fc_sync_client_new (store, base_url);
}

static void
sync_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Waiter *w = user_data;

  fc_sync_client_sync_finish (FC_SYNC_CLIENT (source), result, &w->error);
  g_main_loop_quit (w->loop);
}

static void
enrol_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Waiter *w = user_data;

  fc_sync_client_enrol_finish (FC_SYNC_CLIENT (source), result, &w->error);
  g_main_loop_quit (w->loop);
}

static gboolean
quit_on_signal_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static void
state_changed_cb (FcSyncClient *client,
                  GParamSpec   *pspec,
                  gpointer      user_data)
{
  const char *error = fc_sync_client_get_last_error (client);
  g_autoptr(GEnumClass) states = g_type_class_ref (FC_TYPE_SYNC_CLIENT_STATE);
  GEnumValue *state = g_enum_get_value (states, fc_sync_client_get_state (client));

  /* One line per change, for the journal. Counts and errors only. */
  g_printerr ("fieldcase-sync: %s, %" G_GINT64_FORMAT " pending, %" G_GINT64_FORMAT
              " rejected%s%s\n", state != NULL ? state->value_nick : "?",
              fc_sync_client_get_pending (client), fc_sync_client_get_rejected (client),
              error != NULL ? ": " : "", error != NULL ? error : "");
}

static int
run_once (FcSyncClient *client)
{
  Waiter w = { g_main_loop_new (NULL, FALSE), NULL };
  int status;

  fc_sync_client_sync_async (client, NULL, sync_done_cb, &w);
  g_main_loop_run (w.loop);
  if (w.error != NULL)
    g_printerr ("fieldcase-sync: %s\n", w.error->message);
  status = exit_status_for (w.error);
  g_clear_error (&w.error);
  g_main_loop_unref (w.loop);
  return status;
}

static int
run_forever (FcSyncClient *client)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  guint sigint = g_unix_signal_add (SIGINT, quit_on_signal_cb, loop);
  guint sigterm = g_unix_signal_add (SIGTERM, quit_on_signal_cb, loop);

  g_signal_connect (client, "notify::state", G_CALLBACK (state_changed_cb), NULL);
  fc_sync_client_start (client);
  g_main_loop_run (loop);
  fc_sync_client_stop (client);
  g_source_remove (sigint);
  g_source_remove (sigterm);
  return FC_SYNC_EXIT_OK;
}

int
fc_sync_run_headless (const char *store_path,
                      const char *base_url,
                      gboolean    once)
{
  g_autoptr(FcSyncClient) client = open_client (store_path, base_url);

  if (client == NULL)
    return FC_SYNC_EXIT_SETUP;
  if (fc_sync_client_get_base_url (client) == NULL)
    {
      /* Both `fieldcase-sync` and `fieldcase --sync-only` come here. */
      g_printerr ("%s: not enrolled with HQ; enrol first: fieldcase-sync --enrol "
                  "'fieldcase-enrol:<url>#<code>', or Preferences → Enrol in the app\n",
                  g_get_prgname () != NULL ? g_get_prgname () : "fieldcase-sync");
      return FC_SYNC_EXIT_UNAUTHORIZED;
    }
  return once ? run_once (client) : run_forever (client);
}

int
fc_sync_enrol_headless (const char *store_path,
                        const char *base_url,
                        const char *code_or_uri,
                        const char *device_name)
{
  g_autofree char *url = NULL;
  g_autofree char *code = NULL;
  g_autoptr(FcSyncClient) client = NULL;
  Waiter w = { NULL, NULL };
  int status;

  if (!fc_sync_parse_enrol_uri (code_or_uri, &url, &code))
    {
      url = g_strdup (base_url);
      code = g_strdup (code_or_uri);
    }
  if (url == NULL)
    {
      g_printerr ("fieldcase-sync: an enrolment code needs the HQ address (--url)\n");
      return FC_SYNC_EXIT_SETUP;
    }
  client = open_client (store_path, url);
  if (client == NULL)
    return FC_SYNC_EXIT_SETUP;
  w.loop = g_main_loop_new (NULL, FALSE);
  fc_sync_client_enrol_async (client, code, device_name, NULL, enrol_done_cb, &w);
  g_main_loop_run (w.loop);
  if (w.error != NULL)
    g_printerr ("fieldcase-sync: enrolment failed: %s\n", w.error->message);
  status = exit_status_for (w.error);
  g_clear_error (&w.error);
  g_main_loop_unref (w.loop);
  return status;
}
