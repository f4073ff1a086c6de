/* fc-case-list-model.c: ids up front (on a worker), rows on demand. */
#include "fc-case-list-model.h"

#include <gtk/gtk.h>

/* What the id-query workers share: a second FcStore on the same file,
 * opened by the first worker that needs it. An FcStore (and its SQLite
 * connection, opened NOMUTEX) must not be used by two threads at once, so
 * one worker at a time holds @lock; the pool may run successive queries on
 * different threads, which SQLite allows. It only ever reads: it opens a
 * file the app's own store has already created and migrated, and the
 * workers call nothing but queries on it. Reference-counted (GAtomicRcBox)
 * so that a worker still running when the model goes away keeps it. */
typedef struct {
  GMutex   lock;
  char    *path;     /* owned */
  FcClock *clock;    /* owned: set to the asking thread's "now" per query */
  FcStore *store;    /* owned, NULL until the first query */
} Reader;

typedef struct {
  Reader      *reader;     /* a reference */
  FcCaseFilter filter;
  char        *assignee;   /* owned, nullable */
  char        *text;       /* owned, nullable */
  gint64       now_ms;     /* the main store's clock when asked */
} IdsQuery;

typedef struct {
  GPtrArray  *ids;         /* owned, char* */
  GHashTable *index;       /* owned, id (borrowed from ids) → position + 1 */
  gboolean    store_empty;
} IdsResult;

struct _FcCaseListModel {
  GObject       parent_instance;

  FcStore      *store;      /* owned */
  GPtrArray    *ids;        /* owned, char*; NULL until the first reload */
  GHashTable   *index;      /* owned, id (borrowed from ids) → position + 1; NULL with ids */
  GHashTable   *cache;      /* owned, id (owned) → FcCase (owned) */
  guint         n_shown;    /* what the views know of: the first n_shown of ids */
  guint64      *asked;      /* owned: a bit per position of ids, set once get_item handed
                             * it out (only those can have a row widget, see swap_step) */
  gboolean      loaded;     /* a first reload has landed, all of it */
  IdsResult    *pending;    /* owned, nullable: landed ids waiting for the old rows to go */
  GTask        *swap_outer; /* owned, nullable: the reload being swapped in */
  guint         swap_id;    /* the next step of a swap */
  FcCaseFilter  filter;
  char         *assignee;   /* owned, nullable */
  char         *text;       /* owned, nullable */
  gboolean      store_empty;
  Reader       *reader;     /* a reference, NULL until the first reload_async */
  GCancellable *query_cancellable; /* owned, nullable: the newest query in flight */
  guint         reload_idle_id;    /* a store change waiting to reload */
  gboolean      background;        /* store changes reload on a worker */
  gulong        case_changed_id;
  gulong        changed_id;
};

enum { PROP_0, PROP_STORE, PROP_LOADED, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNAL_RELOADED, N_SIGNALS };
static guint signals[N_SIGNALS];

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

  return self->n_shown;
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

static gboolean
was_asked (FcCaseListModel *self,
           guint            position)
{
  return (self->asked[position / 64] >> (position % 64)) & 1;
}

static gpointer
fc_case_list_model_get_item (GListModel *model,
                             guint       position)
{
  FcCaseListModel *self = FC_CASE_LIST_MODEL (model);
  g_autoptr(GError) error = NULL;
  const char *id;
  FcCase *c;

  if (position >= self->n_shown)
    return NULL;
  self->asked[position / 64] |= G_GUINT64_CONSTANT (1) << (position % 64);
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

/* Id → position + 1, keys borrowed from @ids. Built where the ids are read
 * (on the worker for reload_async): 92,000 inserts are 10–25 ms. */
static GHashTable *
build_index (GPtrArray *ids)
{
  GHashTable *index = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < ids->len; i++)
    g_hash_table_insert (index, g_ptr_array_index (ids, i), GUINT_TO_POINTER (i + 1));
  return index;
}

typedef struct {
  GPtrArray  *ids;
  GHashTable *index;
} Retired;

static void
retired_free (gpointer data,
              gpointer unused)
{
  Retired *r = data;

  /* The index borrows its keys from the ids: it goes first. */
  g_clear_pointer (&r->index, g_hash_table_unref);
  g_clear_pointer (&r->ids, g_ptr_array_unref);
  g_free (r);
}

/* Freeing 92,000 ids and their index takes 5–10 ms on the main thread:
 * a big list is freed by a thread of its own. Small ones are not worth
 * the hand-over. One thread, shared by every model, that lives as long
 * as the process (the pool keeps what it has not freed yet reachable). */
