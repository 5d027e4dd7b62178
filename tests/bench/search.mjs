// Search benchmark in headless Chromium, on the site as built (release).
//
// Usage:
//   cargo xtask gen-corpus 1000 && cargo xtask build --articles target/corpus-1000
//   node tests/bench/search.mjs [--www DIR] [--runs N] [--json]
//
// It serves DIR (default www/, the site `cargo xtask build` wrote) on a free local port
// and measures, in a fresh page each run:
// - startup: from the wasm module's instantiation to the library on the page, and to the
//   library with search ready (the index built and the facets shown: `data-search-ready`);
// - catalog: the first `articles()` call of a second, fresh instance of the module;
// - index build: that instance's first `search()` call (the catalog is already built);
// - queries: p50/p95/max over the fixed mix of tests/search.rs (`query_mix`: every word
//   typed key by key, as a phrase, with a typo, and with facet filters; 200 or so queries),
//   each run three times keeping the fastest, like the native bench.
// It prints one line per figure (or JSON with --json). Playwright-core comes from
// tests/e2e/node_modules (`npm ci` there); Chromium from FOLIO_CHROMIUM or /usr/bin/chromium.

import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.resolve(here, '../e2e/package.json'));
const { chromium } = require('playwright-core');

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const wwwDir = path.resolve(option('--www', path.resolve(here, '../../www')));
const runs = Number(option('--runs', '3'));
const asJson = args.includes('--json');

/// The slug of articles/000_f2e18ad958418c56.txt.
const SEED_SLUG = '000-f2e18ad958418c56';

const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/// A static server for the built site, on a free port.
async function serve(root) {
  const server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url, 'http://localhost');
      let file = path.join(root, decodeURIComponent(url.pathname));
      if (!file.startsWith(root)) throw new Error('outside');
      if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

/// The query mix of tests/search.rs (`query_mix`), as SearchOptions objects.
function queryMix() {
  const words = [
    'minister', 'strategic partnership', 'climate', 'economy', 'the', 'government report',
    'semiconductor', 'vaccine', 'pandemic hospital', 'election', 'café', 'zurich', 'covid-19',
    'e-mail', '北京', '経済', 'ニュース', 'renewable energy', 'tournament', 'long-term',
  ];
  const mix = [];
  words.forEach((word, i) => {
    let typed = '';
    for (const c of Array.from(word)) {
      typed += c;
      mix.push([typed, {}]);
    }
    mix.push([`"${word}"`, {}]);
    mix.push([Array.from(word).filter((_, k) => k !== 2).join(''), { sort: 'relevance' }]);
    mix.push([word, { tags: ['politics'], years: [2016 + (i % 8)] }]);
  });
  mix.push(['', {}]);
  mix.push(['', { tags: ['science'] }]);
  return mix;
}

const percentile = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN;
const median = (values) => percentile([...values].sort((a, b) => a - b), 0.5);

