/* fc-preferences-window.c: settings bound to GSettings; the PIN to the
 * store; enrolment with HQ through the application, which owns the sync
 * client. */
#include "fc-preferences-window.h"

#include <glib/gi18n.h>

#include "fc-supervisor-pin.h"

struct _FcPreferencesWindow {
  AdwPreferencesWindow parent_instance;

  FcStore       *store;      /* owned */
  GSettings     *settings;   /* owned */
  FcApplication *app;        /* owned, nullable: without it, no enrolment */
  gboolean       enrolling;
  gboolean       disposed;   /* an enrolment outlives the window: see enrol_done_cb */

  /* template children, borrowed */
  AdwEntryRow *engineer_row;
  AdwEntryRow *server_row;
  AdwEntryRow *enrolment_row;
  AdwEntryRow *pin_row;
  AdwComboRow *style_row;
  GtkLabel    *enrol_status;
  GtkSpinner  *enrol_spinner;
  GtkWidget   *enrol_button;
};

enum { PROP_0, PROP_STORE, PROP_SETTINGS, PROP_APP, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FcPreferencesWindow, fc_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static const char *const schemes[] = { "default", "light", "dark" };

AdwColorScheme
fc_color_scheme_from_string (const char *text)
{
  if (g_strcmp0 (text, "light") == 0)
    return ADW_COLOR_SCHEME_FORCE_LIGHT;
  if (g_strcmp0 (text, "dark") == 0)
    return ADW_COLOR_SCHEME_FORCE_DARK;
  return ADW_COLOR_SCHEME_DEFAULT;
}

static void
pin_apply_cb (AdwEntryRow         *row,
              FcPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  const char *pin = gtk_editable_get_text (GTK_EDITABLE (row));

  if (!fc_supervisor_pin_set (self->store, pin, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (error->message));
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  gtk_editable_set_text (GTK_EDITABLE (row), "");
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (_("Supervisor PIN saved")));
}

static void
style_selected_cb (AdwComboRow         *row,
                   GParamSpec          *pspec,
                   FcPreferencesWindow *self)
{
  guint pos = adw_combo_row_get_selected (row);

  if (self->settings != NULL && pos < G_N_ELEMENTS (schemes))
    g_settings_set_string (self->settings, "color-scheme", schemes[pos]);
}

/* ---- enrolment ---- */

typedef enum { STATUS_NONE, STATUS_INFO, STATUS_SUCCESS, STATUS_ERROR } StatusKind;

static void
show_status (FcPreferencesWindow *self,
             StatusKind           kind,
             const char          *text)
{
  GtkWidget *label = GTK_WIDGET (self->enrol_status);

  gtk_widget_remove_css_class (label, "error");
  gtk_widget_remove_css_class (label, "success");
  gtk_widget_remove_css_class (label, "dim-label");
  if (kind == STATUS_ERROR)
    gtk_widget_add_css_class (label, "error");
  else if (kind == STATUS_SUCCESS)
    gtk_widget_add_css_class (label, "success");
  else if (kind == STATUS_INFO)
    gtk_widget_add_css_class (label, "dim-label");
  gtk_label_set_text (self->enrol_status, text != NULL ? text : "");
  gtk_widget_set_visible (label, kind != STATUS_NONE && text != NULL);
}

static char *
dup_stripped (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static void
update_enrol_action (FcPreferencesWindow *self)
{
  g_autofree char *url = dup_stripped (self->server_row);
  g_autofree char *code = dup_stripped (self->enrolment_row);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prefs.enrol",
                                 self->app != NULL && !self->enrolling && *url != '\0' && *code != '\0');
}

/* What the device is enrolled with now, from the store (nothing if not). */
static void
show_enrolment (FcPreferencesWindow *self)
{
  g_autofree char *token = fc_store_get_meta (self->store, "sync.token");
  g_autofree char *url = fc_store_get_meta (self->store, "sync.url");
  g_autofree char *outlet = fc_store_get_meta (self->store, "sync.outlet");
  g_autofree char *text = NULL;

  if (token == NULL || *token == '\0' || url == NULL)
    {
      show_status (self, STATUS_NONE, NULL);
      return;
    }
  /* Translators: %s is the server address, then the service outlet's code */
  text = g_strdup_printf (_("Enrolled with %s for service outlet %s."), url,
                          outlet != NULL && *outlet != '\0' ? outlet : "—");
  show_status (self, STATUS_INFO, text);
}

/* The client's errors are codes plus technical English: say what to do. */
static const char *
enrol_error_message (const GError *error,
                     GtkWidget   **out_row,
                     FcPreferencesWindow *self)
{
  *out_row = GTK_WIDGET (self->server_row);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT))
    return _("The server address must start with https:// or http://.");
  if (error->domain == FC_SYNC_ERROR)
    switch ((FcSyncError) error->code)
      {
      case FC_SYNC_ERROR_REJECTED:
      case FC_SYNC_ERROR_AUTH:
      case FC_SYNC_ERROR_REVOKED:
        *out_row = GTK_WIDGET (self->enrolment_row);
        return _("Headquarters refused this code: it is unknown, already used or expired. Ask headquarters for a new one.");
      case FC_SYNC_ERROR_OFFLINE:
      case FC_SYNC_ERROR_TIMEOUT:
        return _("Headquarters could not be reached. Check the server address and the network, then try again.");
      case FC_SYNC_ERROR_RATE_LIMITED:
        *out_row = NULL;
        return _("Too many attempts. Wait a minute, then try again.");
      case FC_SYNC_ERROR_STORAGE:
        *out_row = NULL;
        return _("This device could not save the enrolment. Free some space, then try again.");
      case FC_SYNC_ERROR_SERVER:
      case FC_SYNC_ERROR_PROTOCOL:
      default:
        return _("The server did not answer as headquarters does. Check the server address.");
      }
  *out_row = NULL;
  return _("Enrolment failed. Try again.");
}

