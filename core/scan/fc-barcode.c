/* fc-barcode.c: the validation gate and the deduplicator. */
#include "fc-barcode.h"

#include <string.h>

G_DEFINE_QUARK (fc-barcode-error-quark, fc_barcode_error)

const char *
fc_symbology_to_string (FcSymbology symbology)
{
  switch (symbology)
    {
    case FC_SYMBOLOGY_EAN13: return "EAN-13";
    case FC_SYMBOLOGY_EAN8: return "EAN-8";
    case FC_SYMBOLOGY_UPCA: return "UPC-A";
    case FC_SYMBOLOGY_UPCE: return "UPC-E";
    case FC_SYMBOLOGY_CODE128: return "Code 128";
    case FC_SYMBOLOGY_GS1_128: return "GS1-128";
    case FC_SYMBOLOGY_CODE39: return "Code 39";
    case FC_SYMBOLOGY_I25: return "Interleaved 2 of 5";
    case FC_SYMBOLOGY_QR: return "QR Code";
    case FC_SYMBOLOGY_GS1_QR: return "GS1 QR Code";
    case FC_SYMBOLOGY_DATABAR: return "GS1 DataBar";
    case FC_SYMBOLOGY_DATABAR_EXP: return "GS1 DataBar Expanded";
    case FC_SYMBOLOGY_DATAMATRIX: return "Data Matrix";
    case FC_SYMBOLOGY_UNKNOWN: default: return "unknown";
    }
}

/* ---- FcScanResult -------------------------------------------------------- */

static void
scan_result_clear (gpointer data)
{
  FcScanResult *r = data;
  g_free (r->text);
  g_clear_pointer (&r->gs1, fc_gs1_result_free);
  g_free (r->gtin);
  g_free (r->serial);
}

FcScanResult *
fc_scan_result_ref (FcScanResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);
  return g_atomic_rc_box_acquire (result);
}

void
fc_scan_result_unref (FcScanResult *result)
{
  if (result != NULL)
    g_atomic_rc_box_release_full (result, scan_result_clear);
}

G_DEFINE_BOXED_TYPE (FcScanResult, fc_scan_result, fc_scan_result_ref, fc_scan_result_unref)

/* Takes @gs1; copies the rest. */
static FcScanResult *
scan_result_new (FcSymbology sym, const char *text, gsize len, const char *gtin,
                 FcGs1Result *gs1)
{
  FcScanResult *r = g_atomic_rc_box_new0 (FcScanResult);

  r->text = g_strndup (text, len);
  r->symbology = sym;
  r->gs1 = gs1;
  r->gtin = g_strdup (gs1 != NULL && gs1->gtin != NULL ? gs1->gtin : gtin);
  r->serial = gs1 != NULL ? g_strdup (gs1->serial) : NULL;
  return r;
}

/* ---- EAN / UPC ----------------------------------------------------------- */

