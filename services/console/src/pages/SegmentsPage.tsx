import { useEffect, useMemo, useRef, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  List,
  Select,
  Space,
  Statistic,
  Tag,
  Typography,
} from 'antd';
import type { components } from '../api/schema';
import { debounce, latestOnly, problemsOf, showProblemsOnFields, type Problem } from '../api-errors';
import { useI18n } from '../i18n';
import { StatusTag } from './StatusTag';
import { api } from '../session';
import { RuleEditor, type RuleValue } from './RuleEditor';
import { SegmentList } from './SegmentList';

type Segment = components['schemas']['SegmentResponse'];
type Preview = components['schemas']['SegmentPreviewResponse'];
type Explain = components['schemas']['ExplainResponse'];
type ExplainNode = components['schemas']['ExplainNodeResponse'];
type TagDef = components['schemas']['TagDefinitionResponse'];
const PURPOSES = [
  'marketing_messages',
  'purchase_history',
  'personalisation',
  'sensitive_profiling',
] as const;
const CHANNELS = ['sms', 'wechat', 'wecom'] as const;

interface Draft {
  name?: string;
  purpose: (typeof PURPOSES)[number];
  channel: (typeof CHANNELS)[number];
  rule?: RuleValue;
}

const fieldOf = (path: string) => (path.startsWith('rule') ? ['rule'] : null);
const problemText = (ps: Problem[]) =>
  ps.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ');

export function SegmentsPage() {
  const { t } = useI18n();
  const [form] = Form.useForm<Draft>();
  const [tags, setTags] = useState<TagDef[]>([]);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [counting, setCounting] = useState(false);
  const [segment, setSegment] = useState<Segment | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [materialized, setMaterialized] = useState<{ version: number; size: number } | null>(null);
  const [explained, setExplained] = useState<Explain | null>(null);
  const [listed, setListed] = useState(0);
  // An opened saved segment's own sample; null: the one the draft preview shows.
  const [savedSample, setSavedSample] = useState<string[] | null>(null);
  const latest = useRef(latestOnly()).current;

  useEffect(() => {
    void api.GET('/api/v1/audience/tags').then(({ data }) => data && setTags(data));
  }, []);

  // Live count: the same compiled query as materialisation, asked 400 ms after the last edit.
  const count = useMemo(
    () =>
      debounce((d: Draft) => {
        setCounting(true);
        void latest(
          () =>
            api.POST('/api/v1/audience/segments/preview', {
              body: { purpose: d.purpose, channel: d.channel, ...(d.rule ? { rule: d.rule } : {}) },
            }),
          ({ data, error: e }) => {
            setCounting(false);
            setPreview(data ?? null);
            setPreviewError(data ? null : problemText(problemsOf(e)));
          },
        );
      }, 400),
    [latest],
  );
  useEffect(() => count(form.getFieldsValue(true) as Draft), [count, form]);

  const save = async (v: Draft) => {
    setError(null);
    setMaterialized(null);
    setExplained(null);
    const { data, error: e } = await api.POST('/api/v1/audience/segments', {
      // Saved segments keep themselves current (audience's default, said explicitly).
      body: {
        name: v.name!,
        purpose: v.purpose,
        channel: v.channel,
        autoRefresh: true,
        ...(v.rule ? { rule: v.rule } : {}),
      },
    });
    if (!data) {
      const rest = showProblemsOnFields(form, problemsOf(e), fieldOf);
      return setError(problemText(rest.length ? rest : problemsOf(e)));
    }
    const shown = await api.GET('/api/v1/audience/segments/{id}', { params: { path: { id: data.id } } });
    setSegment(shown.data ?? data);
    setSavedSample(null);
    setListed((n) => n + 1);
  };

  const openSaved = async (id: string) => {
    setError(null);
    setMaterialized(null);
    setExplained(null);
    const { data, error: e } = await api.GET('/api/v1/audience/segments/{id}', { params: { path: { id } } });
    if (data) {
      setSegment(data);
      // The sample shown is the opened segment's, not the draft's.
      const sample = await api.GET('/api/v1/audience/segments/{id}/sample', { params: { path: { id } } });
      setSavedSample(sample.data?.sample ?? []);
    } else setError(problemText(problemsOf(e)));
  };

  const materialize = async () => {
    if (!segment) return;
    const { data, error: e } = await api.POST('/api/v1/audience/segments/{id}/materialize', {
      params: { path: { id: segment.id } },
    });
    if (data) {
      setMaterialized({ version: data.version, size: data.size });
      setListed((n) => n + 1);
    } else setError(problemText(problemsOf(e)));
  };

  const explain = async (subjectRef: string) => {
    if (!segment) return;
    const { data, error: e } = await api.GET('/api/v1/audience/segments/{id}/explain/{subjectRef}', {
      params: { path: { id: segment.id, subjectRef: subjectRef.trim() } },
    });
    setExplained(data ?? null);
    if (!data) setError(problemText(problemsOf(e)));
  };

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <h1 style={{ margin: 0 }}>{t('nav.segments')}</h1>
      <Alert type="info" title={t('segments.consentOnly')} />
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('segments.create')}</h2>}>
        <Form
          form={form}
          layout="vertical"
          onFinish={save}
          onValuesChange={(_, all) => count(all as Draft)}
          initialValues={{ purpose: 'marketing_messages', channel: 'sms' }}
        >
          <Space wrap align="start">
            <Form.Item
              label={t('segments.name')}
              name="name"
              rules={[{ required: true, message: t('form.required') }]}
            >
              <Input style={{ width: 220 }} />
            </Form.Item>
            <Form.Item label={t('lookup.purpose')} name="purpose">
              <Select
                style={{ width: 170 }}
                options={PURPOSES.map((p) => ({ value: p, label: t(`purpose.${p}`) }))}
              />
            </Form.Item>
            <Form.Item label={t('subjects.channels')} name="channel">
              <Select
                style={{ width: 120 }}
                options={CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))}
              />
            </Form.Item>
          </Space>
          <Form.Item label={t('segments.rule')} name="rule">
            <RuleEditor tags={tags} />
          </Form.Item>
          <Space align="center" size="large">
            <Button type="primary" htmlType="submit">
              {t('app.create')}
            </Button>
            <div aria-live="polite" data-testid="live-count">
              <Statistic
                title={counting ? t('segments.counting') : t('segments.liveCount')}
                value={preview?.count ?? '—'}
              />
            </div>
          </Space>
        </Form>
        {previewError && <Alert type="warning" title={previewError} style={{ marginTop: 12 }} />}
        {preview && (
          <Space wrap style={{ marginTop: 12 }} data-testid="guards">
            <Typography.Text>{t('segments.guards')}</Typography.Text>
            {preview.guards.map((g) => (
              <Tag key={g}>{g}</Tag>
            ))}
            {preview.usesSpendingPower && <StatusTag tone="warn">{t('segments.spendingPower')}</StatusTag>}
          </Space>
        )}
        {error && <Alert type="error" title={error} style={{ marginTop: 12 }} />}
      </Card>
      {segment && (
        <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('segments.saved')}</h2>}>
          <Descriptions bordered size="small" column={2} data-testid="segment">
            <Descriptions.Item label={t('segments.name')}>{segment.name}</Descriptions.Item>
            <Descriptions.Item label={t('segments.members')}>{segment.count ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('lookup.purpose')}>
              {t(`purpose.${segment.purpose}`)}
            </Descriptions.Item>
            <Descriptions.Item label={t('subjects.channels')}>
              {t(`channel.${segment.channel}`)}
            </Descriptions.Item>
            <Descriptions.Item label={t('segments.id')}>
              <Typography.Text copyable data-testid="segment-id">
                {segment.id}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('segments.version')}>
              {materialized?.version ?? segment.version}
            </Descriptions.Item>
          </Descriptions>
          <Space style={{ marginTop: 12 }}>
            <Button onClick={materialize}>{t('segments.materialize')}</Button>
            {materialized && (
              <Typography.Text data-testid="materialized">
                {t('segments.materialized', { version: materialized.version, size: materialized.size })}
              </Typography.Text>
            )}
          </Space>
          <h3>{t('segments.sample')}</h3>
          <List
            size="small"
            data-testid="sample"
            // The list's own empty-text grey fails AA contrast; the theme's secondary text passes.
            locale={{
              emptyText: <Typography.Text type="secondary">{t('segments.noSample')}</Typography.Text>,
            }}
            dataSource={savedSample ?? preview?.sample ?? []}
            renderItem={(ref) => (
              <List.Item
                actions={[
                  <Button key="why" size="small" onClick={() => explain(ref)}>
                    {t('segments.why')}
                  </Button>,
                ]}
              >
                <Typography.Text code>{ref}</Typography.Text>
              </List.Item>
            )}
          />
          <Form layout="inline" onFinish={(v: { ref: string }) => explain(v.ref)} style={{ marginTop: 12 }}>
            <Form.Item
              label={t('segments.explainRef')}
              name="ref"
              rules={[{ required: true, message: t('form.required') }]}
            >
              <Input style={{ width: 340 }} />
            </Form.Item>
            <Button htmlType="submit">{t('segments.explain')}</Button>
          </Form>
          {explained && <Explanation e={explained} />}
        </Card>
      )}
      <SegmentList reload={listed} onOpen={openSaved} />
    </Space>
  );
}

