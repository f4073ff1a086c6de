/* fc-application.c: app.* actions, style, notifications. */
#include "fc-application.h"

#include <glib/gi18n.h>

#include "fc-deadline-watch.h"
#include "fc-preferences-window.h"
#include "fc-window.h"

/* Deadlines move by minutes; a check a minute is plenty and cheap. */
#define WATCH_SECONDS 60

struct _FcApplication {
  AdwApplication   parent_instance;

  FcStore         *store;      /* owned */
  GSettings       *settings;   /* owned, from startup */
  FcDeadlineWatch *watch;      /* owned, from the first window */
  guint            first_check_id;
};

enum { PROP_0, PROP_STORE, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FcApplication, fc_application, ADW_TYPE_APPLICATION)

static GtkWindow *
active_window (FcApplication *self)
{
  return gtk_application_get_active_window (GTK_APPLICATION (self));
}

/* ---- actions ---- */

static void
quit_action_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (user_data)));

  /* Closing (not destroying) lets each window save its size. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static void
about_action_cb (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  static const char *developers[] = { "Fieldcase contributors", NULL };
  GtkWidget *about = adw_about_window_new ();

  adw_about_window_set_application_name (ADW_ABOUT_WINDOW (about), _("Fieldcase"));
  adw_about_window_set_application_icon (ADW_ABOUT_WINDOW (about), FC_APPLICATION_ID);
  adw_about_window_set_version (ADW_ABOUT_WINDOW (about), PACKAGE_VERSION);
  adw_about_window_set_comments (ADW_ABOUT_WINDOW (about),
                                 _("After-sales service cases, offline first"));
  adw_about_window_set_developers (ADW_ABOUT_WINDOW (about), developers);
  adw_about_window_set_license_type (ADW_ABOUT_WINDOW (about), GTK_LICENSE_GPL_3_0);
  /* Translators: put your names here, one per line */
  adw_about_window_set_translator_credits (ADW_ABOUT_WINDOW (about), _("translator-credits"));
  gtk_window_set_transient_for (GTK_WINDOW (about), active_window (user_data));
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  FcApplication *self = user_data;
  FcPreferencesWindow *prefs = fc_preferences_window_new (self->store, self->settings,
                                                          active_window (self));

  gtk_window_present (GTK_WINDOW (prefs));
}

static void
shortcuts_action_cb (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  GtkWindow *window = active_window (user_data);

  /* GtkApplication made win.show-help-overlay from gtk/help-overlay.ui. */
  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
}

static void
show_case_action_cb (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  GtkWindow *window = active_window (user_data);

  if (window == NULL)
    return;
  gtk_window_present (window);
  gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.show-case", parameter);
}

static void
sync_now_action_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  /* Enabled once a sync client is attached (sync/fc-sync-client.h). */
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action_cb, NULL, NULL, NULL, { 0 } },
  { "about", about_action_cb, NULL, NULL, NULL, { 0 } },
  { "preferences", preferences_action_cb, NULL, NULL, NULL, { 0 } },
  { "shortcuts", shortcuts_action_cb, NULL, NULL, NULL, { 0 } },
  { "show-case", show_case_action_cb, "s", NULL, NULL, { 0 } },
  { "sync-now", sync_now_action_cb, NULL, NULL, NULL, { 0 } },
};

static void
add_actions (FcApplication *self)
{
  static const char *const quit_accels[] = { "<Control>q", NULL };
  static const char *const prefs_accels[] = { "<Control>comma", NULL };
  static const char *const shortcuts_accels[] = { "<Control>question", NULL };

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "sync-now")),
                               FALSE);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.shortcuts", shortcuts_accels);
}

/* ---- style and notifications ---- */

static void
apply_color_scheme (FcApplication *self)
{
  g_autofree char *scheme = g_settings_get_string (self->settings, "color-scheme");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      fc_color_scheme_from_string (scheme));
}

static void
color_scheme_changed_cb (GSettings     *settings,
                         const char    *key,
                         FcApplication *self)
{
  apply_color_scheme (self);
}

