/* fc-sync-wire.c: the JSON of POST /v1/sync, both ways. */
#include "fc-sync-client-private.h"

#include <string.h>

#include "fc-error.h"
#include "fc-ids.h"
#include "fc-json-reader.h"

void
fc_sync_page_free (FcSyncPage *page)
{
  if (page == NULL)
    return;
  g_clear_pointer (&page->receipts, g_ptr_array_unref);
  g_clear_pointer (&page->events, g_ptr_array_unref);
  g_free (page->cursor);
  g_free (page);
}

GBytes *
fc_sync_wire_build_request (const char *device_id,
                            const char *cursor,
                            GPtrArray  *events,
                            guint       limit)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *obj = json_object_new ();
  JsonArray *arr = json_array_new ();
  JsonArray *formats;
  gsize length = 0;
  char *text;

  for (guint i = 0; events != NULL && i < events->len; i++)
    json_array_add_element (arr, fc_event_to_json (g_ptr_array_index (events, i)));
  json_object_set_string_member (obj, "device_id", device_id);
  json_object_set_string_member (obj, "cursor", cursor != NULL ? cursor : "");
  json_object_set_array_member (obj, "events", arr);
  json_object_set_int_member (obj, "limit", limit);
  /* First pulls come as columns (docs/sync-protocol.md). */
  formats = json_array_new ();
  json_array_add_string_element (formats, "snapshot-columns");
  json_object_set_array_member (obj, "formats", formats);
  json_node_take_object (root, obj);
  json_generator_set_root (gen, root);
  text = json_generator_to_data (gen, &length);
  return g_bytes_new_take (text, length);
}

/* ---- reading members as the json-glib getters did, without their criticals ---- */

static const char *
node_string (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* An int, a double (truncated) or a boolean as json_node_get_int reads it;
 * anything else 0. */
static gint64
node_int (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_int (node) : 0;
}

static gboolean
node_boolean (JsonNode *node)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_boolean (node);
}

/* ---- receipts ---- */

static FcSyncReceipt *
parse_receipt (JsonNode  *node,
               GError   **error)
{
  JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *id = o != NULL ? node_string (json_object_get_member (o, "id")) : NULL;
  const char *rejected;
  gint64 seq;
  FcSyncReceipt *r;

  if (id == NULL)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "A receipt without an event id");
      return NULL;
    }
  rejected = node_string (json_object_get_member (o, "rejected"));
  seq = node_int (json_object_get_member (o, "seq"));
  if (rejected == NULL && seq <= 0)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "A receipt with neither seq nor rejection");
      return NULL;
    }
  r = g_new0 (FcSyncReceipt, 1);
  r->event_id = g_strdup (id);
  r->reject_reason = g_strdup (rejected);
  r->server_seq = seq;
  return r;
}

/* "receipts": anything but an array counts as none, as it always did. */
static gboolean
read_receipts (FcJsonReader *r,
               FcSyncPage   *page,
               GError      **error)
{
  gboolean more;

  if (fc_json_reader_peek (r) != '[')
    return fc_json_reader_skip_value (r, NULL, NULL, error);
  if (!fc_json_reader_expect (r, '[', error))
    return FALSE;
  while (fc_json_reader_next_element (r, &more, error))
    {
      g_autoptr(JsonNode) node = NULL;
      FcSyncReceipt *receipt;

      if (!more)
        return TRUE;
      if ((node = fc_json_reader_read_value (r, NULL, NULL, error)) == NULL)
        return FALSE;
      if ((receipt = parse_receipt (node, error)) == NULL)
        return FALSE;
      g_ptr_array_add (page->receipts, receipt);
    }
  return FALSE;
}

/* ---- events, either form ---- */

/* An event this version cannot read (a newer type, say) must not stop every
 * later one from arriving: it is skipped and counted. Its id only is logged,
 * never its payload (customer data). */
static void
skip_event (FcSyncPage   *page,
            const char   *id,
            const GError *why)
{
  g_debug ("Skipping event %s from HQ: %s", id != NULL ? id : "?", why->message);
  page->n_skipped++;
}

/* What every received event passes besides fc_event_validate (done by the
 * caller): its payload as stored must fit the protocol's limit. */
