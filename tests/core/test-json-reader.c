/* test-json-reader.c: the strict JSON reader against JsonParser, its refusals,
 * its spans and its walking API. Every input is copied to a heap block of
 * its exact size, so an ASan build catches any read past the end. */
#include <string.h>

#include "fc-error.h"
#include "fc-json-reader.h"

static JsonNode *
parse_exact (const char *text,
             gsize       size,
             GError    **error)
{
  g_autofree char *copy = g_memdup2 (text, size);

  return fc_json_parse (copy, size, error);
}

static JsonNode *
json_glib_parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
assert_same_as_json_glib (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) mine = parse_exact (text, strlen (text), &error);
  g_autoptr(JsonNode) theirs = json_glib_parse (text);
  g_autofree char *a = NULL, *b = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (mine);
  g_assert_true (json_node_equal (mine, theirs));
  /* Serialised too: json_node_equal takes 1 and 1.0 for equal. */
  a = json_to_string (mine, FALSE);
  b = json_to_string (theirs, FALSE);
  g_assert_cmpstr (a, ==, b);
}

static void
test_same_trees (void)
{
  static const char *const docs[] = {
    "{}", "[]", "[[]]", "[{}]", "{\"a\":{}}", " \t\r\n{ \"a\" : [ ] }\n ",
    "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\",\"f\":[1,[2,[3,{\"g\":null}]]]}}",
    "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]",
    "[\"\\u00e9\\u4e2d\\u6587 \\uD83D\\uDE00 \\ud83d\\ude00\"]",
    "[\"中文字符 mixed 😀 ü\"]",
    "{\"symptom\":\"压缩机启动后三分钟停机\",\"cause\":\"[case 7] relay coil fuse blown. tested ok\"}",
    "[0,-0,1,-1,42,1704067200000,9223372036854775807,-9223372036854775808]",
    "[3.25,-0.5,1e10,1E-7,2.5e+3,0.1,-1.5E2,123456.789,1e300,0e0]",
    "{\"a\":1,\"a\":2}",
    "{\"\":\"\",\"k\\u00e9y\":\"v\"}",
    "[\"a long key follows\",{\"a-member-name-of-more-than-sixty-four-bytes-goes-to-the-heap-0123456789\":true}]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (docs); i++)
    assert_same_as_json_glib (docs[i]);
}

static void
test_scalars_at_top (void)
{
  static const char *const docs[] = { "\"x\"", "1", "-2.5", "true", "false", "null", " 7 " };

  for (guint i = 0; i < G_N_ELEMENTS (docs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = parse_exact (docs[i], strlen (docs[i]), &error);

      g_assert_no_error (error);
      g_assert_true (JSON_NODE_HOLDS_VALUE (node) || JSON_NODE_HOLDS_NULL (node));
    }
}

static void
test_numbers (void)
{
  static const struct { const char *text; GType type; gint64 i; double d; } cases[] = {
    { "9223372036854775807", G_TYPE_INT64, G_MAXINT64, 0 },
    { "-9223372036854775808", G_TYPE_INT64, G_MININT64, 0 },
    { "9223372036854775808", G_TYPE_DOUBLE, 0, 9223372036854775808.0 },
    { "-9223372036854775809", G_TYPE_DOUBLE, 0, -9223372036854775809.0 },
    { "18446744073709551616", G_TYPE_DOUBLE, 0, 18446744073709551616.0 },
    { "100000000000000000000000000000", G_TYPE_DOUBLE, 0, 1e29 },
    { "1.0", G_TYPE_DOUBLE, 0, 1.0 },
    { "1e2", G_TYPE_DOUBLE, 0, 100.0 },
    { "-0", G_TYPE_INT64, 0, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = parse_exact (cases[i].text, strlen (cases[i].text), &error);

      g_assert_no_error (error);
      g_assert_true (json_node_get_value_type (node) == cases[i].type);
      if (cases[i].type == G_TYPE_INT64)
        g_assert_cmpint (json_node_get_int (node), ==, cases[i].i);
      else
        g_assert_cmpfloat (json_node_get_double (node), ==, cases[i].d);
    }
}

static void
assert_refused (const char *text,
                gsize       size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse_exact (text, size, &error);
  g_autofree char *shown = g_strescape (text, NULL);

  if (node != NULL)
    g_error ("accepted: %s", shown);
  g_assert_error (error, FC_ERROR, FC_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, " at byte "));
}

static void
test_malformed (void)
{
  static const char *const docs[] = {
    "", " ", "{", "[", "}", "]", ",", ":", "[1,]", "{\"a\":1,}", "[,1]", "{,}", "[1,,2]",
    "[01]", "[-01]", "[00]", "[-]", "[1.]", "[.5]", "[+1]", "[1e]", "[1e+]", "[1.e5]", "[0x10]",
    "[NaN]", "[nan]", "[Infinity]", "[-Infinity]", "[1e400]", "[-1e400]",
    "// c\n[]", "/* c */[]", "[]/**/", "# c\n[]", "[] x", "[]]", "[] []", "{}}", "\xef\xbb\xbf[]",
    "{\"a\" 1}", "{a:1}", "{'a':1}", "['a']", "{\"a\"}", "{\"a\":}", "{1:2}", "[}", "{]",
    "[true false]", "{\"a\":1 \"b\":2}", "tru", "nul", "fals", "True", "[truex]", "nulll",
    "\"\x01\"", "\"a\tb\"", "\"a\nb\"", "\"\x1f\"", "\"\\x\"", "\"\\U0041\"", "\"\\'\"",
    "\"\\u12\"", "\"\\u12g4\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\\ud800x\"",
    "\"\\udbff\\udbff\"", "\"\\u0000\"", "\"\\ud800\\",
    "\"\xff\"", "\"\xc0\xaf\"", "\"\xc1\xbf\"", "\"\xe0\x80\xaf\"", "\"\xed\xa0\x80\"",
    "\"\xf4\x90\x80\x80\"", "\"\xf5\x80\x80\x80\"", "\"\xe4\xb8\"", "\"\xe4\xb8", "\"\x80\"",
    "\"abc", "\"abc\\", "\"abc\\\"", "[\"a\"", "{\"a\":\"b\"", "{\"a\":[1,2}", "[1 2]",
  };

  for (guint i = 0; i < G_N_ELEMENTS (docs); i++)
    assert_refused (docs[i], strlen (docs[i]));
}

static void
test_embedded_nul (void)
{
  static const char a[] = "[1,\0 2]", b[] = "[1]\0", c[] = "[\"a\0b\"]", d[] = "\0[]";

  assert_refused (a, sizeof a - 1);
  assert_refused (b, sizeof b - 1);
  assert_refused (c, sizeof c - 1);
  assert_refused (d, sizeof d - 1);
}

/* Every proper prefix of a container is incomplete: refused, and never read
 * past (the copy ends where the prefix does). */
static void
test_prefixes (void)
{
  static const char doc[] =
    "{\"a\":[1,-2.5e3,true,false,null,\"x\\u00e9\\ud83d\\ude00中\"],\"b\":{\"c\":{}},\"d\":[]}";

  for (gsize n = 0; n < sizeof doc - 1; n++)
    assert_refused (doc, n);
}

static void
test_error_offset (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse_exact ("[1,]", 4, &error);

  g_assert_null (node);
  g_assert_error (error, FC_ERROR, FC_ERROR_INVALID);
  g_assert_nonnull (g_strrstr (error->message, "at byte 3"));
  g_clear_error (&error);
  g_assert_null (parse_exact ("{\"k\": \"\x01\"}", 10, &error));
  g_assert_nonnull (g_strrstr (error->message, "at byte 7"));
}

static char *
nested (guint depth)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < depth; i++)
    g_string_append (s, i % 2 == 0 ? "[" : "{\"k\":");
  if (depth % 2 == 0 && depth > 0)
    g_string_append (s, "0");   /* the innermost member's value */
  for (guint i = depth; i > 0; i--)
    g_string_append (s, (i - 1) % 2 == 0 ? "]" : "}");
  return g_string_free (s, FALSE);
}

