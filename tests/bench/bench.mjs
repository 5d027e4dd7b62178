// Browser benchmarks of the built site in headless Chromium; `cargo xtask bench` runs it
// (see xtask/src/bench.rs), then writes the report this script returns.
//
//   node tests/bench/bench.mjs CONFIG.json
//
// CONFIG: { siteUrl, siteDir, runs, pipelineRuns, pipelineLayoutRuns, nativeFile, out, seedTitle, seedText, only,
//           search: { queriesFile, corpora: [{ name, folder, articles, corpusBytes, startupRuns, buildRuns, typing }],
//                     passes, typed, typingDelayMs, longTaskRuns } }
// - only: "pipeline" runs just the 1 MB pipeline comparison and prints its table;
//   "firstview" just the cold first views, printed once measured; with
//   variants: [{ name, path }], the seed article of each other build served under `path`
//   by the same server is measured too, interleaved with the rest (A/B runs).
// - siteUrl serves siteDir: the shipped release build at /, the bench build at /bench/,
//   and for each corpus the site with the bench build of that corpus at /<folder>/.
// - nativeFile holds the native benchmark's JSON lines; out is where BENCHMARKS.md goes.
//
// Measured, each in the same run as what it is compared with:
// (a) navigation start → library painted, and → seed article text painted, cold cache
//     (a new browser context per run), against a plain static page holding the same
//     article HTML, served by the same server; median of `runs`;
// (b) Folio's pipeline (parse, render, sanitise, insert) on a 1 MB article, against the
//     floor (pulldown-cmark push_html + innerHTML, same wasm) and marked + innerHTML;
// (c) every file the seed article page loads, raw and brotli;
// (d) wasm memory after the library and one article; long tasks over cold loads of the seed;
// (e) search on generated corpora (search.mjs) beside the native figures of the same queries;
// (f) long tasks while opening the seed from the library and while typing (longtasks.mjs).
import { chromium } from 'playwright-core';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { readQueries, searchCorpus, searchReport, searchTargets } from './search.mjs';
import { interactionReport, interactionTargets, openArticle, typeQuery } from './longtasks.mjs';
import { CHROMIUM_ARGS as BROWSER_ARGS, executablePath } from '../e2e/harness.mjs';

// The flags every browser script of the project uses (its harness imports nothing, so
// this package can load it), plus what the pipeline comparison needs: it collects
// garbage between timed calls (see `pipeline`).
const CHROMIUM_ARGS = [...BROWSER_ARGS, '--js-flags=--expose-gc'];
const VIEWPORT = { width: 1280, height: 900 };
const WATCHDOG_MS = 540_000;

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let browser;

const watchdog = setTimeout(async () => {
  console.error(`bench: gave up after ${WATCHDOG_MS / 1000} s`);
  if (browser) await browser.close().catch(() => {});
  process.exit(1);
}, WATCHDOG_MS);

/// Runs in every page before its own scripts: records when the watched content first
/// reaches the DOM and the frame after it (painted), long tasks, and the wasm instance.
function instrument({ seedText }) {
  // The pipeline page is timed by its own code: an observer there would slow the DOM work it measures.
  if (location.pathname.includes('/bench/')) return;
  const bench = (window.__bench = { longTasks: [] });
  const found = (key) => {
    if (bench[key] !== undefined) return;
    bench[key] = performance.now();
    requestAnimationFrame(() => {
      bench[key + 'Painted'] = performance.now();
      // The frame's own rendering (style, layout, paint) runs after its animation-frame
      // callbacks, in the same task: a message posted now is handled once it is done.
      // Both pages are timed alike this way, whatever work the page's own callbacks do.
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        bench[key + 'Rendered'] = performance.now();
        // Tells the benchmark it may look, without it polling the page (see `loadAndTime`).
        console.debug(`folio-bench:${key}Rendered`);
      };
      channel.port2.postMessage(null);
    });
  };
  const check = () => {
    if (document.querySelector('.library .card')) found('library');
    const body = document.body;
    if (body && body.textContent.includes(seedText)) found('seed');
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true, characterData: true });
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) bench.longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // No long task API: the figure is reported as unavailable.
    bench.longTasks = null;
  }
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const original = WebAssembly[name];
    WebAssembly[name] = async function (...args) {
      const result = await original.apply(this, args);
      window.__benchWasm = result.instance || result;
      return result;
    };
  }
}

