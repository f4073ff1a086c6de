/* fc-product-card.h: what we know about one scanned unit.
 *
 * Model, customer, warranty (in or out, and until when), the unit's past
 * cases, and "New case" — which activates win.new-case with the serial when
 * the window offers it, else emits "new-case-requested". The store is read
 * on the main thread (it is local SQLite and not thread-safe).
 */
#pragma once

#include <gtk/gtk.h>

#include "fc-store.h"

G_BEGIN_DECLS

#define FC_TYPE_PRODUCT_CARD (fc_product_card_get_type ())
G_DECLARE_FINAL_TYPE (FcProductCard, fc_product_card, FC, PRODUCT_CARD, GtkWidget)

GtkWidget  *fc_product_card_new        (FcStore       *store);
/* Looks the unit up by serial, else by a GTIN on exactly one unit. */
void        fc_product_card_set_serial (FcProductCard *self,
                                        const char    *serial_or_gtin);
const char *fc_product_card_get_serial (FcProductCard *self);
gboolean    fc_product_card_get_known  (FcProductCard *self);
/* The past cases shown (FcCase), newest open first. */
GListModel *fc_product_card_get_cases  (FcProductCard *self);

G_END_DECLS
