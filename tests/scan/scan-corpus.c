/* scan-corpus.c: draw codes with zint, degrade them in C. */
#include "scan-corpus.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <math.h>
#include <string.h>

#define GS "\x1d"

/* zint draws 2 px per module at --scale=1. */
#define ZINT_PX_PER_MODULE 2.0

/* A grey product surface around the white label. */
#define BACKGROUND 140

const CorpusCode corpus_codes[] = {
  { "ean13", "EANX", FALSE, "400638133393", "4006381333931", NULL, FC_SYMBOLOGY_EAN13, FALSE },
  { "ean8", "EANX", FALSE, "9501101", "95011011", NULL, FC_SYMBOLOGY_EAN8, FALSE },
  /* zbarimg's defaults report UPC as EAN-13 (TOOLCHAIN.md). */
  { "upca", "UPCA", FALSE, "01234567890", "012345678905", "0012345678905", FC_SYMBOLOGY_UPCA,
    FALSE },
  { "upce", "UPCE", FALSE, "0425261", "04252614", "0042100005264", FC_SYMBOLOGY_UPCE, FALSE },
  { "code128", "CODE128", FALSE, "SN-2024-000187", "SN-2024-000187", NULL,
    FC_SYMBOLOGY_CODE128, FALSE },
  { "gs1-128", "GS1_128", TRUE, "[01]09501101530003[17]261130[10]LOT-7A[21]SN0042",
    "0109501101530003" "17261130" "10LOT-7A" GS "21SN0042", NULL, FC_SYMBOLOGY_GS1_128, FALSE },
  { "code39", "CODE39", FALSE, "PN-4711", "PN-4711", NULL, FC_SYMBOLOGY_CODE39, FALSE },
  { "i25", "C25INTER", FALSE, "12345678", "12345678", NULL, FC_SYMBOLOGY_I25, FALSE },
  { "qr", "QRCODE", FALSE, "https://example.com/manual/X100", "https://example.com/manual/X100",
    NULL, FC_SYMBOLOGY_QR, FALSE },
  { "gs1-qr", "QRCODE", TRUE, "[01]09501101530003[21]ABC123[10]L1",
    "0109501101530003" "21ABC123" GS "10L1", NULL, FC_SYMBOLOGY_GS1_QR, FALSE },
  { "databar", "DBAR_OMN", FALSE, "0950110153000", "0109501101530003", NULL,
    FC_SYMBOLOGY_DATABAR, FALSE },
  { "databar-exp", "DBAR_EXP", TRUE, "[01]09501101530003[21]ABC123[10]LOT42",
    "0109501101530003" "21ABC123" GS "10LOT42", NULL, FC_SYMBOLOGY_DATABAR_EXP, FALSE },
  /* A text field followed by a separator: zbar reads "(21)" as "2Q". */
  { "databar-exp-misread", "DBAR_EXP", TRUE, "[01]09501101530003[10]AB12[21]XYZ[17]251231",
    "0109501101530003" "10AB12" GS "21XYZ" GS "17251231", NULL, FC_SYMBOLOGY_DATABAR_EXP, TRUE },
};
const gsize corpus_n_codes = G_N_ELEMENTS (corpus_codes);

const char *
corpus_variant_name (CorpusVariant variant)
{
  static const char *const names[] = {
    "clean", "rotated", "blurred", "noisy", "low-contrast", "small",
  };
  g_return_val_if_fail (variant < CORPUS_N_VARIANTS, NULL);
  return names[variant];
}

static CorpusImage *
image_new (int width, int height)
{
  CorpusImage *image = g_new0 (CorpusImage, 1);
  image->width = width;
  image->height = height;
  image->pixels = g_malloc ((gsize) width * height);
  return image;
}

void
corpus_image_free (CorpusImage *image)
{
  if (image == NULL)
    return;
  g_free (image->pixels);
  g_free (image);
}

static CorpusImage *
image_from_pixbuf (GdkPixbuf *pixbuf)
{
  int w = gdk_pixbuf_get_width (pixbuf), h = gdk_pixbuf_get_height (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf), n = gdk_pixbuf_get_n_channels (pixbuf);
  const guint8 *src = gdk_pixbuf_read_pixels (pixbuf);
  CorpusImage *image = image_new (w, h);

  /* zint draws pure black on white: the green channel is enough. */
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      image->pixels[(gsize) y * w + x] = src[(gsize) y * stride + (gsize) x * n + 1];
  return image;
}

