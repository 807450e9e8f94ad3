import { watch } from 'vue';
import { useAlertsStore } from './stores/alerts.js';
import { useImportsStore } from './stores/imports.js';
import { useSyncStore } from './stores/sync.js';
import { useWatchStore } from './stores/watch.js';

/**
 * How often the window looks for new alerts and where the automatic sync stands: the service checks
 * for due PBXs every 30 s (main/app/watch.ts), so looking more often would only find the same.
 */
export const WATCH_POLL_MS = 30_000;

/**
 * Keeps the alert badge and the watch status current while the window is open: at once, on every
 * tick, and when a sync or an import of the window's own ends (the rules may have run on what it
 * brought). Returns the function that stops it.
 */
export function startWatchPolling(): () => void {
  const alerts = useAlertsStore();
  const watchStore = useWatchStore();
  const sync = useSyncStore();
  const imports = useImportsStore();

  const look = () => {
    void alerts.refresh();
    void watchStore.loadStatus();
  };
  look();
  const timer = setInterval(look, WATCH_POLL_MS);
  const stopSync = watch(
    () => sync.active.length,
    (running, before) => {
      if (running < before) void alerts.refresh();
    },
  );
  const stopImports = watch(
    () => imports.running,
    (running, before) => {
      if (before && !running) void alerts.refresh();
    },
  );
  return () => {
    clearInterval(timer);
    stopSync();
    stopImports();
  };
}
