/* test-sync-chaos.c: sync survives what the field does to it.
 *
 *  - the device process killed (SIGKILL) at dozens of random moments of a
 *    sync (the sync-victim helper);
 *  - the HQ process killed mid-request and restarted (the hq-victim helper);
 *  - HTTP 500/503/429 (Retry-After), a stalled response (timeout), a
 *    truncated body, corrupt gzip, a dropped connection (in-process faults);
 *  - a revoked token, an expired enrolment code, then enrolment and drain;
 *  - a full disk on the device, then room again.
 *
 * After each: nothing lost, nothing twice — HQ's events are exactly the
 * union of the devices' events, each once in hq_log, every device holds
 * all of them, nothing pending. */
#include <signal.h>

#include "fc-sync-test-util.h"

#ifndef SYNC_VICTIM
#error "SYNC_VICTIM must name the sync-victim helper"
#endif
#ifndef HQ_VICTIM
#error "HQ_VICTIM must name the hq-victim helper"
#endif

#define N_CLIENT_KILLS 60

/* ---- checking ---- */

static GHashTable *
id_set (FcStore    *store,
        const char *where)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM events %s", where);
  g_autoptr(FcStmt) stmt = fc_stmt_prepare (fc_store_get_db (store), sql, NULL);
  GHashTable *set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_nonnull (stmt);
  while (fc_stmt_step (stmt, NULL))
    g_hash_table_add (set, g_strdup (fc_stmt_text (stmt, 0)));
  return set;
}

static void
assert_integrity (FcStore *store)
{
  g_autoptr(FcStmt) stmt = fc_stmt_prepare (fc_store_get_db (store), "PRAGMA integrity_check",
                                            NULL);

  g_assert_true (fc_stmt_step (stmt, NULL));
  g_assert_cmpstr (fc_stmt_text (stmt, 0), ==, "ok");
}

/* Zero lost, zero duplicated, zero pending: HQ holds exactly the union of
 * what the devices recorded, each event once in hq_log, and every device
 * (all of one outlet) holds everything HQ holds. */
static void
assert_no_loss_no_dup (FcStore  *hq,
                       FcStore **devices,
                       guint     n_devices)
{
  g_autoptr(GHashTable) at_hq = id_set (hq, "");
  g_autoptr(GHashTable) recorded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter iter;
  gpointer id;
  gint64 n_hq = g_hash_table_size (at_hq);

  g_assert_cmpint (fc_test_count (hq, "SELECT count(*) FROM hq_log"), ==, n_hq);
  g_assert_cmpint (fc_test_count (hq, "SELECT count(DISTINCT event_id) FROM hq_log"), ==, n_hq);
  g_assert_cmpint (fc_test_count (hq, "SELECT count(*) FROM events e WHERE NOT EXISTS "
                                      "(SELECT 1 FROM hq_log l WHERE l.event_id = e.id)"), ==, 0);
  for (guint d = 0; d < n_devices; d++)
    {
      g_autoptr(GHashTable) own = id_set (devices[d], "WHERE sync_state IN (0, 1, 2)");
      g_autoptr(GHashTable) all = id_set (devices[d], "");

      assert_integrity (devices[d]);
      g_assert_cmpint (fc_store_count_pending (devices[d]), ==, 0);
      g_assert_cmpint (fc_test_count (devices[d], "SELECT count(*) FROM events "
                                                  "WHERE sync_state = 2"), ==, 0);
      g_hash_table_iter_init (&iter, own);
      while (g_hash_table_iter_next (&iter, &id, NULL))
        g_hash_table_add (recorded, g_strdup (id));
      g_assert_cmpuint (g_hash_table_size (all), ==, n_hq);
      g_hash_table_iter_init (&iter, all);
      while (g_hash_table_iter_next (&iter, &id, NULL))
        g_assert_true (g_hash_table_contains (at_hq, id));
    }
  /* Not lost: everything recorded is at HQ; nothing else is (no HQ steps). */
  g_assert_cmpuint (g_hash_table_size (recorded), ==, n_hq);
  g_hash_table_iter_init (&iter, recorded);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    g_assert_true (g_hash_table_contains (at_hq, id));
}

