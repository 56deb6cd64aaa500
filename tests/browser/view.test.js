#!/usr/bin/env node
/* Browser tests of view.html: headless Debian Chromium driven over the DevTools protocol
   by puppeteer-core (no browser download). Each check opens the page from file:// at a
   step found in the run's own trace.jsonl and reads what the page shows.

   usage: node view.test.js NETSIM TOPOLOGIES_DIR ARTIFACTS_DIR
   Runs netsim on each topology; when netsim writes no view.html (the C side not merged
   yet) the page is assembled by make_sample.py from the run's outputs and a NOTE says so.
   Exit status 0 = all passed; screenshots go to ARTIFACTS_DIR. */
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');

const { puppeteer, netsim, topoDir, artDir, CHROMIUM } = require('./setup')('view.test.js');
const ASSETS = path.resolve(__dirname, '../../src/viewer/assets');
const SAMPLE = path.join(__dirname, 'make_sample.py');
const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';
// Budgets for an idle machine; NETSIM_VIEW_SLOWDOWN multiplies them on a loaded one
// (the load average is printed with the timings).
const SLOWDOWN = parseFloat(process.env.NETSIM_VIEW_SLOWDOWN || '1');
const OPEN_BUDGET_MS = 1000 * SLOWDOWN;
const STEP_BUDGET_MS = 50 * SLOWDOWN;

let failures = 0, passes = 0, usedSample = [];
function check(cond, what) {
  if (cond) { passes++; console.log('ok   ' + what); }
  else { failures++; console.log('FAIL ' + what); }
}

/* Runs netsim; returns the run directory, its events and the view.html path. */
const runs = {};
function runTopology(file, name) {
  if (runs[name]) return runs[name];
  const out = path.join(artDir, 'runs', name);
  fs.rmSync(out, { recursive: true, force: true });
  try {
    execFileSync(netsim, ['run', file, '--out', out, '--quiet'], { stdio: 'ignore' });
  } catch (err) {
    // some topologies end with a non-zero status by design (switch-loop's storm report)
    if (!fs.existsSync(path.join(out, 'trace.jsonl'))) throw err;
  }
  const lines = fs.readFileSync(path.join(out, 'trace.jsonl'), 'utf8').split('\n').filter(Boolean);
  const events = lines.slice(1).map((l) => JSON.parse(l));
  let html = path.join(out, 'view.html');
  if (!fs.existsSync(html)) {
    html = path.join(out, 'view-sample.html');
    execFileSync('python3', [SAMPLE, out, ASSETS, html]);
    usedSample.push(name);
  }
  return (runs[name] = { out, events, html });
}

function findStep(events, pred, what) {
  const i = events.findIndex(pred);
  if (i < 0) throw new Error('no event in the trace for: ' + what);
  return i;
}

async function openPage(browser, run, hash, errors, tag) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1600, height: 900 });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(tag + ': console: ' + m.text()); });
  page.on('pageerror', (e) => errors.push(tag + ': page error: ' + e.message));
  page.on('requestfailed', (r) => errors.push(tag + ': request failed: ' + r.url()));
  const url = pathToFileURL(run.html).href + (hash ? '#' + hash : '');
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="1"]', { timeout: 5000 });
  return page;
}

let shotPrefix = '';
async function shot(page, name) {
  await new Promise((r) => setTimeout(r, 700));   // let the frame marker finish its move
  await page.screenshot({ path: path.join(artDir, shotPrefix + name + '.png') });
}

