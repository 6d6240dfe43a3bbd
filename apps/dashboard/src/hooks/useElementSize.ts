import { useCallback, useLayoutEffect, useState } from "react";

/**
 * Measures an element: attach the returned `ref` (a callback ref, so elements mounted later
 * are measured too); width and height are 0 until laid out, then follow resizes.
 */
export function useElementSize<T extends HTMLElement = HTMLDivElement>(): { ref: (el: T | null) => void; width: number; height: number } {
  const [el, setEl] = useState<T | null>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    if (!el) return;
    const update = () => {
      const r = el.getBoundingClientRect();
      setSize((s) => (Math.abs(s.width - r.width) < 0.5 && Math.abs(s.height - r.height) < 0.5 ? s : { width: r.width, height: r.height }));
    };
    update();
    const ro = new ResizeObserver(update);
    ro.observe(el);
    return () => ro.disconnect();
  }, [el]);
  const ref = useCallback((node: T | null) => setEl(node), []);
  return { ref, ...size };
}
