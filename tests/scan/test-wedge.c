/* test-wedge.c: keyboard-wedge detection on synthetic key timings.
 *
 * A small simulator stands in for the GTK layer: it feeds keys with chosen
 * gaps, runs the detector's deadline like a main-loop timer would, and
 * records what the focused widget would have received ("typed") and what
 * was reported as scans. */
#include "fc-wedge-detector.h"

#define MS G_TIME_SPAN_MILLISECOND

typedef struct {
  FcWedgeDetector *det;
  GString         *typed;   /* released text and passed keys (⏎, ⇥, ⌫) */
  GPtrArray       *scans;   /* char* */
  gint64           now;
  GRand           *rand;
  guint            n_holds, n_scanned_verdicts;
} Sim;

static void
scanned_cb (FcWedgeDetector *det, const char *code, Sim *s)
{
  g_ptr_array_add (s->scans, g_strdup (code));
}

static void
released_cb (FcWedgeDetector *det, const char *text, Sim *s)
{
  g_string_append (s->typed, text);
}

static void
sim_init (Sim *s, guint32 seed)
{
  s->det = fc_wedge_detector_new ();
  s->typed = g_string_new (NULL);
  s->scans = g_ptr_array_new_with_free_func (g_free);
  s->now = 1000 * MS;
  s->rand = g_rand_new_with_seed (seed);
  s->n_holds = s->n_scanned_verdicts = 0;
  g_signal_connect (s->det, "scanned", G_CALLBACK (scanned_cb), s);
  g_signal_connect (s->det, "released", G_CALLBACK (released_cb), s);
}

static void
sim_clear (Sim *s)
{
  g_clear_object (&s->det);
  g_string_free (s->typed, TRUE);
  g_ptr_array_unref (s->scans);
  g_rand_free (s->rand);
}

/* Lets time pass, running the deadline timer if it falls due. */
static void
sim_wait (Sim *s, gint64 us)
{
  gint64 deadline;

  s->now += us;
  deadline = fc_wedge_detector_get_deadline (s->det);
  if (deadline != 0 && deadline <= s->now)
    fc_wedge_detector_flush (s->det, deadline);
}

static void
sim_key (Sim *s, FcWedgeKey key, gunichar ch, gint64 gap_us)
{
  FcWedgeVerdict v;

  sim_wait (s, gap_us);
  v = fc_wedge_detector_feed (s->det, key, ch, s->now);
  if (v == FC_WEDGE_VERDICT_HOLD)
    s->n_holds++;
  else if (v == FC_WEDGE_VERDICT_SCANNED)
    s->n_scanned_verdicts++;
  else if (key == FC_WEDGE_KEY_ENTER)
    g_string_append (s->typed, "⏎");
  else if (key == FC_WEDGE_KEY_TAB)
    g_string_append (s->typed, "⇥");
  else if (key == FC_WEDGE_KEY_OTHER)
    g_string_append (s->typed, "⌫");
  else
    g_string_append_unichar (s->typed, ch);  /* never: characters are held first */
}

/* Types @text with gaps drawn from [lo_ms, hi_ms]; '\n' is Enter, '\t' Tab,
 * '\x1d' Ctrl+], '\b' another key. */
static void
sim_type (Sim *s, const char *text, double lo_ms, double hi_ms)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);
      gint64 gap = (gint64) (g_rand_double_range (s->rand, lo_ms, hi_ms) * MS);
      FcWedgeKey key = ch == '\n' ? FC_WEDGE_KEY_ENTER
                       : ch == '\t' ? FC_WEDGE_KEY_TAB
                       : ch == 0x1d ? FC_WEDGE_KEY_GS
                       : ch == '\b' ? FC_WEDGE_KEY_OTHER : FC_WEDGE_KEY_CHAR;
      sim_key (s, key, ch, gap);
    }
}

