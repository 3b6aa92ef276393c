import { useState } from 'react';
import { Alert, Button, Card, Form, Input } from 'antd';
import { useI18n } from '../i18n';
import { api, type Session } from '../session';

export function LoginPage({ onLoggedIn }: { onLoggedIn: (s: Session) => void }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    const { data, error: e } = await api.POST('/api/v1/identity/login', { body: v });
    setBusy(false);
    if (data) onLoggedIn({ ...data, username: v.username });
    else setError(t(`error.${(e as { code?: string })?.code ?? 'ERROR'}`));
  };
  return (
    <main style={{ display: 'flex', justifyContent: 'center', paddingTop: 120 }}>
      <Card title={<h1 style={{ fontSize: 20, margin: 0 }}>{t('login.title')}</h1>} style={{ width: 380 }}>
        <Form layout="vertical" onFinish={submit}>
          <Form.Item
            label={t('login.username')}
            name="username"
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input autoComplete="username" />
          </Form.Item>
          <Form.Item
            label={t('login.password')}
            name="password"
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          {error && <Alert type="error" title={error} style={{ marginBottom: 16 }} />}
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
