// Live character counters. The server counts characters without white space
// (ConocelesCore's nonWhiteSpaceCount); this counts the same way so the person sees
// the number the server will check. Pages work without it.
document.addEventListener("DOMContentLoaded", function () {
  // Swift counts grapheme clusters (what a person sees as one character).
  var segmenter = window.Intl && Intl.Segmenter ? new Intl.Segmenter("es", { granularity: "grapheme" }) : null;
  document.querySelectorAll("[data-limite]").forEach(function (field) {
    var limit = parseInt(field.getAttribute("data-limite"), 10);
    var output = document.getElementById(field.id + "-contador");
    if (!output || !limit) { return; }
    var update = function () {
      var kept = field.value.replace(/[\p{White_Space}\u200B\u2060\uFEFF\u180E]/gu, "");
      var count = segmenter ? Array.from(segmenter.segment(kept)).length : Array.from(kept).length;
      output.textContent = count + " de " + limit + " caracteres (sin contar espacios)";
      output.classList.toggle("excedido", count > limit);
    };
    field.addEventListener("input", update);
    update();
  });
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
