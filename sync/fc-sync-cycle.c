/* fc-sync-cycle.c: one sync cycle.
 *
 *   round:  pending events (≤ batch limit)
 *           → HEAD/PUT each blob they reference that HQ may lack
 *           → POST /v1/sync (the events, the cursor) → parse (worker thread)
 *           → write the page and its cursor (worker thread, its own store
 *             connection, one transaction), the next page already on its way
 *           → again while HQ says "more" or a full batch went out
 *   then:   reference data deltas, when due (best effort)
 *
 * Every step is idempotent on both sides, so a cycle cut anywhere (cancel,
 * crash, lost response) is simply run again.
 */
#include "fc-sync-client-private.h"

#include "fc-store-private.h"

#include <string.h>
#include <time.h>

typedef struct {
  gint64      t_sent;       /* monotonic µs: this round's request went out */
  gint64      t_parsed;     /* … its response was parsed */
  GPtrArray  *batch;        /* FcEvent*: the pending events of this round */
  GPtrArray  *to_send;      /* FcEvent*, borrowed from batch: ready to go */
  GPtrArray  *blobs;        /* char*: hashes to confirm at HQ this round */
  GHashTable *missing;      /* hashes neither here nor at HQ: their events wait */
  guint       blob_index;
  guint       rounds;
  /* pulled pages: parsed, applied on a worker thread, one at a time */
  gboolean    returned;     /* the task has its result: late callbacks do nothing */
  gboolean    in_flight;    /* a request is out or its response being parsed */
  gboolean    applying;     /* a page is being written */
  FcSyncPage *ready;        /* parsed, waiting for the page before it */
  FcSyncPage *applied;      /* written, its round not yet concluded */
  FcStore    *writer;       /* the connection pages are written through (worker) */
  GError     *deferred;     /* a failure that waits for the page being written */
  /* reference data */
  guint       ref_index;
} Cycle;

static void
cycle_free (Cycle *c)
{
  g_clear_pointer (&c->batch, g_ptr_array_unref);
  g_clear_pointer (&c->to_send, g_ptr_array_unref);
  g_clear_pointer (&c->blobs, g_ptr_array_unref);
  g_clear_pointer (&c->missing, g_hash_table_unref);
  g_clear_pointer (&c->ready, fc_sync_page_free);
  g_clear_pointer (&c->applied, fc_sync_page_free);
  g_clear_object (&c->writer);
  g_clear_error (&c->deferred);
  g_free (c);
}

static void round_begin (GTask *task);
static void blob_next (GTask *task);
static void push_batch (GTask *task);
static void reference_next (GTask *task);

static FcSyncClient *
task_client (GTask *task)
{
  return g_task_get_source_object (task);
}

static gboolean
return_if_cancelled (GTask *task)
{
  return g_task_return_error_if_cancelled (task);
}

/* ---- blobs: the store's "synced" mark ---- */

/* -1: not in this store; 0: here, HQ not known to have it; 1: at HQ. */
static int
blob_sync_mark (FcStore    *store,
                const char *sha256)
{
  g_autoptr(FcStmt) stmt = fc_stmt_prepare (fc_store_get_db (store),
                                            "SELECT synced FROM blobs WHERE sha256 = ?", NULL);

  if (stmt == NULL)
    return 0;
  fc_stmt_bind_text (stmt, 1, sha256);
  if (!fc_stmt_step (stmt, NULL))
    return -1;
  return fc_stmt_int64 (stmt, 0) != 0 ? 1 : 0;
}

static void
blob_mark_synced (FcStore    *store,
                  const char *sha256)
{
  g_autoptr(FcStmt) stmt = fc_stmt_prepare (fc_store_get_db (store),
                                            "UPDATE blobs SET synced = 1 WHERE sha256 = ?", NULL);
  g_autoptr(GError) error = NULL;

  if (stmt == NULL)
    return;
  fc_stmt_bind_text (stmt, 1, sha256);
  /* Losing the mark costs one HEAD next time, nothing more. */
  if (!fc_stmt_run (stmt, &error))
    g_debug ("Could not mark a blob as at HQ: %s", error->message);
}

