import { useCallback, useEffect, useRef, useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  Progress,
  Select,
  Space,
  Table,
  Tag,
  Upload,
  type UploadFile,
} from 'antd';
import type { components } from '../api/schema';
import { toCsv } from '../csv';
import { useI18n } from '../i18n';
import { EmptyText } from './EmptyText';
import { latestOnly, apiErrorText } from '../api-errors';
import { api, loadSession } from '../session';

type Summary = components['schemas']['ImportSummaryResponse'];
type Job = components['schemas']['ImportJobResponse'];
export const PLATFORMS = ['tmall', 'jd', 'douyin', 'kuaishou', 'pinduoduo', 'youzan'] as const;

/** Multipart upload through XHR: fetch cannot report upload progress. */
function upload(
  platform: string,
  shop: string,
  file: File,
  onProgress: (pct: number) => void,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(
      'POST',
      `/api/v1/orders/imports?platform=${encodeURIComponent(platform)}&shop=${encodeURIComponent(shop)}`,
    );
    xhr.setRequestHeader('Authorization', `Bearer ${loadSession()?.token ?? ''}`);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded / e.total) * 100));
    xhr.onload = () => resolve({ status: xhr.status, body: JSON.parse(xhr.responseText || '{}') });
    xhr.onerror = () => reject(new Error('network'));
    const form = new FormData();
    form.append('file', file);
    xhr.send(form);
  });
}

