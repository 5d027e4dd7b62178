// End-to-end test of the reading experience in headless Chromium.
//
// Usage: node tests/e2e/reading.mjs <site-url>
// Serve the built site (www/ after `wasm-pack build --release --target web --out-dir www/pkg`)
// and pass its URL. Exit status 0 when every check passes.
//
// Checks: the theme persists across a reload and is applied before the viewer starts
// (by www/prefs.js, so there is no flash of the wrong theme); a deep link to a heading
// opens the article there and survives a reload; the reading position is offered back
// after a reload and marked in the library; axe-core finds no violation on the library
// and the seed article in every theme (light, dark, sepia, and auto under both system
// schemes), nor with the settings panel and the help open; the main flow works with the
// keyboard alone. Each check opens a fresh page in a fresh context (so storage starts
// empty) and fails on any console error, page error, failed request or CSP violation.
// It also saves the README's reading screenshots: docs/screenshot-dark.png (dark theme,
// desktop) and docs/screenshot-phone.png (390 px wide).

import { chromium } from 'playwright-core';
import {
  CHROMIUM_ARGS,
  assert,
  closeQuickly,
  executablePath,
  exitWith,
  recordCspViolations,
  runChecks,
  startWatchdog,
  watchProblems,
} from './harness.mjs';
import { createRequire } from 'node:module';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SEED_HEADLINE = 'Beijing to maintain strategic partnership with Russia';
// The bundled guide: several headings (so a contents), code blocks, no raw HTML.
const GUIDE_TITLE = 'Writing articles for Folio';
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const STEP_TIMEOUT_MS = 15_000;
const WATCHDOG_MS = 300_000;
// What every theme is held to: WCAG 2.x A and AA, plus axe's best practices.
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
// [theme stored in the settings, system colour scheme]
const THEMES = [
  ['light', 'light'],
  ['dark', 'light'],
  ['sepia', 'dark'],
  ['auto', 'light'],
  ['auto', 'dark'],
];

const here = path.dirname(fileURLToPath(import.meta.url));
const docsDir = path.resolve(here, '../../docs');
const require = createRequire(import.meta.url);
const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

const [siteUrl] = process.argv.slice(2);
if (!siteUrl) {
  console.error('usage: node tests/e2e/reading.mjs <site-url>');
  process.exit(2);
}
const site = siteUrl.endsWith('/') ? siteUrl : `${siteUrl}/`;

let browser;

const watchdog = startWatchdog('reading e2e', WATCHDOG_MS, closeBrowser);

async function closeBrowser() {
  const closing = browser;
  browser = undefined;
  await closeQuickly(closing);
}

/// A fresh context (empty storage) and page that record every error a reader would not see.
/// `expected` matches problems the check causes on purpose.
async function openPage({ viewport = DESKTOP, colorScheme = 'light', expected } = {}) {
  const context = await browser.newContext({ viewport, colorScheme, reducedMotion: 'reduce' });
  await recordCspViolations(context);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  return { page, problems: watchProblems(page, expected), close: () => context.close() };
}

/// Opens the site at `hash` and waits for the view's h1 to read `heading`.
async function open(page, hash, heading) {
  await page.goto(`${site}${hash}`);
  await waitForHeading(page, heading);
}

async function waitForHeading(page, heading) {
  await page.waitForFunction(
    (text) => document.querySelector('main h1')?.textContent.trim().startsWith(text),
    heading,
  );
}

/// Stores reader settings the way the viewer does, then reloads so they apply from the start.
async function storePrefs(page, prefs) {
  await page.evaluate((value) => localStorage.setItem('folio.prefs', value), prefs);
  await page.reload();
}

async function slugOf(page, title) {
  await open(page, '#/', 'Articles');
  const slug = await page.evaluate(
    (t) =>
      [...document.querySelectorAll('.card')].find(
        (card) => card.querySelector('.card-title')?.textContent.trim() === t,
      )?.dataset.slug,
    title,
  );
  assert(slug, `no card titled ${JSON.stringify(title)} in the library`);
  return slug;
}

