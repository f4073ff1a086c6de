/* fc-import.c: reference data from CSV (RFC 4180) or JSON, all or nothing.
 *
 * One table per kind (FcRefKind). An import runs in one transaction with one
 * prepared upsert reused for every row, so a million installed-base rows is a
 * matter of seconds; the first bad row rolls everything back and the error
 * names its line (CSV, the header is line 1) or element (JSON, counted from
 * 1). Every value is checked before it is bound; SQL text is only ever put
 * together from the column names in the tables below, never from input.
 *
 * Columns a CSV header leaves out (or that no JSON element names) keep their
 * stored values when a row already exists; an empty cell (or JSON null)
 * clears a value.
 */
#include "fc-store-private.h"
#include "fc-fts.h"

#include <string.h>

#define IMPORT_MAX_BYTES   (256 * 1024 * 1024)
#define IMPORT_MAX_ROWS    5000000
#define IMPORT_MAX_COLUMNS 64
#define IMPORT_MAX_FIELD   65536   /* raw bytes; text is checked again per column */
#define TEXT_MAX_CHARS     4000
#define KEY_MAX_CHARS      100
#define SHOWN_MAX_CHARS    40      /* of a bad value, in an error message */

typedef enum {
  COL_KEY,    /* an identifier: ≤ KEY_MAX_CHARS, no control characters */
  COL_TEXT,   /* ≤ TEXT_MAX_CHARS */
  COL_INT,    /* whole number in [min, max] */
  COL_DATE,   /* YYYY-MM-DD, a real day */
  COL_GTIN,   /* GTIN-8/12/13/14 with a valid check digit */
} ColType;

typedef struct {
  const char *name;
  ColType     type;
  gboolean    required;
  gboolean    personal;     /* never echoed in an error message */
  gint64      min, max;     /* COL_INT */
  const char *if_empty;     /* COL_INT with a column default: used for an empty cell */
} Column;

typedef struct {
  FcRefKind     kind;
  const char   *name;       /* as the CLI and files say it */
  const char   *table;
  const Column *columns;    /* the first one is the key */
  guint         n_columns;
} KindSpec;

static const Column models_cols[] = {
  { "model", COL_KEY, TRUE, FALSE, 0, 0, NULL },
  { "name", COL_TEXT, TRUE, FALSE, 0, 0, NULL },
  { "category", COL_TEXT, FALSE, FALSE, 0, 0, NULL },
  { "warranty_months", COL_INT, FALSE, FALSE, 0, 600, "12" },
};
static const Column installed_cols[] = {
  { "serial", COL_KEY, TRUE, FALSE, 0, 0, NULL },
  { "gtin", COL_GTIN, FALSE, FALSE, 0, 0, NULL },
  { "model", COL_KEY, TRUE, FALSE, 0, 0, NULL },
  { "customer_id", COL_KEY, FALSE, FALSE, 0, 0, NULL },
  { "sale_date", COL_DATE, FALSE, FALSE, 0, 0, NULL },
  { "warranty_end", COL_DATE, FALSE, FALSE, 0, 0, NULL },
};
static const Column customers_cols[] = {
  { "id", COL_KEY, TRUE, FALSE, 0, 0, NULL },
  { "name", COL_TEXT, TRUE, TRUE, 0, 0, NULL },
  { "phone", COL_TEXT, FALSE, TRUE, 0, 0, NULL },
  { "address", COL_TEXT, FALSE, TRUE, 0, 0, NULL },
};
static const Column parts_cols[] = {
  { "part_number", COL_KEY, TRUE, FALSE, 0, 0, NULL },
  { "gtin", COL_GTIN, FALSE, FALSE, 0, 0, NULL },
  { "name", COL_TEXT, TRUE, FALSE, 0, 0, NULL },
  { "models", COL_TEXT, FALSE, FALSE, 0, 0, NULL },
};
static const Column van_stock_cols[] = {
  { "part_number", COL_KEY, TRUE, FALSE, 0, 0, NULL },
  { "quantity", COL_INT, TRUE, FALSE, 0, 1000000, NULL },
};
static const Column kb_cols[] = {
  { "id", COL_KEY, TRUE, FALSE, 0, 0, NULL },
  { "model", COL_KEY, FALSE, FALSE, 0, 0, NULL },
  { "symptom", COL_TEXT, TRUE, FALSE, 0, 0, NULL },
  { "cause", COL_TEXT, FALSE, FALSE, 0, 0, NULL },
  { "fix", COL_TEXT, FALSE, FALSE, 0, 0, NULL },
};

