// Browser side of exports: save a file, and rasterise an exported SVG to PNG (2× for print).

import type { ExportFile } from "../charts/exports.js";

/** Offers `file` as a download. */
export function downloadFile(file: ExportFile): void {
  downloadBlob(file.name, new Blob([file.text], { type: `${file.mime};charset=utf-8` }));
}

/** Offers a blob as a download named `name`. */
export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.rel = "noopener";
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Renders SVG text to a PNG blob at `scale` × its size (white background). */
export async function svgToPng(svgText: string, scale = 2): Promise<Blob> {
  const match = /width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"/.exec(svgText);
  const width = match ? Number(match[1]) : 880;
  const height = match ? Number(match[2]) : 500;
  const url = URL.createObjectURL(new Blob([svgText], { type: "image/svg+xml;charset=utf-8" }));
  try {
    const img = new Image();
    img.decoding = "async";
    const loaded = new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error("the SVG could not be rendered"));
    });
    img.src = url;
    await loaded;
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(width * scale);
    canvas.height = Math.round(height * scale);
    const ctx = canvas.getContext("2d");
    if (!ctx) throw new Error("no 2D canvas");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("PNG encoding failed"))), "image/png"),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Saves an exported SVG as PNG under the same name with a .png extension. */
export async function downloadPng(svg: ExportFile): Promise<void> {
  const blob = await svgToPng(svg.text);
  downloadBlob(svg.name.replace(/\.svg$/, ".png"), blob);
}
