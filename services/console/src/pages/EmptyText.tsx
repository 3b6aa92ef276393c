import { Typography } from 'antd';

/** A table's "nothing here" text: antd's own grey falls under WCAG AA contrast; secondary text passes. */
export function EmptyText({ text }: { text: string }) {
  return <Typography.Text type="secondary">{text}</Typography.Text>;
}
