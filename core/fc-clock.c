/* fc-clock.c: wall time, frozen or corrected on demand. */
#include "fc-clock.h"

struct _FcClock
{
  GObject parent_instance;

  gint64  fixed_ms;   /* -1 = follow the system clock */
  gint64  offset_ms;  /* server minus device */
};

G_DEFINE_FINAL_TYPE (FcClock, fc_clock, G_TYPE_OBJECT)

static void
fc_clock_class_init (FcClockClass *klass)
{
}

static void
fc_clock_init (FcClock *self)
{
  self->fixed_ms = -1;
}

FcClock *
fc_clock_new (void)
{
  return g_object_new (FC_TYPE_CLOCK, NULL);
}

gint64
fc_clock_now_ms (FcClock *self)
{
  g_return_val_if_fail (FC_IS_CLOCK (self), 0);

  if (self->fixed_ms >= 0)
    return self->fixed_ms;
  return g_get_real_time () / 1000 + self->offset_ms;
}

void
fc_clock_set_fixed_ms (FcClock *self,
                       gint64   ms)
{
  g_return_if_fail (FC_IS_CLOCK (self));
  self->fixed_ms = ms;
}

void
fc_clock_advance_ms (FcClock *self,
                     gint64   delta_ms)
{
  g_return_if_fail (FC_IS_CLOCK (self));
  g_return_if_fail (self->fixed_ms >= 0);
  self->fixed_ms += delta_ms;
}

void
fc_clock_set_offset_ms (FcClock *self,
                        gint64   offset_ms)
{
  g_return_if_fail (FC_IS_CLOCK (self));
  self->offset_ms = offset_ms;
}

gint64
fc_clock_get_offset_ms (FcClock *self)
{
  g_return_val_if_fail (FC_IS_CLOCK (self), 0);
  return self->offset_ms;
}
