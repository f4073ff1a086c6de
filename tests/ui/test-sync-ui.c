/* test-sync-ui.c: the app drives the real sync client against a real HQ
 * server (in this process, on 127.0.0.1, stopped at the end of each test):
 * enrolling from Preferences, the header's indicator following the client,
 * app.sync-now, going offline with the work kept, a refused code shown
 * inline with nothing written, and `fieldcase --sync-only --once` without a
 * display. */
#include <glib/gi18n.h>
#include <locale.h>

#include "fc-application.h"
#include "fc-hq-server.h"
#include "fc-preferences-window.h"
#include "fc-sync-indicator.h"
#include "fc-ui-test-util.h"
#include "fc-window-private.h"

#define OUTLET "SH-01"
#define WAIT_MS 30000

typedef struct _SyncUi SyncUi;
typedef void (*SyncUiBody) (SyncUi *t);

struct _SyncUi {
  FcUiFixture    f;
  char          *hq_dir;
  FcHqServer    *hq;
  char          *url;
  FcApplication *app;
  FcWindow      *window;
  SyncUiBody     body;
};

static void
sync_ui_set_up (SyncUi        *t,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hq_path = NULL;

  fc_ui_fixture_set_up (&t->f, data);
  t->hq_dir = g_dir_make_tmp ("fieldcase-hq-XXXXXX", &error);
  g_assert_no_error (error);
  hq_path = g_build_filename (t->hq_dir, "hq.db", NULL);
  t->hq = fc_hq_server_new (hq_path, &error);
  g_assert_no_error (error);
  /* 127.0.0.1 only, a port the system picks. */
  g_assert_cmpuint (fc_hq_server_listen_local (t->hq, &error), >, 0);
  g_assert_no_error (error);
  t->url = fc_hq_server_dup_url (t->hq);
  g_assert_true (g_str_has_prefix (t->url, "http://127.0.0.1:"));

  t->app = fc_application_new (t->f.store);
}

/* The test's body runs once the app's window is up, inside
 * g_application_run() as in the real app (startup makes the sync client,
 * shutdown stops it); closing the windows ends the run. */
static void
activated_cb (GApplication *app,
              SyncUi       *t)
{
  g_autoptr(GList) windows = NULL;

  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (app)));
  g_assert_nonnull (windows);
  t->window = FC_WINDOW (windows->data);
  FC_SPIN_UNTIL (fc_window_is_loaded (t->window), WAIT_MS);
  t->body (t);
  g_clear_pointer (&windows, g_list_free);
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (app)));
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
  t->window = NULL;
}

static void
run_in_app (SyncUi     *t,
            SyncUiBody  body)
{
  t->body = body;
  g_signal_connect_after (t->app, "activate", G_CALLBACK (activated_cb), t);
  g_assert_cmpint (g_application_run (G_APPLICATION (t->app), 0, NULL), ==, 0);
}

static void
sync_ui_tear_down (SyncUi        *t,
                   gconstpointer  data)
{
  g_autoptr(GDir) d = NULL;
  const char *name;

  /* Nothing may keep the app (and its sync client) alive after its run. */
  g_object_add_weak_pointer (G_OBJECT (t->app), (gpointer *) &t->app);
  g_object_unref (t->app);
  FC_SPIN_UNTIL (t->app == NULL, WAIT_MS);
  /* The server stops here (and with the process if a check failed). */
  fc_hq_server_disconnect (t->hq);
  g_clear_object (&t->hq);
  g_free (t->url);
  d = g_dir_open (t->hq_dir, 0, NULL);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (t->hq_dir, name, NULL);
      g_remove (p);
    }
  g_rmdir (t->hq_dir);
  g_free (t->hq_dir);
  fc_ui_fixture_tear_down (&t->f, data);
}

static FcSyncIndicator *
indicator (SyncUi *t)
{
  return FC_SYNC_INDICATOR (fc_window_get_sync_indicator (t->window));
}

static gboolean
indicator_child_visible (SyncUi     *t,
                         const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (indicator (t)), FC_TYPE_SYNC_INDICATOR, name);

  g_assert_nonnull (child);
  return gtk_widget_get_visible (GTK_WIDGET (child));
}

static gboolean
sync_now_enabled (SyncUi *t)
{
  return g_action_group_get_action_enabled (G_ACTION_GROUP (t->app), "sync-now");
}

/* The preferences window app.enrol (or app.preferences) opened. */
static FcPreferencesWindow *
find_preferences (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);
      if (FC_IS_PREFERENCES_WINDOW (w))
        return FC_PREFERENCES_WINDOW (w);
    }
  return NULL;
}

static GtkWidget *
prefs_child (FcPreferencesWindow *prefs,
             const char          *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (prefs), FC_TYPE_PREFERENCES_WINDOW, name);

  g_assert_nonnull (child);
  return GTK_WIDGET (child);
}

