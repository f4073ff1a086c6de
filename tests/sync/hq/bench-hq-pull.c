/* bench-hq-pull.c: a new device's first pull from HQ — requests, bytes on
 * the wire and time, per event and in columns ("snapshot-columns").
 *
 *   bench-hq-pull [N_CASES] [LIMIT] [WINDOW] [IDS] [REPS]
 *
 * HQ gets N_CASES (10000) cases of 6 events each from five devices of one
 * outlet, through the real ingest path; a sixth, new device of the outlet
 * then pulls everything with Accept-Encoding: gzip, LIMIT (20000) events
 * per request. WINDOW (100) cases progress together, so a case's events
 * are spread over the log as in real life (1 = each case's events
 * adjacent, N_CASES = fully interleaved). IDS: "derived" (default: ids
 * minted as the app does, from the stamp and the device; a case's id is
 * its opening event's) or "random" (UUIDv7s, as older devices sent).
 *
 * First the snapshot's first page is written REPS (7) times in each form
 * straight from the store (SQL and JSON text, no HTTP), and gzipped at the
 * server's level and at 6; then the whole pull runs over HTTP in each form.
 * Prints medians.
 */
#include "fc-hq-server-private.h"
#include "fc-store-private.h"
#include "hq-test-util.h"

static const char *const zh[] = { "空调制冷效果不佳", "手机反复重启", "电脑蓝屏", "洗衣机漏水",
                                  "电视无信号", "冰箱不制冷" };
static const char *const en[] = { "air conditioner cools poorly", "phone reboots repeatedly",
                                  "PC blue screen after update", "washing machine leaks",
                                  "TV shows no signal", "fridge does not cool" };

static gboolean random_ids;

/* The event's id; for a case's opening event also the case's id, which
 * @case_ids[c] then holds. */
static char *
event_id (gint64      hlc,
          const char *device,
          int         c,
          int         step,
          char      **case_ids)
{
  char *id = random_ids ? hq_new_uuid () : fc_event_id_derive (hlc, device);

  if (step == 0)
    case_ids[c] = g_strdup (id);
  return id;
}

static char *
event_json (char      **case_ids,
            int         c,
            int         step,
            const char *device,
            GRand      *r)
{
  gint64 hlc = hq_test_hlc ();
  g_autofree char *id = event_id (hlc, device, c, step, case_ids);
  const char *case_id = case_ids[c];
  g_autofree char *payload = NULL;
  static const char *const types[] = { "case.opened", "case.responded", "diagnosis.recorded",
                                       "reproduction.recorded", "plan.proposed", "note.added" };
  int s = c % G_N_ELEMENTS (zh);

  switch (step)
    {
    case 0:
      payload = g_strdup_printf ("{\"number\":\"FC261122-%05d\",\"kind\":\"repair\",\"channel\":\"phone\","
                                 "\"problem_type\":\"quality\",\"severity\":\"%s\",\"description\":"
                                 "\"%s / %s\",\"product_serial\":\"SN%08d\",\"model\":\"KFR-%02dGW\","
                                 "\"outlet\":\"SH-01\",\"assignee\":\"%s\"}", c,
                                 g_rand_int_range (r, 0, 5) == 0 ? "urgent" : "general", zh[s], en[s],
                                 g_rand_int_range (r, 0, 1000000), c % 40,
                                 c % 3 == 0 ? "wang" : "li");
      break;
    case 1:
      payload = g_strdup ("{\"note\":\"called the customer back\"}");
      break;
    case 2:
      payload = g_strdup_printf ("{\"symptom\":\"%s\",\"cause\":\"worn part\",\"method\":\"on_site\"}", en[s]);
      break;
    case 3:
      payload = g_strdup ("{\"result\":\"reproduced\",\"steps\":\"run for 20 minutes\"}");
      break;
    case 4:
      payload = g_strdup ("{\"action\":\"repair\",\"description\":\"replace the worn part\","
                          "\"owner\":\"li\",\"deadline\":\"2026-12-01T10:00:00Z\","
                          "\"acceptance\":\"works for 1 h\",\"approval_required\":true}");
      break;
    default:
      payload = g_strdup_printf ("{\"text\":\"part ordered, visit %d\"}", g_rand_int_range (r, 1, 9));
    }
  return g_strdup_printf ("{\"id\":\"%s\",\"case_id\":\"%s\",\"type\":\"%s\",\"hlc\":%" G_GINT64_FORMAT
                          ",\"device\":\"%s\",\"author\":\"%s\",\"payload\":%s}", id, case_id,
                          types[step], hlc, device, c % 3 == 0 ? "wang" : "li", payload);
}

