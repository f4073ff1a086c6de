/* fc-json-reader.c: a strict one-pass JSON reader (see fc-json-reader.h).
 *
 * Every access is checked against r->end: the input comes from the network
 * and is fuzzed (tests/fuzz/). Strings are scanned once to find their end and
 * check them (escapes, control characters, UTF-8), then copied; only a string
 * with escapes is decoded byte by byte.
 */
#include "fc-json-reader.h"

#include <math.h>
#include <string.h>

#include "fc-error.h"

void
fc_json_reader_init (FcJsonReader *r,
                     const char   *data,
                     gsize         size)
{
  g_return_if_fail (data != NULL || size == 0);

  /* An empty GBytes has no data at all, and NULL + 0 is undefined. */
  if (data == NULL)
    data = "";
  r->start = data;
  r->p = data;
  r->end = data + size;
  r->depth = 0;
  r->fresh = 0;
}

static gsize
offset (const FcJsonReader *r,
        const char         *at)
{
  return (gsize) (at - r->start);
}

static void
set_error_at (const FcJsonReader *r,
              const char         *at,
              GError            **error,
              const char         *format,
              va_list             args) G_GNUC_PRINTF (4, 0);

static void
set_error_at (const FcJsonReader *r,
              const char         *at,
              GError            **error,
              const char         *format,
              va_list             args)
{
  g_autofree char *message = NULL;

  if (error == NULL)
    return;
  message = g_strdup_vprintf (format, args);
  g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "%s at byte %" G_GSIZE_FORMAT,
               message, offset (r, at));
}

void
fc_json_reader_set_error (FcJsonReader *r,
                          GError      **error,
                          const char   *format,
                          ...)
{
  va_list args;

  va_start (args, format);
  set_error_at (r, r->p, error, format, args);
  va_end (args);
}

static gboolean fail_at (const FcJsonReader *r,
                         const char         *at,
                         GError            **error,
                         const char         *format,
                         ...) G_GNUC_PRINTF (4, 5);

/* Always FALSE, so that callers can `return fail_at (…)`. */
static gboolean
fail_at (const FcJsonReader *r,
         const char         *at,
         GError            **error,
         const char         *format,
         ...)
{
  va_list args;

  va_start (args, format);
  set_error_at (r, at, error, format, args);
  va_end (args);
  return FALSE;
}

/* "Unexpected “x”" or "Unexpected end of the document", at r->p. */
static gboolean
fail_unexpected (const FcJsonReader *r,
                 const char         *what,
                 GError            **error)
{
  guchar c;

  if (r->p >= r->end)
    return fail_at (r, r->p, error, "Expected %s, found the end of the document", what);
  c = (guchar) *r->p;
  if (c >= 0x21 && c < 0x7f)
    return fail_at (r, r->p, error, "Expected %s, found “%c”", what, c);
  return fail_at (r, r->p, error, "Expected %s, found byte 0x%02x", what, c);
}

static inline void
skip_ws (FcJsonReader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
    r->p++;
}

char
fc_json_reader_peek (FcJsonReader *r)
{
  skip_ws (r);
  return r->p < r->end ? *r->p : '\0';
}

/* ---- strings ---- */

/* Bytes that end the fast path of a string: the quote, the backslash,
 * control characters and the start of a multi-byte UTF-8 sequence. */
