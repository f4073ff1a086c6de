/* fieldcase-hq: the reference HQ server and its administration commands.
 *
 *   fieldcase-hq serve [--db PATH] [--address 127.0.0.1] [--port N] [--tls-cert F --tls-key F]
 *   fieldcase-hq enrol-code --outlet O [--engineer E] [--ttl-hours H] [--url URL]
 *   fieldcase-hq revoke DEVICE-ID | devices
 *   fieldcase-hq import KIND FILE
 *   fieldcase-hq assign CASE ENGINEER | approve CASE [--comment C] | reject CASE --reason R
 *   fieldcase-hq cases [--overdue] | feed [--since SEQ]
 *
 * Every command takes --db (default $FIELDCASE_HQ_DB, else
 * $XDG_DATA_HOME/fieldcase/hq.db). Admin commands may run while the server
 * does: they share the SQLite file, and the server reads devices, codes and
 * events from it on every request.
 */
#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "fc-hq-qr.h"
#include "fc-ids.h"
#include "fc-hq-server-private.h"
#include "fc-hq-store.h"

static char *opt_db = NULL;

static const GOptionEntry common_entries[] = {
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &opt_db, "HQ database file", "PATH" },
  { NULL }
};

static char *
db_path (void)
{
  const char *env = g_getenv ("FIELDCASE_HQ_DB");

  if (opt_db != NULL)
    return g_strdup (opt_db);
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_build_filename (g_get_user_data_dir (), "fieldcase", "hq.db", NULL);
}

static FcHqStore *
open_store (void)
{
  g_autofree char *path = db_path ();
  g_autoptr(GError) error = NULL;
  FcHqStore *store = fc_hq_store_new (path, NULL, &error);

  if (store == NULL)
    g_printerr ("fieldcase-hq: %s\n", error->message);
  return store;
}

/* Parses @argv with @entries plus --db; @n_args positional arguments
 * exactly (after the command name). */
static gboolean
parse_args (int               *argc,
            char            ***argv,
            const char        *usage,
            const GOptionEntry *entries,
            int                n_args)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new (usage);
  g_autoptr(GError) error = NULL;

  if (entries != NULL)
    g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_main_entries (ctx, common_entries, NULL);
  if (!g_option_context_parse (ctx, argc, argv, &error))
    {
      g_printerr ("fieldcase-hq: %s\n", error->message);
      return FALSE;
    }
  if (*argc - 2 != n_args)
    {
      g_printerr ("Usage: fieldcase-hq %s %s\n", (*argv)[1], usage);
      return FALSE;
    }
  return TRUE;
}

static int
fail (GError *error)
{
  g_printerr ("fieldcase-hq: %s\n", error->message);
  return 1;
}

/* ---- serve ---- */

static gboolean
quit_cb (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static int
cmd_serve (int argc, char **argv)
{
  g_autofree char *address = NULL;
  g_autofree char *cert = NULL;
  g_autofree char *key = NULL;
  int port = 8080;
  const GOptionEntry entries[] = {
    { "address", 0, 0, G_OPTION_ARG_STRING, &address, "Address to listen on (127.0.0.1)", "IP" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port (8080; 0 = any free port)", "N" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &cert, "TLS certificate (PEM)", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &key, "TLS private key (PEM)", "FILE" },
    { NULL }
  };
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcHqServer) server = NULL;
  g_autoptr(GTlsCertificate) tls = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *url = NULL;

  if (!parse_args (&argc, &argv, "", entries, 0))
    return 2;
  if ((cert == NULL) != (key == NULL) || port < 0 || port > 65535)
    {
      g_printerr ("fieldcase-hq: --tls-cert and --tls-key go together; --port is 0–65535\n");
      return 2;
    }
  if (cert != NULL && (tls = g_tls_certificate_new_from_files (cert, key, &error)) == NULL)
    return fail (error);
  path = db_path ();
  server = fc_hq_server_new (path, &error);
  if (server == NULL ||
      fc_hq_server_listen (server, address != NULL ? address : "127.0.0.1", (guint) port, tls,
                           &error) == 0)
    return fail (error);
  url = fc_hq_server_dup_url (server);
  /* Remembered for enrol-code's QR code. */
  fc_store_set_meta (fc_hq_server_get_store (server), "hq.url", url, NULL);
  g_print ("listening on %s\n", url);
  fflush (stdout);
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);
  fc_hq_server_disconnect (server);
  return 0;
}

