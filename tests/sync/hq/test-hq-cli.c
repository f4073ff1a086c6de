/* test-hq-cli.c: fieldcase-hq's commands as subprocesses on a temporary
 * database: an enrolment code and its QR code (decoded with zbar), devices
 * and revocation, reference import, HQ's steps on a case, the case list and
 * the NDJSON feed, and `serve` printing its port and stopping on SIGTERM.
 * Refused input exits non-zero and changes nothing.
 *
 * The executable comes from $FIELDCASE_HQ (set by meson).
 */
#include <signal.h>
#include <zbar.h>

#include "fc-hq-store.h"
#include "fc-hq-qr.h"
#include "hq-test-util.h"

typedef struct {
  char *dir;
  char *db;
  char *out;
  char *err;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("fc-hq-cli-XXXXXX", NULL);
  f->db = g_build_filename (f->dir, "hq.db", NULL);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_autoptr(GDir) d = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->out);
  g_free (f->err);
}

/* Runs fieldcase-hq with @args (NULL-terminated) and --db; exit status. */
static int
run (Fixture *f, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) p = NULL;
  va_list ap;
  const char *arg;

  g_ptr_array_add (argv, (gpointer) g_getenv ("FIELDCASE_HQ"));
  va_start (ap, f);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, (gpointer) "--db");
  g_ptr_array_add (argv, f->db);
  g_ptr_array_add (argv, NULL);
  g_clear_pointer (&f->out, g_free);
  g_clear_pointer (&f->err, g_free);
  p = g_subprocess_newv ((const char *const *) argv->pdata,
                         G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (p, NULL, NULL, &f->out, &f->err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_if_exited (p))
    g_error ("fieldcase-hq %s died (signal %d): %s", (char *) argv->pdata[1],
             g_subprocess_get_term_sig (p), f->err);
  return g_subprocess_get_exit_status (p);
}

/* The text QR back to pixels (4 per module), decoded by zbar. */
static char *
decode_text_qr (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint rows = 0, cols = 0, scale = 4;
  g_autofree guint8 *img = NULL;
  zbar_image_scanner_t *scanner;
  zbar_image_t *image;
  char *result = NULL;

  for (char **l = lines; *l != NULL && **l != '\0'; l++, rows++)
    cols = MAX (cols, (guint) g_utf8_strlen (*l, -1));
  img = g_malloc0 ((gsize) cols * scale * rows * 2 * scale);
  for (guint y = 0; y < rows; y++)
    {
      const char *p = lines[y];
      for (guint x = 0; x < cols && *p != '\0'; x++, p = g_utf8_next_char (p))
        {
          gunichar c = g_utf8_get_char (p);
          gboolean top = c == 0x2588 || c == 0x2580, bottom = c == 0x2588 || c == 0x2584;
          for (guint dy = 0; dy < 2 * scale; dy++)
            for (guint dx = 0; dx < scale; dx++)
              img[(y * 2 * scale + dy) * cols * scale + x * scale + dx] =
                (dy < scale ? top : bottom) ? 255 : 0;
        }
    }
  scanner = zbar_image_scanner_create ();
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
  image = zbar_image_create ();
  zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (image, cols * scale, rows * 2 * scale);
  zbar_image_set_data (image, img, (unsigned long) cols * scale * rows * 2 * scale, NULL);
  if (zbar_scan_image (scanner, image) > 0)
    result = g_strdup (zbar_symbol_get_data (zbar_image_first_symbol (image)));
  zbar_image_destroy (image);
  zbar_image_scanner_destroy (scanner);
  return result;
}

