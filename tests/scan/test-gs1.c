/* test-gs1.c: the GS1 parser against vectors from the GS1 General
 * Specifications (example GTINs, SSCC, GLN) and the Digital Link standard,
 * valid and invalid. Dates are read with 2024 as the reference year. */
#include <string.h>

#include "fc-gs1.h"

#define GS "\x1d"
#define REF_YEAR 2024
#define OK (-1)

typedef struct {
  const char *name;
  const char *input;
  gboolean    is_gs1;
  int         error;   /* FcGs1Error, or OK */
  const char *hri;     /* expected fc_gs1_result_to_hri () when OK */
} Vector;

static const Vector vectors[] = {
  /* ---- valid element strings (FNC1 dropped, zbar style) ---- */
  { "gtin", "0109501101530003", TRUE, OK, "(01)09501101530003" },
  { "gtin-expiry-lot", "010950110153000317251231" "10ABC123", TRUE, OK,
    "(01)09501101530003(17)251231(10)ABC123" },
  { "serial-gs-lot", "0109501101530003" "21ABC" GS "10XYZ", TRUE, OK,
    "(01)09501101530003(21)ABC(10)XYZ" },
  { "sscc", "00106141412345678908", TRUE, OK, "(00)106141412345678908" },
  { "content-count", "0209501101530003" "3712", TRUE, OK, "(02)09501101530003(37)12" },
  { "four-ais", "0109501101530003" "17261130" "10LOT-7/A" GS "21SN.0042", TRUE, OK,
    "(01)09501101530003(17)261130(10)LOT-7/A(21)SN.0042" },
  { "net-weight", "0109501101530003" "3103000250", TRUE, OK,
    "(01)09501101530003(3103)000250" },
  { "imperial-area", "3292001234", TRUE, OK, "(3292)001234" },
  { "amount-iso", "3912978" "12345", TRUE, OK, "(3912)97812345" },
  { "price", "39220995", TRUE, OK, "(3922)0995" },
  { "itip", "8006" "09501101530003" "0102", TRUE, OK, "(8006)095011015300030102" },
  { "grai", "8003" "09501101530003" "ABC", TRUE, OK, "(8003)09501101530003ABC" },
  { "gln-ship-to", "414" "9520123456788", TRUE, OK, "(414)9520123456788" },
  { "ship-for-loc", "410" "9520123456788" "420" "12345", TRUE, OK,
    "(410)9520123456788(420)12345" },
  { "origin-then-lot", "422276" GS "10ABC", TRUE, OK, "(422)276(10)ABC" },
  { "internal", "90A-1" GS "99XYZ-123", TRUE, OK, "(90)A-1(99)XYZ-123" },
  { "part-and-serial", "240PN-4711" GS "21SN1", TRUE, OK, "(240)PN-4711(21)SN1" },
  { "expiry-time", "70032512311430", TRUE, OK, "(7003)2512311430" },
  { "gdti", "253" "9520123456788" "DOC7", TRUE, OK, "(253)9520123456788DOC7" },
  { "gsin", "402" "12345678901234560", TRUE, OK, "(402)12345678901234560" },
  { "misc-text", "235TPX1" GS "241CPN" GS "250S2" GS "251REF" GS "254EXT" GS "400PO1"
    GS "401GINC" GS "403RT" GS "8004GIAI" GS "8020PAY", TRUE, OK,
    "(235)TPX1(241)CPN(250)S2(251)REF(254)EXT(400)PO1(401)GINC(403)RT(8004)GIAI(8020)PAY" },
  { "counts", "3012345678" GS "242123456", TRUE, OK, "(30)12345678(242)123456" },
  { "set82-punct", "10!\"%&'()*+,-./:;<=>?_", TRUE, OK, "(10)!\"%&'()*+,-./:;<=>?_" },
  { "trailing-gs", "0109501101530003" "21ABC" GS, TRUE, OK, "(01)09501101530003(21)ABC" },
  { "fixed-then-gs", "0109501101530003" GS "21ABC", TRUE, OK, "(01)09501101530003(21)ABC" },
  { "same-ai-twice", "0109501101530003" "10A" GS "10A", TRUE, OK, "(01)09501101530003(10)A" },
  { "max-serial", "2112345678901234567890", TRUE, OK, "(21)12345678901234567890" },
  /* ---- symbology identifiers, leading GS, human-readable ---- */
  { "aim-c1", "]C1" "0109501101530003" "21ABC", FALSE, OK, "(01)09501101530003(21)ABC" },
  { "aim-q3", "]Q3" "0109501101530003", FALSE, OK, "(01)09501101530003" },
  { "aim-e0", "]e0" "0109501101530003", FALSE, OK, "(01)09501101530003" },
  { "leading-gs", GS "0109501101530003", FALSE, OK, "(01)09501101530003" },
  { "hri", "(01)09501101530003(17)140704(10)AB-123", FALSE, OK,
    "(01)09501101530003(17)140704(10)AB-123" },
  { "hri-paren-data", "(01)09501101530003(10)A(B)C", FALSE, OK, "(01)09501101530003(10)A(B)C" },
  { "hri-four-digit", "(01)09501101530003(3103)000250(21)X", FALSE, OK,
    "(01)09501101530003(3103)000250(21)X" },
  /* ---- Digital Link ---- */
  { "dl-basic", "https://id.gs1.org/01/09506000134352/21/ABC%2F1?17=201225&linkType=gs1:pip",
    FALSE, OK, "(01)09506000134352(21)ABC/1(17)201225" },
  { "dl-prefix-path", "https://example.com/products/01/09506000134352/10/LOT1", FALSE, OK,
    "(01)09506000134352(10)LOT1" },
  { "dl-gtin13", "https://example.com/01/9520123456788", FALSE, OK, "(01)09520123456788" },
  { "dl-http-upper", "HTTP://EXAMPLE.COM/01/09506000134352?3103=000189#frag", FALSE, OK,
    "(01)09506000134352(3103)000189" },
  { "dl-sscc", "https://example.com/00/106141412345678908", FALSE, OK,
    "(00)106141412345678908" },
  /* ---- invalid: check digits ---- */
  { "bad-gtin-check", "0109501101530004", TRUE, FC_GS1_ERROR_BAD_CHECK_DIGIT, NULL },
  { "bad-sscc-check", "00106141412345678909", TRUE, FC_GS1_ERROR_BAD_CHECK_DIGIT, NULL },
  { "bad-gln-check", "4149520123456789", TRUE, FC_GS1_ERROR_BAD_CHECK_DIGIT, NULL },
  { "bad-itip-check", "8006" "09501101530004" "0102", TRUE, FC_GS1_ERROR_BAD_CHECK_DIGIT, NULL },
  /* ---- invalid: dates ---- */
  { "feb-30", "0109501101530003" "17250230", TRUE, FC_GS1_ERROR_BAD_DATE, NULL },
  { "feb-29-common", "17250229", TRUE, FC_GS1_ERROR_BAD_DATE, NULL },
  { "month-13", "17251301", TRUE, FC_GS1_ERROR_BAD_DATE, NULL },
  { "month-00", "11250001", TRUE, FC_GS1_ERROR_BAD_DATE, NULL },
  { "day-32", "15250132", TRUE, FC_GS1_ERROR_BAD_DATE, NULL },
  { "april-31", "17250431", TRUE, FC_GS1_ERROR_BAD_DATE, NULL },
  { "dd00-not-allowed", "7006250200", TRUE, FC_GS1_ERROR_BAD_DATE, NULL },
  { "bad-hour", "70032512312430", TRUE, FC_GS1_ERROR_BAD_DATE, NULL },
  /* ---- invalid: AIs, structure ---- */
  { "unknown-ai-230", "230ABC", TRUE, FC_GS1_ERROR_UNKNOWN_AI, NULL },
  { "unknown-ai-04", "0412345", TRUE, FC_GS1_ERROR_UNKNOWN_AI, NULL },
  { "unknown-ai-5x", "0109501101530003" "51X", TRUE, FC_GS1_ERROR_UNKNOWN_AI, NULL },
  { "family-digit-6", "3106000250", TRUE, FC_GS1_ERROR_UNKNOWN_AI, NULL },
  { "databar-misread-2q", "0109501101530003" "10AB12" GS "2QXYZ" GS "1E7KK0", TRUE,
    FC_GS1_ERROR_SYNTAX, NULL },
  { "databar-misread-hc", "21ABC" GS "hc", TRUE, FC_GS1_ERROR_SYNTAX, NULL },
  { "double-gs", "21ABC" GS GS "10X", TRUE, FC_GS1_ERROR_SYNTAX, NULL },
  { "missing-gs-after-422", "422276" "10ABC", TRUE, FC_GS1_ERROR_SYNTAX, NULL },
  { "duplicate-ai", "0109501101530003" "10A" GS "10B", TRUE, FC_GS1_ERROR_DUPLICATE_AI, NULL },
  { "not-gs1", "0109501101530003", FALSE, FC_GS1_ERROR_NOT_GS1, NULL },
  { "empty", "", TRUE, FC_GS1_ERROR_EMPTY, NULL },
  { "empty-after-aim", "]C1", FALSE, FC_GS1_ERROR_EMPTY, NULL },
  { "hri-unknown-ai", "(04)123", FALSE, FC_GS1_ERROR_UNKNOWN_AI, NULL },
  { "hri-junk", "(01", FALSE, FC_GS1_ERROR_UNKNOWN_AI, NULL },
  /* ---- invalid: lengths ---- */
  { "serial-21-chars", "21123456789012345678901", TRUE, FC_GS1_ERROR_BAD_LENGTH, NULL },
  { "lot-too-long", "10ABCDEFGHIJKLMNOPQRSTU", TRUE, FC_GS1_ERROR_BAD_LENGTH, NULL },
  { "gtin-truncated", "01095011015300", TRUE, FC_GS1_ERROR_BAD_LENGTH, NULL },
  { "empty-variable", "10" GS "21X", TRUE, FC_GS1_ERROR_BAD_LENGTH, NULL },
  { "count-too-long", "37123456789", TRUE, FC_GS1_ERROR_BAD_LENGTH, NULL },
  { "hri-gtin-long", "(01)095011015300031", FALSE, FC_GS1_ERROR_BAD_LENGTH, NULL },
  /* ---- invalid: character sets ---- */
  { "space-in-lot", "10AB CD", TRUE, FC_GS1_ERROR_BAD_CHARSET, NULL },
  { "hash-in-serial", "21ABC#1", TRUE, FC_GS1_ERROR_BAD_CHARSET, NULL },
  { "letter-in-gtin", "010950110153000A", TRUE, FC_GS1_ERROR_BAD_CHARSET, NULL },
  { "utf8-in-serial", "21AB\xc3\x84", TRUE, FC_GS1_ERROR_BAD_CHARSET, NULL },
  { "letter-in-count", "37A1", TRUE, FC_GS1_ERROR_BAD_CHARSET, NULL },
  { "tab-in-lot", "10A\tB", TRUE, FC_GS1_ERROR_BAD_CHARSET, NULL },
  /* ---- invalid: Digital Link ---- */
  { "dl-bad-check", "https://id.gs1.org/01/09506000134353", FALSE,
    FC_GS1_ERROR_BAD_CHECK_DIGIT, NULL },
  { "dl-no-key", "https://example.com/foo/bar", FALSE, FC_GS1_ERROR_NOT_GS1, NULL },
  { "dl-odd-path", "https://id.gs1.org/01/09506000134352/21", FALSE, FC_GS1_ERROR_BAD_URI,
    NULL },
  { "dl-bad-percent", "https://id.gs1.org/01/09506000134352/21/A%2", FALSE,
    FC_GS1_ERROR_BAD_URI, NULL },
  { "dl-bad-hex", "https://id.gs1.org/01/09506000134352/21/A%zz", FALSE,
    FC_GS1_ERROR_BAD_URI, NULL },
  { "dl-encoded-nul", "https://id.gs1.org/01/09506000134352/21/A%00", FALSE,
    FC_GS1_ERROR_BAD_URI, NULL },
  { "dl-unknown-query-ai", "https://id.gs1.org/01/09506000134352?9999=1", FALSE,
    FC_GS1_ERROR_UNKNOWN_AI, NULL },
  { "dl-bad-date", "https://id.gs1.org/01/09506000134352?17=201332", FALSE,
    FC_GS1_ERROR_BAD_DATE, NULL },
  { "dl-space", "https://id.gs1.org/01/09506000134352/21/A B", FALSE, FC_GS1_ERROR_BAD_URI,
    NULL },
  { "dl-no-host", "https:///01/09506000134352", FALSE, FC_GS1_ERROR_BAD_URI, NULL },
  { "dl-serial-long", "https://id.gs1.org/01/09506000134352/21/123456789012345678901", FALSE,
    FC_GS1_ERROR_BAD_LENGTH, NULL },
  { "dl-bad-charset", "https://id.gs1.org/01/09506000134352/21/A%23B", FALSE,
    FC_GS1_ERROR_BAD_CHARSET, NULL },
};

