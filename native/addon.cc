// Node-API glue: argument checks that protect memory, the per-level kernel objects, Promise work
// on libuv's threads, and registration. The TypeScript facade has already validated user input;
// the checks here only make sure a direct caller can never make the addon read or write outside
// an array.
//
// A worker thread terminated while Promise calls are pending still runs their completions, on an
// environment that can no longer run JavaScript: settling the Promise fails there, and without
// this node-addon-api would rethrow that failure as a C++ exception nothing can catch, aborting
// the whole process. With it, the unthrowable error is dropped (no JavaScript is left to see it).
#define NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS
#include <napi.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "dispatch.h"
#include "kernels/activation_list.h"
#include "kernels/random_list.h"
#include "linalg.h"
#include "staging.h"
#include "thread_pool.h"

namespace kindling {
namespace {

// Bumped whenever binding.d.ts changes, so that a stale build is passed over by the loader.
constexpr uint32_t kAbiVersion = 5;

constexpr const char* kActivationNames[] = {
#define KINDLING_NAME_OF(name, Kernel) #name,
    KINDLING_ACTIVATIONS(KINDLING_NAME_OF)
#undef KINDLING_NAME_OF
};
constexpr uint32_t kActivationCount = sizeof(kActivationNames) / sizeof(kActivationNames[0]);

enum class Distribution {
#define KINDLING_ENUM_OF(name) name,
  KINDLING_DISTRIBUTIONS(KINDLING_ENUM_OF)
#undef KINDLING_ENUM_OF
};
constexpr const char* kDistributionNames[] = {
#define KINDLING_NAME_OF(name) #name,
    KINDLING_DISTRIBUTIONS(KINDLING_NAME_OF)
#undef KINDLING_NAME_OF
};
constexpr uint32_t kDistributionCount = sizeof(kDistributionNames) / sizeof(kDistributionNames[0]);

// Work is split into chunks aligned to whole cache lines of any element type, which are also
// whole groups of random values (docs/rng.md §2).
constexpr size_t kAlign = 64;
// Fewest random values worth a thread of their own.
constexpr size_t kRandomGrain = size_t{1} << 15;

// A typed array argument: where its elements are and how many.
struct ArrayArg {
  napi_typedarray_type type;
  void* data;
  size_t length;
  size_t elementSize;
  // False for a SharedArrayBuffer's views: JavaScript can detach (transfer) every other buffer,
  // and the memory of a detached buffer can be freed while a Promise call still runs.
  bool detachable;
  // The array itself, valid during the call that parsed it.
  napi_value value;

  size_t byteSize() const { return length * elementSize; }
};

size_t elementSizeOf(napi_typedarray_type type) {
  switch (type) {
    case napi_int8_array:
    case napi_uint8_array:
    case napi_uint8_clamped_array: return 1;
    case napi_int16_array:
    case napi_uint16_array: return 2;
    case napi_int32_array:
    case napi_uint32_array:
    case napi_float32_array: return 4;
    default: return 8;
  }
}

const char* typeName(napi_typedarray_type type) {
  switch (type) {
    case napi_float32_array: return "Float32Array";
    case napi_float64_array: return "Float64Array";
    case napi_uint32_array: return "Uint32Array";
    case napi_int32_array: return "Int32Array";
    case napi_uint8_array: return "Uint8Array";
    default: return "typed array";
  }
}

std::string describe(const Napi::Value& value) {
  if (value.IsTypedArray()) return std::string("a ") + typeName(value.As<Napi::TypedArray>().TypedArrayType());
  if (value.IsUndefined()) return "undefined";
  if (value.IsNull()) return "null";
  if (value.IsNumber()) return "a number";
  if (value.IsString()) return "a string";
  return "a value of another type";
}

// The typed array at info[index], which must be of one of `allowed` types (named by `expected`).
ArrayArg arrayArg(const Napi::CallbackInfo& info, size_t index, const char* name,
                  std::initializer_list<napi_typedarray_type> allowed, const char* expected) {
  const Napi::Env env = info.Env();
  const Napi::Value value = info[index];
  ArrayArg array{};
  napi_value buffer = nullptr;
  size_t byteOffset;
  bool ok = value.IsTypedArray();
  if (ok) {
    // One napi_get_typedarray_info per array: it tests the array's type against every kind in
    // turn, and was a quarter of the cost of a call on a few elements when made twice.
    NAPI_THROW_IF_FAILED(env, napi_get_typedarray_info(env, value, &array.type, &array.length, &array.data, &buffer, &byteOffset), array);
    ok = false;
    for (napi_typedarray_type candidate : allowed) ok = ok || candidate == array.type;
  }
  if (!ok) {
    throw Napi::TypeError::New(env, std::string("Expected ") + expected + " for " + name + " but received " + describe(value));
  }
  NAPI_THROW_IF_FAILED(env, napi_is_arraybuffer(env, buffer, &array.detachable), array);
  array.elementSize = elementSizeOf(array.type);
  array.value = value;
  return array;
}

ArrayArg floatArrayArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  return arrayArg(info, index, name, {napi_float32_array, napi_float64_array}, "a Float32Array or Float64Array");
}

// A Promise call's `out`: the array given, or for null a new one of like's type and `length`,
// which the call creates and settles with. No JavaScript can reach that array before then, so it
// counts as not detachable: the kernel writes it in place, and its fresh pages are first touched on
// the worker thread, where they no longer hold the event loop (copying into a new 64 MB array when
// the call settled stalled it for 170-240 ms).
ArrayArg outArg(const Napi::CallbackInfo& info, size_t index, const ArrayArg& like, size_t length, bool promise) {
  if (!promise || !info[index].IsNull()) return floatArrayArg(info, index, "out");
  const Napi::Env env = info.Env();
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, length * like.elementSize);
  ArrayArg array{like.type, buffer.Data(), length, like.elementSize, false, nullptr};
  NAPI_THROW_IF_FAILED(env, napi_create_typedarray(env, like.type, length, buffer, 0, &array.value), array);
  return array;
}

