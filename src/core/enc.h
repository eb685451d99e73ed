/*
 * enc.h — hex and base64url (RFC 4648 §5, no padding) encoding; pure.
 */
#ifndef CORE_ENC_H
#define CORE_ENC_H

#include "core.h"

/* Writes 2*n hex digits and a NUL into out (size >= 2*n+1). */
void enc_hex(const unsigned char *in, size_t n, char *out);
/* Decodes exactly 2*n hex digits into n bytes. Returns 0 or -1 on a non-hex digit/wrong length. */
int enc_unhex(const char *in, size_t inlen, unsigned char *out, size_t n);

/* Encoded length of n bytes without padding. */
size_t enc_b64url_len(size_t n);
/* Writes the encoding and a NUL; out must hold enc_b64url_len(n)+1 bytes. */
void enc_b64url(const unsigned char *in, size_t n, char *out);
/* Decodes unpadded base64url. Returns the number of bytes written, or -1 on bad input or when
 * the result would not fit in outsz. */
long enc_unb64url(const char *in, size_t inlen, unsigned char *out, size_t outsz);

#endif
