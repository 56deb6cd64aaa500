/* netsim lecture viewer: replays one run from the JSON embedded in the page (format:
   docs of "netsim-view" version 1). No framework, no network: everything the page shows
   is derived from DATA. A step is an index into DATA.events; every view is a pure
   function of the current step, so stepping back costs the same as stepping forward. */
(function () {
  'use strict';
  var t0 = performance.now();
  var DATA = JSON.parse(document.getElementById('netsim-view-data').textContent);
  var EV = DATA.events || [];
  var EVF = DATA.event_frames || [];
  var FRAMES = DATA.frames || [];
  var N = EV.length;
  var SVGNS = 'http://www.w3.org/2000/svg';
  var BASE_INTERVAL_MS = 700;

  /* The page's words in the run's language: netsim writes the dictionary {msgid:
     translation} beside the data when the language is not English (docs/viewer.md,
     "Language"); every msgid is in src/viewer/page_text.c. T('%s of %s', a, b) fills
     each %s in order, or %1$s, %2$s... where a translation reorders them. */
  var TEXT = (function () {
    var s = document.getElementById('netsim-view-text');
    return s ? JSON.parse(s.textContent) : {};
  })();
  function T(msgid) {
    var s = Object.prototype.hasOwnProperty.call(TEXT, msgid) ? TEXT[msgid] : msgid;
    var args = arguments, next = 0;
    if (args.length < 2) return s;
    return s.replace(/%(?:(\d+)\$)?s/g, function (m, k) { return String(args[k ? +k : ++next]); });
  }
  // A device type or a run's end status, as the page shows it ("switch", "complete").
  var WORDS = { host: T('host'), 'switch': T('switch'), hub: T('hub'), router: T('router'), nat: T('nat'),
                complete: T('complete'), interrupted: T('interrupted'), stopped: T('stopped') };
  function word(w) { return Object.prototype.hasOwnProperty.call(WORDS, w) ? WORDS[w] : w; }

  var state = { step: 0, playing: false, speed: 1, device: null, tab: 'inspector',
                present: false, view: [], ladderA: null, ladderB: null, ladderAbs: false };

  function $(id) { return document.getElementById(id); }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function sel(tag, attrs, text) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /* ---------- indexes built once ---------- */
  var devByName = {}, devByDot = {};
  (DATA.devices || []).forEach(function (d) { devByName[d.name] = d; devByDot[d.dot_id] = d; });
  var wiresOfPacket = {};   // packet id -> ascending wire event indexes
  var eventsOfPacket = {};  // packet id -> ascending event indexes
  EV.forEach(function (e, i) {
    if (e.packet === undefined) return;
    (eventsOfPacket[e.packet] = eventsOfPacket[e.packet] || []).push(i);
    if (e.kind === 'wire') (wiresOfPacket[e.packet] = wiresOfPacket[e.packet] || []).push(i);
  });

  function frameOf(i) {
    var f = EVF[i];
    return (f === undefined || f < 0) ? null : FRAMES[f];
  }
  function hexBytes(fr) {
    if (!fr._bytes) {
      var b = new Uint8Array(fr.hex.length / 2);
      for (var i = 0; i < b.length; i++) b[i] = parseInt(fr.hex.substr(i * 2, 2), 16);
      fr._bytes = b;
    }
    return fr._bytes;
  }

  /* ---------- topology ---------- */
  var svg = null, gRoot = null, nodeG = {}, edgeG = {}, overlay = null, viewBox = null, fullBox = null;

  function titleOf(g) {
    var t = g.querySelector(':scope > title');
    return t ? t.textContent : '';
  }
  function setupTopology() {
    var host = $('topo');
    svg = host.querySelector('svg');
    if (!svg && DATA.svg) { host.innerHTML = DATA.svg; svg = host.querySelector('svg'); }
    if (!svg) svg = drawFallbackLayout(host);
    gRoot = svg.querySelector('g.graph') || svg;
    svg.removeAttribute('width'); svg.removeAttribute('height');
    svg.setAttribute('preserveAspectRatio', 'xMidYMid meet');
    svg.querySelectorAll('g.node').forEach(function (g) {
      var d = devByDot[titleOf(g)];
      if (!d) return;
      nodeG[d.name] = g;
      g.setAttribute('data-device', d.name);
      g.addEventListener('click', function (ev) { ev.stopPropagation(); showDevice(d.name); });
    });
    var dotEdgeToLink = {};
    (DATA.links || []).forEach(function (l) { dotEdgeToLink[l.dot_edge] = l; });
    svg.querySelectorAll('g.edge').forEach(function (g) {
      var l = dotEdgeToLink[titleOf(g)];
      if (!l) return;
      edgeG[l.name] = g;
      g.setAttribute('data-link', l.name);
    });
    overlay = sel('g', { 'class': 'overlay' });
    gRoot.appendChild(overlay);
    var vb = svg.viewBox.baseVal;
    fullBox = { x: vb.x, y: vb.y, w: vb.width, h: vb.height };
    viewBox = Object.assign({}, fullBox);
    setupZoomPan(host);
  }

  /* Without Graphviz the page lays the devices on a circle, in the same shape of
     groups and titles Graphviz writes, so the rest of the page does not care. */
  function drawFallbackLayout(host) {
    var devs = DATA.devices || [], n = Math.max(devs.length, 1), R = 60 + 30 * n;
    var s = sel('svg', { viewBox: (-R - 90) + ' ' + (-R - 60) + ' ' + (2 * R + 180) + ' ' + (2 * R + 120) });
    var g = sel('g', { 'class': 'graph' });
    s.appendChild(g);
    var pos = {};
    devs.forEach(function (d, i) {
      var a = 2 * Math.PI * i / n;
      pos[d.dot_id] = [R * Math.cos(a), R * Math.sin(a)];
    });
    (DATA.links || []).forEach(function (l) {
      var p = pos[devByName[l.a].dot_id], q = pos[devByName[l.b].dot_id];
      var e = sel('g', { 'class': 'edge' });
      e.appendChild(sel('title', {}, l.dot_edge));
      e.appendChild(sel('path', { d: 'M' + p[0] + ',' + p[1] + 'L' + q[0] + ',' + q[1], stroke: '#5b6770', 'stroke-width': 2, fill: 'none' }));
      g.appendChild(e);
    });
    devs.forEach(function (d) {
      var p = pos[d.dot_id], e = sel('g', { 'class': 'node' });
      e.appendChild(sel('title', {}, d.dot_id));
      e.appendChild(sel('polygon', { points: [p[0] - 70, p[1] - 22, p[0] + 70, p[1] - 22, p[0] + 70, p[1] + 22, p[0] - 70, p[1] + 22].join(' '), fill: '#dbeafe', stroke: '#1d4ed8' }));
      e.appendChild(sel('text', { x: p[0], y: p[1] - 6, 'text-anchor': 'middle', 'font-weight': 'bold' }, d.name + ' (' + word(d.type) + ')'));
      var ip = (d.ifaces || []).filter(function (f) { return f.ip; }).map(function (f) { return f.ip; }).join(' ');
      e.appendChild(sel('text', { x: p[0], y: p[1] + 12, 'text-anchor': 'middle', 'font-size': 9 }, ip));
      g.appendChild(e);
    });
    host.appendChild(s);
    return s;
  }

  function applyViewBox() {
    svg.setAttribute('viewBox', [viewBox.x, viewBox.y, viewBox.w, viewBox.h].join(' '));
  }
  function zoom(factor, cx, cy) {
    if (cx === undefined) { cx = viewBox.x + viewBox.w / 2; cy = viewBox.y + viewBox.h / 2; }
    viewBox.x = cx - (cx - viewBox.x) * factor; viewBox.y = cy - (cy - viewBox.y) * factor;
    viewBox.w *= factor; viewBox.h *= factor;
    applyViewBox();
  }
  function zoomFit() { viewBox = Object.assign({}, fullBox); applyViewBox(); }
  function clientToSvg(x, y) {
    var r = svg.getBoundingClientRect();
    // preserveAspectRatio "meet" centres the view box: one scale, measured from the centre
    var s = Math.max(viewBox.w / r.width, viewBox.h / r.height);
    return { x: viewBox.x + viewBox.w / 2 + (x - r.left - r.width / 2) * s,
             y: viewBox.y + viewBox.h / 2 + (y - r.top - r.height / 2) * s };
  }
  function setupZoomPan(host) {
    host.addEventListener('wheel', function (ev) {
      ev.preventDefault();
      var p = clientToSvg(ev.clientX, ev.clientY);
      zoom(ev.deltaY > 0 ? 1.15 : 1 / 1.15, p.x, p.y);
    }, { passive: false });
    var drag = null;
    host.addEventListener('pointerdown', function (ev) {
      if (ev.target.closest && ev.target.closest('g.node')) return;
      drag = { x: ev.clientX, y: ev.clientY, vb: Object.assign({}, viewBox) };
      host.classList.add('dragging');
    });
    window.addEventListener('pointermove', function (ev) {
      if (!drag) return;
      var r = svg.getBoundingClientRect();
      var s = Math.max(viewBox.w / r.width, viewBox.h / r.height);
      viewBox.x = drag.vb.x - (ev.clientX - drag.x) * s;
      viewBox.y = drag.vb.y - (ev.clientY - drag.y) * s;
      applyViewBox();
    });
    window.addEventListener('pointerup', function () { drag = null; host.classList.remove('dragging'); });
    $('zoom-in').onclick = function () { zoom(1 / 1.25); };
    $('zoom-out').onclick = function () { zoom(1.25); };
    $('zoom-fit').onclick = zoomFit;
  }

  // The drawing never moves (only the view box does), so geometry is measured once:
  // a step then forces no layout.
  var centerCache = {};
  function nodeCenter(name) {
    var g = nodeG[name];
    if (!g) return null;
    if (!centerCache[name]) {
      var b = g.getBBox();
      centerCache[name] = { x: b.x + b.width / 2, y: b.y + b.height / 2, top: b.y, w: b.width };
    }
    return centerCache[name];
  }

  /* ---------- animation and callouts ---------- */
  var anim = null;

  /* The copies of one frame a switch floods or a hub repeats leave at the same instant:
     every wire event with the same time, packet and transmitter moves together. */
  function wireGroup(i) {
    var e = EV[i], out = [];
    for (var j = i; j >= 0 && EV[j].t === e.t; j--) if (sameCopy(EV[j], e)) out.unshift(j);
    for (j = i + 1; j < N && EV[j].t === e.t; j++) if (sameCopy(EV[j], e)) out.push(j);
    return out;
  }
  function sameCopy(a, b) {
    return a.kind === 'wire' && a.packet === b.packet && a.tx_device === b.tx_device;
  }

  var trackCache = {};
  function edgeTrack(w) {
    var key = w.link + ' ' + w.tx_device;
    if (trackCache[key]) return trackCache[key];
    var g = edgeG[w.link];
    var path = g && g.querySelector('path');
    if (!path) return null;
    var len = path.getTotalLength();
    var p0 = path.getPointAtLength(0), tx = nodeCenter(w.tx_device);
    var p1 = path.getPointAtLength(len);
    var forward = !tx || Math.hypot(p0.x - tx.x, p0.y - tx.y) <= Math.hypot(p1.x - tx.x, p1.y - tx.y);
    return (trackCache[key] = { path: path, len: len, forward: forward, g: g });
  }

  function renderTopologyStep() {
    if (!svg) return;
    if (anim) { cancelAnimationFrame(anim); anim = null; }
    overlay.textContent = '';
    svg.querySelectorAll('.active, .collision').forEach(function (x) { x.classList.remove('active', 'collision'); });
    if (state.device && nodeG[state.device]) nodeG[state.device].classList.add('chosen');
    var e = EV[state.step];
    if (!e) return;
    if (e.device && nodeG[e.device]) nodeG[e.device].classList.add('active');
    $('step-caption').textContent = captionOf(e);
    if (e.kind === 'wire') {
      var tracks = wireGroup(state.step).map(function (j) {
        var tr = edgeTrack(EV[j]);
        if (tr) tr.g.classList.add('active');
        return tr;
      }).filter(Boolean);
      animateMarkers(tracks, e.packet);
    }
    var text = calloutText(e);
    if (text) addCallout(e.device, text, e.kind);
  }

  function animateMarkers(tracks, packet) {
    var markers = tracks.map(function (tr) {
      var m = sel('g', { 'class': 'marker' });
      m.appendChild(sel('circle', { r: 9 }));
      m.appendChild(sel('text', {}, packet === undefined ? '' : String(packet)));
      overlay.appendChild(m);
      return m;
    });
    var duration = Math.min(600, BASE_INTERVAL_MS / state.speed * 0.85), start = performance.now();
    function frame(now) {
      var f = Math.min(1, (now - start) / duration);
      tracks.forEach(function (tr, k) {
        var at = tr.forward ? f * tr.len : (1 - f) * tr.len;
        var p = tr.path.getPointAtLength(at);
        markers[k].setAttribute('transform', 'translate(' + p.x + ',' + p.y + ')');
      });
      anim = f < 1 ? requestAnimationFrame(frame) : null;
    }
    frame(start);
  }

  var CALLOUT_KINDS = { learn: 1, arp: 1, translate: 1, forward: 1, drop: 1, collide: 1, backoff: 1,
                        state: 1, table: 1, filter: 1, flood: 1, repeat: 1, deliver: 1 };
  // The rule a NAT box applied (the typed fact "translation" of trace.jsonl).
  function natText(rule, detail) {
    switch (rule) {
      case 'snat': return T('NAT source NAT: %s', detail);
      case 'reply': return T('NAT reply: %s', detail);
      case 'port_forward': return T('NAT port forward: %s', detail);
      case 'icmp_error': return T('NAT ICMP error back: %s', detail);
      default: return T('NAT: %s', detail);
    }
  }
  function calloutText(e) {
    if (!CALLOUT_KINDS[e.kind] || !e.device) return null;
    switch (e.kind) {
      case 'learn': return T('MAC learned: %s', e.detail || T('%s on %s', e.key, e.new));
      case 'arp': return e.old === undefined ? T('ARP entry added: %s', e.detail || e.key) : T('ARP entry: %s', e.detail || e.key);
      case 'translate': return natText(e.translation, e.detail || '');
      case 'forward':
        if (e.ttl_old !== undefined) return T('TTL %s \u2192 %s, forward %s', e.ttl_old, e.ttl_new, e.detail || '');
        return T('forward %s', e.detail || '');
      case 'drop': return '\u2716 ' + T('dropped: %s', e.why || e.reason || '');
      case 'collide': return e.port ? T('collision: %s', e.detail || T('jam')) : '\u26A1 ' + T('COLLISION: %s', e.detail || e.why || '');
      case 'backoff': return T('backoff: %s', e.detail || '');
      case 'filter': return e.detail ? T('firewall: %s (%s)', e.why || '', e.detail) : T('firewall: %s', e.why || '');
      case 'flood': return T('flood %s', e.detail || '');
      case 'repeat': return T('repeat %s', e.detail || '');
      case 'deliver': return T('delivered: %s', e.why || '');
      default: return (e.why || e.kind) + (e.detail ? ': ' + e.detail : '');
    }
  }
  function addCallout(device, text, kind) {
    var c = nodeCenter(device);
    if (!c) return;
    if (kind === 'collide') nodeG[device].classList.add('collision');
    var g = sel('g', { 'class': 'callout ' + kind, 'data-device': device });
    if (text.length > 70) text = text.slice(0, 68) + '\u2026';
    // sized from the text length, not measured: measuring would force a layout per step
    var fs = state.present ? 15 : 10, w = text.length * fs * 0.58 + 12, y = c.top - 10;
    g.appendChild(sel('rect', { x: c.x - w / 2, y: y - fs - 4, width: w, height: fs + 8 }));
    g.appendChild(sel('text', { x: c.x, y: y - 2, 'text-anchor': 'middle' }, text));
    overlay.appendChild(g);
  }

  /* A program's typed result (trace.jsonl "result"), fields in their order:
   * "dns answer: name=www.example.com, address=93.184.216.34". */
  function resultText(r) {
    var rest = Object.keys(r).filter(function (k) { return k !== 'program' && k !== 'event'; })
      .map(function (k) { return k + '=' + r[k]; });
    return r.program + ' ' + r.event + (rest.length ? ': ' + rest.join(', ') : '');
  }
  /* A "show" event: its table's name and size (the rows are in the inspector);
   * a result with no line of its own: the result. */
  function textOf(e) {
    if (e.kind === 'show') return T('%s table, %s rows', e.show, (e.rows || []).length);
    if (e.kind === 'app' && e.detail === undefined && e.result) return resultText(e.result);
    return e.summary || e.detail || '';
  }
  function captionOf(e) {
    var text = textOf(e);
    return T('step %s \u00b7 %s s \u00b7 %s %s', state.step, e.time, e.device || '', e.kind) +
      (text ? ' \u00b7 ' + text : '');
  }
  /* The rows of a shown table, one column per field name in first-seen order. */
  function showTable(e) {
    var names = [], seen = {}, t = el('table', { 'class': 'fields' });
    (e.rows || []).forEach(function (r) {
      Object.keys(r).forEach(function (k) { if (!seen[k]) { seen[k] = 1; names.push(k); } });
    });
    var head = el('tr', {});
    names.forEach(function (k) { head.appendChild(el('td', { 'class': 'n' }, k)); });
    t.appendChild(head);
    (e.rows || []).forEach(function (r) {
      var tr = el('tr', {});
      names.forEach(function (k) { tr.appendChild(el('td', { 'class': 'v' }, r[k] === undefined ? '' : r[k])); });
      t.appendChild(tr);
    });
    return t;
  }

  /* ---------- event list (virtualised: only the visible rows exist) ---------- */
  function reasonOf(e) {
    var r = (e.why || '') + (e.reason ? ' [' + e.reason + ']' : '');
    if (e.detail && e.summary) r += (r ? ' \u2014 ' : '') + e.detail;
    return r;
  }
  function matches(e, f) {
    if (f.proto) {
      if (f.proto === '(internal)') { if (e.proto) return false; }
      else if (e.proto !== f.proto) return false;
    }
    if (f.device && e.device !== f.device && e.tx_device !== f.device && e.rx_device !== f.device) return false;
    if (f.packet && e.packet !== f.packet) return false;
    if (f.search) {
      var hay = [e.device, e.kind, e.summary, e.detail, e.why, e.reason, e.key, e.new, e.old,
                 e.result ? resultText(e.result) : ''].join(' ').toLowerCase();
      if (hay.indexOf(f.search) < 0) return false;
    }
    return true;
  }
  function currentFilter() {
    return { proto: $('f-proto').value, device: $('f-device').value,
             packet: parseInt($('f-packet').value, 10) || 0, search: $('f-search').value.trim().toLowerCase() };
  }
  function filterActive(f) { return f.proto || f.device || f.packet || f.search; }
  function applyFilter() {
    var f = currentFilter();
    state.view = [];
    for (var i = 0; i < N; i++) if (!filterActive(f) || matches(EV[i], f)) state.view.push(i);
    $('f-count').textContent = T('%s of %s events', state.view.length, N);
    $('ev-spacer').style.height = (state.view.length * rowHeight()) + 'px';
    renderRows(true);
  }
  // Row height, list height and scroll position are kept here rather than read from the
  // DOM, so rendering a step writes to the page without forcing a layout first.
  var listGeom = { row: 22, height: 400, top: 0 };
  function measureList() {
    listGeom.row = parseFloat(getComputedStyle(document.body).getPropertyValue('--row')) || 22;
    listGeom.height = $('ev-scroll').clientHeight || 400;
    listGeom.top = $('ev-scroll').scrollTop;
  }
  function rowHeight() { return listGeom.row; }
  var rowPool = [];
  function renderRows(scrollToCur) {
    var box = $('ev-scroll'), h = listGeom.row, H = listGeom.height;
    if (scrollToCur) {
      var pos = lowerBound(state.view, state.step);
      if (pos < state.view.length && state.view[pos] === state.step) {
        var top = pos * h;
        if (top < listGeom.top || top + h > listGeom.top + H) {
          listGeom.top = Math.max(0, Math.min(top - H / 2, state.view.length * h - H));
          box.scrollTop = listGeom.top;
        }
      }
    }
    var first = Math.max(0, Math.floor(listGeom.top / h) - 5);
    var last = Math.min(state.view.length, Math.ceil((listGeom.top + H) / h) + 5);
    var need = last - first;
    while (rowPool.length < need) {
      var r = el('div', { 'class': 'ev-row' });
      for (var c = 0; c < 7; c++) r.appendChild(el('span'));
      r.addEventListener('click', onRowClick);
      box.appendChild(r);
      rowPool.push(r);
    }
    for (var k = 0; k < rowPool.length; k++) {
      var row = rowPool[k];
      if (k >= need) { row.style.display = 'none'; continue; }
      var idx = state.view[first + k], e = EV[idx];
      row.style.display = '';
      row.style.top = ((first + k) * h) + 'px';
      row.dataset.step = idx;
      row.className = 'ev-row k-' + e.kind + (idx === state.step ? ' cur' : '');
      var cells = row.children;
      cells[0].textContent = idx;
      cells[1].textContent = e.time;
      cells[2].textContent = e.device || '';
      cells[3].textContent = e.kind;
      cells[4].textContent = e.packet === undefined ? '' : e.packet;
      cells[5].textContent = textOf(e);
      cells[6].textContent = reasonOf(e);
      cells[5].title = cells[5].textContent; cells[6].title = cells[6].textContent;
    }
  }
  function onRowClick(ev) { pause(); go(parseInt(ev.currentTarget.dataset.step, 10)); }
  function lowerBound(a, x) {
    var lo = 0, hi = a.length;
    while (lo < hi) { var m = (lo + hi) >> 1; if (a[m] < x) lo = m + 1; else hi = m; }
    return lo;
  }
  function setupFilters() {
    var protos = {}, devs = {};
    EV.forEach(function (e) { if (e.proto) protos[e.proto] = 1; if (e.device) devs[e.device] = 1; });
    Object.keys(protos).sort().forEach(function (p) { $('f-proto').appendChild(el('option', { value: p }, p)); });
    $('f-proto').appendChild(el('option', { value: '(internal)' }, T('(internal)')));
    (DATA.devices || []).forEach(function (d) { if (devs[d.name]) $('f-device').appendChild(el('option', { value: d.name }, d.name)); });
    ['f-proto', 'f-device'].forEach(function (id) { $(id).addEventListener('change', filterChanged); });
    ['f-packet', 'f-search'].forEach(function (id) { $(id).addEventListener('input', filterChanged); });
    $('ev-scroll').addEventListener('scroll', function () { listGeom.top = $('ev-scroll').scrollTop; renderRows(false); });
    window.addEventListener('resize', function () { measureList(); renderRows(false); });
    measureList();
  }
  function filterChanged() { applyFilter(); writeHash(); }

  /* ---------- stepping ---------- */
  function go(i, noHash) {
    if (N === 0) return;
    state.step = Math.max(0, Math.min(N - 1, i));
    render(noHash);
  }
  function stepBy(d) {
    var v = state.view, pos = lowerBound(v, state.step);
    if (d > 0) pos = (v[pos] === state.step) ? pos + 1 : pos;
    else pos = pos - 1;
    if (pos < 0 || pos >= v.length) { pause(); return false; }
    go(v[pos]);
    return true;
  }
  var timer = null;
  function play() {
    if (state.step >= N - 1) go(0);
    state.playing = true;
    $('btn-play').textContent = '||';
    $('btn-play').classList.add('on');
    tick();
  }
  function tick() {
    timer = setTimeout(function () { if (state.playing && stepBy(1)) tick(); }, BASE_INTERVAL_MS / state.speed);
  }
  function pause() {
    state.playing = false;
    clearTimeout(timer);
    $('btn-play').textContent = '\u25B6';
    $('btn-play').classList.remove('on');
  }
  function setupControls() {
    $('btn-play').onclick = function () { if (state.playing) pause(); else play(); };
    $('btn-fwd').onclick = function () { pause(); stepBy(1); };
    $('btn-back').onclick = function () { pause(); stepBy(-1); };
    $('btn-home').onclick = function () { pause(); go(state.view.length ? state.view[0] : 0); };
    $('btn-end').onclick = function () { pause(); go(state.view.length ? state.view[state.view.length - 1] : N - 1); };
    $('speed').onchange = function () { state.speed = parseFloat(this.value) || 1; };
    var slider = $('slider');
    slider.max = Math.max(0, N - 1);
    slider.addEventListener('input', function () { pause(); go(parseInt(slider.value, 10)); });
    $('btn-present').onclick = togglePresent;
    $('btn-help').onclick = toggleHelp;
    document.querySelectorAll('#tabs button').forEach(function (b) {
      b.onclick = function () { showTab(b.dataset.tab); };
    });
    // a clicked button keeps no focus, so Space afterwards means play/pause, not "click again"
    document.querySelectorAll('#bar button, #topo-tools button, #tabs button').forEach(function (b) {
      b.addEventListener('click', function () { b.blur(); });
    });
    document.addEventListener('keydown', onKey);
  }
  function onKey(ev) {
    var t = ev.target.tagName;
    if ((t === 'INPUT' && ev.target.type !== 'range') || t === 'SELECT' || t === 'TEXTAREA') return;
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var k = ev.key, handled = true;
    if (k === ' ') { if (state.playing) pause(); else play(); }
    else if (k === 'ArrowRight') { pause(); stepBy(1); }
    else if (k === 'ArrowLeft') { pause(); stepBy(-1); }
    else if (k === 'Home') $('btn-home').onclick();
    else if (k === 'End') $('btn-end').onclick();
    else if (k === 'p' || k === 'P') togglePresent();
    else if (k === '?') toggleHelp();
    else if (k === 'Escape') $('help').hidden = true;
    else if (k === '+' || k === '=') zoom(1 / 1.25);
    else if (k === '-') zoom(1.25);
    else if (k === '0') zoomFit();
    else handled = false;
    if (handled) ev.preventDefault();
  }
  function togglePresent() {
    state.present = !state.present;
    document.body.classList.toggle('present', state.present);
    $('btn-present').classList.toggle('on', state.present);
    measureList();
    applyFilter();
    render(true);
  }
  function toggleHelp() { $('help').hidden = !$('help').hidden; }
  function showTab(name) {
    state.tab = name;
    document.querySelectorAll('#tabs button').forEach(function (b) { b.classList.toggle('active', b.dataset.tab === name); });
    document.querySelectorAll('.panel').forEach(function (p) { p.classList.toggle('active', p.id === 'panel-' + name); });
    renderPanel();
  }

  /* ---------- URL hash: #step=42&packet=5&device=r1 ---------- */
  var lastHash = '';
  function writeHash() {
    var parts = ['step=' + state.step];
    var pk = parseInt($('f-packet').value, 10);
    if (pk) parts.push('packet=' + pk);
    if (state.device) parts.push('device=' + encodeURIComponent(state.device));
    var h = '#' + parts.join('&');
    if (h === location.hash) return;
    lastHash = h;
    try { history.replaceState(null, '', h); } catch (err) { location.hash = h; }
  }
  function readHash() {
    var h = location.hash.replace(/^#/, ''), o = {};
    h.split('&').forEach(function (kv) {
      var p = kv.split('=');
      if (p.length === 2) o[p[0]] = decodeURIComponent(p[1]);
    });
    return o;
  }
  function restoreFromHash() {
    var o = readHash(), step = null;
    if (o.packet) {
      $('f-packet').value = o.packet;
      var pe = eventsOfPacket[parseInt(o.packet, 10)];
      if (pe) step = pe[0];
    }
    applyFilter();
    if (o.device && devByName[o.device]) { state.device = o.device; showTab('device'); }
    if (o.step !== undefined && !isNaN(parseInt(o.step, 10))) step = parseInt(o.step, 10);
    go(step === null ? 0 : step, true);
  }
  window.addEventListener('hashchange', function () { if (location.hash !== lastHash) restoreFromHash(); });

  /* ---------- render ---------- */
  function render(noHash) {
    $('slider').value = state.step;
    var e = EV[state.step] || {};
    $('position').textContent = T('step %s / %s  \u00b7  t = %s s', state.step, N - 1, e.time || '');
    var t = [performance.now()];
    renderRows(true);
    t.push(performance.now());
    renderTopologyStep();
    t.push(performance.now());
    renderPanel();
    t.push(performance.now());
    if (!noHash) writeHash();
    t.push(performance.now());
    // kept for the browser tests' timing report
    renderTimes = { rows: t[1] - t[0], topology: t[2] - t[1], panel: t[3] - t[2], hash: t[4] - t[3] };
  }
  var renderTimes = null;
  function renderPanel() {
    if (state.tab === 'inspector') renderInspector();
    else if (state.tab === 'device') renderDevice();
    else if (state.tab === 'ladder') renderLadder();
    else renderAbout();
  }

  /* ---------- packet inspector ---------- */
  /* The latest wire event of the packet before step `before` that arrived at `device`. */
  function arrivalAt(ws, device, before) {
    for (var k = ws.length - 1; k >= 0; k--) if (ws[k] < before && EV[ws[k]].rx_device === device) return ws[k];
    return -1;
  }
  /* What the frame of step i is compared with. On a cable: the cable that brought it to
     the device now sending it. Inside a device: the frame as it arrived there, or, when
     the device has not changed it yet, the cable before that. Flooded copies on other
     cables are never "the previous hop". */
  function previousHopFrame(i) {
    var e = EV[i], ws = wiresOfPacket[e.packet], cur = frameOf(i);
    if (!ws || !cur) return null;
    var j;
    if (e.kind === 'wire') j = arrivalAt(ws, e.tx_device, i);
    else {
      var arrived = arrivalAt(ws, e.device, i + 1);
      if (arrived < 0) return null;
      j = frameOf(arrived) !== cur ? arrived : arrivalAt(ws, EV[arrived].tx_device, arrived);
    }
    return j >= 0 && frameOf(j) ? { step: j, frame: frameOf(j) } : null;
  }
  function renderInspector() {
    var p = $('panel-inspector'), i = state.step, e = EV[i];
    p.textContent = '';
    if (!e) return;
    p.appendChild(el('h3', {}, e.packet !== undefined ? T('Step %s: %s %s, packet #%s', i, e.device || '', e.kind, e.packet)
                                                       : T('Step %s: %s %s', i, e.device || '', e.kind)));
    if (e.summary) p.appendChild(el('div', { 'class': 'mono' }, e.summary));
    var why = reasonOf(e);
    if (why) p.appendChild(el('div', { 'class': 'note' }, T('why: %s', why)));
    if (e.result) p.appendChild(el('div', { 'class': 'mono' }, T('result: %s', resultText(e.result))));
    if (e.retransmission) p.appendChild(el('div', { 'class': 'note' }, T('retransmission: this TCP segment was sent before')));
    if (e.kind === 'show') {
      p.appendChild(el('div', { 'class': 'mono' }, textOf(e)));
      p.appendChild(showTable(e));
      return;
    }
    var fr = frameOf(i);
    if (!fr) { p.appendChild(el('p', { 'class': 'note' }, T('This event carries no frame.'))); return; }
    var bytes = hexBytes(fr), prev = previousHopFrame(i), diff = {};
    if (prev) {
      var pb = hexBytes(prev.frame);
      for (var b = 0; b < bytes.length; b++) if (b >= pb.length || pb[b] !== bytes[b]) diff[b] = 1;
    }
    var changedNames = [], fieldRows = [];
    (fr.layers || []).forEach(function (layer) {
      var d = el('details', { 'class': 'layer', open: '' });
      var sum = el('summary', {}, layer.name + '  ' + T('(%s bytes at %s)', layer.len, layer.off));
      d.appendChild(sum);
      var t = el('table', { 'class': 'fields' }), layerChanged = false;
      (layer.fields || []).forEach(function (f) {
        var tr = el('tr', { 'data-off': f.off, 'data-len': f.len, 'data-field': f.name });
        var changed = false;
        for (var k = f.off; k < f.off + f.len; k++) if (diff[k]) changed = true;
        if (changed) { tr.classList.add('changed'); layerChanged = true; changedNames.push(f.name); }
        tr.appendChild(el('td', { 'class': 'n' }, f.name));
        tr.appendChild(el('td', { 'class': 'v' }, f.value + (f.bits ? '  ' + f.bits : '')));
        tr.appendChild(el('td', { 'class': 'm' }, f.meaning || ''));
        tr.addEventListener('mouseenter', function () { highlightBytes(f.off, f.len, tr); });
        tr.addEventListener('mouseleave', clearHighlight);
        fieldRows.push({ f: f, tr: tr });
        t.appendChild(tr);
      });
      if (layerChanged) d.classList.add('changed');
      d.appendChild(t);
      p.appendChild(d);
    });
    if (prev) {
      var msg = changedNames.length ? T('Changed since the previous hop (step %s): %s', prev.step, changedNames.join(', '))
                                    : T('Unchanged since the previous hop (step %s).', prev.step);
      p.insertBefore(el('div', { 'class': 'changed-note', id: 'changed-note' }, msg), p.querySelector('details'));
    }
    p.appendChild(hexDump(bytes, diff, fieldRows));
  }
  function hexDump(bytes, diff, fieldRows) {
    // one string and one innerHTML: a full-size frame is 1,500 spans, too many to create one by one per step
    var pre = el('div', { id: 'hex' }), html = [];
    for (var off = 0; off < bytes.length; off += 16) {
      html.push('<span class="off">' + ('000' + off.toString(16)).slice(-4) + '  </span>');
      for (var b = off; b < Math.min(off + 16, bytes.length); b++) {
        html.push('<span class="b' + (diff[b] ? ' changed' : '') + '" data-i="' + b + '">' +
                  ('0' + bytes[b].toString(16)).slice(-2) + '</span>' + (b % 16 === 7 ? '  ' : ' '));
      }
      html.push('\n');
    }
    pre.innerHTML = html.join('');
    pre.addEventListener('mouseover', function (ev) {
      var i = ev.target.dataset ? ev.target.dataset.i : undefined;
      if (i === undefined) return;
      i = parseInt(i, 10);
      var best = null;   // the narrowest field holding the byte: a flag bit beats its whole header
      fieldRows.forEach(function (r) {
        if (i >= r.f.off && i < r.f.off + r.f.len && (!best || r.f.len < best.f.len)) best = r;
      });
      clearHighlight();
      if (best) { highlightBytes(best.f.off, best.f.len, best.tr); best.tr.scrollIntoView({ block: 'nearest' }); }
      else ev.target.classList.add('hl');
    });
    pre.addEventListener('mouseleave', clearHighlight);
    return pre;
  }
  function highlightBytes(off, len, tr) {
    clearHighlight();
    tr.classList.add('hl');
    var spans = document.querySelectorAll('#hex span.b');
    for (var i = off; i < off + len && i < spans.length; i++) spans[i].classList.add('hl');
  }
  function clearHighlight() {
    document.querySelectorAll('#panel-inspector .hl').forEach(function (x) { x.classList.remove('hl'); });
  }

  /* ---------- device view: tables as they were at the current step ---------- */
  function tablesAt(name, step) {
    var t = {}, last = null, t0s = (DATA.tables0 || {})[name] || {};
    Object.keys(t0s).forEach(function (k) {
      t[k] = t0s[k].map(function (r) { return { key: r[0], value: r[1] }; });
    });
    for (var i = 0; i <= step && i < N; i++) {
      var e = EV[i];
      if (e.device !== name || !e.table) continue;
      applyFact(t, e);
      last = { step: i, table: e.table, key: e.key, why: e.why };
    }
    return { tables: t, last: last };
  }
  function applyFact(t, e) {
    var rows = t[e.table] = t[e.table] || [];
    if (e.key === undefined) { if (e.new === undefined) rows.length = 0; return; }
    var at = -1;
    for (var k = 0; k < rows.length; k++) if (rows[k].key === e.key) at = k;
    if (e.kind === 'translate') {
      // A translation is a use of the mapping: keep the outside address (the side that
      // is not the key) whichever direction the packet went.
      var inside = e.key.replace(/^\S+ /, ''), outside = e.new === inside ? e.old : e.new;
      if (at < 0) rows.push({ key: e.key, value: outside, port: e.port });
      return;
    }
    if (e.new === undefined) { if (at >= 0) rows.splice(at, 1); return; }
    var row = { key: e.key, value: e.new, port: e.port, route: e.route };
    if (at >= 0) rows[at] = row; else rows.push(row);
  }
  function showDevice(name) {
    state.device = name;
    svg && svg.querySelectorAll('g.node.chosen').forEach(function (g) { g.classList.remove('chosen'); });
    if (nodeG[name]) nodeG[name].classList.add('chosen');
    showTab('device');
    writeHash();
  }
  function renderDevice() {
    var p = $('panel-device');
    p.textContent = '';
    var pick = el('select', { id: 'device-pick' });
    pick.appendChild(el('option', { value: '' }, T('choose a device') + '\u2026'));
    (DATA.devices || []).forEach(function (d) {
      var o = el('option', { value: d.name }, d.name + ' (' + word(d.type) + ')');
      if (d.name === state.device) o.selected = true;
      pick.appendChild(o);
    });
    pick.onchange = function () { if (pick.value) showDevice(pick.value); };
    p.appendChild(pick);
    var d = devByName[state.device];
    if (!d) { p.appendChild(el('p', { 'class': 'note' }, T('Click a device in the topology to see its tables at this step.'))); return; }
    var at = tablesAt(d.name, state.step);
    p.appendChild(el('h3', {}, T('%s at step %s (t = %s s)', d.name, state.step, (EV[state.step] || {}).time)));
    if (at.last) p.appendChild(el('div', { 'class': 'note', id: 'last-change' }, T('last change: step %s, %s %s', at.last.step, at.last.table, at.last.key || '') + ' \u2014 ' + (at.last.why || '')));
    renderInterfaces(p, d, at.tables.address, at.last);
    var tbl = at.tables, hl = at.last;
    if (d.type === 'switch') renderMac(p, d, tbl.mac || [], hl);
    else if (d.type !== 'hub') {
      renderArp(p, d, tbl.arp || [], hl);
      renderRoutes(p, tbl.route || [], hl);
      if ((tbl.nat || []).length || d.type === 'nat') renderNat(p, tbl.nat || [], hl);
      renderNetstat(p, tbl.tcp || [], tbl.udp || [], hl);
    }
    Object.keys(tbl).forEach(function (k) {
      if (['address', 'arp', 'route', 'mac', 'nat', 'tcp', 'udp'].indexOf(k) >= 0 || !tbl[k].length) return;
      generic(p, d, k, tbl[k], hl);
    });
  }
  function table(p, name, caption, cmdClass, cmd, dev, head, rows, hlKey) {
    if (cmd) p.appendChild(el('div', { 'class': 'cmd ' + cmdClass, 'data-dev': dev }, cmd));
    var t = el('table', { 'class': 'tbl', 'data-table': name });
    if (caption) t.appendChild(el('caption', {}, caption));
    var tr = el('tr');
    head.forEach(function (h) { tr.appendChild(el('th', {}, h)); });
    t.appendChild(tr);
    rows.forEach(function (r) {
      var row = el('tr', { 'class': 'row' + (hlKey !== null && r.key === hlKey ? ' last-change' : '') });
      r.cells.forEach(function (c) { row.appendChild(el('td', {}, c)); });
      t.appendChild(row);
    });
    if (!rows.length) { var e = el('tr'); e.appendChild(el('td', { colspan: head.length }, T('(empty)'))); t.appendChild(e); }
    p.appendChild(t);
    return t;
  }
  function hlFor(hl, name) { return hl && hl.table === name ? hl.key : null; }
  // Addresses come from the "address" table when the data has one, so an address a
  // DHCP client obtains appears at the step it was configured.
  function renderInterfaces(p, d, addressRows, hl) {
    var addr = {};
    (addressRows || []).forEach(function (r) { addr[r.key] = r.value; });
    var rows = (d.ifaces || []).map(function (f) {
      var a = addressRows ? addr[f.name] || '' : f.ip ? f.ip + '/' + f.prefix : '';
      return { key: f.name, cells: [f.name, a, f.mac || ''] };
    });
    table(p, 'address', null, '', 'ip -brief address', d.name, [T('Interface'), T('Address'), 'MAC'], rows, hlFor(hl, 'address'));
  }
  function winMac(m) { return /^[0-9a-f:]{17}$/i.test(m) ? m.replace(/:/g, '-') : m; }
  function renderArp(p, d, rows, hl) {
    var ifs = (d.ifaces || []).filter(function (f) { return f.ip; });
    p.appendChild(el('div', { 'class': 'cmd win' }, 'arp -a'));
    ifs.forEach(function (f, k) {
      var mine = rows.filter(function (r) { return r.port === f.name || (!r.port && k === 0); });
      // Values are "incomplete" or "MAC STATE" (Linux's neighbour state); arp -a
      // shows the MAC and whether the entry is static.
      var out = mine.map(function (r) {
        var inc = r.value === 'incomplete';
        var v = String(r.value).split(' ');
        var type = inc ? 'invalid' : v[1] === 'PERMANENT' ? 'static' : 'dynamic';
        return { key: r.key, cells: [r.key, inc ? '(incomplete)' : winMac(v[0]), type] };
      });
      table(p, 'arp', 'Interface: ' + f.ip + ' --- 0x' + (k + 2).toString(16), '', null, d.name,
            ['Internet Address', 'Physical Address', 'Type'], out, hlFor(hl, 'arp'));
    });
  }
  function ciscoMac(m) {
    var h = m.replace(/:/g, '');
    return h.length === 12 ? h.slice(0, 4) + '.' + h.slice(4, 8) + '.' + h.slice(8) : m;
  }
  function renderMac(p, d, rows, hl) {
    var out = rows.map(function (r) { return { key: r.key, cells: ['1', ciscoMac(r.key), 'DYNAMIC', r.value] }; });
    var t = table(p, 'mac', 'Mac Address Table', 'ios', 'show mac address-table', d.name,
                  ['Vlan', 'Mac Address', 'Type', 'Ports'], out, hlFor(hl, 'mac'));
    p.appendChild(el('div', { 'class': 'mono', 'data-total': rows.length }, 'Total Mac Addresses for this criterion: ' + rows.length));
    return t;
  }
  function renderRoutes(p, rows, hl) {
    var out = rows.map(function (r) { return { key: r.key, cells: [r.key + ' ' + r.value] }; });
    table(p, 'route', null, '', 'ip route', '', [T('Route')], out, hlFor(hl, 'route'));
  }
  function renderNat(p, rows, hl) {
    var out = rows.map(function (r) {
      var m = /^(\S+) (.*)$/.exec(r.key) || [null, '', r.key];
      return { key: r.key, cells: [m[1], m[2] + ' -> ' + r.value] };
    });
    table(p, 'nat', null, '', 'conntrack -L  (inside -> outside)', '', [T('Proto'), T('Inside -> Outside')], out, hlFor(hl, 'nat'));
  }
  function renderNetstat(p, tcp, udp, hl) {
    var out = tcp.map(function (r) {
      var ends = r.key.split(' > ');
      return { key: r.key, cells: ['TCP', ends[0], ends[1] || (/^0\.0\.0\.0/.test(ends[0]) ? '0.0.0.0:*' : '*:*'), r.value] };
    }).concat(udp.map(function (r) { return { key: r.key, cells: ['UDP', r.key, r.value === undefined ? '*:*' : String(r.value), ''] }; }));
    var hk = hl && (hl.table === 'tcp' || hl.table === 'udp') ? hl.key : null;
    table(p, 'sockets', null, 'win', 'netstat -an', '', ['Proto', 'Local Address', 'Foreign Address', 'State'], out, hk);
  }
  function generic(p, d, name, rows, hl) {
    var out = rows.map(function (r) { return { key: r.key, cells: [r.key, r.value === undefined ? '' : String(r.value)] }; });
    table(p, name, T('%s table', name), '', 'show ' + name, d.name, [T('Key'), T('Value')], out, hlFor(hl, name));
  }

  /* ---------- ladder: one arrow per end-to-end packet ---------- */
  var ipOwner = {};
  (DATA.devices || []).forEach(function (d) {
    (d.ifaces || []).forEach(function (f) { if (f.ip) ipOwner[f.ip] = d.name; });
  });
  /* One entry per packet id: where it was sent and which end it was for. The far end is
     where it was delivered; a segment with no payload is not "delivered" to an
     application, so then the owner of its IP destination, then the last receiver. */
  function conversations() {
    var out = [];
    Object.keys(eventsOfPacket).forEach(function (pk) {
      var idx = eventsOfPacket[pk], send = null, deliver = null, drop = null, lastRx = null;
      idx.forEach(function (i) {
        var e = EV[i];
        if (e.kind === 'send' && send === null) send = i;
        else if (e.kind === 'deliver' && deliver === null) deliver = i;
        else if (e.kind === 'drop' && drop === null) drop = i;
        else if (e.kind === 'wire') lastRx = e.rx_device;
      });
      if (send === null) return;
      var s = EV[send];
      var dst = deliver !== null ? EV[deliver].device : ipOwner[s.ip_dst] || lastRx;
      var dropAt = drop !== null && deliver === null ? EV[drop] : null;
      out.push({ packet: +pk, send: send, src: s.device, dst: dst,
                 lost: !!dropAt && dropAt.device !== dst, dropped: dropAt });
    });
    out.sort(function (a, b) { return a.send - b.send; });
    return out;
  }
  var CONV = null;
  function defaultEnds() {
    var e = EV[state.step];
    CONV = CONV || conversations();
    var mine = e && e.packet !== undefined && CONV.filter(function (c) { return c.packet === e.packet && c.dst && c.dst !== c.src; })[0];
    var tcp = CONV.filter(function (c) { return c.dst && c.dst !== c.src && EV[c.send].proto === 'tcp'; })[0];
    var any = CONV.filter(function (c) { return c.dst && c.dst !== c.src; })[0];
    var pick = mine || tcp || any;
    return pick ? [pick.src, pick.dst] : [null, null];
  }
  var FLAG_NAMES = { 'S': 'SYN', 'S.': 'SYN/ACK', '.': 'ACK', 'P.': 'PSH/ACK', 'F.': 'FIN/ACK', 'FP.': 'FIN/PSH/ACK',
                     'R': 'RST', 'R.': 'RST/ACK', 'F': 'FIN', 'P': 'PSH' };
  function tcpOf(i) {
    var e = EV[i], m = /\[([SFPR.]+)\]/.exec(e.summary || '');
    var seq = /seq=(\d+)/.exec(e.summary || ''), ack = /ack=(\d+)/.exec(e.summary || ''), len = /len=(\d+)/.exec(e.summary || '');
    // direction of the connection, "a:p > b:q", and its reverse, to find each side's ISN
    var ends = /(\S+:\d+) > (\S+:\d+)/.exec(e.summary || '') || [null, e.ip_src, e.ip_dst];
    var dir = ends[1] + ' > ' + ends[2], rev = ends[2] + ' > ' + ends[1];
    var fr = frameOf(i);
    if (fr && e.proto === 'tcp') {
      var b = hexBytes(fr), o = 14 + (b[14] & 15) * 4;
      var u32 = function (k) { return ((b[k] << 24) >>> 0) + (b[k + 1] << 16) + (b[k + 2] << 8) + b[k + 3]; };
      if (b.length >= o + 14)
        return { flags: m ? m[1] : '', seq: u32(o + 4), ack: (b[o + 13] & 16) ? u32(o + 8) : null,
                 len: len ? +len[1] : 0, dir: dir, rev: rev };
    }
    if (!m || !seq) return null;
    return { flags: m[1], seq: +seq[1], ack: ack ? +ack[1] : null, len: len ? +len[1] : 0, dir: dir, rev: rev };
  }
  function ladderLabel(c, isn) {
    var e = EV[c.send], t = e.proto === 'tcp' ? tcpOf(c.send) : null;
    if (t) {
      var mine = isn[t.dir], theirs = isn[t.rev], abs = state.ladderAbs;
      var seq = abs || mine === undefined ? t.seq : (t.seq - mine) >>> 0;
      var s = (FLAG_NAMES[t.flags] || t.flags) + ' seq=' + seq;
      if (t.ack !== null) s += ' ack=' + (abs || theirs === undefined ? t.ack : (t.ack - theirs) >>> 0);
      if (t.len) s += ' len=' + t.len;
      return s;
    }
    var s2 = e.summary || e.proto || '';
    if (e.ttl !== undefined && !/ttl=/.test(s2)) s2 += ' ttl=' + e.ttl;
    return s2;
  }
  function renderLadder() {
    var p = $('panel-ladder');
    p.textContent = '';
    CONV = CONV || conversations();
    if (!state.ladderA) { var d = defaultEnds(); state.ladderA = d[0]; state.ladderB = d[1]; }
    var ctl = el('div', { id: 'ladder-controls' });
    var names = (DATA.devices || []).map(function (x) { return x.name; });
    function picker(id, val, set) {
      var s = el('select', { id: id });
      names.forEach(function (n) { var o = el('option', { value: n }, n); if (n === val) o.selected = true; s.appendChild(o); });
      s.onchange = function () { set(s.value); renderLadder(); };
      return s;
    }
    ctl.appendChild(picker('ladder-a', state.ladderA, function (v) { state.ladderA = v; }));
    ctl.appendChild(document.createTextNode('\u2194'));
    ctl.appendChild(picker('ladder-b', state.ladderB, function (v) { state.ladderB = v; }));
    var fromPkt = el('button', { id: 'ladder-from-packet' }, T("this packet's conversation"));
    fromPkt.onclick = function () { var d = defaultEnds(); state.ladderA = d[0]; state.ladderB = d[1]; renderLadder(); };
    ctl.appendChild(fromPkt);
    var abs = el('label', {}, ' ' + T('absolute seq/ack'));
    var cb = el('input', { type: 'checkbox', id: 'ladder-abs' });
    cb.checked = state.ladderAbs;
    cb.onchange = function () { state.ladderAbs = cb.checked; renderLadder(); };
    abs.insertBefore(cb, abs.firstChild);
    ctl.appendChild(abs);
    p.appendChild(ctl);
    var A = state.ladderA, B = state.ladderB;
    var arrows = CONV.filter(function (c) { return (c.src === A && c.dst === B) || (c.src === B && c.dst === A); });
    if (!A || !B || !arrows.length) { p.appendChild(el('p', { 'class': 'note' }, T('No end-to-end packets between these two devices.'))); return; }
    var isn = {};   // initial sequence number of each direction of each connection: its SYN's seq
    arrows.forEach(function (c) {
      var t = EV[c.send].proto === 'tcp' ? tcpOf(c.send) : null;
      if (t && t.flags.indexOf('S') >= 0 && isn[t.dir] === undefined) isn[t.dir] = t.seq;
    });
    var big = state.present ? 1.5 : 1, W = Math.round(460 * big), rowH = Math.round(40 * big), top = 40 * big;
    var xA = 70 * big, xB = W - 30 * big, H = top + arrows.length * rowH + 20;
    var s = sel('svg', { width: W, height: H, viewBox: '0 0 ' + W + ' ' + H, id: 'ladder-svg' });
    s.appendChild(sel('text', { x: xA, y: 18 * big, 'class': 'colhead' }, A));
    s.appendChild(sel('text', { x: xB, y: 18 * big, 'class': 'colhead' }, B));
    s.appendChild(sel('line', { x1: xA, y1: 26 * big, x2: xA, y2: H, 'class': 'lifeline' }));
    s.appendChild(sel('line', { x1: xB, y1: 26 * big, x2: xB, y2: H, 'class': 'lifeline' }));
    var defs = sel('defs');
    var mk = sel('marker', { id: 'ah', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 9 * big, markerHeight: 9 * big,
                             markerUnits: 'userSpaceOnUse', orient: 'auto-start-reverse' });
    mk.appendChild(sel('path', { d: 'M0,0L10,5L0,10z', fill: 'currentColor' }));
    defs.appendChild(mk);
    s.appendChild(defs);
    var curPkt = (EV[state.step] || {}).packet;
    arrows.forEach(function (c, k) {
      var y = top + k * rowH + rowH * 0.55, fromA = c.src === A;
      var x1 = fromA ? xA : xB, x2 = fromA ? xB : xA;
      if (c.lost) x2 = (x1 + x2) / 2;
      var g = sel('g', { 'class': 'arrow' + (c.packet === curPkt ? ' cur' : ''), 'data-packet': c.packet, 'data-step': c.send });
      // the label sits above the arrow's start, so it never crosses the line
      g.appendChild(sel('line', { x1: x1, y1: y - rowH * 0.15, x2: x2, y2: y + rowH * 0.35, 'marker-end': c.lost ? '' : 'url(#ah)' }));
      var label = ladderLabel(c, isn);
      if (c.dropped) label += '  \u2716 ' + (c.dropped.reason ? T('dropped at %s (%s)', c.dropped.device, c.dropped.reason) : T('dropped at %s', c.dropped.device));
      g.appendChild(sel('text', { x: (xA + xB) / 2, y: y - rowH * 0.15 - 4, 'text-anchor': 'middle', 'class': 'label' }, label));
      g.appendChild(sel('text', { x: 4, y: y + 4, 'font-size': 9 * big, fill: '#5b6770' }, EV[c.send].time.replace(/0+$/, '').replace(/\.$/, '.0')));
      g.addEventListener('click', function () { pause(); go(c.send); });
      s.appendChild(g);
    });
    p.appendChild(s);
  }

  function renderAbout() {
    var p = $('panel-about');
    p.textContent = '';
    p.appendChild(el('h3', {}, DATA.topology || ''));
    p.appendChild(el('p', {}, DATA.description || ''));
    var end = DATA.end || {};
    p.appendChild(el('p', { 'class': 'note' }, T('%s events, seed %s, ends at %s s (%s)', N, DATA.seed, end.time || '?', word(end.status || ''))));
  }

  /* ---------- start ---------- */
  function init() {
    $('title').textContent = 'netsim \u00b7 ' + (DATA.topology || '');
    document.title = T('netsim viewer') + ' \u2014 ' + (DATA.topology || '');
    setupTopology();
    setupFilters();
    setupControls();
    restoreFromHash();
    window.netsimView = { ready: true, openMs: performance.now() - t0, go: go, state: state,
                          renderTimes: function () { return renderTimes; } };
    document.body.setAttribute('data-ready', '1');
  }
  init();
})();
