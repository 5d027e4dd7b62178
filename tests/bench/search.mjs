// Search figures of issue 4 in headless Chromium, for bench.mjs (run by `cargo xtask bench`).
//
// Each corpus is a folder of the served scratch site holding the site's pages and the bench
// build of Folio (cargo feature `bench`) with that corpus bundled, built once per bench run
// by xtask/src/bench.rs. For each corpus:
// - startup, in the viewer itself (index.html), cold, in a new browser context per run: from
//   the wasm module's instantiation to the frame after the library's first card reached the
//   DOM, and to the frame after the search box said it was ready (`data-search-ready`: index
//   built or loaded, facets shown). Observed from the page, so it holds whichever way the
//   viewer gets its index;
// - in search.html (the same module, no viewer mounted): `bench_search_build` (src/web/bench.rs)
//   gathers the bundled catalog's documents (their text as build.rs extracted it), timed once,
//   then builds their index at run time and reports each build's time and the index's memory,
//   as benches/native.rs times the build natively (from documents it extracted, also timed apart); then the first `search()` call (which builds or loads the index the
//   public API uses), and the query set through `search()`, the public API, with the search
//   box's options (relevance, 20 hits): one warm-up pass, then `passes` passes over the whole
//   set; a query's latency is the median of its passes, results serialised to JS included.
//
// queries.txt is the committed query set; benches/native.rs reads the same file.
import { readFileSync } from 'node:fs';

/// The committed queries: `{ kind, query }` for each line that is not blank or a `#` comment.
export function readQueries(file) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'))
    .map((line) => {
      const space = line.indexOf(' ');
      return { kind: line.slice(0, space), query: line.slice(space + 1) };
    });
}

/// Nearest rank, as benches/native.rs computes it.
export function percentile(sorted, p) {
  return sorted.length ? sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] : NaN;
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : NaN;
}

/// `{ count, p50_ms, p95_ms, max_ms }` of query times, the shape of the native figures.
export function latency(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return { count: sorted.length, p50_ms: percentile(sorted, 0.5), p95_ms: percentile(sorted, 0.95), max_ms: sorted[sorted.length - 1] };
}

/// Runs in the viewer's page before its scripts: when the wasm instance exists, when the
/// library's first card and the ready search box reach the DOM, and the frame after each.
function instrumentStartup() {
  const marks = (window.__searchBench = {});
  const mark = (key) => {
    if (marks[key] !== undefined) return;
    marks[key] = performance.now();
    requestAnimationFrame(() => {
      marks[key + 'Painted'] = performance.now();
    });
  };
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const original = WebAssembly[name];
    WebAssembly[name] = async function (...args) {
      const result = await original.apply(this, args);
      if (marks.instantiated === undefined) marks.instantiated = performance.now();
      window.__searchBenchWasm = result.instance || result;
      return result;
    };
  }
  new MutationObserver(() => {
    if (document.querySelector('.library .card')) mark('library');
    if (document.querySelector('.search-form[data-search-ready]')) mark('ready');
  }).observe(document, { childList: true, subtree: true, attributes: true });
}

async function startupRun(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: 'reduce' });
  await context.addInitScript(instrumentStartup);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  // A file the viewer asks for and does not get (its style sheet, say) would skew the figures.
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`HTTP ${response.status()} for ${response.url()}`);
  });
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.__searchBench && window.__searchBench.readyPainted !== undefined, null, {
      timeout: 120_000,
      polling: 10,
    });
    return await page.evaluate(() => {
      const m = window.__searchBench;
      return {
        library: m.libraryPainted - m.instantiated,
        ready: m.readyPainted - m.instantiated,
        cards: document.querySelectorAll('.library .card').length,
        memory: window.__searchBenchWasm ? window.__searchBenchWasm.exports.memory.buffer.byteLength : null,
      };
    });
  } finally {
    await context.close();
    if (errors.length) throw new Error(`${url}: page errors: ${errors.join('; ')}`);
  }
}

async function measureInPage(browser, url, queries, { buildRuns, passes }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    await page.goto(url);
    await page.waitForFunction(() => window.folioSearch !== undefined, null, { timeout: 120_000 });
    return await page.evaluate(
      ({ queries, buildRuns, passes }) => {
        const { folio, memory } = window.folioSearch;
        const memoryAtLoad = memory.buffer.byteLength;
        const build = folio.bench_search_build(buildRuns);
        let started = performance.now();
        folio.search('', { limit: 1 });
        const firstSearch = performance.now() - started;
        const options = { sort: 'relevance', limit: 20 };
        const samples = queries.map(() => []);
        const totals = queries.map(() => 0);
        for (let pass = 0; pass <= passes; pass++) {
          queries.forEach(({ query }, i) => {
            started = performance.now();
            const results = folio.search(query, options);
            const elapsed = performance.now() - started;
            if (pass > 0) samples[i].push(elapsed);
            totals[i] = results.total;
          });
        }
        return { build, firstSearch, samples, totals, memoryAtLoad, memoryAfter: memory.buffer.byteLength };
      },
      { queries, buildRuns, passes },
    );
  } finally {
    await context.close();
    if (errors.length) throw new Error(`${url}: page errors: ${errors.join('; ')}`);
  }
}

