import { useEffect, useMemo, useState } from 'react';
import { Alert, Card, Segmented, Space, Statistic, Table } from 'antd';
import type { components } from '../api/schema';
import { useI18n } from '../i18n';
import { EmptyText } from './EmptyText';
import { api } from '../session';
import { Chart } from './ResultsChart';
import { StatusTag } from './StatusTag';

type Figures = components['schemas']['TimeToSuppressionResponse'];
type Summary = components['schemas']['LatencySummaryResponse'];

const seconds = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v.toFixed(3));

/**
 * For the privacy officer: how long each "no" took from the consent ledger to the send gate
 * (R9, invariant 4), per day and per source, against the alert's threshold. Counts and durations only.
 */
export function WithdrawalsPage() {
  const { t } = useI18n();
  const [days, setDays] = useState(30);
  const [figures, setFigures] = useState<Figures | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void api
      .GET('/api/v1/outreach/withdrawals/time-to-suppression', { params: { query: { days } } })
      .then(({ data, error: e }) => {
        setFigures(data ?? null);
        setError(data ? null : ((e as { code?: string } | undefined)?.code ?? 'ERROR'));
      });
  }, [days]);

  const overall = figures?.overall;
  const slowAfter = figures?.slowAfterSeconds ?? 5;
  const histogram = figures?.histogram ?? [];
  const histogramSeries = useMemo(
    () => [{ name: t('withdrawals.count'), color: '#0958d9', values: histogram.map((b) => b.count) }],
    [histogram, t],
  );
  const histogramAxis = histogram.map((b) =>
    b.upToSeconds === null
      ? t('withdrawals.longer', { s: histogram[histogram.length - 2]?.upToSeconds ?? '' })
      : t('withdrawals.upTo', { s: b.upToSeconds }),
  );
  const byDay = figures?.byDay ?? [];
  const daySeries = useMemo(
    () => [
      { name: t('withdrawals.p50'), color: '#389e0d', values: byDay.map((d) => d.p50Seconds ?? 0) },
      { name: t('withdrawals.p99'), color: '#d46b08', values: byDay.map((d) => d.p99Seconds ?? 0) },
      { name: t('withdrawals.max'), color: '#cf1322', values: byDay.map((d) => d.maxSeconds ?? 0) },
    ],
    [byDay, t],
  );
  const summaryColumns = [
    { title: t('withdrawals.count'), dataIndex: 'count' },
    { title: t('withdrawals.p50'), dataIndex: 'p50Seconds', render: seconds },
    { title: t('withdrawals.p95'), dataIndex: 'p95Seconds', render: seconds },
    { title: t('withdrawals.p99'), dataIndex: 'p99Seconds', render: seconds },
    { title: t('withdrawals.max'), dataIndex: 'maxSeconds', render: seconds },
    {
      title: t('withdrawals.slow', { s: slowAfter }),
      dataIndex: 'slowCount',
      render: (n: number) => (n > 0 ? <StatusTag tone="bad">{n}</StatusTag> : n),
    },
  ];

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <h1 style={{ margin: 0 }}>{t('nav.withdrawals')}</h1>
      <Alert type="info" title={t('withdrawals.explain', { s: slowAfter })} />
      <Segmented
        aria-label={t('overview.period')}
        value={days}
        onChange={(v) => setDays(Number(v))}
        options={[7, 30, 90].map((d) => ({ value: d, label: t('overview.days', { days: d }) }))}
      />
      {error && <Alert type="error" title={error} />}
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('withdrawals.overall')}</h2>}>
        <Space wrap size="large" data-testid="withdrawal-overall">
          <Statistic title={t('withdrawals.count')} value={overall?.count ?? 0} />
          <Statistic title={t('withdrawals.p50s')} value={seconds(overall?.p50Seconds)} />
          <Statistic title={t('withdrawals.p99s')} value={seconds(overall?.p99Seconds)} />
          <Statistic title={t('withdrawals.maxs')} value={seconds(overall?.maxSeconds)} />
          <Statistic title={t('withdrawals.slow', { s: slowAfter })} value={overall?.slowCount ?? 0} />
        </Space>
        {(overall?.slowCount ?? 0) > 0 && (
          <Alert
            type="warning"
            style={{ marginTop: 12 }}
            title={t('withdrawals.slowWarning', { n: overall!.slowCount, s: slowAfter })}
          />
        )}
        {(figures?.notMeasured ?? 0) > 0 && (
          <Alert
            type="info"
            style={{ marginTop: 12 }}
            title={t('withdrawals.notMeasured', { n: figures!.notMeasured })}
          />
        )}
      </Card>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('withdrawals.distribution')}</h2>}>
        <Chart
          testId="withdrawal-histogram"
          label={t('withdrawals.histogramLabel')}
          categories={histogramAxis}
          series={histogramSeries}
        />
      </Card>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('withdrawals.byDay')}</h2>}>
        <Chart
          testId="withdrawal-days-chart"
          kind="line"
          whole={false}
          label={t('withdrawals.byDayLabel')}
          categories={byDay.map((d) => d.day)}
          series={daySeries}
        />
        <Table<Summary & { day: string }>
          size="small"
          rowKey="day"
          data-testid="withdrawal-days"
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          locale={{ emptyText: <EmptyText text={t('withdrawals.none')} /> }}
          dataSource={[...byDay].reverse()}
          columns={[{ title: t('withdrawals.day'), dataIndex: 'day' }, ...summaryColumns]}
        />
      </Card>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('withdrawals.bySource')}</h2>}>
        <Table<Summary & { source: string }>
          size="small"
          rowKey="source"
          data-testid="withdrawal-sources"
          pagination={false}
          locale={{ emptyText: <EmptyText text={t('withdrawals.none')} /> }}
          dataSource={figures?.bySource ?? []}
          columns={[
            {
              title: t('withdrawals.source'),
              dataIndex: 'source',
              render: (s: string) => t(`optOutSource.${s}`),
            },
            ...summaryColumns,
          ]}
        />
      </Card>
    </Space>
  );
}
