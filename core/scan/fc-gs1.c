/* fc-gs1.c: GS1 element strings, human-readable form and Digital Link.
 *
 * The AI table follows the GS1 General Specifications (§3, "GS1 Application
 * Identifiers in numerical order") and the GS1 syntax dictionary. Each AI is
 * an optional fixed numeric head (with an optional check digit and date)
 * followed by an optional variable tail in a given character set.
 */
#include "fc-gs1.h"

#include <string.h>

G_DEFINE_QUARK (fc-gs1-error-quark, fc_gs1_error)

#define GS '\x1d'

typedef enum {
  CS_NONE,  /* no tail */
  CS_N,     /* digits */
  CS_X,     /* GS1 AI encodable character set 82 */
  CS_Y,     /* GS1 AI encodable character set 39 */
} Charset;

typedef enum {
  DATE_NONE,
  DATE_YYMMDD,      /* strict calendar date */
  DATE_YYMMDD_00,   /* DD = 00 allowed: "the month's last day" (AIs 11–17) */
  DATE_YYMMDDHHMM,  /* date then hour/minute (7003) */
} DateKind;

typedef struct {
  const char *lo;        /* the AI prefix, or the low end of a range of prefixes */
  const char *hi;        /* NULL, or the high end of the range (same length) */
  guint8      ai_len;    /* digits of the AI in the data: > strlen (lo) for "310n" families */
  guint8      head;      /* fixed numeric head length (0 = none) */
  guint8      check_len; /* mod-10 check digit over the first check_len digits (0 = none) */
  guint8      date;      /* DateKind over the first digits of the head */
  guint8      tail_cs;   /* Charset of the variable tail, CS_NONE = no tail */
  guint8      tail_min;
  guint8      tail_max;
  guint8      max_n;     /* highest allowed last digit of a family AI (310n: 5) */
} AiSpec;

#define FIXED_N(a, n) { a, NULL, sizeof a - 1, n, 0, DATE_NONE, CS_NONE, 0, 0, 9 }
#define FIXED_CHK(a, n, c) { a, NULL, sizeof a - 1, n, c, DATE_NONE, CS_NONE, 0, 0, 9 }
#define DATE_AI(a, k) { a, NULL, sizeof a - 1, 6, 0, k, CS_NONE, 0, 0, 9 }
#define VAR(a, cs, max) { a, NULL, sizeof a - 1, 0, 0, DATE_NONE, cs, 1, max, 9 }
#define HEAD_VAR(a, h, c, cs, min, max) { a, NULL, sizeof a - 1, h, c, DATE_NONE, cs, min, max, 9 }
#define FAMILY_N(lo, hi, n, mx) { lo, hi, sizeof lo, n, 0, DATE_NONE, CS_NONE, 0, 0, mx }
#define FAMILY_VAR(lo, hi, h, max, mx) { lo, hi, sizeof lo, h, 0, DATE_NONE, CS_N, 1, max, mx }