static void
flush (FcHqStore *store, FcHqDevice *dev, GString *batch, guint *n)
{
  g_autoptr(JsonParser) p = json_parser_new ();
  g_autoptr(GPtrArray) receipts = NULL;
  g_autoptr(GError) error = NULL;

  if (*n == 0)
    return;
  g_string_append_c (batch, ']');
  g_assert_true (json_parser_load_from_data (p, batch->str, -1, NULL));
  receipts = fc_hq_store_ingest (store, dev, json_node_get_array (json_parser_get_root (p)), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < receipts->len; i++)
    g_assert_null (((FcHqReceipt *) g_ptr_array_index (receipts, i))->rejected);
  g_string_assign (batch, "[");
  *n = 0;
}

static void
generate (FcHqServer *server, int n_cases, int window)
{
  FcHqStore *store = fc_hq_server_get_hq_store (server);
  g_autoptr(GRand) r = g_rand_new_with_seed (7);
  FcHqDevice devs[5];
  g_autoptr(GString) batch = g_string_new ("[");
  g_autofree char **case_ids = g_new0 (char *, n_cases);
  guint n = 0;

  for (int d = 0; d < 5; d++)
    {
      g_autofree char *code = fc_hq_server_create_enrol_code (server, "SH-01", NULL, NULL);
      g_autofree char *token = NULL;
      FcHqDevice *dev = fc_hq_store_enrol (store, code, hq_new_uuid (), "gen", &token, NULL);
      devs[d] = *dev;
      g_free (dev);
    }
  for (int w = 0; w < n_cases; w += window)
    for (int d = 0; d < 5; d++)
      {
        for (int step = 0; step < 6; step++)
          for (int c = w + d; c < MIN (w + window, n_cases); c += 5)
            {
              g_autofree char *ev = event_json (case_ids, c, step, devs[d].device_id, r);
              g_string_append (batch, n > 0 ? "," : "");
              g_string_append (batch, ev);
              if (++n == 1000)
                flush (store, &devs[d], batch, &n);
            }
        flush (store, &devs[d], batch, &n);
      }
  for (int c = 0; c < n_cases; c++)
    g_free (case_ids[c]);
  for (int d = 0; d < 5; d++)
    {
      g_free (devs[d].device_id);
      g_free (devs[d].name);
      g_free (devs[d].outlet);
      g_free (devs[d].engineer);
    }
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
  return g_array_index (values, double, values->len / 2);
}

/* The snapshot's first page straight from the store, @reps times (after
 * one to warm the cache): SQL and JSON text, then gzip at the server's
 * level and at 6. */
static void
measure_page (FcHqStore        *store,
              const FcHqDevice *dev,
              guint             limit,
              gboolean          columns,
              guint             reps)
{
  g_autoptr(GArray) text_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) gz9_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) gz6_ms = g_array_new (FALSE, FALSE, sizeof (double));
  gsize raw = 0, gz9 = 0, gz6 = 0;
  guint count = 0;

  for (guint i = 0; i <= reps; i++)
    {
      g_autoptr(GString) out = g_string_sized_new (256 * (gsize) limit);
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) z9 = NULL;
      g_autoptr(GBytes) z6 = NULL;
      g_autofree char *cursor = NULL;
      gboolean more;
      gint64 t0 = g_get_monotonic_time ();
      double ms;

      g_assert_true (fc_hq_store_pull_snapshot (store, dev, "", limit,
                                                columns ? FC_HQ_PULL_COLUMNS : FC_HQ_PULL_JSON_ARRAY,
                                                out, &cursor, &more, &count, &error));
      g_assert_no_error (error);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      t0 = g_get_monotonic_time ();
      z9 = fc_hq_wire_gzip (out->str, out->len, FC_HQ_WIRE_GZIP_LEVEL);
      if (i > 0)
        {
          double t9 = (g_get_monotonic_time () - t0) / 1000.0, t6;

          t0 = g_get_monotonic_time ();
          z6 = fc_hq_wire_gzip (out->str, out->len, 6);
          t6 = (g_get_monotonic_time () - t0) / 1000.0;
          g_array_append_val (text_ms, ms);
          g_array_append_val (gz9_ms, t9);
          g_array_append_val (gz6_ms, t6);
          raw = out->len;
          gz9 = g_bytes_get_size (z9);
          gz6 = g_bytes_get_size (z6);
        }
    }
  g_print ("first page, %-9s %u events: SQL+text %.1f ms, raw %.2f MB, gzip -%d %.3f MB (%.0f ms), "
           "gzip -6 %.3f MB (%.0f ms)\n", columns ? "columns:" : "per event:", count,
           median (text_ms), raw / 1e6, FC_HQ_WIRE_GZIP_LEVEL, gz9 / 1e6, median (gz9_ms),
           gz6 / 1e6, median (gz6_ms));
}

static guint
page_events (JsonObject *page)
{
  JsonArray *counts;
  guint n = 0;

  if (json_object_has_member (page, "events"))
    return json_array_get_length (json_object_get_array_member (page, "events"));
  counts = json_object_get_array_member (json_object_get_object_member (page, "snapshot"), "counts");
  for (guint i = 0; i < json_array_get_length (counts); i++)
    n += (guint) json_array_get_int_element (counts, i);
  return n;
}

