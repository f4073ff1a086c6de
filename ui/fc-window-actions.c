/* fc-window-actions.c: the win.* actions — every command is an action, so
 * it has a shortcut and a test can activate it. */
#include "fc-window-private.h"

#include <glib/gi18n.h>

#include "fc-case-list.h"
#include "fc-case-page.h"
#include "fc-new-case-dialog.h"

void
_fc_window_reload_list (FcWindow *self)
{
  fc_case_list_load (FC_CASE_LIST (self->case_list));
}

void
_fc_window_update_actions (FcWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.load-demo", self->demo == NULL);
}

static void
case_created_cb (FcNewCaseDialog *dialog,
                 const char      *case_id,
                 FcWindow        *self)
{
  /* Show every case so the new one is listed whatever the filter. */
  fc_case_list_set_filter (FC_CASE_LIST (self->case_list), "open");
  fc_case_list_select_case (FC_CASE_LIST (self->case_list), case_id);
  fc_window_show_case (self, case_id);
  fc_window_add_toast (self, _("Case opened"));
}

void
_fc_window_open_new_case (FcWindow   *self,
                          const char *serial)
{
  FcNewCaseDialog *dialog;

  if (self->new_case_dialog != NULL)
    {
      dialog = FC_NEW_CASE_DIALOG (self->new_case_dialog);
    }
  else
    {
      dialog = fc_new_case_dialog_new (self->store, self->settings, GTK_WINDOW (self));
      g_signal_connect_object (dialog, "case-created", G_CALLBACK (case_created_cb), self, 0);
      /* Scans fill this dialog's serial while it is open. */
      self->new_case_dialog = GTK_WIDGET (dialog);
      g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->new_case_dialog);
    }
  if (serial != NULL)
    fc_new_case_dialog_set_serial (dialog, serial);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
new_case_action_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  _fc_window_open_new_case (FC_WINDOW (widget), NULL);
}

static void
go_back_action_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FcWindow *self = FC_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
}

static void
search_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FcWindow *self = FC_WINDOW (widget);

  adw_leaflet_set_visible_child (self->leaflet, self->sidebar);
  fc_case_list_focus_search (FC_CASE_LIST (self->case_list));
}

static void
show_case_action_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  FcWindow *self = FC_WINDOW (widget);
  const char *case_id = g_variant_get_string (parameter, NULL);

  fc_case_list_select_case (FC_CASE_LIST (self->case_list), case_id);
  fc_window_show_case (self, case_id);
}

static void
filter_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FcWindow *self = FC_WINDOW (widget);

  /* In the background: nothing here uses the rows, and the id query of a
   * big store is too long for the main loop (issue #4). */
  fc_case_list_show_filter (FC_CASE_LIST (self->case_list), g_variant_get_string (parameter, NULL));
}

/* ---- demo data ---- */

/* The seeder is fieldcase-cli's "demo" command: next to this program in a
 * build tree, on $PATH once installed, or where $FIELDCASE_CLI says. */
static char *
find_cli (void)
{
  const char *env = g_getenv ("FIELDCASE_CLI");
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = self_path != NULL ? g_path_get_dirname (self_path) : NULL;
  g_autofree char *sibling = dir != NULL ? g_build_filename (dir, "..", "fieldcase-cli", "fieldcase-cli", NULL) : NULL;

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (sibling != NULL && g_file_test (sibling, G_FILE_TEST_IS_EXECUTABLE))
    return g_steal_pointer (&sibling);
  return g_find_program_in_path ("fieldcase-cli");
}

static void
demo_done_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FcWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  g_clear_object (&self->demo);
  if (!g_subprocess_wait_check_finish (G_SUBPROCESS (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        fc_window_add_toast (self, _("The demo data could not be loaded"));
      g_warning ("demo: %s", error->message);
    }
  else
    {
      fc_case_list_set_filter (FC_CASE_LIST (self->case_list), "open");
      _fc_window_reload_list (self);
      fc_window_add_toast (self, _("Demo data loaded"));
    }
  if (!g_cancellable_is_cancelled (self->cancellable))
    _fc_window_update_actions (self);
}

static void
load_demo_action_cb (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  FcWindow *self = FC_WINDOW (widget);
  g_autofree char *cli = find_cli ();
  g_autoptr(GError) error = NULL;

  if (cli == NULL)
    {
      fc_window_add_toast (self, _("The demo data could not be loaded"));
      return;
    }
  self->demo = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error, cli, "--store",
                                 fc_store_get_path (self->store), "demo", NULL);
  if (self->demo == NULL)
    {
      g_warning ("demo: %s", error->message);
      fc_window_add_toast (self, _("The demo data could not be loaded"));
      return;
    }
  _fc_window_update_actions (self);
  g_subprocess_wait_check_async (self->demo, self->cancellable, demo_done_cb, g_object_ref (self));
}

void
_fc_window_class_init_actions (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.new-case", NULL, new_case_action_cb);
  gtk_widget_class_install_action (widget_class, "win.go-back", NULL, go_back_action_cb);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action_cb);
  gtk_widget_class_install_action (widget_class, "win.load-demo", NULL, load_demo_action_cb);
  gtk_widget_class_install_action (widget_class, "win.show-case", "s", show_case_action_cb);
  gtk_widget_class_install_action (widget_class, "win.filter", "s", filter_action_cb);
  _fc_window_class_init_scan (widget_class);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.new-case", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "win.go-back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1, GDK_ALT_MASK, "win.filter", "s", "today");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_2, GDK_ALT_MASK, "win.filter", "s", "open");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_3, GDK_ALT_MASK, "win.filter", "s", "at_risk");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_4, GDK_ALT_MASK, "win.filter", "s", "returns");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_5, GDK_ALT_MASK, "win.filter", "s", "all");
}
