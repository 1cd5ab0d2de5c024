// x11_screenshot OUT.png NAME [X Y]...: waits (up to 10 s) for a mapped top-level window
// whose name is NAME on $DISPLAY (Xvfb in the tests), grabs what the screen shows in its
// rectangle, writes it as a PNG (ngsynth's Canvas) and prints "W H" and then "X Y R G B"
// for every requested point (window coordinates). Exit 1 when no such window appears.
#include <X11/Xlib.h>
#include <X11/Xutil.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "ngsynth/plot/canvas.h"

namespace {
Window find(Display* d, Window w, const char* name) {
  char* n = nullptr;
  if (XFetchName(d, w, &n) && n) {
    const bool match = std::strcmp(n, name) == 0;
    XFree(n);
    XWindowAttributes a;
    if (match && XGetWindowAttributes(d, w, &a) && a.map_state == IsViewable) return w;
  }
  Window root, parent, *children = nullptr;
  unsigned count = 0;
  Window found = 0;
  if (XQueryTree(d, w, &root, &parent, &children, &count)) {
    for (unsigned i = 0; i < count && !found; ++i) found = find(d, children[i], name);
    if (children) XFree(children);
  }
  return found;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || (argc - 3) % 2 != 0) {
    std::fprintf(stderr, "usage: x11_screenshot OUT.png NAME [X Y]...\n");
    return 2;
  }
  Display* d = XOpenDisplay(nullptr);
  if (!d) {
    std::fprintf(stderr, "x11_screenshot: cannot open the display\n");
    return 1;
  }
  Window w = 0;
  for (int i = 0; i < 100 && !w; ++i) {
    w = find(d, DefaultRootWindow(d), argv[2]);
    if (!w) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!w) {
    std::fprintf(stderr, "x11_screenshot: no window named %s\n", argv[2]);
    return 1;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(800));  // let it draw
  XWindowAttributes a;
  XGetWindowAttributes(d, w, &a);
  int x = 0, y = 0;
  Window child;
  XTranslateCoordinates(d, w, DefaultRootWindow(d), 0, 0, &x, &y, &child);
  XImage* img = XGetImage(d, DefaultRootWindow(d), x, y, static_cast<unsigned>(a.width),
                          static_cast<unsigned>(a.height), AllPlanes, ZPixmap);
  if (!img) {
    std::fprintf(stderr, "x11_screenshot: XGetImage failed\n");
    return 1;
  }
  auto rgb = [&](int px, int py) {
    const unsigned long p = XGetPixel(img, px, py);
    return ngsynth::Rgb{static_cast<uint8_t>((p & img->red_mask) >> 16), static_cast<uint8_t>((p & img->green_mask) >> 8),
                        static_cast<uint8_t>(p & img->blue_mask)};
  };
  std::vector<ngsynth::Rgb> pixels;
  pixels.reserve(static_cast<std::size_t>(a.width) * a.height);
  for (int py = 0; py < a.height; ++py)
    for (int px = 0; px < a.width; ++px) pixels.push_back(rgb(px, py));
  ngsynth::Canvas png(a.width, a.height);
  png.image(0, 0, a.width, a.height, pixels);
  png.save(argv[1]);
  std::printf("%d %d\n", a.width, a.height);
  for (int i = 3; i + 1 < argc; i += 2) {
    const int px = std::atoi(argv[i]), py = std::atoi(argv[i + 1]);
    const ngsynth::Rgb c = px < a.width && py < a.height ? rgb(px, py) : ngsynth::Rgb{};
    std::printf("%d %d %d %d %d\n", px, py, c.r, c.g, c.b);
  }
  XDestroyImage(img);
  XCloseDisplay(d);
  return 0;
}