/* The whole first pull over HTTP, as a device makes it. */
static void
pull_all (SoupSession *session,
          const char  *url,
          const char  *device_id,
          const char  *token,
          int          limit,
          gboolean     columns)
{
  g_autofree char *cursor = g_strdup ("");
  gsize wire = 0, plain = 0;
  guint requests = 0, events = 0;
  gboolean more = TRUE;
  gint64 t0 = g_get_monotonic_time ();

  while (more)
    {
      g_autofree char *body = g_strdup_printf ("{\"device_id\":\"%s\",\"cursor\":\"%s\",\"limit\":%d%s}",
                                               device_id, cursor, limit,
                                               columns ? "," HQ_FORMATS_COLUMNS : "");
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      g_autoptr(HqResponse) r = hq_request_full (session, url, "POST", "/v1/sync", token, bytes,
                                                 NULL, NULL, "gzip");
      g_autoptr(GBytes) unz = fc_hq_wire_gunzip (r->body, 1u << 30, NULL);

      g_assert_cmpuint (r->status, ==, 200);
      requests++;
      wire += g_bytes_get_size (r->body);
      plain += unz != NULL ? g_bytes_get_size (unz) : g_bytes_get_size (r->body);
      events += page_events (hq_object (r));
      more = json_object_get_boolean_member (hq_object (r), "more");
      g_free (cursor);
      cursor = g_strdup (json_object_get_string_member (hq_object (r), "cursor"));
    }
  g_print ("whole pull, %-9s %u events, %u requests, wire %.2f MB (json %.2f MB), "
           "%.0f ms (incl. client JSON parse)\n", columns ? "columns:" : "per event:", events,
           requests, wire / 1e6, plain / 1e6, (g_get_monotonic_time () - t0) / 1000.0);
}

int
main (int argc, char **argv)
{
  int n_cases = argc > 1 ? atoi (argv[1]) : 10000;
  int limit = argc > 2 ? atoi (argv[2]) : 20000;
  int window = argc > 3 ? atoi (argv[3]) : 100;
  guint reps = argc > 5 ? (guint) MAX (atoi (argv[5]), 1) : 7;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fc-hq-bench-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "hq.db", NULL);
  g_autoptr(FcHqServer) server = fc_hq_server_new (db, &error);
  g_autoptr(SoupSession) session = hq_session_new ();
  g_autofree char *url = NULL;
  g_autofree char *code = NULL;
  g_autofree char *code2 = NULL;
  g_autofree char *token2 = NULL;
  g_autofree char *device_id = hq_new_uuid ();
  g_autofree char *device2_id = hq_new_uuid ();
  g_autofree char *enrol_body = NULL;
  g_autoptr(HqResponse) er = NULL;
  g_autoptr(FcHqDevice) dev2 = NULL;
  const char *token;
  gint64 t0, t_gen;

  random_ids = argc > 4 && g_str_equal (argv[4], "random");
  g_assert_no_error (error);
  t0 = g_get_monotonic_time ();
  generate (server, n_cases, MAX (window, 1));
  t_gen = g_get_monotonic_time () - t0;
  g_print ("cases %d × 6 events (%s ids), limit %d, window %d, generated in %.1f s\n", n_cases,
           random_ids ? "random" : "derived", limit, window, t_gen / 1e6);

  code2 = fc_hq_server_create_enrol_code (server, "SH-01", NULL, NULL);
  dev2 = fc_hq_store_enrol (fc_hq_server_get_hq_store (server), code2, device2_id, "bench", &token2,
                            &error);
  g_assert_no_error (error);
  measure_page (fc_hq_server_get_hq_store (server), dev2, (guint) limit, FALSE, reps);
  measure_page (fc_hq_server_get_hq_store (server), dev2, (guint) limit, TRUE, reps);

  fc_hq_server_listen_local (server, &error);
  g_assert_no_error (error);
  url = fc_hq_server_dup_url (server);
  code = fc_hq_server_create_enrol_code (server, "SH-01", NULL, NULL);
  enrol_body = g_strdup_printf ("{\"code\":\"%s\",\"device_id\":\"%s\"}", code, device_id);
  er = hq_post_json (session, url, "/v1/enrol", NULL, enrol_body);
  token = json_object_get_string_member (hq_object (er), "token");
  pull_all (session, url, device_id, token, limit, FALSE);
  pull_all (session, url, device_id, token, limit, TRUE);

  g_clear_object (&server);
  {
    const char *names[] = { "hq.db", "hq.db-wal", "hq.db-shm" };
    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *p = g_build_filename (dir, names[i], NULL);
        g_unlink (p);
      }
    g_rmdir (dir);
  }
  return 0;
}