#define RETIRE_ON_THREAD_MIN 4096

static void
retire_ids (GPtrArray  *ids,
            GHashTable *index)
{
  static GThreadPool *pool;
  Retired *r;

  if (ids == NULL)
    {
      g_clear_pointer (&index, g_hash_table_unref);
      return;
    }
  r = g_new0 (Retired, 1);
  r->ids = ids;
  r->index = index;
  if (ids->len < RETIRE_ON_THREAD_MIN)
    {
      retired_free (r, NULL);
      return;
    }
  if (g_once_init_enter (&pool))
    g_once_init_leave (&pool, g_thread_pool_new (retired_free, NULL, 1, FALSE, NULL));
  g_thread_pool_push (pool, r, NULL);
}

static gboolean
reload_idle_cb (gpointer data)
{
  FcCaseListModel *self = data;

  self->reload_idle_id = 0;
  fc_case_list_model_reload_async (self, NULL, NULL, NULL);
  return G_SOURCE_REMOVE;
}

/* A sync batch or a recorded step emits a burst of signals: in the
 * background they become one query, run once the burst is over, off the
 * main thread. */
static void
schedule_reload (FcCaseListModel *self)
{
  if (self->ids == NULL || self->reload_idle_id != 0)
    return;
  if (!self->background)
    {
      fc_case_list_model_reload (self, NULL);
      return;
    }
  self->reload_idle_id = g_idle_add_full (G_PRIORITY_DEFAULT, reload_idle_cb, self, NULL);
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
      /* Or listed in ids a swap has not shown yet: that swap reads it. */
      schedule_reload (self);
      return;
    }
  g_hash_table_remove (self->cache, case_id);
  g_list_model_items_changed (G_LIST_MODEL (self), pos, 1, 1);
}

/* Order or membership may have changed (a new step, a sync, a policy). */
static void
store_changed_cb (FcStore         *store,
                  FcCaseListModel *self)
{
  schedule_reload (self);
}

/* ---- the id query, on a worker ---- */

static void
reader_clear (gpointer data)
{
  Reader *reader = data;

  g_clear_object (&reader->store);
  g_clear_object (&reader->clock);
  g_free (reader->path);
  g_mutex_clear (&reader->lock);
}

static void
reader_unref (Reader *reader)
{
  g_atomic_rc_box_release_full (reader, reader_clear);
}

static void
ids_query_free (gpointer data)
{
  IdsQuery *q = data;

  reader_unref (q->reader);
  g_free (q->assignee);
  g_free (q->text);
  g_free (q);
}

static void
ids_result_free (gpointer data)
{
  IdsResult *r = data;

  retire_ids (g_steal_pointer (&r->ids), g_steal_pointer (&r->index));
  g_free (r);
}

/* The store has no case at all (not merely none for this filter). */
static gboolean
store_has_no_case (FcStore *store)
{
  FcCaseQuery all = { .filter = FC_CASE_FILTER_ALL, .limit = 1 };
  g_autoptr(GPtrArray) ids = fc_store_query_case_ids (store, &all, NULL);

  return ids != NULL && ids->len == 0;
}

static FcCaseQuery
make_query (FcCaseFilter filter,
            const char  *assignee,
            const char  *text)
{
  FcCaseQuery query = { 0 };

  query.filter = filter;
  /* "My visits today" is the only filter about one engineer. */
  query.assignee = filter == FC_CASE_FILTER_TODAY ? assignee : NULL;
  query.text = text;
  return query;
}

