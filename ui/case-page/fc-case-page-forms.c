/* fc-case-page-forms.c: the step forms — widgets to payload, checks, record.
 *
 * Each form is a row of a table: its action, the event it records, and
 * which widget fills which payload member. One function runs them all:
 * build the payload, check it (fc_case_rules_validate plus the checks that
 * need the store), show every error next to its field and stop, or record.
 */
#include "fc-case-page-private.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fc-case-rules.h"
#include "fc-error.h"
#include "fc-ids.h"
#include "fc-supervisor-pin.h"
#include "fc-ui-format.h"

#define DAY_MS G_GINT64_CONSTANT (86400000)

typedef enum {
  F_TEXT,      /* AdwEntryRow: a text member, left out when empty */
  F_CHOICE,    /* AdwComboRow over a vocabulary: the id */
  F_SWITCH,    /* GtkSwitch: a boolean */
  F_INT,       /* GtkSpinButton: a whole number */
  F_DAYS,      /* GtkSpinButton: now + that many days, ISO 8601 */
  F_RATING,    /* AdwComboRow: 1..5, position 0 = not rated (left out) */
  F_NUMBER,    /* AdwEntryRow: a whole number, left out when empty; kept as
                * text when it is not one, so the checks can say so */
} FieldKind;

typedef struct {
  const char *id;        /* template id; its error row is id + "_error" */
  const char *member;    /* payload member */
  FieldKind   kind;
  FcUiVocab   vocab;     /* F_CHOICE */
} FormField;

#define MAX_FIELDS 6

typedef struct {
  const char *action;
  const char *type;
  const char *done;      /* N_() toast once recorded */
  FormField   fields[MAX_FIELDS];
} Form;

static const Form forms[] = {
  { "case.respond", FC_EV_CASE_RESPONDED, N_("First response recorded"),
    { { "respond_note", "note", F_TEXT, 0 } } },
  { "case.diagnose", FC_EV_DIAGNOSIS_RECORDED, N_("Diagnosis recorded"),
    { { "diagnose_symptom", "symptom", F_TEXT, 0 },
      { "diagnose_cause", "cause", F_TEXT, 0 },
      { "diagnose_method", "method", F_CHOICE, FC_UI_VOCAB_METHOD },
      { "diagnose_complex", "complex", F_SWITCH, 0 } } },
  { "case.reproduce", FC_EV_REPRODUCTION_RECORDED, N_("Reproduction recorded"),
    { { "reproduce_result", "result", F_CHOICE, FC_UI_VOCAB_RESULT },
      { "reproduce_steps", "steps", F_TEXT, 0 } } },
  { "case.propose-plan", FC_EV_PLAN_PROPOSED, N_("Handling plan proposed"),
    { { "plan_action", "action", F_CHOICE, FC_UI_VOCAB_PLAN_ACTION },
      { "plan_description", "description", F_TEXT, 0 },
      { "plan_owner", "owner", F_TEXT, 0 },
      { "plan_deadline", "deadline", F_DAYS, 0 },
      { "plan_acceptance", "acceptance", F_TEXT, 0 },
      { "plan_approval_required", "approval_required", F_SWITCH, 0 } } },
  { "case.approve", FC_EV_PLAN_APPROVED, N_("Plan approved"),
    { { "approve_approver", "approver", F_TEXT, 0 },
      { "approve_comment", "comment", F_TEXT, 0 } } },
  { "case.reject", FC_EV_PLAN_REJECTED, N_("Plan rejected"),
    { { "approve_approver", "approver", F_TEXT, 0 },
      { "reject_reason", "reason", F_TEXT, 0 } } },
  { "case.agree", FC_EV_CUSTOMER_AGREED, N_("Customer agreement recorded"),
    { { "agree_note", "note", F_TEXT, 0 } } },
  { "case.add-part", FC_EV_PART_REPLACED, N_("Part recorded"),
    { { "part_code", "part_number", F_TEXT, 0 },
      { "part_quantity", "quantity", F_INT, 0 },
      { "part_old_serial", "old_serial", F_TEXT, 0 },
      { "part_new_serial", "new_serial", F_TEXT, 0 } } },
  { "case.record-work", FC_EV_WORK_RECORDED, N_("Work recorded"),
    { { "work_description", "description", F_TEXT, 0 },
      { "work_minutes", "minutes", F_NUMBER, 0 } } },
  { "case.resolve", FC_EV_CASE_RESOLVED, N_("Signed off: the case is resolved"),
    { { "resolve_signer", "signer", F_TEXT, 0 },
      { "resolve_satisfaction", "satisfaction", F_RATING, 0 },
      { "resolve_summary", "summary", F_TEXT, 0 } } },
  { "case.schedule-revisit", FC_EV_REVISIT_SCHEDULED, N_("Revisit scheduled"),
    { { "schedule_due", "due", F_DAYS, 0 } } },
  { "case.record-revisit", FC_EV_REVISIT_RECORDED, N_("Revisit recorded"),
    { { "revisit_solved", "solved", F_SWITCH, 0 },
      { "revisit_satisfaction", "satisfaction", F_RATING, 0 },
      { "revisit_comment", "comment", F_TEXT, 0 } } },
  { "case.close", FC_EV_CASE_CLOSED, N_("Case closed and archived"),
    { { "close_summary", "summary", F_TEXT, 0 } } },
};

