#!/usr/bin/env node
/* view.html in the run's language (docs/viewer.md, "Language"), in headless Chromium:
   switch.json run with --lang zh shows its buttons, tabs, filters, help, a step's
   caption, callout and explanation, the device and ladder tabs in Chinese, and the same
   run with --lang en shows them in English with no Chinese anywhere.

   usage: node view_lang.test.js NETSIM TOPOLOGIES_DIR ARTIFACTS_DIR
   Exit 0 = all passed, 77 = no puppeteer-core or Chromium (ctest: skipped). */
'use strict';
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');

const { puppeteer, netsim, topoDir, artDir, CHROMIUM } = require('./setup')('view_lang.test.js');

let failures = 0, passes = 0;
function check(cond, what) {
  if (cond) { passes++; console.log('ok   ' + what); }
  else { failures++; console.log('FAIL ' + what); }
}
const HAN = /[\u4e00-\u9fff]/;

/* netsim run switch.json --lang LANG: the page and the run's events. */
function run(lang) {
  const out = path.join(artDir, 'lang-runs', lang);
  fs.rmSync(out, { recursive: true, force: true });
  // the locale of the tests is English; --lang alone decides
  const env = Object.assign({}, process.env, { LC_ALL: 'C', LANGUAGE: '' });
  execFileSync(netsim, ['run', path.join(topoDir, 'switch.json'), '--out', out, '--quiet', '--lang', lang],
               { stdio: 'ignore', env });
  const lines = fs.readFileSync(path.join(out, 'trace.jsonl'), 'utf8').split('\n').filter(Boolean);
  return { html: path.join(out, 'view.html'), events: lines.slice(1).map((l) => JSON.parse(l)) };
}

async function open(browser, r, hash, errors, tag) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1600, height: 900 });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(tag + ': console: ' + m.text()); });
  page.on('pageerror', (e) => errors.push(tag + ': page error: ' + e.message));
  await page.goto(pathToFileURL(r.html).href + (hash ? '#' + hash : ''), { waitUntil: 'load' });
  await page.waitForSelector('body[data-ready="1"]', { timeout: 5000 });
  return page;
}

/* What a user reads in the page's own frame: every text and tooltip of the header,
   tabs, filters, list heading and help (not the topology's names). */
function chrome(page) {
  return page.evaluate(() => {
    const out = [];
    document.querySelectorAll('#bar, #topo-tools, #tabs, #filters, #ev-head, #help').forEach((root) => {
      root.querySelectorAll('*').forEach((e) => {
        if (e.id === 'title' || e.id === 'position' || e.tagName === 'CODE' || e.tagName === 'DT' ||
            e.tagName === 'OPTION' && e.value !== '') return;
        const own = Array.from(e.childNodes).filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim();
        if (own) out.push(own);
        ['title', 'aria-label'].forEach((a) => { if (e.getAttribute(a)) out.push(e.getAttribute(a)); });
      });
    });
    return out;
  });
}

async function stepTexts(page, step) {
  await page.evaluate((s) => window.netsimView.go(s), step);
  return page.evaluate(() => ({
    caption: document.getElementById('step-caption').textContent,
    position: document.getElementById('position').textContent,
    heading: (document.querySelector('#panel-inspector h3') || {}).textContent || '',
    why: Array.from(document.querySelectorAll('#panel-inspector .note')).map((n) => n.textContent),
    callout: Array.from(document.querySelectorAll('#topo .callout text')).map((t) => t.textContent).join(' | '),
    count: document.getElementById('f-count').textContent,
  }));
}

async function tabText(page, tab) {
  await page.click('#tabs button[data-tab="' + tab + '"]');
  return page.$eval('#panel-' + tab, (p) => p.innerText);
}

