// The web page of `ngsynth serve --http` in headless Chromium (Debian's /usr/bin/chromium,
// driven through the DevTools protocol by puppeteer-core). Run by tests/test_http_serve.cpp:
//   node page_test.mjs URL SCREENSHOT.png SOUND_FILE
// Checks: no console errors; the map canvas shows the model's points (pixels at the
// points' positions have their class colours); a click on a pad's re-sample button
// fetches and decodes a new hit; a click on a pad plays it; a drag on the map sends stream
// requests whose audio is scheduled; the sequencer plays its steps with the playing step
// highlighted; a dropped sound comes back resynthesised with variations. Exits 1 on the
// first failed check, naming it.
import puppeteer from 'puppeteer-core';

const [url, screenshot, sound] = process.argv.slice(2);
if (!url || !screenshot || !sound) {
  console.error('usage: node page_test.mjs URL SCREENSHOT.png SOUND_FILE');
  process.exit(2);
}

const failures = [];
function check(ok, what) {
  console.log((ok ? 'ok   ' : 'FAIL ') + what);
  if (!ok) failures.push(what);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required',
         '--disable-dev-shm-usage', '--mute-audio'],
});
let exitCode = 0;
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 1150 });
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push('page error: ' + e.message));
  page.on('requestfailed', (r) => consoleErrors.push('request failed: ' + r.url()));
  const requests = [];
  page.on('request', (r) => requests.push({ method: r.method(), path: new URL(r.url()).pathname, t: Date.now() }));
  const count = (method, path) => requests.filter((r) => r.method === method && r.path.startsWith(path)).length;

  const t0 = Date.now();
  await page.goto(url, { waitUntil: 'networkidle0' });
  await page.waitForFunction(() => window.ngsynth && window.ngsynth.stats.ready, { timeout: 30000 });
  const loadMs = Date.now() - t0;
  const info = await page.evaluate(() => fetch('/api/info').then((r) => r.json()));
  const map = await page.evaluate(() => fetch('/api/map').then((r) => r.json()));
  console.log(`page ready in ${loadMs} ms: ${info.classes.length} classes, ${map.points.length} map points`);
  check(consoleErrors.length === 0, 'loads with no console errors ' + JSON.stringify(consoleErrors));
  const stats0 = await page.evaluate(() => ({ ...window.ngsynth.stats }));
  check(stats0.hitsDecoded === info.classes.length, `every class's hit decoded (${stats0.hitsDecoded})`);

  // The map: pixels where the model's points are carry their class's colour.
  const pixels = await page.evaluate((n) => {
    const g = document.getElementById('map').getContext('2d');
    const hex = (d) => '#' + [d[0], d[1], d[2]].map((v) => v.toString(16).padStart(2, '0')).join('');
    let coloured = 0, exact = 0, background = 0;
    const total = Math.min(n, 400);
    for (let i = 0; i < total; ++i) {
      const [x, y] = window.ngsynth.mapPoint(i);
      const d = g.getImageData(x, y, 1, 1).data;
      const c = hex(d);
      if (c === '#0d0e11') background++; else coloured++;
      if (c === window.ngsynth.mapColour(i).toLowerCase()) exact++;
    }
    // And far from every point (a corner) the background shows.
    const corner = hex(g.getImageData(1, 1, 1, 1).data);
    return { total, coloured, exact, background, corner };
  }, map.points.length);
  console.log('map pixels', JSON.stringify(pixels));
  check(pixels.total > 0 && pixels.coloured === pixels.total, 'every sampled point position is coloured');
  check(pixels.exact >= 0.5 * pixels.total, 'most point positions show their own class colour (others overlap)');
  check(pixels.corner === '#0d0e11', 'the map background shows away from the points');
  const legend = await page.$$eval('#legend li', (li) => li.map((x) => x.textContent));
  check(JSON.stringify(legend) === JSON.stringify(info.classes), 'the legend lists the classes');

  // A pad: its re-sample button fetches a new hit and decodes it; a click plays it.
  const before = await page.evaluate(() => window.ngsynth.stats.hitsDecoded);
  const hitRequests = count('GET', '/api/hit/');
  await page.click('#pad-0 button');
  await page.waitForFunction((b) => window.ngsynth.stats.hitsDecoded > b, { timeout: 10000 }, before);
  check(count('POST', '/api/sample') === 1 && count('GET', '/api/hit/') === hitRequests + 1,
        're-sample posts /api/sample and fetches the hit');
  const seedShown = await page.$eval('#pad-0 input', (i) => Number(i.value));
  const served = await page.evaluate(() => fetch('/api/classes').then((r) => r.json()));
  check(seedShown === served[0].seed, `the pad shows the hit's seed (${seedShown})`);
  const plays = await page.evaluate(() => window.ngsynth.stats.padPlays);
  await page.click('#pad-1 .face');
  await page.keyboard.press('a');
  check((await page.evaluate(() => window.ngsynth.stats.padPlays)) === plays + 2, 'a pad plays on click and on its key');

  // A drag on the map: stream requests while the pointer moves, then a stop.
  const box = await (await page.$('#map')).boundingBox();
  const streamBefore = count('POST', '/api/stream');
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
  await page.mouse.down();
  for (let i = 0; i <= 30; ++i) {
    await page.mouse.move(box.x + box.width * (0.3 + 0.4 * i / 30), box.y + box.height * (0.3 + 0.3 * Math.sin(i / 5)));
    await sleep(25);
  }
  const streamStats = await page.evaluate(() => ({ ...window.ngsynth.stats }));
  await page.mouse.up();
  await sleep(200);
  const streamed = count('POST', '/api/stream') - streamBefore;
  check(streamed >= 5, `the drag sent stream requests (${streamed})`);
  check(streamStats.streamChunks >= 5, `their audio was scheduled (${streamStats.streamChunks} chunks)`);
  check(count('POST', '/api/stream/stop') === 1, 'releasing the pointer stops the stream');

  // A dropped sound (through the file input the drop zone holds).
  const input = await page.$('#drop-file');
  await input.uploadFile(sound);
  await page.waitForFunction(() => document.querySelectorAll('#drop-result .item').length >= 6, { timeout: 30000 });
  check(count('POST', '/api/resynth') === 1, 'the dropped sound was posted to /api/resynth');
  check(count('GET', '/api/dropped/variation/') === 4, 'its four variations were fetched');

  // The sequencer: add hits, play, steps advance and are highlighted.
  await page.click('#grid .cell[data-track="0"][data-step="2"]');
  await page.click('#grid .cell[data-track="1"][data-step="6"]');
  await page.click('#play');
  await sleep(1500);
  const seq = await page.evaluate(() => ({ ...window.ngsynth.stats, now: document.querySelectorAll('#grid .cell.now').length }));
  console.log('sequencer', JSON.stringify({ steps: seq.stepsPlayed, notes: seq.notesScheduled, last: seq.lastStep }));
  check(seq.stepsPlayed >= 8, `the sequencer played its steps (${seq.stepsPlayed} in 1.5 s at ${info.classes.length} tracks)`);
  check(seq.notesScheduled >= 1, `it scheduled hits (${seq.notesScheduled})`);
  check(seq.now === info.classes.length, 'the playing step is highlighted in every row');
  const pattern = await page.evaluate(() => fetch('/api/pattern').then((r) => r.json()));
  check(pattern.tracks[0].steps[2] > 0 && pattern.tracks[1].steps[6] > 0, 'the edited steps reached the server');
  const latency = await page.$eval('#latency', (e) => e.textContent);
  console.log('latency shown:', latency);
  check(/output latency [0-9.]+ ms/.test(latency), 'the page shows the latency it measured');

  // The screenshot: the sequencer playing, a drag under way (its trail), the dropped sound.
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  await page.mouse.down();
  for (let i = 0; i <= 12; ++i) {
    await page.mouse.move(box.x + box.width * (0.5 - 0.3 * i / 12), box.y + box.height * (0.55 + 0.25 * Math.cos(i / 3)));
    await sleep(30);
  }
  await page.screenshot({ path: screenshot, fullPage: true });
  await page.mouse.up();
  await page.click('#play');
  check(consoleErrors.length === 0, 'no console errors after all that ' + JSON.stringify(consoleErrors));
} catch (err) {
  console.error('page test aborted: ' + (err.stack || err));
  exitCode = 1;
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(`${failures.length} check(s) failed:\n  ` + failures.join('\n  '));
  exitCode = 1;
}
process.exit(exitCode);