#define SPEC(k, n, t, c) { k, n, t, c, G_N_ELEMENTS (c) }
static const KindSpec specs[] = {
  SPEC (FC_REF_MODELS, "models", "models", models_cols),
  SPEC (FC_REF_INSTALLED, "installed", "installed", installed_cols),
  SPEC (FC_REF_CUSTOMERS, "customers", "customers", customers_cols),
  SPEC (FC_REF_PARTS, "parts", "parts", parts_cols),
  SPEC (FC_REF_VAN_STOCK, "van_stock", "van_stock", van_stock_cols),
  SPEC (FC_REF_KB, "kb", "kb_articles", kb_cols),
};
#undef SPEC

static const KindSpec *
find_spec (FcRefKind kind)
{
  for (gsize i = 0; i < G_N_ELEMENTS (specs); i++)
    if (specs[i].kind == kind)
      return &specs[i];
  return NULL;
}

const char *
fc_ref_kind_to_string (FcRefKind kind)
{
  const KindSpec *spec = find_spec (kind);

  return spec != NULL ? spec->name : NULL;
}

gboolean
fc_ref_kind_from_string (const char *text,
                         FcRefKind  *out_kind)
{
  for (gsize i = 0; text != NULL && i < G_N_ELEMENTS (specs); i++)
    if (g_ascii_strcasecmp (specs[i].name, text) == 0 ||
        /* "van-stock" reads naturally on a command line */
        (specs[i].kind == FC_REF_VAN_STOCK && g_ascii_strcasecmp (text, "van-stock") == 0))
      {
        if (out_kind != NULL)
          *out_kind = specs[i].kind;
        return TRUE;
      }
  return FALSE;
}

/* ---- Value checks ---- */

static gboolean
gtin_is_valid (const char *s)
{
  gsize len = strlen (s);
  int sum = 0;

  if (len != 8 && len != 12 && len != 13 && len != 14)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return FALSE;
  /* GS1: from the right, excluding the check digit, weights 3, 1, 3, … */
  for (gsize i = 0; i + 1 < len; i++)
    {
      int digit = s[len - 2 - i] - '0';
      sum += (i % 2 == 0) ? 3 * digit : digit;
    }
  return (10 - sum % 10) % 10 == s[len - 1] - '0';
}

static gboolean
date_is_valid (const char *s)
{
  guint64 y, m, d;

  if (strlen (s) != 10 || s[4] != '-' || s[7] != '-')
    return FALSE;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (s[i]))
      return FALSE;
  y = g_ascii_strtoull (s, NULL, 10);
  m = g_ascii_strtoull (s + 5, NULL, 10);
  d = g_ascii_strtoull (s + 8, NULL, 10);
  return y >= 1900 && g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y);
}

static gboolean
has_control_chars (const char *s,
                   gboolean    allow_newlines)
{
  for (const unsigned char *p = (const unsigned char *) s; *p != '\0'; p++)
    if ((*p < 0x20 || *p == 0x7f) && !(allow_newlines && (*p == '\n' || *p == '\r' || *p == '\t')))
      return TRUE;
  return FALSE;
}

/* The start of a bad value, for the message: enough to find it. */
static char *
shown_value (const Column *col,
             const char   *value)
{
  if (col->personal)
    return g_strdup ("(personal data, not shown)");
  if (g_utf8_validate (value, -1, NULL) && g_utf8_strlen (value, -1) > SHOWN_MAX_CHARS)
    {
      g_autofree char *head = g_utf8_substring (value, 0, SHOWN_MAX_CHARS);
      return g_strdup_printf ("'%s…'", head);
    }
  if (!g_utf8_validate (value, -1, NULL))
    return g_strdup ("(not UTF-8)");
  return g_strdup_printf ("'%s'", value);
}

static gboolean
fail_value (const Column *col,
            const char   *value,
            const char   *what,
            GError      **error)
{
  g_autofree char *shown = shown_value (col, value);

  g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "column '%s': %s %s",
               col->name, shown, what);
  return FALSE;
}

