import type { ReportResult } from './reports.js';

/**
 * The chart of each report as an Apache ECharts option: the window draws it with vue-echarts, the
 * HTML report renders the same option to SVG on the server, so a report looks the same in both.
 * Plain data only (no functions), so it crosses any boundary and serialises.
 */

export interface ChartTheme {
  text: string;
  grid: string;
  answered: string;
  missed: string;
  previous: string;
  line: string;
}

export const LIGHT_CHART_THEME: ChartTheme = {
  text: '#1f2933',
  grid: '#d9dee4',
  answered: '#2f7d4f',
  missed: '#c2410c',
  previous: '#9aa5b1',
  line: '#1d4ed8',
};

export const DARK_CHART_THEME: ChartTheme = {
  text: '#e4e7eb',
  grid: '#3e4c59',
  answered: '#4ade80',
  missed: '#fb923c',
  previous: '#7b8794',
  line: '#60a5fa',
};

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export type ChartOption = Record<string, unknown>;

function axes(theme: ChartTheme, categories: string[], valueName: string): ChartOption {
  return {
    textStyle: { color: theme.text },
    grid: { left: 56, right: 16, top: 36, bottom: 48, containLabel: true },
    tooltip: { trigger: 'axis' },
    legend: { top: 0, textStyle: { color: theme.text } },
    xAxis: { type: 'category', data: categories, axisLabel: { color: theme.text }, axisLine: { lineStyle: { color: theme.grid } } },
    yAxis: { type: 'value', name: valueName, nameTextStyle: { color: theme.text }, axisLabel: { color: theme.text }, splitLine: { lineStyle: { color: theme.grid } } },
  };
}

function stackedBars(theme: ChartTheme, categories: string[], answered: number[], missed: number[]): ChartOption {
  return {
    ...axes(theme, categories, 'calls'),
    series: [
      { name: 'Answered', type: 'bar', stack: 'calls', data: answered, itemStyle: { color: theme.answered } },
      { name: 'Missed', type: 'bar', stack: 'calls', data: missed, itemStyle: { color: theme.missed } },
    ],
  };
}

/** The report's chart, or null for a report that is a table only (summary, missed, accounts). */
export function reportChart(report: ReportResult, theme: ChartTheme = LIGHT_CHART_THEME): ChartOption | null {
  switch (report.kind) {
    case 'activity': {
      const option = stackedBars(
        theme,
        report.rows.map((r) => r.bucket),
        report.rows.map((r) => r.answered),
        report.rows.map((r) => r.missed),
      );
      if (report.previous) {
        const series = option['series'] as ChartOption[];
        series.push({
          name: 'Previous period',
          type: 'line',
          data: report.previous.rows.map((r) => r.calls),
          itemStyle: { color: theme.previous },
          lineStyle: { type: 'dashed' },
        });
      }
      return option;
    }
    case 'heatmap': {
      const max = Math.max(1, ...report.cells.map((c) => c.calls));
      return {
        textStyle: { color: theme.text },
        tooltip: { position: 'top' },
        grid: { left: 48, right: 16, top: 16, bottom: 72 },
        xAxis: { type: 'category', data: Array.from({ length: 24 }, (_, h) => String(h)), axisLabel: { color: theme.text }, splitArea: { show: true } },
        yAxis: { type: 'category', data: WEEKDAYS, axisLabel: { color: theme.text }, inverse: true, splitArea: { show: true } },
        visualMap: { min: 0, max, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, textStyle: { color: theme.text }, inRange: { color: ['#f0f4f8', theme.line] } },
        series: [{ name: 'Calls', type: 'heatmap', data: report.cells.map((c) => [c.hour, c.weekday - 1, c.calls]) }],
      };
    }
    case 'concurrency':
      return {
        ...axes(theme, report.rows.map((r) => r.bucket), 'concurrent calls'),
        series: [{ name: 'Peak concurrent calls', type: 'line', step: 'middle', data: report.rows.map((r) => r.peak), itemStyle: { color: theme.line } }],
      };
    case 'groups':
      return stackedBars(
        theme,
        report.rows.map((r) => `${r.kind === 'QUEUE' ? 'Queue' : 'Ring group'} ${r.group}`),
        report.rows.map((r) => r.answered),
        report.rows.map((r) => r.missed),
      );
    case 'extensions':
      return {
        ...axes(theme, report.rows.map((r) => r.extension), 'calls'),
        series: [
          { name: 'Outgoing', type: 'bar', data: report.rows.map((r) => r.outgoing), itemStyle: { color: theme.line } },
          { name: 'Answered', type: 'bar', stack: 'in', data: report.rows.map((r) => r.answered), itemStyle: { color: theme.answered } },
          { name: 'Missed', type: 'bar', stack: 'in', data: report.rows.map((r) => r.missed), itemStyle: { color: theme.missed } },
        ],
      };
    case 'trunks':
      return {
        ...axes(theme, report.rows.map((r) => r.trunk), 'calls'),
        series: [
          { name: 'Inbound', type: 'bar', data: report.rows.map((r) => r.inbound), itemStyle: { color: theme.answered } },
          { name: 'Outbound', type: 'bar', data: report.rows.map((r) => r.outbound), itemStyle: { color: theme.line } },
        ],
      };
    case 'top':
      return {
        ...axes(theme, report.rows.map((r) => r.number), 'calls'),
        series: [{ name: 'Calls', type: 'bar', data: report.rows.map((r) => r.calls), itemStyle: { color: theme.line } }],
      };
    case 'costs':
      return {
        ...axes(theme, report.rows.map((r) => r.key), report.currency === '' ? 'cost' : report.currency),
        series: [{ name: 'Cost', type: 'bar', data: report.rows.map((r) => r.cost), itemStyle: { color: theme.line } }],
      };
    case 'summary':
    case 'missed':
    case 'accounts':
      return null;
  }
}
