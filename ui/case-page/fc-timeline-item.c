/* fc-timeline-item.c: an FcEvent wrapped for a list model. */
#include "fc-timeline-item.h"

struct _FcTimelineItem {
  GObject  parent_instance;
  FcEvent *event;   /* owned */
};

G_DEFINE_FINAL_TYPE (FcTimelineItem, fc_timeline_item, G_TYPE_OBJECT)

static void
fc_timeline_item_finalize (GObject *object)
{
  FcTimelineItem *self = FC_TIMELINE_ITEM (object);

  g_clear_pointer (&self->event, fc_event_unref);
  G_OBJECT_CLASS (fc_timeline_item_parent_class)->finalize (object);
}

static void
fc_timeline_item_class_init (FcTimelineItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fc_timeline_item_finalize;
}

static void
fc_timeline_item_init (FcTimelineItem *self)
{
}

FcTimelineItem *
fc_timeline_item_new (FcEvent *event)
{
  FcTimelineItem *self;

  g_return_val_if_fail (event != NULL, NULL);
  self = g_object_new (FC_TYPE_TIMELINE_ITEM, NULL);
  self->event = fc_event_ref (event);
  return self;
}

FcEvent *
fc_timeline_item_get_event (FcTimelineItem *self)
{
  g_return_val_if_fail (FC_IS_TIMELINE_ITEM (self), NULL);
  return self->event;
}

const char *
fc_timeline_item_get_detail (FcTimelineItem *self)
{
  /* In order of what says most about the step. */
  static const char *const members[] = {
    "description", "symptom", "steps", "reason", "note", "comment", "summary",
    "text", "part_number", "signer", "name", "assignee", "approver", "due",
  };

  g_return_val_if_fail (FC_IS_TIMELINE_ITEM (self), NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (members); i++)
    {
      JsonNode *node = json_object_get_member (self->event->payload, members[i]);
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_STRING)
        return json_node_get_string (node);
    }
  return NULL;
}
