/* fc-wedge-detector.c: keyboard-wedge scanner detection by key timing. */
#include "fc-wedge-detector.h"

#include <string.h>

G_DEFINE_FLAGS_TYPE (FcWedgeTerminator, fc_wedge_terminator,
  G_DEFINE_ENUM_VALUE (FC_WEDGE_TERMINATOR_NONE, "none"),
  G_DEFINE_ENUM_VALUE (FC_WEDGE_TERMINATOR_ENTER, "enter"),
  G_DEFINE_ENUM_VALUE (FC_WEDGE_TERMINATOR_TAB, "tab"))

struct _FcWedgeDetector {
  GObject parent_instance;

  /* Settings. */
  gint64            max_gap_us;
  guint             min_length;
  FcWedgeTerminator terminators;
  char             *prefix;         /* owned, NULL = none */
  char             *suffix;         /* owned, NULL = none */
  gunichar          gs_substitute;  /* 0 = none */

  /* The burst being held back. */
  GString          *held;           /* owned: UTF-8, GS as 0x1D */
  guint             n_held;         /* keys in @held */
  gint64            last_us;        /* timestamp of the last held key */
};

G_DEFINE_FINAL_TYPE (FcWedgeDetector, fc_wedge_detector, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MAX_GAP,
  PROP_MIN_LENGTH,
  PROP_TERMINATORS,
  PROP_PREFIX,
  PROP_SUFFIX,
  PROP_GS_SUBSTITUTE,
  N_PROPS
};

enum {
  SIGNAL_SCANNED,
  SIGNAL_RELEASED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Hands held keys back as typing. Cleared before emitting, so a handler
 * that feeds more keys sees a fresh state. */
static void
release_held (FcWedgeDetector *self)
{
  g_autofree char *text = NULL;

  if (self->n_held == 0)
    return;
  text = g_strdup (self->held->str);
  g_string_truncate (self->held, 0);
  self->n_held = 0;
  g_signal_emit (self, signals[SIGNAL_RELEASED], 0, text);
}

static gboolean
remove_prefix (GString *s, const char *prefix)
{
  gsize n = prefix != NULL ? strlen (prefix) : 0;

  if (n == 0 || !g_str_has_prefix (s->str, prefix))
    return FALSE;
  g_string_erase (s, 0, n);
  return TRUE;
}

static gboolean
remove_suffix (GString *s, const char *suffix)
{
  gsize n = suffix != NULL ? strlen (suffix) : 0;

  if (n == 0 || !g_str_has_suffix (s->str, suffix))
    return FALSE;
  g_string_truncate (s, s->len - n);
  return TRUE;
}

/* The code a held burst stands for: prefix/suffix off, GS substitute → GS. */
static char *
held_to_code (FcWedgeDetector *self)
{
  g_autoptr(GString) code = g_string_new (self->held->str);

  remove_prefix (code, self->prefix);
  remove_suffix (code, self->suffix);
  if (self->gs_substitute != 0)
    {
      char sub[7] = { 0 };
      g_unichar_to_utf8 (self->gs_substitute, sub);
      g_string_replace (code, sub, "\x1d", 0);
    }
  return g_string_free (g_steal_pointer (&code), FALSE);
}

/* Emits "scanned" for the held burst. An empty code (only prefix/suffix)
 * is no scan: it is released instead. */
static gboolean
report_scan (FcWedgeDetector *self)
{
  g_autofree char *code = held_to_code (self);

  if (code[0] == '\0')
    {
      release_held (self);
      return FALSE;
    }
  g_string_truncate (self->held, 0);
  self->n_held = 0;
  g_signal_emit (self, signals[SIGNAL_SCANNED], 0, code);
  return TRUE;
}

/* TRUE when @time_us continues the held burst. A clock going backwards
 * breaks it: better to release than to glue unrelated keys together. */
static gboolean
continues_burst (FcWedgeDetector *self, gint64 time_us)
{
  return self->n_held > 0 && time_us >= self->last_us
         && time_us - self->last_us <= self->max_gap_us;
}

static FcWedgeVerdict
hold_key (FcWedgeDetector *self, gunichar ch, gint64 time_us)
{
  if (!continues_burst (self, time_us) || self->n_held >= FC_WEDGE_MAX_CODE_LENGTH)
    release_held (self);
  g_string_append_unichar (self->held, ch);
  self->n_held++;
  self->last_us = time_us;
  return FC_WEDGE_VERDICT_HOLD;
}

static gboolean
is_terminator (FcWedgeDetector *self, FcWedgeKey key)
{
  return (key == FC_WEDGE_KEY_ENTER && (self->terminators & FC_WEDGE_TERMINATOR_ENTER))
         || (key == FC_WEDGE_KEY_TAB && (self->terminators & FC_WEDGE_TERMINATOR_TAB));
}

FcWedgeVerdict
fc_wedge_detector_feed (FcWedgeDetector *self, FcWedgeKey key, gunichar ch, gint64 time_us)
{
  g_return_val_if_fail (FC_IS_WEDGE_DETECTOR (self), FC_WEDGE_VERDICT_PASS);

  switch (key)
    {
    case FC_WEDGE_KEY_CHAR:
      if (ch < 0x20 || !g_unichar_validate (ch))
        break;
      return hold_key (self, ch, time_us);
    case FC_WEDGE_KEY_GS:
      return hold_key (self, 0x1d, time_us);
    case FC_WEDGE_KEY_ENTER:
    case FC_WEDGE_KEY_TAB:
      if (is_terminator (self, key) && continues_burst (self, time_us)
          && self->n_held >= self->min_length && report_scan (self))
        return FC_WEDGE_VERDICT_SCANNED;
      break;
    case FC_WEDGE_KEY_OTHER:
    default:
      break;
    }
  release_held (self);
  return FC_WEDGE_VERDICT_PASS;
}

gboolean
fc_wedge_detector_flush (FcWedgeDetector *self, gint64 now_us)
{
  g_return_val_if_fail (FC_IS_WEDGE_DETECTOR (self), FALSE);

  if (self->n_held == 0 || continues_burst (self, now_us))
    return FALSE;
  if (self->terminators == FC_WEDGE_TERMINATOR_NONE && self->n_held >= self->min_length)
    report_scan (self);
  else
    release_held (self);
  return TRUE;
}

gint64
fc_wedge_detector_get_deadline (FcWedgeDetector *self)
{
  g_return_val_if_fail (FC_IS_WEDGE_DETECTOR (self), 0);
  return self->n_held > 0 ? self->last_us + self->max_gap_us + 1 : 0;
}

gboolean
fc_wedge_detector_is_holding (FcWedgeDetector *self)
{
  g_return_val_if_fail (FC_IS_WEDGE_DETECTOR (self), FALSE);
  return self->n_held > 0;
}

void
fc_wedge_detector_reset (FcWedgeDetector *self)
{
  g_return_if_fail (FC_IS_WEDGE_DETECTOR (self));
  g_string_truncate (self->held, 0);
  self->n_held = 0;
}

/* ---- settings ------------------------------------------------------------ */

gint64
fc_wedge_detector_get_max_gap (FcWedgeDetector *self)
{
  g_return_val_if_fail (FC_IS_WEDGE_DETECTOR (self), 0);
  return self->max_gap_us;
}

void
fc_wedge_detector_set_max_gap (FcWedgeDetector *self, gint64 max_gap_us)
{
  g_return_if_fail (FC_IS_WEDGE_DETECTOR (self));
  g_return_if_fail (max_gap_us > 0);
  if (self->max_gap_us == max_gap_us)
    return;
  self->max_gap_us = max_gap_us;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_GAP]);
}

