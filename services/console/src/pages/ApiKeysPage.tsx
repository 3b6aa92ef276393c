import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Form, Input, Popconfirm, Space, Table } from 'antd';
import type { components } from '../api/schema';
import { useI18n } from '../i18n';
import { api } from '../session';

type Key = components['schemas']['ApiKeyResponse'];

export function ApiKeysPage() {
  const { t } = useI18n();
  const [keys, setKeys] = useState<Key[]>([]);
  const [created, setCreated] = useState<components['schemas']['CreatedApiKeyResponse'] | null>(null);
  const load = useCallback(async () => setKeys((await api.GET('/api/v1/identity/api-keys')).data ?? []), []);
  useEffect(() => void load(), [load]);

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <h1 style={{ margin: 0 }}>{t('nav.apiKeys')}</h1>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('apiKeys.create')}</h2>}>
        <Form
          layout="inline"
          onFinish={async (v: { name: string }) => {
            const { data } = await api.POST('/api/v1/identity/api-keys', {
              body: { name: v.name, role: 'platform' },
            });
            if (data) setCreated(data);
            void load();
          }}
        >
          <Form.Item
            label={t('apiKeys.name')}
            name="name"
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('app.create')}
          </Button>
        </Form>
        {created && (
          <Alert
            type="success"
            style={{ marginTop: 16 }}
            title={t('apiKeys.shownOnce')}
            description={<code data-testid="api-key">{created.key}</code>}
          />
        )}
      </Card>
      <Table
        rowKey="id"
        data-testid="api-keys"
        dataSource={keys}
        pagination={false}
        columns={[
          { title: t('apiKeys.name'), dataIndex: 'name' },
          {
            title: t('accounts.createdAt'),
            dataIndex: 'createdAt',
            render: (v: string) => new Date(v).toLocaleString(),
          },
          {
            title: t('apiKeys.lastUsed'),
            dataIndex: 'lastUsedAt',
            render: (v: string | null) => (v ? new Date(v).toLocaleString() : '—'),
          },
          {
            title: t('apiKeys.state'),
            key: 'state',
            render: (_: unknown, k: Key) =>
              k.revokedAt ? (
                t('apiKeys.revoked')
              ) : (
                <Popconfirm
                  title={t('apiKeys.revokeConfirm')}
                  onConfirm={async () => {
                    await api.DELETE('/api/v1/identity/api-keys/{id}', { params: { path: { id: k.id } } });
                    void load();
                  }}
                >
                  <Button danger size="small">
                    {t('apiKeys.revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
    </Space>
  );
}
