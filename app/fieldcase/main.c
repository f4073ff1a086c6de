/* main.c: the Fieldcase app — opens the store and hands it to the UI.
 *
 * fieldcase [--store PATH]; without --store: $FIELDCASE_STORE, else the
 * default store under $XDG_DATA_HOME (fc_store_default_path).
 *
 * fieldcase --sync-only [--once] [--store PATH]: syncs the store with HQ
 * without the GUI (what fieldcase-sync does), exiting with its status
 * (sync/fc-sync-daemon.h: 0 ok, 1 failed, 2 not enrolled, 3 setup).
 */
#include <glib/gi18n.h>
#include <locale.h>

#include "fc-application.h"
#include "fc-sync-daemon.h"

typedef struct {
  char     *store_path;
  gboolean  sync_only;
  gboolean  once;
} Options;

static void
parse_options (int     *argc,
               char  ***argv,
               Options *opts)
{
  const GOptionEntry entries[] = {
    { "store", 0, 0, G_OPTION_ARG_FILENAME, &opts->store_path,
      N_("The case store to open (default: $FIELDCASE_STORE or the user's data folder)"), N_("PATH") },
    { "sync-only", 0, 0, G_OPTION_ARG_NONE, &opts->sync_only,
      N_("Sync the store with headquarters without opening a window"), NULL },
    { "once", 0, 0, G_OPTION_ARG_NONE, &opts->once,
      N_("With --sync-only: one sync, then exit with its status"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;

  /* GTK's and GApplication's own options pass through untouched. */
  g_option_context_set_ignore_unknown_options (context, TRUE);
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    g_printerr ("fieldcase: %s\n", error->message);
}

static void
setup_gettext (void)
{
  /* A build tree's translations (tools/screenshots.sh) or the installed ones. */
  const char *dir = g_getenv ("FIELDCASE_LOCALEDIR");

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, dir != NULL && *dir != '\0' ? dir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

int
main (int    argc,
      char **argv)
{
  Options opts = { NULL, FALSE, FALSE };
  g_autofree char *store_path = NULL;
  g_autoptr(FcStore) store = NULL;
  g_autoptr(FcApplication) app = NULL;
  g_autoptr(GError) error = NULL;

  setup_gettext ();
  parse_options (&argc, &argv, &opts);
  store_path = opts.store_path;
  /* Before anything of GTK: no display is opened, none is needed (a
   * systemd unit, a cron job, an SSH session). */
  if (opts.sync_only)
    return fc_sync_run_headless (store_path, NULL, opts.once);
  if (opts.once)
    g_printerr (_("fieldcase: --once only goes with --sync-only\n"));
  /* Opening an existing store is a file open and a version check; the
   * case table is only read once the window is on screen. */
  store = fc_store_new (store_path, &error);
  if (store == NULL)
    {
      g_printerr (_("fieldcase: cannot open the case store: %s\n"), error->message);
      return 1;
    }
  g_set_application_name (_("Fieldcase"));
  app = fc_application_new (store);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
