import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Form, Input, Select, Space, Table } from 'antd';
import type { components } from '../api/schema';
import { problemsOf, showProblemsOnFields } from '../api-errors';
import { useI18n } from '../i18n';
import { api } from '../session';
import { EmptyText } from './EmptyText';
import { StatusTag } from './StatusTag';

type Processor = components['schemas']['ProcessorResponse'];
interface ContractForm {
  id: string;
  contractReference: string;
  signedOn: string;
  location?: string;
}
const FIELDS = ['contractReference', 'signedOn', 'location'];

/** R15: every entrusted processor the code hands personal data to, and the contract behind each. */
export function ProcessorsPage() {
  const { t } = useI18n();
  const [form] = Form.useForm<ContractForm>();
  const [processors, setProcessors] = useState<Processor[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    const { data } = await api.GET('/api/v1/privacy/processors');
    if (data) setProcessors(data.processors);
  }, []);
  useEffect(() => void refresh(), [refresh]);

  const record = async (v: ContractForm) => {
    setError(null);
    setSaved(null);
    const { data, error: e } = await api.PUT('/api/v1/privacy/processors/{id}/contract', {
      params: { path: { id: v.id } },
      body: {
        contractReference: v.contractReference?.trim() ?? '',
        signedOn: v.signedOn?.trim() ?? '',
        ...(v.location?.trim() ? { location: v.location.trim() } : {}),
      },
    });
    if (data) {
      setSaved(data.name);
      form.resetFields(['contractReference', 'signedOn', 'location']);
      return refresh();
    }
    const rest = showProblemsOnFields(form, problemsOf(e), (p) => (FIELDS.includes(p) ? [p] : null));
    if (rest.length) setError(rest.map((p) => p.message).join('; '));
  };

  const missing = processors.filter((p) => p.contractMissing).length;
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <h1 style={{ margin: 0 }}>{t('nav.processors')}</h1>
      {missing > 0 && (
        <Alert type="warning" showIcon title={t('processors.missingWarning', { n: missing })} />
      )}
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('processors.register')}</h2>}>
        <Table
          size="small"
          rowKey="id"
          data-testid="processors"
          dataSource={processors}
          pagination={false}
          locale={{ emptyText: <EmptyText text={t('processors.none')} /> }}
          expandable={{
            expandedRowRender: (p: Processor) => (
              <div>
                <div>
                  {t('processors.endpoint')}: {p.endpoint}
                </div>
                <div>
                  {t('processors.usedBy')}: {p.usedBy.join(', ')}
                </div>
                <div>{t('processors.duties')}:</div>
                <ul style={{ margin: 0 }}>
                  {p.duties.map((d) => (
                    <li key={d}>{d}</li>
                  ))}
                </ul>
              </div>
            ),
          }}
          columns={[
            {
              title: t('processors.name'),
              key: 'name',
              render: (_: unknown, p: Processor) => (
                <div>
                  <div>{p.name}</div>
                  <code>{p.id}</code>
                </div>
              ),
            },
            { title: t('processors.purpose'), dataIndex: 'purpose' },
            {
              title: t('processors.categories'),
              dataIndex: 'dataCategories',
              render: (c: string[]) => c.join(', '),
            },
            { title: t('processors.dataSent'), dataIndex: 'dataSent' },
            { title: t('processors.location'), dataIndex: 'location' },
            {
              title: t('processors.contract'),
              key: 'contract',
              render: (_: unknown, p: Processor) =>
                p.contract ? (
                  <div>
                    <StatusTag tone="ok">{p.contract.contractReference}</StatusTag>
                    <div>
                      {t('processors.signedOn')}: {p.contract.signedOn}
                    </div>
                  </div>
                ) : (
                  <StatusTag tone="bad">{t('processors.contractMissing')}</StatusTag>
                ),
            },
          ]}
        />
      </Card>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('processors.record')}</h2>}>
        <Form
          form={form}
          layout="vertical"
          onFinish={record}
          data-testid="contract-form"
          style={{ maxWidth: 560 }}
        >
          <Form.Item
            label={t('processors.processor')}
            name="id"
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Select
              options={processors.map((p) => ({
                value: p.id,
                label: `${p.name} (${p.id})`,
              }))}
            />
          </Form.Item>
          <Form.Item
            label={t('processors.contractReference')}
            name="contractReference"
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input />
          </Form.Item>
          <Form.Item label={t('processors.signedOn')} name="signedOn" extra={t('processors.dateHint')}>
            <Input />
          </Form.Item>
          <Form.Item
            label={t('processors.locationOverride')}
            name="location"
            extra={t('processors.locationHint')}
          >
            <Input />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('processors.recordButton')}
          </Button>
        </Form>
        {saved && (
          <Alert type="success" style={{ marginTop: 12 }} title={t('processors.saved', { name: saved })} />
        )}
        {error && <Alert type="error" style={{ marginTop: 12 }} title={error} />}
      </Card>
    </Space>
  );
}