/* On a worker thread. */
static void
query_ids_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  IdsQuery *q = task_data;
  Reader *reader = q->reader;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&reader->lock);
  g_autoptr(GError) error = NULL;
  FcCaseQuery query = make_query (q->filter, q->assignee, q->text);
  IdsResult *result;
  GPtrArray *ids;

  /* Superseded while it waited for the connection: not worth running. A
   * query already running is not interrupted; its ids are dropped. */
  if (g_task_return_error_if_cancelled (task))
    return;
  if (reader->store == NULL)
    {
      reader->store = fc_store_new_with_clock (reader->path, reader->clock, &error);
      if (reader->store == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  /* The same "now" as the main store's (at-risk and today depend on it). */
  fc_clock_set_fixed_ms (reader->clock, q->now_ms);
  ids = fc_store_query_case_ids (reader->store, &query, &error);
  if (ids == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  result = g_new0 (IdsResult, 1);
  result->ids = ids;
  result->index = build_index (ids);
  result->store_empty = ids->len == 0 && store_has_no_case (reader->store);
  g_task_return_pointer (task, result, ids_result_free);
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

  g_clear_handle_id (&self->reload_idle_id, g_source_remove);
  if (self->query_cancellable != NULL)
    g_cancellable_cancel (self->query_cancellable);
  g_clear_object (&self->query_cancellable);
  /* No swap is in progress here: its GTask holds a reference. */
  g_assert (self->swap_id == 0 && self->swap_outer == NULL);
  g_clear_pointer (&self->pending, ids_result_free);
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

  retire_ids (g_steal_pointer (&self->ids), g_steal_pointer (&self->index));
  g_clear_pointer (&self->asked, g_free);
  g_clear_pointer (&self->cache, g_hash_table_unref);
  g_clear_pointer (&self->assignee, g_free);
  g_clear_pointer (&self->text, g_free);
  g_clear_pointer (&self->reader, reader_unref);
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
      g_value_set_boolean (value, self->loaded);
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

  /* A reload's ids are all in (every step of the swap, see swap_step). */
  signals[SIGNAL_RELOADED] =
    g_signal_new ("reloaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
fc_case_list_model_init (FcCaseListModel *self)
{
  self->filter = FC_CASE_FILTER_OPEN;
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

/* The new ids replace the old ones. Not as one items-changed (0, old, new):
 * GTK 4.8's list view, when a change removes a row it tracks (the one at
 * the top, the focused one, the selected one), looks for it among every
 * added row by reading each, and GtkSingleSelection does the same for its
 * selected row: 92,000 SQLite reads, seconds of frozen window on a 100k
 * store (tests/bench/bench-list-stall). Removing all, then adding all,
 * costs neither search.
 *
 * Even so, GTK 4.8's list view keeps ~200 row widgets around its anchor:
 * one "remove all" destroys them (20–45 ms), one "add all" builds and binds
 * 200 new ones (30–70 ms), and the next frame measures all 200 (~100 ms).
 * So the swap goes a few dozen rows per main-loop iteration: the old rows
 * are removed from the end, then the new ones added from the start. Up to
 * the first new rows (a screenful), the steps run back to back at
 * G_PRIORITY_DEFAULT, ahead of GDK's frame clock (GDK_PRIORITY_REDRAW), so
 * no frame shows the list half-removed or empty; the rest come one step
 * per frame or so (a timeout below the frame clock's priority), so no frame
 * has more than a step's rows to measure. Rows GTK never asked for have no
 * widget: those go (or come) in one step. "reloaded" follows the last. */
#define SWAP_ROWS_PER_STEP 40
#define SWAP_STEP_INTERVAL_MS 20

typedef enum {
  SWAP_DONE,
  SWAP_NEXT_NOW,         /* before the next frame */
  SWAP_NEXT_AFTER_FRAME,
} SwapNext;

static void
remove_shown (FcCaseListModel *self,
              guint            from)
{
  guint removed = self->n_shown - from;

  self->n_shown = from;
  g_list_model_items_changed (G_LIST_MODEL (self), from, removed, 0);
}

/* Puts the pending ids in place of the (no longer shown) old ones. */
static void
install_pending (FcCaseListModel *self)
{
  IdsResult *r = g_steal_pointer (&self->pending);

  g_assert (self->n_shown == 0);
  retire_ids (g_steal_pointer (&self->ids), g_steal_pointer (&self->index));
  self->ids = g_steal_pointer (&r->ids);
  self->index = g_steal_pointer (&r->index);
  self->store_empty = r->store_empty;
  g_free (self->asked);
  self->asked = g_new0 (guint64, self->ids->len / 64 + 1);
  g_hash_table_remove_all (self->cache);
  g_free (r);
}

static void
finish_swap (FcCaseListModel *self)
{
  g_autoptr(GTask) outer = g_steal_pointer (&self->swap_outer);
  gboolean was_loaded = self->loaded;

  self->loaded = TRUE;
  if (!was_loaded)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
  g_signal_emit (self, signals[SIGNAL_RELOADED], 0);
  /* Last: it may hold the last reference to self. */
  if (outer != NULL)
    g_task_return_boolean (outer, TRUE);
}

/* One step; SWAP_DONE once the new ids are all shown. */
static SwapNext
swap_step (FcCaseListModel *self)
{
  if (self->pending != NULL)
    {
      if (self->n_shown > 0)
        {
          guint from = self->n_shown;
          guint n_asked = 0;

          /* Back from the end, up to the SWAP_ROWS_PER_STEP-th row GTK has
           * asked for; the rows it never asked for in between cost nothing. */
          while (from > 0 && n_asked < SWAP_ROWS_PER_STEP)
            {
              if ((from & 63) == 0 && self->asked[from / 64 - 1] == 0)
                {
                  from -= 64;
                  continue;
                }
              from--;
              n_asked += was_asked (self, from);
            }
          remove_shown (self, from);
          return SWAP_NEXT_NOW;
        }
      install_pending (self);
    }
  if (self->n_shown < self->ids->len)
    {
      guint from = self->n_shown;
      guint added;

      /* Once GTK stops asking for the last row shown, the rows after it
       * get no widget: the rest comes in one step. */
      if (from > 0 && !was_asked (self, from - 1))
        added = self->ids->len - from;
      else
        added = MIN (SWAP_ROWS_PER_STEP, self->ids->len - from);
      self->n_shown += added;
      g_list_model_items_changed (G_LIST_MODEL (self), from, 0, added);
      if (self->n_shown < self->ids->len)
        return SWAP_NEXT_AFTER_FRAME;
    }
  return SWAP_DONE;
}

static gboolean swap_step_cb (gpointer data);

static void
schedule_swap_step (FcCaseListModel *self,
                    SwapNext         next)
{
  if (next == SWAP_NEXT_NOW)
    self->swap_id = g_idle_add_full (G_PRIORITY_DEFAULT, swap_step_cb, self, NULL);
  else
    /* G_PRIORITY_DEFAULT, not idle: while the spinner animates, a frame is
     * always due (GDK_PRIORITY_REDRAW), and with a wide window drawn in
     * software an idle-priority step never ran — the list stayed on its
     * spinner. The 20 ms interval is what leaves the frames their turn. */
    self->swap_id = g_timeout_add_full (G_PRIORITY_DEFAULT, SWAP_STEP_INTERVAL_MS,
                                        swap_step_cb, self, NULL);
}

static gboolean
swap_step_cb (gpointer data)
{
  FcCaseListModel *self = data;
  SwapNext next = swap_step (self);

  self->swap_id = 0;
  if (next != SWAP_DONE)
    schedule_swap_step (self, next);
  else
    finish_swap (self);
  return G_SOURCE_REMOVE;
}

/* A reload that will not be swapped in after all. */
static void
drop_swap (FcCaseListModel *self)
{
  g_autoptr(GTask) outer = g_steal_pointer (&self->swap_outer);

  g_clear_handle_id (&self->swap_id, g_source_remove);
  g_clear_pointer (&self->pending, ids_result_free);
  if (outer != NULL)
    g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Superseded");
}

/* Main thread: ids read on a worker start replacing what is shown. */
static void
start_swap (FcCaseListModel *self,
            IdsResult       *result,
            GTask           *outer)
{
  g_object_ref (self);   /* drop_swap may drop the last reference */
  drop_swap (self);
  self->pending = result;
  self->swap_outer = outer;
  {
    SwapNext next = swap_step (self);

    if (next != SWAP_DONE)
      schedule_swap_step (self, next);
    else
      finish_swap (self);
  }
  g_object_unref (self);
}

/* All at once, for the synchronous reload: its caller uses the rows on
 * return. */
static void
apply_now (FcCaseListModel *self,
           GPtrArray       *ids,
           gboolean         store_empty)
{
  drop_swap (self);
  if (self->n_shown > 0)
    remove_shown (self, 0);
  self->pending = g_new0 (IdsResult, 1);
  self->pending->ids = ids;
  self->pending->index = build_index (ids);
  self->pending->store_empty = store_empty;
  install_pending (self);
  self->n_shown = self->ids->len;
  if (self->n_shown > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, self->n_shown);
  finish_swap (self);
}

/* A newer query makes the one in flight moot: it must never land late. */
static void
supersede_query (FcCaseListModel *self)
{
  g_clear_handle_id (&self->reload_idle_id, g_source_remove);
  if (self->query_cancellable != NULL)
    g_cancellable_cancel (self->query_cancellable);
  g_clear_object (&self->query_cancellable);
}

gboolean
fc_case_list_model_reload (FcCaseListModel *self,
                           GError         **error)
{
  FcCaseQuery query;
  GPtrArray *ids;

  g_return_val_if_fail (FC_IS_CASE_LIST_MODEL (self), FALSE);

  supersede_query (self);
  query = make_query (self->filter, self->assignee, self->text);
  ids = fc_store_query_case_ids (self->store, &query, error);
  if (ids == NULL)
    return FALSE;
  apply_now (self, ids, ids->len == 0 && store_has_no_case (self->store));
  return TRUE;
}

/* Main thread: the worker's answer. */
static void
ids_ready_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  FcCaseListModel *self = FC_CASE_LIST_MODEL (source);
  g_autoptr(GTask) outer = user_data;
  g_autoptr(GError) error = NULL;
  IdsResult *ids;

  if (g_task_get_cancellable (G_TASK (result)) == self->query_cancellable)
    g_clear_object (&self->query_cancellable);
  /* A superseded query's GTask reports G_IO_ERROR_CANCELLED here even if its
   * worker had finished: that is what keeps it from being applied late. */
  ids = g_task_propagate_pointer (G_TASK (result), &error);
  if (ids == NULL)
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }
  if (g_task_return_error_if_cancelled (outer))
    {
      ids_result_free (ids);
      return;
    }
  /* @outer finishes when the last step is in (or a newer one lands). */
  start_swap (self, ids, g_steal_pointer (&outer));
}

void
fc_case_list_model_reload_async (FcCaseListModel    *self,
                                 GCancellable       *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer            user_data)
{
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) task = NULL;
  IdsQuery *q;

  g_return_if_fail (FC_IS_CASE_LIST_MODEL (self));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, fc_case_list_model_reload_async);
  supersede_query (self);
  if (self->reader == NULL)
    {
      self->reader = g_atomic_rc_box_new0 (Reader);
      g_mutex_init (&self->reader->lock);
      self->reader->path = g_strdup (fc_store_get_path (self->store));
      self->reader->clock = fc_clock_new ();
    }
  q = g_new0 (IdsQuery, 1);
  q->reader = g_atomic_rc_box_acquire (self->reader);
  q->filter = self->filter;
  q->assignee = g_strdup (self->assignee);
  q->text = g_strdup (self->text);
  q->now_ms = fc_clock_now_ms (fc_store_get_clock (self->store));

  self->query_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->query_cancellable, ids_ready_cb, g_steal_pointer (&outer));
  g_task_set_source_tag (task, query_ids_thread);
  g_task_set_task_data (task, q, ids_query_free);
  g_task_run_in_thread (task, query_ids_thread);
}

