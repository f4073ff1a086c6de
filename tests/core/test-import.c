/* test-import.c: reference data import (CSV and JSON) and the lookups that
 * read it back: quoting, BOM, line endings, every kind of bad row with its
 * line, all or nothing, upserts, limits. */
#include <string.h>

#include "fc-test-util.h"

/* 2026-11-22T10:00:00Z */
#define NOW_MS G_GINT64_CONSTANT (1795341600000)

typedef struct {
  char    *dir;
  FcClock *clock;
  FcStore *store;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  f->dir = fc_test_tmpdir ();
  path = g_build_filename (f->dir, "import.db", NULL);
  f->clock = fc_clock_new ();
  fc_clock_set_fixed_ms (f->clock, NOW_MS);
  f->store = fc_store_new_with_clock (path, f->clock, &error);
  g_assert_no_error (error);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->store);
  g_clear_object (&f->clock);
  fc_test_rmdir (f->dir);
  g_free (f->dir);
}

static void
import_csv_ok (Fixture *f, FcRefKind kind, const char *csv)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fc_store_import_csv (f->store, kind, csv, strlen (csv), &error));
  g_assert_no_error (error);
}

static void
import_json_ok (Fixture *f, FcRefKind kind, const char *json)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fc_store_import_json (f->store, kind, json, strlen (json), &error));
  g_assert_no_error (error);
}

/* Every reference table, as text, to compare before and after. */
static char *
dump_tables (Fixture *f)
{
  static const char *const queries[] = {
    "SELECT model, name, category, warranty_months FROM models ORDER BY 1",
    "SELECT serial, gtin, model, customer_id, sale_date, warranty_end FROM installed ORDER BY 1",
    "SELECT id, name, phone, address FROM customers ORDER BY 1",
    "SELECT part_number, gtin, name, models FROM parts ORDER BY 1",
    "SELECT part_number, quantity FROM van_stock ORDER BY 1",
    "SELECT rowid, id, model, symptom, cause, fix FROM kb_articles ORDER BY 1",
    "SELECT rowid, article_id, model, symptom, body FROM kb_fts ORDER BY 1",
  };
  GString *out = g_string_new (NULL);

  for (gsize q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      g_autoptr(FcStmt) stmt = fc_stmt_prepare (fc_store_get_db (f->store), queries[q], NULL);
      g_assert_nonnull (stmt);
      while (fc_stmt_step (stmt, NULL))
        {
          for (int c = 0; c < sqlite3_column_count (stmt->stmt); c++)
            g_string_append_printf (out, "%s|", fc_stmt_text (stmt, c) ? fc_stmt_text (stmt, c) : "∅");
          g_string_append_c (out, '\n');
        }
      g_string_append (out, "--\n");
    }
  return g_string_free (out, FALSE);
}

static gint64
count_rows (Fixture *f, const char *table_sql)
{
  g_autoptr(FcStmt) stmt = fc_stmt_prepare (fc_store_get_db (f->store), table_sql, NULL);

  g_assert_nonnull (stmt);
  g_assert_true (fc_stmt_step (stmt, NULL));
  return fc_stmt_int64 (stmt, 0);
}

static const char *models_csv =
  "model,name,category,warranty_months\n"
  "KFR-35GW,\"Split air conditioner 1.5 HP\",climate,36\n"
  "P30,Smartphone P30,phone,12\n"
  "X1,\"Laptop X1, 14\"\"\",pc,24\n";

static const char *installed_csv =
  "serial,gtin,model,customer_id,sale_date,warranty_end\n"
  "AC-0001,6901234567892,KFR-35GW,cu-1,2025-06-01,2028-06-01\n"
  "AC-0002,,KFR-35GW,cu-2,2023-01-10,\n"          /* 36 months from the model: ended */
  "PH-0001,6901234567809,P30,cu-1,2026-03-01,\n"  /* 12 months from the model: valid */
  "PH-0002,6901234567809,P30,,2020-01-01,2021-01-01\n";

static const char *customers_csv =
  "id,name,phone,address\n"
  "cu-1,张三,13800000001,\"北京市朝阳区, 1号\"\n"
  "cu-2,Li Si,,\n";