static gboolean
check_payload_size (gsize    length,
                    GError **error)
{
  if (length > FC_EVENT_MAX_PAYLOAD_BYTES)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "The payload is larger than %d KiB",
                   FC_EVENT_MAX_PAYLOAD_BYTES / 1024);
      return FALSE;
    }
  return TRUE;
}

/* An element of "events" that is an object, read member by member as
 * fc_event_new_from_json() reads its tree — the same checks and messages, a
 * name given twice keeps its last value — but without building the tree:
 * only the payload becomes one. That is most of a page's allocations. */
typedef struct {
  char       *text[5];        /* id, case_id, type, device, author: NULL unless a string */
  gboolean    hlc_ok;         /* an integer within gint64 */
  gint64      hlc;
  JsonObject *payload;        /* NULL unless an object */
  const char *payload_span;   /* its bytes in the body */
  gsize       payload_len;
  gint64      seq;
} Envelope;

static const char *const envelope_texts[] = { "id", "case_id", "type", "device", "author" };

static void
envelope_clear (Envelope *env)
{
  for (guint i = 0; i < G_N_ELEMENTS (env->text); i++)
    g_clear_pointer (&env->text[i], g_free);
  g_clear_pointer (&env->payload, json_object_unref);
}

/* A whole number within gint64 into @out, TRUE; anything else is read
 * (checked) and FALSE, with @error set only when the JSON is malformed. */
static gboolean
read_int_member (FcJsonReader *r,
                 gint64       *out,
                 JsonNode    **out_other,
                 GError      **error)
{
  FcJsonReader probe = *r;

  *out_other = NULL;
  if (fc_json_reader_read_int64 (&probe, out, NULL))
    {
      *r = probe;
      return TRUE;
    }
  *out_other = fc_json_reader_read_value (r, NULL, NULL, error);
  return FALSE;
}

static gboolean
read_envelope_member (FcJsonReader *r,
                      const char   *key,
                      Envelope     *env,
                      GError      **error)
{
  g_autoptr(JsonNode) other = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (envelope_texts); i++)
    if (strcmp (key, envelope_texts[i]) == 0)
      {
        g_clear_pointer (&env->text[i], g_free);
        if (fc_json_reader_peek (r) != '"')
          return fc_json_reader_skip_value (r, NULL, NULL, error);
        return (env->text[i] = fc_json_reader_read_string (r, error)) != NULL;
      }
  if (strcmp (key, "hlc") == 0)
    {
      env->hlc_ok = read_int_member (r, &env->hlc, &other, error);
      return env->hlc_ok || other != NULL;
    }
  if (strcmp (key, "seq") == 0)
    {
      /* As json_object_get_int_member_with_default read it. */
      if (read_int_member (r, &env->seq, &other, error))
        return TRUE;
      env->seq = node_int (other);
      return other != NULL;
    }
  if (strcmp (key, "payload") == 0)
    {
      g_clear_pointer (&env->payload, json_object_unref);
      if (fc_json_reader_peek (r) != '{')
        return fc_json_reader_skip_value (r, NULL, NULL, error);
      env->payload = fc_json_reader_read_object (r, &env->payload_span, &env->payload_len, error);
      return env->payload != NULL;
    }
  return fc_json_reader_skip_value (r, NULL, NULL, error);
}

/* The event of a complete envelope, or NULL with @error saying why it
 * cannot be read (fc_event_new_from_json's checks, then the size). */
static FcEvent *
envelope_event (Envelope *env,
                GError  **error)
{
  g_autoptr(FcEvent) ev = NULL;

  if (!env->hlc_ok)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "Event field “hlc” must be an integer");
      return NULL;
    }
  if (env->payload == NULL)
    {
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "Event field “payload” must be an object");
      return NULL;
    }
  /* The texts are the envelope's: taken, not copied. */
  ev = fc_event_new (NULL, NULL, NULL, env->hlc, NULL, NULL, env->payload);
  ev->id = g_steal_pointer (&env->text[0]);
  ev->case_id = g_steal_pointer (&env->text[1]);
  ev->type = g_steal_pointer (&env->text[2]);
  ev->device = g_steal_pointer (&env->text[3]);
  ev->author = g_steal_pointer (&env->text[4]);
  if (!fc_event_validate (ev, error) || !check_payload_size (env->payload_len, error))
    {
      env->text[0] = g_steal_pointer (&ev->id);   /* for the log */
      return NULL;
    }
  /* The payload's text, stored as received. */
  ev->payload_text = g_strndup (env->payload_span, env->payload_len);
  ev->server_seq = env->seq;
  return g_steal_pointer (&ev);
}

