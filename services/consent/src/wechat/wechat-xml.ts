/**
 * A parser for WeChat's flat push format only: `<xml><Tag><![CDATA[v]]></Tag><Tag>v</Tag>…</xml>`.
 * No DTDs, no entities beyond the five predefined ones, no nesting (nested children are skipped),
 * so there is nothing to expand and nothing to fetch. Anything else is refused.
 */
export function parseWechatXml(xml: string): Record<string, string> | null {
  const root = /^\s*(?:<\?xml[^>]{0,100}\?>\s*)?<xml>([\s\S]*)<\/xml>\s*$/.exec(xml);
  if (!root || /<!/.test(root[1].replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, ''))) return null;
  const fields: Record<string, string> = {};
  const child = /<([A-Za-z][A-Za-z0-9_]{0,63})>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/\1>/g;
  for (const m of root[1].matchAll(child)) {
    if (m[1] in fields) continue;
    fields[m[1]] = m[2] ?? decodeEntities(m[3] ?? '');
  }
  return fields;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos);/g, (_, name: string) => ENTITIES[name]);
}