static gboolean
all_digits (const char *s, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

char *
fc_upce_to_upca (const char *upce)
{
  const char *d;
  char mfr[6], item[6];

  g_return_val_if_fail (upce != NULL, NULL);
  if (strlen (upce) != 8 || !all_digits (upce, 8) || (upce[0] != '0' && upce[0] != '1'))
    return NULL;
  d = upce + 1;  /* the six data digits; d[5] says how they were compressed */
  switch (d[5])
    {
    case '0': case '1': case '2':
      g_snprintf (mfr, sizeof mfr, "%c%c%c00", d[0], d[1], d[5]);
      g_snprintf (item, sizeof item, "00%c%c%c", d[2], d[3], d[4]);
      break;
    case '3':
      g_snprintf (mfr, sizeof mfr, "%c%c%c00", d[0], d[1], d[2]);
      g_snprintf (item, sizeof item, "000%c%c", d[3], d[4]);
      break;
    case '4':
      g_snprintf (mfr, sizeof mfr, "%c%c%c%c0", d[0], d[1], d[2], d[3]);
      g_snprintf (item, sizeof item, "0000%c", d[4]);
      break;
    default:
      g_snprintf (mfr, sizeof mfr, "%.5s", d);
      g_snprintf (item, sizeof item, "0000%c", d[5]);
      break;
    }
  return g_strdup_printf ("%c%s%s%c", upce[0], mfr, item, upce[7]);
}

static char *
pad_gtin14 (const char *digits, gsize len)
{
  char *gtin = g_strdup ("00000000000000");
  memcpy (gtin + 14 - len, digits, len);
  return gtin;
}

static gsize
ean_length (FcSymbology sym)
{
  switch (sym)
    {
    case FC_SYMBOLOGY_EAN13: return 13;
    case FC_SYMBOLOGY_UPCA: return 12;
    case FC_SYMBOLOGY_EAN8: case FC_SYMBOLOGY_UPCE: return 8;
    default: return 0;
    }
}

static gboolean
validate_ean (FcSymbology sym, const char *text, gsize len, FcScanResult **out, GError **error)
{
  const char *name = fc_symbology_to_string (sym);
  char digits[16] = { 0 };  /* @text need not be NUL-terminated */
  g_autofree char *upca = NULL;
  g_autofree char *gtin = NULL;
  const char *checked = digits;

  if (len != ean_length (sym) || !all_digits (text, len))
    {
      g_set_error (error, FC_BARCODE_ERROR, FC_BARCODE_ERROR_BAD_LENGTH,
                   "%s: expected %" G_GSIZE_FORMAT " digits, got \"%.*s\"", name,
                   ean_length (sym), (int) MIN (len, 32), text);
      return FALSE;
    }
  memcpy (digits, text, len);
  /* UPC-E's check digit is the one of its UPC-A expansion. */
  if (sym == FC_SYMBOLOGY_UPCE && (checked = upca = fc_upce_to_upca (digits)) == NULL)
    {
      g_set_error (error, FC_BARCODE_ERROR, FC_BARCODE_ERROR_BAD_CHARSET,
                   "UPC-E: number system %c is not 0 or 1", text[0]);
      return FALSE;
    }
  if (!fc_gtin_check_digit_valid (checked, -1))
    {
      g_set_error (error, FC_BARCODE_ERROR, FC_BARCODE_ERROR_BAD_CHECK_DIGIT,
                   "%s: check digit of %s is wrong", name, digits);
      return FALSE;
    }
  gtin = pad_gtin14 (checked, strlen (checked));
  *out = scan_result_new (sym, text, len, gtin, NULL);
  return TRUE;
}

/* ---- plain codes --------------------------------------------------------- */

static gboolean
check_plain_length (const char *name, gsize len, gsize min, GError **error)
{
  if (len >= min && len <= FC_BARCODE_PLAIN_MAX_LEN)
    return TRUE;
  g_set_error (error, FC_BARCODE_ERROR, FC_BARCODE_ERROR_BAD_LENGTH,
               "%s: %" G_GSIZE_FORMAT " characters is not a plausible serial or part number "
               "(%" G_GSIZE_FORMAT "–%d)", name, len, min, FC_BARCODE_PLAIN_MAX_LEN);
  return FALSE;
}

static gboolean
char_allowed (FcSymbology sym, guchar c)
{
  switch (sym)
    {
    case FC_SYMBOLOGY_I25:
      return g_ascii_isdigit (c);
    case FC_SYMBOLOGY_CODE39:  /* without full-ASCII mode */
      return g_ascii_isdigit (c) || g_ascii_isupper (c) || (c != 0 && strchr (" -.$/+%", c) != NULL);
    default:  /* printable ASCII: serials and part numbers */
      return c >= 0x20 && c < 0x7f;
    }
}

/* Code 128, Code 39, I2of5 without GS1: printable, bounded, and the shape
 * the symbology allows. Leading or trailing blanks are a misread of quiet
 * zone noise, never part of a serial. */
static gboolean
validate_plain (FcSymbology sym, const char *text, gsize len, FcScanResult **out, GError **error)
{
  const char *name = fc_symbology_to_string (sym);

  if (!check_plain_length (name, len, FC_BARCODE_PLAIN_MIN_LEN, error))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!char_allowed (sym, text[i]))
      {
        g_set_error (error, FC_BARCODE_ERROR, FC_BARCODE_ERROR_BAD_CHARSET,
                     "%s: byte 0x%02x at position %" G_GSIZE_FORMAT " is not allowed", name,
                     (guchar) text[i], i + 1);
        return FALSE;
      }
  if (text[0] == ' ' || text[len - 1] == ' ')
    {
      g_set_error (error, FC_BARCODE_ERROR, FC_BARCODE_ERROR_BAD_CHARSET,
                   "%s: leading or trailing blank", name);
      return FALSE;
    }
  if (sym == FC_SYMBOLOGY_I25 && len % 2 != 0)
    {
      g_set_error (error, FC_BARCODE_ERROR, FC_BARCODE_ERROR_BAD_LENGTH,
                   "Interleaved 2 of 5: odd length %" G_GSIZE_FORMAT " is impossible", len);
      return FALSE;
    }
  *out = scan_result_new (sym, text, len, NULL, NULL);
  return TRUE;
}

/* ---- GS1 and QR ---------------------------------------------------------- */

