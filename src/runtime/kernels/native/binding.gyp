{
  "target_defaults": {
    "cflags_cc": ["-std=c++17", "-O3", "-fPIC", "-fno-exceptions", "-fno-trapping-math", "-fno-math-errno", "-Wno-psabi"],
    "cflags_cc!": ["-fno-rtti"],
    "include_dirs": ["csrc"]
  },
  "targets": [
    {
      "target_name": "netc_avx512",
      "type": "static_library",
      "sources": ["csrc/gemm-avx512.cc"],
      "conditions": [["target_arch=='x64' or target_arch=='ia32'", { "cflags_cc": ["-mavx512f", "-mavx512vl", "-mavx2", "-mfma"] }]]
    },
    {
      "target_name": "netc_avx2",
      "type": "static_library",
      "sources": ["csrc/gemm-avx2.cc"],
      "conditions": [["target_arch=='x64' or target_arch=='ia32'", { "cflags_cc": ["-mavx2", "-mfma"] }]]
    },
    {
      "target_name": "netc_native",
      "dependencies": ["netc_avx512", "netc_avx2"],
      "cflags_cc": ["-ffp-contract=off"],
      "sources": [
        "csrc/addon.cc", "csrc/context.cc", "csrc/threads.cc", "csrc/gemm.cc", "csrc/gemm-portable.cc",
        "csrc/activation.cc", "csrc/conv.cc", "csrc/bias-grad.cc", "csrc/conv-grad-rows.cc", "csrc/conv-grad-scatter.cc", "csrc/conv-grad-filter.cc", "csrc/conv-forward.cc", "csrc/conv-gather.cc", "csrc/conv-single.cc", "csrc/conv-depthwise.cc", "csrc/dense.cc", "csrc/pool.cc", "csrc/pool-rows.cc",
        "csrc/tensor.cc", "csrc/augment.cc", "csrc/losses.cc", "csrc/normalization.cc", "csrc/optimizers.cc", "csrc/lenet98.cc"
      ]
    }
  ]
}
