/* fc-window-scan.c: the window's scanner — what a scan does where it
 * happens (fc_scan_route), the product card, the returns desk and "Scan a
 * Photo…". One FcScanner per window, listening to its keyboard. */
#include "fc-window-private.h"

#include <glib/gi18n.h>

#include "fc-case-list.h"
#include "fc-case-page.h"
#include "fc-new-case-dialog.h"
#include "fc-product-card.h"
#include "fc-returns-desk.h"
#include "fc-scan-route.h"

static GtkWidget *
new_side_window (FcWindow   *self,
                 const char *title,
                 GtkWidget  *child,
                 int         width,
                 int         height)
{
  GtkWidget *window = adw_window_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  int parent_width = gtk_widget_get_width (GTK_WIDGET (self));

  /* Never wider than the main window (a phone-sized screen). */
  if (parent_width > 0)
    width = MIN (width, parent_width);
  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (self));
  gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_widget_set_size_request (window, 360, -1);
  /* On a phone the desk's batch and summary outgrow the screen: scroll. */
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), child);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_window_set_content (ADW_WINDOW (window), box);
  return window;
}

/* ---- the product card ---- */

static void
card_new_case_cb (FcProductCard *card,
                  const char    *serial,
                  FcWindow      *self)
{
  GtkWidget *window = self->card_window;

  _fc_window_open_new_case (self, serial);
  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
}

static void
card_case_activated_cb (FcProductCard *card,
                        const char    *case_id,
                        FcWindow      *self)
{
  GtkWidget *window = self->card_window;

  fc_case_list_select_case (FC_CASE_LIST (self->case_list), case_id);
  fc_window_show_case (self, case_id);
  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
}

static void
show_product_card (FcWindow   *self,
                   const char *serial_or_gtin)
{
  GtkWidget *card;
  GtkWidget *clamp;
  GtkWidget *scrolled;

  /* One card at a time: a new scan replaces it. */
  if (self->card_window != NULL)
    gtk_window_destroy (GTK_WINDOW (self->card_window));

  card = fc_product_card_new (self->store);
  fc_product_card_set_serial (FC_PRODUCT_CARD (card), serial_or_gtin);
  g_signal_connect_object (card, "new-case-requested", G_CALLBACK (card_new_case_cb), self, 0);
  g_signal_connect_object (card, "case-activated", G_CALLBACK (card_case_activated_cb), self, 0);
  clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 600);
  gtk_widget_set_margin_top (clamp, 12);
  gtk_widget_set_margin_bottom (clamp, 12);
  gtk_widget_set_margin_start (clamp, 12);
  gtk_widget_set_margin_end (clamp, 12);
  adw_clamp_set_child (ADW_CLAMP (clamp), card);
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);

  self->card_window = new_side_window (self, _("Product"), scrolled, 480, 600);
  g_object_add_weak_pointer (G_OBJECT (self->card_window), (gpointer *) &self->card_window);
  gtk_window_set_modal (GTK_WINDOW (self->card_window), TRUE);
  gtk_window_present (GTK_WINDOW (self->card_window));
}

/* ---- scans ---- */

static gboolean
returns_desk_visible (FcWindow *self)
{
  /* The desk listens to the scanner itself while it is mapped. */
  return self->returns_window != NULL && gtk_widget_get_mapped (self->returns_window);
}

/* The case page's part field, when it is on screen (the parts step). */
static GtkWidget *
visible_part_field (FcWindow *self)
{
  GtkWidget *field;

  if (self->case_page == NULL
      || g_strcmp0 (gtk_stack_get_visible_child_name (self->content_stack), "case") != 0)
    return NULL;
  field = fc_case_page_get_field (FC_CASE_PAGE (self->case_page), "part_code");
  return field != NULL && gtk_widget_get_mapped (field) ? field : NULL;
}

static const char *
ignored_message (const FcScanAction *action)
{
  switch (action->kind)
    {
    case FC_SCAN_ACTION_UNKNOWN_PART:
      return _("Not a part we know");
    case FC_SCAN_ACTION_ADD_PART:
      return _("Open a case’s parts step to add this part");
    case FC_SCAN_ACTION_RETURN_ITEM:
      return _("Open the returns desk to take returns");
    case FC_SCAN_ACTION_IGNORE:
    default:
      return _("Nothing to do with this code here");
    }
}

/* The HQ's enrolment QR ("fieldcase-enrol:<server-url>#<code>") sets up
 * sync: the server and the one-time code go to the settings, and the
 * preferences open on them with the Enrol button focused — the same
 * button as typing them in, so one path enrols and reports errors. */
static void
take_enrolment (FcWindow   *self,
                const char *payload)
{
  const char *hash = strrchr (payload, '#');
  g_autofree char *url = hash != NULL ? g_strndup (payload, hash - payload) : NULL;

  if (url == NULL || hash[1] == '\0' ||
      !(g_str_has_prefix (url, "https://") || g_str_has_prefix (url, "http://")))
    {
      fc_window_add_toast (self, _("This enrolment code is not valid"));
      return;
    }
  g_settings_set_string (self->settings, "server-url", url);
  g_settings_set_string (self->settings, "enrolment-code", hash + 1);
  fc_window_add_toast (self, _("Enrolment code read"));
  gtk_widget_activate_action (GTK_WIDGET (self), "app.enrol", NULL);
}

