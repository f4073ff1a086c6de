/* fc-decoder.c: zbar behind the validation gate, in two passes. */
#include "fc-decoder.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <math.h>
#include <string.h>
#include <zbar.h>

/* zbar's FOURCC for 8-bit grey. */
#define FOURCC_Y800 (('Y') | ('8' << 8) | ('0' << 16) | ((guint32) '0' << 24))

/* Every 2nd scan line in each direction: half the cost, and a code big
 * enough to matter spans dozens of lines (TOOLCHAIN.md measured ≈ 10 ms). */
#define FAST_DENSITY 2

/* Estimated pixel noise (grey levels, σ) above which frames are smoothed
 * first. zbar finds an edge in every noisy pixel step: on a 1280×720 frame
 * with σ ≈ 12 a fast pass costs 50 ms instead of 4 and reads less. Good
 * light gives σ ≈ 2–5. */
#define NOISY_SIGMA 8.0

/* I2of5 has no check character, DataBar's is weak against zbar's way of
 * pairing segments from different lines, and EAN-8 / UPC-E are short enough
 * to be found inside other codes: in noise zbar "reads" valid-looking
 * DataBar GTINs, I2of5 fragments and EAN-8s, always on a single scan line.
 * Real reads of these span several lines. In the angled still passes (a last
 * resort over resampled pixels) every linear code needs two lines. */
#define WEAK_MIN_QUALITY 2

/* zbar scans rows and columns only: a long linear code (a 4-AI GS1-128)
 * turned more than ~10° is crossed by no whole scan line. A still frame that
 * read nothing is tried again turned by these angles (degrees). */
static const double still_angles[] = { -20.0, 20.0, -40.0, 40.0 };

struct _FcDecoder {
  GObject parent_instance;

  GByteArray           *scratch;  /* owned: a packed copy when stride ≠ width */
  GByteArray           *half;     /* owned: half-size copy of a noisy frame */
  GByteArray           *smooth;   /* owned: smoothed copy of a noisy frame */
  GArray               *rows;     /* owned: guint16 row sums for smoothing */
  GByteArray           *turned;   /* owned: a rotated copy for the angled passes */

  guint64               n_frames;
  guint64               n_full_passes;
  guint64               n_refused;
};

G_DEFINE_FINAL_TYPE (FcDecoder, fc_decoder, G_TYPE_OBJECT)

void
fc_scan_refusal_free (FcScanRefusal *refusal)
{
  if (refusal == NULL)
    return;
  g_free (refusal->text);
  g_clear_error (&refusal->error);
  g_free (refusal);
}

/* The symbologies products and parts carry. UPC-A has its own switch so it
 * comes back as 12-digit UPC-A, not as EAN-13 with a leading 0. */
static const zbar_symbol_type_t enabled_symbologies[] = {
  ZBAR_EAN13, ZBAR_EAN8, ZBAR_UPCA, ZBAR_UPCE, ZBAR_CODE128, ZBAR_CODE39,
  ZBAR_I25, ZBAR_QRCODE, ZBAR_DATABAR, ZBAR_DATABAR_EXP,
};

static zbar_image_scanner_t *
scanner_new (int density, gboolean test_inverted)
{
  zbar_image_scanner_t *scanner = zbar_image_scanner_create ();

  /* Symbology 0 addresses them all: off first, SQ Code included. */
  zbar_image_scanner_set_config (scanner, 0, ZBAR_CFG_ENABLE, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (enabled_symbologies); i++)
    zbar_image_scanner_set_config (scanner, enabled_symbologies[i], ZBAR_CFG_ENABLE, 1);
  zbar_image_scanner_set_config (scanner, 0, ZBAR_CFG_X_DENSITY, density);
  zbar_image_scanner_set_config (scanner, 0, ZBAR_CFG_Y_DENSITY, density);
  zbar_image_scanner_set_config (scanner, 0, ZBAR_CFG_TEST_INVERTED, test_inverted ? 1 : 0);
  /* Positions are not used; collecting them costs time. */
  zbar_image_scanner_set_config (scanner, 0, ZBAR_CFG_POSITION, 0);
  return scanner;
}

