import { useCallback, useEffect, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Table,
  Tag,
} from 'antd';
import type { components } from '../api/schema';
import { problemsOf, showProblemsOnFields, type Problem, apiErrorText } from '../api-errors';
import { useI18n } from '../i18n';
import { EmptyText } from './EmptyText';
import { StatusTag } from './StatusTag';
import { api } from '../session';
import { RuleEditor, tagKeysIn, type RuleValue } from './RuleEditor';

type TagDef = components['schemas']['TagDefinitionResponse'];
type Trained = components['schemas']['TrainedModelResponse'];
/** The features a prediction may use (audience's PREDICTION_FEATURES; the API refuses others). */
export const PREDICTION_FEATURES = [
  'recency_days',
  'orders_total',
  'orders_90d',
  'orders_365d',
  'monetary_365d_cents',
  'night_share',
] as const;
export const TAG_CATEGORIES = [
  'purchase_preference',
  'active_hours',
  'spending_power',
  'lifecycle',
  'prediction',
] as const;
const MEASURES = [
  'recency_days',
  'first_order_days_ago',
  'order_count',
  'monetary_cents',
  'top_category',
  'hour_share',
  'hour_band',
  'rfm',
] as const;
/** The measure options each fact measure takes (the API refuses the others). */
const MEASURE_OPTIONS: Record<(typeof MEASURES)[number], string[]> = {
  recency_days: [],
  first_order_days_ago: [],
  order_count: ['windowDays', 'category', 'skuPrefix'],
  monetary_cents: ['windowDays', 'category', 'skuPrefix'],
  top_category: ['windowDays'],
  hour_share: ['windowDays', 'fromHour', 'toHour'],
  hour_band: ['windowDays'],
  rfm: ['windowDays'],
};

interface TagForm {
  key: string;
  labels: { 'zh-CN': string; en: string };
  category: string;
  sensitive?: boolean;
  spendingPower?: boolean;
  fact?: Record<string, string | number | undefined>;
  rule?: RuleValue;
  prediction?: { horizonDays?: number; features?: string[] };
}

/** A problem path from the API (`fact.windowDays`, `labels.en`, `model.rule.and[0]`) → the form field. */
function fieldOf(path: string): (string | number)[] | null {
  if (path.startsWith('model')) return ['rule'];
  const [head, sub] = path.split('.');
  if (['key', 'category', 'sensitive', 'spendingPower', 'personalised'].includes(head)) return [head];
  if (head === 'labels' && sub) return ['labels', sub];
  if (head === 'fact') return ['fact', sub ?? 'measure'];
  if (head === 'prediction') return ['prediction', sub === 'horizonDays' ? 'horizonDays' : 'features'];
  return null;
}

/** The tags a tag is derived from: a model tag's rule names them (fact → model → prediction). */
export function derivedFrom(t: TagDef): string[] {
  const rule = (t.model as { rule?: RuleValue } | undefined)?.rule;
  return rule ? tagKeysIn(rule) : [];
}

export function TagsPage() {
  const { t, locale } = useI18n();
  const [tags, setTags] = useState<TagDef[]>([]);
  const [trained, setTrained] = useState<Trained | null>(null);
  const [trainError, setTrainError] = useState<string | null>(null);
  const train = async (key: string) => {
    setTrained(null);
    setTrainError(null);
    const { data, error: e } = await api.POST('/api/v1/audience/tags/{key}/train', {
      params: { path: { key } },
    });
    if (data) setTrained(data);
    else setTrainError(apiErrorText(e, locale));
  };
  const refresh = useCallback(async () => {
    const { data } = await api.GET('/api/v1/audience/tags');
    if (data) setTags(data);
  }, []);
  useEffect(() => void refresh(), [refresh]);

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <h1 style={{ margin: 0 }}>{t('nav.tags')}</h1>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('tags.list')}</h2>}>
        <Table
          size="small"
          data-testid="tags"
          rowKey="key"
          dataSource={tags}
          pagination={false}
          locale={{ emptyText: <EmptyText text={t('tags.none')} /> }}
          columns={[
            { title: t('tags.key'), dataIndex: 'key' },
            {
              title: t('tags.label'),
              dataIndex: 'labels',
              render: (l: Record<string, string>) => l?.[locale] ?? '',
            },
            {
              title: t('tags.layer'),
              dataIndex: 'layer',
              render: (l: string) => <Tag>{t(`tags.layer.${l}`)}</Tag>,
            },
            {
              title: t('tags.category'),
              dataIndex: 'category',
              render: (c: string) => t(`tagCategory.${c}`),
            },
            { title: t('tags.version'), dataIndex: 'version' },
            {
              title: t('tags.flags'),
              key: 'flags',
              render: (_: unknown, r: TagDef) => (
                <>
                  {r.sensitive && <StatusTag tone="bad">{t('tags.sensitive')}</StatusTag>}
                  {r.spendingPower && <StatusTag tone="warn">{t('tags.spendingPower')}</StatusTag>}
                  {r.personalised && <Tag>{t('tags.personalised')}</Tag>}
                </>
              ),
            },
            {
              title: t('tags.lineage'),
              key: 'lineage',
              render: (_: unknown, r: TagDef) => {
                const from = derivedFrom(r);
                if (r.layer === 'fact')
                  return t('tags.fromFacts', { measure: String((r.fact as any)?.measure) });
                if (r.layer === 'prediction') {
                  const p = r.prediction as { features?: string[]; horizonDays?: number } | undefined;
                  return t('tags.fromPrediction', {
                    features: (p?.features ?? []).map((f) => t(`feature.${f}`)).join('、'),
                    days: p?.horizonDays ?? '',
                  });
                }
                return from.length ? `${from.join(', ')} → ${r.key}` : t('tags.fromFeatures');
              },
            },
            {
              title: t('tags.model'),
              key: 'train',
              render: (_: unknown, r: TagDef) =>
                r.layer === 'prediction' ? (
                  <Button size="small" onClick={() => train(r.key)}>
                    {t('tags.train')}
                  </Button>
                ) : null,
            },
          ]}
        />
        {trainError && (
          <Alert type="error" style={{ marginTop: 12 }} data-testid="train-error" title={trainError} />
        )}
        {trained && <TrainedModel model={trained} />}
      </Card>
      <FactTagCard onCreated={refresh} />
      <ModelTagCard tags={tags} onCreated={refresh} />
      <PredictionTagCard onCreated={refresh} />
    </Space>
  );
}