guint
fc_wedge_detector_get_min_length (FcWedgeDetector *self)
{
  g_return_val_if_fail (FC_IS_WEDGE_DETECTOR (self), 0);
  return self->min_length;
}

void
fc_wedge_detector_set_min_length (FcWedgeDetector *self, guint min_length)
{
  g_return_if_fail (FC_IS_WEDGE_DETECTOR (self));
  g_return_if_fail (min_length >= 2);
  if (self->min_length == min_length)
    return;
  self->min_length = min_length;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MIN_LENGTH]);
}

FcWedgeTerminator
fc_wedge_detector_get_terminators (FcWedgeDetector *self)
{
  g_return_val_if_fail (FC_IS_WEDGE_DETECTOR (self), 0);
  return self->terminators;
}

void
fc_wedge_detector_set_terminators (FcWedgeDetector *self, FcWedgeTerminator terminators)
{
  g_return_if_fail (FC_IS_WEDGE_DETECTOR (self));
  if (self->terminators == terminators)
    return;
  self->terminators = terminators;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TERMINATORS]);
}

const char *
fc_wedge_detector_get_prefix (FcWedgeDetector *self)
{
  g_return_val_if_fail (FC_IS_WEDGE_DETECTOR (self), NULL);
  return self->prefix;
}

/* An empty string means none. */
static gboolean
set_affix (char **field, const char *value)
{
  if (value != NULL && value[0] == '\0')
    value = NULL;
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

void
fc_wedge_detector_set_prefix (FcWedgeDetector *self, const char *prefix)
{
  g_return_if_fail (FC_IS_WEDGE_DETECTOR (self));
  if (set_affix (&self->prefix, prefix))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PREFIX]);
}

const char *
fc_wedge_detector_get_suffix (FcWedgeDetector *self)
{
  g_return_val_if_fail (FC_IS_WEDGE_DETECTOR (self), NULL);
  return self->suffix;
}

void
fc_wedge_detector_set_suffix (FcWedgeDetector *self, const char *suffix)
{
  g_return_if_fail (FC_IS_WEDGE_DETECTOR (self));
  if (set_affix (&self->suffix, suffix))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUFFIX]);
}

gunichar
fc_wedge_detector_get_gs_substitute (FcWedgeDetector *self)
{
  g_return_val_if_fail (FC_IS_WEDGE_DETECTOR (self), 0);
  return self->gs_substitute;
}

