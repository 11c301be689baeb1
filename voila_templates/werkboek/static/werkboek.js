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
