/* fc-sync-client.c: FcSyncClient — properties, the public API and the
 * background scheduler. One cycle is in sync/fc-sync-cycle.c, one request
 * in fc-sync-http.c. */
#include "fc-sync-client-private.h"

#include "fc-store-private.h"
#include "fc-sync-enums.h"

#include <string.h>

#define MINUTE_MS (60 * 1000)

enum {
  PROP_0,
  PROP_STORE,
  PROP_BASE_URL,
  PROP_STATE,
  PROP_ONLINE,
  PROP_PENDING,
  PROP_REJECTED,
  PROP_LAST_SUCCESS,
  PROP_LAST_ERROR,
  PROP_ALL_AT_HQ,
  PROP_NEXT_ATTEMPT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (FcSyncClient, fc_sync_client, G_TYPE_OBJECT)

static const FcSyncTuning default_tuning = {
  .batch_limit = 1000,
  .pull_limit = 20000,
  .debounce_ms = 2000,
  .debounce_max_ms = 30 * 1000,
  .interval_ms = 5 * MINUTE_MS,
  .backoff_base_ms = 2000,
  .backoff_max_ms = 15 * MINUTE_MS,
  .timeout_s = 30,
  .reference_interval_ms = 60 * MINUTE_MS,
  .gzip_min_bytes = 1024,
};

/* ---- property setters: notify only on a real change ---- */

static void
set_state (FcSyncClient      *self,
           FcSyncClientState  state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

void
_fc_sync_client_set_online (FcSyncClient *self,
                            gboolean      online)
{
  online = !!online;
  if (self->online == online)
    return;
  self->online = online;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
}

static void
set_int64 (FcSyncClient *self,
           gint64       *field,
           gint64        value,
           guint         prop)
{
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_last_error (FcSyncClient *self,
                const char   *message)
{
  if (g_strcmp0 (self->last_error, message) == 0)
    return;
  g_free (self->last_error);
  self->last_error = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static gint64
count_rejected (FcStore *store)
{
  g_autoptr(FcStmt) stmt = fc_stmt_prepare (fc_store_get_db (store),
                                            "SELECT count(*) FROM events WHERE sync_state = 2",
                                            NULL);

  if (stmt == NULL || !fc_stmt_step (stmt, NULL))
    return 0;
  return fc_stmt_int64 (stmt, 0);
}

void
_fc_sync_client_refresh_counts (FcSyncClient *self,
                                gboolean      with_rejected)
{
  gboolean all_at_hq;

  set_int64 (self, &self->pending, fc_store_count_pending (self->store), PROP_PENDING);
  /* Only a receipt makes an event rejected: that count (a scan) is
   * refreshed after receipts, not after every local write. */
  if (with_rejected)
    set_int64 (self, &self->rejected, count_rejected (self->store), PROP_REJECTED);
  /* A rejected event is not at HQ either: handing the device over would
   * lose it. */
  all_at_hq = self->pending == 0 && self->rejected == 0;
  if (all_at_hq != self->all_at_hq)
    {
      self->all_at_hq = all_at_hq;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ALL_AT_HQ]);
    }
}

char *
_fc_sync_client_dup_token (FcSyncClient *self)
{
  return fc_store_get_meta (self->store, "sync.token");
}

/* ---- backoff ---- */

gint64
fc_sync_backoff_delay_ms (guint   failures,
                          guint   base_ms,
                          guint   max_ms,
                          gint64  retry_after_ms,
                          double  random01)
{
  gint64 d = base_ms;
  gint64 delay;

  if (failures == 0)
    return MAX (retry_after_ms, 0);
  for (guint i = 1; i < failures && d < max_ms; i++)
    d *= 2;
  d = MIN (d, (gint64) max_ms);
  /* Half fixed, half random: devices that failed together (HQ restarted)
   * do not all come back in the same second. */
  delay = d / 2 + (gint64) (CLAMP (random01, 0.0, 1.0) * (double) (d - d / 2));
  return MAX (delay, retry_after_ms);
}

/* ---- the scheduler ---- */

static gint64
mono_ms (void)
{
  return g_get_monotonic_time () / 1000;
}

static void run_scheduled_cycle (FcSyncClient *self);

static gboolean
wakeup_cb (gpointer user_data)
{
  FcSyncClient *self = user_data;

  self->wakeup_id = 0;
  self->wakeup_at = 0;
  set_int64 (self, &self->next_attempt, 0, PROP_NEXT_ATTEMPT);
  if (self->cycle_cancellable != NULL)
    self->again = TRUE;   /* the running cycle ends first */
  else
    run_scheduled_cycle (self);
  return G_SOURCE_REMOVE;
}

/* Plans the next cycle in @delay_ms. Unless @replace, an earlier plan
 * stands. */
static void
schedule_in (FcSyncClient *self,
             gint64        delay_ms,
             gboolean      replace)
{
  gint64 at = mono_ms () + MAX (delay_ms, 0);

  if (!self->started)
    return;
  if (self->wakeup_id != 0 && !replace && self->wakeup_at <= at)
    return;
  g_clear_handle_id (&self->wakeup_id, g_source_remove);
  self->wakeup_id = g_timeout_add ((guint) MIN (MAX (delay_ms, 0), G_MAXUINT), wakeup_cb, self);
  g_source_set_name_by_id (self->wakeup_id, "[fc-sync] wakeup");
  self->wakeup_at = at;
  set_int64 (self, &self->next_attempt, g_get_real_time () / 1000 + MAX (delay_ms, 0),
             PROP_NEXT_ATTEMPT);
}

static void
unschedule (FcSyncClient *self)
{
  g_clear_handle_id (&self->wakeup_id, g_source_remove);
  self->wakeup_at = 0;
  set_int64 (self, &self->next_attempt, 0, PROP_NEXT_ATTEMPT);
}

/* Debounce: a burst of steps goes out together ~2 s after the last one,
 * and a never-ending stream still every debounce_max_ms. */
static gint64
debounce_delay (FcSyncClient *self)
{
  gint64 now = mono_ms ();
  gint64 latest;

  if (self->first_change_at == 0)
    self->first_change_at = now;
  latest = self->first_change_at + self->tuning.debounce_max_ms;
  return MIN ((gint64) self->tuning.debounce_ms, MAX (latest - now, 0));
}

static void
events_recorded_cb (FcStore      *store,
                    FcSyncClient *self)
{
  _fc_sync_client_refresh_counts (self, FALSE);
  if (!self->started)
    return;
  if (self->cycle_cancellable != NULL)
    {
      self->again = TRUE;
      return;
    }
  /* Backing off (HQ down, offline): the planned retry carries the change;
   * hammering a server that just failed helps nobody. */
  if (self->failures > 0 || self->state == FC_SYNC_CLIENT_UNAUTHORIZED)
    return;
  schedule_in (self, debounce_delay (self), TRUE);
}

static void
store_changed_cb (FcStore      *store,
                  FcSyncClient *self)
{
  _fc_sync_client_refresh_counts (self, FALSE);
}

static void
network_changed_cb (GNetworkMonitor *monitor,
                    gboolean         available,
                    FcSyncClient    *self)
{
  /* Only "back" is acted on: some systems report no network while HQ on
   * this machine or the LAN answers fine; requests tell the truth. */
  if (!available || !self->started || self->state == FC_SYNC_CLIENT_UNAUTHORIZED)
    return;
  if (self->failures > 0 || self->state == FC_SYNC_CLIENT_OFFLINE)
    {
      self->failures = 0;
      schedule_in (self, MAX (self->retry_after_ms, 500), TRUE);
    }
}

static void
schedule_after_cycle (FcSyncClient *self,
                      const GError *error)
{
  gint64 delay;

  if (error != NULL && (g_error_matches (error, FC_SYNC_ERROR, FC_SYNC_ERROR_AUTH) ||
                        g_error_matches (error, FC_SYNC_ERROR, FC_SYNC_ERROR_REVOKED)))
    {
      unschedule (self);   /* nothing to try until the device is enrolled again */
      return;
    }
  if (error != NULL)
    {
      delay = fc_sync_backoff_delay_ms (self->failures, self->tuning.backoff_base_ms,
                                        self->tuning.backoff_max_ms, self->retry_after_ms,
                                        g_random_double ());
      schedule_in (self, delay, TRUE);
      return;
    }
  if (self->again || self->pending > 0)
    schedule_in (self, debounce_delay (self), TRUE);
  else
    schedule_in (self, self->tuning.interval_ms, TRUE);
  self->again = FALSE;
}

/* ---- the search pass ----
 *
 * A first pull's snapshot pages leave their cases' search rows for later
 * (FC_STORE_APPLY_DEFER_SEARCH): the cases are listed as soon as they are
 * stored. This pass indexes them afterwards, on a worker thread through a
 * connection of its own, INDEX_CHUNK_CASES per transaction. Each chunk is
 * started from the main loop: a write of the UI's (on the main thread)
 * waits for one chunk at most, never for the whole pass. It runs after
 * every cycle that leaves cases waiting and when the client starts (an app
 * killed mid-pass resumes); at its end, "changed" makes an open search
 * run again.
 *
 * Its state hangs off the client as object data, shared by reference with
 * the chunk under way, so disposing of the client only cancels the pass. */

#define INDEX_CHUNK_CASES 500

typedef struct {
  gatomicrefcount ref_count;
  GWeakRef        client;
  FcStore        *store;        /* the UI's: its "changed" is emitted at the end */
  FcStore        *writer;       /* used by one chunk at a time, on workers */
  GCancellable   *cancellable;
  gboolean        again;        /* more cases may wait than the pass has seen */
  guint           indexed;
  gint64          started_at;   /* monotonic µs */
} IndexPass;

G_DEFINE_QUARK (fc-sync-index-pass, index_pass)

static IndexPass *
index_pass_ref (IndexPass *pass)
{
  g_atomic_ref_count_inc (&pass->ref_count);
  return pass;
}

static void
index_pass_unref (IndexPass *pass)
{
  if (!g_atomic_ref_count_dec (&pass->ref_count))
    return;
  g_weak_ref_clear (&pass->client);
  g_clear_object (&pass->store);
  g_clear_object (&pass->writer);
  g_clear_object (&pass->cancellable);
  g_free (pass);
}

/* Worker thread: one chunk, one transaction. Returns how many cases it
 * indexed; none means the pass is done. */
static void
index_chunk_thread (GTask        *task,
                    gpointer      source,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  IndexPass *pass = task_data;
  GError *error = NULL;
  guint n = 0;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (!fc_store_index_pending (pass->writer, INDEX_CHUNK_CASES, &n, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_int (task, n);
}

static void index_chunk_start (IndexPass *pass);

static void
index_pass_end (IndexPass    *pass,
                const GError *error)
{
  g_autoptr(FcSyncClient) client = g_weak_ref_get (&pass->client);

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_debug ("Search pass stopped after %u cases: %s", pass->indexed, error->message);
  else
    g_debug ("Search pass: %u cases indexed in %.0f ms", pass->indexed,
             (g_get_monotonic_time () - pass->started_at) / 1000.0);
  /* What is indexed is found now, even if the pass stopped half-way. */
  if (pass->indexed > 0)
    fc_store_emit_case_changed (pass->store, NULL);
  if (client != NULL && g_object_get_qdata (G_OBJECT (client), index_pass_quark ()) == pass)
    g_object_set_qdata (G_OBJECT (client), index_pass_quark (), NULL);
}

static void
index_chunk_done_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  IndexPass *pass = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_task_propagate_int (G_TASK (result), &error);

  if (error != NULL)
    {
      index_pass_end (pass, error);
      return;
    }
  pass->indexed += n;
  if (n > 0 || pass->again)
    {
      pass->again = FALSE;
      index_chunk_start (pass);
      return;
    }
  index_pass_end (pass, NULL);
}

static void
index_chunk_start (IndexPass *pass)
{
  g_autoptr(GTask) task = g_task_new (NULL, pass->cancellable, index_chunk_done_cb, pass);

  g_task_set_source_tag (task, index_chunk_thread);
  g_task_set_task_data (task, index_pass_ref (pass), (GDestroyNotify) index_pass_unref);
  g_task_run_in_thread (task, index_chunk_thread);
}

static void
index_pending_start (FcSyncClient *self)
{
  IndexPass *pass = g_object_get_qdata (G_OBJECT (self), index_pass_quark ());
  const char *path = fc_store_get_path (self->store);
  g_autoptr(FcStore) writer = NULL;
  g_autoptr(GError) error = NULL;

  if (pass != NULL)
    {
      pass->again = TRUE;   /* it looks once more before it ends */
      return;
    }
  if (!fc_store_has_index_pending (self->store))
    return;
  if (path == NULL || g_str_equal (path, ":memory:"))
    {
      /* A store only this connection sees (tests): no second connection. */
      if (!fc_store_index_pending (self->store, 0, NULL, &error))
        g_debug ("Search pass: %s", error->message);
      fc_store_emit_case_changed (self->store, NULL);
      return;
    }
  /* Opened here, a millisecond: a worker opening a store as the process
   * exits would find the store's built-in data already gone. */
  writer = fc_store_new_writer (path, fc_store_get_clock (self->store),
                                fc_store_get_max_pages (self->store), &error);
  if (writer == NULL)
    {
      g_debug ("Search pass: %s", error->message);
      return;
    }
  pass = g_new0 (IndexPass, 1);
  g_atomic_ref_count_init (&pass->ref_count);
  g_weak_ref_init (&pass->client, self);
  pass->store = g_object_ref (self->store);
  pass->writer = g_steal_pointer (&writer);
  pass->cancellable = g_cancellable_new ();
  pass->started_at = g_get_monotonic_time ();
  g_object_set_qdata_full (G_OBJECT (self), index_pass_quark (), pass,
                           (GDestroyNotify) index_pass_unref);
  index_chunk_start (pass);
}

static void
index_pending_stop (FcSyncClient *self)
{
  IndexPass *pass = g_object_get_qdata (G_OBJECT (self), index_pass_quark ());

  /* The chunk under way finishes its transaction; none follows. */
  if (pass != NULL)
    g_cancellable_cancel (pass->cancellable);
  g_object_set_qdata (G_OBJECT (self), index_pass_quark (), NULL);
}

/* ---- running a cycle ---- */

typedef struct {
  guint         serial;
  GCancellable *external;   /* owned, the caller's, may be NULL */
  gulong        external_id;
  gboolean      scheduled;  /* started by the scheduler, not by the API */
} Run;

static void
run_free (Run *run)
{
  if (run->external != NULL && run->external_id != 0)
    g_cancellable_disconnect (run->external, run->external_id);
  g_clear_object (&run->external);
  g_free (run);
}

static FcSyncClientState
state_for_error (const GError *error)
{
  if (g_error_matches (error, FC_SYNC_ERROR, FC_SYNC_ERROR_AUTH) ||
      g_error_matches (error, FC_SYNC_ERROR, FC_SYNC_ERROR_REVOKED))
    return FC_SYNC_CLIENT_UNAUTHORIZED;
  if (g_error_matches (error, FC_SYNC_ERROR, FC_SYNC_ERROR_OFFLINE) ||
      g_error_matches (error, FC_SYNC_ERROR, FC_SYNC_ERROR_TIMEOUT))
    return FC_SYNC_CLIENT_OFFLINE;
  return FC_SYNC_CLIENT_ERROR;
}

static void
record_outcome (FcSyncClient *self,
                const GError *error)
{
  _fc_sync_client_refresh_counts (self, FALSE);
  if (error == NULL)
    {
      self->failures = 0;
      self->retry_after_ms = 0;
      self->first_change_at = 0;
      self->stats.cycles_ok++;
      set_int64 (self, &self->last_success, fc_clock_now_ms (fc_store_get_clock (self->store)),
                 PROP_LAST_SUCCESS);
      set_last_error (self, NULL);
      set_state (self, FC_SYNC_CLIENT_IDLE);
      return;
    }
  self->failures++;
  self->stats.cycles_failed++;
  g_debug ("Sync failed (%u in a row): %s", self->failures, error->message);
  set_last_error (self, error->message);
  set_state (self, state_for_error (error));
}

static void
cycle_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  FcSyncClient *self = FC_SYNC_CLIENT (source);
  g_autoptr(GTask) outer = user_data;
  Run *run = g_task_get_task_data (outer);
  gboolean current = run->serial == self->cycle_serial;
  g_autoptr(GError) error = NULL;

  _fc_sync_cycle_run_finish (self, result, &error);
  if (current)
    g_clear_object (&self->cycle_cancellable);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Stopped, or a newer request took over (then it owns the state). */
      if (current)
        set_state (self, FC_SYNC_CLIENT_IDLE);
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }
  record_outcome (self, error);
  if (current)
    schedule_after_cycle (self, error);
  /* Whatever the outcome: the pages written before a failure count. */
  index_pending_start (self);
  if (error != NULL)
    g_task_return_error (outer, g_steal_pointer (&error));
  else
    g_task_return_boolean (outer, TRUE);
}

static void
chain_cancel_cb (GCancellable *external,
                 GCancellable *internal)
{
  g_cancellable_cancel (internal);
}

/* Starts a cycle for @outer (a GTask whose data becomes its Run). */
static void
run_cycle (FcSyncClient *self,
           GTask        *outer,
           gboolean      scheduled)
{
  Run *run = g_new0 (Run, 1);
  GCancellable *external = g_task_get_cancellable (outer);

  if (self->cycle_cancellable != NULL)
    g_cancellable_cancel (self->cycle_cancellable);   /* the newest request wins */
  g_clear_object (&self->cycle_cancellable);
  self->cycle_cancellable = g_cancellable_new ();
  run->serial = ++self->cycle_serial;
  self->retry_after_ms = 0;   /* what this cycle's answers say, only */
  run->scheduled = scheduled;
  if (external != NULL)
    {
      run->external = g_object_ref (external);
      run->external_id = g_cancellable_connect (external, G_CALLBACK (chain_cancel_cb),
                                                g_object_ref (self->cycle_cancellable),
                                                g_object_unref);
    }
  g_task_set_task_data (outer, run, (GDestroyNotify) run_free);
  set_state (self, FC_SYNC_CLIENT_SYNCING);
  _fc_sync_cycle_run_async (self, self->cycle_cancellable, cycle_done_cb, g_object_ref (outer));
}

static void
scheduled_cycle_done_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  /* Outcome already recorded in the properties; nobody waits for it. */
  g_task_propagate_boolean (G_TASK (result), NULL);
}

