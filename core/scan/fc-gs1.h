/* fc-gs1.h: GS1 element strings and GS1 Digital Link URIs.
 *
 * A scanned GS1 code is a run of (Application Identifier, value) pairs. We
 * parse what a decoder or a keyboard-wedge scanner hands us:
 *
 *  - the raw element string as zbar delivers it: the leading FNC1 dropped
 *    (zbar flags it with ZBAR_MOD_GS1, pass @is_gs1 = TRUE), later
 *    variable-length fields ended by GS (0x1D);
 *  - the same with an AIM symbology identifier in front (]C1, ]e0, ]Q3, ]d2,
 *    ]J1), as wedge scanners may send;
 *  - the human-readable form "(01)09506000134352(17)201225(10)ABC";
 *  - a GS1 Digital Link URI "https://id.example.com/01/09506000134352/21/X?17=201225".
 *
 * Everything is validated against the GS1 General Specifications: known AI,
 * field length, character set (numeric or the AI encodable set 82), check
 * digits (GTIN, SSCC, GLN…) and dates. A read that does not validate is
 * refused: for a service app a misread serial is worse than no read.
 *
 * Pure functions, no global state: safe from any thread.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Inputs longer than this are refused before parsing (FC_GS1_ERROR_TOO_LONG).
 * The longest legitimate GS1 payloads (QR/DataMatrix) stay well under it. */
#define FC_GS1_MAX_INPUT 512

#define FC_GS1_ERROR (fc_gs1_error_quark ())

/* Stable codes: stored in logs and asserted by tests; append only. */
typedef enum {
  FC_GS1_ERROR_SYNTAX,          /* structure: missing AI, stray separator, bad parentheses */
  FC_GS1_ERROR_UNKNOWN_AI,      /* digits that are no AI of the General Specifications */
  FC_GS1_ERROR_BAD_LENGTH,      /* value too short / too long for its AI */
  FC_GS1_ERROR_BAD_CHARSET,     /* non-digit in a numeric field, or outside set 82 */
  FC_GS1_ERROR_BAD_CHECK_DIGIT, /* GTIN, SSCC, GLN, GSIN … mod-10 check digit */
  FC_GS1_ERROR_BAD_DATE,        /* YYMMDD that is no calendar date */
  FC_GS1_ERROR_TOO_LONG,        /* whole input over FC_GS1_MAX_INPUT bytes */
  FC_GS1_ERROR_NOT_GS1,         /* no GS1 flag, no identifier, no recognised form */
  FC_GS1_ERROR_DUPLICATE_AI,    /* the same AI twice with different values */
  FC_GS1_ERROR_BAD_URI,         /* a Digital Link URI that breaks the URI syntax */
  FC_GS1_ERROR_EMPTY,           /* nothing to parse */
} FcGs1Error;

GQuark fc_gs1_error_quark (void);

/* One (AI, value) pair, in the order of the input. */
typedef struct {
  char *ai;     /* owned: "01", "3103", "8006" */
  char *value;  /* owned: as encoded; Digital Link values percent-decoded */
} FcGs1Element;

/* The result of a successful parse. All strings owned, NULL when absent. */
typedef struct {
  char      *gtin;             /* AI 01 (or 02), always 14 digits */
  char      *serial;           /* AI 21 */
  char      *lot;              /* AI 10 */
  char      *expiry;           /* AI 17 as "YYYY-MM-DD"; DD=00 is the month's last day */
  char      *production_date;  /* AI 11 as "YYYY-MM-DD" */
  char      *sscc;             /* AI 00, 18 digits */
  GPtrArray *elements;         /* owned, of FcGs1Element*, input order */
} FcGs1Result;

#define FC_TYPE_GS1_RESULT (fc_gs1_result_get_type ())
GType        fc_gs1_result_get_type  (void) G_GNUC_CONST;
FcGs1Result *fc_gs1_result_copy      (const FcGs1Result *result);
void         fc_gs1_result_free      (FcGs1Result *result);
/* The value of the first element with @ai, or NULL. Borrowed. */
const char  *fc_gs1_result_lookup    (const FcGs1Result *result,
                                      const char        *ai);
/* Human-readable form "(01)…(21)…": for display and logs. */
char        *fc_gs1_result_to_hri    (const FcGs1Result *result);

/* Parses @text (@len bytes, or -1 for NUL-terminated). Dates use the GS1
 * century sliding window around the current year. */
FcGs1Result *fc_gs1_parse            (const char *text,
                                      gssize      len,
                                      gboolean    is_gs1,
                                      GError    **error);

/* The same with an explicit reference year for the century window, for
 * tests and for re-reading old records. */
FcGs1Result *fc_gs1_parse_with_year  (const char *text,
                                      gssize      len,
                                      gboolean    is_gs1,
                                      int         reference_year,
                                      GError    **error);

/* TRUE when @digits (8, 12, 13, 14, 17 or 18 digits: GTIN, GSIN, SSCC, GLN)
 * ends in the right GS1 mod-10 check digit. */
gboolean     fc_gtin_check_digit_valid (const char *digits,
                                        gssize      len);

/* The full year for a two-digit YY per the GS1 sliding window: within
 * -49…+50 years of @reference_year. */
int          fc_gs1_century_year     (int yy,
                                      int reference_year);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcGs1Result, fc_gs1_result_free)

G_END_DECLS
