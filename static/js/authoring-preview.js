// Live preview for the lesson editor: as the author types, the form is
// sent with action=preview (the same request the Preview button makes, so
// nothing is saved) and the preview and the checker's messages are
// replaced with the answer's. Without JavaScript the Preview button does
// the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-preview]");
  var target = document.getElementById("live-preview");
  var status = document.getElementById("live-preview-status");
  if (!form || !target || !window.fetch || !window.DOMParser) {
    return;
  }
  var timer = null;
  var sent = 0;

  function refresh() {
    var body = new FormData(form);
    body.set("action", "preview");
    var mine = ++sent;
    // form.action would be the button named "action", not the address.
    fetch(form.getAttribute("action"), { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (mine !== sent) {
          return; // a newer preview is on its way
        }
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("live-preview");
        if (fresh) {
          target.replaceChildren.apply(target, Array.prototype.slice.call(fresh.childNodes).map(function (n) { return document.importNode(n, true); }));
          if (status) {
            status.textContent = "Preview updated.";
          }
        }
      })
      .catch(function () {
        if (status) {
          status.textContent = "The preview could not be updated; use the Preview button.";
        }
      });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 700);
  });
})();