function useTagCreation(onCreated: () => void) {
  const [form] = Form.useForm<TagForm>();
  const [error, setError] = useState<Problem[]>([]);
  const [created, setCreated] = useState<string | null>(null);
  const submit = async (definition: Record<string, unknown>) => {
    setError([]);
    setCreated(null);
    const { data, error: e } = await api.POST('/api/v1/audience/tags', { body: definition });
    if (data) {
      setCreated(`${data.key} v${data.version}`);
      onCreated();
    } else setError(showProblemsOnFields(form, problemsOf(e), fieldOf));
  };
  return { form, error, created, submit };
}

function CommonFields({ withSensitive = true }: { withSensitive?: boolean }) {
  const { t } = useI18n();
  return (
    <>
      <Form.Item label={t('tags.key')} name="key" extra={t('tags.keyRule')}>
        <Input style={{ width: 200 }} />
      </Form.Item>
      <Form.Item label={t('tags.labelZh')} name={['labels', 'zh-CN']}>
        <Input style={{ width: 200 }} />
      </Form.Item>
      <Form.Item label={t('tags.labelEn')} name={['labels', 'en']}>
        <Input style={{ width: 200 }} />
      </Form.Item>
      <Form.Item label={t('tags.category')} name="category">
        <Select
          style={{ width: 180 }}
          options={TAG_CATEGORIES.map((c) => ({ value: c, label: t(`tagCategory.${c}`) }))}
        />
      </Form.Item>
      {withSensitive && (
        <Form.Item name="sensitive" valuePropName="checked">
          <Checkbox>{t('tags.sensitive')}</Checkbox>
        </Form.Item>
      )}
      <Form.Item name="spendingPower" valuePropName="checked">
        <Checkbox>{t('tags.spendingPower')}</Checkbox>
      </Form.Item>
    </>
  );
}

function Outcome({ error, created }: { error: Problem[]; created: string | null }) {
  const { t } = useI18n();
  return (
    <>
      {error.length > 0 && (
        <Alert
          type="error"
          style={{ marginTop: 12 }}
          title={error.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ')}
        />
      )}
      {created && (
        <Alert type="success" style={{ marginTop: 12 }} title={t('tags.created', { tag: created })} />
      )}
    </>
  );
}

function FactTagCard({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n();
  const { form, error, created, submit } = useTagCreation(onCreated);
  const measure = (Form.useWatch(['fact', 'measure'], form) ?? 'order_count') as (typeof MEASURES)[number];
  const finish = (v: TagForm) => {
    const fact: Record<string, unknown> = { measure: v.fact?.measure };
    for (const k of MEASURE_OPTIONS[measure]) {
      const value = v.fact?.[k];
      if (value !== undefined && value !== null && value !== '') fact[k] = value;
    }
    return submit({
      key: v.key,
      labels: v.labels,
      category: v.category,
      layer: 'fact',
      personalised: true,
      sensitive: !!v.sensitive,
      spendingPower: !!v.spendingPower,
      fact,
    });
  };
  return (
    <Card
      title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('tags.newFact')}</h2>}
      data-testid="fact-tag-form"
    >
      <Form
        form={form}
        name="factTag"
        layout="vertical"
        onFinish={finish}
        initialValues={{ category: 'purchase_preference', fact: { measure: 'order_count' } }}
      >
        <Space wrap align="start">
          <CommonFields />
          <Form.Item label={t('tags.measure')} name={['fact', 'measure']}>
            <Select
              style={{ width: 200 }}
              options={MEASURES.map((m) => ({ value: m, label: t(`measure.${m}`) }))}
            />
          </Form.Item>
          {MEASURE_OPTIONS[measure].map((k) => (
            <Form.Item key={k} label={t(`measureOption.${k}`)} name={['fact', k]}>
              {k === 'category' || k === 'skuPrefix' ? (
                <Input style={{ width: 140 }} />
              ) : (
                <InputNumber style={{ width: 120 }} />
              )}
            </Form.Item>
          ))}
        </Space>
        <Button type="primary" htmlType="submit">
          {t('tags.createFact')}
        </Button>
      </Form>
      <Outcome error={error} created={created} />
    </Card>
  );
}

