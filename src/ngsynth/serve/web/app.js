// ngsynth's web page: plays a model served by `ngsynth serve --http`. Plain JavaScript,
// no framework, nothing loaded from elsewhere. Audio plays here with Web Audio (hits
// fetched as WAV from the server, the sequencer scheduled on the AudioContext's clock, the
// map's grain stream fetched chunk by chunk) or, when the server runs with --jack, on the
// server (the page then only sends requests).
'use strict';

const PALETTE = ['#ff6b6b', '#ffd93d', '#6bcB77', '#4d96ff', '#c77dff', '#ff9f45', '#4ee6e0',
                 '#f78fb3', '#b8e986', '#a0a0ff', '#e0c097', '#ff5e9e'];
const KEYS = 'asdfghjklqwertyuiop';
const BACKGROUND = '#0d0e11';

// What the tests read (and a curious user can look at in the console).
const stats = {
  ready: false, hitsDecoded: 0, padPlays: 0, streamRequests: 0, streamChunks: 0,
  stepsPlayed: 0, notesScheduled: 0, lastStep: -1, errors: [],
};
window.ngsynth = { stats };

let info = null, classes = [], map = null, pattern = null;
let ctx = null;                    // AudioContext (browser mode)
const hits = [];                   // AudioBuffer per class
const latency = { request: [], output: 0 };
let streamClass = 0;

// ------------------------------------------------------------------ helpers

function $(id) { return document.getElementById(id); }

function showMessage(text, kind = 'error') {
  const m = $('message');
  m.textContent = text;
  m.className = kind;
  m.style.display = 'block';
  clearTimeout(showMessage.timer);
  showMessage.timer = setTimeout(() => { m.style.display = 'none'; }, 6000);
  if (kind === 'error') stats.errors.push(text);
}

// fetch that turns a JSON {"error"} reply into an exception with its message.
async function api(path, options = {}) {
  const t0 = performance.now();
  const res = await fetch(path, options);
  const ms = performance.now() - t0;
  if (!res.ok) {
    let text = res.status + ' ' + res.statusText;
    try { text = (await res.json()).error || text; } catch (e) { /* not JSON */ }
    throw new Error(text);
  }
  latency.request.push(ms);
  if (latency.request.length > 50) latency.request.shift();
  return res;
}
const getJSON = async (path) => (await api(path)).json();
const postJSON = async (path, body, method = 'POST') =>
  (await api(path, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })).json();

