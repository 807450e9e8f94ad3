import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../preload/api.js';
import { TaskRegistry, progressReporter } from '../../main/app/tasks.js';

describe('TaskRegistry', () => {
  it('aborts the running task on cancel and frees its id when it settles', async () => {
    const tasks = new TaskRegistry();
    let release!: () => void;
    const started = new Promise<void>((resolve) => (release = resolve));
    const run = tasks.run('t1', (signal) => {
      release();
      return new Promise<string>((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    });
    await started;
    expect(tasks.size).toBe(1);
    expect(tasks.cancel('t1')).toBe(true);
    await expect(run).rejects.toThrow('aborted');
    expect(tasks.size).toBe(0);
    expect(tasks.cancel('t1')).toBe(false);
  });

  it('refuses a second task with the same id while the first runs', async () => {
    const tasks = new TaskRegistry();
    let finish!: () => void;
    const first = tasks.run('same', () => new Promise<void>((resolve) => (finish = resolve)));
    await expect(tasks.run('same', async () => 1)).rejects.toMatchObject({ code: 'BAD_INPUT' });
    finish();
    await first;
    await expect(tasks.run('same', async () => 2)).resolves.toBe(2);
  });
});

describe('progressReporter', () => {
  it('computes rate and ETA over the window and throttles, sending the last state on flush', () => {
    let t = 0;
    const events: ProgressEvent[] = [];
    const progress = progressReporter('t', 'sync', (e) => events.push(e), { intervalMs: 100, now: () => t });
    progress.report({ stage: 'start', done: 0, total: 1000 });
    t = 1000;
    progress.report({ stage: 'page 1', done: 100, total: 1000 });
    t = 1050;
    progress.report({ stage: 'page 2', done: 150, total: 1000 });
    expect(events.map((e) => e.stage)).toEqual(['start', 'page 1']);
    expect(events[1].rate).toBe(100);
    expect(events[1].eta_seconds).toBe(9);
    progress.flush();
    expect(events.map((e) => e.stage)).toEqual(['start', 'page 1', 'page 2']);
    expect(events[2]).toMatchObject({ taskId: 't', kind: 'sync', done: 150, total: 1000 });
  });

  it('leaves rate and ETA unknown when nothing can be measured', () => {
    const events: ProgressEvent[] = [];
    const progress = progressReporter('t', 'import', (e) => events.push(e), { now: () => 5 });
    progress.report({ stage: 'reading', done: 0, total: null, bytes: 10 });
    expect(events[0]).toMatchObject({ rate: null, eta_seconds: null, bytes: 10 });
  });
});