static gboolean
read_event_object (FcJsonReader *r,
                   FcSyncPage   *page,
                   GError      **error)
{
  Envelope env = { { NULL }, FALSE, 0, NULL, NULL, 0, 0 };
  gboolean ok;

  ok = fc_json_reader_expect (r, '{', error);
  while (ok)
    {
      g_autofree char *key = NULL;

      if (!(ok = fc_json_reader_next_member (r, &key, error)) || key == NULL)
        break;
      ok = read_envelope_member (r, key, &env, error);
    }
  if (ok)
    {
      g_autoptr(GError) local = NULL;
      FcEvent *ev = envelope_event (&env, &local);

      if (ev != NULL)
        g_ptr_array_add (page->events, ev);
      else
        skip_event (page, env.text[0], local);
    }
  envelope_clear (&env);
  return ok;
}

static gboolean
read_one_event (FcJsonReader *r,
                FcSyncPage   *page,
                GError      **error)
{
  g_autoptr(GError) local = NULL;

  if (fc_json_reader_peek (r) == '{')
    return read_event_object (r, page, error);
  /* Not an object: skipped and counted, with fc_event_new_from_json's words. */
  if (!fc_json_reader_skip_value (r, NULL, NULL, error))
    return FALSE;
  g_set_error (&local, FC_ERROR, FC_ERROR_INVALID, "An event must be a JSON object");
  skip_event (page, NULL, local);
  return TRUE;
}

/* "events": anything but an array counts as none, as it always did. */
static gboolean
read_events (FcJsonReader *r,
             FcSyncPage   *page,
             GError      **error)
{
  gboolean more;

  if (fc_json_reader_peek (r) != '[')
    return fc_json_reader_skip_value (r, NULL, NULL, error);
  if (!fc_json_reader_expect (r, '[', error))
    return FALSE;
  while (fc_json_reader_next_element (r, &more, error))
    {
      if (!more)
        return TRUE;
      if (!read_one_event (r, page, error))
        return FALSE;
    }
  return FALSE;
}

/* ---- a snapshot page's columns (docs/sync-protocol.md) ---- */

#define SNAPSHOT_MAX_EVENTS 100000
#define SNAPSHOT_MAX_ENTRY  256
#define HLC_MS_MAX          ((G_GINT64_CONSTANT (1) << 48) - 1)

typedef enum {
  C_DEVICES, C_AUTHORS, C_TYPES,   /* dictionaries */
  C_CASES, C_COUNTS,               /* per case */
  C_TYPE, C_DEVICE, C_AUTHOR, C_MS, C_CTR, C_ID, C_PAYLOAD,   /* per event */
  N_COLUMNS
} Column;

typedef enum {
  K_TEXTS,     /* non-empty texts of at most SNAPSHOT_MAX_ENTRY bytes */
  K_IDS,       /* UUIDs or null */
  K_INTS,      /* whole numbers in [min, max] */
  K_PAYLOADS,  /* objects */
} ColumnKind;

static const struct {
  const char *name;
  ColumnKind  kind;
  gint64      min, max;
} column_specs[N_COLUMNS] = {
  [C_DEVICES] = { "devices", K_TEXTS, 0, 0 },
  [C_AUTHORS] = { "authors", K_TEXTS, 0, 0 },
  [C_TYPES] = { "types", K_TEXTS, 0, 0 },
  [C_CASES] = { "cases", K_IDS, 0, 0 },
  [C_COUNTS] = { "counts", K_INTS, 1, SNAPSHOT_MAX_EVENTS },
  /* Indexes: against their dictionary in check_columns(). */
  [C_TYPE] = { "type", K_INTS, 0, G_MAXINT32 },
  [C_DEVICE] = { "device", K_INTS, 0, G_MAXINT32 },
  [C_AUTHOR] = { "author", K_INTS, 0, G_MAXINT32 },
  /* A case's first ms absolute, the others differences: checked as sums. */
  [C_MS] = { "ms", K_INTS, G_MININT64, G_MAXINT64 },
  [C_CTR] = { "ctr", K_INTS, 0, 0xffff },
  [C_ID] = { "id", K_IDS, 0, 0 },
  [C_PAYLOAD] = { "payload", K_PAYLOADS, 0, 0 },
};

