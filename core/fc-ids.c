/* fc-ids.c: UUIDv7, the hybrid logical clock, and UTC time text. */
#include "fc-ids.h"

#include <string.h>

char *
fc_uuid7_new (gint64 now_ms)
{
  guint8 b[16];
  guint32 r;

  /* 48 bits of milliseconds, big-endian, then random bits. */
  for (int i = 0; i < 6; i++)
    b[i] = (guint8) ((now_ms >> (8 * (5 - i))) & 0xff);
  for (int i = 6; i < 16; i += 4)
    {
      r = g_random_int ();
      for (int j = 0; j < 4 && i + j < 16; j++)
        b[i + j] = (guint8) (r >> (8 * j));
    }
  b[6] = (b[6] & 0x0f) | 0x70;   /* version 7 */
  b[8] = (b[8] & 0x3f) | 0x80;   /* RFC 4122 variant */

  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                          "%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                          b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

gboolean
fc_uuid_is_valid (const char *text)
{
  /* Any RFC 4122 text form: devices and HQ may mint v4 or v7. */
  if (text == NULL || strlen (text) != 36)
    return FALSE;
  for (int i = 0; i < 36; i++)
    {
      gboolean dash = (i == 8 || i == 13 || i == 18 || i == 23);
      if (dash ? text[i] != '-' : !g_ascii_isxdigit (text[i]) || g_ascii_isupper (text[i]))
        return FALSE;
    }
  return TRUE;
}

gint64
fc_hlc_tick (FcHlc  *hlc,
             gint64  now_ms)
{
  gint64 wall = FC_HLC_MAKE (now_ms, 0);

  /* Wall time ahead of everything seen: take it. Otherwise count on from
   * the last stamp, so stamps never repeat or go backwards. */
  hlc->last = wall > hlc->last ? wall : hlc->last + 1;
  return hlc->last;
}

void
fc_hlc_observe (FcHlc  *hlc,
                gint64  remote)
{
  if (remote > hlc->last)
    hlc->last = remote;
}

char *
fc_time_format_ms (gint64 ms)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (ms / 1000);

  if (dt == NULL)
    return g_strdup ("?");
  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

gboolean
fc_time_parse_ms (const char *text,
                  gint64     *out_ms)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL || strlen (text) > 64)
    return FALSE;
  dt = g_date_time_new_from_iso8601 (text, utc);
  if (dt == NULL)
    return FALSE;
  if (out_ms != NULL)
    *out_ms = g_date_time_to_unix (dt) * 1000 + g_date_time_get_microsecond (dt) / 1000;
  return TRUE;
}
