/* fc-hit-item.c: a search hit for a list model. */
#include "fc-hit-item.h"

struct _FcHitItem {
  GObject parent_instance;
  char   *kind;      /* owned */
  char   *title;     /* owned */
  char   *snippet;   /* owned */
};

G_DEFINE_FINAL_TYPE (FcHitItem, fc_hit_item, G_TYPE_OBJECT)

static void
fc_hit_item_finalize (GObject *object)
{
  FcHitItem *self = FC_HIT_ITEM (object);

  g_free (self->kind);
  g_free (self->title);
  g_free (self->snippet);
  G_OBJECT_CLASS (fc_hit_item_parent_class)->finalize (object);
}

static void
fc_hit_item_class_init (FcHitItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fc_hit_item_finalize;
}

static void
fc_hit_item_init (FcHitItem *self)
{
}

FcHitItem *
fc_hit_item_new (const char *kind,
                 const char *title,
                 const char *snippet)
{
  FcHitItem *self = g_object_new (FC_TYPE_HIT_ITEM, NULL);

  self->kind = g_strdup (kind);
  self->title = g_strdup (title);
  self->snippet = g_strdup (snippet);
  return self;
}

const char *
fc_hit_item_get_kind (FcHitItem *self)
{
  return self->kind;
}

const char *
fc_hit_item_get_title (FcHitItem *self)
{
  return self->title;
}

const char *
fc_hit_item_get_snippet (FcHitItem *self)
{
  return self->snippet;
}