static void
run_scheduled_cycle (FcSyncClient *self)
{
  g_autoptr(GTask) outer = g_task_new (self, NULL, scheduled_cycle_done_cb, NULL);

  g_task_set_source_tag (outer, run_scheduled_cycle);
  self->again = FALSE;
  run_cycle (self, outer, TRUE);
}

void
fc_sync_client_sync_async (FcSyncClient        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) outer = NULL;

  g_return_if_fail (FC_IS_SYNC_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, fc_sync_client_sync_async);
  unschedule (self);   /* this cycle is the plan; the next follows it */
  run_cycle (self, outer, FALSE);
}

gboolean
fc_sync_client_sync_finish (FcSyncClient  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
fc_sync_client_start (FcSyncClient *self)
{
  g_return_if_fail (FC_IS_SYNC_CLIENT (self));

  if (self->started)
    return;
  self->started = TRUE;
  self->monitor = g_network_monitor_get_default ();
  self->network_handler = g_signal_connect (self->monitor, "network-changed",
                                            G_CALLBACK (network_changed_cb), self);
  if (self->cycle_cancellable == NULL)
    schedule_in (self, 0, TRUE);
  index_pending_start (self);
}

void
fc_sync_client_stop (FcSyncClient *self)
{
  g_return_if_fail (FC_IS_SYNC_CLIENT (self));

  self->started = FALSE;
  unschedule (self);
  index_pending_stop (self);
  g_clear_signal_handler (&self->network_handler, self->monitor);
  self->monitor = NULL;
  if (self->cycle_cancellable != NULL)
    g_cancellable_cancel (self->cycle_cancellable);
}

/* ---- enrolment ---- */

static GBytes *
build_enrol_body (FcSyncClient *self,
                  const char   *code,
                  const char   *device_name)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  char *text;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "device_id");
  json_builder_add_string_value (b, fc_store_get_device_id (self->store));
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, device_name != NULL ? device_name : g_get_host_name ());
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  return g_bytes_new_take (text, strlen (text));
}

