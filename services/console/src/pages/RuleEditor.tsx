import { useState } from 'react';
import { Button, Checkbox, Input, InputNumber, Select, Space, Typography } from 'antd';
import { useI18n } from '../i18n';

import {
  CHANNELS,
  FEATURES,
  KINDS,
  OPS,
  toRule,
  type Condition,
  type Kind,
  type RuleValue,
} from '../rule-building';

export { tagKeysIn, type RuleValue } from '../rule-building';

const blank = (kind: Kind): Condition =>
  kind === 'tag'
    ? { kind, negate: false }
    : kind === 'feature'
      ? { kind, negate: false, name: 'orders_total', op: 'gte', value: '1' }
      : kind === 'member'
        ? { kind, negate: false, op: 'lte', value: '30' }
        : kind === 'bought'
          ? { kind, negate: false, withinDays: 90 }
          : kind === 'noOrderWithinDays'
            ? { kind, negate: false, days: 180 }
            : { kind, negate: false, channel: 'sms' };

/**
 * Builds a rule condition by condition (and/or, each one negatable); a form control: it reports the
 * rule JSON through onChange and shows it, so the marketer sees exactly what the API receives.
 */
export function RuleEditor({
  tags,
  onChange,
}: {
  tags: { key: string }[];
  value?: RuleValue;
  onChange?: (rule: RuleValue | undefined) => void;
}) {
  const { t } = useI18n();
  const [combinator, setCombinator] = useState<'and' | 'or'>('and');
  const [conditions, setConditions] = useState<Condition[]>([]);
  const publish = (c: 'and' | 'or', list: Condition[]) => {
    setCombinator(c);
    setConditions(list);
    onChange?.(toRule(c, list));
  };
  const update = (i: number, patch: Partial<Condition>) =>
    publish(
      combinator,
      conditions.map((c, j) => (j === i ? { ...c, ...patch } : c)),
    );
  const rule = toRule(combinator, conditions);

  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="rule-editor">
      <Space>
        <Select
          aria-label={t('rule.combinator')}
          value={combinator}
          style={{ width: 200 }}
          onChange={(v) => publish(v, conditions)}
          options={[
            { value: 'and', label: t('rule.and') },
            { value: 'or', label: t('rule.or') },
          ]}
        />
        <Select
          aria-label={t('rule.add')}
          placeholder={t('rule.add')}
          value={null}
          style={{ width: 200 }}
          onChange={(k: Kind) => publish(combinator, [...conditions, blank(k)])}
          options={KINDS.map((k) => ({ value: k, label: t(`rule.kind.${k}`) }))}
        />
      </Space>
      {conditions.map((c, i) => (
        <Space key={i} wrap data-testid={`condition-${i}`}>
          <Typography.Text strong>{t(`rule.kind.${c.kind}`)}</Typography.Text>
          {c.kind === 'tag' && (
            <Select
              aria-label={t('rule.tag')}
              placeholder={t('rule.tag')}
              style={{ width: 160 }}
              value={c.name}
              onChange={(name) => update(i, { name })}
              options={tags.map((x) => ({ value: x.key, label: x.key }))}
            />
          )}
          {c.kind === 'feature' && (
            <Select
              aria-label={t('rule.feature')}
              style={{ width: 200 }}
              value={c.name}
              onChange={(name) => update(i, { name })}
              options={FEATURES.map((f) => ({ value: f, label: t(`feature.${f}`) }))}
            />
          )}
          {(c.kind === 'tag' || c.kind === 'feature' || c.kind === 'member') && (
            <>
              <Select
                aria-label={t('rule.op')}
                style={{ width: 130 }}
                value={c.op ?? ''}
                onChange={(op) => update(i, { op: op || undefined })}
                options={[
                  ...(c.kind === 'tag' ? [{ value: '', label: t('rule.op.has') }] : []),
                  ...OPS.map((o) => ({ value: o, label: t(`rule.op.${o}`) })),
                ]}
              />
              {c.op && (
                <Input
                  aria-label={t('rule.value')}
                  placeholder={t('rule.valueHint')}
                  style={{ width: 160 }}
                  value={c.value}
                  onChange={(e) => update(i, { value: e.target.value })}
                />
              )}
            </>
          )}
          {c.kind === 'bought' && (
            <>
              <InputNumber
                aria-label={t('rule.withinDays')}
                placeholder={t('rule.withinDays')}
                value={c.withinDays}
                onChange={(withinDays) => update(i, { withinDays })}
              />
              <Input
                aria-label={t('rule.category')}
                placeholder={t('rule.category')}
                style={{ width: 140 }}
                value={c.category}
                onChange={(e) => update(i, { category: e.target.value })}
              />
              <InputNumber
                aria-label={t('rule.atLeast')}
                placeholder={t('rule.atLeast')}
                value={c.atLeast}
                onChange={(atLeast) => update(i, { atLeast })}
              />
            </>
          )}
          {c.kind === 'noOrderWithinDays' && (
            <InputNumber
              aria-label={t('rule.days')}
              value={c.days}
              onChange={(days) => update(i, { days })}
            />
          )}
          {c.kind === 'consent' && (
            <Select
              aria-label={t('subjects.channels')}
              style={{ width: 120 }}
              value={c.channel}
              onChange={(channel) => update(i, { channel })}
              options={CHANNELS.map((x) => ({ value: x, label: t(`channel.${x}`) }))}
            />
          )}
          <Checkbox checked={c.negate} onChange={(e) => update(i, { negate: e.target.checked })}>
            {t('rule.not')}
          </Checkbox>
          <Button
            size="small"
            onClick={() =>
              publish(
                combinator,
                conditions.filter((_, j) => j !== i),
              )
            }
          >
            {t('rule.remove')}
          </Button>
        </Space>
      ))}
      <details>
        <summary>{t('rule.json')}</summary>
        <pre data-testid="rule-json" style={{ background: '#f5f5f5', padding: 8, margin: 0 }}>
          {rule ? JSON.stringify(rule, null, 2) : t('rule.everyone')}
        </pre>
      </details>
    </Space>
  );
}
