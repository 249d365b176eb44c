/*
 * A stand-in for Windows' bcryptprimitives.dll, for the tests under wine
 * only (never shipped): Rust's std takes its random numbers from
 * ProcessPrng, which Debian bookworm's wine 8.0 lacks, so without this
 * every Rust .exe fails to load there. It fills the buffer from
 * RtlGenRandom, which wine has.
 */
#include <windows.h>
#include <ntsecapi.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!RtlGenRandom(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