static void
set_enrolling (FcPreferencesWindow *self,
               gboolean             enrolling)
{
  self->enrolling = enrolling;
  gtk_spinner_set_spinning (self->enrol_spinner, enrolling);
  gtk_widget_set_visible (GTK_WIDGET (self->enrol_spinner), enrolling);
  update_enrol_action (self);
}

static void
enrol_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(FcPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  GtkWidget *row = NULL;

  /* Not cancelled when the window closes: HQ may already have spent the
   * one-time code, and only finishing keeps the token it answers with. */
  if (!fc_application_enrol_finish (FC_APPLICATION (source), result, &error))
    {
      if (self->disposed)
        return;
      set_enrolling (self, FALSE);
      g_debug ("enrolment: %s", error->message);
      show_status (self, STATUS_ERROR, enrol_error_message (error, &row, self));
      if (row != NULL)
        gtk_widget_add_css_class (row, "error");
      return;
    }
  /* A used code is worth nothing: forget it. */
  g_settings_set_string (self->settings, "enrolment-code", "");
  if (self->disposed)
    return;
  set_enrolling (self, FALSE);
  show_status (self, STATUS_SUCCESS, _("Enrolled. This device now syncs with headquarters."));
}

static void
enrol_action_cb (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  FcPreferencesWindow *self = FC_PREFERENCES_WINDOW (widget);
  g_autofree char *url = dup_stripped (self->server_row);
  g_autofree char *code = dup_stripped (self->enrolment_row);

  if (self->app == NULL || self->enrolling || *url == '\0' || *code == '\0')
    return;
  gtk_widget_remove_css_class (GTK_WIDGET (self->server_row), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->enrolment_row), "error");
  show_status (self, STATUS_INFO, _("Enrolling with headquarters…"));
  set_enrolling (self, TRUE);
  fc_application_enrol_async (self->app, url, code, NULL, enrol_done_cb, g_object_ref (self));
}

static void
enrolment_activated_cb (AdwEntryRow         *row,
                        FcPreferencesWindow *self)
{
  /* Enter in the code field enrols, like the button. */
  gtk_widget_activate_action (GTK_WIDGET (self), "prefs.enrol", NULL);
}

