import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Alert, Button, Card, Descriptions, Form, Input, Select, Space, Table } from 'antd';
import type { components } from '../api/schema';
import { problemsOf, showProblemsOnFields } from '../api-errors';
import { useI18n } from '../i18n';
import { EmptyText } from './EmptyText';
import { StatusTag } from './StatusTag';
import { api } from '../session';

type Request = components['schemas']['DataSubjectRequestResponse'];
type Receipt = components['schemas']['ServiceReceiptResponse'];
type Item = components['schemas']['RequestListItemResponse'];
const KINDS = ['access', 'erasure', 'withdraw_all', 'correct'] as const;
/** What a request may correct (libs/contracts CORRECTABLE_FIELDS; the API refuses anything else). */
const CORRECTABLE = ['time_zone'] as const;
interface LogForm {
  subjectRef: string;
  kind: (typeof KINDS)[number];
  correction?: { field: (typeof CORRECTABLE)[number]; value: string };
}

/** Data-subject requests (R14): log one received offline, then follow it across services to completion. */
export function RequestsPage() {
  const { t } = useI18n();
  const [logForm] = Form.useForm<LogForm>();
  const kind = Form.useWatch('kind', logForm);
  const [request, setRequest] = useState<Request | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [items, setItems] = useState<Item[]>([]);
  const [filter, setFilter] = useState<'all' | 'open' | 'completed'>('open');

  const refresh = useCallback(async () => {
    const { data } = await api.GET('/api/v1/privacy/requests', {
      params: { query: filter === 'all' ? {} : { status: filter } },
    });
    if (data) setItems(data);
  }, [filter]);
  useEffect(() => void refresh(), [refresh]);

  const open = async (id: string) => {
    setError(null);
    const { data, error: e } = await api.GET('/api/v1/privacy/requests/{id}', {
      // RequestIdParams carries no @ApiProperty, so the generated path type omits `id`.
      params: { path: { id: id.trim() } as never },
    });
    setRequest(data ?? null);
    if (!data)
      setError(
        problemsOf(e)
          .map((p) => p.message)
          .join('; '),
      );
  };

  const log = async (v: LogForm) => {
    setError(null);
    const { data, error: e } = await api.POST('/api/v1/privacy/requests', {
      body: {
        subjectRef: v.subjectRef.trim(),
        kind: v.kind,
        ...(v.kind === 'correct' && v.correction
          ? { correction: { field: v.correction.field, value: v.correction.value.trim() } }
          : {}),
      },
    });
    if (data) {
      void refresh();
      return open(data.id);
    }
    // Domain refusals name their field at the start of the message ("correction.value: …").
    const problems = problemsOf(e, (m) => /^([\w.]+): /.exec(m)?.[1] ?? '').map((p) => ({
      path: p.path,
      message: p.path && p.message.startsWith(`${p.path}: `) ? p.message.slice(p.path.length + 2) : p.message,
    }));
    const rest = showProblemsOnFields(logForm, problems, (p) =>
      p === 'subjectRef' || p === 'kind'
        ? [p]
        : p.startsWith('correction')
          ? ['correction', p === 'correction.field' ? 'field' : 'value']
          : null,
    );
    if (rest.length) setError(rest.map((p) => p.message).join('; '));
  };

  /** `time_zone → Asia/Urumqi`: the field and its corrected value (not personal information on its own). */
  const correctionText = (c: { field: string; value: string } | null | undefined): ReactNode =>
    c ? (
      <div data-testid="correction">
        {t(`correctableField.${c.field}`)} → <code>{c.value}</code>
      </div>
    ) : null;

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <h1 style={{ margin: 0 }}>{t('nav.requests')}</h1>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('requests.log')}</h2>}>
        <Form
          form={logForm}
          layout="inline"
          onFinish={log}
          initialValues={{ kind: 'access', correction: { field: 'time_zone', value: '' } }}
        >
          <Form.Item
            label={t('subjects.ref')}
            name="subjectRef"
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input style={{ width: 340 }} />
          </Form.Item>
          <Form.Item label={t('requests.kind')} name="kind">
            <Select
              style={{ width: 160 }}
              options={KINDS.map((k) => ({ value: k, label: t(`requestKind.${k}`) }))}
            />
          </Form.Item>
          {kind === 'correct' && (
            <>
              <Form.Item label={t('requests.correctionField')} name={['correction', 'field']}>
                <Select
                  style={{ width: 160 }}
                  options={CORRECTABLE.map((f) => ({ value: f, label: t(`correctableField.${f}`) }))}
                />
              </Form.Item>
              <Form.Item
                label={t('requests.correctionValue')}
                name={['correction', 'value']}
                extra={t('requests.correctionHint')}
                rules={[{ required: true, message: t('form.required') }]}
              >
                <Input style={{ width: 200 }} />
              </Form.Item>
            </>
          )}
          <Button type="primary" htmlType="submit">
            {t('requests.logButton')}
          </Button>
        </Form>
      </Card>
      <Card
        title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('requests.list')}</h2>}
        extra={
          <Select
            aria-label={t('requests.status')}
            style={{ width: 140 }}
            value={filter}
            onChange={setFilter}
            options={(['open', 'completed', 'all'] as const).map((f) => ({
              value: f,
              label: t(`requestFilter.${f}`),
            }))}
          />
        }
      >
        <Table
          size="small"
          rowKey="id"
          data-testid="requests"
          dataSource={items}
          pagination={{ pageSize: 10 }}
          locale={{ emptyText: <EmptyText text={t('requests.none')} /> }}
          columns={[
            {
              title: t('requests.receivedAt'),
              dataIndex: 'receivedAt',
              render: (v: string) => new Date(v).toLocaleString(),
            },
            {
              title: t('requests.kind'),
              key: 'kind',
              render: (_: unknown, r: Item) => (
                <>
                  {t(`requestKind.${r.kind}`)}
                  {correctionText(r.correction)}
                </>
              ),
            },
            { title: t('subjects.ref'), dataIndex: 'subjectRef' },
            {
              title: t('requests.status'),
              key: 'status',
              render: (_: unknown, r: Item) => (
                <StatusTag tone={r.status === 'completed' ? 'ok' : r.overdue ? 'bad' : 'info'}>
                  {r.overdue ? t('receiptState.overdue') : t(`requestStatus.${r.status}`)}
                </StatusTag>
              ),
            },
            {
              title: t('requests.dueAt'),
              dataIndex: 'dueAt',
              render: (v: string) => new Date(v).toLocaleDateString(),
            },
            {
              title: t('requests.answers'),
              key: 'answers',
              render: (_: unknown, r: Item) => `${r.answered} / ${r.services}`,
            },
            {
              title: t('requests.detail'),
              key: 'open',
              render: (_: unknown, r: Item) => (
                <Button size="small" onClick={() => open(r.id)}>
                  {t('requests.openButton')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('requests.open')}</h2>}>
        <Form layout="inline" onFinish={(v: { id: string }) => open(v.id)}>
          <Form.Item
            label={t('requests.id')}
            name="id"
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input style={{ width: 340 }} />
          </Form.Item>
          <Button htmlType="submit">{t('requests.openButton')}</Button>
        </Form>
        {error && <Alert type="error" title={error} style={{ marginTop: 12 }} />}
      </Card>
      {request && (
        <Card
          title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('requests.detail')}</h2>}
          extra={<Button onClick={() => open(request.id)}>{t('requests.reload')}</Button>}
          data-testid="request"
        >
          <Descriptions bordered size="small" column={3}>
            <Descriptions.Item label={t('requests.id')}>{request.id}</Descriptions.Item>
            <Descriptions.Item label={t('requests.kind')}>
              {t(`requestKind.${request.kind}`)}
            </Descriptions.Item>
            <Descriptions.Item label={t('requests.status')}>
              <StatusTag tone={request.status === 'completed' ? 'ok' : 'info'}>
                {t(`requestStatus.${request.status}`)}
              </StatusTag>
            </Descriptions.Item>
            <Descriptions.Item label={t('subjects.ref')}>{request.subjectRef}</Descriptions.Item>
            {request.correction && (
              <Descriptions.Item label={t('requests.correction')} span={3}>
                {correctionText(request.correction)}
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t('requests.receivedAt')}>
              {new Date(request.receivedAt).toLocaleString()}
            </Descriptions.Item>
            <Descriptions.Item label={t('requests.dueAt')}>
              {new Date(request.dueAt).toLocaleString()}
            </Descriptions.Item>
          </Descriptions>
          <Table
            size="small"
            style={{ marginTop: 12 }}
            rowKey="service"
            pagination={false}
            data-testid="receipts"
            dataSource={request.receipts}
            columns={[
              { title: t('requests.service'), dataIndex: 'service' },
              {
                title: t('requests.state'),
                dataIndex: 'state',
                render: (s: string) => (
                  <StatusTag tone={s === 'answered' ? 'ok' : s === 'overdue' ? 'bad' : 'plain'}>
                    {t(`receiptState.${s}`)}
                  </StatusTag>
                ),
              },
              {
                title: t('requests.answeredAt'),
                dataIndex: 'answeredAt',
                render: (v: string | null) => (v ? new Date(v).toLocaleString() : '—'),
              },
              {
                title: t('requests.lines'),
                key: 'lines',
                render: (_: unknown, r: Receipt) =>
                  r.lines.map((l) => (
                    <div key={l.category}>
                      {l.category}: {l.records} · {t(`lineStatus.${l.status}`)}
                    </div>
                  )),
              },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
