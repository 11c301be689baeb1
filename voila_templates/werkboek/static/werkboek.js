// Werkboek Heerlen-Noord: when the ballot moves to another screen, start at the top and move
// the keyboard/screen-reader focus to the new screen's heading (ipywidgets cannot do this).
(function () {
  var last = null;
  function check() {
    var progress = document.querySelector('.wb-app:not(.wb-html) .wb-progress');  // the widgets' own, not the HTML screens'
    var heading = document.querySelector('.wb-body h1');
    var key = (progress ? progress.textContent : '') + '|' + (heading ? heading.textContent : '');
    if (!heading || key === last) { return; }
    var first = last === null;
    last = key;
    if (first) { return; }  // the first screen: leave the focus where the browser put it
    var scroller = document.getElementById('rendered_cells');
    if (scroller) { scroller.scrollTop = 0; }
    window.scrollTo(0, 0);
    heading.setAttribute('tabindex', '-1');
    heading.focus({preventScroll: true});
  }
  new MutationObserver(check).observe(document.documentElement, {childList: true, subtree: true, characterData: true});
})();

// A phone that slept for minutes: its page's kernel has been culled (werkboek.serving.residents:
// 3 minutes without a websocket), so the widgets no longer answer. Reload on waking: the new
// kernel finds the draft in the store and continues on the same screen with the same choices.
// Not on the thank-you screen (nothing to continue there).
(function () {
  var hiddenSince = null;
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'hidden') {
      hiddenSince = Date.now();
      return;
    }
    var limit = window.WERKBOEK_RELOAD_AFTER_HIDDEN_MS || 120000;
    var asleep = hiddenSince === null ? 0 : Date.now() - hiddenSince;
    hiddenSince = null;
    if (asleep >= limit && !document.querySelector('.wb-thanks')) {
      if (window.werkboekReload) { window.werkboekReload(); } else { window.location.reload(); }  // with the code
    }
  });
})();

// The fast thumb. A second tap on the same "Verder"/"Terug" within a moment of the first is a
// double tap, never a wish to skip a screen: it is swallowed here (capture phase, before
// ipywidgets sees it), and the button is greyed at once. A tap that still reaches the kernel from
// the button of a screen already left is ignored there
// (werkboek_widgets.ballot.app.BallotApp.on_this_screen); together no leefgebied is ever skipped.
// A tap on the *new* screen's button is the resident's own: it goes through.
(function () {
  var lastTap = 0;
  var lastButton = null;
  var GAP_MS = 700;
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('.wb-nav button');
    if (!button || button.closest('#wb-first')) { return; }
    var now = Date.now();
    if (button === lastButton && now - lastTap < GAP_MS) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    lastButton = button;
    lastTap = now;
    // greyed the moment it is tapped; the kernel's answer (a new screen, or the same button
    // enabled again with a message) replaces it; a lost answer frees it after a few seconds
    setTimeout(function () {
      if (!button.isConnected) { return; }
      button.disabled = true;
      button.setAttribute('data-wb-busy', '1');
      setTimeout(function () {
        if (button.isConnected && button.hasAttribute('data-wb-busy')) {
          button.disabled = false;
          button.removeAttribute('data-wb-busy');
        }
      }, 4000);
    }, 0);
  }, true);
  // The new screen's buttons arrive while the thumb may still be coming down a second time on
  // the same spot: right after a tap they wait SETTLE_MS before they answer (disabled, not greyed).
  var SETTLE_MS = 400;
  new MutationObserver(function (records) {
    if (Date.now() - lastTap > 1500) { return; }
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        if (!node.querySelectorAll) { return; }
        var buttons = node.matches && node.matches('.wb-nav button') ? [node] : [...node.querySelectorAll('.wb-nav button')];
        buttons.forEach(function (button) {
          if (button.closest('#wb-first') || button === lastButton || button.disabled) { return; }
          button.disabled = true;
          button.classList.add('wb-settling');
          setTimeout(function () {
            button.classList.remove('wb-settling');
            button.disabled = false;
          }, SETTLE_MS);
        });
      });
    });
  }).observe(document.documentElement, {childList: true, subtree: true});
})();