CorpusImage *
corpus_render_code (const char *zint, const CorpusCode *code, const char *tmpdir,
                    GError **error)
{
  g_autofree char *path = g_strdup_printf ("%s/%s.png", tmpdir, code->name);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL, *err = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  int status = 0;

  g_ptr_array_add (argv, (char *) zint);
  g_ptr_array_add (argv, "-b");
  g_ptr_array_add (argv, (char *) code->zint_type);
  g_ptr_array_add (argv, "--notext");
  g_ptr_array_add (argv, "--quietzones");
  if (code->zint_gs1)
    g_ptr_array_add (argv, "--gs1");
  g_ptr_array_add (argv, "-d");
  g_ptr_array_add (argv, (char *) code->zint_data);
  g_ptr_array_add (argv, "-o");
  g_ptr_array_add (argv, path);
  g_ptr_array_add (argv, NULL);
  /* zint's output is captured: the tests' stdout is TAP only. */
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                     &status, error)
      || !g_spawn_check_wait_status (status, error))
    return NULL;
  pixbuf = gdk_pixbuf_new_from_file (path, error);
  return pixbuf != NULL ? image_from_pixbuf (pixbuf) : NULL;
}

/* ---- frame synthesis ----------------------------------------------------- */

typedef struct {
  double scale;      /* output px per zint px */
  double angle;      /* radians */
  double cx, cy;     /* where the code's centre lands in the frame */
  double blur;       /* Gaussian sigma, px; 0 = none */
  double noise;      /* Gaussian sigma, grey levels; 0 = none */
  int    lo, hi;     /* the grey levels black and white map to */
} Params;

static double
rand_range (GRand *rand, double lo, double hi)
{
  return g_rand_double_range (rand, lo, hi);
}

/* Scales down until the rotated code fits 95 % of the frame. */
static void
fit_in_frame (Params *p, const CorpusImage *code)
{
  double c = fabs (cos (p->angle)), s = fabs (sin (p->angle));
  double bw = (code->width * c + code->height * s) * p->scale;
  double bh = (code->width * s + code->height * c) * p->scale;
  double k = MIN (0.95 * CORPUS_FRAME_WIDTH / bw, 0.95 * CORPUS_FRAME_HEIGHT / bh);

  if (k < 1.0)
    p->scale *= k, bw *= k, bh *= k;
  /* Keep the centre where the whole code stays inside. */
  p->cx = CLAMP (p->cx, bw / 2 + 2, CORPUS_FRAME_WIDTH - bw / 2 - 2);
  p->cy = CLAMP (p->cy, bh / 2 + 2, CORPUS_FRAME_HEIGHT - bh / 2 - 2);
}

/* Seed 0: the fixed settings the test asserts. Other seeds: the same kind
 * of damage with random strength, angle and place, for the benchmark. */
static Params
variant_params (const CorpusImage *code, gboolean is_2d, CorpusVariant v, guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  gboolean fixed = seed == 0;
  /* Clean: 3 px per module for linear codes, 5 px for QR. */
  double module = is_2d ? 5.0 : 3.0;
  Params p = { module / ZINT_PX_PER_MODULE, 0, CORPUS_FRAME_WIDTH / 2.0,
               CORPUS_FRAME_HEIGHT / 2.0, 0, 0, 0, 255 };

  if (!fixed)
    {
      p.cx += rand_range (rand, -150, 150);
      p.cy += rand_range (rand, -100, 100);
    }
  switch (v)
    {
    case CORPUS_ROTATED:
      p.angle = (fixed ? 15.0 : rand_range (rand, 5, 40) * (g_rand_boolean (rand) ? 1 : -1))
                * G_PI / 180.0;
      break;
    case CORPUS_BLURRED:
      p.blur = fixed ? 1.3 : rand_range (rand, 0.8, 1.6);
      break;
    case CORPUS_NOISY:
      p.noise = fixed ? 12 : rand_range (rand, 8, 18);
      break;
    case CORPUS_LOW_CONTRAST:
      p.lo = fixed ? 100 : (int) rand_range (rand, 90, 120);
      p.hi = p.lo + (fixed ? 50 : (int) rand_range (rand, 40, 70));
      break;
    case CORPUS_SMALL:
      /* 1.5 px per module (2.5 for QR), off centre: a label seen from afar. */
      p.scale = (is_2d ? 2.5 : 1.5) / ZINT_PX_PER_MODULE;
      p.cx = fixed ? 0.3 * CORPUS_FRAME_WIDTH : rand_range (rand, 0, CORPUS_FRAME_WIDTH);
      p.cy = fixed ? 0.35 * CORPUS_FRAME_HEIGHT : rand_range (rand, 0, CORPUS_FRAME_HEIGHT);
      break;
    case CORPUS_CLEAN:
    case CORPUS_N_VARIANTS:
    default:
      break;
    }
  fit_in_frame (&p, code);
  return p;
}

