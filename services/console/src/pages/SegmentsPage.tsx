import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Form, Input, Select, Space } from 'antd';
import type { components } from '../api/schema';
import { useI18n } from '../i18n';
import { api } from '../session';

type Segment = components['schemas']['SegmentResponse'];
const PURPOSES = [
  'marketing_messages',
  'purchase_history',
  'personalisation',
  'sensitive_profiling',
] as const;
const CHANNELS = ['sms', 'wechat', 'wecom'] as const;

export function SegmentsPage() {
  const { t } = useI18n();
  const [segment, setSegment] = useState<Segment | null>(null);
  const [error, setError] = useState<string | null>(null);
  const create = async (v: components['schemas']['CreateSegmentRequest']) => {
    setError(null);
    const { data, error: e } = await api.POST('/api/v1/audience/segments', { body: v });
    if (!data) return setError(`${(e as any)?.code}: ${(e as any)?.message}`);
    const id = data.id;
    const shown = await api.GET('/api/v1/audience/segments/{id}', { params: { path: { id } } });
    setSegment(shown.data ?? null);
  };
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <h1 style={{ margin: 0 }}>{t('nav.segments')}</h1>
      <Alert type="info" title={t('segments.consentOnly')} />
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('segments.create')}</h2>}>
        <Form
          layout="inline"
          onFinish={create}
          initialValues={{ purpose: 'marketing_messages', channel: 'sms' }}
        >
          <Form.Item
            label={t('segments.name')}
            name="name"
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input />
          </Form.Item>
          <Form.Item label={t('lookup.purpose')} name="purpose">
            <Select
              style={{ width: 170 }}
              options={PURPOSES.map((p) => ({ value: p, label: t(`purpose.${p}`) }))}
            />
          </Form.Item>
          <Form.Item label={t('subjects.channels')} name="channel">
            <Select
              style={{ width: 120 }}
              options={CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('app.create')}
          </Button>
        </Form>
        {error && <Alert type="error" title={error} style={{ marginTop: 16 }} />}
      </Card>
      {segment && (
        <Descriptions bordered size="small" column={2} data-testid="segment">
          <Descriptions.Item label={t('segments.name')}>{segment.name}</Descriptions.Item>
          <Descriptions.Item label={t('segments.members')}>{segment.count ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('lookup.purpose')}>{t(`purpose.${segment.purpose}`)}</Descriptions.Item>
          <Descriptions.Item label={t('subjects.channels')}>
            {t(`channel.${segment.channel}`)}
          </Descriptions.Item>
        </Descriptions>
      )}
    </Space>
  );
}
