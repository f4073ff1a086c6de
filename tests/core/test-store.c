/* test-store.c: the SQLite store — recording, refusals, out-of-order
 * arrival, migrations, kill -9 and a full disk. Real files, no mocks. */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fc-test-util.h"

typedef struct {
  char    *dir;
  char    *path;
  FcStore *store;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->dir = fc_test_tmpdir ();
  f->path = g_build_filename (f->dir, "store.db", NULL);
  f->store = fc_store_new (f->path, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  fc_test_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static gint64
count_rows (FcStore *store, const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  g_autoptr(FcStmt) stmt = fc_stmt_prepare (fc_store_get_db (store), sql, NULL);

  g_assert_true (fc_stmt_step (stmt, NULL));
  return fc_stmt_int64 (stmt, 0);
}

static char *
open_case (FcStore *store)
{
  g_autoptr(JsonObject) p = fc_test_step_payload (FC_EV_CASE_OPENED);
  g_autoptr(JsonObject) customer = fc_test_payload ("name", "Zhang San", "phone", "13800000000",
                                                    NULL);
  g_autoptr(GError) error = NULL;
  char *id;

  json_object_set_object_member (p, "customer", g_steal_pointer (&customer));
  id = fc_store_open_case (store, p, "wang", &error);
  g_assert_no_error (error);
  return id;
}

static void
record_ok (FcStore *store, const char *case_id, const char *type)
{
  g_autoptr(JsonObject) p = fc_test_step_payload (type);
  g_autoptr(GError) error = NULL;
  g_autoptr(FcEvent) ev = fc_store_record (store, case_id, type, p, "wang", &error);

  g_assert_no_error (error);
  g_assert_nonnull (ev);
}

static void
test_open_pragmas (Fixture *f, gconstpointer data)
{
  sqlite3 *db = fc_store_get_db (f->store);
  g_autofree char *device = g_strdup (fc_store_get_device_id (f->store));
  g_autoptr(FcStmt) s1 = fc_stmt_prepare (db, "PRAGMA journal_mode", NULL);
  g_autoptr(FcStmt) s2 = fc_stmt_prepare (db, "PRAGMA synchronous", NULL);
  g_autoptr(FcStmt) s3 = fc_stmt_prepare (db, "PRAGMA user_version", NULL);

  g_assert_true (fc_stmt_step (s1, NULL));
  g_assert_cmpstr (fc_stmt_text (s1, 0), ==, "wal");
  g_assert_true (fc_stmt_step (s2, NULL));
  g_assert_cmpint (fc_stmt_int64 (s2, 0), ==, 2);   /* FULL */
  g_assert_true (fc_stmt_step (s3, NULL));
  g_assert_cmpint (fc_stmt_int64 (s3, 0), ==, FC_STORE_SCHEMA_VERSION);
  g_clear_pointer (&s1, fc_stmt_free);
  g_clear_pointer (&s2, fc_stmt_free);
  g_clear_pointer (&s3, fc_stmt_free);

  /* The device keeps its identity across restarts. */
  g_clear_object (&f->store);
  f->store = fc_store_new (f->path, NULL);
  g_assert_cmpstr (fc_store_get_device_id (f->store), ==, device);
}

/* The sync client's writer connection: the store's size cap, and commits
 * without an fsync each (only for what HQ sends again); the UI's
 * connection stays FULL beside it. */
static void
test_writer_pragmas (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FcStore) writer = NULL;
  g_autoptr(FcStmt) sync_mode = NULL;
  g_autoptr(FcStmt) ui_mode = NULL;
  gint64 cap = fc_store_get_max_pages (f->store);

  g_assert_cmpint (cap, >, 0);
  g_assert_true (fc_db_exec (fc_store_get_db (f->store), "PRAGMA max_page_count = 5000", NULL));
  writer = fc_store_new_writer (f->path, NULL, fc_store_get_max_pages (f->store), &error);
  g_assert_no_error (error);
  g_assert_cmpint (fc_store_get_max_pages (writer), ==, 5000);
  sync_mode = fc_stmt_prepare (fc_store_get_db (writer), "PRAGMA synchronous", NULL);
  g_assert_true (fc_stmt_step (sync_mode, NULL));
  g_assert_cmpint (fc_stmt_int64 (sync_mode, 0), ==, 1);   /* NORMAL */
  ui_mode = fc_stmt_prepare (fc_store_get_db (f->store), "PRAGMA synchronous", NULL);
  g_assert_true (fc_stmt_step (ui_mode, NULL));
  g_assert_cmpint (fc_stmt_int64 (ui_mode, 0), ==, 2);     /* FULL */
  g_assert_cmpstr (fc_store_get_device_id (writer), ==, fc_store_get_device_id (f->store));
}

static void
test_happy_path (Fixture *f, gconstpointer data)
{
  g_autofree char *id = open_case (f->store);
  g_autoptr(FcCase) c = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(JsonObject) customer = NULL;

  for (gsize i = 1; i < G_N_ELEMENTS (fc_test_happy_path); i++)
    record_ok (f->store, id, fc_test_happy_path[i]);
  c = fc_store_get_case (f->store, id, NULL);
  g_assert_cmpint (fc_case_get_state (c), ==, FC_CASE_STATE_CLOSED);
  g_assert_cmpstr (fc_case_get_customer_name (c), ==, "Zhang San");
  g_assert_cmpint (fc_case_get_fold (c)->satisfaction, ==, 5);
  /* By number too, as people say it on the phone. */
  {
    g_autofree char *number = g_strdup (fc_case_get_number (c));
    g_clear_object (&c);
    c = fc_store_get_case (f->store, number, NULL);
    g_assert_cmpstr (fc_case_get_id (c), ==, id);
  }
  events = fc_store_list_events (f->store, id, NULL);
  g_assert_cmpuint (events->len, ==, G_N_ELEMENTS (fc_test_happy_path));
  for (guint i = 0; i < events->len; i++)
    {
      FcEvent *ev = g_ptr_array_index (events, i);
      g_assert_cmpstr (ev->type, ==, fc_test_happy_path[i]);
      g_assert_false (ev->conflict);
      g_assert_cmpint (ev->sync_state, ==, FC_SYNC_PENDING);
      /* Personal data never enters the event log. */
      g_assert_false (json_object_has_member (ev->payload, "customer"));
    }
  g_assert_cmpint (fc_store_count_pending (f->store), ==, events->len);
}

static void
test_refusals_change_nothing (Fixture *f, gconstpointer data)
{
  g_autofree char *id = open_case (f->store);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) p = fc_test_step_payload (FC_EV_CASE_RESOLVED);
  g_autoptr(JsonObject) bad = fc_test_payload ("symptom", "x", "cause", "y", "method", "magic", NULL);
  g_autoptr(JsonObject) note = fc_test_step_payload (FC_EV_NOTE_ADDED);
  gint64 before = count_rows (f->store, "events");

  /* A step not allowed now. */
  g_assert_null (fc_store_record (f->store, id, FC_EV_CASE_RESOLVED, p, "wang", &error));
  g_assert_error (error, FC_ERROR, FC_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  /* An unknown case, and something that is no id at all. */
  g_assert_null (fc_store_record (f->store, "018f0000-0000-7000-8000-00000000dead",
                                  FC_EV_NOTE_ADDED, note, "wang", &error));
  g_assert_error (error, FC_ERROR, FC_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (fc_store_record (f->store, "'; DROP TABLE events; --", FC_EV_NOTE_ADDED,
                                  note, "wang", &error));
  g_assert_error (error, FC_ERROR, FC_ERROR_NOT_FOUND);
  g_clear_error (&error);
  /* A bad field. */
  record_ok (f->store, id, FC_EV_CASE_RESPONDED);
  before = count_rows (f->store, "events");
  g_assert_null (fc_store_record (f->store, id, FC_EV_DIAGNOSIS_RECORDED, bad, "wang", &error));
  g_assert_error (error, FC_ERROR, FC_ERROR_INVALID);
  g_assert_cmpint (count_rows (f->store, "events"), ==, before);
}

static void
test_sql_text_stored_literally (Fixture *f, gconstpointer data)
{
  g_autofree char *id = open_case (f->store);
  const char *evil = "x'); DELETE FROM events; --";
  g_autoptr(JsonObject) p = fc_test_payload ("text", evil, NULL);
  g_autoptr(FcEvent) ev = fc_store_record (f->store, id, FC_EV_NOTE_ADDED, p, evil, NULL);
  g_autoptr(GPtrArray) events = fc_store_list_events (f->store, id, NULL);

  g_assert_nonnull (ev);
  g_assert_cmpuint (events->len, ==, 2);
  g_assert_cmpstr (json_object_get_string_member (((FcEvent *) events->pdata[1])->payload, "text"),
                   ==, evil);
  g_assert_cmpstr (((FcEvent *) events->pdata[1])->author, ==, evil);
}

static void
test_van_stock (Fixture *f, gconstpointer data)
{
  g_autofree char *id = open_case (f->store);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) three = fc_test_payload ("part_number", "P-FILTER-35", "quantity", "#3", NULL);
  g_autoptr(FcStmt) q = NULL;

  g_assert_true (fc_db_exec (fc_store_get_db (f->store),
                             "INSERT INTO van_stock VALUES ('P-FILTER-35', 2)", NULL));
  for (int i = 1; i <= 7; i++)
    record_ok (f->store, id, fc_test_happy_path[i]);   /* through part.replaced ×1 */
  /* Asking for more than the van holds is refused and takes nothing. */
  g_assert_null (fc_store_record (f->store, id, FC_EV_PART_REPLACED, three, "wang", &error));
  g_assert_error (error, FC_ERROR, FC_ERROR_NOT_ALLOWED);
  q = fc_stmt_prepare (fc_store_get_db (f->store), "SELECT quantity FROM van_stock", NULL);
  g_assert_true (fc_stmt_step (q, NULL));
  g_assert_cmpint (fc_stmt_int64 (q, 0), ==, 1);
}

static void
test_blobs (Fixture *f, gconstpointer data)
{
  g_autoptr(GBytes) png = g_bytes_new_static ("\x89PNG fake", 9);
  g_autofree char *sha = fc_store_put_blob (f->store, png, "image/png", NULL);
  g_autofree char *again = fc_store_put_blob (f->store, png, "image/png", NULL);
  g_autofree char *mime = NULL;
  g_autoptr(GBytes) back = fc_store_get_blob (f->store, sha, &mime, NULL);
  g_autofree char *huge_data = g_malloc0 (FC_BLOB_MAX_BYTES + 1);
  g_autoptr(GBytes) huge = g_bytes_new_static (huge_data, FC_BLOB_MAX_BYTES + 1);
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (sha, ==, again);
  g_assert_cmpint (count_rows (f->store, "blobs"), ==, 1);
  g_assert_true (g_bytes_equal (png, back));
  g_assert_cmpstr (mime, ==, "image/png");
  g_assert_true (fc_store_has_blob (f->store, sha));
  g_assert_null (fc_store_put_blob (f->store, huge, "image/png", &error));
  g_assert_error (error, FC_ERROR, FC_ERROR_TOO_LARGE);
}

/* Events as another device would have them: copies without local marks. */
static GPtrArray *
copy_events (GPtrArray *events)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);

  for (guint i = 0; i < events->len; i++)
    {
      FcEvent *e = g_ptr_array_index (events, i);
      g_ptr_array_add (out, fc_event_new (e->id, e->case_id, e->type, e->hlc, e->device,
                                          e->author, e->payload));
    }
  return out;
}