/* Bilinear sample of the code at (u, v); outside it, the background. */
static double
sample (const CorpusImage *code, double u, double v)
{
  int x0 = (int) floor (u), y0 = (int) floor (v);
  double fx = u - x0, fy = v - y0;
  double acc = 0;

  for (int dy = 0; dy <= 1; dy++)
    for (int dx = 0; dx <= 1; dx++)
      {
        int x = x0 + dx, y = y0 + dy;
        double w = (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy);
        double g = x >= 0 && y >= 0 && x < code->width && y < code->height
                   ? code->pixels[(gsize) y * code->width + x] : -1;
        acc += w * g;
      }
  return acc;  /* negative when mostly outside */
}

/* Warps the code into the frame; 2×2 supersampling when shrinking so thin
 * bars blend the way a camera's pixels would. */
static void
warp (const CorpusImage *code, const Params *p, float *out)
{
  double c = cos (p->angle), s = sin (p->angle);
  int ss = p->scale < 1.0 ? 2 : 1;

  for (int y = 0; y < CORPUS_FRAME_HEIGHT; y++)
    for (int x = 0; x < CORPUS_FRAME_WIDTH; x++)
      {
        double acc = 0;
        for (int j = 0; j < ss; j++)
          for (int i = 0; i < ss; i++)
            {
              double dx = x + (i + 0.5) / ss - 0.5 - p->cx, dy = y + (j + 0.5) / ss - 0.5 - p->cy;
              double u = (c * dx + s * dy) / p->scale + code->width / 2.0;
              double v = (-s * dx + c * dy) / p->scale + code->height / 2.0;
              double g = sample (code, u, v);
              acc += g < 0 ? BACKGROUND : p->lo + g * (p->hi - p->lo) / 255.0;
            }
        out[(gsize) y * CORPUS_FRAME_WIDTH + x] = acc / (ss * ss);
      }
}

static void
blur_1d (const float *in, float *out, int n, int step, const float *k, int r)
{
  for (int i = 0; i < n; i++)
    {
      float acc = 0;
      for (int j = -r; j <= r; j++)
        acc += k[j + r] * in[(gsize) CLAMP (i + j, 0, n - 1) * step];
      out[(gsize) i * step] = acc;
    }
}

static void
gaussian_blur (float *img, double sigma)
{
  const int w = CORPUS_FRAME_WIDTH, h = CORPUS_FRAME_HEIGHT;
  int r = (int) ceil (3 * sigma);
  g_autofree float *k = g_new (float, 2 * r + 1);
  g_autofree float *tmp = g_new (float, (gsize) w * h);
  float sum = 0;

  for (int i = -r; i <= r; i++)
    sum += k[i + r] = (float) exp (-(i * i) / (2 * sigma * sigma));
  for (int i = 0; i <= 2 * r; i++)
    k[i] /= sum;
  for (int y = 0; y < h; y++)
    blur_1d (img + (gsize) y * w, tmp + (gsize) y * w, w, 1, k, r);
  for (int x = 0; x < w; x++)
    blur_1d (tmp + x, img + x, h, w, k, r);
}

static void
add_noise (float *img, double sigma, guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed ^ 0x5eed);

  /* Box–Muller, two samples per draw. */
  for (gsize i = 0; i + 1 < (gsize) CORPUS_FRAME_WIDTH * CORPUS_FRAME_HEIGHT; i += 2)
    {
      double u1 = g_rand_double_range (rand, 1e-12, 1.0), u2 = g_rand_double (rand);
      double m = sqrt (-2 * log (u1)) * sigma;
      img[i] += (float) (m * cos (2 * G_PI * u2));
      img[i + 1] += (float) (m * sin (2 * G_PI * u2));
    }
}

CorpusImage *
corpus_make_frame (const CorpusImage *code, gboolean is_2d, CorpusVariant variant,
                   guint32 seed)
{
  const gsize n = (gsize) CORPUS_FRAME_WIDTH * CORPUS_FRAME_HEIGHT;
  Params p = variant_params (code, is_2d, variant, seed);
  g_autofree float *img = g_new (float, n);
  CorpusImage *frame = image_new (CORPUS_FRAME_WIDTH, CORPUS_FRAME_HEIGHT);

  warp (code, &p, img);
  if (p.blur > 0)
    gaussian_blur (img, p.blur);
  if (p.noise > 0)
    add_noise (img, p.noise, seed);
  for (gsize i = 0; i < n; i++)
    frame->pixels[i] = (guint8) CLAMP (lround (img[i]), 0, 255);
  return frame;
}

gboolean
corpus_write_pgm (const CorpusImage *image, const char *path, GError **error)
{
  g_autofree char *header = g_strdup_printf ("P5\n%d %d\n255\n", image->width, image->height);
  gsize hlen = strlen (header), n = (gsize) image->width * image->height;
  g_autofree char *data = g_malloc (hlen + n);

  memcpy (data, header, hlen);
  memcpy (data + hlen, image->pixels, n);
  return g_file_set_contents (path, data, hlen + n, error);
}
