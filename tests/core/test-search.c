/* test-search.c: full-text search in Chinese and English, similar past
 * cases for a model and a symptom, and search rows a first pull's
 * snapshot leaves for later (fc_store_index_pending), kill -9 included. */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fc-fts.h"
#include "fc-test-util.h"

typedef struct {
  char    *dir;
  FcStore *store;
} Fixture;

static char *
open_with (FcStore *store, const char *model, const char *description)
{
  g_autoptr(JsonObject) p = fc_test_step_payload (FC_EV_CASE_OPENED);

  json_object_set_string_member (p, "model", model);
  json_object_set_string_member (p, "description", description);
  return fc_store_open_case (store, p, "wang", NULL);
}

static void
add_kb (FcStore *store, const char *id, const char *model, const char *symptom, const char *fix)
{
  g_autoptr(FcStmt) a = fc_stmt_prepare (fc_store_get_db (store),
                                         "INSERT INTO kb_articles (id, model, symptom, fix) "
                                         "VALUES (?, ?, ?, ?)", NULL);
  g_autoptr(FcStmt) b = fc_stmt_prepare (fc_store_get_db (store),
                                         "INSERT INTO kb_fts (rowid, article_id, model, symptom, body) "
                                         "VALUES (last_insert_rowid(), ?, ?, ?, ?)", NULL);
  g_autofree char *s = fc_fts_index_text (symptom);
  g_autofree char *f = fc_fts_index_text (fix);

  fc_stmt_bind_text (a, 1, id);
  fc_stmt_bind_text (a, 2, model);
  fc_stmt_bind_text (a, 3, symptom);
  fc_stmt_bind_text (a, 4, fix);
  g_assert_true (fc_stmt_run (a, NULL));
  fc_stmt_bind_text (b, 1, id);
  fc_stmt_bind_text (b, 2, model);
  fc_stmt_bind_text (b, 3, s);
  fc_stmt_bind_text (b, 4, f);
  g_assert_true (fc_stmt_run (b, NULL));
}

static void
setup (Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL;

  f->dir = fc_test_tmpdir ();
  path = g_build_filename (f->dir, "search.db", NULL);
  f->store = fc_store_new (path, NULL);
  a = open_with (f->store, "KFR-35GW", "空调制冷效果不佳，出风口温度偏高");
  b = open_with (f->store, "P30", "Phone reboots repeatedly after the update");
  c = open_with (f->store, "X1", "电脑蓝屏，重启后仍然出现");
  d = open_with (f->store, "KFR-35GW", "Air conditioner cools poorly in the afternoon");
  add_kb (f->store, "kb-1", "KFR-35GW", "空调不制冷", "清洗过滤网，调整参数");
  add_kb (f->store, "kb-2", "P30", "Phone keeps rebooting", "Upgrade the system software");
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  fc_test_rmdir (f->dir);
  g_free (f->dir);
}

static gboolean
hits_contain (GPtrArray *hits, const char *needle)
{
  for (guint i = 0; i < hits->len; i++)
    if (strstr (((FcSearchHit *) hits->pdata[i])->title, needle) != NULL)
      return TRUE;
  return FALSE;
}

static void
test_chinese (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) hits = fc_store_search (f->store, "空调", 10, NULL);
  g_autoptr(GPtrArray) longer = fc_store_search (f->store, "制冷效果", 10, NULL);
  g_autoptr(GPtrArray) none = fc_store_search (f->store, "洗衣机", 10, NULL);
  g_autoptr(GPtrArray) blue = fc_store_search (f->store, "蓝屏", 10, NULL);

  /* The two-character word finds the case and the KB article. */
  g_assert_true (hits_contain (hits, "空调制冷效果不佳"));
  g_assert_true (hits_contain (hits, "空调不制冷"));
  g_assert_false (hits_contain (hits, "Phone"));
  g_assert_true (hits_contain (longer, "空调制冷效果不佳"));
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_true (hits_contain (blue, "电脑蓝屏"));
}