function median(a) {
  if (!a.length) return NaN;
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

function showLatency() {
  const req = median(latency.request);
  const reqText = isNaN(req) ? '' : `, request ${req.toFixed(1)} ms (median of ${latency.request.length})`;
  if (info.audio === 'jack') {
    $('latency').textContent = `engine latency ${info.latency_ms.toFixed(1)} ms` + reqText;
  } else if (ctx) {
    latency.output = 1000 * ((ctx.baseLatency || 0) + (ctx.outputLatency || 0));
    $('latency').textContent = `output latency ${latency.output.toFixed(1)} ms` + reqText;
  }
}

// The samples of a WAV file of 32-bit floats (what the server sends), mono.
function wavFloats(bytes) {
  const v = new DataView(bytes);
  let pos = 12, format = 0, bits = 0;
  while (pos + 8 <= v.byteLength) {
    const id = String.fromCharCode(v.getUint8(pos), v.getUint8(pos + 1), v.getUint8(pos + 2), v.getUint8(pos + 3));
    const size = v.getUint32(pos + 4, true);
    if (id === 'fmt ') { format = v.getUint16(pos + 8, true); bits = v.getUint16(pos + 22, true); }
    if (id === 'data') {
      if (format !== 3 || bits !== 32) throw new Error('expected a 32-bit float WAV');
      const n = Math.floor(Math.min(size, v.byteLength - pos - 8) / 4);
      const out = new Float32Array(n);
      for (let i = 0; i < n; ++i) out[i] = v.getFloat32(pos + 8 + 4 * i, true);
      return out;
    }
    pos += 8 + size + (size & 1);
  }
  throw new Error('no data in the WAV');
}

function drawWave(canvas, samples, colour) {
  const w = canvas.width = canvas.clientWidth * devicePixelRatio || 150;
  const h = canvas.height = canvas.clientHeight * devicePixelRatio || 48;
  const g = canvas.getContext('2d');
  g.clearRect(0, 0, w, h);
  g.fillStyle = colour;
  const per = Math.max(1, Math.floor(samples.length / w));
  let peak = 1e-6;
  for (let i = 0; i < samples.length; ++i) peak = Math.max(peak, Math.abs(samples[i]));
  for (let x = 0; x < w; ++x) {
    let lo = 0, hi = 0;
    for (let i = x * per; i < Math.min(samples.length, (x + 1) * per); ++i) {
      lo = Math.min(lo, samples[i]); hi = Math.max(hi, samples[i]);
    }
    const y0 = h / 2 - (hi / peak) * h / 2, y1 = h / 2 - (lo / peak) * h / 2;
    g.fillRect(x, y0, 1, Math.max(1, y1 - y0));
  }
}

function audioContext() {
  if (!ctx) ctx = new AudioContext({ latencyHint: 'interactive' });
  if (ctx.state === 'suspended') ctx.resume();
  return ctx;
}

function playBuffer(buffer, when = 0, gain = 1) {
  const c = audioContext();
  const src = c.createBufferSource();
  src.buffer = buffer;
  const g = c.createGain();
  g.gain.value = gain;
  src.connect(g).connect(c.destination);
  src.start(when);
  return src;
}

function bufferOf(samples) {
  const b = new AudioBuffer({ numberOfChannels: 1, length: Math.max(1, samples.length), sampleRate: info.sample_rate });
  b.copyToChannel(samples, 0);
  return b;
}

// Hits are decoded before any click has allowed an AudioContext to start: by an offline
// context at the model's rate (an AudioBuffer plays in any context).
let decoder = null;
function decodeWav(bytes) {
  if (!decoder) decoder = new OfflineAudioContext(1, 1, info.sample_rate);
  return decoder.decodeAudioData(bytes);
}

// ------------------------------------------------------------------ the map

const view = { w: 560, h: 560, pad: 16 };
let mapLayer = null;               // the points, drawn once
const trail = [];                  // recent pointer positions {x, y, t}
let dropPath = null;               // the dropped sound's grains on the map

function toCanvas(x, y) {
  const [x0, x1] = map.x_range, [y0, y1] = map.y_range;
  return [view.pad + (x - x0) / (x1 - x0) * (view.w - 2 * view.pad),
          view.h - view.pad - (y - y0) / (y1 - y0) * (view.h - 2 * view.pad)];
}
function fromCanvas(cx, cy) {
  const [x0, x1] = map.x_range, [y0, y1] = map.y_range;
  return [x0 + (cx - view.pad) / (view.w - 2 * view.pad) * (x1 - x0),
          y0 + (view.h - view.pad - cy) / (view.h - 2 * view.pad) * (y1 - y0)];
}

function drawMapLayer() {
  mapLayer = document.createElement('canvas');
  mapLayer.width = view.w; mapLayer.height = view.h;
  const g = mapLayer.getContext('2d');
  g.fillStyle = BACKGROUND;
  g.fillRect(0, 0, view.w, view.h);
  g.strokeStyle = '#262a33';
  const [ox, oy] = toCanvas(0, 0);
  g.beginPath(); g.moveTo(ox, 0); g.lineTo(ox, view.h); g.moveTo(0, oy); g.lineTo(view.w, oy); g.stroke();
  for (const [x, y, c] of map.points) {
    const [px, py] = toCanvas(x, y);
    g.fillStyle = PALETTE[c % PALETTE.length];
    g.fillRect(Math.round(px) - 1, Math.round(py) - 1, 3, 3);
  }
  g.fillStyle = '#9aa0aa';
  g.font = '11px system-ui';
  g.fillText(`PC1 ${(100 * map.explained[0]).toFixed(0)} %`, view.w - 60, oy - 4);
  g.fillText(`PC2 ${(100 * map.explained[1]).toFixed(0)} %`, ox + 4, 12);
  window.ngsynth.mapPoint = (i) => toCanvas(map.points[i][0], map.points[i][1]).map(Math.round);
  window.ngsynth.mapColour = (i) => PALETTE[map.points[i][2] % PALETTE.length];
}

function drawMap() {
  const canvas = $('map');
  const g = canvas.getContext('2d');
  g.drawImage(mapLayer, 0, 0);
  if (dropPath) {
    g.strokeStyle = '#ffffff';
    g.lineWidth = 1.5;
    g.beginPath();
    dropPath.points.forEach(([x, y], i) => {
      const [px, py] = toCanvas(x, y);
      if (i === 0) g.moveTo(px, py); else g.lineTo(px, py);
    });
    g.stroke();
    const [lx, ly] = toCanvas(...dropPath.points[dropPath.loudest]);
    g.beginPath(); g.arc(lx, ly, 7, 0, 2 * Math.PI); g.stroke();
    g.fillStyle = '#fff'; g.font = '12px system-ui';
    g.fillText(dropPath.name, lx + 10, ly - 8);
  }
  const now = performance.now();
  while (trail.length && now - trail[0].t > 2500) trail.shift();
  const colour = PALETTE[streamClass % PALETTE.length];
  for (let i = 1; i < trail.length; ++i) {
    const a = 1 - (now - trail[i].t) / 2500;
    g.strokeStyle = colour;
    g.globalAlpha = Math.max(0, a);
    g.lineWidth = 3;
    g.beginPath(); g.moveTo(trail[i - 1].cx, trail[i - 1].cy); g.lineTo(trail[i].cx, trail[i].cy); g.stroke();
  }
  g.globalAlpha = 1;
  if (stream.active && trail.length) {
    const p = trail[trail.length - 1];
    g.fillStyle = '#fff';
    g.beginPath(); g.arc(p.cx, p.cy, 6, 0, 2 * Math.PI); g.fill();
  }
}

function animate() {
  drawMap();
  highlightStep();
  requestAnimationFrame(animate);
}

function buildLegend() {
  const ul = $('legend');
  ul.innerHTML = '';
  classes.forEach((c, k) => {
    const li = document.createElement('li');
    li.innerHTML = `<i style="background:${PALETTE[k % PALETTE.length]}"></i>${c.name}`;
    li.title = 'stream this class';
    li.addEventListener('click', () => selectStreamClass(k));
    ul.appendChild(li);
  });
  selectStreamClass(streamClass);
}

function selectStreamClass(k) {
  streamClass = k;
  [...$('legend').children].forEach((li, i) => li.classList.toggle('selected', i === k));
}

// ------------------------------------------------------------------ the grain stream

const stream = { active: false, x: 0, y: 0, time: 0, inflight: false, gain: null, lastSent: 0 };
const STREAM_AHEAD = 0.15;         // seconds of stream audio queued ahead

function pointerPosition(e) {
  const r = $('map').getBoundingClientRect();
  const cx = (e.clientX - r.left) * view.w / r.width, cy = (e.clientY - r.top) * view.h / r.height;
  return [cx, cy];
}

function moveStream(e) {
  const [cx, cy] = pointerPosition(e);
  [stream.x, stream.y] = fromCanvas(cx, cy);
  trail.push({ cx, cy, t: performance.now() });
  if (info.audio === 'jack') sendJackStream(false);
}

async function sendJackStream(force) {
  const now = performance.now();
  if (stream.inflight || (!force && now - stream.lastSent < 30)) return;
  stream.inflight = true;
  stream.lastSent = now;
  try {
    await postJSON('/api/stream', { x: stream.x, y: stream.y, class: streamClass });
    stats.streamRequests++;
  } catch (err) { showMessage('stream: ' + err.message); stream.active = false; }
  stream.inflight = false;
}

async function pumpStream() {
  if (!stream.active || stream.inflight) return;
  const c = audioContext();
  if (stream.time < c.currentTime + 0.01) stream.time = c.currentTime + 0.03;
  if (stream.time - c.currentTime > STREAM_AHEAD) return;
  stream.inflight = true;
  const frames = 4 * info.stream_chunk_frames;
  try {
    const res = await api('/api/stream', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ x: stream.x, y: stream.y, class: streamClass, frames }),
    });
    stats.streamRequests++;
    const samples = wavFloats(await res.arrayBuffer());
    if (stream.active) {
      const src = c.createBufferSource();
      src.buffer = bufferOf(samples);
      src.connect(stream.gain);
      if (stream.time < c.currentTime) stream.time = c.currentTime + 0.01;
      src.start(stream.time);
      stream.time += samples.length / info.sample_rate;
      stats.streamChunks++;
    }
  } catch (err) { showMessage('stream: ' + err.message); stream.active = false; }
  stream.inflight = false;
  showLatency();
  pumpStream();
}