typedef struct {
  gsize offset;
  gsize length;
} Span;

typedef struct _Builder Builder;

typedef struct {
  GPtrArray *texts[N_COLUMNS];   /* K_TEXTS, K_IDS: char* (NULL for null) */
  GArray    *ints[N_COLUMNS];    /* K_INTS: gint64 */
  GPtrArray *payloads;           /* JsonObject*, unless each went to @builder */
  GArray    *spans;              /* Span of each payload in the body, likewise */
  guint      n_payloads;         /* read so far */
  gboolean   seen[N_COLUMNS];
  Builder   *builder;            /* makes events as payloads are read; nullable */
} Columns;

static void
columns_init (Columns *cols)
{
  memset (cols, 0, sizeof *cols);
  for (int c = 0; c < N_COLUMNS; c++)
    if (column_specs[c].kind == K_TEXTS || column_specs[c].kind == K_IDS)
      cols->texts[c] = g_ptr_array_new_with_free_func (g_free);
    else if (column_specs[c].kind == K_INTS)
      cols->ints[c] = g_array_new (FALSE, FALSE, sizeof (gint64));
  cols->payloads = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  cols->spans = g_array_new (FALSE, FALSE, sizeof (Span));
}

static void
columns_clear (Columns *cols)
{
  for (int c = 0; c < N_COLUMNS; c++)
    {
      g_clear_pointer (&cols->texts[c], g_ptr_array_unref);
      g_clear_pointer (&cols->ints[c], g_array_unref);
    }
  g_clear_pointer (&cols->payloads, g_ptr_array_unref);
  g_clear_pointer (&cols->spans, g_array_unref);
}

static guint
column_length (const Columns *cols,
               Column         c)
{
  switch (column_specs[c].kind)
    {
    case K_TEXTS:
    case K_IDS:
      return cols->texts[c]->len;
    case K_INTS:
      return cols->ints[c]->len;
    default:
      return cols->n_payloads;
    }
}

static gboolean
shape_error (GError    **error,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static gboolean
shape_error (GError    **error,
             const char *format,
             ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "%s", message);
  return FALSE;
}

/* Events from columns whose shape was checked, one by one in page order;
 * each passes the same validation as one in "events", or is skipped and
 * counted. */
struct _Builder {
  const Columns *cols;
  FcSyncPage    *page;
  const char    *body;
  guint          n;          /* events in the page */
  guint64       *nodes;      /* per device: fc_event_id_node(), once known */
  gboolean      *known;
  guint          e;          /* the next event */
  guint          next_case;
  gint64         left;       /* events of the current case still to come */
  gint64         t;          /* ms of its last event */
  char           case_id[37];
};

static void
builder_init (Builder       *b,
              const Columns *cols,
              guint          n,
              const char    *body,
              FcSyncPage    *page)
{
  guint n_devices = MAX (cols->texts[C_DEVICES]->len, 1);

  memset (b, 0, sizeof *b);
  b->cols = cols;
  b->page = page;
  b->body = body;
  b->n = n;
  b->nodes = g_new (guint64, n_devices);
  b->known = g_new0 (gboolean, n_devices);
}

static void
builder_clear (Builder *b)
{
  g_clear_pointer (&b->nodes, g_free);
  g_clear_pointer (&b->known, g_free);
}

static gint64
cell (const Columns *cols,
      Column         c,
      guint          i)
{
  return g_array_index (cols->ints[c], gint64, i);
}

/* The derived id of the event @device (an index) records at @hlc. */
static void
builder_derive (Builder *b,
                gint64   hlc,
                guint    device,
                char     out[37])
{
  if (!b->known[device])
    {
      b->nodes[device] = fc_event_id_node (b->cols->texts[C_DEVICES]->pdata[device]);
      b->known[device] = TRUE;
    }
  fc_event_id_format (hlc, b->nodes[device], out);
}

