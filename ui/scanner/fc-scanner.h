/* fc-scanner.h: every way a code reaches the app, as one "scanned" signal.
 *
 * One FcScanner serves the whole app. Its sources:
 *  - a keyboard-wedge scanner: fc_scanner_attach_window() puts a key
 *    controller in the capture phase on a window; FcWedgeDetector tells a
 *    scanner's burst from a person typing, so a scan works with no entry
 *    focused and typing stays typing;
 *  - a camera: a GStreamer pipeline into an appsink, frames decoded on a
 *    worker thread with its own FcDecoder, a preview as "camera-frame";
 *  - a photo opened from a file (FcDecoder's still mode, on a worker thread);
 *  - text typed into a form (fc_scanner_submit_text).
 * Every read passes fc_barcode_validate() and FcScanDedup; a refused read is
 * reported by "refused" with feedback and is never used.
 */
#pragma once

#include <gtk/gtk.h>

#include "fc-barcode.h"
#include "fc-wedge-detector.h"

G_BEGIN_DECLS

typedef enum {
  FC_SCAN_SOURCE_WEDGE,
  FC_SCAN_SOURCE_CAMERA,
  FC_SCAN_SOURCE_PHOTO,
  FC_SCAN_SOURCE_MANUAL,
  FC_SCAN_N_SOURCES
} FcScanSource;

#define FC_TYPE_SCANNER (fc_scanner_get_type ())
G_DECLARE_FINAL_TYPE (FcScanner, fc_scanner, FC, SCANNER, GObject)

FcScanner   *fc_scanner_new                 (void);

/* ---- keyboard wedge ---- */
void         fc_scanner_attach_window       (FcScanner *self,
                                             GtkWindow *window);
FcWedgeDetector *fc_scanner_get_wedge_detector (FcScanner *self);

/* The clock for key timings when an event carries no timestamp and for the
 * dedup window: monotonic µs. Tests inject a fake one. */
typedef gint64 (*FcScannerTimeFunc) (gpointer user_data);
void         fc_scanner_set_time_func       (FcScanner        *self,
                                             FcScannerTimeFunc func,
                                             gpointer          user_data);

/* ---- any text: a form field, a test ---- */
gboolean     fc_scanner_submit_text         (FcScanner    *self,
                                             FcSymbology   symbology,
                                             const char   *text,
                                             gboolean      is_gs1,
                                             FcScanSource  source);

/* ---- camera ---- */
/* TRUE when a V4L2 capture device exists or a pipeline was injected. */
gboolean     fc_scanner_get_camera_available (FcScanner *self);
gboolean     fc_scanner_get_camera_running  (FcScanner *self);
gboolean     fc_scanner_start_camera        (FcScanner *self,
                                             GError   **error);
void         fc_scanner_stop_camera         (FcScanner *self);
/* The latest preview frame, or NULL. (transfer none) */
GdkTexture  *fc_scanner_get_camera_frame    (FcScanner *self);
const char  *fc_scanner_get_pipeline_description (FcScanner *self);

/* ---- photo ---- */
void         fc_scanner_decode_file_async   (FcScanner          *self,
                                             GFile              *file,
                                             GCancellable       *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer            user_data);
/* The number of codes accepted from the photo (0: nothing readable, which
 * was also reported by "refused"). */
guint        fc_scanner_decode_file_finish  (FcScanner    *self,
                                             GAsyncResult *result,
                                             GError      **error);
/* Asks for a photo with a file chooser, then decodes it. */
void         fc_scanner_open_photo          (FcScanner *self,
                                             GtkWindow *parent);

/* ---- feedback ---- */
/* The widget that flashes for reads from @source (held weakly); NULL = the
 * window the last key came from. */
void         fc_scanner_set_feedback_widget (FcScanner    *self,
                                             FcScanSource  source,
                                             GtkWidget    *widget);

G_END_DECLS