static void
test_vector (gconstpointer data)
{
  const Vector *v = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcGs1Result) r = fc_gs1_parse_with_year (v->input, -1, v->is_gs1, REF_YEAR,
                                                      &error);

  if (v->error == OK)
    {
      g_autofree char *hri = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (r);
      hri = fc_gs1_result_to_hri (r);
      g_assert_cmpstr (hri, ==, v->hri);
    }
  else
    {
      g_assert_null (r);
      g_assert_error (error, FC_GS1_ERROR, v->error);
      g_test_message ("%s: %s", v->name, error->message);
    }
}

static void
test_fields (void)
{
  g_autoptr(FcGs1Result) r = fc_gs1_parse_with_year ("0109501101530003" "11240100" "17250200"
                                                      "10L1" GS "21S1", -1, TRUE, REF_YEAR,
                                                      NULL);
  g_autoptr(FcGs1Result) copy = NULL;

  g_assert_nonnull (r);
  g_assert_cmpstr (r->gtin, ==, "09501101530003");
  g_assert_cmpstr (r->lot, ==, "L1");
  g_assert_cmpstr (r->serial, ==, "S1");
  /* DD = 00: the last day of the month (2025 is no leap year). */
  g_assert_cmpstr (r->expiry, ==, "2025-02-28");
  g_assert_cmpstr (r->production_date, ==, "2024-01-31");
  g_assert_null (r->sscc);
  g_assert_cmpuint (r->elements->len, ==, 5);
  g_assert_cmpstr (fc_gs1_result_lookup (r, "11"), ==, "240100");
  g_assert_null (fc_gs1_result_lookup (r, "00"));

  copy = fc_gs1_result_copy (r);
  g_assert_cmpstr (copy->expiry, ==, r->expiry);
  g_assert_cmpuint (copy->elements->len, ==, r->elements->len);
  g_assert_true (g_type_is_a (FC_TYPE_GS1_RESULT, G_TYPE_BOXED));
}

