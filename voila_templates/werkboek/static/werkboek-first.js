// Werkboek Heerlen-Noord: the welcome screen in plain HTML (index.html.j2), usable before Voilà's
// frontend has started. A tap on "Beginnen" (and a language switch) is remembered; when the ballot's
// widgets are live it is handed to the kernel through the hidden field ".wb-handover"
// (werkboek_widgets.ballot.app.BallotApp._handed_over: untrusted, once, only on the welcome screen),
// and this screen gives way once the widgets have moved on (or at once when nothing was tapped).
// Never a blank page: until then this screen stays, and when loading takes long it says so and
// tries again (a reload keeps the code in the address).
(function () {
  var first = document.getElementById('wb-first');
  if (!first) { return; }
  var SLOW_MS = window.WERKBOEK_FIRST_SLOW_MS || 25000;  // tapped, and still no widgets: say so, then reload
  var GIVE_WAY_MS = 5000; // handed over, and the widgets did not move on: show them anyway
  var params = new URLSearchParams(window.location.search);
  var lang = params.get('lang') === 'en' ? 'en' : 'nl';
  var langChanged = false;
  var tappedAt = null;
  var handedAt = null;
  var handedScreen = null;
  var reloading = false;

  function screens() { return first.querySelectorAll('.wb-first-screen'); }
  function current() { return first.querySelector('.wb-first-screen[data-lang="' + lang + '"]'); }
  function show(which) {
    lang = which;
    screens().forEach(function (s) { s.hidden = s.getAttribute('data-lang') !== which; });
    document.documentElement.lang = which;
  }
  function say(key) {
    var status = current().querySelector('.wb-first-status');
    status.textContent = status.getAttribute('data-' + key);
  }
  show(lang);

  first.addEventListener('click', function (event) {
    var button = event.target.closest('button');
    if (!button) { return; }
    var action = button.getAttribute('data-action');
    if (action === 'lang') {
      show(lang === 'nl' ? 'en' : 'nl');
      langChanged = true;
      if (tappedAt !== null) { say('wait'); }
    } else if (action === 'start' && tappedAt === null) {
      tappedAt = Date.now();
      first.classList.add('wb-first-waiting');
      button.setAttribute('aria-disabled', 'true');
      say('wait');
    }
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
    first.remove();
    document.body.classList.remove('wb-first-active');
    var heading = widgetApp() && widgetApp().querySelector('h1');
    if (heading && tappedAt !== null) { heading.setAttribute('tabindex', '-1'); heading.focus({preventScroll: true}); }
  }

  var timer = setInterval(function () {
    var now = Date.now();
    if (!live()) {
      if (tappedAt !== null && !reloading && now - tappedAt > SLOW_MS) {
        reloading = true;
        say('slow');
        setTimeout(function () {
          if (window.werkboekReload) { window.werkboekReload(); } else { window.location.reload(); }
        }, 2500);
      }
      return;
    }
    if (handedAt === null && (tappedAt !== null || langChanged)) {
      handedScreen = widgetScreen();
      if (handOver({screen: 'welkom', go: tappedAt !== null, lang: lang})) { handedAt = now; }
      if (tappedAt === null) { giveWay(); }
      return;
    }
    if (tappedAt === null || widgetScreen() !== handedScreen || now - handedAt > GIVE_WAY_MS) {
      giveWay();
    }
  }, 50);
})();
