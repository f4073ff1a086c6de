/* test-sync-client.c: FcSyncClient against the reference HQ server on
 * 127.0.0.1 — its properties, scheduling (backoff, Retry-After, debounce)
 * and the protocol rules a device must keep. */
#include "fc-sync-test-util.h"
#include "fc-hq-server-private.h"

typedef struct {
  char         *dir;
  FcTestHq     *hq;
  FcTestDevice *dev;
} Fixture;

static void
quiet_tuning (FcSyncClient *client)
{
  FcSyncTuning t;

  /* Reference data has its own test; here it would add requests. */
  fc_sync_client_get_tuning (client, &t);
  t.reference_interval_ms = -1;
  fc_sync_client_set_tuning (client, &t);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = fc_test_tmpdir ();
  f->hq = fc_test_hq_new (f->dir, NULL);
  f->dev = fc_test_device_new (f->dir, "wang", f->hq->url, NULL);
  quiet_tuning (f->dev->client);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->dev, fc_test_device_free);
  g_clear_pointer (&f->hq, fc_test_hq_free);
  /* Let cancelled sources and closed connections finish. */
  fc_test_wait_for (FALSE, 20);
  fc_test_rmdir (f->dir);
  g_free (f->dir);
}

static FcSyncStats
stats_of (FcSyncClient *client)
{
  FcSyncStats s;

  fc_sync_client_get_stats (client, &s);
  return s;
}

/* ---- pure parts ---- */

static void
test_backoff_bounds (void)
{
  /* d doubles from the base up to the cap; the delay is in [d/2, d]. */
  for (guint failures = 1; failures <= 20; failures++)
    {
      gint64 d = MIN ((gint64) 2000 << MIN (failures - 1, 20), 900000);
      gint64 lo = fc_sync_backoff_delay_ms (failures, 2000, 900000, 0, 0.0);
      gint64 hi = fc_sync_backoff_delay_ms (failures, 2000, 900000, 0, 0.999999);

      g_assert_cmpint (lo, ==, d / 2);
      g_assert_cmpint (hi, <=, d);
      g_assert_cmpint (hi, >=, d - 1);
      for (int k = 0; k < 50; k++)
        {
          gint64 v = fc_sync_backoff_delay_ms (failures, 2000, 900000, 0, g_random_double ());
          g_assert_cmpint (v, >=, d / 2);
          g_assert_cmpint (v, <=, d);
        }
    }
  /* Retry-After is a floor, whatever the jitter says. */
  g_assert_cmpint (fc_sync_backoff_delay_ms (1, 2000, 900000, 7000, 0.0), ==, 7000);
  g_assert_cmpint (fc_sync_backoff_delay_ms (12, 2000, 900000, 7000, 0.0), ==, 450000);
  g_assert_cmpint (fc_sync_backoff_delay_ms (0, 2000, 900000, 0, 0.5), ==, 0);
}

static void
test_enrol_uri (void)
{
  g_autofree char *url = NULL;
  g_autofree char *code = NULL;

  g_assert_true (fc_sync_parse_enrol_uri ("fieldcase-enrol:https://hq.example.com:8443#K7Q2-9XPM-41ZD",
                                          &url, &code));
  g_assert_cmpstr (url, ==, "https://hq.example.com:8443");
  g_assert_cmpstr (code, ==, "K7Q2-9XPM-41ZD");
  g_assert_false (fc_sync_parse_enrol_uri ("K7Q2-9XPM-41ZD", NULL, NULL));
  g_assert_false (fc_sync_parse_enrol_uri ("fieldcase-enrol:ftp://x#A", NULL, NULL));
  g_assert_false (fc_sync_parse_enrol_uri ("fieldcase-enrol:https://x#", NULL, NULL));
}

static void
test_error_convert (void)
{
  g_autoptr(GError) error = NULL;
  static const char revoked[] = "{\"error\":{\"code\":\"token_revoked\","
                                 "\"message\":\"gone\",\"retry_after\":0}}";
  static const char unavailable[] = "{\"error\":{\"code\":\"unavailable\","
                                     "\"message\":\"x\",\"retry_after\":3}}";
  g_autoptr(GBytes) body = g_bytes_new_static (revoked, strlen (revoked));
  g_autoptr(GBytes) busy = g_bytes_new_static (unavailable, strlen (unavailable));
  g_autoptr(SoupMessageHeaders) h = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autoptr(GError) refused = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, "no");
  g_autoptr(GError) timeout = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "slow");
  gint64 retry = -1;

  g_assert_true (fc_sync_error_convert (NULL, 200, NULL, NULL, &retry, &error));
  g_assert_no_error (error);
  g_assert_false (fc_sync_error_convert (NULL, 401, NULL, body, &retry, &error));
  g_assert_error (error, FC_SYNC_ERROR, FC_SYNC_ERROR_REVOKED);
  g_clear_error (&error);
  g_assert_false (fc_sync_error_convert (NULL, 401, NULL, NULL, &retry, &error));
  g_assert_error (error, FC_SYNC_ERROR, FC_SYNC_ERROR_AUTH);
  g_clear_error (&error);
  /* The header wins over the body's hint. */
  soup_message_headers_replace (h, "Retry-After", "7");
  g_assert_false (fc_sync_error_convert (NULL, 429, h, NULL, &retry, &error));
  g_assert_error (error, FC_SYNC_ERROR, FC_SYNC_ERROR_RATE_LIMITED);
  g_assert_cmpint (retry, ==, 7000);
  g_clear_error (&error);
  g_assert_false (fc_sync_error_convert (NULL, 503, NULL, busy, &retry, &error));
  g_assert_error (error, FC_SYNC_ERROR, FC_SYNC_ERROR_SERVER);
  g_assert_cmpint (retry, ==, 3000);
  g_clear_error (&error);
  g_assert_false (fc_sync_error_convert (refused, 0, NULL, NULL, NULL, &error));
  g_assert_error (error, FC_SYNC_ERROR, FC_SYNC_ERROR_OFFLINE);
  g_assert_true (fc_sync_error_is_transient (error));
  g_clear_error (&error);
  g_assert_false (fc_sync_error_convert (timeout, 0, NULL, NULL, NULL, &error));
  g_assert_error (error, FC_SYNC_ERROR, FC_SYNC_ERROR_TIMEOUT);
  g_clear_error (&error);
  g_assert_false (fc_sync_error_convert (NULL, 403, NULL, NULL, NULL, &error));
  g_assert_error (error, FC_SYNC_ERROR, FC_SYNC_ERROR_REJECTED);
  g_assert_false (fc_sync_error_is_transient (error));
}

