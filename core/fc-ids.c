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

static void
format_uuid (const guint8 b[16],
             char         out[37])
{
  static const char hex[] = "0123456789abcdef";
  int o = 0;

  for (int i = 0; i < 16; i++)
    {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        out[o++] = '-';
      out[o++] = hex[b[i] >> 4];
      out[o++] = hex[b[i] & 0x0f];
    }
  out[o] = '\0';
}

guint64
fc_event_id_node (const char *device)
{
  static const char domain[] = "fieldcase/event-id/v1";
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;
  guint64 node = 0;

  /* The domain (with its NUL) keeps these bits apart from any other use
   * of SHA-256 over a device id. */
  g_checksum_update (sum, (const guchar *) domain, sizeof domain);
  g_checksum_update (sum, (const guchar *) device, (gssize) strlen (device));
  g_checksum_get_digest (sum, digest, &len);
  for (int i = 0; i < 8; i++)
    node = (node << 8) | digest[i];
  return node >> 6;   /* the first 58 bits */
}

void
fc_event_id_format (gint64  hlc,
                    guint64 node,
                    char    out[37])
{
  guint64 ms = (guint64) FC_HLC_MS (hlc) & G_GUINT64_CONSTANT (0xffffffffffff);
  guint counter = (guint) FC_HLC_COUNTER (hlc);
  /* rand_b: 4 bits of counter, then the node's 58. */
  guint64 rand_b = ((guint64) (counter & 0x0f) << 58) | (node & G_GUINT64_CONSTANT (0x3ffffffffffffff));
  guint8 b[16];

  for (int i = 0; i < 6; i++)
    b[i] = (guint8) (ms >> (8 * (5 - i)));
  b[6] = (guint8) (0x70 | (counter >> 12));           /* version 7, rand_a */
  b[7] = (guint8) (counter >> 4);
  b[8] = (guint8) (0x80 | (rand_b >> 56));            /* variant 10 */
  for (int i = 9; i < 16; i++)
    b[i] = (guint8) (rand_b >> (8 * (15 - i)));
  format_uuid (b, out);
}

char *
fc_event_id_derive (gint64      hlc,
                    const char *device)
{
  char out[37];

  g_return_val_if_fail (device != NULL, NULL);
  fc_event_id_format (hlc, fc_event_id_node (device), out);
  return g_strdup (out);
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