/* ---- local work ---- */

static void
record_some (FcStore *store,
             guint    n_cases,
             guint    notes_per_case)
{
  for (guint i = 0; i < n_cases; i++)
    {
      g_autofree char *case_id = fc_test_open_case (store, "chaos");
      for (guint k = 0; k < notes_per_case; k++)
        {
          g_autoptr(FcEvent) ev = fc_test_record (store, case_id, FC_EV_NOTE_ADDED, "chaos");
        }
    }
}

static void
quiet_tuning (FcSyncClient *client,
              guint         batch,
              guint         timeout_s)
{
  FcSyncTuning t;

  fc_sync_client_get_tuning (client, &t);
  t.reference_interval_ms = -1;
  t.batch_limit = batch;
  t.pull_limit = MAX (batch, 100);
  t.timeout_s = timeout_s;
  fc_sync_client_set_tuning (client, &t);
}

/* ---- subprocesses ---- */

static void
wait_check_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

/* Runs sync-victim; kills it after @kill_after_ms unless < 0. Returns
 * whether it was still running when killed; *@out_ms is how long it ran. */
static gboolean
run_victim (const char *store_path,
            const char *url,
            gint64      kill_after_ms,
            int        *out_status,
            gint64     *out_ms)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) p = NULL;
  gboolean exited = FALSE;
  gboolean killed_running;
  gint64 t0 = g_get_monotonic_time ();

  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, SYNC_VICTIM, store_path, url,
                        "10", NULL);
  g_assert_no_error (error);
  /* The clock starts when the victim starts syncing, not at exec. */
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (p));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "syncing");
  t0 = g_get_monotonic_time ();
  g_subprocess_wait_async (p, NULL, wait_check_cb, &exited);
  if (kill_after_ms >= 0)
    fc_test_wait_for (exited, kill_after_ms);
  else
    g_assert_true (fc_test_wait_for (exited, 60000));
  killed_running = !exited;
  if (!exited)
    {
      g_subprocess_send_signal (p, SIGKILL);
      g_assert_true (fc_test_wait_for (exited, 10000));
    }
  *out_status = g_subprocess_get_if_exited (p) ? g_subprocess_get_exit_status (p) : -1;
  if (out_ms != NULL)
    *out_ms = (g_get_monotonic_time () - t0) / 1000;
  return killed_running;
}

/* Work for one round: the victim has some to push, the peer some for it
 * to pull, in batches of 10, so a sync is several requests long. */
static void
make_round_work (const char   *victim_path,
                 FcTestDevice *peer)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FcStore) v = fc_store_new (victim_path, &error);

  g_assert_no_error (error);
  record_some (v, 4 + g_random_int_range (0, 5), 5 + g_random_int_range (0, 10));
  record_some (peer->store, 2 + g_random_int_range (0, 3), g_random_int_range (0, 10));
  fc_test_sync_ok (peer->client);
}

/* ---- client killed ---- */

static gint64
count_pending_at (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FcStore) store = fc_store_new (path, &error);

  g_assert_no_error (error);
  return fc_store_count_pending (store);
}

