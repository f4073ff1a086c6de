/* fc-product-card.c: one unit — model, customer, warranty, past cases. */
#include "fc-product-card.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "fc-ui-actionables.h"

struct _FcProductCard {
  GtkWidget      parent_instance;

  FcStore       *store;      /* owned */
  char          *serial;
  gboolean       known;
  GListStore    *cases;      /* of FcCase */

  GtkLabel      *title_label;
  GtkLabel      *serial_label;
  GtkWidget     *details_group;
  AdwActionRow  *customer_row;
  AdwActionRow  *warranty_row;
  GtkLabel      *warranty_badge;
  AdwActionRow  *sold_row;
  GtkStack      *cases_stack;
  GtkListView   *cases_view;
};

G_DEFINE_FINAL_TYPE (FcProductCard, fc_product_card, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_STORE, PROP_SERIAL, N_PROPS };
enum { SIGNAL_NEW_CASE_REQUESTED, SIGNAL_CASE_ACTIVATED, N_SIGNALS };

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The workflow's states in the words the engineer uses. */
static const char *
state_label (FcCaseState state)
{
  switch (state)
    {
    case FC_CASE_STATE_OPENED: return _("Opened");
    case FC_CASE_STATE_RESPONDED: return _("Responded");
    case FC_CASE_STATE_DIAGNOSING: return _("Diagnosing");
    case FC_CASE_STATE_REPRODUCED: return _("Reproduced");
    case FC_CASE_STATE_PLAN_PROPOSED: return _("Plan proposed");
    case FC_CASE_STATE_PLAN_APPROVED: return _("Plan approved");
    case FC_CASE_STATE_PLAN_REJECTED: return _("Plan rejected");
    case FC_CASE_STATE_CUSTOMER_AGREED: return _("Customer agreed");
    case FC_CASE_STATE_IN_REPAIR: return _("In repair");
    case FC_CASE_STATE_RESOLVED: return _("Resolved");
    case FC_CASE_STATE_REVISIT_SCHEDULED: return _("Follow-up scheduled");
    case FC_CASE_STATE_REVISITED: return _("Followed up");
    case FC_CASE_STATE_REOPENED: return _("Reopened");
    case FC_CASE_STATE_CLOSED: return _("Closed");
    case FC_CASE_STATE_CANCELLED: return _("Cancelled");
    case FC_CASE_STATE_NONE:
    case FC_CASE_N_STATES:
    default: return "";
    }
}

static const char *
kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "repair") == 0) return _("Repair");
  if (g_strcmp0 (kind, "complaint") == 0) return _("Complaint");
  if (g_strcmp0 (kind, "return") == 0) return _("Return");
  if (g_strcmp0 (kind, "inquiry") == 0) return _("Inquiry");
  if (g_strcmp0 (kind, "suggestion") == 0) return _("Suggestion");
  return "";
}

static const char *
member_text (JsonObject *obj,
             const char *name)
{
  if (obj == NULL || !json_object_has_member (obj, name) ||
      json_object_get_null_member (obj, name))
    return NULL;
  return json_object_get_string_member (obj, name);
}

/* ---- the past cases list ---- */

static void
setup_case_row_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   gpointer                  data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *sub = gtk_label_new (NULL);
  GtkWidget *state = gtk_label_new (NULL);

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (sub), 0);
  gtk_widget_add_css_class (sub, "dim-label");
  gtk_widget_add_css_class (sub, "caption");
  gtk_widget_set_hexpand (text, TRUE);
  gtk_widget_set_valign (state, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (text), title);
  gtk_box_append (GTK_BOX (text), sub);
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), state);
  gtk_list_item_set_child (item, box);
}

static void
bind_case_row_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  gpointer                  data)
{
  FcCase *c = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *text = gtk_widget_get_first_child (box);
  GtkWidget *title = gtk_widget_get_first_child (text);
  GtkWidget *state = gtk_widget_get_last_child (box);
  g_autofree char *sub = g_strdup_printf ("%s · %s", fc_case_get_number (c),
                                          kind_label (fc_case_get_fold (c)->kind));

  gtk_label_set_text (GTK_LABEL (title), fc_case_get_title (c) != NULL ? fc_case_get_title (c) : "");
  gtk_label_set_text (GTK_LABEL (gtk_widget_get_last_child (text)), sub);
  gtk_label_set_text (GTK_LABEL (state), state_label (fc_case_get_state (c)));
  if (fc_case_state_is_open (fc_case_get_state (c)))
    gtk_widget_add_css_class (state, "accent");
  else
    gtk_widget_remove_css_class (state, "accent");
}

