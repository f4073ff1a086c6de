/* fc-case-list-model.c: ids up front, rows on demand. */
#include "fc-case-list-model.h"

#include <gtk/gtk.h>

struct _FcCaseListModel {
  GObject      parent_instance;

  FcStore     *store;      /* owned */
  GPtrArray   *ids;        /* owned, char*; NULL until the first reload */
  GHashTable  *index;      /* owned, id (borrowed from ids) → position + 1 */
  GHashTable  *cache;      /* owned, id (owned) → FcCase (owned) */
  FcCaseFilter filter;
  char        *assignee;   /* owned, nullable */
  char        *text;       /* owned, nullable */
  gulong       case_changed_id;
  gulong       changed_id;
};

enum { PROP_0, PROP_STORE, PROP_LOADED, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FcCaseListModel, fc_case_list_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
fc_case_list_model_get_item_type (GListModel *model)
{
  return FC_TYPE_CASE;
}

static guint
fc_case_list_model_get_n_items (GListModel *model)
{
  FcCaseListModel *self = FC_CASE_LIST_MODEL (model);

  return self->ids != NULL ? self->ids->len : 0;
}

/* Dropping the whole cache when full is crude but cheap: a list view asks
 * for the rows near what is on screen, so they come back at once. */
static void
cache_put (FcCaseListModel *self,
           const char      *id,
           FcCase          *c)
{
  if (g_hash_table_size (self->cache) >= FC_CASE_LIST_CACHE_MAX)
    g_hash_table_remove_all (self->cache);
  g_hash_table_insert (self->cache, g_strdup (id), g_object_ref (c));
}

static gpointer
fc_case_list_model_get_item (GListModel *model,
                             guint       position)
{
  FcCaseListModel *self = FC_CASE_LIST_MODEL (model);
  g_autoptr(GError) error = NULL;
  const char *id;
  FcCase *c;

  if (self->ids == NULL || position >= self->ids->len)
    return NULL;
  id = g_ptr_array_index (self->ids, position);
  c = g_hash_table_lookup (self->cache, id);
  if (c != NULL)
    return g_object_ref (c);
  c = fc_store_get_case (self->store, id, &error);
  if (c == NULL)
    {
      /* Gone under us (another process): the next reload drops it. */
      g_debug ("case %s: %s", id, error->message);
      return NULL;
    }
  cache_put (self, id, c);
  return c;
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = fc_case_list_model_get_item_type;
  iface->get_n_items = fc_case_list_model_get_n_items;
  iface->get_item = fc_case_list_model_get_item;
}

static void
rebuild_index (FcCaseListModel *self)
{
  g_hash_table_remove_all (self->index);
  for (guint i = 0; i < self->ids->len; i++)
    g_hash_table_insert (self->index, g_ptr_array_index (self->ids, i), GUINT_TO_POINTER (i + 1));
}

/* A known case changed: its row is read again. A new one needs the query. */
static void
store_case_changed_cb (FcStore         *store,
                       const char      *case_id,
                       FcCaseListModel *self)
{
  guint pos = fc_case_list_model_find (self, case_id);

  if (self->ids == NULL)
    return;
  if (pos == GTK_INVALID_LIST_POSITION)
    {
      fc_case_list_model_reload (self, NULL);
      return;
    }
  g_hash_table_remove (self->cache, case_id);
  g_list_model_items_changed (G_LIST_MODEL (self), pos, 1, 1);
}

static void
store_changed_cb (FcStore         *store,
                  FcCaseListModel *self)
{
  if (self->ids != NULL)
    fc_case_list_model_reload (self, NULL);
}

static void
fc_case_list_model_constructed (GObject *object)
{
  FcCaseListModel *self = FC_CASE_LIST_MODEL (object);

  G_OBJECT_CLASS (fc_case_list_model_parent_class)->constructed (object);
  g_assert (self->store != NULL);
  self->case_changed_id = g_signal_connect (self->store, "case-changed",
                                            G_CALLBACK (store_case_changed_cb), self);
  self->changed_id = g_signal_connect (self->store, "changed",
                                       G_CALLBACK (store_changed_cb), self);
}

static void
fc_case_list_model_dispose (GObject *object)
{
  FcCaseListModel *self = FC_CASE_LIST_MODEL (object);

  if (self->store != NULL)
    {
      g_clear_signal_handler (&self->case_changed_id, self->store);
      g_clear_signal_handler (&self->changed_id, self->store);
    }
  g_clear_object (&self->store);
  G_OBJECT_CLASS (fc_case_list_model_parent_class)->dispose (object);
}

static void
fc_case_list_model_finalize (GObject *object)
{
  FcCaseListModel *self = FC_CASE_LIST_MODEL (object);

  g_clear_pointer (&self->index, g_hash_table_unref);
  g_clear_pointer (&self->ids, g_ptr_array_unref);
  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_pointer (&self->assignee, g_free);
  g_clear_pointer (&self->text, g_free);
  G_OBJECT_CLASS (fc_case_list_model_parent_class)->finalize (object);
}

static void
fc_case_list_model_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  FcCaseListModel *self = FC_CASE_LIST_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_LOADED:
      g_value_set_boolean (value, self->ids != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fc_case_list_model_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  FcCaseListModel *self = FC_CASE_LIST_MODEL (object);

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
fc_case_list_model_class_init (FcCaseListModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = fc_case_list_model_constructed;
  object_class->dispose = fc_case_list_model_dispose;
  object_class->finalize = fc_case_list_model_finalize;
  object_class->get_property = fc_case_list_model_get_property;
  object_class->set_property = fc_case_list_model_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FC_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fc_case_list_model_init (FcCaseListModel *self)
{
  self->filter = FC_CASE_FILTER_OPEN;
  self->index = g_hash_table_new (g_str_hash, g_str_equal);
  self->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

FcCaseListModel *
fc_case_list_model_new (FcStore *store)
{
  g_return_val_if_fail (FC_IS_STORE (store), NULL);
  return g_object_new (FC_TYPE_CASE_LIST_MODEL, "store", store, NULL);
}

FcStore *
fc_case_list_model_get_store (FcCaseListModel *self)
{
  g_return_val_if_fail (FC_IS_CASE_LIST_MODEL (self), NULL);
  return self->store;
}

void
fc_case_list_model_set_query (FcCaseListModel *self,
                              FcCaseFilter     filter,
                              const char      *assignee,
                              const char      *text)
{
  g_return_if_fail (FC_IS_CASE_LIST_MODEL (self));

  self->filter = filter;
  g_free (self->assignee);
  self->assignee = (assignee != NULL && *assignee != '\0') ? g_strdup (assignee) : NULL;
  g_free (self->text);
  self->text = (text != NULL && *text != '\0') ? g_strdup (text) : NULL;
}

gboolean
fc_case_list_model_reload (FcCaseListModel *self,
                           GError         **error)
{
  FcCaseQuery query = { 0 };
  g_autoptr(GPtrArray) ids = NULL;
  guint old_n, new_n;
  gboolean was_loaded;

  g_return_val_if_fail (FC_IS_CASE_LIST_MODEL (self), FALSE);

  query.filter = self->filter;
  /* "My visits today" is the only filter about one engineer. */
  query.assignee = self->filter == FC_CASE_FILTER_TODAY ? self->assignee : NULL;
  query.text = self->text;
  ids = fc_store_query_case_ids (self->store, &query, error);
  if (ids == NULL)
    return FALSE;
  was_loaded = self->ids != NULL;
  old_n = was_loaded ? self->ids->len : 0;
  g_clear_pointer (&self->ids, g_ptr_array_unref);
  self->ids = g_steal_pointer (&ids);
  new_n = self->ids->len;
  rebuild_index (self);
  g_hash_table_remove_all (self->cache);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, new_n);
  if (!was_loaded)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
  return TRUE;
}

gboolean
fc_case_list_model_is_loaded (FcCaseListModel *self)
{
  g_return_val_if_fail (FC_IS_CASE_LIST_MODEL (self), FALSE);
  return self->ids != NULL;
}

guint
fc_case_list_model_find (FcCaseListModel *self,
                         const char      *case_id)
{
  gpointer pos;

  g_return_val_if_fail (FC_IS_CASE_LIST_MODEL (self), GTK_INVALID_LIST_POSITION);
  pos = g_hash_table_lookup (self->index, case_id);
  return pos != NULL ? GPOINTER_TO_UINT (pos) - 1 : GTK_INVALID_LIST_POSITION;
}

guint
fc_case_list_model_get_cached (FcCaseListModel *self)
{
  g_return_val_if_fail (FC_IS_CASE_LIST_MODEL (self), 0);
  return g_hash_table_size (self->cache);
}