static void
seed (Fixture *f)
{
  import_csv_ok (f, FC_REF_MODELS, models_csv);
  import_csv_ok (f, FC_REF_INSTALLED, installed_csv);
  import_csv_ok (f, FC_REF_CUSTOMERS, customers_csv);
  import_csv_ok (f, FC_REF_PARTS, "part_number,name,gtin,models\n"
                                  "P-FILTER-35,Air filter,4006381333931,KFR-35GW\n"
                                  "P-BOARD-P30,Main board,,P30\n");
  import_csv_ok (f, FC_REF_VAN_STOCK, "part_number,quantity\nP-FILTER-35,4\n");
}

static void
test_kind_names (void)
{
  FcRefKind kind = FC_REF_MODELS;

  for (FcRefKind k = FC_REF_MODELS; k <= FC_REF_KB; k++)
    {
      g_assert_true (fc_ref_kind_from_string (fc_ref_kind_to_string (k), &kind));
      g_assert_cmpint (kind, ==, k);
    }
  g_assert_true (fc_ref_kind_from_string ("van-stock", &kind));
  g_assert_cmpint (kind, ==, FC_REF_VAN_STOCK);
  g_assert_false (fc_ref_kind_from_string ("cases", &kind));
  g_assert_false (fc_ref_kind_from_string (NULL, &kind));
}

static void
test_csv_quoting (Fixture *f, gconstpointer data)
{
  /* BOM, CRLF, columns in another order, a quoted comma, a doubled quote,
   * a quoted line break, a blank line and no final line break. */
  const char *csv = "\xEF\xBB\xBF" "name,model\r\n"
                    "\"Tower, \"\"quiet\"\"\",T-1\r\n"
                    "\r\n"
                    "\"two\nlines\",T-2";
  g_autoptr(FcStmt) stmt = NULL;

  import_csv_ok (f, FC_REF_MODELS, csv);
  stmt = fc_stmt_prepare (fc_store_get_db (f->store),
                          "SELECT model, name, warranty_months FROM models ORDER BY model", NULL);
  g_assert_true (fc_stmt_step (stmt, NULL));
  g_assert_cmpstr (fc_stmt_text (stmt, 0), ==, "T-1");
  g_assert_cmpstr (fc_stmt_text (stmt, 1), ==, "Tower, \"quiet\"");
  g_assert_cmpint (fc_stmt_int64 (stmt, 2), ==, 12);   /* the column default */
  g_assert_true (fc_stmt_step (stmt, NULL));
  g_assert_cmpstr (fc_stmt_text (stmt, 1), ==, "two\nlines");
  g_assert_false (fc_stmt_step (stmt, NULL));
}

static void
test_csv_header_only (Fixture *f, gconstpointer data)
{
  import_csv_ok (f, FC_REF_VAN_STOCK, "part_number,quantity\n");
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM van_stock"), ==, 0);
}

static void
test_lookup_serial (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) a = NULL, b = NULL, c = NULL, d = NULL, none = NULL;

  seed (f);
  a = fc_store_lookup_serial (f->store, "AC-0001", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (a, "model"), ==, "KFR-35GW");
  g_assert_cmpstr (json_object_get_string_member (a, "model_name"), ==, "Split air conditioner 1.5 HP");
  g_assert_cmpstr (json_object_get_string_member (a, "customer_name"), ==, "张三");
  g_assert_cmpstr (json_object_get_string_member (a, "gtin"), ==, "6901234567892");
  g_assert_cmpstr (json_object_get_string_member (a, "sale_date"), ==, "2025-06-01");
  g_assert_true (json_object_get_boolean_member (a, "in_warranty"));

  /* No end date: the sale date plus the model's months. */
  b = fc_store_lookup_serial (f->store, "AC-0002", NULL);
  g_assert_cmpstr (json_object_get_string_member (b, "warranty_end"), ==, "2026-01-10");
  g_assert_false (json_object_get_boolean_member (b, "in_warranty"));
  c = fc_store_lookup_serial (f->store, "PH-0001", NULL);
  g_assert_true (json_object_get_boolean_member (c, "in_warranty"));
  d = fc_store_lookup_serial (f->store, "PH-0002", NULL);
  g_assert_false (json_object_get_boolean_member (d, "in_warranty"));
  g_assert_true (json_object_get_null_member (d, "customer_id"));

  /* The clock decides: a year on, AC-0001 is still covered, PH-0001 not. */
  fc_clock_advance_ms (f->clock, G_GINT64_CONSTANT (365) * 86400000);
  g_clear_pointer (&a, json_object_unref);
  g_clear_pointer (&c, json_object_unref);
  a = fc_store_lookup_serial (f->store, "AC-0001", NULL);
  c = fc_store_lookup_serial (f->store, "PH-0001", NULL);
  g_assert_true (json_object_get_boolean_member (a, "in_warranty"));
  g_assert_false (json_object_get_boolean_member (c, "in_warranty"));

  none = fc_store_lookup_serial (f->store, "NOPE", &error);
  g_assert_null (none);
  g_assert_error (error, FC_ERROR, FC_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "NOPE"));
}

