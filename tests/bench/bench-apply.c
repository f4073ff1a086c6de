/* bench-apply.c: writing a first pull's pages, as the sync client's writer
 * thread does (fc_store_apply_sync_quietly on a second connection).
 *
 *   bench-apply [--cases N] [--limit EVENTS] [--runs R] [--no-text]
 *               [--index-now] [--full-sync] [--sync-data] [DIR]
 *
 * Builds N cases (default 10,000, ~6 events each: a few steps of the flow
 * with short texts; --sync-data: bench-sync's six events a case with a
 * 300-character note, 40 Chinese characters and 260 English ones) as HQ's
 * snapshot sends them — case after case, cut into pages of EVENTS events (default
 * 20,000) — then, R times (default 5) on a fresh store file in DIR (default:
 * a temporary folder), writes every page in its own transaction and
 * reports each page's wall and CPU time, then the medians over the runs.
 * Events carry their payload's JSON as received (FcEvent.payload_text)
 * unless --no-text. Pages are written as snapshot pages (search rows left
 * for later), then the search pass runs in chunks of 500 cases, as the
 * client runs it; --index-now indexes every case as its page is written.
 * The writer commits with synchronous = NORMAL, as the client's does;
 * --full-sync makes it FULL, as the UI's connection.
 * Only what the writer thread does is timed: building the events stands
 * for the parser, which runs on another thread.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib/gstdio.h>

#include "fc-store-private.h"

static int n_cases = 10000;
static int page_limit = 20000;
static int n_runs = 5;
static gboolean keep_text = TRUE;
static gboolean index_now = FALSE;
static gboolean full_sync = FALSE;
static gboolean sync_data = FALSE;

#define INDEX_CHUNK 500

static const char *const models[] = { "KFR-35GW", "KFR-50LW", "P30", "P40", "X1-Carbon",
                                      "MB-7", "WM-80", "TV-55Q" };
static const char *const zh_symptoms[] = { "空调制冷效果不佳", "手机反复重启", "电脑蓝屏",
                                           "洗衣机漏水", "电视无信号", "冰箱不制冷" };
static const char *const en_symptoms[] = { "air conditioner cools poorly", "phone reboots repeatedly",
                                           "PC blue screen after update", "washing machine leaks",
                                           "TV shows no signal", "fridge does not cool" };
static const char *const path_steps[] = {
  FC_EV_CASE_OPENED, FC_EV_CASE_RESPONDED, FC_EV_DIAGNOSIS_RECORDED,
  FC_EV_REPRODUCTION_RECORDED, FC_EV_PLAN_PROPOSED, FC_EV_PLAN_APPROVED,
  FC_EV_CUSTOMER_AGREED, FC_EV_PART_REPLACED, FC_EV_WORK_RECORDED, FC_EV_CASE_RESOLVED,
  FC_EV_REVISIT_SCHEDULED, FC_EV_REVISIT_RECORDED, FC_EV_CASE_CLOSED,
};

static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static JsonObject *
payload_for (const char *type, int c, GRand *r)
{
  JsonObject *o = json_object_new ();
  int s = c % G_N_ELEMENTS (zh_symptoms);

#define STR(k, v) json_object_set_string_member (o, k, v)
  if (g_str_equal (type, FC_EV_CASE_OPENED))
    {
      g_autofree char *serial = g_strdup_printf ("SN%08d", g_rand_int_range (r, 0, 1000000));
      g_autofree char *number = g_strdup_printf ("FC-B%06d", c);
      g_autofree char *desc = g_strdup_printf ("%s / %s (case %d)", zh_symptoms[s], en_symptoms[s], c);
      static const char *sev[] = { "general", "general", "general", "major", "urgent" };
      static const char *kinds[] = { "repair", "repair", "repair", "complaint", "return" };
      STR ("number", number);
      STR ("kind", kinds[g_rand_int_range (r, 0, 5)]);
      STR ("channel", "phone");
      STR ("problem_type", "quality");
      STR ("severity", sev[g_rand_int_range (r, 0, 5)]);
      STR ("description", desc);
      STR ("product_serial", serial);
      STR ("model", models[c % G_N_ELEMENTS (models)]);
      STR ("assignee", c % 7 == 0 ? "wang" : "li");
    }
  else if (g_str_equal (type, FC_EV_DIAGNOSIS_RECORDED))
    STR ("symptom", en_symptoms[s]), STR ("cause", "worn part"), STR ("method", "on_site");
  else if (g_str_equal (type, FC_EV_REPRODUCTION_RECORDED))
    STR ("result", "reproduced"), STR ("steps", "run for 20 minutes");
  else if (g_str_equal (type, FC_EV_PLAN_PROPOSED))
    {
      STR ("action", "repair"), STR ("description", "replace the worn part"), STR ("owner", "li");
      STR ("deadline", "2026-12-01T10:00:00Z"), STR ("acceptance", "works for 1 h");
      json_object_set_boolean_member (o, "approval_required", TRUE);
    }
  else if (g_str_equal (type, FC_EV_PLAN_APPROVED))
    STR ("approver", "supervisor");
  else if (g_str_equal (type, FC_EV_PART_REPLACED))
    STR ("part_number", "P-100"), json_object_set_int_member (o, "quantity", 1);
  else if (g_str_equal (type, FC_EV_WORK_RECORDED))
    STR ("description", "replaced and tested");
  else if (g_str_equal (type, FC_EV_CASE_RESOLVED))
    {
      STR ("signer", "customer");
      STR ("signature_sha256", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
      json_object_set_int_member (o, "satisfaction", 4);
    }
  else if (g_str_equal (type, FC_EV_REVISIT_SCHEDULED))
    STR ("due", "2026-12-05T10:00:00Z");
  else if (g_str_equal (type, FC_EV_REVISIT_RECORDED))
    json_object_set_boolean_member (o, "solved", TRUE), json_object_set_int_member (o, "satisfaction", 5);
  else if (g_str_equal (type, FC_EV_NOTE_ADDED))
    STR ("text", "called the customer, visit confirmed 客户确认上门");
#undef STR
  return o;
}

/* A case's events as a device of the outlet recorded them: HLCs never
 * repeat per device (@used), ids derived from them, the case's id its
 * opening's. */
