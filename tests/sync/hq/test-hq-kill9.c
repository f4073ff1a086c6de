/* test-hq-kill9.c: the built fieldcase-hq, killed with SIGKILL at random
 * moments while devices push, and restarted — 20 times.
 *
 * The promise under test: a receipt names an event that is durably stored,
 * exactly once, with the seq the receipt gave; and an event sent to a
 * server that died before answering is stored at most once and receives a
 * receipt (the same seq every time) when the device resends it.
 *
 * The executable comes from $FIELDCASE_HQ (set by meson).
 */
#include <signal.h>

#include "fc-hq-store.h"
#include "fc-store-private.h"
#include "hq-test-util.h"

#define ROUNDS 20
#define BATCH_EVENTS 150

typedef struct {
  char      *json;      /* the request body */
  GPtrArray *ids;       /* event ids, in order */
} Batch;

static void
batch_free (Batch *b)
{
  g_free (b->json);
  g_ptr_array_unref (b->ids);
  g_free (b);
}

typedef struct {
  char        *dir;
  char        *db;
  char        *device_id;
  char        *token;
  GSubprocess *server;
  char        *url;
  SoupSession *session;
  GHashTable  *acked;     /* event id → seq (GINT64 boxed as gint64*) */
  GQueue       unacked;   /* Batch* sent without an answer, oldest first */
  guint        generated;
  guint        kill_id;
} Fixture;

static Batch *
new_batch (Fixture *f)
{
  Batch *b = g_new0 (Batch, 1);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *case_id = hq_new_uuid ();

  b->ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < BATCH_EVENTS; i++)
    {
      char *id = hq_new_uuid ();
      g_ptr_array_add (events, i == 0 ? hq_event_opened (id, case_id, f->device_id, "SH-01", NULL)
                                      : hq_event_note (id, case_id, f->device_id, "步骤 step"));
      g_ptr_array_add (b->ids, id);
    }
  b->json = hq_sync_body (f->device_id, "", events, 0);
  f->generated += BATCH_EVENTS;
  return b;
}

/* Enrols directly in the database, before any server runs. */
static void
enrol (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FcHqStore) store = fc_hq_store_new (f->db, NULL, &error);
  g_autofree char *code = NULL;
  g_autoptr(FcHqDevice) dev = NULL;

  g_assert_no_error (error);
  code = fc_hq_store_create_enrol_code (store, "SH-01", NULL, 0, &error);
  g_assert_no_error (error);
  f->device_id = hq_new_uuid ();
  dev = fc_hq_store_enrol (store, code, f->device_id, "kill9", &f->token, &error);
  g_assert_no_error (error);
}

static void
start_server (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autofree char *line = NULL;

  f->server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, g_getenv ("FIELDCASE_HQ"),
                                "serve", "--db", f->db, "--port", "0", NULL);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->server));
  line = g_data_input_stream_read_line (in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));
  g_free (f->url);
  f->url = g_strdup (line + strlen ("listening on "));
}

static gboolean
kill_cb (gpointer user_data)
{
  Fixture *f = user_data;

  f->kill_id = 0;
  g_subprocess_send_signal (f->server, SIGKILL);
  return G_SOURCE_REMOVE;
}

static void
stop_server (Fixture *f)
{
  g_subprocess_send_signal (f->server, SIGKILL);
  g_subprocess_wait (f->server, NULL, NULL);
  g_clear_object (&f->server);
}

/* Records the receipts; a seq seen before must not have changed. */
static void
take_receipts (Fixture    *f,
               Batch      *b,
               HqResponse *r)
{
  JsonArray *receipts = json_object_get_array_member (hq_object (r), "receipts");

  g_assert_cmpuint (json_array_get_length (receipts), ==, b->ids->len);
  for (guint i = 0; i < b->ids->len; i++)
    {
      JsonObject *o = json_array_get_object_element (receipts, i);
      const char *id = g_ptr_array_index (b->ids, i);
      gint64 seq = json_object_get_int_member_with_default (o, "seq", 0);
      gint64 *old = g_hash_table_lookup (f->acked, id);

      g_assert_cmpstr (json_object_get_string_member (o, "id"), ==, id);
      g_assert_cmpint (seq, >, 0);
      if (old != NULL)
        g_assert_cmpint (*old, ==, seq);
      else
        g_hash_table_insert (f->acked, g_strdup (id), g_memdup2 (&seq, sizeof seq));
    }
}

/* Sends the oldest unanswered batch (or a new one); FALSE once the server
 * is gone. */
static gboolean
push_one (Fixture *f)
{
  Batch *b = g_queue_is_empty (&f->unacked) ? new_batch (f) : g_queue_pop_head (&f->unacked);
  g_autoptr(HqResponse) r = hq_post_json (f->session, f->url, "/v1/sync", f->token, b->json);

  if (r->status != 200)
    {
      g_assert_cmpuint (r->status, ==, 0);   /* only the kill may stop it */
      g_queue_push_head (&f->unacked, b);
      return FALSE;
    }
  take_receipts (f, b, r);
  batch_free (b);
  return TRUE;
}

