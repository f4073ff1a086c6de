/* fc-camera-worker.c: camera frames → decoder on a worker thread.
 *
 * Threads: the main thread owns the struct's lifetime and the bus watch;
 * the worker thread only touches the appsink, its own FcDecoder, and the
 * atomic counters. Results travel to the main context as idle callbacks
 * that hold a reference on a small shared "link"; freeing the worker cuts
 * the link so late callbacks do nothing.
 */
#include "fc-camera-worker.h"

#include <fcntl.h>
#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <linux/videodev2.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fc-decoder.h"

/* A full-density pass when nothing was read for this long (TOOLCHAIN.md). */
#define STILL_AFTER_US  (1 * G_USEC_PER_SEC)
/* The preview needs no more than ~15 frames a second. */
#define PREVIEW_EVERY_US (66 * G_TIME_SPAN_MILLISECOND)

/* Shared between the worker and queued idles; alive while either is. */
typedef struct {
  gatomicrefcount          ref;
  gboolean                 alive;     /* main thread only */
  FcCameraCallbacks        callbacks;
  gpointer                 user_data;
} Link;

struct _FcCameraWorker {
  /* main thread */
  GstElement   *pipeline;
  guint         bus_watch;
  Link         *link;
  GMainContext *context;
  /* shared */
  GstAppSink   *sink;       /* ref held; pulled only by the worker */
  GCancellable *cancellable;
  GThread      *thread;
  gint          n_frames;   /* atomic */
};

static Link *
link_ref (Link *link)
{
  g_atomic_ref_count_inc (&link->ref);
  return link;
}

static void
link_unref (Link *link)
{
  if (g_atomic_ref_count_dec (&link->ref))
    g_free (link);
}

char *
fc_camera_worker_default_pipeline (const char *device)
{
  return g_strdup_printf ("v4l2src device=%s ! videoconvert ! "
                          "video/x-raw,format=GRAY8,width=1280,height=720 ! "
                          "appsink name=sink max-buffers=1 drop=true sync=false", device);
}

static gboolean
device_captures (const char *path)
{
  struct v4l2_capability cap = { 0 };
  int fd = open (path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = ioctl (fd, VIDIOC_QUERYCAP, &cap) == 0 &&
       (cap.device_caps & V4L2_CAP_VIDEO_CAPTURE) != 0;
  close (fd);
  return ok;
}

char *
fc_camera_worker_find_device (void)
{
  /* /dev/video0 may be a metadata node of the same camera: ask each. */
  for (int i = 0; i < 16; i++)
    {
      g_autofree char *path = g_strdup_printf ("/dev/video%d", i);

      if (g_file_test (path, G_FILE_TEST_EXISTS) && device_captures (path))
        return g_steal_pointer (&path);
    }
  return NULL;
}

/* ---- handing things to the main context ---- */

typedef struct {
  Link         *link;
  FcScanResult *result;
  char         *message;
  GdkTexture   *texture;
  gboolean      stopped;
} Delivery;

static void
delivery_free (gpointer data)
{
  Delivery *d = data;

  g_clear_pointer (&d->result, fc_scan_result_unref);
  g_clear_object (&d->texture);
  g_free (d->message);
  link_unref (d->link);
  g_free (d);
}

static gboolean
deliver_cb (gpointer data)
{
  Delivery *d = data;
  Link *link = d->link;

  if (!link->alive)
    return G_SOURCE_REMOVE;
  if (d->result != NULL && link->callbacks.scanned != NULL)
    link->callbacks.scanned (d->result, link->user_data);
  else if (d->texture != NULL && link->callbacks.frame != NULL)
    link->callbacks.frame (d->texture, link->user_data);
  else if (d->stopped && link->callbacks.stopped != NULL)
    link->callbacks.stopped (d->message, link->user_data);
  else if (d->message != NULL && link->callbacks.refused != NULL)
    link->callbacks.refused (d->message, link->user_data);
  return G_SOURCE_REMOVE;
}

static void
post (FcCameraWorker *self,
      Delivery       *d)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  /* Always a queued source: g_main_context_invoke() would run the callback
   * right here, on the worker, whenever no thread holds the context. */
  d->link = link_ref (self->link);
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver_cb, d, delivery_free);
  g_source_set_static_name (source, "fc-camera-delivery");
  g_source_attach (source, self->context);
}

