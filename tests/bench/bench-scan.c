/* bench-scan.c: FcDecoder against zbarimg on the scan corpus.
 *
 * For each damage variant (clean, rotated, blurred, noisy, low contrast,
 * small) and each code of tests/scan/scan-corpus.c, draws --seeds frames of
 * 1280×720 (seed 0 is the test's fixed frame, others randomise strength,
 * angle and place), then reports per variant:
 *  - FcDecoder, still mode (fast pass, full + inverted pass if nothing):
 *    decode rate, median and p95 ms per frame, misreads accepted;
 *  - FcDecoder, live mode (fast pass only): rate, median, p95;
 *  - zbarimg --nodbus -q --raw, one process per frame as an app would call
 *    it: rate, misreads, median ms per call (wall, process start included),
 *    and ms per frame when one process reads all the variant's frames.
 * The DataBar Expanded code zbar misreads is reported apart: FcDecoder must
 * refuse it, zbarimg prints the wrong text.
 *
 *   bench-scan [--seeds N] [--zint PATH] [--zbarimg PATH] [--no-zbarimg]
 *
 * Tables go to stdout in Markdown, progress to stderr.
 */
#include <glib/gstdio.h>
#include <string.h>

#include "fc-decoder.h"
#include "scan-corpus.h"

typedef struct {
  guint   frames, decoded, misreads, refused;
  GArray *ms;            /* double: decode time per frame */
} Stats;

typedef struct {
  Stats    still, live, zbar;
  double   zbar_batch_ms; /* per frame, one process for all frames */
} VariantStats;

static int      opt_seeds = 8;
static char    *opt_zint;
static char    *opt_zbarimg;
static gboolean opt_no_zbarimg;

static const GOptionEntry entries[] = {
  { "seeds", 0, 0, G_OPTION_ARG_INT, &opt_seeds, "Frames per code and variant (8)", "N" },
  { "zint", 0, 0, G_OPTION_ARG_FILENAME, &opt_zint, "zint to draw the codes", "PATH" },
  { "zbarimg", 0, 0, G_OPTION_ARG_FILENAME, &opt_zbarimg, "zbarimg to compare with", "PATH" },
  { "no-zbarimg", 0, 0, G_OPTION_ARG_NONE, &opt_no_zbarimg, "Skip zbarimg", NULL },
  { NULL }
};

static void
stats_init (Stats *s)
{
  memset (s, 0, sizeof *s);
  s->ms = g_array_new (FALSE, FALSE, sizeof (double));
}

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static double
percentile (GArray *values, double p)
{
  gsize i;

  if (values->len == 0)
    return 0;
  g_array_sort (values, cmp_double);
  i = (gsize) (p * (values->len - 1) + 0.5);
  return g_array_index (values, double, i);
}

static gboolean
text_matches (const CorpusCode *code, const char *text, gsize len)
{
  return (strlen (code->expected) == len && memcmp (code->expected, text, len) == 0)
         || (code->zbarimg_text != NULL && strlen (code->zbarimg_text) == len
             && memcmp (code->zbarimg_text, text, len) == 0);
}

/* Decodes with FcDecoder, timing the call. */
static void
run_decoder (FcDecoder *decoder, const CorpusImage *frame, const CorpusCode *code,
             FcDecodeMode mode, Stats *s)
{
  gint64 t0 = g_get_monotonic_time ();
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(GPtrArray) results = fc_decoder_decode_gray (decoder, frame->pixels, frame->width,
                                                         frame->height, frame->width, mode,
                                                         &refused);
  double ms = (g_get_monotonic_time () - t0) / 1000.0;
  gboolean ok = FALSE;

  g_array_append_val (s->ms, ms);
  s->frames++;
  s->refused += refused->len;
  for (guint i = 0; i < results->len; i++)
    {
      FcScanResult *r = g_ptr_array_index (results, i);
      if (text_matches (code, r->text, strlen (r->text)))
        {
          ok = TRUE;
          continue;
        }
      g_autofree char *shown = g_strescape (r->text, NULL);
      g_printerr ("  MISREAD accepted: %s %s \"%s\" (expected %s)\n",
                  mode == FC_DECODE_MODE_STILL ? "still" : "live",
                  fc_symbology_to_string (r->symbology), shown, code->name);
      s->misreads++;
    }
  s->decoded += ok && !code->zbar_misreads;
}

