import { useState } from 'react';
import { Alert, Button, Card, Form, Input } from 'antd';
import { useI18n } from '../i18n';
import { api } from '../session';

export function PasswordPage() {
  const { t } = useI18n();
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const change = async (v: { currentPassword: string; newPassword: string }) => {
    const { error, response } = await api.POST('/api/v1/identity/accounts/me/password', { body: v });
    setResult(
      response.ok
        ? { ok: true, text: t('password.changed') }
        : { ok: false, text: `${(error as any)?.code}` },
    );
  };
  return (
    <Card title={<h1 style={{ fontSize: 20, margin: 0 }}>{t('nav.password')}</h1>} style={{ maxWidth: 480 }}>
      <Form layout="vertical" onFinish={change}>
        <Form.Item
          label={t('password.current')}
          name="currentPassword"
          rules={[{ required: true, message: t('form.required') }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item
          label={t('password.new')}
          name="newPassword"
          rules={[{ required: true, min: 12, message: t('password.rule') }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('app.save')}
        </Button>
        {result && (
          <Alert type={result.ok ? 'success' : 'error'} title={result.text} style={{ marginTop: 16 }} />
        )}
      </Form>
    </Card>
  );
}