/* Hashes the batch references that are not known to be at HQ. A hash this
 * store lacks is still asked about: another device may have sent it. */
static void
collect_blobs (FcStore   *store,
               Cycle     *c)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_clear_pointer (&c->blobs, g_ptr_array_unref);
  c->blobs = g_ptr_array_new_with_free_func (g_free);
  c->blob_index = 0;
  for (guint i = 0; i < c->batch->len; i++)
    {
      g_autoptr(GPtrArray) shas = fc_sync_wire_event_blobs (g_ptr_array_index (c->batch, i));
      for (guint k = 0; k < shas->len; k++)
        {
          const char *sha = g_ptr_array_index (shas, k);
          if (g_hash_table_contains (seen, sha) || g_hash_table_contains (c->missing, sha) ||
              blob_sync_mark (store, sha) == 1)
            continue;
          g_ptr_array_add (c->blobs, g_strdup (sha));
          g_hash_table_add (seen, g_ptr_array_index (c->blobs, c->blobs->len - 1));
        }
    }
}

static void
blob_put_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcSyncClient *self = task_client (task);
  Cycle *c = g_task_get_task_data (task);
  const char *sha = g_ptr_array_index (c->blobs, c->blob_index);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = fc_sync_http_send_finish (self, result, NULL, &error);

  if (body == NULL && fc_sync_error_is_transient (error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (body == NULL)
    {
      /* HQ refuses these bytes (they do not hash to their name: a damaged
       * store). Their events wait, shown as pending; the rest goes on. */
      g_debug ("HQ refused blob %s: %s", sha, error->message);
      g_hash_table_add (c->missing, g_strdup (sha));
    }
  else
    blob_mark_synced (self->store, sha);
  c->blob_index++;
  blob_next (task);
}

static void
blob_put (GTask      *task,
          const char *sha)
{
  FcSyncClient *self = task_client (task);
  Cycle *c = g_task_get_task_data (task);
  g_autofree char *mime = NULL;
  g_autofree char *path = g_strconcat ("/v1/blobs/", sha, NULL);
  g_autoptr(GBytes) data = fc_store_get_blob (self->store, sha, &mime, NULL);

  if (data == NULL)
    {
      /* Referenced but never captured here, and HQ lacks it too. */
      g_hash_table_add (c->missing, g_strdup (sha));
      c->blob_index++;
      blob_next (task);
      return;
    }
  fc_sync_http_send_async (self, "PUT", path, data, mime, FC_SYNC_HTTP_NONE,
                           g_task_get_cancellable (task), blob_put_cb, g_object_ref (task));
}

static void
blob_head_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcSyncClient *self = task_client (task);
  Cycle *c = g_task_get_task_data (task);
  const char *sha = g_ptr_array_index (c->blobs, c->blob_index);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  guint status = 0;

  body = fc_sync_http_send_finish (self, result, &status, &error);
  if (body == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (status == SOUP_STATUS_NOT_FOUND)
    {
      blob_put (task, sha);
      return;
    }
  blob_mark_synced (self->store, sha);
  c->blob_index++;
  blob_next (task);
}

static void
blob_next (GTask *task)
{
  FcSyncClient *self = task_client (task);
  Cycle *c = g_task_get_task_data (task);
  g_autofree char *path = NULL;

  if (return_if_cancelled (task))
    return;
  if (c->blob_index >= c->blobs->len)
    {
      push_batch (task);
      return;
    }
  path = g_strconcat ("/v1/blobs/", (char *) g_ptr_array_index (c->blobs, c->blob_index), NULL);
  fc_sync_http_send_async (self, "HEAD", path, NULL, NULL, FC_SYNC_HTTP_ALLOW_404,
                           g_task_get_cancellable (task), blob_head_cb, g_object_ref (task));
}

/* ---- customers ---- */

/* Personal data stays out of the event log (core keeps a customer_id in
 * case.opened), so the customers of the new cases in this batch go to HQ
 * first, by POST /v1/customers; HQ shares them only within scope. */
static GBytes *
customers_body (FcStore   *store,
                GPtrArray *batch)
{
  g_autoptr(JsonArray) rows = json_array_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  char *text;

  for (guint i = 0; i < batch->len; i++)
    {
      FcEvent *ev = g_ptr_array_index (batch, i);
      const char *id = json_object_get_string_member_with_default (ev->payload, "customer_id", NULL);
      g_autoptr(JsonObject) row = NULL;
      JsonObject *clean;

      if (!g_str_equal (ev->type, FC_EV_CASE_OPENED) || id == NULL || !g_hash_table_add (seen, (char *) id))
        continue;
      row = fc_store_lookup_customer (store, id, NULL);
      if (row == NULL)
        continue;   /* a customer HQ already sent us, not one recorded here */
      clean = json_object_new ();
      for (const char *const *m = (const char *const[]) { "id", "name", "phone", "address", NULL }; *m; m++)
        if (json_object_get_string_member_with_default (row, *m, NULL) != NULL)
          json_object_set_string_member (clean, *m, json_object_get_string_member (row, *m));
      json_array_add_object_element (rows, clean);
    }
  if (json_array_get_length (rows) == 0)
    return NULL;
  json_node_set_array (root, rows);
  text = json_to_string (root, FALSE);
  return g_bytes_new_take (text, strlen (text));
}

static void
customers_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcSyncClient *self = task_client (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = fc_sync_http_send_finish (self, result, NULL, &error);

  if (body == NULL && fc_sync_error_is_transient (error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* HQ refused them for good (scope, a bad field): the cases still go; one
   * refusal never blocks the queue. */
  if (body == NULL)
    g_debug ("HQ refused customers: %s", error->message);
  blob_next (task);
}

static void
customers_push (GTask *task)
{
  FcSyncClient *self = task_client (task);
  Cycle *c = g_task_get_task_data (task);
  g_autoptr(GBytes) body = customers_body (self->store, c->batch);

  if (body == NULL)
    {
      blob_next (task);
      return;
    }
  fc_sync_http_send_async (self, "POST", "/v1/customers", body, "application/json",
                           FC_SYNC_HTTP_NONE, g_task_get_cancellable (task), customers_cb,
                           g_object_ref (task));
}

/* ---- push and pull ---- */

static gboolean
event_waits_for_blob (Cycle   *c,
                      FcEvent *ev)
{
  g_autoptr(GPtrArray) shas = fc_sync_wire_event_blobs (ev);

  for (guint k = 0; k < shas->len; k++)
    if (g_hash_table_contains (c->missing, g_ptr_array_index (shas, k)))
      return TRUE;
  return FALSE;
}

/* CPU time of the calling thread: what a step costs, whatever else runs. */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static gboolean
has_rejection (GPtrArray *receipts)
{
  for (guint i = 0; i < receipts->len; i++)
    if (((FcSyncReceipt *) g_ptr_array_index (receipts, i))->reject_reason != NULL)
      return TRUE;
  return FALSE;
}

/* Fails the cycle once: callbacks of a pull-ahead still under way when
 * something else failed find the task already answered. While a page is
 * being written the answer waits for the write (apply_done_cb): a caller
 * told "failed" may quit the process, and must not do so with a worker
 * still inside a transaction. */
static void
cycle_fail (GTask  *task,
            GError *error)   /* taken */
{
  Cycle *c = g_task_get_task_data (task);

  if (c->returned || c->deferred != NULL)
    {
      g_error_free (error);
      return;
    }
  if (c->applying)
    {
      c->deferred = error;
      return;
    }
  c->returned = TRUE;
  g_task_return_error (task, error);
}

/* Whether the cycle is over (answered, or cancelled: then answered now).
 * A cancelled cycle with a page being written is over for its callbacks,
 * but is answered when the write ends, for the same reason as above. */
static gboolean
cycle_gone (GTask *task)
{
  Cycle *c = g_task_get_task_data (task);

  if (c->returned || c->deferred != NULL)
    return TRUE;
  if (g_cancellable_is_cancelled (g_task_get_cancellable (task)))
    {
      if (c->applying)
        return TRUE;
      c->returned = TRUE;
      return return_if_cancelled (task);
    }
  return FALSE;
}

static void
page_applied (FcSyncClient *self,
              FcSyncPage   *page,
              GPtrArray    *inserted,
              gint64        max_hlc)
{
  fc_store_announce_applied (self->store, inserted, max_hlc);
  self->stats.events_pushed += page->receipts->len;
  self->stats.events_pulled += page->n_events;
  /* Only a rejecting receipt changes the rejected count (a table scan). */
  _fc_sync_client_refresh_counts (self, has_rejection (page->receipts));
}

static gboolean
round_made_progress (Cycle      *c,
                     FcSyncPage *page)
{
  return page->receipts->len > 0 || page->n_events > 0 || c->to_send->len == 0;
}

static void
after_page (GTask      *task,
            FcSyncPage *page)
{
  FcSyncClient *self = task_client (task);
  Cycle *c = g_task_get_task_data (task);
  /* A full batch may have left more behind; an exact fit has not. */
  gboolean more_to_push = c->batch->len >= self->tuning.batch_limit && c->to_send->len > 0 &&
                          fc_store_count_pending (self->store) > 0;

  if (c->to_send->len > 0 && page->receipts->len == 0)
    {
      /* Without receipts the same events would go out for ever. */
      cycle_fail (task, g_error_new (FC_SYNC_ERROR, FC_SYNC_ERROR_PROTOCOL,
                                     "HQ sent no receipts for %u events", c->to_send->len));
      return;
    }
  if ((page->more || more_to_push) && round_made_progress (c, page))
    round_begin (task);
  else
    reference_next (task);
}

static void send_round (GTask *task, const char *cursor);
static void drive (GTask *task);

/* ---- writing pages ---- */

typedef struct {
  char       *path;
  FcClock    *clock;
  FcStore    *writer;     /* the cycle's, or NULL to open one */
  FcSyncPage *page;       /* borrowed: the Cycle keeps it alive */
  FcStoreApplyFlags flags;
  GPtrArray  *inserted;
  gint64      max_pages;  /* the store's size cap, which the writer keeps too */
  gint64      max_hlc;    /* of the events written, when @inserted was emptied */
  gint64      cpu_us;
} Apply;

/* A first pull's snapshot page brings each case whole, and tens of
 * thousands of events: its cases are listed at once, their search rows
 * written afterwards by the client's search pass (fc-sync-client.c). */
static FcStoreApplyFlags
apply_flags (FcSyncPage *page)
{
  return page->snapshot ? FC_STORE_APPLY_DEFER_SEARCH : FC_STORE_APPLY_NONE;
}

static void
apply_free (Apply *a)
{
  g_free (a->path);
  g_clear_object (&a->clock);
  g_clear_object (&a->writer);
  g_clear_pointer (&a->inserted, g_ptr_array_unref);
  g_free (a);
}

/* Worker thread: the page and its cursor in one transaction, through a
 * connection of its own, so the UI's main loop never waits on it. */
static void
apply_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Apply *a = task_data;
  GError *error = NULL;
  gint64 cpu0 = thread_cpu_us ();

  if (a->writer == NULL)
    a->writer = fc_store_new_writer (a->path, a->clock, a->max_pages, &error);
  if (a->writer == NULL ||
      !fc_store_apply_sync_quietly_full (a->writer, a->page->receipts, a->page->events,
                                         a->page->cursor, a->flags, a->inserted, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* Tens of thousands of parsed events are freed here, not on the main
   * loop; a big page is announced as one "changed", without its events. */
  g_ptr_array_set_size (a->page->events, 0);
  if (a->inserted->len > FC_STORE_CASE_SIGNALS_MAX)
    {
      for (guint i = 0; i < a->inserted->len; i++)
        a->max_hlc = MAX (a->max_hlc, ((FcEvent *) g_ptr_array_index (a->inserted, i))->hlc);
      g_ptr_array_set_size (a->inserted, 0);
    }
  a->cpu_us = thread_cpu_us () - cpu0;
  g_task_return_boolean (task, TRUE);
}

static void
apply_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcSyncClient *self = task_client (task);
  Cycle *c = g_task_get_task_data (task);
  Apply *a = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) local = NULL;
  GError *error = NULL;

  c->applying = FALSE;
  if (c->writer == NULL && a->writer != NULL && a->writer != self->store)
    c->writer = g_object_ref (a->writer);
  if (!g_task_propagate_boolean (G_TASK (result), &local))
    {
      fc_sync_error_convert (local, 0, NULL, NULL, NULL, &error);
      if (c->deferred != NULL)
        {
          /* The first failure is the one to tell. */
          g_error_free (error);
          error = g_steal_pointer (&c->deferred);
        }
      cycle_fail (task, error);
      return;
    }
  /* Written even if the cycle failed or was cancelled meanwhile: say so. */
  page_applied (self, c->applied, a->inserted, a->max_hlc);
  if (c->deferred != NULL)
    {
      cycle_fail (task, g_steal_pointer (&c->deferred));
      return;
    }
  g_debug ("Round %u: %u receipts, %u events in; parse %.0f ms (%.0f ms CPU), write %.0f ms CPU",
           c->rounds, c->applied->receipts->len, c->applied->n_events,
           c->applied->parse_us / 1000.0, c->applied->parse_cpu_us / 1000.0, a->cpu_us / 1000.0);
  if (cycle_gone (task))
    return;
  drive (task);
}

/* While page N is written, page N+1 can already travel and be parsed (at
 * most one ahead): only in a pull-only round, nothing of ours waiting. */
static void
maybe_pull_ahead (GTask      *task,
                  FcSyncPage *page)
{
  FcSyncClient *self = task_client (task);
  Cycle *c = g_task_get_task_data (task);

  if (!page->more || c->to_send->len > 0 || page->n_events == 0 ||
      fc_store_get_path (self->store) == NULL ||
      fc_store_count_pending (self->store) > 0)
    return;
  c->rounds++;
  send_round (task, page->cursor);
}

static void
apply_start (GTask      *task,
             FcSyncPage *page)   /* taken */
{
  FcSyncClient *self = task_client (task);
  Cycle *c = g_task_get_task_data (task);
  const char *path = fc_store_get_path (self->store);
  g_autoptr(GTask) apply = NULL;
  Apply *a;

  g_clear_pointer (&c->applied, fc_sync_page_free);
  c->applied = page;
  c->applying = TRUE;
  maybe_pull_ahead (task, page);
  a = g_new0 (Apply, 1);
  a->page = page;
  a->flags = apply_flags (page);
  a->inserted = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);
  /* Not the cycle's cancellable: a write that started finishes. */
  apply = g_task_new (self, NULL, apply_done_cb, g_object_ref (task));
  g_task_set_source_tag (apply, apply_thread);
  g_task_set_task_data (apply, a, (GDestroyNotify) apply_free);
  if (path == NULL || g_str_equal (path, ":memory:"))
    {
      /* A store only this connection sees: written through it, here. */
      a->writer = g_object_ref (self->store);
      apply_thread (apply, self, a, NULL);
      return;
    }
  a->path = g_strdup (path);
  a->clock = g_object_ref (fc_store_get_clock (self->store));
  a->max_pages = fc_store_get_max_pages (self->store);
  a->writer = c->writer != NULL ? g_object_ref (c->writer) : NULL;
  g_task_run_in_thread (apply, apply_thread);
}

/* The next thing to do, whatever just finished: write a parsed page once
 * the page before it is written; conclude a round once its page is written
 * and no pull-ahead is out. */
static void
drive (GTask *task)
{
  Cycle *c = g_task_get_task_data (task);
  g_autoptr(FcSyncPage) page = NULL;

  if (c->applying)
    return;
  if (c->ready != NULL)
    {
      apply_start (task, g_steal_pointer (&c->ready));
      return;
    }
  if (c->in_flight || c->applied == NULL)
    return;
  page = g_steal_pointer (&c->applied);
  after_page (task, page);
}

static void
page_parsed_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Cycle *c = g_task_get_task_data (task);
  g_autoptr(GError) local = NULL;
  GError *error = NULL;
  FcSyncPage *page = g_task_propagate_pointer (G_TASK (result), &local);

  c->in_flight = FALSE;
  if (page == NULL)
    {
      fc_sync_error_convert (local, 0, NULL, NULL, NULL, &error);
      cycle_fail (task, error);
      return;
    }
  if (cycle_gone (task))
    {
      fc_sync_page_free (page);
      return;
    }
  c->t_parsed = g_get_monotonic_time ();
  g_debug ("Round %u: request %.0f ms", c->rounds,
           (c->t_parsed - c->t_sent - page->parse_us) / 1000.0);
  g_assert (c->ready == NULL);
  c->ready = page;
  drive (task);
}