static FcSymbology
symbology_from_zbar (zbar_symbol_type_t type)
{
  switch (type)
    {
    case ZBAR_EAN13: return FC_SYMBOLOGY_EAN13;
    case ZBAR_EAN8: return FC_SYMBOLOGY_EAN8;
    case ZBAR_UPCA: return FC_SYMBOLOGY_UPCA;
    case ZBAR_UPCE: return FC_SYMBOLOGY_UPCE;
    case ZBAR_CODE128: return FC_SYMBOLOGY_CODE128;
    case ZBAR_CODE39: return FC_SYMBOLOGY_CODE39;
    case ZBAR_I25: return FC_SYMBOLOGY_I25;
    case ZBAR_QRCODE: return FC_SYMBOLOGY_QR;
    case ZBAR_DATABAR: return FC_SYMBOLOGY_DATABAR;
    case ZBAR_DATABAR_EXP: return FC_SYMBOLOGY_DATABAR_EXP;
    default: return FC_SYMBOLOGY_UNKNOWN;
    }
}

static void
add_refusal (FcDecoder *self, GPtrArray *refused, FcSymbology sym, const char *text,
             gsize len, GError *error)
{
  FcScanRefusal *r;

  self->n_refused++;
  g_debug ("refused %s read: %s", fc_symbology_to_string (sym), error->message);
  if (refused == NULL)
    {
      g_error_free (error);
      return;
    }
  r = g_new0 (FcScanRefusal, 1);
  r->symbology = sym;
  r->text = g_strndup (text, len);
  r->error = error;
  g_ptr_array_add (refused, r);
}

typedef struct {
  FcScanResult *result;   /* owned */
  int           quality;  /* zbar: how many scan lines read it */
} Candidate;

static void
candidate_clear (gpointer data)
{
  Candidate *c = data;
  g_clear_pointer (&c->result, fc_scan_result_unref);
}

/* Validates one zbar symbol into @candidates or @refused. */
static void
take_symbol (FcDecoder *self, const zbar_symbol_t *symbol, GArray *candidates,
             GPtrArray *refused)
{
  zbar_symbol_type_t type = zbar_symbol_get_type (symbol);
  FcSymbology sym = symbology_from_zbar (type);
  const char *data = zbar_symbol_get_data (symbol);
  gsize len = zbar_symbol_get_data_length (symbol);
  gboolean is_gs1 = (zbar_symbol_get_modifiers (symbol) & (1u << ZBAR_MOD_GS1)) != 0;
  Candidate c = { NULL, zbar_symbol_get_quality (symbol) };
  GError *error = NULL;

  if (sym == FC_SYMBOLOGY_UNKNOWN)
    {
      /* Cannot happen with the configuration above; refuse rather than guess. */
      g_set_error (&error, FC_BARCODE_ERROR, FC_BARCODE_ERROR_BAD_CHARSET,
                   "unexpected zbar symbology %s", zbar_get_symbol_name (type));
      add_refusal (self, refused, sym, data, len, error);
    }
  else if (fc_barcode_validate (sym, data, len, is_gs1, &c.result, &error))
    g_array_append_val (candidates, c);
  else
    add_refusal (self, refused, sym, data, len, error);
}

static int
min_quality (FcSymbology sym, gboolean angled)
{
  switch (sym)
    {
    case FC_SYMBOLOGY_I25: case FC_SYMBOLOGY_DATABAR: case FC_SYMBOLOGY_DATABAR_EXP:
    case FC_SYMBOLOGY_EAN8: case FC_SYMBOLOGY_UPCE:
      return WEAK_MIN_QUALITY;
    case FC_SYMBOLOGY_QR: case FC_SYMBOLOGY_GS1_QR:
      return 1;  /* zbar reports 1 for QR; Reed–Solomon guards it */
    default:
      return angled ? WEAK_MIN_QUALITY : 1;
    }
}

