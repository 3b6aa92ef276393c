import { useCallback, useEffect, useState } from 'react';
import { Button, Card, Space, Table, Tag } from 'antd';
import type { components } from '../api/schema';
import { useI18n } from '../i18n';
import { EmptyText } from './EmptyText';
import { api } from '../session';

type Item = components['schemas']['SegmentListItemResponse'];
export const SEGMENT_PAGE_SIZE = 10;

/**
 * The brand's saved segments, newest first, a page at a time (the API's keyset cursor: `next`
 * of one page is `after` of the following one; the cursors seen are kept to go back).
 */
export function SegmentList({ reload, onOpen }: { reload: number; onOpen: (id: string) => void }) {
  const { t } = useI18n();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [items, setItems] = useState<Item[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const after = cursors[cursors.length - 1];

  const load = useCallback(async () => {
    const { data } = await api.GET('/api/v1/audience/segments', {
      params: { query: { limit: SEGMENT_PAGE_SIZE, ...(after ? { after } : {}) } },
    });
    if (data) {
      setItems(data.items);
      setNext(data.next);
    }
  }, [after]);
  useEffect(() => void load(), [load, reload]);

  return (
    <Card title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('segments.list')}</h2>}>
      <Table
        size="small"
        rowKey="id"
        data-testid="segment-list"
        dataSource={items}
        pagination={false}
        locale={{ emptyText: <EmptyText text={t('segments.none')} /> }}
        columns={[
          { title: t('segments.name'), dataIndex: 'name' },
          {
            title: t('lookup.purpose'),
            dataIndex: 'purpose',
            render: (p: string) => t(`purpose.${p}`),
          },
          {
            title: t('subjects.channels'),
            dataIndex: 'channel',
            render: (c: string) => t(`channel.${c}`),
          },
          {
            title: t('segments.version'),
            dataIndex: 'version',
            render: (v: number, r: Item) =>
              v === 0 ? (
                <Tag>{t('segments.neverMaterialized')}</Tag>
              ) : (
                t('segments.versionSize', { version: v, size: r.size ?? 0 })
              ),
          },
          {
            title: t('segments.createdAt'),
            dataIndex: 'createdAt',
            render: (v: string) => new Date(v).toLocaleString(),
          },
          {
            title: t('segments.actions'),
            key: 'actions',
            render: (_: unknown, r: Item) => (
              <Space>
                <Button size="small" onClick={() => onOpen(r.id)}>
                  {t('imports.open')}
                </Button>
                {r.version > 0 && (
                  <Button size="small" href={`/console/campaigns?segment=${r.id}`}>
                    {t('segments.useInCampaign')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Space style={{ marginTop: 12 }}>
        <Button disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
          {t('segments.previousPage')}
        </Button>
        <span data-testid="segment-page">{t('segments.page', { page: cursors.length })}</span>
        <Button disabled={!next} onClick={() => next && setCursors((c) => [...c, next])}>
          {t('segments.nextPage')}
        </Button>
      </Space>
    </Card>
  );
}