static const AiSpec ai_table[] = {
  FIXED_CHK ("00", 18, 18),          /* SSCC */
  FIXED_CHK ("01", 14, 14),          /* GTIN */
  FIXED_CHK ("02", 14, 14),          /* GTIN of contained trade items */
  VAR ("10", CS_X, 20),              /* batch / lot */
  DATE_AI ("11", DATE_YYMMDD_00),    /* production date */
  DATE_AI ("12", DATE_YYMMDD_00),    /* due date */
  DATE_AI ("13", DATE_YYMMDD_00),    /* packaging date */
  DATE_AI ("15", DATE_YYMMDD_00),    /* best before */
  DATE_AI ("16", DATE_YYMMDD_00),    /* sell by */
  DATE_AI ("17", DATE_YYMMDD_00),    /* expiration */
  FIXED_N ("20", 2),                 /* internal product variant */
  VAR ("21", CS_X, 20),              /* serial number */
  VAR ("22", CS_X, 20),              /* consumer product variant */
  VAR ("235", CS_X, 28),             /* third-party controlled serialised extension */
  VAR ("240", CS_X, 30),             /* additional product identification */
  VAR ("241", CS_X, 30),             /* customer part number */
  VAR ("242", CS_N, 6),              /* made-to-order variation */
  VAR ("243", CS_X, 20),             /* packaging component number */
  VAR ("250", CS_X, 30),             /* secondary serial number */
  VAR ("251", CS_X, 30),             /* reference to source entity */
  HEAD_VAR ("253", 13, 13, CS_X, 0, 17),  /* GDTI */
  VAR ("254", CS_X, 20),             /* GLN extension component */
  HEAD_VAR ("255", 13, 13, CS_N, 0, 12),  /* GCN */
  VAR ("30", CS_N, 8),               /* variable count */
  FAMILY_N ("310", "316", 6, 5),     /* trade measures, metric */
  FAMILY_N ("320", "329", 6, 5),     /* trade measures, imperial */
  FAMILY_N ("330", "337", 6, 5),     /* logistic measures */
  FAMILY_N ("340", "349", 6, 5),
  FAMILY_N ("350", "357", 6, 5),
  FAMILY_N ("360", "369", 6, 5),
  VAR ("37", CS_N, 8),               /* count of trade items */
  FAMILY_VAR ("390", NULL, 0, 15, 9),  /* amount payable, local currency */
  FAMILY_VAR ("391", NULL, 3, 15, 9),  /* amount payable, ISO currency */
  FAMILY_VAR ("392", NULL, 0, 15, 9),  /* price, single monetary area */
  FAMILY_VAR ("393", NULL, 3, 15, 9),  /* price, ISO currency */
  FAMILY_N ("394", NULL, 4, 3),      /* percentage discount of a coupon */
  FAMILY_N ("395", NULL, 6, 5),      /* amount payable per unit of measure */
  VAR ("400", CS_X, 30),             /* customer's purchase order number */
  VAR ("401", CS_X, 30),             /* GINC */
  FIXED_CHK ("402", 17, 17),         /* GSIN */
  VAR ("403", CS_X, 30),             /* routing code */
  { "410", "417", 3, 13, 13, DATE_NONE, CS_NONE, 0, 0, 9 },  /* GLNs: ship to, bill to … */
  VAR ("420", CS_X, 20),             /* ship-to postal code, single authority */
  HEAD_VAR ("421", 3, 0, CS_X, 1, 9),   /* ship-to postal code with ISO country */
  FIXED_N ("422", 3),                /* country of origin */
  HEAD_VAR ("423", 3, 0, CS_N, 0, 12),  /* countries of initial processing */
  FIXED_N ("424", 3),
  HEAD_VAR ("425", 3, 0, CS_N, 0, 12),
  FIXED_N ("426", 3),
  VAR ("427", CS_X, 3),
  FIXED_N ("7001", 13),              /* NATO stock number */
  VAR ("7002", CS_X, 30),
  { "7003", NULL, 4, 10, 0, DATE_YYMMDDHHMM, CS_NONE, 0, 0, 9 },  /* expiry date and time */
  VAR ("7004", CS_N, 4),
  VAR ("7005", CS_X, 12),
  DATE_AI ("7006", DATE_YYMMDD),
  { "7007", NULL, 4, 6, 0, DATE_YYMMDD, CS_N, 0, 6, 9 },  /* harvest date (range) */
  VAR ("7009", CS_X, 10),
  VAR ("7010", CS_X, 2),
  VAR ("7020", CS_X, 20),
  VAR ("7021", CS_X, 20),
  VAR ("7022", CS_X, 20),
  VAR ("7023", CS_X, 30),
  { "7030", "7039", 4, 3, 0, DATE_NONE, CS_X, 1, 27, 9 },  /* approval numbers */
  { "710", "716", 3, 0, 0, DATE_NONE, CS_X, 1, 20, 9 },    /* national healthcare codes */
  VAR ("7240", CS_X, 20),
  FIXED_N ("8001", 14),              /* roll products */
  VAR ("8002", CS_X, 20),
  HEAD_VAR ("8003", 14, 14, CS_X, 0, 16),  /* GRAI */
  VAR ("8004", CS_X, 30),            /* GIAI */
  FIXED_N ("8005", 6),
  FIXED_CHK ("8006", 18, 14),        /* ITIP: GTIN + piece + total */
  VAR ("8007", CS_X, 34),            /* IBAN */
  HEAD_VAR ("8008", 8, 0, CS_N, 0, 4),
  VAR ("8009", CS_X, 50),
  VAR ("8010", CS_Y, 30),            /* CPID */
  VAR ("8011", CS_N, 12),
  VAR ("8012", CS_X, 20),            /* software version */
  VAR ("8013", CS_X, 25),            /* GMN */
  FIXED_CHK ("8017", 18, 18),        /* GSRN provider */
  FIXED_CHK ("8018", 18, 18),        /* GSRN recipient */
  VAR ("8019", CS_N, 10),
  VAR ("8020", CS_X, 25),            /* payment slip reference */
  FIXED_CHK ("8026", 18, 14),        /* ITIP of contained items */
  VAR ("8110", CS_X, 70),
  FIXED_N ("8111", 4),
  VAR ("8112", CS_X, 70),
  VAR ("8200", CS_X, 70),            /* extended packaging URL */
  VAR ("90", CS_X, 30),              /* mutually agreed */
  { "91", "99", 2, 0, 0, DATE_NONE, CS_X, 1, 90, 9 },  /* company internal */
};

