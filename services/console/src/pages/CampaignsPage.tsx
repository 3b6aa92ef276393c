import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import type { components } from '../api/schema';
import { problemsOf, showProblemsOnFields, apiErrorText } from '../api-errors';
import { useI18n } from '../i18n';
import { StatusTag } from './StatusTag';
import { api } from '../session';
import { Chart } from './ResultsChart';
import { ResultsTimeline, type Bucket } from './ResultsTimeline';

type Campaign = components['schemas']['CampaignResponse'];
type Template = components['schemas']['TemplateResponse'];
type Run = components['schemas']['RunResponse'];
type Send = components['schemas']['SendResponse'];
type Timeline = components['schemas']['CampaignResultsTimelineResponse'];
const PURPOSES = ['marketing_messages'] as const;
const UNSUBSCRIBE = 'unsubscribe_link';

interface Composer {
  name: string;
  segmentId: string;
  purpose: string;
  templateId: string;
  variants: { name: string; variables: Record<string, string> }[];
  scheduleKind: 'now' | 'at' | 'cron';
  at?: string;
  cron?: string;
  timeZone?: string;
  maxRecipients?: number;
  quietStart: string;
  quietEnd: string;
}

/** API problem paths (`variants.0.name`, `schedule.at`, `quietHours`) → composer fields. */
function fieldOf(path: string): (string | number)[] | null {
  if (path.startsWith('schedule'))
    return [path.endsWith('cron') ? 'cron' : path.endsWith('at') ? 'at' : 'scheduleKind'];
  if (path.startsWith('quietHours')) return ['quietStart'];
  if (path.startsWith('caps')) return ['maxRecipients'];
  if (['name', 'segmentId', 'templateId', 'purpose'].includes(path)) return [path];
  return null;
}

/** Send states grouped as the marketer reads them: sent, delivered, failed, refused by the gate. */
export const OUTCOMES = ['sent', 'delivered', 'failed', 'blocked', 'planned', 'cancelled'] as const;
export function outcomeOf(state: string): (typeof OUTCOMES)[number] {
  if (state === 'delivered' || state === 'failed' || state === 'blocked' || state === 'cancelled')
    return state;
  if (state === 'planned') return 'planned';
  return 'sent'; // submitting, submitted, unknown: handed to the vendor, no receipt yet
}
const COLOURS: Record<(typeof OUTCOMES)[number], string> = {
  sent: '#0958d9',
  delivered: '#389e0d',
  failed: '#cf1322',
  blocked: '#d46b08',
  planned: '#8c8c8c',
  cancelled: '#595959',
};

