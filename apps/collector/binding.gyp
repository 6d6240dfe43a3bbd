{
  "targets": [
    {
      "target_name": "memory_release",
      "sources": ["native/memory_release.cc"],
      "cflags_cc": ["-Wno-cast-function-type"]
    }
  ]
}
