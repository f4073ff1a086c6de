/* test-cli.c: fieldcase-cli end to end, as a subprocess on a temporary
 * store: the demo, every workflow step, the read commands, and each kind of
 * refused input — which must exit non-zero, say why on stderr in one line,
 * and leave the store exactly as it was.
 *
 * The tool's path comes from $FIELDCASE_CLI (set by meson).
 */
#include <string.h>
#include <sys/wait.h>

#include "fc-test-util.h"

typedef struct {
  char *dir;
  char *store;
  char *out;     /* stdout of the last run */
  char *err;     /* stderr of the last run */
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->dir = fc_test_tmpdir ();
  f->store = g_build_filename (f->dir, "cli.db", NULL);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_free (f->out);
  g_free (f->err);
  g_free (f->store);
  fc_test_rmdir (f->dir);
  g_free (f->dir);
}

static const char *
cli_path (void)
{
  return g_getenv ("FIELDCASE_CLI");
}

/* Runs fieldcase-cli --store … --author tester ARGS; returns the exit status. */
static int
run_argv (Fixture *f, const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_ptr_array_add (argv, (char *) cli_path ());
  g_ptr_array_add (argv, (char *) "--store");
  g_ptr_array_add (argv, f->store);
  g_ptr_array_add (argv, (char *) "--author");
  g_ptr_array_add (argv, (char *) "tester");
  for (int i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  g_clear_pointer (&f->out, g_free);
  g_clear_pointer (&f->err, g_free);
  g_spawn_sync (f->dir, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &f->out, &f->err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  if (WEXITSTATUS (status) != 0)
    g_test_message ("%s -> %d: %s", args[0], WEXITSTATUS (status), f->err);
  return WEXITSTATUS (status);
}

#define RUN(f, ...) run_argv ((f), (const char *const[]) { __VA_ARGS__, NULL })

/* Runs and insists on success; returns stdout. */
#define OK(f, ...) G_STMT_START { \
    int status_ = RUN ((f), __VA_ARGS__); \
    if (status_ != 0) \
      g_error ("fieldcase-cli %s failed (%d): %s", \
               ((const char *[]) { __VA_ARGS__ })[0], status_, (f)->err); \
  } G_STMT_END

/* Every case with its events, as text. Deadlines are left out: they are
 * evaluated at the time of the export (a paused one moves with the clock),
 * so they are not part of what a command may change. */
static char *
export_all (Fixture *f)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *cases;

  OK (f, "export");
  json_parser_load_from_data (parser, f->out, -1, &error);
  g_assert_no_error (error);
  cases = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (cases); i++)
    json_object_remove_member (json_array_get_object_element (cases, i), "deadlines");
  return json_to_string (json_parser_get_root (parser), TRUE);
}

/* Not g_assert_cmpstr: a whole store in a failure message helps nobody. */
static void
assert_same_store (const char *before,
                   const char *after)
{
  gsize i = 0;

  if (g_strcmp0 (before, after) == 0)
    return;
  while (before[i] != '\0' && before[i] == after[i])
    i++;
  g_error ("the store changed near byte %" G_GSIZE_FORMAT ": “%.80s” became “%.80s”",
           i, before + (i > 40 ? i - 40 : 0), after + (i > 40 ? i - 40 : 0));
}

/* A refused command: the status, one line on stderr naming the problem,
 * and nothing changed. */
static void
assert_refused (Fixture           *f,
                int                expected_status,
                const char        *needle,
                const char *const *args)
{
  g_autofree char *before = export_all (f);
  g_autofree char *after = NULL;
  int status = run_argv (f, args);

  g_assert_cmpint (status, ==, expected_status);
  g_assert_true (g_str_has_prefix (f->err, "fieldcase-cli: error: "));
  if (strstr (f->err, needle) == NULL)
    g_error ("expected “%s” in stderr, got “%s”", needle, f->err);
  /* One line: a single newline, at the end. */
  g_assert_cmpint (strchr (f->err, '\n') - f->err, ==, strlen (f->err) - 1);
  after = export_all (f);
  assert_same_store (before, after);
}