async function axeViolations(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return result.violations.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n      ` +
        v.nodes
          .slice(0, 4)
          .map((n) => `${n.target.join(' ')} ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`)
          .join('\n      '),
    );
  }, AXE_TAGS);
}

const checks = [];
const check = (name, options, run) => checks.push([name, options, run]);

check('the theme persists across a reload, applied before the viewer starts', {}, async (page) => {
  await open(page, '#/', 'Articles');
  await page.keyboard.press('t'); // auto → light
  await page.keyboard.press('t'); // light → dark
  const theme = await page.evaluate(() => document.documentElement.dataset.theme);
  assert(theme === 'dark', `t t gave the theme ${theme}`);
  await page.reload();
  await waitForHeading(page, 'Articles');
  const after = await page.evaluate(() => ({
    theme: document.documentElement.dataset.theme,
    background: getComputedStyle(document.body).backgroundColor,
    checked: document.querySelector('input[name="theme"]:checked')?.value,
  }));
  assert(after.theme === 'dark', `after a reload the theme is ${after.theme}`);
  assert(after.background === 'rgb(21, 23, 26)', `dark page background is ${after.background}`);
  assert(after.checked === 'dark', `the settings show ${after.checked}`);
});

check(
  'without the viewer, prefs.js alone paints the stored theme (no flash)',
  // The WebAssembly is withheld on purpose: its failure is expected.
  { expected: /pkg\/|Folio could not start|Failed to fetch|dynamically imported module/ },
  async (page) => {
    await page.goto(site);
    await page.evaluate(() => localStorage.setItem('folio.prefs', 'theme=sepia;size=4;font=sans'));
    // Only the module and the wasm: the style sheet the build minified lives in pkg/ too.
    await page.route('**/pkg/folio*', (route) => route.abort());
    await page.reload({ waitUntil: 'domcontentloaded' });
    const first = await page.evaluate(() => ({
      theme: document.documentElement.dataset.theme,
      size: document.documentElement.dataset.size,
      background: getComputedStyle(document.body).backgroundColor,
    }));
    assert(first.theme === 'sepia' && first.size === '4', `before the viewer: ${JSON.stringify(first)}`);
    assert(first.background === 'rgb(244, 236, 216)', `sepia background is ${first.background}`);
  },
);

check('a deep link opens the article at the heading and survives a reload', {}, async (page) => {
  const slug = await slugOf(page, GUIDE_TITLE);
  const target = 'plain-text-news';
  for (const step of ['open', 'reload']) {
    if (step === 'open') await open(page, `#/a/${slug}/${target}`, GUIDE_TITLE);
    else {
      await page.reload();
      await waitForHeading(page, GUIDE_TITLE);
    }
    await page.waitForFunction((id) => {
      const heading = document.getElementById(id);
      if (!heading) return false;
      const top = heading.getBoundingClientRect().top;
      return top >= -2 && top < 200;
    }, target);
    // Following a link moves focus there; a fresh load leaves focus at the top of the
    // page, so the skip link stays the first stop.
    if (step === 'open') {
      const focused = await page.evaluate(() => document.activeElement?.id);
      assert(focused === target, `focus is on #${focused}, expected #${target}`);
    }
  }
  const current = await page.evaluate(() => document.querySelector('nav.toc a[aria-current]')?.dataset.heading);
  assert(current === target, `the contents highlight ${current}, expected ${target}`);
  // The heading's copy-link anchor names the section and links to the same route.
  const anchor = await page.evaluate((id) => {
    const a = document.getElementById(id)?.querySelector('.heading-anchor');
    return a && { label: a.getAttribute('aria-label'), href: a.getAttribute('href') };
  }, target);
  assert(anchor?.label === 'Link to section: Plain-text news', `anchor label ${anchor?.label}`);
  assert(anchor.href === `#/a/${slug}/${target}`, `anchor href ${anchor.href}`);
});

check('the reading position is offered back after a reload', { viewport: { width: 800, height: 600 } }, async (page) => {
  const slug = await slugOf(page, GUIDE_TITLE);
  await open(page, `#/a/${slug}`, GUIDE_TITLE);
  // Scroll as a reader would, half way through, and give the throttled save time to run.
  await page.waitForTimeout(500);
  const wanted = await page.evaluate(() => {
    const article = document.querySelector('article.article');
    const top = article.getBoundingClientRect().top + window.scrollY;
    const y = Math.round(top + 0.5 * (article.offsetHeight - window.innerHeight));
    window.scrollTo(0, y);
    return y;
  });
  await page.waitForFunction((key) => localStorage.getItem(key) !== null, `folio.position.${slug}`);
  await page.reload();
  await waitForHeading(page, GUIDE_TITLE);
  const offer = page.locator('.resume-button');
  await offer.waitFor({ state: 'visible' });
  const label = await offer.textContent();
  assert(/Continue where you left off \(\d+%\)/.test(label), `the offer reads ${JSON.stringify(label)}`);
  await offer.click();
  await page.waitForFunction((y) => Math.abs(window.scrollY - y) < 80, wanted);
  await page.goto(`${site}#/`);
  await waitForHeading(page, 'Articles');
  const mark = await page.evaluate(
    (s) => document.querySelector(`.card[data-slug="${s}"] .reading-mark`)?.textContent,
    slug,
  );
  assert(mark?.startsWith('In progress'), `the library marks the article ${JSON.stringify(mark)}`);
});

