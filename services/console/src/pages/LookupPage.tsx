import { useEffect, useState } from 'react';
import { Alert, Button, Card, Descriptions, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import type { components } from '../api/schema';
import { apiErrorText } from '../api-errors';
import { useI18n } from '../i18n';
import { api } from '../session';

type Facts = components['schemas']['OrderFactsResponse'];
type Receiver = components['schemas']['RevealedReceiverResponse'];
type BudgetLine = components['schemas']['RevealBudgetLineResponse'];
const KINDS = ['orderNo', 'phoneLast4', 'phone', 'buyerId'] as const;
const PURPOSES = ['after_sales', 'shipping', 'customer_care'] as const;
type Purpose = (typeof PURPOSES)[number];

export function LookupPage() {
  const { t, locale } = useI18n();
  const [matches, setMatches] = useState<Facts[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [revealing, setRevealing] = useState<Facts | null>(null);
  const [purpose, setPurpose] = useState<Purpose>('after_sales');
  const [receiver, setReceiver] = useState<Receiver | null>(null);
  const [budget, setBudget] = useState<BudgetLine[] | null>(null);

  // Today's reveal budget per purpose, read when the dialog opens and after each reveal.
  const loadBudget = async () => {
    const { data } = await api.GET('/api/v1/orders/reveal-budget');
    if (data) setBudget(data.purposes);
  };
  useEffect(() => {
    if (revealing) void loadBudget();
  }, [revealing]);
  const left = budget?.find((b) => b.purpose === purpose);

  const search = async (v: {
    kind: (typeof KINDS)[number];
    value: string;
    shop?: string;
    purpose: Purpose;
  }) => {
    setError(null);
    const { data, error: e } = await api.GET('/api/v1/orders/lookup', {
      params: { query: { [v.kind]: v.value.trim(), shop: v.shop || undefined, purpose: v.purpose } },
    });
    if (data) setMatches(data.matches);
    else setError(apiErrorText(e, locale));
    setPurpose(v.purpose);
  };

  const reveal = async () => {
    if (!revealing) return;
    const { data, error: e } = await api.POST('/api/v1/orders/{orderRef}/reveal', {
      params: { path: { orderRef: revealing.orderRef } },
      body: { purpose },
    });
    if (data) setReceiver(data);
    else setError(apiErrorText(e, locale));
    void loadBudget();
  };

  const close = () => {
    setRevealing(null);
    setReceiver(null); // the revealed receiver is not kept once the dialog closes
  };

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <h1 style={{ margin: 0 }}>{t('nav.lookup')}</h1>
      <Card>
        <Form layout="inline" onFinish={search} initialValues={{ kind: 'orderNo', purpose: 'after_sales' }}>
          <Form.Item label={t('lookup.by')} name="kind">
            <Select
              style={{ width: 150 }}
              options={KINDS.map((k) => ({ value: k, label: t(`lookup.${k}`) }))}
            />
          </Form.Item>
          <Form.Item
            label={t('lookup.value')}
            name="value"
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input style={{ width: 200 }} />
          </Form.Item>
          <Form.Item label={t('imports.shop')} name="shop">
            <Input style={{ width: 130 }} />
          </Form.Item>
          <Form.Item label={t('lookup.purpose')} name="purpose">
            <Select
              style={{ width: 150 }}
              options={PURPOSES.map((p) => ({ value: p, label: t(`purpose.${p}`) }))}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('lookup.search')}
          </Button>
        </Form>
        <Alert type="info" title={t('lookup.audited')} style={{ marginTop: 16 }} />
        {error && <Alert type="error" title={error} style={{ marginTop: 16 }} />}
      </Card>
      {matches && (
        <Table
          rowKey="orderRef"
          data-testid="lookup-results"
          dataSource={matches}
          pagination={false}
          columns={[
            { title: t('lookup.platform'), dataIndex: 'platform', render: (p: string) => t(`platform.${p}`) },
            { title: t('imports.shop'), dataIndex: 'shopId' },
            { title: t('lookup.status'), dataIndex: 'status' },
            {
              title: t('lookup.amount'),
              dataIndex: 'amountCents',
              render: (c: number) => `¥${(c / 100).toFixed(2)}`,
            },
            {
              title: t('lookup.orderedAt'),
              dataIndex: 'orderedAt',
              render: (v: string) => new Date(v).toLocaleString(),
            },
            {
              title: t('lookup.receiver'),
              key: 'reveal',
              render: (_: unknown, f: Facts) =>
                f.receiverShredded ? (
                  <Tag>{t('lookup.shredded')}</Tag>
                ) : (
                  <Button size="small" onClick={() => setRevealing(f)}>
                    {t('lookup.reveal')}
                  </Button>
                ),
            },
          ]}
        />
      )}
      <Modal
        open={!!revealing}
        title={t('lookup.revealTitle')}
        onCancel={close}
        footer={
          receiver ? (
            <Button onClick={close}>{t('app.close')}</Button>
          ) : (
            <Button type="primary" onClick={reveal}>
              {t('lookup.confirmReveal')}
            </Button>
          )
        }
      >
        {receiver ? (
          <Descriptions column={1} bordered size="small" data-testid="receiver">
            <Descriptions.Item label={t('lookup.name')}>{receiver.name}</Descriptions.Item>
            <Descriptions.Item label={t('lookup.phone2')}>{receiver.phone}</Descriptions.Item>
            <Descriptions.Item label={t('lookup.address')}>{receiver.address}</Descriptions.Item>
          </Descriptions>
        ) : (
          <Form layout="vertical">
            <Form.Item label={t('lookup.purpose')}>
              <Select
                aria-label={t('lookup.purpose')}
                value={purpose}
                onChange={setPurpose}
                options={PURPOSES.map((p) => ({ value: p, label: t(`purpose.${p}`) }))}
              />
            </Form.Item>
            <Alert type="warning" title={t('lookup.revealWarning')} />
            {left && (
              <p data-testid="reveal-budget" style={{ marginTop: 12 }}>
                {t('lookup.budgetLeft', { remaining: left.remaining, limit: left.limit })}
              </p>
            )}
          </Form>
        )}
      </Modal>
    </Space>
  );
}
