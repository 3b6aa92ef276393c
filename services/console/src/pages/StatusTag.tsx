import { Tag } from 'antd';
import type { ReactNode } from 'react';

// antd's preset tag colours (green on light green, …) fall under WCAG AA contrast; these are darker.
const TONES = {
  ok: { color: '#135200', background: '#f6ffed', borderColor: '#b7eb8f' },
  bad: { color: '#820014', background: '#fff1f0', borderColor: '#ffa39e' },
  warn: { color: '#873800', background: '#fff7e6', borderColor: '#ffd591' },
  info: { color: '#002c8c', background: '#e6f4ff', borderColor: '#91caff' },
  plain: {},
} as const;

export type Tone = keyof typeof TONES;

export function StatusTag({ tone, title, children }: { tone: Tone; title?: string; children: ReactNode }) {
  return (
    <Tag style={TONES[tone]} title={title}>
      {children}
    </Tag>
  );
}
