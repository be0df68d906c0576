/* The caretaker's checklist on a flaky connection (issue 9 §2).
 *
 * A tick is recorded at once in localStorage with the phone's time and the form's random key,
 * then posted; what could not be sent stays queued and is sent when the browser says the
 * network is back (the `online` event) or at the next page load. The server records a key
 * once, so a tick sent twice (a lost answer, two tabs) is never doubled.
 */
(function () {
  "use strict";
  var STORE = "relais.rounds.queue";

  function load() {
    try { return JSON.parse(window.localStorage.getItem(STORE)) || []; } catch (e) { return []; }
  }
  function save(queue) { window.localStorage.setItem(STORE, JSON.stringify(queue)); }

  function status(text) {
    var box = document.querySelector("[data-rounds-status]");
    if (!box) { return; }
    box.textContent = text;
    box.hidden = !text;
  }

  function hhmm(iso) {
    var d = new Date(iso);
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }

  function buttonFor(url) {
    var form = document.querySelector('form[data-round-tick][action="' + url + '"]');
    return form ? form.querySelector("button") : null;
  }

  function show(url, time, queued) {
    var button = buttonFor(url);
    if (!button) { return; }
    button.disabled = true;
    button.classList.remove("btn-outline-primary");
    button.classList.add("btn-success");
    button.setAttribute("aria-pressed", "true");
    button.dataset.queued = queued ? "1" : "0";
    var label = document.documentElement.lang === "fr" ? "fait à " : "done at ";
    var waiting = document.documentElement.lang === "fr" ? " (envoi en attente)" : " (waiting to be sent)";
    button.querySelector("[data-step-time]").textContent = label + time + (queued ? waiting : "");
  }

  function pendingText(count) {
    if (!count) { return ""; }
    return document.documentElement.lang === "fr"
      ? "Hors connexion : " + count + (count > 1 ? " étapes seront envoyées" : " étape sera envoyée") + " au retour du réseau."
      : "Offline: " + count + (count > 1 ? " steps" : " step") + " will be sent when the network returns.";
  }

  var sending = false;
  function flush() {
    var queue = load();
    queue.forEach(function (entry) { show(entry.url, hhmm(entry.fields.done_at), true); });
    if (sending || !queue.length) { status(pendingText(queue.length)); return; }
    if (!navigator.onLine) { status(pendingText(queue.length)); return; }
    sending = true;
    var entry = queue[0];
    fetch(entry.url, {
      method: "POST",
      body: new URLSearchParams(entry.fields),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      if (response.redirected || response.status >= 500) {
        // Logged out (the login page answered) or the server failed: keep it queued.
        sending = false;
        status(document.documentElement.lang === "fr"
          ? "Envoi impossible pour l'instant (reconnectez-vous si besoin) : vos étapes restent en attente."
          : "Cannot send now (log in again if needed): your steps stay queued.");
        return null;
      }
      return response.json().catch(function () { return {}; }).then(function (body) {
        var rest = load().filter(function (other) { return other.fields.key !== entry.fields.key; });
        save(rest);
        if (response.ok) {
          show(entry.url, body.done_at || hhmm(entry.fields.done_at), false);
        } else {
          status(body.error || "");
        }
        sending = false;
        flush();
      });
    }).catch(function () {
      sending = false;
      status(pendingText(load().length));
    });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-round-tick]")) { return; }
    event.preventDefault();
    var fields = {};
    new FormData(form).forEach(function (value, name) { fields[name] = value; });
    fields.done_at = new Date().toISOString();
    var queue = load();
    if (!queue.some(function (entry) { return entry.fields.key === fields.key; })) {
      queue.push({ url: form.getAttribute("action"), fields: fields });
      save(queue);
    }
    show(form.getAttribute("action"), hhmm(fields.done_at), true);
    flush();
  });

  window.addEventListener("online", flush);
  document.addEventListener("DOMContentLoaded", flush);
})();