static void
add_case (GPtrArray  *out,
          int         c,
          gint64      now,
          GRand      *r,
          GHashTable *used)
{
  static const char *const devices[] = {
    "0193a0c0-0000-7000-8000-000000000001", "0193a0c0-0000-7000-8000-000000000002",
    "0193a0c0-0000-7000-8000-000000000003", "0193a0c0-0000-7000-8000-000000000004",
  };
  /* ~6 events a case: a few steps of the flow and a note or two. */
  int steps = g_rand_int_range (r, 1, 9);
  int notes = g_rand_int_range (r, 0, 4);
  gint64 t = now - (gint64) g_rand_int_range (r, 0, 90 * 24) * 3600 * 1000;
  g_autofree char *case_id = NULL;

  for (int i = 0; i < steps + notes; i++)
    {
      const char *type = i < steps ? path_steps[i] : FC_EV_NOTE_ADDED;
      const char *device = devices[g_rand_int_range (r, 0, G_N_ELEMENTS (devices))];
      g_autoptr(JsonObject) p = payload_for (type, c, r);
      g_autofree char *id = NULL;
      gint64 hlc = FC_HLC_MAKE (t, 0);
      FcEvent *ev;

      while (!g_hash_table_add (used, g_strdup_printf ("%s/%" G_GINT64_FORMAT, device, hlc)))
        hlc++;
      id = fc_event_id_derive (hlc, device);
      if (case_id == NULL)
        case_id = g_strdup (id);
      ev = fc_event_new (id, case_id, type, hlc, device, i % 3 ? "li" : "wang", p);
      if (keep_text)
        ev->payload_text = fc_event_payload_to_string (ev);
      g_ptr_array_add (out, ev);
      t += g_rand_int_range (r, 60, 7200) * 1000;
    }
}

/* Cases (arrays of their events, never empty) by id. */
/* ---- bench-sync's data (tests/bench/bench-sync.c, makeDoc's shape) ---- */

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
  "line", "blocked", "cleared", "condensate", "pump", "wiring", "loose", "terminal",
  "tightened", "contactor", "pitted", "swapped", "tested", "amps", "volts", "within", "spec", "ok",
};
static const char *const statuses[] = { "open", "assigned", "in_progress", "waiting_parts",
                                        "resolved", "closed" };