async function testTwoSubnets(browser, errors) {
  const run = runTopology(path.join(topoDir, 'two-subnets.json'), 'two-subnets');
  const step = findStep(run.events, (e) => e.kind === 'wire' && e.tx_device === 'r1' && e.proto === 'icmp',
                        "r1's first ICMP egress");
  const e = run.events[step];
  const page = await openPage(browser, run, 'step=' + step, errors, 'two-subnets');
  check(await page.evaluate(() => window.netsimView.state.step) === step, 'two-subnets: #step=' + step + ' restores the step');
  check(await page.$eval('#ev-scroll .ev-row.cur', (r) => +r.dataset.step) === step, 'two-subnets: the event list marks step ' + step);
  const rows = await page.$$eval('#panel-inspector tr[data-field]', (trs) => trs.map((tr) => ({
    name: tr.dataset.field, value: tr.children[1].textContent.trim(), changed: tr.classList.contains('changed') })));
  const ttl = rows.find((r) => /time to live|^ttl$/i.test(r.name));
  check(ttl && ttl.value.split(/\s/)[0] === '63', "two-subnets: inspector at r1's egress shows TTL 63");
  check(ttl && ttl.changed, 'two-subnets: TTL marked changed since the previous hop');
  const src = rows.find((r) => r.value === e.eth_src), dst = rows.find((r) => r.value === e.eth_dst);
  check(src && src.changed, 'two-subnets: rewritten source MAC ' + e.eth_src + ' marked changed');
  check(dst && dst.changed, 'two-subnets: rewritten destination MAC ' + e.eth_dst + ' marked changed');
  const ipSrc = rows.find((r) => r.value === e.ip_src);
  check(ipSrc && !ipSrc.changed, 'two-subnets: IP source address not marked changed');
  check(await page.$$eval('#hex span.b.changed', (s) => s.length) > 0, 'two-subnets: changed bytes lit in the hex dump');
  check(await page.$$eval('#topo .marker', (m) => m.length) === 1, 'two-subnets: one frame marker on the link');
  // hovering a field lights its bytes
  await page.hover('#panel-inspector tr.changed');
  check(await page.$$eval('#hex span.b.hl', (s) => s.length) > 0, 'two-subnets: hovering a field highlights its bytes');
  await page.hover('#hex span.b[data-i="22"]');   // byte 22: the IPv4 TTL
  const lit = await page.$$eval('#panel-inspector tr.hl', (t) => t.map((r) => r.dataset.field));
  check(lit.length === 1 && /time to live|^ttl$/i.test(lit[0]), 'two-subnets: hovering byte 22 highlights the TTL field (' + lit + ')');
  await shot(page, 'two-subnets-r1-egress');
  await page.keyboard.press('ArrowRight');
  check(await page.evaluate(() => location.hash) === '#step=' + (step + 1), 'two-subnets: Right steps and the hash follows');
  // one hop further, sw2 forwards the frame unchanged: nothing is marked
  const sw2 = findStep(run.events, (x, i) => i > step && x.kind === 'wire' && x.tx_device === 'sw2' && x.packet === e.packet, "sw2's egress");
  await page.evaluate((s) => window.netsimView.go(s), sw2);
  check(await page.$$eval('#panel-inspector tr.changed', (t) => t.length) === 0 &&
        /^Unchanged/.test(await page.$eval('#changed-note', (n) => n.textContent)),
        "two-subnets: at sw2's egress the frame is unchanged since the previous hop");
  await page.evaluate((s) => window.netsimView.go(s), step + 1);
  await page.keyboard.press('p');
  check(await page.evaluate(() => document.body.classList.contains('present')), 'two-subnets: P turns on presentation mode');
  await shot(page, 'two-subnets-presentation');
  await page.keyboard.press('p');
  await page.keyboard.press('?');
  check(await page.$eval('#help', (h) => !h.hidden), 'two-subnets: ? opens the help');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Home');
  await page.keyboard.press(' ');
  await new Promise((r) => setTimeout(r, 1600));
  await page.keyboard.press(' ');
  check(await page.evaluate(() => window.netsimView.state.step) >= 2, 'two-subnets: Space plays and pauses');
  // r1's ARP cache at that moment
  await page.goto(pathToFileURL(run.html).href + '#step=' + step + '&device=r1');
  await page.reload({ waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="1"]');
  const arp = await page.$$eval('#panel-device table[data-table="arp"] tr.row', (t) => t.map((r) => r.textContent));
  check(arp.some((r) => r.includes('192.168.1.10')) && arp.some((r) => r.includes('192.168.2.20')),
        "two-subnets: r1's arp -a at that step lists 192.168.1.10 and 192.168.2.20");
  await shot(page, 'two-subnets-r1-arp');
  await page.close();
}

async function testSwitch(browser, errors) {
  const run = runTopology(path.join(topoDir, 'switch.json'), 'switch');
  const reply = findStep(run.events, (e) => e.kind === 'send' && e.arp_op === 'reply', 'the ARP reply');
  const step = findStep(run.events, (e, i) => i > reply && e.kind === 'learn' && e.device === 'sw1', 'sw1 learning from the reply');
  const page = await openPage(browser, run, 'step=' + step + '&device=sw1', errors, 'switch');
  const count = () => page.$$eval('#panel-device table[data-table="mac"] tr.row', (r) => r.length);
  check(await count() === 2, "switch: sw1's MAC table holds 2 entries after the ARP reply (step " + step + ')');
  check(await page.$$eval('#panel-device table[data-table="mac"] tr.last-change', (r) => r.length) === 1, 'switch: the last change is highlighted');
  check(await page.$$eval('#topo .callout.learn', (c) => c.length) === 1, 'switch: the learn event shows a callout on sw1');
  await shot(page, 'switch-sw1-mac-table');
  await page.keyboard.press('ArrowLeft');
  check(await count() === 1, "switch: one step earlier sw1's MAC table holds 1 entry");
  // the ARP broadcast flood: its copies move together
  const flood = findStep(run.events, (e) => e.kind === 'wire' && e.tx_device === 'sw1' && e.eth_dst === 'ff:ff:ff:ff:ff:ff', "sw1's flood");
  const copies = run.events.filter((e) => e.kind === 'wire' && e.t === run.events[flood].t && e.tx_device === 'sw1' && e.packet === run.events[flood].packet).length;
  await page.evaluate((s) => window.netsimView.go(s), flood);
  check(await page.$$eval('#topo .marker', (m) => m.length) === copies, 'switch: the ' + copies + ' flooded copies move together');
  await shot(page, 'switch-flood');
  // zoom buttons, wheel, clicking a device
  const vbWidth = () => page.$eval('#topo > svg', (s) => s.viewBox.baseVal.width);
  const w0 = await vbWidth();
  await page.click('#zoom-in');
  const w1 = await vbWidth();
  await page.mouse.move(300, 300);
  await page.mouse.wheel({ deltaY: 300 });
  const w2 = await vbWidth();
  check(w1 < w0 && w2 > w1, 'switch: zoom in by button and out by wheel (' + [w0, w1, w2].map(Math.round) + ')');
  await page.click('#zoom-fit');
  await page.click('#topo g.node[data-device="A"]');
  check(await page.evaluate(() => location.hash.includes('device=A') && document.querySelector('#panel-device.active') !== null),
        'switch: clicking A opens its tables and puts device=A in the URL');
  await page.type('#f-search', 'who-has');
  const found = await page.$$eval('#ev-scroll .ev-row', (r) => r.filter((x) => x.style.display !== 'none').map((x) => x.children[5].textContent));
  check(found.length > 0 && found.every((x) => x.includes('who-has')), 'switch: the search box filters the list (' + found.length + ' rows)');
  await page.close();
  const pkt = run.events[reply].packet;
  const p2 = await openPage(browser, run, 'packet=' + pkt, errors, 'switch');
  const shown = await p2.$$eval('#ev-scroll .ev-row', (r) => r.filter((x) => x.style.display !== 'none').map((x) => x.children[4].textContent));
  check(shown.length > 0 && shown.every((x) => x === String(pkt)), 'switch: #packet=' + pkt + ' filters the list to that packet');
  check(await p2.evaluate(() => window.netsimView.state.step) === run.events.findIndex((e) => e.packet === pkt),
        'switch: #packet=' + pkt + ' opens at its first event');
  await p2.close();
}

async function testHub(browser, errors) {
  const run = runTopology(path.join(topoDir, 'hub.json'), 'hub');
  const step = findStep(run.events, (e) => e.kind === 'collide' && e.device === 'hub1', 'the collision on hub1');
  const page = await openPage(browser, run, 'step=' + step, errors, 'hub');
  const text = await page.$$eval('#topo .callout.collide text', (t) => t.map((x) => x.textContent).join(' '));
  check(/collision/i.test(text), 'hub: the collision is shown on hub1 (' + text + ')');
  check(await page.$$eval('#topo g.node.collision[data-device="hub1"]', (g) => g.length) === 1, 'hub: hub1 drawn as colliding');
  await shot(page, 'hub-collision');
  const backoff = findStep(run.events, (e, i) => i > step && e.kind === 'backoff', 'the backoff');
  await page.evaluate((s) => window.netsimView.go(s), backoff);
  const bt = await page.$$eval('#topo .callout.backoff text', (t) => t.map((x) => x.textContent).join(' '));
  check(/backoff/i.test(bt), 'hub: the backoff is shown (' + bt + ')');
  await shot(page, 'hub-backoff');
  await page.close();
}

async function testHomeNat(browser, errors) {
  const run = runTopology(path.join(topoDir, 'home-nat.json'), 'home-nat');
  const want = '192.168.1.2:6789 -> 116.226.52.212:6539';
  const step = findStep(run.events, (e) => e.kind === 'translate' && e.device === 'nat1' && e.detail === 'tcp ' + want,
                        'the NAT translation ' + want);
  const page = await openPage(browser, run, 'step=' + step + '&device=nat1', errors, 'home-nat');
  const nat = await page.$$eval('#panel-device table[data-table="nat"] tr.row', (t) => t.map((r) => r.textContent));
  check(nat.some((r) => r.includes(want)), 'home-nat: the NAT table shows ' + want + ' (' + nat.join(' | ') + ')');
  await shot(page, 'home-nat-table');
  // after the reply is translated back the mapping still reads inside -> outside
  const back = findStep(run.events, (e, i) => i > step && e.kind === 'translate' && e.device === 'nat1', 'the reverse translation');
  await page.evaluate((s) => window.netsimView.go(s), back);
  const nat2 = await page.$$eval('#panel-device table[data-table="nat"] tr.row', (t) => t.map((r) => r.textContent));
  check(nat2.some((r) => r.includes(want)), 'home-nat: the mapping stays inside -> outside after the reply');
  // at nat1's egress the rewritten source address is marked changed, the destination not
  const out = findStep(run.events, (e) => e.kind === 'wire' && e.tx_device === 'nat1' && e.proto === 'tcp', "nat1's egress");
  await page.evaluate((s) => window.netsimView.go(s), out);
  await page.click('#tabs button[data-tab="inspector"]');
  const rows = await page.$$eval('#panel-inspector tr[data-field]', (trs) => trs.map((tr) => ({
    value: tr.children[1].textContent.trim(), changed: tr.classList.contains('changed') })));
  const src = rows.find((r) => r.value === '116.226.52.212'), dst = rows.find((r) => r.value === '93.184.216.34');
  check(src && src.changed && dst && !dst.changed, "home-nat: at nat1's egress the NAT-rewritten source address is marked changed");
  await shot(page, 'home-nat-egress');
  await page.close();
}

async function testTcpEcho(browser, errors) {
  const run = runTopology(path.join(topoDir, 'tcp-echo.json'), 'tcp-echo');
  const step = findStep(run.events, (e) => e.kind === 'send' && e.proto === 'tcp', 'the first TCP segment');
  const page = await openPage(browser, run, 'step=' + step, errors, 'tcp-echo');
  await page.click('#tabs button[data-tab="ladder"]');
  const heads = await page.$$eval('#ladder-svg .colhead', (t) => t.map((x) => x.textContent));
  check(heads.length === 2, 'tcp-echo: the ladder has two columns (' + heads.join(', ') + ')');
  const labels = await page.$$eval('#ladder-svg .arrow .label', (t) => t.map((x) => x.textContent));
  const tcp = labels.filter((l) => /seq=/.test(l));
  check(tcp[0] === 'SYN seq=0', 'tcp-echo: ladder shows SYN seq=0 (' + tcp[0] + ')');
  check(tcp[1] === 'SYN/ACK seq=0 ack=1', 'tcp-echo: ladder shows SYN/ACK seq=0 ack=1 (' + tcp[1] + ')');
  check(tcp[2] === 'ACK seq=1 ack=1', 'tcp-echo: ladder shows ACK seq=1 ack=1 (' + tcp[2] + ')');
  const ipOf = {};
  run.events.forEach((e) => { if (e.kind === 'send' && e.ip_src) ipOf[e.device] = e.ip_src; });
  const between = (e, x, y) => e.device === x && e.ip_dst === ipOf[y];
  const sends = run.events.filter((e) => e.kind === 'send' && e.proto === 'tcp' &&
                                         (between(e, heads[0], heads[1]) || between(e, heads[1], heads[0]))).length;
  check(tcp.length === sends, 'tcp-echo: one arrow per end-to-end segment, not per cable (' + tcp.length + ' arrows, ' +
        sends + ' segments sent between ' + heads.join(' and ') + ')');
  await shot(page, 'tcp-echo-ladder');
  await page.click('#ladder-abs');
  const abs = await page.$$eval('#ladder-svg .arrow .label', (t) => t.map((x) => x.textContent));
  const isn = /seq=(\d+)/.exec(run.events[step].summary)[1];
  check(abs.some((l) => l === 'SYN seq=' + isn), 'tcp-echo: the absolute toggle shows seq=' + isn);
  await page.close();
}

/* 电脑A: a copy of two-subnets with host A renamed, to see a CJK name render. */
async function testCjk(browser, errors) {
  const topo = JSON.parse(fs.readFileSync(path.join(topoDir, 'two-subnets.json'), 'utf8'));
  const rename = (s) => (s === 'A' ? '电脑A' : s);
  topo.name = 'cjk-names';
  topo.devices = Object.fromEntries(Object.entries(topo.devices).map(([k, v]) => [rename(k), v]));
  topo.links = topo.links.map((l) => l.map(rename));
  topo.script.forEach((s) => { s.on = rename(s.on); });
  delete topo.expect; // its checks name A: they are not what this test is about
  const file = path.join(artDir, 'cjk-names.json');
  fs.writeFileSync(file, JSON.stringify(topo, null, 1));
  const run = runTopology(file, 'cjk-names');
  const page = await openPage(browser, run, 'step=0&device=' + encodeURIComponent('电脑A'), errors, 'cjk');
  check(await page.$$eval('#topo g.node[data-device="电脑A"]', (g) => g.length) === 1, 'cjk: node 电脑A found in the topology');
  check(await page.evaluate(() => document.fonts.check('16px "Noto Sans CJK SC"', '电脑')), 'cjk: a CJK font (Noto Sans CJK) is available to the page');
  check(await page.$eval('#panel-device h3', (h) => h.textContent.startsWith('电脑A')), 'cjk: the device view shows 电脑A');
  await shot(page, 'cjk-names');
  await page.close();
}

/* Without Graphviz netsim writes "svg": null and the page draws its own layout. */
async function testNoSvg(browser, errors) {
  const run = runTopology(path.join(topoDir, 'two-subnets.json'), 'two-subnets');
  const html = path.join(run.out, 'view-nosvg.html');
  execFileSync('python3', [SAMPLE, '--no-svg', run.out, ASSETS, html]);
  const step = findStep(run.events, (e) => e.kind === 'wire' && e.tx_device === 'r1', "r1's first egress");
  const page = await openPage(browser, { html }, 'step=' + step, errors, 'no-svg');
  check(await page.$$eval('#topo g.node[data-device]', (g) => g.length) === 5, 'no-svg: the page draws the 5 devices itself');
  check(await page.$$eval('#topo .marker', (m) => m.length) === 1, 'no-svg: the frame marker moves on the drawn link');
  await shot(page, 'no-svg-layout');
  await page.close();
}

/* Every topology opens and is interactive within the budget. */
async function testOpenTimes(browser, errors) {
  const files = fs.readdirSync(topoDir).filter((f) => f.endsWith('.json')).sort();
  for (const f of files) {
    const name = path.basename(f, '.json');
    let run;
    try { run = runTopology(path.join(topoDir, f), name); } catch (err) { check(false, name + ': netsim run: ' + err.message); continue; }
    const page = await openPage(browser, run, '', errors, name);
    // the page's own work (parse the data, build every view) is what it controls; the
    // time from navigation adds the browser's file load and is reported alongside
    const t = await page.evaluate(() => [window.netsimView.openMs, performance.now()]);
    check(t[0] < OPEN_BUDGET_MS, name + ': interactive after ' + t[0].toFixed(0) + ' ms of script, ' + t[1].toFixed(0) +
          ' ms after navigation (' + run.events.length + ' events)');
    await page.close();
  }
}

/* Median times of a step as the user sees it (the render plus the layout that follows)
   at steps a.. and b.., interleaved so a loaded machine slows both alike. */
function stepTimes(page, a, b) {
  return page.evaluate((a0, b0) => {
    const ta = [], tb = [];
    const time = (s) => {
      const t = performance.now();
      window.netsimView.go(s);
      document.body.getBoundingClientRect();
      return performance.now() - t;
    };
    for (let i = 0; i < 21; i++) { ta.push(time(a0 + i)); tb.push(time(b0 + i)); }
    const median = (x) => x.sort((p, q) => p - q)[10];
    return [median(ta), median(tb)];
  }, a, b);
}

/* 20,000 steps: the list stays virtual, and a step deep in the run costs what the same
   event costs near its start (the page repeats one run's events, so step 10000 + i is the
   same event as step 10000 mod run length + i). */
async function testScale(browser, errors) {
  const run = runTopology(path.join(topoDir, 'file-download.json'), 'scale');
  const big = path.join(run.out, 'view-20000.html');
  execFileSync('python3', [SAMPLE, '--events', '20000', run.out, ASSETS, big]);
  const page = await openPage(browser, { html: big }, '', errors, 'scale');
  const n = await page.evaluate(() => window.netsimView.state.view.length);
  const open = await page.evaluate(() => window.netsimView.openMs);
  check(n >= 20000, 'scale: ' + n + ' events loaded');
  check(open < 2 * OPEN_BUDGET_MS, 'scale: interactive after ' + open.toFixed(0) + ' ms of script (budget ' + 2 * OPEN_BUDGET_MS + ')');
  const early = 10000 % run.events.length;
  const [tEarly, tDeep] = await stepTimes(page, early, 10000);
  check(tDeep < 1.5 * tEarly + STEP_BUDGET_MS / 2, 'scale: a step at 10,000 of 20,000 takes ' + tDeep.toFixed(1) +
        ' ms, the same event at step ' + early + ' ' + tEarly.toFixed(1) + ' ms (medians; allowed 1.5x + ' + STEP_BUDGET_MS / 2 + ' ms)');
  check(await page.$$eval('#ev-scroll .ev-row', (r) => r.length) < 300, 'scale: the event list renders only visible rows');
  await page.click('#tabs button[data-tab="device"]');
  await page.evaluate(() => window.netsimView.go(19990));
  await shot(page, 'scale-20000');
  await page.close();
}

async function runSuite(label, launchOptions, tests, errors) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'netsim-' + label + '-'));
  const browser = await puppeteer.launch(Object.assign({ headless: true, userDataDir: profile }, launchOptions));
  try {
    const only = new RegExp(process.env.VIEW_TESTS || '.');   // e.g. VIEW_TESTS=Hub|Scale
    for (const t of tests) {
      if (!only.test(t.name)) continue;
      const t0 = Date.now();
      try { await t(browser, errors); } catch (err) { check(false, label + ' ' + t.name + ' threw: ' + (err.stack || err)); }
      console.log('     (' + label + ' ' + t.name + ': ' + ((Date.now() - t0) / 1000).toFixed(1) + ' s)');
    }
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

(async () => {
  const started = Date.now();
  console.log('load average ' + os.loadavg().map((x) => x.toFixed(1)).join(' ') + ' on ' + os.cpus().length + ' CPUs');
  fs.mkdirSync(artDir, { recursive: true });
  const errors = [];
  await runSuite('chromium', {
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  }, [testTwoSubnets, testSwitch, testHub, testHomeNat, testTcpEcho, testCjk, testNoSvg, testOpenTimes, testScale], errors);
  // Firefox, when installed: the page must work there from file:// too (WebDriver BiDi)
  if (fs.existsSync(FIREFOX)) {
    shotPrefix = 'firefox-';
    await runSuite('firefox', { browser: 'firefox', executablePath: FIREFOX },
                   [testTwoSubnets, testHub, testHomeNat, testTcpEcho], errors);
  } else {
    console.log('NOTE: no Firefox at ' + FIREFOX + '; the page was checked in Chromium only');
  }
  errors.forEach((e) => console.log('  ' + e));
  check(errors.length === 0, 'no console errors, page errors or failed requests (' + errors.length + ')');
  if (usedSample.length)
    console.log('NOTE (SKIP of the embedded page): netsim wrote no view.html for ' + [...new Set(usedSample)].join(', ') +
                '; tested the page assembled by tests/browser/make_sample.py from the same assets instead.');
  console.log(passes + ' passed, ' + failures + ' failed in ' + ((Date.now() - started) / 1000).toFixed(1) + ' s; screenshots in ' + artDir);
  process.exit(failures ? 1 : 0);
})();