static void
test_leap_dd00 (void)
{
  g_autoptr(FcGs1Result) leap = fc_gs1_parse_with_year ("17240200", -1, TRUE, REF_YEAR, NULL);
  g_autoptr(FcGs1Result) feb29 = fc_gs1_parse_with_year ("17240229", -1, TRUE, REF_YEAR, NULL);
  g_autoptr(FcGs1Result) dec = fc_gs1_parse_with_year ("17261200", -1, TRUE, REF_YEAR, NULL);

  g_assert_cmpstr (leap->expiry, ==, "2024-02-29");
  g_assert_cmpstr (feb29->expiry, ==, "2024-02-29");
  g_assert_cmpstr (dec->expiry, ==, "2026-12-31");
}

static void
test_century_window (void)
{
  /* GS1 General Specifications §7.12: −49 … +50 years around today. */
  g_assert_cmpint (fc_gs1_century_year (24, 2024), ==, 2024);
  g_assert_cmpint (fc_gs1_century_year (74, 2024), ==, 2074);
  g_assert_cmpint (fc_gs1_century_year (75, 2024), ==, 1975);
  g_assert_cmpint (fc_gs1_century_year (99, 2024), ==, 1999);
  g_assert_cmpint (fc_gs1_century_year (0, 2024), ==, 2000);
  g_assert_cmpint (fc_gs1_century_year (10, 2060), ==, 2110);
  g_assert_cmpint (fc_gs1_century_year (11, 2060), ==, 2011);
  g_assert_cmpint (fc_gs1_century_year (99, 2001), ==, 1999);

  g_autoptr(FcGs1Result) r = fc_gs1_parse_with_year ("17991231", -1, TRUE, REF_YEAR, NULL);
  g_assert_cmpstr (r->expiry, ==, "1999-12-31");
}

