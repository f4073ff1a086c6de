/* fieldcase-sync: sync a Fieldcase store with HQ, without the GUI.
 *
 *   fieldcase-sync --enrol 'fieldcase-enrol:https://hq.example.com#K7Q2-9XPM-41ZD'
 *   fieldcase-sync --once            (the systemd timer's way)
 *   fieldcase-sync                   (a long-running scheduler)
 */
#include <locale.h>

#include "fc-sync-daemon.h"

int
main (int   argc,
      char *argv[])
{
  g_autofree char *store = NULL;
  g_autofree char *url = NULL;
  g_autofree char *enrol = NULL;
  g_autofree char *name = NULL;
  gboolean once = FALSE;
  g_autoptr(GOptionContext) ctx = g_option_context_new ("— sync a Fieldcase store with HQ");
  g_autoptr(GError) error = NULL;
  GOptionEntry entries[] = {
    { "store", 's', 0, G_OPTION_ARG_FILENAME, &store, "The store (default: $FIELDCASE_STORE "
      "or the user's data folder)", "PATH" },
    { "url", 'u', 0, G_OPTION_ARG_STRING, &url, "HQ address (default: the enrolment's)", "URL" },
    { "once", '1', 0, G_OPTION_ARG_NONE, &once, "One cycle, then exit with its status", NULL },
    { "enrol", 'e', 0, G_OPTION_ARG_STRING, &enrol, "Enrol with a code or a "
      "fieldcase-enrol: URI, then exit", "CODE" },
    { "name", 'n', 0, G_OPTION_ARG_STRING, &name, "Device name shown at HQ (enrolment)", "NAME" },
    { NULL }
  };

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      g_printerr ("fieldcase-sync: %s\n", error->message);
      return FC_SYNC_EXIT_SETUP;
    }
  if (enrol != NULL)
    return fc_sync_enrol_headless (store, url, enrol, name);
  return fc_sync_run_headless (store, url, once);
}