static FcEvent *
sync_shape_event (GPtrArray  *out,
                  const char *case_id,
                  const char *type,
                  gint64      ms,
                  const char *device,
                  JsonObject *payload,   /* taken */
                  GHashTable *used)
{
  gint64 hlc = FC_HLC_MAKE (ms, 0);
  g_autofree char *id = NULL;
  FcEvent *ev;

  while (!g_hash_table_add (used, g_strdup_printf ("%s/%" G_GINT64_FORMAT, device, hlc)))
    hlc++;
  id = fc_event_id_derive (hlc, device);
  ev = fc_event_new (id, case_id != NULL ? case_id : id, type, hlc, device, "bench", payload);
  json_object_unref (payload);
  if (keep_text)
    ev->payload_text = fc_event_payload_to_string (ev);
  g_ptr_array_add (out, ev);
  return ev;
}

static JsonObject *
texts (const char *first, ...)
{
  JsonObject *o = json_object_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *k = first; k != NULL; k = va_arg (ap, const char *))
    json_object_set_string_member (o, k, va_arg (ap, const char *));
  va_end (ap);
  return o;
}

static void
add_sync_shape_case (GPtrArray  *out,
                     int         c,
                     GRand      *r,
                     GHashTable *used)
{
  const char *device = "0193a0c0-0000-7000-8000-00000000000g";
  gint64 t0 = G_GINT64_CONSTANT (1704067200000) + (gint64) c * 61000;
  gint64 step = MAX (g_rand_int_range (r, 0, 86400000) / 6, 1);
  glong n_zh = g_utf8_strlen (zh_pool, -1);
  g_autofree char *number = g_strdup_printf ("FC240101-%06d", c);
  g_autofree char *serial = g_strdup_printf ("SN-%d-%05d", g_rand_int_range (r, 100000, 1000000), c);
  g_autofree char *site = g_strdup_printf ("Site-%d", g_rand_int_range (r, 0, 500));
  g_autofree char *status = g_strdup_printf ("status: %s",
                                             statuses[g_rand_int_range (r, 0, G_N_ELEMENTS (statuses))]);
  g_autoptr(GString) zh = g_string_new (NULL);
  g_autoptr(GString) en = g_string_new (NULL);
  const char *case_id;

  for (int i = 0; i < 40; i++)
    {
      const char *ch = g_utf8_offset_to_pointer (zh_pool, g_rand_int_range (r, 0, n_zh));
      g_string_append_len (zh, ch, g_utf8_next_char (ch) - ch);
    }
  g_string_printf (en, "[case %d] ", c);
  while (en->len < 260)
    g_string_append_printf (en, "%s%s", en_pool[g_rand_int_range (r, 0, G_N_ELEMENTS (en_pool))],
                            g_rand_double (r) < 0.12 ? ". " : " ");
  g_string_truncate (en, 260);
  case_id = sync_shape_event (out, NULL, FC_EV_CASE_OPENED, t0, device,
                              texts ("number", number, "kind", "repair", "channel", "on_site",
                                     "problem_type", "technical", "severity", "general",
                                     "description", "Unit not cooling", "product_serial", serial,
                                     "customer_id", site, "outlet", "SH-01", NULL),
                              used)->case_id;
  sync_shape_event (out, case_id, FC_EV_CASE_RESPONDED, t0 + step, device, json_object_new (), used);
  sync_shape_event (out, case_id, FC_EV_CASE_ASSIGNED, t0 + 2 * step, device,
                    texts ("assignee", "Wei", NULL), used);
  sync_shape_event (out, case_id, FC_EV_DIAGNOSIS_RECORDED, t0 + 3 * step, device,
                    texts ("symptom", zh->str, "cause", en->str, "method", "on_site", NULL), used);
  sync_shape_event (out, case_id, FC_EV_REPRODUCTION_RECORDED, t0 + 4 * step, device,
                    texts ("result", "reproduced", "steps", "ran 20 min on cool", NULL), used);
  sync_shape_event (out, case_id, FC_EV_NOTE_ADDED, t0 + 6 * step, device,
                    texts ("text", status, NULL), used);
}

static gint
compare_case_id (gconstpointer a,
                 gconstpointer b)
{
  const FcEvent *x = (*(GPtrArray *const *) a)->pdata[0];
  const FcEvent *y = (*(GPtrArray *const *) b)->pdata[0];

  return strcmp (x->case_id, y->case_id);
}

