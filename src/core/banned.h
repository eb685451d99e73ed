/*
 * banned.h — functions we do not call (STYLE.md, Memory; the idea is Git's banned.h).
 *
 * Each has a bounded or safer replacement in core/: buf_appendf / snprintf instead of
 * sprintf/strcpy/strcat, strtol-family with error checks instead of atoi, manual scanning
 * instead of strtok. Included last by core.h so system headers are not affected.
 */
#ifndef CORE_BANNED_H
#define CORE_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef gets
#define gets(x) BANNED(gets)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)
#undef atof
#define atof(x) BANNED(atof)

#endif