static void
enrol_field_changed_cb (GObject             *row,
                        GParamSpec          *pspec,
                        FcPreferencesWindow *self)
{
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  update_enrol_action (self);
}

static void
bind_settings (FcPreferencesWindow *self)
{
  g_autofree char *scheme = g_settings_get_string (self->settings, "color-scheme");

  g_settings_bind (self->settings, "engineer-name", self->engineer_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "server-url", self->server_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "enrolment-code", self->enrolment_row, "text", G_SETTINGS_BIND_DEFAULT);
  for (guint i = 0; i < G_N_ELEMENTS (schemes); i++)
    if (g_str_equal (scheme, schemes[i]))
      adw_combo_row_set_selected (self->style_row, i);
}

static void
fc_preferences_window_constructed (GObject *object)
{
  FcPreferencesWindow *self = FC_PREFERENCES_WINDOW (object);

  G_OBJECT_CLASS (fc_preferences_window_parent_class)->constructed (object);
  bind_settings (self);
  g_signal_connect_object (self->server_row, "notify::text", G_CALLBACK (enrol_field_changed_cb), self, 0);
  g_signal_connect_object (self->enrolment_row, "notify::text", G_CALLBACK (enrol_field_changed_cb), self, 0);
  update_enrol_action (self);
  show_enrolment (self);
}

static void
fc_preferences_window_dispose (GObject *object)
{
  FcPreferencesWindow *self = FC_PREFERENCES_WINDOW (object);

  self->disposed = TRUE;
  g_clear_object (&self->app);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (fc_preferences_window_parent_class)->dispose (object);
}

static void
fc_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  FcPreferencesWindow *self = FC_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    case PROP_APP:
      self->app = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fc_preferences_window_class_init (FcPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = fc_preferences_window_constructed;
  object_class->dispose = fc_preferences_window_dispose;
  object_class->set_property = fc_preferences_window_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FC_TYPE_STORE,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_APP] =
    g_param_spec_object ("app", NULL, NULL, FC_TYPE_APPLICATION,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fieldcase/Fieldcase/preferences/fc-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FcPreferencesWindow, engineer_row);
  gtk_widget_class_bind_template_child (widget_class, FcPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, FcPreferencesWindow, enrolment_row);
  gtk_widget_class_bind_template_child (widget_class, FcPreferencesWindow, pin_row);
  gtk_widget_class_bind_template_child (widget_class, FcPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, FcPreferencesWindow, enrol_status);
  gtk_widget_class_bind_template_child (widget_class, FcPreferencesWindow, enrol_spinner);
  gtk_widget_class_bind_template_child (widget_class, FcPreferencesWindow, enrol_button);
  gtk_widget_class_bind_template_callback (widget_class, enrolment_activated_cb);
  gtk_widget_class_install_action (widget_class, "prefs.enrol", NULL, enrol_action_cb);
  gtk_widget_class_bind_template_callback (widget_class, pin_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, style_selected_cb);
}

static void
fc_preferences_window_init (FcPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

FcPreferencesWindow *
fc_preferences_window_new (FcStore       *store,
                           GSettings     *settings,
                           FcApplication *app,
                           GtkWindow     *parent)
{
  return g_object_new (FC_TYPE_PREFERENCES_WINDOW, "store", store, "settings", settings,
                       "app", app, "transient-for", parent, NULL);
}

void
fc_preferences_window_focus_enrol (FcPreferencesWindow *self)
{
  g_return_if_fail (FC_IS_PREFERENCES_WINDOW (self));
  /* From a scanned QR the fields are filled: one press on Enrol remains. */
  gtk_widget_grab_focus (gtk_widget_get_sensitive (self->enrol_button)
                         ? self->enrol_button : GTK_WIDGET (self->server_row));
}

GtkLabel *
fc_preferences_window_get_enrol_status (FcPreferencesWindow *self)
{
  g_return_val_if_fail (FC_IS_PREFERENCES_WINDOW (self), NULL);
  return self->enrol_status;
}
