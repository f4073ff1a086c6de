/* hq-victim: the reference HQ server in a process of its own, so that
 * test-sync-chaos can kill it with SIGKILL in the middle of a request.
 *
 *   hq-victim DB [PORT]     prints the port it listens on, then serves */
#include <stdio.h>
#include <stdlib.h>

#include "fc-hq-server.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FcHqServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  guint port;

  if (argc < 2)
    {
      g_printerr ("usage: hq-victim DB [PORT]\n");
      return 2;
    }
  server = fc_hq_server_new (argv[1], &error);
  if (server != NULL)
    port = fc_hq_server_listen (server, "127.0.0.1", argc > 2 ? (guint) atoi (argv[2]) : 0,
                                NULL, &error);
  if (server == NULL || port == 0)
    {
      g_printerr ("hq-victim: %s\n", error->message);
      return 1;
    }
  printf ("%u\n", port);
  fflush (stdout);
  loop = g_main_loop_new (NULL, FALSE);
  g_main_loop_run (loop);
  return 0;
}