static void
test_client_killed (void)
{
  g_autofree char *dir = fc_test_tmpdir ();
  g_autoptr(FcTestHq) hq = fc_test_hq_new (dir, NULL);
  g_autoptr(FcTestDevice) peer = fc_test_device_new (dir, "peer", hq->url, NULL);
  g_autofree char *victim_path = g_build_filename (dir, "victim.db", NULL);
  guint killed_mid_sync = 0, rounds = 0, after_progress = 0;
  gint64 run_ms = 0;
  int status = -1;

  FcHqLimits limits;

  /* Sixty syncs in seconds is no device's normal pace: HQ's per-device rate
   * limit (tested elsewhere) would rightly answer 429. */
  fc_hq_server_get_limits (hq->server, &limits);
  limits.rate_per_second = 10000;
  limits.rate_burst = 10000;
  fc_hq_server_set_limits (hq->server, &limits);
  quiet_tuning (peer->client, 50, 5);
  fc_test_device_enrol (peer, hq);
  {
    g_autoptr(FcTestDevice) v = fc_test_device_new (dir, "victim", hq->url, NULL);
    fc_test_device_enrol (v, hq);
  }
  /* How long one whole sync of a round's size takes: kills spread over it
   * (the estimate follows the runs that end by themselves). */
  make_round_work (victim_path, peer);
  run_victim (victim_path, hq->url, -1, &status, &run_ms);
  g_assert_cmpint (status, ==, 0);

  while (killed_mid_sync < N_CLIENT_KILLS && rounds < 3 * N_CLIENT_KILLS)
    {
      gint64 ms = 0;

      gint64 before;

      rounds++;
      make_round_work (victim_path, peer);
      before = count_pending_at (victim_path);
      if (run_victim (victim_path, hq->url, g_random_int_range (0, (int) MAX (run_ms, 2)), &status,
                      &ms))
        {
          killed_mid_sync++;
          /* Some responses were applied before the kill, some not. */
          if (count_pending_at (victim_path) < before)
            after_progress++;
        }
      else if (status == 0)
        run_ms = ms;
    }
  g_test_message ("sync-victim killed mid-sync %u times in %u rounds, %u of them after it had "
                  "applied a response (a whole sync: about %" G_GINT64_FORMAT " ms)",
                  killed_mid_sync, rounds, after_progress, run_ms);
  g_assert_cmpuint (after_progress, >, 0);
  g_assert_cmpuint (after_progress, <, killed_mid_sync);
  g_assert_cmpuint (killed_mid_sync, >=, 50);

  /* Recovery: the device just syncs again. */
  for (int tries = 0; tries < 5 && (tries == 0 || status != 0); tries++)
    {
      if (tries > 0)
        fc_test_wait_for (FALSE, 1100);   /* as a Retry-After would ask */
      run_victim (victim_path, hq->url, -1, &status, NULL);
    }
  g_assert_cmpint (status, ==, 0);
  fc_test_sync_ok (peer->client);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(FcStore) v = fc_store_new (victim_path, &error);
    FcStore *devices[2] = { v, peer->store };

    g_assert_no_error (error);
    assert_no_loss_no_dup (fc_hq_server_get_store (hq->server), devices, 2);
  }
  g_clear_pointer (&peer, fc_test_device_free);
  g_clear_pointer (&hq, fc_test_hq_free);
  fc_test_rmdir (dir);
}

/* ---- server killed ---- */

typedef struct {
  GSubprocess *proc;
  gboolean     exited;
  guint        port;
} HqProcess;

static void
hq_process_start (HqProcess  *hq,
                  const char *db,
                  guint       port)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *port_text = g_strdup_printf ("%u", port);
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;

  hq->exited = FALSE;
  hq->proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, HQ_VICTIM, db, port_text,
                               NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (hq->proc));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  hq->port = (guint) g_ascii_strtoull (line, NULL, 10);
  g_assert_cmpuint (hq->port, >, 0);
  g_subprocess_wait_async (hq->proc, NULL, wait_check_cb, &hq->exited);
}

static void
hq_process_kill (HqProcess *hq)
{
  g_subprocess_send_signal (hq->proc, SIGKILL);
  g_assert_true (fc_test_wait_for (hq->exited, 10000));
  g_clear_object (&hq->proc);
}