static const guint8 special[256] = {
  [0x00] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  [0x10] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  ['"'] = 1, ['\\'] = 1,
  [0x80] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  [0x90] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  [0xa0] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  [0xb0] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  [0xc0] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  [0xd0] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  [0xe0] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  [0xf0] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* The length of the well-formed UTF-8 sequence at @s (Unicode's table 3-7:
 * no overlong forms, no surrogates, nothing above U+10FFFF), or 0. */
static gsize
utf8_sequence (const guchar *s,
               const guchar *end)
{
  guchar c = s[0], lo = 0x80, hi = 0xbf;
  gsize n;

  if (c >= 0xc2 && c <= 0xdf)
    n = 2;
  else if (c >= 0xe0 && c <= 0xef)
    {
      n = 3;
      if (c == 0xe0)
        lo = 0xa0;
      else if (c == 0xed)
        hi = 0x9f;
    }
  else if (c >= 0xf0 && c <= 0xf4)
    {
      n = 4;
      if (c == 0xf0)
        lo = 0x90;
      else if (c == 0xf4)
        hi = 0x8f;
    }
  else
    return 0;
  if ((gsize) (end - s) < n || s[1] < lo || s[1] > hi)
    return 0;
  for (gsize i = 2; i < n; i++)
    if (s[i] < 0x80 || s[i] > 0xbf)
      return 0;
  return n;
}

static gint
hex4 (const char *s)
{
  gint v = 0;

  for (int i = 0; i < 4; i++)
    {
      gint d = g_ascii_xdigit_value (s[i]);
      if (d < 0)
        return -1;
      v = (v << 4) | d;
    }
  return v;
}

/* Checks the \u escape at @s (which starts with the backslash) and whatever
 * low surrogate must follow it; its length in bytes, or 0 (error set). */
static gsize
check_unicode_escape (const FcJsonReader *r,
                      const char         *s,
                      GError            **error)
{
  gint u, lo;

  const char *problem = NULL;

  if (r->end - s < 6 || (u = hex4 (s + 2)) < 0)
    problem = "A \\u escape needs four hexadecimal digits";
  else if (u == 0)
    problem = "A string may not contain U+0000";   /* it would end the C string */
  else if (u >= 0xdc00 && u <= 0xdfff)
    problem = "A low surrogate without its high one";
  else if (u < 0xd800 || u > 0xdbff)
    return 6;
  else if (r->end - s < 12 || s[6] != '\\' || s[7] != 'u' || (lo = hex4 (s + 8)) < 0 ||
           lo < 0xdc00 || lo > 0xdfff)
    problem = "A high surrogate without its low one";
  else
    return 12;
  fail_at (r, s, error, "%s", problem);
  return 0;
}

/* Scans the string at r->p (its opening quote) and leaves r->p after its
 * closing quote; @out_body / @out_len: the bytes between the quotes. */
static gboolean
scan_string (FcJsonReader *r,
             const char  **out_body,
             gsize        *out_len,
             gboolean     *out_escaped,
             GError      **error)
{
  const char *s = r->p + 1;
  gboolean escaped = FALSE;

  for (;;)
    {
      guchar c;

      while (s < r->end && !special[(guchar) *s])
        s++;
      if (s >= r->end)
        return fail_at (r, r->p, error, "A string without its closing quote");
      c = (guchar) *s;
      if (c == '"')
        break;
      if (c == '\\')
        {
          gsize n = 2;

          escaped = TRUE;
          if (s + 1 >= r->end)
            return fail_at (r, r->p, error, "A string without its closing quote");
          switch (s[1])
            {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
              break;
            case 'u':
              if ((n = check_unicode_escape (r, s, error)) == 0)
                return FALSE;
              break;
            default:
              return fail_at (r, s, error, "An unknown escape in a string");
            }
          s += n;
        }
      else if (c < 0x20)
        return fail_at (r, s, error, "A control character in a string (escape it)");
      else
        {
          gsize n = utf8_sequence ((const guchar *) s, (const guchar *) r->end);
          if (n == 0)
            return fail_at (r, s, error, "Invalid UTF-8 in a string");
          s += n;
        }
    }
  *out_body = r->p + 1;
  *out_len = (gsize) (s - (r->p + 1));
  *out_escaped = escaped;
  r->p = s + 1;
  return TRUE;
}

static char *
put_utf8 (char     *out,
          gunichar  u)
{
  return out + g_unichar_to_utf8 (u, out);
}

/* Decodes @len bytes that scan_string() checked into @out (room for @len + 1:
 * no escape is shorter than what it stands for); NUL-terminated. */
static void
decode_string (const char *s,
               gsize       len,
               char       *out)
{
  const char *end = s + len;

  while (s < end)
    {
      const char *bs = memchr (s, '\\', (gsize) (end - s));
      gsize run = (bs != NULL ? bs : end) - s;
      gunichar u;

      memcpy (out, s, run);
      out += run;
      s += run;
      if (s >= end)
        break;
      switch (s[1])
        {
        case 'b': *out++ = '\b'; break;
        case 'f': *out++ = '\f'; break;
        case 'n': *out++ = '\n'; break;
        case 'r': *out++ = '\r'; break;
        case 't': *out++ = '\t'; break;
        case 'u':
          u = (gunichar) hex4 (s + 2);
          if (u >= 0xd800 && u <= 0xdbff)
            {
              u = 0x10000 + ((u - 0xd800) << 10) + ((gunichar) hex4 (s + 8) - 0xdc00);
              s += 6;
            }
          out = put_utf8 (out, u);
          s += 4;
          break;
        default: *out++ = s[1]; break;   /* " \ / */
        }
      s += 2;
    }
  *out = '\0';
}

/* Room for decoded strings and number text: on the stack while small. */
typedef struct {
  char *buf;
  gsize size;
  char  stack[512];
} Scratch;

static void
scratch_init (Scratch *sc)
{
  sc->buf = sc->stack;
  sc->size = sizeof sc->stack;
}

static void
scratch_clear (Scratch *sc)
{
  if (sc->buf != sc->stack)
    g_free (sc->buf);
}

static char *
scratch_reserve (Scratch *sc,
                 gsize    size)
{
  if (size > sc->size)
    {
      scratch_clear (sc);
      sc->size = MAX (size, sc->size * 2);
      sc->buf = g_malloc (sc->size);
    }
  return sc->buf;
}

/* The string at r->p, decoded into @sc (valid until its next use). */
static const char *
read_string_scratch (FcJsonReader *r,
                     Scratch      *sc,
                     GError      **error)
{
  const char *body;
  gsize len;
  gboolean escaped;
  char *out;

  if (!scan_string (r, &body, &len, &escaped, error))
    return NULL;
  out = scratch_reserve (sc, len + 1);
  if (escaped)
    decode_string (body, len, out);
  else
    {
      memcpy (out, body, len);
      out[len] = '\0';
    }
  return out;
}

char *
fc_json_reader_read_string (FcJsonReader *r,
                            GError      **error)
{
  const char *body;
  gsize len;
  gboolean escaped;
  char *out;

  if (fc_json_reader_peek (r) != '"')
    {
      fail_unexpected (r, "a string", error);
      return NULL;
    }
  if (!scan_string (r, &body, &len, &escaped, error))
    return NULL;
  if (!escaped)
    return g_strndup (body, len);
  out = g_malloc (len + 1);
  decode_string (body, len, out);
  return out;
}

/* ---- numbers ---- */

typedef struct {
  gboolean is_int;   /* no fraction, no exponent, within gint64 */
  gint64   i;
  double   d;
} Number;

static gboolean
digits (FcJsonReader *r)
{
  const char *s = r->p;

  while (r->p < r->end && g_ascii_isdigit (*r->p))
    r->p++;
  return r->p > s;
}

/* The number at r->p, by the grammar of RFC 8259 §6. */
static gboolean
read_number (FcJsonReader *r,
             Scratch      *sc,
             Number       *out,
             GError      **error)
{
  const char *s = r->p;
  gboolean negative = FALSE, integral = TRUE, overflow = FALSE;
  guint64 magnitude = 0;
  char *text;

  if (r->p < r->end && *r->p == '-')
    {
      negative = TRUE;
      r->p++;
    }
  if (r->p >= r->end || !g_ascii_isdigit (*r->p))
    return fail_at (r, s, error, "A number needs digits");
  if (*r->p == '0' && r->p + 1 < r->end && g_ascii_isdigit (r->p[1]))
    return fail_at (r, s, error, "A number may not start with 0");
  for (; r->p < r->end && g_ascii_isdigit (*r->p); r->p++)
    {
      guint d = (guint) (*r->p - '0');
      if (magnitude > (G_MAXUINT64 - d) / 10)
        overflow = TRUE;
      else
        magnitude = magnitude * 10 + d;
    }
  if (r->p < r->end && *r->p == '.')
    {
      integral = FALSE;
      r->p++;
      if (!digits (r))
        return fail_at (r, s, error, "A number needs digits after its point");
    }
  if (r->p < r->end && (*r->p == 'e' || *r->p == 'E'))
    {
      integral = FALSE;
      r->p++;
      if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
        r->p++;
      if (!digits (r))
        return fail_at (r, s, error, "A number needs digits in its exponent");
    }
  if (integral && !overflow &&
      magnitude <= (negative ? (guint64) G_MAXINT64 + 1 : (guint64) G_MAXINT64))
    {
      out->is_int = TRUE;
      out->i = negative ? (gint64) (0 - magnitude) : (gint64) magnitude;
      return TRUE;
    }
  /* g_ascii_strtod needs a terminated copy: the buffer may end right here. */
  text = scratch_reserve (sc, (gsize) (r->p - s) + 1);
  memcpy (text, s, (gsize) (r->p - s));
  text[r->p - s] = '\0';
  out->is_int = FALSE;
  out->d = g_ascii_strtod (text, NULL);
  if (!isfinite (out->d))
    return fail_at (r, s, error, "A number out of range");
  return TRUE;
}

gboolean
fc_json_reader_read_int64 (FcJsonReader *r,
                           gint64       *out_value,
                           GError      **error)
{
  Scratch sc;
  Number n;
  const char *s;
  gboolean ok;
  char c = fc_json_reader_peek (r);

  if (c != '-' && !g_ascii_isdigit (c))
    return fail_unexpected (r, "a whole number", error);
  s = r->p;
  scratch_init (&sc);
  ok = read_number (r, &sc, &n, error);
  scratch_clear (&sc);
  if (!ok)
    return FALSE;
  if (!n.is_int)
    return fail_at (r, s, error, "Expected a whole number within 64 bits");
  *out_value = n.i;
  return TRUE;
}

/* ---- literals ---- */

static gboolean
read_literal (FcJsonReader *r,
              const char   *word,
              GError      **error)
{
  gsize n = strlen (word);

  if ((gsize) (r->end - r->p) < n || memcmp (r->p, word, n) != 0)
    return fail_at (r, r->p, error, "Expected “%s”", word);
  r->p += n;
  return TRUE;
}

gboolean
fc_json_reader_read_boolean (FcJsonReader *r,
                             gboolean     *out_value,
                             GError      **error)
{
  char c = fc_json_reader_peek (r);

  if (c != 't' && c != 'f')
    return fail_unexpected (r, "true or false", error);
  *out_value = c == 't';
  return read_literal (r, c == 't' ? "true" : "false", error);
}

gboolean
fc_json_reader_read_null (FcJsonReader *r,
                          GError      **error)
{
  if (fc_json_reader_peek (r) != 'n')
    return fail_unexpected (r, "null", error);
  return read_literal (r, "null", error);
}

/* ---- containers ---- */

static gboolean
open_container (FcJsonReader *r,
                GError      **error)
{
  if (r->depth >= FC_JSON_READER_MAX_DEPTH)
    return fail_at (r, r->p, error, "Nested deeper than %d", FC_JSON_READER_MAX_DEPTH);
  r->p++;
  r->depth++;
  return TRUE;
}

gboolean
fc_json_reader_expect (FcJsonReader *r,
                       char          c,
                       GError      **error)
{
  if (fc_json_reader_peek (r) != c || r->p >= r->end)
    {
      char what[16];
      g_snprintf (what, sizeof what, "“%c”", c);
      return fail_unexpected (r, what, error);
    }
  if (c != '{' && c != '[')
    {
      r->p++;
      return TRUE;
    }
  if (!open_container (r, error))
    return FALSE;
  r->fresh |= G_GUINT64_CONSTANT (1) << (r->depth - 1);
  return TRUE;
}

/* Shared by next_member and next_element: TRUE in *out_more when an item
 * follows (a separating comma read), FALSE once @close is read. */
static gboolean
next_item (FcJsonReader *r,
           char          close,
           gboolean     *out_more,
           GError      **error)
{
  guint64 bit;
  char c = fc_json_reader_peek (r);

  if (r->depth == 0)
    return fail_at (r, r->p, error, "Not inside a container");
  bit = G_GUINT64_CONSTANT (1) << (r->depth - 1);
  if (c == close && r->p < r->end)
    {
      r->p++;
      r->fresh &= ~bit;
      r->depth--;
      *out_more = FALSE;
      return TRUE;
    }
  if (r->fresh & bit)
    r->fresh &= ~bit;
  else if (c == ',' && r->p < r->end)
    r->p++;
  else
    {
      char what[16];
      g_snprintf (what, sizeof what, "“,” or “%c”", close);
      return fail_unexpected (r, what, error);
    }
  *out_more = TRUE;
  return TRUE;
}

static gboolean
read_key (FcJsonReader *r,
          Scratch      *sc,
          const char  **out_key,
          GError      **error)
{
  if (fc_json_reader_peek (r) != '"')
    return fail_unexpected (r, "a member name", error);
  if ((*out_key = read_string_scratch (r, sc, error)) == NULL)
    return FALSE;
  if (fc_json_reader_peek (r) != ':')
    return fail_unexpected (r, "“:”", error);
  r->p++;
  return TRUE;
}

gboolean
fc_json_reader_next_member (FcJsonReader *r,
                            char        **out_key,
                            GError      **error)
{
  gboolean more;
  const char *key = NULL;
  Scratch sc;
  gboolean ok;

  *out_key = NULL;
  if (!next_item (r, '}', &more, error))
    return FALSE;
  if (!more)
    return TRUE;
  scratch_init (&sc);
  ok = read_key (r, &sc, &key, error);
  if (ok)
    *out_key = g_strdup (key);
  scratch_clear (&sc);
  return ok;
}

gboolean
fc_json_reader_next_element (FcJsonReader *r,
                             gboolean     *out_more,
                             GError      **error)
{
  return next_item (r, ']', out_more, error);
}

/* ---- values ---- */

static gboolean value (FcJsonReader *r, Scratch *sc, JsonNode *parent,
                       JsonNode **out, GError **error);

/* The members of an object whose '{' was read; into @obj when building,
 * their nodes the children of @parent (nullable). */
static gboolean
object_members (FcJsonReader *r,
                Scratch      *sc,
                JsonObject   *obj,
                JsonNode     *parent,
                GError      **error)
{
  if (fc_json_reader_peek (r) == '}')
    {
      r->p++;
      return TRUE;
    }
  for (;;)
    {
      char key_buf[64];
      g_autofree char *key_heap = NULL;
      const char *key = NULL;
      JsonNode *child = NULL;
      char c;

      if (!read_key (r, sc, &key, error))
        return FALSE;
      /* The value needs the scratch too; json_object_set_member copies the
       * name again, so a short one stays on the stack. */
      if (strlen (key) < sizeof key_buf)
        key = memcpy (key_buf, key, strlen (key) + 1);
      else
        key = key_heap = g_strdup (key);
      if (!value (r, sc, parent, obj != NULL ? &child : NULL, error))
        return FALSE;
      if (obj != NULL)
        json_object_set_member (obj, key, child);
      c = fc_json_reader_peek (r);
      if (c == '}' && r->p < r->end)
        {
          r->p++;
          return TRUE;
        }
      if (c != ',' || r->p >= r->end)
        return fail_unexpected (r, "“,” or “}”", error);
      r->p++;
    }
}

static gboolean
array_elements (FcJsonReader *r,
                Scratch      *sc,
                JsonNode     *node,
                GError      **error)
{
  JsonArray *arr = node != NULL ? json_node_get_array (node) : NULL;

  if (fc_json_reader_peek (r) == ']')
    {
      r->p++;
      return TRUE;
    }
  for (;;)
    {
      JsonNode *child = NULL;
      char c;

      if (!value (r, sc, node, node != NULL ? &child : NULL, error))
        return FALSE;
      if (arr != NULL)
        json_array_add_element (arr, child);
      c = fc_json_reader_peek (r);
      if (c == ']' && r->p < r->end)
        {
          r->p++;
          return TRUE;
        }
      if (c != ',' || r->p >= r->end)
        return fail_unexpected (r, "“,” or “]”", error);
      r->p++;
    }
}

static gboolean
container (FcJsonReader *r,
           Scratch      *sc,
           JsonNode     *parent,
           JsonNode    **out,
           GError      **error)
{
  gboolean is_object = *r->p == '{';
  g_autoptr(JsonNode) node = NULL;
  gboolean ok;

  if (!open_container (r, error))
    return FALSE;
  if (out != NULL)
    {
      node = json_node_alloc ();
      if (is_object)
        json_node_take_object (json_node_init (node, JSON_NODE_OBJECT), json_object_new ());
      else
        json_node_take_array (json_node_init (node, JSON_NODE_ARRAY), json_array_new ());
      json_node_set_parent (node, parent);
    }
  if (is_object)
    ok = object_members (r, sc, node != NULL ? json_node_get_object (node) : NULL, node, error);
  else
    ok = array_elements (r, sc, node, error);
  if (!ok)
    return FALSE;
  r->depth--;
  if (out != NULL)
    *out = g_steal_pointer (&node);
  return TRUE;
}

static gboolean
scalar (FcJsonReader *r,
        Scratch      *sc,
        JsonNode    **out,
        GError      **error)
{
  char c = *r->p;
  Number n;
  const char *s;

  if (c == '"')
    {
      if ((s = read_string_scratch (r, sc, error)) == NULL)
        return FALSE;
      if (out != NULL)
        *out = json_node_init_string (json_node_alloc (), s);
      return TRUE;
    }
  if (c == '-' || g_ascii_isdigit (c))
    {
      if (!read_number (r, sc, &n, error))
        return FALSE;
      if (out != NULL)
        *out = n.is_int ? json_node_init_int (json_node_alloc (), n.i)
                        : json_node_init_double (json_node_alloc (), n.d);
      return TRUE;
    }
  if (c == 't' || c == 'f')
    {
      if (!read_literal (r, c == 't' ? "true" : "false", error))
        return FALSE;
      if (out != NULL)
        *out = json_node_init_boolean (json_node_alloc (), c == 't');
      return TRUE;
    }
  if (c == 'n')
    {
      if (!read_literal (r, "null", error))
        return FALSE;
      if (out != NULL)
        *out = json_node_init_null (json_node_alloc ());
      return TRUE;
    }
  return fail_unexpected (r, "a value", error);
}

/* Any value at r->p; built into *out (with @parent) unless @out is NULL. */
static gboolean
value (FcJsonReader *r,
       Scratch      *sc,
       JsonNode     *parent,
       JsonNode    **out,
       GError      **error)
{
  char c = fc_json_reader_peek (r);

  if (r->p >= r->end)
    return fail_unexpected (r, "a value", error);
  if (c == '{' || c == '[')
    return container (r, sc, parent, out, error);
  if (!scalar (r, sc, out, error))
    return FALSE;
  if (out != NULL)
    json_node_set_parent (*out, parent);
  return TRUE;
}

static gboolean
read_or_skip (FcJsonReader *r,
              JsonNode    **out,
              const char  **out_span,
              gsize        *out_span_len,
              GError      **error)
{
  Scratch sc;
  const char *s;
  gboolean ok;

  fc_json_reader_peek (r);
  s = r->p;
  scratch_init (&sc);
  ok = value (r, &sc, NULL, out, error);
  scratch_clear (&sc);
  if (!ok)
    return FALSE;
  if (out_span != NULL)
    *out_span = s;
  if (out_span_len != NULL)
    *out_span_len = (gsize) (r->p - s);
  return TRUE;
}

JsonNode *
fc_json_reader_read_value (FcJsonReader *r,
                           const char  **out_span,
                           gsize        *out_span_len,
                           GError      **error)
{
  JsonNode *node = NULL;

  if (!read_or_skip (r, &node, out_span, out_span_len, error))
    return NULL;
  return node;
}

JsonObject *
fc_json_reader_read_object (FcJsonReader *r,
                            const char  **out_span,
                            gsize        *out_span_len,
                            GError      **error)
{
  g_autoptr(JsonObject) obj = NULL;
  const char *s;
  Scratch sc;
  gboolean ok;

  if (fc_json_reader_peek (r) != '{')
    {
      fail_unexpected (r, "an object", error);
      return NULL;
    }
  s = r->p;
  if (!open_container (r, error))
    return NULL;
  obj = json_object_new ();
  scratch_init (&sc);
  ok = object_members (r, &sc, obj, NULL, error);
  scratch_clear (&sc);
  if (!ok)
    return NULL;
  r->depth--;
  if (out_span != NULL)
    *out_span = s;
  if (out_span_len != NULL)
    *out_span_len = (gsize) (r->p - s);
  return g_steal_pointer (&obj);
}

gboolean
fc_json_reader_skip_value (FcJsonReader *r,
                           const char  **out_span,
                           gsize        *out_span_len,
                           GError      **error)
{
  return read_or_skip (r, NULL, out_span, out_span_len, error);
}

gboolean
fc_json_reader_end (FcJsonReader *r,
                    GError      **error)
{
  if (fc_json_reader_peek (r) != '\0' || r->p < r->end)
    return fail_at (r, r->p, error, "Unexpected data after the document");
  return TRUE;
}

JsonNode *
fc_json_parse (const char *data,
               gsize       size,
               GError    **error)
{
  FcJsonReader r;
  g_autoptr(JsonNode) node = NULL;

  fc_json_reader_init (&r, data, size);
  node = fc_json_reader_read_value (&r, NULL, NULL, error);
  if (node == NULL || !fc_json_reader_end (&r, error))
    return NULL;
  return g_steal_pointer (&node);
}
