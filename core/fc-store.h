/* fc-store.h: the local case store, one SQLite file.
 *
 * Events are the truth; the cases table is their fold. Every write is one
 * transaction: appending an event and updating its case's projection commit
 * together or not at all. Not thread-safe: use a store from one thread (the
 * main thread in the app); a process may open several FcStores on one file.
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fc-case.h"
#include "fc-clock.h"
#include "fc-event.h"
#include "fc-sla-policy.h"

G_BEGIN_DECLS

#define FC_STORE_SCHEMA_VERSION 2

#define FC_TYPE_STORE (fc_store_get_type ())
G_DECLARE_FINAL_TYPE (FcStore, fc_store, FC, STORE, GObject)

/* $FIELDCASE_STORE, else $XDG_DATA_HOME/fieldcase/fieldcase.db */
char        *fc_store_default_path   (void);

/* Opens (creating and migrating as needed). @path NULL = default path. */
FcStore     *fc_store_new            (const char *path,
                                      GError    **error);
/* Same, with a clock (tests; sync's corrected clock). */
FcStore     *fc_store_new_with_clock (const char *path,
                                      FcClock    *clock,
                                      GError    **error);

const char  *fc_store_get_path       (FcStore *self);
const char  *fc_store_get_device_id  (FcStore *self);
FcClock     *fc_store_get_clock      (FcStore *self);
FcSlaPolicy *fc_store_get_sla_policy (FcStore *self);
/* Replace the policy (HQ's); refreshes every open case's next due time. */
gboolean     fc_store_set_sla_policy_json (FcStore    *self,
                                           const char *json,
                                           GError    **error);

/* Small persistent key/value settings (cursor, tokens, engineer name …). */
char        *fc_store_get_meta       (FcStore    *self,
                                      const char *key);
gboolean     fc_store_set_meta       (FcStore    *self,
                                      const char *key,
                                      const char *value,
                                      GError    **error);

/* ---- Recording (local, strict: a step not allowed now is refused) ---- */

/* Opens a new case from a case.opened payload; a "customer" object in it
 * ({name, phone, address}) goes to the customers table, and the event keeps
 * only its id. Returns the new case id. */
char        *fc_store_open_case      (FcStore    *self,
                                      JsonObject *payload,
                                      const char *author,
                                      GError    **error);
FcEvent     *fc_store_record         (FcStore    *self,
                                      const char *case_id,
                                      const char *type,
                                      JsonObject *payload,
                                      const char *author,
                                      GError    **error);

/* Several writes that stand or fall together (a case opened with its first
 * steps, say): @func runs inside one transaction; the recording calls in it
 * join that transaction. If @func returns FALSE (setting @error) or the
 * commit fails, nothing of it is kept, and "changed" tells listeners that
 * what they were told meanwhile did not happen. */
typedef gboolean (*FcStoreTxFunc) (FcStore  *store,
                                   gpointer  user_data,
                                   GError  **error);
gboolean     fc_store_atomically     (FcStore      *self,
                                      FcStoreTxFunc func,
                                      gpointer      user_data,
                                      GError      **error);

/* ---- Blobs (signatures, photos), content-addressed by SHA-256 ---- */
#define FC_BLOB_MAX_BYTES (16 * 1024 * 1024)
char        *fc_store_put_blob       (FcStore    *self,
                                      GBytes     *data,
                                      const char *mime,
                                      GError    **error);   /* returns sha256 hex */
GBytes      *fc_store_get_blob       (FcStore    *self,
                                      const char *sha256,
                                      char      **out_mime,
                                      GError    **error);
gboolean     fc_store_has_blob       (FcStore    *self,
                                      const char *sha256);

/* ---- Reading ---- */

/* By id or by case number. */
FcCase      *fc_store_get_case       (FcStore    *self,
                                      const char *case_id_or_number,
                                      GError    **error);
/* The timeline: events in fold order with conflict marks and sync state. */
GPtrArray   *fc_store_list_events    (FcStore    *self,
                                      const char *case_id,
                                      GError    **error);
/* The case's deadlines (FcDeadline*) at the clock's now. */
GPtrArray   *fc_store_list_deadlines (FcStore    *self,
                                      const char *case_id,
                                      GError    **error);

typedef enum {
  FC_CASE_FILTER_ALL = 0,
  FC_CASE_FILTER_OPEN,
  FC_CASE_FILTER_AT_RISK,     /* open with a deadline in warning or overdue */
  FC_CASE_FILTER_OVERDUE,
  FC_CASE_FILTER_RETURNS,     /* kind = return */
  FC_CASE_FILTER_TODAY,       /* open, assigned to @assignee, opened or revisit due today */
} FcCaseFilter;

typedef struct {
  FcCaseFilter filter;
  const char  *state;      /* NULL = any */
  const char  *assignee;   /* NULL = anyone */
  const char  *text;       /* NULL = no full-text condition */
  guint        offset;
  guint        limit;      /* 0 = no limit */
} FcCaseQuery;

/* Ordered most urgent first: severity, then next due time, then newest. */
GPtrArray   *fc_store_query_cases    (FcStore           *self,
                                      const FcCaseQuery *query,
                                      GError           **error);
