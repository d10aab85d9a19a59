// The element-wise activation kernels compiled into the addon, in kernel-id order. Each entry names
// the kernel as JavaScript knows it and its struct in activations-inl.h or activations/*-inl.h. The
// TypeScript table (lib/spec/activations.ts) is matched against these names when the addon loads.
// One group per block, so that each group's lines can change on their own.
#pragma once

#define KINDLING_ACTIVATIONS(X) \
  X(identity, Identity)         \
  X(relu, Relu)                 \
  X(sigmoid, Sigmoid)           \
  X(tanh, Tanh)                 \
  KINDLING_PIECEWISE(X)         \
  KINDLING_LOGISTIC(X)          \
  KINDLING_EXPONENTIAL(X)       \
  KINDLING_GELU(X)

// piecewise linear
#define KINDLING_PIECEWISE(X) \
  X(leakyRelu, LeakyRelu)     \
  X(hardTanh, HardTanh)       \
  X(hardSigmoid, HardSigmoid) \
  X(hardSwish, HardSwish)     \
  X(softShrink, SoftShrink)   \
  X(hardShrink, HardShrink)   \
  X(threshold, Threshold)     \
  X(softsign, Softsign)

// logistic
#define KINDLING_LOGISTIC(X) \
  X(swish, Swish)            \
  X(softplus, Softplus)      \
  X(logSigmoid, LogSigmoid)  \
  X(mish, Mish)              \
  X(tanhShrink, TanhShrink)

// exponential
#define KINDLING_EXPONENTIAL(X) X(elu, Elu) X(selu, Selu) X(celu, Celu) X(exponential, Exponential)

// gelu
#define KINDLING_GELU(X) X(gelu, Gelu) X(geluTanh, GeluTanh)
