/* bench-sync: Fieldcase sync against the reference HQ server on 127.0.0.1,
 * with the same data the PouchDB peer replicates (tests/bench/run-sync-bench.sh
 * runs both and prints them side by side).
 *
 * HQ runs in a thread of its own (its own main context), the devices on the
 * main thread, so on two cores the two sides work at once, like PouchDB's
 * server process and its client.
 *
 * Data: 10,000 cases shaped like the peer's makeDoc (bench.js): a serial,
 * a customer site, a status, created/updated times and a 300-character note
 * (40 Chinese characters + 260 English ones), spread over six events per
 * case (opened, responded, assigned, diagnosis = the note, reproduction, a
 * status note): 60,000 events, pushed to HQ by one generator device.
 *
 * Measured, medians of RUNS (≥ 3):
 *   initial pull into an empty device (time, requests, bytes on the wire);
 *   push of 1,000 events recorded offline;
 *   a no-op sync;
 *   HQ ingest with 50 devices pushing 1,000 events each at once (events/s).
 * Bytes are libsoup's message metrics: request line, headers and body as
 * sent plus status line, headers and body as received (gzip as on the wire).
 *
 * Prints a table, then one line "BENCH_SYNC_JSON {...}" for the script. */
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

#include "fc-hq-server.h"
#include "fc-ids.h"
#include "fc-store-private.h"
#include "fc-sync-client-private.h"

static guint n_cases = 10000;
static guint n_runs = 3;
static guint n_devices = 50;
static guint per_device = 1000;
static guint n_retries = 0;     /* ingest syncs started again after a transient error */

/* ---- HQ in its own thread ---- */

typedef struct {
  char         *db;
  GMainContext *ctx;
  GMainLoop    *loop;
  FcHqServer   *server;
  char         *url;
  GMutex        lock;
  GCond         cond;
  gboolean      ready;
  GThread      *thread;
} Hq;

static gpointer
hq_thread (gpointer data)
{
  Hq *hq = data;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (hq->ctx);
  hq->server = fc_hq_server_new (hq->db, &error);
  if (hq->server == NULL || fc_hq_server_listen_local (hq->server, &error) == 0)
    g_error ("HQ: %s", error->message);
  hq->url = fc_hq_server_dup_url (hq->server);
  g_mutex_lock (&hq->lock);
  hq->ready = TRUE;
  g_cond_signal (&hq->cond);
  g_mutex_unlock (&hq->lock);
  g_main_loop_run (hq->loop);
  fc_hq_server_disconnect (hq->server);
  g_clear_object (&hq->server);
  g_main_context_pop_thread_default (hq->ctx);
  return NULL;
}

static Hq *
hq_start (const char *dir)
{
  Hq *hq = g_new0 (Hq, 1);

  hq->db = g_build_filename (dir, "hq.db", NULL);
  hq->ctx = g_main_context_new ();
  hq->loop = g_main_loop_new (hq->ctx, FALSE);
  g_mutex_init (&hq->lock);
  g_cond_init (&hq->cond);
  hq->thread = g_thread_new ("hq", hq_thread, hq);
  g_mutex_lock (&hq->lock);
  while (!hq->ready)
    g_cond_wait (&hq->cond, &hq->lock);
  g_mutex_unlock (&hq->lock);
  return hq;
}

/* Runs @fn on HQ's thread and waits: its store is HQ's thread's only. */
typedef struct {
  Hq         *hq;
  gpointer  (*fn) (Hq *hq, gpointer arg);
  gpointer    arg;
  gpointer    result;
  gboolean    done;
} HqCall;

static gboolean
hq_call_cb (gpointer data)
{
  HqCall *call = data;

  call->result = call->fn (call->hq, call->arg);
  g_mutex_lock (&call->hq->lock);
  call->done = TRUE;
  g_cond_broadcast (&call->hq->cond);
  g_mutex_unlock (&call->hq->lock);
  return G_SOURCE_REMOVE;
}

static gpointer
hq_call (Hq       *hq,
         gpointer (*fn) (Hq *hq, gpointer arg),
         gpointer  arg)
{
  HqCall call = { hq, fn, arg, NULL, FALSE };

  g_main_context_invoke (hq->ctx, hq_call_cb, &call);
  g_mutex_lock (&hq->lock);
  while (!call.done)
    g_cond_wait (&hq->cond, &hq->lock);
  g_mutex_unlock (&hq->lock);
  return call.result;
}

