/* main.c: the Fieldcase app — opens the store and hands it to the UI.
 *
 * fieldcase [--store PATH]; without --store: $FIELDCASE_STORE, else the
 * default store under $XDG_DATA_HOME (fc_store_default_path).
 */
#include <glib/gi18n.h>
#include <locale.h>

#include "fc-application.h"

static char *
parse_store_option (int    *argc,
                    char ***argv)
{
  char *store_path = NULL;
  const GOptionEntry entries[] = {
    { "store", 0, 0, G_OPTION_ARG_FILENAME, &store_path,
      N_("The case store to open (default: $FIELDCASE_STORE or the user's data folder)"), N_("PATH") },
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
  return store_path;
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
  g_autofree char *store_path = NULL;
  g_autoptr(FcStore) store = NULL;
  g_autoptr(FcApplication) app = NULL;
  g_autoptr(GError) error = NULL;

  setup_gettext ();
  store_path = parse_store_option (&argc, &argv);
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