static gboolean
check_text (const Column *col,
            const char   *value,
            GError      **error)
{
  glong max = col->type == COL_TEXT ? TEXT_MAX_CHARS : KEY_MAX_CHARS;

  if (!g_utf8_validate (value, -1, NULL))
    return fail_value (col, value, "is not valid UTF-8", error);
  if (g_utf8_strlen (value, -1) > max)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID,
                   "column '%s': longer than %ld characters", col->name, max);
      return FALSE;
    }
  if (has_control_chars (value, col->type == COL_TEXT))
    return fail_value (col, value, "contains control characters", error);
  return TRUE;
}

static gboolean
check_int (const Column *col,
           const char   *value,
           GError      **error)
{
  g_autofree char *what = NULL;
  gint64 n;

  if (g_ascii_string_to_signed (value, 10, col->min, col->max, &n, NULL))
    return TRUE;
  what = g_strdup_printf ("is not a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                          col->min, col->max);
  return fail_value (col, value, what, error);
}

/* @value is non-NULL and non-empty. */
static gboolean
check_value (const Column *col,
             const char   *value,
             GError      **error)
{
  switch (col->type)
    {
    case COL_INT:
      return check_int (col, value, error);
    case COL_DATE:
      return date_is_valid (value) || fail_value (col, value, "is not a date (YYYY-MM-DD)", error);
    case COL_GTIN:
      return gtin_is_valid (value) ||
             fail_value (col, value, "is not a GTIN (8, 12, 13 or 14 digits with a valid check digit)", error);
    case COL_KEY:
    case COL_TEXT:
    default:
      return check_text (col, value, error);
    }
}

/* ---- The importer: one upsert statement, reused for every row ---- */

typedef struct {
  FcStore        *store;
  const KindSpec *spec;
  gboolean        present[IMPORT_MAX_COLUMNS];
  int             param[IMPORT_MAX_COLUMNS];  /* SQL parameter of a present column */
  FcStmt         *upsert;
  FcStmt         *fts_delete;                 /* kb only */
  FcStmt         *fts_insert;                 /* kb only */
  guint           n_rows;
} Importer;

static void
importer_clear (Importer *imp)
{
  g_clear_pointer (&imp->upsert, fc_stmt_free);
  g_clear_pointer (&imp->fts_delete, fc_stmt_free);
  g_clear_pointer (&imp->fts_insert, fc_stmt_free);
}

/* INSERT of the present columns; a conflict on the key updates them, so
 * the columns an import leaves out keep what they had. */
static char *
build_upsert_sql (Importer *imp)
{
  const KindSpec *spec = imp->spec;
  g_autoptr(GString) cols = g_string_new (NULL);
  g_autoptr(GString) vals = g_string_new (NULL);
  g_autoptr(GString) sets = g_string_new (NULL);
  int n = 0;

  for (guint i = 0; i < spec->n_columns; i++)
    {
      if (!imp->present[i])
        continue;
      imp->param[i] = ++n;
      g_string_append_printf (cols, "%s%s", n > 1 ? ", " : "", spec->columns[i].name);
      g_string_append_printf (vals, "%s?%d", n > 1 ? ", " : "", n);
      if (i > 0)
        g_string_append_printf (sets, "%s%s = excluded.%s", sets->len > 0 ? ", " : "",
                                spec->columns[i].name, spec->columns[i].name);
    }
  return g_strdup_printf ("INSERT INTO %s (%s) VALUES (%s) ON CONFLICT (%s) DO UPDATE SET %s%s",
                          spec->table, cols->str, vals->str, spec->columns[0].name, sets->str,
                          spec->kind == FC_REF_KB ? " RETURNING rowid, id, model, symptom, cause, fix" : "");
}

static gboolean
importer_prepare (Importer *imp,
                  GError  **error)
{
  sqlite3 *db = fc_store_get_db (imp->store);
  g_autofree char *sql = build_upsert_sql (imp);

  imp->upsert = fc_stmt_prepare (db, sql, error);
  if (imp->upsert == NULL)
    return FALSE;
  if (imp->spec->kind != FC_REF_KB)
    return TRUE;
  imp->fts_delete = fc_stmt_prepare (db, "DELETE FROM kb_fts WHERE rowid = ?", error);
  if (imp->fts_delete == NULL)
    return FALSE;
  imp->fts_insert = fc_stmt_prepare (db, "INSERT INTO kb_fts (rowid, article_id, model, symptom, body) "
                                         "VALUES (?, ?, ?, ?, ?)", error);
  return imp->fts_insert != NULL;
}

/* Checks one row. @values is indexed by column; NULL or "" is empty. */
static gboolean
importer_check (Importer          *imp,
                const char *const *values,
                GError           **error)
{
  const KindSpec *spec = imp->spec;

  for (guint i = 0; i < spec->n_columns; i++)
    {
      const Column *col = &spec->columns[i];
      const char *v = values[i];
      gboolean empty = v == NULL || *v == '\0';

      if (empty && col->required)
        {
          g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "column '%s': a value is required",
                       col->name);
          return FALSE;
        }
      if (!empty && !check_value (col, v, error))
        return FALSE;
    }
  return TRUE;
}

