/* fc-store-ref.c: looking up reference data (installed base, parts,
 * customers) as the scanner and the case form need it.
 *
 * Results are JsonObjects so the UI, the CLI and HQ share one shape; every
 * documented member is always there, null when unknown.
 */
#include "fc-store-private.h"

#include <string.h>

#define CODE_MAX_BYTES 200

static const char *installed_sql =
  "SELECT i.serial, i.gtin, i.model, m.name, i.customer_id, cu.name, i.sale_date, "
  "i.warranty_end, m.warranty_months "
  "FROM installed i LEFT JOIN models m ON m.model = i.model "
  "LEFT JOIN customers cu ON cu.id = i.customer_id ";

static gboolean
check_code (const char *what,
            const char *code,
            GError    **error)
{
  if (code != NULL && *code != '\0' && strlen (code) <= CODE_MAX_BYTES &&
      g_utf8_validate (code, -1, NULL))
    return TRUE;
  g_set_error (error, FC_ERROR, FC_ERROR_INVALID,
               "A %s must be a non-empty text of at most %d bytes", what, CODE_MAX_BYTES);
  return FALSE;
}

static void
set_text_or_null (JsonObject *obj,
                  const char *member,
                  const char *value)
{
  if (value != NULL)
    json_object_set_string_member (obj, member, value);
  else
    json_object_set_null_member (obj, member);
}

/* The end of warranty: the stored date, else the sale date plus the
 * model's warranty months. NULL when neither is known. */
static char *
warranty_end_of (const char *stored,
                 const char *sale_date,
                 gint64      months,
                 gboolean    has_months)
{
  g_autoptr(GDate) date = NULL;
  guint64 y, m, d;
  char text[16];

  if (stored != NULL)
    return g_strdup (stored);
  if (sale_date == NULL || !has_months)
    return NULL;
  if (strlen (sale_date) != 10)
    return NULL;
  y = g_ascii_strtoull (sale_date, NULL, 10);
  m = g_ascii_strtoull (sale_date + 5, NULL, 10);
  d = g_ascii_strtoull (sale_date + 8, NULL, 10);
  if (!g_date_valid_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y))
    return NULL;
  date = g_date_new_dmy ((GDateDay) d, (GDateMonth) m, (GDateYear) y);
  g_date_add_months (date, (guint) CLAMP (months, 0, 1200));
  g_date_strftime (text, sizeof text, "%Y-%m-%d", date);
  return g_strdup (text);
}

/* Today in the device's local time zone, by the store's clock: warranty
 * ends at the end of the day printed on the card. */
static char *
today_text (FcStore *self)
{
  gint64 now_ms = fc_clock_now_ms (fc_store_get_clock (self));
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (now_ms / 1000);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%d") : g_strdup ("");
}

static JsonObject *
installed_from_row (FcStore *self,
                    FcStmt  *stmt)
{
  JsonObject *obj = json_object_new ();
  gboolean has_months = sqlite3_column_type (stmt->stmt, 8) != SQLITE_NULL;
  g_autofree char *end = warranty_end_of (fc_stmt_text (stmt, 7), fc_stmt_text (stmt, 6),
                                          fc_stmt_int64 (stmt, 8), has_months);
  g_autofree char *today = today_text (self);

  set_text_or_null (obj, "serial", fc_stmt_text (stmt, 0));
  set_text_or_null (obj, "gtin", fc_stmt_text (stmt, 1));
  set_text_or_null (obj, "model", fc_stmt_text (stmt, 2));
  set_text_or_null (obj, "model_name", fc_stmt_text (stmt, 3));
  set_text_or_null (obj, "customer_id", fc_stmt_text (stmt, 4));
  set_text_or_null (obj, "customer_name", fc_stmt_text (stmt, 5));
  set_text_or_null (obj, "sale_date", fc_stmt_text (stmt, 6));
  set_text_or_null (obj, "warranty_end", end);
  /* ISO dates compare as text. */
  json_object_set_boolean_member (obj, "in_warranty", end != NULL && strcmp (today, end) <= 0);
  return obj;
}

JsonObject *
fc_store_lookup_serial (FcStore    *self,
                        const char *serial,
                        GError    **error)
{
  g_autoptr(FcStmt) stmt = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (FC_IS_STORE (self), NULL);
  if (!check_code ("serial number", serial, error))
    return NULL;
  sql = g_strconcat (installed_sql, "WHERE i.serial = ?", NULL);
  stmt = fc_store_prepare_cached (self, sql, error);
  if (stmt == NULL)
    return NULL;
  fc_stmt_bind_text (stmt, 1, serial);
  if (fc_stmt_step (stmt, &local))
    return installed_from_row (self, stmt);
  if (local != NULL)
    g_propagate_error (error, g_steal_pointer (&local));
  else
    g_set_error (error, FC_ERROR, FC_ERROR_NOT_FOUND,
                 "No installed product with serial number “%s”", serial);
  return NULL;
}