/* Types the address and the code and presses Enrol, as a user would. */
static FcPreferencesWindow *
enrol_from_preferences (SyncUi     *t,
                        const char *url,
                        const char *code)
{
  FcPreferencesWindow *prefs;
  GtkWidget *button;

  g_action_group_activate_action (G_ACTION_GROUP (t->app), "enrol", NULL);
  prefs = find_preferences ();
  g_assert_nonnull (prefs);
  button = prefs_child (prefs, "enrol_button");
  fc_set_text (prefs_child (prefs, "server_row"), url);
  fc_set_text (prefs_child (prefs, "enrolment_row"), code);
  FC_SPIN_UNTIL (gtk_widget_is_sensitive (button), WAIT_MS);
  g_assert_true (gtk_widget_activate (button));
  return prefs;
}

static char *
open_case (FcStore *store)
{
  g_autoptr(JsonObject) p = json_object_new ();
  g_autoptr(GError) error = NULL;
  char *id;

  json_object_set_string_member (p, "kind", "repair");
  json_object_set_string_member (p, "channel", "on_site");
  json_object_set_string_member (p, "problem_type", "quality");
  json_object_set_string_member (p, "severity", "general");
  json_object_set_string_member (p, "description", "Air conditioner cools poorly");
  json_object_set_string_member (p, "product_serial", "AC-24-0001");
  json_object_set_string_member (p, "model", "KFR-35GW");
  json_object_set_string_member (p, "outlet", OUTLET);
  id = fc_store_open_case (store, p, "Wang Engineer", &error);
  g_assert_no_error (error);
  return id;
}

static FcEvent *
add_note (FcStore    *store,
          const char *case_id)
{
  g_autoptr(JsonObject) p = json_object_new ();
  g_autoptr(GError) error = NULL;
  FcEvent *ev;

  json_object_set_string_member (p, "text", "customer prefers mornings");
  ev = fc_store_record (store, case_id, FC_EV_NOTE_ADDED, p, "Wang Engineer", &error);
  g_assert_no_error (error);
  return ev;
}

static gboolean
hq_has_event (SyncUi     *t,
              const char *case_id,
              const char *event_id)
{
  g_autoptr(GPtrArray) events = fc_store_list_events (fc_hq_server_get_store (t->hq), case_id, NULL);

  for (guint i = 0; events != NULL && i < events->len; i++)
    if (g_str_equal (((FcEvent *) g_ptr_array_index (events, i))->id, event_id))
      return TRUE;
  return FALSE;
}

/* Enrol from Preferences → synced; a step recorded here reaches HQ by
 * app.sync-now; HQ gone → offline, the work kept on the device. */
