// Werkboek Heerlen-Noord: notice when the connection to the ballot is lost, say so in plain Dutch,
// and come back onto the draft by itself once the server answers again.
//
// Loaded at the top of the page, before Voila opens the kernel's websocket, so that the socket
// can be watched: when it closes (the residents' server stopped, the wifi dropped for good, the
// kernel was culled or died), or when the kernel is gone (checked every 15 s), the page shows
// "De verbinding is even weg. We proberen het opnieuw…", blocks the screen (a tap would do
// nothing), asks the server every 2 s whether it is back, and then reloads itself. The code
// comes with the reload (from the address, or the one the resident typed, kept in this tab's
// sessionStorage), so the new kernel finds the draft and the resident continues where they were.
(function () {
  'use strict';
  var KERNEL_CHANNELS = /\/api\/kernels\/([0-9a-f-]{36})\/channels/;
  var CODE_KEY = 'werkboek-code';
  var RECONNECT_GRACE_MS = 5000;  // JupyterLab's kernel connection reconnects by itself after a short drop
  var leaving = false;
  var lost = false;
  var kernelId = null;
  var sockets = [];

  window.addEventListener('beforeunload', function () { leaving = true; });

  // -- the code, for a reload ------------------------------------------------------------
  document.addEventListener('change', function (event) {
    var box = event.target && event.target.closest && event.target.closest('.wb-code-input');
    if (box && event.target.value) {
      try { sessionStorage.setItem(CODE_KEY, event.target.value.trim()); } catch (e) { /* private mode */ }
    }
  }, true);

  function reloadUrl() {
    var url = new URL(window.location.href);
    if (!url.searchParams.get('code')) {
      var typed = null;
      try { typed = sessionStorage.getItem(CODE_KEY); } catch (e) { typed = null; }
      if (typed) { url.searchParams.set('code', typed); }
    }
    return url.toString();
  }

  window.werkboekReload = function () { window.location.replace(reloadUrl()); };
  window.werkboekWatch = function () {  // what the watch knows (for tests and for a curious developer)
    var times = null;
    try { times = Number(sessionStorage.getItem('werkboek-lost') || 0); } catch (e) { times = null; }
    return {kernel: kernelId, lost: lost, lostTimes: times, sockets: sockets.map(function (s) { return s.readyState; })};
  };

  // -- the message -----------------------------------------------------------------------
  function showLost() {
    if (lost || leaving || document.querySelector('.wb-thanks')) { return; }
    lost = true;
    try {  // how often this tab lost its connection (kept over the reload; tests read it)
      sessionStorage.setItem('werkboek-lost', String(Number(sessionStorage.getItem('werkboek-lost') || 0) + 1));
    } catch (e) { /* private mode */ }
    var cover = document.createElement('div');
    cover.id = 'wb-lost';
    cover.className = 'wb-lost';
    cover.setAttribute('role', 'alert');
    cover.innerHTML = '<p class="wb-lost-title">De verbinding is even weg. We proberen het opnieuw…</p>' +
      '<p>U hoeft niets te doen: uw keuzes zijn bewaard.</p>' +
      '<p class="wb-lost-small" lang="en">The connection is lost for a moment. We are trying again…</p>';
    document.body.appendChild(cover);
    probe();
  }

  function baseUrl() {
    var config = document.getElementById('jupyter-config-data');
    try { return JSON.parse(config.textContent).baseUrl || '/'; } catch (e) { return '/'; }
  }

  function probe() {
    fetch(baseUrl() + 'voila/templates/werkboek/static/werkboek.css', {cache: 'no-store'}).then(function (r) {
      if (r.ok) {
        var title = document.querySelector('#wb-lost .wb-lost-title');
        if (title) { title.textContent = 'De verbinding is terug. We gaan verder…'; }
        setTimeout(window.werkboekReload, 1200);  // long enough to read, short enough not to wait
      } else { setTimeout(probe, 2000); }
    }).catch(function () { setTimeout(probe, 2000); });
  }

  // -- the kernel's websocket --------------------------------------------------------------
  var NativeWebSocket = window.WebSocket;
  function WatchedWebSocket(url, protocols) {
    var socket = protocols === undefined ? new NativeWebSocket(url) : new NativeWebSocket(url, protocols);
    var match = KERNEL_CHANNELS.exec(String(url));
    if (match) {
      kernelId = match[1];
      sockets.push(socket);
      socket.addEventListener('close', function () {
        setTimeout(function () {  // lost only when no socket to the kernel came back meanwhile
          var open = sockets.some(function (s) { return s.readyState === NativeWebSocket.OPEN; });
          if (!open) { showLost(); }
        }, RECONNECT_GRACE_MS);
      });
    }
    return socket;
  }
  WatchedWebSocket.prototype = NativeWebSocket.prototype;
  ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'].forEach(function (k) { WatchedWebSocket[k] = NativeWebSocket[k]; });
  window.WebSocket = WatchedWebSocket;

  // -- is the kernel still there? -------------------------------------------------------
  setInterval(function () {
    if (!kernelId || lost || document.hidden) { return; }
    fetch(baseUrl() + 'api/kernels/' + kernelId, {cache: 'no-store', credentials: 'same-origin'}).then(function (r) {
      if (r.status === 404) { showLost(); }
    }).catch(function () { showLost(); });
  }, 15000);
})();
