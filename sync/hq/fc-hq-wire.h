/* fc-hq-wire.h: bytes on the wire — JSON text written by hand, gzip both
 * ways with limits.
 *
 * The pull response is the server's hot path (tens of thousands of events
 * per request); writing it into one GString from stored JSON text is several
 * times faster than building a JsonNode tree and serialising it.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Appends @text as a JSON string literal (quotes included); NULL → null. */
void    fc_hq_wire_append_string (GString    *out,
                                  const char *text);

/* {"error": {"code": …, "message": …, "retry_after": N}} */
char   *fc_hq_wire_error_body    (const char *code,
                                  const char *message,
                                  guint       retry_after);

/* Inflates a gzip body; fails with FC_ERROR_TOO_LARGE as soon as the output
 * would pass @max_output (a gzip bomb costs at most that much memory), and
 * with FC_ERROR_INVALID on corrupt or truncated input. */
GBytes *fc_hq_wire_gunzip        (GBytes   *input,
                                  gsize     max_output,
                                  GError  **error);
/* The level of the server's responses. 9: 10 % fewer bytes than zlib's
 * default on event pages (a first pull of 60,000 events: 1.78 MB instead
 * of 1.91 MB) for ~70 ms more CPU per 20,000 events; bytes on a mobile
 * link cost more than that. */
#define FC_HQ_WIRE_GZIP_LEVEL 9

/* Gzip at @level (1–9, -1 = zlib's default). */
GBytes *fc_hq_wire_gzip          (const void *data,
                                  gsize       length,
                                  int         level);

/* Does an Accept-Encoding header value accept gzip (and not with q=0)? */
gboolean fc_hq_wire_accepts_gzip (const char *accept_encoding);

G_END_DECLS
