/* fc-screenshots.c: renders the app's main screens into PNGs, the way the
 * window draws them (GtkWidgetPaintable → render node → texture), so the
 * pictures do not depend on a window manager. tools/screenshots.sh runs it
 * under Xvfb in English and Chinese, wide and narrow.
 *
 *   fc-screenshots --store DEMO.db --out DIR --width W --height H --lang TAG
 */
#include <adwaita.h>

#include "fc-case-list.h"
#include <glib/gi18n.h>
#include <locale.h>

#include <glib/gstdio.h>

#include "fc-case-page.h"
#include "fc-hq-server.h"
#include "fc-new-case-dialog.h"
#include "fc-preferences-window.h"
#include "fc-sync-indicator.h"
#include "fc-window.h"

static char *opt_store, *opt_out, *opt_lang, *opt_only;
static int opt_width = 1280, opt_height = 800;

static void
spin_ms (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (2000);
}

static void
save (GtkWidget  *widget,
      const char *screen)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot;
  int w, h;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *name = g_strdup_printf ("app-%s-%dx%d-%s.png", screen, opt_width, opt_height, opt_lang);
  g_autofree char *path = g_build_filename (opt_out, name, NULL);

  /* Let transitions and late layouts settle; on a busy machine a window
   * may not have drawn yet (nothing to snapshot): wait for it. */
  for (int tries = 0; node == NULL && tries < 20; tries++)
    {
      spin_ms (600);
      snapshot = gtk_snapshot_new ();
      w = gtk_widget_get_width (widget);
      h = gtk_widget_get_height (widget);
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (snapshot);
    }
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  if (!gdk_texture_save_to_png (texture, path))
    g_error ("cannot write %s", path);
  g_print ("%s\n", path);
}

/* A case in the given state, to show a page with something on it. */
static char *
find_case (FcStore     *store,
           FcCaseState  state)
{
  FcCaseQuery q = { .filter = FC_CASE_FILTER_ALL };
  g_autoptr(GPtrArray) cases = fc_store_query_cases (store, &q, NULL);

  for (guint i = 0; cases != NULL && i < cases->len; i++)
    if (fc_case_get_state (g_ptr_array_index (cases, i)) == state)
      return g_strdup (fc_case_get_id (g_ptr_array_index (cases, i)));
  return NULL;
}

static void
sign (FcCasePage *page)
{
  const graphene_point_t a[] = { { 30, 110 }, { 45, 60 }, { 60, 110 }, { 75, 70 }, { 95, 105 } };
  const graphene_point_t b[] = { { 110, 90 }, { 150, 80 }, { 190, 95 }, { 230, 75 } };

  fc_signature_pad_add_stroke (fc_case_page_get_signature_pad (page), a, G_N_ELEMENTS (a));
  fc_signature_pad_add_stroke (fc_case_page_get_signature_pad (page), b, G_N_ELEMENTS (b));
}

static void
shoot_case (FcWindow   *window,
            FcStore    *store,
            FcCaseState state,
            const char *step,
            const char *screen)
{
  g_autofree char *id = find_case (store, state);
  FcCasePage *page = FC_CASE_PAGE (fc_window_get_case_page (window));

  if (id == NULL)
    {
      g_printerr ("no case in state %s\n", fc_case_state_to_string (state));
      return;
    }
  g_assert (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-case", "s", id));
  fc_case_page_show_step (page, step);
  if (g_str_equal (step, "resolve"))
    {
      GtkWidget *frame = gtk_widget_get_parent (GTK_WIDGET (fc_case_page_get_signature_pad (page)));
      sign (page);
      /* Scroll the sign-off into view: it is what the step is about. */
      gtk_widget_grab_focus (frame);
      gtk_widget_child_focus (frame, GTK_DIR_TAB_FORWARD);
    }
  save (GTK_WIDGET (window), screen);
}

static void
shoot_dialogs (FcWindow  *window,
               FcStore   *store,
               GSettings *settings)
{
  FcNewCaseDialog *dialog = fc_new_case_dialog_new (store, settings, GTK_WINDOW (window));
  FcPreferencesWindow *prefs;

  gtk_window_set_default_size (GTK_WINDOW (dialog), MIN (opt_width, 520), MIN (opt_height, 720));
  gtk_editable_set_text (GTK_EDITABLE (fc_new_case_dialog_get_field (dialog, "serial")), "AC-24-0001");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "new-case.lookup", NULL);
  gtk_window_present (GTK_WINDOW (dialog));
  save (GTK_WIDGET (dialog), "new-case");
  gtk_window_destroy (GTK_WINDOW (dialog));

  prefs = fc_preferences_window_new (store, settings, NULL, GTK_WINDOW (window));
  gtk_window_set_default_size (GTK_WINDOW (prefs), MIN (opt_width, 560), MIN (opt_height, 720));
  gtk_window_present (GTK_WINDOW (prefs));
  save (GTK_WIDGET (prefs), "preferences");
  gtk_window_destroy (GTK_WINDOW (prefs));
}

/* ---- sync: the indicator's popover and enrolment in Preferences ---- */