static gpointer
make_code_fn (Hq      *hq,
              gpointer outlet)
{
  g_autoptr(GError) error = NULL;
  FcHqLimits limits;
  char *code;

  /* 50 simulated devices share one address: lift the per-device rate limit
   * out of the way (it is per device, but a benchmark should not meet it). */
  fc_hq_server_get_limits (hq->server, &limits);
  limits.rate_per_second = 1e6;
  limits.rate_burst = 1e6;
  fc_hq_server_set_limits (hq->server, &limits);
  code = fc_hq_server_create_enrol_code (hq->server, outlet, NULL, &error);
  if (code == NULL)
    g_error ("enrol code: %s", error->message);
  return code;
}

static gpointer
count_events_fn (Hq      *hq,
                 gpointer arg)
{
  return GSIZE_TO_POINTER ((gsize) fc_hq_server_count_events (hq->server));
}

static gboolean
quit_cb (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static void
hq_stop (Hq *hq)
{
  g_main_context_invoke (hq->ctx, quit_cb, hq->loop);
  g_thread_join (hq->thread);
  g_main_loop_unref (hq->loop);
  g_main_context_unref (hq->ctx);
  g_free (hq->url);
  g_free (hq->db);
  g_free (hq);
}

/* ---- devices on the main thread ---- */

typedef struct {
  FcStore      *store;
  FcSyncClient *client;
  gboolean      done;
  GError       *error;
  gint64        t_done;
} Device;

static void
device_free (Device *d)
{
  g_clear_object (&d->client);
  g_clear_object (&d->store);
  g_clear_error (&d->error);
  g_free (d);
}

static void
enrol_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  Device *d = user_data;

  fc_sync_client_enrol_finish (FC_SYNC_CLIENT (source), result, &d->error);
  d->done = TRUE;
}

static void
sync_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Device *d = user_data;

  fc_sync_client_sync_finish (FC_SYNC_CLIENT (source), result, &d->error);
  d->t_done = g_get_monotonic_time ();
  d->done = TRUE;
}

static void
wait_done (Device **devices,
           guint    n)
{
  for (guint i = 0; i < n; i++)
    {
      while (!devices[i]->done)
        g_main_context_iteration (NULL, TRUE);
      if (devices[i]->error != NULL)
        g_error ("device %u: %s", i, devices[i]->error->message);
    }
}

static Device *
device_new (Hq         *hq,
            const char *dir,
            const char *name,
            const char *outlet)
{
  Device *d = g_new0 (Device, 1);
  g_autofree char *file = g_strdup_printf ("%s.db", name);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autoptr(GError) error = NULL;

  d->store = fc_store_new (path, &error);
  if (d->store == NULL)
    g_error ("store: %s", error->message);
  d->client = fc_sync_client_new (d->store, hq->url);
  for (;;)
    {
      g_autofree char *code = hq_call (hq, make_code_fn, (gpointer) outlet);

      d->done = FALSE;
      fc_sync_client_enrol_async (d->client, code, name, NULL, enrol_cb, d);
      while (!d->done)
        g_main_context_iteration (NULL, TRUE);
      /* HQ limits enrolments per address (2/s): wait as it asks. */
      if (!g_error_matches (d->error, FC_SYNC_ERROR, FC_SYNC_ERROR_RATE_LIMITED))
        break;
      g_clear_error (&d->error);
      g_usleep (G_USEC_PER_SEC);
    }
  if (d->error != NULL)
    g_error ("enrol %s: %s", name, d->error->message);
  d->done = FALSE;
  return d;
}

static void
device_sync_start (Device *d)
{
  d->done = FALSE;
  g_clear_error (&d->error);
  fc_sync_client_sync_async (d->client, NULL, sync_cb, d);
}

/* ---- the data: makeDoc's shape as events ---- */

static guint32 seed = 12345;

static double
rnd (void)
{
  seed = (guint32) (((guint64) seed * 1103515245u + 12345u) & 0x7fffffff);
  return (double) seed / (double) 0x7fffffff;
}