static void
test_english (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) hits = fc_store_search (f->store, "reboot", 10, NULL);
  g_autoptr(GPtrArray) ranked = fc_store_search (f->store, "cools poorly afternoon", 10, NULL);

  /* "reboot" finds "reboots" and "rebooting". */
  g_assert_true (hits_contain (hits, "Phone reboots"));
  g_assert_true (hits_contain (hits, "Phone keeps rebooting"));
  /* The best match ranks first. */
  g_assert_cmpuint (ranked->len, >, 0);
  g_assert_nonnull (strstr (((FcSearchHit *) ranked->pdata[0])->title, "afternoon"));
}

static void
test_query_syntax_is_text (Fixture *f, gconstpointer data)
{
  const char *nasty[] = { "\"", "NEAR(", "a OR", "*", "') OR 1=1 --", "^", "", "   ", "-x" };
  FcCaseQuery q = { .filter = FC_CASE_FILTER_ALL };

  for (gsize i = 0; i < G_N_ELEMENTS (nasty); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) hits = fc_store_search (f->store, nasty[i], 10, &error);

      g_assert_no_error (error);
      g_assert_nonnull (hits);
      q.text = nasty[i];
      g_assert_cmpint (fc_store_count_cases (f->store, &q, &error), >=, 0);
      g_assert_no_error (error);
    }
  q.text = "空调";
  g_assert_cmpint (fc_store_count_cases (f->store, &q, NULL), ==, 1);
}

static void
test_similar_past_cases (Fixture *f, gconstpointer data)
{
  g_autoptr(GPtrArray) similar = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  FcCaseQuery q = { .text = "空调" };

  /* Open cases are not "past" cases: only the KB article shows. */
  similar = fc_store_similar_cases (f->store, "KFR-35GW", "空调 制冷", 10, NULL);
  g_assert_true (hits_contain (similar, "空调不制冷"));
  g_assert_false (hits_contain (similar, "空调制冷效果不佳"));
  g_clear_pointer (&similar, g_ptr_array_unref);

  /* Once it is closed, it teaches the next engineer. */
  cases = fc_store_query_cases (f->store, &q, NULL);
  g_assert_cmpuint (cases->len, ==, 1);
  {
    g_autoptr(JsonObject) p = fc_test_step_payload (FC_EV_CASE_CANCELLED);
    g_autoptr(FcEvent) ev = fc_store_record (f->store, fc_case_get_id (cases->pdata[0]),
                                             FC_EV_CASE_CANCELLED, p, "wang", NULL);
    g_assert_nonnull (ev);
  }
  similar = fc_store_similar_cases (f->store, "KFR-35GW", "空调 制冷", 10, NULL);
  g_assert_true (hits_contain (similar, "空调制冷效果不佳"));
  g_clear_pointer (&similar, g_ptr_array_unref);
  /* Another model's articles stay out. */
  similar = fc_store_similar_cases (f->store, "P30", "空调", 10, NULL);
  g_assert_cmpuint (similar->len, ==, 0);
}

static void
test_bigrams (void)
{
  g_autofree char *a = fc_fts_index_text ("空调制冷 AC-0001 好");
  g_autofree char *q = fc_fts_match_query ("空调 \"x\" AC-00", "AND");

  g_assert_cmpstr (a, ==, " 空调 调制 制冷  AC-0001  好 ");
  g_assert_cmpstr (q, ==, "\"空调\"* AND \"x\"* AND \"AC 00\"*");
}


/* ---- Search rows left for later (a first pull's snapshot pages) ---- */

#define PEER "0193a0c0-0000-7000-8000-0000000000aa"

static const char *const zh_texts[] = { "空调制冷效果不佳", "洗衣机漏水严重", "电视无信号" };
static const char *const en_texts[] = { "Phone reboots repeatedly", "Fridge does not cool",
                                        "Laptop fan is noisy" };

