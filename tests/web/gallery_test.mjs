// The demo gallery page (src/ngsynth/demo/gallery.h) in headless Chromium (Debian's
// /usr/bin/chromium through puppeteer-core), opened from its folder as file://, the way a
// user opens it. Run by tests/test_gallery.cpp:
//   node gallery_test.mjs DIR/index.html SCREENSHOT.png
// Checks: no console errors and no failed requests; nothing is loaded from outside the
// folder; every <img> decoded (naturalWidth > 0); every <audio> loads its WAV file (its
// metadata arrives with a positive duration; the page says preload="none", so each is
// load()ed here); every sound figure holds one spectrogram and one player; the sounds of a
// group sit side by side; every in-page link has its target. Saves a full-page screenshot.
// Exits 1 naming every failed check.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer from 'puppeteer-core';

const [page_file, screenshot] = process.argv.slice(2);
if (!page_file || !screenshot) {
  console.error('usage: node gallery_test.mjs DIR/index.html SCREENSHOT.png');
  process.exit(2);
}

const failures = [];
function check(ok, what) {
  console.log((ok ? 'ok   ' : 'FAIL ') + what);
  if (!ok) failures.push(what);
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--mute-audio'],
});
let exitCode = 0;
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  const errors = [];
  const requested = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push('page error: ' + e.message));
  // Chromium cancels a media fetch it restarts or no longer needs (net::ERR_ABORTED: the
  // preload change below starts one that load() replaces); a missing file is another error
  // (net::ERR_FILE_NOT_FOUND), and the player's own check below catches it too.
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? '';
    if (r.resourceType() === 'media' && why === 'net::ERR_ABORTED') return;
    errors.push('request failed: ' + r.url() + ' ' + why);
  });
  page.on('request', (r) => requested.push(r.url()));

  const url = pathToFileURL(path.resolve(page_file)).href;
  const folder = url.slice(0, url.lastIndexOf('/') + 1);
  await page.goto(url, { waitUntil: 'load' });

  const images = await page.$$eval('img', (els) =>
    els.map((i) => ({ src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0, alt: i.alt })));
  const broken = images.filter((i) => !i.ok).map((i) => i.src);
  check(images.length > 0 && broken.length === 0,
        `every picture decoded (${images.length - broken.length}/${images.length})` +
        (broken.length ? ' broken: ' + broken.join(' ') : ''));
  check(images.every((i) => i.alt.length > 0), 'every picture has alt text');

  // Each player: load() and wait for its metadata or its error.
  const audio = await page.$$eval('audio', (els) => Promise.all(els.map((a) => new Promise((done) => {
    const src = a.getAttribute('src');
    const timer = setTimeout(() => done({ src, ok: false, why: 'timeout' }), 10000);
    a.addEventListener('loadedmetadata', () => { clearTimeout(timer); done({ src, ok: a.duration > 0 && isFinite(a.duration), why: 'duration ' + a.duration }); }, { once: true });
    a.addEventListener('error', () => { clearTimeout(timer); done({ src, ok: false, why: 'media error ' + (a.error && a.error.code) }); }, { once: true });
    a.preload = 'auto';
    a.load();
  }))));
  const silent = audio.filter((a) => !a.ok).map((a) => a.src + ' (' + a.why + ')');
  check(audio.length > 0 && silent.length === 0,
        `every player loads its sound (${audio.length - silent.length}/${audio.length})` +
        (silent.length ? ' failed: ' + silent.join(' ') : ''));

  const figures = await page.$$eval('figure.sound', (els) => els.map((f) => ({
    images: f.querySelectorAll('img').length, players: f.querySelectorAll('audio').length })));
  check(figures.length === audio.length && figures.every((f) => f.images === 1 && f.players === 1),
        `every sound figure holds one spectrogram and one player (${figures.length} figures)`);

  // Sounds of a group (input, output) are shown side by side: one top edge per group.
  const rows = await page.$$eval('.pair', (els) => els.map((p) => ({
    label: p.querySelector('h3')?.textContent,
    tops: [...p.querySelectorAll('figure.sound')].map((f) => Math.round(f.getBoundingClientRect().top)) })));
  const stacked = rows.filter((r) => r.tops.length < 2 || new Set(r.tops).size !== 1).map((r) => r.label);
  check(stacked.length === 0, `the sounds of every group sit side by side (${rows.length} groups)` +
        (stacked.length ? ' not: ' + stacked.join(', ') : ''));

  const anchors = await page.$$eval('a[href^="#"]', (els) =>
    els.map((a) => ({ href: a.getAttribute('href'), found: !!document.getElementById(a.getAttribute('href').slice(1)) })));
  check(anchors.every((a) => a.found), `every in-page link has its target (${anchors.length} links)`);

  // data: URLs are Chromium's own (the media controls' icons), not the page's.
  const outside = requested.filter((u) => !u.startsWith(folder) && !u.startsWith('data:'));
  check(outside.length === 0, 'nothing is requested from outside the folder' +
        (outside.length ? ': ' + outside.join(' ') : ''));

  await page.screenshot({ path: screenshot, fullPage: true });
  check(errors.length === 0, 'no console errors or failed requests' +
        (errors.length ? ': ' + JSON.stringify(errors) : ''));
} catch (err) {
  console.error('gallery test aborted: ' + (err.stack || err));
  exitCode = 1;
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(`${failures.length} check(s) failed:\n  ` + failures.join('\n  '));
  exitCode = 1;
}
process.exit(exitCode);
