/* fc-ui-actionables.c: see fc-ui-actionables.h.
 *
 * The GTK bug (seen with GTK 4.8.3, tests/ui-scan re-root widgets to
 * check it): a button whose "action-name" names an action installed with
 * gtk_widget_class_install_action() on an ancestor (the product card's
 * "card.*", the returns desk's "desk.*", the camera bar's actions) comes
 * out insensitive once that ancestor has been unparented and added again
 * somewhere else — the card and the desk move between the main window and
 * windows of their own, the camera view between pages. The action is there
 * and enabled, yet the button stays greyed out and pressing it does nothing:
 * its action helper keeps the "missing" state it observed while the widget
 * was detached and does not look the action up again when it is rooted.
 *
 * The workaround: when the widget is rooted, set each actionable's action
 * name to NULL and back. A new name makes the button's action helper drop
 * its old watch and look the action up afresh through its (now attached)
 * ancestors, so its sensitivity follows the action again. Clearing first
 * matters: setting the same name again is a no-op.
 *
 * Remove this (and its calls) once the app requires a GTK that re-queries
 * actions on re-rooting by itself.
 */
#include "fc-ui-actionables.h"

void
fc_ui_renew_actionables (GtkWidget *widget)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_ACTIONABLE (child) && gtk_actionable_get_action_name (GTK_ACTIONABLE (child)))
        {
          g_autofree char *name = g_strdup (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)));

          gtk_actionable_set_action_name (GTK_ACTIONABLE (child), NULL);
          gtk_actionable_set_action_name (GTK_ACTIONABLE (child), name);
        }
      fc_ui_renew_actionables (child);
    }
}
