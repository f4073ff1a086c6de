/* fc-hq-qr.c: see fc-hq-qr.h. */
#include "fc-hq-qr.h"

#include <errno.h>
#include <qrencode.h>

#include "fc-error.h"

#define QUIET 4

static gboolean
is_dark (const QRcode *qr,
         int           x,
         int           y)
{
  if (x < 0 || y < 0 || x >= qr->width || y >= qr->width)
    return FALSE;
  return (qr->data[y * qr->width + x] & 1) != 0;
}

char *
fc_hq_qr_render_text (const char *data,
                      GError    **error)
{
  QRcode *qr = QRcode_encodeString8bit (data, 0, QR_ECLEVEL_M);
  GString *out;

  if (qr == NULL)
    {
      int saved = errno;
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "Cannot make a QR code: %s",
                   g_strerror (saved));
      return NULL;
    }
  out = g_string_new (NULL);
  /* Light modules are drawn (full/half blocks), dark ones left blank, on
   * the assumption of light text on a dark terminal — scanners read the
   * inverted code as well as the normal one. */
  for (int y = -QUIET; y < qr->width + QUIET; y += 2)
    {
      for (int x = -QUIET; x < qr->width + QUIET; x++)
        {
          gboolean top = !is_dark (qr, x, y), bottom = !is_dark (qr, x, y + 1);

          if (y + 1 >= qr->width + QUIET)
            bottom = FALSE;
          g_string_append (out, top && bottom ? "█" : top ? "▀" : bottom ? "▄" : " ");
        }
      g_string_append_c (out, '\n');
    }
  QRcode_free (qr);
  return g_string_free (out, FALSE);
}
