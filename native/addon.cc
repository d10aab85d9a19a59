// Node-API glue: argument checks that protect memory, the per-level kernel objects, Promise work
// on libuv's threads, and registration. The TypeScript facade has already validated user input;
// the checks here only make sure a direct caller can never make the addon read or write outside
// an array.
#include <napi.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "dispatch.h"
#include "kernels/activation_list.h"
#include "thread_pool.h"

namespace kindling {
namespace {

// Bumped whenever binding.d.ts changes, so that a stale build is passed over by the loader.
constexpr uint32_t kAbiVersion = 1;

constexpr const char* kActivationNames[] = {
#define KINDLING_NAME_OF(name, Kernel) #name,
    KINDLING_ACTIVATIONS(KINDLING_NAME_OF)
#undef KINDLING_NAME_OF
};
constexpr uint32_t kActivationCount = sizeof(kActivationNames) / sizeof(kActivationNames[0]);

// Element-wise work is split into chunks of at least the kernel's grain, aligned to whole cache
// lines of either precision.
constexpr size_t kAlign = 64;

struct FloatArray {
  napi_typedarray_type type;
  void* data;
  size_t length;
  // False for a SharedArrayBuffer's views: JavaScript can detach (transfer) every other buffer,
  // and the memory of a detached buffer can be freed while a Promise call still runs.
  bool detachable;
};

size_t byteSizeOf(const FloatArray& array) {
  return array.length * (array.type == napi_float32_array ? sizeof(float) : sizeof(double));
}

std::string describe(const Napi::Value& value) {
  if (value.IsTypedArray()) return "a typed array of another element type";
  if (value.IsUndefined()) return "undefined";
  if (value.IsNull()) return "null";
  if (value.IsNumber()) return "a number";
  if (value.IsString()) return "a string";
  return "a value of another type";
}

FloatArray floatArrayArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  const Napi::Value value = info[index];
  napi_typedarray_type type = napi_uint8_array;
  if (value.IsTypedArray()) type = value.As<Napi::TypedArray>().TypedArrayType();
  if (!value.IsTypedArray() || (type != napi_float32_array && type != napi_float64_array)) {
    throw Napi::TypeError::New(info.Env(), std::string("Expected a Float32Array or Float64Array for ") +
                                               name + " but received " + describe(value));
  }
  FloatArray array{type, nullptr, 0, true};
  napi_value buffer;
  size_t byteOffset;
  NAPI_THROW_IF_FAILED(info.Env(), napi_get_typedarray_info(info.Env(), value, &array.type, &array.length,
                                                            &array.data, &buffer, &byteOffset),
                       array);
  NAPI_THROW_IF_FAILED(info.Env(), napi_is_arraybuffer(info.Env(), buffer, &array.detachable), array);
  return array;
}

void requireSameShape(const Napi::Env& env, const FloatArray& array, const FloatArray& like, const char* name) {
  if (array.type != like.type) {
    throw Napi::TypeError::New(env, std::string("Expected ") + name + " to have the element type of x");
  }
  if (array.length != like.length) {
    throw Napi::RangeError::New(env, std::string("Expected ") + name + " to have the length of x (" +
                                         std::to_string(like.length) + ") but received length " +
                                         std::to_string(array.length));
  }
}

uint32_t kernelIdArg(const Napi::CallbackInfo& info, size_t index) {
  const Napi::Value value = info[index];
  if (!value.IsNumber()) throw Napi::TypeError::New(info.Env(), "Expected a kernel id (number)");
  const double id = value.As<Napi::Number>().DoubleValue();
  if (!(id >= 0 && id < kActivationCount) || id != static_cast<uint32_t>(id)) {
    throw Napi::RangeError::New(info.Env(), "Expected a kernel id from 0 to " + std::to_string(kActivationCount - 1));
  }
  return static_cast<uint32_t>(id);
}

double numberArg(const Napi::CallbackInfo& info, size_t index, const char* name) {
  const Napi::Value value = info[index];
  if (!value.IsNumber()) throw Napi::TypeError::New(info.Env(), std::string("Expected a number for ") + name);
  return value.As<Napi::Number>().DoubleValue();
}

enum class Pass { kForward, kDerivative, kBackward };

// One element-wise call, checked and ready to run on any thread.
struct ElementwiseCall {
  const ActivationKernels* kernels;
  Pass pass;
  bool isFloat32;
  const void* gradOutput;
  const void* x;
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
      }
    } else {
      double* o = static_cast<double*>(out) + begin;
      switch (pass) {
        case Pass::kForward: return kernels->forward64(at<double>(x, begin), o, count, a, b);
        case Pass::kDerivative: return kernels->derivative64(at<double>(x, begin), o, count, a, b);
        case Pass::kBackward:
          return kernels->backward64(at<double>(gradOutput, begin), at<double>(x, begin), o, count, a, b);
      }
    }
  }
};

struct ParsedCall {
  ElementwiseCall call;
  FloatArray gradOutput;
  FloatArray x;
  FloatArray out;
};