static gboolean
validate_gs1 (FcSymbology sym, const char *text, gsize len, FcScanResult **out, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(FcGs1Result) gs1 = fc_gs1_parse (text, len, TRUE, &local);

  if (gs1 == NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: ",
                                  fc_symbology_to_string (sym));
      return FALSE;
    }
  /* DataBar Omnidirectional carries exactly one GTIN and nothing else. */
  if (sym == FC_SYMBOLOGY_DATABAR && (gs1->elements->len != 1 || gs1->gtin == NULL))
    {
      g_set_error (error, FC_GS1_ERROR, FC_GS1_ERROR_SYNTAX,
                   "GS1 DataBar: expected a single AI (01), got \"%.*s\"", (int) MIN (len, 40),
                   text);
      return FALSE;
    }
  *out = scan_result_new (sym, text, len, NULL, g_steal_pointer (&gs1));
  return TRUE;
}

static gboolean
has_url_scheme (const char *text, gsize len)
{
  return (len >= 8 && g_ascii_strncasecmp (text, "https://", 8) == 0)
         || (len >= 7 && g_ascii_strncasecmp (text, "http://", 7) == 0);
}

static gboolean
check_text (const char *name, const char *text, gsize len, GError **error)
{
  if (!g_utf8_validate_len (text, len, NULL))
    {
      g_set_error (error, FC_BARCODE_ERROR, FC_BARCODE_ERROR_BAD_CHARSET,
                   "%s: content is not UTF-8 text", name);
      return FALSE;
    }
  for (gsize i = 0; i < len; i++)
    if ((guchar) text[i] < 0x20 && text[i] != '\t' && text[i] != '\n' && text[i] != '\r')
      {
        g_set_error (error, FC_BARCODE_ERROR, FC_BARCODE_ERROR_BAD_CHARSET,
                     "%s: control byte 0x%02x at position %" G_GSIZE_FORMAT, name,
                     (guchar) text[i], i + 1);
        return FALSE;
      }
  return TRUE;
}

/* A plain QR may hold anything textual. A GS1 Digital Link URI in it gets
 * the full GS1 check: a wrong GTIN check digit there means a wrong label. */
static gboolean
validate_qr (FcSymbology sym, const char *text, gsize len, FcScanResult **out, GError **error)
{
  const char *name = fc_symbology_to_string (sym);
  g_autoptr(GError) local = NULL;
  FcGs1Result *gs1 = NULL;

  if (len == 0 || !check_text (name, text, len, error))
    {
      if (len == 0)
        g_set_error (error, FC_BARCODE_ERROR, FC_BARCODE_ERROR_BAD_LENGTH, "%s: empty", name);
      return FALSE;
    }
  if (has_url_scheme (text, len))
    {
      gs1 = fc_gs1_parse (text, len, FALSE, &local);
      if (gs1 == NULL && !g_error_matches (local, FC_GS1_ERROR, FC_GS1_ERROR_NOT_GS1))
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local), "%s: ", name);
          return FALSE;
        }
    }
  *out = scan_result_new (sym, text, len, NULL, gs1);
  return TRUE;
}

/* ---- unknown symbology (keyboard wedge) ---------------------------------- */

static gboolean
looks_gs1 (const char *text, gsize len)
{
  return (len >= 3 && text[0] == ']' && text[1] != 0 && strchr ("CeQdJ", text[1]) != NULL)
         || (len >= 1 && text[0] == '\x1d')
         || (len >= 4 && text[0] == '(' && g_ascii_isdigit (text[1]) && g_ascii_isdigit (text[2]))
         || memchr (text, '\x1d', len) != NULL;
}

/* All digits at an EAN/UPC length: treated as one, so a wrong check digit
 * is refused rather than passed on as a "plain" code — a wedge scanner's
 * misread EAN must never become a serial. */
static FcSymbology
guess_ean (const char *text, gsize len)
{
  FcSymbology sym = len == 13 ? FC_SYMBOLOGY_EAN13
                    : len == 12 ? FC_SYMBOLOGY_UPCA
                    : len == 8 ? FC_SYMBOLOGY_EAN8 : FC_SYMBOLOGY_UNKNOWN;

  if (sym == FC_SYMBOLOGY_UNKNOWN || !all_digits (text, len))
    return FC_SYMBOLOGY_UNKNOWN;
  return sym;
}

/* The scanner decoded and checked the symbol already; we only know the
 * text. GS1 markers get full GS1 validation, a URL the QR treatment, digits
 * of an EAN/UPC length must carry a valid check digit, anything else is a
 * plain code. */
static gboolean
validate_unknown (const char *text, gsize len, gboolean is_gs1, FcScanResult **out,
                  GError **error)
{
  FcSymbology ean;

  if (is_gs1 || looks_gs1 (text, len))
    return validate_gs1 (FC_SYMBOLOGY_UNKNOWN, text, len, out, error);
  if (has_url_scheme (text, len))
    return validate_qr (FC_SYMBOLOGY_UNKNOWN, text, len, out, error);
  ean = guess_ean (text, len);
  if (ean != FC_SYMBOLOGY_UNKNOWN)
    return validate_ean (ean, text, len, out, error);
  return validate_plain (FC_SYMBOLOGY_UNKNOWN, text, len, out, error);
}