static char *
projection_text (FcStore *store, const char *case_id)
{
  g_autoptr(FcCase) c = fc_store_get_case (store, case_id, NULL);
  g_autoptr(GPtrArray) events = fc_store_list_events (store, case_id, NULL);
  const FcCaseFold *f = fc_case_get_fold (c);
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "%s|%s|%s|%d|%" G_GINT64_FORMAT "|%u|%u|%" G_GINT64_FORMAT,
                          fc_case_state_to_string (f->state), f->assignee, f->plan_action,
                          f->satisfaction, f->resolved_at, f->n_events, f->n_conflicts,
                          fc_case_get_next_due (c));
  for (guint i = 0; i < events->len; i++)
    {
      FcEvent *e = g_ptr_array_index (events, i);
      g_string_append_printf (s, "\n%s %s %d", e->id, e->type, e->conflict);
    }
  return g_string_free (s, FALSE);
}

static void
test_out_of_order_arrival (Fixture *f, gconstpointer data)
{
  g_autofree char *id = open_case (f->store);
  g_autofree char *expected = NULL;
  g_autoptr(GPtrArray) events = NULL;
  GRand *rand = g_rand_new_with_seed (7);

  for (gsize i = 1; i < 9; i++)
    record_ok (f->store, id, fc_test_happy_path[i]);
  /* A second engineer cancels the case while the first records work. */
  {
    g_autoptr(GPtrArray) mine = fc_store_list_events (f->store, id, NULL);
    FcEvent *work = g_ptr_array_index (mine, 7);
    g_autoptr(JsonObject) p = fc_test_step_payload (FC_EV_CASE_CANCELLED);
    g_autoptr(FcEvent) other = fc_event_new ("018f0000-0000-7000-8000-0000000000cc", id,
                                             FC_EV_CASE_CANCELLED, work->hlc - 1, "dev-z",
                                             "li", p);
    g_autoptr(GPtrArray) one = g_ptr_array_new ();
    g_ptr_array_add (one, other);
    g_assert_true (fc_store_ingest (f->store, one, FC_SYNC_REMOTE, NULL));
  }
  expected = projection_text (f->store, id);
  {
    g_autoptr(GPtrArray) stored = fc_store_list_events (f->store, id, NULL);
    events = copy_events (stored);
  }
  g_assert_nonnull (strstr (expected, " 1"));   /* the late steps are conflicts */

  for (int round = 0; round < 20; round++)
    {
      g_autofree char *dir = fc_test_tmpdir ();
      g_autofree char *path = g_build_filename (dir, "b.db", NULL);
      g_autoptr(FcStore) b = fc_store_new (path, NULL);
      g_autofree char *got = NULL;
      guint start = 0;

      for (guint i = events->len - 1; i > 0; i--)
        {
          guint j = g_rand_int_range (rand, 0, i + 1);
          gpointer t = events->pdata[i];
          events->pdata[i] = events->pdata[j];
          events->pdata[j] = t;
        }
      /* In random batches, each batch delivered twice: duplicates are harmless. */
      while (start < events->len)
        {
          guint want = (guint) g_rand_int_range (rand, 1, 5);
          guint n = MIN (events->len - start, want);
          g_autoptr(GPtrArray) batch = g_ptr_array_new ();
          for (guint k = 0; k < n; k++)
            g_ptr_array_add (batch, events->pdata[start + k]);
          g_assert_true (fc_store_ingest (b, batch, FC_SYNC_REMOTE, NULL));
          g_assert_true (fc_store_ingest (b, batch, FC_SYNC_REMOTE, NULL));
          start += n;
        }
      got = projection_text (b, id);
      g_assert_cmpstr (got, ==, expected);
      g_assert_cmpint (count_rows (b, "events"), ==, events->len);
      g_clear_object (&b);
      fc_test_rmdir (dir);
    }
  g_rand_free (rand);
}

