/* fc-error.h: the core's error domain.
 *
 * Every layer has its own GError domain with stable codes; SQLite errors are
 * converted here, in one place, so callers never see raw SQLite codes.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FC_ERROR (fc_error_quark ())

typedef enum {
  FC_ERROR_FAILED,          /* anything else; message says what */
  FC_ERROR_INVALID,         /* bad input: malformed JSON, missing field, bad value */
  FC_ERROR_NOT_FOUND,       /* unknown case, product, part … */
  FC_ERROR_NOT_ALLOWED,     /* workflow step not allowed in the case's state */
  FC_ERROR_STORAGE,         /* SQLite failed (I/O, corrupt, …) */
  FC_ERROR_FULL,            /* disk full: nothing was written */
  FC_ERROR_BUSY,            /* database locked beyond the busy timeout */
  FC_ERROR_TOO_LARGE,       /* input over a size limit */
  FC_ERROR_VERSION,         /* store written by a newer Fieldcase */
} FcError;

GQuark fc_error_quark (void);

G_END_DECLS
