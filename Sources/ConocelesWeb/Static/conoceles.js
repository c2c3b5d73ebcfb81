// Live character counters. The server counts characters without white space
// (ConocelesCore's nonWhiteSpaceCount); this counts the same way so the person sees
// the number the server will check, with the minimum and the maximum. Screen readers hear
// it only when a threshold is crossed (the form's polite #contador-aviso), not on every key.
// Pages work without it.
document.addEventListener("DOMContentLoaded", function () {
  // Swift counts grapheme clusters (what a person sees as one character).
  var segmenter = window.Intl && Intl.Segmenter ? new Intl.Segmenter("es", { granularity: "grapheme" }) : null;
  var number = function (n) { return n.toLocaleString("es-MX"); };
  var announcer = document.getElementById("contador-aviso");
  document.querySelectorAll("[data-limite]").forEach(function (field) {
    var limit = parseInt(field.getAttribute("data-limite"), 10);
    var minimum = parseInt(field.getAttribute("data-minimo") || "0", 10);
    var output = document.getElementById(field.id + "-contador");
    if (!output || !limit) { return; }
    var label = document.querySelector("label[for='" + field.id + "']");
    var name = label ? label.textContent : "";
    var band = null;
    var update = function (announce) {
      var kept = field.value.replace(/[\p{White_Space}\u200B\u2060\uFEFF\u180E]/gu, "");
      var count = segmenter ? Array.from(segmenter.segment(kept)).length : Array.from(kept).length;
      var range = minimum ? "mínimo " + number(minimum) + ", máximo " + number(limit) : "máximo " + number(limit);
      output.textContent = number(count) + " caracteres sin contar espacios (" + range + ")";
      output.classList.toggle("excedido", count > limit);
      var now = count > limit ? "excedido" : (minimum && count < minimum ? "corto" : "dentro");
      if (announce && announcer && band !== null && now !== band) {
        announcer.textContent = name + ": " + (now === "excedido" ? "supera el máximo de " + number(limit) + " caracteres."
          : now === "corto" ? "faltan caracteres para el mínimo de " + number(minimum) + "."
          : "dentro del límite (" + number(count) + " caracteres).");
      }
      band = now;
    };
    field.addEventListener("input", function () { update(true); });
    update(false);
  });
});

