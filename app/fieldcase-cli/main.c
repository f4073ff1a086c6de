/* main.c: fieldcase-cli, the command-line tool over the case store.
 *
 *   fieldcase-cli [--store PATH] [--author NAME] COMMAND [ARGS…]
 *
 * Global options may come before or after the command. Errors go to stderr
 * as one line, "fieldcase-cli: error: …"; a refused command changes nothing.
 */
#include "fc-cli.h"

#include <errno.h>
#include <locale.h>
#include <string.h>
#include <glib/gstdio.h>

#include "fc-error.h"
#include "fc-ids.h"
#include "fc-store-private.h"

char *fc_cli_store_path = NULL;
char *fc_cli_author = NULL;

static const GOptionEntry global_entries[] = {
  { "store", 0, 0, G_OPTION_ARG_FILENAME, &fc_cli_store_path,
    "The store file (default: $FIELDCASE_STORE, else the user's data folder)", "PATH" },
  { "author", 0, 0, G_OPTION_ARG_STRING, &fc_cli_author,
    "Who records the steps (default: $USER)", "NAME" },
  { NULL }
};

const GOptionEntry *
fc_cli_global_entries (void)
{
  return global_entries;
}

static int
vfail (int         status,
       const char *format,
       va_list     args)
{
  g_autofree char *message = g_strdup_vprintf (format, args);

  g_printerr ("fieldcase-cli: error: %s\n", message);
  return status;
}

int
fc_cli_fail_usage (const char *format, ...)
{
  va_list args;
  int status;

  va_start (args, format);
  status = vfail (FC_CLI_USAGE, format, args);
  va_end (args);
  return status;
}

int
fc_cli_fail_input (const char *format, ...)
{
  va_list args;
  int status;

  va_start (args, format);
  status = vfail (FC_CLI_INPUT, format, args);
  va_end (args);
  return status;
}

int
fc_cli_fail (const GError *error)
{
  /* One line: a message with a line break would read as two errors. */
  g_autofree char *line = g_strdup (error->message);

  g_strdelimit (line, "\r\n", ' ');
  return fc_cli_fail_input ("%s", line);
}

gboolean
fc_cli_parse (GOptionContext *context,
              int            *argc,
              char         ***argv)
{
  g_autoptr(GError) error = NULL;

  if (g_option_context_parse (context, argc, argv, &error))
    return TRUE;
  fc_cli_fail_usage ("%s (see --help)", error->message);
  return FALSE;
}

const char *
fc_cli_get_author (void)
{
  const char *user = g_getenv ("USER");

  if (fc_cli_author != NULL && *fc_cli_author != '\0')
    return fc_cli_author;
  return user != NULL && *user != '\0' ? user : g_get_user_name ();
}

FcStore *
fc_cli_create_store (GError **error)
{
  return fc_store_new (fc_cli_store_path, error);
}

/* Reading or recording needs a store that is there: a mistyped --store
 * must not leave a new empty file behind. */
FcStore *
fc_cli_open_store (GError **error)
{
  g_autofree char *path = fc_cli_store_path != NULL ? g_strdup (fc_cli_store_path)
                                                    : fc_store_default_path ();

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, FC_ERROR, FC_ERROR_NOT_FOUND,
                   "No store at %s (create one with “fieldcase-cli init”)", path);
      return NULL;
    }
  return fc_store_new (path, error);
}

char *
fc_cli_format_time (gint64 ms)
{
  g_autoptr(GDateTime) dt = NULL;

  if (ms <= 0)
    return g_strdup ("-");
  dt = g_date_time_new_from_unix_local (ms / 1000);
  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%d %H:%M") : g_strdup ("?");
}

static gboolean
parse_relative (const char *text,
                gint64      now_ms,
                gint64     *out_ms)
{
  char *end = NULL;
  gint64 n, unit;

  if (text[0] != '+' && text[0] != '-')
    return FALSE;
  n = g_ascii_strtoll (text + 1, &end, 10);
  if (end == text + 1 || n < 0 || n > 100000)
    return FALSE;
  if (g_str_equal (end, "d"))
    unit = 86400000;
  else if (g_str_equal (end, "h"))
    unit = 3600000;
  else if (g_str_equal (end, "m"))
    unit = 60000;
  else
    return FALSE;
  *out_ms = now_ms + (text[0] == '-' ? -n : n) * unit;
  return TRUE;
}