static void
test_migrations (void)
{
  g_autofree char *dir = fc_test_tmpdir ();

  for (int v = 0; v < FC_STORE_SCHEMA_VERSION; v++)
    {
      g_autofree char *name = g_strdup_printf ("v%d.db", v);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(FcStore) store = NULL;
      g_autofree char *case_id = NULL;

      g_assert_true (fc_store_create_at_version (path, v, &error));
      g_assert_no_error (error);
      if (v >= 1)
        {
          /* Data written by the older version must survive the upgrade. */
          sqlite3 *db = NULL;
          g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
          g_assert_true (fc_db_exec (db, "INSERT INTO meta VALUES ('device.id', 'old-device')", NULL));
          sqlite3_close (db);
        }
      store = fc_store_new (path, &error);
      g_assert_no_error (error);
      if (v >= 1)
        g_assert_cmpstr (fc_store_get_device_id (store), ==, "old-device");
      case_id = open_case (store);
      g_assert_nonnull (case_id);
    }
  /* A store from a newer Fieldcase is refused, not damaged. */
  {
    g_autofree char *path = g_build_filename (dir, "future.db", NULL);
    sqlite3 *db = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(FcStore) store = NULL;

    g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
    g_assert_true (fc_db_exec (db, "PRAGMA user_version = 99", NULL));
    sqlite3_close (db);
    store = fc_store_new (path, &error);
    g_assert_null (store);
    g_assert_error (error, FC_ERROR, FC_ERROR_VERSION);
  }
  fc_test_rmdir (dir);
}

