/* fc-hit-item.h: a similar past case or a knowledge-base article. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define FC_TYPE_HIT_ITEM (fc_hit_item_get_type ())
G_DECLARE_FINAL_TYPE (FcHitItem, fc_hit_item, FC, HIT_ITEM, GObject)

FcHitItem  *fc_hit_item_new         (const char *kind,
                                     const char *title,
                                     const char *snippet);
const char *fc_hit_item_get_kind    (FcHitItem *self);   /* "case" or "kb" */
const char *fc_hit_item_get_title   (FcHitItem *self);
const char *fc_hit_item_get_snippet (FcHitItem *self);

G_END_DECLS