#define PICK(a) (a[(guint) (rnd () * G_N_ELEMENTS (a)) % G_N_ELEMENTS (a)])

static const char *const given[] = { "伟", "芳", "娜", "敏", "静", "磊", "洋", "Anna", "John",
                                     "Lukas", "Maria", "Wei", "Sofia", "Omar" };
static const char *const statuses[] = { "open", "assigned", "in_progress", "waiting_parts",
                                        "resolved", "closed" };
static const char zh_pool[] =
  "设备开机后压缩机无法启动检测到电容老化更换启动测试运行正常建议客户三个月复查制冷效果并清洗冷凝器滤网"
  "主板电源模块故障异响漏水温度传感器读数偏高风扇电机轴承磨损管路焊接点渗漏已补焊保压二十四小时无泄漏"
  "控制面板显示错误代码升级固件后恢复用户反馈噪音较大调整减震垫位置现场环境潮湿建议加装除湿装置";
static const char *const en_pool[] = {
  "unit", "compressor", "fails", "start", "capacitor", "measured", "below", "rating", "replaced",
  "verified", "cooling", "cycle", "advise", "filter", "cleaning", "follow-up", "months", "fan",
  "motor", "bearing", "worn", "noise", "vibration", "pressure", "test", "leak", "brazed", "joint",
  "refrigerant", "recharged", "R410A", "superheat", "subcooling", "sensor", "reading", "high",
  "thermostat", "firmware", "updated", "error", "code", "E4", "E7", "board", "power", "supply",
  "fuse", "blown", "customer", "reports", "intermittent", "shutdown", "site", "humid", "drain",
  "line", "blocked", "cleared", "condensate", "pump", "replaced", "wiring", "loose", "terminal",
  "tightened", "contactor", "pitted", "swapped", "tested", "amps", "volts", "within", "spec", "ok",
};

/* 40 Chinese characters, as bench.js's note() starts. */
static char *
zh_text (void)
{
  glong n = g_utf8_strlen (zh_pool, -1);
  GString *s = g_string_new (NULL);

  for (int i = 0; i < 40; i++)
    {
      const char *c = g_utf8_offset_to_pointer (zh_pool, (glong) (rnd () * n) % n);
      g_string_append_len (s, c, g_utf8_next_char (c) - c);
    }
  return g_string_free (s, FALSE);
}

/* 260 ASCII characters, as bench.js's note() ends. */
static char *
en_text (guint i)
{
  GString *s = g_string_new (NULL);

  g_string_printf (s, "[case %u] ", i);
  while (s->len < 260)
    g_string_append_printf (s, "%s%s", PICK (en_pool), rnd () < 0.12 ? ". " : " ");
  g_string_truncate (s, 260);
  return g_string_free (s, FALSE);
}

/* The generator's stamps: like a device's HLC they never repeat (cases
 * overlap in time, so two steps can fall in the same millisecond). */
static GHashTable *used_hlcs;

static gint64
unique_hlc (gint64 ms)
{
  gint64 hlc = FC_HLC_MAKE (ms, 0);

  if (used_hlcs == NULL)
    used_hlcs = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  while (g_hash_table_contains (used_hlcs, &hlc))
    hlc++;
  g_hash_table_add (used_hlcs, g_memdup2 (&hlc, sizeof hlc));
  return hlc;
}

/* Ids as the app mints them (fc_store_record: derived from the stamp and
 * the device); @case_id NULL: the case's opening event, whose id is the
 * case's. */
static FcEvent *
make_event (const char *case_id,
            const char *type,
            gint64      ms,
            const char *device,
            const char *author,
            JsonObject *payload)   /* taken */
{
  gint64 hlc = unique_hlc (ms);
  g_autofree char *id = fc_event_id_derive (hlc, device);
  FcEvent *ev = fc_event_new (id, case_id != NULL ? case_id : id, type, hlc, device, author,
                              payload);

  json_object_unref (payload);
  return ev;
}

static JsonObject *
obj (const char *first, ...)
{
  JsonObject *o = json_object_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *k = first; k != NULL; k = va_arg (ap, const char *))
    json_object_set_string_member (o, k, va_arg (ap, const char *));
  va_end (ap);
  return o;
}

