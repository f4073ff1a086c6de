/* fc-case-row.c: a case as the list shows it. */
#include "fc-case-row.h"

#include <glib/gi18n.h>

#include "fc-ui-format.h"

struct _FcCaseRow {
  GtkWidget   parent_instance;

  /* template children, borrowed */
  GtkLabel   *number_label;
  GtkLabel   *chip_label;
  GtkLabel   *customer_label;
  GtkLabel   *state_label;

  const char *chip_class;   /* static string */
};

G_DEFINE_FINAL_TYPE (FcCaseRow, fc_case_row, GTK_TYPE_WIDGET)

static void
fc_case_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), FC_TYPE_CASE_ROW);
  fc_ui_unparent_children (GTK_WIDGET (object));
  G_OBJECT_CLASS (fc_case_row_parent_class)->dispose (object);
}

static void
fc_case_row_class_init (FcCaseRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fc_case_row_dispose;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fieldcase/Fieldcase/case-list/fc-case-row.ui");
  gtk_widget_class_bind_template_child (widget_class, FcCaseRow, number_label);
  gtk_widget_class_bind_template_child (widget_class, FcCaseRow, chip_label);
  gtk_widget_class_bind_template_child (widget_class, FcCaseRow, customer_label);
  gtk_widget_class_bind_template_child (widget_class, FcCaseRow, state_label);
}

static void
fc_case_row_init (FcCaseRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->chip_class = "deadline-none";
}

GtkWidget *
fc_case_row_new (void)
{
  return g_object_new (FC_TYPE_CASE_ROW, NULL);
}

static void
set_chip (FcCaseRow       *self,
          FcDeadlineState  state,
          const char      *text)
{
  gtk_widget_remove_css_class (GTK_WIDGET (self->chip_label), self->chip_class);
  self->chip_class = fc_ui_deadline_css_class (state);
  gtk_widget_add_css_class (GTK_WIDGET (self->chip_label), self->chip_class);
  gtk_label_set_text (self->chip_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->chip_label), text != NULL && *text != '\0');
}

/* "张伟 · AC-24-0001": who and what, the two things an engineer looks for. */
static char *
format_who_what (FcCase *c)
{
  const char *customer = fc_case_get_customer_name (c);
  const char *serial = fc_case_get_product_serial (c);
  const char *title = fc_case_get_title (c);
  const char *what = serial != NULL && *serial != '\0' ? serial : title;

  if (customer == NULL || *customer == '\0')
    customer = _("Unknown customer");
  if (what == NULL || *what == '\0')
    return g_strdup (customer);
  return g_strdup_printf ("%s · %s", customer, what);
}

static void
show_deadline (FcCaseRow   *self,
               FcCase      *c,
               FcSlaPolicy *policy,
               gint64       now_ms)
{
  FcDeadlineState worst = fc_ui_worst_deadline (policy, fc_case_get_fold (c), now_ms);
  g_autofree char *text = NULL;

  if (fc_case_get_next_due (c) > 0 && fc_case_state_is_open (fc_case_get_state (c)))
    text = fc_ui_format_countdown (fc_case_get_next_due (c), now_ms);
  set_chip (self, worst, text);
}

void
fc_case_row_set_case (FcCaseRow   *self,
                      FcCase      *c,
                      FcSlaPolicy *policy,
                      gint64       now_ms)
{
  g_autofree char *who_what = NULL;
  g_autofree char *state = NULL;

  g_return_if_fail (FC_IS_CASE_ROW (self));

  if (c == NULL)
    {
      gtk_label_set_text (self->number_label, "");
      gtk_label_set_text (self->customer_label, "");
      gtk_label_set_text (self->state_label, "");
      set_chip (self, FC_DEADLINE_PENDING, NULL);
      return;
    }
  who_what = format_who_what (c);
  state = g_strdup_printf ("%s · %s", fc_ui_state_label (fc_case_get_state (c)),
                           fc_ui_vocab_label (FC_UI_VOCAB_SEVERITY, fc_case_get_severity (c)));
  gtk_label_set_text (self->number_label, fc_case_get_number (c));
  gtk_label_set_text (self->customer_label, who_what);
  gtk_label_set_text (self->state_label, state);
  show_deadline (self, c, policy, now_ms);
}

const char *
fc_case_row_get_chip_class (FcCaseRow *self)
{
  g_return_val_if_fail (FC_IS_CASE_ROW (self), NULL);
  return self->chip_class;
}
