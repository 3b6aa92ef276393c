import { useEffect, useState } from 'react';
import { Space, Table, Tag } from 'antd';
import type { components } from '../api/schema';
import { useI18n } from '../i18n';
import { api } from '../session';

type Notice = components['schemas']['NoticeResponse'];

export function NoticesPage() {
  const { t } = useI18n();
  const [notices, setNotices] = useState<Notice[]>([]);
  useEffect(() => {
    void api.GET('/api/v1/consent/notices').then(({ data }) => setNotices(data ?? []));
  }, []);
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <h1 style={{ margin: 0 }}>{t('nav.notices')}</h1>
      <Table
        rowKey="id"
        data-testid="notices"
        dataSource={notices}
        pagination={false}
        expandable={{
          expandedRowRender: (n) => (
            <ul>
              {n.content.purposes.map((p) => (
                <li key={p.id}>
                  {t(`purpose.${p.id}`)}: {p.description}
                </li>
              ))}
            </ul>
          ),
        }}
        columns={[
          { title: t('notices.locale'), dataIndex: 'locale' },
          { title: t('notices.version'), dataIndex: 'version', render: (v: number) => <Tag>v{v}</Tag> },
          { title: t('notices.brand'), dataIndex: ['content', 'brandName'] },
          {
            title: t('notices.publishedAt'),
            dataIndex: 'publishedAt',
            render: (v: string) => new Date(v).toLocaleString(),
          },
          {
            title: t('notices.hash'),
            dataIndex: 'contentHash',
            render: (h: string) => <code>{h.slice(0, 12)}…</code>,
          },
        ]}
      />
    </Space>
  );
}