static void
test_lookup_gtin_part_customer (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) unit = NULL, part = NULL, part2 = NULL, cust = NULL;
  g_autoptr(JsonObject) ambiguous = NULL, missing = NULL;

  seed (f);
  unit = fc_store_lookup_gtin (f->store, "6901234567892", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (unit, "serial"), ==, "AC-0001");

  /* Two phones carry the same GTIN: it cannot name one unit. */
  ambiguous = fc_store_lookup_gtin (f->store, "6901234567809", &error);
  g_assert_null (ambiguous);
  g_assert_error (error, FC_ERROR, FC_ERROR_NOT_FOUND);
  g_clear_error (&error);

  part = fc_store_lookup_part (f->store, "P-FILTER-35", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (part, "name"), ==, "Air filter");
  g_assert_cmpint (json_object_get_int_member (part, "van_quantity"), ==, 4);
  part2 = fc_store_lookup_part (f->store, "4006381333931", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (part2, "part_number"), ==, "P-FILTER-35");
  g_clear_pointer (&part2, json_object_unref);
  part2 = fc_store_lookup_part (f->store, "P-BOARD-P30", &error);
  g_assert_cmpint (json_object_get_int_member (part2, "van_quantity"), ==, 0);
  g_assert_true (json_object_get_null_member (part2, "gtin"));

  cust = fc_store_lookup_customer (f->store, "cu-1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (cust, "phone"), ==, "13800000001");
  g_assert_cmpstr (json_object_get_string_member (cust, "address"), ==, "北京市朝阳区, 1号");

  missing = fc_store_lookup_part (f->store, "P-NONE", &error);
  g_assert_null (missing);
  g_assert_error (error, FC_ERROR, FC_ERROR_NOT_FOUND);
  g_clear_error (&error);
  missing = fc_store_lookup_customer (f->store, "cu-9", &error);
  g_assert_null (missing);
  g_assert_error (error, FC_ERROR, FC_ERROR_NOT_FOUND);
  g_clear_error (&error);
  missing = fc_store_lookup_gtin (f->store, "", &error);
  g_assert_null (missing);
  g_assert_error (error, FC_ERROR, FC_ERROR_INVALID);
}

/* A bad file, the error code and the start of the message it must give. */
typedef struct {
  FcRefKind   kind;
  const char *csv;
  FcError     code;
  const char *message;
} BadCsv;

