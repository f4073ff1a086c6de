/* fc-supervisor-pin.h: the supervisor's PIN that approves a plan on the
 * device when HQ cannot be reached (处理方案需报备领导审核后执行).
 *
 * Only a salted, stretched hash is kept, in the store's meta table (it
 * belongs to the device, like the store); the PIN itself is never written.
 */
#pragma once

#include "fc-store.h"

G_BEGIN_DECLS

#define FC_SUPERVISOR_PIN_META "ui.supervisor-pin"

/* 4 to 8 digits. */
gboolean fc_supervisor_pin_is_valid (const char *pin);
/* "v1$<salt hex>$<hash hex>"; @salt NULL = a random one. */
char    *fc_supervisor_pin_hash     (const char *pin,
                                     const char *salt);
gboolean fc_supervisor_pin_verify   (const char *stored,
                                     const char *pin);

gboolean fc_supervisor_pin_is_set   (FcStore    *store);
gboolean fc_supervisor_pin_set      (FcStore    *store,
                                     const char *pin,
                                     GError    **error);
gboolean fc_supervisor_pin_check    (FcStore    *store,
                                     const char *pin);

G_END_DECLS