/* A device moved to another outlet or engineer has another scope: pull its
 * history from the start (what it already holds is deduplicated). */
static gboolean
keep_enrolment (FcSyncClient *self,
                JsonObject   *o,
                GError      **error)
{
  const char *token = json_object_get_string_member_with_default (o, "token", NULL);
  const char *outlet = json_object_get_string_member_with_default (o, "outlet", "");
  const char *engineer = json_object_get_string_member_with_default (o, "engineer", "");
  g_autofree char *old_outlet = fc_store_get_meta (self->store, "sync.outlet");
  g_autofree char *old_engineer = fc_store_get_meta (self->store, "sync.engineer");
  gboolean scope_changed = g_strcmp0 (old_outlet, outlet) != 0 ||
                           g_strcmp0 (old_engineer, engineer) != 0;

  if (token == NULL || *token == '\0')
    {
      g_set_error (error, FC_SYNC_ERROR, FC_SYNC_ERROR_PROTOCOL, "HQ sent no token");
      return FALSE;
    }
  return fc_store_set_meta (self->store, "sync.token", token, error) &&
         fc_store_set_meta (self->store, "sync.outlet", outlet, error) &&
         fc_store_set_meta (self->store, "sync.engineer", engineer, error) &&
         fc_store_set_meta (self->store, "sync.url", self->base_url, error) &&
         (!scope_changed || fc_store_set_meta (self->store, "sync.cursor", "", error));
}