/* ---- against HQ ---- */

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_properties (Fixture       *f,
                 gconstpointer  data)
{
  FcSyncClient *c = f->dev->client;
  g_autofree char *case_id = NULL;
  g_autoptr(FcEvent) ev = NULL;
  guint n_pending_notify = 0, n_state_notify = 0;

  g_assert_cmpint (fc_sync_client_get_state (c), ==, FC_SYNC_CLIENT_UNAUTHORIZED);
  g_assert_false (fc_sync_client_is_enrolled (c));
  g_assert_true (fc_sync_client_get_all_at_hq (c));   /* nothing recorded yet */
  g_signal_connect (c, "notify::pending", G_CALLBACK (count_notify_cb), &n_pending_notify);
  g_signal_connect (c, "notify::state", G_CALLBACK (count_notify_cb), &n_state_notify);

  case_id = fc_test_open_case (f->dev->store, "wang");
  ev = fc_test_record (f->dev->store, case_id, FC_EV_CASE_RESPONDED, "wang");
  g_assert_cmpint (fc_sync_client_get_pending (c), ==, 2);
  g_assert_false (fc_sync_client_get_all_at_hq (c));
  g_assert_cmpuint (n_pending_notify, ==, 2);

  fc_test_device_enrol (f->dev, f->hq);
  g_assert_true (fc_sync_client_is_enrolled (c));
  g_assert_cmpint (fc_sync_client_get_state (c), ==, FC_SYNC_CLIENT_IDLE);
  fc_test_sync_ok (c);
  g_assert_cmpint (fc_sync_client_get_pending (c), ==, 0);
  g_assert_cmpint (fc_sync_client_get_rejected (c), ==, 0);
  g_assert_true (fc_sync_client_get_all_at_hq (c));
  g_assert_true (fc_sync_client_get_online (c));
  g_assert_cmpint (fc_sync_client_get_state (c), ==, FC_SYNC_CLIENT_IDLE);
  g_assert_null (fc_sync_client_get_last_error (c));
  g_assert_cmpint (fc_sync_client_get_last_success (c), >, 0);
  g_assert_cmpint (fc_hq_server_count_events (f->hq->server), ==, 2);
  /* Every event has HQ's receipt. */
  g_assert_cmpint (fc_test_count (f->dev->store, "SELECT count(*) FROM events "
                                  "WHERE sync_state = 1 AND server_seq > 0"), ==, 2);

  /* A cycle that changes nothing notifies nothing but the state twice. */
  n_pending_notify = 0;
  n_state_notify = 0;
  fc_test_sync_ok (c);
  g_assert_cmpuint (n_pending_notify, ==, 0);
  g_assert_cmpuint (n_state_notify, ==, 2);   /* idle → syncing → idle */

  g_clear_pointer (&ev, fc_event_unref);
  ev = fc_test_record (f->dev->store, case_id, FC_EV_NOTE_ADDED, "wang");
  g_assert_cmpint (fc_sync_client_get_pending (c), ==, 1);
  g_assert_false (fc_sync_client_get_all_at_hq (c));
}

static void
test_offline (Fixture       *f,
              gconstpointer  data)
{
  FcSyncClient *c = f->dev->client;
  g_autofree char *case_id = NULL;
  g_autoptr(GError) error = NULL;

  fc_test_device_enrol (f->dev, f->hq);
  fc_test_sync_ok (c);
  g_assert_true (fc_sync_client_get_online (c));

  fc_hq_server_disconnect (f->hq->server);
  case_id = fc_test_open_case (f->dev->store, "wang");
  error = fc_test_sync (c);
  g_assert_error (error, FC_SYNC_ERROR, FC_SYNC_ERROR_OFFLINE);
  g_assert_cmpint (fc_sync_client_get_state (c), ==, FC_SYNC_CLIENT_OFFLINE);
  g_assert_false (fc_sync_client_get_online (c));
  g_assert_nonnull (fc_sync_client_get_last_error (c));
  g_assert_cmpint (fc_sync_client_get_pending (c), ==, 1);
  g_assert_false (fc_sync_client_get_all_at_hq (c));
  /* Work goes on locally. */
  g_autoptr(FcEvent) ev = fc_test_record (f->dev->store, case_id, FC_EV_CASE_RESPONDED, "wang");
  g_assert_cmpint (fc_sync_client_get_pending (c), ==, 2);
}

static void
test_retry_after (Fixture       *f,
                  gconstpointer  data)
{
  FcSyncClient *c = f->dev->client;
  FcSyncTuning t;
  g_autofree char *case_id = NULL;
  gint64 failed_at, next;

  fc_test_device_enrol (f->dev, f->hq);
  fc_sync_client_get_tuning (c, &t);
  t.backoff_base_ms = 50;      /* far below the server's Retry-After: 1 */
  t.interval_ms = 600000;
  fc_sync_client_set_tuning (c, &t);
  case_id = fc_test_open_case (f->dev->store, "wang");

  for (int round = 0; round < 2; round++)
    {
      guint64 failed_before = stats_of (c).cycles_failed;

      fc_hq_server_set_fault (f->hq->server, round == 0 ? FC_HQ_FAULT_HTTP_503
                                                        : FC_HQ_FAULT_HTTP_429, 1);
      if (round == 0)
        fc_sync_client_start (c);
      else
        {
          g_autoptr(FcEvent) ev = fc_test_record (f->dev->store, case_id, FC_EV_NOTE_ADDED, "wang");
          g_autoptr(GError) error = fc_test_sync (c);   /* starts at once, meets the fault */
          g_assert_error (error, FC_SYNC_ERROR, FC_SYNC_ERROR_RATE_LIMITED);
        }
      g_assert_true (fc_test_wait_for (stats_of (c).cycles_failed > failed_before, 10000));
      failed_at = g_get_real_time () / 1000;
      next = fc_sync_client_get_next_attempt (c);
      /* Not the 25–50 ms the backoff alone would give. */
      g_assert_cmpint (next - failed_at, >=, 900);
      g_assert_true (fc_test_wait_for (fc_sync_client_get_pending (c) == 0, 10000));
      g_assert_cmpint (g_get_real_time () / 1000 - failed_at, >=, 900);
      g_assert_cmpint (fc_sync_client_get_state (c), ==, FC_SYNC_CLIENT_IDLE);
    }
  fc_sync_client_stop (c);
}