static gboolean
has_check_character (FcSymbology sym)
{
  return sym != FC_SYMBOLOGY_I25 && sym != FC_SYMBOLOGY_CODE39;
}

/* A read without check character contained in a longer read of the same
 * symbology in the same frame is a scan line that clipped the code. */
static const FcScanResult *
longer_read_of (GArray *candidates, const FcScanResult *r)
{
  if (has_check_character (r->symbology))
    return NULL;
  for (guint i = 0; i < candidates->len; i++)
    {
      const FcScanResult *other = g_array_index (candidates, Candidate, i).result;
      if (other != r && other->symbology == r->symbology
          && strlen (other->text) > strlen (r->text) && strstr (other->text, r->text) != NULL)
        return other;
    }
  return NULL;
}

/* Moves the candidates that pass the decoder's own checks to @results. */
static void
accept_candidates (FcDecoder *self, GArray *candidates, gboolean angled, GPtrArray *results,
                   GPtrArray *refused)
{
  for (guint i = 0; i < candidates->len; i++)
    {
      Candidate *c = &g_array_index (candidates, Candidate, i);
      const char *name = fc_symbology_to_string (c->result->symbology);
      const FcScanResult *longer = longer_read_of (candidates, c->result);
      GError *error = NULL;

      if (c->quality < min_quality (c->result->symbology, angled))
        g_set_error (&error, FC_BARCODE_ERROR, FC_BARCODE_ERROR_UNCONFIRMED,
                     "%s: read on %d scan line only, not confirmed", name, c->quality);
      else if (longer != NULL)
        g_set_error (&error, FC_BARCODE_ERROR, FC_BARCODE_ERROR_FRAGMENT,
                     "%s: a fragment of another read in the same frame", name);
      if (error != NULL)
        add_refusal (self, refused, c->result->symbology, c->result->text,
                     strlen (c->result->text), error);
    }
  /* Second loop: the fragment test above needs every candidate in place. */
  for (guint i = 0; i < candidates->len; i++)
    {
      Candidate *c = &g_array_index (candidates, Candidate, i);
      if (c->quality >= min_quality (c->result->symbology, angled)
          && longer_read_of (candidates, c->result) == NULL)
        g_ptr_array_add (results, fc_scan_result_ref (c->result));
    }
}

typedef enum {
  PASS_FAST,     /* every 2nd line, no inverted image */
  PASS_FULL,     /* every line, then the inverted image if nothing read */
  PASS_ANGLED,   /* a turned copy: every 2nd line, stricter quality */
} PassKind;

/* A fresh zbar scanner and image per pass (0.05 ms): zbar's DataBar decoder
 * keeps half-read segments between scans and pairs them with the next
 * image's, so a scanner reused across frames "reads" a DataBar Expanded made
 * of two different labels. Nothing may carry over from one frame to the
 * next. */
static void
scan_pass (FcDecoder *self, PassKind kind, const guint8 *pixels, int width, int height,
           GPtrArray *results, GPtrArray *refused)
{
  zbar_image_scanner_t *scanner = scanner_new (kind == PASS_FULL ? 1 : FAST_DENSITY,
                                               kind == PASS_FULL);
  zbar_image_t *image = zbar_image_create ();
  g_autoptr(GArray) candidates = g_array_new (FALSE, FALSE, sizeof (Candidate));

  g_array_set_clear_func (candidates, candidate_clear);
  zbar_image_set_format (image, FOURCC_Y800);
  zbar_image_set_size (image, width, height);
  /* No cleanup handler: the pixels stay the caller's (or our scratch). */
  zbar_image_set_data (image, pixels, (unsigned long) width * height, NULL);
  if (zbar_scan_image (scanner, image) > 0)
    for (const zbar_symbol_t *s = zbar_image_first_symbol (image); s != NULL;
         s = zbar_symbol_next (s))
      take_symbol (self, s, candidates, refused);
  zbar_image_destroy (image);
  zbar_image_scanner_destroy (scanner);
  accept_candidates (self, candidates, kind == PASS_ANGLED, results, refused);
}