static void
scanned_cb (FcScanner          *scanner,
            const FcScanResult *result,
            guint               source,
            FcWindow           *self)
{
  g_autoptr(FcScanAction) action = NULL;
  FcScanContext context;
  GtkWidget *part_field;

  if (returns_desk_visible (self))
    return;
  part_field = visible_part_field (self);
  /* Scanning HQ's enrolment QR is itself the request to enrol. */
  context = g_str_has_prefix (result->text, "fieldcase-enrol:") ? FC_SCAN_CONTEXT_ENROLMENT
          : self->new_case_dialog != NULL ? FC_SCAN_CONTEXT_NEW_CASE
          : part_field != NULL ? FC_SCAN_CONTEXT_PARTS_STEP
          : FC_SCAN_CONTEXT_HOME;
  action = fc_scan_route (context, result, self->store);
  g_debug ("scan: %s (%s)", fc_scan_action_kind_to_string (action->kind),
           action->message != NULL ? action->message : "");

  switch (action->kind)
    {
    case FC_SCAN_ACTION_OPEN_CASE:
      fc_case_list_select_case (FC_CASE_LIST (self->case_list), action->case_id);
      if (!fc_window_show_case (self, action->case_id))
        fc_window_add_toast (self, _("The case could not be opened"));
      break;
    case FC_SCAN_ACTION_SHOW_PRODUCT:
    case FC_SCAN_ACTION_UNKNOWN_PRODUCT:
      show_product_card (self, action->serial != NULL ? action->serial
                               : action->gtin != NULL ? action->gtin : action->code);
      break;
    case FC_SCAN_ACTION_FILL_SERIAL:
      if (self->new_case_dialog != NULL)
        fc_new_case_dialog_set_serial (FC_NEW_CASE_DIALOG (self->new_case_dialog),
                                       action->serial != NULL ? action->serial : action->code);
      break;
    case FC_SCAN_ACTION_ADD_PART:
      if (part_field != NULL)
        {
          gtk_editable_set_text (GTK_EDITABLE (part_field), action->part_number);
          gtk_widget_grab_focus (part_field);
        }
      else
        fc_window_add_toast (self, ignored_message (action));
      break;
    case FC_SCAN_ACTION_ENROL:
      take_enrolment (self, action->enrol_payload);
      break;
    case FC_SCAN_ACTION_IGNORE:
    case FC_SCAN_ACTION_UNKNOWN_PART:
    case FC_SCAN_ACTION_RETURN_ITEM:
    default:
      fc_window_add_toast (self, ignored_message (action));
      break;
    }
}

static void
refused_cb (FcScanner  *scanner,
            const char *message,
            guint       source,
            FcWindow   *self)
{
  if (returns_desk_visible (self))
    return;
  /* The scanner's message comes from the decoder, in English: log it, and
   * tell the user in their language. */
  g_debug ("scan refused: %s", message != NULL ? message : "");
  fc_window_add_toast (self, _("The code could not be read"));
}

/* ---- actions ---- */

static void
returns_desk_action_cb (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  FcWindow *self = FC_WINDOW (widget);
  g_autofree char *engineer = NULL;
  GtkWidget *desk;

  if (self->returns_window != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->returns_window));
      return;
    }
  engineer = g_settings_get_string (self->settings, "engineer-name");
  /* fc_returns_desk_new (store, NULL, scanner) with the author, which is
   * construct-only: the engineer's name, else the system user's. */
  desk = g_object_new (FC_TYPE_RETURNS_DESK, "store", self->store, "policy", NULL,
                       "scanner", self->scanner,
                       "author", engineer != NULL && *engineer != '\0' ? engineer : g_get_user_name (),
                       NULL);
  self->returns_window = new_side_window (self, _("Returns Desk"), desk, 900, 700);
  g_object_add_weak_pointer (G_OBJECT (self->returns_window), (gpointer *) &self->returns_window);
  gtk_window_present (GTK_WINDOW (self->returns_window));
}

static void
scan_photo_action_cb (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  FcWindow *self = FC_WINDOW (widget);

  fc_scanner_open_photo (self->scanner, GTK_WINDOW (self));
}

void
_fc_window_class_init_scan (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.returns-desk", NULL, returns_desk_action_cb);
  gtk_widget_class_install_action (widget_class, "win.scan-photo", NULL, scan_photo_action_cb);
}

void
_fc_window_init_scan (FcWindow *self)
{
  self->scanner = fc_scanner_new ();
  fc_scanner_attach_window (self->scanner, GTK_WINDOW (self));
  g_signal_connect_object (self->scanner, "scanned", G_CALLBACK (scanned_cb), self, 0);
  g_signal_connect_object (self->scanner, "refused", G_CALLBACK (refused_cb), self, 0);
}

static void
drop_weak (GtkWidget **slot,
           gboolean    destroy)
{
  GtkWidget *widget = *slot;

  if (widget == NULL)
    return;
  g_object_remove_weak_pointer (G_OBJECT (widget), (gpointer *) slot);
  *slot = NULL;
  if (destroy)
    gtk_window_destroy (GTK_WINDOW (widget));
}

void
_fc_window_dispose_scan (FcWindow *self)
{
  drop_weak (&self->new_case_dialog, FALSE);
  drop_weak (&self->card_window, TRUE);
  drop_weak (&self->returns_window, TRUE);
  if (self->scanner != NULL)
    g_signal_handlers_disconnect_by_data (self->scanner, self);
  g_clear_object (&self->scanner);
}

FcScanner *
_fc_window_get_scanner (FcWindow *self)
{
  g_return_val_if_fail (FC_IS_WINDOW (self), NULL);
  return self->scanner;
}

GtkWidget *
_fc_window_get_card_window (FcWindow *self)
{
  g_return_val_if_fail (FC_IS_WINDOW (self), NULL);
  return self->card_window;
}

GtkWidget *
_fc_window_get_returns_window (FcWindow *self)
{
  g_return_val_if_fail (FC_IS_WINDOW (self), NULL);
  return self->returns_window;
}
