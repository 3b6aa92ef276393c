import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Checkbox, Form, Input, Popconfirm, Select, Space, Table } from 'antd';
import type { components } from '../api/schema';
import { apiErrorText, problemsOf, showProblemsOnFields, type ApiErrorBody } from '../api-errors';
import { useI18n } from '../i18n';
import type { MessageKey } from '../messages';
import { api } from '../session';
import { EmptyText } from './EmptyText';
import { StatusTag, type Tone } from './StatusTag';

type Grant = components['schemas']['ProcessorGrantResponse'];
type IssueRequest = components['schemas']['IssueProcessorGrantRequest'];
type Purpose = IssueRequest['purpose'];
type Field = IssueRequest['fields'][number];
type Duty = IssueRequest['dutiesAcknowledged'][number];

// The API's fixed catalogue (libs/contracts), each worded for the officer; the types keep them complete.
const PURPOSES: Record<Purpose, MessageKey> = {
  campaign_planning: 'grantPurpose.campaign_planning',
  campaign_analytics: 'grantPurpose.campaign_analytics',
  audience_research: 'grantPurpose.audience_research',
};
const FIELDS: Record<Field, MessageKey> = {
  member_ref_pseudonymised: 'grantField.member_ref_pseudonymised',
  segment_membership: 'grantField.segment_membership',
  consented_channels: 'grantField.consented_channels',
  'tag_values:purchase_preference': 'grantField.tag_values:purchase_preference',
  'tag_values:active_hours': 'grantField.tag_values:active_hours',
  'tag_values:spending_power': 'grantField.tag_values:spending_power',
  'tag_values:lifecycle': 'grantField.tag_values:lifecycle',
  'tag_values:prediction': 'grantField.tag_values:prediction',
};
// PIPL Art. 21 duties: sent as the API states them (its contract), shown in the chosen language.
const DUTIES: Record<Duty, MessageKey> = {
  'process only for the stated purpose, by the stated method, for the stated period': 'grantDuty.purpose',
  'no onward entrustment to another party without the brand agreeing': 'grantDuty.onward',
  'protect the data with the security measures the contract names (PIPL Art. 51)': 'grantDuty.security',
  'return or delete the data when the entrustment ends, and confirm it': 'grantDuty.deletion',
  'help the brand answer data-subject requests and report incidents': 'grantDuty.assist',
};
const STATE_TONE: Record<Grant['state'], Tone> = {
  pending: 'info',
  active: 'ok',
  ended: 'plain',
  revoked: 'warn',
};

interface IssueForm {
  processorName: string;
  contractReference: string;
  purpose: Purpose;
  fields: Field[];
  validFrom: string;
  validUntil: string;
  dutiesAcknowledged: Duty[];
}
const FORM_FIELDS = ['processorName', 'contractReference', 'purpose', 'fields', 'validFrom', 'validUntil'];
const iso = (d: Date) => `${d.toISOString().slice(0, 16)}:00Z`;

