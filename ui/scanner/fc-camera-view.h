/* fc-camera-view.h: the scan bar — camera on/off with its preview, and a
 * photo of a label from a file. Shows what an FcScanner sees; the scanner
 * does the work. */
#pragma once

#include "fc-scanner.h"

G_BEGIN_DECLS

#define FC_TYPE_CAMERA_VIEW (fc_camera_view_get_type ())
G_DECLARE_FINAL_TYPE (FcCameraView, fc_camera_view, FC, CAMERA_VIEW, GtkWidget)

GtkWidget *fc_camera_view_new         (FcScanner    *scanner);
FcScanner *fc_camera_view_get_scanner (FcCameraView *self);
void       fc_camera_view_set_scanner (FcCameraView *self,
                                       FcScanner    *scanner);

G_END_DECLS
