/* fc-ids.h: identifiers and time stamps.
 *
 * Event ids are UUIDv7 (time-ordered, so the events table stays append-mostly
 * in its primary key index). Event order is a hybrid logical clock: 48 bits of
 * milliseconds and 16 bits of counter in one gint64, which stays close to
 * wall time yet never goes backwards and always moves past what a device has
 * seen from others.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A new UUIDv7 as 36 lower-case characters, for @now_ms. */
char    *fc_uuid7_new        (gint64 now_ms);
gboolean fc_uuid_is_valid    (const char *text);
/* The id of the event @device records at @hlc: a UUIDv7 whose time is the
 * stamp's milliseconds, whose rand_a and first rand_b bits are the stamp's
 * counter, and whose last 58 bits come from SHA-256 of @device. A device's
 * stamps never repeat, so neither do its ids; and HQ can leave the id out of
 * a snapshot page when it is the derived one (docs/sync-protocol.md). */
char    *fc_event_id_derive  (gint64      hlc,
                              const char *device);
/* The same into @out (37 bytes, NUL-terminated), with the device's 58 bits
 * precomputed by fc_event_id_node() — for pages of thousands of events. */
guint64  fc_event_id_node    (const char *device);
void     fc_event_id_format  (gint64      hlc,
                              guint64     node,
                              char        out[37]);

#define FC_HLC_MAKE(ms, counter) ((((gint64) (ms)) << 16) | ((counter) & 0xffff))
#define FC_HLC_MS(hlc)           ((hlc) >> 16)
#define FC_HLC_COUNTER(hlc)      ((hlc) & 0xffff)

typedef struct {
  gint64 last;   /* the highest stamp issued or seen */
} FcHlc;

/* A stamp for a local event at physical time @now_ms. */
gint64   fc_hlc_tick         (FcHlc  *hlc,
                              gint64  now_ms);
/* Take a received stamp into account (never moves backwards). */
void     fc_hlc_observe      (FcHlc  *hlc,
                              gint64  remote);

/* ISO 8601 UTC ("2026-11-22T08:30:00Z") <-> ms since the epoch. */
char    *fc_time_format_ms   (gint64      ms);
gboolean fc_time_parse_ms    (const char *text,
                              gint64     *out_ms);

G_END_DECLS
