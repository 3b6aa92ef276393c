import { useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Form, Input, InputNumber, Select, Space, Table } from 'antd';
import type { components } from '../api/schema';
import { apiErrorText } from '../api-errors';
import { useI18n } from '../i18n';
import { api, type Session } from '../session';
import { PLATFORMS } from './ImportsPage';

type Agreement = components['schemas']['PlatformAgreementResponse'];
type Purpose = Agreement['allowedPurposes'][number];
const FULFILMENT: Purpose[] = ['shipping', 'after_sales', 'customer_care'];
const MARKETING: Purpose[] = [
  'marketing_messages',
  'purchase_history',
  'personalisation',
  'sensitive_profiling',
];

export function ShopsPage({ session }: { session: Session }) {
  const { t, locale } = useI18n();
  const { message } = App.useApp();
  const [shop, setShop] = useState<{ platform: (typeof PLATFORMS)[number]; shopId: string } | null>(null);
  const [agreement, setAgreement] = useState<Agreement | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [preview, setPreview] = useState<components['schemas']['ShopRetentionReportResponse'][] | null>(null);
  const canRetain = session.role === 'privacy_officer' || session.role === 'admin';

  const load = async (v: { platform: (typeof PLATFORMS)[number]; shopId: string }) => {
    setShop(v);
    const { data } = await api.GET('/api/v1/shops/{platform}/{shopId}/agreement', { params: { path: v } });
    setAgreement(data ?? null);
  };

  const save = async (v: { allowedPurposes: Purpose[]; agreementRef?: string }) => {
    if (!shop) return;
    setError(null);
    const { data, error: e } = await api.PUT('/api/v1/shops/{platform}/{shopId}/agreement', {
      params: { path: shop },
      body: {
        allowedPurposes: [...FULFILMENT, ...v.allowedPurposes],
        agreementRef: v.agreementRef || undefined,
      },
    });
    if (data) {
      setAgreement(data);
      void message.success(t('shops.saved', { revoked: data.revokedReleases }));
    } else setError(apiErrorText(e, locale));
  };

  const saveRetention = async (v: { afterSalesDays: number; recordRetentionDays: number }) => {
    if (!shop) return;
    const { data, error: e } = await api.PUT('/api/v1/orders/retention/shops/{platform}/{shopId}', {
      params: { path: shop },
      body: v,
    });
    if (data) void message.success(t('shops.retentionSaved'));
    else setError(apiErrorText(e, locale));
  };

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <h1 style={{ margin: 0 }}>{t('nav.shops')}</h1>
      <Card>
        <Form layout="inline" onFinish={load} initialValues={{ platform: 'tmall' }}>
          <Form.Item label={t('imports.platform')} name="platform">
            <Select
              style={{ width: 140 }}
              options={PLATFORMS.map((p) => ({ value: p, label: t(`platform.${p}`) }))}
            />
          </Form.Item>
          <Form.Item
            label={t('imports.shop')}
            name="shopId"
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input style={{ width: 160 }} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('shops.load')}
          </Button>
        </Form>
        {error && <Alert type="error" title={error} style={{ marginTop: 16 }} />}
      </Card>
      {agreement && (
        <Card
          title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('shops.agreement')}</h2>}
          data-testid="agreement"
        >
          <p>
            {agreement.recorded
              ? t('shops.recorded', { ref: agreement.agreementRef ?? '' })
              : t('shops.default')}
          </p>
          <Form
            key={`${agreement.platform}/${agreement.shopId}/${agreement.updatedAt}`}
            layout="vertical"
            onFinish={save}
            initialValues={{
              allowedPurposes: agreement.allowedPurposes.filter((p) => MARKETING.includes(p)),
              agreementRef: agreement.agreementRef ?? '',
            }}
          >
            <p>{t('shops.fulfilmentAlways')}</p>
            <Form.Item label={t('shops.marketingPurposes')} name="allowedPurposes">
              <Checkbox.Group options={MARKETING.map((p) => ({ value: p, label: t(`purpose.${p}`) }))} />
            </Form.Item>
            <Form.Item label={t('shops.agreementRef')} name="agreementRef">
              <Input style={{ width: 320 }} />
            </Form.Item>
            <Button type="primary" htmlType="submit">
              {t('app.save')}
            </Button>
          </Form>
        </Card>
      )}
      {shop && canRetain && (
        <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('shops.retention')}</h2>}>
          <Form
            layout="inline"
            onFinish={saveRetention}
            initialValues={{ afterSalesDays: 90, recordRetentionDays: 1095 }}
          >
            <Form.Item label={t('shops.afterSalesDays')} name="afterSalesDays">
              <InputNumber min={0} max={3650} />
            </Form.Item>
            <Form.Item label={t('shops.recordRetentionDays')} name="recordRetentionDays">
              <InputNumber min={1} max={36500} />
            </Form.Item>
            <Button type="primary" htmlType="submit">
              {t('app.save')}
            </Button>
            <Button
              style={{ marginLeft: 8 }}
              onClick={async () =>
                setPreview((await api.GET('/api/v1/orders/retention/preview')).data?.shops ?? [])
              }
            >
              {t('shops.preview')}
            </Button>
          </Form>
          {preview && (
            <Table
              style={{ marginTop: 16 }}
              size="small"
              rowKey={(r) => `${r.platform}/${r.shopId}`}
              dataSource={preview}
              pagination={false}
              columns={[
                { title: t('imports.platform'), dataIndex: 'platform' },
                { title: t('imports.shop'), dataIndex: 'shopId' },
                { title: t('shops.ordersShredded'), dataIndex: 'ordersShredded' },
                { title: t('shops.buyerKeysShredded'), dataIndex: 'buyerKeysShredded' },
                { title: t('shops.recordsDeleted'), dataIndex: 'recordsDeleted' },
              ]}
            />
          )}
        </Card>
      )}
    </Space>
  );
}