static void
importer_bind (Importer          *imp,
               const char *const *values)
{
  const KindSpec *spec = imp->spec;
  sqlite3_stmt *stmt = imp->upsert->stmt;

  for (guint i = 0; i < spec->n_columns; i++)
    {
      const Column *col = &spec->columns[i];
      const char *v = values[i];

      if (!imp->present[i])
        continue;
      if ((v == NULL || *v == '\0') && col->if_empty != NULL)
        v = col->if_empty;
      if (v == NULL || *v == '\0')
        sqlite3_bind_null (stmt, imp->param[i]);
      else if (col->type == COL_INT)
        sqlite3_bind_int64 (stmt, imp->param[i], g_ascii_strtoll (v, NULL, 10));
      else
        /* The row's text outlives the step: no copy needed. */
        sqlite3_bind_text (stmt, imp->param[i], v, -1, SQLITE_STATIC);
    }
}

/* The article's search row, rebuilt from what the upsert stored (RETURNING):
 * the old row goes first so a replaced article is never found twice. */
static gboolean
importer_index_kb (Importer *imp,
                   GError  **error)
{
  sqlite3_stmt *row = imp->upsert->stmt;
  gint64 rowid = sqlite3_column_int64 (row, 0);
  const char *cause = (const char *) sqlite3_column_text (row, 4);
  const char *fix = (const char *) sqlite3_column_text (row, 5);
  g_autofree char *raw = g_strconcat (cause != NULL ? cause : "", "\n", fix != NULL ? fix : "", NULL);
  g_autofree char *body = fc_fts_index_text (raw);
  g_autofree char *symptom = fc_fts_index_text ((const char *) sqlite3_column_text (row, 3));

  sqlite3_reset (imp->fts_delete->stmt);
  fc_stmt_bind_int64 (imp->fts_delete, 1, rowid);
  if (!fc_stmt_run (imp->fts_delete, error))
    return FALSE;
  sqlite3_reset (imp->fts_insert->stmt);
  fc_stmt_bind_int64 (imp->fts_insert, 1, rowid);
  fc_stmt_bind_text (imp->fts_insert, 2, (const char *) sqlite3_column_text (row, 1));
  fc_stmt_bind_text (imp->fts_insert, 3, (const char *) sqlite3_column_text (row, 2));
  fc_stmt_bind_text (imp->fts_insert, 4, symptom);
  fc_stmt_bind_text (imp->fts_insert, 5, body);
  return fc_stmt_run (imp->fts_insert, error);
}

static gboolean
importer_row (Importer          *imp,
              const char *const *values,
              GError           **error)
{
  sqlite3_stmt *stmt = imp->upsert->stmt;
  gboolean ok;
  int rc;

  if (++imp->n_rows > IMPORT_MAX_ROWS)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_TOO_LARGE,
                   "more than %d rows; split the file", IMPORT_MAX_ROWS);
      return FALSE;
    }
  if (!importer_check (imp, values, error))
    return FALSE;
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  importer_bind (imp, values);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && imp->spec->kind == FC_REF_KB)
    ok = importer_index_kb (imp, error);
  else if (rc == SQLITE_DONE)
    ok = TRUE;
  else
    {
      fc_db_set_error (fc_store_get_db (imp->store), rc, error);
      ok = FALSE;
    }
  /* Reset now: the bound text points into the caller's row buffer. */
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return ok;
}