static void
test_debounce (Fixture       *f,
               gconstpointer  data)
{
  FcSyncClient *c = f->dev->client;
  FcSyncTuning t;
  g_autofree char *case_id = NULL;
  guint64 ok_before, requests_before;
  gint64 t0;

  fc_test_device_enrol (f->dev, f->hq);
  fc_sync_client_get_tuning (c, &t);
  t.debounce_ms = 400;
  t.interval_ms = 600000;
  fc_sync_client_set_tuning (c, &t);
  fc_sync_client_start (c);
  g_assert_true (fc_test_wait_for (stats_of (c).cycles_ok == 1, 10000));
  ok_before = stats_of (c).cycles_ok;
  requests_before = stats_of (c).requests;

  /* A burst of steps goes out together, shortly after the last one. */
  t0 = g_get_monotonic_time ();
  case_id = fc_test_open_case (f->dev->store, "wang");
  for (int i = 0; i < 4; i++)
    {
      g_autoptr(FcEvent) ev = fc_test_record (f->dev->store, case_id, FC_EV_NOTE_ADDED, "wang");
      fc_test_wait_for (FALSE, 50);
    }
  g_assert_cmpint (fc_sync_client_get_next_attempt (c), >, 0);
  g_assert_true (fc_test_wait_for (fc_sync_client_get_pending (c) == 0, 10000));
  g_assert_cmpint ((g_get_monotonic_time () - t0) / 1000, >=, 400);
  g_assert_cmpuint (stats_of (c).cycles_ok, ==, ok_before + 1);
  g_assert_cmpuint (stats_of (c).requests, ==, requests_before + 1);
  g_assert_cmpint (fc_hq_server_count_events (f->hq->server), ==, 5);
  /* Then the periodic timer is the plan. */
  g_assert_cmpint (fc_sync_client_get_next_attempt (c) - g_get_real_time () / 1000, >, 500000);
  fc_sync_client_stop (c);
}

/* A pending event claiming another device: HQ refuses it ("forbidden"). */
static FcEvent *
ingest_forged (FcStore    *store,
               const char *case_id)
{
  g_autofree char *id = fc_uuid7_new (g_get_real_time () / 1000);
  g_autofree char *other = fc_uuid7_new (g_get_real_time () / 1000);
  g_autoptr(JsonObject) p = fc_test_step_payload (FC_EV_NOTE_ADDED);
  g_autoptr(GPtrArray) one = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);
  g_autoptr(GError) error = NULL;
  FcEvent *ev = fc_event_new (id, case_id, FC_EV_NOTE_ADDED,
                              FC_HLC_MAKE (fc_clock_now_ms (fc_store_get_clock (store)), 0),
                              other, "mallory", p);

  g_ptr_array_add (one, fc_event_ref (ev));
  g_assert_true (fc_store_ingest (store, one, FC_SYNC_PENDING, &error));
  g_assert_no_error (error);
  return ev;
}

static void
test_rejected_does_not_block (Fixture       *f,
                              gconstpointer  data)
{
  FcSyncClient *c = f->dev->client;
  g_autofree char *case_id = NULL;
  g_autoptr(FcEvent) bad = NULL;
  g_autoptr(FcEvent) after = NULL;
  g_autoptr(GPtrArray) rejected = NULL;
  guint64 requests_before;
  gint64 hq_events;

  fc_test_device_enrol (f->dev, f->hq);
  case_id = fc_test_open_case (f->dev->store, "wang");
  bad = ingest_forged (f->dev->store, case_id);
  after = fc_test_record (f->dev->store, case_id, FC_EV_CASE_RESPONDED, "wang");
  g_assert_cmpint (fc_store_count_pending (f->dev->store), ==, 3);

  fc_test_sync_ok (c);
  g_assert_cmpint (fc_sync_client_get_pending (c), ==, 0);
  g_assert_cmpint (fc_sync_client_get_rejected (c), ==, 1);
  g_assert_false (fc_sync_client_get_all_at_hq (c));
  rejected = fc_store_list_rejected (f->dev->store, NULL);
  g_assert_cmpuint (rejected->len, ==, 1);
  g_assert_cmpstr (((FcEvent *) g_ptr_array_index (rejected, 0))->id, ==, bad->id);
  g_assert_nonnull (((FcEvent *) g_ptr_array_index (rejected, 0))->reject_reason);
  /* The events around it are at HQ. */
  hq_events = fc_hq_server_count_events (f->hq->server);
  g_assert_cmpint (hq_events, ==, 2);

  /* Never resent automatically: the next cycle is a no-op. */
  requests_before = stats_of (c).requests;
  fc_test_sync_ok (c);
  g_assert_cmpuint (stats_of (c).requests, ==, requests_before + 1);
  g_assert_cmpint (fc_hq_server_count_events (f->hq->server), ==, hq_events);
  g_assert_cmpint (fc_sync_client_get_rejected (c), ==, 1);
}

static void
test_hlc_is_recorded_time (Fixture       *f,
                           gconstpointer  data)
{
  FcSyncClient *c = f->dev->client;
  gint64 recorded = (g_get_real_time () / 1000 / 1000) * 1000 - 3 * 3600 * 1000;
  g_autofree char *case_id = NULL;
  g_autoptr(GPtrArray) at_hq = NULL;

  fc_clock_set_fixed_ms (f->dev->clock, recorded);
  case_id = fc_test_open_case (f->dev->store, "wang");
  fc_clock_set_fixed_ms (f->dev->clock, recorded + 3600 * 1000);   /* an hour offline */
  fc_test_device_enrol (f->dev, f->hq);
  fc_test_sync_ok (c);

  at_hq = fc_store_list_events (fc_hq_server_get_store (f->hq->server), case_id, NULL);
  g_assert_nonnull (at_hq);
  g_assert_cmpuint (at_hq->len, ==, 1);
  g_assert_cmpint (fc_event_get_time_ms (g_ptr_array_index (at_hq, 0)), ==, recorded);
}

