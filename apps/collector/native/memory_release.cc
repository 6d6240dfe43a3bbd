// Gives memory the collector no longer uses back to the system: V8 compacts its heap and
// releases free pages (LowMemoryNotification); glibc returns free blocks inside its heap,
// which it does on its own only from the top (malloc_trim). Neither is reachable from JS.
#include <node.h>
#include <v8.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace {

void LowMemory(const v8::FunctionCallbackInfo<v8::Value>& args) {
  args.GetIsolate()->LowMemoryNotification();
}

void TrimCHeap(const v8::FunctionCallbackInfo<v8::Value>& args) {
#if defined(__GLIBC__)
  args.GetReturnValue().Set(malloc_trim(0) != 0);
#else
  args.GetReturnValue().Set(false);
#endif
}

void FreeCHeap(const v8::FunctionCallbackInfo<v8::Value>& args) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  struct mallinfo2 mi = mallinfo2();
  args.GetReturnValue().Set(static_cast<double>(mi.fordblks));
#else
  args.GetReturnValue().Set(-1);
#endif
}

}  // namespace

NODE_MODULE_INIT() {
  NODE_SET_METHOD(exports, "lowMemory", LowMemory);
  NODE_SET_METHOD(exports, "trimCHeap", TrimCHeap);
  NODE_SET_METHOD(exports, "freeCHeap", FreeCHeap);
}
