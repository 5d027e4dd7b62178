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
  // A file the viewer asks for and does not get (its style sheet, say) would skew the figures.
  const failed = [];
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  await page.goto(url);
  await page.waitForSelector('.search-form[data-search-ready]', { timeout: 120_000 });
  await page.waitForTimeout(SETTLE_MS);
  if (failed.length > 0) {
    await context.close();
    throw new Error(`${url}: ${failed.join('; ')}`);
  }
  return { context, page };
}

/// Long tasks (durations, ms) that ended after `since`, or null without the API.
async function tasksSince(page, since) {
  return page.evaluate(
    (t0) => (window.__longTasks === null ? null : window.__longTasks.filter((task) => task.start + task.duration > t0).map((task) => task.duration)),
    since,
  );
}

/// Fresh viewers per interaction, at least: a long task in one run of three said little
/// either way on a machine this noisy (BENCHMARKS.md). About 5 s a run at 1,000 articles.
export const MIN_RUNS = 8;

/// One interaction, `runs` times (at least MIN_RUNS), each in a fresh viewer at `url`.
async function measure(browser, url, asked, interact) {
  const runs = Math.max(asked, MIN_RUNS);
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

/// The interactions measured, on a ready viewer.
const interactions = {
  /// Click the card titled `title` in the library and wait until `text` is painted in the article.
  async open(page, title, text) {
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
  },
  /// Type `typed` key by key into the search box and wait until its results are shown.
  async type(page, typed, delayMs) {
    await page.focus('#folio-search');
    await page.keyboard.type(typed, { delay: delayMs });
    // The viewer runs the query at the next animation frame, and writes it into the URL.
    await page.waitForFunction((q) => new URLSearchParams(location.hash.split('?')[1] ?? '').get('q') === q, typed, {
      timeout: 20_000,
      polling: 10,
    });
  },
};

/// Click the card titled `title` in the library and wait until `text` is painted in the article.
export function openArticle(browser, { url, title, text, runs }) {
  return measure(browser, url, runs, (page) => interactions.open(page, title, text));
}

/// Type `typed` key by key into the search box and wait until its results are shown.
export function typeQuery(browser, { url, typed, delayMs, runs }) {
  return measure(browser, url, runs, (page) => interactions.type(page, typed, delayMs));
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

// ---------------------------------------------------------------------------------------
// Run on its own, for working on the viewer's interactions (the suite's figures come from
// bench.mjs):
//
//   node tests/bench/longtasks.mjs URL [--open | --type] [--runs N] [--trace [--cpu] [--over MS]]
//
// URL is a served site's `#/` (e.g. `cargo xtask serve`, or a corpus site of the bench).
// --open clicks the seed article's card, --type types the suite's query (both by default).
// Without --trace it counts long tasks with the Long Tasks API as the suite does (at least
// MIN_RUNS runs). --trace records a Chromium trace of each run instead and prints, per run,
// the longest task in wall time and in CPU time (a busy machine stretches wall time, not
// CPU time) and the CPU of the frames that ran a script; with --over MS, every main-thread
// task longer than that, with where its time went (self time by trace event: script,
// style, layout, paint, …; CPU time with --cpu), how many elements it restyled and how
// many layout objects it laid out. Tracing slows the page a little, so its figures are
// for attribution, not for the target. TRACE_MORE=cat1,cat2 adds trace categories
// (fonts, v8.wasm, …).

/// The suite's interactions, as xtask/src/bench.rs configures them.
const SEED_TITLE = 'Beijing to maintain strategic partnership with Russia';
const SEED_TEXT = 'external events will not affect the close partnership';
const TYPED = 'strategic partnership';
const TYPING_DELAY_MS = 100;

const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'toplevel',
  'v8.execute',
  'v8',
  'disabled-by-default-v8.compile',
  'blink.user_timing',
  ...(process.env.TRACE_MORE ? process.env.TRACE_MORE.split(',') : []),
];

/// Runs `interact` in `runs` fresh viewers with a trace of each; returns their main-thread tasks.
async function traceRuns(browser, url, runs, interact, cpuTimes) {
  const perRun = [];
  for (let run = 0; run < runs; run++) {
    const { context, page } = await readyViewer(browser, url);
    try {
      const cdp = await context.newCDPSession(page);
      const events = [];
      cdp.on('Tracing.dataCollected', ({ value }) => events.push(...value));
      const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
      await cdp.send('Tracing.start', { categories: TRACE_CATEGORIES.join(','), transferMode: 'ReportEvents' });
      await interact(page);
      await page.waitForTimeout(AFTER_MS);
      await cdp.send('Tracing.end');
      await done;
      perRun.push(mainThreadTasks(events, cpuTimes));
    } finally {
      await context.close();
    }
  }
  return perRun;
}

/// The renderer main threads' top-level tasks, each with its self time per event name.
function mainThreadTasks(events, cpuTimes) {
  const mains = new Set(
    events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`),
  );
  const byThread = new Map();
  for (const e of events) {
    if (e.ph !== 'X' || typeof e.dur !== 'number' || !mains.has(`${e.pid}:${e.tid}`)) continue;
    const key = `${e.pid}:${e.tid}`;
    if (!byThread.has(key)) byThread.set(key, []);
    byThread.get(key).push(e);
  }
  const tasks = [];
  for (const list of byThread.values()) {
    list.sort((a, b) => a.ts - b.ts || b.dur - a.dur);
    // Nested complete events: a stack of open events, each charged its own time minus its children's.
    const stack = [];
    let task = null;
    const close = (until) => {
      while (stack.length && stack[stack.length - 1].end <= until) {
        const top = stack.pop();
        task.self[top.label] = (task.self[top.label] ?? 0) + top.self;
        if (stack.length) stack[stack.length - 1].self -= top.dur;
      }
    };
    for (const e of list) {
      if (task && e.ts >= task.end) {
        close(Infinity);
        tasks.push(task);
        task = null;
      }
      if (!task) {
        if (e.name !== 'RunTask' && e.name !== 'ThreadControllerImpl::RunTask') continue;
        task = { start: e.ts, end: e.ts + e.dur, ms: e.dur / 1000, cpu: (e.tdur ?? e.dur) / 1000, self: {}, kinds: new Set(), styled: 0, laidOut: [] };
      }
      close(e.ts);
      if (e.name === 'UpdateLayoutTree') task.styled += e.args?.elementCount ?? 0;
      if (e.name === 'Layout' && e.args?.beginData) task.laidOut.push(`${e.args.beginData.dirtyObjects}/${e.args.beginData.totalObjects}`);
      if (e.name === 'FireAnimationFrame') task.kinds.add('frame');
      else if (e.name === 'TimerFire') task.kinds.add('timer');
      else if (e.name === 'EventDispatch' && e.args?.data?.type) task.kinds.add(e.args.data.type);
      else if (e.name === 'HandlePostMessage' || e.name === 'ParseHTML' || e.name === 'UpdateLayoutTree' && !task.kinds.size) task.kinds.add(e.name);
      // Self time in CPU time where the trace has it (a busy machine stretches wall time).
      const spent = cpuTimes && typeof e.tdur === 'number' ? e.tdur : e.dur;
      stack.push({ label: label(e), end: e.ts + e.dur, dur: spent, self: spent });
    }
    if (task) {
      close(Infinity);
      tasks.push(task);
    }
  }
  return tasks;
}

/// An event's name, with what a script call ran when the trace says.
function label(e) {
  const data = e.args?.data;
  if (e.name === 'EventDispatch' && data?.type) return `EventDispatch(${data.type})`;
  if (e.name === 'TimerFire') return 'TimerFire';
  if (e.name === 'FunctionCall' && data?.functionName) return `FunctionCall(${data.functionName})`;
  return e.name;
}

function describeTask(task) {
  const parts = Object.entries(task.self)
    .map(([name, us]) => [name, us / 1000])
    .filter(([, ms]) => ms >= 0.5)
    .sort((a, b) => b[1] - a[1])
    .map(([name, ms]) => `${name} ${ms.toFixed(1)}`);
  return `${task.ms.toFixed(1)} ms (cpu ${task.cpu.toFixed(1)}) [${[...task.kinds].join(' ')}] styled ${task.styled}, layout ${task.laidOut.join(' ')}: ${parts.join(', ')}`;
}

async function standalone(argv) {
  const { chromium } = await import('playwright-core');
  const { CHROMIUM_ARGS, executablePath } = await import('../e2e/harness.mjs');
  const url = argv.find((arg) => !arg.startsWith('--') && /^https?:/.test(arg));
  if (!url) throw new Error('usage: node tests/bench/longtasks.mjs URL [--open | --type] [--runs N] [--trace] [--over MS]');
  const option = (name, fallback) => {
    const at = argv.indexOf(name);
    return at >= 0 && argv[at + 1] !== undefined ? Number(argv[at + 1]) : fallback;
  };
  const runs = option('--runs', 3);
  const over = option('--over', Infinity);
  const trace = argv.includes('--trace');
  const only = ['--open', '--type'].filter((flag) => argv.includes(flag));
  const wanted = only.length ? only : ['--open', '--type'];
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    for (const flag of wanted) {
      const what = flag === '--open' ? `open "${SEED_TITLE}"` : `type "${TYPED}" (${TYPING_DELAY_MS} ms between keys)`;
      if (!trace) {
        const figures =
          flag === '--open'
            ? await openArticle(browser, { url, title: SEED_TITLE, text: SEED_TEXT, runs })
            : await typeQuery(browser, { url, typed: TYPED, delayMs: TYPING_DELAY_MS, runs });
        console.log(`${what}: ${JSON.stringify(figures)}`);
        continue;
      }
      const interact =
        flag === '--open'
          ? (page) => interactions.open(page, SEED_TITLE, SEED_TEXT)
          : (page) => interactions.type(page, TYPED, TYPING_DELAY_MS);
      const perRun = await traceRuns(browser, url, runs, interact, argv.includes('--cpu'));
      console.log(`${what}, traced:`);
      perRun.forEach((tasks, run) => {
        const longest = Math.max(0, ...tasks.map((task) => task.ms));
        const busiest = Math.max(0, ...tasks.map((task) => task.cpu));
        const frames = tasks.filter((task) => task.kinds.has('frame'));
        const frameCpu = frames.reduce((sum, task) => sum + task.cpu, 0);
        const long = tasks.filter((task) => task.ms > LIMIT_MS).length;
        console.log(
          `  run ${run + 1}: ${tasks.length} tasks, ${long} over ${LIMIT_MS} ms, longest ${longest.toFixed(1)} ms, most CPU ${busiest.toFixed(1)} ms; ${frames.length} frames with a script, CPU ${frameCpu.toFixed(0)} ms in all`,
        );
        for (const task of tasks.filter((t) => t.ms >= over)) console.log(`    ${describeTask(task)}`);
      });
    }
  } finally {
    await browser.close();
  }
}

if (process.argv[1] && import.meta.url === (await import('node:url')).pathToFileURL(process.argv[1]).href) {
  await standalone(process.argv.slice(2));
}
