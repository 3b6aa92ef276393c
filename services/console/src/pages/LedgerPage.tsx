import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Input, Result, Space, Table } from 'antd';
import type { components } from '../api/schema';
import { EmptyText } from './EmptyText';
import { StatusTag } from './StatusTag';
import { apiErrorText } from '../api-errors';
import { useI18n } from '../i18n';
import { api } from '../session';

type Verdict = components['schemas']['LedgerVerdictResponse'];
type Receipt = components['schemas']['AnchorReceiptResponse'];

export function LedgerPage() {
  const { t, locale } = useI18n();
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [receiptText, setReceiptText] = useState('');
  const [audit, setAudit] = useState<components['schemas']['AuditChainsResponse'] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const verify = async () => {
    setError(null);
    let receipts: Receipt[] = [];
    if (receiptText.trim()) {
      try {
        const parsed = JSON.parse(receiptText);
        receipts = (Array.isArray(parsed) ? parsed : [parsed]).map((r) => r.receipt ?? r);
      } catch {
        return setError(t('ledger.receiptInvalid'));
      }
    }
    const { data, error: e } = receipts.length
      ? await api.POST('/api/v1/consent/ledger/verify', { body: { receipts } })
      : await api.GET('/api/v1/consent/ledger/verify');
    if (data) setVerdict(data);
    else setError(apiErrorText(e, locale));
  };

  const latestReceipt = async () => {
    const { data, error: e } = await api.GET('/api/v1/consent/ledger/anchors/latest');
    if (data) setReceiptText(JSON.stringify(data.receipt, null, 2));
    else setError(apiErrorText(e, locale));
  };

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <h1 style={{ margin: 0 }}>{t('nav.ledger')}</h1>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('ledger.consentLedger')}</h2>}>
        <label htmlFor="receipts">{t('ledger.receipts')}</label>
        <Input.TextArea
          id="receipts"
          rows={4}
          value={receiptText}
          onChange={(e) => setReceiptText(e.target.value)}
        />
        <Space style={{ marginTop: 12 }}>
          <Button type="primary" onClick={verify}>
            {t('ledger.verify')}
          </Button>
          <Button onClick={latestReceipt}>{t('ledger.latestReceipt')}</Button>
          <Button
            onClick={async () => {
              const { data } = await api.POST('/api/v1/consent/ledger/anchors');
              if (data) setReceiptText(JSON.stringify(data.receipt, null, 2));
            }}
          >
            {t('ledger.anchorNow')}
          </Button>
        </Space>
        {error && <Alert type="error" title={error} style={{ marginTop: 16 }} />}
        {verdict && (
          <div data-testid="ledger-verdict">
            <Result
              status={verdict.intact ? 'success' : 'error'}
              title={verdict.intact ? t('ledger.intact') : t('ledger.broken')}
            />
            <Descriptions bordered size="small" column={2}>
              <Descriptions.Item label={t('ledger.entries')}>{verdict.entries}</Descriptions.Item>
              <Descriptions.Item label={t('ledger.head')}>
                {verdict.head ? `#${verdict.head.seq}` : '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('ledger.anchorsChecked')}>
                {verdict.anchorsChecked}
              </Descriptions.Item>
              <Descriptions.Item label={t('ledger.receiptsChecked')}>
                {verdict.receiptsChecked}
              </Descriptions.Item>
            </Descriptions>
            {verdict.problems.length > 0 && (
              <ul>
                {verdict.problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            )}
          </div>
        )}
      </Card>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('ledger.auditTrail')}</h2>}>
        <Button
          onClick={async () => {
            setError(null);
            const { data, error: e } = await api.GET('/api/v1/privacy/audit-chains');
            if (data) setAudit(data);
            else setError(apiErrorText(e, locale));
          }}
        >
          {t('ledger.verifyAudit')}
        </Button>
        {audit && (
          <>
            <p data-testid="audit-verdict">
              {audit.intact
                ? t('ledger.auditIntact', { n: audit.chains.length })
                : t('ledger.auditBroken', {
                    n: audit.chains.filter((c) => c.state !== 'intact').length,
                  })}
            </p>
            <Table
              data-testid="audit-chains"
              rowKey="chain"
              size="small"
              pagination={false}
              locale={{ emptyText: <EmptyText text={t('ledger.noChains')} /> }}
              dataSource={audit.chains}
              columns={[
                { title: t('ledger.chain'), dataIndex: 'chain' },
                {
                  title: t('ledger.state'),
                  dataIndex: 'state',
                  render: (state: string) => (
                    <StatusTag tone={state === 'intact' ? 'ok' : 'bad'}>
                      {t(`ledger.state.${state}`)}
                    </StatusTag>
                  ),
                },
                { title: t('ledger.entries'), dataIndex: 'entries', render: (n?: number) => n ?? '—' },
                {
                  title: t('ledger.findings'),
                  dataIndex: 'problems',
                  render: (problems: string[]) => (problems.length ? problems.join(' ') : '—'),
                },
              ]}
            />
          </>
        )}
      </Card>
    </Space>
  );
}
