/* Reading a whole file (util/file.h). */
#include "util/file.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

adse_status adse__read_file_max(const char *path, size_t max_bytes, const char *max_name,
                                char **text, size_t *len, adse_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return adse_err_set(err, ADSE_E_IO, path, 0, 0, "cannot open file: %s", strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap) break;
        if (n > max_bytes) { /* also stops an endless file such as /dev/zero */
            free(buf);
            fclose(f);
            return adse_err_set(err, ADSE_E_SPEC, path, 0, 0, "file larger than %s (%zu MiB)",
                                max_name, max_bytes >> 20);
        }
        char *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    bool failed = buf && ferror(f);
    fclose(f);
    if (!buf) return adse_err_set(err, ADSE_E_NOMEM, NULL, 0, 0, "out of memory");
    if (failed) {
        free(buf);
        return adse_err_set(err, ADSE_E_IO, path, 0, 0, "cannot read file");
    }
    *text = buf;
    *len = n;
    return ADSE_OK;
}

bool adse__path_dir(const char *path, char *out, size_t size)
{
    out[0] = 0;
    const char *slash = strrchr(path, '/');
    if (!slash) return true;
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    if (n >= size) return false;
    memcpy(out, path, n);
    out[n] = 0;
    return true;
}

int adse__path_join(char *out, size_t size, const char *base_dir, const char *path)
{
    if (path[0] == '/' || !base_dir || !base_dir[0] || strcmp(base_dir, ".") == 0)
        return snprintf(out, size, "%s", path);
    return snprintf(out, size, "%s/%s", base_dir, path);
}

void adse__path_stem(const char *path, char *out, size_t size)
{
    const char *slash = strrchr(path, '/');
    const char *b = slash ? slash + 1 : path;
    const char *dot = strrchr(b, '.');
    size_t n = dot && dot != b ? (size_t)(dot - b) : strlen(b);
    if (n >= size) n = size - 1;
    memcpy(out, b, n);
    out[n] = 0;
}