void requireSameShape(const Napi::Env& env, const ArrayArg& array, const ArrayArg& like, const char* name) {
  if (array.type != like.type) {
    throw Napi::TypeError::New(env, std::string("Expected ") + name + " to have the element type of x");
  }
  if (array.length != like.length) {
    throw Napi::RangeError::New(env, std::string("Expected ") + name + " to have the length of x (" +
                                         std::to_string(like.length) + ") but received length " +
                                         std::to_string(array.length));
  }
}

double numberArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  const Napi::Value value = info[index];
  if (!value.IsNumber()) throw Napi::TypeError::New(info.Env(), std::string("Expected a number for ") + name);
  return value.As<Napi::Number>().DoubleValue();
}

// An integer argument in [0, limit].
uint64_t integerArg(const Napi::CallbackInfo& info, size_t index, const char* name, double limit) {
  const double value = numberArg(info, index, name);
  if (!(value >= 0 && value <= limit) || value != std::floor(value)) {
    throw Napi::RangeError::New(info.Env(), std::string("Expected an integer from 0 to ") +
                                                std::to_string(static_cast<uint64_t>(limit)) + " for " + name);
  }
  return static_cast<uint64_t>(value);
}

const KernelTables& tablesOf(const Napi::CallbackInfo& info) {
  return *static_cast<const KernelTables*>(info.Data());
}

// Where a Promise call's kernel writes a result array: into the array itself if it cannot be
// detached, else into `staged`, made the array's size and copied in when the call settles.
unsigned char* resultTarget(const ArrayArg& array, StagingBuffer& staged) {
  if (!array.detachable) return static_cast<unsigned char*>(array.data);
  staged = StagingBuffer(array.byteSize());
  return staged.data();
}

// Runs a call on libuv's thread pool and settles a Promise. JavaScript may detach (transfer) an
// ordinary ArrayBuffer while the call runs, and the memory can then be freed, so the kernel never
// touches such an array from another thread: inputs are copied in when the call starts, the result
// is computed into memory the worker owns and copied into `out` when the call settles on the
// JavaScript thread, and if `out` was detached or resized meanwhile the Promise rejects. That
// memory is uninitialized and recycled (staging.h), so its pages are not faulted in again on the
// JavaScript thread by every large call.
// Views of a SharedArrayBuffer, which cannot be detached, are used in place with no copies.
class KernelWorker : public Napi::AsyncWorker {
 public:
  KernelWorker(const Napi::Env& env, const Napi::Value& outValue, const ArrayArg& out)
      : Napi::AsyncWorker(env, "kindling"),
        out_(Napi::Persistent(outValue.As<Napi::Object>())),
        outBytes_(out.byteSize()),
        deferred_(Napi::Promise::Deferred::New(env)) {
    outData_ = resultTarget(out, result_);
  }

  // Where the kernel reads `input`: a copy unless it cannot be detached. A SharedArrayBuffer's
  // view is read in place, so the worker holds it: the caller may drop its last reference, and
  // the collector would then free the memory the kernel is reading.
  const void* stage(const ArrayArg& input) {
    if (!input.detachable) {
      sharedInputs_.push_back(Napi::Persistent(Napi::Object(Env(), input.value)));
      return input.data;
    }
    copies_.emplace_back(input.byteSize());
    if (input.byteSize() > 0) std::memcpy(copies_.back().data(), input.data, input.byteSize());
    return copies_.back().data();
  }

  // Where the kernel writes the result.
  void* output() const { return outData_; }

  Napi::Promise start(std::function<void()> job) {
    job_ = std::move(job);
    Napi::Promise promise = deferred_.Promise();
    Queue();  // the worker deletes itself once settled
    return promise;
  }

 protected:
  void Execute() override { job_(); }

  void OnOK() override {
    if (result_.size() > 0) {
      void* data = nullptr;
      size_t length = 0;
      napi_typedarray_type type;
      NAPI_THROW_IF_FAILED_VOID(Env(), napi_get_typedarray_info(Env(), out_.Value(), &type, &length, &data, nullptr, nullptr));
      if (length * elementSizeOf(type) != outBytes_ || data == nullptr) {
        deferred_.Reject(Napi::TypeError::New(Env(), "Expected out to keep its buffer and length until the call settled, "
                                                     "but it was detached or resized").Value());
        return;
      }
      std::memcpy(data, result_.data(), outBytes_);
    }
    deferred_.Resolve(out_.Value());
  }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  Napi::ObjectReference out_;
  size_t outBytes_;
  std::vector<StagingBuffer> copies_;
  std::vector<Napi::ObjectReference> sharedInputs_;
  StagingBuffer result_;
  unsigned char* outData_;
  std::function<void()> job_;
  Napi::Promise::Deferred deferred_;
};

// ---- Element-wise activations ----

enum class Pass { kForward, kDerivative, kBackward, kBackwardFromOutput };

struct ElementwiseCall {
  const ActivationKernels* kernels;
  Pass pass;
  bool isFloat32;
  const void* gradOutput;
  const void* x;  // the output y for kBackwardFromOutput
  void* out;
  size_t n;
  double a;
  double b;

  void run() const {
    parallelFor(n, kernels->grain, kAlign, [this](size_t begin, size_t end) { runRange(begin, end); });
  }

  template <typename T>
  static const T* at(const void* p, size_t i) {
    return static_cast<const T*>(p) + i;
  }

