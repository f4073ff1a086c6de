/* fc-application.c: app.* actions, style, notifications, and the store's
 * one sync client (created at startup, its scheduler running while the
 * store is enrolled). */
#include "fc-application.h"

#include <glib/gi18n.h>
#include <string.h>

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
  FcSyncClient    *sync_client; /* owned, from startup */
  guint            first_check_id;
};

enum { PROP_0, PROP_STORE, PROP_SYNC_CLIENT, N_PROPS };
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

static FcPreferencesWindow *
present_preferences (FcApplication *self)
{
  FcPreferencesWindow *prefs = fc_preferences_window_new (self->store, self->settings, self,
                                                          active_window (self));

  gtk_window_present (GTK_WINDOW (prefs));
  return prefs;
}

static void
preferences_action_cb (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  present_preferences (user_data);
}

/* Preferences on the headquarters group, the Enrol button focused: where
 * the indicator's "Enrol…" and a scanned enrolment QR lead. */
static void
enrol_action_cb (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  fc_preferences_window_focus_enrol (present_preferences (user_data));
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
sync_now_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* The indicator shows the outcome from the client's properties; a
   * failure is only worth a debug line here. */
  if (!fc_sync_client_sync_finish (FC_SYNC_CLIENT (source), result, &error))
    g_debug ("sync now: %s", error->message);
}

static void
sync_now_action_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  FcApplication *self = user_data;

  if (self->sync_client == NULL || !fc_sync_client_is_enrolled (self->sync_client))
    return;
  fc_sync_client_sync_async (self->sync_client, NULL, sync_now_done_cb, NULL);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action_cb, NULL, NULL, NULL, { 0 } },
  { "about", about_action_cb, NULL, NULL, NULL, { 0 } },
  { "preferences", preferences_action_cb, NULL, NULL, NULL, { 0 } },
  { "shortcuts", shortcuts_action_cb, NULL, NULL, NULL, { 0 } },
  { "show-case", show_case_action_cb, "s", NULL, NULL, { 0 } },
  { "sync-now", sync_now_action_cb, NULL, NULL, NULL, { 0 } },
  { "enrol", enrol_action_cb, NULL, NULL, NULL, { 0 } },
};

static void
add_actions (FcApplication *self)
{
  static const char *const quit_accels[] = { "<Control>q", NULL };
  static const char *const prefs_accels[] = { "<Control>comma", NULL };
  static const char *const shortcuts_accels[] = { "<Control>question", NULL };
  static const char *const sync_accels[] = { "<Control>r", NULL };

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "sync-now")),
                               FALSE);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", prefs_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.shortcuts", shortcuts_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.sync-now", sync_accels);
}

/* ---- sync ---- */

static void
update_sync_action (FcApplication *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "sync-now");

  /* Syncing needs a token: before enrolment the button says nothing useful. */
  if (action != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                                 self->sync_client != NULL &&
                                 fc_sync_client_is_enrolled (self->sync_client));
}

static void
sync_state_cb (FcSyncClient  *client,
               GParamSpec    *pspec,
               FcApplication *self)
{
  update_sync_action (self);
}

static void
set_sync_client (FcApplication *self,
                 FcSyncClient  *client)
{
  if (self->sync_client == client)
    return;
  if (self->sync_client != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->sync_client, sync_state_cb, self);
      fc_sync_client_stop (self->sync_client);
    }
  g_set_object (&self->sync_client, client);
  if (client != NULL)
    {
      g_signal_connect_object (client, "notify::state", G_CALLBACK (sync_state_cb), self, 0);
      if (fc_sync_client_is_enrolled (client))
        fc_sync_client_start (client);
    }
  update_sync_action (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_CLIENT]);
}

/* The enrolled server, else the one typed in Preferences (not enrolled
 * yet: the client then only waits for an enrolment). */
static FcSyncClient *
new_sync_client (FcApplication *self)
{
  g_autofree char *enrolled = fc_store_get_meta (self->store, "sync.url");
  g_autofree char *typed = g_settings_get_string (self->settings, "server-url");
  const char *url = enrolled != NULL && *enrolled != '\0' ? enrolled
                  : typed != NULL && *typed != '\0' ? typed : NULL;

  return fc_sync_client_new (self->store, url);
}

