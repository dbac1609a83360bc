/*
 * adse/export.h: ADSE_API marks the functions of the public API.
 *
 * The library is compiled with hidden symbol visibility (CMakeLists.txt), so that when it is
 * linked into a shared object only the functions declared with ADSE_API are exported, never
 * the internal adse__ ones. A static link (libadse.a, what `install` ships) is unaffected.
 */
#ifndef ADSE_EXPORT_H
#define ADSE_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define ADSE_API __attribute__((visibility("default")))
#else
#define ADSE_API
#endif

#endif