static void
enrol_sync_offline (SyncUi *t)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *case_id = NULL;
  g_autofree char *token = NULL;
  g_autofree char *stored_url = NULL;
  g_autofree char *left_code = NULL;
  g_auto(GStrv) accels = NULL;
  g_autoptr(FcEvent) note = NULL;
  g_autoptr(FcEvent) offline_note = NULL;
  FcPreferencesWindow *prefs;
  FcSyncClient *client;

  /* Before enrolment: the indicator says so and Sync Now is off. */
  g_assert_cmpint (fc_sync_indicator_get_view (indicator (t)), ==, FC_SYNC_VIEW_NOT_ENROLLED);
  g_assert_cmpstr (fc_sync_indicator_get_label (indicator (t)), ==, "Not enrolled");
  g_assert_false (sync_now_enabled (t));
  g_assert_false (fc_action_enabled (GTK_WIDGET (indicator (t)), "app.sync-now"));
  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (t->app), "app.sync-now");
  g_assert_nonnull (accels);
  g_assert_cmpstr (accels[0], ==, "<Control>r");

  code = fc_hq_server_create_enrol_code (t->hq, OUTLET, "Wang Engineer", &error);
  g_assert_no_error (error);
  prefs = enrol_from_preferences (t, t->url, code);

  /* The first cycle runs by itself after enrolment. */
  FC_SPIN_UNTIL (fc_sync_indicator_get_view (indicator (t)) == FC_SYNC_VIEW_SYNCED, WAIT_MS);
  g_assert_cmpstr (fc_sync_indicator_get_label (indicator (t)), ==, "Synced");
  g_assert_true (indicator_child_visible (t, "handover"));
  g_assert_true (indicator_child_visible (t, "last_sync"));
  g_assert_cmpstr (gtk_label_get_text (fc_preferences_window_get_enrol_status (prefs)), ==,
                   "Enrolled. This device now syncs with headquarters.");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (fc_preferences_window_get_enrol_status (prefs)),
                                           "success"));
  token = fc_store_get_meta (t->f.store, "sync.token");
  stored_url = fc_store_get_meta (t->f.store, "sync.url");
  g_assert_true (token != NULL && *token != '\0');
  g_assert_cmpstr (stored_url, ==, t->url);
  /* The one-time code is spent: it is not kept in the settings. */
  left_code = g_settings_get_string (t->f.settings, "enrolment-code");
  g_assert_cmpstr (left_code, ==, "");
  g_assert_true (sync_now_enabled (t));
  g_assert_true (fc_action_enabled (GTK_WIDGET (indicator (t)), "app.sync-now"));
  gtk_window_destroy (GTK_WINDOW (prefs));

  /* The scheduler would send the step a little later by itself; stopped,
   * only Sync Now can have sent it. */
  client = fc_application_get_sync_client (t->app);
  fc_sync_client_stop (client);
  case_id = open_case (t->f.store);
  note = add_note (t->f.store, case_id);
  FC_SPIN_UNTIL (fc_sync_indicator_get_view (indicator (t)) == FC_SYNC_VIEW_WAITING, WAIT_MS);
  g_assert_cmpstr (fc_sync_indicator_get_label (indicator (t)), ==, "2 waiting");
  g_assert_false (hq_has_event (t, case_id, note->id));

  g_action_group_activate_action (G_ACTION_GROUP (t->app), "sync-now", NULL);
  FC_SPIN_UNTIL (fc_sync_client_get_pending (client) == 0 &&
                 fc_sync_indicator_get_view (indicator (t)) == FC_SYNC_VIEW_SYNCED, WAIT_MS);
  g_assert_cmpint (fc_store_count_pending (t->f.store), ==, 0);
  g_assert_true (hq_has_event (t, case_id, note->id));
  g_assert_true (indicator_child_visible (t, "handover"));

  /* HQ goes away: the next sync finds it unreachable; the step waits here. */
  fc_hq_server_disconnect (t->hq);
  offline_note = add_note (t->f.store, case_id);
  g_action_group_activate_action (G_ACTION_GROUP (t->app), "sync-now", NULL);
  FC_SPIN_UNTIL (fc_sync_indicator_get_view (indicator (t)) == FC_SYNC_VIEW_OFFLINE, WAIT_MS);
  g_assert_cmpstr (fc_sync_indicator_get_label (indicator (t)), ==, "1 waiting");
  g_assert_cmpstr (fc_sync_indicator_get_detail (indicator (t)), ==,
                   "Offline: 1 change is kept on this device until it can be sent.");
  g_assert_false (indicator_child_visible (t, "handover"));
  g_assert_cmpint (fc_store_count_pending (t->f.store), ==, 1);
  g_assert_false (hq_has_event (t, case_id, offline_note->id));
}

static char *
meta_snapshot (FcStore *store)
{
  static const char *const keys[] = { "sync.token", "sync.url", "sync.outlet", "sync.engineer",
                                      "sync.cursor" };
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *value = fc_store_get_meta (store, keys[i]);
      g_string_append_printf (out, "%s=%s;", keys[i], value != NULL ? value : "(none)");
    }
  return g_string_free (out, FALSE);
}

static void
wait_for_error (FcPreferencesWindow *prefs)
{
  GtkWidget *status = GTK_WIDGET (fc_preferences_window_get_enrol_status (prefs));

  FC_SPIN_UNTIL (gtk_widget_get_visible (status) && gtk_widget_has_css_class (status, "error"), WAIT_MS);
  /* Ready for another try. */
  FC_SPIN_UNTIL (gtk_widget_is_sensitive (prefs_child (prefs, "enrol_button")), WAIT_MS);
}

/* A refused code and an unreachable server: said inline, nothing written,
 * the app still not enrolled. */
static void
bad_code (SyncUi *t)
{
  g_autofree char *before = meta_snapshot (t->f.store);
  g_autofree char *after = NULL;
  g_autofree char *after_offline = NULL;
  FcSyncClient *client = fc_application_get_sync_client (t->app);
  FcPreferencesWindow *prefs;

  prefs = enrol_from_preferences (t, t->url, "BAD0-CODE-0000");
  wait_for_error (prefs);
  g_assert_cmpstr (gtk_label_get_text (fc_preferences_window_get_enrol_status (prefs)), ==,
                   "Headquarters refused this code: it is unknown, already used or expired. "
                   "Ask headquarters for a new one.");
  g_assert_true (gtk_widget_has_css_class (prefs_child (prefs, "enrolment_row"), "error"));
  after = meta_snapshot (t->f.store);
  g_assert_cmpstr (after, ==, before);
  g_assert_true (fc_application_get_sync_client (t->app) == client);
  g_assert_false (sync_now_enabled (t));
  g_assert_cmpint (fc_sync_indicator_get_view (indicator (t)), ==, FC_SYNC_VIEW_NOT_ENROLLED);
  gtk_window_destroy (GTK_WINDOW (prefs));

  /* Nobody listens there once HQ is stopped. */
  fc_hq_server_disconnect (t->hq);
  prefs = enrol_from_preferences (t, t->url, "K7Q2-9XPM-41ZD");
  wait_for_error (prefs);
  g_assert_cmpstr (gtk_label_get_text (fc_preferences_window_get_enrol_status (prefs)), ==,
                   "Headquarters could not be reached. Check the server address and the network, "
                   "then try again.");
  g_assert_true (gtk_widget_has_css_class (prefs_child (prefs, "server_row"), "error"));
  after_offline = meta_snapshot (t->f.store);
  g_assert_cmpstr (after_offline, ==, before);
  g_assert_false (sync_now_enabled (t));
  gtk_window_destroy (GTK_WINDOW (prefs));
}

