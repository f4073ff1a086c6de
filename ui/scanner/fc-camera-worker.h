/* fc-camera-worker.h: a GStreamer pipeline pulled and decoded on a worker
 * thread (private to FcScanner).
 *
 * The pipeline must end in an appsink named "sink" delivering GRAY8. The
 * worker owns its FcDecoder (FcDecoder is not thread-safe) and hands results
 * and preview frames to the main context through the callbacks, which run
 * on the thread that created the worker. After fc_camera_worker_free() no
 * callback runs any more.
 */
#pragma once

#include <gtk/gtk.h>

#include "fc-barcode.h"

G_BEGIN_DECLS

typedef struct _FcCameraWorker FcCameraWorker;

typedef struct {
  void (*scanned) (FcScanResult *result, gpointer user_data);
  void (*refused) (const char *message, gpointer user_data);
  void (*frame)   (GdkTexture *texture, gpointer user_data);
  void (*stopped) (const char *error_message, gpointer user_data);  /* NULL: end of stream */
} FcCameraCallbacks;

/* The default pipeline for a V4L2 device. */
char           *fc_camera_worker_default_pipeline (const char *device);
/* The first /dev/video* that can capture video, or NULL. */
char           *fc_camera_worker_find_device      (void);

FcCameraWorker *fc_camera_worker_start (const char              *description,
                                        const FcCameraCallbacks *callbacks,
                                        gpointer                 user_data,
                                        GError                 **error);
/* Stops the pipeline, joins the thread, drops pending callbacks. */
void            fc_camera_worker_free  (FcCameraWorker *self);

/* Frames decoded so far (for tests and diagnostics). */
guint64         fc_camera_worker_get_n_frames (FcCameraWorker *self);

G_END_DECLS