char *
fc_cli_parse_time (const char *text,
                   gint64      now_ms,
                   GError    **error)
{
  gint64 ms;

  if (text != NULL && (parse_relative (text, now_ms, &ms) || fc_time_parse_ms (text, &ms)))
    return fc_time_format_ms (ms);
  g_set_error (error, FC_ERROR, FC_ERROR_INVALID,
               "'%s' is not a time: use ISO 8601 (2026-11-25T10:00:00Z) or +3d, +48h, +30m",
               text != NULL ? text : "");
  return NULL;
}

void
fc_cli_blob_free (FcCliBlob *blob)
{
  g_clear_pointer (&blob->data, g_bytes_unref);
  g_free (blob->mime);
  g_free (blob->sha256);
  g_free (blob);
}

FcCliBlob *
fc_cli_read_blob (const char *path,
                  GError    **error)
{
  g_autofree char *data = NULL;
  g_autofree char *type = NULL;
  FcCliBlob *blob;
  GStatBuf st;
  gsize len;

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "Cannot read “%s”: %s", path, g_strerror (saved));
      return NULL;
    }
  if (st.st_size > FC_BLOB_MAX_BYTES)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_TOO_LARGE, "“%s” is larger than %d MiB", path,
                   FC_BLOB_MAX_BYTES / (1024 * 1024));
      return NULL;
    }
  if (!g_file_get_contents (path, &data, &len, error))
    return NULL;
  type = g_content_type_guess (path, (const guchar *) data, len, NULL);
  blob = g_new0 (FcCliBlob, 1);
  blob->mime = g_content_type_get_mime_type (type);
  if (blob->mime == NULL)
    blob->mime = g_strdup ("application/octet-stream");
  blob->data = g_bytes_new_take (g_steal_pointer (&data), len);
  blob->sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, blob->data);
  return blob;
}

/* The blobs and the step commit together: a refused step leaves no
 * orphan signature or photo behind. */
FcEvent *
fc_cli_record_with_blobs (FcStore    *store,
                          const char *case_id,
                          const char *type,
                          JsonObject *payload,
                          GPtrArray  *blobs,
                          GError    **error)
{
  g_autoptr(FcEvent) event = NULL;

  if (!fc_store_tx_begin (store, error))
    return NULL;
  for (guint i = 0; blobs != NULL && i < blobs->len; i++)
    {
      FcCliBlob *blob = g_ptr_array_index (blobs, i);
      g_autofree char *sha = fc_store_put_blob (store, blob->data, blob->mime, error);
      if (sha == NULL)
        goto fail;
    }
  event = fc_store_record (store, case_id, type, payload, fc_cli_get_author (), error);
  if (event == NULL || !fc_store_tx_commit (store, error))
    goto fail;
  return g_steal_pointer (&event);

fail:
  if (store->tx_depth > 0)
    fc_store_tx_rollback (store);
  return NULL;
}

/* ---- init, import ---- */

static int
cmd_init (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("init - create or migrate the store");
  g_autoptr(FcStore) store = NULL;
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, global_entries, NULL);
  if (!fc_cli_parse (context, &argc, &argv))
    return FC_CLI_USAGE;
  if (argc != 1)
    return fc_cli_fail_usage ("init takes no arguments");
  store = fc_cli_create_store (&error);
  if (store == NULL)
    return fc_cli_fail (error);
  g_print ("Store ready: %s\n", fc_store_get_path (store));
  return FC_CLI_OK;
}

static gboolean
looks_like_json (const char *path,
                 const char *data,
                 gsize       len)
{
  if (g_str_has_suffix (path, ".json"))
    return TRUE;
  if (g_str_has_suffix (path, ".csv"))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isspace (data[i]))
      return data[i] == '[';
  return FALSE;
}

static gboolean
read_import_file (const char *path,
                  char      **out_data,
                  gsize      *out_len,
                  GError    **error)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "Cannot read “%s”: %s", path, g_strerror (saved));
      return FALSE;
    }
  /* The import refuses this too; checking first avoids reading it all. */
  if (st.st_size > 256 * 1024 * 1024)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_TOO_LARGE, "“%s” is larger than 256 MiB; split it", path);
      return FALSE;
    }
  return g_file_get_contents (path, out_data, out_len, error);
}

