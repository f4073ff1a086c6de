/* fc-timeline-item.h: one event of a case, as an item of a GListModel. */
#pragma once

#include <glib-object.h>

#include "fc-event.h"

G_BEGIN_DECLS

#define FC_TYPE_TIMELINE_ITEM (fc_timeline_item_get_type ())
G_DECLARE_FINAL_TYPE (FcTimelineItem, fc_timeline_item, FC, TIMELINE_ITEM, GObject)

FcTimelineItem *fc_timeline_item_new       (FcEvent        *event);
FcEvent        *fc_timeline_item_get_event (FcTimelineItem *self);   /* borrowed */
/* The event's most telling text (symptom, note, plan …), or NULL. */
const char     *fc_timeline_item_get_detail (FcTimelineItem *self);

G_END_DECLS