static void
test_noop_is_one_small_request (Fixture       *f,
                                gconstpointer  data)
{
  FcSyncClient *c = f->dev->client;
  g_autofree char *case_id = NULL;
  FcSyncStats before, after;

  fc_test_device_enrol (f->dev, f->hq);
  case_id = fc_test_open_case (f->dev->store, "wang");
  fc_test_sync_ok (c);
  before = stats_of (c);
  fc_test_sync_ok (c);
  after = stats_of (c);
  g_test_message ("no-op sync: %" G_GUINT64_FORMAT " request(s), %" G_GUINT64_FORMAT
                  " bytes up, %" G_GUINT64_FORMAT " bytes down",
                  after.requests - before.requests, after.bytes_up - before.bytes_up,
                  after.bytes_down - before.bytes_down);
  g_assert_cmpuint (after.requests - before.requests, ==, 1);
  g_assert_cmpuint (after.bytes_up - before.bytes_up, >, 0);
  g_assert_cmpuint (after.bytes_down - before.bytes_down, >, 0);
  g_assert_cmpuint ((after.bytes_up - before.bytes_up) + (after.bytes_down - before.bytes_down),
                    <, 1024);
}

static void
test_push_1000 (Fixture       *f,
                gconstpointer  data)
{
  FcSyncClient *c = f->dev->client;
  FcSyncStats before, after;

  fc_test_device_enrol (f->dev, f->hq);
  fc_test_sync_ok (c);
  for (int i = 0; i < 500; i++)
    {
      g_autofree char *case_id = fc_test_open_case (f->dev->store, "wang");
      g_autoptr(FcEvent) ev = fc_test_record (f->dev->store, case_id, FC_EV_CASE_RESPONDED, "wang");
    }
  g_assert_cmpint (fc_sync_client_get_pending (c), ==, 1000);
  before = stats_of (c);
  fc_test_sync_ok (c);
  after = stats_of (c);
  g_test_message ("1000 events: %" G_GUINT64_FORMAT " request(s), %" G_GUINT64_FORMAT
                  " bytes up", after.requests - before.requests, after.bytes_up - before.bytes_up);
  g_assert_cmpuint (after.requests - before.requests, <=, 2);
  g_assert_cmpint (fc_sync_client_get_pending (c), ==, 0);
  g_assert_cmpint (fc_hq_server_count_events (f->hq->server), ==, 1000);
}

static void
test_revoked_then_reenrol (Fixture       *f,
                           gconstpointer  data)
{
  FcSyncClient *c = f->dev->client;
  g_autofree char *case_id = NULL;
  g_autoptr(GError) error = NULL;

  fc_test_device_enrol (f->dev, f->hq);
  case_id = fc_test_open_case (f->dev->store, "wang");
  fc_test_sync_ok (c);
  g_assert_true (fc_hq_server_revoke (f->hq->server, fc_store_get_device_id (f->dev->store),
                                      &error));
  g_assert_no_error (error);

  for (int i = 0; i < 3; i++)
    {
      g_autoptr(FcEvent) ev = fc_test_record (f->dev->store, case_id, FC_EV_NOTE_ADDED, "wang");
    }
  error = fc_test_sync (c);
  g_assert_error (error, FC_SYNC_ERROR, FC_SYNC_ERROR_REVOKED);
  g_clear_error (&error);
  g_assert_cmpint (fc_sync_client_get_state (c), ==, FC_SYNC_CLIENT_UNAUTHORIZED);
  g_assert_cmpint (fc_sync_client_get_pending (c), ==, 3);   /* nothing lost */

  fc_test_device_enrol (f->dev, f->hq);
  fc_test_sync_ok (c);
  g_assert_cmpint (fc_sync_client_get_pending (c), ==, 0);
  g_assert_cmpint (fc_hq_server_count_events (f->hq->server), ==, 4);
}

static void
test_blobs_go_first (Fixture       *f,
                     gconstpointer  data)
{
  static const char *const steps[] = {
    FC_EV_CASE_RESPONDED, FC_EV_DIAGNOSIS_RECORDED, FC_EV_REPRODUCTION_RECORDED,
  };
  FcSyncClient *c = f->dev->client;
  g_autoptr(GBytes) png = g_bytes_new_static ("\x89PNG fake signature", 19);
  g_autofree char *sha = NULL;
  g_autofree char *case_id = NULL;
  g_autoptr(JsonObject) p = NULL;
  g_autoptr(FcEvent) ev = NULL;
  g_autoptr(GError) error = NULL;
  FcSyncStats before, after;

  fc_test_device_enrol (f->dev, f->hq);
  case_id = fc_test_open_case (f->dev->store, "wang");
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(FcEvent) step = fc_test_record (f->dev->store, case_id, steps[i], "wang");
    }
  sha = fc_store_put_blob (f->dev->store, png, "image/png", &error);
  g_assert_no_error (error);
  p = fc_test_step_payload (FC_EV_ATTACHMENT_ADDED);
  json_object_set_string_member (p, "sha256", sha);
  ev = fc_store_record (f->dev->store, case_id, FC_EV_ATTACHMENT_ADDED, p, "wang", &error);
  g_assert_no_error (error);

  fc_test_sync_ok (c);
  g_assert_cmpint (fc_sync_client_get_pending (c), ==, 0);
  g_assert_true (fc_store_has_blob (fc_hq_server_get_store (f->hq->server), sha));
  g_assert_cmpint (fc_test_count (f->dev->store, "SELECT synced FROM blobs"), ==, 1);

  /* Known to be at HQ: not asked about again. */
  before = stats_of (c);
  {
    g_autoptr(FcEvent) again = NULL;
    g_autoptr(JsonObject) p2 = fc_test_step_payload (FC_EV_ATTACHMENT_ADDED);
    json_object_set_string_member (p2, "sha256", sha);
    again = fc_store_record (f->dev->store, case_id, FC_EV_ATTACHMENT_ADDED, p2, "wang", &error);
    g_assert_no_error (error);
  }
  fc_test_sync_ok (c);
  after = stats_of (c);
  g_assert_cmpuint (after.requests - before.requests, ==, 1);
}

static void
hq_import (FcTestHq   *hq,
           const char *kind,
           const char *json)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fc_hq_store_import (fc_hq_server_get_hq_store (hq->server), kind, json,
                                     strlen (json), &error));
  g_assert_no_error (error);
}

