/* fc-window.c: building the window and keeping its halves in step; the
 * win.* actions live in fc-window-actions.c.
 *
 * Start-up order matters for the first-window time: the window is built and
 * shown with no SQL at all; the list's query runs after the first frame.
 */
#include "fc-window-private.h"

#include <glib/gi18n.h>

#include "fc-case-list.h"
#include "fc-case-page.h"
#include "fc-sync-indicator.h"

enum { PROP_0, PROP_STORE, PROP_SETTINGS, PROP_SYNC_CLIENT, N_PROPS };
static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FcWindow, fc_window, ADW_TYPE_APPLICATION_WINDOW)

static void
page_title_cb (GObject    *page,
               GParamSpec *pspec,
               FcWindow   *self)
{
  g_autofree char *title = NULL;

  g_object_get (page, "title", &title, NULL);
  adw_view_switcher_title_set_title (self->switcher_title, title != NULL ? title : _("Fieldcase"));
}

static void
page_toast_cb (GtkWidget  *page,
               const char *message,
               FcWindow   *self)
{
  fc_window_add_toast (self, message);
}

static void
case_activated_cb (GtkWidget  *list,
                   const char *case_id,
                   FcWindow   *self)
{
  fc_window_show_case (self, case_id);
}

/* The case page is the biggest template: it is built when the first case is
 * shown, not before the first frame. */
static FcCasePage *
ensure_case_page (FcWindow *self)
{
  FcCasePage *page;

  if (self->case_page != NULL)
    return FC_CASE_PAGE (self->case_page);
  self->case_page = fc_case_page_new (self->store, self->settings);
  page = FC_CASE_PAGE (self->case_page);
  gtk_stack_add_named (self->content_stack, self->case_page, "case");
  g_signal_connect (page, "notify::title", G_CALLBACK (page_title_cb), self);
  g_signal_connect (page, "toast", G_CALLBACK (page_toast_cb), self);
  /* Tabs in the header bar when wide, a bar at the bottom when narrow. */
  adw_view_switcher_title_set_stack (self->switcher_title, fc_case_page_get_stack (page));
  g_object_bind_property (self->switcher_title, "title-visible",
                          fc_case_page_get_switcher_bar (page), "reveal", G_BINDING_SYNC_CREATE);
  return page;
}

static void
build_children (FcWindow *self)
{
  self->case_list = fc_case_list_new (self->store, self->settings);
  gtk_widget_set_vexpand (self->case_list, TRUE);
  gtk_widget_set_hexpand (self->case_list, TRUE);
  gtk_box_append (self->list_slot, self->case_list);
  g_signal_connect (self->case_list, "case-activated", G_CALLBACK (case_activated_cb), self);

  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, FALSE);
  self->sync_indicator = fc_sync_indicator_new (self->store);
  gtk_box_append (self->sync_slot, self->sync_indicator);
  fc_sync_indicator_set_client (FC_SYNC_INDICATOR (self->sync_indicator), self->sync_client);
}

static void
restore_size (FcWindow *self)
{
  int width = g_settings_get_int (self->settings, "window-width");
  int height = g_settings_get_int (self->settings, "window-height");

  gtk_window_set_default_size (GTK_WINDOW (self), width, height);
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static gboolean
fc_window_close_request (GtkWindow *window)
{
  FcWindow *self = FC_WINDOW (window);
  int width = 0, height = 0;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_delay (self->settings);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  g_settings_apply (self->settings);
  return GTK_WINDOW_CLASS (fc_window_parent_class)->close_request (window);
}

/* ---- lazy loading ---- */

static gboolean
load_cb (gpointer user_data)
{
  FcWindow *self = user_data;

  self->load_id = 0;
  _fc_window_reload_list (self);
  fc_sync_indicator_refresh (FC_SYNC_INDICATOR (self->sync_indicator));
  self->loaded = TRUE;
  return G_SOURCE_REMOVE;
}

static void
after_paint_cb (GdkFrameClock *clock,
                FcWindow      *self)
{
  g_clear_signal_handler (&self->after_paint_id, clock);
  /* The first frame is on screen; now the store may take its time. Not at
   * idle priority: a spinner redrawing every frame would starve it. */
  if (self->load_id == 0 && !self->loaded)
    self->load_id = g_idle_add_full (G_PRIORITY_DEFAULT, load_cb, self, NULL);
}

static void
fc_window_map (GtkWidget *widget)
{
  FcWindow *self = FC_WINDOW (widget);
  GdkFrameClock *clock;

  GTK_WIDGET_CLASS (fc_window_parent_class)->map (widget);
  clock = gtk_widget_get_frame_clock (widget);
  if (!self->loaded && clock != NULL && self->after_paint_id == 0)
    self->after_paint_id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), self);
}

/* ---- object ---- */