static void
assert_scans (Sim *s, const char *const *expected)
{
  guint n = expected != NULL ? g_strv_length ((char **) expected) : 0;

  g_assert_cmpuint (s->scans->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (g_ptr_array_index (s->scans, i), ==, expected[i]);
}

static void
test_scanner_burst (void)
{
  for (guint32 seed = 1; seed <= 50; seed++)
    {
      Sim s;
      const char *expected[] = { "4006381333931", NULL };

      sim_init (&s, seed);
      sim_type (&s, "4006381333931\n", 1, 16);
      sim_wait (&s, 1000 * MS);
      assert_scans (&s, expected);
      g_assert_cmpstr (s.typed->str, ==, "");
      g_assert_cmpuint (s.n_holds, ==, 13);
      g_assert_cmpuint (s.n_scanned_verdicts, ==, 1);
      g_assert_false (fc_wedge_detector_is_holding (s.det));
      sim_clear (&s);
    }
}

static void
test_slow_scanner (void)
{
  Sim s;
  const char *expected[] = { "SN-000187-A", NULL };

  sim_init (&s, 7);
  sim_type (&s, "SN-000187-A\n", 24, 25);
  assert_scans (&s, expected);
  g_assert_cmpstr (s.typed->str, ==, "");
  sim_clear (&s);
}

static void
test_fast_typist (void)
{
  const char *texts[] = { "hello world 12345\n", "SN12345\n", "4006381333931\n", "abcd\t" };

  /* People at 60–150 ms per key, many runs: never a scan, every key arrives
   * in order. */
  for (guint32 seed = 1; seed <= 200; seed++)
    {
      const char *text = texts[seed % G_N_ELEMENTS (texts)];
      g_autofree char *want = NULL;
      g_autoptr(GString) w = g_string_new (text);
      Sim s;

      g_string_replace (w, "\n", "⏎", 0);
      g_string_replace (w, "\t", "⇥", 0);
      want = g_string_free (g_steal_pointer (&w), FALSE);
      sim_init (&s, seed);
      sim_type (&s, text, seed % 2 ? 60 : 80, seed % 3 ? 120 : 150);
      sim_wait (&s, 1000 * MS);
      assert_scans (&s, NULL);
      g_assert_cmpstr (s.typed->str, ==, want);
      sim_clear (&s);
    }
}

static void
test_typist_rollover (void)
{
  Sim s;

  /* Two keys pressed almost together (a 15 ms rollover) now and then are
   * still typing: a burst needs 4 characters. */
  sim_init (&s, 3);
  sim_type (&s, "ab", 100, 100);
  sim_type (&s, "cd", 15, 15);
  sim_type (&s, "ef", 90, 90);
  sim_type (&s, "gh", 12, 12);
  sim_type (&s, "\n", 15, 15);
  assert_scans (&s, NULL);
  g_assert_cmpstr (s.typed->str, ==, "abcdefgh⏎");
  sim_clear (&s);
}

static void
test_mixed (void)
{
  Sim s;
  const char *expected[] = { "SN12345", "0109501101530003", NULL };

  sim_init (&s, 11);
  sim_type (&s, "abc", 90, 130);
  sim_wait (&s, 500 * MS);
  sim_type (&s, "SN12345\n", 2, 8);
  sim_type (&s, "x\b", 150, 200);
  sim_wait (&s, 300 * MS);
  sim_type (&s, "0109501101530003\n", 1, 4);
  sim_type (&s, "yz\n", 100, 140);
  assert_scans (&s, expected);
  g_assert_cmpstr (s.typed->str, ==, "abcx⌫yz⏎");
  sim_clear (&s);
}

static void
test_gs_key (void)
{
  Sim s;
  const char *expected[] = { "0109501101530003" "21ABC\x1d" "10XYZ", NULL };

  sim_init (&s, 5);
  sim_type (&s, "0109501101530003" "21ABC\x1d" "10XYZ\n", 2, 6);
  assert_scans (&s, expected);
  sim_clear (&s);
}

static void
test_gs_substitute (void)
{
  Sim s;
  const char *expected[] = { "0109501101530003" "21ABC\x1d" "10XYZ", NULL };

  sim_init (&s, 5);
  fc_wedge_detector_set_gs_substitute (s.det, '~');
  sim_type (&s, "0109501101530003" "21ABC~10XYZ\n", 2, 6);
  /* Typed by a person, the substitute stays what it is. */
  sim_type (&s, "a~b\n", 100, 100);
  assert_scans (&s, expected);
  g_assert_cmpstr (s.typed->str, ==, "a~b⏎");
  sim_clear (&s);
}

static void
test_prefix_suffix (void)
{
  Sim s;
  const char *expected[] = { "SN1234", "PN77", "]C1PN88", NULL };

  sim_init (&s, 9);
  g_object_set (s.det, "prefix", "]C1", "suffix", "#", NULL);
  sim_type (&s, "]C1SN1234#\n", 3, 5);
  sim_type (&s, "PN77\n", 3, 5);              /* affixes are optional */
  fc_wedge_detector_set_prefix (s.det, "");   /* empty means none */
  g_assert_null (fc_wedge_detector_get_prefix (s.det));
  sim_type (&s, "]C1PN88#\n", 3, 5);
  assert_scans (&s, expected);
  sim_clear (&s);
}

static void
test_only_affixes (void)
{
  Sim s;

  /* A burst that is nothing but prefix + suffix is no code: released. */
  sim_init (&s, 9);
  fc_wedge_detector_set_prefix (s.det, "AB");
  fc_wedge_detector_set_suffix (s.det, "CD");
  sim_type (&s, "ABCD\n", 3, 5);
  assert_scans (&s, NULL);
  g_assert_cmpstr (s.typed->str, ==, "ABCD⏎");
  sim_clear (&s);
}

static void
test_terminators (void)
{
  Sim s;
  const char *expected[] = { "TAB1234", NULL };

  sim_init (&s, 13);
  sim_type (&s, "TAB1234\t", 3, 5);
  fc_wedge_detector_set_terminators (s.det, FC_WEDGE_TERMINATOR_ENTER);
  sim_type (&s, "TAB5678\t", 3, 5);  /* Tab no longer ends a scan */
  assert_scans (&s, expected);
  g_assert_cmpstr (s.typed->str, ==, "TAB5678⇥");
  sim_clear (&s);
}

static void
test_no_terminator (void)
{
  Sim s;
  const char *expected[] = { "4006381333931", NULL };

  /* A scanner set to send no terminator: silence ends the scan. */
  sim_init (&s, 17);
  fc_wedge_detector_set_terminators (s.det, FC_WEDGE_TERMINATOR_NONE);
  sim_type (&s, "4006381333931", 2, 10);
  g_assert_true (fc_wedge_detector_is_holding (s.det));
  sim_wait (&s, 100 * MS);
  sim_type (&s, "ab", 100, 100);
  sim_wait (&s, 100 * MS);
  assert_scans (&s, expected);
  g_assert_cmpstr (s.typed->str, ==, "ab");
  sim_clear (&s);
}

static void
test_short_burst (void)
{
  Sim s;

  sim_init (&s, 19);
  sim_type (&s, "abc\n", 3, 5);        /* under min-length */
  sim_type (&s, "abcdef", 3, 5);
  sim_type (&s, "\n", 50, 50);        /* Enter too late after the burst */
  sim_type (&s, "ab\bcd\n", 3, 5);     /* another key breaks the burst */
  assert_scans (&s, NULL);
  g_assert_cmpstr (s.typed->str, ==, "abc⏎abcdef⏎ab⌫cd⏎");
  sim_clear (&s);
}

static void
test_deadline (void)
{
  g_autoptr(FcWedgeDetector) det = fc_wedge_detector_new ();

  g_assert_cmpint (fc_wedge_detector_get_deadline (det), ==, 0);
  g_assert_cmpint (fc_wedge_detector_feed (det, FC_WEDGE_KEY_CHAR, 'a', 1000), ==,
                   FC_WEDGE_VERDICT_HOLD);
  g_assert_cmpint (fc_wedge_detector_get_deadline (det), ==, 1000 + 30 * MS + 1);
  g_assert_false (fc_wedge_detector_flush (det, 1000 + 30 * MS));  /* not yet */
  g_assert_true (fc_wedge_detector_is_holding (det));
  g_assert_true (fc_wedge_detector_flush (det, 1000 + 30 * MS + 1));
  g_assert_false (fc_wedge_detector_is_holding (det));
  /* A clock going backwards releases rather than glues keys together. */
  fc_wedge_detector_feed (det, FC_WEDGE_KEY_CHAR, 'a', 5000);
  fc_wedge_detector_feed (det, FC_WEDGE_KEY_CHAR, 'b', 4000);
  fc_wedge_detector_reset (det);
  g_assert_false (fc_wedge_detector_is_holding (det));
  /* Control characters are not characters. */
  g_assert_cmpint (fc_wedge_detector_feed (det, FC_WEDGE_KEY_CHAR, 0x07, 9000), ==,
                   FC_WEDGE_VERDICT_PASS);
}

static void
test_max_length (void)
{
  Sim s;
  g_autofree char *burst = g_strnfill (FC_WEDGE_MAX_CODE_LENGTH + 20, '7');

  sim_init (&s, 23);
  sim_type (&s, burst, 1, 2);
  sim_type (&s, "\n", 1, 2);
  /* The first 512 keys were handed back; no buffer grows without bound. */
  g_assert_cmpuint (s.typed->len, ==, FC_WEDGE_MAX_CODE_LENGTH);
  g_assert_cmpuint (s.scans->len, ==, 1);
  sim_clear (&s);
}

static void
notify_cb (GObject *obj, GParamSpec *pspec, guint *count)
{
  (*count)++;
}

static void
test_properties (void)
{
  g_autoptr(FcWedgeDetector) det = fc_wedge_detector_new ();
  guint notified = 0;
  gint64 gap = 0;
  guint min = 0, sub = 0;
  FcWedgeTerminator term = 0;

  g_signal_connect (det, "notify", G_CALLBACK (notify_cb), &notified);
  g_object_get (det, "max-gap", &gap, "min-length", &min, "terminators", &term, NULL);
  g_assert_cmpint (gap, ==, 30 * MS);
  g_assert_cmpuint (min, ==, 4);
  g_assert_cmpuint (term, ==, FC_WEDGE_TERMINATOR_ENTER | FC_WEDGE_TERMINATOR_TAB);
  g_object_set (det, "max-gap", (gint64) 40 * MS, "min-length", 6, "gs-substitute", '^', NULL);
  g_assert_cmpuint (notified, ==, 3);
  fc_wedge_detector_set_max_gap (det, 40 * MS);  /* unchanged: no notify */
  g_assert_cmpuint (notified, ==, 3);
  g_object_get (det, "gs-substitute", &sub, NULL);
  g_assert_cmpuint (sub, ==, '^');
  g_assert_cmpuint (fc_wedge_detector_get_min_length (det), ==, 6);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/wedge/scanner-burst", test_scanner_burst);
  g_test_add_func ("/wedge/slow-scanner", test_slow_scanner);
  g_test_add_func ("/wedge/fast-typist", test_fast_typist);
  g_test_add_func ("/wedge/typist-rollover", test_typist_rollover);
  g_test_add_func ("/wedge/mixed", test_mixed);
  g_test_add_func ("/wedge/gs-key", test_gs_key);
  g_test_add_func ("/wedge/gs-substitute", test_gs_substitute);
  g_test_add_func ("/wedge/prefix-suffix", test_prefix_suffix);
  g_test_add_func ("/wedge/only-affixes", test_only_affixes);
  g_test_add_func ("/wedge/terminators", test_terminators);
  g_test_add_func ("/wedge/no-terminator", test_no_terminator);
  g_test_add_func ("/wedge/short-burst", test_short_burst);
  g_test_add_func ("/wedge/deadline", test_deadline);
  g_test_add_func ("/wedge/max-length", test_max_length);
  g_test_add_func ("/wedge/properties", test_properties);
  return g_test_run ();
}
