// End-to-end test of the built site in headless Chromium.
//
// Usage: node tests/e2e/e2e.mjs <site-url> <sub-path-site-url>
// `cargo xtask test` (step e2e) builds the site, serves www/ twice (at `/` and
// below `/sub/folio/`), and runs this script with both URLs.
//
// Each check opens a fresh page and fails on any console error, uncaught page
// error, failed request or Content-Security-Policy violation seen on it, besides
// its own assertions.
// The checks follow the seed article (articles/000_f2e18ad958418c56.txt) from the
// library into its page and back, so they describe what a reader sees.
// It also runs an axe-core accessibility audit of each view, in light and dark,
// and, when every check passes, saves desktop screenshots of the library and the
// article into docs/ for the README.

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
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HEADLINE = 'Beijing to maintain strategic partnership with Russia';
const PUBLICATION = 'RT EN';
const DATETIME = '2022-03-08T09:01';
const STANDFIRST_START = 'The Chinese foreign minister made it unmistakably clear';
const PARAGRAPH_COUNT = 9;
const QUOTE_STARTS = ['This is both what historical experience', 'No matter how uncertain'];
const RELATED = 'Reflections on the resolution of the Russian-Ukrainian conflict';

const VIEWPORT = { width: 1280, height: 900 };
const STEP_TIMEOUT_MS = 15_000;
const WATCHDOG_MS = 240_000;

// The WCAG 2.1 A and AA rules, light and dark colour schemes alike.
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const here = path.dirname(fileURLToPath(import.meta.url));
const axeSource = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const docsDir = path.resolve(here, '../../docs');

const [siteUrl, subPathUrl] = process.argv.slice(2);
if (!siteUrl || !subPathUrl) {
  console.error('usage: node tests/e2e/e2e.mjs <site-url> <sub-path-site-url>');
  console.error('(cargo xtask test runs it with both; see xtask/src/pipeline.rs)');
  process.exit(2);
}
let browser;

// Written into docs/ only when every check passes, so a broken page never
// replaces the README's pictures.
const screenshots = new Map();

// Whatever happens, Chromium must not outlive the test.
const watchdog = startWatchdog('e2e', WATCHDOG_MS, closeBrowser);

async function closeBrowser() {
  const closing = browser;
  browser = undefined;
  await closeQuickly(closing);
}