/* AIs whose first two digits make the length predefined: no separator needed
 * after them (General Specifications, figure 5.10.1-2). */
static gboolean
ai_is_predefined_length (const char *ai)
{
  static const char *const prefixes[] = {
    "00", "01", "02", "03", "04", "11", "12", "13", "14", "15", "16", "17",
    "18", "19", "20", "31", "32", "33", "34", "35", "36", "41",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (ai[0] == prefixes[i][0] && ai[1] == prefixes[i][1])
      return TRUE;
  return FALSE;
}

static gboolean
all_digits (const char *s, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  return TRUE;
}

static gboolean
spec_matches (const AiSpec *spec, const char *s, gsize len)
{
  gsize plen = strlen (spec->lo);

  if (len < spec->ai_len || !all_digits (s, spec->ai_len))
    return FALSE;
  if (spec->hi == NULL)
    {
      if (memcmp (s, spec->lo, plen) != 0)
        return FALSE;
    }
  else if (memcmp (s, spec->lo, plen) < 0 || memcmp (s, spec->hi, plen) > 0)
    return FALSE;
  /* "310n": the decimal-point digit has its own upper bound. */
  return spec->ai_len == plen || s[plen] - '0' <= spec->max_n;
}

/* The spec for the AI at the start of @s. AIs are prefix-free, so at most
 * one entry matches. */
static const AiSpec *
lookup_ai (const char *s, gsize len)
{
  for (gsize i = 0; i < G_N_ELEMENTS (ai_table); i++)
    if (spec_matches (&ai_table[i], s, len))
      return &ai_table[i];
  return NULL;
}

/* The spec for a complete AI given on its own ("17", "3103"), or NULL. */
static const AiSpec *
lookup_exact_ai (const char *ai, gsize len)
{
  const AiSpec *spec = lookup_ai (ai, len);
  return spec != NULL && spec->ai_len == len ? spec : NULL;
}

gboolean
fc_gtin_check_digit_valid (const char *digits, gssize len)
{
  int sum = 0;

  g_return_val_if_fail (digits != NULL, FALSE);
  if (len < 0)
    len = strlen (digits);
  if (len < 2 || len > 18 || !all_digits (digits, len))
    return FALSE;
  /* Weights 3,1,3,1… from the digit left of the check digit. */
  for (gssize i = len - 2, w = 3; i >= 0; i--, w = 4 - w)
    sum += (digits[i] - '0') * w;
  return (10 - sum % 10) % 10 == digits[len - 1] - '0';
}

int
fc_gs1_century_year (int yy, int reference_year)
{
  int century = reference_year / 100;
  int diff = yy - reference_year % 100;

  /* GS1 General Specifications §7.12: 51…99 years ahead means the previous
   * century, 50…99 years behind means the next one. */
  if (diff >= 51)
    century--;
  else if (diff <= -50)
    century++;
  return century * 100 + yy;
}

static gboolean
is_set82 (guchar c)
{
  return g_ascii_isalnum (c) || (c != '\0' && strchr ("!\"%&'()*+,-./:;<=>?_", c) != NULL);
}

static gboolean
is_set39 (guchar c)
{
  return g_ascii_isdigit (c) || g_ascii_isupper (c) || c == '#' || c == '-' || c == '/';
}

static gboolean
char_in_set (Charset cs, guchar c)
{
  switch (cs)
    {
    case CS_N: return g_ascii_isdigit (c);
    case CS_X: return is_set82 (c);
    case CS_Y: return is_set39 (c);
    case CS_NONE: default: return FALSE;
    }
}

/* Error context: the AI and where its value starts in the original input. */
typedef struct {
  const char *ai;
  gsize       offset;
} Where;

static void G_GNUC_PRINTF (4, 5)
set_error (GError **error, FcGs1Error code, const Where *w, const char *fmt, ...)
{
  va_list args;
  g_autofree char *what = NULL;

  va_start (args, fmt);
  what = g_strdup_vprintf (fmt, args);
  va_end (args);
  if (w != NULL && w->ai != NULL)
    g_set_error (error, FC_GS1_ERROR, code, "AI (%s) at offset %" G_GSIZE_FORMAT ": %s",
                 w->ai, w->offset, what);
  else if (w != NULL)
    g_set_error (error, FC_GS1_ERROR, code, "at offset %" G_GSIZE_FORMAT ": %s", w->offset, what);
  else
    g_set_error_literal (error, FC_GS1_ERROR, code, what);
}

static int
two_digits (const char *s)
{
  return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Validates YYMMDD and returns it as "YYYY-MM-DD" (DD=00 → the last day). */
static char *
parse_date (const char *s, DateKind kind, int ref_year, const Where *w, GError **error)
{
  int yy = two_digits (s), mm = two_digits (s + 2), dd = two_digits (s + 4);
  int year = fc_gs1_century_year (yy, ref_year);

  if (mm < 1 || mm > 12)
    {
      set_error (error, FC_GS1_ERROR_BAD_DATE, w, "month %02d does not exist", mm);
      return NULL;
    }
  if (dd == 0 && kind == DATE_YYMMDD_00)
    dd = g_date_get_days_in_month (mm, year);
  if (dd < 1 || dd > g_date_get_days_in_month (mm, year))
    {
      set_error (error, FC_GS1_ERROR_BAD_DATE, w, "day %02d does not exist in %04d-%02d",
                 dd, year, mm);
      return NULL;
    }
  if (kind == DATE_YYMMDDHHMM && (two_digits (s + 6) > 23 || two_digits (s + 8) > 59))
    {
      set_error (error, FC_GS1_ERROR_BAD_DATE, w, "time %.4s is not HHMM", s + 6);
      return NULL;
    }
  return g_strdup_printf ("%04d-%02d-%02d", year, mm, dd);
}

static gboolean
check_length (const AiSpec *spec, gsize len, const Where *w, GError **error)
{
  gsize min = spec->head + (spec->tail_cs != CS_NONE ? spec->tail_min : 0);
  gsize max = spec->head + (spec->tail_cs != CS_NONE ? spec->tail_max : 0);

  if (len >= min && len <= max)
    return TRUE;
  if (min == max)
    set_error (error, FC_GS1_ERROR_BAD_LENGTH, w, "%" G_GSIZE_FORMAT " characters, "
               "expected exactly %" G_GSIZE_FORMAT, len, min);
  else
    set_error (error, FC_GS1_ERROR_BAD_LENGTH, w, "%" G_GSIZE_FORMAT " characters, "
               "expected %" G_GSIZE_FORMAT " to %" G_GSIZE_FORMAT, len, min, max);
  return FALSE;
}

static gboolean
check_charset (const AiSpec *spec, const char *v, gsize len, const Where *w, GError **error)
{
  for (gsize i = 0; i < len; i++)
    {
      Charset cs = i < spec->head ? CS_N : spec->tail_cs;
      guchar c = v[i];

      if (char_in_set (cs, c))
        continue;
      if (g_ascii_isprint (c))
        set_error (error, FC_GS1_ERROR_BAD_CHARSET, w, "'%c' at position %" G_GSIZE_FORMAT
                   " is not allowed in a %s field", c, i + 1, cs == CS_N ? "numeric" : "text");
      else
        set_error (error, FC_GS1_ERROR_BAD_CHARSET, w, "byte 0x%02x at position %" G_GSIZE_FORMAT
                   " is not allowed", c, i + 1);
      return FALSE;
    }
  return TRUE;
}

/* Checks one value against its AI: length, characters, check digit, date. */
static gboolean
validate_value (const AiSpec *spec, const char *v, gsize len, int ref_year,
                const Where *w, GError **error)
{
  if (!check_length (spec, len, w, error) || !check_charset (spec, v, len, w, error))
    return FALSE;
  if (spec->check_len > 0 && !fc_gtin_check_digit_valid (v, spec->check_len))
    {
      set_error (error, FC_GS1_ERROR_BAD_CHECK_DIGIT, w, "check digit %c is wrong for %.*s",
                 v[spec->check_len - 1], (int) spec->check_len - 1, v);
      return FALSE;
    }
  if (spec->date != DATE_NONE)
    {
      g_autofree char *iso = parse_date (v, spec->date, ref_year, w, error);
      if (iso == NULL)
        return FALSE;
    }
  return TRUE;
}

/* Parsing state shared by the three input forms. */
typedef struct {
  GPtrArray *elements;  /* of FcGs1Element* */
  int        ref_year;
} Parse;

static void
element_free (gpointer data)
{
  FcGs1Element *e = data;
  g_free (e->ai);
  g_free (e->value);
  g_free (e);
}

static FcGs1Element *
element_new (const char *ai, gsize ai_len, const char *value, gsize value_len)
{
  FcGs1Element *e = g_new0 (FcGs1Element, 1);
  e->ai = g_strndup (ai, ai_len);
  e->value = g_strndup (value, value_len);
  return e;
}

static const FcGs1Element *
find_element (GPtrArray *elements, const char *ai)
{
  for (guint i = 0; i < elements->len; i++)
    {
      const FcGs1Element *e = g_ptr_array_index (elements, i);
      if (strcmp (e->ai, ai) == 0)
        return e;
    }
  return NULL;
}

/* Validates and appends one pair. A repeated AI with the same value is
 * dropped; with a different value it is an error (GS1 rule). */
static gboolean
add_element (Parse *p, const AiSpec *spec, const char *ai, gsize ai_len,
             const char *v, gsize len, gsize offset, GError **error)
{
  g_autofree char *ai_str = g_strndup (ai, ai_len);
  Where w = { ai_str, offset };
  const FcGs1Element *prev;

  if (!validate_value (spec, v, len, p->ref_year, &w, error))
    return FALSE;
  prev = find_element (p->elements, ai_str);
  if (prev != NULL)
    {
      if (strlen (prev->value) == len && memcmp (prev->value, v, len) == 0)
        return TRUE;
      set_error (error, FC_GS1_ERROR_DUPLICATE_AI, &w, "repeated with a different value");
      return FALSE;
    }
  g_ptr_array_add (p->elements, element_new (ai, ai_len, v, len));
  return TRUE;
}

/* A short, printable excerpt of the input for error messages. */
static char *
excerpt (const char *s, gsize len)
{
  g_autofree char *raw = g_strndup (s, MIN (len, 4));
  return g_strescape (raw, NULL);
}

static const AiSpec *
read_ai (const char *s, gsize len, gsize offset, GError **error)
{
  const AiSpec *spec = lookup_ai (s, len);
  Where w = { NULL, offset };

  if (spec != NULL)
    return spec;
  if (len < 2 || !all_digits (s, 2))
    {
      g_autofree char *ex = excerpt (s, len);
      set_error (error, FC_GS1_ERROR_SYNTAX, &w, "expected an Application Identifier, "
                 "found \"%s\"", ex);
    }
  else
    {
      g_autofree char *ex = excerpt (s, len);
      set_error (error, FC_GS1_ERROR_UNKNOWN_AI, &w, "no Application Identifier starts "
                 "\"%s\"", ex);
    }
  return NULL;
}

/* Where the value at @start ends: fixed AIs after their length, variable
 * ones at the next GS or the end. *next is where the following AI starts. */
static gsize
value_end (const AiSpec *spec, const char *s, gsize start, gsize len, gsize *next)
{
  gsize end;

  if (spec->tail_cs == CS_NONE)
    {
      end = MIN (start + spec->head, len);
      /* A separator after a fixed-length field is redundant, not wrong:
       * some encoders put one after every field. */
      *next = end < len && s[end] == GS ? end + 1 : end;
      return end;
    }
  for (end = start; end < len && s[end] != GS; end++)
    ;
  *next = end < len ? end + 1 : end;
  return end;
}

/* Only AIs of predefined length may be followed by the next AI directly
 * (fixed-length AIs like 422 or 8006 still need a separator). */
static gboolean
check_separator (const AiSpec *spec, const char *ai, gsize end, gsize next, gsize len,
                 gsize base, GError **error)
{
  g_autofree char *ai_str = NULL;
  Where w = { NULL, base + end };

  if (next == len || next > end || ai_is_predefined_length (ai))
    return TRUE;
  ai_str = g_strndup (ai, spec->ai_len);
  w.ai = ai_str;
  set_error (error, FC_GS1_ERROR_SYNTAX, &w, "a separator must follow this field");
  return FALSE;
}

/* The raw element string: AI value [GS] AI value … */
static gboolean
parse_element_string (Parse *p, const char *s, gsize len, gsize base, GError **error)
{
  gsize pos = 0;

  if (len == 0)
    {
      set_error (error, FC_GS1_ERROR_EMPTY, NULL, "no GS1 data after the prefix");
      return FALSE;
    }
  while (pos < len)
    {
      const AiSpec *spec;
      gsize start, end, next;

      if (s[pos] == GS)
        {
          Where w = { NULL, base + pos };
          set_error (error, FC_GS1_ERROR_SYNTAX, &w, "separator where an AI should start");
          return FALSE;
        }
      spec = read_ai (s + pos, len - pos, base + pos, error);
      if (spec == NULL)
        return FALSE;
      start = pos + spec->ai_len;
      end = value_end (spec, s, start, len, &next);
      if (!add_element (p, spec, s + pos, spec->ai_len, s + start, end - start, base + start,
                        error))
        return FALSE;
      if (!check_separator (spec, s + pos, end, next, len, base, error))
        return FALSE;
      pos = next;
    }
  return TRUE;
}

/* "(NN…)" at @s: the AI's length, or 0 when @s does not start a known AI. */
static gsize
hri_ai_at (const char *s, gsize len)
{
  for (gsize n = 2; n <= 4; n++)
    if (n + 2 <= len && s[0] == '(' && s[n + 1] == ')' && all_digits (s + 1, n)
        && lookup_exact_ai (s + 1, n) != NULL)
      return n;
  return 0;
}

/* The human-readable form "(01)…(10)…". A value runs to the next "(AI)":
 * parentheses are in set 82, so a "(" that starts no known AI is data. */
static gboolean
parse_hri (Parse *p, const char *s, gsize len, gsize base, GError **error)
{
  gsize pos = 0;

  while (pos < len)
    {
      gsize n = hri_ai_at (s + pos, len - pos), start, end;
      Where w = { NULL, base + pos };

      if (n == 0)
        {
          g_autofree char *ex = excerpt (s + pos, len - pos);
          set_error (error, s[pos] == '(' ? FC_GS1_ERROR_UNKNOWN_AI : FC_GS1_ERROR_SYNTAX, &w,
                     "expected \"(AI)\", found \"%s\"", ex);
          return FALSE;
        }
      start = pos + n + 2;
      for (end = start; end < len && hri_ai_at (s + end, len - end) == 0; end++)
        ;
      if (!add_element (p, lookup_exact_ai (s + pos + 1, n), s + pos + 1, n, s + start,
                        end - start, base + start, error))
        return FALSE;
      pos = end;
    }
  return TRUE;
}

/* ---- GS1 Digital Link ---------------------------------------------------- */

static gboolean
has_prefix_ci (const char *s, gsize len, const char *prefix)
{
  gsize plen = strlen (prefix);
  return len >= plen && g_ascii_strncasecmp (s, prefix, plen) == 0;
}

static int
hex_value (char c)
{
  return g_ascii_isxdigit (c) ? g_ascii_xdigit_value (c) : -1;
}

/* Percent-decodes @s; NULL on a malformed escape or an encoded NUL. */
static char *
percent_decode (const char *s, gsize len, gsize *out_len)
{
  g_autoptr(GString) out = g_string_sized_new (len);

  for (gsize i = 0; i < len; i++)
    {
      int hi, lo;

      if (s[i] != '%')
        {
          g_string_append_c (out, s[i]);
          continue;
        }
      if (i + 2 >= len)
        return NULL;
      hi = hex_value (s[i + 1]);
      lo = hex_value (s[i + 2]);
      if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
        return NULL;
      g_string_append_c (out, (char) (hi * 16 + lo));
      i += 2;
    }
  *out_len = out->len;
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* The AIs that may start the identifying part of a Digital Link path. */
static gboolean
is_dl_primary_key (const char *seg)
{
  static const char *const keys[] = {
    "01", "00", "253", "255", "401", "402", "414", "417", "8003", "8004",
    "8006", "8010", "8013", "8017", "8018",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    if (strcmp (seg, keys[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Adds one Digital Link (AI, encoded value) pair. GTIN-8/12/13 in a path
 * are padded to 14 digits, as the Digital Link standard's resolver does. */
static gboolean
add_dl_pair (Parse *p, const char *ai, const char *enc, gsize offset, GError **error)
{
  const AiSpec *spec = lookup_exact_ai (ai, strlen (ai));
  g_autofree char *value = NULL;
  gsize vlen = 0;
  Where w = { ai, offset };

  if (spec == NULL)
    {
      set_error (error, FC_GS1_ERROR_UNKNOWN_AI, &w, "not a GS1 Application Identifier");
      return FALSE;
    }
  value = percent_decode (enc, strlen (enc), &vlen);
  if (value == NULL)
    {
      set_error (error, FC_GS1_ERROR_BAD_URI, &w, "malformed percent-encoding");
      return FALSE;
    }
  if (strcmp (ai, "01") == 0 && (vlen == 8 || vlen == 12 || vlen == 13) && all_digits (value, vlen))
    {
      g_autofree char *padded = g_strdup_printf ("%014d", 0);
      memcpy (padded + 14 - vlen, value, vlen);
      g_free (value);
      value = g_steal_pointer (&padded);
      vlen = 14;
    }
  return add_element (p, spec, ai, strlen (ai), value, vlen, offset, error);
}

/* Splits "a/b/c" into segments, keeping each one's offset in the input. */
static GPtrArray *
split_path (const char *path, gsize len, gsize base, GArray *offsets)
{
  GPtrArray *segs = g_ptr_array_new_with_free_func (g_free);
  gsize start = 0;

  for (gsize i = 0; i <= len; i++)
    {
      if (i < len && path[i] != '/')
        continue;
      if (i > start)
        {
          gsize off = base + start;
          g_ptr_array_add (segs, g_strndup (path + start, i - start));
          g_array_append_val (offsets, off);
        }
      start = i + 1;
    }
  return segs;
}

static gboolean
parse_dl_path (Parse *p, const char *path, gsize len, gsize base, GError **error)
{
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GPtrArray) segs = split_path (path, len, base, offsets);
  guint i;

  /* Anything before the primary key is the resolver's own path prefix. */
  for (i = 0; i + 1 < segs->len; i++)
    if (is_dl_primary_key (g_ptr_array_index (segs, i)))
      break;
  if (i + 1 >= segs->len)
    {
      Where w = { NULL, base };
      set_error (error, FC_GS1_ERROR_NOT_GS1, &w, "no GS1 primary key in the URI path");
      return FALSE;
    }
  if ((segs->len - i) % 2 != 0)
    {
      Where w = { NULL, g_array_index (offsets, gsize, segs->len - 1) };
      set_error (error, FC_GS1_ERROR_BAD_URI, &w, "path ends with an AI that has no value");
      return FALSE;
    }
  for (; i < segs->len; i += 2)
    if (!add_dl_pair (p, g_ptr_array_index (segs, i), g_ptr_array_index (segs, i + 1),
                      g_array_index (offsets, gsize, i + 1), error))
      return FALSE;
  return TRUE;
}

/* Query "17=201225&linkType=…": numeric keys are AIs, others are ignored
 * (Digital Link allows non-GS1 parameters). */
static gboolean
parse_dl_query (Parse *p, const char *q, gsize len, gsize base, GError **error)
{
  gsize start = 0;

  for (gsize i = 0; i <= len; i++)
    {
      g_autofree char *pair = NULL;
      char *eq;

      if (i < len && q[i] != '&')
        continue;
      pair = g_strndup (q + start, i - start);
      eq = strchr (pair, '=');
      if (eq != NULL && eq > pair && all_digits (pair, eq - pair))
        {
          *eq = '\0';
          if (!add_dl_pair (p, pair, eq + 1, base + start + (eq - pair) + 1, error))
            return FALSE;
        }
      start = i + 1;
    }
  return TRUE;
}

static gboolean
parse_digital_link (Parse *p, const char *s, gsize len, GError **error)
{
  gsize pos = has_prefix_ci (s, len, "https://") ? 8 : 7;
  gsize path, query, end;

  /* The fragment is ignored but must be URI text too. */
  for (gsize i = pos; i < len; i++)
    if (s[i] == ' ' || !g_ascii_isprint (s[i]))
      {
        Where w = { NULL, i };
        set_error (error, FC_GS1_ERROR_BAD_URI, &w, "character not allowed in a URI");
        return FALSE;
      }
  for (end = pos; end < len && s[end] != '#'; end++)
    ;
  for (path = pos; path < end && s[path] != '/' && s[path] != '?'; path++)
    ;
  if (path == pos)
    {
      Where w = { NULL, pos };
      set_error (error, FC_GS1_ERROR_BAD_URI, &w, "URI has no host");
      return FALSE;
    }
  for (query = path; query < end && s[query] != '?'; query++)
    ;
  if (!parse_dl_path (p, s + path, query - path, path, error))
    return FALSE;
  return query >= end || parse_dl_query (p, s + query + 1, end - query - 1, query + 1, error);
}

/* ---- entry points -------------------------------------------------------- */

/* AIM symbology identifiers that announce GS1 data (]C1 GS1-128, ]e0
 * DataBar, ]Q3 GS1 QR, ]d2 GS1 DataMatrix, ]J1 GS1 DotCode). */
static gboolean
strip_gs1_identifier (const char **s, gsize *len, gsize *base)
{
  static const char *const ids[] = { "]C1", "]e0", "]Q3", "]d2", "]J1" };

  for (gsize i = 0; i < G_N_ELEMENTS (ids); i++)
    if (*len >= 3 && memcmp (*s, ids[i], 3) == 0)
      {
        *s += 3, *len -= 3, *base += 3;
        return TRUE;
      }
  return FALSE;
}

static gboolean
parse_any (Parse *p, const char *s, gsize len, gboolean is_gs1, GError **error)
{
  gsize base = 0;

  if (has_prefix_ci (s, len, "https://") || has_prefix_ci (s, len, "http://"))
    return parse_digital_link (p, s, len, error);
  if (strip_gs1_identifier (&s, &len, &base))
    is_gs1 = TRUE;
  if (len > 0 && s[0] == '(')
    return parse_hri (p, s, len, base, error);
  /* A wedge scanner may send the leading FNC1 as GS. */
  if (len > 0 && s[0] == GS)
    s++, len--, base++, is_gs1 = TRUE;
  if (!is_gs1)
    {
      set_error (error, FC_GS1_ERROR_NOT_GS1, NULL, "not GS1 data: no FNC1, no symbology "
                 "identifier, no \"(AI)\" and not a Digital Link URI");
      return FALSE;
    }
  /* One trailing separator is tolerated: some scanners append one. */
  if (len > 0 && s[len - 1] == GS)
    len--;
  return parse_element_string (p, s, len, base, error);
}

static char *
dup_date (const FcGs1Result *r, const char *ai, int ref_year)
{
  const char *v = fc_gs1_result_lookup (r, ai);
  const AiSpec *spec = lookup_exact_ai (ai, strlen (ai));
  Where w = { ai, 0 };

  /* Already validated: this cannot fail. */
  return v != NULL ? parse_date (v, spec->date, ref_year, &w, NULL) : NULL;
}

static FcGs1Result *
result_new_take (GPtrArray *elements, int ref_year)
{
  FcGs1Result *r = g_new0 (FcGs1Result, 1);

  r->elements = elements;
  r->gtin = g_strdup (fc_gs1_result_lookup (r, "01"));
  if (r->gtin == NULL)
    r->gtin = g_strdup (fc_gs1_result_lookup (r, "02"));
  r->serial = g_strdup (fc_gs1_result_lookup (r, "21"));
  r->lot = g_strdup (fc_gs1_result_lookup (r, "10"));
  r->sscc = g_strdup (fc_gs1_result_lookup (r, "00"));
  r->expiry = dup_date (r, "17", ref_year);
  r->production_date = dup_date (r, "11", ref_year);
  return r;
}

FcGs1Result *
fc_gs1_parse_with_year (const char *text, gssize len, gboolean is_gs1, int reference_year,
                        GError **error)
{
  Parse p = { NULL, reference_year };

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len < 0)
    len = strnlen (text, FC_GS1_MAX_INPUT + 1);
  if (len > FC_GS1_MAX_INPUT)
    {
      set_error (error, FC_GS1_ERROR_TOO_LONG, NULL, "input longer than %d bytes",
                 FC_GS1_MAX_INPUT);
      return NULL;
    }
  if (len == 0)
    {
      set_error (error, FC_GS1_ERROR_EMPTY, NULL, "empty input");
      return NULL;
    }
  p.elements = g_ptr_array_new_with_free_func (element_free);
  if (!parse_any (&p, text, len, is_gs1, error))
    {
      g_ptr_array_unref (p.elements);
      return NULL;
    }
  return result_new_take (p.elements, reference_year);
}

FcGs1Result *
fc_gs1_parse (const char *text, gssize len, gboolean is_gs1, GError **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  return fc_gs1_parse_with_year (text, len, is_gs1, g_date_time_get_year (now), error);
}

const char *
fc_gs1_result_lookup (const FcGs1Result *result, const char *ai)
{
  const FcGs1Element *e;

  g_return_val_if_fail (result != NULL, NULL);
  g_return_val_if_fail (ai != NULL, NULL);
  e = find_element (result->elements, ai);
  return e != NULL ? e->value : NULL;
}

char *
fc_gs1_result_to_hri (const FcGs1Result *result)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (result != NULL, NULL);
  for (guint i = 0; i < result->elements->len; i++)
    {
      const FcGs1Element *e = g_ptr_array_index (result->elements, i);
      g_string_append_printf (out, "(%s)%s", e->ai, e->value);
    }
  return g_string_free (out, FALSE);
}

FcGs1Result *
fc_gs1_result_copy (const FcGs1Result *result)
{
  FcGs1Result *copy;

  g_return_val_if_fail (result != NULL, NULL);
  copy = g_new0 (FcGs1Result, 1);
  copy->gtin = g_strdup (result->gtin);
  copy->serial = g_strdup (result->serial);
  copy->lot = g_strdup (result->lot);
  copy->expiry = g_strdup (result->expiry);
  copy->production_date = g_strdup (result->production_date);
  copy->sscc = g_strdup (result->sscc);
  copy->elements = g_ptr_array_new_full (result->elements->len, element_free);
  for (guint i = 0; i < result->elements->len; i++)
    {
      const FcGs1Element *e = g_ptr_array_index (result->elements, i);
      g_ptr_array_add (copy->elements, element_new (e->ai, strlen (e->ai), e->value,
                                                    strlen (e->value)));
    }
  return copy;
}

void
fc_gs1_result_free (FcGs1Result *result)
{
  if (result == NULL)
    return;
  g_free (result->gtin);
  g_free (result->serial);
  g_free (result->lot);
  g_free (result->expiry);
  g_free (result->production_date);
  g_free (result->sscc);
  g_clear_pointer (&result->elements, g_ptr_array_unref);
  g_free (result);
}

G_DEFINE_BOXED_TYPE (FcGs1Result, fc_gs1_result, fc_gs1_result_copy, fc_gs1_result_free)
