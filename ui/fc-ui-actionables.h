/* fc-ui-actionables.h: a GTK 4.8 workaround for buttons of class actions
 * that stay insensitive after their widget is re-rooted. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Names the action of every actionable below @widget again (not @widget
 * itself), so each looks its action up afresh. Call it from a widget's
 * GtkWidgetClass.root, after chaining up. */
void fc_ui_renew_actionables (GtkWidget *widget);

G_END_DECLS