function startStream(e) {
  e.preventDefault();
  $('map').setPointerCapture(e.pointerId);
  stream.active = true;
  trail.length = 0;
  moveStream(e);
  if (info.audio === 'jack') { sendJackStream(true); return; }
  const c = audioContext();
  stream.gain = c.createGain();
  stream.gain.connect(c.destination);
  stream.time = c.currentTime + 0.03;
  pumpStream();
}

function stopStream() {
  if (!stream.active) return;
  stream.active = false;
  if (stream.gain) {
    const c = audioContext();
    stream.gain.gain.setValueAtTime(1, c.currentTime);
    stream.gain.gain.linearRampToValueAtTime(0, c.currentTime + 0.03);
    const old = stream.gain;
    setTimeout(() => old.disconnect(), 200);
    stream.gain = null;
  }
  api('/api/stream/stop', { method: 'POST' }).catch((err) => showMessage('stream: ' + err.message));
}

setInterval(pumpStream, 20);

// ------------------------------------------------------------------ pads

async function loadHit(k) {
  const c = classes[k];
  const res = await api('/api/hit/' + encodeURIComponent(c.name));
  const buffer = await decodeWav(await res.arrayBuffer());
  hits[k] = buffer;
  stats.hitsDecoded++;
  drawWave(document.querySelector(`#pad-${k} canvas`), buffer.getChannelData(0), PALETTE[k % PALETTE.length]);
}

