/*
 * font.h — the typeface every PDF of ichigen is set in: Noto Sans CJK JP (Debian package
 * fonts-noto-cjk), regular and bold, found through fontconfig and handed to cairo. Shared by
 * the rating report (src/rating/) and the report renderings (src/render/), so that both look
 * for the same family the same way and refuse a silent fallback to a font without Japanese.
 */
#ifndef FONT_FONT_H
#define FONT_FONT_H

#include <cairo.h>

#include "../core/core.h"
#include "../core/err.h"

struct font_faces {
    cairo_font_face_t *regular, *bold;
};

/* Opens both faces and checks that fontconfig's match really is Noto Sans CJK JP, not a
 * fallback. Returns 0, or -1 with e saying what is missing (and nothing left open). */
int font_faces_open(struct font_faces *f, struct err *e);
/* Releases what font_faces_open opened; safe on a zeroed or already closed f. */
void font_faces_close(struct font_faces *f);

#endif
