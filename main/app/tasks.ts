import type { ProgressEvent, TaskKind, UcmApi } from '../../preload/api.js';
import { AppError } from '../errors.js';

/** Long work in flight, by the caller-chosen taskId, so `tasks/cancel` can abort it. */
export class TaskRegistry {
  private readonly running = new Map<string, AbortController>();

  /** Runs fn with a signal that `cancel(taskId)` aborts; the id is free again when fn settles. */
  async run<T>(taskId: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.running.has(taskId)) {
      throw new AppError('BAD_INPUT', `A task with id "${taskId}" is already running; use a new taskId.`, { taskId });
    }
    const controller = new AbortController();
    this.running.set(taskId, controller);
    try {
      return await fn(controller.signal);
    } finally {
      this.running.delete(taskId);
    }
  }

  /** Aborts the task; a task that already ended (or never existed) is not an error: it raced the click. */
  cancel(taskId: string): boolean {
    const controller = this.running.get(taskId);
    if (!controller) return false;
    controller.abort();
    return true;
  }

  cancelAll(): void {
    for (const controller of this.running.values()) controller.abort();
  }

  get size(): number {
    return this.running.size;
  }
}

/** `tasks/cancel`: aborts a task of any area by its id. */
export function createTasksArea(tasks: TaskRegistry): UcmApi['tasks'] {
  return {
    async cancel({ taskId }) {
      tasks.cancel(taskId);
    },
  };
}

export interface ProgressSample {
  stage: string;
  done: number;
  total: number | null;
  bytes?: number;
  /** A service that measures its own rate (in its own unit, e.g. calls/s) passes it; otherwise it is derived from done. */
  rate?: number | null;
  eta_seconds?: number | null;
}

export interface ProgressOptions {
  /** Minimum spacing of events in ms, so a fast loop does not flood IPC/SSE (the last one always goes). */
  intervalMs?: number;
  /** Length of the window the rate is measured over, ms. */
  windowMs?: number;
  now?: () => number;
}

/**
 * Turns a service's (stage, done, total) reports into ProgressEvents with a rate over the recent
 * window and an ETA, throttled. Call `flush()` when the work ends so the final state is sent.
 */
export function progressReporter(
  taskId: string,
  kind: TaskKind,
  emit: (event: ProgressEvent) => void,
  options: ProgressOptions = {},
): { report(sample: ProgressSample): void; flush(): void } {
  const intervalMs = options.intervalMs ?? 150;
  const windowMs = options.windowMs ?? 5000;
  const now = options.now ?? Date.now;
  const history: { t: number; done: number }[] = [];
  let lastSent = -Infinity;
  let pending: ProgressEvent | null = null;

  const toEvent = (sample: ProgressSample, t: number): ProgressEvent => {
    history.push({ t, done: sample.done });
    while (history.length > 2 && t - history[0].t > windowMs) history.shift();
    const first = history[0];
    const elapsed = (t - first.t) / 1000;
    const measured = elapsed > 0 && sample.done >= first.done ? (sample.done - first.done) / elapsed : null;
    const rate = sample.rate !== undefined ? sample.rate : measured;
    const eta =
      sample.eta_seconds !== undefined
        ? sample.eta_seconds
        : measured !== null && measured > 0 && sample.total !== null
          ? Math.max(0, (sample.total - sample.done) / measured)
          : null;
    const event: ProgressEvent = {
      taskId,
      kind,
      stage: sample.stage,
      done: sample.done,
      total: sample.total,
      rate: rate === null ? null : Math.round(rate * 10) / 10,
      eta_seconds: eta === null ? null : Math.round(eta),
    };
    if (sample.bytes !== undefined) event.bytes = sample.bytes;
    return event;
  };

  return {
    report(sample) {
      const t = now();
      const event = toEvent(sample, t);
      if (t - lastSent >= intervalMs) {
        lastSent = t;
        pending = null;
        emit(event);
      } else {
        pending = event;
      }
    },
    flush() {
      if (pending) emit(pending);
      pending = null;
    },
  };
}
