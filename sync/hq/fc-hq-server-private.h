/* fc-hq-server-private.h: for the CLI and tests, not for device code. */
#pragma once

#include "fc-hq-server.h"
#include "fc-hq-store.h"

G_BEGIN_DECLS

/* The server's FcHqStore (borrowed). */
FcHqStore *fc_hq_server_get_hq_store (FcHqServer *self);

G_END_DECLS
