import { useState, type KeyboardEvent } from "react";

/**
 * Keyboard selection in a picture of replicas (heatmap rows, topology nodes): arrow keys
 * (and Home/End, PageUp/PageDown) move a cursor over `ids`, Enter or Space selects the
 * replica under it, with Shift added to the selection — the same as a (shift-)click.
 */
export function useReplicaCursor(ids: readonly string[], select: (id: string, additive: boolean) => void, onMove?: (id: string | null) => void, page = 8) {
  const [cursorId, setCursorId] = useState<string | null>(null);
  const index = cursorId === null ? -1 : ids.indexOf(cursorId);
  const onKeyDown = (e: KeyboardEvent) => {
    if (ids.length === 0) return;
    const from = index < 0 ? -1 : index;
    const step: Record<string, number> = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1, PageDown: page, PageUp: -page };
    let next: number | null = null;
    if (e.key in step) next = from < 0 ? 0 : Math.min(ids.length - 1, Math.max(0, from + step[e.key]!));
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = ids.length - 1;
    else if ((e.key === "Enter" || e.key === " ") && index >= 0) {
      e.preventDefault();
      select(ids[index]!, e.shiftKey || e.metaKey || e.ctrlKey);
      return;
    }
    if (next === null) return;
    e.preventDefault();
    setCursorId(ids[next]!);
    onMove?.(ids[next]!);
  };
  const onBlur = () => {
    setCursorId(null);
    onMove?.(null);
  };
  return { cursorId: index >= 0 ? cursorId : null, cursorIndex: index, onKeyDown, onBlur };
}
