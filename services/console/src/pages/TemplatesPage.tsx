import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, Button, Card, Descriptions, Form, Input, Select, Space, Table } from 'antd';
import type { components } from '../api/schema';
import { debounce, latestOnly, problemsOf, showProblemsOnFields, type Problem } from '../api-errors';
import { useI18n } from '../i18n';
import { EmptyText } from './EmptyText';
import { StatusTag } from './StatusTag';
import { api } from '../session';

type Template = components['schemas']['TemplateResponse'];
type Estimate = components['schemas']['DraftEstimateResponse'];
type Declare = components['schemas']['DeclareTemplateRequest'];
const VENDORS = ['sandbox', 'aliyun', 'tencent'] as const;

/** Template problems are sentences; the ones about the signature belong to that field, the rest to the text. */
const templateField = (text: string) => (text.startsWith('signName') ? 'signName' : 'content');

export function TemplatesPage() {
  const { t } = useI18n();
  const [form] = Form.useForm<Declare>();
  const [templates, setTemplates] = useState<Template[]>([]);
  const [estimate, setEstimate] = useState<Estimate | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const latest = useRef(latestOnly()).current;

  const refresh = useCallback(async () => {
    const { data } = await api.GET('/api/v1/outreach/templates');
    if (data) setTemplates(data);
  }, []);
  useEffect(() => void refresh(), [refresh]);

  // Parts and cost as the text is typed: the API's estimate, so the console never disagrees with the bill.
  const estimateLater = useMemo(
    () =>
      debounce((v: Partial<Declare>) => {
        if (!v.content) return setEstimate(null);
        void latest(
          () =>
            api.POST('/api/v1/outreach/templates/estimate', {
              body: {
                vendor: v.vendor ?? 'sandbox',
                signName: v.signName ?? '',
                content: v.content ?? '',
                kind: v.kind ?? 'marketing',
              },
            }),
          ({ data }) => setEstimate(data ?? null),
        );
      }, 300),
    [latest],
  );

  const declare = async (v: Declare) => {
    setError(null);
    setNotice(null);
    const { data, error: e } = await api.POST('/api/v1/outreach/templates', { body: v });
    if (data) {
      setNotice(t('templates.declared', { name: data.name }));
      return refresh();
    }
    const problems: Problem[] = problemsOf(e, templateField);
    const fieldNames = ['signName', 'content', 'templateCode', 'name'];
    const rest = showProblemsOnFields(form, problems, (p) => (fieldNames.includes(p) ? [p] : null));
    setError(rest.length ? rest.map((p) => p.message).join('; ') : t('templates.refused'));
  };

  const sync = async (vendor: string) => {
    setError(null);
    setNotice(null);
    const { data, error: e } = await api.POST('/api/v1/outreach/templates/sync/{vendor}', {
      params: { path: { vendor } },
    });
    if (data) {
      setNotice(t('templates.synced', { listed: data.listed, usable: data.usable }));
      return refresh();
    }
    setError(
      problemsOf(e)
        .map((p) => p.message)
        .join('; '),
    );
  };

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <h1 style={{ margin: 0 }}>{t('nav.templates')}</h1>
      <Card
        title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('templates.list')}</h2>}
        extra={
          <Space>
            {VENDORS.map((v) => (
              <Button key={v} onClick={() => sync(v)}>
                {t('templates.sync', { vendor: t(`vendor.${v}`) })}
              </Button>
            ))}
          </Space>
        }
      >
        {notice && <Alert type="success" title={notice} style={{ marginBottom: 12 }} />}
        <Table
          size="small"
          rowKey="id"
          data-testid="templates"
          dataSource={templates}
          pagination={{ pageSize: 10 }}
          locale={{ emptyText: <EmptyText text={t('templates.none')} /> }}
          columns={[
            { title: t('templates.name'), dataIndex: 'name' },
            { title: t('templates.vendor'), dataIndex: 'vendor', render: (v: string) => t(`vendor.${v}`) },
            { title: t('templates.code'), dataIndex: 'templateCode' },
            { title: t('templates.kind'), dataIndex: 'kind', render: (k: string) => t(`templateKind.${k}`) },
            { title: t('templates.content'), dataIndex: 'content' },
            {
              title: t('templates.usable'),
              key: 'usable',
              render: (_: unknown, r: Template) =>
                r.usable ? (
                  <StatusTag tone="ok">{t('templates.yes')}</StatusTag>
                ) : (
                  <StatusTag tone="bad" title={r.problems.join('; ')}>
                    {t('templates.no')}
                  </StatusTag>
                ),
            },
          ]}
        />
      </Card>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('templates.declare')}</h2>}>
        <Alert type="info" title={t('templates.rules')} style={{ marginBottom: 12 }} />
        <Form
          form={form}
          layout="vertical"
          onFinish={declare}
          onValuesChange={(_, all) => estimateLater(all)}
          initialValues={{ vendor: 'sandbox', kind: 'marketing' }}
        >
          <Space wrap align="start">
            <Form.Item label={t('templates.vendor')} name="vendor">
              <Select
                style={{ width: 140 }}
                options={VENDORS.map((v) => ({ value: v, label: t(`vendor.${v}`) }))}
              />
            </Form.Item>
            <Form.Item label={t('templates.kind')} name="kind">
              <Select
                style={{ width: 140 }}
                options={['marketing', 'notification'].map((k) => ({
                  value: k,
                  label: t(`templateKind.${k}`),
                }))}
              />
            </Form.Item>
            <Form.Item
              label={t('templates.signName')}
              name="signName"
              rules={[{ required: true, message: t('form.required') }]}
            >
              <Input style={{ width: 160 }} />
            </Form.Item>
            <Form.Item
              label={t('templates.code')}
              name="templateCode"
              rules={[{ required: true, message: t('form.required') }]}
            >
              <Input style={{ width: 160 }} />
            </Form.Item>
            <Form.Item
              label={t('templates.name')}
              name="name"
              rules={[{ required: true, message: t('form.required') }]}
            >
              <Input style={{ width: 200 }} />
            </Form.Item>
          </Space>
          <Form.Item
            label={t('templates.content')}
            name="content"
            extra={t('templates.contentHint')}
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input.TextArea rows={3} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('templates.declareButton')}
          </Button>
        </Form>
        {estimate && (
          <div aria-live="polite" style={{ marginTop: 12 }}>
            <Descriptions bordered size="small" column={3} data-testid="sms-estimate">
              <Descriptions.Item label={t('templates.characters')}>{estimate.characters}</Descriptions.Item>
              <Descriptions.Item label={t('templates.parts')}>{estimate.parts}</Descriptions.Item>
              <Descriptions.Item label={t('templates.cost')}>
                {t('templates.fen', { fen: estimate.costFenPerRecipient })}
              </Descriptions.Item>
              <Descriptions.Item label={t('templates.rendered')} span={3}>
                {estimate.text}
              </Descriptions.Item>
            </Descriptions>
            {estimate.problems.length > 0 && (
              <Alert
                type="warning"
                data-testid="template-problems"
                style={{ marginTop: 8 }}
                title={t('templates.wouldRefuse')}
                description={
                  <ul style={{ margin: 0 }}>
                    {estimate.problems.map((p) => (
                      <li key={p}>{p}</li>
                    ))}
                  </ul>
                }
              />
            )}
          </div>
        )}
        {error && <Alert type="error" title={error} style={{ marginTop: 12 }} />}
      </Card>
    </Space>
  );
}
