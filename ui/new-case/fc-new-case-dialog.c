/* fc-new-case-dialog.c: the new-case form. */
#include "fc-new-case-dialog.h"

#include <glib/gi18n.h>

#include "fc-ui-format.h"

struct _FcNewCaseDialog {
  AdwWindow    parent_instance;

  FcStore     *store;      /* owned */
  GSettings   *settings;   /* owned */
  JsonObject  *unit;       /* owned, nullable: the serial's installed product */

  /* template children, borrowed */
  AdwComboRow *kind_row;
  AdwComboRow *channel_row;
  AdwComboRow *problem_type_row;
  AdwComboRow *severity_row;
  AdwEntryRow *serial_row;
  GtkWidget   *product_info_row;
  GtkLabel    *product_info;
  AdwEntryRow *customer_name_row;
  AdwEntryRow *customer_phone_row;
  AdwEntryRow *description_row;
  GtkWidget   *description_error_row;
  GtkLabel    *description_error;
};

enum { PROP_0, PROP_STORE, PROP_SETTINGS, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_CASE_CREATED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FcNewCaseDialog, fc_new_case_dialog, ADW_TYPE_WINDOW)

static char *
entry_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static char *
describe_unit (JsonObject *unit)
{
  gboolean in_warranty = json_object_get_boolean_member_with_default (unit, "in_warranty", FALSE);

  /* Translators: product name, owner, warranty state */
  return g_strdup_printf (_("%s — %s — %s"),
                          json_object_get_string_member_with_default (unit, "model_name", "?"),
                          json_object_get_string_member_with_default (unit, "customer_name", "?"),
                          in_warranty ? _("in warranty") : _("out of warranty"));
}

static void
lookup_serial (FcNewCaseDialog *self)
{
  g_autofree char *serial = entry_text (self->serial_row);
  g_autofree char *info = NULL;

  g_clear_pointer (&self->unit, json_object_unref);
  if (*serial != '\0')
    self->unit = fc_store_lookup_serial (self->store, serial, NULL);
  info = self->unit != NULL ? describe_unit (self->unit)
                            : g_strdup (_("Not in the installed base: enter the customer below."));
  gtk_label_set_text (self->product_info, info);
  gtk_widget_set_visible (self->product_info_row, *serial != '\0');
}

static void
serial_activated_cb (AdwEntryRow     *row,
                     FcNewCaseDialog *self)
{
  lookup_serial (self);
}

static void
lookup_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  lookup_serial (FC_NEW_CASE_DIALOG (widget));
}

static void
set_choice (JsonObject  *payload,
            const char  *member,
            FcUiVocab    vocab,
            AdwComboRow *row)
{
  const char *id = fc_ui_vocab_id (vocab, adw_combo_row_get_selected (row));

  if (id != NULL)
    json_object_set_string_member (payload, member, id);
}

/* The installed base knows the owner; otherwise the typed customer becomes
 * a record of its own (personal data never goes into the event). */
static void
set_customer (FcNewCaseDialog *self,
              JsonObject      *payload)
{
  g_autofree char *name = entry_text (self->customer_name_row);
  g_autofree char *phone = entry_text (self->customer_phone_row);
  const char *known = self->unit != NULL
    ? json_object_get_string_member_with_default (self->unit, "customer_id", NULL) : NULL;
  JsonObject *customer;

  if (*name == '\0' && known != NULL)
    {
      json_object_set_string_member (payload, "customer_id", known);
      return;
    }
  if (*name == '\0')
    return;
  customer = json_object_new ();
  json_object_set_string_member (customer, "name", name);
  if (*phone != '\0')
    json_object_set_string_member (customer, "phone", phone);
  json_object_set_object_member (payload, "customer", customer);
}

static JsonObject *
build_payload (FcNewCaseDialog *self,
               const char      *description)
{
  JsonObject *payload = json_object_new ();
  g_autofree char *serial = entry_text (self->serial_row);
  g_autofree char *engineer = g_settings_get_string (self->settings, "engineer-name");

  set_choice (payload, "kind", FC_UI_VOCAB_KIND, self->kind_row);
  set_choice (payload, "channel", FC_UI_VOCAB_CHANNEL, self->channel_row);
  set_choice (payload, "problem_type", FC_UI_VOCAB_PROBLEM_TYPE, self->problem_type_row);
  set_choice (payload, "severity", FC_UI_VOCAB_SEVERITY, self->severity_row);
  json_object_set_string_member (payload, "description", description);
  if (*serial != '\0')
    json_object_set_string_member (payload, "product_serial", serial);
  if (self->unit != NULL && json_object_has_member (self->unit, "model"))
    json_object_set_string_member (payload, "model", json_object_get_string_member (self->unit, "model"));
  if (*engineer != '\0')
    json_object_set_string_member (payload, "assignee", engineer);
  set_customer (self, payload);
  return payload;
}

static void
show_description_error (FcNewCaseDialog *self,
                        const char      *message)
{
  gtk_label_set_text (self->description_error, message != NULL ? message : "");
  gtk_widget_set_visible (self->description_error_row, message != NULL);
  if (message != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->description_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->description_row), "error");
}

