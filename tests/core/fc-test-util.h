/* fc-test-util.h: small helpers shared by the core tests. */
#pragma once

#include <glib/gstdio.h>

#include "fc-ids.h"
#include "fc-store-private.h"

/* A temporary directory removed at the end of the test. */
static inline char *
fc_test_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("fieldcase-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static inline void
fc_test_rmdir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_remove (path);
    }
  g_rmdir (dir);
}

/* Build a payload from alternating member names and values ("key", "text",
 * ..., NULL). A value starting with "#" is an integer, "true"/"false" are
 * booleans. */
static inline JsonObject *
fc_test_payload (const char *first, ...)
{
  JsonObject *o = json_object_new ();
  va_list ap;

  va_start (ap, first);
  for (const char *k = first; k != NULL; k = va_arg (ap, const char *))
    {
      const char *v = va_arg (ap, const char *);
      if (v[0] == '#')
        json_object_set_int_member (o, k, g_ascii_strtoll (v + 1, NULL, 10));
      else if (g_str_equal (v, "true") || g_str_equal (v, "false"))
        json_object_set_boolean_member (o, k, g_str_equal (v, "true"));
      else
        json_object_set_string_member (o, k, v);
    }
  va_end (ap);
  return o;
}

#define FC_TEST_SHA "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

/* Payloads for each step of a normal case. */
static inline JsonObject *
fc_test_step_payload (const char *type)
{
  if (g_str_equal (type, FC_EV_CASE_OPENED))
    return fc_test_payload ("kind", "repair", "channel", "on_site", "problem_type", "quality",
                            "severity", "general", "description", "Air conditioner cools poorly",
                            "product_serial", "AC-0001", "model", "KFR-35GW", NULL);
  if (g_str_equal (type, FC_EV_CASE_ASSIGNED))
    return fc_test_payload ("assignee", "wang", NULL);
  if (g_str_equal (type, FC_EV_DIAGNOSIS_RECORDED))
    return fc_test_payload ("symptom", "cools poorly", "cause", "filter clogged",
                            "method", "on_site", NULL);
  if (g_str_equal (type, FC_EV_REPRODUCTION_RECORDED))
    return fc_test_payload ("result", "reproduced", "steps", "run 20 min on cool", NULL);
  if (g_str_equal (type, FC_EV_PLAN_PROPOSED))
    return fc_test_payload ("action", "clean_adjust", "description", "clean the filter",
                            "owner", "wang", "deadline", "2026-11-25T10:00:00Z",
                            "acceptance", "outlet air below 14 °C", "approval_required", "true",
                            NULL);
  if (g_str_equal (type, FC_EV_PLAN_APPROVED))
    return fc_test_payload ("approver", "li", NULL);
  if (g_str_equal (type, FC_EV_PLAN_REJECTED))
    return fc_test_payload ("approver", "li", "reason", "replace instead", NULL);
  if (g_str_equal (type, FC_EV_PART_REPLACED))
    return fc_test_payload ("part_number", "P-FILTER-35", "quantity", "#1", NULL);
  if (g_str_equal (type, FC_EV_WORK_RECORDED))
    return fc_test_payload ("description", "cleaned the filter", NULL);
  if (g_str_equal (type, FC_EV_CASE_RESOLVED))
    return fc_test_payload ("signer", "Zhang San", "signature_sha256", FC_TEST_SHA,
                            "satisfaction", "#5", NULL);
  if (g_str_equal (type, FC_EV_REVISIT_SCHEDULED))
    return fc_test_payload ("due", "2026-11-29T10:00:00Z", NULL);
  if (g_str_equal (type, FC_EV_REVISIT_RECORDED))
    return fc_test_payload ("solved", "true", "satisfaction", "#5", NULL);
  if (g_str_equal (type, FC_EV_CASE_CANCELLED))
    return fc_test_payload ("reason", "customer withdrew", NULL);
  if (g_str_equal (type, FC_EV_NOTE_ADDED))
    return fc_test_payload ("text", "customer prefers mornings", NULL);
  if (g_str_equal (type, FC_EV_ATTACHMENT_ADDED))
    return fc_test_payload ("sha256", FC_TEST_SHA, "mime", "image/png", NULL);
  return json_object_new ();
}

/* The happy path, in order. */
static const char *const fc_test_happy_path[] = {
  FC_EV_CASE_OPENED, FC_EV_CASE_RESPONDED, FC_EV_DIAGNOSIS_RECORDED,
  FC_EV_REPRODUCTION_RECORDED, FC_EV_PLAN_PROPOSED, FC_EV_PLAN_APPROVED,
  FC_EV_CUSTOMER_AGREED, FC_EV_PART_REPLACED, FC_EV_WORK_RECORDED, FC_EV_CASE_RESOLVED,
  FC_EV_REVISIT_SCHEDULED, FC_EV_REVISIT_RECORDED, FC_EV_CASE_CLOSED,
};