gint64       fc_store_count_cases    (FcStore           *self,
                                      const FcCaseQuery *query,
                                      GError           **error);
/* Case ids only, in the same order: the list model loads rows lazily. */
GPtrArray   *fc_store_query_case_ids (FcStore           *self,
                                      const FcCaseQuery *query,
                                      GError           **error);
GPtrArray   *fc_store_most_urgent    (FcStore    *self,
                                      guint       limit,
                                      GError    **error);

/* ---- Search ---- */
typedef struct {
  char   *kind;      /* "case" or "kb" */
  char   *id;        /* case id or article id */
  char   *title;
  char   *snippet;
  double  rank;      /* lower is better (bm25) */
} FcSearchHit;
void         fc_search_hit_free      (FcSearchHit *hit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcSearchHit, fc_search_hit_free)

/* Full text over cases and the knowledge base, Chinese and English. */
GPtrArray   *fc_store_search         (FcStore    *self,
                                      const char *text,
                                      guint       limit,
                                      GError    **error);
/* Past cases (closed or resolved) and KB articles for a model + symptom. */
GPtrArray   *fc_store_similar_cases  (FcStore    *self,
                                      const char *model,
                                      const char *symptom,
                                      guint       limit,
                                      GError    **error);

/* ---- Reference data ---- */
typedef enum {
  FC_REF_MODELS,        /* model, name, category, warranty_months */
  FC_REF_INSTALLED,     /* serial, gtin, model, customer_id, sale_date, warranty_end */
  FC_REF_CUSTOMERS,     /* id, name, phone, address */
  FC_REF_PARTS,         /* part_number, gtin, name, models */
  FC_REF_VAN_STOCK,     /* part_number, quantity */
  FC_REF_KB,            /* id, model, symptom, cause, fix */
} FcRefKind;

const char  *fc_ref_kind_to_string   (FcRefKind kind);
gboolean     fc_ref_kind_from_string (const char *text,
                                      FcRefKind  *out_kind);

/* All or nothing; the error names the line (CSV) or element (JSON). */
gboolean     fc_store_import_csv     (FcStore    *self,
                                      FcRefKind   kind,
                                      const char *contents,
                                      gsize       length,
                                      GError    **error);
gboolean     fc_store_import_json    (FcStore    *self,
                                      FcRefKind   kind,
                                      const char *contents,
                                      gsize       length,
                                      GError    **error);

/* Serial → {serial, gtin, model, model_name, customer_id, customer_name,
 * sale_date, warranty_end, in_warranty}, or NULL + FC_ERROR_NOT_FOUND. */
JsonObject  *fc_store_lookup_serial  (FcStore    *self,
                                      const char *serial,
                                      GError    **error);
/* By GTIN too: a scanned label carries one. */
JsonObject  *fc_store_lookup_gtin    (FcStore    *self,
                                      const char *gtin,
                                      GError    **error);
/* Part number or GTIN → {part_number, gtin, name, van_quantity}. */
JsonObject  *fc_store_lookup_part    (FcStore    *self,
                                      const char *code,
                                      GError    **error);
/* {id, name, phone, address}: personal data, read only where shown. */
JsonObject  *fc_store_lookup_customer (FcStore    *self,
                                       const char *customer_id,
                                       GError    **error);
/* Open cases for a serial, newest first (FcCase*). */
GPtrArray   *fc_store_cases_for_serial (FcStore    *self,
                                        const char *serial,
                                        GError    **error);

/* ---- Sync ---- */

/* Events recorded here and not yet acknowledged nor rejected, oldest first. */
GPtrArray   *fc_store_list_pending   (FcStore  *self,
                                      guint     limit,
                                      GError  **error);
gint64       fc_store_count_pending  (FcStore  *self);
GPtrArray   *fc_store_list_rejected  (FcStore  *self,
                                      GError  **error);

typedef struct {
  char  *event_id;
  gint64 server_seq;     /* > 0: acknowledged */
  char  *reject_reason;  /* non-NULL: rejected */
} FcSyncReceipt;
void         fc_sync_receipt_free    (FcSyncReceipt *receipt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FcSyncReceipt, fc_sync_receipt_free)

/* One transaction: receipts for sent events, events from HQ (deduplicated by
 * id, affected cases refolded), and the new @cursor under meta "sync.cursor".
 * Either all of it lands or none. */
gboolean     fc_store_apply_sync     (FcStore    *self,
                                      GPtrArray  *receipts,
                                      GPtrArray  *incoming,
                                      const char *cursor,
                                      GError    **error);
/* Ingest foreign events (no receipts): tests, import of a feed. */
gboolean     fc_store_ingest         (FcStore    *self,
                                      GPtrArray  *events,
                                      FcSyncState state,
                                      GError    **error);

/* ---- Export ---- */
/* A case with its events (and deadlines) as JSON; @case_id NULL = all. */
JsonNode    *fc_store_export         (FcStore    *self,
                                      const char *case_id,
                                      GError    **error);

G_END_DECLS