export function CampaignsPage() {
  const { t } = useI18n();
  const [form] = Form.useForm<Composer>();
  const [templates, setTemplates] = useState<Template[]>([]);
  const [campaigns, setCampaigns] = useState<Campaign[]>([]);
  const [open, setOpen] = useState<Campaign | null>(null);
  const [error, setError] = useState<string | null>(null);
  const templateId = Form.useWatch('templateId', form);
  const scheduleKind = Form.useWatch('scheduleKind', form) ?? 'now';
  const template = templates.find((x) => x.id === templateId);
  const variables = (template?.variables ?? []).filter((v) => v !== UNSUBSCRIBE);

  const refresh = useCallback(async () => {
    const { data } = await api.GET('/api/v1/outreach/campaigns');
    if (data) setCampaigns(data);
  }, []);
  useEffect(() => {
    void refresh();
    void api.GET('/api/v1/outreach/templates').then(({ data }) => data && setTemplates(data));
  }, [refresh]);

  const create = async (v: Composer) => {
    setError(null);
    const schedule =
      v.scheduleKind === 'at'
        ? { kind: 'at' as const, at: new Date(v.at!).toISOString() }
        : v.scheduleKind === 'cron'
          ? { kind: 'cron' as const, cron: v.cron, timeZone: v.timeZone || undefined }
          : { kind: 'now' as const };
    const { data, error: e } = await api.POST('/api/v1/outreach/campaigns', {
      body: {
        name: v.name,
        segmentId: v.segmentId.trim(),
        purpose: v.purpose as 'marketing_messages',
        channel: 'sms',
        templateId: v.templateId,
        // The generated type leaves variant variables untyped (the DTO declares a free-form object).
        variants: v.variants.map((x) => ({ name: x.name, variables: (x.variables ?? {}) as never })),
        schedule,
        ...(v.maxRecipients ? { caps: { maxRecipients: v.maxRecipients } } : {}),
        quietHours: { start: v.quietStart, end: v.quietEnd },
      },
    });
    if (!data) {
      const problems = problemsOf(e);
      const rest = showProblemsOnFields(form, problems, fieldOf);
      const code = (e as { code?: string } | undefined)?.code ?? 'ERROR';
      return setError(`${code}: ${(rest.length ? rest : problems).map((p) => p.message).join('; ')}`);
    }
    setOpen(data);
    void refresh();
  };

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <h1 style={{ margin: 0 }}>{t('nav.campaigns')}</h1>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('campaigns.compose')}</h2>}>
        <Form
          form={form}
          layout="vertical"
          onFinish={create}
          initialValues={{
            purpose: 'marketing_messages',
            scheduleKind: 'now',
            timeZone: 'Asia/Shanghai',
            quietStart: '08:00',
            quietEnd: '21:00',
            segmentId: new URLSearchParams(window.location.search).get('segment') ?? '',
            variants: [{ name: 'A', variables: {} }],
          }}
        >
          <Space wrap align="start">
            <Form.Item
              label={t('campaigns.name')}
              name="name"
              rules={[{ required: true, message: t('form.required') }]}
            >
              <Input style={{ width: 200 }} />
            </Form.Item>
            <Form.Item
              label={t('campaigns.segmentId')}
              name="segmentId"
              extra={t('campaigns.segmentHint')}
              rules={[{ required: true, message: t('form.required') }]}
            >
              <Input style={{ width: 340 }} />
            </Form.Item>
            <Form.Item label={t('lookup.purpose')} name="purpose">
              <Select
                style={{ width: 160 }}
                options={PURPOSES.map((p) => ({ value: p, label: t(`purpose.${p}`) }))}
              />
            </Form.Item>
            <Form.Item label={t('campaigns.channel')}>
              <Input
                style={{ width: 100 }}
                value={t('channel.sms')}
                disabled
                aria-label={t('campaigns.channel')}
              />
            </Form.Item>
            <Form.Item
              label={t('campaigns.template')}
              name="templateId"
              rules={[{ required: true, message: t('form.required') }]}
            >
              <Select
                style={{ width: 260 }}
                options={templates
                  .filter((x) => x.usable)
                  .map((x) => ({ value: x.id, label: `${x.name} (${x.templateCode})` }))}
              />
            </Form.Item>
          </Space>
          {template && (
            <Alert
              type="info"
              style={{ marginBottom: 12 }}
              title={template.content}
              description={t('campaigns.offerRule')}
            />
          )}
          <h3>{t('campaigns.variants')}</h3>
          <Form.List name="variants">
            {(fields, { add, remove }) => (
              <Space orientation="vertical" style={{ width: '100%' }}>
                {fields.map((f, i) => (
                  <Space key={f.key} wrap align="start" data-testid={`variant-${i}`}>
                    <Form.Item
                      label={t('campaigns.variantName')}
                      name={[f.name, 'name']}
                      rules={[{ required: true, message: t('form.required') }]}
                    >
                      <Input style={{ width: 100 }} />
                    </Form.Item>
                    {variables.map((v) => (
                      <Form.Item
                        key={v}
                        label={v}
                        name={[f.name, 'variables', v]}
                        rules={[{ required: true, message: t('form.required') }]}
                      >
                        <Input style={{ width: 160 }} />
                      </Form.Item>
                    ))}
                    {fields.length > 1 && (
                      <Button onClick={() => remove(f.name)} style={{ marginTop: 30 }}>
                        {t('rule.remove')}
                      </Button>
                    )}
                  </Space>
                ))}
                {fields.length < 5 && (
                  <Button
                    onClick={() => add({ name: String.fromCharCode(65 + fields.length), variables: {} })}
                  >
                    {t('campaigns.addVariant')}
                  </Button>
                )}
              </Space>
            )}
          </Form.List>
          <h3>{t('campaigns.schedule')}</h3>
          <Space wrap align="start">
            <Form.Item label={t('campaigns.when')} name="scheduleKind">
              <Select
                style={{ width: 160 }}
                options={['now', 'at', 'cron'].map((k) => ({ value: k, label: t(`schedule.${k}`) }))}
              />
            </Form.Item>
            {scheduleKind === 'at' && (
              <Form.Item
                label={t('schedule.atTime')}
                name="at"
                rules={[{ required: true, message: t('form.required') }]}
              >
                <Input type="datetime-local" style={{ width: 220 }} />
              </Form.Item>
            )}
            {scheduleKind === 'cron' && (
              <>
                <Form.Item
                  label={t('schedule.cron')}
                  name="cron"
                  extra={t('schedule.cronHint')}
                  rules={[{ required: true, message: t('form.required') }]}
                >
                  <Input style={{ width: 160 }} />
                </Form.Item>
                <Form.Item label={t('schedule.timeZone')} name="timeZone">
                  <Input style={{ width: 160 }} />
                </Form.Item>
              </>
            )}
            <Form.Item label={t('campaigns.maxRecipients')} name="maxRecipients">
              <InputNumber min={1} style={{ width: 160 }} />
            </Form.Item>
            <Form.Item label={t('campaigns.quietStart')} name="quietStart">
              <Input style={{ width: 100 }} />
            </Form.Item>
            <Form.Item label={t('campaigns.quietEnd')} name="quietEnd">
              <Input style={{ width: 100 }} />
            </Form.Item>
          </Space>
          <div>
            <Button type="primary" htmlType="submit">
              {t('campaigns.create')}
            </Button>
          </div>
        </Form>
        {error && <Alert type="error" data-testid="campaign-error" title={error} style={{ marginTop: 12 }} />}
      </Card>
      {open && <CampaignDetail key={open.id} initial={open} onChanged={refresh} />}
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('campaigns.list')}</h2>}>
        <Table
          size="small"
          rowKey="id"
          data-testid="campaigns"
          dataSource={campaigns}
          pagination={{ pageSize: 10 }}
          columns={[
            { title: t('campaigns.name'), dataIndex: 'name' },
            {
              title: t('campaigns.state'),
              dataIndex: 'state',
              render: (s: string) => <Tag>{t(`campaignState.${s}`)}</Tag>,
            },
            {
              title: t('campaigns.when'),
              dataIndex: 'schedule',
              render: (s: Record<string, string>) => t(`schedule.${s.kind}`),
            },
            {
              title: t('campaigns.createdAt'),
              dataIndex: 'createdAt',
              render: (v: string) => new Date(v).toLocaleString(),
            },
            {
              title: t('campaigns.results'),
              key: 'open',
              render: (_: unknown, c: Campaign) => (
                <Button size="small" onClick={() => setOpen(c)}>
                  {t('imports.open')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
    </Space>
  );
}

function CampaignDetail({ initial, onChanged }: { initial: Campaign; onChanged: () => void }) {
  const { t, locale } = useI18n();
  const [campaign, setCampaign] = useState<Campaign>(initial);
  const [runs, setRuns] = useState<Run[]>([]);
  const [run, setRun] = useState<Run | null>(null);
  const [sends, setSends] = useState<Send[]>([]);
  const [timeline, setTimeline] = useState<Timeline | null>(null);
  const [bucket, setBucket] = useState<Bucket>('hour');
  const [error, setError] = useState<string | null>(null);
  const id = initial.id;
  const shownState = useRef(initial.state);

  const load = useCallback(async () => {
    const [c, r, tl] = await Promise.all([
      api.GET('/api/v1/outreach/campaigns/{id}', { params: { path: { id } } }),
      api.GET('/api/v1/outreach/campaigns/{id}/runs', { params: { path: { id } } }),
      api.GET('/api/v1/outreach/campaigns/{id}/timeline', {
        params: { path: { id }, query: { bucket } },
      }),
    ]);
    if (tl.data) setTimeline(tl.data);
    if (c.data) {
      // The list beside shows states too: tell it when this one moved (e.g. sending → done).
      if (c.data.state !== shownState.current) onChanged();
      shownState.current = c.data.state;
      setCampaign(c.data);
    }
    const latestRun = r.data?.[r.data.length - 1];
    if (r.data) setRuns(r.data);
    if (!latestRun) return;
    const [detail, s] = await Promise.all([
      api.GET('/api/v1/outreach/runs/{runId}', { params: { path: { runId: latestRun.id } } }),
      api.GET('/api/v1/outreach/runs/{runId}/sends', {
        params: { path: { runId: latestRun.id }, query: { limit: 1000 } },
      }),
    ]);
    if (detail.data) setRun(detail.data);
    if (s.data) setSends(s.data);
  }, [id, onChanged, bucket]);

  // Live progress: follow the run while it is queued or sending.
  useEffect(() => {
    void load();
    const timer = setInterval(() => {
      if (!run || run.state === 'queued' || run.state === 'sending') void load();
    }, 1000);
    return () => clearInterval(timer);
  }, [load, run]);

  // Receipts and opt-outs keep arriving after a run is done: the timeline is re-read every 15 s.
  useEffect(() => {
    const timer = setInterval(() => {
      void api
        .GET('/api/v1/outreach/campaigns/{id}/timeline', { params: { path: { id }, query: { bucket } } })
        .then(({ data }) => data && setTimeline(data));
    }, 15_000);
    return () => clearInterval(timer);
  }, [id, bucket]);

  const act = async (action: 'runs' | 'schedule' | 'pause' | 'resume' | 'cancel') => {
    setError(null);
    const path = { params: { path: { id } } };
    const { error: e } =
      action === 'runs'
        ? await api.POST('/api/v1/outreach/campaigns/{id}/runs', path)
        : action === 'schedule'
          ? await api.POST('/api/v1/outreach/campaigns/{id}/schedule', path)
          : action === 'pause'
            ? await api.POST('/api/v1/outreach/campaigns/{id}/pause', path)
            : action === 'resume'
              ? await api.POST('/api/v1/outreach/campaigns/{id}/resume', path)
              : await api.POST('/api/v1/outreach/campaigns/{id}/cancel', path);
    if (e) setError(apiErrorText(e, locale));
    await load();
    onChanged();
  };

  const variantNames = (campaign.variants as unknown as { name: string }[]).map((v) => v.name);
  const series = useMemo(
    () =>
      OUTCOMES.map((o) => ({
        outcome: o,
        name: t(`outcome.${o}`),
        color: COLOURS[o],
        values: variantNames.map(
          (_, i) => sends.filter((s) => s.variant === i && outcomeOf(s.state) === o).length,
        ),
      })).filter(
        (s) => s.values.some((v) => v > 0) || ['sent', 'delivered', 'failed', 'blocked'].includes(s.outcome),
      ),
    [sends, variantNames.join('|'), t],
  );
  const results = run?.results;
  const blocked = Object.values(results?.blocked ?? {}).reduce((a, b) => a + b, 0);
  const failed = Object.values(results?.failed ?? {}).reduce((a, b) => a + b, 0);

  return (
    <Card
      title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('campaigns.detail', { name: campaign.name })}</h2>}
      data-testid="campaign"
    >
      <Descriptions bordered size="small" column={3}>
        <Descriptions.Item label={t('campaigns.state')}>
          <span data-testid="campaign-state">{t(`campaignState.${campaign.state}`)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('campaigns.when')}>
          {t(`schedule.${campaign.schedule.kind}`)} {campaign.schedule.at ?? campaign.schedule.cron ?? ''}
        </Descriptions.Item>
        <Descriptions.Item label={t('campaigns.nextRunAt')}>
          {campaign.nextRunAt ? new Date(String(campaign.nextRunAt)).toLocaleString() : '—'}
        </Descriptions.Item>
        {campaign.estimate && (
          <>
            <Descriptions.Item label={t('templates.parts')}>{campaign.estimate.parts}</Descriptions.Item>
            <Descriptions.Item label={t('templates.cost')}>
              {t('templates.fen', { fen: campaign.estimate.costFenPerRecipient })}
            </Descriptions.Item>
            <Descriptions.Item label={t('templates.characters')}>
              {campaign.estimate.characters}
            </Descriptions.Item>
            <Descriptions.Item label={t('templates.rendered')} span={3}>
              {campaign.estimate.text}
            </Descriptions.Item>
          </>
        )}
      </Descriptions>
      <Space style={{ marginTop: 12 }} wrap>
        <Button type="primary" onClick={() => act('runs')}>
          {t('campaigns.startNow')}
        </Button>
        <Button onClick={() => act('schedule')}>{t('campaigns.scheduleIt')}</Button>
        <Button onClick={() => act('pause')}>{t('campaigns.pause')}</Button>
        <Button onClick={() => act('resume')}>{t('campaigns.resume')}</Button>
        <Button danger onClick={() => act('cancel')}>
          {t('campaigns.cancel')}
        </Button>
      </Space>
      {error && (
        <Alert type="error" title={error} style={{ marginTop: 12 }} data-testid="campaign-action-error" />
      )}
      <h3>{t('campaigns.runs', { count: runs.length })}</h3>
      {run && results && (
        <>
          <Descriptions bordered size="small" column={4} data-testid="run-results">
            <Descriptions.Item label={t('campaigns.runState')}>
              <span data-testid="run-state">{t(`runState.${run.state}`)}</span>
              {run.pausedReason && (
                <span data-testid="paused-reason"> ({t(`pausedReason.${run.pausedReason}`)})</span>
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('results.targeted')}>{results.targeted}</Descriptions.Item>
            <Descriptions.Item label={t('results.submitted')}>{results.submitted}</Descriptions.Item>
            <Descriptions.Item label={t('results.delivered')}>{results.delivered}</Descriptions.Item>
            <Descriptions.Item label={t('results.failed')}>{failed}</Descriptions.Item>
            <Descriptions.Item label={t('results.blocked')}>{blocked}</Descriptions.Item>
            <Descriptions.Item label={t('results.optedOut')}>{results.optedOutWithin72h}</Descriptions.Item>
            <Descriptions.Item label={t('results.partsBilled')}>{results.partsBilled}</Descriptions.Item>
          </Descriptions>
          {blocked > 0 && (
            <Space wrap style={{ marginTop: 8 }}>
              <Typography.Text>{t('results.blockedBy')}</Typography.Text>
              {Object.entries(results.blocked).map(([reason, n]) => (
                <StatusTag key={reason} tone="warn">
                  {t(`blockReason.${reason}`)}: {n}
                </StatusTag>
              ))}
            </Space>
          )}
          <h3>{t('results.byVariant')}</h3>
          <Chart
            testId="results-chart"
            label={t('results.chartLabel', { name: campaign.name })}
            categories={variantNames}
            series={series}
          />
          <Table
            size="small"
            pagination={false}
            rowKey="variant"
            data-testid="variant-table"
            dataSource={variantNames.map((v, i) => ({
              variant: v,
              ...Object.fromEntries(series.map((s) => [s.outcome, s.values[i]])),
            }))}
            columns={[
              { title: t('campaigns.variantName'), dataIndex: 'variant' },
              ...series.map((s) => ({ title: s.name, dataIndex: s.outcome })),
            ]}
          />
        </>
      )}
      {runs.length > 0 && (
        <ResultsTimeline timeline={timeline} bucket={bucket} onBucket={setBucket} name={campaign.name} />
      )}
    </Card>
  );
}