static const BadCsv bad_csvs[] = {
  { FC_REF_INSTALLED, "serial,model,sale_date\nA,M,2024-02-28\nB,M,2024-02-30\n",
    FC_ERROR_INVALID, "line 3: column 'sale_date': '2024-02-30' is not a date" },
  { FC_REF_INSTALLED, "serial,model,warranty_end\nA,M,24-01-01\n",
    FC_ERROR_INVALID, "line 2: column 'warranty_end': '24-01-01' is not a date" },
  { FC_REF_INSTALLED, "serial,model,gtin\nA,M,6901234567892\nB,M,6901234567891\n",
    FC_ERROR_INVALID, "line 3: column 'gtin': '6901234567891' is not a GTIN" },
  { FC_REF_PARTS, "part_number,name,gtin\nP,Filter,69012345678X2\n",
    FC_ERROR_INVALID, "line 2: column 'gtin': '69012345678X2' is not a GTIN" },
  { FC_REF_VAN_STOCK, "part_number,quantity\nP,-1\n",
    FC_ERROR_INVALID, "line 2: column 'quantity': '-1' is not a whole number from 0" },
  { FC_REF_VAN_STOCK, "part_number,quantity\nP,1.5\n",
    FC_ERROR_INVALID, "line 2: column 'quantity': '1.5' is not a whole number" },
  { FC_REF_VAN_STOCK, "part_number,quantity\nP,99999999999999999999\n",
    FC_ERROR_INVALID, "line 2: column 'quantity'" },
  { FC_REF_VAN_STOCK, "part_number,quantity,colour\nP,1,red\n",
    FC_ERROR_INVALID, "line 1: unknown column 'colour' for van_stock" },
  { FC_REF_INSTALLED, "serial,gtin\nA,\n",
    FC_ERROR_INVALID, "line 1: missing column 'model'" },
  { FC_REF_MODELS, "model,name,model\nA,B,C\n",
    FC_ERROR_INVALID, "line 1: column 'model' appears twice" },
  { FC_REF_MODELS, "model,name\nA,Air\n,Nameless\n",
    FC_ERROR_INVALID, "line 3: column 'model': a value is required" },
  { FC_REF_MODELS, "model,name\nA,Air\nB,Bee,extra\n",
    FC_ERROR_INVALID, "line 3: 3 fields, but the header has 2" },
  { FC_REF_MODELS, "model,name\nA,\"Air\nB,Bee\n",
    FC_ERROR_INVALID, "line 2: a quoted field is never closed" },
  { FC_REF_MODELS, "model,name\nA,Air\nB,12\" screen\n",
    FC_ERROR_INVALID, "line 3: a quote inside an unquoted field" },
  { FC_REF_MODELS, "model,name\n\"A\"x,Air\n",
    FC_ERROR_INVALID, "line 2: a closing quote must end the field" },
  { FC_REF_MODELS, "model,name\nA,\"multi\nline\"\nB,\xff\xfe\n",
    FC_ERROR_INVALID, "line 4: column 'name': (not UTF-8) is not valid UTF-8" },
  { FC_REF_MODELS, "model,name,warranty_months\nA,Air,601\n",
    FC_ERROR_INVALID, "line 2: column 'warranty_months': '601' is not a whole number" },
  { FC_REF_MODELS, "model,name\nA\x01,Air\n",
    FC_ERROR_INVALID, "line 2: column 'model'" },
  { FC_REF_CUSTOMERS, "id,name,phone\nc1,Zhang,\"138\x02\"\n",
    /* personal data is never echoed back */
    FC_ERROR_INVALID, "line 2: column 'phone': (personal data, not shown) contains control" },
  { FC_REF_MODELS, "",
    FC_ERROR_INVALID, "line 1: the header row is missing" },
};

static void
assert_bad_csv (Fixture *f, const BadCsv *bad)
{
  g_autoptr(GError) error = NULL;

  g_test_message ("bad CSV: %s", bad->message);
  g_assert_false (fc_store_import_csv (f->store, bad->kind, bad->csv, strlen (bad->csv), &error));
  g_assert_error (error, FC_ERROR, (gint) bad->code);
  if (!g_str_has_prefix (error->message, bad->message))
    g_error ("expected “%s…”, got “%s”", bad->message, error->message);
}

static void
test_csv_errors (Fixture *f, gconstpointer data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  seed (f);
  before = dump_tables (f);
  for (gsize i = 0; i < G_N_ELEMENTS (bad_csvs); i++)
    assert_bad_csv (f, &bad_csvs[i]);
  after = dump_tables (f);
  g_assert_cmpstr (before, ==, after);
}

static void
test_text_too_long (Fixture *f, gconstpointer data)
{
  g_autoptr(GString) csv = g_string_new ("id,symptom\nkb-1,");
  g_autoptr(GError) error = NULL;

  /* 4000 characters (12000 bytes of Chinese) are fine; 4001 are not. */
  for (int i = 0; i < 4000; i++)
    g_string_append (csv, "空");
  import_csv_ok (f, FC_REF_KB, csv->str);
  g_string_append (csv, "调\n");
  g_assert_false (fc_store_import_csv (f->store, FC_REF_KB, csv->str, csv->len, &error));
  g_assert_error (error, FC_ERROR, FC_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "line 2: column 'symptom': longer than 4000 characters");
}