/* The pages HQ would send: cases in id order, whole, cut at the limit. */
static GPtrArray *
build_pages (void)
{
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GHashTable) used = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *pages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *page = NULL;
  GRand *r = g_rand_new_with_seed (42);
  gint64 now = g_get_real_time () / 1000;

  for (int c = 0; c < n_cases; c++)
    {
      GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);
      if (sync_data)
        add_sync_shape_case (events, c, r, used);
      else
        add_case (events, c, now, r, used);
      g_ptr_array_add (cases, events);
    }
  g_ptr_array_sort (cases, compare_case_id);
  for (guint c = 0; c < cases->len; c++)
    {
      GPtrArray *events = g_ptr_array_index (cases, c);
      for (guint i = 0; i < events->len; i++)
        {
          if (page == NULL || page->len >= (guint) page_limit)
            {
              page = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);
              g_ptr_array_add (pages, page);
            }
          g_ptr_array_add (page, fc_event_ref (g_ptr_array_index (events, i)));
        }
    }
  g_rand_free (r);
  return pages;
}

/* ---- timing ---- */

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (GArray *v)
{
  g_array_sort (v, cmp_double);
  return v->len == 0 ? 0 : g_array_index (v, double, v->len / 2);
}

typedef struct {
  GArray *page_ms;      /* wall, full pages only */
  GArray *page_cpu_ms;
  GArray *pass_ms;      /* the whole search pass */
  GArray *pass_cpu_ms;
  GArray *chunk_ms;     /* its longest transaction */
} Results;

static gint64
count_rows (FcStore *store, const char *sql)
{
  g_autoptr(FcStmt) stmt = fc_stmt_prepare (fc_store_get_db (store), sql, NULL);

  g_assert_true (fc_stmt_step (stmt, NULL));
  return fc_stmt_int64 (stmt, 0);
}

/* The client's search pass: chunks of INDEX_CHUNK cases until none waits. */
static void
run_pass (FcStore *writer,
          Results *res)
{
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time (), cpu0 = thread_cpu_us ();
  double longest = 0, ms, cpu_ms;
  guint chunks = 0, n;

  do
    {
      gint64 c0 = g_get_monotonic_time ();
      if (!fc_store_index_pending (writer, INDEX_CHUNK, &n, &error))
        g_error ("index: %s", error->message);
      longest = MAX (longest, (g_get_monotonic_time () - c0) / 1000.0);
      chunks++;
    }
  while (n > 0);
  ms = (g_get_monotonic_time () - t0) / 1000.0;
  cpu_ms = (thread_cpu_us () - cpu0) / 1000.0;
  g_print (" | search pass %.0f ms (%.0f CPU), %u chunks, longest %.0f ms", ms, cpu_ms, chunks,
           longest);
  g_array_append_val (res->pass_ms, ms);
  g_array_append_val (res->pass_cpu_ms, cpu_ms);
  g_array_append_val (res->chunk_ms, longest);
}

static void
run_once (const char *dir,
          int         run,
          GPtrArray  *pages,
          Results    *res)
{
  g_autofree char *name = g_strdup_printf ("apply-%d.db", run);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(FcStore) ui = NULL;
  g_autoptr(FcStore) writer = NULL;
  g_autoptr(GError) error = NULL;
  gint64 n_events = 0;

  /* The app's connection creates the file; the writer is a second one. */
  ui = fc_store_new (path, &error);
  g_assert_no_error (error);
  {
    gint64 t0 = g_get_monotonic_time ();
    writer = fc_store_new_writer (path, fc_store_get_clock (ui), 0, &error);
    g_assert_no_error (error);
    g_print ("run %d: writer opened in %.1f ms\n", run + 1, (g_get_monotonic_time () - t0) / 1000.0);
  }
  if (full_sync)
    g_assert_true (fc_db_exec (fc_store_get_db (writer), "PRAGMA synchronous = FULL", NULL));
  g_print ("run %d:", run + 1);
  for (guint p = 0; p < pages->len; p++)
    {
      GPtrArray *page = g_ptr_array_index (pages, p);
      g_autoptr(GPtrArray) inserted = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);
      g_autofree char *cursor = g_strdup_printf ("s999:%s", ((FcEvent *) page->pdata[page->len - 1])->case_id);
      gint64 t0 = g_get_monotonic_time (), cpu0 = thread_cpu_us ();
      double ms, cpu_ms;

      if (!fc_store_apply_sync_quietly_full (writer, NULL, page, cursor,
                                             index_now ? FC_STORE_APPLY_NONE
                                                       : FC_STORE_APPLY_DEFER_SEARCH,
                                             inserted, &error))
        g_error ("apply: %s", error->message);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      cpu_ms = (thread_cpu_us () - cpu0) / 1000.0;
      g_print (" page %u %.0f ms (%.0f CPU)", p + 1, ms, cpu_ms);
      if (page->len == (guint) page_limit)
        {
          g_array_append_val (res->page_ms, ms);
          g_array_append_val (res->page_cpu_ms, cpu_ms);
        }
      n_events += page->len;
    }
  g_assert_cmpint (count_rows (ui, "SELECT count(*) FROM events"), ==, n_events);
  g_assert_cmpint (count_rows (ui, "SELECT count(*) FROM cases"), ==, n_cases);
  if (!index_now)
    run_pass (writer, res);
  g_print ("\n");
  g_assert_false (fc_store_has_index_pending (ui));
  g_assert_cmpint (count_rows (ui, "SELECT count(*) FROM case_fts"), ==, n_cases);
}