static void
parse_page_thread (GTask        *task,
                   gpointer      source,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GError *error = NULL;
  gint64 t0 = g_get_monotonic_time (), cpu0 = thread_cpu_us ();
  FcSyncPage *page = fc_sync_wire_parse_page (task_data, &error);

  if (page != NULL)
    {
      page->parse_us = g_get_monotonic_time () - t0;
      page->parse_cpu_us = thread_cpu_us () - cpu0;
    }
  if (page == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, page, (GDestroyNotify) fc_sync_page_free);
}

static void
sync_post_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcSyncClient *self = task_client (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = fc_sync_http_send_finish (self, result, NULL, &error);
  g_autoptr(GTask) parse = NULL;

  if (body == NULL)
    {
      cycle_fail (task, g_steal_pointer (&error));
      return;
    }
  if (cycle_gone (task))
    return;
  /* A big pull is megabytes of JSON: parse it off the main thread. */
  parse = g_task_new (self, g_task_get_cancellable (task), page_parsed_cb, g_object_ref (task));
  g_task_set_source_tag (parse, parse_page_thread);
  g_task_set_task_data (parse, g_bytes_ref (body), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (parse, parse_page_thread);
}

static void
send_round (GTask      *task,
            const char *cursor)
{
  FcSyncClient *self = task_client (task);
  Cycle *c = g_task_get_task_data (task);
  g_autoptr(GBytes) body = NULL;

  body = fc_sync_wire_build_request (fc_store_get_device_id (self->store), cursor, c->to_send,
                                     self->tuning.pull_limit);
  c->t_sent = g_get_monotonic_time ();
  c->in_flight = TRUE;
  fc_sync_http_send_async (self, "POST", "/v1/sync", body, "application/json", FC_SYNC_HTTP_NONE,
                           g_task_get_cancellable (task), sync_post_cb, g_object_ref (task));
}

static void
push_batch (GTask *task)
{
  FcSyncClient *self = task_client (task);
  Cycle *c = g_task_get_task_data (task);
  g_autofree char *cursor = fc_store_get_meta (self->store, "sync.cursor");

  g_clear_pointer (&c->to_send, g_ptr_array_unref);
  c->to_send = g_ptr_array_new ();
  for (guint i = 0; i < c->batch->len; i++)
    if (!event_waits_for_blob (c, g_ptr_array_index (c->batch, i)))
      g_ptr_array_add (c->to_send, g_ptr_array_index (c->batch, i));
  send_round (task, cursor);
}

static void
round_begin (GTask *task)
{
  FcSyncClient *self = task_client (task);
  Cycle *c = g_task_get_task_data (task);
  g_autoptr(GError) local = NULL;
  g_autoptr(GError) error = NULL;

  if (return_if_cancelled (task))
    return;
  c->rounds++;
  g_clear_pointer (&c->batch, g_ptr_array_unref);
  c->batch = fc_store_list_pending (self->store, self->tuning.batch_limit, &local);
  if (c->batch == NULL)
    {
      fc_sync_error_convert (local, 0, NULL, NULL, NULL, &error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  collect_blobs (self->store, c);
  customers_push (task);
}

/* ---- reference data ---- */

static const char *const ref_kinds[] = { "models", "installed", "customers", "parts", "kb",
                                         "sla_policy" };

static gboolean
reference_due (FcSyncClient *self)
{
  g_autofree char *at = fc_store_get_meta (self->store, "sync.reference_at");
  gint64 last = at != NULL ? g_ascii_strtoll (at, NULL, 10) : 0;

  if (self->tuning.reference_interval_ms < 0)
    return FALSE;
  return last == 0 || g_get_real_time () / 1000 - last >= self->tuning.reference_interval_ms;
}

static char *
ref_meta_key (const char *kind)
{
  return g_strconcat ("sync.ref.", kind, ".version", NULL);
}

/* Keys HQ deleted: the key column of each kind's table (fc-import.c's). */
static gboolean
delete_ref_rows (FcStore    *store,
                 const char *kind,
                 JsonArray  *deleted,
                 GError    **error)
{
  static const struct { const char *kind, *sql; } tables[] = {
    { "models", "DELETE FROM models WHERE model = ?" },
    { "installed", "DELETE FROM installed WHERE serial = ?" },
    { "customers", "DELETE FROM customers WHERE id = ?" },
    { "parts", "DELETE FROM parts WHERE part_number = ?" },
    { "kb", "DELETE FROM kb_fts WHERE rowid = (SELECT rowid FROM kb_articles WHERE id = ?1); "
            "DELETE FROM kb_articles WHERE id = ?1" },
  };
  const char *sql = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    if (g_str_equal (tables[i].kind, kind))
      sql = tables[i].sql;
  if (sql == NULL || deleted == NULL || json_array_get_length (deleted) == 0)
    return TRUE;
  for (guint i = 0; i < json_array_get_length (deleted); i++)
    {
      const char *key = json_array_get_string_element (deleted, i);
      const char *rest = sql;
      while (key != NULL && rest != NULL && *rest != '\0')
        {
          sqlite3_stmt *stmt = NULL;
          int rc = sqlite3_prepare_v2 (fc_store_get_db (store), rest, -1, &stmt, &rest);
          if (rc != SQLITE_OK)
            {
              fc_db_set_error (fc_store_get_db (store), rc, error);
              return FALSE;
            }
          if (stmt == NULL)
            break;
          sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
          rc = sqlite3_step (stmt);
          sqlite3_finalize (stmt);
          if (rc != SQLITE_DONE)
            {
              fc_db_set_error (fc_store_get_db (store), rc, error);
              return FALSE;
            }
          while (*rest == ' ')
            rest++;
        }
    }
  return TRUE;
}

static gboolean
import_ref_rows (FcStore    *store,
                 const char *kind,
                 JsonArray  *rows,
                 GError    **error)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  g_autofree char *text = NULL;
  FcRefKind ref_kind;

  if (rows == NULL || json_array_get_length (rows) == 0)
    return TRUE;
  if (g_str_equal (kind, "sla_policy"))
    {
      /* One policy: the newest row is the one in force. */
      JsonNode *last = json_array_get_element (rows, json_array_get_length (rows) - 1);
      text = json_to_string (last, FALSE);
      return fc_store_set_sla_policy_json (store, text, error);
    }
  if (!fc_ref_kind_from_string (kind, &ref_kind))
    return TRUE;
  json_node_set_array (node, rows);
  text = json_to_string (node, FALSE);
  return fc_store_import_json (store, ref_kind, text, strlen (text), error);
}

static gboolean
apply_reference (FcStore    *store,
                 const char *kind,
                 GBytes     *body,
                 gboolean   *out_more,
                 GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *key = ref_meta_key (kind);
  g_autofree char *version = NULL;
  gsize size;
  gconstpointer data = g_bytes_get_data (body, &size);
  JsonObject *o;

  if (!json_parser_load_from_data (parser, data, (gssize) size, error))
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "Reference data is not a JSON object");
      return FALSE;
    }
  o = json_node_get_object (json_parser_get_root (parser));
  if (!import_ref_rows (store, kind, fc_sync_json_array (o, "rows"),
                        error) ||
      !delete_ref_rows (store, kind, fc_sync_json_array (o, "deleted"),
                        error))
    return FALSE;
  version = g_strdup_printf ("%" G_GINT64_FORMAT,
                             json_object_get_int_member_with_default (o, "version", 0));
  *out_more = json_object_get_boolean_member_with_default (o, "more", FALSE);
  return fc_store_set_meta (store, key, version, error);
}