/* Cancelling is a form too (checked and recorded the same way), but its
 * field lives in a dialog, not in the template, and its action opens that
 * dialog rather than recording straight away. */
static const Form cancel_form =
  { "case.cancel", FC_EV_CASE_CANCELLED, N_("Case cancelled"),
    { { "cancel_reason", "reason", F_TEXT, 0 } } };

#define CANCEL_RESPONSE "cancel-case"

/* Template ids found by name (no struct field each): the fields and the
 * error rows that exist in fc-case-page.ui. */
static const char *const named_children[] = {
  "respond_note", "respond_note_error", "diagnose_symptom", "diagnose_symptom_error",
  "diagnose_cause", "diagnose_cause_error", "diagnose_method", "diagnose_method_error",
  "diagnose_complex", "reproduce_result", "reproduce_result_error", "reproduce_steps",
  "reproduce_steps_error", "plan_action", "plan_action_error", "plan_description",
  "plan_description_error", "plan_owner", "plan_owner_error", "plan_deadline",
  "plan_deadline_error", "plan_acceptance", "plan_acceptance_error", "plan_approval_required",
  "approve_approver", "approve_approver_error", "approve_pin", "approve_pin_error",
  "approve_comment", "reject_reason", "reject_reason_error", "agree_note", "part_code",
  "part_code_error", "part_quantity", "part_quantity_error", "part_old_serial",
  "part_old_serial_error", "part_new_serial", "part_new_serial_error", "work_description",
  "work_description_error", "work_minutes", "work_minutes_error", "resolve_signer",
  "resolve_signer_error", "resolve_satisfaction", "resolve_satisfaction_error",
  "resolve_summary", "schedule_due", "schedule_due_error", "revisit_solved",
  "revisit_satisfaction", "revisit_satisfaction_error", "revisit_comment", "close_summary",
};

static const char *const ratings[] = {
  N_("Not rated"), N_("1 – Very dissatisfied"), N_("2 – Dissatisfied"), N_("3 – Neutral"),
  N_("4 – Satisfied"), N_("5 – Very satisfied"), NULL,
};

static const Form *
find_form (const char *action)
{
  for (gsize i = 0; i < G_N_ELEMENTS (forms); i++)
    if (g_str_equal (forms[i].action, action))
      return &forms[i];
  return NULL;
}

GtkWidget *
fc_case_page_get_field (FcCasePage *self,
                        const char *field_id)
{
  GObject *child;

  g_return_val_if_fail (FC_IS_CASE_PAGE (self), NULL);
  if (g_str_equal (field_id, "cancel_reason"))
    return self->cancel_dialog != NULL ? GTK_WIDGET (self->cancel_reason) : NULL;
  child = gtk_widget_get_template_child (GTK_WIDGET (self), FC_TYPE_CASE_PAGE, field_id);
  return GTK_IS_WIDGET (child) ? GTK_WIDGET (child) : NULL;
}

/* ---- errors next to fields ---- */

static GtkLabel *
error_label (FcCasePage *self,
             const char *field_id)
{
  g_autofree char *name = g_strconcat (field_id, "_error", NULL);
  GtkWidget *row;

  if (g_str_equal (field_id, "signature"))
    return self->signature_error;
  if (g_str_equal (field_id, "cancel_reason"))
    return self->cancel_dialog != NULL ? self->cancel_error : NULL;
  row = fc_case_page_get_field (self, name);
  return row != NULL ? GTK_LABEL (gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row))) : NULL;
}

