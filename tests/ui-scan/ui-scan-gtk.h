/* ui-scan-gtk.h: helpers for driving real widgets under Xvfb. */
#pragma once

#include <gtk/gtk.h>

/* Spins the main context until *@flag is set or @timeout_ms passes. */
static inline gboolean
spin_until (gboolean *flag, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!*flag && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);
  return *flag;
}

/* Spins for @ms of real time. */
static inline void
spin_for (guint ms)
{
  gboolean never = FALSE;

  spin_until (&never, ms);
}

/* Draws @data as @type with zint into @dir, returns the PNG path. */
static inline char *
zint_png (const char *dir, const char *name, const char *type, const char *data, gboolean gs1)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.png", dir, name);
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "zint", "-b", type, "--scale=2", "-o", path, "-d", data,
                         gs1 ? "--gs1" : NULL, NULL };
  int status = 0;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                               G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                               G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_cmpint (status, ==, 0);
  return g_steal_pointer (&path);
}

static inline gboolean
have_program (const char *name)
{
  g_autofree char *path = g_find_program_in_path (name);

  return path != NULL;
}

/* Renders @window as it is on screen into a PNG (screenshots for docs). */
static inline void
save_window_png (GtkWindow *window, const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  int w = gtk_widget_get_width (GTK_WIDGET (window));
  int h = gtk_widget_get_height (GTK_WIDGET (window));
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