/* The child records steps as fast as it can and reports each id on the
 * pipe only after the commit returned; the parent kills it with SIGKILL at
 * a random moment. Every reported event must be there, exactly once. */
static void
child_record_forever (const char *path, int fd)
{
  g_autoptr(FcStore) store = fc_store_new (path, NULL);

  for (;;)
    {
      g_autofree char *id = open_case (store);
      for (gsize i = 1; i < G_N_ELEMENTS (fc_test_happy_path); i++)
        {
          g_autoptr(JsonObject) p = fc_test_step_payload (fc_test_happy_path[i]);
          g_autoptr(FcEvent) ev = fc_store_record (store, id, fc_test_happy_path[i], p, "w", NULL);
          g_autofree char *line = g_strdup_printf ("%s\n", ev->id);
          if (write (fd, line, strlen (line)) < 0)
            _exit (3);
        }
    }
}

static void
test_kill9 (void)
{
  g_autofree char *dir = fc_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "kill.db", NULL);
  GRand *rand = g_rand_new_with_seed (99);
  gint64 total_reported = 0;

  for (int round = 0; round < 25; round++)
    {
      int fds[2];
      pid_t pid;
      g_autoptr(GString) got = g_string_new (NULL);
      char buf[4096];
      ssize_t n;
      g_auto(GStrv) ids = NULL;
      g_autoptr(FcStore) store = NULL;
      g_autoptr(FcStmt) integrity = NULL;

      g_assert_cmpint (pipe (fds), ==, 0);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          close (fds[0]);
          child_record_forever (path, fds[1]);
          _exit (0);
        }
      close (fds[1]);
      g_usleep (g_rand_int_range (rand, 5, 150) * 1000);
      kill (pid, SIGKILL);
      waitpid (pid, NULL, 0);
      while ((n = read (fds[0], buf, sizeof buf)) > 0)
        g_string_append_len (got, buf, n);
      close (fds[0]);

      store = fc_store_new (path, NULL);
      g_assert_nonnull (store);
      integrity = fc_stmt_prepare (fc_store_get_db (store), "PRAGMA integrity_check", NULL);
      g_assert_true (fc_stmt_step (integrity, NULL));
      g_assert_cmpstr (fc_stmt_text (integrity, 0), ==, "ok");
      ids = g_strsplit (got->str, "\n", -1);
      for (int i = 0; ids[i] != NULL && ids[i][0] != '\0'; i++)
        {
          g_autoptr(FcStmt) q = fc_stmt_prepare (fc_store_get_db (store),
                                                 "SELECT count(*) FROM events WHERE id = ?", NULL);
          fc_stmt_bind_text (q, 1, ids[i]);
          g_assert_true (fc_stmt_step (q, NULL));
          g_assert_cmpint (fc_stmt_int64 (q, 0), ==, 1);
          total_reported++;
        }
      /* Projections agree with their events after the crash. */
      {
        g_autoptr(FcStmt) q = fc_stmt_prepare (fc_store_get_db (store),
                                               "SELECT count(*) FROM cases c WHERE n_events != "
                                               "(SELECT count(*) FROM events e WHERE e.case_id = c.id)",
                                               NULL);
        g_assert_true (fc_stmt_step (q, NULL));
        g_assert_cmpint (fc_stmt_int64 (q, 0), ==, 0);
      }
    }
  g_test_message ("%" G_GINT64_FORMAT " acknowledged events survived 25 kills", total_reported);
  g_assert_cmpint (total_reported, >, 0);
  g_rand_free (rand);
  fc_test_rmdir (dir);
}