static char *
model_name (FcStore    *store,
            const char *serial)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) o = fc_store_lookup_serial (store, serial, &error);

  if (o == NULL)
    return NULL;
  return g_strdup (json_object_get_string_member_with_default (o, "model_name", NULL));
}

static void
test_reference_deltas (Fixture       *f,
                       gconstpointer  data)
{
  FcSyncClient *c = f->dev->client;
  FcSyncTuning t;
  g_autofree char *name = NULL;
  g_autofree char *version = NULL;
  FcSyncStats before, after;

  hq_import (f->hq, "models", "[{\"model\":\"KFR-35GW\",\"name\":\"Split AC 3.5 kW\"},"
                              "{\"model\":\"KFR-26GW\",\"name\":\"Split AC 2.6 kW\"}]");
  hq_import (f->hq, "installed", "[{\"serial\":\"AC-0001\",\"model\":\"KFR-35GW\"}]");
  fc_test_device_enrol (f->dev, f->hq);
  fc_sync_client_get_tuning (c, &t);
  t.reference_interval_ms = 0;   /* every cycle */
  fc_sync_client_set_tuning (c, &t);

  fc_test_sync_ok (c);
  name = model_name (f->dev->store, "AC-0001");
  g_assert_cmpstr (name, ==, "Split AC 3.5 kW");
  version = fc_store_get_meta (f->dev->store, "sync.ref.models.version");
  g_assert_nonnull (version);
  g_assert_cmpint (g_ascii_strtoll (version, NULL, 10), >, 0);

  /* A renamed model comes down as a delta; nothing else does. */
  hq_import (f->hq, "models", "[{\"model\":\"KFR-35GW\",\"name\":\"Split AC 3.5 kW (2024)\"}]");
  fc_sync_client_get_stats (c, &before);
  fc_test_sync_ok (c);
  fc_sync_client_get_stats (c, &after);
  g_clear_pointer (&name, g_free);
  name = model_name (f->dev->store, "AC-0001");
  g_assert_cmpstr (name, ==, "Split AC 3.5 kW (2024)");
  /* One sync request and one request per kind; all small. */
  g_assert_cmpuint (after.requests - before.requests, ==, 7);
  g_assert_cmpuint (after.bytes_down - before.bytes_down, <, 7 * 1024);

  /* Not due: no reference requests at all. */
  t.reference_interval_ms = 3600 * 1000;
  fc_sync_client_set_tuning (c, &t);
  fc_sync_client_get_stats (c, &before);
  fc_test_sync_ok (c);
  fc_sync_client_get_stats (c, &after);
  g_assert_cmpuint (after.requests - before.requests, ==, 1);
}

/* A customer recorded with a new case on one device reaches HQ (outside
 * the event log) and, from there, the other devices of the outlet; a
 * device of another outlet cannot overwrite it. */
static void
test_customers_reach_hq (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(JsonObject) p = fc_test_step_payload (FC_EV_CASE_OPENED);
  g_autoptr(JsonObject) customer = json_object_new ();
  g_autofree char *case_id = NULL;
  g_autoptr(FcCase) at_hq = NULL;
  g_autoptr(FcCase) at_b = NULL;
  g_autoptr(JsonObject) row = NULL;
  g_autoptr(FcTestDevice) b = NULL;
  g_autoptr(GError) error = NULL;
  FcSyncTuning t;
  FcHqDevice other = { .device_id = (char *) "dev-x", .outlet = (char *) "BJ-09" };
  g_autofree char *evil = NULL;

  json_object_set_string_member (customer, "name", "Zhang San");
  json_object_set_string_member (customer, "phone", "13800000000");
  json_object_set_object_member (p, "customer", g_steal_pointer (&customer));
  json_object_set_string_member (p, "outlet", FC_TEST_OUTLET);
  fc_test_device_enrol (f->dev, f->hq);
  case_id = fc_store_open_case (f->dev->store, p, "wang", &error);
  g_assert_no_error (error);
  fc_test_sync_ok (f->dev->client);

  at_hq = fc_store_get_case (fc_hq_server_get_store (f->hq->server), case_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fc_case_get_customer_name (at_hq), ==, "Zhang San");
  row = fc_store_lookup_customer (fc_hq_server_get_store (f->hq->server),
                                  fc_case_get_fold (at_hq)->customer_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (row, "phone"), ==, "13800000000");

  /* Another engineer of the outlet gets the name with the case. */
  b = fc_test_device_new (f->dir, "li", f->hq->url, NULL);
  fc_sync_client_get_tuning (b->client, &t);
  t.reference_interval_ms = 0;
  fc_sync_client_set_tuning (b->client, &t);
  fc_test_device_enrol (b, f->hq);
  fc_test_sync_ok (b->client);
  at_b = fc_store_get_case (b->store, case_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fc_case_get_customer_name (at_b), ==, "Zhang San");

  /* Another outlet's device may not rewrite it. */
  evil = g_strdup_printf ("[{\"id\":\"%s\",\"name\":\"Mallory\"}]",
                          fc_case_get_fold (at_hq)->customer_id);
  g_assert_false (fc_hq_store_put_customers (fc_hq_server_get_hq_store (f->hq->server), &other,
                                             evil, strlen (evil), &error));
  g_assert_error (error, FC_ERROR, FC_ERROR_NOT_ALLOWED);
  g_clear_object (&at_hq);
  at_hq = fc_store_get_case (fc_hq_server_get_store (f->hq->server), case_id, NULL);
  g_assert_cmpstr (fc_case_get_customer_name (at_hq), ==, "Zhang San");
}


/* ---- pulled pages are written off the main thread ---- */

typedef struct {
  GThread      *main_thread;
  guint         n_changed;
  gboolean      elsewhere;    /* a signal came on another thread */
  FcStore      *store;
  char         *case_id;      /* where the idle records a step mid-pull */
  FcEvent      *recorded;
} PullWatch;

static void
pull_changed_cb (FcStore   *store,
                 PullWatch *w)
{
  w->n_changed++;
  w->elsewhere = w->elsewhere || g_thread_self () != w->main_thread;
}

/* The engineer records a step while the first pull is under way. */
static gboolean
record_mid_pull_cb (gpointer data)
{
  PullWatch *w = data;

  w->recorded = fc_test_record (w->store, w->case_id, FC_EV_NOTE_ADDED, "wang");
  return G_SOURCE_REMOVE;
}

