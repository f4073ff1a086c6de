/* fc-case.c: an immutable snapshot of one case's projection. */
#include "fc-case.h"

#include <string.h>

struct _FcCase
{
  GObject    parent_instance;

  FcCaseFold fold;           /* owned */
  char      *customer_name;  /* owned, personal data: shown, never logged */
  gint64     next_due;
};

G_DEFINE_FINAL_TYPE (FcCase, fc_case, G_TYPE_OBJECT)

static void
fc_case_finalize (GObject *object)
{
  FcCase *self = FC_CASE (object);

  fc_case_fold_clear (&self->fold);
  g_free (self->customer_name);
  G_OBJECT_CLASS (fc_case_parent_class)->finalize (object);
}

static void
fc_case_class_init (FcCaseClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fc_case_finalize;
}

static void
fc_case_init (FcCase *self)
{
}

FcCase *
fc_case_new_take (FcCaseFold *fold,
                  const char *customer_name,
                  gint64      next_due_ms)
{
  FcCase *self = g_object_new (FC_TYPE_CASE, NULL);

  self->fold = *fold;
  memset (fold, 0, sizeof *fold);
  self->customer_name = g_strdup (customer_name);
  self->next_due = next_due_ms;
  return self;
}

const FcCaseFold *
fc_case_get_fold (FcCase *self)
{
  g_return_val_if_fail (FC_IS_CASE (self), NULL);
  return &self->fold;
}

const char *
fc_case_get_id (FcCase *self)
{
  g_return_val_if_fail (FC_IS_CASE (self), NULL);
  return self->fold.case_id;
}

const char *
fc_case_get_number (FcCase *self)
{
  g_return_val_if_fail (FC_IS_CASE (self), NULL);
  return self->fold.number;
}

FcCaseState
fc_case_get_state (FcCase *self)
{
  g_return_val_if_fail (FC_IS_CASE (self), FC_CASE_STATE_NONE);
  return self->fold.state;
}

const char *
fc_case_get_customer_name (FcCase *self)
{
  g_return_val_if_fail (FC_IS_CASE (self), NULL);
  return self->customer_name;
}

const char *
fc_case_get_product_serial (FcCase *self)
{
  g_return_val_if_fail (FC_IS_CASE (self), NULL);
  return self->fold.product_serial;
}

const char *
fc_case_get_title (FcCase *self)
{
  g_return_val_if_fail (FC_IS_CASE (self), NULL);
  return self->fold.title;
}

const char *
fc_case_get_severity (FcCase *self)
{
  g_return_val_if_fail (FC_IS_CASE (self), NULL);
  return self->fold.severity;
}

const char *
fc_case_get_assignee (FcCase *self)
{
  g_return_val_if_fail (FC_IS_CASE (self), NULL);
  return self->fold.assignee;
}

gint64
fc_case_get_next_due (FcCase *self)
{
  g_return_val_if_fail (FC_IS_CASE (self), 0);
  return self->next_due;
}