async function playPad(k) {
  const pad = $('pad-' + k);
  pad.classList.add('hit');
  setTimeout(() => pad.classList.remove('hit'), 120);
  stats.padPlays++;
  try {
    if (info.audio === 'jack') await postJSON('/api/play', { class: k });
    else if (hits[k]) playBuffer(hits[k], 0, classes[k].gain);
  } catch (err) { showMessage(err.message); }
  showLatency();
}

async function resamplePad(k, seed) {
  const body = { class: k, temperature: Number($('temperature').value) };
  if (seed !== undefined) body.seed = seed;
  try {
    const r = await postJSON('/api/sample', body);
    classes[k].seed = r.seed;
    classes[k].temperature = r.temperature;
    $('pad-' + k).querySelector('input').value = r.seed;
    await loadHit(k);
    if (info.audio !== 'jack') playPad(k);
    syncPatternFromServer();
  } catch (err) { showMessage('re-sample: ' + err.message); }
}

function buildPads() {
  const box = $('pads');
  box.innerHTML = '';
  classes.forEach((c, k) => {
    const pad = document.createElement('div');
    pad.className = 'pad';
    pad.id = 'pad-' + k;
    pad.style.borderLeftColor = PALETTE[k % PALETTE.length];
    const key = KEYS[k] || '';
    pad.innerHTML = `<div class="face"><span class="key">${key.toUpperCase()}</span><span class="name"></span>
      <canvas></canvas></div>
      <div class="row"><span>seed</span><input type="number" min="0" step="1" value="${c.seed}">
      <button type="button" title="re-sample with a new seed">↻ new</button></div>`;
    pad.querySelector('.name').textContent = c.name;
    pad.querySelector('.face').addEventListener('pointerdown', () => playPad(k));
    const input = pad.querySelector('input');
    input.addEventListener('change', () => resamplePad(k, Math.max(0, Math.floor(Number(input.value) || 0))));
    pad.querySelector('button').addEventListener('click', () => resamplePad(k, Number(input.value) + 1));
    box.appendChild(pad);
  });
}

