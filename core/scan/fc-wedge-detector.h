/* fc-wedge-detector.h: tell a keyboard-wedge scanner from a person typing.
 *
 * A USB scanner in keyboard mode "types" its code: keys 1–16 ms apart, then
 * Enter or Tab. People type with gaps over ~60–80 ms. The detector sees every
 * key with its timestamp and decides, without any toolkit:
 *
 *  - a burst of at least min-length characters, every gap ≤ max-gap (30 ms),
 *    ended by a configured terminator, is a scan: "scanned" is emitted with
 *    the code (prefix/suffix stripped, GS substitute mapped to 0x1D);
 *  - anything else is typing and must reach the focused widget unchanged.
 *
 * Because the first keys of a scan look like typing, keys are held back
 * while a burst might still be a scan (FC_WEDGE_VERDICT_HOLD), and handed
 * back through "released" as soon as it cannot be: on a long gap, on a key
 * that is no character, or when the deadline passes (call
 * fc_wedge_detector_flush() at fc_wedge_detector_get_deadline()). A person's
 * key is therefore delayed by at most max-gap, which nobody notices.
 *
 * Not thread-safe: feed it from the thread that receives the key events.
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* What a key is, as far as the detector cares. The GTK layer maps keyvals. */
typedef enum {
  FC_WEDGE_KEY_CHAR,   /* a printable character (the unicode argument) */
  FC_WEDGE_KEY_ENTER,  /* Return / KP_Enter */
  FC_WEDGE_KEY_TAB,
  FC_WEDGE_KEY_GS,     /* Ctrl+] : the GS1 group separator */
  FC_WEDGE_KEY_OTHER,  /* Backspace, arrows, modifiers with a key …: never in a scan */
} FcWedgeKey;

/* What to do with the key just fed. */
typedef enum {
  FC_WEDGE_VERDICT_PASS,     /* deliver it normally (after any "released" text) */
  FC_WEDGE_VERDICT_HOLD,     /* swallow it for now: it may come back via "released" */
  FC_WEDGE_VERDICT_SCANNED,  /* swallow it: it ended a scan, "scanned" was emitted */
} FcWedgeVerdict;

typedef enum /*< flags >*/ {
  FC_WEDGE_TERMINATOR_NONE  = 0,       /* the burst ends by silence (deadline) */
  FC_WEDGE_TERMINATOR_ENTER = 1 << 0,
  FC_WEDGE_TERMINATOR_TAB   = 1 << 1,
} FcWedgeTerminator;

#define FC_TYPE_WEDGE_TERMINATOR (fc_wedge_terminator_get_type ())
GType fc_wedge_terminator_get_type (void) G_GNUC_CONST;

#define FC_WEDGE_DEFAULT_MAX_GAP_US    (30 * G_TIME_SPAN_MILLISECOND)
#define FC_WEDGE_DEFAULT_MIN_LENGTH    4
/* Longer bursts are not scans (and must not grow a buffer forever). */
#define FC_WEDGE_MAX_CODE_LENGTH       512

#define FC_TYPE_WEDGE_DETECTOR (fc_wedge_detector_get_type ())
G_DECLARE_FINAL_TYPE (FcWedgeDetector, fc_wedge_detector, FC, WEDGE_DETECTOR, GObject)

FcWedgeDetector *fc_wedge_detector_new          (void);

/* Feeds one key press. @ch is used for FC_WEDGE_KEY_CHAR only; @time_us is
 * the event's timestamp (monotonic µs; GDK's ms × 1000 will do). May emit
 * "released" and then "scanned" before returning. */
FcWedgeVerdict   fc_wedge_detector_feed         (FcWedgeDetector *self,
                                                 FcWedgeKey       key,
                                                 gunichar         ch,
                                                 gint64           time_us);

/* Ends a burst whose deadline has passed: releases held keys, or with
 * FC_WEDGE_TERMINATOR_NONE reports the scan. Returns TRUE if it did either. */
gboolean         fc_wedge_detector_flush        (FcWedgeDetector *self,
                                                 gint64           now_us);

/* When fc_wedge_detector_flush() should run, or 0 if nothing is held. */
gint64           fc_wedge_detector_get_deadline (FcWedgeDetector *self);

/* TRUE while keys are held back. */
gboolean         fc_wedge_detector_is_holding   (FcWedgeDetector *self);

/* Drops held keys without releasing them (focus left the window …). */
void             fc_wedge_detector_reset        (FcWedgeDetector *self);

gint64           fc_wedge_detector_get_max_gap  (FcWedgeDetector *self);
void             fc_wedge_detector_set_max_gap  (FcWedgeDetector *self,
                                                 gint64           max_gap_us);
guint            fc_wedge_detector_get_min_length (FcWedgeDetector *self);
void             fc_wedge_detector_set_min_length (FcWedgeDetector *self,
                                                   guint            min_length);
FcWedgeTerminator fc_wedge_detector_get_terminators (FcWedgeDetector *self);
void             fc_wedge_detector_set_terminators (FcWedgeDetector  *self,
                                                    FcWedgeTerminator terminators);
const char      *fc_wedge_detector_get_prefix   (FcWedgeDetector *self);
void             fc_wedge_detector_set_prefix   (FcWedgeDetector *self,
                                                 const char      *prefix);
const char      *fc_wedge_detector_get_suffix   (FcWedgeDetector *self);
void             fc_wedge_detector_set_suffix   (FcWedgeDetector *self,
                                                 const char      *suffix);
/* A printable character the scanner sends for GS (0 = none). */
gunichar         fc_wedge_detector_get_gs_substitute (FcWedgeDetector *self);
void             fc_wedge_detector_set_gs_substitute (FcWedgeDetector *self,
                                                      gunichar         substitute);

G_END_DECLS
