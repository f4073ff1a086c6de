/* test-decoder.c: FcDecoder on a corpus zint draws at test time.
 *
 * Every symbology products and parts carry, clean and damaged (rotated,
 * blurred, noisy, low contrast, small in a 1280×720 frame), decoded in
 * still mode. Each frame must give the expected text; any accepted read
 * with another text is a misread, and there must be none. zbar's DataBar
 * Expanded misread must be refused. Skipped when zint is missing (FC_ZINT
 * names it; meson finds it). */
#include <glib/gstdio.h>
#include <string.h>

#include "fc-decoder.h"
#include "scan-corpus.h"

typedef struct {
  const CorpusCode *code;
  CorpusVariant     variant;
} FrameCase;

static char        *tmpdir;                /* owned */
static CorpusImage *rendered[32];          /* owned, one per corpus code */
static FcDecoder   *decoder;               /* owned */
static guint        n_misreads, n_frames;

static gboolean
is_2d (const CorpusCode *code)
{
  return code->symbology == FC_SYMBOLOGY_QR || code->symbology == FC_SYMBOLOGY_GS1_QR;
}

static gboolean
have_corpus (void)
{
  if (rendered[0] != NULL)
    return TRUE;
  g_test_skip ("zint not found (FC_ZINT): no corpus");
  return FALSE;
}

/* Counts accepted reads whose text is not the expected one. */
static guint
count_misreads (GPtrArray *results, const char *expected)
{
  guint n = 0;

  for (guint i = 0; i < results->len; i++)
    {
      FcScanResult *r = g_ptr_array_index (results, i);
      if (strcmp (r->text, expected) != 0)
        {
          g_autofree char *shown = g_strescape (r->text, NULL);
          g_test_message ("MISREAD: %s accepted \"%s\"", fc_symbology_to_string (r->symbology),
                          shown);
          n++;
        }
    }
  return n;
}

static const FcScanResult *
find_expected (GPtrArray *results, const CorpusCode *code)
{
  for (guint i = 0; i < results->len; i++)
    {
      const FcScanResult *r = g_ptr_array_index (results, i);
      if (strcmp (r->text, code->expected) == 0)
        return r;
    }
  return NULL;
}

static void
test_frame (gconstpointer data)
{
  const FrameCase *fc = data;
  gsize index = fc->code - corpus_codes;
  g_autoptr(CorpusImage) frame = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) refused = NULL;
  const FcScanResult *found;
  guint misreads;

  if (!have_corpus ())
    return;
  frame = corpus_make_frame (rendered[index], is_2d (fc->code), fc->variant, 0);
  results = fc_decoder_decode_gray (decoder, frame->pixels, frame->width, frame->height,
                                    frame->width, FC_DECODE_MODE_STILL, &refused);
  n_frames++;
  misreads = count_misreads (results, fc->code->expected);
  n_misreads += misreads;
  g_assert_cmpuint (misreads, ==, 0);
  found = find_expected (results, fc->code);
  if (fc->code->zbar_misreads)
    {
      /* zbar cannot read this one right; what it reads must be refused. */
      g_assert_null (found);
      if (fc->variant == CORPUS_CLEAN)
        g_assert_cmpuint (refused->len, >=, 1);
      return;
    }
  g_assert_nonnull (found);
  g_assert_cmpint (found->symbology, ==, fc->code->symbology);
}

static void
test_no_misreads (void)
{
  if (!have_corpus ())
    return;
  g_test_message ("%u frames, %u misreads accepted", n_frames, n_misreads);
  g_assert_cmpuint (n_frames, ==, corpus_n_codes * CORPUS_N_VARIANTS);
  g_assert_cmpuint (n_misreads, ==, 0);
}

static const CorpusCode *
code_named (const char *name)
{
  for (gsize i = 0; i < corpus_n_codes; i++)
    if (strcmp (corpus_codes[i].name, name) == 0)
      return &corpus_codes[i];
  g_assert_not_reached ();
}

static CorpusImage *
frame_of (const char *name, CorpusVariant variant)
{
  const CorpusCode *code = code_named (name);
  return corpus_make_frame (rendered[code - corpus_codes], is_2d (code), variant, 0);
}