static void
case_activated_cb (GtkListView   *view,
                   guint          position,
                   FcProductCard *self)
{
  g_autoptr(FcCase) c = g_list_model_get_item (G_LIST_MODEL (self->cases), position);

  /* The main window decides how to show a case (win.open-case if it has
   * it); the card only says which. */
  if (!gtk_widget_activate_action (GTK_WIDGET (self), "win.open-case", "s", fc_case_get_id (c)))
    g_signal_emit (self, signals[SIGNAL_CASE_ACTIVATED], 0, fc_case_get_id (c));
}

/* ---- filling in ---- */

static void
show_warranty (FcProductCard *self,
               JsonObject    *unit)
{
  const char *end = member_text (unit, "warranty_end");
  gboolean in = json_object_get_boolean_member_with_default (unit, "in_warranty", FALSE);
  g_autofree char *text = NULL;

  if (end == NULL)
    text = g_strdup (_("Warranty end unknown"));
  else if (in)
    text = g_strdup_printf (_("Until %s"), end);
  else
    text = g_strdup_printf (_("Ended %s"), end);
  adw_action_row_set_subtitle (self->warranty_row, text);
  gtk_label_set_text (self->warranty_badge, in ? _("In warranty") : _("Out of warranty"));
  gtk_widget_remove_css_class (GTK_WIDGET (self->warranty_badge), in ? "error" : "success");
  gtk_widget_add_css_class (GTK_WIDGET (self->warranty_badge), in ? "success" : "error");
}

static void
show_unit (FcProductCard *self,
           JsonObject    *unit)
{
  const char *model_name = member_text (unit, "model_name");
  const char *model = member_text (unit, "model");
  const char *customer = member_text (unit, "customer_name");
  const char *sold = member_text (unit, "sale_date");
  g_autofree char *serial_line = g_strdup_printf (_("Serial number %s, model %s"), self->serial,
                                                  model != NULL ? model : "—");

  gtk_label_set_text (self->title_label, model_name != NULL ? model_name
                                         : model != NULL ? model : _("Unnamed model"));
  gtk_label_set_text (self->serial_label, serial_line);
  adw_action_row_set_subtitle (self->customer_row, customer != NULL ? customer : _("Unknown"));
  adw_action_row_set_subtitle (self->sold_row, sold != NULL ? sold : _("Unknown"));
  show_warranty (self, unit);
  gtk_widget_set_visible (self->details_group, TRUE);
}

static void
show_unknown (FcProductCard *self)
{
  g_autofree char *serial_line = g_strdup_printf (_("Serial number %s"), self->serial);

  gtk_label_set_text (self->title_label, _("Not in the Installed Base"));
  gtk_label_set_text (self->serial_label, serial_line);
  gtk_widget_set_visible (self->details_group, FALSE);
}

static void
load_cases (FcProductCard *self)
{
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GError) error = NULL;

  g_list_store_remove_all (self->cases);
  if (self->serial != NULL)
    cases = fc_store_cases_for_serial (self->store, self->serial, &error);
  if (error != NULL)
    g_warning ("Could not read the unit's cases: %s", error->message);
  if (cases != NULL)
    g_list_store_splice (self->cases, 0, 0, cases->pdata, cases->len);
  gtk_stack_set_visible_child_name (self->cases_stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->cases)) > 0
                                    ? "list" : "empty");
}

static JsonObject *
lookup_unit (FcStore    *store,
             const char *code)
{
  JsonObject *unit = fc_store_lookup_serial (store, code, NULL);

  return unit != NULL ? unit : fc_store_lookup_gtin (store, code, NULL);
}

void
fc_product_card_set_serial (FcProductCard *self,
                            const char    *serial_or_gtin)
{
  g_autoptr(JsonObject) unit = NULL;

  g_return_if_fail (FC_IS_PRODUCT_CARD (self));

  unit = serial_or_gtin != NULL ? lookup_unit (self->store, serial_or_gtin) : NULL;
  g_free (self->serial);
  self->serial = g_strdup (unit != NULL ? member_text (unit, "serial") : serial_or_gtin);
  self->known = unit != NULL;
  if (unit != NULL)
    show_unit (self, unit);
  else
    show_unknown (self);
  load_cases (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERIAL]);
}

const char *
fc_product_card_get_serial (FcProductCard *self)
{
  g_return_val_if_fail (FC_IS_PRODUCT_CARD (self), NULL);
  return self->serial;
}