/* A bad last row undoes the good rows before it, inserts and updates. */
static void
test_all_or_nothing (Fixture *f, gconstpointer data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) csv = g_string_new ("serial,model,sale_date\n"
                                         "AC-0001,CHANGED,2020-01-01\n");
  const char *bad_kb = "[{\"id\": \"kb-1\", \"symptom\": \"replaced\"},"
                       " {\"id\": \"kb-2\", \"symptom\": \"\"}]";

  seed (f);
  import_csv_ok (f, FC_REF_KB, "id,model,symptom,cause,fix\n"
                               "kb-1,KFR-35GW,空调制冷效果不佳,过滤网堵塞,清洗过滤网\n");
  before = dump_tables (f);
  for (int i = 0; i < 1000; i++)
    g_string_append_printf (csv, "NEW-%04d,KFR-35GW,2025-01-01\n", i);
  g_string_append (csv, "BAD,KFR-35GW,2025-13-01\n");
  g_assert_false (fc_store_import_csv (f->store, FC_REF_INSTALLED, csv->str, csv->len, &error));
  g_assert_error (error, FC_ERROR, FC_ERROR_INVALID);
  g_assert_true (g_str_has_prefix (error->message, "line 1003: column 'sale_date'"));
  g_clear_error (&error);

  /* The same for JSON and for the knowledge base with its search rows. */
  g_assert_false (fc_store_import_json (f->store, FC_REF_KB, bad_kb, strlen (bad_kb), &error));
  g_assert_error (error, FC_ERROR, FC_ERROR_INVALID);
  after = dump_tables (f);
  g_assert_cmpstr (before, ==, after);

  /* And the store still takes a good import afterwards. */
  import_csv_ok (f, FC_REF_VAN_STOCK, "part_number,quantity\nP-FILTER-35,5\n");
}

static void
test_upsert (Fixture *f, gconstpointer data)
{
  g_autoptr(FcStmt) stmt = NULL;

  seed (f);
  /* Only name and model: category and warranty months are kept. */
  import_csv_ok (f, FC_REF_MODELS, "model,name\nKFR-35GW,Split AC 1.5 HP (2025)\nNEW-1,New\n");
  stmt = fc_stmt_prepare (fc_store_get_db (f->store),
                          "SELECT name, category, warranty_months FROM models WHERE model = 'KFR-35GW'",
                          NULL);
  g_assert_true (fc_stmt_step (stmt, NULL));
  g_assert_cmpstr (fc_stmt_text (stmt, 0), ==, "Split AC 1.5 HP (2025)");
  g_assert_cmpstr (fc_stmt_text (stmt, 1), ==, "climate");
  g_assert_cmpint (fc_stmt_int64 (stmt, 2), ==, 36);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM models"), ==, 4);

  /* An empty cell clears; the same key twice in one file: the last wins. */
  import_csv_ok (f, FC_REF_INSTALLED, "serial,model,customer_id\n"
                                      "AC-0001,KFR-35GW,\nAC-0001,KFR-35GW,cu-2\nAC-0002,KFR-35GW,\n");
  g_clear_pointer (&stmt, fc_stmt_free);
  stmt = fc_stmt_prepare (fc_store_get_db (f->store),
                          "SELECT serial, customer_id, sale_date FROM installed "
                          "WHERE serial IN ('AC-0001', 'AC-0002') ORDER BY 1", NULL);
  g_assert_true (fc_stmt_step (stmt, NULL));
  g_assert_cmpstr (fc_stmt_text (stmt, 1), ==, "cu-2");
  g_assert_cmpstr (fc_stmt_text (stmt, 2), ==, "2025-06-01");
  g_assert_true (fc_stmt_step (stmt, NULL));
  g_assert_null (fc_stmt_text (stmt, 1));
}

static gboolean
search_finds (Fixture *f, const char *text, const char *id)
{
  g_autoptr(GPtrArray) hits = fc_store_search (f->store, text, 20, NULL);

  g_assert_nonnull (hits);
  for (guint i = 0; i < hits->len; i++)
    {
      FcSearchHit *hit = g_ptr_array_index (hits, i);
      if (g_str_equal (hit->kind, "kb") && g_str_equal (hit->id, id))
        return TRUE;
    }
  return FALSE;
}

