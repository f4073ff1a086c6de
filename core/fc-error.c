/* fc-error.c */
#include "fc-error.h"

G_DEFINE_QUARK (fc-error-quark, fc_error)