static gchar *
projections_of (FcStore *store)
{
  g_autoptr(FcStmt) stmt = fc_stmt_prepare (fc_store_get_db (store),
                                            "SELECT id, state, n_events, last_hlc, n_conflicts "
                                            "FROM cases ORDER BY id", NULL);
  GString *out = g_string_new (NULL);

  while (fc_stmt_step (stmt, NULL))
    g_string_append_printf (out, "%s %s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT "\n",
                            fc_stmt_text (stmt, 0), fc_stmt_text (stmt, 1), fc_stmt_int64 (stmt, 2),
                            fc_stmt_int64 (stmt, 3), fc_stmt_int64 (stmt, 4));
  return g_string_free (out, FALSE);
}

/* A first pull of many pages: written through the client's own connection
 * on a worker thread, yet the store the UI watches signals on the main
 * thread, its clock moves past what arrived (a peer an hour ahead), and a
 * step recorded mid-pull is neither lost nor blocks the pull. */
static void
test_pull_written_off_main_thread (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(FcClock) ahead = fc_clock_new ();
  g_autoptr(FcTestDevice) peer = NULL;
  g_autofree char *own_case = NULL;
  g_autofree char *peer_ids = NULL;
  g_autofree char *dev_ids = NULL;
  PullWatch w = { g_thread_self (), 0, FALSE, f->dev->store, NULL, NULL };
  FcSyncTuning t;
  gulong handler;
  gint64 max_pulled, pages;
  FcSyncStats before, after;

  fc_clock_set_offset_ms (ahead, 3600 * 1000);
  peer = fc_test_device_new (f->dir, "li", f->hq->url, ahead);
  quiet_tuning (peer->client);
  fc_test_device_enrol (f->dev, f->hq);
  fc_test_device_enrol (peer, f->hq);
  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *case_id = fc_test_open_case (peer->store, "li");
      for (guint k = 0; k < 3; k++)
        fc_event_unref (fc_test_record (peer->store, case_id, FC_EV_NOTE_ADDED, "li"));
    }
  fc_test_sync_ok (peer->client);
  own_case = fc_test_open_case (f->dev->store, "wang");
  fc_test_sync_ok (f->dev->client);   /* pushes it; pulls the 240 in one page */
  /* Start again on an empty device, pulling in pages of 50. */
  g_clear_pointer (&f->dev, fc_test_device_free);
  f->dev = fc_test_device_new (f->dir, "wang2", f->hq->url, NULL);
  quiet_tuning (f->dev->client);
  fc_test_device_enrol (f->dev, f->hq);
  w.store = f->dev->store;
  w.case_id = fc_test_open_case (f->dev->store, "wang");
  fc_sync_client_get_tuning (f->dev->client, &t);
  t.pull_limit = 50;
  fc_sync_client_set_tuning (f->dev->client, &t);
  handler = g_signal_connect (f->dev->store, "changed", G_CALLBACK (pull_changed_cb), &w);
  before = stats_of (f->dev->client);
  g_idle_add (record_mid_pull_cb, &w);
  fc_test_sync_ok (f->dev->client);
  after = stats_of (f->dev->client);
  pages = (gint64) (after.requests - before.requests);

  /* Everything of the peer's (and of the first wang's) is here, once. */
  g_assert_cmpint (fc_test_count (f->dev->store,
                                  "SELECT count(*) FROM events WHERE device != "
                                  "(SELECT value FROM meta WHERE key = 'device.id')"),
                   ==, fc_hq_server_count_events (f->hq->server) -
                       fc_test_count (f->dev->store, "SELECT count(*) FROM events WHERE device = "
                                      "(SELECT value FROM meta WHERE key = 'device.id')"));
  g_assert_cmpint (fc_hq_server_count_events (f->hq->server), >=, 60 * 4 + 1);
  g_assert_cmpint (fc_test_count (f->dev->store, "SELECT count(DISTINCT id) FROM events"), ==,
                   fc_test_count (f->dev->store, "SELECT count(*) FROM events"));
  g_assert_cmpint (pages, >=, 5);
  g_assert_cmpuint (w.n_changed, >=, 5);
  g_assert_false (w.elsewhere);
  /* The step recorded mid-pull went to HQ in the same cycle or the next. */
  g_assert_nonnull (w.recorded);
  if (fc_store_count_pending (f->dev->store) > 0)
    fc_test_sync_ok (f->dev->client);
  g_assert_cmpint (fc_store_count_pending (f->dev->store), ==, 0);
  /* Same events, same projections as the peer once it has caught up. */
  fc_test_sync_ok (peer->client);
  peer_ids = fc_test_event_ids (peer->store);
  dev_ids = fc_test_event_ids (f->dev->store);
  g_assert_cmpstr (dev_ids, ==, peer_ids);
  {
    g_autofree char *a = projections_of (peer->store);
    g_autofree char *b = projections_of (f->dev->store);
    g_assert_cmpstr (a, ==, b);
  }
  /* A step recorded now sorts after everything that arrived. */
  max_pulled = fc_test_count (f->dev->store, "SELECT max(hlc) FROM events");
  {
    g_autoptr(FcEvent) next = fc_test_record (f->dev->store, w.case_id, FC_EV_NOTE_ADDED, "wang");
    g_assert_cmpint (next->hlc, >, max_pulled);
  }
  g_signal_handler_disconnect (f->dev->store, handler);
  g_clear_pointer (&w.recorded, fc_event_unref);
  g_free (w.case_id);
}


/* ---- a first pull's search rows, written after its pages ---- */

typedef struct {
  GThread  *main_thread;
  FcStore  *store;
  gboolean  saw_pending;   /* a page was announced with its search rows waiting */
  gboolean  elsewhere;     /* a signal came on another thread */
  guint     n_changed;
  guint     changed_when_done;   /* "changed" since nothing waits any more */
} SearchWatch;

static void
search_changed_cb (FcStore     *store,
                   SearchWatch *w)
{
  gboolean pending = fc_store_has_index_pending (store);

  w->n_changed++;
  w->saw_pending = w->saw_pending || pending;
  w->elsewhere = w->elsewhere || g_thread_self () != w->main_thread;
  if (!pending)
    w->changed_when_done++;
}

