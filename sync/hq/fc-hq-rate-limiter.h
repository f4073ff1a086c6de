/* fc-hq-rate-limiter.h: a token bucket per key (device id).
 *
 * Each key may spend @burst requests at once and earns @rate per second
 * back. In memory only: a restart forgives everyone, which is fine for
 * protecting the server from a runaway device.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FcHqRateLimiter FcHqRateLimiter;

FcHqRateLimiter *fc_hq_rate_limiter_new       (double rate_per_second,
                                               double burst);
void             fc_hq_rate_limiter_free      (FcHqRateLimiter *self);
void             fc_hq_rate_limiter_configure (FcHqRateLimiter *self,
                                               double           rate_per_second,
                                               double           burst);
/* Takes one token for @key at @now_us (monotonic). FALSE when the bucket
 * is empty; then *@out_retry_after_s says when one token will be back. */
gboolean         fc_hq_rate_limiter_take      (FcHqRateLimiter *self,
                                               const char      *key,
                                               gint64           now_us,
                                               guint           *out_retry_after_s);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcHqRateLimiter, fc_hq_rate_limiter_free)

G_END_DECLS
