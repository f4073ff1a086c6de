/* fc-clock.h: the injectable clock.
 *
 * Everything that asks "what time is it" (HLC stamps, deadlines, warnings)
 * asks an FcClock, so tests can fix time and sync can correct a device's
 * clock by the offset the server reports.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define FC_TYPE_CLOCK (fc_clock_get_type ())
G_DECLARE_FINAL_TYPE (FcClock, fc_clock, FC, CLOCK, GObject)

FcClock *fc_clock_new            (void);
/* Milliseconds since the Unix epoch, UTC, corrected by the offset. */
gint64   fc_clock_now_ms         (FcClock *self);
/* Freeze the clock at @ms (tests); -1 unfreezes. */
void     fc_clock_set_fixed_ms   (FcClock *self,
                                  gint64   ms);
void     fc_clock_advance_ms     (FcClock *self,
                                  gint64   delta_ms);
/* Added to the system time: server time minus device time. */
void     fc_clock_set_offset_ms  (FcClock *self,
                                  gint64   offset_ms);
gint64   fc_clock_get_offset_ms  (FcClock *self);

G_END_DECLS
