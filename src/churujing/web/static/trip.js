// The trip page: move the focus to the answer once it is shown (screen readers read it).
// A static file, so that a Content-Security-Policy may allow no inline script.
(function () {
  var answer = document.getElementById("answer");
  if (answer) { answer.focus({preventScroll: true}); }
})();