static void
test_check_digits (void)
{
  g_assert_true (fc_gtin_check_digit_valid ("95011011", -1));          /* GTIN-8 */
  g_assert_true (fc_gtin_check_digit_valid ("012345678905", -1));      /* GTIN-12 */
  g_assert_true (fc_gtin_check_digit_valid ("4006381333931", -1));     /* GTIN-13 */
  g_assert_true (fc_gtin_check_digit_valid ("09501101530003", -1));    /* GTIN-14 */
  g_assert_true (fc_gtin_check_digit_valid ("106141412345678908", -1)); /* SSCC */
  g_assert_true (fc_gtin_check_digit_valid ("12345678901234560", -1)); /* GSIN */
  g_assert_false (fc_gtin_check_digit_valid ("95011012", -1));
  g_assert_false (fc_gtin_check_digit_valid ("012345678904", -1));
  g_assert_false (fc_gtin_check_digit_valid ("4006381333932", -1));
  g_assert_false (fc_gtin_check_digit_valid ("0950110153000X", -1));
  g_assert_false (fc_gtin_check_digit_valid ("0", -1));
  g_assert_false (fc_gtin_check_digit_valid ("", -1));
  g_assert_true (fc_gtin_check_digit_valid ("4006381333931xyz", 13));
}

static void
test_too_long (void)
{
  g_autofree char *big = g_strnfill (FC_GS1_MAX_INPUT + 1, '9');
  g_autofree char *just = g_strnfill (FC_GS1_MAX_INPUT, '9');
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autoptr(FcGs1Result) r = fc_gs1_parse (big, -1, TRUE, &error);
  g_autoptr(FcGs1Result) r2 = fc_gs1_parse (just, -1, TRUE, &error2);

  g_assert_null (r);
  g_assert_error (error, FC_GS1_ERROR, FC_GS1_ERROR_TOO_LONG);
  /* 512 bytes is parsed (and fails on its own merits: (99) max 90). */
  g_assert_null (r2);
  g_assert_error (error2, FC_GS1_ERROR, FC_GS1_ERROR_BAD_LENGTH);
}

