/* fc-sync-test-util.h: helpers shared by the sync tests — an HQ server on
 * 127.0.0.1 in this process, devices (a store and a client each), and
 * waiting on the main context with a deadline. */
#pragma once

#include <string.h>

#include "fc-test-util.h"
#include "fc-hq-server.h"
#include "fc-sync-client-private.h"

#define FC_TEST_OUTLET "SH-01"

/* Iterates the default main context until @cond (re-evaluated) holds or
 * @timeout_ms pass; evaluates to whether it holds. */
#define fc_test_wait_for(cond, timeout_ms)                                     \
  ({                                                                           \
    gint64 _deadline = g_get_monotonic_time () + (gint64) (timeout_ms) * 1000;  \
    while (!(cond) && g_get_monotonic_time () < _deadline)                     \
      {                                                                        \
        if (!g_main_context_iteration (NULL, FALSE))                           \
          g_usleep (500);                                                      \
      }                                                                        \
    (cond);                                                                    \
  })

typedef struct {
  gboolean  done;
  gboolean  ok;
  GError   *error;
} FcTestWait;

static inline void
fc_test_sync_done_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  FcTestWait *w = user_data;

  w->ok = fc_sync_client_sync_finish (FC_SYNC_CLIENT (source), result, &w->error);
  w->done = TRUE;
}

static inline void
fc_test_enrol_done_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  FcTestWait *w = user_data;

  w->ok = fc_sync_client_enrol_finish (FC_SYNC_CLIENT (source), result, &w->error);
  w->done = TRUE;
}

/* One cycle, waited for. Returns the error (owned) or NULL. */
static inline GError *
fc_test_sync (FcSyncClient *client)
{
  FcTestWait w = { 0 };

  fc_sync_client_sync_async (client, NULL, fc_test_sync_done_cb, &w);
  g_assert_true (fc_test_wait_for (w.done, 60000));
  return w.error;
}

static inline void
fc_test_sync_ok (FcSyncClient *client)
{
  g_autoptr(GError) error = fc_test_sync (client);
  g_assert_no_error (error);
}

static inline GError *
fc_test_enrol (FcSyncClient *client,
               const char   *code)
{
  FcTestWait w = { 0 };

  fc_sync_client_enrol_async (client, code, "test device", NULL, fc_test_enrol_done_cb, &w);
  g_assert_true (fc_test_wait_for (w.done, 30000));
  return w.error;
}

/* ---- HQ ---- */

typedef struct {
  char       *dir;      /* owned, removed by fc_test_hq_free */
  FcClock    *clock;    /* owned */
  FcHqServer *server;   /* owned */
  char       *url;      /* owned */
} FcTestHq;

static inline FcTestHq *
fc_test_hq_new (const char *dir,
                FcClock    *clock)
{
  FcTestHq *hq = g_new0 (FcTestHq, 1);
  g_autofree char *path = g_build_filename (dir, "hq.db", NULL);
  g_autoptr(GError) error = NULL;

  hq->clock = clock != NULL ? g_object_ref (clock) : fc_clock_new ();
  hq->server = fc_hq_server_new_with_clock (path, hq->clock, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fc_hq_server_listen_local (hq->server, &error), >, 0);
  g_assert_no_error (error);
  hq->url = fc_hq_server_dup_url (hq->server);
  return hq;
}

static inline void
fc_test_hq_free (FcTestHq *hq)
{
  if (hq == NULL)
    return;
  fc_hq_server_disconnect (hq->server);
  g_clear_object (&hq->server);
  g_clear_object (&hq->clock);
  g_free (hq->url);
  g_free (hq);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcTestHq, fc_test_hq_free)

/* ---- devices ---- */

typedef struct {
  FcClock      *clock;   /* owned */
  FcStore      *store;   /* owned */
  FcSyncClient *client;  /* owned */
  char         *engineer;
} FcTestDevice;

static inline FcTestDevice *
fc_test_device_new (const char *dir,
                    const char *name,
                    const char *url,
                    FcClock    *clock)
{
  FcTestDevice *d = g_new0 (FcTestDevice, 1);
  g_autofree char *file = g_strdup_printf ("%s.db", name);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autoptr(GError) error = NULL;

  d->clock = clock != NULL ? g_object_ref (clock) : fc_clock_new ();
  d->store = fc_store_new_with_clock (path, d->clock, &error);
  g_assert_no_error (error);
  d->client = fc_sync_client_new (d->store, url);
  d->engineer = g_strdup (name);
  return d;
}

static inline void
fc_test_device_free (FcTestDevice *d)
{
  if (d == NULL)
    return;
  g_clear_object (&d->client);
  g_clear_object (&d->store);
  g_clear_object (&d->clock);
  g_free (d->engineer);
  g_free (d);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcTestDevice, fc_test_device_free)

static inline void
fc_test_device_enrol (FcTestDevice *d,
                      FcTestHq     *hq)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = fc_hq_server_create_enrol_code (hq->server, FC_TEST_OUTLET,
                                                          d->engineer, &error);
  g_assert_no_error (error);
  error = fc_test_enrol (d->client, code);
  g_assert_no_error (error);
}

/* A case of this test's outlet; returns its id. */
static inline char *
fc_test_open_case (FcStore    *store,
                   const char *author)
{
  g_autoptr(JsonObject) p = fc_test_step_payload (FC_EV_CASE_OPENED);
  g_autoptr(GError) error = NULL;
  char *id;

  json_object_set_string_member (p, "outlet", FC_TEST_OUTLET);
  id = fc_store_open_case (store, p, author, &error);
  g_assert_no_error (error);
  return id;
}

static inline FcEvent *
fc_test_record (FcStore    *store,
                const char *case_id,
                const char *type,
                const char *author)
{
  g_autoptr(JsonObject) p = fc_test_step_payload (type);
  g_autoptr(GError) error = NULL;
  FcEvent *ev = fc_store_record (store, case_id, type, p, author, &error);

  g_assert_no_error (error);
  return ev;
}

/* Ids of every event in @store, sorted, joined by newlines. */
static inline char *
fc_test_event_ids (FcStore *store)
{
  g_autoptr(FcStmt) stmt = fc_stmt_prepare (fc_store_get_db (store),
                                            "SELECT id FROM events ORDER BY id", NULL);
  GString *out = g_string_new (NULL);

  g_assert_nonnull (stmt);
  while (fc_stmt_step (stmt, NULL))
    g_string_append_printf (out, "%s\n", fc_stmt_text (stmt, 0));
  return g_string_free (out, FALSE);
}

static inline gint64
fc_test_count (FcStore    *store,
               const char *sql)
{
  g_autoptr(FcStmt) stmt = fc_stmt_prepare (fc_store_get_db (store), sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_true (fc_stmt_step (stmt, NULL));
  return fc_stmt_int64 (stmt, 0);
}