check('copy buttons put the code and the section address on the clipboard', {}, async (page) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(site).origin });
  const slug = await slugOf(page, GUIDE_TITLE);
  await open(page, `#/a/${slug}`, GUIDE_TITLE);
  const block = page.locator('.code-block').first();
  const language = await block.locator('.code-lang').textContent();
  assert(language === 'yaml', `the first block is labelled ${JSON.stringify(language)}`);
  await block.getByRole('button', { name: 'Copy yaml code' }).click();
  await page.waitForFunction(() => document.querySelector('.code-copy')?.textContent === 'Copied');
  const code = await block.locator('pre').textContent();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  assert(copied === code, `the clipboard holds ${JSON.stringify(copied.slice(0, 60))}`);

  await page.locator('#markdown .heading-anchor').click();
  await page.waitForFunction(() => location.hash.endsWith('/markdown'));
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert(link === `${site}#/a/${slug}/markdown`, `the section link copied is ${link}`);
});

for (const [theme, scheme] of THEMES) {
  check(`axe-core: library and seed article, theme ${theme}, system ${scheme}`, { colorScheme: scheme }, async (page) => {
    await open(page, '#/', 'Articles');
    await storePrefs(page, `theme=${theme}`);
    await waitForHeading(page, 'Articles');
    const failures = [];
    for (const violation of await axeViolations(page)) failures.push(`library: ${violation}`);
    await page.getByRole('link', { name: SEED_HEADLINE, exact: true }).click();
    await waitForHeading(page, SEED_HEADLINE);
    for (const violation of await axeViolations(page)) failures.push(`seed article: ${violation}`);
    assert(failures.length === 0, failures.join('\n    '));
  });
}

check('axe-core: the guide with its contents, the settings panel and the help', {}, async (page) => {
  const slug = await slugOf(page, GUIDE_TITLE);
  const failures = [];
  for (const theme of ['light', 'dark', 'sepia']) {
    await open(page, `#/a/${slug}`, GUIDE_TITLE);
    await storePrefs(page, `theme=${theme}`);
    await waitForHeading(page, GUIDE_TITLE);
    for (const v of await axeViolations(page)) failures.push(`${theme} guide: ${v}`);
    await page.getByRole('button', { name: 'Reading settings' }).click();
    for (const v of await axeViolations(page)) failures.push(`${theme} settings open: ${v}`);
    await page.keyboard.press('Escape');
    await page.keyboard.press('?');
    await page.locator('dialog.help-dialog[open]').waitFor();
    for (const v of await axeViolations(page)) failures.push(`${theme} help open: ${v}`);
    await page.keyboard.press('Escape');
  }
  assert(failures.length === 0, failures.join('\n    '));
});

