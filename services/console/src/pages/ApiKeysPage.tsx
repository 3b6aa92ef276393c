import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Form, Input, Popconfirm, Select, Space, Table } from 'antd';
import type { components } from '../api/schema';
import { apiErrorText } from '../api-errors';
import { useI18n } from '../i18n';
import type { MessageKey } from '../messages';
import { api } from '../session';

type Key = components['schemas']['ApiKeyResponse'];
type Role = components['schemas']['CreateApiKeyRequest']['role'];
const ROLES: Record<Role, MessageKey> = {
  platform: 'apiKeyRole.platform',
  auditor: 'apiKeyRole.auditor',
  processor: 'apiKeyRole.processor',
};

export function ApiKeysPage() {
  const { t, locale } = useI18n();
  const [form] = Form.useForm<{ name: string; role: Role; grantId?: string }>();
  const role = Form.useWatch('role', form);
  const [error, setError] = useState<string | null>(null);
  const [keys, setKeys] = useState<Key[]>([]);
  const [created, setCreated] = useState<components['schemas']['CreatedApiKeyResponse'] | null>(null);
  const load = useCallback(async () => setKeys((await api.GET('/api/v1/identity/api-keys')).data ?? []), []);
  useEffect(() => void load(), [load]);

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <h1 style={{ margin: 0 }}>{t('nav.apiKeys')}</h1>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('apiKeys.create')}</h2>}>
        <Form
          form={form}
          layout="inline"
          initialValues={{ role: 'platform' }}
          onFinish={async (v: { name: string; role: Role; grantId?: string }) => {
            setError(null);
            const { data, error: e } = await api.POST('/api/v1/identity/api-keys', {
              body: {
                name: v.name,
                role: v.role,
                ...(v.role === 'processor' ? { grantId: v.grantId?.trim() ?? '' } : {}),
              },
            });
            if (data) setCreated(data);
            else setError(apiErrorText(e, locale));
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
          <Form.Item label={t('apiKeys.role')} name="role">
            <Select
              style={{ width: 200 }}
              options={(Object.keys(ROLES) as Role[]).map((r) => ({ value: r, label: t(ROLES[r]) }))}
            />
          </Form.Item>
          {role === 'processor' && (
            <Form.Item
              label={t('apiKeys.grantId')}
              name="grantId"
              tooltip={t('apiKeys.grantIdHint')}
              rules={[{ required: true, message: t('form.required') }]}
            >
              <Input style={{ width: 340 }} />
            </Form.Item>
          )}
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
        {error && <Alert type="error" style={{ marginTop: 16 }} title={error} />}
      </Card>
      <Table
        rowKey="id"
        data-testid="api-keys"
        dataSource={keys}
        pagination={false}
        columns={[
          { title: t('apiKeys.name'), dataIndex: 'name' },
          {
            title: t('apiKeys.role'),
            dataIndex: 'role',
            render: (r: string) => (r in ROLES ? t(ROLES[r as Role]) : r),
          },
          { title: t('apiKeys.grant'), dataIndex: 'grantId', render: (g: string | null) => g ?? '—' },
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