  void runRange(size_t begin, size_t end) const {
    const size_t count = end - begin;
    if (isFloat32) {
      float* o = static_cast<float*>(out) + begin;
      switch (pass) {
        case Pass::kForward: return kernels->forward32(at<float>(x, begin), o, count, a, b);
        case Pass::kDerivative: return kernels->derivative32(at<float>(x, begin), o, count, a, b);
        case Pass::kBackward:
          return kernels->backward32(at<float>(gradOutput, begin), at<float>(x, begin), o, count, a, b);
        case Pass::kBackwardFromOutput:
          return kernels->backwardFromOutput32(at<float>(gradOutput, begin), at<float>(x, begin), o, count, a, b);
      }
    } else {
      double* o = static_cast<double*>(out) + begin;
      switch (pass) {
        case Pass::kForward: return kernels->forward64(at<double>(x, begin), o, count, a, b);
        case Pass::kDerivative: return kernels->derivative64(at<double>(x, begin), o, count, a, b);
        case Pass::kBackward:
          return kernels->backward64(at<double>(gradOutput, begin), at<double>(x, begin), o, count, a, b);
        case Pass::kBackwardFromOutput:
          return kernels->backwardFromOutput64(at<double>(gradOutput, begin), at<double>(x, begin), o, count, a, b);
      }
    }
  }
};

struct ParsedElementwise {
  ElementwiseCall call;
  ArrayArg gradOutput;
  ArrayArg x;
  ArrayArg out;
};

// Arguments: (id, pass, x, out, a, b) for forward (pass 0) and derivative (pass 1), or
// (id, source, gradOutput, input, out, a, b) for backward, where source 0 means the input is x and
// 1 that it is the output y = f(x).
ParsedElementwise parseElementwise(const Napi::CallbackInfo& info, bool backward, bool promise) {
  ParsedElementwise parsed{};
  ElementwiseCall& call = parsed.call;
  call.kernels = &tablesOf(info).activations[integerArg(info, 0, "id", kActivationCount - 1)];
  const double pass = numberArg(info, 1, backward ? "source" : "pass");
  if (pass != 0 && pass != 1) {
    throw Napi::RangeError::New(info.Env(), backward ? "Expected source 0 (input) or 1 (output)"
                                                     : "Expected pass 0 (forward) or 1 (derivative)");
  }
  size_t next = 2;
  if (backward) {
    call.pass = pass == 0 ? Pass::kBackward : Pass::kBackwardFromOutput;
    if (call.pass == Pass::kBackwardFromOutput && call.kernels->backwardFromOutput32 == nullptr) {
      throw Napi::RangeError::New(info.Env(), "Expected an activation whose derivative is a function of its output");
    }
    parsed.gradOutput = floatArrayArg(info, next++, "gradOutput");
  } else {
    call.pass = pass == 0 ? Pass::kForward : Pass::kDerivative;
  }
  parsed.x = floatArrayArg(info, next++, "x");
  parsed.out = outArg(info, next++, parsed.x, parsed.x.length, promise);
  requireSameShape(info.Env(), parsed.out, parsed.x, "out");
  if (backward) requireSameShape(info.Env(), parsed.gradOutput, parsed.x, "gradOutput");
  call.isFloat32 = parsed.x.type == napi_float32_array;
  call.gradOutput = parsed.gradOutput.data;
  call.x = parsed.x.data;
  call.out = parsed.out.data;
  call.n = parsed.x.length;
  call.a = numberArg(info, next++, "a");
  call.b = numberArg(info, next++, "b");
  return parsed;
}

Napi::Value activation(const Napi::CallbackInfo& info) {
  parseElementwise(info, false, false).call.run();
  return info.Env().Undefined();
}

Napi::Value activationBackward(const Napi::CallbackInfo& info) {
  parseElementwise(info, true, false).call.run();
  return info.Env().Undefined();
}

Napi::Value queueElementwise(const Napi::CallbackInfo& info, bool backward) {
  ParsedElementwise parsed = parseElementwise(info, backward, true);
  auto* worker = new KernelWorker(info.Env(), Napi::Value(info.Env(), parsed.out.value), parsed.out);
  ElementwiseCall call = parsed.call;
  call.x = worker->stage(parsed.x);
  if (backward) call.gradOutput = worker->stage(parsed.gradOutput);
  call.out = worker->output();
  return worker->start([call] { call.run(); });
}

Napi::Value activationAsync(const Napi::CallbackInfo& info) { return queueElementwise(info, false); }
Napi::Value activationBackwardAsync(const Napi::CallbackInfo& info) { return queueElementwise(info, true); }

// along an axis
// ---- Activations along an axis ----
}  // namespace
}  // namespace kindling
#include "kernels/axis.h"  // (here, below the axis marker, so that the groups' branches merge cleanly)
namespace kindling {
namespace {

constexpr const char* kAxisNames[] = {
#define KINDLING_NAME_OF(name, Kernel) #name,
    KINDLING_AXIS_ACTIVATIONS(KINDLING_NAME_OF)
#undef KINDLING_NAME_OF
};
constexpr uint32_t kAxisCount = sizeof(kAxisNames) / sizeof(kAxisNames[0]);
// About this many elements are worth a thread of their own.
constexpr size_t kAxisGrain = size_t{1} << 14;
constexpr double kMaxExtent = 9007199254740991.0;  // 2^53 - 1

struct AxisCall {
  const AxisKernels* kernels;
  Pass pass;
  bool isFloat32;
  const void* gradOutput;
  const void* input;
  void* out;
  const uint8_t* mask;
  size_t outer;
  size_t length;
  size_t inner;

  void run() const {
    const size_t units = kernels->unitsAreElements ? outer * (length / 2) * inner : outer * inner;
    const size_t unitSize = kernels->unitsAreElements || length == 0 ? 1 : length;
    const size_t grain = kAxisGrain / unitSize > 0 ? kAxisGrain / unitSize : 1;
    parallelFor(units, grain, 16, [this](size_t begin, size_t end) { runRange(begin, end); });
  }

