// Werkboek Heerlen-Noord: when the ballot moves to another screen, start at the top and move
// the keyboard/screen-reader focus to the new screen's heading (ipywidgets cannot do this).
(function () {
  var last = null;
  function check() {
    var progress = document.querySelector('.wb-progress');
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
