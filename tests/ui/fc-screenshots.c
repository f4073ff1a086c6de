/* fc-screenshots.c: renders the app's main screens into PNGs, the way the
 * window draws them (GtkWidgetPaintable → render node → texture), so the
 * pictures do not depend on a window manager. tools/screenshots.sh runs it
 * under Xvfb in English and Chinese, wide and narrow.
 *
 *   fc-screenshots --store DEMO.db --out DIR --width W --height H --lang TAG
 */
#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "fc-case-page.h"
#include "fc-new-case-dialog.h"
#include "fc-preferences-window.h"
#include "fc-window.h"

static char *opt_store, *opt_out, *opt_lang;
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

  spin_ms (600);   /* let transitions and late layouts settle */
  snapshot = gtk_snapshot_new ();
  w = gtk_widget_get_width (widget);
  h = gtk_widget_get_height (widget);
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
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
  save (GTK_WIDGET (window), "case-list");
  shoot_case (window, store, FC_CASE_STATE_RESPONDED, "diagnose", "case-diagnose");
  shoot_case (window, store, FC_CASE_STATE_IN_REPAIR, "resolve", "case-resolve");
  shoot_case (window, store, FC_CASE_STATE_CLOSED, "timeline", "case-timeline");
  shoot_dialogs (window, store, settings);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
