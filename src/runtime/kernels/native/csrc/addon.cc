// The N-API face of the native kernels. JavaScript makes a context — an arena it sees as an
// ArrayBuffer, an argument block, and a thread pool — then calls kernels by their index in the
// table (kernel.h): it writes a call's arguments into the argument block and calls run(context,
// kernel), so a call passes two small integers and no objects.
#include <node_api.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "gemm.h"
#include "kernel.h"

namespace netc {

std::vector<KernelEntry>& kernel_table() {
  static std::vector<KernelEntry> table;
  return table;
}

static constexpr size_t kMaxArgs = 32;

struct Context {
  std::unique_ptr<Ctx> ctx;
  double* args;
};

static std::vector<Context> contexts;

#define CHECK(call)                                                   \
  do {                                                                \
    if ((call) != napi_ok) {                                          \
      napi_throw_error(env, nullptr, "netc native: " #call " failed"); \
      return nullptr;                                                 \
    }                                                                 \
  } while (0)

static void free_block(napi_env, void* data, void*) { std::free(data); }

// An ArrayBuffer over `bytes` of fresh, 64-byte aligned, zeroed memory that it owns.
static napi_value owned_buffer(napi_env env, size_t bytes, void** data) {
  size_t rounded = ((bytes + 63) / 64) * 64;
  *data = std::aligned_alloc(64, rounded ? rounded : 64);
  if (!*data) {
    napi_throw_error(env, nullptr, "netc native: out of memory");
    return nullptr;
  }
  std::memset(*data, 0, rounded);
  napi_value buffer;
  CHECK(napi_create_external_arraybuffer(env, *data, bytes, free_block, nullptr, &buffer));
  return buffer;
}

// create(floats, threads) → { arena: ArrayBuffer, args: ArrayBuffer, id }
static napi_value create(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  double floats = 0;
  int32_t threads = 1;
  CHECK(napi_get_value_double(env, argv[0], &floats));
  CHECK(napi_get_value_int32(env, argv[1], &threads));
  void *arena_data, *args_data;
  napi_value arena = owned_buffer(env, static_cast<size_t>(floats) * sizeof(float), &arena_data);
  if (!arena) return nullptr;
  napi_value args = owned_buffer(env, kMaxArgs * sizeof(double), &args_data);
  if (!args) return nullptr;
  contexts.push_back({std::make_unique<Ctx>(static_cast<float*>(arena_data), threads), static_cast<double*>(args_data)});
  napi_value result, id;
  CHECK(napi_create_object(env, &result));
  CHECK(napi_create_int32(env, static_cast<int32_t>(contexts.size() - 1), &id));
  CHECK(napi_set_named_property(env, result, "arena", arena));
  CHECK(napi_set_named_property(env, result, "args", args));
  CHECK(napi_set_named_property(env, result, "id", id));
  return result;
}

// run(id, kernel) → the kernel's result (countCorrect's count, else 0)
static napi_value run(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t id, kernel;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  napi_get_value_int32(env, argv[0], &id);
  napi_get_value_int32(env, argv[1], &kernel);
  const auto& table = kernel_table();
  if (id < 0 || static_cast<size_t>(id) >= contexts.size() || !contexts[id].ctx || kernel < 0 || static_cast<size_t>(kernel) >= table.size()) {
    napi_throw_range_error(env, nullptr, "netc native: no such context or kernel");
    return nullptr;
  }
  napi_value result;
  CHECK(napi_create_double(env, table[kernel].fn(*contexts[id].ctx, contexts[id].args), &result));
  return result;
}

// close(id): stop the context's threads (the arena lives as long as JavaScript holds it)
static napi_value close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t id;
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  CHECK(napi_get_value_int32(env, argv[0], &id));
  if (id >= 0 && static_cast<size_t>(id) < contexts.size()) contexts[id].ctx.reset();
  return nullptr;
}

// kernels() → [[name, arity, returns], …] in table order
static napi_value kernels(napi_env env, napi_callback_info) {
  const auto& table = kernel_table();
  napi_value list;
  CHECK(napi_create_array_with_length(env, table.size(), &list));
  for (size_t i = 0; i < table.size(); i++) {
    napi_value pair, name, arity, returns;
    CHECK(napi_create_array_with_length(env, 3, &pair));
    CHECK(napi_create_string_utf8(env, table[i].name, NAPI_AUTO_LENGTH, &name));
    CHECK(napi_create_int32(env, table[i].arity, &arity));
    CHECK(napi_get_boolean(env, table[i].returns, &returns));
    CHECK(napi_set_element(env, pair, 0, name));
    CHECK(napi_set_element(env, pair, 1, arity));
    CHECK(napi_set_element(env, pair, 2, returns));
    CHECK(napi_set_element(env, list, static_cast<uint32_t>(i), pair));
  }
  return list;
}

// isa() → the instruction set the matrix kernels run on: 'avx512', 'avx2' or 'portable'
static napi_value isa(napi_env env, napi_callback_info) {
  napi_value name;
  CHECK(napi_create_string_utf8(env, gemm().isa, NAPI_AUTO_LENGTH, &name));
  return name;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"create", nullptr, create, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"run", nullptr, run, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"close", nullptr, close, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"kernels", nullptr, kernels, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"isa", nullptr, isa, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  CHECK(napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}

}  // namespace netc

NAPI_MODULE(NODE_GYP_MODULE_NAME, netc::init)