/* The next event, with its @payload (taken) read from @span of the body. */
static gboolean
builder_add (Builder    *b,
             JsonObject *payload,
             const Span *span,
             GError    **error)
{
  const Columns *cols = b->cols;
  g_autoptr(JsonObject) p = payload;
  g_autoptr(FcEvent) ev = NULL;
  g_autoptr(GError) local = NULL;
  guint e = b->e, device;
  gboolean first = b->left == 0;
  const char *id;
  char derived[37];
  gint64 hlc;

  if (e >= b->n)
    return shape_error (error, "“payload” has more entries than “counts” add up to");
  b->e++;
  device = (guint) cell (cols, C_DEVICE, e);
  id = cols->texts[C_ID]->pdata[e];
  if (first)
    {
      b->left = cell (cols, C_COUNTS, b->next_case);
      b->t = 0;
    }
  b->t += cell (cols, C_MS, e);
  /* Unsigned: ms of 2⁴⁷ or more overflow a gint64 stamp, which
   * fc_event_validate then refuses as not positive. */
  hlc = (gint64) (((guint64) b->t << 16) | (guint64) cell (cols, C_CTR, e));
  if (first)
    {
      const char *case_id = cols->texts[C_CASES]->pdata[b->next_case++];

      /* A case's id is its opening event's: derived from its first. */
      if (case_id != NULL)
        g_strlcpy (b->case_id, case_id, sizeof b->case_id);
      else
        builder_derive (b, hlc, device, b->case_id);
    }
  b->left--;
  if (id == NULL)
    {
      builder_derive (b, hlc, device, derived);
      id = derived;
    }
  ev = fc_event_new (id, b->case_id, cols->texts[C_TYPES]->pdata[cell (cols, C_TYPE, e)], hlc,
                     cols->texts[C_DEVICES]->pdata[device],
                     cols->texts[C_AUTHORS]->pdata[cell (cols, C_AUTHOR, e)], p);
  if (!fc_event_validate (ev, &local) || !check_payload_size (span->length, &local))
    {
      skip_event (b->page, ev->id, local);
      return TRUE;
    }
  ev->payload_text = g_strndup (b->body + span->offset, span->length);
  g_ptr_array_add (b->page->events, g_steal_pointer (&ev));
  return TRUE;
}

static gboolean
read_cell (FcJsonReader *r,
           Columns      *cols,
           Column        c,
           GError      **error)
{
  const char *start;
  char *text;
  gint64 v;

  fc_json_reader_peek (r);
  start = r->p;
  switch (column_specs[c].kind)
    {
    case K_TEXTS:
      if ((text = fc_json_reader_read_string (r, error)) == NULL)
        return FALSE;
      g_ptr_array_add (cols->texts[c], text);
      if (*text == '\0' || strlen (text) > SNAPSHOT_MAX_ENTRY)
        {
          fc_json_reader_set_error (r, error, "An entry must be a non-empty text of at most %d bytes",
                                    SNAPSHOT_MAX_ENTRY);
          return FALSE;
        }
      return TRUE;
    case K_IDS:
      if (fc_json_reader_peek (r) == 'n')
        {
          g_ptr_array_add (cols->texts[c], NULL);
          return fc_json_reader_read_null (r, error);
        }
      if ((text = fc_json_reader_read_string (r, error)) == NULL)
        return FALSE;
      g_ptr_array_add (cols->texts[c], text);
      if (!fc_uuid_is_valid (text))
        {
          fc_json_reader_set_error (r, error, "An id must be null or a UUID in lower-case text form");
          return FALSE;
        }
      return TRUE;
    case K_INTS:
      if (!fc_json_reader_read_int64 (r, &v, error))
        return FALSE;
      if (v < column_specs[c].min || v > column_specs[c].max)
        {
          r->p = start;
          fc_json_reader_set_error (r, error, "%" G_GINT64_FORMAT " is not within %" G_GINT64_FORMAT
                                    " … %" G_GINT64_FORMAT, v, column_specs[c].min, column_specs[c].max);
          return FALSE;
        }
      g_array_append_val (cols->ints[c], v);
      return TRUE;
    default:
      {
        JsonObject *payload;
        Span span;
        const char *at;

        if (fc_json_reader_peek (r) != '{')
          {
            fc_json_reader_set_error (r, error, "A payload must be a JSON object");
            return FALSE;
          }
        if ((payload = fc_json_reader_read_object (r, &at, &span.length, error)) == NULL)
          return FALSE;
        span.offset = (gsize) (at - r->start);
        cols->n_payloads++;
        if (cols->builder != NULL)
          return builder_add (cols->builder, payload, &span, error);
        g_ptr_array_add (cols->payloads, payload);
        g_array_append_val (cols->spans, span);
        return TRUE;
      }
    }
}

