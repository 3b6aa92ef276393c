import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Descriptions, Space, Table } from 'antd';
import type { components } from '../api/schema';
import { problemsOf } from '../api-errors';
import { useI18n } from '../i18n';
import { api } from '../session';
import { EmptyText } from './EmptyText';
import { StatusTag } from './StatusTag';

type Count = components['schemas']['IndividualsCountResponse'];
type ServiceCount = components['schemas']['ServiceCountResponse'];
const POLL_MS = 1000;
/** A count whose services have not all answered after this long is shown as it is; the page stops asking. */
const POLL_LIMIT = 60;

/** R19: how many distinct individuals the services hold (bounds), against the 1M / 10M thresholds. */
export function IndividualsPage() {
  const { t, locale } = useI18n();
  const [count, setCount] = useState<Count | null>(null);
  const [none, setNone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [waitingFor, setWaitingFor] = useState<string | null>(null);

  const load = useCallback(async () => {
    const { data, error: e, response } = await api.GET('/api/v1/privacy/individuals-count');
    if (data) {
      setCount(data);
      setNone(false);
      return data;
    }
    if (response.status === 404) setNone(true);
    else
      setError(
        problemsOf(e)
          .map((p) => p.message)
          .join('; '),
      );
    return null;
  }, []);
  useEffect(() => void load(), [load]);

  // After a recount: ask until the new count is complete (every counting service answered).
  useEffect(() => {
    if (!waitingFor) return;
    let ticks = 0;
    const timer = setInterval(async () => {
      ticks += 1;
      const c = await load();
      if ((c?.countId === waitingFor && c.complete) || ticks >= POLL_LIMIT) setWaitingFor(null);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [waitingFor, load]);

  const recount = async () => {
    setError(null);
    const { data, error: e } = await api.POST('/api/v1/privacy/individuals-count');
    if (data) setWaitingFor(data.countId);
    else
      setError(
        problemsOf(e)
          .map((p) => p.message)
          .join('; '),
      );
  };

  const fmt = (n: number) => n.toLocaleString(locale);
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <h1 style={{ margin: 0 }}>{t('nav.individuals')}</h1>
      <Card
        title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('individuals.latest')}</h2>}
        extra={
          <Button type="primary" onClick={recount} loading={!!waitingFor}>
            {t('individuals.recount')}
          </Button>
        }
        data-testid="individuals"
      >
        {error && <Alert type="error" title={error} style={{ marginBottom: 12 }} />}
        {none && !count && <EmptyText text={t('individuals.none')} />}
        {count && (
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            {count.thresholds
              .filter((th) => th.status !== 'below')
              .map((th) => (
                <Alert
                  key={th.threshold}
                  showIcon
                  type={th.status === 'reached' ? 'error' : 'warning'}
                  title={t(`individuals.threshold.${th.status}`, { threshold: fmt(th.threshold) })}
                  description={t(
                    `individuals.duties.${th.threshold === 1_000_000 ? 'million' : 'tenMillion'}`,
                  )}
                />
              ))}
            <Descriptions bordered size="small" column={2}>
              <Descriptions.Item label={t('individuals.lowerBound')}>
                <span data-testid="lower-bound">{fmt(count.lowerBound)}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('individuals.upperBound')}>
                <span data-testid="upper-bound">{fmt(count.upperBound)}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('individuals.startedAt')}>
                {new Date(count.startedAt).toLocaleString()}
              </Descriptions.Item>
              <Descriptions.Item label={t('individuals.state')}>
                {count.complete ? (
                  <StatusTag tone="ok">{t('individuals.complete')}</StatusTag>
                ) : (
                  <StatusTag tone="warn">
                    {t('individuals.waitingFor', { services: count.waitingFor.join(', ') })}
                  </StatusTag>
                )}
              </Descriptions.Item>
              {count.thresholds.map((th) => (
                <Descriptions.Item
                  key={th.threshold}
                  label={t('individuals.thresholdLabel', { threshold: fmt(th.threshold) })}
                >
                  <StatusTag
                    tone={th.status === 'reached' ? 'bad' : th.status === 'possibly_reached' ? 'warn' : 'ok'}
                  >
                    {t(`thresholdStatus.${th.status}`)}
                  </StatusTag>
                </Descriptions.Item>
              ))}
            </Descriptions>
            <Table
              size="small"
              rowKey="service"
              pagination={false}
              data-testid="individuals-services"
              dataSource={count.services}
              columns={[
                { title: t('individuals.service'), dataIndex: 'service' },
                {
                  title: t('individuals.populations'),
                  key: 'populations',
                  render: (_: unknown, s: ServiceCount) =>
                    s.populations.map((p) => (
                      <div key={p.population}>
                        {t(`population.${p.population}`)} ({p.population}): {fmt(p.individuals)}
                      </div>
                    )),
                },
                {
                  title: t('individuals.answeredAt'),
                  dataIndex: 'answeredAt',
                  render: (v: string) => new Date(v).toLocaleString(),
                },
              ]}
            />
            <div>
              <strong>{t('individuals.method')}</strong> {t('individuals.methodText')}
            </div>
          </Space>
        )}
      </Card>
    </Space>
  );
}