static void
run_round (Fixture *f,
           guint    round)
{
  guint delay = (guint) g_test_rand_int_range (5, 400);

  start_server (f);
  f->kill_id = g_timeout_add (delay, kill_cb, f);
  while (push_one (f))
    ;
  g_assert_cmpuint (f->kill_id, ==, 0);   /* only the kill stops the pushes */
  g_subprocess_wait (f->server, NULL, NULL);
  g_assert_false (g_subprocess_get_if_exited (f->server));
  g_clear_object (&f->server);
  g_test_message ("round %u: killed after %u ms, %u events acknowledged so far", round, delay,
                  g_hash_table_size (f->acked));
}

static gint64
count (sqlite3    *db,
       const char *sql)
{
  g_autoptr(FcStmt) stmt = fc_stmt_prepare (db, sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_true (fc_stmt_step (stmt, NULL));
  return fc_stmt_int64 (stmt, 0);
}

/* Every receipt names exactly one stored event with that seq. */
static void
verify_db (Fixture *f,
           gboolean all_acked)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FcHqStore) store = fc_hq_store_new (f->db, NULL, &error);
  sqlite3 *db;
  g_autoptr(FcStmt) stmt = NULL;
  GHashTableIter iter;
  gpointer key, value;

  g_assert_no_error (error);
  db = fc_store_get_db (fc_hq_store_get_core (store));
  stmt = fc_stmt_prepare (db, "SELECT (SELECT count(*) FROM events WHERE id = ?1), "
                              "(SELECT seq FROM hq_log WHERE event_id = ?1)", NULL);
  g_hash_table_iter_init (&iter, f->acked);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      sqlite3_reset (stmt->stmt);
      fc_stmt_bind_text (stmt, 1, key);
      g_assert_true (fc_stmt_step (stmt, NULL));
      g_assert_cmpint (fc_stmt_int64 (stmt, 0), ==, 1);
      g_assert_cmpint (fc_stmt_int64 (stmt, 1), ==, *(gint64 *) value);
    }
  /* The log and the events commit together: never one without the other. */
  g_assert_cmpint (count (db, "SELECT count(*) FROM events"), ==, count (db, "SELECT count(*) FROM hq_log"));
  g_assert_cmpint (count (db, "SELECT count(*) FROM hq_log l LEFT JOIN events e ON e.id = l.event_id "
                              "WHERE e.id IS NULL"), ==, 0);
  g_assert_cmpint (count (db, "PRAGMA quick_check = 1") , ==, 0);
  if (all_acked)
    g_assert_cmpint (count (db, "SELECT count(*) FROM events"), ==, g_hash_table_size (f->acked));
  else
    g_assert_cmpint (count (db, "SELECT count(*) FROM events"), >=, g_hash_table_size (f->acked));
}

static void
test_kill9 (void)
{
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;

  if (g_getenv ("FIELDCASE_HQ") == NULL)
    {
      g_test_skip ("FIELDCASE_HQ is not set");
      return;
    }
  f.dir = g_dir_make_tmp ("fc-hq-kill9-XXXXXX", &error);
  g_assert_no_error (error);
  f.db = g_build_filename (f.dir, "hq.db", NULL);
  f.acked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  f.session = hq_session_new ();
  g_object_set (f.session, "timeout", 5, NULL);
  enrol (&f);

  for (guint round = 0; round < ROUNDS; round++)
    {
      run_round (&f, round);
      verify_db (&f, FALSE);
    }

  /* A last, peaceful server: the device resends what never got an answer;
   * then every event has exactly one receipt and one row. */
  start_server (&f);
  while (!g_queue_is_empty (&f.unacked))
    g_assert_true (push_one (&f));
  stop_server (&f);
  g_assert_cmpuint (g_hash_table_size (f.acked), ==, f.generated);
  verify_db (&f, TRUE);
  g_test_message ("%u events, every one stored once across %d kills", f.generated, ROUNDS);

  g_queue_clear_full (&f.unacked, (GDestroyNotify) batch_free);
  g_hash_table_unref (f.acked);
  g_object_unref (f.session);
  {
    g_autoptr(GDir) d = g_dir_open (f.dir, 0, NULL);
    const char *name;
    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *p = g_build_filename (f.dir, name, NULL);
        g_unlink (p);
      }
    g_rmdir (f.dir);
  }
  g_free (f.dir);
  g_free (f.db);
  g_free (f.device_id);
  g_free (f.token);
  g_free (f.url);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hq/kill9", test_kill9);
  return g_test_run ();
}