/* Room for a per-event column at once when "counts" came before it (as HQ
 * sends them): growing 100,000-entry arrays by doubling costs copies and,
 * in glibc, a consolidation of the freed small blocks at each step. */
static void
reserve_column (Columns *cols,
                Column   c)
{
  gint64 n = 0;

  if (c < C_TYPE || !cols->seen[C_COUNTS])
    return;
  for (guint i = 0; i < cols->ints[C_COUNTS]->len && n <= SNAPSHOT_MAX_EVENTS; i++)
    n += g_array_index (cols->ints[C_COUNTS], gint64, i);
  n = MIN (n, SNAPSHOT_MAX_EVENTS);
  switch (column_specs[c].kind)
    {
    case K_IDS:
      g_ptr_array_unref (cols->texts[c]);
      cols->texts[c] = g_ptr_array_new_full ((guint) n, g_free);
      break;
    case K_INTS:
      g_array_unref (cols->ints[c]);
      cols->ints[c] = g_array_sized_new (FALSE, FALSE, sizeof (gint64), (guint) n);
      break;
    case K_PAYLOADS:
      if (cols->builder != NULL)
        break;   /* each payload goes to its event */
      g_ptr_array_unref (cols->payloads);
      g_array_unref (cols->spans);
      cols->payloads = g_ptr_array_new_full ((guint) n, (GDestroyNotify) json_object_unref);
      cols->spans = g_array_sized_new (FALSE, FALSE, sizeof (Span), (guint) n);
      break;
    default:
      break;
    }
}

static gboolean
read_column (FcJsonReader *r,
             Columns      *cols,
             Column        c,
             GError      **error)
{
  gboolean more;

  if (cols->seen[c])
    {
      fc_json_reader_set_error (r, error, "The column comes twice");
      return FALSE;
    }
  cols->seen[c] = TRUE;
  if (fc_json_reader_peek (r) != '[')
    {
      fc_json_reader_set_error (r, error, "A column must be an array");
      return FALSE;
    }
  reserve_column (cols, c);
  if (!fc_json_reader_expect (r, '[', error))
    return FALSE;
  while (fc_json_reader_next_element (r, &more, error))
    {
      if (!more)
        return TRUE;
      /* Every column has at most one entry per event. */
      if (column_length (cols, c) >= SNAPSHOT_MAX_EVENTS)
        {
          fc_json_reader_set_error (r, error, "More than %d entries", SNAPSHOT_MAX_EVENTS);
          return FALSE;
        }
      if (!read_cell (r, cols, c, error))
        return FALSE;
    }
  return FALSE;
}

static gboolean check_columns (const Columns *cols, gboolean with_payload, guint *out_n,
                               GError **error);

/* As HQ sends them, the payloads come last: once every other column is in
 * and checked, each payload becomes its event as it is read — validated
 * while still in the cache, not 20,000 objects later. */
static gboolean
start_building (Columns      *cols,
                Builder      *b,
                FcJsonReader *r,
                FcSyncPage   *page,
                GError      **error)
{
  guint n = 0;

  for (int c = 0; c < C_PAYLOAD; c++)
    if (!cols->seen[c])
      return TRUE;   /* then after the last column */
  if (!check_columns (cols, FALSE, &n, error))
    return FALSE;
  builder_init (b, cols, n, r->start, page);
  cols->builder = b;
  return TRUE;
}

static gboolean
read_columns (FcJsonReader *r,
              Columns      *cols,
              Builder      *b,
              FcSyncPage   *page,
              GError      **error)
{
  if (fc_json_reader_peek (r) != '{')
    {
      fc_json_reader_set_error (r, error, "“snapshot” must be an object");
      return FALSE;
    }
  if (!fc_json_reader_expect (r, '{', error))
    return FALSE;
  for (;;)
    {
      g_autofree char *key = NULL;
      int c;

      if (!fc_json_reader_next_member (r, &key, error))
        return FALSE;
      if (key == NULL)
        return TRUE;
      for (c = 0; c < N_COLUMNS && strcmp (key, column_specs[c].name) != 0; c++)
        ;
      if (c == N_COLUMNS)
        {
          /* A later version's extra column: this one does without it. */
          if (!fc_json_reader_skip_value (r, NULL, NULL, error))
            return FALSE;
          continue;
        }
      if (c == C_PAYLOAD && !cols->seen[c] && !start_building (cols, b, r, page, error))
        return FALSE;
      if (!read_column (r, cols, c, error))
        {
          g_prefix_error (error, "Column “%s”: ", key);
          return FALSE;
        }
    }
}