/* ---- devices ---- */

static int
cmd_enrol_code (int argc, char **argv)
{
  g_autofree char *outlet = NULL;
  g_autofree char *engineer = NULL;
  g_autofree char *url = NULL;
  double ttl_hours = 24;
  const GOptionEntry entries[] = {
    { "outlet", 0, 0, G_OPTION_ARG_STRING, &outlet, "Service outlet of the device", "ID" },
    { "engineer", 0, 0, G_OPTION_ARG_STRING, &engineer, "Engineer using the device", "NAME" },
    { "ttl-hours", 0, 0, G_OPTION_ARG_DOUBLE, &ttl_hours, "Hours the code stays valid (24)", "H" },
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, "Server URL for the QR code", "URL" },
    { NULL }
  };
  g_autoptr(FcHqStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *qr = NULL;

  if (!parse_args (&argc, &argv, "--outlet O [--engineer E]", entries, 0))
    return 2;
  if (outlet == NULL || ttl_hours <= 0 || ttl_hours > 24 * 365)
    {
      g_printerr ("fieldcase-hq: --outlet is required; --ttl-hours must be positive\n");
      return 2;
    }
  if ((store = open_store ()) == NULL)
    return 1;
  if (url == NULL)
    url = fc_store_get_meta (fc_hq_store_get_core (store), "hq.url");
  code = fc_hq_store_create_enrol_code (store, outlet, engineer,
                                        (gint64) (ttl_hours * 3600 * 1000), &error);
  if (code == NULL)
    return fail (error);
  payload = g_strdup_printf ("fieldcase-enrol:%s#%s", url != NULL ? url : "http://127.0.0.1:8080",
                             code);
  if ((qr = fc_hq_qr_render_text (payload, &error)) == NULL)
    return fail (error);
  g_print ("%s\n\n%s\n%s\n", code, qr, payload);
  return 0;
}