static void
test_disk_full (Fixture *f, gconstpointer data)
{
  g_autofree char *id = open_case (f->store);
  sqlite3 *db = fc_store_get_db (f->store);
  g_autoptr(GError) error = NULL;
  g_autoptr(FcStmt) pc = fc_stmt_prepare (db, "PRAGMA page_count", NULL);
  g_autofree char *limit = NULL;
  g_autofree char *big = g_strnfill (3900, 'x');
  gint64 before;
  int failures = 0;

  g_assert_true (fc_stmt_step (pc, NULL));
  /* Let the file grow by only a few pages: the disk "fills up". */
  limit = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT, fc_stmt_int64 (pc, 0) + 3);
  g_clear_pointer (&pc, fc_stmt_free);
  g_assert_true (fc_db_exec (db, limit, NULL));
  for (int i = 0; i < 50 && failures == 0; i++)
    {
      g_autoptr(JsonObject) p = fc_test_payload ("text", big, NULL);
      g_autoptr(FcEvent) ev = NULL;

      before = count_rows (f->store, "events");
      ev = fc_store_record (f->store, id, FC_EV_NOTE_ADDED, p, "wang", &error);
      if (ev == NULL)
        {
          g_assert_error (error, FC_ERROR, FC_ERROR_FULL);
          /* The failed write left nothing half done. */
          g_assert_cmpint (count_rows (f->store, "events"), ==, before);
          failures++;
        }
    }
  g_assert_cmpint (failures, ==, 1);
  /* Space again: work goes on, and the projection is still right. */
  g_assert_true (fc_db_exec (db, "PRAGMA max_page_count = 1073741823", NULL));
  record_ok (f->store, id, FC_EV_CASE_RESPONDED);
  {
    g_autoptr(FcCase) c = fc_store_get_case (f->store, id, NULL);
    g_assert_cmpuint (fc_case_get_fold (c)->n_events, ==, count_rows (f->store, "events"));
  }
}

