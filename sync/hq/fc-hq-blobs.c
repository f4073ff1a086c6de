/* fc-hq-blobs.c: resumable blob uploads (PUT with Content-Range).
 *
 * A partial upload lives in hq_blob_parts by its announced SHA-256 until
 * its last byte arrives; then the whole is hashed, and only bytes that hash
 * to their address become a blob. Chunks must come in order: a device
 * resumes from what HEAD reports (X-Fieldcase-Received).
 */
#include "fc-hq-store-private.h"

gint64
fc_hq_store_blob_part_received (FcHqStore  *self,
                                const char *sha256)
{
  g_autoptr(FcStmt) stmt = fc_stmt_prepare (self->db, "SELECT length (data) FROM hq_blob_parts "
                                                      "WHERE sha256 = ?", NULL);

  if (stmt == NULL)
    return -1;
  fc_stmt_bind_text (stmt, 1, sha256);
  return fc_stmt_step (stmt, NULL) ? fc_stmt_int64 (stmt, 0) : -1;
}

static gboolean
read_part (FcHqStore   *self,
           const char  *sha256,
           gint64      *out_total,
           GByteArray **out_data,
           GError     **error)
{
  g_autoptr(FcStmt) stmt = NULL;
  g_autoptr(GError) local = NULL;

  stmt = fc_stmt_prepare (self->db, "SELECT total, data FROM hq_blob_parts WHERE sha256 = ?", error);
  if (stmt == NULL)
    return FALSE;
  fc_stmt_bind_text (stmt, 1, sha256);
  *out_data = g_byte_array_new ();
  *out_total = -1;
  if (fc_stmt_step (stmt, &local))
    {
      *out_total = fc_stmt_int64 (stmt, 0);
      g_byte_array_append (*out_data, sqlite3_column_blob (stmt->stmt, 1),
                           (guint) sqlite3_column_bytes (stmt->stmt, 1));
    }
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      g_clear_pointer (out_data, g_byte_array_unref);
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_part (FcHqStore  *self,
            const char *sha256,
            const char *mime,
            gint64      total,
            GByteArray *data,
            GError    **error)
{
  g_autoptr(FcStmt) stmt = NULL;

  stmt = fc_stmt_prepare (self->db, "INSERT OR REPLACE INTO hq_blob_parts (sha256, mime, total, "
                                    "data, updated) VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  fc_stmt_bind_text (stmt, 1, sha256);
  fc_stmt_bind_text (stmt, 2, mime != NULL ? mime : "application/octet-stream");
  fc_stmt_bind_int64 (stmt, 3, total);
  sqlite3_bind_blob (stmt->stmt, 4, data->len > 0 ? (const void *) data->data : "", (int) data->len,
                     SQLITE_STATIC);
  fc_stmt_bind_int64 (stmt, 5, fc_hq_store_now_ms (self));
  return fc_stmt_run (stmt, error);
}

static gboolean
delete_part (FcHqStore  *self,
             const char *sha256,
             GError    **error)
{
  g_autoptr(FcStmt) stmt = fc_stmt_prepare (self->db, "DELETE FROM hq_blob_parts WHERE sha256 = ?",
                                            error);

  if (stmt == NULL)
    return FALSE;
  fc_stmt_bind_text (stmt, 1, sha256);
  return fc_stmt_run (stmt, error);
}

/* Stores the complete upload as a blob if it hashes right. */
static FcHqBlobPart
finish (FcHqStore  *self,
        const char *sha256,
        const char *mime,
        GByteArray *data,
        GError    **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data->data, data->len);
  g_autofree char *actual = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  g_autofree char *stored = NULL;

  if (!delete_part (self, sha256, error))
    return FC_HQ_BLOB_PART_FAILED;
  if (g_strcmp0 (actual, sha256) != 0)
    return FC_HQ_BLOB_PART_BAD_HASH;
  stored = fc_store_put_blob (self->core, bytes, mime, error);
  return stored != NULL ? FC_HQ_BLOB_PART_COMPLETE : FC_HQ_BLOB_PART_FAILED;
}

FcHqBlobPart
fc_hq_store_put_blob_part (FcHqStore  *self,
                           const char *sha256,
                           const char *mime,
                           gint64      from,
                           gint64      total,
                           GBytes     *chunk,
                           gint64     *out_received,
                           GError    **error)
{
  g_autoptr(GByteArray) data = NULL;
  gint64 have_total;
  gsize len;
  gconstpointer bytes = g_bytes_get_data (chunk, &len);
  FcHqBlobPart result = FC_HQ_BLOB_PART_FAILED;

  g_return_val_if_fail (FC_HQ_IS_STORE (self), FC_HQ_BLOB_PART_FAILED);
  if (!fc_store_tx_begin (self->core, error))
    return FC_HQ_BLOB_PART_FAILED;
  if (!read_part (self, sha256, &have_total, &data, error))
    goto out;
  *out_received = data->len;
  if ((have_total >= 0 && have_total != total) || from != (gint64) data->len)
    {
      /* Out of order, or another total: the device asks HEAD and resumes. */
      result = from + (gint64) len <= (gint64) data->len && have_total == total
               ? FC_HQ_BLOB_PART_STORED : FC_HQ_BLOB_PART_OUT_OF_ORDER;
      fc_store_tx_commit (self->core, NULL);
      return result;
    }
  g_byte_array_append (data, bytes, (guint) len);
  *out_received = data->len;
  if ((gint64) data->len == total)
    result = finish (self, sha256, mime, data, error);
  else if (write_part (self, sha256, mime, total, data, error))
    result = FC_HQ_BLOB_PART_STORED;

out:
  if (result == FC_HQ_BLOB_PART_FAILED || !fc_store_tx_commit (self->core, error))
    {
      fc_hq_store_abort_tx (self);
      return FC_HQ_BLOB_PART_FAILED;
    }
  return result;
}