export function ImportsPage() {
  const { t, locale } = useI18n();
  const [file, setFile] = useState<UploadFile | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [jobs, setJobs] = useState<Job[]>([]);
  const [summary, setSummary] = useState<Summary | null>(null);
  const uploading = useRef(false);

  const latest = useRef(latestOnly()).current;
  const running = useRef(false);
  const refresh = useCallback(
    () =>
      // Only the newest answer counts: a poll sent while a job ran must not overwrite the list
      // fetched after it finished (it used to leave the job "running" on screen).
      latest(
        () => api.GET('/api/v1/orders/imports', { params: { query: { limit: 20 } } }),
        ({ data }) => {
          if (!data) return;
          running.current = data.imports.some((j) => j.status === 'running');
          setJobs(data.imports);
        },
      ),
    [latest],
  );

  // Live counts: one timer for the page's life; it asks only while an upload streams or a job runs.
  useEffect(() => {
    void refresh();
    const timer = setInterval(() => {
      if (uploading.current || running.current) void refresh();
    }, 1000);
    return () => clearInterval(timer);
  }, [refresh]);

  const submit = async (v: { platform: string; shop: string }) => {
    if (!file?.originFileObj) return setError(t('imports.chooseFile'));
    setError(null);
    setSummary(null);
    setProgress(0);
    uploading.current = true;
    try {
      const res = await upload(v.platform, v.shop, file.originFileObj, setProgress);
      if (res.status >= 400) {
        setError(apiErrorText(res.body, locale));
      } else setSummary(res.body as Summary);
    } catch {
      setError(t('error.NETWORK'));
    } finally {
      uploading.current = false;
      void refresh();
    }
  };

  const open = async (id: string) => {
    const { data } = await api.GET('/api/v1/orders/imports/{id}', { params: { path: { id } } });
    if (data) setSummary(data);
  };

  const downloadRejected = (s: Summary) => {
    const csv = toCsv(
      [t('imports.row'), t('imports.field'), t('imports.reason')],
      s.rejected.map((r) => [r.row, r.field, r.reason]),
    );
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    a.download = `rejected-${s.importId}.csv`;
    a.click();
  };

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <h1 style={{ margin: 0 }}>{t('nav.imports')}</h1>
      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('imports.upload')}</h2>}>
        <Form layout="inline" onFinish={submit} initialValues={{ platform: 'tmall' }}>
          <Form.Item label={t('imports.platform')} name="platform" rules={[{ required: true }]}>
            <Select
              style={{ width: 140 }}
              options={PLATFORMS.map((p) => ({ value: p, label: t(`platform.${p}`) }))}
            />
          </Form.Item>
          <Form.Item
            label={t('imports.shop')}
            name="shop"
            rules={[{ required: true, pattern: /^[A-Za-z0-9_-]{1,64}$/, message: t('imports.shopRule') }]}
          >
            <Input style={{ width: 160 }} />
          </Form.Item>
          <Form.Item label={t('imports.file')}>
            <Upload
              accept=".csv,.xlsx"
              maxCount={1}
              beforeUpload={() => false}
              fileList={file ? [file] : []}
              onChange={({ fileList }) => setFile(fileList[0] ?? null)}
            >
              <Button>{t('imports.chooseFile')}</Button>
            </Upload>
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit">
              {t('imports.start')}
            </Button>
          </Form.Item>
        </Form>
        {progress !== null && (
          <Progress percent={progress} aria-label={t('imports.progress')} style={{ marginTop: 16 }} />
        )}
        {error && <Alert type="error" title={error} style={{ marginTop: 16 }} />}
      </Card>

      {summary && (
        <Card
          title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('imports.summary')}</h2>}
          data-testid="import-summary"
        >
          <Descriptions size="small" column={4} bordered>
            <Descriptions.Item label={t('imports.status')}>{t(`status.${summary.status}`)}</Descriptions.Item>
            <Descriptions.Item label={t('imports.rows')}>{summary.rows}</Descriptions.Item>
            <Descriptions.Item label={t('imports.accepted')}>{summary.accepted}</Descriptions.Item>
            <Descriptions.Item label={t('imports.updated')}>{summary.updated}</Descriptions.Item>
            <Descriptions.Item label={t('imports.unchanged')}>{summary.unchanged}</Descriptions.Item>
            <Descriptions.Item label={t('imports.stale')}>{summary.stale}</Descriptions.Item>
            <Descriptions.Item label={t('imports.rejectedRows')}>{summary.rejectedRows}</Descriptions.Item>
            <Descriptions.Item label={t('imports.fileFormat')}>
              {summary.file.format} {summary.file.encoding ?? ''}
            </Descriptions.Item>
          </Descriptions>
          {summary.rejected.length > 0 && (
            <>
              <h3>{t('imports.rejected')}</h3>
              <Button onClick={() => downloadRejected(summary)} style={{ marginBottom: 8 }}>
                {t('imports.downloadRejected')}
              </Button>
              <Table
                size="small"
                rowKey={(r) => `${r.row}-${r.field}`}
                pagination={{ pageSize: 10 }}
                dataSource={summary.rejected}
                columns={[
                  { title: t('imports.row'), dataIndex: 'row' },
                  { title: t('imports.field'), dataIndex: 'field' },
                  { title: t('imports.reason'), dataIndex: 'reason' },
                ]}
              />
            </>
          )}
          <h3>{t('imports.unmaskedPii')}</h3>
          <Table
            size="small"
            data-testid="unmasked-pii"
            rowKey="column"
            pagination={false}
            locale={{ emptyText: <EmptyText text={t('imports.noUnmaskedPii')} /> }}
            dataSource={Object.entries(summary.unmaskedPii).map(([column, f]) => ({ column, ...f }))}
            columns={[
              { title: t('imports.column'), dataIndex: 'column' },
              {
                title: t('imports.kinds'),
                dataIndex: 'kinds',
                render: (kinds: string[]) => kinds.map((k) => <Tag key={k}>{t(`pii.${k}`)}</Tag>),
              },
              { title: t('imports.rowCount'), dataIndex: 'rowCount' },
              {
                title: t('imports.rowNumbers'),
                dataIndex: 'rows',
                render: (rows: number[]) => rows.slice(0, 20).join(', '),
              },
            ]}
          />
        </Card>
      )}

      <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('imports.jobs')}</h2>}>
        <Table
          size="small"
          rowKey="importId"
          data-testid="import-jobs"
          dataSource={jobs}
          pagination={false}
          columns={[
            {
              title: t('imports.startedAt'),
              dataIndex: 'startedAt',
              render: (v: string) => new Date(v).toLocaleString(),
            },
            {
              title: t('imports.platform'),
              dataIndex: 'platform',
              render: (p: string) => t(`platform.${p}`),
            },
            { title: t('imports.shop'), dataIndex: 'shopId' },
            {
              title: t('imports.status'),
              dataIndex: 'status',
              render: (s: string) => <Tag>{t(`status.${s}`)}</Tag>,
            },
            { title: t('imports.rows'), dataIndex: 'rows' },
            { title: t('imports.accepted'), dataIndex: 'accepted' },
            { title: t('imports.rejectedRows'), dataIndex: 'rejectedRows' },
            {
              title: t('imports.summary'),
              key: 'open',
              render: (_: unknown, j: Job) => (
                <Button size="small" onClick={() => open(j.importId)}>
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