/* GTK 4.8 has no 8-bit grey memory format: the preview is RGB at half
 * size, which is plenty for aiming and a quarter of the copying. */
static GdkTexture *
preview_texture (const guint8 *grey,
                 int           width,
                 int           height,
                 int           stride)
{
  int w = width / 2, h = height / 2;
  guint8 *rgb = g_malloc ((gsize) w * h * 3);
  g_autoptr(GBytes) bytes = NULL;

  for (int y = 0; y < h; y++)
    {
      const guint8 *row = grey + (gsize) (y * 2) * stride;
      guint8 *out = rgb + (gsize) y * w * 3;

      for (int x = 0; x < w; x++)
        out[x * 3] = out[x * 3 + 1] = out[x * 3 + 2] = row[x * 2];
    }
  bytes = g_bytes_new_take (rgb, (gsize) w * h * 3);
  return gdk_memory_texture_new (w, h, GDK_MEMORY_R8G8B8, bytes, (gsize) w * 3);
}

typedef struct {
  FcDecoder *decoder;
  gint64     last_read_us;
  gint64     last_still_us;
  gint64     last_preview_us;
} WorkerState;

static void
post_reads (FcCameraWorker *self,
            GPtrArray      *results,
            GPtrArray      *refused)
{
  for (guint i = 0; i < results->len; i++)
    {
      Delivery *d = g_new0 (Delivery, 1);
      d->result = fc_scan_result_ref (g_ptr_array_index (results, i));
      post (self, d);
    }
  for (guint i = 0; refused != NULL && i < refused->len; i++)
    {
      FcScanRefusal *r = g_ptr_array_index (refused, i);
      Delivery *d = g_new0 (Delivery, 1);
      d->message = g_strdup (r->error->message);
      post (self, d);
    }
}

static void
process_frame (FcCameraWorker *self,
               WorkerState    *st,
               GstVideoFrame  *frame)
{
  const guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (frame, 0);
  int stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);
  int width = GST_VIDEO_FRAME_WIDTH (frame), height = GST_VIDEO_FRAME_HEIGHT (frame);
  gint64 now = g_get_monotonic_time ();
  FcDecodeMode mode = FC_DECODE_MODE_LIVE;
  g_autoptr(GPtrArray) refused = NULL;
  g_autoptr(GPtrArray) results = NULL;

  if (now - st->last_read_us > STILL_AFTER_US && now - st->last_still_us > STILL_AFTER_US)
    {
      mode = FC_DECODE_MODE_STILL;
      st->last_still_us = now;
    }
  results = fc_decoder_decode_gray (st->decoder, data, width, height, stride, mode, &refused);
  g_atomic_int_inc (&self->n_frames);
  if (results->len > 0)
    st->last_read_us = now;
  post_reads (self, results, refused);
  if (now - st->last_preview_us >= PREVIEW_EVERY_US)
    {
      Delivery *d = g_new0 (Delivery, 1);
      d->texture = preview_texture (data, width, height, stride);
      st->last_preview_us = now;
      post (self, d);
    }
}

static void
process_sample (FcCameraWorker *self,
                WorkerState    *st,
                GstSample      *sample)
{
  GstVideoInfo info;
  GstVideoFrame frame;
  GstCaps *caps = gst_sample_get_caps (sample);

  if (caps == NULL || !gst_video_info_from_caps (&info, caps) ||
      GST_VIDEO_INFO_FORMAT (&info) != GST_VIDEO_FORMAT_GRAY8)
    return;
  if (!gst_video_frame_map (&frame, &info, gst_sample_get_buffer (sample), GST_MAP_READ))
    return;
  process_frame (self, st, &frame);
  gst_video_frame_unmap (&frame);
}

