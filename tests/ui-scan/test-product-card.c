/* test-product-card.c: FcProductCard on a real store, in a real window. */
#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "fc-product-card.h"
#include "ui-scan-fixture.h"
#include "ui-scan-gtk.h"

typedef struct {
  ScanFixture    base;
  GtkWindow     *window;
  FcProductCard *card;
  char          *requested;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  scan_fixture_setup (&f->base, data);
  f->window = GTK_WINDOW (gtk_window_new ());
  f->card = FC_PRODUCT_CARD (fc_product_card_new (f->base.store));
  gtk_window_set_child (f->window, GTK_WIDGET (f->card));
  gtk_window_present (f->window);
  spin_for (30);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (f->window);
  spin_for (10);
  g_free (f->requested);
  scan_fixture_teardown (&f->base, data);
}

/* The text of the first GtkLabel inside @w whose text contains @needle,
 * or NULL: the card is checked by what it shows. */
static const char *
find_label (GtkWidget *w, const char *needle)
{
  if (GTK_IS_LABEL (w) && gtk_widget_get_mapped (w) &&
      strstr (gtk_label_get_text (GTK_LABEL (w)), needle) != NULL)
    return gtk_label_get_text (GTK_LABEL (w));
  for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
    {
      const char *found;

      if (!gtk_widget_get_mapped (c))
        continue;
      found = find_label (c, needle);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_known_unit (Fixture *f, gconstpointer data)
{
  GListModel *cases;

  fc_product_card_set_serial (f->card, "RT-0003");
  spin_for (30);
  g_assert_true (fc_product_card_get_known (f->card));
  g_assert_nonnull (find_label (GTK_WIDGET (f->card), "Smartphone P30"));
  g_assert_nonnull (find_label (GTK_WIDGET (f->card), "张三"));
  g_assert_cmpstr (find_label (GTK_WIDGET (f->card), "In warranty"), ==, "In warranty");
  g_assert_nonnull (find_label (GTK_WIDGET (f->card), "Until 2027-11-20"));
  cases = fc_product_card_get_cases (f->card);
  g_assert_cmpuint (g_list_model_get_n_items (cases), ==, 1);
  /* The past case is drawn as a row. */
  g_assert_nonnull (find_label (GTK_WIDGET (f->card), "fixture case"));
  g_assert_null (find_label (GTK_WIDGET (f->card), "No earlier cases"));

  fc_product_card_set_serial (f->card, "OLD-1");
  spin_for (30);
  g_assert_cmpstr (find_label (GTK_WIDGET (f->card), "warranty"), ==, "Out of warranty");
  g_assert_nonnull (find_label (GTK_WIDGET (f->card), "Ended 2021-01-01"));
  g_assert_nonnull (find_label (GTK_WIDGET (f->card), "No earlier cases"));

  /* By the GTIN only one unit carries. */
  fc_product_card_set_serial (f->card, "4006381333931");
  g_assert_cmpstr (fc_product_card_get_serial (f->card), ==, "RT-0001");
}

static void
test_unknown_unit (Fixture *f, gconstpointer data)
{
  fc_product_card_set_serial (f->card, "ZZ-404");
  spin_for (30);
  g_assert_false (fc_product_card_get_known (f->card));
  g_assert_nonnull (find_label (GTK_WIDGET (f->card), "Not in the Installed Base"));
  g_assert_null (find_label (GTK_WIDGET (f->card), "warranty"));
}

static void
requested_cb (FcProductCard *card, const char *serial, Fixture *f)
{
  g_free (f->requested);
  f->requested = g_strdup (serial);
}

static void
win_new_case_cb (GSimpleAction *action, GVariant *param, Fixture *f)
{
  g_free (f->requested);
  f->requested = g_strdup_printf ("win:%s", g_variant_get_string (param, NULL));
}

static void
test_new_case (Fixture *f, gconstpointer data)
{
  g_autoptr(GSimpleActionGroup) win = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) new_case = g_simple_action_new ("new-case", G_VARIANT_TYPE_STRING);

  g_signal_connect (f->card, "new-case-requested", G_CALLBACK (requested_cb), f);
  fc_product_card_set_serial (f->card, "RT-0002");
  spin_for (30);
  g_assert_true (gtk_widget_is_sensitive (gtk_widget_get_last_child (GTK_WIDGET (f->card))));
  /* No win.new-case here: the signal. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->card), "card.new-case", NULL));
  g_assert_cmpstr (f->requested, ==, "RT-0002");

  /* With the main window's action: the action, with the serial. */
  g_signal_connect (new_case, "activate", G_CALLBACK (win_new_case_cb), f);
  g_action_map_add_action (G_ACTION_MAP (win), G_ACTION (new_case));
  gtk_widget_insert_action_group (GTK_WIDGET (f->window), "win", G_ACTION_GROUP (win));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->card), "card.new-case", NULL));
  g_assert_cmpstr (f->requested, ==, "win:RT-0002");

  /* Moved to another parent, the button still works. */
  g_object_ref (f->card);
  gtk_window_set_child (f->window, NULL);
  gtk_window_set_child (f->window, GTK_WIDGET (f->card));
  g_object_unref (f->card);
  spin_for (30);
  g_assert_true (gtk_widget_is_sensitive (gtk_widget_get_last_child (GTK_WIDGET (f->card))));
}