static gint64
count_found (FcStore    *store,
             const char *text)
{
  FcCaseQuery q = { .filter = FC_CASE_FILTER_ALL, .text = text };

  return fc_store_count_cases (store, &q, NULL);
}

/* Every case has one search row, its own. */
static void
assert_each_case_indexed_once (FcStore *store)
{
  gint64 cases = fc_test_count (store, "SELECT count(*) FROM cases");

  g_assert_false (fc_store_has_index_pending (store));
  g_assert_cmpint (fc_test_count (store, "SELECT count(*) FROM case_fts"), ==, cases);
  g_assert_cmpint (fc_test_count (store, "SELECT count(*) FROM cases c JOIN case_fts f "
                                         "ON f.rowid = c.fts_rowid AND f.case_id = c.id"),
                   ==, cases);
}

static void
open_described (FcStore    *store,
                const char *description,
                int         i)
{
  g_autoptr(JsonObject) p = fc_test_step_payload (FC_EV_CASE_OPENED);
  g_autofree char *text = g_strdup_printf ("%s unit%d", description, i);
  g_autofree char *id = NULL;
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (p, "outlet", FC_TEST_OUTLET);
  json_object_set_string_member (p, "description", text);
  id = fc_store_open_case (store, p, "li", &error);
  g_assert_no_error (error);
}

/* A first pull comes in snapshot pages (in columns): the cases are listed
 * as each page is written, their search rows waiting; the client's pass
 * then indexes them in the background and says "changed" on the main
 * thread, after which search finds every case, once. What comes later by
 * seq is found at once. */
static void
test_snapshot_search_later (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(FcTestDevice) peer = NULL;
  SearchWatch w = { g_thread_self (), NULL, FALSE, FALSE, 0, 0 };
  FcCaseQuery all = { .filter = FC_CASE_FILTER_ALL };
  FcSyncTuning t;
  gulong handler;

  peer = fc_test_device_new (f->dir, "li", f->hq->url, NULL);
  quiet_tuning (peer->client);
  fc_test_device_enrol (peer, f->hq);
  for (int i = 0; i < 80; i++)
    open_described (peer->store, i % 2 ? "空调制冷效果不佳" : "Phone reboots repeatedly", i);
  fc_test_sync_ok (peer->client);

  fc_test_device_enrol (f->dev, f->hq);
  fc_sync_client_get_tuning (f->dev->client, &t);
  t.pull_limit = 25;
  fc_sync_client_set_tuning (f->dev->client, &t);
  w.store = f->dev->store;
  handler = g_signal_connect (f->dev->store, "changed", G_CALLBACK (search_changed_cb), &w);
  fc_test_sync_ok (f->dev->client);

  /* Listed with the pages, their search rows waiting then. */
  g_assert_cmpint (fc_store_count_cases (f->dev->store, &all, NULL), ==, 80);
  g_assert_true (w.saw_pending);
  /* The pass, then "changed" once nothing waits. */
  g_assert_true (fc_test_wait_for (w.changed_when_done > 0, 10000));
  g_assert_false (w.elsewhere);
  assert_each_case_indexed_once (f->dev->store);
  g_assert_cmpint (count_found (f->dev->store, "制冷"), ==, 40);
  g_assert_cmpint (count_found (f->dev->store, "reboot"), ==, 40);
  g_assert_cmpint (count_found (f->dev->store, "unit77"), ==, 1);

  /* A case opened after the snapshot comes in a page of the log: found
   * as soon as it is written. */
  open_described (peer->store, "冰箱结霜", 80);
  fc_test_sync_ok (peer->client);
  fc_test_sync_ok (f->dev->client);
  g_assert_false (fc_store_has_index_pending (f->dev->store));
  g_assert_cmpint (count_found (f->dev->store, "结霜"), ==, 1);
  assert_each_case_indexed_once (f->dev->store);

  /* A step recorded on a pulled case keeps it indexed once, with the step. */
  {
    g_autoptr(GPtrArray) ids = fc_store_query_case_ids (f->dev->store, &all, NULL);
    g_autoptr(JsonObject) p = fc_test_payload ("text", "压缩机异响", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(FcEvent) ev = fc_store_record (f->dev->store, g_ptr_array_index (ids, 0),
                                             FC_EV_NOTE_ADDED, p, "wang", &error);
    g_assert_no_error (error);
    g_assert_cmpint (count_found (f->dev->store, "异响"), ==, 1);
    assert_each_case_indexed_once (f->dev->store);
  }
  g_signal_handler_disconnect (f->dev->store, handler);
}

/* Every event of @store, case after case, as a snapshot page lists them. */
static GPtrArray *
all_events (FcStore *store)
{
  g_autoptr(FcStmt) stmt = fc_stmt_prepare (fc_store_get_db (store),
                                            "SELECT " FC_EVENT_COLUMNS " FROM events "
                                            "ORDER BY case_id, hlc", NULL);
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);

  while (fc_stmt_step (stmt, NULL))
    g_ptr_array_add (events, fc_store_event_from_row (stmt, NULL));
  return events;
}

/* An app killed after writing snapshot pages, before the pass finished:
 * its client runs the pass when it starts, offline or not. */
static void
test_search_pass_resumes_at_start (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(FcStore) peer_store = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GPtrArray) inserted = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);
  g_autofree char *peer_path = g_build_filename (f->dir, "peer.db", NULL);
  g_autoptr(GError) error = NULL;
  SearchWatch w = { g_thread_self (), f->dev->store, FALSE, FALSE, 0, 0 };
  gulong handler;

  fc_test_device_enrol (f->dev, f->hq);
  /* What HQ would have sent: another device's cases, as they are stored. */
  peer_store = fc_store_new (peer_path, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 1200; i++)
    open_described (peer_store, i % 3 ? "洗衣机漏水" : "Fridge does not cool", i);
  events = all_events (peer_store);
  g_assert_true (fc_store_apply_sync_quietly_full (f->dev->store, NULL, events, "s9:x",
                                                   FC_STORE_APPLY_DEFER_SEARCH, inserted, &error));
  g_assert_no_error (error);
  g_assert_true (fc_store_has_index_pending (f->dev->store));
  g_assert_cmpint (count_found (f->dev->store, "漏水"), ==, 0);

  /* HQ is gone: the cycle fails, the pass runs all the same (3 chunks). */
  fc_hq_server_disconnect (f->hq->server);
  handler = g_signal_connect (f->dev->store, "changed", G_CALLBACK (search_changed_cb), &w);
  fc_sync_client_start (f->dev->client);
  g_assert_true (fc_test_wait_for (w.changed_when_done > 0, 20000));
  g_assert_false (w.elsewhere);
  assert_each_case_indexed_once (f->dev->store);
  g_assert_cmpint (count_found (f->dev->store, "漏水"), ==, 800);
  g_assert_cmpint (count_found (f->dev->store, "fridge"), ==, 400);
  fc_sync_client_stop (f->dev->client);
  g_signal_handler_disconnect (f->dev->store, handler);
}

