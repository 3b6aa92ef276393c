import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Space, Table, Tag } from 'antd';
import type { components } from '../api/schema';
import { apiErrorText } from '../api-errors';
import { useI18n } from '../i18n';
import { api } from '../session';

type Entry = components['schemas']['LedgerEntryResponse'];

/** A subject's consent history from the ledger: grants, withdrawals (with their source), expiries. */
export function SubjectsPage() {
  const { t, locale } = useI18n();
  const [entries, setEntries] = useState<Entry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const search = async (v: { subjectRef: string }) => {
    setError(null);
    const { data, error: e } = await api.GET('/api/v1/consent/subjects/{subjectRef}/history', {
      params: { path: { subjectRef: v.subjectRef.trim() } },
    });
    if (data) setEntries(data.entries);
    else setError(apiErrorText(e, locale));
  };
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <h1 style={{ margin: 0 }}>{t('nav.subjects')}</h1>
      <Card>
        <Form layout="inline" onFinish={search}>
          <Form.Item
            label={t('subjects.ref')}
            name="subjectRef"
            rules={[{ required: true, message: t('form.required') }]}
          >
            <Input style={{ width: 340 }} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('lookup.search')}
          </Button>
        </Form>
        {error && <Alert type="error" title={error} style={{ marginTop: 16 }} />}
      </Card>
      {entries && (
        <Table
          rowKey="seq"
          dataSource={entries}
          pagination={false}
          columns={[
            { title: '#', dataIndex: 'seq' },
            { title: t('subjects.at'), dataIndex: 'at', render: (v: string) => new Date(v).toLocaleString() },
            {
              title: t('subjects.action'),
              dataIndex: 'action',
              render: (a: string) => <Tag>{t(`action.${a}`)}</Tag>,
            },
            {
              title: t('subjects.purposes'),
              dataIndex: 'purposes',
              render: (p: string[]) => p.map((x) => t(`purpose.${x}`)).join(', '),
            },
            { title: t('subjects.channels'), dataIndex: 'channels', render: (c: string[]) => c.join(', ') },
            {
              title: t('subjects.source'),
              key: 'src',
              render: (_: unknown, e: Entry) => e.source ?? e.door ?? '',
            },
          ]}
        />
      )}
    </Space>
  );
}
