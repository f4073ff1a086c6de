/* fc-signature-pad.h: the customer signs here, with pen, finger or mouse.
 *
 * Strokes are kept as point lists and exported twice: as SVG (the strokes
 * themselves, small and exact) and as PNG (what any viewer shows). Tests
 * feed strokes through fc_signature_pad_add_stroke().
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FC_TYPE_SIGNATURE_PAD (fc_signature_pad_get_type ())
G_DECLARE_FINAL_TYPE (FcSignaturePad, fc_signature_pad, FC, SIGNATURE_PAD, GtkWidget)

GtkWidget *fc_signature_pad_new          (void);

/* Drawing, as the gestures do it (widget coordinates). */
void       fc_signature_pad_begin_stroke (FcSignaturePad *self,
                                          double          x,
                                          double          y);
void       fc_signature_pad_extend_stroke (FcSignaturePad *self,
                                           double          x,
                                           double          y);
void       fc_signature_pad_end_stroke   (FcSignaturePad *self);
/* A whole stroke at once: @points holds @n_points x,y pairs. */
void       fc_signature_pad_add_stroke   (FcSignaturePad         *self,
                                          const graphene_point_t *points,
                                          guint                   n_points);

void       fc_signature_pad_clear        (FcSignaturePad *self);
void       fc_signature_pad_undo         (FcSignaturePad *self);
guint      fc_signature_pad_get_n_strokes (FcSignaturePad *self);
gboolean   fc_signature_pad_is_empty     (FcSignaturePad *self);

/* Black strokes on a transparent ground, cropped to the ink plus a margin.
 * NULL when empty. */
char      *fc_signature_pad_to_svg       (FcSignaturePad *self);
GBytes    *fc_signature_pad_to_png       (FcSignaturePad *self,
                                          GError        **error);

G_END_DECLS
