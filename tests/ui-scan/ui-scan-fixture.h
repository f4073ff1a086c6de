/* ui-scan-fixture.h: a temporary store with a fixed clock and a small
 * installed base, shared by the scanning and returns tests. */
#pragma once

#include <glib/gstdio.h>
#include <string.h>

#include "fc-store.h"

/* 2026-11-22 12:00:00 UTC */
#define SCAN_FIXTURE_NOW_MS G_GINT64_CONSTANT (1795348800000)

typedef struct {
  char    *dir;
  FcClock *clock;
  FcStore *store;
} ScanFixture;

static const char scan_fixture_models[] =
  "model,name,category,warranty_months\n"
  "KFR-35GW,Split air conditioner 1.5 HP,climate,36\n"
  "P30,Smartphone P30,phone,12\n";

/* RT-0001 sold 4 days ago, RT-0002 21 days ago, RT-0003 2 days ago (and
 * returned once below), RT-0004 sold 40 days ago, RT-0005 has no sale date,
 * OLD-1 sold in 2020 with its warranty long over. GTIN 4006381333931 is on
 * one unit only. */
static const char scan_fixture_installed[] =
  "serial,gtin,model,customer_id,sale_date,warranty_end\n"
  "RT-0001,4006381333931,P30,cu-1,2026-11-18,\n"
  "RT-0002,,P30,cu-2,2026-11-01,\n"
  "RT-0003,,P30,cu-1,2026-11-20,\n"
  "RT-0004,,KFR-35GW,cu-2,2026-10-13,\n"
  "RT-0005,,P30,cu-2,,\n"
  "OLD-1,,P30,cu-2,2020-01-01,2021-01-01\n";

static const char scan_fixture_customers[] =
  "id,name,phone,address\n"
  "cu-1,张三,13800000001,北京市朝阳区\n"
  "cu-2,Li Si,,\n";

static const char scan_fixture_parts[] =
  "part_number,name,gtin,models\n"
  "P-FILTER-35,Air filter,5901234123457,KFR-35GW\n";

static inline void
scan_fixture_import (ScanFixture *f, FcRefKind kind, const char *csv)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (fc_store_import_csv (f->store, kind, csv, strlen (csv), &error));
  g_assert_no_error (error);
}

/* Opens a return case for @serial the way the returns desk does. */
static inline char *
scan_fixture_open_case (ScanFixture *f, const char *kind, const char *serial)
{
  g_autoptr(JsonObject) payload = json_object_new ();
  g_autoptr(GError) error = NULL;
  char *id;

  json_object_set_string_member (payload, "kind", kind);
  json_object_set_string_member (payload, "channel", "face_to_face");
  json_object_set_string_member (payload, "problem_type", "quality");
  json_object_set_string_member (payload, "severity", "general");
  json_object_set_string_member (payload, "description", "fixture case");
  json_object_set_string_member (payload, "product_serial", serial);
  id = fc_store_open_case (f->store, payload, "fixture", &error);
  g_assert_no_error (error);
  return id;
}

static inline void
scan_fixture_setup (ScanFixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *returned = NULL;

  f->dir = g_dir_make_tmp ("fieldcase-scanui-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (f->dir, "store.db", NULL);
  f->clock = fc_clock_new ();
  fc_clock_set_fixed_ms (f->clock, SCAN_FIXTURE_NOW_MS);
  f->store = fc_store_new_with_clock (path, f->clock, &error);
  g_assert_no_error (error);
  scan_fixture_import (f, FC_REF_MODELS, scan_fixture_models);
  scan_fixture_import (f, FC_REF_CUSTOMERS, scan_fixture_customers);
  scan_fixture_import (f, FC_REF_INSTALLED, scan_fixture_installed);
  scan_fixture_import (f, FC_REF_PARTS, scan_fixture_parts);
  returned = scan_fixture_open_case (f, "return", "RT-0003");
}

static inline void
scan_fixture_teardown (ScanFixture *f, gconstpointer data)
{
  g_autoptr(GDir) d = NULL;
  const char *name;

  g_clear_object (&f->store);
  g_clear_object (&f->clock);
  d = g_dir_open (f->dir, 0, NULL);
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);
      g_remove (p);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}
