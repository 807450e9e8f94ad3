import { CACHE_UPGRADE_PHASES, TASK_KINDS, type CacheUpgradeStatus, type ProgressEvent, type TaskKind } from '../../../preload/api.js';

const KINDS: ReadonlySet<string> = new Set<string>(TASK_KINDS);
const UPGRADE_PHASES: ReadonlySet<string> = new Set<string>(CACHE_UPGRADE_PHASES);

function isNumberOrNull(value: unknown): value is number | null {
  return value === null || (typeof value === 'number' && Number.isFinite(value));
}

/** Checks an event that arrived from outside (SSE or IPC) before any store sees it. */
export function parseProgressEvent(value: unknown): ProgressEvent | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.taskId !== 'string' || typeof v.kind !== 'string' || !KINDS.has(v.kind)) return null;
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
  if (v.upgrade !== undefined) {
    const upgrade = parseUpgradeStatus(v.upgrade);
    if (upgrade === null) return null;
    event.upgrade = upgrade;
  }
  return event;
}

/** The cache upgrade's state carried by an event of kind `upgrade`. */
function parseUpgradeStatus(value: unknown): CacheUpgradeStatus | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.phase !== 'string' || !UPGRADE_PHASES.has(v.phase)) return null;
  if (typeof v.done !== 'number' || !Number.isFinite(v.done) || typeof v.total !== 'number' || !Number.isFinite(v.total)) return null;
  if (v.message !== undefined && typeof v.message !== 'string') return null;
  const status: CacheUpgradeStatus = { phase: v.phase as CacheUpgradeStatus['phase'], done: v.done, total: v.total };
  if (typeof v.message === 'string') status.message = v.message;
  return status;
}