typedef struct {
  gboolean done;
} Wait;

static void
enrol_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!fc_sync_client_enrol_finish (FC_SYNC_CLIENT (source), result, &error))
    g_printerr ("enrolment: %s\n", error->message);
  ((Wait *) user_data)->done = TRUE;
}

static void
sync_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  fc_sync_client_sync_finish (FC_SYNC_CLIENT (source), result, NULL);
  ((Wait *) user_data)->done = TRUE;
}

static gboolean
wake_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* The list loads on a worker and fills in over a few frames: shoot it only
 * once its row count has held still for 300 ms. */
static void
wait_for_rows (FcWindow *window)
{
  GListModel *model = G_LIST_MODEL (fc_case_list_get_model (FC_CASE_LIST (fc_window_get_case_list (window))));
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  guint last = G_MAXUINT;

  while (g_get_monotonic_time () < deadline)
    {
      gboolean woke = FALSE;
      guint n = g_list_model_get_n_items (model);

      if (n > 0 && n == last)
        break;
      last = n;
      g_timeout_add (300, wake_cb, &woke);
      while (!woke)
        g_main_context_iteration (NULL, TRUE);
    }
}

static void
wait_for (Wait *w)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!w->done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
}

static void
shoot_popover (FcWindow   *window,
               const char *screen)
{
  GtkWidget *indicator = fc_window_get_sync_indicator (window);
  GtkMenuButton *button = GTK_MENU_BUTTON (gtk_widget_get_first_child (indicator));

  GtkWidget *popover = GTK_WIDGET (gtk_menu_button_get_popover (button));
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  spin_ms (300);   /* the indicator refreshes in an idle */
  gtk_menu_button_popup (button);
  /* A popover is its own surface: drawn only once mapped and sized. */
  while ((!gtk_widget_get_mapped (popover) || gtk_widget_get_width (popover) == 0) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  save (popover, screen);
  gtk_menu_button_popdown (button);
  while (gtk_widget_get_mapped (popover) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
}

static char *
open_outlet_case (FcStore *store)
{
  g_autoptr(JsonObject) p = json_object_new ();
  g_autoptr(GError) error = NULL;
  char *id;

  json_object_set_string_member (p, "kind", "repair");
  json_object_set_string_member (p, "channel", "on_site");
  json_object_set_string_member (p, "problem_type", "quality");
  json_object_set_string_member (p, "severity", "general");
  json_object_set_string_member (p, "description", "空调制冷差 / Air conditioner cools poorly");
  json_object_set_string_member (p, "product_serial", "AC-24-0001");
  json_object_set_string_member (p, "model", "KFR-35GW");
  json_object_set_string_member (p, "outlet", "SH-01");
  id = fc_store_open_case (store, p, "王工 Wang", &error);
  g_assert_no_error (error);
  return id;
}

/* The running app's app.sync-now and app.enrol, for a window without the
 * application: enabled as the app would have them. */
static void
set_app_actions (GtkWidget    *window,
                 FcSyncClient *client)
{
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) sync_now = g_simple_action_new ("sync-now", NULL);
  g_autoptr(GSimpleAction) enrol = g_simple_action_new ("enrol", NULL);

  g_simple_action_set_enabled (sync_now, fc_sync_client_is_enrolled (client));
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (sync_now));
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (enrol));
  gtk_widget_insert_action_group (window, "app", G_ACTION_GROUP (group));
}

/* A device of its own (one case, outlet SH-01) and a real HQ on 127.0.0.1
 * for the time of the pictures: not enrolled, synced, then offline with a
 * step waiting; then the enrolment section of Preferences, with the
 * longest error it can show (it must wrap, not be cut off). */