/* Case @c as HQ's snapshot sends it: opened, responded, diagnosed, a note; Chinese or
 * English by turns, each with words of its own (case%d, 机型%d). */
static void
add_snapshot_case (GPtrArray *events,
                   int        c)
{
  gint64 ms = 1767225600000 + (gint64) c * 60000;
  g_autoptr(JsonObject) opened = fc_test_step_payload (FC_EV_CASE_OPENED);
  g_autoptr(JsonObject) responded = fc_test_step_payload (FC_EV_CASE_RESPONDED);
  g_autoptr(JsonObject) diag = fc_test_step_payload (FC_EV_DIAGNOSIS_RECORDED);
  g_autoptr(JsonObject) note = NULL;
  g_autofree char *number = g_strdup_printf ("FC-S%05d", c);
  g_autofree char *desc = g_strdup_printf ("%s case%d", c % 2 ? en_texts[c % 3] : zh_texts[c % 3], c);
  g_autofree char *text = g_strdup_printf ("客户来电 机型%d", c);
  g_autofree char *case_id = fc_event_id_derive (FC_HLC_MAKE (ms, 0), PEER);
  JsonObject *payloads[] = { opened, responded, diag, NULL };
  const char *types[] = { FC_EV_CASE_OPENED, FC_EV_CASE_RESPONDED, FC_EV_DIAGNOSIS_RECORDED,
                          FC_EV_NOTE_ADDED };

  json_object_set_string_member (opened, "number", number);
  json_object_set_string_member (opened, "description", desc);
  payloads[3] = note = fc_test_payload ("text", text, NULL);
  /* Texts JSON has to escape, and a payload HQ sent with \u escapes. */
  if (c % 10 == 3)
    json_object_set_string_member (note, "text", "空调 café “quoted” \"q\" back\\slash\ttab 😀");
  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      gint64 hlc = FC_HLC_MAKE (ms + i * 1000, 0);
      g_autofree char *id = fc_event_id_derive (hlc, PEER);
      FcEvent *ev = fc_event_new (id, case_id, types[i], hlc, PEER, "li", payloads[i]);

      /* As the parser keeps it: the stored payload is this very text. */
      ev->payload_text = fc_event_payload_to_string (ev);
      if (c % 10 == 3 && payloads[i] == note)
        {
          g_free (ev->payload_text);
          ev->payload_text = g_strdup ("{\"text\":\"\\u7a7a\\u8c03 caf\\u00e9 \\u201cquoted\\u201d "
                                       "\\\"q\\\" back\\\\slash\\ttab \\ud83d\\ude00\"}");
        }
      g_ptr_array_add (events, ev);
    }
}

static GPtrArray *
snapshot_events (int first,
                 int n)
{
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);

  for (int c = first; c < first + n; c++)
    add_snapshot_case (events, c);
  return events;
}

static void
apply_page (FcStore           *store,
            GPtrArray         *events,
            FcStoreApplyFlags  flags)
{
  g_autoptr(GPtrArray) inserted = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);
  g_autoptr(GError) error = NULL;

  g_assert_true (fc_store_apply_sync_quietly_full (store, NULL, events, NULL, flags, inserted,
                                                   &error));
  g_assert_no_error (error);
  fc_store_announce_applied (store, inserted, 0);
}

