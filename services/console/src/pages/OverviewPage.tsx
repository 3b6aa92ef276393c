import { useEffect, useMemo, useState } from 'react';
import { Card, Segmented, Space, Statistic, Table } from 'antd';
import type { components } from '../api/schema';
import { useI18n } from '../i18n';
import { EmptyText } from './EmptyText';
import { api } from '../session';
import { Chart } from './ResultsChart';

type Statistics = components['schemas']['MarketingStatisticsResponse'];
const CHANNELS = ['sms', 'wechat', 'wecom'] as const;
const CHANNEL_COLOURS = { sms: '#0958d9', wechat: '#389e0d', wecom: '#d46b08' } as const;

/** Every day from `days - 1` days ago to today (local), so days without opt-outs show as 0. */
function lastDays(days: number): string[] {
  const out: string[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const d = new Date(Date.now() - i * 86_400_000);
    out.push(new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 10));
  }
  return out;
}

/** Members by channel and consent, and opt-outs over time by channel and source: counts, never contacts. */
export function OverviewPage() {
  const { t } = useI18n();
  const [days, setDays] = useState(30);
  const [stats, setStats] = useState<Statistics | null>(null);

  useEffect(() => {
    void api
      .GET('/api/v1/consent/statistics', { params: { query: { days } } })
      .then(({ data }) => setStats(data ?? null));
  }, [days]);

  const axis = useMemo(() => lastDays(days), [days]);
  const optOutSeries = useMemo(
    () =>
      CHANNELS.map((c) => ({
        name: t(`channel.${c}`),
        color: CHANNEL_COLOURS[c],
        values: axis.map((day) =>
          (stats?.optOuts ?? [])
            .filter((o) => o.day === day && o.channel === c)
            .reduce((n, o) => n + o.subjects, 0),
        ),
      })),
    [stats, axis, t],
  );
  const memberSeries = useMemo(
    () => [
      {
        name: t('overview.consenting'),
        color: '#389e0d',
        values: CHANNELS.map((c) => stats?.channels.find((x) => x.channel === c)?.consenting ?? 0),
      },
      {
        name: t('overview.withdrawn'),
        color: '#cf1322',
        values: CHANNELS.map((c) => stats?.channels.find((x) => x.channel === c)?.withdrawn ?? 0),
      },
    ],
    [stats, t],
  );

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <h1 style={{ margin: 0 }}>{t('nav.overview')}</h1>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('overview.members')}</h2>}>
        <Space size="large" wrap data-testid="members-by-channel">
          {CHANNELS.map((c) => (
            <Statistic
              key={c}
              title={t('overview.consentingOn', { channel: t(`channel.${c}`) })}
              value={stats?.channels.find((x) => x.channel === c)?.consenting ?? 0}
            />
          ))}
        </Space>
        <Chart
          testId="members-chart"
          label={t('overview.membersChart')}
          categories={CHANNELS.map((c) => t(`channel.${c}`))}
          series={memberSeries}
        />
      </Card>
      <Card
        title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('overview.optOuts')}</h2>}
        extra={
          <Segmented
            aria-label={t('overview.period')}
            value={days}
            onChange={(v) => setDays(Number(v))}
            options={[7, 30, 90].map((d) => ({ value: d, label: t('overview.days', { days: d }) }))}
          />
        }
      >
        <Chart
          testId="optouts-chart"
          kind="line"
          label={t('overview.optOutsChart', { days })}
          categories={axis}
          series={optOutSeries}
        />
        <Table
          size="small"
          data-testid="optouts"
          rowKey={(r) => `${r.day}-${r.channel}-${r.source}`}
          pagination={{ pageSize: 10 }}
          locale={{ emptyText: <EmptyText text={t('overview.noOptOuts')} /> }}
          dataSource={stats?.optOuts ?? []}
          columns={[
            { title: t('overview.day'), dataIndex: 'day' },
            { title: t('subjects.channels'), dataIndex: 'channel', render: (c: string) => t(`channel.${c}`) },
            {
              title: t('subjects.source'),
              dataIndex: 'source',
              render: (s: string) => t(`optOutSource.${s}`),
            },
            { title: t('overview.subjects'), dataIndex: 'subjects' },
          ]}
        />
      </Card>
    </Space>
  );
}