static void
test_kb_search_rows (Fixture *f, gconstpointer data)
{
  import_csv_ok (f, FC_REF_KB, "id,model,symptom,cause,fix\n"
                               "kb-1,KFR-35GW,空调制冷效果不佳,过滤网堵塞,清洗过滤网，调整参数\n"
                               "kb-2,P30,Phone reboots repeatedly,system bug,upgrade the system\n");
  g_assert_true (search_finds (f, "空调", "kb-1"));
  g_assert_true (search_finds (f, "过滤网", "kb-1"));   /* from the cause + fix body */
  g_assert_true (search_finds (f, "reboot", "kb-2"));
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM kb_fts"), ==, 2);

  /* Replacing an article replaces its search row: old words are gone. */
  import_json_ok (f, FC_REF_KB, "[{\"id\": \"kb-2\", \"model\": \"P30\", "
                                "\"symptom\": \"Screen flickers\", \"fix\": \"replace the cable\"}]");
  g_assert_false (search_finds (f, "reboot", "kb-2"));
  g_assert_true (search_finds (f, "flickers", "kb-2"));
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM kb_fts"), ==, 2);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM kb_fts WHERE kb_fts MATCH 'cable'"), ==, 1);
}

static void
test_json (Fixture *f, gconstpointer data)
{
  g_autoptr(JsonObject) part = NULL;
  g_autoptr(JsonObject) unit = NULL;

  import_json_ok (f, FC_REF_PARTS, "[{\"part_number\": \"P-1\", \"name\": \"Fan\", \"gtin\": null},"
                                   " {\"part_number\": \" P-2 \", \"name\": \"Belt\", \"models\": \"X1\"}]");
  import_json_ok (f, FC_REF_VAN_STOCK, "[{\"part_number\": \"P-1\", \"quantity\": 7},"
                                       " {\"part_number\": \"P-2\", \"quantity\": \"0\"}]");
  import_json_ok (f, FC_REF_INSTALLED, "[]");
  import_json_ok (f, FC_REF_INSTALLED, "[{\"serial\": \"S-1\", \"model\": \"X1\", "
                                       "\"sale_date\": \"2024-02-29\"}]");
  part = fc_store_lookup_part (f->store, "P-1", NULL);
  g_assert_cmpint (json_object_get_int_member (part, "van_quantity"), ==, 7);
  unit = fc_store_lookup_serial (f->store, "S-1", NULL);
  g_assert_cmpstr (json_object_get_string_member (unit, "sale_date"), ==, "2024-02-29");
  /* Unknown model: no months to compute from. */
  g_assert_true (json_object_get_null_member (unit, "warranty_end"));
  g_assert_false (json_object_get_boolean_member (unit, "in_warranty"));
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM parts WHERE part_number = 'P-2'"), ==, 1);
}

typedef struct {
  FcRefKind   kind;
  const char *json;
  const char *message;
} BadJson;

static const BadJson bad_jsons[] = {
  { FC_REF_VAN_STOCK, "[{\"part_number\": \"P\", \"quantity\": 1}, {\"part_number\": \"Q\", \"quantity\": -3}]",
    "element 2: column 'quantity': '-3' is not a whole number" },
  { FC_REF_VAN_STOCK, "[{\"part_number\": \"P\", \"quantity\": 1.5}]",
    "element 1: column 'quantity': must be a whole number" },
  { FC_REF_VAN_STOCK, "[{\"part_number\": \"P\", \"quantity\": 1}, {\"part_number\": \"Q\"}]",
    "element 2: column 'quantity': a value is required" },
  { FC_REF_VAN_STOCK, "[{\"part_number\": \"P\"}]",
    "missing column 'quantity'" },
  { FC_REF_MODELS, "[{\"model\": \"A\", \"name\": \"B\"}, {\"model\": \"C\", \"nom\": \"D\"}]",
    "element 2: unknown column 'nom'" },
  { FC_REF_MODELS, "[{\"model\": \"A\", \"name\": 5}]",
    "element 1: column 'name': must be a string" },
  { FC_REF_MODELS, "[{\"model\": \"A\", \"name\": \"B\"}, 3]",
    "element 2: not an object" },
  { FC_REF_MODELS, "{\"model\": \"A\"}",
    "the JSON must be an array of objects" },
  { FC_REF_MODELS, "[{\"model\": \"A\",",
    "not valid JSON" },
  { FC_REF_MODELS, "",
    "the JSON must be an array of objects" },
  { FC_REF_INSTALLED, "[{\"serial\": \"S\", \"model\": \"M\", \"sale_date\": \"2023-02-29\"}]",
    "element 1: column 'sale_date': '2023-02-29' is not a date" },
};