static void
test_server_killed (void)
{
  g_autofree char *dir = fc_test_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "hq.db", NULL);
  g_autofree char *url = NULL;
  g_autoptr(FcHqServer) admin = NULL;
  g_autoptr(FcTestDevice) dev = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  HqProcess hq = { 0 };
  guint failed = 0;

  hq_process_start (&hq, db, 0);
  url = g_strdup_printf ("http://127.0.0.1:%u", hq.port);
  /* The admin side opens the same file, as `fieldcase-hq enrol-code` does. */
  admin = fc_hq_server_new (db, &error);
  g_assert_no_error (error);
  dev = fc_test_device_new (dir, "wang", url, NULL);
  quiet_tuning (dev->client, 20, 5);
  code = fc_hq_server_create_enrol_code (admin, FC_TEST_OUTLET, "wang", &error);
  g_assert_no_error (error);
  error = fc_test_enrol (dev->client, code);
  g_assert_no_error (error);

  for (guint round = 0; round < 12; round++)
    {
      FcTestWait w = { 0 };

      record_some (dev->store, 20, 4);
      fc_sync_client_sync_async (dev->client, NULL, fc_test_sync_done_cb, &w);
      fc_test_wait_for (w.done, g_random_int_range (0, 60));
      hq_process_kill (&hq);
      g_assert_true (fc_test_wait_for (w.done, 30000));
      if (w.error != NULL)
        {
          failed++;
          g_assert_true (fc_sync_error_is_transient (w.error));
          g_clear_error (&w.error);
        }
      hq_process_start (&hq, db, hq.port);
    }
  g_test_message ("HQ killed 12 times; %u of the syncs under way failed", failed);
  g_assert_cmpuint (failed, >, 0);

  fc_test_sync_ok (dev->client);
  {
    g_autoptr(FcHqServer) check = fc_hq_server_new (db, &error);
    FcStore *devices[1] = { dev->store };

    g_assert_no_error (error);
    assert_no_loss_no_dup (fc_hq_server_get_store (check), devices, 1);
  }
  hq_process_kill (&hq);
  g_clear_pointer (&dev, fc_test_device_free);
  g_clear_object (&admin);
  fc_test_rmdir (dir);
}

/* ---- faults ---- */

typedef struct {
  FcHqFault fault;
  int       code;        /* expected FC_SYNC_ERROR code, -1: any transient one */
  gint64    retry_after; /* what the client must have noted */
} FaultCase;

