/**
 * A marketing SMS as Chinese carriers and R9 expect it: 【signature】, the content, a signed
 * one-tap unsubscribe link and the reply opt-out (回T退订).
 */
export function composeMarketingSms(signature: string, body: string, unsubscribeUrl: string): string {
  return `【${signature}】${body.trim()} 退订:${unsubscribeUrl} 回T退订`;
}
