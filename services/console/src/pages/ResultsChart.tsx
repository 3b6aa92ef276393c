import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  LineChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  AriaComponent,
  SVGRenderer,
]);

export interface Series {
  name: string;
  values: number[];
  color?: string;
}

/**
 * A bar (stacked) or line chart. SVG rendering and ECharts' aria description, so a screen reader
 * hears the figures; the page shows the same numbers in a table beside it.
 */
export function Chart({
  categories,
  series,
  kind = 'bar',
  label,
  testId,
  whole = true,
}: {
  categories: string[];
  series: Series[];
  kind?: 'bar' | 'line';
  label: string;
  testId?: string;
  /** Counts (whole-number axis); false for durations. */
  whole?: boolean;
}) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    if (!el.current) return;
    chart.current = echarts.init(el.current, undefined, { renderer: 'svg' });
    const resize = () => chart.current?.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.current?.dispose();
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(
      {
        aria: { enabled: true, label: { description: label } },
        animation: false,
        tooltip: { trigger: 'axis' },
        legend: { top: 0, textStyle: { color: '#262626' } },
        grid: { left: 48, right: 16, top: 40, bottom: 32 },
        xAxis: { type: 'category', data: categories, axisLabel: { color: '#262626' } },
        yAxis: { type: 'value', minInterval: whole ? 1 : undefined, axisLabel: { color: '#262626' } },
        series: series.map((s) => ({
          name: s.name,
          type: kind,
          stack: kind === 'bar' ? 'total' : undefined,
          data: s.values,
          itemStyle: s.color ? { color: s.color } : undefined,
        })),
      },
      true,
    );
  }, [categories, series, kind, label, whole]);
  return (
    <div ref={el} role="img" aria-label={label} data-testid={testId} style={{ width: '100%', height: 300 }} />
  );
}