/* Robust pixel-noise estimate: the median of |2p − left − right| over every
 * 8th row is ≈ 1.65 σ for Gaussian noise; edges are too few to move it. */
static double
estimate_noise (const guint8 *pixels, int width, int height)
{
  guint hist[256] = { 0 };
  guint n = 0, acc = 0;

  for (int y = 4; y < height; y += 8)
    {
      const guint8 *row = pixels + (gsize) y * width;
      for (int x = 1; x + 1 < width; x++)
        {
          int d = ABS (2 * row[x] - row[x - 1] - row[x + 1]);
          hist[MIN (d, 255)]++;
          n++;
        }
    }
  for (int i = 0; i < 256; i++)
    if ((acc += hist[i]) * 2 >= n)
      return i / 1.65;
  return 0;
}

/* 2×2 box average: halves the noise and the work; codes worth reading in a
 * 1280×720 frame keep ≥ 1.5 px per module. */
static const guint8 *
downscale_half (GByteArray *out, const guint8 *in, int width, int height)
{
  int w = width / 2, h = height / 2;

  g_byte_array_set_size (out, (guint) w * h);
  for (int y = 0; y < h; y++)
    {
      const guint8 *a = in + (gsize) 2 * y * width, *b = a + width;
      guint8 *o = out->data + (gsize) y * w;
      for (int x = 0; x < w; x++)
        o[x] = (guint8) ((a[2 * x] + a[2 * x + 1] + b[2 * x] + b[2 * x + 1] + 2) / 4);
    }
  return out->data;
}

/* 3×3 binomial (1 2 1) smoothing: keeps bars of 1.5 px, removes pixel noise. */
static const guint8 *
smooth_binomial (FcDecoder *self, const guint8 *in, int width, int height)
{
  guint16 *rows;

  g_array_set_size (self->rows, (guint) width * height);
  g_byte_array_set_size (self->smooth, (guint) width * height);
  rows = (guint16 *) (gpointer) self->rows->data;
  for (int y = 0; y < height; y++)
    {
      const guint8 *r = in + (gsize) y * width;
      guint16 *o = rows + (gsize) y * width;
      o[0] = 4 * r[0];
      o[width - 1] = 4 * r[width - 1];
      for (int x = 1; x + 1 < width; x++)
        o[x] = r[x - 1] + 2 * r[x] + r[x + 1];
    }
  for (int y = 0; y < height; y++)
    {
      const guint16 *up = rows + (gsize) MAX (y - 1, 0) * width;
      const guint16 *mid = rows + (gsize) y * width;
      const guint16 *down = rows + (gsize) MIN (y + 1, height - 1) * width;
      guint8 *o = self->smooth->data + (gsize) y * width;
      for (int x = 0; x < width; x++)
        o[x] = (guint8) ((up[x] + 2 * mid[x] + down[x] + 8) / 16);
    }
  return self->smooth->data;
}

/* zbar wants rows packed; copy only when the caller's rows are padded. */
static const guint8 *
packed_rows (FcDecoder *self, const guint8 *data, int width, int height, int stride)
{
  if (stride == width)
    return data;
  g_byte_array_set_size (self->scratch, (guint) width * height);
  for (int y = 0; y < height; y++)
    memcpy (self->scratch->data + (gsize) y * width, data + (gsize) y * stride, width);
  return self->scratch->data;
}

/* Turns the image by @degrees about its centre, bilinear, in 16.16 fixed
 * point; what falls outside is mid grey (no edges for zbar to chase). */