static void
create_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FcNewCaseDialog *self = FC_NEW_CASE_DIALOG (widget);
  g_autofree char *description = entry_text (self->description_row);
  g_autofree char *serial = entry_text (self->serial_row);
  g_autoptr(JsonObject) payload = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *case_id = NULL;
  g_autofree char *engineer = g_settings_get_string (self->settings, "engineer-name");

  if (*description == '\0')
    {
      show_description_error (self, _("Write down the customer’s description"));
      return;
    }
  /* The serial typed may not have been looked up yet. */
  if (*serial != '\0' && self->unit == NULL)
    lookup_serial (self);
  payload = build_payload (self, description);
  case_id = fc_store_open_case (self->store, payload,
                                *engineer != '\0' ? engineer : g_get_real_name (), &error);
  if (case_id == NULL)
    {
      show_description_error (self, error->message);
      return;
    }
  show_description_error (self, NULL);
  g_signal_emit (self, signals[SIGNAL_CASE_CREATED], 0, case_id);
  gtk_window_close (GTK_WINDOW (self));
}

static void
fill_choices (FcNewCaseDialog *self)
{
  struct { AdwComboRow *row; FcUiVocab vocab; } choices[] = {
    { self->kind_row, FC_UI_VOCAB_KIND },
    { self->channel_row, FC_UI_VOCAB_CHANNEL },
    { self->problem_type_row, FC_UI_VOCAB_PROBLEM_TYPE },
    { self->severity_row, FC_UI_VOCAB_SEVERITY },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (choices); i++)
    {
      g_autoptr(GtkStringList) model = fc_ui_vocab_new_model (choices[i].vocab);
      adw_combo_row_set_model (choices[i].row, G_LIST_MODEL (model));
    }
}

static void
fc_new_case_dialog_dispose (GObject *object)
{
  FcNewCaseDialog *self = FC_NEW_CASE_DIALOG (object);

  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->unit, json_object_unref);
  G_OBJECT_CLASS (fc_new_case_dialog_parent_class)->dispose (object);
}

static void
fc_new_case_dialog_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  FcNewCaseDialog *self = FC_NEW_CASE_DIALOG (object);

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
fc_new_case_dialog_class_init (FcNewCaseDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_new_case_dialog_dispose;
  object_class->set_property = fc_new_case_dialog_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FC_TYPE_STORE,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The case was opened: its id. */
  signals[SIGNAL_CASE_CREATED] =
    g_signal_new ("case-created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fieldcase/Fieldcase/new-case/fc-new-case-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FcNewCaseDialog, kind_row);
  gtk_widget_class_bind_template_child (widget_class, FcNewCaseDialog, channel_row);
  gtk_widget_class_bind_template_child (widget_class, FcNewCaseDialog, problem_type_row);
  gtk_widget_class_bind_template_child (widget_class, FcNewCaseDialog, severity_row);
  gtk_widget_class_bind_template_child (widget_class, FcNewCaseDialog, serial_row);
  gtk_widget_class_bind_template_child (widget_class, FcNewCaseDialog, product_info_row);
  gtk_widget_class_bind_template_child (widget_class, FcNewCaseDialog, product_info);
  gtk_widget_class_bind_template_child (widget_class, FcNewCaseDialog, customer_name_row);
  gtk_widget_class_bind_template_child (widget_class, FcNewCaseDialog, customer_phone_row);
  gtk_widget_class_bind_template_child (widget_class, FcNewCaseDialog, description_row);
  gtk_widget_class_bind_template_child (widget_class, FcNewCaseDialog, description_error_row);
  gtk_widget_class_bind_template_child (widget_class, FcNewCaseDialog, description_error);
  gtk_widget_class_bind_template_callback (widget_class, serial_activated_cb);
  gtk_widget_class_install_action (widget_class, "new-case.create", NULL, create_action_cb);
  gtk_widget_class_install_action (widget_class, "new-case.lookup", NULL, lookup_action_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fc_new_case_dialog_init (FcNewCaseDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  fill_choices (self);
}

FcNewCaseDialog *
fc_new_case_dialog_new (FcStore   *store,
                        GSettings *settings,
                        GtkWindow *parent)
{
  g_return_val_if_fail (FC_IS_STORE (store), NULL);
  return g_object_new (FC_TYPE_NEW_CASE_DIALOG, "store", store, "settings", settings,
                       "transient-for", parent, NULL);
}

GtkWidget *
fc_new_case_dialog_get_field (FcNewCaseDialog *self,
                              const char      *field)
{
  struct { const char *name; gpointer widget; } fields[] = {
    { "kind", self->kind_row }, { "channel", self->channel_row },
    { "problem_type", self->problem_type_row }, { "severity", self->severity_row },
    { "serial", self->serial_row }, { "customer_name", self->customer_name_row },
    { "customer_phone", self->customer_phone_row }, { "description", self->description_row },
  };

  g_return_val_if_fail (FC_IS_NEW_CASE_DIALOG (self), NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (fields[i].name, field))
      return fields[i].widget;
  return NULL;
}

const char *
fc_new_case_dialog_get_description_error (FcNewCaseDialog *self)
{
  g_return_val_if_fail (FC_IS_NEW_CASE_DIALOG (self), NULL);
  return gtk_widget_get_visible (self->description_error_row)
    ? gtk_label_get_text (self->description_error) : NULL;
}

const char *
fc_new_case_dialog_get_product_info (FcNewCaseDialog *self)
{
  g_return_val_if_fail (FC_IS_NEW_CASE_DIALOG (self), NULL);
  return self->unit != NULL ? gtk_label_get_text (self->product_info) : NULL;
}

void
fc_new_case_dialog_set_serial (FcNewCaseDialog *self,
                               const char      *serial)
{
  g_return_if_fail (FC_IS_NEW_CASE_DIALOG (self));
  gtk_editable_set_text (GTK_EDITABLE (self->serial_row), serial != NULL ? serial : "");
  lookup_serial (self);
}
