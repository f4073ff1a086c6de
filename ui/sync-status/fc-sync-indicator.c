/* fc-sync-indicator.c: sync state at a glance. Everything shown comes from
 * the client's properties (notify, coalesced in an idle) or, without a
 * client, from the store's own counts; nothing is polled. */
#include "fc-sync-indicator.h"

#include <glib/gi18n.h>

#include "fc-timeline-item.h"
#include "fc-ui-format.h"

struct _FcSyncIndicator {
  GtkWidget      parent_instance;

  FcStore       *store;       /* owned */
  FcSyncClient  *client;      /* owned, nullable */
  GListStore    *rejected;    /* owned, FcTimelineItem */
  FcSyncView     view;
  guint          refresh_id;  /* idle coalescing bursts of store signals */

  /* template children, borrowed */
  GtkImage      *icon;
  GtkLabel      *label;
  GtkLabel      *title;
  GtkLabel      *detail;
  GtkLabel      *handover;
  GtkLabel      *last_sync;
  GtkLabel      *error_detail;
  GtkWidget     *enrol_button;
  GtkWidget     *rejected_title;
  GtkWidget     *rejected_scroller;
  GtkListBox    *rejected_list;
};

enum { PROP_0, PROP_STORE, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FcSyncIndicator, fc_sync_indicator, GTK_TYPE_WIDGET)

FcSyncView
fc_sync_view_for (gboolean    have_client,
                  gboolean    online,
                  gint64      pending,
                  const char *last_error)
{
  if (!have_client || !online)
    return FC_SYNC_VIEW_OFFLINE;
  if (last_error != NULL && *last_error != '\0')
    return FC_SYNC_VIEW_ERROR;
  return pending > 0 ? FC_SYNC_VIEW_WAITING : FC_SYNC_VIEW_SYNCED;
}

FcSyncView
fc_sync_view_for_client (FcSyncClientState state,
                         gboolean          enrolled,
                         gint64            pending,
                         gint64            last_success)
{
  if (!enrolled || state == FC_SYNC_CLIENT_UNAUTHORIZED)
    return FC_SYNC_VIEW_NOT_ENROLLED;
  if (state == FC_SYNC_CLIENT_OFFLINE)
    return FC_SYNC_VIEW_OFFLINE;
  if (state == FC_SYNC_CLIENT_ERROR)
    return FC_SYNC_VIEW_ERROR;
  /* Just enrolled, first cycle under way: not "synced" before it is. */
  return pending > 0 || last_success == 0 ? FC_SYNC_VIEW_WAITING : FC_SYNC_VIEW_SYNCED;
}

static const char *
icon_for (FcSyncView view)
{
  switch (view)
    {
    case FC_SYNC_VIEW_SYNCED: return "emblem-ok-symbolic";
    case FC_SYNC_VIEW_WAITING: return "emblem-synchronizing-symbolic";
    case FC_SYNC_VIEW_ERROR: return "dialog-warning-symbolic";
    case FC_SYNC_VIEW_NOT_ENROLLED: return "system-lock-screen-symbolic";
    case FC_SYNC_VIEW_OFFLINE:
    default: return "network-offline-symbolic";
    }
}

static char *
waiting_title (gint64 pending)
{
  return g_strdup_printf (ngettext ("%d waiting", "%d waiting", pending), (int) pending);
}

/* The header bar gets the short form (a number beside the icon: it must fit
 * a 360 px phone); the popover says it in words. */
static void
show_summary (FcSyncIndicator *self,
              gint64           pending,
              const char      *last_error)
{
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *label = NULL;
  gboolean enrolled = self->client != NULL && fc_sync_client_is_enrolled (self->client);

  switch (self->view)
    {
    case FC_SYNC_VIEW_SYNCED:
      title = g_strdup (_("Synced"));
      detail = g_strdup (_("Everything recorded here is at headquarters."));
      break;
    case FC_SYNC_VIEW_WAITING:
      title = pending > 0 ? waiting_title (pending) : g_strdup (_("Syncing…"));
      detail = g_strdup (_("Sending to headquarters…"));
      break;
    case FC_SYNC_VIEW_ERROR:
      title = g_strdup (_("Sync error"));
      /* The client's message is technical English: it goes below, small. */
      detail = g_strdup (_("Headquarters did not accept the last sync. Work is kept on this device and sync is tried again."));
      break;
    case FC_SYNC_VIEW_NOT_ENROLLED:
      title = g_strdup (_("Not enrolled"));
      detail = enrolled
        ? g_strdup (_("Headquarters no longer accepts this device. Work is kept here; enrol again with a new code in Preferences."))
        : g_strdup (_("This device is not enrolled with headquarters yet. Work is kept here; enrol with the code headquarters gives you."));
      break;
    case FC_SYNC_VIEW_OFFLINE:
    default:
      title = pending > 0 ? waiting_title (pending) : g_strdup (_("Offline"));
      detail = pending > 0
        ? g_strdup_printf (ngettext ("Offline: %d change is kept on this device until it can be sent.",
                                     "Offline: %d changes are kept on this device until they can be sent.",
                                     pending), (int) pending)
        : g_strdup (_("Offline: new work is kept on this device until it can be sent."));
    }
  label = pending > 0 ? g_strdup_printf ("%d", (int) pending) : g_strdup ("");
  gtk_image_set_from_icon_name (self->icon, icon_for (self->view));
  gtk_label_set_text (self->label, label);
  gtk_widget_set_visible (GTK_WIDGET (self->label), pending > 0);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), title);
  gtk_label_set_text (self->title, title);
  gtk_label_set_text (self->detail, detail);
}