async function coldPage() {
  const context = await browser.newContext({ viewport: VIEWPORT, reducedMotion: 'reduce' });
  await context.addInitScript(instrument, { seedText: config.seedText });
  const page = await context.newPage();
  return { context, page };
}

/// Loads `url` in `page` and returns the page's `window.__bench` once `key` (library or
/// seed) is rendered. The page is not polled meanwhile: Playwright's polling evaluates
/// its own scripts in the page (a 12 ms parse on the first call, then a call every few
/// milliseconds), which would compete with the page while it loads, and with a page
/// that takes longer (the viewer) more than with one that is done sooner (the plain page).
/// The instrument's console message says when to look instead.
async function loadAndTime(page, url, key) {
  const message = `folio-bench:${key}Rendered`;
  const rendered = page.waitForEvent('console', { predicate: (m) => m.text() === message, timeout: 20_000 });
  await page.goto(url, { waitUntil: 'commit' });
  await rendered;
  return page.evaluate(() => window.__bench);
}

async function waitFor(page, key) {
  await page.waitForFunction((k) => window.__bench && window.__bench[k] !== undefined, key, {
    timeout: 20_000,
    polling: 10,
  });
  return page.evaluate((k) => window.__bench[k], key);
}

/// The median over the rounds of `a[i] / b[i]`: each round loads every page once, so a
/// round's ratio compares loads made a few seconds apart, under the same load from
/// the machine's other jobs; steadier than the ratio of the two medians.
function pairedRatio(a, b) {
  return median(a.map((value, i) => value / b[i]));
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/// The seed article's route, found from its card in the library.
async function seedRoute() {
  const { context, page } = await coldPage();
  await page.goto(new URL('#/', config.siteUrl).href);
  await waitFor(page, 'libraryPainted');
  const href = await page.evaluate((title) => {
    const link = [...document.querySelectorAll('a[href^="#/a/"]')].find((a) =>
      a.textContent.includes(title),
    );
    return link && link.getAttribute('href');
  }, config.seedTitle);
  if (!href) throw new Error(`no library card is titled ${config.seedTitle}`);
  // The plain page: the same HTML Folio put on the screen, with the same style sheet, no script.
  await page.goto(new URL(href, config.siteUrl).href);
  await waitFor(page, 'seedPainted');
  const html = await page.evaluate(() => {
    const head = document.head.cloneNode(true);
    for (const node of head.querySelectorAll('script, link[rel=modulepreload], link[rel=preload]')) node.remove();
    return `<!doctype html>\n<html lang="en">${head.outerHTML}<body>${document.getElementById('folio').outerHTML}</body></html>\n`;
  });
  writeFileSync(path.join(config.siteDir, 'plain.html'), html);
  await context.close();
  return href;
}

/// Cold loads of the library, the seed article and the plain page, `config.runs` times,
/// in a rotated order (so that no page always follows the same other page), each in a new
/// browser context. Every list holds the time to the frame after the content reached the
/// DOM ("painted": that frame's animation frame) and, in `…Rendered`, to the end of that
/// frame's rendering (style, layout and paint done), when the text is visible: the target
/// is judged on that one, which counts each page's own layout alike.
/// `config.variants` ([{ name, path }], optional) adds the seed article of other builds
/// served by the same server under `path`, for A/B runs in the same conditions.
async function firstView(route) {
  const variants = config.variants ?? [];
  const kinds = ['library', 'seed', 'plain', ...variants.map((variant) => `seed@${variant.name}`)];
  const samples = { longTasks: [], plainLongTasks: [] };
  for (const kind of kinds) {
    samples[kind] = [];
    samples[`${kind}Rendered`] = [];
  }
  for (let run = 0; run < config.runs; run++) {
    const order = kinds.map((_, i) => kinds[(i + run) % kinds.length]);
    for (const kind of order) {
      const { context, page } = await coldPage();
      const variant = variants.find((v) => kind === `seed@${v.name}`);
      const url = kind === 'library' ? '#/' : kind === 'plain' ? 'plain.html' : variant ? `${variant.path}${route}` : route;
      const key = kind === 'library' ? 'library' : 'seed';
      const bench = await loadAndTime(page, new URL(url, config.siteUrl).href, key);
      samples[kind].push(bench[`${key}Painted`]);
      samples[`${kind}Rendered`].push(bench[`${key}Rendered`]);
      if (kind === 'seed' || kind === 'plain') {
        // Long tasks are reported after they end: give the page a moment.
        await page.waitForTimeout(100);
        const tasks = await page.evaluate(() => window.__bench.longTasks);
        const key = kind === 'seed' ? 'longTasks' : 'plainLongTasks';
        if (tasks && samples[key]) samples[key].push(...tasks);
        else samples[key] = null;
      }
      await context.close();
    }
  }
  return samples;
}

async function transferAndMemory(route) {
  const { context, page } = await coldPage();
  const files = [];
  page.on('response', async (response) => {
    try {
      const body = await response.body();
      const brotli = brotliCompressSync(body, {
        params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY },
      }).length;
      files.push({ url: new URL(response.url()).pathname, raw: body.length, brotli });
    } catch {
      // Redirects and aborted requests have no body.
    }
  });
  await page.goto(new URL('#/', config.siteUrl).href);
  await waitFor(page, 'libraryPainted');
  await page.evaluate((r) => (location.hash = r), route);
  await waitFor(page, 'seedPainted');
  await page.waitForTimeout(200);
  const memory = await page.evaluate(() =>
    window.__benchWasm ? window.__benchWasm.exports.memory.buffer.byteLength : null,
  );
  await context.close();
  files.sort((a, b) => a.url.localeCompare(b.url));
  return { files, memory };
}