check('the main flow works with the keyboard alone', {}, async (page) => {
  await open(page, '#/', 'Articles');
  const focus = () =>
    page.evaluate(() => {
      const a = document.activeElement;
      return { tag: a?.tagName, text: a?.textContent.trim().slice(0, 80), cls: a?.className ?? '' };
    });
  // The skip link comes first and moves focus to the main content.
  await page.keyboard.press('Tab');
  let now = await focus();
  assert(now.text === 'Skip to content', `first Tab reaches ${JSON.stringify(now)}`);
  await page.keyboard.press('Enter');
  now = await focus();
  assert(now.tag === 'MAIN', `the skip link moved focus to ${JSON.stringify(now)}`);

  // j moves through the list; Enter opens the focused article.
  const titles = await page.evaluate(() =>
    [...document.querySelectorAll('.card-title a')].map((a) => a.textContent.trim()),
  );
  const seedIndex = titles.indexOf(SEED_HEADLINE);
  assert(seedIndex >= 0, `the seed is not listed: ${titles}`);
  for (let i = 0; i <= seedIndex; i += 1) await page.keyboard.press('j');
  now = await focus();
  assert(now.text === SEED_HEADLINE, `j reached ${JSON.stringify(now)}`);
  await page.keyboard.press('k');
  if (seedIndex > 0) {
    now = await focus();
    assert(now.text === titles[seedIndex - 1], `k reached ${JSON.stringify(now)}`);
    await page.keyboard.press('j');
  }
  await page.keyboard.press('Enter');
  await waitForHeading(page, SEED_HEADLINE);
  // The viewer focuses the new view's heading in the frame after the one that built it
  // (src/web/app.rs, `settle_next_frame`), so the heading can be there a frame before the
  // focus is: wait for it, up to a second, before judging where focus is.
  await page
    .waitForFunction(() => document.activeElement?.tagName === 'H1', null, { timeout: 1_000 })
    .catch(() => {});
  now = await focus();
  assert(now.tag === 'H1', `opening an article focuses ${JSON.stringify(now)}`);

  // ← and → go to the neighbours in list order.
  const neighbour = seedIndex > 0 ? 'ArrowLeft' : 'ArrowRight';
  const expected = titles[seedIndex > 0 ? seedIndex - 1 : seedIndex + 1];
  await page.keyboard.press(neighbour);
  await waitForHeading(page, expected);
  await page.goBack();
  await waitForHeading(page, SEED_HEADLINE);

  // The settings: Tab to the button, open it, change the theme with the arrow keys, Esc.
  await page.evaluate(() => document.querySelector('main h1').focus());
  await page.keyboard.press('Shift+Tab');
  now = await focus();
  assert(now.cls.includes('reader-toggle'), `Shift+Tab from the heading reaches ${JSON.stringify(now)}`);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  now = await focus();
  assert(now.tag === 'INPUT', `Tab into the panel reaches ${JSON.stringify(now)}`);
  const before = await page.evaluate(() => document.documentElement.dataset.theme);
  await page.keyboard.press('ArrowRight');
  const after = await page.evaluate(() => document.documentElement.dataset.theme);
  assert(before !== after, `the arrow keys left the theme at ${after}`);
  // Keys typed in the panel's fields are not shortcuts…
  await page.keyboard.press('t');
  const unchanged = await page.evaluate(() => document.documentElement.dataset.theme);
  assert(unchanged === after, `t in a field changed the theme to ${unchanged}`);
  // …but Esc closes it and returns focus to its button.
  await page.keyboard.press('Escape');
  const closed = await page.evaluate(() => ({
    hidden: document.querySelector('.reader-panel').hidden,
    focus: document.activeElement.className,
  }));
  assert(closed.hidden && closed.focus.includes('reader-toggle'), `after Esc: ${JSON.stringify(closed)}`);

  // ? shows the help, Esc closes it.
  await page.keyboard.press('?');
  await page.locator('dialog.help-dialog[open]').waitFor();
  await page.keyboard.press('Escape');
  await page.locator('dialog.help-dialog[open]').waitFor({ state: 'detached' });

  // Ctrl+ and Alt+ keys stay the browser's.
  await page.keyboard.press('Control+t').catch(() => {});
  const still = await page.evaluate(() => document.documentElement.dataset.theme);
  assert(still === after, `Ctrl+T changed the theme to ${still}`);
});

check('screenshots for the README', {}, async (page) => {
  await mkdir(docsDir, { recursive: true });
  const slug = await slugOf(page, GUIDE_TITLE);
  await open(page, `#/a/${slug}`, GUIDE_TITLE);
  await storePrefs(page, 'theme=dark');
  await waitForHeading(page, GUIDE_TITLE);
  await page.evaluate(() => document.activeElement?.blur());
  await page.screenshot({ path: path.join(docsDir, 'screenshot-dark.png') });
  await page.setViewportSize(PHONE);
  await storePrefs(page, 'theme=light');
  await waitForHeading(page, GUIDE_TITLE);
  await page.evaluate(() => document.activeElement?.blur());
  await page.screenshot({ path: path.join(docsDir, 'screenshot-phone.png') });
});

async function main() {
  browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const ok = await runChecks(checks, openPage);
  await closeBrowser();
  return ok;
}

exitWith('reading e2e', main, watchdog, closeBrowser);
