#!/usr/bin/env node
// The web UI in a real browser. Starts Sextant under a route prefix (scraping itself and a dead
// target every second, with a recording and an alerting rule, remote-writing to a stub receiver
// here that accepts every request), then drives headless Chromium with puppeteer-core through
// every page:
//
//   - the query page: types `up` into the CodeMirror editor and presses Enter, sees the table
//     rows of job="self" and job="dead", the Graph tab's uPlot canvas drawn with its legend, the
//     Explain tab's tree (and a sub-expression counted); the metrics explorer (filtered for `up`,
//     which a click puts into the empty editor); Prometheus-style URL panels
//     (g0.expr, g0.tab, g1.range_input, and 2.x's /graph?g0.tab=1) open as they should;
//   - targets, alerts, rules, service discovery, status, TSDB status, flags, configuration and
//     Alertmanager discovery each show what they must (the dead target's "connection refused",
//     TargetDown firing, the remote-write queue's card with a sent timestamp, ...), and the
//     document title is the page's and --web.page-title's;
//   - the theme switch sets <html data-theme> to dark and back to light.
//
// Any console error or uncaught page error fails the test.
//
// Usage: node tests/ui/ui_browser_test.mjs <sextant binary> [--screenshots]
//   --screenshots  also writes 1280x900 PNGs of every page into docs/ui/ (see docs/ui/README.md);
//                  routine runs leave the committed files alone.
// Exits 0 on success, 1 on failure, 77 (skipped) without Chromium (/usr/bin/chromium, or
// $CHROMIUM) or without ui/node_modules/puppeteer-core (scripts/build-ui installs it). CI skips it
// (ctest label `browser`); run it with `apt-get install chromium` and
// `ctest --preset debug -L browser`.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const screenshots = args.includes('--screenshots');
const sextant = args.find((a) => !a.startsWith('--'));
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
const shotDir = join(root, 'docs/ui');
if (screenshots) mkdirSync(shotDir, { recursive: true });

if (!sextant) {
  console.error('usage: ui_browser_test.mjs <sextant binary> [--screenshots]');
  process.exit(2);
}
if (!existsSync(chromium)) {
  console.log(`${chromium} not installed: skipped`);
  process.exit(77);
}
let puppeteer;
try {
  puppeteer = createRequire(join(root, 'ui/package.json'))('puppeteer-core');
} catch {
  console.log('ui/node_modules/puppeteer-core not installed (run scripts/build-ui): skipped');
  process.exit(77);
}

const started = Date.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (msg) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}`);

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

const port = await freePort();
// The remote-write receiver: reads each request whole and answers 204, as a receiver that stored
// it would.
let receivedWrites = 0;
const receiver = createHttpServer((req, res) => {
  req.resume();
  req.on('end', () => {
    receivedWrites++;
    res.writeHead(204);
    res.end();
  });
});
await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
const receiverUrl = `http://127.0.0.1:${receiver.address().port}/receive`;
const base = `http://127.0.0.1:${port}/ui`;
const tmp = mkdtempSync(join(tmpdir(), 'ui_browser_'));
writeFileSync(
  join(tmp, 'prometheus.yml'),
  `global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: [rules.yml]
scrape_configs:
  - job_name: self
    metrics_path: /ui/metrics
    static_configs: [{targets: ['127.0.0.1:${port}']}]
  - job_name: dead
    static_configs: [{targets: ['127.0.0.1:1']}]
remote_write:
  - url: ${receiverUrl}
    name: ui-receiver
`,
);
writeFileSync(
  join(tmp, 'rules.yml'),
  `groups:
  - name: demo
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
      - alert: TargetDown
        expr: up == 0
        labels: {severity: page}
        annotations: {summary: "{{ $labels.instance }} is down"}
`,
);

const server = spawn(
  sextant,
  [
    `--config.file=${tmp}/prometheus.yml`,
    `--storage.tsdb.path=${tmp}/data`,
    `--web.listen-address=127.0.0.1:${port}`,
    `--web.external-url=${base}/`,
    '--web.page-title=Sextant <UI test>',
    '--storage.remote.flush-deadline=5s',
  ],
  { stdio: ['ignore', 'ignore', 'pipe'] },
);
let serverLog = '';
server.stderr.on('data', (d) => {
  serverLog = (serverLog + d).slice(-4000);
});
let serverExited = false;
server.on('exit', () => {
  serverExited = true;
});