static void
test_inverted (void)
{
  g_autoptr(CorpusImage) frame = NULL;
  g_autoptr(GPtrArray) live = NULL;
  g_autoptr(GPtrArray) still = NULL;
  guint64 full_before;

  if (!have_corpus ())
    return;
  /* A white-on-black label: only the still pass tests the inverted image. */
  frame = frame_of ("qr", CORPUS_CLEAN);
  for (gsize i = 0; i < (gsize) frame->width * frame->height; i++)
    frame->pixels[i] = 255 - frame->pixels[i];
  full_before = fc_decoder_get_n_full_passes (decoder);
  live = fc_decoder_decode_gray (decoder, frame->pixels, frame->width, frame->height,
                                 frame->width, FC_DECODE_MODE_LIVE, NULL);
  g_assert_cmpuint (live->len, ==, 0);
  g_assert_cmpuint (fc_decoder_get_n_full_passes (decoder), ==, full_before);
  still = fc_decoder_decode_gray (decoder, frame->pixels, frame->width, frame->height,
                                  frame->width, FC_DECODE_MODE_STILL, NULL);
  g_assert_cmpuint (still->len, ==, 1);
  g_assert_cmpuint (fc_decoder_get_n_full_passes (decoder), ==, full_before + 1);
}

static void
test_no_state_between_frames (void)
{
  const CorpusCode *good = code_named ("databar-exp");
  const CorpusCode *bad = code_named ("databar-exp-misread");

  if (!have_corpus ())
    return;
  /* zbar's DataBar decoder keeps half-read segments: with one scanner for
   * every frame, a misread label after a good one came out as the good
   * one's text. Alternate them with varied damage; nothing may be accepted
   * for the label zbar cannot read. */
  for (guint32 seed = 0; seed < 6; seed++)
    for (int v = 0; v < CORPUS_N_VARIANTS; v++)
      {
        g_autoptr(CorpusImage) f1 = corpus_make_frame (rendered[good - corpus_codes], FALSE, v,
                                                       seed);
        g_autoptr(CorpusImage) f2 = corpus_make_frame (rendered[bad - corpus_codes], FALSE, v,
                                                       seed);
        g_autoptr(GPtrArray) r1 = fc_decoder_decode_gray (decoder, f1->pixels, f1->width,
                                                          f1->height, f1->width,
                                                          FC_DECODE_MODE_LIVE, NULL);
        g_autoptr(GPtrArray) r2 = fc_decoder_decode_gray (decoder, f2->pixels, f2->width,
                                                          f2->height, f2->width,
                                                          FC_DECODE_MODE_STILL, NULL);
        g_assert_cmpuint (count_misreads (r1, good->expected), ==, 0);
        g_assert_cmpuint (count_misreads (r2, bad->expected), ==, 0);
      }
}

static void
test_stride (void)
{
  g_autoptr(CorpusImage) frame = NULL;
  g_autoptr(GPtrArray) results = NULL;
  const int stride = CORPUS_FRAME_WIDTH + 64;
  g_autofree guint8 *padded = NULL;

  if (!have_corpus ())
    return;
  frame = frame_of ("ean13", CORPUS_CLEAN);
  padded = g_malloc0 ((gsize) stride * frame->height);
  for (int y = 0; y < frame->height; y++)
    memcpy (padded + (gsize) y * stride, frame->pixels + (gsize) y * frame->width, frame->width);
  results = fc_decoder_decode_gray (decoder, padded, frame->width, frame->height, stride,
                                    FC_DECODE_MODE_LIVE, NULL);
  g_assert_cmpuint (results->len, ==, 1);
  g_assert_cmpstr (((FcScanResult *) results->pdata[0])->gtin, ==, "04006381333931");
}

static void
test_empty_frame (void)
{
  g_autofree guint8 *gray = g_malloc ((gsize) CORPUS_FRAME_WIDTH * CORPUS_FRAME_HEIGHT);
  g_autoptr(FcDecoder) d = fc_decoder_new ();
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) refused = NULL;

  memset (gray, 200, (gsize) CORPUS_FRAME_WIDTH * CORPUS_FRAME_HEIGHT);
  results = fc_decoder_decode_gray (d, gray, CORPUS_FRAME_WIDTH, CORPUS_FRAME_HEIGHT,
                                    CORPUS_FRAME_WIDTH, FC_DECODE_MODE_STILL, &refused);
  g_assert_cmpuint (results->len, ==, 0);
  g_assert_cmpuint (refused->len, ==, 0);
  g_assert_cmpuint (fc_decoder_get_n_frames (d), ==, 1);
  g_assert_cmpuint (fc_decoder_get_n_full_passes (d), ==, 1);
}