static GtkWidget *
error_holder (FcCasePage *self,
              const char *field_id)
{
  g_autofree char *name = g_strconcat (field_id, "_error", NULL);

  if (g_str_equal (field_id, "signature"))
    return GTK_WIDGET (self->signature_error);
  if (g_str_equal (field_id, "cancel_reason"))
    return GTK_WIDGET (error_label (self, field_id));
  return fc_case_page_get_field (self, name);
}

static void
set_field_error (FcCasePage *self,
                 const char *field_id,
                 const char *message)
{
  GtkLabel *label = error_label (self, field_id);
  GtkWidget *field = fc_case_page_get_field (self, field_id);

  if (label == NULL && g_str_equal (field_id, "cancel_reason"))
    return;   /* no dialog open: nothing to show it in */
  g_return_if_fail (label != NULL);
  gtk_label_set_text (label, message != NULL ? message : "");
  gtk_widget_set_visible (error_holder (self, field_id), message != NULL);
  if (field != NULL && message != NULL)
    gtk_widget_add_css_class (field, "error");
  else if (field != NULL)
    gtk_widget_remove_css_class (field, "error");
}

const char *
fc_case_page_get_field_error (FcCasePage *self,
                              const char *field_id)
{
  GtkLabel *label;

  g_return_val_if_fail (FC_IS_CASE_PAGE (self), NULL);
  label = error_label (self, field_id);
  if (label == NULL || !gtk_widget_get_visible (error_holder (self, field_id)))
    return NULL;
  return gtk_label_get_text (label);
}

void
_fc_case_page_clear_errors (FcCasePage *self)
{
  for (gsize i = 0; i < G_N_ELEMENTS (named_children); i++)
    if (g_str_has_suffix (named_children[i], "_error"))
      {
        g_autofree char *field = g_strndup (named_children[i], strlen (named_children[i]) - 6);
        set_field_error (self, field, NULL);
      }
  set_field_error (self, "signature", NULL);
  set_field_error (self, "cancel_reason", NULL);
}

/* ---- widgets → payload ---- */

static void
read_field (FcCasePage      *self,
            const FormField *f,
            JsonObject      *payload,
            gint64           now_ms)
{
  GtkWidget *w = fc_case_page_get_field (self, f->id);
  g_autofree char *text = NULL;
  g_autofree char *when = NULL;
  gint64 number = 0;
  guint pos;

  g_assert (w != NULL);
  switch (f->kind)
    {
    case F_TEXT:
      text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (w))));
      if (*text != '\0')
        json_object_set_string_member (payload, f->member, text);
      break;
    case F_CHOICE:
      pos = adw_combo_row_get_selected (ADW_COMBO_ROW (w));
      if (fc_ui_vocab_id (f->vocab, pos) != NULL)
        json_object_set_string_member (payload, f->member, fc_ui_vocab_id (f->vocab, pos));
      break;
    case F_SWITCH:
      json_object_set_boolean_member (payload, f->member, gtk_switch_get_active (GTK_SWITCH (w)));
      break;
    case F_INT:
      json_object_set_int_member (payload, f->member,
                                  gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (w)));
      break;
    case F_DAYS:
      when = fc_time_format_ms (now_ms + gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (w)) * DAY_MS);
      json_object_set_string_member (payload, f->member, when);
      break;
    case F_RATING:
      pos = adw_combo_row_get_selected (ADW_COMBO_ROW (w));
      if (pos >= 1 && pos <= 5)
        json_object_set_int_member (payload, f->member, pos);
      break;
    case F_NUMBER:
      /* NFKC: a Chinese input method types full-width digits (４５). */
      text = g_strstrip (g_utf8_normalize (gtk_editable_get_text (GTK_EDITABLE (w)), -1,
                                           G_NORMALIZE_ALL));
      if (*text == '\0')
        break;
      if (g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &number, NULL))
        json_object_set_int_member (payload, f->member, number);
      else
        json_object_set_string_member (payload, f->member, text);
      break;
    default:
      g_assert_not_reached ();
    }
}

static JsonObject *
read_form (FcCasePage *self,
           const Form *form,
           gint64      now_ms)
{
  JsonObject *payload = json_object_new ();

  for (int i = 0; i < MAX_FIELDS && form->fields[i].id != NULL; i++)
    read_field (self, &form->fields[i], payload, now_ms);
  return payload;
}

