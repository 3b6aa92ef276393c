import type { Locator, Page } from 'playwright-core';

/** How long one pick may take to show before it is tried again (a re-render is milliseconds). */
const PICK_SHOWS_WITHIN_MS = 10_000;
const PICK_ATTEMPTS = 3;

/** The antd Select around the combobox input that `select` locates (labelled inputs are the handle). */
const selectRoot = (select: Locator) =>
  select.locator(
    'xpath=ancestor-or-self::*[contains(concat(" ", normalize-space(@class), " "), " ant-select ")][1]',
  );

/**
 * Picks an option of an antd Select (its options carry their label as title) and waits until the
 * pick has taken: by default the Select shows the option as its value; a Select that keeps no value
 * (`value={null}`, e.g. "add a condition") names what the pick makes appear in `shows`.
 *
 * Why it does not stop at the click: on a loaded machine the click on an option can land while the
 * dropdown is still sliding open, so the option never sees the click and nothing is selected (the
 * rule editor's value field, shown only once an operator is chosen, then never appeared). The pick
 * is tried again only while its result is missing, so a pick is never made twice.
 */
export async function choose(page: Page, select: Locator, option: string, shows?: Locator): Promise<void> {
  const picked = shows ?? selectRoot(select).locator(`.ant-select-content[title="${option}"]`);
  const item = page.locator(`.ant-select-dropdown:visible .ant-select-item-option[title="${option}"]`);
  for (let attempt = 1; ; attempt++) {
    // Open the dropdown unless this pick's option is already offered (a retry after a missed click).
    if (!(await item.isVisible())) await select.click();
    await item.click();
    try {
      await picked.waitFor({ timeout: PICK_SHOWS_WITHIN_MS });
      return;
    } catch (e) {
      if (attempt >= PICK_ATTEMPTS)
        throw new Error(`choosing "${option}" never took after ${attempt} clicks: ${(e as Error).message}`);
      // Said in the run's output so a missed click is seen, not silently absorbed.
      console.warn(`choose: "${option}" did not take on click ${attempt}; picking it again`);
    }
  }
}
