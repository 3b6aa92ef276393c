import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Form, Input, Select, Space, Table } from 'antd';
import type { components } from '../api/schema';
import { problemsOf } from '../api-errors';
import { useI18n } from '../i18n';
import { api } from '../session';
import { EmptyText } from './EmptyText';
import { StatusTag } from './StatusTag';

type Entry = components['schemas']['AuditEntryResponse'];
/** Every service keeps its own audit_log; each answers the same listing next to its verify route. */
export const AUDITED_SERVICES = ['orders', 'consent', 'audience', 'outreach', 'privacy'] as const;
type Service = (typeof AUDITED_SERVICES)[number];
const PAGE_SIZE = 50;

interface Filter {
  service: Service;
  action?: string;
  subjectRef?: string;
}

/** Issue 12: who read which personal-information fields, when and why — names only, never values. */
export function AuditTrailPage() {
  const { t } = useI18n();
  const [filter, setFilter] = useState<Filter>({ service: 'orders' });
  const [entries, setEntries] = useState<Entry[]>([]);
  const [nextBefore, setNextBefore] = useState<string | undefined>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<{ action?: string; subjectRef?: string }>();

  const load = useCallback(async (f: Filter, before?: string) => {
    setLoading(true);
    setError(null);
    // The five routes share one query and one response shape; the path names the service.
    const path = `/api/v1/${f.service}/audit/entries` as '/api/v1/privacy/audit/entries';
    const { data, error: e } = await api.GET(path, {
      params: {
        query: {
          limit: String(PAGE_SIZE),
          ...(before ? { before } : {}),
          ...(f.action ? { action: f.action } : {}),
          ...(f.subjectRef ? { subjectRef: f.subjectRef } : {}),
        },
      },
    });
    setLoading(false);
    if (!data) {
      setError(
        problemsOf(e)
          .map((p) => p.message)
          .join('; '),
      );
      return;
    }
    setEntries((old) => (before ? [...old, ...data.entries] : data.entries));
    setNextBefore(data.nextBefore);
  }, []);
  useEffect(() => void load(filter), [load, filter]);

  const apply = (v: { action?: string; subjectRef?: string }) =>
    setFilter((f) => ({
      service: f.service,
      action: v.action?.trim() || undefined,
      subjectRef: v.subjectRef?.trim() || undefined,
    }));

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <h1 style={{ margin: 0 }}>{t('nav.auditTrail')}</h1>
      <Card>
        <Form form={form} layout="inline" onFinish={apply} data-testid="audit-filter">
          <Form.Item label={t('audit.service')} htmlFor="audit-service">
            <Select
              id="audit-service"
              style={{ width: 160 }}
              value={filter.service}
              onChange={(service: Service) => setFilter((f) => ({ ...f, service }))}
              options={AUDITED_SERVICES.map((s) => ({ value: s, label: s }))}
            />
          </Form.Item>
          <Form.Item label={t('audit.action')} name="action">
            <Input allowClear style={{ width: 180 }} />
          </Form.Item>
          <Form.Item label={t('audit.subjectRef')} name="subjectRef">
            <Input allowClear style={{ width: 240 }} />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit">
              {t('audit.apply')}
            </Button>
          </Form.Item>
        </Form>
      </Card>
      <Card
        title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('audit.entries', { service: filter.service })}</h2>}
      >
        {error && <Alert type="error" title={error} style={{ marginBottom: 12 }} />}
        <p style={{ marginTop: 0 }}>{t('audit.explain')}</p>
        <Table
          size="small"
          rowKey="seq"
          pagination={false}
          loading={loading}
          data-testid="audit-entries"
          dataSource={entries}
          locale={{ emptyText: <EmptyText text={t('audit.none')} /> }}
          columns={[
            { title: t('audit.seq'), dataIndex: 'seq' },
            { title: t('audit.at'), dataIndex: 'at', render: (v: string) => new Date(v).toLocaleString() },
            { title: t('audit.actor'), dataIndex: 'actor' },
            { title: t('audit.purpose'), dataIndex: 'purpose' },
            { title: t('audit.action'), dataIndex: 'action' },
            { title: t('audit.subjectRef'), dataIndex: 'subjectRef' },
            { title: t('audit.fields'), dataIndex: 'fields', render: (v: string[]) => v.join(', ') },
            {
              title: t('audit.outcome'),
              dataIndex: 'outcome',
              render: (v: string) => (
                <StatusTag tone={v === 'allowed' ? 'ok' : 'warn'}>
                  {t(v === 'allowed' ? 'audit.allowed' : 'audit.refused')}
                </StatusTag>
              ),
            },
          ]}
        />
        {nextBefore && (
          <Button style={{ marginTop: 12 }} onClick={() => void load(filter, nextBefore)} loading={loading}>
            {t('audit.older')}
          </Button>
        )}
      </Card>
    </Space>
  );
}
