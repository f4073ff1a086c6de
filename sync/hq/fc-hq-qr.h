/* fc-hq-qr.h: a QR code as terminal text, for enrolment codes. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* @data as a QR code (medium error correction, 4-module quiet zone) drawn
 * with Unicode half blocks, two modules per character cell vertically;
 * dark modules are spaces on a light background so it scans on dark
 * terminals too. */
char *fc_hq_qr_render_text (const char *data,
                            GError    **error);

G_END_DECLS
