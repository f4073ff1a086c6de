/* bench-core.c: the store at field scale.
 *
 *   bench-core --generate PATH     build a store of 100k cases (~1M events),
 *                                  1M installed serials and 10k KB articles
 *   bench-core PATH                measure it (medians, p95, p99)
 *   bench-core                     both, in a temporary folder
 *
 * Cases are recorded through the store's real ingest path (validation,
 * fold, projection, FTS), in batches of 2000 cases per transaction, as a
 * first sync would deliver them. Reference rows go in with plain INSERTs:
 * they are not what is measured.
 */
#include <sys/resource.h>

#include "fc-fts.h"
#include "fc-store-private.h"

static int n_cases = 100000;
static int n_serials = 1000000;
static int n_kb = 10000;

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

static JsonObject *
payload_for (const char *type, int c, GRand *r)
{
  JsonObject *o = json_object_new ();
  int s = c % G_N_ELEMENTS (zh_symptoms);

#define STR(k, v) json_object_set_string_member (o, k, v)
  if (g_str_equal (type, FC_EV_CASE_OPENED))
    {
      g_autofree char *serial = g_strdup_printf ("SN%08d", g_rand_int_range (r, 0, n_serials));
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
    STR ("text", "called the customer, visit confirmed");
#undef STR
  return o;
}

static void
add_case_events (GPtrArray *batch, int c, gint64 now, GRand *r)
{
  g_autofree char *case_id = fc_uuid7_new (now - g_rand_int_range (r, 0, 1000));
  int steps = g_rand_int_range (r, 1, G_N_ELEMENTS (path_steps) + 1);
  int notes = g_rand_int_range (r, 0, 7);
  /* Opened somewhere in the last 30 days; steps an hour or so apart. */
  gint64 t = now - (gint64) g_rand_int_range (r, 0, 30 * 24) * 3600 * 1000;

  for (int i = 0; i < steps + notes; i++)
    {
      const char *type = i < steps ? path_steps[i] : FC_EV_NOTE_ADDED;
      g_autoptr(JsonObject) p = payload_for (type, c, r);
      g_autofree char *id = fc_uuid7_new (t);

      t += g_rand_int_range (r, 60, 7200) * 1000;
      g_ptr_array_add (batch, fc_event_new (id, case_id, type, FC_HLC_MAKE (t, 0),
                                            "bench-device", "bench", p));
    }
}

static void
generate_reference (FcStore *store, GRand *r)
{
  sqlite3 *db = fc_store_get_db (store);
  g_autoptr(FcStmt) ins = fc_stmt_prepare (db, "INSERT INTO installed VALUES (?, ?, ?, ?, ?, ?)", NULL);
  g_autoptr(FcStmt) kb = fc_stmt_prepare (db, "INSERT INTO kb_articles (id, model, symptom, cause, fix) "
                                              "VALUES (?, ?, ?, ?, ?)", NULL);
  g_autoptr(FcStmt) kbf = fc_stmt_prepare (db, "INSERT INTO kb_fts (rowid, article_id, model, symptom, body) "
                                               "VALUES (last_insert_rowid(), ?, ?, ?, ?)", NULL);

  g_assert_true (fc_db_exec (db, "BEGIN", NULL));
  for (int i = 0; i < n_serials; i++)
    {
      char serial[16], gtin[16];
      g_snprintf (serial, sizeof serial, "SN%08d", i);
      g_snprintf (gtin, sizeof gtin, "0695%09d", i % 1000);
      sqlite3_reset (ins->stmt);
      fc_stmt_bind_text (ins, 1, serial);
      fc_stmt_bind_text (ins, 2, gtin);
      fc_stmt_bind_text (ins, 3, models[i % G_N_ELEMENTS (models)]);
      fc_stmt_bind_text (ins, 4, NULL);
      fc_stmt_bind_text (ins, 5, "2025-06-01");
      fc_stmt_bind_text (ins, 6, i % 3 == 0 ? "2026-06-01" : "2027-06-01");
      g_assert_true (fc_stmt_run (ins, NULL));
    }
  for (int i = 0; i < n_kb; i++)
    {
      g_autofree char *id = g_strdup_printf ("KB-%05d", i);
      int s = i % G_N_ELEMENTS (zh_symptoms);
      g_autofree char *symptom = g_strdup_printf ("%s %s #%d", zh_symptoms[s], en_symptoms[s], i);
      g_autofree char *fts_symptom = fc_fts_index_text (symptom);
      const char *model = models[i % G_N_ELEMENTS (models)];

      sqlite3_reset (kb->stmt);
      fc_stmt_bind_text (kb, 1, id);
      fc_stmt_bind_text (kb, 2, model);
      fc_stmt_bind_text (kb, 3, symptom);
      fc_stmt_bind_text (kb, 4, "worn part");
      fc_stmt_bind_text (kb, 5, "清洗过滤网，调整参数 / clean the filter and adjust");
      g_assert_true (fc_stmt_run (kb, NULL));
      sqlite3_reset (kbf->stmt);
      fc_stmt_bind_text (kbf, 1, id);
      fc_stmt_bind_text (kbf, 2, model);
      fc_stmt_bind_text (kbf, 3, fts_symptom);
      fc_stmt_bind_text (kbf, 4, "worn part clean the filter and adjust");
      g_assert_true (fc_stmt_run (kbf, NULL));
    }
  g_assert_true (fc_db_exec (db, "COMMIT", NULL));
}

static void
generate (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FcStore) store = fc_store_new (path, &error);
  GRand *r = g_rand_new_with_seed (42);
  gint64 now = g_get_real_time () / 1000;
  gint64 t0 = g_get_monotonic_time ();
  gint64 n_events = 0;

  g_assert_no_error (error);
  for (int c = 0; c < n_cases; c += 2000)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);
      for (int k = c; k < c + 2000 && k < n_cases; k++)
        add_case_events (batch, k, now, r);
      n_events += batch->len;
      if (!fc_store_ingest (store, batch, FC_SYNC_REMOTE, &error))
        g_error ("ingest: %s", error->message);
    }
  generate_reference (store, r);
  fc_db_exec (fc_store_get_db (store), "PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;", NULL);
  g_print ("generated %d cases, %" G_GINT64_FORMAT " events, %d serials, %d KB articles "
           "in %.1f s\n", n_cases, n_events, n_serials, n_kb,
           (g_get_monotonic_time () - t0) / 1e6);
  g_rand_free (r);
}

