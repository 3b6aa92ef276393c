import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Form, Input, Select, Space, Table } from 'antd';
import type { components } from '../api/schema';
import { problemsOf, showProblemsOnFields } from '../api-errors';
import { useI18n } from '../i18n';
import { api } from '../session';
import { EmptyText } from './EmptyText';
import { StatusTag } from './StatusTag';

type Register = components['schemas']['ImpactAssessmentRegisterResponse'];
type Assessment = components['schemas']['ImpactAssessmentResponse'];
type Missing = components['schemas']['MissingAssessmentResponse'];
const CONCLUSIONS = ['acceptable', 'acceptable_with_measures', 'not_acceptable'] as const;
type Conclusion = (typeof CONCLUSIONS)[number];
interface AssessmentForm {
  subjectKey: string;
  summary: string;
  risks: string;
  measures: string;
  conclusion: Conclusion;
}
const FIELDS = ['subjectKey', 'summary', 'risks', 'measures', 'conclusion'];
const TONE: Record<string, 'ok' | 'warn' | 'bad'> = {
  acceptable: 'ok',
  acceptable_with_measures: 'warn',
  not_acceptable: 'bad',
};

/** R18: the impact-assessment (PIPIA) register, what still lacks one, and recording one. */
export function AssessmentsPage() {
  const { t } = useI18n();
  const [form] = Form.useForm<AssessmentForm>();
  const [register, setRegister] = useState<Register>({ assessments: [], missing: [] });
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    const { data } = await api.GET('/api/v1/privacy/impact-assessments');
    if (data) setRegister(data);
  }, []);
  useEffect(() => void refresh(), [refresh]);

  const record = async (v: AssessmentForm) => {
    setError(null);
    const { data, error: e } = await api.POST('/api/v1/privacy/impact-assessments', {
      body: {
        subjectKey: v.subjectKey,
        summary: v.summary.trim(),
        risks: v.risks.trim(),
        measures: v.measures.trim(),
        conclusion: v.conclusion,
      },
    });
    if (data) {
      form.resetFields();
      return refresh();
    }
    const problems = problemsOf(e, () => 'subjectKey');
    const rest = showProblemsOnFields(form, problems, (p) => (FIELDS.includes(p) ? [p] : null));
    if (rest.length) setError(rest.map((p) => p.message).join('; '));
  };

  const keys = [
    ...register.missing.map((m) => m.subjectKey),
    ...register.assessments
      .map((a) => a.subjectKey)
      .filter((k) => !register.missing.some((m) => m.subjectKey === k)),
  ];
  const assess = (key: string) => {
    form.setFieldsValue({ subjectKey: key });
    document.getElementById('assessment-form')?.scrollIntoView();
  };

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <h1 style={{ margin: 0 }}>{t('nav.assessments')}</h1>
      <Card
        title={
          <h2 style={{ fontSize: 16, margin: 0 }}>
            {t('assessments.missing', { n: register.missing.length })}
          </h2>
        }
      >
        <Table
          size="small"
          rowKey="subjectKey"
          data-testid="missing-assessments"
          dataSource={register.missing}
          pagination={false}
          locale={{ emptyText: <EmptyText text={t('assessments.noneMissing')} /> }}
          columns={[
            {
              title: t('assessments.subject'),
              dataIndex: 'subjectKey',
              render: (k: string) => <code>{k}</code>,
            },
            { title: t('assessments.reason'), dataIndex: 'reason' },
            {
              title: t('assessments.action'),
              key: 'action',
              render: (_: unknown, m: Missing) => (
                <Button size="small" onClick={() => assess(m.subjectKey)}>
                  {t('assessments.assessButton')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('assessments.register')}</h2>}>
        <Table
          size="small"
          rowKey="id"
          data-testid="assessments"
          dataSource={register.assessments}
          pagination={{ pageSize: 10 }}
          locale={{ emptyText: <EmptyText text={t('assessments.none')} /> }}
          expandable={{
            expandedRowRender: (a: Assessment) => (
              <div>
                <div>
                  <strong>{t('assessments.summary')}</strong>: {a.summary}
                </div>
                <div>
                  <strong>{t('assessments.risks')}</strong>: {a.risks}
                </div>
                <div>
                  <strong>{t('assessments.measures')}</strong>: {a.measures}
                </div>
              </div>
            ),
          }}
          columns={[
            {
              title: t('assessments.subject'),
              dataIndex: 'subjectKey',
              render: (k: string) => <code>{k}</code>,
            },
            {
              title: t('assessments.conclusion'),
              dataIndex: 'conclusion',
              render: (c: string) => <StatusTag tone={TONE[c] ?? 'plain'}>{t(`conclusion.${c}`)}</StatusTag>,
            },
            { title: t('assessments.assessedBy'), dataIndex: 'assessedBy' },
            {
              title: t('assessments.assessedAt'),
              dataIndex: 'assessedAt',
              render: (v: string) => new Date(v).toLocaleString(),
            },
            {
              title: t('assessments.keepUntil'),
              dataIndex: 'keepUntil',
              render: (v: string) => new Date(v).toLocaleDateString(),
            },
          ]}
        />
      </Card>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('assessments.record')}</h2>}>
        <Form
          form={form}
          id="assessment-form"
          layout="vertical"
          onFinish={record}
          data-testid="assessment-form"
          style={{ maxWidth: 720 }}
          initialValues={{ conclusion: 'acceptable_with_measures' }}
        >
          <Form.Item
            label={t('assessments.subject')}
            name="subjectKey"
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Select showSearch options={keys.map((k) => ({ value: k, label: k }))} />
          </Form.Item>
          {(['summary', 'risks', 'measures'] as const).map((f) => (
            <Form.Item
              key={f}
              label={t(`assessments.${f}`)}
              name={f}
              rules={[{ required: true, message: t('form.required') }]}
            >
              <Input.TextArea rows={3} maxLength={4000} />
            </Form.Item>
          ))}
          <Form.Item label={t('assessments.conclusion')} name="conclusion">
            <Select options={CONCLUSIONS.map((c) => ({ value: c, label: t(`conclusion.${c}`) }))} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('assessments.recordButton')}
          </Button>
        </Form>
        {error && <Alert type="error" style={{ marginTop: 12 }} title={error} />}
      </Card>
    </Space>
  );
}