/* `fieldcase --sync-only --once` on a store never enrolled: status 2, and
 * no display is touched (none is set: opening a window would fail). */
static void
test_sync_only_not_enrolled (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fieldcase-synconly-XXXXXX", &error);
  g_autofree char *store = NULL;
  g_autofree char *err_text = NULL;
  g_auto(GStrv) env = g_get_environ ();
  int status = 0;

  g_assert_no_error (error);
  store = g_build_filename (dir, "store.db", NULL);
  {
    const char *argv[] = { FIELDCASE_BIN, "--sync-only", "--once", "--store", store, NULL };

    env = g_environ_unsetenv (env, "DISPLAY");
    env = g_environ_unsetenv (env, "WAYLAND_DISPLAY");
    env = g_environ_unsetenv (env, "FIELDCASE_STORE");
    g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                                 NULL, &err_text, &status, &error));
  }
  g_assert_no_error (error);
  g_assert_false (g_spawn_check_wait_status (status, &error));
  g_assert_error (error, G_SPAWN_EXIT_ERROR, 2);   /* FC_SYNC_EXIT_UNAUTHORIZED */
  g_assert_null (strstr (err_text, "display"));
  {
    g_autofree char *wal = g_strconcat (store, "-wal", NULL);
    g_autofree char *shm = g_strconcat (store, "-shm", NULL);
    g_remove (wal);
    g_remove (shm);
    g_remove (store);
    g_rmdir (dir);
  }
}

/* HQ's enrolment QR scanned in the main window: Preferences open with the
 * address and code filled and Enrol focused; pressing it enrols. */
static void
scan_enrolment_qr (SyncUi *t)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = fc_hq_server_create_enrol_code (t->hq, OUTLET, "Wang Engineer", &error);
  g_autofree char *qr = NULL;
  FcPreferencesWindow *prefs;
  GtkWidget *button;

  g_assert_no_error (error);
  qr = g_strdup_printf ("fieldcase-enrol:%s#%s", t->url, code);
  g_assert_true (fc_scanner_submit_text (_fc_window_get_scanner (t->window), FC_SYMBOLOGY_QR, qr,
                                         FALSE, FC_SCAN_SOURCE_MANUAL));
  FC_SPIN_UNTIL ((prefs = find_preferences ()) != NULL, WAIT_MS);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (prefs_child (prefs, "server_row"))), ==, t->url);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (prefs_child (prefs, "enrolment_row"))), ==, code);
  button = prefs_child (prefs, "enrol_button");
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (prefs)) == button);

  g_assert_true (gtk_widget_activate (button));
  FC_SPIN_UNTIL (fc_sync_indicator_get_view (indicator (t)) == FC_SYNC_VIEW_SYNCED, WAIT_MS);
  g_assert_true (sync_now_enabled (t));
}

static void
test_scan_enrolment_qr (SyncUi        *t,
                        gconstpointer  data)
{
  run_in_app (t, scan_enrolment_qr);
}

static void
test_enrol_sync_offline (SyncUi        *t,
                         gconstpointer  data)
{
  run_in_app (t, enrol_sync_offline);
}

static void
test_bad_code (SyncUi        *t,
               gconstpointer  data)
{
  run_in_app (t, bad_code);
}

int
main (int    argc,
      char **argv)
{
  /* No session bus: the app registers as a plain non-unique one, and no
   * dbus-daemon is autolaunched on the test's X display. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/fieldcase-no-bus", TRUE);
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/sync-ui/enrol-sync-offline", SyncUi, NULL, sync_ui_set_up, test_enrol_sync_offline,
              sync_ui_tear_down);
  g_test_add ("/sync-ui/bad-code", SyncUi, NULL, sync_ui_set_up, test_bad_code, sync_ui_tear_down);
  g_test_add ("/sync-ui/scan-enrolment-qr", SyncUi, NULL, sync_ui_set_up, test_scan_enrolment_qr,
              sync_ui_tear_down);
  g_test_add_func ("/sync-ui/sync-only-not-enrolled", test_sync_only_not_enrolled);
  return g_test_run ();
}