document.addEventListener('keydown', (e) => {
  if (e.target.tagName === 'INPUT' || e.target.tagName === 'SELECT' || e.repeat || e.ctrlKey || e.metaKey) return;
  const k = KEYS.indexOf(e.key.toLowerCase());
  if (k >= 0 && k < classes.length) playPad(k);
  if (e.key === ' ') { e.preventDefault(); togglePlay(); }
});

// ------------------------------------------------------------------ sequencer

const seq = { playing: false, origin: 0, segStep: 0, segTempo: 120, next: 0, queue: [], timer: 0, shown: -1 };
const VELOCITIES = [0, 1, 0.6, 0.3];

function trackOf(k) {
  return pattern.tracks.find((t) => t.class === classes[k].name);
}

function buildGrid() {
  const grid = $('grid');
  grid.innerHTML = '';
  grid.style.gridTemplateColumns = `auto repeat(${pattern.steps}, 30px)`;
  classes.forEach((c, k) => {
    const name = document.createElement('div');
    name.className = 'track-name';
    name.innerHTML = `<i style="background:${PALETTE[k % PALETTE.length]}"></i>`;
    name.appendChild(document.createTextNode(c.name));
    name.addEventListener('click', () => playPad(k));
    grid.appendChild(name);
    for (let s = 0; s < pattern.steps; ++s) {
      const cell = document.createElement('div');
      cell.className = 'cell' + (s % 4 === 0 ? ' beat' : '');
      cell.dataset.track = k;
      cell.dataset.step = s;
      cell.innerHTML = '<div class="vel"></div>';
      cell.addEventListener('click', () => {
        const t = trackOf(k);
        const v = t.steps[s];
        const i = VELOCITIES.findIndex((x) => Math.abs(x - v) < 0.01);
        t.steps[s] = VELOCITIES[(i + 1) % VELOCITIES.length];
        paintCell(cell, t.steps[s], k);
        pushPattern();
      });
      grid.appendChild(cell);
    }
  });
  paintGrid();
}

function paintCell(cell, v, k) {
  const bar = cell.firstChild;
  bar.style.height = (v * 100) + '%';
  bar.style.background = PALETTE[k % PALETTE.length];
  cell.title = v > 0 ? `velocity ${v}` : 'rest';
}

function paintGrid() {
  document.querySelectorAll('#grid .cell').forEach((cell) => {
    const k = Number(cell.dataset.track);
    paintCell(cell, trackOf(k).steps[Number(cell.dataset.step)], k);
  });
  $('tempo').value = pattern.tempo;
  $('swing').value = pattern.swing;
  $('swing-out').textContent = Number(pattern.swing).toFixed(2);
}

// Every class has a track in the page's pattern (the server's pattern lists them all).
function normalisePattern(p) {
  for (const c of classes) {
    if (!p.tracks.find((t) => t.class === c.name))
      p.tracks.push({ class: c.name, steps: new Array(p.steps).fill(0), seed: c.seed, temperature: 1, gain: 1 });
  }
  for (const t of p.tracks) {
    if (typeof t.steps === 'string')
      t.steps = [...t.steps].map((ch) => (ch === 'x' ? 1 : ch === 'o' ? 0.5 : 0));
    t.steps = t.steps.map((v) => (v === true ? 1 : v === false ? 0 : Number(v)));
  }
  return p;
}

let pushTimer = 0;
function pushPattern() {
  clearTimeout(pushTimer);
  pushTimer = setTimeout(async () => {
    try {
      const p = await postJSON('/api/pattern', pattern, 'PUT');
      pattern.tracks.forEach((t) => { const s = p.tracks.find((u) => u.class === t.class); if (s) t.seed = s.seed; });
    } catch (err) { showMessage('pattern: ' + err.message); }
  }, 150);
}

async function syncPatternFromServer() {
  try {
    const p = normalisePattern(await getJSON('/api/pattern'));
    for (const t of p.tracks) { const mine = pattern.tracks.find((u) => u.class === t.class); if (mine) { mine.seed = t.seed; mine.temperature = t.temperature; } }
  } catch (err) { showMessage('pattern: ' + err.message); }
}

