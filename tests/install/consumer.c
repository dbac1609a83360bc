/*
 * A program outside the project that links the installed libadse (tests/check_install.sh
 * builds it with `pkg-config --cflags --libs --static adse`): prints the version it was
 * compiled against, then loads the files given and prints the model's cycles.
 */
#include <stdio.h>

#include <adse/adse.h>

#if !defined(ADSE_VERSION_NUMBER) || ADSE_VERSION_NUMBER != ADSE_VERSION_MAJOR * 10000 +           \
                                                                ADSE_VERSION_MINOR * 100 +         \
                                                                ADSE_VERSION_PATCH
#error "adse/version.h: inconsistent version macros"
#endif

int main(int argc, char **argv)
{
    printf("%s\n", ADSE_VERSION);
    adse_spec *spec = NULL;
    adse_model *model = NULL;
    adse_err e;
    char msg[1200];
    if (adse_spec_load((const char *const *)(argv + 1), argc - 1, &spec, &e) != ADSE_OK ||
        adse_model_create(&spec->arch, &spec->problem, NULL, &model, &e) != ADSE_OK) {
        fprintf(stderr, "%s\n", adse_err_format(&e, msg, sizeof msg));
        return 1;
    }
    adse_scratch *sc = adse_scratch_new(model);
    adse_result r;
    if (adse_model_evaluate(model, &spec->mapping, sc, &r, &e) != ADSE_OK) {
        fprintf(stderr, "%s\n", adse_err_format(&e, msg, sizeof msg));
        return 1;
    }
    printf("%llu\n", (unsigned long long)r.cycles);
    adse_scratch_free(sc);
    adse_model_free(model);
    adse_spec_free(spec);
    return 0;
}