static void
shoot_sync (GSettings *settings)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fc-screenshots-hq-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "hq.db", NULL);
  g_autofree char *device_db = g_build_filename (dir, "device.db", NULL);
  g_autoptr(FcHqServer) hq = NULL;
  g_autoptr(FcStore) store = NULL;
  g_autoptr(FcSyncClient) client = NULL;
  g_autofree char *url = NULL;
  g_autofree char *code = NULL;
  g_autofree char *case_id = NULL;
  FcWindow *window;
  FcPreferencesWindow *prefs;
  GtkWidget *status;
  Wait enrol = { FALSE }, sync = { FALSE }, offline = { FALSE };

  g_assert_no_error (error);
  hq = fc_hq_server_new (db, &error);
  g_assert_no_error (error);
  g_assert (fc_hq_server_listen_local (hq, &error) > 0);
  url = fc_hq_server_dup_url (hq);
  code = fc_hq_server_create_enrol_code (hq, "SH-01", NULL, &error);
  g_assert_no_error (error);

  store = fc_store_new (device_db, &error);
  g_assert_no_error (error);
  case_id = open_outlet_case (store);
  client = fc_sync_client_new (store, url);
  window = fc_window_new (NULL, store, settings);
  gtk_window_set_default_size (GTK_WINDOW (window), opt_width, opt_height);
  gtk_window_present (GTK_WINDOW (window));
  while (!fc_window_is_loaded (window))
    g_main_context_iteration (NULL, TRUE);
  g_object_set (window, "sync-client", client, NULL);
  set_app_actions (GTK_WIDGET (window), client);
  shoot_popover (window, "sync-not-enrolled");

  fc_sync_client_enrol_async (client, code, "screenshots", NULL, enrol_done_cb, &enrol);
  wait_for (&enrol);
  fc_sync_client_sync_async (client, NULL, sync_done_cb, &sync);
  wait_for (&sync);
  set_app_actions (GTK_WIDGET (window), client);
  shoot_popover (window, "sync-synced");

  fc_hq_server_disconnect (hq);
  {
    /* One step recorded while HQ is away: it waits on the device. */
    g_autoptr(JsonObject) p = json_object_new ();
    g_autoptr(FcEvent) ev = NULL;

    json_object_set_string_member (p, "text", "客户希望上午上门 / Customer prefers mornings");
    ev = fc_store_record (store, case_id, FC_EV_NOTE_ADDED, p, "王工 Wang", &error);
    g_assert_no_error (error);
  }
  fc_sync_client_sync_async (client, NULL, sync_done_cb, &offline);
  wait_for (&offline);
  shoot_popover (window, "sync-offline");

  g_settings_set_string (settings, "server-url", url);
  prefs = fc_preferences_window_new (store, settings, NULL, GTK_WINDOW (window));
  gtk_window_set_default_size (GTK_WINDOW (prefs), MIN (opt_width, 560), MIN (opt_height, 720));
  gtk_window_present (GTK_WINDOW (prefs));
  save (GTK_WIDGET (prefs), "preferences-enrolled");
  status = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (prefs), FC_TYPE_PREFERENCES_WINDOW,
                                                      "enrol_status"));
  gtk_label_set_text (GTK_LABEL (status),
                      _("Headquarters refused this code: it is unknown, already used or expired. "
                        "Ask headquarters for a new one."));
  gtk_widget_remove_css_class (status, "dim-label");
  gtk_widget_add_css_class (status, "error");
  save (GTK_WIDGET (prefs), "preferences-enrol-error");
  gtk_window_destroy (GTK_WINDOW (prefs));
  gtk_window_destroy (GTK_WINDOW (window));
  fc_sync_client_stop (client);
  g_clear_object (&client);
  g_clear_object (&store);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;
    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *p = g_build_filename (dir, name, NULL);
        g_remove (p);
      }
    g_rmdir (dir);
  }
}

/* What AdwApplication would load from the resource base path. */
static void
load_style (void)
{
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (css, "/org/fieldcase/Fieldcase/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static const GOptionEntry entries[] = {
  { "store", 0, 0, G_OPTION_ARG_FILENAME, &opt_store, "The demo store", "PATH" },
  { "out", 0, 0, G_OPTION_ARG_FILENAME, &opt_out, "Where the PNGs go", "DIR" },
  { "width", 0, 0, G_OPTION_ARG_INT, &opt_width, "Window width", "PX" },
  { "height", 0, 0, G_OPTION_ARG_INT, &opt_height, "Window height", "PX" },
  { "lang", 0, 0, G_OPTION_ARG_STRING, &opt_lang, "Tag in the file names", "TAG" },
  { "only", 0, 0, G_OPTION_ARG_STRING, &opt_only, "Only these screens (\"sync\": the dialogs, the indicator and enrolment)", "NAME" },
  { NULL }
};

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FcStore) store = NULL;
  g_autoptr(GSettings) settings = NULL;
  const char *localedir = g_getenv ("FIELDCASE_LOCALEDIR");
  FcWindow *window;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || opt_store == NULL || opt_out == NULL)
    g_error ("usage: fc-screenshots --store PATH --out DIR [--width W --height H --lang TAG]");
  if (opt_lang == NULL)
    opt_lang = g_strdup ("en");
  adw_init ();
  load_style ();

  store = fc_store_new (opt_store, &error);
  g_assert_no_error (error);
  settings = g_settings_new ("org.fieldcase.Fieldcase");
  g_settings_set_string (settings, "engineer-name", "王工 Wang");
  g_settings_set_string (settings, "last-filter", "open");
  window = fc_window_new (NULL, store, settings);
  gtk_window_set_default_size (GTK_WINDOW (window), opt_width, opt_height);
  gtk_window_present (GTK_WINDOW (window));
  while (!fc_window_is_loaded (window))
    g_main_context_iteration (NULL, TRUE);
  wait_for_rows (window);
  if (g_strcmp0 (opt_only, "sync") == 0)
    {
      shoot_dialogs (window, store, settings);
      gtk_window_destroy (GTK_WINDOW (window));
      shoot_sync (settings);
      return 0;
    }
  save (GTK_WIDGET (window), "case-list");
  shoot_case (window, store, FC_CASE_STATE_RESPONDED, "diagnose", "case-diagnose");
  shoot_case (window, store, FC_CASE_STATE_IN_REPAIR, "resolve", "case-resolve");
  shoot_case (window, store, FC_CASE_STATE_CLOSED, "timeline", "case-timeline");
  shoot_dialogs (window, store, settings);
  shoot_sync (settings);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