gboolean
fc_barcode_validate (FcSymbology symbology, const char *text, gssize len, gboolean is_gs1,
                     FcScanResult **out, GError **error)
{
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (out != NULL && *out == NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (len < 0)
    len = strnlen (text, FC_GS1_MAX_INPUT + 1);
  if (len > FC_GS1_MAX_INPUT)
    {
      g_set_error (error, FC_BARCODE_ERROR, FC_BARCODE_ERROR_TOO_LONG,
                   "%s: longer than %d bytes", fc_symbology_to_string (symbology),
                   FC_GS1_MAX_INPUT);
      return FALSE;
    }
  switch (symbology)
    {
    case FC_SYMBOLOGY_EAN13: case FC_SYMBOLOGY_EAN8:
    case FC_SYMBOLOGY_UPCA: case FC_SYMBOLOGY_UPCE:
      return validate_ean (symbology, text, len, out, error);
    case FC_SYMBOLOGY_CODE128:
      return is_gs1 ? validate_gs1 (FC_SYMBOLOGY_GS1_128, text, len, out, error)
                    : validate_plain (symbology, text, len, out, error);
    case FC_SYMBOLOGY_CODE39: case FC_SYMBOLOGY_I25:
      return validate_plain (symbology, text, len, out, error);
    case FC_SYMBOLOGY_QR:
      return is_gs1 ? validate_gs1 (FC_SYMBOLOGY_GS1_QR, text, len, out, error)
                    : validate_qr (symbology, text, len, out, error);
    case FC_SYMBOLOGY_GS1_128: case FC_SYMBOLOGY_GS1_QR:
    case FC_SYMBOLOGY_DATABAR: case FC_SYMBOLOGY_DATABAR_EXP:
      /* GS1 by definition, whatever the flag says. */
      return validate_gs1 (symbology, text, len, out, error);
    case FC_SYMBOLOGY_DATAMATRIX:
      return is_gs1 || looks_gs1 (text, len) ? validate_gs1 (symbology, text, len, out, error)
                                             : validate_qr (symbology, text, len, out, error);
    case FC_SYMBOLOGY_UNKNOWN: default:
      return validate_unknown (text, len, is_gs1, out, error);
    }
}

/* ---- FcScanDedup --------------------------------------------------------- */

/* Beyond this many remembered codes, forget those out of the window. */
#define DEDUP_PRUNE_AT 256

struct _FcScanDedup {
  gint64      window_us;
  GHashTable *last_seen;  /* owned: text (owned) → gint64* µs (owned) */
};

FcScanDedup *
fc_scan_dedup_new (gint64 window_us)
{
  FcScanDedup *dedup = g_new0 (FcScanDedup, 1);

  dedup->window_us = window_us > 0 ? window_us : FC_SCAN_DEDUP_DEFAULT_WINDOW_US;
  dedup->last_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return dedup;
}

void
fc_scan_dedup_free (FcScanDedup *dedup)
{
  if (dedup == NULL)
    return;
  g_clear_pointer (&dedup->last_seen, g_hash_table_unref);
  g_free (dedup);
}

void
fc_scan_dedup_set_window (FcScanDedup *dedup, gint64 window_us)
{
  g_return_if_fail (dedup != NULL);
  g_return_if_fail (window_us >= 0);
  dedup->window_us = window_us;
}

void
fc_scan_dedup_reset (FcScanDedup *dedup)
{
  g_return_if_fail (dedup != NULL);
  g_hash_table_remove_all (dedup->last_seen);
}

static void
dedup_prune (FcScanDedup *dedup, gint64 now_us)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, dedup->last_seen);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (now_us - *(gint64 *) value >= dedup->window_us)
      g_hash_table_iter_remove (&iter);
}

gboolean
fc_scan_dedup_accept (FcScanDedup *dedup, const char *text, gint64 now_us)
{
  gint64 *last;
  gboolean fresh;

  g_return_val_if_fail (dedup != NULL, FALSE);
  g_return_val_if_fail (text != NULL, FALSE);

  last = g_hash_table_lookup (dedup->last_seen, text);
  if (last != NULL)
    {
      /* A clock that went backwards counts as a fresh sighting. */
      fresh = now_us - *last >= dedup->window_us || now_us < *last;
      *last = now_us;
      return fresh;
    }
  if (g_hash_table_size (dedup->last_seen) >= DEDUP_PRUNE_AT)
    dedup_prune (dedup, now_us);
  last = g_new (gint64, 1);
  *last = now_us;
  g_hash_table_insert (dedup->last_seen, g_strdup (text), last);
  return TRUE;
}
