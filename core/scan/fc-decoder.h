/* fc-decoder.h: find and validate barcodes in grey images with zbar.
 *
 * Only the symbologies products and parts carry are enabled (EAN-13/8,
 * UPC-A/E, Code 128 and GS1-128, Code 39, Interleaved 2 of 5, QR, DataBar,
 * DataBar Expanded). SQ Code, Codabar, Code 93, PDF417 and ISBN are off:
 * they cost time and only add chances of a misread.
 *
 * Every read passes fc_barcode_validate(); what fails is reported apart as
 * refused, never as a result.
 *
 * Two passes keep live video cheap (TOOLCHAIN.md, "Barcodes"):
 *  - FC_DECODE_MODE_LIVE: a fast pass, every 2nd scan line (about 10 ms per
 *    1280×720 frame). A code missed in one frame is read in the next.
 *  - FC_DECODE_MODE_STILL: the fast pass, then, only if it found nothing
 *    valid, a full-density pass that also tries the inverted image (white on
 *    black labels), then the frame turned by ±20° and ±40° (zbar scans rows
 *    and columns only, so a long linear code at an angle is otherwise
 *    unreadable). For a captured frame, a photo, or a live stream that has
 *    read nothing for a second.
 *
 * Noisy frames (estimated σ > 8 grey levels) get the fast pass on a 2×2
 * averaged half-size copy and the full pass on a smoothed copy: zbar sees an
 * edge in every noisy pixel, which costs it 5–10× the time and reads less.
 *
 * Beyond fc_barcode_validate(), reads of the symbologies zbar can invent
 * (I2of5, DataBar, DataBar Expanded, EAN-8, UPC-E; every linear code in the
 * angled passes) must be seen on two scan lines, and a read without check
 * character contained in a longer read of the same frame is a fragment.
 *
 * State: nothing carries over from one frame to the next (each pass uses a
 * fresh zbar scanner: zbar's DataBar decoder would otherwise pair segments of
 * two different labels). Frame-to-frame deduplication is FcScanDedup's job.
 *
 * Threads: an FcDecoder owns scratch buffers and counters and is not
 * thread-safe. Use one FcDecoder per worker thread; results
 * (FcScanResult) are immutable and may be handed to any thread.
 */
#pragma once

#include <glib-object.h>

#include "fc-barcode.h"

G_BEGIN_DECLS

typedef enum {
  FC_DECODE_MODE_LIVE,
  FC_DECODE_MODE_STILL,
} FcDecodeMode;

/* A read zbar made that the validation gate refused. */
typedef struct {
  FcSymbology  symbology;
  char        *text;   /* owned: as zbar delivered it (may hold GS 0x1D) */
  GError      *error;  /* owned: why it was refused */
} FcScanRefusal;

void fc_scan_refusal_free (FcScanRefusal *refusal);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcScanRefusal, fc_scan_refusal_free)

#define FC_TYPE_DECODER (fc_decoder_get_type ())
G_DECLARE_FINAL_TYPE (FcDecoder, fc_decoder, FC, DECODER, GObject)

FcDecoder *fc_decoder_new               (void);

/* Decodes an 8-bit grey image (GRAY8 / Y800, e.g. the Y plane of I420).
 * @stride ≥ @width bytes per row. Returns the validated reads (FcScanResult*,
 * owned, possibly empty). If @refused is given it receives the refused
 * reads (FcScanRefusal*, owned, possibly empty). */
GPtrArray *fc_decoder_decode_gray       (FcDecoder     *self,
                                         const guint8  *data,
                                         int            width,
                                         int            height,
                                         int            stride,
                                         FcDecodeMode   mode,
                                         GPtrArray    **refused);

/* Loads a photo (PNG, JPEG, PNM … through gdk-pixbuf, EXIF orientation
 * applied, transparency on white), turns it grey and decodes it in
 * FC_DECODE_MODE_STILL. NULL with @error set if the file cannot be loaded. */
GPtrArray *fc_decoder_decode_file       (FcDecoder     *self,
                                         const char    *path,
                                         GPtrArray    **refused,
                                         GError       **error);

/* Counters since creation, for diagnostics and the benchmark. */
guint64    fc_decoder_get_n_frames      (FcDecoder *self);
guint64    fc_decoder_get_n_full_passes (FcDecoder *self);
guint64    fc_decoder_get_n_refused     (FcDecoder *self);

G_END_DECLS