/// The 1 MB comparison, measured the same way for every method:
/// - each method gets a fresh `<div class="article-body">` and its time covers everything
///   from the Markdown text to the finished DOM under that element;
/// - `detached`: the element is not in the document, so the time is rendering plus the
///   browser's HTML parse and tree building, without style and layout (the issue's
///   "innerHTML of 1.28 MB ≈ 36 ms" figure); the targets are judged on these figures;
/// - `layout`: the element is in the page, under the full style sheet, and the time ends
///   after a forced style and layout (`offsetHeight`), the cost a reader waits for;
/// - before each timed call, garbage from the previous one is collected (`gc()`, exposed
///   by `--js-flags=--expose-gc`) and the page is left idle for a frame, so no method pays
///   for another's garbage or pending style work; the methods run in a rotated order each round;
/// - the `layout` calls (no target, about 1 s each) run in the first `pipelineLayoutRuns`
///   rounds only, the others in all `pipelineRuns`;
/// - the ratios the targets judge are the median over the rounds of each round's ratio
///   ([`pairedRatio`]): a round times every method within a second or two, so its ratio
///   compares calls made under the same load from the machine's other jobs;
/// - beside the wall-clock time, each call's main-thread CPU time is read from the DevTools
///   protocol (`Performance.getMetrics`, `ThreadTime`, before and after the call, less the
///   cost of an empty call). It is steadier than the wall clock of a 100 ms task, which
///   swings by a factor of two here, but not steady: a call's CPU time still moves by ±25%
///   from one call to the next (this virtual machine's CPU is shared, up to half of it stolen).
async function pipeline() {
  const { context, page } = await coldPage();
  await page.goto(new URL('bench/bench.html', config.siteUrl).href);
  await page.waitForFunction(() => window.folioBench !== undefined, null, { timeout: 20_000 });
  const plan = await page.evaluate(async () => {
    const { bench_pipeline, bench_render_floor, bench_render_folio, marked } = window.folioBench;
    const text = await (await fetch('article-1mb.md')).text();
    // Each renderer gets the article in the form its API takes, prepared before any timing:
    // marked a string; Folio and the floor the file's UTF-8 bytes, which Folio parses
    // (see `src/web/bench.rs`: from a string, wasm-bindgen's glue would re-encode it
    // character by character on every call, a cost no article pays in the viewer).
    const bytes = new TextEncoder().encode(text);
    // The same article without its raw HTML fragments (<kbd>), so no island needs the sanitiser.
    const noRawHtml = new TextEncoder().encode(text.replace(/<\/?kbd>/g, ''));
    const inserting = {
      folio: (target) => bench_pipeline(target, bytes),
      folioNoRawHtml: (target) => bench_pipeline(target, noRawHtml),
      floor: (target) => {
        target.innerHTML = bench_render_floor(bytes);
      },
      marked: (target) => {
        target.innerHTML = marked.parse(text);
      },
    };
    const stringOnly = {
      folioRender: () => bench_render_folio(bytes),
      floorRender: () => bench_render_floor(bytes),
      markedRender: () => marked.parse(text),
    };
    const methods = {
      empty: [() => {}, 'string'],
      ...Object.fromEntries(Object.entries(inserting).map(([name, method]) => [name, [method, 'detached']])),
      ...Object.fromEntries(Object.entries(inserting).map(([name, method]) => [name + 'Layout', [method, 'layout']])),
      ...Object.fromEntries(Object.entries(stringOnly).map(([name, method]) => [name, [method, 'string']])),
    };
    const settle = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    let target = null;
    window.__pipeline = {
      bytes: bytes.length,
      gc: typeof window.gc === 'function',
      // Untimed: a fresh element, garbage collected, an idle frame.
      prepare: async (name) => {
        target = document.createElement('div');
        target.className = 'article-body';
        if (methods[name][1] === 'layout') document.body.append(target);
        if (typeof window.gc === 'function') window.gc();
        await settle();
      },
      run: (name) => {
        const [method, mode] = methods[name];
        const started = performance.now();
        method(target);
        if (mode === 'layout') void target.offsetHeight;
        const elapsed = performance.now() - started;
        target.remove();
        return elapsed;
      },
    };
    return Object.keys(methods);
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const threadMs = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    const thread = metrics.find((metric) => metric.name === 'ThreadTime');
    return thread ? thread.value * 1000 : null;
  };
  const times = Object.fromEntries(plan.map((name) => [name, []]));
  const cpu = Object.fromEntries(plan.map((name) => [name, []]));
  // One warm-up round, then the measured ones; each round starts one method later.
  const layoutRuns = Math.min(config.pipelineLayoutRuns ?? config.pipelineRuns, config.pipelineRuns);
  for (let round = 0; round <= config.pipelineRuns; round++) {
    const names = round <= layoutRuns ? plan : plan.filter((name) => !name.endsWith('Layout'));
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length];
      await page.evaluate((n) => window.__pipeline.prepare(n), name);
      const before = await threadMs();
      const elapsed = await page.evaluate((n) => window.__pipeline.run(n), name);
      const after = await threadMs();
      if (round > 0) {
        times[name].push(elapsed);
        if (before !== null && after !== null) cpu[name].push(after - before);
      }
    }
  }
  const { bytes, gc } = await page.evaluate(() => ({ bytes: window.__pipeline.bytes, gc: window.__pipeline.gc }));
  await context.close();
  // The empty call's CPU time is what reading the metrics and calling into the page cost:
  // each call's own CPU time is what it took beyond that.
  const overhead = cpu.empty.length ? median(cpu.empty) : 0;
  delete times.empty;
  const ownCpu = Object.fromEntries(
    Object.entries(cpu)
      .filter(([name, values]) => name !== 'empty' && values.length)
      .map(([name, values]) => [name, values.map((value) => Math.max(0, value - overhead))]),
  );
  const medians = Object.fromEntries(Object.entries(times).map(([name, values]) => [name, median(values)]));
  const cpuMs = Object.fromEntries(Object.entries(ownCpu).map(([name, values]) => [name, median(values)]));
  return { bytes, times, medians, cpuMs, ratios: pipelineRatios(times, medians, ownCpu), gc, layoutRuns };
}

