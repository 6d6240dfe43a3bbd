// Human-readable figures with units, used by axes, KPIs, tooltips and exports alike
// so a number reads the same on screen and in a paper.

/** A duration in ms: "850 ms", "1.25 s", "2 min 5 s". */
export function formatDurationMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "–";
  const abs = Math.abs(ms);
  if (abs < 1) return `${trim(ms, 2)} ms`;
  if (abs < 1000) return `${trim(ms, abs < 10 ? 1 : 0)} ms`;
  if (abs < 60_000) return `${trim(ms / 1000, abs < 10_000 ? 2 : 1)} s`;
  if (abs < 3_600_000) {
    const min = Math.floor(abs / 60_000);
    const s = Math.round((abs - min * 60_000) / 1000);
    return `${ms < 0 ? "-" : ""}${min} min${s > 0 ? ` ${s} s` : ""}`;
  }
  const h = Math.floor(abs / 3_600_000);
  const min = Math.round((abs - h * 3_600_000) / 60_000);
  return `${ms < 0 ? "-" : ""}${h} h${min > 0 ? ` ${min} min` : ""}`;
}

/** Compact duration for axis ticks: "10 ms", "1.5 s", "2 min", "1 min 15 s" (never "1.7 min"). */
export function formatDurationTick(ms: number): string {
  const abs = Math.abs(ms);
  if (abs === 0) return "0";
  if (abs < 1000) return `${trim(ms, abs < 10 ? 1 : 0)} ms`;
  if (abs < 60_000) return `${trim(ms / 1000, 1)} s`;
  const sign = ms < 0 ? "-" : "";
  if (abs < 3_600_000) {
    const min = Math.floor(abs / 60_000 + 1e-9);
    const s = Math.round((abs - min * 60_000) / 1000);
    return s >= 60 ? `${sign}${min + 1} min` : `${sign}${min} min${s > 0 ? ` ${s} s` : ""}`;
  }
  const h = Math.floor(abs / 3_600_000 + 1e-9);
  const min = Math.round((abs - h * 3_600_000) / 60_000);
  return min >= 60 ? `${sign}${h + 1} h` : `${sign}${h} h${min > 0 ? ` ${min} min` : ""}`;
}

const BYTE_UNITS = ["B", "kB", "MB", "GB", "TB"];

/** Bytes with SI prefixes (1 kB = 1000 B, as network rates are quoted). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return "–";
  let v = bytes;
  let u = 0;
  while (Math.abs(v) >= 1000 && u < BYTE_UNITS.length - 1) {
    v /= 1000;
    u++;
  }
  return `${trim(v, u === 0 || Math.abs(v) >= 100 ? 0 : 1)} ${BYTE_UNITS[u]}`;
}

const SI = ["", "k", "M", "G", "T"];

/** A count with SI suffix: 950, 1.2k, 3.4M. */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "–";
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1000 && u < SI.length - 1) {
    v /= 1000;
    u++;
  }
  const digits = u === 0 ? (Math.abs(v) < 10 && !Number.isInteger(v) ? 1 : 0) : Math.abs(v) >= 100 ? 0 : 1;
  return `${trim(v, digits)}${SI[u]}`;
}

/** A share 0..1 as a percentage: "97.5 %". */
export function formatShare(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return "–";
  const pct = share * 100;
  return `${trim(pct, pct === 100 || pct === 0 ? 0 : 1)} %`;
}

/** Wall-clock time of day for axes: "22:05:30". */
export function formatClock(ms: number, withSeconds = true): string {
  const d = new Date(ms);
  const hh = String(d.getHours()).padStart(2, "0");
  const mm = String(d.getMinutes()).padStart(2, "0");
  if (!withSeconds) return `${hh}:${mm}`;
  return `${hh}:${mm}:${String(d.getSeconds()).padStart(2, "0")}`;
}

function trim(v: number, digits: number): string {
  const s = v.toFixed(digits);
  return digits > 0 ? s.replace(/\.?0+$/, "") : s;
}
