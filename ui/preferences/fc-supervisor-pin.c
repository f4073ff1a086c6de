/* fc-supervisor-pin.c: hashing and checking the supervisor's PIN. */
#include "fc-supervisor-pin.h"

#include <glib/gi18n.h>
#include <string.h>

#include "fc-error.h"

/* A PIN has few possibilities: stretching makes each guess cost
 * milliseconds instead of nanoseconds for whoever copies the store. */
#define STRETCH_ROUNDS 20000

gboolean
fc_supervisor_pin_is_valid (const char *pin)
{
  gsize len = pin != NULL ? strlen (pin) : 0;

  if (len < 4 || len > 8)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (pin[i]))
      return FALSE;
  return TRUE;
}

static char *
random_salt (void)
{
  GString *salt = g_string_new (NULL);

  for (int i = 0; i < 4; i++)
    g_string_append_printf (salt, "%08x", g_random_int ());
  return g_string_free (salt, FALSE);
}

static char *
stretch (const char *salt,
         const char *pin)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;

  g_checksum_update (sum, (const guchar *) salt, -1);
  g_checksum_update (sum, (const guchar *) pin, -1);
  g_checksum_get_digest (sum, digest, &len);
  for (int i = 1; i < STRETCH_ROUNDS; i++)
    {
      g_checksum_reset (sum);
      g_checksum_update (sum, digest, len);
      g_checksum_update (sum, (const guchar *) salt, -1);
      g_checksum_get_digest (sum, digest, &len);
    }
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, digest, len);
}

char *
fc_supervisor_pin_hash (const char *pin,
                        const char *salt)
{
  g_autofree char *own_salt = salt == NULL ? random_salt () : NULL;
  g_autofree char *hash = NULL;

  g_return_val_if_fail (pin != NULL, NULL);
  if (salt == NULL)
    salt = own_salt;
  hash = stretch (salt, pin);
  return g_strdup_printf ("v1$%s$%s", salt, hash);
}

/* Compares every byte: how long a wrong guess takes says nothing. */
static gboolean
equal_constant_time (const char *a,
                     const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  guint8 diff = la != lb;

  for (gsize i = 0; i < MIN (la, lb); i++)
    diff |= (guint8) (a[i] ^ b[i]);
  return diff == 0;
}

gboolean
fc_supervisor_pin_verify (const char *stored,
                          const char *pin)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *again = NULL;

  if (stored == NULL || pin == NULL)
    return FALSE;
  parts = g_strsplit (stored, "$", 3);
  if (g_strv_length (parts) != 3 || !g_str_equal (parts[0], "v1"))
    return FALSE;
  again = fc_supervisor_pin_hash (pin, parts[1]);
  return equal_constant_time (again, stored);
}

gboolean
fc_supervisor_pin_is_set (FcStore *store)
{
  g_autofree char *stored = fc_store_get_meta (store, FC_SUPERVISOR_PIN_META);

  return stored != NULL && *stored != '\0';
}

gboolean
fc_supervisor_pin_set (FcStore    *store,
                       const char *pin,
                       GError    **error)
{
  g_autofree char *hash = NULL;

  if (!fc_supervisor_pin_is_valid (pin))
    {
      g_set_error_literal (error, FC_ERROR, FC_ERROR_INVALID, _("The PIN must be 4 to 8 digits"));
      return FALSE;
    }
  hash = fc_supervisor_pin_hash (pin, NULL);
  return fc_store_set_meta (store, FC_SUPERVISOR_PIN_META, hash, error);
}

gboolean
fc_supervisor_pin_check (FcStore    *store,
                         const char *pin)
{
  g_autofree char *stored = fc_store_get_meta (store, FC_SUPERVISOR_PIN_META);

  return fc_supervisor_pin_verify (stored, pin);
}