/* Six events for case @i (makeDoc(i)'s content), appended to @out. */
static void
make_case (guint       i,
           const char *device,
           const char *outlet,
           GPtrArray  *out)
{
  gint64 t0 = G_GINT64_CONSTANT (1704067200000) + (gint64) i * 61000;   /* 2024-01-01 */
  gint64 t_end = t0 + (gint64) (rnd () * 86400000.0);
  gint64 step = MAX ((t_end - t0) / 6, 1);
  g_autofree char *number = g_strdup_printf ("FC240101-%06u", i);
  g_autofree char *serial = g_strdup_printf ("SN-%u-%05u", 100000 + (guint) (rnd () * 900000), i);
  g_autofree char *site = g_strdup_printf ("Site-%u", (guint) (rnd () * 500));
  g_autofree char *zh = zh_text ();
  g_autofree char *en = en_text (i);
  g_autofree char *status = g_strdup_printf ("status: %s", PICK (statuses));
  const char *engineer = PICK (given);
  FcEvent *opened;
  const char *case_id;
  JsonObject *p;

  p = obj ("number", number, "kind", "repair", "channel", "on_site", "problem_type", "technical",
           "severity", "general", "description", "Unit not cooling", "product_serial", serial,
           "customer_id", site, "outlet", outlet, NULL);
  opened = make_event (NULL, FC_EV_CASE_OPENED, t0, device, "bench", p);
  case_id = opened->case_id;

  g_ptr_array_add (out, opened);
  g_ptr_array_add (out, make_event (case_id, FC_EV_CASE_RESPONDED, t0 + step, device, "bench",
                                    json_object_new ()));
  g_ptr_array_add (out, make_event (case_id, FC_EV_CASE_ASSIGNED, t0 + 2 * step, device, "bench",
                                    obj ("assignee", engineer, NULL)));
  g_ptr_array_add (out, make_event (case_id, FC_EV_DIAGNOSIS_RECORDED, t0 + 3 * step, device,
                                    engineer, obj ("symptom", zh, "cause", en,
                                                   "method", "on_site", NULL)));
  g_ptr_array_add (out, make_event (case_id, FC_EV_REPRODUCTION_RECORDED, t0 + 4 * step, device,
                                    engineer, obj ("result", "reproduced",
                                                   "steps", "ran 20 min on cool", NULL)));
  g_ptr_array_add (out, make_event (case_id, FC_EV_NOTE_ADDED, t_end, device, engineer,
                                    obj ("text", status, NULL)));
}

/* Records @n_cases cases (6 events each) as this device's pending work. */
static void
fill_device (Device     *d,
             guint       first_case,
             guint       count,
             const char *outlet)
{
  const char *device = fc_store_get_device_id (d->store);

  for (guint c = 0; c < count; c += 1000)
    {
      g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);
      g_autoptr(GError) error = NULL;

      for (guint i = c; i < MIN (c + 1000, count); i++)
        make_case (first_case + i, device, outlet, events);
      if (!fc_store_ingest (d->store, events, FC_SYNC_PENDING, &error))
        g_error ("ingest: %s", error->message);
    }
}

/* ---- measuring ---- */

typedef struct {
  double  ms;
  guint64 requests;
  guint64 bytes_up;
  guint64 bytes_down;
  guint64 events;
  double  stall_ms;   /* the longest the main loop went without running the probe */
  gint64  t0;         /* when the sync started (monotonic µs) */
} Figure;

/* A UI's main loop beside the sync: a 5 ms tick whose lateness is a stall
 * (a frame or an input event would have waited as long). */
#define PROBE_MS 5

typedef struct {
  gint64 last;
  gint64 worst;
} Probe;

static gboolean
probe_cb (gpointer data)
{
  Probe *p = data;
  gint64 now = g_get_monotonic_time ();

  p->worst = MAX (p->worst, now - p->last - PROBE_MS * 1000);
  p->last = now;
  return G_SOURCE_CONTINUE;
}