gboolean
fc_product_card_get_known (FcProductCard *self)
{
  g_return_val_if_fail (FC_IS_PRODUCT_CARD (self), FALSE);
  return self->known;
}

GListModel *
fc_product_card_get_cases (FcProductCard *self)
{
  g_return_val_if_fail (FC_IS_PRODUCT_CARD (self), NULL);
  return G_LIST_MODEL (self->cases);
}

static void
new_case_activated (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FcProductCard *self = FC_PRODUCT_CARD (widget);

  if (self->serial == NULL)
    {
      gtk_widget_error_bell (widget);
      return;
    }
  /* win.new-case belongs to the main window; without it (a test, another
   * window) whoever holds the card hears the signal. */
  if (!gtk_widget_activate_action (widget, "win.new-case", "s", self->serial))
    g_signal_emit (self, signals[SIGNAL_NEW_CASE_REQUESTED], 0, self->serial);
}

static void
fc_product_card_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (fc_product_card_parent_class)->root (widget);
  /* GTK 4.8 leaves class-action buttons insensitive after a re-root. */
  fc_ui_renew_actionables (widget);
}

/* ---- GObject ---- */

static void
fc_product_card_dispose (GObject *object)
{
  FcProductCard *self = FC_PRODUCT_CARD (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_PRODUCT_CARD);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->cases);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (fc_product_card_parent_class)->dispose (object);
}

static void
fc_product_card_finalize (GObject *object)
{
  g_free (FC_PRODUCT_CARD (object)->serial);
  G_OBJECT_CLASS (fc_product_card_parent_class)->finalize (object);
}

static void
fc_product_card_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FcProductCard *self = FC_PRODUCT_CARD (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SERIAL:
      g_value_set_string (value, self->serial);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fc_product_card_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  FcProductCard *self = FC_PRODUCT_CARD (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_SERIAL:
      fc_product_card_set_serial (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fc_product_card_class_init (FcProductCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_product_card_dispose;
  object_class->finalize = fc_product_card_finalize;
  object_class->get_property = fc_product_card_get_property;
  object_class->set_property = fc_product_card_set_property;
  widget_class->root = fc_product_card_root;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FC_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERIAL] =
    g_param_spec_string ("serial", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* FcProductCard::new-case-requested: (serial) when no win.new-case exists. */
  signals[SIGNAL_NEW_CASE_REQUESTED] =
    g_signal_new ("new-case-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* FcProductCard::case-activated: (case_id) when no win.open-case exists. */
  signals[SIGNAL_CASE_ACTIVATED] =
    g_signal_new ("case-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fieldcase/product-card/fc-product-card.ui");
  gtk_widget_class_bind_template_child (widget_class, FcProductCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, FcProductCard, serial_label);
  gtk_widget_class_bind_template_child (widget_class, FcProductCard, details_group);
  gtk_widget_class_bind_template_child (widget_class, FcProductCard, customer_row);
  gtk_widget_class_bind_template_child (widget_class, FcProductCard, warranty_row);
  gtk_widget_class_bind_template_child (widget_class, FcProductCard, warranty_badge);
  gtk_widget_class_bind_template_child (widget_class, FcProductCard, sold_row);
  gtk_widget_class_bind_template_child (widget_class, FcProductCard, cases_stack);
  gtk_widget_class_bind_template_child (widget_class, FcProductCard, cases_view);
  gtk_widget_class_install_action (widget_class, "card.new-case", NULL, new_case_activated);
  gtk_widget_class_set_css_name (widget_class, "fc-product-card");
}

static void
fc_product_card_init (FcProductCard *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkNoSelection) selection = NULL;

  g_type_ensure (ADW_TYPE_PREFERENCES_GROUP);
  g_type_ensure (ADW_TYPE_ACTION_ROW);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cases = g_list_store_new (FC_TYPE_CASE);
  selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->cases)));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_case_row_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_case_row_cb), NULL);
  gtk_list_view_set_factory (self->cases_view, factory);
  gtk_list_view_set_model (self->cases_view, GTK_SELECTION_MODEL (selection));
  g_signal_connect (self->cases_view, "activate", G_CALLBACK (case_activated_cb), self);
}

GtkWidget *
fc_product_card_new (FcStore *store)
{
  g_return_val_if_fail (FC_IS_STORE (store), NULL);
  return g_object_new (FC_TYPE_PRODUCT_CARD, "store", store, NULL);
}
