/* test-barcode.c: the validation gate per symbology, and the deduplicator. */
#include "fc-barcode.h"

#define GS "\x1d"
#define OK 0

typedef struct {
  const char  *name;
  FcSymbology  sym;
  const char  *text;
  gboolean     is_gs1;
  gboolean     valid;
  FcSymbology  result_sym;  /* when valid */
  const char  *gtin;        /* when valid, may be NULL */
} Case;

static const Case cases[] = {
  { "ean13", FC_SYMBOLOGY_EAN13, "4006381333931", FALSE, TRUE, FC_SYMBOLOGY_EAN13,
    "04006381333931" },
  { "ean13-bad-check", FC_SYMBOLOGY_EAN13, "4006381333932", FALSE, FALSE, 0, NULL },
  { "ean13-short", FC_SYMBOLOGY_EAN13, "400638133393", FALSE, FALSE, 0, NULL },
  { "ean8", FC_SYMBOLOGY_EAN8, "95011011", FALSE, TRUE, FC_SYMBOLOGY_EAN8, "00000095011011" },
  { "ean8-bad", FC_SYMBOLOGY_EAN8, "95011012", FALSE, FALSE, 0, NULL },
  { "upca", FC_SYMBOLOGY_UPCA, "012345678905", FALSE, TRUE, FC_SYMBOLOGY_UPCA,
    "00012345678905" },
  { "upca-bad", FC_SYMBOLOGY_UPCA, "012345678904", FALSE, FALSE, 0, NULL },
  { "upce", FC_SYMBOLOGY_UPCE, "04252614", FALSE, TRUE, FC_SYMBOLOGY_UPCE, "00042100005264" },
  { "upce-bad", FC_SYMBOLOGY_UPCE, "04252615", FALSE, FALSE, 0, NULL },
  { "upce-ns2", FC_SYMBOLOGY_UPCE, "24252614", FALSE, FALSE, 0, NULL },
  { "code128", FC_SYMBOLOGY_CODE128, "SN-2024-000187", FALSE, TRUE, FC_SYMBOLOGY_CODE128, NULL },
  { "code128-short", FC_SYMBOLOGY_CODE128, "AB", FALSE, FALSE, 0, NULL },
  { "code128-control", FC_SYMBOLOGY_CODE128, "AB\001CD", FALSE, FALSE, 0, NULL },
  { "code128-trailing-blank", FC_SYMBOLOGY_CODE128, "ABCD ", FALSE, FALSE, 0, NULL },
  { "gs1-128", FC_SYMBOLOGY_CODE128, "0109501101530003" "21ABC" GS "10L", TRUE, TRUE,
    FC_SYMBOLOGY_GS1_128, "09501101530003" },
  { "gs1-128-bad", FC_SYMBOLOGY_CODE128, "0109501101530004", TRUE, FALSE, 0, NULL },
  { "code39", FC_SYMBOLOGY_CODE39, "PN-4711 A/B", FALSE, TRUE, FC_SYMBOLOGY_CODE39, NULL },
  { "code39-lower", FC_SYMBOLOGY_CODE39, "pn4711", FALSE, FALSE, 0, NULL },
  { "i25", FC_SYMBOLOGY_I25, "12345678", FALSE, TRUE, FC_SYMBOLOGY_I25, NULL },
  { "i25-odd", FC_SYMBOLOGY_I25, "1234567", FALSE, FALSE, 0, NULL },
  { "i25-letter", FC_SYMBOLOGY_I25, "1234567A", FALSE, FALSE, 0, NULL },
  { "qr-text", FC_SYMBOLOGY_QR, "Service manual, rev. 3\n扫码", FALSE, TRUE, FC_SYMBOLOGY_QR,
    NULL },
  { "qr-url", FC_SYMBOLOGY_QR, "https://example.com/manual.pdf", FALSE, TRUE, FC_SYMBOLOGY_QR,
    NULL },
  { "qr-digital-link", FC_SYMBOLOGY_QR, "https://id.gs1.org/01/09506000134352/21/X1", FALSE,
    TRUE, FC_SYMBOLOGY_QR, "09506000134352" },
  { "qr-digital-link-bad", FC_SYMBOLOGY_QR, "https://id.gs1.org/01/09506000134353", FALSE,
    FALSE, 0, NULL },
  { "qr-bad-utf8", FC_SYMBOLOGY_QR, "AB\xff", FALSE, FALSE, 0, NULL },
  { "gs1-qr", FC_SYMBOLOGY_QR, "0109501101530003" "17251231", TRUE, TRUE, FC_SYMBOLOGY_GS1_QR,
    "09501101530003" },
  { "databar", FC_SYMBOLOGY_DATABAR, "0109501101530003", FALSE, TRUE, FC_SYMBOLOGY_DATABAR,
    "09501101530003" },
  { "databar-extra", FC_SYMBOLOGY_DATABAR, "0109501101530003" "10X", TRUE, FALSE, 0, NULL },
  { "databar-exp", FC_SYMBOLOGY_DATABAR_EXP, "0109501101530003" "21ABC123" GS "10LOT42", TRUE,
    TRUE, FC_SYMBOLOGY_DATABAR_EXP, "09501101530003" },
  /* zbar 0.23.92's DataBar Expanded misreads (TOOLCHAIN.md). */
  { "databar-exp-misread-2q", FC_SYMBOLOGY_DATABAR_EXP,
    "0109501101530003" "10AB12" GS "2QXYZ" GS "1E7KK0", TRUE, FALSE, 0, NULL },
  { "databar-exp-misread-hc", FC_SYMBOLOGY_DATABAR_EXP, "21ABC" GS "hc", TRUE, FALSE, 0, NULL },
  /* Keyboard wedge: the symbology is not known. */
  { "wedge-ean13", FC_SYMBOLOGY_UNKNOWN, "4006381333931", FALSE, TRUE, FC_SYMBOLOGY_EAN13,
    "04006381333931" },
  /* 13 digits with a wrong check digit is a misread EAN, not a serial. */
  { "wedge-ean13-bad-check-refused", FC_SYMBOLOGY_UNKNOWN, "4006381333932", FALSE, FALSE, 0, NULL },
  { "wedge-upca-bad-check-refused", FC_SYMBOLOGY_UNKNOWN, "036000291453", FALSE, FALSE, 0, NULL },
  { "wedge-gs1", FC_SYMBOLOGY_UNKNOWN, "]C1" "0109501101530003" "21X", FALSE, TRUE,
    FC_SYMBOLOGY_UNKNOWN, "09501101530003" },
  { "wedge-gs1-bad", FC_SYMBOLOGY_UNKNOWN, "(01)09501101530004", FALSE, FALSE, 0, NULL },
  { "wedge-serial", FC_SYMBOLOGY_UNKNOWN, "SN12345", FALSE, TRUE, FC_SYMBOLOGY_UNKNOWN, NULL },
};

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FcScanResult) r = NULL;
  gboolean ok = fc_barcode_validate (c->sym, c->text, -1, c->is_gs1, &r, &error);

  if (!c->valid)
    {
      g_assert_false (ok);
      g_assert_null (r);
      g_assert_nonnull (error);
      g_test_message ("%s: %s", c->name, error->message);
      return;
    }
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_cmpstr (r->text, ==, c->text);
  g_assert_cmpint (r->symbology, ==, c->result_sym);
  g_assert_cmpstr (r->gtin, ==, c->gtin);
}

