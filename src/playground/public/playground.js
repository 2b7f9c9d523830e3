/* global document, window, fetch, localStorage, location, setTimeout, clearTimeout, URL, URLSearchParams */
/**
 * The playground page: plain JavaScript, no build step, nothing loaded from elsewhere.
 * It shows what the Telegram and Zalo emulators hold for each chat, and sends what a person
 * types or presses through them; the clock buttons move the bot's simulated time.
 */
(function () {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const store = {
    get: (k, d) => {
      try {
        return localStorage.getItem(k) ?? d;
      } catch {
        return d;
      }
    },
    set: (k, v) => {
      try {
        localStorage.setItem(k, v);
      } catch {
        /* private mode: the choice lasts the visit */
      }
    },
  };

  const ui = {
    texts: null,
    lang: store.get('playground.lang', 'vi') === 'en' ? 'en' : 'vi',
    person: store.get('playground.person', 'hung'),
    tourHidden: store.get('playground.tour', 'shown') === 'hidden',
    state: null,
    version: null,
    generation: null,
    seen: {},
    busy: false,
  };

  // ---- words

  function lookup(key) {
    const words = ui.texts && ui.texts[ui.lang] && ui.texts[ui.lang].page;
    return key.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), words);
  }

  function t(key, params) {
    const found = lookup(key);
    const text = typeof found === 'string' ? found : key;
    return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, name) => (params && params[name] !== undefined ? String(params[name]) : ''));
  }

  function translateStatic() {
    document.documentElement.lang = ui.lang;
    document.title = t('title');
    for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t);
    $('tour-toggle').textContent = ui.tourHidden ? t('tour.show') : t('tour.hide');
  }

  // ---- talking to the playground

  async function api(path, body) {
    const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body || {}) });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(data.error || 'badRequest');
    return data;
  }

  let noticeTimer = null;
  function notice(text, sticky) {
    const el = $('notice');
    el.textContent = text;
    el.hidden = !text;
    clearTimeout(noticeTimer);
    if (text && !sticky) noticeTimer = setTimeout(() => (el.hidden = true), 6000);
  }

  let toastTimer = null;
  function toast(text) {
    const el = $('toast');
    el.textContent = text;
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => (el.hidden = true), 3500);
  }

  function failed(err) {
    notice(t(`errors.${err.message}`) || err.message);
  }

  async function poll() {
    for (;;) {
      try {
        const q = new URLSearchParams({ lang: ui.lang });
        if (ui.version) q.set('v', ui.version);
        const res = await fetch(`/api/state?${q}`);
        if (res.status === 503) {
          // Starting over: the new sample cell is on its way.
          $('notice').dataset.offline = '1';
          notice(t('errors.resetting'), true);
          await new Promise((r) => setTimeout(r, 300));
          continue;
        }
        if (!res.ok) throw new Error('offline');
        const state = await res.json();
        if ($('notice').dataset.offline) {
          $('notice').dataset.offline = '';
          notice('');
        }
        ui.version = state.version;
        render(state);
      } catch {
        $('notice').dataset.offline = '1';
        notice(t('errors.offline'), true);
        ui.version = null;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  /** Asks for the state now (after an action), without waiting for the long poll. */
  async function refresh() {
    try {
      const res = await fetch(`/api/state?lang=${ui.lang}`);
      if (res.ok) render(await res.json());
    } catch {
      /* the poll reports it */
    }
  }

  // ---- rendering

  const initials = (name) =>
    name
      .split(' ')
      .filter(Boolean)
      .slice(-2)
      .map((w) => w[0])
      .join('')
      .toUpperCase();

  function personOf(key) {
    return ui.state ? ui.state.people.find((p) => p.key === key) : undefined;
  }

  function describe(p) {
    const parts = [t(`roles.${p.role}`), t(`kinds.${p.membership}`)];
    if (p.exemption === 'permanent') parts.push(t('kinds.exemptPermanent'));
    if (p.exemption === 'temporary') parts.push(t('kinds.exemptTemporary'));
    if (p.collectsDues) parts.push(t('kinds.collector'));
    if (p.status === 'left') parts.push(t('kinds.left'));
    if (p.status === 'pending') parts.push(t('kinds.pending'));
    return parts.join(' · ');
  }

  function timeText(ms, withDate) {
    const opts = { timeZone: ui.state.timezone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    if (withDate) Object.assign(opts, { weekday: 'long', day: '2-digit', month: '2-digit', year: 'numeric' });
    return new Intl.DateTimeFormat(ui.lang === 'vi' ? 'vi-VN' : 'en-GB', opts).format(ms);
  }

  function dayText(ms) {
    return new Intl.DateTimeFormat(ui.lang === 'vi' ? 'vi-VN' : 'en-GB', { timeZone: ui.state.timezone, weekday: 'long', day: '2-digit', month: '2-digit', year: 'numeric' }).format(ms);
  }

  /**
   * This page's own address for a link, or null when it leads elsewhere. The bot's file links name
   * 127.0.0.1; a page opened as localhost on the same port reaches them at its own origin.
   */
  function ownUrl(href) {
    try {
      const u = new URL(href, location.href);
      if (u.origin === location.origin) return u.href;
      if (['127.0.0.1', 'localhost'].includes(u.hostname) && u.port === location.port && u.protocol === location.protocol) return `${location.origin}${u.pathname}${u.search}`;
    } catch {
      /* not an address */
    }
    return null;
  }

  /** A link is followed only when it stays on this page's own server (the bot's file links). */
  function link(text, href) {
    const own = ownUrl(href);
    if (!own) {
      const span = document.createElement('span');
      span.className = 'extlink';
      span.title = t('externalLink');
      span.textContent = text;
      return span;
    }
    const a = document.createElement('a');
    a.href = own;
    a.target = '_blank';
    a.rel = 'noopener';
    a.textContent = text;
    return a;
  }

  /** Plain text with its web addresses shown as links (as the apps do). */
  function linkified(text) {
    const frag = document.createDocumentFragment();
    const re = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]]/g;
    let last = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m.index > last) frag.append(text.slice(last, m.index));
      frag.append(link(m[0], m[0]));
      last = m.index + m[0].length;
    }
    if (last < text.length) frag.append(text.slice(last));
    return frag;
  }

  const ENTITY_TAGS = { bold: 'strong', italic: 'em', underline: 'u', strikethrough: 's', code: 'code', pre: 'pre', spoiler: 'span', blockquote: 'blockquote' };

  /** Telegram's formatting: the text cut where entities start and end, each run wrapped in its tags. */
  function formatted(text, entities) {
    if (!entities || entities.length === 0) return linkified(text);
    const cuts = new Set([0, text.length]);
    for (const e of entities) {
      cuts.add(Math.max(0, e.offset));
      cuts.add(Math.min(text.length, e.offset + e.length));
    }
    const points = [...cuts].sort((a, b) => a - b);
    const frag = document.createDocumentFragment();
    for (let i = 0; i < points.length - 1; i++) {
      const from = points[i];
      const to = points[i + 1];
      const active = entities.filter((e) => e.offset <= from && e.offset + e.length >= to);
      let node = active.some((e) => e.type === 'text_link' || e.type === 'url') ? null : linkified(text.slice(from, to));
      if (!node) {
        const href = active.find((e) => e.type === 'text_link' || e.type === 'url');
        node = link(text.slice(from, to), href.url || text.slice(from, to));
      }
      for (const e of active) {
        const tag = ENTITY_TAGS[e.type];
        if (!tag) continue;
        const el = document.createElement(tag);
        if (e.type === 'spoiler') el.className = 'spoiler';
        el.append(node);
        node = el;
      }
      frag.append(node);
    }
    return frag;
  }

  function messageItem(m, chat, viewer) {
    const li = document.createElement('li');
    li.dataset.testid = 'message';
    li.dataset.from = m.from;
    if (m.service) {
      li.className = 'service';
      li.textContent = t(m.service);
      return li;
    }
    const mine = m.from !== 'bot' && m.from === viewer;
    li.className = `msg ${m.from === 'bot' ? 'from-bot' : mine ? 'from-me' : 'from-other'}`;
    const bubble = document.createElement('div');
    bubble.className = 'bubble';
    if (chat.kind === 'group' && !mine) {
      const who = document.createElement('div');
      who.className = 'sender';
      who.textContent = m.from === 'bot' ? t('botName') : m.sender;
      bubble.append(who);
    }
    if (m.photo) {
      const img = document.createElement('img');
      img.src = ownUrl(m.photo) || '';
      img.alt = m.text || 'photo';
      img.className = 'photo';
      img.dataset.testid = 'photo';
      bubble.append(img);
    }
    if (m.document) {
      const doc = document.createElement('a');
      doc.className = 'document';
      doc.href = m.document.url;
      doc.setAttribute('download', m.document.name);
      doc.dataset.testid = 'document';
      const icon = document.createElement('span');
      icon.className = 'doc-icon';
      icon.textContent = (m.document.name.split('.').pop() || '').toUpperCase().slice(0, 4);
      const name = document.createElement('span');
      name.className = 'doc-name';
      name.textContent = m.document.name;
      const size = document.createElement('span');
      size.className = 'doc-size';
      size.textContent = `${Math.max(1, Math.round(m.document.size / 1024))} KB · ${t('download')}`;
      doc.append(icon, name, size);
      bubble.append(doc);
    }
    if (m.text) {
      const body = document.createElement('div');
      body.className = 'text';
      body.dataset.testid = 'text';
      body.append(formatted(m.text, m.entities));
      bubble.append(body);
    }
    const meta = document.createElement('div');
    meta.className = 'meta';
    meta.textContent = `${m.edited ? `${t('edited')} · ` : ''}${timeText(m.at, false)}`;
    bubble.append(meta);
    li.append(bubble);
    if (m.buttons && m.buttons.length > 0) {
      const kb = document.createElement('div');
      kb.className = 'keyboard';
      for (const row of m.buttons) {
        const r = document.createElement('div');
        r.className = 'kb-row';
        for (const b of row) {
          const btn = document.createElement('button');
          btn.type = 'button';
          btn.className = 'kb-button';
          btn.dataset.testid = 'button';
          btn.textContent = b.text;
          if (b.data) btn.addEventListener('click', () => press(chat, m.id, b.data, btn));
          else {
            btn.title = t('externalLink');
            btn.classList.add('kb-url');
          }
          r.append(btn);
        }
        kb.append(r);
      }
      li.append(kb);
    }
    return li;
  }

  /** What each message list shows now, by the list's id. */
  const shown = new Map();

  function renderMessages(list, chat, viewer, emptyKey) {
    // Unchanged messages are left alone, so a selection or a half-read scroll position survives.
    const signature = JSON.stringify([ui.lang, viewer, emptyKey, chat.id, chat.messages]);
    if (shown.get(list.id) === signature) return;
    shown.set(list.id, signature);
    const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
    const items = [];
    let day = null;
    for (const m of chat.messages) {
      const d = dayText(m.at);
      if (d !== day) {
        day = d;
        const sep = document.createElement('li');
        sep.className = 'day';
        sep.textContent = d;
        items.push(sep);
      }
      items.push(messageItem(m, chat, viewer));
    }
    if (items.length === 0) {
      const empty = document.createElement('li');
      empty.className = 'empty';
      empty.textContent = t(emptyKey);
      items.push(empty);
    }
    list.replaceChildren(...items);
    if (nearBottom || list.dataset.chat !== chat.id) list.scrollTop = list.scrollHeight;
    list.dataset.chat = chat.id;
    ui.seen[chat.id] = chat.messages.length;
  }

  function renderPeople(state) {
    const items = state.people.map((p) => {
      const li = document.createElement('li');
      const btn = document.createElement('button');
      btn.type = 'button';
      btn.className = `person ${p.channel}${p.key === ui.person ? ' selected' : ''}`;
      btn.dataset.testid = `person-${p.key}`;
      btn.setAttribute('aria-pressed', String(p.key === ui.person));
      btn.addEventListener('click', () => choose(p.key));
      const av = document.createElement('span');
      av.className = 'avatar';
      av.textContent = initials(p.fullName);
      const text = document.createElement('span');
      text.className = 'person-text';
      const name = document.createElement('span');
      name.className = 'person-name';
      name.textContent = p.fullName;
      const what = document.createElement('span');
      what.className = 'person-what';
      what.textContent = describe(p);
      text.append(name, what);
      const app = document.createElement('span');
      app.className = `app-dot ${p.channel}`;
      app.textContent = t(`channel.${p.channel}`);
      btn.append(av, text, app);
      const chat = state.chats.find((c) => c.id === `p:${p.key}`);
      const unread = chat ? chat.messages.length - (ui.seen[chat.id] ?? chat.messages.length) : 0;
      if (unread > 0 && p.key !== ui.person) {
        const badge = document.createElement('span');
        badge.className = 'unread';
        badge.dataset.testid = 'unread';
        badge.textContent = String(unread);
        btn.append(badge);
      }
      li.append(btn);
      return li;
    });
    $('people').replaceChildren(...items);
  }

  function renderPrivate(state) {
    const p = personOf(ui.person) || state.people[0];
    ui.person = p.key;
    const chat = state.chats.find((c) => c.id === `p:${p.key}`);
    const pane = $('private-pane');
    pane.classList.toggle('zalo', p.channel === 'zalo');
    pane.classList.toggle('telegram', p.channel === 'telegram');
    pane.dataset.person = p.key;
    $('private-avatar').textContent = initials(p.fullName);
    $('private-title').textContent = p.fullName;
    $('private-sub').textContent = `${t('privateChat')} · ${describe(p)}`;
    $('private-app').textContent = t(`channel.${p.channel}`);
    $('private-app').className = `app-badge ${p.channel}-badge`;
    $('private-note').hidden = p.channel !== 'zalo';
    $('private-note').textContent = t('zaloNote');
    $('private-input').placeholder = t('typeAs', { name: p.fullName });
    $('private-input').maxLength = p.channel === 'zalo' ? 2000 : 4096;
    renderMessages($('private-messages'), chat, p.key, state.restored ? 'emptyChatRestored' : 'emptyChat');
  }

  function renderGroup(state) {
    const p = personOf(ui.person);
    const chat = state.chats.find((c) => c.id === 'group');
    $('group-title').textContent = chat.title;
    const zalo = p && p.channel === 'zalo';
    $('group-note').hidden = !zalo;
    $('group-note').textContent = t('groupNote');
    $('group-input').disabled = zalo;
    $('group-input').placeholder = zalo ? '' : t('typeInGroup', { name: p ? p.fullName : '' });
    $('group-form').querySelector('button').disabled = zalo;
    renderMessages($('group-messages'), chat, ui.person, 'emptyGroup');
  }

  function renderClock(state) {
    $('now').textContent = state.nowText;
    $('now').dateTime = new Date(state.now).toISOString();
    const moving = state.moving;
    $('moving').hidden = !moving;
    $('moving').textContent = moving ? t('moving', { at: moving.atText, to: moving.toText }) : '';
    $('next-meeting').textContent = state.nextMeetingText ? t('clock.meetingAt', { when: state.nextMeetingText }) : t('clock.meetingNone');
    for (const b of document.querySelectorAll('[data-move]')) {
      b.disabled = Boolean(moving) || (b.dataset.move === 'meeting' && state.nextMeetingAt === null);
      b.title = b.dataset.move === 'meeting' && state.nextMeetingAt === null ? t('errors.noMeeting') : '';
    }
    document.body.classList.toggle('moving', Boolean(moving));
    if (state.failed) notice(t('errors.failed'));
  }

  const TOUR = [
    { id: 'create', done: 'created', actions: [{ choose: 'hung' }, { fill: '/taohop' }] },
    { id: 'invitations', done: 'invited', actions: [{ choose: 'lan' }, { choose: 'long' }] },
    { id: 'answer', done: 'answered', actions: [{ choose: 'tung' }, { choose: 'long' }] },
    { id: 'reminders', done: 'reminded', actions: [{ move: 'day' }, { move: 'meeting' }] },
    { id: 'checkin', done: 'checkedIn', actions: [{ choose: 'lan' }] },
    { id: 'close', done: 'closed', actions: [{ choose: 'hung' }, { move: 'hour' }] },
    { id: 'tongket', done: 'tongket', actions: [{ choose: 'hung' }, { fill: '/tongket' }] },
  ];

  function renderTour(state) {
    $('tour').hidden = ui.tourHidden;
    $('layout').classList.toggle('no-tour', ui.tourHidden);
    const items = TOUR.map((step, i) => {
      const li = document.createElement('li');
      li.dataset.testid = `tour-${step.id}`;
      const coming = step.id === 'tongket' && !state.tour.tongketAvailable;
      const done = step.done ? Boolean(state.tour[step.done]) : false;
      li.className = `step${done ? ' done' : ''}${coming ? ' coming' : ''}`;
      const head = document.createElement('h3');
      head.textContent = `${i + 1}. ${t(`tour.steps.${step.id}.title`)}`;
      if (done || coming) {
        const mark = document.createElement('span');
        mark.className = 'mark';
        mark.textContent = done ? `✓ ${t('tour.done')}` : t('tour.coming');
        head.append(mark);
      }
      const body = document.createElement('p');
      body.textContent = t(coming ? `tour.steps.${step.id}.coming` : `tour.steps.${step.id}.body`);
      li.append(head, body);
      if (!coming) {
        const actions = document.createElement('div');
        actions.className = 'tour-actions';
        for (const a of step.actions) {
          const b = document.createElement('button');
          b.type = 'button';
          b.className = 'ghost small';
          if (a.choose) {
            const p = personOf(a.choose);
            b.textContent = t('tour.choose', { name: p ? p.fullName : a.choose });
            b.addEventListener('click', () => choose(a.choose));
          } else if (a.fill) {
            b.textContent = t('tour.fill', { text: a.fill });
            b.addEventListener('click', () => {
              $('private-input').value = a.fill;
              $('private-input').focus();
            });
          } else if (a.move) {
            b.textContent = t(`clock.${a.move}`);
            b.disabled = Boolean(state.moving) || (a.move === 'meeting' && state.nextMeetingAt === null);
            b.addEventListener('click', () => move(a.move));
          }
          actions.append(b);
        }
        li.append(actions);
      }
      return li;
    });
    $('tour-steps').replaceChildren(...items);
  }

  function render(state) {
    if (ui.generation !== null && state.generation !== ui.generation) ui.seen = {};
    ui.generation = state.generation;
    ui.state = state;
    renderClock(state);
    renderPrivate(state);
    renderGroup(state);
    renderPeople(state);
    renderTour(state);
  }

  // ---- actions

  function choose(key) {
    ui.person = key;
    store.set('playground.person', key);
    if (ui.state) render(ui.state);
    $('private-input').focus();
  }

  async function press(chat, messageId, data, btn) {
    btn.disabled = true;
    try {
      const res = await api('/api/press', { person: ui.person, chat: chat.kind === 'group' ? 'group' : 'private', messageId: Number(messageId), data });
      if (res.toast) toast(res.toast);
    } catch (err) {
      failed(err);
    } finally {
      btn.disabled = false;
      void refresh();
    }
  }

  async function sendFrom(form, input, chat) {
    const text = input.value.trim();
    if (!text) return;
    try {
      await api('/api/send', { person: ui.person, chat, text });
      input.value = '';
    } catch (err) {
      failed(err);
    }
    void refresh();
  }

  async function move(kind) {
    try {
      await api('/api/clock', { move: kind });
    } catch (err) {
      failed(err);
    }
    void refresh();
  }

  async function reset() {
    if (!window.confirm(t('resetConfirm'))) return;
    notice(t('errors.resetting'), true);
    try {
      await api('/api/reset');
      notice('');
    } catch (err) {
      failed(err);
    }
    ui.version = null;
    void refresh();
  }

  async function start() {
    try {
      const res = await fetch('/api/texts');
      ui.texts = await res.json();
    } catch {
      ui.texts = {};
    }
    translateStatic();
    $('private-form').addEventListener('submit', (e) => {
      e.preventDefault();
      void sendFrom($('private-form'), $('private-input'), 'private');
    });
    $('group-form').addEventListener('submit', (e) => {
      e.preventDefault();
      void sendFrom($('group-form'), $('group-input'), 'group');
    });
    for (const b of document.querySelectorAll('[data-move]')) b.addEventListener('click', () => move(b.dataset.move));
    $('reset').addEventListener('click', () => void reset());
    $('lang').addEventListener('click', () => {
      ui.lang = ui.lang === 'vi' ? 'en' : 'vi';
      store.set('playground.lang', ui.lang);
      translateStatic();
      ui.version = null;
      void refresh();
    });
    $('tour-toggle').addEventListener('click', () => {
      ui.tourHidden = !ui.tourHidden;
      store.set('playground.tour', ui.tourHidden ? 'hidden' : 'shown');
      translateStatic();
      if (ui.state) renderTour(ui.state);
    });
    void poll();
  }

  start();
})();
