import type { TaskKind } from '../../preload/api.js';

/** A task id the caller chooses, so progress events and cancel requests can name the task. */
export function newTaskId(kind: TaskKind): string {
  return `${kind}-${crypto.randomUUID()}`;
}