static Figure
measure_sync (Device *d)
{
  FcSyncStats a, b;
  gint64 t0;
  Figure f;
  Probe probe = { g_get_monotonic_time (), 0 };
  guint probe_id = g_timeout_add (PROBE_MS, probe_cb, &probe);

  fc_sync_client_get_stats (d->client, &a);
  t0 = g_get_monotonic_time ();
  device_sync_start (d);
  wait_done (&d, 1);
  g_source_remove (probe_id);
  f.stall_ms = MAX (probe.worst, 0) / 1000.0;
  f.ms = (double) (d->t_done - t0) / 1000.0;
  f.t0 = t0;
  fc_sync_client_get_stats (d->client, &b);
  f.requests = b.requests - a.requests;
  f.bytes_up = b.bytes_up - a.bytes_up;
  f.bytes_down = b.bytes_down - a.bytes_down;
  f.events = (b.events_pulled - a.events_pulled) + (b.events_pushed - a.events_pushed);
  return f;
}

static int
cmp_double (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (GArray *values)
{
  g_array_sort (values, cmp_double);
  if (values->len % 2 == 1)
    return g_array_index (values, double, values->len / 2);
  return (g_array_index (values, double, values->len / 2 - 1) +
          g_array_index (values, double, values->len / 2)) / 2.0;
}

typedef struct {
  GArray *ms, *requests, *up, *down, *events, *stall;
} Series;

static Series
series_new (void)
{
  Series s = {
    g_array_new (FALSE, FALSE, sizeof (double)), g_array_new (FALSE, FALSE, sizeof (double)),
    g_array_new (FALSE, FALSE, sizeof (double)), g_array_new (FALSE, FALSE, sizeof (double)),
    g_array_new (FALSE, FALSE, sizeof (double)), g_array_new (FALSE, FALSE, sizeof (double)),
  };
  return s;
}

static void
series_add (Series *s,
            Figure  f)
{
  double v[6] = { f.ms, (double) f.requests, (double) f.bytes_up, (double) f.bytes_down,
                  (double) f.events, f.stall_ms };

  g_array_append_val (s->ms, v[0]);
  g_array_append_val (s->requests, v[1]);
  g_array_append_val (s->up, v[2]);
  g_array_append_val (s->down, v[3]);
  g_array_append_val (s->events, v[4]);
  g_array_append_val (s->stall, v[5]);
}

/* A first pull's cases are listed when the pull ends; their search rows
 * follow in the client's background pass. Milliseconds from the start of
 * the pull until every case is searchable. */
static double
wait_searchable (Device *d,
                 gint64  t0)
{
  while (fc_store_has_index_pending (d->store))
    g_main_context_iteration (NULL, TRUE);
  return (double) (g_get_monotonic_time () - t0) / 1000.0;
}

static void
series_print (const char *name,
              Series     *s,
              GString    *json)
{
  GString *runs = g_string_new (NULL);

  for (guint i = 0; i < s->ms->len; i++)
    g_string_append_printf (runs, "%s%.1f", i > 0 ? ", " : "", g_array_index (s->ms, double, i));
  printf ("%-14s %10.1f %9.0f %10.0f %11.0f %9.0f %9.1f   [%s]\n", name, median (s->ms),
          median (s->requests), median (s->up), median (s->down), median (s->events),
          median (s->stall), runs->str);
  g_string_append_printf (json, "%s\"%s\":{\"ms\":%.1f,\"requests\":%.0f,\"bytesUp\":%.0f,"
                          "\"bytesDown\":%.0f,\"events\":%.0f,\"stallMs\":%.1f}",
                          json->len > 1 ? "," : "", name, median (s->ms), median (s->requests),
                          median (s->up), median (s->down), median (s->events), median (s->stall));
  g_string_free (runs, TRUE);
  g_array_unref (s->ms);
  g_array_unref (s->requests);
  g_array_unref (s->up);
  g_array_unref (s->down);
  g_array_unref (s->events);
  g_array_unref (s->stall);
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_remove (path);
    }
  g_rmdir (dir);
}

