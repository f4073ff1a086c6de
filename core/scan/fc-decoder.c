/* fc-decoder.c: zbar behind the validation gate, in two passes. */
#include "fc-decoder.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <string.h>
#include <zbar.h>

/* zbar's FOURCC for 8-bit grey. */
#define FOURCC_Y800 (('Y') | ('8' << 8) | ('0' << 16) | ((guint32) '0' << 24))

/* Every 2nd scan line in each direction: half the cost, and a code big
 * enough to matter spans dozens of lines (TOOLCHAIN.md measured ≈ 10 ms). */
#define FAST_DENSITY 2

struct _FcDecoder {
  GObject parent_instance;

  zbar_image_scanner_t *fast;     /* owned: density 2, no inverted pass */
  zbar_image_scanner_t *full;     /* owned: density 1, tests the inverted image */
  GByteArray           *scratch;  /* owned: a packed copy when stride ≠ width */

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

/* Validates one zbar symbol into @results or @refused. */
static void
take_symbol (FcDecoder *self, const zbar_symbol_t *symbol, GPtrArray *results,
             GPtrArray *refused)
{
  zbar_symbol_type_t type = zbar_symbol_get_type (symbol);
  FcSymbology sym = symbology_from_zbar (type);
  const char *data = zbar_symbol_get_data (symbol);
  gsize len = zbar_symbol_get_data_length (symbol);
  gboolean is_gs1 = (zbar_symbol_get_modifiers (symbol) & (1u << ZBAR_MOD_GS1)) != 0;
  FcScanResult *result = NULL;
  GError *error = NULL;

  if (sym == FC_SYMBOLOGY_UNKNOWN)
    {
      /* Cannot happen with the configuration above; refuse rather than guess. */
      g_set_error (&error, FC_BARCODE_ERROR, FC_BARCODE_ERROR_BAD_CHARSET,
                   "unexpected zbar symbology %s", zbar_get_symbol_name (type));
      add_refusal (self, refused, sym, data, len, error);
    }
  else if (fc_barcode_validate (sym, data, len, is_gs1, &result, &error))
    g_ptr_array_add (results, result);
  else
    add_refusal (self, refused, sym, data, len, error);
}

/* A fresh zbar image per pass: zbar keeps the symbols of a scan on the image
 * and recycles them on the next scan by the same scanner only. */
static void
scan_pass (FcDecoder *self, zbar_image_scanner_t *scanner, const guint8 *pixels, int width,
           int height, GPtrArray *results, GPtrArray *refused)
{
  zbar_image_t *image = zbar_image_create ();

  zbar_image_set_format (image, FOURCC_Y800);
  zbar_image_set_size (image, width, height);
  /* No cleanup handler: the pixels stay the caller's (or our scratch). */
  zbar_image_set_data (image, pixels, (unsigned long) width * height, NULL);
  if (zbar_scan_image (scanner, image) > 0)
    for (const zbar_symbol_t *s = zbar_image_first_symbol (image); s != NULL;
         s = zbar_symbol_next (s))
      take_symbol (self, s, results, refused);
  zbar_image_destroy (image);
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

GPtrArray *
fc_decoder_decode_gray (FcDecoder *self, const guint8 *data, int width, int height,
                        int stride, FcDecodeMode mode, GPtrArray **refused)
{
  g_autoptr(GPtrArray) results = NULL;
  g_autoptr(GPtrArray) refusals = NULL;
  const guint8 *pixels;

  g_return_val_if_fail (FC_IS_DECODER (self), NULL);
  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (width > 0 && height > 0 && stride >= width, NULL);
  g_return_val_if_fail (refused == NULL || *refused == NULL, NULL);

  results = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_scan_result_unref);
  if (refused != NULL)
    refusals = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_scan_refusal_free);
  pixels = packed_rows (self, data, width, height, stride);
  self->n_frames++;
  scan_pass (self, self->fast, pixels, width, height, results, refusals);
  if (mode == FC_DECODE_MODE_STILL && results->len == 0)
    {
      self->n_full_passes++;
      scan_pass (self, self->full, pixels, width, height, results, refusals);
    }
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

  g_clear_pointer (&self->fast, zbar_image_scanner_destroy);
  g_clear_pointer (&self->full, zbar_image_scanner_destroy);
  g_clear_pointer (&self->scratch, g_byte_array_unref);
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
  self->fast = scanner_new (FAST_DENSITY, FALSE);
  self->full = scanner_new (1, TRUE);
  self->scratch = g_byte_array_new ();
}

FcDecoder *
fc_decoder_new (void)
{
  return g_object_new (FC_TYPE_DECODER, NULL);
}
