/* fc-deadline-watch.c: deadline transitions, polled. */
#include "fc-deadline-watch.h"

#include "fc-ui-format.h"

struct _FcDeadlineWatch {
  GObject     parent_instance;

  FcStore    *store;     /* owned */
  GHashTable *known;     /* owned: case id → FcDeadlineState + 1 */
  gboolean    primed;    /* a first check has run */
  guint       timer_id;
};

enum { SIGNAL_CASE_ENTERED, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FcDeadlineWatch, fc_deadline_watch, G_TYPE_OBJECT)

static void
fc_deadline_watch_finalize (GObject *object)
{
  FcDeadlineWatch *self = FC_DEADLINE_WATCH (object);

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_clear_pointer (&self->known, g_hash_table_unref);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (fc_deadline_watch_parent_class)->finalize (object);
}

static void
fc_deadline_watch_class_init (FcDeadlineWatchClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fc_deadline_watch_finalize;

  signals[SIGNAL_CASE_ENTERED] =
    g_signal_new ("case-entered", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_STRING, G_TYPE_INT);
}

static void
fc_deadline_watch_init (FcDeadlineWatch *self)
{
  self->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

FcDeadlineWatch *
fc_deadline_watch_new (FcStore *store)
{
  FcDeadlineWatch *self;

  g_return_val_if_fail (FC_IS_STORE (store), NULL);
  self = g_object_new (FC_TYPE_DEADLINE_WATCH, NULL);
  self->store = g_object_ref (store);
  return self;
}

static void
note_case (FcDeadlineWatch *self,
           FcCase          *c,
           FcDeadlineState  state)
{
  FcDeadlineState before = GPOINTER_TO_INT (g_hash_table_lookup (self->known, fc_case_get_id (c))) - 1;

  g_hash_table_insert (self->known, g_strdup (fc_case_get_id (c)), GINT_TO_POINTER (state + 1));
  if (!self->primed || before == state)
    return;
  if (state == FC_DEADLINE_OVERDUE || (state == FC_DEADLINE_WARNING && before != FC_DEADLINE_OVERDUE))
    g_signal_emit (self, signals[SIGNAL_CASE_ENTERED], 0, fc_case_get_id (c),
                   fc_case_get_number (c), (int) state);
}

void
fc_deadline_watch_check (FcDeadlineWatch *self)
{
  FcCaseQuery query = { .filter = FC_CASE_FILTER_AT_RISK, .limit = FC_DEADLINE_WATCH_LIMIT };
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now;

  g_return_if_fail (FC_IS_DEADLINE_WATCH (self));
  cases = fc_store_query_cases (self->store, &query, &error);
  if (cases == NULL)
    {
      g_debug ("deadline watch: %s", error->message);
      return;
    }
  now = fc_clock_now_ms (fc_store_get_clock (self->store));
  for (guint i = 0; i < cases->len; i++)
    {
      FcCase *c = g_ptr_array_index (cases, i);
      note_case (self, c, fc_ui_worst_deadline (fc_store_get_sla_policy (self->store),
                                                fc_case_get_fold (c), now));
    }
  self->primed = TRUE;
}

static gboolean
timer_cb (gpointer user_data)
{
  fc_deadline_watch_check (user_data);
  return G_SOURCE_CONTINUE;
}

void
fc_deadline_watch_start (FcDeadlineWatch *self,
                         guint            seconds)
{
  g_return_if_fail (FC_IS_DEADLINE_WATCH (self));
  g_clear_handle_id (&self->timer_id, g_source_remove);
  self->timer_id = g_timeout_add_seconds (seconds, timer_cb, self);
}
