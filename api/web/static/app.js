/* Huren review pages: box highlighting, zoom/rotate, dialogs, shortcuts, one submit per form.
   Plain JavaScript, no dependencies, nothing loaded from elsewhere (Content-Security-Policy: 'self'). */
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  // --- one submit per form: a double click records one decision ---------------------------------
  function guardForms() {
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.sent === "1") { event.preventDefault(); return; }
        form.dataset.sent = "1";
        setTimeout(function () {
          form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
        }, 0);
      });
    });
  }

  // --- dialogs -------------------------------------------------------------------------------------
  function openDialog(id) {
    var dialog = document.getElementById(id);
    if (dialog && !dialog.open) {
      dialog.showModal();
      var first = dialog.querySelector("textarea, select, input:not([type=hidden])");
      if (first) first.focus();
    }
  }

  function wireDialogs() {
    document.querySelectorAll("[data-open]").forEach(function (button) {
      button.addEventListener("click", function () { openDialog(button.dataset.open); });
    });
    document.querySelectorAll("[data-close]").forEach(function (button) {
      button.addEventListener("click", function () { button.closest("dialog").close(); });
    });
    document.querySelectorAll("[data-add-reason]").forEach(function (button) {
      button.addEventListener("click", function () {
        var box = document.getElementById("extra-reasons");
        var first = box.querySelector("textarea");
        var copy = first.cloneNode(false);
        copy.value = "";
        box.appendChild(copy);
        copy.focus();
      });
    });
  }

  // --- boxes on the scan <-> rows of the table ---------------------------------------------------
  function clearHighlight() {
    document.querySelectorAll(".hl").forEach(function (el) { el.classList.remove("hl"); });
  }

  function highlight(boxId, scroll) {
    clearHighlight();
    if (!boxId) return;
    var rect = document.getElementById(boxId);
    var row = document.getElementById("row-" + boxId);
    if (rect) {
      rect.classList.add("hl");
      rect.parentNode.appendChild(rect); // drawn last: on top of its neighbours
    }
    if (row) row.classList.add("hl");
    if (scroll === "box" && rect) rect.scrollIntoView({ block: "center", inline: "center", behavior: "smooth" });
    if (scroll === "row" && row) row.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  // --- a reason jumps to its field: the row scrolled into view, its box lit on the scan -------------
  function wireReasons() {
    document.querySelectorAll("[data-jump]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var target = document.getElementById(link.dataset.jump);
        if (!target) return;
        event.preventDefault();
        var page = target.closest(".page") || target;
        page.scrollIntoView({ block: "start", behavior: "auto" });
        if (link.dataset.box) highlight(link.dataset.box, "box");
        else { clearHighlight(); target.classList.add("hl"); }
        document.querySelectorAll(".reason-link.current").forEach(function (el) { el.classList.remove("current"); });
        link.classList.add("current");
        if (history.replaceState) history.replaceState(null, "", "#" + link.dataset.jump);
      });
    });
  }

  function wireBoxes() {
    document.querySelectorAll(".field-row").forEach(function (row) {
      var id = row.dataset.box;
      row.addEventListener("mouseenter", function () { highlight(id); });
      row.addEventListener("focus", function () { highlight(id); });
      row.addEventListener("click", function () { highlight(id, "box"); });
    });
    document.querySelectorAll("rect.box").forEach(function (rect) {
      rect.addEventListener("mouseenter", function () { highlight(rect.id); });
      rect.addEventListener("click", function () { highlight(rect.id, "row"); });
    });
  }

  // --- zoom and rotate -----------------------------------------------------------------------------
  function wireViewers() {
    document.querySelectorAll("[data-viewer]").forEach(function (viewer) {
      var svg = viewer.querySelector("svg");
      var group = viewer.querySelector(".page-g");
      var w = parseFloat(viewer.dataset.w), h = parseFloat(viewer.dataset.h);
      var zoom = 1, turn = 0;

      function apply() {
        svg.style.width = Math.round(zoom * 100) + "%";
        var transforms = {
          0: "", 90: "rotate(90) translate(0,-" + h + ")",
          180: "rotate(180) translate(-" + w + ",-" + h + ")", 270: "rotate(270) translate(-" + w + ",0)"
        };
        group.setAttribute("transform", transforms[turn]);
        var sideways = turn === 90 || turn === 270;
        svg.setAttribute("viewBox", "0 0 " + (sideways ? h : w) + " " + (sideways ? w : h));
        viewer.dataset.zoom = String(zoom);
        viewer.dataset.turn = String(turn);
      }

      viewer.querySelectorAll("[data-zoom]").forEach(function (button) {
        button.addEventListener("click", function () {
          var how = button.dataset.zoom;
          zoom = how === "in" ? Math.min(6, zoom * 1.25) : how === "out" ? Math.max(0.3, zoom / 1.25) : 1;
          apply();
        });
      });
      var rotate = viewer.querySelector("[data-rotate]");
      if (rotate) rotate.addEventListener("click", function () { turn = (turn + 90) % 360; apply(); });
      var toggle = viewer.querySelector("[data-toggle-boxes]");
      if (toggle) toggle.addEventListener("change", function () { viewer.classList.toggle("no-boxes", !toggle.checked); });
    });
  }

  // --- keyboard: a approve, r reject, j/n next, k previous ---------------------------------------
  function wireKeys() {
    var meta = document.getElementById("app-meta");
    if (!meta) return;
    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      var target = event.target;
      if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
      if (document.querySelector("dialog[open]")) return;
      var key = event.key.toLowerCase();
      if (key === "j" || key === "n") { window.location.assign(meta.dataset.next); }
      else if (key === "k") { window.location.assign(meta.dataset.prev); }
      else if (key === "a") {
        // asks for confirmation, with a summary, as reject does
        if (document.getElementById("approve-dialog")) { event.preventDefault(); openDialog("approve-dialog"); }
      } else if (key === "r") {
        if (document.getElementById("reject-dialog")) { event.preventDefault(); openDialog("reject-dialog"); }
      }
    });
  }

  // --- after an approval: wait for the certificate, then open it --------------------------------
  function pollCertificate() {
    var meta = document.getElementById("app-meta");
    if (!meta || !meta.dataset.poll) return;
    var tries = 0;
    function tick() {
      tries += 1;
      fetch(meta.dataset.poll, { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (status) {
          if (status && status.ready) {
            var pending = document.getElementById("certificate-pending");
            if (pending) pending.hidden = true;
            var ready = document.getElementById("certificate-ready");
            if (ready) ready.hidden = false;
            window.location.assign(status.url);
          } else if (status && status.error) {
            var p = document.getElementById("certificate-pending");
            if (p) { p.textContent = "✗ " + meta.dataset.failed + " (" + status.error + ")"; p.className = "notice bad"; }
          } else if (tries < 120) {
            setTimeout(tick, 1000);
          }
        })
        .catch(function () { if (tries < 120) setTimeout(tick, 2000); });
    }
    tick();
  }

  onReady(function () {
    guardForms();
    wireDialogs();
    wireBoxes();
    wireReasons();
    wireViewers();
    wireKeys();
    pollCertificate();
  });
})();
