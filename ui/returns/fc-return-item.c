/* fc-return-item.c: one unit at the returns desk. */
#include "fc-return-item.h"

#include <string.h>

struct _FcReturnItem {
  GObject           parent_instance;
  char             *code;
  FcReturnCheck    *check;
  FcReturnCondition condition;
  gboolean          packaging_original;
  char             *case_id;
};

G_DEFINE_FINAL_TYPE (FcReturnItem, fc_return_item, G_TYPE_OBJECT)

enum { PROP_0, PROP_CHECK, PROP_CASE_ID, N_PROPS };
static GParamSpec *properties[N_PROPS];

const char *
fc_return_condition_to_string (FcReturnCondition condition)
{
  static const char *const names[] = {
    "none", "sealed", "opened_intact", "damaged", "parts_missing",
  };

  g_return_val_if_fail (condition < FC_RETURN_N_CONDITIONS, NULL);
  return names[condition];
}

static void
fc_return_item_finalize (GObject *object)
{
  FcReturnItem *self = FC_RETURN_ITEM (object);

  g_free (self->code);
  g_clear_pointer (&self->check, fc_return_check_free);
  g_free (self->case_id);
  G_OBJECT_CLASS (fc_return_item_parent_class)->finalize (object);
}

static void
fc_return_item_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  FcReturnItem *self = FC_RETURN_ITEM (object);

  switch (prop_id)
    {
    case PROP_CHECK:
      g_value_set_pointer (value, self->check);
      break;
    case PROP_CASE_ID:
      g_value_set_string (value, self->case_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fc_return_item_class_init (FcReturnItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fc_return_item_finalize;
  object_class->get_property = fc_return_item_get_property;
  /* Read-only, notified so list rows redraw. */
  properties[PROP_CHECK] =
    g_param_spec_pointer ("check", NULL, NULL,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CASE_ID] =
    g_param_spec_string ("case-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fc_return_item_init (FcReturnItem *self)
{
  self->packaging_original = TRUE;
}

FcReturnItem *
fc_return_item_new (const char    *code,
                    FcReturnCheck *check)
{
  FcReturnItem *self;

  g_return_val_if_fail (code != NULL && check != NULL, NULL);
  self = g_object_new (FC_TYPE_RETURN_ITEM, NULL);
  self->code = g_strdup (code);
  self->check = check;
  return self;
}

const char *
fc_return_item_get_code (FcReturnItem *self)
{
  g_return_val_if_fail (FC_IS_RETURN_ITEM (self), NULL);
  return self->code;
}

const FcReturnCheck *
fc_return_item_get_check (FcReturnItem *self)
{
  g_return_val_if_fail (FC_IS_RETURN_ITEM (self), NULL);
  return self->check;
}

void
fc_return_item_set_check (FcReturnItem  *self,
                          FcReturnCheck *check)
{
  g_return_if_fail (FC_IS_RETURN_ITEM (self));
  g_return_if_fail (check != NULL && self->case_id == NULL);

  g_clear_pointer (&self->check, fc_return_check_free);
  self->check = check;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHECK]);
}

FcReturnCondition
fc_return_item_get_condition (FcReturnItem *self)
{
  g_return_val_if_fail (FC_IS_RETURN_ITEM (self), FC_RETURN_CONDITION_NONE);
  return self->condition;
}

gboolean
fc_return_item_get_packaging_original (FcReturnItem *self)
{
  g_return_val_if_fail (FC_IS_RETURN_ITEM (self), FALSE);
  return self->packaging_original;
}

const char *
fc_return_item_get_case_id (FcReturnItem *self)
{
  g_return_val_if_fail (FC_IS_RETURN_ITEM (self), NULL);
  return self->case_id;
}

void
fc_return_item_set_recorded (FcReturnItem     *self,
                             FcReturnCondition condition,
                             gboolean          packaging_original,
                             const char       *case_id)
{
  g_return_if_fail (FC_IS_RETURN_ITEM (self));
  g_return_if_fail (condition != FC_RETURN_CONDITION_NONE && condition < FC_RETURN_N_CONDITIONS);
  g_return_if_fail (case_id != NULL && self->case_id == NULL);

  self->condition = condition;
  self->packaging_original = packaging_original;
  self->case_id = g_strdup (case_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CASE_ID]);
}

void
fc_returns_summarize (GListModel       *items,
                      FcReturnsSummary *out)
{
  g_return_if_fail (G_IS_LIST_MODEL (items) && out != NULL);

  memset (out, 0, sizeof *out);
  out->n_items = g_list_model_get_n_items (items);
  for (guint i = 0; i < out->n_items; i++)
    {
      g_autoptr(FcReturnItem) item = g_list_model_get_item (items, i);

      if (item->case_id == NULL)
        continue;
      out->n_recorded++;
      if (item->check->pass)
        out->n_pass++;
      else
        out->n_fail++;
      out->per_code[item->check->code]++;
    }
}
