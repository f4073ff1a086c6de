/* fc-json-reader.h: a small strict JSON reader over a byte buffer.
 *
 * JsonParser (GScanner underneath) spends most of a 20,000-event sync page
 * tokenising; this reader does the same job in one pass over the bytes and
 * builds the same JsonNode trees, so code that reads JsonObjects keeps
 * working. It can also walk a document member by member without building
 * anything, and tell the exact bytes a value came from (a payload can be
 * stored as received instead of being serialised again).
 *
 * Strict RFC 8259: no comments, trailing commas, leading zeros, NaN or
 * single quotes; strings must be valid UTF-8 without control characters,
 * \u escapes pair their surrogates and never name U+0000; nothing but
 * whitespace may follow the document; containers nest at most
 * FC_JSON_READER_MAX_DEPTH deep. Integers that fit a gint64 become int
 * nodes, other numbers doubles (as JsonParser does); duplicate names keep the
 * last value (also as JsonParser). Every error is FC_ERROR_INVALID with the
 * byte offset in its message. The reader never reads outside [start, end).
 *
 * Walking an object:
 *
 *   if (!fc_json_reader_expect (&r, '{', error))
 *     return FALSE;
 *   for (;;)
 *     {
 *       g_autofree char *key = NULL;
 *       if (!fc_json_reader_next_member (&r, &key, error))
 *         return FALSE;
 *       if (key == NULL)
 *         break;                                   // '}' read
 *       … read or skip the value …
 *     }
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define FC_JSON_READER_MAX_DEPTH 64

typedef struct {
  const char *start;   /* the document's first byte */
  const char *p;       /* the next byte to read */
  const char *end;     /* one past the last byte */
  guint       depth;   /* containers open at p */
  guint64     fresh;   /* bit d - 1: the container at depth d has had no item yet */
} FcJsonReader;

void      fc_json_reader_init          (FcJsonReader *r,
                                        const char   *data,
                                        gsize         size);
/* Skips whitespace; the next byte, or '\0' at the end of the buffer. */
char      fc_json_reader_peek          (FcJsonReader *r);
/* Skips whitespace and reads @c; '{' and '[' open a container to walk with
 * next_member / next_element. */
gboolean  fc_json_reader_expect        (FcJsonReader *r,
                                        char          c,
                                        GError      **error);
/* Inside an object: the next member's name and its ':' (*out_key newly
 * allocated), or the closing '}' (*out_key NULL). FALSE only on an error. */
gboolean  fc_json_reader_next_member   (FcJsonReader *r,
                                        char        **out_key,
                                        GError      **error);
/* Inside an array: *out_more TRUE when an element follows, FALSE once the
 * closing ']' is read. FALSE only on an error. */
gboolean  fc_json_reader_next_element  (FcJsonReader *r,
                                        gboolean     *out_more,
                                        GError      **error);

/* Scalars; an error if the next value is anything else. */
char     *fc_json_reader_read_string   (FcJsonReader *r,
                                        GError      **error);
/* A whole number within gint64 (no fraction or exponent). */
gboolean  fc_json_reader_read_int64    (FcJsonReader *r,
                                        gint64       *out_value,
                                        GError      **error);
gboolean  fc_json_reader_read_boolean  (FcJsonReader *r,
                                        gboolean     *out_value,
                                        GError      **error);
gboolean  fc_json_reader_read_null     (FcJsonReader *r,
                                        GError      **error);

/* Any value as a tree; @out_span / @out_span_len (both nullable) get the
 * bytes it was read from, without the whitespace around them. */
JsonNode *fc_json_reader_read_value    (FcJsonReader *r,
                                        const char  **out_span,
                                        gsize        *out_span_len,
                                        GError      **error);
/* An object as a JsonObject, without a node around it (one allocation less
 * per payload of a 20,000-event page); an error for any other value. */
JsonObject *fc_json_reader_read_object (FcJsonReader *r,
                                        const char  **out_span,
                                        gsize        *out_span_len,
                                        GError      **error);
/* Any value, checked as strictly as read_value but not built. */
gboolean  fc_json_reader_skip_value    (FcJsonReader *r,
                                        const char  **out_span,
                                        gsize        *out_span_len,
                                        GError      **error);
/* Only whitespace may be left. */
gboolean  fc_json_reader_end           (FcJsonReader *r,
                                        GError      **error);

/* An FC_ERROR_INVALID error at the reader's position: "<message> at byte N". */
void      fc_json_reader_set_error     (FcJsonReader *r,
                                        GError      **error,
                                        const char   *format,
                                        ...) G_GNUC_PRINTF (3, 4);

/* A whole document (any JSON value) to a tree. */
JsonNode *fc_json_parse                (const char  *data,
                                        gsize        size,
                                        GError     **error);

G_END_DECLS