static int
cmd_import (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("import KIND FILE - import reference data");
  g_autoptr(FcStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;
  FcRefKind kind;
  gboolean ok;

  g_option_context_add_main_entries (context, global_entries, NULL);
  g_option_context_set_description (context,
    "KIND is one of: models, installed, customers, parts, van_stock, kb.\n"
    "FILE is CSV with a header row, or JSON (an array of objects).\n"
    "The whole file is imported, or nothing if any row is bad.");
  if (!fc_cli_parse (context, &argc, &argv))
    return FC_CLI_USAGE;
  if (argc != 3)
    return fc_cli_fail_usage ("usage: import KIND FILE");
  if (!fc_ref_kind_from_string (argv[1], &kind))
    return fc_cli_fail_input ("unknown kind '%s' (models, installed, customers, parts, van_stock, kb)",
                              argv[1]);
  if (!read_import_file (argv[2], &data, &len, &error))
    return fc_cli_fail (error);
  store = fc_cli_create_store (&error);
  if (store == NULL)
    return fc_cli_fail (error);
  if (looks_like_json (argv[2], data, len))
    ok = fc_store_import_json (store, kind, data, len, &error);
  else
    ok = fc_store_import_csv (store, kind, data, len, &error);
  if (!ok)
    return fc_cli_fail_input ("%s: %s", argv[2], error->message);
  g_print ("Imported %s from %s\n", fc_ref_kind_to_string (kind), argv[2]);
  return FC_CLI_OK;
}

/* ---- Dispatch ---- */

typedef struct {
  const char *name;
  int       (*func) (int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "init", cmd_init, "Create (or migrate) the store" },
  { "import", cmd_import, "KIND FILE: import reference data (CSV or JSON)" },
  { "open", fc_cli_cmd_open, "Open a case; prints its number" },
  { "attach", fc_cli_cmd_attach, "CASE FILE: attach a photo or document" },
  { "show", fc_cli_cmd_show, "CASE: the case, its timeline and deadlines" },
  { "list", fc_cli_cmd_list, "List cases (--state, --filter, --assignee, --limit)" },
  { "urgent", fc_cli_cmd_urgent, "The most urgent open cases" },
  { "search", fc_cli_cmd_search, "TEXT: search cases and the knowledge base" },
  { "lookup", fc_cli_cmd_lookup, "CODE: a serial number, GTIN or part number" },
  { "export", fc_cli_cmd_export, "[CASE] [-o FILE]: cases with their events as JSON" },
  { "demo", fc_cli_cmd_demo, "Seed an empty store with realistic demo data" },
};

static char *
describe_commands (void)
{
  GString *out = g_string_new ("Commands:\n");

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (out, "  %-18s %s\n", commands[i].name, commands[i].summary);
  fc_cli_print_step_help (out);
  g_string_append (out, "\nRun “fieldcase-cli COMMAND --help” for a command's options.");
  return g_string_free (out, FALSE);
}

static int
run_command (int argc, char **argv)
{
  if (fc_cli_is_step (argv[0]))
    return fc_cli_cmd_step (argc, argv);
  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, argv[0]))
      return commands[i].func (argc, argv);
  return fc_cli_fail_usage ("unknown command '%s' (see --help)", argv[0]);
}

int
main (int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("COMMAND [ARGS…] - after-sales service cases");
  g_autofree char *description = describe_commands ();
  int status;

  setlocale (LC_ALL, "");
  g_set_prgname ("fieldcase-cli");
  g_option_context_add_main_entries (context, global_entries, NULL);
  g_option_context_set_description (context, description);
  /* Stop at the command: its options are its own. */
  g_option_context_set_strict_posix (context, TRUE);
  if (!fc_cli_parse (context, &argc, &argv))
    return FC_CLI_USAGE;
  if (argc < 2)
    return fc_cli_fail_usage ("no command given (see --help)");
  status = run_command (argc - 1, argv + 1);
  g_clear_pointer (&fc_cli_store_path, g_free);
  g_clear_pointer (&fc_cli_author, g_free);
  return status;
}
