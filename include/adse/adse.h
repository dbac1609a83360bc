/*
 * adse/adse.h: the umbrella header of the adse library (accelerator design-space
 * exploration). Include this one header to use the library.
 */
#ifndef ADSE_ADSE_H
#define ADSE_ADSE_H

#include "adse/version.h"
#include "adse/error.h"
#include "adse/util.h"
#include "adse/limits.h"
#include "adse/workload.h"
#include "adse/network.h"
#include "adse/arch.h"
#include "adse/energy.h"
#include "adse/mapping.h"
#include "adse/spec.h"
#include "adse/model.h"
#include "adse/constraints.h"
#include "adse/mapper.h"
#include "adse/report.h"
#include "adse/search_spec.h"
#include "adse/search.h"
#include "adse/search_report.h"

#endif
