// Long tasks during interactions with the running viewer (issue 6: none over 50 ms while
// typing in search or opening the seed article), for bench.mjs (run by `cargo xtask bench`).
//
// Each run loads the viewer in a new browser context, waits for the library with its search
// ready and then for the page to settle, and only then starts counting: every long task
// (the browser's Long Tasks API: tasks over 50 ms) that ends after the interaction starts,
// until the interaction's result is on the screen and a moment after it.
// - open: a click on the seed article's card in the library, until its text is painted;
// - type: the search box focused, then a text typed key by key (`delayMs` between keys, a
//   fast typist), until the last results are shown.
// Cold loads (wasm compile, first paint) are not counted here: bench.mjs reports them apart.

/// Runs before the viewer's scripts: records every long task with its start and duration.
function recordLongTasks() {
  window.__longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // No Long Tasks API: reported as unavailable.
    window.__longTasks = null;
  }
}

/// Time after the search box is ready before an interaction starts, for the page to settle.
const SETTLE_MS = 500;
/// Time after the result is on the screen during which tasks still count.
const AFTER_MS = 300;

async function readyViewer(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
  await context.addInitScript(recordLongTasks);
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForSelector('.search-form[data-search-ready]', { timeout: 120_000 });
  await page.waitForTimeout(SETTLE_MS);
  return { context, page };
}

/// Long tasks (durations, ms) that ended after `since`, or null without the API.
async function tasksSince(page, since) {
  return page.evaluate(
    (t0) => (window.__longTasks === null ? null : window.__longTasks.filter((task) => task.start + task.duration > t0).map((task) => task.duration)),
    since,
  );
}

/// One interaction, `runs` times, each in a fresh viewer at `url`.
async function measure(browser, url, runs, interact) {
  const perRun = [];
  for (let run = 0; run < runs; run++) {
    const { context, page } = await readyViewer(browser, url);
    try {
      const since = await page.evaluate(() => performance.now());
      await interact(page);
      await page.waitForTimeout(AFTER_MS);
      const tasks = await tasksSince(page, since);
      if (tasks === null) return null;
      perRun.push(tasks);
    } finally {
      await context.close();
    }
  }
  const all = perRun.flat();
  return { runs, count: all.length, longest_ms: Math.max(0, ...all), runs_with_long_tasks: perRun.filter((tasks) => tasks.length > 0).length };
}

/// Click the card titled `title` in the library and wait until `text` is painted in the article.
export function openArticle(browser, { url, title, text, runs }) {
  return measure(browser, url, runs, async (page) => {
    await page.locator('.library .card a', { hasText: title }).first().click();
    await page.waitForFunction(
      (sentence) => {
        const body = document.querySelector('.article-body');
        if (!body || !body.textContent.includes(sentence)) return false;
        // Painted: the frame after it reached the DOM.
        return new Promise((resolve) => requestAnimationFrame(() => resolve(true)));
      },
      text,
      { timeout: 20_000, polling: 10 },
    );
  });
}

/// Type `typed` key by key into the search box and wait until its results are shown.
export function typeQuery(browser, { url, typed, delayMs, runs }) {
  return measure(browser, url, runs, async (page) => {
    await page.focus('#folio-search');
    await page.keyboard.type(typed, { delay: delayMs });
    // The viewer runs the query at the next animation frame, and writes it into the URL.
    await page.waitForFunction((q) => new URLSearchParams(location.hash.split('?')[1] ?? '').get('q') === q, typed, {
      timeout: 20_000,
      polling: 10,
    });
  });
}

const LIMIT_MS = 50;
const fixed = (value, digits = 1) => (value === null || value === undefined ? 'n/a' : value.toFixed(digits));

function row(what, figures) {
  if (!figures) return [what, 'n/a (no Long Tasks API)', 'n/a', `≤ ${LIMIT_MS} ms`, false];
  const measured = figures.count ? `${figures.count} over ${figures.runs} runs, longest ${fixed(figures.longest_ms)} ms` : `none over ${figures.runs} runs`;
  return [what, measured, `${fixed(figures.longest_ms / LIMIT_MS, 2)}× the limit`, `no task over ${LIMIT_MS} ms`, figures.longest_ms <= LIMIT_MS];
}

/// Rows of the targets table, `[what, measured, ratio, target, met]`, as bench.mjs lists them.
export function interactionTargets(interactions) {
  return [
    row('Long tasks opening the seed article from the library (running viewer)', interactions.open),
    ...interactions.typing.map(({ name, figures }) => row(`Long tasks typing "${interactions.typed}" in the search box, ${name}`, figures)),
  ];
}

/// The report's lines on interactions, under the cold-load long tasks.
export function interactionReport(interactions) {
  return [
    `Long tasks during interactions with the running viewer (issue 6's target), each in a fresh viewer after its search is ready and the page has settled; counted from the interaction until ${AFTER_MS} ms after its result is painted:`,
    '',
    '| Interaction | Runs | Runs with a long task | Long tasks | Longest |',
    '| --- | --- | --- | --- | --- |',
    ...[
      ['Click the seed article\'s card in the library', interactions.open],
      ...interactions.typing.map(({ name, figures }) => [`Type "${interactions.typed}", ${interactions.typingDelayMs} ms between keys, ${name}`, figures]),
    ].map(([what, f]) => (f ? `| ${what} | ${f.runs} | ${f.runs_with_long_tasks} | ${f.count} | ${fixed(f.longest_ms)} ms |` : `| ${what} | n/a | n/a | n/a | n/a |`)),
    '',
  ];
}