  template <typename T>
  AxisArgs<T> args() const {
    return {static_cast<const T*>(gradOutput), static_cast<const T*>(input), static_cast<T*>(out), mask, outer, length, inner};
  }

  void runRange(size_t begin, size_t end) const {
    if (isFloat32) {
      const AxisKernel<float> kernel = pass == Pass::kForward    ? kernels->forward32
                                       : pass == Pass::kBackward ? kernels->backward32
                                                                 : kernels->backwardFromOutput32;
      kernel(args<float>(), begin, end);
    } else {
      const AxisKernel<double> kernel = pass == Pass::kForward    ? kernels->forward64
                                        : pass == Pass::kBackward ? kernels->backward64
                                                                  : kernels->backwardFromOutput64;
      kernel(args<double>(), begin, end);
    }
  }
};

struct ParsedAxis {
  AxisCall call;
  ArrayArg gradOutput;
  ArrayArg input;
  ArrayArg out;
  ArrayArg mask;
  bool masked;
};

void requireLength(const Napi::Env& env, const ArrayArg& array, const ArrayArg& like, size_t length, const char* name) {
  if (array.type != like.type) {
    throw Napi::TypeError::New(env, std::string("Expected ") + name + " to have the element type of x");
  }
  if (array.length != length) {
    throw Napi::RangeError::New(env, std::string("Expected ") + name + " to have length " + std::to_string(length) +
                                         " but received length " + std::to_string(array.length));
  }
}

// Arguments: (id, x, out, outer, length, inner, mask) for forward, or (id, source, gradOutput,
// input, out, outer, length, inner, mask) for backward, where source 0 means the input is x and 1
// that it is the output y; mask is a Uint8Array of x's length or null.
ParsedAxis parseAxis(const Napi::CallbackInfo& info, bool backward, bool promise) {
  const Napi::Env env = info.Env();
  ParsedAxis parsed{};
  AxisCall& call = parsed.call;
  call.kernels = &tablesOf(info).axis[integerArg(info, 0, "id", kAxisCount - 1)];
  size_t next = 1;
  call.pass = Pass::kForward;
  if (backward) {
    const double source = numberArg(info, next++, "source");
    if (source != 0 && source != 1) throw Napi::RangeError::New(env, "Expected source 0 (input) or 1 (output)");
    call.pass = source == 0 ? Pass::kBackward : Pass::kBackwardFromOutput;
    if (call.pass == Pass::kBackwardFromOutput && call.kernels->backwardFromOutput32 == nullptr) {
      throw Napi::RangeError::New(env, "Expected an activation whose gradient is a function of its output");
    }
    parsed.gradOutput = floatArrayArg(info, next++, "gradOutput");
  }
  parsed.input = floatArrayArg(info, next++, backward ? "input" : "x");
  const size_t outIndex = next++;
  call.outer = integerArg(info, next++, "outer", kMaxExtent);
  call.length = integerArg(info, next++, "length", kMaxExtent);
  call.inner = integerArg(info, next++, "inner", kMaxExtent);
  size_t total = 0;
  if (__builtin_mul_overflow(call.outer, call.length, &total) || __builtin_mul_overflow(total, call.inner, &total) ||
      total != parsed.input.length) {
    throw Napi::RangeError::New(env, "Expected outer * length * inner to equal the input's length (" +
                                         std::to_string(parsed.input.length) + ")");
  }
  const bool halves = call.kernels->unitsAreElements;
  if (halves && call.length % 2 != 0) throw Napi::RangeError::New(env, "Expected an even length for glu");
  const size_t outLength = halves ? total / 2 : total;
  if (backward) {
    requireLength(env, parsed.gradOutput, parsed.input, outLength, "gradOutput");
    parsed.out = outArg(info, outIndex, parsed.input, total, promise);
    requireLength(env, parsed.out, parsed.input, total, "out");
  } else {
    parsed.out = outArg(info, outIndex, parsed.input, outLength, promise);
    requireLength(env, parsed.out, parsed.input, outLength, "out");
  }
  const Napi::Value mask = info[next];
  parsed.masked = !mask.IsNull() && !mask.IsUndefined();
  if (parsed.masked) {
    if (halves) throw Napi::RangeError::New(env, "Expected no mask for glu");
    parsed.mask = arrayArg(info, next, "mask", {napi_uint8_array}, "a Uint8Array or null");
    if (parsed.mask.length != total) {
      throw Napi::RangeError::New(env, "Expected mask to have the length of x (" + std::to_string(total) +
                                           ") but received length " + std::to_string(parsed.mask.length));
    }
  }
  call.isFloat32 = parsed.input.type == napi_float32_array;
  call.gradOutput = parsed.gradOutput.data;
  call.input = parsed.input.data;
  call.out = parsed.out.data;
  call.mask = parsed.masked ? static_cast<const uint8_t*>(parsed.mask.data) : nullptr;
  return parsed;
}

Napi::Value axisActivation(const Napi::CallbackInfo& info) {
  parseAxis(info, false, false).call.run();
  return info.Env().Undefined();
}

Napi::Value axisActivationBackward(const Napi::CallbackInfo& info) {
  parseAxis(info, true, false).call.run();
  return info.Env().Undefined();
}

Napi::Value queueAxis(const Napi::CallbackInfo& info, bool backward) {
  ParsedAxis parsed = parseAxis(info, backward, true);
  auto* worker = new KernelWorker(info.Env(), Napi::Value(info.Env(), parsed.out.value), parsed.out);
  AxisCall call = parsed.call;
  call.input = worker->stage(parsed.input);
  if (backward) call.gradOutput = worker->stage(parsed.gradOutput);
  if (parsed.masked) call.mask = static_cast<const uint8_t*>(worker->stage(parsed.mask));
  call.out = worker->output();
  return worker->start([call] { call.run(); });
}

Napi::Value axisActivationNames(const Napi::CallbackInfo& info) {
  Napi::Array names = Napi::Array::New(info.Env(), kAxisCount);
  for (uint32_t i = 0; i < kAxisCount; ++i) names.Set(i, Napi::String::New(info.Env(), kAxisNames[i]));
  return names;
}

Napi::Value axisActivationAsync(const Napi::CallbackInfo& info) { return queueAxis(info, false); }
Napi::Value axisActivationBackwardAsync(const Napi::CallbackInfo& info) { return queueAxis(info, true); }

// prelu and rrelu
// ---- prelu (learned slopes) ----

#include "kernels/prelu-plan-inl.h"

constexpr double kPreluMaxLength = 9007199254740991.0;  // 2^53 - 1
// Fewest elements of an element-wise pass worth a thread of their own, and of backward work.
constexpr size_t kPreluGrain = size_t{1} << 17;
constexpr size_t kPreluBackwardGrain = size_t{1} << 15;

// The layout (outer, channels, inner) at info[index..index + 2], checked against x and the weights.
PreluPlan preluLayoutArg(const Napi::CallbackInfo& info, size_t index, const ArrayArg& x, const ArrayArg& weight) {
  const Napi::Env env = info.Env();
  const uint64_t outer = integerArg(info, index, "outer", kPreluMaxLength);
  const uint64_t channels = integerArg(info, index + 1, "channels", kPreluMaxLength);
  const uint64_t inner = integerArg(info, index + 2, "inner", kPreluMaxLength);
  uint64_t rowLength = 0, length = 0;
  if (__builtin_mul_overflow(channels, inner, &rowLength) || __builtin_mul_overflow(outer, rowLength, &length) ||
      length != x.length) {
    throw Napi::RangeError::New(env, "Expected outer * channels * inner to be the length of x (" +
                                         std::to_string(x.length) + ")");
  }
  if (weight.type != x.type) throw Napi::TypeError::New(env, "Expected weight to have the element type of x");
  if (weight.length != channels) {
    throw Napi::RangeError::New(env, "Expected weight to have `channels` (" + std::to_string(channels) +
                                         ") elements but received length " + std::to_string(weight.length));
  }
  return preluPlan(outer, channels, inner);
}

// The slopes the kernels read (see KernelTables::Prelu): the weights themselves for long runs and
// for channels-last rows of at least kPreluMinPeriod, else one row's slopes, repeated to at least
// kPreluMinPeriod, built in `pattern`. Only for a non-empty x.
template <typename T>
const T* preluSlopes(const PreluPlan& plan, const T* weight, std::vector<T>& pattern, size_t& period) {
  const size_t rowLength = plan.channels * plan.inner;
  if (plan.longRuns || (plan.inner == 1 && rowLength >= kPreluMinPeriod)) {
    period = plan.longRuns ? 0 : rowLength;
    return weight;
  }
  period = rowLength * ((kPreluMinPeriod + rowLength - 1) / rowLength);
  pattern.resize(period);
  for (size_t j = 0; j < period; ++j) pattern[j] = weight[j % rowLength / plan.inner];
  return pattern.data();
}

struct PreluMapCall {
  const KernelTables::Prelu* kernels;
  bool isFloat32;
  int pass;
  const void* x;
  const void* weight;
  void* out;
  PreluPlan plan;