function Explanation({ e }: { e: Explain }) {
  const { t } = useI18n();
  const node = (n: ExplainNode): React.ReactElement => (
    <li key={n.path}>
      <StatusTag tone={n.matched ? 'ok' : 'plain'}>
        {n.matched ? t('segments.matched') : t('segments.notMatched')}
      </StatusTag>
      <Typography.Text code>{n.path}</Typography.Text>{' '}
      {n.rule && !('and' in (n.rule as object)) && !('or' in (n.rule as object)) ? (
        <Typography.Text code>{JSON.stringify(n.rule)}</Typography.Text>
      ) : null}
      {n.children.length > 0 && <ul>{n.children.map(node)}</ul>}
    </li>
  );
  return (
    <div data-testid="explanation" style={{ marginTop: 16 }}>
      <Alert
        type={e.inSegment ? 'success' : 'warning'}
        title={e.inSegment ? t('segments.inSegment') : t('segments.notInSegment')}
        description={e.because}
      />
      <h3>{t('segments.guards')}</h3>
      <Space wrap>
        {e.guards.map((g) => (
          <StatusTag key={g.name} tone={g.passed ? 'ok' : 'bad'}>
            {g.name}
          </StatusTag>
        ))}
      </Space>
      {e.rule && (
        <>
          <h3>{t('segments.ruleTrace')}</h3>
          <ul>{node(e.rule)}</ul>
        </>
      )}
    </div>
  );
}