static gpointer
worker_thread (gpointer data)
{
  FcCameraWorker *self = data;
  WorkerState st = { fc_decoder_new (), g_get_monotonic_time (), 0, 0 };
  Delivery *end;

  while (!g_cancellable_is_cancelled (self->cancellable))
    {
      GstSample *sample = gst_app_sink_try_pull_sample (self->sink, 100 * GST_MSECOND);

      if (sample == NULL)
        {
          if (gst_app_sink_is_eos (self->sink))
            break;
          continue;
        }
      process_sample (self, &st, sample);
      gst_sample_unref (sample);
    }
  g_object_unref (st.decoder);
  end = g_new0 (Delivery, 1);
  end->stopped = TRUE;
  post (self, end);
  return NULL;
}

static gboolean
bus_cb (GstBus     *bus,
        GstMessage *message,
        gpointer    data)
{
  FcCameraWorker *self = data;
  g_autoptr(GError) error = NULL;

  if (GST_MESSAGE_TYPE (message) != GST_MESSAGE_ERROR)
    return G_SOURCE_CONTINUE;
  gst_message_parse_error (message, &error, NULL);
  /* Through the main context like the rest, so the owner may free us. */
  {
    Delivery *d = g_new0 (Delivery, 1);
    d->stopped = TRUE;
    d->message = g_strdup (error->message);
    post (self, d);
  }
  return G_SOURCE_CONTINUE;
}

static GstElement *
build_pipeline (const char  *description,
                GstAppSink **out_sink,
                GError     **error)
{
  g_autoptr(GstElement) pipeline = NULL;
  GstElement *sink;

  if (!gst_init_check (NULL, NULL, error))
    return NULL;
  pipeline = gst_parse_launch (description, error);
  if (pipeline == NULL)
    return NULL;
  /* gst_parse_launch may hand back a floating ref. */
  gst_object_ref_sink (pipeline);
  sink = GST_IS_BIN (pipeline) ? gst_bin_get_by_name (GST_BIN (pipeline), "sink") : NULL;
  if (sink == NULL || !GST_IS_APP_SINK (sink))
    {
      g_clear_object (&sink);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The camera pipeline has no appsink named “sink”");
      return NULL;
    }
  *out_sink = GST_APP_SINK (sink);
  return g_steal_pointer (&pipeline);
}

FcCameraWorker *
fc_camera_worker_start (const char              *description,
                        const FcCameraCallbacks *callbacks,
                        gpointer                 user_data,
                        GError                 **error)
{
  FcCameraWorker *self;
  GstAppSink *sink = NULL;
  GstElement *pipeline = build_pipeline (description, &sink, error);
  g_autoptr(GstBus) bus = NULL;

  if (pipeline == NULL)
    return NULL;
  if (gst_element_set_state (pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      gst_element_set_state (pipeline, GST_STATE_NULL);
      g_object_unref (sink);
      g_object_unref (pipeline);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The camera could not be started");
      return NULL;
    }
  self = g_new0 (FcCameraWorker, 1);
  self->pipeline = pipeline;
  self->sink = sink;
  self->context = g_main_context_ref_thread_default ();
  self->link = g_new0 (Link, 1);
  g_atomic_ref_count_init (&self->link->ref);
  self->link->alive = TRUE;
  self->link->callbacks = *callbacks;
  self->link->user_data = user_data;
  self->cancellable = g_cancellable_new ();
  bus = gst_element_get_bus (pipeline);
  self->bus_watch = gst_bus_add_watch (bus, bus_cb, self);
  self->thread = g_thread_new ("fc-camera", worker_thread, self);
  return self;
}

void
fc_camera_worker_free (FcCameraWorker *self)
{
  if (self == NULL)
    return;
  self->link->alive = FALSE;
  g_cancellable_cancel (self->cancellable);
  /* Stopping the pipeline first wakes a pull blocked in the appsink. */
  gst_element_set_state (self->pipeline, GST_STATE_NULL);
  g_thread_join (self->thread);
  g_source_remove (self->bus_watch);
  g_clear_object (&self->sink);
  g_clear_object (&self->pipeline);
  g_clear_object (&self->cancellable);
  g_main_context_unref (self->context);
  link_unref (self->link);
  g_free (self);
}

guint64
fc_camera_worker_get_n_frames (FcCameraWorker *self)
{
  return (guint64) g_atomic_int_get (&self->n_frames);
}