/* The checks that need every column: lengths, sums, indexes, HLC ranges;
 * all but the payloads' count unless @with_payload (they are still to come). */
static gboolean
check_columns (const Columns *cols,
               gboolean       with_payload,
               guint         *out_n,
               GError       **error)
{
  int last = with_payload ? C_PAYLOAD : C_ID;
  static const Column indexed[][2] = {
    { C_TYPE, C_TYPES }, { C_DEVICE, C_DEVICES }, { C_AUTHOR, C_AUTHORS },
  };
  GArray *counts = cols->ints[C_COUNTS], *ms = cols->ints[C_MS];
  gint64 n = 0;
  guint e = 0;

  for (int c = 0; c <= last; c++)
    if (!cols->seen[c])
      return shape_error (error, "The snapshot has no “%s” column", column_specs[c].name);
  if (counts->len != cols->texts[C_CASES]->len)
    return shape_error (error, "“cases” has %u entries and “counts” %u",
                        cols->texts[C_CASES]->len, counts->len);
  for (guint i = 0; i < counts->len; i++)
    n += g_array_index (counts, gint64, i);
  if (n > SNAPSHOT_MAX_EVENTS)
    return shape_error (error, "The snapshot has more than %d events", SNAPSHOT_MAX_EVENTS);
  for (int c = C_TYPE; c <= last; c++)
    if (column_length (cols, c) != n)
      return shape_error (error, "“counts” add up to %" G_GINT64_FORMAT " events but “%s” has %u",
                          n, column_specs[c].name, column_length (cols, c));
  for (guint k = 0; k < G_N_ELEMENTS (indexed); k++)
    for (guint i = 0; i < n; i++)
      if (g_array_index (cols->ints[indexed[k][0]], gint64, i) >= cols->texts[indexed[k][1]]->len)
        return shape_error (error, "“%s” of event %u is not an index into “%s”",
                            column_specs[indexed[k][0]].name, i, column_specs[indexed[k][1]].name);
  for (guint c = 0; c < counts->len; c++)
    {
      gint64 sum = 0;

      for (gint64 j = 0; j < g_array_index (counts, gint64, c); j++, e++)
        {
          gint64 v = g_array_index (ms, gint64, e);

          /* sum is within 0 … HLC_MS_MAX here, so this cannot overflow. */
          if (v < -HLC_MS_MAX || v > HLC_MS_MAX ||
              (sum += v) < 0 || sum > HLC_MS_MAX)
            return shape_error (error, "“ms” of event %u is outside 0 … 2⁴⁸ − 1", e);
        }
    }
  *out_n = (guint) n;
  return TRUE;
}

static gboolean
read_snapshot (FcJsonReader *r,
               FcSyncPage   *page,
               GError      **error)
{
  Columns cols;
  Builder b = { NULL };
  guint n = 0;
  gboolean ok;

  columns_init (&cols);
  ok = read_columns (r, &cols, &b, page, error);
  if (ok && cols.builder != NULL && b.e != b.n)
    ok = shape_error (error, "“counts” add up to %u events but “payload” has %u", b.n, b.e);
  else if (ok && cols.builder == NULL && (ok = check_columns (&cols, TRUE, &n, error)))
    {
      /* The payloads came before some other column: events from them now. */
      builder_init (&b, &cols, n, r->start, page);
      for (guint e = 0; e < n && ok; e++)
        ok = builder_add (&b, json_object_ref (cols.payloads->pdata[e]),
                          &g_array_index (cols.spans, Span, e), error);
    }
  if (!ok)
    g_prefix_error (error, "A snapshot page of the wrong shape: ");
  builder_clear (&b);
  columns_clear (&cols);
  page->snapshot = TRUE;
  return ok;
}

/* ---- the page ---- */

/* The cursor is opaque text; a server writing it as a number is forgiven. */
static char *
read_cursor (JsonNode *node)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  return NULL;
}