static int
spec_column_index (const KindSpec *spec,
                   const char     *name)
{
  for (guint i = 0; i < spec->n_columns; i++)
    if (g_ascii_strcasecmp (spec->columns[i].name, name) == 0)
      return (int) i;
  return -1;
}

static gboolean
importer_check_required (Importer *imp,
                         GError  **error)
{
  for (guint i = 0; i < imp->spec->n_columns; i++)
    if (imp->spec->columns[i].required && !imp->present[i])
      {
        g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "missing column '%s' (required for %s)",
                     imp->spec->columns[i].name, imp->spec->name);
        return FALSE;
      }
  return TRUE;
}

static gboolean
unknown_column (const KindSpec *spec,
                const char     *name,
                GError        **error)
{
  g_autoptr(GString) known = g_string_new (NULL);
  g_autofree char *shown = NULL;

  for (guint i = 0; i < spec->n_columns; i++)
    g_string_append_printf (known, "%s%s", i > 0 ? ", " : "", spec->columns[i].name);
  shown = g_utf8_make_valid (name, MIN (strlen (name), 60));
  g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "unknown column '%s' for %s (known: %s)",
               shown, spec->name, known->str);
  return FALSE;
}

/* ---- Transaction around either format ---- */

typedef gboolean (*ImportFunc) (Importer   *imp,
                                const char *contents,
                                gsize       length,
                                GError    **error);

static gboolean
run_import (FcStore    *self,
            FcRefKind   kind,
            const char *contents,
            gsize       length,
            ImportFunc  func,
            GError    **error)
{
  Importer imp = { .store = self, .spec = find_spec (kind) };
  gboolean ok;

  if (imp.spec == NULL)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "Unknown kind of reference data");
      return FALSE;
    }
  if (length > IMPORT_MAX_BYTES)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_TOO_LARGE,
                   "The file is larger than %d MiB; split it", IMPORT_MAX_BYTES / (1024 * 1024));
      return FALSE;
    }
  if (!fc_store_tx_begin (self, error))
    return FALSE;
  ok = func (&imp, contents, length, error);
  importer_clear (&imp);
  if (!ok)
    {
      fc_store_tx_rollback (self);
      return FALSE;
    }
  if (!fc_store_tx_commit (self, error))
    return FALSE;
  g_debug ("Imported %u %s rows", imp.n_rows, imp.spec->name);
  fc_store_emit_case_changed (self, NULL);
  return TRUE;
}

/* ---- CSV ---- */

typedef struct {
  const char *p;
  const char *end;
  guint       line;      /* physical line the reader is on */
  GString    *buf;       /* the record's fields, each NUL-terminated */
  GArray     *offsets;   /* guint: where each field starts in buf */
} CsvReader;

static gboolean
csv_fail (CsvReader  *r,
          guint       line,
          const char *message,
          GError    **error)
{
  g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "line %u: %s", line, message);
  return FALSE;
}

/* A quoted field; r->p is just past the opening quote. */
static gboolean
csv_read_quoted (CsvReader *r,
                 guint      start_line,
                 GError   **error)
{
  for (;;)
    {
      const char *q = memchr (r->p, '"', r->end - r->p);

      if (q == NULL)
        return csv_fail (r, start_line, "a quoted field is never closed", error);
      for (const char *c = r->p; c < q; c++)
        if (*c == '\n')
          r->line++;
      g_string_append_len (r->buf, r->p, q - r->p);
      r->p = q + 1;
      if (r->p < r->end && *r->p == '"')
        {
          g_string_append_c (r->buf, '"');   /* "" stands for one quote */
          r->p++;
          continue;
        }
      if (r->p < r->end && *r->p != ',' && *r->p != '\r' && *r->p != '\n')
        return csv_fail (r, r->line, "a closing quote must end the field", error);
      return TRUE;
    }
}

static gboolean
csv_read_plain (CsvReader *r,
                GError   **error)
{
  const char *s = r->p;

  while (r->p < r->end && *r->p != ',' && *r->p != '\r' && *r->p != '\n')
    {
      if (*r->p == '"')
        return csv_fail (r, r->line, "a quote inside an unquoted field (quote the whole field "
                         "and double the quote)", error);
      r->p++;
    }
  g_string_append_len (r->buf, s, r->p - s);
  return TRUE;
}