/* One zbarimg process per frame, as an application shelling out would. */
static void
run_zbarimg (const char *path, const CorpusCode *code, Stats *s)
{
  const char *argv[] = { opt_zbarimg, "--nodbus", "-q", "--raw", path, NULL };
  g_autofree char *out = NULL;
  gint64 t0 = g_get_monotonic_time ();
  gboolean ok = FALSE;
  double ms;
  int status;
  g_auto(GStrv) lines = NULL;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
                     NULL, &status, NULL))
    g_error ("cannot run %s", opt_zbarimg);
  ms = (g_get_monotonic_time () - t0) / 1000.0;
  g_array_append_val (s->ms, ms);
  s->frames++;
  lines = g_strsplit (out, "\n", -1);
  for (int i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '\0')
        continue;
      if (text_matches (code, lines[i], strlen (lines[i])))
        ok = TRUE;
      else
        s->misreads++;
    }
  s->decoded += ok && !code->zbar_misreads;
}

/* All the variant's frames in one zbarimg process: the per-frame cost
 * without the process start. */
static double
run_zbarimg_batch (GPtrArray *paths)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  gint64 t0;

  g_ptr_array_add (argv, opt_zbarimg);
  g_ptr_array_add (argv, "--nodbus");
  g_ptr_array_add (argv, "-q");
  for (guint i = 0; i < paths->len; i++)
    g_ptr_array_add (argv, paths->pdata[i]);
  g_ptr_array_add (argv, NULL);
  t0 = g_get_monotonic_time ();
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL,
                     G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
                     NULL, NULL, NULL))
    g_error ("cannot run %s", opt_zbarimg);
  return (g_get_monotonic_time () - t0) / 1000.0 / paths->len;
}

static gboolean
is_2d (const CorpusCode *code)
{
  return code->symbology == FC_SYMBOLOGY_QR || code->symbology == FC_SYMBOLOGY_GS1_QR;
}

static void
bench_variant (FcDecoder *decoder, CorpusImage **codes, CorpusVariant v, const char *tmpdir,
               VariantStats *vs)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  stats_init (&vs->still);
  stats_init (&vs->live);
  stats_init (&vs->zbar);
  for (gsize c = 0; c < corpus_n_codes; c++)
    for (int seed = 0; seed < opt_seeds; seed++)
      {
        const CorpusCode *code = &corpus_codes[c];
        g_autoptr(CorpusImage) frame = corpus_make_frame (codes[c], is_2d (code), v, seed);
        char *path = g_strdup_printf ("%s/%s-%s-%d.pgm", tmpdir, corpus_variant_name (v),
                                      code->name, seed);
        guint before = vs->still.decoded;

        run_decoder (decoder, frame, code, FC_DECODE_MODE_STILL, &vs->still);
        run_decoder (decoder, frame, code, FC_DECODE_MODE_LIVE, &vs->live);
        if (vs->still.decoded == before && !code->zbar_misreads)
          g_printerr ("  missed: %s %s seed %d\n", corpus_variant_name (v), code->name, seed);
        if (!opt_no_zbarimg)
          {
            if (!corpus_write_pgm (frame, path, NULL))
              g_error ("cannot write %s", path);
            run_zbarimg (path, code, &vs->zbar);
          }
        g_ptr_array_add (paths, path);
      }
  if (!opt_no_zbarimg)
    vs->zbar_batch_ms = run_zbarimg_batch (paths);
  for (guint i = 0; i < paths->len; i++)
    g_unlink (paths->pdata[i]);
}

static double
rate (const Stats *s, guint expected)
{
  return expected > 0 ? 100.0 * s->decoded / expected : 0;
}

