/* fc-hq-rate-limiter.c: see fc-hq-rate-limiter.h. */
#include "fc-hq-rate-limiter.h"

#include <math.h>

typedef struct {
  double tokens;
  gint64 last_us;
} Bucket;

struct _FcHqRateLimiter {
  double      rate;     /* tokens per second */
  double      burst;    /* bucket size */
  GHashTable *buckets;  /* owned: key → Bucket* */
};

FcHqRateLimiter *
fc_hq_rate_limiter_new (double rate_per_second,
                        double burst)
{
  FcHqRateLimiter *self = g_new0 (FcHqRateLimiter, 1);

  self->buckets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fc_hq_rate_limiter_configure (self, rate_per_second, burst);
  return self;
}

void
fc_hq_rate_limiter_free (FcHqRateLimiter *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->buckets);
  g_free (self);
}

void
fc_hq_rate_limiter_configure (FcHqRateLimiter *self,
                              double           rate_per_second,
                              double           burst)
{
  g_return_if_fail (rate_per_second > 0 && burst >= 1);
  self->rate = rate_per_second;
  self->burst = burst;
  /* New limits start everyone with a full bucket. */
  g_hash_table_remove_all (self->buckets);
}

gboolean
fc_hq_rate_limiter_take (FcHqRateLimiter *self,
                         const char      *key,
                         gint64           now_us,
                         guint           *out_retry_after_s)
{
  Bucket *b = g_hash_table_lookup (self->buckets, key);

  if (b == NULL)
    {
      b = g_new0 (Bucket, 1);
      b->tokens = self->burst;
      b->last_us = now_us;
      g_hash_table_insert (self->buckets, g_strdup (key), b);
    }
  if (now_us > b->last_us)
    b->tokens = MIN (self->burst, b->tokens + (double) (now_us - b->last_us) / 1e6 * self->rate);
  b->last_us = MAX (b->last_us, now_us);
  if (b->tokens >= 1.0)
    {
      b->tokens -= 1.0;
      return TRUE;
    }
  if (out_retry_after_s != NULL)
    *out_retry_after_s = (guint) MAX (1.0, ceil ((1.0 - b->tokens) / self->rate));
  return FALSE;
}