/// Every figure of one corpus; `base` is the URL of its folder (ending in `/`).
export async function searchCorpus(browser, { base, queries, startupRuns, buildRuns, passes }) {
  const startup = [];
  for (let run = 0; run < startupRuns; run++) startup.push(await startupRun(browser, new URL('#/', base).href));
  const inPage = await measureInPage(browser, new URL('search.html', base).href, queries, { buildRuns, passes });
  const medians = inPage.samples.map(median);
  const kinds = {};
  queries.forEach(({ kind }, i) => {
    const entry = (kinds[kind] ??= { times: [], withoutHits: 0 });
    entry.times.push(medians[i]);
    if (inPage.totals[i] === 0) entry.withoutHits += 1;
  });
  const surprises = queries.filter(({ kind }, i) => (kind === 'none') !== (inPage.totals[i] === 0)).map(({ query }) => query);
  const slowest = queries
    .map(({ query }, i) => ({ query, ms: medians[i] }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5);
  return {
    startup: {
      runs: startupRuns,
      library_ms: median(startup.map((s) => s.library)),
      ready_ms: median(startup.map((s) => s.ready)),
      ready_min_ms: Math.min(...startup.map((s) => s.ready)),
      ready_max_ms: Math.max(...startup.map((s) => s.ready)),
      cards: startup[0].cards,
      memory_bytes: startup[0].memory,
    },
    articles: inPage.build.articles,
    indexed: inPage.build.indexed,
    terms: inPage.build.terms,
    memory_bytes: inPage.build.memory_bytes,
    catalog_ms: inPage.build.catalog_ms,
    documents_ms: inPage.build.documents_ms,
    build_ms: median(inPage.build.build_ms),
    build_runs: inPage.build.build_ms.length,
    first_search_ms: inPage.firstSearch,
    wasm_memory_at_load: inPage.memoryAtLoad,
    wasm_memory_after: inPage.memoryAfter,
    passes,
    queries: latency(medians),
    kinds: Object.fromEntries(Object.entries(kinds).map(([kind, { times, withoutHits }]) => [kind, { ...latency(times), without_hits: withoutHits }])),
    slowest,
    surprises,
  };
}

const fixed = (value, digits = 1) => (value === null || value === undefined || Number.isNaN(value) ? 'n/a' : value.toFixed(digits));
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const count = (n) => n.toLocaleString('en-US');

/// The native figures of a corpus (benches/native.rs prints one JSON line per corpus folder).
function nativeOf(native, corpus) {
  return native.find((row) => row.corpus === corpus.folder);
}

/// Rows of the targets table: issue 4's targets, each beside its figure.
/// `[what, measured, ratio, target, met]`, as bench.mjs lists them.
export function searchTargets(search, native) {
  const rows = [];
  const large = search.corpora.find((c) => c.articles === 10_000);
  const small = search.corpora.find((c) => c.articles === 1_000);
  if (large) {
    const b = large.browser;
    const n = nativeOf(native, large);
    const p95 = b.queries.p95_ms;
    rows.push([`Search, 10,000 articles: query latency p95 in the browser (200 queries)`, `${fixed(p95, 2)} ms (native ${fixed(n?.queries.p95_ms, 2)} ms)`, `${fixed(p95 / 5, 2)}× the limit`, '< 5 ms', p95 < 5]);
    rows.push([`Search, 10,000 articles: index build in the browser (at run time, from the extracted text)`, `${fixed(b.build_ms, 0)} ms (native ${fixed(n?.build_ms, 0)} ms)`, `${fixed(b.build_ms / 1000, 2)}× the limit`, '< 1 s', b.build_ms < 1000]);
    if (n) rows.push([`Search, 10,000 articles: index build, native (from the extracted text)`, `${fixed(n.build_ms, 0)} ms (parsing the articles and extracting their text, apart: ${fixed(n.documents_ms, 0)} ms)`, `${fixed(n.build_ms / 1000, 2)}× the limit`, '< 1 s', n.build_ms < 1000]);
    rows.push([`Search, 10,000 articles: index memory vs corpus text`, `${mb(b.memory_bytes)} vs ${mb(large.corpusBytes)}`, `${fixed(b.memory_bytes / large.corpusBytes, 2)}×`, '≤ 1×', b.memory_bytes <= large.corpusBytes]);
  }
  if (small) {
    const ready = small.browser.startup.ready_ms;
    rows.push([`Search, 1,000 articles: library painted with search ready, after wasm instantiation`, `${fixed(ready)} ms`, `${fixed(ready / 100, 2)}× the limit`, '≤ 100 ms', ready <= 100]);
  }
  return rows;
}

/// The report's search section: every corpus natively and in the browser, then by kind of query.
export function searchReport(search, native) {
  const lines = ['### Search (issue 4)', ''];
  const kinds = [...new Set(search.queries.map((q) => q.kind))];
  const perKind = kinds.map((kind) => `${kind} ${search.queries.filter((q) => q.kind === kind).length}`).join(', ');
  lines.push(
    `Corpora of \`cargo xtask gen-corpus N\` (seed 4), each bundled into a release build with the \`bench\` feature (wasm-opt skipped: see below).`,
    `Queries: the ${search.queries.length} of \`tests/bench/queries.txt\` (${perKind}), run as the search box runs them (relevance, 20 hits with snippets); a query's time is the median of ${search.corpora[0]?.browser.passes ?? 'n/a'} passes over the whole set after a warm-up pass; p50 and p95 are over the queries.`,
    'Index build is `SearchIndex::from_documents` on the documents of the listed articles, their text already extracted, median of its runs: in the browser through `bench_search_build`, at run time, on the bundled catalog (its text as `build.rs` extracted it), and natively on the same documents.',
    'Getting those documents is timed once, apart ("documents"): natively, each article is parsed again from its file and its text extracted; in the browser, the catalog\'s prepared text is gathered and the headings read from the Markdown.',
    'Queries go through the public `search()` in the browser, results converted to JS objects included.',
    'Search ready: from the wasm instance to the frame after the search box is marked ready (index built or loaded, facets shown), observed in the viewer itself, cold, median of the runs.',
    '',
  );
  lines.push('| Corpus | Where | Articles (indexed) | Corpus text (plain) | Index memory | Memory / text | Index build | Query p50 | Query p95 | Query max |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const corpus of search.corpora) {
    const b = corpus.browser;
    const n = nativeOf(native, corpus);
    if (n) lines.push(`| ${corpus.name} | native | ${count(n.articles)} (${count(n.indexed)}) | ${mb(n.corpus_bytes)} (${mb(n.text_bytes)}) | ${mb(n.memory_bytes)} | ${fixed(n.memory_bytes / n.corpus_bytes, 2)}× | ${fixed(n.build_ms, 0)} ms (documents ${fixed(n.documents_ms, 0)} ms) | ${fixed(n.queries.p50_ms, 2)} ms | ${fixed(n.queries.p95_ms, 2)} ms | ${fixed(n.queries.max_ms, 2)} ms |`);
    lines.push(`| ${corpus.name} | Chromium | ${count(b.articles)} (${count(b.indexed)}) | ${mb(corpus.corpusBytes)} | ${mb(b.memory_bytes)} | ${fixed(b.memory_bytes / corpus.corpusBytes, 2)}× | ${fixed(b.build_ms, 0)} ms (documents ${fixed(b.documents_ms, 0)} ms) | ${fixed(b.queries.p50_ms, 2)} ms | ${fixed(b.queries.p95_ms, 2)} ms | ${fixed(b.queries.max_ms, 2)} ms |`);
  }
  lines.push('');
  lines.push('| Corpus | Library painted after instantiation | Search ready after instantiation (min–max) | Runs | First `search()` call | wasm memory: loaded, then after the builds and queries |', '| --- | --- | --- | --- | --- | --- |');
  for (const corpus of search.corpora) {
    const s = corpus.browser.startup;
    lines.push(`| ${corpus.name} | ${fixed(s.library_ms)} ms | ${fixed(s.ready_ms)} ms (${fixed(s.ready_min_ms)}–${fixed(s.ready_max_ms)} ms) | ${s.runs} | ${fixed(corpus.browser.first_search_ms)} ms | ${mb(corpus.browser.wasm_memory_at_load)}, ${mb(corpus.browser.wasm_memory_after)} |`);
  }
  lines.push('');
  const header = search.corpora.flatMap((c) => [`${c.name} native`, `${c.name} Chromium`]);
  lines.push(`| Kind | Queries | ${header.map((h) => `${h} p50 / p95`).join(' | ')} |`, `| --- | --- | ${header.map(() => '---').join(' | ')} |`);
  for (const kind of kinds) {
    const cells = search.corpora.flatMap((c) => {
      const n = nativeOf(native, c)?.kinds[kind];
      const b = c.browser.kinds[kind];
      const cell = (k) => (k ? `${fixed(k.p50_ms, 2)} / ${fixed(k.p95_ms, 2)} ms` : 'n/a');
      return [cell(n), cell(b)];
    });
    lines.push(`| ${kind} | ${search.queries.filter((q) => q.kind === kind).length} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  for (const corpus of search.corpora) {
    const b = corpus.browser;
    const n = nativeOf(native, corpus);
    lines.push(`- ${corpus.name} articles, slowest queries in the browser: ${b.slowest.map((q) => `\`${q.query}\` ${fixed(q.ms, 1)} ms`).join(', ')}.`);
    const surprises = [...new Set([...(b.surprises ?? []), ...(n?.surprises ?? [])])];
    lines.push(`  Queries whose outcome belies their kind (a no-hit query that found something, or another that found nothing): ${surprises.length ? surprises.map((q) => `\`${q}\``).join(', ') : 'none'}.`);
  }
  lines.push('');
  return lines;
}