#define REFUSED(f, status, needle, ...) \
  assert_refused ((f), (status), (needle), (const char *const[]) { __VA_ARGS__, NULL })

static char *
write_file (Fixture *f, const char *name, const char *contents)
{
  char *path = g_build_filename (f->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

static char *
first_line_of (const char *text)
{
  return g_strndup (text, strcspn (text, "\n"));
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static gboolean
skip_without_cli (void)
{
  if (cli_path () != NULL && g_file_test (cli_path (), G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;
  g_test_skip ("FIELDCASE_CLI is not set to the built fieldcase-cli");
  return TRUE;
}

/* ---- The demo ---- */

static void
test_demo (Fixture *f, gconstpointer data)
{
  g_autoptr(JsonNode) all = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *first = NULL;
  g_autofree char *again = NULL;

  if (skip_without_cli ())
    return;
  OK (f, "demo");
  g_assert_nonnull (strstr (f->out, "60 cases"));
  listing = export_all (f);
  all = parse_json (listing);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (all));
  g_assert_cmpint (json_array_get_length (json_node_get_array (all)), ==, 60);

  /* A second run changes nothing and says so. */
  first = export_all (f);
  OK (f, "demo");
  g_assert_nonnull (strstr (f->out, "already"));
  again = export_all (f);
  assert_same_store (first, again);

  OK (f, "list", "--limit", "0");
  g_assert_nonnull (strstr (f->out, "60 case(s)"));
  g_assert_null (strstr (f->out, "13800000"));   /* no phone numbers in lists */
  OK (f, "list", "--filter", "overdue");
  g_assert_null (strstr (f->out, "\n0 case(s)"));
  OK (f, "list", "--state", "closed");
  g_assert_nonnull (strstr (f->out, "closed"));
  OK (f, "urgent", "--limit", "3");
  g_assert_nonnull (strstr (f->out, "3 case(s)"));

  /* The worked examples, in Chinese and in English. */
  OK (f, "search", "空调");
  g_assert_nonnull (strstr (f->out, "空调制冷效果不佳"));
  g_assert_nonnull (strstr (f->out, "kb-ac-filter-zh"));
  OK (f, "search", "blue", "screen");
  g_assert_nonnull (strstr (f->out, "PC shows a blue screen"));
  OK (f, "search", "reboots");
  g_assert_nonnull (strstr (f->out, "Phone reboots repeatedly"));

  /* A demo case HQ touched after it was closed shows its conflict. */
  OK (f, "list", "--state", "closed", "--limit", "0");
  g_assert_nonnull (strstr (f->out, "[CONFLICT]"));
}

/* ---- Every step of a case ---- */

static const char reference_models[] = "model,name,warranty_months\nKFR-35GW,Split air conditioner,36\n";
static const char reference_installed[] =
  "serial,gtin,model,customer_id,sale_date\nAC-0001,6901234000351,KFR-35GW,cu-1,2026-01-15\n";
static const char reference_customers[] = "id,name,phone,address\ncu-1,张三,13900000099,示例路 1 号\n";
static const char reference_parts[] = "[{\"part_number\": \"P-FILTER-35\", \"name\": \"Air filter\"}]";
static const char reference_van[] = "part_number,quantity\nP-FILTER-35,3\n";

static void
import_reference (Fixture *f)
{
  g_autofree char *models = write_file (f, "models.csv", reference_models);
  g_autofree char *installed = write_file (f, "installed.csv", reference_installed);
  g_autofree char *customers = write_file (f, "customers.csv", reference_customers);
  g_autofree char *parts = write_file (f, "parts.json", reference_parts);
  g_autofree char *van = write_file (f, "van.csv", reference_van);

  OK (f, "import", "models", models);
  OK (f, "import", "installed", installed);
  OK (f, "import", "customers", customers);
  OK (f, "import", "parts", parts);
  OK (f, "import", "van-stock", van);
}

static char *
open_case (Fixture *f)
{
  OK (f, "open", "--kind", "repair", "--channel", "on_site", "--problem-type", "quality",
      "--severity", "urgent", "--serial", "AC-0001", "--assignee", "wang",
      "--description", "空调制冷效果不佳 / the air conditioner cools poorly");
  return first_line_of (f->out);
}

static void
test_workflow (Fixture *f, gconstpointer data)
{
  g_autofree char *number = NULL;
  g_autofree char *sig = NULL;
  g_autofree char *photo = NULL;
  g_autoptr(JsonNode) one = NULL;
  JsonArray *events;

  if (skip_without_cli ())
    return;
  OK (f, "init");
  import_reference (f);
  number = open_case (f);
  g_assert_true (g_str_has_prefix (number, "FC"));
  sig = write_file (f, "signature.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><path d=\"M0 0L9 9\"/></svg>");
  photo = write_file (f, "photo.txt", "a photo, as far as this test cares");

  OK (f, "respond", number, "--note", "called back");
  OK (f, "assign", number, "--assignee", "li");
  OK (f, "diagnose", number, "--symptom", "cools poorly", "--cause", "filter clogged",
      "--method", "on_site", "--complex", "no");
  OK (f, "reproduce", number, "--result", "reproduced", "--steps", "20 min on cool",
      "--photo-file", photo);
  OK (f, "plan", number, "--action", "clean_adjust", "--description", "clean the filter",
      "--acceptance", "outlet below 14 °C", "--deadline", "+2d");
  g_assert_nonnull (strstr (f->out, "plan_proposed"));
  OK (f, "reject", number, "--approver", "chen", "--reason", "replace the filter instead");
  OK (f, "diagnose", number, "--symptom", "cools poorly", "--cause", "filter torn", "--method", "expert");
  OK (f, "reproduce", number, "--result", "intermittent", "--steps", "again");
  OK (f, "plan", number, "--action", "replace_parts", "--description", "new filter",
      "--acceptance", "outlet below 14 °C", "--deadline", "2030-01-01T10:00:00Z");
  OK (f, "approve", number, "--comment", "ok");
  OK (f, "agree", number, "--note", "mornings");
  OK (f, "part", number, "--part-number", "P-FILTER-35", "--quantity", "2");
  OK (f, "work", number, "--description", "fitted the filter", "--minutes", "40");
  OK (f, "note", number, "customer", "offered", "tea");
  OK (f, "attach", number, photo);
  OK (f, "resolve", number, "--signer", "张三", "--signature-file", sig, "--satisfaction", "5");
  OK (f, "schedule-revisit", number, "--due", "+3d");
  OK (f, "revisit", number, "--solved", "yes", "--satisfaction", "5", "--comment", "cold now");
  OK (f, "close", number, "--summary", "filter replaced");
  g_assert_nonnull (strstr (f->out, "closed"));

  /* The van gave two filters. */
  OK (f, "lookup", "P-FILTER-35");
  g_assert_nonnull (strstr (f->out, "van_quantity   1"));

  OK (f, "show", number);
  g_assert_nonnull (strstr (f->out, "closed"));
  g_assert_nonnull (strstr (f->out, "plan.rejected"));
  g_assert_nonnull (strstr (f->out, "case.closed"));
  g_assert_nonnull (strstr (f->out, "Deadlines:"));
  g_assert_nonnull (strstr (f->out, "First response"));
  g_assert_nonnull (strstr (f->out, "13900000099"));      /* asked for this case: shown */
  g_assert_nonnull (strstr (f->out, "by tester"));
  g_assert_nonnull (strstr (f->out, "[pending]"));
  OK (f, "list");
  g_assert_null (strstr (f->out, "13900000099"));         /* never in a list */

  OK (f, "lookup", "AC-0001");
  g_assert_nonnull (strstr (f->out, "in_warranty    yes"));
  g_assert_nonnull (strstr (f->out, number));

  OK (f, "export", number);
  one = parse_json (f->out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (one), "state"), ==, "closed");
  events = json_object_get_array_member (json_node_get_object (one), "events");
  g_assert_cmpint (json_array_get_length (events), ==, 20);
}

static void
test_export_file (Fixture *f, gconstpointer data)
{
  g_autofree char *number = NULL;
  g_autofree char *path = g_build_filename (f->dir, "out.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = NULL;

  if (skip_without_cli ())
    return;
  import_reference (f);
  number = open_case (f);
  OK (f, "cancel", number, "--reason", "customer withdrew");
  OK (f, "export", "-o", path);
  g_assert_cmpstr (f->out, ==, "");
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  node = parse_json (text);
  g_assert_cmpint (json_array_get_length (json_node_get_array (node)), ==, 1);
}

/* ---- Refused input ---- */

static void
test_refused_steps (Fixture *f, gconstpointer data)
{
  g_autofree char *number = NULL;
  g_autofree char *sig = NULL;
  g_autofree char *sig_sha = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(FcStore) store = NULL;

  if (skip_without_cli ())
    return;
  import_reference (f);
  number = open_case (f);
  sig = write_file (f, "sig.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"><path d=\"M1 1L2 2\"/></svg>");

  REFUSED (f, 1, "No case “FC000000-NOPE”", "show", "FC000000-NOPE");
  REFUSED (f, 1, "No case", "respond", "FC000000-NOPE", "--note", "hello");
  /* Not allowed now: the case is only opened. */
  REFUSED (f, 1, "not allowed while the case is opened", "close", number);
  REFUSED (f, 1, "not allowed", "approve", number);
  /* A refused resolve leaves no signature behind. */
  REFUSED (f, 1, "not allowed", "resolve", number, "--signer", "x", "--signature-file", sig,
           "--satisfaction", "5");
  g_assert_true (g_file_get_contents (sig, &contents, NULL, NULL));
  sig_sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, contents, -1);
  store = fc_store_new (f->store, NULL);
  g_assert_false (fc_store_has_blob (store, sig_sha));
  g_clear_object (&store);

  OK (f, "respond", number);
  /* A missing field, named by its option; a bad enum; a bad number. */
  REFUSED (f, 1, "--cause", "diagnose", number, "--symptom", "warm air", "--method", "on_site");
  REFUSED (f, 1, "must be one of", "diagnose", number, "--symptom", "s", "--cause", "c",
           "--method", "guessing");
  REFUSED (f, 1, "--quantity: 'lots' is not a whole number", "part", number,
           "--part-number", "P-FILTER-35", "--quantity", "lots");
  REFUSED (f, 1, "--deadline", "plan", number, "--action", "repair", "--description", "d",
           "--acceptance", "a", "--deadline", "next tuesday");
  REFUSED (f, 1, "--description is required", "open", "--serial", "AC-0001");
  REFUSED (f, 1, "must be one of", "open", "--description", "d", "--severity", "apocalyptic");
  REFUSED (f, 1, "Cannot read", "attach", number, "/nonexistent/photo.jpg");
  REFUSED (f, 1, "unknown filter", "list", "--filter", "someday");
}

static void
test_refused_imports (Fixture *f, gconstpointer data)
{
  g_autofree char *bad_csv = NULL;
  g_autofree char *bad_json = NULL;
  g_autofree char *bad_column = NULL;

  if (skip_without_cli ())
    return;
  import_reference (f);
  bad_csv = write_file (f, "bad.csv", "serial,model,sale_date\nNEW-1,KFR-35GW,2025-01-01\n"
                                      "NEW-2,KFR-35GW,2025-02-30\n");
  bad_json = write_file (f, "bad.json", "[{\"part_number\": \"P-2\", \"name\": \"Belt\"},");
  bad_column = write_file (f, "col.csv", "part_number,quantity,colour\nP-FILTER-35,1,red\n");

  REFUSED (f, 1, "line 3: column 'sale_date': '2025-02-30' is not a date",
           "import", "installed", bad_csv);
  /* All or nothing: the good first row is not there either. */
  REFUSED (f, 1, "nothing found", "lookup", "NEW-1");
  REFUSED (f, 1, "not valid JSON", "import", "parts", bad_json);
  REFUSED (f, 1, "nothing found", "lookup", "P-2");
  REFUSED (f, 1, "unknown column 'colour'", "import", "van_stock", bad_column);
  OK (f, "lookup", "P-FILTER-35");
  g_assert_nonnull (strstr (f->out, "van_quantity   3"));
  REFUSED (f, 1, "unknown kind", "import", "cases", bad_csv);
  REFUSED (f, 1, "Cannot read", "import", "models", "/nonexistent.csv");
}

static void
test_usage (Fixture *f, gconstpointer data)
{
  if (skip_without_cli ())
    return;
  /* No store yet: reading one must not create it. */
  g_assert_cmpint (RUN (f, "show", "FC000000-NOPE"), ==, 1);
  g_assert_nonnull (strstr (f->err, "No store at"));
  g_assert_false (g_file_test (f->store, G_FILE_TEST_EXISTS));
  OK (f, "init");
  REFUSED (f, 2, "unknown command 'frobnicate'", "frobnicate");
  REFUSED (f, 2, "which case?", "respond");
  REFUSED (f, 2, "Unknown option", "list", "--colour", "red");
  REFUSED (f, 2, "usage: show CASE", "show");
  g_assert_cmpint (run_argv (f, (const char *const[]) { "--help", NULL }), ==, 0);
  g_assert_nonnull (strstr (f->out, "schedule-revisit"));
}

/* A store whose first pull left its cases' search rows for the app's
 * background pass: a search from the command line still finds them. */
static void
test_search_pending (Fixture *f, gconstpointer data)
{
  const char *peer = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);
  g_autoptr(GPtrArray) inserted = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);
  g_autoptr(GError) error = NULL;

  if (skip_without_cli ())
    return;
  for (int c = 0; c < 3; c++)
    {
      gint64 hlc = FC_HLC_MAKE (1767225600000 + c * 60000, 0);
      g_autofree char *id = fc_event_id_derive (hlc, peer);
      g_autofree char *number = g_strdup_printf ("FC-P%05d", c);
      g_autoptr(JsonObject) p = fc_test_step_payload (FC_EV_CASE_OPENED);

      json_object_set_string_member (p, "number", number);
      json_object_set_string_member (p, "description", c == 1 ? "压缩机 异响 compressor noise"
                                                               : "display dark");
      g_ptr_array_add (events, fc_event_new (id, id, FC_EV_CASE_OPENED, hlc, peer, "li", p));
    }
  {
    g_autoptr(FcStore) store = fc_store_new (f->store, &error);
    g_assert_no_error (error);
    g_assert_true (fc_store_apply_sync_quietly_full (store, NULL, events, NULL,
                                                     FC_STORE_APPLY_DEFER_SEARCH, inserted,
                                                     &error));
    g_assert_no_error (error);
    g_assert_true (fc_store_has_index_pending (store));
  }
  OK (f, "search", "异响");
  g_assert_nonnull (strstr (f->out, "FC-P00001"));
  g_assert_nonnull (strstr (f->out, "1 hit(s)"));
  OK (f, "search", "compressor");
  g_assert_nonnull (strstr (f->out, "FC-P00001"));
}

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, setup, func, teardown)

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  ADD ("/cli/demo", test_demo);
  ADD ("/cli/workflow", test_workflow);
  ADD ("/cli/export-file", test_export_file);
  ADD ("/cli/refused/steps", test_refused_steps);
  ADD ("/cli/refused/imports", test_refused_imports);
  ADD ("/cli/usage", test_usage);
  ADD ("/cli/search-pending", test_search_pending);
  return g_test_run ();
}
