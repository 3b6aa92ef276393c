import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Card, Form, Input, Select, Space } from 'antd';
import { apiErrorText } from '../api-errors';
import { useI18n } from '../i18n';
import { api, type Session } from '../session';

const PER_PAGE = [4, 6, 8, 10] as const;

/** Today on the China calendar (the API reads `shippedOn` as an Asia/Shanghai day). */
const chinaToday = () =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());

/**
 * Parcel-card QR sheets (issue 12): the API answers an HTML print view behind the staff token, so
 * the page fetches it and shows it in a sandboxed iframe (srcdoc) that the Print button prints.
 */
export function CardSheetPage(_: { session: Session }) {
  const { t, locale } = useI18n();
  const [shops, setShops] = useState<string[]>([]);
  const [html, setHtml] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const frame = useRef<HTMLIFrameElement>(null);

  useEffect(() => {
    // The shops ops has imported orders for (the recent import jobs name them).
    void api.GET('/api/v1/orders/imports', { params: { query: { limit: 100 } } }).then(({ data }) => {
      if (data) setShops([...new Set(data.imports.map((j) => j.shopId))].sort());
    });
  }, []);

  const show = async (v: { shop: string; shippedOn: string; perPage: number }) => {
    setError(null);
    setHtml(null);
    setLoading(true);
    const { data, error: e } = await api.GET('/api/v1/orders/invitations/sheet', {
      params: { query: v },
      parseAs: 'text',
    });
    setLoading(false);
    if (typeof data === 'string') setHtml(data);
    else setError(apiErrorText(e, locale));
  };

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <h1 style={{ margin: 0 }}>{t('nav.cardSheet')}</h1>
      <Card>
        <p>{t('cardSheet.hint')}</p>
        <Form layout="inline" onFinish={show} initialValues={{ shippedOn: chinaToday(), perPage: 8 }}>
          <Form.Item
            label={t('imports.shop')}
            name="shop"
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Select
              style={{ width: 200 }}
              showSearch
              options={shops.map((s) => ({ value: s, label: s, title: s }))}
            />
          </Form.Item>
          <Form.Item
            label={t('cardSheet.shippedOn')}
            name="shippedOn"
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input type="date" style={{ width: 160 }} />
          </Form.Item>
          <Form.Item label={t('cardSheet.perPage')} name="perPage">
            <Select style={{ width: 90 }} options={PER_PAGE.map((n) => ({ value: n, label: String(n) }))} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={loading}>
            {t('cardSheet.show')}
          </Button>
        </Form>
        {error && (
          <Alert type="error" title={error} style={{ marginTop: 16 }} data-testid="card-sheet-error" />
        )}
      </Card>
      {html && (
        <Card
          title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('cardSheet.frame')}</h2>}
          extra={
            <Button type="primary" onClick={() => frame.current?.contentWindow?.print()}>
              {t('cardSheet.print')}
            </Button>
          }
        >
          {/* No scripts run in the sheet; same origin only so that Print can reach its window. */}
          <iframe
            ref={frame}
            title={t('cardSheet.frame')}
            sandbox="allow-same-origin allow-modals"
            srcDoc={html}
            style={{ width: '100%', height: 800, border: '1px solid #eee' }}
          />
        </Card>
      )}
    </Space>
  );
}
