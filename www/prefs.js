// Applies the reader's stored settings (theme, text size, line width, spacing, font) to
// <html> before the first paint, so the page never flashes the wrong theme.
// A classic script, loaded synchronously from <head>: the CSP forbids inline script.
// The format belongs to the Rust core (src/reading/prefs.rs): `key=value` pairs joined
// by `;`. Only known keys and short lower-case words are applied; the stylesheet ignores
// values it does not know, and the viewer rewrites the attributes when it starts.
(function () {
  "use strict";
  var known = { theme: true, size: true, width: true, leading: true, font: true };
  try {
    var stored = window.localStorage.getItem("folio.prefs");
    if (!stored) return;
    var pairs = stored.split(";");
    for (var i = 0; i < pairs.length; i++) {
      var pair = pairs[i].split("=");
      if (pair.length !== 2) continue;
      var key = pair[0].trim();
      var value = pair[1].trim();
      if (known.hasOwnProperty(key) && /^[a-z0-9]{1,12}$/.test(value)) {
        document.documentElement.setAttribute("data-" + key, value);
      }
    }
  } catch (error) {
    // No storage (private mode, blocked cookies, sandboxed frame): the defaults stand.
  }
})();