static gboolean
csv_read_field (CsvReader *r,
                guint      start_line,
                GError   **error)
{
  guint start = r->buf->len;
  gboolean ok;

  if (r->offsets->len >= IMPORT_MAX_COLUMNS)
    return csv_fail (r, start_line, "too many fields", error);
  g_array_append_val (r->offsets, start);
  if (r->p < r->end && *r->p == '"')
    {
      r->p++;
      ok = csv_read_quoted (r, start_line, error);
    }
  else
    ok = csv_read_plain (r, error);
  if (ok && r->buf->len - start > IMPORT_MAX_FIELD)
    return csv_fail (r, start_line, "a field is longer than 64 KiB", error);
  g_string_append_c (r->buf, '\0');
  return ok;
}

/* Reads one record. FALSE with no error at the end of the input. */
static gboolean
csv_next_record (CsvReader *r,
                 guint     *out_line,
                 GError   **error)
{
  g_string_truncate (r->buf, 0);
  g_array_set_size (r->offsets, 0);
  if (r->p >= r->end)
    return FALSE;
  *out_line = r->line;
  for (;;)
    {
      if (!csv_read_field (r, *out_line, error))
        return FALSE;
      if (r->p >= r->end)
        return TRUE;
      if (*r->p == ',')
        {
          r->p++;
          continue;
        }
      /* CRLF, LF or a lone CR ends the record. */
      if (*r->p == '\r')
        r->p++;
      if (r->p < r->end && *r->p == '\n')
        r->p++;
      r->line++;
      return TRUE;
    }
}

static char *
csv_field (CsvReader *r,
           guint      i)
{
  return r->buf->str + g_array_index (r->offsets, guint, i);
}

static gboolean
csv_record_is_blank (CsvReader *r)
{
  return r->offsets->len == 1 && *csv_field (r, 0) == '\0';
}

static gboolean
csv_read_header (Importer  *imp,
                 CsvReader *r,
                 int       *spec_of_field,
                 GError   **error)
{
  guint line = 1;

  if (!csv_next_record (r, &line, error))
    {
      if (error == NULL || *error == NULL)
        g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "line 1: the header row is missing");
      return FALSE;
    }
  for (guint i = 0; i < r->offsets->len; i++)
    {
      const char *name = g_strstrip (csv_field (r, i));
      int col = spec_column_index (imp->spec, name);

      if (col < 0 || imp->present[col])
        {
          if (col < 0)
            unknown_column (imp->spec, name, error);
          else
            g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "column '%s' appears twice", name);
          g_prefix_error (error, "line %u: ", line);
          return FALSE;
        }
      imp->present[col] = TRUE;
      spec_of_field[i] = col;
    }
  if (!importer_check_required (imp, error))
    {
      g_prefix_error (error, "line %u: ", line);
      return FALSE;
    }
  return TRUE;
}

static gboolean
csv_import_record (Importer  *imp,
                   CsvReader *r,
                   guint      line,
                   guint      n_header,
                   const int *spec_of_field,
                   GError   **error)
{
  const char *values[IMPORT_MAX_COLUMNS] = { NULL };

  if (r->offsets->len != n_header)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "line %u: %u fields, but the header has %u",
                   line, r->offsets->len, n_header);
      return FALSE;
    }
  /* Spaces around a value are never meant: a serial with a trailing
   * space would never be found by a scan. */
  for (guint i = 0; i < n_header; i++)
    values[spec_of_field[i]] = g_strstrip (csv_field (r, i));
  if (!importer_row (imp, values, error))
    {
      g_prefix_error (error, "line %u: ", line);
      return FALSE;
    }
  return TRUE;
}

static gboolean
import_csv_rows (Importer   *imp,
                 const char *contents,
                 gsize       length,
                 GError    **error)
{
  g_autoptr(GString) buf = g_string_sized_new (256);
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (guint));
  CsvReader r = { contents, contents + length, 1, buf, offsets };
  int spec_of_field[IMPORT_MAX_COLUMNS];
  g_autoptr(GError) local = NULL;
  guint n_header, line = 1;

  if (length >= 3 && memcmp (contents, "\xEF\xBB\xBF", 3) == 0)
    r.p += 3;   /* a UTF-8 byte order mark, as spreadsheets write it */
  if (!csv_read_header (imp, &r, spec_of_field, error) || !importer_prepare (imp, error))
    return FALSE;
  n_header = r.offsets->len;
  while (csv_next_record (&r, &line, &local))
    {
      if (csv_record_is_blank (&r))
        continue;
      if (!csv_import_record (imp, &r, line, n_header, spec_of_field, error))
        return FALSE;
    }
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  return TRUE;
}