/// One fresh page: startup figures, then a second module instance for catalog, index and queries.
async function measure(browser, siteUrl, mix) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.addInitScript(() => {
    const mark = (promise) =>
      promise.then((result) => {
        window.__benchInstantiated ??= performance.now();
        return result;
      });
    const streaming = WebAssembly.instantiateStreaming;
    const plain = WebAssembly.instantiate;
    WebAssembly.instantiateStreaming = (...a) => mark(streaming.apply(WebAssembly, a));
    WebAssembly.instantiate = (...a) => mark(plain.apply(WebAssembly, a));
    new MutationObserver(() => {
      if (window.__benchLibrary === undefined && document.querySelector('.card')) {
        window.__benchLibrary = performance.now();
      }
      if (window.__benchReady === undefined && document.querySelector('.search-form[data-search-ready]')) {
        window.__benchReady = performance.now();
      }
    }).observe(document, { subtree: true, childList: true, attributes: true });
  });
  await page.goto(siteUrl);
  await page.waitForFunction(() => window.__benchReady !== undefined, null, { timeout: 120_000 });
  const startup = await page.evaluate(() => ({
    library: window.__benchLibrary - window.__benchInstantiated,
    ready: window.__benchReady - window.__benchInstantiated,
    articles: document.querySelectorAll('.card').length,
  }));

  const inner = await page.evaluate(async ({ mix, seedSlug }) => {
    // A second instance of the module: the page's own keeps its index, and this one must
    // not mount a second viewer (its start function looks for #folio).
    document.getElementById('folio').id = 'folio-measured';
    const module = await import(new URL('pkg/folio.js?bench', location.href).href);
    await module.default();
    let t = performance.now();
    const count = module.articles().length;
    const catalog = performance.now() - t;
    t = performance.now();
    module.search('', { limit: 1 });
    const index = performance.now() - t;
    const times = [];
    let hits = 0;
    for (const [query, options] of mix) {
      let best = Infinity;
      for (let k = 0; k < 3; k++) {
        const started = performance.now();
        const results = module.search(query, options);
        best = Math.min(best, performance.now() - started);
        hits += results.hits.length;
      }
      times.push(best);
    }
    // The seed article is in the corpus only when the bundle includes articles/.
    const seedPresent = module.articles().some((a) => a.slug === seedSlug);
    const first = module.search('strategic partnership', { sort: 'relevance', limit: 1 }).hits[0]?.slug;
    const typo = module.search('partnershp', { sort: 'relevance', limit: 50 }).hits.some((h) => h.slug === seedSlug);
    return { count, catalog, index, times, hits, seedPresent, seedFirst: first === seedSlug, typo };
  }, { mix, seedSlug: SEED_SLUG });
  await context.close();
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  return { startup, ...inner };
}

const { server, url } = await serve(wwwDir);
const browser = await chromium.launch({
  executablePath: process.env.FOLIO_CHROMIUM || '/usr/bin/chromium',
  args: CHROMIUM_ARGS,
});
try {
  const mix = queryMix();
  const results = [];
  for (let run = 0; run < runs; run++) results.push(await measure(browser, url, mix));
  const times = results.flatMap((r) => r.times).sort((a, b) => a - b);
  // Per query, the fastest of all runs, as the native bench keeps the fastest of three.
  const best = mix.map((_, i) => Math.min(...results.map((r) => r.times[i]))).sort((a, b) => a - b);
  const summary = {
    articles: results[0].count,
    queries: mix.length,
    runs,
    startup_library_ms: median(results.map((r) => r.startup.library)),
    startup_search_ready_ms: median(results.map((r) => r.startup.ready)),
    catalog_ms: median(results.map((r) => r.catalog)),
    index_build_ms: median(results.map((r) => r.index)),
    query_p50_ms: percentile(best, 0.5),
    query_p95_ms: percentile(best, 0.95),
    query_max_ms: best[best.length - 1],
    query_p95_all_runs_ms: percentile(times, 0.95),
    seed_present: results[0].seedPresent,
    seed_first: results.every((r) => r.seedFirst),
    typo_finds_seed: results.every((r) => r.typo),
    browser: browser.version(),
  };
  if (asJson) {
    console.log(JSON.stringify(summary));
  } else {
    const f = (ms) => `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
    console.log(`search bench (Chromium ${summary.browser}): ${summary.articles} articles, ${summary.queries} queries, median of ${runs} runs`);
    console.log(`  wasm instantiated -> library shown: ${f(summary.startup_library_ms)}; -> search ready: ${f(summary.startup_search_ready_ms)}`);
    console.log(`  catalog (first articles()): ${f(summary.catalog_ms)}; index build (first search()): ${f(summary.index_build_ms)}`);
    console.log(`  query latency p50 ${f(summary.query_p50_ms)}, p95 ${f(summary.query_p95_ms)}, max ${f(summary.query_max_ms)} (p95 over every run: ${f(summary.query_p95_all_runs_ms)})`);
    if (summary.seed_present) {
      console.log(`  seed article first for "strategic partnership": ${summary.seed_first}; found through "partnershp": ${summary.typo_finds_seed}`);
    } else {
      console.log('  (the seed article is not in this bundle: no seed checks)');
    }
  }
} finally {
  await browser.close();
  server.close();
}