static gboolean
apply_enrol_response (FcSyncClient *self,
                      GBytes       *body,
                      GError      **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  gsize size;
  gconstpointer data = g_bytes_get_data (body, &size);

  if (!json_parser_load_from_data (parser, data, (gssize) size, &local) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, FC_SYNC_ERROR, FC_SYNC_ERROR_PROTOCOL, "Unreadable enrolment answer");
      return FALSE;
    }
  if (!keep_enrolment (self, json_node_get_object (json_parser_get_root (parser)), &local))
    {
      fc_sync_error_convert (local, 0, NULL, NULL, NULL, error);
      return FALSE;
    }
  return TRUE;
}

static void
enrol_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  FcSyncClient *self = FC_SYNC_CLIENT (source);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = fc_sync_http_send_finish (self, result, NULL, &error);

  if (body == NULL || !apply_enrol_response (self, body, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* The queue waited in the store: drain it now. */
  self->failures = 0;
  if (self->state == FC_SYNC_CLIENT_UNAUTHORIZED)
    set_state (self, FC_SYNC_CLIENT_IDLE);
  set_last_error (self, NULL);
  if (self->cycle_cancellable == NULL)
    schedule_in (self, 0, TRUE);
  else
    self->again = TRUE;
  g_task_return_boolean (task, TRUE);
}

void
fc_sync_client_enrol_async (FcSyncClient        *self,
                            const char          *code,
                            const char          *device_name,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) body = NULL;

  g_return_if_fail (FC_IS_SYNC_CLIENT (self));
  g_return_if_fail (code != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fc_sync_client_enrol_async);
  body = build_enrol_body (self, code, device_name);
  fc_sync_http_send_async (self, "POST", "/v1/enrol", body, "application/json",
                           FC_SYNC_HTTP_NO_AUTH, cancellable, enrol_cb, g_steal_pointer (&task));
}