/* Record 1,000 events offline (500 new cases, two steps each). */
static void
record_offline (Device *d,
                guint   run)
{
  for (guint i = 0; i < 500; i++)
    {
      g_autoptr(JsonObject) p = obj ("kind", "repair", "channel", "phone", "problem_type", "quality",
                                     "severity", "major", "description", "压缩机不启动 compressor "
                                     "will not start", "outlet", "BJ-01", NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *case_id = fc_store_open_case (d->store, p, "bench", &error);
      g_autoptr(FcEvent) ev = NULL;

      if (case_id == NULL)
        g_error ("open: %s", error->message);
      ev = fc_store_record (d->store, case_id, FC_EV_CASE_RESPONDED, NULL, "bench", &error);
      if (ev == NULL)
        g_error ("record: %s", error->message);
    }
  (void) run;
}

/* The 50 devices, enrolled once (each its own outlet, so none pulls the
 * others' events); each run gives each of them 1,000 new events. */
static GPtrArray *
ingest_devices_new (Hq         *hq,
                    const char *dir)
{
  GPtrArray *devices = g_ptr_array_new_with_free_func ((GDestroyNotify) device_free);

  for (guint i = 0; i < n_devices; i++)
    {
      g_autofree char *name = g_strdup_printf ("ingest-%02u", i);
      g_autofree char *outlet = g_strdup_printf ("IN-%02u", i);
      Device *d = device_new (hq, dir, name, outlet);
      FcSyncTuning t;

      fc_sync_client_get_tuning (d->client, &t);
      t.reference_interval_ms = -1;
      fc_sync_client_set_tuning (d->client, &t);
      g_ptr_array_add (devices, d);
    }
  return devices;
}

static double
ingest_run (GPtrArray *devices,
            guint      run)
{
  gint64 t0, t_end = 0;
  guint64 pushed = 0;

  for (guint i = 0; i < devices->len; i++)
    {
      g_autofree char *outlet = g_strdup_printf ("IN-%02u", i);
      fill_device (g_ptr_array_index (devices, i), 100000 + (run * n_devices + i) * (per_device / 6),
                   per_device / 6, outlet);
    }
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < devices->len; i++)
    device_sync_start (g_ptr_array_index (devices, i));
  /* A device whose connection HQ dropped (its accept queue overflows with
   * 50 at once) tries again, as the scheduler would; counted. */
  for (gboolean all_done = FALSE; !all_done;)
    {
      all_done = TRUE;
      for (guint i = 0; i < devices->len; i++)
        {
          Device *d = g_ptr_array_index (devices, i);
          if (d->done && d->error != NULL && fc_sync_error_is_transient (d->error))
            {
              n_retries++;
              g_printerr ("# retry: %s\n", d->error->message);
              device_sync_start (d);
            }
          all_done = all_done && d->done;
        }
      if (!all_done)
        g_main_context_iteration (NULL, TRUE);
    }
  wait_done ((Device **) devices->pdata, devices->len);
  for (guint i = 0; i < devices->len; i++)
    {
      Device *d = g_ptr_array_index (devices, i);
      FcSyncStats s;

      fc_sync_client_get_stats (d->client, &s);
      pushed += s.events_pushed;
      t_end = MAX (t_end, d->t_done);
    }
  for (guint i = 0; i < devices->len; i++)   /* count this run's only, next time */
    ((Device *) g_ptr_array_index (devices, i))->client->stats.events_pushed = 0;
  return (double) pushed / ((double) (t_end - t0) / 1e6);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = g_dir_make_tmp ("bench-sync-XXXXXX", NULL);
  g_autoptr(GPtrArray) pullers = g_ptr_array_new_with_free_func ((GDestroyNotify) device_free);
  g_autoptr(GPtrArray) ingesters = NULL;
  g_autoptr(GString) json = g_string_new ("{");
  Series pull = series_new (), push = series_new (), noop = series_new ();
  g_autoptr(GArray) ingest = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) searchable = g_array_new (FALSE, FALSE, sizeof (double));
  Device *gen;
  Figure seed_push;
  gint64 t0;
  Hq *hq;

  if (g_getenv ("N_CASES") != NULL)
    n_cases = (guint) atoi (g_getenv ("N_CASES"));
  if (g_getenv ("RUNS") != NULL)
    n_runs = MAX ((guint) atoi (g_getenv ("RUNS")), 1);
  if (g_getenv ("N_DEVICES") != NULL)
    n_devices = MAX ((guint) atoi (g_getenv ("N_DEVICES")), 1);

  hq = hq_start (dir);
  printf ("# HQ %s, %u cases, %u runs, scratch %s\n", hq->url, n_cases, n_runs, dir);

  /* The generator records the cases and pushes them to HQ. */
  gen = device_new (hq, dir, "generator", "BJ-01");
  t0 = g_get_monotonic_time ();
  fill_device (gen, 0, n_cases, "BJ-01");
  printf ("# generated %" G_GINT64_FORMAT " events in %.1f s\n",
          fc_store_count_pending (gen->store), (g_get_monotonic_time () - t0) / 1e6);
  seed_push = measure_sync (gen);
  printf ("# generator pushed them in %.1f s, %" G_GUINT64_FORMAT " requests, %.2f MB up; HQ "
          "holds %" G_GSIZE_FORMAT " events\n", seed_push.ms / 1000.0, seed_push.requests,
          seed_push.bytes_up / 1e6, GPOINTER_TO_SIZE (hq_call (hq, count_events_fn, NULL)));

  for (guint r = 0; r < n_runs; r++)
    {
      g_autofree char *name = g_strdup_printf ("pull-%u", r);
      Device *d = device_new (hq, dir, name, "BJ-01");

      Figure f = measure_sync (d);
      double ready = wait_searchable (d, f.t0);

      series_add (&pull, f);
      g_array_append_val (searchable, ready);
      g_ptr_array_add (pullers, d);
    }
  /* Each run: catch up (not measured: the other runs' pushes), record
   * 1,000 events offline, push them, then a no-op sync. */
  for (guint r = 0; r < n_runs; r++)
    {
      Device *d = g_ptr_array_index (pullers, r);

      measure_sync (d);
      record_offline (d, r);
      series_add (&push, measure_sync (d));
      series_add (&noop, measure_sync (d));
    }
  ingesters = ingest_devices_new (hq, dir);
  for (guint r = 0; r < n_runs; r++)
    {
      double rate = ingest_run (ingesters, r);
      g_array_append_val (ingest, rate);
    }

  printf ("\nphase           median_ms  requests   bytes_up  bytes_down    events  stall_ms   [ms per run]\n");
  series_print ("pull_initial", &pull, json);
  {
    GString *runs = g_string_new (NULL);
    for (guint i = 0; i < searchable->len; i++)
      g_string_append_printf (runs, "%s%.1f", i > 0 ? ", " : "", g_array_index (searchable, double, i));
    printf ("  …searchable  %10.1f   (every case found by search: the pull and the background pass)   [%s]\n",
            median (searchable), runs->str);
    g_string_append_printf (json, ",\"pull_searchable_ms\":%.1f", median (searchable));
    g_string_free (runs, TRUE);
  }
  series_print ("push_1000", &push, json);
  series_print ("noop_sync", &noop, json);
  {
    GString *runs = g_string_new (NULL);
    for (guint i = 0; i < ingest->len; i++)
      g_string_append_printf (runs, "%s%.0f", i > 0 ? ", " : "", g_array_index (ingest, double, i));
    printf ("ingest_%u_dev   %10.0f events/s (%u devices x %u events at once; %u retried)   [%s]\n",
            n_devices, median (ingest), n_devices, per_device / 6 * 6, n_retries, runs->str);
    g_string_append_printf (json, ",\"ingest\":{\"devices\":%u,\"events_per_device\":%u,"
                            "\"events_per_s\":%.0f,\"retries\":%u}", n_devices, per_device / 6 * 6,
                            median (ingest), n_retries);
    g_string_free (runs, TRUE);
  }
  g_string_append_printf (json, ",\"push_initial\":{\"ms\":%.1f,\"requests\":%" G_GUINT64_FORMAT
                          ",\"bytesUp\":%" G_GUINT64_FORMAT ",\"bytesDown\":%" G_GUINT64_FORMAT
                          ",\"events\":%" G_GUINT64_FORMAT ",\"runs\":1}", seed_push.ms,
                          seed_push.requests, seed_push.bytes_up, seed_push.bytes_down,
                          seed_push.events);
  g_string_append_printf (json, ",\"cases\":%u,\"runs\":%u}", n_cases, n_runs);
  printf ("\nBENCH_SYNC_JSON %s\n", json->str);

  g_clear_pointer (&pullers, g_ptr_array_unref);
  g_clear_pointer (&ingesters, g_ptr_array_unref);
  device_free (gen);
  hq_stop (hq);
  if (g_getenv ("BENCH_KEEP") == NULL)
    remove_tree (dir);
  return 0;
}
