// Werkboek Heerlen-Noord: the welcome and code screens in plain HTML (index.html.j2), usable before
// Voilà's frontend has started. A tap on "Beginnen", a language switch and the code typed (submitted
// or not) are remembered; when the ballot's widgets are live they are handed to the kernel through the
// hidden field ".wb-handover" (werkboek_widgets.ballot.app.BallotApp._handed_over: untrusted, once,
// only on the welcome screen; the kernel checks the code with the store as if typed there), and these
// screens give way once the widgets show the same screen (or at once when nothing was done).
// The code screen comes after "Beginnen" when the link has no code, or one that cannot be a code
// (werkboek.model.codes.normalise: the same alphabet, CODE_ALPHABET below; a test keeps them equal).
// Never a blank page: until then this screen stays, and when loading takes long it says so and
// tries again by itself, tapped or not (a reload keeps the code in the address).
(function () {
  var first = document.getElementById('wb-first');
  if (!first) { return; }
  // still no widgets: say so at SLOW_MS, reload at RETRY_MS (not sooner: in a crowded room the
  // server is starting many kernels, and a reload would only start one more). Untapped, the page
  // waits longer before it says anything: the resident is still reading the welcome.
  var SLOW_MS = window.WERKBOEK_FIRST_SLOW_MS || 20000;
  var RETRY_MS = window.WERKBOEK_FIRST_RETRY_MS || 60000;
  var UNTAPPED_MS = window.WERKBOEK_FIRST_UNTAPPED_MS || 30000;  // added to both when not tapped
  // The whole page has arrived and it holds no widget output (the server dropped it: nbclient's
  // "Timeout waiting for IOPub output" under load): these widgets will never come, so reload soon.
  var DEAD_MS = window.WERKBOEK_FIRST_DEAD_MS || 3000;
  var DEAD_KEY = 'werkboek-dead';  // reloads of dead pages in a row, in this tab: each waits twice as long
  var deadTries = 0;
  try { deadTries = Number(sessionStorage.getItem(DEAD_KEY) || 0); } catch (e) { deadTries = 0; }
  DEAD_MS = Math.min(DEAD_MS * Math.pow(2, deadTries), RETRY_MS);
  var loadedAt = Date.now();
  var dead = false;
  document.addEventListener('DOMContentLoaded', function () {
    var outputs = document.querySelectorAll('#rendered_cells script[type="application/vnd.voila.cell-output+json"]');
    var widget = [].some.call(outputs, function (s) { return s.textContent.indexOf('widget-view+json') >= 0; });
    dead = !widget && !document.querySelector('.wb-app:not(.wb-html)');
    if (dead) { document.documentElement.setAttribute('data-wb-dead', '1'); }
  });
  var GIVE_WAY_MS = 5000; // handed over, and the widgets did not move on: show them anyway
  var CODE_ALPHABET = 'ACDEFHJKMNPQRTUVWXY3479';
  var CODE_KEY = 'werkboek-code';  // werkboek-watch.js puts it into the address of a reload
  var params = new URLSearchParams(window.location.search);
  var lang = params.get('lang') === 'en' ? 'en' : 'nl';
  var linkCode = (params.get('code') || '').trim().slice(0, 20);
  var screen = 'welkom';
  var langChanged = false;
  var tappedAt = null;     // "Beginnen" with a code from the link: waiting for the widgets
  var submittedAt = null;  // "Verder" on the code screen: waiting for the widgets
  var handedAt = null;
  var handedScreen = null;
  var handedCode = null;
  var reloading = false;

  function canBeCode(typed) {
    var raw = typed.toUpperCase().replace(/[ \-_.]/g, '');
    if (raw.length !== 6) { return false; }
    for (var i = 0; i < raw.length; i++) { if (CODE_ALPHABET.indexOf(raw[i]) < 0) { return false; } }
    return true;
  }
  var codeWanted = !canBeCode(linkCode);

  function screens() { return first.querySelectorAll('.wb-first-screen'); }
  function current() {
    return first.querySelector('.wb-first-screen[data-lang="' + lang + '"]' +
      (screen === 'code' ? '[data-screen="code"]' : ':not([data-screen])'));
  }
  function inputs() { return first.querySelectorAll('.wb-first-code input'); }
  function typed() { var box = current().querySelector('input'); return box ? box.value : (inputs()[0] || {value: ''}).value; }
  function show(which, where) {
    var value = screen === 'code' ? typed() : null;
    lang = which;
    screen = where || screen;
    screens().forEach(function (s) {
      var kind = s.getAttribute('data-screen') || 'welkom';
      s.hidden = !(s.getAttribute('data-lang') === which && kind === screen);
    });
    if (value !== null) { inputs().forEach(function (box) { box.value = value; }); }
    document.documentElement.lang = which;
  }
  function say(key) {
    var status = current().querySelector('.wb-first-status');
    status.textContent = status.getAttribute('data-' + key);
    var error = key === 'missing' || key === 'not-usable';
    status.classList.toggle('wb-error', error);
    status.setAttribute('role', error ? 'alert' : 'status');
  }
  function remember(value) {
    try { if (value.trim()) { sessionStorage.setItem(CODE_KEY, value.trim()); } } catch (e) { /* private mode */ }
  }
  if (!codeWanted) {  // no code screen to come: "Stap 1 van 5", as the widgets will say
    first.querySelectorAll('.wb-first-welcome .wb-progress').forEach(function (bar) {
      var line = bar.querySelector('.wb-progress-text');
      line.textContent = line.getAttribute('data-link');
      bar.querySelector('progress').max = 5;
    });
  }
  if (codeWanted && linkCode) { inputs().forEach(function (box) { box.value = linkCode; }); }
  show(lang);
  // A link whose code cannot be a code: said at once, in the widgets' words (the same answer for
  // every code that cannot vote now), and again on the code screen, where it is to be corrected
  if (codeWanted && linkCode) { say('not-usable'); }

  first.addEventListener('click', function (event) {
    var button = event.target.closest('button');
    if (!button) { return; }
    var action = button.getAttribute('data-action');
    if (action === 'lang') {
      show(lang === 'nl' ? 'en' : 'nl');
      langChanged = true;
      if (tappedAt !== null) { say('wait'); } else if (codeWanted && linkCode && screen === 'welkom') { say('not-usable'); }
    } else if (action === 'start' && codeWanted) {
      show(lang, 'code');
      if (linkCode && typed() === linkCode) { say('not-usable'); }
      var box = current().querySelector('input');
      box.focus();  // in the tap itself: a phone opens its keyboard
    } else if (action === 'start' && tappedAt === null) {
      tappedAt = Date.now();
      first.classList.add('wb-first-waiting');
      button.setAttribute('aria-disabled', 'true');
      say('wait');
    } else if (action === 'back' && submittedAt === null) {
      show(lang, 'welkom');
    }
  });
  first.addEventListener('submit', function (event) {  // "Verder", or Enter in the code field
    event.preventDefault();
    var value = typed().trim();
    if (!value) {
      say('missing');
      current().querySelector('input').focus();
      return;
    }
    remember(value);
    if (submittedAt === null) { submittedAt = Date.now(); }
    first.classList.add('wb-first-waiting');
    current().querySelector('[data-action="code"]').setAttribute('aria-disabled', 'true');
    say('wait');
  });
  first.addEventListener('input', function (event) {
    if (event.target.matches && event.target.matches('.wb-first-code input')) { remember(event.target.value); }
  });
  document.documentElement.setAttribute('data-wb-ready', '1');  // for the benchmark: this screen answers taps

  function widgetApp() { return document.querySelector('.wb-app:not(.wb-html)'); }
  function live() {
    var cells = document.getElementById('rendered_cells');
    var app = widgetApp();
    return !!(cells && cells.style.display !== 'none' && app && app.querySelector('.wb-nav button'));
  }
  function widgetScreen() {
    var progress = widgetApp().querySelector('.wb-progress');
    var heading = widgetApp().querySelector('h1');
    return (progress ? progress.textContent : '') + '|' + (heading ? heading.textContent : '');
  }
  function handOver(state) {
    var field = widgetApp().querySelector('.wb-handover input');
    if (!field) { return false; }
    field.value = JSON.stringify(state);
    field.dispatchEvent(new Event('input', {bubbles: true}));
    field.dispatchEvent(new Event('change', {bubbles: true}));
    return true;
  }
  function giveWay() {
    clearInterval(timer);
    var htmlBox = screen === 'code' ? current().querySelector('input') : null;
    var focused = htmlBox !== null && document.activeElement === htmlBox;
    var value = htmlBox ? htmlBox.value : null;
    var caret = focused ? htmlBox.selectionStart : null;
    first.remove();
    document.body.classList.remove('wb-first-active');
    var app = widgetApp();
    var widgetBox = app && app.querySelector('.wb-code-input input');
    if (widgetBox && value !== null && value !== handedCode && submittedAt === null) {
      // typed on after the hand-over: the widget field gets it too (ipywidgets reads "input")
      widgetBox.value = value;
      widgetBox.dispatchEvent(new Event('input', {bubbles: true}));
    }
    if (widgetBox && focused) {
      widgetBox.focus({preventScroll: true});
      try { widgetBox.setSelectionRange(caret, caret); } catch (e) { /* not a text field */ }
      return;
    }
    var heading = app && app.querySelector('h1');
    if (heading && (tappedAt !== null || submittedAt !== null)) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({preventScroll: true});
    }
  }

  var timer = setInterval(function () {
    var now = Date.now();
    if (!live()) {
      var waitingSince = tappedAt !== null ? tappedAt : submittedAt;
      var since = waitingSince !== null ? now - waitingSince : now - loadedAt - UNTAPPED_MS;
      if (dead) { since = Math.max(since, now - loadedAt - DEAD_MS + RETRY_MS); }
      if (since > SLOW_MS) { say('slow'); }
      if (!reloading && since > RETRY_MS) {
        reloading = true;
        if (dead) { try { sessionStorage.setItem(DEAD_KEY, String(deadTries + 1)); } catch (e) { /* private mode */ } }
        if (screen === 'code') { remember(typed()); }
        if (window.werkboekReload) { window.werkboekReload(); } else { window.location.reload(); }
      }
      return;
    }
    if (deadTries) { deadTries = 0; try { sessionStorage.removeItem(DEAD_KEY); } catch (e) { /* private mode */ } }
    var moving = tappedAt !== null || screen === 'code';  // the widgets are to show another screen
    if (handedAt === null && (moving || langChanged)) {
      handedScreen = widgetScreen();
      var state = {screen: screen, go: screen === 'code' ? submittedAt !== null : tappedAt !== null, lang: lang};
      if (screen === 'code') { state.code = handedCode = typed().trim().slice(0, 20); }
      if (handOver(state)) { handedAt = now; }
      if (!moving) { giveWay(); }
      return;
    }
    if (!moving || widgetScreen() !== handedScreen || now - handedAt > GIVE_WAY_MS) {
      giveWay();
    }
  }, 50);
})();