static const char *
field_for_member (const Form *form,
                  const char *member)
{
  for (int i = 0; i < MAX_FIELDS && form->fields[i].id != NULL; i++)
    if (g_str_equal (form->fields[i].member, member))
      return form->fields[i].id;
  return member;   /* "signature", "pin": checks of their own */
}

static void
clear_form (FcCasePage *self,
            const Form *form)
{
  /* The reason goes away with its dialog; emptying it would only flash
   * the "say why" error on the way out. */
  if (form == &cancel_form)
    return;
  for (int i = 0; i < MAX_FIELDS && form->fields[i].id != NULL; i++)
    if ((form->fields[i].kind == F_TEXT || form->fields[i].kind == F_NUMBER) &&
        !g_str_equal (form->fields[i].id, "plan_owner") &&
        !g_str_equal (form->fields[i].id, "approve_approver"))
      gtk_editable_set_text (GTK_EDITABLE (fc_case_page_get_field (self, form->fields[i].id)), "");
}

/* ---- checks that need the store ---- */

static void
check_pin (FcCasePage *self,
           GHashTable *errors)
{
  GtkEditable *pin = GTK_EDITABLE (fc_case_page_get_field (self, "approve_pin"));

  if (!fc_supervisor_pin_is_set (self->store))
    g_hash_table_insert (errors, g_strdup ("approve_pin"),
                         g_strdup (_("No supervisor PIN is set on this device: the approval "
                                     "must come from headquarters")));
  else if (!fc_supervisor_pin_check (self->store, gtk_editable_get_text (pin)))
    g_hash_table_insert (errors, g_strdup ("approve_pin"), g_strdup (_("Wrong PIN")));
}

/* Whatever was typed or scanned (part number or GTIN) becomes the
 * catalogue's part number. */
static void
resolve_part (FcCasePage *self,
              JsonObject *payload,
              GHashTable *errors)
{
  const char *code = json_object_get_string_member_with_default (payload, "part_number", NULL);
  g_autoptr(JsonObject) part = NULL;

  if (code == NULL)
    return;
  part = fc_store_lookup_part (self->store, code, NULL);
  if (part == NULL)
    {
      g_hash_table_insert (errors, g_strdup ("part_number"),
                           g_strdup (_("No such part in the catalogue")));
      return;
    }
  json_object_set_string_member (payload, "part_number",
                                 json_object_get_string_member (part, "part_number"));
}

static GHashTable *
check_form (FcCasePage *self,
            const Form *form,
            JsonObject *payload,
            gint64      now_ms)
{
  GHashTable *errors;

  if (g_str_equal (form->type, FC_EV_CASE_RESOLVED))
    json_object_set_boolean_member (payload, "signature", !fc_signature_pad_is_empty (self->pad));
  errors = fc_case_rules_validate (form->type, payload, now_ms);
  if (g_str_equal (form->type, FC_EV_PLAN_APPROVED))
    check_pin (self, errors);
  else if (g_str_equal (form->type, FC_EV_PART_REPLACED))
    resolve_part (self, payload, errors);
  if (json_object_has_member (payload, "signature"))
    json_object_remove_member (payload, "signature");
  return errors;
}

static void
show_errors (FcCasePage *self,
             const Form *form,
             GHashTable *errors)
{
  GHashTableIter iter;
  gpointer member, message;

  _fc_case_page_clear_errors (self);
  g_hash_table_iter_init (&iter, errors);
  while (g_hash_table_iter_next (&iter, &member, &message))
    set_field_error (self, field_for_member (form, member), message);
}

/* ---- recording ---- */

static gboolean
put_signature (FcCasePage *self,
               JsonObject *payload,
               GError    **error)
{
  g_autoptr(GBytes) png = fc_signature_pad_to_png (self->pad, error);
  g_autofree char *svg = fc_signature_pad_to_svg (self->pad);
  g_autoptr(GBytes) svg_bytes = NULL;
  g_autofree char *png_sha = NULL;
  g_autofree char *svg_sha = NULL;

  if (png == NULL || (png_sha = fc_store_put_blob (self->store, png, "image/png", error)) == NULL)
    return FALSE;
  svg_bytes = g_bytes_new (svg, strlen (svg));
  if ((svg_sha = fc_store_put_blob (self->store, svg_bytes, "image/svg+xml", error)) == NULL)
    return FALSE;
  json_object_set_string_member (payload, "signature_sha256", png_sha);
  json_object_set_string_member (payload, "signature_svg_sha256", svg_sha);
  return TRUE;
}

