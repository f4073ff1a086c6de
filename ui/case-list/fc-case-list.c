/* fc-case-list.c: filters and search over the lazy case model.
 *
 * The query runs only when fc_case_list_load() is called, so the window can
 * appear before any SQL touches the case table. What the engineer does here
 * — typing a search, picking a filter — and what the store does (a sync,
 * a recorded step) reloads on a worker (issue #4: the id query takes ~50 ms
 * on 100k cases); the old rows stay until the new ones arrive, and so does
 * fc_case_list_show_filter (win.filter). The programmatic
 * fc_case_list_set_filter/set_search keep reloading at once, because their
 * callers (a case just created, the tests) use the result on return.
 */
#include "fc-case-list.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "fc-case-row.h"
#include "fc-ui-format.h"

struct _FcCaseList {
  GtkWidget           parent_instance;

  FcStore            *store;       /* owned */
  GSettings          *settings;    /* owned */
  FcCaseListModel    *model;       /* owned */
  GtkSingleSelection *selection;   /* owned */
  char               *selected_id; /* owned, nullable */
  GCancellable       *cancellable; /* owned: cancelled in dispose */
  gboolean            loaded;
  gboolean            reload_now;  /* set_filter: the dropdown's reload is synchronous */

  /* template children, borrowed */
  GtkSearchEntry     *search_entry;
  GtkDropDown        *filter_dropdown;
  GtkStack           *stack;
  GtkListView        *list_view;
  AdwStatusPage      *empty_page;
  GtkWidget          *demo_button;
};

enum { PROP_0, PROP_STORE, PROP_SETTINGS, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_CASE_ACTIVATED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FcCaseList, fc_case_list, GTK_TYPE_WIDGET)

static const FcCaseFilter filter_by_position[] = {
  FC_CASE_FILTER_TODAY, FC_CASE_FILTER_OPEN, FC_CASE_FILTER_AT_RISK,
  FC_CASE_FILTER_RETURNS, FC_CASE_FILTER_ALL,
};

static FcCaseFilter
current_filter (FcCaseList *self)
{
  guint pos = gtk_drop_down_get_selected (self->filter_dropdown);

  return pos < G_N_ELEMENTS (filter_by_position) ? filter_by_position[pos] : FC_CASE_FILTER_OPEN;
}

/* An empty store gets the offer of demo data; an empty filter does not.
 * (The model found out along with the ids, off the main thread.) */
static void
show_empty (FcCaseList *self,
            const char *description)
{
  gboolean empty_store = fc_case_list_model_is_store_empty (self->model);

  adw_status_page_set_title (self->empty_page, empty_store ? _("No Cases Yet") : _("No Cases"));
  adw_status_page_set_description (self->empty_page,
                                   empty_store ? _("Cases assigned to you appear here once the "
                                                   "device syncs. You can also try Fieldcase with "
                                                   "demo data.")
                                               : description);
  gtk_widget_set_visible (self->demo_button, empty_store);
  gtk_stack_set_visible_child_name (self->stack, "empty");
}

static void
reselect (FcCaseList *self)
{
  guint pos = self->selected_id != NULL
    ? fc_case_list_model_find (self->model, self->selected_id) : GTK_INVALID_LIST_POSITION;

  gtk_single_selection_set_selected (self->selection, pos);
}

static void
show_rows (FcCaseList *self)
{
  if (!self->loaded || !fc_case_list_model_is_loaded (self->model))
    return;
  g_debug ("case list: %u cases", g_list_model_get_n_items (G_LIST_MODEL (self->model)));
  if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) == 0)
    show_empty (self, _("No case matches this filter."));
  else
    gtk_stack_set_visible_child_name (self->stack, "list");
}

/* A reload's rows are all in: the page follows (not on each half of the
 * swap, or the stack would flip to "empty" and back). */
static void
reloaded_cb (FcCaseListModel *model,
             FcCaseList      *self)
{
  reselect (self);
  show_rows (self);
}

/* Whatever changed the rows (a reload, a case's row read again): the
 * selection is kept by case id. Connected (after) to the selection model,
 * so it runs once the selection and the list view have taken the change
 * in. */
static void
rows_changed_cb (GListModel *selection,
                 guint       position,
                 guint       removed,
                 guint       added,
                 FcCaseList *self)
{
  reselect (self);
}