/// The pipeline's ratios: median over the rounds of each round's ratio (the targets), and
/// the ratio of the medians, wall clock and CPU.
function pipelineRatios(times, medians, ownCpu) {
  const hasCpu = ['folio', 'floor', 'marked'].every((name) => ownCpu[name]?.length === times[name].length);
  return {
    floor: pairedRatio(times.folio, times.floor),
    marked: pairedRatio(times.marked, times.folio),
    floorOfMedians: medians.folio / medians.floor,
    markedOfMedians: medians.marked / medians.folio,
    cpuFloor: hasCpu ? pairedRatio(ownCpu.folio, ownCpu.floor) : null,
    cpuMarked: hasCpu ? pairedRatio(ownCpu.marked, ownCpu.folio) : null,
  };
}

/// The pipeline section of the report.
function pipelineLines(pipe) {
  const t = pipe.medians;
  const lines = [];
  lines.push(`### Pipeline on a 1 MB article (${(pipe.bytes / 2 ** 20).toFixed(2)} MB of Markdown, median of ${config.pipelineRuns} rounds; with layout, of ${pipe.layoutRuns})`, '');
  lines.push('Each method turns the Markdown text into DOM nodes under a fresh element.');
  lines.push('Each gets the article in the form its API takes, made before any timing: Folio and the floor the file\'s UTF-8 bytes (a `Uint8Array`, copied into the wasm by the call), marked a string.');
  lines.push('"Into a detached element" ends when the nodes are built (render, HTML parse, tree building; no style or layout): the targets above use these figures.');
  lines.push('"In the page, with style and layout" appends the element to the page under the full style sheet and ends after a forced layout (`offsetHeight`).');
  lines.push(`Garbage is collected before every timed call${pipe.gc ? '' : ' (not available in this run: `gc()` was missing)'}, and the order of the methods rotates each round.`);
  lines.push('"Main-thread CPU" is the CPU time of the page\'s main thread over the same detached calls (DevTools `ThreadTime`, median): steadier than wall-clock time when other jobs share the machine.', '');
  const c = pipe.cpuMs || {};
  lines.push('| Method | Into a detached element | In the page, with style and layout | Main-thread CPU, detached |', '| --- | --- | --- | --- |');
  lines.push(`| Folio: parse, render, sanitise the raw islands, insert | ${fixed(t.folio)} ms | ${fixed(t.folioLayout)} ms | ${fixed(c.folio)} ms |`);
  lines.push(`| Folio on the same text without its \`<kbd>\` fragments (no island) | ${fixed(t.folioNoRawHtml)} ms | ${fixed(t.folioNoRawHtmlLayout)} ms | ${fixed(c.folioNoRawHtml)} ms |`);
  lines.push(`| Floor: pulldown-cmark push_html + innerHTML (same wasm) | ${fixed(t.floor)} ms | ${fixed(t.floorLayout)} ms | ${fixed(c.floor)} ms |`);
  lines.push(`| marked + innerHTML | ${fixed(t.marked)} ms | ${fixed(t.markedLayout)} ms | ${fixed(c.marked)} ms |`);
  lines.push(`| Folio's parse and render alone (string, islands unsanitised) | ${fixed(t.folioRender)} ms | | ${fixed(c.folioRender)} ms |`);
  lines.push(`| pulldown-cmark push_html alone (string) | ${fixed(t.floorRender)} ms | | ${fixed(c.floorRender)} ms |`);
  lines.push(`| marked alone (string) | ${fixed(t.markedRender)} ms | | ${fixed(c.markedRender)} ms |`);
  lines.push('');
  const r = pipe.ratios;
  lines.push(`The targets take the median over the rounds of each round's ratio (wall clock): Folio ${fixed(r.floor, 2)}× the floor, marked + innerHTML ${fixed(r.marked, 2)}× Folio's time. The ratios of the medians above: ${fixed(r.floorOfMedians, 2)}× and ${fixed(r.markedOfMedians, 2)}×.`);
  if (r.cpuFloor !== null) {
    lines.push(`In main-thread CPU time, the same rounds' ratios: Folio ${fixed(r.cpuFloor, 2)}× the floor, marked + innerHTML ${fixed(r.cpuMarked, 2)}× Folio's time.`);
  }
  lines.push('');
  return lines;
}