// Step n (counted from the segment's first step) starts at
//   origin + round((n + swing/2 if odd) * L) / rate,  L = 60 rate / (4 tempo),
// the drum machine's formula on the AudioContext's sample clock.
function stepTime(n) {
  const rate = ctx.sampleRate;
  const L = 60 * rate / (4 * seq.segTempo);
  const abs = seq.segStep + n;
  const s = abs % pattern.steps;
  const pos = n + (s % 2 === 1 ? pattern.swing / 2 : 0);
  return seq.origin + Math.round(pos * L) / rate;
}

function schedule() {
  if (!seq.playing) return;
  const c = audioContext();
  if (pattern.tempo !== seq.segTempo) {          // a new segment from the next step
    const n = seq.next - seq.segStep;
    const rate = c.sampleRate;
    seq.origin += Math.round(n * 60 * rate / (4 * seq.segTempo)) / rate;
    seq.segStep = seq.next;
    seq.segTempo = pattern.tempo;
  }
  while (stepTime(seq.next - seq.segStep) < c.currentTime + 0.12) {
    const when = stepTime(seq.next - seq.segStep);
    const s = seq.next % pattern.steps;
    classes.forEach((cl, k) => {
      const t = trackOf(k);
      const v = t.steps[s];
      if (v > 0 && hits[k] && info.audio !== 'jack') {
        playBuffer(hits[k], Math.max(when, c.currentTime), v * t.gain);
        stats.notesScheduled++;
      }
    });
    seq.queue.push({ step: s, when });
    seq.next++;
  }
}

function highlightStep() {
  if (!ctx || !seq.queue.length) return;
  let current = null;
  while (seq.queue.length && seq.queue[0].when <= ctx.currentTime) current = seq.queue.shift();
  if (!current) return;
  stats.stepsPlayed++;
  stats.lastStep = current.step;
  document.querySelectorAll('#grid .cell.now').forEach((c) => c.classList.remove('now'));
  document.querySelectorAll(`#grid .cell[data-step="${current.step}"]`).forEach((c) => c.classList.add('now'));
}

async function togglePlay() {
  const c = audioContext();
  if (seq.playing) {
    seq.playing = false;
    clearInterval(seq.timer);
    seq.queue.length = 0;
    document.querySelectorAll('#grid .cell.now').forEach((x) => x.classList.remove('now'));
    $('play').textContent = '▶ Play';
    if (info.audio === 'jack') postJSON('/api/transport', { playing: false }).catch((e) => showMessage(e.message));
    return;
  }
  seq.playing = true;
  seq.origin = c.currentTime + 0.1;
  seq.segStep = 0;
  seq.segTempo = pattern.tempo;
  seq.next = 0;
  $('play').textContent = '■ Stop';
  if (info.audio === 'jack') {
    try { await postJSON('/api/transport', { playing: true }); } catch (e) { showMessage(e.message); }
    seq.origin = c.currentTime + info.latency_ms / 1000;
  }
  schedule();
  seq.timer = setInterval(schedule, 25);
}

// ------------------------------------------------------------------ dropped sounds

async function dropSound(file) {
  const result = $('drop-result');
  result.textContent = `analysing ${file.name}…`;
  const q = new URLSearchParams({ class: $('drop-class').value, variations: 4, spread: $('spread').value, name: file.name });
  try {
    const r = await (await api('/api/resynth?' + q, { method: 'POST', body: file })).json();
    dropPath = { points: r.points, loudest: r.loudest, name: file.name };
    result.innerHTML = `<span>${r.seconds.toFixed(2)} s, as <b>${r.class}</b>${r.class_chosen ? ' (closest class)' : ''}</span>`;
    const items = [['original', r.original], ['resynthesis', r.resynthesis],
                   ...r.variations.map((u, i) => ['variation ' + (i + 1), u])];
    for (const [label, url] of items) {
      const samples = wavFloats(await (await api(url)).arrayBuffer());
      const item = document.createElement('div');
      item.className = 'item';
      item.innerHTML = `<button type="button">▶ ${label}</button><canvas></canvas>`;
      const buffer = bufferOf(samples);
      item.querySelector('button').addEventListener('click', () => playBuffer(buffer));
      if (label !== 'original') {
        const sel = document.createElement('select');
        sel.innerHTML = '<option value="">use as pad…</option>' + classes.map((c, k) => `<option value="${k}">${c.name}</option>`).join('');
        sel.addEventListener('change', async () => {
          if (sel.value === '') return;
          const k = Number(sel.value);
          try {
            await postJSON('/api/dropped/use', { source: url.replace('/api/dropped/', ''), class: k });
            await loadHit(k);
            showMessage(`${label} is now the ${classes[k].name} pad`, 'info');
          } catch (err) { showMessage(err.message); }
          sel.value = '';
        });
        item.appendChild(sel);
      }
      result.appendChild(item);
      drawWave(item.querySelector('canvas'), samples, label === 'original' ? '#9aa0aa' : PALETTE[r.class_index % PALETTE.length]);
    }
  } catch (err) {
    result.textContent = '';
    showMessage(`${file.name}: ${err.message}`);
  }
}

