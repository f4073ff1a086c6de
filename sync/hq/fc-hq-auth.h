/* fc-hq-auth.h: secrets of enrolment and device tokens.
 *
 * Tokens are 32 random bytes in base64url; enrolment codes 12 Crockford
 * base32 characters (60 bits) in groups of four. Neither is ever stored:
 * only their SHA-256, so a copy of the database lets nobody sync.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* 32 bytes from the system's CSPRNG, base64url without padding. */
char    *fc_hq_auth_new_token       (GError    **error);
/* "K7Q2-9XPM-41ZD". */
char    *fc_hq_auth_new_code        (GError    **error);
/* Upper case, no separators, Crockford's look-alikes mapped (O→0, I/L→1);
 * NULL if it cannot be a code. */
char    *fc_hq_auth_normalize_code  (const char *text);
/* Lower-case hex SHA-256 of @text. */
char    *fc_hq_auth_hash            (const char *text);

G_END_DECLS