  void run() const {
    if (isFloat32) runAs<float>(kernels->map32);
    else runAs<double>(kernels->map64);
  }

  template <typename T, typename Kernel>
  void runAs(Kernel kernel) const {
    const size_t n = plan.outer * plan.channels * plan.inner;
    if (n == 0) return;
    std::vector<T> pattern;
    size_t period = 0;
    const T* slopes = preluSlopes(plan, static_cast<const T*>(weight), pattern, period);
    const T* input = static_cast<const T*>(x);
    T* output = static_cast<T*>(out);
    const size_t channels = plan.channels, inner = plan.inner;
    parallelFor(n, kPreluGrain, kAlign, [&](size_t begin, size_t end) {
      kernel(pass, input, slopes, period, output, begin, end, channels, inner);
    });
  }
};

struct ParsedPreluMap {
  PreluMapCall call;
  ArrayArg x;
  ArrayArg weight;
  ArrayArg out;
};

// Arguments: (pass, x, weight, out, outer, channels, inner).
ParsedPreluMap parsePreluMap(const Napi::CallbackInfo& info, bool promise) {
  ParsedPreluMap parsed{};
  const double pass = numberArg(info, 0, "pass");
  if (pass != 0 && pass != 1 && pass != 2) {
    throw Napi::RangeError::New(info.Env(), "Expected pass 0 (forward), 1 (derivative) or 2 (product)");
  }
  parsed.x = floatArrayArg(info, 1, "x");
  parsed.weight = floatArrayArg(info, 2, "weight");
  parsed.out = outArg(info, 3, parsed.x, parsed.x.length, promise);
  requireSameShape(info.Env(), parsed.out, parsed.x, "out");
  PreluMapCall& call = parsed.call;
  call.plan = preluLayoutArg(info, 4, parsed.x, parsed.weight);
  call.kernels = &tablesOf(info).prelu;
  call.isFloat32 = parsed.x.type == napi_float32_array;
  call.pass = static_cast<int>(pass);
  call.x = parsed.x.data;
  call.weight = parsed.weight.data;
  call.out = parsed.out.data;
  return parsed;
}

Napi::Value prelu(const Napi::CallbackInfo& info) {
  parsePreluMap(info, false).call.run();
  return info.Env().Undefined();
}

Napi::Value preluAsync(const Napi::CallbackInfo& info) {
  ParsedPreluMap parsed = parsePreluMap(info, true);
  auto* worker = new KernelWorker(info.Env(), Napi::Value(info.Env(), parsed.out.value), parsed.out);
  PreluMapCall call = parsed.call;
  call.x = worker->stage(parsed.x);
  call.weight = worker->stage(parsed.weight);
  call.out = worker->output();
  return worker->start([call] { call.run(); });
}

struct PreluBackwardCall {
  const KernelTables::Prelu* kernels;
  bool isFloat32;
  const void* gradOutput;
  const void* x;
  const void* weight;
  void* gradInput;
  void* gradWeight;
  PreluPlan plan;