static int
cmd_revoke (int argc, char **argv)
{
  g_autoptr(FcHqStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if (!parse_args (&argc, &argv, "DEVICE-ID", NULL, 1) || (store = open_store ()) == NULL)
    return 2;
  if (!fc_hq_store_revoke (store, argv[2], &error))
    return fail (error);
  g_print ("revoked %s\n", argv[2]);
  return 0;
}

static char *
format_time (gint64 ms)
{
  return ms > 0 ? fc_time_format_ms (ms) : g_strdup ("-");
}

static int
cmd_devices (int argc, char **argv)
{
  g_autoptr(FcHqStore) store = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;

  if (!parse_args (&argc, &argv, "", NULL, 0) || (store = open_store ()) == NULL)
    return 2;
  if ((list = fc_hq_store_list_devices (store, &error)) == NULL)
    return fail (error);
  for (guint i = 0; i < list->len; i++)
    {
      FcHqDevice *d = g_ptr_array_index (list, i);
      g_autofree char *enrolled = format_time (d->enrolled_at);
      g_autofree char *seen = format_time (d->last_seen);

      g_print ("%s\t%s\t%s\t%s\t%s\tenrolled %s\tlast seen %s\n", d->device_id, d->outlet,
               d->engineer != NULL ? d->engineer : "-", d->name != NULL ? d->name : "-",
               d->revoked ? "revoked" : "active", enrolled, seen);
    }
  return 0;
}

/* ---- data ---- */

static int
cmd_import (int argc, char **argv)
{
  g_autoptr(FcHqStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  if (!parse_args (&argc, &argv, "KIND FILE", NULL, 2))
    return 2;
  if (!g_file_get_contents (argv[3], &contents, &length, &error))
    return fail (error);
  if ((store = open_store ()) == NULL)
    return 1;
  if (!fc_hq_store_import (store, argv[2], contents, length, &error))
    return fail (error);
  g_print ("imported %s\n", argv[2]);
  return 0;
}

/* @error is read only after the step ran (not as a second argument of
 * the same call: C leaves the order of evaluation open). */
static int
print_step (FcEvent *ev,
            GError **error)
{
  if (ev == NULL)
    return fail (*error);
  g_print ("%s %s on case %s\n", ev->type, ev->id, ev->case_id);
  fc_event_unref (ev);
  return 0;
}

static int
cmd_assign (int argc, char **argv)
{
  g_autoptr(FcHqStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) p = json_object_new ();

  if (!parse_args (&argc, &argv, "CASE ENGINEER", NULL, 2) || (store = open_store ()) == NULL)
    return 2;
  json_object_set_string_member (p, "assignee", argv[3]);
  return print_step (fc_hq_store_record (store, argv[2], FC_EV_CASE_ASSIGNED, p,
                                         FC_HQ_DEVICE_ID, &error), &error);
}

static int
cmd_decide (int argc, char **argv, gboolean approve)
{
  g_autofree char *comment = NULL;
  g_autofree char *by = NULL;
  const GOptionEntry entries[] = {
    { approve ? "comment" : "reason", 0, 0, G_OPTION_ARG_STRING, &comment,
      approve ? "Comment for the engineer" : "Why the plan is rejected", "TEXT" },
    { "by", 0, 0, G_OPTION_ARG_STRING, &by, "Approver's name (default: your user name)", "NAME" },
    { NULL }
  };
  g_autoptr(FcHqStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) p = json_object_new ();
  const char *approver;

  if (!parse_args (&argc, &argv, approve ? "CASE [--comment C]" : "CASE --reason R", entries, 1))
    return 2;
  if (!approve && comment == NULL)
    {
      g_printerr ("fieldcase-hq: reject needs --reason\n");
      return 2;
    }
  if ((store = open_store ()) == NULL)
    return 1;
  approver = by != NULL ? by : g_get_user_name ();
  json_object_set_string_member (p, "approver", approver);
  if (comment != NULL)
    json_object_set_string_member (p, approve ? "comment" : "reason", comment);
  return print_step (fc_hq_store_record (store, argv[2],
                                         approve ? FC_EV_PLAN_APPROVED : FC_EV_PLAN_REJECTED,
                                         p, approver, &error), &error);
}

static const char *
worst_deadline (FcStore    *core,
                const char *case_id)
{
  g_autoptr(GPtrArray) deadlines = fc_store_list_deadlines (core, case_id, NULL);
  FcDeadlineState worst = FC_DEADLINE_PENDING;

  for (guint i = 0; deadlines != NULL && i < deadlines->len; i++)
    {
      FcDeadline *d = g_ptr_array_index (deadlines, i);
      if (d->state == FC_DEADLINE_OVERDUE ||
          (d->state == FC_DEADLINE_WARNING && worst != FC_DEADLINE_OVERDUE) ||
          (d->state == FC_DEADLINE_ON_TIME && worst == FC_DEADLINE_PENDING))
        worst = d->state;
    }
  return fc_deadline_state_to_string (worst);
}

static int
cmd_cases (int argc, char **argv)
{
  gboolean overdue = FALSE;
  const GOptionEntry entries[] = {
    { "overdue", 0, 0, G_OPTION_ARG_NONE, &overdue, "Only cases past a deadline", NULL },
    { NULL }
  };
  g_autoptr(FcHqStore) store = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  g_autoptr(GError) error = NULL;
  FcCaseQuery q = { .filter = FC_CASE_FILTER_ALL };

  if (!parse_args (&argc, &argv, "[--overdue]", entries, 0) || (store = open_store ()) == NULL)
    return 2;
  q.filter = overdue ? FC_CASE_FILTER_OVERDUE : FC_CASE_FILTER_ALL;
  if ((cases = fc_store_query_cases (fc_hq_store_get_core (store), &q, &error)) == NULL)
    return fail (error);
  for (guint i = 0; i < cases->len; i++)
    {
      FcCase *c = g_ptr_array_index (cases, i);
      g_autofree char *outlet = fc_hq_store_dup_case_outlet (store, fc_case_get_id (c));
      const char *assignee = fc_case_get_assignee (c);

      g_print ("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", fc_case_get_number (c),
               fc_case_state_to_string (fc_case_get_state (c)), fc_case_get_severity (c),
               outlet != NULL ? outlet : "-", assignee != NULL ? assignee : "-",
               worst_deadline (fc_hq_store_get_core (store), fc_case_get_id (c)),
               fc_case_get_id (c));
    }
  return 0;
}

static int
cmd_feed (int argc, char **argv)
{
  gint64 since = 0;
  const GOptionEntry entries[] = {
    { "since", 0, 0, G_OPTION_ARG_INT64, &since, "Only events after this seq", "SEQ" },
    { NULL }
  };
  g_autoptr(FcHqStore) store = NULL;
  g_autoptr(GError) error = NULL;
  gboolean more = TRUE;

  if (!parse_args (&argc, &argv, "[--since SEQ]", entries, 0) || (store = open_store ()) == NULL)
    return 2;
  /* Pages keep the memory flat however long the log is. */
  while (more)
    {
      g_autoptr(GString) out = g_string_new (NULL);
      guint count = 0;

      if (!fc_hq_store_pull (store, NULL, since, 10000, FC_HQ_PULL_NDJSON, out, &since, &more,
                             &count, &error))
        return fail (error);
      if (count > 0)
        {
          fwrite (out->str, 1, out->len, stdout);
          fputc ('\n', stdout);
        }
    }
  return fflush (stdout) == 0 ? 0 : 1;
}

/* ---- main ---- */

static void
usage (void)
{
  g_printerr ("Usage: fieldcase-hq COMMAND [--db PATH] …\n"
              "  serve [--address IP] [--port N] [--tls-cert F --tls-key F]\n"
              "  enrol-code --outlet O [--engineer E] [--ttl-hours H] [--url URL]\n"
              "  revoke DEVICE-ID\n"
              "  devices\n"
              "  import KIND FILE      (models, installed, customers, parts, kb, sla_policy)\n"
              "  assign CASE ENGINEER\n"
              "  approve CASE [--comment TEXT] [--by NAME]\n"
              "  reject CASE --reason TEXT [--by NAME]\n"
              "  cases [--overdue]\n"
              "  feed [--since SEQ]    (NDJSON)\n");
}

int
main (int argc, char **argv)
{
  const char *cmd;
  int rc;

  setlocale (LC_ALL, "");
  /* stdout is for results (the bound port, NDJSON, tables); logs go to
   * stderr, or a server whose stdout pipe nobody reads would block. */
  g_log_writer_default_set_use_stderr (TRUE);
  if (argc < 2)
    {
      usage ();
      return 2;
    }
  cmd = argv[1];
  if (g_str_equal (cmd, "serve"))
    rc = cmd_serve (argc, argv);
  else if (g_str_equal (cmd, "enrol-code"))
    rc = cmd_enrol_code (argc, argv);
  else if (g_str_equal (cmd, "revoke"))
    rc = cmd_revoke (argc, argv);
  else if (g_str_equal (cmd, "devices"))
    rc = cmd_devices (argc, argv);
  else if (g_str_equal (cmd, "import"))
    rc = cmd_import (argc, argv);
  else if (g_str_equal (cmd, "assign"))
    rc = cmd_assign (argc, argv);
  else if (g_str_equal (cmd, "approve") || g_str_equal (cmd, "reject"))
    rc = cmd_decide (argc, argv, g_str_equal (cmd, "approve"));
  else if (g_str_equal (cmd, "cases"))
    rc = cmd_cases (argc, argv);
  else if (g_str_equal (cmd, "feed"))
    rc = cmd_feed (argc, argv);
  else
    {
      usage ();
      rc = 2;
    }
  g_clear_pointer (&opt_db, g_free);
  return rc;
}