static void
test_screenshots (gconstpointer data)
{
  const char *dir = g_getenv ("FC_SCREENSHOT_DIR");
  const char *suffix = g_getenv ("FC_SCREENSHOT_SUFFIX");
  static const int sizes[][2] = { { 1280, 800 }, { 360, 720 } };

  if (dir == NULL)
    {
      g_test_skip ("set FC_SCREENSHOT_DIR to save screenshots");
      return;
    }
  if (suffix == NULL)
    suffix = "";
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      Fixture f = { 0 };
      g_autofree char *path = g_strdup_printf ("%s/scan-product-card-%dx%d%s.png", dir,
                                               sizes[i][0], sizes[i][1], suffix);
      g_autofree char *repair = NULL;
      GtkWidget *scroller = gtk_scrolled_window_new ();
      GtkWidget *clamp = adw_clamp_new ();

      scan_fixture_setup (&f.base, NULL);
      /* A unit with history: the fixture's return and a repair. */
      repair = scan_fixture_open_case (&f.base, "repair", "RT-0003");
      f.window = GTK_WINDOW (gtk_window_new ());
      f.card = FC_PRODUCT_CARD (fc_product_card_new (f.base.store));
      gtk_widget_set_margin_start (GTK_WIDGET (f.card), 12);
      gtk_widget_set_margin_end (GTK_WIDGET (f.card), 12);
      gtk_widget_set_margin_top (GTK_WIDGET (f.card), 24);
      gtk_widget_set_margin_bottom (GTK_WIDGET (f.card), 24);
      adw_clamp_set_child (ADW_CLAMP (clamp), GTK_WIDGET (f.card));
      gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), clamp);
      gtk_window_set_child (f.window, scroller);
      gtk_window_set_default_size (f.window, sizes[i][0], sizes[i][1]);
      gtk_window_present (f.window);
      fc_product_card_set_serial (f.card, "RT-0003");
      spin_for (400);
      g_assert_true (gtk_widget_is_sensitive (gtk_widget_get_last_child (GTK_WIDGET (f.card))));
      save_window_png (f.window, path);
      g_test_message ("saved %s", path);
      teardown (&f, NULL);
    }
}

int
main (int argc, char **argv)
{
  /* Screenshots in another language: FC_LOCALEDIR holds its .mo files. */
  if (g_getenv ("FC_LOCALEDIR") != NULL)
    {
      /* gtk_test_init() keeps the C locale: ask for the environment's. */
      setlocale (LC_ALL, "");
      bindtextdomain (GETTEXT_PACKAGE, g_getenv ("FC_LOCALEDIR"));
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
    }
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  g_test_add ("/product-card/known", Fixture, NULL, setup, test_known_unit, teardown);
  g_test_add ("/product-card/unknown", Fixture, NULL, setup, test_unknown_unit, teardown);
  g_test_add ("/product-card/new-case", Fixture, NULL, setup, test_new_case, teardown);
  g_test_add_data_func ("/product-card/screenshots", NULL, test_screenshots);
  return g_test_run ();
}