  void run() const {
    if (isFloat32) runAs<float>(kernels->backward32);
    else runAs<double>(kernels->backward64);
  }

  // The tiles' values are gathered first and gradWeight written last, so it may be an input.
  template <typename T, typename Kernel>
  void runAs(Kernel kernel) const {
    std::vector<double> tileSums(plan.channels * plan.tiles());
    if (plan.outer * plan.channels * plan.inner > 0) {
      std::vector<T> pattern;
      size_t period = 0;
      const T* slopes = preluSlopes(plan, static_cast<const T*>(weight), pattern, period);
      const T* g = static_cast<const T*>(gradOutput);
      const T* input = static_cast<const T*>(x);
      T* output = static_cast<T*>(gradInput);
      const PreluPlan& layout = plan;
      const size_t itemsPerGrain = kPreluBackwardGrain / (plan.itemElements > 0 ? plan.itemElements : 1);
      const size_t grain = itemsPerGrain > 0 ? itemsPerGrain : 1;
      parallelFor(plan.items, grain, 1, [&](size_t begin, size_t end) {
        kernel(g, input, slopes, output, tileSums.data(), begin, end, layout.outer, layout.channels, layout.inner);
      });
    }
    preluCombine(plan, tileSums.data(), static_cast<T*>(gradWeight));
  }
};

struct ParsedPreluBackward {
  PreluBackwardCall call;
  ArrayArg gradOutput;
  ArrayArg x;
  ArrayArg weight;
  ArrayArg gradInput;
  ArrayArg gradWeight;
};

// Arguments: (gradOutput, x, weight, gradInput, gradWeight, outer, channels, inner).
ParsedPreluBackward parsePreluBackward(const Napi::CallbackInfo& info) {
  ParsedPreluBackward parsed{};
  parsed.gradOutput = floatArrayArg(info, 0, "gradOutput");
  parsed.x = floatArrayArg(info, 1, "x");
  parsed.weight = floatArrayArg(info, 2, "weight");
  parsed.gradInput = floatArrayArg(info, 3, "gradInput");
  parsed.gradWeight = floatArrayArg(info, 4, "gradWeight");
  requireSameShape(info.Env(), parsed.gradOutput, parsed.x, "gradOutput");
  requireSameShape(info.Env(), parsed.gradInput, parsed.x, "gradInput");
  PreluBackwardCall& call = parsed.call;
  call.plan = preluLayoutArg(info, 5, parsed.x, parsed.weight);
  if (parsed.gradWeight.type != parsed.weight.type || parsed.gradWeight.length != parsed.weight.length) {
    throw Napi::RangeError::New(info.Env(), "Expected gradWeight to have the element type and length of weight");
  }
  call.kernels = &tablesOf(info).prelu;
  call.isFloat32 = parsed.x.type == napi_float32_array;
  call.gradOutput = parsed.gradOutput.data;
  call.x = parsed.x.data;
  call.weight = parsed.weight.data;
  call.gradInput = parsed.gradInput.data;
  call.gradWeight = parsed.gradWeight.data;
  return parsed;
}

Napi::Value preluBackward(const Napi::CallbackInfo& info) {
  parsePreluBackward(info).call.run();
  return info.Env().Undefined();
}

// A KernelWorker with a second result, gradWeight, on the same terms: computed into memory the
// worker owns unless it is a SharedArrayBuffer's view, and copied in when the call settles, only
// if neither result array was detached or resized meanwhile.
class PreluBackwardWorker : public KernelWorker {
 public:
  PreluBackwardWorker(const Napi::Env& env, const Napi::Value& gradInputValue, const ArrayArg& gradInput,
                      const Napi::Value& gradWeightValue, const ArrayArg& gradWeight)
      : KernelWorker(env, gradInputValue, gradInput),
        gradInput_(Napi::Persistent(gradInputValue.As<Napi::Object>())),
        gradInputBytes_(gradInput.byteSize()),
        gradWeight_(Napi::Persistent(gradWeightValue.As<Napi::Object>())),
        gradWeightBytes_(gradWeight.byteSize()) {
    weightData_ = resultTarget(gradWeight, weightResult_);
  }

  void* weightOutput() const { return weightData_; }

 protected:
  void OnOK() override {
    if (weightResult_.size() > 0) {
      void* data = nullptr;
      if (!intact(gradInput_, gradInputBytes_, nullptr) || !intact(gradWeight_, gradWeightBytes_, &data)) {
        KernelWorker::OnError(Napi::TypeError::New(Env(), "Expected gradInput and gradWeight to keep their buffers and "
                                                          "lengths until the call settled, but one was detached or resized"));
        return;
      }
      std::memcpy(data, weightResult_.data(), gradWeightBytes_);
    }
    KernelWorker::OnOK();
  }

 private:
  // Whether the array still has `bytes` bytes of memory (an empty one always has).
  bool intact(Napi::ObjectReference& array, size_t bytes, void** data) {
    void* where = nullptr;
    size_t length = 0;
    napi_typedarray_type type;
    if (napi_get_typedarray_info(Env(), array.Value(), &type, &length, &where, nullptr, nullptr) != napi_ok) return false;
    if (data != nullptr) *data = where;
    return bytes == 0 || (length * elementSizeOf(type) == bytes && where != nullptr);
  }