char *
_fc_case_page_dup_author (FcCasePage *self)
{
  g_autofree char *name = g_settings_get_string (self->settings, "engineer-name");

  if (name != NULL && *g_strstrip (name) != '\0')
    return g_steal_pointer (&name);
  return g_strdup (g_get_real_name ());
}

typedef struct {
  FcCasePage *self;
  const char *type;
  JsonObject *payload;
  const char *author;
  gboolean    signed_off;  /* the signature's blobs go with the step */
} StepWrite;

/* The step and the blobs it names, in one transaction: no sign-off
 * without its signature, no signature left over without its sign-off. */
static gboolean
write_step (FcStore  *store,
            gpointer  user_data,
            GError  **error)
{
  StepWrite *w = user_data;
  g_autoptr(FcEvent) event = NULL;

  if (w->signed_off && !put_signature (w->self, w->payload, error))
    return FALSE;
  event = fc_store_record (store, w->self->case_id, w->type, w->payload, w->author, error);
  return event != NULL;
}

static gboolean
record (FcCasePage *self,
        const Form *form,
        JsonObject *payload)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *author = _fc_case_page_dup_author (self);
  StepWrite w = { self, form->type, payload, author,
                  g_str_equal (form->type, FC_EV_CASE_RESOLVED) };

  if (!fc_store_atomically (self->store, write_step, &w, &error))
    {
      /* The action was enabled, so the store refusing means the case moved
       * on elsewhere (sync): say so, the page reloads with the news. */
      _fc_case_page_toast (self, error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
run_form (FcCasePage *self,
          const Form *form)
{
  gint64 now_ms = fc_clock_now_ms (fc_store_get_clock (self->store));
  g_autoptr(JsonObject) payload = read_form (self, form, now_ms);
  g_autoptr(GHashTable) errors = check_form (self, form, payload, now_ms);

  show_errors (self, form, errors);
  if (g_hash_table_size (errors) > 0 || self->case_id == NULL)
    return FALSE;
  if (!record (self, form, payload))
    return FALSE;
  clear_form (self, form);
  if (g_str_equal (form->type, FC_EV_CASE_RESOLVED))
    fc_signature_pad_clear (self->pad);
  if (g_str_equal (form->type, FC_EV_PLAN_APPROVED))
    gtk_editable_set_text (GTK_EDITABLE (fc_case_page_get_field (self, "approve_pin")), "");
  _fc_case_page_toast (self, _(form->done));
  return TRUE;
}

static void
form_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  const Form *form = find_form (action_name);

  g_return_if_fail (form != NULL);
  run_form (FC_CASE_PAGE (widget), form);
}

/* ---- cancelling ---- */

static gboolean
is_blank (const char *text)
{
  for (; *text != '\0'; text = g_utf8_next_char (text))
    if (!g_unichar_isspace (g_utf8_get_char (text)))
      return FALSE;
  return TRUE;
}

/* The dialog belongs to the case it was opened for: showing another case
 * (or going away) closes it without a word, writing nothing. */
void
_fc_case_page_forget_cancel (FcCasePage *self)
{
  AdwMessageDialog *dialog = self->cancel_dialog;

  if (dialog == NULL)
    return;
  g_clear_weak_pointer (&self->cancel_dialog);
  g_signal_handlers_disconnect_by_data (self->cancel_reason, self);
  self->cancel_reason = NULL;
  self->cancel_error = NULL;
  g_signal_handlers_disconnect_by_data (dialog, self);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* The destructive button stays grey until there is a reason; once the user
 * has typed, emptying the field again says why next to it. */
static void
cancel_reason_changed_cb (FcCasePage *self)
{
  gboolean blank = is_blank (gtk_editable_get_text (GTK_EDITABLE (self->cancel_reason)));

  adw_message_dialog_set_response_enabled (self->cancel_dialog, CANCEL_RESPONSE, !blank);
  set_field_error (self, "cancel_reason", blank ? _("Say why the case is cancelled") : NULL);
}

static void
cancel_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    FcCasePage       *self)
{
  /* Enter in the field or the button: the same checks as every form, so an
   * empty reason is refused with its error and nothing is written. */
  if (g_str_equal (response, CANCEL_RESPONSE) && !run_form (self, &cancel_form) &&
      gtk_widget_get_visible (GTK_WIDGET (dialog)))
    return;
  _fc_case_page_forget_cancel (self);
}

static void
cancel_reason_activated_cb (FcCasePage *self)
{
  adw_message_dialog_response (self->cancel_dialog, CANCEL_RESPONSE);
}

static GtkWidget *
build_cancel_fields (FcCasePage *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *reason = adw_entry_row_new ();
  GtkWidget *error = gtk_label_new (NULL);

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (reason), _("Reason for cancelling"));
  gtk_list_box_append (GTK_LIST_BOX (list), reason);
  gtk_label_set_xalign (GTK_LABEL (error), 0);
  gtk_label_set_wrap (GTK_LABEL (error), TRUE);
  gtk_widget_set_margin_start (error, 12);
  gtk_widget_set_margin_end (error, 12);
  gtk_widget_add_css_class (error, "error");
  gtk_widget_add_css_class (error, "caption");
  gtk_widget_set_visible (error, FALSE);
  gtk_box_append (GTK_BOX (box), list);
  gtk_box_append (GTK_BOX (box), error);
  self->cancel_reason = reason;
  self->cancel_error = GTK_LABEL (error);
  return box;
}