const failures = [];
const fail = (msg) => {
  failures.push(msg);
  log(`FAIL: ${msg}`);
};
let browser;

async function api(path) {
  const r = await fetch(base + path, { signal: AbortSignal.timeout(5000) });
  return r.json();
}

// Polls `check` (an async predicate) until it holds or `ms` pass.
async function until(what, ms, check) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      if (await check()) return true;
    } catch {
      // not yet
    }
    if (serverExited) throw new Error(`sextant exited while waiting for ${what}:\n${serverLog}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function run() {
  await until('readiness', 20000, async () => (await fetch(`${base}/-/ready`)).status === 200);
  log('sextant ready');
  // A few scrapes of both targets and a rule evaluation that fires TargetDown.
  await until('scrapes', 20000, async () => {
    const r = await api('/api/v1/query?query=' + encodeURIComponent('count_over_time(up[1m])'));
    const jobs = r.data.result.filter((s) => Number(s.value[1]) >= 3).map((s) => s.metric.job);
    return jobs.includes('self') && jobs.includes('dead');
  });
  await until('TargetDown firing', 20000, async () => {
    const r = await api('/api/v1/alerts');
    return r.data.alerts.some((a) => a.labels.alertname === 'TargetDown' && a.state === 'firing');
  });
  if (screenshots) {
    // A minute of varied API traffic, so the graph of rate(prometheus_http_requests_total[1m])
    // shows a few series with some shape.
    log('screenshots: a minute of API traffic for the graph');
    const paths = ['/api/v1/query?query=up', '/api/v1/labels', '/api/v1/targets', '/api/v1/rules', '/api/v1/status/config'];
    for (let t = 0; t < 60; t++) {
      for (let i = 0; i < paths.length; i++) {
        const n = Math.round((i + 1) * (1.5 + Math.sin(t / (6 + 3 * i) + i)));
        for (let k = 0; k < n; k++) await api(paths[i]).catch(() => {});
      }
      await sleep(1000);
    }
  }
  await until('a remote-write send', 20000, async () => {
    const r = await api('/api/v1/status/remote_write');
    return receivedWrites > 0 && r.data.queues.some((q) => q.name === 'ui-receiver' && q.samples.sent > 0);
  });
  log('scrapes, alert and remote write in place; launching chromium');

  browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    protocolTimeout: 30000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--font-render-hinting=none'],
  });
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  page.setDefaultTimeout(15000);
  let currentStep = 'start';
  page.on('console', (m) => {
    if (m.type() === 'error') fail(`${currentStep}: console error: ${m.text()} ${m.location()?.url ?? ''}`);
  });
  page.on('pageerror', (e) => fail(`${currentStep}: page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // Requests aborted by navigation are not errors.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') fail(`${currentStep}: request failed: ${r.url()} ${r.failure()?.errorText}`);
  });

  const text = () => page.evaluate(() => document.body.textContent);
  // Waits until the page's text holds every needle; records a failure naming the missing ones.
  async function expectText(step, ...needles) {
    try {
      await page.waitForFunction((ns) => ns.every((n) => document.body.textContent.includes(n)), { timeout: 15000 }, needles);
    } catch {
      const t = await text();
      for (const n of needles) if (!t.includes(n)) fail(`${step}: ${JSON.stringify(n)} not shown`);
    }
  }
  async function open(path) {
    currentStep = path;
    await page.goto(base + path, { waitUntil: 'networkidle0' });
  }
  async function shot(name) {
    if (!screenshots) return;
    // Let transitions (the stale-result fade) and fonts settle.
    await page.evaluate(() => document.fonts.ready);
    await sleep(400);
    const file = join(shotDir, `${name}.png`);
    await page.screenshot({ path: file, type: 'png' });
    log(`screenshot ${file} (${Math.round(statSync(file).size / 1024)} KiB)`);
  }
  // Light theme for the screenshots (headless Chromium would also pick light by "system").
  await open('/query');
  await page.evaluate(() => localStorage.setItem('sextant.theme', 'light'));

  // --- The query page, driven as a user would. -------------------------------------------------
  await open('/query');
  await page.waitForSelector('.cm-content');
  await page.focus('.cm-content');
  // Typed with no delay between keys: the editor once put back text the user had typed past
  // (its sync with the panel ran a frame late), and the two then rewrote each other for ever.
  await page.keyboard.type('up');
  // The completion popup may be open; Escape closes it so Enter executes.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Enter');
  try {
    await page.waitForFunction(
      () => {
        const rows = [...document.querySelectorAll('.q-table tr')].map((r) => r.textContent);
        return rows.some((r) => r.includes('job="self"')) && rows.some((r) => r.includes('job="dead"'));
      },
      { timeout: 15000 },
    );
    const rows = await page.$$eval('.q-table tr', (rs) => rs.map((r) => r.textContent));
    const self = rows.find((r) => r.includes('job="self"'));
    if (!self.includes(`instance="127.0.0.1:${port}"`) || !/1$/.test(self.trim())) fail(`query table: the self row is ${JSON.stringify(self)}`);
    const dead = rows.find((r) => r.includes('job="dead"'));
    if (!/0$/.test(dead.trim())) fail(`query table: the dead row is ${JSON.stringify(dead)}`);
  } catch (e) {
    fail(`query table: no rows with job="self" and job="dead" after typing "up" and Enter (${e.message})`);
  }
  if (!page.url().includes('g0.expr=up')) fail(`query: the URL does not hold the panel: ${page.url()}`);

  async function clickTab(label) {
    const tabs = await page.$$('.q-panel-bar [role=tab]');
    for (const t of tabs) {
      if ((await t.evaluate((e) => e.textContent.trim())) === label) return t.click();
    }
    throw new Error(`no ${label} tab`);
  }
  // A canvas with a non-zero size and some painted pixels, and legend entries.
  async function checkGraph(step, legendNeedle) {
    try {
      await page.waitForSelector('.q-chart canvas');
      await page.waitForFunction(
        (needle) => [...document.querySelectorAll('.q-legend-item')].some((e) => e.textContent.includes(needle)),
        { timeout: 15000 },
        legendNeedle,
      );
      const c = await page.$eval('.q-chart canvas', (cv) => {
        const r = cv.getBoundingClientRect();
        const px = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
        let painted = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) painted++;
        return { w: r.width, h: r.height, painted };
      });
      if (!(c.w > 100 && c.h > 100)) fail(`${step}: the chart canvas is ${c.w}x${c.h}`);
      if (c.painted < 1000) fail(`${step}: the chart canvas is blank (${c.painted} painted pixels)`);
    } catch (e) {
      fail(`${step}: no chart with a legend listing ${legendNeedle} (${e.message})`);
    }
  }
  currentStep = 'query graph tab';
  await clickTab('Graph');
  await checkGraph('query graph tab', 'up{');
  const legend = await page.$$eval('.q-legend-item', (es) => es.map((e) => e.textContent));
  if (!legend.some((l) => l.includes('job="self"')) || !legend.some((l) => l.includes('job="dead"'))) {
    fail(`query graph tab: the legend lists ${JSON.stringify(legend)}`);
  }
  if (!page.url().includes('g0.tab=graph')) fail(`query: the URL does not hold the graph tab: ${page.url()}`);

  currentStep = 'query explain tab';
  await clickTab('Explain');
  try {
    await page.waitForSelector('.q-explain .q-explain-node');
    const node = await page.$eval('.q-explain-node', (e) => e.textContent);
    if (!node.includes('up')) fail(`query explain tab: the tree's root is ${JSON.stringify(node)}`);
    await page.click('.q-explain-count button');
    await page.waitForFunction(() => /2 results/.test(document.querySelector('.q-explain-count')?.textContent ?? ''));
  } catch (e) {
    fail(`query explain tab: no tree, or its count of "up" is not 2 results (${e.message})`);
  }

  // --- The metrics explorer: filter for `up`, click it, and the empty editor holds `up`. -------
  await open('/query');
  currentStep = 'metrics explorer';
  try {
    await page.waitForSelector('.cm-content');
    await page.click('.q-explore');
    await page.waitForSelector('dialog.q-mx[open] .q-mx-filter');
    const focused = await page.evaluate(() => document.activeElement?.classList.contains('q-mx-filter'));
    if (!focused) fail('metrics explorer: the filter does not have the focus');
    // Every metric name is listed, with metadata for Sextant's own.
    await page.waitForSelector('.q-mx-row');
    await page.waitForFunction(() => document.querySelector('.q-mx-list')?.textContent.includes('counter'));
    await page.keyboard.type('up');
    await page.waitForFunction(() => document.querySelector('.q-mx-row .q-mx-name')?.textContent === 'up');
    const marked = await page.$eval('.q-mx-row .q-mx-name', (e) => [...e.querySelectorAll('mark')].map((m) => m.textContent));
    if (marked.join('') !== 'up') fail(`metrics explorer: the first row highlights ${JSON.stringify(marked)}`);
    await page.click('.q-mx-row');
    await page.waitForFunction(() => !document.querySelector('dialog.q-mx'));
    const editor = await page.$eval('.cm-content', (e) => e.textContent);
    if (editor !== 'up') fail(`metrics explorer: the editor holds ${JSON.stringify(editor)} after clicking up`);
    // Esc closes it without touching the editor.
    await page.click('.q-explore');
    await page.waitForSelector('dialog.q-mx[open] .q-mx-filter');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => !document.querySelector('dialog.q-mx'));
    if ((await page.$eval('.cm-content', (e) => e.textContent)) !== 'up') fail('metrics explorer: Esc changed the editor');
  } catch (e) {
    fail(`metrics explorer: ${e.message}`);
  }
  if (screenshots) {
    await page.click('.q-explore');
    await page.waitForSelector('dialog.q-mx[open] .q-mx-row');
    await page.keyboard.type('http');
    await page.waitForFunction(() => document.querySelector('.q-mx-row mark'));
    await shot('query-metrics-explorer');
    await page.keyboard.press('Escape');
  }

  // --- The query page from Prometheus-style URLs. ----------------------------------------------
  const panels = new URLSearchParams({
    'g0.expr': 'up',
    'g0.tab': 'table',
    'g1.expr': 'job:up:sum',
    'g1.tab': 'graph',
    'g1.range_input': '5m',
  });
  await open('/query?' + panels);
  await expectText('query from URL', 'job="self"', 'job="dead"', 'job:up:sum', 'results');
  if ((await page.$$('.q-panel')).length !== 2) fail('query from URL: not two panels');
  await checkGraph('query from URL', 'job:up:sum{');
  // Prometheus 2.x's page and tab numbers: 0 is the graph, 1 the table.
  await open('/graph?' + new URLSearchParams({ 'g0.expr': 'up', 'g0.tab': '0', 'g0.range_input': '1m', 'g1.expr': 'up', 'g1.tab': '1' }));
  await checkGraph('/graph (Prometheus 2.x URL)', 'job="self"');
  try {
    await page.waitForFunction(() => [...document.querySelectorAll('.q-table tr')].some((r) => r.textContent.includes('job="self"')));
  } catch {
    fail('/graph (Prometheus 2.x URL): g1.tab=1 shows no table with job="self"');
  }

  // --- Screenshots of the query page. ----------------------------------------------------------
  if (screenshots) {
    const graphUrl =
      '/query?' +
      new URLSearchParams({ 'g0.expr': 'rate(prometheus_http_requests_total[1m])', 'g0.tab': 'graph', 'g0.range_input': '1m' });
    await open(graphUrl);
    await checkGraph('graph screenshot', 'handler="/api/v1/query"');
    await shot('query-graph');
    await open('/query?' + new URLSearchParams({ 'g0.expr': 'prometheus_http_requests_total', 'g0.tab': 'table' }));
    await expectText('table screenshot', 'handler="/api/v1/query"');
    await shot('query-table');
    await open('/query?' + new URLSearchParams({ 'g0.expr': 'sum by (job) (rate(scrape_duration_seconds[1m])) > 0', 'g0.tab': 'explain' }));
    await page.waitForSelector('.q-explain .q-explain-node');
    await shot('query-explain');
    await page.evaluate(() => localStorage.setItem('sextant.theme', 'dark'));
    await open(graphUrl);
    await checkGraph('dark graph screenshot', 'handler="/api/v1/query"');
    await shot('query-graph-dark');
    await page.evaluate(() => localStorage.setItem('sextant.theme', 'light'));
  }

  // --- The other pages. ------------------------------------------------------------------------
  const pages = [
    ['/targets', 'targets', 'Target health', `127.0.0.1:${port}/ui/metrics`, 'dial tcp 127.0.0.1:1: connect: connection refused'],
    ['/alerts', 'alerts', 'TargetDown', 'demo', 'FIRING (1)'],
    ['/rules', 'rules', 'job:up:sum', 'TargetDown', 'sum by (job) (up)'],
    ['/service-discovery', 'service-discovery', 'self', 'dead', '127.0.0.1:1'],
    ['/status', 'status', 'Storage retention', 'Remote write: ui-receiver', receiverUrl, 'Lag behind newest sample'],
    ['/tsdb-status', 'tsdb-status', 'Head', 'up'],
    ['/flags', 'flags', 'storage.tsdb.retention.time', 'web.external-url'],
    ['/config', 'config', 'job_name: self', 'rules.yml'],
    ['/alertmanager-discovery', 'alertmanager-discovery', 'Alertmanager'],
    ['/alertmanagers', null, 'Alertmanager'],
  ];
  for (const [path, name, ...needles] of pages) {
    await open(path);
    await expectText(path, ...needles);
    if (name === 'alerts' && screenshots) {
      // The alert rule's details (query, labels, annotations, active alerts) in the screenshot.
      await page.click('.alert-rule .rule-toggle');
      await expectText('/alerts expanded', 'is down');
    }
    if (name) await shot(name);
  }
  await open('/status');
  await expectText('/status', 'Storage retention');
  const title = await page.title();
  if (title !== 'Runtime & build information - Sextant <UI test>') fail(`/status: the page title is ${JSON.stringify(title)}`);
  // The queue's card: protocol 1.0 and a sent timestamp as the UI writes times.
  const rwRows = await page.evaluate(() =>
    Object.fromEntries([...document.querySelectorAll('.remote-write .info-table tr')].map((r) => [r.cells[0]?.textContent, r.cells[1]?.textContent])),
  );
  if (rwRows['Protocol'] !== '1.0') fail(`/status: the remote-write protocol is ${JSON.stringify(rwRows['Protocol'])}`);
  if (!/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(rwRows['Highest sent timestamp'] ?? '')) {
    fail(`/status: the highest sent timestamp is ${JSON.stringify(rwRows['Highest sent timestamp'])}`);
  }

  if (screenshots) {
    await page.setViewport({ width: 390, height: 844, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
    await open('/targets');
    await expectText('/targets (phone)', 'connection refused');
    await shot('targets-phone');
    await page.setViewport({ width: 1280, height: 900 });
  }

  // --- The theme switch. -----------------------------------------------------------------------
  await open('/query');
  currentStep = 'theme switch';
  const themeNow = () => page.evaluate(() => document.documentElement.dataset.theme);
  if ((await themeNow()) !== 'light') fail(`theme: light is stored but the page is ${await themeNow()}`);
  await page.select('select[aria-label=theme]', 'dark');
  if ((await themeNow()) !== 'dark') fail(`theme: choosing Dark leaves data-theme ${await themeNow()}`);
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.select('select[aria-label=theme]', 'light');
  if ((await themeNow()) !== 'light') fail(`theme: choosing Light leaves data-theme ${await themeNow()}`);
  const bgLight = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  if (bg === bgLight) fail(`theme: the background stays ${bg} in both themes`);
  // Choosing dark is remembered across a reload.
  await page.select('select[aria-label=theme]', 'dark');
  await page.reload({ waitUntil: 'networkidle0' });
  if ((await themeNow()) !== 'dark') fail(`theme: Dark is not kept across a reload (${await themeNow()})`);
}

let code = 0;
try {
  await run();
} catch (e) {
  fail(`aborted: ${e.stack || e}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  if (!serverExited) {
    server.kill('SIGTERM');
    await Promise.race([new Promise((r) => server.once('exit', r)), sleep(30000)]);
    if (!serverExited) server.kill('SIGKILL');
  }
  receiver.close();
  rmSync(tmp, { recursive: true, force: true });
}
if (failures.length) code = 1;
console.log(`ui_browser_test: ${failures.length ? `${failures.length} failures` : 'ok'} in ${((Date.now() - started) / 1000).toFixed(1)}s`);
process.exit(code);
