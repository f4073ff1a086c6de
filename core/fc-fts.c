/* fc-fts.c: CJK bigrams for FTS5, see fc-fts.h. */
#include "fc-fts.h"

#include <string.h>

static gboolean
is_cjk (gunichar c)
{
  switch (g_unichar_get_script (c))
    {
    case G_UNICODE_SCRIPT_HAN:
    case G_UNICODE_SCRIPT_HIRAGANA:
    case G_UNICODE_SCRIPT_KATAKANA:
    case G_UNICODE_SCRIPT_HANGUL:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Appends the bigrams of a CJK run (a lone character stays itself). */
static void
append_run (GString        *out,
            const gunichar *run,
            gsize           len)
{
  if (len == 1)
    {
      g_string_append_c (out, ' ');
      g_string_append_unichar (out, run[0]);
      g_string_append_c (out, ' ');
      return;
    }
  for (gsize i = 0; i + 1 < len; i++)
    {
      g_string_append_c (out, ' ');
      g_string_append_unichar (out, run[i]);
      g_string_append_unichar (out, run[i + 1]);
    }
  g_string_append_c (out, ' ');
}

char *
fc_fts_index_text (const char *text)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GArray) run = g_array_new (FALSE, FALSE, sizeof (gunichar));

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return g_string_free (out, FALSE);
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_cjk (c))
        {
          g_array_append_val (run, c);
          continue;
        }
      if (run->len > 0)
        {
          append_run (out, (gunichar *) run->data, run->len);
          g_array_set_size (run, 0);
        }
      g_string_append_unichar (out, c);
    }
  if (run->len > 0)
    append_run (out, (gunichar *) run->data, run->len);
  return g_string_free (out, FALSE);
}

/* Tokens of one prepared word: what unicode61 would see, minus punctuation. */
static void
append_word_phrase (GString    *query,
                    const char *word,
                    const char *op)
{
  g_autofree char *prepared = fc_fts_index_text (word);
  g_autoptr(GString) phrase = g_string_new (NULL);

  for (const char *p = prepared; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      /* Everything but letters and digits separates tokens, as in
       * unicode61; it also keeps quotes and FTS5 syntax out. */
      if (g_unichar_isalnum (c) || g_unichar_ismark (c))
        g_string_append_unichar (phrase, c);
      else if (phrase->len > 0 && phrase->str[phrase->len - 1] != ' ')
        g_string_append_c (phrase, ' ');
    }
  while (phrase->len > 0 && phrase->str[phrase->len - 1] == ' ')
    g_string_truncate (phrase, phrase->len - 1);
  if (phrase->len == 0)
    return;
  if (query->len > 0)
    g_string_append_printf (query, " %s ", op);
  g_string_append_printf (query, "\"%s\"*", phrase->str);
}

char *
fc_fts_match_query (const char *text,
                    const char *op)
{
  GString *query = g_string_new (NULL);
  g_auto(GStrv) words = NULL;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return g_string_free (query, FALSE);
  words = g_strsplit_set (text, " \t\r\n", 32);
  for (int i = 0; words[i] != NULL; i++)
    append_word_phrase (query, words[i], op);
  return g_string_free (query, FALSE);
}