static void
reference_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FcSyncClient *self = task_client (task);
  Cycle *c = g_task_get_task_data (task);
  const char *kind = ref_kinds[c->ref_index];
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = fc_sync_http_send_finish (self, result, NULL, &error);
  gboolean more = FALSE;

  if (body == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Reference data is best effort: the events are already in; a failure
   * leaves "reference_at" alone so the next cycle asks again. */
  if (body == NULL || !apply_reference (self->store, kind, body, &more, &error))
    {
      g_debug ("Reference data “%s” not updated: %s", kind, error->message);
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (!more)
    c->ref_index++;
  reference_next (task);
}

static void
reference_next (GTask *task)
{
  FcSyncClient *self = task_client (task);
  Cycle *c = g_task_get_task_data (task);
  g_autofree char *key = NULL;
  g_autofree char *since = NULL;
  g_autofree char *path = NULL;
  g_autofree char *now = NULL;

  if (return_if_cancelled (task))
    return;
  if (c->ref_index == 0 && !reference_due (self))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (c->ref_index >= G_N_ELEMENTS (ref_kinds))
    {
      now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / 1000);
      fc_store_set_meta (self->store, "sync.reference_at", now, NULL);
      g_task_return_boolean (task, TRUE);
      return;
    }
  key = ref_meta_key (ref_kinds[c->ref_index]);
  since = fc_store_get_meta (self->store, key);
  path = g_strdup_printf ("/v1/reference/%s?since=%s&limit=5000", ref_kinds[c->ref_index],
                          since != NULL ? since : "0");
  fc_sync_http_send_async (self, "GET", path, NULL, NULL, FC_SYNC_HTTP_NONE,
                           g_task_get_cancellable (task), reference_cb, g_object_ref (task));
}

/* ---- entry ---- */

void
_fc_sync_cycle_run_async (FcSyncClient        *self,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Cycle *c = g_new0 (Cycle, 1);

  g_task_set_source_tag (task, _fc_sync_cycle_run_async);
  c->missing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_task_set_task_data (task, c, (GDestroyNotify) cycle_free);
  round_begin (task);
}

gboolean
_fc_sync_cycle_run_finish (FcSyncClient  *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