/* ---- a failure while a page is being written ---- */

/* @n_cases cases of four events each, recorded by @d's device, as pending
 * work (ingested in one transaction: recording them one by one would take
 * a transaction each). */
static void
ingest_cases (FcTestDevice *d,
              guint         n_cases)
{
  const char *device = fc_store_get_device_id (d->store);
  const char *types[] = { FC_EV_CASE_OPENED, FC_EV_CASE_RESPONDED, FC_EV_NOTE_ADDED,
                          FC_EV_NOTE_ADDED };
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);
  g_autoptr(GError) error = NULL;
  gint64 ms = fc_clock_now_ms (d->clock) - 24 * 3600 * 1000;

  for (guint c = 0; c < n_cases; c++)
    {
      g_autofree char *case_id = NULL;

      for (guint i = 0; i < G_N_ELEMENTS (types); i++)
        {
          gint64 hlc = FC_HLC_MAKE (ms++, 0);
          g_autofree char *id = fc_event_id_derive (hlc, device);
          g_autoptr(JsonObject) p = fc_test_step_payload (types[i]);

          if (i == 0)
            {
              g_autofree char *number = g_strdup_printf ("FC-L%05u", c);

              json_object_set_string_member (p, "number", number);
              json_object_set_string_member (p, "outlet", FC_TEST_OUTLET);
              case_id = g_strdup (id);
            }
          g_ptr_array_add (events, fc_event_new (id, case_id, types[i], hlc, device, "li", p));
        }
    }
  g_assert_true (fc_store_ingest (d->store, events, FC_SYNC_PENDING, &error));
  g_assert_no_error (error);
}

typedef struct {
  FcSyncClient *client;
  FcHqServer   *server;
  guint64       requests_before;
  gboolean      armed;
} ArmAfterFirst;

/* Once the first page's answer is in (the client counts a request when
 * its response has arrived), the next request — the pull-ahead, sent as
 * the first page starts being written — gets a 500. */
static gboolean
arm_after_first_cb (gpointer data)
{
  ArmAfterFirst *a = data;

  if (stats_of (a->client).requests <= a->requests_before)
    return G_SOURCE_CONTINUE;
  fc_hq_server_set_fault (a->server, FC_HQ_FAULT_HTTP_500, 1);
  a->armed = TRUE;
  return G_SOURCE_REMOVE;
}

/* A cycle that fails while a page is being written on a worker answers
 * only once the write is over: whoever is told "failed" may quit at once
 * (fieldcase --sync-only --once does), and must not leave a worker inside
 * a transaction. The written page is kept; the next cycle goes on from it. */
static void
test_fail_waits_for_write (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(FcTestDevice) peer = fc_test_device_new (f->dir, "li", f->hq->url, NULL);
  g_autoptr(GError) error = NULL;
  ArmAfterFirst arm = { f->dev->client, f->hq->server, 0, FALSE };
  FcSyncTuning t;
  gint64 held;

  quiet_tuning (peer->client);
  fc_test_device_enrol (peer, f->hq);
  ingest_cases (peer, 1500);
  fc_test_sync_ok (peer->client);
  g_assert_cmpint (fc_hq_server_count_events (f->hq->server), ==, 6000);

  fc_test_device_enrol (f->dev, f->hq);
  fc_sync_client_get_tuning (f->dev->client, &t);
  t.pull_limit = 3000;
  fc_sync_client_set_tuning (f->dev->client, &t);
  arm.requests_before = stats_of (f->dev->client).requests;
  g_timeout_add (1, arm_after_first_cb, &arm);
  error = fc_test_sync (f->dev->client);
  g_assert_true (arm.armed);
  g_assert_error (error, FC_SYNC_ERROR, FC_SYNC_ERROR_SERVER);
  /* Told of the failure: the first page is already in, whole. */
  held = fc_test_count (f->dev->store, "SELECT count(*) FROM events");
  g_assert_cmpint (held, ==, 3000);
  /* And the next cycle brings the rest, nothing twice. */
  fc_test_sync_ok (f->dev->client);
  g_assert_cmpint (fc_test_count (f->dev->store, "SELECT count(DISTINCT id) FROM events"), ==, 6000);
  g_assert_cmpint (fc_test_count (f->dev->store, "SELECT count(*) FROM events"), ==, 6000);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync/client/backoff-bounds", test_backoff_bounds);
  g_test_add_func ("/sync/client/enrol-uri", test_enrol_uri);
  g_test_add_func ("/sync/client/error-convert", test_error_convert);
#define ADD(path, fn) g_test_add ("/sync/client/" path, Fixture, NULL, fixture_set_up, fn, \
                                  fixture_tear_down)
  ADD ("properties", test_properties);
  ADD ("offline", test_offline);
  ADD ("retry-after", test_retry_after);
  ADD ("debounce", test_debounce);
  ADD ("rejected-does-not-block", test_rejected_does_not_block);
  ADD ("hlc-is-recorded-time", test_hlc_is_recorded_time);
  ADD ("noop-is-one-small-request", test_noop_is_one_small_request);
  ADD ("push-1000", test_push_1000);
  ADD ("revoked-then-reenrol", test_revoked_then_reenrol);
  ADD ("blobs-go-first", test_blobs_go_first);
  ADD ("reference-deltas", test_reference_deltas);
  ADD ("customers-reach-hq", test_customers_reach_hq);
  ADD ("pull-written-off-main-thread", test_pull_written_off_main_thread);
  ADD ("snapshot-search-later", test_snapshot_search_later);
  ADD ("search-pass-resumes-at-start", test_search_pass_resumes_at_start);
  ADD ("fail-waits-for-write", test_fail_waits_for_write);
#undef ADD
  return g_test_run ();
}