async function testChinese(browser, errors) {
  const r = run('zh');
  const learn = r.events.findIndex((e) => e.kind === 'learn' && e.device === 'sw1');
  const page = await open(browser, r, 'step=' + learn, errors, 'zh');
  check(await page.evaluate(() => document.documentElement.lang) === 'zh-CN', 'zh: <html lang="zh-CN">');
  check(await page.$eval('#btn-present', (b) => b.textContent) === '演示', 'zh: the Present button reads 演示');
  check(HAN.test(await page.$eval('#btn-play', (b) => b.title)), 'zh: the play button\'s tooltip is Chinese');
  const tabs = await page.$$eval('#tabs button', (bs) => bs.map((b) => b.textContent));
  check(tabs.join(' ') === '数据包 设备 时序图 关于', 'zh: the tabs read ' + tabs.join(' '));
  const words = await chrome(page);
  // key names (Home, End, Esc, P) and symbols may stay; a word of English may not
  const english = words.filter((w) => !HAN.test(w) && /[A-Za-z]{2,}/.test(w.replace(/\b(Home|End|Esc)\b/g, '')));
  check(words.length > 30 && english.length === 0,
        'zh: all ' + words.length + ' labels, buttons, tooltips and help lines are Chinese' +
        (english.length ? ' (English: ' + english.join(' / ') + ')' : ''));
  const s = await stepTexts(page, learn);
  check(/^第 \d+ 步 · /.test(s.caption), 'zh: the step caption reads "' + s.caption + '"');
  check(/^第 \d+ \/ \d+ 步/.test(s.position), 'zh: the position reads "' + s.position + '"');
  check(/^第 \d+ 步：sw1 learn/.test(s.heading), 'zh: the inspector heading reads "' + s.heading + '"');
  check(s.why.some((t) => /^原因：/.test(t)), 'zh: the step\'s explanation reads "' + s.why.join(' / ') + '"');
  check(/^学习到 MAC：/.test(s.callout), 'zh: the callout over sw1 reads "' + s.callout + '"');
  check(/个事件$/.test(s.count), 'zh: the filter count reads "' + s.count + '"');
  const drop = r.events.findIndex((e) => e.kind === 'drop' && e.device === 'C');
  const d = await stepTexts(page, drop);
  check(/丢弃：/.test(d.callout), 'zh: the drop at C reads "' + d.callout + '"');
  check(await page.$$eval('#topo svg text', (ts) => ts.some((t) => t.textContent === '交换机')),
        'zh: the topology picture calls sw1 a 交换机');
  await page.evaluate(() => { window.netsimView.state.device = 'A'; });
  const dev = await tabText(page, 'device');
  check(/A，第 \d+ 步（t = [\d.]+ 秒）/.test(dev) && /接口/.test(dev) && /地址/.test(dev),
        'zh: the device tab\'s heading and columns are Chinese');
  check(/这个数据包所在的会话/.test(await tabText(page, 'ladder')), 'zh: the ladder tab\'s button is Chinese');
  check(/个事件，种子 1，结束于 [\d.]+ 秒（完成）/.test(await tabText(page, 'about')), 'zh: the about tab is Chinese');
  await page.click('#btn-help');
  await page.screenshot({ path: path.join(artDir, 'view-zh-help.png') });
  await page.close();
}

async function testEnglish(browser, errors) {
  const r = run('en');
  const learn = r.events.findIndex((e) => e.kind === 'learn' && e.device === 'sw1');
  const page = await open(browser, r, 'step=' + learn, errors, 'en');
  check(await page.evaluate(() => document.documentElement.lang) === 'en', 'en: <html lang="en">');
  check(await page.$eval('#btn-present', (b) => b.textContent) === 'Present', 'en: the Present button reads Present');
  const tabs = await page.$$eval('#tabs button', (bs) => bs.map((b) => b.textContent));
  check(tabs.join(' ') === 'Packet Device Ladder About', 'en: the tabs read ' + tabs.join(' '));
  const s = await stepTexts(page, learn);
  check(/^step \d+ · /.test(s.caption) && /^Step \d+: sw1 learn/.test(s.heading), 'en: caption and heading are English');
  check(s.why.some((t) => /^why: /.test(t)), 'en: the explanation starts "why: "');
  check(/^MAC learned: /.test(s.callout), 'en: the callout reads "' + s.callout + '"');
  for (const tab of ['device', 'ladder', 'about']) await tabText(page, tab);
  check(!HAN.test(await page.evaluate(() => document.documentElement.outerHTML)), 'en: no Chinese anywhere in the page');
  await page.close();
}

(async () => {
  fs.mkdirSync(artDir, { recursive: true });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'netsim-lang-'));
  const browser = await puppeteer.launch({
    headless: true, userDataDir: profile, executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const errors = [];
  try {
    for (const t of [testChinese, testEnglish]) {
      try { await t(browser, errors); } catch (err) { check(false, t.name + ' threw: ' + (err.stack || err)); }
    }
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  errors.forEach((e) => console.log('  ' + e));
  check(errors.length === 0, 'no console or page errors (' + errors.length + ')');
  console.log(passes + ' passed, ' + failures + ' failed');
  process.exit(failures ? 1 : 0);
})();