static const guint8 *
rotate_image (GByteArray *out, const guint8 *in, int width, int height, double degrees)
{
  const gint64 one = 1 << 16;
  gint64 c = (gint64) (cos (degrees * G_PI / 180.0) * one);
  gint64 s = (gint64) (sin (degrees * G_PI / 180.0) * one);
  gint64 cx = (gint64) width * one / 2, cy = (gint64) height * one / 2;

  g_byte_array_set_size (out, (guint) width * height);
  for (int y = 0; y < height; y++)
    {
      gint64 dy = (gint64) y * one - cy + one / 2;
      gint64 dx0 = -cx + one / 2;
      /* Source position for x = 0, then one step per pixel. */
      gint64 u = (c * dx0 + s * dy) / one + cx - one / 2;
      gint64 v = (-s * dx0 + c * dy) / one + cy - one / 2;
      guint8 *o = out->data + (gsize) y * width;

      for (int x = 0; x < width; x++, u += c, v -= s)
        {
          gint64 x0 = u >> 16, y0 = v >> 16;
          guint fx = (guint) (u & 0xffff) >> 8, fy = (guint) (v & 0xffff) >> 8;
          const guint8 *p;

          if (x0 < 0 || y0 < 0 || x0 + 1 >= width || y0 + 1 >= height)
            {
              o[x] = 128;
              continue;
            }
          p = in + (gsize) y0 * width + x0;
          o[x] = (guint8) ((((p[0] * (256 - fx) + p[1] * fx) * (256 - fy)
                             + (p[width] * (256 - fx) + p[width + 1] * fx) * fy)
                            + 32768) >> 16);
        }
    }
  return out->data;
}

/* The still-frame passes after the fast one found nothing: full density with
 * the inverted image, then the same frame turned, until something reads. */
static void
still_passes (FcDecoder *self, const guint8 *pixels, int width, int height, gboolean noisy,
              GPtrArray *results, GPtrArray *refused)
{
  self->n_full_passes++;
  if (noisy)
    pixels = smooth_binomial (self, pixels, width, height);
  scan_pass (self, PASS_FULL, pixels, width, height, results, refused);
  for (gsize i = 0; i < G_N_ELEMENTS (still_angles) && results->len == 0; i++)
    scan_pass (self, PASS_ANGLED, rotate_image (self->turned, pixels, width, height,
                                                still_angles[i]),
               width, height, results, refused);
}

GPtrArray *
fc_decoder_decode_gray (FcDecoder *self, const guint8 *data, int width, int height,
                        int stride, FcDecodeMode mode, GPtrArray **refused)
{
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) refusals = NULL;
  const guint8 *pixels;
  gboolean noisy;

  g_return_val_if_fail (FC_IS_DECODER (self), NULL);
  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (width > 0 && height > 0 && stride >= width, NULL);
  g_return_val_if_fail (refused == NULL || *refused == NULL, NULL);

  results = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_scan_result_unref);
  if (refused != NULL)
    refusals = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_scan_refusal_free);
  pixels = packed_rows (self, data, width, height, stride);
  noisy = width >= 64 && height >= 64 && estimate_noise (pixels, width, height) > NOISY_SIGMA;
  self->n_frames++;
  if (noisy)
    scan_pass (self, PASS_FAST, downscale_half (self->half, pixels, width, height), width / 2,
               height / 2, results, refusals);
  else
    scan_pass (self, PASS_FAST, pixels, width, height, results, refusals);
  if (mode == FC_DECODE_MODE_STILL && results->len == 0)
    still_passes (self, pixels, width, height, noisy, results, refusals);
  if (refused != NULL)
    *refused = g_steal_pointer (&refusals);
  return g_steal_pointer (&results);
}

/* Rec. 601 luma, alpha composited on white (a transparent PNG label is
 * dark bars on nothing, which must read as on paper). */