gboolean
fc_sync_client_enrol_finish (FcSyncClient  *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
fc_sync_parse_enrol_uri (const char  *text,
                         char       **out_url,
                         char       **out_code)
{
  const char *rest, *hash;

  g_return_val_if_fail (text != NULL, FALSE);
  if (!g_str_has_prefix (text, "fieldcase-enrol:"))
    return FALSE;
  rest = text + strlen ("fieldcase-enrol:");
  hash = strrchr (rest, '#');
  if (hash == NULL || hash == rest || hash[1] == '\0' ||
      !(g_str_has_prefix (rest, "http://") || g_str_has_prefix (rest, "https://")))
    return FALSE;
  if (out_url != NULL)
    *out_url = g_strndup (rest, hash - rest);
  if (out_code != NULL)
    *out_code = g_strdup (hash + 1);
  return TRUE;
}

/* ---- tuning and counters (tests, benchmark) ---- */

void
fc_sync_client_get_tuning (FcSyncClient *self,
                           FcSyncTuning *out_tuning)
{
  g_return_if_fail (FC_IS_SYNC_CLIENT (self));
  *out_tuning = self->tuning;
}

void
fc_sync_client_set_tuning (FcSyncClient       *self,
                           const FcSyncTuning *tuning)
{
  g_return_if_fail (FC_IS_SYNC_CLIENT (self));
  g_return_if_fail (tuning->batch_limit > 0 && tuning->batch_limit <= 1000);
  self->tuning = *tuning;
  g_object_set (self->session, "timeout", tuning->timeout_s, NULL);
}

void
fc_sync_client_get_stats (FcSyncClient *self,
                          FcSyncStats  *out_stats)
{
  g_return_if_fail (FC_IS_SYNC_CLIENT (self));
  *out_stats = self->stats;
}

/* ---- getters ---- */

FcStore *
fc_sync_client_get_store (FcSyncClient *self)
{
  g_return_val_if_fail (FC_IS_SYNC_CLIENT (self), NULL);
  return self->store;
}

const char *
fc_sync_client_get_base_url (FcSyncClient *self)
{
  g_return_val_if_fail (FC_IS_SYNC_CLIENT (self), NULL);
  return self->base_url;
}

FcSyncClientState
fc_sync_client_get_state (FcSyncClient *self)
{
  g_return_val_if_fail (FC_IS_SYNC_CLIENT (self), FC_SYNC_CLIENT_IDLE);
  return self->state;
}

gboolean
fc_sync_client_get_online (FcSyncClient *self)
{
  g_return_val_if_fail (FC_IS_SYNC_CLIENT (self), FALSE);
  return self->online;
}

gint64
fc_sync_client_get_pending (FcSyncClient *self)
{
  g_return_val_if_fail (FC_IS_SYNC_CLIENT (self), 0);
  return self->pending;
}

gint64
fc_sync_client_get_rejected (FcSyncClient *self)
{
  g_return_val_if_fail (FC_IS_SYNC_CLIENT (self), 0);
  return self->rejected;
}

gint64
fc_sync_client_get_last_success (FcSyncClient *self)
{
  g_return_val_if_fail (FC_IS_SYNC_CLIENT (self), 0);
  return self->last_success;
}

const char *
fc_sync_client_get_last_error (FcSyncClient *self)
{
  g_return_val_if_fail (FC_IS_SYNC_CLIENT (self), NULL);
  return self->last_error;
}

gboolean
fc_sync_client_get_all_at_hq (FcSyncClient *self)
{
  g_return_val_if_fail (FC_IS_SYNC_CLIENT (self), FALSE);
  return self->all_at_hq;
}

gint64
fc_sync_client_get_next_attempt (FcSyncClient *self)
{
  g_return_val_if_fail (FC_IS_SYNC_CLIENT (self), 0);
  return self->next_attempt;
}

gboolean
fc_sync_client_is_enrolled (FcSyncClient *self)
{
  g_autofree char *token = NULL;

  g_return_val_if_fail (FC_IS_SYNC_CLIENT (self), FALSE);
  token = _fc_sync_client_dup_token (self);
  return token != NULL && *token != '\0';
}

/* ---- object ---- */

FcSyncClient *
fc_sync_client_new (FcStore    *store,
                    const char *base_url)
{
  g_return_val_if_fail (FC_IS_STORE (store), NULL);
  return g_object_new (FC_TYPE_SYNC_CLIENT, "store", store, "base-url", base_url, NULL);
}

static void
restore_clock_offset (FcSyncClient *self)
{
  g_autofree char *text = fc_store_get_meta (self->store, "sync.clock_offset_ms");

  /* Deadlines and stamps stay corrected while offline, across restarts. */
  if (text != NULL)
    fc_clock_set_offset_ms (fc_store_get_clock (self->store), g_ascii_strtoll (text, NULL, 10));
}

static void
fc_sync_client_constructed (GObject *object)
{
  FcSyncClient *self = FC_SYNC_CLIENT (object);

  G_OBJECT_CLASS (fc_sync_client_parent_class)->constructed (object);
  g_assert (self->store != NULL);
  if (self->base_url == NULL)
    self->base_url = fc_store_get_meta (self->store, "sync.url");
  while (self->base_url != NULL && g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';
  self->session = soup_session_new_with_options ("timeout", self->tuning.timeout_s,
                                                 "idle-timeout", 60,
                                                 "user-agent", "Fieldcase-sync/1 ",
                                                 NULL);
  restore_clock_offset (self);
  self->recorded_handler = g_signal_connect (self->store, "events-recorded",
                                             G_CALLBACK (events_recorded_cb), self);
  self->changed_handler = g_signal_connect (self->store, "changed",
                                            G_CALLBACK (store_changed_cb), self);
  _fc_sync_client_refresh_counts (self, TRUE);
  if (!fc_sync_client_is_enrolled (self))
    self->state = FC_SYNC_CLIENT_UNAUTHORIZED;
}

static void
fc_sync_client_dispose (GObject *object)
{
  FcSyncClient *self = FC_SYNC_CLIENT (object);

  fc_sync_client_stop (self);
  if (self->store != NULL)
    {
      g_clear_signal_handler (&self->recorded_handler, self->store);
      g_clear_signal_handler (&self->changed_handler, self->store);
    }
  g_clear_object (&self->cycle_cancellable);
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (fc_sync_client_parent_class)->dispose (object);
}

static void
fc_sync_client_finalize (GObject *object)
{
  FcSyncClient *self = FC_SYNC_CLIENT (object);

  g_free (self->base_url);
  g_free (self->last_error);
  G_OBJECT_CLASS (fc_sync_client_parent_class)->finalize (object);
}

static void
fc_sync_client_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FcSyncClient *self = FC_SYNC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_STORE: g_value_set_object (value, self->store); break;
    case PROP_BASE_URL: g_value_set_string (value, self->base_url); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_ONLINE: g_value_set_boolean (value, self->online); break;
    case PROP_PENDING: g_value_set_int64 (value, self->pending); break;
    case PROP_REJECTED: g_value_set_int64 (value, self->rejected); break;
    case PROP_LAST_SUCCESS: g_value_set_int64 (value, self->last_success); break;
    case PROP_LAST_ERROR: g_value_set_string (value, self->last_error); break;
    case PROP_ALL_AT_HQ: g_value_set_boolean (value, self->all_at_hq); break;
    case PROP_NEXT_ATTEMPT: g_value_set_int64 (value, self->next_attempt); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fc_sync_client_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  FcSyncClient *self = FC_SYNC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_STORE: self->store = g_value_dup_object (value); break;
    case PROP_BASE_URL: self->base_url = g_value_dup_string (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

#define RO (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)
#define CO (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS)

static void
fc_sync_client_class_init (FcSyncClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = fc_sync_client_constructed;
  object_class->dispose = fc_sync_client_dispose;
  object_class->finalize = fc_sync_client_finalize;
  object_class->get_property = fc_sync_client_get_property;
  object_class->set_property = fc_sync_client_set_property;

  properties[PROP_STORE] = g_param_spec_object ("store", NULL, NULL, FC_TYPE_STORE, CO);
  properties[PROP_BASE_URL] = g_param_spec_string ("base-url", NULL, NULL, NULL, CO);
  properties[PROP_STATE] = g_param_spec_enum ("state", NULL, NULL, FC_TYPE_SYNC_CLIENT_STATE,
                                              FC_SYNC_CLIENT_IDLE, RO);
  properties[PROP_ONLINE] = g_param_spec_boolean ("online", NULL, NULL, FALSE, RO);
  properties[PROP_PENDING] = g_param_spec_int64 ("pending", NULL, NULL, 0, G_MAXINT64, 0, RO);
  properties[PROP_REJECTED] = g_param_spec_int64 ("rejected", NULL, NULL, 0, G_MAXINT64, 0, RO);
  properties[PROP_LAST_SUCCESS] = g_param_spec_int64 ("last-success", NULL, NULL,
                                                      0, G_MAXINT64, 0, RO);
  properties[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL, RO);
  properties[PROP_ALL_AT_HQ] = g_param_spec_boolean ("all-at-hq", NULL, NULL, FALSE, RO);
  properties[PROP_NEXT_ATTEMPT] = g_param_spec_int64 ("next-attempt", NULL, NULL,
                                                      0, G_MAXINT64, 0, RO);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fc_sync_client_init (FcSyncClient *self)
{
  self->tuning = default_tuning;
}
