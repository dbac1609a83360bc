/*
 * input/factors.h: the lexer of Timeloop factor strings (internal to the input layer).
 *
 * Mappings (`factors: R=3 S=3 P=1`) and constraints (`factors: [M<=16, C>=2]`) write
 * factors the same way: tokens `<name><relation><number>` separated by white space or
 * commas, `#` starting a comment to the end of the line. The relation is `=` (which may be
 * left out: `P4`), or, where the caller allows bounds, `<=` or `>=`. The lexer only cuts
 * tokens; each caller looks the name up, checks the value and words its own messages.
 * Offsets are bytes into the scanned text, for error columns.
 */
#ifndef ADSE_INPUT_FACTORS_H
#define ADSE_INPUT_FACTORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum adse__factor_rel {
    ADSE__FACTOR_EQ = 0, /* '=' or nothing */
    ADSE__FACTOR_MAX,    /* '<=' */
    ADSE__FACTOR_MIN     /* '>=' */
} adse__factor_rel;

typedef enum adse__factor_lex {
    ADSE__FLEX_TOKEN = 0, /* a whole token; value set */
    ADSE__FLEX_END,       /* no more tokens */
    ADSE__FLEX_BAD_CHAR,  /* a token does not start with a letter (at: that character) */
    ADSE__FLEX_BAD_REL,   /* with bounds: not '=', '<=' or '>=' after the name (at: there) */
    ADSE__FLEX_NO_NUMBER, /* no digits after the name and relation */
    ADSE__FLEX_TOO_LARGE  /* the number exceeds the caller's maximum */
} adse__factor_lex;

typedef struct adse__factor_token {
    size_t name_at, name_len; /* the letters of the name (set unless BAD_CHAR or END) */
    size_t at;                /* BAD_CHAR, BAD_REL: the offending character */
    adse__factor_rel rel;
    uint64_t value;
    bool residual; /* the number is followed by ",<digit>" (Timeloop's imperfect "P=7,1") */
} adse__factor_token;

/* Reads the next token of s from *pos (advanced past it). bounds allows '<=' and '>='
 * (otherwise a character other than '=' after the name reads as a missing number); max
 * is the largest value accepted. On a lexical error the name is still set, so that a
 * caller can report an unknown name first, as both callers do. */
adse__factor_lex adse__factor_next(const char *s, size_t *pos, bool bounds, uint64_t max,
                                   adse__factor_token *t);

#endif