function ModelTagCard({ tags, onCreated }: { tags: TagDef[]; onCreated: () => void }) {
  const { t } = useI18n();
  const { form, error, created, submit } = useTagCreation(onCreated);
  const finish = (v: TagForm) =>
    submit({
      key: v.key,
      labels: v.labels,
      category: v.category,
      layer: 'model',
      personalised: true,
      sensitive: !!v.sensitive,
      spendingPower: !!v.spendingPower,
      model: { rule: v.rule },
    });
  return (
    <Card
      title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('tags.newModel')}</h2>}
      data-testid="model-tag-form"
    >
      <Form
        form={form}
        name="modelTag"
        layout="vertical"
        onFinish={finish}
        initialValues={{ category: 'lifecycle' }}
      >
        <Space wrap align="start">
          <CommonFields />
        </Space>
        <Form.Item label={t('tags.rule')} name="rule">
          <RuleEditor tags={tags.filter((x) => x.layer !== 'prediction')} />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('tags.createModel')}
        </Button>
      </Form>
      <Outcome error={error} created={created} />
    </Card>
  );
}

function TrainedModel({ model }: { model: Trained }) {
  const { t } = useI18n();
  const metrics = model.metrics as { rows: number; positives: number; auc: number; logLoss: number };
  const window = model.trainingWindow as { cutoff: string; horizonDays: number };
  const weights = (model.coefficients as { weights?: Record<string, number> }).weights ?? {};
  return (
    <Descriptions
      bordered
      size="small"
      column={3}
      style={{ marginTop: 12 }}
      data-testid="trained-model"
      title={t('tags.trained', { tag: model.tagKey, version: model.modelVersion })}
    >
      <Descriptions.Item label={t('tags.trainRows')}>{metrics.rows}</Descriptions.Item>
      <Descriptions.Item label={t('tags.trainPositives')}>{metrics.positives}</Descriptions.Item>
      <Descriptions.Item label={t('tags.auc')}>{metrics.auc.toFixed(3)}</Descriptions.Item>
      <Descriptions.Item label={t('tags.cutoff')}>
        {new Date(window.cutoff).toLocaleDateString()}
      </Descriptions.Item>
      <Descriptions.Item label={t('tags.horizonDays')}>{window.horizonDays}</Descriptions.Item>
      <Descriptions.Item label={t('tags.weights')}>
        {Object.entries(weights)
          .map(([f, w]) => `${t(`feature.${f}`)} ${w.toFixed(3)}`)
          .join('；')}
      </Descriptions.Item>
    </Descriptions>
  );
}

/** Layer 3: a repurchase model over fact aggregates; it is trained from the list once saved. */
function PredictionTagCard({ onCreated }: { onCreated: () => void }) {
  const { t } = useI18n();
  const { form, error, created, submit } = useTagCreation(onCreated);
  const finish = (v: TagForm) =>
    submit({
      key: v.key,
      labels: v.labels,
      category: v.category,
      layer: 'prediction',
      personalised: true,
      spendingPower: !!v.spendingPower,
      prediction: {
        model: 'repurchase_logistic',
        horizonDays: v.prediction?.horizonDays,
        features: v.prediction?.features ?? [],
      },
    });
  return (
    <Card
      title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('tags.newPrediction')}</h2>}
      data-testid="prediction-tag-form"
    >
      <Alert type="info" style={{ marginBottom: 12 }} title={t('tags.predictionHint')} />
      <Form
        form={form}
        name="predictionTag"
        layout="vertical"
        onFinish={finish}
        initialValues={{
          category: 'prediction',
          prediction: { horizonDays: 90, features: ['recency_days', 'orders_365d'] },
        }}
      >
        <Space wrap align="start">
          <CommonFields withSensitive={false} />
          <Form.Item
            label={t('tags.horizonDays')}
            name={['prediction', 'horizonDays']}
            extra={t('tags.horizonHint')}
          >
            <InputNumber style={{ width: 120 }} />
          </Form.Item>
          <Form.Item label={t('tags.features')} name={['prediction', 'features']}>
            <Select
              mode="multiple"
              style={{ width: 360 }}
              options={PREDICTION_FEATURES.map((f) => ({ value: f, label: t(`feature.${f}`) }))}
            />
          </Form.Item>
        </Space>
        <Button type="primary" htmlType="submit">
          {t('tags.createPrediction')}
        </Button>
      </Form>
      <Outcome error={error} created={created} />
    </Card>
  );
}