/* ---- Measuring ---- */

typedef struct {
  const char *name;
  GArray     *us;   /* double microseconds */
} Series;

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
pct (GArray *v, double p)
{
  gsize i = (gsize) (p * (v->len - 1) + 0.5);
  return g_array_index (v, double, i);
}

static void
report (Series *s)
{
  g_array_sort (s->us, cmp_double);
  g_print ("| %-28s | %6u | %10.1f | %10.1f | %10.1f |\n", s->name, s->us->len,
           pct (s->us, 0.5), pct (s->us, 0.95), pct (s->us, 0.99));
  g_array_unref (s->us);
}

#define TIMED(series, body) G_STMT_START { \
    gint64 _t = g_get_monotonic_time (); \
    body; \
    double _d = (double) (g_get_monotonic_time () - _t); \
    g_array_append_val ((series).us, _d); \
  } G_STMT_END

static Series
series (const char *name)
{
  return (Series) { name, g_array_new (FALSE, FALSE, sizeof (double)) };
}

static void
measure (const char *path)
{
  Series open_s = series ("open the store");
  Series lookup = series ("serial lookup");
  Series append = series ("append one event (fsync)");
  Series refold = series ("refold one case");
  Series fts = series ("FTS query");
  Series urgent = series ("50 most urgent open cases");
  g_autoptr(FcStore) store = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  GRand *r = g_rand_new_with_seed (7);
  const char *queries[] = { "空调", "制冷效果", "reboots", "blue screen", "漏水", "no signal",
                            "电脑蓝屏", "fridge", "KFR", "worn part" };
  FcCaseQuery all = { .filter = FC_CASE_FILTER_OPEN, .limit = 20000 };
  struct rusage ru;

  for (int i = 0; i < 21; i++)
    {
      g_autoptr(FcStore) s = NULL;
      TIMED (open_s, s = fc_store_new (path, NULL));
      g_assert_nonnull (s);
    }
  store = fc_store_new (path, NULL);
  ids = fc_store_query_case_ids (store, &all, NULL);
  g_assert_cmpuint (ids->len, >, 0);

  for (int i = 0; i < 2000; i++)
    {
      g_autofree char *serial = g_strdup_printf ("SN%08d", g_rand_int_range (r, 0, n_serials));
      g_autoptr(JsonObject) row = NULL;
      TIMED (lookup, row = fc_store_lookup_serial (store, serial, NULL));
      g_assert_nonnull (row);
    }
  for (int i = 0; i < 300; i++)
    {
      const char *id = g_ptr_array_index (ids, g_rand_int_range (r, 0, ids->len));
      g_autoptr(JsonObject) p = json_object_new ();
      g_autoptr(FcEvent) ev = NULL;
      json_object_set_string_member (p, "text", "benchmark note 基准");
      TIMED (append, ev = fc_store_record (store, id, FC_EV_NOTE_ADDED, p, "bench", NULL));
      g_assert_nonnull (ev);
    }
  for (int i = 0; i < 1000; i++)
    {
      const char *id = g_ptr_array_index (ids, g_rand_int_range (r, 0, ids->len));
      g_assert_true (fc_store_tx_begin (store, NULL));
      TIMED (refold, g_assert_true (fc_store_refold_case_in_tx (store, id, NULL)));
      fc_store_tx_rollback (store);
    }
  for (int i = 0; i < 200; i++)
    {
      g_autoptr(GPtrArray) hits = NULL;
      TIMED (fts, hits = fc_store_search (store, queries[i % G_N_ELEMENTS (queries)], 20, NULL));
      g_assert_nonnull (hits);
    }
  for (int i = 0; i < 200; i++)
    {
      g_autoptr(GPtrArray) top = NULL;
      TIMED (urgent, top = fc_store_most_urgent (store, 50, NULL));
      g_assert_cmpuint (top->len, ==, 50);
    }

  g_print ("| %-28s | %6s | %10s | %10s | %10s |\n", "operation (microseconds)", "n", "median", "p95", "p99");
  g_print ("|------------------------------|--------|------------|------------|------------|\n");
  report (&open_s);
  report (&lookup);
  report (&append);
  report (&refold);
  report (&fts);
  report (&urgent);
  getrusage (RUSAGE_SELF, &ru);
  g_print ("peak RSS: %.1f MiB\n", ru.ru_maxrss / 1024.0);
  g_rand_free (r);
}

int
main (int argc, char **argv)
{
  const char *scale = g_getenv ("BENCH_SCALE");   /* e.g. 0.01 for a quick run */

  if (scale != NULL)
    {
      double f = g_ascii_strtod (scale, NULL);
      n_cases = MAX (100, (int) (n_cases * f));
      n_serials = MAX (1000, (int) (n_serials * f));
      n_kb = MAX (100, (int) (n_kb * f));
    }
  if (argc == 3 && g_str_equal (argv[1], "--generate"))
    generate (argv[2]);
  else if (argc == 2)
    measure (argv[1]);
  else
    {
      g_autofree char *dir = g_dir_make_tmp ("fc-bench-XXXXXX", NULL);
      g_autofree char *path = g_build_filename (dir, "bench.db", NULL);
      generate (path);
      measure (path);
      g_print ("store left at %s\n", path);
    }
  return 0;
}