/* A GTIN names a product, not one unit: it identifies an installed unit
 * only when exactly one unit carries it. */
JsonObject *
fc_store_lookup_gtin (FcStore    *self,
                      const char *gtin,
                      GError    **error)
{
  g_autoptr(FcStmt) stmt = NULL;
  g_autofree char *sql = NULL;
  g_autoptr(JsonObject) found = NULL;
  g_autoptr(GError) local = NULL;

  g_return_val_if_fail (FC_IS_STORE (self), NULL);
  if (!check_code ("GTIN", gtin, error))
    return NULL;
  sql = g_strconcat (installed_sql, "WHERE i.gtin = ? LIMIT 2", NULL);
  stmt = fc_store_prepare_cached (self, sql, error);
  if (stmt == NULL)
    return NULL;
  fc_stmt_bind_text (stmt, 1, gtin);
  if (fc_stmt_step (stmt, &local))
    found = installed_from_row (self, stmt);
  if (found != NULL && fc_stmt_step (stmt, &local))
    {
      g_set_error (error, FC_ERROR, FC_ERROR_NOT_FOUND,
                   "GTIN %s is on more than one installed product; scan or type the serial number",
                   gtin);
      return NULL;
    }
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }
  if (found == NULL)
    g_set_error (error, FC_ERROR, FC_ERROR_NOT_FOUND, "No installed product with GTIN %s", gtin);
  return g_steal_pointer (&found);
}

JsonObject *
fc_store_lookup_part (FcStore    *self,
                      const char *code,
                      GError    **error)
{
  g_autoptr(FcStmt) stmt = NULL;
  g_autoptr(GError) local = NULL;
  JsonObject *obj;

  g_return_val_if_fail (FC_IS_STORE (self), NULL);
  if (!check_code ("part number", code, error))
    return NULL;
  /* A part number wins over a GTIN that happens to be spelled the same. */
  stmt = fc_store_prepare_cached (self,
                                  "SELECT p.part_number, p.gtin, p.name, coalesce(v.quantity, 0) "
                                  "FROM parts p LEFT JOIN van_stock v ON v.part_number = p.part_number "
                                  "WHERE p.part_number = ?1 OR p.gtin = ?1 "
                                  "ORDER BY p.part_number = ?1 DESC LIMIT 1", error);
  if (stmt == NULL)
    return NULL;
  fc_stmt_bind_text (stmt, 1, code);
  if (!fc_stmt_step (stmt, &local))
    {
      if (local != NULL)
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, FC_ERROR, FC_ERROR_NOT_FOUND, "No part with number or GTIN “%s”", code);
      return NULL;
    }
  obj = json_object_new ();
  set_text_or_null (obj, "part_number", fc_stmt_text (stmt, 0));
  set_text_or_null (obj, "gtin", fc_stmt_text (stmt, 1));
  set_text_or_null (obj, "name", fc_stmt_text (stmt, 2));
  json_object_set_int_member (obj, "van_quantity", fc_stmt_int64 (stmt, 3));
  return obj;
}

JsonObject *
fc_store_lookup_customer (FcStore    *self,
                          const char *customer_id,
                          GError    **error)
{
  g_autoptr(FcStmt) stmt = NULL;
  g_autoptr(GError) local = NULL;
  JsonObject *obj;

  g_return_val_if_fail (FC_IS_STORE (self), NULL);
  if (!check_code ("customer id", customer_id, error))
    return NULL;
  stmt = fc_stmt_prepare (fc_store_get_db (self),
                          "SELECT id, name, phone, address FROM customers WHERE id = ?", error);
  if (stmt == NULL)
    return NULL;
  fc_stmt_bind_text (stmt, 1, customer_id);
  if (!fc_stmt_step (stmt, &local))
    {
      if (local != NULL)
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, FC_ERROR, FC_ERROR_NOT_FOUND, "No customer with id “%s”", customer_id);
      return NULL;
    }
  obj = json_object_new ();
  set_text_or_null (obj, "id", fc_stmt_text (stmt, 0));
  set_text_or_null (obj, "name", fc_stmt_text (stmt, 1));
  set_text_or_null (obj, "phone", fc_stmt_text (stmt, 2));
  set_text_or_null (obj, "address", fc_stmt_text (stmt, 3));
  return obj;
}
