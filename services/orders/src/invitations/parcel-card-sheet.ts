/** What one parcel card shows: a QR code and a short code to match card and parcel. No PII. */
export interface ParcelCard {
  shortCode: string;
  qrSvg: string;
}

export interface CardSheet {
  headline: string;
  text: string;
  /** e.g. "siyu-tea · shop-1 · 2026-11-20", in the page title and footer. */
  caption: string;
  perPage: CardsPerPage;
  cards: ParcelCard[];
}

export const CARDS_PER_PAGE = [4, 6, 8, 10] as const;
export type CardsPerPage = (typeof CARDS_PER_PAGE)[number];

/** `a1b2c3d4-…` → `A1B2-C3D4`: enough for packers to pair a card with its parcel's order ref. */
export function shortCodeOf(orderRef: string): string {
  const hex = orderRef.replace(/-/g, '').slice(0, 8).toUpperCase();
  return `${hex.slice(0, 4)}-${hex.slice(4)}`;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** An A4 print view (browser "Print → Save as PDF"): two columns, `perPage` cards a page. */
export function renderCardSheet(sheet: CardSheet): string {
  const rows = sheet.perPage / 2;
  const pages: ParcelCard[][] = [];
  for (let i = 0; i < sheet.cards.length; i += sheet.perPage)
    pages.push(sheet.cards.slice(i, i + sheet.perPage));
  const card = (c: ParcelCard) => `
      <div class="card">
        <div class="qr">${c.qrSvg}</div>
        <div class="words">
          <h2>${escapeHtml(sheet.headline)}</h2>
          <p>${escapeHtml(sheet.text)}</p>
          <p class="code">${escapeHtml(c.shortCode)}</p>
        </div>
      </div>`;
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${escapeHtml(`Parcel cards · ${sheet.caption}`)}</title>
<style>
  @page { size: A4; margin: 10mm; }
  * { box-sizing: border-box; }
  body { margin: 0; font-family: "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }
  .page { width: 190mm; height: 277mm; display: grid; grid-template-columns: 1fr 1fr;
          grid-template-rows: repeat(${rows}, 1fr); gap: 4mm; page-break-after: always; break-after: page; }
  .page:last-child { page-break-after: auto; break-after: auto; }
  .card { border: 0.3mm dashed #999; padding: 4mm; display: flex; align-items: center; gap: 4mm; overflow: hidden; }
  .qr { flex: 0 0 auto; width: 38%; }
  .qr svg { width: 100%; height: auto; display: block; }
  .words h2 { font-size: 13pt; margin: 0 0 2mm; }
  .words p { font-size: 9.5pt; margin: 0 0 2mm; line-height: 1.4; }
  .words .code { font-family: ui-monospace, Menlo, monospace; font-size: 9pt; color: #555; }
  @media screen { body { background: #eee; } .page { background: #fff; margin: 10mm auto; padding: 0; } }
</style>
</head>
<body>
${pages.map((p) => `<section class="page">${p.map(card).join('')}\n</section>`).join('\n')}
</body>
</html>
`;
}