  Napi::ObjectReference gradInput_;
  size_t gradInputBytes_;
  Napi::ObjectReference gradWeight_;
  size_t gradWeightBytes_;
  StagingBuffer weightResult_;
  unsigned char* weightData_;
};

Napi::Value preluBackwardAsync(const Napi::CallbackInfo& info) {
  ParsedPreluBackward parsed = parsePreluBackward(info);
  auto* worker = new PreluBackwardWorker(info.Env(), info[3], parsed.gradInput, info[4], parsed.gradWeight);
  PreluBackwardCall call = parsed.call;
  call.gradOutput = worker->stage(parsed.gradOutput);
  call.x = worker->stage(parsed.x);
  call.weight = worker->stage(parsed.weight);
  call.gradInput = worker->output();
  call.gradWeight = worker->weightOutput();
  return worker->start([call] { call.run(); });
}

// ---- Random draws ----

struct RandomCall {
  const RandomKernels* kernels;
  Distribution distribution;
  napi_typedarray_type type;
  Draw draw;
  uint64_t start;
  void* out;
  size_t n;

  void run() const {
    parallelFor(n, kRandomGrain, kAlign, [this](size_t begin, size_t end) { runRange(begin, end); });
  }

  void runRange(size_t begin, size_t end) const {
    const uint64_t first = start + begin, last = start + end;
    const bool is32 = type == napi_float32_array;
    switch (distribution) {
      case Distribution::bits: return kernels->bits(draw, static_cast<uint32_t*>(out) + begin, first, last);
      case Distribution::uniform:
        return is32 ? kernels->uniform32(draw, static_cast<float*>(out) + begin, first, last)
                    : kernels->uniform64(draw, static_cast<double*>(out) + begin, first, last);
      case Distribution::normal:
        return is32 ? kernels->normal32(draw, static_cast<float*>(out) + begin, first, last)
                    : kernels->normal64(draw, static_cast<double*>(out) + begin, first, last);
      case Distribution::truncatedNormal:
        return is32 ? kernels->truncatedNormal32(draw, static_cast<float*>(out) + begin, first, last)
                    : kernels->truncatedNormal64(draw, static_cast<double*>(out) + begin, first, last);
      case Distribution::integers: return kernels->integers(draw, static_cast<uint32_t*>(out) + begin, first, last);
      case Distribution::bernoulli: return kernels->bernoulli(draw, static_cast<uint8_t*>(out) + begin, first, last);
    }
  }
};

struct ParsedRandom {
  RandomCall call;
  ArrayArg out;
};

constexpr double kMaxUint32 = 4294967295.0;
constexpr double kMaxSafeInteger = 9007199254740991.0;

// Arguments: (distribution, out, key0, key1, offsetLow, offsetHigh, start, params).
ParsedRandom parseRandom(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  ParsedRandom parsed{};
  RandomCall& call = parsed.call;
  call.kernels = tablesOf(info).random;
  call.distribution = static_cast<Distribution>(integerArg(info, 0, "distribution", kDistributionCount - 1));
  switch (call.distribution) {
    case Distribution::bits: parsed.out = arrayArg(info, 1, "out", {napi_uint32_array}, "a Uint32Array"); break;
    case Distribution::integers:
      parsed.out = arrayArg(info, 1, "out", {napi_int32_array, napi_uint32_array}, "an Int32Array or Uint32Array");
      break;
    case Distribution::bernoulli: parsed.out = arrayArg(info, 1, "out", {napi_uint8_array}, "a Uint8Array"); break;
    default: parsed.out = floatArrayArg(info, 1, "out");
  }
  call.type = parsed.out.type;
  call.out = parsed.out.data;
  call.n = parsed.out.length;
  call.draw.key0 = static_cast<uint32_t>(integerArg(info, 2, "key0", kMaxUint32));
  call.draw.key1 = static_cast<uint32_t>(integerArg(info, 3, "key1", kMaxUint32));
  const uint64_t offsetLow = integerArg(info, 4, "offsetLow", kMaxUint32);
  call.draw.offset = (integerArg(info, 5, "offsetHigh", kMaxUint32) << 32) | offsetLow;
  call.start = integerArg(info, 6, "start", kMaxSafeInteger);
  if (call.start + call.n > static_cast<uint64_t>(kMaxSafeInteger)) {
    throw Napi::RangeError::New(env, "Expected start + out.length to be at most 2^53 - 1");
  }
  const ArrayArg params = arrayArg(info, 7, "params", {napi_float64_array}, "a Float64Array");
  if (params.length > kMaxDrawParams) {
    throw Napi::RangeError::New(env, "Expected at most " + std::to_string(kMaxDrawParams) + " params");
  }
  // An empty Float64Array may have no data pointer, and memcpy from null is undefined even for 0 bytes.
  if (params.length > 0) std::memcpy(call.draw.params, params.data, params.byteSize());
  return parsed;
}

Napi::Value random(const Napi::CallbackInfo& info) {
  parseRandom(info).call.run();
  return info.Env().Undefined();
}

Napi::Value randomAsync(const Napi::CallbackInfo& info) {
  ParsedRandom parsed = parseRandom(info);
  auto* worker = new KernelWorker(info.Env(), info[1], parsed.out);
  RandomCall call = parsed.call;
  call.out = worker->output();
  return worker->start([call] { call.run(); });
}

// ---- orthogonal: the QR ----

struct ParsedOrthonormalize {
  const LinalgKernels* kernels;
  ArrayArg a;
  size_t rows;
  size_t cols;
};

// Arguments: (a, rows, cols), a a Float64Array of rows * cols elements, rows >= cols >= 1.
ParsedOrthonormalize parseOrthonormalize(const Napi::CallbackInfo& info) {
  ParsedOrthonormalize parsed{};
  parsed.kernels = tablesOf(info).linalg;
  parsed.a = arrayArg(info, 0, "a", {napi_float64_array}, "a Float64Array");
  parsed.rows = integerArg(info, 1, "rows", kMaxSafeInteger);
  parsed.cols = integerArg(info, 2, "cols", kMaxSafeInteger);
  if (parsed.cols < 1 || parsed.rows < parsed.cols) {
    throw Napi::RangeError::New(info.Env(), "Expected rows >= cols >= 1");
  }
  if (parsed.rows > parsed.a.length / parsed.cols || parsed.rows * parsed.cols != parsed.a.length) {
    throw Napi::RangeError::New(info.Env(), "Expected a to have rows * cols elements");
  }
  return parsed;
}

Napi::Value orthonormalizeSync(const Napi::CallbackInfo& info) {
  const ParsedOrthonormalize parsed = parseOrthonormalize(info);
  orthonormalize(*parsed.kernels, static_cast<double*>(parsed.a.data), parsed.rows, parsed.cols);
  return info.Env().Undefined();
}

Napi::Value orthonormalizeAsync(const Napi::CallbackInfo& info) {
  const ParsedOrthonormalize parsed = parseOrthonormalize(info);
  auto* worker = new KernelWorker(info.Env(), info[0], parsed.a);
  const void* input = worker->stage(parsed.a);
  auto* output = static_cast<double*>(worker->output());
  const size_t bytes = parsed.a.byteSize();
  return worker->start([parsed, input, output, bytes] {
    if (input != output) std::memcpy(output, input, bytes);
    orthonormalize(*parsed.kernels, output, parsed.rows, parsed.cols);
  });
}

// ---- Registration ----

Napi::Array namesOf(Napi::Env env, const char* const* names, uint32_t count) {
  Napi::Array array = Napi::Array::New(env, count);
  for (uint32_t i = 0; i < count; ++i) array.Set(i, Napi::String::New(env, names[i]));
  return array;
}

Napi::Array levelNames(Napi::Env env, bool onlySupported) {
  Napi::Array names = Napi::Array::New(env);
  for (SimdLevel level : compiledLevels()) {
    if (!onlySupported || cpuSupports(level)) names.Set(names.Length(), Napi::String::New(env, nameOf(level)));
  }
  return names;
}

// kernels(level): the Kernels object of binding.d.ts for one SIMD level.
Napi::Value kernels(const Napi::CallbackInfo& info) {
  const Napi::Env env = info.Env();
  if (!info[0].IsString()) throw Napi::TypeError::New(env, "Expected a SIMD level name (string)");
  const std::string wanted = info[0].As<Napi::String>().Utf8Value();
  for (SimdLevel level : compiledLevels()) {
    if (wanted != nameOf(level)) continue;
    if (!cpuSupports(level)) throw Napi::RangeError::New(env, "This CPU cannot run SIMD level " + wanted);
    void* tables = const_cast<KernelTables*>(kernelTables(level));
    Napi::Object object = Napi::Object::New(env);
    object.Set("simd", Napi::String::New(env, wanted));
    object.Set("activations", namesOf(env, kActivationNames, kActivationCount));
    object.Set("distributions", namesOf(env, kDistributionNames, kDistributionCount));
    const std::pair<const char*, Napi::Function::Callback> functions[] = {
        {"activation", activation},
        {"activationAsync", activationAsync},
        {"activationBackward", activationBackward},
        {"activationBackwardAsync", activationBackwardAsync},
        // along an axis
        {"axisActivationNames", axisActivationNames},
        {"axisActivation", axisActivation},
        {"axisActivationAsync", axisActivationAsync},
        {"axisActivationBackward", axisActivationBackward},
        {"axisActivationBackwardAsync", axisActivationBackwardAsync},

        // prelu and rrelu
        {"prelu", prelu},
        {"preluAsync", preluAsync},
        {"preluBackward", preluBackward},
        {"preluBackwardAsync", preluBackwardAsync},

        {"random", random},
        {"randomAsync", randomAsync},

        // orthogonal
        {"orthonormalize", orthonormalizeSync},
        {"orthonormalizeAsync", orthonormalizeAsync},
    };
    for (const auto& [name, callback] : functions) object.Set(name, Napi::Function::New(env, callback, name, tables));
    object.Freeze();
    return object;
  }
  throw Napi::RangeError::New(env, "SIMD level " + wanted + " is not compiled into this binary");
}

Napi::Value threads(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), poolThreads()); }

