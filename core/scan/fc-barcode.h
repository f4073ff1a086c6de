/* fc-barcode.h: what a scanned code is, and whether we believe it.
 *
 * fc_barcode_validate() is the "never a misread" gate every read passes
 * through, whatever produced it (camera decoder, keyboard wedge, photo):
 * EAN/UPC check digits, full GS1 syntax for GS1 content (zbar misreads GS1
 * DataBar Expanded, only this catches it), and a plausible shape for plain
 * Code 128 / Code 39 / Interleaved 2 of 5 serials and part numbers.
 *
 * FcScanDedup makes the same code seen again within a short window count
 * once (a live camera sees a label in every frame; scanners double-fire).
 *
 * No global state; an FcScanDedup belongs to one thread at a time.
 */
#pragma once

#include <glib-object.h>

#include "fc-gs1.h"

G_BEGIN_DECLS

typedef enum {
  FC_SYMBOLOGY_UNKNOWN,      /* e.g. a keyboard wedge that does not say */
  FC_SYMBOLOGY_EAN13,
  FC_SYMBOLOGY_EAN8,
  FC_SYMBOLOGY_UPCA,
  FC_SYMBOLOGY_UPCE,
  FC_SYMBOLOGY_CODE128,
  FC_SYMBOLOGY_GS1_128,      /* Code 128 starting with FNC1 */
  FC_SYMBOLOGY_CODE39,
  FC_SYMBOLOGY_I25,
  FC_SYMBOLOGY_QR,
  FC_SYMBOLOGY_GS1_QR,       /* QR in FNC1 (GS1) mode */
  FC_SYMBOLOGY_DATABAR,      /* DataBar Omnidirectional / Truncated */
  FC_SYMBOLOGY_DATABAR_EXP,
  FC_SYMBOLOGY_DATAMATRIX,   /* not read by zbar; for wedge scanners that report it */
} FcSymbology;

/* A stable, human-readable name ("EAN-13", "GS1-128" …) for logs and UI. */
const char *fc_symbology_to_string (FcSymbology symbology);

/* Plain (non-GS1) Code 128 / Code 39 / I2of5 length bounds: shorter reads are
 * mostly fragments, longer ones are not a serial or part number. */
#define FC_BARCODE_PLAIN_MIN_LEN 3
#define FC_BARCODE_PLAIN_MAX_LEN 64

#define FC_BARCODE_ERROR (fc_barcode_error_quark ())

typedef enum {
  FC_BARCODE_ERROR_BAD_CHECK_DIGIT, /* EAN/UPC check digit */
  FC_BARCODE_ERROR_BAD_LENGTH,      /* wrong digit count, outside plain bounds, odd I2of5 */
  FC_BARCODE_ERROR_BAD_CHARSET,     /* non-digit in EAN/UPC/I2of5, control char, bad UTF-8 */
  FC_BARCODE_ERROR_TOO_LONG,        /* over FC_GS1_MAX_INPUT bytes */
  FC_BARCODE_ERROR_UNCONFIRMED,     /* decoder: weak symbology seen on one scan line only */
  FC_BARCODE_ERROR_FRAGMENT,        /* decoder: part of a longer read of the same code */
} FcBarcodeError;

GQuark fc_barcode_error_quark (void);

/* A validated read. Immutable and reference-counted: hand it between
 * threads freely. */
typedef struct {
  char        *text;      /* as delivered, GS (0x1D) separators kept; NUL-terminated */
  FcSymbology  symbology; /* GS1-128 / GS1 QR when the content is GS1 */
  FcGs1Result *gs1;       /* owned; NULL unless GS1 content */
  char        *gtin;      /* 14 digits (EAN/UPC padded, or AI 01), or NULL */
  char        *serial;    /* AI 21, or NULL. Plain codes leave this NULL: only the
                           * caller knows whether a Code 128 is a serial or a part */
} FcScanResult;

#define FC_TYPE_SCAN_RESULT (fc_scan_result_get_type ())
GType         fc_scan_result_get_type (void) G_GNUC_CONST;
FcScanResult *fc_scan_result_ref      (FcScanResult *result);
void          fc_scan_result_unref    (FcScanResult *result);

/* Validates @text (@len bytes, -1 for NUL-terminated) read as @symbology.
 * @is_gs1: the symbol carried a leading FNC1 (zbar's ZBAR_MOD_GS1).
 * FC_SYMBOLOGY_UNKNOWN guesses from the content (wedge scanners): GS1 forms,
 * then EAN/UPC by length, then a plain code.
 * Returns FALSE for a read to refuse, with @error in FC_BARCODE_ERROR, or
 * in FC_GS1_ERROR (prefixed with the symbology) when GS1 content failed. */
gboolean      fc_barcode_validate     (FcSymbology    symbology,
                                       const char    *text,
                                       gssize         len,
                                       gboolean       is_gs1,
                                       FcScanResult **out,
                                       GError       **error);

/* UPC-E (8 digits: number system, 6 digits, check) expanded to UPC-A (12
 * digits), or NULL when @upce is not shaped like UPC-E. */
char         *fc_upce_to_upca         (const char *upce);

typedef struct _FcScanDedup FcScanDedup;

#define FC_SCAN_DEDUP_DEFAULT_WINDOW_US (1500 * G_TIME_SPAN_MILLISECOND)

FcScanDedup  *fc_scan_dedup_new        (gint64       window_us);
void          fc_scan_dedup_free       (FcScanDedup *dedup);
void          fc_scan_dedup_set_window (FcScanDedup *dedup,
                                        gint64       window_us);
/* TRUE when @text was not accepted within the window before @now_us. The
 * window slides: a label held in front of the camera keeps counting once
 * until it has been out of sight for a whole window. */
gboolean      fc_scan_dedup_accept     (FcScanDedup *dedup,
                                        const char  *text,
                                        gint64       now_us);
void          fc_scan_dedup_reset      (FcScanDedup *dedup);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcScanResult, fc_scan_result_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcScanDedup, fc_scan_dedup_free)

G_END_DECLS
