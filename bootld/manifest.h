/*
 * manifest.h: the lexer of the manifest language (bootld/README.md,
 * "Manifest language"), the one both manifests are written in: the boot
 * loader's (bootld.c) and the firmament's init's (user/firmament/init.c)
 * use it, each with its own line forms. Freestanding.
 */
#ifndef BOOTLD_MANIFEST_H
#define BOOTLD_MANIFEST_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Splits line s (no newline) into words in place: words are separated
 * by spaces, tabs or CRs; "..." keeps them inside a word ("" is an
 * empty word); a backslash takes the next character literally, except
 * that \n and \t stand for a newline and a tab. A line whose first word
 * starts with # is a comment. Returns the number of words (0 for a
 * blank or comment line), or -1 for an unterminated quote or more than
 * max words.
 */
int manifest_split(char *s, char **words, int max);

/* Parses a number, decimal or hex after 0x, below 2^32 that must end at
 * `end` (a character, or 0); false if it is not one. */
bool manifest_number(const char *s, char end, uint32_t *out);

#endif