static void
test_error_message (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FcGs1Result) r = fc_gs1_parse_with_year ("0109501101530003" "17250230", -1, TRUE,
                                                      REF_YEAR, &error);

  g_assert_null (r);
  /* Names the AI and where its value starts. */
  g_assert_nonnull (strstr (error->message, "AI (17)"));
  g_assert_nonnull (strstr (error->message, "offset 18"));
}

static void
test_embedded_nul (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FcGs1Result) r = fc_gs1_parse ("21AB\0CD", 7, TRUE, &error);

  g_assert_null (r);
  g_assert_error (error, FC_GS1_ERROR, FC_GS1_ERROR_BAD_CHARSET);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autofree char *path = g_strdup_printf ("/gs1/vector/%s", vectors[i].name);
      g_test_add_data_func (path, &vectors[i], test_vector);
    }
  g_test_add_func ("/gs1/fields", test_fields);
  g_test_add_func ("/gs1/leap-dd00", test_leap_dd00);
  g_test_add_func ("/gs1/century-window", test_century_window);
  g_test_add_func ("/gs1/check-digits", test_check_digits);
  g_test_add_func ("/gs1/too-long", test_too_long);
  g_test_add_func ("/gs1/error-message", test_error_message);
  g_test_add_func ("/gs1/embedded-nul", test_embedded_nul);
  return g_test_run ();
}