static void
fc_window_constructed (GObject *object)
{
  FcWindow *self = FC_WINDOW (object);

  G_OBJECT_CLASS (fc_window_parent_class)->constructed (object);
  g_assert (self->store != NULL && self->settings != NULL);
  build_children (self);
  restore_size (self);
  _fc_window_init_scan (self);
  _fc_window_update_actions (self);
}

static void
fc_window_dispose (GObject *object)
{
  FcWindow *self = FC_WINDOW (object);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  g_cancellable_cancel (self->cancellable);
  if (clock != NULL)
    g_clear_signal_handler (&self->after_paint_id, clock);
  g_clear_handle_id (&self->load_id, g_source_remove);
  _fc_window_dispose_scan (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_WINDOW);
  g_clear_object (&self->demo);
  g_clear_object (&self->sync_client);
  g_clear_pointer (&self->last_toast, g_free);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (fc_window_parent_class)->dispose (object);
}

static void
fc_window_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  FcWindow *self = FC_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    case PROP_SYNC_CLIENT:
      _fc_window_set_sync_client (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fc_window_class_init (FcWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = fc_window_constructed;
  object_class->dispose = fc_window_dispose;
  object_class->set_property = fc_window_set_property;
  widget_class->map = fc_window_map;
  window_class->close_request = fc_window_close_request;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FC_TYPE_STORE,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SYNC_CLIENT] =
    g_param_spec_object ("sync-client", NULL, NULL, FC_TYPE_SYNC_CLIENT,
                         G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (FC_TYPE_CASE_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, "/org/fieldcase/Fieldcase/fc-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FcWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FcWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, FcWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, FcWindow, content);
  gtk_widget_class_bind_template_child (widget_class, FcWindow, sync_slot);
  gtk_widget_class_bind_template_child (widget_class, FcWindow, list_slot);
  gtk_widget_class_bind_template_child (widget_class, FcWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, FcWindow, content_stack);
  _fc_window_class_init_actions (widget_class);
}

static void
fc_window_init (FcWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

FcWindow *
fc_window_new (AdwApplication *application,
               FcStore        *store,
               GSettings      *settings)
{
  g_return_val_if_fail (FC_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  return g_object_new (FC_TYPE_WINDOW, "application", application, "store", store,
                       "settings", settings, NULL);
}

FcStore *
fc_window_get_store (FcWindow *self)
{
  g_return_val_if_fail (FC_IS_WINDOW (self), NULL);
  return self->store;
}

gboolean
fc_window_show_case (FcWindow   *self,
                     const char *case_id)
{
  g_return_val_if_fail (FC_IS_WINDOW (self), FALSE);

  if (case_id == NULL && self->case_page == NULL)
    return TRUE;
  if (!fc_case_page_set_case_id (ensure_case_page (self), case_id))
    return FALSE;
  gtk_stack_set_visible_child_name (self->content_stack, case_id != NULL ? "case" : "empty");
  adw_view_switcher_title_set_view_switcher_enabled (self->switcher_title, case_id != NULL);
  adw_leaflet_set_visible_child (self->leaflet, case_id != NULL ? self->content : self->sidebar);
  _fc_window_update_actions (self);
  return TRUE;
}

void
fc_window_add_toast (FcWindow   *self,
                     const char *message)
{
  g_return_if_fail (FC_IS_WINDOW (self));
  g_free (self->last_toast);
  self->last_toast = g_strdup (message);
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

const char *
_fc_window_get_last_toast (FcWindow *self)
{
  g_return_val_if_fail (FC_IS_WINDOW (self), NULL);
  return self->last_toast;
}

GtkWidget *
fc_window_get_case_list (FcWindow *self)
{
  g_return_val_if_fail (FC_IS_WINDOW (self), NULL);
  return self->case_list;
}

GtkWidget *
fc_window_get_case_page (FcWindow *self)
{
  g_return_val_if_fail (FC_IS_WINDOW (self), NULL);
  return GTK_WIDGET (ensure_case_page (self));
}

void
_fc_window_set_sync_client (FcWindow     *self,
                           FcSyncClient *client)
{
  g_return_if_fail (FC_IS_WINDOW (self));
  g_return_if_fail (client == NULL || FC_IS_SYNC_CLIENT (client));

  if (!g_set_object (&self->sync_client, client))
    return;
  if (self->sync_indicator != NULL)
    fc_sync_indicator_set_client (FC_SYNC_INDICATOR (self->sync_indicator), client);
}

GtkWidget *
fc_window_get_sync_indicator (FcWindow *self)
{
  g_return_val_if_fail (FC_IS_WINDOW (self), NULL);
  return self->sync_indicator;
}

gboolean
fc_window_get_folded (FcWindow *self)
{
  g_return_val_if_fail (FC_IS_WINDOW (self), FALSE);
  return adw_leaflet_get_folded (self->leaflet);
}

gboolean
fc_window_is_loaded (FcWindow *self)
{
  g_return_val_if_fail (FC_IS_WINDOW (self), FALSE);
  return self->loaded;
}
