// FrameScanner follows client frames by their headers across chunk boundaries (CL-B4).
import { describe, expect, it } from "vitest";
import { FrameScanner } from "./frameGuard.js";

/** A masked client frame: opcode, payload of `length` bytes (lengths past 125 use 16/64-bit fields). */
function frame(opcode: number, length: number): Buffer {
  const ext = length > 0xffff ? 8 : length > 125 ? 2 : 0;
  const head = Buffer.alloc(2 + ext + 4);
  head[0] = 0x80 | opcode;
  head[1] = 0x80 | (ext === 8 ? 127 : ext === 2 ? 126 : length);
  if (ext === 2) head.writeUInt16BE(length, 2);
  if (ext === 8) head.writeUInt32BE(length, 6);
  return Buffer.concat([head, Buffer.alloc(length, 0x61)]);
}

describe("CL-B4: FrameScanner", () => {
  it("passes text, ping and close frames of every length field, and finds a binary one after them", () => {
    const text = Buffer.concat([frame(1, 5), frame(1, 300), frame(9, 0), frame(1, 70_000)]);
    const s = new FrameScanner();
    expect(s.push(text)).toBe(-1);
    expect(s.push(Buffer.concat([frame(1, 10), frame(2, 4 << 20).subarray(0, 100)]))).toBe(frame(1, 10).length);
  });

  it("follows headers and payloads split anywhere across chunks", () => {
    const bytes = Buffer.concat([frame(1, 300), frame(1, 70_000), frame(2, 1000)]);
    const binaryAt = frame(1, 300).length + frame(1, 70_000).length;
    for (const cut of [1, 2, 3, 5, 8, 13, 300, binaryAt - 1, binaryAt + 1, binaryAt + 3]) {
      const s = new FrameScanner();
      const first = s.push(bytes.subarray(0, cut));
      if (cut > binaryAt) expect(first).toBe(binaryAt);
      else expect([first, s.push(bytes.subarray(cut))]).toEqual([-1, binaryAt - cut]);
    }
  });

  it("a text-only stream in one-byte chunks is never refused", () => {
    const bytes = Buffer.concat([frame(1, 200), frame(8, 2)]);
    const s = new FrameScanner();
    for (let i = 0; i < bytes.length; i++) expect(s.push(bytes.subarray(i, i + 1))).toBe(-1);
  });
});