static void
test_sync_bookkeeping (Fixture *f, gconstpointer data)
{
  g_autofree char *id = open_case (f->store);
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GPtrArray) receipts = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_sync_receipt_free);
  g_autoptr(GPtrArray) rejected = NULL;
  g_autofree char *cursor = NULL;
  FcSyncReceipt *r;

  record_ok (f->store, id, FC_EV_CASE_RESPONDED);
  record_ok (f->store, id, FC_EV_NOTE_ADDED);
  pending = fc_store_list_pending (f->store, 0, NULL);
  g_assert_cmpuint (pending->len, ==, 3);
  r = g_new0 (FcSyncReceipt, 1);
  r->event_id = g_strdup (((FcEvent *) pending->pdata[0])->id);
  r->server_seq = 41;
  g_ptr_array_add (receipts, r);
  r = g_new0 (FcSyncReceipt, 1);
  r->event_id = g_strdup (((FcEvent *) pending->pdata[1])->id);
  r->reject_reason = g_strdup ("forbidden");
  g_ptr_array_add (receipts, r);
  g_assert_true (fc_store_apply_sync (f->store, receipts, NULL, "42", NULL));
  /* Applying the same answer again is harmless. */
  g_assert_true (fc_store_apply_sync (f->store, receipts, NULL, "42", NULL));
  g_assert_cmpint (fc_store_count_pending (f->store), ==, 1);
  rejected = fc_store_list_rejected (f->store, NULL);
  g_assert_cmpuint (rejected->len, ==, 1);
  g_assert_cmpstr (((FcEvent *) rejected->pdata[0])->reject_reason, ==, "forbidden");
  cursor = fc_store_get_meta (f->store, "sync.cursor");
  g_assert_cmpstr (cursor, ==, "42");
}