Napi::Value setThreads(const Napi::CallbackInfo& info) {
  const double threads = numberArg(info, 0, "threads");
  if (!(threads >= 1 && threads <= kMaxThreads) || threads != static_cast<unsigned>(threads)) {
    throw Napi::RangeError::New(info.Env(), "Expected an integer from 1 to " + std::to_string(kMaxThreads) + " for threads");
  }
  setPoolThreads(static_cast<unsigned>(threads));
  return info.Env().Undefined();
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
  exports.Set("abiVersion", Napi::Number::New(env, kAbiVersion));
  exports.Set("compiledSimd", levelNames(env, false));
  exports.Set("supportedSimd", levelNames(env, true));
  exports.Set("kernels", Napi::Function::New(env, kernels, "kernels"));
  exports.Set("threads", Napi::Function::New(env, threads, "threads"));
  exports.Set("setThreads", Napi::Function::New(env, setThreads, "setThreads"));
  return exports;
}

}  // namespace
}  // namespace kindling

static Napi::Object initKindling(Napi::Env env, Napi::Object exports) {
#ifdef KINDLING_LEAK_CANARY
  // The planted leak of CMake's KINDLING_LEAK_CANARY: the pointer is overwritten, so nothing reaches it.
  char* volatile canary = new char[64];
  canary[0] = 1;
  canary = nullptr;
#endif
  return kindling::init(env, exports);
}

NODE_API_MODULE(kindling, initKindling)