function setupDrop() {
  const zone = $('drop-zone');
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    if (e.dataTransfer.files.length) dropSound(e.dataTransfer.files[0]);
  });
  $('drop-file').addEventListener('change', (e) => { if (e.target.files.length) dropSound(e.target.files[0]); });
  classes.forEach((c) => {
    const o = document.createElement('option');
    o.value = c.name; o.textContent = c.name;
    $('drop-class').appendChild(o);
  });
}

// ------------------------------------------------------------------ start

function setupControls() {
  $('temperature').addEventListener('input', () => { $('temperature-out').textContent = Number($('temperature').value).toFixed(2); });
  $('spread').addEventListener('input', () => { $('spread-out').textContent = Number($('spread').value).toFixed(2); });
  $('tempo').addEventListener('change', () => {
    const v = Number($('tempo').value);
    if (!(v >= 20 && v <= 999)) { showMessage('tempo must be within 20..999 BPM'); $('tempo').value = pattern.tempo; return; }
    pattern.tempo = v;
    pushPattern();
  });
  $('swing').addEventListener('input', () => {
    pattern.swing = Number($('swing').value);
    $('swing-out').textContent = pattern.swing.toFixed(2);
    pushPattern();
  });
  $('play').addEventListener('click', togglePlay);
  $('save-pattern').addEventListener('click', () => {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([JSON.stringify(pattern, null, 2)], { type: 'application/json' }));
    a.download = 'pattern.json';
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });
  $('load-pattern').addEventListener('change', async (e) => {
    const f = e.target.files[0];
    if (!f) return;
    try {
      const text = await f.text();
      let p;
      try { p = JSON.parse(text); } catch (err) { throw new Error(`${f.name}: not JSON (${err.message})`); }
      pattern = normalisePattern(await postJSON('/api/pattern', p, 'PUT'));
      paintGrid();
      await Promise.all(classes.map((c, k) => loadHit(k)));
    } catch (err) { showMessage(err.message); }
    e.target.value = '';
  });
  const canvas = $('map');
  canvas.addEventListener('pointerdown', startStream);
  canvas.addEventListener('pointermove', (e) => { if (stream.active) moveStream(e); });
  canvas.addEventListener('pointerup', stopStream);
  canvas.addEventListener('pointercancel', stopStream);
  document.addEventListener('pointerdown', () => audioContext(), { once: true });
}

async function start() {
  try {
    info = await getJSON('/api/info');
    $('model-name').textContent = info.name;
    $('audio-mode').textContent = info.audio === 'jack' ? `audio: server (${info.audio_detail})`
                                                        : 'audio: this browser (Web Audio)';
    document.title = `ngsynth · ${info.name}`;
    classes = await getJSON('/api/classes');
    map = await getJSON('/api/map');
    pattern = normalisePattern(await getJSON('/api/pattern'));
    drawMapLayer();
    buildLegend();
    buildPads();
    buildGrid();
    setupDrop();
    setupControls();
    await Promise.all(classes.map((c, k) => loadHit(k)));
    showLatency();
    stats.ready = true;
    requestAnimationFrame(animate);
  } catch (err) {
    showMessage('cannot start: ' + err.message);
  }
}

start();