// Arguments: (id, pass, x, out, a, b) for forward (pass 0) and derivative (pass 1), or
// (id, gradOutput, x, out, a, b) for backward.
ParsedCall parseCall(const Napi::CallbackInfo& info, const ActivationKernels* table, bool backward) {
  ElementwiseCall call{};
  const uint32_t id = kernelIdArg(info, 0);
  call.kernels = &table[id];
  FloatArray gradOutput{};
  if (backward) {
    call.pass = Pass::kBackward;
    gradOutput = floatArrayArg(info, 1, "gradOutput");
  } else {
    const double pass = numberArg(info, 1, "pass");
    if (pass != 0 && pass != 1) throw Napi::RangeError::New(info.Env(), "Expected pass 0 (forward) or 1 (derivative)");
    call.pass = pass == 0 ? Pass::kForward : Pass::kDerivative;
  }
  const FloatArray x = floatArrayArg(info, 2, "x");
  const FloatArray out = floatArrayArg(info, 3, "out");
  requireSameShape(info.Env(), out, x, "out");
  if (backward) requireSameShape(info.Env(), gradOutput, x, "gradOutput");
  call.isFloat32 = x.type == napi_float32_array;
  call.gradOutput = gradOutput.data;
  call.x = x.data;
  call.out = out.data;
  call.n = x.length;
  call.a = numberArg(info, 4, "a");
  call.b = numberArg(info, 5, "b");
  return {call, gradOutput, x, out};
}

// Runs a call on libuv's thread pool and settles a Promise. JavaScript may detach (transfer) an
// ordinary ArrayBuffer while the call runs, and the memory can then be freed, so the kernel never
// touches such an array from another thread: inputs are copied in when the call starts, the result
// is computed into memory the worker owns and copied into `out` when the call settles on the
// JavaScript thread, and if `out` was detached or resized meanwhile the Promise rejects.
// Views of a SharedArrayBuffer, which cannot be detached, are used in place with no copies.
class ElementwiseWorker : public Napi::AsyncWorker {
 public:
  ElementwiseWorker(const Napi::CallbackInfo& info, const ParsedCall& parsed, bool backward)
      : Napi::AsyncWorker(info.Env(), "kindling:elementwise"),
        call_(parsed.call),
        out_(Napi::Persistent(info[3].As<Napi::Object>())),
        outBytes_(byteSizeOf(parsed.out)),
        deferred_(Napi::Promise::Deferred::New(info.Env())) {
    const FloatArray* inputs[] = {&parsed.x, backward ? &parsed.gradOutput : nullptr};
    const void** staged[] = {&call_.x, &call_.gradOutput};
    for (size_t i = 0; i < 2; ++i) {
      if (inputs[i] == nullptr || !inputs[i]->detachable) continue;
      std::vector<unsigned char>& copy = i == 0 ? xCopy_ : gradOutputCopy_;
      copy.assign(static_cast<const unsigned char*>(inputs[i]->data),
                  static_cast<const unsigned char*>(inputs[i]->data) + byteSizeOf(*inputs[i]));
      *staged[i] = copy.data();
    }
    if (parsed.out.detachable) {
      result_.resize(outBytes_);
      call_.out = result_.data();
    }
  }

  Napi::Promise promise() const { return deferred_.Promise(); }

 protected:
  void Execute() override { call_.run(); }

  void OnOK() override {
    if (!result_.empty()) {
      void* data = nullptr;
      size_t length = 0;
      napi_typedarray_type type;
      NAPI_THROW_IF_FAILED_VOID(Env(), napi_get_typedarray_info(Env(), out_.Value(), &type, &length, &data, nullptr, nullptr));
      if (length * (type == napi_float32_array ? sizeof(float) : sizeof(double)) != outBytes_ || data == nullptr) {
        deferred_.Reject(Napi::TypeError::New(Env(), "Expected out to keep its buffer and length until the call settled, "
                                                     "but it was detached or resized").Value());
        return;
      }
      std::memcpy(data, result_.data(), outBytes_);
    }
    deferred_.Resolve(Env().Undefined());
  }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  ElementwiseCall call_;
  Napi::ObjectReference out_;
  size_t outBytes_;
  std::vector<unsigned char> xCopy_;
  std::vector<unsigned char> gradOutputCopy_;
  std::vector<unsigned char> result_;
  Napi::Promise::Deferred deferred_;
};

const ActivationKernels* tableOf(const Napi::CallbackInfo& info) {
  return static_cast<const ActivationKernels*>(info.Data());
}

Napi::Value activation(const Napi::CallbackInfo& info) {
  parseCall(info, tableOf(info), false).call.run();
  return info.Env().Undefined();
}

Napi::Value activationBackward(const Napi::CallbackInfo& info) {
  parseCall(info, tableOf(info), true).call.run();
  return info.Env().Undefined();
}

Napi::Value queue(const Napi::CallbackInfo& info, bool backward) {
  auto* worker = new ElementwiseWorker(info, parseCall(info, tableOf(info), backward), backward);
  Napi::Promise promise = worker->promise();
  worker->Queue();  // the worker deletes itself once settled
  return promise;
}

Napi::Value activationAsync(const Napi::CallbackInfo& info) { return queue(info, false); }
Napi::Value activationBackwardAsync(const Napi::CallbackInfo& info) { return queue(info, true); }

Napi::Array activationNames(Napi::Env env) {
  Napi::Array names = Napi::Array::New(env, kActivationCount);
  for (uint32_t i = 0; i < kActivationCount; ++i) names.Set(i, Napi::String::New(env, kActivationNames[i]));
  return names;
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
    void* table = const_cast<ActivationKernels*>(activationKernels(level));
    Napi::Object object = Napi::Object::New(env);
    object.Set("simd", Napi::String::New(env, wanted));
    object.Set("activations", activationNames(env));
    object.Set("activation", Napi::Function::New(env, activation, "activation", table));
    object.Set("activationAsync", Napi::Function::New(env, activationAsync, "activationAsync", table));
    object.Set("activationBackward", Napi::Function::New(env, activationBackward, "activationBackward", table));
    object.Set("activationBackwardAsync",
               Napi::Function::New(env, activationBackwardAsync, "activationBackwardAsync", table));
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

static Napi::Object initKindling(Napi::Env env, Napi::Object exports) { return kindling::init(env, exports); }

NODE_API_MODULE(kindling, initKindling)