static void
print_tables (VariantStats *vs)
{
  guint per_variant = (corpus_n_codes - 1) * opt_seeds;  /* the misread code never counts */

  g_print ("| variant | FcDecoder still: rate | median ms | p95 ms | misreads accepted | "
           "refused | live: rate | median ms | p95 ms | zbarimg: rate | misreads | "
           "ms/call (wall) | ms/frame (batch) |\n");
  g_print ("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (int v = 0; v < CORPUS_N_VARIANTS; v++)
    {
      Stats *st = &vs[v].still, *li = &vs[v].live, *zb = &vs[v].zbar;
      g_print ("| %s | %.1f %% | %.1f | %.1f | %u | %u | %.1f %% | %.1f | %.1f | ",
               corpus_variant_name (v), rate (st, per_variant), percentile (st->ms, 0.5),
               percentile (st->ms, 0.95), st->misreads, st->refused, rate (li, per_variant),
               percentile (li->ms, 0.5), percentile (li->ms, 0.95));
      if (opt_no_zbarimg)
        g_print ("– | – | – | – |\n");
      else
        g_print ("%.1f %% | %u | %.1f | %.1f |\n", rate (zb, per_variant), zb->misreads,
                 percentile (zb->ms, 0.5), vs[v].zbar_batch_ms);
    }
}

static void
print_totals (VariantStats *vs)
{
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) all_live = g_array_new (FALSE, FALSE, sizeof (double));
  guint misreads = 0, zmisreads = 0;

  for (int v = 0; v < CORPUS_N_VARIANTS; v++)
    {
      g_array_append_vals (all, vs[v].still.ms->data, vs[v].still.ms->len);
      g_array_append_vals (all_live, vs[v].live.ms->data, vs[v].live.ms->len);
      misreads += vs[v].still.misreads + vs[v].live.misreads;
      zmisreads += vs[v].zbar.misreads;
    }
  g_print ("\nAll %u frames (1280x720): FcDecoder still median %.1f ms, p95 %.1f ms; "
           "live median %.1f ms, p95 %.1f ms; misreads accepted: %u (zbarimg: %u).\n",
           all->len, percentile (all, 0.5), percentile (all, 0.95),
           percentile (all_live, 0.5), percentile (all_live, 0.95), misreads, zmisreads);
}

int
main (int argc, char **argv)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new ("— FcDecoder vs zbarimg");
  g_autoptr(GError) error = NULL;
  g_autoptr(FcDecoder) decoder = NULL;
  g_autofree char *tmpdir = NULL;
  CorpusImage *codes[32] = { NULL };
  VariantStats vs[CORPUS_N_VARIANTS];

  g_option_context_add_main_entries (ctx, entries, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    g_error ("%s", error->message);
  if (opt_zint == NULL && (opt_zint = g_find_program_in_path ("zint")) == NULL)
    g_error ("zint not found");
  if (!opt_no_zbarimg && opt_zbarimg == NULL
      && (opt_zbarimg = g_find_program_in_path ("zbarimg")) == NULL)
    g_error ("zbarimg not found (or pass --no-zbarimg)");
  g_assert (corpus_n_codes <= G_N_ELEMENTS (codes));
  tmpdir = g_dir_make_tmp ("fc-bench-scan-XXXXXX", &error);
  if (tmpdir == NULL)
    g_error ("%s", error->message);
  for (gsize c = 0; c < corpus_n_codes; c++)
    if ((codes[c] = corpus_render_code (opt_zint, &corpus_codes[c], tmpdir, &error)) == NULL)
      g_error ("%s: %s", corpus_codes[c].name, error->message);

  decoder = fc_decoder_new ();
  for (int v = 0; v < CORPUS_N_VARIANTS; v++)
    {
      g_printerr ("%s...\n", corpus_variant_name (v));
      bench_variant (decoder, codes, v, tmpdir, &vs[v]);
    }
  print_tables (vs);
  print_totals (vs);

  for (gsize c = 0; c < corpus_n_codes; c++)
    {
      g_autofree char *png = g_strdup_printf ("%s/%s.png", tmpdir, corpus_codes[c].name);
      g_unlink (png);
      corpus_image_free (codes[c]);
    }
  g_rmdir (tmpdir);
  for (int v = 0; v < CORPUS_N_VARIANTS; v++)
    {
      g_array_unref (vs[v].still.ms);
      g_array_unref (vs[v].live.ms);
      g_array_unref (vs[v].zbar.ms);
    }
  g_free (opt_zint);
  g_free (opt_zbarimg);
  return 0;
}