static void
usage (void)
{
  g_printerr ("usage: bench-apply [--cases N] [--limit EVENTS] [--runs R] [--no-text] "
              "[--index-now] [--full-sync] [--sync-data] [DIR]\n");
  exit (2);
}

int
main (int argc, char **argv)
{
  g_autoptr(GPtrArray) pages = NULL;
  g_autofree char *dir = NULL;
  gboolean own_dir = FALSE;
  Results res = { 0 };
  guint total = 0;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--cases") && i + 1 < argc)
        n_cases = atoi (argv[++i]);
      else if (g_str_equal (argv[i], "--limit") && i + 1 < argc)
        page_limit = atoi (argv[++i]);
      else if (g_str_equal (argv[i], "--runs") && i + 1 < argc)
        n_runs = atoi (argv[++i]);
      else if (g_str_equal (argv[i], "--no-text"))
        keep_text = FALSE;
      else if (g_str_equal (argv[i], "--index-now"))
        index_now = TRUE;
      else if (g_str_equal (argv[i], "--full-sync"))
        full_sync = TRUE;
      else if (g_str_equal (argv[i], "--sync-data"))
        sync_data = TRUE;
      else if (argv[i][0] != '-' && dir == NULL)
        dir = g_strdup (argv[i]);
      else
        usage ();
    }
  if (n_cases < 1 || page_limit < 1 || n_runs < 1)
    usage ();
  if (dir == NULL)
    {
      dir = g_dir_make_tmp ("fc-bench-apply-XXXXXX", NULL);
      own_dir = TRUE;
    }
  res.page_ms = g_array_new (FALSE, FALSE, sizeof (double));
  res.page_cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
  res.pass_ms = g_array_new (FALSE, FALSE, sizeof (double));
  res.pass_cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
  res.chunk_ms = g_array_new (FALSE, FALSE, sizeof (double));
  pages = build_pages ();
  for (guint p = 0; p < pages->len; p++)
    total += ((GPtrArray *) pages->pdata[p])->len;
  g_print ("%d cases (%s), %u events in %u pages of at most %d; payload text %s; search %s\n",
           n_cases, sync_data ? "bench-sync's" : "short texts", total, pages->len, page_limit,
           keep_text ? "kept" : "not kept",
           index_now ? "indexed with each page" : "indexed after the pages");
  for (int run = 0; run < n_runs; run++)
    {
      run_once (dir, run, pages, &res);
      for (const char *const *s = (const char *const[]) { "", "-wal", "-shm", NULL }; *s; s++)
        {
          g_autofree char *name = g_strdup_printf ("apply-%d.db%s", run, *s);
          g_autofree char *path = g_build_filename (dir, name, NULL);
          g_remove (path);
        }
    }
  g_print ("median of %u full pages: write %.0f ms, %.0f ms CPU\n", res.page_ms->len,
           median (res.page_ms), median (res.page_cpu_ms));
  if (!index_now)
    g_print ("median of %u search passes: %.0f ms, %.0f ms CPU, longest chunk %.0f ms\n",
             res.pass_ms->len, median (res.pass_ms), median (res.pass_cpu_ms),
             median (res.chunk_ms));
  if (own_dir)
    g_rmdir (dir);
  g_array_unref (res.page_ms);
  g_array_unref (res.page_cpu_ms);
  g_array_unref (res.pass_ms);
  g_array_unref (res.pass_cpu_ms);
  g_array_unref (res.chunk_ms);
  return 0;
}