/** R15: the grants entrusted agencies read under; issue, revoke, record the agency's deletion. */
export function ProcessorGrantsPage() {
  const { t, locale } = useI18n();
  const [form] = Form.useForm<IssueForm>();
  const [deletionForm] = Form.useForm<{ id: string; reference: string }>();
  const [grants, setGrants] = useState<Grant[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [issued, setIssued] = useState<Grant | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    const { data } = await api.GET('/api/v1/privacy/processor-grants');
    if (data) setGrants(data.grants);
  }, []);
  useEffect(() => void refresh(), [refresh]);

  // A code the console knows is said in the chosen language, then what exactly the API found.
  const said = (e: unknown) => {
    const text = apiErrorText(e, locale);
    const message = (e as ApiErrorBody | undefined)?.message;
    return message && !text.endsWith(message) ? `${text} (${message})` : text;
  };

  const issue = async (v: IssueForm) => {
    setError(null);
    setIssued(null);
    const { data, error: e } = await api.POST('/api/v1/privacy/processor-grants', {
      body: {
        processorName: v.processorName?.trim() ?? '',
        contractReference: v.contractReference?.trim() ?? '',
        purpose: v.purpose,
        fields: v.fields ?? [],
        validFrom: v.validFrom?.trim() ?? '',
        validUntil: v.validUntil?.trim() ?? '',
        dutiesAcknowledged: v.dutiesAcknowledged ?? [],
      },
    });
    if (data) {
      setIssued(data);
      form.resetFields();
      return refresh();
    }
    const body = (e ?? {}) as ApiErrorBody;
    if (body.code === 'INVALID_PERIOD') {
      form.setFields([{ name: 'validUntil', errors: [said(e)] }]);
      return;
    }
    if (body.code === 'DUTIES_NOT_ACKNOWLEDGED') {
      form.setFields([{ name: 'dutiesAcknowledged', errors: [said(e)] }]);
      return;
    }
    const rest = showProblemsOnFields(form, problemsOf(e), (p) =>
      FORM_FIELDS.includes(p) ? [p] : p === 'dutiesAcknowledged' ? [p] : null,
    );
    if (rest.length || !body.errors?.length) setError(said(e));
  };

  const revoke = async (g: Grant) => {
    setRowError(null);
    const { error: e } = await api.POST('/api/v1/privacy/processor-grants/{id}/revocation', {
      params: { path: { id: g.id } },
    });
    if (e) setRowError(said(e));
    return refresh();
  };

  const confirmDeletion = async (v: { id: string; reference: string }) => {
    setRowError(null);
    const { data, error: e } = await api.POST('/api/v1/privacy/processor-grants/{id}/deletion-confirmation', {
      params: { path: { id: v.id } },
      body: { reference: v.reference?.trim() ?? '' },
    });
    if (data) {
      deletionForm.resetFields();
      return refresh();
    }
    const rest = showProblemsOnFields(deletionForm, problemsOf(e), (p) => (p === 'reference' ? [p] : null));
    if (rest.length) setRowError(said(e));
  };

  const deletion = (g: Grant) => {
    if (g.deletionConfirmedAt)
      return (
        <div>
          <StatusTag tone="ok">{t('grants.deletionConfirmed')}</StatusTag>
          <div>
            {g.deletionReference} · {new Date(g.deletionConfirmedAt).toISOString()}
          </div>
        </div>
      );
    if (g.deletionEscalatedAt) return <StatusTag tone="bad">{t('grants.deletionOverdue')}</StatusTag>;
    if (g.state === 'ended' || g.state === 'revoked')
      return <StatusTag tone="warn">{t('grants.deletionAwaited')}</StatusTag>;
    return '—';
  };

  const awaiting = grants.filter(
    (g) => (g.state === 'ended' || g.state === 'revoked') && !g.deletionConfirmedAt,
  );
  const overdue = grants.filter((g) => g.deletionEscalatedAt && !g.deletionConfirmedAt).length;
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <h1 style={{ margin: 0 }}>{t('nav.grants')}</h1>
      <p style={{ margin: 0 }}>{t('grants.intro')}</p>
      {overdue > 0 && <Alert type="warning" showIcon title={t('grants.overdueWarning', { n: overdue })} />}
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('grants.list')}</h2>}>
        <Table
          size="small"
          rowKey="id"
          data-testid="grants"
          dataSource={grants}
          pagination={false}
          locale={{ emptyText: <EmptyText text={t('grants.none')} /> }}
          columns={[
            {
              title: t('grants.processorName'),
              key: 'processor',
              render: (_: unknown, g: Grant) => (
                <div>
                  <div>{g.processorName}</div>
                  <div>
                    {t('grants.contractReference')}: {g.contractReference}
                  </div>
                  <code>{g.id}</code>
                </div>
              ),
            },
            {
              title: t('grants.purpose'),
              dataIndex: 'purpose',
              width: 120,
              render: (p: string) => (p in PURPOSES ? t(PURPOSES[p as Purpose]) : p),
            },
            {
              title: t('grants.fields'),
              dataIndex: 'fields',
              render: (fs: string[]) => (
                <ul style={{ margin: 0, paddingLeft: 16 }}>
                  {fs.map((f) => (
                    <li key={f}>
                      {f in FIELDS ? t(FIELDS[f as Field]) : f} <code>{f}</code>
                    </li>
                  ))}
                </ul>
              ),
            },
            {
              title: t('grants.period'),
              key: 'period',
              render: (_: unknown, g: Grant) => (
                <div>
                  <div>{g.validFrom}</div>
                  <div>{g.validUntil}</div>
                </div>
              ),
            },
            {
              title: t('grants.state'),
              key: 'state',
              render: (_: unknown, g: Grant) => (
                <div>
                  <StatusTag tone={STATE_TONE[g.state]}>{t(`grantState.${g.state}` as MessageKey)}</StatusTag>
                  {g.endedAt && (
                    <div>
                      {t('grants.endedAt')}: {g.endedAt}
                    </div>
                  )}
                </div>
              ),
            },
            { title: t('grants.deletion'), key: 'deletion', render: (_: unknown, g: Grant) => deletion(g) },
            {
              title: t('grants.actions'),
              key: 'actions',
              width: 140,
              render: (_: unknown, g: Grant) =>
                g.state === 'pending' || g.state === 'active' ? (
                  <Popconfirm
                    title={t('grants.revokeConfirm', { name: g.processorName })}
                    okText={t('grants.revokeOk')}
                    cancelText={t('grants.cancel')}
                    onConfirm={() => revoke(g)}
                  >
                    <Button danger size="small">
                      {t('grants.revoke')}
                    </Button>
                  </Popconfirm>
                ) : !g.deletionConfirmedAt ? (
                  <Button size="small" onClick={() => deletionForm.setFieldsValue({ id: g.id })}>
                    {t('grants.recordDeletion')}
                  </Button>
                ) : null,
            },
          ]}
        />
        {rowError && <Alert type="error" style={{ marginTop: 12 }} title={rowError} />}
      </Card>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('grants.recordDeletion')}</h2>}>
        <Form
          form={deletionForm}
          layout="vertical"
          onFinish={confirmDeletion}
          data-testid="deletion-form"
          style={{ maxWidth: 560 }}
        >
          <Form.Item
            label={t('grants.grant')}
            name="id"
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Select
              options={awaiting.map((g) => ({
                value: g.id,
                label: `${g.processorName} · ${g.contractReference}`,
              }))}
            />
          </Form.Item>
          <Form.Item
            label={t('grants.deletionReference')}
            name="reference"
            extra={t('grants.deletionReferenceHint')}
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('grants.recordDeletionButton')}
          </Button>
        </Form>
      </Card>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('grants.issue')}</h2>}>
        <Form
          form={form}
          layout="vertical"
          onFinish={issue}
          data-testid="grant-form"
          style={{ maxWidth: 720 }}
          initialValues={{
            validFrom: iso(new Date()),
            validUntil: iso(new Date(Date.now() + 30 * 86_400_000)),
          }}
        >
          <Form.Item
            label={t('grants.processorName')}
            name="processorName"
            extra={t('grants.processorNameHint')}
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input />
          </Form.Item>
          <Form.Item
            label={t('grants.contractReference')}
            name="contractReference"
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input />
          </Form.Item>
          <Form.Item
            label={t('grants.purpose')}
            name="purpose"
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Select
              options={(Object.keys(PURPOSES) as Purpose[]).map((p) => ({ value: p, label: t(PURPOSES[p]) }))}
            />
          </Form.Item>
          {/* No client-side "required": antd would put aria-required on the group (not allowed there);
              the API refuses an empty choice under this field. */}
          <Form.Item label={t('grants.fields')} name="fields" extra={t('grants.fieldsHint')}>
            <Checkbox.Group
              style={{ display: 'flex', flexDirection: 'column', gap: 4 }}
              options={(Object.keys(FIELDS) as Field[]).map((f) => ({ value: f, label: t(FIELDS[f]) }))}
            />
          </Form.Item>
          <Space size="large" wrap>
            <Form.Item label={t('grants.validFrom')} name="validFrom" extra={t('grants.dateTimeHint')}>
              <Input style={{ width: 260 }} />
            </Form.Item>
            <Form.Item label={t('grants.validUntil')} name="validUntil" extra={t('grants.periodHint')}>
              <Input style={{ width: 260 }} />
            </Form.Item>
          </Space>
          <Form.Item label={t('grants.duties')} name="dutiesAcknowledged" extra={t('grants.dutiesHint')}>
            <Checkbox.Group
              style={{ display: 'flex', flexDirection: 'column', gap: 4 }}
              options={(Object.keys(DUTIES) as Duty[]).map((d) => ({ value: d, label: t(DUTIES[d]) }))}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('grants.issueButton')}
          </Button>
        </Form>
        {issued && (
          <Alert
            type="success"
            style={{ marginTop: 12 }}
            title={t('grants.issued', { name: issued.processorName })}
            description={<code data-testid="issued-grant-id">{issued.id}</code>}
          />
        )}
        {error && <Alert type="error" style={{ marginTop: 12 }} title={error} />}
      </Card>
    </Space>
  );
}
