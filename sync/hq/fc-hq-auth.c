/* fc-hq-auth.c: tokens and enrolment codes; see fc-hq-auth.h. */
#include "fc-hq-auth.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "fc-error.h"

#define TOKEN_BYTES 32
#define CODE_CHARS  12

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/* getrandom() blocks only before the kernel's pool is seeded at boot. */
static gboolean
fill_random (guint8  *buf,
             gsize    len,
             GError **error)
{
  gsize done = 0;

  while (done < len)
    {
      ssize_t n = getrandom (buf + done, len - done, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;
          g_set_error (error, FC_ERROR, FC_ERROR_FAILED, "No random bytes: %s",
                       g_strerror (saved));
          return FALSE;
        }
      done += (gsize) n;
    }
  return TRUE;
}

char *
fc_hq_auth_new_token (GError **error)
{
  guint8 raw[TOKEN_BYTES];
  g_autofree char *b64 = NULL;

  if (!fill_random (raw, sizeof raw, error))
    return NULL;
  b64 = g_base64_encode (raw, sizeof raw);
  memset (raw, 0, sizeof raw);
  /* base64url: the token travels in a header and may end up in a URL. */
  for (char *p = b64; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        {
          *p = '\0';
          break;
        }
    }
  return g_steal_pointer (&b64);
}

char *
fc_hq_auth_new_code (GError **error)
{
  guint8 raw[CODE_CHARS];
  GString *code = g_string_sized_new (CODE_CHARS + 2);

  if (!fill_random (raw, sizeof raw, error))
    {
      g_string_free (code, TRUE);
      return NULL;
    }
  for (int i = 0; i < CODE_CHARS; i++)
    {
      if (i > 0 && i % 4 == 0)
        g_string_append_c (code, '-');
      g_string_append_c (code, crockford[raw[i] & 31]);
    }
  return g_string_free (code, FALSE);
}

char *
fc_hq_auth_normalize_code (const char *text)
{
  GString *out;

  if (text == NULL || strlen (text) > 64)
    return NULL;
  out = g_string_sized_new (CODE_CHARS);
  for (const char *p = text; *p != '\0'; p++)
    {
      char c = g_ascii_toupper (*p);

      if (c == '-' || c == ' ')
        continue;
      if (c == 'O')
        c = '0';
      else if (c == 'I' || c == 'L')
        c = '1';
      if (strchr (crockford, c) == NULL || c == '\0')
        {
          g_string_free (out, TRUE);
          return NULL;
        }
      g_string_append_c (out, c);
    }
  if (out->len != CODE_CHARS)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

char *
fc_hq_auth_hash (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}