static void
test_faults (void)
{
  static const FaultCase cases[] = {
    { FC_HQ_FAULT_HTTP_500, FC_SYNC_ERROR_SERVER, 0 },
    { FC_HQ_FAULT_HTTP_503, FC_SYNC_ERROR_SERVER, 1000 },
    { FC_HQ_FAULT_HTTP_429, FC_SYNC_ERROR_RATE_LIMITED, 1000 },
    { FC_HQ_FAULT_STALL, FC_SYNC_ERROR_TIMEOUT, 0 },
    { FC_HQ_FAULT_TRUNCATED_BODY, -1, 0 },
    { FC_HQ_FAULT_CORRUPT_GZIP, FC_SYNC_ERROR_PROTOCOL, 0 },
    { FC_HQ_FAULT_CLOSE_CONNECTION, -1, 0 },
  };
  g_autofree char *dir = fc_test_tmpdir ();
  g_autoptr(FcTestHq) hq = fc_test_hq_new (dir, NULL);
  g_autoptr(FcTestDevice) dev = fc_test_device_new (dir, "wang", hq->url, NULL);
  g_autoptr(FcTestDevice) peer = fc_test_device_new (dir, "li", hq->url, NULL);

  quiet_tuning (dev->client, 1000, 1);
  quiet_tuning (peer->client, 1000, 5);
  fc_hq_server_set_stall_seconds (hq->server, 3);
  fc_test_device_enrol (dev, hq);
  fc_test_device_enrol (peer, hq);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 pending;

      record_some (dev->store, 3, 2);
      record_some (peer->store, 2, 1);
      fc_test_sync_ok (peer->client);   /* something to pull, too */
      pending = fc_store_count_pending (dev->store);
      fc_hq_server_set_fault (hq->server, cases[i].fault, 1);
      error = fc_test_sync (dev->client);
      g_test_message ("fault %d: %s", cases[i].fault, error != NULL ? error->message : "(none)");
      g_assert_nonnull (error);
      g_assert_true (fc_sync_error_is_transient (error));
      if (cases[i].code >= 0)
        g_assert_error (error, FC_SYNC_ERROR, cases[i].code);
      g_assert_cmpint (dev->client->retry_after_ms, ==, cases[i].retry_after);
      g_assert_cmpint (fc_sync_client_get_state (dev->client), !=, FC_SYNC_CLIENT_IDLE);
      /* Committed at HQ or not, nothing is acknowledged without a receipt. */
      g_assert_cmpint (fc_store_count_pending (dev->store), ==, pending);
      /* A stalled request finishes at HQ later; wait it out. */
      if (cases[i].fault == FC_HQ_FAULT_STALL)
        fc_test_wait_for (FALSE, 3500);
      fc_test_sync_ok (dev->client);
      g_assert_cmpint (fc_store_count_pending (dev->store), ==, 0);
    }
  fc_test_sync_ok (peer->client);
  fc_test_sync_ok (dev->client);
  {
    FcStore *devices[2] = { dev->store, peer->store };
    assert_no_loss_no_dup (fc_hq_server_get_store (hq->server), devices, 2);
  }
  g_clear_pointer (&dev, fc_test_device_free);
  g_clear_pointer (&peer, fc_test_device_free);
  g_clear_pointer (&hq, fc_test_hq_free);
  fc_test_wait_for (FALSE, 20);
  fc_test_rmdir (dir);
}

/* What HQ never sends but a broken proxy might: the parser refuses it. */
static void
test_corrupt_json (void)
{
  static const char *const bodies[] = {
    "", "{", "[]", "{\"receipts\": [{\"id\": 7}]}", "{\"receipts\": [{\"id\": \"x\"}]}",
    "{\"events\": [], \"more\": true}", "{\"receipts\": [], \"events\": [], \"cursor\": \"1\", \"mo",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GBytes) b = g_bytes_new_static (bodies[i], strlen (bodies[i]));
      g_autoptr(GError) error = NULL;
      g_autoptr(FcSyncPage) page = fc_sync_wire_parse_page (b, &error);

      g_assert_null (page);
      g_assert_nonnull (error);
    }
}

/* ---- tokens ---- */

static void
test_token_revoked (void)
{
  g_autofree char *dir = fc_test_tmpdir ();
  g_autoptr(FcTestHq) hq = fc_test_hq_new (dir, NULL);
  g_autoptr(FcTestDevice) dev = fc_test_device_new (dir, "wang", hq->url, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *stale = NULL;

  quiet_tuning (dev->client, 1000, 5);
  fc_test_device_enrol (dev, hq);
  record_some (dev->store, 2, 1);
  fc_test_sync_ok (dev->client);
  g_assert_true (fc_hq_server_revoke (hq->server, fc_store_get_device_id (dev->store), &error));
  g_assert_no_error (error);

  record_some (dev->store, 3, 1);
  error = fc_test_sync (dev->client);
  g_assert_error (error, FC_SYNC_ERROR, FC_SYNC_ERROR_REVOKED);
  g_clear_error (&error);
  g_assert_cmpint (fc_sync_client_get_state (dev->client), ==, FC_SYNC_CLIENT_UNAUTHORIZED);
  record_some (dev->store, 1, 1);   /* work goes on */
  g_assert_cmpint (fc_store_count_pending (dev->store), ==, 8);

  /* An expired code does not enrol. */
  stale = fc_hq_server_create_enrol_code_full (hq->server, FC_TEST_OUTLET, "wang", 1, &error);
  g_assert_no_error (error);
  fc_test_wait_for (FALSE, 20);
  error = fc_test_enrol (dev->client, stale);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (fc_sync_client_get_state (dev->client), ==, FC_SYNC_CLIENT_UNAUTHORIZED);

  fc_test_device_enrol (dev, hq);
  fc_test_sync_ok (dev->client);
  {
    FcStore *devices[1] = { dev->store };
    assert_no_loss_no_dup (fc_hq_server_get_store (hq->server), devices, 1);
  }
  g_clear_pointer (&dev, fc_test_device_free);
  g_clear_pointer (&hq, fc_test_hq_free);
  fc_test_wait_for (FALSE, 20);
  fc_test_rmdir (dir);
}

/* ---- disk full ---- */

static void
set_max_pages (FcStore *store,
               gint64   pages)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, pages);
  g_autoptr(GError) error = NULL;

  g_assert_true (fc_db_exec (fc_store_get_db (store), sql, &error));
  g_assert_no_error (error);
}

