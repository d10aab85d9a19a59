#include "dispatch.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>
#endif

namespace kindling {

const char* nameOf(SimdLevel level) {
  switch (level) {
    case SimdLevel::kScalar: return "scalar";
    case SimdLevel::kSse2: return "sse2";
    case SimdLevel::kAvx2: return "avx2";
    case SimdLevel::kAvx512: return "avx512";
    case SimdLevel::kNeon: return "neon";
  }
  return "unknown";
}

std::vector<SimdLevel> compiledLevels() {
  std::vector<SimdLevel> levels{SimdLevel::kScalar};
#if KINDLING_HAVE_SSE2
  levels.push_back(SimdLevel::kSse2);
#endif
#if KINDLING_HAVE_AVX2
  levels.push_back(SimdLevel::kAvx2);
#endif
#if KINDLING_HAVE_AVX512
  levels.push_back(SimdLevel::kAvx512);
#endif
#if KINDLING_HAVE_NEON
  levels.push_back(SimdLevel::kNeon);
#endif
  return levels;
}

namespace {

#if defined(__x86_64__)
struct X86Features {
  bool avx2Fma = false;
  bool avx512 = false;
};

// Extended control register 0: which register states the OS saves and restores.
unsigned long long readXcr0() {
  unsigned eax = 0, edx = 0;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<unsigned long long>(edx) << 32) | eax;
}

X86Features detectX86() {
  X86Features features;
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return features;
  const bool osxsave = ecx & (1u << 27);
  const bool avx = ecx & (1u << 28);
  const bool fma = ecx & (1u << 12);
  if (!osxsave || !avx) return features;
  const unsigned long long xcr0 = readXcr0();
  const bool osSavesYmm = (xcr0 & 0x6) == 0x6;
  const bool osSavesZmm = (xcr0 & 0xE6) == 0xE6;
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return features;
  const bool avx2 = ebx & (1u << 5);
  const bool avx512f = ebx & (1u << 16);
  const bool avx512dq = ebx & (1u << 17);
  const bool avx512bw = ebx & (1u << 30);
  const bool avx512vl = ebx & (1u << 31);
  features.avx2Fma = osSavesYmm && avx2 && fma;
  features.avx512 = features.avx2Fma && osSavesZmm && avx512f && avx512dq && avx512bw && avx512vl;
  return features;
}

const X86Features& x86Features() {
  static const X86Features features = detectX86();
  return features;
}
#endif

}  // namespace

bool cpuSupports(SimdLevel level) {
  switch (level) {
    case SimdLevel::kScalar: return true;
#if defined(__x86_64__)
    case SimdLevel::kSse2: return true;  // part of x86-64 itself
    case SimdLevel::kAvx2: return x86Features().avx2Fma;
    case SimdLevel::kAvx512: return x86Features().avx512;
#endif
#if defined(__aarch64__)
    case SimdLevel::kNeon: return true;  // part of AArch64 itself
#endif
    default: return false;
  }
}

const KernelTables* kernelTables(SimdLevel level) {
  switch (level) {
    case SimdLevel::kScalar: return &scalar::kernelTables();
#if KINDLING_HAVE_SSE2
    case SimdLevel::kSse2: return &sse2::kernelTables();
#endif
#if KINDLING_HAVE_AVX2
    case SimdLevel::kAvx2: return &avx2::kernelTables();
#endif
#if KINDLING_HAVE_AVX512
    case SimdLevel::kAvx512: return &avx512::kernelTables();
#endif
#if KINDLING_HAVE_NEON
    case SimdLevel::kNeon: return &neon::kernelTables();
#endif
    default: return nullptr;
  }
}

}  // namespace kindling