static guint8
luma (const guint8 *p, gboolean has_alpha)
{
  guint y = (299u * p[0] + 587u * p[1] + 114u * p[2] + 500u) / 1000u;
  guint a = has_alpha ? p[3] : 255u;
  return (guint8) ((y * a + 255u * (255u - a) + 127u) / 255u);
}

static GByteArray *
pixbuf_to_gray (GdkPixbuf *pixbuf)
{
  int w = gdk_pixbuf_get_width (pixbuf), h = gdk_pixbuf_get_height (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf), n = gdk_pixbuf_get_n_channels (pixbuf);
  gboolean alpha = gdk_pixbuf_get_has_alpha (pixbuf);
  const guint8 *pixels = gdk_pixbuf_read_pixels (pixbuf);
  GByteArray *gray = g_byte_array_sized_new ((guint) w * h);

  g_byte_array_set_size (gray, (guint) w * h);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      gray->data[(gsize) y * w + x] = luma (pixels + (gsize) y * stride + (gsize) x * n, alpha);
  return gray;
}

GPtrArray *
fc_decoder_decode_file (FcDecoder *self, const char *path, GPtrArray **refused, GError **error)
{
  g_autoptr(GdkPixbuf) loaded = NULL;
  g_autoptr(GdkPixbuf) oriented = NULL;
  g_autoptr(GByteArray) gray = NULL;
  int w, h;

  g_return_val_if_fail (FC_IS_DECODER (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  loaded = gdk_pixbuf_new_from_file (path, error);
  if (loaded == NULL)
    return NULL;
  /* Phone photos are stored sideways with an EXIF tag saying so. */
  oriented = gdk_pixbuf_apply_embedded_orientation (loaded);
  if (gdk_pixbuf_get_colorspace (oriented) != GDK_COLORSPACE_RGB
      || gdk_pixbuf_get_bits_per_sample (oriented) != 8)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "%s: only 8-bit RGB images are supported", path);
      return NULL;
    }
  gray = pixbuf_to_gray (oriented);
  w = gdk_pixbuf_get_width (oriented);
  h = gdk_pixbuf_get_height (oriented);
  return fc_decoder_decode_gray (self, gray->data, w, h, w, FC_DECODE_MODE_STILL, refused);
}

guint64
fc_decoder_get_n_frames (FcDecoder *self)
{
  g_return_val_if_fail (FC_IS_DECODER (self), 0);
  return self->n_frames;
}

guint64
fc_decoder_get_n_full_passes (FcDecoder *self)
{
  g_return_val_if_fail (FC_IS_DECODER (self), 0);
  return self->n_full_passes;
}

guint64
fc_decoder_get_n_refused (FcDecoder *self)
{
  g_return_val_if_fail (FC_IS_DECODER (self), 0);
  return self->n_refused;
}

static void
fc_decoder_finalize (GObject *object)
{
  FcDecoder *self = FC_DECODER (object);

  g_clear_pointer (&self->scratch, g_byte_array_unref);
  g_clear_pointer (&self->half, g_byte_array_unref);
  g_clear_pointer (&self->smooth, g_byte_array_unref);
  g_clear_pointer (&self->rows, g_array_unref);
  g_clear_pointer (&self->turned, g_byte_array_unref);
  G_OBJECT_CLASS (fc_decoder_parent_class)->finalize (object);
}

static void
fc_decoder_class_init (FcDecoderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fc_decoder_finalize;
}

static void
fc_decoder_init (FcDecoder *self)
{
  self->scratch = g_byte_array_new ();
  self->half = g_byte_array_new ();
  self->smooth = g_byte_array_new ();
  self->rows = g_array_new (FALSE, FALSE, sizeof (guint16));
  self->turned = g_byte_array_new ();
}

FcDecoder *
fc_decoder_new (void)
{
  return g_object_new (FC_TYPE_DECODER, NULL);
}
