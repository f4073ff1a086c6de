/* fc-cli.h: what the command-line tool's files share.
 *
 * Every command is a function of its own argv (argv[0] is the command's
 * name) returning the exit status: 0 done, 1 bad input or a refused step
 * (nothing was changed), 2 a malformed command line.
 */
#pragma once

#include "fc-store.h"

G_BEGIN_DECLS

#define FC_CLI_OK    0
#define FC_CLI_INPUT 1
#define FC_CLI_USAGE 2

/* Global options (--store, --author), set before the command runs. */
extern char *fc_cli_store_path;
extern char *fc_cli_author;

/* The global options, to add to each command's own context. */
const GOptionEntry *fc_cli_global_entries (void);

/* Parses a command's options; prints the usage error itself. */
gboolean    fc_cli_parse        (GOptionContext *context,
                                 int            *argc,
                                 char         ***argv);
/* An existing store (reading, recording steps) … */
FcStore    *fc_cli_open_store   (GError **error);
/* … or one created if need be (init, import, open). */
FcStore    *fc_cli_create_store (GError **error);
const char *fc_cli_get_author   (void);

/* Print "fieldcase-cli: error: …" and return the exit status. */
int         fc_cli_fail         (const GError *error);
int         fc_cli_fail_usage   (const char *format, ...) G_GNUC_PRINTF (1, 2);
int         fc_cli_fail_input   (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* Local time for people: "2026-11-22 18:30". */
char       *fc_cli_format_time  (gint64 ms);
/* ISO 8601, or relative to now: "+3d", "+48h", "+30m", "-2h". */
char       *fc_cli_parse_time   (const char *text,
                                 gint64      now_ms,
                                 GError    **error);

/* A file read to be stored as a blob (signature, photo, attachment). */
typedef struct {
  GBytes *data;
  char   *mime;
  char   *sha256;   /* what the store will name it */
} FcCliBlob;
void        fc_cli_blob_free    (FcCliBlob *blob);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcCliBlob, fc_cli_blob_free)

/* Reads a file for a blob, refusing one over FC_BLOB_MAX_BYTES. */
FcCliBlob  *fc_cli_read_blob    (const char *path,
                                 GError    **error);

/* Records @type on @case_id with @payload, after storing @blobs
 * (FcCliBlob*), all in one transaction. */
FcEvent    *fc_cli_record_with_blobs (FcStore    *store,
                                      const char *case_id,
                                      const char *type,
                                      JsonObject *payload,
                                      GPtrArray  *blobs,
                                      GError    **error);

int fc_cli_cmd_step    (int argc, char **argv);   /* respond, assign, diagnose, … */
gboolean fc_cli_is_step (const char *command);
void fc_cli_print_step_help (GString *out);
int fc_cli_cmd_open    (int argc, char **argv);
int fc_cli_cmd_attach  (int argc, char **argv);
int fc_cli_cmd_show    (int argc, char **argv);
int fc_cli_cmd_list    (int argc, char **argv);
int fc_cli_cmd_urgent  (int argc, char **argv);
int fc_cli_cmd_search  (int argc, char **argv);
int fc_cli_cmd_lookup  (int argc, char **argv);
int fc_cli_cmd_export  (int argc, char **argv);
int fc_cli_cmd_demo    (int argc, char **argv);

G_END_DECLS
