/* fc-ui-test-util.h: what the UI tests share — a temporary store with
 * reference data, a fixed clock, and spinning the main context until a
 * condition holds (with a deadline, never a fixed number of iterations). */
#pragma once

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "fc-store.h"

/* 2026-11-22 09:00 UTC: the tests' "now". */
#define FC_UI_TEST_NOW G_GINT64_CONSTANT (1795338000000)

typedef struct {
  char      *dir;
  FcClock   *clock;
  FcStore   *store;
  GSettings *settings;
} FcUiFixture;

static const char fc_ui_test_models[] =
  "model,name,category,warranty_months\n"
  "KFR-35GW,分体空调 1.5 匹 / Split air conditioner,air_conditioner,36\n";
static const char fc_ui_test_customers[] =
  "id,name,phone,address\n"
  "cu-001,张伟,13800000001,上海市浦东新区示例路 1 号\n";
static const char fc_ui_test_installed[] =
  "serial,gtin,model,customer_id,sale_date,warranty_end\n"
  "AC-24-0001,6901234000351,KFR-35GW,cu-001,2025-05-18,\n";
static const char fc_ui_test_parts[] =
  "part_number,gtin,name,models\n"
  "P-FILTER-35,6901234100358,空调过滤网 / Air filter,KFR-35GW\n";
static const char fc_ui_test_van[] =
  "part_number,quantity\n"
  "P-FILTER-35,20\n";
static const char fc_ui_test_kb[] =
  "id,model,symptom,cause,fix\n"
  "kb-ac-filter-en,KFR-35GW,Air conditioner cools poorly,Clogged filter,Clean the filter\n";

static inline void
fc_ui_fixture_import (FcStore *store)
{
  const struct { FcRefKind kind; const char *csv; } tables[] = {
    { FC_REF_MODELS, fc_ui_test_models }, { FC_REF_CUSTOMERS, fc_ui_test_customers },
    { FC_REF_INSTALLED, fc_ui_test_installed }, { FC_REF_PARTS, fc_ui_test_parts },
    { FC_REF_VAN_STOCK, fc_ui_test_van }, { FC_REF_KB, fc_ui_test_kb },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autoptr(GError) error = NULL;
      fc_store_import_csv (store, tables[i].kind, tables[i].csv, strlen (tables[i].csv), &error);
      g_assert_no_error (error);
    }
}

static inline void
fc_ui_fixture_set_up (FcUiFixture   *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("fieldcase-ui-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "store.db", NULL);
  f->clock = fc_clock_new ();
  fc_clock_set_fixed_ms (f->clock, FC_UI_TEST_NOW);
  f->store = fc_store_new_with_clock (path, f->clock, &error);
  g_assert_no_error (error);
  fc_ui_fixture_import (f->store);
  /* The memory backend (GSETTINGS_BACKEND=memory): nothing leaks out. */
  f->settings = g_settings_new ("org.fieldcase.Fieldcase");
  g_settings_set_string (f->settings, "engineer-name", "Wang Engineer");
  g_settings_set_string (f->settings, "last-filter", "open");
}

static inline void
fc_ui_fixture_tear_down (FcUiFixture   *f,
                         gconstpointer  data)
{
  g_autoptr(GDir) d = NULL;
  const char *name;

  g_clear_object (&f->settings);
  g_clear_object (&f->store);
  g_clear_object (&f->clock);
  d = g_dir_open (f->dir, 0, NULL);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);
      g_remove (p);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

/* Spins the default main context until @cond is true or @ms pass. */
#define FC_SPIN_UNTIL(cond, ms)                                              \
  G_STMT_START {                                                             \
    gint64 fc_deadline_ = g_get_monotonic_time () + (ms) * 1000;             \
    while (!(cond) && g_get_monotonic_time () < fc_deadline_)                \
      if (!g_main_context_iteration (NULL, FALSE))                           \
        g_usleep (1000);                                                     \
    g_assert_true (cond);                                                    \
  } G_STMT_END

/* Lets pending idles and frames run for @ms. */
static inline void
fc_spin_for (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    if (!g_main_context_iteration (NULL, FALSE))
      g_usleep (1000);
}

/* The first button (depth first) whose action is @action, or NULL. */
static inline GtkWidget *
fc_find_action_button (GtkWidget  *root,
                       const char *action)
{
  if (GTK_IS_ACTIONABLE (root) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (root)), action) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = fc_find_action_button (c, action);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Whether the button for @action can be pressed: what the user sees. */
static inline gboolean
fc_action_enabled (GtkWidget  *root,
                   const char *action)
{
  GtkWidget *button = fc_find_action_button (root, action);

  g_assert_nonnull (button);
  return gtk_widget_is_sensitive (button);
}

static inline void
fc_set_text (GtkWidget  *editable,
             const char *text)
{
  g_assert_true (GTK_IS_EDITABLE (editable));
  gtk_editable_set_text (GTK_EDITABLE (editable), text);
}

static inline guint
fc_count_events (FcStore    *store,
                 const char *case_id)
{
  g_autoptr(GPtrArray) events = fc_store_list_events (store, case_id, NULL);

  return events != NULL ? events->len : 0;
}

static inline FcCaseState
fc_case_state_of (FcStore    *store,
                  const char *case_id)
{
  g_autoptr(FcCase) c = fc_store_get_case (store, case_id, NULL);

  g_assert_nonnull (c);
  return fc_case_get_state (c);
}

/* The first widget of @type in @root's tree, depth first (@root included). */
static inline GtkWidget *
fc_ui_test_find_child (GtkWidget *root,
                       GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = fc_ui_test_find_child (c, type);
      if (found != NULL)
        return found;
    }
  return NULL;
}
