import type { ProgressEvent, TaskKind } from '../../../preload/api.js';

const TASK_KINDS: ReadonlySet<string> = new Set<TaskKind>(['sync', 'import', 'export', 'recordings']);

function isNumberOrNull(value: unknown): value is number | null {
  return value === null || (typeof value === 'number' && Number.isFinite(value));
}

/** Checks an event that arrived from outside (SSE or IPC) before any store sees it. */
export function parseProgressEvent(value: unknown): ProgressEvent | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.taskId !== 'string' || typeof v.kind !== 'string' || !TASK_KINDS.has(v.kind)) return null;
  if (typeof v.stage !== 'string' || typeof v.done !== 'number' || !Number.isFinite(v.done)) return null;
  if (!isNumberOrNull(v.total) || !isNumberOrNull(v.rate) || !isNumberOrNull(v.eta_seconds)) return null;
  if (v.bytes !== undefined && !(typeof v.bytes === 'number' && Number.isFinite(v.bytes))) return null;
  const event: ProgressEvent = {
    taskId: v.taskId,
    kind: v.kind as TaskKind,
    stage: v.stage,
    done: v.done,
    total: v.total,
    rate: v.rate,
    eta_seconds: v.eta_seconds,
  };
  if (typeof v.bytes === 'number') event.bytes = v.bytes;
  return event;
}
