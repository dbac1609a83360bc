/* The lexer of Timeloop factor strings (input/factors.h). */
#include "input/factors.h"

#include <ctype.h>
#include <string.h>

static size_t skip_blanks(const char *s, size_t i)
{
    while (s[i] == ' ' || s[i] == '\t')
        i++;
    return i;
}

adse__factor_lex adse__factor_next(const char *s, size_t *pos, bool bounds, uint64_t max,
                                   adse__factor_token *t)
{
    memset(t, 0, sizeof *t);
    size_t i = *pos;
    for (;;) { /* separators and comments */
        unsigned char ch = (unsigned char)s[i];
        if (isspace(ch) || ch == ',') {
            i++;
        } else if (ch == '#') {
            while (s[i] && s[i] != '\n')
                i++;
        } else {
            break;
        }
    }
    *pos = i;
    if (!s[i]) return ADSE__FLEX_END;
    if (!isalpha((unsigned char)s[i])) {
        t->at = i;
        return ADSE__FLEX_BAD_CHAR;
    }
    t->name_at = i;
    while (isalpha((unsigned char)s[i]))
        i++;
    t->name_len = i - t->name_at;
    *pos = i;
    i = skip_blanks(s, i);
    if (bounds && (s[i] == '<' || s[i] == '>')) {
        if (s[i + 1] != '=') {
            t->at = i;
            return ADSE__FLEX_BAD_REL;
        }
        t->rel = s[i] == '<' ? ADSE__FACTOR_MAX : ADSE__FACTOR_MIN;
        i += 2;
    } else if (s[i] == '=') {
        i++;
    } else if (bounds && s[i] && !isdigit((unsigned char)s[i])) {
        t->at = i;
        return ADSE__FLEX_BAD_REL;
    }
    i = skip_blanks(s, i);
    *pos = i;
    if (!isdigit((unsigned char)s[i])) return ADSE__FLEX_NO_NUMBER;
    uint64_t v = 0;
    while (isdigit((unsigned char)s[i])) {
        uint64_t d = (uint64_t)(s[i++] - '0');
        if (v > (max - d) / 10) {
            *pos = i;
            return ADSE__FLEX_TOO_LARGE;
        }
        v = v * 10 + d;
    }
    t->value = v;
    *pos = i;
    size_t j = skip_blanks(s, i);
    if (s[j] == ',') t->residual = isdigit((unsigned char)s[skip_blanks(s, j + 1)]) != 0;
    return ADSE__FLEX_TOKEN;
}
