import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Form, Input, Select, Space, Table, Tag } from 'antd';
import type { components } from '../api/schema';
import { apiErrorText } from '../api-errors';
import { useI18n } from '../i18n';
import { api } from '../session';

type Account = components['schemas']['StaffAccountResponse'];
const ROLES = ['admin', 'ops', 'marketer', 'privacy_officer'] as const;

export function AccountsPage() {
  const { t, locale } = useI18n();
  const [accounts, setAccounts] = useState<Account[]>([]);
  const [created, setCreated] = useState<components['schemas']['CreatedStaffAccountResponse'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(
    async () => setAccounts((await api.GET('/api/v1/identity/accounts')).data ?? []),
    [],
  );
  useEffect(() => void load(), [load]);

  const create = async (v: { username: string; role: (typeof ROLES)[number]; password?: string }) => {
    setError(null);
    const { data, error: e } = await api.POST('/api/v1/identity/accounts', {
      body: { username: v.username, role: v.role, password: v.password || undefined },
    });
    if (data) {
      setCreated(data);
      void load();
    } else setError(apiErrorText(e, locale));
  };

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <h1 style={{ margin: 0 }}>{t('nav.accounts')}</h1>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('accounts.create')}</h2>}>
        <Form layout="inline" onFinish={create} initialValues={{ role: 'ops' }}>
          <Form.Item
            label={t('login.username')}
            name="username"
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input />
          </Form.Item>
          <Form.Item label={t('accounts.role')} name="role">
            <Select
              style={{ width: 150 }}
              options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
            />
          </Form.Item>
          <Form.Item label={t('accounts.password')} name="password">
            <Input.Password autoComplete="new-password" placeholder={t('accounts.passwordHint')} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('app.create')}
          </Button>
        </Form>
        {created?.generatedPassword && (
          <Alert
            type="success"
            style={{ marginTop: 16 }}
            title={t('accounts.generated', { username: created.username })}
            description={<code data-testid="generated-password">{created.generatedPassword}</code>}
          />
        )}
        {error && <Alert type="error" title={error} style={{ marginTop: 16 }} />}
      </Card>
      <Table
        rowKey="id"
        data-testid="accounts"
        dataSource={accounts}
        pagination={false}
        columns={[
          { title: t('login.username'), dataIndex: 'username' },
          {
            title: t('accounts.role'),
            dataIndex: 'role',
            render: (r: string) => <Tag>{t(`role.${r}`)}</Tag>,
          },
          {
            title: t('accounts.state'),
            dataIndex: 'disabled',
            render: (d: boolean) => (d ? t('accounts.disabled') : t('accounts.active')),
          },
          {
            title: t('accounts.createdAt'),
            dataIndex: 'createdAt',
            render: (v: string) => new Date(v).toLocaleString(),
          },
        ]}
      />
    </Space>
  );
}