static void
test_enrol_code (Fixture *f, gconstpointer data)
{
  g_auto(GStrv) lines = NULL;
  g_autofree char *decoded = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *qr = NULL;
  const char *nl;

  g_assert_cmpint (run (f, "enrol-code", "--engineer", "wang", NULL), ==, 2);   /* no outlet */
  g_assert_cmpint (run (f, "enrol-code", "--outlet", "SH-01", "--engineer", "wang",
                        "--url", "https://hq.example.com", NULL), ==, 0);
  lines = g_strsplit (f->out, "\n", 2);
  g_assert_true (g_regex_match_simple ("^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$", lines[0], 0, 0));
  expected = g_strdup_printf ("fieldcase-enrol:https://hq.example.com#%s", lines[0]);
  g_assert_nonnull (strstr (f->out, expected));
  /* The QR block sits between the code and the URL line. */
  nl = strstr (lines[1], "\n");
  g_assert_nonnull (nl);
  qr = g_strndup (nl + 1, strstr (nl + 1, "\nfieldcase-enrol:") - (nl + 1));
  decoded = decode_text_qr (qr);
  g_assert_cmpstr (decoded, ==, expected);
}

static void
test_devices_revoke (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *device_id = hq_new_uuid ();

  {
    g_autoptr(FcHqStore) store = fc_hq_store_new (f->db, NULL, &error);
    g_autofree char *code = fc_hq_store_create_enrol_code (store, "SH-01", "wang", 0, &error);
    g_autofree char *token = NULL;
    g_autoptr(FcHqDevice) dev = fc_hq_store_enrol (store, code, device_id, "Wang's phone", &token,
                                                   &error);
    g_assert_no_error (error);
  }
  g_assert_cmpint (run (f, "devices", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, device_id));
  g_assert_nonnull (strstr (f->out, "active"));
  g_assert_cmpint (run (f, "revoke", device_id, NULL), ==, 0);
  g_assert_cmpint (run (f, "devices", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, "revoked"));
  g_assert_cmpint (run (f, "revoke", "no-such-device", NULL), ==, 1);
  g_assert_cmpstr (f->out, ==, "");
  g_assert_cmpint (run (f, "revoke", NULL), ==, 2);
}

static void
test_import (Fixture *f, gconstpointer data)
{
  g_autofree char *csv = g_build_filename (f->dir, "models.csv", NULL);
  g_autofree char *bad = g_build_filename (f->dir, "bad.csv", NULL);

  g_assert_true (g_file_set_contents (csv, "model,name\nAC-1,Split air conditioner\n", -1, NULL));
  g_assert_true (g_file_set_contents (bad, "model,name\n,no key\n", -1, NULL));
  g_assert_cmpint (run (f, "import", "models", csv, NULL), ==, 0);
  g_assert_cmpint (run (f, "import", "models", bad, NULL), ==, 1);
  g_assert_cmpint (run (f, "import", "spaceships", csv, NULL), ==, 1);
  g_assert_cmpint (run (f, "import", "models", "/nonexistent.csv", NULL), ==, 1);
  {
    g_autoptr(FcHqStore) store = fc_hq_store_new (f->db, NULL, NULL);
    g_autofree char *delta = fc_hq_store_ref_delta (store, NULL, "models", 0, 100, NULL);
    g_assert_nonnull (strstr (delta, "Split air conditioner"));
    g_assert_null (strstr (delta, "no key"));
  }
}

static char *
seed_case (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FcHqStore) store = fc_hq_store_new (f->db, NULL, &error);
  g_autofree char *code = fc_hq_store_create_enrol_code (store, "SH-01", NULL, 0, &error);
  g_autofree char *token = NULL;
  g_autofree char *dev_id = hq_new_uuid ();
  g_autoptr(FcHqDevice) dev = fc_hq_store_enrol (store, code, dev_id, NULL, &token, &error);
  g_autofree char *case_id = hq_new_uuid ();
  g_autofree char *id = hq_new_uuid ();
  g_autofree char *ev = hq_event_opened (id, case_id, dev_id, "SH-01", NULL);
  g_autofree char *json = g_strdup_printf ("[%s]", ev);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) receipts = NULL;
  g_autoptr(FcCase) c = NULL;

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  receipts = fc_hq_store_ingest (store, dev, json_node_get_array (json_parser_get_root (parser)),
                                 &error);
  g_assert_no_error (error);
  c = fc_store_get_case (fc_hq_store_get_core (store), case_id, &error);
  g_assert_no_error (error);
  return g_strdup (fc_case_get_number (c));
}

