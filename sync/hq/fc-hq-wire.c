/* fc-hq-wire.c: see fc-hq-wire.h. */
#include "fc-hq-wire.h"

#include <string.h>

#include "fc-error.h"

void
fc_hq_wire_append_string (GString    *out,
                          const char *text)
{
  static const char hex[] = "0123456789abcdef";

  if (text == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (*p < 0x20)
            {
              g_string_append (out, "\\u00");
              g_string_append_c (out, hex[*p >> 4]);
              g_string_append_c (out, hex[*p & 15]);
            }
          else
            g_string_append_c (out, (char) *p);
        }
    }
  g_string_append_c (out, '"');
}

char *
fc_hq_wire_error_body (const char *code,
                       const char *message,
                       guint       retry_after)
{
  GString *out = g_string_new ("{\"error\":{\"code\":");

  fc_hq_wire_append_string (out, code);
  g_string_append (out, ",\"message\":");
  fc_hq_wire_append_string (out, message != NULL && g_utf8_validate (message, -1, NULL)
                                 ? message : "");
  g_string_append_printf (out, ",\"retry_after\":%u}}", retry_after);
  return g_string_free (out, FALSE);
}

GBytes *
fc_hq_wire_gunzip (GBytes  *input,
                   gsize    max_output,
                   GError **error)
{
  g_autoptr(GZlibDecompressor) dec = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize in_len;
  const guint8 *in = g_bytes_get_data (input, &in_len);
  guint8 buf[64 * 1024];
  GConverterResult res;

  do
    {
      gsize read = 0, written = 0;
      g_autoptr(GError) local = NULL;

      res = g_converter_convert (G_CONVERTER (dec), in, in_len, buf, sizeof buf,
                                 G_CONVERTER_INPUT_AT_END, &read, &written, &local);
      if (res == G_CONVERTER_ERROR)
        {
          g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "The gzip body is corrupt: %s",
                       local->message);
          return NULL;
        }
      in += read;
      in_len -= read;
      if (out->len + written > max_output)
        {
          g_set_error (error, FC_ERROR, FC_ERROR_TOO_LARGE,
                       "The body inflates to more than %" G_GSIZE_FORMAT " bytes", max_output);
          return NULL;
        }
      g_byte_array_append (out, buf, written);
    }
  while (res != G_CONVERTER_FINISHED);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

GBytes *
fc_hq_wire_gzip (const void *data,
                 gsize       length,
                 int         level)
{
  g_autoptr(GZlibCompressor) enc = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, level);
  /* Sized for JSON, which shrinks a lot: one pass rarely needs a regrow. */
  g_autoptr(GByteArray) out = g_byte_array_sized_new (length / 4 + 64);
  const guint8 *in = data;
  gsize in_len = length;
  GConverterResult res;

  do
    {
      gsize read = 0, written = 0;
      guint old_len = out->len;

      g_byte_array_set_size (out, old_len + 64 * 1024);
      res = g_converter_convert (G_CONVERTER (enc), in, in_len, out->data + old_len, 64 * 1024,
                                 G_CONVERTER_INPUT_AT_END, &read, &written, NULL);
      g_assert (res != G_CONVERTER_ERROR);
      g_byte_array_set_size (out, old_len + written);
      in += read;
      in_len -= read;
    }
  while (res != G_CONVERTER_FINISHED);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

gboolean
fc_hq_wire_accepts_gzip (const char *accept_encoding)
{
  g_auto(GStrv) parts = NULL;

  if (accept_encoding == NULL)
    return FALSE;
  parts = g_strsplit (accept_encoding, ",", -1);
  for (char **p = parts; *p != NULL; p++)
    {
      g_auto(GStrv) params = g_strsplit (g_strstrip (*p), ";", -1);
      const char *name = g_strstrip (params[0]);

      if (g_ascii_strcasecmp (name, "gzip") != 0 && g_ascii_strcasecmp (name, "x-gzip") != 0)
        continue;
      for (char **q = params + 1; *q != NULL; q++)
        {
          const char *v = g_strstrip (*q);
          if (g_str_has_prefix (v, "q=") && g_ascii_strtod (v + 2, NULL) <= 0.0)
            return FALSE;
        }
      return TRUE;
    }
  return FALSE;
}