static void
test_gs1_fields (void)
{
  g_autoptr(FcScanResult) r = NULL;
  g_autoptr(FcScanResult) ref = NULL;

  g_assert_true (fc_barcode_validate (FC_SYMBOLOGY_GS1_128, "0109501101530003" "21S-9" GS
                                      "10L7", -1, TRUE, &r, NULL));
  g_assert_cmpstr (r->serial, ==, "S-9");
  g_assert_cmpstr (r->gs1->lot, ==, "L7");
  ref = fc_scan_result_ref (r);
  g_assert_true (ref == r);
}

static void
test_upce_expand (void)
{
  struct { const char *e, *a; } v[] = {
    { "01234565", "012345000065" },
    { "04252614", "042100005264" },
    { "01234531", "012300000451" },
    { "01234546", "012340000056" },
    { "01234576", "012345000076" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      g_autofree char *a = fc_upce_to_upca (v[i].e);
      g_assert_cmpstr (a, ==, v[i].a);
    }
  g_assert_null (fc_upce_to_upca ("2123456"));
  g_assert_null (fc_upce_to_upca ("21234565"));
}

static void
test_too_long (void)
{
  g_autofree char *big = g_strnfill (FC_GS1_MAX_INPUT + 1, 'A');
  g_autoptr(GError) error = NULL;
  FcScanResult *r = NULL;

  g_assert_false (fc_barcode_validate (FC_SYMBOLOGY_QR, big, -1, FALSE, &r, &error));
  g_assert_error (error, FC_BARCODE_ERROR, FC_BARCODE_ERROR_TOO_LONG);
}

static void
test_dedup (void)
{
  g_autoptr(FcScanDedup) d = fc_scan_dedup_new (0);
  const gint64 ms = G_TIME_SPAN_MILLISECOND;

  g_assert_true (fc_scan_dedup_accept (d, "A", 0));
  g_assert_false (fc_scan_dedup_accept (d, "A", 33 * ms));   /* next frame */
  g_assert_true (fc_scan_dedup_accept (d, "B", 40 * ms));    /* another code */
  g_assert_false (fc_scan_dedup_accept (d, "A", 1000 * ms)); /* still in view */
  /* Held in view: the window slides, so it still counts once. */
  g_assert_false (fc_scan_dedup_accept (d, "A", 2400 * ms));
  /* Out of sight for 1.5 s: a new scan. */
  g_assert_true (fc_scan_dedup_accept (d, "A", 3900 * ms));
  g_assert_true (fc_scan_dedup_accept (d, "B", 3900 * ms));

  fc_scan_dedup_set_window (d, 100 * ms);
  g_assert_true (fc_scan_dedup_accept (d, "A", 4000 * ms));
  fc_scan_dedup_reset (d);
  g_assert_true (fc_scan_dedup_accept (d, "A", 4001 * ms));
}

static void
test_dedup_prune (void)
{
  g_autoptr(FcScanDedup) d = fc_scan_dedup_new (1000);

  /* Many different codes over time must not grow without bound, and a
   * recent one must still be remembered after a prune. */
  for (int i = 0; i < 2000; i++)
    {
      g_autofree char *code = g_strdup_printf ("C%d", i);
      g_assert_true (fc_scan_dedup_accept (d, code, (gint64) i * 10));
    }
  g_assert_false (fc_scan_dedup_accept (d, "C1999", 19995));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/barcode/validate/%s", cases[i].name);
      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/barcode/gs1-fields", test_gs1_fields);
  g_test_add_func ("/barcode/upce-expand", test_upce_expand);
  g_test_add_func ("/barcode/too-long", test_too_long);
  g_test_add_func ("/barcode/dedup", test_dedup);
  g_test_add_func ("/barcode/dedup-prune", test_dedup_prune);
  return g_test_run ();
}
