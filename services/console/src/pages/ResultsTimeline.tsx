import { useMemo } from 'react';
import { Segmented, Space, Table, Typography } from 'antd';
import type { components } from '../api/schema';
import { useI18n } from '../i18n';
import { Chart } from './ResultsChart';
import { filledPoints, type Bucket } from '../timeline';

export type { Bucket };

type Timeline = components['schemas']['CampaignResultsTimelineResponse'];

const KINDS = ['sent', 'delivered', 'failed', 'blocked', 'unsubscribed'] as const;
const COLOURS: Record<(typeof KINDS)[number], string> = {
  sent: '#0958d9',
  delivered: '#389e0d',
  failed: '#cf1322',
  blocked: '#d46b08',
  unsubscribed: '#722ed1',
};
/** A campaign's results over time (every run of it): one line per outcome, and the same in a table. */
export function ResultsTimeline({
  timeline,
  bucket,
  onBucket,
  name,
}: {
  timeline: Timeline | null;
  bucket: Bucket;
  onBucket: (b: Bucket) => void;
  name: string;
}) {
  const { t, locale } = useI18n();
  const points = useMemo(() => filledPoints(timeline?.points ?? [], bucket), [timeline, bucket]);
  const format = useMemo(
    () =>
      new Intl.DateTimeFormat(locale, {
        timeZone: timeline?.timeZone ?? 'Asia/Shanghai',
        ...(bucket === 'hour'
          ? { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }
          : { year: 'numeric', month: '2-digit', day: '2-digit' }),
      }),
    [locale, bucket, timeline?.timeZone],
  );
  const categories = useMemo(() => points.map((p) => format.format(new Date(p.start))), [points, format]);
  const series = useMemo(
    () =>
      KINDS.map((k) => ({
        name: t(`timeline.${k}`),
        color: COLOURS[k],
        values: points.map((p) => p[k]),
      })),
    [points, t],
  );
  const totals = Object.fromEntries(
    KINDS.map((k) => [k, (timeline?.points ?? []).reduce((n, p) => n + p[k], 0)]),
  ) as Record<(typeof KINDS)[number], number>;

  return (
    <section aria-labelledby="timeline-heading">
      <Space align="center" wrap style={{ marginTop: 16 }}>
        <h3 id="timeline-heading" style={{ margin: 0 }}>
          {t('timeline.title')}
        </h3>
        <Segmented
          aria-label={t('timeline.bucket')}
          value={bucket}
          onChange={(v) => onBucket(v as Bucket)}
          options={[
            { value: 'hour', label: t('timeline.byHour') },
            { value: 'day', label: t('timeline.byDay') },
          ]}
        />
      </Space>
      <Typography.Paragraph data-testid="timeline-totals" style={{ marginTop: 8 }}>
        {KINDS.map((k) => `${t(`timeline.${k}`)} ${totals[k]}`).join(' · ')}
      </Typography.Paragraph>
      {points.length === 0 ? (
        <Typography.Text type="secondary">{t('timeline.empty')}</Typography.Text>
      ) : (
        <>
          <Chart
            testId="timeline-chart"
            kind="line"
            label={t('timeline.chartLabel', { name })}
            categories={categories}
            series={series}
          />
          <Table
            size="small"
            rowKey="start"
            data-testid="timeline-table"
            pagination={{ pageSize: 12, hideOnSinglePage: true }}
            dataSource={[...(timeline?.points ?? [])].reverse()}
            columns={[
              {
                title: t('timeline.start'),
                dataIndex: 'start',
                render: (v: string) => format.format(new Date(v)),
              },
              ...KINDS.map((k) => ({ title: t(`timeline.${k}`), dataIndex: k })),
            ]}
          />
        </>
      )}
    </section>
  );
}
