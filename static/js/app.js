// Small progressive enhancements of the desk: keyboard shortcuts on the queue,
// bulk selection, and the source switcher of the Add article form. No framework.
(function () {
  "use strict";

  function typing(event) {
    const el = event.target;
    if (!el) return false;
    // A ticked checkbox or a pressed button has focus but takes no letters.
    if (el.tagName === "INPUT") return !/^(checkbox|radio|button|submit|reset)$/.test(el.type);
    return el.isContentEditable || /^(TEXTAREA|SELECT)$/.test(el.tagName);
  }

  // Single-key shortcuts can be turned off (WCAG 2.1.4: speech input types letters).
  const SHORTCUTS_OFF = "factcheck-shortcuts-off";
  function shortcutsOff() {
    try { return window.localStorage.getItem(SHORTCUTS_OFF) === "1"; } catch (e) { return false; }
  }
  function shortcutSwitch() {
    // One switch at the foot of every desk page, one in the queue's help: kept alike.
    const boxes = document.querySelectorAll("[data-shortcuts-off]");
    boxes.forEach(function (box) {
      box.checked = shortcutsOff();
      box.addEventListener("change", function () {
        try { window.localStorage.setItem(SHORTCUTS_OFF, box.checked ? "1" : "0"); } catch (e) { /* private mode */ }
        boxes.forEach(function (other) { other.checked = box.checked; });
      });
    });
  }

  function closeOnButtons(dialog) {
    dialog.querySelectorAll("[data-close]").forEach(function (b) {
      b.addEventListener("click", function () { dialog.close(); });
    });
  }

  function queuePage() {
    const table = document.getElementById("queue-table");
    if (!table) return;
    const rows = Array.from(table.querySelectorAll("tbody tr[data-url]"));
    const help = document.getElementById("help-dialog");
    const dismiss = document.getElementById("dismiss-dialog");
    const dismissForm = document.getElementById("dismiss-form");
    const count = document.getElementById("selected-count");
    const all = document.getElementById("select-all");
    let current = -1;
    [help, dismiss].forEach(closeOnButtons);

    function boxes() { return table.querySelectorAll("input[name=ids]"); }
    function updateCount() {
      const n = table.querySelectorAll("input[name=ids]:checked").length;
      if (count) count.textContent = n + " selected";
    }
    table.addEventListener("change", updateCount);
    if (all) all.addEventListener("change", function () {
      boxes().forEach(function (b) { b.checked = all.checked; });
      updateCount();
    });
    updateCount();  // ticks kept from a bulk action that could not be applied

    function select(i) {
      if (!rows.length) return;
      current = Math.max(0, Math.min(rows.length - 1, i));
      rows.forEach(function (r, j) { r.classList.toggle("selected", j === current); });
      rows[current].querySelector("a.claim-link").focus();
    }

    document.querySelectorAll("[data-help-open]").forEach(function (b) {
      b.addEventListener("click", function () { help.showModal(); });
    });

    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) return;
      if (document.querySelector("dialog[open]")) return;
      if (shortcutsOff() && event.key !== "?") return;
      const key = event.key;
      if (key === "n") {
        event.preventDefault();
        document.getElementById("take-next").requestSubmit();
      } else if (key === "j") {
        event.preventDefault(); select(current + 1);
      } else if (key === "k") {
        event.preventDefault(); select(current < 0 ? 0 : current - 1);
      } else if ((key === "o" || (key === "Enter" && event.target === document.body)) && current >= 0) {
        // Enter on a button, link or box does what that control does: not open the claim.
        event.preventDefault(); window.location = rows[current].dataset.url;
      } else if (key === "x" && current >= 0) {
        const box = rows[current].querySelector("input[name=ids]");
        box.checked = !box.checked; updateCount();
      } else if (key === "d" && current >= 0) {
        event.preventDefault();
        dismissForm.action = rows[current].dataset.dismiss;
        document.getElementById("dismiss-version").value = rows[current].dataset.version;
        dismiss.showModal();
        document.getElementById("dismiss-reason").focus();
      } else if (key === "?") {
        event.preventDefault(); help.showModal();
      }
    });
  }

  function addArticlePage() {
    const form = document.getElementById("add-form");
    if (!form) return;
    const radios = form.querySelectorAll("input[name=source]");
    function show() {
      const chosen = (form.querySelector("input[name=source]:checked") || {}).value || "url";
      form.querySelectorAll("[data-source]").forEach(function (el) {
        el.hidden = el.dataset.source.split(" ").indexOf(chosen) < 0;
      });
    }
    radios.forEach(function (r) { r.addEventListener("change", show); });
    show();
  }

  // Text typed into a desk form and not sent yet: leaving the page (a link, "Take next",
  // its shortcut) would lose it, so the browser asks first. Sending the form clears it.
  const unsaved = new Set();
  function hasUnsaved() {
    // A form htmx swapped out took its text with it: nothing left to lose there.
    unsaved.forEach(function (form) { if (!form.isConnected) unsaved.delete(form); });
    return unsaved.size > 0;
  }
  function unsavedWork() {
    document.addEventListener("input", function (event) {
      const el = event.target;
      const form = el.form;
      // Typed text only: a ticked box or a chosen option is quickly done again.
      const typed = el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && !/^(checkbox|radio|hidden|file)$/.test(el.type));
      if (typed && form && form.method === "post" && !form.closest("dialog")) unsaved.add(form);
    });
    document.addEventListener("submit", function (event) { unsaved.delete(event.target); }, true);
    window.addEventListener("beforeunload", function (event) {
      if (!hasUnsaved()) return;
      // The form being sent may stay on this page (the user answers "Stay"): send again.
      document.querySelectorAll("form[data-sending]").forEach(function (form) { delete form.dataset.sending; });
      event.preventDefault();
      event.returnValue = "";  // older browsers need a value to ask
    });
  }

  // A second click on a button whose form is on its way (a double click, a slow answer)
  // sent it twice: the first saved, the second was refused as based on the version the
  // page had loaded, and the page said "not saved" over the user's own save. A plain form
  // is sent once per page; htmx's forms (their submit is prevented) queue their own.
  function sendOnce() {
    document.addEventListener("submit", function (event) {
      const form = event.target;
      if (event.defaultPrevented || form.method !== "post") return;
      if (form.dataset.sending) {
        event.preventDefault();
        return;
      }
      form.dataset.sending = "1";
      // Loading stopped (Escape) or an answer that is no page: it may be sent again.
      window.setTimeout(function () { delete form.dataset.sending; }, 10000);
    });
    // Back to a page kept in the browser's cache: its forms were not sent from there.
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) return;
      document.querySelectorAll("form[data-sending]").forEach(function (form) { delete form.dataset.sending; });
    });
  }

  function globalShortcuts() {
    if (document.getElementById("queue-table")) return;
    document.addEventListener("keydown", function (event) {
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) return;
      if (shortcutsOff()) return;
      if (event.key === "n") {
        const take = document.querySelector("form[action$='/queue/next/']");
        if (!take) return;
        event.preventDefault();
        if (hasUnsaved() && !window.confirm("Take the next claim? What you typed here is not saved.")) return;
        unsaved.clear();  // asked once, not again by the browser on the way out
        take.requestSubmit();
      }
    });
  }

  // The evidence panel is swapped in whole by htmx: focus would fall back to the top of
  // the page. Move it to the first field in error, else to the message (so it is read).
  function evidenceFocus() {
    // A request sent from the panel brings news to focus again (a panel that stays, with
    // a notice added at its top, keeps the mark of the last one).
    document.body.addEventListener("htmx:beforeRequest", function (event) {
      const panel = document.getElementById("evidence");
      if (panel && panel.contains(event.detail.elt)) delete panel.dataset.focused;
    });
    document.body.addEventListener("htmx:afterSettle", function (event) {
      const panel = document.getElementById("evidence");
      // Only a swap of the panel: another part of the page (the lease note) keeps focus.
      if (!panel || panel.dataset.focused || !panel.contains(event.target)) return;
      panel.dataset.focused = "1";
      const target = panel.querySelector("[aria-invalid=true]") ||
        panel.querySelector("[role=status], [role=alert]") || document.getElementById("ev-title");
      if (!target) return;
      if (!/^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(target.tagName)) target.setAttribute("tabindex", "-1");
      target.focus();
    });
  }

  // A failed htmx request leaves the page as it was: say so (and move focus there, so it
  // is read out), or the reviewer takes the source for saved.
  function requestErrors() {
    const box = document.getElementById("request-error");
    if (!box) return;
    function show(event, why) {
      // A dialog (the lease's) says it in the dialog: the page behind it is inert.
      if (event.detail.elt && event.detail.elt.closest("dialog[open]")) return;
      const reading = event.detail.requestConfig && event.detail.requestConfig.verb === "get";
      box.textContent = (reading ? "Could not update the page: " : "Not saved: ") + why;
      box.hidden = false;
      if (reading) return;  // not from a poll every second: focus would be held there
      // Just above the panel the form was to update (outside it, as a swap replaces it),
      // so focus stays beside the form rather than jumping to the top of the page.
      const near = event.detail.target || (event.detail.elt && event.detail.elt.closest("form"));
      if (near && near !== document.body && near.parentNode) near.before(box);
      box.focus();
    }
    document.body.addEventListener("htmx:responseError", function (event) {
      show(event, "the server answered with an error (" + event.detail.xhr.status + "). Try again, or reload the page.");
    });
    document.body.addEventListener("htmx:sendError", function (event) {
      show(event, "the server could not be reached. Check the connection and try again.");
    });
    document.body.addEventListener("htmx:beforeRequest", function () { box.hidden = true; });
  }

  // A form sent again after the session ended brings a new notice (with what is typed
  // now) to the top of its panel: it replaces the one already there instead of stacking.
  function sessionEndedNotices() {
    document.body.addEventListener("htmx:beforeSwap", function (event) {
      if (event.detail.serverResponse.indexOf('id="session-ended"') === -1) return;
      document.querySelectorAll("#session-ended").forEach(function (old) { old.remove(); });
      // "Evidence added." from before would stand under "nothing was saved".
      const target = event.detail.target;
      if (target) target.querySelectorAll(".message[role=status]").forEach(function (old) { old.remove(); });
    });
  }

  // After a save the page is new: a status region already in it is not read out, and
  // focus starts at the top. Move focus to what the page has to say: a conflict, a form
  // error, else the messages.
  function focusNews() {
    const news = ["#conflict", "main .errors[role=alert]", "main [aria-invalid=true]", ".messages"]
      .map(function (selector) { return document.querySelector(selector); })
      .find(Boolean);
    if (!news || document.activeElement !== document.body) return;
    if (!/^(INPUT|SELECT|TEXTAREA)$/.test(news.tagName)) news.setAttribute("tabindex", "-1");
    news.focus({ preventScroll: false });
  }

  // A claim's lease, counted down on its page (from the seconds the server gave: the
  // computer's clock may be off). Five minutes before it ends, and again once it has, a
  // dialog offers to keep the claim (WCAG 2.2.1); "Not now" or Escape go back to the page
  // as it was. "Keep it" renews the lease: htmx brings the lease note back, renewed.
  function leaseCountdown() {
    const dialog = document.getElementById("lease-dialog");
    if (!dialog) return;
    const WARN_MS = 5 * 60 * 1000;
    const text = document.getElementById("lease-text");
    const error = document.getElementById("lease-error");
    const status = document.getElementById("lease-status");
    let ends = 0, warnAt = WARN_MS, warned = false, ended = false, returnTo = null;
    closeOnButtons(dialog);

    function minutes(ms) {
      const n = Math.max(1, Math.ceil(ms / 60000));
      return n + (n === 1 ? " minute" : " minutes");
    }
    function start() {
      const note = document.getElementById("lease-note");
      if (!note || !note.dataset.seconds) return;
      ends = Date.now() + 1000 * Number(note.dataset.seconds);
      // Five minutes before the end; a fifth of a shorter lease (a desk's five-minute
      // lease was warned of as soon as the claim opened), but never under the 20 seconds
      // WCAG 2.2.1 gives to answer.
      const lease = 1000 * Number(note.dataset.lease || 0);
      warnAt = lease ? Math.min(WARN_MS, Math.max(20000, lease / 5)) : WARN_MS;
      warned = ended = false;
    }
    function ask(message) {
      text.textContent = message;
      error.hidden = true;
      if (dialog.open) return;
      returnTo = document.activeElement;
      dialog.showModal();
    }
    function tick() {
      const note = document.getElementById("lease-note");
      if (!ends || !note) return;
      const left = ends - Date.now();
      if (left > 0) {
        note.textContent = "(lease ends in " + minutes(left) + ", at " + note.dataset.ends + ")";
      } else {
        note.textContent = "(lease expired: it goes back to the queue shortly)";
      }
      if (left <= 0 && !ended) {
        ended = warned = true;
        ask("Your lease on this claim has ended: within a minute it goes back to the queue, " +
          "where anyone may take it. Keep it while it is still yours; what you typed stays on this page.");
      } else if (left <= warnAt && !warned) {
        warned = true;
        ask("Your lease on this claim ends at " + note.dataset.ends + ", in " + minutes(left) +
          ": then it goes back to the queue, where anyone may take it. Saving the verdict or a source keeps it too.");
      }
    }
    function fail(message) {
      error.textContent = message;
      error.hidden = false;
    }
    dialog.addEventListener("close", function () {
      if (returnTo && returnTo.isConnected) returnTo.focus();
    });
    document.body.addEventListener("htmx:afterSettle", function (event) {
      const note = event.target;
      if (note.id !== "lease-note") return;
      if (note.dataset.error) return fail("Not kept: " + note.dataset.error);
      start();
      tick();
      status.textContent = "Kept: the claim is yours until " + note.dataset.ends + ".";
      dialog.close();
    });
    const form = dialog.querySelector("form");
    form.addEventListener("htmx:responseError", function (event) {
      fail("Not kept: the server answered with an error (" + event.detail.xhr.status + "). Try again.");
    });
    form.addEventListener("htmx:sendError", function () {
      fail("Not kept: the server could not be reached. Check the connection and try again.");
    });
    start();
    tick();
    window.setInterval(tick, 5000);  // a 20-second warning is not missed between ticks
  }

  // The progress list is swapped every second; read out its state only when it changes.
  function progressAnnouncements() {
    const status = document.getElementById("progress-status");
    if (!status) return;
    function announce() {
      const progress = document.getElementById("progress");
      const text = progress ? progress.dataset.announce : "";
      if (text && text !== status.textContent) status.textContent = text;
    }
    announce();
    document.body.addEventListener("htmx:afterSettle", announce);
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusNews();
    progressAnnouncements();
    leaseCountdown();
    shortcutSwitch();
    evidenceFocus();
    requestErrors();
    sessionEndedNotices();
    queuePage();
    addArticlePage();
    unsavedWork();
    sendOnce();
    globalShortcuts();
  });
})();