static void
test_json_errors (Fixture *f, gconstpointer data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  seed (f);
  before = dump_tables (f);
  for (gsize i = 0; i < G_N_ELEMENTS (bad_jsons); i++)
    {
      g_autoptr(GError) error = NULL;
      const BadJson *bad = &bad_jsons[i];

      g_test_message ("bad JSON: %s", bad->message);
      g_assert_false (fc_store_import_json (f->store, bad->kind, bad->json, strlen (bad->json), &error));
      g_assert_error (error, FC_ERROR, FC_ERROR_INVALID);
      if (!g_str_has_prefix (error->message, bad->message))
        g_error ("expected “%s…”, got “%s”", bad->message, error->message);
    }
  after = dump_tables (f);
  g_assert_cmpstr (before, ==, after);
}

static void
test_size_limit (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gsize huge = (gsize) 256 * 1024 * 1024 + 1;
  /* The limit is checked before a byte is read; a real 256 MiB buffer is
   * allocated so the call is honest about its length. */
  char *contents = g_malloc (huge);

  memcpy (contents, "model,name\n", 11);
  g_assert_false (fc_store_import_csv (f->store, FC_REF_MODELS, contents, huge, &error));
  g_assert_error (error, FC_ERROR, FC_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_false (fc_store_import_json (f->store, FC_REF_MODELS, contents, huge, &error));
  g_assert_error (error, FC_ERROR, FC_ERROR_TOO_LARGE);
  g_free (contents);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM models"), ==, 0);
}

static void
test_many_rows (Fixture *f, gconstpointer data)
{
  guint n = g_test_slow () ? 1000000 : 100000;
  g_autoptr(GString) csv = g_string_sized_new (n * 64);
  g_autoptr(GTimer) timer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) last = NULL;

  g_string_append (csv, "serial,gtin,model,customer_id,sale_date,warranty_end\n");
  for (guint i = 0; i < n; i++)
    g_string_append_printf (csv, "SN%08u,6901234567892,KFR-35GW,cu-%u,2025-01-%02u,2028-01-%02u\n",
                            i, i % 5000, i % 28 + 1, i % 28 + 1);
  timer = g_timer_new ();
  g_assert_true (fc_store_import_csv (f->store, FC_REF_INSTALLED, csv->str, csv->len, &error));
  g_assert_no_error (error);
  g_test_message ("%u installed rows in %.2f s", n, g_timer_elapsed (timer, NULL));
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM installed"), ==, n);
  last = fc_store_lookup_serial (f->store, "SN00000099", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (last, "customer_id"), ==, "cu-99");
}

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, setup, func, teardown)

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/import/kind-names", test_kind_names);
  ADD ("/import/csv/quoting", test_csv_quoting);
  ADD ("/import/csv/header-only", test_csv_header_only);
  ADD ("/import/csv/errors", test_csv_errors);
  ADD ("/import/csv/text-too-long", test_text_too_long);
  ADD ("/import/all-or-nothing", test_all_or_nothing);
  ADD ("/import/upsert", test_upsert);
  ADD ("/import/kb-search-rows", test_kb_search_rows);
  ADD ("/import/json", test_json);
  ADD ("/import/json/errors", test_json_errors);
  ADD ("/import/size-limit", test_size_limit);
  ADD ("/import/many-rows", test_many_rows);
  ADD ("/lookup/serial", test_lookup_serial);
  ADD ("/lookup/gtin-part-customer", test_lookup_gtin_part_customer);
  return g_test_run ();
}
