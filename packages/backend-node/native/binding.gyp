{
  "targets": [
    {
      "target_name": "modelspec_native",
      "sources": [
        "src/addon.c",
        "src/threadpool.c",
        "src/elementwise.c",
        "src/reduce.c",
        "src/matmul.c",
        "src/conv.c",
        "src/pool2d.c",
        "src/gather.c",
        "src/copy.c"
      ],
      "include_dirs": [
        "/usr/include/x86_64-linux-gnu/openblas-pthread",
        "/usr/include/aarch64-linux-gnu/openblas-pthread",
        "/usr/include/openblas"
      ],
      "libraries": ["-lopenblas", "-lpthread", "-lm"],
      "cflags": ["-std=gnu11", "-O3", "-fno-math-errno", "-ffp-contract=off", "-fvisibility=hidden", "-Wall", "-Wno-unused-parameter"],
      "cflags!": ["-O2"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
