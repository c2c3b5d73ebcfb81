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
