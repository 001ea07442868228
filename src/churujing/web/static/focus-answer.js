// The measure page: move the focus to the answer once it is shown (screen readers read it).
// A static file, so that the Content-Security-Policy allows no inline script.
(function () {
  var answer = document.getElementById("answer");
  if (answer) { answer.focus({preventScroll: true}); }
})();