static void
test_decode_file (void)
{
  g_autofree char *png = NULL;
  g_autofree char *pgm = NULL;
  g_autoptr(CorpusImage) frame = NULL;
  g_autoptr(GPtrArray) from_png = NULL;
  g_autoptr(GPtrArray) from_pgm = NULL;
  g_autoptr(GPtrArray) missing = NULL;
  g_autoptr(GError) error = NULL;

  if (!have_corpus ())
    return;
  /* zint's own PNG (palette, transparent-free) and a PGM frame. */
  png = g_build_filename (tmpdir, "gs1-128.png", NULL);
  from_png = fc_decoder_decode_file (decoder, png, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_png->len, ==, 1);
  g_assert_cmpstr (((FcScanResult *) from_png->pdata[0])->serial, ==, "SN0042");

  pgm = g_build_filename (tmpdir, "frame.pgm", NULL);
  frame = frame_of ("databar", CORPUS_ROTATED);
  g_assert_true (corpus_write_pgm (frame, pgm, &error));
  from_pgm = fc_decoder_decode_file (decoder, pgm, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (from_pgm->len, ==, 1);
  g_assert_cmpint (((FcScanResult *) from_pgm->pdata[0])->symbology, ==, FC_SYMBOLOGY_DATABAR);

  missing = fc_decoder_decode_file (decoder, "/nonexistent/label.png", NULL, &error);
  g_assert_null (missing);
  g_assert_nonnull (error);
}

static void
render_corpus (void)
{
  const char *zint = g_getenv ("FC_ZINT");
  g_autofree char *found = NULL;

  if (zint == NULL || !g_file_test (zint, G_FILE_TEST_IS_EXECUTABLE))
    zint = found = g_find_program_in_path ("zint");
  if (zint == NULL)
    return;
  g_assert (corpus_n_codes <= G_N_ELEMENTS (rendered));
  tmpdir = g_dir_make_tmp ("fc-scan-corpus-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);
  for (gsize i = 0; i < corpus_n_codes; i++)
    {
      g_autoptr(GError) error = NULL;
      rendered[i] = corpus_render_code (zint, &corpus_codes[i], tmpdir, &error);
      g_assert_no_error (error);
    }
}

static void
remove_tmpdir (void)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (tmpdir == NULL)
    return;
  dir = g_dir_open (tmpdir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (tmpdir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
}

int
main (int argc, char **argv)
{
  g_autofree FrameCase *cases = g_new (FrameCase, corpus_n_codes * CORPUS_N_VARIANTS);
  int status;

  g_test_init (&argc, &argv, NULL);
  render_corpus ();
  decoder = fc_decoder_new ();

  for (gsize i = 0; i < corpus_n_codes; i++)
    for (int v = 0; v < CORPUS_N_VARIANTS; v++)
      {
        FrameCase *fc = &cases[i * CORPUS_N_VARIANTS + v];
        g_autofree char *path = NULL;

        fc->code = &corpus_codes[i];
        fc->variant = v;
        path = g_strdup_printf ("/decoder/frame/%s/%s", fc->code->name,
                                corpus_variant_name (v));
        g_test_add_data_func (path, fc, test_frame);
      }
  /* A sub-suite added last runs after every frame. */
  g_test_add_func ("/decoder/summary/no-misreads", test_no_misreads);
  g_test_add_func ("/decoder/other/inverted", test_inverted);
  g_test_add_func ("/decoder/other/no-state-between-frames", test_no_state_between_frames);
  g_test_add_func ("/decoder/other/stride", test_stride);
  g_test_add_func ("/decoder/other/empty-frame", test_empty_frame);
  g_test_add_func ("/decoder/other/decode-file", test_decode_file);
  status = g_test_run ();

  g_clear_object (&decoder);
  for (gsize i = 0; i < corpus_n_codes; i++)
    g_clear_pointer (&rendered[i], corpus_image_free);
  remove_tmpdir ();
  return status;
}