// "Verder" on the code screen carries the code (werkboek_widgets.ballot.steps.code.CodeStep._go):
// ipywidgets holds a field's next update back until the kernel has answered the previous one, a
// click it sends at once, so a click could overtake the last letters typed. Registered after the
// fast-thumb guard above, so a swallowed double tap stays swallowed.
(function () {
  var taps = 0;
  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('.wb-nav button.wb-primary');
    if (!button || button.closest('#wb-first') || button.disabled) { return; }
    var app = button.closest('.wb-app');
    var code = app && app.querySelector('.wb-code-input input');
    var go = app && app.querySelector('.wb-code-go input');
    if (!code || !go) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    taps += 1;
    go.value = taps + ':' + code.value;
    go.dispatchEvent(new Event('input', {bubbles: true}));
    go.dispatchEvent(new Event('change', {bubbles: true}));
  }, true);
})();

// Enter in a one-line field (the stemcode) does what "Verder" does, as on any web form; and the
// code field does not auto-correct or capitalise words (ipywidgets cannot set these attributes).
(function () {
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Enter' || !event.target.matches || !event.target.matches('.wb-app input[type="text"]')) { return; }
    var next = [...document.querySelectorAll('.wb-nav button')].filter(function (b) { return b.offsetParent !== null; }).pop();
    if (next && !next.disabled) { event.preventDefault(); next.click(); }
  }, true);  // capture: ipywidgets' text field stops its keydown events from bubbling
  new MutationObserver(function () {
    document.querySelectorAll('.wb-code-input input:not([data-wb-set])').forEach(function (input) {
      input.setAttribute('data-wb-set', '1');
      input.setAttribute('autocapitalize', 'characters');
      input.setAttribute('autocorrect', 'off');
      input.setAttribute('autocomplete', 'off');
      input.setAttribute('spellcheck', 'false');
      input.setAttribute('enterkeyhint', 'go');
    });
    // the page speaks the resident's language: <html lang> follows the ballot's switch
    var app = document.querySelector('.wb-app:not(.wb-html)');  // the widgets, not the HTML first screens
    if (app) {
      var lang = app.classList.contains('wb-lang-en') ? 'en' : 'nl';
      if (document.documentElement.lang !== lang) { document.documentElement.lang = lang; }
    }
  }).observe(document.documentElement, {childList: true, subtree: true, attributes: true, attributeFilter: ['class']});
})();

// The phone's own back gesture/button goes one screen back in the ballot, not off the page
// (which would lose the screen and start a new kernel). Each new screen is a history entry.
(function () {
  var shown = null;
  var depth = 0;
  function key() {
    var progress = document.querySelector('.wb-app:not(.wb-html) .wb-progress');  // the widgets' own, not the HTML screens'
    var heading = document.querySelector('.wb-body h1');
    return (progress ? progress.textContent : '') + '|' + (heading ? heading.textContent : '');
  }
  new MutationObserver(function () {
    var now = key();
    if (now === '|' || now === shown) { return; }
    if (shown !== null && !window.__wbGoingBack) {
      history.pushState({wb: ++depth}, '', location.href);
    }
    window.__wbGoingBack = false;
    shown = now;
  }).observe(document.documentElement, {childList: true, subtree: true, characterData: true});
  window.addEventListener('popstate', function () {
    var back = [...document.querySelectorAll('.wb-nav button')].filter(function (b) { return b.offsetParent !== null; });
    if (back.length > 1 && !document.querySelector('.wb-thanks')) {
      window.__wbGoingBack = true;
      back[0].click();
    }
  });
})();

// The map's buurt shapes get their names (a tooltip and an accessible name) and the map a label
// that points to the list: Leaflet draws bare SVG paths, classed by werkboek_widgets.maps.
(function () {
  function name() {
    document.querySelectorAll('.wb-kaart').forEach(function (kaart) {
      var data = kaart.querySelector('.wb-buurt-names');
      if (!data) { return; }
      var names = JSON.parse(data.getAttribute('data-names') || '{}');
      var map = kaart.querySelector('.leaflet-container');
      if (map && data.getAttribute('data-label') && !map.hasAttribute('aria-label')) {
        map.setAttribute('role', 'region');
        map.setAttribute('aria-label', data.getAttribute('data-label'));
      }
      kaart.querySelectorAll('path.wb-buurt:not([aria-label])').forEach(function (path) {
        var code = [...path.classList].find(function (c) { return c.indexOf('wb-buurt-') === 0; });
        var label = code && names[code.slice(9)];
        if (!label) { return; }
        path.setAttribute('role', 'img');
        path.setAttribute('aria-label', label);
        var title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
        title.textContent = label;
        path.appendChild(title);
      });
    });
  }
  new MutationObserver(name).observe(document.documentElement, {childList: true, subtree: true});
})();
