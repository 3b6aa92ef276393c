/** The same shape `consent.granted.v1` accepts for `timeZone` (an IANA name). */
const IANA_ZONE = /^(UTC|[A-Z][A-Za-z_]+(\/[A-Za-z0-9_+-]+){1,2})$/;

/**
 * The time zone the consent page's browser reported (`tz`), when it is an IANA zone this runtime
 * knows; anything else (absent, garbage, an unknown name) is dropped, never refused: the brand's
 * zone then applies to quiet hours. Not evidence of consent, so it stays out of the ledger.
 */
export function memberTimeZone(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 64 || !IANA_ZONE.test(raw)) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: raw });
    return raw;
  } catch {
    return undefined;
  }
}

/**
 * What an agree form adds so the page reports the browser's zone (`tz`): a hidden field and one
 * line of script. Without script the field stays empty and nothing is lost but the member's zone.
 */
export const TIME_ZONE_FIELD =
  '<input type="hidden" name="tz" id="tz" value="">' +
  "<script>try{document.getElementById('tz').value=Intl.DateTimeFormat().resolvedOptions().timeZone||''}catch(e){}</script>";
