/* fc-preferences-window.c: settings bound to GSettings; the PIN to the store. */
#include "fc-preferences-window.h"

#include <glib/gi18n.h>

#include "fc-supervisor-pin.h"

struct _FcPreferencesWindow {
  AdwPreferencesWindow parent_instance;

  FcStore     *store;      /* owned */
  GSettings   *settings;   /* owned */

  /* template children, borrowed */
  AdwEntryRow *engineer_row;
  AdwEntryRow *server_row;
  AdwEntryRow *enrolment_row;
  AdwEntryRow *pin_row;
  AdwComboRow *style_row;
};

enum { PROP_0, PROP_STORE, PROP_SETTINGS, N_PROPS };
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
}

static void
fc_preferences_window_dispose (GObject *object)
{
  FcPreferencesWindow *self = FC_PREFERENCES_WINDOW (object);

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
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fieldcase/Fieldcase/preferences/fc-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FcPreferencesWindow, engineer_row);
  gtk_widget_class_bind_template_child (widget_class, FcPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, FcPreferencesWindow, enrolment_row);
  gtk_widget_class_bind_template_child (widget_class, FcPreferencesWindow, pin_row);
  gtk_widget_class_bind_template_child (widget_class, FcPreferencesWindow, style_row);
  gtk_widget_class_bind_template_callback (widget_class, pin_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, style_selected_cb);
}

static void
fc_preferences_window_init (FcPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

FcPreferencesWindow *
fc_preferences_window_new (FcStore   *store,
                           GSettings *settings,
                           GtkWindow *parent)
{
  return g_object_new (FC_TYPE_PREFERENCES_WINDOW, "store", store, "settings", settings,
                       "transient-for", parent, NULL);
}