/* Neither a JSON object nor malformed: the old parser's message for it. */
static void
not_an_object (FcJsonReader *r,
               GError      **error)
{
  if (fc_json_reader_skip_value (r, NULL, NULL, error) && fc_json_reader_end (r, error))
    g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "The sync response is not a JSON object");
}

enum {
  SEEN_RECEIPTS = 1 << 0,
  SEEN_EVENTS   = 1 << 1,
  SEEN_SNAPSHOT = 1 << 2,
};

static gboolean
read_member (FcJsonReader *r,
             const char   *key,
             FcSyncPage   *page,
             guint        *seen,
             GError      **error)
{
  g_autoptr(JsonNode) node = NULL;
  guint bit = strcmp (key, "receipts") == 0 ? SEEN_RECEIPTS
            : strcmp (key, "events") == 0 ? SEEN_EVENTS
            : strcmp (key, "snapshot") == 0 ? SEEN_SNAPSHOT : 0;

  /* Each would add to the page twice; a columns page has no "events". */
  if (*seen & bit)
    {
      fc_json_reader_set_error (r, error, "“%s” comes twice", key);
      return FALSE;
    }
  if ((bit & (SEEN_EVENTS | SEEN_SNAPSHOT)) && (*seen & (SEEN_EVENTS | SEEN_SNAPSHOT)))
    {
      fc_json_reader_set_error (r, error, "A page has “events” or “snapshot”, not both");
      return FALSE;
    }
  *seen |= bit;
  if (strcmp (key, "receipts") == 0)
    return read_receipts (r, page, error);
  if (strcmp (key, "events") == 0)
    return read_events (r, page, error);
  if (strcmp (key, "snapshot") == 0)
    return read_snapshot (r, page, error);
  if (strcmp (key, "cursor") != 0 && strcmp (key, "more") != 0)
    return fc_json_reader_skip_value (r, NULL, NULL, error);
  if ((node = fc_json_reader_read_value (r, NULL, NULL, error)) == NULL)
    return FALSE;
  if (strcmp (key, "more") == 0)
    page->more = node_boolean (node);
  else
    {
      g_free (page->cursor);
      page->cursor = read_cursor (node);
    }
  return TRUE;
}

/* One pass over the body with the strict reader: no tree of the whole page
 * is ever built, only each event's (and each payload's, kept as received). */
FcSyncPage *
fc_sync_wire_parse_page (GBytes  *body,
                         GError **error)
{
  g_autoptr(FcSyncPage) page = g_new0 (FcSyncPage, 1);
  FcJsonReader r;
  gconstpointer data;
  gsize size;
  guint seen = 0;

  data = g_bytes_get_data (body, &size);
  fc_json_reader_init (&r, data, size);
  if (fc_json_reader_peek (&r) != '{')
    {
      not_an_object (&r, error);
      return NULL;
    }
  page->receipts = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_sync_receipt_free);
  page->events = g_ptr_array_new_with_free_func ((GDestroyNotify) fc_event_unref);
  if (!fc_json_reader_expect (&r, '{', error))
    return NULL;
  for (;;)
    {
      g_autofree char *key = NULL;

      if (!fc_json_reader_next_member (&r, &key, error))
        return NULL;
      if (key == NULL)
        break;
      if (!read_member (&r, key, page, &seen, error))
        return NULL;
    }
  if (!fc_json_reader_end (&r, error))
    return NULL;
  page->n_events = page->events->len;
  if (page->more && page->cursor == NULL)
    {
      /* Asking again with the same cursor would loop for ever. */
      g_set_error (error, FC_ERROR, FC_ERROR_INVALID, "“more” without a cursor");
      return NULL;
    }
  return g_steal_pointer (&page);
}

static gboolean
is_sha256 (const char *s)
{
  guint n = 0;

  for (; s[n] != '\0'; n++)
    if (!g_ascii_isxdigit (s[n]) || g_ascii_isupper (s[n]))
      return FALSE;
  return n == 64;
}

GPtrArray *
fc_sync_wire_event_blobs (const FcEvent *event)
{
  static const char *const members[] = { "signature_sha256", "signature_svg_sha256", "photo", "sha256" };
  GPtrArray *shas = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      const char *v = json_object_get_string_member_with_default (event->payload, members[i], NULL);
      if (v != NULL && is_sha256 (v))
        g_ptr_array_add (shas, g_strdup (v));
    }
  return shas;
}
