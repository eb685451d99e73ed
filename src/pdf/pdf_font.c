/*
 * pdf_font.c — the typeface of every PDF (pdf.h): Noto Sans CJK JP (Debian package
 * fonts-noto-cjk), regular and bold, found through fontconfig and handed to cairo. A match of
 * another family is refused rather than used: it would print Japanese as empty boxes.
 */
#include <cairo-ft.h>
#include <fontconfig/fontconfig.h>

#include "pdf.h"

#define FAMILY "Noto Sans CJK JP"

static bool has_family(FcPattern *p, const char *family)
{
    FcChar8 *s;
    for (int i = 0; FcPatternGetString(p, FC_FAMILY, i, &s) == FcResultMatch; i++)
        if (!strcmp((const char *)s, family))
            return true;
    return false;
}

static cairo_font_face_t *open_face(int weight, struct err *e)
{
    FcPattern *want = FcPatternCreate(), *got = NULL;
    cairo_font_face_t *face = NULL;
    FcResult res;
    FcPatternAddString(want, FC_FAMILY, (const FcChar8 *)FAMILY);
    FcPatternAddInteger(want, FC_WEIGHT, weight);
    FcPatternAddString(want, FC_LANG, (const FcChar8 *)"ja");
    FcConfigSubstitute(NULL, want, FcMatchPattern);
    FcDefaultSubstitute(want);
    got = FcFontMatch(NULL, want, &res);
    if (!got || res != FcResultMatch || !has_family(got, FAMILY)) {
        err_set(e, PDF_EFONT, "font \"%s\" not found (install fonts-noto-cjk)", FAMILY);
        goto out;
    }
    face = cairo_ft_font_face_create_for_pattern(got); /* copies what it needs */
    if (cairo_font_face_status(face)) {
        err_set(e, PDF_EFONT, "cairo cannot use \"%s\": %s", FAMILY,
                cairo_status_to_string(cairo_font_face_status(face)));
        cairo_font_face_destroy(face);
        face = NULL;
    }
out:
    if (got)
        FcPatternDestroy(got);
    FcPatternDestroy(want);
    return face;
}

int pdf_fonts_open(struct pdf_fonts *f, struct err *e)
{
    f->regular = f->bold = NULL;
    if (!FcInit())
        return err_set(e, PDF_EFONT, "fontconfig cannot be initialised");
    f->regular = open_face(FC_WEIGHT_REGULAR, e);
    f->bold = f->regular ? open_face(FC_WEIGHT_BOLD, e) : NULL;
    if (!f->bold) {
        pdf_fonts_close(f);
        return PDF_EFONT;
    }
    return PDF_OK;
}

void pdf_fonts_close(struct pdf_fonts *f)
{
    if (f->regular)
        cairo_font_face_destroy(f->regular);
    if (f->bold)
        cairo_font_face_destroy(f->bold);
    f->regular = f->bold = NULL;
}