void
fc_wedge_detector_set_gs_substitute (FcWedgeDetector *self, gunichar substitute)
{
  g_return_if_fail (FC_IS_WEDGE_DETECTOR (self));
  g_return_if_fail (substitute == 0 || g_unichar_isprint (substitute));
  if (self->gs_substitute == substitute)
    return;
  self->gs_substitute = substitute;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GS_SUBSTITUTE]);
}

/* ---- GObject ------------------------------------------------------------- */

static void
fc_wedge_detector_get_property (GObject *object, guint prop_id, GValue *value,
                                GParamSpec *pspec)
{
  FcWedgeDetector *self = FC_WEDGE_DETECTOR (object);

  switch (prop_id)
    {
    case PROP_MAX_GAP: g_value_set_int64 (value, self->max_gap_us); break;
    case PROP_MIN_LENGTH: g_value_set_uint (value, self->min_length); break;
    case PROP_TERMINATORS: g_value_set_flags (value, self->terminators); break;
    case PROP_PREFIX: g_value_set_string (value, self->prefix); break;
    case PROP_SUFFIX: g_value_set_string (value, self->suffix); break;
    case PROP_GS_SUBSTITUTE: g_value_set_uint (value, self->gs_substitute); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fc_wedge_detector_set_property (GObject *object, guint prop_id, const GValue *value,
                                GParamSpec *pspec)
{
  FcWedgeDetector *self = FC_WEDGE_DETECTOR (object);

  switch (prop_id)
    {
    case PROP_MAX_GAP: fc_wedge_detector_set_max_gap (self, g_value_get_int64 (value)); break;
    case PROP_MIN_LENGTH: fc_wedge_detector_set_min_length (self, g_value_get_uint (value)); break;
    case PROP_TERMINATORS:
      fc_wedge_detector_set_terminators (self, g_value_get_flags (value));
      break;
    case PROP_PREFIX: fc_wedge_detector_set_prefix (self, g_value_get_string (value)); break;
    case PROP_SUFFIX: fc_wedge_detector_set_suffix (self, g_value_get_string (value)); break;
    case PROP_GS_SUBSTITUTE:
      fc_wedge_detector_set_gs_substitute (self, g_value_get_uint (value));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fc_wedge_detector_finalize (GObject *object)
{
  FcWedgeDetector *self = FC_WEDGE_DETECTOR (object);

  g_clear_pointer (&self->prefix, g_free);
  g_clear_pointer (&self->suffix, g_free);
  g_string_free (self->held, TRUE);
  G_OBJECT_CLASS (fc_wedge_detector_parent_class)->finalize (object);
}

static void
install_properties (GObjectClass *object_class)
{
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  properties[PROP_MAX_GAP] =
    g_param_spec_int64 ("max-gap", NULL, "Longest gap between scanner keys, µs", 1,
                        G_MAXINT64, FC_WEDGE_DEFAULT_MAX_GAP_US, rw);
  properties[PROP_MIN_LENGTH] =
    g_param_spec_uint ("min-length", NULL, "Fewest characters in a scan", 2,
                       FC_WEDGE_MAX_CODE_LENGTH, FC_WEDGE_DEFAULT_MIN_LENGTH, rw);
  properties[PROP_TERMINATORS] =
    g_param_spec_flags ("terminators", NULL, "Keys that end a scan", FC_TYPE_WEDGE_TERMINATOR,
                        FC_WEDGE_TERMINATOR_ENTER | FC_WEDGE_TERMINATOR_TAB, rw);
  properties[PROP_PREFIX] =
    g_param_spec_string ("prefix", NULL, "Prefix the scanner adds, stripped", NULL, rw);
  properties[PROP_SUFFIX] =
    g_param_spec_string ("suffix", NULL, "Suffix the scanner adds, stripped", NULL, rw);
  properties[PROP_GS_SUBSTITUTE] =
    g_param_spec_uint ("gs-substitute", NULL, "Printable character sent for GS, 0 = none",
                       0, 0x10ffff, 0, rw);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fc_wedge_detector_class_init (FcWedgeDetectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = fc_wedge_detector_get_property;
  object_class->set_property = fc_wedge_detector_set_property;
  object_class->finalize = fc_wedge_detector_finalize;
  install_properties (object_class);

  /* FcWedgeDetector::scanned: (code) a complete scan, GS as 0x1D. */
  signals[SIGNAL_SCANNED] =
    g_signal_new ("scanned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* FcWedgeDetector::released: (text) held keys that were typing after all:
   * insert them where the keys would have gone, before the current key. */
  signals[SIGNAL_RELEASED] =
    g_signal_new ("released", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
fc_wedge_detector_init (FcWedgeDetector *self)
{
  self->max_gap_us = FC_WEDGE_DEFAULT_MAX_GAP_US;
  self->min_length = FC_WEDGE_DEFAULT_MIN_LENGTH;
  self->terminators = FC_WEDGE_TERMINATOR_ENTER | FC_WEDGE_TERMINATOR_TAB;
  self->held = g_string_new (NULL);
}

FcWedgeDetector *
fc_wedge_detector_new (void)
{
  return g_object_new (FC_TYPE_WEDGE_DETECTOR, NULL);
}