gboolean
fc_store_import_csv (FcStore    *self,
                     FcRefKind   kind,
                     const char *contents,
                     gsize       length,
                     GError    **error)
{
  g_return_val_if_fail (FC_IS_STORE (self), FALSE);
  g_return_val_if_fail (contents != NULL || length == 0, FALSE);

  return run_import (self, kind, contents != NULL ? contents : "", length,
                     import_csv_rows, error);
}

/* ---- JSON ---- */

/* Which columns any element names: the JSON form of a CSV header. */
static gboolean
json_scan_columns (Importer  *imp,
                   JsonArray *array,
                   GError   **error)
{
  guint n = json_array_get_length (array);

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "element %u: not an object", i + 1);
          return FALSE;
        }
      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, &name, &member))
        {
          int col = spec_column_index (imp->spec, name);
          if (col < 0)
            {
              unknown_column (imp->spec, name, error);
              g_prefix_error (error, "element %u: ", i + 1);
              return FALSE;
            }
          imp->present[col] = TRUE;
        }
    }
  return TRUE;
}

/* A member as text: strings as they are, integers printed (into @num). */
static gboolean
json_member_text (const Column *col,
                  JsonNode     *node,
                  char         *num,
                  gsize         num_size,
                  const char  **out,
                  GError      **error)
{
  GType type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

  *out = NULL;
  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (type == G_TYPE_STRING)
    {
      *out = json_node_get_string (node);
      return TRUE;
    }
  if (type == G_TYPE_INT64 && col->type == COL_INT)
    {
      g_snprintf (num, num_size, "%" G_GINT64_FORMAT, json_node_get_int (node));
      *out = num;
      return TRUE;
    }
  g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "column '%s': must be %s", col->name,
               col->type == COL_INT ? "a whole number" : "a string");
  return FALSE;
}

static gboolean
json_import_element (Importer   *imp,
                     JsonObject *obj,
                     GError    **error)
{
  const char *values[IMPORT_MAX_COLUMNS] = { NULL };
  g_autoptr(GPtrArray) copies = g_ptr_array_new_with_free_func (g_free);
  char nums[IMPORT_MAX_COLUMNS][24];

  for (guint c = 0; c < imp->spec->n_columns; c++)
    {
      const Column *col = &imp->spec->columns[c];
      JsonNode *node = json_object_get_member (obj, col->name);
      const char *text;

      if (node == NULL)
        continue;
      if (!json_member_text (col, node, nums[c], sizeof nums[c], &text, error))
        return FALSE;
      if (text == NULL)
        continue;
      /* Stripped like a CSV cell, so both formats store the same. */
      values[c] = g_strstrip (g_strdup (text));
      g_ptr_array_add (copies, (char *) values[c]);
    }
  return importer_row (imp, values, error);
}

static gboolean
import_json_rows (Importer   *imp,
                  const char *contents,
                  gsize       length,
                  GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local = NULL;
  JsonNode *root;
  JsonArray *array;

  if (!json_parser_load_from_data (parser, contents, (gssize) length, &local))
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "not valid JSON: %s", local->message);
      return FALSE;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "the JSON must be an array of objects");
      return FALSE;
    }
  array = json_node_get_array (root);
  if (!json_scan_columns (imp, array, error))
    return FALSE;
  if (json_array_get_length (array) == 0)
    return TRUE;
  if (!importer_check_required (imp, error) || !importer_prepare (imp, error))
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (!json_import_element (imp, json_array_get_object_element (array, i), error))
      {
        g_prefix_error (error, "element %u: ", i + 1);
        return FALSE;
      }
  return TRUE;
}

gboolean
fc_store_import_json (FcStore    *self,
                      FcRefKind   kind,
                      const char *contents,
                      gsize       length,
                      GError    **error)
{
  g_return_val_if_fail (FC_IS_STORE (self), FALSE);
  g_return_val_if_fail (contents != NULL || length == 0, FALSE);

  return run_import (self, kind, contents != NULL ? contents : "", length,
                     import_json_rows, error);
}
