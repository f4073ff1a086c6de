/* fuzz-gs1.c: libFuzzer over the GS1 parser and the validation gate.
 *
 * Every input goes through fc_gs1_parse() with and without the GS1 flag and
 * through fc_barcode_validate() for each symbology; a parse that succeeds
 * must round-trip through its human-readable form. Crashes, sanitizer
 * reports and failed assertions are findings. */
#include <stdint.h>
#include <string.h>

#include "fc-barcode.h"

static gboolean
any_value_has_paren (const FcGs1Result *r)
{
  for (guint i = 0; i < r->elements->len; i++)
    if (strchr (((FcGs1Element *) r->elements->pdata[i])->value, '(') != NULL)
      return TRUE;
  return FALSE;
}

/* What parsed must parse again from its human-readable form, to the same
 * elements. Only a value holding "(" can make the HRI ambiguous. */
static void
check_round_trip (const FcGs1Result *r)
{
  g_autofree char *hri = fc_gs1_result_to_hri (r);
  g_autoptr(FcGs1Result) again = NULL;
  g_autofree char *hri2 = NULL;

  if (any_value_has_paren (r))
    return;
  again = fc_gs1_parse_with_year (hri, -1, FALSE, 2024, NULL);
  g_assert (again != NULL);
  hri2 = fc_gs1_result_to_hri (again);
  g_assert (strcmp (hri, hri2) == 0);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *text = (const char *) data;

  for (int is_gs1 = 0; is_gs1 <= 1; is_gs1++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(FcGs1Result) r = fc_gs1_parse_with_year (text, size, is_gs1, 2024, &error);

      g_assert ((r == NULL) != (error == NULL));
      if (r != NULL)
        check_round_trip (r);
    }
  for (int sym = FC_SYMBOLOGY_UNKNOWN; sym <= FC_SYMBOLOGY_DATAMATRIX; sym++)
    for (int is_gs1 = 0; is_gs1 <= 1; is_gs1++)
      {
        g_autoptr(GError) error = NULL;
        g_autoptr(FcScanResult) r = NULL;
        gboolean ok = fc_barcode_validate (sym, text, size, is_gs1, &r, &error);

        g_assert (ok == (r != NULL) && ok == (error == NULL));
        g_assert (r == NULL || strlen (r->text) == size);
      }
  return 0;
}
