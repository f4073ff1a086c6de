/* fc-fts.h: full-text search that works for Chinese as well as English.
 *
 * SQLite's unicode61 tokenizer keeps a run of Chinese characters as one
 * token, so 空调 would never find 空调制冷效果不佳; the trigram tokenizer
 * cannot match the two-character words Chinese is full of. So text is
 * prepared before it is indexed: every run of CJK characters becomes its
 * overlapping bigrams (空调 调制 制冷 …), the classic CJK analyzer, and
 * the FTS5 tables use "porter unicode61" so English words match their
 * inflections. Queries get the same preparation.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FC_FTS_TOKENIZE "porter unicode61 remove_diacritics 2"

/* Text as it goes into an FTS5 column. */
char *fc_fts_index_text  (const char *text);

/* A safe FTS5 MATCH expression for what a user typed: each word becomes a
 * quoted phrase (with prefix match), joined by @op ("AND" or "OR"). Query
 * syntax in the input is never interpreted. Returns "" for no words. */
char *fc_fts_match_query (const char *text,
                          const char *op);

G_END_DECLS