/* Last success, the next try, the raw error and the hand-over line: what
 * an engineer checks before giving the device back. */
static void
show_details (FcSyncIndicator *self,
              const char      *last_error)
{
  g_autoptr(GString) when = g_string_new (NULL);
  gint64 last_success, next_attempt;
  gboolean enrolled, handover;

  if (self->client == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->detail), TRUE);
      gtk_widget_set_visible (GTK_WIDGET (self->handover), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->last_sync), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->error_detail), FALSE);
      gtk_widget_set_visible (self->enrol_button, FALSE);
      return;
    }
  last_success = fc_sync_client_get_last_success (self->client);
  next_attempt = fc_sync_client_get_next_attempt (self->client);
  enrolled = fc_sync_client_is_enrolled (self->client);

  if (last_success > 0)
    {
      g_autofree char *time = fc_ui_format_time (last_success);
      /* Translators: %s is a date and time, "2026-11-22 18:30" */
      g_string_append_printf (when, _("Last synced %s"), time);
    }
  else if (enrolled)
    g_string_append (when, _("Not synced yet"));
  if (next_attempt > 0 && self->view != FC_SYNC_VIEW_SYNCED && self->view != FC_SYNC_VIEW_NOT_ENROLLED)
    {
      g_autofree char *time = fc_ui_format_time (next_attempt);
      if (when->len > 0)
        g_string_append_c (when, '\n');
      /* Translators: %s is a date and time, "2026-11-22 18:30" */
      g_string_append_printf (when, _("Next try %s"), time);
    }
  gtk_label_set_text (self->last_sync, when->str);
  gtk_widget_set_visible (GTK_WIDGET (self->last_sync), when->len > 0);

  handover = enrolled && last_success > 0 && self->view == FC_SYNC_VIEW_SYNCED &&
             fc_sync_client_get_all_at_hq (self->client);
  gtk_widget_set_visible (GTK_WIDGET (self->handover), handover);
  /* The hand-over line says it all; the same in other words is noise. */
  gtk_widget_set_visible (GTK_WIDGET (self->detail), !handover);

  gtk_label_set_text (self->error_detail, last_error != NULL ? last_error : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_detail),
                          last_error != NULL && *last_error != '\0' && self->view != FC_SYNC_VIEW_SYNCED &&
                          self->view != FC_SYNC_VIEW_WAITING);
  gtk_widget_set_visible (self->enrol_button, self->view == FC_SYNC_VIEW_NOT_ENROLLED);
}

static void
load_rejected (FcSyncIndicator *self)
{
  g_autoptr(GPtrArray) events = fc_store_list_rejected (self->store, NULL);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; events != NULL && i < events->len; i++)
    g_ptr_array_add (items, fc_timeline_item_new (g_ptr_array_index (events, i)));
  g_list_store_splice (self->rejected, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rejected)),
                       items->pdata, items->len);
  gtk_widget_set_visible (self->rejected_title, items->len > 0);
  gtk_widget_set_visible (self->rejected_scroller, items->len > 0);
}

void
fc_sync_indicator_refresh (FcSyncIndicator *self)
{
  gint64 pending;
  const char *last_error = NULL;

  g_return_if_fail (FC_IS_SYNC_INDICATOR (self));
  if (self->client != NULL)
    {
      pending = fc_sync_client_get_pending (self->client);
      last_error = fc_sync_client_get_last_error (self->client);
      self->view = fc_sync_view_for_client (fc_sync_client_get_state (self->client),
                                            fc_sync_client_is_enrolled (self->client), pending,
                                            fc_sync_client_get_last_success (self->client));
    }
  else
    {
      pending = fc_store_count_pending (self->store);
      self->view = fc_sync_view_for (FALSE, FALSE, pending, NULL);
    }
  show_summary (self, pending, last_error);
  show_details (self, last_error);
  load_rejected (self);
}

static gboolean
refresh_idle_cb (gpointer user_data)
{
  FcSyncIndicator *self = user_data;

  self->refresh_id = 0;
  fc_sync_indicator_refresh (self);
  return G_SOURCE_REMOVE;
}

static void
queue_refresh (FcSyncIndicator *self)
{
  if (self->refresh_id == 0)
    self->refresh_id = g_idle_add (refresh_idle_cb, self);
}

static void
store_changed_cb (FcStore         *store,
                  FcSyncIndicator *self)
{
  queue_refresh (self);
}

