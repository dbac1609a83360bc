/* report/summary.c: Timeloop's one-line result summary (timeloop-model's stdout). */
#include "adse/report.h"

#include <inttypes.h>
#include <stdio.h>

#include "util/numtext.h"

const char *adse_report_summary_line(const adse_result *r, char *buf, size_t size)
{
    if (!buf || !size) return buf;
    if (!r) {
        buf[0] = 0;
        return buf;
    }
    double pj = r->computes ? r->energy_pj / (double)r->computes : 0.0;
    adse__c_snprintf(buf, size, "Utilization = %4.2f | pJ/Compute = %8.3f | Cycles = %" PRIu64,
                     r->utilization, pj, r->cycles);
    return buf;
}