static void
cancel_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FcCasePage *self = FC_CASE_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  AdwMessageDialog *dialog;

  gtk_menu_button_popdown (self->more_button);
  if (self->cancel_dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->cancel_dialog));
      return;
    }
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       _("Cancel This Case?"), NULL));
  /* Translators: %s is the case number */
  adw_message_dialog_format_body (dialog, _("Case %s will be closed without being resolved, and "
                                            "nothing more can be recorded on it. The reason is "
                                            "kept in its timeline and sent to headquarters."),
                                  fc_case_get_number (self->c));
  adw_message_dialog_add_responses (dialog, "keep", _("_Keep Case"),
                                    CANCEL_RESPONSE, _("Cancel _Case"), NULL);
  adw_message_dialog_set_response_appearance (dialog, CANCEL_RESPONSE, ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_enabled (dialog, CANCEL_RESPONSE, FALSE);
  adw_message_dialog_set_default_response (dialog, "keep");
  adw_message_dialog_set_close_response (dialog, "keep");
  adw_message_dialog_set_extra_child (dialog, build_cancel_fields (self));
  g_set_weak_pointer (&self->cancel_dialog, dialog);
  g_signal_connect_swapped (self->cancel_reason, "changed",
                            G_CALLBACK (cancel_reason_changed_cb), self);
  g_signal_connect_swapped (self->cancel_reason, "entry-activated",
                            G_CALLBACK (cancel_reason_activated_cb), self);
  g_signal_connect (dialog, "response", G_CALLBACK (cancel_response_cb), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

AdwMessageDialog *
fc_case_page_get_cancel_dialog (FcCasePage *self)
{
  g_return_val_if_fail (FC_IS_CASE_PAGE (self), NULL);
  return self->cancel_dialog;
}

/* ---- part lookup ---- */

static void
lookup_part_action_cb (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  FcCasePage *self = FC_CASE_PAGE (widget);
  const char *code = gtk_editable_get_text (GTK_EDITABLE (fc_case_page_get_field (self, "part_code")));
  g_autoptr(JsonObject) part = fc_store_lookup_part (self->store, code, NULL);
  g_autofree char *text = NULL;

  if (part == NULL)
    {
      set_field_error (self, "part_code", _("No such part in the catalogue"));
      gtk_widget_set_visible (self->part_info_row, FALSE);
      return;
    }
  set_field_error (self, "part_code", NULL);
  /* Translators: a part, its number and how many the van holds */
  text = g_strdup_printf (_("%s (%s) — %d in the van"),
                          json_object_get_string_member_with_default (part, "name", ""),
                          json_object_get_string_member_with_default (part, "part_number", ""),
                          (int) json_object_get_int_member_with_default (part, "van_quantity", 0));
  gtk_label_set_text (self->part_info, text);
  gtk_widget_set_visible (self->part_info_row, TRUE);
}

/* ---- photos ---- */

typedef struct {
  FcCasePage *self;
  GBytes     *data;
  const char *mime;
  const char *name;
  const char *author;
} PhotoWrite;

/* The photo and the step that names it, in one transaction. */
static gboolean
write_photo (FcStore  *store,
             gpointer  user_data,
             GError  **error)
{
  PhotoWrite *w = user_data;
  g_autoptr(JsonObject) payload = json_object_new ();
  g_autoptr(FcEvent) event = NULL;
  g_autofree char *sha = fc_store_put_blob (store, w->data, w->mime, error);

  if (sha == NULL)
    return FALSE;
  json_object_set_string_member (payload, "sha256", sha);
  json_object_set_string_member (payload, "mime", w->mime);
  json_object_set_string_member (payload, "name", w->name);
  event = fc_store_record (store, w->self->case_id, FC_EV_ATTACHMENT_ADDED, payload, w->author,
                           error);
  return event != NULL;
}

gboolean
fc_case_page_attach_bytes (FcCasePage *self,
                           const char *name,
                           const char *mime,
                           GBytes     *data,
                           GError    **error)
{
  g_autofree char *author = NULL;
  PhotoWrite w = { self, data, mime, name, NULL };

  g_return_val_if_fail (FC_IS_CASE_PAGE (self), FALSE);
  g_return_val_if_fail (self->case_id != NULL, FALSE);

  w.author = author = _fc_case_page_dup_author (self);
  return fc_store_atomically (self->store, write_photo, &w, error);
}

static void
photo_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(FcCasePage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *name = g_file_get_basename (G_FILE (source));
  g_autofree char *type = NULL;
  g_autofree char *mime = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _fc_case_page_toast (self, error->message);
      return;
    }
  type = g_content_type_guess (name, (const guchar *) contents, length, NULL);
  mime = g_content_type_get_mime_type (type);
  bytes = g_bytes_new_take (g_steal_pointer (&contents), length);
  if (!fc_case_page_attach_bytes (self, name, mime != NULL ? mime : "application/octet-stream",
                                  bytes, &error))
    _fc_case_page_toast (self, error->message);
  else
    _fc_case_page_toast (self, _("Photo added"));
}

static void
chooser_response_cb (GtkNativeDialog *dialog,
                     int              response,
                     FcCasePage      *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  if (file != NULL)
    g_file_load_contents_async (file, self->cancellable, photo_loaded_cb, g_object_ref (self));
  g_object_unref (dialog);
}

static void
attach_photo_action_cb (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  FcCasePage *self = FC_CASE_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Add Photo"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Add"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_mime_type (filter, "image/*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- setup ---- */

void
_fc_case_page_class_init_forms (GtkWidgetClass *widget_class)
{
  for (gsize i = 0; i < G_N_ELEMENTS (named_children); i++)
    gtk_widget_class_bind_template_child_full (widget_class, named_children[i], FALSE, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (forms); i++)
    gtk_widget_class_install_action (widget_class, forms[i].action, NULL, form_action_cb);
  gtk_widget_class_install_action (widget_class, "case.lookup-part", NULL, lookup_part_action_cb);
  gtk_widget_class_install_action (widget_class, "case.attach-photo", NULL, attach_photo_action_cb);
  gtk_widget_class_install_action (widget_class, cancel_form.action, NULL, cancel_action_cb);
}

static void
set_choices (FcCasePage *self,
             const char *field_id,
             GListModel *model)
{
  adw_combo_row_set_model (ADW_COMBO_ROW (fc_case_page_get_field (self, field_id)), model);
}

void
_fc_case_page_init_forms (FcCasePage *self)
{
  g_autoptr(GtkStringList) methods = fc_ui_vocab_new_model (FC_UI_VOCAB_METHOD);
  g_autoptr(GtkStringList) results = fc_ui_vocab_new_model (FC_UI_VOCAB_RESULT);
  g_autoptr(GtkStringList) plans = fc_ui_vocab_new_model (FC_UI_VOCAB_PLAN_ACTION);
  g_autoptr(GtkStringList) rating = gtk_string_list_new (NULL);

  for (int i = 0; ratings[i] != NULL; i++)
    gtk_string_list_append (rating, _(ratings[i]));
  set_choices (self, "diagnose_method", G_LIST_MODEL (methods));
  set_choices (self, "reproduce_result", G_LIST_MODEL (results));
  set_choices (self, "plan_action", G_LIST_MODEL (plans));
  set_choices (self, "resolve_satisfaction", G_LIST_MODEL (rating));
  set_choices (self, "revisit_satisfaction", G_LIST_MODEL (rating));
}
