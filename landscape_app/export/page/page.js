// Loss Landscape Lab: an exported race as one offline page (plain JS + canvas, no library).
// The data (window.PAGE_DATA) is described in landscape_app/export/page/pack.py.
(function () {
  "use strict";
  const D = JSON.parse(document.getElementById("page-data").textContent);
  const TYPES = { f4: Float32Array, f8: Float64Array, i4: Int32Array, u1: Uint8Array };
  function arr(e) {
    const bin = atob(e.b), bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return new TYPES[e.t](bytes.buffer);
  }
  const $ = (id) => document.getElementById(id);
  const SPEEDS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
  const grid = { xs: arr(D.grid.xs), ys: arr(D.grid.ys), values: arr(D.grid.values),
    scalar: arr(D.grid.scalar) };
  const nx = grid.xs.length, ny = grid.ys.length;
  const box = { x0: grid.xs[0], x1: grid.xs[nx - 1], y0: grid.ys[0], y1: grid.ys[ny - 1] };
  const contours = arr(D.contours);
  const offset = (D.loss_offset === null || D.loss_offset === undefined) ? 0 : D.loss_offset;
  const lanes = D.lanes.map((l) => ({
    label: l.label, color: l.color, visible: l.visible, status: l.status, message: l.message,
    step: arr(l.step), evals: arr(l.evals), loss: arr(l.loss), best: arr(l.best_loss),
    x: arr(l.x), y: arr(l.y) }));
  const field = D.field ? { xs: arr(D.field.xs), ys: arr(D.field.ys), steps: arr(D.field.steps),
    lanes: D.field.lanes, paths: D.field.paths.map(arr) } : null;
  const S = { step: 0, playing: false, speed: 10, carry: 0, last: 0, fieldStart: null,
    heads: [], frameTimes: [], firstDraw: null, drawn: 0 };

  // ---- numbers ---------------------------------------------------------------------------
  function fmt(v) {
    if (v === null || v === undefined || Number.isNaN(v)) return "—";
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "−inf";
    const m = Math.abs(v);
    return (m !== 0 && (m < 1e-3 || m >= 1e5)) ? v.toExponential(3) : v.toFixed(4);
  }
  function upto(steps, k) {  // rows with step <= k
    let lo = 0, hi = steps.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (steps[mid] <= k) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function nearest(values, v) {
    let best = 0;
    for (let i = 1; i < values.length; i++) if (Math.abs(values[i] - v) < Math.abs(values[best] - v)) best = i;
    return best;
  }
  function toMinimum(x, y) {
    let d = Infinity;
    for (const m of D.minima) d = Math.min(d, Math.hypot(x - m[0], y - m[1]));
    return D.minima.length ? d : NaN;
  }

  // ---- geometry ----------------------------------------------------------------------------
  const land = $("landscape"), lctx = land.getContext("2d");
  const curves = $("curves"), cctx = curves.getContext("2d");
  let R = null;  // plot rectangle in CSS pixels and the data → pixel maps
  function fitCanvas(c, ctx) {
    const dpr = window.devicePixelRatio || 1, w = c.clientWidth, h = c.clientHeight;
    c.width = Math.round(w * dpr); c.height = Math.round(h * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return [w, h];
  }
  function layout() {
    const [w, h] = fitCanvas(land, lctx);
    const font = Math.max(12, Math.min(20, w / 42));
    let l = font * 4.2, t = font, r = w - font * 5.2, b = h - font * 3.2;
    if (D.equal_aspect) {
      const sx = (r - l) / (box.x1 - box.x0), sy = (b - t) / (box.y1 - box.y0), s = Math.min(sx, sy);
      const pw = s * (box.x1 - box.x0), ph = s * (box.y1 - box.y0);
      l += ((r - l) - pw) / 2; r = l + pw; t += ((b - t) - ph) / 2; b = t + ph;
    }
    R = { w, h, l, t, r, b, font,
      px: (x) => l + (x - box.x0) / (box.x1 - box.x0) * (r - l),
      py: (y) => b - (y - box.y0) / (box.y1 - box.y0) * (b - t),
      dx: (p) => box.x0 + (p - l) / (r - l) * (box.x1 - box.x0),
      dy: (p) => box.y0 + (b - p) / (b - t) * (box.y1 - box.y0) };
    R.background = background();
    fitCanvas(curves, cctx);
  }

  // ---- the landscape: heatmap, contours, colour bar, axes, minima (drawn once per size) ------
  const lut = D.lut.map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)));
  let sLow = Infinity, sHigh = -Infinity;
  for (const v of grid.scalar) if (Number.isFinite(v)) { sLow = Math.min(sLow, v); sHigh = Math.max(sHigh, v); }
  if (!(sHigh > sLow)) { sLow = Number.isFinite(sLow) ? sLow : 0; sHigh = sLow + 1; }
  function heatmap() {
    const img = new ImageData(nx, ny);
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) {
      const v = grid.scalar[j * nx + i], o = ((ny - 1 - j) * nx + i) * 4;
      if (!Number.isFinite(v)) { img.data[o + 3] = 0; continue; }
      const c = lut[Math.max(0, Math.min(lut.length - 1, Math.round((v - sLow) / (sHigh - sLow) * (lut.length - 1))))];
      img.data[o] = c[0]; img.data[o + 1] = c[1]; img.data[o + 2] = c[2]; img.data[o + 3] = 255;
    }
    const c = document.createElement("canvas"); c.width = nx; c.height = ny;
    c.getContext("2d").putImageData(img, 0, 0);
    return c;
  }
  const heat = heatmap();
  const layerMap = D.maps.find((m) => m.layer);
  const layer = layerMap ? mapLayer(layerMap.layer) : null;
  function mapLayer(L) {  // the start map's cells as an image, drawn over the heatmap
    const rgb = arr(L.rgb), img = new ImageData(L.nx, L.ny);
    for (let j = 0; j < L.ny; j++) for (let i = 0; i < L.nx; i++) {
      const s = (j * L.nx + i) * 3, o = ((L.ny - 1 - j) * L.nx + i) * 4;
      img.data[o] = rgb[s]; img.data[o + 1] = rgb[s + 1]; img.data[o + 2] = rgb[s + 2]; img.data[o + 3] = 255;
    }
    const c = document.createElement("canvas"); c.width = L.nx; c.height = L.ny;
    c.getContext("2d").putImageData(img, 0, 0);
    const [x0, x1, y0, y1] = L.extent, hx = (x1 - x0) / Math.max(1, L.nx - 1) / 2, hy = (y1 - y0) / Math.max(1, L.ny - 1) / 2;
    return { canvas: c, x0: x0 - hx, x1: x1 + hx, y0: y0 - hy, y1: y1 + hy, opacity: L.opacity, shown: true };
  }
  function ticks(lo, hi, n) {
    const span = hi - lo, raw = span / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const stepv = [1, 2, 5, 10].map((m) => m * mag).find((s) => span / s <= n) || 10 * mag;
    const out = [];
    for (let v = Math.ceil(lo / stepv) * stepv; v <= hi + 1e-9 * span; v += stepv) out.push(Math.abs(v) < 1e-12 * span ? 0 : v);
    return out;
  }
  function tickText(v) { return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(1) : String(+v.toPrecision(4)); }
  function background() {
    const dpr = window.devicePixelRatio || 1, c = document.createElement("canvas");
    c.width = Math.round(R.w * dpr); c.height = Math.round(R.h * dpr);
    const g = c.getContext("2d"); g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = "#16181d"; g.fillRect(0, 0, R.w, R.h);
    g.fillStyle = "#303030"; g.fillRect(R.l, R.t, R.r - R.l, R.b - R.t);
    g.imageSmoothingEnabled = false;
    g.drawImage(heat, R.l, R.t, R.r - R.l, R.b - R.t);
    g.save(); g.beginPath(); g.rect(R.l, R.t, R.r - R.l, R.b - R.t); g.clip();
    if (layer && layer.shown) {
      g.globalAlpha = layer.opacity;
      g.drawImage(layer.canvas, R.px(layer.x0), R.py(layer.y1), R.px(layer.x1) - R.px(layer.x0), R.py(layer.y0) - R.py(layer.y1));
      g.globalAlpha = 1;
    }
    g.strokeStyle = "rgba(255,255,255,0.28)"; g.lineWidth = 1; g.beginPath();
    let pen = false;
    for (let k = 0; k < contours.length; k += 2) {
      const x = contours[k], y = contours[k + 1];
      if (Number.isNaN(x)) { pen = false; continue; }
      if (pen) g.lineTo(R.px(x), R.py(y)); else { g.moveTo(R.px(x), R.py(y)); pen = true; }
    }
    g.stroke();
    for (const m of D.minima) star(g, R.px(m[0]), R.py(m[1]), R.font * 0.7);
    g.restore();
    axes(g); colorbar(g);
    return c;
  }
  function star(g, x, y, r) {
    g.beginPath();
    for (let k = 0; k < 10; k++) {
      const a = -Math.PI / 2 + k * Math.PI / 5, rr = k % 2 ? r * 0.45 : r;
      g.lineTo(x + rr * Math.cos(a), y + rr * Math.sin(a));
    }
    g.closePath(); g.fillStyle = "#fff"; g.strokeStyle = "#000"; g.lineWidth = 1.5; g.fill(); g.stroke();
  }
  function axes(g) {
    g.fillStyle = "#ddd"; g.strokeStyle = "#888"; g.font = `${R.font}px system-ui, sans-serif`;
    g.textAlign = "center"; g.textBaseline = "top";
    for (const v of ticks(box.x0, box.x1, Math.max(3, (R.r - R.l) / (R.font * 6)))) {
      const x = R.px(v); g.beginPath(); g.moveTo(x, R.b); g.lineTo(x, R.b + 4); g.stroke();
      g.fillText(tickText(v), x, R.b + 6);
    }
    g.fillText(D.axes[0], (R.l + R.r) / 2, R.b + R.font * 1.6);
    g.textAlign = "right"; g.textBaseline = "middle";
    for (const v of ticks(box.y0, box.y1, Math.max(3, (R.b - R.t) / (R.font * 3)))) {
      const y = R.py(v); g.beginPath(); g.moveTo(R.l - 4, y); g.lineTo(R.l, y); g.stroke();
      g.fillText(tickText(v), R.l - 6, y);
    }
    g.save(); g.translate(R.font * 0.9, (R.t + R.b) / 2); g.rotate(-Math.PI / 2);
    g.textAlign = "center"; g.fillText(D.axes[1], 0, 0); g.restore();
  }
  function colorbar(g) {
    const x = R.r + R.font * 0.8, w = R.font * 0.9, t = R.t, b = R.b;
    for (let k = 0; k < lut.length; k++) {
      const c = lut[k], y0 = b - (k + 1) * (b - t) / lut.length;
      g.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`; g.fillRect(x, y0, w, (b - t) / lut.length + 0.5);
    }
    g.fillStyle = "#ddd"; g.textAlign = "left"; g.textBaseline = "middle";
    for (const v of ticks(sLow, sHigh, Math.max(3, (b - t) / (R.font * 3)))) {
      const y = b - (v - sLow) / (sHigh - sLow) * (b - t);
      g.fillText(tickText(v), x + w + 3, y);
    }
    g.save(); g.translate(Math.min(R.w - R.font * 0.6, x + w + R.font * 4.2), (t + b) / 2); g.rotate(-Math.PI / 2);
    g.textAlign = "center"; g.fillText(D.log_scale ? "log₁₀(loss − min + ε)" : "loss", 0, 0); g.restore();
  }

  // ---- paths ---------------------------------------------------------------------------------
  function fieldIndex(lane) { return field ? field.lanes.indexOf(lane) : -1; }
  function fieldPath(k, lane) {  // points of the field path up to step k, head interpolated
    const p = field.paths[k], n = field.steps.length, [i, j] = S.fieldStart;
    const base = (j * field.xs.length + i) * n * 2, xs = [], ys = [];
    const m = upto(field.steps, S.step);
    for (let q = 0; q < m; q++) { xs.push(p[base + 2 * q]); ys.push(p[base + 2 * q + 1]); }
    if (m < n && m > 0) {
      const s0 = field.steps[m - 1], s1 = field.steps[m], f = (S.step - s0) / (s1 - s0);
      xs.push(p[base + 2 * (m - 1)] * (1 - f) + p[base + 2 * m] * f);
      ys.push(p[base + 2 * (m - 1) + 1] * (1 - f) + p[base + 2 * m + 1] * f);
    }
    return { xs, ys, field: true };
  }
  function lanePath(lane) {
    const k = fieldIndex(lane);
    if (S.fieldStart && k >= 0) return fieldPath(k, lane);
    const L = lanes[lane], m = upto(L.step, S.step);
    return { xs: L.x.subarray(0, m), ys: L.y.subarray(0, m), field: false };
  }
  const LIMIT = 1e6;
  function clip(v) { return Math.max(-LIMIT, Math.min(LIMIT, v)); }
  function drawPaths() {
    S.heads = [];
    lctx.save(); lctx.beginPath(); lctx.rect(R.l, R.t, R.r - R.l, R.b - R.t); lctx.clip();
    lctx.lineJoin = "round"; lctx.lineCap = "round";
    const width = Math.max(2, R.font / 6);
    lanes.forEach((L, lane) => {
      const p = lanePath(lane), n = p.xs.length;
      const head = n ? { x: p.xs[n - 1], y: p.ys[n - 1] } : null;
      S.heads.push({ label: L.label, visible: L.visible, field: p.field,
        x: head ? head.x : null, y: head ? head.y : null, points: L.visible ? n : 0 });
      if (!L.visible || !n) return;
      lctx.beginPath();
      for (let q = 0; q < n; q++) lctx.lineTo(clip(R.px(p.xs[q])), clip(R.py(p.ys[q])));
      lctx.strokeStyle = "rgba(0,0,0,0.55)"; lctx.lineWidth = width + 2; lctx.stroke();
      lctx.strokeStyle = L.color; lctx.lineWidth = width; lctx.stroke();
      lctx.beginPath(); lctx.arc(clip(R.px(head.x)), clip(R.py(head.y)), width * 2.6, 0, 2 * Math.PI);
      lctx.fillStyle = L.color; lctx.fill(); lctx.strokeStyle = "#fff"; lctx.lineWidth = 2; lctx.stroke();
    });
    const start = S.fieldStart ? [field.xs[S.fieldStart[0]], field.ys[S.fieldStart[1]]] : D.start;
    if (start) marker(R.px(start[0]), R.py(start[1]));
    lctx.restore();
  }
  function marker(x, y) {
    const r = R.font * 0.7;
    lctx.strokeStyle = "#000"; lctx.lineWidth = 4;
    for (const pass of [0, 1]) {
      lctx.beginPath(); lctx.moveTo(x - r, y); lctx.lineTo(x + r, y); lctx.moveTo(x, y - r); lctx.lineTo(x, y + r);
      lctx.arc(x, y, r * 0.6, 0, 2 * Math.PI); lctx.stroke();
      if (!pass) { lctx.strokeStyle = "#fff"; lctx.lineWidth = 2; }
    }
  }

  // ---- loss curves -----------------------------------------------------------------------------
  const logLoss = lanes.map((L) => L.loss.map((v) => (v - offset > 0 ? Math.log10(v - offset) : NaN)));
  let cLow = Infinity, cHigh = -Infinity;
  logLoss.forEach((a) => { for (const v of a) if (Number.isFinite(v)) { cLow = Math.min(cLow, v); cHigh = Math.max(cHigh, v); } });
  if (!(cHigh > cLow)) { cLow = Number.isFinite(cLow) ? cLow - 1 : 0; cHigh = cLow + 2; }
  cLow = Math.floor(cLow); cHigh = Math.ceil(cHigh);
  function drawCurves() {
    const w = curves.clientWidth, h = curves.clientHeight, f = R.font;
    const l = f * 4, r = w - f * 1.6, t = f, b = h - f * 2.6;
    cctx.clearRect(0, 0, w, h);
    cctx.font = `${f}px system-ui, sans-serif`; cctx.fillStyle = "#ddd"; cctx.strokeStyle = "#555";
    cctx.textAlign = "right"; cctx.textBaseline = "middle";
    const yOf = (v) => b - (v - cLow) / (cHigh - cLow) * (b - t), xOf = (s) => l + s / Math.max(1, D.steps) * (r - l);
    const every = Math.max(1, Math.ceil((cHigh - cLow) / Math.max(2, (b - t) / (f * 1.6))));
    for (let d = cLow; d <= cHigh; d += every) {
      cctx.fillText(`1e${d}`, l - 4, yOf(d));
      cctx.beginPath(); cctx.moveTo(l, yOf(d)); cctx.lineTo(r, yOf(d)); cctx.stroke();
    }
    cctx.textAlign = "center"; cctx.textBaseline = "top";
    for (const v of ticks(0, D.steps, Math.max(2, (r - l) / (f * 5)))) cctx.fillText(tickText(v), xOf(v), b + 4);
    cctx.fillText(offset ? "step   (loss − known minimum, log scale)" : "step   (loss, log scale)", (l + r) / 2, b + f * 1.3);
    cctx.save(); cctx.beginPath(); cctx.rect(l, t, r - l, b - t); cctx.clip();
    lanes.forEach((L, lane) => {
      if (!L.visible) return;
      const m = upto(L.step, S.step), a = logLoss[lane];
      cctx.beginPath(); let pen = false;
      for (let q = 0; q < m; q++) {
        if (!Number.isFinite(a[q])) { pen = false; continue; }
        const x = xOf(L.step[q]), y = yOf(a[q]);
        if (pen) cctx.lineTo(x, y); else { cctx.moveTo(x, y); pen = true; }
      }
      cctx.strokeStyle = L.color; cctx.lineWidth = 2; cctx.stroke();
    });
    cctx.strokeStyle = "#aaa"; cctx.lineWidth = 1; cctx.beginPath();
    cctx.moveTo(xOf(S.step), t); cctx.lineTo(xOf(S.step), b); cctx.stroke();
    cctx.restore();
  }

  // ---- table -----------------------------------------------------------------------------------
  const tbody = document.querySelector("#table tbody");
  const rows = lanes.map((L) => {
    const tr = document.createElement("tr"), cells = [];
    for (let c = 0; c < 7; c++) { const td = document.createElement("td"); tr.appendChild(td); cells.push(td); }
    cells[0].innerHTML = `<span class="swatch" style="background:${L.color}"></span> `;
    cells[0].appendChild(document.createTextNode(L.label));
    tbody.appendChild(tr);
    return { tr, cells };
  });
  function drawTable() {
    lanes.forEach((L, lane) => {
      const m = upto(L.step, S.step), c = rows[lane].cells, q = m - 1;
      rows[lane].tr.classList.toggle("hidden", !L.visible);
      if (q < 0) { for (let k = 1; k < 7; k++) c[k].textContent = "—"; return; }
      const final = q === L.step.length - 1 && L.step[q] <= S.step && L.status !== "running";
      const values = [String(L.step[q]), String(L.evals[q]), fmt(L.loss[q]), fmt(L.best[q]),
        fmt(toMinimum(L.x[q], L.y[q])), final ? L.status : "running"];
      values.forEach((v, k) => { if (c[k + 1].textContent !== v) c[k + 1].textContent = v; });
      c[6].title = final ? L.message : "";
    });
  }

  // ---- the model view (network pages): the lane's picture at the last pictured step <= shown ----
  const model = D.model || [];
  function modelFrame(k) {
    const frames = model[k] || [];
    let shown = frames[0] || null;
    for (const f of frames) { if (f.step <= S.step) shown = f; else break; }
    return shown;
  }
  function drawModel() {
    if (!model.length) return;
    const k = +$("model-lane").value, f = modelFrame(k);
    if (!f) return;
    if (S.modelShown !== f) { $("model-picture").src = `data:image/png;base64,${f.png}`; S.modelShown = f; }
    $("model-caption").textContent = `after step ${f.step}: ${f.caption}`;
  }

  // ---- frame -----------------------------------------------------------------------------------
  function draw() {
    const t0 = performance.now();
    lctx.clearRect(0, 0, R.w, R.h);
    lctx.drawImage(R.background, 0, 0, R.w, R.h);
    drawPaths(); drawCurves(); drawTable(); drawModel();
    $("slider").value = String(S.step);
    $("step-label").textContent = `step ${S.step} / ${D.steps}`;
    $("play").textContent = S.playing ? "❚❚ Pause" : "▶ Play";
    const t1 = performance.now();
    S.frameTimes.push(t1 - t0); if (S.frameTimes.length > 5000) S.frameTimes.shift();
    if (S.firstDraw === null) S.firstDraw = t1;
    S.drawn++; S.drawnStep = S.step;
  }
  let pending = false;
  function request() { if (!pending) { pending = true; requestAnimationFrame(tick); } }
  function tick(now) {
    pending = false;
    if (S.playing) {
      if (S.last) S.carry += (now - S.last) / 1000 * S.speed;
      S.last = now;
      const whole = Math.floor(S.carry); S.carry -= whole;
      S.step = Math.min(D.steps, S.step + whole);
      if (S.step >= D.steps) S.playing = false;
    }
    draw();
    if (S.playing) request();
  }
  function setStep(k) { S.step = Math.max(0, Math.min(D.steps, Math.round(k))); request(); }
  function play(on) {
    S.playing = on && D.steps > 0;
    if (S.playing && S.step >= D.steps) S.step = 0;
    S.last = 0; S.carry = 0; request();
  }
  function reset() { S.playing = false; S.step = 0; S.fieldStart = null; $("start-note").textContent = startNote(); request(); }
  function toggle(lane) {
    if (lane < 0 || lane >= lanes.length) return;
    lanes[lane].visible = !lanes[lane].visible;
    document.querySelectorAll("#lanes input")[lane].checked = lanes[lane].visible; request();
  }

  // ---- pointer: hover readout, click / drag to start --------------------------------------------
  function inPlot(px, py) { return px >= R.l && px <= R.r && py >= R.t && py <= R.b; }
  function pointer(e) {
    const rect = land.getBoundingClientRect();
    return [e.clientX - rect.left, e.clientY - rect.top];
  }
  function hover(px, py) {
    if (!inPlot(px, py)) { $("readout").textContent = "Hover the landscape for x, y and loss."; return; }
    const x = R.dx(px), y = R.dy(py), i = nearest(grid.xs, x), j = nearest(grid.ys, y);
    $("readout").textContent = `x = ${fmt(x)}   y = ${fmt(y)}   loss = ${fmt(grid.values[j * nx + i])}`;
  }
  function startNote() {
    if (!field) return D.start ? "This page has no whole paths to start elsewhere." : "";
    const names = field.lanes.map((k) => lanes[k].label).join(", ");
    if (!S.fieldStart) return `Click or drag on the landscape to start ${names} there (R: back to the saved start).`;
    const [i, j] = S.fieldStart;
    return `Start snapped to the nearest of ${field.xs.length}×${field.ys.length} field starts: ` +
      `(${fmt(field.xs[i])}, ${fmt(field.ys[j])}) for ${names}; the other lanes, the table and ` +
      "the loss curves keep the saved start.";
  }
  function startAt(px, py) {
    if (!field || !inPlot(px, py)) return;
    S.fieldStart = [nearest(field.xs, R.dx(px)), nearest(field.ys, R.dy(py))];
    $("start-note").textContent = startNote(); request();
  }
  let dragging = false;
  land.addEventListener("pointerdown", (e) => {
    const [px, py] = pointer(e); dragging = true; land.setPointerCapture(e.pointerId);
    startAt(px, py); hover(px, py);
  });
  land.addEventListener("pointermove", (e) => {
    const [px, py] = pointer(e); hover(px, py); if (dragging) startAt(px, py);
  });
  const stop = () => { dragging = false; };
  land.addEventListener("pointerup", stop); land.addEventListener("pointercancel", stop);

  // ---- controls ----------------------------------------------------------------------------------
  function controls() {
    $("title").textContent = D.title;
    $("subtitle").textContent = `${D.landscape} · ${lanes.length} optimizers · ${D.steps} steps`;
    $("note").textContent = D.note || "";
    if (!D.note) $("note-panel").hidden = true;
    const slider = $("slider"); slider.max = String(D.steps);
    slider.addEventListener("input", () => { S.playing = false; setStep(+slider.value); });
    const target = D.steps / 10, sel = $("speed");
    S.speed = SPEEDS.reduce((a, b) => (Math.abs(b - target) < Math.abs(a - target) ? b : a));
    for (const s of SPEEDS) { const o = document.createElement("option"); o.value = s; o.textContent = `${s} steps/s`; sel.appendChild(o); }
    sel.value = String(S.speed); sel.addEventListener("change", () => { S.speed = +sel.value; });
    $("play").addEventListener("click", () => play(!S.playing));
    $("step").addEventListener("click", () => { S.playing = false; setStep(S.step + 1); });
    $("back").addEventListener("click", () => { S.playing = false; setStep(S.step - 1); });
    $("reset").addEventListener("click", reset);
    lanes.forEach((L, lane) => {
      const label = document.createElement("label"), box = document.createElement("input");
      box.type = "checkbox"; box.checked = L.visible; box.dataset.lane = String(lane);
      box.addEventListener("change", () => { L.visible = box.checked; request(); });
      label.appendChild(box);
      label.insertAdjacentHTML("beforeend", `<span class="swatch" style="background:${L.color}"></span>`);
      label.appendChild(document.createTextNode(`${lane + 1} ${L.label}`));
      $("lanes").appendChild(label);
    });
    if (layer) {
      const label = document.createElement("label"), box = document.createElement("input");
      box.type = "checkbox"; box.checked = true; box.id = "map-layer";
      box.addEventListener("change", () => { layer.shown = box.checked; R.background = background(); request(); });
      label.appendChild(box); label.appendChild(document.createTextNode("start map on the landscape (click a cell: its path)"));
      $("lanes").appendChild(label);
    }
    if (model.length) {
      const sel = $("model-lane");
      D.lanes.forEach((L, k) => {
        if (!(model[k] || []).length) return;
        const o = document.createElement("option"); o.value = String(k); o.textContent = L.label; sel.appendChild(o);
      });
      sel.addEventListener("change", request);
      $("model-panel").hidden = false;
    }
    for (const m of D.maps) {
      const fig = document.createElement("figure"), img = document.createElement("img"), cap = document.createElement("figcaption");
      img.src = `data:image/png;base64,${m.png}`; img.alt = m.title; cap.textContent = m.title;
      fig.appendChild(img); fig.appendChild(cap); $("maps").appendChild(fig);
    }
    document.addEventListener("keydown", (e) => {
      if (e.target && (e.target.tagName === "SELECT" || e.target.tagName === "INPUT" && e.target.type !== "range")) return;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === " ") play(!S.playing);
      else if (e.key === "ArrowRight") { S.playing = false; setStep(S.step + 1); }
      else if (e.key === "ArrowLeft") { S.playing = false; setStep(S.step - 1); }
      else if (e.key === "r" || e.key === "R") reset();
      else if (/^[1-9]$/.test(e.key)) toggle(+e.key - 1);
      else return;
      e.preventDefault();
    });
    $("start-note").textContent = startNote();
  }

  controls();
  layout();
  draw();
  new ResizeObserver(() => { layout(); request(); }).observe(land);
  window.__page = {
    state: () => ({ step: S.step, playing: S.playing, slider: +$("slider").value,
      heads: S.heads.map((h) => Object.assign({}, h)),
      fieldStart: S.fieldStart && [field.xs[S.fieldStart[0]], field.ys[S.fieldStart[1]]],
      mapLayer: Boolean(layer && layer.shown),
      model: S.modelShown ? { lane: +$("model-lane").value, step: S.modelShown.step } : null,
      drawn: S.drawn, drawnStep: S.drawnStep, pending }),
    toPixels: (x, y) => [R.px(x), R.py(y)],
    fieldStarts: () => field && { xs: Array.from(field.xs), ys: Array.from(field.ys), steps: Array.from(field.steps), lanes: field.lanes.slice() },
    timing: () => ({ firstDraw: S.firstDraw, frameTimes: S.frameTimes.slice() }),
  };
})();
