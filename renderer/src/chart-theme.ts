import { computed, onBeforeUnmount, ref, type ComputedRef } from 'vue';
import { DARK_CHART_THEME, LIGHT_CHART_THEME, type ChartTheme } from '../../preload/report-charts.js';
import { useSettingsStore } from './stores/settings.js';

/**
 * The chart colours of the theme the page shows: the one chosen in the sidebar, or the system's when
 * it follows the system (styles.css reads the same choice through color-scheme). Charts draw on a
 * canvas, which CSS variables do not reach, so they need the theme as values.
 */
export function useChartTheme(): ComputedRef<ChartTheme> {
  const settings = useSettingsStore();
  const query = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  const systemDark = ref(query?.matches ?? false);
  const follow = (event: MediaQueryListEvent): void => {
    systemDark.value = event.matches;
  };
  query?.addEventListener('change', follow);
  onBeforeUnmount(() => query?.removeEventListener('change', follow));
  return computed(() => {
    const theme = settings.settings.theme;
    const dark = theme === 'dark' || (theme === 'system' && systemDark.value);
    return dark ? DARK_CHART_THEME : LIGHT_CHART_THEME;
  });
}
