// What the browser scripts share: how Chromium is started, how a page's problems are
// recorded, and how a list of checks runs. Used by e2e.mjs and reading.mjs, and for the
// flags by tests/bench/bench.mjs; it imports nothing, so any of their packages can load it.

/// Headless Chromium as this machine runs it: as root, without a GPU, and quiet, since
/// Chromium's own outbound traffic is refused on CI machines.
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  // Headless Chromium 156 builds the omnibox's WebUI popup (hundreds of chrome:// modules,
  // about a second of CPU in a renderer of its own) for every new browser context, so for
  // every cold load the benchmarks time, competing with the page on a two-core machine.
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup',
];

/// The Debian package's Chromium unless `FOLIO_CHROMIUM` names another.
export const executablePath = process.env.FOLIO_CHROMIUM || '/usr/bin/chromium';

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/// Playwright's messages carry terminal colours; the log should not.
export function plain(text) {
  return String(text).replace(/\u001b\[[0-9;]*m/g, '');
}

/// Exits the process after `ms` whatever happens, so Chromium never outlives a test.
export function startWatchdog(name, ms, cleanup) {
  return setTimeout(async () => {
    console.error(`${name}: gave up after ${ms / 1000} s`);
    await cleanup();
    process.exit(1);
  }, ms);
}

/// Closes a browser, giving up after 5 s.
export async function closeQuickly(browser) {
  if (!browser) return;
  const closing = browser.close().catch(() => {});
  await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 5_000))]);
}

/// Makes every page of `context` collect its Content-Security-Policy violations.
export async function recordCspViolations(context) {
  await context.addInitScript(() => {
    window.__folioCspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__folioCspViolations.push(
        `${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });
}

/// Records on `page` every error a reader would never see: console errors, page errors,
/// failed requests and HTTP errors. `expected` matches problems a check causes on purpose.
/// The browser's own request for a favicon the site does not have is not the site's error.
export function watchProblems(page, expected) {
  const problems = [];
  const note = (problem) => {
    if (!expected || !expected.test(problem)) problems.push(problem);
  };
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const { url } = message.location();
    if (url?.endsWith('/favicon.ico')) return;
    note(`console error: ${message.text()}${url ? ` (${url})` : ''}`);
  });
  page.on('pageerror', (error) => note(`page error: ${error.message}`));
  page.on('requestfailed', (request) =>
    note(`request failed: ${request.url()} (${request.failure()?.errorText})`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) {
      note(`HTTP ${response.status()}: ${response.url()}`);
    }
  });
  return problems;
}

/// The problems recorded on `page`, its CSP violations included.
export async function pageProblems(page, problems) {
  const violations = await page.evaluate(() => window.__folioCspViolations || []).catch(() => []);
  return [...problems, ...violations.map((v) => `CSP violation: ${v}`)];
}

/// Runs `checks` ([name, options, run]) one after another, each on a page from
/// `open(options)` (which returns { page, problems, close }), and prints one line each.
/// A check fails on a thrown error or on any problem its page recorded. True when all passed.
export async function runChecks(checks, open) {
  let passed = 0;
  let failed = 0;
  for (const [name, options, run] of checks) {
    const started = Date.now();
    const { page, problems, close } = await open(options);
    let failure;
    try {
      await run(page);
      const seen = await pageProblems(page, problems);
      if (seen.length > 0) failure = seen.join('\n    ');
    } catch (error) {
      const seen = await pageProblems(page, problems);
      failure = [plain(error.message), ...seen].join('\n    ');
    }
    await close().catch(() => {});
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (failure === undefined) {
      passed += 1;
      console.log(`ok     ${name} (${seconds} s)`);
    } else {
      failed += 1;
      console.log(`FAILED ${name} (${seconds} s)\n    ${failure}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0;
}

/// Runs `main` (which resolves to true when everything passed) and exits with its status,
/// closing the browser through `cleanup` on an error.
export function exitWith(name, main, watchdog, cleanup) {
  main()
    .then((ok) => {
      clearTimeout(watchdog);
      process.exit(ok ? 0 : 1);
    })
    .catch(async (error) => {
      console.error(`${name}: ${plain(error.message ?? error)}`);
      await cleanup();
      clearTimeout(watchdog);
      process.exit(1);
    });
}