static void
set_query (FcCaseList *self)
{
  g_autofree char *engineer = g_settings_get_string (self->settings, "engineer-name");

  fc_case_list_model_set_query (self->model, current_filter (self), engineer,
                                gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
}

static void
reload_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(FcCaseList) self = user_data;
  g_autoptr(GError) error = NULL;

  if (fc_case_list_model_reload_finish (FC_CASE_LIST_MODEL (source), result, &error))
    return;   /* reloaded_cb has shown them */
  /* Superseded by a newer query, or the list is going away. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  show_empty (self, error->message);
}

/* Off the main thread; the old rows stay until the new ones are in. */
static void
reload (FcCaseList *self)
{
  if (!self->loaded)
    return;
  set_query (self);
  fc_case_list_model_reload_async (self->model, self->cancellable, reload_done_cb,
                                   g_object_ref (self));
}

/* Here and now, for callers that use the rows on return. */
static void
reload_sync (FcCaseList *self)
{
  g_autoptr(GError) error = NULL;

  if (!self->loaded)
    return;
  set_query (self);
  if (!fc_case_list_model_reload (self->model, &error))
    show_empty (self, error->message);
}

static void
search_changed_cb (GtkSearchEntry *entry,
                   FcCaseList     *self)
{
  reload (self);
}

static void
filter_selected_cb (GtkDropDown *dropdown,
                    GParamSpec  *pspec,
                    FcCaseList  *self)
{
  const char *id = fc_ui_vocab_id (FC_UI_VOCAB_FILTER, gtk_drop_down_get_selected (dropdown));

  if (id != NULL && self->settings != NULL)
    g_settings_set_string (self->settings, "last-filter", id);
  if (self->reload_now)
    reload_sync (self);
  else
    reload (self);
}

static void
list_activate_cb (GtkListView *view,
                  guint        position,
                  FcCaseList  *self)
{
  g_autoptr(FcCase) c = g_list_model_get_item (G_LIST_MODEL (self->model), position);

  if (c == NULL)
    return;
  gtk_single_selection_set_selected (self->selection, position);
  g_free (self->selected_id);
  self->selected_id = g_strdup (fc_case_get_id (c));
  g_signal_emit (self, signals[SIGNAL_CASE_ACTIVATED], 0, self->selected_id);
}

static void
engineer_changed_cb (GSettings  *settings,
                     const char *key,
                     FcCaseList *self)
{
  if (current_filter (self) == FC_CASE_FILTER_TODAY)
    reload (self);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              FcCaseList               *self)
{
  gtk_list_item_set_child (item, fc_case_row_new ());
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             FcCaseList               *self)
{
  FcCaseRow *row = FC_CASE_ROW (gtk_list_item_get_child (item));
  FcCase *c = gtk_list_item_get_item (item);

  fc_case_row_set_case (row, c, fc_store_get_sla_policy (self->store),
                        fc_clock_now_ms (fc_store_get_clock (self->store)));
}

static void
setup_list (FcCaseList *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkStringList) filters = fc_ui_vocab_new_model (FC_UI_VOCAB_FILTER);
  g_autofree char *last = g_settings_get_string (self->settings, "last-filter");
  guint pos = fc_ui_vocab_position (FC_UI_VOCAB_FILTER, last);

  self->model = fc_case_list_model_new (self->store);
  fc_case_list_model_set_background (self->model, TRUE);
  g_signal_connect (self->model, "reloaded", G_CALLBACK (reloaded_cb), self);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  /* After every other handler, the list view's included: selecting from
   * inside its items-changed would show it positions it has not seen. */
  g_signal_connect_after (self->selection, "items-changed", G_CALLBACK (rows_changed_cb), self);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  gtk_list_view_set_factory (self->list_view, factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  gtk_drop_down_set_model (self->filter_dropdown, G_LIST_MODEL (filters));
  gtk_drop_down_set_selected (self->filter_dropdown,
                              pos != GTK_INVALID_LIST_POSITION ? pos : 1 /* open */);
  g_signal_connect_object (self->settings, "changed::engineer-name",
                           G_CALLBACK (engineer_changed_cb), self, 0);
}

static void
fc_case_list_constructed (GObject *object)
{
  FcCaseList *self = FC_CASE_LIST (object);

  G_OBJECT_CLASS (fc_case_list_parent_class)->constructed (object);
  g_assert (self->store != NULL && self->settings != NULL);
  setup_list (self);
}

static void
fc_case_list_dispose (GObject *object)
{
  FcCaseList *self = FC_CASE_LIST (object);

  g_cancellable_cancel (self->cancellable);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_func (self->selection, rows_changed_cb, self);
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_func (self->model, reloaded_cb, self);
  gtk_widget_dispose_template (GTK_WIDGET (self), FC_TYPE_CASE_LIST);
  fc_ui_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->selection);
  g_clear_object (&self->model);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (fc_case_list_parent_class)->dispose (object);
}