static void
store_case_changed_cb (FcStore         *store,
                       const char      *case_id,
                       FcSyncIndicator *self)
{
  queue_refresh (self);
}

static void
client_notify_cb (GObject         *client,
                  GParamSpec      *pspec,
                  FcSyncIndicator *self)
{
  queue_refresh (self);
}

static GtkWidget *
create_rejected_row (gpointer item,
                     gpointer user_data)
{
  FcEvent *ev = fc_timeline_item_get_event (item);
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), fc_ui_event_label (ev->type));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), ev->reject_reason != NULL ? ev->reject_reason : "");
  return row;
}

static void
fc_sync_indicator_constructed (GObject *object)
{
  FcSyncIndicator *self = FC_SYNC_INDICATOR (object);

  G_OBJECT_CLASS (fc_sync_indicator_parent_class)->constructed (object);
  g_signal_connect_object (self->store, "changed", G_CALLBACK (store_changed_cb), self, 0);
  g_signal_connect_object (self->store, "case-changed", G_CALLBACK (store_case_changed_cb), self, 0);
  /* No count yet: the window calls fc_sync_indicator_refresh() after its
   * first frame, so start-up reads nothing from the store. */
}

static void
fc_sync_indicator_dispose (GObject *object)
{
  FcSyncIndicator *self = FC_SYNC_INDICATOR (object);

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_func (self->client, client_notify_cb, self);
  g_clear_object (&self->client);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_SYNC_INDICATOR);
  fc_ui_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->rejected);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (fc_sync_indicator_parent_class)->dispose (object);
}

static void
fc_sync_indicator_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  FcSyncIndicator *self = FC_SYNC_INDICATOR (object);

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
fc_sync_indicator_class_init (FcSyncIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = fc_sync_indicator_constructed;
  object_class->dispose = fc_sync_indicator_dispose;
  object_class->set_property = fc_sync_indicator_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FC_TYPE_STORE,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fieldcase/Fieldcase/sync-status/fc-sync-indicator.ui");
  gtk_widget_class_bind_template_child (widget_class, FcSyncIndicator, icon);
  gtk_widget_class_bind_template_child (widget_class, FcSyncIndicator, label);
  gtk_widget_class_bind_template_child (widget_class, FcSyncIndicator, title);
  gtk_widget_class_bind_template_child (widget_class, FcSyncIndicator, detail);
  gtk_widget_class_bind_template_child (widget_class, FcSyncIndicator, handover);
  gtk_widget_class_bind_template_child (widget_class, FcSyncIndicator, last_sync);
  gtk_widget_class_bind_template_child (widget_class, FcSyncIndicator, error_detail);
  gtk_widget_class_bind_template_child (widget_class, FcSyncIndicator, enrol_button);
  gtk_widget_class_bind_template_child (widget_class, FcSyncIndicator, rejected_title);
  gtk_widget_class_bind_template_child (widget_class, FcSyncIndicator, rejected_scroller);
  gtk_widget_class_bind_template_child (widget_class, FcSyncIndicator, rejected_list);
}

static void
fc_sync_indicator_init (FcSyncIndicator *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->view = FC_SYNC_VIEW_OFFLINE;
  self->rejected = g_list_store_new (FC_TYPE_TIMELINE_ITEM);
  gtk_list_box_bind_model (self->rejected_list, G_LIST_MODEL (self->rejected),
                           create_rejected_row, NULL, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->label), FALSE);
}

GtkWidget *
fc_sync_indicator_new (FcStore *store)
{
  g_return_val_if_fail (FC_IS_STORE (store), NULL);
  return g_object_new (FC_TYPE_SYNC_INDICATOR, "store", store, NULL);
}

void
fc_sync_indicator_set_client (FcSyncIndicator *self,
                              FcSyncClient    *client)
{
  g_return_if_fail (FC_IS_SYNC_INDICATOR (self));
  g_return_if_fail (client == NULL || FC_IS_SYNC_CLIENT (client));

  if (self->client == client)
    return;
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_func (self->client, client_notify_cb, self);
  g_set_object (&self->client, client);
  if (client != NULL)
    g_signal_connect_object (client, "notify", G_CALLBACK (client_notify_cb), self, 0);
  if (self->store != NULL)
    queue_refresh (self);
}

FcSyncView
fc_sync_indicator_get_view (FcSyncIndicator *self)
{
  g_return_val_if_fail (FC_IS_SYNC_INDICATOR (self), FC_SYNC_VIEW_OFFLINE);
  return self->view;
}

const char *
fc_sync_indicator_get_label (FcSyncIndicator *self)
{
  g_return_val_if_fail (FC_IS_SYNC_INDICATOR (self), NULL);
  return gtk_label_get_text (self->title);
}

const char *
fc_sync_indicator_get_detail (FcSyncIndicator *self)
{
  g_return_val_if_fail (FC_IS_SYNC_INDICATOR (self), NULL);
  return gtk_label_get_text (self->detail);
}