function startsWithQuote(text, start) {
  // Opening quotation marks may be kept or dropped by the renderer; the words count.
  return text.trim().replace(/^[“”"«‘']+\s*/u, '').startsWith(start);
}

/// Opens a page that records every error the reader would never see.
async function openPage(context) {
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  return { page, problems: watchProblems(page), close: () => page.close() };
}

async function waitForLibrary(page) {
  await page.getByRole('link', { name: HEADLINE, exact: true }).first().waitFor({ state: 'visible' });
}

async function waitForArticle(page) {
  await page.waitForFunction(
    (headline) => (document.querySelector('main h1') ?? document.querySelector('h1'))?.textContent.trim() === headline,
    HEADLINE,
  );
}

/// The facts of the library view that the checks look at.
function libraryFacts(page) {
  return page.evaluate(
    ({ headline }) => {
      const links = [...document.querySelectorAll('a')].filter((a) => a.textContent.trim() === headline);
      const card = links[0]?.closest('li, article');
      return {
        links: links.length,
        href: links[0]?.getAttribute('href') ?? null,
        cardText: card?.textContent ?? '',
        title: document.title,
      };
    },
    { headline: HEADLINE },
  );
}

/// The facts of the article view: its text paragraphs are the `p` elements of the
/// article outside quotes, asides, footers, notices and navigation, and outside
/// its header unless marked as the standfirst.
function articleFacts(page) {
  return page.evaluate(() => {
    const h1 = document.querySelector('main h1') || document.querySelector('h1');
    const main = document.querySelector('main') || document.body;
    const root = h1?.closest('article') || main;
    const outside = 'blockquote, aside, footer, details, nav, figure';
    const paragraphs = [...root.querySelectorAll('p')]
      .filter((p) => !p.closest(outside))
      .filter((p) => !p.closest('header') || p.classList.contains('standfirst'))
      .map((p) => p.textContent.trim());
    return {
      h1: h1?.textContent.trim() ?? null,
      rootText: root.textContent,
      mainText: main.innerText,
      bodyText: document.body.innerText,
      times: [...root.querySelectorAll('time')].map((t) => ({
        datetime: t.getAttribute('datetime'),
        text: t.textContent,
      })),
      standfirst: root.querySelector('.standfirst')?.textContent.trim() ?? null,
      paragraphs,
      quotes: [...root.querySelectorAll('blockquote')].map((b) => b.textContent.trim()),
      asides: [...main.querySelectorAll('aside')].map((a) => a.textContent),
      title: document.title,
    };
  });
}

function checkArticle(facts) {
  assert(facts.h1 === HEADLINE, `h1 is ${JSON.stringify(facts.h1)}`);
  assert(facts.title.includes(HEADLINE), `document.title is ${JSON.stringify(facts.title)}`);
  assert(facts.rootText.includes(PUBLICATION), `publication ${PUBLICATION} not shown`);
  const time = facts.times.find((t) => t.datetime === DATETIME);
  assert(time, `no <time datetime="${DATETIME}">; found ${JSON.stringify(facts.times)}`);
  assert(
    time.text.includes('8 March 2022') && time.text.includes('09:01'),
    `the time reads ${JSON.stringify(time.text)}, expected 8 March 2022 and 09:01`,
  );
  assert(
    facts.paragraphs[0]?.startsWith(STANDFIRST_START),
    `the first paragraph is ${JSON.stringify(facts.paragraphs[0])}`,
  );
  if (facts.standfirst !== null) {
    assert(
      facts.standfirst.startsWith(STANDFIRST_START),
      `.standfirst is ${JSON.stringify(facts.standfirst)}`,
    );
  }
  assert(
    facts.paragraphs.length === PARAGRAPH_COUNT,
    `${facts.paragraphs.length} paragraphs, expected ${PARAGRAPH_COUNT}:\n  ` +
      facts.paragraphs.map((p) => p.slice(0, 60)).join('\n  '),
  );
  assert(
    facts.quotes.length === QUOTE_STARTS.length,
    `${facts.quotes.length} blockquotes, expected ${QUOTE_STARTS.length}: ${JSON.stringify(facts.quotes)}`,
  );
  QUOTE_STARTS.forEach((start, index) => {
    assert(
      startsWithQuote(facts.quotes[index], start),
      `blockquote ${index + 1} is ${JSON.stringify(facts.quotes[index]?.slice(0, 80))}`,
    );
  });
  assert(
    facts.asides.some((text) => text.includes(RELATED)),
    `no aside mentions "${RELATED}"; asides: ${JSON.stringify(facts.asides)}`,
  );
  assert(
    !facts.paragraphs.some((text) => text.includes(RELATED)),
    'the related-reading line is in the article text',
  );
  assert(!facts.bodyText.includes('Source link'), '"Source link" is shown');
}

/// Runs axe-core over the page and fails on any WCAG 2.1 A or AA violation.
/// The script is evaluated through the DevTools protocol, which the page's
/// Content-Security-Policy does not govern, so the audit adds no violation of its own.
async function audit(page, view) {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async (tags) => {
    const results = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    }));
  }, AXE_TAGS);
  assert(
    violations.length === 0,
    `accessibility problems in the ${view}:\n  ` +
      violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.targets.join(', ')}`).join('\n  '),
  );
}

/// Each check: a name and a function of a fresh page.
const checks = [
  [
    'the library lists the seed article with its publication',
    async (page) => {
      await page.goto(siteUrl);
      await waitForLibrary(page);
      const facts = await libraryFacts(page);
      assert(facts.links === 1, `${facts.links} links titled "${HEADLINE}"`);
      assert(facts.cardText.includes(PUBLICATION), `the card reads ${JSON.stringify(facts.cardText)}`);
      screenshots.set('screenshot-library.png', await page.screenshot());
    },
  ],
  [
    'clicking the seed article shows it as written',
    async (page) => {
      await page.goto(siteUrl);
      await waitForLibrary(page);
      await page.getByRole('link', { name: HEADLINE, exact: true }).first().click();
      await waitForArticle(page);
      checkArticle(await articleFacts(page));
      screenshots.set('screenshot-article.png', await page.screenshot());
    },
  ],
  [
    'going back returns to the library',
    async (page) => {
      await page.goto(siteUrl);
      await waitForLibrary(page);
      await page.getByRole('link', { name: HEADLINE, exact: true }).first().click();
      await waitForArticle(page);
      await page.goBack();
      await waitForLibrary(page);
      const h1 = await page.evaluate(
        () => (document.querySelector('main h1') ?? document.querySelector('h1'))?.textContent,
      );
      assert(h1?.trim() !== HEADLINE, 'the article heading is still shown');
    },
  ],
  [
    'a link to the article opens it directly',
    async (page) => {
      await page.goto(siteUrl);
      await waitForLibrary(page);
      const { href } = await libraryFacts(page);
      assert(href?.startsWith('#/'), `the article link is ${JSON.stringify(href)}`);
      await page.goto('about:blank');
      await page.goto(new URL(href, siteUrl).href);
      await waitForArticle(page);
      checkArticle(await articleFacts(page));
    },
  ],
  [
    'an unknown article shows a not-found view with a way back',
    async (page) => {
      await page.goto(new URL('#/a/no-such-article', siteUrl).href);
      await page.waitForFunction(() =>
        /not found/i.test((document.querySelector('main h1') ?? document.querySelector('h1'))?.textContent ?? ''),
      );
      const back = await page.evaluate((libraryUrl) => {
        const target = new URL(libraryUrl);
        return [...document.querySelectorAll('main a')].findIndex((a) => {
          const url = new URL(a.href);
          const sameDocument = url.origin === target.origin && url.pathname === target.pathname;
          return sameDocument && ['', '#', '#/'].includes(url.hash);
        });
      }, siteUrl);
      assert(back >= 0, 'no link back to the library in the main part of the not-found view');
      await page.locator('main a').nth(back).click();
      await waitForLibrary(page);
    },
  ],
  [
    'the library, the article and the not-found view pass an accessibility audit',
    async (page) => {
      for (const scheme of ['light', 'dark']) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.goto(siteUrl);
        await waitForLibrary(page);
        await audit(page, `library (${scheme})`);
        await page.getByRole('link', { name: HEADLINE, exact: true }).first().click();
        await waitForArticle(page);
        await audit(page, `article (${scheme})`);
        await page.goto(new URL('#/a/no-such-article', siteUrl).href);
        await page.waitForFunction(() =>
          /not found/i.test((document.querySelector('main h1') ?? document.querySelector('h1'))?.textContent ?? ''),
        );
        await audit(page, `not-found view (${scheme})`);
      }
    },
  ],
  [
    'searching finds the seed article, also through a typo',
    async (page) => {
      // Search: typed key by key; the first result must be the seed article.
      const firstResult = () =>
        page.evaluate(() => document.querySelector('.search-results .card-title a')?.textContent.trim() ?? '');
      await page.goto(siteUrl);
      await waitForLibrary(page);
      for (const query of ['strategic partnership', 'partnershp']) {
        await page.locator('#folio-search').fill('');
        await page.locator('#folio-search').pressSequentially(query);
        await page.waitForFunction(
          (query) => new URLSearchParams(location.hash.split('?')[1] ?? '').get('q') === query,
          query,
        );
        await page.waitForFunction(
          (headline) => document.querySelector('.search-results .card-title a')?.textContent.trim() === headline,
          HEADLINE,
        );
        assert((await firstResult()) === HEADLINE, `"${query}" first finds ${JSON.stringify(await firstResult())}`);
      }
    },
  ],
  [
    'the site works below a sub-path',
    async (page) => {
      await page.goto(subPathUrl);
      await waitForLibrary(page);
      await page.getByRole('link', { name: HEADLINE, exact: true }).first().click();
      await waitForArticle(page);
      const pathname = new URL(page.url()).pathname;
      assert(
        pathname === new URL(subPathUrl).pathname,
        `the article page left the sub-path: ${page.url()}`,
      );
    },
  ],
];

// Hardening (issue 5): under the page's CSP, Trusted Types reject an unsanitised
// innerHTML write, while every other check runs with them enforced. The probe is a
// page of its own, without openPage's listeners: the rejection it provokes is
// logged as a console error and a CSP violation, which are expected here.
checks.push([
  'Trusted Types reject an unsanitised innerHTML write',
  async (page) => {
    const probe = await page.context().newPage();
    try {
      await probe.goto(siteUrl);
      await waitForLibrary(probe);
      const outcome = await probe.evaluate(() => {
        try {
          document.body.innerHTML = '<img src=x onerror="window.__folio_xss = 1">';
          return 'accepted';
        } catch (error) {
          return error instanceof TypeError ? 'TypeError' : `${error.name}: ${error.message}`;
        }
      });
      assert(outcome === 'TypeError', `the innerHTML write was ${outcome}, not a TypeError`);
      await waitForLibrary(probe);
      assert((await probe.evaluate(() => window.__folio_xss)) === undefined, 'the payload ran');
    } finally {
      await probe.close();
    }
  },
]);

/// Fails at once, rather than after every check's timeout, when a site is not served.
async function preflight() {
  for (const url of [siteUrl, subPathUrl]) {
    let status;
    try {
      status = (await fetch(url, { signal: AbortSignal.timeout(10_000) })).status;
    } catch (error) {
      throw new Error(`cannot fetch ${url}: ${error.cause?.code ?? error.cause?.message ?? error.message}`);
    }
    if (status !== 200) {
      throw new Error(`${url} answers HTTP ${status}: is www/index.html there, and the site built?`);
    }
  }
}

async function main() {
  await preflight();
  browser = await chromium.launch({
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 30_000,
  });
  const context = await browser.newContext({ viewport: VIEWPORT, reducedMotion: 'reduce' });
  await recordCspViolations(context);
  const ok = await runChecks(
    checks.map(([name, run]) => [name, {}, run]),
    () => openPage(context),
  );
  await closeBrowser();
  if (ok) {
    await mkdir(docsDir, { recursive: true });
    for (const [name, image] of screenshots) await writeFile(path.join(docsDir, name), image);
  }
  return ok;
}

exitWith('e2e', main, watchdog, closeBrowser);