/* A step that arrives before its case was opened waits in the log, and the
 * case is not listed until its opening arrives. */
static void
test_step_before_opening (Fixture *f, gconstpointer data)
{
  g_autoptr(JsonObject) note = fc_test_step_payload (FC_EV_NOTE_ADDED);
  g_autoptr(JsonObject) opened = fc_test_step_payload (FC_EV_CASE_OPENED);
  const char *case_id = "018f0000-0000-7000-8000-0000000000dd";
  g_autoptr(FcEvent) late_open = NULL;
  g_autoptr(FcEvent) early_note = NULL;
  g_autoptr(GPtrArray) one = g_ptr_array_new ();
  FcCaseQuery all = { .filter = FC_CASE_FILTER_ALL };

  json_object_set_string_member (opened, "number", "FC-EARLY-1");
  late_open = fc_event_new ("018f0000-0000-7000-8000-0000000000d1", case_id, FC_EV_CASE_OPENED,
                            FC_HLC_MAKE (1000, 0), "dev-z", "li", opened);
  early_note = fc_event_new ("018f0000-0000-7000-8000-0000000000d2", case_id, FC_EV_NOTE_ADDED,
                             FC_HLC_MAKE (2000, 0), "dev-z", "li", note);
  g_ptr_array_add (one, early_note);
  g_assert_true (fc_store_ingest (f->store, one, FC_SYNC_REMOTE, NULL));
  g_assert_cmpint (fc_store_count_cases (f->store, &all, NULL), ==, 0);
  g_ptr_array_index (one, 0) = late_open;
  g_assert_true (fc_store_ingest (f->store, one, FC_SYNC_REMOTE, NULL));
  g_assert_cmpint (fc_store_count_cases (f->store, &all, NULL), ==, 1);
  {
    g_autoptr(GPtrArray) events = fc_store_list_events (f->store, case_id, NULL);
    g_assert_cmpuint (events->len, ==, 2);
    g_assert_false (((FcEvent *) events->pdata[1])->conflict);   /* the note now fits */
  }
}

typedef struct {
  const char *case_id;
  gboolean    fail_last;
} TwoSteps;

/* Two notes, then (when asked to) a step the flow refuses. */
static gboolean
two_steps_fn (FcStore  *store,
              gpointer  user_data,
              GError  **error)
{
  TwoSteps *t = user_data;
  g_autoptr(JsonObject) note = fc_test_step_payload (FC_EV_NOTE_ADDED);
  g_autoptr(FcEvent) a = fc_store_record (store, t->case_id, FC_EV_NOTE_ADDED, note, "wang", error);
  g_autoptr(FcEvent) b = a != NULL ? fc_store_record (store, t->case_id, FC_EV_NOTE_ADDED, note,
                                                      "wang", error) : NULL;

  if (b == NULL)
    return FALSE;
  if (t->fail_last)
    {
      g_autoptr(JsonObject) closed = fc_test_step_payload (FC_EV_CASE_CLOSED);
      g_autoptr(FcEvent) c = fc_store_record (store, t->case_id, FC_EV_CASE_CLOSED, closed,
                                              "wang", error);
      return c != NULL;
    }
  return TRUE;
}

static void
count_changed_cb (FcStore *store,
                  guint   *n)
{
  (*n)++;
}

/* Writes that stand or fall together: a refused last step takes the two
 * before it along; the case projection is as before; listeners hear
 * "changed". Then the same without the refusal keeps both. */
