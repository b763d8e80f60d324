// Opens normcheck's HTML reports in Debian's headless chromium through
// playwright-core (tests/report/browser.py writes the spec and the reports).
// For each report: the summary table's rows are those of `normcheck check
// --format json`, the instrument links have the rule files' urls, nothing is
// requested from outside the file, no script runs and no dialog opens; a
// screenshot is saved. Last line: `N passed, N failed`.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const require = createRequire(spec.tools + '/');
const { chromium } = require('playwright-core');

let passed = 0, failed = 0;
function check(ok, what, detail) {
  if (ok) { passed++; console.log(`ok ${what}`); }
  else { failed++; console.log(`FAIL ${what}${detail ? ': ' + detail : ''}`); }
}

const browser = await chromium.launch({ executablePath: spec.chromium, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
try {
  for (const r of spec.reports) {
    const name = r.name;
    const context = await browser.newContext({ viewport: { width: 1366, height: 860 }, deviceScaleFactor: 1 });
    const external = [];
    await context.route('**/*', route => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      external.push(url);
      return route.abort();
    });
    // the guard itself: a request that would leave the file is seen (and aborted)
    const probe = await context.newPage();
    await probe.goto('http://127.0.0.1:9/probe').catch(() => {});
    check(external.length === 1, `${name}: the request guard sees a request to the network`, JSON.stringify(external));
    external.length = 0;
    await probe.close();
    const page = await context.newPage();
    const dialogs = [], errors = [];
    page.on('dialog', d => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
    page.on('pageerror', e => errors.push(String(e)));
    await page.goto(pathToFileURL(r.html).href, { waitUntil: 'load' });

    check(await page.title() === 'normcheck report', `${name}: the page loads with its title`);
    const rows = await page.$$eval('#summary-table tbody tr', trs => trs.map(tr => ({
      subject: tr.dataset.subject, status: tr.dataset.status,
      shown_subject: tr.cells[0].innerText.trim(), shown_status: tr.cells[4].innerText.trim(),
    })));
    check(rows.length === r.rows.length, `${name}: the summary has ${r.rows.length} rows`, `found ${rows.length}`);
    for (let i = 0; i < r.rows.length; i++) {
      const want = r.rows[i], got = rows[i] || {};
      const shown = want.subject === 'current_law' ? 'current law' : want.subject;
      check(got.subject === want.subject && got.status === want.status && got.shown_subject === shown && got.shown_status === want.status,
            `${name}: row ${i + 1} is ${want.subject}: ${want.status}`, JSON.stringify(got));
    }
    for (const l of r.links) {
      const hrefs = await page.$$eval('a.instrument', (as, text) => as.filter(a => a.textContent === text).map(a => a.getAttribute('href')), l.text);
      check(hrefs.length > 0 && hrefs.every(h => h === l.href), `${name}: the link "${l.text}" goes to ${l.href}`, JSON.stringify(hrefs));
    }
    for (const t of r.texts || []) {
      const body = await page.evaluate(() => document.body.innerText);
      check(body.includes(t), `${name}: the page shows the text ${JSON.stringify(t)}`);
    }
    if (r.hostile) {
      check(await page.$$eval('script', s => s.length) === 0, `${name}: the page has no script element`);
      const js = await page.$$eval('a', as => as.map(a => a.getAttribute('href') || '').filter(h => !/^(https?:|#)/i.test(h)));
      check(js.length === 0, `${name}: every link is http(s) or in the page`, JSON.stringify(js));
      const handlers = await page.evaluate(() => [...document.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name)).filter(n => n.startsWith('on')));
      check(handlers.length === 0, `${name}: no element has an event handler attribute`, JSON.stringify(handlers));
    }
    const timeline = await page.$$eval('#timeline svg rect', rs => rs.length);
    check(timeline > 0, `${name}: the timeline chart is drawn`);
    const graph = await page.$$eval('#graph svg', s => s.length);
    check(graph === 1, `${name}: the conflict graph is drawn`);
    await page.screenshot({ path: r.screenshot, fullPage: true });
    if (r.docs_screenshot) await page.screenshot({ path: r.docs_screenshot, fullPage: false });
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: r.screenshot.replace(/\.png$/, '-print.png'), fullPage: true });
    check(external.length === 0, `${name}: no request leaves the file`, JSON.stringify(external));
    check(dialogs.length === 0 && errors.length === 0, `${name}: no dialog and no script error`, JSON.stringify([dialogs, errors]));
    await context.close();
  }
} finally {
  await browser.close();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
