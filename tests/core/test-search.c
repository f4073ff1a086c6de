/* test-search.c: full-text search in Chinese and English, and similar
 * past cases for a model and a symptom. */
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/search/chinese", Fixture, NULL, setup, test_chinese, teardown);
  g_test_add ("/search/english", Fixture, NULL, setup, test_english, teardown);
  g_test_add ("/search/query-syntax-is-text", Fixture, NULL, setup, test_query_syntax_is_text, teardown);
  g_test_add ("/search/similar-past-cases", Fixture, NULL, setup, test_similar_past_cases, teardown);
  g_test_add_func ("/search/bigrams", test_bigrams);
  return g_test_run ();
}