static guint
count_lines (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p++)
    n += *p == '\n';
  return n;
}

static void
test_steps_cases_feed (Fixture *f, gconstpointer data)
{
  g_autofree char *number = seed_case (f);
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (run (f, "approve", number, NULL), ==, 1);    /* no plan proposed */
  g_assert_cmpint (run (f, "reject", number, NULL), ==, 2);     /* no --reason */
  g_assert_cmpint (run (f, "assign", "FC-NOPE", "li", NULL), ==, 1);
  g_assert_cmpint (run (f, "assign", number, "li", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, "case.assigned"));
  g_assert_cmpint (run (f, "cases", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out, number));
  g_assert_nonnull (strstr (f->out, "\tli\t"));
  g_assert_nonnull (strstr (f->out, "SH-01"));
  g_assert_cmpint (run (f, "cases", "--overdue", NULL), ==, 0);
  g_assert_cmpstr (f->out, ==, "");

  g_assert_cmpint (run (f, "feed", NULL), ==, 0);
  g_assert_cmpuint (count_lines (f->out), ==, 2);
  lines = g_strsplit (f->out, "\n", -1);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(JsonParser) p = json_parser_new ();
      g_assert_true (json_parser_load_from_data (p, lines[i], -1, NULL));
      g_assert_cmpint (json_object_get_int_member (json_node_get_object (json_parser_get_root (p)),
                                                   "seq"), ==, i + 1);
    }
  g_assert_cmpint (run (f, "feed", "--since", "1", NULL), ==, 0);
  g_assert_cmpuint (count_lines (f->out), ==, 1);
  g_assert_nonnull (strstr (f->out, "\"device\":\"hq\""));
}

static void
test_serve (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) p = NULL;
  g_autoptr(GDataInputStream) in = NULL;
  g_autofree char *line = NULL;
  g_autoptr(SoupSession) session = hq_session_new ();
  g_autoptr(HqResponse) info = NULL;

  p = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, g_getenv ("FIELDCASE_HQ"), "serve",
                        "--db", f->db, "--port", "0", NULL);
  g_assert_no_error (error);
  in = g_data_input_stream_new (g_subprocess_get_stdout_pipe (p));
  line = g_data_input_stream_read_line (in, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "listening on http://127.0.0.1:"));
  info = hq_request_full (session, line + strlen ("listening on "), "GET", "/v1/info", NULL, NULL,
                          NULL, NULL, NULL);
  g_assert_cmpuint (info->status, ==, 200);
  g_subprocess_send_signal (p, SIGTERM);
  g_assert_true (g_subprocess_wait (p, NULL, NULL));
  g_assert_true (g_subprocess_get_if_exited (p));
  g_assert_cmpint (g_subprocess_get_exit_status (p), ==, 0);
  g_assert_cmpint (run (f, "serve", "--tls-cert", "/nonexistent", NULL), ==, 2);
}

static void
test_qr_unit (void)
{
  g_autofree char *text = fc_hq_qr_render_text ("fieldcase-enrol:http://127.0.0.1:8080#K7Q2-9XPM-41ZD", NULL);
  g_autofree char *decoded = decode_text_qr (text);

  g_assert_cmpstr (decoded, ==, "fieldcase-enrol:http://127.0.0.1:8080#K7Q2-9XPM-41ZD");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("FIELDCASE_HQ") == NULL)
    {
      g_test_message ("FIELDCASE_HQ is not set");
      return 77;
    }
#define ADD(name, fn) g_test_add (name, Fixture, NULL, setup, fn, teardown)
  g_test_add_func ("/hq-cli/qr", test_qr_unit);
  ADD ("/hq-cli/enrol-code", test_enrol_code);
  ADD ("/hq-cli/devices-revoke", test_devices_revoke);
  ADD ("/hq-cli/import", test_import);
  ADD ("/hq-cli/steps-cases-feed", test_steps_cases_feed);
  ADD ("/hq-cli/serve", test_serve);
#undef ADD
  return g_test_run ();
}