static void
fc_case_list_finalize (GObject *object)
{
  FcCaseList *self = FC_CASE_LIST (object);

  g_free (self->selected_id);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (fc_case_list_parent_class)->finalize (object);
}

static void
fc_case_list_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  FcCaseList *self = FC_CASE_LIST (object);

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
fc_case_list_class_init (FcCaseListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = fc_case_list_constructed;
  object_class->dispose = fc_case_list_dispose;
  object_class->finalize = fc_case_list_finalize;
  object_class->set_property = fc_case_list_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FC_TYPE_STORE,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A case was picked (click, Enter, or fc_case_list_select_case). */
  signals[SIGNAL_CASE_ACTIVATED] =
    g_signal_new ("case-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/fieldcase/Fieldcase/case-list/fc-case-list.ui");
  gtk_widget_class_bind_template_child (widget_class, FcCaseList, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FcCaseList, filter_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FcCaseList, stack);
  gtk_widget_class_bind_template_child (widget_class, FcCaseList, list_view);
  gtk_widget_class_bind_template_child (widget_class, FcCaseList, empty_page);
  gtk_widget_class_bind_template_child (widget_class, FcCaseList, demo_button);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, filter_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_activate_cb);
}

static void
fc_case_list_init (FcCaseList *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
fc_case_list_new (FcStore   *store,
                  GSettings *settings)
{
  g_return_val_if_fail (FC_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  return g_object_new (FC_TYPE_CASE_LIST, "store", store, "settings", settings, NULL);
}

FcCaseListModel *
fc_case_list_get_model (FcCaseList *self)
{
  g_return_val_if_fail (FC_IS_CASE_LIST (self), NULL);
  return self->model;
}

void
fc_case_list_load (FcCaseList *self)
{
  g_return_if_fail (FC_IS_CASE_LIST (self));
  self->loaded = TRUE;
  reload (self);
}

void
fc_case_list_set_filter (FcCaseList *self,
                         const char *filter_id)
{
  guint pos = fc_ui_vocab_position (FC_UI_VOCAB_FILTER, filter_id);

  g_return_if_fail (FC_IS_CASE_LIST (self));
  g_return_if_fail (pos != GTK_INVALID_LIST_POSITION);
  /* The caller (a command: "show open cases", a case just created) uses
   * the rows on return, so this reload is synchronous, even when the
   * dropdown is already there. */
  if (gtk_drop_down_get_selected (self->filter_dropdown) == pos)
    {
      reload_sync (self);
      return;
    }
  self->reload_now = TRUE;
  gtk_drop_down_set_selected (self->filter_dropdown, pos);
  self->reload_now = FALSE;
}

void
fc_case_list_show_filter (FcCaseList *self,
                          const char *filter_id)
{
  guint pos = fc_ui_vocab_position (FC_UI_VOCAB_FILTER, filter_id);

  g_return_if_fail (FC_IS_CASE_LIST (self));
  g_return_if_fail (pos != GTK_INVALID_LIST_POSITION);
  /* The same filter again reads it again (a sync may have changed it). */
  if (gtk_drop_down_get_selected (self->filter_dropdown) == pos)
    reload (self);
  else
    gtk_drop_down_set_selected (self->filter_dropdown, pos);   /* filter_selected_cb */
}

void
fc_case_list_set_search (FcCaseList *self,
                         const char *text)
{
  g_return_if_fail (FC_IS_CASE_LIST (self));
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  /* search-changed is delayed; the caller wants the result now. */
  reload_sync (self);
}

gboolean
fc_case_list_select_case (FcCaseList *self,
                          const char *case_id)
{
  guint pos;

  g_return_val_if_fail (FC_IS_CASE_LIST (self), FALSE);
  pos = fc_case_list_model_find (self->model, case_id);
  if (pos == GTK_INVALID_LIST_POSITION && fc_case_list_model_is_reloading (self->model))
    {
      /* Not listed yet, but a reload is on its way (a case just recorded):
       * open it now; rows_changed_cb selects its row when the ids land. */
      g_free (self->selected_id);
      self->selected_id = g_strdup (case_id);
      g_signal_emit (self, signals[SIGNAL_CASE_ACTIVATED], 0, self->selected_id);
      return TRUE;
    }
  if (pos == GTK_INVALID_LIST_POSITION)
    return FALSE;
  list_activate_cb (self->list_view, pos, self);
  /* GTK 4.8 has no gtk_list_view_scroll_to(); the list's own action does it. */
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", pos);
  return TRUE;
}

void
fc_case_list_focus_search (FcCaseList *self)
{
  g_return_if_fail (FC_IS_CASE_LIST (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}