static void
test_depth (void)
{
  g_autofree char *ok = nested (FC_JSON_READER_MAX_DEPTH);
  g_autofree char *deep = nested (FC_JSON_READER_MAX_DEPTH + 1);
  g_autofree char *very = nested (100000);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parse_exact (ok, strlen (ok), &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  assert_refused (deep, strlen (deep));
  assert_refused (very, strlen (very));
}

/* ---- walking ---- */

static void
test_walk_and_spans (void)
{
  static const char doc[] =
    " { \"a\" : [1, 2] , \"b\":  {\"x\":\"y\\n\"}  , \"c\\u00e9\": \"t\\\"x\" , \"n\": -12,"
    " \"z\": null, \"t\": true, \"e\": [] } ";
  g_autofree char *copy = g_memdup2 (doc, sizeof doc - 1);
  g_autoptr(GError) error = NULL;
  FcJsonReader r;
  guint seen = 0;

  fc_json_reader_init (&r, copy, sizeof doc - 1);
  g_assert_true (fc_json_reader_expect (&r, '{', &error));
  for (;;)
    {
      g_autofree char *key = NULL;
      const char *span = NULL;
      gsize len = 0;

      g_assert_true (fc_json_reader_next_member (&r, &key, &error));
      g_assert_no_error (error);
      if (key == NULL)
        break;
      seen++;
      if (g_str_equal (key, "a"))
        {
          g_autoptr(JsonNode) node = fc_json_reader_read_value (&r, &span, &len, &error);
          g_assert_nonnull (node);
          g_assert_cmpmem (span, len, "[1, 2]", 6);
          g_assert_cmpuint (json_array_get_length (json_node_get_array (node)), ==, 2);
        }
      else if (g_str_equal (key, "b"))
        {
          g_assert_true (fc_json_reader_skip_value (&r, &span, &len, &error));
          g_assert_cmpmem (span, len, "{\"x\":\"y\\n\"}", 11);
        }
      else if (g_str_equal (key, "cé"))
        {
          g_autofree char *s = fc_json_reader_read_string (&r, &error);
          g_assert_cmpstr (s, ==, "t\"x");
        }
      else if (g_str_equal (key, "n"))
        {
          gint64 v = 0;
          g_assert_true (fc_json_reader_read_int64 (&r, &v, &error));
          g_assert_cmpint (v, ==, -12);
        }
      else if (g_str_equal (key, "z"))
        g_assert_true (fc_json_reader_read_null (&r, &error));
      else if (g_str_equal (key, "t"))
        {
          gboolean b = FALSE;
          g_assert_true (fc_json_reader_read_boolean (&r, &b, &error));
          g_assert_true (b);
        }
      else if (g_str_equal (key, "e"))
        {
          gboolean more = TRUE;
          g_assert_true (fc_json_reader_expect (&r, '[', &error));
          g_assert_true (fc_json_reader_next_element (&r, &more, &error));
          g_assert_false (more);
        }
      else
        g_assert_not_reached ();
      g_assert_no_error (error);
    }
  g_assert_cmpuint (seen, ==, 7);
  g_assert_cmpuint (r.depth, ==, 0);
  g_assert_true (fc_json_reader_end (&r, &error));
  g_assert_no_error (error);
}

static void
test_walk_array (void)
{
  static const char doc[] = "[10, 20 ,30]";
  g_autofree char *copy = g_memdup2 (doc, sizeof doc - 1);
  g_autoptr(GError) error = NULL;
  FcJsonReader r;
  gint64 sum = 0;
  gboolean more;

  fc_json_reader_init (&r, copy, sizeof doc - 1);
  g_assert_true (fc_json_reader_expect (&r, '[', &error));
  while (fc_json_reader_next_element (&r, &more, &error) && more)
    {
      gint64 v;
      g_assert_true (fc_json_reader_read_int64 (&r, &v, &error));
      sum += v;
    }
  g_assert_no_error (error);
  g_assert_cmpint (sum, ==, 60);
  g_assert_true (fc_json_reader_end (&r, &error));
}

static void
test_read_object (void)
{
  static const char doc[] = "[ {\"a\": {\"b\": [1]}, \"a\": 2} , [] ]";
  g_autofree char *copy = g_memdup2 (doc, sizeof doc - 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) obj = NULL;
  FcJsonReader r;
  const char *span;
  gsize len;
  gboolean more;

  fc_json_reader_init (&r, copy, sizeof doc - 1);
  g_assert_true (fc_json_reader_expect (&r, '[', &error));
  g_assert_true (fc_json_reader_next_element (&r, &more, &error) && more);
  obj = fc_json_reader_read_object (&r, &span, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (span, len, "{\"a\": {\"b\": [1]}, \"a\": 2}", 25);
  g_assert_cmpint (json_object_get_int_member (obj, "a"), ==, 2);   /* the last one */
  g_assert_cmpuint (json_object_get_size (obj), ==, 1);
  g_assert_true (fc_json_reader_next_element (&r, &more, &error) && more);
  g_assert_null (fc_json_reader_read_object (&r, NULL, NULL, &error));
  g_assert_error (error, FC_ERROR, FC_ERROR_INVALID);
}

typedef enum { READ_INT, READ_STRING, READ_NULL, READ_BOOL, WALK_ARRAY, WALK_OBJECT } Walk;

/* @doc is refused by @how, with FC_ERROR_INVALID. */
static void
assert_walk_refused (const char *doc,
                     Walk        how)
{
  g_autofree char *copy = g_memdup2 (doc, strlen (doc));
  g_autoptr(GError) error = NULL;
  FcJsonReader r;
  gboolean ok = TRUE, more = TRUE, b;
  gint64 v;

  fc_json_reader_init (&r, copy, strlen (doc));
  switch (how)
    {
    case READ_INT: ok = fc_json_reader_read_int64 (&r, &v, &error); break;
    case READ_STRING: ok = fc_json_reader_read_string (&r, &error) != NULL; break;
    case READ_NULL: ok = fc_json_reader_read_null (&r, &error); break;
    case READ_BOOL: ok = fc_json_reader_read_boolean (&r, &b, &error); break;
    case WALK_ARRAY:
      ok = fc_json_reader_expect (&r, '[', &error);
      while (ok && (ok = fc_json_reader_next_element (&r, &more, &error)) && more)
        ok = fc_json_reader_skip_value (&r, NULL, NULL, &error);
      ok = ok && fc_json_reader_end (&r, &error);
      break;
    case WALK_OBJECT:
      ok = fc_json_reader_expect (&r, '{', &error);
      while (ok)
        {
          g_autofree char *key = NULL;
          if (!(ok = fc_json_reader_next_member (&r, &key, &error)) || key == NULL)
            break;
          ok = fc_json_reader_skip_value (&r, NULL, NULL, &error);
        }
      ok = ok && fc_json_reader_end (&r, &error);
      break;
    }
  g_assert_false (ok);
  g_assert_error (error, FC_ERROR, FC_ERROR_INVALID);
}

static void
test_walk_refusals (void)
{
  assert_walk_refused ("1.5", READ_INT);
  assert_walk_refused ("1e3", READ_INT);
  assert_walk_refused ("9223372036854775808", READ_INT);
  assert_walk_refused ("\"1\"", READ_INT);
  assert_walk_refused ("", READ_INT);
  assert_walk_refused ("-", READ_INT);
  assert_walk_refused ("01", READ_INT);
  assert_walk_refused ("1", READ_STRING);
  assert_walk_refused ("\"\\ud800\"", READ_STRING);
  assert_walk_refused ("nul", READ_NULL);
  assert_walk_refused ("0", READ_NULL);
  assert_walk_refused ("fals", READ_BOOL);
  assert_walk_refused ("null", READ_BOOL);
  assert_walk_refused ("[1,]", WALK_ARRAY);
  assert_walk_refused ("[,1]", WALK_ARRAY);
  assert_walk_refused ("[1 2]", WALK_ARRAY);
  assert_walk_refused ("[1", WALK_ARRAY);
  assert_walk_refused ("[1]]", WALK_ARRAY);
  assert_walk_refused ("[1}", WALK_ARRAY);
  assert_walk_refused ("{\"a\":1,}", WALK_OBJECT);
  assert_walk_refused ("{,\"a\":1}", WALK_OBJECT);
  assert_walk_refused ("{\"a\" 1}", WALK_OBJECT);
  assert_walk_refused ("{\"a\":1 \"b\":2}", WALK_OBJECT);
  assert_walk_refused ("{1:1}", WALK_OBJECT);
  assert_walk_refused ("{\"a\":1", WALK_OBJECT);
  assert_walk_refused ("{\"a\":}", WALK_OBJECT);
  assert_walk_refused ("{\"a\":1]", WALK_OBJECT);
}

/* The walking API counts depth with the values inside it. */
static void
test_walk_depth (void)
{
  g_autofree char *inner = nested (FC_JSON_READER_MAX_DEPTH - 1);
  g_autofree char *doc = g_strdup_printf ("[%s]", inner);
  g_autofree char *inner2 = nested (FC_JSON_READER_MAX_DEPTH);
  g_autofree char *doc2 = g_strdup_printf ("[%s]", inner2);
  g_autoptr(GError) error = NULL;
  FcJsonReader r;
  gboolean more;

  fc_json_reader_init (&r, doc, strlen (doc));
  g_assert_true (fc_json_reader_expect (&r, '[', &error));
  g_assert_true (fc_json_reader_next_element (&r, &more, &error) && more);
  g_assert_true (fc_json_reader_skip_value (&r, NULL, NULL, &error));
  g_assert_no_error (error);

  fc_json_reader_init (&r, doc2, strlen (doc2));
  g_assert_true (fc_json_reader_expect (&r, '[', &error));
  g_assert_true (fc_json_reader_next_element (&r, &more, &error) && more);
  g_assert_false (fc_json_reader_skip_value (&r, NULL, NULL, &error));
  g_assert_error (error, FC_ERROR, FC_ERROR_INVALID);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json-reader/same-trees", test_same_trees);
  g_test_add_func ("/json-reader/scalars-at-top", test_scalars_at_top);
  g_test_add_func ("/json-reader/numbers", test_numbers);
  g_test_add_func ("/json-reader/malformed", test_malformed);
  g_test_add_func ("/json-reader/embedded-nul", test_embedded_nul);
  g_test_add_func ("/json-reader/prefixes", test_prefixes);
  g_test_add_func ("/json-reader/error-offset", test_error_offset);
  g_test_add_func ("/json-reader/depth", test_depth);
  g_test_add_func ("/json-reader/walk-and-spans", test_walk_and_spans);
  g_test_add_func ("/json-reader/walk-array", test_walk_array);
  g_test_add_func ("/json-reader/read-object", test_read_object);
  g_test_add_func ("/json-reader/walk-refusals", test_walk_refusals);
  g_test_add_func ("/json-reader/walk-depth", test_walk_depth);
  return g_test_run ();
}
