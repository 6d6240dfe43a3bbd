// The workspace preset plus React hook rules and the browser's globals.
import reactHooks from "eslint-plugin-react-hooks";
import root from "../../eslint.config.js";

const browserGlobals = Object.fromEntries(
  [
    "window", "document", "navigator", "location", "localStorage", "sessionStorage", "fetch", "Blob", "File",
    "Image", "HTMLElement", "HTMLCanvasElement", "HTMLInputElement", "HTMLDivElement", "SVGSVGElement", "ImageData",
    "CanvasRenderingContext2D", "requestAnimationFrame", "cancelAnimationFrame", "ResizeObserver", "PerformanceObserver",
    "AbortController", "KeyboardEvent", "MouseEvent", "PointerEvent", "XMLSerializer", "getComputedStyle", "devicePixelRatio",
    "structuredClone", "crypto", "alert",
  ].map((name) => [name, "readonly"]),
);

export default [
  ...root,
  reactHooks.configs.flat.recommended,
  { languageOptions: { globals: browserGlobals } },
];