static void
case_entered_cb (FcDeadlineWatch *watch,
                 const char      *case_id,
                 const char      *number,
                 int              state,
                 FcApplication   *self)
{
  g_autoptr(GNotification) note = NULL;
  g_autofree char *title = NULL;

  title = state == FC_DEADLINE_OVERDUE
    ? g_strdup_printf (_("Case %s is overdue"), number)
    : g_strdup_printf (_("Case %s is nearing its deadline"), number);
  note = g_notification_new (title);
  g_notification_set_body (note, state == FC_DEADLINE_OVERDUE
                                 ? _("Its deadline has passed: supervision follows it up.")
                                 : _("Early warning: act before the deadline passes."));
  g_notification_set_priority (note, state == FC_DEADLINE_OVERDUE ? G_NOTIFICATION_PRIORITY_HIGH
                                                                  : G_NOTIFICATION_PRIORITY_NORMAL);
  g_notification_set_default_action_and_target (note, "app.show-case", "s", case_id);
  g_application_send_notification (G_APPLICATION (self), case_id, note);
}

static gboolean
first_check_cb (gpointer user_data)
{
  FcApplication *self = user_data;

  self->first_check_id = 0;
  fc_deadline_watch_check (self->watch);
  fc_deadline_watch_start (self->watch, WATCH_SECONDS);
  return G_SOURCE_REMOVE;
}

static void
start_watch (FcApplication *self)
{
  if (self->watch != NULL)
    return;
  self->watch = fc_deadline_watch_new (self->store);
  g_signal_connect (self->watch, "case-entered", G_CALLBACK (case_entered_cb), self);
  /* Not at start-up: the first window and its list come first. */
  self->first_check_id = g_timeout_add_seconds (5, first_check_cb, self);
}

/* ---- GApplication ---- */

static void
fc_application_startup (GApplication *app)
{
  FcApplication *self = FC_APPLICATION (app);

  G_APPLICATION_CLASS (fc_application_parent_class)->startup (app);
  self->settings = g_settings_new (FC_APPLICATION_ID);
  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (color_scheme_changed_cb), self, 0);
  apply_color_scheme (self);
  add_actions (self);
}

static void
fc_application_activate (GApplication *app)
{
  FcApplication *self = FC_APPLICATION (app);
  GtkWindow *window = active_window (self);

  if (window == NULL)
    window = GTK_WINDOW (fc_window_new (ADW_APPLICATION (self), self->store, self->settings));
  gtk_window_present (window);
  start_watch (self);
}

static void
fc_application_dispose (GObject *object)
{
  FcApplication *self = FC_APPLICATION (object);

  g_clear_handle_id (&self->first_check_id, g_source_remove);
  g_clear_object (&self->watch);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (fc_application_parent_class)->dispose (object);
}

static void
fc_application_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FcApplication *self = FC_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fc_application_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FcApplication *self = FC_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fc_application_class_init (FcApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = fc_application_dispose;
  object_class->get_property = fc_application_get_property;
  object_class->set_property = fc_application_set_property;
  app_class->startup = fc_application_startup;
  app_class->activate = fc_application_activate;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FC_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fc_application_init (FcApplication *self)
{
}

FcApplication *
fc_application_new (FcStore *store)
{
  g_return_val_if_fail (FC_IS_STORE (store), NULL);
  /* Non-unique: each --store is its own world, and a second start must not
   * hand its store over to the first process. */
  return g_object_new (FC_TYPE_APPLICATION, "application-id", FC_APPLICATION_ID,
                       "flags", G_APPLICATION_NON_UNIQUE, "store", store, NULL);
}

FcStore *
fc_application_get_store (FcApplication *self)
{
  g_return_val_if_fail (FC_IS_APPLICATION (self), NULL);
  return self->store;
}

GSettings *
fc_application_get_settings (FcApplication *self)
{
  g_return_val_if_fail (FC_IS_APPLICATION (self), NULL);
  return self->settings;
}