static void
test_atomically (Fixture *f, gconstpointer data)
{
  g_autofree char *id = open_case (f->store);
  g_autoptr(GError) error = NULL;
  g_autoptr(FcCase) before = fc_store_get_case (f->store, id, NULL);
  g_autoptr(FcCase) after = NULL;
  TwoSteps t = { id, TRUE };
  gint64 events = count_rows (f->store, "events");
  guint changed = 0;
  gulong handler = g_signal_connect (f->store, "changed", G_CALLBACK (count_changed_cb), &changed);

  g_assert_false (fc_store_atomically (f->store, two_steps_fn, &t, &error));
  g_assert_error (error, FC_ERROR, FC_ERROR_NOT_ALLOWED);
  g_clear_error (&error);
  g_assert_cmpint (count_rows (f->store, "events"), ==, events);
  after = fc_store_get_case (f->store, id, NULL);
  g_assert_cmpint (fc_case_get_fold (after)->n_events, ==, fc_case_get_fold (before)->n_events);
  g_assert_cmpuint (changed, >=, 1);
  g_assert_cmpint (fc_store_count_pending (f->store), ==, events);

  t.fail_last = FALSE;
  g_assert_true (fc_store_atomically (f->store, two_steps_fn, &t, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (f->store, "events"), ==, events + 2);
  /* And the store goes on writing on its own afterwards. */
  record_ok (f->store, id, FC_EV_NOTE_ADDED);
  g_assert_cmpint (count_rows (f->store, "events"), ==, events + 3);
  g_signal_handler_disconnect (f->store, handler);
}

/* Two connections to one store (the app and fieldcase-cli; HQ and its
 * admin command) share the device id, and ids derive from the stamp and
 * the device. With both clocks frozen at the same millisecond, every step
 * each records must still be stored, each with its own id. */
static void
test_two_connections_same_ms (Fixture *f, gconstpointer data)
{
  g_autoptr(FcClock) clock_a = fc_clock_new ();
  g_autoptr(FcClock) clock_b = fc_clock_new ();
  g_autoptr(FcStore) a = NULL;
  g_autoptr(FcStore) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *case_id = NULL;

  g_clear_object (&f->store);
  fc_clock_set_fixed_ms (clock_a, 1763800000000);
  fc_clock_set_fixed_ms (clock_b, 1763800000000);
  a = fc_store_new_with_clock (f->path, clock_a, &error);
  g_assert_no_error (error);
  b = fc_store_new_with_clock (f->path, clock_b, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fc_store_get_device_id (a), ==, fc_store_get_device_id (b));

  case_id = open_case (a);
  g_hash_table_add (ids, g_strdup (case_id));
  /* b has seen nothing of a's case yet. */
  {
    g_autofree char *other = open_case (b);
    g_assert_true (g_hash_table_add (ids, g_strdup (other)));
  }
  for (int i = 0; i < 6; i++)
    {
      g_autoptr(JsonObject) p = fc_test_payload ("text", "a note", NULL);
      g_autoptr(FcEvent) ev = fc_store_record (i % 2 == 0 ? a : b, case_id, FC_EV_NOTE_ADDED, p,
                                               "wang", &error);
      g_assert_no_error (error);
      g_assert_true (g_hash_table_add (ids, g_strdup (ev->id)));
    }
  g_assert_cmpint (count_rows (a, "events"), ==, 8);
  g_assert_cmpint (fc_store_count_pending (a), ==, 8);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(name, fn) g_test_add (name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/store/open-pragmas", test_open_pragmas);
  ADD ("/store/writer-pragmas", test_writer_pragmas);
  ADD ("/store/happy-path", test_happy_path);
  ADD ("/store/refusals-change-nothing", test_refusals_change_nothing);
  ADD ("/store/sql-text-literal", test_sql_text_stored_literally);
  ADD ("/store/van-stock", test_van_stock);
  ADD ("/store/blobs", test_blobs);
  ADD ("/store/out-of-order-arrival", test_out_of_order_arrival);
  ADD ("/store/disk-full", test_disk_full);
  ADD ("/store/sync-bookkeeping", test_sync_bookkeeping);
  ADD ("/store/step-before-opening", test_step_before_opening);
  ADD ("/store/atomically", test_atomically);
  ADD ("/store/two-connections-same-ms", test_two_connections_same_ms);
  g_test_add_func ("/store/migrations", test_migrations);
  g_test_add_func ("/store/kill9", test_kill9);
  return g_test_run ();
}