/// (e) Every corpus of config.search, in the browser.
async function searchFigures() {
  const { queriesFile, corpora, passes } = config.search;
  const queries = readQueries(queriesFile);
  const results = [];
  for (const corpus of corpora) {
    const started = Date.now();
    const base = new URL(`${corpus.folder}/`, config.siteUrl).href;
    results.push({ ...corpus, browser: await searchCorpus(browser, { base, queries, startupRuns: corpus.startupRuns, buildRuns: corpus.buildRuns, passes }) });
    console.error(`bench: search, ${corpus.name} articles: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return { queries, corpora: results };
}

/// (f) Long tasks in the running viewer: opening the seed article, and typing with the
/// bundled articles and with each corpus.
async function interactionFigures() {
  const { corpora, typed, typingDelayMs, longTaskRuns: runs } = config.search;
  const started = Date.now();
  const home = new URL('#/', config.siteUrl).href;
  const open = await openArticle(browser, { url: home, title: config.seedTitle, text: config.seedText, runs });
  const typing = [{ name: 'bundled articles', figures: await typeQuery(browser, { url: home, typed, delayMs: typingDelayMs, runs }) }];
  for (const corpus of corpora.filter((c) => c.typing)) {
    const url = new URL(`${corpus.folder}/#/`, config.siteUrl).href;
    typing.push({ name: `${corpus.name} articles`, figures: await typeQuery(browser, { url, typed, delayMs: typingDelayMs, runs }) });
  }
  console.error(`bench: long tasks while opening an article and typing: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { open, typing, typed, runs, typingDelayMs };
}

function fixed(value, digits = 1) {
  return value === null || value === undefined ? 'n/a' : value.toFixed(digits);
}

function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

async function main() {
  browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
  const browserVersion = browser.version();
  if (config.only === 'pipeline') {
    // `"only": "pipeline"` in CONFIG: just the 1 MB comparison, for working on the pipeline.
    const pipe = await pipeline();
    await browser.close();
    console.log(pipelineLines(pipe).join('\n'));
    const r = pipe.ratios;
    console.log(`folio / floor ${fixed(r.floor, 2)}×, marked / folio ${fixed(r.marked, 2)}× (medians of the rounds' ratios, wall clock)`);
    clearTimeout(watchdog);
    return;
  }
  const route = await seedRoute();
  const views = await firstView(route);
  if (config.only === 'firstview') {
    // `"only": "firstview"` in CONFIG: just the cold first views, for working on startup.
    await browser.close();
    const kinds = ['library', 'seed', 'plain', ...(config.variants ?? []).map((variant) => `seed@${variant.name}`)];
    for (const suffix of ['', 'Rendered']) {
      console.log(suffix ? 'To the end of that frame\'s rendering:' : 'To the frame after the content reached the DOM:');
      for (const kind of kinds) {
        const times = views[kind + suffix];
        console.log(`  ${kind}: median ${fixed(median(times))} ms, min ${fixed(Math.min(...times))}, max ${fixed(Math.max(...times))}`);
      }
      for (const kind of kinds.filter((k) => k.startsWith('seed'))) {
        const [a, b] = [views[kind + suffix], views['plain' + suffix]];
        console.log(`  ${kind} / plain ${fixed(median(a) / median(b), 2)}× (median of the rounds' ratios ${fixed(pairedRatio(a, b), 2)}×)`);
      }
    }
    clearTimeout(watchdog);
    return;
  }
  const { files, memory } = await transferAndMemory(route);
  const pipe = await pipeline();
  const search = await searchFigures();
  const interactions = await interactionFigures();
  await browser.close();
  browser = undefined;

  const m = (list) => median(list);
  // "Visible" is judged at the end of the frame's rendering, which counts each page's own
  // style, layout and paint alike; the frame's start is printed beside it.
  const seedRatio = m(views.seedRendered) / m(views.plainRendered);
  const seedFrameRatio = m(views.seed) / m(views.plain);
  const t = pipe.medians;
  const { floor: floorRatio, marked: markedRatio } = pipe.ratios;
  const maxLongTask = views.longTasks === null ? null : Math.max(0, ...views.longTasks);
  const firstViewFiles = files.filter((f) => !f.url.endsWith('.md'));
  const total = firstViewFiles.reduce((a, f) => ({ raw: a.raw + f.raw, brotli: a.brotli + f.brotli }), { raw: 0, brotli: 0 });
  const native = readFileSync(config.nativeFile, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));

  const searchRows = searchTargets(search, native);
  const longTaskRows = interactionTargets(interactions);
  const broken = native.filter((row) => row.budget_ms !== undefined);
  const worstBroken = broken.reduce((worst, row) => (!worst || row.median_ms / row.budget_ms > worst.median_ms / worst.budget_ms ? row : worst), null);
  const targets = [
    ['Seed article visible (frame rendered) vs plain static page', `${fixed(m(views.seedRendered))} ms vs ${fixed(m(views.plainRendered))} ms (to the frame's start: ${fixed(m(views.seed))} vs ${fixed(m(views.plain))} ms, ${fixed(seedFrameRatio, 2)}×)`, `${fixed(seedRatio, 2)}×`, '≤ 2×', seedRatio <= 2],
    ['Pipeline (1 MB) vs floor (median of the rounds\' ratios)', `${fixed(t.folio)} ms vs ${fixed(t.floor)} ms`, `${fixed(floorRatio, 2)}×`, '≤ 1.3×', floorRatio <= 1.3],
    ['marked + innerHTML vs pipeline (1 MB, median of the rounds\' ratios)', `${fixed(t.marked)} ms vs ${fixed(t.folio)} ms`, `${fixed(markedRatio, 2)}× faster`, '≥ 2× faster', markedRatio >= 2],
    ['First view, brotli (as loaded, articles included)', kb(total.brotli), `${fixed(total.brotli / (120 * 1024), 2)}× the budget`, '≤ 120 KB', total.brotli <= 120 * 1024],
    ...(worstBroken ? [['Broken inputs: slowest parse + render against its budget', `${worstBroken.input}: ${fixed(worstBroken.median_ms)} ms vs ${fixed(worstBroken.budget_ms)} ms`, `${fixed(worstBroken.median_ms / worstBroken.budget_ms, 2)}× the budget`, '≤ 1× (20 MB/s, at most 100 ms when small)', worstBroken.median_ms <= worstBroken.budget_ms]] : []),
    ...searchRows,
    ...longTaskRows,
  ];

  const lines = [];
  lines.push('## Latest run', '');
  lines.push('Written by `cargo xtask bench`; every ratio compares figures measured in the same run.', '');
  lines.push(`- Date: ${new Date().toISOString()}`);
  lines.push(`- Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} logical cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.type()} ${os.release()} (shared with other jobs: figures are noisy)`);
  lines.push(`- Browser: headless Chromium ${browserVersion} (playwright-core), Node ${process.version}`);
  lines.push('- Command: `cargo xtask bench`', '');
  lines.push('### Targets', '', '| What | Measured | Ratio | Target | Met |', '| --- | --- | --- | --- | --- |');
  for (const [what, measured, ratio, target, met] of targets) lines.push(`| ${what} | ${measured} | ${ratio} | ${target} | ${met ? 'yes' : 'no'} |`);
  lines.push('');
  lines.push(`### First view (cold cache, median of ${config.runs})`, '');
  lines.push('Navigation start to the frame after the content reached the DOM (its animation frame), each page in a new browser context, the pages in a rotated order each round; "rendered" is the end of that frame\'s style, layout and paint.', '');
  lines.push('| Page | Median | Min | Max | Median, rendered |', '| --- | --- | --- | --- | --- |');
  for (const [name, kind] of [['Folio library (`#/`)', 'library'], ['Folio seed article', 'seed'], ['Plain static page, same article HTML', 'plain']]) {
    const list = views[kind];
    lines.push(`| ${name} | ${fixed(m(list))} ms | ${fixed(Math.min(...list))} ms | ${fixed(Math.max(...list))} ms | ${fixed(m(views[`${kind}Rendered`]))} ms |`);
  }
  lines.push('');
  lines.push(`Seed against plain, median of the rounds' ratios: ${fixed(pairedRatio(views.seed, views.plain), 2)}× to the frame, ${fixed(pairedRatio(views.seedRendered, views.plainRendered), 2)}× rendered.`, '');
  lines.push(...pipelineLines(pipe));
  lines.push('### Transfer (seed article page, cold)', '');
  lines.push('| File | Raw | Brotli |', '| --- | --- | --- |');
  for (const file of files) lines.push(`| \`${file.url}\` | ${kb(file.raw)} | ${kb(file.brotli)} |`);
  lines.push(`| Total | ${kb(total.raw)} | ${kb(total.brotli)} |`, '');
  lines.push('### Memory and long tasks', '');
  lines.push(`- wasm linear memory after the library and the seed article: ${memory === null ? 'n/a' : kb(memory)}`);
  lines.push(`- Long tasks (> 50 ms) during a cold load of the seed article (wasm compile, first paint), over ${config.runs} cold loads: ${views.longTasks === null ? 'n/a' : `${views.longTasks.length}, longest ${fixed(maxLongTask)} ms`}`);
  const plainTasks = views.plainLongTasks;
  lines.push(`- During a cold load of the plain static page, over as many loads: ${plainTasks === null ? 'n/a' : `${plainTasks.length}, longest ${fixed(Math.max(0, ...plainTasks))} ms`}`, '');
  lines.push(...interactionReport(interactions));
  lines.push(...searchReport(search, native));
  lines.push('### Native (release build of the core, median)', '');
  lines.push('| Input | Step | Size | Median | Runs |', '| --- | --- | --- | --- | --- |');
  for (const row of native.filter((r) => r.corpus === undefined)) lines.push(`| ${row.input} | ${row.step} | ${kb(row.bytes)} | ${row.median_ms.toFixed(3)} ms${row.budget_ms === undefined ? '' : ` (budget ${fixed(row.budget_ms)} ms)`} | ${row.runs} |`);
  lines.push('');
  const report = lines.join('\n');
  writeFileSync(config.reportFile, report);
  console.log(report);
  clearTimeout(watchdog);
}

main().catch(async (error) => {
  console.error(`bench: ${error && error.stack ? error.stack : error}`);
  if (browser) await browser.close().catch(() => {});
  process.exit(1);
});
