// The element-wise activations compiled into the addon, in kernel-id order. Each entry names the
// function exported to JavaScript and the kernel struct in activations-inl.h. The TypeScript table
// (lib/spec/activations.ts) is matched against these names when the addon loads.
#pragma once

#define KINDLING_ACTIVATIONS(X) \
  X(relu, Relu)                 \
  X(sigmoid, Sigmoid)           \
  X(tanh, Tanh)