static gint64
count_sql (FcStore    *store,
           const char *sql)
{
  g_autoptr(FcStmt) stmt = fc_stmt_prepare (fc_store_get_db (store), sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_true (fc_stmt_step (stmt, NULL));
  return fc_stmt_int64 (stmt, 0);
}

static gint64
count_matches (FcStore    *store,
               const char *text)
{
  FcCaseQuery q = { .filter = FC_CASE_FILTER_ALL, .text = text };

  return fc_store_count_cases (store, &q, NULL);
}

/* Every case has exactly one search row, and it is the case's own. */
static void
assert_indexed_once (FcStore *store)
{
  g_assert_false (fc_store_has_index_pending (store));
  g_assert_cmpint (count_sql (store, "SELECT count(*) FROM case_fts"), ==,
                   count_sql (store, "SELECT count(*) FROM cases"));
  g_assert_cmpint (count_sql (store, "SELECT count(*) FROM cases c JOIN case_fts f "
                                     "ON f.rowid = c.fts_rowid AND f.case_id = c.id"), ==,
                   count_sql (store, "SELECT count(*) FROM cases"));
}

/* Each case's search row as text, in case order: what a search can see. */
static char *
search_rows (FcStore *store)
{
  g_autoptr(FcStmt) stmt = fc_stmt_prepare (fc_store_get_db (store),
                                            "SELECT c.id, f.title, f.body FROM cases c "
                                            "JOIN case_fts f ON f.rowid = c.fts_rowid "
                                            "ORDER BY c.id", NULL);
  GString *out = g_string_new (NULL);

  while (fc_stmt_step (stmt, NULL))
    g_string_append_printf (out, "%s|%s|%s\n", fc_stmt_text (stmt, 0), fc_stmt_text (stmt, 1),
                            fc_stmt_text (stmt, 2));
  return g_string_free (out, FALSE);
}

static FcStore *
new_store (const char *dir,
           const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  FcStore *store = fc_store_new (path, &error);

  g_assert_no_error (error);
  return store;
}

/* A snapshot page's cases are listed at once and found once the pass has
 * run: each indexed once, in chunks, with the text indexing them as they
 * arrived gives (Chinese bigrams and English stems alike). */
static void
test_deferred_snapshot (void)
{
  g_autofree char *dir = fc_test_tmpdir ();
  g_autoptr(FcStore) store = new_store (dir, "later.db");
  g_autoptr(FcStore) now = new_store (dir, "now.db");
  g_autoptr(GPtrArray) events = snapshot_events (0, 60);
  g_autoptr(GPtrArray) copy = snapshot_events (0, 60);
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *later_rows = NULL;
  g_autofree char *now_rows = NULL;
  FcCaseQuery all = { .filter = FC_CASE_FILTER_ALL };
  guint n, chunks = 0, total = 0;

  apply_page (store, events, FC_STORE_APPLY_DEFER_SEARCH);
  /* Listed and readable at once … */
  g_assert_cmpint (fc_store_count_cases (store, &all, NULL), ==, 60);
  {
    g_autoptr(FcCase) c = fc_store_get_case (store, "FC-S00007", &error);
    g_assert_no_error (error);
    g_assert_cmpint (fc_case_get_state (c), ==, FC_CASE_STATE_DIAGNOSING);
  }
  /* … not found yet. */
  g_assert_true (fc_store_has_index_pending (store));
  g_assert_cmpint (count_sql (store, "SELECT count(*) FROM cases WHERE fts_rowid = -1"), ==, 60);
  g_assert_cmpint (count_sql (store, "SELECT count(*) FROM case_fts"), ==, 0);
  g_assert_cmpint (count_matches (store, "制冷"), ==, 0);

  do
    {
      g_assert_true (fc_store_index_pending (store, 25, &n, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (n, <=, 25);
      total += n;
      chunks++;
    }
  while (n > 0);
  g_assert_cmpuint (total, ==, 60);
  g_assert_cmpuint (chunks, ==, 4);   /* 25 + 25 + 10, then none */
  assert_indexed_once (store);

  /* Chinese bigrams, English stems, numbers, in lists and in search. */
  g_assert_cmpint (count_matches (store, "制冷"), ==, 10);
  g_assert_cmpint (count_matches (store, "漏水"), ==, 10);
  g_assert_cmpint (count_matches (store, "reboot"), ==, 10);
  g_assert_cmpint (count_matches (store, "机型17"), ==, 1);
  g_assert_cmpint (count_matches (store, "FC-S00042"), ==, 1);
  g_assert_cmpint (count_matches (store, "filter clogged"), ==, 60);
  g_assert_cmpint (count_matches (store, "cafe quoted"), ==, 6);
  g_assert_cmpint (count_matches (store, "空调"), ==, 6 + 10);
  hits = fc_store_search (store, "fridge cool", 100, &error);
  g_assert_no_error (error);
  /* Any word: "cool" is in every diagnosis; both words rank first. */
  g_assert_cmpuint (hits->len, ==, 60);
  for (guint i = 0; i < 10; i++)
    g_assert_nonnull (strstr (((FcSearchHit *) hits->pdata[i])->title, "Fridge"));

  /* The very rows indexing with each page would have written. */
  apply_page (now, copy, FC_STORE_APPLY_NONE);
  g_assert_false (fc_store_has_index_pending (now));
  later_rows = search_rows (store);
  now_rows = search_rows (now);
  g_assert_cmpstr (later_rows, ==, now_rows);

  /* Nothing left: the pass is a no-op. */
  g_assert_true (fc_store_index_pending (store, 0, &n, &error));
  g_assert_cmpuint (n, ==, 0);
  g_clear_object (&store);
  g_clear_object (&now);
  fc_test_rmdir (dir);
}

static gint64
rows_of_case (FcStore    *store,
              const char *case_id)
{
  g_autoptr(FcStmt) stmt = fc_stmt_prepare (fc_store_get_db (store),
                                            "SELECT count(*) FROM case_fts WHERE case_id = ?", NULL);

  fc_stmt_bind_text (stmt, 1, case_id);
  g_assert_true (fc_stmt_step (stmt, NULL));
  return fc_stmt_int64 (stmt, 0);
}

static gboolean
finds (FcStore    *store,
       const char *text,
       const char *case_id)
{
  FcCaseQuery q = { .filter = FC_CASE_FILTER_ALL, .text = text };
  g_autoptr(GPtrArray) ids = fc_store_query_case_ids (store, &q, NULL);

  for (guint i = 0; ids != NULL && i < ids->len; i++)
    if (g_str_equal (g_ptr_array_index (ids, i), case_id))
      return TRUE;
  return FALSE;
}

static FcEvent *
peer_note (const char *case_id,
           gint64      ms,
           const char *text)
{
  g_autoptr(JsonObject) p = fc_test_payload ("text", text, NULL);
  g_autofree char *id = fc_event_id_derive (FC_HLC_MAKE (ms, 0), PEER);

  return fc_event_new (id, case_id, FC_EV_NOTE_ADDED, FC_HLC_MAKE (ms, 0), PEER, "li", p);
}

/* A case refolded while its search row waits ends up indexed exactly once,
 * with the text it has then: a new deadline policy and a later snapshot
 * page keep it waiting, and the pass sees its new events; a step recorded
 * here, or a page of the log, indexes it at once. A case already indexed is indexed again
 * at once by a snapshot page, never left behind. */
static void
test_deferred_refold (void)
{
  g_autofree char *dir = fc_test_tmpdir ();
  g_autoptr(FcStore) store = new_store (dir, "refold.db");
  g_autoptr(GPtrArray) page1 = snapshot_events (0, 4);
  g_autoptr(GPtrArray) page2 = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);
  g_autoptr(GPtrArray) page3 = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);
  g_autoptr(GPtrArray) log = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);
  g_autoptr(JsonObject) p = fc_test_payload ("text", "压缩机异响 compressor rattles", NULL);
  g_autoptr(FcEvent) local = NULL;
  g_autoptr(GError) error = NULL;
  const char *a = ((FcEvent *) page1->pdata[0])->case_id;
  const char *b = ((FcEvent *) page1->pdata[4])->case_id;
  const char *c = ((FcEvent *) page1->pdata[8])->case_id;
  const char *d = ((FcEvent *) page1->pdata[12])->case_id;
  gint64 later = 1767225600000 + 86400000;
  guint n;

  apply_page (store, page1, FC_STORE_APPLY_DEFER_SEARCH);
  g_assert_cmpint (count_sql (store, "SELECT count(*) FROM cases WHERE fts_rowid = -1"), ==, 4);
  /* A new deadline policy refolds every open case: they keep waiting. */
  {
    g_autofree char *policy = fc_sla_policy_to_json (fc_store_get_sla_policy (store));
    g_assert_true (fc_store_set_sla_policy_json (store, policy, &error));
    g_assert_no_error (error);
    g_assert_cmpint (count_sql (store, "SELECT count(*) FROM cases WHERE fts_rowid = -1"), ==, 4);
    g_assert_cmpint (count_sql (store, "SELECT count(*) FROM case_fts"), ==, 0);
  }

  /* A: the engineer records a step: indexed now, with it. */
  local = fc_store_record (store, a, FC_EV_NOTE_ADDED, p, "wang", &error);
  g_assert_no_error (error);
  g_assert_cmpint (rows_of_case (store, a), ==, 1);
  g_assert_true (finds (store, "compressor", a));
  g_assert_true (finds (store, "异响", a));
  g_assert_true (finds (store, "case0", a));

  /* B: the rest of a cut case comes in the next snapshot page: it waits. */
  g_ptr_array_add (page2, peer_note (b, later, "更换电源板 power board replaced"));
  apply_page (store, page2, FC_STORE_APPLY_DEFER_SEARCH);
  g_assert_cmpint (rows_of_case (store, b), ==, 0);
  g_assert_false (finds (store, "power", b));

  /* C: a page of the log after the snapshot: indexed at once. */
  g_ptr_array_add (log, peer_note (c, later + 1000, "客户满意 thermostat swapped"));
  apply_page (store, log, FC_STORE_APPLY_NONE);
  g_assert_cmpint (rows_of_case (store, c), ==, 1);
  g_assert_true (finds (store, "thermostat", c));

  /* The pass does what is left (B and D), and only that. */
  g_assert_true (fc_store_index_pending (store, 0, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2);
  assert_indexed_once (store);
  g_assert_true (finds (store, "power", b));
  g_assert_true (finds (store, "电源", b));
  g_assert_true (finds (store, "case3", d));

  /* D, indexed, gets more in a snapshot page (a second pull): indexed again
   * at once, in its own row. */
  g_ptr_array_add (page3, peer_note (d, later + 2000, "sensor recalibrated"));
  apply_page (store, page3, FC_STORE_APPLY_DEFER_SEARCH);
  g_assert_false (fc_store_has_index_pending (store));
  g_assert_true (finds (store, "recalibrated", d));
  g_assert_true (finds (store, "case3", d));
  assert_indexed_once (store);
  g_clear_object (&store);
  fc_test_rmdir (dir);
}

/* A payload that no longer reads (a damaged file) leaves only itself out:
 * the pass goes on, the case is found by its other events. */
static void
test_deferred_damaged_payload (void)
{
  g_autofree char *dir = fc_test_tmpdir ();
  g_autoptr(FcStore) store = new_store (dir, "damaged.db");
  g_autoptr(GPtrArray) events = snapshot_events (0, 3);
  g_autoptr(FcStmt) damage = NULL;
  g_autoptr(GError) error = NULL;
  const char *note_id = ((FcEvent *) events->pdata[3])->id;
  guint n;

  apply_page (store, events, FC_STORE_APPLY_DEFER_SEARCH);
  damage = fc_stmt_prepare (fc_store_get_db (store),
                            "UPDATE events SET payload = '{\"text\": \"机型' WHERE id = ?", NULL);
  fc_stmt_bind_text (damage, 1, note_id);
  g_assert_true (fc_stmt_run (damage, NULL));
  g_assert_true (fc_store_index_pending (store, 0, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 3);
  assert_indexed_once (store);
  g_assert_cmpint (count_matches (store, "case0"), ==, 1);
  g_assert_cmpint (count_matches (store, "机型0"), ==, 0);
  g_assert_cmpint (count_matches (store, "机型1"), ==, 1);
  g_clear_object (&store);
  fc_test_rmdir (dir);
}

/* The child runs the pass in small chunks; the parent kills it with
 * SIGKILL at a random moment. */
static void
child_index_pending (const char *path)
{
  g_autoptr(FcStore) store = fc_store_new (path, NULL);
  guint n;

  do
    if (!fc_store_index_pending (store, 40, &n, NULL))
      _exit (3);
  while (n > 0);
  _exit (0);
}

static void
test_deferred_kill9 (void)
{
  g_autofree char *dir = fc_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "kill.db", NULL);
  GRand *rand = g_rand_new_with_seed (4242);
  guint cut_short = 0, mid_pass = 0;

  for (int round = 0; round < 12; round++)
    {
      g_autoptr(FcStore) store = NULL;
      g_autoptr(GPtrArray) events = snapshot_events (round * 1000, 1000);
      g_autoptr(FcStmt) integrity = NULL;
      gint64 indexed;
      pid_t pid;
      int status = 0;

      store = fc_store_new (path, NULL);
      apply_page (store, events, FC_STORE_APPLY_DEFER_SEARCH);
      /* SQLite connections do not cross fork(). */
      g_clear_object (&store);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        child_index_pending (path);
      g_usleep (g_rand_int_range (rand, 1, 60) * 1000);
      kill (pid, SIGKILL);
      waitpid (pid, &status, 0);
      if (WIFSIGNALED (status))
        cut_short++;

      store = fc_store_new (path, NULL);
      g_assert_nonnull (store);
      integrity = fc_stmt_prepare (fc_store_get_db (store), "PRAGMA integrity_check", NULL);
      g_assert_true (fc_stmt_step (integrity, NULL));
      g_assert_cmpstr (fc_stmt_text (integrity, 0), ==, "ok");
      g_clear_pointer (&integrity, fc_stmt_free);
      /* What the kill left: each case indexed once or still waiting. */
      indexed = count_sql (store, "SELECT count(*) FROM cases WHERE fts_rowid > 0");
      g_assert_cmpint (count_sql (store, "SELECT count(*) FROM case_fts"), ==, indexed);
      g_assert_cmpint (count_sql (store, "SELECT count(*) FROM cases WHERE fts_rowid = -1"), ==,
                       count_sql (store, "SELECT count(*) FROM cases") - indexed);
      if (count_sql (store, "SELECT count(*) FROM cases WHERE fts_rowid = -1") > 0 &&
          indexed > round * 1000)
        mid_pass++;
      /* Run again, it finishes the job. */
      do
        {
          guint n;
          g_assert_true (fc_store_index_pending (store, 500, &n, NULL));
          if (n == 0)
            break;
        }
      while (TRUE);
      assert_indexed_once (store);
      g_assert_cmpint (count_matches (store, "制冷"), ==, ((round + 1) * 1000 + 5) / 6);
    }
  g_test_message ("%u of 12 passes killed, %u of them half-way", cut_short, mid_pass);
  g_assert_cmpuint (mid_pass, >, 0);
  g_rand_free (rand);
  fc_test_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/search/chinese", Fixture, NULL, setup, test_chinese, teardown);
  g_test_add ("/search/english", Fixture, NULL, setup, test_english, teardown);
  g_test_add ("/search/query-syntax-is-text", Fixture, NULL, setup, test_query_syntax_is_text, teardown);
  g_test_add ("/search/similar-past-cases", Fixture, NULL, setup, test_similar_past_cases, teardown);
  g_test_add_func ("/search/bigrams", test_bigrams);
  g_test_add_func ("/search/deferred/snapshot", test_deferred_snapshot);
  g_test_add_func ("/search/deferred/refold-while-pending", test_deferred_refold);
  g_test_add_func ("/search/deferred/damaged-payload", test_deferred_damaged_payload);
  g_test_add_func ("/search/deferred/kill9", test_deferred_kill9);
  return g_test_run ();
}