// Nothing typed is lost (issue 26), for the capture forms (form[data-borrador]):
// - a copy of each long text is kept in this browser (localStorage) as it is typed, and
//   offered back when the page shows something else (the save did not happen);
// - leaving the page with unsaved changes asks first;
// - before the session's idle expiry, a warning with a button that extends it.
// Without JavaScript the forms work the same; the server also keeps a form posted after the
// session expired.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-borrador]");
  if (!form) { return; }
  var key = "conoceles:" + form.getAttribute("data-borrador");
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }
  var texts = Array.prototype.slice.call(form.querySelectorAll("textarea"));
  var notice = function (className, text, buttons) {
    var box = document.createElement("div");
    box.className = className + " aviso";
    box.setAttribute("role", "status");
    var p = document.createElement("p");
    p.textContent = text;
    box.appendChild(p);
    buttons.forEach(function (b) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = b[0];
      if (b[2]) { button.className = b[2]; }
      button.addEventListener("click", function () { b[1](box, p); });
      box.appendChild(button);
    });
    form.parentNode.insertBefore(box, form);
    return box;
  };

  // The local copy.
  if (store && texts.length) {
    var saved = null;
    try { saved = JSON.parse(store.getItem(key) || "null"); } catch (e) { saved = null; }
    var differs = saved && saved.textos && texts.some(function (t) {
      var v = saved.textos[t.name];
      return typeof v === "string" && v.trim() !== "" && v !== t.value;
    });
    if (differs) {
      var when = new Date(saved.fecha).toLocaleString("es-MX", { dateStyle: "long", timeStyle: "short" });
      notice("borrador-local", "Este navegador guardó una copia de los textos que escribió en este formulario el " + when +
        " y que no se guardaron. ¿Quiere recuperarla?", [
        ["Recuperar la copia", function (box) {
          texts.forEach(function (t) {
            var v = saved.textos[t.name];
            if (typeof v === "string" && v.trim() !== "") { t.value = v; t.dispatchEvent(new Event("input")); }
          });
          box.querySelector("p").textContent = "Se recuperó la copia. Revísela y pulse «Guardar borrador».";
          box.querySelectorAll("button").forEach(function (b) { b.remove(); });
        }],
        ["Descartarla", function (box) { store.removeItem(key); box.remove(); }, "secundario"]
      ]);
    } else if (saved) {
      store.removeItem(key);  // the page shows what the copy held: it was saved
    }
    var keep = function () {
      var copy = { fecha: new Date().toISOString(), textos: {} };
      texts.forEach(function (t) { copy.textos[t.name] = t.value; });
      try { store.setItem(key, JSON.stringify(copy)); } catch (e) { /* full or refused: the server still has the form */ }
    };
    texts.forEach(function (t) { t.addEventListener("input", keep); });
  }

  // Unsaved changes.
  var dirty = false;
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) { return; }
    event.preventDefault();
    event.returnValue = "";
  });

  // The idle expiry warning.
  var seconds = parseInt(form.getAttribute("data-sesion-segundos") || "0", 10);
  var csrf = form.querySelector("input[name=csrf]");
  if (!seconds || !csrf) { return; }
  var warning = null, timer = null;
  var schedule = function (left) {
    clearTimeout(timer);
    timer = setTimeout(warn, Math.max(0, left - Math.min(300, Math.floor(left / 5))) * 1000);
  };
  var warn = function () {
    if (warning) { warning.remove(); }
    warning = notice("sesion-aviso", "Su sesión vencerá pronto por inactividad (escribir no cuenta como actividad). " +
      "Pulse «Seguir conectado» para no perderla; si vence, lo que escribió se conservará al guardar.", [
      ["Seguir conectado", function (box, p) {
        fetch("/sesion/extender", {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: "csrf=" + encodeURIComponent(csrf.value)
        }).then(function (r) { return r.ok ? r.json() : { vigente: false }; }).then(function (answer) {
          if (answer.vigente) {
            p.textContent = "Su sesión sigue activa.";
            box.querySelectorAll("button").forEach(function (b) { b.remove(); });
            schedule(answer.segundos);
          } else {
            p.textContent = "Su sesión ya venció. Pulse «Guardar borrador»: lo que escribió se conservará y se le mostrará al volver a entrar.";
          }
        }).catch(function () { p.textContent = "No se pudo contactar al servidor. Intente de nuevo."; });
      }]
    ]);
    warning.setAttribute("role", "alert");
  };
  schedule(seconds);
});

// "Escuchar perfil": reads the profile aloud with the browser's speech synthesis, in a
// Spanish (Mexico) voice when there is one. The button ships hidden and is shown only here,
// when the browser has the API; without JavaScript the page is unchanged.
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector("[data-escuchar]");
  if (!button || !("speechSynthesis" in window) || typeof window.SpeechSynthesisUtterance !== "function") { return; }
  var article = document.getElementById(button.getAttribute("data-escuchar"));
  if (!article) { return; }
  var synth = window.speechSynthesis;
  var label = button.textContent;
  var voice = function () {
    var voices = synth.getVoices();
    return voices.find(function (v) { return v.lang === "es-MX" || v.lang === "es_MX"; }) ||
      voices.find(function (v) { return /^es/i.test(v.lang); }) || null;
  };
  var reset = function () { button.textContent = label; button.setAttribute("aria-pressed", "false"); };
  button.hidden = false;
  button.setAttribute("aria-pressed", "false");
  button.addEventListener("click", function () {
    if (synth.speaking) { synth.cancel(); reset(); return; }
    // One utterance per heading or paragraph: some engines stop long texts half-way.
    var parts = [];
    article.querySelectorAll("h1, h2, h3, p, dt, dd, li").forEach(function (element) {
      if (element.contains(button)) { return; }
      var text = element.textContent.replace(/\s+/g, " ").trim();
      if (text) { parts.push(text); }
    });
    var chosen = voice();
    parts.forEach(function (text, index) {
      var utterance = new SpeechSynthesisUtterance(text);
      utterance.lang = "es-MX";
      if (chosen) { utterance.voice = chosen; }
      if (index === parts.length - 1) { utterance.onend = reset; utterance.onerror = reset; }
      synth.speak(utterance);
    });
    button.textContent = button.getAttribute("data-detener") || label;
    button.setAttribute("aria-pressed", "true");
  });
});