gboolean
fc_case_list_model_reload_finish (FcCaseListModel *self,
                                  GAsyncResult    *result,
                                  GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
fc_case_list_model_is_reloading (FcCaseListModel *self)
{
  g_return_val_if_fail (FC_IS_CASE_LIST_MODEL (self), FALSE);
  return self->query_cancellable != NULL || self->reload_idle_id != 0 || self->swap_id != 0;
}

void
fc_case_list_model_set_background (FcCaseListModel *self,
                                   gboolean         background)
{
  g_return_if_fail (FC_IS_CASE_LIST_MODEL (self));
  self->background = background;
}

gboolean
fc_case_list_model_is_store_empty (FcCaseListModel *self)
{
  g_return_val_if_fail (FC_IS_CASE_LIST_MODEL (self), FALSE);
  return self->store_empty;
}

gboolean
fc_case_list_model_is_loaded (FcCaseListModel *self)
{
  g_return_val_if_fail (FC_IS_CASE_LIST_MODEL (self), FALSE);
  return self->loaded;
}

guint
fc_case_list_model_find (FcCaseListModel *self,
                         const char      *case_id)
{
  gpointer pos;

  g_return_val_if_fail (FC_IS_CASE_LIST_MODEL (self), GTK_INVALID_LIST_POSITION);
  if (self->index == NULL)
    return GTK_INVALID_LIST_POSITION;
  pos = g_hash_table_lookup (self->index, case_id);
  /* Mid-swap, only what the views know of counts. */
  return pos != NULL && GPOINTER_TO_UINT (pos) - 1 < self->n_shown
    ? GPOINTER_TO_UINT (pos) - 1 : GTK_INVALID_LIST_POSITION;
}

guint
fc_case_list_model_get_cached (FcCaseListModel *self)
{
  g_return_val_if_fail (FC_IS_CASE_LIST_MODEL (self), 0);
  return g_hash_table_size (self->cache);
}
