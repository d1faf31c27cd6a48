'use strict';
// Baton dashboard: nodes by platform and state, a bar per phase, live updates (no reload).
// The operator token comes from the URL fragment (#token=...), which browsers never send to
// the server, or from the form; API calls carry it in the Authorization header.
(function () {
  const nodes = new Map();
  let token = new URLSearchParams(location.hash.slice(1)).get('token') || sessionStorage.getItem('baton-token');
  const $ = id => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') e.className = v;
      else if (k === 'title') e.title = v;
      else if (k === 'width') e.style.width = v; // through the CSSOM: the page's CSP forbids inline style attributes
      else e.setAttribute(k, v);
    }
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }

  function duration(ms) {
    return ms < 1000 ? ms + ' ms' : (ms / 1000).toFixed(1) + ' s';
  }

  function phaseMillis(p) {
    const end = p.end ? Date.parse(p.end) : Date.now();
    return Math.max(0, end - Date.parse(p.start));
  }

  function render() {
    const byPlatform = new Map();
    const counts = {};
    for (const n of nodes.values()) {
      const key = n.platform + (n.environment ? '/' + n.environment : '') + ' (customer ' + n.customer + ')';
      if (!byPlatform.has(key)) byPlatform.set(key, []);
      byPlatform.get(key).push(n);
      counts[n.state] = (counts[n.state] || 0) + 1;
    }
    const summary = $('summary');
    summary.replaceChildren(...Object.keys(counts).sort().map(s =>
      el('span', { class: 'badge ' + badgeClass(s) }, counts[s] + ' ' + s)));
    const container = $('platforms');
    container.replaceChildren();
    $('empty').hidden = nodes.size > 0;
    for (const [platform, list] of [...byPlatform.entries()].sort()) {
      list.sort((a, b) => a.name.localeCompare(b.name));
      const rows = list.map(row);
      container.append(el('section', { class: 'platform', 'data-platform': platform },
        el('h2', {}, platform),
        el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'Node'), el('th', {}, 'Instance'),
          el('th', {}, 'State'), el('th', {}, 'Phases'))), el('tbody', {}, ...rows))));
    }
  }

  // deployments: the latest of each platform, with each one's progress (polled: they change per node)
  let deployments = [];

  function renderDeployments() {
    const box = $('deployments');
    box.hidden = deployments.length === 0;
    if (!deployments.length) return;
    const rows = deployments.slice(0, 10).map(d => {
      const req = d.request || {};
      const list = Object.values(d.nodes || {});
      const done = list.filter(n => n.status === 'ok').length;
      const status = d.status || '?';
      const cls = status === 'succeeded' ? 'READY' : ['running', 'rolling_back'].includes(status) ? 'running' : 'FAILED';
      const bar = el('div', { class: 'bar', role: 'img', 'aria-label': done + ' of ' + list.length + ' nodes' },
        el('div', { class: 'seg deployed', width: (list.length ? 100 * done / list.length : 0).toFixed(2) + '%' }));
      const state = el('td', {}, el('span', { class: 'badge ' + cls }, status));
      if (d.reason) state.append(el('div', { class: 'reason' }, d.reason));
      return el('tr', { 'data-deployment': d.id, 'data-status': status },
        el('td', {}, (req.application || {}).name + ' ' + req.revision),
        el('td', {}, req.platform + (req.env ? '/' + req.env : '')), state,
        el('td', {}, bar, el('div', { class: 'phases' }, done + '/' + list.length + ' nodes' +
          (d.batches ? ', ' + d.batches + ' batch' + (d.batches === 1 ? '' : 'es') + ' of ' + d.batch_size : '') +
          ' \u00b7 ' + (d.by || '') + ' \u00b7 ' + (d.started || ''))));
    });
    box.replaceChildren(el('h2', {}, 'Deployments'), el('table', {}, el('thead', {}, el('tr', {},
      el('th', {}, 'Application'), el('th', {}, 'Platform'), el('th', {}, 'Status'), el('th', {}, 'Progress'))),
      el('tbody', {}, ...rows)));
  }

  async function pollDeployments() {
    for (;;) {
      try {
        const r = await fetch('/api/v1/deployments', { headers: { Authorization: 'Bearer ' + token } });
        if (r.ok) { deployments = (await r.json()).deployments || []; renderDeployments(); }
      } catch (e) { /* the node stream says when the controller is lost */ }
      await new Promise(res => setTimeout(res, 2000));
    }
  }

  function badgeClass(state) {
    return ['READY', 'FAILED', 'TERMINATED'].includes(state) ? state : 'running';
  }

  function row(n) {
    const phases = (n.timeline || []).filter(p => !['READY', 'FAILED', 'TERMINATED'].includes(p.phase));
    const total = phases.reduce((t, p) => t + phaseMillis(p), 0) || 1;
    const bar = el('div', { class: 'bar', role: 'img', 'aria-label': 'phases of ' + n.name },
      ...phases.map(p => el('div', {
        class: 'seg ' + p.phase + (p.end ? '' : ' running'),
        width: Math.max(1, 100 * phaseMillis(p) / total).toFixed(2) + '%',
        title: p.phase + ' ' + duration(phaseMillis(p)) + (p.outcome ? ' (' + p.outcome + ')' : '')
      })));
    const text = phases.map(p => p.phase.toLowerCase() + ' ' + duration(phaseMillis(p))).join(' \u00b7 ');
    const state = el('td', {}, el('span', { class: 'badge ' + badgeClass(n.state) }, n.step ? n.state + ' ' + n.step : n.state));
    if (n.reason) state.append(el('div', { class: 'reason' }, n.reason));
    return el('tr', { 'data-node': n.name, 'data-state': n.state },
      el('td', {}, n.name), el('td', { class: 'id' }, n.id), state,
      el('td', {}, bar, el('div', { class: 'phases' }, text)));
  }

  function connection(state, text) {
    const c = $('connection');
    c.className = 'conn ' + state;
    c.textContent = text;
  }

  async function load() {
    const r = await fetch('/api/v1/nodes', { headers: { Authorization: 'Bearer ' + token } });
    if (r.status === 401) { askForToken('The operator token was refused.'); return false; }
    if (!r.ok) throw new Error('the API answered ' + r.status);
    nodes.clear();
    for (const n of (await r.json()).nodes) nodes.set(n.id, n);
    render();
    return true;
  }

  async function follow() {
    for (;;) {
      try {
        if (!(await load())) return;
        const r = await fetch('/api/v1/events', { headers: { Authorization: 'Bearer ' + token } });
        if (!r.ok || !r.body) throw new Error('no event stream (' + r.status + ')');
        connection('live', 'live');
        const reader = r.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          let cut;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const data = frame.split('\n').filter(l => l.startsWith('data: ')).map(l => l.slice(6)).join('\n');
            if (data) {
              const n = JSON.parse(data);
              nodes.set(n.id, n);
              render();
            }
          }
        }
      } catch (e) {
        $('error').hidden = false;
        $('error').textContent = 'Lost the controller: ' + e.message + '; retrying.';
      }
      connection('lost', 'reconnecting');
      await new Promise(res => setTimeout(res, 2000));
      $('error').hidden = true;
    }
  }

  function askForToken(message) {
    $('login').hidden = false;
    if (message) { $('error').hidden = false; $('error').textContent = message; }
    connection('lost', 'not signed in');
  }

  $('login').addEventListener('submit', ev => {
    ev.preventDefault();
    token = $('token').value.trim();
    sessionStorage.setItem('baton-token', token);
    $('login').hidden = true;
    $('error').hidden = true;
    follow();
    pollDeployments();
  });

  // running phases grow: redraw every second
  setInterval(() => { if (nodes.size) render(); }, 1000);
  if (token) { sessionStorage.setItem('baton-token', token); follow(); pollDeployments(); } else { askForToken(); }
})();
