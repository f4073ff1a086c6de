/* scan-corpus.h: barcode test frames drawn at run time, for test-decoder and
 * bench-scan.
 *
 * zint draws each code once (a PNG at 2 px per module); everything else is
 * done here in C on the grey buffer: placing the code in a 1280×720 frame,
 * rotating, scaling, blurring, adding noise and lowering contrast. Doing it
 * in C rather than with ImageMagick's convert keeps a frame at a few
 * milliseconds instead of a process and a file each, makes every frame
 * exactly reproducible from its seed, and depends on nothing but zint.
 */
#pragma once

#include <glib.h>

#include "fc-barcode.h"

G_BEGIN_DECLS

#define CORPUS_FRAME_WIDTH  1280
#define CORPUS_FRAME_HEIGHT 720

typedef struct {
  const char  *name;          /* "ean13" … */
  const char  *zint_type;     /* zint -b */
  gboolean     zint_gs1;      /* zint --gs1 */
  const char  *zint_data;     /* zint -d */
  const char  *expected;      /* the text FcDecoder must return */
  const char  *zbarimg_text;  /* what zbarimg (defaults) prints when right, if different */
  FcSymbology  symbology;     /* FcDecoder's result symbology */
  gboolean     zbar_misreads; /* zbar 0.23.92 misreads it: must be refused, never accepted */
} CorpusCode;

typedef enum {
  CORPUS_CLEAN,
  CORPUS_ROTATED,
  CORPUS_BLURRED,
  CORPUS_NOISY,
  CORPUS_LOW_CONTRAST,
  CORPUS_SMALL,
  CORPUS_N_VARIANTS,
} CorpusVariant;

typedef struct {
  int     width;
  int     height;
  guint8 *pixels;  /* owned, rows packed (stride = width) */
} CorpusImage;

extern const CorpusCode corpus_codes[];
extern const gsize      corpus_n_codes;

const char  *corpus_variant_name (CorpusVariant variant);

/* Runs @zint to draw @code into @tmpdir and loads it grey. */
CorpusImage *corpus_render_code  (const char        *zint,
                                  const CorpusCode  *code,
                                  const char        *tmpdir,
                                  GError           **error);

/* A 1280×720 frame holding @code under @variant. @seed picks the angle,
 * position, noise: seed 0 is the fixed, documented setting. */
CorpusImage *corpus_make_frame   (const CorpusImage *code,
                                  gboolean           is_2d,
                                  CorpusVariant      variant,
                                  guint32            seed);

gboolean     corpus_write_pgm    (const CorpusImage *image,
                                  const char        *path,
                                  GError           **error);

void         corpus_image_free   (CorpusImage *image);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CorpusImage, corpus_image_free)

G_END_DECLS