static void
test_disk_full (void)
{
  g_autofree char *dir = fc_test_tmpdir ();
  g_autoptr(FcTestHq) hq = fc_test_hq_new (dir, NULL);
  g_autoptr(FcTestDevice) dev = fc_test_device_new (dir, "wang", hq->url, NULL);
  g_autoptr(FcTestDevice) peer = fc_test_device_new (dir, "li", hq->url, NULL);
  g_autoptr(GError) error = NULL;
  gint64 at_hq;

  quiet_tuning (dev->client, 1000, 5);
  quiet_tuning (peer->client, 1000, 5);
  fc_test_device_enrol (dev, hq);
  fc_test_device_enrol (peer, hq);
  fc_test_sync_ok (dev->client);
  record_some (peer->store, 300, 4);   /* 1500 events to come down */
  fc_test_sync_ok (peer->client);
  record_some (dev->store, 5, 3);

  /* The disk is as full as the store is now. */
  set_max_pages (dev->store, fc_test_count (dev->store, "PRAGMA page_count") + 1);
  for (int i = 0; i < 2; i++)
    {
      error = fc_test_sync (dev->client);
      g_assert_error (error, FC_SYNC_ERROR, FC_SYNC_ERROR_STORAGE);
      g_clear_error (&error);
      g_assert_cmpint (fc_sync_client_get_state (dev->client), ==, FC_SYNC_CLIENT_ERROR);
      g_assert_cmpint (fc_store_count_pending (dev->store), ==, 20);
    }
  /* HQ stored the pushed events once, however often they came. */
  at_hq = fc_hq_server_count_events (hq->server);
  g_assert_cmpint (at_hq, ==, 1520);

  set_max_pages (dev->store, 1073741823);   /* room again */
  fc_test_sync_ok (dev->client);
  g_assert_cmpint (fc_store_count_pending (dev->store), ==, 0);
  g_assert_cmpint (fc_hq_server_count_events (hq->server), ==, at_hq);
  fc_test_sync_ok (peer->client);
  {
    FcStore *devices[2] = { dev->store, peer->store };
    assert_no_loss_no_dup (fc_hq_server_get_store (hq->server), devices, 2);
  }
  g_clear_pointer (&dev, fc_test_device_free);
  g_clear_pointer (&peer, fc_test_device_free);
  g_clear_pointer (&hq, fc_test_hq_free);
  fc_test_wait_for (FALSE, 20);
  fc_test_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync/chaos/corrupt-json", test_corrupt_json);
  g_test_add_func ("/sync/chaos/faults", test_faults);
  g_test_add_func ("/sync/chaos/token-revoked", test_token_revoked);
  g_test_add_func ("/sync/chaos/disk-full", test_disk_full);
  g_test_add_func ("/sync/chaos/server-killed", test_server_killed);
  g_test_add_func ("/sync/chaos/client-killed", test_client_killed);
  return g_test_run ();
}
