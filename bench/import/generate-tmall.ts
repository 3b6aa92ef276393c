/**
 * Writes an N-row Tmall 订单报表 (UTF-8 CSV with BOM, the seller-center column set) for the import
 * benchmark, streaming: memory stays flat whatever N. About 40% of orders come from repeat buyers;
 * receivers are a realistic mix of masked values, platform ciphertexts and values in clear.
 *
 *   node dist/bench/import/generate-tmall.js <rows> <out.csv>
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

export const TMALL_HEADER =
  '="订单编号",买家会员名,买家支付宝账号,支付单号,买家应付货款,买家应付邮费,买家支付积分,总金额,返点积分,买家实际支付金额,买家实际支付积分,订单状态,买家留言,收货人姓名,收货地址 ,运送方式,联系电话 ,联系手机,订单创建时间,订单付款时间 ,宝贝标题 ,宝贝种类 ,物流单号 ,物流公司,订单备注,宝贝总数量,店铺Id,店铺名称,订单关闭原因,卖家服务费,买家服务费,发票抬头,是否手机订单,商家编码';

const STATUSES = [
  '交易成功',
  '卖家已发货，等待买家确认',
  '买家已付款，等待卖家发货',
  '等待买家付款',
  '交易关闭',
];
const TEAS = [
  '西湖龙井 明前特级 250g',
  '福鼎白茶 老白茶饼 357g',
  '武夷山大红袍 岩茶 500g',
  '茉莉花茶 100g',
  '云南普洱 熟茶 357g',
];
const SURNAMES = '张王李赵刘陈杨黄周吴';
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Row i of the export (no line break). Deterministic, so two runs write the same file. */
export function tmallRow(i: number, rows: number): string {
  const buyer = i % Math.max(1, Math.floor(rows * 0.6));
  const day = 1 + (i % 28);
  const time = `2026-11-${pad(day)} ${pad(8 + (i % 12))}:${pad(i % 60)}:${pad((i * 7) % 60)}`;
  const cents = 1000 + ((i * 7919) % 200000);
  const amount = `${Math.floor(cents / 100)}.${pad(cents % 100)}`;
  const status = STATUSES[i % STATUSES.length];
  const surname = SURNAMES[buyer % SURNAMES.length];
  const style = buyer % 4;
  // Masked, platform ciphertext, or in clear (R1: personal either way).
  const name =
    style === 0
      ? `${surname}三`
      : style === 1
        ? `${surname}**`
        : `#${Buffer.from(`n${buyer}`).toString('base64')}#`;
  const mobile =
    style === 0
      ? `'139${pad(buyer % 100000000, 8)}`
      : style === 1
        ? `138****${pad(buyer % 10000, 4)}`
        : style === 2
          ? `#${Buffer.from(`p${buyer}`).toString('base64')}#`
          : `18877771111-${100 + (buyer % 900)}`;
  const address =
    style === 0
      ? `浙江省 杭州市 西湖区 文三路${buyer % 500}号(310000)`
      : `上海 上海市 浦东新区 ${style === 1 ? '****' : `#${Buffer.from(`a${buyer}`).toString('base64')}#`}`;
  const shipped = status.startsWith('交易成功') || status.startsWith('卖家已发货');
  const remark = i % 97 === 0 ? '客户来电13800001111改地址' : '';
  return [
    `="39${pad(i, 17)}"`,
    `tb_buyer_${buyer}`,
    '',
    `2026110122001100${pad(i, 12)}`,
    amount,
    '0.00',
    '0',
    amount,
    '0',
    amount,
    '0',
    status,
    i % 50 === 0 ? '"请尽快发货,谢谢"' : '',
    name,
    address,
    '快递',
    '',
    mobile,
    time,
    status === '等待买家付款' ? '' : time,
    TEAS[i % TEAS.length],
    '1',
    shipped ? `No:SF${pad(i, 13)}` : '',
    shipped ? '顺丰速运' : '',
    remark,
    String(1 + (i % 3)),
    '57300001',
    '思语茶铺旗舰店',
    '',
    '0',
    '0',
    '',
    '是',
    `SKU-TEA-${pad(i % 5)}`,
  ].join(',');
}

/** Streams `rows` rows to `path`, respecting back-pressure. */
export async function generateTmallExport(rows: number, path: string): Promise<void> {
  const out = createWriteStream(path);
  const write = async (text: string) => {
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`\uFEFF${TMALL_HEADER}\r\n`);
  let batch: string[] = [];
  for (let i = 0; i < rows; i++) {
    batch.push(tmallRow(i, rows));
    if (batch.length === 1000) {
      await write(`${batch.join('\r\n')}\r\n`);
      batch = [];
    }
  }
  if (batch.length > 0) await write(`${batch.join('\r\n')}\r\n`);
  out.end();
  await once(out, 'finish');
}

if (require.main === module) {
  const [rows, path] = process.argv.slice(2);
  if (!rows || !path) {
    console.error('usage: generate-tmall <rows> <out.csv>');
    process.exit(2);
  }
  generateTmallExport(Number(rows), path).then(() => console.log(`wrote ${rows} rows to ${path}`));
}