static gboolean
same_url (const char *a,
          const char *b)
{
  gsize la = a != NULL ? strlen (a) : 0;
  gsize lb = b != NULL ? strlen (b) : 0;

  /* The client drops trailing slashes from its address. */
  while (la > 0 && a[la - 1] == '/')
    la--;
  while (lb > 0 && b[lb - 1] == '/')
    lb--;
  return la == lb && (la == 0 || strncmp (a, b, la) == 0);
}

static void
enrol_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcApplication *self = g_task_get_source_object (task);
  FcSyncClient *client = FC_SYNC_CLIENT (source);
  GError *error = NULL;

  if (!fc_sync_client_enrol_finish (client, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (client == self->sync_client)
    {
      fc_sync_client_start (client);
      update_sync_action (self);
    }
  else
    set_sync_client (self, client);   /* another server: this client is now the one */
  g_task_return_boolean (task, TRUE);
}

void
fc_application_enrol_async (FcApplication       *self,
                            const char          *server_url,
                            const char          *code,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(FcSyncClient) client = NULL;

  g_return_if_fail (FC_IS_APPLICATION (self));
  g_return_if_fail (code != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_application_enrol_async);
  if (server_url == NULL ||
      !(g_str_has_prefix (server_url, "https://") || g_str_has_prefix (server_url, "http://")) ||
      strchr (server_url, ' ') != NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "The server address must start with https:// or http://");
      return;
    }
  /* The client's address is fixed at construction: enrolling with another
   * server needs its own client, which replaces ours only on success (a
   * refused code leaves everything as it was). */
  if (self->sync_client != NULL && same_url (fc_sync_client_get_base_url (self->sync_client), server_url))
    client = g_object_ref (self->sync_client);
  else
    client = fc_sync_client_new (self->store, server_url);
  fc_sync_client_enrol_async (client, code, NULL, cancellable, enrol_done_cb, g_steal_pointer (&task));
}

gboolean
fc_application_enrol_finish (FcApplication  *self,
                             GAsyncResult   *result,
                             GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
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
  {
    g_autoptr(FcSyncClient) client = new_sync_client (self);
    set_sync_client (self, client);
  }
}

static void
fc_application_shutdown (GApplication *app)
{
  FcApplication *self = FC_APPLICATION (app);

  /* Nothing half-sent is lost (the store is consistent after any cycle);
   * stopping just plans nothing more. */
  if (self->sync_client != NULL)
    fc_sync_client_stop (self->sync_client);
  G_APPLICATION_CLASS (fc_application_parent_class)->shutdown (app);
}

static void
fc_application_activate (GApplication *app)
{
  FcApplication *self = FC_APPLICATION (app);
  GtkWindow *window = active_window (self);

  if (window == NULL)
    {
      window = GTK_WINDOW (fc_window_new (ADW_APPLICATION (self), self->store, self->settings));
      /* Each window's indicator follows the client, even a replaced one. */
      g_object_bind_property (self, "sync-client", window, "sync-client", G_BINDING_SYNC_CREATE);
    }
  gtk_window_present (window);
  start_watch (self);
}

static void
fc_application_dispose (GObject *object)
{
  FcApplication *self = FC_APPLICATION (object);

  g_clear_handle_id (&self->first_check_id, g_source_remove);
  g_clear_object (&self->watch);
  if (self->sync_client != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->sync_client, sync_state_cb, self);
      fc_sync_client_stop (self->sync_client);
      g_clear_object (&self->sync_client);
    }
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
    case PROP_SYNC_CLIENT:
      g_value_set_object (value, self->sync_client);
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
  app_class->shutdown = fc_application_shutdown;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FC_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SYNC_CLIENT] =
    g_param_spec_object ("sync-client", NULL, NULL, FC_TYPE_SYNC_CLIENT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
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

FcSyncClient *
fc_application_get_sync_client (FcApplication *self)
{
  g_return_val_if_fail (FC_IS_APPLICATION (self), NULL);
  return self->sync_client;
}
